package rules

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/policydoc"
)

// The KMS rules: key rotation, the deletion window and public key policies; and the check, shared by the
// deployability rules of EMR and AWS Config, that a key's policy lets IAM policies decide for its account.

// kmsKeyType is the KMS key resource type token, named by suffix so that it cannot clash with the type
// constants of other families.
const kmsKeyType = "aws:kms/key:Key"

// kmsRules returns the rules on KMS keys and their key policies.
func kmsRules() []engine.Rule {
	return []engine.Rule{
		{
			ID:          "kms-key-rotation-enabled",
			Description: "Every symmetric encryption KMS key has automatic rotation enabled (AWS leaves it off).",
			Level:       engine.Mandatory,
			HIPAA:       hipaaEncryption(),
			Sources: engine.Sources{Config: "cmk-backing-key-rotation-enabled", AWSGuard: "cmk-backing-key-rotation-enabled",
				Checklist: []int{78}},
			Types: []string{kmsKeyType},
			Check: checkKMSKeyRotation,
		},
		{
			ID: "kms-key-deletion-window",
			Description: "Every KMS key waits the longest deletion window AWS allows (30 days) before a scheduled deletion takes effect, " +
				"so that a mistaken deletion of a key that guards PHI can be cancelled.",
			Level:   engine.Advisory,
			HIPAA:   hipaaEncryption(),
			Sources: engine.Sources{Config: "kms-cmk-not-scheduled-for-deletion", Other: "SCE design (project key deletion window)", Checklist: []int{91}},
			Types:   []string{kmsKeyType},
			Check:   checkKMSDeletionWindow,
		},
		{
			ID: "kms-key-policy-no-public-access",
			Description: "No KMS key policy allows any principal (\"*\") unless the statement is limited to an account, an organization " +
				"or a service by a condition.",
			Level:   engine.Mandatory,
			HIPAA:   []string{hipaaAccessControl, hipaaAccessManagement, hipaaEncryptionAtRest},
			Sources: engine.Sources{Other: "SCE design"},
			Types:   []string{kmsKeyType},
			Check:   checkKMSKeyPolicyNotPublic,
		},
	}
}

// kmsRotatable reports whether rotation can be judged on a key: symmetric encryption keys outside a custom
// key store. Asymmetric and HMAC keys, and keys in a custom key store, cannot rotate automatically.
func kmsRotatable(r *engine.Resource) (bool, []engine.Finding) {
	for _, path := range []string{"customerMasterKeySpec", "keySpec"} {
		v, ok := r.Get(path)
		if !ok {
			continue
		}
		if engine.IsUnknown(v) {
			return false, engine.Undecided(path)
		}
		spec, isString := v.(string)
		if !isString {
			return false, engine.Fail("%s is %s (%s); expected a key spec such as SYMMETRIC_DEFAULT", path, engine.Kind(v), engine.Describe(v))
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

// checkKMSKeyRotation requires enableKeyRotation set to true on every key that can rotate.
func checkKMSKeyRotation(r *engine.Resource) []engine.Finding {
	rotatable, out := kmsRotatable(r)
	if !rotatable {
		return out
	}
	if _, ok := r.Get("enableKeyRotation"); !ok {
		return engine.Fail("enableKeyRotation is not set, and AWS leaves rotation off; it must be true")
	}
	return engine.BoolAt(r.Props, "enableKeyRotation", "enableKeyRotation", true, false)
}

// kmsLongestDeletionWindow is the longest waiting period AWS allows before it deletes a key, and its default.
const kmsLongestDeletionWindow = 30

// checkKMSDeletionWindow requires the longest deletion window, which is also AWS's default.
func checkKMSDeletionWindow(r *engine.Resource) []engine.Finding {
	v, ok := r.Get("deletionWindowInDays")
	switch {
	case !ok:
		return nil // AWS's default is the longest window
	case engine.IsUnknown(v):
		return engine.Undecided("deletionWindowInDays")
	}
	n, isInt := engine.AsInt(v)
	if !isInt {
		return engine.Fail("deletionWindowInDays is %s (%s); expected a whole number of days", engine.Kind(v), engine.Describe(v))
	}
	if n < kmsLongestDeletionWindow {
		return engine.Fail("deletionWindowInDays is %d; it must be %d, the longest AWS allows, so that a mistaken deletion can be cancelled",
			n, kmsLongestDeletionWindow)
	}
	return nil
}

// kmsLimitingConditionKeys are the condition keys that confine a statement for any principal to an
// account, an organization or a service.
func kmsLimitingConditionKeys() []string {
	return []string{"kms:CallerAccount", "aws:PrincipalAccount", "aws:SourceAccount", "kms:ViaService", "aws:PrincipalOrgID"}
}

// checkKMSKeyPolicyNotPublic reports every Allow statement of a key policy for any principal that no
// condition limits.
func checkKMSKeyPolicyNotPublic(r *engine.Resource) []engine.Finding {
	doc, out := policydoc.PolicyAt(r, "policy")
	if doc == nil {
		return out
	}
	for i, st := range doc.Statements {
		if st.Effect != "Allow" || !st.AnyPrincipal || kmsLimitedByCondition(st) {
			continue
		}
		out = append(out, engine.Fail("%s allows any principal (\"*\") without a condition on %s; name the principals or add such a condition",
			iamStatementLabel("policy", i, st), strings.Join(kmsLimitingConditionKeys(), ", "))...)
	}
	return out
}

// kmsLimitedByCondition reports whether a statement pins one of the limiting keys to values, under an
// operator that requires the key (not a negated, Null or IfExists operator) and with no value that is a
// bare wildcard.
func kmsLimitedByCondition(st policydoc.PolicyStatement) bool {
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

// kmsLimitingKey reports whether a condition key is one of kmsLimitingConditionKeys, ignoring case.
func kmsLimitingKey(key string) bool {
	for _, k := range kmsLimitingConditionKeys() {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

// keyPolicyDefersToIAM checks, for a key of this program, that its policy allows the account (its root
// principal) each of the actions, which is what lets identity policies grant them to grantee (KMS
// Developer Guide, "Default key policy": the statement that allows access to the AWS account and enables
// IAM policies). A key from outside the program is not judged.
func keyPolicyDefersToIAM(s *engine.Stack, keyARN string, actions []string, grantee string) []engine.Finding {
	for _, k := range s.OfType(kmsKeyType) {
		if !k.IdentifiedBy(keyARN) {
			continue
		}
		doc, fs := policydoc.PolicyAt(k, "policy")
		if doc == nil {
			return engine.WithURN(k.URN, fs)
		}
		account := ""
		if parts := strings.Split(keyARN, ":"); len(parts) > 4 {
			account = parts[4]
		}
		for _, action := range actions {
			deferred := false
			for _, st := range doc.Statements {
				if !st.Allows(action) {
					continue
				}
				for _, p := range st.Principals["AWS"] {
					if p == account || strings.HasSuffix(p, ":iam::"+account+":root") {
						deferred = true
					}
				}
			}
			if !deferred {
				return []engine.Finding{{URN: k.URN, Message: fmt.Sprintf("the policy of key %s does not allow %s to account %s, so no IAM policy can grant it to "+
					"%s; keep the statement that lets the account's IAM policies decide", k.Name, action, account, grantee)}}
			}
		}
	}
	return nil
}
