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
	// The fixture's request is of the hipaa stack's output bucket; the test's bucket in the emulator
	// has a name of its own.
	require.Equal(t, events.NewStringAttribute(testBucket), ev.Records[0].Change.NewImage["bucket"])
	ev.Records[0].Change.NewImage["bucket"] = events.NewStringAttribute(e.bucket)
	e.outbox(testID, "table1.csv", "count\n12\n14\n")
	// The table holds the item the record is of, as DynamoDB would.
	item, err := fromStream(ev.Records[0].Change.NewImage)
	require.NoError(t, err)
	e.put(item)
	e.next()
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
