package rules

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/policydoc"
)

// The IAM rules on identity policies: what they may allow, that none is inline, and that no role's policies
// are managed in two places. Trust policies are in iam_trust.go, the statement checks in iam_actions.go.

// IAM resource type tokens. They are named by suffix so that they cannot clash with the type constants of
// other families.
const (
	iamPolicyType               = "aws:iam/policy:Policy"
	iamRoleType                 = "aws:iam/role:Role"
	iamRolePolicyType           = "aws:iam/rolePolicy:RolePolicy"
	iamUserPolicyType           = "aws:iam/userPolicy:UserPolicy"
	iamGroupPolicyType          = "aws:iam/groupPolicy:GroupPolicy"
	iamRolePolicyAttachmentType = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	iamPolicyAttachmentType     = "aws:iam/policyAttachment:PolicyAttachment"
)

// iamHIPAA is cdk-nag's mapping of its IAM rules (IAMNoInlinePolicy, IAMPolicyNoStatementsWith*), which
// the AWS Config HIPAA pack shares for the blocked-KMS-actions rules; 164.308(a)(3)(ii)(B) is left out as
// Paragraphs does not list it.
func iamHIPAA() []string {
	return []string{hipaaWorkforce, "164.308(a)(3)(ii)(A)", hipaaAccessManagement, "164.308(a)(4)(ii)(A)",
		hipaaAccessAuthorize, hipaaAccessEstablish, hipaaAccessControl}
}

// iamRules returns the rules on IAM identity policies and on how roles manage them.
func iamRules() []engine.Rule {
	inlineTypes := []string{iamRolePolicyType, iamUserPolicyType, iamGroupPolicyType, iamRoleType}
	identityTypes := append([]string{iamPolicyType}, inlineTypes...)
	return []engine.Rule{
		{
			ID:          "iam-customer-policy-no-blocked-kms-actions",
			Description: "No customer-managed IAM policy allows kms:Decrypt or kms:ReEncryptFrom on every key: decryption is granted on named keys only.",
			Level:       engine.Mandatory,
			HIPAA:       iamHIPAA(),
			Sources:     engine.Sources{Config: "iam-customer-policy-blocked-kms-actions", Checklist: []int{25}},
			Types:       []string{iamPolicyType},
			Check:       func(r *engine.Resource) []engine.Finding { return iamCheckDocs(r, iamBlockedKMSActions) },
		},
		{
			ID:          "iam-inline-policy-no-blocked-kms-actions",
			Description: "No inline IAM policy (role, user or group policy, or a role's inlinePolicies) allows kms:Decrypt or kms:ReEncryptFrom on every key.",
			Level:       engine.Mandatory,
			HIPAA:       iamHIPAA(),
			Sources:     engine.Sources{Config: "iam-inline-policy-blocked-kms-actions", Checklist: []int{26}},
			Types:       inlineTypes,
			Check:       func(r *engine.Resource) []engine.Finding { return iamCheckDocs(r, iamBlockedKMSActions) },
		},
		{
			ID:          "iam-no-inline-policy",
			Description: "No IAM role, user or group carries an inline policy: permissions live in customer-managed policies, which are versioned, reusable and attached visibly.",
			Level:       engine.Mandatory,
			HIPAA:       iamHIPAA(),
			Sources:     engine.Sources{CdkNag: "HIPAA.Security-IAMNoInlinePolicy", Config: "iam-no-inline-policy-check", Checklist: []int{27}},
			Types:       inlineTypes,
			Check:       checkIAMNoInlinePolicy,
		},
		{
			ID:          "iam-no-admin-access",
			Description: "No IAM identity policy (customer-managed or inline) allows every action on every resource.",
			Level:       engine.Mandatory,
			HIPAA:       iamHIPAA(),
			Sources: engine.Sources{CdkNag: "HIPAA.Security-IAMPolicyNoStatementsWithAdminAccess",
				Config: "iam-policy-no-statements-with-admin-access", Checklist: []int{28}},
			Types: identityTypes,
			Check: func(r *engine.Resource) []engine.Finding { return iamCheckDocs(r, iamAdminAccess) },
		},
		{
			ID:          "iam-no-full-service-access",
			Description: "No IAM identity policy (customer-managed or inline) allows all the actions of a service (\"<service>:*\"): actions are listed one by one.",
			Level:       engine.Mandatory,
			HIPAA:       iamHIPAA(),
			Sources: engine.Sources{CdkNag: "HIPAA.Security-IAMPolicyNoStatementsWithFullAccess",
				Config: "iam-policy-no-statements-with-full-access", Checklist: []int{29}},
			Types: identityTypes,
			Check: func(r *engine.Resource) []engine.Finding { return iamCheckDocs(r, iamFullServiceAccess) },
		},
		{
			ID: "iam-role-no-policy-management-conflicts",
			Description: "A role that manages its inline policies (inlinePolicies) has no separate RolePolicy, and a role that manages its " +
				"managed policies (managedPolicyArns) has no separate policy attachment: the two would undo each other on every update.",
			Level:      engine.Mandatory,
			HIPAA:      []string{hipaaAccessControl, hipaaAccessManagement, hipaaAccessEstablish},
			Sources:    engine.Sources{AWSGuard: "iam-role-no-policy-management-conflicts", Checklist: []int{65}},
			Types:      []string{iamRoleType, iamRolePolicyType, iamRolePolicyAttachmentType, iamPolicyAttachmentType},
			CheckStack: checkIAMRolePolicyConflicts,
		},
	}
}

// iamDoc is one identity policy document of a resource, with the path it came from.
type iamDoc struct {
	path string
	doc  *policydoc.PolicyDoc
}

// iamIdentityDocs returns the identity policies a resource holds: the policy of a managed, role, user or
// group policy, or the policies of a role's inlinePolicies. Unknown and malformed documents come back as
// findings.
func iamIdentityDocs(r *engine.Resource) ([]iamDoc, []engine.Finding) {
	if r.Type != iamRoleType {
		doc, out := policydoc.PolicyAt(r, "policy")
		if doc == nil {
			return nil, out
		}
		return []iamDoc{{path: "policy", doc: doc}}, out
	}
	entries, out := engine.ObjectsAt(r.Props, "inlinePolicies", "inlinePolicies")
	var docs []iamDoc
	for i, e := range entries {
		path := fmt.Sprintf("inlinePolicies[%d].policy", i)
		v, ok := engine.Lookup(e, "policy")
		switch {
		case !ok:
			continue
		case engine.IsUnknown(v):
			out = append(out, engine.Undecided(path)...)
			continue
		}
		if s, isString := v.(string); isString && strings.TrimSpace(s) == "" {
			continue // an empty entry only asks Pulumi to remove out-of-band inline policies
		}
		doc, err := policydoc.ParsePolicy(v)
		if err != nil {
			out = append(out, engine.Fail("%s: %v", path, err)...)
			continue
		}
		docs = append(docs, iamDoc{path: path, doc: doc})
	}
	return docs, out
}

// iamCheckDocs applies a statement check to every identity policy of a resource.
func iamCheckDocs(r *engine.Resource, check func(where string, st policydoc.PolicyStatement) []engine.Finding) []engine.Finding {
	docs, out := iamIdentityDocs(r)
	for _, d := range docs {
		for i, st := range d.doc.Statements {
			out = append(out, check(iamStatementLabel(d.path, i, st), st)...)
		}
	}
	return out
}

// iamStatementLabel names a statement in messages: `policy statement 0 (sid "Read")`.
func iamStatementLabel(path string, i int, st policydoc.PolicyStatement) string {
	label := fmt.Sprintf("%s statement %d", path, i)
	if st.Sid != "" {
		label += fmt.Sprintf(" (sid %q)", st.Sid)
	}
	return label
}

// roleStatements returns the statements of a role's own policies: inline, role policies and attached
// customer managed policies of this program. AWS managed policies are not read: none grants use of a
// customer managed key or of a bucket of this program.
func roleStatements(s *engine.Stack, role *engine.Resource) ([]policydoc.PolicyStatement, []engine.Finding) {
	var out []policydoc.PolicyStatement
	docs, problems := iamIdentityDocs(role)
	for _, rp := range s.ReferringTo(role, "role", iamRolePolicyType) {
		d, fs := iamIdentityDocs(rp)
		docs, problems = append(docs, d...), append(problems, fs...)
	}
	for _, att := range s.ReferringTo(role, "role", iamRolePolicyAttachmentType) {
		for _, policy := range s.Refs(att, "policyArn", iamPolicyType) {
			d, fs := iamIdentityDocs(policy)
			docs, problems = append(docs, d...), append(problems, fs...)
		}
	}
	for _, d := range docs {
		out = append(out, d.doc.Statements...)
	}
	return out, problems
}

// onResource reports whether a statement's Resource (or NotResource) covers arn.
func onResource(st policydoc.PolicyStatement, arn string) bool {
	if len(st.NotResources) > 0 {
		for _, r := range st.NotResources {
			if policydoc.GlobMatch(r, arn) {
				return false
			}
		}
		return true
	}
	for _, r := range st.Resources {
		if policydoc.GlobMatch(r, arn) {
			return true
		}
	}
	return false
}

// iamRoleInlineEntries returns the entries of a role's inlinePolicies that hold a policy (a name or a
// document), with their labels. A lone empty entry ({}) holds none: it asks Pulumi to remove inline
// policies added out of band.
func iamRoleInlineEntries(r *engine.Resource) ([]string, []engine.Finding) {
	entries, out := engine.ObjectsAt(r.Props, "inlinePolicies", "inlinePolicies")
	var held []string
	for i, e := range entries {
		name, hasName := engine.Lookup(e, "name")
		policy, hasPolicy := engine.Lookup(e, "policy")
		if !iamNonEmpty(name, hasName) && !iamNonEmpty(policy, hasPolicy) {
			continue
		}
		label := fmt.Sprintf("inlinePolicies[%d]", i)
		if s, ok := name.(string); ok && s != "" {
			label += fmt.Sprintf(" (name %q)", s)
		}
		held = append(held, label)
	}
	return held, out
}

// iamNonEmpty reports whether a looked-up value holds something; an unknown value will.
func iamNonEmpty(v any, ok bool) bool {
	if !ok {
		return false
	}
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x) != ""
	case map[string]any:
		return len(x) > 0
	case []any:
		return len(x) > 0
	}
	return true
}

// checkIAMNoInlinePolicy reports a role, user or group policy resource, and every entry of a role's
// inlinePolicies that holds a policy.
func checkIAMNoInlinePolicy(r *engine.Resource) []engine.Finding {
	if r.Type != iamRoleType {
		return engine.Fail("%s is an inline policy; put the statements in a customer-managed policy (aws:iam/policy:Policy) and attach it", r.Type)
	}
	held, out := iamRoleInlineEntries(r)
	for _, label := range held {
		out = append(out, engine.Fail("%s is an inline policy of the role; put the statements in a customer-managed policy (aws:iam/policy:Policy) and attach it", label)...)
	}
	return out
}

// checkIAMRolePolicyConflicts finds roles whose exclusive policy lists (inlinePolicies, managedPolicyArns)
// compete with separate RolePolicy or attachment resources.
func checkIAMRolePolicyConflicts(s *engine.Stack) []engine.Finding {
	var out []engine.Finding
	for _, role := range s.OfType(iamRoleType) {
		// Any inlinePolicies list, even [{}], makes the role the exclusive manager of its inline policies.
		if v, ok := role.Get("inlinePolicies"); iamNonEmpty(v, ok) {
			for _, rp := range s.ReferringTo(role, "role", iamRolePolicyType) {
				out = append(out, engine.Finding{URN: role.URN, Message: fmt.Sprintf(
					"inlinePolicies is set, so the role manages its inline policies exclusively, and %s %q also adds one to it; "+
						"keep one of the two", rp.Type, rp.Name)})
			}
		}
		// managedPolicyArns, even empty, makes the role the exclusive manager of its attachments.
		if _, ok := role.Get("managedPolicyArns"); ok {
			attachments := append(s.ReferringTo(role, "role", iamRolePolicyAttachmentType), s.ReferringTo(role, "roles", iamPolicyAttachmentType)...)
			for _, a := range attachments {
				out = append(out, engine.Finding{URN: role.URN, Message: fmt.Sprintf(
					"managedPolicyArns is set, so the role manages its policy attachments exclusively, and %s %q also attaches a policy to it; "+
						"keep one of the two", a.Type, a.Name)})
			}
		}
	}
	return out
}
