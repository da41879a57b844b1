package config

// Values of sce:configRecorder: who provides the account's AWS Config recorder and delivery channel.
const (
	// ConfigRecorderCreate makes this stack create the recorder, its delivery channel into the log bucket
	// and its status. Only the account-baseline stack may say it.
	ConfigRecorderCreate = "create"
	// ConfigRecorderExisting leaves the recorder and the delivery channel to whoever already has them in
	// the account and region (another stack's baseline, Control Tower, a Security Hub quick setup): this
	// stack creates neither, and its Config rules evaluate through that recorder.
	ConfigRecorderExisting = "existing"
)

// CreatesConfigRecorder reports whether this stack creates the account's Config recorder and delivery
// channel.
func (c *Config) CreatesConfigRecorder() bool { return c.ConfigRecorder == ConfigRecorderCreate }

// configRecorder reads sce:configRecorder. AWS Config allows one customer managed recorder and one
// delivery channel per account and region (PutConfigurationRecorder and PutDeliveryChannel refuse a
// second with MaxNumberOfConfigurationRecordersExceededException and
// MaxNumberOfDeliveryChannelsExceededException, Config API Reference), so only the stack that owns the
// account baseline may create them, and only where the account has none yet. Unset, it is create on the
// baseline stack and existing on the others.
func (r *reader) configRecorder(accountBaseline bool) string {
	v := r.value(KeyConfigRecorder)
	switch {
	case v == "" && accountBaseline:
		return ConfigRecorderCreate
	case v == "":
		return ConfigRecorderExisting
	case v != ConfigRecorderCreate && v != ConfigRecorderExisting:
		r.ps.add(full(KeyConfigRecorder), v, "is not a recorder mode; accepted: %s (this stack creates the account's AWS Config recorder "+
			"and delivery channel) or %s (the account already has them)", ConfigRecorderCreate, ConfigRecorderExisting)
	case v == ConfigRecorderCreate && !accountBaseline:
		r.ps.add(full(KeyConfigRecorder), v, "is refused with %s: false: AWS Config allows one recorder and one delivery channel per "+
			"account and region, and the stack that owns the account baseline creates them; accepted here: %s, or %s: true on the one "+
			"baseline stack", full(KeyAccountBaseline), ConfigRecorderExisting, full(KeyAccountBaseline))
	}
	return v
}

// checkObjectLockAndConfig refuses object lock on the log bucket of the stack whose delivery channel
// writes into it. AWS Config does not support a delivery channel to a bucket where object lock is enabled
// with a default retention (Config Developer Guide, "Managing the Delivery Channel",
// manage-delivery-channel.html; the CloudFormation reference of AWS::Config::DeliveryChannel says so of
// any object lock), and sce:logBucketObjectLock is exactly that: governance mode, six years by default.
func (r *reader) checkObjectLockAndConfig(c *Config) {
	if !c.LogBucketObjectLock || !c.CreatesConfigRecorder() {
		return
	}
	r.ps.add(full(KeyLogBucketObjectLock), "true", "is refused where this stack creates the AWS Config delivery channel (%s: true, "+
		"%s: %s): AWS Config does not deliver into a bucket with object lock and a default retention, which is what this key sets on "+
		"the log bucket (Config Developer Guide, \"Managing the Delivery Channel\"); accepted: %s: false here, or %s: %s where the "+
		"account already has its recorder and delivery channel, or object lock on a stack with %s: false",
		full(KeyAccountBaseline), full(KeyConfigRecorder), ConfigRecorderCreate, full(KeyLogBucketObjectLock),
		full(KeyConfigRecorder), ConfigRecorderExisting, full(KeyAccountBaseline))
}
