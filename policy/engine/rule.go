package engine

import (
	"fmt"
)

// Level is a rule's severity.
type Level string

// Levels, as Pulumi names its enforcement levels.
const (
	// Mandatory findings stop a deployment.
	Mandatory Level = "mandatory"
	// Advisory findings are reported and do not stop it.
	Advisory Level = "advisory"
)

// Category says what a rule protects. Most rules guard security or compliance; a deployability rule
// guards a constraint AWS enforces at creation (a service refused in a dedicated-tenancy VPC, a role
// without the permission its service needs), which the mocks cannot see. docs/deployability.md lists
// each such constraint with its source and the rule that guards it.
type Category string

// Categories.
const (
	// CategoryCompliance is the default: a HIPAA safeguard, a CIS control or a design-card requirement.
	CategoryCompliance Category = "compliance"
	// CategoryDeployability marks a rule whose violation AWS would refuse at deployment, or that leaves a
	// flow the design needs blocked.
	CategoryDeployability Category = "deployability"
)

// Sources names the public rule sets a rule corresponds to.
type Sources struct {
	// CdkNag is the cdk-nag HIPAA.Security rule ("HIPAA.Security-EC2IMDSv2Enabled"), if any.
	CdkNag string
	// Config is the AWS Config managed rule of the HIPAA conformance pack ("ec2-imdsv2-check"), if any.
	Config string
	// AWSGuard is the Pulumi AWSGuard rule, if any.
	AWSGuard string
	// Other names a source outside those three (CIS AWS Foundations, the seed, this project).
	Other string
	// Checklist lists the row numbers of ../shared/reference/hipaa-rules.md this rule implements.
	Checklist []int
}

// Rule is one policy rule. Exactly one of Check and CheckStack is set.
type Rule struct {
	// ID is stable: reports, exemptions and scanner ignore comments refer to it.
	ID string
	// Description says what the rule requires.
	Description string
	// Level is the rule's severity.
	Level Level
	// Category is what the rule protects; empty means CategoryCompliance.
	Category Category
	// HIPAA lists the 45 CFR Security Rule paragraphs the rule supports ("164.312(a)(2)(iv)").
	HIPAA []string
	// Sources are the public rules it corresponds to.
	Sources Sources
	// Types are the resource type tokens the rule judges. A resource rule sees only these types; a stack
	// rule names the types it judges so that reports can list the resources behind a safeguard.
	Types []string
	// Check judges one resource on its own.
	Check func(r *Resource) []Finding
	// CheckStack judges resources together (a bucket and its separate configuration resources, a VPC and
	// its flow log).
	CheckStack func(s *Stack) []Finding
}

// Finding is one failure of a rule.
type Finding struct {
	// URN of the resource at fault; resource rules may leave it empty (the judged resource's).
	URN string
	// Message says what is wrong.
	Message string
	// Undecided marks a finding the rule could not decide because a value is unknown until deployment
	// (during `pulumi preview`). Undecided findings are reported as advisory.
	Undecided bool
}

// CategoryOf returns the rule's category, CategoryCompliance when none is set.
func (r Rule) CategoryOf() Category {
	if r.Category == "" {
		return CategoryCompliance
	}
	return r.Category
}

// AppliesTo reports whether a resource rule judges this type.
func (r Rule) AppliesTo(typ string) bool {
	for _, t := range r.Types {
		if t == typ {
			return true
		}
	}
	return false
}

// Validate checks a rule's metadata.
func (r Rule) Validate() error {
	switch {
	case r.ID == "" || r.Description == "":
		return fmt.Errorf("rule %q: id and description are required", r.ID)
	case r.Level != Mandatory && r.Level != Advisory:
		return fmt.Errorf("rule %s: level %q is neither mandatory nor advisory", r.ID, r.Level)
	case r.CategoryOf() != CategoryCompliance && r.CategoryOf() != CategoryDeployability:
		return fmt.Errorf("rule %s: category %q is neither compliance nor deployability", r.ID, r.Category)
	case r.CategoryOf() == CategoryDeployability && r.Level != Mandatory:
		return fmt.Errorf("rule %s: a deployability rule must be mandatory (AWS refuses the broken form)", r.ID)
	case (r.Check == nil) == (r.CheckStack == nil):
		return fmt.Errorf("rule %s: exactly one of Check and CheckStack must be set", r.ID)
	case len(r.HIPAA) == 0:
		return fmt.Errorf("rule %s: no HIPAA Security Rule paragraph", r.ID)
	case len(r.Types) == 0:
		return fmt.Errorf("rule %s: no resource type", r.ID)
	case r.Sources.CdkNag == "" && r.Sources.Config == "" && r.Sources.AWSGuard == "" && r.Sources.Other == "":
		return fmt.Errorf("rule %s: no source rule", r.ID)
	}
	return nil
}
