package handler

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/motoserver"
	"github.com/sce-project/sce/internal/phi"
)

// nameKey is the key of put-phi-name.json.
const nameKey = "incoming/YayaToure visit notes.docx"

// assertQuarantined checks what the bucket and the ledger hold after a PHI key was quarantined: the copy
// under the key's hash, with the same bytes, SSE-KMS with the project key and none of the uploader's
// tags; no version and no delete marker left under the key; the item keyed by the copy's name.
func assertQuarantined(t *testing.T, l *ledger, key string, body []byte) {
	t.Helper()
	qkey := DefaultQuarantinePrefix + phi.KeyHash(key)
	copied, got, tags := l.object(t, qkey)
	assert.Equal(t, body, copied, "the copy holds the upload's bytes")
	assert.Equal(t, types.ServerSideEncryptionAwsKms, got.ServerSideEncryption)
	assert.Equal(t, l.key, aws.ToString(got.SSEKMSKeyId))
	assert.Zero(t, tags, "the uploader's tags are not copied")
	versions, markers := l.versions(t, key)
	assert.Empty(t, versions, "no version of the PHI key survives")
	assert.Empty(t, markers, "no delete marker keeps the PHI key in the bucket's versions")

	items := l.items(t)
	require.Len(t, items, 1)
	item := items[0]
	assert.Equal(t, qkey, s(t, item, AttrObject))
	assert.True(t, b(t, item, AttrQuarantined))
	assert.Equal(t, aws.ToString(got.VersionId), s(t, item, AttrQuarantineVersion), "the item names the copy's version")
	assert.True(t, done(item, AttrQuarantinedAt))
	assert.True(t, done(item, AttrNotifiedAt))
	assert.False(t, done(item, AttrQueuedAt), "a PHI upload is never queued")
	assert.Empty(t, l.queued(t))
}

func TestEmulatorAKeyWithPHIIsQuarantined(t *testing.T) {
	for _, tt := range phiCases {
		t.Run("a key with "+tt.name+" is copied under its hash and purged", func(t *testing.T) {
			l := newLedger(t)
			ev, bodies := l.stage(t, tt.fixture)
			version := ev.Records[0].S3.Object.VersionID
			require.NoError(t, l.handler(t, nil).Handle(context.Background(), ev))

			assertQuarantined(t, l, tt.key, bodies[tt.key])
			item := l.items(t)[0]
			assert.Equal(t, version, s(t, item, AttrVersion), "the item keeps the upload's version")
			kinds, ok := item[AttrPHIKinds].(*dbtypes.AttributeValueMemberL)
			require.True(t, ok)
			require.Len(t, kinds.Value, 1)
			assert.Equal(t, tt.kind, kinds.Value[0].(*dbtypes.AttributeValueMemberS).Value)

			notes := l.published(t)
			require.Len(t, notes, 1)
			hash := phi.KeyHash(tt.key)
			for _, w := range []string{"SCE alert: PHI in an object key in " + l.bucket} {
				assert.Contains(t, notes[0].Subject, w)
			}
			for _, w := range []string{hash, tt.kind, "s3://" + l.bucket + "/" + DefaultQuarantinePrefix + hash, "the original version was deleted"} {
				assert.Contains(t, notes[0].Message, w)
			}
			for _, form := range keyForms(tt.key, tt.secret) {
				assert.NotContains(t, l.logs.String(), form, "the log")
				assert.NotContains(t, itemText(item), form, "the ledger item")
				assert.NotContains(t, notes[0].Subject+notes[0].Message, form, "the alert")
			}
		})
	}
}

func TestEmulatorTheLedgerRolesPolicyIsEnough(t *testing.T) {
	// The keys of these fixtures are of characters moto verifies signatures of under enforcement.
	for _, fixture := range []string{"put-clean.json", "put-phi-ssn.json", "put-phi-name.json"} {
		t.Run(fixture, func(t *testing.T) {
			l := newLedger(t)
			ev, _ := l.stage(t, fixture)
			stop := l.srv.EnforceIAM(t)
			require.NoError(t, l.handler(t, nil).Handle(context.Background(), ev))
			stop()
			items := l.items(t)
			require.Len(t, items, 1)
			assert.True(t, done(items[0], AttrNotifiedAt))
		})
	}
}

func TestEmulatorALargeObjectIsQuarantinedInParts(t *testing.T) {
	l := newLedger(t)
	ev := loadEvent(t, "put-phi-name.json")
	const mib = 1 << 20
	ev.Records[0].S3.Object.Size = 10*mib + 100 // three parts of 5 MiB, the least S3 takes but for the last
	ev, bodies := l.stageEvent(t, ev)
	h := l.handler(t, nil)
	h.maxSingleCopy, h.copyPartSize = 5*mib, 5*mib
	require.NoError(t, h.Handle(context.Background(), ev))

	assertQuarantined(t, l, nameKey, bodies[nameKey])
	head, err := l.s3.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(l.bucket), Key: aws.String(DefaultQuarantinePrefix + phi.KeyHash(nameKey))})
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(aws.ToString(head.ETag), `-3"`), "copied in three parts: %s", aws.ToString(head.ETag))
	assert.Empty(t, l.incompleteUploads(t))
}

func TestEmulatorAFailedPartAbortsTheCopyKeepsTheOriginalAndARetryFinishes(t *testing.T) {
	l := newLedger(t)
	ev := loadEvent(t, "put-phi-name.json")
	const mib = 1 << 20
	ev.Records[0].S3.Object.Size = 10*mib + 100
	ev, bodies := l.stageEvent(t, ev)
	copyPart := func(r *http.Request) bool {
		return r.Method == http.MethodPut && r.Header.Get("X-Amz-Copy-Source") != "" && r.URL.Query().Has("partNumber")
	}
	proxy := l.srv.Proxy(t, motoserver.SlowDown(copyPart, 0))
	h := l.handler(t, proxy.Wrap)
	h.maxSingleCopy, h.copyPartSize = 5*mib, 5*mib

	err := h.Handle(context.Background(), ev)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "copy the object to quarantine: copy part")
	assert.Contains(t, err.Error(), "exceeded maximum number of attempts, 3")
	assert.Contains(t, err.Error(), "SlowDown")
	assert.Empty(t, l.incompleteUploads(t), "the multipart copy was aborted")
	versions, _ := l.versions(t, nameKey)
	assert.Len(t, versions, 1, "the original stays until a copy exists")
	items := l.items(t)
	require.Len(t, items, 1)
	assert.False(t, done(items[0], AttrQuarantinedAt))

	retry := l.handler(t, nil)
	retry.maxSingleCopy, retry.copyPartSize = 5*mib, 5*mib
	require.NoError(t, retry.Handle(context.Background(), ev))
	assertQuarantined(t, l, nameKey, bodies[nameKey])
}

// incompleteUploads lists the bucket's multipart uploads neither completed nor aborted.
func (l *ledger) incompleteUploads(t *testing.T) []types.MultipartUpload {
	t.Helper()
	out, err := l.s3.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(l.bucket)})
	require.NoError(t, err)
	return out.Uploads
}

func TestEmulatorTheEventsVersionIsQuarantinedNotTheLatest(t *testing.T) {
	l := newLedger(t)
	ev, bodies := l.stage(t, "put-phi-ssn.json")
	const key = "incoming/123-45-6789_labs.csv"
	later, err := l.s3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(l.bucket), Key: aws.String(key),
		Body: strings.NewReader("a later upload, with an event of its own")})
	require.NoError(t, err)

	require.NoError(t, l.handler(t, nil).Handle(context.Background(), ev))
	copied, _, _ := l.object(t, DefaultQuarantinePrefix+phi.KeyHash(key))
	assert.Equal(t, bodies[key], copied, "the copy source named the event's version")
	versions, markers := l.versions(t, key)
	assert.Equal(t, []string{aws.ToString(later.VersionId)}, versions, "only the event's version was deleted; the later one waits for its own event")
	assert.Empty(t, markers)
}

func TestEmulatorANetworkFailureDoesNotLeakAPHIKey(t *testing.T) {
	l := newLedger(t)
	ev, _ := l.stage(t, "put-phi-email.json")
	const key = "incoming/jane.doe@example.org notes.txt"
	// The connection closes under every HeadObject: the SDK's error quotes the request's URL, key and all.
	proxy := l.srv.Proxy(t, motoserver.Hangup(motoserver.S3Op(http.MethodHead, ""), 0))
	err := l.handler(t, proxy.Wrap).Handle(context.Background(), ev)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "read the object's metadata (HeadObject)")
	assert.Contains(t, err.Error(), phi.KeyHash(key))
	for _, form := range keyForms(key, "jane.doe") {
		assert.NotContains(t, err.Error(), form, "the returned error")
		assert.NotContains(t, l.logs.String(), form, "the log")
	}
	assert.Empty(t, l.items(t))
}
