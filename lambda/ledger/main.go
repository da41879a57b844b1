// Command ledger is the upload-ledger Lambda function (runtime provided.al2023, arm64; build with
// `GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -tags lambda.norpc -o bootstrap ./lambda/ledger`).
// It records every object created in the data-in bucket in a DynamoDB ledger, queues clean objects for
// processing, notifies an SNS topic, and quarantines objects whose key holds PHI. The logic, the
// environment it reads (LEDGER_TABLE, QUEUE_URL, TOPIC_ARN, QUARANTINE_PREFIX, KMS_KEY_ARN, PHI_NAMES,
// RECORD_ONLY_PREFIXES, MALWARE_SCAN)
// and the permissions it needs are documented in package handler.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sce-project/sce/internal/lambdaenv"
	"github.com/sce-project/sce/lambda/ledger/handler"
)

// main builds the handler at cold start (a configuration that cannot work ends the process before any
// event is taken) and serves the upload events and scan results through Handler.Invoke.
func main() {
	lambdaenv.Start(build, func(h *handler.Handler) any { return h.Invoke })
}

// build reads the configuration from the environment and makes the handler with the SDK's clients.
func build(ctx context.Context, log *slog.Logger) (*handler.Handler, error) {
	cfg, err := handler.ConfigFromEnv(os.LookupEnv)
	if err != nil {
		return nil, err
	}
	// The names themselves may be patients' names: only their number is logged.
	log.Info("configuration read", "table", cfg.Table, "queueUrl", cfg.QueueURL, "topicArn", cfg.TopicARN,
		"quarantinePrefix", cfg.QuarantinePrefix, "kmsKeyArn", cfg.KMSKeyARN, "phiNames", len(cfg.PHINames),
		"recordOnlyPrefixes", cfg.RecordOnlyPrefixes)
	awsCfg, err := lambdaenv.LoadAWS(ctx)
	if err != nil {
		return nil, err
	}
	return handler.New(cfg, handler.Clients{
		S3:       s3.NewFromConfig(awsCfg),
		DynamoDB: dynamodb.NewFromConfig(awsCfg),
		SQS:      sqs.NewFromConfig(awsCfg),
		SNS:      sns.NewFromConfig(awsCfg),
	}, log)
}
