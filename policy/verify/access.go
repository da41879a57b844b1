package verify

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/iameval"
)

// caller is who makes a request and which of the stack's policies speak for it.
type caller struct {
	name     string
	arn      string
	identity []*iameval.Document
	// inVPC callers reach S3 through the gateway endpoint (the private subnet's prefix-list route).
	inVPC bool
	// stackRole is a role of the stack, whose identity policies must be in the plan.
	stackRole bool
	// session is the caller's role session ARN ("arn:aws:sts::...:assumed-role/ROLE/NAME"); empty: arn
	// itself. ctx holds the context keys its session carries (aws:SourceIdentity).
	session string
	ctx     map[string][]string
}

// assumedAllow stands for an identity policy outside the plan (an administrator's own role, a deployer's):
// it allows S3 and KMS, so that what is judged is what the stack's own policies decide.
var assumedAllow = iameval.MustParse(`{"Statement":[{"Effect":"Allow","Action":["s3:*","kms:*"],"Resource":"*"}]}`)

// s3Call is one S3 request of a flow.
type s3Call struct {
	action, resource string
	ctx              map[string][]string
}

// Access returns the access flows of the stack: the S3 requests the design needs, judged through every
// policy that applies, and those that must stay impossible.
func Access(s *engine.Stack) []Flow { return newModel(s).access() }

func (m *model) access() []Flow {
	var out []Flow
	for _, p := range m.problems {
		out = append(out, Flow{Flow: "the stack's policies can be evaluated", Expected: Allowed, Result: Denied, Why: p})
	}
	dataIn, output := m.bucketARN["data-in"], m.bucketARN["output"]
	if dataIn == "" || output == "" {
		return out
	}
	object := func(bucket, key string) string { return bucket + "/" + key }
	sse := map[string][]string{"s3:x-amz-server-side-encryption": {"aws:kms"}, "s3:x-amz-server-side-encryption-aws-kms-key-id": {m.key}}
	multipart := func(bucket, key string) []s3Call {
		o := object(bucket, key)
		return []s3Call{{"s3:PutObject", o, sse}, {"s3:PutObject", o, nil}, {"s3:PutObject", o, nil}}
	}

	if b, ok := m.caller("bastion", "-bastion-role", false); ok {
		out = append(out, m.flow(b, "reads a data-in object", Denied, "data-in", []s3Call{{"s3:GetObject", object(dataIn, "cohort/visits.csv"), nil}}))
	}
	if l, ok := m.caller("upload ledger", "-ledger-role", false); ok {
		original := object(dataIn, "Smith_John_visits.csv")
		q := object(dataIn, "quarantine/3f2a")
		out = append(out,
			m.flow(l, "reads the new object's version", Allowed, "data-in", []s3Call{{"s3:GetObjectVersion", original, nil}}),
			m.flow(l, "tells a missing version from a forbidden one (ListBucket)", Allowed, "data-in", []s3Call{{"s3:ListBucket", dataIn, nil}}),
			m.flow(l, "copies a look-alike PHI key into the quarantine (single and multipart)", Allowed, "data-in",
				append([]s3Call{{"s3:GetObjectVersion", original, nil}}, multipart(dataIn, "quarantine/3f2a")...)),
			m.flow(l, "purges the original version", Allowed, "data-in", []s3Call{{"s3:DeleteObjectVersion", original, nil}}),
			m.flow(l, "reads the quarantine", Denied, "data-in", []s3Call{{"s3:GetObject", q, nil}}),
		)
	}
	if w, ok := m.caller("worker", "-workers-role", true); ok {
		out = append(out,
			m.flow(w, "downloads a queued object's version", Allowed, "data-in", []s3Call{{"s3:GetObjectVersion", object(dataIn, "incoming/labs.csv"), nil}}),
			m.flow(w, "uploads its result in parts", Allowed, "output", multipart(output, "results/labs.out")),
		)
		// At boot each worker fetches its binary and the builder's pipeline, the URIs its user data names.
		if _, ws, ok := m.workers(); ok && m.bucketARN["ancillary"] != "" {
			var calls []s3Call
			for _, uri := range []string{ws.binary, ws.pipeline} {
				if uri != "" {
					calls = append(calls, s3Call{"s3:GetObject", "arn:aws:s3:::" + strings.TrimPrefix(uri, "s3://"), nil})
				}
			}
			out = append(out, m.flow(w, "fetches its binary and the builder's pipeline from the ancillary bucket at boot", Allowed, "ancillary", calls))
		}
	}
	if e, ok := m.caller("EMR's nodes", "-emr-node-role", true); ok {
		out = append(out,
			m.flow(e, "read a data-in object", Allowed, "data-in", []s3Call{{"s3:GetObject", object(dataIn, "cohort/visits.csv"), nil}}),
			m.flow(e, "write a result into output in parts", Allowed, "output", multipart(output, "results/spark/part-00000.parquet")),
			m.flow(e, "write into data-in", Denied, "data-in", []s3Call{{"s3:PutObject", object(dataIn, "cohort/forged.csv"), nil}}),
		)
		if logs := m.bucketARN["logs"]; logs != "" {
			out = append(out, m.flow(e, "write the cluster's logs under emr/ in the log bucket", Allowed, "logs", []s3Call{{"s3:PutObject", object(logs, "emr/j-0123456789ABC/node/i-0123/applications/spark/stderr.gz"), nil}}))
		}
	}
	if c, ok := m.caller("Redshift COPY role", "-omop-copy-role", true); ok {
		ctx := map[string][]string{"s3:prefix": {"omop/vocabulary/CONCEPT"}}
		out = append(out, m.flow(c, "locates the bucket, lists and reads the vocabulary prefix", Allowed, "data-in", []s3Call{
			{"s3:GetBucketLocation", dataIn, nil}, {"s3:ListBucket", dataIn, ctx}, {"s3:GetObject", object(dataIn, "omop/vocabulary/CONCEPT.csv"), nil}}))
	}
	anyone := caller{name: "an anonymous caller", arn: "anonymous"}
	out = append(out, m.flow(anyone, "reads a data-in object", Denied, "data-in", []s3Call{{"s3:GetObject", object(dataIn, "cohort/visits.csv"), nil}}))
	if m.endpointRestricted() {
		// Without the restriction (sce:restrictToVpcEndpoint: false, the builder's explicit choice) any role
		// of the account whose own policies allow it may read: then there is no such flow to forbid.
		stranger := caller{name: "another role of the account, outside the VPC", arn: fmt.Sprintf("arn:aws:iam::%s:role/not-an-administrator", m.account),
			identity: []*iameval.Document{assumedAllow}}
		out = append(out, m.flow(stranger, "reads a data-in object", Denied, "data-in", []s3Call{{"s3:GetObject", object(dataIn, "cohort/visits.csv"), nil}}))
	}
	if logs := m.bucketARN["access-logs"]; logs != "" {
		// S3 server access logs name every object key of the logged buckets: administrators only.
		record := object(logs, "2026-01-02-00-00-00-0123456789ABCDEF")
		if ws, ok := m.caller("workstation", "-workstation-role", true); ok {
			ws.identity = append(ws.identity, assumedAllow) // even were its own policies to allow it
			out = append(out, m.flow(ws, "reads an S3 server access log record, even with a role that allowed it", Denied, "access-logs", []s3Call{{"s3:GetObject", record, nil}}))
		}
		stranger := caller{name: "another role of the account", arn: fmt.Sprintf("arn:aws:iam::%s:role/not-an-administrator", m.account),
			identity: []*iameval.Document{assumedAllow}}
		out = append(out, m.flow(stranger, "reads an S3 server access log record", Denied, "access-logs", []s3Call{{"s3:GetObject", record, nil}}))
		for _, admin := range m.administrators() {
			a := caller{name: "administrator " + admin, arn: admin, identity: []*iameval.Document{assumedAllow}}
			out = append(out, m.flow(a, "reads an S3 server access log record", Allowed, "access-logs", []s3Call{{"s3:GetObject", record, nil}}))
		}
	}
	for _, admin := range m.administrators() {
		a := caller{name: "administrator " + admin, arn: admin, identity: []*iameval.Document{assumedAllow}}
		out = append(out,
			m.flow(a, "uploads a large file into data-in from outside the VPC", Allowed, "data-in", multipart(dataIn, "incoming/cohort.csv")),
			m.flow(a, "takes a released result out of output from outside the VPC", Allowed, "output", []s3Call{{"s3:GetObject", object(output, releasedKey), nil}}),
		)
	}
	return out
}

// endpointRestricted reports whether data-in's policy restricts object access to the VPC endpoint.
func (m *model) endpointRestricted() bool {
	return m.bucketPolicyHas("data-in", "DenyObjectAccessOutsideTheVPCEndpoint")
}

// caller finds one of the stack's roles.
func (m *model) caller(name, suffix string, inVPC bool) (caller, bool) {
	arn, docs, ok := m.role(suffix)
	if !ok {
		return caller{}, false
	}
	return caller{name: name, arn: arn, identity: docs, inVPC: inVPC, stackRole: true}, true
}

// administrators are the roles of the stack's account that data-in's object-access endpoint restriction
// excepts (sce:adminRoleArns), without the project's service roles (isServiceRole) and without wildcards. Uploaders are excepted by
// another statement, for uploads only, and a role of another account is granted nothing by the bucket
// policy (the advisory rule s3-phi-data-path-outside-vpc says so).
func (m *model) administrators() []string {
	doc := m.bucketPolicy["data-in"]
	if doc == nil {
		return nil
	}
	seen := map[string]bool{}
	for _, st := range doc.Statements {
		if st.Effect != "Deny" || st.Sid != "DenyObjectAccessOutsideTheVPCEndpoint" {
			continue
		}
		for _, v := range st.Conditions["ArnNotLike"]["aws:PrincipalArn"] {
			if !strings.ContainsAny(v, "*?") && !isServiceRole(v) && strings.Contains(v, ":"+m.account+":") {
				seen[v] = true
			}
		}
	}
	var out []string
	for v := range seen {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// flow judges every call of a flow (decide); the flow is allowed only if each call is. A flow whose
// policies are not known yet is "unknown" (notYetKnown).
func (m *model) flow(c caller, what string, expected Expectation, bucket string, calls []s3Call) Flow {
	if m.bucketPolicy[bucket] == nil || (c.inVPC && m.endpointDoc == nil) || (c.stackRole && len(c.identity) == 0) || c.arn == "" {
		return notYetKnown(c.name+" "+what, expected)
	}
	reqs := make([]request, 0, len(calls))
	for _, call := range calls {
		ctx := map[string][]string{"aws:SecureTransport": {"true"}, "aws:PrincipalArn": {c.arn}}
		for k, v := range c.ctx {
			ctx[k] = v
		}
		if c.inVPC && m.endpoint != "" {
			ctx["aws:SourceVpce"] = []string{m.endpoint}
			ctx["aws:ResourceAccount"] = []string{m.account}
		}
		m.scanState(call, ctx)
		for k, v := range call.ctx {
			ctx[k] = v
			if v == nil { // a nil value takes the key out: the request does not carry it
				delete(ctx, k)
			}
		}
		p := iameval.Policies{Identity: c.identity, Resource: m.bucketPolicy[bucket], ResourceAccount: m.account}
		if c.inVPC {
			p.Endpoint = m.endpointDoc
		}
		principal := c.arn
		if c.session != "" {
			principal = c.session
		}
		reqs = append(reqs, request{
			req:      iameval.Request{Principal: principal, Action: call.action, Resource: call.resource, Context: ctx},
			policies: p,
			denied:   fmt.Sprintf("%s %s", call.action, short(call.resource)),
		})
	}
	return decide(c.name+" "+what, expected, reqs, "the identity, bucket and endpoint policies")
}

// short drops an ARN's "arn:aws:s3:::" prefix for messages.
func short(arn string) string {
	if i := strings.Index(arn, ":::"); i >= 0 {
		return arn[i+3:]
	}
	return arn
}
