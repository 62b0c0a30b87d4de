package llvm

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
	"sync"

	"snnc/ir"
	"snnc/runtime"
	"snnc/version"
)

// Options configure a native build.
type Options struct {
	// Dims gives the dimension of each runtime parameter by its --set name
	// (NAME, POPULATION.NAME, PROJECTION.NAME), for the executable's --set.
	Dims map[string][6]int8
	// Units are the unit names --set accepts.
	Units []Unit
	// DataDir is where relative data file names are read from; by default
	// the current directory, as lowering makes them.
	DataDir string
	// Verbose, if not nil, gets each tool's command line.
	Verbose func(cmd string)
	// MPI links the executable with Open MPI (mpicc): started by mpirun,
	// it runs the model over the ranks (spec/native.md, "Running over
	// MPI ranks"). The runtime is compiled with SNN_MPI, by mpicc.
	MPI bool
	// CPU is the processor the executable is built for, as llc's -mcpu
	// and cc's -march name it: "native" (or "", this machine's),
	// "x86-64-v2", "x86-64-v3", or any name both know (CheckCPU). An
	// executable for a named CPU runs on every machine that has its
	// instructions: the nodes of a cluster, say.
	CPU string
}

// Program is a model emitted for the native target: the kernels as LLVM
// IR and the tables as C.
type Program struct {
	LL     string
	ModelC string
	// Blobs are the files of raw bytes model.c includes (blob.go).
	Blobs []Blob
	// CPU is Options.CPU, "native" for "": Build compiles for it, and Key
	// keys the build by it.
	CPU string
}

// cpu is the CPU the program is built for: native unless it names one.
func (p *Program) cpu() string { return cpuName(p.CPU) }

// cpuName is the CPU an Options.CPU names: native for "".
func cpuName(cpu string) string {
	if cpu == "" {
		return "native"
	}
	return cpu
}

// Emit translates a module, after the pass pipeline, into LLVM IR and C
// tables.
func Emit(m *ir.Module, o Options) (*Program, error) {
	// The fingerprint of the module as given, as the interpreter's.
	ckptC, err := checkpointC(m)
	if err != nil {
		return nil, err
	}
	l := newLayout(m)
	e := newEmitter(l, m.Run.Dt)
	e.mpi = o.MPI
	t := &tables{l: l, dims: o.Dims, dataDir: o.DataDir, kernels: map[*ir.Kernel]string{}}
	if src, err := filepath.Abs(m.Source); err == nil && m.Source != "" {
		t.modelDir = filepath.Dir(src)
	}
	n := 0
	emit := func(owner string, k *ir.Kernel, s site) error {
		n++
		name := fmt.Sprintf("snn_k%d_%s_%s", n, sanitize(owner), sanitize(k.Name))
		if _, err := e.kernel(name, k, s); err != nil {
			return err
		}
		t.kernels[k] = name
		return nil
	}
	for pi, p := range m.Populations {
		s := site{kind: elemNeuron, pop: pi}
		if p.Global {
			s = site{kind: elemGlobal, pop: -1}
		}
		for _, k := range p.Kernels {
			ks := s
			if k.Role == ir.RoleOnSpike {
				ks.stamp = true
			}
			if err := emit(p.Name, k, ks); err != nil {
				return nil, err
			}
		}
		for _, d := range p.Dendrites {
			ds := site{kind: elemNeuron, pop: pi}
			if d.Array && d.Count > 1 {
				ds = site{kind: elemSegment, count: d.Count, pop: pi}
			}
			for _, k := range d.Kernels {
				if err := emit(p.Name+"_"+d.Name, k, ds); err != nil {
					return nil, err
				}
			}
		}
	}
	for _, in := range m.Inputs {
		for _, k := range in.Kernels {
			if err := emit(in.Name, k, site{kind: elemNeuron, pop: -1}); err != nil {
				return nil, err
			}
		}
	}
	for q, pr := range m.Projections {
		for _, k := range pr.Kernels {
			if err := emit(pr.Name, k, site{kind: elemSynapse, proj: q, pop: -1}); err != nil {
				return nil, err
			}
		}
	}
	for _, c := range m.Currents {
		for _, k := range c.Kernels {
			if err := emit(c.Name, k, site{kind: elemNeuron, pop: l.pops[c.Population]}); err != nil {
				return nil, err
			}
		}
	}
	for _, mon := range m.Monitors {
		if len(mon.Kernels) == 0 {
			continue
		}
		s := site{kind: elemNeuron, pop: -1}
		switch tgt := mon.Target.(type) {
		case *ir.Population:
			p := tgt
			s.pop = l.pops[p]
			if p.Global {
				s = site{kind: elemGlobal, pop: -1}
			} else if d, ok := mon.Sampled().(*ir.Dendrite); ok && d.Array && d.Count > 1 {
				s = site{kind: elemSegment, count: d.Count, pop: s.pop}
			}
		case *ir.Projection:
			s = site{kind: elemSynapse, proj: l.projs[tgt], pop: -1, decay: true}
		}
		for _, k := range mon.Kernels {
			if err := emit(mon.Name, k, s); err != nil {
				return nil, err
			}
		}
	}
	t.preUsed = e.preUsed
	t.keyUsed = e.keyUsed
	cpu := cpuName(o.CPU)
	t.versionText = VersionText(cpu)
	modelC, err := t.modelC(o.Units)
	if err != nil {
		return nil, err
	}
	return &Program{LL: e.mod.String(), ModelC: modelC + ckptC, Blobs: t.blobs, CPU: cpu}, nil
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

func sortedKernelNames(m map[*ir.Kernel]string) []string {
	var out []string
	for _, n := range m {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// Flags of the tools. No fast-math and no contraction of a multiply and
// an add into a fused multiply-add anywhere: the executable must compute
// what the interpreter computes, bit for bit.
var (
	// A kernel touches an array per variable, and the vectoriser checks at
	// run time that they do not overlap; its default allows 8 checks, too
	// few for update and threshold in one loop over a neuron's v, ge, gi,
	// refractoriness and the results.
	optFlags = []string{"-O3", "-runtime-memory-check-threshold=64"}
	llcFlags = []string{"-O3", "-fp-contract=off", "-relocation-model=pic", "-filetype=obj"}
	// ccFlags are cc's flags but the target's -march (ccArgs).
	ccFlags = []string{"-std=c11", "-O3", "-ffp-contract=off", "-fno-fast-math", "-fno-math-errno", "-pthread"}
)

// Tools are the programs a build runs; Debian's llvm package provides opt
// and llc (LLVM 14), gcc provides cc.
var Tools = []string{"opt", "llc", "cc", "ar"}

// MissingTools returns the tools that are not on PATH.
func MissingTools() []string {
	var out []string
	for _, t := range Tools {
		if _, err := exec.LookPath(t); err != nil {
			out = append(out, t)
		}
	}
	return out
}

// Build compiles a program into an executable at exe, working in dir.
func Build(p *Program, dir, exe string, o Options) error {
	if missing := MissingTools(); len(missing) > 0 {
		return fmt.Errorf("the native target needs %s on PATH (Debian: apt-get install llvm gcc)", strings.Join(missing, ", "))
	}
	cc := "cc"
	if o.MPI {
		if _, err := exec.LookPath("mpicc"); err != nil {
			return fmt.Errorf("--mpi needs mpicc on PATH (Debian: apt-get install libopenmpi-dev openmpi-bin)")
		}
		cc = "mpicc"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	write := func(name, text string) error { return os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644) }
	if err := write("kernels.ll", p.LL); err != nil {
		return err
	}
	if err := write("model.c", p.ModelC); err != nil {
		return err
	}
	for _, b := range p.Blobs {
		if err := os.WriteFile(filepath.Join(dir, b.Name), b.Data, 0o644); err != nil {
			return err
		}
	}
	run := func(name string, args ...string) error {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		if o.Verbose != nil {
			o.Verbose(name + " " + strings.Join(args, " "))
		}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s failed: %v\n%s", name, err, out.String())
		}
		return nil
	}
	if err := run("opt", optArgs(p.cpu(), "kernels.ll", "-o", "kernels.bc")...); err != nil {
		return err
	}
	if err := run("llc", append(append(slices.Clone(llcFlags), targetFlags(p.cpu())...), "kernels.bc", "-o", "kernels.o")...); err != nil {
		return err
	}
	absExe, err := filepath.Abs(exe)
	if err != nil {
		return err
	}
	lib, err := runtimeLibrary(run, o.MPI, p.cpu())
	if err != nil {
		return err
	}
	if _, err := writeRuntime(dir, ".h"); err != nil { // the headers model.c includes
		return err
	}
	args := append(ccArgs(p.cpu()), "-I", ".", "-o", absExe, "model.c", "kernels.o", lib, "-lm")
	return run(cc, args...)
}

// OptArgs returns the arguments Build gives opt before the input and
// output files, followed by extra: for a check that runs opt on a
// program's LL as the build does, with options of its own (the loop
// vectoriser's remarks in tests/vectorize_test.go).
func OptArgs(extra ...string) []string { return optArgs("native", extra...) }

// optArgs are opt's flags for a build for cpu, then extra.
func optArgs(cpu string, extra ...string) []string {
	return append(append(slices.Clone(optFlags), targetFlags(cpu)...), extra...)
}

// ccArgs are cc's flags for a build for cpu.
func ccArgs(cpu string) []string {
	return append(slices.Clone(ccFlags), "-march="+cpu)
}

// targetFlags name the target of opt and llc. The kernels are compiled
// for this machine (as Brian2's standalone mode does with -march=native):
// the vectoriser needs the target to know what a vector costs.
//
// On x86-64, LLVM's models of AVX-512 processors prefer 256-bit vectors
// (prefer-256-bit), for fear of the lower clock that 512-bit instructions
// may bring on the first of them; a kernel's loop is all vector
// arithmetic, and 512-bit vectors (8 lanes) run COBAHH's step about 13%
// faster here (the same bits: the math functions' tests check them at
// that width). The feature is dropped; on a processor without AVX-512
// that changes nothing.
func targetFlags(cpu string) []string {
	triple := hostTriple()
	flags := []string{"-mtriple=" + triple, "-mcpu=" + cpu}
	if strings.HasPrefix(triple, "x86_64") {
		flags = append(flags, "-mattr=-prefer-256-bit")
	}
	return flags
}

// runtimeLibrary returns the native runtime compiled into an archive,
// from the cache (CacheRoot()/runtime-HASH, if it verifies) or compiled now:
// it is the same for every model, and compiling it is most of a build's
// time. With mpi it is compiled by mpicc with SNN_MPI
// (CacheRoot()/runtime-mpi-HASH).
func runtimeLibrary(run func(name string, args ...string) error, mpi bool, cpu string) (string, error) {
	_, rt := runtimeFiles()
	// The library is compiled for the executable's CPU.
	hash := sha256.Sum256(append(slices.Clone(rt), "\x00-march="+cpu...))
	root, err := CacheRoot()
	if err != nil {
		return "", err
	}
	cc, flags, kind := "cc", ccArgs(cpu), "runtime"
	if mpi {
		cc, flags, kind = "mpicc", append(flags, "-DSNN_MPI"), "runtime-mpi"
	}
	dir := filepath.Join(root, fmt.Sprintf("%s-%x", kind, hash[:12]))
	lib := filepath.Join(dir, "libsnnrt.a")
	if Verified(lib) {
		Touch(dir)
		return lib, nil
	}
	// Missing, unfinished or damaged: built again, and installed over it.
	tmp, err := os.MkdirTemp(root, "runtime-build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if _, err := writeRuntime(tmp, ".h"); err != nil {
		return "", err
	}
	sources, err := writeRuntime(tmp, ".c")
	if err != nil {
		return "", err
	}
	var objects []string
	for _, src := range sources {
		obj := filepath.Join(tmp, strings.TrimSuffix(src, ".c")+".o")
		if err := run(cc, append(slices.Clone(flags), "-c", "-I", tmp, "-o", obj, filepath.Join(tmp, src))...); err != nil {
			return "", err
		}
		objects = append(objects, obj)
	}
	if err := run("ar", append([]string{"rcs", filepath.Join(tmp, "libsnnrt.a")}, objects...)...); err != nil {
		return "", err
	}
	// Another build may have made it meanwhile: either copy is fine.
	if err := Install(filepath.Join(tmp, "libsnnrt.a"), lib); err != nil {
		return "", err
	}
	return lib, nil
}

// hostTriple is the target llc generates code for by default (asked
// once: a build's key needs it too).
var hostTriple = sync.OnceValue(func() string {
	out, err := exec.Command("llc", "--version").Output()
	if err == nil {
		for _, line := range strings.Split(string(out), "\n") {
			if t, ok := strings.CutPrefix(strings.TrimSpace(line), "Default target:"); ok {
				return strings.TrimSpace(t)
			}
		}
	}
	return "x86_64-pc-linux-gnu"
})

// llcVersion is llc --version's first line ("Debian LLVM version 14.0.6")
// and the host CPU it names ("icelake-client"); "" and "" without llc.
var llcVersion = sync.OnceValues(func() (version, hostCPU string) {
	out, err := exec.Command("llc", "--version").Output()
	if err != nil {
		return "", ""
	}
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(line)
		if version == "" {
			version = line
		}
		if c, ok := strings.CutPrefix(line, "Host CPU:"); ok {
			hostCPU = strings.TrimSpace(c)
		}
	}
	return version, hostCPU
})

// VersionText is what an executable built for cpu prints for --version
// after its name: snnc's version and the Go that built snnc, the LLVM
// that compiled the kernels, and the CPU it is built for (with, for
// native, the machine's as LLVM names it).
func VersionText(cpu string) string {
	llvmVersion, host := LLVMVersion()
	target := cpu
	if cpu == "native" && host != "" {
		target = "native (" + host + ", the machine it was built on)"
	}
	return fmt.Sprintf("snnc %s (%s)\nLLVM: %s\ntarget CPU: %s\n", version.Version, goruntime.Version(), llvmVersion, target)
}

// CheckCPU reports whether llc and cc both know the processor cpu (a
// --cpu): a name that llc does not know it only warns about, building
// for a generic processor, and cc's names differ in places.
func CheckCPU(cpu string) error {
	if cpu == "" || cpu == "native" {
		return nil
	}
	if missing := MissingTools(); len(missing) > 0 {
		return fmt.Errorf("the native target needs %s on PATH (Debian: apt-get install llvm gcc)", strings.Join(missing, ", "))
	}
	if strings.ContainsAny(cpu, " \t\n,=/") || strings.HasPrefix(cpu, "-") {
		return fmt.Errorf("--cpu %q: not a processor name (for example x86-64-v3, or native)", cpu)
	}
	cmd := exec.Command("llc", "-mtriple="+hostTriple(), "-mcpu="+cpu, "-filetype=null", "-o", "/dev/null")
	cmd.Stdin = strings.NewReader("")
	out, err := cmd.CombinedOutput()
	if err != nil || bytes.Contains(out, []byte("not a recognized processor")) {
		return fmt.Errorf("--cpu %s: llc does not know this processor (llc -mtriple=%s -mcpu=help lists those it knows; x86-64-v2 and x86-64-v3 are the portable levels)", cpu, hostTriple())
	}
	cmd = exec.Command("cc", "-march="+cpu, "-E", "-x", "c", "-o", "/dev/null", "-")
	cmd.Stdin = strings.NewReader("")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("--cpu %s: llc knows this processor, but cc -march=%s does not: %s", cpu, cpu, firstLine(string(out)))
	}
	return nil
}

// firstLine is s's first line, trimmed.
func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// LLVMVersion is the LLVM that builds executables, as llc --version's
// first line names it, and the CPU of this machine as LLVM knows it; ""
// and "" when llc is not on PATH.
func LLVMVersion() (version, hostCPU string) { return llcVersion() }

// runtimeFile is a file of the native runtime: the .c and .h files
// directly in runtime/c (c/test holds test models).
type runtimeFile struct {
	name string
	data []byte
}

// runtimeFiles lists the native runtime's files, sorted by name, and
// hashes them with the C compiler's flags: the key of the compiled
// library, and part of an executable's.
var runtimeFiles = sync.OnceValues(func() ([]runtimeFile, []byte) {
	entries, err := fs.ReadDir(runtime.CSource, "c")
	if err != nil {
		panic("llvm: the embedded runtime is missing: " + err.Error())
	}
	h := sha256.New()
	h.Write([]byte(strings.Join(ccFlags, " ") + "\n"))
	var files []runtimeFile
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, ".c") || strings.HasSuffix(name, ".h")) {
			continue
		}
		data, err := runtime.CSource.ReadFile(path.Join("c", name))
		if err != nil {
			panic("llvm: reading the embedded runtime: " + err.Error())
		}
		files = append(files, runtimeFile{name, data})
		h.Write([]byte(name + "\n"))
		h.Write(data)
	}
	return files, h.Sum(nil)
})

// writeRuntime writes the runtime's files whose names end in suffix into
// dir and returns their names.
func writeRuntime(dir, suffix string) ([]string, error) {
	files, _ := runtimeFiles()
	var names []string
	for _, f := range files {
		if !strings.HasSuffix(f.name, suffix) {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, 0o644); err != nil {
			return nil, err
		}
		names = append(names, f.name)
	}
	return names, nil
}

// Key is the cache key of a build: the program, the runtime's source and
// the tools' flags, the target's included.
func Key(p *Program) string {
	h := sha256.New()
	for _, flags := range [][]string{optFlags, llcFlags, ccArgs(p.cpu()), targetFlags(p.cpu())} {
		h.Write([]byte(strings.Join(flags, " ") + "\n"))
	}
	h.Write([]byte(p.LL))
	h.Write([]byte{0})
	h.Write([]byte(p.ModelC))
	for _, b := range p.Blobs {
		fmt.Fprintf(h, "\x00%s %d\x00", b.Name, len(b.Data))
		h.Write(b.Data)
	}
	_, rt := runtimeFiles()
	h.Write(rt)
	return fmt.Sprintf("%x", h.Sum(nil)[:16])
}
