package verify

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/model/iameval"
)

// deployingRole stands for whoever runs `pulumi up`: its own policies are outside the plan (assumedAllow),
// so a flow of it judges only what the stack's key policy lets IAM decide.
const deployingRole = "role/the-deploying-role"

// backup: the flows of each AWS Backup selection of the stack, derived from the resources it selects
// (AWS Backup Developer Guide, "Encryption for backups in AWS Backup",
// https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html: EBS snapshots and the AMIs of
// EC2 instances keep the source volumes' key, a DynamoDB backup the table's key or, with advanced DynamoDB
// backup, the vault's, and "your IAM role must have access to the KMS key being used to back up and
// restore the object"; "Backup vault creation and deletion",
// https://docs.aws.amazon.com/aws-backup/latest/devguide/create-a-vault.html: creating a vault with a
// customer managed key needs kms:CreateGrant, DescribeKey, RetireGrant, Decrypt and GenerateDataKey, the
// grant AWS Backup then uses the vault's key through):
//
//   - AWS Backup of this account assumes the selection's role (and of another account may not);
//   - the role backs up each selected instance (CreateImage, the tags of its recovery point, and the
//     project key through EC2 for every encrypted volume: DescribeKey, CreateGrant for an AWS resource,
//     GenerateDataKeyWithoutPlaintext with the aws:ebs:id encryption context, as AWS's own
//     AWSBackupServiceRolePolicyForBackup grants them) and restores it (RunInstances, PassRole of its
//     instance role to EC2, CreateVolume, the key through EC2);
//   - the role backs up each selected DynamoDB table (StartAwsBackupJob with advanced DynamoDB backup,
//     CreateBackup without: the account's setting is outside the plan, so both) and restores it, the key
//     through DynamoDB;
//   - the deployment creates the vault with the project key.
func (sv *services) backup() []Flow {
	var out []Flow
	for _, sel := range sv.s.OfType("aws:backup/selection:Selection") {
		roleARN := str(sel.Props["iamRoleArn"])
		role, trust, ok := sv.roleByARN(roleARN)
		if !ok {
			out = append(out, broken("AWS Backup works as the selection's role", roleARN, fmt.Sprintf("selection %s names role %q, which the stack does not hold", sel.Name, roleARN)))
			continue
		}
		other := fmt.Sprintf("arn:aws:backup:%s:%s:backup-vault:*", sv.region, otherAccount)
		out = append(out,
			sv.judge("AWS Backup assumes the backup role (sts:AssumeRole with aws:SourceAccount)", Allowed,
				assume("backup.amazonaws.com", roleARN, trust, sv.account, "")),
			sv.judge("AWS Backup of another account assumes the backup role", Denied,
				assume("backup.amazonaws.com", roleARN, trust, otherAccount, other)),
		)
		resources, _ := sel.Props["resources"].([]any)
		for _, v := range resources {
			arn := str(v)
			switch {
			case strings.Contains(arn, ":instance/"):
				in, found := sv.instanceByID(arn)
				if !found {
					out = append(out, broken("AWS Backup backs up "+arn, arn, "the selection names an instance the stack does not hold"))
					continue
				}
				out = append(out, sv.backupInstance(role, in)...)
			case strings.Contains(arn, ":table/"):
				out = append(out, sv.backupTable(role, arn)...)
			}
		}
	}
	for _, v := range sv.s.OfType("aws:backup/vault:Vault") {
		if str(v.Props["kmsKeyArn"]) != sv.key {
			continue
		}
		deployer := principal{arn: fmt.Sprintf("arn:aws:iam::%s:%s", sv.account, deployingRole), docs: []*iameval.Document{assumedAllow}}
		var calls []call
		for _, a := range []string{"kms:DescribeKey", "kms:CreateGrant", "kms:RetireGrant", "kms:Decrypt", "kms:GenerateDataKey"} {
			calls = append(calls, deployer.as(a, sv.key, nil, nil, sv.account))
		}
		out = append(out, sv.judge("the deployment creates the backup vault "+str(v.Props["name"])+" encrypted with the project key (the key policy lets IAM decide kms:CreateGrant, DescribeKey, RetireGrant, Decrypt and GenerateDataKey)", Allowed, calls...))
	}
	return out
}

// ebsKey returns the project key's calls EC2 makes for the role on an instance's encrypted volumes, with
// the actions given.
func (sv *services) ebsKey(role principal, in instance, actions ...string) []call {
	var calls []call
	for _, key := range in.keys {
		if key != sv.key {
			continue // another key's policy is not in the plan
		}
		for _, a := range actions {
			ctx := viaService("ec2", sv.region)
			switch a {
			case "kms:CreateGrant":
				ctx = with(ctx, "kms:GrantIsForAWSResource", "true")
			case "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:Decrypt":
				ctx = viaService("ec2", sv.region, "aws:ebs:id", "vol-0123456789abcdef0")
			}
			calls = append(calls, role.as(a, key, ctx, nil, sv.account))
		}
	}
	return calls
}

func (sv *services) backupInstance(role principal, in instance) []Flow {
	image := fmt.Sprintf("arn:aws:ec2:%s::image/ami-0123456789abcdef0", sv.region)
	snapshot := fmt.Sprintf("arn:aws:ec2:%s::snapshot/snap-0123456789abcdef0", sv.region)
	what := fmt.Sprintf("the %s instance and its %s", in.name, volumes(in.encrypted))
	backup := []call{
		role.as("ec2:DescribeInstances", "*", nil, nil, sv.account),
		role.as("ec2:CreateImage", in.arn, nil, nil, sv.account),
		role.as("ec2:CreateImage", image, nil, nil, sv.account),
		role.as("ec2:CreateImage", snapshot, nil, nil, sv.account),
		role.as("ec2:CreateTags", image, nil, nil, sv.account),
		role.as("ec2:CreateTags", snapshot, nil, nil, sv.account),
	}
	backup = append(backup, sv.ebsKey(role, in, "kms:DescribeKey", "kms:CreateGrant", "kms:GenerateDataKeyWithoutPlaintext")...)
	newInstance := fmt.Sprintf("arn:aws:ec2:%s:%s:instance/i-0123456789abcdef0", sv.region, sv.account)
	restore := []call{
		role.as("ec2:RunInstances", newInstance, nil, nil, sv.account),
		role.as("ec2:RunInstances", image, nil, nil, sv.account),
		role.as("ec2:CreateTags", newInstance, map[string][]string{"ec2:CreateAction": {"RunInstances"}}, nil, sv.account),
	}
	if profileRole := sv.instanceRoleARN(in); profileRole != "" {
		restore = append(restore, role.as("iam:PassRole", profileRole, map[string][]string{"iam:PassedToService": {"ec2.amazonaws.com"}}, nil, sv.account))
	}
	if len(in.volumes) > 0 {
		restore = append(restore, role.as("ec2:CreateVolume", snapshot, nil, nil, sv.account),
			role.as("ec2:CreateVolume", fmt.Sprintf("arn:aws:ec2:%s:%s:volume/vol-0123456789abcdef0", sv.region, sv.account), nil, nil, sv.account))
	}
	restore = append(restore, sv.ebsKey(role, in, "kms:DescribeKey", "kms:CreateGrant", "kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom")...)
	return []Flow{
		sv.judge("AWS Backup backs up "+what+" (CreateImage and its recovery point's tags; the project key through EC2: DescribeKey, CreateGrant for EBS, GenerateDataKeyWithoutPlaintext)", Allowed, backup...),
		sv.judge("AWS Backup restores "+what+" (RunInstances, PassRole of its instance role to EC2, CreateVolume; the project key through EC2)", Allowed, restore...),
	}
}

func (sv *services) backupTable(role principal, arn string) []Flow {
	t := sv.byOutput("aws:dynamodb/table:Table", "arn", arn)
	if t == nil {
		return []Flow{broken("AWS Backup backs up "+arn, arn, "the selection names a table the stack does not hold")}
	}
	name := str(t.Props["name"])
	key := func(actions ...string) []call {
		if str(lookup(t.Props, "serverSideEncryption", "kmsKeyArn")) != sv.key {
			return nil
		}
		var calls []call
		for _, a := range actions {
			calls = append(calls, role.as(a, sv.key, viaService("dynamodb", sv.region, "aws:dynamodb:tableName", name), nil, sv.account))
		}
		return calls
	}
	backup := []call{
		role.as("dynamodb:DescribeTable", arn, nil, nil, sv.account),
		role.as("dynamodb:ListTagsOfResource", arn, nil, nil, sv.account),
		role.as("dynamodb:StartAwsBackupJob", arn, nil, nil, sv.account),
		role.as("dynamodb:CreateBackup", arn, nil, nil, sv.account),
	}
	restore := []call{
		role.as("dynamodb:RestoreTableFromAwsBackup", arn, nil, nil, sv.account),
		role.as("dynamodb:RestoreTableFromBackup", arn+"/backup/01700000000000-0a1b2c3d", nil, nil, sv.account),
		role.as("dynamodb:DescribeTable", arn, nil, nil, sv.account),
	}
	return []Flow{
		sv.judge("AWS Backup backs up the DynamoDB table "+name+" encrypted with the project key (StartAwsBackupJob or CreateBackup; the key through DynamoDB)", Allowed,
			append(backup, key("kms:Decrypt", "kms:GenerateDataKey")...)...),
		sv.judge("AWS Backup restores the DynamoDB table "+name+" (RestoreTableFromAwsBackup or RestoreTableFromBackup; the key through DynamoDB)", Allowed,
			append(restore, key("kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey")...)...),
	}
}
