package export

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
)

// dotGraph is the structure of a dot file as far as the tests need it.
type dotGraph struct {
	nodes    map[string]string   // id → label
	parent   map[string]string   // node or cluster id → enclosing cluster ("" at the top)
	clusters map[string]string   // cluster id → label
	edges    map[string][]string // "from -> to" → labels
}

var (
	dotNode    = regexp.MustCompile(`^(\w+) \[label="((?:[^"\\]|\\.)*)"`)
	dotEdge    = regexp.MustCompile(`^(\w+) -> (\w+)(?: \[(.*)\])?;$`)
	dotCluster = regexp.MustCompile(`^subgraph (cluster_\w+) \{$`)
	dotLabel   = regexp.MustCompile(`^label="((?:[^"\\]|\\.)*)";`)
	edgeLabel  = regexp.MustCompile(`label="((?:[^"\\]|\\.)*)"`)
)

// parseDot checks the dot text structurally (one digraph, balanced braces outside strings, every edge
// between declared nodes) and returns its nodes, clusters and edges.
func parseDot(t *testing.T, src string) dotGraph {
	t.Helper()
	require.True(t, strings.HasPrefix(src, "digraph sce {\n"), "one directed graph")
	depth, inString, escaped := 0, false, false
	for _, r := range src {
		switch {
		case escaped:
			escaped = false
		case inString && r == '\\':
			escaped = true
		case r == '"':
			inString = !inString
		case !inString && r == '{':
			depth++
		case !inString && r == '}':
			depth--
			require.GreaterOrEqual(t, depth, 0, "no closing brace without its opening one")
		}
	}
	require.False(t, inString, "strings are closed")
	require.Equal(t, 0, depth, "braces are balanced")

	g := dotGraph{nodes: map[string]string{}, parent: map[string]string{}, clusters: map[string]string{}, edges: map[string][]string{}}
	var stack []string
	for _, line := range strings.Split(src, "\n") {
		l := strings.TrimSpace(line)
		current := ""
		if len(stack) > 0 {
			current = stack[len(stack)-1]
		}
		switch {
		case dotCluster.MatchString(l):
			id := dotCluster.FindStringSubmatch(l)[1]
			g.parent[id] = current
			stack = append(stack, id)
		case l == "}" && len(stack) > 0:
			stack = stack[:len(stack)-1]
		case dotLabel.MatchString(l) && current != "":
			g.clusters[current] = dotLabel.FindStringSubmatch(l)[1]
		case dotEdge.MatchString(l):
			m := dotEdge.FindStringSubmatch(l)
			label := ""
			if lm := edgeLabel.FindStringSubmatch(m[3]); lm != nil {
				label = lm[1]
			}
			g.edges[m[1]+" -> "+m[2]] = append(g.edges[m[1]+" -> "+m[2]], label)
		case dotNode.MatchString(l):
			m := dotNode.FindStringSubmatch(l)
			require.NotContains(t, g.nodes, m[1], "node %s is declared once", m[1])
			g.nodes[m[1]] = m[2]
			g.parent[m[1]] = current
		}
	}
	for e := range g.edges {
		from, to, _ := strings.Cut(e, " -> ")
		assert.Contains(t, g.nodes, from, "edge %s starts at a declared node", e)
		assert.Contains(t, g.nodes, to, "edge %s ends at a declared node", e)
	}
	return g
}

func dotOf(t *testing.T, name string) (string, dotGraph) {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, WriteDot(&buf, referencePlan(t, name)))
	return buf.String(), parseDot(t, buf.String())
}

// within reports whether a node sits, at any depth, inside a cluster.
func (g dotGraph) within(node, cluster string) bool {
	for c := g.parent[node]; c != ""; c = g.parent[c] {
		if c == cluster {
			return true
		}
	}
	return false
}

func TestTheHipaaGraphPlacesResourcesInTheirVPCAndSubnets(t *testing.T) {
	_, g := dotOf(t, "hipaa")
	assert.Contains(t, g.clusters["cluster_hipaa_vpc"], "10.0.0.0/16")
	assert.Contains(t, g.clusters["cluster_hipaa_private_subnet"], "10.0.1.0/24")
	assert.Equal(t, "cluster_hipaa_vpc", g.parent["cluster_hipaa_private_subnet"], "subnets are clusters inside the VPC")
	assert.Equal(t, "cluster_hipaa_vpc", g.parent["cluster_hipaa_public_subnet"])
	for node, cluster := range map[string]string{
		"n_hipaa_bastion_instance":     "cluster_hipaa_public_subnet",
		"n_hipaa_nat":                  "cluster_hipaa_public_subnet",
		"n_hipaa_workstation_instance": "cluster_hipaa_private_subnet",
		"n_hipaa_workstation_data":     "cluster_hipaa_private_subnet",
		"n_hipaa_igw":                  "cluster_hipaa_vpc",
		"n_hipaa_s3_endpoint":          "cluster_hipaa_vpc",
		"n_hipaa_flow_log":             "cluster_hipaa_vpc",
	} {
		assert.True(t, g.within(node, cluster), "%s is inside %s", node, cluster)
	}
	for _, outside := range []string{"n_hipaa_data_in_bucket", "n_hipaa_audit_trail", "n_hipaa_key", "n_hipaa_flow_logs"} {
		require.Contains(t, g.nodes, outside)
		assert.False(t, g.within(outside, "cluster_hipaa_vpc"), "%s is a regional service, outside the VPC", outside)
	}
	assert.Contains(t, g.nodes["n_hipaa_bastion_instance"], "Elastic IP")
	assert.Contains(t, g.nodes["n_hipaa_workstation_instance"], "no public address")
	assert.Contains(t, g.nodes["n_config_rules"], "(64)")
}

func TestTheHipaaGraphDrawsTheDataFlows(t *testing.T) {
	_, g := dotOf(t, "hipaa")
	flows := []struct{ from, to, label string }{
		{internetNode, "n_hipaa_igw", "ssh :22 from 198.51.100.0/24"},
		{"n_hipaa_igw", "n_hipaa_bastion_instance", ""},
		{"n_hipaa_bastion_instance", "n_hipaa_workstation_instance", "ssh :22"},
		{"n_hipaa_workstation_instance", "n_hipaa_s3_endpoint", "S3 prefix list route"},
		{"n_hipaa_s3_endpoint", "n_hipaa_data_in_bucket", "read"},
		{"n_hipaa_s3_endpoint", "n_hipaa_output_bucket", "write"},
		{"n_hipaa_workstation_instance", "n_hipaa_nat", "0.0.0.0/0"},
		{"n_hipaa_nat", "n_hipaa_igw", "egress"},
		{"n_hipaa_igw", internetNode, "egress"},
		{"n_hipaa_audit_trail", "n_hipaa_logs_bucket", "log files"},
		{"n_hipaa_audit_trail", "n_hipaa_audit_log_group", "events"},
		{"n_hipaa_data_in_bucket", "n_hipaa_audit_trail", "object reads and writes"},
		{"n_hipaa_flow_log", "n_hipaa_flow_logs", "flow records"},
		{"n_hipaa_data_in_bucket", "n_hipaa_access_logs_bucket", "access logs"},
		{"n_hipaa_workstation_instance", "n_hipaa_workstation_log_group", "logs"},
		{"n_hipaa_audit_log_group", "n_alarms", "metric filters (14)"},
		{"n_alarms", "n_hipaa_audit_alerts", "alarm"},
		{"n_hipaa_key", "n_hipaa_data_in_bucket", ""},
		{"n_hipaa_key", "n_hipaa_workstation_data", ""},
	}
	for _, f := range flows {
		labels, ok := g.edges[f.from+" -> "+f.to]
		if assert.True(t, ok, "flow %s -> %s", f.from, f.to) {
			assert.Contains(t, strings.Join(labels, "|"), f.label, "flow %s -> %s", f.from, f.to)
		}
	}
	absent := []string{
		internetNode + " -> n_hipaa_workstation_instance",
		"n_hipaa_igw -> n_hipaa_workstation_instance",
		"n_hipaa_s3_endpoint -> n_hipaa_logs_bucket",
		"n_hipaa_s3_endpoint -> n_hipaa_access_logs_bucket",
		"n_hipaa_bastion_instance -> n_hipaa_s3_endpoint",
	}
	for _, e := range absent {
		assert.NotContains(t, g.edges, e, "no flow %s: the network or the roles do not allow it", e)
	}
}

func TestTheOmopGraphIsItsOwn(t *testing.T) {
	_, g := dotOf(t, "omop")
	assert.Contains(t, g.clusters, "cluster_omop_vpc")
	assert.Contains(t, g.edges, "n_omop_bastion_instance -> n_omop_workstation_instance")
	for id := range g.nodes {
		assert.NotContains(t, id, "hipaa", "nothing of another stack")
	}
}

func TestWildcardsMatchAsIAMDoes(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"arn:aws:s3:::hipaa-*", "arn:aws:s3:::hipaa-data-in-1", true},
		{"arn:aws:s3:::hipaa-data-in-1/*", "arn:aws:s3:::hipaa-data-in-1/*", true},
		{"arn:aws:s3:::hipaa-data-in-1/*", "arn:aws:s3:::hipaa-output-1/*", false},
		{"s3:Get*", "s3:GetObject", true},
		{"s3:?etObject", "s3:GetObject", true},
		{"s3:GetObject", "s3:PutObject", false},
		{"", "", true},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, wildcardMatch(c.pattern, c.s), "%q matches %q", c.pattern, c.s)
	}
}

func TestQuotedLabelsEscapeQuotesAndLineBreaks(t *testing.T) {
	assert.Equal(t, `"a \"b\"\nc\\d"`, quote("a \"b\"\nc\\d"))
}

func TestGraphvizRendersTheHipaaGraph(t *testing.T) {
	dotBin, err := exec.LookPath("dot")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("Graphviz's dot is not installed; CI must run this test (apt-get install graphviz)")
		}
		t.Skip("Graphviz's dot is not installed (apt-get install graphviz); the structural tests above still run")
	}
	src, _ := dotOf(t, "hipaa")
	cmd := exec.Command(dotBin, "-Tsvg")
	cmd.Stdin = strings.NewReader(src)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	require.NoError(t, cmd.Run(), errOut.String())
	assert.Empty(t, errOut.String(), "dot reports no warning")
	assert.Contains(t, out.String(), "<svg")
	assert.Contains(t, out.String(), "hipaa&#45;workstation")
}

func TestTheCommittedDiagramShowsTheHipaaStacksMainResources(t *testing.T) {
	svg, err := os.ReadFile(filepath.Join("..", "..", "docs", "architecture.svg"))
	require.NoError(t, err, "docs/architecture.svg is rendered from `sce plan --stack hipaa --format dot`")
	_, g := dotOf(t, "hipaa")
	for _, id := range []string{"n_hipaa_bastion_instance", "n_hipaa_workstation_instance", "n_hipaa_nat", "n_hipaa_s3_endpoint", "n_hipaa_audit_trail"} {
		assert.Contains(t, string(svg), "<title>"+id+"</title>", "re-render docs/architecture.svg if %s changed", id)
	}
	for e := range g.edges {
		from, to, _ := strings.Cut(e, " -> ")
		assert.Contains(t, string(svg), "<title>"+from+"&#45;&gt;"+to+"</title>", "the committed diagram has the flow %s: re-render it", e)
	}
}

func TestAnEMRClusterIsDrawnInThePrivateSubnetAndWrittenAsTerraform(t *testing.T) {
	sf, err := plan.ReadStackFile(filepath.Join("..", "..", "Pulumi.hipaa.yaml"))
	require.NoError(t, err)
	raw := map[string]string{"sce:emrEnabled": "true"}
	for k, v := range sf.Config {
		raw[k] = v
	}
	p, err := plan.Run(plan.Options{Stack: "hipaa", Config: raw, SecretKeys: sf.SecretKeys}, stack.Run)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, WriteDot(&buf, p))
	g := parseDot(t, buf.String())
	require.Contains(t, g.nodes, "n_hipaa_emr_cluster")
	assert.True(t, g.within("n_hipaa_emr_cluster", "cluster_hipaa_private_subnet"))
	assert.Contains(t, g.nodes["n_hipaa_emr_cluster"], "r5.xlarge")

	buf.Reset()
	require.NoError(t, WriteTerraform(&buf, p), "every EMR resource type has a Terraform type")
	for _, want := range []string{`resource "aws_emr_cluster"`, `resource "aws_emr_security_configuration"`, `resource "aws_s3_object"`,
		`resource "tls_private_key"`, `resource "aws_emr_block_public_access_configuration"`, "ebs_config {", "kerberos_attributes {"} {
		assert.Contains(t, buf.String(), want)
	}
	assert.NotContains(t, buf.String(), "PRIVATE KEY", "no key material in the export")
}
