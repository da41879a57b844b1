package plan

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// computed returns the id AWS would give a resource and the outputs it would compute, for the resource
// types the program creates. Ids are derived from the type and name, so a plan is stable run to run.
func (r *Recorder) computed(args pulumi.MockResourceArgs) (string, map[string]any) {
	h := hash(args.TypeToken, args.Name)
	in := args.Inputs
	str := func(key string) string {
		v, ok := in[resource.PropertyKey(key)]
		if ok && v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	ec2ARN := func(kind, id string) string {
		return fmt.Sprintf("arn:%s:ec2:%s:%s:%s/%s", r.partition, r.region, AccountID, kind, id)
	}
	// name is what AWS or Pulumi's auto-naming would call a named resource: the explicit name, the prefix
	// plus a suffix, or the logical name plus a random-looking suffix.
	name := func() string {
		if n := str("name"); n != "" {
			return n
		}
		if p := str("namePrefix"); p != "" {
			return p + h[:26]
		}
		return args.Name + "-" + h[:7]
	}

	switch args.TypeToken {
	case "pulumi:providers:aws", "pulumi:providers:random", "pulumi:providers:tls":
		return uuid(h), nil
	case "aws:ec2/vpc:Vpc":
		id := "vpc-" + h[:17]
		return id, map[string]any{
			"arn": ec2ARN("vpc", id), "ownerId": AccountID,
			"defaultNetworkAclId":    "acl-" + hash(h, "acl")[:17],
			"defaultSecurityGroupId": "sg-" + hash(h, "sg")[:17],
			"defaultRouteTableId":    "rtb-" + hash(h, "rtb")[:17],
			"mainRouteTableId":       "rtb-" + hash(h, "rtb")[:17],
			"dhcpOptionsId":          "dopt-" + hash(h, "dopt")[:17],
		}
	case "aws:ec2/subnet:Subnet":
		id := "subnet-" + h[:17]
		return id, map[string]any{"arn": ec2ARN("subnet", id), "ownerId": AccountID}
	case "aws:ec2/internetGateway:InternetGateway":
		id := "igw-" + h[:17]
		return id, map[string]any{"arn": ec2ARN("internet-gateway", id), "ownerId": AccountID}
	case "aws:ec2/eip:Eip":
		id := "eipalloc-" + h[:17]
		ip := documentationAddress(h)
		return id, map[string]any{
			"allocationId": id, "publicIp": ip, "arn": ec2ARN("elastic-ip", id),
			"publicDns": "ec2-" + strings.ReplaceAll(ip, ".", "-") + "." + r.region + ".compute.amazonaws.com",
		}
	case "aws:ec2/natGateway:NatGateway":
		id := "nat-" + h[:17]
		return id, map[string]any{
			"publicIp":           r.outputOf(str("allocationId"), "publicIp"),
			"networkInterfaceId": "eni-" + hash(h, "eni")[:17],
		}
	case "aws:ec2/routeTable:RouteTable":
		id := "rtb-" + h[:17]
		return id, map[string]any{"arn": ec2ARN("route-table", id), "ownerId": AccountID}
	case "aws:ec2/route:Route":
		return "r-" + str("routeTableId") + strconv.FormatUint(uint64(crc(str("destinationCidrBlock")+str("destinationPrefixListId"))), 10), nil
	case "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation":
		return "rtbassoc-" + h[:17], nil
	case "aws:ec2/vpcEndpoint:VpcEndpoint":
		id := "vpce-" + h[:17]
		return id, map[string]any{
			"arn": ec2ARN("vpc-endpoint", id), "ownerId": AccountID, "state": "available",
			"prefixListId": "pl-" + hash(h, "pl")[:8],
		}
	case "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation":
		return "a-" + str("vpcEndpointId") + strconv.FormatUint(uint64(crc(str("routeTableId"))), 10), nil
	case "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":
		id := "sg-" + h[:17]
		return id, map[string]any{"arn": ec2ARN("security-group", id), "name": "default", "ownerId": AccountID}
	case "aws:ec2/networkAcl:NetworkAcl":
		id := "acl-" + h[:17]
		return id, map[string]any{"arn": ec2ARN("network-acl", id), "ownerId": AccountID}
	case "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl":
		id := str("defaultNetworkAclId")
		return id, map[string]any{"arn": ec2ARN("network-acl", id), "ownerId": AccountID}
	case "aws:ec2/networkAclAssociation:NetworkAclAssociation":
		return "aclassoc-" + h[:17], nil
	case "aws:ec2/networkAclRule:NetworkAclRule":
		return "nacl-" + strconv.FormatUint(uint64(crc(h)), 10), nil
	case "aws:ec2/flowLog:FlowLog":
		id := "fl-" + h[:17]
		return id, map[string]any{"arn": ec2ARN("vpc-flow-log", id)}
	case "aws:cloudwatch/logGroup:LogGroup":
		n := name()
		return n, map[string]any{"name": n, "arn": fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s", r.partition, r.region, AccountID, n)}
	case "aws:iam/role:Role":
		n := name()
		return n, map[string]any{
			"name": n, "arn": fmt.Sprintf("arn:%s:iam::%s:role/%s", r.partition, AccountID, n),
			"uniqueId": "AROA" + strings.ToUpper(h[:17]),
		}
	case "aws:iam/policy:Policy":
		n := name()
		arn := fmt.Sprintf("arn:%s:iam::%s:policy/%s", r.partition, AccountID, n)
		return arn, map[string]any{"name": n, "arn": arn, "policyId": "ANPA" + strings.ToUpper(h[:17])}
	case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
		return str("role") + "-" + h[:26], nil
	case "random:index/randomId:RandomId":
		n := 4
		if v, ok := in["byteLength"]; ok && v.IsNumber() {
			n = int(v.NumberValue())
		}
		hexID := hash(h, "random")[:2*n]
		return hexID, map[string]any{"hex": hexID, "dec": decimalOf(hexID), "b64Url": hexID, "b64Std": hexID}
	case "aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket":
		n := str("bucket")
		if n == "" {
			n = args.Name + "-" + h[:12]
		}
		return n, map[string]any{
			"bucket": n, "arn": fmt.Sprintf("arn:%s:s3:::%s", r.partition, n), "region": r.region,
			"bucketDomainName":         n + ".s3.amazonaws.com",
			"bucketRegionalDomainName": n + ".s3." + r.region + ".amazonaws.com",
			"hostedZoneId":             "Z3BJ6K6RIION7M",
		}
	case "aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
		"aws:s3/bucketOwnershipControls:BucketOwnershipControls", "aws:s3/bucketVersioningV2:BucketVersioningV2",
		"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
		"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "aws:s3/bucketLoggingV2:BucketLoggingV2",
		"aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2", "aws:s3/bucketNotification:BucketNotification":
		// The provider gives these configuration resources the bucket's name as their id.
		return str("bucket"), nil
	case "aws:cloudtrail/trail:Trail":
		n := name()
		arn := fmt.Sprintf("arn:%s:cloudtrail:%s:%s:trail/%s", r.partition, r.region, AccountID, n)
		return arn, map[string]any{"arn": arn, "name": n, "homeRegion": r.region}
	case "aws:sns/topic:Topic":
		n := name()
		arn := fmt.Sprintf("arn:%s:sns:%s:%s:%s", r.partition, r.region, AccountID, n)
		return arn, map[string]any{"arn": arn, "name": n, "owner": AccountID}
	case "aws:sns/topicPolicy:TopicPolicy":
		return str("arn"), map[string]any{"owner": AccountID}
	case "aws:sns/topicSubscription:TopicSubscription":
		arn := str("topic") + ":" + uuid(h)
		return arn, map[string]any{"arn": arn, "ownerId": AccountID, "pendingConfirmation": str("protocol") == "email"}
	case "aws:cloudwatch/logMetricFilter:LogMetricFilter":
		return name(), nil
	case "aws:cloudwatch/metricAlarm:MetricAlarm":
		n := name()
		return n, map[string]any{"arn": fmt.Sprintf("arn:%s:cloudwatch:%s:%s:alarm:%s", r.partition, r.region, AccountID, n), "name": n}
	case "aws:cfg/recorder:Recorder", "aws:cfg/deliveryChannel:DeliveryChannel", "aws:cfg/recorderStatus:RecorderStatus":
		n := name()
		return n, map[string]any{"name": n}
	case "aws:cfg/rule:Rule":
		n := name()
		return n, map[string]any{"name": n, "ruleId": "config-rule-" + h[:6],
			"arn": fmt.Sprintf("arn:%s:config:%s:%s:config-rule/config-rule-%s", r.partition, r.region, AccountID, h[:6])}
	case "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock":
		return AccountID, nil
	case "aws:ebs/encryptionByDefault:EncryptionByDefault":
		return r.region, nil
	case "aws:ec2/keyPair:KeyPair":
		n := str("keyName")
		return n, map[string]any{"keyName": n, "keyPairId": "key-" + h[:17], "arn": ec2ARN("key-pair", n),
			"fingerprint": fingerprint(h)}
	case "aws:ec2/securityGroup:SecurityGroup":
		id := "sg-" + h[:17]
		return id, map[string]any{"arn": ec2ARN("security-group", id), "ownerId": AccountID, "name": args.Name + "-" + h[:7]}
	case "aws:ec2/securityGroupRule:SecurityGroupRule":
		return "sgrule-" + strconv.FormatUint(uint64(crc(h)), 10), map[string]any{"securityGroupRuleId": "sgr-" + h[:17]}
	case "aws:ec2/instance:Instance":
		id := "i-" + h[:17]
		return id, map[string]any{
			"arn": ec2ARN("instance", id), "privateIp": r.hostIn(str("subnetId"), h),
			"primaryNetworkInterfaceId": "eni-" + hash(h, "eni")[:17], "instanceState": "running",
			"privateDns": "ip-" + strings.ReplaceAll(r.hostIn(str("subnetId"), h), ".", "-") + "." + r.region + ".compute.internal",
		}
	case "aws:ebs/volume:Volume":
		id := "vol-" + h[:17]
		return id, map[string]any{"arn": ec2ARN("volume", id)}
	case "aws:ec2/volumeAttachment:VolumeAttachment":
		return "vai-" + strconv.FormatUint(uint64(crc(str("volumeId")+str("instanceId"))), 10), nil
	case "aws:iam/instanceProfile:InstanceProfile":
		n := name()
		return n, map[string]any{"name": n, "arn": fmt.Sprintf("arn:%s:iam::%s:instance-profile/%s", r.partition, AccountID, n),
			"uniqueId": "AIPA" + strings.ToUpper(h[:17])}
	case "aws:ssm/association:Association":
		id := uuid(h)
		return id, map[string]any{"associationId": id, "arn": fmt.Sprintf("arn:%s:ssm:%s:%s:association/%s", r.partition, r.region, AccountID, id)}
	case "aws:redshift/cluster:Cluster":
		id := str("clusterIdentifier")
		host := fmt.Sprintf("%s.c%s.%s.redshift.amazonaws.com", id, h[:12], r.region)
		return id, map[string]any{
			"arn":      fmt.Sprintf("arn:%s:redshift:%s:%s:cluster:%s", r.partition, r.region, AccountID, id),
			"endpoint": host + ":5439", "dnsName": host,
			"masterPasswordSecretArn": fmt.Sprintf("arn:%s:secretsmanager:%s:%s:secret:redshift!%s-%s-%s", r.partition, r.region, AccountID, id, "sce_admin", h[:6]),
			"clusterNamespaceArn":     fmt.Sprintf("arn:%s:redshift:%s:%s:namespace:%s", r.partition, r.region, AccountID, uuid(h)),
		}
	case "aws:redshift/subnetGroup:SubnetGroup", "aws:redshift/parameterGroup:ParameterGroup":
		n := str("name")
		return n, map[string]any{"name": n, "arn": fmt.Sprintf("arn:%s:redshift:%s:%s:%s:%s", r.partition, r.region, AccountID,
			map[bool]string{true: "subnetgroup", false: "parametergroup"}[strings.Contains(args.TypeToken, "subnet")], n)}
	case "aws:redshift/logging:Logging":
		return str("clusterIdentifier"), nil
	case "aws:redshiftdata/statement:Statement":
		return uuid(h), nil
	case "aws:secretsmanager/secret:Secret":
		n := name()
		arn := fmt.Sprintf("arn:%s:secretsmanager:%s:%s:secret:%s-%s", r.partition, r.region, AccountID, n, h[:6])
		return arn, map[string]any{"arn": arn, "name": n}
	case "aws:secretsmanager/secretVersion:SecretVersion":
		return str("secretId") + "|" + uuid(h), map[string]any{"versionId": uuid(h)}
	case "random:index/randomPassword:RandomPassword":
		return "none", map[string]any{"result": "Rp" + hash(h, "pw")[:20] + "A1!"}
	case "aws:scheduler/schedule:Schedule":
		n := name()
		return "default/" + n, map[string]any{"name": n, "arn": fmt.Sprintf("arn:%s:scheduler:%s:%s:schedule/default/%s", r.partition, r.region, AccountID, n)}
	case "aws:budgets/budget:Budget":
		n := name()
		return AccountID + ":" + n, map[string]any{"name": n, "accountId": AccountID,
			"arn": fmt.Sprintf("arn:%s:budgets::%s:budget/%s", r.partition, AccountID, n)}
	case "aws:lambda/function:Function":
		n := name()
		arn := fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", r.partition, r.region, AccountID, n)
		return n, map[string]any{"arn": arn, "name": n, "qualifiedArn": arn + ":$LATEST", "version": "$LATEST",
			"invokeArn": fmt.Sprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", r.partition, r.region, arn)}
	case "aws:guardduty/malwareProtectionPlan:MalwareProtectionPlan":
		// GuardDuty's plan ids are 20 lower-case hexadecimal characters.
		id := h[:20]
		return id, map[string]any{"arn": fmt.Sprintf("arn:%s:guardduty:%s:%s:malware-protection-plan/%s", r.partition, r.region, AccountID, id),
			"status": "ACTIVE", "createdAt": "2026-01-01T00:00:00Z"}
	case "aws:cloudwatch/eventRule:EventRule":
		n := name()
		return n, map[string]any{"name": n, "arn": fmt.Sprintf("arn:%s:events:%s:%s:rule/%s", r.partition, r.region, AccountID, n)}
	case "aws:cloudwatch/eventTarget:EventTarget":
		return str("rule") + "-" + str("targetId"), nil
	case "aws:lambda/permission:Permission":
		return "sce-" + h[:12], nil
	case "aws:dynamodb/table:Table":
		n := name()
		arn := fmt.Sprintf("arn:%s:dynamodb:%s:%s:table/%s", r.partition, r.region, AccountID, n)
		out := map[string]any{"arn": arn, "name": n}
		if v, ok := in["streamEnabled"]; ok && v.IsBool() && v.BoolValue() {
			// A stream's label is the time it was created (DynamoDB API Reference, TableDescription.LatestStreamLabel).
			out["streamLabel"] = "2026-01-01T00:00:00.000"
			out["streamArn"] = arn + "/stream/2026-01-01T00:00:00.000"
		}
		return n, out
	case "aws:lambda/eventSourceMapping:EventSourceMapping":
		id := uuid(h)
		return id, map[string]any{"uuid": id, "arn": fmt.Sprintf("arn:%s:lambda:%s:%s:event-source-mapping:%s", r.partition, r.region, AccountID, id),
			"functionArn": str("functionName"), "state": "Enabled", "lastProcessingResult": "No records processed"}
	case "aws:dynamodb/resourcePolicy:ResourcePolicy":
		return str("resourceArn"), map[string]any{"revisionId": decimalOf(h[:13])}
	case "aws:sqs/queue:Queue":
		n := name()
		url := fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", r.region, AccountID, n)
		return url, map[string]any{"arn": fmt.Sprintf("arn:%s:sqs:%s:%s:%s", r.partition, r.region, AccountID, n), "url": url, "name": n}
	case "aws:sqs/queuePolicy:QueuePolicy":
		return str("queueUrl"), nil
	case "aws:emr/cluster:Cluster":
		id := "j-" + strings.ToUpper(h[:13])
		return id, map[string]any{"arn": fmt.Sprintf("arn:%s:elasticmapreduce:%s:%s:cluster/%s", r.partition, r.region, AccountID, id),
			"clusterState": "WAITING", "masterPublicDns": "ip-10-0-0-10." + r.region + ".compute.internal"}
	case "aws:emr/securityConfiguration:SecurityConfiguration":
		n := name()
		return n, map[string]any{"name": n, "creationDate": "2026-01-01T00:00:00Z"}
	case "aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration":
		return r.region, nil
	case "aws:ssm/document:Document":
		n := name()
		return n, map[string]any{"name": n, "arn": fmt.Sprintf("arn:%s:ssm:%s:%s:document/%s", r.partition, r.region, AccountID, n),
			"defaultVersion": "1", "latestVersion": "1", "hash": hash(h, "doc"), "hashType": "Sha256", "status": "Active"}
	case "aws:backup/vault:Vault":
		n := name()
		return n, map[string]any{"name": n, "arn": fmt.Sprintf("arn:%s:backup:%s:%s:backup-vault:%s", r.partition, r.region, AccountID, n), "recoveryPoints": 0}
	case "aws:backup/plan:Plan":
		id := uuid(h)
		return id, map[string]any{"arn": fmt.Sprintf("arn:%s:backup:%s:%s:backup-plan:%s", r.partition, r.region, AccountID, id), "version": h[:32]}
	case "aws:backup/selection:Selection":
		return uuid(h), nil
	case "aws:ec2/tag:Tag":
		return str("resourceId") + "," + str("key"), nil
	case "aws:s3/bucketObjectv2:BucketObjectv2":
		out := map[string]any{"etag": h[:32], "versionId": h[:32], "arn": fmt.Sprintf("arn:%s:s3:::%s/%s", r.partition, str("bucket"), str("key"))}
		if str("checksumAlgorithm") == "SHA256" {
			// S3 returns the object's SHA-256 digest base64-encoded.
			sum, err := hex.DecodeString(h)
			if err == nil {
				out["checksumSha256"] = base64.StdEncoding.EncodeToString(sum)
			}
		}
		return str("key"), out
	case "tls:index/privateKey:PrivateKey":
		// Placeholders in PEM shape, never real key material.
		return h[:40], map[string]any{
			"privateKeyPem": "-----BEGIN RSA PRIVATE KEY-----\nMOCK" + h[:32] + "\n-----END RSA PRIVATE KEY-----\n",
			"publicKeyPem":  "-----BEGIN PUBLIC KEY-----\nMOCK" + h[:32] + "\n-----END PUBLIC KEY-----\n",
		}
	case "tls:index/selfSignedCert:SelfSignedCert":
		return decimalOf(h[:15]), map[string]any{
			"certPem":           "-----BEGIN CERTIFICATE-----\nMOCK" + h[:32] + "\n-----END CERTIFICATE-----\n",
			"validityStartTime": "2026-01-01T00:00:00Z",
			"validityEndTime":   "2027-01-01T00:00:00Z",
			"readyForRenewal":   false,
		}
	case "aws:kms/key:Key":
		id := uuid(h)
		return id, map[string]any{"keyId": id, "arn": fmt.Sprintf("arn:%s:kms:%s:%s:key/%s", r.partition, r.region, AccountID, id)}
	case "aws:kms/alias:Alias":
		n := name()
		return n, map[string]any{
			"name": n, "arn": fmt.Sprintf("arn:%s:kms:%s:%s:%s", r.partition, r.region, AccountID, n),
			"targetKeyArn": fmt.Sprintf("arn:%s:kms:%s:%s:key/%s", r.partition, r.region, AccountID, str("targetKeyId")),
		}
	}
	if !args.Custom {
		return "", nil // component resources have no id
	}
	return args.Name + "-" + h[:12], nil
}

// fingerprint renders an MD5-style key fingerprint, as AWS shows for an imported key.
func fingerprint(h string) string {
	var parts []string
	for i := 0; i < 32; i += 2 {
		parts = append(parts, h[i:i+2])
	}
	return strings.Join(parts, ":")
}

// hostIn picks a stable host address inside the subnet with that id (from its recorded cidrBlock).
func (r *Recorder) hostIn(subnetID, h string) string {
	cidr := r.outputOf(subnetID, "cidrBlock")
	p, err := netip.ParsePrefix(cidr)
	if err != nil || !p.Addr().Is4() {
		return "10.0.0.10"
	}
	n, _ := strconv.ParseUint(h[:4], 16, 32)
	size := uint64(1) << (32 - p.Bits())
	host := 4 + n%(size-5) // AWS reserves the first four and the last address
	a := p.Addr().As4()
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v += uint32(host)
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}).String()
}

// decimalOf renders a hex string as a decimal number, as random.RandomId's dec output.
func decimalOf(hexID string) string {
	n, err := strconv.ParseUint(hexID, 16, 64)
	if err != nil {
		return "0"
	}
	return strconv.FormatUint(n, 10)
}

// uuid formats a digest as a UUID, the shape of KMS key ids and provider ids.
func uuid(h string) string {
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// documentationAddress picks an address in 198.51.100.0/24 (TEST-NET-2), never a real public address.
func documentationAddress(h string) string {
	n, _ := strconv.ParseUint(h[:2], 16, 8)
	return fmt.Sprintf("198.51.100.%d", 1+n%254)
}

// crc is a small stable checksum, the shape of the numeric suffixes AWS's provider puts in some ids.
func crc(s string) uint32 {
	var c uint32 = 2166136261
	for i := 0; i < len(s); i++ {
		c ^= uint32(s[i])
		c *= 16777619
	}
	return c
}
