// Benchmarks, each against Go's math package on the same arguments.

package mathfn

import (
	"math"
	"math/rand/v2"
	"testing"
)

var benchmarkSink float64

func benchmarkUnary(b *testing.B, ours, goMath func(float64) float64, lo, hi float64) {
	r := rand.New(rand.NewPCG(1, 2))
	args := make([]float64, 1024)
	for i := range args {
		args[i] = lo + (hi-lo)*r.Float64()
	}
	for _, impl := range []struct {
		name string
		f    func(float64) float64
	}{{"mathfn", ours}, {"math", goMath}} {
		b.Run(impl.name, func(b *testing.B) {
			sum := 0.0
			for i := 0; b.Loop(); i++ {
				sum += impl.f(args[i&1023])
			}
			benchmarkSink = sum
		})
	}
}

func BenchmarkExp(b *testing.B)   { benchmarkUnary(b, Exp, math.Exp, -700, 700) }
func BenchmarkExpm1(b *testing.B) { benchmarkUnary(b, Expm1, math.Expm1, -2, 2) }
func BenchmarkLog(b *testing.B)   { benchmarkUnary(b, Log, math.Log, 1e-300, 1e300) }
func BenchmarkLog10(b *testing.B) { benchmarkUnary(b, Log10, math.Log10, 1e-300, 1e300) }
func BenchmarkLog1p(b *testing.B) { benchmarkUnary(b, Log1p, math.Log1p, -0.5, 2) }
func BenchmarkSin(b *testing.B)   { benchmarkUnary(b, Sin, math.Sin, -100, 100) }
func BenchmarkCos(b *testing.B)   { benchmarkUnary(b, Cos, math.Cos, -100, 100) }
func BenchmarkTanh(b *testing.B)  { benchmarkUnary(b, Tanh, math.Tanh, -3, 3) }

// BenchmarkSinLarge measures the Payne-Hanek reduction.
func BenchmarkSinLarge(b *testing.B) { benchmarkUnary(b, Sin, math.Sin, 1e10, 1e300) }

func BenchmarkPow(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	args := make([][2]float64, 1024)
	for i := range args {
		args[i] = [2]float64{10 * r.Float64(), 40 * (r.Float64() - 0.5)}
	}
	for _, impl := range []struct {
		name string
		f    func(x, y float64) float64
	}{{"mathfn", Pow}, {"math", math.Pow}} {
		b.Run(impl.name, func(b *testing.B) {
			sum := 0.0
			for i := 0; b.Loop(); i++ {
				a := args[i&1023]
				sum += impl.f(a[0], a[1])
			}
			benchmarkSink = sum
		})
	}
}
