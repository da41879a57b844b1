package broker

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const roleARN = "arn:aws:iam::111122223333:role/hipaa-researcher"

// fakeSTS records every AssumeRole and answers with credentials valid for the session asked, from clock.
type fakeSTS struct {
	mu    sync.Mutex
	calls []sts.AssumeRoleInput
	now   func() time.Time
	err   error
}

func (f *fakeSTS) AssumeRole(_ context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, *in)
	if f.err != nil {
		return nil, f.err
	}
	n := len(f.calls)
	return &sts.AssumeRoleOutput{Credentials: &types.Credentials{
		AccessKeyId:     aws.String("ASIA" + aws.ToString(in.SourceIdentity) + string(rune('0'+n))),
		SecretAccessKey: aws.String("secret"),
		SessionToken:    aws.String("token"),
		Expiration:      aws.Time(f.now().Add(time.Duration(aws.ToInt32(in.DurationSeconds)) * time.Second)),
	}}, nil
}

func (f *fakeSTS) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// clock is a settable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// users is a user database: uid to login.
type users map[uint32]string

func (u users) lookup(uid uint32) (string, error) {
	if l, ok := u[uid]; ok {
		return l, nil
	}
	return "", errors.New("unknown uid")
}

type fixture struct {
	broker *Broker
	sts    *fakeSTS
	clock  *clock
	logins []string
	mu     sync.Mutex
}

func newFixture(t *testing.T, db users, logins ...string) *fixture {
	t.Helper()
	f := &fixture{clock: &clock{t: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)}, logins: logins}
	f.sts = &fakeSTS{now: f.clock.now}
	b, err := New(Config{RoleARN: roleARN, STS: f.sts, LookupUser: db.lookup, Now: f.clock.now,
		Logins: func() ([]string, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			return append([]string{}, f.logins...), nil
		}})
	require.NoError(t, err)
	f.broker = b
	return f
}

func (f *fixture) setLogins(l ...string) { f.mu.Lock(); f.logins = l; f.mu.Unlock() }

func TestCredentialsCarryTheCallersLoginAsSourceIdentityAndSessionName(t *testing.T) {
	f := newFixture(t, users{1001: "alice", 1002: "bob"}, "alice", "bob")
	for uid, login := range map[uint32]string{1001: "alice", 1002: "bob"} {
		creds, got, err := f.broker.Credentials(context.Background(), uid)
		require.NoError(t, err)
		assert.Equal(t, login, got)
		assert.Equal(t, 1, creds.Version)
		assert.Contains(t, creds.AccessKeyID, login)
	}
	require.Equal(t, 2, f.sts.count())
	for _, c := range f.sts.calls {
		assert.Equal(t, roleARN, aws.ToString(c.RoleArn))
		assert.Equal(t, aws.ToString(c.SourceIdentity), aws.ToString(c.RoleSessionName), "the session is named for the person too")
		assert.Equal(t, int32(3600), aws.ToInt32(c.DurationSeconds), "role chaining allows one hour at most")
	}
	assert.ElementsMatch(t, []string{"alice", "bob"}, []string{aws.ToString(f.sts.calls[0].SourceIdentity), aws.ToString(f.sts.calls[1].SourceIdentity)})
}

func TestCallersThatAreNotConfiguredResearchersAreRefusedWithoutCallingSTS(t *testing.T) {
	f := newFixture(t, users{0: "root", 1000: "ec2-user", 1003: "mallory", 1004: "Alice"}, "alice", "bob")
	for _, uid := range []uint32{0, 1000, 1003, 1004, 4242} {
		creds, _, err := f.broker.Credentials(context.Background(), uid)
		assert.ErrorIs(t, err, ErrRefused, "uid %d", uid)
		assert.Nil(t, creds)
	}
	assert.Zero(t, f.sts.count(), "nothing is asked of STS for a refused caller")
}

func TestCredentialsAreCachedUntilTheyAreAboutToExpire(t *testing.T) {
	f := newFixture(t, users{1001: "alice"}, "alice")
	first, _, err := f.broker.Credentials(context.Background(), 1001)
	require.NoError(t, err)
	f.clock.add(40 * time.Minute)
	again, _, err := f.broker.Credentials(context.Background(), 1001)
	require.NoError(t, err)
	assert.Equal(t, first.AccessKeyID, again.AccessKeyID, "20 minutes left: still served from the cache")
	assert.Equal(t, 1, f.sts.count())

	f.clock.add(6 * time.Minute) // 14 minutes left: within the refresh margin
	fresh, _, err := f.broker.Credentials(context.Background(), 1001)
	require.NoError(t, err)
	assert.NotEqual(t, first.AccessKeyID, fresh.AccessKeyID)
	assert.Equal(t, 2, f.sts.count())
	assert.Greater(t, fresh.Expiration.Sub(f.clock.now()), DefaultRefreshBefore, "a client never gets credentials about to expire")
}

func TestALoginRemovedFromTheListIsRefusedDespiteItsCachedCredentials(t *testing.T) {
	f := newFixture(t, users{1001: "alice", 1002: "bob"}, "alice", "bob")
	_, _, err := f.broker.Credentials(context.Background(), 1002)
	require.NoError(t, err)
	f.setLogins("alice")
	_, _, err = f.broker.Credentials(context.Background(), 1002)
	assert.ErrorIs(t, err, ErrRefused)
	assert.Equal(t, 1, f.sts.count())
}

func TestAnSTSFailureIsReportedAndNotCached(t *testing.T) {
	f := newFixture(t, users{1001: "alice"}, "alice")
	f.sts.err = errors.New("AccessDenied: not authorized to perform sts:SetSourceIdentity")
	_, _, err := f.broker.Credentials(context.Background(), 1001)
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrRefused)
	assert.Contains(t, err.Error(), "sts:SetSourceIdentity")
	f.sts.err = nil
	_, _, err = f.broker.Credentials(context.Background(), 1001)
	assert.NoError(t, err)
	assert.Equal(t, 2, f.sts.count())
}

func TestNewRefusesAnIncompleteOrImpossibleConfiguration(t *testing.T) {
	logins := func() ([]string, error) { return nil, nil }
	for name, cfg := range map[string]Config{
		"no role":                   {STS: &fakeSTS{}, Logins: logins},
		"no STS":                    {RoleARN: roleARN, Logins: logins},
		"no logins":                 {RoleARN: roleARN, STS: &fakeSTS{}},
		"longer than role chaining": {RoleARN: roleARN, STS: &fakeSTS{}, Logins: logins, Duration: 2 * time.Hour},
		"margin beyond the session": {RoleARN: roleARN, STS: &fakeSTS{}, Logins: logins, Duration: 20 * time.Minute, RefreshBefore: 30 * time.Minute},
	} {
		_, err := New(cfg)
		assert.Error(t, err, name)
	}
}
