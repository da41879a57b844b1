package usage

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// The kinds of input log file.
const (
	KindCloudTrail = "cloudtrail"
	KindAuditd     = "auditd"
	KindRedshift   = "redshift-useractivitylog"
)

// InputFile is one log file the report read (or tried to): the evidence of what it was built from.
type InputFile struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
	// SHA256 and Size are of the bytes as stored (compressed, when the file is); empty when the file could
	// not be read at all.
	SHA256 string `json:"sha256,omitempty"`
	Size   int64  `json:"size"`
	// Format says how the file was read: "cloudtrail-json", "audit.log", "useractivitylog" or, for a
	// CloudWatch Logs export, "cloudwatch-export".
	Format string `json:"format,omitempty"`
	// Records is the number of log records in the file; Used those that entered the report.
	Records int `json:"records"`
	Used    int `json:"used"`
	// Error, when set, says why the file could not be read: its events are missing from the report.
	Error string `json:"error,omitempty"`
}

// exportTimeRE is the time CloudWatch Logs writes before each event's message when it exports a log
// group to S3 ("2026-11-28T10:01:02.123Z <message>").
var exportTimeRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z `)

// stripExportTime removes the export time of a CloudWatch Logs export line, reporting whether it had one.
func stripExportTime(line string) (string, bool) {
	if loc := exportTimeRE.FindStringIndex(line); loc != nil {
		if _, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(line[:loc[1]])); err == nil {
			return line[loc[1]:], true
		}
	}
	return line, false
}

// localFiles lists the regular files under root (or root itself), in name order, leaving out those skip
// rejects. An input with no file is an error: a report built from nothing would read as a clean one.
func localFiles(flag, root string, skip func(name string) bool) ([]string, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	var paths []string
	if st.Mode().IsRegular() {
		paths = []string{root}
	} else {
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() && !skip(filepath.Base(path)) {
				paths = append(paths, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", flag, root, err)
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%s %s holds no log file: an empty input is not an empty report", flag, root)
	}
	slices.Sort(paths)
	return paths, nil
}

// readLines reads a local log file: its digest and size, then its lines, gunzipped when the file is
// gzip-compressed. A file that cannot be read or decompressed is returned as an error, with the digest
// when the bytes could be read.
func readLines(kind, path string) (InputFile, []string, error) {
	in := InputFile{Kind: kind, Name: path}
	data, err := os.ReadFile(path) //nolint:gosec // reading the log files the user named is the command's purpose
	if err != nil {
		return in, nil, err
	}
	sum := sha256.Sum256(data)
	in.SHA256, in.Size = hex.EncodeToString(sum[:]), int64(len(data))
	if len(data) == 0 {
		return in, nil, fmt.Errorf("empty file")
	}
	var r io.Reader = bytes.NewReader(data)
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return in, nil, fmt.Errorf("gunzip: %w", err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			return in, nil, fmt.Errorf("gunzip (truncated or corrupt): %w", err)
		}
		r = bytes.NewReader(plain)
	}
	var lines []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		lines = append(lines, strings.TrimSuffix(sc.Text(), "\r"))
	}
	if err := sc.Err(); err != nil {
		return in, nil, fmt.Errorf("read: %w", err)
	}
	return in, lines, nil
}
