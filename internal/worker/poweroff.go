package worker

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// Systemctl powers the machine off with `systemctl poweroff`. On an instance whose launch template sets
// instance-initiated shutdown behaviour to terminate, that terminates the instance.
type Systemctl struct{}

// PowerOff asks systemd to power the machine off.
func (Systemctl) PowerOff(ctx context.Context) error {
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, "systemctl", "poweroff")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("systemctl poweroff: %w: %s", err, strings.TrimSpace(out.String()))
	}
	return nil
}
