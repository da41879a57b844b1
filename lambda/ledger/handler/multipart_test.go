package handler

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/sce-project/sce/internal/phi"
)

const nameKey = "incoming/YayaToure visit notes.docx" // 300 bytes in put-phi-name.json

func TestALargeObjectIsQuarantinedInParts(t *testing.T) {
	e := newEnv(t)
	e.h.maxSingleCopy, e.h.copyPartSize = 100, 40
	ev := loadEvent(t, "put-phi-name.json")
	e.store(t, ev)

	if err := e.handle(ev); err != nil {
		t.Fatalf("Handle: %v", err)
	}
	if len(e.s3.copies) != 0 {
		t.Errorf("%d single copies of an object above the limit, want 0", len(e.s3.copies))
	}
	if len(e.s3.uploads) != 1 {
		t.Fatalf("%d multipart uploads, want 1", len(e.s3.uploads))
	}
	up := e.s3.uploads["upload1"]
	if aws.ToString(up.Key) != "quarantine/"+phi.KeyHash(nameKey) || up.ServerSideEncryption != types.ServerSideEncryptionAwsKms || aws.ToString(up.SSEKMSKeyId) != testKeyARN {
		t.Errorf("multipart upload to %q with %q and key %q, want the quarantine key with aws:kms and the project key", aws.ToString(up.Key), up.ServerSideEncryption, aws.ToString(up.SSEKMSKeyId))
	}
	var ranges []string
	for _, p := range e.s3.parts {
		ranges = append(ranges, fmt.Sprintf("%d:%s", aws.ToInt32(p.PartNumber), aws.ToString(p.CopySourceRange)))
	}
	sort.Strings(ranges)
	want := []string{"1:bytes=0-39", "2:bytes=40-79", "3:bytes=80-119", "4:bytes=120-159", "5:bytes=160-199", "6:bytes=200-239", "7:bytes=240-279", "8:bytes=280-299"}
	if !slices.Equal(ranges, want) {
		t.Errorf("parts = %q, want %q", ranges, want)
	}
	if len(e.s3.complete) != 1 {
		t.Fatalf("%d completions, want 1", len(e.s3.complete))
	}
	var numbers []int32
	for _, p := range e.s3.complete[0].MultipartUpload.Parts {
		numbers = append(numbers, aws.ToInt32(p.PartNumber))
		if aws.ToString(p.ETag) != fmt.Sprintf(`"part%d"`, aws.ToInt32(p.PartNumber)) {
			t.Errorf("part %d completes with ETag %q", aws.ToInt32(p.PartNumber), aws.ToString(p.ETag))
		}
	}
	if !slices.Equal(numbers, []int32{1, 2, 3, 4, 5, 6, 7, 8}) {
		t.Errorf("completed parts %v, want 1 to 8 in order", numbers)
	}
	if v := e.s3.versions(testBucket, nameKey); len(v) != 0 {
		t.Errorf("the original still has versions %q", v)
	}
}

func TestAFailedPartAbortsTheCopyAndKeepsTheOriginal(t *testing.T) {
	e := newEnv(t)
	e.h.maxSingleCopy, e.h.copyPartSize = 100, 40
	ev := loadEvent(t, "put-phi-name.json")
	e.store(t, ev)
	e.s3.set("UploadPartCopy", errors.New("internal error"), 1)

	if err := e.handle(ev); err == nil {
		t.Fatal("Handle succeeded, want the part's failure")
	}
	if !slices.Equal(e.s3.aborted, []string{"upload1"}) {
		t.Errorf("aborted uploads %q, want upload1", e.s3.aborted)
	}
	if len(e.s3.deletes) != 0 {
		t.Error("the original was deleted although its copy failed")
	}
	if len(e.s3.versions(testBucket, nameKey)) != 1 {
		t.Error("the original version is gone")
	}
}

func TestPartSizeKeepsWithinTenThousandParts(t *testing.T) {
	h := &Handler{copyPartSize: DefaultCopyPartSize}
	tests := []struct {
		name string
		size int64
		want int64
	}{
		{"a 6 GiB object uses the default part size", 6 << 30, DefaultCopyPartSize},
		{"a 5 TiB object uses larger parts", 5 << 40, (5<<40 + maxParts - 1) / maxParts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := h.partSize(tt.size)
			if got != tt.want {
				t.Errorf("partSize(%d) = %d, want %d", tt.size, got, tt.want)
			}
			if parts := (tt.size + got - 1) / got; parts > maxParts {
				t.Errorf("%d parts, more than S3's %d", parts, maxParts)
			}
		})
	}
}
