package components

// The role a RedshiftOMOP's COPY statements load with: which database user may have Redshift assume it,
// and which S3 prefixes it may read.

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// RedshiftDBUserARN is the ARN of a database user of a cluster, which Redshift passes as sts:ExternalId
// when that user's COPY assumes a role (Redshift Management Guide, "Restricting access to IAM roles",
// authorizing-redshift-service-database-users.html).
func RedshiftDBUserARN(arns ARNs, cluster, user string) string {
	return fmt.Sprintf("arn:%s:redshift:%s:%s:dbuser:%s/%s", arns.Partition, arns.Region, arns.AccountID, cluster, user)
}

// redshiftCopyRole may read the configured prefixes of one bucket, and decrypt them through S3: COPY never
// needs access keys (the seed's COPY carried them in its SQL). Only the administrator of this cluster may
// have Redshift assume it: the trust names the administrator's database-user ARN as sts:ExternalId, the
// restriction the Redshift guide documents. The guide documents no aws:SourceAccount or aws:SourceArn for
// Redshift's AssumeRole, so a condition on them could refuse every COPY. Without the restriction, every
// database user could COPY with the role (roles of a cluster are available to all its users by default),
// the read-only user into the results schema it may write.
func redshiftCopyRole(ctx *pulumi.Context, child func(string) string, a RedshiftOMOPArgs, cluster string, parent pulumi.ResourceOption) (*iam.Role, *iam.RolePolicyAttachment, error) {
	trust, err := PolicyDocument{Version: PolicyVersion, Statement: []Statement{{
		Sid: "RedshiftAdministratorOfThisCluster", Effect: Allow,
		Principal: &Principal{Service: []string{ServicePrincipal("redshift")}},
		Action:    []string{"sts:AssumeRole"},
		Condition: Condition{"StringEquals": {"sts:ExternalId": {RedshiftDBUserARN(a.ARNs, cluster, redshiftAdminUser)}}},
	}}}.JSON()
	if err != nil {
		return nil, nil, fmt.Errorf("redshift copy role trust policy: %w", err)
	}
	role, err := iam.NewRole(ctx, child("copy-role"), &iam.RoleArgs{
		Description:      pulumi.Sprintf("COPY into the %s OMOP cluster from its S3 prefixes", a.PIT),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             pulumi.StringMap{"Name": pulumi.String(a.PIT + "-omop-copy")},
	}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("create redshift copy role: %w", err)
	}
	prefixes := append([]string{}, a.CopyPrefixes...)
	sort.Strings(prefixes)
	doc := pulumi.All(a.CopyBucketARN, a.KMSKeyARN).ApplyT(func(v []any) (string, error) {
		bucket, key := v[0].(string), v[1].(string)
		var objects, listPrefixes []string
		for _, p := range prefixes {
			objects = append(objects, bucket+"/"+p+"*")
			listPrefixes = append(listPrefixes, p+"*")
		}
		return PolicyDocument{Version: PolicyVersion, Statement: []Statement{
			{Sid: "ReadCopyPrefixes", Effect: Allow, Action: []string{"s3:GetObject"}, Resource: objects},
			{Sid: "ListCopyPrefixes", Effect: Allow, Action: []string{"s3:ListBucket"}, Resource: []string{bucket},
				Condition: Condition{"StringLike": {"s3:prefix": listPrefixes}}},
			// A GetBucketLocation request carries no s3:prefix, so under the condition above it would never
			// be allowed: it gets a statement of its own.
			{Sid: "LocateCopyBucket", Effect: Allow, Action: []string{"s3:GetBucketLocation"}, Resource: []string{bucket}},
			{Sid: "DecryptThroughS3", Effect: Allow, Action: []string{"kms:Decrypt"}, Resource: []string{key},
				Condition: Condition{"StringEquals": {"kms:ViaService": {fmt.Sprintf("s3.%s.amazonaws.com", a.ARNs.Region)}}}},
		}}.JSON()
	}).(pulumi.StringOutput)
	attachment, err := newRolePolicy(ctx, rolePolicy{
		name: child("copy-policy"), attachment: child("copy-policy-attachment"), role: role.Name,
		args: &iam.PolicyArgs{
			Description: pulumi.Sprintf("Read the %s OMOP load prefixes only", a.PIT),
			Policy:      doc,
		},
		createErr: "create redshift copy policy", attachErr: "attach redshift copy policy",
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	return role, attachment, nil
}
