package usage

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sce-project/sce/internal/phi"
)

const workstationSession = "principal:arn:aws:sts::111122223333:assumed-role/omop-workstation-role/i-0123456789abcdef0"

func TestTheTrailNamesEachResearcherByTheSessionsSourceIdentity(t *testing.T) {
	rep := build(t, stackOptions(), "", "")

	read := summaryOf(t, rep, "alice", "data-in/incoming")
	assert.Equal(t, SummaryRow{Researcher: "alice", Listed: "listed", Dataset: "data-in/incoming", Source: SourceS3, Read: 1, Reads: 2, BytesRead: 104000,
		First: day("2026-11-28T10:01:02Z"), Last: day("2026-11-28T10:30:00Z")}, read,
		"two reads of one object; HeadObject and the NoSuchKey read are not reads; the read of 27 November is outside the window")
	obj := itemOf(t, rep, "alice", dataIn+"/sha256:"+phi.KeyHash("incoming/cohort.csv"))
	assert.Equal(t, 2, obj.Reads)
	assert.Equal(t, int64(104000), obj.BytesRead, "bytes from additionalEventData.bytesTransferredOut")

	wrote := summaryOf(t, rep, "alice", "output/results")
	assert.Equal(t, 1, wrote.Written)
	assert.Equal(t, int64(2048), wrote.BytesWritten, "bytes from additionalEventData.bytesTransferredIn")
	assert.Equal(t, 1, wrote.Deletes)
	assert.Equal(t, 0, wrote.Read)
	assert.Equal(t, day("2026-11-28T12:30:00Z"), wrote.Last)

	multipart := summaryOf(t, rep, "bob", "output/results")
	assert.Equal(t, 1, multipart.Writes, "the completion is the write")
	assert.Equal(t, int64(5242880+1000), multipart.BytesWritten, "the parts carry the bytes")
	assert.Equal(t, day("2026-11-28T12:01:00Z"), multipart.First, "CreateMultipartUpload moves no data")

	vocabulary := summaryOf(t, rep, "bob", "data-in/vocabulary")
	assert.Equal(t, int64(1000000), vocabulary.BytesRead)
	denied := summaryOf(t, rep, "bob", "data-in/incoming")
	assert.Equal(t, 1, denied.Denied)
	assert.Equal(t, 0, denied.Reads)

	shared := summaryOf(t, rep, workstationSession, "data-in/incoming")
	assert.Equal(t, "unattributed", shared.Listed, "a session without a source identity names no person")
	assert.Equal(t, 1, shared.Reads)

	for _, r := range rep.Summary {
		assert.NotContains(t, r.Dataset, "someone-elses-bucket", "only the PHI buckets of the outputs")
	}
	assert.Len(t, rep.Inputs, 2)
	for _, in := range rep.Inputs {
		assert.Equal(t, KindCloudTrail, in.Kind)
		assert.Regexp(t, `^[0-9a-f]{64}$`, in.SHA256)
		assert.Empty(t, in.Error)
	}
}

func TestAListedResearcherWhoUsedNothingAppearsWithZeros(t *testing.T) {
	rep := build(t, stackOptions(), "host", "")
	carol := summaryOf(t, rep, "carol", "-")
	assert.Equal(t, SummaryRow{Researcher: "carol", Listed: "listed", Dataset: "-", Source: "-"}, carol)

	o := stackOptions()
	o.Datasets = []string{"redshift"}
	rep = build(t, o, "", "")
	assert.True(t, hasSummary(rep, "alice", "-"), "alice used no Redshift data: a zero row under that filter")
	o.Researchers = []string{"bob"}
	rep = build(t, o, "", "")
	assert.False(t, hasSummary(rep, "alice", "-"), "the researcher filter leaves her out")
	assert.True(t, hasSummary(rep, "bob", "-"))
}

func TestWithoutBucketsEveryBucketIsReportedByItsName(t *testing.T) {
	o := stackOptions()
	o.Buckets = nil
	rep := build(t, o, "", "")
	assert.True(t, hasSummary(rep, "alice", "someone-elses-bucket/(top level)"))
	assert.True(t, hasSummary(rep, "alice", dataIn+"/incoming"))
}
