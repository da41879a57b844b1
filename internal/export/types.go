package export

// tfType says how resources of one Pulumi type are written as Terraform.
type tfType struct {
	// Name is the Terraform resource type.
	Name string
	// Rename maps a Pulumi input name, at any depth of this type's inputs, to its Terraform name where the
	// general rules (blockNames, then snake_case) give the wrong one.
	Rename map[string]string
	// Maps lists Pulumi input names, at any depth, whose objects are map attributes rather than blocks.
	Maps []string
	// AutoName is the Terraform attribute that holds the name Pulumi chose for the resource when the
	// program let Pulumi name it (Pulumi's auto-naming); filled from the resource's computed `name`, or
	// from its id when AutoNameFromID is set.
	AutoName       string
	AutoNameFromID bool
	// RefAttrs lists computed outputs that references should use before the ARN, id and name, where the
	// id Terraform gives the resource differs from Pulumi's (random_id's id is base64, its hex is `hex`).
	RefAttrs []string
}

// tfTypes maps every Pulumi resource type the program creates, or is expected to create (the ancillary,
// Redshift and cost-control components), to its Terraform type. A test requires every custom resource
// type of the hipaa and omop plans to be here.
var tfTypes = map[string]tfType{
	// Network.
	"aws:ec2/vpc:Vpc":                                                           {Name: "aws_vpc"},
	"aws:ec2/subnet:Subnet":                                                     {Name: "aws_subnet"},
	"aws:ec2/internetGateway:InternetGateway":                                   {Name: "aws_internet_gateway"},
	"aws:ec2/eip:Eip":                                                           {Name: "aws_eip"},
	"aws:ec2/eipAssociation:EipAssociation":                                     {Name: "aws_eip_association"},
	"aws:ec2/natGateway:NatGateway":                                             {Name: "aws_nat_gateway"},
	"aws:ec2/routeTable:RouteTable":                                             {Name: "aws_route_table"},
	"aws:ec2/route:Route":                                                       {Name: "aws_route"},
	"aws:ec2/routeTableAssociation:RouteTableAssociation":                       {Name: "aws_route_table_association"},
	"aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation":               {Name: "aws_main_route_table_association"},
	"aws:ec2/vpcEndpoint:VpcEndpoint":                                           {Name: "aws_vpc_endpoint"},
	"aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation": {Name: "aws_vpc_endpoint_route_table_association"},
	"aws:ec2/networkAcl:NetworkAcl":                                             {Name: "aws_network_acl"},
	"aws:ec2/networkAclRule:NetworkAclRule":                                     {Name: "aws_network_acl_rule"},
	"aws:ec2/networkAclAssociation:NetworkAclAssociation":                       {Name: "aws_network_acl_association"},
	"aws:ec2/defaultNetworkAcl:DefaultNetworkAcl":                               {Name: "aws_default_network_acl"},
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":                         {Name: "aws_default_security_group"},
	"aws:ec2/defaultRouteTable:DefaultRouteTable":                               {Name: "aws_default_route_table"},
	"aws:ec2/securityGroup:SecurityGroup":                                       {Name: "aws_security_group", AutoName: "name"},
	"aws:ec2/securityGroupRule:SecurityGroupRule":                               {Name: "aws_security_group_rule"},
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":                 {Name: "aws_vpc_security_group_ingress_rule"},
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":                   {Name: "aws_vpc_security_group_egress_rule"},
	"aws:ec2/flowLog:FlowLog":                                                   {Name: "aws_flow_log"},

	// Compute.
	"aws:ec2/instance:Instance":                       {Name: "aws_instance"},
	"aws:ec2/keyPair:KeyPair":                         {Name: "aws_key_pair"},
	"aws:ebs/volume:Volume":                           {Name: "aws_ebs_volume"},
	"aws:ec2/volumeAttachment:VolumeAttachment":       {Name: "aws_volume_attachment"},
	"aws:ebs/encryptionByDefault:EncryptionByDefault": {Name: "aws_ebs_encryption_by_default"},
	"aws:ssm/association:Association":                 {Name: "aws_ssm_association", Maps: []string{"parameters"}},
	"aws:ssm/parameter:Parameter":                     {Name: "aws_ssm_parameter"},
	"aws:ssm/document:Document":                       {Name: "aws_ssm_document", AutoName: "name"},
	"aws:scheduler/schedule:Schedule":                 {Name: "aws_scheduler_schedule", AutoName: "name"},
	"aws:scheduler/scheduleGroup:ScheduleGroup":       {Name: "aws_scheduler_schedule_group", AutoName: "name"},
	"aws:redshiftdata/statement:Statement":            {Name: "aws_redshiftdata_statement"},
	"aws:ec2/launchTemplate:LaunchTemplate":           {Name: "aws_launch_template"},
	"aws:autoscaling/group:Group": {Name: "aws_autoscaling_group",
		Rename: map[string]string{"vpcZoneIdentifiers": "vpc_zone_identifier", "tags": "tag"}},
	"aws:autoscaling/policy:Policy":             {Name: "aws_autoscaling_policy", Rename: map[string]string{"stepAdjustments": "step_adjustment"}},
	"aws:autoscaling/notification:Notification": {Name: "aws_autoscaling_notification", Rename: map[string]string{"notifications": "notifications"}},

	// Identity and keys.
	"aws:iam/role:Role":                                 {Name: "aws_iam_role", AutoName: "name"},
	"aws:iam/policy:Policy":                             {Name: "aws_iam_policy", AutoName: "name"},
	"aws:iam/rolePolicy:RolePolicy":                     {Name: "aws_iam_role_policy", AutoName: "name"},
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment": {Name: "aws_iam_role_policy_attachment"},
	"aws:iam/instanceProfile:InstanceProfile":           {Name: "aws_iam_instance_profile", AutoName: "name"},
	"aws:kms/key:Key":                                   {Name: "aws_kms_key"},
	"aws:kms/alias:Alias":                               {Name: "aws_kms_alias"},
	"aws:secretsmanager/secret:Secret":                  {Name: "aws_secretsmanager_secret", AutoName: "name"},
	"aws:secretsmanager/secretVersion:SecretVersion":    {Name: "aws_secretsmanager_secret_version"},
	"random:index/randomId:RandomId":                    {Name: "random_id", RefAttrs: []string{"hex"}},
	"random:index/randomPassword:RandomPassword":        {Name: "random_password"},
	// EMR (emrEnabled).
	"aws:emr/cluster:Cluster":                                               {Name: "aws_emr_cluster", Rename: map[string]string{"ebsConfigs": "ebs_config"}},
	"aws:emr/securityConfiguration:SecurityConfiguration":                   {Name: "aws_emr_security_configuration", AutoName: "name"},
	"aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration": {Name: "aws_emr_block_public_access_configuration"},
	"aws:ec2/tag:Tag":                         {Name: "aws_ec2_tag"},
	"aws:s3/bucketObjectv2:BucketObjectv2":    {Name: "aws_s3_object"},
	"tls:index/privateKey:PrivateKey":         {Name: "tls_private_key"},
	"tls:index/selfSignedCert:SelfSignedCert": {Name: "tls_self_signed_cert"},

	// Storage.
	"aws:s3/bucketV2:BucketV2": {Name: "aws_s3_bucket"},
	"aws:s3/bucket:Bucket":     {Name: "aws_s3_bucket"},
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": {Name: "aws_s3_bucket_server_side_encryption_configuration"},
	"aws:s3/bucketVersioningV2:BucketVersioningV2":                                               {Name: "aws_s3_bucket_versioning"},
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2":                       {Name: "aws_s3_bucket_lifecycle_configuration"},
	"aws:s3/bucketLoggingV2:BucketLoggingV2":                                                     {Name: "aws_s3_bucket_logging"},
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                                     {Name: "aws_s3_bucket_ownership_controls"},
	"aws:s3/bucketPolicy:BucketPolicy":                                                           {Name: "aws_s3_bucket_policy"},
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     {Name: "aws_s3_bucket_public_access_block"},
	"aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2":                     {Name: "aws_s3_bucket_object_lock_configuration"},
	"aws:s3/bucketNotification:BucketNotification":                                               {Name: "aws_s3_bucket_notification"},
	"aws:s3/bucketReplicationConfig:BucketReplicationConfig":                                     {Name: "aws_s3_bucket_replication_configuration"},
	"aws:s3/bucketAclV2:BucketAclV2":                                                             {Name: "aws_s3_bucket_acl"},
	"aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock":                                   {Name: "aws_s3_account_public_access_block"},

	// Audit and monitoring.
	"aws:cloudtrail/trail:Trail":                     {Name: "aws_cloudtrail"},
	"aws:cloudwatch/logGroup:LogGroup":               {Name: "aws_cloudwatch_log_group", AutoName: "name"},
	"aws:cloudwatch/logMetricFilter:LogMetricFilter": {Name: "aws_cloudwatch_log_metric_filter", AutoName: "name", AutoNameFromID: true},
	"aws:cloudwatch/metricAlarm:MetricAlarm":         {Name: "aws_cloudwatch_metric_alarm", AutoName: "alarm_name", Rename: map[string]string{"name": "alarm_name"}},
	"aws:cloudwatch/eventRule:EventRule":             {Name: "aws_cloudwatch_event_rule", AutoName: "name"},
	"aws:cloudwatch/eventTarget:EventTarget":         {Name: "aws_cloudwatch_event_target"},
	"aws:cfg/rule:Rule":                              {Name: "aws_config_config_rule"},
	"aws:cfg/recorder:Recorder":                      {Name: "aws_config_configuration_recorder"},
	"aws:cfg/recorderStatus:RecorderStatus":          {Name: "aws_config_configuration_recorder_status"},
	"aws:cfg/deliveryChannel:DeliveryChannel":        {Name: "aws_config_delivery_channel"},
	"aws:cfg/conformancePack:ConformancePack":        {Name: "aws_config_conformance_pack"},
	"aws:sns/topic:Topic":                            {Name: "aws_sns_topic", AutoName: "name"},
	"aws:sns/topicPolicy:TopicPolicy":                {Name: "aws_sns_topic_policy"},
	"aws:sns/topicSubscription:TopicSubscription":    {Name: "aws_sns_topic_subscription", Rename: map[string]string{"topic": "topic_arn"}},
	"aws:budgets/budget:Budget":                      {Name: "aws_budgets_budget", AutoName: "name"},
	"aws:backup/vault:Vault":                         {Name: "aws_backup_vault", AutoName: "name"},
	"aws:backup/plan:Plan":                           {Name: "aws_backup_plan", AutoName: "name"},
	"aws:backup/selection:Selection":                 {Name: "aws_backup_selection", AutoName: "name"},

	// Ancillary: malware scan, upload ledger and notifications.
	"aws:guardduty/malwareProtectionPlan:MalwareProtectionPlan": {Name: "aws_guardduty_malware_protection_plan", Rename: map[string]string{"taggings": "tagging"}},
	"aws:lambda/function:Function":                              {Name: "aws_lambda_function", AutoName: "function_name", Rename: map[string]string{"name": "function_name"}, Maps: []string{"variables"}},
	"aws:lambda/permission:Permission":                          {Name: "aws_lambda_permission", Rename: map[string]string{"function": "function_name"}},
	"aws:dynamodb/table:Table":                                  {Name: "aws_dynamodb_table", AutoName: "name"},
	"aws:dynamodb/resourcePolicy:ResourcePolicy":                {Name: "aws_dynamodb_resource_policy"},
	"aws:lambda/eventSourceMapping:EventSourceMapping":          {Name: "aws_lambda_event_source_mapping"},
	"aws:sqs/queue:Queue":                                       {Name: "aws_sqs_queue", AutoName: "name"},
	"aws:sqs/queuePolicy:QueuePolicy":                           {Name: "aws_sqs_queue_policy"},
	"aws:sqs/redrivePolicy:RedrivePolicy":                       {Name: "aws_sqs_queue_redrive_policy"},
	"aws:sqs/redriveAllowPolicy:RedriveAllowPolicy":             {Name: "aws_sqs_queue_redrive_allow_policy"},

	// Proof of concept B: Redshift.
	"aws:redshift/cluster:Cluster":               {Name: "aws_redshift_cluster"},
	"aws:redshift/subnetGroup:SubnetGroup":       {Name: "aws_redshift_subnet_group", AutoName: "name"},
	"aws:redshift/parameterGroup:ParameterGroup": {Name: "aws_redshift_parameter_group", AutoName: "name", Rename: map[string]string{"parameters": "parameter"}},
	"aws:redshift/logging:Logging":               {Name: "aws_redshift_logging"},
}

// blockNames maps the plural names Pulumi gives to repeatable Terraform blocks and list attributes back to
// their Terraform names. Names Terraform itself spells in the plural (cidr_blocks, alarm_actions, targets,
// equals, values) are not here.
var blockNames = map[string]string{
	"rules":                        "rule",
	"transitions":                  "transition",
	"noncurrentVersionTransitions": "noncurrent_version_transition",
	"advancedEventSelectors":       "advanced_event_selector",
	"fieldSelectors":               "field_selector",
	"startsWiths":                  "starts_with",
	"endsWiths":                    "ends_with",
	"notEquals":                    "not_equals",
	"notStartsWiths":               "not_starts_with",
	"notEndsWiths":                 "not_ends_with",
	"eventSelectors":               "event_selector",
	"dataResources":                "data_resource",
	"insightSelectors":             "insight_selector",
	"sourceDetails":                "source_detail",
	"lambdaFunctions":              "lambda_function",
	"queues":                       "queue",
	"topics":                       "topic",
	"ebsBlockDevices":              "ebs_block_device",
	"inlinePolicies":               "inline_policy",
	"attributes":                   "attribute",
	"globalSecondaryIndexes":       "global_secondary_index",
	"notifications":                "notification",
	"costFilters":                  "cost_filter",
	"selectionTags":                "selection_tag",
	"copyActions":                  "copy_action",
	"filters":                      "filter",
}

// mapAttributes are Pulumi input names whose objects are map attributes in every Terraform type.
var mapAttributes = map[string]bool{"tags": true, "tagsAll": true, "volumeTags": true}

// terraformName returns the Terraform name of a Pulumi input of a resource type.
func (t tfType) terraformName(pulumiName string) string {
	if n, ok := t.Rename[pulumiName]; ok {
		return n
	}
	if n, ok := blockNames[pulumiName]; ok {
		return n
	}
	return snake(pulumiName)
}

// isMap reports whether an object-valued input is a map attribute rather than a block.
func (t tfType) isMap(pulumiName string) bool {
	if mapAttributes[pulumiName] {
		return true
	}
	for _, m := range t.Maps {
		if m == pulumiName {
			return true
		}
	}
	return false
}
