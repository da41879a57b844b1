package handler

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// QueueMessage is the body of the SQS message sent for each clean upload, as JSON.
type QueueMessage struct {
	Bucket    string `json:"bucket"`
	Key       string `json:"key"`
	Version   string `json:"version"`
	Size      int64  `json:"size"`
	ETag      string `json:"etag"`
	Sequencer string `json:"sequencer,omitempty"`
}

// queueMessage builds the queue message body of a clean upload.
func queueMessage(u *upload, m objectMeta, version string) (string, error) {
	body, err := json.Marshal(QueueMessage{Bucket: u.bucket, Key: u.key, Version: version, Size: m.size, ETag: m.etag, Sequencer: u.sequencer})
	if err != nil {
		return "", fmt.Errorf("encode the queue message: %w", err)
	}
	return string(body), nil
}

// deduplicationID is a FIFO queue's deduplication id for an upload: the SHA-256 of bucket, key and
// version, within SQS's limit of 128 characters.
func deduplicationID(u *upload, version string) string {
	sum := sha256.Sum256([]byte(u.bucket + "\x00" + u.key + "\x00" + version))
	return hex.EncodeToString(sum[:])
}

// maxSubject is SNS's limit on a subject's length (Publish's reference asks for fewer than 100
// characters; 100 is accepted), taken here in bytes, which are never fewer than characters.
const maxSubject = 100

// subject makes an SNS subject as Publish takes it: UTF-8 without line breaks or control characters
// (each becomes "?", and so does a byte that is not UTF-8), at most maxSubject bytes, cut between two
// characters with "..." when longer.
func subject(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			r = '?'
		}
		b.WriteRune(r)
	}
	s = b.String()
	if len(s) > maxSubject {
		cut := maxSubject - len("...")
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

// notification is the subject and text of the message published for a clean upload; recordOnly is the
// record-only prefix its key is under, or "".
// scanned says that the bucket's malware scan decides when the object is queued.
func notification(u *upload, m objectMeta, version, recordOnly string, scanned bool) (subj, text string) {
	subj = subject("SCE upload: " + u.object())
	var b strings.Builder
	fmt.Fprintf(&b, "A new object was recorded in the upload ledger.\n\n")
	writeFields(&b, u, m, version)
	switch {
	case m.gone:
		fmt.Fprintf(&b, "\nThe version had been deleted before it was recorded: size and ETag come from the event, and it was not queued for processing.\n")
	case recordOnly == ValidationObject:
		fmt.Fprintf(&b, "\nIt is the object GuardDuty writes to check its access when the malware protection plan is created: recorded, never queued.\n")
	case recordOnly != "":
		fmt.Fprintf(&b, "\nIt was not queued for processing: objects under %s are recorded only (the OMOP load or the administrators read them, not the workers).\n", recordOnly)
	}
	if scanned && !m.gone {
		fmt.Fprintf(&b, "\nGuardDuty scans it for malware now. Nobody but the administrators can read it until the scan tags it %s; a clean upload is then queued for processing, anything else raises an alert.\n", ScanClean)
	}
	return subj, b.String()
}

// alert is the subject and text of the message published when a key holds PHI. It names the object by
// its key's hash, never by its key.
func alert(u *upload, m objectMeta, version string, quarantined bool, quarantineKey, quarantineVersion string) (subj, text string) {
	subj = subject("SCE alert: PHI in an object key in " + u.bucket)
	var b strings.Builder
	fmt.Fprintf(&b, "An object was uploaded whose key looks like it holds protected health information (%s).\n", strings.Join(u.kinds(), ", "))
	fmt.Fprintf(&b, "The key is not shown here; its SHA-256 is %s.\n\n", u.keyHash)
	writeFields(&b, u, m, version)
	q := "s3://" + u.bucket + "/" + quarantineKey
	if quarantineVersion != "" {
		q += " (version " + quarantineVersion + ")"
	}
	if quarantined {
		fmt.Fprintf(&b, "\nThe object was copied to %s, readable by administrators only, and the original version was deleted.\n", q)
	} else {
		fmt.Fprintf(&b, "\nThe original version no longer existed when the alert was raised: an earlier attempt copied it to %s and deleted it, or someone else deleted it.\n", q)
	}
	fmt.Fprintf(&b, "Ask the uploader to rename the file so that its name holds no PHI, and to upload it again.\n")
	return subj, b.String()
}

// writeFields writes the details of an upload, one per line.
func writeFields(b *strings.Builder, u *upload, m objectMeta, version string) {
	sse := m.sse
	if m.kmsKeyID != "" {
		sse += " (" + m.kmsKeyID + ")"
	}
	fields := [][2]string{
		{"Object", u.object()},
		{"Version", version},
		{"Size", fmt.Sprintf("%d bytes", m.size)},
		{"ETag", m.etag},
		{"Encryption", sse},
		{"Uploader", u.principal},
		{"Source IP", u.sourceIP},
		{"Event", u.eventName},
	}
	if !u.eventTime.IsZero() {
		fields = append(fields, [2]string{"Time", timestamp(u.eventTime)})
	}
	for _, f := range fields {
		if f[1] != "" {
			fmt.Fprintf(b, "%-11s %s\n", f[0]+":", f[1])
		}
	}
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
