package worker

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// s3EventBody is an S3 ObjectCreated notification for one object, as S3 writes it (the key URL-encoded,
// spaces as +).
const s3EventBody = `{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
 "eventName":"ObjectCreated:Put","s3":{"s3SchemaVersion":"1.0","bucket":{"name":"pit-data-in","arn":"arn:aws:s3:::pit-data-in"},
 "object":{"key":"in/visit+notes%2B2.csv","size":42,"eTag":"0123456789abcdef0123456789abcdef","versionId":"v1","sequencer":"0062"}}}]}`

func TestMessagesAreRead(t *testing.T) {
	event := Object{Bucket: "pit-data-in", Key: "in/visit notes+2.csv", Version: "v1", Size: 42, ETag: "0123456789abcdef0123456789abcdef"}
	sns, err := json.Marshal(map[string]string{"Type": "Notification", "MessageId": "x", "Message": s3EventBody})
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		body string
		want Object
	}{
		{name: "the upload ledger's message",
			body: `{"bucket":"pit-data-in","key":"in/a.csv","version":"3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY","size":7,"etag":"abc-2","sequencer":"0062"}`,
			want: Object{Bucket: "pit-data-in", Key: "in/a.csv", Version: "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY", Size: 7, ETag: "abc-2"}},
		{name: "the ledger's message for an unversioned object",
			body: `{"bucket":"pit-data-in","key":"a.csv","version":"null","size":1,"etag":"e"}`,
			want: Object{Bucket: "pit-data-in", Key: "a.csv", Version: "null", Size: 1, ETag: "e"}},
		{name: "an S3 event notification, its key decoded", body: s3EventBody, want: event},
		{name: "an S3 event notification wrapped by SNS", body: string(sns), want: event},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseMessage(tc.body)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestUnusableMessagesAreRefusedWithoutQuotingThem(t *testing.T) {
	const secret = "Jane-Doe"
	for _, tc := range []struct {
		name string
		body string
		want string
	}{
		{name: "not JSON", body: "Jane-Doe.csv", want: "not a JSON object"},
		{name: "a JSON array", body: `["Jane-Doe.csv"]`, want: "not a JSON object"},
		{name: "no bucket", body: `{"key":"Jane-Doe.csv"}`, want: "names no bucket"},
		{name: "no key", body: `{"bucket":"b"}`, want: "names no object key"},
		{name: "a folder", body: `{"bucket":"b","key":"Jane-Doe/"}`, want: "names a folder"},
		{name: "a negative size", body: `{"bucket":"b","key":"Jane-Doe.csv","size":-1}`, want: "negative size"},
		{name: "a size that is a string", body: `{"bucket":"b","key":"Jane-Doe.csv","size":"7"}`, want: "a field has the wrong type"},
		{name: "an S3 event with two records", body: `{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put"},{}]}`, want: "has 2 records, want 1"},
		{name: "an S3 removal event", body: `{"Records":[{"eventSource":"aws:s3","eventName":"ObjectRemoved:Delete","s3":{"bucket":{"name":"b"},"object":{"key":"Jane-Doe.csv"}}}]}`, want: "want ObjectCreated"},
		{name: "an S3 event with a badly encoded key", body: `{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"Jane-Doe%zz"}}}]}`, want: "not URL-encoded correctly"},
		{name: "an SNS message that is not a notification", body: `{"Type":"SubscriptionConfirmation","Message":"Jane-Doe"}`, want: "not a notification"},
		{name: "SNS wrapping SNS", body: `{"Type":"Notification","Message":"{\"Type\":\"Notification\",\"Message\":\"{}\"}"}`, want: "names no bucket"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseMessage(tc.body)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), secret)
		})
	}
}

func TestTheS3TestEventIsRecognised(t *testing.T) {
	_, err := ParseMessage(`{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-28T10:00:00.000Z","Bucket":"pit-data-in"}`)
	assert.True(t, errors.Is(err, errTestEvent))
}

func TestResultsGoUnderTheKeyWithoutItsExtension(t *testing.T) {
	for _, tc := range []struct{ key, want string }{
		{"in/2026/scan.csv", "in/2026/scan/"},
		{"scan.csv", "scan/"},
		{"archive.tar.gz", "archive.tar/"},
		{"in/no-extension", "in/no-extension/"},
		{"in/.profile", "in/.profile/"},
		{"in.d/scan", "in.d/scan/"},
	} {
		assert.Equal(t, tc.want, OutputPrefix(tc.key), tc.key)
	}
}

func TestTheDownloadIsNamedByTheKeysExtensionOnly(t *testing.T) {
	for _, tc := range []struct{ key, want string }{
		{"patients/Jane Doe.csv", "input.csv"},
		{"a/b.tar.gz", "input.gz"},
		{"no-extension", "input"},
		{"odd.ext with space", "input"},
		{"long." + strings.Repeat("x", 17), "input"},
		{"dir.d/file", "input"},
	} {
		assert.Equal(t, tc.want, LocalName(tc.key), tc.key)
	}
}

func TestTheRedactorRemovesTheKeyInEveryEncoding(t *testing.T) {
	const key = "patients/Jane Doe+1 (ward)/scan.csv"
	r := newRedactor(key)
	for _, text := range []string{
		key,
		"patients/Jane Doe+1 (ward)/scan/result.txt",
		"patients/Jane%20Doe%2B1%20%28ward%29/scan.csv",
		"patients%2FJane%20Doe+1%20%28ward%29%2Fscan.csv",
		"patients%2FJane+Doe%2B1+%28ward%29%2Fscan.csv",
		"patients/Jane%20Doe+1%20%28ward%29/scan/result.txt",
	} {
		got := r.Redact(`Put "http://127.0.0.1/out/` + text + `": connection refused`)
		assert.NotContains(t, got, "Jane", text)
		assert.Contains(t, got, "[key sha256:", text)
	}
}
