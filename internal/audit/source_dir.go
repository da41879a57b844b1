package audit

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// readDir reads every log file under root (or root itself, if it is a file: any name is then accepted),
// in name order. A file that cannot be read or parsed is reported in the scan's problems and skipped.
func readDir(root string, w Window, visit visitFunc) (scan, error) {
	var sc scan
	st, err := os.Stat(root)
	if err != nil {
		return sc, fmt.Errorf("read trail: %w", err)
	}
	var paths []string
	if st.Mode().IsRegular() {
		paths = []string{root}
		sc.anyLog = true
	} else {
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.Type().IsRegular() {
				return nil
			}
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			switch {
			case isLogFile(rel):
				sc.anyLog = true
				if w.mayHold(path) {
					paths = append(paths, path)
				}
			case w.digestCovers(path):
				sc.digests++
			}
			return nil
		})
		if err != nil {
			return sc, fmt.Errorf("read trail %s: %w", root, err)
		}
	}
	slices.Sort(paths)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			sc.problem(FileError{Name: p, Err: err})
			continue
		}
		f, bad := logFileOf(p, data)
		if bad != nil {
			sc.problem(*bad)
			continue
		}
		sc.files++
		visit(f)
	}
	return sc, nil
}
