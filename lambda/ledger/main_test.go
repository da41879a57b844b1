package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
)

func TestBuildFailsAtColdStartWithoutTheEnvironment(t *testing.T) {
	for _, name := range []string{"LEDGER_TABLE", "QUEUE_URL", "TOPIC_ARN", "KMS_KEY_ARN", "QUARANTINE_PREFIX", "PHI_NAMES"} {
		t.Setenv(name, "")
	}
	_, err := build(context.Background(), slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err == nil {
		t.Fatal("build succeeded without the environment")
	}
	for _, name := range []string{"LEDGER_TABLE", "QUEUE_URL", "TOPIC_ARN", "KMS_KEY_ARN"} {
		if !strings.Contains(err.Error(), name+" is not set") {
			t.Errorf("error %q does not name %s", err, name)
		}
	}
}

func TestBuildMakesAHandlerFromTheEnvironment(t *testing.T) {
	t.Setenv("LEDGER_TABLE", "sce-demo-upload-ledger")
	t.Setenv("QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/111122223333/sce-demo-uploads")
	t.Setenv("TOPIC_ARN", "arn:aws:sns:us-east-1:111122223333:sce-demo-uploads")
	t.Setenv("KMS_KEY_ARN", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
	t.Setenv("QUARANTINE_PREFIX", "")
	t.Setenv("PHI_NAMES", "")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	h, err := build(context.Background(), slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if h == nil {
		t.Fatal("build returned no handler")
	}
}
