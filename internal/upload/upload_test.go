package upload

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/phi"
)

const (
	testBucket = "hipaa-data-in-1a2b3c4d"
	testKey    = "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-1111-2222-3333-444455556666"
)

func testTarget() Target {
	return Target{Bucket: testBucket, KMSKeyARN: testKey, Prefix: "incoming"}
}

// writeFile writes size random bytes and returns the path.
func writeFile(t *testing.T, dir, name string, size int) string {
	t.Helper()
	data := make([]byte, size)
	_, err := rand.Read(data)
	require.NoError(t, err)
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, data, 0o600))
	return path
}

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func TestWhatAResponseReportsIsComparedWithWhatWasSent(t *testing.T) {
	sum := sha256.Sum256([]byte("x"))
	local := fullObjectChecksum(sum[:])
	size := int64(1)
	other := int64(2)
	tests := []struct {
		name     string
		r        reported
		required bool
		want     []string
	}{
		{"a complete, matching response", reported{source: "HeadObject", checksum: local.Value, sse: "aws:kms", kmsKeyID: testKey, size: &size}, true, nil},
		{"a response without the fields, not required", reported{source: "the upload response"}, false, nil},
		{"an unencrypted object", reported{source: "HeadObject", checksum: local.Value}, true, []string{
			`HeadObject: S3 reports server-side encryption "", want aws:kms`,
			`HeadObject: S3 reports KMS key "", want the project key ` + testKey}},
		{"no checksum", reported{source: "HeadObject", sse: "aws:kms", kmsKeyID: testKey}, true, []string{"HeadObject: S3 reported no SHA-256 checksum for the object"}},
		{"SSE-S3 instead of SSE-KMS", reported{source: "the upload response", sse: "AES256"}, false, []string{`the upload response: S3 reports server-side encryption "AES256", want aws:kms`}},
		{"another key", reported{source: "the upload response", sse: "aws:kms", kmsKeyID: "arn:aws:kms:us-east-1:111122223333:key/other"}, false, []string{`S3 reports KMS key "arn:aws:kms:us-east-1:111122223333:key/other"`}},
		{"another size", reported{source: "HeadObject", checksum: local.Value, sse: "aws:kms", kmsKeyID: testKey, size: &other}, true, []string{"HeadObject: S3 holds 2 bytes, the file has 1"}},
		{"a malformed checksum", reported{source: "HeadObject", checksum: "zz", sse: "aws:kms", kmsKeyID: testKey}, true, []string{`HeadObject: checksum "zz" is not a base64 SHA-256`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res Result
			got := strings.Join(tt.r.check(&res, local, size, testKey, tt.required), "; ")
			if tt.want == nil {
				assert.Empty(t, got)
			}
			for _, w := range tt.want {
				assert.Contains(t, got, w)
			}
		})
	}
	assert.True(t, reported{checksum: "a", sse: "aws:kms", kmsKeyID: testKey}.complete())
	assert.False(t, reported{checksum: "a", sse: "aws:kms"}.complete())
}

func TestKeysThatLookLikePHIRefuseTheWholeBatchWithoutNamingThem(t *testing.T) {
	dir := t.TempDir()
	ok := writeFile(t, dir, "labs.csv", 10)
	ssn := writeFile(t, dir, "123-45-6789.csv", 10)
	named := writeFile(t, dir, "bigboote-notes.txt", 10)
	_, err := Prepare([]string{ok, ssn, named}, testTarget(), phi.New([]string{"Bigboote"}))
	var perr *PHIError
	require.ErrorAs(t, err, &perr)
	require.Len(t, perr.Refusals, 2)
	assert.Equal(t, 2, perr.Refusals[0].Arg)
	assert.Equal(t, phi.KeyHash("incoming/123-45-6789.csv"), perr.Refusals[0].KeyHash)
	assert.Equal(t, phi.KindSSN, perr.Refusals[0].Findings[0].Kind)
	assert.Equal(t, phi.KindName, perr.Refusals[1].Findings[0].Kind)
	msg := err.Error()
	assert.Contains(t, msg, "2 object key(s) look like PHI; nothing was uploaded")
	assert.Contains(t, msg, "file argument 2: key sha256:"+phi.KeyHash("incoming/123-45-6789.csv")+": ssn at bytes 9-20")
	assert.Contains(t, msg, "file argument 3: key sha256:"+phi.KeyHash("incoming/bigboote-notes.txt")+": name at bytes 9-17")
	assert.NotContains(t, msg, "6789")
	assert.NotContains(t, strings.ToLower(msg), "bigboote")
}

func TestThePrefixIsCheckedForPHITooAsPartOfTheKey(t *testing.T) {
	path := writeFile(t, t.TempDir(), "labs.csv", 10)
	target := testTarget()
	target.Prefix = "jane.doe@example.org"
	_, err := Prepare([]string{path}, target, nil)
	var perr *PHIError
	require.ErrorAs(t, err, &perr)
	assert.Equal(t, phi.KindEmail, perr.Refusals[0].Findings[0].Kind)
}

func TestPrepareRefusesMissingFilesDirectoriesAndDuplicateKeys(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a.csv", 1)
	sub := filepath.Join(dir, "sub")
	require.NoError(t, os.Mkdir(sub, 0o700))
	a2 := writeFile(t, sub, "a.csv", 1)
	_, err := Prepare([]string{a, filepath.Join(dir, "missing.csv"), sub, a2}, testTarget(), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "file argument 2: stat ")
	assert.Contains(t, err.Error(), "file argument 3: "+sub+" is not a regular file")
	assert.Contains(t, err.Error(), "file arguments 1 and 4: both would be uploaded as incoming/a.csv")
	_, err = Prepare(nil, testTarget(), nil)
	assert.EqualError(t, err, "no files to upload")
}

func TestTargetValidationNamesTheFlag(t *testing.T) {
	tests := []struct {
		name   string
		target Target
		want   string
	}{
		{"no bucket", Target{KMSKeyARN: testKey}, "no bucket: give --outputs FILE"},
		{"no key", Target{Bucket: testBucket}, "no KMS key"},
		{"an alias instead of a key", Target{Bucket: testBucket, KMSKeyARN: "arn:aws:kms:us-east-1:111122223333:alias/hipaa"}, `--kms-key "arn:aws:kms:us-east-1:111122223333:alias/hipaa": want a KMS key ARN`},
		{"a bare key id", Target{Bucket: testBucket, KMSKeyARN: "0a1b2c3d"}, "want a KMS key ARN"},
		{"an absolute prefix", Target{Bucket: testBucket, KMSKeyARN: testKey, Prefix: "/in"}, `--prefix "/in": must not start with /`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorContains(t, tt.target.Validate(), tt.want)
			_, err := New(nil, tt.target, Options{})
			assert.ErrorContains(t, err, tt.want)
		})
	}
	assert.NoError(t, Target{Bucket: testBucket, KMSKeyARN: "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/abc"}.Validate())
}

func TestPartsSmallerThanFiveMiBAreRefused(t *testing.T) {
	_, err := New(nil, testTarget(), Options{PartSize: MinPartSize - 1})
	assert.ErrorContains(t, err, "S3 parts must be at least 5 MiB")
}

func TestKeyForUsesThePrefixAsAFolder(t *testing.T) {
	assert.Equal(t, "a.csv", Target{}.KeyFor("/x/y/a.csv"))
	assert.Equal(t, "in/a.csv", Target{Prefix: "in"}.KeyFor("y/a.csv"))
	assert.Equal(t, "in/b/a.csv", Target{Prefix: "in/b/"}.KeyFor("a.csv"))
}

func TestPartSizeGrowsForFilesOfMoreThanTenThousandParts(t *testing.T) {
	assert.Equal(t, int64(DefaultPartSize), PartSizeFor(100*MiB, DefaultPartSize))
	size := int64(MaxParts) * DefaultPartSize
	got := PartSizeFor(size, DefaultPartSize)
	assert.Greater(t, got, int64(DefaultPartSize))
	assert.Less(t, size/got, int64(MaxParts))
}

func TestChecksumsParseAndCompareAsS3WritesThem(t *testing.T) {
	sum := sha256.Sum256([]byte("x"))
	full := fullObjectChecksum(sum[:])
	composite := compositeChecksum([][]byte{sum[:], sum[:]})
	c, err := parseChecksum(composite.String())
	require.NoError(t, err)
	assert.Equal(t, composite, c)
	assert.True(t, composite.matches(c))
	assert.True(t, composite.matches(Checksum{Value: composite.Value}), "without the part count")
	assert.False(t, composite.matches(Checksum{Value: composite.Value, Parts: 3}), "another part count")
	assert.False(t, full.matches(Checksum{Value: full.Value, Parts: 1}), "a one-part composite is not a full-object checksum")
	assert.False(t, full.matches(composite))
	for _, bad := range []string{"abc", "abc-2", full.Value + "-x", full.Value + "-0"} {
		_, err := parseChecksum(bad)
		assert.Error(t, err, bad)
	}
}

func TestThePartHasherCutsPartsAtThePartSize(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 10)
	h := newPartHasher(iotestOneByte(bytes.NewReader(data)), 30)
	_, err := io.Copy(io.Discard, h)
	require.NoError(t, err)
	whole, parts := h.digests()
	assert.Equal(t, sha256.Sum256(data), [32]byte(whole))
	require.Len(t, parts, 4)
	assert.Equal(t, sha256.Sum256(data[90:]), [32]byte(parts[3]))
	assert.Equal(t, sha256.Sum256(data[30:60]), [32]byte(parts[1]))
}

// iotestOneByte reads one byte at a time.
func iotestOneByte(r io.Reader) io.Reader { return oneByte{r} }

type oneByte struct{ r io.Reader }

func (o oneByte) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return o.r.Read(p[:1])
}
