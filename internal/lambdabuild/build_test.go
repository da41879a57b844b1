package lambdabuild

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/archive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// entries reads a zip archive's entries by name.
func entries(t *testing.T, data []byte) map[string]*zip.File {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	out := map[string]*zip.File{}
	for _, f := range zr.File {
		out[f.Name] = f
	}
	return out
}

// contents reads one entry.
func contents(t *testing.T, f *zip.File) []byte {
	t.Helper()
	r, err := f.Open()
	require.NoError(t, err)
	defer func() { _ = r.Close() }()
	b, err := io.ReadAll(r)
	require.NoError(t, err)
	return b
}

// standInBinary writes a file that stands in for a compiled handler, deliberately not executable.
func standInBinary(t *testing.T) (string, []byte) {
	t.Helper()
	data := []byte("\x7fELF stand-in for a compiled handler")
	path := filepath.Join(t.TempDir(), "bin")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	return path, data
}

func TestZipBootstrapWritesAnExecutableBootstrap(t *testing.T) {
	bin, data := standInBinary(t)
	zipPath := filepath.Join(t.TempDir(), "code.zip")
	require.NoError(t, ZipBootstrap(bin, zipPath))
	raw, err := os.ReadFile(zipPath)
	require.NoError(t, err)
	files := entries(t, raw)
	require.Len(t, files, 1, "the archive holds bootstrap only")
	f := files[BootstrapName]
	require.NotNil(t, f, "the entry is named bootstrap")
	tests := []struct {
		name string
		ok   bool
	}{
		{"the entry is a regular file", f.Mode().IsRegular()},
		{"its mode is 0755, whatever the binary's mode on disk", f.Mode().Perm() == 0o755},
		{"the mode is written as a Unix mode (creator Unix), which Lambda reads", f.CreatorVersion>>8 == 3},
		{"its modification time is fixed", f.Modified.Equal(zipTime)},
	}
	for _, tt := range tests {
		assert.True(t, tt.ok, "%s (mode %v, creator %d, modified %v)", tt.name, f.Mode(), f.CreatorVersion>>8, f.Modified)
	}
	assert.Equal(t, data, contents(t, f), "the entry is the binary")
}

func TestTheSameBinaryGivesTheSameArchive(t *testing.T) {
	bin, _ := standInBinary(t)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.zip"), filepath.Join(dir, "b.zip")
	require.NoError(t, ZipBootstrap(bin, a))
	later := time.Now().Add(time.Hour)
	require.NoError(t, os.Chtimes(bin, later, later))
	require.NoError(t, ZipBootstrap(bin, b))
	da, err := os.ReadFile(a)
	require.NoError(t, err)
	db, err := os.ReadFile(b)
	require.NoError(t, err)
	assert.Equal(t, da, db, "a rebuilt, unchanged binary does not change the function's code")
}

// TestPulumiSendsTheZipFileAsItIs: a FileArchive of a .zip file reaches the provider byte for byte
// (ArchiveWithWD copies a source already in the wanted format), so the mode set here survives.
func TestPulumiSendsTheZipFileAsItIs(t *testing.T) {
	bin, _ := standInBinary(t)
	zipPath := filepath.Join(t.TempDir(), "code.zip")
	require.NoError(t, ZipBootstrap(bin, zipPath))
	a, err := archive.FromPath(zipPath)
	require.NoError(t, err)
	var sent bytes.Buffer
	require.NoError(t, a.Archive(archive.ZIPArchive, &sent))
	raw, err := os.ReadFile(zipPath)
	require.NoError(t, err)
	assert.Equal(t, raw, sent.Bytes())
	assert.Equal(t, fs.FileMode(0o755), entries(t, sent.Bytes())[BootstrapName].Mode().Perm())
}

// TestPulumisDirectoryArchiveDropsTheMode is the reason for ZipBootstrap (pulumi/pulumi#3593): archiving
// a directory, Pulumi writes the executable bootstrap without its mode. Should this test fail, Pulumi
// has fixed the issue.
func TestPulumisDirectoryArchiveDropsTheMode(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, BootstrapName), []byte("#!/bin/sh\n"), 0o755))
	a, err := archive.FromPath(dir)
	require.NoError(t, err)
	var sent bytes.Buffer
	require.NoError(t, a.Archive(archive.ZIPArchive, &sent))
	assert.NotEqual(t, fs.FileMode(0o755), entries(t, sent.Bytes())[BootstrapName].Mode().Perm())
}

// TestPackageBuildsAnExecutableBootstrap compiles a stand-in main package for provided.al2023 on arm64
// and checks the archive the build produces.
func TestPackageBuildsAnExecutableBootstrap(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	zipPath := filepath.Join(t.TempDir(), "out", "standin.zip")
	require.NoError(t, Package(context.Background(), root, "./internal/lambdabuild/testdata/standin", zipPath))
	raw, err := os.ReadFile(zipPath)
	require.NoError(t, err)
	files := entries(t, raw)
	require.Len(t, files, 1)
	f := files[BootstrapName]
	require.NotNil(t, f)
	assert.Equal(t, fs.FileMode(0o755), f.Mode().Perm())
	head := contents(t, f)[:20]
	assert.Equal(t, []byte("\x7fELF"), head[:4], "a Linux executable")
	assert.Equal(t, byte(0xb7), head[18], "for arm64 (ELF machine EM_AARCH64)")
	left, err := os.ReadDir(filepath.Dir(zipPath))
	require.NoError(t, err)
	assert.Len(t, left, 1, "the build directory and temporary files are gone")
}

func TestZipBootstrapFailsWithoutABinary(t *testing.T) {
	zipPath := filepath.Join(t.TempDir(), "code.zip")
	require.ErrorContains(t, ZipBootstrap(filepath.Join(t.TempDir(), "missing"), zipPath), "open the lambda binary")
	_, err := os.Stat(zipPath)
	assert.ErrorIs(t, err, fs.ErrNotExist, "no archive is left behind")
}
