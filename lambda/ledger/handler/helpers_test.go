package handler

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

const (
	testBucket = "sce-demo-data-in-4f7a2c"
	testKeyARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	testTable  = "sce-demo-upload-ledger"
	testQueue  = "https://sqs.us-east-1.amazonaws.com/111122223333/sce-demo-uploads"
	testTopic  = "arn:aws:sns:us-east-1:111122223333:sce-demo-uploads"
)

// testNow is the handler's clock in tests.
var testNow = time.Date(2026, 11, 28, 10, 16, 0, 0, time.UTC)

func testConfig() Config {
	return Config{
		Table:            testTable,
		QueueURL:         testQueue,
		TopicARN:         testTopic,
		QuarantinePrefix: DefaultQuarantinePrefix,
		KMSKeyARN:        testKeyARN,
		PHINames:         []string{"Yaya Toure"},
	}
}

// loadEvent reads an S3 event fixture from testdata.
func loadEvent(t *testing.T, name string) events.S3Event {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	var ev events.S3Event
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatalf("decode fixture %s: %v", name, err)
	}
	return ev
}

// s returns a string attribute of an item, failing the test when it is absent or not a string.
func s(t *testing.T, item map[string]dbtypes.AttributeValue, name string) string {
	t.Helper()
	v, ok := item[name].(*dbtypes.AttributeValueMemberS)
	if !ok {
		t.Fatalf("item attribute %s is %T, want a string", name, item[name])
	}
	return v.Value
}

// b returns a BOOL attribute of an item.
func b(t *testing.T, item map[string]dbtypes.AttributeValue, name string) bool {
	t.Helper()
	v, ok := item[name].(*dbtypes.AttributeValueMemberBOOL)
	if !ok {
		t.Fatalf("item attribute %s is %T, want a BOOL", name, item[name])
	}
	return v.Value
}

// n returns an N attribute of an item.
func n(t *testing.T, item map[string]dbtypes.AttributeValue, name string) string {
	t.Helper()
	v, ok := item[name].(*dbtypes.AttributeValueMemberN)
	if !ok {
		t.Fatalf("item attribute %s is %T, want a number", name, item[name])
	}
	return v.Value
}

// itemText flattens an item's attribute names and values into one string, to search for a key.
func itemText(item map[string]dbtypes.AttributeValue) string {
	var sb strings.Builder
	var walk func(v dbtypes.AttributeValue)
	walk = func(v dbtypes.AttributeValue) {
		switch v := v.(type) {
		case *dbtypes.AttributeValueMemberS:
			sb.WriteString(v.Value + "\n")
		case *dbtypes.AttributeValueMemberN:
			sb.WriteString(v.Value + "\n")
		case *dbtypes.AttributeValueMemberL:
			for _, x := range v.Value {
				walk(x)
			}
		case *dbtypes.AttributeValueMemberBOOL:
			if v.Value {
				sb.WriteString("true\n")
			}
		}
	}
	for k, v := range item {
		sb.WriteString(k + "\n")
		walk(v)
	}
	return sb.String()
}
