//go:build !unix

package motoserver

import (
	"os"
	"os/exec"
)

// ownProcessGroup leaves the command as it is where process groups do not exist.
func ownProcessGroup(*exec.Cmd) {}

// terminate ends the server process (there is no SIGTERM to send).
func terminate(cmd *exec.Cmd) error { return cmd.Process.Signal(os.Kill) }

// kill ends the server process.
func kill(cmd *exec.Cmd) error { return cmd.Process.Kill() }
