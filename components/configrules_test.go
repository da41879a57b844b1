package components

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cfg"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
)

// hipaaYesRows are the rows of shared/reference/hipaa-rules.md whose "applies to SCE" column says `yes`
// (rows 1 to 66). Hard-coded because CI runs without ../shared; update both together.
var hipaaYesRows = func() map[int]bool {
	rows := map[int]bool{}
	for r := 1; r <= 66; r++ {
		rows[r] = true
	}
	return rows
}()

// Of the `yes` rows, these have no AWS Config managed rule in the HIPAA conformance pack: row 23
// (ec2-volume-inuse-check is a managed rule outside the pack) and rows 65 and 66 (AWSGuard-only checks).
var yesRowsWithoutPackRule = map[int]bool{23: true, 65: true, 66: true}

const testPIT = "hipaa-test"

const ruleType = "aws:cfg/rule:Rule"

var (
	upperSnake = regexp.MustCompile(`^[A-Z0-9]+(_[A-Z0-9]+)*$`)
	kebab      = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

func specsByName(t *testing.T) map[string]ConfigRuleSpec {
	t.Helper()
	m := map[string]ConfigRuleSpec{}
	for _, s := range HIPAAConfigRules() {
		m[s.Name] = s
	}
	return m
}

func TestEveryConfigRuleSpecIsWellFormed(t *testing.T) {
	specs := HIPAAConfigRules()
	require.NotEmpty(t, specs)
	for _, s := range specs {
		t.Run(s.Name, func(t *testing.T) {
			assert.Regexp(t, kebab, s.Name, "the rule name is kebab case")
			assert.Regexp(t, upperSnake, s.Identifier, "the source identifier is upper snake case")
			assert.Contains(t, []RuleScope{ScopeProjectTag, ScopeAccount}, s.Scope, "the scope is a known RuleScope")
			if s.Requirement != "" {
				assert.Empty(t, s.Checklist, "a design rule outside the packs names no checklist row")
			} else {
				require.NotEmpty(t, s.Checklist, "the rule names at least one checklist row")
			}
			for _, r := range s.Checklist {
				assert.True(t, hipaaYesRows[r], "checklist row %d is marked yes", r)
				assert.False(t, yesRowsWithoutPackRule[r], "checklist row %d has no HIPAA pack rule", r)
			}
			for k, v := range s.InputParameters {
				assert.NotEmpty(t, k, "parameter names are not empty")
				assert.NotEmpty(t, v, "parameter %s has a value", k)
			}
			assert.LessOrEqual(t, len(ConfigRuleName(testPIT, s.Name)), MaxConfigRuleNameLength)
		})
	}
}

// TestDesiredInstanceTenancyIsDedicated: in a default-tenancy VPC (a stack with Redshift) this rule is what
// catches an instance launched by hand with shared tenancy; its parameter is AWS Config's "tenancy" with the
// value DEDICATED (desired-instance-tenancy in the AWS Config managed rules list).
func TestDesiredInstanceTenancyIsDedicated(t *testing.T) {
	s, ok := specsByName(t)["desired-instance-tenancy"]
	require.True(t, ok, "the rule is deployed")
	assert.Equal(t, "DESIRED_INSTANCE_TENANCY", s.Identifier)
	assert.Equal(t, map[string]string{"tenancy": "DEDICATED"}, s.InputParameters)
	assert.Equal(t, ScopeProjectTag, s.Scope, "scoped to the project's instances")
	assert.False(t, s.Periodic, "triggered by configuration changes")
}

func TestIdentifiersAndNamesAreUnique(t *testing.T) {
	names, identifiers := map[string]int{}, map[string]int{}
	for _, s := range HIPAAConfigRules() {
		names[s.Name]++
		identifiers[s.Identifier]++
	}
	for n, c := range names {
		assert.Equal(t, 1, c, "rule name %s appears once", n)
	}
	for id, c := range identifiers {
		assert.Equal(t, 1, c, "identifier %s appears once", id)
	}
}

func TestEveryYesRowWithAPackRuleHasARule(t *testing.T) {
	covered := map[int]bool{}
	for _, s := range HIPAAConfigRules() {
		for _, r := range s.Checklist {
			covered[r] = true
		}
	}
	for r := range hipaaYesRows {
		if yesRowsWithoutPackRule[r] {
			continue
		}
		assert.True(t, covered[r], "checklist row %d has a Config rule", r)
	}
}

func TestManagedRuleNamesMapToTheirSourceIdentifiers(t *testing.T) {
	specs := specsByName(t)
	tests := []struct {
		name, identifier string
	}{
		// Identifiers that are not the rule name in upper case.
		{"restricted-ssh", "INCOMING_SSH_DISABLED"},
		{"restricted-common-ports", "RESTRICTED_INCOMING_TRAFFIC"},
		{"cloudtrail-enabled", "CLOUD_TRAIL_ENABLED"},
		{"multi-region-cloudtrail-enabled", "MULTI_REGION_CLOUD_TRAIL_ENABLED"},
		{"ec2-instances-in-vpc", "INSTANCES_IN_VPC"},
		{"ec2-instance-managed-by-systems-manager", "EC2_INSTANCE_MANAGED_BY_SSM"},
		// Identifiers that are.
		{"cloud-trail-encryption-enabled", "CLOUD_TRAIL_ENCRYPTION_ENABLED"},
		{"cloudtrail-s3-dataevents-enabled", "CLOUDTRAIL_S3_DATAEVENTS_ENABLED"},
		{"ec2-imdsv2-check", "EC2_IMDSV2_CHECK"},
		{"s3-bucket-ssl-requests-only", "S3_BUCKET_SSL_REQUESTS_ONLY"},
		{"vpc-default-security-group-closed", "VPC_DEFAULT_SECURITY_GROUP_CLOSED"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" uses "+tt.identifier, func(t *testing.T) {
			s, ok := specs[tt.name]
			require.True(t, ok, "%s is in the table", tt.name)
			assert.Equal(t, tt.identifier, s.Identifier)
		})
	}
}

func TestRulesThatCannotBeScopedAreAccountWide(t *testing.T) {
	specs := specsByName(t)
	tests := []struct {
		name     string
		scope    RuleScope
		periodic bool
	}{
		{"cloudtrail-enabled", ScopeAccount, true},
		{"multi-region-cloudtrail-enabled", ScopeAccount, true},
		{"cloudtrail-s3-dataevents-enabled", ScopeAccount, true},
		{"cw-loggroup-retention-period-check", ScopeAccount, true},
		{"vpc-flow-logs-enabled", ScopeAccount, true},
		{"ec2-managedinstance-patch-compliance-status-check", ScopeAccount, false},
		{"restricted-common-ports", ScopeProjectTag, true},
		{"restricted-ssh", ScopeProjectTag, true},
		{"ec2-imdsv2-check", ScopeProjectTag, false},
		{"s3-bucket-ssl-requests-only", ScopeProjectTag, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s is %s, periodic %v", tt.name, tt.scope, tt.periodic), func(t *testing.T) {
			s, ok := specs[tt.name]
			require.True(t, ok)
			assert.Equal(t, tt.scope, s.Scope)
			assert.Equal(t, tt.periodic, s.Periodic)
		})
	}
}

func TestRuleParametersMatchTheProject(t *testing.T) {
	specs := specsByName(t)
	tests := []struct {
		name   string
		params map[string]string
	}{
		{"cw-loggroup-retention-period-check", map[string]string{"MinRetentionTime": "1827"}},
		{"restricted-common-ports", map[string]string{
			"blockedPort1": "20", "blockedPort2": "21", "blockedPort3": "3389", "blockedPort4": "3306", "blockedPort5": "4333"}},
		{"ec2-stopped-instance", map[string]string{"AllowedDays": "30"}},
		{"vpc-flow-logs-enabled", map[string]string{"trafficType": "ALL"}},
		{"iam-customer-policy-blocked-kms-actions", map[string]string{"blockedActionsPatterns": "kms:*,kms:Decrypt,kms:ReEncrypt*"}},
		{"redshift-cluster-maintenancesettings-check", map[string]string{"allowVersionUpgrade": "true"}},
		{"restricted-ssh", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name+" has the project's parameters", func(t *testing.T) {
			s, ok := specs[tt.name]
			require.True(t, ok)
			assert.Equal(t, tt.params, s.InputParameters)
		})
	}
}

// runPlan runs program under the recording mock and returns what it registered.
func runPlan(t *testing.T, program pulumi.RunFunc) *plan.Plan {
	t.Helper()
	p, err := plan.Run(plan.Options{Stack: "test", Config: map[string]string{"aws:region": "us-west-2"}}, program)
	require.NoError(t, err)
	return p
}

// rulesByName returns the recorded Config rules by rule name.
func rulesByName(p *plan.Plan) map[string]plan.Resource {
	byName := map[string]plan.Resource{}
	for _, r := range p.Find(ruleType) {
		name, _ := r.Inputs["name"].(string)
		byName[name] = r
	}
	return byName
}

func TestNewConfigRulesRegistersOneManagedRulePerSpec(t *testing.T) {
	var created []*cfg.Rule
	rules := rulesByName(runPlan(t, func(ctx *pulumi.Context) error {
		var err error
		created, err = NewConfigRules(ctx, "sce", &ConfigRulesArgs{PIT: testPIT})
		return err
	}))
	specs := HIPAAConfigRules()
	assert.Len(t, created, len(specs), "one rule returned per spec")
	require.Len(t, rules, len(specs), "one aws:cfg/rule:Rule registered per spec, each with its own name")

	for _, s := range specs {
		t.Run(s.Name, func(t *testing.T) {
			r, ok := rules[testPIT+"-"+s.Name]
			require.True(t, ok, "the rule is named <PIT>-<rule>")
			assert.Equal(t, "sce-"+s.Name, r.Name, "the child is named <name>-<rule>")

			source, _ := r.Inputs["source"].(map[string]any)
			assert.Equal(t, "AWS", source["owner"], "the rule is AWS managed")
			assert.Equal(t, s.Identifier, source["sourceIdentifier"])

			scope, hasScope := r.Inputs["scope"]
			switch s.Scope {
			case ScopeProjectTag:
				assert.Equal(t, map[string]any{"tagKey": "Project", "tagValue": testPIT}, scope, "scoped to Project=<PIT>")
			case ScopeAccount:
				assert.False(t, hasScope, "an account rule has no scope")
			}

			freq, hasFreq := r.Inputs["maximumExecutionFrequency"]
			if s.Periodic {
				assert.Equal(t, "TwentyFour_Hours", freq)
			} else {
				assert.False(t, hasFreq, "a change-triggered rule has no frequency")
			}

			raw, hasParams := r.Inputs["inputParameters"]
			if len(s.InputParameters) == 0 {
				assert.False(t, hasParams, "no parameters are sent when the rule has none")
			} else {
				text, isString := raw.(string)
				require.True(t, isString, "inputParameters is a JSON string")
				var got map[string]string
				require.NoError(t, json.Unmarshal([]byte(text), &got), "inputParameters parse as JSON")
				assert.Equal(t, s.InputParameters, got)
			}

			desc, _ := r.Inputs["description"].(string)
			if s.Requirement != "" {
				assert.Contains(t, desc, s.Requirement)
			} else {
				assert.Contains(t, desc, fmt.Sprintf("HIPAA checklist row %d", s.Checklist[0]))
			}
			assert.Contains(t, desc, s.Identifier)
		})
	}
}

func TestNewConfigRulesAppliesTheCallersOptionsToEveryRule(t *testing.T) {
	p := runPlan(t, func(ctx *pulumi.Context) error {
		parent := &struct{ pulumi.ResourceState }{}
		if err := ctx.RegisterComponentResource("sce:test:Parent", "parent", parent); err != nil {
			return err
		}
		recorder, err := cfg.NewRecorder(ctx, "recorder", &cfg.RecorderArgs{
			RoleArn: pulumi.String("arn:aws:iam::111122223333:role/config"),
		})
		if err != nil {
			return err
		}
		_, err = NewConfigRules(ctx, "sce", &ConfigRulesArgs{PIT: testPIT},
			pulumi.Parent(parent), pulumi.DependsOn([]pulumi.Resource{recorder}))
		return err
	})
	parents, recorders := p.Find("sce:test:Parent"), p.Find("aws:cfg/recorder:Recorder")
	require.Len(t, parents, 1)
	require.Len(t, recorders, 1)
	rules := rulesByName(p)
	require.Len(t, rules, len(HIPAAConfigRules()))
	for name, r := range rules {
		assert.Equal(t, parents[0].URN, r.Parent, "%s is parented to the caller's parent", name)
		assert.Contains(t, r.DependsOn, recorders[0].URN, "%s depends on the recorder", name)
	}
}

func TestInvalidArgumentsFailAndRegisterNothing(t *testing.T) {
	tests := []struct {
		name    string
		args    *ConfigRulesArgs
		wantErr string
	}{
		{"missing args are refused", nil, "args are required"},
		{"an empty PIT is refused", &ConfigRulesArgs{}, "PIT is required"},
		{"a blank PIT is refused", &ConfigRulesArgs{PIT: "   "}, "PIT is required"},
		{"a PIT that makes a rule name too long is refused", &ConfigRulesArgs{PIT: strings.Repeat("p", 100)}, "shorter PIT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := plan.NewRecorder(plan.Project, "test", "us-west-2", "aws")
			_, err := plan.Run(plan.Options{Stack: "test", Config: map[string]string{"aws:region": "us-west-2"}, Recorder: rec},
				func(ctx *pulumi.Context) error {
					_, err := NewConfigRules(ctx, "sce", tt.args)
					return err
				})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Empty(t, rec.Resources(), "nothing is registered")
		})
	}
}

func TestInvalidSpecsFailBeforeAnyRuleIsRegistered(t *testing.T) {
	good := ConfigRuleSpec{Name: "ec2-imdsv2-check", Identifier: "EC2_IMDSV2_CHECK", Scope: ScopeProjectTag, Checklist: []int{13}}
	tests := []struct {
		name    string
		bad     ConfigRuleSpec
		wantErr string
	}{
		{"an unknown scope is refused", ConfigRuleSpec{Name: "x", Identifier: "X", Scope: "everything", Checklist: []int{1}}, "unknown scope"},
		{"a spec without a checklist row is refused", ConfigRuleSpec{Name: "x", Identifier: "X", Scope: ScopeAccount}, "no HIPAA checklist row"},
		{"a spec without an identifier is refused", ConfigRuleSpec{Name: "x", Scope: ScopeAccount, Checklist: []int{1}}, "source identifier"},
		{"a repeated name is refused", ConfigRuleSpec{Name: good.Name, Identifier: "X", Scope: ScopeAccount, Checklist: []int{1}}, "used twice"},
		{"a repeated identifier is refused", ConfigRuleSpec{Name: "x", Identifier: good.Identifier, Scope: ScopeAccount, Checklist: []int{1}}, "used twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := plan.NewRecorder(plan.Project, "test", "us-west-2", "aws")
			_, err := plan.Run(plan.Options{Stack: "test", Config: map[string]string{"aws:region": "us-west-2"}, Recorder: rec},
				func(ctx *pulumi.Context) error {
					_, err := newConfigRules(ctx, "sce", testPIT, []ConfigRuleSpec{good, tt.bad})
					return err
				})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Empty(t, rec.Resources(), "the valid spec before it is not registered either")
		})
	}
}
