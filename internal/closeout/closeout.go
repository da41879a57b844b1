// Package closeout plans the end of a project (the seed: "data and results are preserved, log files
// preserved, the SCE is deleted; no trace remains"): from a stack's offline plan it lists what `pulumi
// destroy` keeps and what it deletes, checks that everything that must be kept is kept, and writes the
// procedure with the stack's own names.
package closeout

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/sce-project/sce/internal/plan"
)

// sixYears is HIPAA's documentation retention, in days.
const sixYears = 2192

// Report is the close-out of one stack.
type Report struct {
	Stack string
	// PIT is the project's identifier: the workstation's mount point and the Project tag.
	PIT string
	// Deployed is true once the names come from the deployed stack's outputs (UseDeployedNames); the
	// offline plan's bucket names carry random suffixes that differ from the deployed ones.
	Deployed bool
	// Kept are the resources `pulumi destroy` leaves in AWS (retained on delete); Deleted the others.
	Kept, Deleted []plan.Resource
	// Problems are checks that failed: something that must survive would be deleted.
	Problems []string
	// Buckets maps a purpose (data-in, output, logs, access-logs) to its bucket name.
	Buckets map[string]string
	// LedgerTable is the upload ledger's table, if the stack has one.
	LedgerTable string
	// Adoptions are what the next deployment of the PIT must import rather than create (redeploy.go).
	Adoptions []Adoption
	// FinalSnapshots are the snapshots deleted clusters leave behind.
	FinalSnapshots []FinalSnapshot
	// Provider is the explicit provider the program creates its resources with, if any: imports must use
	// it too.
	Provider plan.Resource
	// components are the plan's component resources by URN, the parents an import file recreates.
	components map[string]plan.Resource
	// keyAliases maps a key's URN to its alias, by which its id is looked up before the destroy.
	keyAliases map[string]string
	// deployed maps the plan's id of a kept resource to the deployed one (UseDeployedNames): the
	// buckets and what configures them, the table, the key.
	deployed map[string]string
}

// mustKeep are the bucket purposes whose buckets must outlive the stack.
var mustKeep = []string{"data-in", "output", "logs", "access-logs"}

// bucketSafety are the configuration resources that keep a bucket safe after the stack is gone; others
// (an event notification to a function that is deleted) go with the stack.
var bucketSafety = map[string]bool{
	"aws:s3/bucketV2:BucketV2":                     true,
	"aws:s3/bucketVersioningV2:BucketVersioningV2": true,
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": true,
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     true,
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                                     true,
	"aws:s3/bucketPolicy:BucketPolicy":                                                           true,
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2":                       true,
	"aws:s3/bucketLoggingV2:BucketLoggingV2":                                                     true,
	"aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2":                     true,
}

// Analyze classifies the plan's cloud resources and checks what must be kept.
func Analyze(p *plan.Plan) Report {
	rep := Report{Stack: p.Stack, Buckets: map[string]string{}}
	rep.PIT, _ = p.Outputs["pit"].(string)
	if rep.PIT == "" {
		rep.PIT = p.Stack
	}
	byID := map[string]plan.Resource{}
	for _, r := range p.Resources {
		if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue
		}
		byID[r.Type+" "+r.ID] = r
		if r.RetainOnDelete {
			rep.Kept = append(rep.Kept, r)
		} else {
			rep.Deleted = append(rep.Deleted, r)
		}
		if r.Type == "aws:dynamodb/table:Table" {
			rep.LedgerTable = r.ID
		}
	}
	for _, r := range p.Find("aws:s3/bucketV2:BucketV2") {
		tags, _ := r.Inputs["tags"].(map[string]any)
		purpose, _ := tags["Purpose"].(string)
		rep.Buckets[purpose] = r.ID
	}
	for _, purpose := range mustKeep {
		name, ok := rep.Buckets[purpose]
		if !ok {
			rep.Problems = append(rep.Problems, fmt.Sprintf("the stack has no %s bucket", purpose))
			continue
		}
		rep.checkBucket(p, purpose, name)
	}
	for _, r := range p.Find("aws:kms/key:Key") {
		if !r.RetainOnDelete {
			rep.Problems = append(rep.Problems, fmt.Sprintf("the project key %s would be deleted: kept data could no longer be decrypted", r.Name))
		}
	}
	for _, r := range p.Find("aws:cloudwatch/logGroup:LogGroup", "aws:dynamodb/table:Table") {
		if !r.RetainOnDelete {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s %s holds audit evidence and would be deleted", r.Type, r.Name))
		}
	}
	rep.components, rep.keyAliases = map[string]plan.Resource{}, map[string]string{}
	for _, r := range p.Resources {
		switch {
		case !r.Custom:
			rep.components[r.URN] = r
		case isProvider(r) && rep.Provider.URN == "":
			rep.Provider = r
		case r.Type == "aws:kms/alias:Alias":
			name, _ := r.Inputs["name"].(string)
			for _, key := range r.PropertyDependencies["targetKeyId"] {
				rep.keyAliases[key] = name
			}
		}
	}
	rep.analyzeRedeploy(p)
	sortResources(rep.Kept)
	sortResources(rep.Deleted)
	return rep
}

// UseDeployedNames replaces the plan's bucket and table names with the deployed stack's (its outputs, by
// the names internal/stack exports), and takes the project key's id from its ARN (kmsKeyArn) for the
// redeploy's import file; names missing from the outputs are left as planned.
func (rep *Report) UseDeployedNames(names map[string]string) {
	rep.deployed = map[string]string{}
	rename := func(planned, deployed string) {
		if planned != "" && deployed != planned {
			rep.deployed[planned] = deployed
		}
	}
	for purpose, output := range map[string]string{"data-in": "dataInBucket", "output": "outputBucket", "logs": "logBucket", "access-logs": "accessLogBucket"} {
		if v := names[output]; v != "" {
			rename(rep.Buckets[purpose], v)
			rep.Buckets[purpose] = v
		}
	}
	if v := names["ledgerTable"]; v != "" && rep.LedgerTable != "" {
		rename(rep.LedgerTable, v)
		rep.LedgerTable = v
	}
	if arn := names["kmsKeyArn"]; arn != "" {
		id := arn[strings.LastIndex(arn, "/")+1:]
		for i, a := range rep.Adoptions {
			if a.Resource.Type == "aws:kms/key:Key" {
				rep.Adoptions[i].ImportID = id
			}
		}
		for _, r := range rep.Kept {
			if r.Type == "aws:kms/key:Key" {
				rename(r.ID, id)
			}
		}
	}
	rep.Deployed = true
}

// idOf is the id a kept resource has in AWS: the deployed one when UseDeployedNames knows it, else the
// plan's.
func (rep *Report) idOf(r plan.Resource) string {
	if id, ok := rep.deployed[r.ID]; ok {
		return id
	}
	return r.ID
}

// checkBucket checks that a bucket that must be kept is retained, with versioning and its lifecycle.
func (rep *Report) checkBucket(p *plan.Plan, purpose, name string) {
	for _, r := range p.Resources {
		if !r.Custom || !bucketSafety[r.Type] || (r.Type != "aws:s3/bucketV2:BucketV2" && r.Inputs["bucket"] != name) {
			continue
		}
		if r.Type == "aws:s3/bucketV2:BucketV2" && r.ID != name {
			continue
		}
		if !r.RetainOnDelete {
			rep.Problems = append(rep.Problems, fmt.Sprintf("the %s bucket's %s (%s) would be deleted", purpose, r.Type, r.Name))
		}
		if r.Type == "aws:s3/bucketVersioningV2:BucketVersioningV2" {
			vc, _ := r.Inputs["versioningConfiguration"].(map[string]any)
			if vc["status"] != "Enabled" {
				rep.Problems = append(rep.Problems, fmt.Sprintf("the %s bucket is not versioned: overwritten objects would be lost", purpose))
			}
		}
		if r.Type == "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2" && (purpose == "logs" || purpose == "access-logs") {
			if days := expiryDays(r); days != 0 && days < sixYears {
				rep.Problems = append(rep.Problems, fmt.Sprintf("the %s bucket expires logs after %d days; HIPAA asks for six years (%d)", purpose, days, sixYears))
			}
		}
	}
}

// expiryDays returns the shortest current-object expiration of a lifecycle configuration, or 0.
func expiryDays(r plan.Resource) int {
	rules, _ := r.Inputs["rules"].([]any)
	shortest := 0
	for _, rule := range rules {
		m, _ := rule.(map[string]any)
		exp, _ := m["expiration"].(map[string]any)
		if d, ok := exp["days"].(float64); ok && (shortest == 0 || int(d) < shortest) {
			shortest = int(d)
		}
		if d, ok := exp["days"].(int64); ok && (shortest == 0 || int(d) < shortest) {
			shortest = int(d)
		}
	}
	return shortest
}

func sortResources(rs []plan.Resource) {
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].Type != rs[j].Type {
			return rs[i].Type < rs[j].Type
		}
		return rs[i].Name < rs[j].Name
	})
}

// Write prints the report and the procedure.
func Write(w io.Writer, rep Report, region string) error {
	pw := &printer{w: w}
	pw.printf("Close-out of stack %q\n\n", rep.Stack)
	pw.printf("Kept after `pulumi destroy` (%d resources, retained on delete):\n", len(rep.Kept))
	for _, r := range rep.Kept {
		pw.printf("  %s %s (%s)\n", r.Type, r.Name, rep.idOf(r))
	}
	pw.printf("\nDeleted (%d resources): the network, the instances and their volumes, the trail, the alarms, the Config rules, the cluster, ...\n", len(rep.Deleted))
	if len(rep.Problems) > 0 {
		pw.printf("\nCHECKS FAILED: close-out would lose what must be kept, or leave what a later deployment of the PIT cannot take over:\n")
		for _, p := range rep.Problems {
			pw.printf("  - %s\n", p)
		}
		return pw.err
	}
	pw.printf("\nChecks passed: data-in, output, logs and access-log buckets, their versioning and lifecycle, the project key and the log groups outlive the stack; logs are kept six years; what stays under a fixed name has an import id for a later deployment.\n")
	pw.printf("\nProcedure (run from the project directory, with the stack selected):\n")
	if !rep.Deployed {
		pw.printf("\nNOTE: the bucket and table names below are the offline plan's; the deployed ones have other random\n" +
			"suffixes. Run `pulumi stack output --json > outputs.json` and `sce closeout --stack NAME --outputs outputs.json`\n" +
			"for the deployed names.\n")
	}
	step := 0
	next := func(format string, args ...any) {
		step++
		pw.printf("\n%d. "+format+"\n", append([]any{step}, args...)...)
	}
	next("Researchers copy their results from the workstation's /%s into the output bucket (the workstation and its volumes are deleted):\n     aws s3 cp --recursive /%s/results s3://%s/results/", rep.PIT, rep.PIT, rep.Buckets["output"])
	if rep.LedgerTable != "" {
		next("Export the upload ledger into the log bucket (point-in-time recovery is on):\n     aws dynamodb export-table-to-point-in-time --region %s --table-arn \"$(aws dynamodb describe-table --region %s --table-name %s --query Table.TableArn --output text)\" --s3-bucket %s --s3-prefix ledger/ --export-format DYNAMODB_JSON --s3-sse-algorithm KMS", region, region, rep.LedgerTable, rep.Buckets["logs"])
	}
	next("Keep the final state with the logs:\n     pulumi stack export --file %s-final-state.json && aws s3 cp %s-final-state.json s3://%s/closeout/", rep.Stack, rep.Stack, rep.Buckets["logs"])
	if err := writeImportStep(pw, next, rep, region); err != nil {
		return err
	}
	next("Remove the protection that stops `pulumi destroy` (retained resources stay in AWS all the same):\n     pulumi state unprotect --all --yes")
	next("Delete everything else:\n     pulumi destroy --yes")
	next("Verify that only the kept resources remain:\n     aws resourcegroupstaggingapi get-resources --region %s --tag-filters Key=Project,Values=%s --query 'ResourceTagMappingList[].ResourceARN'", region, rep.PIT)
	next("Keep the kept resources for the retention period: logs expire after six years by their lifecycle; the backup vault's recovery points expire after sce:backupRetentionDays (delete the empty vault then); delete data-in and output when the study's data agreement allows, with the key last (its 30-day deletion window applies).")
	writeRedeploy(pw, rep, region)
	return pw.err
}

type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}
