package audit

import (
	"strings"

	"github.com/sce-project/sce/internal/outputs"
)

// TrailPrefix is where, in the log bucket, the project's trail delivers (internal/stack's PrefixCloudTrail).
const TrailPrefix = "cloudtrail/"

// ApplyOutputs completes a report's settings from the stack outputs (`pulumi stack output --json`): what
// the flags left empty (the PHI buckets, the VPC endpoint, the trail in the log bucket, the region of an
// S3 trail) comes from them, and the stack's known principals (its roles granted the PHI buckets, the
// configured administrators and uploaders) are added to those the flags give. Outputs lacking a key the
// report needs are refused, every such key named: a report that silently widened to every bucket, or
// checked no principal, would look clean.
func ApplyOutputs(outs *outputs.Outputs, o *Options, trail, region *string) error {
	need := []string{outputs.KnownPrincipals}
	if len(o.Buckets) == 0 {
		need = append(need, outputs.PHIBuckets()...)
	}
	if o.VPCEndpoint == "" {
		need = append(need, outputs.S3EndpointID)
	}
	if *trail == "" {
		need = append(need, outputs.LogBucket)
	}
	if *region == "" && (*trail == "" || strings.HasPrefix(*trail, "s3://")) {
		need = append(need, outputs.Region)
	}
	if err := outs.Require(need...); err != nil {
		return err
	}
	known, err := outs.List(outputs.KnownPrincipals)
	if err != nil {
		return err
	}
	o.KnownPrincipals = append(known, o.KnownPrincipals...)
	if len(o.Buckets) == 0 {
		for _, name := range outputs.PHIBuckets() {
			o.Buckets = append(o.Buckets, outs.Optional(name))
		}
	}
	if o.VPCEndpoint == "" {
		o.VPCEndpoint = outs.Optional(outputs.S3EndpointID)
	}
	if *trail == "" {
		*trail = "s3://" + outs.Optional(outputs.LogBucket) + "/" + TrailPrefix
	}
	if *region == "" {
		*region = outs.Optional(outputs.Region)
	}
	return nil
}
