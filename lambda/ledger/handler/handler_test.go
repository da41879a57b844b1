package handler

import (
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/sce-project/sce/internal/phi"
)

func TestACleanUploadIsRecordedQueuedAndNotified(t *testing.T) {
	e := newEnv(t)
	ev := loadEvent(t, "put-clean.json")
	e.store(t, ev)

	if err := e.handle(ev); err != nil {
		t.Fatalf("Handle: %v", err)
	}

	const key = "incoming/cohort-a/labs.csv"
	const version = "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"
	items := e.db.all()
	if len(items) != 1 {
		t.Fatalf("ledger holds %d items, want 1", len(items))
	}
	item := items[0]
	for attr, want := range map[string]string{
		AttrObject:     testBucket + "/" + key,
		AttrVersion:    version,
		AttrBucket:     testBucket,
		AttrKeyHash:    phi.KeyHash(key),
		AttrETag:       "0123456789abcdef0123456789abcdef",
		AttrSSE:        "aws:kms",
		AttrKMSKeyID:   testKeyARN,
		AttrUploader:   "AWS:AROAEXAMPLEROLEID:researcher-1",
		AttrSourceIP:   "203.0.113.10",
		AttrEventName:  "ObjectCreated:Put",
		AttrEventTime:  "2026-11-28T10:15:30.123Z",
		AttrSequencer:  "0055AED6DCD90281E5",
		AttrRecordedAt: "2026-11-28T10:16:00Z",
		AttrQueuedAt:   "2026-11-28T10:16:00Z",
		AttrNotifiedAt: "2026-11-28T10:16:00Z",
	} {
		if got := s(t, item, attr); got != want {
			t.Errorf("item %s = %q, want %q", attr, got, want)
		}
	}
	if got := n(t, item, AttrSize); got != "2048" {
		t.Errorf("item size = %s, want 2048", got)
	}
	if b(t, item, AttrQuarantined) {
		t.Error("a clean upload is marked quarantined")
	}
	if b(t, item, AttrObjectGone) {
		t.Error("an upload that exists is marked gone")
	}

	if len(e.sqs.sent) != 1 {
		t.Fatalf("%d queue messages, want 1", len(e.sqs.sent))
	}
	sent := e.sqs.sent[0]
	if aws.ToString(sent.QueueUrl) != testQueue {
		t.Errorf("queue URL = %q, want %q", aws.ToString(sent.QueueUrl), testQueue)
	}
	if sent.MessageDeduplicationId != nil || sent.MessageGroupId != nil {
		t.Error("a standard queue's message carries FIFO attributes")
	}
	var msg QueueMessage
	if err := json.Unmarshal([]byte(aws.ToString(sent.MessageBody)), &msg); err != nil {
		t.Fatalf("queue message is not JSON: %v", err)
	}
	want := QueueMessage{Bucket: testBucket, Key: key, Version: version, Size: 2048, ETag: "0123456789abcdef0123456789abcdef", Sequencer: "0055AED6DCD90281E5"}
	if msg != want {
		t.Errorf("queue message = %+v, want %+v", msg, want)
	}

	if len(e.sns.published) != 1 {
		t.Fatalf("%d notifications, want 1", len(e.sns.published))
	}
	p := e.sns.published[0]
	if aws.ToString(p.TopicArn) != testTopic {
		t.Errorf("topic = %q, want %q", aws.ToString(p.TopicArn), testTopic)
	}
	if got, want := aws.ToString(p.Subject), "SCE upload: s3://"+testBucket+"/"+key; got != want {
		t.Errorf("subject = %q, want %q", got, want)
	}
	for _, w := range []string{"s3://" + testBucket + "/" + key, version, "2048 bytes", "aws:kms (" + testKeyARN + ")", "researcher-1", "203.0.113.10"} {
		if !strings.Contains(aws.ToString(p.Message), w) {
			t.Errorf("notification %q does not mention %q", aws.ToString(p.Message), w)
		}
	}
	if !slices.Equal(e.s3.calls, []string{"HeadObject " + key}) {
		t.Errorf("S3 calls = %q, want only the HeadObject", e.s3.calls)
	}
	lines := e.logLines(t)
	if len(lines) == 0 {
		t.Fatal("nothing was logged")
	}
	for _, l := range lines {
		if l["keyHash"] != phi.KeyHash(key) {
			t.Errorf("log line %v does not carry the key hash", l)
		}
	}
}

func TestAURLEncodedKeyIsDecoded(t *testing.T) {
	e := newEnv(t)
	ev := loadEvent(t, "put-encoded-key.json")
	e.store(t, ev)

	if err := e.handle(ev); err != nil {
		t.Fatalf("Handle: %v", err)
	}

	const key = "incoming/Lab results (2026) v2+final été.csv"
	if !slices.Equal(e.s3.calls, []string{"HeadObject " + key}) {
		t.Errorf("S3 calls = %q, want a HeadObject of the decoded key", e.s3.calls)
	}
	items := e.db.all()
	if len(items) != 1 {
		t.Fatalf("ledger holds %d items, want 1", len(items))
	}
	if got := s(t, items[0], AttrObject); got != testBucket+"/"+key {
		t.Errorf("ledger object = %q, want %q", got, testBucket+"/"+key)
	}
	var msg QueueMessage
	if err := json.Unmarshal([]byte(aws.ToString(e.sqs.sent[0].MessageBody)), &msg); err != nil {
		t.Fatalf("queue message is not JSON: %v", err)
	}
	if msg.Key != key {
		t.Errorf("queued key = %q, want %q", msg.Key, key)
	}
	if got, want := aws.ToString(e.sns.published[0].Subject), "SCE upload: s3://"+testBucket+"/incoming/Lab results (2026) v2+final ??t??.csv"; got != want {
		t.Errorf("subject = %q, want %q (printable ASCII only)", got, want)
	}
}

func TestDecodeKey(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{"a plus is a space", "a+b.csv", "a b.csv"},
		{"an encoded plus is a plus", "a%2Bb.csv", "a+b.csv"},
		{"an encoded space is a space", "a%20b.csv", "a b.csv"},
		{"UTF-8 is decoded", "%C3%A9t%C3%A9.csv", "été.csv"},
		{"slashes stay", "incoming/x/y.csv", "incoming/x/y.csv"},
		{"an encoded at sign is decoded", "jane%40example.org", "jane@example.org"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeKey(tt.raw)
			if err != nil {
				t.Fatalf("decodeKey(%q): %v", tt.raw, err)
			}
			if got != tt.want {
				t.Errorf("decodeKey(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
	if _, err := decodeKey("bad%zzkey"); err == nil {
		t.Error("decodeKey accepted a malformed escape")
	}
}

// phiCases are the fixtures whose keys hold PHI.
var phiCases = []struct {
	name, fixture, key, kind, secret string
}{
	{"a social security number", "put-phi-ssn.json", "incoming/123-45-6789_labs.csv", "ssn", "123-45-6789"},
	{"an e-mail address", "put-phi-email.json", "incoming/jane.doe@example.org notes.txt", "email", "jane.doe"},
	{"a configured name", "put-phi-name.json", "incoming/YayaToure visit notes.docx", "name", "YayaToure"},
}

// keyForms are the spellings of a key that must never leak.
func keyForms(key, secret string) []string {
	return []string{key, escapeKey(key), url.QueryEscape(key), url.PathEscape(key), secret}
}

func TestAKeyWithPHIIsQuarantined(t *testing.T) {
	for _, tt := range phiCases {
		t.Run("a key with "+tt.name+" is quarantined", func(t *testing.T) {
			e := newEnv(t)
			ev := loadEvent(t, tt.fixture)
			e.store(t, ev)
			version := ev.Records[0].S3.Object.VersionID
			hash := phi.KeyHash(tt.key)
			qkey := "quarantine/" + hash

			if err := e.handle(ev); err != nil {
				t.Fatalf("Handle: %v", err)
			}

			if len(e.s3.copies) != 1 {
				t.Fatalf("%d copies, want 1", len(e.s3.copies))
			}
			c := e.s3.copies[0]
			if aws.ToString(c.Bucket) != testBucket || aws.ToString(c.Key) != qkey {
				t.Errorf("copied to s3://%s/%s, want s3://%s/%s", aws.ToString(c.Bucket), aws.ToString(c.Key), testBucket, qkey)
			}
			if c.ServerSideEncryption != types.ServerSideEncryptionAwsKms || aws.ToString(c.SSEKMSKeyId) != testKeyARN {
				t.Errorf("copy encryption = %q with key %q, want aws:kms with %q", c.ServerSideEncryption, aws.ToString(c.SSEKMSKeyId), testKeyARN)
			}
			if c.TaggingDirective != types.TaggingDirectiveReplace || c.Tagging != nil {
				t.Errorf("copy tagging = %q %v, want REPLACE with no tags: the uploader's tags stay with the purged original", c.TaggingDirective, c.Tagging)
			}
			if want := testBucket + "/" + escapeKey(tt.key) + "?versionId=" + url.QueryEscape(version); aws.ToString(c.CopySource) != want {
				t.Errorf("copy source = %q, want %q", aws.ToString(c.CopySource), want)
			}
			if len(e.s3.deletes) != 1 || aws.ToString(e.s3.deletes[0].VersionId) != version || aws.ToString(e.s3.deletes[0].Key) != tt.key {
				t.Errorf("deletes = %+v, want one of version %s", e.s3.deletes, version)
			}
			if v := e.s3.versions(testBucket, tt.key); len(v) != 0 {
				t.Errorf("the key still has versions %q", v)
			}
			if v := e.s3.versions(testBucket, qkey); len(v) != 1 {
				t.Errorf("the quarantine copy has %d versions, want 1", len(v))
			}

			items := e.db.all()
			if len(items) != 1 {
				t.Fatalf("ledger holds %d items, want 1", len(items))
			}
			item := items[0]
			if got := s(t, item, AttrObject); got != qkey {
				t.Errorf("ledger object = %q, want %q", got, qkey)
			}
			if got := s(t, item, AttrVersion); got != version {
				t.Errorf("ledger version = %q, want %q", got, version)
			}
			if !b(t, item, AttrQuarantined) {
				t.Error("the item is not marked quarantined")
			}
			if got := s(t, item, AttrKeyHash); got != hash {
				t.Errorf("key hash = %q, want %q", got, hash)
			}
			if got := s(t, item, AttrQuarantineVersion); got == "" {
				t.Error("the item does not record the quarantined copy's version")
			}
			kinds, ok := item[AttrPHIKinds].(*dbtypes.AttributeValueMemberL)
			if !ok || len(kinds.Value) != 1 || kinds.Value[0].(*dbtypes.AttributeValueMemberS).Value != tt.kind {
				t.Errorf("phiKinds = %#v, want [%s]", item[AttrPHIKinds], tt.kind)
			}
			for _, attr := range []string{AttrQuarantinedAt, AttrNotifiedAt} {
				if !done(item, attr) {
					t.Errorf("the item does not mark %s", attr)
				}
			}
			if done(item, AttrQueuedAt) {
				t.Error("the item says a PHI upload was queued")
			}

			if len(e.sqs.sent) != 0 {
				t.Errorf("%d queue messages, want none for a PHI key", len(e.sqs.sent))
			}
			if len(e.sns.published) != 1 {
				t.Fatalf("%d notifications, want 1 alert", len(e.sns.published))
			}
			alertText := e.publishedText()
			for _, w := range []string{"SCE alert: PHI in an object key in " + testBucket, hash, tt.kind, "s3://" + testBucket + "/" + qkey, "researcher"} {
				if !strings.Contains(alertText, w) {
					t.Errorf("alert %q does not mention %q", alertText, w)
				}
			}

			logs := e.logs.String()
			if !strings.Contains(logs, hash) {
				t.Error("the log does not name the key by its hash")
			}
			for _, form := range keyForms(tt.key, tt.secret) {
				if strings.Contains(logs, form) {
					t.Errorf("the log holds the key as %q:\n%s", form, logs)
				}
				if strings.Contains(itemText(item), form) {
					t.Errorf("the ledger item holds the key as %q", form)
				}
				if strings.Contains(alertText, form) {
					t.Errorf("the alert holds the key as %q", form)
				}
			}
			e.logLines(t) // every line is JSON
		})
	}
}

func TestARetriedEventIsNotDuplicated(t *testing.T) {
	for _, fixture := range []string{"put-clean.json", "put-phi-ssn.json"} {
		t.Run("a retry of "+fixture+" changes nothing", func(t *testing.T) {
			e := newEnv(t)
			ev := loadEvent(t, fixture)
			e.store(t, ev)
			for attempt := 1; attempt <= 2; attempt++ {
				if err := e.handle(ev); err != nil {
					t.Fatalf("attempt %d: %v", attempt, err)
				}
			}
			if e.db.puts != 2 {
				t.Errorf("%d PutItem calls, want 2 (one per attempt)", e.db.puts)
			}
			if items := e.db.all(); len(items) != 1 {
				t.Errorf("ledger holds %d items, want 1", len(items))
			}
			wantQueued := 1
			if strings.Contains(fixture, "phi") {
				wantQueued = 0
			}
			if len(e.sqs.sent) != wantQueued {
				t.Errorf("%d queue messages, want %d", len(e.sqs.sent), wantQueued)
			}
			if len(e.sns.published) != 1 {
				t.Errorf("%d notifications, want 1", len(e.sns.published))
			}
			if len(e.s3.copies) > 1 || len(e.s3.deletes) > 1 {
				t.Errorf("%d copies and %d deletes, want at most one each", len(e.s3.copies), len(e.s3.deletes))
			}
		})
	}
}

func TestARetryFinishesWhatAFailedAttemptLeft(t *testing.T) {
	tests := []struct {
		name, fixture string
		fail          func(e *env)
		wantQueued    int
	}{
		{"the queue failed", "put-clean.json", func(e *env) { e.sqs.set("SendMessage", errors.New("sqs unavailable"), 1) }, 1},
		{"the topic failed", "put-clean.json", func(e *env) { e.sns.set("Publish", errors.New("sns unavailable"), 1) }, 1},
		{"marking a step failed", "put-clean.json", func(e *env) { e.db.set("UpdateItem", errors.New("throttled"), 1) }, 2},
		{"the alert failed after the quarantine", "put-phi-ssn.json", func(e *env) { e.sns.set("Publish", errors.New("sns unavailable"), 1) }, 0},
		{"the delete failed after the copy", "put-phi-ssn.json", func(e *env) {
			e.s3.set("DeleteObject incoming/123-45-6789_labs.csv", errors.New("slow down"), 1)
		}, 0},
	}
	for _, tt := range tests {
		t.Run("a retry after "+tt.name+" completes the record", func(t *testing.T) {
			e := newEnv(t)
			ev := loadEvent(t, tt.fixture)
			e.store(t, ev)
			tt.fail(e)
			if err := e.handle(ev); err == nil {
				t.Fatal("the first attempt succeeded, want the injected failure")
			}
			if err := e.handle(ev); err != nil {
				t.Fatalf("the retry: %v", err)
			}
			items := e.db.all()
			if len(items) != 1 {
				t.Fatalf("ledger holds %d items, want 1", len(items))
			}
			if !done(items[0], AttrNotifiedAt) {
				t.Error("the item is not marked notified")
			}
			if len(e.sqs.sent) != tt.wantQueued {
				t.Errorf("%d queue messages, want %d", len(e.sqs.sent), tt.wantQueued)
			}
			if len(e.sns.published) != 1 {
				t.Errorf("%d notifications, want 1", len(e.sns.published))
			}
			if strings.Contains(tt.fixture, "phi") {
				if v := e.s3.versions(testBucket, "incoming/123-45-6789_labs.csv"); len(v) != 0 {
					t.Errorf("the PHI key still has versions %q", v)
				}
				if !strings.Contains(e.publishedText(), "was deleted") && !strings.Contains(e.publishedText(), "deleted it") {
					t.Errorf("the alert does not say the original is gone: %s", e.publishedText())
				}
			}
		})
	}
}

func TestAFailedRecordDoesNotStopTheOthers(t *testing.T) {
	e := newEnv(t)
	ev := loadEvent(t, "put-two-records.json")
	e.store(t, ev)
	e.s3.set("HeadObject incoming/cohort-a/visits.csv", errors.New("access denied"), 0)

	err := e.handle(ev)
	if err == nil {
		t.Fatal("Handle succeeded, want an error for the failed record")
	}
	for _, w := range []string{"1 of 2 records failed", "record 0", "incoming/cohort-a/visits.csv", "access denied"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
	items := e.db.all()
	if len(items) != 1 || s(t, items[0], AttrObject) != testBucket+"/incoming/cohort-a/meds.csv" {
		t.Fatalf("ledger = %v, want the second record only", items)
	}
	if len(e.sqs.sent) != 1 || len(e.sns.published) != 1 {
		t.Errorf("%d queue messages and %d notifications, want 1 each for the second record", len(e.sqs.sent), len(e.sns.published))
	}
	if !strings.Contains(e.logs.String(), `"msg":"record failed"`) {
		t.Error("the failure was not logged")
	}
}

func TestAnErrorAboutAPHIKeyIsRedacted(t *testing.T) {
	const key = "incoming/123-45-6789_labs.csv"
	e := newEnv(t)
	ev := loadEvent(t, "put-phi-ssn.json")
	e.store(t, ev)
	// A transport error carries the request URL, and with it the key.
	leak := &url.Error{Op: "Head", URL: "https://" + testBucket + ".s3.us-east-1.amazonaws.com/" + escapeKey(key) + "?versionId=x", Err: errors.New("dial tcp: i/o timeout for " + key)}
	e.s3.set("HeadObject "+key, leak, 0)

	err := e.handle(ev)
	if err == nil {
		t.Fatal("Handle succeeded, want an error")
	}
	hash := phi.KeyHash(key)
	for _, form := range keyForms(key, "123-45-6789") {
		if strings.Contains(err.Error(), form) {
			t.Errorf("the returned error holds the key as %q: %v", form, err)
		}
		if strings.Contains(e.logs.String(), form) {
			t.Errorf("the log holds the key as %q", form)
		}
	}
	if !strings.Contains(err.Error(), hash) || !strings.Contains(err.Error(), "i/o timeout") {
		t.Errorf("error %q does not keep the cause and the key's hash", err)
	}
}

func TestRecordsThatAreNotNewUploadsAreSkipped(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fixture string
		edit    func(name string) string
	}{
		{"the function's own quarantine copy is skipped", "copy-quarantine.json", nil},
		{"a removal is skipped", "put-clean.json", func(string) string { return "ObjectRemoved:Delete" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			ev := loadEvent(t, tc.fixture)
			e.store(t, ev)
			if tc.edit != nil {
				ev.Records[0].EventName = tc.edit(ev.Records[0].EventName)
			}
			if err := e.handle(ev); err != nil {
				t.Fatalf("Handle: %v", err)
			}
			if len(e.s3.calls) != 0 || e.db.puts != 0 || len(e.sqs.sent) != 0 || len(e.sns.published) != 0 {
				t.Errorf("calls made: s3 %q, %d puts, %d messages, %d notifications", e.s3.calls, e.db.puts, len(e.sqs.sent), len(e.sns.published))
			}
			if !strings.Contains(e.logs.String(), "skipped") {
				t.Error("the skip was not logged")
			}
		})
	}
}

func TestIsQuarantineCopy(t *testing.T) {
	hash := phi.KeyHash("x")
	tests := []struct {
		name, key string
		want      bool
	}{
		{"a hash under the prefix is a copy", "quarantine/" + hash, true},
		{"another name under the prefix is not", "quarantine/notes.txt", false},
		{"an upper-case hash is not", "quarantine/" + strings.ToUpper(hash), false},
		{"a hash with a suffix is not", "quarantine/" + hash + ".csv", false},
		{"a hash outside the prefix is not", "incoming/" + hash, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isQuarantineCopy(tt.key, "quarantine/"); got != tt.want {
				t.Errorf("isQuarantineCopy(%q) = %v, want %v", tt.key, got, tt.want)
			}
		})
	}
}

func TestAnObjectPutUnderTheQuarantinePrefixByAnotherIsRecorded(t *testing.T) {
	e := newEnv(t)
	ev := loadEvent(t, "put-clean.json")
	ev.Records[0].S3.Object.Key = "quarantine/notes.txt"
	e.store(t, ev)
	if err := e.handle(ev); err != nil {
		t.Fatalf("Handle: %v", err)
	}
	if items := e.db.all(); len(items) != 1 || s(t, items[0], AttrObject) != testBucket+"/quarantine/notes.txt" {
		t.Errorf("ledger = %v, want the object recorded", items)
	}
	if len(e.sqs.sent) != 0 {
		t.Errorf("%d queue messages, want none: the workers never take what is under the quarantine prefix", len(e.sqs.sent))
	}
}

// TestObjectsUnderARecordOnlyPrefixAreRecordedButNotQueued: the OMOP load's files (and anything under the
// quarantine prefix) are in the ledger and notified like every upload, but never reach the workers'
// queue. S3's notification filter cannot exclude a prefix, so the handler decides.
func TestObjectsUnderARecordOnlyPrefixAreRecordedButNotQueued(t *testing.T) {
	tests := []struct {
		name, key  string
		recordOnly string // the prefix recorded on the item; "" when the object is queued
	}{
		{"a vocabulary file", "omop/vocabulary/CONCEPT.csv", "omop/vocabulary/"},
		{"a file of the clinical data set", "omop/cdm/person.csv.gz", "omop/cdm/"},
		{"a file under the quarantine prefix", "quarantine/readme.txt", "quarantine/"},
		{"a key that only begins like a record-only prefix", "omop/vocabulary-2024/CONCEPT.csv", ""},
		{"a record-only prefix further down a key", "incoming/omop/vocabulary/CONCEPT.csv", ""},
		{"a clean upload elsewhere", "incoming/cohort-a/labs.csv", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.RecordOnlyPrefixes = []string{"omop/vocabulary/", "omop/cdm/"}
			e := newEnvWithConfig(t, cfg, newFakeS3())
			ev := loadEvent(t, "put-clean.json")
			ev.Records[0].S3.Object.Key = url.QueryEscape(tt.key)
			e.store(t, ev)
			if err := e.handle(ev); err != nil {
				t.Fatalf("Handle: %v", err)
			}
			items := e.db.all()
			if len(items) != 1 || s(t, items[0], AttrObject) != testBucket+"/"+tt.key {
				t.Fatalf("ledger = %v, want the object recorded", items)
			}
			_, marked := items[0][AttrRecordOnly]
			queued := len(e.sqs.sent) == 1
			if tt.recordOnly != "" {
				if queued || len(e.sqs.sent) != 0 {
					t.Errorf("%d queue messages, want none", len(e.sqs.sent))
				}
				if got := s(t, items[0], AttrRecordOnly); got != tt.recordOnly {
					t.Errorf("item %s = %q, want %q", AttrRecordOnly, got, tt.recordOnly)
				}
				if _, ok := items[0][AttrQueuedAt]; ok {
					t.Error("an object that was not queued is marked queued")
				}
				if !strings.Contains(e.publishedText(), "not queued for processing: objects under "+tt.recordOnly) {
					t.Errorf("notification %q does not say why the object was not queued", e.publishedText())
				}
			} else {
				if !queued {
					t.Errorf("%d queue messages, want 1", len(e.sqs.sent))
				}
				if marked {
					t.Errorf("a queued object carries %s", AttrRecordOnly)
				}
			}
			if len(e.sns.published) != 1 {
				t.Errorf("%d notifications, want 1: every recorded object is notified", len(e.sns.published))
			}
		})
	}
}

func TestAnUnversionedObjectIsRecordedUnderNull(t *testing.T) {
	e := newEnv(t)
	e.s3.unversioned = true
	ev := loadEvent(t, "put-unversioned.json")
	e.store(t, ev)
	if err := e.handle(ev); err != nil {
		t.Fatalf("Handle: %v", err)
	}
	items := e.db.all()
	if len(items) != 1 || s(t, items[0], AttrVersion) != "null" {
		t.Fatalf("ledger = %v, want one item with version null", items)
	}
	var msg QueueMessage
	if err := json.Unmarshal([]byte(aws.ToString(e.sqs.sent[0].MessageBody)), &msg); err != nil {
		t.Fatalf("queue message: %v", err)
	}
	if msg.Version != "null" {
		t.Errorf("queued version = %q, want null", msg.Version)
	}
}

func TestAVersionDeletedBeforeTheEventIsRecordedFromTheEvent(t *testing.T) {
	e := newEnv(t)
	ev := loadEvent(t, "put-clean.json") // not stored: HeadObject finds nothing
	if err := e.handle(ev); err != nil {
		t.Fatalf("Handle: %v", err)
	}
	items := e.db.all()
	if len(items) != 1 {
		t.Fatalf("ledger holds %d items, want 1", len(items))
	}
	if !b(t, items[0], AttrObjectGone) || n(t, items[0], AttrSize) != "2048" {
		t.Errorf("item = %v, want objectGone and the event's size", items[0])
	}
	if len(e.sqs.sent) != 0 {
		t.Error("a deleted version was queued for processing")
	}
	if len(e.sns.published) != 1 || !strings.Contains(aws.ToString(e.sns.published[0].Message), "deleted before it was recorded") {
		t.Errorf("notifications = %d, want one that says the version is gone", len(e.sns.published))
	}
}

func TestAFIFOQueueGetsADeduplicationID(t *testing.T) {
	e := newEnv(t)
	e.h.cfg.QueueURL = testQueue + ".fifo"
	ev := loadEvent(t, "put-clean.json")
	e.store(t, ev)
	if err := e.handle(ev); err != nil {
		t.Fatalf("Handle: %v", err)
	}
	m := e.sqs.sent[0]
	if aws.ToString(m.MessageGroupId) != testBucket || len(aws.ToString(m.MessageDeduplicationId)) != 64 {
		t.Errorf("group %q, deduplication id %q, want the bucket and a SHA-256", aws.ToString(m.MessageGroupId), aws.ToString(m.MessageDeduplicationId))
	}
}

func TestAnEventWithoutRecordsIsAccepted(t *testing.T) {
	e := newEnv(t)
	empty := loadEvent(t, "put-clean.json")
	empty.Records = nil
	if err := e.handle(empty); err != nil {
		t.Fatalf("Handle of an event without records (S3's test event): %v", err)
	}
	if e.db.puts != 0 {
		t.Error("an empty event wrote to the ledger")
	}
}

func TestNewRefusesMissingClients(t *testing.T) {
	_, err := New(testConfig(), Clients{S3: newFakeS3()}, nil)
	if err == nil {
		t.Fatal("New succeeded without clients")
	}
	for _, w := range []string{"DynamoDB", "SQS", "SNS"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not name %s", err, w)
		}
	}
}

func TestSubject(t *testing.T) {
	long := strings.Repeat("a", 150)
	tests := []struct{ name, in, want string }{
		{"a short ASCII subject is kept", "SCE upload: s3://b/k", "SCE upload: s3://b/k"},
		{"a long subject is cut to 100 characters", long, long[:97] + "..."},
		{"non-ASCII and control characters are replaced", "é\nx", "??" + "?x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := subject(tt.in); got != tt.want {
				t.Errorf("subject(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestAnUndecodableKeyFailsWithoutEchoingIt(t *testing.T) {
	e := newEnv(t)
	ev := loadEvent(t, "put-clean.json")
	const raw = "incoming/123-45-6789%zz.csv"
	ev.Records[0].S3.Object.Key = raw
	err := e.handle(ev)
	if err == nil {
		t.Fatal("Handle succeeded, want an error for a key that cannot be decoded")
	}
	if !strings.Contains(err.Error(), phi.KeyHash(raw)) {
		t.Errorf("error %q does not name the key by its hash", err)
	}
	for _, form := range []string{raw, "123-45-6789"} {
		if strings.Contains(err.Error(), form) || strings.Contains(e.logs.String(), form) {
			t.Errorf("the error or the log holds %q", form)
		}
	}
	if e.db.puts != 0 || len(e.s3.calls) != 0 {
		t.Error("a record with an undecodable key was processed")
	}
}
