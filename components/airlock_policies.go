package components

import (
	"fmt"

	"github.com/sce-project/sce/internal/airlock/ledger"
)

// The airlock's policies over the upload ledger table (docs/airlock.md). DynamoDB can compare a
// request's partition key (dynamodb:LeadingKeys) with the caller's identity through policy variables,
// and nothing else about an item's contents (DynamoDB Developer Guide, "Using IAM policy conditions for
// fine-grained access control"). The ledger's airlock keys carry their writer's identity
// (internal/airlock/ledger), and these policies make sure they can carry no one else's.

// ledgerWrites are every action that writes or deletes a table item. The PartiQL writes are refused to
// everyone on the airlock's table (no one of the project uses them), so that no statement needs to know
// whether dynamodb:LeadingKeys applies to them.
var ledgerWrites = []string{"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}

var partiQLWrites = []string{"dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete"}

// ledgerReads are the reads of the airlock's items the CLI makes: one item, one partition.
var ledgerReads = []string{"dynamodb:GetItem", "dynamodb:Query"}

// AirlockTablePolicy is the ledger table's resource-based policy:
//
//   - ReviewersReadTheAirlock: the reviewers may read the airlock's items, and no other item (the
//     uploads): every partition key of the request must start with "airlock#"
//     (ForAllValues:StringLike dynamodb:LeadingKeys; GetItem and Query always carry their key).
//   - ReviewersRecordTheirOwnReviews: the reviewers may put a review whose partition key is
//     "airlock#review#${aws:PrincipalArn}#${aws:userid}", their own. Within one account a resource
//     policy's allow for a role suffices (IAM User Guide, "Policy evaluation for requests within a
//     single account"), so the reviewers' own roles need no DynamoDB permission.
//   - ReviewsOnlyUnderTheirWritersKey and RequestsOnlyUnderTheirWritersKey: nobody, whatever their
//     own policies allow (an administrator's dynamodb:*), may write a review or a request under a key
//     that is not their own.
//   - OnlyTheReleaseFunctionWritesAirlockRecords: nobody but the release function's role may write the
//     records of a request or the index, which say what was decided and released.
//   - NoPartiQLWrites: the PartiQL writes are refused to everyone.
func AirlockTablePolicy(tableARN, releaseRoleARN string, reviewers []string) (string, error) {
	if tableARN == "" || releaseRoleARN == "" {
		return "", fmt.Errorf("airlock table policy: the table and the release role are required")
	}
	anyone := &Principal{Anyone: true}
	table := []string{tableARN}
	doc := PolicyDocument{Version: PolicyVersion, ID: "airlock-table-policy"}
	if len(reviewers) > 0 {
		people := &Principal{AWS: reviewers}
		doc.Statement = append(doc.Statement,
			Statement{Sid: "ReviewersReadTheAirlock", Effect: Allow, Principal: people, Action: ledgerReads, Resource: table,
				Condition: Condition{"ForAllValues:StringLike": {"dynamodb:LeadingKeys": {ledger.AllKeys}}}},
			Statement{Sid: "ReviewersRecordTheirOwnReviews", Effect: Allow, Principal: people, Action: []string{"dynamodb:PutItem"}, Resource: table,
				Condition: Condition{"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": {ledger.ReviewKeyOfCaller}}}})
	}
	doc.Statement = append(doc.Statement,
		Statement{Sid: "ReviewsOnlyUnderTheirWritersKey", Effect: Deny, Principal: anyone, Action: ledgerWrites, Resource: table,
			Condition: Condition{
				"ForAnyValue:StringLike":      {"dynamodb:LeadingKeys": {ledger.ReviewKeys}},
				"ForAnyValue:StringNotEquals": {"dynamodb:LeadingKeys": {ledger.ReviewKeyOfCaller}},
			}},
		Statement{Sid: "RequestsOnlyUnderTheirWritersKey", Effect: Deny, Principal: anyone, Action: ledgerWrites, Resource: table,
			Condition: Condition{
				"ForAnyValue:StringLike":      {"dynamodb:LeadingKeys": {ledger.RequestKeys}},
				"ForAnyValue:StringNotEquals": {"dynamodb:LeadingKeys": {ledger.RequestKeyOfCaller}},
			}},
		Statement{Sid: "OnlyTheReleaseFunctionWritesAirlockRecords", Effect: Deny, Principal: anyone, Action: ledgerWrites, Resource: table,
			Condition: Condition{
				"ForAnyValue:StringLike": {"dynamodb:LeadingKeys": {ledger.RecordKeys, ledger.IndexObject}},
				"ArnNotLike":             {"aws:PrincipalArn": {releaseRoleARN}},
			}},
		Statement{Sid: "NoPartiQLWrites", Effect: Deny, Principal: anyone, Action: partiQLWrites, Resource: table},
	)
	text, err := doc.JSON()
	if err != nil {
		return "", err
	}
	if len(text) > maxTablePolicy {
		return "", fmt.Errorf("airlock table policy: %d bytes with %d reviewers; DynamoDB accepts at most %d: name fewer reviewers", len(text), len(reviewers), maxTablePolicy)
	}
	return text, nil
}

// maxTablePolicy is the largest resource-based policy DynamoDB accepts, whitespace counted (DynamoDB
// Developer Guide, "DynamoDB resource-based policy considerations": 20 KB).
const maxTablePolicy = 20 << 10

// AirlockRequesterStatements are what making and following an egress request takes, for the role the
// workstation's data permissions are on: write a request under its own key, read the airlock's items,
// use the project key through DynamoDB (the table is encrypted with it), and read the outbox and
// released/ (to verify its uploads, fetch a request to review on the workstation, and compare new
// results with released ones). The outbox itself is written with the data permissions' write to the
// output bucket; the bucket's policy keeps released/ from it.
func AirlockRequesterStatements(arns ARNs, tableARN, outputARN, keyARN string) []Statement {
	table := []string{tableARN}
	return []Statement{
		{Sid: "RecordAirlockRequests", Effect: Allow, Action: []string{"dynamodb:PutItem"}, Resource: table,
			Condition: Condition{"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": {ledger.RequestKeyOfCaller}}}},
		{Sid: "ReadTheAirlock", Effect: Allow, Action: ledgerReads, Resource: table,
			Condition: Condition{"ForAllValues:StringLike": {"dynamodb:LeadingKeys": {ledger.AllKeys}}}},
		{Sid: "ReadAirlockObjects", Effect: Allow, Action: []string{"s3:GetObject", "s3:GetObjectVersion"},
			Resource: []string{outputARN + "/" + AirlockOutboxPrefix + "*", outputARN + "/" + AirlockReleasedPrefix + "*"}},
		{Sid: "UseProjectKeyThroughDynamoDB", Effect: Allow, Action: []string{"kms:Decrypt", "kms:GenerateDataKey"}, Resource: []string{keyARN},
			Condition: Condition{"StringEquals": {"kms:ViaService": {fmt.Sprintf("dynamodb.%s.amazonaws.com", arns.Region)}}}},
	}
}

// releaseRoleStatements are the release function's least privilege: read the ledger's stream (the four
// actions Lambda's event source mapping needs: DynamoDB Developer Guide, "IAM policy to allow an AWS
// Lambda function to access DynamoDB stream records"), read and write the airlock's items and only
// them, read the outbox and write released/, publish to the topic, send failed batches' descriptions
// to the dead-letter queue (the mapping's on-failure destination, sent with the function's role), use
// the project key through the services that hold data encrypted with it, and write its own logs.
func releaseRoleStatements(arns ARNs, table, output, topic, dlq, key, logGroup string) []Statement {
	var via []string
	for _, service := range []string{"s3", "dynamodb", "sns", "sqs"} {
		via = append(via, fmt.Sprintf("%s.%s.amazonaws.com", service, arns.Region))
	}
	airlockKeys := Condition{"ForAllValues:StringLike": {"dynamodb:LeadingKeys": {ledger.AllKeys}}}
	return []Statement{
		{Sid: "ReadTheLedgerStream", Effect: Allow, Action: []string{"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"},
			Resource: []string{table + "/stream/*"}},
		{Sid: "ReadAndRecordAirlockItems", Effect: Allow, Action: []string{"dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"}, Resource: []string{table},
			Condition: airlockKeys},
		{Sid: "ReadTheOutbox", Effect: Allow, Action: []string{"s3:GetObject", "s3:GetObjectVersion"}, Resource: []string{output + "/" + AirlockOutboxPrefix + "*"}},
		{Sid: "TellMissingFromForbidden", Effect: Allow, Action: []string{"s3:ListBucket"}, Resource: []string{output}},
		{Sid: "WriteReleased", Effect: Allow, Action: []string{"s3:PutObject"}, Resource: []string{output + "/" + AirlockReleasedPrefix + "*"}},
		{Sid: "Notify", Effect: Allow, Action: []string{"sns:Publish"}, Resource: []string{topic}},
		{Sid: "KeepFailedBatches", Effect: Allow, Action: []string{"sqs:SendMessage"}, Resource: []string{dlq}},
		{Sid: "UseProjectKeyThroughItsServices", Effect: Allow, Action: []string{"kms:Decrypt", "kms:GenerateDataKey"}, Resource: []string{key},
			Condition: Condition{"StringEquals": {"kms:ViaService": via}}},
		{Sid: "WriteOwnLogs", Effect: Allow, Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resource: []string{logGroup, logGroup + ":log-stream:*"}},
	}
}

// ReleaseRoleName is the release function's role: fixed, so that the output bucket's and the table's
// policies, made before the role exists, can name it.
func ReleaseRoleName(pit string) string { return pit + "-airlock-release" }

// ReleaseRoleARN is the release function's role ARN.
func ReleaseRoleARN(a ARNs, pit string) string {
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", a.Partition, a.AccountID, ReleaseRoleName(pit))
}

// LedgerTableName is the upload ledger table's name, fixed so that the key policy can name it.
func LedgerTableName(pit string) string { return pit + "-upload-ledger" }
