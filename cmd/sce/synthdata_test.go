package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSynthdataWritesTheThreeFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	code, stdout, stderr := runCLI("synthdata", "--out", dir, "--patients", "10", "--visits", "50", "--seed", "5")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "wrote 10 patients and 50 visits (seed 5)")
	assert.Contains(t, stdout, "visits from 1938-10-30 to ")
	for _, name := range []string{"patients.csv", "patientParameters.csv", "timeseries.csv"} {
		assert.Contains(t, stdout, filepath.Join(dir, name))
		data, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		assert.NotEmpty(t, data)
	}
	ts, err := os.ReadFile(filepath.Join(dir, "timeseries.csv"))
	require.NoError(t, err)
	assert.Equal(t, 51, strings.Count(string(ts), "\n"), "a header and 50 visits")
}

func TestSynthdataDefaultsToTheSeedsDataSet(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runCLI("synthdata", "--out", dir)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "wrote 100 patients and 10000 visits (seed 31415)")
	assert.Contains(t, stdout, "visits from 1938-10-30 to 1979-")
}

func TestSynthdataRefusesBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no patients", []string{"--patients", "0"}, "--patients 0: want 1 to 100000"},
		{"too many visits", []string{"--visits", "2000000"}, "--visits 2000000: want 0 to 1000000"},
		{"a negative seed", []string{"--seed", "-1"}, "invalid value"},
		{"a stray argument", []string{"extra"}, `unexpected argument "extra"`},
		{"an unknown flag", []string{"--rows", "5"}, "flag provided but not defined: -rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(append([]string{"synthdata", "--out", t.TempDir()}, tt.args...)...)
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.want)
		})
	}
}

func TestSynthdataReportsAnUnwritableDirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	code, _, stderr := runCLI("synthdata", "--out", filepath.Join(file, "sub"), "--visits", "1")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "sce synthdata: create output directory")
}
