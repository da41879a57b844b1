package rules

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/policydoc"
)

// The AWS Config rules, deployability rules of its delivery: the recorder's role can write where the
// delivery channel points, and the bucket is one Config can deliver into.

// AWS Config resource type tokens.
const (
	typeConfigRecorder        = "aws:cfg/recorder:Recorder"
	typeConfigDeliveryChannel = "aws:cfg/deliveryChannel:DeliveryChannel"
	typeConfigRule            = "aws:cfg/rule:Rule"
)

// configDeliveryKeyActions are the KMS actions the recorder's role needs on the delivery channel's key
// (Config Developer Guide, "Permissions for the IAM Role Assigned to AWS Config", IAM Role Policy for KMS
// Key).
var configDeliveryKeyActions = []string{"kms:Decrypt", "kms:GenerateDataKey"}

// configDeliveryACL is the canned ACL AWS Config puts its objects with: the guide's role and bucket
// policies both require it of s3:PutObject.
const configDeliveryACL = "bucket-owner-full-control"

// configRules returns the rules on AWS Config's delivery: the recorder's role can write where the delivery
// channel points, and the bucket is one Config can deliver into.
func configRules() []engine.Rule {
	return []engine.Rule{
		{
			ID: "config-recorder-role-can-deliver",
			Description: "The role of the AWS Config recorder is allowed, by its own policies, s3:PutObject on the delivery channel's " +
				"<prefix>/AWSLogs/<account>/Config/ objects (a condition may only ask for the bucket-owner-full-control ACL), s3:GetBucketAcl on its bucket, " +
				"and kms:Decrypt and kms:GenerateDataKey on its s3KmsKeyArn, whose policy lets IAM decide for the account: in its own account AWS Config " +
				"writes as that role, and PutDeliveryChannel fails with InsufficientDeliveryPolicyException when it cannot.",
			Level:    engine.Mandatory,
			Category: engine.CategoryDeployability,
			HIPAA:    []string{hipaaAuditControls, hipaaActivityReview},
			Sources: engine.Sources{Other: "AWS Config Developer Guide, Permissions for the Amazon S3 Bucket (s3-bucket-policy.html) and " +
				"Permissions for the IAM Role Assigned to AWS Config (iamrole-permissions.html)"},
			Types: []string{typeConfigDeliveryChannel, typeConfigRecorder, iamRoleType, iamRolePolicyType, iamRolePolicyAttachmentType,
				iamPolicyType, kmsKeyType},
			CheckStack: checkConfigRoleDelivers,
		},
		{
			ID: "config-delivery-bucket-without-retention-lock",
			Description: "The bucket an AWS Config delivery channel names has no object lock default retention: AWS Config does not deliver into a " +
				"bucket where object lock is enabled with a default retention.",
			Level:    engine.Mandatory,
			Category: engine.CategoryDeployability,
			HIPAA:    []string{hipaaAuditControls},
			Sources: engine.Sources{Other: "AWS Config Developer Guide, Managing the Delivery Channel (manage-delivery-channel.html); " +
				"CloudFormation AWS::Config::DeliveryChannel"},
			Types:      []string{typeConfigDeliveryChannel, typeS3BucketV2, typeS3Bucket, typeS3ObjectLock},
			CheckStack: checkConfigBucketNotLocked,
		},
	}
}

// checkConfigRoleDelivers judges every delivery channel of the program.
func checkConfigRoleDelivers(s *engine.Stack) []engine.Finding {
	return judgeEach(s, typeConfigDeliveryChannel, configRoleDelivers)
}

// configRoleDelivers judges one delivery channel against the role of every recorder of the program (an
// account has one recorder; PutDeliveryChannel writes as its role).
func configRoleDelivers(s *engine.Stack, ch *engine.Resource) []engine.Finding {
	bucket, fs := configChannelString(ch, "s3BucketName")
	switch {
	case len(fs) > 0:
		return fs
	case bucket == "":
		return engine.Fail("s3BucketName is not set: a delivery channel needs the bucket it delivers into")
	}
	prefix, fs := configChannelString(ch, "s3KeyPrefix")
	if len(fs) > 0 {
		return fs
	}
	key, fs := configChannelString(ch, "s3KmsKeyArn")
	if len(fs) > 0 {
		return fs
	}
	recorders := s.OfType(typeConfigRecorder)
	if len(recorders) == 0 {
		return []engine.Finding{{Message: "no configuration recorder is defined in this program, so the role the delivery channel writes as cannot be checked", Undecided: true}}
	}
	var out []engine.Finding
	for _, rec := range recorders {
		out = append(out, engine.WithURN(rec.URN, recorderRoleDelivers(s, rec, bucket, prefix, key))...)
	}
	return out
}

// configChannelString reads an optional string input of a delivery channel.
func configChannelString(ch *engine.Resource, prop string) (string, []engine.Finding) {
	v, ok := ch.Get(prop)
	switch {
	case !ok:
		return "", nil
	case engine.IsUnknown(v):
		return "", engine.Undecided(prop)
	}
	str, isString := v.(string)
	if !isString {
		return "", engine.Fail("%s is %s; expected a string", prop, engine.Kind(v))
	}
	return str, nil
}

// recorderRoleDelivers checks that the recorder's role may write the delivery channel's objects, read the
// bucket's ACL and use its key.
func recorderRoleDelivers(s *engine.Stack, rec *engine.Resource, bucket, prefix, key string) []engine.Finding {
	v, ok := rec.Get("roleArn")
	if !ok {
		return engine.Fail("roleArn is not set: AWS Config refuses a recorder without a role")
	}
	roles := s.Refs(rec, "roleArn", iamRoleType)
	if len(roles) == 0 {
		if engine.IsUnknown(v) {
			return engine.Undecided("roleArn")
		}
		return []engine.Finding{{Message: fmt.Sprintf("roleArn %s is not a role of this program; its permissions to deliver into %s cannot be checked", engine.Describe(v), bucket), Undecided: true}}
	}
	var out []engine.Finding
	for _, role := range roles {
		arn, _ := role.Outputs["arn"].(string)
		parts := strings.Split(arn, ":")
		if len(parts) < 5 || parts[4] == "" {
			out = append(out, engine.Finding{URN: role.URN, Message: fmt.Sprintf("the ARN of role %s is not known, so its account cannot be checked", role.Name), Undecided: true})
			continue
		}
		partition, account := parts[1], parts[4]
		statements, fs := roleStatements(s, role)
		if len(fs) > 0 {
			out = append(out, fs...)
			continue
		}
		bucketARN := fmt.Sprintf("arn:%s:s3:::%s", partition, bucket)
		p := ""
		if prefix != "" {
			p = strings.Trim(prefix, "/") + "/"
		}
		object := fmt.Sprintf("%s/%sAWSLogs/%s/Config/ConfigWritabilityCheckFile", bucketARN, p, account)
		var missing []string
		if !configGrants(statements, "s3:PutObject", object) {
			missing = append(missing, fmt.Sprintf("s3:PutObject on %s/%sAWSLogs/%s/Config/*", bucketARN, p, account))
		}
		if !configGrants(statements, "s3:GetBucketAcl", bucketARN) {
			missing = append(missing, "s3:GetBucketAcl on "+bucketARN)
		}
		if key != "" {
			for _, action := range configDeliveryKeyActions {
				if !configGrants(statements, action, key) {
					missing = append(missing, action+" on "+key)
				}
			}
		}
		if len(missing) > 0 {
			out = append(out, engine.Finding{URN: role.URN, Message: fmt.Sprintf("role %s of recorder %s is not allowed %s: AWS Config delivers as the recorder's role "+
				"(s3-bucket-policy.html), so PutDeliveryChannel fails with InsufficientDeliveryPolicyException; grant them in the role's own policies "+
				"(iamrole-permissions.html)", role.Name, rec.Name, strings.Join(missing, ", "))})
		}
	}
	if key != "" {
		out = append(out, keyPolicyDefersToIAM(s, key, configDeliveryKeyActions, "the AWS Config recorder's role")...)
	}
	return out
}

// configGrants reports whether an Allow statement grants action on arn under conditions AWS Config's
// delivery satisfies: none, or only an s3:x-amz-acl condition that admits bucket-owner-full-control.
func configGrants(statements []policydoc.PolicyStatement, action, arn string) bool {
	for _, st := range statements {
		if !st.Allows(action) || !onResource(st, arn) || !configSatisfies(st) {
			continue
		}
		return true
	}
	return false
}

// configSatisfies reports whether AWS Config's delivery requests meet every condition of the statement.
func configSatisfies(st policydoc.PolicyStatement) bool {
	for op, keys := range st.Conditions {
		for k, values := range keys {
			if !strings.EqualFold(k, "s3:x-amz-acl") || (op != "StringEquals" && op != "StringLike") {
				return false
			}
			admitted := false
			for _, v := range values {
				if policydoc.GlobMatch(v, configDeliveryACL) {
					admitted = true
				}
			}
			if !admitted {
				return false
			}
		}
	}
	return true
}

// checkConfigBucketNotLocked reports every delivery channel whose bucket, one of this program, has an object
// lock default retention.
func checkConfigBucketNotLocked(s *engine.Stack) []engine.Finding {
	var out []engine.Finding
	for _, ch := range s.OfType(typeConfigDeliveryChannel) {
		v, ok := ch.Get("s3BucketName")
		if !ok {
			continue // config-recorder-role-can-deliver reports it
		}
		buckets := s.Refs(ch, "s3BucketName", s3BucketTypes()...)
		if len(buckets) == 0 {
			if engine.IsUnknown(v) {
				out = append(out, engine.WithURN(ch.URN, engine.Undecided("s3BucketName"))...)
			}
			continue // a bucket outside the program is its owner's to judge
		}
		for _, b := range buckets {
			if where := retentionLock(s, b); where != "" {
				out = append(out, engine.Finding{URN: ch.URN, Message: fmt.Sprintf("delivery channel %s delivers into bucket %s, which has object lock with a default "+
					"retention (%s): AWS Config does not deliver into such a bucket (Config Developer Guide, Managing the Delivery Channel); "+
					"deliver into a bucket without one", ch.Name, b.Name, where)})
			}
		}
	}
	return out
}

// retentionLock says where a bucket gets an object lock default retention ("" when it has none): an
// object lock configuration resource, or the legacy inline configuration.
func retentionLock(s *engine.Stack, b *engine.Resource) string {
	for _, c := range s.ReferringTo(b, "bucket", typeS3ObjectLock) {
		if _, ok := c.Get("rule.defaultRetention"); ok {
			return "object lock configuration " + c.Name
		}
	}
	if _, ok := b.Get("objectLockConfiguration.rule.defaultRetention"); ok {
		return "its objectLockConfiguration"
	}
	return ""
}
