package ledger

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKeysCarryTheWritersIdentityAndParseBack(t *testing.T) {
	role := "arn:aws:iam::111122223333:role/team/hipaa-reviewer-bob"
	object := ReviewObject(role, "AROAEXAMPLEREVIEWBOB:bob")
	gotRole, gotUser, ok := ParseReviewObject(object)
	require.True(t, ok)
	assert.Equal(t, role, gotRole, "a role path survives")
	assert.Equal(t, "AROAEXAMPLEREVIEWBOB:bob", gotUser)
	assert.Equal(t, "bob", Session(gotUser))
	assert.Equal(t, "AROAEXAMPLEREVIEWBOB", UniqueID(gotUser))

	user, ok := ParseRequestObject(RequestObject("AROAEXAMPLERESEARCH1:alice"))
	require.True(t, ok)
	assert.Equal(t, "AROAEXAMPLERESEARCH1:alice", user)

	for _, bad := range []string{
		ReviewPrefix + "arn:aws:iam::111122223333:role/r",                     // no user id
		ReviewPrefix + "arn:aws:iam::111122223333:role/r#AROA:bob#AROA:carol", // two user ids
		ReviewPrefix + "role/r#AROA:bob",                                      // no ARN
		ReviewPrefix + "arn:aws:iam::111122223333:role/r#AROA:",               // an empty session
		RequestPrefix + "AROA:bob",                                            // a request key is not a review's
	} {
		_, _, ok := ParseReviewObject(bad)
		assert.False(t, ok, bad)
	}
	for _, bad := range []string{RequestPrefix, RequestPrefix + "AROA:a:b", RequestPrefix + "AROA:a/b", "airlock#review#x"} {
		_, ok := ParseRequestObject(bad)
		assert.False(t, ok, bad)
	}
}

func TestThePolicyValuesAreTheKeysWithTheirVariables(t *testing.T) {
	// What IAM substitutes into the policy values must be what the writers compute.
	sub := strings.NewReplacer("${aws:userid}", "AROAEXAMPLEREVIEWBOB:bob", "${aws:PrincipalArn}", "arn:aws:iam::111122223333:role/r")
	assert.Equal(t, ReviewObject("arn:aws:iam::111122223333:role/r", "AROAEXAMPLEREVIEWBOB:bob"), sub.Replace(ReviewKeyOfCaller))
	assert.Equal(t, RequestObject("AROAEXAMPLEREVIEWBOB:bob"), sub.Replace(RequestKeyOfCaller))
	for _, k := range []string{RequestPrefix, ReviewPrefix, RecordPrefix, IndexObject} {
		assert.True(t, strings.HasPrefix(k, Prefix), "%s starts with the prefix the stream filter and the readers' grant use", k)
	}
}

func TestRequestIDs(t *testing.T) {
	id, err := NewRequestID(time.Date(2026, 11, 3, 14, 25, 1, 0, time.FixedZone("x", 3600)), bytes.NewReader([]byte{0x9f, 0x86, 0xd0, 0x81}))
	require.NoError(t, err)
	assert.Equal(t, "20261103T132501Z-9f86d081", id, "UTC, with the random part")
	assert.True(t, ValidRequestID(id))
	for _, bad := range []string{"", "20261103T132501Z", "20261103T132501Z-9F86D081", "../20261103T132501Z-9f86d081", "20261103T132501Z-9f86d081/x"} {
		assert.False(t, ValidRequestID(bad), bad)
	}
}

func validRequest() Request {
	id := "20261103T142501Z-9f86d081"
	return Request{Object: RequestObject("AROAEXAMPLERESEARCH1:alice"), Version: id, Requester: "arn:aws:sts::111122223333:assumed-role/hipaa-researcher/alice",
		Why: "Table 1", RequestedAt: "2026-11-03T14:25:01Z", Bucket: "b",
		Files: []File{{Name: "table1.csv", Key: OutboxKey(id, "table1.csv"), SHA256: strings.Repeat("a", 64), Size: 10}}}
}

func TestRequestValidation(t *testing.T) {
	require.NoError(t, validRequest().Validate())
	for _, tc := range []struct {
		name   string
		change func(*Request)
		want   string
	}{
		{"no justification", func(r *Request) { r.Why = "  " }, "no justification"},
		{"a folder in a name", func(r *Request) { r.Files[0].Name = "a/b.csv"; r.Files[0].Key = OutboxKey(r.Version, "a/b.csv") }, "no folder"},
		{"the release record's name", func(r *Request) {
			r.Files[0].Name = ReleaseRecordName
			r.Files[0].Key = OutboxKey(r.Version, ReleaseRecordName)
		}, "not release-record.json"},
		{"a key outside the request's folder", func(r *Request) { r.Files[0].Key = "outbox/other/table1.csv" }, "is not outbox/20261103T142501Z-9f86d081/table1.csv"},
		{"a hash that is no SHA-256", func(r *Request) { r.Files[0].SHA256 = "abc" }, "is not 64 lower-case hexadecimal"},
		{"a file too large to copy", func(r *Request) { r.Files[0].Size = MaxFileSize + 1 }, "at most 5368709120 bytes"},
		{"a name twice", func(r *Request) { r.Files = append(r.Files, r.Files[0]) }, "appears twice"},
		{"no files", func(r *Request) { r.Files = nil }, "no files"},
		{"a malformed id", func(r *Request) { r.Version = "x" }, "request id \"x\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := validRequest()
			tc.change(&r)
			err := r.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestSameHashesIgnoresOrderButNothingElse(t *testing.T) {
	files := []File{{Name: "b", SHA256: "2"}, {Name: "a", SHA256: "1"}}
	assert.True(t, SameHashes([]Hash{{"a", "1"}, {"b", "2"}}, files))
	assert.False(t, SameHashes([]Hash{{"a", "1"}}, files), "a file left out")
	assert.False(t, SameHashes([]Hash{{"a", "1"}, {"b", "3"}}, files), "another hash")
	assert.False(t, SameHashes([]Hash{{"a", "1"}, {"b", "2"}, {"c", "3"}}, files), "a file added")
}

func TestAReviewNeedsAReasonToReject(t *testing.T) {
	rv := Review{Object: ReviewObject("arn:aws:iam::111122223333:role/r", "AROAX:bob"), Version: "20261103T142501Z-9f86d081",
		RequestObject: RequestObject("AROAY:alice"), Decision: Reject, Files: []Hash{{"a", "1"}}}
	require.ErrorContains(t, rv.Validate(), "needs a reason")
	rv.Comment = "a small cell"
	require.NoError(t, rv.Validate())
	rv.Decision = "maybe"
	require.ErrorContains(t, rv.Validate(), `decision "maybe"`)
}
