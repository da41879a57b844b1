package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

func TestDynamoDBPITR(t *testing.T) {
	table := func(props string) []*engine.Resource {
		return []*engine.Resource{res(t, typeDynamoDBTable, "t", props)}
	}
	unknown := res(t, typeDynamoDBTable, "t", `{"pointInTimeRecovery":{}}`)
	unknown.Props["pointInTimeRecovery"].(map[string]any)["enabled"] = engine.Unknown
	checkRule(t, "dynamodb-pitr", []ruleCase{
		{name: "a table with point-in-time recovery is compliant", rs: table(`{"pointInTimeRecovery":{"enabled":true}}`)},
		{name: "a table with recovery off violates", rs: table(`{"pointInTimeRecovery":{"enabled":false}}`), want: "pointInTimeRecovery.enabled is false; it must be true"},
		{name: "a table without the block violates", rs: table(`{"hashKey":"id"}`), want: "pointInTimeRecovery.enabled is not set"},
		{name: "a block of the wrong shape violates", rs: table(`{"pointInTimeRecovery":true}`), want: "pointInTimeRecovery is a boolean"},
		{name: "a flag of the wrong shape violates", rs: table(`{"pointInTimeRecovery":{"enabled":"on"}}`), want: "expected the boolean true"},
		{name: "an unknown flag is undecided", rs: []*engine.Resource{unknown}, want: "pointInTimeRecovery.enabled is unknown until deployment", undecided: true},
	})
}

func TestDynamoDBEncryptedKMS(t *testing.T) {
	table := func(props string) []*engine.Resource {
		return []*engine.Resource{res(t, typeDynamoDBTable, "t", props)}
	}
	unknownKey := res(t, typeDynamoDBTable, "t", `{"serverSideEncryption":{"enabled":true}}`)
	unknownKey.Props["serverSideEncryption"].(map[string]any)["kmsKeyArn"] = engine.Unknown
	unknownFlag := res(t, typeDynamoDBTable, "t", `{"serverSideEncryption":{"kmsKeyArn":"arn:aws:kms:us-east-1:111122223333:key/k"}}`)
	unknownFlag.Props["serverSideEncryption"].(map[string]any)["enabled"] = engine.Unknown
	checkRule(t, "dynamodb-encrypted-kms", []ruleCase{
		{name: "a table encrypted with the project key is compliant", rs: table(`{"serverSideEncryption":{"enabled":true,"kmsKeyArn":"arn:aws:kms:us-east-1:111122223333:key/k"}}`)},
		{name: "an unknown key arn (preview) counts as set", rs: []*engine.Resource{unknownKey}},
		{name: "a table without the block (AWS owned key) violates", rs: table(`{}`), want: "serverSideEncryption is not set, so the table is encrypted with an AWS owned key"},
		{name: "encryption turned off violates", rs: table(`{"serverSideEncryption":{"enabled":false}}`), want: "serverSideEncryption.enabled is false"},
		{name: "encryption on without a key (AWS managed key) violates", rs: table(`{"serverSideEncryption":{"enabled":true}}`), want: "serverSideEncryption.kmsKeyArn is not set"},
		{name: "the AWS managed DynamoDB key violates", rs: table(`{"serverSideEncryption":{"enabled":true,"kmsKeyArn":"arn:aws:kms:us-east-1:111122223333:alias/aws/dynamodb"}}`),
			want: "an AWS managed key"},
		{name: "a block of the wrong shape violates", rs: table(`{"serverSideEncryption":"kms"}`), want: "serverSideEncryption is a string"},
		{name: "an unknown flag is undecided", rs: []*engine.Resource{unknownFlag}, want: "serverSideEncryption.enabled is unknown until deployment", undecided: true},
	})
}

func TestDynamoDBInBackupPlan(t *testing.T) {
	const tableARN = "arn:aws:dynamodb:us-east-1:111122223333:table/phi"
	table := func(props string) *engine.Resource {
		r := res(t, typeDynamoDBTable, "phi", props)
		r.Outputs = map[string]any{"arn": tableARN}
		return r
	}
	selection := func(props string) *engine.Resource { return res(t, typeBackupSelection, "sel", props) }

	byDependency := table(`{}`)
	byDependency.Outputs = nil
	selByDependency := selection(`{"planId":"p"}`)
	selByDependency.Props["resources"] = []any{engine.Unknown}
	selByDependency.PropertyDependencies = map[string][]string{"resources": {byDependency.URN}}

	byProviderTag := table(`{}`)
	byProviderTag.Provider = obj(t, `{"defaultTags":{"tags":{"Project":"hipaa"}}}`)

	unknownResources := selection(`{}`)
	unknownResources.Props["resources"] = engine.Unknown

	unknownTags := table(`{}`)
	unknownTags.Props["tags"] = engine.Unknown

	checkRule(t, "dynamodb-in-backup-plan", []ruleCase{
		{name: "a table listed by arn (offline plan) is compliant", rs: []*engine.Resource{table(`{}`), selection(`{"resources":["` + tableARN + `"]}`)}},
		{name: "a table listed through the selection's dependencies (preview) is compliant", rs: []*engine.Resource{byDependency, selByDependency}},
		{name: "a selection of every resource covers the table", rs: []*engine.Resource{table(`{}`), selection(`{"resources":["*"]}`)}},
		{name: "a selection of every table by arn pattern covers the table", rs: []*engine.Resource{table(`{}`), selection(`{"resources":["arn:aws:dynamodb:*:*:table/*"]}`)}},
		{name: "a table whose tag a selection matches is compliant", rs: []*engine.Resource{table(`{"tags":{"Backup":"daily"}}`),
			selection(`{"selectionTags":[{"type":"STRINGEQUALS","key":"Backup","value":"daily"}]}`)}},
		{name: "a tag from the provider's defaultTags matches too", rs: []*engine.Resource{byProviderTag,
			selection(`{"selectionTags":[{"type":"STRINGEQUALS","key":"Project","value":"hipaa"}]}`)}},
		{name: "a table matched by arn and passing the selection's conditions is compliant", rs: []*engine.Resource{table(`{"tags":{"Project":"hipaa"}}`),
			selection(`{"resources":["*"],"conditions":[{"stringEquals":[{"key":"aws:ResourceTag/Project","value":"hipaa"}]}]}`)}},
		{name: "a table and no selection violate", rs: []*engine.Resource{table(`{}`)}, want: "no AWS Backup selection covers the table"},
		{name: "a selection of another table does not count", rs: []*engine.Resource{table(`{}`),
			selection(`{"resources":["arn:aws:dynamodb:us-east-1:111122223333:table/other"]}`)}, want: "no AWS Backup selection covers the table"},
		{name: "a tag with another value does not match", rs: []*engine.Resource{table(`{"tags":{"Backup":"weekly"}}`),
			selection(`{"selectionTags":[{"type":"STRINGEQUALS","key":"Backup","value":"daily"}]}`)}, want: "no AWS Backup selection covers the table"},
		{name: "a table excluded by notResources violates", rs: []*engine.Resource{table(`{}`),
			selection(`{"resources":["*"],"notResources":["` + tableARN + `"]}`)}, want: "no AWS Backup selection covers the table"},
		{name: "a table failing the selection's conditions violates", rs: []*engine.Resource{table(`{"tags":{"Project":"omop"}}`),
			selection(`{"resources":["*"],"conditions":[{"stringEquals":[{"key":"aws:ResourceTag/Project","value":"hipaa"}]}]}`)}, want: "no AWS Backup selection covers the table"},
		{name: "selectionTags of the wrong shape violate, on the selection", rs: []*engine.Resource{table(`{}`), selection(`{"resources":["*"],"selectionTags":"Backup=daily"}`)},
			want: "selectionTags is a string; expected a list of objects"},
		{name: "resources of the wrong shape violate", rs: []*engine.Resource{table(`{}`), selection(`{"resources":"` + tableARN + `"}`)}, want: "resources is a string"},
		{name: "unknown resources are undecided", rs: []*engine.Resource{table(`{}`), unknownResources}, want: "unknown until deployment", undecided: true},
		{name: "unknown table tags against a tag selection are undecided", rs: []*engine.Resource{unknownTags,
			selection(`{"selectionTags":[{"type":"STRINGEQUALS","key":"Backup","value":"daily"}]}`)}, want: "unknown until deployment", undecided: true},
	})
}
