package export

// This file places the dot graph's nodes and clusters: the VPC and its subnets as clusters, what sits in
// them (instances and their volumes, gateways, endpoints, flow logs, Redshift, EMR), and the regional
// services grouped by kind.

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/internal/plan"
)

// places adds the clusters and nodes: the VPC, its subnets and what sits in them, then, through
// servicePlaces, the regional services grouped by kind.
func (g *graph) places(f *facts) {
	p := f.p
	for _, r := range p.Find(typVpc) {
		label := fmt.Sprintf("VPC %s\n%s", r.Name, str(r.Inputs["cidrBlock"]))
		if t := str(r.Inputs["instanceTenancy"]); t != "" && t != "default" {
			label += ", " + t + " tenancy"
		}
		g.addCluster(&cluster{id: "cluster_" + identifier(r.Name), label: label, fill: "#eef5ff"})
	}
	vpcCluster := func(r *plan.Resource) string {
		if v := f.dep(r, "vpcId", typVpc); v != nil {
			return "cluster_" + identifier(v.Name)
		}
		return ""
	}
	subnetCluster := map[string]string{} // subnet URN → cluster id
	for _, r := range p.Find(typSubnet) {
		id := "cluster_" + identifier(r.Name)
		label := fmt.Sprintf("subnet %s\n%s", r.Name, str(r.Inputs["cidrBlock"]))
		if az := str(r.Inputs["availabilityZone"]); az != "" {
			label += " " + az
		}
		parent := vpcCluster(&r)
		g.addCluster(&cluster{id: id, label: label, parent: parent, fill: "#ffffff"})
		if parent != "" {
			g.clusters[parent].children = append(g.clusters[parent].children, id)
		}
		subnetCluster[r.URN] = id
	}
	inSubnet := func(r *plan.Resource) string {
		if s := f.dep(r, "subnetId", typSubnet); s != nil {
			return subnetCluster[s.URN]
		}
		return vpcCluster(r)
	}

	eips := map[string]string{} // instance URN → public address
	for _, e := range p.Find(typEip) {
		if inst := f.dep(&e, "instance", typInstance); inst != nil {
			eips[inst.URN] = str(e.Outputs["publicIp"])
		}
	}
	instanceCluster := map[string]string{}
	for _, r := range p.Find(typInstance) {
		label := fmt.Sprintf("EC2 %s\n%s", r.Name, str(r.Inputs["instanceType"]))
		if ip, ok := eips[r.URN]; ok {
			label += "\nElastic IP " + ip
		} else if b, ok := r.Inputs["associatePublicIpAddress"].(bool); ok && !b {
			label += "\nno public address"
		}
		c := inSubnet(&r)
		instanceCluster[r.URN] = c
		g.addResource(f, &r, label, "box3d", "#fff4d6", c)
	}
	for _, a := range p.Find(typAttachment) {
		inst, vol := f.dep(&a, "instanceId", typInstance), f.dep(&a, "volumeId", typVolume)
		if inst == nil || vol == nil {
			continue
		}
		label := fmt.Sprintf("EBS %s\n%v GiB %s", vol.Name, vol.Inputs["size"], str(vol.Inputs["type"]))
		if enc, _ := vol.Inputs["encrypted"].(bool); enc {
			label += ", encrypted"
		}
		g.addResource(f, vol, label, "cylinder", "#fff4d6", instanceCluster[inst.URN])
		g.addEdge(nodeID(inst), nodeID(vol), "attached "+str(a.Inputs["deviceName"]), "dashed")
	}
	for _, r := range p.Find(typNat) {
		label := fmt.Sprintf("NAT gateway %s", r.Name)
		if ip := str(r.Outputs["publicIp"]); ip != "" {
			label += "\n" + ip
		}
		g.addResource(f, &r, label, "octagon", "#e6f4ea", inSubnet(&r))
	}
	for _, r := range p.Find(typIgw) {
		g.addResource(f, &r, "internet gateway\n"+r.Name, "octagon", "#e6f4ea", vpcCluster(&r))
	}
	for _, r := range p.Find(typEndpoint) {
		label := fmt.Sprintf("VPC endpoint %s\n%s %s", r.Name, str(r.Inputs["serviceName"]), strings.ToLower(str(r.Inputs["vpcEndpointType"])))
		g.addResource(f, &r, label, "component", "#e6f4ea", vpcCluster(&r))
	}
	for _, r := range p.Find(typFlowLog) {
		label := fmt.Sprintf("flow log %s\ntraffic %s", r.Name, str(r.Inputs["trafficType"]))
		g.addResource(f, &r, label, "note", "#ffffff", vpcCluster(&r))
	}
	for _, r := range p.Find(typRedshift) {
		c := ""
		if sg := f.dep(&r, "clusterSubnetGroupName", typRedshiftSN); sg != nil {
			for _, s := range f.deps(sg, "subnetIds") {
				c = subnetCluster[s.URN]
			}
		}
		g.addResource(f, &r, fmt.Sprintf("Redshift %s\n%s", r.Name, str(r.Inputs["nodeType"])), "cylinder", "#fff4d6", c)
	}
	for _, r := range p.Find(typEMRCluster) {
		c := ""
		for _, d := range f.deps(&r, "ec2Attributes") {
			if d.Type == typSubnet {
				c = subnetCluster[d.URN]
			}
		}
		core, _ := r.Inputs["coreInstanceGroup"].(map[string]any)
		label := fmt.Sprintf("EMR %s\n%s, %v core × %s", r.Name, str(r.Inputs["releaseLabel"]), core["instanceCount"], str(core["instanceType"]))
		g.addResource(f, &r, label, "box3d", "#fff4d6", c)
	}
	g.servicePlaces(f)
}

// servicePlaces adds the regional services outside the VPC, each family in its own cluster: the buckets,
// the log groups, the audit services and the key, and the ancillary services.
func (g *graph) servicePlaces(f *facts) {
	for _, r := range f.p.Resources {
		r := r
		var c, label, shape, fill string
		switch {
		case isBucket(&r):
			c = g.group("cluster_s3", "Amazon S3 (regional)", "#fdf1f1")
			label, shape, fill = "S3 bucket\n"+str(r.Inputs["bucket"]), "folder", "#ffffff"
		case r.Type == typLogGroup:
			c = g.group("cluster_logs", "CloudWatch Logs", "#f4f0fb")
			label, shape, fill = "log group\n"+str(r.Inputs["name"]), "note", "#ffffff"
			if d, ok := r.Inputs["retentionInDays"]; ok {
				label += fmt.Sprintf("\nkept %v days", d)
			}
		case r.Type == typTrail:
			c = g.auditGroup()
			label, shape, fill = "CloudTrail "+str(r.Inputs["name"]), "cds", "#ffffff"
			if m, _ := r.Inputs["isMultiRegionTrail"].(bool); m {
				label += "\nall regions"
			}
		case r.Type == typKey:
			c = g.auditGroup()
			label, shape, fill = "KMS key "+r.Name, "hexagon", "#ffffff"
			if rot, _ := r.Inputs["enableKeyRotation"].(bool); rot {
				label += "\nrotated yearly"
			}
		case r.Type == typTopic:
			c = g.auditGroup()
			label, shape, fill = "SNS topic "+str(r.Inputs["name"]), "parallelogram", "#ffffff"
		case r.Type == typRecorder:
			c = g.auditGroup()
			label, shape, fill = "AWS Config recorder", "cds", "#ffffff"
		case r.Type == typLambda:
			c = g.ancillaryGroup()
			label, shape, fill = "Lambda "+r.Name, "component", "#ffffff"
		case r.Type == typTable:
			c = g.ancillaryGroup()
			label, shape, fill = "DynamoDB "+r.Name, "cylinder", "#ffffff"
		case r.Type == typQueue:
			c = g.ancillaryGroup()
			label, shape, fill = "SQS "+r.Name, "parallelogram", "#ffffff"
		default:
			continue
		}
		g.addResource(f, &r, label, shape, fill, c)
	}
}

// addResource adds the node of a drawn resource and records its node id, for the flows that reach it.
func (g *graph) addResource(f *facts, r *plan.Resource, label, shape, fill, cluster string) {
	g.addNode(&gnode{id: nodeID(r), label: label, shape: shape, fill: fill, cluster: cluster})
	f.byID[r.URN] = nodeID(r)
}
