package handler

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/airlock/ledger"
)

// requested makes alice's request of two files and lets the function record it.
func requested(t *testing.T, e *env) []ledger.File {
	t.Helper()
	files := []ledger.File{e.outbox(testID, "table1.csv", "age_band,n\n40-49,25\n50-59,31\n"), e.outbox(testID, "model.txt", "coefficients\n")}
	e.request(testID, files...)
	e.drain()
	return files
}

func TestARequestIsRecordedIndexedAndNotified(t *testing.T) {
	e := newEnv(t)
	requested(t, e)

	entry := e.index(testID)
	assert.Equal(t, ledger.StatusPending, entry.Status)
	assert.Equal(t, 2, entry.Files)
	assert.Equal(t, aliceARN, entry.Requester)
	var rec ledger.RequestRecord
	found, err := e.h.get(context.Background(), ledger.RecordObject(testID), ledger.VersionRequest, &rec)
	require.NoError(t, err)
	require.True(t, found, "the function keeps its own record of the request")
	assert.Equal(t, aliceUserID, rec.RequesterUserID, "the requester is who IAM let write the key, not what an attribute says")
	assert.Equal(t, []string{bobRole, carolRole, daveRole}, rec.Reviewers)
	assert.Equal(t, []ledger.EventKind{ledger.EventRequested}, e.events(testID))
	assert.Equal(t, []string{"SCE airlock: request " + testID + " awaits review"}, e.subjects())
	for _, m := range e.published() {
		assert.NotContains(t, m.Message, "Table 1 of the paper", "the justification is free text: it stays in the ledger")
		assert.NotContains(t, m.Message, "table1.csv", "notifications name no files")
	}
}

func TestOneApprovalDoesNotRelease(t *testing.T) {
	e := newEnv(t)
	files := requested(t, e)
	e.review(bobRole, bobUserID, testID, ledger.Approve, files)
	e.drain()

	assert.Equal(t, ledger.StatusPending, e.index(testID).Status)
	assert.Equal(t, 1, e.index(testID).Approvals)
	assert.Empty(t, e.released(testID), "nothing is released on one approval")
	assert.Equal(t, []ledger.EventKind{ledger.EventRequested, ledger.EventApproved}, e.events(testID))
}

func TestTwoDistinctApprovalsRelease(t *testing.T) {
	e := newEnv(t)
	files := requested(t, e)
	e.review(bobRole, bobUserID, testID, ledger.Approve, files)
	e.drain()
	e.review(carolRole, carolUserID, testID, ledger.Approve, files)
	e.drain()

	assert.Equal(t, ledger.StatusReleased, e.index(testID).Status)
	keys := e.released(testID)
	assert.ElementsMatch(t, []string{"released/" + testID + "/table1.csv", "released/" + testID + "/model.txt", "released/" + testID + "/release-record.json"}, keys)
	assert.Equal(t, "age_band,n\n40-49,25\n50-59,31\n", string(e.object("released/"+testID+"/table1.csv")))

	var doc ledger.ReleaseDocument
	require.NoError(t, json.Unmarshal(e.object(ledger.ReleaseRecordKey(testID)), &doc))
	assert.Equal(t, ledger.ReleaseSchema, doc.Schema)
	assert.Equal(t, testID, doc.RequestID)
	assert.Equal(t, aliceARN, doc.Requester)
	assert.Equal(t, "Table 1 of the paper", doc.Why)
	assert.JSONEq(t, `{"files":[],"findings":[]}`, string(doc.Checks), "the checks' report is carried as it was recorded")
	var roles []string
	for _, r := range doc.Reviewers {
		roles = append(roles, r.Role)
	}
	assert.ElementsMatch(t, []string{bobRole, carolRole}, roles)
	require.Len(t, doc.Files, 2)
	for _, f := range doc.Files {
		want := files[slices.IndexFunc(files, func(x ledger.File) bool { return x.Name == f.Name })]
		assert.Equal(t, want.SHA256, f.SHA256)
		assert.Equal(t, want.VersionID, f.SourceVersionID, "the version copied is the version hashed")
		assert.Equal(t, ledger.ReleasedKey(testID, f.Name), f.Key)
	}
	assert.Equal(t, []ledger.EventKind{ledger.EventRequested, ledger.EventApproved, ledger.EventApproved, ledger.EventReleased}, e.events(testID))
	assert.Contains(t, e.subjects(), "SCE airlock: request "+testID+" released")
}

func TestSelfApprovalIsRefused(t *testing.T) {
	for _, tc := range []struct {
		name, role, userID string
	}{
		{"by the requester's own session, as a reviewer role", bobRole, "AROAEXAMPLEREVIEWBOB:alice"},
		{"by the requester's role", "arn:aws:iam::111122223333:role/hipaa-researcher", aliceUserID},
		{"by the same person under another role (the session name, case ignored)", carolRole, "AROAEXAMPLEREVIEWCAR:Alice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reviewers := []string{bobRole, carolRole, daveRole, "arn:aws:iam::111122223333:role/hipaa-researcher"}
			e := newEnv(t, reviewers...)
			files := requested(t, e)
			e.review(tc.role, tc.userID, testID, ledger.Approve, files)
			e.review(daveRole, daveUserID, testID, ledger.Approve, files)
			e.drain()

			assert.Empty(t, e.released(testID), "a self-approval plus one other approval releases nothing")
			assert.Equal(t, 1, e.index(testID).Approvals)
			assert.Contains(t, e.events(testID), ledger.EventReviewRefused)
			assert.Contains(t, e.subjects(), "SCE airlock ALERT: a review of "+testID+" does not count")
		})
	}
}

func TestAFileChangedAfterApprovalIsNotReleased(t *testing.T) {
	e := newEnv(t)
	files := requested(t, e)
	e.review(bobRole, bobUserID, testID, ledger.Approve, files)
	e.drain()
	// The researcher overwrites an approved file in the outbox before the second approval.
	e.outbox(testID, "table1.csv", "age_band,n\n40-49,25\n50-59,3\n")
	e.review(carolRole, carolUserID, testID, ledger.Approve, files)
	e.drain()

	assert.Equal(t, ledger.StatusRefused, e.index(testID).Status)
	assert.Empty(t, e.released(testID), "no file of the request is released, not even the unchanged one")
	var rel ledger.ReleaseRecord
	_, err := e.h.get(context.Background(), ledger.RecordObject(testID), ledger.VersionRelease, &rel)
	require.NoError(t, err)
	assert.Equal(t, ledger.StatusRefused, rel.Status)
	assert.Contains(t, rel.Reason, "table1.csv changed after it was requested and approved")
	assert.Contains(t, e.subjects(), "SCE airlock ALERT: release of "+testID+" refused")

	// A third approval changes nothing: the request is closed.
	e.review(daveRole, daveUserID, testID, ledger.Approve, files)
	e.drain()
	assert.Empty(t, e.released(testID))
}

func TestReviewsThatDoNotCount(t *testing.T) {
	for _, tc := range []struct {
		name   string
		review func(e *env, files []ledger.File)
		why    string
	}{
		{"a role that is not a reviewer", func(e *env, files []ledger.File) {
			e.review("arn:aws:iam::111122223333:role/hipaa-builder", "AROAEXAMPLEBUILDER01:erin", testID, ledger.Approve, files)
		}, "is not one of the reviewers"},
		{"a review of other hashes", func(e *env, files []ledger.File) {
			other := append([]ledger.File(nil), files...)
			other[0].SHA256 = strings.Repeat("0", 64)
			e.review(bobRole, bobUserID, testID, ledger.Approve, other)
		}, "other files or hashes"},
		{"a review of a request that does not exist", func(e *env, files []ledger.File) {
			e.review(bobRole, bobUserID, "20261103T142501Z-00000000", ledger.Approve, files)
		}, "there is no request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			files := requested(t, e)
			tc.review(e, files)
			e.review(carolRole, carolUserID, testID, ledger.Approve, files)
			e.drain()
			assert.Empty(t, e.released(testID), "one counting approval releases nothing")
			var found bool
			for _, m := range e.published() {
				if strings.Contains(m.Message, tc.why) {
					found = true
				}
			}
			assert.True(t, found, "an alert says why: %q", tc.why)
		})
	}
}

func TestOnePersonUnderTwoReviewerRolesCountsOnce(t *testing.T) {
	e := newEnv(t)
	files := requested(t, e)
	e.review(bobRole, bobUserID, testID, ledger.Approve, files)
	e.review(carolRole, "AROAEXAMPLEREVIEWCAR:bob", testID, ledger.Approve, files)
	e.drain()
	assert.Empty(t, e.released(testID))
	assert.Equal(t, 1, e.index(testID).Approvals)
}

func TestARejectionClosesTheRequest(t *testing.T) {
	e := newEnv(t)
	files := requested(t, e)
	e.review(bobRole, bobUserID, testID, ledger.Reject, files)
	e.drain()
	e.review(carolRole, carolUserID, testID, ledger.Approve, files)
	e.review(daveRole, daveUserID, testID, ledger.Approve, files)
	e.drain()
	assert.Equal(t, ledger.StatusRejected, e.index(testID).Status)
	assert.Empty(t, e.released(testID))
	assert.Contains(t, e.subjects(), "SCE airlock: request "+testID+" rejected")
}

func TestWithoutTwoReviewersNothingIsEverReleased(t *testing.T) {
	e := newEnv(t, bobRole)
	files := requested(t, e)
	e.review(bobRole, bobUserID, testID, ledger.Approve, files)
	e.drain()
	assert.Empty(t, e.released(testID))
	assert.Contains(t, e.published()[0].Message, "No release is possible")
}

func TestARequestWhoseRequesterIsNotTheWriterIsRefused(t *testing.T) {
	e := newEnv(t)
	f := e.outbox(testID, "table1.csv", "n\n12\n")
	r := ledger.Request{Object: ledger.RequestObject(aliceUserID), Version: testID, Requester: "arn:aws:sts::111122223333:assumed-role/hipaa-researcher/bob",
		Why: "x", RequestedAt: "2026-11-03T14:25:01Z", Bucket: e.bucket, Files: []ledger.File{f}, Checks: "{}"}
	e.putItem(r)
	e.drain()
	assert.Equal(t, ledger.StatusRefused, e.index(testID).Status)
	assert.Contains(t, e.published()[0].Message, `is not the session "alice"`)
}

func TestAChangedRequestChangesNothing(t *testing.T) {
	e := newEnv(t)
	files := requested(t, e)
	// alice rewrites her request with another file's hash after it was recorded.
	changed := append([]ledger.File(nil), files...)
	changed[0] = e.outbox(testID, "table1.csv", "age_band,n\n40-49,2\n")
	e.request(testID, changed...)
	e.drain()
	assert.Contains(t, e.events(testID), ledger.EventRequestChanged)
	// Reviews of the recorded hashes still count, but the outbox now holds other bytes: refused.
	e.review(bobRole, bobUserID, testID, ledger.Approve, files)
	e.review(carolRole, carolUserID, testID, ledger.Approve, files)
	e.drain()
	assert.Equal(t, ledger.StatusRefused, e.index(testID).Status)
	assert.Empty(t, e.released(testID))
}

func TestAFailedCopyIsRetriedAndReleasedOnce(t *testing.T) {
	e := newEnv(t)
	files := requested(t, e)
	e.review(bobRole, bobUserID, testID, ledger.Approve, files)
	e.drain()
	e.review(carolRole, carolUserID, testID, ledger.Approve, files)
	e.s3api.failNext("CopyObject", 1)
	ev := e.next()
	resp, err := e.h.Handle(context.Background(), ev)
	require.NoError(t, err)
	require.Len(t, resp.BatchItemFailures, 1, "the failed record is reported, so that Lambda retries from it")
	assert.Equal(t, ev.Records[0].Change.SequenceNumber, resp.BatchItemFailures[0].ItemIdentifier)
	assert.Equal(t, ledger.StatusReleasing, e.index(testID).Status)

	// Lambda retries the batch from the failed record.
	resp, err = e.h.Handle(context.Background(), ev)
	require.NoError(t, err)
	assert.Empty(t, resp.BatchItemFailures)
	e.drain()
	assert.Equal(t, ledger.StatusReleased, e.index(testID).Status)
	assert.Len(t, e.released(testID), 3)
	n := 0
	for _, s := range e.subjects() {
		if strings.HasSuffix(s, " released") {
			n++
		}
	}
	assert.Equal(t, 1, n, "one release notification")
}
