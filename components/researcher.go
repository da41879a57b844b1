package components

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Researcher identity on the workstation (docs/attribution.md).
const (
	// RoleResearcher names the researcher role, whose sessions are the researchers' AWS identity.
	RoleResearcher = "researcher"
	// BrokerPrefix is the key prefix of the credential broker's executable in the ancillary bucket: the
	// one prefix of any PHI bucket the workstation's instance role may read.
	BrokerPrefix = "software/sce-broker/"
	// ResearcherSessionSeconds is the researcher role's longest session: the broker assumes it with the
	// instance role's credentials, which is role chaining, and STS limits a chained session to one hour
	// (STS API Reference, AssumeRole, DurationSeconds).
	ResearcherSessionSeconds = 3600
	// MaxTrustPolicyChars is IAM's default quota on a role trust policy's length, white space not counted
	// (IAM User Guide, "IAM and AWS STS quotas", reference_iam-quotas.html: 2,048 characters, raised to
	// at most 4,096 on request). The researcher role's trust lists every login, so the list is bounded by it.
	MaxTrustPolicyChars = 2048
)

// WorkstationRoleName is the fixed name of the workstation's instance role, so that the PHI buckets'
// policies, created before it, can refuse it by ARN.
func WorkstationRoleName(pit string) string { return pit + "-" + RoleWorkstation }

// ResearcherRoleName is the fixed name of the researcher role.
func ResearcherRoleName(pit string) string { return pit + "-" + RoleResearcher }

// RoleARN is the ARN of a role of the account by name.
func (a ARNs) RoleARN(name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", a.Partition, a.AccountID, name)
}

// ResearcherTrustPolicy is the researcher role's trust policy: the workstation's instance role, and no
// other principal, may assume it, and only naming one of the configured logins as the session's source
// identity (sts:SourceIdentity), which it must be allowed to set (sts:SetSourceIdentity). The principal is
// the account, narrowed to the instance role by aws:PrincipalArn, rather than the role's ARN: IAM stores a
// role ARN principal as the role's unique id, so a trust naming it breaks for good when the role is
// replaced, and refuses to save at all while the role does not exist yet (IAM User Guide, "AWS JSON
// policy elements: Principal", "IAM role principals"). The account principal delegates to identity
// policies, so the instance role's own policy must allow the call too (workstationStatements).
func ResearcherTrustPolicy(arns ARNs, pit string, logins []string) (string, error) {
	if len(logins) == 0 {
		return "", fmt.Errorf("researcher role of %s: no login to trust; the role exists only with sce:researchers", pit)
	}
	doc, err := PolicyDocument{Version: PolicyVersion, Statement: []Statement{{
		Sid:       "TheWorkstationBrokerNamesTheResearcher",
		Effect:    Allow,
		Principal: &Principal{AWS: []string{arns.AccountRoot()}},
		Action:    []string{"sts:AssumeRole", "sts:SetSourceIdentity"},
		Condition: Condition{
			"ArnEquals":    {"aws:PrincipalArn": {arns.RoleARN(WorkstationRoleName(pit))}},
			"StringEquals": {"sts:SourceIdentity": logins},
		},
	}}}.JSON()
	if err != nil {
		return "", fmt.Errorf("researcher role trust policy: %w", err)
	}
	if n := len(strings.Join(strings.Fields(doc), "")); n > MaxTrustPolicyChars {
		return "", fmt.Errorf("the researcher role's trust policy for %d logins is %d characters; IAM accepts %d by default: list fewer researchers, or shorter logins",
			len(logins), n, MaxTrustPolicyChars)
	}
	return doc, nil
}

// researcherStatements are the researchers' data permissions, which the workstation's instance role had
// before there was a researcher role: read data-in, write output, and use the project key only through S3
// in this region.
func researcherStatements(arns ARNs, dataIn, output, key string) []Statement {
	viaS3 := Condition{"StringEquals": {"kms:ViaService": {fmt.Sprintf("s3.%s.amazonaws.com", arns.Region)}}}
	return []Statement{
		{Sid: "ReadDataIn", Effect: Allow, Action: []string{"s3:GetObject", "s3:GetObjectVersion"}, Resource: []string{dataIn + "/*"}},
		{Sid: "ListDataIn", Effect: Allow, Action: []string{"s3:ListBucket"}, Resource: []string{dataIn}},
		{Sid: "WriteOutput", Effect: Allow, Action: []string{"s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"}, Resource: []string{output + "/*"}},
		{Sid: "UseProjectKeyThroughS3", Effect: Allow, Action: []string{"kms:Decrypt", "kms:GenerateDataKey"}, Resource: []string{key}, Condition: viaS3},
	}
}

// workstationStatements are what the instance role itself needs beyond its agents' (newInstanceRole's
// base statements and the SSM core policy): assume the researcher role for a login, with that login as
// source identity; fetch the broker's executable; decrypt it, through S3 and for the ancillary bucket
// only (with an S3 Bucket Key the encryption context is the bucket's ARN: Amazon S3 User Guide, "Reducing
// the cost of SSE-KMS with Amazon S3 Bucket Keys"). No data: the PHI buckets refuse the role outright.
func workstationStatements(arns ARNs, pit, software, key string) []Statement {
	return []Statement{
		{Sid: "AssumeTheResearcherRoleForALogin", Effect: Allow, Action: []string{"sts:AssumeRole", "sts:SetSourceIdentity"},
			Resource:  []string{arns.RoleARN(ResearcherRoleName(pit))},
			Condition: Condition{"Null": {"sts:SourceIdentity": {"false"}}}},
		{Sid: "FetchTheCredentialBroker", Effect: Allow, Action: []string{"s3:GetObject"},
			Resource: []string{arns.Bucket(software) + "/" + BrokerPrefix + "*"}},
		{Sid: "DecryptSoftwareThroughS3", Effect: Allow, Action: []string{"kms:Decrypt"}, Resource: []string{key},
			Condition: Condition{"StringEquals": {
				"kms:ViaService":                   {fmt.Sprintf("s3.%s.amazonaws.com", arns.Region)},
				"kms:EncryptionContext:aws:s3:arn": {arns.Bucket(software)},
			}}},
	}
}

// researcherRoleArgs describe the researcher role.
type researcherRoleArgs struct {
	pit    string
	arns   ARNs
	logins []string
	// dataIn, output and key are the ARNs of the buckets and key its policy grants.
	dataIn, output, key pulumi.StringInput
	// table is the ledger table where the researchers' egress requests are recorded; nil: no airlock
	// permissions.
	table pulumi.StringInput
}

// newResearcherRole creates the researcher role, its data policy and the policy's attachment.
func newResearcherRole(ctx *pulumi.Context, child func(string) string, a researcherRoleArgs, opts ...pulumi.ResourceOption) (*iam.Role, error) {
	trust, err := ResearcherTrustPolicy(a.arns, a.pit, a.logins)
	if err != nil {
		return nil, err
	}
	name := ResearcherRoleName(a.pit)
	role, err := iam.NewRole(ctx, child("researcher-role"), &iam.RoleArgs{
		Name:               pulumi.String(name),
		Description:        pulumi.Sprintf("The researchers of %s on the workstation, one session per login, named by its source identity", a.pit),
		AssumeRolePolicy:   pulumi.String(trust),
		MaxSessionDuration: pulumi.Int(ResearcherSessionSeconds),
		Tags:               pulumi.StringMap{"Name": pulumi.String(name)},
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("create researcher role: %w", err)
	}
	table := pulumi.StringInput(pulumi.String(""))
	if a.table != nil {
		table = a.table
	}
	doc := pulumi.All(a.dataIn, a.output, a.key, table).ApplyT(func(v []any) (string, error) {
		st := researcherStatements(a.arns, v[0].(string), v[1].(string), v[2].(string))
		if t := v[3].(string); t != "" {
			// The airlock's requests go with the data permissions: whoever writes the outbox is the
			// requester, and records the request under its own key (docs/airlock.md).
			st = append(st, AirlockRequesterStatements(a.arns, t, v[1].(string), v[2].(string))...)
		}
		return PolicyDocument{Version: PolicyVersion, Statement: st}.JSON()
	}).(pulumi.StringOutput)
	if _, err := newRolePolicy(ctx, rolePolicy{
		name: child("researcher-policy"), attachment: child("researcher-policy-attachment"), role: role.Name,
		args: &iam.PolicyArgs{
			Description: pulumi.Sprintf("What the researchers of %s may do with the data", a.pit),
			Policy:      doc,
			Tags:        pulumi.StringMap{"Name": pulumi.String(name)},
		},
		createErr: "create researcher policy", attachErr: "attach the researcher policy",
	}, opts...); err != nil {
		return nil, err
	}
	return role, nil
}
