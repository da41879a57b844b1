package motoserver

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// adminPolicy allows everything: the administrator's policy.
const adminPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// setUpIAM creates the administrator, whose key Config signs with, and then makes moto authenticate and
// authorise every request.
func (s *Server) setUpIAM(ctx context.Context) error {
	// Before authentication is on, any key is accepted: the administrator is created with a dummy one.
	boot := iam.NewFromConfig(s.configFor(s.URL, credentials.NewStaticCredentialsProvider("AKIDBOOTSTRAP", "bootstrap", "")))
	creds, err := createUser(ctx, boot, "sce-test-admin", adminPolicy)
	if err != nil {
		return fmt.Errorf("create the administrator: %w", err)
	}
	s.admin = creds
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/moto-api/reset-auth", strings.NewReader("0"))
	if err != nil {
		return fmt.Errorf("turn IAM enforcement on: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("turn IAM enforcement on: %w", err)
	}
	body, err := io.ReadAll(resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("turn IAM enforcement on: %d %s %v", resp.StatusCode, body, err)
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
// configuration that signs as that user: the way to a real AccessDenied, for a write-only uploader or a
// worker without a permission.
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
