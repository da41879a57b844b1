package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// cmdFlags is one command's flag set together with what its help needs: the command as typed ("policy
// check"), the positional arguments its usage line shows ("<pit>", "FILE..."), a one-sentence summary, and
// where help goes. Every command builds its flags with newFlags, so that `--help`, `sce help <command>`,
// the usage lines and the top-level usage are all generated from the flags the command really has.
type cmdFlags struct {
	*flag.FlagSet
	name       string
	positional string
	summary    string
	stdout     io.Writer
}

// newFlags returns the flag set of `sce <name>`. Flag usage strings follow two conventions that the help
// reads: the argument's placeholder is the back-quoted word (Go's flag.UnquoteUsage), and "(required)"
// marks a flag the command cannot run without.
func newFlags(name, positional, summary string, stdout, stderr io.Writer) *cmdFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {} // parse prints help or the usage line itself, to the right stream
	return &cmdFlags{FlagSet: fs, name: name, positional: positional, summary: summary, stdout: stdout}
}

// parse parses args. It returns stop=true when the command must end at once with the exit code returned:
// 0 after printing the help to stdout for -h, -help or --help, 2 after a usage error (the flag package has
// printed the error itself on stderr; parse adds the usage line).
func (c *cmdFlags) parse(args []string) (code int, stop bool) {
	err := c.Parse(args)
	return c.outcome(err)
}

// parseInterspersed parses flags that may come before, between or after the positional arguments (`sce
// upload a.csv b.csv --stack hipaa`), and returns the positional arguments. Everything after "--" is
// positional. stop and code are as for parse.
func (c *cmdFlags) parseInterspersed(args []string) (positional []string, code int, stop bool) {
	for {
		if err := c.Parse(args); err != nil {
			code, stop = c.outcome(err)
			return nil, code, stop
		}
		rest := c.Args()
		if len(rest) == 0 {
			return positional, 0, false
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), 0, false
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

func (c *cmdFlags) outcome(err error) (int, bool) {
	switch {
	case err == nil:
		return 0, false
	case errors.Is(err, flag.ErrHelp):
		if d, ok := c.stdout.(*describer); ok {
			d.commands = append(d.commands, c)
			return 0, true
		}
		c.writeHelp(c.stdout)
		return 0, true
	}
	fmt.Fprintf(c.Output(), "%s\nrun 'sce help %s' for every flag\n", c.synopsis(), strings.Fields(c.name)[0])
	return 2, true
}

// usageError prints a command's own usage error (a missing argument, a flag it requires) with the usage
// line, and returns 2.
func (c *cmdFlags) usageError(format string, args ...any) int {
	fmt.Fprintf(c.Output(), "sce %s: %s\n%s\n", c.name, fmt.Sprintf(format, args...), c.synopsis())
	return 2
}

// fail prints a command's error, `sce <command>: ...`, on its stderr and returns code, the exit status.
func (c *cmdFlags) fail(code int, format string, args ...any) int {
	fmt.Fprintf(c.Output(), "sce %s: %s\n", c.name, fmt.Sprintf(format, args...))
	return code
}

// helpFlag describes one flag as the help shows it.
type helpFlag struct {
	name, placeholder, usage, def string
	required, repeat              bool
}

// repeatable is implemented by flag values that may be given several times.
type repeatable interface{ repeatable() bool }

// flags returns the command's flags, the required ones first, each group in name order.
func (c *cmdFlags) flags() []helpFlag {
	var out []helpFlag
	c.VisitAll(func(f *flag.Flag) {
		placeholder, usage := flag.UnquoteUsage(f)
		h := helpFlag{name: f.Name, placeholder: placeholder, usage: usage, required: strings.Contains(f.Usage, "(required)")}
		if r, ok := f.Value.(repeatable); ok && r.repeatable() {
			h.repeat = true
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" && !h.required {
			h.def = f.DefValue
		}
		out = append(out, h)
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].required && !out[j].required })
	return out
}

// synopsis is the command's usage line: "usage: sce init <pit> [--region R] ...".
func (c *cmdFlags) synopsis() string {
	return "usage: " + strings.Join(c.words(), " ")
}

// line is the command with its positional arguments and every flag, broken into lines of at most width
// characters between flags, each continued with indent.
func (c *cmdFlags) line(width int, indent string) string {
	var b strings.Builder
	n := 0
	for i, w := range c.words() {
		if i > 0 && n+1+len(w) > width {
			b.WriteString("\n" + indent)
			n = len(indent)
		} else if i > 0 {
			b.WriteString(" ")
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}

// firstSentence is the summary up to its first full stop.
func (c *cmdFlags) firstSentence() string {
	if i := strings.Index(c.summary, ". "); i >= 0 {
		return c.summary[:i+1]
	}
	return c.summary
}

// words are the command, its positional arguments and every flag, optional ones in brackets.
func (c *cmdFlags) words() []string {
	parts := []string{"sce", c.name}
	if c.positional != "" {
		parts = append(parts, c.positional)
	}
	for _, f := range c.flags() {
		s := "--" + f.name
		if f.placeholder != "" {
			s += " " + f.placeholder
		}
		if f.repeat {
			s += " ..."
		}
		if !f.required {
			s = "[" + s + "]"
		}
		parts = append(parts, s)
	}
	return parts
}

// writeHelp prints the usage line, the summary and every flag with its meaning and default.
func (c *cmdFlags) writeHelp(w io.Writer) {
	fmt.Fprintf(w, "usage: %s\n\n%s\n", c.line(93, "    "), wrap(c.summary, 100, ""))
	fs := c.flags()
	if len(fs) == 0 {
		return
	}
	fmt.Fprintf(w, "\nflags:\n")
	width := 0
	heads := make([]string, len(fs))
	for i, f := range fs {
		heads[i] = "--" + f.name
		if f.placeholder != "" {
			heads[i] += " " + f.placeholder
		}
		width = max(width, len(heads[i]))
	}
	for i, f := range fs {
		text := f.usage
		if f.repeat {
			text += "; may be repeated"
		}
		if f.def != "" {
			text += fmt.Sprintf(" (default %s)", f.def)
		}
		indent := strings.Repeat(" ", width+4)
		fmt.Fprintf(w, "  %-*s  %s\n", width, heads[i], wrap(text, 100-width-4, indent))
	}
}

// wrap breaks s into lines of at most width characters at spaces, continuing each line after the first
// with indent.
func wrap(s string, width int, indent string) string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return ""
	}
	var b strings.Builder
	line := words[0]
	for _, w := range words[1:] {
		if len(line)+1+len(w) > width {
			b.WriteString(line + "\n" + indent)
			line = w
			continue
		}
		line += " " + w
	}
	b.WriteString(line)
	return b.String()
}

// describer collects the flag sets of commands asked for help, instead of printing their help: the
// top-level usage hands one to each command as its stdout, with "--help", to learn its flags.
type describer struct {
	io.Writer
	commands []*cmdFlags
}

// formatValue is a --format flag: one of a fixed list of names, matched without regard to case.
type formatValue struct {
	value   string
	allowed []string
}

// newFormat defines --format on c with a default and the accepted values, and returns where the chosen
// value (in lower case) is kept.
func (c *cmdFlags) newFormat(def string, allowed ...string) *string {
	v := &formatValue{value: def, allowed: allowed}
	c.Var(v, "format", "output format, one of `"+strings.Join(allowed, "|")+"`")
	return &v.value
}

// String returns the chosen format.
func (v *formatValue) String() string { return v.value }

// Set accepts one of the allowed names in any case.
func (v *formatValue) Set(s string) error {
	for _, a := range v.allowed {
		if strings.EqualFold(strings.TrimSpace(s), a) {
			v.value = a
			return nil
		}
	}
	return fmt.Errorf("want one of %s", strings.Join(v.allowed, ", "))
}

// repeatFlag is a flag that may be given several times; each value is kept, in order.
type repeatFlag []string

// String returns the values given so far, comma-separated.
func (l *repeatFlag) String() string { return strings.Join(*l, ",") }

// Set adds one value.
func (l *repeatFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

func (l *repeatFlag) repeatable() bool { return true }
