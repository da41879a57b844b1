package closeout

import (
	"fmt"

	"github.com/sce-project/sce/internal/outputs"
)

// UseOutputs takes the deployed names from the stack outputs (`pulumi stack output --json`). Outputs of
// another project are refused, and so are outputs lacking a name the procedure prints, each named: the
// offline plan's bucket names carry invented suffixes, and a global bucket name may be someone else's.
func (rep *Report) UseOutputs(outs *outputs.Outputs) error {
	need := []string{outputs.PIT, outputs.DataInBucket, outputs.OutputBucket, outputs.LogBucket, outputs.AccessLogBucket,
		outputs.AncillaryBucket, outputs.KMSKeyARN}
	if rep.LedgerTable != "" {
		need = append(need, outputs.LedgerTable)
	}
	if err := outs.Require(need...); err != nil {
		return err
	}
	if pit := outs.Optional(outputs.PIT); pit != rep.PIT {
		return fmt.Errorf("the outputs in %s are of project %q, not %q", outs.Source, pit, rep.PIT)
	}
	names := map[string]string{}
	for _, n := range need {
		names[n] = outs.Optional(n)
	}
	rep.UseDeployedNames(names)
	return nil
}
