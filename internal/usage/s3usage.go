package usage

import (
	"github.com/sce-project/sce/internal/audit"
)

// s3Reads, s3Writes, s3Parts and s3Deletes sort the S3 data events the report counts. A part of a
// multipart upload adds its bytes to the object's writes; the upload's completion is the write itself.
var (
	s3Reads   = map[string]bool{"GetObject": true, "SelectObjectContent": true}
	s3Writes  = map[string]bool{"PutObject": true, "CopyObject": true, "CompleteMultipartUpload": true, "PostObject": true}
	s3Parts   = map[string]bool{"UploadPart": true, "UploadPartCopy": true}
	s3Deletes = map[string]bool{"DeleteObject": true, "DeleteObjects": true}
)

// s3Use turns a CloudTrail record into a use, or reports that it is not one the report counts: not an
// S3 data event, outside the window or the PHI buckets, an event that neither read nor wrote an object
// (HeadObject, ListObjects), or one that failed for another reason than a denial (NoSuchKey).
func s3Use(r *audit.Record, o Options) (use, bool) {
	if !r.IsS3DataEvent() || !o.Window.Contains(r.EventTime) {
		return use{}, false
	}
	bucket, key := r.BucketAndKey()
	if len(o.Buckets) > 0 && o.Buckets[bucket] == "" {
		return use{}, false
	}
	u := use{source: SourceS3, time: r.EventTime.UTC(), dataset: o.s3Dataset(bucket, key), item: bucket + "/" + o.hidden(key)}
	if key == "" {
		u.item = bucket
	}
	u.who, u.listed = s3Who(r, o)
	switch {
	case r.ErrorCode != "" && audit.IsDenied(r.ErrorCode):
		u.denied = 1
	case r.ErrorCode != "":
		return use{}, false
	case s3Reads[r.EventName]:
		u.reads, u.bytesRead = 1, bytesOf(r, "bytesTransferredOut")
	case s3Writes[r.EventName]:
		u.writes, u.bytesWritten = 1, bytesOf(r, "bytesTransferredIn")
	case s3Parts[r.EventName]:
		u.bytesWritten = bytesOf(r, "bytesTransferredIn")
	case s3Deletes[r.EventName]:
		u.deletes = 1
	default:
		return use{}, false
	}
	return u, true
}

// s3Who names the person behind an event: the session's source identity, else the principal, marked
// unattributed.
func s3Who(r *audit.Record, o Options) (who, listed string) {
	if sc := r.UserIdentity.SessionContext; sc != nil && sc.SourceIdentity != "" {
		return sc.SourceIdentity, o.listed(sc.SourceIdentity, true)
	}
	return "principal:" + r.Principal(), o.listed("", false)
}

// bytesOf reads a byte count of additionalEventData (a JSON number).
func bytesOf(r *audit.Record, field string) int64 {
	if v, ok := r.AdditionalData[field].(float64); ok && v > 0 {
		return int64(v)
	}
	return 0
}
