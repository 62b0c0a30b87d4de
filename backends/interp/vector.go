package interp

import (
	"fmt"

	"snnc/ir"
)

// batch is the number of elements a vector program runs at once: big
// enough that the loop overhead of each instruction is spread thin, small
// enough that the registers stay in the first-level cache.
const batch = 256

// vframe is the state of one vector run over elements lo to lo+n-1.
type vframe struct {
	lo, n  int
	r      [][]float64 // vector registers, n values each
	own    [][]float64 // the registers' own buffers (a load may alias a variable instead)
	s      []float64   // uniform registers
	neuron []int32     // each element's neuron (i); nil when it is the element itself
	post   []int32     // each synapse's post neuron (j)
	k      int64
	t      float64
}

// vprog is a kernel's vector program.
type vprog struct {
	nregs   int
	code    []func(*vframe)
	ret     int // the result's register, -1 without one
	uniform []bool
}

func (p *vprog) newFrame() *vframe {
	v := &vframe{r: make([][]float64, p.nregs), own: make([][]float64, p.nregs), s: make([]float64, p.nregs)}
	for n := range v.own {
		if !p.uniform[n] {
			v.own[n] = make([]float64, batch)
		}
	}
	return v
}

func (p *vprog) run(v *vframe) {
	for _, c := range p.code {
		c(v)
	}
}

// results copies the kernel's results for the batch into out.
func (p *vprog) results(v *vframe, out []float64) {
	if p.uniform[p.ret] {
		for t := range out {
			out[t] = v.s[p.ret]
		}
		return
	}
	copy(out, v.r[p.ret][:v.n])
}

// vectorize turns the vector programs on; tests turn it off to check
// that both forms give the same bits.
var vectorize = true

// compileVector compiles a straight-line kernel that writes only its own
// element's variables into a vector program; it returns nil for any
// other kernel, which then runs in scalar form.
func (e *env) compileVector(k *ir.Kernel) (*vprog, error) {
	if !vectorize || len(k.Blocks) != 1 {
		return nil, nil
	}
	instrs := k.Blocks[0].Instrs
	for _, in := range instrs {
		if hasFixed(in) {
			return nil, nil // fixed point runs in scalar form
		}
		if in.Op == ir.OpRand && pairDist(in.Aux.(ir.RandAux).Dist) {
			return nil, nil // a named stream's draws run in scalar form (stream.go)
		}
		switch in.Op {
		case ir.OpLoadSeg, ir.OpStoreSeg, ir.OpConvert, ir.OpTable, ir.OpData:
			return nil, nil // a table runs in scalar form
		case ir.OpStore:
			if a, err := e.lookup(in); err != nil || a.idx != ir.IndexElement || a.c.arr == nil {
				return nil, nil
			}
		case ir.OpLoad, ir.OpParam:
			if a, err := e.lookup(in); err == nil && a.idx == ir.IndexPostSegment && a.c.arr != nil {
				return nil, nil
			}
			if e.decayedRead(in) != nil {
				return nil, nil
			}
		}
	}
	regs, n := number(k)
	p := &vprog{nregs: n, ret: -1, uniform: make([]bool, n)}

	// A load may alias the variable's array instead of copying it, unless
	// the variable is stored before the loaded value's last use.
	lastUse := map[ir.Value]int{}
	for pos, in := range instrs {
		for _, a := range in.Args {
			lastUse[a] = pos
		}
	}
	storedBetween := func(x *ir.Var, from, to int) bool {
		for pos := from + 1; pos <= to && pos < len(instrs); pos++ {
			if instrs[pos].Op == ir.OpStore && instrs[pos].Var() == x {
				return true
			}
		}
		return false
	}

	for pos, in := range instrs {
		d := regs[in]
		uni := func(n int) bool { return p.uniform[regs[in.Args[n]]] }
		arg := func(n int) int { return regs[in.Args[n]] }
		allUniform := true
		for n := range in.Args {
			allUniform = allUniform && uni(n)
		}
		var code func(*vframe)
		switch in.Op {
		case ir.OpRet:
			if len(in.Args) > 0 {
				p.ret = arg(0)
			}
			continue
		case ir.OpConst:
			var x float64
			switch c := in.Aux.(type) {
			case float64:
				x = c
			case bool:
				x = b2f(c)
			}
			p.uniform[d] = true
			code = func(v *vframe) { v.s[d] = x }
		case ir.OpTime:
			p.uniform[d] = true
			code = func(v *vframe) { v.s[d] = v.t }
		case ir.OpParam, ir.OpLoad:
			a, err := e.lookup(in)
			if err != nil {
				return nil, err
			}
			c := a.c
			switch {
			case c.arr == nil:
				p.uniform[d] = true
				code = func(v *vframe) { v.s[d] = c.val }
			case a.idx == ir.IndexGlobal:
				p.uniform[d] = true
				arr := c.arr
				code = func(v *vframe) { v.s[d] = arr[0] }
			case a.idx == ir.IndexElement:
				arr := c.arr
				if !storedBetween(in.Var(), pos, lastUse[in]) {
					code = func(v *vframe) { v.r[d] = arr[v.lo : v.lo+v.n] }
				} else {
					code = func(v *vframe) { v.r[d] = v.own[d][:v.n]; copy(v.r[d], arr[v.lo:v.lo+v.n]) }
				}
			case a.idx == ir.IndexNeuron:
				arr := c.arr
				code = func(v *vframe) {
					r := v.own[d][:v.n]
					if v.neuron == nil {
						copy(r, arr[v.lo:v.lo+v.n])
					} else {
						for t, i := range v.neuron {
							r[t] = arr[i]
						}
					}
					v.r[d] = r
				}
			case a.idx == ir.IndexPost:
				arr := c.arr
				code = func(v *vframe) {
					r := v.own[d][:v.n]
					for t, j := range v.post {
						r[t] = arr[j]
					}
					v.r[d] = r
				}
			default:
				return nil, nil
			}
		case ir.OpStore:
			a, _ := e.lookup(in)
			arr, x := a.c.arr, arg(0)
			if uni(0) {
				code = func(v *vframe) {
					dst := arr[v.lo : v.lo+v.n]
					for t := range dst {
						dst[t] = v.s[x]
					}
				}
			} else {
				code = func(v *vframe) { copy(arr[v.lo:v.lo+v.n], v.r[x]) }
			}
		case ir.OpIndex:
			j := in.Aux == "j"
			code = func(v *vframe) {
				r := v.own[d][:v.n]
				switch {
				case j:
					for t, x := range v.post {
						r[t] = float64(x)
					}
				case v.neuron != nil:
					for t, x := range v.neuron {
						r[t] = float64(x)
					}
				default:
					for t := range r {
						r[t] = float64(v.lo + t)
					}
				}
				v.r[d] = r
			}
		case ir.OpRefract:
			ref := e.ref
			code = func(v *vframe) {
				r := v.own[d][:v.n]
				switch {
				case ref == nil:
					clear(r)
				case v.neuron != nil:
					for t, i := range v.neuron {
						r[t] = b2f(v.k < ref[i])
					}
				default:
					for t := range r {
						r[t] = b2f(v.k < ref[v.lo+t])
					}
				}
				v.r[d] = r
			}
		case ir.OpStartRef:
			ref, dt, c, per := e.ref, e.s.dt, arg(0), arg(1)
			if ref == nil {
				return nil, nil
			}
			uc, up := uni(0), uni(1)
			code = func(v *vframe) {
				for t := range v.n {
					cond, period := v.s[c], v.s[per]
					if !uc {
						cond = v.r[c][t]
					}
					if !up {
						period = v.r[per][t]
					}
					if cond != 0 {
						i := v.lo + t
						if v.neuron != nil {
							i = int(v.neuron[t])
						}
						startRefractory(ref, i, v.k, period, dt)
					}
				}
			}
		case ir.OpRand:
			code = e.vectorRand(in, d, arg, uni)
			if code == nil {
				return nil, fmt.Errorf("unknown distribution %v", in.Aux)
			}
		case ir.OpSelect:
			c, a, b := arg(0), arg(1), arg(2)
			if allUniform {
				p.uniform[d] = true
				code = func(v *vframe) {
					if v.s[c] != 0 {
						v.s[d] = v.s[a]
					} else {
						v.s[d] = v.s[b]
					}
				}
				break
			}
			get := func(n, reg int) func(v *vframe, t int) float64 {
				if uni(n) {
					return func(v *vframe, _ int) float64 { return v.s[reg] }
				}
				return func(v *vframe, t int) float64 { return v.r[reg][t] }
			}
			if !uni(0) && !uni(1) && !uni(2) {
				code = func(v *vframe) {
					r, cs, as, bs := v.own[d][:v.n], v.r[c][:v.n], v.r[a][:v.n], v.r[b][:v.n]
					for t := range r {
						if cs[t] != 0 {
							r[t] = as[t]
						} else {
							r[t] = bs[t]
						}
					}
					v.r[d] = r
				}
				break
			}
			gc, ga, gb := get(0, c), get(1, a), get(2, b)
			code = func(v *vframe) {
				r := v.own[d][:v.n]
				for t := range r {
					if gc(v, t) != 0 {
						r[t] = ga(v, t)
					} else {
						r[t] = gb(v, t)
					}
				}
				v.r[d] = r
			}
		default:
			if f := unary(in.Op); f != nil {
				a := arg(0)
				if allUniform {
					p.uniform[d] = true
					code = func(v *vframe) { v.s[d] = f(v.s[a]) }
					break
				}
				code = vectorUnary(in.Op, f, d, a)
				break
			}
			f := binary(in.Op)
			if f == nil {
				return nil, fmt.Errorf("op %s is not supported by the interpreter", in.Op)
			}
			a, b := arg(0), arg(1)
			if allUniform {
				p.uniform[d] = true
				code = func(v *vframe) { v.s[d] = f(v.s[a], v.s[b]) }
				break
			}
			code = vectorBinary(in.Op, f, d, a, b, uni(0), uni(1))
		}
		p.code = append(p.code, code)
	}
	return p, nil
}

func (e *env) vectorRand(in *ir.Instr, d int, arg func(int) int, uni func(int) bool) func(*vframe) {
	ra := in.Aux.(ir.RandAux)
	src, stream := e.s.rng, uint32(ra.Stream)
	val := func(n int) func(v *vframe, t int) float64 {
		reg := arg(n)
		if uni(n) {
			return func(v *vframe, _ int) float64 { return v.s[reg] }
		}
		return func(v *vframe, t int) float64 { return v.r[reg][t] }
	}
	var draw func(v *vframe, t int) float64
	switch ra.Dist {
	case "uniform":
		a, b := val(0), val(1)
		draw = func(v *vframe, t int) float64 {
			return src.Uniform(stream, uint64(v.k), uint64(v.lo+t), a(v, t), b(v, t))
		}
	case "normal":
		a, b := val(0), val(1)
		draw = func(v *vframe, t int) float64 {
			return src.Normal(stream, uint64(v.k), uint64(v.lo+t), a(v, t), b(v, t))
		}
	case "normal_quad":
		a, b := val(0), val(1)
		draw = func(v *vframe, t int) float64 {
			return src.NormalQuad(stream, uint64(v.k), uint64(v.lo+t), a(v, t), b(v, t))
		}
	case "exponential":
		a := val(0)
		draw = func(v *vframe, t int) float64 {
			return src.Exponential(stream, uint64(v.k), uint64(v.lo+t), a(v, t))
		}
	default:
		return nil
	}
	return func(v *vframe) {
		r := v.own[d][:v.n]
		for t := range r {
			r[t] = draw(v, t)
		}
		v.r[d] = r
	}
}

func vectorUnary(op ir.Op, f func(float64) float64, d, a int) func(*vframe) {
	if op == ir.OpNeg {
		return func(v *vframe) {
			r, x := v.own[d][:v.n], v.r[a][:v.n]
			for t := range r {
				r[t] = -x[t]
			}
			v.r[d] = r
		}
	}
	return func(v *vframe) {
		r, x := v.own[d][:v.n], v.r[a][:v.n]
		for t := range r {
			r[t] = f(x[t])
		}
		v.r[d] = r
	}
}

// vectorBinary returns the loop of a binary op; the four arithmetic ops
// have loops of their own for each mix of vector and uniform operands,
// the rest call the op's function per element.
func vectorBinary(op ir.Op, f func(x, y float64) float64, d, a, b int, ua, ub bool) func(*vframe) {
	switch {
	case !ua && !ub:
		switch op {
		case ir.OpAdd:
			return func(v *vframe) {
				r, x, y := v.own[d][:v.n], v.r[a][:v.n], v.r[b][:v.n]
				for t := range r {
					r[t] = x[t] + y[t]
				}
				v.r[d] = r
			}
		case ir.OpSub:
			return func(v *vframe) {
				r, x, y := v.own[d][:v.n], v.r[a][:v.n], v.r[b][:v.n]
				for t := range r {
					r[t] = x[t] - y[t]
				}
				v.r[d] = r
			}
		case ir.OpMul:
			return func(v *vframe) {
				r, x, y := v.own[d][:v.n], v.r[a][:v.n], v.r[b][:v.n]
				for t := range r {
					r[t] = x[t] * y[t]
				}
				v.r[d] = r
			}
		}
		return func(v *vframe) {
			r, x, y := v.own[d][:v.n], v.r[a][:v.n], v.r[b][:v.n]
			for t := range r {
				r[t] = f(x[t], y[t])
			}
			v.r[d] = r
		}
	case ua:
		switch op {
		case ir.OpAdd:
			return func(v *vframe) {
				r, x, y := v.own[d][:v.n], v.s[a], v.r[b][:v.n]
				for t := range r {
					r[t] = x + y[t]
				}
				v.r[d] = r
			}
		case ir.OpSub:
			return func(v *vframe) {
				r, x, y := v.own[d][:v.n], v.s[a], v.r[b][:v.n]
				for t := range r {
					r[t] = x - y[t]
				}
				v.r[d] = r
			}
		case ir.OpMul:
			return func(v *vframe) {
				r, x, y := v.own[d][:v.n], v.s[a], v.r[b][:v.n]
				for t := range r {
					r[t] = x * y[t]
				}
				v.r[d] = r
			}
		}
		return func(v *vframe) {
			r, x, y := v.own[d][:v.n], v.s[a], v.r[b][:v.n]
			for t := range r {
				r[t] = f(x, y[t])
			}
			v.r[d] = r
		}
	default:
		switch op {
		case ir.OpAdd:
			return func(v *vframe) {
				r, x, y := v.own[d][:v.n], v.r[a][:v.n], v.s[b]
				for t := range r {
					r[t] = x[t] + y
				}
				v.r[d] = r
			}
		case ir.OpSub:
			return func(v *vframe) {
				r, x, y := v.own[d][:v.n], v.r[a][:v.n], v.s[b]
				for t := range r {
					r[t] = x[t] - y
				}
				v.r[d] = r
			}
		case ir.OpMul:
			return func(v *vframe) {
				r, x, y := v.own[d][:v.n], v.r[a][:v.n], v.s[b]
				for t := range r {
					r[t] = x[t] * y
				}
				v.r[d] = r
			}
		case ir.OpDiv:
			return func(v *vframe) {
				r, x, y := v.own[d][:v.n], v.r[a][:v.n], v.s[b]
				for t := range r {
					r[t] = x[t] / y
				}
				v.r[d] = r
			}
		case ir.OpGt:
			return func(v *vframe) {
				r, x, y := v.own[d][:v.n], v.r[a][:v.n], v.s[b]
				for t := range r {
					r[t] = b2f(x[t] > y)
				}
				v.r[d] = r
			}
		}
		return func(v *vframe) {
			r, x, y := v.own[d][:v.n], v.r[a][:v.n], v.s[b]
			for t := range r {
				r[t] = f(x[t], y)
			}
			v.r[d] = r
		}
	}
}
