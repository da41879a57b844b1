package closeout_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/closeout"
	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
)

// planWithChanges plans a reference stack with some keys changed.
func planWithChanges(t *testing.T, name string, changes map[string]string) *plan.Plan {
	t.Helper()
	sf, err := plan.ReadStackFile(filepath.Join("..", "..", "Pulumi."+name+".yaml"))
	require.NoError(t, err)
	for k, v := range changes {
		sf.Config[k] = v
	}
	p, err := plan.Run(plan.Options{Stack: name, Config: sf.Config}, stack.Run)
	require.NoError(t, err)
	return p
}

// everyFeature turns on what the reference stacks leave off (workers, EMR), so that their kept resources
// are judged too.
var everyFeature = map[string]string{
	"sce:workersEnabled": "true", "sce:workerPipelineObject": "qc", "sce:emrEnabled": "true",
	"sce:workerPipelineSha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
}

func adoptionNames(rep closeout.Report, pit string) []string {
	var out []string
	for _, a := range rep.Adoptions {
		short := a.Resource.Type[strings.LastIndex(a.Resource.Type, ":")+1:]
		name := short + " " + strings.TrimPrefix(a.Resource.Name, pit+"-")
		if a.InRecoveryWindow {
			name += " (while in its recovery window)"
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func TestARedeployImportsWhatOutlivesTheStackUnderAFixedName(t *testing.T) {
	common := []string{"Key key", "LogGroup airlock-log-group", "LogGroup audit-log-group", "LogGroup bastion-log-group", "LogGroup flow-logs",
		"LogGroup ledger-log-group", "LogGroup workstation-log-group", "Table ledger-table", "Vault backup-vault"}
	tests := []struct {
		stack string
		extra []string
	}{
		{"hipaa", nil},
		{"omop", []string{"LogGroup atlas-log-group", "LogGroup omop-log-connectionlog", "LogGroup omop-log-useractivitylog",
			"LogGroup omop-log-userlog", "Secret omop-readonly-secret (while in its recovery window)"}},
	}
	for _, tt := range tests {
		t.Run(tt.stack, func(t *testing.T) {
			rep := closeout.Analyze(planOf(t, tt.stack), closeout.Options{})
			require.Empty(t, rep.Problems)
			want := append(append([]string{}, common...), tt.extra...)
			sort.Strings(want)
			assert.Equal(t, want, adoptionNames(rep, tt.stack))
			for _, a := range rep.Adoptions {
				if a.Resource.Type == "aws:cloudwatch/logGroup:LogGroup" {
					assert.Equal(t, a.Resource.Inputs["name"], a.ImportID, "a log group is imported by its name")
				}
			}
		})
	}
}

// TestNothingKeptCollidesWithTheNextDeployment is the other half of the promise: every kept resource is
// adopted, or the next deployment names it differently (its name comes from a resource the destroy
// deletes, a bucket's random suffix), or it has no name at all (an account setting, which a create puts
// again).
func TestNothingKeptCollidesWithTheNextDeployment(t *testing.T) {
	plans := map[string]*plan.Plan{
		"hipaa":               planOf(t, "hipaa"),
		"omop":                planOf(t, "omop"),
		"hipaa, every option": planWithChanges(t, "hipaa", everyFeature),
	}
	// One per account and region, and created by a put (EnableEbsEncryptionByDefault,
	// PutPublicAccessBlock, PutBlockPublicAccessConfiguration), which succeeds whether or not one exists.
	accountSettings := map[string]bool{"aws:ebs/encryptionByDefault:EncryptionByDefault": true,
		"aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock":              true,
		"aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration": true}
	for name, p := range plans {
		t.Run(name, func(t *testing.T) {
			rep := closeout.Analyze(p, closeout.Options{})
			require.Empty(t, rep.Problems)
			adopted := map[string]bool{}
			for _, a := range rep.Adoptions {
				adopted[a.Resource.URN] = true
			}
			byURN := map[string]plan.Resource{}
			for _, r := range p.Resources {
				byURN[r.URN] = r
			}
			for _, r := range rep.Kept {
				switch {
				case adopted[r.URN], accountSettings[r.Type]:
				default:
					assert.True(t, namedAfterADeletedResource(r, byURN), "%s %s keeps a name the next deployment would give it again", r.Type, r.Name)
				}
			}
		})
	}
}

// namedAfterADeletedResource reports whether a resource's name input comes, directly or through kept
// resources, from a resource `pulumi destroy` deletes.
func namedAfterADeletedResource(r plan.Resource, byURN map[string]plan.Resource) bool {
	for _, in := range []string{"bucket", "name"} {
		for _, dep := range r.PropertyDependencies[in] {
			d := byURN[dep]
			if !d.RetainOnDelete || namedAfterADeletedResource(d, byURN) {
				return true
			}
		}
	}
	return false
}

func TestCloseOutRefusesWhatARedeployCouldNotTakeOver(t *testing.T) {
	tests := []struct {
		name   string
		change func(p *plan.Plan)
		want   string
	}{
		{"a kept resource of a type with no import id format", func(p *plan.Plan) {
			p.Resources = append(p.Resources, plan.Resource{URN: "urn:pulumi:hipaa::sce::aws:sqs/queue:Queue::hipaa-kept", Type: "aws:sqs/queue:Queue",
				Name: "hipaa-kept", Custom: true, RetainOnDelete: true, Inputs: map[string]any{"name": "hipaa-kept"}})
		}, "knows no import id format for aws:sqs/queue:Queue"},
		{"a kept parameter, another type with no import id format", func(p *plan.Plan) {
			p.Resources = append(p.Resources, plan.Resource{URN: "urn:pulumi:hipaa::sce::aws:ssm/parameter:Parameter::hipaa-p", Type: "aws:ssm/parameter:Parameter",
				Name: "hipaa-p", Custom: true, RetainOnDelete: true, Inputs: map[string]any{"name": "/hipaa/p"}})
		}, "knows no import id format for aws:ssm/parameter:Parameter"},
		{"a fixed final snapshot identifier", func(p *plan.Plan) {
			for i, r := range p.Resources {
				if r.Type == "aws:redshift/cluster:Cluster" {
					p.Resources[i].Inputs["finalSnapshotIdentifier"] = "omop-omop-final"
					delete(p.Resources[i].PropertyDependencies, "finalSnapshotIdentifier")
				}
			}
		}, "ClusterSnapshotAlreadyExists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := planOf(t, "omop")
			tt.change(p)
			rep := closeout.Analyze(p, closeout.Options{})
			assert.Contains(t, strings.Join(rep.Problems, "\n"), tt.want)
		})
	}
}

func TestASecretIsAdoptedOnlyWhenItsDeletionKeepsTheName(t *testing.T) {
	tests := []struct {
		name    string
		window  any
		adopted bool
	}{
		{"the default window", nil, true},
		{"a 7-day window", float64(7), true},
		{"deleted at once", float64(0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := planOf(t, "omop")
			for i, r := range p.Resources {
				if r.Type == "aws:secretsmanager/secret:Secret" {
					if tt.window == nil {
						delete(p.Resources[i].Inputs, "recoveryWindowInDays")
					} else {
						p.Resources[i].Inputs["recoveryWindowInDays"] = tt.window
					}
				}
			}
			got := false
			for _, a := range closeout.Analyze(p, closeout.Options{}).Adoptions {
				got = got || a.Resource.Type == "aws:secretsmanager/secret:Secret"
			}
			assert.Equal(t, tt.adopted, got)
		})
	}
}

func TestEachDeploymentNamesItsOwnFinalSnapshot(t *testing.T) {
	p := planOf(t, "omop")
	rep := closeout.Analyze(p, closeout.Options{})
	require.Len(t, rep.FinalSnapshots, 1)
	assert.Regexp(t, `^omop-omop-final-[0-9a-f]{8}$`, rep.FinalSnapshots[0].Identifier)
	cluster := p.Find("aws:redshift/cluster:Cluster")[0]
	require.Len(t, cluster.PropertyDependencies["finalSnapshotIdentifier"], 1)
	suffix, ok := p.ByURN(cluster.PropertyDependencies["finalSnapshotIdentifier"][0])
	require.True(t, ok)
	assert.Equal(t, "random:index/randomId:RandomId", suffix.Type)
	assert.False(t, suffix.RetainOnDelete, "the suffix goes with the stack, so the next deployment draws a new one")
}

// pulumiURN builds the URN `pulumi import --file` gives an entry, as Pulumi's parseImportFile does: the
// stack, the project, the parent's qualified type joined by "$", the type and the logical name.
func pulumiURN(stackName string, f closeout.ImportFile, e closeout.ImportEntry) string {
	qualified := e.Type
	for parent := e.Parent; parent != ""; {
		var p closeout.ImportEntry
		for _, c := range f.Resources {
			if c.Name == parent {
				p = c
			}
		}
		if p.Name == "" {
			return "no entry named " + parent
		}
		qualified = p.Type + "$" + qualified
		parent = p.Parent
	}
	return "urn:pulumi:" + stackName + "::" + plan.Project + "::" + qualified + "::" + e.LogicalName
}

func TestTheImportFileGivesTheProgramsOwnURNs(t *testing.T) {
	for _, name := range []string{"hipaa", "omop"} {
		t.Run(name, func(t *testing.T) {
			p := planOf(t, name)
			rep := closeout.Analyze(p, closeout.Options{})
			f, err := rep.ImportFile("us-west-2")
			require.NoError(t, err)
			provider := p.Find("pulumi:providers:aws")
			require.Len(t, provider, 1)
			require.Len(t, f.NameTable, 1)
			names := map[string]bool{}
			imported := 0
			for _, e := range f.Resources {
				assert.False(t, names[e.Name], "source name %s is unique", e.Name)
				names[e.Name] = true
				urn := pulumiURN(name, f, e)
				r, ok := p.ByURN(urn)
				require.True(t, ok, "the import of %s gives %s, a URN the program registers", e.Name, urn)
				assert.Equal(t, !r.Custom, e.Component)
				if e.Component {
					assert.Empty(t, e.ID, "a component is created empty")
					continue
				}
				imported++
				assert.NotEmpty(t, e.ID)
				assert.Equal(t, provider[0].URN, f.NameTable[e.Provider], "%s is imported with the program's provider", e.Name)
			}
			window := 0
			for _, a := range rep.Adoptions {
				if a.InRecoveryWindow {
					window++
				}
			}
			assert.Equal(t, len(rep.Adoptions)-window, imported, "every adoption outside a recovery window is in the file")
		})
	}
}

// heredoc returns the import file the procedure writes, as the shell would receive it.
func heredoc(t *testing.T, text string) string {
	t.Helper()
	start := strings.Index(text, "<<EOF\n")
	require.GreaterOrEqual(t, start, 0, "the procedure writes the import file")
	end := strings.Index(text[start:], "\nEOF\n")
	require.Greater(t, end, 0)
	return text[start+len("<<EOF\n") : start+end]
}

func TestCloseOutPrintsTheRedeployInOrder(t *testing.T) {
	rep := closeout.Analyze(planOf(t, "omop"), closeout.Options{})
	var out bytes.Buffer
	require.NoError(t, closeout.Write(&out, rep, "us-west-2"))
	text := out.String()
	var f closeout.ImportFile
	require.NoError(t, json.Unmarshal([]byte(heredoc(t, text)), &f))
	assert.Contains(t, text, `"id": "$(aws kms describe-key --region us-west-2 --key-id alias/omop --query KeyMetadata.KeyId --output text)"`,
		"without the outputs, the key's id is looked up through its alias before the destroy deletes it")
	order := []string{
		"cat > omop-redeploy-import.json <<EOF",
		"aws s3 cp omop-redeploy-import.json s3://",
		"pulumi destroy --yes",
		"\nDeploying omop again\n",
		"aws kms cancel-key-deletion --region us-west-2",
		"&& aws kms enable-key --region us-west-2",
		"pulumi up --target 'urn:pulumi:omop::sce::pulumi:providers:aws::aws-omop' --yes",
		"pulumi import --file omop-redeploy-import.json --generate-code=false --protect=true",
		"aws secretsmanager restore-secret --region us-west-2 --secret-id omop/omop/ohdsi_reader",
		"pulumi import aws:secretsmanager/secret:Secret omop-omop-readonly-secret \"$(aws secretsmanager describe-secret --region us-west-2 --secret-id omop/omop/ohdsi_reader --query ARN --output text)\"" +
			" --parent 'RedshiftOMOP_omop_omop=urn:pulumi:omop::sce::sce:data:RedshiftOMOP::omop-omop'",
		"pulumi preview --policy-pack ./policy",
		"aws redshift describe-cluster-snapshots --region us-west-2 --cluster-identifier omop-omop --snapshot-type manual",
	}
	last := -1
	for _, s := range order {
		i := strings.Index(text, s)
		require.Greater(t, i, last, "%q comes after the previous step", s)
		last = i
	}

	rep.UseDeployedNames(map[string]string{"kmsKeyArn": "arn:aws:kms:us-west-2:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab", "logBucket": "omop-logs-4e5f6a7b"})
	out.Reset()
	require.NoError(t, closeout.Write(&out, rep, "us-west-2"))
	require.NoError(t, json.Unmarshal([]byte(heredoc(t, out.String())), &f))
	ids := map[string]string{}
	for _, e := range f.Resources {
		ids[e.Type] = e.ID
	}
	assert.Equal(t, "1234abcd-12ab-34cd-56ef-1234567890ab", ids["aws:kms/key:Key"], "the deployed key's id, from kmsKeyArn")
	assert.Contains(t, out.String(), "aws s3 cp s3://omop-logs-4e5f6a7b/closeout/omop-redeploy-import.json .")
}

func TestTheImportFileHoldsNothingTheShellWouldExpand(t *testing.T) {
	p := planOf(t, "hipaa")
	for i, r := range p.Resources {
		if r.Name == "hipaa-bastion-log-group" {
			p.Resources[i].Inputs["name"] = "/sce/$HOME/bastion"
		}
	}
	var out bytes.Buffer
	err := closeout.Write(&out, closeout.Analyze(p, closeout.Options{}), "us-west-2")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the shell would expand")
}
