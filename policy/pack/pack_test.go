package pack

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/rules"
)

// recorder is a policy manager that records what policies report.
type recorder struct{ reports []string }

func (r *recorder) ReportViolation(message, urn string) {
	r.reports = append(r.reports, urn+": "+message)
}

func policyNamed(t *testing.T, pp policyx.PolicyPack, name string) policyx.Policy {
	t.Helper()
	for _, p := range pp.Policies() {
		if p.Name() == name {
			return p
		}
	}
	require.FailNow(t, "no policy "+name)
	return nil
}

// instance is an EC2 instance asking for a tenancy: the resource rule ec2-dedicated-tenancy judges it alone.
func instance(tenancy property.Value) policyx.AnalyzerResource {
	return policyx.AnalyzerResource{
		Type: "aws:ec2/instance:Instance", Name: "i", URN: "urn:pulumi:s::sce::aws:ec2/instance:Instance::i",
		Properties: property.NewMap(map[string]property.Value{
			"tenancy": tenancy,
			"tags":    property.New(map[string]property.Value{"Name": property.New("v")}),
		}),
	}
}

func TestPackHasOnePolicyPerRuleAtTheRulesLevel(t *testing.T) {
	pp, err := New()
	require.NoError(t, err)
	assert.Equal(t, Name, pp.Name())
	all := rules.All()
	require.Len(t, pp.Policies(), len(all)+3, "one per rule, the flows policy and the two notice policies")
	for _, rule := range all {
		p := policyNamed(t, pp, rule.ID)
		want := policyx.EnforcementLevelAdvisory
		if rule.Level == engine.Mandatory {
			want = policyx.EnforcementLevelMandatory
		}
		assert.Equal(t, want, p.EnforcementLevel(), rule.ID)
		if rule.Check != nil {
			assert.Implements(t, (*policyx.ResourceValidationPolicy)(nil), p, rule.ID)
		} else {
			assert.Implements(t, (*policyx.StackValidationPolicy)(nil), p, rule.ID)
		}
	}
	assert.Equal(t, policyx.EnforcementLevelAdvisory, policyNamed(t, pp, ResourceNoticesPolicy).EnforcementLevel())
	assert.Equal(t, policyx.EnforcementLevelAdvisory, policyNamed(t, pp, StackNoticesPolicy).EnforcementLevel())
	assert.Equal(t, policyx.EnforcementLevelMandatory, policyNamed(t, pp, FlowsPolicy).EnforcementLevel())
}

func TestResourcePolicyReportsAViolationInPreview(t *testing.T) {
	pp, err := New()
	require.NoError(t, err)
	p := policyNamed(t, pp, "ec2-dedicated-tenancy").(policyx.ResourceValidationPolicy)
	m := &recorder{}
	require.NoError(t, p.Validate(context.Background(), policyx.ResourceValidationArgs{Manager: m, Resource: instance(property.New("default"))}))
	require.Len(t, m.reports, 1)
	assert.Contains(t, m.reports[0], `tenancy is "default"`)

	m = &recorder{}
	require.NoError(t, p.Validate(context.Background(), policyx.ResourceValidationArgs{Manager: m, Resource: instance(property.New("dedicated"))}))
	assert.Empty(t, m.reports)
}

func TestUnknownValuesGoToTheAdvisoryNoticesNotTheMandatoryPolicy(t *testing.T) {
	pp, err := New()
	require.NoError(t, err)
	unknown := instance(property.New(property.Computed))
	m := &recorder{}
	mandatory := policyNamed(t, pp, "ec2-dedicated-tenancy").(policyx.ResourceValidationPolicy)
	require.NoError(t, mandatory.Validate(context.Background(), policyx.ResourceValidationArgs{Manager: m, Resource: unknown}))
	assert.Empty(t, m.reports, "an unknown tenancy does not block a preview")

	notices := policyNamed(t, pp, ResourceNoticesPolicy).(policyx.ResourceValidationPolicy)
	require.NoError(t, notices.Validate(context.Background(), policyx.ResourceValidationArgs{Manager: m, Resource: unknown}))
	require.NotEmpty(t, m.reports)
	assert.Contains(t, m.reports[0], "ec2-dedicated-tenancy undecided")
}

func TestStackPolicySeesEveryResourceButProvidersAndComponents(t *testing.T) {
	s := Stack([]policyx.AnalyzerResource{
		instance(property.New("dedicated")),
		{Type: "pulumi:providers:aws", URN: "p"},
		{Type: "sce:network:SecureVPC", URN: "c"},
		{Type: "pulumi:pulumi:Stack", URN: "s"},
	})
	require.Len(t, s.Resources, 1)
	assert.Equal(t, "aws:ec2/instance:Instance", s.Resources[0].Type)
}

func TestPropertyValuesConvertToPlainValues(t *testing.T) {
	m := property.NewMap(map[string]property.Value{
		"s":        property.New("x"),
		"n":        property.New(3.0),
		"b":        property.New(true),
		"list":     property.New([]property.Value{property.New("a"), property.New(property.Computed)}),
		"obj":      property.New(map[string]property.Value{"k": property.New("v")}),
		"secret":   property.New("hidden").WithSecret(true),
		"computed": property.New(property.Computed),
		"null":     property.New(property.Null),
	})
	got := plainMap(m)
	assert.Equal(t, "x", got["s"])
	assert.Equal(t, 3.0, got["n"])
	assert.Equal(t, true, got["b"])
	assert.Equal(t, []any{"a", engine.Unknown}, got["list"])
	assert.Equal(t, map[string]any{"k": "v"}, got["obj"])
	assert.Equal(t, SecretPlaceholder, got["secret"], "a secret never reaches a rule, so never a report")
	assert.True(t, engine.IsUnknown(got["computed"]))
	assert.Nil(t, got["null"])
}

func TestExemptFindingsAreReportedAsNoticesNotViolations(t *testing.T) {
	pp, err := New()
	require.NoError(t, err)
	route := func(name string) policyx.AnalyzerResource {
		return policyx.AnalyzerResource{
			Type: "aws:ec2/route:Route", Name: name,
			URN: "urn:pulumi:hipaa::sce::sce:network:SecureVPC$aws:ec2/route:Route::" + name,
			Properties: property.NewMap(map[string]property.Value{
				"destinationCidrBlock": property.New("0.0.0.0/0"),
				"gatewayId":            property.New("igw-0123456789abcdef0"),
				"routeTableId":         property.New("rtb-0123456789abcdef0"),
			}),
		}
	}
	public := []policyx.AnalyzerResource{route("hipaa-public-default-route")}
	m := &recorder{}
	rule := policyNamed(t, pp, "vpc-no-unrestricted-route-to-igw").(policyx.StackValidationPolicy)
	require.NoError(t, rule.Validate(context.Background(), policyx.StackValidationArgs{Manager: m, Resources: public}))
	assert.Empty(t, m.reports, "an exempt finding does not block")

	notices := policyNamed(t, pp, StackNoticesPolicy).(policyx.StackValidationPolicy)
	require.NoError(t, notices.Validate(context.Background(), policyx.StackValidationArgs{Manager: m, Resources: public}))
	require.Len(t, m.reports, 1)
	assert.Contains(t, m.reports[0], "exempt from vpc-no-unrestricted-route-to-igw: the public subnet must reach the internet")

	m = &recorder{}
	other := []policyx.AnalyzerResource{route("hipaa-private-default-route")}
	require.NoError(t, rule.Validate(context.Background(), policyx.StackValidationArgs{Manager: m, Resources: other}))
	assert.Len(t, m.reports, 1, "the same route elsewhere is a violation: exemptions name specific resources")
}
