package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// WriteJSON writes the plan as indented JSON, the contract of DESIGN.md.
func WriteJSON(w io.Writer, p *Plan) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		return fmt.Errorf("write plan json: %w", err)
	}
	return nil
}

// WriteText writes the plan as a tree of resources grouped under their components, then the outputs,
// policy results and cost.
func WriteText(w io.Writer, p *Plan) error {
	tw := &textWriter{w: w}
	tw.printf("Plan of stack %q (project %s): %d resources\n\n", p.Stack, p.Project, len(p.Resources))

	children := map[string][]Resource{}
	for _, r := range p.Resources {
		children[r.Parent] = append(children[r.Parent], r)
	}
	for _, list := range children {
		sort.SliceStable(list, func(i, j int) bool {
			if list[i].Custom != list[j].Custom {
				return list[i].Custom // resources before nested components
			}
			return list[i].Name < list[j].Name
		})
	}
	var walk func(parent, indent string)
	walk = func(parent, indent string) {
		list := children[parent]
		for i, r := range list {
			branch, next := "├─ ", "│  "
			if i == len(list)-1 {
				branch, next = "└─ ", "   "
			}
			if parent == "" {
				branch, next = "", ""
			}
			tw.printf("%s%s%s\n", indent, branch, describe(r))
			walk(r.URN, indent+next)
		}
	}
	walk("", "")

	tw.printf("\nOutputs:\n")
	names := make([]string, 0, len(p.Outputs))
	for k := range p.Outputs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		tw.printf("  %-22s %v\n", k, p.Outputs[k])
	}

	tw.printf("\nPolicy violations: %d\n", len(p.Violations))
	for _, v := range p.Violations {
		level := v.Level
		if v.Category == string(engine.CategoryDeployability) {
			level += ", deployability" // AWS would refuse it, or a flow the design needs is blocked
		}
		tw.printf("  [%s] %s %s: %s\n", level, v.Policy, v.URN, v.Message)
	}
	tw.printf("Policy exemptions: %d\n", len(p.Exemptions))
	for _, e := range p.Exemptions {
		tw.printf("  %s %s: %s\n", e.Policy, e.URN, e.Reason)
	}
	writeSchedules(tw, p)
	writeCost(tw, p.Cost)
	return tw.err
}

type textWriter struct {
	w   io.Writer
	err error
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err != nil {
		return
	}
	_, t.err = fmt.Fprintf(t.w, format, args...)
}

// describe renders one resource line: type, name, id, the facts a reviewer looks for, and its options.
func describe(r Resource) string {
	parts := []string{r.Type, r.Name}
	if r.ID != "" {
		parts = append(parts, "("+r.ID+")")
	}
	if s := summary(r); s != "" {
		parts = append(parts, "-", s)
	}
	var flags []string
	if r.Protect {
		flags = append(flags, "protect")
	}
	if r.RetainOnDelete {
		flags = append(flags, "retain")
	}
	if len(flags) > 0 {
		parts = append(parts, "["+strings.Join(flags, ", ")+"]")
	}
	return strings.Join(parts, " ")
}

// summary picks the inputs that say what a resource does, for the types where a few do.
func summary(r Resource) string {
	in := r.Inputs
	get := func(k string) string {
		if v, ok := in[k]; ok && v != nil {
			return fmt.Sprint(v)
		}
		return ""
	}
	switch r.Type {
	case "aws:ec2/vpc:Vpc":
		return fmt.Sprintf("%s, tenancy %s", get("cidrBlock"), get("instanceTenancy"))
	case "aws:ec2/subnet:Subnet":
		return fmt.Sprintf("%s in %s, public IPs on launch: %s", get("cidrBlock"), get("availabilityZone"), get("mapPublicIpOnLaunch"))
	case "aws:ec2/route:Route":
		target := get("gatewayId") + get("natGatewayId") + get("vpcEndpointId")
		return fmt.Sprintf("%s -> %s", get("destinationCidrBlock"), target)
	case "aws:ec2/networkAclRule:NetworkAclRule":
		dir := "in from"
		if get("egress") == "true" {
			dir = "out to"
		}
		ports := get("fromPort") + "-" + get("toPort")
		if get("protocol") == "1" {
			ports = "icmp " + get("icmpType") + "/" + get("icmpCode")
		} else if get("protocol") == "-1" {
			ports = "all"
		}
		return fmt.Sprintf("#%s %s %s %s %s", get("ruleNumber"), get("ruleAction"), dir, get("cidrBlock"), ports)
	case "aws:ec2/flowLog:FlowLog":
		return "traffic " + get("trafficType")
	case "aws:cloudwatch/logGroup:LogGroup":
		return fmt.Sprintf("%s, %s days", get("name"), get("retentionInDays"))
	case "aws:kms/key:Key":
		return "rotation " + get("enableKeyRotation")
	case "aws:kms/alias:Alias":
		return get("name")
	case "aws:ec2/vpcEndpoint:VpcEndpoint":
		return get("serviceName") + " " + get("vpcEndpointType")
	}
	return ""
}
