package omop

import (
	"fmt"
	"regexp"
	"strconv"
)

// Redshift's limit on a VARCHAR's length, in bytes.
const maxVarcharBytes = 65535

// varcharPattern matches the column list's character types: varchar(<n>) or varchar(max).
var varcharPattern = regexp.MustCompile(`^varchar\((max|[0-9]+)\)$`)

// scalarTypes maps the column list's types that take no length to their Redshift types. The 5.4 list uses
// integer, float, date and timestamp; bigint and datetime (the OHDSI field-level specification's name for a
// timestamp) are accepted too, so that a list written in the specification's own words also loads.
var scalarTypes = map[string]string{
	"integer":   "INTEGER",
	"bigint":    "BIGINT",
	"float":     "FLOAT", // FLOAT8, double precision: what the OHDSI Redshift DDL uses
	"date":      "DATE",
	"timestamp": "TIMESTAMP",
	"datetime":  "TIMESTAMP",
}

// redshiftType maps one OMOP type of the column list to its Redshift type. varchar(n) keeps its length
// (Redshift counts it in bytes, the CDM in characters: see the package documentation) and varchar(max)
// becomes VARCHAR(MAX), 65535 bytes.
func redshiftType(omopType string) (string, error) {
	if t, ok := scalarTypes[omopType]; ok {
		return t, nil
	}
	m := varcharPattern.FindStringSubmatch(omopType)
	if m == nil {
		return "", fmt.Errorf("type %q is not one this package maps to Redshift (integer, bigint, float, date, timestamp, datetime, varchar(1..%d), varchar(max))", omopType, maxVarcharBytes)
	}
	if m[1] == "max" {
		return "VARCHAR(MAX)", nil
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n < 1 || n > maxVarcharBytes {
		return "", fmt.Errorf("type %q: a varchar length must be 1 to %d", omopType, maxVarcharBytes)
	}
	return fmt.Sprintf("VARCHAR(%d)", n), nil
}
