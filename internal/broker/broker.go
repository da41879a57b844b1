package broker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Defaults of a Broker.
const (
	// DefaultDuration is the session length asked of STS. The broker's own credentials are the instance
	// role's, so assuming the researcher role is role chaining, which STS limits to one hour (STS API
	// Reference, AssumeRole, DurationSeconds).
	DefaultDuration = time.Hour
	// DefaultRefreshBefore is how long before their expiry cached credentials are replaced: a client is
	// never handed credentials that expire within it.
	DefaultRefreshBefore = 15 * time.Minute
	// minDuration is STS's shortest session (DurationSeconds minimum 900).
	minDuration = 15 * time.Minute
)

// loginPattern is what sce:researchers accepts as a login (internal/config), and within what STS accepts
// as a source identity and a role session name: 2 to 64 characters of [\w+=,.@-] (STS API Reference,
// AssumeRole, SourceIdentity and RoleSessionName).
var loginPattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{1,31}$`)

// ErrRefused is the error of a caller the broker serves nothing: a uid without a login, or a login that
// is not configured.
var ErrRefused = errors.New("refused")

// STS is the part of the STS client the broker uses.
type STS interface {
	AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, opts ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)
}

// Config configures a Broker.
type Config struct {
	// RoleARN is the researcher role. Required.
	RoleARN string
	// STS assumes it, with the instance role's credentials. Required.
	STS STS
	// Logins returns the configured logins; it is called on every request, so that a login removed from
	// sce:researchers is refused at once, cached credentials or not. Required.
	Logins func() ([]string, error)
	// LookupUser maps a uid to its login name. Default: the user database (LookupUID).
	LookupUser func(uid uint32) (string, error)
	// Duration is the session length asked of STS. Default: DefaultDuration.
	Duration time.Duration
	// RefreshBefore replaces cached credentials that expire within it. Default: DefaultRefreshBefore.
	RefreshBefore time.Duration
	// Now is the clock. Default: time.Now.
	Now func() time.Time
	// Log receives one record per request served or refused. Default: discarded.
	Log *slog.Logger
}

// Broker hands researcher logins their credentials. It is safe for concurrent use.
type Broker struct {
	cfg   Config
	mu    sync.Mutex
	cache map[string]*entry
}

// entry is one login's cached credentials; its lock serialises that login's STS calls only.
type entry struct {
	mu    sync.Mutex
	creds *processcreds.CredentialProcessResponse
}

// New checks the configuration and fills in its defaults.
func New(cfg Config) (*Broker, error) {
	if cfg.RoleARN == "" || cfg.STS == nil || cfg.Logins == nil {
		return nil, errors.New("broker: the role ARN, an STS client and the logins are required")
	}
	if cfg.LookupUser == nil {
		cfg.LookupUser = LookupUID
	}
	if cfg.Duration == 0 {
		cfg.Duration = DefaultDuration
	}
	if cfg.RefreshBefore == 0 {
		cfg.RefreshBefore = DefaultRefreshBefore
	}
	if cfg.Duration < minDuration || cfg.Duration > DefaultDuration || cfg.RefreshBefore >= cfg.Duration {
		return nil, fmt.Errorf("broker: session duration %s must be 15 minutes to 1 hour and longer than the refresh margin %s", cfg.Duration, cfg.RefreshBefore)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Broker{cfg: cfg, cache: map[string]*entry{}}, nil
}

// Credentials returns the credentials of the login that owns uid: from the cache while they are valid
// for longer than the refresh margin, else from a new sts:AssumeRole with SourceIdentity and
// RoleSessionName set to the login. A uid that is not a configured login gets ErrRefused.
func (b *Broker) Credentials(ctx context.Context, uid uint32) (*processcreds.CredentialProcessResponse, string, error) {
	login, err := b.cfg.LookupUser(uid)
	if err != nil {
		return nil, "", fmt.Errorf("uid %d has no login: %w", uid, ErrRefused)
	}
	logins, err := b.cfg.Logins()
	if err != nil {
		return nil, login, fmt.Errorf("read the configured logins: %w", err)
	}
	if !loginPattern.MatchString(login) || !slices.Contains(logins, login) {
		return nil, login, fmt.Errorf("login %s (uid %d) is not a configured researcher: %w", login, uid, ErrRefused)
	}
	b.mu.Lock()
	e, ok := b.cache[login]
	if !ok {
		e = &entry{}
		b.cache[login] = e
	}
	b.mu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	if e.creds != nil && e.creds.Expiration.Sub(b.cfg.Now()) > b.cfg.RefreshBefore {
		return e.creds, login, nil
	}
	out, err := b.cfg.STS.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String(b.cfg.RoleARN),
		RoleSessionName: aws.String(login),
		SourceIdentity:  aws.String(login),
		DurationSeconds: aws.Int32(int32(b.cfg.Duration / time.Second)), //nolint:gosec // New bounds it to 900-3600
	})
	if err != nil {
		return nil, login, fmt.Errorf("assume %s for %s: %w", b.cfg.RoleARN, login, err)
	}
	c := out.Credentials
	if c == nil || c.AccessKeyId == nil || c.SecretAccessKey == nil || c.SessionToken == nil || c.Expiration == nil {
		return nil, login, fmt.Errorf("assume %s for %s: STS returned no complete credentials", b.cfg.RoleARN, login)
	}
	exp := c.Expiration.UTC()
	e.creds = &processcreds.CredentialProcessResponse{Version: 1, AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey,
		SessionToken: *c.SessionToken, Expiration: &exp}
	return e.creds, login, nil
}
