package stack

import (
	"context"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/internal/config"
	"github.com/sce-project/sce/internal/omop"
)

// Deployment is what one run of the program takes besides its configuration. The zero value is the
// offline run the plan and the tests make.
type Deployment struct {
	// Clusters returns the client that describes the account's Redshift clusters in region, with the
	// stack's aws:profile (empty for the default credentials). When set, a stack with omopEnabled checks
	// that its cluster can run SQL before it plans any resource (checkRedshiftAwake). Nil under the mock
	// monitor, where no cluster exists: main.go sets LiveClusters.
	Clusters func(ctx context.Context, region, profile string) (ClusterDescriber, error)
	// OMOPTables is the OMOP CDM column list the DDL is generated from. Default: the embedded list. Tests
	// give a variant to see which statements a changed DDL replaces.
	OMOPTables []omop.Table
}

// Run is the Pulumi program: it loads and validates the configuration before registering any resource,
// then builds the stack and exports its outputs.
func (d Deployment) Run(ctx *pulumi.Context) error {
	cfg, err := config.Load(ctx.GetConfig)
	if err != nil {
		return err
	}
	if cfg.OMOP.Enabled && d.Clusters != nil {
		profile, _ := ctx.GetConfig("aws:profile")
		clusters, err := d.Clusters(ctx.Context(), cfg.Region, profile)
		if err != nil {
			return err
		}
		if err := checkRedshiftAwake(ctx.Context(), clusters, components.RedshiftClusterIdentifier(cfg.PIT)); err != nil {
			return err
		}
	}
	_, err = d.Build(ctx, cfg)
	return err
}

// Run is the program of the zero Deployment.
func Run(ctx *pulumi.Context) error { return Deployment{}.Run(ctx) }

// Build creates every resource of the stack from a validated configuration, as the zero Deployment.
func Build(ctx *pulumi.Context, cfg *config.Config) (*Stack, error) {
	return Deployment{}.Build(ctx, cfg)
}
