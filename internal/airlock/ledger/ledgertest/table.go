// Package ledgertest is an in-memory stand-in for the upload ledger's DynamoDB table, for the tests of
// the airlock's CLI and release function: GetItem, PutItem, Query and GetItem with the key schema of the
// ledger (partition key "object", sort key "version"), the condition expressions the airlock writes
// with, and the table's stream: every write becomes a stream record of the shape DynamoDB Streams hands
// to Lambda (the documented record, https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.Lambda.html,
// and the Record and StreamRecord types of the DynamoDB Streams API Reference:
// https://docs.aws.amazon.com/amazondynamodbstreams/latest/APIReference/API_Record.html), encoded as JSON
// and decoded with aws-lambda-go's events.DynamoDBEvent, as the function receives it.
//
// It does not model IAM: who may write which key is the table policy's, which `sce verify` proves.
package ledgertest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Item is one stored item.
type Item = map[string]types.AttributeValue

// Table is the fake table. The zero value is not usable: call New.
type Table struct {
	// Name is the table's name, which requests must name.
	Name string
	// StreamARN is the eventSourceARN of the stream records.
	StreamARN string

	mu      sync.Mutex
	items   map[string]map[string]Item
	pending []json.RawMessage
	seq     int
	fail    map[string][]error
}

// New returns an empty table.
func New(name, region, account string) *Table {
	return &Table{Name: name, items: map[string]map[string]Item{},
		StreamARN: fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s/stream/2026-01-01T00:00:00.000", region, account, name)}
}

// FailNext makes the next calls of an operation ("PutItem", "GetItem", "Query") fail with err, once per
// error given.
func (t *Table) FailNext(op string, errs ...error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fail == nil {
		t.fail = map[string][]error{}
	}
	t.fail[op] = append(t.fail[op], errs...)
}

func (t *Table) failure(op string) error {
	if errs := t.fail[op]; len(errs) > 0 {
		t.fail[op] = errs[1:]
		return errs[0]
	}
	return nil
}

func (t *Table) checkTable(name *string) error {
	if aws.ToString(name) != t.Name {
		return fmt.Errorf("ledgertest: table %q, want %q", aws.ToString(name), t.Name)
	}
	return nil
}

// GetItem returns the item with the key, or no item.
func (t *Table) GetItem(_ context.Context, in *dynamodb.GetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.failure("GetItem"); err != nil {
		return nil, err
	}
	if err := t.checkTable(in.TableName); err != nil {
		return nil, err
	}
	o, v, err := keyOf(in.Key)
	if err != nil {
		return nil, err
	}
	return &dynamodb.GetItemOutput{Item: clone(t.items[o][v])}, nil
}

// PutItem stores an item, subject to its condition, and appends its stream record.
func (t *Table) PutItem(_ context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.failure("PutItem"); err != nil {
		return nil, err
	}
	if err := t.checkTable(in.TableName); err != nil {
		return nil, err
	}
	o, v, err := keyOf(in.Item)
	if err != nil {
		return nil, err
	}
	old := t.items[o][v]
	if in.ConditionExpression != nil {
		ok, err := holds(aws.ToString(in.ConditionExpression), in.ExpressionAttributeNames, in.ExpressionAttributeValues, old)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, &types.ConditionalCheckFailedException{Message: aws.String("The conditional request failed")}
		}
	}
	if t.items[o] == nil {
		t.items[o] = map[string]Item{}
	}
	t.items[o][v] = clone(in.Item)
	name := "INSERT"
	if old != nil {
		name = "MODIFY"
	}
	rec, err := t.streamRecord(name, o, v, in.Item)
	if err != nil {
		return nil, err
	}
	t.pending = append(t.pending, rec)
	return &dynamodb.PutItemOutput{}, nil
}

// queryExpr is the key condition the airlock queries with: a partition, optionally a sort-key prefix.
var queryExpr = regexp.MustCompile(`^#(\w+) = :(\w+)(?: AND begins_with\(#(\w+), :(\w+)\))?$`)

// Query returns a partition's items in sort-key order, optionally those whose sort key has a prefix.
func (t *Table) Query(_ context.Context, in *dynamodb.QueryInput, _ ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.failure("Query"); err != nil {
		return nil, err
	}
	if err := t.checkTable(in.TableName); err != nil {
		return nil, err
	}
	m := queryExpr.FindStringSubmatch(aws.ToString(in.KeyConditionExpression))
	if m == nil || in.ExpressionAttributeNames["#"+m[1]] != "object" {
		return nil, fmt.Errorf("ledgertest: key condition %q is not modelled", aws.ToString(in.KeyConditionExpression))
	}
	object := sValue(in.ExpressionAttributeValues[":"+m[2]])
	prefix := ""
	if m[3] != "" {
		if in.ExpressionAttributeNames["#"+m[3]] != "version" {
			return nil, fmt.Errorf("ledgertest: begins_with on %q is not modelled", in.ExpressionAttributeNames["#"+m[3]])
		}
		prefix = sValue(in.ExpressionAttributeValues[":"+m[4]])
	}
	var versions []string
	for v := range t.items[object] {
		if strings.HasPrefix(v, prefix) {
			versions = append(versions, v)
		}
	}
	sort.Strings(versions)
	out := &dynamodb.QueryOutput{}
	for _, v := range versions {
		out.Items = append(out.Items, clone(t.items[object][v]))
	}
	out.Count = int32(len(out.Items)) //nolint:gosec // test tables hold a handful of items
	return out, nil
}

// Stream returns the stream records of every write since the last call, as one Lambda event.
func (t *Table) Stream() (events.DynamoDBEvent, error) {
	t.mu.Lock()
	recs := t.pending
	t.pending = nil
	t.mu.Unlock()
	body, err := json.Marshal(map[string]any{"Records": recs})
	if err != nil {
		return events.DynamoDBEvent{}, fmt.Errorf("ledgertest: encode the stream: %w", err)
	}
	var ev events.DynamoDBEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		return events.DynamoDBEvent{}, fmt.Errorf("ledgertest: decode the stream as Lambda does: %w", err)
	}
	return ev, nil
}

// Items returns a partition's items in sort-key order.
func (t *Table) Items(object string) []Item {
	t.mu.Lock()
	defer t.mu.Unlock()
	var versions []string
	for v := range t.items[object] {
		versions = append(versions, v)
	}
	sort.Strings(versions)
	var out []Item
	for _, v := range versions {
		out = append(out, clone(t.items[object][v]))
	}
	return out
}

// Put stores an item directly, with its stream record, as another writer would.
func (t *Table) Put(item Item) error {
	_, err := t.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(t.Name), Item: item})
	return err
}

// streamRecord is the JSON of one stream record, NEW_IMAGE view, as the documentation shows it.
func (t *Table) streamRecord(eventName, object, version string, item Item) (json.RawMessage, error) {
	t.seq++
	image, err := streamImage(item)
	if err != nil {
		return nil, err
	}
	rec := map[string]any{
		"eventID":      fmt.Sprintf("%032x", t.seq),
		"eventName":    eventName,
		"eventVersion": "1.1",
		"eventSource":  "aws:dynamodb",
		"awsRegion":    strings.Split(t.StreamARN, ":")[3],
		"dynamodb": map[string]any{
			"ApproximateCreationDateTime": 1767225600 + t.seq,
			"Keys":                        map[string]any{"object": map[string]string{"S": object}, "version": map[string]string{"S": version}},
			"NewImage":                    image,
			"SequenceNumber":              fmt.Sprintf("%021d", 100000000000000000+t.seq),
			"SizeBytes":                   64,
			"StreamViewType":              "NEW_IMAGE",
		},
		"eventSourceARN": t.StreamARN,
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("ledgertest: encode a stream record: %w", err)
	}
	return b, nil
}

// streamImage encodes attribute values in the stream's JSON: {"S": ...}, {"N": ...}, {"L": [...]}, ...
func streamImage(item Item) (map[string]any, error) {
	out := make(map[string]any, len(item))
	for k, v := range item {
		j, err := streamValue(v)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", k, err)
		}
		out[k] = j
	}
	return out, nil
}

func streamValue(v types.AttributeValue) (any, error) {
	switch x := v.(type) {
	case *types.AttributeValueMemberS:
		return map[string]string{"S": x.Value}, nil
	case *types.AttributeValueMemberN:
		return map[string]string{"N": x.Value}, nil
	case *types.AttributeValueMemberBOOL:
		return map[string]bool{"BOOL": x.Value}, nil
	case *types.AttributeValueMemberNULL:
		return map[string]bool{"NULL": true}, nil
	case *types.AttributeValueMemberB:
		return map[string]string{"B": base64.StdEncoding.EncodeToString(x.Value)}, nil
	case *types.AttributeValueMemberSS:
		return map[string][]string{"SS": x.Value}, nil
	case *types.AttributeValueMemberNS:
		return map[string][]string{"NS": x.Value}, nil
	case *types.AttributeValueMemberL:
		list := make([]any, len(x.Value))
		for i, e := range x.Value {
			j, err := streamValue(e)
			if err != nil {
				return nil, err
			}
			list[i] = j
		}
		return map[string]any{"L": list}, nil
	case *types.AttributeValueMemberM:
		m, err := streamImage(x.Value)
		if err != nil {
			return nil, err
		}
		return map[string]any{"M": m}, nil
	}
	return nil, fmt.Errorf("ledgertest: attribute type %T is not modelled", v)
}

// Condition expressions the airlock writes with.
var (
	notExists       = regexp.MustCompile(`^attribute_not_exists\((#\w+)\)$`)
	notExistsOrNot  = regexp.MustCompile(`^attribute_not_exists\((#\w+)\) OR NOT \((#\w+) IN \(([:\w, ]+)\)\)$`)
	attributeEquals = regexp.MustCompile(`^(#\w+) = (:\w+)$`)
)

// holds evaluates a condition on the stored item (nil when there is none).
func holds(expr string, names map[string]string, values map[string]types.AttributeValue, old Item) (bool, error) {
	attr := func(ref string) (types.AttributeValue, bool) {
		v, ok := old[names[ref]]
		return v, ok
	}
	if m := notExists.FindStringSubmatch(expr); m != nil {
		_, ok := attr(m[1])
		return !ok, nil
	}
	if m := notExistsOrNot.FindStringSubmatch(expr); m != nil {
		if _, ok := attr(m[1]); !ok {
			return true, nil
		}
		v, _ := attr(m[2])
		for _, ref := range strings.Split(m[3], ",") {
			if sValue(v) == sValue(values[strings.TrimSpace(ref)]) {
				return false, nil
			}
		}
		return true, nil
	}
	if m := attributeEquals.FindStringSubmatch(expr); m != nil {
		v, ok := attr(m[1])
		return ok && sValue(v) == sValue(values[m[2]]), nil
	}
	return false, fmt.Errorf("ledgertest: condition %q is not modelled", expr)
}

func keyOf(item Item) (object, version string, err error) {
	object, version = sValue(item["object"]), sValue(item["version"])
	if object == "" || version == "" {
		return "", "", fmt.Errorf("ledgertest: the key needs object and version, both strings")
	}
	return object, version, nil
}

func sValue(v types.AttributeValue) string {
	if s, ok := v.(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}

func clone(item Item) Item {
	if item == nil {
		return nil
	}
	out := make(Item, len(item))
	for k, v := range item {
		out[k] = v
	}
	return out
}
