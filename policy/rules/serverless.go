package rules

import (
	"regexp"
	"strings"
)

// Resource types of the serverless rules.
const (
	typeLambdaFunction   = "aws:lambda/function:Function"
	typeLambdaPermission = "aws:lambda/permission:Permission"
)

// hipaaNotReachable are the paragraphs cdk-nag cites for resources that must not be reachable from outside
// (public access, VPC placement).
var hipaaNotReachable = []string{hipaaWorkforce, "164.308(a)(4)(ii)(A)", hipaaAccessEstablish, hipaaAccessControl, hipaaTransmission}

// serverlessRules returns the serverless rules.
func serverlessRules() []Rule {
	return []Rule{
		{
			ID: "lambda-concurrency-limit",
			Description: "Every Lambda function sets reservedConcurrentExecutions to a limit of 0 or more, so that its load has a known ceiling " +
				"and a runaway function cannot take the account's whole concurrency.",
			Level:   Mandatory,
			HIPAA:   []string{hipaaAuditControls},
			Sources: Sources{CdkNag: "HIPAA.Security-LambdaConcurrency", Config: "lambda-concurrency-check", Checklist: []int{31}},
			Types:   []string{typeLambdaFunction},
			Check:   checkLambdaConcurrency,
		},
		{
			ID:          "lambda-dlq",
			Description: "Every Lambda function has a dead-letter target (deadLetterConfig.targetArn), so that failed asynchronous invocations are kept and seen, not dropped.",
			Level:       Mandatory,
			HIPAA:       []string{hipaaAuditControls},
			Sources:     Sources{CdkNag: "HIPAA.Security-LambdaDLQ", Config: "lambda-dlq-check", Checklist: []int{32}},
			Types:       []string{typeLambdaFunction},
			Check: func(r *Resource) []Finding {
				return requireStringAt(r.Props, "deadLetterConfig.targetArn",
					"failed asynchronous invocations are dropped; send them to an SQS queue or SNS topic")
			},
		},
		{
			ID: "lambda-in-vpc",
			Description: "Every Lambda function runs in the VPC: vpcConfig names at least one subnet and one security group, " +
				"so that its traffic stays on the private network and passes its controls.",
			Level:   Mandatory,
			HIPAA:   hipaaNotReachable,
			Sources: Sources{CdkNag: "HIPAA.Security-LambdaInsideVPC", Config: "lambda-inside-vpc", Checklist: []int{34}},
			Types:   []string{typeLambdaFunction},
			Check:   checkLambdaInVPC,
		},
		{
			ID: "lambda-no-public-access",
			Description: "No Lambda permission grants invocation to everyone (principal \"*\"), and a permission for an AWS service names " +
				"the source (sourceArn or sourceAccount), so that no other account's resource can invoke the function through that service.",
			Level:   Mandatory,
			HIPAA:   hipaaNotReachable,
			Sources: Sources{CdkNag: "HIPAA.Security-LambdaFunctionPublicAccessProhibited", Config: "lambda-function-public-access-prohibited", Checklist: []int{33}},
			Types:   []string{typeLambdaPermission},
			Check:   checkLambdaPermission,
		},
	}
}

func checkLambdaConcurrency(r *Resource) []Finding {
	v, ok := r.Get("reservedConcurrentExecutions")
	switch {
	case !ok:
		return fail("reservedConcurrentExecutions is not set, so the function draws on the account's unreserved concurrency; set a limit of 0 or more")
	case IsUnknown(v):
		return undecided("reservedConcurrentExecutions")
	}
	n, isInt := asInt(v)
	if !isInt {
		return fail("reservedConcurrentExecutions is %s (%s); expected a whole number", kind(v), describe(v))
	}
	if n < 0 {
		return fail("reservedConcurrentExecutions is %d (unreserved); it must be a limit of 0 or more", n)
	}
	return nil
}

func checkLambdaInVPC(r *Resource) []Finding {
	const why = "the function runs outside the VPC; attach it to the private subnets with a security group"
	v, ok := r.Get("vpcConfig")
	switch {
	case !ok:
		return fail("vpcConfig is not set: %s", why)
	case IsUnknown(v):
		return undecided("vpcConfig")
	}
	if _, isObject := v.(map[string]any); !isObject {
		return fail("vpcConfig is %s (%s); expected an object", kind(v), describe(v))
	}
	out := requireStringListAt(r.Props, "vpcConfig.subnetIds", why)
	return append(out, requireStringListAt(r.Props, "vpcConfig.securityGroupIds", "the function's traffic passes no security group")...)
}

var (
	lambdaAccountPrincipal = regexp.MustCompile(`^[0-9]{12}$`)
	lambdaIAMPrincipal     = regexp.MustCompile(`^arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:[^*?]+$`)
	lambdaServicePrincipal = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*\.(amazonaws\.com(\.cn)?|amazon\.com)$`)
)

func checkLambdaPermission(r *Resource) []Finding {
	v, ok := r.Get("principal")
	switch {
	case !ok:
		return fail("principal is not set; it must name an account, an IAM principal, or a service with sourceArn or sourceAccount")
	case IsUnknown(v):
		return undecided("principal")
	}
	p, isString := v.(string)
	if !isString {
		return fail("principal is %s (%s); expected a string", kind(v), describe(v))
	}
	p = strings.TrimSpace(p)
	switch {
	case p == "*":
		return fail("principal is \"*\", so anyone can invoke the function; grant an account, an IAM principal, or a service with sourceArn or sourceAccount")
	case lambdaAccountPrincipal.MatchString(p), lambdaIAMPrincipal.MatchString(p):
		return nil
	case lambdaServicePrincipal.MatchString(strings.ToLower(p)):
		var problems []Finding
		for _, source := range []string{"sourceArn", "sourceAccount"} {
			present, shape := hasStringAt(r.Props, source)
			if present {
				return nil
			}
			problems = append(problems, shape...)
		}
		if problems != nil {
			return problems
		}
		return fail("principal is the service %q and neither sourceArn nor sourceAccount is set, so a resource of any account could invoke the function through it; set sourceArn (or sourceAccount)", p)
	}
	return fail("principal is %q, which is neither \"*\", an account id, an IAM principal ARN nor a service principal; name the account or role that may invoke the function", p)
}

// Shape-aware property helpers shared by the serverless, messaging and database rules.

// at returns the value at a dotted path below node, like lookup, and says what is wrong when the path
// crosses a value that is neither an object nor absent. An Unknown on the way is returned as Unknown.
func propAt(node any, path string) (any, bool, []Finding) {
	cur := node
	parts := strings.Split(path, ".")
	for i, part := range parts {
		if IsUnknown(cur) {
			return Unknown, true, nil
		}
		m, ok := cur.(map[string]any)
		if !ok {
			if cur == nil {
				return nil, false, nil
			}
			where := strings.Join(parts[:i], ".")
			if where == "" {
				where = "the value"
			}
			return nil, false, fail("%s is %s (%s); expected an object", where, kind(cur), describe(cur))
		}
		if cur, ok = m[part]; !ok {
			return nil, false, nil
		}
	}
	return cur, cur != nil, nil
}

// hasStringAt reports whether a non-empty string (or an Unknown, which will hold one) is at path; a
// value of another shape comes back as a finding.
func hasStringAt(node any, path string) (bool, []Finding) {
	v, ok, problems := propAt(node, path)
	if problems != nil || !ok {
		return false, problems
	}
	if IsUnknown(v) {
		return true, nil
	}
	s, isString := v.(string)
	if !isString {
		return false, fail("%s is %s (%s); expected a string", path, kind(v), describe(v))
	}
	return strings.TrimSpace(s) != "", nil
}

// requireStringAt requires a non-empty string at path; an Unknown counts as set (it will hold a reference).
// why says what goes wrong without it.
func requireStringAt(node any, path, why string) []Finding {
	v, ok, problems := propAt(node, path)
	switch {
	case problems != nil:
		return problems
	case !ok:
		return fail("%s is not set: %s", path, why)
	case IsUnknown(v):
		return nil
	}
	s, isString := v.(string)
	if !isString {
		return fail("%s is %s (%s); expected a string", path, kind(v), describe(v))
	}
	if strings.TrimSpace(s) == "" {
		return fail("%s is empty: %s", path, why)
	}
	return nil
}

// requireStringListAt requires a non-empty list of strings at path; an Unknown list or element counts as set.
func requireStringListAt(node any, path, why string) []Finding {
	v, ok, problems := propAt(node, path)
	switch {
	case problems != nil:
		return problems
	case !ok:
		return fail("%s is not set: %s", path, why)
	case IsUnknown(v):
		return nil
	}
	list, isList := v.([]any)
	if !isList {
		return fail("%s is %s (%s); expected a list of strings", path, kind(v), describe(v))
	}
	if len(list) == 0 {
		return fail("%s is empty: %s", path, why)
	}
	for i, e := range list {
		if _, isString := e.(string); !isString && !IsUnknown(e) {
			return fail("%s[%d] is %s (%s); expected a string", path, i, kind(e), describe(e))
		}
	}
	return nil
}

// boolAtPath is boolAt with the display set to the path, reporting a path that crosses a value of the
// wrong shape.
func boolAtPath(node any, path string, want, missingOK bool) []Finding {
	if _, _, problems := propAt(node, path); problems != nil {
		return problems
	}
	return boolAt(node, path, path, want, missingOK)
}

// requireCustomerKeyAt requires a KMS key at path that is not an AWS managed key (alias/aws/...): PHI is
// encrypted with the project's key, whose key policy this project controls.
func requireCustomerKeyAt(node any, path, why string) []Finding {
	if out := requireStringAt(node, path, why); out != nil {
		return out
	}
	s := stringAtOr(node, path)
	if strings.Contains(strings.ToLower(s), "alias/aws/") {
		return fail("%s is %q, an AWS managed key; it must be a customer managed key (the project key)", path, s)
	}
	return nil
}
