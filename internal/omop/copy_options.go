// How the files of a load are named and formatted (CopyOptions), the defaults COPY gets, and the check
// of every option before any SQL is written.

package omop

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// FileCase is how a table's name becomes the name of its file.
type FileCase string

// The file-name cases.
const (
	// FileCaseUpper names files in upper case, as OHDSI Athena's vocabulary download does: CONCEPT.csv.
	FileCaseUpper FileCase = "upper"
	// FileCaseLower names files in lower case, as OMOP exports of Synthea do: person.csv.
	FileCaseLower FileCase = "lower"
)

// Compression is how the files are compressed.
type Compression string

// The compressions COPY is told about.
const (
	// CompressionNone reads plain files.
	CompressionNone Compression = "none"
	// CompressionGzip reads gzip files: ".gz" is appended to the file name and COPY gets GZIP.
	CompressionGzip Compression = "gzip"
	// CompressionBzip2 reads bzip2 files: ".bz2" is appended and COPY gets BZIP2 (OHDSI's public sample
	// data are bzip2).
	CompressionBzip2 Compression = "bzip2"
)

// The COPY defaults, as the notes give them for Athena's vocabulary files.
const (
	defaultExtension  = ".csv"
	defaultDelimiter  = '\t'
	defaultDateFormat = "YYYYMMDD"
	defaultTimeFormat = "auto"
)

// CopyOptions says how the files of one load are named and formatted. The zero value reads Athena's
// vocabulary download as is: CONCEPT.csv and so on, uncompressed, tab-delimited, dates as YYYYMMDD.
type CopyOptions struct {
	// FileCase is the case of the table name in the file name. Default FileCaseUpper (CONCEPT.csv).
	FileCase FileCase
	// FilePrefix goes before the table name in the file name ("CDM_" reads CDM_PERSON.csv). Default none.
	FilePrefix string
	// Extension follows the table name. Default ".csv".
	Extension string
	// Compression is CompressionNone (the default), CompressionGzip or CompressionBzip2; the last two add
	// ".gz" or ".bz2" to the file name and GZIP or BZIP2 to the COPY.
	Compression Compression
	// Files names the file of individual tables outright, relative to the S3 prefix, in place of the
	// naming above (no compression suffix is added): {"drug_exposure": "CDM_DRUG_EXPOSURE5.2.2.csv.bz2"}.
	Files map[string]string
	// Delimiter separates fields. Default tab. The seed's older export uses 0362 ('\362'); any byte but
	// NUL, newline, carriage return, backspace (the quote character), ' and \ is accepted.
	Delimiter byte
	// DateFormat is COPY's DATEFORMAT, given only for tables with a date column. Default "YYYYMMDD"
	// (Athena's format); "auto" or a Redshift format string such as "YYYY-MM-DD".
	DateFormat string
	// TimeFormat is COPY's TIMEFORMAT, given only for tables with a timestamp column. Default "auto".
	TimeFormat string
	// Region is the source bucket's region when it is not the cluster's ("us-east-1" for OHDSI's public
	// sample data). Default none: the cluster's region. With enhanced VPC routing, a bucket in another
	// region is reached through the NAT gateway, not the S3 gateway endpoint.
	Region string
	// Columns gives, per table, the file's columns in file order when they are not all of the table's in
	// DDL order (a CDM 5.3 export loaded into 5.4 tables). Every NOT NULL column must be listed.
	Columns map[string][]string
	// Skip names tables of the load to leave out (Athena's download has no SOURCE_TO_CONCEPT_MAP file).
	Skip []string
	// TruncateColumns cuts values longer than their column instead of failing the load. Redshift counts
	// VARCHAR lengths in bytes, the CDM in characters, so a long non-ASCII concept name can overflow.
	// Default false: a load that fails is better than one that silently alters names.
	TruncateColumns bool
}

// formatPattern is what DATEFORMAT and TIMEFORMAT may be besides "auto": Redshift's date and time parts
// and separators, nothing that could end the SQL string.
var formatPattern = regexp.MustCompile(`^[A-Za-z0-9 :./,_-]{1,40}$`)

// extensionPattern is what Extension may be.
var extensionPattern = regexp.MustCompile(`^\.[A-Za-z0-9._-]{1,16}$`)

// filePrefixPattern is what FilePrefix may be.
var filePrefixPattern = regexp.MustCompile(`^[A-Za-z0-9!_.()-]{0,64}$`)

// normalized fills the defaults in and checks every option; inLoad are the tables of the load.
func (o CopyOptions) normalized(inLoad map[string]bool, byName map[string]Table) (CopyOptions, []error) {
	var problems []error
	bad := func(format string, args ...any) { problems = append(problems, fmt.Errorf(format, args...)) }
	if o.FileCase == "" {
		o.FileCase = FileCaseUpper
	}
	if o.FileCase != FileCaseUpper && o.FileCase != FileCaseLower {
		bad("file case %q, want %s or %s", o.FileCase, FileCaseUpper, FileCaseLower)
	}
	if !filePrefixPattern.MatchString(o.FilePrefix) {
		bad("file prefix %q holds a character outside a-z, A-Z, 0-9 and ! _ . ( ) - (at most 64)", o.FilePrefix)
	}
	if o.Extension == "" {
		o.Extension = defaultExtension
	}
	if !extensionPattern.MatchString(o.Extension) {
		bad("extension %q, want a dot and 1 to 16 of a-z, A-Z, 0-9, . _ - (such as .csv or .tsv)", o.Extension)
	}
	if o.Compression == "" {
		o.Compression = CompressionNone
	}
	switch o.Compression {
	case CompressionNone, CompressionGzip, CompressionBzip2:
	default:
		bad("compression %q, want %s, %s or %s", o.Compression, CompressionNone, CompressionGzip, CompressionBzip2)
	}
	for _, table := range sortedKeys(o.Files) {
		if !inLoad[table] {
			bad("file name given for table %q, which is not in this load", table)
			continue
		}
		if err := validateKey(o.Files[table]); err != nil {
			bad("file name for table %s: %v", table, err)
		}
	}
	if o.Delimiter == 0 {
		o.Delimiter = defaultDelimiter
	}
	switch o.Delimiter {
	case '\n', '\r', '\b', '\'', '\\':
		bad("delimiter %q cannot be used: not newline, carriage return, backspace (the quote character), ' or \\", rune(o.Delimiter))
	}
	if o.DateFormat == "" {
		o.DateFormat = defaultDateFormat
	}
	if o.DateFormat != "auto" && !formatPattern.MatchString(o.DateFormat) {
		bad("date format %q, want auto or a Redshift DATEFORMAT string such as YYYYMMDD or YYYY-MM-DD", o.DateFormat)
	}
	if o.TimeFormat == "" {
		o.TimeFormat = defaultTimeFormat
	}
	if o.TimeFormat != "auto" && !formatPattern.MatchString(o.TimeFormat) {
		bad("time format %q, want auto, epochsecs, epochmillisecs or a Redshift TIMEFORMAT string such as YYYY-MM-DD HH:MI:SS", o.TimeFormat)
	}
	if o.Region != "" {
		if err := validateRegion(o.Region); err != nil {
			bad("%v", err)
		}
	}
	for _, table := range sortedKeys(o.Columns) {
		if !inLoad[table] {
			bad("column list given for table %q, which is not in this load", table)
			continue
		}
		problems = append(problems, checkColumnList(byName[table], o.Columns[table])...)
	}
	for _, table := range o.Skip {
		if !inLoad[table] {
			bad("skip names table %q, which is not in this load", table)
		}
	}
	return o, problems
}

// checkColumnList verifies a file's column list against its table: known columns, each once, and every
// NOT NULL column present (COPY fills an absent column with NULL).
func checkColumnList(t Table, columns []string) []error {
	var problems []error
	if len(columns) == 0 {
		return []error{fmt.Errorf("column list for table %s is empty", t.Name)}
	}
	listed := map[string]bool{}
	for _, c := range columns {
		if _, ok := t.Column(c); !ok {
			problems = append(problems, fmt.Errorf("column list for table %s names %q, which is not one of its columns", t.Name, c))
		}
		if listed[c] {
			problems = append(problems, fmt.Errorf("column list for table %s names %s twice", t.Name, c))
		}
		listed[c] = true
	}
	for _, c := range t.Columns {
		if !c.Nullable && !relaxed(t.Name, c.Name) && !listed[c.Name] {
			problems = append(problems, fmt.Errorf("column list for table %s leaves out %s, which is NOT NULL", t.Name, c.Name))
		}
	}
	return problems
}

// fileName is the object name of a table's file, relative to the prefix.
func (o CopyOptions) fileName(table string) string {
	if f, ok := o.Files[table]; ok {
		return f
	}
	name := strings.ToUpper(table)
	if o.FileCase == FileCaseLower {
		name = strings.ToLower(table)
	}
	name = o.FilePrefix + name + o.Extension
	switch o.Compression {
	case CompressionGzip:
		name += ".gz"
	case CompressionBzip2:
		name += ".bz2"
	}
	return name
}

// sortedKeys returns a map's keys in order, so that errors come out in a stable order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
