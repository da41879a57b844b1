package config

import (
	"encoding/json"
	"regexp"
	"slices"
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
	// PipelineObject names the pipeline file, pipelines/<PipelineObject> in the ancillary bucket, and
	// PipelineSHA256 is its checksum; a worker installs it as PipelinePath(PipelineObject).
	PipelineObject, PipelineSHA256 string
	// PipelineCommand is run once per object (by default the installed pipeline); IdleMinutes without
	// work shut a worker down.
	PipelineCommand string
	IdleMinutes     int
}

// Where the pipeline comes from and where a worker installs it. components.WorkerPipelinePrefix and
// components.WorkerPipelineDir are the same values (a test of internal/stack checks it).
const (
	// PipelinePrefix is the key prefix of pipelines in the ancillary bucket.
	PipelinePrefix = "pipelines/"
	// PipelineDir is the directory a worker installs its pipeline in, read-only to the worker's service.
	PipelineDir = "/opt/sce/pipeline"
)

// PipelinePath is where a worker installs the pipeline of that name.
func PipelinePath(object string) string { return PipelineDir + "/" + object }

// pipelineObjectPattern is a file name that is also a plain S3 key segment and a plain path segment.
var pipelineObjectPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

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
// stack file is correct before the option is turned on; the pipeline object and its checksum are required
// only when it is. Without them a worker would have nothing to run: workerPipelineCommand must name the
// pipeline a worker installs from the ancillary bucket, and defaults to it.
func (r *reader) workers() Workers {
	w := Workers{
		Enabled:         r.boolean(KeyWorkersEnabled),
		InstanceType:    r.instanceType(KeyWorkerInstanceType, "m", "c", "r"),
		MaxWorkers:      r.integer(KeyMaxWorkers, 1, 100),
		ScratchGB:       r.integer(KeyWorkerScratchGB, 1, 16384),
		PipelineObject:  r.value(KeyWorkerPipelineObject),
		PipelineSHA256:  r.value(KeyWorkerPipelineSHA256),
		PipelineCommand: r.value(KeyWorkerPipelineCommand),
		IdleMinutes:     r.integer(KeyWorkerIdleMinutes, 1, 1440),
	}
	switch {
	case w.PipelineObject == "" && w.Enabled:
		r.ps.add(full(KeyWorkerPipelineObject), "", "is required when %s is true: a worker runs only the pipeline it downloads from the ancillary bucket; accepted: the name of the executable uploaded as %s<name>, such as run-qc",
			full(KeyWorkersEnabled), PipelinePrefix)
	case w.PipelineObject != "" && !pipelineObjectPattern.MatchString(w.PipelineObject):
		r.ps.add(full(KeyWorkerPipelineObject), w.PipelineObject, "is not a pipeline file name; accepted: 1-100 characters of A-Z, a-z, 0-9, '.', '_' and '-', starting with a letter or digit (no '/')")
		w.PipelineObject = ""
	}
	switch {
	case w.PipelineSHA256 == "" && w.Enabled:
		r.ps.add(full(KeyWorkerPipelineSHA256), "", "is required when %s is true: a worker installs the pipeline only if its sha256 matches; accepted: 64 lower-case hex digits, as sha256sum prints them", full(KeyWorkersEnabled))
	case w.PipelineSHA256 != "" && !sha256Pattern.MatchString(w.PipelineSHA256):
		r.ps.add(full(KeyWorkerPipelineSHA256), w.PipelineSHA256, "is not a sha256; accepted: 64 lower-case hex digits, as sha256sum prints them")
	}
	if w.PipelineCommand == "" {
		if w.PipelineObject != "" {
			w.PipelineCommand = PipelinePath(w.PipelineObject)
		}
		return w
	}
	if msg := checkPipelineCommand(w.PipelineCommand); msg != "" {
		r.ps.add(full(KeyWorkerPipelineCommand), w.PipelineCommand, "%s", msg)
		return w
	}
	if w.PipelineObject != "" && !namesPipeline(w.PipelineCommand, PipelinePath(w.PipelineObject)) {
		r.ps.add(full(KeyWorkerPipelineCommand), w.PipelineCommand, "does not run the installed pipeline %s, and nothing else is put on a worker; accepted: %s, or a JSON array of a program and its arguments that names it, such as [\"%s\",\"--threads\",\"4\"]",
			PipelinePath(w.PipelineObject), PipelinePath(w.PipelineObject), PipelinePath(w.PipelineObject))
	}
	return w
}

// namesPipeline reports whether a valid pipeline command runs the installed pipeline: as its program, or
// as an argument of it (an interpreter and its script).
func namesPipeline(command, path string) bool {
	if !strings.HasPrefix(command, "[") {
		return command == path
	}
	var argv []string
	if err := json.Unmarshal([]byte(command), &argv); err != nil {
		return false
	}
	return slices.Contains(argv, path)
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
