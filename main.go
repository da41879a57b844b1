// Command sce is the Pulumi program of the Secure Computing Environment: `pulumi up` runs it. Everything
// it does lives in internal/stack, which the offline plan and the tests run too; only a real deployment
// also asks AWS whether the Redshift cluster can run SQL.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sce-project/sce/internal/stack"
)

func main() {
	pulumi.Run(stack.Deployment{Clusters: stack.LiveClusters}.Run)
}
