package airlock

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// table is a parsed CSV: its header and rows, each row with the line it starts on.
type table struct {
	header []string
	rows   [][]string
	lines  []int
}

// isCSV reports whether a file is read as CSV: by its extension.
func isCSV(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".tsv":
		return true
	}
	return false
}

// readTable parses a CSV (a TSV when the extension says so) with encoding/csv. The first record is the
// header. A byte-order mark is dropped; rows may have fewer or more fields than the header.
func readTable(path string) (*table, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	if strings.EqualFold(filepath.Ext(path), ".tsv") {
		r.Comma = '\t'
	}
	r.FieldsPerRecord = -1
	t := &table{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("parse %s as CSV: %w", path, err)
		}
		line, _ := r.FieldPos(0)
		if t.header == nil {
			t.header = trimAll(rec)
			continue
		}
		t.rows = append(t.rows, rec)
		t.lines = append(t.lines, line)
	}
	if t.header == nil {
		return nil, fmt.Errorf("parse %s as CSV: the file is empty", path)
	}
	return t, nil
}

func trimAll(rec []string) []string {
	out := make([]string, len(rec))
	for i, s := range rec {
		out[i] = strings.TrimSpace(s)
	}
	return out
}

// headerOf returns column i's header ("" past the header's end).
func (t *table) headerOf(i int) string {
	if i < len(t.header) {
		return t.header[i]
	}
	return ""
}
