// Package upload puts files into a project's data-in bucket the way the bucket policy demands and a
// compliance officer can check:
//
//   - every request asks for SSE-KMS with the project key (x-amz-server-side-encryption: aws:kms and
//     x-amz-server-side-encryption-aws-kms-key-id: the key's ARN), without which the bucket denies the
//     upload;
//   - no object key may look like PHI (internal/phi, the detector the upload Lambda uses): a refused key is
//     never printed, only its SHA-256, and nothing of the batch is uploaded;
//   - files at least PartSize long go up in parts (multipart upload through the SDK's transfer manager),
//     with a progress bar;
//   - every upload is verified: each request carries a SHA-256 checksum (ChecksumAlgorithm SHA256) that S3
//     checks on receipt; the response that stores the object (PutObject, or CompleteMultipartUpload) and
//     then HeadObject (checksum mode enabled) must report the checksum computed locally from the bytes
//     read, and SSE-KMS with the project key. A write-only uploader role may not call HeadObject (it
//     needs s3:GetObject, which the bucket policy denies such roles): a 403 there is accepted when the
//     upload response reported the checksum, the encryption and the key.
//
// What is compared. A single PUT's object has a FULL_OBJECT checksum: the base64 SHA-256 of the file. A
// multipart object's SHA-256 checksum is COMPOSITE (S3 offers no full-object SHA-256 for multipart
// uploads): the base64 SHA-256 of the concatenated binary SHA-256 digests of the parts, in part order,
// followed by "-" and the number of parts. The local side computes the parts' digests while the transfer
// manager reads the file, with the same part size, and also compares each part's digest with the one S3
// returned for that part. The full-file SHA-256 is printed as well, for comparison with `sha256sum`.
package upload

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sce-project/sce/internal/phi"
)

// Part sizes. S3 requires parts of at least 5 MiB (but the last) and at most 10,000 parts.
const (
	MiB             = 1 << 20
	MinPartSize     = 5 * MiB
	DefaultPartSize = 16 * MiB
	MaxParts        = 10_000
	maxKeyBytes     = 1024
	// MaxPartSize is the largest part S3 takes: 5 GiB.
	MaxPartSize = 5 << 30
	// MaxObjectSize is the largest object S3 stores, 10,000 parts of 5 GiB (48.8 TiB; the S3 User Guide's
	// "Amazon S3 multipart upload limits").
	MaxObjectSize = MaxParts * MaxPartSize
)

// kmsKeyARN matches the ARN of a KMS key (not an alias): the bucket policy compares the requested key
// with the project key's ARN.
var kmsKeyARN = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$`)

// Target is where files go.
type Target struct {
	// Bucket is the data-in bucket.
	Bucket string
	// KMSKeyARN is the project key's ARN, requested for server-side encryption.
	KMSKeyARN string
	// Prefix is a folder inside the bucket; "" for the top. A trailing "/" is added when missing.
	Prefix string
}

// Validate reports a target the bucket would refuse, naming the flag.
func (t Target) Validate() error {
	var errs []error
	if t.Bucket == "" {
		errs = append(errs, errors.New("no bucket: give --outputs FILE (saved with `pulumi stack output --json`) or --bucket NAME"))
	}
	if t.KMSKeyARN == "" {
		errs = append(errs, errors.New("no KMS key: give --outputs FILE or --kms-key ARN; the bucket denies uploads without SSE-KMS with the project key"))
	} else if !kmsKeyARN.MatchString(t.KMSKeyARN) {
		errs = append(errs, fmt.Errorf("--kms-key %q: want a KMS key ARN, arn:aws:kms:REGION:ACCOUNT:key/ID (not an alias): the bucket policy accepts only the project key's ARN", t.KMSKeyARN))
	}
	if msg := CheckBucketName(t.Bucket); t.Bucket != "" && msg != "" {
		errs = append(errs, fmt.Errorf("bucket %q: %s", t.Bucket, msg))
	}
	if msg := checkPrefix(t.Prefix); msg != "" {
		errs = append(errs, fmt.Errorf("--prefix %q: %s", t.Prefix, msg))
	}
	return errors.Join(errs...)
}

// checkPrefix returns why a key prefix is refused, or "". The prefix becomes the folders of every key, and
// the workstation's `aws s3 cp --recursive` turns keys back into paths: a "." or ".." folder would write
// outside the directory it is given (or be taken apart by tools that normalise paths), an empty one
// ("a//b") has no path at all, and a name that starts or ends with a space looks like another in every
// listing. Control characters need special handling in S3's XML listings (the S3 User Guide's object key
// naming guidelines).
func checkPrefix(prefix string) string {
	if prefix == "" {
		return ""
	}
	if strings.HasPrefix(prefix, "/") {
		return "must not start with /; accepted: folders such as incoming/2026-11"
	}
	for _, seg := range strings.Split(strings.TrimSuffix(prefix, "/"), "/") {
		switch {
		case seg == "":
			return "has an empty folder (two / in a row); accepted: folders such as incoming/2026-11"
		case seg == "." || seg == "..":
			return fmt.Sprintf("has a %q folder; accepted: folders of their own names, such as incoming/2026-11", seg)
		case strings.TrimSpace(seg) != seg:
			return fmt.Sprintf("has a folder %q that starts or ends with a space; accepted: folder names without leading or trailing spaces", seg)
		case strings.IndexFunc(seg, unicode.IsControl) >= 0:
			return "holds a control character; accepted: printable folder names"
		}
	}
	return ""
}

// bucketName is the form of a general purpose bucket's name: 3 to 63 lower-case letters, digits, dots and
// hyphens, beginning and ending with a letter or digit (S3 User Guide, "General purpose bucket naming
// rules").
var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// CheckBucketName returns why a bucket name is refused, or "".
func CheckBucketName(name string) string {
	if !bucketName.MatchString(name) || strings.Contains(name, "..") {
		return "is not a bucket name; accepted: 3 to 63 lower-case letters, digits, dots and hyphens, such as hipaa-data-in-1a2b3c4d"
	}
	return ""
}

// BucketName reads the --bucket flag: a bucket's name, or its s3://NAME form (with or without a final
// /). An s3:// address with a path is refused, naming --prefix, which says where in the bucket files go.
func BucketName(flag string) (string, error) {
	name, isURL := strings.CutPrefix(strings.TrimSpace(flag), "s3://")
	if !isURL {
		return name, nil
	}
	name = strings.TrimSuffix(name, "/")
	if bucket, path, found := strings.Cut(name, "/"); found {
		return "", fmt.Errorf("--bucket %q: give the bucket alone (s3://%s or %s) and the folder with --prefix %s", flag, bucket, bucket, path)
	}
	return name, nil
}

// KeyFor returns the object key of a file: the prefix (as a folder) and the file's base name.
func (t Target) KeyFor(file string) string {
	prefix := t.Prefix
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return prefix + filepath.Base(file)
}

// Item is one file to upload.
type Item struct {
	Arg  int // the file's position among the arguments, from 1
	Path string
	Key  string
	Size int64
}

// Refusal is a key that looks like PHI: the argument position, the key's hash and what was found. It
// never holds the key or the file name.
type Refusal struct {
	Arg      int
	KeyHash  string
	Findings []phi.Finding
}

// PHIError lists the keys refused as PHI.
type PHIError struct {
	Refusals []Refusal
}

// Error describes each refusal by argument position and key hash, never by name.
func (e *PHIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d object key(s) look like PHI; nothing was uploaded. Rename the files (or change --prefix) so that no name holds an identifier:", len(e.Refusals))
	for _, r := range e.Refusals {
		kinds := make([]string, len(r.Findings))
		for i, f := range r.Findings {
			kinds[i] = f.String()
		}
		fmt.Fprintf(&b, "\n  file argument %d: key sha256:%s: %s", r.Arg, r.KeyHash, strings.Join(kinds, ", "))
	}
	return b.String()
}

// Prepare checks the files and their keys before anything is uploaded: each must be a regular file that
// can be read and that S3 can store, keys must be distinct, valid and free of PHI. A key that looks like PHI refuses the whole batch with a
// *PHIError.
func Prepare(files []string, t Target, d *phi.Detector) ([]Item, error) {
	if len(files) == 0 {
		return nil, errors.New("no files to upload")
	}
	if d == nil {
		d = phi.New(nil)
	}
	var (
		items    []Item
		errs     []error
		refusals []Refusal
		seen     = map[string]int{}
	)
	for i, f := range files {
		arg := i + 1
		key := t.KeyFor(f)
		if found := d.Check(key); len(found) > 0 {
			// The path is not named: the file name is the key's source and may hold the same PHI.
			refusals = append(refusals, Refusal{Arg: arg, KeyHash: phi.KeyHash(key), Findings: found})
			continue
		}
		st, err := os.Stat(f)
		if err != nil {
			errs = append(errs, fmt.Errorf("file argument %d: %w", arg, err))
			continue
		}
		if !st.Mode().IsRegular() {
			errs = append(errs, fmt.Errorf("file argument %d: %s is not a regular file (directories are not uploaded; name the files)", arg, f))
			continue
		}
		if err := readable(f); err != nil {
			errs = append(errs, fmt.Errorf("file argument %d: %w", arg, err))
			continue
		}
		if st.Size() > MaxObjectSize {
			errs = append(errs, fmt.Errorf("file argument %d: %s has %d bytes; S3 stores objects of at most %d bytes (10,000 parts of 5 GiB)", arg, f, st.Size(), int64(MaxObjectSize)))
			continue
		}
		if !utf8.ValidString(key) || len(key) > maxKeyBytes {
			errs = append(errs, fmt.Errorf("file argument %d: %s: an object key must be UTF-8 of at most %d bytes", arg, f, maxKeyBytes))
			continue
		}
		if prev, dup := seen[key]; dup {
			errs = append(errs, fmt.Errorf("file arguments %d and %d: both would be uploaded as %s", prev, arg, key))
			continue
		}
		seen[key] = arg
		items = append(items, Item{Arg: arg, Path: f, Key: key, Size: st.Size()})
	}
	if len(refusals) > 0 {
		return nil, &PHIError{Refusals: refusals}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return items, nil
}

// readable opens a file and reads its first byte, so that a file the uploader may not read (its
// permissions, a lock, a broken network mount) stops the batch before anything is sent.
func readable(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	var b [1]byte
	_, err = f.Read(b[:])
	if errors.Is(err, io.EOF) {
		err = nil
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}

// PartSizeFor returns the part size used for a file: the requested size, raised when the file would
// otherwise need more than MaxParts parts (the transfer manager would raise it the same way).
func PartSizeFor(size, requested int64) int64 {
	if size/requested >= MaxParts {
		return size/MaxParts + 1
	}
	return requested
}
