package handler

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/sce-project/sce/internal/phi"
)

// The scan-result fixtures follow the event of "Monitoring S3 object scans with Amazon EventBridge"
// (GuardDuty User Guide): detail-type "GuardDuty Malware Protection Object Scan Result", source
// aws.guardduty, detail.s3ObjectDetails and detail.scanResultDetails.

const (
	scanKey     = "incoming/cohort-a/labs.csv"
	scanVersion = "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"
)

// scanEnv is a handler with the malware scan on.
func scanEnv(t *testing.T) *env {
	t.Helper()
	cfg := testConfig()
	cfg.MalwareScan = true
	return newEnvWithConfig(t, cfg, newFakeS3())
}

func loadScan(t *testing.T, name string) ScanResultEvent {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	var ev ScanResultEvent
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatalf("decode fixture %s: %v", name, err)
	}
	return ev
}

// uploaded handles the upload event of the clean-key fixture, which the scan fixtures scan.
func (e *env) uploaded(t *testing.T) {
	t.Helper()
	ev := loadEvent(t, "put-clean.json")
	e.store(t, ev)
	if err := e.handle(ev); err != nil {
		t.Fatalf("Handle: %v", err)
	}
}

func (e *env) scan(t *testing.T, ev ScanResultEvent) error {
	t.Helper()
	return e.h.HandleScanResult(context.Background(), ev)
}

func onlyItem(t *testing.T, e *env) map[string]dbtypes.AttributeValue {
	t.Helper()
	items := e.db.all()
	if len(items) != 1 {
		t.Fatalf("ledger holds %d items, want 1", len(items))
	}
	return items[0]
}

func TestWithTheScanOnAnUploadWaitsForItsScanBeforeItIsQueued(t *testing.T) {
	e := scanEnv(t)
	e.uploaded(t)
	if len(e.sqs.sent) != 0 {
		t.Fatalf("an unscanned upload was queued: %d messages", len(e.sqs.sent))
	}
	if !strings.Contains(e.publishedText(), "GuardDuty scans it for malware") {
		t.Errorf("the upload notification does not say the object waits for its scan:\n%s", e.publishedText())
	}
	if _, queued := onlyItem(t, e)[AttrQueuedAt]; queued {
		t.Error("the item says queued before the scan")
	}
}

func TestACleanScanIsRecordedAndQueuesTheObjectOnce(t *testing.T) {
	e := scanEnv(t)
	e.uploaded(t)
	ev := loadScan(t, "scan-clean.json")
	for range 2 { // EventBridge delivers at least once
		if err := e.scan(t, ev); err != nil {
			t.Fatalf("HandleScanResult: %v", err)
		}
	}
	if len(e.sqs.sent) != 1 {
		t.Fatalf("%d queue messages, want 1", len(e.sqs.sent))
	}
	var msg QueueMessage
	if err := json.Unmarshal([]byte(aws.ToString(e.sqs.sent[0].MessageBody)), &msg); err != nil {
		t.Fatalf("queue message: %v", err)
	}
	if msg.Key != scanKey || msg.Version != scanVersion || msg.Size != 2048 {
		t.Errorf("queue message = %+v", msg)
	}
	item := onlyItem(t, e)
	if got := s(t, item, AttrScanStatus); got != ScanClean {
		t.Errorf("scan status = %q", got)
	}
	if s(t, item, AttrScannedAt) == "" || s(t, item, AttrQueuedAt) == "" {
		t.Error("scannedAt or queuedAt missing")
	}
	if len(e.sns.published) != 1 {
		t.Errorf("a clean scan published %d messages beyond the upload's notification", len(e.sns.published)-1)
	}
}

func TestAnInfectedObjectIsQuarantinedAndAlertedOnce(t *testing.T) {
	e := scanEnv(t)
	e.uploaded(t)
	ev := loadScan(t, "scan-threats.json")
	for range 2 {
		if err := e.scan(t, ev); err != nil {
			t.Fatalf("HandleScanResult: %v", err)
		}
	}
	if len(e.sqs.sent) != 0 {
		t.Fatal("an infected object was queued")
	}
	quarantine := DefaultQuarantinePrefix + phi.KeyHash(scanKey)
	if got := e.s3.versions(testBucket, quarantine); len(got) != 1 {
		t.Fatalf("quarantine copies: %v, want one", got)
	}
	if got := e.s3.versions(testBucket, scanKey); len(got) != 0 {
		t.Errorf("the infected version is still under its key: %v", got)
	}
	item := onlyItem(t, e)
	if s(t, item, AttrScanStatus) != ScanThreatsFound || s(t, item, AttrQuarantineKey) != quarantine || s(t, item, AttrQuarantinedAt) == "" {
		t.Errorf("item does not record the quarantine: %v", itemText(item))
	}
	if !strings.Contains(itemText(item), "EICAR-Test-File (not a virus)") {
		t.Error("the threat's name is not recorded")
	}
	alerts := 0
	for _, p := range e.sns.published {
		if strings.HasPrefix(aws.ToString(p.Subject), "SCE alert: malware in an upload") {
			alerts++
			if !strings.Contains(aws.ToString(p.Message), quarantine) || !strings.Contains(aws.ToString(p.Message), "EICAR") {
				t.Errorf("the alert does not name the quarantine and the threat:\n%s", aws.ToString(p.Message))
			}
		}
	}
	if alerts != 1 {
		t.Errorf("%d malware alerts, want 1", alerts)
	}
}

func TestAnObjectTheScanCouldNotClearIsAlertedAndNeverQueued(t *testing.T) {
	e := scanEnv(t)
	e.uploaded(t)
	if err := e.scan(t, loadScan(t, "scan-unsupported.json")); err != nil {
		t.Fatalf("HandleScanResult: %v", err)
	}
	if len(e.sqs.sent) != 0 {
		t.Fatal("an unscanned object was queued")
	}
	if got := s(t, onlyItem(t, e), AttrScanStatus); got != "UNSUPPORTED" {
		t.Errorf("scan status = %q", got)
	}
	if !strings.Contains(e.publishedText(), "SCE alert: malware scan did not clear an upload") {
		t.Errorf("no alert:\n%s", e.publishedText())
	}
	if len(e.s3.versions(testBucket, scanKey)) != 1 {
		t.Error("an object that is merely unscanned was moved")
	}
}

func TestAScanResultBeforeItsUploadIsRecordedFailsSoThatItIsRetried(t *testing.T) {
	e := scanEnv(t)
	err := e.scan(t, loadScan(t, "scan-clean.json"))
	if err == nil || !strings.Contains(err.Error(), "not in the ledger yet") {
		t.Fatalf("err = %v, want a retryable error naming the missing item", err)
	}
	if len(e.sqs.sent) != 0 || len(e.db.all()) != 0 {
		t.Error("an unrecorded object was queued or recorded")
	}
}

func TestTheScanOfAPHIKeyNeverShowsTheKey(t *testing.T) {
	e := scanEnv(t)
	up := loadEvent(t, "put-phi-ssn.json")
	e.store(t, up)
	if err := e.handle(up); err != nil {
		t.Fatalf("Handle: %v", err)
	}
	const key = "incoming/123-45-6789_labs.csv"
	ev := loadScan(t, "scan-unsupported.json")
	ev.Detail.S3ObjectDetails.ObjectKey = key
	ev.Detail.S3ObjectDetails.VersionID = up.Records[0].S3.Object.VersionID
	if err := e.scan(t, ev); err != nil {
		t.Fatalf("HandleScanResult: %v", err)
	}
	if strings.Contains(e.logs.String(), "123-45-6789") || strings.Contains(e.publishedText(), "123-45-6789") {
		t.Error("the PHI key appears in a log line or a message")
	}
	if got := s(t, onlyItem(t, e), AttrScanStatus); got != "UNSUPPORTED" {
		t.Errorf("the quarantined item's scan status = %q", got)
	}
	if len(e.sqs.sent) != 0 {
		t.Error("a PHI-named object was queued")
	}
}

func TestAnInfectedQuarantinedCopyIsAlerted(t *testing.T) {
	e := scanEnv(t)
	ev := loadScan(t, "scan-threats.json")
	ev.Detail.S3ObjectDetails.ObjectKey = DefaultQuarantinePrefix + phi.KeyHash(scanKey)
	if err := e.scan(t, ev); err != nil {
		t.Fatalf("HandleScanResult: %v", err)
	}
	if !strings.Contains(e.publishedText(), "quarantined copy") {
		t.Errorf("no alert for the copy:\n%s", e.publishedText())
	}
}

func TestInvokeTellsUploadEventsFromScanResults(t *testing.T) {
	e := scanEnv(t)
	up := loadEvent(t, "put-clean.json")
	e.store(t, up)
	for _, name := range []string{"put-clean.json", "scan-clean.json"} {
		raw, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := e.h.Invoke(context.Background(), raw); err != nil {
			t.Fatalf("Invoke %s: %v", name, err)
		}
	}
	if len(e.sqs.sent) != 1 {
		t.Errorf("%d queue messages after an upload and its clean scan, want 1", len(e.sqs.sent))
	}
	for _, bad := range []string{`{"detail-type":"Scheduled Event","source":"aws.events"}`, `{}`, `[`} {
		if err := e.h.Invoke(context.Background(), json.RawMessage(bad)); err == nil {
			t.Errorf("Invoke(%s) succeeded, want an error", bad)
		}
	}
}
