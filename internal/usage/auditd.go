package usage

import (
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// auditRecord is one line of an audit log: `type=T msg=audit(SECONDS.MILLIS:SERIAL): fields`, where the
// fields are name=value pairs and, with log_format = ENRICHED, a 0x1D (group separator) followed by the
// interpreted fields in upper case (AUID="alice" UID="alice" SYSCALL=openat ...). auditd.conf(5),
// log_format; Red Hat Security Hardening, "Understanding Audit log files".
type auditRecord struct {
	Type string
	Time time.Time
	// EventID is what msg=audit(...) holds: "<seconds>.<millis>:<serial>".
	EventID string
	Fields  map[string]string
	// Enriched holds the interpreted fields; empty in a RAW log.
	Enriched map[string]string
}

// enrichedSeparator is the byte auditd puts between the raw and the interpreted fields.
const enrichedSeparator = "\x1d"

var auditHeaderRE = regexp.MustCompile(`^(?:node=\S+ )?type=(\S+) msg=audit\((\d+)\.(\d{3}):(\d+)\):\s?`)

// parseAuditLine reads one audit log line. ok is false for a line that is not an audit record.
func parseAuditLine(line string) (auditRecord, bool) {
	m := auditHeaderRE.FindStringSubmatch(line)
	if m == nil {
		return auditRecord{}, false
	}
	sec, err1 := strconv.ParseInt(m[2], 10, 64)
	ms, err2 := strconv.ParseInt(m[3], 10, 64)
	if err1 != nil || err2 != nil {
		return auditRecord{}, false
	}
	rest := line[len(m[0]):]
	raw, enriched, _ := strings.Cut(rest, enrichedSeparator)
	rec := auditRecord{Type: m[1], Time: time.Unix(sec, ms*int64(time.Millisecond)).UTC(), EventID: m[2] + "." + m[3] + ":" + m[4], Fields: auditFields(raw)}
	if enriched != "" {
		rec.Enriched = auditFields(enriched)
	}
	return rec, true
}

// auditFields splits `a=1 b="two" c='x y'` into its pairs. Values in double quotes are taken without
// them; the kernel writes a string that holds a space, a quote or a control character as unquoted hex
// (audit_log_untrustedstring), which untrusted() decodes for the fields that carry names.
func auditFields(s string) map[string]string {
	out := map[string]string{}
	for s != "" {
		s = strings.TrimLeft(s, " ")
		if s == "" {
			break
		}
		eq := strings.IndexByte(s, '=')
		if eq < 0 {
			break
		}
		name := s[:eq]
		s = s[eq+1:]
		var value string
		switch {
		case strings.HasPrefix(s, `"`) || strings.HasPrefix(s, `'`):
			q := s[:1]
			end := strings.Index(s[1:], q)
			if end < 0 {
				value, s = s[1:], ""
			} else {
				value, s = s[1:1+end], s[2+end:]
			}
			out[name] = value
			continue
		default:
			end := strings.IndexByte(s, ' ')
			if end < 0 {
				value, s = s, ""
			} else {
				value, s = s[:end], s[end:]
			}
		}
		out[name] = value
	}
	return out
}

// untrusted returns a name field (name, cwd, exe, comm, key) as text: quoted values were already taken
// as they are; an unquoted value is the kernel's hex encoding of the string, and "(null)" is none.
func untrusted(fields map[string]string, raw, name string) string {
	v, ok := fields[name]
	if !ok || v == "(null)" {
		return ""
	}
	if quoted(raw, name) {
		return v
	}
	if b, err := hex.DecodeString(v); err == nil && len(v)%2 == 0 {
		return string(b)
	}
	return v
}

// quoted reports whether the field name was written in double quotes in the raw record.
func quoted(raw, name string) bool {
	return strings.Contains(raw, " "+name+`="`) || strings.HasPrefix(raw, name+`="`)
}

// auditEvent is the records of one event that the report reads.
type auditEvent struct {
	ID      string
	Time    time.Time
	Syscall map[string]string
	// SyscallRaw is the SYSCALL record's raw text, for telling quoted from hex-encoded values.
	SyscallRaw string
	Enriched   map[string]string
	CWD        string
	Paths      []auditPath
}

// auditPath is one PATH record of an event.
type auditPath struct {
	Item     int
	Name     string
	NameType string
	// Mode is the file's mode in octal, as the record writes it ("0100640"; "042770" for a setgid directory).
	Mode string
}

// isDir reports whether the path is a directory: its file type bits (S_IFMT) are S_IFDIR.
func (p auditPath) isDir() bool {
	m, err := strconv.ParseUint(p.Mode, 8, 32)
	return err == nil && m&0o170000 == 0o040000
}

// joinAuditEvents groups the records of one log file by event id, in the order the events first appear.
// It returns the events and the number of audit records read.
func joinAuditEvents(lines []string) (events []*auditEvent, records int, exported bool) {
	byID := map[string]*auditEvent{}
	for _, line := range lines {
		line, fromExport := stripExportTime(line)
		exported = exported || fromExport
		rec, ok := parseAuditLine(line)
		if !ok {
			continue
		}
		records++
		id := rec.EventID
		ev := byID[id]
		if ev == nil {
			ev = &auditEvent{ID: id, Time: rec.Time}
			byID[id] = ev
			events = append(events, ev)
		}
		raw, _, _ := strings.Cut(line, enrichedSeparator)
		switch rec.Type {
		case "SYSCALL":
			ev.Syscall, ev.SyscallRaw, ev.Enriched = rec.Fields, raw, rec.Enriched
		case "CWD":
			ev.CWD = untrusted(rec.Fields, raw, "cwd")
		case "PATH":
			item, err := strconv.Atoi(rec.Fields["item"])
			if err != nil {
				item = len(ev.Paths)
			}
			ev.Paths = append(ev.Paths, auditPath{Item: item, Name: untrusted(rec.Fields, raw, "name"), NameType: rec.Fields["nametype"], Mode: rec.Fields["mode"]})
		}
	}
	return events, records, exported
}

// hasKey reports whether the event's SYSCALL record carries the rule key. Several keys of one rule are
// joined by 0x01 (auditctl(8), -k), which the kernel writes hex-encoded.
func (e *auditEvent) hasKey(key string) bool {
	if e.Syscall == nil {
		return false
	}
	for _, k := range strings.Split(untrusted(e.Syscall, e.SyscallRaw, "key"), "\x01") {
		if k == key {
			return true
		}
	}
	return false
}
