package motoserver

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// adminPolicy allows everything: the administrator's policy.
const adminPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// setUpIAM creates the administrator, whose key Config signs with. moto accepts any key until a test
// asks for IAM to be enforced (EnforceIAM).
func (s *Server) setUpIAM(ctx context.Context) error {
	boot := iam.NewFromConfig(s.configFor(s.URL, credentials.NewStaticCredentialsProvider("AKIDBOOTSTRAP", "bootstrap", "")))
	creds, err := createUser(ctx, boot, "sce-test-admin", adminPolicy)
	if err != nil {
		return fmt.Errorf("create the administrator: %w", err)
	}
	s.admin = creds
	return nil
}

// EnforceIAM makes moto authenticate every request and authorise it by the caller's identity policies,
// until the returned function is called or the test ends. moto's enforcement is global to the server, so a package whose tests enforce it
// must not run them in parallel (none of this repository's do).
//
// Two limits of moto 5.2.1 under enforcement: it refuses the signature of an S3 request whose path or
// query holds a character the SDK percent-encodes, other than a space (a key with "@" or "(", a
// ListObjectVersions prefix with "/"), and it
// authorises DynamoDB and SNS actions against the resource "*" only, so a statement scoped to a table or
// a topic never matches there (S3, SQS and IAM actions are judged against their resource). Tests that
// enforce IAM keep to keys of letters, digits, "/", "-", "_", "." and spaces, and scope DynamoDB and SNS
// statements to "*", and check what a request did after enforcement ends.
func (s *Server) EnforceIAM(t testing.TB) (stop func()) {
	t.Helper()
	if err := s.resetAuth("0"); err != nil {
		t.Fatalf("motoserver: %v", err)
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			if err := s.resetAuth("inf"); err != nil {
				t.Errorf("motoserver: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// resetAuth sets how many more requests moto serves before it authenticates: "0" (from now on) or "inf"
// (never).
func (s *Server) resetAuth(count string) error {
	c, cancel := ctx()
	defer cancel()
	req, err := http.NewRequestWithContext(c, http.MethodPost, s.URL+"/moto-api/reset-auth", strings.NewReader(count))
	if err != nil {
		return fmt.Errorf("set IAM enforcement: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("set IAM enforcement: %w", err)
	}
	body, err := io.ReadAll(resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("set IAM enforcement: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("set IAM enforcement: moto answered %d: %s", resp.StatusCode, body)
	}
	return nil
}

// createUser creates an IAM user with an inline policy and an access key, and returns the key.
func createUser(ctx context.Context, client *iam.Client, name, policy string) (credentials.StaticCredentialsProvider, error) {
	var none credentials.StaticCredentialsProvider
	if _, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		return none, fmt.Errorf("create user %s: %w", name, err)
	}
	_, err := client.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String(name), PolicyDocument: aws.String(policy)})
	if err != nil {
		return none, fmt.Errorf("put the policy of user %s: %w", name, err)
	}
	key, err := client.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		return none, fmt.Errorf("create an access key for user %s: %w", name, err)
	}
	return credentials.NewStaticCredentialsProvider(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey), ""), nil
}

// User creates an IAM user allowed what policy (an IAM policy document) allows, and returns a
// configuration that signs as that user: with EnforceIAM, the way to a real AccessDenied, for a
// write-only uploader or a function without a permission.
func (s *Server) User(t testing.TB, policy string) aws.Config {
	t.Helper()
	c, cancel := ctx()
	defer cancel()
	creds, err := createUser(c, iam.NewFromConfig(s.Config()), s.Name("user"), policy)
	if err != nil {
		t.Fatalf("motoserver: %v", err)
	}
	return s.configFor(s.URL, creds)
}
