package export

// This file holds what the dot graph reads from the plan: the index of resources by URN, the
// references between them (property dependencies), the Pulumi types drawn or read, and the helpers that
// read input values.

import "github.com/sce-project/sce/internal/plan"

// facts indexes what the graph derives flows from.
type facts struct {
	p     *plan.Plan
	byURN map[string]*plan.Resource
	byID  map[string]string // node id of each URN drawn
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

// isBucket reports whether a resource is an S3 bucket, of either Pulumi type; nil is not.
func isBucket(r *plan.Resource) bool {
	return r != nil && (r.Type == typBucketV2 || r.Type == typBucket)
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
