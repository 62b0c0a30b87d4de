package interp

import (
	"fmt"

	"snnc/ir"
)

// site is a set of elements a kernel runs over and how each finds its
// neuron: a population's neurons, a dendrite's segments (count per
// neuron), a projection's synapses (with their pre and post neurons), a
// global's one instance.
type site struct {
	n     int
	count int     // segments per neuron; 1 otherwise
	pre   []int32 // synapses: the pre neuron
	post  []int32 // synapses: the post neuron
	js    []int32 // synapses onto a dendrite array: the post segment element
}

// kernel is a compiled kernel bound to its site.
type kernel struct {
	name  string
	owner string
	site  *site
	sc    *sprog
	vec   *vprog
	f     *frame
	vf    *vframe
	// neuron holds a batch's neuron indices for a dendrite array's vector
	// program, allocated once.
	neuron []int32
}

func (e *env) compile(owner string, k *ir.Kernel, s *site) (*kernel, error) {
	if k == nil {
		return nil, nil
	}
	sc, err := e.compileScalar(k)
	if err != nil {
		return nil, fmt.Errorf("%s.%s: %v", owner, k.Name, err)
	}
	vec, err := e.compileVector(k)
	if err != nil {
		return nil, fmt.Errorf("%s.%s: %v", owner, k.Name, err)
	}
	kn := &kernel{name: k.Name, owner: owner, site: s, sc: sc, vec: vec, f: &frame{r: make([]float64, sc.nregs)}}
	if vec != nil {
		kn.vf = vec.newFrame()
	}
	return kn, nil
}

// bind sets the frame's indices for element el.
func (k *kernel) bind(el int) {
	f, s := k.f, k.site
	f.e, f.stamp = el, uint64(el)
	switch {
	case s.pre != nil:
		f.i, f.j = int(s.pre[el]), int(s.post[el])
		if s.js != nil {
			f.js = int(s.js[el])
		}
	case s.count > 1:
		f.i = el / s.count
	default:
		f.i = el
	}
}

// one runs the kernel for one element in step ks and returns its result.
func (k *kernel) one(ks int64, t float64, el int) float64 {
	return k.stamped(ks, t, el, uint64(el))
}

// all runs the kernel for every element, in order, in step ks; out, if
// not nil, gets every element's result (conditions as 0 and 1), each
// batch's as soon as it is computed.
func (k *kernel) all(ks int64, t float64, out []float64) {
	n := k.site.n
	if k.vec == nil {
		k.f.k, k.f.t = ks, t
		for el := 0; el < n; el++ {
			k.bind(el)
			k.sc.run(k.f)
			if out != nil {
				out[el] = k.f.ret
			}
		}
		return
	}
	v, s := k.vf, k.site
	v.k, v.t = ks, t
	neuron := k.neuron
	if neuron == nil && s.count > 1 && s.pre == nil {
		neuron = make([]int32, batch)
		k.neuron = neuron
	}
	for lo := 0; lo < n; lo += batch {
		v.lo, v.n = lo, min(batch, n-lo)
		switch {
		case s.pre != nil:
			v.neuron, v.post = s.pre[lo:lo+v.n], s.post[lo:lo+v.n]
		case neuron != nil:
			v.neuron = neuron[:v.n]
			for t := range v.neuron {
				v.neuron[t] = int32((lo + t) / s.count)
			}
		}
		k.vec.run(v)
		if out != nil {
			k.vec.results(v, out[lo:lo+v.n])
		}
	}
}

// stamped runs the kernel for element el with stamp as the element index
// of its random draws: a global's on spike, whose draws are keyed by the
// spiking neuron.
func (k *kernel) stamped(ks int64, t float64, el int, stamp uint64) float64 {
	k.f.k, k.f.t = ks, t
	k.bind(el)
	k.f.stamp = stamp
	k.sc.run(k.f)
	return k.f.ret
}
