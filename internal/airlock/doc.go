// Package airlock holds the automated checks of results that are to leave the SCE: the checks a reviewer
// sees with an egress request, and that a researcher runs first with `sce airlock check`. They look for
// what statistical disclosure control (SDC) calls disclosive, in three ways:
//
//   - PHI: the file's name, a CSV's headers and every cell, with internal/phi's detector (SSNs, dates with
//     a day, phone numbers, e-mail addresses, medical record numbers, the project's configured names)
//     extended for tables: a header that names an identifier column (name, date of birth, SSN, MRN,
//     phone, e-mail, address, ZIP code), street addresses and ZIP+4 codes in cells, and record dates
//     more precise than Options.DatePrecision (default: year, the precision HIPAA's Safe Harbor method
//     keeps, 45 CFR 164.514(b)(2)(i)(C); "month" or "day" are the builder's explicit, weaker choices).
//     A cell that is a plain number is not read as a record number: counts and sums are numbers.
//   - Small cells: a count below Options.MinCell (default 10) in a table of counts. This is ACRO's
//     threshold rule for frequency tables (AI-SDC/ACRO, acro/default.yaml: safe_threshold 10, and
//     zeros_are_disclosive: a zero count is flagged too, since an empty cell tells that nobody in the
//     group has the property). ACRO checks the tables its own crosstab builds; here a CSV is taken as a
//     table of counts in two shapes: a column whose header names a count (n, count, frequency, cases,
//     patients, ...) and holds only whole numbers; or a cross-tabulation whose first column holds labels
//     and whose every other cell is a whole number, none of whose headers names a measure that is not a
//     count (year, age, id, code, ...). ACRO's magnitude-table rules (the n-k dominance rule, n=2 and
//     k=90%, and the p-ratio rule, p=10%) need each record's contribution to a cell, which an output
//     file does not hold: they are not applied, and docs/airlock.md says so.
//   - Differencing: a CSV with the same header as a file already released (Options.Released) that
//     differs from it in a few rows, or in a few cells of the same rows, at most Options.MaxDifference
//     (default 5): subtracting the two tables reveals the records that make the difference. The
//     released tables are the comparison ACRO cannot make on its own (SACRO's output checkers see
//     earlier outputs of the project; Azure TRE's users ask for the same).
//
// Findings name the file, row (the line of the CSV, the header being line 1) and column, and never the
// cell's text: the report is recorded with the request and read by reviewers, and must not carry the PHI
// it found. A Report is JSON-serialisable for that reason.
package airlock
