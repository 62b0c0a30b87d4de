package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"snnc/backends/driver"
	"snnc/backends/llvm"
	"snnc/ir"
	"snnc/lang"
)

func init() {
	commands = append(commands, &command{
		name:    "build",
		summary: "compile a model into a native executable (or its LLVM IR)",
		run:     runBuild,
	})
}

func runBuild(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("build", stderr,
		"Usage: snnc build [options] model.snn",
		"",
		"Compiles the model into an executable that runs it: the kernels become LLVM IR",
		"(opt -O3, llc -O3) linked with snnc's native runtime (cc). The executable takes",
		"the options of snnc run (--out, --duration, --seed, --set NAME=VALUE, -q) and",
		"--threads N; it gives the interpreter's results bit for bit. Run it with --help.",
		"A large .npy file the model loads (4096 elements or more) is not copied into it:",
		"the executable reads it where snnc read it, or under --data-dir DIR, and refuses",
		"a file changed since (snnc doc runtime, Data files).",
		"Needs opt and llc (Debian package llvm) and cc (gcc).",
		"",
		"With --mpi the executable is linked with Open MPI (mpicc; Debian packages",
		"libopenmpi-dev and openmpi-bin) and runs over the ranks mpirun starts:",
		"  mpirun -np K ./model [--threads T] ...",
		"each rank updating a block of every population's neurons and holding only the",
		"synapses onto them; the outputs are byte for byte those of one process",
		"(snnc doc native, Running over MPI ranks). What cannot run so is refused here.",
		"",
		"With --target=fpga it writes a directory for snnc's FPGA core instead: the core's",
		"Verilog, the model's generated datapaths, the configuration stream and memory",
		"images, the stimulus of the inputs, a map of names to neuron slots, a report of",
		"what the model needs (and, with --synth, what yosys says it costs), and a testbench (sim.sh runs",
		"it with Verilator or Icarus Verilog).",
		"")
	out := fs.String("o", "", "the executable's name (default: the model's file name without .snn);\nfor --target=fpga the directory to write (default: the name with _fpga)")
	target := fs.String("target", "llvm", "llvm (native code), or fpga (snnc's neuromorphic core: its Verilog, the model's\ndatapaths and configuration, a testbench; quantized, by default --quantize=int16;\nsnnc doc fpga); interp has nothing to build (use snnc run)")
	var flows []string
	fs.Var(synthFlag{&flows}, "synth", "fpga: run yosys for the report's costs (a minute or more a flow): alone, for every flow;\n--synth=xilinx,ecp5 for those named (default: no synthesis)")
	noSynth := fs.Bool("no-synth", false, "fpga: deprecated, synthesis is off unless --synth asks for it")
	mpi := fs.Bool("mpi", false, "llvm: link with Open MPI, to run over MPI ranks with mpirun (snnc doc native)")
	emit := fs.String("emit", "", "llvm: write the kernels' LLVM IR (NAME.ll) and the model's tables (NAME.model.c) instead of an executable")
	verbose := fs.Bool("v", false, "print what the passes removed and the commands run")
	cpu := fs.String("cpu", "native", "llvm: the processor to build for, as llc -mcpu and cc -march name it: native (this machine's),\nx86-64-v2 or x86-64-v3 (portable levels: for the nodes of a cluster, say), or any name both know;\nthe executable's --version states it")
	var pf pipelineFlags
	pf.register(fs)
	var nf nirFlags
	nf.register(fs)
	if status, done := parseFlags(fs, args); done {
		return status
	}
	if fs.NArg() != 1 {
		return argsError(fs, "one model file")
	}
	if path := fs.Arg(0); strings.HasSuffix(path, ".nir") {
		// A NIR graph builds as the model snnc import makes of it, kept
		// in the cache where the executable reads its large data files.
		p, status := nirModel(path, &nf, stderr)
		if status != exitOK {
			return status
		}
		if *out == "" {
			*out = strings.TrimSuffix(filepath.Base(path), ".nir")
		}
		_ = fs.Parse([]string{"--", p})
	}
	switch *target {
	case "llvm":
	case "interp":
		fmt.Fprintln(stderr, "snnc build: the interp target runs inside snnc and has nothing to build; use snnc run --target=interp")
		return exitUsage
	case "fpga":
		if *noSynth {
			fmt.Fprintln(stderr, "snnc build: --no-synth is deprecated: yosys runs only when --synth asks for it")
			flows = nil
		}
		return buildFPGA(fs.Arg(0), *out, pf, *verbose, flows, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "snnc build: unknown target %q; the targets are: llvm, fpga\n", *target)
		return exitUsage
	}
	if err := llvm.CheckCPU(*cpu); err != nil {
		fmt.Fprintf(stderr, "snnc build: %v\n", err)
		return exitUsage
	}
	if *emit != "" && *emit != "llvm" {
		fmt.Fprintf(stderr, "snnc build: unknown --emit %q; it can be: llvm\n", *emit)
		return exitUsage
	}
	po, err := pf.options(stderr)
	if err != nil {
		fmt.Fprintf(stderr, "snnc build: %v\n", err)
		return exitUsage
	}
	path := fs.Arg(0)
	prog, status := load(path, stderr)
	if status != exitOK {
		return status
	}
	m, status := compileProgram(prog, po, stderr)
	if status != exitOK {
		return status
	}
	o := driver.LLVMOptions(prog)
	o.MPI = *mpi
	o.CPU = *cpu
	if *mpi {
		if err := driver.CheckMPI(m); err != nil {
			return report(stderr, prog, err)
		}
	}
	if *verbose {
		printNotes(stderr, m)
		o.Verbose = func(cmd string) { fmt.Fprintln(stderr, cmd) }
	}
	p, err := llvm.Emit(m, o)
	if err != nil {
		fmt.Fprintf(stderr, "snnc build: %s: %v\n", path, err)
		return exitModel
	}
	name := *out
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	if *emit == "llvm" {
		for file, text := range map[string]string{name + ".ll": p.LL, name + ".model.c": p.ModelC} {
			if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
				fmt.Fprintf(stderr, "snnc build: %v\n", err)
				return exitModel
			}
		}
		return exitOK
	}
	dir, err := os.MkdirTemp("", "snnc-build-")
	if err != nil {
		fmt.Fprintf(stderr, "snnc build: %v\n", err)
		return exitModel
	}
	defer os.RemoveAll(dir)
	if err := llvm.Build(p, dir, name, o); err != nil {
		fmt.Fprintf(stderr, "snnc build: %v\n", err)
		return exitModel
	}
	return exitOK
}

// nativeExecutable returns the executable of a module, from the cache
// (llvm.CacheRoot(), keyed by the emitted program, if the entry verifies)
// or built now.
func nativeExecutable(m *ir.Module, prog *lang.Program, cpu string) (string, error) {
	o := driver.LLVMOptions(prog)
	o.CPU = cpu
	p, err := llvm.Emit(m, o)
	if err != nil {
		return "", err
	}
	root, err := llvm.CacheRoot()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, llvm.Key(p))
	exe := filepath.Join(dir, "model")
	if llvm.Verified(exe) {
		llvm.Touch(dir)
		return exe, nil
	}
	// Missing, unfinished (no hash yet) or damaged (truncated): built
	// beside the cache entry and installed over it, so that a concurrent
	// or interrupted build never leaves a half-written executable behind.
	tmp, err := os.MkdirTemp(root, "build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if err := llvm.Build(p, tmp, filepath.Join(tmp, "model"), o); err != nil {
		return "", err
	}
	if err := llvm.Install(filepath.Join(tmp, "model"), exe); err != nil {
		return "", err
	}
	llvm.TrimCache(root)
	return exe, nil
}

// runNative runs a model's executable with the run's options.
//
// SIGINT and SIGTERM that reach snnc meanwhile are passed on to the
// executable, which writes what it recorded and ends with 128 + the
// signal's number; snnc waits for it and ends with its status (a child
// that a signal killed gives 128 + that signal's number too).
func runNative(exe string, args []string, stdout, stderr io.Writer) int {
	cmd := exec.Command(exe, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	// The executable's messages begin with its own name, but the user
	// ran snnc run (main.c reads SNNC_PROG).
	cmd.Env = append(os.Environ(), "SNNC_PROG=snnc run")
	// Caught before the start, so that none is lost between the two.
	started := make(chan struct{})
	defer onSignals(func(sig syscall.Signal) {
		<-started
		if cmd.Process != nil { // nil: it did not start
			_ = cmd.Process.Signal(sig) // it may have ended meanwhile
		}
	})()
	err := cmd.Start()
	close(started)
	if err != nil {
		fmt.Fprintf(stderr, "snnc run: %v\n", err)
		return exitModel
	}
	if err := cmd.Wait(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				return 128 + int(ws.Signal())
			}
			return ee.ExitCode()
		}
		fmt.Fprintf(stderr, "snnc run: %v\n", err)
		return exitModel
	}
	return exitOK
}
