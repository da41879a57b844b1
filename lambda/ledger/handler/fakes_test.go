package handler

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// failures makes a fake fail chosen calls: an error keyed by "Op" fails every call of that operation,
// one keyed by "Op key" only the calls about that object key. times, when set for the same entry, is
// how many calls fail before the fake works again.
type failures struct {
	mu    sync.Mutex
	errs  map[string]error
	times map[string]int
}

func (f *failures) set(what string, err error, times int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.errs == nil {
		f.errs, f.times = map[string]error{}, map[string]int{}
	}
	f.errs[what] = err
	f.times[what] = times
}

func (f *failures) check(op, key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, what := range []string{op + " " + key, op} {
		err, ok := f.errs[what]
		if !ok {
			continue
		}
		if n := f.times[what]; n > 0 {
			if n == 1 {
				delete(f.errs, what)
			}
			f.times[what] = n - 1
		}
		return err
	}
	return nil
}

// fakeVersion is one stored version of an object.
type fakeVersion struct {
	id       string
	size     int64
	etag     string
	sse      types.ServerSideEncryption
	kmsKeyID string
}

// fakeS3 is an in-memory S3, versioned unless unversioned is set, that records the calls made to it.
type fakeS3 struct {
	failures
	unversioned bool
	mu          sync.Mutex
	objects     map[string][]fakeVersion // "bucket/key" -> versions, oldest first
	next        int
	calls       []string
	copies      []*s3.CopyObjectInput
	deletes     []*s3.DeleteObjectInput
	parts       []*s3.UploadPartCopyInput
	uploads     map[string]*s3.CreateMultipartUploadInput
	aborted     []string
	complete    []*s3.CompleteMultipartUploadInput
}

func newFakeS3() *fakeS3 {
	return &fakeS3{objects: map[string][]fakeVersion{}, uploads: map[string]*s3.CreateMultipartUploadInput{}}
}

// put stores a new version and returns its id.
func (f *fakeS3) put(bucket, key string, v fakeVersion) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.unversioned {
		v.id = ""
		f.objects[bucket+"/"+key] = []fakeVersion{v}
		return v.id
	}
	if v.id == "" {
		f.next++
		v.id = "fakeversion" + strconv.Itoa(f.next)
	}
	f.objects[bucket+"/"+key] = append(f.objects[bucket+"/"+key], v)
	return v.id
}

// versions returns the ids of the stored versions of an object.
func (f *fakeS3) versions(bucket, key string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for _, v := range f.objects[bucket+"/"+key] {
		ids = append(ids, v.id)
	}
	return ids
}

// find returns a version (the latest when id is empty).
func (f *fakeS3) find(bucket, key, id string) (fakeVersion, bool) {
	vs := f.objects[bucket+"/"+key]
	if id == "" && len(vs) > 0 {
		return vs[len(vs)-1], true
	}
	for _, v := range vs {
		if v.id == id {
			return v, true
		}
	}
	return fakeVersion{}, false
}

func (f *fakeS3) record(call string) {
	f.calls = append(f.calls, call)
}

func (f *fakeS3) HeadObject(_ context.Context, in *s3.HeadObjectInput, _ ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("HeadObject " + aws.ToString(in.Key))
	if err := f.check("HeadObject", aws.ToString(in.Key)); err != nil {
		return nil, err
	}
	v, ok := f.find(aws.ToString(in.Bucket), aws.ToString(in.Key), aws.ToString(in.VersionId))
	if !ok {
		return nil, &types.NotFound{Message: aws.String("Not Found")}
	}
	out := &s3.HeadObjectOutput{ContentLength: aws.Int64(v.size), ETag: aws.String(`"` + v.etag + `"`), ServerSideEncryption: v.sse}
	if v.id != "" {
		out.VersionId = aws.String(v.id)
	}
	if v.kmsKeyID != "" {
		out.SSEKMSKeyId = aws.String(v.kmsKeyID)
	}
	return out, nil
}

// parseCopySource splits "bucket/escaped-key?versionId=v" as S3 does.
func parseCopySource(src string) (bucket, key, version string, err error) {
	path, query, _ := strings.Cut(src, "?")
	bucket, escaped, ok := strings.Cut(path, "/")
	if !ok {
		return "", "", "", fmt.Errorf("fake s3: copy source %q has no key", src)
	}
	if key, err = url.PathUnescape(escaped); err != nil {
		return "", "", "", fmt.Errorf("fake s3: copy source key: %w", err)
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return "", "", "", fmt.Errorf("fake s3: copy source query: %w", err)
	}
	return bucket, key, q.Get("versionId"), nil
}

func (f *fakeS3) CopyObject(_ context.Context, in *s3.CopyObjectInput, _ ...func(*s3.Options)) (*s3.CopyObjectOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("CopyObject " + aws.ToString(in.Key))
	f.copies = append(f.copies, in)
	bucket, key, version, err := parseCopySource(aws.ToString(in.CopySource))
	if err != nil {
		return nil, err
	}
	if err := f.check("CopyObject", key); err != nil {
		return nil, err
	}
	v, ok := f.find(bucket, key, version)
	if !ok {
		return nil, &types.NoSuchKey{Message: aws.String("The specified key does not exist.")}
	}
	copied := fakeVersion{size: v.size, etag: v.etag, sse: in.ServerSideEncryption, kmsKeyID: aws.ToString(in.SSEKMSKeyId)}
	dest := aws.ToString(in.Bucket) + "/" + aws.ToString(in.Key)
	if f.unversioned {
		f.objects[dest] = []fakeVersion{copied}
		return &s3.CopyObjectOutput{}, nil
	}
	f.next++
	copied.id = "fakeversion" + strconv.Itoa(f.next)
	f.objects[dest] = append(f.objects[dest], copied)
	return &s3.CopyObjectOutput{VersionId: aws.String(copied.id)}, nil
}

func (f *fakeS3) DeleteObject(_ context.Context, in *s3.DeleteObjectInput, _ ...func(*s3.Options)) (*s3.DeleteObjectOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("DeleteObject " + aws.ToString(in.Key))
	f.deletes = append(f.deletes, in)
	if err := f.check("DeleteObject", aws.ToString(in.Key)); err != nil {
		return nil, err
	}
	name := aws.ToString(in.Bucket) + "/" + aws.ToString(in.Key)
	if in.VersionId == nil {
		if !f.unversioned {
			return nil, errors.New("fake s3: DeleteObject without a version id would leave the key in the bucket's versions")
		}
		delete(f.objects, name)
		return &s3.DeleteObjectOutput{}, nil
	}
	var kept []fakeVersion
	for _, v := range f.objects[name] {
		if v.id != aws.ToString(in.VersionId) {
			kept = append(kept, v)
		}
	}
	f.objects[name] = kept
	return &s3.DeleteObjectOutput{VersionId: in.VersionId}, nil
}

func (f *fakeS3) CreateMultipartUpload(_ context.Context, in *s3.CreateMultipartUploadInput, _ ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("CreateMultipartUpload " + aws.ToString(in.Key))
	id := "upload" + strconv.Itoa(len(f.uploads)+1)
	f.uploads[id] = in
	return &s3.CreateMultipartUploadOutput{UploadId: aws.String(id)}, nil
}

var rangeRE = regexp.MustCompile(`^bytes=(\d+)-(\d+)$`)

func (f *fakeS3) UploadPartCopy(_ context.Context, in *s3.UploadPartCopyInput, _ ...func(*s3.Options)) (*s3.UploadPartCopyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.parts = append(f.parts, in)
	if err := f.check("UploadPartCopy", aws.ToString(in.Key)); err != nil {
		return nil, err
	}
	bucket, key, version, err := parseCopySource(aws.ToString(in.CopySource))
	if err != nil {
		return nil, err
	}
	v, ok := f.find(bucket, key, version)
	if !ok {
		return nil, &types.NoSuchKey{Message: aws.String("The specified key does not exist.")}
	}
	m := rangeRE.FindStringSubmatch(aws.ToString(in.CopySourceRange))
	if m == nil {
		return nil, fmt.Errorf("fake s3: bad copy source range %q", aws.ToString(in.CopySourceRange))
	}
	last, err := strconv.ParseInt(m[2], 10, 64)
	if err != nil {
		return nil, fmt.Errorf("fake s3: range end: %w", err)
	}
	if last >= v.size {
		return nil, fmt.Errorf("fake s3: range %q past the object's %d bytes", m[0], v.size)
	}
	return &s3.UploadPartCopyOutput{CopyPartResult: &types.CopyPartResult{ETag: aws.String(fmt.Sprintf(`"part%d"`, aws.ToInt32(in.PartNumber)))}}, nil
}

func (f *fakeS3) CompleteMultipartUpload(_ context.Context, in *s3.CompleteMultipartUploadInput, _ ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("CompleteMultipartUpload " + aws.ToString(in.Key))
	f.complete = append(f.complete, in)
	if err := f.check("CompleteMultipartUpload", aws.ToString(in.Key)); err != nil {
		return nil, err
	}
	f.next++
	return &s3.CompleteMultipartUploadOutput{VersionId: aws.String("fakeversion" + strconv.Itoa(f.next))}, nil
}

func (f *fakeS3) AbortMultipartUpload(_ context.Context, in *s3.AbortMultipartUploadInput, _ ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.aborted = append(f.aborted, aws.ToString(in.UploadId))
	return &s3.AbortMultipartUploadOutput{}, nil
}

// fakeDynamoDB is an in-memory table keyed by "object" and "version" that understands the condition
// and update expressions the handler writes, and refuses any other.
type fakeDynamoDB struct {
	failures
	mu    sync.Mutex
	items map[string]map[string]dbtypes.AttributeValue
	puts  int
}

func newFakeDynamoDB() *fakeDynamoDB {
	return &fakeDynamoDB{items: map[string]map[string]dbtypes.AttributeValue{}}
}

func itemKey(item map[string]dbtypes.AttributeValue) (string, error) {
	o, ok1 := item[AttrObject].(*dbtypes.AttributeValueMemberS)
	v, ok2 := item[AttrVersion].(*dbtypes.AttributeValueMemberS)
	if !ok1 || !ok2 {
		return "", errors.New("fake dynamodb: the key needs string attributes object and version")
	}
	return o.Value + "\x00" + v.Value, nil
}

func (f *fakeDynamoDB) PutItem(_ context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.puts++
	if err := f.check("PutItem", ""); err != nil {
		return nil, err
	}
	if aws.ToString(in.ConditionExpression) != "attribute_not_exists(#o)" || in.ExpressionAttributeNames["#o"] != AttrObject {
		return nil, fmt.Errorf("fake dynamodb: unexpected condition %q %v", aws.ToString(in.ConditionExpression), in.ExpressionAttributeNames)
	}
	k, err := itemKey(in.Item)
	if err != nil {
		return nil, err
	}
	if old, ok := f.items[k]; ok {
		e := &dbtypes.ConditionalCheckFailedException{Message: aws.String("The conditional request failed")}
		if in.ReturnValuesOnConditionCheckFailure == dbtypes.ReturnValuesOnConditionCheckFailureAllOld {
			e.Item = copyItem(old)
		}
		return nil, e
	}
	f.items[k] = copyItem(in.Item)
	return &dynamodb.PutItemOutput{}, nil
}

var setClause = regexp.MustCompile(`^(#\w+) = (:\w+)$`)

func (f *fakeDynamoDB) UpdateItem(_ context.Context, in *dynamodb.UpdateItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check("UpdateItem", ""); err != nil {
		return nil, err
	}
	k, err := itemKey(in.Key)
	if err != nil {
		return nil, err
	}
	item, ok := f.items[k]
	if aws.ToString(in.ConditionExpression) != "attribute_exists(#o)" || in.ExpressionAttributeNames["#o"] != AttrObject {
		return nil, fmt.Errorf("fake dynamodb: unexpected condition %q", aws.ToString(in.ConditionExpression))
	}
	if !ok {
		return nil, &dbtypes.ConditionalCheckFailedException{Message: aws.String("The conditional request failed")}
	}
	expr, found := strings.CutPrefix(aws.ToString(in.UpdateExpression), "SET ")
	if !found {
		return nil, fmt.Errorf("fake dynamodb: unexpected update %q", aws.ToString(in.UpdateExpression))
	}
	for clause := range strings.SplitSeq(expr, ", ") {
		m := setClause.FindStringSubmatch(clause)
		if m == nil {
			return nil, fmt.Errorf("fake dynamodb: unexpected clause %q", clause)
		}
		name, ok1 := in.ExpressionAttributeNames[m[1]]
		value, ok2 := in.ExpressionAttributeValues[m[2]]
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("fake dynamodb: clause %q names an undefined placeholder", clause)
		}
		item[name] = value
	}
	if in.ReturnValues == dbtypes.ReturnValueAllNew {
		return &dynamodb.UpdateItemOutput{Attributes: copyItem(item)}, nil
	}
	return &dynamodb.UpdateItemOutput{}, nil
}

// all returns every stored item.
func (f *fakeDynamoDB) all() []map[string]dbtypes.AttributeValue {
	f.mu.Lock()
	defer f.mu.Unlock()
	var items []map[string]dbtypes.AttributeValue
	for _, k := range sortedKeys(f.items) {
		items = append(items, copyItem(f.items[k]))
	}
	return items
}

func copyItem(item map[string]dbtypes.AttributeValue) map[string]dbtypes.AttributeValue {
	c := make(map[string]dbtypes.AttributeValue, len(item))
	for k, v := range item {
		c[k] = v
	}
	return c
}

// fakeSQS records the messages sent.
type fakeSQS struct {
	failures
	mu   sync.Mutex
	sent []*sqs.SendMessageInput
}

func (f *fakeSQS) SendMessage(_ context.Context, in *sqs.SendMessageInput, _ ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check("SendMessage", ""); err != nil {
		return nil, err
	}
	f.sent = append(f.sent, in)
	return &sqs.SendMessageOutput{MessageId: aws.String("msg" + strconv.Itoa(len(f.sent)))}, nil
}

// fakeSNS records the messages published.
type fakeSNS struct {
	failures
	mu        sync.Mutex
	published []*sns.PublishInput
}

func (f *fakeSNS) Publish(_ context.Context, in *sns.PublishInput, _ ...func(*sns.Options)) (*sns.PublishOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check("Publish", ""); err != nil {
		return nil, err
	}
	f.published = append(f.published, in)
	return &sns.PublishOutput{MessageId: aws.String("note" + strconv.Itoa(len(f.published)))}, nil
}
