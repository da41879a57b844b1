package usage

import (
	"errors"
	"fmt"
)

// readHostLogs reads the workstation's audit logs under root (raw audit.log files, or the export of the
// audit log streams of its CloudWatch log group) and adds the uses of the data volume to g.
func readHostLogs(root string, o Options, g *aggregator) ([]InputFile, error) {
	paths, err := localFiles("--host-logs", root, func(string) bool { return false })
	if err != nil {
		return nil, err
	}
	var inputs []InputFile
	for _, p := range paths {
		in, lines, err := readLines(KindAuditd, p)
		if err == nil {
			err = hostUses(&in, lines, o, g)
		}
		if err != nil {
			in.Error = err.Error()
		}
		inputs = append(inputs, in)
	}
	return inputs, nil
}

// errNoAuditRecord is the error of a host log file without a single audit record.
var errNoAuditRecord = errors.New("no audit record (type=... msg=audit(...)): not an audit log, or not one exported from CloudWatch Logs")

// hostUses adds the data volume events of one audit log file.
func hostUses(in *InputFile, lines []string, o Options, g *aggregator) error {
	events, records, exported := joinAuditEvents(lines)
	in.Records, in.Format = records, "audit.log"
	if exported {
		in.Format = "cloudwatch-export"
	}
	if records == 0 {
		return errNoAuditRecord
	}
	for _, ev := range events {
		if !ev.hasKey(DataVolumeKey) || !o.Window.Contains(ev.Time) {
			continue
		}
		who, listed := hostWho(ev, o)
		used := false
		for _, p := range ev.filePaths() {
			dataset, ok := o.volumeDataset(p.Name)
			if !ok || (p.isDir() && p.NameType != "CREATE" && p.NameType != "DELETE") {
				continue
			}
			u := use{who: who, listed: listed, source: SourceVolume, dataset: dataset, item: o.hidden(p.Name), time: ev.Time}
			switch access := ev.accessOf(p.NameType); {
			case ev.failed():
				u.denied = 1
			case access == accessRead:
				u.reads = 1
			case access == accessReadWrite:
				u.reads, u.writes = 1, 1
			case access == accessDelete:
				u.deletes = 1
			default:
				u.writes = 1
			}
			if !o.wantResearcher(u.who) || !o.wantDataset(u.dataset) {
				continue
			}
			g.add(u)
			used = true
		}
		if used {
			in.Used++
		}
	}
	return nil
}

// hostWho names the person behind an event: the login (AUID, interpreted by an ENRICHED log; its number
// in a RAW one); a process no login started (AUID unset) is named by its user, unattributed.
func hostWho(ev *auditEvent, o Options) (who, listed string) {
	auid, name := ev.Syscall["auid"], ev.Enriched["AUID"]
	switch {
	case auid == "4294967295" || auid == "-1" || name == "unset":
		user := ev.Enriched["UID"]
		if user == "" {
			user = ev.Syscall["uid"]
		}
		return "uid:" + user, o.listed("", false)
	case name != "":
		return name, o.listed(name, true)
	}
	who = fmt.Sprintf("auid:%s", auid)
	return who, o.listed(who, true)
}
