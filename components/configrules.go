package components

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cfg"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// RuleScope says which resources an AWS Config rule evaluates.
type RuleScope string

const (
	// ScopeProjectTag limits the rule to resources tagged Project=<PIT>, the stack's own resources. It suits
	// rules triggered by configuration changes (alone or with a periodic trigger) on taggable resources.
	ScopeProjectTag RuleScope = "project-tag"
	// ScopeAccount gives the rule no scope: periodic-only rules, account-level checks and rules whose resource
	// types carry no tags (SSM compliance and inventory items) cannot be limited to the stack's resources.
	ScopeAccount RuleScope = "account"
)

// ProjectTagKey is the tag key that carries the PIT on every resource of the stack (the provider's default
// tags set it). It must stay equal to the stack package's TagProject, which this package cannot import.
const ProjectTagKey = "Project"

// ConfigRuleOwnerAWS is the source owner of an AWS Config managed rule.
const ConfigRuleOwnerAWS = "AWS"

// ConfigRuleFrequency is how often periodic rules run.
const ConfigRuleFrequency = "TwentyFour_Hours"

// MaxConfigRuleNameLength is AWS Config's limit on a rule name.
const MaxConfigRuleNameLength = 128

// ConfigRuleSpec describes one AWS Config managed rule of the HIPAA conformance pack that SCE deploys.
type ConfigRuleSpec struct {
	// Name is the managed rule's name in kebab case (e.g. "restricted-ssh"); the deployed rule is named
	// "<PIT>-<Name>".
	Name string
	// Identifier is the managed rule's source identifier (e.g. "INCOMING_SSH_DISABLED"), which is not
	// always the name in upper case.
	Identifier string
	// InputParameters are the rule parameters, sent as a JSON object of strings. Nil when the rule needs none.
	InputParameters map[string]string
	// Scope says whether the rule is limited to the stack's tagged resources.
	Scope RuleScope
	// Periodic marks rules with a periodic trigger (periodic only, or periodic and configuration changes);
	// they run every 24 hours.
	Periodic bool
	// Checklist lists the rows of the HIPAA rule checklist (shared/reference/hipaa-rules.md) the rule checks.
	Checklist []int
	// Requirement names the design requirement of a rule outside the checklist's packs (the seed's
	// dedicated tenancy). Exactly one of Checklist and Requirement is set.
	Requirement string
}

// configMinRetentionDays is the retention threshold given to cw-loggroup-retention-period-check.
const configMinRetentionDays = 1827

// HIPAAConfigRules returns the AWS Config managed rules of the HIPAA conformance pack whose checklist row
// applies to SCE ("yes"), in checklist order. Rules about resources the project does not build yet are
// included: they have nothing to evaluate until those resources exist. Identifiers and trigger types are
// those of the AWS Config managed rules list.
func HIPAAConfigRules() []ConfigRuleSpec {
	blockedKMSActions := map[string]string{"blockedActionsPatterns": "kms:*,kms:Decrypt,kms:ReEncrypt*"}
	// restricted-common-ports blocks FTP data and control, RDP, MySQL and mSQL from 0.0.0.0/0 (row 44).
	ports := map[string]string{}
	for i, p := range []int{20, 21, PortRDP, 3306, 4333} {
		ports["blockedPort"+strconv.Itoa(i+1)] = strconv.Itoa(p)
	}
	return []ConfigRuleSpec{
		// CloudTrail, CloudWatch Logs: periodic rules, so account-wide.
		{Name: "cloud-trail-cloud-watch-logs-enabled", Identifier: "CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED", Scope: ScopeAccount, Periodic: true, Checklist: []int{1}},
		{Name: "cloud-trail-encryption-enabled", Identifier: "CLOUD_TRAIL_ENCRYPTION_ENABLED", Scope: ScopeAccount, Periodic: true, Checklist: []int{2}},
		{Name: "cloud-trail-log-file-validation-enabled", Identifier: "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED", Scope: ScopeAccount, Periodic: true, Checklist: []int{3}},
		{Name: "cloudtrail-enabled", Identifier: "CLOUD_TRAIL_ENABLED", Scope: ScopeAccount, Periodic: true, Checklist: []int{4}},
		{Name: "cloudtrail-s3-dataevents-enabled", Identifier: "CLOUDTRAIL_S3_DATAEVENTS_ENABLED", Scope: ScopeAccount, Periodic: true, Checklist: []int{5}},
		{Name: "cloudwatch-log-group-encrypted", Identifier: "CLOUDWATCH_LOG_GROUP_ENCRYPTED", Scope: ScopeAccount, Periodic: true, Checklist: []int{6}},
		{Name: "cw-loggroup-retention-period-check", Identifier: "CW_LOGGROUP_RETENTION_PERIOD_CHECK", Scope: ScopeAccount, Periodic: true, Checklist: []int{7},
			// The rule documents 1827 as its longest value below ten years (it predates CloudWatch's 2192-day
			// option); the policy pack's log-retention-six-years holds the six-year line.
			InputParameters: map[string]string{"MinRetentionTime": strconv.Itoa(configMinRetentionDays)}},

		// DynamoDB.
		{Name: "dynamodb-in-backup-plan", Identifier: "DYNAMODB_IN_BACKUP_PLAN", Scope: ScopeAccount, Periodic: true, Checklist: []int{8}},
		{Name: "dynamodb-pitr-enabled", Identifier: "DYNAMODB_PITR_ENABLED", Scope: ScopeProjectTag, Checklist: []int{9}},
		{Name: "dynamodb-table-encrypted-kms", Identifier: "DYNAMODB_TABLE_ENCRYPTED_KMS", Scope: ScopeProjectTag, Checklist: []int{10}},

		// EC2 and EBS.
		{Name: "ebs-in-backup-plan", Identifier: "EBS_IN_BACKUP_PLAN", Scope: ScopeAccount, Periodic: true, Checklist: []int{11}},
		{Name: "ebs-optimized-instance", Identifier: "EBS_OPTIMIZED_INSTANCE", Scope: ScopeProjectTag, Checklist: []int{12}},
		{Name: "ec2-imdsv2-check", Identifier: "EC2_IMDSV2_CHECK", Scope: ScopeProjectTag, Checklist: []int{13}},
		{Name: "ec2-instance-detailed-monitoring-enabled", Identifier: "EC2_INSTANCE_DETAILED_MONITORING_ENABLED", Scope: ScopeProjectTag, Checklist: []int{14}},
		// Also evaluates AWS::SSM::ManagedInstanceInventory items, which carry no tags.
		{Name: "ec2-instance-managed-by-systems-manager", Identifier: "EC2_INSTANCE_MANAGED_BY_SSM", Scope: ScopeAccount, Checklist: []int{15}},
		{Name: "ec2-instance-no-public-ip", Identifier: "EC2_INSTANCE_NO_PUBLIC_IP", Scope: ScopeProjectTag, Checklist: []int{16}},
		{Name: "ec2-instance-profile-attached", Identifier: "EC2_INSTANCE_PROFILE_ATTACHED", Scope: ScopeProjectTag, Checklist: []int{17}},
		{Name: "ec2-instances-in-vpc", Identifier: "INSTANCES_IN_VPC", Scope: ScopeProjectTag, Checklist: []int{18}},
		// Evaluate AWS::SSM::AssociationCompliance and AWS::SSM::PatchCompliance items, which carry no tags.
		{Name: "ec2-managedinstance-association-compliance-status-check", Identifier: "EC2_MANAGEDINSTANCE_ASSOCIATION_COMPLIANCE_STATUS_CHECK", Scope: ScopeAccount, Checklist: []int{19}},
		{Name: "ec2-managedinstance-patch-compliance-status-check", Identifier: "EC2_MANAGEDINSTANCE_PATCH_COMPLIANCE_STATUS_CHECK", Scope: ScopeAccount, Checklist: []int{20}},
		{Name: "ec2-resources-protected-by-backup-plan", Identifier: "EC2_RESOURCES_PROTECTED_BY_BACKUP_PLAN", Scope: ScopeAccount, Periodic: true, Checklist: []int{21}},
		{Name: "ec2-stopped-instance", Identifier: "EC2_STOPPED_INSTANCE", Scope: ScopeAccount, Periodic: true, Checklist: []int{22},
			InputParameters: map[string]string{"AllowedDays": "30"}},
		{Name: "encrypted-volumes", Identifier: "ENCRYPTED_VOLUMES", Scope: ScopeProjectTag, Checklist: []int{24}},

		// IAM.
		{Name: "iam-customer-policy-blocked-kms-actions", Identifier: "IAM_CUSTOMER_POLICY_BLOCKED_KMS_ACTIONS", Scope: ScopeProjectTag, Checklist: []int{25},
			InputParameters: blockedKMSActions},
		{Name: "iam-inline-policy-blocked-kms-actions", Identifier: "IAM_INLINE_POLICY_BLOCKED_KMS_ACTIONS", Scope: ScopeProjectTag, Checklist: []int{26},
			InputParameters: blockedKMSActions},
		{Name: "iam-no-inline-policy-check", Identifier: "IAM_NO_INLINE_POLICY_CHECK", Scope: ScopeProjectTag, Checklist: []int{27}},
		{Name: "iam-policy-no-statements-with-admin-access", Identifier: "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS", Scope: ScopeProjectTag, Checklist: []int{28}},
		{Name: "iam-policy-no-statements-with-full-access", Identifier: "IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS", Scope: ScopeProjectTag, Checklist: []int{29}},

		// Network.
		{Name: "internet-gateway-authorized-vpc-only", Identifier: "INTERNET_GATEWAY_AUTHORIZED_VPC_ONLY", Scope: ScopeProjectTag, Checklist: []int{30}},

		// Lambda.
		{Name: "lambda-concurrency-check", Identifier: "LAMBDA_CONCURRENCY_CHECK", Scope: ScopeProjectTag, Checklist: []int{31}},
		{Name: "lambda-dlq-check", Identifier: "LAMBDA_DLQ_CHECK", Scope: ScopeProjectTag, Checklist: []int{32}},
		{Name: "lambda-function-public-access-prohibited", Identifier: "LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED", Scope: ScopeProjectTag, Checklist: []int{33}},
		{Name: "lambda-inside-vpc", Identifier: "LAMBDA_INSIDE_VPC", Scope: ScopeProjectTag, Checklist: []int{34}},

		{Name: "multi-region-cloudtrail-enabled", Identifier: "MULTI_REGION_CLOUD_TRAIL_ENABLED", Scope: ScopeAccount, Periodic: true, Checklist: []int{35}},
		{Name: "no-unrestricted-route-to-igw", Identifier: "NO_UNRESTRICTED_ROUTE_TO_IGW", Scope: ScopeProjectTag, Periodic: true, Checklist: []int{36}},

		// Redshift.
		{Name: "redshift-backup-enabled", Identifier: "REDSHIFT_BACKUP_ENABLED", Scope: ScopeProjectTag, Checklist: []int{37}},
		{Name: "redshift-cluster-configuration-check", Identifier: "REDSHIFT_CLUSTER_CONFIGURATION_CHECK", Scope: ScopeProjectTag, Checklist: []int{38},
			InputParameters: map[string]string{"clusterDbEncrypted": "true", "loggingEnabled": "true"}},
		{Name: "redshift-cluster-kms-enabled", Identifier: "REDSHIFT_CLUSTER_KMS_ENABLED", Scope: ScopeProjectTag, Checklist: []int{39}},
		{Name: "redshift-cluster-maintenancesettings-check", Identifier: "REDSHIFT_CLUSTER_MAINTENANCESETTINGS_CHECK", Scope: ScopeProjectTag, Checklist: []int{40},
			InputParameters: map[string]string{"allowVersionUpgrade": "true"}},
		{Name: "redshift-cluster-public-access-check", Identifier: "REDSHIFT_CLUSTER_PUBLIC_ACCESS_CHECK", Scope: ScopeProjectTag, Checklist: []int{41}},
		{Name: "redshift-enhanced-vpc-routing-enabled", Identifier: "REDSHIFT_ENHANCED_VPC_ROUTING_ENABLED", Scope: ScopeProjectTag, Checklist: []int{42}},
		{Name: "redshift-require-tls-ssl", Identifier: "REDSHIFT_REQUIRE_TLS_SSL", Scope: ScopeProjectTag, Checklist: []int{43}},

		// Security groups (configuration changes and periodic).
		{Name: "restricted-common-ports", Identifier: "RESTRICTED_INCOMING_TRAFFIC", Scope: ScopeProjectTag, Periodic: true, Checklist: []int{44},
			InputParameters: ports},
		{Name: "restricted-ssh", Identifier: "INCOMING_SSH_DISABLED", Scope: ScopeProjectTag, Periodic: true, Checklist: []int{45}},

		// S3.
		{Name: "s3-bucket-acl-prohibited", Identifier: "S3_BUCKET_ACL_PROHIBITED", Scope: ScopeProjectTag, Checklist: []int{46}},
		{Name: "s3-bucket-default-lock-enabled", Identifier: "S3_BUCKET_DEFAULT_LOCK_ENABLED", Scope: ScopeProjectTag, Checklist: []int{47}},
		{Name: "s3-bucket-level-public-access-prohibited", Identifier: "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED", Scope: ScopeProjectTag, Checklist: []int{48}},
		{Name: "s3-bucket-logging-enabled", Identifier: "S3_BUCKET_LOGGING_ENABLED", Scope: ScopeProjectTag, Checklist: []int{49}},
		{Name: "s3-bucket-policy-grantee-check", Identifier: "S3_BUCKET_POLICY_GRANTEE_CHECK", Scope: ScopeProjectTag, Checklist: []int{50}},
		{Name: "s3-bucket-public-read-prohibited", Identifier: "S3_BUCKET_PUBLIC_READ_PROHIBITED", Scope: ScopeProjectTag, Periodic: true, Checklist: []int{51}},
		{Name: "s3-bucket-public-write-prohibited", Identifier: "S3_BUCKET_PUBLIC_WRITE_PROHIBITED", Scope: ScopeProjectTag, Periodic: true, Checklist: []int{52}},
		{Name: "s3-bucket-replication-enabled", Identifier: "S3_BUCKET_REPLICATION_ENABLED", Scope: ScopeProjectTag, Checklist: []int{53}},
		{Name: "s3-bucket-server-side-encryption-enabled", Identifier: "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", Scope: ScopeProjectTag, Checklist: []int{54}},
		{Name: "s3-bucket-ssl-requests-only", Identifier: "S3_BUCKET_SSL_REQUESTS_ONLY", Scope: ScopeProjectTag, Checklist: []int{55}},
		{Name: "s3-bucket-versioning-enabled", Identifier: "S3_BUCKET_VERSIONING_ENABLED", Scope: ScopeProjectTag, Checklist: []int{56}},
		{Name: "s3-default-encryption-kms", Identifier: "S3_DEFAULT_ENCRYPTION_KMS", Scope: ScopeProjectTag, Checklist: []int{57}},
		{Name: "s3-event-notifications-enabled", Identifier: "S3_EVENT_NOTIFICATIONS_ENABLED", Scope: ScopeProjectTag, Checklist: []int{58}},
		{Name: "s3-version-lifecycle-policy-check", Identifier: "S3_VERSION_LIFECYCLE_POLICY_CHECK", Scope: ScopeProjectTag, Checklist: []int{59}},

		{Name: "sns-encrypted-kms", Identifier: "SNS_ENCRYPTED_KMS", Scope: ScopeProjectTag, Checklist: []int{60}},

		// VPC.
		{Name: "subnet-auto-assign-public-ip-disabled", Identifier: "SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED", Scope: ScopeProjectTag, Checklist: []int{61}},
		{Name: "vpc-default-security-group-closed", Identifier: "VPC_DEFAULT_SECURITY_GROUP_CLOSED", Scope: ScopeProjectTag, Checklist: []int{62}},
		{Name: "vpc-flow-logs-enabled", Identifier: "VPC_FLOW_LOGS_ENABLED", Scope: ScopeAccount, Periodic: true, Checklist: []int{63},
			InputParameters: map[string]string{"trafficType": FlowLogTrafficAll}},
		{Name: "vpc-sg-open-only-to-authorized-ports", Identifier: "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS", Scope: ScopeProjectTag, Periodic: true, Checklist: []int{64}},

		// Not in the HIPAA packs: the seed's dedicated tenancy, checked on every instance of the project.
		// Where the VPC is default-tenancy (a stack with Redshift), this is what catches an instance launched
		// by hand with shared tenancy; in a dedicated VPC it confirms what the VPC already forces.
		{Name: "desired-instance-tenancy", Identifier: "DESIRED_INSTANCE_TENANCY", Scope: ScopeProjectTag,
			InputParameters: map[string]string{"tenancy": DesiredInstanceTenancy},
			Requirement:     "dedicated tenancy on every instance (the seed; shared/reference/hipaa-rules.md, rules in none of the packs)"},
	}
}

// DesiredInstanceTenancy is the desired-instance-tenancy rule's tenancy parameter (DEDICATED, HOST or
// DEFAULT, in AWS Config's spelling).
const DesiredInstanceTenancy = "DEDICATED"

// ConfigRulesArgs configures the HIPAA AWS Config rules of one stack.
type ConfigRulesArgs struct {
	// PIT is the Project Identifier Tag. It prefixes every rule name ("<PIT>-<rule>") and is the value of
	// the Project tag that scoped rules look for. Required; at most 128 characters minus the longest rule
	// name and its dash.
	PIT string
}

// NewConfigRules creates one AWS Config managed rule per HIPAAConfigRules entry, each named
// "<PIT>-<rule name>" and registered as "<name>-<rule name>". It is not a component: the opts apply to every
// rule, so the caller passes the parent, the provider and a DependsOn on the configuration recorder (rules
// cannot be created before the recorder exists). Nothing is registered when the arguments are invalid.
func NewConfigRules(ctx *pulumi.Context, name string, args *ConfigRulesArgs, opts ...pulumi.ResourceOption) ([]*cfg.Rule, error) {
	if args == nil {
		return nil, fmt.Errorf("config rules %s: args are required", name)
	}
	rules, err := newConfigRules(ctx, name, args.PIT, HIPAAConfigRules(), opts...)
	if err != nil {
		return nil, fmt.Errorf("config rules %s: %w", name, err)
	}
	return rules, nil
}

// newConfigRules validates the PIT and every spec, then creates the rules in spec order.
func newConfigRules(ctx *pulumi.Context, name, pit string, specs []ConfigRuleSpec, opts ...pulumi.ResourceOption) ([]*cfg.Rule, error) {
	if err := checkConfigRules(pit, specs); err != nil {
		return nil, err
	}
	rules := make([]*cfg.Rule, 0, len(specs))
	for _, s := range specs {
		ruleArgs, err := configRuleArgs(pit, s)
		if err != nil {
			return nil, fmt.Errorf("rule %s: %w", s.Name, err)
		}
		r, err := cfg.NewRule(ctx, name+"-"+s.Name, ruleArgs, opts...)
		if err != nil {
			return nil, fmt.Errorf("create rule %s: %w", s.Name, err)
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// checkConfigRules refuses a missing or overlong PIT and incomplete or duplicate specs.
func checkConfigRules(pit string, specs []ConfigRuleSpec) error {
	if strings.TrimSpace(pit) == "" {
		return fmt.Errorf("a PIT is required: it prefixes every rule name and scopes rules to the Project tag")
	}
	names, identifiers := map[string]bool{}, map[string]bool{}
	for i, s := range specs {
		switch {
		case s.Name == "" || s.Identifier == "":
			return fmt.Errorf("rule %d needs a name and a source identifier", i)
		case names[s.Name]:
			return fmt.Errorf("rule name %q is used twice", s.Name)
		case identifiers[s.Identifier]:
			return fmt.Errorf("source identifier %q is used twice", s.Identifier)
		case s.Scope != ScopeProjectTag && s.Scope != ScopeAccount:
			return fmt.Errorf("rule %s has unknown scope %q; use ScopeProjectTag or ScopeAccount", s.Name, s.Scope)
		case len(s.Checklist) == 0 && s.Requirement == "":
			return fmt.Errorf("rule %s names no HIPAA checklist row and no design requirement", s.Name)
		case len(s.Checklist) > 0 && s.Requirement != "":
			return fmt.Errorf("rule %s names both checklist rows and a design requirement", s.Name)
		}
		names[s.Name], identifiers[s.Identifier] = true, true
		if n := len(ConfigRuleName(pit, s.Name)); n > MaxConfigRuleNameLength {
			return fmt.Errorf("PIT %q makes rule name %q %d characters long; AWS Config allows %d: use a shorter PIT",
				pit, ConfigRuleName(pit, s.Name), n, MaxConfigRuleNameLength)
		}
	}
	return nil
}

// ConfigRuleName is the name of a deployed rule: "<PIT>-<rule name>", unique per account and region.
func ConfigRuleName(pit, rule string) string { return pit + "-" + rule }

// configRuleArgs builds the inputs of one rule.
func configRuleArgs(pit string, s ConfigRuleSpec) (*cfg.RuleArgs, error) {
	rows := make([]string, len(s.Checklist))
	for i, r := range s.Checklist {
		rows[i] = strconv.Itoa(r)
	}
	why := "HIPAA checklist row " + strings.Join(rows, ", ")
	if s.Requirement != "" {
		why = s.Requirement
	}
	a := &cfg.RuleArgs{
		Name:        pulumi.String(ConfigRuleName(pit, s.Name)),
		Description: pulumi.String(fmt.Sprintf("SCE %s: %s, AWS Config managed rule %s (%s)", pit, why, s.Name, s.Identifier)),
		Source: cfg.RuleSourceArgs{
			Owner:            pulumi.String(ConfigRuleOwnerAWS),
			SourceIdentifier: pulumi.String(s.Identifier),
		},
	}
	if len(s.InputParameters) > 0 {
		params, err := json.Marshal(s.InputParameters)
		if err != nil {
			return nil, fmt.Errorf("encode input parameters of %s: %w", s.Name, err)
		}
		a.InputParameters = pulumi.String(string(params))
	}
	if s.Scope == ScopeProjectTag {
		a.Scope = cfg.RuleScopeArgs{
			TagKey:   pulumi.String(ProjectTagKey),
			TagValue: pulumi.String(pit),
		}
	}
	if s.Periodic {
		a.MaximumExecutionFrequency = pulumi.String(ConfigRuleFrequency)
	}
	return a, nil
}
