package handler

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/motoserver"
)

// TestEmulatorARetryFinishesWhatAFailedAttemptLeft: the first attempt fails where the function's role
// lacks one permission (a real AccessDenied); Lambda's retry, with the whole policy, finishes the record
// from what the ledger item marks done, which it reads back from the failed PutItem condition.
func TestEmulatorARetryFinishesWhatAFailedAttemptLeft(t *testing.T) {
	const ssnKey = "incoming/123-45-6789_labs.csv"
	tests := []struct {
		name, fixture, omit string
		wantQueued          int
	}{
		{"the queue refused the message", "put-clean.json", permQueue, 1},
		{"the topic refused the notification", "put-clean.json", permNotify, 1},
		// The message went out before the step could be marked: the retry sends it again.
		{"the ledger refused to mark a step", "put-clean.json", permMark, 2},
		{"the topic refused the alert after the quarantine", "put-phi-ssn.json", permNotify, 0},
		{"the bucket refused to delete the original after the copy", "put-phi-ssn.json", permPurge, 0},
	}
	for _, tt := range tests {
		t.Run("a retry after "+tt.name+" completes the record", func(t *testing.T) {
			l := newLedger(t)
			ev, bodies := l.stage(t, tt.fixture)
			stop := l.srv.EnforceIAM(t)
			require.Error(t, l.handler(t, nil, tt.omit).Handle(context.Background(), ev), "the first attempt")
			require.NoError(t, l.handler(t, nil).Handle(context.Background(), ev), "the retry")
			stop()

			items := l.items(t)
			require.Len(t, items, 1, "one item per version, whatever the attempts")
			assert.True(t, done(items[0], AttrNotifiedAt))
			assert.Len(t, l.queued(t), tt.wantQueued)
			notes := l.published(t)
			require.Len(t, notes, 1, "notified once")
			if strings.Contains(tt.fixture, "phi") {
				assertQuarantined(t, l, ssnKey, bodies[ssnKey])
				assert.Contains(t, notes[0].Message, "the original version was deleted")
			}
		})
	}
}

func TestEmulatorAThrottledLedgerWriteIsRetriedBySDK(t *testing.T) {
	l := newLedger(t)
	ev, _ := l.stage(t, "put-clean.json")
	proxy := l.srv.Proxy(t,
		motoserver.Throttling(motoserver.Target("DynamoDB_20120810.PutItem"), 2),
		motoserver.Throttling(motoserver.Target("AmazonSQS.SendMessage"), 2))
	require.NoError(t, l.handler(t, proxy.Wrap).Handle(context.Background(), ev), "two throttles are within the SDK's three attempts")
	assert.Len(t, l.items(t), 1)
	assert.Len(t, l.queued(t), 1)
	faulted := 0
	for _, r := range proxy.Requests() {
		if r.Faulted {
			faulted++
		}
	}
	assert.Equal(t, 4, faulted)
}

func TestEmulatorAPersistentlyThrottledLedgerFailsTheRecordForLambdaToRetry(t *testing.T) {
	l := newLedger(t)
	ev, _ := l.stage(t, "put-clean.json")
	proxy := l.srv.Proxy(t, motoserver.Throttling(motoserver.Target("DynamoDB_20120810.PutItem"), 0))
	err := l.handler(t, proxy.Wrap).Handle(context.Background(), ev)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "write the ledger item")
	assert.Contains(t, err.Error(), "ThrottlingException")
	assert.Empty(t, l.items(t))
	assert.Empty(t, l.queued(t), "nothing is queued before it is recorded")
}

func TestEmulatorTheLedgerItemIsWrittenOnlyIfNoneExists(t *testing.T) {
	// The conditions the handler writes, on the table itself: PutItem's fails on an existing item and
	// returns it; UpdateItem's fails on a missing one.
	l := newLedger(t)
	h := l.handler(t, nil)
	item := map[string]dbtypes.AttributeValue{AttrObject: str(l.bucket + "/a.csv"), AttrVersion: str("v1"), AttrQueuedAt: str("earlier")}
	stored, created, err := h.record(context.Background(), item)
	require.NoError(t, err)
	assert.True(t, created)
	assert.Equal(t, item, stored)

	again := map[string]dbtypes.AttributeValue{AttrObject: str(l.bucket + "/a.csv"), AttrVersion: str("v1"), AttrRecordedAt: str("now")}
	stored, created, err = h.record(context.Background(), again)
	require.NoError(t, err)
	assert.False(t, created)
	assert.Equal(t, "earlier", s(t, stored, AttrQueuedAt), "the failed condition returned the stored item")
	_, hasNew := stored[AttrRecordedAt]
	assert.False(t, hasNew, "and the stored item was not replaced")

	missing := map[string]dbtypes.AttributeValue{AttrObject: str(l.bucket + "/b.csv"), AttrVersion: str("v1")}
	err = h.mark(context.Background(), missing, map[string]string{AttrNotifiedAt: "now"})
	var ccf *dbtypes.ConditionalCheckFailedException
	require.ErrorAs(t, err, &ccf, "marking an item that does not exist fails its condition")
	out, err := l.db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(l.table), Key: map[string]dbtypes.AttributeValue{AttrObject: missing[AttrObject], AttrVersion: missing[AttrVersion]}})
	require.NoError(t, err)
	assert.Empty(t, out.Item, "and created nothing")
}
