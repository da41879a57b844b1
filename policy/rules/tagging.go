package rules

import (
	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/netmodel"
)

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

// taggableTypes lists the AWS resource types this project creates that accept tags, named by the constants
// the other rules declare; the key pair, metric alarm and secret, which no other rule follows, are written out.
func taggableTypes() []string {
	return []string{
		typeVPC, typeSubnet, netmodel.TypeIGW, computeTypeEIP, netmodel.TypeNATGateway,
		netmodel.TypeRouteTable, netmodel.TypeNACL, netmodel.TypeDefaultNACL,
		netmodel.TypeSG, netmodel.TypeDefaultSG, netmodel.TypeVPCEndpoint,
		netmodel.TypeFlowLog, typeInstance, typeEBSVolume, typeLaunchTemplate, "aws:ec2/keyPair:KeyPair",
		kmsKeyType, logGroupType, "aws:cloudwatch/metricAlarm:MetricAlarm",
		iamRoleType, iamPolicyType, computeTypeInstanceProfile,
		typeS3Bucket, typeS3BucketV2, typeLambdaFunction, typeDynamoDBTable,
		typeSNSTopic, typeSQSQueue, trailType,
		typeRedshiftCluster, typeRedshiftParameterGroup, typeRedshiftSubnetGroup,
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
