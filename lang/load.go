package lang

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// stdlib is the standard library of models, importable as "std/...".
//
//go:embed std/*.snn
var stdlib embed.FS

// MaxSourceSize bounds a source file; larger files are refused before they
// are read. Parsing takes about a hundred times the source size in memory;
// large data belongs in .npy or .csv files.
const MaxSourceSize = 16 << 20

// Loader reads a model and the files it imports.
type Loader struct {
	// ReadFile reads an imported file that is not in the standard library.
	// Nil means os.ReadFile; tests and the fuzzer set it to keep to memory.
	ReadFile func(name string) ([]byte, error)
}

// Load parses the model in src (named name), follows its imports, and
// checks the whole. The Program is returned even when there are errors, so
// that its Sources can be used to print them; the error is an ErrorList.
func (l *Loader) Load(name string, src []byte) (*Program, error) {
	var diags Diagnostics
	ld := &loading{l: l, diags: &diags, state: map[string]int{}, canonical: map[string]string{}}
	if abs, err := filepath.Abs(name); err == nil {
		ld.canonical[abs] = name
	}
	ld.file(name, src, Pos{})
	prog := Check(ld.files, &diags)
	prog.Files = ld.files
	return prog, diags.Err()
}

// LoadFile reads and checks the model at path.
func LoadFile(path string) (*Program, error) {
	src, err := readSource(path, os.ReadFile)
	if err != nil {
		return &Program{}, ErrorList{{Pos: Pos{File: path}, Msg: err.Error()}}
	}
	return (&Loader{}).Load(path, src)
}

type loading struct {
	l     *Loader
	diags *Diagnostics
	files []*File
	state map[string]int // 1 while a file's imports are being loaded, 2 when done
	stack []string
	// canonical maps an absolute path to the name under which the file
	// was first loaded.
	canonical map[string]string
}

func (ld *loading) file(name string, src []byte, from Pos) {
	ld.state[name] = 1
	ld.stack = append(ld.stack, name)
	f := ParseFile(name, src, ld.diags)
	for _, d := range f.Decls {
		if imp, ok := d.(*Import); ok {
			if target := ld.imp(name, imp); target != "" {
				f.Imports = append(f.Imports, target)
			}
		}
	}
	ld.stack = ld.stack[:len(ld.stack)-1]
	ld.state[name] = 2
	ld.files = append(ld.files, f)
}

// imp loads an imported file, once, and returns its name, or "" if it
// could not be loaded.
func (ld *loading) imp(from string, imp *Import) string {
	pos := posOf(imp.Pos)
	target, isStd := resolveImport(from, imp.Path)
	if !isStd {
		// One file reached by two paths is one file.
		if abs, err := filepath.Abs(target); err == nil {
			if prev, ok := ld.canonical[abs]; ok {
				target = prev
			} else {
				ld.canonical[abs] = target
			}
		}
	}
	switch ld.state[target] {
	case 1:
		cycle := append(ld.stack[indexOf(ld.stack, target):], target)
		ld.diags.Errorf(pos, "import cycle: %s", strings.Join(cycle, " -> "))
		return ""
	case 2:
		return target // already loaded: imports are idempotent
	}
	var src []byte
	var err error
	if isStd {
		src, err = stdlib.ReadFile(target)
		if errors.Is(err, fs.ErrNotExist) {
			entries, _ := fs.Glob(stdlib, "std/*.snn")
			ld.diags.Hintf(pos, "the standard library has "+strings.Join(entries, ", "), "no such standard library file %q", imp.Path)
			return ""
		}
	} else {
		read := ld.l.ReadFile
		if read == nil {
			read = os.ReadFile
		}
		src, err = readSource(target, read)
	}
	if err != nil {
		ld.diags.Errorf(pos, "cannot import %q: %v", imp.Path, err)
		return ""
	}
	ld.file(target, src, pos)
	return target
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return 0
}

// resolveImport maps an import path to a file name: "std/..." to the
// embedded standard library, anything else relative to the importing file.
func resolveImport(from, p string) (string, bool) {
	if strings.HasPrefix(p, "std/") {
		return path.Clean(p), true
	}
	if filepath.IsAbs(p) {
		return filepath.Clean(p), false
	}
	return filepath.Join(filepath.Dir(from), p), false
}

func readSource(name string, read func(string) ([]byte, error)) ([]byte, error) {
	if st, err := os.Stat(name); err == nil {
		if !st.Mode().IsRegular() {
			return nil, errors.New("not a regular file")
		}
		if st.Size() > MaxSourceSize {
			return nil, fmt.Errorf("file is larger than %d MiB", MaxSourceSize>>20)
		}
	}
	src, err := read(name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, pe.Err
		}
		return nil, err
	}
	return src, nil
}
