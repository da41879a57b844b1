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
		r.ps.add(full(KeyEMRReleaseLabel), e.ReleaseLabel, "is not an EMR release label; accepted: "+emrReleasesAccepted)
	} else if major, _ := strconv.Atoi(m[1]); major < 6 || (major == 6 && atoi(m[2]) < 7) {
		r.ps.add(full(KeyEMRReleaseLabel), e.ReleaseLabel, "is older than emr-6.7.0, which runtime roles need; accepted: "+emrReleasesAccepted)
	} else if major > MaxEMRReleaseMajor {
		r.ps.add(full(KeyEMRReleaseLabel), e.ReleaseLabel, "is emr-8.0.0 or later, whose service access group sits on a VPC endpoint and takes "+
			"HTTPS from the VPC instead of the 8443 and 9443 rules the SCE builds for a private subnet; accepted: "+emrReleasesAccepted)
	}
	return e
}

// MaxEMRReleaseMajor is the last EMR major release whose private-subnet security groups the EMR component
// builds (EMR Management Guide, "Working with Amazon EMR-managed security groups": 9443 and 8443 with the
// service access group are for releases 7.x and earlier).
const MaxEMRReleaseMajor = 7

// emrReleasesAccepted is what emrReleaseLabel accepts, for error messages.
const emrReleasesAccepted = "an emr-6.7.0 to emr-7.x release, such as emr-7.5.0"

// checkEMRTenancy refuses EMR in a stack with Redshift. Such a stack has a default-tenancy VPC (Redshift
// refuses dedicated ones), and EMR takes no tenancy of its own: the EMR API has no tenancy parameter, and
// EC2 launches an instance with no tenancy asked for on shared hardware in a default-tenancy VPC (EC2
// CreateVpc, InstanceTenancy). EMR's nodes would then hold PHI on shared hardware, which the seed forbids.
// In a dedicated-tenancy VPC every node is a Dedicated Instance.
func (r *reader) checkEMRTenancy(c *Config) {
	if c.EMR.Enabled && c.OMOP.Enabled {
		r.ps.add(full(KeyEMREnabled), "true", "cannot be combined with %s: true: Redshift needs a default-tenancy VPC, and EMR has no "+
			"tenancy setting, so its nodes would run on shared hardware, which PHI may not; accepted: %s: false in a stack with "+
			"Redshift, or EMR in a stack without it (a dedicated-tenancy VPC, where every EMR node is a Dedicated Instance)",
			full(KeyOMOPEnabled), full(KeyEMREnabled))
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
