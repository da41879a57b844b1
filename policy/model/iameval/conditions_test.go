package iameval

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// holdsCase is one operator on one key against a request context.
type holdsCase struct {
	name  string
	op    string
	key   string
	want  []string
	ctx   map[string][]string
	holds bool
}

func checkHolds(t *testing.T, cases []holdsCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := holds(tc.op, tc.key, tc.want, tc.ctx)
			require.NoError(t, err)
			assert.Equal(t, tc.holds, got)
		})
	}
}

func ctxOf(kv ...string) map[string][]string {
	m := map[string][]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = append(m[kv[i]], kv[i+1])
	}
	return m
}

// TestSetOperatorsFollowTheIAMGuide uses the DynamoDB Thread examples of "Creating a condition that tests
// multiple key values (set operations)" and its rule for an empty data set.
func TestSetOperatorsFollowTheIAMGuide(t *testing.T) {
	const attrs = "dynamodb:requestedAttributes"
	allowed := []string{"PostDateTime", "Message", "Tags"}
	forbidden := []string{"ID", "PostDateTime"}
	checkHolds(t, []holdsCase{
		{"ForAllValues: every requested attribute is allowed", "ForAllValues:StringLike", attrs, allowed, ctxOf(attrs, "PostDateTime", attrs, "Message"), true},
		{"ForAllValues: UserName is not in the list", "ForAllValues:StringLike", attrs, allowed, ctxOf(attrs, "PostDateTime", attrs, "UserName"), false},
		{"ForAllValues: an absent key holds", "ForAllValues:StringLike", attrs, allowed, ctxOf(), true},
		{"ForAllValues: an empty data set holds", "ForAllValues:StringLike", attrs, allowed, map[string][]string{attrs: {}}, true},
		{"ForAnyValue: PostDateTime is forbidden", "ForAnyValue:StringLike", attrs, forbidden, ctxOf(attrs, "UserName", attrs, "Message", attrs, "PostDateTime"), true},
		{"ForAnyValue: UserName alone is not", "ForAnyValue:StringLike", attrs, forbidden, ctxOf(attrs, "UserName"), false},
		{"ForAnyValue: an absent key fails", "ForAnyValue:StringLike", attrs, forbidden, ctxOf(), false},
		{"ForAnyValue: an empty data set fails", "ForAnyValue:StringLike", attrs, forbidden, map[string][]string{attrs: {}}, false},
		{"ForAnyValue with IfExists: an absent key holds", "ForAnyValue:StringEqualsIfExists", attrs, forbidden, ctxOf(), true},
		{"ForAllValues with a negated operator: no tag is forbidden", "ForAllValues:StringNotEquals", "aws:TagKeys", []string{"Owner"}, ctxOf("aws:TagKeys", "Project", "aws:TagKeys", "Env"), true},
		{"ForAllValues with a negated operator: one tag is forbidden", "ForAllValues:StringNotEquals", "aws:TagKeys", []string{"Owner"}, ctxOf("aws:TagKeys", "Project", "aws:TagKeys", "Owner"), false},
		{"ForAnyValue with a negated operator: one tag is not in the list", "ForAnyValue:StringNotEquals", "aws:TagKeys", []string{"Project"}, ctxOf("aws:TagKeys", "Project", "aws:TagKeys", "Owner"), true},
		{"ForAnyValue:StringEquals on KMS encryption context keys (AWSBackupServiceRolePolicyForBackup)", "ForAnyValue:StringEquals", "kms:EncryptionContextKeys", []string{"aws:ebs:id"}, ctxOf("kms:EncryptionContextKeys", "aws:ebs:id"), true},
	})

	deny := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"dynamodb:PutItem","Resource":"arn:aws:dynamodb:us-east-1:111122223333:table/Thread",
		"Condition":{"ForAnyValue:StringLike":{"dynamodb:requestedAttributes":["ID","PostDateTime"]}}}]}`)
	put := func(attrs ...string) Request {
		ctx := map[string][]string{}
		if len(attrs) > 0 {
			ctx["dynamodb:requestedAttributes"] = attrs
		}
		return Request{Principal: alice, Action: "dynamodb:PutItem", Resource: "arn:aws:dynamodb:us-east-1:111122223333:table/Thread", Context: ctx}
	}
	checkAll(t, deny, []evaluates{
		{"a PutItem touching PostDateTime is denied", put("UserName", "Message", "PostDateTime"), false, Denied},
		{"a PutItem with UserName alone is not", put("UserName"), false, NotApplicable},
	})
}

// TestIfExistsFollowsTheIAMGuide uses the ec2:InstanceType example of "...IfExists condition operators":
// RunInstances is evaluated against the image, key pair and security group too, which carry no instance
// type.
func TestIfExistsFollowsTheIAMGuide(t *testing.T) {
	run := func(resource string, ctx map[string][]string) Request {
		return Request{Principal: alice, Action: "ec2:RunInstances", Resource: resource, Context: ctx}
	}
	instance := run("arn:aws:ec2:us-east-1:111122223333:instance/*", ctxOf("ec2:InstanceType", "t2.micro"))
	big := run("arn:aws:ec2:us-east-1:111122223333:instance/*", ctxOf("ec2:InstanceType", "p4d.24xlarge"))
	image := run("arn:aws:ec2:us-east-1::image/ami-1", nil)
	broken := MustParse(`{"Version":"2012-10-17","Statement":{"Sid":"THISPOLICYDOESNOTWORK","Effect":"Allow","Action":"ec2:RunInstances","Resource":"*","Condition":{"StringLike":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}}}`)
	working := MustParse(`{"Version":"2012-10-17","Statement":[{"Sid":"RunInstance","Effect":"Allow","Action":"ec2:RunInstances","Resource":"*","Condition":{"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}}]}`)
	checkAll(t, broken, []evaluates{
		{"StringLike: the instance itself is allowed", instance, false, Allowed},
		{"StringLike: the image has no instance type, so RunInstances fails", image, false, NotApplicable},
	})
	checkAll(t, working, []evaluates{
		{"StringLikeIfExists: the instance is allowed", instance, false, Allowed},
		{"StringLikeIfExists: the image is allowed", image, false, Allowed},
		{"StringLikeIfExists: another instance type is not", big, false, NotApplicable},
	})

	// "If you are using an "Effect": "Deny" element with a negated condition operator like
	// StringNotEqualsIfExists, the request is still denied even if the tag is missing."
	deny := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:PutObject","Resource":"*","Condition":{"StringNotEqualsIfExists":{"s3:x-amz-server-side-encryption":"aws:kms"}}}]}`)
	checkAll(t, deny, []evaluates{
		{"a negated IfExists Deny applies when the key is missing", Request{Principal: alice, Action: "s3:PutObject", Resource: "arn:aws:s3:::b/k"}, false, Denied},
	})
}

// TestNullFollowsTheIAMGuide uses the aws:TokenIssueTime example of "Condition operator to check
// existence of condition keys".
func TestNullFollowsTheIAMGuide(t *testing.T) {
	doc := MustParse(`{"Version":"2012-10-17","Statement":{"Action":"ec2:*","Effect":"Allow","Resource":"*","Condition":{"Null":{"aws:TokenIssueTime":"true"}}}}`)
	checkAll(t, doc, []evaluates{
		{"long-term credentials carry no aws:TokenIssueTime: allowed", Request{Principal: alice, Action: "ec2:DescribeInstances", Resource: "*"}, false, Allowed},
		{"temporary credentials carry it: not allowed", Request{Principal: alice, Action: "ec2:DescribeInstances", Resource: "*", Context: ctxOf("aws:TokenIssueTime", "2024-05-01T10:00:00Z")}, false, NotApplicable},
	})
	_, err := holds("Null", "k", []string{"yes"}, nil)
	assert.Error(t, err, "Null takes true or false")
}

// TestTypedOperatorsFollowTheIAMGuide uses the examples of "IAM JSON policy elements: Condition
// operators" for the numeric, date, Boolean, binary, IP address and ARN operators.
func TestTypedOperatorsFollowTheIAMGuide(t *testing.T) {
	checkHolds(t, []holdsCase{
		{"NumericLessThanEquals: 10 keys", "NumericLessThanEquals", "s3:max-keys", []string{"10"}, ctxOf("s3:max-keys", "10"), true},
		{"NumericLessThanEquals: 1000 keys", "NumericLessThanEquals", "s3:max-keys", []string{"10"}, ctxOf("s3:max-keys", "1000"), false},
		{"NumericLessThanEquals: absent", "NumericLessThanEquals", "s3:max-keys", []string{"10"}, ctxOf(), false},
		{"NumericLessThan", "NumericLessThan", "n", []string{"10"}, ctxOf("n", "9.5"), true},
		{"NumericGreaterThan", "NumericGreaterThan", "n", []string{"10"}, ctxOf("n", "10"), false},
		{"NumericGreaterThanEquals", "NumericGreaterThanEquals", "n", []string{"10"}, ctxOf("n", "10"), true},
		{"NumericEquals compares numbers, not text", "NumericEquals", "n", []string{"10"}, ctxOf("n", "10.0"), true},
		{"NumericNotEquals", "NumericNotEquals", "n", []string{"10"}, ctxOf("n", "11"), true},
		{"NumericNotEquals on an absent key holds", "NumericNotEquals", "n", []string{"10"}, ctxOf(), true},
		{"DateGreaterThan: credentials issued in 2024", "DateGreaterThan", "aws:TokenIssueTime", []string{"2020-01-01T00:00:01Z"}, ctxOf("aws:TokenIssueTime", "2024-03-01T12:00:00Z"), true},
		{"DateGreaterThan: credentials issued in 2019", "DateGreaterThan", "aws:TokenIssueTime", []string{"2020-01-01T00:00:01Z"}, ctxOf("aws:TokenIssueTime", "2019-12-31T23:59:59Z"), false},
		{"DateGreaterThan: access keys carry no aws:TokenIssueTime", "DateGreaterThan", "aws:TokenIssueTime", []string{"2020-01-01T00:00:01Z"}, ctxOf(), false},
		{"DateLessThan with epoch time", "DateLessThan", "aws:EpochTime", []string{"2020-01-01T00:00:00Z"}, ctxOf("aws:EpochTime", "1577836799"), true},
		{"DateEquals with a date only", "DateEquals", "aws:CurrentTime", []string{"2024-06-01"}, ctxOf("aws:CurrentTime", "2024-06-01T00:00:00Z"), true},
		{"DateLessThanEquals with a time zone", "DateLessThanEquals", "aws:CurrentTime", []string{"2024-06-01T12:00:00+02:00"}, ctxOf("aws:CurrentTime", "2024-06-01T10:00:00Z"), true},
		{"DateNotEquals", "DateNotEquals", "aws:CurrentTime", []string{"2024-06-01T00:00:00Z"}, ctxOf("aws:CurrentTime", "2024-06-02T00:00:00Z"), true},
		{"Bool: no TLS", "Bool", "aws:SecureTransport", []string{"false"}, ctxOf("aws:SecureTransport", "false"), true},
		{"Bool: TLS", "Bool", "aws:SecureTransport", []string{"false"}, ctxOf("aws:SecureTransport", "true"), false},
		{"BinaryEquals: the same bytes", "BinaryEquals", "key", []string{"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}, ctxOf("key", "QmluYXJ5VmFsdWVJbkJhc2U2NA=="), true},
		{"BinaryEquals: other bytes", "BinaryEquals", "key", []string{"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}, ctxOf("key", "b3RoZXI="), false},
		{"IpAddress: inside 203.0.113.0/24", "IpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, ctxOf("aws:SourceIp", "203.0.113.77"), true},
		{"IpAddress: outside it", "IpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, ctxOf("aws:SourceIp", "198.51.100.7"), false},
		{"IpAddress: IPv6 in 2001:DB8:1234:5678::/64", "IpAddress", "aws:SourceIp", []string{"203.0.113.0/24", "2001:DB8:1234:5678::/64"}, ctxOf("aws:SourceIp", "2001:db8:1234:5678::9"), true},
		{"IpAddress: an address without a prefix is a /32", "IpAddress", "aws:SourceIp", []string{"203.0.113.7"}, ctxOf("aws:SourceIp", "203.0.113.8"), false},
		{"IpAddress: through a VPC endpoint there is no aws:SourceIp", "IpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, ctxOf(), false},
		{"NotIpAddress: outside the range", "NotIpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, ctxOf("aws:SourceIp", "198.51.100.7"), true},
		{"NotIpAddress: inside it", "NotIpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, ctxOf("aws:SourceIp", "203.0.113.1"), false},
		{"StringLike lets * cross ARN segments", "StringLike", "aws:SourceArn", []string{"arn:aws:someservice:*:111122223333:finance/*"},
			ctxOf("aws:SourceArn", "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"), true},
		{"ArnLike matches segment by segment", "ArnLike", "aws:SourceArn", []string{"arn:aws:someservice:*:111122223333:finance/*"},
			ctxOf("aws:SourceArn", "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"), false},
		{"ArnEquals behaves as ArnLike", "ArnEquals", "aws:SourceArn", []string{"arn:aws:sns:*:123456789012:TOPIC-ID"}, ctxOf("aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:TOPIC-ID"), true},
		{"ArnNotLike on an absent key holds", "ArnNotLike", "aws:SourceArn", []string{"arn:aws:sns:*:123456789012:*"}, ctxOf(), true},
		{"ArnLike on a value that is not an ARN fails", "ArnLike", "aws:SourceArn", []string{"arn:aws:sns:*:123456789012:*"}, ctxOf("aws:SourceArn", "not-an-arn"), false},
		{"StringEqualsIgnoreCase", "StringEqualsIgnoreCase", "aws:PrincipalTag/team", []string{"Research"}, ctxOf("aws:PrincipalTag/team", "research"), true},
		{"key names compare without case", "StringEquals", "AWS:securetransport", []string{"true"}, ctxOf("aws:SecureTransport", "true"), true},
	})
	for _, tc := range []struct{ op, want, got string }{
		{"NumericEquals", "ten", "10"},
		{"NumericEquals", "10", "ten"},
		{"DateEquals", "yesterday", "2024-01-01T00:00:00Z"},
		{"IpAddress", "203.0.113.0/33", "203.0.113.1"},
		{"IpAddress", "203.0.113.0/24", "host.example"},
		{"BinaryEquals", "not base64!", "QQ=="},
		{"ArnLike", "not-an-arn", "arn:aws:s3:::b"},
	} {
		_, err := holds(tc.op, "k", []string{tc.want}, ctxOf("k", tc.got))
		assert.Error(t, err, "%s %s on %s is refused, not guessed", tc.op, tc.want, tc.got)
	}
}

// TestPolicyVariablesInConditions uses the Amazon SNS topic example of "IAM policy elements: Variables
// and tags" and the AWSBackupServiceRolePolicyForBackup's "${aws:ResourceAccount}".
func TestPolicyVariablesInConditions(t *testing.T) {
	topic := MustParse(`{"Version":"2012-10-17","Statement":[{"Principal":{"AWS":"999999999999"},"Effect":"Allow","Action":"sns:*","Resource":"arn:aws:sns:us-east-1:999999999999:t",
		"Condition":{"StringLike":{"sns:endpoint":"https://example.com/${aws:username}/"},"StringEquals":{"sns:Protocol":"https"}}}]}`)
	david := "arn:aws:iam::999999999999:user/David"
	sub := func(endpoint string) Request {
		return Request{Principal: david, Action: "sns:Subscribe", Resource: "arn:aws:sns:us-east-1:999999999999:t", Context: ctxOf("sns:endpoint", endpoint, "sns:Protocol", "https")}
	}
	checkAll(t, topic, []evaluates{
		{"David subscribes his own URL", sub("https://example.com/David/"), true, Allowed},
		{"David cannot subscribe Adele's", sub("https://example.com/Adele/"), true, NotApplicable},
	})

	tag := MustParse(`{"Version":"2012-10-17","Statement":[{"Sid":"RecoveryPointTaggingPermissions","Effect":"Allow","Action":["backup:TagResource"],"Resource":"arn:aws:backup:*:*:recovery-point:*",
		"Condition":{"StringEquals":{"aws:PrincipalAccount":"${aws:ResourceAccount}"}}}]}`)
	backupRole := "arn:aws:sts::111122223333:assumed-role/study-backup-role/AWSBackup"
	point := "arn:aws:backup:us-east-1:111122223333:recovery-point:abc"
	checkAll(t, tag, []evaluates{
		{"the backup role tags a recovery point of its own account", Request{Principal: backupRole, Action: "backup:TagResource", Resource: point, Context: ctxOf("aws:ResourceAccount", "111122223333")}, false, Allowed},
		{"not one of another account", Request{Principal: backupRole, Action: "backup:TagResource", Resource: point, Context: ctxOf("aws:ResourceAccount", "444455556666")}, false, NotApplicable},
	})
	_, err := tag.Evaluate(Request{Principal: backupRole, Action: "backup:TagResource", Resource: point}, false)
	assert.ErrorContains(t, err, "aws:ResourceAccount", "an unresolvable variable is refused")

	numeric, err := holdsWith("NumericEquals", "n", []string{"${aws:username}"}, ctxOf("n", "1"), ctxOf("aws:username", "1"))
	assert.Error(t, err, "no policy variables with numeric operators: the text stays literal and is not a number")
	assert.False(t, numeric)
}
