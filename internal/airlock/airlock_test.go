package airlock

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// write puts a file into dir and returns its path.
func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

// where lists a report's flagged findings as "row:column check kind".
func where(r Report) []string {
	var out []string
	for _, f := range r.Findings {
		if f.Level == Flagged {
			out = append(out, strings.Join([]string{itoa(f.Row) + ":" + itoa(f.Column), string(f.Check), f.Kind}, " "))
		}
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestTheChecksFlagEachKindOfDisclosureWithItsRowAndColumn(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content string
		opts    Options
		want    []string // flagged findings, "row:column check kind"; none means the file passes
	}{
		{name: "a clean table of counts passes", file: "t1.csv",
			content: "age_group,sex,n\n18-30,F,120\n18-30,M,98\n31-50,F,240\n"},
		{name: "a clean table of means passes (means are not counts)", file: "means.csv",
			content: "group,mean_bmi,sd\nA,27.4,3.1\nB,25.9,2.8\n"},
		{name: "an SSN in a cell is flagged", file: "t.csv",
			content: "group,note\nA,ok\nB,see 123-45-6789\n", want: []string{"3:2 phi ssn"}},
		{name: "a date of birth column is flagged on its header and its dates", file: "t.csv",
			content: "id_code,DateOfBirth\nx,1950-03-02\n", want: []string{"1:2 phi birth-date-column", "2:2 phi date"}},
		{name: "a timestamp is a date with a day", file: "t.csv",
			content: "event,when\nvisit,2026-11-28T10:00:00Z\n", want: []string{"2:2 phi date"}},
		{name: "a year and month is flagged when only the year is allowed", file: "t.csv",
			content: "cohort,start\nA,2024-03\n", want: []string{"2:2 phi year-month"}},
		{name: "a year and month passes when the month is allowed", file: "t.csv",
			content: "cohort,start\nA,2024-03\n", opts: Options{DatePrecision: PrecisionMonth}},
		{name: "a full date is flagged when the month is allowed", file: "t.csv",
			content: "cohort,start\nA,2024-03-17\n", opts: Options{DatePrecision: PrecisionMonth}, want: []string{"2:2 phi date"}},
		{name: "a full date passes when the day is allowed", file: "t.csv",
			content: "cohort,start\nA,2024-03-17\n", opts: Options{DatePrecision: PrecisionDay}},
		{name: "phone, e-mail, street address and ZIP+4 are flagged", file: "t.csv",
			content: "a,b,c,d\n(555) 123-4567,jo@example.org,12 Elm Street,02139-4307\n",
			want:    []string{"2:1 phi phone", "2:2 phi email", "2:3 phi address", "2:4 phi zip"}},
		{name: "a configured patient name is flagged", file: "t.csv",
			content: "who,n\nBigboote John,12\n", opts: Options{Names: []string{"Bigboote"}}, want: []string{"2:1 phi name"}},
		{name: "a long number in a count column is a count, not a record number", file: "t.csv",
			content: "region,n\nall,12345678\n"},
		{name: "a record number with letters is flagged", file: "t.csv",
			content: "ref,n\nMRN 00123456,15\n", want: []string{"2:1 phi mrn"}},
		{name: "a PHI-looking file name is flagged", file: "Smith_1950-03-02.csv",
			content: "a,n\nx,20\n", want: []string{"0:0 phi date"}},
		{name: "a small count in a named count column is flagged", file: "t.csv",
			content: "site,n_patients\nA,42\nB,7\n", want: []string{"3:2 small-cell count"}},
		{name: "a zero count is flagged (ACRO: zeros are disclosive)", file: "t.csv",
			content: "site,count\nA,42\nB,0\n", want: []string{"3:2 small-cell count"}},
		{name: "a small cell of a cross-tabulation is flagged", file: "xtab.csv",
			content: "region,Low,Medium,High\nNorth,30,41,12\nSouth,25,3,19\n", want: []string{"3:3 small-cell count"}},
		{name: "the threshold is configurable", file: "xtab.csv",
			content: "region,Low,Medium,High\nNorth,30,41,12\nSouth,25,3,19\n", opts: Options{MinCell: 13},
			want: []string{"2:4 small-cell count", "3:3 small-cell count"}},
		{name: "a table of ages is not a table of counts", file: "ages.csv",
			content: "group,median_age,iqr_age\nA,7,3\nB,8,2\n"},
		{name: "a count column with a decimal is not a count column", file: "t.csv",
			content: "group,n\nA,3.5\nB,20\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := write(t, dir, tt.file, tt.content)
			rep, err := CheckFiles([]string{p}, tt.opts)
			require.NoError(t, err)
			assert.Equal(t, tt.want, where(rep))
			assert.Equal(t, len(tt.want) > 0, rep.Flagged())
		})
	}
}

func TestANearDuplicateOfAReleasedFileIsFlagged(t *testing.T) {
	released := t.TempDir()
	write(t, released, "2026-10/table1.csv", "site,n\nA,120\nB,98\nC,240\n")
	write(t, released, "other.csv", "x,y\n1,2\n")
	tests := []struct {
		name, content string
		want          []string
	}{
		{"an identical file is not a difference", "site,n\nA,120\nB,98\nC,240\n", nil},
		{"one count changed by one patient is flagged on that cell", "site,n\nA,120\nB,99\nC,240\n", []string{"3:2 difference cells"}},
		{"one row added is flagged on that row", "site,n\nA,120\nB,98\nC,240\nD,150\n", []string{"5:0 difference rows"}},
		{"one row taken away is flagged on the file", "site,n\nA,120\nC,240\n", []string{"0:0 difference rows"}},
		{"a table of another shape is not compared", "region,count\nA,120\n", nil},
		{"a new table with most cells changed is not a near-duplicate", "site,n\nA,11\nB,12\nC,13\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := write(t, t.TempDir(), "table1.csv", tt.content)
			rep, err := CheckFiles([]string{p}, Options{Released: released, MaxDifference: 2})
			require.NoError(t, err)
			assert.Equal(t, tt.want, where(rep))
		})
	}
}

func TestFindingsNeverCarryTheTextTheyFound(t *testing.T) {
	p := write(t, t.TempDir(), "t.csv", "who,note\nBigboote,123-45-6789\n")
	rep, err := CheckFiles([]string{p}, Options{Names: []string{"Bigboote"}})
	require.NoError(t, err)
	js, err := json.Marshal(rep)
	require.NoError(t, err)
	assert.NotContains(t, string(js), "123-45-6789")
	assert.NotContains(t, string(js), "Bigboote", "the configured names are not recorded either")
	require.NotEmpty(t, rep.Findings)
	var back Report
	require.NoError(t, json.Unmarshal(js, &back), "a report can be recorded with a request and read back")
	assert.Equal(t, rep.Findings, back.Findings)
	assert.Equal(t, DefaultMinCell, back.Options.MinCell)
}

func TestUnreadableFilesAndBadOptionsAreClearErrors(t *testing.T) {
	dir := t.TempDir()
	bad := write(t, dir, "bad.csv", "a,b\n\"unterminated,1\n")
	tests := []struct {
		name  string
		files []string
		opts  Options
		want  string
	}{
		{"a missing file", []string{filepath.Join(dir, "nope.csv")}, Options{}, "nope.csv: no such file"},
		{"a directory", []string{dir}, Options{}, "is a directory"},
		{"a malformed CSV", []string{bad}, Options{}, "parse " + bad + " as CSV"},
		{"an empty CSV", []string{write(t, dir, "empty.csv", "")}, Options{}, "the file is empty"},
		{"no files", nil, Options{}, "no file to check"},
		{"a negative threshold", []string{bad}, Options{MinCell: -1}, "minimum cell count -1"},
		{"an unknown precision", []string{bad}, Options{DatePrecision: "week"}, `date precision "week": accepted are year, month and day`},
		{"a released directory that does not exist", []string{bad}, Options{Released: filepath.Join(dir, "gone")}, "released files"},
		{"a malformed released file", []string{write(t, dir, "ok.csv", "a\n1\n")}, Options{Released: dir}, "released file: parse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := CheckFiles(tt.files, tt.opts)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestAFileThatIsNotACSVIsANoteForTheReviewers(t *testing.T) {
	p := write(t, t.TempDir(), "figure1.png", "\x89PNG")
	rep, err := CheckFiles([]string{p}, Options{})
	require.NoError(t, err)
	require.Len(t, rep.Findings, 1)
	assert.Equal(t, Note, rep.Findings[0].Level)
	assert.False(t, rep.Flagged(), "a note does not stop a release by itself")
}
