package iameval

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"
)

// managedFiles holds the AWS managed policies the stack attaches, each as the output of
// `aws iam get-policy-version` for its default version (the document, its VersionId and CreateDate),
// byte for byte as the public trackers of AWS managed policies recorded it.
//
//go:embed managed/*.json
var managedFiles embed.FS

// ManagedPolicyInfo says where a shipped AWS managed policy comes from and which version it is.
type ManagedPolicyInfo struct {
	// ARN is the policy's ARN in the aws partition.
	ARN string
	// Version is the policy version shipped ("v30"), as its file's VersionId gives it.
	Version string
	// Created is the version's CreateDate.
	Created string
	// Page is the policy's page in the AWS Managed Policy Reference.
	Page string
	// PageVersion is the version the stored copy of Page showed when the document was taken; where it
	// differs from Version, the copy of the page was older than the document.
	PageVersion string
	// Text is where the full document was taken from: the reference page's stored copy shows only its
	// beginning, so the text is the get-policy-version output a public tracker recorded, at a commit.
	Text string
	// AttachedBy is the component that attaches it.
	AttachedBy string
	file       string
}

// ManagedPolicies lists the AWS managed policies shipped, with their sources and versions. Not shipped:
// ReadOnlyAccess (attached only to the CI preview role, outside the stack) and CloudWatchAgentServerPolicy
// (the stack gives the agent its own least-privilege policy instead).
func ManagedPolicies() []ManagedPolicyInfo {
	const ref = "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/"
	return []ManagedPolicyInfo{
		{ARN: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", Version: "v2", Created: "2019-05-23T16:54:21+00:00",
			Page: ref + "AmazonSSMManagedInstanceCore.html", PageVersion: "v2",
			Text:       "https://github.com/zoph-io/MAMIP/blob/24b649d3de6c701785bb4af34462aa8ee26f1528/policies/AmazonSSMManagedInstanceCore",
			AttachedBy: "components/instancerole.go", file: "AmazonSSMManagedInstanceCore.json"},
		{ARN: "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole", Version: "v73", Created: "2026-09-23T21:07:08+00:00",
			Page: ref + "AWS_ConfigRole.html", PageVersion: "v70",
			Text:       "https://github.com/zoph-io/IAMTrail/blob/1aafff76a0ea2fba22a17ed59317ee52aa3b1d53/policies/AWS_ConfigRole",
			AttachedBy: "components/accountbaseline.go", file: "AWS_ConfigRole.json"},
		{ARN: "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup", Version: "v30", Created: "2026-02-23T19:42:11+00:00",
			Page: ref + "AWSBackupServiceRolePolicyForBackup.html", PageVersion: "v30",
			Text:       "https://github.com/zoph-io/IAMTrail/blob/aa5b14934629f36b67725fd27d27a18404999ed9/policies/AWSBackupServiceRolePolicyForBackup",
			AttachedBy: "components/backup.go", file: "AWSBackupServiceRolePolicyForBackup.json"},
		{ARN: "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores", Version: "v35", Created: "2026-02-12T17:57:30+00:00",
			Page: ref + "AWSBackupServiceRolePolicyForRestores.html", PageVersion: "v35",
			Text:       "https://github.com/zoph-io/IAMTrail/blob/cfb64dae3ac797478872bed6f2968e221ea92893/policies/AWSBackupServiceRolePolicyForRestores",
			AttachedBy: "components/backup.go", file: "AWSBackupServiceRolePolicyForRestores.json"},
		{ARN: "arn:aws:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2", Version: "v6", Created: "2026-02-12T18:01:09+00:00",
			Page: ref + "AmazonEMRServicePolicy_v2.html", PageVersion: "v4",
			Text:       "https://github.com/zoph-io/IAMTrail/blob/73ae81cf194ec83cfba758f12c0e627c20bd13b0/policies/AmazonEMRServicePolicy_v2",
			AttachedBy: "components/emr_roles.go", file: "AmazonEMRServicePolicy_v2.json"},
	}
}

// ManagedPolicy returns the document of an AWS managed policy the stack attaches, by its ARN in the aws
// partition, with a line saying which version it is and where it comes from. ok is false for a policy
// not shipped (see ManagedPolicies), or an ARN of another partition, whose documents may differ.
func ManagedPolicy(arn string) (doc *Document, source string, ok bool) {
	for _, m := range ManagedPolicies() {
		if m.ARN != arn {
			continue
		}
		d, err := m.document()
		if err != nil {
			panic(err) // the embedded files are checked by the package's tests
		}
		name := arn[strings.LastIndex(arn, "/")+1:]
		source = fmt.Sprintf("%s %s (created %s), from %s (aws iam get-policy-version); reference page %s", name, m.Version, m.Created, m.Text, m.Page)
		if m.PageVersion != m.Version {
			source += fmt.Sprintf(", whose stored copy showed %s", m.PageVersion)
		}
		return d, source, true
	}
	return nil, "", false
}

// document parses the embedded file of a managed policy and checks it is the version the index says.
func (m ManagedPolicyInfo) document() (*Document, error) {
	raw, err := managedFiles.ReadFile("managed/" + m.file)
	if err != nil {
		return nil, fmt.Errorf("managed policy %s: %w", m.ARN, err)
	}
	var v struct {
		PolicyVersion struct {
			Document   json.RawMessage
			VersionID  string `json:"VersionId"`
			CreateDate string
		}
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("managed policy %s: %w", m.ARN, err)
	}
	if v.PolicyVersion.VersionID != m.Version {
		return nil, fmt.Errorf("managed policy %s: the file holds %s, the index says %s", m.ARN, v.PolicyVersion.VersionID, m.Version)
	}
	d, err := Parse(string(v.PolicyVersion.Document))
	if err != nil {
		return nil, fmt.Errorf("managed policy %s: %w", m.ARN, err)
	}
	return d, nil
}
