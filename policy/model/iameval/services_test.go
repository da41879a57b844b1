package iameval

import "testing"

// TestResourcePoliciesOfOtherServices: queue, topic and secret policies follow the general logic of
// "Policy evaluation logic" and "Cross-account policy evaluation logic"; service principals and anonymous
// callers have no identity policies, so the resource policy must name them.
func TestResourcePoliciesOfOtherServices(t *testing.T) {
	// IAM User Guide, "Condition operators", ARN condition operators: a queue that accepts messages only
	// on behalf of one topic.
	queue := MustParse(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"SQS:SendMessage",
		"Resource":"arn:aws:sqs:us-east-1:123456789012:QUEUE-ID","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:TOPIC-ID"}}}}`)
	send := func(principal, source string) Request {
		ctx := map[string][]string{}
		if source != "" {
			ctx["aws:SourceArn"] = []string{source}
		}
		return Request{Principal: principal, Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:123456789012:QUEUE-ID", Context: ctx}
	}
	sender := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}`)
	const queueAccount = "123456789012"
	topic := "arn:aws:sns:us-east-1:123456789012:TOPIC-ID"

	// AWS re:Post Knowledge Center, "How do I use resource-based policies in Secrets Manager": an allow
	// for Mary, and an explicit deny of GetSecretValue to her.
	secretAllow := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:*","Principal":{"AWS":"arn:aws:iam::123456789999:user/Mary"},"Resource":"*"}]}`)
	secretDeny := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"secretsmanager:GetSecretValue","Principal":{"AWS":"arn:aws:iam::123456789999:user/Mary"},"Resource":"*"}]}`)
	mary := "arn:aws:iam::123456789999:user/Mary"
	secret := "arn:aws:secretsmanager:us-east-1:123456789999:secret:db-AbCdEf"
	readSecret := Request{Principal: mary, Action: "secretsmanager:GetSecretValue", Resource: secret}
	anyIdentity := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)

	// AWS CloudTrail User Guide, "Amazon S3 bucket policy for CloudTrail": the service writes its logs,
	// as the bucket's owner's, from the account's trail only.
	trailBucket := MustParse(`{"Version":"2012-10-17","Statement":[
		{"Sid":"AWSCloudTrailAclCheck","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::amzn-s3-demo-bucket",
		 "Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-2:111111111111:trail/trailName"}}},
		{"Sid":"AWSCloudTrailWrite","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/AWSLogs/111111111111/*",
		 "Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control","aws:SourceArn":"arn:aws:cloudtrail:us-east-2:111111111111:trail/trailName"}}}]}`)
	deliver := func(acl, trail string) Request {
		return Request{Principal: "cloudtrail.amazonaws.com", Action: "s3:PutObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/AWSLogs/111111111111/CloudTrail/x.json.gz",
			Context: map[string][]string{"s3:x-amz-acl": {acl}, "aws:SourceArn": {trail}, "aws:SourceAccount": {"111111111111"}}}
	}
	ourTrail, otherTrail := "arn:aws:cloudtrail:us-east-2:111111111111:trail/trailName", "arn:aws:cloudtrail:us-east-2:222222222222:trail/other"

	public := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`)
	checkDecisions(t, []authorizes{
		{"a role of the queue's account with an identity allow sends for the topic", send("arn:aws:iam::123456789012:role/publisher", topic),
			Policies{Identity: []*Document{sender}, Resource: queue, ResourceAccount: queueAccount}, true, "within the account"},
		{"the queue policy names only the account: without an identity allow, nothing", send("arn:aws:iam::123456789012:role/publisher", topic),
			Policies{Resource: queue, ResourceAccount: queueAccount}, false, "implicit deny"},
		{"a role of another account the queue policy does not name is refused even with its identity allow", send("arn:aws:iam::999999999999:role/publisher", topic),
			Policies{Identity: []*Document{sender}, Resource: queue, ResourceAccount: queueAccount}, false, "across accounts both"},
		{"Mary reads the secret: the secret policy names her", readSecret, Policies{Resource: secretAllow, ResourceAccount: "123456789999"}, true, "within the account"},
		{"the explicit deny in the secret policy wins over her identity allow", readSecret,
			Policies{Identity: []*Document{anyIdentity}, Resource: secretDeny, ResourceAccount: "123456789999"}, false, "explicitly denied by the resource policy"},
		{"CloudTrail delivers its log", deliver("bucket-owner-full-control", ourTrail), Policies{Resource: trailBucket, ResourceAccount: "111111111111"}, true, "names the caller"},
		{"not without the ACL the bucket asks for", deliver("private", ourTrail), Policies{Resource: trailBucket, ResourceAccount: "111111111111"}, false, "a service principal"},
		{"not for another account's trail", deliver("bucket-owner-full-control", otherTrail), Policies{Resource: trailBucket, ResourceAccount: "111111111111"}, false, "a service principal"},
		{"an anonymous caller reads a public object", Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::site/index.html"}, Policies{Resource: public, ResourceAccount: "111111111111"}, true, "names the caller"},
		{"but nothing the bucket does not make public", Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::site/index.html"}, Policies{Resource: public, ResourceAccount: "111111111111"}, false, "anonymous"},
		{"the root user has full access to its own account's resources", Request{Principal: "arn:aws:iam::111111111111:root", Action: "s3:DeleteBucket", Resource: "arn:aws:s3:::site"},
			Policies{Resource: public, ResourceAccount: "111111111111"}, true, "root user"},
	})
}

// TestEndpointPoliciesFilterWithoutGranting follows Amazon VPC, "Control access to VPC endpoints using
// endpoint policies": the endpoint's policy must allow the request, and an account principal there admits
// the account's identities.
func TestEndpointPoliciesFilterWithoutGranting(t *testing.T) {
	reader := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	byAccount := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"*"}]}`)
	notOthers := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
		{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::111122223333:user/alice"]},"Action":"*","Resource":"*"}]}`)
	get := func(principal string) Request {
		return Request{Principal: principal, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: map[string][]string{"aws:SourceVpce": {"vpce-1a2b3c4d"}}}
	}
	checkDecisions(t, []authorizes{
		{"an account principal in the endpoint policy admits the account's role", get("arn:aws:iam::111122223333:role/r"),
			Policies{Identity: []*Document{reader}, Endpoint: byAccount, ResourceAccount: "111122223333"}, true, "identity policy 0"},
		{"it does not admit another account's role", get("arn:aws:iam::444455556666:role/r"),
			Policies{Identity: []*Document{reader}, Endpoint: byAccount, ResourceAccount: "111122223333"}, false, "endpoint policy"},
		{"a NotPrincipal deny in the endpoint policy refuses everyone not excepted", get("arn:aws:iam::111122223333:user/bob"),
			Policies{Identity: []*Document{reader}, Endpoint: notOthers, ResourceAccount: "111122223333"}, false, "explicitly denied by the endpoint policy"},
		{"and lets the excepted user through", get(alice),
			Policies{Identity: []*Document{reader}, Endpoint: notOthers, ResourceAccount: "111122223333"}, true, "within the account"},
	})
}
