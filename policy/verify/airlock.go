package verify

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/model/iameval"
)

// The airlock's flows (docs/airlock.md; components/bucketpolicy_airlock.go, components/airlock*.go):
// results leave the SCE only through released/ in the output bucket; only the release function writes
// there; nothing else in the bucket can be read from outside the project's S3 endpoint; and in the
// ledger table each request and review can be written only under its writer's own key, the release
// function's records by the release function only. Listed when the stack has the release function.

// A request as the flows use it: its id, and the object keys of one of its files.
const (
	airlockRequestID = "20261103T142501Z-9f86d081"
	outboxKey        = "outbox/" + airlockRequestID + "/table1.csv"
	releasedKey      = "released/" + airlockRequestID + "/table1.csv"
	releaseRecordKey = "released/" + airlockRequestID + "/release-record.json"
	releaseRoleSfx   = "-airlock-role"
)

// airlockStack reports whether the stack has the airlock: the release function's role and the output
// bucket's statement that keeps released/ for it.
func (m *model) airlockStack() bool {
	return m.bucketPolicyHas("output", "OnlyTheReleaseFunctionWritesReleased")
}

// airlockFlows are the airlock's flows through the output bucket, the ledger table and the key.
func (m *model) airlockFlows() []Flow {
	output := m.bucketARN["output"]
	if output == "" || !m.airlockStack() {
		return nil
	}
	obj := func(key string) string { return output + "/" + key }
	sse := map[string][]string{"s3:x-amz-server-side-encryption": {"aws:kms"}, "s3:x-amz-server-side-encryption-aws-kms-key-id": {m.key}}
	put := func(key string) []s3Call {
		return []s3Call{{"s3:PutObject", obj(key), sse}, {"s3:PutObject", obj(key), nil}}
	}
	var out []Flow
	if rel, ok := m.caller("airlock release function", releaseRoleSfx, false); ok {
		out = append(out,
			m.flow(rel, "reads an outbox object's version from outside the VPC, to hash it", Allowed, "output",
				[]s3Call{{"s3:GetObject", obj(outboxKey), nil}, {"s3:GetObjectVersion", obj(outboxKey), nil}}),
			m.flow(rel, "copies an approved version into released/ and writes the release record (CopyObject: GetObjectVersion of the source, PutObject of the copy)", Allowed, "output",
				append(append([]s3Call{{"s3:GetObjectVersion", obj(outboxKey), nil}}, put(releasedKey)...), put(releaseRecordKey)...)),
			m.flow(rel, "writes into the outbox", Denied, "output", put(outboxKey)),
			m.flow(rel, "reads a data-in object", Denied, "data-in", []s3Call{{"s3:GetObject", m.bucketARN["data-in"] + "/incoming/cohort.csv", nil}}),
		)
	}
	// The requester is a researcher's session of the researcher role: the instance role reads and writes
	// no PHI object (docs/attribution.md).
	if ws, ok := m.firstResearcher(); ok {
		outside := ws
		outside.name, outside.inVPC = ws.name+" used outside the VPC", false
		multipart := func(key string) []s3Call {
			return []s3Call{{"s3:PutObject", obj(key), sse}, {"s3:PutObject", obj(key), nil}, {"s3:PutObject", obj(key), nil}}
		}
		out = append(out,
			m.flow(ws, "writes a request's file into the outbox (single PUT and in parts)", Allowed, "output", append(put(outboxKey), multipart(outboxKey)...)),
			m.flow(ws, "reads the outbox and released/ through the endpoint (verifying its upload, fetching a request to review, comparing with released files)", Allowed, "output",
				[]s3Call{{"s3:GetObject", obj(outboxKey), nil}, {"s3:GetObject", obj(releasedKey), nil}}),
			m.flow(ws, "writes into released/ (single PUT)", Denied, "output", []s3Call{{"s3:PutObject", obj(releasedKey), nil}}),
			m.flow(ws, "writes into released/ in parts", Denied, "output", multipart(releasedKey)),
			m.flow(ws, "forges a release record", Denied, "output", []s3Call{{"s3:PutObject", obj(releaseRecordKey), sse}}),
			m.flow(outside, "reads the outbox", Denied, "output", []s3Call{{"s3:GetObject", obj(outboxKey), nil}}),
			m.flow(outside, "reads a result outside the outbox and released/", Denied, "output", []s3Call{{"s3:GetObjectVersion", obj("results/table1.csv"), nil}}),
		)
	}
	if w, ok := m.caller("worker", "-workers-role", true); ok {
		out = append(out, m.flow(w, "writes into released/", Denied, "output", []s3Call{{"s3:PutObject", obj(releasedKey), nil}}))
	}
	for _, admin := range m.administrators() {
		a := caller{name: "administrator " + admin, arn: admin, identity: []*iameval.Document{assumedAllow}}
		out = append(out,
			m.flow(a, "reads the outbox from outside the VPC", Denied, "output", []s3Call{{"s3:GetObject", obj(outboxKey), nil}}),
			m.flow(a, "reads a result outside released/ from outside the VPC", Denied, "output", []s3Call{{"s3:GetObject", obj("results/table1.csv"), nil}}),
			m.flow(a, "writes into released/", Denied, "output", put(releasedKey)),
			m.flow(a, "deletes a released version", Denied, "output", []s3Call{{"s3:DeleteObjectVersion", obj(releasedKey), nil}}),
		)
	}
	anyone := caller{name: "an anonymous caller", arn: "anonymous"}
	out = append(out, m.flow(anyone, "reads a released result", Denied, "output", []s3Call{{"s3:GetObject", obj(releasedKey), nil}}))
	if m.outputRestricted() {
		stranger := caller{name: "another role of the account, outside the VPC", arn: fmt.Sprintf("arn:aws:iam::%s:role/not-an-administrator", m.account),
			identity: []*iameval.Document{assumedAllow}}
		out = append(out, m.flow(stranger, "reads a released result", Denied, "output", []s3Call{{"s3:GetObject", obj(releasedKey), nil}}))
	}
	return append(out, m.ledgerFlows()...)
}

// outputRestricted reports whether the output bucket's policy restricts object access to the endpoint.
func (m *model) outputRestricted() bool {
	return m.bucketPolicyHas("output", "DenyObjectAccessOutsideTheVPCEndpoint")
}

// ledgerTable returns the upload ledger table's ARN and its resource-based policy.
func (m *model) ledgerTable() (string, *iameval.Document) {
	arn := ""
	for _, t := range m.s.OfType("aws:dynamodb/table:Table") {
		if strings.HasSuffix(t.Name, "-ledger-table") {
			arn = str(t.Outputs["arn"])
		}
	}
	for _, p := range m.s.OfType("aws:dynamodb/resourcePolicy:ResourcePolicy") {
		if arn != "" && str(p.Props["resourceArn"]) == arn {
			return arn, m.parse(p, "policy")
		}
	}
	return arn, nil
}

// reviewers are the roles the ledger table's policy lets record reviews.
func reviewers(doc *iameval.Document) []string {
	if doc == nil {
		return nil
	}
	for _, st := range doc.Statements {
		if st.Sid == "ReviewersRecordTheirOwnReviews" && st.Principal != nil {
			return st.Principal.AWS
		}
	}
	return nil
}

// sessionOf is the STS ARN of a session of a role, for the caller of a flow.
func sessionOf(roleARN, session string) string {
	parts := strings.SplitN(roleARN, ":", 6)
	if len(parts) != 6 {
		return roleARN
	}
	name := parts[5][strings.LastIndex(parts[5], "/")+1:]
	return fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", parts[1], parts[4], name, session)
}
