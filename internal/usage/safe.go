package usage

import "github.com/sce-project/sce/internal/textsafe"

// mdCell is a Markdown table cell holding a value from a log: textsafe's escapes, and a space for an
// empty value so that the row keeps its columns. Terminal cells use textsafe.Text, CSV cells
// textsafe.CSVCell: the report prints what outsiders wrote into the logs (object keys, queries, paths).
func mdCell(s string) string {
	if s == "" {
		return " "
	}
	return textsafe.MarkdownCell(s)
}
