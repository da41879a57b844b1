//go:build cgo

package usage

import (
	"testing"

	pgquery "github.com/wasilibs/go-pgquery"
	"google.golang.org/protobuf/proto"
)

// TestWasmParserAgreesWithCgo proves that a build without a C compiler (parser_wasm.go) reads the logged
// queries as the cgo build does: the same tree, the same deparsed text, the same refusals.
func TestWasmParserAgreesWithCgo(t *testing.T) {
	queries := []string{
		"select p.person_id, p.year_of_birth from cdm.person p where p.gender_concept_id = 8507",
		"SELECT count(*) FROM cdm.condition_occurrence co JOIN cdm.person p ON p.person_id = co.person_id WHERE co.condition_start_date >= '2020-01-01' GROUP BY p.gender_concept_id HAVING count(*) > 10",
		"with c as (select person_id from cdm.drug_exposure where drug_concept_id in (1, 2, 3)) select * from c",
		"insert into results.cohort select * from cdm.person",
		"SELECT TOP 10 * FROM cdm.person",
		"UNLOAD ('select 1') TO 's3://bucket/x'",
		"",
	}
	for _, q := range queries {
		native, nativeErr := parseSQL(q)
		wasm, wasmErr := pgquery.Parse(q)
		if (nativeErr == nil) != (wasmErr == nil) {
			t.Errorf("%q: cgo error %v, wasm error %v", q, nativeErr, wasmErr)
			continue
		}
		if nativeErr != nil {
			continue
		}
		if !proto.Equal(native, wasm) {
			t.Errorf("%q: the two parsers give different trees", q)
			continue
		}
		nativeText, err1 := deparseSQL(native)
		wasmText, err2 := pgquery.Deparse(wasm)
		if err1 != nil || err2 != nil || nativeText != wasmText {
			t.Errorf("%q: deparsed %q (%v) by cgo, %q (%v) by wasm", q, nativeText, err1, wasmText, err2)
		}
	}
}
