package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/creack/pty"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runMainEnv makes the test binary run the CLI's main instead of the tests: the pseudo-terminal tests
// start it as a child process, the way a builder starts sce.
const runMainEnv = "SCE_TEST_RUN_MAIN"

// runMainIfAsked runs the CLI's main, which exits, when the test binary was started as the CLI (TestMain).
func runMainIfAsked() {
	if os.Getenv(runMainEnv) == "1" {
		os.Args = append([]string{"sce"}, os.Args[1:]...)
		main()
	}
}

// onTerminal runs the CLI with args on a pseudo-terminal that never answers a query, as `script`,
// `screen` or `docker run -t` do, and returns every byte the CLI wrote to it.
func onTerminal(t *testing.T, env []string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), runMainEnv+"=1", "TERM=xterm-256color"), env...)
	tty, err := pty.Start(cmd)
	require.NoError(t, err)
	defer tty.Close()
	var out bytes.Buffer
	_, err = io.Copy(&out, tty)
	if err != nil && !errors.Is(err, syscall.EIO) { // Linux reports the end of a pty's output as EIO
		require.NoError(t, err)
	}
	_ = cmd.Wait() // the exit code is the commands' tests' concern
	return out.Bytes()
}

// TestNoTerminalQueryIsSent: a terminal styling library that the Pulumi SDK brings in asked, at start-up,
// for the background colour (OSC 11) and the cursor position (CSI 6n), and waited five seconds for an
// answer a non-answering terminal never gives. The CLI prints no colour and sends no query.
func TestNoTerminalQueryIsSent(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  []string
		args []string
	}{
		{"the usage", nil, []string{"help"}},
		{"the usage with NO_COLOR", []string{"NO_COLOR=1"}, []string{"help"}},
		{"a plan", nil, []string{"plan", "--stack", "hipaa", "--config", "../../Pulumi.hipaa.yaml"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := onTerminal(t, tt.env, tt.args...)
			require.NotEmpty(t, out)
			head := out[:min(len(out), 40)]
			assert.False(t, bytes.Contains(out, []byte("\x1b]11;")), "a background-colour query was sent: %q", head)
			assert.False(t, bytes.Contains(out, []byte("\x1b[6n")), "a cursor-position query was sent: %q", head)
			assert.False(t, bytes.Contains(out, []byte("\x1b")), "an escape sequence was written: the CLI prints no colour: %q", head)
		})
	}
}
