// The constants and the compiled code: every constant matches its stated
// bit pattern or value, the split constants sum to their irrational, the
// thresholds are where overflow and underflow begin, and no architecture's
// compiler fuses a multiply and an add (TestNoFusedMultiplyAdd).

package mathfn

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestConstantsMatchTheirBitPatterns checks every constant whose comment
// gives its bit pattern (// 0x3FE62E42FEE00000): a port to LLVM IR will write
// the constant as that pattern, so it must be exactly what Go compiles.
func TestConstantsMatchTheirBitPatterns(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	bitPattern := regexp.MustCompile(`^0x[0-9A-F]{16}\b`)
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ParseComments)
		require.NoError(t, err)
		for _, decl := range file.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, spec := range gen.Specs {
				value := spec.(*ast.ValueSpec)
				if value.Comment == nil || len(value.Values) != 1 {
					continue
				}
				pattern := bitPattern.FindString(strings.TrimSpace(strings.TrimPrefix(value.Comment.List[0].Text, "//")))
				if pattern == "" {
					continue
				}
				literal, sign := value.Values[0], 1.0
				if unary, ok := literal.(*ast.UnaryExpr); ok && unary.Op == token.SUB {
					literal, sign = unary.X, -1
				}
				basic, ok := literal.(*ast.BasicLit)
				require.True(t, ok, "%s: %s has a bit pattern comment but is not a literal", name, value.Names[0])
				f, err := strconv.ParseFloat(basic.Value, 64)
				require.NoError(t, err)
				want, err := strconv.ParseUint(pattern[2:], 16, 64)
				require.NoError(t, err)
				require.Equal(t, fmt.Sprintf("%#016X", want), fmt.Sprintf("%#016X", math.Float64bits(sign*f)),
					"%s: %s = %s", name, value.Names[0], basic.Value)
				checked++
			}
		}
	}
	require.Greater(t, checked, 60)
}

// TestSplitConstants checks the constants that stand for an irrational
// number, alone or as a sum of pieces, against the reference.
func TestSplitConstants(t *testing.T) {
	referenceConstants()
	pi := newRef().Set(reference.pi)
	ln2, ln10 := reference.ln2, reference.ln10
	quo := func(a, b *big.Float) *big.Float { return newRef().Quo(a, b) }
	one := big.NewFloat(1)
	pio2 := quo(pi, big.NewFloat(2))
	oneMinus := newRef().Sub(one, newRef().SetMantExp(one, -54))
	log2OneMinus := quo(referenceLog(oneMinus), ln2)
	cases := []struct {
		name string
		sum  []float64
		want *big.Float
		bits int // relative accuracy the sum must have
	}{
		{"ln2Hi+ln2Lo", []float64{ln2Hi, ln2Lo}, ln2, 80},
		{"lg2", []float64{lg2}, ln2, 53},
		{"lg2Hi+lg2Lo", []float64{lg2Hi, lg2Lo}, ln2, 80},
		{"halfLn2", []float64{halfLn2}, quo(ln2, big.NewFloat(2)), 53},
		{"threeHalvesLn2", []float64{threeHalvesLn2}, newRef().Mul(ln2, big.NewFloat(1.5)), 53},
		{"invLn2", []float64{invLn2}, quo(one, ln2), 53},
		{"invLn2Hi+invLn2Lo", []float64{invLn2Hi, invLn2Lo}, quo(one, ln2), 75},
		{"invLn10Hi+invLn10Lo", []float64{invLn10Hi, invLn10Lo}, quo(one, ln10), 80},
		{"log10Of2Hi+log10Of2Lo", []float64{log10Of2Hi, log10Of2Lo}, quo(ln2, ln10), 80},
		{"cp", []float64{cp}, quo(big.NewFloat(2), newRef().Mul(ln2, big.NewFloat(3))), 53},
		{"cpHi+cpLo", []float64{cpHi, cpLo}, quo(big.NewFloat(2), newRef().Mul(ln2, big.NewFloat(3))), 75},
		{"log2Of1p5Hi+log2Of1p5Lo", []float64{log2Of1p5Hi, log2Of1p5Lo}, quo(referenceLog(big.NewFloat(1.5)), ln2), 75},
		{"overflowMargin", []float64{-overflowMargin}, log2OneMinus, 53},
		{"pio4", []float64{pio4}, quo(pi, big.NewFloat(4)), 53},
		{"invPio2", []float64{invPio2}, quo(big.NewFloat(2), pi), 53},
		{"pio2 in 2 pieces", []float64{pio2First, pio2FirstT}, pio2, 85},
		{"pio2 in 3 pieces", []float64{pio2First, pio2Second, pio2SecondT}, pio2, 115},
		{"pio2 in 4 pieces", []float64{pio2First, pio2Second, pio2Third, pio2ThirdT}, pio2, 150},
	}
	for _, c := range cases {
		sum := newRef()
		for _, part := range c.sum {
			sum.Add(sum, bigOf(part))
		}
		diff := newRef().Sub(sum, c.want)
		limit := newRef().SetMantExp(newRef().Abs(c.want), -c.bits)
		require.True(t, newRef().Abs(diff).Cmp(limit) <= 0, "%s is off by %s relative", c.name, quo(diff, c.want).Text('g', 3))
	}

	// The bit tables must be floor(2/pi * 2^1280) and floor(pi/2 * 2^127).
	table := new(big.Int)
	for _, word := range twoOverPiBits[1:] {
		table.Lsh(table, 64).Or(table, new(big.Int).SetUint64(word))
	}
	twoOverPi := new(big.Float).SetPrec(piPrecision).Quo(big.NewFloat(2), reference.pi)
	wantTable, _ := twoOverPi.SetMantExp(twoOverPi, 64*len(twoOverPiBits[1:])).Int(nil)
	require.Equal(t, wantTable.Text(16), table.Text(16))
	fixed := new(big.Int).Lsh(new(big.Int).SetUint64(pio2FixedHigh), 64)
	fixed.Or(fixed, new(big.Int).SetUint64(pio2FixedLow))
	wantFixed, _ := new(big.Float).SetPrec(piPrecision).SetMantExp(reference.pi, 126).Int(nil)
	require.Equal(t, wantFixed.Text(16), fixed.Text(16))
	require.Less(t, mediumReductionLimit, 0x1p20*math.Pi/2)
}

// TestThresholds checks the cut-offs that decide overflow and underflow.
func TestThresholds(t *testing.T) {
	referenceConstants()
	exp := func(x float64) *big.Float { return referenceExp(bigOf(x)) }
	halfSmallest := newRef().SetMantExp(big.NewFloat(1), -1075)
	require.Equal(t, -1, exp(expOverflow).Cmp(overflowBoundary), "e^expOverflow must be finite")
	require.Equal(t, 1, exp(math.Nextafter(expOverflow, inf)).Cmp(overflowBoundary), "e^x must overflow above expOverflow")
	require.Equal(t, 1, exp(expUnderflow).Cmp(halfSmallest), "e^expUnderflow must round to a subnormal")
	require.Equal(t, -1, exp(math.Nextafter(expUnderflow, negInf)).Cmp(halfSmallest), "e^x must round to 0 below expUnderflow")
	require.Equal(t, -1, exp(expm1Saturation).Cmp(newRef().SetMantExp(big.NewFloat(1), -54)), "e^x - 1 must round to -1 below expm1Saturation")
}

// ----------------------------------------------------------------------------
// No FMA

// TestNoFusedMultiplyAdd compiles the package for the architectures where
// the Go compiler fuses x*y + z and checks that it found nothing to fuse:
// a product used in a sum without float64(...) around it would show up here.
func TestNoFusedMultiplyAdd(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the package for other architectures")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH")
	}
	// Assembly lines look like "\t0x0024 00036 (file.go:12)\tFMADDD\tF0, F1, F2, F3".
	fused := regexp.MustCompile(`(?m)^\s+0x[0-9a-f]+ \d+ \(([^)]*)\)\s+(V?FN?M(?:ADD|SUB)\w*|WFM[AS]\w*)`)
	for _, target := range []struct{ goarch, variant string }{
		{"arm64", ""}, {"ppc64le", ""}, {"s390x", ""}, {"riscv64", ""}, {"loong64", ""}, {"amd64", "GOAMD64=v3"},
	} {
		cmd := exec.Command(goTool, "build", "-gcflags=-S", ".")
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+target.goarch, "CGO_ENABLED=0")
		if target.variant != "" {
			cmd.Env = append(cmd.Env, target.variant)
		}
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
		require.Contains(t, string(out), "mathfn.Exp STEXT", "no assembly listing for %s", target.goarch)
		for _, m := range fused.FindAllStringSubmatch(string(out), -1) {
			t.Errorf("%s: fused multiply-add %s at %s", target.goarch, m[2], m[1])
		}
	}
}
