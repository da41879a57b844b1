package closeout

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sce-project/sce/internal/plan"
)

// A close-out keeps the log groups, the upload ledger, the backup vault and the project key in AWS. Several
// of them have names the program derives from the PIT alone, so the next `pulumi up` of the same PIT asks
// AWS to create them again and fails ("already exists": ResourceAlreadyExistsException for a log group,
// ResourceInUseException for a table, AlreadyExistsException for a vault). A redeploy must adopt them with
// `pulumi import` instead. This file derives what to adopt from the plan, so that a resource added later
// with a fixed name cannot be forgotten: Analyze reports one whose type has no import id format here.

// nameInputs are the inputs in which pulumi-aws takes the name AWS knows a resource by, for the types this
// program creates (a log group's, table's, vault's and secret's "name", a bucket's "bucket", a cluster's
// "clusterIdentifier").
var nameInputs = []string{"name", "bucket", "clusterIdentifier", "identifier"}

// importFormat is how `pulumi import` takes over one resource type. The formats are those of the Import
// section of each type's pulumi-aws documentation (v6.83.4).
type importFormat struct {
	// idFormat says what the import id is.
	idFormat string
	// byName is true when the import id is the resource's AWS name (its name input).
	byName bool
}

// importFormats are the resource types a redeploy may have to adopt.
var importFormats = map[string]importFormat{
	// "import Cloudwatch Log Groups using the name"
	"aws:cloudwatch/logGroup:LogGroup": {idFormat: "the log group name", byName: true},
	// "import DynamoDB tables using the name"
	"aws:dynamodb/table:Table": {idFormat: "the table name", byName: true},
	// "import Backup vault using the name"
	"aws:backup/vault:Vault": {idFormat: "the vault name", byName: true},
	// "import KMS Keys using the id"
	"aws:kms/key:Key": {idFormat: "the key id"},
	// "import aws_secretsmanager_secret using the secret Amazon Resource Name (ARN)"
	"aws:secretsmanager/secret:Secret": {idFormat: "the secret ARN"},
}

// Adoption is one resource that outlives a close-out and that the next deployment of the PIT must import
// rather than create.
type Adoption struct {
	// Resource is the planned resource: its type, logical name and parent are what the import must
	// reproduce so that the program's URN finds it.
	Resource plan.Resource
	// AWSName is the name AWS knows it by; empty for the key, which has none.
	AWSName string
	// IDFormat says what the import id is (IDFormat of the type's pulumi-aws documentation).
	IDFormat string
	// ImportID is the id `pulumi import` takes; empty when it is known only in AWS (the key's id without
	// the deployed outputs, a secret's ARN), and then looked up by the printed command.
	ImportID string
	// Why says why a new resource cannot take its place.
	Why string
	// InRecoveryWindow marks a resource `pulumi destroy` deletes into a recovery window (a secret): it
	// holds its name until the window ends, and is restored and imported only while it does.
	InRecoveryWindow bool
}

// FinalSnapshot is a snapshot a deleted cluster leaves behind: not a Pulumi resource, kept until deleted.
type FinalSnapshot struct {
	Cluster, Identifier string
}

// fixedName returns the resource's AWS name when the next deployment of the PIT computes the same one: it is
// set in a name input whose value depends on no resource, or only on resources that deployment adopts. A
// name drawn from a resource the destroy deletes (a bucket's random suffix), or from a kept one that is not
// adopted (a sub-resource's bucket), differs in the next deployment.
func fixedName(r plan.Resource, adopted map[string]bool) (name string, ok bool) {
	for _, in := range nameInputs {
		v, _ := r.Inputs[in].(string)
		if v == "" || v == plan.UnknownPlaceholder {
			continue
		}
		for _, dep := range r.PropertyDependencies[in] {
			if !adopted[dep] {
				return v, false
			}
		}
		return v, true
	}
	return "", false
}

// recoveryWindow reports whether deleting the resource leaves its name taken for a while. Secrets Manager
// keeps a deleted secret for its recovery window (RecoveryWindowInDays, 30 when not set; 0 deletes at once)
// and refuses a new secret of that name meanwhile.
func recoveryWindow(r plan.Resource) bool {
	if r.Type != "aws:secretsmanager/secret:Secret" {
		return false
	}
	switch days := r.Inputs["recoveryWindowInDays"].(type) {
	case float64:
		return days != 0
	case int64:
		return days != 0
	case int:
		return days != 0
	}
	return true
}

// analyzeRedeploy fills the adoptions, the final snapshots and the problems that would stop a redeploy.
func (rep *Report) analyzeRedeploy(p *plan.Plan) {
	byURN := map[string]plan.Resource{}
	for _, r := range p.Resources {
		byURN[r.URN] = r
	}
	adopted := map[string]bool{}
	refused := map[string]bool{}
	adopt := func(r plan.Resource, awsName, why string, window bool) bool {
		if adopted[r.URN] || refused[r.URN] {
			return false
		}
		format, ok := importFormats[r.Type]
		if !ok {
			refused[r.URN] = true
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s %s outlives the destroy (%s), and sce closeout knows no import id "+
				"format for %s: the next deployment of this PIT would fail with \"already exists\"", r.Type, r.Name, why, r.Type))
			return false
		}
		adopted[r.URN] = true
		a := Adoption{Resource: r, AWSName: awsName, IDFormat: format.idFormat, Why: why, InRecoveryWindow: window}
		if format.byName {
			a.ImportID = awsName
		}
		rep.Adoptions = append(rep.Adoptions, a)
		return true
	}
	// Adopting a resource can fix the name of another that is drawn from it, so repeat until nothing changes.
	for changed := true; changed; {
		changed = false
		for _, r := range p.Resources {
			if !r.Custom || isProvider(r) || adopted[r.URN] {
				continue
			}
			name, fixed := fixedName(r, adopted)
			switch {
			case fixed && r.RetainOnDelete:
				changed = adopt(r, name, "kept under the fixed name "+name, false) || changed
			case fixed && recoveryWindow(r):
				changed = adopt(r, name, "deleted into a recovery window that keeps the name "+name+" taken", true) || changed
			}
		}
		// A kept resource that an adopted one refers to is adopted with it: the kept log groups and the
		// vault are encrypted with the old project key, and a vault's key cannot change (EncryptionKeyArn
		// is create-only), so a new key would replace the vault, which fails on its name.
		for i := 0; i < len(rep.Adoptions); i++ {
			a := rep.Adoptions[i]
			for _, urn := range sortedDeps(a.Resource.PropertyDependencies) {
				dep, ok := byURN[urn]
				if !ok || !dep.RetainOnDelete || adopted[urn] {
					continue
				}
				name, _ := fixedName(dep, adopted)
				changed = adopt(dep, name, fmt.Sprintf("kept, and %s refers to it", a.Resource.Name), false) || changed
			}
		}
	}
	for _, r := range p.Find("aws:redshift/cluster:Cluster") {
		if r.Inputs["skipFinalSnapshot"] != true {
			rep.checkFinalSnapshot(r, adopted)
		}
	}
	sort.SliceStable(rep.Adoptions, func(i, j int) bool {
		x, y := rep.Adoptions[i], rep.Adoptions[j]
		if x.InRecoveryWindow != y.InRecoveryWindow {
			return !x.InRecoveryWindow
		}
		if x.Resource.Type != y.Resource.Type {
			return x.Resource.Type < y.Resource.Type
		}
		return x.Resource.Name < y.Resource.Name
	})
}

// checkFinalSnapshot records the snapshot a cluster leaves when it is deleted, and refuses a fixed
// identifier: the next close-out of the PIT would ask Redshift for a second snapshot of that name, which
// DeleteCluster refuses (ClusterSnapshotAlreadyExists), leaving the cluster running.
func (rep *Report) checkFinalSnapshot(r plan.Resource, adopted map[string]bool) {
	id, _ := r.Inputs["finalSnapshotIdentifier"].(string)
	cluster, _ := r.Inputs["clusterIdentifier"].(string)
	if id == "" {
		rep.Problems = append(rep.Problems, fmt.Sprintf("the Redshift cluster %s takes a final snapshot without an identifier", cluster))
		return
	}
	fixed := true
	for _, dep := range r.PropertyDependencies["finalSnapshotIdentifier"] {
		if !adopted[dep] {
			fixed = false
		}
	}
	if fixed {
		rep.Problems = append(rep.Problems, fmt.Sprintf("the Redshift cluster %s names its final snapshot %s, a fixed identifier: "+
			"the next close-out of this PIT would fail (ClusterSnapshotAlreadyExists) and leave the cluster running", cluster, id))
	}
	rep.FinalSnapshots = append(rep.FinalSnapshots, FinalSnapshot{Cluster: cluster, Identifier: id})
}

func isProvider(r plan.Resource) bool { return strings.HasPrefix(r.Type, "pulumi:providers:") }

func sortedDeps(deps map[string][]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, list := range deps {
		for _, d := range list {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	sort.Strings(out)
	return out
}
