package mathfn

// twoPi is 2*pi rounded to a float64 (0x401921FB54442D18).
const twoPi = 6.28318530717958623200e+00

// CosTurn returns cos(2*pi*u) for 0 <= u < 1, the angle of a Box–Muller
// draw (runtime/rng's StdNormal) given in turns. The angle is reduced in
// turns, where it is exact: n = round(4u) (4u is exact, and so is its
// rounding by roundingShift, u being below 2^51), r = u - n/4 in
// [-1/8, 1/8] (exact: u and n/4 are multiples of u's ulp), and
// x = 2*pi*r, |x| <= pi/4, rounded once; cos(2*pi*u) = cos(x + n*pi/2) is
// then one of Cos's kernels with no correction term. It replaces Cos(2*pi*u),
// whose Cody-Waite reduction of an angle up to 2*pi in three steps, and
// Cos's cases, were a sixth of a vectorised draw's instructions; its error
// is that of the kernel plus the rounding of x, below 2^-52 (TestCosTurn),
// where Cos(2*pi*u) carried the rounding of 2*pi*u, up to 2^-51.
//
// Every backend computes it so: backends/llvm's snn_cos_turn_inline, runtime/c's
// snn_cos_turn.
func CosTurn(u float64) float64 {
	shifted := float64(4*u) + roundingShift
	n := shifted - roundingShift
	x := float64(twoPi * (u - float64(0.25*n)))
	switch int64(n) & 3 {
	case 0:
		return cosKernel(x, 0)
	case 1:
		return -sinKernel(x, 0)
	case 2:
		return -cosKernel(x, 0)
	default:
		return sinKernel(x, 0)
	}
}
