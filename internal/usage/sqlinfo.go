package usage

import (
	"fmt"
	"slices"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// queryInfo is what one logged query read: the tables it read and wrote ("schema.table", or "table"
// when it named none), the columns it named ("schema.table.column", or "unresolved: column"), and the
// predicates that chose the rows ("WHERE ...", "ON ...", "HAVING ...").
type queryInfo struct {
	Tables     []string
	Written    []string
	Columns    []string
	Predicates []string
}

// analyzeSQL parses a query with PostgreSQL's parser (libpg_query: see parser_cgo.go) and reports what
// it read. The constants of its predicates are replaced by $1, $2... unless showConstants: they are the
// values that chose the rows, and may be PHI. An error means the parser cannot read the query.
func analyzeSQL(query string, showConstants bool) (queryInfo, error) {
	tree, err := parseSQL(query)
	if err != nil {
		return queryInfo{}, err
	}
	a := &analyzer{version: tree.Version, showConstants: showConstants,
		read: map[string]bool{}, written: map[string]bool{}, columns: map[string]bool{}}
	for _, raw := range tree.Stmts {
		a.statement(raw.Stmt, &scope{})
	}
	if a.err != nil {
		return queryInfo{}, a.err
	}
	return queryInfo{Tables: keys(a.read), Written: keys(a.written), Columns: keys(a.columns), Predicates: a.predicates}, nil
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// scope is what the names of one SELECT (or UPDATE, DELETE) may refer to: its FROM items, the common
// table expressions in view, its output column names, and the scope around it (for correlated
// subqueries).
type scope struct {
	parent  *scope
	entries []scopeEntry
	ctes    map[string]bool
	outputs map[string]bool
}

// scopeEntry is one FROM item: the name a qualifier must use (the alias, else the table's name) and the
// base table it stands for ("" for a subquery, a function or a CTE).
type scopeEntry struct {
	name, table string
}

func (s *scope) isCTE(name string) bool {
	for ; s != nil; s = s.parent {
		if s.ctes[name] {
			return true
		}
	}
	return false
}

// lookup finds the FROM item a qualifier names, in this scope or an enclosing one.
func (s *scope) lookup(qualifier string) (scopeEntry, bool) {
	for ; s != nil; s = s.parent {
		for _, e := range s.entries {
			if e.name == qualifier || (e.table != "" && e.table == qualifier) {
				return e, true
			}
		}
	}
	return scopeEntry{}, false
}

// analyzer collects what the statements of one query read.
type analyzer struct {
	version       int32
	showConstants bool
	read, written map[string]bool
	columns       map[string]bool
	predicates    []string
	err           error
}

// tableName is a RangeVar's name as written: "schema.table" or "table".
func tableName(rv *pg.RangeVar) string {
	if rv.Schemaname != "" {
		return rv.Schemaname + "." + rv.Relname
	}
	return rv.Relname
}

// systemPrefixes start the names of Redshift's and PostgreSQL's system tables and views.
var systemPrefixes = []string{"pg_", "stl_", "stv_", "svl_", "svv_", "sys_", "svcs_", "stcs_"}

// isSystemTable reports whether a table is a catalog or system view, which holds no study data.
func isSystemTable(rv *pg.RangeVar) bool {
	switch rv.Schemaname {
	case "pg_catalog", "information_schema":
		return true
	case "":
		for _, p := range systemPrefixes {
			if strings.HasPrefix(rv.Relname, p) {
				return true
			}
		}
	}
	return false
}

// table records a table the query read or wrote.
func (a *analyzer) table(rv *pg.RangeVar, write bool) {
	if rv == nil || isSystemTable(rv) {
		return
	}
	if write {
		a.written[tableName(rv)] = true
		return
	}
	a.read[tableName(rv)] = true
}

// predicate records a condition that chose rows, deparsed by pg_query, its constants hidden unless
// asked for.
func (a *analyzer) predicate(kind string, expr *pg.Node) {
	if expr == nil {
		return
	}
	expr = proto.Clone(expr).(*pg.Node)
	if !a.showConstants {
		hideConstants(expr.ProtoReflect(), new(int32))
	}
	stmt := &pg.SelectStmt{WhereClause: expr, LimitOption: pg.LimitOption_LIMIT_OPTION_DEFAULT, Op: pg.SetOperation_SETOP_NONE}
	out, err := deparseSQL(&pg.ParseResult{Version: a.version, Stmts: []*pg.RawStmt{{Stmt: &pg.Node{Node: &pg.Node_SelectStmt{SelectStmt: stmt}}}}})
	if err != nil {
		a.err = fmt.Errorf("deparse a %s clause: %w", kind, err)
		return
	}
	a.predicates = append(a.predicates, kind+" "+strings.TrimPrefix(out, "SELECT WHERE "))
}

// hideConstants replaces every constant under m by a parameter $n, numbered in order.
func hideConstants(m protoreflect.Message, n *int32) {
	if node, ok := m.Interface().(*pg.Node); ok {
		if c := node.GetAConst(); c != nil && !c.Isnull {
			*n++
			node.Node = &pg.Node_ParamRef{ParamRef: &pg.ParamRef{Number: *n, Location: c.Location}}
			return
		}
	}
	eachChild(m, func(c protoreflect.Message) { hideConstants(c, n) })
}

// eachChild calls visit for every message directly under m in the parse tree: the message fields and
// the elements of the lists of messages (the tree has no maps).
func eachChild(m protoreflect.Message, visit func(protoreflect.Message)) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList() && fd.Message() != nil:
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				visit(l.Get(i).Message())
			}
		case fd.Message() != nil && !fd.IsMap():
			visit(v.Message())
		}
		return true
	})
}

// column records a column reference, resolved to its table where the query makes that possible.
func (a *analyzer) column(ref *pg.ColumnRef, s *scope) {
	var names []string
	star := false
	for _, f := range ref.Fields {
		switch {
		case f.GetString_() != nil:
			names = append(names, f.GetString_().Sval)
		case f.GetAStar() != nil:
			star = true
		}
	}
	col := "*"
	if !star {
		if len(names) == 0 {
			return
		}
		col, names = names[len(names)-1], names[:len(names)-1]
	}
	if len(names) > 0 {
		qualifier := strings.Join(names, ".")
		if e, ok := s.lookup(qualifier); ok && e.table != "" {
			a.columns[e.table+"."+col] = true
		} else {
			a.columns["unresolved: "+qualifier+"."+col] = true
		}
		return
	}
	if !star && s.outputs[col] {
		return // ORDER BY or GROUP BY naming an output column
	}
	switch {
	case star:
		for _, e := range s.entries {
			if e.table != "" {
				a.columns[e.table+".*"] = true
			} else {
				a.columns["unresolved: "+e.name+".*"] = true
			}
		}
	case len(s.entries) == 1 && s.entries[0].table != "":
		a.columns[s.entries[0].table+"."+col] = true
	default:
		a.columns["unresolved: "+col] = true
	}
}
