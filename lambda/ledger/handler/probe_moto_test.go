package handler

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

func TestMotoProbe(t *testing.T) {
	srv := moto.Need(t)
	ctx := context.Background()
	db := dynamodb.NewFromConfig(srv.Config())
	table := srv.Name("ledger")
	_, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String(table), BillingMode: dbtypes.BillingModePayPerRequest,
		KeySchema:            []dbtypes.KeySchemaElement{{AttributeName: aws.String("object"), KeyType: dbtypes.KeyTypeHash}, {AttributeName: aws.String("version"), KeyType: dbtypes.KeyTypeRange}},
		AttributeDefinitions: []dbtypes.AttributeDefinition{{AttributeName: aws.String("object"), AttributeType: dbtypes.ScalarAttributeTypeS}, {AttributeName: aws.String("version"), AttributeType: dbtypes.ScalarAttributeTypeS}}})
	t.Logf("create: %v", err)
	item := map[string]dbtypes.AttributeValue{"object": str("b/k"), "version": str("v1"), "queuedAt": str("x")}
	put := func() error {
		_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item, ConditionExpression: aws.String("attribute_not_exists(#o)"),
			ExpressionAttributeNames: map[string]string{"#o": "object"}, ReturnValuesOnConditionCheckFailure: dbtypes.ReturnValuesOnConditionCheckFailureAllOld})
		return err
	}
	t.Logf("put1: %v", put())
	err = put()
	var ccf *dbtypes.ConditionalCheckFailedException
	t.Logf("put2: %v as=%v item=%v", err, errors.As(err, &ccf), ccf != nil && ccf.Item != nil)
	if ccf != nil {
		t.Logf("item %#v", ccf.Item)
	}
	_, err = db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(table), Key: map[string]dbtypes.AttributeValue{"object": str("b/none"), "version": str("v1")},
		UpdateExpression: aws.String("SET #a1 = :v1"), ConditionExpression: aws.String("attribute_exists(#o)"),
		ExpressionAttributeNames: map[string]string{"#o": "object", "#a1": "notifiedAt"}, ExpressionAttributeValues: map[string]dbtypes.AttributeValue{":v1": str("t")}})
	t.Logf("update missing: %v", err)

	q := sqs.NewFromConfig(srv.Config())
	dlq, _ := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(srv.Name("dlq"))})
	dlqAttrs, _ := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: dlq.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{"QueueArn"}})
	main, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(srv.Name("q")), Attributes: map[string]string{"VisibilityTimeout": "300",
		"RedrivePolicy": `{"deadLetterTargetArn":"` + dlqAttrs.Attributes["QueueArn"] + `","maxReceiveCount":2}`}})
	t.Logf("queue %v %v", aws.ToString(main.QueueUrl), err)
	_, err = q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: main.QueueUrl, MessageBody: aws.String("hello")})
	t.Logf("send %v", err)
	recv := func(vis int32) *sqstypes.Message {
		out, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: main.QueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1, VisibilityTimeout: vis,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{"ApproximateReceiveCount"}})
		if err != nil || len(out.Messages) == 0 {
			t.Logf("recv: %v none", err)
			return nil
		}
		t.Logf("recv: %s count=%s", aws.ToString(out.Messages[0].Body), out.Messages[0].Attributes["ApproximateReceiveCount"])
		return &out.Messages[0]
	}
	m1 := recv(1)
	time.Sleep(1500 * time.Millisecond)
	_, err = q.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: main.QueueUrl, ReceiptHandle: m1.ReceiptHandle, VisibilityTimeout: 30})
	t.Logf("change after expiry: %v", err)
	m2 := recv(1)
	_, err = q.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: main.QueueUrl, ReceiptHandle: m1.ReceiptHandle})
	t.Logf("delete with stale handle: %v", err)
	time.Sleep(1500 * time.Millisecond)
	m3 := recv(1)
	t.Logf("third receive: %v", m3 != nil)
	dm := func() {
		out, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: dlq.QueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1})
		t.Logf("dlq: %v %d", err, len(out.Messages))
	}
	dm()
	_ = m2
	_, err = q.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: main.QueueUrl, ReceiptHandle: aws.String("garbage"), VisibilityTimeout: 30})
	t.Logf("change garbage: %v", err)
	_, err = q.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: main.QueueUrl, ReceiptHandle: aws.String("garbage")})
	t.Logf("delete garbage: %v", err)

	n := sns.NewFromConfig(srv.Config())
	topic, err := n.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(srv.Name("topic"))})
	t.Logf("topic %v", err)
	_, err = n.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Subject: aws.String("é bad subject"), Message: aws.String("x")})
	t.Logf("publish non-ascii subject: %v", err)
	_, err = n.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Subject: aws.String(string(make([]byte, 101))), Message: aws.String("x")})
	t.Logf("publish 101 subject: %v", err)
}
