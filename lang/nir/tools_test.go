package nir

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// testdata is where the sample NIR files and the h5py helper scripts live
// (tests/testdata/nir, with their provenance in its README).
const testdata = "../../tests/testdata/nir"

// python is the Debian interpreter, which has python3-h5py; a pyenv or venv
// python first on PATH may not.
const python = "/usr/bin/python3"

// requireH5py skips a test when python3-h5py is missing, except in CI, where
// tests/install-deps.sh installs it and its absence is a failure.
func requireH5py(t *testing.T) {
	t.Helper()
	if err := exec.Command(python, "-c", "import h5py").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s cannot import h5py: tests/install-deps.sh should have installed python3-h5py", python)
		}
		t.Skipf("%s cannot import h5py (Debian: apt-get install python3-h5py)", python)
	}
}

// requireH5dump is requireH5py for h5dump (Debian hdf5-tools).
func requireH5dump(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("h5dump"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("h5dump missing: tests/install-deps.sh should have installed hdf5-tools")
		}
		t.Skipf("h5dump missing (Debian: apt-get install hdf5-tools)")
	}
}

// h5Entry is one object of a file as h5json.py reports h5py's reading.
type h5Entry struct {
	Kind   string    `json:"kind"` // "group" for groups
	DType  string    `json:"dtype"`
	VLen   bool      `json:"vlen"`
	Shape  []int     `json:"shape"`
	Values []any     `json:"values"`
	nums   []float64 // Values as numbers, for numeric dtypes
}

// h5py returns every object of file as h5py reads it, by path.
func h5py(t *testing.T, file string) map[string]*h5Entry {
	t.Helper()
	out, err := exec.Command(python, filepath.Join(testdata, "h5json.py"), file).Output()
	if err != nil {
		t.Fatalf("h5json.py %s: %v", file, err)
	}
	var m map[string]*h5Entry
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("h5json.py %s: %v", file, err)
	}
	for _, e := range m {
		if e.DType != "string" {
			for _, v := range e.Values {
				e.nums = append(e.nums, v.(float64))
			}
		}
	}
	return m
}

// sampleFiles lists the sample NIR files.
func sampleFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(testdata, "*.nir"))
	if err != nil || len(files) != 9 {
		t.Fatalf("want the 9 sample files in %s, found %d (%v)", testdata, len(files), err)
	}
	return files
}
