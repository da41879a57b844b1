package config

// Namespace is the configuration namespace of this Pulumi project (its name in Pulumi.yaml).
const Namespace = "sce"

// KeyType is the type a configuration key has in Pulumi.yaml's project-level config schema.
type KeyType string

// The key types Pulumi's project config schema accepts.
const (
	TypeString  KeyType = "string"
	TypeInteger KeyType = "integer"
	TypeBoolean KeyType = "boolean"
	TypeArray   KeyType = "array"
)

// Key describes one configuration key: the single source for validation, Pulumi.yaml and the README's
// configuration reference (tests check that both files agree with this table).
type Key struct {
	// Name is the key without its namespace, as Pulumi.yaml declares it ("pit").
	Name string
	// Type is the Pulumi config type; arrays hold strings.
	Type KeyType
	// Required keys have no default: planning or deploying without them is an error.
	Required bool
	// Default is the value used when the key is absent, written as it appears in Pulumi.yaml. Empty for
	// required keys and for keys whose default is computed (see DefaultNote).
	Default string
	// DefaultNote documents a computed default, such as the availability zone's.
	DefaultNote string
	// Description says what the key does and what it accepts.
	Description string
}

// FullName is the namespaced key, as stack files spell it ("sce:pit").
func (k Key) FullName() string { return Namespace + ":" + k.Name }

// Names of the configuration keys, without the namespace.
const (
	KeyPIT                      = "pit"
	KeyVPCCIDR                  = "vpcCidr"
	KeyVPCTenancy               = "vpcTenancy"
	KeyPublicSubnetCIDR         = "publicSubnetCidr"
	KeyPrivateSubnetCIDR        = "privateSubnetCidr"
	KeyAvailabilityZone         = "availabilityZone"
	KeyAllowedSSHCIDRs          = "allowedSshCidrs"
	KeyAllowSSHFromAnywhere     = "allowSshFromAnywhere"
	KeyBastionInstanceType      = "bastionInstanceType"
	KeyWorkstationInstanceType  = "workstationInstanceType"
	KeyNotificationEmails       = "notificationEmails"
	KeyFlowLogRetentionDays     = "flowLogRetentionDays"
	KeyReadOnlySourceBuckets    = "readOnlySourceBuckets"
	KeyProtect                  = "protect"
	KeyAdminRoleARNs            = "adminRoleArns"
	KeyUploaderRoleARNs         = "uploaderRoleArns"
	KeyRestrictToVPCEndpoint    = "restrictToVpcEndpoint"
	KeyLogBucketObjectLock      = "logBucketObjectLock"
	KeyAuditLogRetentionDays    = "auditLogRetentionDays"
	KeyAccountBaseline          = "accountBaseline"
	KeyConfigRecorder           = "configRecorder"
	KeySSHPublicKey             = "sshPublicKey"
	KeyResearchers              = "researchers"
	KeyDataVolumeGB             = "dataVolumeGb"
	KeyAnalysisTools            = "analysisTools"
	KeyOMOPEnabled              = "omopEnabled"
	KeyRedshiftNodeType         = "redshiftNodeType"
	KeyRedshiftNodeCount        = "redshiftNodeCount"
	KeyRedshiftSnapshotDays     = "redshiftSnapshotRetentionDays"
	KeyOMOPSchema               = "omopSchema"
	KeyOMOPResultsSchema        = "omopResultsSchema"
	KeyOMOPVocabularyPrefix     = "omopVocabularyPrefix"
	KeyOMOPDataPrefix           = "omopDataPrefix"
	KeyOMOPLoadEnabled          = "omopLoadEnabled"
	KeyOMOPVocabularyTables     = "omopVocabularyTables"
	KeyAtlasInstanceType        = "atlasInstanceType"
	KeyAtlasWebAPIImage         = "atlasWebApiImage"
	KeyAtlasImage               = "atlasImage"
	KeyAtlasPostgresImage       = "atlasPostgresImage"
	KeyDockerComposeVersion     = "dockerComposeVersion"
	KeyDockerComposeSHA256AMD64 = "dockerComposeSha256Amd64"
	KeyDockerComposeSHA256ARM64 = "dockerComposeSha256Arm64"
	KeyMiniforgeVersion         = "miniforgeVersion"
	KeyMiniforgeSHA256AMD64     = "miniforgeSha256Amd64"
	KeyMiniforgeSHA256ARM64     = "miniforgeSha256Arm64"
	KeyJupyterLabVersion        = "jupyterLabVersion"
	KeyScheduleEnabled          = "scheduleEnabled"
	KeyWorkingHours             = "workingHours"
	KeyWorkingDays              = "workingDays"
	KeyTimeZone                 = "timeZone"
	KeyMonthlyBudgetUSD         = "monthlyBudgetUsd"
	KeyPHINames                 = "phiNames"
	KeyLedgerConcurrency        = "ledgerReservedConcurrency"
	KeyWorkersEnabled           = "workersEnabled"
	KeyWorkerInstanceType       = "workerInstanceType"
	KeyMaxWorkers               = "maxWorkers"
	KeyWorkerScratchGB          = "workerScratchGb"
	KeyWorkerPipelineCommand    = "workerPipelineCommand"
	KeyWorkerPipelineObject     = "workerPipelineObject"
	KeyWorkerPipelineSHA256     = "workerPipelineSha256"
	KeyWorkerIdleMinutes        = "workerIdleMinutes"
	KeyEMREnabled               = "emrEnabled"
	KeyEMRReleaseLabel          = "emrReleaseLabel"
	KeyEMRPrimaryInstanceType   = "emrPrimaryInstanceType"
	KeyEMRCoreInstanceType      = "emrCoreInstanceType"
	KeyEMRCoreInstanceCount     = "emrCoreInstanceCount"
	KeyEMRIdleMinutes           = "emrIdleMinutes"
	KeyBackupRetentionDays      = "backupRetentionDays"
	KeyMinimumRetentionDays     = "minimumRetentionDays"
	KeyAncillaryCloseout        = "ancillaryCloseout"
	KeyOutputReviewers          = "outputReviewers"
)

// RegionKey is the AWS provider's region key; it is required because nothing here guesses a region.
const RegionKey = "aws:region"

// Keys returns the project's configuration keys in documentation order.
func Keys() []Key {
	return []Key{
		{Name: KeyPIT, Type: TypeString, Required: true,
			Description: "Project Identifier Tag: 3-12 characters of a-z and 0-9, starting with a letter. Prefixes every name and S3 bucket and is the `Project` tag on every resource."},
		{Name: KeyVPCCIDR, Type: TypeString, Default: "10.0.0.0/16",
			Description: "IPv4 block of the VPC, /16 to /27 (it holds two subnets of at least /28, the smallest AWS allows), inside an RFC 1918 private range. Must not overlap a VPC it will ever be peered with."},
		{Name: KeyPublicSubnetCIDR, Type: TypeString, Default: "10.0.0.0/24",
			Description: "Block of the public subnet (bastion, NAT gateway): inside the VPC block, /16 to /28, not overlapping the private subnet."},
		{Name: KeyPrivateSubnetCIDR, Type: TypeString, Default: "10.0.1.0/24",
			Description: "Block of the private subnet where PHI is processed: inside the VPC block, /16 to /28, not overlapping the public subnet."},
		{Name: KeyVPCTenancy, Type: TypeString, Default: TenancyDedicated,
			Description: "Instance tenancy of the VPC: `dedicated` (the seed's requirement: every instance in the VPC runs on single-tenant hardware) or `default`. Amazon Redshift refuses dedicated-tenancy VPCs, so a stack with `omopEnabled` must say `default`; its instances still ask for dedicated tenancy one by one, and a mandatory policy rule and the AWS Config rule `desired-instance-tenancy` hold them to it. `default` is refused without `omopEnabled`."},
		{Name: KeyAvailabilityZone, Type: TypeString, Default: "", DefaultNote: "the region's first zone",
			Description: "The one availability zone of both subnets (the seed prefers control to high availability). Must belong to `aws:region`."},
		{Name: KeyAllowedSSHCIDRs, Type: TypeArray, Required: true,
			Description: "IPv4 blocks allowed to reach the bastion on port 22 (at most 16). A block wider than /8, such as 0.0.0.0/0, is refused unless `allowSshFromAnywhere` is true."},
		{Name: KeyAllowSSHFromAnywhere, Type: TypeBoolean, Default: "false",
			Description: "Explicitly accept ssh sources wider than /8 (for example 0.0.0.0/0). Insecure; the policy pack reports it."},
		{Name: KeyBastionInstanceType, Type: TypeString, Default: "m5.large",
			Description: "EC2 instance type of the bastion: an m-family (general purpose) type. Burstable (t-family) types are refused: they cannot run with dedicated tenancy."},
		{Name: KeyWorkstationInstanceType, Type: TypeString, Default: "m5.xlarge",
			Description: "EC2 instance type of the private analysis workstation: an m-, c- or r-family type (general purpose, compute or memory). Burstable (t-family) types are refused."},
		{Name: KeySSHPublicKey, Type: TypeString, Required: true,
			Description: "The builder's ssh public key (OpenSSH format: ed25519, ECDSA, a FIDO security key such as ed25519-sk, or RSA of 3072 bits or more) for `ec2-user` on the bastion and the workstation. Only the public key is ever given: no private key is generated into the state."},
		{Name: KeyResearchers, Type: TypeArray, Default: "[]",
			Description: "One Linux login per researcher, each written `<login> <ssh public key>` (for example `alice ssh-ed25519 AAAA... alice@example.org`). Logins: 2-32 characters of a-z, 0-9, _ and -, starting with a letter, not a system account; on an OMOP stack also not a Redshift reserved word (the login is the researcher's database user too)."},
		{Name: KeyDataVolumeGB, Type: TypeInteger, Default: "100",
			Description: "Size in GiB of the workstation's encrypted gp3 data volume, mounted at `/<pit>` (1 to 16384)."},
		{Name: KeyAnalysisTools, Type: TypeArray, Default: `["python","jupyter","r"]`,
			Description: "Analysis tools installed on the workstation at first boot; any of `python`, `jupyter` (implies python) and `r`."},
		{Name: KeyJupyterLabVersion, Type: TypeString, Default: "4.4.3",
			Description: "JupyterLab release pip installs on the workstation (`jupyterlab==<version>`): a final release number such as 4.4.3. Its dependencies are resolved by pip from PyPI at first boot."},
		{Name: KeyMiniforgeVersion, Type: TypeString, Default: "26.3.2-3",
			Description: "Miniforge release whose installer sets up conda for R on the workstation (`Miniforge3-<version>-Linux-<arch>.sh` from github.com/conda-forge/miniforge). Changing it requires the matching `miniforgeSha256Amd64`/`miniforgeSha256Arm64`."},
		{Name: KeyMiniforgeSHA256AMD64, Type: TypeString, Default: "848194851a98903134187fbb4ab50efe87b003e0c0f808f97644b7524a62bf2c",
			Description: "sha256 of the x86_64 Miniforge installer of `miniforgeVersion`; the workstation refuses to run an installer that does not match. Empty refuses x86_64 workstations when `r` is a tool."},
		{Name: KeyMiniforgeSHA256ARM64, Type: TypeString, Default: "2c113a69297e612b01ca0f320c22a3107a11f2ab9b573d79ac868a175945ce29",
			Description: "sha256 of the aarch64 (Graviton) Miniforge installer of `miniforgeVersion`. Empty refuses Graviton workstations when `r` is a tool."},
		{Name: KeyNotificationEmails, Type: TypeArray, Default: "[]",
			Description: "E-mail addresses that receive alarms and notifications; each must be a plain, well-formed address."},
		{Name: KeyFlowLogRetentionDays, Type: TypeInteger, Default: "2192",
			Description: "Days CloudWatch Logs keeps the VPC flow log; one of the values CloudWatch accepts. The default, 2192 days, is HIPAA's six years."},
		{Name: KeyReadOnlySourceBuckets, Type: TypeArray, Default: "[]",
			Description: "Names of S3 buckets outside the project that the private subnet may read through the S3 endpoint (reference data)."},
		{Name: KeyAdminRoleARNs, Type: TypeArray, Default: "[]",
			Description: "IAM role ARNs (wildcards allowed) that may read and write the data-in and output buckets from outside the VPC endpoint, and read data-in's quarantine: the builder's, for `sce upload` and for taking results out. Roles of the stack's account: the bucket policies grant other accounts nothing."},
		{Name: KeyUploaderRoleARNs, Type: TypeArray, Default: "[]",
			Description: "IAM role ARNs (wildcards allowed) that may only upload into the data-in bucket, from outside the VPC too (the seed's \"only accept PUT\"): their uploads are excepted from the endpoint restriction, and every read, listing and delete is denied to them."},
		{Name: KeyRestrictToVPCEndpoint, Type: TypeBoolean, Default: "true",
			Description: "Deny object access to the data-in and output buckets unless it comes through the project's S3 endpoint, from an `adminRoleArns` role, or (uploads into data-in only) from an `uploaderRoleArns` role. With neither list set nobody outside the VPC can upload data or take results out, and `sce plan` warns (rule s3-phi-data-path-outside-vpc)."},
		{Name: KeyLogBucketObjectLock, Type: TypeBoolean, Default: "false",
			Description: "Write-once audit logs: object lock in governance mode, six years, on the log bucket. Cannot be turned off later. Refused where the stack creates the AWS Config delivery channel (`configRecorder: create`), which AWS Config cannot deliver into such a bucket."},
		{Name: KeyAuditLogRetentionDays, Type: TypeInteger, Default: "2192",
			Description: "Days CloudWatch Logs keeps the CloudTrail log group; one of the values CloudWatch accepts. Default six years."},
		{Name: KeyAccountBaseline, Type: TypeBoolean, Default: "true",
			Description: "Create the account-level parts: the management-event trail and the CIS alarms on it, account S3 Block Public Access and EBS encryption by default, and (see `configRecorder`) the AWS Config recorder and delivery channel. Exactly one stack per account and region sets it true."},
		{Name: KeyConfigRecorder, Type: TypeString, Default: "", DefaultNote: "`create` with `accountBaseline`, else `existing`",
			Description: "Who provides the account's AWS Config recorder and delivery channel, of which AWS allows one per account and region: `create` (this stack creates them, delivering into its log bucket; only with `accountBaseline: true`) or `existing` (the account already has them, from Control Tower, a Security Hub quick setup or another stack: none is created, and this stack's Config rules evaluate through that recorder). `create` refuses `logBucketObjectLock: true`: AWS Config does not deliver into an object-locked bucket."},
		{Name: KeyOMOPEnabled, Type: TypeBoolean, Default: "false",
			Description: "Proof of concept B: an Amazon Redshift cluster holding the OMOP CDM 5.4, the vocabulary load, and OHDSI Atlas/WebAPI on a private instance."},
		{Name: KeyRedshiftNodeType, Type: TypeString, Default: "ra3.xlplus",
			Description: "Redshift node type (an ra3 or dc2 type)."},
		{Name: KeyRedshiftNodeCount, Type: TypeInteger, Default: "1",
			Description: "Number of Redshift nodes, 1 to 32 (1 makes a single-node cluster)."},
		{Name: KeyRedshiftSnapshotDays, Type: TypeInteger, Default: "7",
			Description: "Days Redshift keeps automated snapshots, 7 to 35."},
		{Name: KeyOMOPSchema, Type: TypeString, Default: "cdm",
			Description: "Schema of the OMOP CDM and vocabulary tables: lower-case letters, digits and _, starting with a letter or _."},
		{Name: KeyOMOPResultsSchema, Type: TypeString, Default: "results",
			Description: "Schema of the OHDSI results (Achilles, cohorts); different from `omopSchema`."},
		{Name: KeyOMOPVocabularyPrefix, Type: TypeString, Default: "omop/vocabulary/",
			Description: "Key prefix, in the data-in bucket, of the Athena vocabulary files (CONCEPT.csv, ...) that COPY loads."},
		{Name: KeyOMOPDataPrefix, Type: TypeString, Default: "",
			Description: "Key prefix, in the data-in bucket, of a CDM data set in OMOP form (SynPUF, Synthea) to load with the vocabulary; empty loads none."},
		{Name: KeyOMOPLoadEnabled, Type: TypeBoolean, Default: "false",
			Description: "The second phase of proof of concept B: COPY the vocabulary (and the `omopDataPrefix` data set) from the data-in bucket into Redshift. Leave it false for the first `pulumi up`, which creates the bucket; upload the files, then set it true and run `pulumi up` again. Each table is emptied and loaded in one transaction, so a load that runs again never duplicates rows. Refused without `omopEnabled` or with an empty `omopVocabularyPrefix`."},
		{Name: KeyOMOPVocabularyTables, Type: TypeArray, Default: `["concept","vocabulary","domain","concept_class","concept_relationship","relationship","concept_synonym","concept_ancestor","drug_strength"]`,
			Description: "The vocabulary tables whose files (`<TABLE>.csv`) are under `omopVocabularyPrefix` and are loaded. The default is what the OHDSI Athena download contains; add `source_to_concept_map` if you upload a SOURCE_TO_CONCEPT_MAP.csv. Each must be one of the ten vocabulary tables, once."},
		{Name: KeyAtlasInstanceType, Type: TypeString, Default: "m5.xlarge",
			Description: "EC2 instance type of the OHDSI Atlas/WebAPI host: an m-family type."},
		{Name: KeyAtlasWebAPIImage, Type: TypeString, Default: "docker.io/ohdsi/webapi:2.14.0",
			Description: "Container image of OHDSI WebAPI on the Atlas host: `[registry/]repository:tag`, the tag a version number (never `latest`), optionally followed by `@sha256:<digest>` to pin the exact image. A 2.14.x release: the WebAPI settings the Atlas host writes (environment variables, the results DDL and source refresh endpoints) were checked against WebAPI 2.14's sources, and other releases are refused."},
		{Name: KeyAtlasImage, Type: TypeString, Default: "docker.io/ohdsi/atlas:2.14.0",
			Description: "Container image of OHDSI Atlas on the Atlas host, written as `atlasWebApiImage` is, and a 2.14.x release like it (its `WEBAPI_URL` and port were checked against Atlas 2.14's sources)."},
		{Name: KeyAtlasPostgresImage, Type: TypeString, Default: "docker.io/library/postgres:16.4",
			Description: "Container image of WebAPI's own PostgreSQL database on the Atlas host, written as `atlasWebApiImage` is. A new major version cannot read the old data directory."},
		{Name: KeyDockerComposeVersion, Type: TypeString, Default: "v2.38.2",
			Description: "docker compose release (a tag of github.com/docker/compose, `v<major>.<minor>.<patch>`) installed as a plugin on the Atlas host. Changing it requires the matching `dockerComposeSha256Amd64`/`dockerComposeSha256Arm64`."},
		{Name: KeyDockerComposeSHA256AMD64, Type: TypeString, Default: "486b3ffc0f806ca2efbc430cef89955386011662f0c76bad17c103d059cfa9cf",
			Description: "sha256 of `docker-compose-linux-x86_64` of `dockerComposeVersion`; the Atlas host refuses a download that does not match. Empty refuses x86_64 Atlas hosts."},
		{Name: KeyDockerComposeSHA256ARM64, Type: TypeString, Default: "4d0f7678dd3338452beba4518e36a8e22b20cad79ba2535c687da554dc3997fb",
			Description: "sha256 of `docker-compose-linux-aarch64` of `dockerComposeVersion`. Empty refuses Graviton Atlas hosts."},
		{Name: KeyScheduleEnabled, Type: TypeBoolean, Default: "true",
			Description: "Stop the instances (and pause Redshift) outside working hours, and start them again, with EventBridge Scheduler."},
		{Name: KeyWorkingHours, Type: TypeString, Default: "08:00-18:00",
			Description: "Working hours, `HH:00-HH:00` on the hour, in `timeZone`."},
		{Name: KeyWorkingDays, Type: TypeString, Default: "MON-FRI",
			Description: "Working days as a cron day-of-week field: MON-FRI, or a list such as MON,WED,FRI."},
		{Name: KeyTimeZone, Type: TypeString, Default: "", DefaultNote: "the region's",
			Description: "IANA time zone of the working hours. By default the time zone of the city the region is named after (`internal/config/timezones.go`): America/Los_Angeles in us-west-2, Europe/Berlin in eu-central-1."},
		{Name: KeyMonthlyBudgetUSD, Type: TypeInteger, Default: "2000",
			Description: "Monthly AWS Budget for the project's tag, in US dollars; the notification e-mails are alerted at 80% and 100%."},
		{Name: KeyOutputReviewers, Type: TypeArray, Default: "[]",
			Description: "IAM role ARNs of the people who review results before they leave (the airlock, docs/airlock.md): one role per person, of the stack's account, existing before `pulumi up`, none of the project's own roles. A release needs two approvals by distinct reviewers, neither the requester, so name at least two. Empty (the default): requests are recorded and checked but nothing can ever be released, and `sce plan` warns (rule airlock-has-reviewers)."},
		{Name: KeyPHINames, Type: TypeArray, Default: "[]",
			Description: "Names (of the study's patients, clinicians, sites) that an object key must not contain, besides the built-in patterns (SSNs, dates of birth, phone numbers, e-mail addresses, MRN-like numbers). Used by the upload ledger and `sce upload`."},
		{Name: KeyLedgerConcurrency, Type: TypeInteger, Default: "0",
			Description: "Concurrent executions reserved for the upload ledger function, which are also its ceiling, 0 to 1000; 0 reserves none (the function shares the account's unreserved pool). Lambda refuses a reservation that leaves fewer than 100 executions unreserved in the account and region (PutFunctionConcurrency), and new accounts have a lower concurrency quota: set it only where `aws lambda get-account-settings` shows `UnreservedConcurrentExecutions` at least 100 above the value."},
		{Name: KeyWorkersEnabled, Type: TypeBoolean, Default: "false",
			Description: "Scale-out: an Auto Scaling group of dedicated workers that take the upload ledger's queue, run `workerPipelineCommand` on each object and write the results to the output bucket. It scales to zero when the queue is empty."},
		{Name: KeyWorkerInstanceType, Type: TypeString, Default: "c5.xlarge",
			Description: "EC2 instance type of the workers: an m-, c- or r-family type. Burstable (t-family) types are refused."},
		{Name: KeyMaxWorkers, Type: TypeInteger, Default: "5",
			Description: "Most workers running at once, 1 to 100 (the seed's W x 5)."},
		{Name: KeyWorkerScratchGB, Type: TypeInteger, Default: "200",
			Description: "Size in GiB of each worker's encrypted gp3 scratch volume, where it downloads its object (1 to 16384)."},
		{Name: KeyWorkerPipelineObject, Type: TypeString, Default: "",
			Description: "The pipeline the workers run, required when `workersEnabled` is true: the name (1-100 characters of A-Z, a-z, 0-9, `.`, `_`, `-`) of one executable file the builder uploads to the ancillary bucket as `pipelines/<name>`. Each worker downloads it at boot through the S3 endpoint, checks it against `workerPipelineSha256` and installs it as `/opt/sce/pipeline/<name>`; its role may read that one object."},
		{Name: KeyWorkerPipelineSHA256, Type: TypeString, Default: "",
			Description: "sha256 of the `workerPipelineObject` file (64 lower-case hex digits, as `sha256sum` prints it), required when `workersEnabled` is true. A worker whose download does not match never starts."},
		{Name: KeyWorkerPipelineCommand, Type: TypeString, Default: "", DefaultNote: "`/opt/sce/pipeline/<workerPipelineObject>`",
			Description: "The command a worker runs on each object: the installed pipeline `/opt/sce/pipeline/<workerPipelineObject>`, or a JSON array of a program and its arguments that names it (`[\"/opt/sce/pipeline/run\",\"--threads\",\"4\"]`, `[\"/usr/bin/python3\",\"/opt/sce/pipeline/qc.py\"]`), run without a shell, no single quotes. The downloaded file's path is appended; the program writes its results into `$SCE_OUTPUT_DIR`, which are uploaded to the output bucket."},
		{Name: KeyWorkerIdleMinutes, Type: TypeInteger, Default: "15",
			Description: "Minutes without work after which a worker shuts itself down and is terminated (1 to 1440)."},
		{Name: KeyEMREnabled, Type: TypeBoolean, Default: "false",
			Description: "An Amazon EMR cluster in the private subnet for Spark-scale analyses: Kerberos, encrypted at rest (S3 SSE-KMS, local disks and EBS volumes) and in transit, logs in the log bucket, terminated when idle. Refused with `omopEnabled`: that stack's VPC is default tenancy, where EMR's nodes would run on shared hardware."},
		{Name: KeyEMRReleaseLabel, Type: TypeString, Default: "emr-7.5.0",
			Description: "EMR release, emr-6.7.0 to emr-7.x (the security groups follow the 7.x private-subnet rules)."},
		{Name: KeyEMRPrimaryInstanceType, Type: TypeString, Default: "m5.xlarge",
			Description: "Instance type of the EMR primary node: an m-, c- or r-family type."},
		{Name: KeyEMRCoreInstanceType, Type: TypeString, Default: "r5.xlarge",
			Description: "Instance type of the EMR core nodes: an m-, c- or r-family type."},
		{Name: KeyEMRCoreInstanceCount, Type: TypeInteger, Default: "2",
			Description: "Number of EMR core nodes, 1 to 50."},
		{Name: KeyEMRIdleMinutes, Type: TypeInteger, Default: "60",
			Description: "Minutes without a running step after which EMR terminates the cluster (1 to 10080)."},
		{Name: KeyBackupRetentionDays, Type: TypeInteger, Default: "35",
			Description: "Days AWS Backup keeps each daily recovery point of the workstation, the Atlas host and the upload ledger (1 to 36500), in a vault encrypted with the project key. Recovery points hold PHI: the vault is retained after close-out until they expire."},
		{Name: KeyMinimumRetentionDays, Type: TypeInteger, Default: "2192",
			Description: "The shortest retention, in days, that `sce closeout` accepts for the evidence kept after the project (1 to 36500): every log group's retention and every expiration in the lifecycle of a bucket kept after `pulumi destroy`. A shorter one fails the close-out, named. The default, 2192 days, is HIPAA's six years (45 CFR 164.316(b)(2)(i)); lower it only where a longer period is not required of the project."},
		{Name: KeyAncillaryCloseout, Type: TypeString, Default: AncillaryKeep,
			Description: "What close-out does with the ancillary bucket (pipelines, certificates, anything put there; PHI by mistake perhaps): `keep` (it is retained after `pulumi destroy`, like data-in and output, and protected with `protect`) or `destroy` (the data owner agrees that it is emptied and deleted: it is neither retained nor protected, and `sce closeout` prints the commands that delete every version before `pulumi destroy`)."},
		{Name: KeyProtect, Type: TypeBoolean, Default: "true",
			Description: "Mark the resources that hold PHI or audit evidence (the project key, logs) `protect`, so that `pulumi destroy` refuses to delete them. They are retained on delete either way."},
	}
}

// KeyNamed returns the key of that name (without namespace) and whether it exists.
func KeyNamed(name string) (Key, bool) {
	for _, k := range Keys() {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}
