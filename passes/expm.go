package passes

import "snnc/ir"

// A symbolic exact propagator. When the coefficients of a linear system
// depend on runtime or per-element parameters, exp(M dt) cannot be computed
// at compile time. It is computed instead by a prepare kernel, which runs
// once per element before the first step (after the initial values and
// --set), and stored in hidden state variables that the update kernel
// reads. The matrix exponential is the same algorithm for any system
// (coupled, with equal time constants or not): scaling by 2^-s with s
// chosen at run time from the norm, a Taylor polynomial, then s squarings.

// symMatrix is a matrix of IR values; nil entries are structural zeros.
type symMatrix [][]ir.Value

// taylorTerms is the degree of the Taylor polynomial for one variable.
// After scaling, ||X|| <= 1/2, and the remainder is below 0.5^17 / 17! ~
// 2e-20. expm adds the number of variables: an entry between variables d
// edges apart starts at the term of degree d.
const taylorTerms = 16

// propagatorName names the hidden variable holding entry (i, j) of a
// propagator. "decay" is a keyword, so no user name can clash.
func propagatorName(row, col string) string { return "decay." + row + "." + col }

func (b *symBuilder) add(x, y ir.Value) ir.Value {
	switch {
	case x == nil:
		return y
	case y == nil:
		return x
	}
	return b.Binary(ir.OpAdd, x, y)
}

func (b *symBuilder) mul(x, y ir.Value) ir.Value {
	if x == nil || y == nil {
		return nil
	}
	return b.Binary(ir.OpMul, x, y)
}

type symBuilder struct{ *ir.Builder }

// matMul multiplies in a fixed order (k ascending), skipping structural
// zeros.
func (b *symBuilder) matMul(x, y symMatrix) symMatrix {
	n := len(x)
	out := make(symMatrix, n)
	for i := range out {
		out[i] = make([]ir.Value, n)
		for j := 0; j < n; j++ {
			var sum ir.Value
			for k := 0; k < n; k++ {
				sum = b.add(sum, b.mul(x[i][k], y[k][j]))
			}
			out[i][j] = sum
		}
	}
	return out
}

// maxSquarings bounds the squarings of the scaling and squaring method.
const maxSquarings = 1100

// expm emits exp(m) into the builder's kernel.
func (b *symBuilder) expm(m symMatrix) symMatrix {
	n := len(m)
	one, half := b.Const(1), b.Const(0.5)
	// s = max(0, ceil(log2(||m||_inf / (1/2)))): the infinity norm is the
	// largest row sum of absolute values.
	var norm ir.Value = b.Const(0)
	for i := range m {
		var row ir.Value = b.Const(0)
		for _, x := range m[i] {
			if x != nil {
				row = b.Binary(ir.OpAdd, row, b.Unary(ir.OpAbs, x))
			}
		}
		norm = b.Binary(ir.OpMax, norm, row)
	}
	log2 := b.Binary(ir.OpDiv, b.Unary(ir.OpLog, b.Binary(ir.OpDiv, norm, half)), b.Unary(ir.OpLog, b.Const(2)))
	// A finite norm needs at most 1025 squarings; the cap keeps an
	// infinite one (a time constant set to 0 with --set) from looping
	// forever: the result is then not finite, which the runtime reports.
	s := b.Binary(ir.OpMin, b.Binary(ir.OpMax, b.Const(0), b.Unary(ir.OpCeil, log2)), b.Const(maxSquarings))
	scale := b.Binary(ir.OpPow, half, s)
	x := make(symMatrix, n)
	for i := range m {
		x[i] = make([]ir.Value, n)
		for j, v := range m[i] {
			x[i][j] = b.mul(v, scale)
		}
	}
	// Horner: P = I + X/K, then P = I + X P / k for k = K-1 .. 1.
	degree := taylorTerms
	if n > 1 {
		degree += n
	}
	identity := func(p symMatrix) {
		for i := range p {
			p[i][i] = b.add(p[i][i], one)
		}
	}
	p := make(symMatrix, n)
	for i := range p {
		p[i] = make([]ir.Value, n)
		for j := range p[i] {
			if x[i][j] != nil {
				p[i][j] = b.Binary(ir.OpDiv, x[i][j], b.Const(float64(degree)))
			}
		}
	}
	identity(p)
	for k := degree - 1; k >= 1; k-- {
		q := b.matMul(x, p)
		for i := range q {
			for j := range q[i] {
				if q[i][j] != nil {
					q[i][j] = b.Binary(ir.OpDiv, q[i][j], b.Const(float64(k)))
				}
			}
		}
		identity(q)
		p = q
	}
	return b.squareLoop(p, s)
}

// squareLoop squares p s times in a loop whose block parameters carry the
// counter and the structurally nonzero entries.
func (b *symBuilder) squareLoop(p symMatrix, s ir.Value) symMatrix {
	type pos struct{ i, j int }
	var live []pos
	args := []ir.Value{b.Const(0)}
	types := []ir.Type{ir.TF64}
	for i := range p {
		for j := range p[i] {
			if p[i][j] != nil {
				live = append(live, pos{i, j})
				args = append(args, p[i][j])
				types = append(types, ir.TF64)
			}
		}
	}
	head := b.NewBlock(types...)
	body := b.NewBlock()
	exit := b.NewBlock()
	b.Br(head, args...)
	b.SetBlock(head)
	cur := make(symMatrix, len(p))
	for i := range cur {
		cur[i] = make([]ir.Value, len(p))
	}
	for k, at := range live {
		cur[at.i][at.j] = head.Params[k+1]
	}
	b.CondBr(b.Binary(ir.OpLt, head.Params[0], s), body, nil, exit, nil)
	b.SetBlock(body)
	sq := b.matMul(cur, cur)
	next := []ir.Value{b.Binary(ir.OpAdd, head.Params[0], b.Const(1))}
	for _, at := range live {
		next = append(next, sq[at.i][at.j])
	}
	b.Br(head, next...)
	b.SetBlock(exit)
	return cur
}

// prepareClone copies the computation of a coefficient, which
// fixedForRun has accepted, into the prepare kernel.
func prepareClone(b *ir.Builder, v ir.Value, memo map[ir.Value]ir.Value) ir.Value {
	if c, ok := memo[v]; ok {
		return c
	}
	in := v.(*ir.Instr)
	args := make([]ir.Value, len(in.Args))
	for i, a := range in.Args {
		args[i] = prepareClone(b, a, memo)
	}
	c := b.Emit(in.Op, in.Typ, in.Aux, args...)
	memo[v] = c
	return c
}
