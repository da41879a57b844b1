package stack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// OutputKnownPrincipals is the output listing the principals expected to touch the PHI buckets, which
// `sce audit report --outputs` checks every data event against.
const OutputKnownPrincipals = "knownPrincipals"

// knownPrincipals are the roles the stack grants access to the PHI buckets (the researchers' role, the
// workstation's instance role, which fetches the credential broker from the ancillary bucket, the upload
// ledger's, the malware scanner's, the airlock's release function's, and the workers', the Redshift COPY role and the EMR nodes' where the
// stack has them), then the
// configured administrators and uploaders (ARNs or patterns with * and ?, as the configuration gives
// them). The bastion and the service roles (flow logs, CloudTrail's delivery, AWS Config, Backup, the
// scheduler) are not among them: none may read or write PHI, so a data event of theirs is worth a look.
func (s *Stack) knownPrincipals() pulumi.StringArray {
	out := pulumi.StringArray{s.Compute.Workstation.RoleARN, s.Ledger.Function.Role}
	if s.Compute.Workstation.ResearcherRole != nil {
		out = append(out, s.Compute.Workstation.ResearcherRole.Arn)
	}
	if s.Scan != nil {
		out = append(out, s.Scan.Role.Arn)
	}
	if s.Airlock != nil {
		out = append(out, s.Airlock.Role.Arn) // reads the outbox, writes released/
	}
	if s.Workers != nil {
		out = append(out, s.Workers.RoleARN)
	}
	if s.Data != nil && s.Data.Redshift != nil && s.Data.Redshift.CopyRole != nil {
		out = append(out, s.Data.Redshift.CopyRole.Arn)
	}
	if s.EMR != nil {
		out = append(out, s.EMR.NodeRole.Arn)
	}
	for _, arn := range append(append([]string{}, s.Config.AdminRoleARNs...), s.Config.UploaderRoleARNs...) {
		out = append(out, pulumi.String(arn))
	}
	return out
}
