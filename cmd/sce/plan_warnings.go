package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/sce-project/sce/internal/config"
	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/scaffold"
)

// planWarnings are what `sce plan` tells the builder on stderr about a valid stack file: the
// configuration's warnings (an ssh block that can never match), and an account baseline nobody owns.
func planWarnings(path string, sf *plan.StackFile) []string {
	cfg, err := config.Load(config.FromMap(sf.Config))
	if err != nil {
		return nil // the plan has reported the configuration's problems already
	}
	var out []string
	for _, w := range cfg.Warnings {
		out = append(out, w.String())
	}
	if !cfg.AccountBaseline {
		if w := unownedBaseline(path, cfg.Region); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// unownedBaseline warns when a stack leaves the account baseline to another stack and no stack file next
// to it owns the baseline of its region. An example stack file owns nothing for a stack that is deployed:
// examples count only for one another. The plan cannot know accounts: the stack files of one directory
// are taken to share one.
func unownedBaseline(path, region string) string {
	dir, base := filepath.Dir(path), filepath.Base(path)
	self := false
	if data, err := os.ReadFile(path); err == nil {
		self = scaffold.IsExample(data)
	}
	stacks, _ := scaffold.ReadStacks(dir, base) // an unreadable neighbour owns nothing that can be known
	if _, ok := scaffold.BaselineOwner(stacks, region, self); ok {
		return ""
	}
	return fmt.Sprintf("sce:accountBaseline is false, and no deployed stack file in %s owns the account baseline in %s (stack files marked %q do not count): "+
		"unless another stack of this AWS account creates it, nothing creates the AWS Config recorder, the management-event trail, account S3 Block Public Access "+
		"and EBS encryption by default; set sce:accountBaseline: true in exactly one stack of the account and region (BUILDER.md, section 2)",
		dir, region, scaffold.ExampleMarker)
}
