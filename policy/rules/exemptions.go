package rules

import (
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// Exemptions returns every declared exemption. This is the one place they are declared; the plan, the
// Pulumi policy pack, `sce policy check` and the IaC export all read it.
func Exemptions() []engine.Exemption {
	singleRegion := "the SCE is single-region by design (the seed prefers control to availability): buckets are versioned and retained instead of replicated"
	noLock := "researchers must be able to replace and delete their own working data; versioning keeps every overwritten and deleted version for the retention period"
	noEvents := "nothing consumes this bucket's object events; every object access is recorded by CloudTrail data events and server access logs"
	httpsOut := "HTTPS out is how this resource reaches S3 (through the gateway endpoint, whose addresses are public), the AWS APIs " +
		"(SQS, KMS, CloudWatch, Systems Manager) and package updates through the NAT gateway; none of them has a fixed address to name. " +
		"Only port 443 is open, the network ACLs admit nothing else out, and the flow log records every connection"
	exemptions := []engine.Exemption{
		{Rule: "ec2-no-public-ip", Type: "aws:ec2/instance:Instance", NameSuffix: "-bastion-instance",
			Reason: "the bastion is the one way in: its Elastic IP is reachable on port 22 from the allowed blocks only (security group and network ACL), and it holds no PHI; the workstation has no public address"},
		{Rule: "ec2-user-data-no-credentials", Type: "aws:ec2/instance:Instance", NameSuffix: "-atlas-instance",
			Reason: "the Atlas host's user data names passwords but holds none: WebAPI's database password is generated on the instance " +
				"at first boot and the read-only Redshift password is read from Secrets Manager; this rule's check passes, and the exemption " +
				"is declared so that keyword-based scanners (Trivy AVD-AWS-0029) carry the same decision"},
		{Rule: "lambda-in-vpc", Type: "aws:lambda/function:Function", NameSuffix: "-ledger-function",
			Reason: "Lambda cannot attach to a dedicated-tenancy VPC (lambda-not-in-dedicated-vpc), and the upload ledger reaches " +
				"nothing inside the VPC: it calls the S3, DynamoDB, SQS, SNS and KMS APIs over TLS with its own least-privilege role, " +
				"which the data-in bucket's endpoint restriction admits by aws:PrincipalArn; CloudTrail records every call"},
		{Rule: "lambda-concurrency-limit", Type: "aws:lambda/function:Function", NameSuffix: "-ledger-function",
			Reason: "a reservation is the builder's choice (sce:ledgerReservedConcurrency), off by default: Lambda refuses one that " +
				"leaves fewer than 100 executions unreserved in the account (PutFunctionConcurrency), and a new account's quota can " +
				"be lower than that, so a default reservation would fail the first deployment. Unreserved, the ledger still has a " +
				"known load: one invocation per upload event of one bucket, each bounded by its five-minute timeout, failures kept " +
				"in the dead-letter queue. With the key set the function carries the limit and this rule passes; unset, the " +
				"AWS Config rule lambda-concurrency-check reports the same finding in the account"},
		{Rule: "lambda-in-vpc", Type: "aws:lambda/function:Function", NameSuffix: "-airlock-function",
			Reason: "Lambda cannot attach to a dedicated-tenancy VPC (lambda-not-in-dedicated-vpc), and the airlock's release function " +
				"reaches nothing inside the VPC: it reads the ledger's stream and calls the DynamoDB, S3, SNS, SQS and KMS APIs over TLS " +
				"with its own least-privilege role, which the output bucket's policy admits by aws:PrincipalArn; CloudTrail records every call"},
		{Rule: "lambda-concurrency-limit", Type: "aws:lambda/function:Function", NameSuffix: "-airlock-function",
			Reason: "Lambda refuses a reservation that leaves fewer than 100 executions unreserved in the account (PutFunctionConcurrency), " +
				"so a default reservation would fail a new account's first deployment. The function's load is bounded without one: " +
				"its event source mapping runs one invocation per stream shard at a time (parallelization factor 1), for the airlock's " +
				"items only (a key filter), and its failures are kept in the dead-letter queue"},
		{Rule: "ec2-in-backup-plan", Type: "aws:ec2/instance:Instance", NameSuffix: "-bastion-instance",
			Reason: "the bastion holds nothing to restore: no PHI, no researcher data, no state beyond what the program rebuilds (its logs are in CloudWatch)"},
		{Rule: "ec2-in-backup-plan", Type: "aws:ebs/volume:Volume", NameSuffix: "-workstation-data",
			Reason: "the data volume is backed up with its instance: the backup plan selects the workstation, and an AWS Backup EC2 backup covers every attached EBS volume; selecting the volume too would store it twice"},
		{Rule: "ec2-stopped-by-schedule", Type: "aws:scheduler/schedule:Schedule", NameSuffix: "-cost-stop-instances",
			Reason: "the instances are stopped outside working hours on purpose, to cut the dedicated-instance cost (the seed: shut down instances over the weekend); they are started again by the matching schedule"},
		{Rule: "s3-default-encryption-kms", Type: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", NameSuffix: "-access-logs-encryption",
			Reason: "S3 server access logs, Redshift audit logs and ELB access logs can only be delivered into a bucket encrypted with SSE-S3; this bucket holds those logs and no PHI"},
		{Rule: "s3-deny-unencrypted-uploads", Type: "aws:s3/bucketV2:BucketV2", NameSuffix: "-access-logs-bucket",
			Reason: "this bucket is classified PHI because S3 server access logs name the PHI buckets' object keys, not because PHI is uploaded into it: " +
				"S3 delivers those logs only into an SSE-S3 bucket, so the project-key upload denies cannot apply; only the logging service " +
				"delivers here (its statement is scoped to the project's buckets and account) and only administrators may read it"},
		{Rule: "s3-server-access-logging", Type: "aws:s3/bucketV2:BucketV2", NameSuffix: "-access-logs-bucket",
			Reason: "this bucket is the destination of every other bucket's server access logs; logging it into itself would log its own deliveries without end"},
		{Rule: "s3-object-lock-enabled", Type: "aws:s3/bucketV2:BucketV2", NameSuffix: "-access-logs-bucket",
			Reason: "S3 refuses to deliver server access logs into a bucket with object lock"},
		{Rule: "s3-object-lock-enabled", Type: "aws:s3/bucketV2:BucketV2", NameSuffix: "-logs-bucket",
			Reason: "object lock on the audit log bucket is the builder's choice (sce:logBucketObjectLock), because it cannot be undone for six years; the bucket is versioned, retained and protected"},
		{Rule: "s3-object-lock-enabled", Type: "aws:s3/bucketV2:BucketV2", NameSuffix: "-data-in-bucket", Reason: noLock},
		{Rule: "s3-object-lock-enabled", Type: "aws:s3/bucketV2:BucketV2", NameSuffix: "-output-bucket", Reason: noLock},
		{Rule: "s3-object-lock-enabled", Type: "aws:s3/bucketV2:BucketV2", NameSuffix: "-ancillary-bucket", Reason: noLock},
		{Rule: "s3-replication-enabled", Type: "aws:s3/bucketV2:BucketV2", NameSuffix: "-data-in-bucket", Reason: singleRegion},
		{Rule: "s3-replication-enabled", Type: "aws:s3/bucketV2:BucketV2", NameSuffix: "-output-bucket", Reason: singleRegion},
		{Rule: "s3-replication-enabled", Type: "aws:s3/bucketV2:BucketV2", NameSuffix: "-logs-bucket", Reason: singleRegion},
		{Rule: "s3-replication-enabled", Type: "aws:s3/bucketV2:BucketV2", NameSuffix: "-access-logs-bucket", Reason: singleRegion},
		{Rule: "s3-replication-enabled", Type: "aws:s3/bucketV2:BucketV2", NameSuffix: "-ancillary-bucket", Reason: singleRegion},
		{Rule: "s3-event-notifications", Type: "aws:s3/bucketV2:BucketV2", NameSuffix: "-output-bucket", Reason: noEvents},
		{Rule: "s3-event-notifications", Type: "aws:s3/bucketV2:BucketV2", NameSuffix: "-logs-bucket", Reason: noEvents},
		{Rule: "s3-event-notifications", Type: "aws:s3/bucketV2:BucketV2", NameSuffix: "-access-logs-bucket", Reason: noEvents},
		{Rule: "s3-event-notifications", Type: "aws:s3/bucketV2:BucketV2", NameSuffix: "-ancillary-bucket", Reason: noEvents},
		{
			Rule:       "vpc-no-unrestricted-route-to-igw",
			Type:       "aws:ec2/route:Route",
			NameSuffix: "-public-default-route",
			Reason: "the public subnet must reach the internet: it holds the bastion, the only way in, and the NAT " +
				"gateway, the private subnet's only way out; the private route table has no route to the internet gateway",
		},
	}
	for _, owner := range []string{"bastion", "workstation", "atlas", "workers", "emr-sg-primary", "emr-sg-core"} {
		suffix := "-" + owner + "-sg-https-out"
		if strings.HasPrefix(owner, "emr-sg-") {
			suffix = "-" + owner + "-https-out"
		}
		exemptions = append(exemptions, engine.Exemption{Rule: "sg-egress-restricted", Type: "aws:ec2/securityGroupRule:SecurityGroupRule",
			NameSuffix: suffix, Reason: httpsOut})
	}
	return exemptions
}

// ExemptionFor returns the exemption covering a rule on a resource.
func ExemptionFor(rule string, r *engine.Resource) (engine.Exemption, bool) {
	return engine.FindExemption(Exemptions(), rule, r)
}
