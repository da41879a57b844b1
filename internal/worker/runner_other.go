//go:build !unix

package worker

import "os/exec"

// ownProcessGroup leaves the command as it is where process groups do not exist: cancellation kills the
// process alone.
func ownProcessGroup(*exec.Cmd) {}
