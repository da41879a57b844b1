package rules

// Resource type tokens the rules judge.
const (
	typeVPC                 = "aws:ec2/vpc:Vpc"
	typeSubnet              = "aws:ec2/subnet:Subnet"
	typeInstance            = "aws:ec2/instance:Instance"
	typeLaunchTemplate      = "aws:ec2/launchTemplate:LaunchTemplate"
	typeLaunchConfiguration = "aws:ec2/launchConfiguration:LaunchConfiguration"
	typeSpotInstanceRequest = "aws:ec2/spotInstanceRequest:SpotInstanceRequest"
	typeSpotFleetRequest    = "aws:ec2/spotFleetRequest:SpotFleetRequest"
	typeEC2Fleet            = "aws:ec2/fleet:Fleet"
	typeAutoscalingGroup    = "aws:autoscaling/group:Group"
	typeEBSVolume           = "aws:ebs/volume:Volume"
	typeEMRCluster          = "aws:emr/cluster:Cluster"
	typeEMRInstanceGroup    = "aws:emr/instanceGroup:InstanceGroup"
	typeEMRInstanceFleet    = "aws:emr/instanceFleet:InstanceFleet"
	typeAWSProvider         = "pulumi:providers:aws"
)
