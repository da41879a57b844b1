package rules

import (
	"encoding/base64"
	"regexp"
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// The EC2 user data rules: no credential in an instance's or launch template's user data, and no user data
// larger than EC2 accepts.

// bootMaxUserData is EC2's limit on user data, in raw form before base64 encoding (EC2 User Guide, "Work
// with instance user data").
const bootMaxUserData = 16 * 1024

// User data is readable by anyone who may describe the instance (ec2:DescribeInstanceAttribute) and by
// every process on it through the metadata service: it must carry no credential.
var (
	userDataAccessKey  = regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`)
	userDataPrivateKey = regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`)
	// userDataAssignment is a shell or environment-file assignment to a name that says password, secret or
	// token; its value is a credential unless it is computed at boot ($...) or empty.
	userDataAssignment = regexp.MustCompile(`(?im)^\s*(?:export\s+)?([A-Za-z_]*(?:password|passwd|secret|token)[A-Za-z_]*)=(.*)$`)
)

// secretPlaceholder is how a Pulumi secret reaches a rule: its value is never shown to the pack.
const secretPlaceholder = "[secret]"

// ec2UserDataRules returns the rules on user data: what it may carry, and how large it may be.
func ec2UserDataRules() []engine.Rule {
	return []engine.Rule{
		{
			ID: "ec2-user-data-no-credentials",
			Description: "No instance or launch template carries a credential in its user data (an AWS access key id, a private key, or a " +
				"literal assigned to a password, secret or token variable): user data is readable through the metadata service and the EC2 API.",
			Level:   engine.Mandatory,
			HIPAA:   []string{hipaaAccessControl, hipaaAccessManagement},
			Sources: engine.Sources{Other: "Trivy AVD-AWS-0029 and AVD-AWS-0129 (secrets in EC2 user data)"},
			Types:   []string{typeInstance, typeLaunchTemplate},
			Check:   checkUserDataCredentials,
		},
		{
			ID: "ec2-user-data-size",
			Description: "No instance or launch template has more than 16 KB of user data, in raw form before base64 encoding; " +
				"a launch template's user data is valid base64. EC2 refuses both at launch.",
			Level:    engine.Mandatory,
			Category: engine.CategoryDeployability,
			HIPAA:    []string{hipaaAuditControls},
			Sources: engine.Sources{Other: "EC2 User Guide, Work with instance user data (instancedata-add-user-data.html): " +
				"\"User data is limited to 16 KB, in raw form, before it is base64-encoded\"; EC2 API RequestLaunchTemplateData.UserData: \"You must provide base64-encoded text\""},
			Types: []string{typeInstance, typeLaunchTemplate},
			Check: checkUserDataSize,
		},
	}
}

// checkUserDataCredentials judges the user data of an instance (plain text) or launch template (base64).
func checkUserDataCredentials(r *engine.Resource) []engine.Finding {
	text, ok, out := userDataText(r)
	if !ok {
		return out
	}
	if text == secretPlaceholder {
		return engine.Fail("userData is a secret: user data is readable through the metadata service and ec2:DescribeInstanceAttribute; fetch secrets at boot from Secrets Manager instead")
	}
	if r.Type == typeLaunchTemplate {
		if decoded, err := base64.StdEncoding.DecodeString(text); err == nil {
			text = string(decoded)
		}
	}
	return userDataFindings(text)
}

// checkUserDataSize judges user data against EC2's 16 KB limit.
func checkUserDataSize(r *engine.Resource) []engine.Finding {
	text, ok, out := userDataText(r)
	if !ok {
		return out
	}
	if text == secretPlaceholder {
		return nil // its size cannot be read; ec2-user-data-no-credentials refuses a secret user data
	}
	raw := []byte(text)
	if r.Type == typeLaunchTemplate {
		decoded, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			return engine.Fail("userData of a launch template is not valid base64 (%v); EC2 takes it base64-encoded", err)
		}
		raw = decoded
	}
	if len(raw) > bootMaxUserData {
		return engine.Fail("userData is %d bytes before base64 encoding; EC2 accepts at most %d: move what it carries to Systems Manager or S3", len(raw), bootMaxUserData)
	}
	return nil
}

// userDataText returns a resource's user data as the plan holds it; ok is false when there is none to
// judge, with the findings to report (unknown, or not a string).
func userDataText(r *engine.Resource) (string, bool, []engine.Finding) {
	v, ok := r.Get("userData")
	if !ok || v == nil {
		return "", false, nil
	}
	if engine.IsUnknown(v) {
		return "", false, engine.Undecided("userData")
	}
	text, isString := v.(string)
	if !isString {
		return "", false, engine.Fail("userData is %s (%s); expected a string", engine.Kind(v), engine.Describe(v))
	}
	return text, true, nil
}

// userDataFindings names each credential found in a user data script, without quoting it.
func userDataFindings(script string) []engine.Finding {
	var out []engine.Finding
	if userDataAccessKey.MatchString(script) {
		out = append(out, engine.Fail("userData holds an AWS access key id; instances take credentials from their instance profile")...)
	}
	if userDataPrivateKey.MatchString(script) {
		out = append(out, engine.Fail("userData holds a private key; fetch it at boot from Secrets Manager, or generate it on the instance")...)
	}
	for _, m := range userDataAssignment.FindAllStringSubmatch(script, -1) {
		value := strings.Trim(strings.TrimSpace(m[2]), `"'`)
		if value == "" || strings.HasPrefix(value, "$") {
			continue
		}
		out = append(out, engine.Fail("userData assigns a literal value to %s; compute it at boot or read it from Secrets Manager", m[1])...)
	}
	return out
}
