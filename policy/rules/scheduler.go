package rules

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// The EventBridge Scheduler rule: a schedule that stops instances is declared, because AWS Config flags
// instances that stay stopped.

// Resource type token and target of the scheduler rule, with a family prefix against collisions.
const (
	computeTypeSchedule            = "aws:scheduler/schedule:Schedule"
	computeStopInstancesTargetTail = ":scheduler:::aws-sdk:ec2:stopinstances"
)

// schedulerRules returns the rule on schedules that stop instances.
func schedulerRules() []engine.Rule {
	return []engine.Rule{
		{
			ID: "ec2-stopped-by-schedule",
			Description: "No EventBridge schedule stops instances (target arn:aws:scheduler:::aws-sdk:ec2:stopInstances) unless it is declared: " +
				"AWS Config's ec2-stopped-instance flags instances that stay stopped, so a schedule that stops them on purpose must be an exemption.",
			Level:      engine.Advisory,
			HIPAA:      []string{hipaaRiskManagement},
			Sources:    engine.Sources{Config: "ec2-stopped-instance", Checklist: []int{22}},
			Types:      []string{computeTypeSchedule},
			CheckStack: checkStoppedBySchedule,
		},
	}
}

// checkStoppedBySchedule reports every schedule whose target is EC2's StopInstances, so that it is declared
// as intended.
func checkStoppedBySchedule(s *engine.Stack) []engine.Finding {
	var out []engine.Finding
	for _, sched := range s.OfType(computeTypeSchedule) {
		if f := objectShape(sched.Props, "target.arn"); f != nil {
			out = append(out, engine.WithURN(sched.URN, f)...)
			continue
		}
		v, ok := engine.Lookup(sched.Props, "target.arn")
		if !ok {
			continue
		}
		if engine.IsUnknown(v) {
			out = append(out, engine.WithURN(sched.URN, engine.Undecided("target.arn"))...)
			continue
		}
		arn, isString := v.(string)
		if !isString {
			out = append(out, engine.Finding{URN: sched.URN, Message: fmt.Sprintf("target.arn is %s (%s); expected an arn", engine.Kind(v), engine.Describe(v))})
			continue
		}
		if lower := strings.ToLower(arn); strings.HasPrefix(lower, "arn:") && strings.HasSuffix(lower, computeStopInstancesTargetTail) {
			out = append(out, engine.Finding{URN: sched.URN, Message: fmt.Sprintf("target.arn is %q: this schedule stops instances, and aws config's ec2-stopped-instance "+
				"flags instances that stay stopped; declare the schedule as intended", arn)})
		}
	}
	return out
}
