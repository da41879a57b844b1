package verify

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// scheduleTarget is what the universal targets of EventBridge Scheduler with one IAM action do: the
// instances or the cluster they act on, each with the schedules that name it, in order.
type scheduleTarget struct {
	action string
	// verb names the flow ("stops", "starts", "pauses", "resumes").
	verb    string
	targets []string
	by      map[string][]string
}

func (t *scheduleTarget) add(target, schedule string) {
	if t.by[target] == nil {
		t.targets = append(t.targets, target)
	}
	t.by[target] = append(t.by[target], schedule)
}

// schedules: the flows of EventBridge Scheduler's universal targets (aws-sdk:ec2:startInstances, ...),
// derived from the stack's schedules: the service assumes each schedule's role (EventBridge Scheduler User
// Guide, "Set up the execution role": the role trusts scheduler.amazonaws.com; aws:SourceAccount and the
// schedule group's ARN as aws:SourceArn guard it), and the role makes the call on each instance or
// cluster the input names, with the instance's tags as aws:ResourceTag/<key>. Starting an instance whose
// EBS volumes are encrypted with a customer managed key needs kms:CreateGrant by the caller, which EC2
// uses to create the instance's grant ("The IAM principal that calls the StartInstances API action must
// have kms:CreateGrant permissions to create a grant for Amazon EC2", AWS re:Post knowledge center,
// https://repost.aws/knowledge-center/kms-iam-ec2-permission; EBS User Guide, "Requirements for Amazon EBS
// encryption", https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption-requirements.html, scopes
// it with kms:GrantIsForAWSResource); the volumes' Decrypt is then EC2's, through the grant. Stopping
// needs no key. Forbidden: the role starting an instance of another project.
func (sv *services) schedules() []Flow {
	byRole := map[string]map[string]*scheduleTarget{}
	var roles []string
	for _, s := range sv.s.OfType("aws:scheduler/schedule:Schedule") {
		roleARN := str(lookup(s.Props, "target", "roleArn"))
		target := str(lookup(s.Props, "target", "arn"))
		api, ok := strings.CutPrefix(target, "arn:aws:scheduler:::aws-sdk:")
		if !ok || roleARN == "" {
			continue
		}
		var input struct {
			InstanceIDs       []string `json:"InstanceIds"`
			ClusterIdentifier string
		}
		if err := json.Unmarshal([]byte(str(lookup(s.Props, "target", "input"))), &input); err != nil {
			continue // an input unknown until deployment: the flow is judged then
		}
		service, operation, _ := strings.Cut(api, ":")
		action := service + ":" + strings.ToUpper(operation[:1]) + operation[1:]
		if byRole[roleARN] == nil {
			byRole[roleARN] = map[string]*scheduleTarget{}
			roles = append(roles, roleARN)
		}
		t := byRole[roleARN][action]
		if t == nil {
			t = &scheduleTarget{action: action, verb: verbOf(operation), by: map[string][]string{}}
			byRole[roleARN][action] = t
		}
		for _, id := range input.InstanceIDs {
			t.add(id, str(s.Props["name"]))
		}
		if input.ClusterIdentifier != "" {
			t.add("cluster:"+input.ClusterIdentifier, str(s.Props["name"]))
		}
	}
	var out []Flow
	for _, roleARN := range roles {
		role, trust, ok := sv.roleByARN(roleARN)
		if !ok {
			out = append(out, broken("EventBridge Scheduler works as the schedules' role", roleARN, fmt.Sprintf("role %q is not one of the stack's", roleARN)))
			continue
		}
		group := fmt.Sprintf("arn:aws:scheduler:%s:%s:schedule-group/default", sv.region, sv.account)
		out = append(out,
			sv.judge("EventBridge Scheduler assumes the scheduler role (sts:AssumeRole with aws:SourceAccount and the schedule group as aws:SourceArn)", Allowed,
				assume("scheduler.amazonaws.com", roleARN, trust, sv.account, group)),
			sv.judge("EventBridge Scheduler of another account assumes the scheduler role", Denied,
				assume("scheduler.amazonaws.com", roleARN, trust, otherAccount, strings.Replace(group, sv.account, otherAccount, 1))),
		)
		var actions []string
		for a := range byRole[roleARN] {
			actions = append(actions, a)
		}
		sort.Strings(actions)
		for _, a := range actions {
			out = append(out, sv.scheduleFlows(role, byRole[roleARN][a])...)
		}
	}
	return out
}

func verbOf(operation string) string {
	for prefix, verb := range map[string]string{"stop": "stops", "start": "starts", "pause": "pauses", "resume": "resumes"} {
		if strings.HasPrefix(operation, prefix) {
			return verb
		}
	}
	return "calls " + operation + " on"
}

func (sv *services) scheduleFlows(role principal, t *scheduleTarget) []Flow {
	var out []Flow
	instances := false
	for _, target := range t.targets {
		when := " (" + strings.Join(t.by[target], ", ") + ")"
		if cluster, ok := strings.CutPrefix(target, "cluster:"); ok {
			arn := fmt.Sprintf("arn:aws:redshift:%s:%s:cluster:%s", sv.region, sv.account, cluster)
			out = append(out, sv.judge(fmt.Sprintf("EventBridge Scheduler %s the Redshift cluster %s (%s)%s", t.verb, cluster, t.action, when), Allowed,
				role.as(t.action, arn, nil, nil, sv.account)))
			continue
		}
		instances = true
		in, ok := sv.instanceByID(target)
		if !ok {
			out = append(out, broken(fmt.Sprintf("EventBridge Scheduler %s instance %s%s", t.verb, target, when), target, "the schedule's input names an instance the stack does not hold"))
			continue
		}
		calls := []call{role.as(t.action, in.arn, resourceTags(in.r), nil, sv.account)}
		what := fmt.Sprintf("EventBridge Scheduler %s the %s instance (%s", t.verb, in.name, t.action)
		if t.action == "ec2:StartInstances" {
			if grants := sv.ebsKey(role, in, "kms:CreateGrant"); len(grants) > 0 {
				calls = append(calls, grants...)
				what += ", and kms:CreateGrant on the project key through EC2 for its " + volumes(in.encrypted)
			}
		}
		out = append(out, sv.judge(what+")"+when, Allowed, calls...))
	}
	if instances {
		other := fmt.Sprintf("arn:aws:ec2:%s:%s:instance/i-0ffffffffffffffff", sv.region, sv.account)
		out = append(out, sv.judge(fmt.Sprintf("the scheduler role %s an instance of another project (%s)", t.verb, t.action), Denied,
			role.as(t.action, other, map[string][]string{"aws:ResourceTag/Project": {"another-project"}}, nil, sv.account)))
	}
	return out
}
