//go:build unix

package worker

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup starts the command in a process group of its own and makes cancellation kill the whole
// group, so that nothing the pipeline started outlives it.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
