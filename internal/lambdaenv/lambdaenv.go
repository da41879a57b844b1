// Package lambdaenv is what the project's Lambda functions (lambda/ledger and lambda/release) share at
// cold start: a JSON logger on stderr, the handler built before any event is taken (or a loud exit), the
// AWS configuration of the function's role, the environment read with every problem collected into one
// error, and the check that a handler was given every client it calls. Each function keeps its own
// variables, messages and handler; only the steps are here, so that both start the same way.
package lambdaenv

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// Start builds the function's handler with a JSON logger on stderr and hands entry(handler), the
// function's entry point, to the Lambda runtime. A cold start that cannot configure the function fails
// loudly, before any event is taken: the error is logged and the process exits 1.
func Start[H any](build func(context.Context, *slog.Logger) (H, error), entry func(H) any) {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	h, err := build(context.Background(), log)
	if err != nil {
		log.Error("cold start failed", "error", err.Error())
		os.Exit(1)
	}
	lambda.Start(entry(h))
}

// LoadAWS loads the AWS configuration the Lambda runtime gives the function: its region and its role's
// credentials, from the environment.
func LoadAWS(ctx context.Context) (aws.Config, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load the AWS configuration: %w", err)
	}
	return cfg, nil
}
