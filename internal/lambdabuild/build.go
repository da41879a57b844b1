// Package lambdabuild compiles a Go Lambda handler of this module for the provided.al2023 runtime on
// arm64: a static binary named bootstrap, packed into the zip file that becomes the function's code.
package lambdabuild

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// BootstrapName is the entry Lambda's provided runtimes run.
const BootstrapName = "bootstrap"

// BootstrapMode is the bootstrap entry's Unix mode. Lambda runs the file, so it must be executable:
// "for compiled runtimes, such as Go, the correct permission for executable files ... is 755" (AWS
// knowledge-centre article lambda-deployment-package-errors). Pulumi's own archiving of a directory
// writes zip entries without any Unix mode (pulumi/pulumi#3593; addNextFileToZIP in
// sdk/go/common/resource/archive/archive.go), which is why the zip is built here.
const BootstrapMode fs.FileMode = 0o755

// zipTime is the modification time of the bootstrap entry: fixed, so that one binary always gives the
// same archive and Pulumi sees a change of the function's code only when the binary changes.
var zipTime = time.Date(2020, time.January, 1, 0, 0, 0, 0, time.UTC)

// Package compiles the package pkg (a path such as ./lambda/ledger, relative to dir) and writes the
// function's code archive to zipPath: one entry, bootstrap, with mode 0755. Pass the zip file to
// pulumi.NewFileArchive: Pulumi sends a zip file as it is, without re-archiving it.
func Package(ctx context.Context, dir, pkg, zipPath string) error {
	if err := os.MkdirAll(filepath.Dir(zipPath), 0o750); err != nil {
		return fmt.Errorf("create lambda build directory: %w", err)
	}
	binDir, err := os.MkdirTemp(filepath.Dir(zipPath), "build-")
	if err != nil {
		return fmt.Errorf("create lambda build directory: %w", err)
	}
	defer func() { _ = os.RemoveAll(binDir) }()
	bin := filepath.Join(binDir, BootstrapName)
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-tags", "lambda.norpc", "-ldflags", "-s -w", "-o", bin, pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build lambda %s: %w: %s", pkg, err, out)
	}
	return ZipBootstrap(bin, zipPath)
}

// ZipBootstrap writes a zip file at zipPath that holds the file bin as the entry bootstrap, with mode
// BootstrapMode and a fixed modification time. It writes a temporary file first and renames it, so that
// an interrupted build never leaves half an archive where the deployment reads it.
func ZipBootstrap(bin, zipPath string) (err error) {
	src, err := os.Open(bin) //nolint:gosec // the path is the build's own output
	if err != nil {
		return fmt.Errorf("open the lambda binary: %w", err)
	}
	defer func() { _ = src.Close() }()
	tmp, err := os.CreateTemp(filepath.Dir(zipPath), filepath.Base(zipPath)+".*")
	if err != nil {
		return fmt.Errorf("create the lambda archive: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	zw := zip.NewWriter(tmp)
	h := &zip.FileHeader{Name: BootstrapName, Method: zip.Deflate, Modified: zipTime}
	h.SetMode(BootstrapMode)
	w, err := zw.CreateHeader(h)
	if err != nil {
		return fmt.Errorf("add %s to the lambda archive: %w", BootstrapName, err)
	}
	if _, err := io.Copy(w, src); err != nil {
		return fmt.Errorf("write %s into the lambda archive: %w", BootstrapName, err)
	}
	if err := errors.Join(zw.Close(), tmp.Close()); err != nil {
		return fmt.Errorf("finish the lambda archive: %w", err)
	}
	if err := os.Rename(tmp.Name(), zipPath); err != nil {
		return fmt.Errorf("move the lambda archive into place: %w", err)
	}
	return nil
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
