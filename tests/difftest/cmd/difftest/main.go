// Command difftest runs snnc's random differential tester (package
// snnc/tests/difftest) on N generated models from a seed, or on given
// model files. Each failing model is saved under -failures with the
// command that reproduces it. Run from the repository root:
//
//	go run ./tests/difftest/cmd/difftest -seed 1000 -n 50
//	go run ./tests/difftest/cmd/difftest -model failures/m1007/m1007.snn
//
// It builds snnc from ./cmd/snnc unless -snnc names an executable. The
// exit status is 1 if a model failed in a way not known to issue 16
// (-strict: in any way), else 0.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"snnc/tests/difftest"
)

func main() {
	seed := flag.Uint64("seed", uint64(time.Now().UnixNano()%1e9), "the first model's seed (default: from the clock; printed)")
	n := flag.Int("n", 10, "how many models, seeds seed, seed+1, ...")
	snnc := flag.String("snnc", "", "the snnc executable (default: go build ./cmd/snnc)")
	failures := flag.String("failures", "difftest-failures", "where to save the failing models")
	keep := flag.Bool("keep", false, "keep each model's outputs (in the work directory, printed)")
	strict := flag.Bool("strict", false, "exit 1 on a known failure too")
	write := flag.String("write", "", "only write the generated models into this directory (one folder each)")
	var models multi
	flag.Var(&models, "model", "a model file to run instead of generated ones (repeatable)")
	flag.Parse()

	if *write != "" {
		for k := range *n {
			m := difftest.Generate(*seed + uint64(k))
			p, err := m.Write(filepath.Join(*write, strings.TrimSuffix(m.Name, ".snn")))
			check(err)
			fmt.Println(p)
		}
		return
	}
	work, err := os.MkdirTemp("", "difftest-")
	check(err)
	if !*keep {
		defer os.RemoveAll(work)
	} else {
		fmt.Println("work directory:", work)
	}
	if *snnc == "" {
		*snnc = filepath.Join(work, "snnc")
		out, err := exec.Command("go", "build", "-o", *snnc, "./cmd/snnc").CombinedOutput()
		if err != nil {
			fmt.Fprintf(os.Stderr, "difftest: go build ./cmd/snnc (run from the repository root): %v\n%s", err, out)
			os.Exit(2)
		}
	}
	r := &difftest.Runner{Snnc: *snnc}

	type job struct {
		name, path string
		model      *difftest.Model
	}
	var jobs []job
	if len(models) > 0 {
		for _, m := range models {
			jobs = append(jobs, job{name: strings.TrimSuffix(filepath.Base(m), ".snn"), path: m})
		}
	} else {
		fmt.Printf("difftest: %d models from seed %d (reproduce: make difftest SEED=%d N=%d)\n", *n, *seed, *seed, *n)
		for k := range *n {
			m := difftest.Generate(*seed + uint64(k))
			jobs = append(jobs, job{name: strings.TrimSuffix(m.Name, ".snn"), model: m})
		}
	}
	// SIGINT or SIGTERM ends the run after the model at hand, with the
	// totals so far.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	start := time.Now()
	ran, failed, newFailures, classes := 0, 0, 0, map[string]int{}
	for _, j := range jobs {
		select {
		case <-stop:
			fmt.Println("difftest: interrupted")
			goto done
		default:
		}
		ran++
		dir := filepath.Join(work, j.name)
		path := j.path
		if j.model != nil {
			path, err = j.model.Write(filepath.Join(dir, "model"))
			check(err)
		}
		t0 := time.Now()
		res, err := r.Check(path, filepath.Join(dir, "out"))
		check(err)
		status := "ok"
		if len(res.Failures) > 0 {
			failed++
			status = "FAIL"
			if !res.AllKnown() {
				newFailures++
				status = "FAIL (new)"
			}
		}
		fmt.Printf("%s: %s in %.1f s (%d probes)\n", j.name, status, time.Since(t0).Seconds(), res.Probes)
		for _, f := range res.Failures {
			fmt.Printf("    %s\n", indent(f.String()))
			key := f.Known
			if key == "" {
				key = "new: " + f.Stage + " " + f.Class
			}
			classes[key]++
		}
		if len(res.Failures) > 0 && j.model != nil {
			saved := filepath.Join(*failures, j.name)
			p, err := j.model.Write(saved)
			check(err)
			var report strings.Builder
			fmt.Fprintf(&report, "seed %d\nreproduce: go run ./tests/difftest/cmd/difftest -model %s\n\n", j.model.Seed, p)
			for _, f := range res.Failures {
				fmt.Fprintln(&report, f.String())
			}
			check(os.WriteFile(filepath.Join(saved, "failures.txt"), []byte(report.String()), 0o644))
			fmt.Printf("    saved: %s; reproduce: go run ./tests/difftest/cmd/difftest -model %s\n", saved, p)
		}
		if !*keep {
			os.RemoveAll(dir)
		}
	}
done:
	el := time.Since(start)
	fmt.Printf("difftest: %d models in %.0f s (%.1f s each), %d failed, %d with a failure not known to issue 16\n",
		ran, el.Seconds(), el.Seconds()/float64(max(1, ran)), failed, newFailures)
	for k, c := range classes {
		fmt.Printf("    %4d  %s\n", c, k)
	}
	if newFailures > 0 || (*strict && failed > 0) {
		os.Exit(1)
	}
}

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(s string) error { *m = append(*m, s); return nil }

func indent(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n        ") }

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "difftest:", err)
		os.Exit(2)
	}
}
