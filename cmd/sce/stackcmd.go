// The steps the commands that read a stack file (plan, verify, closeout) share: plan the stack offline,
// and write the output only once it is rendered whole.

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
)

// planStack reads a stack's file (configFile, or Pulumi.<stack>.yaml in the current directory) and plans
// it offline. On failure it reports on stderr, prefixed with the command's name, and returns false.
func planStack(command, stackName, configFile string, stderr io.Writer) (*plan.Plan, *plan.StackFile, bool) {
	path := stackFilePath(stackName, configFile)
	sf, err := plan.ReadStackFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			abs, _ := filepath.Abs(path)
			fmt.Fprintf(stderr, "sce %s: stack file %s not found: run from the project directory or pass --config FILE\n", command, abs)
		} else {
			fmt.Fprintf(stderr, "sce %s: %v\n", command, err)
		}
		return nil, nil, false
	}
	p, err := plan.Run(plan.Options{Stack: stackName, Config: sf.Config, SecretKeys: sf.SecretKeys}, stack.Run)
	if err != nil {
		fmt.Fprintf(stderr, "sce %s: %v\n", command, err)
		return nil, nil, false
	}
	return p, sf, true
}

// stackFilePath is the stack file a command reads: configFile, or Pulumi.<stack>.yaml in the current
// directory.
func stackFilePath(stackName, configFile string) string {
	if configFile != "" {
		return configFile
	}
	return "Pulumi." + stackName + ".yaml"
}

// emit renders a command's output whole before writing it to stdout, so that a failure leaves stdout
// empty. A failure is reported on stderr as `sce <command>: ...`, and emit returns false: the command
// exits 1.
func emit(command string, stdout, stderr io.Writer, render func(io.Writer) error) bool {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		fmt.Fprintf(stderr, "sce %s: %v\n", command, err)
		return false
	}
	if _, err := stdout.Write(buf.Bytes()); err != nil {
		fmt.Fprintf(stderr, "sce %s: write output: %v\n", command, err)
		return false
	}
	return true
}
