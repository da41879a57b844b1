// Package lambdabuild compiles a Go Lambda handler of this module for the provided.al2023 runtime on
// arm64: a static binary named bootstrap, in a directory that becomes the function's code archive.
package lambdabuild

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Build compiles the package pkg (a path such as ./lambda/ledger, relative to dir) into outDir/bootstrap
// and returns outDir.
func Build(ctx context.Context, dir, pkg, outDir string) (string, error) {
	if err := os.MkdirAll(outDir, 0o750); err != nil {
		return "", fmt.Errorf("create lambda build directory: %w", err)
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-tags", "lambda.norpc", "-ldflags", "-s -w",
		"-o", filepath.Join(outDir, "bootstrap"), pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build lambda %s: %w: %s", pkg, err, out)
	}
	return outDir, nil
}

// BuildExecutable compiles the package pkg (relative to dir) into outFile, a static Linux executable for
// goarch ("amd64" or "arm64"): the worker pool's binary, for its instance type.
func BuildExecutable(ctx context.Context, dir, pkg, outFile, goarch string) error {
	if err := os.MkdirAll(filepath.Dir(outFile), 0o750); err != nil {
		return fmt.Errorf("create build directory: %w", err)
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", outFile, pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+goarch, "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build %s for linux/%s: %w: %s", pkg, goarch, err, out)
	}
	return nil
}
