package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

func TestLambdaConcurrencyLimit(t *testing.T) {
	fn := func(props string) []*engine.Resource {
		return []*engine.Resource{res(t, typeLambdaFunction, "fn", props)}
	}
	unknown := res(t, typeLambdaFunction, "fn", `{}`)
	unknown.Props["reservedConcurrentExecutions"] = engine.Unknown
	checkRule(t, "lambda-concurrency-limit", []ruleCase{
		{name: "a function with a limit of 10 is compliant", rs: fn(`{"reservedConcurrentExecutions":10}`)},
		{name: "a function with a limit of 0 (throttled) is compliant", rs: fn(`{"reservedConcurrentExecutions":0}`)},
		{name: "a limit given as a numeric string is compliant", rs: fn(`{"reservedConcurrentExecutions":"5"}`)},
		{name: "the provider's -1 (unreserved) violates", rs: fn(`{"reservedConcurrentExecutions":-1}`), want: "reservedConcurrentExecutions is -1 (unreserved)"},
		{name: "a function without a limit violates", rs: fn(`{"runtime":"python3.12"}`), want: "reservedConcurrentExecutions is not set"},
		{name: "a null limit violates as missing", rs: fn(`{"reservedConcurrentExecutions":null}`), want: "reservedConcurrentExecutions is not set"},
		{name: "a fractional limit violates", rs: fn(`{"reservedConcurrentExecutions":2.5}`), want: "expected a whole number"},
		{name: "a limit of the wrong shape violates", rs: fn(`{"reservedConcurrentExecutions":{"n":1}}`), want: "is an object"},
		{name: "an unknown limit is undecided", rs: []*engine.Resource{unknown}, want: "reservedConcurrentExecutions is unknown until deployment", undecided: true},
		{name: "a permission is not judged", rs: []*engine.Resource{res(t, typeLambdaPermission, "p", `{}`)}},
	})
}

func TestLambdaDLQ(t *testing.T) {
	fn := func(props string) []*engine.Resource {
		return []*engine.Resource{res(t, typeLambdaFunction, "fn", props)}
	}
	unknown := res(t, typeLambdaFunction, "fn", `{"deadLetterConfig":{}}`)
	unknown.Props["deadLetterConfig"].(map[string]any)["targetArn"] = engine.Unknown
	checkRule(t, "lambda-dlq", []ruleCase{
		{name: "a function with a dead-letter queue is compliant", rs: fn(`{"deadLetterConfig":{"targetArn":"arn:aws:sqs:us-east-1:111122223333:dlq"}}`)},
		{name: "a function without deadLetterConfig violates", rs: fn(`{}`), want: "deadLetterConfig.targetArn is not set"},
		{name: "an empty deadLetterConfig violates", rs: fn(`{"deadLetterConfig":{}}`), want: "deadLetterConfig.targetArn is not set"},
		{name: "a blank target violates", rs: fn(`{"deadLetterConfig":{"targetArn":"  "}}`), want: "deadLetterConfig.targetArn is empty"},
		{name: "a deadLetterConfig that is a string violates with its shape", rs: fn(`{"deadLetterConfig":"arn:aws:sqs:us-east-1:111122223333:dlq"}`),
			want: "deadLetterConfig is a string"},
		{name: "a target of the wrong shape violates", rs: fn(`{"deadLetterConfig":{"targetArn":42}}`), want: "deadLetterConfig.targetArn is a number"},
		{name: "an unknown target counts as set", rs: []*engine.Resource{unknown}},
	})
}

func TestLambdaInVPC(t *testing.T) {
	fn := func(props string) []*engine.Resource {
		return []*engine.Resource{res(t, typeLambdaFunction, "fn", props)}
	}
	unknownSubnets := res(t, typeLambdaFunction, "fn", `{"vpcConfig":{"securityGroupIds":["sg-1"]}}`)
	unknownSubnets.Props["vpcConfig"].(map[string]any)["subnetIds"] = engine.Unknown
	unknownBlock := res(t, typeLambdaFunction, "fn", `{}`)
	unknownBlock.Props["vpcConfig"] = engine.Unknown
	checkRule(t, "lambda-in-vpc", []ruleCase{
		{name: "a function in two subnets with a security group is compliant", rs: fn(`{"vpcConfig":{"subnetIds":["subnet-a","subnet-b"],"securityGroupIds":["sg-1"]}}`)},
		{name: "a function without vpcConfig violates", rs: fn(`{}`), want: "vpcConfig is not set"},
		{name: "a function with no subnets violates", rs: fn(`{"vpcConfig":{"subnetIds":[],"securityGroupIds":["sg-1"]}}`), want: "vpcConfig.subnetIds is empty"},
		{name: "a function with subnets and no security group violates", rs: fn(`{"vpcConfig":{"subnetIds":["subnet-a"]}}`), want: "vpcConfig.securityGroupIds is not set"},
		{name: "subnets given as one string violate", rs: fn(`{"vpcConfig":{"subnetIds":"subnet-a","securityGroupIds":["sg-1"]}}`), want: "vpcConfig.subnetIds is a string"},
		{name: "a subnet id that is not a string violates", rs: fn(`{"vpcConfig":{"subnetIds":[7],"securityGroupIds":["sg-1"]}}`), want: "vpcConfig.subnetIds[0] is a number"},
		{name: "a vpcConfig that is a list violates", rs: fn(`{"vpcConfig":[{"subnetIds":["subnet-a"]}]}`), want: "vpcConfig is a list"},
		{name: "unknown subnet ids (preview) count as set", rs: []*engine.Resource{unknownSubnets}},
		{name: "an unknown vpcConfig is undecided", rs: []*engine.Resource{unknownBlock}, want: "vpcConfig is unknown until deployment", undecided: true},
	})
}

func TestLambdaNoPublicAccess(t *testing.T) {
	perm := func(props string) []*engine.Resource {
		return []*engine.Resource{res(t, typeLambdaPermission, "p", props)}
	}
	unknownPrincipal := res(t, typeLambdaPermission, "p", `{"action":"lambda:InvokeFunction"}`)
	unknownPrincipal.Props["principal"] = engine.Unknown
	unknownSource := res(t, typeLambdaPermission, "p", `{"principal":"s3.amazonaws.com"}`)
	unknownSource.Props["sourceArn"] = engine.Unknown
	checkRule(t, "lambda-no-public-access", []ruleCase{
		{name: "an account principal is compliant", rs: perm(`{"principal":"111122223333","action":"lambda:InvokeFunction"}`)},
		{name: "an IAM role principal is compliant", rs: perm(`{"principal":"arn:aws:iam::111122223333:role/caller"}`)},
		{name: "a GovCloud account root principal is compliant", rs: perm(`{"principal":"arn:aws-us-gov:iam::111122223333:root"}`)},
		{name: "a service principal with sourceArn is compliant", rs: perm(`{"principal":"s3.amazonaws.com","sourceArn":"arn:aws:s3:::phi-bucket"}`)},
		{name: "a service principal with sourceAccount is compliant", rs: perm(`{"principal":"events.amazonaws.com","sourceAccount":"111122223333"}`)},
		{name: "a service principal with an unknown sourceArn (preview) is compliant", rs: []*engine.Resource{unknownSource}},
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
		{name: "an unknown principal is undecided", rs: []*engine.Resource{unknownPrincipal}, want: "principal is unknown until deployment", undecided: true},
		{name: "a function is not judged", rs: []*engine.Resource{res(t, typeLambdaFunction, "fn", `{}`)}},
	})
}

func TestLambdaNotInDedicatedVPC(t *testing.T) {
	inVPC := res(t, typeLambdaFunction, "f", `{"vpcConfig":{"subnetIds":["private-id"],"securityGroupIds":["sg-1"]}}`)
	outside := res(t, typeLambdaFunction, "f", `{"runtime":"provided.al2023"}`)
	checkRule(t, "lambda-not-in-dedicated-vpc", []ruleCase{
		{name: "a function attached to a dedicated VPC violates", rs: tenancyStack(t, "dedicated", inVPC), want: "Lambda cannot attach to a dedicated-tenancy VPC"},
		{name: "a function attached to a default VPC is compliant", rs: tenancyStack(t, "default", inVPC)},
		{name: "a function outside any VPC is compliant", rs: tenancyStack(t, "dedicated", outside)},
	})
	byDependency := res(t, typeLambdaFunction, "f", `{"vpcConfig":{"subnetIds":["[unknown]"]}}`)
	byDependency.PropertyDependencies = map[string][]string{"vpcConfig": {"urn:pulumi:test::sce::" + typeSubnet + "::private"}}
	checkRule(t, "lambda-not-in-dedicated-vpc", []ruleCase{
		{name: "a subnet known only through the property dependency is found", rs: tenancyStack(t, "dedicated", byDependency), want: "dedicated"},
	})
}

func TestLambdaStreamSourceEnabled(t *testing.T) {
	const stream = "arn:aws:dynamodb:us-west-2:111122223333:table/p-upload-ledger/stream/2026-01-01T00:00:00.000"
	table := func(props string) *engine.Resource {
		r := res(t, typeDynamoDBTable, "p-ledger-table", props)
		r.Outputs = map[string]any{"streamArn": stream}
		return r
	}
	mapping := res(t, typeEventSourceMapping, "p-airlock-stream", `{"eventSourceArn":"`+stream+`"}`)
	checkRule(t, "lambda-stream-source-enabled", []ruleCase{
		{name: "a table with a new-image stream is compliant", rs: []*engine.Resource{mapping, table(`{"streamEnabled":true,"streamViewType":"NEW_IMAGE"}`)}},
		{name: "new and old images are compliant", rs: []*engine.Resource{mapping, table(`{"streamEnabled":true,"streamViewType":"NEW_AND_OLD_IMAGES"}`)}},
		{name: "a stream of keys only violates", rs: []*engine.Resource{mapping, table(`{"streamEnabled":true,"streamViewType":"KEYS_ONLY"}`)}, want: `streamViewType "KEYS_ONLY"`},
		{name: "a table whose stream is off violates", rs: []*engine.Resource{mapping, table(`{"streamEnabled":false,"streamViewType":"NEW_IMAGE"}`)}, want: "streamEnabled is false"},
		{name: "a stream of no table of the stack violates", rs: []*engine.Resource{mapping}, want: "is the stream of no table of the stack"},
		{name: "a mapping of another source is not judged", rs: []*engine.Resource{res(t, typeEventSourceMapping, "q", `{"eventSourceArn":"arn:aws:sqs:us-west-2:111122223333:q"}`)}},
	})
}
