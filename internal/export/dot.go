package export

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/sce-project/sce/internal/plan"
)

// WriteDot writes the architecture of the plan as a Graphviz graph: the VPC and its subnets as clusters,
// the instances, NAT and internet gateways, the S3 endpoint, the buckets, the trail, the key and the log
// groups as nodes, and the data flows between them as edges. Everything is derived from resource types
// and the references between resources (security group rules, route tables, instance roles, the trail's
// and flow log's destinations), so that any stack's graph is its own.
func WriteDot(w io.Writer, p *plan.Plan) error {
	g := buildGraph(p)
	if _, err := io.WriteString(w, g.dot()); err != nil {
		return fmt.Errorf("write dot: %w", err)
	}
	return nil
}

// internetNode is the node id of the internet, where researchers, the builder and package mirrors are.
const internetNode = "internet"

// graph is the architecture graph of one plan.
type graph struct {
	title    string
	nodes    map[string]*gnode
	order    []string // node ids in the order they were added
	clusters map[string]*cluster
	roots    []string // top-level cluster ids
	edges    []gedge
	seen     map[string]bool // edge keys, to add each flow once
}

// gnode is one node; cluster is the id of the cluster it sits in ("" at the top level).
type gnode struct {
	id, label, shape, fill, cluster string
}

// cluster is a subgraph drawn as a box: the VPC, its subnets, and groups of services.
type cluster struct {
	id, label, parent, fill string
	children                []string
}

// gedge is one data flow.
type gedge struct {
	from, to, label, style string
}

// facts indexes what the graph derives flows from.
type facts struct {
	p     *plan.Plan
	byURN map[string]*plan.Resource
	byID  map[string]string // node id of each URN drawn
}

func buildGraph(p *plan.Plan) *graph {
	g := &graph{nodes: map[string]*gnode{}, clusters: map[string]*cluster{}, seen: map[string]bool{}}
	f := &facts{p: p, byURN: map[string]*plan.Resource{}, byID: map[string]string{}}
	for i := range p.Resources {
		f.byURN[p.Resources[i].URN] = &p.Resources[i]
	}
	region := ""
	for _, r := range p.Find(awsProviderType) {
		if s, ok := r.Inputs["region"].(string); ok {
			region = s
		}
	}
	g.title = fmt.Sprintf("SCE stack %s", p.Stack)
	if region != "" {
		g.title += " (" + region + ")"
	}
	g.addNode(&gnode{id: internetNode, label: "Internet\nresearchers, builder, package mirrors", shape: "ellipse", fill: "#f2f2f2"})
	g.places(f)
	g.networkFlows(f)
	g.roleFlows(f)
	g.auditFlows(f)
	return g
}

// nodeID is the graph id of a resource.
func nodeID(r *plan.Resource) string { return "n_" + identifier(r.Name) }

func (g *graph) addNode(n *gnode) {
	if _, ok := g.nodes[n.id]; ok {
		return
	}
	g.nodes[n.id] = n
	g.order = append(g.order, n.id)
	if n.cluster != "" {
		c := g.clusters[n.cluster]
		c.children = append(c.children, n.id)
	}
}

func (g *graph) addCluster(c *cluster) {
	if _, ok := g.clusters[c.id]; ok {
		return
	}
	g.clusters[c.id] = c
	if c.parent == "" {
		g.roots = append(g.roots, c.id)
	}
}

// group returns a top-level cluster for a family of services, creating it.
func (g *graph) group(id, label, fill string) string {
	g.addCluster(&cluster{id: id, label: label, fill: fill})
	return id
}

func (g *graph) addEdge(from, to, label, style string) {
	if from == "" || to == "" || from == to {
		return
	}
	key := from + "\x00" + to + "\x00" + label
	if g.seen[key] {
		return
	}
	g.seen[key] = true
	g.edges = append(g.edges, gedge{from: from, to: to, label: label, style: style})
}

// dep returns the first resource an input of r came from, of the given type when typ is not "".
func (f *facts) dep(r *plan.Resource, input, typ string) *plan.Resource {
	for _, urn := range r.PropertyDependencies[input] {
		if d := f.byURN[urn]; d != nil && (typ == "" || d.Type == typ) {
			return d
		}
	}
	return nil
}

// deps returns every resource an input of r came from.
func (f *facts) deps(r *plan.Resource, input string) []*plan.Resource {
	var out []*plan.Resource
	for _, urn := range r.PropertyDependencies[input] {
		if d := f.byURN[urn]; d != nil {
			out = append(out, d)
		}
	}
	return out
}

// Pulumi types the graph draws or reads.
const (
	typVpc          = "aws:ec2/vpc:Vpc"
	typSubnet       = "aws:ec2/subnet:Subnet"
	typInstance     = "aws:ec2/instance:Instance"
	typVolume       = "aws:ebs/volume:Volume"
	typAttachment   = "aws:ec2/volumeAttachment:VolumeAttachment"
	typEip          = "aws:ec2/eip:Eip"
	typNat          = "aws:ec2/natGateway:NatGateway"
	typIgw          = "aws:ec2/internetGateway:InternetGateway"
	typEndpoint     = "aws:ec2/vpcEndpoint:VpcEndpoint"
	typEndpointRT   = "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation"
	typRoute        = "aws:ec2/route:Route"
	typRTAssoc      = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	typSGRule       = "aws:ec2/securityGroupRule:SecurityGroupRule"
	typFlowLog      = "aws:ec2/flowLog:FlowLog"
	typBucketV2     = "aws:s3/bucketV2:BucketV2"
	typBucket       = "aws:s3/bucket:Bucket"
	typBucketLog    = "aws:s3/bucketLoggingV2:BucketLoggingV2"
	typTrail        = "aws:cloudtrail/trail:Trail"
	typKey          = "aws:kms/key:Key"
	typLogGroup     = "aws:cloudwatch/logGroup:LogGroup"
	typFilter       = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
	typAlarm        = "aws:cloudwatch/metricAlarm:MetricAlarm"
	typTopic        = "aws:sns/topic:Topic"
	typSubscription = "aws:sns/topicSubscription:TopicSubscription"
	typConfigRule   = "aws:cfg/rule:Rule"
	typRecorder     = "aws:cfg/recorder:Recorder"
	typDelivery     = "aws:cfg/deliveryChannel:DeliveryChannel"
	typProfile      = "aws:iam/instanceProfile:InstanceProfile"
	typRole         = "aws:iam/role:Role"
	typAttach       = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	typPolicy       = "aws:iam/policy:Policy"
	typRolePolicy   = "aws:iam/rolePolicy:RolePolicy"
	typRedshift     = "aws:redshift/cluster:Cluster"
	typRedshiftSN   = "aws:redshift/subnetGroup:SubnetGroup"
	typEMRCluster   = "aws:emr/cluster:Cluster"
	typLambda       = "aws:lambda/function:Function"
	typTable        = "aws:dynamodb/table:Table"
	typQueue        = "aws:sqs/queue:Queue"
)

func isBucket(r *plan.Resource) bool {
	return r != nil && (r.Type == typBucketV2 || r.Type == typBucket)
}

// places adds the clusters and nodes: the VPC, its subnets and what sits in them, then the regional
// services grouped by kind.
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
		g.addNode(&gnode{id: nodeID(&r), label: label, shape: "box3d", fill: "#fff4d6", cluster: c})
		f.byID[r.URN] = nodeID(&r)
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
		g.addNode(&gnode{id: nodeID(vol), label: label, shape: "cylinder", fill: "#fff4d6", cluster: instanceCluster[inst.URN]})
		f.byID[vol.URN] = nodeID(vol)
		g.addEdge(nodeID(inst), nodeID(vol), "attached "+str(a.Inputs["deviceName"]), "dashed")
	}
	for _, r := range p.Find(typNat) {
		label := fmt.Sprintf("NAT gateway %s", r.Name)
		if ip := str(r.Outputs["publicIp"]); ip != "" {
			label += "\n" + ip
		}
		g.addNode(&gnode{id: nodeID(&r), label: label, shape: "octagon", fill: "#e6f4ea", cluster: inSubnet(&r)})
		f.byID[r.URN] = nodeID(&r)
	}
	for _, r := range p.Find(typIgw) {
		g.addNode(&gnode{id: nodeID(&r), label: "internet gateway\n" + r.Name, shape: "octagon", fill: "#e6f4ea", cluster: vpcCluster(&r)})
		f.byID[r.URN] = nodeID(&r)
	}
	for _, r := range p.Find(typEndpoint) {
		label := fmt.Sprintf("VPC endpoint %s\n%s %s", r.Name, str(r.Inputs["serviceName"]), strings.ToLower(str(r.Inputs["vpcEndpointType"])))
		g.addNode(&gnode{id: nodeID(&r), label: label, shape: "component", fill: "#e6f4ea", cluster: vpcCluster(&r)})
		f.byID[r.URN] = nodeID(&r)
	}
	for _, r := range p.Find(typFlowLog) {
		label := fmt.Sprintf("flow log %s\ntraffic %s", r.Name, str(r.Inputs["trafficType"]))
		g.addNode(&gnode{id: nodeID(&r), label: label, shape: "note", fill: "#ffffff", cluster: vpcCluster(&r)})
		f.byID[r.URN] = nodeID(&r)
	}
	for _, r := range p.Find(typRedshift) {
		c := ""
		if sg := f.dep(&r, "clusterSubnetGroupName", typRedshiftSN); sg != nil {
			for _, s := range f.deps(sg, "subnetIds") {
				c = subnetCluster[s.URN]
			}
		}
		g.addNode(&gnode{id: nodeID(&r), label: fmt.Sprintf("Redshift %s\n%s", r.Name, str(r.Inputs["nodeType"])), shape: "cylinder", fill: "#fff4d6", cluster: c})
		f.byID[r.URN] = nodeID(&r)
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
		g.addNode(&gnode{id: nodeID(&r), label: label, shape: "box3d", fill: "#fff4d6", cluster: c})
		f.byID[r.URN] = nodeID(&r)
	}

	for _, r := range p.Resources {
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
			c = g.group("cluster_audit", "Audit and keys (account, region)", "#f7f7f7")
			label, shape, fill = "CloudTrail "+str(r.Inputs["name"]), "cds", "#ffffff"
			if m, _ := r.Inputs["isMultiRegionTrail"].(bool); m {
				label += "\nall regions"
			}
		case r.Type == typKey:
			c = g.group("cluster_audit", "Audit and keys (account, region)", "#f7f7f7")
			label, shape, fill = "KMS key "+r.Name, "hexagon", "#ffffff"
			if rot, _ := r.Inputs["enableKeyRotation"].(bool); rot {
				label += "\nrotated yearly"
			}
		case r.Type == typTopic:
			c = g.group("cluster_audit", "Audit and keys (account, region)", "#f7f7f7")
			label, shape, fill = "SNS topic "+str(r.Inputs["name"]), "parallelogram", "#ffffff"
		case r.Type == typRecorder:
			c = g.group("cluster_audit", "Audit and keys (account, region)", "#f7f7f7")
			label, shape, fill = "AWS Config recorder", "cds", "#ffffff"
		case r.Type == typLambda:
			c = g.group("cluster_ancillary", "Ancillary services", "#f7f7f7")
			label, shape, fill = "Lambda "+r.Name, "component", "#ffffff"
		case r.Type == typTable:
			c = g.group("cluster_ancillary", "Ancillary services", "#f7f7f7")
			label, shape, fill = "DynamoDB "+r.Name, "cylinder", "#ffffff"
		case r.Type == typQueue:
			c = g.group("cluster_ancillary", "Ancillary services", "#f7f7f7")
			label, shape, fill = "SQS "+r.Name, "parallelogram", "#ffffff"
		default:
			continue
		}
		g.addNode(&gnode{id: nodeID(&r), label: label, shape: shape, fill: fill, cluster: c})
		f.byID[r.URN] = nodeID(&r)
	}
}

// routing indexes the network's routes: the route table of each subnet, the routes and gateway endpoints
// of each table, the subnet of each instance and NAT gateway, and the instances of each subnet.
type routing struct {
	subnetTable map[string]string           // subnet URN → route table URN
	routes      map[string][]*plan.Resource // route table URN → routes
	endpoints   map[string][]*plan.Resource // route table URN → gateway endpoints
	subnetOf    map[string]string           // instance or NAT URN → subnet URN
	members     map[string][]*plan.Resource // subnet URN → instances
}

// routing builds the route index from the route table associations, routes and endpoint associations.
func (f *facts) routing() routing {
	rt := routing{subnetTable: map[string]string{}, routes: map[string][]*plan.Resource{}, endpoints: map[string][]*plan.Resource{},
		subnetOf: map[string]string{}, members: map[string][]*plan.Resource{}}
	for _, a := range f.p.Find(typRTAssoc) {
		s, t := f.dep(&a, "subnetId", typSubnet), f.dep(&a, "routeTableId", "")
		if s != nil && t != nil {
			rt.subnetTable[s.URN] = t.URN
		}
	}
	for i := range f.p.Resources {
		r := &f.p.Resources[i]
		switch r.Type {
		case typRoute:
			if t := f.dep(r, "routeTableId", ""); t != nil {
				rt.routes[t.URN] = append(rt.routes[t.URN], r)
			}
		case typEndpointRT:
			t, e := f.dep(r, "routeTableId", ""), f.dep(r, "vpcEndpointId", typEndpoint)
			if t != nil && e != nil {
				rt.endpoints[t.URN] = append(rt.endpoints[t.URN], e)
			}
		case typInstance, typNat:
			if s := f.dep(r, "subnetId", typSubnet); s != nil {
				rt.subnetOf[r.URN] = s.URN
				if r.Type == typInstance {
					rt.members[s.URN] = append(rt.members[s.URN], r)
				}
			}
		}
	}
	return rt
}

// defaultRoute returns the target of a subnet's 0.0.0.0/0 route: an internet or NAT gateway.
func (f *facts) defaultRoute(rt routing, subnet string) *plan.Resource {
	for _, route := range rt.routes[rt.subnetTable[subnet]] {
		if str(route.Inputs["destinationCidrBlock"]) != "0.0.0.0/0" {
			continue
		}
		if g := f.dep(route, "gatewayId", typIgw); g != nil {
			return g
		}
		if n := f.dep(route, "natGatewayId", typNat); n != nil {
			return n
		}
	}
	return nil
}

// networkFlows adds the flows the network allows: ssh from the internet through the internet gateway,
// ssh between security groups, egress through the NAT gateway, and S3 through the gateway endpoint.
func (g *graph) networkFlows(f *facts) {
	rt := f.routing()
	sgMembers := map[string][]*plan.Resource{} // security group URN → instances
	for _, inst := range f.p.Find(typInstance) {
		inst := inst
		for _, sg := range f.deps(&inst, "vpcSecurityGroupIds") {
			sgMembers[sg.URN] = append(sgMembers[sg.URN], f.byURN[inst.URN])
		}
	}
	// Ingress rules: from the internet (CIDR blocks) or from another group.
	type ingress struct{ cidrs []string }
	fromInternet := map[string]*ingress{} // instance URN → allowed blocks
	var instanceOrder []string
	for _, rule := range f.p.Find(typSGRule) {
		rule := rule
		if str(rule.Inputs["type"]) != "ingress" {
			continue
		}
		sg := f.dep(&rule, "securityGroupId", "")
		if sg == nil {
			continue
		}
		port := portLabel(rule.Inputs)
		if src := f.dep(&rule, "sourceSecurityGroupId", ""); src != nil {
			for _, from := range sgMembers[src.URN] {
				for _, to := range sgMembers[sg.URN] {
					g.addEdge(nodeID(from), nodeID(to), port, "bold")
				}
			}
			continue
		}
		for _, to := range sgMembers[sg.URN] {
			in, ok := fromInternet[to.URN]
			if !ok {
				in = &ingress{}
				fromInternet[to.URN] = in
				instanceOrder = append(instanceOrder, to.URN)
			}
			for _, c := range strs(rule.Inputs["cidrBlocks"]) {
				in.cidrs = append(in.cidrs, port+" from "+c)
			}
		}
	}
	for _, urn := range instanceOrder {
		inst := f.byURN[urn]
		label := strings.Join(fromInternet[urn].cidrs, "\n")
		if gw := f.defaultRoute(rt, rt.subnetOf[urn]); gw != nil && gw.Type == typIgw {
			g.addEdge(internetNode, nodeID(gw), label, "bold")
			g.addEdge(nodeID(gw), nodeID(inst), "to the Elastic IP", "bold")
			continue
		}
		g.addEdge(internetNode, nodeID(inst), label, "bold")
	}

	// Egress: instances → their subnet's default route target; a NAT gateway → its own subnet's gateway.
	subnets := make([]string, 0, len(rt.members))
	for s := range rt.members {
		subnets = append(subnets, s)
	}
	sort.Strings(subnets)
	for _, s := range subnets {
		gw := f.defaultRoute(rt, s)
		if gw == nil || gw.Type != typNat {
			continue
		}
		for _, inst := range rt.members[s] {
			g.addEdge(nodeID(inst), nodeID(gw), "0.0.0.0/0: updates, packages", "")
		}
		if out := f.defaultRoute(rt, rt.subnetOf[gw.URN]); out != nil && out.Type == typIgw {
			g.addEdge(nodeID(gw), nodeID(out), "egress", "")
			g.addEdge(nodeID(out), internetNode, "egress", "")
		}
	}

	// S3 through the gateway endpoint: instances whose subnet's route table has the endpoint.
	for _, s := range subnets {
		for _, ep := range rt.endpoints[rt.subnetTable[s]] {
			for _, inst := range rt.members[s] {
				g.addEdge(nodeID(inst), nodeID(ep), "S3 prefix list route", "")
			}
		}
	}
}

// portLabel describes a security group rule's protocol and ports ("ssh :22", "tcp :443").
func portLabel(in map[string]any) string {
	from, to := fmt.Sprint(in["fromPort"]), fmt.Sprint(in["toPort"])
	proto := str(in["protocol"])
	if from == "22" && to == "22" && proto == "tcp" {
		return "ssh :22"
	}
	if from == to {
		return fmt.Sprintf("%s :%s", proto, from)
	}
	return fmt.Sprintf("%s :%s-%s", proto, from, to)
}

// roleFlows adds what each instance's role lets it do with the project's buckets and log groups: S3
// reads and writes (through the endpoint when its subnet routes S3 there) and logs it ships.
func (g *graph) roleFlows(f *facts) {
	rt := f.routing()
	for _, inst := range f.p.Find(typInstance) {
		inst := inst
		docs := f.instancePolicies(&inst)
		endpoint := ""
		for _, ep := range rt.endpoints[rt.subnetTable[rt.subnetOf[inst.URN]]] {
			endpoint = nodeID(ep)
		}
		for i := range f.p.Resources {
			target := &f.p.Resources[i]
			switch {
			case isBucket(target):
				access := s3Access(docs, str(target.Outputs["arn"]))
				if access == "" {
					continue
				}
				if endpoint != "" {
					g.addEdge(nodeID(&inst), endpoint, "S3 prefix list route", "")
					g.addEdge(endpoint, nodeID(target), access, "")
				} else {
					g.addEdge(nodeID(&inst), nodeID(target), access, "")
				}
			case target.Type == typLogGroup:
				if allows(docs, "logs:PutLogEvents", str(target.Outputs["arn"])) {
					g.addEdge(nodeID(&inst), nodeID(target), "logs", "dashed")
				}
			}
		}
	}
}

// instancePolicies returns the policy documents of an instance's role (instance profile → role → attached
// customer policies and inline role policies) and of the roles that role may assume.
func (f *facts) instancePolicies(inst *plan.Resource) []map[string]any {
	profile := f.dep(inst, "iamInstanceProfile", typProfile)
	if profile == nil {
		return nil
	}
	role := f.dep(profile, "role", typRole)
	if role == nil {
		return nil
	}
	docs := f.rolePolicies(role)
	// What the instance does for its users through the roles it may assume (the workstation's broker
	// assumes the researcher role for each login): those roles' data flows are the instance's too.
	for i := range f.p.Resources {
		if other := &f.p.Resources[i]; other.Type == typRole && other != role && allows(docs, "sts:AssumeRole", str(other.Outputs["arn"])) {
			docs = append(docs, f.rolePolicies(other)...)
		}
	}
	return docs
}

// rolePolicies returns a role's attached customer policies and inline role policies.
func (f *facts) rolePolicies(role *plan.Resource) []map[string]any {
	var docs []map[string]any
	for i := range f.p.Resources {
		r := &f.p.Resources[i]
		switch r.Type {
		case typAttach:
			if f.dep(r, "role", typRole) != role {
				continue
			}
			if pol := f.dep(r, "policyArn", typPolicy); pol != nil {
				if doc, ok := jsonDocument(str(pol.Inputs["policy"])); ok {
					docs = append(docs, doc)
				}
			}
		case typRolePolicy:
			if f.dep(r, "role", typRole) == role {
				if doc, ok := jsonDocument(str(r.Inputs["policy"])); ok {
					docs = append(docs, doc)
				}
			}
		}
	}
	return docs
}

// s3Access says what the policies let a role do with a bucket's objects: "read", "write" or both.
func s3Access(docs []map[string]any, bucketARN string) string {
	if bucketARN == "" {
		return ""
	}
	read := allows(docs, "s3:GetObject", bucketARN+"/*")
	write := allows(docs, "s3:PutObject", bucketARN+"/*")
	switch {
	case read && write:
		return "read, write"
	case read:
		return "read"
	case write:
		return "write"
	}
	return ""
}

// allows reports whether an Allow statement of the documents grants an action on a resource ARN (or on
// the ARN's log streams, for a log group). Wildcards in actions and resources are honoured; a statement
// granting "*" resources is not counted, since it names no particular resource.
func allows(docs []map[string]any, action, arn string) bool {
	for _, doc := range docs {
		for _, st := range statements(doc["Statement"]) {
			if str(st["Effect"]) != "Allow" {
				continue
			}
			if !anyMatch(strs(st["Action"]), action) {
				continue
			}
			for _, res := range strs(st["Resource"]) {
				if res == "*" {
					continue
				}
				if wildcardMatch(res, arn) || strings.HasPrefix(res, arn+":") {
					return true
				}
			}
		}
	}
	return false
}

func statements(v any) []map[string]any {
	switch s := v.(type) {
	case map[string]any:
		return []map[string]any{s}
	case []any:
		var out []map[string]any
		for _, e := range s {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

func anyMatch(patterns []string, s string) bool {
	for _, p := range patterns {
		if wildcardMatch(p, s) {
			return true
		}
	}
	return false
}

// wildcardMatch matches IAM's * and ? wildcards.
func wildcardMatch(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if wildcardMatch(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && wildcardMatch(pattern[1:], s[1:])
	}
	return s != "" && s[0] == pattern[0] && wildcardMatch(pattern[1:], s[1:])
}

// auditFlows adds where evidence goes: the trail's log files and events, the PHI buckets' data events,
// server access logs, flow logs, AWS Config snapshots, alarms and their notifications, and which resources
// the project key encrypts.
func (g *graph) auditFlows(f *facts) {
	p := f.p
	for _, t := range p.Find(typTrail) {
		t := t
		if b := f.dep(&t, "s3BucketName", ""); isBucket(b) {
			g.addEdge(nodeID(&t), nodeID(b), "log files", "")
		}
		if lg := f.dep(&t, "cloudWatchLogsGroupArn", typLogGroup); lg != nil {
			g.addEdge(nodeID(&t), nodeID(lg), "events", "")
		}
		for _, b := range f.deps(&t, "advancedEventSelectors") {
			if isBucket(b) {
				g.addEdge(nodeID(b), nodeID(&t), "object reads and writes", "dashed")
			}
		}
	}
	for _, l := range p.Find(typBucketLog) {
		l := l
		src, dst := f.dep(&l, "bucket", ""), f.dep(&l, "targetBucket", "")
		if isBucket(src) && isBucket(dst) {
			g.addEdge(nodeID(src), nodeID(dst), "access logs", "dashed")
		}
	}
	for _, fl := range p.Find(typFlowLog) {
		fl := fl
		if lg := f.dep(&fl, "logDestination", typLogGroup); lg != nil {
			g.addEdge(nodeID(&fl), nodeID(lg), "flow records", "")
		}
	}
	for _, d := range p.Find(typDelivery) {
		d := d
		b := f.dep(&d, "s3BucketName", "")
		for _, rec := range p.Find(typRecorder) {
			if isBucket(b) {
				g.addEdge(nodeID(&rec), nodeID(b), "configuration snapshots", "")
			}
		}
	}
	if rules := p.Find(typConfigRule); len(rules) > 0 {
		c := g.group("cluster_audit", "Audit and keys (account, region)", "#f7f7f7")
		g.addNode(&gnode{id: "n_config_rules", label: fmt.Sprintf("AWS Config rules (%d)", len(rules)), shape: "folder", fill: "#ffffff", cluster: c})
		for _, rec := range p.Find(typRecorder) {
			g.addEdge(nodeID(&rec), "n_config_rules", "evaluated by", "")
		}
	}
	alarms := p.Find(typAlarm)
	if len(alarms) > 0 {
		c := g.group("cluster_audit", "Audit and keys (account, region)", "#f7f7f7")
		g.addNode(&gnode{id: "n_alarms", label: fmt.Sprintf("CloudWatch alarms (%d)", len(alarms)), shape: "doubleoctagon", fill: "#ffffff", cluster: c})
		filters := map[string]int{}
		var groups []*plan.Resource
		for _, fl := range p.Find(typFilter) {
			fl := fl
			if lg := f.dep(&fl, "logGroupName", typLogGroup); lg != nil {
				if filters[lg.URN] == 0 {
					groups = append(groups, lg)
				}
				filters[lg.URN]++
			}
		}
		for _, lg := range groups {
			g.addEdge(nodeID(lg), "n_alarms", fmt.Sprintf("metric filters (%d)", filters[lg.URN]), "")
		}
		for _, a := range alarms {
			a := a
			for _, t := range f.deps(&a, "alarmActions") {
				if t.Type == typTopic {
					g.addEdge("n_alarms", nodeID(t), "alarm", "")
				}
			}
		}
	}
	subs := map[string]int{}
	for _, s := range p.Find(typSubscription) {
		s := s
		if t := f.dep(&s, "topic", typTopic); t != nil {
			subs[t.URN]++
		}
	}
	for _, t := range p.Find(typTopic) {
		if n := subs[t.URN]; n > 0 {
			g.addNode(&gnode{id: "n_recipients_" + identifier(t.Name), label: fmt.Sprintf("e-mail recipients (%d)", n), shape: "ellipse", fill: "#f2f2f2"})
			g.addEdge(nodeID(&t), "n_recipients_"+identifier(t.Name), "notification", "")
		}
	}
	// The project key: every drawn resource one of whose inputs came from the key, or whose bucket's
	// encryption configuration did.
	for _, key := range p.Find(typKey) {
		key := key
		targets := map[string]bool{}
		for i := range p.Resources {
			r := &p.Resources[i]
			usesKey := false
			for _, urns := range r.PropertyDependencies {
				for _, u := range urns {
					usesKey = usesKey || u == key.URN
				}
			}
			if !usesKey {
				continue
			}
			if id, ok := f.byID[r.URN]; ok {
				targets[id] = true
			} else if b := f.dep(r, "bucket", ""); isBucket(b) && strings.Contains(r.Type, "ServerSideEncryption") {
				targets[nodeID(b)] = true
			}
		}
		ids := make([]string, 0, len(targets))
		for id := range targets {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			g.addEdge(nodeID(&key), id, "", "dotted")
		}
	}
}

// dot renders the graph.
func (g *graph) dot() string {
	var b strings.Builder
	b.WriteString("digraph sce {\n")
	fmt.Fprintf(&b, "  graph [rankdir=LR, compound=true, newrank=true, fontname=\"Helvetica\", fontsize=12, labelloc=t, label=%s];\n",
		quote(g.title+"\nsolid: data flows; bold: ssh; dashed: logs and events; dotted (gray): encrypted with the project key"))
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=10, style=filled];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=9];\n")
	for _, id := range g.order {
		if n := g.nodes[id]; n.cluster == "" {
			writeNode(&b, n, "  ")
		}
	}
	for _, id := range g.roots {
		g.writeCluster(&b, id, "  ")
	}
	for _, e := range g.edges {
		attrs := []string{}
		if e.label != "" {
			attrs = append(attrs, "label="+quote(e.label))
		}
		switch e.style {
		case "dotted":
			attrs = append(attrs, "style=dotted", "color=gray50", "arrowhead=none")
		case "":
		default:
			attrs = append(attrs, "style="+e.style)
		}
		fmt.Fprintf(&b, "  %s -> %s", e.from, e.to)
		if len(attrs) > 0 {
			fmt.Fprintf(&b, " [%s]", strings.Join(attrs, ", "))
		}
		b.WriteString(";\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func (g *graph) writeCluster(b *strings.Builder, id, indent string) {
	c := g.clusters[id]
	fmt.Fprintf(b, "%ssubgraph %s {\n", indent, c.id)
	fmt.Fprintf(b, "%s  label=%s; style=\"rounded,filled\"; fillcolor=%s; color=gray60;\n", indent, quote(c.label), quote(c.fill))
	for _, child := range c.children {
		if n, ok := g.nodes[child]; ok {
			writeNode(b, n, indent+"  ")
			continue
		}
		g.writeCluster(b, child, indent+"  ")
	}
	fmt.Fprintf(b, "%s}\n", indent)
}

func writeNode(b *strings.Builder, n *gnode, indent string) {
	fmt.Fprintf(b, "%s%s [label=%s, shape=%s, fillcolor=%s];\n", indent, n.id, quote(n.label), n.shape, quote(n.fill))
}

// quote writes a dot string: quotes and backslashes escaped, line breaks as \n.
func quote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	s = strings.ReplaceAll(s, "\n", `\n`)
	return `"` + s + `"`
}

// str returns a string input, or "".
func str(v any) string {
	s, _ := v.(string)
	return s
}

// strs returns a string or list of strings as a list.
func strs(v any) []string {
	switch s := v.(type) {
	case string:
		return []string{s}
	case []any:
		var out []string
		for _, e := range s {
			if x, ok := e.(string); ok {
				out = append(out, x)
			}
		}
		return out
	}
	return nil
}
