package npy

import (
	"fmt"
	"os"
	"syscall"
)

// The largest data files read: a .npy file is read straight into its
// array, a CSV file is parsed into one several times its size (a table
// that large belongs in a .npy file).
const (
	MaxNPYSize = 4 << 30
	MaxCSVSize = 256 << 20
)

// CheckDataFile reports why the file at path (links followed) cannot be
// read as model data: it is not a regular file (a named pipe would block
// the reader, a device such as /dev/zero never ends), or it is larger than
// max bytes. The model's loader gives the same reasons with the file's
// position in the source (lang's checkDataFile); the readers check again
// when they open it.
func CheckDataFile(path string, max int64) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	return checkInfo(st, max)
}

func checkInfo(st os.FileInfo, max int64) error {
	if !st.Mode().IsRegular() {
		return fmt.Errorf("not a regular file (%s)", fileKind(st.Mode()))
	}
	if st.Size() > max {
		return fmt.Errorf("%d bytes, larger than the %d MiB a data file of this kind may have", st.Size(), max>>20)
	}
	return nil
}

func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return "mode " + m.String()
}

// openData opens a data file for reading without blocking on a named
// pipe (O_NONBLOCK; a regular file reads as without it) and checks what it
// opened, so that a file swapped after CheckDataFile is refused too.
func openData(path string, max int64) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err == nil {
		err = checkInfo(st, max)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return f, nil
}
