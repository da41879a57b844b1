package upload

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	tmtypes "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// DefaultConcurrency is the number of parts uploaded at once.
const DefaultConcurrency = 4

// abortTimeout bounds the AbortMultipartUpload request sent after a multipart upload fails or is
// interrupted.
const abortTimeout = 30 * time.Second

// Options tune the transfer.
type Options struct {
	// PartSize is the size of each part of a multipart upload, and the size from which a file goes up in
	// parts; default DefaultPartSize, at least MinPartSize. Raised for files that would need more than
	// MaxParts parts.
	PartSize int64
	// Concurrency is the number of parts in flight; default DefaultConcurrency.
	Concurrency int
	// Progress receives a progress bar, redrawn with carriage returns; nil draws none.
	Progress io.Writer
}

// Uploader uploads prepared items to one target.
type Uploader struct {
	client *s3.Client
	tm     *transfermanager.Client
	target Target
	opts   Options
}

// New returns an uploader, after checking the target and the options.
func New(client *s3.Client, t Target, o Options) (*Uploader, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if o.PartSize == 0 {
		o.PartSize = DefaultPartSize
	}
	if o.PartSize < MinPartSize {
		return nil, fmt.Errorf("--part-size %d MiB: S3 parts must be at least %d MiB", o.PartSize/MiB, MinPartSize/MiB)
	}
	if o.Concurrency == 0 {
		o.Concurrency = DefaultConcurrency
	}
	tm := transfermanager.New(client, func(opts *transfermanager.Options) {
		opts.Concurrency = o.Concurrency
		opts.ChecksumAlgorithm = tmtypes.ChecksumAlgorithmSha256
		// A failed or interrupted multipart upload is aborted with a context of its own: with the cancelled
		// one (Ctrl-C) the AbortMultipartUpload request would never be sent, and the parts already stored
		// would stay in the bucket, invisible to listings and billed, until a lifecycle rule removes them.
		opts.FailTimeout = abortTimeout
	})
	return &Uploader{client: client, tm: tm, target: t, opts: o}, nil
}

// Result is what one upload did and what the verification saw.
type Result struct {
	Item
	Bucket string
	// Parts is the number of parts of a multipart upload, 0 for a single PUT.
	Parts    int
	PartSize int64
	// SHA256 is the hexadecimal SHA-256 of the bytes read from the file (compare with sha256sum).
	SHA256 string
	// Checksum is the checksum S3 reported, equal to the one computed locally.
	Checksum  Checksum
	ETag      string
	VersionID string
	// SSE and KMSKeyID are the encryption S3 reported for the stored object.
	SSE      string
	KMSKeyID string
	// VerifiedBy names the responses whose checksum matched: "the upload response", "HeadObject".
	VerifiedBy []string
	// HeadDenied is true when HeadObject was denied (a write-only role); the upload response alone
	// verified the object.
	HeadDenied bool
}

// VerificationError reports an upload that S3 accepted but whose stored object does not match what was
// sent, or is not encrypted as required.
type VerificationError struct {
	Bucket, Key string
	Problems    []string
}

// Error names the object and every mismatch.
func (e *VerificationError) Error() string {
	return fmt.Sprintf("s3://%s/%s was uploaded but failed verification (re-upload it, or delete it): %s",
		e.Bucket, e.Key, strings.Join(e.Problems, "; "))
}

// Upload sends one file with SSE-KMS and a SHA-256 checksum, then verifies the stored object.
func (u *Uploader) Upload(ctx context.Context, it Item) (*Result, error) {
	f, err := os.Open(it.Path)
	if err != nil {
		return nil, fmt.Errorf("open file argument %d: %w", it.Arg, err)
	}
	defer f.Close()

	partSize := PartSizeFor(it.Size, u.opts.PartSize)
	multipart := it.Size >= partSize
	hasher := newPartHasher(f, partSize)
	in := &transfermanager.UploadObjectInput{
		Bucket:               aws.String(u.target.Bucket),
		Key:                  aws.String(it.Key),
		Body:                 hasher,
		ContentLength:        aws.Int64(it.Size),
		ServerSideEncryption: tmtypes.ServerSideEncryptionAwsKms,
		SSEKMSKeyID:          aws.String(u.target.KMSKeyARN),
		ChecksumAlgorithm:    tmtypes.ChecksumAlgorithmSha256,
	}
	out, err := u.tm.UploadObject(ctx, in, func(o *transfermanager.Options) {
		o.PartSizeBytes = partSize
		o.MultipartUploadThreshold = partSize
		if u.opts.Progress != nil {
			o.ObjectProgressListeners.Register(newBar(u.opts.Progress, it.Key, it.Size))
		}
	})
	if err != nil {
		return nil, fmt.Errorf("upload %s to s3://%s: %w%s", it.Path, u.target.Bucket, err, u.abortNote(it, err))
	}

	whole, parts := hasher.digests()
	res := &Result{Item: it, Bucket: u.target.Bucket, PartSize: partSize, SHA256: hex.EncodeToString(whole),
		ETag: aws.ToString(out.ETag), VersionID: aws.ToString(out.VersionID)}
	verr := &VerificationError{Bucket: u.target.Bucket, Key: it.Key}
	if hasher.total != it.Size {
		verr.Problems = append(verr.Problems, fmt.Sprintf("read %d bytes but the file had %d when the upload began (did it change?)", hasher.total, it.Size))
	}
	local := fullObjectChecksum(whole)
	if multipart {
		res.Parts = len(parts)
		local = compositeChecksum(parts)
		verr.Problems = append(verr.Problems, compareParts(parts, out.CompletedParts)...)
	}

	// What S3 said when it stored the object: PutObject's or CompleteMultipartUpload's response.
	fromUpload := reported{source: "the upload response", checksum: aws.ToString(out.ChecksumSHA256),
		sse: string(out.ServerSideEncryption), kmsKeyID: aws.ToString(out.SSEKMSKeyID)}
	verr.Problems = append(verr.Problems, fromUpload.check(res, local, it.Size, u.target.KMSKeyARN, false)...)
	if fromUpload.checksum != "" {
		res.VerifiedBy = append(res.VerifiedBy, fromUpload.source)
	}

	// What S3 says of the stored object now. A write-only uploader role may not read it (HeadObject
	// needs s3:GetObject): then the upload response must have said everything.
	head, err := u.client.HeadObject(ctx, &s3.HeadObjectInput{
		Bucket:       aws.String(u.target.Bucket),
		Key:          aws.String(it.Key),
		VersionId:    out.VersionID,
		ChecksumMode: s3types.ChecksumModeEnabled,
	})
	switch {
	case err == nil:
		fromHead := reported{source: "HeadObject", checksum: aws.ToString(head.ChecksumSHA256), sse: string(head.ServerSideEncryption),
			kmsKeyID: aws.ToString(head.SSEKMSKeyId), size: head.ContentLength}
		verr.Problems = append(verr.Problems, fromHead.check(res, local, it.Size, u.target.KMSKeyARN, true)...)
		res.VerifiedBy = append(res.VerifiedBy, fromHead.source)
	case isForbidden(err):
		res.HeadDenied = true
		if !fromUpload.complete() {
			verr.Problems = append(verr.Problems, "cannot verify: HeadObject was denied (a write-only uploader role?) and the upload response did not report the checksum, the encryption and the key")
		}
	default:
		return nil, fmt.Errorf("verify s3://%s/%s: head object: %w", u.target.Bucket, it.Key, err)
	}
	if len(verr.Problems) > 0 {
		return res, verr
	}
	return res, nil
}

// abortNote says what became of the parts of a failed multipart upload: aborted (the transfer manager
// sends AbortMultipartUpload itself), or left in the bucket with the command that removes them.
func (u *Uploader) abortNote(it Item, err error) string {
	var mp transfermanager.MultipartUploadError
	if !errors.As(err, &mp) || mp.UploadID() == "" {
		return ""
	}
	if strings.Contains(err.Error(), "failed to abort multipart upload") {
		return fmt.Sprintf("\nthe parts already sent are still in the bucket: aws s3api abort-multipart-upload --bucket %s --key %s --upload-id %s",
			u.target.Bucket, it.Key, mp.UploadID())
	}
	return "\nthe multipart upload was aborted: no part of the file stays in the bucket"
}

// isForbidden reports whether S3 answered 403 (AccessDenied).
func isForbidden(err error) bool {
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusForbidden
}

// reported is what one S3 response said about the stored object.
type reported struct {
	source   string
	checksum string
	sse      string
	kmsKeyID string
	size     *int64
}

// complete reports whether the response gave the checksum, the encryption and the key.
func (r reported) complete() bool {
	return r.checksum != "" && r.sse != "" && r.kmsKeyID != ""
}

// check compares a response with what was sent: size, SHA-256 checksum, SSE-KMS with the project key. A
// field the response lacks is a problem only when required. It sets res.Checksum, res.SSE and
// res.KMSKeyID from what it saw.
func (r reported) check(res *Result, local Checksum, size int64, keyARN string, required bool) []string {
	var problems []string
	if r.size != nil && *r.size != size {
		problems = append(problems, fmt.Sprintf("%s: S3 holds %d bytes, the file has %d", r.source, *r.size, size))
	}
	switch rc, err := parseChecksum(r.checksum); {
	case r.checksum == "":
		if required {
			problems = append(problems, r.source+": S3 reported no SHA-256 checksum for the object")
		}
	case err != nil:
		problems = append(problems, r.source+": "+err.Error())
	case !local.matches(rc):
		problems = append(problems, fmt.Sprintf("%s: S3 reports SHA-256 checksum %s, the file's is %s", r.source, rc, local))
	default:
		res.Checksum = rc
	}
	if r.sse != "" || required {
		res.SSE = r.sse
		if r.sse != string(s3types.ServerSideEncryptionAwsKms) {
			problems = append(problems, fmt.Sprintf("%s: S3 reports server-side encryption %q, want aws:kms", r.source, r.sse))
		}
	}
	if r.kmsKeyID != "" || required {
		res.KMSKeyID = r.kmsKeyID
		if r.kmsKeyID != keyARN {
			problems = append(problems, fmt.Sprintf("%s: S3 reports KMS key %q, want the project key %s", r.source, r.kmsKeyID, keyARN))
		}
	}
	return problems
}

// compareParts compares each part's local SHA-256 with the one S3 returned when it received the part.
func compareParts(local [][]byte, remote []tmtypes.CompletedPart) []string {
	remote = slices.Clone(remote)
	slices.SortFunc(remote, func(a, b tmtypes.CompletedPart) int {
		return int(aws.ToInt32(a.PartNumber)) - int(aws.ToInt32(b.PartNumber))
	})
	if len(remote) != len(local) {
		return []string{fmt.Sprintf("S3 received %d parts, the file has %d of this size", len(remote), len(local))}
	}
	var problems []string
	for i, p := range remote {
		want := base64.StdEncoding.EncodeToString(local[i])
		got := aws.ToString(p.ChecksumSHA256)
		if int(aws.ToInt32(p.PartNumber)) != i+1 {
			problems = append(problems, fmt.Sprintf("part numbers are not 1 to %d", len(local)))
			break
		}
		if got != want {
			problems = append(problems, fmt.Sprintf("part %d: S3 received SHA-256 %q, the file's part is %s", i+1, got, want))
		}
	}
	return problems
}

// UploadAll uploads the items in order, calling done after each verified upload, and stops at the first
// failure.
func (u *Uploader) UploadAll(ctx context.Context, items []Item, done func(*Result)) error {
	for _, it := range items {
		res, err := u.Upload(ctx, it)
		if err != nil {
			return err
		}
		if done != nil {
			done(res)
		}
	}
	return nil
}
