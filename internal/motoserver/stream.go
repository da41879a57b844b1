package motoserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// StreamTable is a DynamoDB table of the emulator with its stream.
type StreamTable struct {
	Name      string
	StreamARN string
}

// StreamTable creates an on-demand table named prefix-N with a string partition key and a string sort
// key, its stream on with the view given, and returns it.
func (s *Server) StreamTable(t testing.TB, prefix, partitionKey, sortKey string, view dbtypes.StreamViewType) StreamTable {
	t.Helper()
	c, cancel := ctx()
	defer cancel()
	name := s.Name(prefix)
	out, err := dynamodb.NewFromConfig(s.Config()).CreateTable(c, &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: dbtypes.BillingModePayPerRequest,
		KeySchema: []dbtypes.KeySchemaElement{
			{AttributeName: aws.String(partitionKey), KeyType: dbtypes.KeyTypeHash},
			{AttributeName: aws.String(sortKey), KeyType: dbtypes.KeyTypeRange},
		},
		AttributeDefinitions: []dbtypes.AttributeDefinition{
			{AttributeName: aws.String(partitionKey), AttributeType: dbtypes.ScalarAttributeTypeS},
			{AttributeName: aws.String(sortKey), AttributeType: dbtypes.ScalarAttributeTypeS},
		},
		StreamSpecification: &dbtypes.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: view},
	})
	if err != nil {
		t.Fatalf("motoserver: create table %s: %v", name, err)
	}
	arn := aws.ToString(out.TableDescription.LatestStreamArn)
	if arn == "" {
		t.Fatalf("motoserver: table %s has no stream", name)
	}
	return StreamTable{Name: name, StreamARN: arn}
}

// Stream reads a table's stream from its beginning as Lambda's event source mapping does, and hands
// the records over as the Lambda event the function receives: the JSON GetRecords answered, decoded with
// aws-lambda-go's events.DynamoDBEvent, each record given the stream's ARN as eventSourceARN (which
// Lambda adds; GetRecords does not send it).
type Stream struct {
	arn       string
	client    *dynamodbstreams.Client
	iterators map[string]string // shard id -> next iterator; "" once the shard is closed and read
	order     []string          // shard ids in the order DescribeStream listed them
}

// Stream returns a reader of the stream, positioned at its oldest record.
func (s *Server) Stream(streamARN string) *Stream {
	return &Stream{arn: streamARN, client: dynamodbstreams.NewFromConfig(s.Config()), iterators: map[string]string{}}
}

// Next returns every record written since the last call (none when the stream is quiet), shard by shard
// in the order the stream lists them.
func (st *Stream) Next(c context.Context) (events.DynamoDBEvent, error) {
	if err := st.shards(c); err != nil {
		return events.DynamoDBEvent{}, err
	}
	var ev events.DynamoDBEvent
	for _, shard := range st.order {
		for st.iterators[shard] != "" {
			records, next, err := st.getRecords(c, st.iterators[shard])
			if err != nil {
				return events.DynamoDBEvent{}, fmt.Errorf("read shard %s of %s: %w", shard, st.arn, err)
			}
			st.iterators[shard] = next
			ev.Records = append(ev.Records, records...)
			if len(records) == 0 {
				break // an open shard with nothing new: its iterator is kept for the next call
			}
		}
	}
	return ev, nil
}

// shards learns the stream's shards and takes an iterator at the oldest record of each new one.
func (st *Stream) shards(c context.Context) error {
	var start *string
	for {
		out, err := st.client.DescribeStream(c, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(st.arn), ExclusiveStartShardId: start})
		if err != nil {
			return fmt.Errorf("describe stream %s: %w", st.arn, err)
		}
		for _, sh := range out.StreamDescription.Shards {
			id := aws.ToString(sh.ShardId)
			if _, known := st.iterators[id]; known {
				continue
			}
			it, err := st.client.GetShardIterator(c, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(st.arn), ShardId: sh.ShardId,
				ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon})
			if err != nil {
				return fmt.Errorf("iterator of shard %s of %s: %w", id, st.arn, err)
			}
			st.iterators[id] = aws.ToString(it.ShardIterator)
			st.order = append(st.order, id)
		}
		start = out.StreamDescription.LastEvaluatedShardId
		if start == nil {
			return nil
		}
	}
}

// getRecords calls GetRecords and decodes the records from the JSON of the answer, as Lambda hands them on.
func (st *Stream) getRecords(c context.Context, iterator string) ([]events.DynamoDBEventRecord, string, error) {
	var body []byte
	out, err := st.client.GetRecords(c, &dynamodbstreams.GetRecordsInput{ShardIterator: aws.String(iterator)},
		func(o *dynamodbstreams.Options) { o.APIOptions = append(o.APIOptions, keepBody(&body)) })
	if err != nil {
		return nil, "", err
	}
	var answer struct {
		Records []events.DynamoDBEventRecord `json:"Records"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		return nil, "", fmt.Errorf("decode the records as Lambda does: %w", err)
	}
	for i := range answer.Records {
		answer.Records[i].EventSourceArn = st.arn
	}
	return answer.Records, aws.ToString(out.NextShardIterator), nil
}

// keepBody copies the raw body of the answer into *body before the SDK's deserializer reads it.
func keepBody(body *[]byte) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("motoserver.keepBody",
			func(c context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleDeserialize(c, in)
				if err != nil {
					return out, md, err
				}
				if resp, ok := out.RawResponse.(*smithyhttp.Response); ok && resp.Body != nil {
					b, rerr := io.ReadAll(resp.Body)
					if rerr != nil {
						return out, md, fmt.Errorf("read the answer: %w", rerr)
					}
					_ = resp.Body.Close()
					*body = b
					resp.Body = io.NopCloser(bytes.NewReader(b))
				}
				return out, md, nil
			}), middleware.After)
	}
}
