//go:build unix

package worker

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTheExecRunnerRunsTheCommandWithoutAShellWithItsArgumentsAndEnvironment(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	require.NoError(t, os.Mkdir(out, 0o700))
	var stdout, stderr bytes.Buffer
	// $1 is the file; the other words reach the program untouched (no shell splits or expands them).
	script := `printf '%s|%s|%s' "$1" "$(pwd)" "$2" > "$SCE_OUTPUT_DIR/args.txt"; echo to-stdout; echo to-stderr >&2`
	err := ExecRunner{Stdout: &stdout, Stderr: &stderr}.Run(context.Background(), Command{
		Args:    []string{"/bin/sh", "-c", script, "pipeline", "/in/file name.csv", "$HOME *"},
		Dir:     dir,
		Env:     []string{"SCE_OUTPUT_DIR=" + out},
		Timeout: 10 * time.Second,
	})
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(out, "args.txt"))
	require.NoError(t, err)
	assert.Equal(t, "/in/file name.csv|"+dir+"|$HOME *", string(b))
	assert.Equal(t, "to-stdout\n", stdout.String())
	assert.Equal(t, "to-stderr\n", stderr.String())
}

func TestTheExecRunnerReportsTheExitStatus(t *testing.T) {
	err := ExecRunner{}.Run(context.Background(), Command{Args: []string{"/bin/sh", "-c", "exit 3"}, Timeout: 10 * time.Second})
	require.Error(t, err)
	assert.Equal(t, "pipeline failed: exit status 3", err.Error())
}

func TestTheExecRunnerReportsAProgramThatCannotStart(t *testing.T) {
	err := ExecRunner{}.Run(context.Background(), Command{Args: []string{"/nonexistent/pipeline"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "start pipeline")
}

func TestTheExecRunnerKillsAPipelineAndItsChildrenAtTheTimeout(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	start := time.Now()
	// The shell starts a child that would outlive it, records its pid, and waits.
	err := ExecRunner{}.Run(context.Background(), Command{
		Args:    []string{"/bin/sh", "-c", `sleep 30 & echo $! > "$0"; wait`, pidFile},
		Timeout: 300 * time.Millisecond,
	})
	require.Error(t, err)
	assert.Equal(t, "pipeline timed out after 300ms and was killed", err.Error())
	assert.Less(t, time.Since(start), 5*time.Second, "the run did not wait for the sleep")
	b, err := os.ReadFile(pidFile)
	require.NoError(t, err)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	require.NoError(t, err)
	eventually(t, func() bool { return syscall.Kill(pid, 0) != nil }, "the child %d to die", pid)
}

func TestTheExecRunnerStopsWhenItsContextIsCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	err := ExecRunner{}.Run(ctx, Command{Args: []string{"/bin/sh", "-c", "sleep 30"}, Timeout: time.Minute})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "pipeline stopped")
}

func TestTheWorkerRunsARealPipelineScript(t *testing.T) {
	h := newHarness(t, 5)
	script := filepath.Join(t.TempDir(), "pipeline.sh")
	require.NoError(t, os.WriteFile(script, []byte(`#!/bin/sh
set -eu
tr a-z A-Z < "$1" > "$SCE_OUTPUT_DIR/upper.txt"
wc -c < "$1" | tr -d ' ' > "$SCE_OUTPUT_DIR/bytes.txt"
mkdir "$SCE_OUTPUT_DIR/logs"
echo "ran in $(pwd)" > "$SCE_OUTPUT_DIR/logs/run.txt"
echo scratch > "$TMPDIR/tmp.txt"
`), 0o700))
	h.cfg.Command = []string{script}
	var pipelineOut bytes.Buffer
	w := h.workerWithRunner(ExecRunner{Stdout: &pipelineOut, Stderr: &pipelineOut})
	h.queue.send(h.put("study/notes.txt", "hello"), 0)
	assert.Equal(t, Idle, h.runUntilIdle(w))

	assert.Equal(t, "HELLO", h.output("study/notes/upper.txt"))
	assert.Equal(t, "5\n", h.output("study/notes/bytes.txt"))
	assert.Contains(t, h.output("study/notes/logs/run.txt"), "ran in "+h.cfg.Scratch+"/msg-")
	assert.Equal(t, map[string]float64{MetricProcessed: 1}, h.metrics.counts())
	assert.Empty(t, h.scratchEntries(), "the input, output and temporary files are gone")
	assert.Empty(t, pipelineOut.String())
	assert.NotContains(t, h.logs.String(), "study/notes")
}
