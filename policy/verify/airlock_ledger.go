package verify

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/internal/airlock/ledger"
	"github.com/sce-project/sce/policy/model/iameval"
	"github.com/sce-project/sce/policy/rules"
)

// assumedDynamoDB stands for an administrator's own policy outside the plan: it allows every DynamoDB
// action, so that what is judged is what the table's policy decides.
var assumedDynamoDB = iameval.MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}]}`)

// Sessions of the ledger flows: the researcher on the workstation, and a reviewer. The unique ids are
// made up; what matters is that each caller's aws:userid is its own.
const (
	researcherUserID = "AROAEXAMPLERESEARCH1:alice"
	reviewerUserID   = "AROAEXAMPLEREVIEWER1:hipaa-reviewer-bob"
)

// ledgerFlows are the airlock's flows through the ledger table (its resource-based policy and the
// callers' identity policies, with dynamodb:LeadingKeys the partition keys written or read) and through
// the project key for it.
func (m *model) ledgerFlows() []Flow {
	table, policy := m.ledgerTable()
	if table == "" {
		return nil
	}
	sv := &services{model: m, region: strings.Split(table, ":")[3]}
	for _, k := range m.s.OfType("aws:kms/key:Key") {
		if text, ok := rules.PolicyJSON(k, "policy"); ok {
			sv.keyPolicy, _ = iameval.Parse(text) // an unparsable key policy is reported by the service flows
		}
	}
	put := func(who string, identity []*iameval.Document, userID, key string) call {
		return m.tableCall(table, policy, who, identity, userID, "dynamodb:PutItem", key)
	}
	read := func(who string, identity []*iameval.Document, userID, action, key string) call {
		return m.tableCall(table, policy, who, identity, userID, action, key)
	}
	ownRequest := ledger.RequestObject(researcherUserID)
	someRecord := ledger.RecordObject(airlockRequestID)
	upload := m.bucketName("data-in") + "/incoming/cohort.csv"
	var out []Flow
	if id, ok := m.researcherRole(); ok && len(id.logins) > 0 {
		arn, docs := id.role, id.policies
		ws := sessionOf(arn, id.logins[0])
		out = append(out,
			sv.judge("the workstation's researcher records a request under their own key", Allowed, put(ws, docs, researcherUserID, ownRequest)),
			sv.judge("the workstation's researcher reads the airlock's index and a request's records", Allowed,
				read(ws, docs, researcherUserID, "dynamodb:Query", ledger.IndexObject), read(ws, docs, researcherUserID, "dynamodb:GetItem", someRecord)),
			sv.judge("the workstation's researcher records a request under another caller's key", Denied,
				put(ws, docs, researcherUserID, ledger.RequestObject("AROAEXAMPLERESEARCH1:carol"))),
			sv.judge("the workstation's researcher records a review (approves a request)", Denied,
				put(ws, docs, researcherUserID, ledger.ReviewObject(arn, researcherUserID))),
			sv.judge("the workstation's researcher writes the release function's record of a request", Denied, put(ws, docs, researcherUserID, someRecord)),
			sv.judge("the workstation's researcher reads an upload's ledger item", Denied, read(ws, docs, researcherUserID, "dynamodb:GetItem", upload)),
		)
		via := map[string][]string{"kms:ViaService": {"dynamodb." + sv.region + ".amazonaws.com"}, "kms:CallerAccount": {m.account},
			"kms:EncryptionContext:aws:dynamodb:tableName": {tableName(table)}, "aws:PrincipalArn": {arn}}
		out = append(out, sv.judge("the workstation's researcher uses the project key through DynamoDB for the ledger table", Allowed,
			call{principal: ws, action: "kms:Decrypt", resource: m.key, identity: docs, ctx: via, needsIdentity: true}))
	}
	if arn, docs, ok := m.role(releaseRoleSfx); ok {
		rel := sessionOf(arn, "hipaa-airlock-release")
		relID := "AROAEXAMPLERELEASE01:release"
		stream := call{principal: rel, action: "dynamodb:GetRecords", resource: table + "/stream/2026-01-01T00:00:00.000", identity: docs,
			ctx: map[string][]string{"aws:PrincipalArn": {arn}}, needsIdentity: true}
		out = append(out,
			sv.judge("the release function reads the ledger's stream (DescribeStream, GetShardIterator, GetRecords, ListStreams)", Allowed,
				stream, withAction(stream, "dynamodb:DescribeStream"), withAction(stream, "dynamodb:GetShardIterator"), withAction(stream, "dynamodb:ListStreams")),
			sv.judge("the release function records a request's decisions, release and history, and the index", Allowed,
				put(rel, docs, relID, someRecord), put(rel, docs, relID, ledger.IndexObject), read(rel, docs, relID, "dynamodb:GetItem", ownRequest)),
			sv.judge("the release function writes an upload's ledger item", Denied, put(rel, docs, relID, upload)),
		)
		for _, service := range []string{"dynamodb", "s3", "sns", "sqs"} {
			ctx := map[string][]string{"kms:ViaService": {service + "." + sv.region + ".amazonaws.com"}, "kms:CallerAccount": {m.account}, "aws:PrincipalArn": {arn}}
			out = append(out, sv.judge("the release function uses the project key through "+service, Allowed,
				call{principal: rel, action: "kms:Decrypt", resource: m.key, identity: docs, ctx: ctx, needsIdentity: true},
				call{principal: rel, action: "kms:GenerateDataKey", resource: m.key, identity: docs, ctx: ctx, needsIdentity: true}))
		}
	}
	people := reviewers(policy)
	for i, r := range people {
		person := r[strings.LastIndex(r, "/")+1:]
		who := sessionOf(r, person)
		reviewerUserID := fmt.Sprintf("AROAEXAMPLEREVIEWER%d:%s", i+1, person)
		other := ledger.ReviewObject(r, fmt.Sprintf("AROAEXAMPLEREVIEWER%d:someone-else", i+1))
		if len(people) > 1 {
			j := (i + 1) % len(people)
			other = ledger.ReviewObject(people[j], fmt.Sprintf("AROAEXAMPLEREVIEWER%d:%s", j+1, people[j][strings.LastIndex(people[j], "/")+1:]))
		}
		out = append(out,
			sv.judge("reviewer "+r+" records their own review", Allowed, put(who, nil, reviewerUserID, ledger.ReviewObject(r, reviewerUserID))),
			sv.judge("reviewer "+r+" reads the airlock's index, a request and its records", Allowed,
				read(who, nil, reviewerUserID, "dynamodb:Query", ledger.IndexObject), read(who, nil, reviewerUserID, "dynamodb:GetItem", ownRequest),
				read(who, nil, reviewerUserID, "dynamodb:Query", someRecord)),
			sv.judge("reviewer "+r+" records a review under another reviewer's key", Denied,
				put(who, []*iameval.Document{assumedDynamoDB}, reviewerUserID, other)),
			sv.judge("reviewer "+r+" writes the release function's record of a request", Denied,
				put(who, []*iameval.Document{assumedDynamoDB}, reviewerUserID, someRecord)),
			sv.judge("reviewer "+r+" reads an upload's ledger item", Denied, read(who, nil, reviewerUserID, "dynamodb:GetItem", upload)),
			sv.judge("reviewer "+r+" scans the ledger", Denied, call{principal: who, action: "dynamodb:Scan", resource: table, policy: policy, needsPolicy: true,
				ctx: map[string][]string{"aws:PrincipalArn": {r}, "aws:userid": {reviewerUserID}}}),
		)
		via := map[string][]string{"kms:ViaService": {"dynamodb." + sv.region + ".amazonaws.com"}, "kms:CallerAccount": {m.account}, "aws:PrincipalArn": {r}}
		out = append(out,
			sv.judge("reviewer "+r+" uses the project key through DynamoDB for the ledger table, with no permission of their own", Allowed,
				call{principal: who, action: "kms:Decrypt", resource: m.key, ctx: with(via, "kms:EncryptionContext:aws:dynamodb:tableName", tableName(table))}),
			sv.judge("reviewer "+r+" uses the project key through DynamoDB for another table", Denied,
				call{principal: who, action: "kms:Decrypt", resource: m.key, ctx: with(via, "kms:EncryptionContext:aws:dynamodb:tableName", "other-table")}),
			sv.judge("reviewer "+r+" decrypts with the project key directly", Denied,
				call{principal: who, action: "kms:Decrypt", resource: m.key, ctx: map[string][]string{"kms:CallerAccount": {m.account}, "aws:PrincipalArn": {r}}}),
		)
	}
	for _, admin := range m.administrators() {
		a := sessionOf(admin, "builder")
		adminID := "AROAEXAMPLEBUILDER01:builder"
		forged := ledger.ReviewObject("arn:aws:iam::"+m.account+":role/hipaa-reviewer-bob", reviewerUserID)
		if rs := reviewers(policy); len(rs) > 0 {
			forged = ledger.ReviewObject(rs[0], reviewerUserID)
		}
		out = append(out,
			sv.judge("administrator "+admin+" records a review under a reviewer's key", Denied, put(a, []*iameval.Document{assumedDynamoDB}, adminID, forged)),
			sv.judge("administrator "+admin+" writes the release function's record of a request", Denied, put(a, []*iameval.Document{assumedDynamoDB}, adminID, someRecord)),
			sv.judge("administrator "+admin+" records a request under a researcher's key", Denied, put(a, []*iameval.Document{assumedDynamoDB}, adminID, ownRequest)),
		)
	}
	return out
}

// tableCall is one request to the ledger table: its caller, with aws:userid and the partition key as
// the request carries them (dynamodb:LeadingKeys).
func (m *model) tableCall(table string, policy *iameval.Document, principal string, identity []*iameval.Document, userID, action, key string) call {
	role := principal
	if parts := strings.SplitN(principal, ":", 6); len(parts) == 6 && parts[2] == "sts" {
		name := strings.Split(strings.TrimPrefix(parts[5], "assumed-role/"), "/")[0]
		role = "arn:" + parts[1] + ":iam::" + parts[4] + ":role/" + name
	}
	return call{principal: principal, action: action, resource: table, identity: identity, policy: policy, needsPolicy: true,
		needsIdentity: identity != nil && len(identity) == 0,
		ctx:           map[string][]string{"aws:PrincipalArn": {role}, "aws:userid": {userID}, "dynamodb:LeadingKeys": {key}}}
}

func withAction(c call, action string) call {
	c.action = action
	return c
}

// tableName is the name in a table ARN.
func tableName(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

// bucketName is the name of a bucket of the stack by purpose.
func (m *model) bucketName(purpose string) string {
	arn := m.bucketARN[purpose]
	return arn[strings.LastIndex(arn, ":")+1:]
}
