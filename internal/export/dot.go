package export

// This file holds the dot writer: the architecture graph's model (nodes, clusters, edges), how the graph
// of a plan is assembled, and its rendering as Graphviz text. What goes into the graph is derived in
// dot_places.go (nodes and clusters), dot_network.go, dot_roles.go and dot_audit.go (the flows), from the
// plan facts of dot_facts.go.

import (
	"fmt"
	"io"
	"strings"

	"github.com/sce-project/sce/internal/plan"
)

// WriteDot writes the architecture of the plan as a Graphviz graph: the VPC and its subnets as clusters,
// the instances, NAT and internet gateways, the S3 endpoint, the buckets, the trail, the key and the log
// groups as nodes, and the data flows between them as edges. Everything is derived from resource types
// and the references between resources (security group rules, route tables, instance roles, the trail's
// and flow log's destinations), so that any stack's graph is its own.
func WriteDot(w io.Writer, p *plan.Plan) error {
	g := buildGraph(p)
	if _, err := io.WriteString(w, g.dot()); err != nil {
		return fmt.Errorf("write dot: %w", err)
	}
	return nil
}

// internetNode is the node id of the internet, where researchers, the builder and package mirrors are.
const internetNode = "internet"

// graph is the architecture graph of one plan.
type graph struct {
	title    string
	nodes    map[string]*gnode
	order    []string // node ids in the order they were added
	clusters map[string]*cluster
	roots    []string // top-level cluster ids
	edges    []gedge
	seen     map[string]bool // edge keys, to add each flow once
}

// gnode is one node; cluster is the id of the cluster it sits in ("" at the top level).
type gnode struct {
	id, label, shape, fill, cluster string
}

// cluster is a subgraph drawn as a box: the VPC, its subnets, and groups of services.
type cluster struct {
	id, label, parent, fill string
	children                []string
}

// gedge is one data flow.
type gedge struct {
	from, to, label, style string
}

// buildGraph derives the graph of a plan: its title (stack and region), the internet node, the places
// of the resources, then the network, role and audit flows, in that order (the order of the output).
func buildGraph(p *plan.Plan) *graph {
	g := &graph{nodes: map[string]*gnode{}, clusters: map[string]*cluster{}, seen: map[string]bool{}}
	f := &facts{p: p, byURN: map[string]*plan.Resource{}, byID: map[string]string{}}
	for i := range p.Resources {
		f.byURN[p.Resources[i].URN] = &p.Resources[i]
	}
	region := ""
	for _, r := range p.Find(awsProviderType) {
		if s, ok := r.Inputs["region"].(string); ok {
			region = s
		}
	}
	g.title = fmt.Sprintf("SCE stack %s", p.Stack)
	if region != "" {
		g.title += " (" + region + ")"
	}
	g.addNode(&gnode{id: internetNode, label: "Internet\nresearchers, builder, package mirrors", shape: "ellipse", fill: "#f2f2f2"})
	g.places(f)
	rt := f.routing()
	g.networkFlows(f, rt)
	g.roleFlows(f, rt)
	g.auditFlows(f)
	return g
}

// nodeID is the graph id of a resource.
func nodeID(r *plan.Resource) string { return "n_" + identifier(r.Name) }

// addNode adds a node once, in the order nodes are first added, and lists it in its cluster.
func (g *graph) addNode(n *gnode) {
	if _, ok := g.nodes[n.id]; ok {
		return
	}
	g.nodes[n.id] = n
	g.order = append(g.order, n.id)
	if n.cluster != "" {
		c := g.clusters[n.cluster]
		c.children = append(c.children, n.id)
	}
}

// addCluster adds a cluster once; a cluster without a parent is drawn at the top level.
func (g *graph) addCluster(c *cluster) {
	if _, ok := g.clusters[c.id]; ok {
		return
	}
	g.clusters[c.id] = c
	if c.parent == "" {
		g.roots = append(g.roots, c.id)
	}
}

// group returns a top-level cluster for a family of services, creating it.
func (g *graph) group(id, label, fill string) string {
	g.addCluster(&cluster{id: id, label: label, fill: fill})
	return id
}

// auditGroup returns the cluster of the account's audit services and the project key.
func (g *graph) auditGroup() string {
	return g.group("cluster_audit", "Audit and keys (account, region)", "#f7f7f7")
}

// ancillaryGroup returns the cluster of the ancillary services (functions, tables, queues).
func (g *graph) ancillaryGroup() string {
	return g.group("cluster_ancillary", "Ancillary services", "#f7f7f7")
}

// addEdge adds a flow once (the same ends and label), skipping flows with a missing end or to itself.
func (g *graph) addEdge(from, to, label, style string) {
	if from == "" || to == "" || from == to {
		return
	}
	key := from + "\x00" + to + "\x00" + label
	if g.seen[key] {
		return
	}
	g.seen[key] = true
	g.edges = append(g.edges, gedge{from: from, to: to, label: label, style: style})
}

// dot renders the graph.
func (g *graph) dot() string {
	var b strings.Builder
	b.WriteString("digraph sce {\n")
	fmt.Fprintf(&b, "  graph [rankdir=LR, compound=true, newrank=true, fontname=\"Helvetica\", fontsize=12, labelloc=t, label=%s];\n",
		quote(g.title+"\nsolid: data flows; bold: ssh; dashed: logs and events; dotted (gray): encrypted with the project key"))
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=10, style=filled];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=9];\n")
	for _, id := range g.order {
		if n := g.nodes[id]; n.cluster == "" {
			writeNode(&b, n, "  ")
		}
	}
	for _, id := range g.roots {
		g.writeCluster(&b, id, "  ")
	}
	for _, e := range g.edges {
		attrs := []string{}
		if e.label != "" {
			attrs = append(attrs, "label="+quote(e.label))
		}
		switch e.style {
		case "dotted":
			attrs = append(attrs, "style=dotted", "color=gray50", "arrowhead=none")
		case "":
		default:
			attrs = append(attrs, "style="+e.style)
		}
		fmt.Fprintf(&b, "  %s -> %s", e.from, e.to)
		if len(attrs) > 0 {
			fmt.Fprintf(&b, " [%s]", strings.Join(attrs, ", "))
		}
		b.WriteString(";\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// writeCluster renders a cluster as a subgraph with its nodes and, nested, its child clusters.
func (g *graph) writeCluster(b *strings.Builder, id, indent string) {
	c := g.clusters[id]
	fmt.Fprintf(b, "%ssubgraph %s {\n", indent, c.id)
	fmt.Fprintf(b, "%s  label=%s; style=\"rounded,filled\"; fillcolor=%s; color=gray60;\n", indent, quote(c.label), quote(c.fill))
	for _, child := range c.children {
		if n, ok := g.nodes[child]; ok {
			writeNode(b, n, indent+"  ")
			continue
		}
		g.writeCluster(b, child, indent+"  ")
	}
	fmt.Fprintf(b, "%s}\n", indent)
}

// writeNode renders one node with its label, shape and fill.
func writeNode(b *strings.Builder, n *gnode, indent string) {
	fmt.Fprintf(b, "%s%s [label=%s, shape=%s, fillcolor=%s];\n", indent, n.id, quote(n.label), n.shape, quote(n.fill))
}

// quote writes a dot string: quotes and backslashes escaped, line breaks as \n.
func quote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	s = strings.ReplaceAll(s, "\n", `\n`)
	return `"` + s + `"`
}
