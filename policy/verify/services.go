package verify

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/iameval"
)

// otherAccount stands for an account that is not the stack's: its trails, buckets and log groups must not
// be able to use the stack's log buckets or key.
const otherAccount = "444455556666"

// services holds what the service flows need beyond the access model: the project key's policy and the
// stack's region.
type services struct {
	*model
	keyPolicy *iameval.Document
	region    string
}

// Services returns the flows through the project key's policy and the AWS services' deliveries into the
// stack's log buckets, each with the principal and the request context the service uses:
//
//   - the researchers' sessions using the key through S3 (kms:ViaService), the workstation's instance role,
//     the bastion and an anonymous caller not (researchers: their S3, STS and Redshift flows too);
//   - CloudTrail delivering the trail's logs (AWS CloudTrail User Guide, "Amazon S3 bucket policy for
//     CloudTrail", https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html,
//     and "Configure AWS KMS key policies for CloudTrail",
//     https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html:
//     aws:SourceArn is the trail's ARN, the encryption context aws:cloudtrail:arn the trail's ARN);
//   - S3 server access logging delivering into the access-log bucket (Amazon S3 User Guide, "Enabling
//     Amazon S3 server access logging", https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html:
//     logging.s3.amazonaws.com with aws:SourceArn the source bucket and aws:SourceAccount its owner);
//   - CloudWatch Logs using the key for each log group the key encrypts (Amazon CloudWatch Logs User
//     Guide, "Encrypt log data in CloudWatch Logs using AWS KMS",
//     https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html: the encryption
//     context kms:EncryptionContext:aws:logs:arn is the log group's ARN);
//   - AWS Config delivering as its recorder's role, where the stack creates the delivery channel (AWS
//     Config Developer Guide, "Permissions for the Amazon S3 Bucket for the AWS Config Delivery Channel",
//     https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html: with an IAM role,
//     Config delivers as that role);
//
// and the same deliveries on behalf of another account, which must be refused. Each flow is listed only
// when its resources exist.
func Services(s *engine.Stack) []Flow { return newModel(s).services() }

func (m *model) services() []Flow {
	s := m.s
	sv := &services{model: m}
	var out []Flow
	known := len(m.problems)
	for _, k := range s.OfType("aws:kms/key:Key") {
		sv.keyPolicy = m.parse(k, "policy")
	}
	// The bucket policies' problems are Access's to report; the key policy's are reported here.
	for _, p := range m.problems[known:] {
		out = append(out, Flow{Flow: "the project key's policy can be evaluated", Expected: Allowed, Result: Denied, Why: p})
	}
	if parts := strings.Split(m.key, ":"); len(parts) > 4 {
		sv.region = parts[3]
	}
	if m.key == "" || m.account == "" || sv.region == "" {
		return out
	}
	out = append(out, sv.keyUsers()...)
	out = append(out, sv.researchers()...)
	out = append(out, sv.cloudTrail()...)
	out = append(out, sv.accessLogging()...)
	out = append(out, sv.cloudWatchLogs()...)
	out = append(out, sv.config()...)
	out = append(out, sv.backup()...)
	out = append(out, sv.schedules()...)
	out = append(out, sv.ledger()...)
	out = append(out, sv.workerFlows()...)
	out = append(out, sv.logDeliveries()...)
	out = append(out, sv.emr()...)
	out = append(out, sv.alarms()...)
	out = append(out, sv.redshiftCopy()...)
	return out
}

// keyUsers: nobody but the researchers' sessions (researchers) may have S3 use the project key for the
// PHI buckets on their behalf.
func (sv *services) keyUsers() []Flow {
	var out []Flow
	via := func(bucket string) map[string][]string {
		return map[string][]string{"kms:ViaService": {"s3." + sv.region + ".amazonaws.com"}, "kms:CallerAccount": {sv.account},
			"kms:EncryptionContext:aws:s3:arn": {sv.bucketARN[bucket]}}
	}
	kms := func(principal string, identity []*iameval.Document, action string, ctx map[string][]string) call {
		c := call{principal: principal, action: action, resource: sv.key, identity: identity, ctx: ctx}
		if principal != "" {
			c.needsIdentity = true
			c.ctx = with(ctx, "aws:PrincipalArn", principal)
		}
		return c
	}
	if sv.bucketARN["data-in"] == "" || sv.bucketARN["output"] == "" {
		return nil
	}
	if arn, docs, ok := sv.role("-bastion-role"); ok {
		out = append(out, sv.judge("the bastion decrypts a data-in object's data key with the project key (kms:Decrypt through S3)", Denied,
			kms(arn, docs, "kms:Decrypt", via("data-in"))))
	}
	out = append(out, sv.judge("an anonymous caller decrypts with the project key", Denied, kms("", nil, "kms:Decrypt", via("data-in"))))
	return out
}

// bucketNamed returns the purpose, ARN and policy of the stack's bucket whose name is name.
func (sv *services) bucketNamed(name string) (purpose, arn string, policy *iameval.Document, ok bool) {
	for _, b := range sv.s.OfType("aws:s3/bucketV2:BucketV2") {
		if name == "" || (str(b.Outputs["bucket"]) != name && str(b.Props["bucket"]) != name && b.ID != name) {
			continue
		}
		purpose = str(lookup(b.Props, "tags", "Purpose"))
		arn = str(b.Outputs["arn"])
		if arn == "" {
			arn = "arn:aws:s3:::" + name
		}
		return purpose, arn, sv.bucketPolicy[purpose], true
	}
	return "", "", nil, false
}

// cloudTrail: the stack's trail checks the log bucket's ACL, writes its logs under its prefix with the
// ACL the bucket asks for, and encrypts them with the project key; another account's trail may not.
func (sv *services) cloudTrail() []Flow {
	var out []Flow
	for _, t := range sv.s.OfType("aws:cloudtrail/trail:Trail") {
		purpose, bucketARN, policy, ok := sv.bucketNamed(str(t.Props["s3BucketName"]))
		if !ok || purpose != "logs" {
			continue
		}
		trail := str(t.Outputs["arn"])
		if trail == "" && str(t.Props["name"]) != "" {
			trail = fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", sv.region, sv.account, str(t.Props["name"]))
		}
		prefix := strings.Trim(str(t.Props["s3KeyPrefix"]), "/")
		if prefix != "" {
			prefix += "/"
		}
		encrypted := str(t.Props["kmsKeyId"]) == sv.key
		deliver := func(trailARN, account string) []call {
			source := map[string][]string{"aws:SourceArn": {trailARN}, "aws:SourceAccount": {account}, "aws:SecureTransport": {"true"}}
			put := with(with(source, "s3:x-amz-acl", "bucket-owner-full-control"), "s3:x-amz-server-side-encryption", "aws:kms")
			if encrypted {
				put = with(put, "s3:x-amz-server-side-encryption-aws-kms-key-id", sv.key)
			}
			object := fmt.Sprintf("%s/%sAWSLogs/%s/CloudTrail/%s/2026/01/02/%s_CloudTrail_%s_20260102T0000Z_x.json.gz", bucketARN, prefix, sv.account, sv.region, sv.account, sv.region)
			return []call{
				{principal: "cloudtrail.amazonaws.com", action: "s3:GetBucketAcl", resource: bucketARN, ctx: source, policy: policy, needsPolicy: true},
				{principal: "cloudtrail.amazonaws.com", action: "s3:PutObject", resource: object, ctx: put, policy: policy, needsPolicy: true},
			}
		}
		encrypt := func(trailARN, account string) call {
			return call{principal: "cloudtrail.amazonaws.com", action: "kms:GenerateDataKey", resource: sv.key,
				ctx: map[string][]string{"aws:SourceArn": {trailARN}, "aws:SourceAccount": {account}, "kms:EncryptionContext:aws:cloudtrail:arn": {trailARN}}}
		}
		other := fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/other", sv.region, otherAccount)
		out = append(out,
			sv.judge("CloudTrail checks the log bucket's ACL and delivers the trail's logs under "+prefix+"AWSLogs/ with bucket-owner-full-control", Allowed, deliver(trail, sv.account)...),
			sv.judge("another account's trail delivers into the log bucket", Denied, deliver(other, otherAccount)[1]),
		)
		if encrypted {
			out = append(out,
				sv.judge("CloudTrail encrypts the trail's logs with the project key (kms:GenerateDataKey* with the encryption context aws:cloudtrail:arn)", Allowed, encrypt(trail, sv.account)),
				sv.judge("another account's trail encrypts with the project key", Denied, encrypt(other, otherAccount)),
			)
		}
	}
	return out
}

// accessLogging: S3 server access logging delivers each project bucket's logs into the access-log
// bucket; another account's bucket, even one named like the project's, may not.
func (sv *services) accessLogging() []Flow {
	var out []Flow
	var target string
	var targetPolicy *iameval.Document
	for _, l := range sv.s.OfType("aws:s3/bucketLoggingV2:BucketLoggingV2") {
		purpose, arn, policy, ok := sv.bucketNamed(str(l.Props["targetBucket"]))
		if !ok || purpose != "access-logs" {
			continue
		}
		target, targetPolicy = arn, policy
		sourcePurpose, source, _, ok := sv.bucketNamed(str(l.Props["bucket"]))
		if !ok {
			continue
		}
		out = append(out, sv.judge(fmt.Sprintf("S3 server access logging delivers the %s bucket's access logs into the access-log bucket", sourcePurpose), Allowed,
			logDelivery(target, str(l.Props["targetPrefix"]), source, sv.account, targetPolicy)))
	}
	if target != "" {
		source := "arn:aws:s3:::" + sv.pit + "-lookalike-of-another-account"
		out = append(out, sv.judge("S3 server access logging delivers another account's bucket's logs into the access-log bucket", Denied,
			logDelivery(target, "", source, otherAccount, targetPolicy)))
	}
	return out
}

func logDelivery(target, prefix, source, account string, policy *iameval.Document) call {
	return call{principal: "logging.s3.amazonaws.com", action: "s3:PutObject", resource: target + "/" + prefix + "2026-01-02-00-00-00-0123456789ABCDEF",
		ctx: map[string][]string{"aws:SourceArn": {source}, "aws:SourceAccount": {account}, "aws:SecureTransport": {"true"}}, policy: policy, needsPolicy: true}
}

// cloudWatchLogs: CloudWatch Logs uses the project key for each log group it encrypts, and for no
// other account's log group.
func (sv *services) cloudWatchLogs() []Flow {
	var out []Flow
	principal := "logs." + sv.region + ".amazonaws.com"
	use := func(group string) []call {
		var calls []call
		for _, a := range []string{"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"} {
			calls = append(calls, call{principal: principal, action: a, resource: sv.key,
				ctx: map[string][]string{"kms:EncryptionContext:aws:logs:arn": {group}}})
		}
		return calls
	}
	found := false
	for _, g := range sv.s.OfType("aws:cloudwatch/logGroup:LogGroup") {
		if str(g.Props["kmsKeyId"]) != sv.key {
			continue
		}
		name := str(g.Props["name"])
		arn := strings.TrimSuffix(str(g.Outputs["arn"]), ":*")
		if arn == "" && name != "" {
			arn = fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", sv.region, sv.account, name)
		}
		if arn == "" {
			continue
		}
		found = true
		out = append(out, sv.judge("CloudWatch Logs encrypts the log group "+name+" with the project key (kms:Encrypt, kms:Decrypt, kms:GenerateDataKey with the encryption context aws:logs:arn)", Allowed, use(arn)...))
	}
	if found {
		out = append(out, sv.judge("CloudWatch Logs encrypts another account's log group with the project key", Denied,
			use(fmt.Sprintf("arn:aws:logs:%s:%s:log-group:/sce/%s/workstation", sv.region, otherAccount, sv.pit))[0]))
	}
	return out
}

// config: where the stack creates the delivery channel, AWS Config checks the bucket and delivers under
// its prefix as the recorder's role, the object encrypted with the project key through S3; Config on
// behalf of another account may not.
func (sv *services) config() []Flow {
	var out []Flow
	for _, d := range sv.s.OfType("aws:cfg/deliveryChannel:DeliveryChannel") {
		purpose, bucketARN, policy, ok := sv.bucketNamed(str(d.Props["s3BucketName"]))
		if !ok || purpose != "logs" {
			continue
		}
		var roleARN string
		for _, r := range sv.s.OfType("aws:cfg/recorder:Recorder") {
			roleARN = str(r.Props["roleArn"])
		}
		recorder, _, found := sv.roleByARN(roleARN)
		docs := recorder.docs
		if !found {
			continue
		}
		prefix := strings.Trim(str(d.Props["s3KeyPrefix"]), "/")
		if prefix != "" {
			prefix += "/"
		}
		keyARN := str(d.Props["s3KmsKeyArn"])
		object := fmt.Sprintf("%s/%sAWSLogs/%s/Config/%s/2026/1/2/ConfigHistory/%s_Config_%s_ConfigHistory_x.json.gz", bucketARN, prefix, sv.account, sv.region, sv.account, sv.region)
		base := map[string][]string{"aws:SecureTransport": {"true"}, "aws:PrincipalArn": {roleARN}}
		put := with(base, "s3:x-amz-acl", "bucket-owner-full-control")
		if keyARN != "" {
			put = with(with(put, "s3:x-amz-server-side-encryption", "aws:kms"), "s3:x-amz-server-side-encryption-aws-kms-key-id", keyARN)
		}
		role := func(action, resource string, ctx map[string][]string) call {
			return call{principal: roleARN, action: action, resource: resource, ctx: ctx, identity: docs, policy: policy, needsPolicy: true, needsIdentity: true}
		}
		calls := []call{role("s3:GetBucketAcl", bucketARN, base), role("s3:ListBucket", bucketARN, base), role("s3:PutObject", object, put)}
		if keyARN == sv.key {
			calls = append(calls, role("kms:GenerateDataKey", sv.key, with(with(base, "kms:ViaService", "s3."+sv.region+".amazonaws.com"), "kms:EncryptionContext:aws:s3:arn", bucketARN)))
		}
		out = append(out,
			sv.judge("AWS Config delivers configuration history under "+prefix+"AWSLogs/ as its recorder's role, encrypted with the project key", Allowed, calls...),
			sv.judge("AWS Config delivers another account's configuration history into the log bucket", Denied,
				call{principal: "config.amazonaws.com", action: "s3:PutObject", resource: object, policy: policy, needsPolicy: true,
					ctx: map[string][]string{"aws:SourceAccount": {otherAccount}, "aws:SecureTransport": {"true"}, "s3:x-amz-acl": {"bucket-owner-full-control"}}}),
		)
	}
	return out
}
