package lambdaenv

import (
	"io"
	"log/slog"
	"testing"
)

func TestEnvCollectsEveryProblemInOneError(t *testing.T) {
	vars := map[string]string{"TABLE": "  ledger  ", "MODE": "sideways"}
	env := NewEnv(func(name string) (string, bool) { v, ok := vars[name]; return v, ok })
	if got := env.Get("TABLE"); got != "ledger" {
		t.Errorf("Get trims the value: got %q", got)
	}
	if got := env.Get("UNSET"); got != "" {
		t.Errorf("Get of an unset variable: got %q", got)
	}
	env.Problemf("MODE is %q: want on or off", env.Get("MODE"))
	env.Require(Required{Name: "TABLE", Value: env.Get("TABLE"), Want: "a table"},
		Required{Name: "TOPIC", Value: env.Get("TOPIC"), Want: "a topic ARN"},
		Required{Name: "KEY", Value: "", Want: "a key ARN"})
	want := `demo configuration: MODE is "sideways": want on or off; TOPIC is not set: want a topic ARN; KEY is not set: want a key ARN`
	if err := env.Err("demo configuration"); err == nil || err.Error() != want {
		t.Errorf("Err = %v, want %s", err, want)
	}
}

func TestEnvWithoutProblemsIsNoError(t *testing.T) {
	env := NewEnv(func(string) (string, bool) { return "x", true })
	env.Require(Required{Name: "TABLE", Value: env.Get("TABLE"), Want: "a table"})
	if err := env.Err("demo configuration"); err != nil {
		t.Errorf("Err = %v, want nil", err)
	}
}

func TestCheckClientsNamesEveryMissingClientThenTheLogger(t *testing.T) {
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	err := CheckClients("new demo handler", nil, Client{Name: "S3", Given: true}, Client{Name: "SQS"}, Client{Name: "SNS"})
	if err == nil || err.Error() != "new demo handler: no client for SQS, SNS" {
		t.Errorf("missing clients: %v", err)
	}
	if err := CheckClients("new demo handler", nil, Client{Name: "S3", Given: true}); err == nil || err.Error() != "new demo handler: no logger" {
		t.Errorf("missing logger: %v", err)
	}
	if err := CheckClients("new demo handler", log, Client{Name: "S3", Given: true}); err != nil {
		t.Errorf("everything given: %v", err)
	}
}
