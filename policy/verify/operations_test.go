package verify_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/policy/verify"
)

var omopWithWorkers = map[string]string{"sce:workersEnabled": "true", "sce:workerPipelineObject": "run", "sce:workerPipelineSha256": pipelineSum}

// TestEveryOperationalFlowIsListedAndAsDesigned: AWS Backup, the schedules, the ledger's and the workers'
// calls beyond S3, the log deliveries and EMR's service role, in each kind of stack, each only where its
// resources exist.
func TestEveryOperationalFlowIsListedAndAsDesigned(t *testing.T) {
	for _, tc := range []struct {
		name    string
		changes map[string]string
		want    []string
		absent  []string
	}{
		{"hipaa", nil, []string{
			"AWS Backup assumes the backup role",
			"AWS Backup of another account assumes the backup role",
			"AWS Backup backs up the workstation instance and its 2 encrypted volumes",
			"AWS Backup restores the workstation instance and its 2 encrypted volumes",
			"AWS Backup backs up the DynamoDB table hipaa-upload-ledger",
			"AWS Backup restores the DynamoDB table hipaa-upload-ledger",
			"the deployment creates the backup vault hipaa-backups",
			"EventBridge Scheduler assumes the scheduler role",
			"EventBridge Scheduler of another account assumes the scheduler role",
			"EventBridge Scheduler starts the workstation instance (ec2:StartInstances, and kms:CreateGrant on the project key through EC2 for its 2 encrypted volumes) (hipaa-maintenance-start, hipaa-start-instances)",
			"EventBridge Scheduler stops the bastion instance",
			"the scheduler role starts an instance of another project",
			"Lambda assumes the upload ledger's role",
			"S3 invokes the upload ledger for each object created in hipaa-data-in-",
			"S3 invokes the upload ledger for another account's bucket",
			"the upload ledger records an upload in the ledger table",
			"the upload ledger deletes a ledger item",
			"the upload ledger queues a clean upload on hipaa-uploads",
			"the upload ledger sends to hipaa-uploads without TLS",
			"the upload ledger hands a failed event to the dead-letter queue hipaa-uploads-dlq",
			"the upload ledger notifies the topic hipaa-alerts",
			"the upload ledger writes its log streams in /sce/hipaa/upload-ledger",
			"VPC flow logs assume the flow log's role (aws:SourceAccount, the flow log as aws:SourceArn) and deliver into /sce/hipaa/vpc-flow-logs",
			"VPC flow logs of another account assume the flow log's role",
			"the flow log's role writes into another of the project's log groups (/sce/hipaa/cloudtrail)",
			"CloudTrail assumes the trail's CloudWatch Logs role (the trail as aws:SourceArn) and writes its streams into /sce/hipaa/cloudtrail",
			"another account's trail assumes the trail's CloudWatch Logs role",
			"the CloudWatch alarms (14) notify the topic hipaa-alerts",
			"another account's CloudWatch alarm notifies the topic hipaa-alerts",
			"workstation reads an S3 server access log record, even with a role that allowed it",
			"another role of the account reads an S3 server access log record",
			"administrator arn:aws:iam::111122223333:role/hipaa-builder reads an S3 server access log record",
			"instances in the private subnet read s3://al2023-repos-us-west-2-de612dc2 through the S3 endpoint",
			"instances in the private subnet read s3://aws-patch-manager-us-west-2-34d7f99f8 through the S3 endpoint",
			"instances in the private subnet read s3://patch-baseline-snapshot-us-west-2 through the S3 endpoint",
		}, []string{"the workers take", "EC2 Auto Scaling", "EMR", "Redshift cluster", "Redshift assumes"}},
		{"omop", nil, []string{
			"AWS Backup backs up the atlas instance and its 1 encrypted volume",
			"EventBridge Scheduler pauses the Redshift cluster omop-omop (redshift:PauseCluster)",
			"EventBridge Scheduler resumes the Redshift cluster omop-omop (redshift:ResumeCluster)",
			"EventBridge Scheduler starts the atlas instance",
			"Redshift assumes the COPY role for the cluster's administrator sce_admin",
			"Redshift assumes the COPY role for another database user of the cluster",
			"the CloudWatch alarms (2) notify the topic omop-alerts",
		}, []string{"the workers take", "EMR"}},
		{"omop", omopWithWorkers, []string{"the workers take an object from omop-uploads", "a worker leaves its group omop-workers when idle"}, nil},
		{"hipaa", everything, []string{
			"the workers take an object from hipaa-uploads (sqs:ReceiveMessage, ChangeMessageVisibility, DeleteMessage; the project key through SQS)",
			"the workers receive from hipaa-uploads without TLS",
			"the workers publish ObjectsProcessed and ObjectsFailed in SCE/Workers",
			"the workers publish metrics in another namespace",
			"a worker leaves its group hipaa-workers when idle",
			"a worker terminates an instance of another group",
			"worker fetches its binary and the builder's pipeline from the ancillary bucket at boot",
			"EC2 Auto Scaling launches a worker with 2 volumes encrypted by the project key",
			"EC2 Auto Scaling's notifications to the encrypted topic hipaa-alerts use the project key",
			"EMR assumes the cluster's service role",
			"EMR of another account assumes the cluster's service role",
			"EMR's service role passes the node role to EC2",
			"EMR's service role lets EBS encrypt the nodes' volumes with the project key",
			"EMR's nodes read a data-in object",
			"EMR's nodes write a result into output in parts",
			"EMR's nodes write into data-in",
			"EMR's nodes write the cluster's logs under emr/ in the log bucket",
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			flows := verify.All(referencePlan(t, tc.name, tc.changes).RulesStack())
			for _, f := range flows {
				assert.True(t, f.OK(), "%s: expected %s, got %s: %s", f.Flow, f.Expected, f.Result, f.Why)
			}
			for _, w := range tc.want {
				flowNamed(t, flows, w)
			}
			for _, a := range tc.absent {
				for _, f := range flows {
					assert.NotContains(t, f.Flow, a, "a flow is listed only when its resources exist")
				}
			}
		})
	}
}

// mutation changes the recorded plan: the defect a test puts back.
type mutation func(t *testing.T, p *plan.Plan) int

// ours reports whether a logical name is "<pit><suffix>", a resource of the stack itself.
func ours(name, suffix string) bool {
	return strings.HasSuffix(name, suffix) && !strings.Contains(strings.TrimSuffix(name, suffix), "-")
}

// dropSid removes the statement with the Sid from the policy (prop) of the resource named <pit><suffix>.
func dropSid(suffix, prop, sid string) mutation {
	return func(t *testing.T, p *plan.Plan) int {
		n := 0
		for i := range p.Resources {
			if r := &p.Resources[i]; ours(r.Name, suffix) {
				r.Inputs[prop] = dropStatement(t, r.Inputs[prop].(string), sid)
				n++
			}
		}
		return n
	}
}

// replace replaces old by replacement in the string input prop of the resource named <pit><suffix>.
func replace(suffix, prop, old, replacement string) mutation {
	return func(t *testing.T, p *plan.Plan) int {
		n := 0
		for i := range p.Resources {
			if r := &p.Resources[i]; ours(r.Name, suffix) {
				v, _ := r.Inputs[prop].(string)
				require.Contains(t, v, old, "%s.%s holds what the mutation replaces", r.Name, prop)
				r.Inputs[prop] = strings.Replace(v, old, replacement, 1)
				n++
			}
		}
		return n
	}
}

// drop removes the resource named <pit><suffix> from the plan.
func drop(suffix string) mutation {
	return func(_ *testing.T, p *plan.Plan) int {
		kept, n := p.Resources[:0], 0
		for _, r := range p.Resources {
			if ours(r.Name, suffix) {
				n++
				continue
			}
			kept = append(kept, r)
		}
		p.Resources = kept
		return n
	}
}

// TestOperationalMutationsMakeTheMatchingFlowFail removes, one at a time, the grant, action, statement
// or attachment each operational flow rests on (or restores what keeps a forbidden one impossible), and
// expects that flow, and only because of it, to fail.
func TestOperationalMutationsMakeTheMatchingFlowFail(t *testing.T) {
	const account = `"aws:SourceAccount":["111122223333"]`
	for _, tc := range []struct {
		name    string
		stack   string
		changes map[string]string
		mutate  mutation
		flow    string
	}{
		{"the backup role without AWSBackupServiceRolePolicyForBackup", "hipaa", nil, drop("-backup-backup-attachment"),
			"AWS Backup backs up the workstation instance"},
		{"the backup role without AWSBackupServiceRolePolicyForBackup, for the table", "hipaa", nil, drop("-backup-backup-attachment"),
			"AWS Backup backs up the DynamoDB table"},
		{"the backup role without AWSBackupServiceRolePolicyForRestores", "hipaa", nil, drop("-backup-restore-attachment"),
			"AWS Backup restores the workstation instance"},
		{"the backup role without AWSBackupServiceRolePolicyForRestores, for the table", "omop", nil, drop("-backup-restore-attachment"),
			"AWS Backup restores the DynamoDB table"},
		{"the backup role trusting another account's AWS Backup", "hipaa", nil, replace("-backup-role", "assumeRolePolicy", account, `"aws:SourceAccount":["444455556666"]`),
			"AWS Backup assumes the backup role"},
		{"the key policy without the account's delegation to IAM, for the vault", "hipaa", nil, dropSid("-key", "policy", "AccountAdministersKeyThroughIAM"),
			"the deployment creates the backup vault"},
		{"the scheduler role without kms:CreateGrant", "hipaa", nil, dropSid("-cost-scheduler-policy", "policy", "StartEncryptedVolumes"),
			"EventBridge Scheduler starts the workstation instance"},
		{"the scheduler role's CreateGrant through another service", "omop", nil, replace("-cost-scheduler-policy", "policy", `"ec2.us-west-2.amazonaws.com"`, `"rds.us-west-2.amazonaws.com"`),
			"EventBridge Scheduler starts the atlas instance"},
		{"the scheduler role for another project's tag", "hipaa", nil, replace("-cost-scheduler-policy", "policy", `"aws:ResourceTag/Project":["hipaa"]`, `"aws:ResourceTag/Project":["other"]`),
			"EventBridge Scheduler stops the workstation instance"},
		{"the scheduler role without Redshift", "omop", nil, dropSid("-cost-scheduler-policy", "policy", "PauseAndResumeTheCluster"),
			"EventBridge Scheduler pauses the Redshift cluster"},
		{"the scheduler role trusting another account", "omop", nil, replace("-cost-scheduler-role", "assumeRolePolicy", `"aws:SourceAccount":["111122223333"]`, `"aws:SourceAccount":["444455556666"]`),
			"EventBridge Scheduler assumes the scheduler role"},
		{"the ledger without its table", "hipaa", nil, dropSid("-ledger-policy", "policy", "RecordInLedger"),
			"the upload ledger records an upload in the ledger table"},
		{"the ledger's key statement without DynamoDB", "hipaa", nil, replace("-ledger-policy", "policy", `"dynamodb.us-west-2.amazonaws.com",`, ``),
			"the upload ledger records an upload in the ledger table"},
		{"the ledger's key statement without SQS", "hipaa", nil, replace("-ledger-policy", "policy", `"sqs.us-west-2.amazonaws.com",`, ``),
			"the upload ledger queues a clean upload on"},
		{"the ledger without the dead-letter queue", "hipaa", nil, replace("-ledger-policy", "policy", `,"arn:aws:sqs:us-west-2:111122223333:hipaa-uploads-dlq"`, ``),
			"the upload ledger hands a failed event to the dead-letter queue"},
		{"the ledger without Publish", "hipaa", nil, dropSid("-ledger-policy", "policy", "Notify"),
			"the upload ledger notifies the topic"},
		{"the ledger's key statement without SNS", "omop", nil, replace("-ledger-policy", "policy", `,"sns.us-west-2.amazonaws.com"`, ``),
			"the upload ledger notifies the topic"},
		{"the ledger without its logs", "hipaa", nil, dropSid("-ledger-policy", "policy", "WriteOwnLogs"),
			"the upload ledger writes its log streams"},
		{"the ledger allowed to delete items", "hipaa", nil, replace("-ledger-policy", "policy", `"dynamodb:PutItem"`, `"dynamodb:PutItem","dynamodb:DeleteItem"`),
			"the upload ledger deletes a ledger item"},
		{"the queue without its TLS deny", "hipaa", nil, dropSid("-ledger-queue-policy", "policy", "DenyRequestsWithoutTLS"),
			"the upload ledger sends to hipaa-uploads without TLS"},
		{"the function without its invoke permission", "omop", nil, drop("-ledger-s3-invoke"),
			"S3 invokes the upload ledger for each object created in"},
		{"the queue without any policy, so without its TLS deny", "hipaa", nil, drop("-ledger-queue-policy"),
			"the upload ledger sends to hipaa-uploads without TLS"},
		{"the invoke permission for another bucket", "hipaa", nil, replace("-ledger-s3-invoke", "sourceArn", "arn:aws:s3:::hipaa-data-in-", "arn:aws:s3:::hipaa-output-"),
			"S3 invokes the upload ledger for each object created in"},
		{"the workers without the queue", "hipaa", everything, dropSid("-workers-policy", "policy", "TakeWorkFromQueue"),
			"the workers take an object from"},
		{"the workers without the key", "hipaa", everything, dropSid("-workers-policy", "policy", "UseProjectKey"),
			"the workers take an object from"},
		{"the workers without their metrics", "hipaa", everything, dropSid("-workers-policy", "policy", "PublishWorkerMetrics"),
			"the workers publish ObjectsProcessed"},
		{"the workers' metrics in another namespace", "omop", omopWithWorkers, replace("-workers-policy", "policy", `"SCE/Workers"`, `"SCE/Other"`),
			"the workers publish ObjectsProcessed"},
		{"the workers unable to leave their group", "hipaa", everything, dropSid("-workers-policy", "policy", "LeaveTheGroupWhenIdle"),
			"a worker leaves its group"},
		{"the workers without their pipeline", "hipaa", everything, dropSid("-workers-policy", "policy", "FetchThePipeline"),
			"worker fetches its binary and the builder's pipeline"},
		{"the key policy without Auto Scaling's use", "hipaa", everything, dropSid("-key", "policy", "AutoScalingUsesKeyForWorkerVolumes"),
			"EC2 Auto Scaling launches a worker"},
		{"the key policy without Auto Scaling's grants", "hipaa", everything, dropSid("-key", "policy", "AutoScalingAttachesWorkerVolumes"),
			"EC2 Auto Scaling launches a worker"},
		{"the flow-log role without its log group", "hipaa", nil, dropSid("-flow-logs-policy", "policy", "WriteFlowLogGroup"),
			"VPC flow logs assume the flow log's role"},
		{"the flow-log role trusting another account", "omop", nil, replace("-flow-logs-role", "assumeRolePolicy", account, `"aws:SourceAccount":["444455556666"]`),
			"VPC flow logs assume the flow log's role"},
		{"the trail's logs role without its streams", "hipaa", nil, dropSid("-audit-logs-policy", "policy", "WriteTrailLogStreams"),
			"CloudTrail assumes the trail's CloudWatch Logs role"},
		{"the trail's logs role for another region's streams", "omop", nil, replace("-audit-logs-policy", "policy", "_CloudTrail_us-west-2*", "_CloudTrail_us-east-1*"),
			"CloudTrail assumes the trail's CloudWatch Logs role"},
		{"EMR's service role without the key through EC2", "hipaa", everything, dropSid("-emr-service-policy", "policy", "EBSUsesProjectKeyThroughEC2"),
			"EMR's service role lets EBS encrypt the nodes' volumes"},
		{"EMR's service role without CreateGrant", "hipaa", everything, dropSid("-emr-service-policy", "policy", "EncryptEBSWithProjectKey"),
			"EMR's service role lets EBS encrypt the nodes' volumes"},
		{"EMR's service role unable to pass the node role", "hipaa", everything, dropSid("-emr-service-policy", "policy", "PassNodeRoleToEC2"),
			"EMR's service role passes the node role to EC2"},
		{"EMR's nodes without data-in", "hipaa", everything, dropSid("-emr-node-policy", "policy", "ReadDataIn"),
			"EMR's nodes read a data-in object"},
		{"the ledger's role trusting another service", "hipaa", nil, replace("-ledger-role", "assumeRolePolicy", `"lambda.amazonaws.com"`, `"ec2.amazonaws.com"`),
			"Lambda assumes the upload ledger's role"},
		{"EMR's service role trusting another account", "hipaa", everything, replace("-emr-service-role", "assumeRolePolicy", account, `"aws:SourceAccount":["444455556666"]`),
			"EMR assumes the cluster's service role"},
		{"the key policy without Auto Scaling's use, for the notifications", "hipaa", everything, dropSid("-key", "policy", "AutoScalingUsesKeyForWorkerVolumes"),
			"EC2 Auto Scaling's notifications to the encrypted topic"},
		{"the scheduler role without Redshift, to resume", "omop", nil, dropSid("-cost-scheduler-policy", "policy", "PauseAndResumeTheCluster"),
			"EventBridge Scheduler resumes the Redshift cluster"},
		{"the scheduler role on every instance of the account", "hipaa", nil, replace("-cost-scheduler-policy", "policy", `,"Condition":{"StringEquals":{"aws:ResourceTag/Project":["hipaa"]}}`, ``),
			"the scheduler role starts an instance of another project"},
		{"the workers' metrics in any namespace", "hipaa", everything, replace("-workers-policy", "policy", `,"Condition":{"StringEquals":{"cloudwatch:namespace":["SCE/Workers"]}}`, ``),
			"the workers publish metrics in another namespace"},
		{"the workers allowed to terminate in any group", "hipaa", everything, replace("-workers-policy", "policy", `autoScalingGroupName/hipaa-workers"`, `autoScalingGroupName/*"`),
			"a worker terminates an instance of another group"},
		{"the flow-log role on every log group", "hipaa", nil, replace("-flow-logs-policy", "policy", `"arn:aws:logs:us-west-2:111122223333:log-group:/sce/hipaa/vpc-flow-logs:*"`, `"arn:aws:logs:us-west-2:111122223333:log-group:*"`),
			"the flow log's role writes into another of the project's log groups"},
		{"the workers' queue without its TLS deny", "hipaa", everything, dropSid("-ledger-queue-policy", "policy", "DenyRequestsWithoutTLS"),
			"the workers receive from hipaa-uploads without TLS"},
		{"EMR's nodes without output", "hipaa", everything, dropSid("-emr-node-policy", "policy", "ReadWriteOutput"),
			"EMR's nodes write a result into output in parts"},
		{"EMR's nodes without their log prefix", "hipaa", everything, dropSid("-emr-node-policy", "policy", "WriteClusterLogs"),
			"EMR's nodes write the cluster's logs under emr/ in the log bucket"},
		{"the access logs without the administrator's exception", "hipaa", nil, replace("-access-logs-policy", "policy", `"arn:aws:iam::111122223333:role/hipaa-builder"`, `"arn:aws:iam::111122223333:role/someone-else"`),
			"administrator arn:aws:iam::111122223333:role/hipaa-builder reads an S3 server access log record"},
		{"the topic policy without CloudWatch alarms", "hipaa", nil, dropSid("-audit-alerts-policy", "policy", "CloudWatchAlarmsPublish"),
			"the CloudWatch alarms (14) notify the topic hipaa-alerts"},
		{"the key policy without CloudWatch alarms", "omop", nil, dropSid("-key", "policy", "CloudWatchAlarmsPublishToEncryptedTopic"),
			"the CloudWatch alarms (2) notify the topic omop-alerts"},
		{"the COPY role trusting another database user (issue 16, finding 10)", "omop", nil, replace("-omop-copy-role", "assumeRolePolicy", "/sce_admin", "/ohdsi_reader"),
			"Redshift assumes the COPY role for the cluster's administrator"},
		{"the access-log bucket readable by any role of the account (issue 15, finding 11)", "hipaa", nil, dropSid("-access-logs-policy", "policy", "RecordsReadableByAdministratorsOnly"),
			"another role of the account reads an S3 server access log record"},
		{"the Config role without its delivery prefix (issue 15, finding 1)", "hipaa", nil, dropSid("-account-config-delivery-policy", "policy", "ConfigDeliversUnderItsPrefix"),
			"AWS Config delivers configuration history"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := referencePlan(t, tc.stack, tc.changes)
			before := flowNamed(t, verify.All(p.RulesStack()), tc.flow)
			require.True(t, before.OK(), "the flow holds before the mutation: %s", before.Why)
			require.Equal(t, 1, tc.mutate(t, p), "one resource was changed")
			after := flowNamed(t, verify.All(p.RulesStack()), tc.flow)
			assert.False(t, after.OK(), "%s: %s", after.Flow, after.Why)
			assert.NotEqual(t, verify.Unknown, after.Result, after.Why)
		})
	}
}

// TestAFlowNamingWhatTheStackDoesNotHoldFails: a schedule or backup selection naming an instance the
// stack does not hold is reported, not skipped.
func TestAFlowNamingWhatTheStackDoesNotHoldFails(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate mutation
		flow   string
	}{
		{"a schedule naming an instance of no stack", func(_ *testing.T, p *plan.Plan) int {
			n := 0
			for i := range p.Resources {
				if r := &p.Resources[i]; ours(r.Name, "-cost-start-instances") {
					target := r.Inputs["target"].(map[string]any)
					target["input"] = `{"InstanceIds":["i-0123456789abcdef0"]}`
					n++
				}
			}
			return n
		}, "EventBridge Scheduler starts instance i-0123456789abcdef0"},
		{"a backup selection naming a table of no stack", func(_ *testing.T, p *plan.Plan) int {
			n := 0
			for i := range p.Resources {
				if r := &p.Resources[i]; ours(r.Name, "-backup-selection") {
					r.Inputs["resources"] = []any{"arn:aws:dynamodb:us-west-2:111122223333:table/gone"}
					n++
				}
			}
			return n
		}, "AWS Backup backs up arn:aws:dynamodb:us-west-2:111122223333:table/gone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := referencePlan(t, "hipaa", nil)
			require.Equal(t, 1, tc.mutate(t, p))
			f := flowNamed(t, verify.All(p.RulesStack()), tc.flow)
			assert.Equal(t, verify.Denied, f.Result, f.Why)
			assert.Contains(t, f.Why, "does not hold")
		})
	}
}
