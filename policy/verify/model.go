// Package verify proves the flows a stack needs and the flows that must stay impossible, from the plan
// alone: each flow is a request judged as AWS judges it, by policy/model/iameval over every policy that
// applies (the caller's identity policies, the resource's policy, the VPC endpoint's policy). It is a pure
// function over the policy engine's view of a stack, so `sce verify`, `sce plan` and the policy pack report
// the same findings.
//
// The catalogue is derived from the stack: a flow is listed when the resources it involves exist (the
// workers' flows only with workers, the COPY role's only with Redshift).
package verify

import (
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/iameval"
	"github.com/sce-project/sce/policy/rules"
)

// Expectation says whether a flow must be possible.
type Expectation string

// Expectations and results.
const (
	Allowed Expectation = "allowed"
	Denied  Expectation = "denied"
	// Unknown is a result only: a value the flow depends on is not known until deployment.
	Unknown Expectation = "unknown"
)

// Flow is one judged flow: the plan JSON's `flows` entries.
type Flow struct {
	// Flow names it: who, what, where ("workstation writes a multipart result into output").
	Flow string `json:"flow"`
	// Expected is what the design needs.
	Expected Expectation `json:"expected"`
	// Result is what the evaluation found.
	Result Expectation `json:"result"`
	// Why is the deciding statement, policy or missing allow.
	Why string `json:"why"`
}

// All returns every flow of the stack: the access flows, the network flows, and the flows through the
// project key and the AWS services' deliveries.
func All(s *engine.Stack) []Flow {
	m := newModel(s) // one model: the policies are parsed once for the access and the service flows
	return append(append(append(append(append(m.access(), m.platform()...), Network(s)...), m.services()...), m.scanFlows()...), m.airlockFlows()...)
}

// OK reports whether the result is what the design needs.
func (f Flow) OK() bool { return f.Expected == f.Result }

// Failures returns the flows whose result is not what the design needs, unknown results included.
func Failures(flows []Flow) []Flow {
	var out []Flow
	for _, f := range flows {
		if !f.OK() {
			out = append(out, f)
		}
	}
	return out
}

// Decided returns the failures whose result is known: what a preview may block on.
func Decided(failures []Flow) []Flow {
	var out []Flow
	for _, f := range failures {
		if f.Result != Unknown {
			out = append(out, f)
		}
	}
	return out
}

// model indexes what the access flows need from a stack.
type model struct {
	s        *engine.Stack
	pit      string
	account  string
	key      string
	endpoint string
	// buckets by purpose: ARN and policy.
	bucketARN    map[string]string
	bucketPolicy map[string]*iameval.Document
	endpointDoc  *iameval.Document
	problems     []string
}

// newModel indexes a stack: the project key and account, the PIT, the buckets by purpose with their
// policies, and the S3 endpoint with its policy.
func newModel(s *engine.Stack) *model {
	m := &model{s: s, bucketARN: map[string]string{}, bucketPolicy: map[string]*iameval.Document{}}
	for _, k := range s.OfType("aws:kms/key:Key") {
		m.key = str(k.Outputs["arn"])
		if parts := strings.Split(m.key, ":"); len(parts) > 4 {
			m.account = parts[4]
		}
	}
	// The PIT is the provider's default Project tag; the engine's view of a stack holds no provider
	// resources, only each resource's provider inputs.
	for _, r := range s.Resources {
		if m.pit = str(lookup(r.Provider, "defaultTags", "tags", "Project")); m.pit != "" {
			break
		}
	}
	for _, b := range s.OfType("aws:s3/bucketV2:BucketV2") {
		purpose := str(lookup(b.Props, "tags", "Purpose"))
		if purpose == "" {
			continue
		}
		m.bucketARN[purpose] = str(b.Outputs["arn"])
		name := str(b.Outputs["bucket"])
		for _, bp := range s.OfType("aws:s3/bucketPolicy:BucketPolicy") {
			if str(bp.Props["bucket"]) == name || str(bp.Props["bucket"]) == b.ID {
				m.bucketPolicy[purpose] = m.parse(bp, "policy")
			}
		}
	}
	for _, e := range s.OfType("aws:ec2/vpcEndpoint:VpcEndpoint") {
		if strings.HasSuffix(str(e.Props["serviceName"]), ".s3") {
			m.endpoint = e.ID
			m.endpointDoc = m.parse(e, "policy")
		}
	}
	return m
}

// bucketPolicyHas reports whether the policy of the bucket of that purpose has a statement with that Sid:
// how the flows tell which of the design's restrictions a stack carries.
func (m *model) bucketPolicyHas(purpose, sid string) bool {
	if doc := m.bucketPolicy[purpose]; doc != nil {
		for _, st := range doc.Statements {
			if st.Sid == sid {
				return true
			}
		}
	}
	return false
}

// parse reads a policy document held at a property of a resource; nil when it is absent or unknown,
// and a problem recorded when it does not parse.
func (m *model) parse(r *engine.Resource, prop string) *iameval.Document {
	text, ok := rules.PolicyJSON(r, prop)
	if !ok || text == "" {
		return nil
	}
	d, err := iameval.Parse(text)
	if err != nil {
		m.problems = append(m.problems, r.Name+": "+err.Error())
		return nil
	}
	return d
}

// role returns a role of the stack by the logical name's suffix ("-workstation-role"): its ARN and its
// customer-managed policies. AWS managed policies attached to it are not evaluated here: none of the
// project's S3 access rests on them (the service flows, which do use AWS_ConfigRole, add them).
func (m *model) role(suffix string) (string, []*iameval.Document, bool) {
	for _, r := range m.s.OfType("aws:iam/role:Role") {
		if strings.HasSuffix(r.Name, suffix) {
			docs, _ := m.attached(r)
			return str(r.Outputs["arn"]), docs, true
		}
	}
	return "", nil, false
}

// attached returns the policies attached to a role: the documents of the stack's own (customer-managed)
// policies, and the ARNs of the others (AWS managed policies, whose documents are not in the plan).
func (m *model) attached(role *engine.Resource) (own []*iameval.Document, other []string) {
	name := role.ID
	if n := str(role.Props["name"]); n != "" {
		name = n
	}
	for _, a := range m.s.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		if str(a.Props["role"]) != name {
			continue
		}
		policyARN := str(a.Props["policyArn"])
		found := false
		for _, p := range m.s.OfType("aws:iam/policy:Policy") {
			if str(p.Outputs["arn"]) == policyARN || p.ID == policyARN {
				found = true
				if d := m.parse(p, "policy"); d != nil {
					own = append(own, d)
				}
			}
		}
		if !found {
			other = append(other, policyARN)
		}
	}
	return own, other
}

// str returns v when it is a string, else "".
func str(v any) string {
	s, _ := v.(string)
	return s
}

// lookup follows a path of keys through nested maps; nil when one is missing.
func lookup(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}
