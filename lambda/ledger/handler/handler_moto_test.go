package handler

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/phi"
)

func TestEmulatorACleanUploadIsRecordedQueuedAndNotified(t *testing.T) {
	l := newLedger(t)
	ev, bodies := l.stage(t, "put-clean.json")
	const key = "incoming/cohort-a/labs.csv"
	version, etag := ev.Records[0].S3.Object.VersionID, ev.Records[0].S3.Object.ETag

	require.NoError(t, l.handler(t, nil).Handle(context.Background(), ev))

	items := l.items(t)
	require.Len(t, items, 1)
	item := items[0]
	for attr, want := range map[string]string{
		AttrObject: l.bucket + "/" + key, AttrVersion: version, AttrBucket: l.bucket, AttrKeyHash: phi.KeyHash(key),
		AttrETag: etag, AttrSSE: "aws:kms", AttrKMSKeyID: l.key,
		AttrUploader: "AWS:AROAEXAMPLEROLEID:researcher-1", AttrSourceIP: "203.0.113.10", AttrEventName: "ObjectCreated:Put",
		AttrEventTime: "2026-11-28T10:15:30.123Z", AttrSequencer: "0055AED6DCD90281E5",
		AttrRecordedAt: "2026-11-28T10:16:00Z", AttrQueuedAt: "2026-11-28T10:16:00Z", AttrNotifiedAt: "2026-11-28T10:16:00Z",
	} {
		assert.Equal(t, want, s(t, item, attr), attr)
	}
	assert.Equal(t, "2048", n(t, item, AttrSize), "the size HeadObject reported")
	assert.False(t, b(t, item, AttrQuarantined))
	assert.False(t, b(t, item, AttrObjectGone))

	assert.Equal(t, []QueueMessage{{Bucket: l.bucket, Key: key, Version: version, Size: int64(len(bodies[key])), ETag: etag, Sequencer: "0055AED6DCD90281E5"}},
		l.queued(t), "one message, the worker's contract")
	notes := l.published(t)
	require.Len(t, notes, 1)
	assert.Equal(t, "Notification", notes[0].Type)
	assert.Equal(t, l.topicARN, notes[0].TopicArn)
	assert.Equal(t, "SCE upload: s3://"+l.bucket+"/"+key, notes[0].Subject)
	for _, w := range []string{version, "2048 bytes", "aws:kms (" + l.key + ")", "researcher-1", "203.0.113.10"} {
		assert.Contains(t, notes[0].Message, w)
	}
	versions, _ := l.versions(t, key)
	assert.Equal(t, []string{version}, versions, "a clean upload is left alone")
}

func TestEmulatorAURLEncodedKeyIsDecodedBeforeEveryCall(t *testing.T) {
	l := newLedger(t)
	ev, _ := l.stage(t, "put-encoded-key.json")
	const key = "incoming/Lab results (2026) v2+final été.csv"
	require.NoError(t, l.handler(t, nil).Handle(context.Background(), ev))
	items := l.items(t)
	require.Len(t, items, 1)
	assert.Equal(t, l.bucket+"/"+key, s(t, items[0], AttrObject))
	assert.Equal(t, "aws:kms", s(t, items[0], AttrSSE), "HeadObject found the object under the decoded key")
	msgs := l.queued(t)
	require.Len(t, msgs, 1)
	assert.Equal(t, key, msgs[0].Key)
	notes := l.published(t)
	require.Len(t, notes, 1)
	assert.Equal(t, "SCE upload: s3://"+l.bucket+"/"+key, notes[0].Subject, "SNS takes a UTF-8 subject")
}

func TestEmulatorAnUnversionedObjectIsRecordedUnderNull(t *testing.T) {
	l := newLedger(t)
	l.bucket = l.srv.Bucket(t, "data-in-unversioned", false)
	l.cfg.Table = l.table
	ev, _ := l.stage(t, "put-unversioned.json")
	require.Empty(t, ev.Records[0].S3.Object.VersionID, "an unversioned bucket makes no version")
	require.NoError(t, l.handler(t, nil).Handle(context.Background(), ev))
	items := l.items(t)
	require.Len(t, items, 1)
	assert.Equal(t, unversioned, s(t, items[0], AttrVersion))
	msgs := l.queued(t)
	require.Len(t, msgs, 1)
	assert.Equal(t, unversioned, msgs[0].Version)
}

func TestEmulatorAVersionDeletedBeforeTheEventIsRecordedFromTheEvent(t *testing.T) {
	l := newLedger(t)
	ev, _ := l.stage(t, "put-clean.json")
	r := ev.Records[0].S3.Object
	_, err := l.s3.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(l.bucket), Key: aws.String(r.Key), VersionId: aws.String(r.VersionID)})
	require.NoError(t, err)

	require.NoError(t, l.handler(t, nil).Handle(context.Background(), ev), "with s3:ListBucket a missing version is a 404, not a failure")
	items := l.items(t)
	require.Len(t, items, 1)
	assert.True(t, b(t, items[0], AttrObjectGone))
	assert.Equal(t, "2048", n(t, items[0], AttrSize), "the size comes from the event")
	assert.Empty(t, l.queued(t), "a version that is gone is not queued")
	notes := l.published(t)
	require.Len(t, notes, 1)
	assert.Contains(t, notes[0].Message, "deleted before it was recorded")
}

func TestEmulatorObjectsUnderARecordOnlyPrefixAreRecordedButNotQueued(t *testing.T) {
	l := newLedger(t)
	l.cfg.RecordOnlyPrefixes = []string{"omop/vocabulary/"}
	ev := loadEvent(t, "put-clean.json")
	ev.Records[0].S3.Object.Key = url.QueryEscape("omop/vocabulary/CONCEPT.csv")
	staged, _ := l.stageEvent(t, ev)
	require.NoError(t, l.handler(t, nil).Handle(context.Background(), staged))
	items := l.items(t)
	require.Len(t, items, 1)
	assert.Equal(t, "omop/vocabulary/", s(t, items[0], AttrRecordOnly))
	assert.Empty(t, l.queued(t))
	notes := l.published(t)
	require.Len(t, notes, 1)
	assert.Contains(t, notes[0].Message, "not queued for processing: objects under omop/vocabulary/")
}

func TestEmulatorAFIFOQueueTakesTheMessageWithItsGroupAndDeduplicationID(t *testing.T) {
	l := newLedgerQueue(t, true)
	ev, _ := l.stage(t, "put-clean.json")
	require.NoError(t, l.handler(t, nil).Handle(context.Background(), ev), "SQS refuses a FIFO message without a group and a deduplication id")
	msgs := l.queued(t)
	require.Len(t, msgs, 1)
	assert.Equal(t, "incoming/cohort-a/labs.csv", msgs[0].Key)
}

func TestEmulatorAFailedRecordDoesNotStopTheOthers(t *testing.T) {
	l := newLedger(t)
	ev, _ := l.stage(t, "put-two-records.json")
	// The first record names a bucket the function's role may not read: a real AccessDenied.
	other := l.srv.Bucket(t, "elsewhere", true)
	ev.Records[0].S3.Bucket.Name = other

	stop := l.srv.EnforceIAM(t)
	err := l.handler(t, nil).Handle(context.Background(), ev)
	stop()
	require.Error(t, err)
	for _, w := range []string{"1 of 2 records failed", "record 0", "s3://" + other + "/incoming/cohort-a/visits.csv", "HeadObject", "403"} {
		assert.Contains(t, err.Error(), w)
	}
	items := l.items(t)
	require.Len(t, items, 1)
	assert.Equal(t, l.bucket+"/incoming/cohort-a/meds.csv", s(t, items[0], AttrObject))
	assert.Len(t, l.queued(t), 1)
	assert.Len(t, l.published(t), 1)
	assert.Contains(t, l.logs.String(), `"msg":"record failed"`)
}

func TestEmulatorARetriedEventIsNotDuplicated(t *testing.T) {
	for _, fixture := range []string{"put-clean.json", "put-phi-ssn.json"} {
		t.Run("a retry of "+fixture+" changes nothing", func(t *testing.T) {
			l := newLedger(t)
			ev, _ := l.stage(t, fixture)
			h := l.handler(t, nil)
			for attempt := 1; attempt <= 2; attempt++ {
				require.NoError(t, h.Handle(context.Background(), ev), "attempt %d", attempt)
			}
			assert.Len(t, l.items(t), 1, "the second PutItem failed its condition")
			wantQueued := 1
			if strings.Contains(fixture, "phi") {
				wantQueued = 0
			}
			assert.Len(t, l.queued(t), wantQueued)
			assert.Len(t, l.published(t), 1)
			assert.Contains(t, l.logs.String(), "already in the ledger: finishing what an earlier attempt left")
		})
	}
}
