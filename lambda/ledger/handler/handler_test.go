package handler

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/sce-project/sce/internal/phi"
)

func TestDecodeKey(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{"a plus is a space", "a+b.csv", "a b.csv"},
		{"an encoded plus is a plus", "a%2Bb.csv", "a+b.csv"},
		{"an encoded space is a space", "a%20b.csv", "a b.csv"},
		{"UTF-8 is decoded", "%C3%A9t%C3%A9.csv", "été.csv"},
		{"slashes stay", "incoming/x/y.csv", "incoming/x/y.csv"},
		{"an encoded at sign is decoded", "jane%40example.org", "jane@example.org"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeKey(tt.raw)
			if err != nil {
				t.Fatalf("decodeKey(%q): %v", tt.raw, err)
			}
			if got != tt.want {
				t.Errorf("decodeKey(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
	if _, err := decodeKey("bad%zzkey"); err == nil {
		t.Error("decodeKey accepted a malformed escape")
	}
}

// phiCases are the fixtures whose keys hold PHI.
var phiCases = []struct {
	name, fixture, key, kind, secret string
}{
	{"a social security number", "put-phi-ssn.json", "incoming/123-45-6789_labs.csv", "ssn", "123-45-6789"},
	{"an e-mail address", "put-phi-email.json", "incoming/jane.doe@example.org notes.txt", "email", "jane.doe"},
	{"a configured name", "put-phi-name.json", "incoming/YayaToure visit notes.docx", "name", "YayaToure"},
}

// keyForms are the spellings of a key that must never leak.
func keyForms(key, secret string) []string {
	return []string{key, phi.EscapeKey(key), url.QueryEscape(key), url.PathEscape(key), secret}
}

func TestIsQuarantineCopy(t *testing.T) {
	hash := phi.KeyHash("x")
	tests := []struct {
		name, key string
		want      bool
	}{
		{"a hash under the prefix is a copy", "quarantine/" + hash, true},
		{"another name under the prefix is not", "quarantine/notes.txt", false},
		{"an upper-case hash is not", "quarantine/" + strings.ToUpper(hash), false},
		{"a hash with a suffix is not", "quarantine/" + hash + ".csv", false},
		{"a hash outside the prefix is not", "incoming/" + hash, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isQuarantineCopy(tt.key, "quarantine/"); got != tt.want {
				t.Errorf("isQuarantineCopy(%q) = %v, want %v", tt.key, got, tt.want)
			}
		})
	}
}

func TestSubject(t *testing.T) {
	long := strings.Repeat("a", 150)
	tests := []struct{ name, in, want string }{
		{"a short ASCII subject is kept", "SCE upload: s3://b/k", "SCE upload: s3://b/k"},
		{"a long subject is cut to 100 characters", long, long[:97] + "..."},
		{"UTF-8 is kept, control characters and line breaks are replaced", "été\nx\ty\u2028z", "été?x?y?z"},
		{"a byte that is not UTF-8 is replaced", "a\xffb", "a?b"},
		{"a long subject is cut between characters", strings.Repeat("a", 96) + "ééé", strings.Repeat("a", 96) + "..."},
		{"a subject of exactly 100 bytes is kept", strings.Repeat("é", 50), strings.Repeat("é", 50)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := subject(tt.in); got != tt.want {
				t.Errorf("subject(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRecordsThatAreNotNewUploadsAreSkippedWithoutACall(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fixture string
		edit    func(name string) string
	}{
		{"the function's own quarantine copy is skipped", "copy-quarantine.json", nil},
		{"a removal is skipped", "put-clean.json", func(string) string { return "ObjectRemoved:Delete" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &stub{err: errors.New("no call was expected")}
			h, logs := stubbed(t, st)
			ev := loadEvent(t, tc.fixture)
			if tc.edit != nil {
				ev.Records[0].EventName = tc.edit(ev.Records[0].EventName)
			}
			if err := h.Handle(t.Context(), ev); err != nil {
				t.Fatalf("Handle: %v", err)
			}
			if calls := st.made(); len(calls) != 0 {
				t.Errorf("calls made: %q", calls)
			}
			if !strings.Contains(logs.String(), "skipped") {
				t.Error("the skip was not logged")
			}
		})
	}
}

func TestAnEventWithoutRecordsIsAccepted(t *testing.T) {
	st := &stub{err: errors.New("no call was expected")}
	h, _ := stubbed(t, st)
	empty := loadEvent(t, "put-clean.json")
	empty.Records = nil
	if err := h.Handle(t.Context(), empty); err != nil {
		t.Fatalf("Handle of an event without records (S3's test event): %v", err)
	}
	if calls := st.made(); len(calls) != 0 {
		t.Errorf("calls made for an empty event: %q", calls)
	}
}

func TestNewRefusesMissingClients(t *testing.T) {
	_, err := New(testConfig(), Clients{S3: &stub{}}, nil)
	if err == nil {
		t.Fatal("New succeeded without clients")
	}
	for _, w := range []string{"DynamoDB", "SQS", "SNS"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not name %s", err, w)
		}
	}
}

func TestAnUndecodableKeyFailsWithoutEchoingIt(t *testing.T) {
	st := &stub{err: errors.New("no call was expected")}
	h, logs := stubbed(t, st)
	ev := loadEvent(t, "put-clean.json")
	const raw = "incoming/123-45-6789%zz.csv"
	ev.Records[0].S3.Object.Key = raw
	err := h.Handle(t.Context(), ev)
	if err == nil {
		t.Fatal("Handle succeeded, want an error for a key that cannot be decoded")
	}
	if !strings.Contains(err.Error(), phi.KeyHash(raw)) {
		t.Errorf("error %q does not name the key by its hash", err)
	}
	for _, form := range []string{raw, "123-45-6789"} {
		if strings.Contains(err.Error(), form) || strings.Contains(logs.String(), form) {
			t.Errorf("the error or the log holds %q", form)
		}
	}
	if calls := st.made(); len(calls) != 0 {
		t.Errorf("a record with an undecodable key was processed: %q", calls)
	}
}

// TestAnErrorThatQuotesAPHIKeyIsRedacted: whatever error a call returns, with the key in any spelling
// (a transport error quotes the request's URL), neither the returned error nor the log holds it. The
// emulator's test of the same (TestEmulatorANetworkFailureDoesNotLeakAPHIKey) gives the SDK's real
// error; this one every spelling at once.
func TestAnErrorThatQuotesAPHIKeyIsRedacted(t *testing.T) {
	const key = "incoming/123-45-6789_labs.csv"
	leak := &url.Error{Op: "Head", URL: "https://" + testBucket + ".s3.us-east-1.amazonaws.com/" + phi.EscapeKey(key) + "?versionId=x",
		Err: fmt.Errorf("dial tcp: i/o timeout for %s (%s, %s)", key, url.QueryEscape(key), url.PathEscape(key))}
	h, logs := stubbed(t, &stub{err: leak})
	err := h.Handle(t.Context(), loadEvent(t, "put-phi-ssn.json"))
	if err == nil {
		t.Fatal("Handle succeeded, want an error")
	}
	for _, form := range keyForms(key, "123-45-6789") {
		if strings.Contains(err.Error(), form) {
			t.Errorf("the returned error holds the key as %q: %v", form, err)
		}
		if strings.Contains(logs.String(), form) {
			t.Errorf("the log holds the key as %q", form)
		}
	}
	if !strings.Contains(err.Error(), phi.KeyHash(key)) || !strings.Contains(err.Error(), "i/o timeout") {
		t.Errorf("error %q does not keep the cause and the key's hash", err)
	}
}

func TestTheRecordOnlyPrefixIsAPrefixOfTheWholeKey(t *testing.T) {
	cfg := testConfig()
	cfg.RecordOnlyPrefixes = []string{"omop/vocabulary/", "omop/cdm/"}
	h := &Handler{cfg: cfg}
	tests := []struct{ name, key, want string }{
		{"a vocabulary file", "omop/vocabulary/CONCEPT.csv", "omop/vocabulary/"},
		{"a file of the clinical data set", "omop/cdm/person.csv.gz", "omop/cdm/"},
		{"a file under the quarantine prefix", "quarantine/readme.txt", "quarantine/"},
		{"a key that only begins like a record-only prefix", "omop/vocabulary-2024/CONCEPT.csv", ""},
		{"a record-only prefix further down a key", "incoming/omop/vocabulary/CONCEPT.csv", ""},
		{"a clean upload elsewhere", "incoming/cohort-a/labs.csv", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := h.recordOnlyPrefix(tt.key); got != tt.want {
				t.Errorf("recordOnlyPrefix(%q) = %q, want %q", tt.key, got, tt.want)
			}
		})
	}
}

func TestAFIFODeduplicationIDIsTheHashOfBucketKeyAndVersion(t *testing.T) {
	u := &upload{bucket: "b", key: "k"}
	id := deduplicationID(u, "v1")
	if len(id) != 64 || strings.Trim(id, "0123456789abcdef") != "" {
		t.Errorf("deduplication id %q, want 64 hexadecimal digits (SQS allows 128)", id)
	}
	others := []string{deduplicationID(u, "v2"), deduplicationID(&upload{bucket: "b", key: "k2"}, "v1"), deduplicationID(&upload{bucket: "bk", key: ""}, "v1")}
	if slices.Contains(others, id) {
		t.Errorf("another version, key or bucket gives the same id %q", id)
	}
	if deduplicationID(u, "v1") != id {
		t.Error("the id of one upload changes")
	}
}

func TestPartSizeKeepsWithinTenThousandParts(t *testing.T) {
	h := &Handler{copyPartSize: DefaultCopyPartSize}
	tests := []struct {
		name string
		size int64
		want int64
	}{
		{"a 6 GiB object uses the default part size", 6 << 30, DefaultCopyPartSize},
		{"a 5 TiB object uses larger parts", 5 << 40, (5<<40 + maxParts - 1) / maxParts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := h.partSize(tt.size)
			if got != tt.want {
				t.Errorf("partSize(%d) = %d, want %d", tt.size, got, tt.want)
			}
			if parts := (tt.size + got - 1) / got; parts > maxParts {
				t.Errorf("%d parts, more than S3's %d", parts, maxParts)
			}
		})
	}
}
