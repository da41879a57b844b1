package rules

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// The EC2 instance rules: how instances and launch templates are configured (IMDSv2, monitoring, EBS
// optimisation, instance profile, VPC placement, public addresses, tenancy and instance types). Their user
// data (ec2_userdata.go), Systems Manager management (ec2_ssm.go), volumes (ebs.go), backups (backup.go) and
// schedules (scheduler.go) have files of their own.

// Resource type tokens the instance rules link instances to. They carry a family prefix so that they cannot
// collide with the constants of other rule families in this package.
const (
	computeTypeEIP            = "aws:ec2/eip:Eip"
	computeTypeEIPAssociation = "aws:ec2/eipAssociation:EipAssociation"
)

// computeHIPAAProfile is cdk-nag's mapping for the instance profile rule.
var computeHIPAAProfile = []string{"164.308(a)(3)(i)", "164.308(a)(3)(ii)(A)", "164.308(a)(4)(ii)(A)", hipaaAccessAuthorize, hipaaAccessEstablish, hipaaAccessControl}

// ec2InstanceRules returns the rules on how EC2 instances, launch templates and the other instance-creating
// resources are configured.
func ec2InstanceRules() []engine.Rule {
	return []engine.Rule{
		{
			ID:          "ec2-imdsv2-required",
			Description: "Every instance and launch template requires IMDSv2: metadataOptions.httpTokens is required, so the instance metadata service answers only session-token requests.",
			Level:       engine.Mandatory,
			HIPAA:       []string{hipaaAccessControl},
			Sources: engine.Sources{CdkNag: "HIPAA.Security-EC2IMDSv2Enabled", Config: "ec2-imdsv2-check",
				Checklist: []int{13}},
			Types: []string{typeInstance, typeLaunchTemplate},
			Check: func(r *engine.Resource) []engine.Finding {
				return shapedStringAt(r.Props, "metadataOptions.httpTokens", false, "required")
			},
		},
		{
			ID:          "ec2-detailed-monitoring",
			Description: "Every instance and launch template enables detailed (one-minute) CloudWatch monitoring.",
			Level:       engine.Mandatory,
			HIPAA:       []string{hipaaAuditControls},
			Sources: engine.Sources{CdkNag: "HIPAA.Security-EC2InstanceDetailedMonitoringEnabled", Config: "ec2-instance-detailed-monitoring-enabled",
				AWSGuard: "ec2-instance-detailed-monitoring-enabled", Checklist: []int{14}},
			Types: []string{typeInstance, typeLaunchTemplate},
			Check: func(r *engine.Resource) []engine.Finding {
				if r.Type == typeLaunchTemplate {
					return shapedBoolAt(r.Props, "monitoring.enabled", true, false)
				}
				return shapedBoolAt(r.Props, "monitoring", true, false)
			},
		},
		{
			ID:          "ec2-ebs-optimized",
			Description: "Every instance and launch template sets ebsOptimized to true, so EBS traffic has dedicated capacity.",
			Level:       engine.Advisory,
			HIPAA:       []string{hipaaContingency},
			Sources: engine.Sources{CdkNag: "HIPAA.Security-EC2EBSOptimizedInstance", Config: "ebs-optimized-instance",
				Checklist: []int{12}},
			Types: []string{typeInstance, typeLaunchTemplate},
			Check: func(r *engine.Resource) []engine.Finding {
				return shapedBoolAt(r.Props, "ebsOptimized", true, false)
			},
		},
		{
			ID:          "ec2-instance-profile-attached",
			Description: "Every instance has an instance profile (iamInstanceProfile), and every launch template names one by name or arn, so instances take their permissions from a role.",
			Level:       engine.Mandatory,
			HIPAA:       computeHIPAAProfile,
			Sources: engine.Sources{CdkNag: "HIPAA.Security-EC2InstanceProfileAttached", Config: "ec2-instance-profile-attached",
				Checklist: []int{17}},
			Types: []string{typeInstance, typeLaunchTemplate},
			Check: checkInstanceProfileAttached,
		},
		{
			ID:          "ec2-instances-in-vpc",
			Description: "Every instance is launched into a VPC: it sets subnetId or networkInterfaces.",
			Level:       engine.Mandatory,
			HIPAA:       hipaaNotReachable(),
			Sources: engine.Sources{CdkNag: "HIPAA.Security-EC2InstancesInVPC", Config: "ec2-instances-in-vpc",
				Checklist: []int{18}},
			Types: []string{typeInstance},
			Check: checkInstanceInVPC,
		},
		{
			ID: "ec2-no-public-ip",
			Description: "No instance has a public address: associatePublicIpAddress is not true on instances or launch template network interfaces, " +
				"and no Elastic IP (its instance, or an EIP association's instanceId) is attached to an instance.",
			Level:      engine.Mandatory,
			HIPAA:      hipaaNotReachable(),
			Sources:    engine.Sources{CdkNag: "HIPAA.Security-EC2InstanceNoPublicIp", Config: "ec2-instance-no-public-ip", AWSGuard: "ec2-instance-no-public-ip", Checklist: []int{16}},
			Types:      []string{typeInstance, typeLaunchTemplate, computeTypeEIP, computeTypeEIPAssociation},
			CheckStack: checkNoPublicIP,
		},
		{
			ID:          "ec2-no-burstable-instance-types",
			Description: "No burstable (t-family) instance type anywhere an instance type is set: t-type instances cannot run with dedicated tenancy (the seed: \"t-type AWS EC2 instances may not be used in an SCE\").",
			Level:       engine.Mandatory,
			HIPAA:       []string{hipaaAccessControl, hipaaRiskManagement},
			Sources:     engine.Sources{Other: "SCE design card; seed, Admonitions"},
			Types: []string{typeInstance, typeLaunchTemplate, typeLaunchConfiguration, typeSpotInstanceRequest,
				typeSpotFleetRequest, typeEC2Fleet, typeAutoscalingGroup, typeEMRCluster, typeEMRInstanceGroup, typeEMRInstanceFleet},
			CheckStack: checkNoBurstable,
		},
		{
			ID: "ec2-dedicated-tenancy",
			Description: "Every instance-creating resource (instance, launch template, launch configuration, spot request) asks for dedicated (or host) tenancy explicitly. " +
				"In a dedicated VPC this confirms what the VPC forces; in the default-tenancy VPC of a stack with Redshift it is the guarantee itself, " +
				"and it can be judged from the resource alone.",
			Level:   engine.Mandatory,
			HIPAA:   []string{hipaaAccessControl, hipaaRiskManagement},
			Sources: engine.Sources{Other: "SCE design card"},
			Types:   []string{typeInstance, typeLaunchTemplate, typeLaunchConfiguration, typeSpotInstanceRequest},
			Check: func(r *engine.Resource) []engine.Finding {
				switch r.Type {
				case typeLaunchTemplate:
					return engine.StringAt(r.Props, "placement.tenancy", "placement.tenancy", false, "dedicated", "host")
				case typeLaunchConfiguration:
					return engine.StringAt(r.Props, "placementTenancy", "placementTenancy", false, "dedicated")
				}
				return engine.StringAt(r.Props, "tenancy", "tenancy", false, "dedicated", "host")
			},
		},
	}
}

// checkInstanceProfileAttached requires an instance profile: on an instance by iamInstanceProfile, on a launch
// template by its name or arn.
func checkInstanceProfileAttached(r *engine.Resource) []engine.Finding {
	const why = "instances must take their permissions from a role through an instance profile"
	if r.Type == typeLaunchTemplate {
		name, fs := presentRef(r.Props, "iamInstanceProfile.name")
		arn, fs2 := presentRef(r.Props, "iamInstanceProfile.arn")
		if fs = append(fs, fs2...); len(fs) > 0 {
			return fs[:1]
		}
		if !name && !arn {
			return engine.Fail("iamInstanceProfile.name and iamInstanceProfile.arn are not set: %s", why)
		}
		return nil
	}
	set, fs := presentRef(r.Props, "iamInstanceProfile")
	if fs != nil {
		return fs
	}
	if !set {
		return engine.Fail("iamInstanceProfile is not set: %s", why)
	}
	return nil
}

// checkInstanceInVPC requires an instance to name its subnet or network interfaces, without which EC2 launches
// it outside the stack's VPC.
func checkInstanceInVPC(r *engine.Resource) []engine.Finding {
	subnet, fs := presentRef(r.Props, "subnetId")
	if fs != nil {
		return fs
	}
	if subnet {
		return nil
	}
	v, ok := r.Get("networkInterfaces")
	if ok {
		switch x := v.(type) {
		case []any:
			if len(x) > 0 {
				return nil
			}
		default:
			if engine.IsUnknown(v) {
				return nil
			}
			return engine.Fail("networkInterfaces is %s (%s); expected a list of network interfaces", engine.Kind(v), engine.Describe(v))
		}
	}
	return engine.Fail("neither subnetId nor networkInterfaces is set, so the instance would launch outside the stack's vpc; set subnetId")
}

// checkNoPublicIP judges the public-address settings of instances and launch templates, and Elastic IPs
// given to instances, which are reported on the instance.
func checkNoPublicIP(s *engine.Stack) []engine.Finding {
	var out []engine.Finding
	for _, r := range s.OfType(typeInstance) {
		out = append(out, engine.WithURN(r.URN, shapedBoolAt(r.Props, "associatePublicIpAddress", false, true))...)
	}
	for _, r := range s.OfType(typeLaunchTemplate) {
		nics, fs := engine.ObjectsAt(r.Props, "networkInterfaces", "networkInterfaces")
		for i, nic := range nics {
			fs = append(fs, engine.BoolAt(nic, "associatePublicIpAddress", fmt.Sprintf("networkInterfaces[%d].associatePublicIpAddress", i), false, true)...)
		}
		out = append(out, engine.WithURN(r.URN, fs)...)
	}
	links := []struct{ typ, prop string }{{computeTypeEIP, "instance"}, {computeTypeEIPAssociation, "instanceId"}}
	for _, link := range links {
		for _, eip := range s.OfType(link.typ) {
			v, ok := eip.Get(link.prop)
			if !ok {
				continue
			}
			instances := s.Refs(eip, link.prop, typeInstance)
			for _, inst := range instances {
				out = append(out, engine.Finding{URN: inst.URN, Message: fmt.Sprintf("%s %s gives the instance a public address through its %s; instances must have no public address",
					shortType(eip.Type), eip.Name, link.prop)})
			}
			if len(instances) > 0 {
				continue
			}
			switch {
			case engine.IsUnknown(v):
				out = append(out, engine.WithURN(eip.URN, engine.Undecided(link.prop))...)
			default:
				out = append(out, engine.Finding{URN: eip.URN, Message: fmt.Sprintf("%s is %s, not an instance of this stack; an elastic ip must not give any instance a public address",
					link.prop, engine.Describe(v))})
			}
		}
	}
	return out
}

// burstable matches the burstable (t-family) instance types, such as t3.large.
var burstable = regexp.MustCompile(`^t[0-9][a-z0-9-]*\.`)

// checkNoBurstable walks every property of every resource for instanceType or instanceTypes keys, at any
// depth, so launch template overrides, fleets and EMR groups are covered too.
func checkNoBurstable(s *engine.Stack) []engine.Finding {
	var out []engine.Finding
	for _, r := range s.Resources {
		walk(r.Props, "", func(path, key string, v any) {
			if key != "instanceType" && key != "instanceTypes" {
				return
			}
			for _, t := range engine.StringsOf(v) {
				if burstable.MatchString(strings.ToLower(t)) {
					out = append(out, engine.Finding{URN: r.URN, Message: fmt.Sprintf("%s is %q, a burstable type that cannot run with dedicated tenancy", path, t)})
				}
			}
			if engine.IsUnknown(v) {
				out = append(out, engine.Finding{URN: r.URN, Message: path + " is unknown until deployment, so the rule cannot judge it", Undecided: true})
			}
		})
	}
	return out
}

// walk visits every value below v, with its dotted path and its key.
func walk(v any, path string, visit func(path, key string, v any)) {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			p := k
			if path != "" {
				p = path + "." + k
			}
			visit(p, k, x[k])
			walk(x[k], p, visit)
		}
	case []any:
		for i, e := range x {
			walk(e, fmt.Sprintf("%s[%d]", path, i), visit)
		}
	}
}
