package rules

import (
	"fmt"
	"regexp"
	"strings"
)

// projectRules are the rules of the design card and the seed that no public rule set has.
func projectRules() []Rule {
	return []Rule{
		{
			ID:          "ec2-no-burstable-instance-types",
			Description: "No burstable (t-family) instance type anywhere an instance type is set: t-type instances cannot run with dedicated tenancy (the seed: \"t-type AWS EC2 instances may not be used in an SCE\").",
			Level:       Mandatory,
			HIPAA:       []string{hipaaAccessControl, hipaaRiskManagement},
			Sources:     Sources{Other: "SCE design card; seed, Admonitions"},
			Types: []string{typeInstance, typeLaunchTemplate, typeLaunchConfiguration, typeSpotInstanceRequest,
				typeSpotFleetRequest, typeEC2Fleet, typeAutoscalingGroup, typeEMRCluster, typeEMRInstanceGroup, typeEMRInstanceFleet},
			CheckStack: checkNoBurstable,
		},
		{
			ID: "ec2-dedicated-tenancy",
			Description: "Every instance-creating resource (instance, launch template, launch configuration, spot request) asks for dedicated (or host) tenancy explicitly. " +
				"In a dedicated VPC this confirms what the VPC forces; in the default-tenancy VPC of a stack with Redshift it is the guarantee itself, " +
				"and it can be judged from the resource alone.",
			Level:   Mandatory,
			HIPAA:   []string{hipaaAccessControl, hipaaRiskManagement},
			Sources: Sources{Other: "SCE design card"},
			Types:   []string{typeInstance, typeLaunchTemplate, typeLaunchConfiguration, typeSpotInstanceRequest},
			Check: func(r *Resource) []Finding {
				switch r.Type {
				case typeLaunchTemplate:
					return stringAt(r.Props, "placement.tenancy", "placement.tenancy", false, "dedicated", "host")
				case typeLaunchConfiguration:
					return stringAt(r.Props, "placementTenancy", "placementTenancy", false, "dedicated")
				}
				return stringAt(r.Props, "tenancy", "tenancy", false, "dedicated", "host")
			},
		},
		{
			ID: "ebs-volumes-encrypted",
			Description: "Every EBS volume is encrypted, explicitly: standalone volumes, instance root and data devices, launch template mappings. " +
				"A root device left unset relies on the account default, which proves nothing to a reviewer.",
			Level:   Mandatory,
			HIPAA:   []string{hipaaEncryptionAtRest},
			Sources: Sources{Config: "encrypted-volumes", AWSGuard: "encrypted-volumes", Other: "SCE design card", Checklist: []int{24}},
			Types:   []string{typeEBSVolume, typeInstance, typeLaunchTemplate, typeLaunchConfiguration, typeSpotInstanceRequest},
			Check:   checkEBSEncrypted,
		},
		{
			ID:          "resources-tagged-with-pit",
			Description: "Every taggable resource carries the Project tag (the PIT), through its own tags or its provider's defaultTags.",
			Level:       Mandatory,
			HIPAA:       []string{hipaaAccessManagement, "164.310(d)(2)(iii)"},
			Sources:     Sources{Other: "SCE design (one stack per Project Identifier Tag)"},
			Types:       taggableTypes(),
			CheckStack:  checkPITTags,
		},
	}
}

var burstable = regexp.MustCompile(`^t[0-9][a-z0-9-]*\.`)

// checkNoBurstable walks every property of every resource for instanceType or instanceTypes keys, at any
// depth, so launch template overrides, fleets and EMR groups are covered too.
func checkNoBurstable(s *Stack) []Finding {
	var out []Finding
	for _, r := range s.Resources {
		walk(r.Props, "", func(path, key string, v any) {
			if key != "instanceType" && key != "instanceTypes" {
				return
			}
			for _, t := range stringsOf(v) {
				if burstable.MatchString(strings.ToLower(t)) {
					out = append(out, Finding{URN: r.URN, Message: fmt.Sprintf("%s is %q, a burstable type that cannot run with dedicated tenancy", path, t)})
				}
			}
			if IsUnknown(v) {
				out = append(out, Finding{URN: r.URN, Message: path + " is unknown until deployment, so the rule cannot judge it", Undecided: true})
			}
		})
	}
	return out
}

// walk visits every value below v, with its dotted path and its key.
func walk(v any, path string, visit func(path, key string, v any)) {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
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

func checkEBSEncrypted(r *Resource) []Finding {
	switch r.Type {
	case typeEBSVolume:
		return boolAt(r.Props, "encrypted", "encrypted", true, false)
	case typeLaunchTemplate:
		mappings, out := objectsAt(r.Props, "blockDeviceMappings", "blockDeviceMappings")
		for i, m := range mappings {
			if _, ok := m["ebs"]; !ok {
				continue // an instance-store or suppressed mapping has no EBS volume
			}
			out = append(out, boolAt(m, "ebs.encrypted", fmt.Sprintf("blockDeviceMappings[%d].ebs.encrypted", i), true, false)...)
		}
		return out
	}
	// Instances, launch configurations and spot requests share the instance shape.
	var out []Finding
	if _, ok := r.Get("rootBlockDevice"); !ok {
		out = append(out, fail("rootBlockDevice is not set, so the root volume's encryption rests on the account default; set rootBlockDevice.encrypted to true")...)
	} else {
		out = append(out, boolAt(r.Props, "rootBlockDevice.encrypted", "rootBlockDevice.encrypted", true, false)...)
	}
	devices, problems := objectsAt(r.Props, "ebsBlockDevices", "ebsBlockDevices")
	out = append(out, problems...)
	for i, d := range devices {
		out = append(out, boolAt(d, "encrypted", fmt.Sprintf("ebsBlockDevices[%d].encrypted", i), true, false)...)
	}
	return out
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

func checkPITTags(s *Stack) []Finding {
	var out []Finding
	for _, r := range s.OfType(taggableTypes()...) {
		if tag := stringAtOr(r.Props, "tags.Project"); tag != "" {
			continue
		}
		if v, ok := lookup(r.Props, "tags.Project"); ok && IsUnknown(v) {
			continue
		}
		if tag := stringAtOr(r.Provider, "defaultTags.tags.Project"); tag != "" {
			continue
		}
		out = append(out, Finding{URN: r.URN, Message: "no Project tag: neither tags.Project nor the provider's defaultTags.tags.Project is set"})
	}
	return out
}
