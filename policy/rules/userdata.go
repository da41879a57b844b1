package rules

import (
	"encoding/base64"
	"regexp"
	"strings"
)

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

// checkUserDataCredentials judges the user data of an instance (plain text) or launch template (base64).
func checkUserDataCredentials(r *Resource) []Finding {
	text, ok, out := userDataText(r)
	if !ok {
		return out
	}
	if text == secretPlaceholder {
		return fail("userData is a secret: user data is readable through the metadata service and ec2:DescribeInstanceAttribute; fetch secrets at boot from Secrets Manager instead")
	}
	if r.Type == typeLaunchTemplate {
		if decoded, err := base64.StdEncoding.DecodeString(text); err == nil {
			text = string(decoded)
		}
	}
	return userDataFindings(text)
}

// userDataText returns a resource's user data as the plan holds it; ok is false when there is none to
// judge, with the findings to report (unknown, or not a string).
func userDataText(r *Resource) (string, bool, []Finding) {
	v, ok := r.Get("userData")
	if !ok || v == nil {
		return "", false, nil
	}
	if IsUnknown(v) {
		return "", false, undecided("userData")
	}
	text, isString := v.(string)
	if !isString {
		return "", false, fail("userData is %s (%s); expected a string", kind(v), describe(v))
	}
	return text, true, nil
}

// userDataFindings names each credential found in a user data script, without quoting it.
func userDataFindings(script string) []Finding {
	var out []Finding
	if userDataAccessKey.MatchString(script) {
		out = append(out, fail("userData holds an AWS access key id; instances take credentials from their instance profile")...)
	}
	if userDataPrivateKey.MatchString(script) {
		out = append(out, fail("userData holds a private key; fetch it at boot from Secrets Manager, or generate it on the instance")...)
	}
	for _, m := range userDataAssignment.FindAllStringSubmatch(script, -1) {
		value := strings.Trim(strings.TrimSpace(m[2]), `"'`)
		if value == "" || strings.HasPrefix(value, "$") {
			continue
		}
		out = append(out, fail("userData assigns a literal value to %s; compute it at boot or read it from Secrets Manager", m[1])...)
	}
	return out
}
