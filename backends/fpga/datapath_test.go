package fpga

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/ir"
	"snnc/runtime/fixed"
)

// The generated datapath computes runtime/fixed bit for bit: a kernel of
// random operations on random formats (the edges of the ranges, where
// rounding ties and saturation are, included) runs on Icarus Verilog for
// random inputs, and every result is compared with the Go functions.
func TestDatapathArithmetic(t *testing.T) {
	if _, err := exec.LookPath("iverilog"); err != nil {
		t.Skip("iverilog is not installed (Debian package iverilog; make test installs it)")
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	format := func() fixed.Format {
		w := uint8([]int{8, 12, 16, 24, 32}[rnd.IntN(5)])
		return fixed.Format{Width: w, Frac: uint8(rnd.IntN(int(w)))}
	}
	const nIn, nOps, nVec = 8, 120, 400
	k, b := ir.NewKernel("update", ir.TVoid)
	fields := map[place]field{}
	vars := map[string]*ir.Var{} // in0.., out0..: the kernel's variables, reached by their Refs
	key := func(name string) place { return place{v: vars[name]} }
	lo := 0
	var ins []*ir.Instr
	var inFmt []fixed.Format
	for n := range nIn {
		f := format()
		name := fmt.Sprintf("in%d", n)
		vars[name] = &ir.Var{Name: name, Kind: ir.VarState, Type: ir.FixedType(f.Width, f.Frac)}
		fields[key(name)] = field{word: "state", lo: lo, format: f}
		lo += int(f.Width)
		ins = append(ins, b.Load(ir.FixedType(f.Width, f.Frac), ir.Own(vars[name])))
		inFmt = append(inFmt, f)
	}
	type op struct {
		op     ir.Op
		a, b   int
		to     fixed.Format
		dither int // the dither port, or -1
	}
	ops := []ir.Op{ir.OpAdd, ir.OpSub, ir.OpMul, ir.OpNeg, ir.OpAbs, ir.OpMin, ir.OpMax, ir.OpConvert, ir.OpConvert, ir.OpLt, ir.OpGe, ir.OpEq}
	var list []op
	nDither := 0
	for n := range nOps {
		o := op{op: ops[rnd.IntN(len(ops))], a: rnd.IntN(nIn), b: rnd.IntN(nIn), to: format(), dither: -1}
		x, y := ins[o.a], ins[o.b]
		t := ir.FixedType(o.to.Width, o.to.Frac)
		var v ir.Value
		switch o.op {
		case ir.OpNeg, ir.OpAbs:
			v = b.Emit(o.op, t, nil, x)
		case ir.OpConvert:
			var aux any
			if rnd.IntN(2) == 0 {
				o.dither = nDither
				aux = ir.Dither{Stream: 100 + nDither}
				nDither++
			}
			v = b.Emit(o.op, t, aux, x)
		case ir.OpLt, ir.OpGe, ir.OpEq:
			c := b.Emit(o.op, ir.TBool, nil, x, y)
			one := b.Emit(ir.OpConst, t, 1.0)
			zero := b.Emit(ir.OpConst, t, 0.0)
			v = b.Select(c, one, zero)
		default:
			v = b.Emit(o.op, t, nil, x, y)
		}
		name := fmt.Sprintf("out%d", n)
		vars[name] = &ir.Var{Name: name, Kind: ir.VarState, Type: t}
		fields[key(name)] = field{word: "state", lo: lo, format: o.to}
		lo += int(o.to.Width)
		b.StoreRef(ir.Own(vars[name]), v)
		list = append(list, o)
	}
	b.Ret()
	dp, err := genDatapath("snn_test_dp", "test", k, []word{{name: "state", width: lo, out: true}}, fields, nil, 1e-4)
	require.NoError(t, err)
	require.Len(t, dp.streams, nDither)

	// The inputs: each field random, a quarter of them at an edge.
	edge := func(f fixed.Format) int64 {
		switch rnd.IntN(8) {
		case 0:
			return f.Max()
		case 1:
			return f.Min()
		case 2:
			return int64(rnd.IntN(5)) - 2
		}
		return f.Min() + rnd.Int64N(f.Max()-f.Min()+1)
	}
	dir := t.TempDir()
	vec, err := os.Create(filepath.Join(dir, "vec.hex"))
	require.NoError(t, err)
	raws := make([][]int64, nVec)
	dithers := make([][]uint64, nVec)
	for v := range nVec {
		var bits strings.Builder
		// The state word as hex, most significant first: build it as a
		// big bit string.
		total := make([]byte, lo)
		for i := range total {
			total[i] = '0'
		}
		for n := range nIn {
			f := inFmt[n]
			r := edge(f)
			raws[v] = append(raws[v], r)
			u := uint64(r) & (1<<f.Width - 1)
			for j := range int(f.Width) {
				if u>>j&1 == 1 {
					total[fields[key(fmt.Sprintf("in%d", n))].lo+j] = '1'
				}
			}
		}
		for i := lo - 1; i >= 0; i-- {
			bits.WriteByte(total[i])
		}
		fmt.Fprintln(vec, bits.String())
		for range nDither {
			dithers[v] = append(dithers[v], rnd.Uint64())
		}
	}
	require.NoError(t, vec.Close())
	dith, err := os.Create(filepath.Join(dir, "dither.hex"))
	require.NoError(t, err)
	for v := range nVec {
		for _, x := range dithers[v] {
			fmt.Fprintf(dith, "%016x\n", x)
		}
	}
	require.NoError(t, dith.Close())

	var tb strings.Builder
	fmt.Fprintf(&tb, "module tb;\n  reg [%d:0] vec [0:%d];\n  reg [63:0] dith [0:%d];\n  reg [%d:0] s;\n  wire [%d:0] o;\n", lo-1, nVec-1, max(1, nVec*nDither)-1, lo-1, lo-1)
	var conns []string
	for n := range nDither {
		fmt.Fprintf(&tb, "  reg [63:0] d%d;\n", n)
		conns = append(conns, fmt.Sprintf(".dither_%d(d%d)", n, n))
	}
	fmt.Fprintf(&tb, "  snn_test_dp dut(.state_i(s), .state_o(o), .refractory(1'b0)%s);\n", strings.Join(append([]string{""}, conns...), ", "))
	fmt.Fprintf(&tb, "  integer v;\n  initial begin\n    $readmemb(\"%s\", vec);\n", filepath.Join(dir, "vec.hex"))
	if nDither > 0 {
		fmt.Fprintf(&tb, "    $readmemh(\"%s\", dith);\n", filepath.Join(dir, "dither.hex"))
	}
	fmt.Fprintf(&tb, "    for (v = 0; v < %d; v = v + 1) begin\n      s = vec[v];\n", nVec)
	for n := range nDither {
		fmt.Fprintf(&tb, "      d%d = dith[v*%d+%d];\n", n, nDither, n)
	}
	tb.WriteString("      #1 $display(\"%b\", o);\n    end\n    $finish;\n  end\nendmodule\n")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "dp.v"), []byte(dp.text), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "tb.v"), []byte(tb.String()), 0o644))
	sim := filepath.Join(dir, "sim")
	out, err := exec.Command("iverilog", "-g2005", "-I", "rtl", "-o", sim, filepath.Join(dir, "tb.v"), filepath.Join(dir, "dp.v")).CombinedOutput()
	require.NoError(t, err, "%s", out)
	out, err = exec.Command("vvp", "-n", sim).Output()
	require.NoError(t, err)

	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(nil, 1<<20)
	v := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if len(line) != lo {
			continue
		}
		bit := func(i int) byte { return line[lo-1-i] }
		for n, o := range list {
			f := fields[key(fmt.Sprintf("out%d", n))]
			var u uint64
			for j := range int(o.to.Width) {
				if bit(f.lo+j) == '1' {
					u |= 1 << j
				}
			}
			got := int64(u<<(64-o.to.Width)) >> (64 - o.to.Width)
			a, bb := raws[v][o.a], raws[v][o.b]
			fa, fb := inFmt[o.a], inFmt[o.b]
			var want int64
			switch o.op {
			case ir.OpAdd:
				want = fixed.Add(a, fa, bb, fb, o.to)
			case ir.OpSub:
				want = fixed.Sub(a, fa, bb, fb, o.to)
			case ir.OpMul:
				want = fixed.Mul(a, fa, bb, fb, o.to)
			case ir.OpNeg:
				want = fixed.Neg(a, fa, o.to)
			case ir.OpAbs:
				want = fixed.Abs(a, fa, o.to)
			case ir.OpMin, ir.OpMax:
				pick := fixed.Cmp(a, fa, bb, fb) == map[ir.Op]int{ir.OpMin: -1, ir.OpMax: 1}[o.op]
				if pick {
					want = fixed.Convert(a, fa, o.to)
				} else {
					want = fixed.Convert(bb, fb, o.to)
				}
			case ir.OpConvert:
				if o.dither >= 0 {
					want = fixed.ConvertDither(a, fa, o.to, dithers[v][o.dither])
				} else {
					want = fixed.Convert(a, fa, o.to)
				}
			case ir.OpLt, ir.OpGe, ir.OpEq:
				c := fixed.Cmp(a, fa, bb, fb)
				holds := map[ir.Op]bool{ir.OpLt: c < 0, ir.OpGe: c >= 0, ir.OpEq: c == 0}[o.op]
				want = 0
				if holds {
					want = o.to.FromFloat(1)
				}
			}
			if got != want {
				t.Fatalf("vector %d, op %d: %s of %d (%s) and %d (%s) into %s: RTL %d, runtime/fixed %d",
					v, n, o.op, a, fa, bb, fb, o.to, got, want)
			}
		}
		v++
	}
	require.Equal(t, nVec, v, "vectors simulated")
}
