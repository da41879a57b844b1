package usage

import (
	"regexp"
	"strings"
	"time"
)

// activityEntry is one entry of Redshift's user activity log: the time, database, user, process and
// transaction, and the query text (which may span lines). Amazon Redshift Management Guide, Database audit
// logging, "User activity log": recordtime, db, user, pid, userid, xid, and "a prefix of LOG: followed by
// the text of the query, including newlines".
type activityEntry struct {
	Time   time.Time
	DB     string
	User   string
	PID    string
	UserID string
	XID    string
	Query  string
}

// activityStartRE is the head of an entry: '<recordtime> UTC [ db=D user=U pid=P userid=N xid=X ]' LOG: .
var activityStartRE = regexp.MustCompile(`^'(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z) UTC \[ db=(\S*) user=(\S*) pid=(\S*) userid=(\S*) xid=(\S*) \]' LOG: ?`)

// parseActivity reads the entries of one user activity log file: the file Redshift writes to S3, or the
// export of its CloudWatch log group, where each event's message is an entry preceded by the export
// time. A line that does not open an entry continues the query of the one before it. It reports
// whether the file was an export and how many lines belonged to no entry (before the first).
func parseActivity(lines []string) (entries []activityEntry, exported bool, stray int) {
	var cur *activityEntry
	var query []string
	flush := func() {
		if cur != nil {
			cur.Query = strings.Join(query, "\n")
			entries = append(entries, *cur)
		}
		cur, query = nil, nil
	}
	for _, line := range lines {
		body := line
		if stripped, ok := stripExportTime(line); ok && activityStartRE.MatchString(stripped) {
			body, exported = stripped, true
		}
		m := activityStartRE.FindStringSubmatch(body)
		if m == nil {
			if cur == nil {
				if strings.TrimSpace(line) != "" {
					stray++
				}
				continue
			}
			query = append(query, line)
			continue
		}
		t, err := time.Parse(time.RFC3339, m[1])
		if err != nil {
			if cur != nil {
				query = append(query, line)
			} else {
				stray++
			}
			continue
		}
		flush()
		cur = &activityEntry{Time: t.UTC(), DB: m[2], User: m[3], PID: m[4], UserID: m[5], XID: m[6]}
		query = []string{body[len(m[0]):]}
	}
	flush()
	return entries, exported, stray
}

// researcherOfDBUser returns the login a database user stands for: the user itself, without the "IAM:"
// or "IAMA:" that temporary IAM credentials may put before it.
func researcherOfDBUser(user string) string {
	for _, p := range []string{"IAMA:", "IAM:"} {
		if rest, ok := strings.CutPrefix(user, p); ok && rest != "" {
			return rest
		}
	}
	return user
}
