package ir

// The kernels of a projection that say which synapses it makes, beyond its
// Rule (spec/language.md 4.3, where; spec/runtime.md, how each is built).
// They are run while the network is built, before its synapses exist, over
// candidate pairs: a pair's pre index is the element's neuron i and its post
// index the element's j (index j, post.x), as for a synapse, so they take
// the synapse kernels' form on every backend. They read i, j, the sizes,
// module parameters and the two neurons' initial values; never a synapse's
// variables, time or a random draw.
//
//	connect.where  bool: whether the pair (i, j) is connected (a condition;
//	               for generate, its if)
//	connect.p      f64: the probability that (i, j) is connected, for
//	               fixed_probability with a probability that depends on the pair
//	connect.lo     f64: generate's first k for pre neuron i (a whole number)
//	connect.hi     f64: generate's bound for pre neuron i: k < hi
//	connect.j      f64: generate's post index for pre neuron i and the
//	               generator's k, which the kernel reads as index j
var ConnectParts = []string{"where", "p", "lo", "hi", "j"}

// ConnectKernel returns the projection's connect.PART kernel, or nil.
func (pr *Projection) ConnectKernel(part string) *Kernel {
	return KernelNamed(pr.Kernels, "connect."+part)
}
