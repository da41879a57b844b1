package components

import "github.com/sce-project/sce/internal/awsbuckets"

// PatchBuckets returns the buckets AWS-RunPatchBaseline reads in a region (awsbuckets.Patch: the Systems
// Manager User Guide, "Reference: Amazon S3 buckets for patching operations").
func PatchBuckets(region string) []string { return awsbuckets.Patch(region) }
