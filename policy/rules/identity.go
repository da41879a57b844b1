package rules

import (
	"fmt"
	"slices"
	"strings"
)

// IAM and KMS resource type tokens. They are named by suffix so that they cannot clash with the type
// constants of other families.
const (
	iamPolicyType               = "aws:iam/policy:Policy"
	iamRoleType                 = "aws:iam/role:Role"
	iamRolePolicyType           = "aws:iam/rolePolicy:RolePolicy"
	iamUserPolicyType           = "aws:iam/userPolicy:UserPolicy"
	iamGroupPolicyType          = "aws:iam/groupPolicy:GroupPolicy"
	iamRolePolicyAttachmentType = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	iamPolicyAttachmentType     = "aws:iam/policyAttachment:PolicyAttachment"
	kmsKeyType                  = "aws:kms/key:Key"
)

// iamHIPAA is cdk-nag's mapping of its IAM rules (IAMNoInlinePolicy, IAMPolicyNoStatementsWith*), which
// the AWS Config HIPAA pack shares for the blocked-KMS-actions rules; 164.308(a)(3)(ii)(B) is left out as
// Paragraphs does not list it.
func iamHIPAA() []string {
	return []string{hipaaWorkforce, "164.308(a)(3)(ii)(A)", hipaaAccessManagement, "164.308(a)(4)(ii)(A)",
		hipaaAccessAuthorize, hipaaAccessEstablish, hipaaAccessControl}
}

// identityRules returns the identity rules: IAM identity, trust and KMS key policies, and KMS keys.
func identityRules() []Rule {
	inlineTypes := []string{iamRolePolicyType, iamUserPolicyType, iamGroupPolicyType, iamRoleType}
	identityTypes := append([]string{iamPolicyType}, inlineTypes...)
	return []Rule{
		{
			ID:          "iam-customer-policy-no-blocked-kms-actions",
			Description: "No customer-managed IAM policy allows kms:Decrypt or kms:ReEncryptFrom on every key: decryption is granted on named keys only.",
			Level:       Mandatory,
			HIPAA:       iamHIPAA(),
			Sources:     Sources{Config: "iam-customer-policy-blocked-kms-actions", Checklist: []int{25}},
			Types:       []string{iamPolicyType},
			Check:       func(r *Resource) []Finding { return iamCheckDocs(r, iamBlockedKMSActions) },
		},
		{
			ID:          "iam-inline-policy-no-blocked-kms-actions",
			Description: "No inline IAM policy (role, user or group policy, or a role's inlinePolicies) allows kms:Decrypt or kms:ReEncryptFrom on every key.",
			Level:       Mandatory,
			HIPAA:       iamHIPAA(),
			Sources:     Sources{Config: "iam-inline-policy-blocked-kms-actions", Checklist: []int{26}},
			Types:       inlineTypes,
			Check:       func(r *Resource) []Finding { return iamCheckDocs(r, iamBlockedKMSActions) },
		},
		{
			ID:          "iam-no-inline-policy",
			Description: "No IAM role, user or group carries an inline policy: permissions live in customer-managed policies, which are versioned, reusable and attached visibly.",
			Level:       Mandatory,
			HIPAA:       iamHIPAA(),
			Sources:     Sources{CdkNag: "HIPAA.Security-IAMNoInlinePolicy", Config: "iam-no-inline-policy-check", Checklist: []int{27}},
			Types:       inlineTypes,
			Check:       checkIAMNoInlinePolicy,
		},
		{
			ID:          "iam-no-admin-access",
			Description: "No IAM identity policy (customer-managed or inline) allows every action on every resource.",
			Level:       Mandatory,
			HIPAA:       iamHIPAA(),
			Sources: Sources{CdkNag: "HIPAA.Security-IAMPolicyNoStatementsWithAdminAccess",
				Config: "iam-policy-no-statements-with-admin-access", Checklist: []int{28}},
			Types: identityTypes,
			Check: func(r *Resource) []Finding { return iamCheckDocs(r, iamAdminAccess) },
		},
		{
			ID:          "iam-no-full-service-access",
			Description: "No IAM identity policy (customer-managed or inline) allows all the actions of a service (\"<service>:*\"): actions are listed one by one.",
			Level:       Mandatory,
			HIPAA:       iamHIPAA(),
			Sources: Sources{CdkNag: "HIPAA.Security-IAMPolicyNoStatementsWithFullAccess",
				Config: "iam-policy-no-statements-with-full-access", Checklist: []int{29}},
			Types: identityTypes,
			Check: func(r *Resource) []Finding { return iamCheckDocs(r, iamFullServiceAccess) },
		},
		{
			ID: "iam-role-no-policy-management-conflicts",
			Description: "A role that manages its inline policies (inlinePolicies) has no separate RolePolicy, and a role that manages its " +
				"managed policies (managedPolicyArns) has no separate policy attachment: the two would undo each other on every update.",
			Level:      Mandatory,
			HIPAA:      []string{hipaaAccessControl, hipaaAccessManagement, hipaaAccessEstablish},
			Sources:    Sources{AWSGuard: "iam-role-no-policy-management-conflicts", Checklist: []int{65}},
			Types:      []string{iamRoleType, iamRolePolicyType, iamRolePolicyAttachmentType, iamPolicyAttachmentType},
			CheckStack: checkIAMRolePolicyConflicts,
		},
		{
			ID: "iam-trust-policy-confused-deputy",
			Description: "A role that an AWS service may assume limits it with an aws:SourceAccount or aws:SourceArn condition, " +
				"so that the service cannot be made to act for another account's resources (confused deputy); a role Redshift assumes " +
				"may instead name the database users it serves in sts:ExternalId, the restriction the Redshift guide documents.",
			Level:   Advisory,
			HIPAA:   []string{hipaaAccessControl, hipaaAccessManagement, hipaaAccessAuthorize},
			Sources: Sources{Other: "AWS confused-deputy guidance, SCE design"},
			Types:   []string{iamRoleType},
			Check:   checkIAMTrustConfusedDeputy,
		},
		{
			ID:          "kms-key-rotation-enabled",
			Description: "Every symmetric encryption KMS key has automatic rotation enabled (AWS leaves it off).",
			Level:       Mandatory,
			HIPAA:       []string{hipaaEncryptionAtRest, hipaaTransmissionCrypt},
			Sources: Sources{Config: "cmk-backing-key-rotation-enabled", AWSGuard: "cmk-backing-key-rotation-enabled",
				Checklist: []int{78}},
			Types: []string{kmsKeyType},
			Check: checkKMSKeyRotation,
		},
		{
			ID: "kms-key-deletion-window",
			Description: "Every KMS key waits the longest deletion window AWS allows (30 days) before a scheduled deletion takes effect, " +
				"so that a mistaken deletion of a key that guards PHI can be cancelled.",
			Level:   Advisory,
			HIPAA:   []string{hipaaEncryptionAtRest, hipaaTransmissionCrypt},
			Sources: Sources{Config: "kms-cmk-not-scheduled-for-deletion", Other: "SCE design (project key deletion window)", Checklist: []int{91}},
			Types:   []string{kmsKeyType},
			Check:   checkKMSDeletionWindow,
		},
		{
			ID: "kms-key-policy-no-public-access",
			Description: "No KMS key policy allows any principal (\"*\") unless the statement is limited to an account, an organization " +
				"or a service by a condition.",
			Level:   Mandatory,
			HIPAA:   []string{hipaaAccessControl, hipaaAccessManagement, hipaaEncryptionAtRest},
			Sources: Sources{Other: "SCE design"},
			Types:   []string{kmsKeyType},
			Check:   checkKMSKeyPolicyNotPublic,
		},
	}
}

// iamDoc is one identity policy document of a resource, with the path it came from.
type iamDoc struct {
	path string
	doc  *PolicyDoc
}

// iamIdentityDocs returns the identity policies a resource holds: the policy of a managed, role, user or
// group policy, or the policies of a role's inlinePolicies. Unknown and malformed documents come back as
// findings.
func iamIdentityDocs(r *Resource) ([]iamDoc, []Finding) {
	if r.Type != iamRoleType {
		doc, out := policyAt(r, "policy")
		if doc == nil {
			return nil, out
		}
		return []iamDoc{{path: "policy", doc: doc}}, out
	}
	entries, out := objectsAt(r.Props, "inlinePolicies", "inlinePolicies")
	var docs []iamDoc
	for i, e := range entries {
		path := fmt.Sprintf("inlinePolicies[%d].policy", i)
		v, ok := lookup(e, "policy")
		switch {
		case !ok:
			continue
		case IsUnknown(v):
			out = append(out, undecided(path)...)
			continue
		}
		if s, isString := v.(string); isString && strings.TrimSpace(s) == "" {
			continue // an empty entry only asks Pulumi to remove out-of-band inline policies
		}
		doc, err := ParsePolicy(v)
		if err != nil {
			out = append(out, fail("%s: %v", path, err)...)
			continue
		}
		docs = append(docs, iamDoc{path: path, doc: doc})
	}
	return docs, out
}

// iamCheckDocs applies a statement check to every identity policy of a resource.
func iamCheckDocs(r *Resource, check func(where string, st PolicyStatement) []Finding) []Finding {
	docs, out := iamIdentityDocs(r)
	for _, d := range docs {
		for i, st := range d.doc.Statements {
			out = append(out, check(iamStatementLabel(d.path, i, st), st)...)
		}
	}
	return out
}

// iamStatementLabel names a statement in messages: `policy statement 0 (sid "Read")`.
func iamStatementLabel(path string, i int, st PolicyStatement) string {
	label := fmt.Sprintf("%s statement %d", path, i)
	if st.Sid != "" {
		label += fmt.Sprintf(" (sid %q)", st.Sid)
	}
	return label
}

// iamResourceScope says how a statement covers every resource, for messages.
func iamResourceScope(st PolicyStatement) string {
	if len(st.NotResources) > 0 {
		return "every resource but its NotResource"
	}
	return `every resource (Resource "*")`
}

// iamBlockedKMSActions flags an Allow of kms:Decrypt or kms:ReEncryptFrom on every resource, which would let
// the identity decrypt with any key whose key policy defers to IAM.
func iamBlockedKMSActions(where string, st PolicyStatement) []Finding {
	if !st.OnAllResources() {
		return nil
	}
	var granted []string
	for _, a := range []string{"kms:Decrypt", "kms:ReEncryptFrom"} {
		if st.Allows(a) {
			granted = append(granted, a)
		}
	}
	if len(granted) == 0 {
		return nil
	}
	return fail("%s allows %s on %s; name the key ARNs it may use", where, strings.Join(granted, " and "), iamResourceScope(st))
}

// iamAdminAccess flags an Allow of every action on every resource. An Allow with NotAction on every
// resource counts: it grants every action but those listed.
func iamAdminAccess(where string, st PolicyStatement) []Finding {
	if st.Effect != "Allow" || !st.OnAllResources() {
		return nil
	}
	if len(st.NotActions) > 0 {
		if !st.Allows("*") {
			return nil
		}
		return fail("%s allows every action except %s (NotAction) on %s: administrator access; list the actions it needs",
			where, strings.Join(st.NotActions, ", "), iamResourceScope(st))
	}
	for _, a := range st.Actions {
		if service, full := iamFullAccessAction(a); full && service == iamEveryService {
			return fail("%s allows every action (Action %q) on %s: administrator access; list the actions and resources it needs",
				where, a, iamResourceScope(st))
		}
	}
	return nil
}

// iamFullServiceAccess flags an Allow of every action of a service ("s3:*"), of every service ("*"), or of
// every action but a few (NotAction), on any resource.
func iamFullServiceAccess(where string, st PolicyStatement) []Finding {
	if st.Effect != "Allow" {
		return nil
	}
	if len(st.NotActions) > 0 {
		return fail("%s allows every action except %s (NotAction): full access to every other service; list the actions it needs",
			where, strings.Join(st.NotActions, ", "))
	}
	var out []Finding
	for _, a := range st.Actions {
		if service, full := iamFullAccessAction(a); full {
			out = append(out, fail("%s allows %q, every action of %s; list the actions it needs", where, a, service)...)
		}
	}
	return out
}

// iamEveryService is what iamFullAccessAction names for "*" and "*:*".
const iamEveryService = "every service"

// iamFullAccessAction reports whether an action pattern grants every action of a service ("s3:*"), or of
// every service ("*", "*:*"), and names the service.
func iamFullAccessAction(action string) (string, bool) {
	a := strings.TrimSpace(action)
	if a != "" && strings.Trim(a, "*") == "" {
		return iamEveryService, true
	}
	service, name, ok := strings.Cut(a, ":")
	if !ok || name == "" || strings.Trim(name, "*") != "" {
		return "", false
	}
	if service == "" || strings.Trim(service, "*") == "" {
		return iamEveryService, true
	}
	return "service " + service, true
}

// iamRoleInlineEntries returns the entries of a role's inlinePolicies that hold a policy (a name or a
// document), with their labels. A lone empty entry ({}) holds none: it asks Pulumi to remove inline
// policies added out of band.
func iamRoleInlineEntries(r *Resource) ([]string, []Finding) {
	entries, out := objectsAt(r.Props, "inlinePolicies", "inlinePolicies")
	var held []string
	for i, e := range entries {
		name, hasName := lookup(e, "name")
		policy, hasPolicy := lookup(e, "policy")
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

func checkIAMNoInlinePolicy(r *Resource) []Finding {
	if r.Type != iamRoleType {
		return fail("%s is an inline policy; put the statements in a customer-managed policy (aws:iam/policy:Policy) and attach it", r.Type)
	}
	held, out := iamRoleInlineEntries(r)
	for _, label := range held {
		out = append(out, fail("%s is an inline policy of the role; put the statements in a customer-managed policy (aws:iam/policy:Policy) and attach it", label)...)
	}
	return out
}

// checkIAMRolePolicyConflicts finds roles whose exclusive policy lists (inlinePolicies, managedPolicyArns)
// compete with separate RolePolicy or attachment resources.
func checkIAMRolePolicyConflicts(s *Stack) []Finding {
	var out []Finding
	for _, role := range s.OfType(iamRoleType) {
		// Any inlinePolicies list, even [{}], makes the role the exclusive manager of its inline policies.
		if v, ok := role.Get("inlinePolicies"); iamNonEmpty(v, ok) {
			for _, rp := range s.ReferringTo(role, "role", iamRolePolicyType) {
				out = append(out, Finding{URN: role.URN, Message: fmt.Sprintf(
					"inlinePolicies is set, so the role manages its inline policies exclusively, and %s %q also adds one to it; "+
						"keep one of the two", rp.Type, rp.Name)})
			}
		}
		// managedPolicyArns, even empty, makes the role the exclusive manager of its attachments.
		if _, ok := role.Get("managedPolicyArns"); ok {
			attachments := append(s.ReferringTo(role, "role", iamRolePolicyAttachmentType), s.ReferringTo(role, "roles", iamPolicyAttachmentType)...)
			for _, a := range attachments {
				out = append(out, Finding{URN: role.URN, Message: fmt.Sprintf(
					"managedPolicyArns is set, so the role manages its policy attachments exclusively, and %s %q also attaches a policy to it; "+
						"keep one of the two", a.Type, a.Name)})
			}
		}
	}
	return out
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

func checkIAMTrustConfusedDeputy(r *Resource) []Finding {
	doc, out := policyAt(r, "assumeRolePolicy")
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
			out = append(out, fail("%s lets the service %q assume the role without an aws:SourceAccount or aws:SourceArn condition; "+
				"add one so that the service acts only for this account's resources", iamStatementLabel("assumeRolePolicy", i, st), service)...)
		}
	}
	return out
}

func iamExemptService(service string) bool {
	for _, s := range iamConfusedDeputyExempt {
		if strings.EqualFold(strings.TrimSpace(service), s) {
			return true
		}
	}
	return false
}

// kmsRotatable reports whether rotation can be judged on a key: symmetric encryption keys outside a custom
// key store. Asymmetric and HMAC keys, and keys in a custom key store, cannot rotate automatically.
func kmsRotatable(r *Resource) (bool, []Finding) {
	for _, path := range []string{"customerMasterKeySpec", "keySpec"} {
		v, ok := r.Get(path)
		if !ok {
			continue
		}
		if IsUnknown(v) {
			return false, undecided(path)
		}
		spec, isString := v.(string)
		if !isString {
			return false, fail("%s is %s (%s); expected a key spec such as SYMMETRIC_DEFAULT", path, kind(v), describe(v))
		}
		if !strings.EqualFold(spec, "SYMMETRIC_DEFAULT") {
			return false, nil
		}
	}
	if v, ok := r.Get("customKeyStoreId"); ok && iamNonEmpty(v, ok) {
		return false, nil
	}
	return true, nil
}

func checkKMSKeyRotation(r *Resource) []Finding {
	rotatable, out := kmsRotatable(r)
	if !rotatable {
		return out
	}
	if _, ok := r.Get("enableKeyRotation"); !ok {
		return fail("enableKeyRotation is not set, and AWS leaves rotation off; it must be true")
	}
	return boolAt(r.Props, "enableKeyRotation", "enableKeyRotation", true, false)
}

// kmsLongestDeletionWindow is the longest waiting period AWS allows before it deletes a key, and its default.
const kmsLongestDeletionWindow = 30

func checkKMSDeletionWindow(r *Resource) []Finding {
	v, ok := r.Get("deletionWindowInDays")
	switch {
	case !ok:
		return nil // AWS's default is the longest window
	case IsUnknown(v):
		return undecided("deletionWindowInDays")
	}
	n, isInt := asInt(v)
	if !isInt {
		return fail("deletionWindowInDays is %s (%s); expected a whole number of days", kind(v), describe(v))
	}
	if n < kmsLongestDeletionWindow {
		return fail("deletionWindowInDays is %d; it must be %d, the longest AWS allows, so that a mistaken deletion can be cancelled",
			n, kmsLongestDeletionWindow)
	}
	return nil
}

// kmsLimitingConditionKeys are the condition keys that confine a statement for any principal to an
// account, an organization or a service.
func kmsLimitingConditionKeys() []string {
	return []string{"kms:CallerAccount", "aws:PrincipalAccount", "aws:SourceAccount", "kms:ViaService", "aws:PrincipalOrgID"}
}

func checkKMSKeyPolicyNotPublic(r *Resource) []Finding {
	doc, out := policyAt(r, "policy")
	if doc == nil {
		return out
	}
	for i, st := range doc.Statements {
		if st.Effect != "Allow" || !st.AnyPrincipal || kmsLimitedByCondition(st) {
			continue
		}
		out = append(out, fail("%s allows any principal (\"*\") without a condition on %s; name the principals or add such a condition",
			iamStatementLabel("policy", i, st), strings.Join(kmsLimitingConditionKeys(), ", "))...)
	}
	return out
}

// kmsLimitedByCondition reports whether a statement pins one of the limiting keys to values, under an
// operator that requires the key (not a negated, Null or IfExists operator) and with no value that is a
// bare wildcard.
func kmsLimitedByCondition(st PolicyStatement) bool {
	for op, keys := range st.Conditions {
		o := strings.ToLower(op)
		if strings.Contains(o, "not") || strings.HasPrefix(o, "null") || strings.HasSuffix(o, "ifexists") {
			continue
		}
		for key, values := range keys {
			if !kmsLimitingKey(key) || len(values) == 0 {
				continue
			}
			wild := false
			for _, v := range values {
				if strings.Trim(v, "*?") == "" {
					wild = true
				}
			}
			if !wild {
				return true
			}
		}
	}
	return false
}

func kmsLimitingKey(key string) bool {
	for _, k := range kmsLimitingConditionKeys() {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}
