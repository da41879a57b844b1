package egress

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/sce-project/sce/internal/airlock/ledger"
)

// List returns every request of the index, newest first.
func (c *Client) List(ctx context.Context) ([]ledger.IndexEntry, error) {
	items, err := c.query(ctx, ledger.IndexObject, "")
	if err != nil {
		return nil, err
	}
	out := make([]ledger.IndexEntry, 0, len(items))
	for _, item := range items {
		var e ledger.IndexEntry
		if err := attributevalue.UnmarshalMap(item, &e); err != nil {
			return nil, fmt.Errorf("decode an index entry: %w", err)
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version > out[j].Version })
	return out, nil
}

// Details are everything the ledger holds about one request.
type Details struct {
	Entry     ledger.IndexEntry
	Record    *ledger.RequestRecord
	Decisions []ledger.DecisionRecord
	Release   *ledger.ReleaseRecord
	Events    []ledger.Event
}

// Show reads a request's index entry and the release function's records of it.
func (c *Client) Show(ctx context.Context, id string) (Details, error) {
	var d Details
	if !ledger.ValidRequestID(id) {
		return d, fmt.Errorf("%q is not a request id (they look like 20261103T142501Z-9f86d081; `sce airlock list` lists them)", id)
	}
	found, err := c.get(ctx, ledger.IndexObject, id, &d.Entry)
	if err != nil {
		return d, err
	}
	if !found {
		return d, fmt.Errorf("request %s is not in the airlock's index: it does not exist, or the release function has not recorded it yet (it does within seconds; its log says why not)", id)
	}
	items, err := c.query(ctx, ledger.RecordObject(id), "")
	if err != nil {
		return d, err
	}
	for _, item := range items {
		version := ""
		if v, ok := item["version"].(*types.AttributeValueMemberS); ok {
			version = v.Value
		}
		var target any
		switch {
		case version == ledger.VersionRequest:
			d.Record = &ledger.RequestRecord{}
			target = d.Record
		case version == ledger.VersionRelease:
			d.Release = &ledger.ReleaseRecord{}
			target = d.Release
		case strings.HasPrefix(version, ledger.DecisionPrefix):
			d.Decisions = append(d.Decisions, ledger.DecisionRecord{})
			target = &d.Decisions[len(d.Decisions)-1]
		case strings.HasPrefix(version, ledger.EventPrefix):
			d.Events = append(d.Events, ledger.Event{})
			target = &d.Events[len(d.Events)-1]
		default:
			continue
		}
		if err := attributevalue.UnmarshalMap(item, target); err != nil {
			return d, fmt.Errorf("decode %s of request %s: %w", version, id, err)
		}
	}
	return d, nil
}

func (c *Client) get(ctx context.Context, object, version string, out any) (bool, error) {
	res, err := c.dynamodb.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(c.target.Table),
		Key:            map[string]types.AttributeValue{"object": &types.AttributeValueMemberS{Value: object}, "version": &types.AttributeValueMemberS{Value: version}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return false, fmt.Errorf("read the ledger (%s): %w", object, err)
	}
	if len(res.Item) == 0 {
		return false, nil
	}
	if err := attributevalue.UnmarshalMap(res.Item, out); err != nil {
		return true, fmt.Errorf("decode %s / %s: %w", object, version, err)
	}
	return true, nil
}

func (c *Client) query(ctx context.Context, object, prefix string) ([]map[string]types.AttributeValue, error) {
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(c.target.Table),
		KeyConditionExpression:    aws.String("#o = :o"),
		ExpressionAttributeNames:  map[string]string{"#o": "object"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":o": &types.AttributeValueMemberS{Value: object}},
		ConsistentRead:            aws.Bool(true),
	}
	if prefix != "" {
		in.KeyConditionExpression = aws.String("#o = :o AND begins_with(#v, :p)")
		in.ExpressionAttributeNames["#v"] = "version"
		in.ExpressionAttributeValues[":p"] = &types.AttributeValueMemberS{Value: prefix}
	}
	var items []map[string]types.AttributeValue
	for {
		res, err := c.dynamodb.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("read the ledger (%s): %w", object, err)
		}
		items = append(items, res.Items...)
		if len(res.LastEvaluatedKey) == 0 {
			return items, nil
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
}

func (c *Client) put(ctx context.Context, item any, newOnly bool) error {
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		return fmt.Errorf("encode the ledger item: %w", err)
	}
	in := &dynamodb.PutItemInput{TableName: aws.String(c.target.Table), Item: av}
	if newOnly {
		in.ConditionExpression = aws.String("attribute_not_exists(#o)")
		in.ExpressionAttributeNames = map[string]string{"#o": "object"}
	}
	if _, err := c.dynamodb.PutItem(ctx, in); err != nil {
		return fmt.Errorf("write the ledger item: %w", err)
	}
	return nil
}
