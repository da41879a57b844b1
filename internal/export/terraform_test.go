package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/policy/rules"
)

// parsed is a Terraform file parsed back with HCL's own parser.
type parsed struct {
	src       []byte
	body      *hclsyntax.Body
	resources map[string]*hclsyntax.Block // "aws_vpc.hipaa_vpc"
	variables map[string]*hclsyntax.Block
	providers []*hclsyntax.Block
}

func parseTerraform(t *testing.T, src []byte) *parsed {
	t.Helper()
	f, diags := hclparse.NewParser().ParseHCL(src, "main.tf")
	require.False(t, diags.HasErrors(), "the export parses as HCL: %s", diags.Error())
	body, ok := f.Body.(*hclsyntax.Body)
	require.True(t, ok)
	out := &parsed{src: src, body: body, resources: map[string]*hclsyntax.Block{}, variables: map[string]*hclsyntax.Block{}}
	for _, b := range body.Blocks {
		switch b.Type {
		case "resource":
			require.Len(t, b.Labels, 2)
			key := b.Labels[0] + "." + b.Labels[1]
			require.NotContains(t, out.resources, key, "resource addresses are unique")
			out.resources[key] = b
		case "variable":
			out.variables[b.Labels[0]] = b
		case "provider":
			out.providers = append(out.providers, b)
		}
	}
	return out
}

func exportOf(t *testing.T, p *plan.Plan) *parsed {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, WriteTerraform(&buf, p))
	return parseTerraform(t, buf.Bytes())
}

func (p *parsed) resource(t *testing.T, addr string) *hclsyntax.Block {
	t.Helper()
	b, ok := p.resources[addr]
	require.True(t, ok, "resource %s is in the export", addr)
	return b
}

// block returns the nested blocks of a type.
func nested(b *hclsyntax.Block, typ string) []*hclsyntax.Block {
	var out []*hclsyntax.Block
	for _, n := range b.Body.Blocks {
		if n.Type == typ {
			out = append(out, n)
		}
	}
	return out
}

// literal evaluates an attribute that holds no reference.
func literal(t *testing.T, b *hclsyntax.Block, name string) cty.Value {
	t.Helper()
	attr, ok := b.Body.Attributes[name]
	require.True(t, ok, "attribute %s is set on %s %v", name, b.Type, b.Labels)
	v, diags := attr.Expr.Value(nil)
	require.False(t, diags.HasErrors(), "%s is a literal: %s", name, diags.Error())
	return v
}

// reference returns the reference an attribute holds, as written ("aws_vpc.hipaa_vpc.id").
func reference(t *testing.T, b *hclsyntax.Block, name string) string {
	t.Helper()
	attr, ok := b.Body.Attributes[name]
	require.True(t, ok, "attribute %s is set", name)
	tr, diags := hcl.AbsTraversalForExpr(attr.Expr)
	require.False(t, diags.HasErrors(), "%s is a reference: %s", name, diags.Error())
	return traversalString(tr)
}

func traversalString(tr hcl.Traversal) string {
	parts := []string{tr.RootName()}
	for _, step := range tr[1:] {
		if a, ok := step.(hcl.TraverseAttr); ok {
			parts = append(parts, a.Name)
		}
	}
	return strings.Join(parts, ".")
}

func TestEveryResourceTypeOfTheReferenceStacksHasATerraformType(t *testing.T) {
	for _, name := range []string{"hipaa", "omop"} {
		t.Run(name, func(t *testing.T) {
			p := referencePlan(t, name)
			seen := map[string]bool{}
			for _, r := range p.Resources {
				if !exported(&r) || seen[r.Type] {
					continue
				}
				seen[r.Type] = true
				spec, ok := tfTypes[r.Type]
				if assert.True(t, ok, "%s has a Terraform type in tfTypes", r.Type) {
					assert.Regexp(t, `^(aws|random)_[a-z0-9_]+$`, spec.Name, r.Type)
				}
			}
			assert.Greater(t, len(seen), 30, "the stack creates many resource types")
			_, err := Terraform(p)
			assert.NoError(t, err)
		})
	}
}

func TestTheHipaaExportRoundTripsThroughTheHCLParser(t *testing.T) {
	p := referencePlan(t, "hipaa")
	tf := exportOf(t, p)

	custom := 0
	for _, r := range p.Resources {
		if exported(&r) {
			custom++
			a := tfTypes[r.Type].Name + "." + identifier(r.Name)
			assert.Contains(t, tf.resources, a, "%s (%s) is exported", r.Name, r.Type)
		}
	}
	assert.Equal(t, custom, len(tf.resources), "one resource block per custom resource, none for components or providers")

	vpc := tf.resource(t, "aws_vpc.hipaa_vpc")
	assert.Equal(t, cty.StringVal("10.0.0.0/16"), literal(t, vpc, "cidr_block"))
	assert.Equal(t, cty.StringVal("dedicated"), literal(t, vpc, "instance_tenancy"))
	assert.Equal(t, cty.True, literal(t, vpc, "enable_dns_hostnames"))
	assert.Equal(t, cty.StringVal("hipaa-vpc"), literal(t, vpc, "tags").GetAttr("Name"), "tags stay a map attribute")

	subnet := tf.resource(t, "aws_subnet.hipaa_private_subnet")
	assert.Equal(t, "aws_vpc.hipaa_vpc.id", reference(t, subnet, "vpc_id"))
	assert.Equal(t, cty.False, literal(t, subnet, "map_public_ip_on_launch"))

	route := tf.resource(t, "aws_route.hipaa_private_default_route")
	assert.Equal(t, "aws_nat_gateway.hipaa_nat.id", reference(t, route, "nat_gateway_id"))
	assert.Equal(t, "aws_route_table.hipaa_private_rt.id", reference(t, route, "route_table_id"))
	assert.Equal(t, cty.StringVal("0.0.0.0/0"), literal(t, route, "destination_cidr_block"))

	sse := tf.resource(t, "aws_s3_bucket_server_side_encryption_configuration.hipaa_data_in_encryption")
	assert.Equal(t, "aws_s3_bucket.hipaa_data_in_bucket.id", reference(t, sse, "bucket"))
	rulesBlocks := nested(sse, "rule")
	require.Len(t, rulesBlocks, 1, "Pulumi's rules list is one rule block")
	byDefault := nested(rulesBlocks[0], "apply_server_side_encryption_by_default")
	require.Len(t, byDefault, 1)
	assert.Equal(t, cty.StringVal("aws:kms"), literal(t, byDefault[0], "sse_algorithm"))
	assert.Equal(t, "aws_kms_key.hipaa_key.arn", reference(t, byDefault[0], "kms_master_key_id"))

	versioning := tf.resource(t, "aws_s3_bucket_versioning.hipaa_data_in_versioning")
	cfg := nested(versioning, "versioning_configuration")
	require.Len(t, cfg, 1, "versioningConfiguration is a block")
	assert.Equal(t, cty.StringVal("Enabled"), literal(t, cfg[0], "status"))

	lifecycle := tf.resource(t, "aws_s3_bucket_lifecycle_configuration.hipaa_access_logs_lifecycle")
	assert.Len(t, nested(lifecycle, "rule"), 2, "each lifecycle rule is a repeated rule block")

	ws := tf.resource(t, "aws_instance.hipaa_workstation_instance")
	meta := nested(ws, "metadata_options")
	require.Len(t, meta, 1)
	assert.Equal(t, cty.StringVal("required"), literal(t, meta[0], "http_tokens"))
	assert.Equal(t, "aws_subnet.hipaa_private_subnet.id", reference(t, ws, "subnet_id"))
	assert.Equal(t, cty.StringVal("m5.xlarge"), literal(t, ws, "instance_type"))

	bucket := tf.resource(t, "aws_s3_bucket.hipaa_data_in_bucket")
	tmpl, ok := bucket.Body.Attributes["bucket"].Expr.(*hclsyntax.TemplateExpr)
	require.True(t, ok, "the bucket name is a template around the random suffix")
	require.Len(t, tmpl.Variables(), 1)
	assert.Equal(t, "random_id.hipaa_data_in_suffix.hex", traversalString(tmpl.Variables()[0]))

	sub := tf.resource(t, "aws_sns_topic_subscription.hipaa_audit_alerts_email_0")
	assert.Equal(t, "aws_sns_topic.hipaa_audit_alerts.arn", reference(t, sub, "topic_arn"), "the table renames topic to topic_arn")
}

func TestEveryReferenceInTheExportNamesADeclaredResourceOrVariable(t *testing.T) {
	for _, name := range []string{"hipaa", "omop"} {
		t.Run(name, func(t *testing.T) {
			tf := exportOf(t, referencePlan(t, name))
			refs := 0
			var walk func(b *hclsyntax.Body)
			walk = func(b *hclsyntax.Body) {
				for _, attr := range b.Attributes {
					for _, tr := range attr.Expr.Variables() {
						refs++
						root := tr.RootName()
						require.GreaterOrEqual(t, len(tr), 2, "reference %s has a name", root)
						step, ok := tr[1].(hcl.TraverseAttr)
						require.True(t, ok)
						if root == "var" {
							assert.Contains(t, tf.variables, step.Name)
							continue
						}
						assert.Contains(t, tf.resources, root+"."+step.Name, "reference %s", traversalString(tr))
					}
				}
				for _, nb := range b.Blocks {
					walk(nb.Body)
				}
			}
			for _, r := range tf.resources {
				walk(r.Body)
			}
			assert.Greater(t, refs, 100, "resources refer to each other")
		})
	}
}

func TestPolicyDocumentsAreJSONEncodedObjectsThatEvaluateToTheSameDocument(t *testing.T) {
	p := referencePlan(t, "hipaa")
	tf := exportOf(t, p)
	key := tf.resource(t, "aws_kms_key.hipaa_key")
	call, ok := key.Body.Attributes["policy"].Expr.(*hclsyntax.FunctionCallExpr)
	require.True(t, ok, "the key policy is a function call")
	assert.Equal(t, "jsonencode", call.Name)
	ctx := &hcl.EvalContext{Functions: map[string]function.Function{"jsonencode": stdlib.JSONEncodeFunc}}
	got, diags := call.Value(ctx)
	require.False(t, diags.HasErrors(), diags.Error())

	var keyRes plan.Resource
	for _, r := range p.Find("aws:kms/key:Key") {
		keyRes = r
	}
	var want, have any
	require.NoError(t, json.Unmarshal([]byte(keyRes.Inputs["policy"].(string)), &want))
	require.NoError(t, json.Unmarshal([]byte(got.AsString()), &have))
	assert.Equal(t, want, have, "jsonencode of the written object is the program's policy document")
}

func TestTheProviderCarriesRegionAndDefaultTags(t *testing.T) {
	tf := exportOf(t, referencePlan(t, "hipaa"))
	require.Len(t, tf.providers, 1)
	prov := tf.providers[0]
	assert.Equal(t, []string{"aws"}, prov.Labels)
	assert.Equal(t, cty.StringVal("us-west-2"), literal(t, prov, "region"))
	tags := nested(prov, "default_tags")
	require.Len(t, tags, 1)
	assert.Equal(t, cty.StringVal("hipaa"), literal(t, tags[0], "tags").GetAttr("Project"))
}

// syntheticPlan is a small plan with a provider, a component, a bucket, a configuration resource that
// refers to it, a secret and an unknown value.
func syntheticPlan() *plan.Plan {
	const prov = "urn:pulumi:t::sce::pulumi:providers:aws::aws-t"
	const comp = "urn:pulumi:t::sce::sce:storage:EncryptedBucket::t-data"
	const bucket = "urn:pulumi:t::sce::sce:storage:EncryptedBucket$aws:s3/bucketV2:BucketV2::t-data-bucket"
	const sse = "urn:pulumi:t::sce::sce:storage:EncryptedBucket$aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2::t-data-encryption"
	return &plan.Plan{
		Stack: "t", Project: "sce",
		Resources: []plan.Resource{
			{URN: prov, Type: "pulumi:providers:aws", Name: "aws-t", Custom: true, ID: "p1",
				Inputs: map[string]any{"region": "eu-west-1", "version": "6.83.4", "defaultTags": map[string]any{"tags": map[string]any{"Project": "t"}}}},
			{URN: comp, Type: "sce:storage:EncryptedBucket", Name: "t-data"},
			{URN: bucket, Type: "aws:s3/bucketV2:BucketV2", Name: "t-data-bucket", Custom: true, Parent: comp, Provider: prov,
				ID: "t-data-1234abcd", Inputs: map[string]any{"bucket": "t-data-1234abcd", "tags": map[string]any{"aws:owner": "x"}},
				Outputs: map[string]any{"arn": "arn:aws:s3:::t-data-1234abcd", "bucket": "t-data-1234abcd"}},
			{URN: sse, Type: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", Name: "t-data-encryption",
				Custom: true, Parent: comp, Provider: prov, ID: "t-data-1234abcd",
				Inputs: map[string]any{
					"bucket":              "t-data-1234abcd",
					"expectedBucketOwner": plan.SecretPlaceholder,
					"rules": []any{map[string]any{
						"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "AES256", "kmsMasterKeyId": plan.UnknownPlaceholder},
					}},
				},
				PropertyDependencies: map[string][]string{"bucket": {bucket}}},
		},
		Exemptions: []plan.Exemption{{Policy: "s3-default-encryption-kms", URN: sse, Reason: "logs only\nno PHI"}},
	}
}

func TestComponentsAndProvidersAreNotResources(t *testing.T) {
	tf := exportOf(t, syntheticPlan())
	assert.Len(t, tf.resources, 2, "the bucket and its encryption, not the component or the provider")
	require.Len(t, tf.providers, 1)
	_, hasVersion := tf.providers[0].Body.Attributes["version"]
	assert.False(t, hasVersion, "the Pulumi plugin version is not a provider argument")
	assert.Equal(t, cty.StringVal("eu-west-1"), literal(t, tf.providers[0], "region"))
	assert.NotContains(t, tf.resources["aws_s3_bucket.t_data_bucket"].Body.Attributes, "provider", "one provider needs no alias")
}

func TestSecretsBecomeSensitiveVariablesAndAreNeverWritten(t *testing.T) {
	tf := exportOf(t, syntheticPlan())
	assert.NotContains(t, string(tf.src), plan.SecretPlaceholder)
	sse := tf.resource(t, "aws_s3_bucket_server_side_encryption_configuration.t_data_encryption")
	owner := reference(t, sse, "expected_bucket_owner")
	require.True(t, strings.HasPrefix(owner, "var."), owner)
	v := tf.variables[strings.TrimPrefix(owner, "var.")]
	require.NotNil(t, v, "the variable is declared")
	assert.Equal(t, cty.True, literal(t, v, "sensitive"))
	_, hasDefault := v.Body.Attributes["default"]
	assert.False(t, hasDefault, "no value is written")

	byDefault := nested(nested(sse, "rule")[0], "apply_server_side_encryption_by_default")[0]
	unknown := reference(t, byDefault, "kms_master_key_id")
	require.True(t, strings.HasPrefix(unknown, "var."), "an unknown value is a variable too")
	assert.NotContains(t, tf.variables[strings.TrimPrefix(unknown, "var.")].Body.Attributes, "sensitive")
}

func TestMapKeysThatAreNotIdentifiersAreQuoted(t *testing.T) {
	tf := exportOf(t, syntheticPlan())
	tags := literal(t, tf.resource(t, "aws_s3_bucket.t_data_bucket"), "tags")
	assert.Equal(t, cty.StringVal("x"), tags.GetAttr("aws:owner"))
}

func TestAResourceTypeWithoutTerraformEquivalentIsAnErrorNamingIt(t *testing.T) {
	p := syntheticPlan()
	p.Resources = append(p.Resources, plan.Resource{URN: "urn:x", Type: "aws:made/up:Thing", Name: "t-thing", Custom: true})
	err := WriteTerraform(&bytes.Buffer{}, p)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "t-thing")
	assert.Contains(t, err.Error(), "aws:made/up:Thing")
	assert.Contains(t, err.Error(), "tfTypes")
}

func TestSeveralAWSProvidersGetAliasesAndResourcesNameTheirs(t *testing.T) {
	p := syntheticPlan()
	p.Resources = append(p.Resources, plan.Resource{URN: "urn:pulumi:t::sce::pulumi:providers:aws::aws-us-east-1", Type: "pulumi:providers:aws",
		Name: "aws-us-east-1", Custom: true, Inputs: map[string]any{"region": "us-east-1"}})
	tf := exportOf(t, p)
	require.Len(t, tf.providers, 2)
	assert.Equal(t, "aws.aws_t", reference(t, tf.resource(t, "aws_s3_bucket.t_data_bucket"), "provider"))
}

// linesBefore returns the lines of src above the line that starts a resource block, nearest first.
func linesBefore(t *testing.T, src []byte, addr string) []string {
	t.Helper()
	typ, name, _ := strings.Cut(addr, ".")
	lines := strings.Split(string(src), "\n")
	header := fmt.Sprintf("resource %q %q {", typ, name)
	for i, l := range lines {
		if l == header {
			var out []string
			for j := i - 1; j >= 0 && strings.HasPrefix(lines[j], "#"); j-- {
				out = append(out, lines[j])
			}
			return out
		}
	}
	t.Fatalf("no resource %s", addr)
	return nil
}

func TestAnExemptionIsCarriedAsEachScannersIgnoreOnTheResourceTheScannerJudges(t *testing.T) {
	tf := exportOf(t, syntheticPlan())
	// Trivy reports the customer-managed-key check on the encryption configuration: its ignore is there.
	sse := linesBefore(t, tf.src, "aws_s3_bucket_server_side_encryption_configuration.t_data_encryption")
	require.Len(t, sse, 2)
	assert.Equal(t, "#trivy:ignore:AVD-AWS-0132", sse[0], "Trivy's ignore is right above the resource")
	assert.Contains(t, sse[1], "SCE policy exemption s3-default-encryption-kms on aws_s3_bucket_server_side_encryption_configuration.t_data_encryption (scanner checks AVD-AWS-0132)")
	assert.Contains(t, sse[1], "logs only no PHI", "the reason is on one line")

	// Checkov judges it on the bucket, following the connected configuration: its skip is in the bucket.
	bucket := linesBefore(t, tf.src, "aws_s3_bucket.t_data_bucket")
	require.Len(t, bucket, 1, "only the explanation above the bucket, no Trivy ignore")
	assert.Contains(t, bucket[0], "(scanner checks CKV_AWS_145)")
	assert.Contains(t, string(tf.src), "resource \"aws_s3_bucket\" \"t_data_bucket\" {\n  #checkov:skip=CKV_AWS_145:SCE policy exemption s3-default-encryption-kms: logs only no PHI\n",
		"Checkov's skip is the first line inside the bucket")
	assert.NotContains(t, string(tf.src), "resource \"aws_s3_bucket_server_side_encryption_configuration\" \"t_data_encryption\" {\n  #checkov")
}

func TestTheHipaaExportCarriesEveryDeclaredExemption(t *testing.T) {
	p := referencePlan(t, "hipaa")
	tf := exportOf(t, p)
	src := string(tf.src)
	for _, e := range p.Exemptions {
		assert.True(t, strings.Contains(src, "# SCE policy exemption "+e.Policy+" on "), "exemption %s is written", e.Policy)
	}
	above := linesBefore(t, tf.src, "aws_s3_bucket.hipaa_access_logs_bucket")
	require.NotEmpty(t, above)
	assert.True(t, strings.HasPrefix(above[0], "# kics-scan ignore-line=f861041c-8c9f-4156-acfc-5e6e524f5884 "),
		"KICS's query-scoped ignore is the comment right before the resource: %s", above[0])
	assert.Contains(t, above[0], " trivy:ignore:AVD-AWS-0089", "Trivy's ignores share that line")
	sse := linesBefore(t, tf.src, "aws_s3_bucket_server_side_encryption_configuration.hipaa_access_logs_encryption")
	require.NotEmpty(t, sse)
	assert.Equal(t, "#trivy:ignore:AVD-AWS-0132", sse[0], "Trivy judges the customer-managed key on the encryption configuration")
	for _, l := range linesBefore(t, tf.src, "aws_s3_bucket.hipaa_data_in_bucket") {
		assert.NotContains(t, l, "s3-event-notifications", "data-in's missing notification is a violation, not an exemption: scanners report it")
	}
}

func TestTheScannerTableCoversEveryDeclaredExemptionAndOnlyRealRules(t *testing.T) {
	known := map[string]bool{}
	for _, r := range rules.All() {
		known[r.ID] = true
	}
	rows := map[string]bool{}
	for _, c := range ScannerChecksTable() {
		assert.True(t, known[c.Rule], "%s is a rule of the policy pack", c.Rule)
		assert.False(t, rows[c.Rule], "%s has one row", c.Rule)
		rows[c.Rule] = true
		for _, id := range c.Trivy {
			assert.Regexp(t, `^AVD-AWS-\d{4}$`, id)
		}
		for _, id := range c.Checkov {
			assert.Regexp(t, `^CKV2?_AWS_\d+$`, id)
		}
		for _, id := range c.KICS {
			assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, id)
		}
	}
	for _, e := range rules.Exemptions() {
		assert.True(t, rows[e.Rule], "exempted rule %s has a row (empty lists when no scanner check is known)", e.Rule)
	}
}

// TestADeclaredExemptionReachesScannersEvenWhenOurRulePasses: the Atlas host's user data passes our
// credential rule, but Trivy's keyword check flags it; the declared exemption carries the decision.
func TestADeclaredExemptionReachesScannersEvenWhenOurRulePasses(t *testing.T) {
	p := referencePlan(t, "omop")
	for _, e := range p.Exemptions {
		require.False(t, e.Policy == "ec2-user-data-no-credentials", "the rule passes the Atlas host: no finding to exempt")
	}
	tf := exportOf(t, p)
	above := linesBefore(t, tf.src, "aws_instance.omop_atlas_instance")
	require.Len(t, above, 2)
	assert.Equal(t, "#trivy:ignore:AVD-AWS-0029", above[0])
	assert.Contains(t, above[1], "SCE policy exemption ec2-user-data-no-credentials on aws_instance.omop_atlas_instance")
	for _, l := range linesBefore(t, tf.src, "aws_instance.omop_workstation_instance") {
		assert.NotContains(t, l, "AVD-AWS-0029", "only the declared resource")
	}
}
