package main

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"snnc/backends/llvm"
	"snnc/lang"
	"snnc/lang/nir"
	"snnc/runtime/npy"
)

func init() {
	commands = append(commands, &command{
		name:    "import",
		summary: "convert a NIR graph (.nir) into an .snn model and its .npy data files",
		run:     runImport,
	})
}

// nirFlags are the settings of an import, shared by snnc import and by
// snnc run and snnc build given a .nir file.
type nirFlags struct {
	dt, convention, input, duration string
	rate                            float64
}

func (f *nirFlags) register(fs *flag.FlagSet) {
	names := make([]string, 0, len(nir.Conventions))
	for n := range nir.Conventions {
		names = append(names, n)
	}
	sort.Strings(names)
	var conv strings.Builder
	for _, n := range names {
		fmt.Fprintf(&conv, "\n  %s: %s", n, nir.Conventions[n].Doc)
	}
	fs.StringVar(&f.dt, "dt", "", "a .nir model: the time step (required: NIR stores none), for example 1ms")
	fs.StringVar(&f.convention, "convention", nir.DefaultConvention, "a .nir model: how its exporter baked dt into tau and r:"+conv.String())
	fs.StringVar(&f.input, "input", "", "a .nir model: a .npy of shape (T, n) (or (T, ...the Input's shape)) of 0/1 frames, the spikes of\nthe Input node in steps 0..T-1; without it the Input is Poisson sources at --rate")
	fs.Float64Var(&f.rate, "rate", 50, "a .nir model without --input: the Poisson rate of each input source, in Hz")
	fs.StringVar(&f.duration, "sim-time", "", "a .nir model: the model's run duration (default: the --input's T steps, else 100 steps)")
}

// options checks the flags and reads the input frames.
func (f *nirFlags) options() (nir.Options, error) {
	var o nir.Options
	if f.dt == "" {
		return o, fmt.Errorf("--dt is required for a .nir model (NIR stores no time step), for example --dt 1ms")
	}
	dt, dim, err := lang.ParseQuantity(f.dt)
	if err != nil || dim != lang.DimTime || !(dt > 0) {
		return o, fmt.Errorf("--dt %s: a positive time, for example 1ms", f.dt)
	}
	o.Dt, o.Convention, o.Rate = dt, f.convention, f.rate
	if _, ok := nir.Conventions[f.convention]; !ok {
		return o, fmt.Errorf("--convention %s: one of snntorch, norse, rockpool, nir", f.convention)
	}
	if f.duration != "" {
		d, dim, err := lang.ParseQuantity(f.duration)
		if err != nil || dim != lang.DimTime || !(d > 0) {
			return o, fmt.Errorf("--sim-time %s: a positive time, for example 1s", f.duration)
		}
		o.Duration = d
	}
	if f.input != "" {
		a, err := npy.ReadFile(f.input)
		if err != nil {
			return o, fmt.Errorf("--input: %v", err)
		}
		if len(a.Shape) < 1 || a.Shape[0] == 0 {
			return o, fmt.Errorf("--input %s: shape %v, want (T, n) frames", f.input, a.Shape)
		}
		n := len(a.Data) / a.Shape[0]
		for k := 0; k < a.Shape[0]; k++ {
			o.Input = append(o.Input, a.Data[k*n:(k+1)*n])
		}
	}
	return o, nil
}

// importNIR imports path into dir as NAME.snn (NAME the file's name
// without .nir) and returns the model's path; warnings go to stderr.
func importNIR(path, dir string, o nir.Options, stderr io.Writer) (string, int) {
	g, err := nir.Read(path)
	if err != nil {
		fmt.Fprintf(stderr, "snnc: %v\n", err)
		return "", exitModel
	}
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	m, err := nir.Import(g, name, o)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", path, err)
		return "", exitModel
	}
	for _, w := range m.Warnings {
		fmt.Fprintf(stderr, "%s: warning: %s\n", path, w)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(stderr, "snnc: %v\n", err)
		return "", exitModel
	}
	out, err := m.Write(dir)
	if err != nil {
		fmt.Fprintf(stderr, "snnc: %v\n", err)
		return "", exitModel
	}
	return out, exitOK
}

// nirModel turns a .nir argument of run or build into the .snn the import
// writes into the cache (a directory per file content and settings, so
// that a built executable's data files stay where it reads them).
func nirModel(path string, f *nirFlags, stderr io.Writer) (string, int) {
	o, err := f.options()
	if err != nil {
		fmt.Fprintf(stderr, "snnc: %s: %v\n", path, err)
		return "", exitUsage
	}
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "snnc: %v\n", err)
		return "", exitModel
	}
	h := sha256.New()
	h.Write(data)
	fmt.Fprintf(h, "\x00%v|%s|%v|%v|%q", o.Dt, o.Convention, o.Rate, o.Duration, f.input)
	for _, fr := range o.Input {
		fmt.Fprint(h, fr)
	}
	root, err := llvm.CacheRoot()
	if err != nil {
		fmt.Fprintf(stderr, "snnc: %v\n", err)
		return "", exitModel
	}
	return importNIR(path, filepath.Join(root, "nir", hex.EncodeToString(h.Sum(nil))[:24]), o, stderr)
}

func runImport(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("import", stderr,
		"Usage: snnc import model.nir --dt 1ms [--convention nir|snntorch|norse|rockpool] [-o model.snn]",
		"",
		"Converts a NIR graph (github.com/neuromorphs/NIR) into an .snn model a user can read,",
		"edit and build, and the .npy files it loads beside it (weights as (pre, post, w)",
		"pairs, per-neuron parameters). NIR is continuous time and stores no dt: --dt is",
		"required, and --convention says how the exporter baked dt into tau and r.",
		"Stateless nodes between two stateful ones (Affine, Linear, Scale, Conv1d, Conv2d,",
		"SumPool2d, AvgPool2d, Flatten) become one projection with per-synapse weights; a",
		"spike reaches the next layer one step later, so a chain of L layers answers L steps",
		"after its input. A node type snnc cannot express is an error naming the node.",
		"snnc run model.nir and snnc build model.nir take the same options and import first.",
		"snnc doc nir (Import) describes the mapping node by node.",
		"")
	var nf nirFlags
	nf.register(fs)
	out := fs.String("o", "", "the model to write (default: NAME.snn in the current directory, NAME the .nir's name)")
	if status, done := parseFlags(fs, args); done {
		return status
	}
	if fs.NArg() != 1 {
		return argsError(fs, "one NIR file")
	}
	o, err := nf.options()
	if err != nil {
		fmt.Fprintf(stderr, "snnc import: %v\n", err)
		return exitUsage
	}
	path := fs.Arg(0)
	dir, name := ".", ""
	if *out != "" {
		dir, name = filepath.Dir(*out), strings.TrimSuffix(filepath.Base(*out), ".snn")
	}
	g, err := nir.Read(path)
	if err != nil {
		fmt.Fprintf(stderr, "snnc import: %v\n", err)
		return exitModel
	}
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	m, err := nir.Import(g, name, o)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", path, err)
		return exitModel
	}
	for _, w := range m.Warnings {
		fmt.Fprintf(stderr, "%s: warning: %s\n", path, w)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(stderr, "snnc import: %v\n", err)
		return exitModel
	}
	written, err := m.Write(dir)
	if err != nil {
		fmt.Fprintf(stderr, "snnc import: %v\n", err)
		return exitModel
	}
	fmt.Fprintf(stdout, "wrote %s and %d data files\n", written, len(m.Files))
	return exitOK
}
