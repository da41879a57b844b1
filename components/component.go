package components

// What every component does first: register itself, and name and parent its children after itself.

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// registerComponent registers r as a component resource of type typ named name, and returns how its
// children are named, child(suffix) = "<name>-<suffix>" so that two components of one type never collide,
// and the option that parents them to r. what names the component in the error ("upload ledger").
func registerComponent(ctx *pulumi.Context, typ, what, name string, r pulumi.ComponentResource, opts ...pulumi.ResourceOption) (func(string) string, pulumi.ResourceOption, error) {
	if err := ctx.RegisterComponentResource(typ, name, r, opts...); err != nil {
		return nil, nil, fmt.Errorf("register %s %s: %w", what, name, err)
	}
	return func(suffix string) string { return name + "-" + suffix }, pulumi.Parent(r), nil
}
