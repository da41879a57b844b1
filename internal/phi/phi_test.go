package phi

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func kinds(fs []Finding) []Kind {
	var out []Kind
	for _, f := range fs {
		out = append(out, f.Kind)
	}
	return out
}

func TestCheckFindsIdentifiersInKeys(t *testing.T) {
	d := New([]string{"Bigboote", "John Yaya", "  ", "O'Connor"})
	tests := []struct {
		name string
		key  string
		want []Kind
	}{
		{"an SSN with dashes", "labs/123-45-6789.csv", []Kind{KindSSN}},
		{"an SSN with spaces", "labs/123 45 6789.csv", []Kind{KindSSN}},
		{"an SSN with underscores", "labs/ssn_123_45_6789.csv", []Kind{KindSSN}},
		{"an SSN the SSA never issues is still an SSN", "000-00-0000.txt", []Kind{KindSSN}},
		{"a bare nine-digit number is an MRN-like run", "pt/123456789/vitals.csv", []Kind{KindMRN}},
		{"an ISO date of birth", "dob-1920-08-26.csv", []Kind{KindDate}},
		{"an ISO date with underscores", "visit_1999_12_31.csv", []Kind{KindDate}},
		{"a compact date", "cohort/19200826/notes.txt", []Kind{KindDate}},
		{"a compact US date", "scan_08261920.dcm", []Kind{KindDate}},
		{"a US date with slashes spans a path", "exports/08/26/1920/a.csv", []Kind{KindDate}},
		{"a US date with a two-digit year", "admit 8-26-20.pdf", []Kind{KindDate}},
		{"a European dotted date", "brief_26.08.1920.pdf", []Kind{KindDate}},
		{"a day, month name and year", "born26Aug1920.txt", []Kind{KindDate}},
		{"a month name, day and year", "Aug 26, 1920 intake.pdf", []Kind{KindDate}},
		{"a full month name after a camel-case word", "intakeAugust 26th 1920.pdf", []Kind{KindDate}},
		{"a day-month-year with dashes and an abbreviation", "26-Sept-1920.csv", []Kind{KindDate}},
		{"a timestamp without a zone may be an appointment", "appt-2026-11-28T10:00.ics", []Kind{KindDate}},
		{"a US phone number", "call (555) 123-4567.m4a", []Kind{KindPhone}},
		{"a US phone number with dots", "555.123.4567-notes.txt", []Kind{KindPhone}},
		{"a US phone number with a country code", "+1 555 123 4567.vcf", []Kind{KindPhone}},
		{"a seven-digit local number", "callback-867-5309.txt", []Kind{KindPhone}},
		{"an international phone number", "uk/+44 20 7946 0958.txt", []Kind{KindPhone}},
		{"an e-mail address", "from/jane.doe@example.org/msg.eml", []Kind{KindEmail}},
		{"a long run of digits", "records/0012345678.json", []Kind{KindMRN}},
		{"a seven-digit run", "x1234567.csv", []Kind{KindMRN}},
		{"an epoch timestamp is a long run of digits", "dump-1764324000.sql", []Kind{KindMRN}},
		{"a labelled MRN of any length", "MRN_4521.pdf", []Kind{KindMRN}},
		{"a labelled MRN with a hash", "mr#883.pdf", []Kind{KindMRN}},
		{"a configured surname", "patients/Bigboote/labs.csv", []Kind{KindName}},
		{"a configured surname in another case", "BIGBOOTE_labs.csv", []Kind{KindName}},
		{"a configured name followed by digits", "bigboote2.csv", []Kind{KindName}},
		{"a configured full name with an underscore", "john_yaya-notes.txt", []Kind{KindName}},
		{"a configured full name with a dot", "John.Yaya.txt", []Kind{KindName}},
		{"a configured name in camel case", "scanForJohnYaya.dcm", []Kind{KindName}},
		{"a configured full name run together", "johnyaya.txt", []Kind{KindName}},
		{"a name with punctuation", "o'connor.txt", []Kind{KindName}},
		{"several identifiers in one key", "Bigboote/123-45-6789/1920-08-26.csv", []Kind{KindName, KindSSN, KindDate}},
		{"a date next to a generated timestamp", "2026-11-28T10-00-00Z/dob-1920-08-26.csv", []Kind{KindDate}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, kinds(d.Check(tt.key)), tt.key)
		})
	}
}

func TestCheckAllowsKeysWithoutIdentifiers(t *testing.T) {
	d := New([]string{"Bigboote", "John Yaya", "Gant"})
	tests := []struct {
		name string
		key  string
	}{
		{"plain file names", "synthetic/patients.csv"},
		{"a generated timestamp with dashes", "uploads/2026-11-28T10-00-00Z/timeseries.csv"},
		{"a generated timestamp with colons", "2026-11-28T10:00:00Z.csv"},
		{"a generated timestamp with fractions and an offset", "run-2026-11-28T10:00:00.123+01:00.log"},
		{"a basic-format timestamp", "backup-20261128T100000Z.tar"},
		{"a year and month", "monthly/2026-11/summary.csv"},
		{"a bare year", "cohort-1938/summary.csv"},
		{"version numbers", "tools/sce-v1.2.3/omop-5.4.1.tar.gz"},
		{"a version number that looks like a short date", "pkg-1.2.33.whl"},
		{"a dotted date with a two-digit year is a version", "lib-12.11.20.so"},
		{"six-digit part numbers", "part-000001-of-000100.parquet"},
		{"an invalid date", "run-2026-13-45.csv"},
		{"the thirtieth of February", "1999-02-30.csv"},
		{"a UUID", "jobs/123e4567-e89b-12d3-a456-426614174000/out.csv"},
		{"an all-digit UUID group", "jobs/12345678-1234-1234-1234-123456789012.csv"},
		{"a SHA-256 digest", "blobs/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
		{"a name inside a longer word", "gantt-chart.png"},
		{"a name inside a longer word in capitals", "GANTTCHART.PNG"},
		{"half of a configured full name", "john-notes.txt"},
		{"an at sign without a domain", "team@home/notes.txt"},
		{"a month name without a day", "reports/Aug-2026.csv"},
		{"a month name and a year with a space", "reports/August 2026.csv"},
		{"a word that starts like a month", "marching-band-12-2020.csv"},
		{"an empty key", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Empty(t, d.Check(tt.key), tt.key)
		})
	}
}

func TestFindingsGiveTheSpanWithoutTheText(t *testing.T) {
	key := "labs/123-45-6789.csv"
	got := New(nil).Check(key)
	if assert.Len(t, got, 1) {
		assert.Equal(t, Finding{Kind: KindSSN, Start: 5, End: 16}, got[0])
		assert.Equal(t, "123-45-6789", key[got[0].Start:got[0].End])
		assert.Equal(t, "ssn at bytes 5-16", got[0].String())
		assert.NotContains(t, got[0].String(), "6789")
	}
}

func TestAPhoneNumberIsReportedOnceNotAlsoAsItsLocalPart(t *testing.T) {
	got := New(nil).Check("555-234-4567")
	assert.Equal(t, []Finding{{Kind: KindPhone, Start: 0, End: 12}}, got)
}

func TestACompactDateIsReportedAsADateRatherThanAnMRN(t *testing.T) {
	assert.Equal(t, []Kind{KindDate}, kinds(New(nil).Check("19200826")))
	assert.Equal(t, []Kind{KindMRN}, kinds(New(nil).Check("29200826")), "year 2920 is no date, but 8 digits are an MRN-like run")
}

func TestTheMRNThresholdIsSevenDigits(t *testing.T) {
	assert.Empty(t, New(nil).Check("id-"+strings.Repeat("1", MRNMinDigits-1)))
	assert.Equal(t, []Kind{KindMRN}, kinds(New(nil).Check("id-"+strings.Repeat("1", MRNMinDigits))))
}

func TestNewIgnoresBlankNames(t *testing.T) {
	d := New([]string{"", "   ", "\t", "Gant"})
	assert.Equal(t, 1, d.Names())
	assert.Empty(t, d.Check("a b c"))
}

func TestNamesAreMatchedLiterallyNotAsPatterns(t *testing.T) {
	d := New([]string{"a.c"})
	assert.Empty(t, d.Check("abc.txt"), "the dot in a name is a separator between words, not a wildcard")
	assert.Equal(t, []Kind{KindName}, kinds(d.Check("a-c.txt")))
	d = New([]string{"(x)"})
	assert.Equal(t, []Kind{KindName}, kinds(d.Check("(x).txt")))
	assert.Empty(t, d.Check("x.txt"))
}

func TestKeyHashIsTheHexSHA256OfTheKey(t *testing.T) {
	assert.Equal(t, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", KeyHash(""))
	assert.Equal(t, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", KeyHash("abc"))
	assert.NotEqual(t, KeyHash("a"), KeyHash("b"))
}

func TestTheDetectorIsSafeForConcurrentUse(t *testing.T) {
	d := New([]string{"Gant"})
	done := make(chan []Kind)
	for range 8 {
		go func() { done <- kinds(d.Check("gant/123-45-6789")) }()
	}
	for range 8 {
		assert.Equal(t, []Kind{KindName, KindSSN}, <-done)
	}
}
