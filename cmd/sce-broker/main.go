// Command sce-broker is the workstation's credential broker (internal/broker).
//
//	sce-broker serve --role-arn ARN --region REGION [--logins FILE] [--socket PATH]
//	sce-broker credentials [--socket PATH]
//
// serve runs as root under systemd (sce-broker.service, socket-activated by sce-broker.socket): it uses
// the instance role's credentials from the instance metadata service, which only root may reach, and
// hands each configured researcher login credentials of the researcher role with the login as source
// identity. credentials is what credential_process runs in the system-wide AWS configuration: it prints
// the caller's credentials as the JSON document credential_process expects.
//
// Exit codes: 0 on success, 1 on a failure (the broker refused, or could not be reached), 2 on a usage
// error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/sce-project/sce/internal/broker"
)

// Default paths on the workstation (components/userdata/broker.tmpl writes them).
const (
	defaultSocket = "/run/sce-broker.sock"
	defaultLogins = "/etc/sce-broker/logins"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: sce-broker serve|credentials [flags]")
		return 2
	}
	switch args[0] {
	case "credentials":
		return credentials(ctx, args[1:], stdout, stderr)
	case "serve":
		return serve(ctx, args[1:], stderr)
	}
	fmt.Fprintf(stderr, "sce-broker: unknown command %q; accepted: serve, credentials\n", args[0])
	return 2
}

// credentials prints the caller's credentials for credential_process.
func credentials(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("credentials", flag.ContinueOnError)
	fs.SetOutput(stderr)
	socket := fs.String("socket", defaultSocket, "the broker's Unix socket")
	if err := fs.Parse(args); err != nil {
		return usage(err)
	}
	out, err := broker.Fetch(ctx, *socket)
	if err != nil {
		fmt.Fprintf(stderr, "sce-broker: %v\n", err)
		return 1
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", out); err != nil {
		return 1
	}
	return 0
}

// serve runs the broker until a signal.
func serve(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	socket := fs.String("socket", defaultSocket, "the Unix socket to listen on when systemd passes none")
	role := fs.String("role-arn", "", "the researcher role to assume (required)")
	region := fs.String("region", "", "the AWS region of the STS endpoint (required)")
	logins := fs.String("logins", defaultLogins, "the file of configured logins, one a line")
	if err := fs.Parse(args); err != nil {
		return usage(err)
	}
	if *role == "" || *region == "" {
		fmt.Fprintln(stderr, "sce-broker serve: --role-arn and --region are required")
		return 2
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	// Only the instance role's credentials, from the instance metadata service: never a configuration
	// file, whose credential_process would be this broker itself.
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(*region),
		awsconfig.WithSharedConfigFiles([]string{}), awsconfig.WithSharedCredentialsFiles([]string{}),
		awsconfig.WithCredentialsProvider(aws.NewCredentialsCache(ec2rolecreds.New())))
	if err != nil {
		fmt.Fprintf(stderr, "sce-broker: load the AWS configuration: %v\n", err)
		return 1
	}
	b, err := broker.New(broker.Config{RoleARN: *role, STS: sts.NewFromConfig(cfg), Log: log,
		Logins: func() ([]string, error) { return broker.ReadLogins(*logins) }})
	if err != nil {
		fmt.Fprintf(stderr, "sce-broker: %v\n", err)
		return 2
	}
	l, err := broker.Listener(*socket, os.Getenv, os.Getpid())
	if err != nil {
		fmt.Fprintf(stderr, "sce-broker: %v\n", err)
		return 1
	}
	log.Info("serving", "socket", l.Addr().String(), "role", *role)
	if err := b.Serve(ctx, l); err != nil {
		log.Error("stopped", "error", err.Error())
		return 1
	}
	return 0
}

func usage(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}
