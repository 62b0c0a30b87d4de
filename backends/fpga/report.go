package fpga

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SynthFlows are the synthesis flows Synthesize knows, in the order the
// report lists them.
var SynthFlows = []string{"xilinx", "ecp5"}

// flowTitles name the flows' devices in the report.
var flowTitles = map[string]string{"xilinx": "Xilinx 7-series (synth_xilinx)", "ecp5": "Lattice ECP5 (synth_ecp5)"}

// WriteAll writes the design (Write), map.json, report.txt and sim.sh.
// synth gives the report the costs of each of flows (of SynthFlows), in
// that order, after the Verilog is written; with no flows it is not
// called and the report has no costs.
func (d *Design) WriteAll(dir string, flows []string, synth func(flow string) string) error {
	if err := d.Write(dir); err != nil {
		return err
	}
	type span struct {
		Name      string `json:"name"`
		FirstSlot int    `json:"first_slot"`
		Size      int    `json:"size"`
	}
	// A field of a word: its bits lo to lo+width-1, frac of them after the
	// binary point (two's complement; a last-event step is unsigned).
	type fieldJSON struct {
		Name  string `json:"name"`
		Lo    int    `json:"lo"`
		Width int    `json:"width"`
		Frac  int    `json:"frac"`
	}
	type layout struct {
		Owner     string      `json:"owner"`
		FirstSlot int         `json:"first_slot,omitempty"`
		Size      int         `json:"size"`
		SynBase   int         `json:"first_synapse,omitempty"`
		Fields    []fieldJSON `json:"fields"`
	}
	mp := struct {
		Populations []span         `json:"populations"`
		Inputs      []span         `json:"inputs"`
		State       []layout       `json:"state_words"`
		Synapses    []layout       `json:"synapse_words"`
		Core        map[string]int `json:"core"`
		Steps       int64          `json:"steps"`
		Seed        uint64         `json:"seed"`
	}{Core: d.coreParams(), Steps: d.Steps, Seed: d.Seed}
	for _, ow := range d.owners {
		l := layout{Owner: ow.p.Name, FirstSlot: ow.base, Size: ow.p.Size}
		for n, f := range ow.state {
			l.Fields = append(l.Fields, fieldJSON{ow.names[n], f.lo, int(f.format.Width), int(f.format.Frac)})
		}
		mp.State = append(mp.State, l)
	}
	for _, p := range d.projs {
		l := layout{Owner: p.name, SynBase: p.synBase, Size: p.nSyn,
			Fields: []fieldJSON{{"post_slot", 0, d.Core.SLOTW, 0}, {"delay_steps", d.Core.SLOTW, d.Core.DLYW, 0}}}
		var names []string
		for name, f := range p.fields {
			if f.word == "syn" {
				names = append(names, name)
			}
		}
		sort.Slice(names, func(a, b int) bool { return p.fields[names[a]].lo < p.fields[names[b]].lo })
		for _, name := range names {
			f := p.fields[name]
			l.Fields = append(l.Fields, fieldJSON{name, f.lo, int(f.format.Width), int(f.format.Frac)})
		}
		mp.Synapses = append(mp.Synapses, l)
	}
	for _, p := range d.Populations {
		if !d.isGroup(p.Name) {
			mp.Populations = append(mp.Populations, span{p.Name, p.Base, p.Size})
		}
	}
	for _, in := range d.Inputs {
		mp.Inputs = append(mp.Inputs, span{in.Name, in.Base, in.Size})
	}
	js, err := json.MarshalIndent(mp, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "map.json"), append(js, '\n'), 0o644); err != nil {
		return err
	}
	plus := strings.Join(d.Plusargs(), " ")
	sim := "#!/bin/sh\n# Runs the testbench: the core programmed through its configuration port\n" +
		"# (cfg.hex), driven by stim.hex; writes spikes.txt and readback.hex.\nset -eu\ncd \"$(dirname \"$0\")\"\n" +
		"if command -v verilator >/dev/null; then\n" +
		"\tverilator " + strings.Join(verilatorFlags, " ") + " --top-module tb_snn -o vsim tb_snn.v snn_core.v snn_philox.v snn_model.v\n" +
		"\tobj_dir/vsim " + plus + "\nelse\n\tiverilog -g2005 -I. -s tb_snn -o vsim tb_snn.v snn_core.v snn_philox.v snn_model.v\n\tvvp -n vsim " + plus + "\nfi\n"
	if err := os.WriteFile(filepath.Join(dir, "sim.sh"), []byte(sim), 0o755); err != nil {
		return err
	}
	report := d.Report()
	if len(flows) > 0 {
		report += "\nWhat yosys says it costs (snn_core with this model's datapaths):\n"
		for _, flow := range flows {
			report += "  " + flowTitles[flow] + ": " + synth(flow) + "\n"
		}
	}
	return os.WriteFile(filepath.Join(dir, "report.txt"), []byte(report), 0o644)
}

func (d *Design) coreParams() map[string]int {
	c := d.Core
	return map[string]int{"N": c.N, "NSRC": c.NSRC, "SW": c.SW, "PW": c.PW, "NSYN": c.NSYN, "SYNW": c.SYNW,
		"NROW": c.NROW, "NCOL": c.NCOL, "NCIDX": c.NCIDX, "NPROJ": max(1, c.NPROJ), "L": c.L, "ND": c.ND, "SLOTW": c.SLOTW, "DLYW": c.DLYW}
}

// Report says what the model needs of the core.
func (d *Design) Report() string {
	c := d.Core
	var b strings.Builder
	fmt.Fprintf(&b, "snnc's neuromorphic core for this model (spec/fpga.md)\n\n")
	fmt.Fprintf(&b, "Neurons: %d slots", c.N)
	var parts []string
	for _, p := range d.Populations {
		if !d.isGroup(p.Name) {
			parts = append(parts, fmt.Sprintf("%s %d-%d", p.Name, p.Base, p.Base+p.Size-1))
		}
	}
	fmt.Fprintf(&b, " (%s)\n", strings.Join(parts, ", "))
	fmt.Fprintf(&b, "Spike sources: %d (the slots, then %d input sources)\n", c.NSRC, c.NSRC-c.N)
	fmt.Fprintf(&b, "Synapses: %d in %d delivering projections; delays up to %d steps (a history of %d steps)\n", c.NSYN, c.NPROJ, d.MaxDelay, c.L)
	fmt.Fprintf(&b, "Run: %d steps, seed %d\n\n", d.Steps, d.Seed)
	mems := []struct {
		name        string
		depth, bits int
	}{{"state", c.N, c.SW}, {"parameters", c.N, c.PW}, {"refractory counters", c.N, 32}, {"spike history", c.NSRC, c.L},
		{"row pointers", c.NROW, 32}, {"synapses", c.NSYN, c.SYNW}, {"column pointers", c.NCOL, 32}, {"column index", c.NCIDX, 32}}
	total := 0
	b.WriteString("Memory:\n")
	for _, m := range mems {
		fmt.Fprintf(&b, "  %-20s %7d x %4d bits = %9d bits\n", m.name, m.depth, m.bits, m.depth*m.bits)
		total += m.depth * m.bits
	}
	fmt.Fprintf(&b, "  %-20s %31d bits (%.1f KiB)\n", "total", total, float64(total)/8192)
	fmt.Fprintf(&b, "\nDither generators: %d Philox4x32-10 units (10 cycles a block)\n", c.ND)
	fmt.Fprintf(&b, "Core parameters: ")
	keys := make([]string, 0)
	params := d.coreParams()
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s=%d", k, params[k])
	}
	b.WriteString("\n\nTiming per step, in clock cycles (spec/fpga.md): delivery, 2 per source scanned per\n" +
		"projection, 2 per synapse of a source that spiked in the window, 3 per synapse delivered\n" +
		"(+12 with a dithered store); update, 3 per neuron (+12 with dithered stores, +1 per\n" +
		"spike sent); inputs, 2 per input source and 2 per input spike.\n")
	return b.String()
}

// Synthesize runs yosys on the design written in dir, the core with the
// model's parameters, with a flow
// ("xilinx": synth_xilinx for 7-series, "ecp5": synth_ecp5) and
// summarises its statistics: LUTs, flip-flops, block RAMs, DSPs.
func (d *Design) Synthesize(dir, flow string) (string, error) {
	if _, err := exec.LookPath("yosys"); err != nil {
		return "", fmt.Errorf("yosys is not installed (Debian package yosys)")
	}
	cmd := map[string]string{"xilinx": "synth_xilinx -family xc7 -top snn_core", "ecp5": "synth_ecp5 -top snn_core"}[flow]
	if cmd == "" {
		return "", fmt.Errorf("unknown flow %q", flow)
	}
	start := time.Now()
	// The core with this model's parameters.
	var chparam strings.Builder
	params := d.coreParams()
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&chparam, " -set %s %d", k, params[k])
	}
	script := "read_verilog -I. snn_core.v snn_philox.v snn_model.v; chparam" + chparam.String() + " snn_core; " + cmd + "; tee -o yosys_" + flow + ".txt stat"
	y := exec.Command("yosys", "-q", "-p", script)
	y.Dir = dir
	if out, err := y.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%v: %s", err, lastLines(string(out), 5))
	}
	stat, err := os.ReadFile(filepath.Join(dir, "yosys_"+flow+".txt"))
	if err != nil {
		return "", err
	}
	cells := map[string]int{}
	re := regexp.MustCompile(`^\s+(\S+)\s+(\d+)$`)
	for _, line := range strings.Split(string(stat), "\n") {
		if m := re.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[2])
			cells[m[1]] += n
		}
	}
	sum := func(match func(string) bool) int {
		n := 0
		for name, k := range cells {
			if match(name) {
				n += k
			}
		}
		return n
	}
	var r string
	switch flow {
	case "xilinx":
		r = fmt.Sprintf("%d LUTs, %d flip-flops, %d block RAMs (RAMB18/36), %d DSP48E1",
			sum(func(s string) bool { return strings.HasPrefix(s, "LUT") }),
			sum(func(s string) bool { return strings.HasPrefix(s, "FD") }),
			sum(func(s string) bool { return strings.HasPrefix(s, "RAMB") }),
			sum(func(s string) bool { return strings.HasPrefix(s, "DSP48") }))
	case "ecp5":
		r = fmt.Sprintf("%d LUT4s, %d flip-flops, %d block RAMs (DP16KD), %d multipliers (MULT18X18D)",
			sum(func(s string) bool { return s == "LUT4" }),
			sum(func(s string) bool { return s == "TRELLIS_FF" }),
			sum(func(s string) bool { return s == "DP16KD" }),
			sum(func(s string) bool { return s == "MULT18X18D" }))
	}
	return r + fmt.Sprintf(" (yosys, %.0f s; yosys_%s.txt)", time.Since(start).Seconds(), flow), nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
