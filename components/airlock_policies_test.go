package components

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTheTablePolicyFitsDynamoDBsLimitOrIsRefused(t *testing.T) {
	table := "arn:aws:dynamodb:us-west-2:111122223333:table/p-upload-ledger"
	release := "arn:aws:iam::111122223333:role/p-airlock-release"
	var few []string
	for i := range 10 {
		few = append(few, fmt.Sprintf("arn:aws:iam::111122223333:role/reviewer-%02d", i))
	}
	doc, err := AirlockTablePolicy(table, release, few)
	require.NoError(t, err)
	assert.Less(t, len(doc), maxTablePolicy)

	var many []string
	for i := range 200 {
		many = append(many, fmt.Sprintf("arn:aws:iam::111122223333:role/reviewers/a-reviewer-with-a-long-name-%03d", i))
	}
	_, err = AirlockTablePolicy(table, release, many)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "DynamoDB accepts at most 20480")

	_, err = AirlockTablePolicy("", release, few)
	assert.Error(t, err)
}
