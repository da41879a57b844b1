package worker

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sce-project/sce/internal/upload"
)

// maxKeyBytes is S3's limit on an object key.
const maxKeyBytes = 1024

// download writes the object's version to dst and checks it against the message: the size and ETag it
// gives, when it gives them. Errors never name the key.
func (w *Worker) download(ctx context.Context, obj Object, dst string) error {
	in := &s3.GetObjectInput{Bucket: aws.String(obj.Bucket), Key: aws.String(obj.Key)}
	if obj.Version != "" {
		in.VersionId = aws.String(obj.Version)
	}
	out, err := w.d.S3.GetObject(ctx, in)
	if err != nil {
		return fmt.Errorf("download the object: %w", err)
	}
	defer out.Body.Close()
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("create the download file: %w", err)
	}
	n, err := io.Copy(f, out.Body)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("download the object: %w", err)
	}
	if out.ContentLength != nil && n != *out.ContentLength {
		return fmt.Errorf("download the object: received %d bytes of %d", n, *out.ContentLength)
	}
	if obj.Size > 0 && n != obj.Size {
		return fmt.Errorf("the object has %d bytes, the message says %d", n, obj.Size)
	}
	if etag := strings.Trim(aws.ToString(out.ETag), `"`); obj.ETag != "" && etag != "" && etag != obj.ETag {
		return fmt.Errorf("the object's ETag is %s, the message says %s", etag, obj.ETag)
	}
	return nil
}

// uploadResults uploads every regular file under dir to prefix + its path under dir, with SSE-KMS and
// the project key, each verified. Symbolic links are not followed.
func (w *Worker) uploadResults(ctx context.Context, dir, prefix string, log *slog.Logger) (result, error) {
	var items []upload.Item
	var skipped int
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			skipped++
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		key := prefix + filepath.ToSlash(rel)
		if !utf8.ValidString(key) || len(key) > maxKeyBytes {
			return fmt.Errorf("output file %d: its object key would not be UTF-8 of at most %d bytes", len(items)+1, maxKeyBytes)
		}
		items = append(items, upload.Item{Arg: len(items) + 1, Path: p, Key: key, Size: info.Size()})
		return nil
	})
	if err != nil {
		return result{}, fmt.Errorf("list the pipeline's output: %w", err)
	}
	if skipped > 0 {
		log.Warn("output entries that are not regular files were not uploaded", "count", skipped)
	}
	var res result
	for _, it := range items {
		if _, err := w.up.Upload(ctx, it); err != nil {
			return res, fmt.Errorf("upload result %d of %d: %w", it.Arg, len(items), err)
		}
		res.files++
		res.bytes += it.Size
	}
	return res, nil
}
