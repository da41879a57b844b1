package export

import (
	"io"

	"github.com/sce-project/sce/internal/plan"
)

// WriteDot writes the architecture graph of the plan in Graphviz's dot language.
func WriteDot(w io.Writer, p *plan.Plan) error {
	return nil
}
