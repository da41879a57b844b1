package upload

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPrefixesThatAreNoPathAreRefused(t *testing.T) {
	tests := []struct {
		prefix, want string
	}{
		{"incoming/../../etc", `has a ".." folder`},
		{"../incoming", `has a ".." folder`},
		{"incoming/./2026", `has a "." folder`},
		{"incoming//2026", "has an empty folder (two / in a row)"},
		{" incoming", `has a folder " incoming" that starts or ends with a space`},
		{"incoming/2026 ", `has a folder "2026 " that starts or ends with a space`},
		{"incoming/\t2026", "starts or ends with a space"},
		{"in\x07coming", "holds a control character"},
		{"/incoming", "must not start with /"},
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			err := Target{Bucket: testBucket, KMSKeyARN: testKey, Prefix: tt.prefix}.Validate()
			assert.ErrorContains(t, err, `--prefix "`)
			assert.ErrorContains(t, err, tt.want)
		})
	}
	for _, ok := range []string{"", "incoming", "incoming/", "incoming/2026-11", "a b/c.d", "omop/vocabulary/"} {
		assert.NoError(t, Target{Bucket: testBucket, KMSKeyARN: testKey, Prefix: ok}.Validate(), ok)
	}
}

func TestTheBucketMayBeWrittenAsAnS3Address(t *testing.T) {
	for _, in := range []string{testBucket, "s3://" + testBucket, "s3://" + testBucket + "/", " s3://" + testBucket + " "} {
		got, err := BucketName(in)
		require.NoError(t, err, in)
		assert.Equal(t, testBucket, got, in)
	}
	_, err := BucketName("s3://" + testBucket + "/incoming/2026")
	assert.EqualError(t, err, `--bucket "s3://`+testBucket+`/incoming/2026": give the bucket alone (s3://`+testBucket+` or `+testBucket+`) and the folder with --prefix incoming/2026`)
	got, err := BucketName("")
	require.NoError(t, err)
	assert.Empty(t, got)

	for _, bad := range []string{"Hipaa-Data", "ab", "hipaa_data", "https://hipaa-data-in", "a..b"} {
		assert.ErrorContains(t, Target{Bucket: bad, KMSKeyARN: testKey}.Validate(), "is not a bucket name", bad)
	}
}

// TestAFileThatCannotBeReadStopsTheBatchBeforeAnythingIsSent: /proc/self/mem is a regular file that
// opens and fails at its first read (EIO), like a file on a broken network mount; permissions would not
// do, as tests may run as root.
func TestAFileThatCannotBeReadStopsTheBatchBeforeAnythingIsSent(t *testing.T) {
	if _, err := os.Stat("/proc/self/mem"); err != nil {
		t.Fatalf("this test needs Linux's /proc: %v", err)
	}
	dir := t.TempDir()
	a := writeFile(t, dir, "a.csv", 10)
	_, err := Prepare([]string{a, "/proc/self/mem"}, testTarget(), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "file argument 2: read /proc/self/mem")
}

func TestTheChecksumIsPrintedInHexLikeSha256sum(t *testing.T) {
	path := writeFile(t, t.TempDir(), "a.csv", 100)
	sum := fileSHA256(t, path)
	data, err := os.ReadFile(filepath.Clean(path))
	require.NoError(t, err)
	h := newPartHasher(nil, 1<<20)
	h.whole.Write(data)
	whole, _ := h.digests()
	assert.Equal(t, sum, fullObjectChecksum(whole).Hex(), "a single PUT's checksum is the file's SHA-256")
	c := compositeChecksum([][]byte{whole, whole})
	assert.Regexp(t, `^[0-9a-f]{64}-2$`, c.Hex())
}
