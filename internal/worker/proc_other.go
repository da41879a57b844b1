//go:build !unix

package worker

import (
	"os"
	"os/exec"
)

// ownProcessGroup leaves the command as it is where process groups do not exist: cancellation kills the
// process alone.
func ownProcessGroup(*exec.Cmd) {}

// lockFile opens path without locking it: file locks are used on Unix only, where the worker runs.
func lockFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
}
