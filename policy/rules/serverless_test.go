package rules

import (
	"strings"
	"testing"
)

func TestLambdaConcurrencyLimit(t *testing.T) {
	fn := func(props string) []*Resource { return []*Resource{res(t, typeLambdaFunction, "fn", props)} }
	unknown := res(t, typeLambdaFunction, "fn", `{}`)
	unknown.Props["reservedConcurrentExecutions"] = Unknown
	checkRule(t, "lambda-concurrency-limit", []ruleCase{
		{name: "a function with a limit of 10 is compliant", rs: fn(`{"reservedConcurrentExecutions":10}`)},
		{name: "a function with a limit of 0 (throttled) is compliant", rs: fn(`{"reservedConcurrentExecutions":0}`)},
		{name: "a limit given as a numeric string is compliant", rs: fn(`{"reservedConcurrentExecutions":"5"}`)},
		{name: "the provider's -1 (unreserved) violates", rs: fn(`{"reservedConcurrentExecutions":-1}`), want: "reservedConcurrentExecutions is -1 (unreserved)"},
		{name: "a function without a limit violates", rs: fn(`{"runtime":"python3.12"}`), want: "reservedConcurrentExecutions is not set"},
		{name: "a null limit violates as missing", rs: fn(`{"reservedConcurrentExecutions":null}`), want: "reservedConcurrentExecutions is not set"},
		{name: "a fractional limit violates", rs: fn(`{"reservedConcurrentExecutions":2.5}`), want: "expected a whole number"},
		{name: "a limit of the wrong shape violates", rs: fn(`{"reservedConcurrentExecutions":{"n":1}}`), want: "is an object"},
		{name: "an unknown limit is undecided", rs: []*Resource{unknown}, want: "reservedConcurrentExecutions is unknown until deployment", undecided: true},
		{name: "a permission is not judged", rs: []*Resource{res(t, typeLambdaPermission, "p", `{}`)}},
	})
}

func TestLambdaDLQ(t *testing.T) {
	fn := func(props string) []*Resource { return []*Resource{res(t, typeLambdaFunction, "fn", props)} }
	unknown := res(t, typeLambdaFunction, "fn", `{"deadLetterConfig":{}}`)
	unknown.Props["deadLetterConfig"].(map[string]any)["targetArn"] = Unknown
	checkRule(t, "lambda-dlq", []ruleCase{
		{name: "a function with a dead-letter queue is compliant", rs: fn(`{"deadLetterConfig":{"targetArn":"arn:aws:sqs:us-east-1:111122223333:dlq"}}`)},
		{name: "a function without deadLetterConfig violates", rs: fn(`{}`), want: "deadLetterConfig.targetArn is not set"},
		{name: "an empty deadLetterConfig violates", rs: fn(`{"deadLetterConfig":{}}`), want: "deadLetterConfig.targetArn is not set"},
		{name: "a blank target violates", rs: fn(`{"deadLetterConfig":{"targetArn":"  "}}`), want: "deadLetterConfig.targetArn is empty"},
		{name: "a deadLetterConfig that is a string violates with its shape", rs: fn(`{"deadLetterConfig":"arn:aws:sqs:us-east-1:111122223333:dlq"}`),
			want: "deadLetterConfig is a string"},
		{name: "a target of the wrong shape violates", rs: fn(`{"deadLetterConfig":{"targetArn":42}}`), want: "deadLetterConfig.targetArn is a number"},
		{name: "an unknown target counts as set", rs: []*Resource{unknown}},
	})
}

func TestLambdaInVPC(t *testing.T) {
	fn := func(props string) []*Resource { return []*Resource{res(t, typeLambdaFunction, "fn", props)} }
	unknownSubnets := res(t, typeLambdaFunction, "fn", `{"vpcConfig":{"securityGroupIds":["sg-1"]}}`)
	unknownSubnets.Props["vpcConfig"].(map[string]any)["subnetIds"] = Unknown
	unknownBlock := res(t, typeLambdaFunction, "fn", `{}`)
	unknownBlock.Props["vpcConfig"] = Unknown
	checkRule(t, "lambda-in-vpc", []ruleCase{
		{name: "a function in two subnets with a security group is compliant", rs: fn(`{"vpcConfig":{"subnetIds":["subnet-a","subnet-b"],"securityGroupIds":["sg-1"]}}`)},
		{name: "a function without vpcConfig violates", rs: fn(`{}`), want: "vpcConfig is not set"},
		{name: "a function with no subnets violates", rs: fn(`{"vpcConfig":{"subnetIds":[],"securityGroupIds":["sg-1"]}}`), want: "vpcConfig.subnetIds is empty"},
		{name: "a function with subnets and no security group violates", rs: fn(`{"vpcConfig":{"subnetIds":["subnet-a"]}}`), want: "vpcConfig.securityGroupIds is not set"},
		{name: "subnets given as one string violate", rs: fn(`{"vpcConfig":{"subnetIds":"subnet-a","securityGroupIds":["sg-1"]}}`), want: "vpcConfig.subnetIds is a string"},
		{name: "a subnet id that is not a string violates", rs: fn(`{"vpcConfig":{"subnetIds":[7],"securityGroupIds":["sg-1"]}}`), want: "vpcConfig.subnetIds[0] is a number"},
		{name: "a vpcConfig that is a list violates", rs: fn(`{"vpcConfig":[{"subnetIds":["subnet-a"]}]}`), want: "vpcConfig is a list"},
		{name: "unknown subnet ids (preview) count as set", rs: []*Resource{unknownSubnets}},
		{name: "an unknown vpcConfig is undecided", rs: []*Resource{unknownBlock}, want: "vpcConfig is unknown until deployment", undecided: true},
	})
}

func TestLambdaNoPublicAccess(t *testing.T) {
	perm := func(props string) []*Resource { return []*Resource{res(t, typeLambdaPermission, "p", props)} }
	unknownPrincipal := res(t, typeLambdaPermission, "p", `{"action":"lambda:InvokeFunction"}`)
	unknownPrincipal.Props["principal"] = Unknown
	unknownSource := res(t, typeLambdaPermission, "p", `{"principal":"s3.amazonaws.com"}`)
	unknownSource.Props["sourceArn"] = Unknown
	checkRule(t, "lambda-no-public-access", []ruleCase{
		{name: "an account principal is compliant", rs: perm(`{"principal":"111122223333","action":"lambda:InvokeFunction"}`)},
		{name: "an IAM role principal is compliant", rs: perm(`{"principal":"arn:aws:iam::111122223333:role/caller"}`)},
		{name: "a GovCloud account root principal is compliant", rs: perm(`{"principal":"arn:aws-us-gov:iam::111122223333:root"}`)},
		{name: "a service principal with sourceArn is compliant", rs: perm(`{"principal":"s3.amazonaws.com","sourceArn":"arn:aws:s3:::phi-bucket"}`)},
		{name: "a service principal with sourceAccount is compliant", rs: perm(`{"principal":"events.amazonaws.com","sourceAccount":"111122223333"}`)},
		{name: "a service principal with an unknown sourceArn (preview) is compliant", rs: []*Resource{unknownSource}},
		{name: "principal * violates", rs: perm(`{"principal":"*","action":"lambda:InvokeFunction"}`), want: `principal is "*", so anyone can invoke the function`},
		{name: "a service principal without a source violates (confused deputy)", rs: perm(`{"principal":"s3.amazonaws.com"}`),
			want: `principal is the service "s3.amazonaws.com" and neither sourceArn nor sourceAccount is set`},
		{name: "a regional service principal without a source violates", rs: perm(`{"principal":"logs.eu-west-1.amazonaws.com","sourceArn":""}`),
			want: "neither sourceArn nor sourceAccount is set"},
		{name: "a service principal with a sourceArn of the wrong shape violates", rs: perm(`{"principal":"sns.amazonaws.com","sourceArn":["arn:aws:sns:us-east-1:111122223333:t"]}`),
			want: "sourceArn is a list"},
		{name: "an IAM principal with a wildcard violates", rs: perm(`{"principal":"arn:aws:iam::111122223333:role/*"}`), want: "neither \"*\", an account id"},
		{name: "a permission without a principal violates", rs: perm(`{"action":"lambda:InvokeFunction"}`), want: "principal is not set"},
		{name: "a principal of the wrong shape violates", rs: perm(`{"principal":{"AWS":"*"}}`), want: "principal is an object"},
		{name: "an unknown principal is undecided", rs: []*Resource{unknownPrincipal}, want: "principal is unknown until deployment", undecided: true},
		{name: "a function is not judged", rs: []*Resource{res(t, typeLambdaFunction, "fn", `{}`)}},
	})
}

// TestServerlessMessagingDatabaseRulesSurviveAnyShape sets every property these rules read, on every type
// they judge, to values of every shape, and requires a judgement rather than a panic.
func TestServerlessMessagingDatabaseRulesSurviveAnyShape(t *testing.T) {
	shapes := []any{"x", "", 1.0, -1.0, true, nil, Unknown, []any{}, []any{"x", 2.0, nil, Unknown, map[string]any{}},
		map[string]any{}, map[string]any{"enable": Unknown, "enabled": "x", "kmsKeyArn": 3.0, "targetArn": []any{}, "subnetIds": "s",
			"deadLetterTargetArn": map[string]any{}, "key": 1.0, "value": nil, "stringEquals": "x"},
		`{"deadLetterTargetArn":7}`, `{"Statement":"x"}`, `[1]`}
	props := []string{"reservedConcurrentExecutions", "deadLetterConfig", "vpcConfig", "principal", "sourceArn", "sourceAccount",
		"kmsMasterKeyId", "sqsManagedSseEnabled", "policy", "arn", "queueUrl", "redrivePolicy", "redriveAllowPolicy", "url",
		"pointInTimeRecovery", "serverSideEncryption", "tags", "resources", "notResources", "selectionTags", "conditions",
		"automatedSnapshotRetentionPeriod", "encrypted", "logging", "kmsKeyId", "allowVersionUpgrade", "preferredMaintenanceWindow",
		"publiclyAccessible", "enhancedVpcRouting", "clusterParameterGroupName", "clusterIdentifier", "parameters", "name",
		"logDestinationType", "bucketName", "logExports"}
	types := []string{typeLambdaFunction, typeLambdaPermission, typeSNSTopic, typeSNSTopicPolicy, typeSQSQueue, typeSQSQueuePolicy,
		typeSQSRedrivePolicy, typeSQSRedriveAllowPolicy, typeDynamoDBTable, typeBackupSelection, typeRedshiftCluster,
		typeRedshiftParameterGroup, typeRedshiftLogging}
	var rules []Rule
	for _, family := range [][]Rule{serverlessRules(), messagingRules(), databaseRules()} {
		rules = append(rules, family...)
	}
	for i, shape := range shapes {
		var rs []*Resource
		for _, typ := range types {
			r := res(t, typ, "r", `{}`)
			for _, p := range props {
				r.Props[p] = shape
			}
			r.Outputs = map[string]any{"arn": shape, "url": shape}
			r.Provider = map[string]any{"defaultTags": shape}
			r.PropertyDependencies = map[string][]string{"queueUrl": {"urn:missing"}, "redrivePolicy": {rs0URN(t)}}
			rs = append(rs, r)
		}
		for _, v := range Evaluate(NewStack(rs), rules).Violations {
			if strings.Contains(v.Message, "could not judge") {
				t.Errorf("shape %d (%s): %s: %s", i, describe(shape), v.Rule, v.Message)
			}
		}
	}
}

// rs0URN is the URN of the first resource the shape test builds, a dependency that points back into the stack.
func rs0URN(t *testing.T) string {
	return res(t, typeLambdaFunction, "r", `{}`).URN
}
