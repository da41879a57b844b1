// Package rules holds the SCE's policy rules, as pure functions over a stack's resources, in files named
// for the AWS service they judge (s3_*.go, ec2_*.go, iam.go, kms.go, vpc.go, ...), as cdk-nag keeps its
// rules per service. A rule that guards a constraint AWS enforces at creation carries
// Category: engine.CategoryDeployability, wherever its file is. The rules use only the engine
// (policy/engine) and the shared models (policy/model/...); this file is the catalogue of every family
// and the evaluation of a stack with the exemptions the design declares (exemptions.go).
package rules

import (
	"sort"

	"github.com/sce-project/sce/policy/engine"
)

// All returns every rule, sorted by id. Each family of rules lives in a file of its own.
func All() []engine.Rule {
	var all []engine.Rule
	for _, family := range [][]engine.Rule{
		airlockRules(),
		backupRules(),
		cloudTrailRules(),
		cloudWatchRules(),
		configRules(),
		dynamoDBRules(),
		ebsRules(),
		ec2InstanceRules(),
		ec2SSMRules(),
		ec2UserDataRules(),
		emrRules(),
		iamRules(),
		iamTrustRules(),
		kmsRules(),
		lambdaRules(),
		naclRules(),
		redshiftParameterRules(),
		redshiftRules(),
		s3AccessRules(),
		s3DataPathRules(),
		s3DurabilityRules(),
		s3EncryptionRules(),
		s3LoggingRules(),
		s3MalwareRules(),
		s3UploadRules(),
		schedulerRules(),
		sgFlowRules(),
		sgRules(),
		snsRules(),
		sqsRules(),
		ssmRules(),
		taggingRules(),
		vpcRules(),
		vpcTenancyRules(),
	} {
		all = append(all, family...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	return all
}

// ByID returns the rule with that id.
func ByID(id string) (engine.Rule, bool) {
	for _, r := range All() {
		if r.ID == id {
			return r, true
		}
	}
	return engine.Rule{}, false
}

// Evaluate applies rules to the stack with the declared exemptions (Exemptions).
func Evaluate(s *engine.Stack, rules []engine.Rule) engine.Report {
	return engine.EvaluateWith(s, rules, Exemptions())
}
