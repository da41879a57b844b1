package broker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// maxAnswerBytes bounds what the client reads: a credential document is a few kilobytes.
const maxAnswerBytes = 64 * 1024

// Fetch asks the broker at socket for the caller's credentials and returns the credential_process JSON
// document to print. The broker's refusal is returned as an error with its reason.
func Fetch(ctx context.Context, socket string) ([]byte, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", socket)
	if err != nil {
		return nil, fmt.Errorf("reach the credential broker at %s: %w", socket, err)
	}
	defer func() { _ = conn.Close() }()
	deadline := time.Now().Add(requestTimeout + 5*time.Second)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	_ = conn.SetDeadline(deadline)
	raw, err := io.ReadAll(io.LimitReader(conn, maxAnswerBytes))
	if err != nil {
		return nil, fmt.Errorf("read the credential broker's answer: %w", err)
	}
	var a answer
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("the credential broker's answer is not JSON: %w", err)
	}
	switch {
	case a.Error != "":
		return nil, fmt.Errorf("the credential broker refused: %s", a.Error)
	case a.Version != 1 || a.AccessKeyID == "" || a.SecretAccessKey == "" || a.SessionToken == "" || a.Expiration == nil:
		return nil, errors.New("the credential broker's answer is not a complete credential document")
	}
	out, err := json.Marshal(a) //nolint:gosec // printing the credentials is credential_process's contract
	if err != nil {
		return nil, fmt.Errorf("encode the credentials: %w", err)
	}
	return out, nil
}
