package stack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/internal/config"
)

// Audit is what the stack builds for auditing.
type Audit struct {
	Trail    *components.AuditTrail
	Baseline *components.AccountBaseline
}

// recordsManagementEvents reports whether this stack's trail records the account's management events:
// only the baseline stack's does, and only there do the CIS alarms on management API calls have events
// to match.
func recordsManagementEvents(cfg *config.Config) bool { return cfg.AccountBaseline }

// keyServices lists the services that use the project key in this stack.
func keyServices(cfg *config.Config) []components.KeyService {
	services := []components.KeyService{components.KeyServiceCloudWatchLogs, components.KeyServiceCloudTrail, components.KeyServiceCloudWatchAlarms}
	if cfg.CreatesConfigRecorder() {
		services = append(services, components.KeyServiceConfig)
	}
	if cfg.Workers.Enabled {
		services = append(services, components.KeyServiceAutoScaling)
	}
	return services
}

// buildAudit creates the account baseline (when this stack owns it) and the project's audit trail.
// Only the baseline stack records management events, and only it may create the Config recorder: AWS
// allows one recorder and one delivery channel per account and region, and one copy of management events
// is enough for an account. The Config rules wait for the recorder only where this stack creates it; a
// stack that does not must not depend on a recorder it does not own (PutConfigRule needs one in the
// account, which the baseline stack or the account's own setup provides).
func buildAudit(ctx *pulumi.Context, cfg *config.Config, arns components.ARNs, key *components.ProjectKey, b *Buckets,
	opts ...pulumi.ResourceOption) (*Audit, error) {
	a := &Audit{}
	var recorder pulumi.Resource
	if cfg.AccountBaseline {
		var err error
		a.Baseline, err = components.NewAccountBaseline(ctx, cfg.PIT+"-account", &components.AccountBaselineArgs{
			PIT: cfg.PIT, ARNs: arns,
			ExistingConfigRecorder: !cfg.CreatesConfigRecorder(),
			KMSKeyARN:              key.ARN,
			LogBucket:              b.Logs.Name, LogBucketPolicy: b.Logs.Policy, LogPrefix: PrefixConfig,
			EMRBlockPublicAccess: cfg.EMR.Enabled,
		}, opts...)
		if err != nil {
			return nil, err
		}
		if a.Baseline.RecorderStatus != nil {
			recorder = a.Baseline.RecorderStatus
		}
	}
	var dataBuckets []pulumi.StringInput
	for _, bucket := range b.PHI() {
		dataBuckets = append(dataBuckets, bucket.ARN)
	}
	var err error
	a.Trail, err = components.NewAuditTrail(ctx, cfg.PIT+"-audit", &components.AuditTrailArgs{
		PIT: cfg.PIT, ARNs: arns, KMSKeyARN: key.ARN,
		LogBucket: b.Logs.Name, LogBucketPolicy: b.Logs.Policy, LogPrefix: PrefixCloudTrail,
		DataEventBucketARNs: dataBuckets,
		ManagementEvents:    recordsManagementEvents(cfg),
		LogRetentionDays:    cfg.AuditLogRetentionDays,
		NotificationEmails:  cfg.NotificationEmails,
		ConfigRules:         true,
		ConfigRecorder:      recorder,
		Protect:             cfg.Protect,
	}, opts...)
	if err != nil {
		return nil, err
	}
	return a, nil
}
