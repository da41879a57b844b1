package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
)

// credentialsTimeout bounds the credential check before a command's first AWS request: off EC2 the
// instance metadata service, the last source the SDK tries, may not answer at all.
const credentialsTimeout = 10 * time.Second

// loadAWS loads the AWS configuration the way the AWS CLI does (environment, AWS_PROFILE and the shared
// files, then the instance role) and obtains credentials before the command's first request, so that a
// builder without credentials gets one line that says what to do instead of the SDK's chain of errors.
// The instance metadata client is IMDSv2 only: its fallback to IMDSv1 is what prints the SDK's "falling
// back to IMDSv1" warning on machines that are not EC2 instances, and IMDSv1 is what a hardened instance
// refuses anyway.
//
// The SDK's own log lines go to the command's stderr, warnings only: its debug lines (such as "Response has
// no supported checksum", for every CloudTrail log file read) are not for the builder.
func loadAWS(ctx context.Context, region string, stderr io.Writer) (aws.Config, error) {
	opts := []func(*awsconfig.LoadOptions) error{
		awsconfig.WithLogger(sdkLogger{w: stderr}),
		awsconfig.WithEC2RoleCredentialOptions(func(o *ec2rolecreds.Options) {
			o.Client = imds.New(imds.Options{EnableFallback: aws.FalseTernary})
		}),
	}
	if region != "" {
		opts = append(opts, awsconfig.WithRegion(region))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, credentialsProblem(err)
	}
	check, cancel := context.WithTimeout(ctx, credentialsTimeout)
	defer cancel()
	if _, err := cfg.Credentials.Retrieve(check); err != nil {
		return aws.Config{}, credentialsProblem(err)
	}
	return cfg, nil
}

// sdkLogger writes the SDK's warnings, one line each, and drops its debug lines.
type sdkLogger struct{ w io.Writer }

// Logf implements logging.Logger.
func (l sdkLogger) Logf(classification logging.Classification, format string, v ...any) {
	if classification == logging.Debug {
		return
	}
	fmt.Fprintf(l.w, "sce: AWS SDK %s: %s\n", strings.ToLower(string(classification)), oneLine(fmt.Sprintf(format, v...)))
}

// credentialsProblem turns the SDK's error for missing or unusable credentials into one line that names
// what to do.
func credentialsProblem(err error) error {
	profile := os.Getenv("AWS_PROFILE")
	var noProfile awsconfig.SharedConfigProfileNotExistError
	var expired *ssocreds.InvalidTokenError
	switch {
	case errors.As(err, &noProfile):
		return fmt.Errorf("AWS profile %q is not in the AWS configuration files: set AWS_PROFILE to one that `aws configure list-profiles` lists, or create it with `aws configure sso --profile %s`", noProfile.Profile, noProfile.Profile)
	case errors.As(err, &expired), strings.Contains(err.Error(), "cached SSO token"):
		name := profile
		if name == "" {
			name = "NAME"
		}
		return fmt.Errorf("the AWS SSO session has expired or was never started: run `aws sso login --profile %s`, then run this command again", name)
	case fromInstanceMetadata(err):
		return errors.New("no AWS credentials: set AWS_PROFILE to a profile of a role in the project's account (run `aws sso login --profile NAME` first for an SSO profile), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	return fmt.Errorf("AWS credentials: %s", oneLine(err.Error()))
}

// fromInstanceMetadata reports whether the credential chain ended at the instance metadata service,
// which it reaches only when nothing else (environment, profile, shared files, container) gave
// credentials.
func fromInstanceMetadata(err error) bool {
	var op *smithy.OperationError
	if errors.As(err, &op) && op.ServiceID == "ec2imds" {
		return true
	}
	return strings.Contains(err.Error(), "EC2 IMDS")
}

// oneLine keeps an error message on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
