package llvm

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/ir"
	"snnc/passes"
)

// reachModel has a synapse kernel of each reach that synapseReach tells
// apart; tests/errors/mpi holds a model per construct CheckMPI refuses.
const reachModel = `
global mod { state d = 1 }
neuron N {
    param tau: ms = 10 ms
    param v_r: mV = -60 mV
    param i_ext: mV = 0 mV
    state v: mV = -60 mV
    state g: mV = 0 mV
    dv/dt = (g + i_ext - (v - v_r)) / tau
    dg/dt = -g / tau
    threshold v > -50 mV
    reset { v = v_r }
}
synapse Plain { param w: mV = 1 mV  on pre { post.g += w * mod.d } }
synapse ReadsPre { param w: mV = 1 mV  on pre { post.g += w + 0.1 * (pre.v - pre.v_r) } }
synapse ReadsDriven { param w: mV = 1 mV  on pre { post.g += w + 0.1 * pre.i_ext } }
population exc = N[20] { v_r = -60 mV - i * 0.1 mV }
population inh = N[10]
current drive -> exc.i_ext = 1 mV
connect plain: exc -> exc using Plain by fixed_probability(0.2)
connect reads_pre: exc -> inh using ReadsPre by fixed_probability(0.2)
connect reads_driven: exc -> inh using ReadsDriven by fixed_probability(0.2)
monitor spikes exc
monitor spikes inh
run { duration = 5 ms  dt = 0.1 ms }
`

// One classification of what a synapse kernel's instructions touch
// decides both whether its on_pre may be split over threads and whether
// an MPI rank may run it. A pre neuron's parameter fixed for the run is
// fine for a rank (every rank initialises every neuron alike); its state
// and a parameter a current drives are not; a store into a global is
// neither for threads nor for ranks, and CheckMPI says so although no
// source reaches it (the checker refuses such an assignment first).
func TestSynapseReach(t *testing.T) {
	src := filepath.Join(t.TempDir(), "reach.snn")
	require.NoError(t, os.WriteFile(src, []byte(reachModel), 0o644))
	m := compileFile(t, src)
	reaches := func(pr *ir.Projection) []reach {
		var out []reach
		ir.KernelNamed(pr.Kernels, "on_pre").Instrs(func(in *ir.Instr) {
			if r := synapseReach(in); r != reachLocal && !slices.Contains(out, r) {
				out = append(out, r)
			}
		})
		return out
	}
	byName := map[string]*ir.Projection{}
	for _, pr := range m.Projections {
		byName[pr.Name] = pr
	}
	require.Empty(t, reaches(byName["plain"]), "plain reads a global and writes its post neuron")
	require.Equal(t, []reach{reachPreState, reachPreParam}, reaches(byName["reads_pre"]))
	require.Equal(t, []reach{reachPreDriven}, reaches(byName["reads_driven"]))
	require.True(t, parallelOnPre(byName["plain"], newLayout(m)))

	// CheckMPI refuses the two that read what another rank updates.
	ds := checkMPIDiagnostics(t, m)
	require.Len(t, ds, 2, "%v", ds)
	require.Contains(t, ds[0].Msg, "projection reads_pre reads pre.v in its on pre")
	require.Contains(t, ds[1].Msg, "projection reads_driven reads pre.i_ext in its on pre")
	require.Contains(t, ds[1].Msg, "current drive")
	for _, d := range ds {
		require.Equal(t, src, d.Pos.File, "%s", d.Msg)
	}

	// A store into the global from plain's on_pre, at the start of the
	// kernel: every rank would change its own copy.
	k := ir.KernelNamed(byName["plain"].Kernels, "on_pre")
	entry := k.Blocks[0]
	b := &ir.Builder{Kernel: k, Block: entry}
	b.Pos = ir.Pos{File: src, Line: 99, Col: 1}
	x := b.Const(2)
	st := b.Store("mod.d", x)
	n := len(entry.Instrs)
	entry.Instrs = append([]*ir.Instr{x, st}, entry.Instrs[:n-2]...)
	m.Link()
	require.Equal(t, reachStoreOther, synapseReach(st))
	require.False(t, parallelOnPre(byName["plain"], newLayout(m)))
	ds = checkMPIDiagnostics(t, m)
	require.Len(t, ds, 3, "%v", ds)
	require.Equal(t, 99, ds[2].Pos.Line)
	require.Contains(t, ds[2].Msg, "projection plain writes mod.d in its on pre, which is neither its synapse's variable nor its post neuron's")
}

// checkMPIDiagnostics returns CheckMPI's diagnostics of m, sorted by
// position.
func checkMPIDiagnostics(t *testing.T, m *ir.Module) passes.Diagnostics {
	t.Helper()
	err := CheckMPI(m)
	if err == nil {
		return nil
	}
	ds, ok := err.(passes.Diagnostics)
	require.True(t, ok, "CheckMPI returns passes.Diagnostics, not %T", err)
	return ds
}

// The runtime delivers over ranks only an on_pre that parallelOnPre
// passes (runtime/c/ranks.c stops the run otherwise): the build refuses
// every other, naming its projection, so that no model CheckMPI passes
// stops at its start. Checked on every example and every model of
// tests/errors/mpi.
func TestCheckMPICoversParallelOnPre(t *testing.T) {
	examples, err := filepath.Glob("../../examples/*.snn")
	require.NoError(t, err)
	refusals, err := filepath.Glob("../../tests/errors/mpi/*.snn")
	require.NoError(t, err)
	require.NotEmpty(t, refusals)
	serial := 0
	for _, f := range append(examples, refusals...) {
		m := compileFile(t, f)
		l := newLayout(m)
		ds := checkMPIDiagnostics(t, m)
		c := &mpiChecker{m: m}
		for _, pr := range m.Projections {
			if ir.KernelNamed(pr.Kernels, "on_pre") == nil || parallelOnPre(pr, l) {
				continue
			}
			serial++
			named := slices.ContainsFunc(ds, func(d *passes.Diagnostic) bool { return strings.HasPrefix(d.Msg, c.describe(pr)+" ") })
			require.True(t, named, "%s: %s's on_pre is not parallel, and CheckMPI does not refuse it: %v", f, pr.Name, ds)
		}
	}
	require.Positive(t, serial, "some projection's on_pre is not parallel")
}

// White noise in a synapse kernel is drawn ahead for blocks of
// consecutive synapses, which a rank does not hold: the emitter refuses
// it for --mpi without a position, CheckMPI with one. (The language
// refuses noise in a synapse's ODE; a later version may not.)
func TestCheckMPIWhiteNoise(t *testing.T) {
	src := filepath.Join(t.TempDir(), "reach.snn")
	require.NoError(t, os.WriteFile(src, []byte(reachModel), 0o644))
	m := compileFile(t, src)
	var plain *ir.Projection
	for _, pr := range m.Projections {
		if pr.Name == "plain" {
			plain = pr
		}
	}
	k := ir.KernelNamed(plain.Kernels, "on_pre")
	entry := k.Blocks[0]
	b := &ir.Builder{Kernel: k, Block: entry}
	b.Pos = ir.Pos{File: src, Line: 77, Col: 5}
	mean, std := b.Const(0), b.Const(1)
	draw := b.Emit(ir.OpRand, ir.TF64, ir.RandAux{Dist: "normal_quad", Stream: 9}, mean, std)
	n := len(entry.Instrs)
	entry.Instrs = append([]*ir.Instr{mean, std, draw}, entry.Instrs[:n-3]...)
	ds := checkMPIDiagnostics(t, m)
	i := slices.IndexFunc(ds, func(d *passes.Diagnostic) bool { return d.Pos.Line == 77 })
	require.GreaterOrEqual(t, i, 0, "%v", ds)
	require.Contains(t, ds[i].Msg, "projection plain: white noise (xi) in its on pre is drawn for blocks of consecutive synapses")
}
