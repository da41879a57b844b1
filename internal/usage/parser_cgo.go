//go:build cgo

package usage

import pg "github.com/pganalyze/pg_query_go/v6"

// parseSQL and deparseSQL reach libpg_query, PostgreSQL's own parser, through cgo when the build has a C
// compiler (Go enables cgo by default only when it finds one). Without one, parser_nocgo.go gives the
// same parser compiled to WebAssembly, so `go run ./cmd/sce` works on a machine with Go alone; the two
// return the same trees (TestWasmParserAgreesWithCgo).
func parseSQL(query string) (*pg.ParseResult, error) { return pg.Parse(query) }

func deparseSQL(tree *pg.ParseResult) (string, error) { return pg.Deparse(tree) }
