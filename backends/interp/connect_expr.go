package interp

import (
	"snnc/ir"
	"snnc/runtime"
	"snnc/runtime/rng"
)

// connectPairs builds the synapses of a projection with a condition, a
// probability expression or a generator (its connect.* kernels,
// ir/connect.go): runtime.ConnectPairs with each kernel run for one pair
// at a time. The kernels index the whole populations, so a pair of the
// rule's indices (counted from a slice's start) is moved by the slice's
// start, preLo and postLo; a generator's k is passed as j unmoved.
func (s *sim) connectPairs(pr *ir.Projection, rule runtime.Rule, nPre, nPost, preLo, postLo int) (*runtime.CSR, error) {
	e := s.env(nil)
	var err error
	run := func(part string) func(i, j int) float64 {
		k := pr.ConnectKernel(part)
		if k == nil || err != nil {
			return nil
		}
		st := &site{n: 1, count: 1, pre: []int32{0}, post: []int32{0}}
		kn, cerr := e.compile(pr.Name, k, st)
		if cerr != nil {
			err = cerr
			return nil
		}
		return func(i, j int) float64 {
			st.pre[0], st.post[0] = int32(i), int32(j)
			return kn.one(0, 0, 0)
		}
	}
	var f runtime.PairFuncs
	if where := run("where"); where != nil {
		f.Where = func(i, j int) bool { return where(preLo+i, postLo+j) != 0 }
		f.WherePost = readsPost(pr.ConnectKernel("where"))
	}
	if p := run("p"); p != nil {
		f.P = func(i, j int) float64 { return p(preLo+i, postLo+j) }
	}
	if lo, hi, jk := run("lo"), run("hi"), run("j"); jk != nil {
		f.Lo = func(i int) float64 { return lo(preLo+i, 0) }
		f.Hi = func(i int) float64 { return hi(preLo+i, 0) }
		f.J = func(i, k int) float64 { return jk(preLo+i, k) }
	}
	if err != nil {
		return nil, err
	}
	return runtime.ConnectPairs(s.rng, uint32(rng.StreamConnect+pr.Stream), rule, nPre, nPost, pr.SameSide(), f)
}

// readsPost says whether a kernel reads a variable of the post neuron.
func readsPost(k *ir.Kernel) bool {
	found := false
	k.Instrs(func(in *ir.Instr) {
		if r := in.Ref(); r != nil && (r.Reach == ir.IndexPost || r.Reach == ir.IndexPostSegment) {
			found = true
		}
	})
	return found
}

// hasConnectKernels says whether the projection is built by connectPairs.
func hasConnectKernels(pr *ir.Projection) bool {
	for _, k := range pr.Kernels {
		if k.Role == ir.RoleConnect {
			return true
		}
	}
	return false
}
