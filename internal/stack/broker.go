package stack

import (
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/internal/lambdabuild"
)

// brokerPackage is the workstation's credential broker, built from this module.
const brokerPackage = "./cmd/sce-broker"

// brokerBinary builds the credential broker for the workstation's architecture at deployment and returns
// it as an asset; the component uploads it into the ancillary bucket and Systems Manager installs it once
// its SHA-256 matched. Under the mock monitor nothing is compiled: the asset names the file `pulumi up`
// builds.
func brokerBinary(ctx *pulumi.Context, instanceType string) (pulumi.Asset, error) {
	out := filepath.Join(os.TempDir(), "sce-broker", ctx.Stack(), GoArch(instanceType), "sce-broker")
	if ctx.RunningWithMocks() {
		return pulumi.NewFileAsset(out), nil
	}
	root, err := projectRoot(ctx)
	if err != nil {
		return nil, err
	}
	if err := lambdabuild.BuildExecutable(ctx.Context(), root, brokerPackage, out, GoArch(instanceType)); err != nil {
		return nil, err
	}
	return pulumi.NewFileAsset(out), nil
}

// workstationRoleARN is the workstation's instance role, whose sessions the PHI buckets refuse.
func workstationRoleARN(arns components.ARNs, pit string) string {
	return arns.RoleARN(components.WorkstationRoleName(pit))
}
