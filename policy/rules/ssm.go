package rules

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// The Systems Manager rules: the deployability rules of documents and associations, the sizes and schedules
// AWS refuses, and patch associations that would reboot an instance at the wrong moment.

// Resource types and limits of the Systems Manager rules, with a family prefix against collisions.
const (
	bootTypeDocument    = "aws:ssm/document:Document"
	bootTypeAssociation = "aws:ssm/association:Association"
	// bootMaxDocument is Systems Manager's limit on a document's content (API Reference, CreateDocument).
	bootMaxDocument = 64 * 1024
	// bootASGTag is the tag Auto Scaling gives every instance it launches.
	bootASGTag = "aws:autoscaling:groupName"
	// hipaaMaliciousSoftware is the paragraph patching supports.
	hipaaMaliciousSoftware = "164.308(a)(5)(ii)(B)"
)

// ssmRules returns the deployability rules of Systems Manager: sizes AWS refuses, and associations that AWS
// refuses or that would reboot an instance at the wrong moment.
func ssmRules() []engine.Rule {
	return []engine.Rule{
		{
			ID:          "ssm-document-size",
			Description: "No Systems Manager document has more than 64 KB of content: CreateDocument and UpdateDocument refuse it.",
			Level:       engine.Mandatory,
			Category:    engine.CategoryDeployability,
			HIPAA:       []string{hipaaAccessEstablish},
			Sources: engine.Sources{Other: "Systems Manager API Reference, CreateDocument, Content: \"The content of the document must not exceed 64KB\" " +
				"(MaxDocumentSizeExceeded: \"The size limit of a document is 64 KB\")"},
			Types: []string{bootTypeDocument},
			Check: checkDocumentSize,
		},
		{
			ID: "ssm-association-cron-interval",
			Description: "An association that runs only at its cron interval (applyOnlyAtCronInterval) has a cron schedule: " +
				"AWS does not support the option with a rate expression, and without a schedule the association would never run.",
			Level:    engine.Mandatory,
			Category: engine.CategoryDeployability,
			HIPAA:    []string{hipaaMaliciousSoftware},
			Sources: engine.Sources{Other: "Systems Manager API Reference, CreateAssociation, ApplyOnlyAtCronInterval: " +
				"\"This parameter isn't supported for rate expressions\""},
			Types: []string{bootTypeAssociation},
			Check: checkCronInterval,
		},
		{
			ID: "ssm-patch-reboot-timing",
			Description: "An AWS-RunPatchBaseline association that may reboot (RebootOption other than NoReboot; RebootIfNeeded is the default) " +
				"does not run when it is created (applyOnlyAtCronInterval), which could reboot an instance in the middle of its first boot, " +
				"and targets no Auto Scaling worker or EMR node (both carry tags of their group or cluster), which it would reboot in the middle of a job.",
			Level:    engine.Mandatory,
			Category: engine.CategoryDeployability,
			HIPAA:    []string{hipaaMaliciousSoftware, hipaaContingency},
			Sources: engine.Sources{Other: "Systems Manager API Reference, CreateAssociation, ApplyOnlyAtCronInterval: \"By default, when you create a new association, " +
				"the system runs it immediately after it is created\"; Systems Manager User Guide, Understanding targets and rate controls: " +
				"new nodes with the targeted tag run the association immediately; AWS-RunPatchBaseline RebootOption"},
			Types:      []string{bootTypeAssociation, typeAutoscalingGroup, typeLaunchTemplate, typeEMRCluster},
			CheckStack: checkPatchRebootTiming,
		},
	}
}

// checkDocumentSize judges a document's content against the 64 KB limit.
func checkDocumentSize(r *engine.Resource) []engine.Finding {
	v, ok := r.Get("content")
	switch {
	case !ok:
		return engine.Fail("content is not set; a document needs its content")
	case engine.IsUnknown(v):
		return engine.Undecided("content")
	}
	text, isString := v.(string)
	if !isString {
		return engine.Fail("content is %s (%s); expected a string", engine.Kind(v), engine.Describe(v))
	}
	if len(text) > bootMaxDocument {
		return engine.Fail("content is %d bytes; Systems Manager accepts at most %d", len(text), bootMaxDocument)
	}
	return nil
}

// onlyAtCronInterval reads applyOnlyAtCronInterval: true, false, or undecided findings.
func onlyAtCronInterval(r *engine.Resource) (bool, []engine.Finding) {
	v, ok := r.Get("applyOnlyAtCronInterval")
	if !ok {
		return false, nil
	}
	if engine.IsUnknown(v) {
		return false, engine.Undecided("applyOnlyAtCronInterval")
	}
	b, isBool := engine.AsBool(v)
	if !isBool {
		return false, engine.Fail("applyOnlyAtCronInterval is %s (%s); expected a boolean", engine.Kind(v), engine.Describe(v))
	}
	return b, nil
}

// checkCronInterval requires a cron schedule of an association that runs only at its cron interval.
func checkCronInterval(r *engine.Resource) []engine.Finding {
	only, fs := onlyAtCronInterval(r)
	if !only {
		return fs
	}
	v, ok := r.Get("scheduleExpression")
	switch {
	case !ok:
		return engine.Fail("applyOnlyAtCronInterval is true but there is no scheduleExpression, so the association would never run; give it a cron(...) schedule")
	case engine.IsUnknown(v):
		return engine.Undecided("scheduleExpression")
	}
	schedule, _ := v.(string)
	if !strings.HasPrefix(strings.TrimSpace(schedule), "cron(") {
		return engine.Fail("scheduleExpression is %s; with applyOnlyAtCronInterval AWS accepts only a cron(...) expression", engine.Describe(v))
	}
	return nil
}

// checkPatchRebootTiming judges every patch association that may reboot.
func checkPatchRebootTiming(s *engine.Stack) []engine.Finding {
	workerTags := jobInstanceTags(s)
	var out []engine.Finding
	for _, a := range s.OfType(bootTypeAssociation) {
		name, _ := a.Get("name")
		if doc, isString := name.(string); !isString || !strings.EqualFold(doc, computePatchBaselineDocument) {
			continue
		}
		reboot, ok := a.Get("parameters.RebootOption")
		switch {
		case ok && engine.IsUnknown(reboot):
			out = append(out, engine.WithURN(a.URN, engine.Undecided("parameters.RebootOption"))...)
			continue
		case ok && fmt.Sprint(reboot) == "NoReboot":
			continue
		}
		only, fs := onlyAtCronInterval(a)
		out = append(out, engine.WithURN(a.URN, fs)...)
		if !only && len(fs) == 0 {
			out = append(out, engine.Finding{URN: a.URN, Message: "this patch association may reboot and runs as soon as it is created, possibly in the middle of an " +
				"instance's first boot; set applyOnlyAtCronInterval to true (the first boot installs the security updates itself)"})
		}
		out = append(out, engine.WithURN(a.URN, rebootTargetsWorkers(a, workerTags))...)
	}
	return out
}

// jobInstanceTags returns the tags ("key=value") that instances running jobs carry, with what they are:
// instances launched by an Auto Scaling group of the stack (the group's tags propagated at launch, its
// launch templates' instance tags, and the group tag Auto Scaling adds), and EMR nodes (EMR gives them the
// cluster's tags, the provider's defaultTags included).
func jobInstanceTags(s *engine.Stack) map[string]string {
	const workers, nodes = "Auto Scaling workers", "EMR nodes"
	tags := map[string]string{}
	addMap := func(v any, what string) {
		kv, _ := v.(map[string]any)
		for k, v := range kv {
			tags[k+"="+fmt.Sprint(v)] = what
		}
	}
	for _, g := range s.OfType(typeAutoscalingGroup) {
		if name, ok := g.Get("name"); ok {
			if n, isString := name.(string); isString {
				tags[bootASGTag+"="+n] = workers
			}
		}
		list, _ := g.Get("tags")
		items, _ := list.([]any)
		for _, item := range items {
			tag, _ := item.(map[string]any)
			if propagate, _ := engine.AsBool(tag["propagateAtLaunch"]); propagate {
				tags[fmt.Sprint(tag["key"])+"="+fmt.Sprint(tag["value"])] = workers
			}
		}
	}
	for _, lt := range s.OfType(typeLaunchTemplate) {
		specs, _ := lt.Get("tagSpecifications")
		items, _ := specs.([]any)
		for _, item := range items {
			if spec, _ := item.(map[string]any); spec["resourceType"] == "instance" {
				addMap(spec["tags"], workers)
			}
		}
	}
	for _, c := range s.OfType(typeEMRCluster) {
		if d, ok := engine.Lookup(c.Provider, "defaultTags.tags"); ok {
			addMap(d, nodes)
		}
		v, _ := c.Get("tags")
		addMap(v, nodes)
	}
	return tags
}

// rebootTargetsWorkers reports targets of a rebooting association that select instances running jobs.
func rebootTargetsWorkers(a *engine.Resource, workerTags map[string]string) []engine.Finding {
	list, ok := a.Get("targets")
	if !ok {
		return nil
	}
	if engine.IsUnknown(list) {
		return engine.WithURN(a.URN, engine.Undecided("targets"))
	}
	items, _ := list.([]any)
	var out []engine.Finding
	for _, item := range items {
		target, _ := item.(map[string]any)
		key, _ := target["key"].(string)
		values := engine.StringsOf(target["values"])
		for _, v := range values {
			what := ""
			switch {
			case key == "InstanceIds" && v == "*" && len(workerTags) > 0:
				what = "every instance, Auto Scaling workers and EMR nodes included,"
			case strings.HasPrefix(key, "tag:"):
				tag := strings.TrimPrefix(key, "tag:")
				what = workerTags[tag+"="+v]
				if what == "" && tag == bootASGTag {
					what = "Auto Scaling workers"
				}
			}
			if what != "" {
				out = append(out, engine.Finding{URN: a.URN, Message: fmt.Sprintf("target %s=%s selects %s, which this association could reboot "+
					"in the middle of a job; target the long-lived instances by id, and workers with RebootOption NoReboot", key, v, what)})
			}
		}
	}
	return out
}
