package usage

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkAnalyzeSQL parses and analyses one join with two predicates, the common case of a
// researcher's query.
func BenchmarkAnalyzeSQL(b *testing.B) {
	for b.Loop() {
		if _, err := analyzeSQL(aliceJoin, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJoinAuditEvents joins the records of a day's audit log of 10,000 events (the fixture's
// events repeated with new serials).
func BenchmarkJoinAuditEvents(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "host", "i-0123456789abcdef0", "audit.log"))
	if err != nil {
		b.Fatal(err)
	}
	base := strings.Split(strings.TrimSpace(string(data)), "\n")
	var lines []string
	for i := 0; len(lines) < 50000; i++ {
		for _, l := range base {
			lines = append(lines, strings.Replace(l, ":", fmt.Sprintf(":%d", i), 1))
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if events, _, _ := joinAuditEvents(lines); len(events) == 0 {
			b.Fatal("no event")
		}
	}
}
