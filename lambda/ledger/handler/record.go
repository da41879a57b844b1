package handler

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/sce-project/sce/internal/phi"
)

// upload is one S3 event record, decoded and checked.
type upload struct {
	index     int
	bucket    string
	rawKey    string // the key as the event carries it, URL-encoded
	key       string // the decoded key; never logged or stored when findings is not empty
	keyHash   string
	version   string // from the event; empty for an unversioned bucket
	size      int64
	etag      string
	eventName string
	eventTime time.Time
	principal string
	sourceIP  string
	sequencer string
	findings  []phi.Finding
}

// phi reports whether the key holds PHI.
func (u *upload) phi() bool { return len(u.findings) > 0 }

// kinds lists the kinds of identifier found in the key, each once, in order of first appearance.
func (u *upload) kinds() []string {
	var kinds []string
	seen := map[phi.Kind]bool{}
	for _, f := range u.findings {
		if !seen[f.Kind] {
			seen[f.Kind] = true
			kinds = append(kinds, string(f.Kind))
		}
	}
	return kinds
}

// object names the object for people: s3://bucket/key, or the key's hash when the key holds PHI or
// could not be decoded.
func (u *upload) object() string {
	if u.phi() || u.key == "" {
		return fmt.Sprintf("s3://%s/<key sha256 %s>", u.bucket, u.keyHash)
	}
	return fmt.Sprintf("s3://%s/%s", u.bucket, u.key)
}

// decodeKey decodes an object key from an S3 event notification, where it is URL-encoded as in a
// query string: a space is "+", a literal "+" is "%2B".
func decodeKey(raw string) (string, error) {
	key, err := url.QueryUnescape(raw)
	if err != nil {
		// The error of url.QueryUnescape quotes only the bad escape, never the key.
		return "", fmt.Errorf("decode the URL-encoded object key: %w", err)
	}
	return key, nil
}

// hexHash matches a key hash as phi.KeyHash writes it.
var hexHash = regexp.MustCompile(`^[0-9a-f]{64}$`)

// isQuarantineCopy reports whether key is one of the handler's own quarantined copies: the quarantine
// prefix followed by a key hash. Other objects under the prefix are not the handler's and are checked
// like any upload.
func isQuarantineCopy(key, prefix string) bool {
	rest, ok := strings.CutPrefix(key, prefix)
	return ok && hexHash.MatchString(rest)
}

// newUpload reads record i of an event.
func newUpload(i int, r events.S3EventRecord, d *phi.Detector) (*upload, error) {
	u := &upload{
		index:     i,
		bucket:    r.S3.Bucket.Name,
		rawKey:    r.S3.Object.Key,
		version:   r.S3.Object.VersionID,
		size:      r.S3.Object.Size,
		etag:      strings.Trim(r.S3.Object.ETag, `"`),
		eventName: r.EventName,
		eventTime: r.EventTime,
		principal: r.PrincipalID.PrincipalID,
		sourceIP:  r.RequestParameters.SourceIPAddress,
		sequencer: r.S3.Object.Sequencer,
	}
	key, err := decodeKey(u.rawKey)
	if err != nil {
		// The raw key may hold PHI too: name it by the hash of what the event carried.
		u.keyHash = phi.KeyHash(u.rawKey)
		return u, err
	}
	u.key = key
	u.keyHash = phi.KeyHash(key)
	u.findings = d.Check(key)
	if u.bucket == "" || u.key == "" {
		return u, fmt.Errorf("record has no bucket name or no object key")
	}
	return u, nil
}
