package verify

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sce-project/sce/internal/iameval"
	"github.com/sce-project/sce/policy/rules"
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
func Access(s *rules.Stack) []Flow { return newModel(s).access() }

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

	if ws, ok := m.caller("workstation", "-workstation-role", true); ok {
		out = append(out,
			m.flow(ws, "reads a data-in object", Allowed, "data-in", []s3Call{{"s3:GetObject", object(dataIn, "cohort/visits.csv"), nil}}),
			m.flow(ws, "writes a result into output with a single PUT relying on the bucket's encryption", Allowed, "output",
				[]s3Call{{"s3:PutObject", object(output, "results/table1.csv"), nil}}),
			m.flow(ws, "writes a result into output in parts (CreateMultipartUpload with the SSE headers, UploadPart and CompleteMultipartUpload without)", Allowed, "output",
				multipart(output, "results/model.parquet")),
			m.flow(ws, "writes into data-in", Denied, "data-in", []s3Call{{"s3:PutObject", object(dataIn, "cohort/forged.csv"), nil}}),
			m.flow(ws, "reads the quarantine", Denied, "data-in", []s3Call{{"s3:GetObject", object(dataIn, "quarantine/3f2a"), nil}}),
			m.flow(ws, "reads data-in without TLS", Denied, "data-in", []s3Call{{"s3:GetObject", object(dataIn, "cohort/visits.csv"),
				map[string][]string{"aws:SecureTransport": {"false"}}}}),
			m.flow(ws, "writes into output asking for SSE-S3", Denied, "output", []s3Call{{"s3:PutObject", object(output, "results/t.csv"),
				map[string][]string{"s3:x-amz-server-side-encryption": {"AES256"}}}}),
			m.flow(ws, "writes into output asking for another KMS key", Denied, "output", []s3Call{{"s3:PutObject", object(output, "results/t.csv"),
				map[string][]string{"s3:x-amz-server-side-encryption": {"aws:kms"},
					"s3:x-amz-server-side-encryption-aws-kms-key-id": {"arn:aws:kms:us-east-1:" + m.account + ":key/ffffffff-ffff-ffff-ffff-ffffffffffff"}}}}),
		)
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
	if doc := m.bucketPolicy["data-in"]; doc != nil {
		for _, st := range doc.Statements {
			if st.Sid == "DenyObjectAccessOutsideTheVPCEndpoint" {
				return true
			}
		}
	}
	return false
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

// flow judges every call of a flow; the flow is allowed only if each call is. A flow whose policies are not
// known yet (a first preview, where documents built from other resources' outputs are unknown) is
// "unknown", never a verdict.
func (m *model) flow(c caller, what string, expected Expectation, bucket string, calls []s3Call) Flow {
	f := Flow{Flow: c.name + " " + what, Expected: expected, Result: Allowed}
	if m.bucketPolicy[bucket] == nil || (c.inVPC && m.endpointDoc == nil) || (c.stackRole && len(c.identity) == 0) || c.arn == "" {
		f.Result, f.Why = Unknown, "a policy or ARN it depends on is unknown until deployment"
		return f
	}
	var why []string
	for _, call := range calls {
		ctx := map[string][]string{"aws:SecureTransport": {"true"}, "aws:PrincipalArn": {c.arn}}
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
		d, err := iameval.Authorize(iameval.Request{Principal: c.arn, Action: call.action, Resource: call.resource, Context: ctx}, p)
		switch {
		case err != nil:
			f.Result, why = Denied, append(why, fmt.Sprintf("%s cannot be evaluated: %v", call.action, err))
		case !d.Allowed:
			f.Result = Denied
			why = append(why, fmt.Sprintf("%s %s: %s", call.action, short(call.resource), d.Reason))
		}
	}
	if f.Result == Allowed {
		f.Why = fmt.Sprintf("every request (%d) is allowed by the identity, bucket and endpoint policies", len(calls))
	} else {
		f.Why = strings.Join(why, "; ")
	}
	return f
}

// short drops an ARN's "arn:aws:s3:::" prefix for messages.
func short(arn string) string {
	if i := strings.Index(arn, ":::"); i >= 0 {
		return arn[i+3:]
	}
	return arn
}
