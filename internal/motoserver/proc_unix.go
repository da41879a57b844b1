//go:build unix

package motoserver

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup starts the server in a process group of its own, so that stopping it stops whatever
// the moto_server launcher (a pyenv shim, a virtualenv script) started.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// terminate asks the server's process group to exit.
func terminate(cmd *exec.Cmd) error {
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
}

// kill ends the server's process group.
func kill(cmd *exec.Cmd) error {
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
