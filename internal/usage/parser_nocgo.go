//go:build !cgo

package usage

import (
	pg "github.com/pganalyze/pg_query_go/v6"
	pgquery "github.com/wasilibs/go-pgquery"
)

// parseSQL and deparseSQL run libpg_query compiled to WebAssembly (wasilibs/go-pgquery, on the wazero
// runtime) in builds without cgo. The first call compiles the module, which takes a few seconds; the
// report parses every query of a run after that at native-like speed.
func parseSQL(query string) (*pg.ParseResult, error) { return pgquery.Parse(query) }

func deparseSQL(tree *pg.ParseResult) (string, error) { return pgquery.Deparse(tree) }
