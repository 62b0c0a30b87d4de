package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"snnc/backends/driver"
	"snnc/backends/interp"
	"snnc/backends/llvm"
	"snnc/runtime"
)

func init() {
	commands = append(commands, &command{
		name:    "run",
		summary: "compile a model and run it; write its recordings",
		run:     runRun,
	})
}

// runFlags are the options of a run, shared by every target.
type runFlags struct {
	target  string
	out     string
	run     driver.RunFlags // --duration, --seed, --set
	quiet   bool
	verbose bool
	threads int
	cpu     string
	// resume is --resume's directory; checkpoint --checkpoint's on or off.
	resume     string
	checkpoint string
}

func runRun(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("run", stderr,
		"Usage: snnc run [options] model.snn",
		"",
		"Compiles the model and runs it on the chosen target. Each monitor's recordings",
		"are written into the output directory as NumPy .npy files (NAME.t.npy, NAME.i.npy",
		"and, for state monitors, NAME.npy), the final state of every variable into its",
		"state/ folder, and summary.json; snnc doc runtime says what each file holds. A",
		"short summary is printed; runs longer than a second show progress on a terminal.",
		"",
		"Every run also saves a checkpoint (state/checkpoint.json and state/raw/) from which",
		"`snnc run --resume PREV_OUT model.snn --duration D` continues it for D more: the",
		"recordings of the resumed run are those of one run of both durations, byte for byte.",
		"")
	var r runFlags
	fs.StringVar(&r.target, "target", "interp", "where to run: interp (the reference interpreter), llvm (native code, built once into a cache)\nor fpga (the quantized model on the FPGA core's RTL, simulated by Verilator or Icarus; snnc doc fpga)")
	fs.IntVar(&r.threads, "threads", 1, "threads of a native run (llvm; the interpreter refuses more than 1); the results do not depend on it")
	fs.StringVar(&r.cpu, "cpu", "native", "llvm: the processor to build for, as llc -mcpu and cc -march name it: native (this machine's),\nx86-64-v2 or x86-64-v3 (portable levels: for the nodes of a cluster, say), or any name both know;\nthe executable's --version states it")
	fs.StringVar(&r.out, "out", "", "output directory (default: NAME.out in the current directory, NAME the model's file name)")
	fs.StringVar(&r.run.Duration, "duration", "", "simulated time, replacing the model's (for example 2s or 500ms)")
	fs.StringVar(&r.run.Seed, "seed", "", "random seed, replacing the model's (an integer, 0 to 2^53-1)")
	fs.Var(setFlags{&r.run.Set}, "set", "name=value: give a runtime parameter a value for this run, with its unit (for example --set i_drive=0.3nA);\nrepeat for several; a population's or projection's parameter is OWNER.NAME")
	fs.StringVar(&r.resume, "resume", "", "continue the run whose --out this is, from its last step, for --duration more (or the model's duration);\nthe model, dt and seed must be that run's (the seed is taken from it without --seed), --set may differ;\nthe recordings written are the whole run's")
	fs.StringVar(&r.checkpoint, "checkpoint", "on", "on: save the state for --resume in state/checkpoint.json and state/raw/ (interp); off: do not (the raw state is\nabout the size of the final state again)")
	fs.BoolVar(&r.quiet, "q", false, "print nothing but errors")
	fs.BoolVar(&r.verbose, "v", false, "print what the passes removed")
	var pf pipelineFlags
	pf.register(fs)
	var nf nirFlags
	nf.register(fs)
	if status, done := parseFlags(fs, args); done {
		return status
	}
	if fs.NArg() != 1 {
		if kv, unit, ok := setWithSpace(args, fs.Args()); ok {
			fmt.Fprintf(stderr, "snnc run: --set %s %s: the value is two words to the shell; quote it (--set '%s %s') or leave out the space (--set %s%s)\n",
				kv, unit, kv, unit, kv, unit)
			return exitUsage
		}
		return argsError(fs, "one model file")
	}
	path := fs.Arg(0)
	if strings.HasSuffix(path, ".nir") {
		// A NIR graph runs as the model snnc import makes of it.
		p, status := nirModel(path, &nf, stderr)
		if status != exitOK {
			return status
		}
		path = p
	}
	if r.target != "interp" && r.target != "llvm" && r.target != "fpga" {
		fmt.Fprintf(stderr, "snnc run: unknown target %q; the targets are: interp, llvm, fpga\n", r.target)
		return exitUsage
	}
	if r.threads < 1 {
		fmt.Fprintf(stderr, "snnc run: --threads %d: at least 1\n", r.threads)
		return exitUsage
	}
	if r.threads != 1 && r.target == "interp" {
		// Said rather than ignored: a user who asks for threads expects
		// them to do something.
		fmt.Fprintf(stderr, "snnc run: --threads %d: the interpreter runs on one thread; --threads is for --target=llvm (whose recordings are the same bytes)\n", r.threads)
		return exitUsage
	}
	if r.cpu != "native" && r.target != "llvm" {
		fmt.Fprintf(stderr, "snnc run: --cpu %s: only --target=llvm builds for a processor\n", r.cpu)
		return exitUsage
	}
	if r.target == "llvm" {
		if err := llvm.CheckCPU(r.cpu); err != nil {
			fmt.Fprintf(stderr, "snnc run: %v\n", err)
			return exitUsage
		}
	}
	if r.checkpoint != "on" && r.checkpoint != "off" {
		fmt.Fprintf(stderr, "snnc run: --checkpoint=%s: on or off\n", r.checkpoint)
		return exitUsage
	}
	po, err := pf.options(stderr)
	if err != nil {
		fmt.Fprintf(stderr, "snnc run: %v\n", err)
		return exitUsage
	}

	if r.target == "fpga" && po.Quantize == 0 {
		po.Quantize = driver.FPGAWidth // the core computes fixed point, as snnc build's
	}

	// Load once to learn the runtime parameters' dimensions, then check
	// the command line before compiling anything.
	prog, status := load(path, stderr)
	if status != exitOK {
		return status
	}
	opts, err := r.run.InterpOptions(prog)
	if err != nil {
		fmt.Fprintf(stderr, "snnc run: %v\n", err)
		return exitUsage
	}

	m, status := compileProgram(prog, po, stderr)
	if status != exitOK {
		return status
	}
	if r.verbose {
		printNotes(stderr, m)
	}
	// A runtime parameter of something prune removed changes nothing
	// recorded: its --set is accepted and dropped (the native executable
	// does the same with it).
	for _, name := range driver.KeepSet(m, &opts) {
		if r.verbose {
			fmt.Fprintf(stderr, "snnc: --set %s changes nothing: prune removed what it belongs to\n", name)
		}
	}
	out := r.out
	if out == "" {
		out = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)) + ".out"
	}
	// A directory of someone else's is refused before anything in it is
	// touched; one of snnc's has its previous run's files replaced.
	if err := runtime.CheckOut(out); err != nil {
		fmt.Fprintf(stderr, "snnc run: %v\n", err)
		return exitModel
	}
	// The checkpoint and the recordings so far are read whole before
	// anything is removed: --out may be the --resume directory.
	if r.resume != "" && r.target == "interp" {
		ckpt, err := runtime.ReadCheckpoint(r.resume)
		if err != nil {
			fmt.Fprintf(stderr, "snnc run: %v\n", err)
			return exitModel
		}
		opts.Resume = ckpt
	}
	opts.Checkpoint = r.checkpoint == "on"
	// A previous run's recordings go before this one starts, so that a
	// run that fails or is killed leaves none that look like its own;
	// but a resume into its own directory keeps them until it writes
	// (runtime.Write removes them then), so that a resume that fails
	// leaves the checkpoint to try again from. A native executable does
	// all this itself (main.c): removing them here would leave it a
	// directory without summary.json, which it refuses if it holds a
	// user's files.
	if r.target == "interp" && (r.resume == "" || !sameDir(out, r.resume)) {
		if err := runtime.RemoveStale(out); err != nil {
			fmt.Fprintf(stderr, "snnc run: %v\n", err)
			return exitModel
		}
	}
	if r.target == "fpga" {
		return runFPGA(path, m, opts, r, out, stdout, stderr)
	}
	if r.target == "llvm" {
		exe, err := nativeExecutable(m, prog, r.cpu)
		if err != nil {
			fmt.Fprintf(stderr, "snnc run: %s: %v\n", path, err)
			return exitModel
		}
		args := []string{"--out", out, "--threads", strconv.Itoa(r.threads)}
		if r.run.Duration != "" {
			args = append(args, "--duration", r.run.Duration)
		}
		if r.run.Seed != "" {
			args = append(args, "--seed", r.run.Seed)
		}
		for _, kv := range r.run.Set {
			args = append(args, "--set", kv)
		}
		if r.checkpoint != "on" {
			args = append(args, "--checkpoint", r.checkpoint)
		}
		if r.resume != "" {
			args = append(args, "--resume", r.resume)
		}
		if r.quiet {
			args = append(args, "-q")
		}
		status := runNative(exe, args, stdout, stderr)
		if status == exitOK {
			// An executable that ends well writes summary.json last; one
			// that did not is not what was built.
			if _, err := os.Stat(filepath.Join(out, "summary.json")); err != nil {
				_ = os.RemoveAll(filepath.Dir(exe))
				fmt.Fprintf(stderr, "snnc run: %s: the native executable %s ended without writing %s; it is removed from the cache, so run again to build it anew\n",
					path, exe, filepath.Join(out, "summary.json"))
				return exitModel
			}
		}
		return status
	}
	if !r.quiet {
		opts.Progress = progress(stderr)
	}
	// Warnings are printed as they arise, as the native runtime prints
	// them, and with -q too: they say a recording is not what the model
	// was meant to compute.
	opts.Warn = func(msg string) { fmt.Fprintf(stderr, "snnc run: %s\n", msg) }
	// SIGINT and SIGTERM end the run before its next step; what the steps
	// before recorded is written, as the native runtime does.
	opts.Stop = new(atomic.Bool)
	var caught atomic.Int32
	defer onSignals(func(sig syscall.Signal) {
		caught.CompareAndSwap(0, int32(sig))
		opts.Stop.Store(true)
	})()
	res, err := interp.Run(m, opts)
	if err != nil {
		fmt.Fprintf(stderr, "snnc run: %s: %v\n", path, err)
		return exitModel
	}
	if err := runtime.Write(out, m.Run.Dt, res.Spikes, res.States, res.Summary); err != nil {
		fmt.Fprintf(stderr, "snnc run: %v\n", err)
		return exitModel
	}
	if s := res.Summary; s.Interrupted {
		sig := syscall.Signal(caught.Load())
		fmt.Fprintf(stderr, "snnc run: %s\n", interruptedText(sig, *s.StepsDone, s.Steps, out))
		return 128 + int(sig)
	}
	if !r.quiet {
		printSummary(stdout, res.Summary, out)
	}
	return exitOK
}

// setWithSpace finds the mistake `--set amp=0.5 nA` (unquoted, so the
// unit is a name of its own): a --set NAME=VALUE whose next argument is
// one of the names left over. It returns the --set's value and that name.
func setWithSpace(args, names []string) (kv, unit string, ok bool) {
	for i := 0; i+2 < len(args); i++ {
		a := args[i]
		if a != "--set" && a != "-set" {
			continue
		}
		next := args[i+2]
		if strings.Contains(args[i+1], "=") && slices.Contains(names, next) && !strings.HasSuffix(next, ".snn") && !strings.HasSuffix(next, ".nir") {
			return args[i+1], next, true
		}
	}
	return "", "", false
}

// sameDir reports whether two paths name one directory.
func sameDir(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// onSignals calls f with each SIGINT and SIGTERM that reaches snnc, in
// place of their default action, until the returned stop is called (after
// which no call of f begins).
func onSignals(f func(syscall.Signal)) (stop func()) {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case sig := <-sigs:
				f(sig.(syscall.Signal))
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}

// interruptedText says that a signal ended a run, as the native runtime
// says it (main.c).
func interruptedText(sig syscall.Signal, done, steps int64, dir string) string {
	name := "SIGINT"
	if sig == syscall.SIGTERM {
		name = "SIGTERM"
	}
	return fmt.Sprintf("interrupted by %s after %d of %d steps; the recordings of those steps are in %s/ (summary.json says \"interrupted\": true)",
		name, done, steps, dir)
}

// printSummary prints what a run did: spike counts and rates per
// population and input.
func printSummary(w io.Writer, s *runtime.Summary, dir string) {
	fmt.Fprintf(w, "%s: %g s in %d steps of %g ms (seed %d) on %s in %.2f s\n",
		s.Model, s.Duration, s.Steps, s.Dt*1e3, s.Seed, s.Target, s.WallSeconds)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tsize\tspikes\tmean rate\t")
	for _, p := range s.Populations {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.3f Hz\t\n", p.Name, p.Size, p.Spikes, p.Rate)
	}
	tw.Flush()
	if s.Events > 0 {
		total := 0
		for _, n := range s.Synapses {
			total += n
		}
		fmt.Fprintf(w, "%d synapses, %d synaptic events\n", total, s.Events)
	}
	fmt.Fprintf(w, "recordings in %s/\n", dir)
}

// progress returns a reporter that draws a progress line on a terminal
// once a run has taken a second, and stays silent when stderr is a file
// or a pipe.
func progress(stderr io.Writer) func(done, steps int64) {
	f, ok := stderr.(*os.File)
	if !ok {
		return nil
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	start := time.Now()
	last := time.Time{}
	drawn := false
	return func(done, steps int64) {
		now := time.Now()
		if done == steps {
			if drawn {
				fmt.Fprint(f, "\r\033[K")
			}
			return
		}
		if now.Sub(start) < time.Second || now.Sub(last) < 200*time.Millisecond {
			return
		}
		last, drawn = now, true
		frac := float64(done) / float64(steps)
		eta := time.Duration(float64(now.Sub(start)) * (1 - frac) / frac)
		fmt.Fprintf(f, "\rrunning: %5.1f%%  step %d of %d  about %s left\033[K", 100*frac, done, steps, eta.Round(time.Second))
	}
}
