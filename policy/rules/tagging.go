package rules

import "github.com/sce-project/sce/policy/engine"

// The tagging rule: every taggable resource carries the Project Identifier Tag, whatever service it belongs
// to.

// taggingRules returns the rule that every taggable resource carries the Project tag (the PIT).
func taggingRules() []engine.Rule {
	return []engine.Rule{
		{
			ID:          "resources-tagged-with-pit",
			Description: "Every taggable resource carries the Project tag (the PIT), through its own tags or its provider's defaultTags.",
			Level:       engine.Mandatory,
			HIPAA:       []string{hipaaAccessManagement, "164.310(d)(2)(iii)"},
			Sources:     engine.Sources{Other: "SCE design (one stack per Project Identifier Tag)"},
			Types:       taggableTypes(),
			CheckStack:  checkPITTags,
		},
	}
}

// taggableTypes lists the AWS resource types this project creates that accept tags.
func taggableTypes() []string {
	return []string{
		typeVPC, typeSubnet, "aws:ec2/internetGateway:InternetGateway", "aws:ec2/eip:Eip", "aws:ec2/natGateway:NatGateway",
		"aws:ec2/routeTable:RouteTable", "aws:ec2/networkAcl:NetworkAcl", "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
		"aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "aws:ec2/vpcEndpoint:VpcEndpoint",
		"aws:ec2/flowLog:FlowLog", typeInstance, typeEBSVolume, typeLaunchTemplate, "aws:ec2/keyPair:KeyPair",
		"aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup", "aws:cloudwatch/metricAlarm:MetricAlarm",
		"aws:iam/role:Role", "aws:iam/policy:Policy", "aws:iam/instanceProfile:InstanceProfile",
		"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:lambda/function:Function", "aws:dynamodb/table:Table",
		"aws:sns/topic:Topic", "aws:sqs/queue:Queue", "aws:cloudtrail/trail:Trail",
		"aws:redshift/cluster:Cluster", "aws:redshift/parameterGroup:ParameterGroup", "aws:redshift/subnetGroup:SubnetGroup",
		"aws:secretsmanager/secret:Secret", typeAutoscalingGroup, typeEMRCluster,
	}
}

// checkPITTags requires the Project tag of every taggable resource, its own or its provider's default tag; an
// unknown own tag counts as set.
func checkPITTags(s *engine.Stack) []engine.Finding {
	var out []engine.Finding
	for _, r := range s.OfType(taggableTypes()...) {
		if tag := engine.StringAtOr(r.Props, "tags.Project"); tag != "" {
			continue
		}
		if v, ok := engine.Lookup(r.Props, "tags.Project"); ok && engine.IsUnknown(v) {
			continue
		}
		if tag := engine.StringAtOr(r.Provider, "defaultTags.tags.Project"); tag != "" {
			continue
		}
		out = append(out, engine.Finding{URN: r.URN, Message: "no Project tag: neither tags.Project nor the provider's defaultTags.tags.Project is set"})
	}
	return out
}
