// Package egress is the client side of the airlock (docs/airlock.md): a researcher's egress request
// (`sce airlock request`: the automated checks, the files uploaded into the output bucket's outbox,
// the request recorded in the ledger table), and a reviewer's view and decision (`sce airlock list`,
// `show`, `approve`, `reject`). The CLI decides nothing: the release function and the policies do. It
// writes every item under the key of the caller as STS reports it (GetCallerIdentity), which is the
// only key the table's policy lets the caller write, and refuses early what the release function would
// refuse anyway, so that the person at the keyboard hears why.
package egress

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// DynamoDBAPI is the part of the DynamoDB client the airlock's CLI uses; *dynamodb.Client satisfies it.
type DynamoDBAPI interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
}

// STSAPI is the part of the STS client the CLI uses; *sts.Client satisfies it.
type STSAPI interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, opts ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

var (
	_ DynamoDBAPI = (*dynamodb.Client)(nil)
	_ STSAPI      = (*sts.Client)(nil)
)

// Target is the deployed stack's airlock: the ledger table, the output bucket and the project key.
type Target struct {
	Table, Bucket, KMSKeyARN string
}

// Validate names the missing parts, with the flags that give them.
func (t Target) Validate() error {
	var missing []string
	for _, m := range []struct{ value, what string }{{t.Table, "the ledger table (--table, or the output ledgerTable)"},
		{t.Bucket, "the output bucket (--bucket, or the output outputBucket)"}, {t.KMSKeyARN, "the project key (--kms-key, or the output kmsKeyArn)"}} {
		if m.value == "" {
			missing = append(missing, m.what)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("say where the airlock is: %s; or give --outputs FILE (saved with `pulumi stack output --json`)", strings.Join(missing, ", "))
	}
	return nil
}

// Client talks to one stack's airlock.
type Client struct {
	target   Target
	dynamodb DynamoDBAPI
	s3       *s3.Client
	sts      STSAPI
}

// New returns a client. s3 may be nil for the commands that read only the ledger.
func New(t Target, db DynamoDBAPI, s3c *s3.Client, stsc STSAPI) (*Client, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if db == nil || stsc == nil {
		return nil, errors.New("airlock client: the DynamoDB and STS clients are required")
	}
	return &Client{target: t, dynamodb: db, s3: s3c, sts: stsc}, nil
}

// Identity is the caller as STS reports it.
type Identity struct {
	// ARN is arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION for a role session.
	ARN string
	// UserID is aws:userid: "ROLE-ID:SESSION" for a role session.
	UserID  string
	Account string
}

// Session returns the session name of a role session's ARN, or "".
func (i Identity) Session() string {
	if !strings.Contains(i.ARN, ":assumed-role/") {
		return ""
	}
	return i.ARN[strings.LastIndex(i.ARN, "/")+1:]
}

// RoleName returns the role of a role session's ARN, or "".
func (i Identity) RoleName() string {
	_, rest, ok := strings.Cut(i.ARN, ":assumed-role/")
	if !ok {
		return ""
	}
	role, _, _ := strings.Cut(rest, "/")
	return role
}

// WhoAmI asks STS who the caller is.
func (c *Client) WhoAmI(ctx context.Context) (Identity, error) {
	out, err := c.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Identity{}, fmt.Errorf("ask STS who you are (GetCallerIdentity): %w", err)
	}
	id := Identity{ARN: aws.ToString(out.Arn), UserID: aws.ToString(out.UserId), Account: aws.ToString(out.Account)}
	if id.ARN == "" || id.UserID == "" {
		return Identity{}, errors.New("STS did not say who you are (GetCallerIdentity returned no ARN or user id)")
	}
	return id, nil
}
