package components

// An EMRCluster's IAM: the service role, the nodes' role and instance profile, and the least-privilege
// statements of each.

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// EMRNodeStatements are the least-privilege statements of the cluster nodes' role: read data-in, read and
// write output, read the cluster's files in the ancillary bucket, write logs under the log bucket's emr/
// prefix, use the project key, read EMR's own regional buckets (packages, scripts), and describe the
// cluster to EMR's agents.
func EMRNodeStatements(arns ARNs, releaseLabel, dataIn, output, ancillary, logs, key, certificatePrefix string) []Statement {
	var platform []string
	for _, b := range EMRRepositoryBuckets(arns.Region, releaseLabel) {
		platform = append(platform, arns.Objects(b))
	}
	return []Statement{
		{Sid: "ReadDataIn", Effect: Allow, Action: []string{"s3:GetObject", "s3:GetObjectVersion"}, Resource: []string{dataIn + "/*"}},
		{Sid: "ReadWriteOutput", Effect: Allow,
			Action:   []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"},
			Resource: []string{output + "/*"}},
		{Sid: "ListDataInAndOutput", Effect: Allow, Action: []string{"s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"},
			Resource: []string{dataIn, output}},
		{Sid: "ReadClusterFiles", Effect: Allow, Action: []string{"s3:GetObject"}, Resource: []string{ancillary + "/" + certificatePrefix + "*"}},
		{Sid: "WriteClusterLogs", Effect: Allow, Action: []string{"s3:PutObject"}, Resource: []string{logs + "/" + EMRLogPrefix + "*"}},
		{Sid: "ListClusterLogs", Effect: Allow, Action: []string{"s3:ListBucket"}, Resource: []string{logs},
			Condition: Condition{"StringLike": {"s3:prefix": {EMRLogPrefix + "*"}}}},
		{Sid: "UseProjectKey", Effect: Allow,
			Action:   []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:DescribeKey"},
			Resource: []string{key}},
		{Sid: "ReadEMRRegionalBuckets", Effect: Allow, Action: []string{"s3:GetObject"},
			Resource: platform},
		{Sid: "DescribeOwnCluster", Effect: Allow,
			Action: []string{"elasticmapreduce:DescribeCluster", "elasticmapreduce:ListBootstrapActions", "elasticmapreduce:ListInstanceGroups",
				"elasticmapreduce:ListInstances", "elasticmapreduce:ListSteps"},
			Resource: []string{fmt.Sprintf("arn:%s:elasticmapreduce:%s:%s:cluster/*", arns.Partition, arns.Region, arns.AccountID)}},
	}
}

// EMREBSKeyActions are the KMS actions a principal needs for EBS to encrypt volumes with a customer managed
// key on its behalf (EBS User Guide, "Requirements for Amazon EBS encryption": CreateGrant, Decrypt,
// DescribeKey, GenerateDataKeyWithoutPlainText, ReEncrypt). ReEncrypt is the two actions ReEncryptFrom and
// ReEncryptTo.
var EMREBSKeyActions = []string{
	"kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo",
}

// EMRServiceStatements are the statements of the EMR service role besides AmazonEMRServicePolicy_v2: pass
// the node role to EC2, and let EBS encrypt the nodes' root and storage volumes with the project key,
// which the security configuration names (EnableEbsEncryption). EMR launches the nodes with the service
// role's credentials, so EBS uses the key as that role: grants only for AWS resources, the data-key
// actions only through EC2 in this region (kms:ViaService), and DescribeKey, which reveals nothing secret,
// without a condition so that EMR can check the key itself. The key policy leaves its use to IAM
// (KeyPolicy's account statement), so these statements suffice.
func EMRServiceStatements(arns ARNs, nodeRoleARN, keyARN string) []Statement {
	return []Statement{
		{Sid: "PassNodeRoleToEC2", Effect: Allow, Action: []string{"iam:PassRole"}, Resource: []string{nodeRoleARN},
			Condition: Condition{"StringLike": {"iam:PassedToService": {"ec2.amazonaws.com*"}}}},
		{Sid: "EncryptEBSWithProjectKey", Effect: Allow, Action: []string{"kms:CreateGrant"}, Resource: []string{keyARN},
			Condition: Condition{"Bool": {"kms:GrantIsForAWSResource": {"true"}}}},
		{Sid: "EBSUsesProjectKeyThroughEC2", Effect: Allow,
			Action:    []string{"kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"},
			Resource:  []string{keyARN},
			Condition: Condition{"StringEquals": {"kms:ViaService": {EC2ViaService(arns.Region)}}}},
		{Sid: "DescribeProjectKey", Effect: Allow, Action: []string{"kms:DescribeKey"}, Resource: []string{keyARN}},
	}
}

// EC2ViaService is the kms:ViaService value of requests EC2 (and EBS) make to KMS on a principal's behalf.
func EC2ViaService(region string) string { return "ec2." + region + ".amazonaws.com" }

// emrRoles creates the service role (AWS's AmazonEMRServicePolicy_v2, which only touches resources that
// carry EMRManagedPolicyTag, plus passing the node role and granting EBS the project key) and the nodes'
// role and instance profile. It returns the attachments the cluster must wait for.
func emrRoles(ctx *pulumi.Context, child func(string) string, a EMRClusterArgs, c *EMRCluster, parent pulumi.ResourceOption) ([]pulumi.Resource, error) {
	var waits []pulumi.Resource
	nodeTrust, err := PolicyDocument{Version: PolicyVersion, Statement: []Statement{{
		Sid: "EC2Instances", Effect: Allow, Principal: &Principal{Service: []string{ServicePrincipal("ec2")}},
		Action: []string{"sts:AssumeRole"},
	}}}.JSON()
	if err != nil {
		return nil, fmt.Errorf("emr node role trust policy: %w", err)
	}
	c.NodeRole, err = iam.NewRole(ctx, child("node-role"), &iam.RoleArgs{
		Description:      pulumi.Sprintf("The EMR nodes of %s", a.PIT),
		AssumeRolePolicy: pulumi.String(nodeTrust),
		Tags:             pulumi.StringMap{"Name": pulumi.String(a.PIT + "-emr-node")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create emr node role: %w", err)
	}
	prefix := a.CertificatePrefix
	nodeDoc := pulumi.All(a.DataInBucketARN, a.OutputBucketARN, a.AncillaryBucketARN, a.LogBucketARN, a.KMSKeyARN).ApplyT(func(v []any) (string, error) {
		return PolicyDocument{Version: PolicyVersion, Statement: EMRNodeStatements(a.ARNs, a.ReleaseLabel,
			v[0].(string), v[1].(string), v[2].(string), v[3].(string), v[4].(string), prefix)}.JSON()
	}).(pulumi.StringOutput)
	att, err := newRolePolicy(ctx, rolePolicy{
		name: child("node-policy"), attachment: child("node-policy-attachment"), role: c.NodeRole.Name,
		args: &iam.PolicyArgs{
			Description: pulumi.Sprintf("Least privilege of the EMR nodes of %s", a.PIT),
			Policy:      nodeDoc,
			Tags:        pulumi.StringMap{"Name": pulumi.String(a.PIT + "-emr-node")},
		},
		createErr: "create emr node policy", attachErr: "attach emr node policy",
	}, parent)
	if err != nil {
		return nil, err
	}
	waits = append(waits, att)
	c.InstanceProfile, err = iam.NewInstanceProfile(ctx, child("node-profile"), &iam.InstanceProfileArgs{
		Role: c.NodeRole.Name,
		Tags: pulumi.StringMap{"Name": pulumi.String(a.PIT + "-emr-node")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create emr instance profile: %w", err)
	}

	serviceTrust, err := PolicyDocument{Version: PolicyVersion, Statement: []Statement{{
		Sid: "EMRInThisAccount", Effect: Allow, Principal: &Principal{Service: []string{ServicePrincipal("elasticmapreduce")}},
		Action:    []string{"sts:AssumeRole"},
		Condition: Condition{"StringEquals": {"aws:SourceAccount": {a.ARNs.AccountID}}},
	}}}.JSON()
	if err != nil {
		return nil, fmt.Errorf("emr service role trust policy: %w", err)
	}
	c.ServiceRole, err = iam.NewRole(ctx, child("service-role"), &iam.RoleArgs{
		Description:      pulumi.Sprintf("The EMR service role of %s", a.PIT),
		AssumeRolePolicy: pulumi.String(serviceTrust),
		Tags:             pulumi.StringMap{"Name": pulumi.String(a.PIT + "-emr-service")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create emr service role: %w", err)
	}
	managed, err := attachPolicy(ctx, child("service-policy-attachment"), c.ServiceRole.Name,
		pulumi.Sprintf("arn:%s:iam::aws:policy/%s", a.ARNs.Partition, emrServicePolicy), "attach AmazonEMRServicePolicy_v2", parent)
	if err != nil {
		return nil, err
	}
	waits = append(waits, managed)
	serviceDoc := pulumi.All(c.NodeRole.Arn, a.KMSKeyARN).ApplyT(func(v []any) (string, error) {
		return PolicyDocument{Version: PolicyVersion, Statement: EMRServiceStatements(a.ARNs, v[0].(string), v[1].(string))}.JSON()
	}).(pulumi.StringOutput)
	att, err = newRolePolicy(ctx, rolePolicy{
		name: child("service-policy"), attachment: child("service-extra-attachment"), role: c.ServiceRole.Name,
		args: &iam.PolicyArgs{
			Description: pulumi.Sprintf("Pass the EMR node role of %s and encrypt its volumes", a.PIT),
			Policy:      serviceDoc,
			Tags:        pulumi.StringMap{"Name": pulumi.String(a.PIT + "-emr-service")},
		},
		createErr: "create emr service policy", attachErr: "attach emr service policy",
	}, parent)
	if err != nil {
		return nil, err
	}
	return append(waits, att), nil
}
