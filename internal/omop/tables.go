package omop

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// columnsTSV is the OMOP CDM 5.4 column list: one row per column, in the order of the OHDSI reference DDL.
//
//go:embed omop-cdm-5.4-columns.tsv
var columnsTSV string

// columnsSource names the embedded file in error messages.
const columnsSource = "omop-cdm-5.4-columns.tsv"

// tsvHeader is the first line the column list must have, fields separated by tabs.
var tsvHeader = []string{"table", "column", "type", "nullable", "distribution"}

// identifierPattern is what a table or column name in the column list may be: lower case, as the OHDSI DDL
// spells them. Every identifier is quoted in the SQL anyway, so a reserved word is harmless.
var identifierPattern = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,126}$`)

// Table is one OMOP CDM table as the column list describes it.
type Table struct {
	// Name is the table's name, lower case ("person").
	Name string
	// Columns are the table's columns in DDL order.
	Columns []Column
	// Distribution is how Redshift spreads the table's rows over the cluster's slices.
	Distribution Distribution
}

// Column is one column of an OMOP CDM table.
type Column struct {
	// Name is the column's name, lower case ("person_id").
	Name string
	// Type is the OMOP type as the column list gives it ("integer", "varchar(50)", "timestamp").
	Type string
	// Nullable is true when the CDM allows NULL in the column. The vocabulary columns this package relaxes
	// (RelaxedColumns) keep the column list's value here; DDL applies the relaxation.
	Nullable bool
}

// DistStyle is a Redshift distribution style.
type DistStyle string

// The two distribution styles the OHDSI reference DDL uses.
const (
	// DistAll copies the whole table to every node: small tables joined to everything (the vocabulary).
	DistAll DistStyle = "all"
	// DistKey spreads rows by the hash of one column: the person-centred tables, so that one person's
	// rows sit on one slice.
	DistKey DistStyle = "key"
)

// Distribution is a table's Redshift distribution: DISTSTYLE ALL, or DISTKEY on one column.
type Distribution struct {
	// Style is DistAll or DistKey.
	Style DistStyle
	// Key is the distribution column when Style is DistKey, empty otherwise.
	Key string
}

// String renders the distribution as the column list writes it: "all" or "key:<column>".
func (d Distribution) String() string {
	if d.Style == DistKey {
		return "key:" + d.Key
	}
	return string(d.Style)
}

// Column returns the column of t named name, and whether it exists.
func (t Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// hasType reports whether any column of t has one of the OMOP types given.
func (t Table) hasType(types ...string) bool {
	for _, c := range t.Columns {
		for _, want := range types {
			if c.Type == want {
				return true
			}
		}
	}
	return false
}

// Tables parses the embedded OMOP CDM 5.4 column list into its tables, in file order.
func Tables() ([]Table, error) {
	tables, err := parseTables(strings.NewReader(columnsTSV), columnsSource)
	if err != nil {
		return nil, fmt.Errorf("parse the OMOP CDM column list: %w", err)
	}
	return tables, nil
}

// tableIndex returns the embedded tables by name.
func tableIndex() (map[string]Table, []Table, error) {
	tables, err := Tables()
	if err != nil {
		return nil, nil, err
	}
	byName := make(map[string]Table, len(tables))
	for _, t := range tables {
		byName[t.Name] = t
	}
	return byName, tables, nil
}

// parseTables reads a column list: a header line, then one tab-separated row per column (table, column,
// type, nullable yes|no, distribution all|key:<column>). A table's rows are contiguous and agree on the
// distribution. Blank lines are skipped; every other malformed line is an error naming source and line.
func parseTables(r io.Reader, source string) ([]Table, error) {
	scanner := bufio.NewScanner(r)
	var (
		tables    []Table
		seen      = map[string]bool{}
		firstLine = map[string]int{}
		lineNo    int
		header    bool
	)
	lineErr := func(n int, format string, args ...any) error {
		return fmt.Errorf("%s line %d: %s", source, n, fmt.Sprintf(format, args...))
	}
	for scanner.Scan() {
		lineNo++
		line := strings.TrimSuffix(scanner.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		fields := strings.Split(line, "\t")
		if !header {
			if strings.Join(fields, "\t") != strings.Join(tsvHeader, "\t") {
				return nil, lineErr(lineNo, "header is %q, want the tab-separated fields %q", line, strings.Join(tsvHeader, " "))
			}
			header = true
			continue
		}
		if len(fields) != len(tsvHeader) {
			return nil, lineErr(lineNo, "%d tab-separated fields, want %d (%s)", len(fields), len(tsvHeader), strings.Join(tsvHeader, ", "))
		}
		tableName, columnName, typ, nullable, dist := fields[0], fields[1], fields[2], fields[3], fields[4]
		if !identifierPattern.MatchString(tableName) {
			return nil, lineErr(lineNo, "table name %q is not a lower-case identifier (%s)", tableName, identifierPattern)
		}
		if !identifierPattern.MatchString(columnName) {
			return nil, lineErr(lineNo, "column name %q of table %s is not a lower-case identifier (%s)", columnName, tableName, identifierPattern)
		}
		if _, err := redshiftType(typ); err != nil {
			return nil, lineErr(lineNo, "column %s.%s: %v", tableName, columnName, err)
		}
		var isNullable bool
		switch nullable {
		case "yes":
			isNullable = true
		case "no":
		default:
			return nil, lineErr(lineNo, "nullable %q for %s.%s, want yes or no", nullable, tableName, columnName)
		}
		distribution, err := parseDistribution(dist)
		if err != nil {
			return nil, lineErr(lineNo, "table %s: %v", tableName, err)
		}

		current := len(tables) - 1
		if current < 0 || tables[current].Name != tableName {
			if seen[tableName] {
				return nil, lineErr(lineNo, "table %s appears again after other tables (first at line %d); a table's rows must be contiguous", tableName, firstLine[tableName])
			}
			if current >= 0 {
				if err := checkDistributionKey(tables[current], source, firstLine[tables[current].Name]); err != nil {
					return nil, err
				}
			}
			seen[tableName] = true
			firstLine[tableName] = lineNo
			tables = append(tables, Table{Name: tableName, Distribution: distribution})
			current = len(tables) - 1
		}
		t := &tables[current]
		if t.Distribution != distribution {
			return nil, lineErr(lineNo, "table %s: distribution %q differs from %q given at line %d", tableName, dist, t.Distribution, firstLine[tableName])
		}
		if _, dup := t.Column(columnName); dup {
			return nil, lineErr(lineNo, "column %s.%s is listed twice", tableName, columnName)
		}
		t.Columns = append(t.Columns, Column{Name: columnName, Type: typ, Nullable: isNullable})
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", source, err)
	}
	if !header {
		return nil, fmt.Errorf("%s: empty, want a header line and one row per column", source)
	}
	if len(tables) == 0 {
		return nil, fmt.Errorf("%s: a header but no rows", source)
	}
	last := tables[len(tables)-1]
	if err := checkDistributionKey(last, source, firstLine[last.Name]); err != nil {
		return nil, err
	}
	return tables, nil
}

// parseDistribution reads "all" or "key:<column>".
func parseDistribution(s string) (Distribution, error) {
	if s == string(DistAll) {
		return Distribution{Style: DistAll}, nil
	}
	if key, ok := strings.CutPrefix(s, "key:"); ok {
		if !identifierPattern.MatchString(key) {
			return Distribution{}, fmt.Errorf("distribution key %q is not a lower-case identifier", key)
		}
		return Distribution{Style: DistKey, Key: key}, nil
	}
	return Distribution{}, fmt.Errorf("distribution %q, want all or key:<column>", s)
}

// checkDistributionKey verifies that a table's distribution key is one of its columns.
func checkDistributionKey(t Table, source string, line int) error {
	if t.Distribution.Style != DistKey {
		return nil
	}
	if _, ok := t.Column(t.Distribution.Key); !ok {
		return fmt.Errorf("%s line %d: table %s is distributed on %q, which is not one of its columns", source, line, t.Name, t.Distribution.Key)
	}
	return nil
}
