package config

// Values of sce:ancillaryCloseout: what close-out does with the ancillary bucket.
const (
	// AncillaryKeep retains the ancillary bucket when the stack is destroyed, like data-in and output
	// (and protects it with sce:protect): it may hold PHI, so nothing in it is lost without a decision.
	AncillaryKeep = "keep"
	// AncillaryDestroy records the data owner's consent that the ancillary bucket and everything in it
	// may be deleted at close-out: `sce closeout` prints the commands that empty every version, and
	// `pulumi destroy` then deletes the bucket.
	AncillaryDestroy = "destroy"
)

// KeepsAncillary reports whether the ancillary bucket outlives the stack.
func (c *Config) KeepsAncillary() bool { return c.AncillaryCloseout == AncillaryKeep }

// ancillaryCloseout reads sce:ancillaryCloseout.
func (r *reader) ancillaryCloseout() string {
	v := r.value(KeyAncillaryCloseout)
	if v != AncillaryKeep && v != AncillaryDestroy {
		r.ps.add(full(KeyAncillaryCloseout), v, "is not a close-out choice; accepted: %s (the bucket is retained after `pulumi destroy`) "+
			"or %s (the data owner agrees that it is emptied and deleted)", AncillaryKeep, AncillaryDestroy)
	}
	return v
}
