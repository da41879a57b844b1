package main

import (
	"flag"
	"io"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// flagSets returns the flag set of every command, as the top-level usage learns them.
func flagSets(t *testing.T) map[string]*cmdFlags {
	t.Helper()
	out := map[string]*cmdFlags{}
	for _, c := range commands() {
		d := &describer{Writer: io.Discard}
		for _, args := range helpArgs(c) {
			require.Equal(t, 0, c.run(args, d, io.Discard), "%s %v", c.name, args)
		}
		require.Len(t, d.commands, max(1, len(c.subs)), "every command and subcommand builds its flags with newFlags: %s", c.name)
		for _, f := range d.commands {
			out[f.name] = f
		}
	}
	return out
}

func TestHelpGoesToStdoutAndExitsZero(t *testing.T) {
	for _, c := range commands() {
		for _, help := range helpArgs(c) {
			sub := strings.Join(help[:len(help)-1], " ")
			for _, args := range [][]string{
				append([]string{c.name}, help...),
				{"help", c.name, sub},
				append(append([]string{c.name}, help[:len(help)-1]...), "-h"),
			} {
				args = strings.Fields(strings.Join(args, " "))
				t.Run(strings.Join(args, " "), func(t *testing.T) {
					code, stdout, stderr := runCLI(args...)
					assert.Equal(t, 0, code)
					assert.Empty(t, stderr)
					assert.True(t, strings.HasPrefix(stdout, strings.TrimSpace("usage: sce "+c.name+" "+sub)), stdout)
					assert.Contains(t, stdout, "\nflags:\n")
				})
			}
		}
	}
	// `sce policy --help` is the help of its one subcommand.
	code, stdout, _ := runCLI("policy", "--help")
	assert.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(stdout, "usage: sce policy check"), stdout)

	code, stdout, stderr := runCLI("help", "nope")
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, `unknown command "nope"`)
}

func TestUsageLinesShowPositionalArgumentsAndPlaceholders(t *testing.T) {
	sets := flagSets(t)
	assert.Equal(t, "usage: sce init <pit> [--cidr BLOCK] [--dir DIR] [--email ADDRESS ...] [--force] [--region REGION] [--ssh-cidr BLOCK ...] [--ssh-key FILE|KEY]",
		sets["init"].synopsis())
	assert.True(t, strings.HasPrefix(sets["upload"].synopsis(), "usage: sce upload FILE... "), sets["upload"].synopsis())
	assert.Equal(t, "usage: sce plan --stack NAME [--config FILE] [--format text|json|terraform|dot]", sets["plan"].synopsis())
	assert.Contains(t, sets["upload"].synopsis(), "[--outputs FILE]")
}

// TestEveryFlagHasAPlaceholderThatNamesItsArgument: Go's flag package takes the first back-quoted word of
// a usage string as the argument's name, and without one prints the type ("string"); a back-quoted command
// in the text (`pulumi stack output --json > FILE`) became the placeholder.
func TestEveryFlagHasAPlaceholderThatNamesItsArgument(t *testing.T) {
	generic := map[string]bool{"string": true, "int": true, "uint": true, "float": true, "duration": true, "value": true}
	for name, fs := range flagSets(t) {
		fs.VisitAll(func(f *flag.Flag) {
			placeholder, _ := flag.UnquoteUsage(f)
			if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); isBool {
				return
			}
			assert.False(t, generic[placeholder], "sce %s --%s: placeholder %q", name, f.Name, placeholder)
			assert.NotContains(t, placeholder, " ", "sce %s --%s: placeholder %q is one word", name, f.Name, placeholder)
			assert.Equal(t, strings.ToUpper(placeholder) == placeholder || strings.Contains(placeholder, "|"), true,
				"sce %s --%s: placeholder %q is upper case or a list of values", name, f.Name, placeholder)
		})
	}
}

func TestTheTopLevelUsageListsEveryFlagOfEveryCommand(t *testing.T) {
	code, stdout, _ := runCLI("help")
	require.Equal(t, 0, code)
	for name, fs := range flagSets(t) {
		assert.Contains(t, stdout, "\n  "+strings.Fields(name)[0], "the usage lists sce %s", name)
		assert.Contains(t, stdout, "sce "+name+" ", "the usage gives the line of sce %s", name)
		fs.VisitAll(func(f *flag.Flag) {
			assert.Contains(t, stdout, "--"+f.Name, "the usage lists sce %s --%s", name, f.Name)
		})
	}
	code, _, stderr := runCLI()
	assert.Equal(t, 2, code, "no command is a usage error")
	assert.Contains(t, stderr, "usage: sce <command>")
}

func TestFormatIsCaseInsensitiveEverywhere(t *testing.T) {
	for name, fs := range flagSets(t) {
		f := fs.Lookup("format")
		if f == nil {
			continue
		}
		v := f.Value.(*formatValue)
		for _, allowed := range v.allowed {
			require.NoError(t, f.Value.Set(strings.ToUpper(allowed)), "sce %s --format %s", name, strings.ToUpper(allowed))
			assert.Equal(t, allowed, f.Value.String())
		}
		assert.Error(t, f.Value.Set("yaml"))
	}
	code, stdout, stderr := runCLI("plan", "--stack", "hipaa", "--config", "../../Pulumi.hipaa.yaml", "--format", "JSON")
	require.Equal(t, 0, code, stderr)
	assert.True(t, strings.HasPrefix(stdout, "{"), "JSON was chosen")
}

func TestPolicyCheckAndCloseoutHaveJSONOutput(t *testing.T) {
	for _, cmd := range []string{"policy check", "closeout"} {
		fs := flagSets(t)[cmd]
		require.NotNil(t, fs.Lookup("format"), cmd)
		assert.Contains(t, fs.Lookup("format").Value.(*formatValue).allowed, "json", cmd)
	}
}

func TestVersionComesFromTheBuildInformation(t *testing.T) {
	code, stdout, _ := runCLI("--version")
	assert.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(stdout, "sce "), stdout)
	code, stdout2, _ := runCLI("version")
	assert.Equal(t, 0, code)
	assert.Equal(t, stdout, stdout2)

	info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2026-11-28T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	assert.Equal(t, "sce v1.2.3 (commit 0123456789ab, 2026-11-28T10:00:00Z, modified) go1.26.8", versionLine(info, true))
	assert.Equal(t, "sce (devel) go1.26.8", versionLine(&debug.BuildInfo{GoVersion: "go1.26.8"}, true))
	assert.Equal(t, "sce (no build information)", versionLine(nil, false))
}

func TestAFlagErrorPrintsTheUsageLineOnStderr(t *testing.T) {
	code, stdout, stderr := runCLI("synthdata", "--bogus")
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "flag provided but not defined: -bogus")
	assert.Contains(t, stderr, "usage: sce synthdata [--out DIR] [--patients N] [--seed SEED] [--visits N]")
	assert.Contains(t, stderr, "run 'sce help synthdata' for every flag")
}
