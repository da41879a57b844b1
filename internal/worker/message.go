package worker

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"
)

// Object is the object a queue message asks the worker to process.
type Object struct {
	Bucket string `json:"bucket"`
	Key    string `json:"key"`
	// Version is the object's version id; "" or "null" for an object stored without versioning.
	Version string `json:"version"`
	// Size is the object's size in bytes; 0 when the message does not say.
	Size int64 `json:"size"`
	// ETag is the object's ETag, without quotes; "" when the message does not say.
	ETag string `json:"etag"`
}

// errTestEvent marks the test event S3 sends when a notification is configured: there is nothing to do
// and the message can go.
var errTestEvent = errors.New("s3 test event")

// s3Event is the part of an S3 event notification the worker reads.
type s3Event struct {
	Event   string `json:"Event"`
	Records []struct {
		EventSource string `json:"eventSource"`
		EventName   string `json:"eventName"`
		S3          struct {
			Bucket struct {
				Name string `json:"name"`
			} `json:"bucket"`
			Object struct {
				Key       string `json:"key"`
				Size      int64  `json:"size"`
				ETag      string `json:"eTag"`
				VersionID string `json:"versionId"`
			} `json:"object"`
		} `json:"s3"`
	} `json:"Records"`
}

// snsEnvelope is an SNS notification delivered to SQS without raw message delivery.
type snsEnvelope struct {
	Type    string `json:"Type"`
	Message string `json:"Message"`
}

// ParseMessage reads a queue message's body: the upload ledger's message (the contract), or an S3 event
// notification with one record, either of them possibly wrapped in an SNS notification. Errors never
// quote the body, which holds the object key.
func ParseMessage(body string) (Object, error) {
	return parseMessage(body, true)
}

func parseMessage(body string, unwrap bool) (Object, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &fields); err != nil {
		return Object{}, errors.New("the message body is not a JSON object")
	}
	switch {
	case fields["Records"] != nil || fields["Event"] != nil:
		return parseS3Event(body)
	case unwrap && fields["Type"] != nil && fields["Message"] != nil:
		var env snsEnvelope
		if err := json.Unmarshal([]byte(body), &env); err != nil || env.Type != "Notification" {
			return Object{}, errors.New("the message body is an SNS message but not a notification")
		}
		return parseMessage(env.Message, false)
	}
	var o Object
	if err := json.Unmarshal([]byte(body), &o); err != nil {
		return Object{}, errors.New("the message body is not the upload ledger's message: a field has the wrong type")
	}
	return o, o.check()
}

// parseS3Event reads an S3 event notification, whose object key is URL-encoded.
func parseS3Event(body string) (Object, error) {
	var ev s3Event
	if err := json.Unmarshal([]byte(body), &ev); err != nil {
		return Object{}, errors.New("the message body is not an S3 event notification: a field has the wrong type")
	}
	if ev.Event == "s3:TestEvent" {
		return Object{}, errTestEvent
	}
	if len(ev.Records) != 1 {
		return Object{}, fmt.Errorf("the S3 event notification has %d records, want 1", len(ev.Records))
	}
	r := ev.Records[0]
	if r.EventSource != "aws:s3" || !strings.HasPrefix(r.EventName, "ObjectCreated:") {
		return Object{}, fmt.Errorf("the S3 event is %q from %q, want ObjectCreated from aws:s3", r.EventName, r.EventSource)
	}
	key, err := url.QueryUnescape(r.S3.Object.Key)
	if err != nil {
		return Object{}, errors.New("the S3 event's object key is not URL-encoded correctly")
	}
	o := Object{Bucket: r.S3.Bucket.Name, Key: key, Version: r.S3.Object.VersionID, Size: r.S3.Object.Size,
		ETag: strings.Trim(r.S3.Object.ETag, `"`)}
	return o, o.check()
}

// check reports a message that names no object the worker can process.
func (o Object) check() error {
	switch {
	case o.Bucket == "":
		return errors.New("the message names no bucket")
	case o.Key == "":
		return errors.New("the message names no object key")
	case strings.HasSuffix(o.Key, "/"):
		return errors.New("the message names a folder (a key ending in /), not an object")
	case o.Size < 0:
		return fmt.Errorf("the message gives a negative size, %d", o.Size)
	}
	return nil
}

// OutputPrefix is the folder of the output bucket where an object's results go: its key without the
// extension of its last segment, and a slash ("in/2026/scan.csv" -> "in/2026/scan/"). A last segment that
// is all extension (".profile") keeps it.
func OutputPrefix(key string) string {
	dir, base := path.Split(key)
	if stem := strings.TrimSuffix(base, path.Ext(base)); stem != "" {
		base = stem
	}
	return dir + base + "/"
}

// safeExt matches an extension short and plain enough to put in a local file name.
var safeExt = regexp.MustCompile(`^\.[A-Za-z0-9_-]{1,16}$`)

// LocalName is the name the object is downloaded as: "input" and the key's extension, so that the path
// given to the pipeline (which may print it) holds nothing of the key but its type.
func LocalName(key string) string {
	if ext := path.Ext(key); safeExt.MatchString(ext) {
		return "input" + ext
	}
	return "input"
}
