package usage

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/audit"
	"github.com/sce-project/sce/internal/phi"
)

func TestTheHostLogJoinsSyscallCwdAndPathRecordsByEventID(t *testing.T) {
	rep := build(t, stackOptions(), "host", "")

	alice := summaryOf(t, rep, "alice", "volume/incoming")
	assert.Equal(t, 2, alice.Read, "cohort.csv and my cohort.csv; the directory listing is not a file read")
	assert.Equal(t, 3, alice.Reads)
	assert.Equal(t, day("2026-11-28T10:05:00Z").Add(123e6), alice.First, "the time of msg=audit(...)")
	cohort := itemOf(t, rep, "alice", "sha256:"+phi.KeyHash("/omop/incoming/cohort.csv"))
	assert.Equal(t, 2, cohort.Reads, "the relative name, joined to its CWD record, is the same file")
	itemOf(t, rep, "alice", "sha256:"+phi.KeyHash("/omop/incoming/my cohort.csv"))

	deleted := summaryOf(t, rep, "alice", "volume/results")
	assert.Equal(t, 1, deleted.Deletes, "unlinkat's DELETE path")
	assert.Equal(t, 0, deleted.Writes)

	created := summaryOf(t, rep, "bob", "volume/results")
	assert.Equal(t, 1, created.Written, "openat with O_WRONLY|O_CREAT|O_TRUNC; the PARENT record is not a file")
	bob := summaryOf(t, rep, "bob", "volume/incoming")
	assert.Equal(t, 1, bob.Denied, "success=no")
	assert.Equal(t, 1, bob.Reads, "a read as root after sudo is still bob's: the AUID")

	system := summaryOf(t, rep, "uid:root", "volume/incoming")
	assert.Equal(t, "unattributed", system.Listed, "AUID unset: no login started the process")

	noMount := stackOptions()
	noMount.MountPoint = ""
	for _, r := range build(t, noMount, "host", "").Summary {
		assert.NotEqual(t, "volume/(top level)", r.Dataset, "the identity rule's /etc/passwd is not the data volume, even without a mount point")
	}
	assert.Equal(t, 3, summaryOf(t, build(t, noMount, "host", ""), "alice", "volume/incoming").Reads, "without a mount point, the first directory is taken for it")
	var host InputFile
	for _, in := range rep.Inputs {
		if in.Kind == KindAuditd {
			host = in
		}
	}
	assert.Equal(t, "audit.log", host.Format)
	assert.Equal(t, 53, host.Records, "the truncated last line is not a record")
	assert.Equal(t, 8, host.Used, "the events of the data volume's watch, the directory listing left out")
	assert.Empty(t, host.Error)
}

func TestTheCloudWatchExportOfTheAuditLogIsReadLikeTheFile(t *testing.T) {
	o := stackOptions()
	o.ShowKeys = true
	in := Inputs{Trail: audit.Trail{Dir: trailDir(t)}, HostLogs: copyFixtures(t, "host-export", gzAll)}
	rep, err := Build(context.Background(), in, o)
	require.NoError(t, err)
	visits := itemOf(t, rep, "alice", "/omop/incoming/visits.csv")
	assert.Equal(t, 1, visits.Reads, "joined although the export put the PATH record before the SYSCALL record")
	assert.Equal(t, day("2026-11-28T14:00:00Z").Add(125e6), visits.First)
	rw := itemOf(t, rep, "bob", "/omop/incoming/visits.csv")
	assert.Equal(t, [2]int{1, 1}, [2]int{rw.Reads, rw.Writes}, "O_RDWR is a read and a write")
	require.Len(t, rep.Inputs, 3)
	assert.Equal(t, "cloudwatch-export", rep.Inputs[2].Format)
}

func TestAHostLogThatCannotBeReadIsAnInputErrorAndTheRestIsReported(t *testing.T) {
	dir := copyFixtures(t, "host", nil)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "audit.log.1.gz"), []byte{0x1f, 0x8b, 8, 0, 0, 0}, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "secure"), []byte("Nov 28 10:00:00 ip-10-0-1-25 sshd[1]: Accepted publickey for alice\n"), 0o600))
	rep, err := Build(context.Background(), Inputs{Trail: audit.Trail{Dir: trailDir(t)}, HostLogs: dir}, stackOptions())
	require.NoError(t, err)
	errs := rep.InputErrors()
	require.Len(t, errs, 2)
	assert.Equal(t, filepath.Join(dir, "audit.log.1.gz"), errs[0].Name)
	assert.Contains(t, errs[0].Error, "gunzip")
	assert.Regexp(t, `^[0-9a-f]{64}$`, errs[0].SHA256, "the bytes that could be read are still named by their digest")
	assert.Equal(t, filepath.Join(dir, "secure"), errs[1].Name)
	assert.Contains(t, errs[1].Error, "no audit record")
	assert.Equal(t, 3, summaryOf(t, rep, "alice", "volume/incoming").Reads, "the readable file is still reported")
}

func TestAuditRecordsAreReadAsTheKernelWritesThem(t *testing.T) {
	line := "type=PATH msg=audit(1795860000.250:77): item=1 name=2F6F6D6F702F6120622E637376 inode=5 dev=103:01 mode=0100640 ouid=1001 ogid=1100 rdev=00:00 nametype=CREATE\x1dOUID=\"alice\" OGID=\"researchers\""
	rec, ok := parseAuditLine(line)
	require.True(t, ok)
	assert.Equal(t, "PATH", rec.Type)
	assert.Equal(t, "1795860000.250:77", rec.EventID)
	assert.Equal(t, day("2026-11-28T10:00:00Z").Add(250e6), rec.Time)
	assert.Equal(t, "/omop/a b.csv", untrusted(rec.Fields, line, "name"), "a name with a space is hex-encoded, unquoted")
	assert.Equal(t, "alice", rec.Enriched["OUID"])
	assert.Equal(t, "CREATE", rec.Fields["nametype"])

	quotedLine := `type=CWD msg=audit(1795860000.250:77): cwd="/home/alice"`
	rec, ok = parseAuditLine(quotedLine)
	require.True(t, ok)
	assert.Equal(t, "/home/alice", untrusted(rec.Fields, quotedLine, "cwd"))
	assert.Nil(t, rec.Enriched, "a RAW record has no interpreted fields")

	node, ok := parseAuditLine(`node=ws1 type=EOE msg=audit(1795860000.250:77):`)
	assert.True(t, ok, "the node= prefix of name_format")
	assert.Equal(t, "EOE", node.Type)
	for _, bad := range []string{"", "type=SYSCALL msg=audit(17958", "Nov 28 10:00:00 host sshd[1]: Accepted"} {
		_, ok := parseAuditLine(bad)
		assert.False(t, ok, bad)
	}
}

func TestTheOpenFlagsSayWhetherAFileWasReadOrWritten(t *testing.T) {
	cases := []struct {
		syscall, arch, nr, a1, a2, nametype string
		want                                fileAccess
	}{
		{"openat", "c000003e", "257", "", "0", "NORMAL", accessRead},
		{"openat", "c000003e", "257", "", "8000", "NORMAL", accessRead},
		{"openat", "c000003e", "257", "", "241", "NORMAL", accessWrite},
		{"openat", "c000003e", "257", "", "2", "NORMAL", accessReadWrite},
		{"open", "c000003e", "2", "1", "", "NORMAL", accessWrite},
		{"", "c000003e", "257", "", "0", "NORMAL", accessRead},
		{"", "c00000b7", "56", "", "1", "NORMAL", accessWrite},
		{"unlinkat", "c000003e", "263", "", "0", "DELETE", accessDelete},
		{"renameat2", "c000003e", "316", "", "0", "CREATE", accessWrite},
		{"chmod", "c000003e", "90", "", "", "NORMAL", accessWrite},
		{"openat2", "c000003e", "437", "", "7ffd0000", "NORMAL", accessRead},
	}
	for _, c := range cases {
		ev := &auditEvent{Syscall: map[string]string{"arch": c.arch, "syscall": c.nr, "a1": c.a1, "a2": c.a2}, Enriched: map[string]string{}}
		if c.syscall != "" {
			ev.Enriched["SYSCALL"] = c.syscall
		}
		assert.Equal(t, c.want, ev.accessOf(c.nametype), "%+v", c)
	}
}

func TestTheDataVolumeKeyIsTheWorkstationsAuditRule(t *testing.T) {
	tmpl, err := os.ReadFile(filepath.Join("..", "..", "components", "userdata", "common.tmpl"))
	require.NoError(t, err)
	assert.Contains(t, string(tmpl), "-w {{.MountPoint}} -p rwa -k "+DataVolumeKey)
}
