package verify

import (
	"encoding/json"
	"fmt"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/iameval"
)

// ledger: the upload ledger function's calls beyond S3 (its S3 calls are access flows), derived from the
// function's environment and dead-letter target (lambda/ledger/handler documents each call):
//
//   - S3 invokes it for each object created in data-in, as its resource policy (the stack's
//     aws:lambda/permission resources) allows, and another account's bucket may not (Lambda Developer
//     Guide, "Using resource-based policies in Lambda": AddPermission with SourceArn and SourceAccount);
//   - Lambda assumes its role;
//   - PutItem and UpdateItem on the ledger table, and DynamoDB using the table's key for it
//     (kms:ViaService dynamodb, the encryption context aws:dynamodb:tableName);
//   - SendMessage to the queue and, for a failed event, to the dead-letter queue, through each queue's
//     policy, with SQS generating and decrypting the data key (Amazon SQS Developer Guide, "Key
//     management": a producer needs kms:GenerateDataKey and kms:Decrypt);
//   - Publish to the topic through its policy, SNS using the key the same way;
//   - its log streams in its log group;
//
// and, forbidden, deleting a ledger item (the ledger is evidence) and sending without TLS.
func (sv *services) ledger() []Flow {
	fn := sv.byOutput("aws:lambda/function:Function", "name", sv.pit+"-upload-ledger")
	if fn == nil {
		return nil
	}
	role, trust, ok := sv.roleByARN(str(fn.Props["role"]))
	if !ok {
		return []Flow{broken("the upload ledger runs as its role", str(fn.Props["role"]), fmt.Sprintf("the function's role %q is not one of the stack's", str(fn.Props["role"])))}
	}
	env := func(k string) string { return str(lookup(fn.Props, "environment", "variables", k)) }
	out := []Flow{sv.judge("Lambda assumes the upload ledger's role", Allowed, assume("lambda.amazonaws.com", role.arn, trust, sv.account, arnOf(fn)))}
	out = append(out, sv.invocations(fn)...)

	if t := sv.byOutput("aws:dynamodb/table:Table", "name", env("LEDGER_TABLE")); t != nil {
		calls := []call{role.as("dynamodb:PutItem", arnOf(t), nil, nil, sv.account), role.as("dynamodb:UpdateItem", arnOf(t), nil, nil, sv.account)}
		calls = append(calls, sv.keyThrough(role, "dynamodb", str(lookup(t.Props, "serverSideEncryption", "kmsKeyArn")), "aws:dynamodb:tableName", str(t.Props["name"]), "kms:Decrypt", "kms:GenerateDataKey")...)
		out = append(out,
			sv.judge("the upload ledger records an upload in the ledger table (dynamodb:PutItem, UpdateItem; the project key through DynamoDB)", Allowed, calls...),
			sv.judge("the upload ledger deletes a ledger item (dynamodb:DeleteItem)", Denied, role.as("dynamodb:DeleteItem", arnOf(t), nil, nil, sv.account)),
		)
	} else {
		out = append(out, broken("the upload ledger records an upload in the ledger table", env("LEDGER_TABLE"), fmt.Sprintf("LEDGER_TABLE %q names no table of the stack", env("LEDGER_TABLE"))))
	}
	for _, q := range []struct{ what, url, arn string }{
		{"queues a clean upload on", env("QUEUE_URL"), ""},
		{"hands a failed event to the dead-letter queue", "", str(lookup(fn.Props, "deadLetterConfig", "targetArn"))},
	} {
		queue := sv.byOutput("aws:sqs/queue:Queue", "url", q.url)
		if q.arn != "" {
			queue = sv.byOutput("aws:sqs/queue:Queue", "arn", q.arn)
		}
		if queue == nil {
			out = append(out, broken("the upload ledger "+q.what, q.url+q.arn, fmt.Sprintf("the function names a queue the stack does not hold (%q)", q.url+q.arn)))
			continue
		}
		policy, exists := sv.queuePolicy(queue)
		send := on(role.as("sqs:SendMessage", arnOf(queue), nil, nil, sv.account), policy, exists)
		calls := append([]call{send}, sv.keyThrough(role, "sqs", str(queue.Props["kmsMasterKeyId"]), "aws:sqs:arn", arnOf(queue), "kms:GenerateDataKey", "kms:Decrypt")...)
		out = append(out, sv.judge(fmt.Sprintf("the upload ledger %s %s (sqs:SendMessage; the project key through SQS)", q.what, str(queue.Props["name"])), Allowed, calls...))
		if q.url != "" {
			plain := send
			plain.ctx = with(send.ctx, "aws:SecureTransport", "false")
			out = append(out, sv.judge("the upload ledger sends to "+str(queue.Props["name"])+" without TLS", Denied, plain))
		}
	}
	if topic := sv.byOutput("aws:sns/topic:Topic", "arn", env("TOPIC_ARN")); topic != nil {
		policy, exists := sv.topicPolicy(topic)
		publish := on(role.as("sns:Publish", arnOf(topic), nil, nil, sv.account), policy, exists)
		calls := append([]call{publish}, sv.keyThrough(role, "sns", str(topic.Props["kmsMasterKeyId"]), "aws:sns:topicArn", arnOf(topic), "kms:GenerateDataKey", "kms:Decrypt")...)
		out = append(out, sv.judge("the upload ledger notifies the topic "+str(topic.Props["name"])+" (sns:Publish; the project key through SNS)", Allowed, calls...))
	} else {
		out = append(out, broken("the upload ledger notifies the topic", env("TOPIC_ARN"), fmt.Sprintf("TOPIC_ARN %q names no topic of the stack", env("TOPIC_ARN"))))
	}
	if group := str(lookup(fn.Props, "loggingConfig", "logGroup")); group != "" {
		stream := fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:log-stream:2026/01/02/[$LATEST]0123456789abcdef", sv.region, sv.account, group)
		out = append(out, sv.judge("the upload ledger writes its log streams in "+group+" (logs:CreateLogStream, PutLogEvents)", Allowed,
			role.as("logs:CreateLogStream", stream, nil, nil, sv.account), role.as("logs:PutLogEvents", stream, nil, nil, sv.account)))
	}
	return out
}

// keyThrough returns the kms: calls a service makes with the project key for the caller's request on one
// of its resources, or none when the resource uses another key (whose policy is not in the plan).
func (sv *services) keyThrough(p principal, service, key, contextKey, contextValue string, actions ...string) []call {
	if key != sv.key {
		return nil
	}
	var calls []call
	for _, a := range actions {
		calls = append(calls, p.as(a, key, viaService(service, sv.region, contextKey, contextValue), nil, sv.account))
	}
	return calls
}

// invocations: S3 invokes the function for each bucket whose event notification names it, as the
// function's policy must allow, and not for another account's bucket.
func (sv *services) invocations(fn *engine.Resource) []Flow {
	var out []Flow
	policy := sv.functionPolicy(fn)
	for _, n := range sv.s.OfType("aws:s3/bucketNotification:BucketNotification") {
		targets, _ := n.Props["lambdaFunctions"].([]any)
		for _, target := range targets {
			if str(lookup(target, "lambdaFunctionArn")) != arnOf(fn) {
				continue
			}
			source := "arn:aws:s3:::" + str(n.Props["bucket"])
			ctx := map[string][]string{"aws:SourceArn": {source}, "aws:SourceAccount": {sv.account}}
			invoke := call{principal: "s3.amazonaws.com", action: "lambda:InvokeFunction", resource: arnOf(fn), ctx: ctx, policy: policy, needsPolicy: true}
			other := invoke
			other.ctx = map[string][]string{"aws:SourceArn": {"arn:aws:s3:::" + sv.pit + "-lookalike-of-another-account"}, "aws:SourceAccount": {otherAccount}}
			out = append(out,
				sv.judge("S3 invokes the upload ledger for each object created in "+short(source)+" (lambda:InvokeFunction, as the function's policy allows)", Allowed, invoke),
				sv.judge("S3 invokes the upload ledger for another account's bucket", Denied, other),
			)
		}
	}
	return out
}

// functionPolicy builds the function's resource-based policy from the stack's Lambda permissions, as
// AddPermission writes it (SourceArn as ArnLike aws:SourceArn, SourceAccount as StringEquals
// aws:SourceAccount).
func (sv *services) functionPolicy(fn *engine.Resource) *iameval.Document {
	type statement struct {
		Sid       string
		Effect    string
		Principal map[string]string
		Action    string
		Resource  string
		Condition map[string]map[string]string `json:",omitempty"`
	}
	var sts []statement
	for _, p := range sv.s.OfType("aws:lambda/permission:Permission") {
		for _, k := range []string{"function", "principal", "action", "sourceArn", "sourceAccount"} {
			if engine.IsUnknown(p.Props[k]) {
				return nil // a preview: judged once the permissions are known
			}
		}
		if f := str(p.Props["function"]); f != str(fn.Props["name"]) && f != arnOf(fn) {
			continue
		}
		who := str(p.Props["principal"])
		st := statement{Sid: p.Name, Effect: "Allow", Principal: map[string]string{"Service": who}, Action: str(p.Props["action"]), Resource: arnOf(fn),
			Condition: map[string]map[string]string{}}
		if !isService(who) {
			st.Principal = map[string]string{"AWS": who}
		}
		if v := str(p.Props["sourceArn"]); v != "" {
			st.Condition["ArnLike"] = map[string]string{"aws:SourceArn": v}
		}
		if v := str(p.Props["sourceAccount"]); v != "" {
			st.Condition["StringEquals"] = map[string]string{"aws:SourceAccount": v}
		}
		if len(st.Condition) == 0 {
			st.Condition = nil
		}
		sts = append(sts, st)
	}
	if len(sts) == 0 {
		// No permission: the function's policy is empty, and no service may invoke it.
		return &iameval.Document{Version: "2012-10-17"}
	}
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": sts})
	if err != nil {
		return nil
	}
	d, err := iameval.Parse(string(b))
	if err != nil {
		return nil // a permission of an unknown value: the flow is unknown
	}
	return d
}

func isService(p string) bool {
	return len(p) > len(".amazonaws.com") && p[len(p)-len(".amazonaws.com"):] == ".amazonaws.com"
}

// queuePolicy and topicPolicy return the policy of a queue or topic of the stack as the calls on it need
// it: a policy resource whose document is not known yet makes the call unknown; without one, the
// resource has no policy and the caller's identity policies decide.
func (sv *services) queuePolicy(q *engine.Resource) (*iameval.Document, bool) {
	for _, p := range sv.s.OfType("aws:sqs/queuePolicy:QueuePolicy") {
		if u := str(p.Props["queueUrl"]); u != "" && (u == str(q.Outputs["url"]) || u == q.ID) {
			return sv.parse(p, "policy"), true
		}
	}
	return nil, false
}

func (sv *services) topicPolicy(t *engine.Resource) (*iameval.Document, bool) {
	for _, p := range sv.s.OfType("aws:sns/topicPolicy:TopicPolicy") {
		if a := str(p.Props["arn"]); a != "" && (a == arnOf(t) || a == t.ID) {
			return sv.parse(p, "policy"), true
		}
	}
	return nil, false
}

// on returns the call made on a resource with that policy.
func on(c call, policy *iameval.Document, exists bool) call {
	c.policy, c.needsPolicy = policy, exists
	return c
}
