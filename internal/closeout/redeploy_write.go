package closeout

import "fmt"

// ImportFileName is the file the close-out writes for a later deployment of the stack.
func ImportFileName(stack string) string { return stack + "-redeploy-import.json" }

// writeImportStep prints the procedure step, before the destroy, that writes the import file (the key's id is
// looked up through its alias, which the destroy deletes) and keeps it with the logs.
func writeImportStep(pw *printer, next func(string, ...any), rep Report, region string) error {
	if len(rep.Adoptions) == 0 {
		return nil
	}
	f, err := rep.ImportFile(region)
	if err != nil {
		return err
	}
	doc, err := heredocJSON(f)
	if err != nil {
		return err
	}
	file := ImportFileName(rep.Stack)
	next("Keep what a later deployment of %s needs to take over the kept resources (\"Deploying %s again\", below), while the key's alias still exists:\n"+
		"cat > %s <<EOF\n%sEOF\n     aws s3 cp %s s3://%s/closeout/",
		rep.PIT, rep.PIT, file, doc, file, rep.Buckets["logs"])
	return pw.err
}

// writeRedeploy prints how to deploy the PIT again: what must be imported rather than created, and the
// commands, in order.
func writeRedeploy(pw *printer, rep Report, region string) {
	if len(rep.Adoptions) == 0 && len(rep.FinalSnapshots) == 0 {
		return
	}
	pw.printf("\nDeploying %s again\n\n", rep.PIT)
	pw.printf("The kept resources below have names the program derives from the PIT alone: a new `pulumi up` of this\n" +
		"PIT would create them again and fail with \"already exists\". The new stack imports them instead (id format\n" +
		"from each type's pulumi-aws documentation):\n")
	var window []Adoption
	protect := false
	for _, a := range rep.Adoptions {
		id := a.ImportID
		if id == "" {
			id = "looked up"
		}
		pw.printf("  %s %s\n      %s\n      import id: %s (%s); %s\n", a.Resource.Type, a.Resource.Name, a.Resource.URN, id, a.IDFormat, a.Why)
		if a.InRecoveryWindow {
			window = append(window, a)
		} else if a.Resource.Protect {
			protect = true
		}
	}
	file := ImportFileName(rep.Stack)
	step := 0
	next := func(format string, args ...any) {
		step++
		pw.printf("\n%d. "+format+"\n", append([]any{step}, args...)...)
	}
	next("Fetch the import file the close-out kept:\n     aws s3 cp s3://%s/closeout/%s .", rep.Buckets["logs"], file)
	next("If the project key was scheduled for deletion meanwhile, cancel it (the key is then disabled) and enable it; the kept logs, the vault and the ledger need it:\n"+
		"     aws kms cancel-key-deletion --region %s --key-id <the key's id in %s> && aws kms enable-key --region %s --key-id <the same id>", region, file, region)
	next("Select the stack; it must be named %s again, as the URNs carry the stack's name:\n     pulumi stack select %s    # or: pulumi stack init %s", rep.Stack, rep.Stack, rep.Stack)
	if rep.Provider.URN != "" {
		next("Put the stack's AWS provider in the state: the imports use it, and Pulumi's importer does not create an explicit provider (a targeted update creates providers and nothing else):\n"+
			"     pulumi up --target '%s' --yes", rep.Provider.URN)
	}
	next("Import the kept resources, with the components above them, under the program's own URNs (review the preview: every line is an import):\n"+
		"     pulumi import --file %s --generate-code=false --protect=%t", file, protect)
	for _, a := range window {
		r := a.Resource
		flags := ""
		if parent, ok := rep.components[r.Parent]; ok {
			flags += fmt.Sprintf(" --parent '%s=%s'", sourceName(parent), parent.URN)
		}
		if r.Provider != "" && r.Provider == rep.Provider.URN {
			flags += fmt.Sprintf(" --provider '%s=%s'", sourceName(rep.Provider), rep.Provider.URN)
		}
		next("The secret %s was deleted into a recovery window, which keeps its name taken until Secrets Manager deletes it for good (30 days or more). "+
			"If it still exists (describe-secret shows a DeletedDate), restore and import it; if describe-secret answers ResourceNotFoundException, its name is free: skip this step.\n"+
			"     aws secretsmanager describe-secret --region %s --secret-id %s --query DeletedDate\n"+
			"     aws secretsmanager restore-secret --region %s --secret-id %s\n"+
			"     pulumi import %s %s \"$(%s)\"%s --generate-code=false --protect=%t",
			a.AWSName, region, a.AWSName, region, a.AWSName, r.Type, r.Name, rep.lookup(a, region), flags, r.Protect)
	}
	next("Preview: the imported resources may show updates (tags, the key's policy, retention), never a replacement. A replacement (+-) of one of them means it differs in a property AWS cannot change: stop and compare.\n" +
		"     pulumi preview --policy-pack ./policy\n     pulumi up --policy-pack ./policy")
	for _, s := range rep.FinalSnapshots {
		pw.printf("\nThe cluster %s leaves its final snapshot (%s in this plan; each deployment draws its own suffix) when it is deleted: a manual\n"+
			"snapshot, kept until someone deletes it, encrypted with the project key. It is not a Pulumi resource and is not imported: the\n"+
			"new cluster starts empty and loads from data-in again, and names its own final snapshot with a new suffix, so the next\n"+
			"close-out does not collide with this one. Keep or delete it as the data agreement says:\n"+
			"     aws redshift describe-cluster-snapshots --region %s --cluster-identifier %s --snapshot-type manual\n",
			s.Cluster, s.Identifier, region, s.Cluster)
	}
}
