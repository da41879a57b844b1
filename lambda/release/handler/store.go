package handler

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/sce-project/sce/internal/airlock/ledger"
)

// get reads one item, strongly consistent, into out; found is false when there is none.
func (h *Handler) get(ctx context.Context, object, version string, out any) (found bool, err error) {
	res, err := h.clients.DynamoDB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(h.cfg.Table),
		Key:            map[string]types.AttributeValue{"object": str(object), "version": str(version)},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return false, fmt.Errorf("read %s / %s: %w", object, version, err)
	}
	if len(res.Item) == 0 {
		return false, nil
	}
	if err := attributevalue.UnmarshalMap(res.Item, out); err != nil {
		return true, fmt.Errorf("decode %s / %s: %w", object, version, err)
	}
	return true, nil
}

// put writes an item. With a condition, a failed condition is not an error: written is false.
func (h *Handler) put(ctx context.Context, item any, condition string, names map[string]string, values map[string]types.AttributeValue) (written bool, err error) {
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		return false, fmt.Errorf("encode a ledger item: %w", err)
	}
	in := &dynamodb.PutItemInput{TableName: aws.String(h.cfg.Table), Item: av}
	if condition != "" {
		in.ConditionExpression = aws.String(condition)
		if len(names) > 0 {
			in.ExpressionAttributeNames = names
		}
		if len(values) > 0 {
			in.ExpressionAttributeValues = values
		}
	}
	_, err = h.clients.DynamoDB.PutItem(ctx, in)
	var failed *types.ConditionalCheckFailedException
	switch {
	case err == nil:
		return true, nil
	case condition != "" && errors.As(err, &failed):
		return false, nil
	}
	return false, fmt.Errorf("write %s / %s: %w", stringAttr(av, "object"), stringAttr(av, "version"), err)
}

// putNew writes an item unless one with its key exists.
func (h *Handler) putNew(ctx context.Context, item any) (bool, error) {
	return h.put(ctx, item, "attribute_not_exists(#o)", map[string]string{"#o": "object"}, nil)
}

// query reads every item of a partition whose sort key begins with prefix, strongly consistent.
func (h *Handler) query(ctx context.Context, object, prefix string) ([]map[string]types.AttributeValue, error) {
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(h.cfg.Table),
		KeyConditionExpression:    aws.String("#o = :o AND begins_with(#v, :p)"),
		ExpressionAttributeNames:  map[string]string{"#o": "object", "#v": "version"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":o": str(object), ":p": str(prefix)},
		ConsistentRead:            aws.Bool(true),
	}
	var items []map[string]types.AttributeValue
	for {
		res, err := h.clients.DynamoDB.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("query %s: %w", object, err)
		}
		items = append(items, res.Items...)
		if len(res.LastEvaluatedKey) == 0 {
			return items, nil
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
}

// closedStatuses are the statuses after which the index entry of a request does not change.
var closedStatuses = []ledger.Status{ledger.StatusRejected, ledger.StatusReleased, ledger.StatusRefused}

// putIndex writes a request's index entry unless it is closed already: a late review processed in
// parallel must not reopen a released or rejected request in the index.
func (h *Handler) putIndex(ctx context.Context, e ledger.IndexEntry) error {
	e.Object, e.UpdatedAt = ledger.IndexObject, timestamp(h.now())
	values := map[string]types.AttributeValue{}
	cond := "attribute_not_exists(#o) OR NOT (#s IN ("
	for i, s := range closedStatuses {
		name := fmt.Sprintf(":c%d", i)
		values[name] = str(string(s))
		if i > 0 {
			cond += ", "
		}
		cond += name
	}
	cond += "))"
	if e.Status.Closed() {
		cond, values = "", nil // the closing write itself always lands
	}
	names := map[string]string{"#o": "object", "#s": "status"}
	if cond == "" {
		names = nil
	}
	_, err := h.put(ctx, e, cond, names, values)
	return err
}

// index reads a request's index entry.
func (h *Handler) index(ctx context.Context, id string) (ledger.IndexEntry, bool, error) {
	var e ledger.IndexEntry
	found, err := h.get(ctx, ledger.IndexObject, id, &e)
	return e, found, err
}

func str(s string) *types.AttributeValueMemberS { return &types.AttributeValueMemberS{Value: s} }

func stringAttr(item map[string]types.AttributeValue, name string) string {
	if v, ok := item[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}
