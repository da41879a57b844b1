package stack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sce-project/sce/internal/config"
	"github.com/sce-project/sce/internal/omop"
)

// Deployment is what one run of the program takes besides its configuration. The zero value is the
// offline run the plan and the tests make.
type Deployment struct {
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
	_, err = d.Build(ctx, cfg)
	return err
}

// Run is the program of the zero Deployment.
func Run(ctx *pulumi.Context) error { return Deployment{}.Run(ctx) }

// Build creates every resource of the stack from a validated configuration, as the zero Deployment.
func Build(ctx *pulumi.Context, cfg *config.Config) (*Stack, error) {
	return Deployment{}.Build(ctx, cfg)
}
