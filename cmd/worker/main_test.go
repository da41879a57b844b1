package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
)

// env returns a getenv over a map.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestTheWorkerCommandExitsWithTheDocumentedCodes(t *testing.T) {
	valid := map[string]string{
		"SQS_QUEUE_URL":    "https://sqs.us-east-1.amazonaws.com/111122223333/pit-queue",
		"OUTPUT_BUCKET":    "pit-output",
		"KMS_KEY_ARN":      "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		"PIPELINE_COMMAND": "/bin/sh",
	}
	for _, tc := range []struct {
		name   string
		args   []string
		env    map[string]string
		code   int
		stderr string
	}{
		{name: "help exits 0 with the usage", args: []string{"-h"}, code: 0, stderr: "usage: worker"},
		{name: "missing flags exit 2 naming each", code: 2, stderr: "--queue-url (SQS_QUEUE_URL) is required"},
		{name: "a bad flag exits 2", args: []string{"--idle", "forever"}, env: valid, code: 2, stderr: `--idle (IDLE_TIMEOUT) "forever"`},
		{name: "an unknown flag exits 2", args: []string{"--queue", "x"}, env: valid, code: 2, stderr: "flag provided but not defined: -queue"},
		{name: "a missing scratch volume exits 1", args: []string{"--scratch", "/nonexistent/scratch"}, env: valid, code: 1, stderr: "scratch directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, env(tc.env), &stdout, &stderr)
			assert.Equal(t, tc.code, code)
			assert.Contains(t, stderr.String(), tc.stderr)
		})
	}
}
