package motoserver

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Notice is one message as SNS delivers it to a subscribed SQS queue: the fields of its JSON envelope
// that the tests read.
type Notice struct {
	Type      string
	MessageID string `json:"MessageId"`
	TopicArn  string
	Subject   string
	Message   string
}

// Topic is an SNS topic of the emulator with an SQS queue subscribed to it, so that a test reads what
// was published as a subscriber receives it (after SNS has checked the Publish call).
type Topic struct {
	ARN      string
	queueURL string
	sqs      *sqs.Client
}

// Topic creates a topic named prefix-N and a queue subscribed to it.
func (s *Server) Topic(t testing.TB, prefix string) *Topic {
	t.Helper()
	c, cancel := ctx()
	defer cancel()
	cfg := s.Config()
	topic, err := sns.NewFromConfig(cfg).CreateTopic(c, &sns.CreateTopicInput{Name: aws.String(s.Name(prefix))})
	if err != nil {
		t.Fatalf("motoserver: create topic: %v", err)
	}
	tp := &Topic{ARN: aws.ToString(topic.TopicArn), sqs: sqs.NewFromConfig(cfg)}
	queue, err := tp.sqs.CreateQueue(c, &sqs.CreateQueueInput{QueueName: aws.String(s.Name(prefix + "-subscriber"))})
	if err != nil {
		t.Fatalf("motoserver: create the subscriber queue: %v", err)
	}
	tp.queueURL = aws.ToString(queue.QueueUrl)
	attrs, err := tp.sqs.GetQueueAttributes(c, &sqs.GetQueueAttributesInput{QueueUrl: queue.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatalf("motoserver: the subscriber queue's ARN: %v", err)
	}
	_, err = sns.NewFromConfig(cfg).Subscribe(c, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"),
		Endpoint: aws.String(attrs.Attributes[string(sqstypes.QueueAttributeNameQueueArn)])})
	if err != nil {
		t.Fatalf("motoserver: subscribe the queue: %v", err)
	}
	return tp
}

// Received returns the notices delivered since the last call, in the order the queue hands them over,
// and deletes them from the queue.
func (tp *Topic) Received(t testing.TB) []Notice {
	t.Helper()
	c, cancel := ctx()
	defer cancel()
	var out []Notice
	for {
		got, err := tp.sqs.ReceiveMessage(c, &sqs.ReceiveMessageInput{QueueUrl: aws.String(tp.queueURL), MaxNumberOfMessages: 10, VisibilityTimeout: 60})
		if err != nil {
			t.Fatalf("motoserver: receive the topic's notices: %v", err)
		}
		if len(got.Messages) == 0 {
			return out
		}
		for _, m := range got.Messages {
			var n Notice
			if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &n); err != nil {
				t.Fatalf("motoserver: decode an SNS envelope: %v", err)
			}
			out = append(out, n)
			if _, err := tp.sqs.DeleteMessage(c, &sqs.DeleteMessageInput{QueueUrl: aws.String(tp.queueURL), ReceiptHandle: m.ReceiptHandle}); err != nil {
				t.Fatalf("motoserver: delete a received notice: %v", err)
			}
		}
	}
}
