package worker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"
)

// killGrace is how long Run waits for the pipeline's output to close after its process was killed.
const killGrace = 10 * time.Second

// ExecRunner runs the pipeline as a child process, without a shell, in its own process group so that a
// timeout kills the programs it started too.
type ExecRunner struct {
	// Stdout and Stderr receive the pipeline's output; nil discards it.
	Stdout, Stderr io.Writer
}

// Run runs c and waits for it. A run that exceeds c.Timeout is killed, with its process group, and
// reported as timed out.
func (r ExecRunner) Run(ctx context.Context, c Command) error {
	if len(c.Args) == 0 {
		return errors.New("run pipeline: no command")
	}
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, c.Args[0], c.Args[1:]...)
	cmd.Dir = c.Dir
	cmd.Env = append(os.Environ(), c.Env...)
	cmd.Stdout, cmd.Stderr = r.Stdout, r.Stderr
	cmd.WaitDelay = killGrace
	ownProcessGroup(cmd)
	err := cmd.Run()
	switch {
	case err == nil:
		return nil
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("pipeline timed out after %s and was killed", c.Timeout)
	case ctx.Err() != nil:
		return fmt.Errorf("pipeline stopped: %w", ctx.Err())
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return fmt.Errorf("pipeline failed: %s", exit.ProcessState)
	}
	return fmt.Errorf("start pipeline: %w", err)
}
