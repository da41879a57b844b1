package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// KeyService is an AWS service that the project key's policy lets use the key.
type KeyService string

// Services the project key can serve. Each is added when the stack uses it, so the key policy grants no
// service more than the stack needs. S3 needs no statement: it uses the key on behalf of the caller, whose
// own permissions decide. SQS and Redshift join as their components land.
const (
	// KeyServiceCloudWatchLogs lets CloudWatch Logs encrypt the project's log groups.
	KeyServiceCloudWatchLogs KeyService = "logs"
	// KeyServiceCloudTrail lets the project's trail encrypt its log files (and read the bucket key).
	KeyServiceCloudTrail KeyService = "cloudtrail"
	// KeyServiceConfig lets AWS Config deliver encrypted configuration history into the log bucket.
	KeyServiceConfig KeyService = "config"
	// KeyServiceCloudWatchAlarms lets CloudWatch alarms publish to the project's encrypted SNS topic.
	KeyServiceCloudWatchAlarms KeyService = "cloudwatch"
	// KeyServiceAutoScaling lets EC2 Auto Scaling launch workers whose volumes are encrypted with the key
	// (and publish to the encrypted topic), through its service-linked role.
	KeyServiceAutoScaling KeyService = "autoscaling"
)

// KeyDeletionWindowDays is the waiting period before a scheduled key deletion takes effect: the longest
// AWS allows, so that a mistaken deletion of the key that guards PHI can be cancelled.
const KeyDeletionWindowDays = 30

// ProjectKeyArgs configures a ProjectKey.
type ProjectKeyArgs struct {
	// PIT is the Project Identifier Tag; the alias is alias/<PIT>. Required.
	PIT string
	// ARNs gives the partition, region and account of the key. Required.
	ARNs ARNs
	// LogGroupPrefixes are the name prefixes of the log groups CloudWatch Logs may encrypt with the key.
	// Default: "/sce/<PIT>/" only; services that name their own log groups (Redshift) add theirs.
	LogGroupPrefixes []string
	// Services lists the AWS services that may use the key. Default: CloudWatch Logs only.
	Services []KeyService
	// TrailARN is the project trail's ARN. Required with KeyServiceCloudTrail.
	TrailARN string
	// Protect marks the key protected, so that `pulumi destroy` refuses to delete it. The key is retained
	// on delete either way. Default: false.
	Protect bool
	// LedgerReaders are roles outside the project (the airlock's reviewers) that read and write the
	// upload ledger table, which the key encrypts; LedgerTable is its name. Default: none.
	LedgerReaders []string
	LedgerTable   string
}

// ProjectKey is the project's customer-managed KMS key: rotated yearly, aliased alias/<PIT>, retained
// when the stack is destroyed because the data and logs it encrypts outlive the stack.
type ProjectKey struct {
	pulumi.ResourceState

	// Key is the KMS key.
	Key *kms.Key
	// Alias is alias/<PIT>.
	Alias *kms.Alias
	// ARN is the key's ARN.
	ARN pulumi.StringOutput
	// AliasName is "alias/<PIT>".
	AliasName pulumi.StringOutput
}

// LogGroupPrefix returns the name prefix under which the project's log groups live.
func LogGroupPrefix(pit string) string { return "/sce/" + pit + "/" }

// NewProjectKey creates the project key, its policy and its alias.
func NewProjectKey(ctx *pulumi.Context, name string, args *ProjectKeyArgs, opts ...pulumi.ResourceOption) (*ProjectKey, error) {
	if args == nil || args.PIT == "" || args.ARNs.AccountID == "" || args.ARNs.Region == "" || args.ARNs.Partition == "" {
		return nil, fmt.Errorf("project key %s: PIT, partition, region and account id are required", name)
	}
	a := *args
	if len(a.LogGroupPrefixes) == 0 {
		a.LogGroupPrefixes = []string{LogGroupPrefix(a.PIT)}
	}
	if len(a.Services) == 0 {
		a.Services = []KeyService{KeyServiceCloudWatchLogs}
	}

	k := &ProjectKey{}
	if err := ctx.RegisterComponentResource("sce:security:ProjectKey", name, k, opts...); err != nil {
		return nil, fmt.Errorf("register project key %s: %w", name, err)
	}
	policy, err := KeyPolicy(a)
	if err != nil {
		return nil, fmt.Errorf("project key %s: %w", name, err)
	}

	keep := []pulumi.ResourceOption{pulumi.Parent(k), pulumi.RetainOnDelete(true), pulumi.Protect(a.Protect)}
	k.Key, err = kms.NewKey(ctx, name+"-key", &kms.KeyArgs{
		Description:           pulumi.Sprintf("SCE project key for %s: encrypts its PHI, logs and secrets", a.PIT),
		KeyUsage:              pulumi.String("ENCRYPT_DECRYPT"),
		CustomerMasterKeySpec: pulumi.String("SYMMETRIC_DEFAULT"),
		EnableKeyRotation:     pulumi.Bool(true),
		DeletionWindowInDays:  pulumi.Int(KeyDeletionWindowDays),
		Policy:                pulumi.String(policy),
		Tags:                  pulumi.StringMap{"Name": pulumi.String(a.PIT + "-key")},
	}, keep...)
	if err != nil {
		return nil, fmt.Errorf("create project key %s: %w", name, err)
	}
	k.Alias, err = kms.NewAlias(ctx, name+"-alias", &kms.AliasArgs{
		Name:        pulumi.String("alias/" + a.PIT),
		TargetKeyId: k.Key.KeyId,
	}, pulumi.Parent(k))
	if err != nil {
		return nil, fmt.Errorf("create key alias for %s: %w", name, err)
	}
	k.ARN = k.Key.Arn
	k.AliasName = k.Alias.Name

	if err := ctx.RegisterResourceOutputs(k, pulumi.Map{
		"arn":   k.ARN,
		"alias": k.AliasName,
	}); err != nil {
		return nil, fmt.Errorf("register project key outputs: %w", err)
	}
	return k, nil
}

// KeyPolicy returns the project key's policy: the account administers the key through IAM, and each
// listed service may use it only for its own purpose, scoped by encryption context.
func KeyPolicy(a ProjectKeyArgs) (string, error) {
	doc := PolicyDocument{
		Version: PolicyVersion,
		ID:      a.PIT + "-key-policy",
		Statement: []Statement{{
			Sid:       "AccountAdministersKeyThroughIAM",
			Effect:    Allow,
			Principal: &Principal{AWS: []string{a.ARNs.AccountRoot()}},
			Action:    []string{"kms:*"},
			Resource:  []string{"*"},
		}},
	}
	for _, s := range a.Services {
		switch s {
		case KeyServiceCloudWatchLogs:
			doc.Statement = append(doc.Statement, Statement{
				Sid:       "CloudWatchLogsEncryptsProjectLogGroups",
				Effect:    Allow,
				Principal: &Principal{Service: []string{ServicePrincipal("logs." + a.ARNs.Region)}},
				Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
				Resource:  []string{"*"},
				Condition: Condition{"ArnLike": {
					"kms:EncryptionContext:aws:logs:arn": logGroupPatterns(a),
				}},
			})
		case KeyServiceCloudTrail:
			if a.TrailARN == "" {
				return "", fmt.Errorf("key service cloudtrail needs the trail ARN")
			}
			service := &Principal{Service: []string{ServicePrincipal("cloudtrail")}}
			fromTrail := map[string][]string{"aws:SourceArn": {a.TrailARN}}
			doc.Statement = append(doc.Statement,
				Statement{Sid: "CloudTrailEncryptsProjectTrailLogs", Effect: Allow, Principal: service,
					Action: []string{"kms:GenerateDataKey*"}, Resource: []string{"*"},
					Condition: Condition{
						"StringEquals": fromTrail,
						"StringLike":   {"kms:EncryptionContext:aws:cloudtrail:arn": {fmt.Sprintf("arn:%s:cloudtrail:*:%s:trail/*", a.ARNs.Partition, a.ARNs.AccountID)}},
					}},
				// Describe, and Decrypt for the log bucket's S3 Bucket Key, which CloudTrail needs to create or update the trail.
				Statement{Sid: "CloudTrailDescribesKeyAndReadsBucketKey", Effect: Allow, Principal: service,
					Action: []string{"kms:DescribeKey", "kms:Decrypt"}, Resource: []string{"*"},
					Condition: Condition{"StringEquals": fromTrail}})
		case KeyServiceConfig:
			doc.Statement = append(doc.Statement, Statement{Sid: "ConfigDeliversEncryptedHistory", Effect: Allow,
				Principal: &Principal{Service: []string{ServicePrincipal("config")}},
				Action:    []string{"kms:Decrypt", "kms:GenerateDataKey"}, Resource: []string{"*"},
				Condition: Condition{"StringEquals": {"aws:SourceAccount": {a.ARNs.AccountID}}}})
		case KeyServiceCloudWatchAlarms:
			doc.Statement = append(doc.Statement, Statement{Sid: "CloudWatchAlarmsPublishToEncryptedTopic", Effect: Allow,
				Principal: &Principal{Service: []string{ServicePrincipal("cloudwatch")}},
				Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resource: []string{"*"},
				Condition: Condition{
					"StringEquals": {"aws:SourceAccount": {a.ARNs.AccountID}},
					"ArnLike":      {"aws:SourceArn": {fmt.Sprintf("arn:%s:cloudwatch:%s:%s:alarm:*", a.ARNs.Partition, a.ARNs.Region, a.ARNs.AccountID)}},
				}})
		case KeyServiceAutoScaling:
			// AWS's documented key policy for Auto Scaling with encrypted volumes: its service-linked role
			// uses the key, and may create grants only for AWS resources (the instances' volumes). KMS
			// refuses a principal that does not exist: docs/workers.md says how to create the role once.
			role := &Principal{AWS: []string{AutoScalingServiceLinkedRole(a.ARNs)}}
			doc.Statement = append(doc.Statement,
				Statement{Sid: "AutoScalingUsesKeyForWorkerVolumes", Effect: Allow, Principal: role,
					Action:   []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"},
					Resource: []string{"*"}},
				Statement{Sid: "AutoScalingAttachesWorkerVolumes", Effect: Allow, Principal: role,
					Action: []string{"kms:CreateGrant"}, Resource: []string{"*"},
					Condition: Condition{"Bool": {"kms:GrantIsForAWSResource": {"true"}}}})
		default:
			return "", fmt.Errorf("key service %q is not supported", s)
		}
	}
	doc.Statement = append(doc.Statement, ledgerReaderStatements(a)...)
	return doc.JSON()
}

// logGroupPatterns returns the ARN patterns of the log groups the key may encrypt.
func logGroupPatterns(a ProjectKeyArgs) []string {
	prefixes := a.LogGroupPrefixes
	if len(prefixes) == 0 {
		prefixes = []string{LogGroupPrefix(a.PIT)}
	}
	out := make([]string, len(prefixes))
	for i, p := range prefixes {
		out[i] = a.ARNs.LogGroup(p + "*")
	}
	return out
}

// AutoScalingServiceLinkedRole is the ARN of EC2 Auto Scaling's default service-linked role.
func AutoScalingServiceLinkedRole(a ARNs) string {
	return fmt.Sprintf("arn:%s:iam::%s:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling", a.Partition, a.AccountID)
}
