package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestUsageErrorsExitWithTwoAndSayWhatIsAccepted(t *testing.T) {
	for name, args := range map[string][]string{
		"no command":      nil,
		"unknown command": {"assume"},
		"serve, no role":  {"serve", "--region", "us-west-2"},
		"unknown flag":    {"credentials", "--login", "bob"},
	} {
		var out, errs bytes.Buffer
		assert.Equal(t, 2, run(context.Background(), args, &out, &errs), name)
		assert.Empty(t, out.String(), name)
		assert.NotEmpty(t, errs.String(), name)
	}
}

func TestCredentialsFailsWithTheReasonWhenTheBrokerIsAbsent(t *testing.T) {
	var out, errs bytes.Buffer
	assert.Equal(t, 1, run(context.Background(), []string{"credentials", "--socket", "/nonexistent/broker.sock"}, &out, &errs))
	assert.Empty(t, out.String(), "credential_process reads nothing from a failed run")
	assert.Contains(t, errs.String(), "/nonexistent/broker.sock")
}
