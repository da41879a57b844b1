// Writing the stack file: never over a file that appeared since init looked, and a replaced file
// replaced whole.

package scaffold

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// write creates path with content and mode. Without replace an existing file is never replaced, even one
// created since Init looked; with replace the file is replaced whole, through a temporary file and a
// rename.
func write(path, content string, replace bool, mode fs.FileMode) error {
	if !replace {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		if err != nil {
			return fmt.Errorf("create %s: %w", path, err)
		}
		if err := fillAndClose(f, content); err != nil {
			return errors.Join(err, os.Remove(path)) // a half-written file is no stack file
		}
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".sce-init-*.yaml")
	if err != nil {
		return fmt.Errorf("create a temporary file next to %s: %w", path, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return errors.Join(fmt.Errorf("write %s: %w", tmp.Name(), err), tmp.Close(), os.Remove(tmp.Name()))
	}
	if err := fillAndClose(tmp, content); err != nil {
		return errors.Join(err, os.Remove(tmp.Name()))
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return errors.Join(fmt.Errorf("replace %s: %w", path, err), os.Remove(tmp.Name()))
	}
	return nil
}

// fillAndClose writes content into f and closes it, reporting the first failure.
func fillAndClose(f *os.File, content string) error {
	if _, err := f.WriteString(content); err != nil {
		return errors.Join(fmt.Errorf("write %s: %w", f.Name(), err), f.Close())
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", f.Name(), err)
	}
	return nil
}
