package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// The Lambda rules: concurrency, dead letters, VPC placement (and no dedicated-tenancy VPC, which Lambda
// cannot attach to), who may invoke a function, and stream sources Lambda can map.

// Resource types of the Lambda rules.
const (
	typeLambdaFunction     = "aws:lambda/function:Function"
	typeLambdaPermission   = "aws:lambda/permission:Permission"
	typeEventSourceMapping = "aws:lambda/eventSourceMapping:EventSourceMapping"
)

// lambdaRules returns the Lambda function, permission and event source mapping rules.
func lambdaRules() []engine.Rule {
	return []engine.Rule{
		{
			ID: "lambda-concurrency-limit",
			Description: "Every Lambda function sets reservedConcurrentExecutions to a limit of 0 or more, so that its load has a known ceiling " +
				"and a runaway function cannot take the account's whole concurrency.",
			Level:   engine.Mandatory,
			HIPAA:   []string{hipaaAuditControls},
			Sources: engine.Sources{CdkNag: "HIPAA.Security-LambdaConcurrency", Config: "lambda-concurrency-check", Checklist: []int{31}},
			Types:   []string{typeLambdaFunction},
			Check:   checkLambdaConcurrency,
		},
		{
			ID:          "lambda-dlq",
			Description: "Every Lambda function has a dead-letter target (deadLetterConfig.targetArn), so that failed asynchronous invocations are kept and seen, not dropped.",
			Level:       engine.Mandatory,
			HIPAA:       []string{hipaaAuditControls},
			Sources:     engine.Sources{CdkNag: "HIPAA.Security-LambdaDLQ", Config: "lambda-dlq-check", Checklist: []int{32}},
			Types:       []string{typeLambdaFunction},
			Check: func(r *engine.Resource) []engine.Finding {
				return requireStringAt(r.Props, "deadLetterConfig.targetArn",
					"failed asynchronous invocations are dropped; send them to an SQS queue or SNS topic")
			},
		},
		{
			ID: "lambda-in-vpc",
			Description: "Every Lambda function runs in the VPC: vpcConfig names at least one subnet and one security group, " +
				"so that its traffic stays on the private network and passes its controls.",
			Level:   engine.Mandatory,
			HIPAA:   hipaaNotReachable(),
			Sources: engine.Sources{CdkNag: "HIPAA.Security-LambdaInsideVPC", Config: "lambda-inside-vpc", Checklist: []int{34}},
			Types:   []string{typeLambdaFunction},
			Check:   checkLambdaInVPC,
		},
		{
			ID: "lambda-no-public-access",
			Description: "No Lambda permission grants invocation to everyone (principal \"*\"), and a permission for an AWS service names " +
				"the source (sourceArn or sourceAccount), so that no other account's resource can invoke the function through that service.",
			Level:   engine.Mandatory,
			HIPAA:   hipaaNotReachable(),
			Sources: engine.Sources{CdkNag: "HIPAA.Security-LambdaFunctionPublicAccessProhibited", Config: "lambda-function-public-access-prohibited", Checklist: []int{33}},
			Types:   []string{typeLambdaPermission},
			Check:   checkLambdaPermission,
		},
		{
			ID:          "lambda-not-in-dedicated-vpc",
			Description: "No Lambda function's vpcConfig names a subnet of a dedicated-tenancy VPC: Lambda cannot attach to one, and `pulumi up` fails.",
			Level:       engine.Mandatory,
			Category:    engine.CategoryDeployability,
			HIPAA:       []string{hipaaRiskManagement},
			Sources:     engine.Sources{Other: sourceLambdaTenancy},
			Types:       []string{typeLambdaFunction, typeSubnet, typeVPC},
			CheckStack:  checkLambdaNotInDedicatedVPC,
		},
		{
			ID: "lambda-stream-source-enabled",
			Description: "An event source mapping that reads a DynamoDB table's stream names the stream of a table of the stack whose stream " +
				"is on and records the new image (NEW_IMAGE or NEW_AND_OLD_IMAGES): Lambda cannot map a table without a stream, and the " +
				"release function judges each item by its new image.",
			Level:    engine.Mandatory,
			Category: engine.CategoryDeployability,
			HIPAA:    []string{hipaaIntegrity},
			Sources: engine.Sources{Other: "DynamoDB Developer Guide, \"DynamoDB Streams and AWS Lambda triggers\" (Streams.Lambda.html) and " +
				"\"Change data capture for DynamoDB Streams\" (StreamViewType); Lambda API Reference, CreateEventSourceMapping"},
			Types:      []string{typeEventSourceMapping, typeDynamoDBTable},
			CheckStack: checkStreamSources,
		},
	}
}

// checkLambdaConcurrency requires a reserved concurrency of 0 or more.
func checkLambdaConcurrency(r *engine.Resource) []engine.Finding {
	v, ok := r.Get("reservedConcurrentExecutions")
	switch {
	case !ok:
		return engine.Fail("reservedConcurrentExecutions is not set, so the function draws on the account's unreserved concurrency; set a limit of 0 or more")
	case engine.IsUnknown(v):
		return engine.Undecided("reservedConcurrentExecutions")
	}
	n, isInt := engine.AsInt(v)
	if !isInt {
		return engine.Fail("reservedConcurrentExecutions is %s (%s); expected a whole number", engine.Kind(v), engine.Describe(v))
	}
	if n < 0 {
		return engine.Fail("reservedConcurrentExecutions is %d (unreserved); it must be a limit of 0 or more", n)
	}
	return nil
}

// checkLambdaInVPC requires a vpcConfig with subnets and security groups.
func checkLambdaInVPC(r *engine.Resource) []engine.Finding {
	const why = "the function runs outside the VPC; attach it to the private subnets with a security group"
	v, ok := r.Get("vpcConfig")
	switch {
	case !ok:
		return engine.Fail("vpcConfig is not set: %s", why)
	case engine.IsUnknown(v):
		return engine.Undecided("vpcConfig")
	}
	if _, isObject := v.(map[string]any); !isObject {
		return engine.Fail("vpcConfig is %s (%s); expected an object", engine.Kind(v), engine.Describe(v))
	}
	out := requireStringListAt(r.Props, "vpcConfig.subnetIds", why)
	return append(out, requireStringListAt(r.Props, "vpcConfig.securityGroupIds", "the function's traffic passes no security group")...)
}

// The principals a Lambda permission may name: an account id, an IAM principal of an account, or a service.
var (
	lambdaAccountPrincipal = regexp.MustCompile(`^[0-9]{12}$`)
	lambdaIAMPrincipal     = regexp.MustCompile(`^arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:[^*?]+$`)
	lambdaServicePrincipal = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*\.(amazonaws\.com(\.cn)?|amazon\.com)$`)
)

// checkLambdaPermission requires a permission's principal to be an account, an IAM principal or a service
// limited to a source.
func checkLambdaPermission(r *engine.Resource) []engine.Finding {
	v, ok := r.Get("principal")
	switch {
	case !ok:
		return engine.Fail("principal is not set; it must name an account, an IAM principal, or a service with sourceArn or sourceAccount")
	case engine.IsUnknown(v):
		return engine.Undecided("principal")
	}
	p, isString := v.(string)
	if !isString {
		return engine.Fail("principal is %s (%s); expected a string", engine.Kind(v), engine.Describe(v))
	}
	p = strings.TrimSpace(p)
	switch {
	case p == "*":
		return engine.Fail("principal is \"*\", so anyone can invoke the function; grant an account, an IAM principal, or a service with sourceArn or sourceAccount")
	case lambdaAccountPrincipal.MatchString(p), lambdaIAMPrincipal.MatchString(p):
		return nil
	case lambdaServicePrincipal.MatchString(strings.ToLower(p)):
		var problems []engine.Finding
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
		return engine.Fail("principal is the service %q and neither sourceArn nor sourceAccount is set, so a resource of any account could invoke the function through it; set sourceArn (or sourceAccount)", p)
	}
	return engine.Fail("principal is %q, which is neither \"*\", an account id, an IAM principal ARN nor a service principal; name the account or role that may invoke the function", p)
}

// checkLambdaNotInDedicatedVPC keeps every function's vpcConfig out of a dedicated-tenancy VPC.
func checkLambdaNotInDedicatedVPC(s *engine.Stack) []engine.Finding {
	return notInDedicatedVPC(s, typeLambdaFunction, lambdaSubnets, func(vpc *engine.Resource) string {
		return fmt.Sprintf("vpcConfig.subnetIds names a subnet of VPC %s, whose instanceTenancy is dedicated; "+
			"Lambda cannot attach to a dedicated-tenancy VPC: run the function outside the VPC", vpc.Name)
	})
}

// lambdaSubnets returns the subnets a function's vpcConfig names: through the input's property
// dependencies, or by value.
func lambdaSubnets(s *engine.Stack, f *engine.Resource) []*engine.Resource {
	seen := map[string]bool{}
	var out []*engine.Resource
	add := func(r *engine.Resource) {
		if r.Type == typeSubnet && !seen[r.URN] {
			seen[r.URN] = true
			out = append(out, r)
		}
	}
	for _, urn := range f.PropertyDependencies["vpcConfig"] {
		if r, ok := s.ByURN(urn); ok {
			add(r)
		}
	}
	if v, ok := f.Get("vpcConfig.subnetIds"); ok {
		for _, id := range engine.StringsOf(v) {
			for _, sn := range s.OfType(typeSubnet) {
				if sn.IdentifiedBy(id) {
					add(sn)
				}
			}
		}
	}
	return out
}

// checkStreamSources checks each DynamoDB stream mapping against the table whose stream it names.
func checkStreamSources(s *engine.Stack) []engine.Finding {
	var out []engine.Finding
	for _, m := range s.OfType(typeEventSourceMapping) {
		src := engine.StringAtOr(m.Props, "eventSourceArn")
		if engine.IsUnknown(src) || !strings.Contains(src, ":dynamodb:") {
			continue
		}
		var table *engine.Resource
		for _, t := range s.OfType(typeDynamoDBTable) {
			if arn, _ := t.Outputs["streamArn"].(string); arn != "" && arn == src {
				table = t
			}
		}
		if table == nil {
			out = append(out, engine.Finding{URN: m.URN, Message: fmt.Sprintf("eventSourceArn %s is the stream of no table of the stack whose stream is on (streamEnabled: true)", src)})
			continue
		}
		enabled, _ := engine.AsBool(table.Props["streamEnabled"])
		view := engine.StringAtOr(table.Props, "streamViewType")
		if !enabled || (view != "NEW_IMAGE" && view != "NEW_AND_OLD_IMAGES") {
			out = append(out, engine.Finding{URN: table.URN, Message: fmt.Sprintf("the table's stream is read by %s but streamEnabled is %v and streamViewType %q: "+
				"turn the stream on with NEW_IMAGE (or NEW_AND_OLD_IMAGES)", m.Name, enabled, view)})
		}
	}
	return out
}
