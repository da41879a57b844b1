package closeout

import (
	"fmt"
	"io"
)

// Write prints the report and the procedure.
func Write(w io.Writer, rep Report, region string) error {
	pw := &printer{w: w}
	pw.printf("Close-out of stack %q\n\n", rep.Stack)
	pw.printf("Kept after `pulumi destroy` (%d resources, retained on delete):\n", len(rep.Kept))
	for _, r := range rep.Kept {
		pw.printf("  %s %s (%s)\n", r.Type, r.Name, rep.idOf(r))
	}
	pw.printf("\nDeleted (%d resources): the network, the instances and their volumes, the trail, the alarms, the Config rules, the cluster, ...\n", len(rep.Deleted))
	writeAncillaryFate(pw, rep)
	if len(rep.Problems) > 0 {
		pw.printf("\nCHECKS FAILED: close-out would lose what must be kept, or leave what a later deployment of the PIT cannot take over:\n")
		for _, p := range rep.Problems {
			pw.printf("  - %s\n", p)
		}
		return pw.err
	}
	kept := "data-in, output, logs and access-log buckets"
	if rep.KeepsAncillary {
		kept = "data-in, output, ancillary, logs and access-log buckets"
	}
	pw.printf("\nChecks passed: the %s, their versioning and lifecycle, the project key and the log groups outlive the stack; "+
		"every log group keeps its events, and no kept bucket's lifecycle expires objects, before %d days (sce:minimumRetentionDays%s); "+
		"every log the stack writes goes to a group or bucket it keeps; what stays under a fixed name has an import id for a later deployment.\n",
		kept, rep.MinimumRetentionDays, sixYearsNote(rep.MinimumRetentionDays))
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
	if !rep.KeepsAncillary {
		next("%s", emptyAncillaryStep(rep.Buckets[ancillary], region))
	}
	next("Remove the protection that stops `pulumi destroy` (retained resources stay in AWS all the same):\n     pulumi state unprotect --all --yes")
	next("Delete everything else:\n     pulumi destroy --yes")
	next("Verify that only the kept resources remain:\n     aws resourcegroupstaggingapi get-resources --region %s --tag-filters Key=Project,Values=%s --query 'ResourceTagMappingList[].ResourceARN'", region, rep.PIT)
	data := "data-in and output"
	if rep.KeepsAncillary {
		data = "data-in, output and ancillary"
	}
	next("Keep the kept resources for the retention period: logs expire by their lifecycle, after %d days at the soonest; the backup vault's recovery points expire after sce:backupRetentionDays (delete the empty vault then); delete %s when the study's data agreement allows, with the key last (its 30-day deletion window applies).",
		rep.MinimumRetentionDays, data)
	writeRedeploy(pw, rep, region)
	return pw.err
}

// sixYearsNote says what the default minimum is.
func sixYearsNote(days int) string {
	if days == DefaultMinimumRetentionDays {
		return ", HIPAA's six years"
	}
	return ""
}

// writeAncillaryFate says what close-out does with the ancillary bucket, which may hold PHI.
func writeAncillaryFate(pw *printer, rep Report) {
	name := rep.Buckets[ancillary]
	if name == "" {
		return
	}
	if rep.KeepsAncillary {
		pw.printf("\nThe ancillary bucket %s is kept (sce:ancillaryCloseout: keep): it may hold PHI, and is deleted with data-in and output when the data agreement allows.\n", name)
		return
	}
	pw.printf("\nThe ancillary bucket %s is emptied and deleted (sce:ancillaryCloseout: destroy records the data owner's consent): every version of every object in it is lost.\n", name)
}

// emptyAncillaryStep is the step that deletes every version and delete marker of the ancillary bucket:
// S3 deletes only an empty bucket (DeleteBucket), and DeleteObjects takes at most 1,000 keys a request,
// so the loop takes at most 500 versions and 500 delete markers at a time until none is left.
func emptyAncillaryStep(bucket, region string) string {
	list := fmt.Sprintf("aws s3api list-object-versions --region %s --bucket %s", region, bucket)
	return fmt.Sprintf("With the data owner's consent (sce:ancillaryCloseout: destroy), empty the ancillary bucket, every version and delete marker, "+
		"so that `pulumi destroy` can delete it (S3 deletes only an empty bucket):\n"+
		"     while [ \"$(%s --max-items 1 --query 'length([Versions, DeleteMarkers][][].Key)' --output text)\" != 0 ]; do "+
		"aws s3api delete-objects --region %s --bucket %s --delete \"$(%s --max-items 500 --query '{Objects: [Versions, DeleteMarkers][][].{Key: Key, VersionId: VersionId}, Quiet: `true`}' --output json)\" > /dev/null || break; done",
		list, region, bucket, list)
}
