// Command release is the airlock's release function (runtime provided.al2023, arm64; build with
// `GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -tags lambda.norpc -o bootstrap ./lambda/release`).
// The upload ledger table's stream invokes it with the airlock's items (requests and reviews); it
// records each step, notifies the topic, and copies a request's files from the output bucket's outbox to
// released/ once two distinct reviewers approved it and every hash still matches. It reads LEDGER_TABLE,
// OUTPUT_BUCKET, TOPIC_ARN, KMS_KEY_ARN, REVIEWERS and APPROVALS; package handler documents them and the
// permissions the function needs.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/sce-project/sce/internal/lambdaenv"
	"github.com/sce-project/sce/lambda/release/handler"
)

// main builds the handler at cold start (a configuration that cannot work ends the process before any
// event is taken) and serves the ledger's stream batches through Handler.Handle.
func main() {
	lambdaenv.Start(build, func(h *handler.Handler) any { return h.Handle })
}

// build reads the configuration from the environment and makes the handler with the SDK's clients.
func build(ctx context.Context, log *slog.Logger) (*handler.Handler, error) {
	cfg, err := handler.ConfigFromEnv(os.LookupEnv)
	if err != nil {
		return nil, err
	}
	log.Info("configuration read", "table", cfg.Table, "bucket", cfg.Bucket, "topicArn", cfg.TopicARN, "kmsKeyArn", cfg.KMSKeyARN,
		"reviewers", cfg.Reviewers, "approvals", cfg.Approvals)
	awsCfg, err := lambdaenv.LoadAWS(ctx)
	if err != nil {
		return nil, err
	}
	return handler.New(cfg, handler.Clients{
		DynamoDB: dynamodb.NewFromConfig(awsCfg),
		S3:       s3.NewFromConfig(awsCfg),
		SNS:      sns.NewFromConfig(awsCfg),
	}, log, os.Getenv("AWS_LAMBDA_FUNCTION_NAME"))
}
