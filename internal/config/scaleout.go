package config

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Workers configures the scale-out worker pool (the seed's "Launch W x 5 Dedicated instances").
type Workers struct {
	Enabled bool
	// InstanceType is an m-, c- or r-family type; MaxWorkers bounds the Auto Scaling group (it scales to 0).
	InstanceType string
	MaxWorkers   int
	// ScratchGB is the encrypted scratch volume each worker downloads its object to.
	ScratchGB int
	// PipelineCommand is run once per object; IdleMinutes without work shut a worker down.
	PipelineCommand string
	IdleMinutes     int
}

// EMR configures the optional Amazon EMR cluster.
type EMR struct {
	Enabled bool
	// ReleaseLabel is an EMR release, emr-6.7.0 or later (runtime roles need it).
	ReleaseLabel string
	// PrimaryInstanceType and CoreInstanceType are m-, c- or r-family types.
	PrimaryInstanceType, CoreInstanceType string
	CoreInstanceCount                     int
	// IdleMinutes without a running step terminate the cluster.
	IdleMinutes int
}

var emrReleasePattern = regexp.MustCompile(`^emr-([0-9]+)\.([0-9]+)\.([0-9]+)$`)

// workers reads the worker-pool keys. They are validated whether or not the pool is enabled, so that a
// stack file is correct before the option is turned on; the pipeline command is required only when it is.
func (r *reader) workers() Workers {
	w := Workers{
		Enabled:         r.boolean(KeyWorkersEnabled),
		InstanceType:    r.instanceType(KeyWorkerInstanceType, "m", "c", "r"),
		MaxWorkers:      r.integer(KeyMaxWorkers, 1, 100),
		ScratchGB:       r.integer(KeyWorkerScratchGB, 1, 16384),
		PipelineCommand: r.value(KeyWorkerPipelineCommand),
		IdleMinutes:     r.integer(KeyWorkerIdleMinutes, 1, 1440),
	}
	switch {
	case w.PipelineCommand == "" && w.Enabled:
		r.ps.add(full(KeyWorkerPipelineCommand), "", "is required when %s is true; accepted: the command each worker runs on one object, such as /opt/pipeline/run", full(KeyWorkersEnabled))
	case w.PipelineCommand != "":
		if msg := checkPipelineCommand(w.PipelineCommand); msg != "" {
			r.ps.add(full(KeyWorkerPipelineCommand), w.PipelineCommand, "%s", msg)
		}
	}
	return w
}

// pipelineAccepted is what workerPipelineCommand accepts, for error messages.
const pipelineAccepted = `accepted: a program (a path or a name in PATH), or a JSON array of the program and its arguments such as ["/opt/pipeline/run","--threads","4"]; no single quotes, one line`

// checkPipelineCommand accepts what the worker runs without a shell (a program, or a JSON array of the
// program and its arguments) and what can be written safely into the workers' environment file: one line
// of printable characters without single quotes, at most 1024 of them.
func checkPipelineCommand(s string) string {
	if len(s) > 1024 {
		return "is longer than 1024 characters; " + pipelineAccepted
	}
	if strings.ContainsRune(s, '\'') {
		return "contains a single quote; " + pipelineAccepted
	}
	for _, c := range s {
		if !unicode.IsPrint(c) {
			return "contains a control character or a line break; " + pipelineAccepted
		}
	}
	if strings.HasPrefix(s, "[") {
		var argv []string
		if err := json.Unmarshal([]byte(s), &argv); err != nil || len(argv) == 0 || argv[0] == "" {
			return "is not a JSON array of strings naming a program; " + pipelineAccepted
		}
		return ""
	}
	if strings.ContainsAny(s, " \t") {
		return "has arguments but is not a JSON array (the command is run without a shell); " + pipelineAccepted
	}
	return ""
}

// emr reads the EMR keys, validated whether or not the cluster is enabled.
func (r *reader) emr() EMR {
	e := EMR{
		Enabled:             r.boolean(KeyEMREnabled),
		ReleaseLabel:        r.value(KeyEMRReleaseLabel),
		PrimaryInstanceType: r.instanceType(KeyEMRPrimaryInstanceType, "m", "c", "r"),
		CoreInstanceType:    r.instanceType(KeyEMRCoreInstanceType, "m", "c", "r"),
		CoreInstanceCount:   r.integer(KeyEMRCoreInstanceCount, 1, 50),
		IdleMinutes:         r.integer(KeyEMRIdleMinutes, 1, 10080),
	}
	if m := emrReleasePattern.FindStringSubmatch(e.ReleaseLabel); m == nil {
		r.ps.add(full(KeyEMRReleaseLabel), e.ReleaseLabel, "is not an EMR release label; accepted: emr-6.7.0 or later, such as emr-7.5.0")
	} else if major, _ := strconv.Atoi(m[1]); major < 6 || (major == 6 && atoi(m[2]) < 7) {
		r.ps.add(full(KeyEMRReleaseLabel), e.ReleaseLabel, "is older than emr-6.7.0, which runtime roles need; accepted: emr-6.7.0 or later, such as emr-7.5.0")
	}
	return e
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
