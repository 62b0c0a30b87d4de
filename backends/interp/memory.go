package interp

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"snnc/ir"
)

// memoryNeed estimates the bytes a run will hold: the variables of every
// population, dendrite and synapse, the synapses' indices, and what the
// state monitors will record. The delay rings (known once the delays
// are) and the spike monitors' recordings (known as the run goes) are
// counted when they are made or grow (memory.take). It is computed from the sizes alone, before
// anything is allocated, so that a network that cannot fit is an error
// rather than a crash (for fixed_probability the expected count plus five
// standard deviations stands for the number of synapses).
func memoryNeed(m *ir.Module, steps int64) (total float64, biggest string) {
	const f64 = 8
	var largest float64
	add := func(what string, bytes float64) {
		total += bytes
		if bytes > largest {
			largest, biggest = bytes, what
		}
	}
	sizes := map[ir.Node]float64{}
	for _, p := range m.Populations {
		n := float64(p.Size)
		sizes[p] = n
		add("population "+p.Name, n*float64(len(p.Vars)+2)*f64)
		for _, d := range p.Dendrites {
			count := 1.0
			if d.Array {
				count = float64(d.Count)
			}
			add("dendrite "+p.Name+"."+d.Name, n*count*float64(len(d.Vars))*f64)
		}
	}
	for _, in := range m.Inputs {
		sizes[in] = float64(in.Size)
		add("input "+in.Name, float64(in.Size)*3*f64)
	}
	synapses := map[ir.Node]float64{}
	for _, pr := range m.Projections {
		// The rule's sides: the slices it connects (runtime/slice.go).
		_, nPre := pr.PreSpan()
		_, nPost := pr.PostSpan()
		pre, post := float64(nPre), float64(nPost)
		var n float64
		switch pr.Rule.Kind {
		case "all_to_all":
			// With a condition, the count is known only once built
			// (N_pre × N_post would refuse a sparse rule that fits), as
			// a generator's is.
			if pr.ConnectKernel("where") == nil {
				n = pre * post
			}
		case "one_to_one":
			n = pre
		case "fixed_probability":
			mean := pr.Rule.P * pre * post
			n = mean + 5*math.Sqrt(mean)
		case "fixed_indegree":
			n = float64(pr.Rule.K) * post
		case "fixed_outdegree":
			n = float64(pr.Rule.K) * pre
		case "pairs":
			n = float64(len(pr.Rule.Pairs))
		}
		synapses[pr] = n
		// Per synapse: its variables, its pre and post indices (and a
		// queue entry and the by-post index at most).
		add(pr.Describe(), n*(float64(len(pr.Vars))*f64+4*4))
	}
	for _, mon := range m.Monitors {
		if mon.Kind != "state" {
			continue
		}
		n := sizes[mon.Target]
		indices := 0.0 // a projection's: each recorded synapse's pre and post neuron
		if s, ok := synapses[mon.Target]; ok {
			n, indices = s, s*(4+4)
		} else if len(mon.Ranges) > 0 {
			n = 0
			for _, r := range mon.Ranges {
				n += float64(r[1] - r[0])
			}
		}
		every := float64(max(mon.Every, 1))
		add("monitor "+mon.Name, math.Ceil(float64(steps)/every)*n*f64+indices)
	}
	return total, biggest
}

// physicalMemory returns the machine's memory in bytes, or 0 if unknown.
func physicalMemory() float64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			if err == nil {
				return kb * 1024
			}
		}
	}
	return 0
}

// memory is a run's account of memory: the limit, and what the estimate
// made before anything is allocated, the delay rings (sized once the
// delays are known, before each ring is allocated) and the spike
// recordings (as they grow) take of it.
type memory struct {
	limit float64 // 0: unknown, nothing is refused
	need  float64
}

// grow counts an allocation of bytes that replaces one of replaced bytes
// (a recording moved into a larger array): both are held while it is
// copied, then only the new one. A new allocation replaces nothing.
func (mm *memory) grow(bytes, replaced float64) bool {
	if mm.limit > 0 && mm.need+bytes > mm.limit {
		return false
	}
	mm.need += bytes - replaced
	return true
}

// memoryLimit is the most a run may take: limit if positive, else the
// environment's SNNC_MEMORY_LIMIT (bytes; for tests, and to share a
// machine), else the machine's physical memory (0 if unknown).
func memoryLimit(limit float64) (float64, error) {
	if limit > 0 {
		return limit, nil
	}
	if text := os.Getenv("SNNC_MEMORY_LIMIT"); text != "" {
		x, err := strconv.ParseFloat(text, 64)
		if err != nil || !(x > 0) || math.IsInf(x, 0) {
			return 0, fmt.Errorf("SNNC_MEMORY_LIMIT=%s: expected a number of bytes", text)
		}
		return x, nil
	}
	return physicalMemory(), nil
}

// checkMemory refuses a run that needs more than the machine has, and
// returns the account that the rings and recordings are counted in.
func checkMemory(m *ir.Module, steps int64, limit float64) (*memory, error) {
	limit, err := memoryLimit(limit)
	if err != nil {
		return nil, err
	}
	need, biggest := memoryNeed(m, steps)
	if limit > 0 && need > limit {
		return nil, fmt.Errorf("the network needs about %s of memory (the largest part: %s), more than the %s available; make it smaller, record less (a monitor's selection or every), or run for less time",
			BytesText(need), biggest, BytesText(limit))
	}
	return &memory{limit: limit, need: need}, nil
}

// ringBytes is what a delay ring of maxDelay steps holds before any spike
// is in it: a slice header per slot, and with a delay per synapse a flag.
func ringBytes(maxDelay int64, perSynapse bool) float64 {
	per := 24.0
	if perSynapse {
		per++
	}
	return float64(maxDelay+1) * per
}

// BytesText writes a number of bytes for a message: 512 KiB, 3.5 MiB,
// 1.2 GiB.
func BytesText(b float64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GiB", b/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", b/(1<<20))
	}
	return fmt.Sprintf("%.0f KiB", b/(1<<10))
}
