package omop

// RelaxedColumn is one vocabulary column the CDM declares NOT NULL that this package creates nullable,
// because vocabulary exports from OHDSI Athena leave it empty in some rows. COPY ... EMPTYASNULL turns an
// empty field into NULL, and one NULL in a NOT NULL column fails the whole load of the table.
type RelaxedColumn struct {
	// Table and Column name the column.
	Table, Column string
	// Why is the reason, with the public report it comes from.
	Why string
}

// RelaxedColumns lists every column DDL makes nullable against the column list. It is the one place the
// relaxation is decided. The first four follow OHDSI ETL-Synthea's vocabulary loader, which relaxes exactly
// these after Athena files failed to load (ETL-Synthea issues #13 and #57); the two vocabulary-table columns
// were NOT NULL in CDM 5.3 and are already nullable in the 5.4 list: they stay here so that the guarantee
// holds whatever list the DDL is generated from. Redshift enforces NOT NULL (unlike primary and foreign
// keys), so without the relaxation COPY rejects the Athena files; rows with these columns empty are loaded
// as NULL instead, and OHDSI's Data Quality Dashboard is where they are reported.
var RelaxedColumns = []RelaxedColumn{
	{"concept", "concept_name", "Athena exports contain concepts with an empty name (thousands of deprecated Read concepts, Vocabulary-v5.0 #98; others in ETL-Synthea #140)"},
	{"concept", "concept_code", "empty codes in some exports; relaxed by ETL-Synthea's loader (ETL-Synthea #13)"},
	{"concept_synonym", "concept_synonym_name", "empty synonyms in some exports; relaxed by ETL-Synthea's loader (ETL-Synthea #13)"},
	{"concept_relationship", "valid_start_date", "empty start dates in some exports; relaxed by ETL-Synthea's loader (ETL-Synthea #13)"},
	{"vocabulary", "vocabulary_reference", "empty for OMOP-generated vocabularies such as Plan, Plan Stop Reason and Sponsor (CommonDataModel #233)"},
	{"vocabulary", "vocabulary_version", "empty for about 25 OMOP-generated vocabularies such as Gender, Visit and Domain (CommonDataModel #149)"},
}

// relaxed reports whether DDL makes table.column nullable against the column list.
func relaxed(table, column string) bool {
	for _, r := range RelaxedColumns {
		if r.Table == table && r.Column == column {
			return true
		}
	}
	return false
}
