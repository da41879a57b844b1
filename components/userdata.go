package components

import (
	"bytes"
	"embed"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"text/template"
)

//go:embed userdata/*.tmpl
var userDataFS embed.FS

// Researcher is one researcher's Linux login and ssh public key.
type Researcher struct {
	Login     string
	PublicKey string
}

// Instance roles, which pick the user data template.
const (
	RoleBastion     = "bastion"
	RoleWorkstation = "workstation"
	RoleAtlas       = "atlas"
)

// User data and document limits, and the mark of a hardened instance.
const (
	// MaxUserDataBytes is EC2's limit on user data: 16 KB in raw form, before base64 encoding (EC2 User
	// Guide, "Work with instance user data").
	MaxUserDataBytes = 16 * 1024
	// MaxDocumentBytes is Systems Manager's limit on a document's content: 64 KB (API Reference,
	// CreateDocument, Content).
	MaxDocumentBytes = 64 * 1024
	// hardenedDir holds hardenedMarker, which the first boot writes once sshd and auditd are hardened
	// and verified; the login script creates no login before it exists.
	hardenedDir    = "/var/lib/sce"
	hardenedMarker = hardenedDir + "/hardened"
)

// UserData holds what a user data script is rendered from. It holds no researcher: their logins are
// applied by Systems Manager (Logins), so that a change of sce:researchers never changes an instance's
// user data, which would stop and start the instance.
type UserData struct {
	// PIT and Role ("bastion", "workstation", "atlas" or "worker") name the instance.
	PIT, Role string
	// LogGroup receives the auth, audit and first-boot logs.
	LogGroup string
	// DataVolumeID is the workstation's data volume ("vol-..."); MountPoint is where it is mounted.
	DataVolumeID, MountPoint string
	// Tools are the analysis tools to install on the workstation.
	Tools []string
	// Atlas host: the AWS region, the read-only user's secret, the Redshift endpoint and the schemas.
	Region, ReadOnlySecretARN, RedshiftHost, Database, CDMSchema, ResultsSchema string
	RedshiftPort, AtlasPort, WebAPIPort                                         int
	// Arch is the instance's machine name (`uname -m`), x86_64 or aarch64: the pinned downloads are its
	// assets, and the script refuses to run on another.
	Arch string
	// Images and Compose are the Atlas host's container images and docker compose plugin.
	Images  AtlasImages
	Compose PinnedDownload
	// Miniforge is the workstation's installer for R, JupyterLabVersion the JupyterLab release it installs.
	Miniforge         PinnedDownload
	JupyterLabVersion string
	// Worker holds a worker's settings; nil for other roles.
	Worker *WorkerSettings
	// ResearcherRoleARN is the role the workstation's credential broker assumes for each login (with
	// Region, its STS region). Required for the workstation.
	ResearcherRoleARN string
}

// BrokerSocket is the credential broker's Unix socket on the workstation.
const BrokerSocket = "/run/sce-broker.sock"

// BrokerSocket is the credential broker's socket (BrokerSocket).
func (UserData) BrokerSocket() string { return BrokerSocket }

// Logins is what an instance's login script is rendered from.
type Logins struct {
	// PIT and Role ("bastion", "workstation" or "atlas") name the instance.
	PIT, Role string
	// Researchers get one login each.
	Researchers []Researcher
}

// LoginGroup is the group of the researchers' logins.
func (l Logins) LoginGroup() string { return loginGroup(l.Role) }

// Shell is the researchers' login shell: none on the bastion and the Atlas host, where they only tunnel.
func (l Logins) Shell() string {
	if l.Role == RoleWorkstation {
		return "/bin/bash"
	}
	return "/usr/sbin/nologin"
}

// HardenedMarker is the file whose presence says the first boot hardened the instance.
func (Logins) HardenedMarker() string { return hardenedMarker }

// WorkerSettings is what a worker's user data starts the worker with.
type WorkerSettings struct {
	// QueueURL, OutputBucket and KMSKeyARN are the worker's queue, results bucket and key.
	QueueURL, OutputBucket, KMSKeyARN string
	// BinaryURI is the s3:// address of the worker executable, BinarySHA256 its checksum (the digest S3
	// computed when the deployment uploaded it).
	BinaryURI, BinarySHA256 string
	// Pipeline is the program, or JSON array of program and arguments, run on each object.
	Pipeline string
	// PipelineURI is the s3:// address of the pipeline file, PipelineSHA256 its checksum and PipelinePath
	// where the worker installs it once the checksum matched.
	PipelineURI, PipelineSHA256, PipelinePath string
	// IdleMinutes without work end the worker.
	IdleMinutes int
	// GroupName is the Auto Scaling group the worker leaves when idle.
	GroupName string
	// ScratchDevice is the scratch volume's block device name; MetricNamespace the worker metrics'.
	ScratchDevice, MetricNamespace string
}

// webAPISchema is the PostgreSQL schema of WebAPI's own tables on the Atlas host: Flyway creates it, and
// every WebAPI setting that names a schema names this one.
const webAPISchema = "webapi"

// WebAPISchema is the schema of WebAPI's own tables (webAPISchema).
func (UserData) WebAPISchema() string { return webAPISchema }

// AtlasOrigin is the origin of the Atlas pages the researcher opens through the tunnel, which WebAPI's
// CORS filter must name (SECURITY_ORIGIN): Atlas calls WebAPI from the browser, on another port.
func (u UserData) AtlasOrigin() string { return AtlasOrigin(u.AtlasPort) }

// AtlasOrigin is the browser origin of Atlas served on a localhost port.
func AtlasOrigin(port int) string { return fmt.Sprintf("http://localhost:%d", port) }

// LoginGroup is the group of the researchers' logins, which user data creates and sshd admits.
func (u UserData) LoginGroup() string { return loginGroup(u.Role) }

// HardenedDir is the directory of HardenedMarker.
func (UserData) HardenedDir() string { return hardenedDir }

// HardenedMarker is the file the first boot writes once sshd and auditd are hardened and verified.
func (UserData) HardenedMarker() string { return hardenedMarker }

func loginGroup(role string) string {
	switch role {
	case RoleBastion:
		return "sce-jump"
	case RoleAtlas:
		return "sce-atlas"
	}
	return "sce-researchers"
}

// VolumeSerial is the data volume's id as the NVMe device serial shows it ("vol0123...").
func (u UserData) VolumeSerial() string { return strings.ReplaceAll(u.DataVolumeID, "-", "") }

// HasTool reports whether a tool is to be installed; jupyter implies python.
func (u UserData) HasTool(tool string) bool {
	if tool == "python" && slices.Contains(u.Tools, "jupyter") {
		return true
	}
	return slices.Contains(u.Tools, tool)
}

var (
	safeWord   = regexp.MustCompile(`^[A-Za-z0-9._/-]+$`)
	safeLogin  = regexp.MustCompile(`^[a-z][a-z0-9_-]{1,31}$`)
	safePubKey = regexp.MustCompile(`^[a-z0-9-]+ [A-Za-z0-9+/=]+( [^'\n\r]*)?$`)
	// safeAtlasValue admits ARNs, host names and schema names.
	safeAtlasValue = regexp.MustCompile(`^[A-Za-z0-9._:/+=@-]+$`)
	// safeJupyterLabVersion is a final JupyterLab release.
	safeJupyterLabVersion = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`)
)

// check refuses any value that could break out of the script's quoting. Configuration validates them
// already; this keeps the renderer safe on its own.
func (u UserData) check() error {
	if u.Role != RoleBastion && u.Role != RoleWorkstation && u.Role != RoleAtlas && u.Role != RoleWorker {
		return fmt.Errorf("user data role %q is not %s, %s, %s or %s", u.Role, RoleBastion, RoleWorkstation, RoleAtlas, RoleWorker)
	}
	if u.Role == RoleWorker {
		if err := u.Worker.check(u); err != nil {
			return err
		}
	}
	if err := u.checkDownloads(); err != nil {
		return err
	}
	if u.Role == RoleAtlas {
		for name, v := range map[string]string{"region": u.Region, "secret": u.ReadOnlySecretARN, "host": u.RedshiftHost,
			"database": u.Database, "CDM schema": u.CDMSchema, "results schema": u.ResultsSchema} {
			if !safeAtlasValue.MatchString(v) {
				return fmt.Errorf("user data: atlas %s %q is not a plain value", name, v)
			}
		}
	}
	for name, v := range map[string]string{"PIT": u.PIT, "log group": u.LogGroup} {
		if !safeWord.MatchString(v) {
			return fmt.Errorf("user data: %s %q is not a plain word", name, v)
		}
	}
	if u.Role == RoleWorkstation && (!safeWord.MatchString(u.DataVolumeID) || !strings.HasPrefix(u.MountPoint, "/") || !safeWord.MatchString(u.MountPoint)) {
		return fmt.Errorf("user data: the workstation needs a data volume id and an absolute mount point")
	}
	if u.Role == RoleWorkstation && (!safeAtlasValue.MatchString(u.ResearcherRoleARN) || !safeAtlasValue.MatchString(u.Region)) {
		return fmt.Errorf("user data: the workstation's credential broker needs the researcher role ARN (got %q) and the region (got %q)", u.ResearcherRoleARN, u.Region)
	}
	return nil
}

// checkDownloads refuses a script that would fetch software without a pinned release and checksum for
// the instance's architecture: the Atlas host's images and docker compose, the workstation's Miniforge
// (for R) and JupyterLab.
func (u UserData) checkDownloads() error {
	switch {
	case u.Role == RoleAtlas:
		if err := checkArch(u.Arch); err != nil {
			return err
		}
		if err := u.Images.check(); err != nil {
			return err
		}
		return u.Compose.check("docker compose")
	case u.Role == RoleWorkstation && u.HasTool("r"):
		if err := checkArch(u.Arch); err != nil {
			return err
		}
		if err := u.Miniforge.check("Miniforge"); err != nil {
			return err
		}
	}
	if u.Role == RoleWorkstation && u.HasTool("jupyter") && !safeJupyterLabVersion.MatchString(u.JupyterLabVersion) {
		return fmt.Errorf("user data: JupyterLab release %q is not a pinned version", u.JupyterLabVersion)
	}
	return nil
}

// checkResearchers refuses logins and keys that could break out of the scripts' quoting.
func checkResearchers(rs []Researcher) error {
	for _, r := range rs {
		if !safeLogin.MatchString(r.Login) || !safePubKey.MatchString(r.PublicKey) {
			return fmt.Errorf("user data: researcher %q has an unsafe login or key", r.Login)
		}
	}
	return nil
}

// check refuses worker settings that could break out of the script's quoting.
func (w *WorkerSettings) check(u UserData) error {
	if w == nil {
		return fmt.Errorf("user data: a worker needs its settings")
	}
	for name, v := range map[string]string{"queue URL": w.QueueURL, "output bucket": w.OutputBucket, "key": w.KMSKeyARN,
		"binary": w.BinaryURI, "pipeline": w.PipelineURI, "pipeline path": w.PipelinePath, "group": w.GroupName, "scratch device": w.ScratchDevice, "metric namespace": w.MetricNamespace,
		"region": u.Region, "mount point": u.MountPoint} {
		if !safeAtlasValue.MatchString(v) {
			return fmt.Errorf("user data: worker %s %q is not a plain value", name, v)
		}
	}
	if w.Pipeline == "" || strings.ContainsAny(w.Pipeline, "'\n\r") || w.IdleMinutes < 1 {
		return fmt.Errorf("user data: a worker needs a one-line pipeline without single quotes and an idle time")
	}
	if !sha256Hex.MatchString(w.BinarySHA256) {
		return fmt.Errorf("user data: a worker needs its binary's sha256")
	}
	if !sha256Hex.MatchString(w.PipelineSHA256) || !strings.HasPrefix(w.PipelinePath, "/") || !strings.HasPrefix(w.PipelineURI, "s3://") {
		return fmt.Errorf("user data: a worker needs its pipeline's s3:// address, sha256 and absolute install path")
	}
	return nil
}

// RenderLoginScript renders the script that reconciles an instance's researcher logins with the
// configured list; Systems Manager runs it on a new instance and whenever the list changes
// (newLoginAssociation).
func RenderLoginScript(l Logins) (string, error) {
	if l.Role != RoleBastion && l.Role != RoleWorkstation && l.Role != RoleAtlas {
		return "", fmt.Errorf("login script: role %q has no researcher logins", l.Role)
	}
	if !safeWord.MatchString(l.PIT) {
		return "", fmt.Errorf("login script: PIT %q is not a plain word", l.PIT)
	}
	if err := checkResearchers(l.Researchers); err != nil {
		return "", err
	}
	t, err := template.ParseFS(userDataFS, "userdata/logins.tmpl")
	if err != nil {
		return "", fmt.Errorf("parse login script template: %w", err)
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "logins", l); err != nil {
		return "", fmt.Errorf("render %s login script: %w", l.Role, err)
	}
	return b.String(), nil
}

// RenderUserData renders the user data script of an instance or a worker. It refuses a script larger than
// EC2 accepts.
func RenderUserData(u UserData) (string, error) {
	if err := u.check(); err != nil {
		return "", err
	}
	files := []string{"userdata/common.tmpl", "userdata/" + u.Role + ".sh.tmpl"}
	switch u.Role {
	case RoleAtlas:
		files = append(files, "userdata/webapi-results.tmpl")
	case RoleWorkstation:
		files = append(files, "userdata/broker.tmpl")
	}
	t, err := template.ParseFS(userDataFS, files...)
	if err != nil {
		return "", fmt.Errorf("parse user data templates: %w", err)
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, u.Role+".sh.tmpl", u); err != nil {
		return "", fmt.Errorf("render %s user data: %w", u.Role, err)
	}
	if b.Len() > MaxUserDataBytes {
		return "", fmt.Errorf("%s user data is %d bytes; EC2 accepts at most %d before base64 encoding", u.Role, b.Len(), MaxUserDataBytes)
	}
	return b.String(), nil
}
