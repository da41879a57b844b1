package usage

import (
	"path"
	"strconv"
	"strings"
)

// fileAccess is what an event did to a file.
type fileAccess int

const (
	accessNone fileAccess = iota
	accessRead
	accessWrite
	accessReadWrite
	accessDelete
)

// rawSyscalls names, for a RAW log (no SYSCALL= interpretation), the syscall numbers of the two
// architectures a workstation may run (arch=c000003e x86_64, arch=c00000b7 aarch64) that the data
// volume's watch reports; others keep their number. Linux syscall tables: arch/x86/entry/syscalls/
// syscall_64.tbl and include/uapi/asm-generic/unistd.h.
var rawSyscalls = map[string]map[string]string{
	"c000003e": {"2": "open", "257": "openat", "437": "openat2", "85": "creat", "76": "truncate", "77": "ftruncate",
		"87": "unlink", "263": "unlinkat", "84": "rmdir", "82": "rename", "264": "renameat", "316": "renameat2"},
	"c00000b7": {"56": "openat", "437": "openat2", "45": "truncate", "46": "ftruncate", "35": "unlinkat",
		"38": "renameat", "276": "renameat2"},
}

// syscallName is the event's syscall, by name when the log says it.
func (e *auditEvent) syscallName() string {
	if n := e.Enriched["SYSCALL"]; n != "" {
		return n
	}
	nr := e.Syscall["syscall"]
	if n := rawSyscalls[e.Syscall["arch"]][nr]; n != "" {
		return n
	}
	return nr
}

// Open flags (include/uapi/asm-generic/fcntl.h): the access mode is the low two bits.
const (
	oAccMode = 0x3
	oWrOnly  = 0x1
	oRdWr    = 0x2
	oCreat   = 0x40
	oTrunc   = 0x200
)

// accessOf says what the syscall did to a path of the given nametype. open and openat carry their flags
// in a1 and a2 (hexadecimal, without 0x); openat2's are behind a pointer, so only a CREATE tells.
func (e *auditEvent) accessOf(nametype string) fileAccess {
	switch nametype {
	case "DELETE":
		return accessDelete
	case "CREATE":
		return accessWrite
	}
	name := e.syscallName()
	switch name {
	case "open", "openat":
		arg := "a1"
		if name == "openat" {
			arg = "a2"
		}
		flags, err := strconv.ParseUint(e.Syscall[arg], 16, 64)
		if err != nil {
			return accessRead
		}
		switch {
		case flags&oAccMode == oRdWr:
			return accessReadWrite
		case flags&oAccMode == oWrOnly, flags&(oCreat|oTrunc) != 0:
			return accessWrite
		}
		return accessRead
	case "openat2", "execve", "readlink", "readlinkat":
		return accessRead
	}
	// creat, truncate, rename, chmod, chown, setxattr, utimes...: the file, or its attributes, changed.
	return accessWrite
}

// failed reports whether the syscall failed (success=no): the access was refused or did not happen.
func (e *auditEvent) failed() bool { return e.Syscall["success"] == "no" }

// atFDCWD is AT_FDCWD (-100) as the SYSCALL record writes it in a0.
const atFDCWD = "ffffff9c"

// filePaths returns the absolute paths the event touched, with their nametype: the PATH records other
// than the parent directories (or the parents, when there is nothing else). A relative name is joined
// to the CWD record when the syscall resolved it from the working directory; relative to another open
// directory it cannot be placed and is left relative.
func (e *auditEvent) filePaths() []auditPath {
	var out, parents []auditPath
	relativeToCWD := true
	if n := e.syscallName(); strings.HasSuffix(n, "at") || strings.HasSuffix(n, "at2") {
		relativeToCWD = e.Syscall["a0"] == atFDCWD
	}
	for _, p := range e.Paths {
		if p.Name == "" {
			continue
		}
		if !path.IsAbs(p.Name) && relativeToCWD && e.CWD != "" {
			p.Name = path.Join(e.CWD, p.Name)
		} else if path.IsAbs(p.Name) {
			p.Name = path.Clean(p.Name)
		}
		if p.NameType == "PARENT" {
			parents = append(parents, p)
			continue
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return parents
	}
	return out
}
