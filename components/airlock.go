package components

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/dynamodb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sce-project/sce/internal/airlock/ledger"
)

// Settings of the release function's event source mapping.
const (
	// releaseBatchSize is how many stream records one invocation takes: a request and its reviews are a
	// handful of items, and a batch is processed in order.
	releaseBatchSize = 10
	// releaseRetries is how often Lambda retries a batch whose processing failed (an AWS call that did not
	// succeed) before sending its description to the dead-letter queue.
	releaseRetries = 10
	// releaseTimeout is the function's timeout, Lambda's longest: hashing and copying a 5 GiB file takes
	// minutes.
	releaseTimeout = 900
)

// AirlockReleaseArgs configures an AirlockRelease.
type AirlockReleaseArgs struct {
	// PIT names the function and its role "<PIT>-airlock-release". Required.
	PIT string
	// ARNs gives the partition, region and account. Required.
	ARNs ARNs
	// Ledger is the upload ledger: its table's stream invokes the function, its dead-letter queue keeps
	// the batches that could not be processed. The table's stream must be on (UploadLedger enables it).
	// Required.
	Ledger *UploadLedger
	// OutputBucket is the bucket of the outbox and released/. Required.
	OutputBucket *EncryptedBucket
	// KMSKeyARN encrypts the function's environment and logs, and the released copies. Required.
	KMSKeyARN pulumi.StringInput
	// TopicARN receives every step and every alert. Required.
	TopicARN pulumi.StringInput
	// Code is the function's code archive (the bootstrap binary). Required.
	Code pulumi.Archive
	// Reviewers are the reviewers' role ARNs (sce:outputReviewers). Default: none, and nothing can be
	// released.
	Reviewers []string
	// LogRetentionDays of the function's log group. Default: 2192.
	LogRetentionDays int
	// Protect marks the log group protected. Default: false.
	Protect bool
}

// AirlockRelease is the airlock's release function (docs/airlock.md): the ledger table's stream invokes
// it with every request and review; it records each step, notifies the topic and, once two distinct
// reviewers approved a request, copies its files from the output bucket's outbox to released/ with a
// release record, after recomputing every hash. It is the only writer of released/ (the output bucket's
// policy) and of the airlock's records (the table's resource-based policy, which this component sets).
type AirlockRelease struct {
	pulumi.ResourceState

	Function    *lambda.Function
	Role        *iam.Role
	Mapping     *lambda.EventSourceMapping
	TablePolicy *dynamodb.ResourcePolicy
}

// NewAirlockRelease creates the function, its role, its event source mapping and the ledger table's
// policy.
func NewAirlockRelease(ctx *pulumi.Context, name string, args *AirlockReleaseArgs, opts ...pulumi.ResourceOption) (*AirlockRelease, error) {
	if args == nil || args.PIT == "" || args.ARNs.AccountID == "" || args.Ledger == nil || args.OutputBucket == nil ||
		args.KMSKeyARN == nil || args.TopicARN == nil || args.Code == nil {
		return nil, fmt.Errorf("airlock release %s: PIT, account, ledger, output bucket, key, topic and code are required", name)
	}
	a := *args
	setDefault(&a.LogRetentionDays, SixYearsDays)
	for _, r := range a.Reviewers {
		if strings.ContainsAny(r, ",*?") || !strings.Contains(r, ":role/") {
			return nil, fmt.Errorf("airlock release %s: reviewer %q is not one role's ARN", name, r)
		}
	}
	r := &AirlockRelease{}
	child, parent, err := registerComponent(ctx, "sce:egress:AirlockRelease", "airlock release", name, r, opts...)
	if err != nil {
		return nil, err
	}
	fnName := a.PIT + "-airlock-release"

	group, groupName, err := newInstanceLogGroup(ctx, child, a.PIT, "airlock-release", a.KMSKeyARN, a.LogRetentionDays, a.Protect, parent)
	if err != nil {
		return nil, err
	}
	var attachment pulumi.Resource
	if r.Role, attachment, err = releaseRole(ctx, child, a, groupName, parent); err != nil {
		return nil, err
	}
	// Outside the VPC, like the upload ledger: Lambda cannot attach to a dedicated-tenancy VPC, and the
	// function reaches only AWS APIs, over TLS, with its own role; the output bucket's policy admits it
	// by aws:PrincipalArn.
	r.Function, err = lambda.NewFunction(ctx, child("function"), goFunction{
		name:        fnName,
		description: "The airlock: records egress requests and reviews; releases what two reviewers approved",
		code:        a.Code,
		role:        r.Role.Arn,
		timeout:     releaseTimeout,
		memory:      512,
		deadLetters: a.Ledger.DLQ.Arn,
		key:         a.KMSKeyARN,
		logGroup:    groupName,
		env: pulumi.StringMap{
			"LEDGER_TABLE":  a.Ledger.Table.Name,
			"OUTPUT_BUCKET": a.OutputBucket.Name,
			"TOPIC_ARN":     a.TopicARN,
			"KMS_KEY_ARN":   a.KMSKeyARN,
			"REVIEWERS":     pulumi.String(strings.Join(a.Reviewers, ",")),
		},
	}.args(), parent, pulumi.DependsOn([]pulumi.Resource{group, attachment}))
	if err != nil {
		return nil, fmt.Errorf("create the release function: %w", err)
	}
	filter, err := json.Marshal(map[string]any{"dynamodb": map[string]any{"Keys": map[string]any{"object": map[string]any{"S": []any{map[string]string{"prefix": ledger.Prefix}}}}}})
	if err != nil {
		return nil, fmt.Errorf("encode the stream filter: %w", err)
	}
	// The stream is read from its oldest record the first time, so that nothing written while the
	// mapping was being created is missed; records live 24 hours in the stream.
	r.Mapping, err = lambda.NewEventSourceMapping(ctx, child("stream"), &lambda.EventSourceMappingArgs{
		EventSourceArn:                 a.Ledger.Table.StreamArn,
		FunctionName:                   r.Function.Arn,
		StartingPosition:               pulumi.String("TRIM_HORIZON"),
		BatchSize:                      pulumi.Int(releaseBatchSize),
		MaximumRetryAttempts:           pulumi.Int(releaseRetries),
		BisectBatchOnFunctionError:     pulumi.Bool(true),
		FunctionResponseTypes:          pulumi.StringArray{pulumi.String("ReportBatchItemFailures")},
		FilterCriteria:                 &lambda.EventSourceMappingFilterCriteriaArgs{Filters: lambda.EventSourceMappingFilterCriteriaFilterArray{&lambda.EventSourceMappingFilterCriteriaFilterArgs{Pattern: pulumi.String(string(filter))}}},
		DestinationConfig:              &lambda.EventSourceMappingDestinationConfigArgs{OnFailure: &lambda.EventSourceMappingDestinationConfigOnFailureArgs{DestinationArn: a.Ledger.DLQ.Arn}},
		Tags:                           pulumi.StringMap{"Name": pulumi.String(fnName)},
		MaximumRecordAgeInSeconds:      pulumi.Int(-1),
		ParallelizationFactor:          pulumi.Int(1),
		MaximumBatchingWindowInSeconds: pulumi.Int(0),
	}, parent, pulumi.DependsOn([]pulumi.Resource{attachment}))
	if err != nil {
		return nil, fmt.Errorf("connect the release function to the ledger's stream: %w", err)
	}
	releaseARN := ReleaseRoleARN(a.ARNs, a.PIT)
	doc := a.Ledger.Table.Arn.ApplyT(func(table string) (string, error) {
		return AirlockTablePolicy(table, releaseARN, a.Reviewers)
	}).(pulumi.StringOutput)
	r.TablePolicy, err = dynamodb.NewResourcePolicy(ctx, child("table-policy"), &dynamodb.ResourcePolicyArgs{
		ResourceArn: a.Ledger.Table.Arn,
		Policy:      doc,
	}, parent, pulumi.DependsOn([]pulumi.Resource{r.Role}))
	if err != nil {
		return nil, fmt.Errorf("set the ledger table's policy: %w", err)
	}
	if err := ctx.RegisterResourceOutputs(r, pulumi.Map{"function": r.Function.Name, "role": r.Role.Arn}); err != nil {
		return nil, fmt.Errorf("register airlock release outputs: %w", err)
	}
	return r, nil
}

// releaseRole creates the function's role and attaches its policy.
func releaseRole(ctx *pulumi.Context, child func(string) string, a AirlockReleaseArgs, groupName string, parent pulumi.ResourceOption) (*iam.Role, pulumi.Resource, error) {
	logGroup := a.ARNs.LogGroup(groupName)
	doc := pulumi.All(a.Ledger.Table.Arn, a.OutputBucket.ARN, a.TopicARN, a.Ledger.DLQ.Arn, a.KMSKeyARN).ApplyT(func(v []any) (string, error) {
		return PolicyDocument{Version: PolicyVersion, Statement: releaseRoleStatements(a.ARNs, v[0].(string), v[1].(string), v[2].(string), v[3].(string), v[4].(string), logGroup)}.JSON()
	}).(pulumi.StringOutput)
	return newLambdaRole(ctx, lambdaRole{
		child: child, name: ReleaseRoleName(a.PIT), tag: ReleaseRoleName(a.PIT),
		description:   pulumi.Sprintf("The airlock release function of %s: the only writer of released/", a.PIT),
		sourceAccount: a.ARNs.AccountID,
		trustErr:      "release role trust policy", createErr: "create the release role",
		policy: doc, policyDescription: pulumi.Sprintf("Least privilege of the %s airlock release function", a.PIT),
		policyCreateErr: "create the release policy", policyAttachErr: "attach the release policy",
	}, parent)
}
