package usage

import (
	pg "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// statement walks one statement of a query. The statements that write name their target; everything
// else (EXPLAIN, a SELECT inside a utility statement) is walked for what it reads.
func (a *analyzer) statement(n *pg.Node, s *scope) {
	if n == nil {
		return
	}
	switch {
	case n.GetInsertStmt() != nil:
		st := n.GetInsertStmt()
		s = a.with(st.WithClause, s)
		a.table(st.Relation, true)
		a.statement(st.SelectStmt, s)
	case n.GetUpdateStmt() != nil:
		st := n.GetUpdateStmt()
		inner := a.from(append([]*pg.Node{{Node: &pg.Node_RangeVar{RangeVar: st.Relation}}}, st.FromClause...), a.with(st.WithClause, s))
		a.table(st.Relation, true)
		a.exprs(inner, st.TargetList...)
		a.exprs(inner, st.WhereClause)
		a.predicate("WHERE", st.WhereClause)
	case n.GetDeleteStmt() != nil:
		st := n.GetDeleteStmt()
		inner := a.from(append([]*pg.Node{{Node: &pg.Node_RangeVar{RangeVar: st.Relation}}}, st.UsingClause...), a.with(st.WithClause, s))
		a.table(st.Relation, true)
		a.exprs(inner, st.WhereClause)
		a.predicate("WHERE", st.WhereClause)
	case n.GetCreateTableAsStmt() != nil:
		st := n.GetCreateTableAsStmt()
		if st.Into != nil {
			a.table(st.Into.Rel, true)
		}
		a.statement(st.Query, s)
	case n.GetCopyStmt() != nil:
		st := n.GetCopyStmt()
		a.table(st.Relation, st.IsFrom)
		a.statement(st.Query, s)
	case n.GetTruncateStmt() != nil:
		for _, r := range n.GetTruncateStmt().Relations {
			a.table(r.GetRangeVar(), true)
		}
	case n.GetSelectStmt() != nil:
		a.selectStmt(n.GetSelectStmt(), s)
	default:
		a.walk(n.ProtoReflect(), s)
	}
}

// with brings a WITH clause's names into view and walks each query of it.
func (a *analyzer) with(w *pg.WithClause, s *scope) *scope {
	if w == nil {
		return s
	}
	inner := &scope{parent: s, ctes: map[string]bool{}}
	for _, c := range w.Ctes {
		cte := c.GetCommonTableExpr()
		if cte == nil {
			continue
		}
		if w.Recursive {
			inner.ctes[cte.Ctename] = true
		}
		a.statement(cte.Ctequery, inner)
		inner.ctes[cte.Ctename] = true
	}
	return inner
}

// selectStmt walks a SELECT in a scope of its own.
func (a *analyzer) selectStmt(st *pg.SelectStmt, s *scope) {
	s = a.with(st.WithClause, s)
	if st.Op != pg.SetOperation_SETOP_NONE && st.Op != pg.SetOperation_SET_OPERATION_UNDEFINED {
		if st.Larg != nil {
			a.selectStmt(st.Larg, s)
		}
		if st.Rarg != nil {
			a.selectStmt(st.Rarg, s)
		}
		return
	}
	inner := a.from(st.FromClause, s)
	inner.outputs = map[string]bool{}
	for _, t := range st.TargetList {
		if rt := t.GetResTarget(); rt != nil && rt.Name != "" {
			inner.outputs[rt.Name] = true
		}
	}
	a.exprs(inner, st.TargetList...)
	a.exprs(inner, st.WhereClause, st.HavingClause, st.LimitCount, st.LimitOffset)
	a.exprs(inner, st.GroupClause...)
	a.exprs(inner, st.SortClause...)
	a.exprs(inner, st.DistinctClause...)
	a.exprs(inner, st.WindowClause...)
	for _, row := range st.ValuesLists {
		a.exprs(inner, row)
	}
	a.predicate("WHERE", st.WhereClause)
	a.predicate("HAVING", st.HavingClause)
}

// from builds the scope of a FROM clause: its tables, subqueries and functions, the tables read, the
// join conditions walked (and recorded as predicates) once every item is in view.
func (a *analyzer) from(items []*pg.Node, s *scope) *scope {
	inner := &scope{parent: s}
	var quals []*pg.Node
	var add func(n *pg.Node)
	add = func(n *pg.Node) {
		switch {
		case n == nil:
		case n.GetRangeVar() != nil:
			rv := n.GetRangeVar()
			name := rv.Relname
			if rv.Alias != nil && rv.Alias.Aliasname != "" {
				name = rv.Alias.Aliasname
			}
			if rv.Schemaname == "" && s.isCTE(rv.Relname) {
				inner.entries = append(inner.entries, scopeEntry{name: name})
				return
			}
			a.table(rv, false)
			entry := scopeEntry{name: name, table: tableName(rv)}
			if isSystemTable(rv) {
				entry.table = ""
			}
			inner.entries = append(inner.entries, entry)
		case n.GetJoinExpr() != nil:
			j := n.GetJoinExpr()
			add(j.Larg)
			add(j.Rarg)
			if j.Quals != nil {
				quals = append(quals, j.Quals)
			}
		case n.GetRangeSubselect() != nil:
			sub := n.GetRangeSubselect()
			a.statement(sub.Subquery, s)
			inner.entries = append(inner.entries, scopeEntry{name: aliasOf(sub.Alias)})
		case n.GetRangeFunction() != nil:
			f := n.GetRangeFunction()
			a.walk(n.ProtoReflect(), s)
			inner.entries = append(inner.entries, scopeEntry{name: aliasOf(f.Alias)})
		default:
			a.walk(n.ProtoReflect(), s)
		}
	}
	for _, it := range items {
		add(it)
	}
	for _, q := range quals {
		a.exprs(inner, q)
		a.predicate("ON", q)
	}
	return inner
}

func aliasOf(al *pg.Alias) string {
	if al == nil {
		return "(unnamed)"
	}
	return al.Aliasname
}

// exprs walks expressions in a scope.
func (a *analyzer) exprs(s *scope, nodes ...*pg.Node) {
	for _, n := range nodes {
		if n != nil {
			a.walk(n.ProtoReflect(), s)
		}
	}
}

// walk visits every node under m: a column reference is resolved in the scope, a subquery gets a scope
// of its own inside this one, and a table met outside any FROM clause is recorded as read.
func (a *analyzer) walk(m protoreflect.Message, s *scope) {
	switch v := m.Interface().(type) {
	case *pg.ColumnRef:
		a.column(v, s)
		return
	case *pg.SelectStmt:
		a.selectStmt(v, s)
		return
	case *pg.RangeVar:
		a.table(v, false)
		return
	case *pg.Node:
		if v.GetInsertStmt() != nil || v.GetUpdateStmt() != nil || v.GetDeleteStmt() != nil || v.GetCreateTableAsStmt() != nil {
			a.statement(v, s)
			return
		}
	}
	eachChild(m, func(c protoreflect.Message) { a.walk(c, s) })
}
