package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/sce-project/sce/internal/outputs"
	"github.com/sce-project/sce/internal/phi"
	"github.com/sce-project/sce/internal/upload"
)

// runUpload runs `sce upload`: it uploads files into the stack's data-in bucket with SSE-KMS, refuses
// keys that look like PHI, and verifies every upload by its SHA-256 checksum. Every file is checked before
// the first byte is sent. SIGINT (Ctrl-C) or SIGTERM stops the upload in progress and aborts its multipart
// upload, so that no invisible parts are left in the bucket; a second signal ends the process at once.
func runUpload(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("upload", "FILE...", "Upload files into the stack's data-in bucket with SSE-KMS under the project key, each key checked "+
		"for PHI and every file checked before anything is sent, and verify each upload by its SHA-256 checksum. Say where with "+
		"--outputs FILE, --stack NAME (outputs read through the Pulumi CLI), or --bucket and --kms-key.", stdout, stderr)
	stackName := fs.String("stack", "", "`NAME` of the stack (its PIT); without --outputs its outputs are read with: pulumi stack output --json")
	outputsFile := fs.String("outputs", "", "`FILE` of the stack outputs, saved with: pulumi stack output --json > FILE (dataInBucket, kmsKeyArn, region)")
	bucket := fs.String("bucket", "", "the data-in `BUCKET` (a name, or s3://NAME), instead of the stack output dataInBucket")
	kmsKey := fs.String("kms-key", "", "the project KMS key `ARN`, instead of the stack output kmsKeyArn")
	region := fs.String("region", "", "AWS `REGION` (default: the stack output region, else the key's region)")
	prefix := fs.String("prefix", "", "`FOLDER` in the bucket to upload into, for example incoming/2026-11")
	namesFile := fs.String("names", "", "`FILE` of names (one per line, # comments) that must not appear in object keys")
	partSize := fs.Int64("part-size", upload.DefaultPartSize/upload.MiB, "part size, `N` MiB (at least 5); files this large or larger go up in parts")
	endpoint := fs.String("endpoint", "", "S3 endpoint `URL`, for an S3-compatible server (path-style addressing)")
	progress := fs.Bool("progress", false, "draw the progress bar even when stderr is not a terminal")
	files, code, stop := fs.parseInterspersed(args)
	if stop {
		return code
	}
	if len(files) == 0 {
		return fs.usageError("no files given")
	}
	bucketName, err := upload.BucketName(*bucket)
	if err != nil {
		return fs.fail(2, "%v", err)
	}

	// The outputs are read when a file is given, or when the flags do not say where on their own.
	var outs *outputs.Outputs
	if *outputsFile != "" || bucketName == "" || *kmsKey == "" {
		if *outputsFile == "" && *stackName == "" {
			return fs.usageError("say where to upload: --stack NAME (outputs from the Pulumi CLI), --outputs FILE, or --bucket NAME and --kms-key ARN")
		}
		if outs, err = readOutputs(*outputsFile, *stackName); err != nil {
			return fs.fail(1, "%v", err)
		}
		if err := outs.CheckStack(*stackName); err != nil {
			return fs.fail(2, "%v", err)
		}
	}
	target := upload.Target{Bucket: bucketName, KMSKeyARN: *kmsKey, Prefix: *prefix}
	if outs != nil {
		required := []fromOutput{{&target.Bucket, outputs.DataInBucket}, {&target.KMSKeyARN, outputs.KMSKeyARN}}
		if err := outs.Require(notGiven(required)...); err != nil {
			return fs.fail(1, "%v", err)
		}
		fillFromOutputs(outs, append(required, fromOutput{region, outputs.Region})...)
	}
	if err := target.Validate(); err != nil {
		return fs.fail(2, "%v", err)
	}
	if *region == "" {
		*region = regionOfARN(target.KMSKeyARN)
	}
	if *partSize < upload.MinPartSize/upload.MiB || *partSize > 5*1024 {
		return fs.fail(2, "--part-size %d: want 5 to 5120 (MiB)", *partSize)
	}

	var names []string
	if *namesFile != "" {
		if names, err = readNames(*namesFile); err != nil {
			return fs.fail(1, "%v", err)
		}
	}
	items, err := upload.Prepare(files, target, phi.New(names))
	if err != nil {
		// A *upload.PHIError names the files by position and key hash only.
		return fs.fail(1, "%v", err)
	}

	ctx, stopSignals := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stopSignals()
	cfg, err := loadAWS(ctx, *region, stderr)
	if err != nil {
		return fs.fail(1, "%v", err)
	}
	client := s3WithEndpoint(cfg, *endpoint)
	opts := upload.Options{PartSize: *partSize * upload.MiB}
	if *progress || isTerminal(stderr) {
		opts.Progress = stderr
	}
	u, err := upload.New(client, target, opts)
	if err != nil {
		return fs.fail(2, "%v", err)
	}
	go func() {
		<-ctx.Done()
		stopSignals() // a second Ctrl-C ends the process at once
	}()
	n := 0
	err = u.UploadAll(ctx, items, func(r *upload.Result) {
		n++
		writeUploadResult(stdout, r)
	})
	if err != nil {
		if ctx.Err() != nil {
			return fs.fail(130, "interrupted: %v\n%d of %d file(s) uploaded and verified before the interruption", err, n, len(items))
		}
		return fs.fail(1, "%v\n%d of %d file(s) uploaded and verified before the failure", err, n, len(items))
	}
	fmt.Fprintf(stdout, "%d file(s) uploaded to s3://%s with SSE-KMS and verified\n", n, target.Bucket)
	return 0
}

// writeUploadResult prints what one upload did. The key is printed: it passed the PHI check. Both
// checksums are printed in hexadecimal, as sha256sum prints a file's: for a single PUT the verified one is
// the file's own SHA-256; S3's base64 form follows, as the console and the API show it.
func writeUploadResult(w io.Writer, r *upload.Result) {
	how := "one PUT"
	kind := "full-object SHA-256 checksum, the file's own"
	if r.Parts > 0 {
		how = fmt.Sprintf("%d parts of %d MiB", r.Parts, r.PartSize/upload.MiB)
		kind = fmt.Sprintf("composite SHA-256 checksum of the %d parts", r.Parts)
	}
	fmt.Fprintf(w, "uploaded %s -> s3://%s/%s (%d bytes, %s)\n", r.Path, r.Bucket, r.Key, r.Size, how)
	if r.VersionID != "" {
		fmt.Fprintf(w, "  version    %s\n", r.VersionID)
	}
	fmt.Fprintf(w, "  encryption %s, key %s\n", r.SSE, r.KMSKeyID)
	fmt.Fprintf(w, "  sha256     %s (the file, as sha256sum prints it)\n", r.SHA256)
	by := strings.Join(r.VerifiedBy, " and ")
	if r.HeadDenied {
		by += " (HeadObject was denied: a write-only role)"
	}
	fmt.Fprintf(w, "  verified   %s (%s), as reported by %s; in S3's base64: %s\n", r.Checksum.Hex(), kind, by, r.Checksum)
}

// readNames reads a file of names, one per line; blank lines and lines starting with # are skipped.
func readNames(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read names: %w", err)
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		names = append(names, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read names %s: %w", path, err)
	}
	return names, nil
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
