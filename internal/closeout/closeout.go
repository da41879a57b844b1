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
	"time"

	"github.com/sce-project/sce/internal/plan"
)

// Options are the close-out's settings from the stack's configuration.
type Options struct {
	// MinimumRetentionDays is sce:minimumRetentionDays: the shortest retention accepted of a kept log group
	// or bucket lifecycle. Zero means DefaultMinimumRetentionDays.
	MinimumRetentionDays int
	// Now is the time of the close-out, for lifecycle expirations on a date; zero means time.Now().
	Now time.Time
}

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
	// Problems are checks that failed: something that must survive would be deleted, or kept too short.
	Problems []string
	// MinimumRetentionDays is the retention every kept log group and bucket lifecycle was checked against.
	MinimumRetentionDays int
	// KeepsAncillary is whether the ancillary bucket outlives the stack (sce:ancillaryCloseout: keep, which
	// the plan shows as a retained bucket); otherwise the procedure empties it before the destroy.
	KeepsAncillary bool
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

// mustKeep are the bucket purposes whose buckets must outlive the stack; the ancillary bucket's depends on
// the configuration.
var mustKeep = []string{"data-in", "output", "logs", "access-logs"}

// ancillary is the ancillary bucket's purpose.
const ancillary = "ancillary"

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

// Analyze classifies the plan's cloud resources and checks what must be kept: the data, output, log and
// access-log buckets (and the ancillary bucket when the configuration keeps it) with what keeps them safe,
// the project key and the log groups; that every log group and every kept bucket's lifecycle keeps its
// contents at least the minimum; and that every log the stack writes goes to a group or bucket it keeps.
func Analyze(p *plan.Plan, o Options) Report {
	if o.MinimumRetentionDays == 0 {
		o.MinimumRetentionDays = DefaultMinimumRetentionDays
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	rep := Report{Stack: p.Stack, Buckets: map[string]string{}, MinimumRetentionDays: o.MinimumRetentionDays}
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
	keep := mustKeep
	if name, ok := rep.Buckets[ancillary]; ok && rep.keptBucket(p, name) {
		rep.KeepsAncillary = true
		keep = append(append([]string{}, mustKeep...), ancillary)
	}
	for _, purpose := range keep {
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
	rep.checkLogGroups(p)
	rep.checkLifecycles(p, o.Now)
	rep.checkDestinations(p)
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
	for purpose, output := range map[string]string{"data-in": "dataInBucket", "output": "outputBucket", "logs": "logBucket", "access-logs": "accessLogBucket", ancillary: "ancillaryBucket"} {
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

// checkBucket checks that a bucket that must be kept is retained, with its versioning, policy, lifecycle
// and the other configuration that keeps it safe (its lifecycle's expirations: checkLifecycles).
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
	}
}

func sortResources(rs []plan.Resource) {
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].Type != rs[j].Type {
			return rs[i].Type < rs[j].Type
		}
		return rs[i].Name < rs[j].Name
	})
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
