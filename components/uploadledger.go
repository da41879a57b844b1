package components

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/dynamodb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Upload ledger settings.
const (
	// DefaultQuarantinePrefix receives objects whose keys look like PHI.
	DefaultQuarantinePrefix = "quarantine/"
	// ledgerMaxReceives moves a message to the dead-letter queue after five failed deliveries.
	ledgerMaxReceives = 5
	// fourteenDays is SQS's longest message retention: the dead-letter queue's.
	fourteenDays = 1209600
	// LedgerStreamViewType is what the ledger table's stream records hold: the item as written, which is
	// what the release function judges.
	LedgerStreamViewType = "NEW_IMAGE"
	// sevenDays is the upload queue's retention. It must be shorter than the dead-letter queue's: SQS keeps
	// a message's first enqueue time when it redrives it, so a message that failed late would otherwise
	// expire in the dead-letter queue almost at once (SQS Developer Guide, "Using dead-letter queues").
	sevenDays = 604800
)

// UploadLedgerArgs configures an UploadLedger.
type UploadLedgerArgs struct {
	// PIT names the function "<PIT>-upload-ledger". Required.
	PIT string
	// ARNs gives the partition, region and account. Required.
	ARNs ARNs
	// Bucket is the data-in bucket: its new objects invoke the function. Required.
	Bucket *EncryptedBucket
	// KMSKeyARN encrypts the table, the queues, the function's environment and its log group. Required.
	KMSKeyARN pulumi.StringInput
	// TopicARN receives the notifications and the PHI alerts. Required.
	TopicARN pulumi.StringInput
	// Code is the function's code: a directory or archive holding the bootstrap binary. Required.
	Code pulumi.Archive
	// PHINames are names the key check looks for, besides the patterns. Default: none.
	PHINames []string
	// QuarantinePrefix is where look-alike PHI keys are moved. Default: DefaultQuarantinePrefix.
	QuarantinePrefix string
	// RecordOnlyPrefixes are key prefixes whose objects are recorded and notified but never queued for the
	// workers: the OMOP load's prefixes, which Redshift's COPY reads. S3's notification filter can select
	// a prefix but not exclude one, so the function filters (RECORD_ONLY_PREFIXES); the quarantine prefix
	// is always one. Each ends with "/". Default: none.
	RecordOnlyPrefixes []string
	// ReservedConcurrency reserves that many concurrent executions for the function, which are also its
	// ceiling. Lambda refuses a reservation that leaves fewer than 100 executions unreserved in the account
	// (PutFunctionConcurrency), and new accounts have a lower quota, so none is the default. Default: 0,
	// none: the function shares the account's unreserved pool.
	ReservedConcurrency int
	// LogRetentionDays of the function's log group. Default: 2192.
	LogRetentionDays int
	// MalwareScan says that the bucket has a malware protection plan (MalwareScan): GuardDuty's scan
	// results reach the function through an EventBridge rule, an object is queued for the workers only
	// once it is scanned clean, and an infected one is quarantined (MALWARE_SCAN=on). Default: false.
	MalwareScan bool
	// Protect marks the ledger table protected. It is retained on delete either way. Default: false.
	Protect bool
}

// UploadLedger is the seed's ancillary pipeline (1E): a new object in data-in invokes a Go function, which
// records it in a DynamoDB ledger, queues it for processing and notifies the topic;
// an object whose key looks like PHI is moved to a quarantine prefix instead, under a hash of its key.
type UploadLedger struct {
	pulumi.ResourceState

	Function *lambda.Function
	Table    *dynamodb.Table
	Queue    *sqs.Queue
	DLQ      *sqs.Queue
}

// NewUploadLedger creates the pipeline.
func NewUploadLedger(ctx *pulumi.Context, name string, args *UploadLedgerArgs, opts ...pulumi.ResourceOption) (*UploadLedger, error) {
	if args == nil || args.PIT == "" || args.Bucket == nil || args.KMSKeyARN == nil ||
		args.TopicARN == nil || args.Code == nil || args.ARNs.AccountID == "" {
		return nil, fmt.Errorf("upload ledger %s: PIT, account, bucket, key, topic and code are required", name)
	}
	a := *args
	setDefault(&a.QuarantinePrefix, DefaultQuarantinePrefix)
	setDefault(&a.LogRetentionDays, SixYearsDays)
	if a.ReservedConcurrency < 0 {
		return nil, fmt.Errorf("upload ledger %s: reserved concurrency %d is negative; 0 reserves none", name, a.ReservedConcurrency)
	}
	for _, p := range a.RecordOnlyPrefixes {
		if !strings.HasSuffix(p, "/") || strings.HasPrefix(p, "/") || strings.ContainsAny(p, ",\n") {
			return nil, fmt.Errorf("upload ledger %s: record-only prefix %q must end with \"/\", not start with one and hold no comma", name, p)
		}
	}
	for _, n := range a.PHINames {
		if strings.ContainsAny(n, ",\n") {
			return nil, fmt.Errorf("upload ledger %s: name %q holds a comma or a newline", name, n)
		}
	}
	u := &UploadLedger{}
	child, parent, err := registerComponent(ctx, "sce:ingest:UploadLedger", "upload ledger", name, u, opts...)
	if err != nil {
		return nil, err
	}

	if u.DLQ, u.Queue, err = ledgerQueues(ctx, child, a, parent); err != nil {
		return nil, err
	}
	u.Table, err = dynamodb.NewTable(ctx, child("table"), &dynamodb.TableArgs{
		Name:        pulumi.String(LedgerTableName(a.PIT)),
		BillingMode: pulumi.String("PAY_PER_REQUEST"),
		HashKey:     pulumi.String("object"),
		RangeKey:    pulumi.String("version"),
		Attributes: dynamodb.TableAttributeArray{
			&dynamodb.TableAttributeArgs{Name: pulumi.String("object"), Type: pulumi.String("S")},
			&dynamodb.TableAttributeArgs{Name: pulumi.String("version"), Type: pulumi.String("S")},
		},
		PointInTimeRecovery:       &dynamodb.TablePointInTimeRecoveryArgs{Enabled: pulumi.Bool(true)},
		ServerSideEncryption:      &dynamodb.TableServerSideEncryptionArgs{Enabled: pulumi.Bool(true), KmsKeyArn: a.KMSKeyARN},
		DeletionProtectionEnabled: pulumi.Bool(true),
		// The stream carries every write to the airlock's release function (AirlockRelease), which
		// reads the new image of each item; it is encrypted with the table's key.
		StreamEnabled:  pulumi.Bool(true),
		StreamViewType: pulumi.String(LedgerStreamViewType),
		Tags:           pulumi.StringMap{"Name": pulumi.String(a.PIT + "-upload-ledger")},
	}, parent, pulumi.RetainOnDelete(true), pulumi.Protect(a.Protect))
	if err != nil {
		return nil, fmt.Errorf("create ledger table: %w", err)
	}
	group, groupName, err := newInstanceLogGroup(ctx, child, a.PIT, "upload-ledger", a.KMSKeyARN, a.LogRetentionDays, a.Protect, parent)
	if err != nil {
		return nil, err
	}
	role, attachments, err := ledgerRole(ctx, child, a, u, groupName, parent)
	if err != nil {
		return nil, err
	}
	// The function is not attached to the VPC: Lambda cannot attach to a dedicated-tenancy VPC ("Lambda
	// functions can't connect directly to a VPC with dedicated instance tenancy", AWS ParallelCluster User
	// Guide, lambda-vpc-v3.html, after the Lambda knowledge-centre article lambda-dedicated-vpc), and it
	// reaches nothing in the VPC: it calls the S3, DynamoDB, SQS, SNS and KMS APIs over TLS with its own
	// role, which the data-in bucket's endpoint restriction admits by aws:PrincipalArn
	// (LedgerRoleARN). The policy exemption for lambda-in-vpc says so.
	fn := goFunction{
		name:        a.PIT + "-upload-ledger",
		description: "Records each upload to data-in; quarantines keys that look like PHI",
		code:        a.Code,
		role:        role.Arn,
		// Five minutes: quarantining a large object is a multipart copy inside S3.
		timeout:     300,
		memory:      256,
		deadLetters: u.DLQ.Arn,
		key:         a.KMSKeyARN,
		logGroup:    groupName,
		env: pulumi.StringMap{
			"LEDGER_TABLE":         u.Table.Name,
			"QUEUE_URL":            u.Queue.Url,
			"TOPIC_ARN":            a.TopicARN,
			"QUARANTINE_PREFIX":    pulumi.String(a.QuarantinePrefix),
			"KMS_KEY_ARN":          a.KMSKeyARN,
			"PHI_NAMES":            pulumi.String(strings.Join(a.PHINames, ",")),
			"RECORD_ONLY_PREFIXES": pulumi.String(strings.Join(a.RecordOnlyPrefixes, ",")),
			"MALWARE_SCAN":         pulumi.String(onOff(a.MalwareScan)),
		},
	}.args()
	// Without a reservation the input is left out: the provider's -1 (unreserved) is its default.
	if a.ReservedConcurrency > 0 {
		fn.ReservedConcurrentExecutions = pulumi.Int(a.ReservedConcurrency)
	}
	u.Function, err = lambda.NewFunction(ctx, child("function"), fn, parent, pulumi.DependsOn(append([]pulumi.Resource{group}, attachments...)))
	if err != nil {
		return nil, fmt.Errorf("create ledger function: %w", err)
	}
	permission, err := lambda.NewPermission(ctx, child("s3-invoke"), &lambda.PermissionArgs{
		Action:        pulumi.String("lambda:InvokeFunction"),
		Function:      u.Function.Name,
		Principal:     pulumi.String(ServicePrincipal("s3")),
		SourceArn:     a.Bucket.ARN,
		SourceAccount: pulumi.String(a.ARNs.AccountID),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("let data-in invoke the ledger function: %w", err)
	}
	notification := &s3.BucketNotificationArgs{
		Bucket: a.Bucket.Bucket.ID(),
		LambdaFunctions: s3.BucketNotificationLambdaFunctionArray{&s3.BucketNotificationLambdaFunctionArgs{
			LambdaFunctionArn: u.Function.Arn,
			Events:            pulumi.StringArray{pulumi.String("s3:ObjectCreated:*")},
		}},
	}
	if a.MalwareScan {
		// The resource owns the bucket's whole notification configuration. GuardDuty turns EventBridge
		// notifications on and hears of new objects through them: left out here, the next update of this
		// resource would turn them off and every scan would stop (docs/deployability.md).
		notification.Eventbridge = pulumi.Bool(true)
	}
	if _, err := s3.NewBucketNotification(ctx, child("notification"), notification, parent, pulumi.DependsOn([]pulumi.Resource{permission})); err != nil {
		return nil, fmt.Errorf("notify the ledger of new objects: %w", err)
	}
	if a.MalwareScan {
		if err := scanResultsToLedger(ctx, child, a, u, parent); err != nil {
			return nil, err
		}
	}
	if err := ctx.RegisterResourceOutputs(u, pulumi.Map{"table": u.Table.Name, "queueUrl": u.Queue.Url, "function": u.Function.Name}); err != nil {
		return nil, fmt.Errorf("register upload ledger outputs: %w", err)
	}
	return u, nil
}

// ledgerQueues creates the processing queue and its dead-letter queue, both encrypted with the project key
// and refusing requests without TLS. The dead-letter queue also takes the function's failed invocations.
func ledgerQueues(ctx *pulumi.Context, child func(string) string, a UploadLedgerArgs, parent pulumi.ResourceOption) (*sqs.Queue, *sqs.Queue, error) {
	dlq, err := sqs.NewQueue(ctx, child("dlq"), &sqs.QueueArgs{
		Name:                    pulumi.String(a.PIT + "-uploads-dlq"),
		KmsMasterKeyId:          a.KMSKeyARN,
		MessageRetentionSeconds: pulumi.Int(fourteenDays),
		Tags:                    pulumi.StringMap{"Name": pulumi.String(a.PIT + "-uploads-dlq")},
	}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("create dead-letter queue: %w", err)
	}
	redrive := dlq.Arn.ApplyT(func(arn string) (string, error) {
		b, err := json.Marshal(map[string]any{"deadLetterTargetArn": arn, "maxReceiveCount": ledgerMaxReceives})
		if err != nil {
			return "", fmt.Errorf("encode redrive policy: %w", err)
		}
		return string(b), nil
	}).(pulumi.StringOutput)
	queue, err := sqs.NewQueue(ctx, child("queue"), &sqs.QueueArgs{
		Name:                     pulumi.String(a.PIT + "-uploads"),
		KmsMasterKeyId:           a.KMSKeyARN,
		MessageRetentionSeconds:  pulumi.Int(sevenDays),
		VisibilityTimeoutSeconds: pulumi.Int(300),
		RedrivePolicy:            redrive,
		Tags:                     pulumi.StringMap{"Name": pulumi.String(a.PIT + "-uploads")},
	}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("create upload queue: %w", err)
	}
	for suffix, q := range map[string]*sqs.Queue{"dlq-policy": dlq, "queue-policy": queue} {
		doc := q.Arn.ApplyT(func(arn string) (string, error) {
			return PolicyDocument{Version: PolicyVersion, Statement: []Statement{{
				Sid: "DenyRequestsWithoutTLS", Effect: Deny, Principal: &Principal{Anyone: true}, Action: []string{"sqs:*"},
				Resource: []string{arn}, Condition: Condition{"Bool": {"aws:SecureTransport": {"false"}}},
			}}}.JSON()
		}).(pulumi.StringOutput)
		if _, err := sqs.NewQueuePolicy(ctx, child(suffix), &sqs.QueuePolicyArgs{QueueUrl: q.Url, Policy: doc}, parent); err != nil {
			return nil, nil, fmt.Errorf("create %s: %w", suffix, err)
		}
	}
	return dlq, queue, nil
}

// ledgerRole is the function's least-privilege role.
func ledgerRole(ctx *pulumi.Context, child func(string) string, a UploadLedgerArgs, u *UploadLedger, groupName string, parent pulumi.ResourceOption) (*iam.Role, []pulumi.Resource, error) {
	logGroup := a.ARNs.LogGroup(groupName)
	region := a.ARNs.Region
	doc := pulumi.All(a.Bucket.ARN, u.Table.Arn, u.Queue.Arn, u.DLQ.Arn, a.TopicARN, a.KMSKeyARN).ApplyT(func(v []any) (string, error) {
		bucket, table, queue, dlq, topic, key := v[0].(string), v[1].(string), v[2].(string), v[3].(string), v[4].(string), v[5].(string)
		var via []string
		for _, service := range []string{"s3", "dynamodb", "sqs", "sns"} {
			via = append(via, fmt.Sprintf("%s.%s.amazonaws.com", service, region))
		}
		return PolicyDocument{Version: PolicyVersion, Statement: []Statement{
			{Sid: "ReadNewObjects", Effect: Allow, Action: []string{"s3:GetObject", "s3:GetObjectVersion"}, Resource: []string{bucket + "/*"}},
			// Without ListBucket, HeadObject of a version already gone answers 403 instead of 404.
			{Sid: "TellMissingFromForbidden", Effect: Allow, Action: []string{"s3:ListBucket"}, Resource: []string{bucket}},
			{Sid: "QuarantineLookalikePHIKeys", Effect: Allow, Action: []string{"s3:PutObject", "s3:AbortMultipartUpload"}, Resource: []string{bucket + "/" + a.QuarantinePrefix + "*"}},
			{Sid: "PurgeLookalikePHIKeys", Effect: Allow, Action: []string{"s3:DeleteObjectVersion"}, Resource: []string{bucket + "/*"}},
			{Sid: "RecordInLedger", Effect: Allow, Action: []string{"dynamodb:PutItem", "dynamodb:UpdateItem"}, Resource: []string{table}},
			{Sid: "QueueForProcessing", Effect: Allow, Action: []string{"sqs:SendMessage"}, Resource: []string{queue, dlq}},
			{Sid: "Notify", Effect: Allow, Action: []string{"sns:Publish"}, Resource: []string{topic}},
			{Sid: "UseProjectKeyThroughItsServices", Effect: Allow, Action: []string{"kms:Decrypt", "kms:GenerateDataKey"}, Resource: []string{key},
				Condition: Condition{"StringEquals": {"kms:ViaService": via}}},
			{Sid: "WriteOwnLogs", Effect: Allow, Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resource: []string{logGroup, logGroup + ":log-stream:*"}},
		}}.JSON()
	}).(pulumi.StringOutput)
	// A fixed name, so that the data-in bucket's policy, built before the role exists, can admit it.
	role, att, err := newLambdaRole(ctx, lambdaRole{
		child: child, name: LedgerRoleName(a.PIT), tag: a.PIT + "-upload-ledger",
		description: pulumi.Sprintf("The upload ledger function of %s", a.PIT),
		trustErr:    "ledger role trust policy", createErr: "create ledger role",
		policy: doc, policyDescription: pulumi.Sprintf("Least privilege of the %s upload ledger", a.PIT),
		policyCreateErr: "create ledger policy", policyAttachErr: "attach the ledger policy to the ledger role",
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	return role, []pulumi.Resource{att}, nil
}

// LedgerRoleName is the name of the upload ledger's role: fixed, so that its ARN is known before it exists.
func LedgerRoleName(pit string) string { return pit + "-upload-ledger" }

// LedgerRoleARN is the ARN of the upload ledger's role. The data-in bucket's VPC-endpoint restriction
// admits it by aws:PrincipalArn, since the function runs outside the VPC.
func LedgerRoleARN(a ARNs, pit string) string {
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", a.Partition, a.AccountID, LedgerRoleName(pit))
}
