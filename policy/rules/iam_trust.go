package rules

import (
	"slices"
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/policydoc"
)

// The IAM trust policy rule: a role an AWS service may assume is limited to this account's resources, so
// that the service cannot be used as a confused deputy.

// iamTrustRules returns the rules on roles' trust policies.
func iamTrustRules() []engine.Rule {
	return []engine.Rule{
		{
			ID: "iam-trust-policy-confused-deputy",
			Description: "A role that an AWS service may assume limits it with an aws:SourceAccount or aws:SourceArn condition, " +
				"so that the service cannot be made to act for another account's resources (confused deputy); a role Redshift assumes " +
				"may instead name the database users it serves in sts:ExternalId, the restriction the Redshift guide documents.",
			Level:   engine.Advisory,
			HIPAA:   []string{hipaaAccessControl, hipaaAccessManagement, hipaaAccessAuthorize},
			Sources: engine.Sources{Other: "AWS confused-deputy guidance, SCE design"},
			Types:   []string{iamRoleType},
			Check:   checkIAMTrustConfusedDeputy,
		},
	}
}

// iamConfusedDeputyExempt lists the service principals that do not send aws:SourceAccount or aws:SourceArn
// when they assume a role: EC2 assumes an instance profile's role for the instance, and Lambda assumes an
// execution role for the function, with neither key in the request, so a condition on them would make the
// role unusable.
var iamConfusedDeputyExempt = []string{"ec2.amazonaws.com", "lambda.amazonaws.com"}

// iamExternalIDServices are the service principals that pass an identity of their own caller as
// sts:ExternalId: Redshift passes the ARN of the database user whose COPY or UNLOAD assumes the role
// (arn:<partition>:redshift:<region>:<account>:dbuser:<cluster>/<user>), and its guide restricts roles with
// it, naming no aws:SourceAccount or aws:SourceArn (Redshift Management Guide, "Restricting access to IAM
// roles", authorizing-redshift-service-database-users.html). The ARN holds the account and the cluster,
// so pinning it is at least as narrow as pinning the source account.
var iamExternalIDServices = []string{"redshift.amazonaws.com"}

// iamSourceConditionOperators are the operators that pin aws:SourceAccount or aws:SourceArn to values.
// The IfExists forms are left out: they pass when the key is absent.
func iamSourceConditionOperators() []string {
	return []string{"StringEquals", "StringLike", "ArnEquals", "ArnLike"}
}

// checkIAMTrustConfusedDeputy reports every service a role's trust policy lets assume it without a source
// condition, but for the services that send none and those limited by sts:ExternalId.
func checkIAMTrustConfusedDeputy(r *engine.Resource) []engine.Finding {
	doc, out := policydoc.PolicyAt(r, "assumeRolePolicy")
	if doc == nil {
		return out
	}
	for i, st := range doc.Statements {
		if !st.Allows("sts:AssumeRole") {
			continue
		}
		if len(st.ConditionValues("aws:SourceAccount", iamSourceConditionOperators()...)) > 0 ||
			len(st.ConditionValues("aws:SourceArn", iamSourceConditionOperators()...)) > 0 {
			continue
		}
		externalID := len(st.ConditionValues("sts:ExternalId", "StringEquals", "StringLike")) > 0
		for _, service := range st.Principals["Service"] {
			if iamExemptService(service) || (externalID && slices.ContainsFunc(iamExternalIDServices, func(s string) bool {
				return strings.EqualFold(strings.TrimSpace(service), s)
			})) {
				continue
			}
			out = append(out, engine.Fail("%s lets the service %q assume the role without an aws:SourceAccount or aws:SourceArn condition; "+
				"add one so that the service acts only for this account's resources", iamStatementLabel("assumeRolePolicy", i, st), service)...)
		}
	}
	return out
}

// iamExemptService reports whether a service principal is one of iamConfusedDeputyExempt.
func iamExemptService(service string) bool {
	for _, s := range iamConfusedDeputyExempt {
		if strings.EqualFold(strings.TrimSpace(service), s) {
			return true
		}
	}
	return false
}
