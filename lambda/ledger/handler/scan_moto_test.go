package handler

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/phi"
)

// The scan-result fixtures follow the event of "Monitoring S3 object scans with Amazon EventBridge"
// (GuardDuty User Guide): detail-type "GuardDuty Malware Protection Object Scan Result", source
// aws.guardduty, detail.s3ObjectDetails and detail.scanResultDetails. The tests point them at the
// objects they upload to the emulator, as GuardDuty would name them.

// scanKey is the key of put-clean.json, which the scan fixtures scan.
const scanKey = "incoming/cohort-a/labs.csv"

// scanLedger is the ledger's resources with the malware scan on, and the handler over them.
func scanLedger(t *testing.T) (*ledger, *Handler) {
	t.Helper()
	l := newLedger(t)
	l.cfg.MalwareScan = true
	return l, l.handler(t, nil)
}

// loadScan reads a scan-result fixture and points it at the ledger's bucket.
func (l *ledger) loadScan(t *testing.T, name string) ScanResultEvent {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	var ev ScanResultEvent
	require.NoError(t, json.Unmarshal(data, &ev), "decode fixture %s", name)
	ev.Detail.S3ObjectDetails.BucketName = l.bucket
	return ev
}

// scanOf is a scan-result fixture naming the object an upload event's first record staged.
func (l *ledger) scanOf(t *testing.T, name string, up events.S3Event) ScanResultEvent {
	t.Helper()
	ev := l.loadScan(t, name)
	o := up.Records[0].S3.Object
	key, err := decodeKey(o.Key)
	require.NoError(t, err)
	ev.Detail.S3ObjectDetails.ObjectKey, ev.Detail.S3ObjectDetails.VersionID, ev.Detail.S3ObjectDetails.ETag = key, o.VersionID, o.ETag
	return ev
}

// uploaded stages the clean-key fixture and handles its upload event, returning the event.
func (l *ledger) uploaded(t *testing.T, h *Handler) events.S3Event {
	t.Helper()
	ev, _ := l.stage(t, "put-clean.json")
	require.NoError(t, h.Handle(context.Background(), ev))
	return ev
}

// onlyItem is the ledger's one item.
func (l *ledger) onlyItem(t *testing.T) map[string]dbtypes.AttributeValue {
	t.Helper()
	items := l.items(t)
	require.Len(t, items, 1, "the ledger's items")
	return items[0]
}

// text is the subjects and messages of notices, as one string.
func text(notes []notice) string {
	var sb strings.Builder
	for _, n := range notes {
		sb.WriteString(n.Subject + "\n" + n.Message + "\n")
	}
	return sb.String()
}

func TestEmulatorWithTheScanOnAnUploadWaitsForItsScanBeforeItIsQueued(t *testing.T) {
	l, h := scanLedger(t)
	l.uploaded(t, h)
	assert.Empty(t, l.queued(t), "an unscanned upload is not queued")
	assert.Contains(t, text(l.published(t)), "GuardDuty scans it for malware", "the upload notification says the object waits for its scan")
	assert.False(t, done(l.onlyItem(t), AttrQueuedAt), "the item does not say queued before the scan")
}

func TestEmulatorACleanScanIsRecordedAndQueuesTheObjectOnce(t *testing.T) {
	l, h := scanLedger(t)
	up := l.uploaded(t, h)
	ev := l.scanOf(t, "scan-clean.json", up)
	for range 2 { // EventBridge delivers at least once
		require.NoError(t, h.HandleScanResult(context.Background(), ev))
	}
	o := up.Records[0].S3.Object
	msgs := l.queued(t)
	require.Len(t, msgs, 1, "queued once")
	assert.Equal(t, scanKey, msgs[0].Key)
	assert.Equal(t, o.VersionID, msgs[0].Version)
	assert.Equal(t, int64(2048), msgs[0].Size, "the size the upload recorded")
	assert.Equal(t, o.ETag, msgs[0].ETag)
	item := l.onlyItem(t)
	assert.Equal(t, ScanClean, s(t, item, AttrScanStatus))
	assert.NotEmpty(t, s(t, item, AttrScannedAt))
	assert.NotEmpty(t, s(t, item, AttrQueuedAt))
	assert.Len(t, l.published(t), 1, "a clean scan publishes nothing beyond the upload's notification")
}

func TestEmulatorAnInfectedObjectIsQuarantinedAndAlertedOnce(t *testing.T) {
	l, h := scanLedger(t)
	up := l.uploaded(t, h)
	ev := l.scanOf(t, "scan-threats.json", up)
	for range 2 {
		require.NoError(t, h.HandleScanResult(context.Background(), ev))
	}
	assert.Empty(t, l.queued(t), "an infected object is not queued")
	quarantine := DefaultQuarantinePrefix + phi.KeyHash(scanKey)
	copies, _ := l.versions(t, quarantine)
	assert.Len(t, copies, 1, "one quarantine copy")
	versions, markers := l.versions(t, scanKey)
	assert.Empty(t, versions, "the infected version is no longer under its key")
	assert.Empty(t, markers, "and no delete marker stands in its place")
	copied, got, _ := l.object(t, quarantine)
	assert.Len(t, copied, 2048, "the copy holds the upload's bytes")
	assert.Equal(t, l.key, aws.ToString(got.SSEKMSKeyId), "encrypted with the project key")

	item := l.onlyItem(t)
	assert.Equal(t, ScanThreatsFound, s(t, item, AttrScanStatus))
	assert.Equal(t, quarantine, s(t, item, AttrQuarantineKey))
	assert.NotEmpty(t, s(t, item, AttrQuarantinedAt))
	assert.Contains(t, itemText(item), "EICAR-Test-File (not a virus)", "the threat's name is recorded")
	alerts := 0
	for _, p := range l.published(t) {
		if strings.HasPrefix(p.Subject, "SCE alert: malware in an upload") {
			alerts++
			assert.Contains(t, p.Message, quarantine, "the alert names the quarantine")
			assert.Contains(t, p.Message, "EICAR", "and the threat")
		}
	}
	assert.Equal(t, 1, alerts, "one malware alert")
}

func TestEmulatorAnObjectTheScanCouldNotClearIsAlertedAndNeverQueued(t *testing.T) {
	l, h := scanLedger(t)
	up := l.uploaded(t, h)
	require.NoError(t, h.HandleScanResult(context.Background(), l.scanOf(t, "scan-unsupported.json", up)))
	assert.Empty(t, l.queued(t), "an unscanned object is not queued")
	assert.Equal(t, "UNSUPPORTED", s(t, l.onlyItem(t), AttrScanStatus))
	assert.Contains(t, text(l.published(t)), "SCE alert: malware scan did not clear an upload")
	versions, _ := l.versions(t, scanKey)
	assert.Equal(t, []string{up.Records[0].S3.Object.VersionID}, versions, "an object that is merely unscanned is not moved")
}

func TestEmulatorAScanResultBeforeItsUploadIsRecordedFailsSoThatItIsRetried(t *testing.T) {
	l, h := scanLedger(t)
	up, _ := l.stage(t, "put-clean.json") // uploaded, but its event not handled yet
	err := h.HandleScanResult(context.Background(), l.scanOf(t, "scan-clean.json", up))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not in the ledger yet", "a retryable error naming the missing item")
	assert.Empty(t, l.queued(t), "an unrecorded object is not queued")
	assert.Empty(t, l.items(t), "nor recorded: the conditional update made no item")
}

func TestEmulatorTheScanOfAPHIKeyNeverShowsTheKey(t *testing.T) {
	l, h := scanLedger(t)
	up, _ := l.stage(t, "put-phi-ssn.json")
	require.NoError(t, h.Handle(context.Background(), up))
	const key = "incoming/123-45-6789_labs.csv"
	ev := l.scanOf(t, "scan-unsupported.json", up)
	require.Equal(t, key, ev.Detail.S3ObjectDetails.ObjectKey)
	require.NoError(t, h.HandleScanResult(context.Background(), ev))
	assert.NotContains(t, l.logs.String(), "123-45-6789", "the PHI key appears in no log line")
	assert.NotContains(t, text(l.published(t)), "123-45-6789", "nor in a message")
	assert.Equal(t, "UNSUPPORTED", s(t, l.onlyItem(t), AttrScanStatus), "the quarantined item's scan status")
	assert.Empty(t, l.queued(t), "a PHI-named object is not queued")
}

func TestEmulatorAnInfectedQuarantinedCopyIsAlerted(t *testing.T) {
	l, h := scanLedger(t)
	ev := l.loadScan(t, "scan-threats.json")
	ev.Detail.S3ObjectDetails.ObjectKey = DefaultQuarantinePrefix + phi.KeyHash(scanKey)
	require.NoError(t, h.HandleScanResult(context.Background(), ev))
	assert.Contains(t, text(l.published(t)), "quarantined copy", "an alert for the copy")
}

func TestEmulatorInvokeTellsUploadEventsFromScanResults(t *testing.T) {
	l, h := scanLedger(t)
	up, _ := l.stage(t, "put-clean.json")
	o := up.Records[0].S3.Object
	fixture := loadEvent(t, "put-clean.json").Records[0].S3.Object
	// The fixtures as delivered, naming the bucket, version and ETag of the staged upload.
	names := strings.NewReplacer(testBucket, l.bucket, fixture.VersionID, o.VersionID, fixture.ETag, o.ETag)
	for _, name := range []string{"put-clean.json", "scan-clean.json"} {
		raw, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(t, err)
		require.NoError(t, h.Invoke(context.Background(), json.RawMessage(names.Replace(string(raw)))), "Invoke %s", name)
	}
	assert.Len(t, l.queued(t), 1, "an upload and its clean scan queue the object once")
	for _, bad := range []string{`{"detail-type":"Scheduled Event","source":"aws.events"}`, `{}`, `[`} {
		assert.Error(t, h.Invoke(context.Background(), json.RawMessage(bad)), "Invoke(%s)", bad)
	}
}
