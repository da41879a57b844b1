package rules

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// The tenancy rule of the VPC, and what the Redshift and Lambda rules that keep those services out of a
// dedicated VPC share: which VPCs a resource's subnets lie in.

// tenancyDedicated is the instanceTenancy of a dedicated-tenancy VPC.
const tenancyDedicated = "dedicated"

// Sources of the tenancy constraints (docs/deployability.md quotes them).
const (
	sourceRedshiftTenancy = "Amazon Redshift Management Guide, \"Redshift resources in a VPC\" (managing-clusters-vpc.html): " +
		"launching clusters and Serverless workgroups into dedicated tenancy VPCs isn't supported"
	sourceLambdaTenancy = "AWS ParallelCluster User Guide, \"AWS Lambda VPC configuration\" (lambda-vpc-v3.html), and the AWS " +
		"knowledge-centre article lambda-dedicated-vpc: Lambda functions can't connect directly to a VPC with dedicated instance tenancy"
)

// vpcTenancyRules hold the VPC to the seed's dedicated tenancy; the services AWS refuses to launch in a
// dedicated VPC are kept out of one by redshift-not-in-dedicated-vpc (redshift.go) and
// lambda-not-in-dedicated-vpc (lambda.go).
func vpcTenancyRules() []engine.Rule {
	return []engine.Rule{
		{
			ID: "vpc-dedicated-tenancy",
			Description: "Every VPC sets instanceTenancy to dedicated (the seed's Kilroy stack: shared tenancy is not allowed for PHI). " +
				"The one exception is a VPC that holds an Amazon Redshift cluster, which AWS refuses to launch into a dedicated VPC: " +
				"there the VPC may be default-tenancy only if the stack also deploys the AWS Config rule desired-instance-tenancy " +
				"with tenancy DEDICATED, and every instance asks for dedicated tenancy itself (ec2-dedicated-tenancy).",
			Level:      engine.Mandatory,
			HIPAA:      []string{hipaaAccessControl, hipaaRiskManagement},
			Sources:    engine.Sources{Other: "SCE design card; seed, Kilroy stack; " + sourceRedshiftTenancy},
			Types:      []string{typeVPC},
			CheckStack: checkVPCTenancy,
		},
	}
}

// checkVPCTenancy judges each VPC: dedicated, or default because it holds Redshift and the stack deploys
// the Config rule that catches shared-tenancy instances.
func checkVPCTenancy(s *engine.Stack) []engine.Finding {
	var out []engine.Finding
	for _, vpc := range s.OfType(typeVPC) {
		v, ok := vpc.Get("instanceTenancy")
		switch {
		case ok && engine.IsUnknown(v):
			out = append(out, engine.WithURN(vpc.URN, engine.Undecided("instanceTenancy"))...)
			continue
		case v == tenancyDedicated:
			continue
		case ok && !isString(v):
			out = append(out, engine.Finding{URN: vpc.URN, Message: fmt.Sprintf("instanceTenancy is %s (%s); expected a string", engine.Kind(v), engine.Describe(v))})
			continue
		}
		tenancy := "not set (default)"
		if ok {
			tenancy = fmt.Sprintf("%q", v)
		}
		if len(redshiftClustersIn(s, vpc)) == 0 {
			out = append(out, engine.Finding{URN: vpc.URN, Message: fmt.Sprintf("instanceTenancy is %s; it must be dedicated "+
				"(only a VPC holding a Redshift cluster, which AWS refuses to launch into a dedicated VPC, may be default-tenancy)", tenancy)})
			continue
		}
		if !hasDedicatedTenancyConfigRule(s) {
			out = append(out, engine.Finding{URN: vpc.URN, Message: fmt.Sprintf("instanceTenancy is %s for Redshift, but the stack deploys no AWS Config rule "+
				"DESIRED_INSTANCE_TENANCY with tenancy DEDICATED, so an instance launched by hand with shared tenancy would go unnoticed", tenancy)})
		}
	}
	return out
}

// hasDedicatedTenancyConfigRule reports whether the stack deploys desired-instance-tenancy with DEDICATED.
func hasDedicatedTenancyConfigRule(s *engine.Stack) bool {
	for _, r := range s.OfType(typeConfigRule) {
		if engine.StringAtOr(r.Props, "source.sourceIdentifier") != "DESIRED_INSTANCE_TENANCY" {
			continue
		}
		var params map[string]string
		if err := json.Unmarshal([]byte(engine.StringAtOr(r.Props, "inputParameters")), &params); err == nil && strings.EqualFold(params["tenancy"], "DEDICATED") {
			return true
		}
	}
	return false
}

// redshiftClustersIn returns the Redshift clusters whose subnet group holds a subnet of vpc.
func redshiftClustersIn(s *engine.Stack, vpc *engine.Resource) []*engine.Resource {
	var out []*engine.Resource
	for _, c := range s.OfType(typeRedshiftCluster) {
		if inVPC(s, redshiftSubnets(s, c), vpc) {
			out = append(out, c)
		}
	}
	return out
}

// inVPC reports whether any of the subnets belongs to vpc.
func inVPC(s *engine.Stack, subnets []*engine.Resource, vpc *engine.Resource) bool {
	for _, sn := range subnets {
		for _, v := range s.Refs(sn, "vpcId", typeVPC) {
			if v.URN == vpc.URN {
				return true
			}
		}
	}
	return false
}

// dedicatedVPCsOf returns the dedicated-tenancy VPCs the subnets belong to.
func dedicatedVPCsOf(s *engine.Stack, subnets []*engine.Resource) []*engine.Resource {
	var out []*engine.Resource
	seen := map[string]bool{}
	for _, sn := range subnets {
		for _, v := range s.Refs(sn, "vpcId", typeVPC) {
			if engine.StringAtOr(v.Props, "instanceTenancy") == tenancyDedicated && !seen[v.URN] {
				seen[v.URN] = true
				out = append(out, v)
			}
		}
	}
	return out
}

// notInDedicatedVPC reports each resource of a type whose subnets (subnetsOf) lie in a dedicated-tenancy
// VPC, once for each such VPC, with the message refused gives for it: the rules of the services AWS
// refuses to launch or attach there (Redshift, Lambda) differ only in those.
func notInDedicatedVPC(s *engine.Stack, typ string, subnetsOf func(s *engine.Stack, r *engine.Resource) []*engine.Resource, refused func(vpc *engine.Resource) string) []engine.Finding {
	var out []engine.Finding
	for _, r := range s.OfType(typ) {
		for _, v := range dedicatedVPCsOf(s, subnetsOf(s, r)) {
			out = append(out, engine.Finding{URN: r.URN, Message: refused(v)})
		}
	}
	return out
}
