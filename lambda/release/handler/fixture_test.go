package handler

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/airlock/ledger"
)

// TestAStreamRecordOfTheDocumentedShapeIsHandled feeds the function a batch written out by hand in the
// shape the DynamoDB Developer Guide shows for Lambda ("DynamoDB Streams and AWS Lambda triggers",
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.Lambda.html; the fields of
// Record and StreamRecord in the DynamoDB Streams API Reference,
// https://docs.aws.amazon.com/amazondynamodbstreams/latest/APIReference/API_Record.html): an INSERT with
// Keys and a NEW_IMAGE, numbers as strings ("N"), a list of maps; then a REMOVE by Time to Live, which
// carries userIdentity and no image, and is skipped.
func TestAStreamRecordOfTheDocumentedShapeIsHandled(t *testing.T) {
	raw, err := os.ReadFile("testdata/request-insert.json")
	require.NoError(t, err)
	var ev events.DynamoDBEvent
	require.NoError(t, json.Unmarshal(raw, &ev))

	e := newEnv(t)
	e.outbox(testID, "table1.csv", "count\n12\n14\n")
	// The table holds the item the record is of, as DynamoDB would.
	item, err := fromStream(ev.Records[0].Change.NewImage)
	require.NoError(t, err)
	require.NoError(t, e.table.Put(item))
	_, err = e.table.Stream()
	require.NoError(t, err)
	resp, err := e.h.Handle(context.Background(), ev)
	require.NoError(t, err)
	assert.Empty(t, resp.BatchItemFailures)

	entry := e.index(testID)
	assert.Equal(t, ledger.StatusPending, entry.Status)
	assert.Equal(t, 1, entry.Files)
	var rec ledger.RequestRecord
	_, err = e.h.get(context.Background(), ledger.RecordObject(testID), ledger.VersionRequest, &rec)
	require.NoError(t, err)
	require.Len(t, rec.Files, 1)
	assert.Equal(t, int64(12), rec.Files[0].Size, "a stream number is read as a number")
	assert.Equal(t, "AROAEXAMPLERESEARCH1:alice", rec.RequesterUserID)

	// The files approved are the ones of the fixture: two approvals release them.
	e.review(bobRole, bobUserID, testID, ledger.Approve, rec.Files)
	e.review(carolRole, carolUserID, testID, ledger.Approve, rec.Files)
	e.drain()
	assert.Equal(t, ledger.StatusReleased, e.index(testID).Status)
	assert.Equal(t, "count\n12\n14\n", string(e.object(ledger.ReleasedKey(testID, "table1.csv"))))
}

func TestConfigFromEnv(t *testing.T) {
	base := map[string]string{EnvLedgerTable: testTable, EnvOutputBucket: testBucket, EnvTopicARN: testTopic, EnvKMSKeyARN: testKey,
		EnvReviewers: bobRole + ", " + carolRole + "," + bobRole}
	lookup := func(m map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	c, err := ConfigFromEnv(lookup(base))
	require.NoError(t, err)
	assert.Equal(t, []string{bobRole, carolRole}, c.Reviewers, "trimmed, duplicates dropped")
	assert.Equal(t, MinApprovals, c.Approvals)

	for _, tc := range []struct{ name, key, value, want string }{
		{"no table", EnvLedgerTable, "", "LEDGER_TABLE is not set"},
		{"a reviewer that is no role ARN", EnvReviewers, "arn:aws:iam::111122223333:user/bob", "REVIEWERS holds"},
		{"one approval", EnvApprovals, "1", "APPROVALS is \"1\": want a whole number of at least 2"},
		{"a topic that is no ARN", EnvTopicARN, "alerts", "TOPIC_ARN is \"alerts\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := map[string]string{}
			for k, v := range base {
				m[k] = v
			}
			m[tc.key] = tc.value
			_, err := ConfigFromEnv(lookup(m))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
