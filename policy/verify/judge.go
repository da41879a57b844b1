package verify

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/iameval"
)

// call is one request of a service flow: who makes it, with which identity policies (none for a service
// principal or an anonymous caller), and the resource policy that applies to it (a bucket, queue, topic or
// function policy, or a role's trust policy for sts:AssumeRole); a kms: action is judged against the
// project key's policy.
type call struct {
	principal, action, resource string
	ctx                         map[string][]string
	identity                    []*iameval.Document
	policy                      *iameval.Document
	// needsPolicy and needsIdentity mark the policies the call depends on: when they are not known (a
	// first preview) the flow is unknown.
	needsPolicy, needsIdentity bool
}

// principal is a role of the stack as a caller: its ARN and its identity policies.
type principal struct {
	arn  string
	docs []*iameval.Document
}

// as returns a call the role makes over TLS, with the keys AWS sets for a role session (aws:PrincipalArn;
// kms:CallerAccount for a kms: action) and the request's own keys from ctx. policy is the resource's
// policy, nil where the resource has none (a DynamoDB table, an Auto Scaling group, a log group).
func (p principal) as(action, resource string, ctx map[string][]string, policy *iameval.Document, account string) call {
	c := call{principal: p.arn, action: action, resource: resource, identity: p.docs, needsIdentity: true, policy: policy,
		ctx: with(with(ctx, "aws:SecureTransport", "true"), "aws:PrincipalArn", p.arn)}
	if strings.HasPrefix(action, "kms:") {
		c.ctx = with(c.ctx, "kms:CallerAccount", account)
	}
	return c
}

// assume is sts:AssumeRole of a role by an AWS service, judged against the role's trust policy: the
// service sends aws:SourceAccount (and aws:SourceArn where it documents one) to let the trust policy refuse
// a confused deputy (IAM User Guide, "The confused deputy problem",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
func assume(service, roleARN string, trust *iameval.Document, account, sourceARN string) call {
	ctx := map[string][]string{"aws:SourceAccount": {account}, "aws:SecureTransport": {"true"}}
	if sourceARN != "" {
		ctx["aws:SourceArn"] = []string{sourceARN}
	}
	return call{principal: service, action: "sts:AssumeRole", resource: roleARN, ctx: ctx, policy: trust, needsPolicy: true}
}

// viaService is the context of a kms: request a service makes for its caller: kms:ViaService and the
// encryption context the service sends ("kms:EncryptionContext:<key>" = value), if any.
func viaService(service, region string, context ...string) map[string][]string {
	ctx := map[string][]string{"kms:ViaService": {service + "." + region + ".amazonaws.com"}}
	for i := 0; i+1 < len(context); i += 2 {
		ctx["kms:EncryptionContext:"+context[i]] = []string{context[i+1]}
		ctx["kms:EncryptionContextKeys"] = append(ctx["kms:EncryptionContextKeys"], context[i])
	}
	return ctx
}

// roleByARN returns the stack's role with that ARN as a caller: its customer-managed policies and the AWS
// managed policies iameval ships (the others are left out), and its trust policy.
func (m *model) roleByARN(arn string) (principal, *iameval.Document, bool) {
	if arn == "" {
		return principal{}, nil, false
	}
	for _, r := range m.s.OfType("aws:iam/role:Role") {
		if str(r.Outputs["arn"]) != arn {
			continue
		}
		docs, others := m.attached(r)
		for _, policyARN := range others {
			if d, _, ok := iameval.ManagedPolicy(policyARN); ok {
				docs = append(docs, d)
			}
		}
		return principal{arn: arn, docs: docs}, m.parse(r, "assumeRolePolicy"), true
	}
	return principal{}, nil, false
}

// byOutput returns the stack's resource of that type whose output (or input, or id) key holds value.
func (m *model) byOutput(typ, key, value string) *engine.Resource {
	if value == "" {
		return nil
	}
	for _, r := range m.s.OfType(typ) {
		if str(r.Outputs[key]) == value || str(r.Props[key]) == value || r.ID == value {
			return r
		}
	}
	return nil
}

// arnOf returns a resource's ARN from its outputs.
func arnOf(r *engine.Resource) string {
	if r == nil {
		return ""
	}
	return str(r.Outputs["arn"])
}

// judge decides every call of a flow; the flow is allowed only if each call is.
func (sv *services) judge(what string, expected Expectation, calls ...call) Flow {
	reqs := make([]request, 0, len(calls))
	for _, c := range calls {
		kms := strings.HasPrefix(c.action, "kms:")
		if (kms && sv.keyPolicy == nil) || (c.needsPolicy && c.policy == nil) || (c.needsIdentity && len(c.identity) == 0) || c.resource == "" {
			return notYetKnown(what, expected)
		}
		p := iameval.Policies{Identity: c.identity, Resource: c.policy, ResourceAccount: sv.account}
		if kms {
			p.Resource, p.KeyPolicy = nil, sv.keyPolicy
		}
		who := c.principal
		if who == "" {
			who = "anonymous"
		}
		reqs = append(reqs, request{
			req:      iameval.Request{Principal: c.principal, Action: c.action, Resource: c.resource, Context: c.ctx},
			policies: p,
			denied:   fmt.Sprintf("%s by %s on %s", c.action, who, short(c.resource)),
		})
	}
	return decide(what, expected, reqs, "the policies that apply (identity, resource, key)")
}

// request is one request of a flow as iameval judges it: the request, the policies that apply to it, and
// the words that name it when it is denied ("s3:GetObject data-in/x").
type request struct {
	req      iameval.Request
	policies iameval.Policies
	denied   string
}

// decide judges the requests of a flow, as every access and service flow is judged: the flow is allowed
// only if each request is; otherwise its reason lists each request denied (or that cannot be evaluated)
// with the deciding statement. allowedBy names the policies that allowed them all.
func decide(what string, expected Expectation, reqs []request, allowedBy string) Flow {
	f := Flow{Flow: what, Expected: expected, Result: Allowed}
	var why []string
	for _, r := range reqs {
		d, err := iameval.Authorize(r.req, r.policies)
		switch {
		case err != nil:
			f.Result, why = Denied, append(why, fmt.Sprintf("%s cannot be evaluated: %v", r.req.Action, err))
		case !d.Allowed:
			f.Result = Denied
			why = append(why, fmt.Sprintf("%s: %s", r.denied, d.Reason))
		}
	}
	if f.Result == Allowed {
		f.Why = fmt.Sprintf("every request (%d) is allowed by %s", len(reqs), allowedBy)
	} else {
		f.Why = strings.Join(why, "; ")
	}
	return f
}

// notYetKnown is a flow whose policies or ARNs are not known yet (a first preview, where documents built
// from other resources' outputs are unknown): "unknown", never a verdict.
func notYetKnown(what string, expected Expectation) Flow {
	return Flow{Flow: what, Expected: expected, Result: Unknown, Why: "a policy or ARN it depends on is unknown until deployment"}
}

// broken is a flow the stack cannot even express: a schedule naming an instance the stack does not hold,
// a role ARN no role has. When the reference itself is not known yet (ref is empty: a value computed
// during a preview), the flow is unknown instead.
func broken(what, ref, why string) Flow {
	if ref == "" {
		return Flow{Flow: what, Expected: Allowed, Result: Unknown, Why: "a reference it depends on is unknown until deployment"}
	}
	return Flow{Flow: what, Expected: Allowed, Result: Denied, Why: why}
}

// with returns a copy of ctx with key set to value.
func with(ctx map[string][]string, key, value string) map[string][]string {
	out := make(map[string][]string, len(ctx)+1)
	for k, v := range ctx {
		out[k] = v
	}
	out[key] = []string{value}
	return out
}
