// Command policy is the SCE policy pack: `pulumi preview --policy-pack ./policy`. The rules live in
// policy/rules and the wiring in policy/pack; this file only serves them.
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/sce-project/sce/policy/pack"
)

func main() {
	if err := policyx.Main(func(*pulumi.Context) (policyx.PolicyPack, error) { return pack.New() }); err != nil {
		fmt.Fprintf(os.Stderr, "sce policy pack: %v\n", err)
		os.Exit(1)
	}
}
