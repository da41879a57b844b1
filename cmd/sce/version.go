package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

// writeVersion prints the module version the binary was built from (`(devel)` for a build from a
// checkout), the commit and its time when the build recorded them, and the Go version.
func writeVersion(w io.Writer) {
	fmt.Fprintln(w, versionLine(debug.ReadBuildInfo()))
}

// versionLine renders the build information as one line: "sce v1.2.3 (commit 0123abc, 2026-11-28T10:00:00Z,
// modified) go1.26.8".
func versionLine(info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil {
		return "sce (no build information)"
	}
	version := info.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var revision, at, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	line := "sce " + version
	if revision != "" {
		if len(revision) > 12 {
			revision = revision[:12]
		}
		line += " (commit " + revision
		if at != "" {
			line += ", " + at
		}
		line += modified + ")"
	}
	return line + " " + info.GoVersion
}
