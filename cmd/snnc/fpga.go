package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"snnc/backends/driver"
	"snnc/backends/fpga"
)

// buildFPGA is snnc build --target=fpga: the model quantized (int16
// unless --quantize says otherwise), mapped onto the core, written to a
// directory with a report.
func buildFPGA(path, out string, pf pipelineFlags, verbose, noSynth bool, stdout, stderr io.Writer) int {
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
	var synth func(string) string
	if !noSynth {
		synth = func(flow string) string {
			if verbose {
				fmt.Fprintf(stderr, "yosys: %s\n", flow)
			}
			r, err := d.Synthesize(out, flow)
			if err != nil {
				return "not run: " + err.Error()
			}
			return r
		}
	}
	if err := d.WriteAll(out, synth); err != nil {
		fmt.Fprintf(stderr, "snnc build: %v\n", err)
		return exitModel
	}
	if verbose {
		fmt.Fprintf(stderr, "snnc build: wrote %s (report.txt, map.json; sim.sh runs the testbench)\n", out)
	}
	return exitOK
}
