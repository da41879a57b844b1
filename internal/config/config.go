// Package config reads and validates the typed configuration of one SCE stack. It knows nothing of Pulumi
// resources: it turns raw key/value pairs (from a Pulumi context or a stack file) into a Config, or into a
// ValidationError that lists every problem at once.
package config

import (
	"encoding/json"
	"net/netip"
	"strconv"
	"strings"
)

// Config is the validated configuration of one stack.
type Config struct {
	// PIT is the Project Identifier Tag.
	PIT string
	// Region is the AWS region (aws:region).
	Region string
	// Partition is the AWS partition of Region ("aws", "aws-us-gov").
	Partition string
	// AvailabilityZone is the zone of both subnets.
	AvailabilityZone string
	// VPCTenancy is the VPC's instance tenancy: TenancyDedicated, or TenancyDefault where a service the
	// stack holds refuses dedicated VPCs (Redshift).
	VPCTenancy string
	// VPCCIDR, PublicSubnetCIDR and PrivateSubnetCIDR are the network blocks.
	VPCCIDR, PublicSubnetCIDR, PrivateSubnetCIDR netip.Prefix
	// AllowedSSHCIDRs may reach the bastion on port 22.
	AllowedSSHCIDRs []netip.Prefix
	// AllowSSHFromAnywhere records the builder's explicit acceptance of ssh sources wider than /8.
	AllowSSHFromAnywhere bool
	// BastionInstanceType and WorkstationInstanceType are EC2 instance types, never burstable.
	BastionInstanceType, WorkstationInstanceType string
	// NotificationEmails receive alarms and notifications.
	NotificationEmails []string
	// FlowLogRetentionDays is the VPC flow log's CloudWatch retention.
	FlowLogRetentionDays int
	// ReadOnlySourceBuckets may be read through the S3 endpoint.
	ReadOnlySourceBuckets []string
	// Protect marks PHI and audit resources protected.
	Protect bool
	// AdminRoleARNs are excepted from the VPC-endpoint restriction of the PHI buckets.
	AdminRoleARNs []string
	// UploaderRoleARNs may only write into the data-in bucket.
	UploaderRoleARNs []string
	// RestrictToVPCEndpoint limits object access to data-in and output to the S3 endpoint.
	RestrictToVPCEndpoint bool
	// LogBucketObjectLock makes the log bucket write-once.
	LogBucketObjectLock bool
	// AuditLogRetentionDays is the CloudTrail log group's retention.
	AuditLogRetentionDays int
	// AccountBaseline creates the account-level parts (management trail, account settings, and the Config
	// recorder when ConfigRecorder says create).
	AccountBaseline bool
	// ConfigRecorder is ConfigRecorderCreate when this stack creates the account's AWS Config recorder and
	// delivery channel, ConfigRecorderExisting when the account already has them.
	ConfigRecorder string
	// SSHPublicKey is the builder's public key, for ec2-user.
	SSHPublicKey string
	// Researchers have one Linux login each on the workstation (and a jump-only login on the bastion).
	Researchers []Researcher
	// DataVolumeGB is the size of the workstation's data volume.
	DataVolumeGB int
	// AnalysisTools are installed on the workstation.
	AnalysisTools []string
	// OMOP configures proof of concept B; OMOP.Enabled is false otherwise.
	OMOP OMOP
	// Schedule is the working-hours schedule; nil when scheduleEnabled is false.
	Schedule *Schedule
	// Warnings are values that are valid but almost certainly not what the builder meant (an ssh block that
	// no packet from the internet can come from). They never stop a deployment; the CLI prints them.
	Warnings []Problem
	// MonthlyBudgetUSD is the project's budget.
	MonthlyBudgetUSD int
	// PHINames are names an object key must not contain.
	PHINames []string
	// LedgerReservedConcurrency is the upload ledger function's reserved concurrency; 0 reserves none.
	LedgerReservedConcurrency int
	// Workers configures the scale-out worker pool; Workers.Enabled is false otherwise.
	Workers Workers
	// EMR configures the optional EMR cluster; EMR.Enabled is false otherwise.
	EMR EMR
	// BackupRetentionDays is how long AWS Backup keeps a recovery point.
	BackupRetentionDays int
	// MinimumRetentionDays is the shortest retention close-out accepts for kept logs and buckets.
	MinimumRetentionDays int
	// AncillaryCloseout is AncillaryKeep or AncillaryDestroy: the ancillary bucket's fate at close-out.
	AncillaryCloseout string
	// Software pins the releases and checksums of what the boot scripts download.
	Software Software
	// OutputReviewers are the roles whose approvals release results (sce:outputReviewers); none makes
	// every release impossible.
	OutputReviewers []string
}

// Schedule is when the instances run.
type Schedule struct {
	// StartHour and StopHour are whole hours, 0-23.
	StartHour, StopHour int
	// Days is a cron day-of-week field.
	Days string
	// TimeZone is an IANA time zone name.
	TimeZone string
}

// OMOP configures the Redshift cluster, the OMOP CDM load and the OHDSI tools.
type OMOP struct {
	Enabled               bool
	NodeType              string
	NodeCount             int
	SnapshotRetentionDays int
	Schema, ResultsSchema string
	// VocabularyPrefix and DataPrefix are key prefixes in the data-in bucket; DataPrefix may be empty.
	VocabularyPrefix, DataPrefix string
	// LoadEnabled turns the COPY statements on: the second phase, once the files are uploaded.
	LoadEnabled bool
	// VocabularyTables are the vocabulary tables whose files are uploaded, in load order.
	VocabularyTables  []string
	AtlasInstanceType string
}

// Researcher is one researcher's Linux login and ssh public key.
type Researcher struct {
	Login     string
	PublicKey string
}

// Getter returns the raw value of a namespaced key ("sce:pit") and whether it is set. Structured values
// (arrays) arrive as JSON, as Pulumi passes them to a program.
type Getter func(key string) (string, bool)

// FromMap returns a Getter over a map of namespaced keys.
func FromMap(raw map[string]string) Getter {
	return func(key string) (string, bool) {
		v, ok := raw[key]
		return v, ok
	}
}

// Load reads every key through get, applies defaults and validates the result. The error, if any, is a
// *ValidationError listing every problem found.
func Load(get Getter) (*Config, error) {
	r := reader{get: get}
	c := &Config{}

	c.Region = r.required(RegionKey)
	if c.Region != "" && !knownRegion(c.Region) {
		r.ps.add(RegionKey, c.Region, "is not a supported region; accepted: %s", strings.Join(Regions(), ", "))
	}
	c.Partition = Partition(c.Region)

	c.PIT = r.required(full(KeyPIT))
	if c.PIT != "" {
		if msg := checkPIT(c.PIT); msg != "" {
			r.ps.add(full(KeyPIT), c.PIT, "%s", msg)
		}
	}

	c.VPCCIDR = r.prefix(KeyVPCCIDR)
	c.PublicSubnetCIDR = r.prefix(KeyPublicSubnetCIDR)
	c.PrivateSubnetCIDR = r.prefix(KeyPrivateSubnetCIDR)
	r.checkNetwork(c)

	c.AvailabilityZone = r.availabilityZone(c.Region)

	c.AllowSSHFromAnywhere = r.boolean(KeyAllowSSHFromAnywhere)
	c.AllowedSSHCIDRs = r.sshCIDRs(c.AllowSSHFromAnywhere)
	r.warnUnroutableSSH(c.AllowedSSHCIDRs, c.VPCCIDR)

	c.BastionInstanceType = r.instanceType(KeyBastionInstanceType, "m")
	c.WorkstationInstanceType = r.instanceType(KeyWorkstationInstanceType, "m", "c", "r")

	c.NotificationEmails = r.checkedList(KeyNotificationEmails, CheckEmail)
	c.FlowLogRetentionDays = r.retention(KeyFlowLogRetentionDays)
	c.ReadOnlySourceBuckets = r.checkedList(KeyReadOnlySourceBuckets, CheckBucketName)
	c.Protect = r.boolean(KeyProtect)
	c.AdminRoleARNs = r.checkedList(KeyAdminRoleARNs, CheckRoleARN)
	c.UploaderRoleARNs = r.checkedList(KeyUploaderRoleARNs, CheckRoleARN)
	c.RestrictToVPCEndpoint = r.boolean(KeyRestrictToVPCEndpoint)
	c.LogBucketObjectLock = r.boolean(KeyLogBucketObjectLock)
	c.AuditLogRetentionDays = r.retention(KeyAuditLogRetentionDays)
	c.AccountBaseline = r.boolean(KeyAccountBaseline)
	c.ConfigRecorder = r.configRecorder(c.AccountBaseline)
	r.checkObjectLockAndConfig(c)
	c.SSHPublicKey = r.sshKey()
	c.Researchers = r.researchers()
	c.DataVolumeGB = r.integer(KeyDataVolumeGB, 1, 16384)
	c.AnalysisTools = r.checkedList(KeyAnalysisTools, checkTool)
	c.OMOP = r.omop()
	r.checkDatabaseLogins(c)
	c.VPCTenancy = r.vpcTenancy(c.OMOP.Enabled)
	c.Schedule = r.schedule(c.Region)
	r.checkPatchWindow(c.Schedule)
	c.MonthlyBudgetUSD = r.integer(KeyMonthlyBudgetUSD, 1, 1000000)
	c.PHINames = r.checkedList(KeyPHINames, checkPHIName)
	c.LedgerReservedConcurrency = r.integer(KeyLedgerConcurrency, 0, 1000)
	c.Workers = r.workers()
	c.EMR = r.emr()
	r.checkEMRTenancy(c)
	c.BackupRetentionDays = r.integer(KeyBackupRetentionDays, 1, 36500)
	c.MinimumRetentionDays = r.integer(KeyMinimumRetentionDays, 1, 36500)
	c.AncillaryCloseout = r.ancillaryCloseout()
	c.Software = r.software(c)
	c.OutputReviewers = r.outputReviewers(c)

	if err := r.ps.err(); err != nil {
		return nil, err
	}
	c.Warnings = r.warnings.list
	return c, nil
}

// UnknownKeys reports keys of the project's namespace that are not declared, typically misspellings, so
// that a misspelt optional key does not silently fall back to its default.
func UnknownKeys(keys []string) error {
	var ps problems
	for _, key := range keys {
		name, ok := strings.CutPrefix(key, Namespace+":")
		if !ok {
			continue
		}
		if _, known := KeyNamed(name); !known {
			ps.add(key, "", "is not a configuration key of this project; accepted keys: %s", strings.Join(keyNames(), ", "))
		}
	}
	return ps.err()
}

func keyNames() []string {
	var names []string
	for _, k := range Keys() {
		names = append(names, k.FullName())
	}
	return names
}

func full(name string) string { return Namespace + ":" + name }

func knownRegion(region string) bool {
	_, ok := Zones(region)
	return ok
}

// reader reads raw values, applying declared defaults and recording problems.
type reader struct {
	get      Getter
	ps       problems
	warnings problems
}

// value returns the raw value of a project key, or its declared default.
func (r *reader) value(name string) string {
	if v, ok := r.get(full(name)); ok {
		return strings.TrimSpace(v)
	}
	k, _ := KeyNamed(name)
	return k.Default
}

func (r *reader) required(key string) string {
	v, ok := r.get(key)
	v = strings.TrimSpace(v)
	if !ok || v == "" {
		r.ps.add(key, "", "is required and not set")
		return ""
	}
	return v
}

func (r *reader) boolean(name string) bool {
	v := r.value(name)
	b, err := strconv.ParseBool(v)
	if err != nil || (v != "true" && v != "false") {
		r.ps.add(full(name), v, "is not a boolean; accepted: true or false")
		return false
	}
	return b
}

// list reads an array key. Pulumi hands arrays to programs as JSON.
func (r *reader) list(name string) []string {
	v := r.value(name)
	var out []string
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		r.ps.add(full(name), v, "is not a list of strings; write it as a YAML list in the stack file")
		return nil
	}
	return out
}
