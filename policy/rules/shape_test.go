package rules

import (
	"strings"
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

// TestServerlessMessagingDatabaseRulesSurviveAnyShape sets every property these rules read, on every type
// they judge, to values of every shape, and requires a judgement rather than a panic.
func TestServerlessMessagingDatabaseRulesSurviveAnyShape(t *testing.T) {
	shapes := []any{"x", "", 1.0, -1.0, true, nil, engine.Unknown, []any{}, []any{"x", 2.0, nil, engine.Unknown, map[string]any{}},
		map[string]any{}, map[string]any{"enable": engine.Unknown, "enabled": "x", "kmsKeyArn": 3.0, "targetArn": []any{}, "subnetIds": "s",
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
	var rules []engine.Rule
	for _, family := range [][]engine.Rule{lambdaRules(), snsRules(), sqsRules(), dynamoDBRules(), redshiftRules(), redshiftParameterRules()} {
		rules = append(rules, family...)
	}
	for i, shape := range shapes {
		var rs []*engine.Resource
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
		for _, v := range Evaluate(engine.NewStack(rs), rules).Violations {
			if strings.Contains(v.Message, "could not judge") {
				t.Errorf("shape %d (%s): %s: %s", i, engine.Describe(shape), v.Rule, v.Message)
			}
		}
	}
}

// rs0URN is the URN of the first resource the shape test builds, a dependency that points back into the stack.
func rs0URN(t *testing.T) string {
	return res(t, typeLambdaFunction, "r", `{}`).URN
}
