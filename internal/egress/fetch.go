package egress

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Fetch downloads a request's files from the outbox into dir, to be read before a decision, and checks
// each against the SHA-256 the request recorded. The outbox can be read only through the project's S3
// endpoint: this works on the workstation, not from outside. A file whose hash differs is kept under
// its name with ".changed" added, and reported: the request would not be released as it stands.
func (c *Client) Fetch(ctx context.Context, id, dir string) ([]string, error) {
	if c.s3 == nil {
		return nil, errors.New("airlock fetch: no S3 client")
	}
	d, err := c.Show(ctx, id)
	if err != nil {
		return nil, err
	}
	if d.Record == nil {
		return nil, fmt.Errorf("request %s has no record of the release function", id)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	var paths, changed []string
	for _, f := range d.Record.Files {
		path := filepath.Join(dir, f.Name)
		sum, err := c.download(ctx, f.Key, path)
		if err != nil {
			return paths, err
		}
		if sum != f.SHA256 {
			if err := os.Rename(path, path+".changed"); err != nil {
				return paths, fmt.Errorf("set aside %s: %w", path, err)
			}
			changed = append(changed, f.Name)
			continue
		}
		paths = append(paths, path)
	}
	if len(changed) > 0 {
		return paths, fmt.Errorf("%d file(s) in the outbox differ from the request (kept as NAME.changed): %v; this request cannot be released", len(changed), changed)
	}
	return paths, nil
}

// download writes an object to path and returns its SHA-256.
func (c *Client) download(ctx context.Context, key, path string) (string, error) {
	obj, err := c.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(c.target.Bucket), Key: aws.String(key)})
	if err != nil {
		return "", fmt.Errorf("read s3://%s/%s (the outbox is readable only through the project's S3 endpoint, from the workstation): %w", c.target.Bucket, key, err)
	}
	defer func() { _ = obj.Body.Close() }()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600) //nolint:gosec // the path is the reviewer's directory and a validated file name
	if err != nil {
		return "", fmt.Errorf("create %s: %w", path, err)
	}
	sum := sha256.New()
	_, err = io.Copy(io.MultiWriter(f, sum), obj.Body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return hex.EncodeToString(sum.Sum(nil)), nil
}
