package handler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/sce-project/sce/internal/phi"
)

// The limits of S3's copy operations.
const (
	// MaxSingleCopy is the largest object CopyObject copies in one request (5 GiB); larger ones are
	// copied in parts.
	MaxSingleCopy = 5 << 30
	// DefaultCopyPartSize is the size of each part of a multipart copy, unless the object needs larger
	// parts to stay within maxParts.
	DefaultCopyPartSize = 512 << 20
	// maxParts is S3's limit on the parts of one multipart upload.
	maxParts = 10000
	// copyConcurrency is how many parts of a multipart copy are copied at once.
	copyConcurrency = 8
)

// head reads the metadata of the uploaded version. A version that no longer exists is not an error:
// it was deleted since the event, or quarantined by an earlier attempt; the metadata then come from the
// event and gone is set.
func (h *Handler) head(ctx context.Context, u *upload) (objectMeta, error) {
	in := &s3.HeadObjectInput{Bucket: aws.String(u.bucket), Key: aws.String(u.key)}
	if u.version != "" {
		in.VersionId = aws.String(u.version)
	}
	out, err := h.clients.S3.HeadObject(ctx, in)
	if isNotFound(err) {
		return objectMeta{size: u.size, etag: u.etag, version: u.version, gone: true}, nil
	}
	if err != nil {
		return objectMeta{}, fmt.Errorf("read the object's metadata (HeadObject): %w", err)
	}
	return objectMeta{
		size:     aws.ToInt64(out.ContentLength),
		etag:     strings.Trim(aws.ToString(out.ETag), `"`),
		version:  aws.ToString(out.VersionId),
		sse:      string(out.ServerSideEncryption),
		kmsKeyID: aws.ToString(out.SSEKMSKeyId),
	}, nil
}

// isNotFound reports whether err says that the object or version does not exist.
func isNotFound(err error) bool {
	if err == nil {
		return false
	}
	var notFound *types.NotFound
	var noSuchKey *types.NoSuchKey
	if errors.As(err, &notFound) || errors.As(err, &noSuchKey) {
		return true
	}
	var api smithy.APIError
	if errors.As(err, &api) && (api.ErrorCode() == "NoSuchVersion" || api.ErrorCode() == "NotFound" || api.ErrorCode() == "NoSuchKey") {
		return true
	}
	var resp *awshttp.ResponseError
	return errors.As(err, &resp) && resp.HTTPStatusCode() == http.StatusNotFound
}

// copySource names the uploaded version for CopyObject and UploadPartCopy: bucket/escaped-key, with
// the version id.
func copySource(u *upload, m objectMeta) string {
	src := u.bucket + "/" + phi.EscapeKey(u.key)
	version := u.version
	if version == "" {
		version = m.version
	}
	if version != "" {
		src += "?versionId=" + url.QueryEscape(version)
	}
	return src
}

// quarantine copies the uploaded version to the quarantine key with SSE-KMS and the project key, then
// deletes that version, so that the key's name survives in none of the bucket's versions. It returns
// the version id of the copy.
func (h *Handler) quarantine(ctx context.Context, u *upload, m objectMeta) (string, error) {
	var version string
	var err error
	if m.size > h.maxSingleCopy {
		version, err = h.copyInParts(ctx, u, m)
	} else {
		var out *s3.CopyObjectOutput
		out, err = h.clients.S3.CopyObject(ctx, &s3.CopyObjectInput{
			Bucket:               aws.String(u.bucket),
			Key:                  aws.String(h.quarantineKey(u)),
			CopySource:           aws.String(copySource(u, m)),
			ServerSideEncryption: types.ServerSideEncryptionAwsKms,
			SSEKMSKeyId:          aws.String(h.cfg.KMSKeyARN),
			// The copy takes no tags: the uploader's tags may hold what the key did, and copying them
			// would need s3:GetObjectVersionTagging on the source and s3:PutObjectTagging on the copy.
			TaggingDirective: types.TaggingDirectiveReplace,
		})
		if err == nil {
			version = aws.ToString(out.VersionId)
		}
	}
	if err != nil {
		return "", fmt.Errorf("copy the object to quarantine: %w", err)
	}
	del := &s3.DeleteObjectInput{Bucket: aws.String(u.bucket), Key: aws.String(u.key)}
	if v := sourceVersion(u, m); v != "" {
		del.VersionId = aws.String(v)
	}
	if _, err := h.clients.S3.DeleteObject(ctx, del); err != nil {
		return version, fmt.Errorf("delete the original version after copying it to quarantine: %w", err)
	}
	return version, nil
}

// sourceVersion is the version id of the upload, from the event or else from HeadObject; empty for an
// unversioned bucket.
func sourceVersion(u *upload, m objectMeta) string {
	if u.version != "" {
		return u.version
	}
	return m.version
}

// partSize returns the size of the parts of a multipart copy of size bytes.
func (h *Handler) partSize(size int64) int64 {
	p := h.copyPartSize
	if least := (size + maxParts - 1) / maxParts; p < least {
		p = least
	}
	return p
}

// copyInParts copies an object larger than CopyObject allows with a multipart upload of
// UploadPartCopy parts, aborting the upload if any part fails.
func (h *Handler) copyInParts(ctx context.Context, u *upload, m objectMeta) (string, error) {
	dest := h.quarantineKey(u)
	created, err := h.clients.S3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket:               aws.String(u.bucket),
		Key:                  aws.String(dest),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms,
		SSEKMSKeyId:          aws.String(h.cfg.KMSKeyARN),
	})
	if err != nil {
		return "", fmt.Errorf("start a multipart copy: %w", err)
	}
	uploadID := created.UploadId
	partSize := h.partSize(m.size)
	n := int((m.size + partSize - 1) / partSize)
	parts := make([]types.CompletedPart, n)
	errs := make([]error, n)
	src := copySource(u, m)

	var wg sync.WaitGroup
	slots := make(chan struct{}, copyConcurrency)
	for i := range n {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			first := int64(i) * partSize
			last := min(first+partSize, m.size) - 1
			out, err := h.clients.S3.UploadPartCopy(ctx, &s3.UploadPartCopyInput{
				Bucket:          aws.String(u.bucket),
				Key:             aws.String(dest),
				UploadId:        uploadID,
				PartNumber:      aws.Int32(int32(i + 1)),
				CopySource:      aws.String(src),
				CopySourceRange: aws.String(fmt.Sprintf("bytes=%d-%d", first, last)),
			})
			if err != nil {
				errs[i] = fmt.Errorf("copy part %d of %d: %w", i+1, n, err)
				return
			}
			if out.CopyPartResult == nil {
				errs[i] = fmt.Errorf("copy part %d of %d: the response has no CopyPartResult", i+1, n)
				return
			}
			parts[i] = types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.CopyPartResult.ETag}
		}()
	}
	wg.Wait()
	err = errors.Join(errs...)
	var done *s3.CompleteMultipartUploadOutput
	if err == nil {
		done, err = h.clients.S3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
			Bucket:          aws.String(u.bucket),
			Key:             aws.String(dest),
			UploadId:        uploadID,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
		})
		if err != nil {
			err = fmt.Errorf("complete the multipart copy: %w", err)
		}
	}
	if err != nil {
		_, abortErr := h.clients.S3.AbortMultipartUpload(context.WithoutCancel(ctx), &s3.AbortMultipartUploadInput{
			Bucket: aws.String(u.bucket), Key: aws.String(dest), UploadId: uploadID,
		})
		if abortErr != nil {
			err = errors.Join(err, fmt.Errorf("abort the multipart copy: %w", abortErr))
		}
		return "", err
	}
	return aws.ToString(done.VersionId), nil
}
