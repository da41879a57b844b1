package broker

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"
)

// ReadLogins reads the configured logins: one a line, blank lines and lines starting with # ignored. A
// line that is not a login is an error, so that a damaged file refuses everyone rather than someone
// unintended.
func ReadLogins(path string) ([]string, error) {
	raw, err := os.ReadFile(path) //nolint:gosec // the path is the service's configuration, root-owned
	if err != nil {
		return nil, fmt.Errorf("read logins: %w", err)
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !loginPattern.MatchString(line) {
			return nil, fmt.Errorf("%s line %d: %q is not a login", path, n, line)
		}
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read logins %s: %w", path, err)
	}
	return out, nil
}

// LookupUID returns the login name of a uid from the user database (os/user: /etc/passwd when built
// without cgo, as the broker is).
func LookupUID(uid uint32) (string, error) {
	u, err := user.LookupId(strconv.FormatUint(uint64(uid), 10))
	if err != nil {
		return "", fmt.Errorf("look up uid %d: %w", uid, err)
	}
	return u.Username, nil
}
