package main

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"snnc/backends/driver"
	"snnc/backends/fpga"
)

// buildFPGA is snnc build --target=fpga: the model quantized (int16
// unless --quantize says otherwise), mapped onto the core, written to a
// directory with a report; yosys runs for the report's costs only for the
// flows --synth asks for, a line on stderr for each as it ends (a flow
// takes a minute or more).
func buildFPGA(path, out string, pf pipelineFlags, verbose bool, flows []string, stdout, stderr io.Writer) int {
	po, err := pf.options(stderr)
	if err != nil {
		fmt.Fprintf(stderr, "snnc build: %v\n", err)
		return exitUsage
	}
	if po.Quantize == 0 {
		po.Quantize = driver.FPGAWidth // the core computes fixed point
	}
	m, status := compile(path, po, stderr)
	if status != exitOK {
		return status
	}
	if verbose {
		printNotes(stderr, m)
	}
	d, err := fpga.Build(m, driver.FPGAOptions())
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(stderr, "snnc build: %s\n", line)
		}
		return exitModel
	}
	if out == "" {
		out = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)) + "_fpga"
	}
	synth := func(flow string) string {
		fmt.Fprintf(stderr, "snnc build: yosys %s: running ...\n", flow)
		start := time.Now()
		// A line every 15 s while it runs, so that a minute of silence
		// does not look like a hang.
		done := make(chan struct{})
		ticked := make(chan struct{})
		go func() {
			defer close(ticked)
			tick := time.NewTicker(15 * time.Second)
			defer tick.Stop()
			for {
				select {
				case <-done:
					return
				case <-tick.C:
					fmt.Fprintf(stderr, "snnc build: yosys %s: running for %s\n", flow, time.Since(start).Round(time.Second))
				}
			}
		}()
		r, err := d.Synthesize(out, flow)
		close(done)
		<-ticked
		elapsed := time.Since(start).Round(100 * time.Millisecond)
		if err != nil {
			fmt.Fprintf(stderr, "snnc build: yosys %s: failed after %s: %v\n", flow, elapsed, err)
			return "not run: " + err.Error()
		}
		fmt.Fprintf(stderr, "snnc build: yosys %s: done in %s\n", flow, elapsed)
		return r
	}
	if err := d.WriteAll(out, flows, synth); err != nil {
		fmt.Fprintf(stderr, "snnc build: %v\n", err)
		return exitModel
	}
	if verbose {
		fmt.Fprintf(stderr, "snnc build: wrote %s (report.txt, map.json; sim.sh runs the testbench)\n", out)
	}
	return exitOK
}

// synthFlag is --synth: alone, every flow yosys knows for the report
// (fpga.SynthFlows); --synth=xilinx,ecp5 those named; absent, none.
type synthFlag struct{ flows *[]string }

func (f synthFlag) String() string {
	if f.flows == nil {
		return ""
	}
	return strings.Join(*f.flows, ",")
}

// IsBoolFlag lets --synth stand alone.
func (synthFlag) IsBoolFlag() bool { return true }

func (f synthFlag) Set(s string) error {
	switch s {
	case "true":
		*f.flows = slices.Clone(fpga.SynthFlows)
		return nil
	case "false":
		*f.flows = nil
		return nil
	}
	var flows []string
	for _, flow := range strings.Split(s, ",") {
		if !slices.Contains(fpga.SynthFlows, flow) {
			return fmt.Errorf("unknown flow %q; the flows are: %s", flow, strings.Join(fpga.SynthFlows, ", "))
		}
		if !slices.Contains(flows, flow) {
			flows = append(flows, flow)
		}
	}
	*f.flows = flows
	return nil
}
