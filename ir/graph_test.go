package ir

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// linked has a kernel of every owner: a global on the spikes of an
// input, a population with a dendrite array, a projection onto that
// dendrite, a current and a monitor of a definition on the dendrite.
const linked = `module "l.snn"
run dt=0.0001 duration=0.001 steps=10 seed=1
param w : f64 = 0.5

global g : global[1] {
  state n : f64
  kernel on_spike.src {
  b0:
    %0 = load n : f64
    store n, %0
    ret
  }
}

population a : N[3] {
  param i_ext : f64 = 0.0
  state v : f64
  dendrite d[2] {
    state x : f64
    kernel update {
    b0:
      %0 = load x : f64
      %1 = load v : f64
      %2 = add %0, %1 : f64
      store x, %2
      ret
    }
  }
  kernel threshold : bool {
  b0:
    %0 = load v : f64
    %1 = load g.n : f64
    %2 = gt %0, %1 : bool
    ret %2
  }
}

input src : poisson[2] rates=[5.0]

projection ad : a -> a.d using S by all_to_all autapses=false {
  param delay : f64 = 0.0
  param segment : f64 = 1.0
  kernel on_pre {
  b0:
    %0 = load post.x : f64
    %1 = load pre.v : f64
    %2 = param w : f64
    %3 = add %0, %2 : f64
    store post.x, %3
    ret
  }
}

current drive -> a.i_ext {
  kernel value : f64 {
  b0:
    %0 = load v : f64
    ret %0
  }
}

monitor m : state a.d.y every 1 {
  kernel value : f64 {
  b0:
    %0 = load x : f64
    ret %0
  }
}
`

// Parse links every name to its node, and Link gives every kernel its
// owner, domain, role and (on_spike) source, every driven parameter its
// current, and every variable access the variable and element it reaches.
func TestLink(t *testing.T) {
	m, err := Parse(linked)
	require.NoError(t, err)
	require.NoError(t, Verify(m))
	g, a, src, pr, c, mon := m.Populations[0], m.Populations[1], m.Inputs[0], m.Projections[0], m.Currents[0], m.Monitors[0]
	d := a.Dendrites[0]

	assert.Equal(t, Source(a), pr.Pre)
	assert.Same(t, a, pr.Post)
	assert.Same(t, d, pr.Dendrite)
	assert.Same(t, a, d.Population)
	assert.Same(t, a, c.Population)
	assert.Same(t, a.Vars[0], c.Param)
	assert.Same(t, c, a.Vars[0].DrivenBy)
	assert.Nil(t, a.Vars[1].DrivenBy)
	assert.Equal(t, map[string]bool{"i_ext": true}, a.Driven())
	assert.Equal(t, Node(a), mon.Target)
	assert.Equal(t, Node(d), mon.Sampled())
	assert.Nil(t, mon.Variable(), "a definition's monitor records no variable")
	assert.Same(t, d.Vars[0], (&Monitor{Target: a, Var: "d.x"}).Variable())
	assert.Same(t, a.Vars[1], (&Monitor{Target: a, Var: "v"}).Variable())
	assert.Same(t, pr.Vars[0], (&Monitor{Target: pr, Var: "delay"}).Variable())

	type place struct {
		owner  Node
		domain Domain
		role   Role
	}
	want := map[*Kernel]place{
		g.Kernels[0]:   {g, DomainGlobal, RoleOnSpike},
		a.Kernels[0]:   {a, DomainNeuron, RoleThreshold},
		d.Kernels[0]:   {d, DomainSegment, RoleUpdate},
		pr.Kernels[0]:  {pr, DomainSynapse, RoleOnPre},
		c.Kernels[0]:   {c, DomainNeuron, RoleValue},
		mon.Kernels[0]: {mon, DomainSegment, RoleValue},
	}
	for k, w := range want {
		assert.Equal(t, w, place{k.Owner, k.Domain, k.Role}, "%s.%s", k.Owner.NodeName(), k.Name)
	}
	assert.Equal(t, Source(src), g.Kernels[0].Spikes)
	assert.Equal(t, "a.d", d.NodeName())

	// The on_pre's names: the post segment's x, the pre neuron's v, a
	// module parameter.
	refs := map[string]*Ref{}
	pr.Kernels[0].Instrs(func(in *Instr) {
		if r := in.Ref(); r != nil {
			refs[in.VarName()] = r
		}
	})
	assert.Equal(t, Ref{Name: "post.x", Var: d.Vars[0], Reach: IndexPostSegment}, *refs["post.x"])
	assert.Equal(t, Ref{Name: "pre.v", Var: a.Vars[1], Reach: IndexNeuron}, *refs["pre.v"])
	assert.Equal(t, Ref{Name: "w", Var: m.Params[0], Reach: IndexGlobal}, *refs["w"])
	// The dendrite's kernel reads its neuron's v.
	assert.Equal(t, IndexNeuron, d.Kernels[0].Blocks[0].Instrs[1].Ref().Reach)

	// Links are printed back as the names they were read from.
	assert.Equal(t, linked, m.String())
}

// The verifier reports what a change left unlinked, and nothing once
// Link has run.
func TestVerifyUnlinked(t *testing.T) {
	m, err := Parse(linked)
	require.NoError(t, err)
	a, pr := m.Populations[1], m.Projections[0]

	// A kernel moved to another owner.
	k := a.Kernels[0]
	a.Kernels = nil
	m.Populations[0].Kernels = append(m.Populations[0].Kernels, k)
	err = Verify(m)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "g.threshold: kernel linked as a's neuron threshold kernel; Module.Link was not called after a change")
	assert.Contains(t, err.Error(), "v is not resolved to what it names here")
	m.Link()
	// Linked, the threshold now reads g's names: it has no v.
	err = Verify(m)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no state variable v")
	m.Populations[0].Kernels = m.Populations[0].Kernels[:1]
	a.Kernels = []*Kernel{k}
	m.Link()
	require.NoError(t, Verify(m))

	// A load made by name.
	pr.Kernels[0].Blocks[0].Instrs[1].Aux = "pre.v"
	require.ErrorContains(t, Verify(m), "pre.v is not resolved to what it names here")
	m.Link()
	require.NoError(t, Verify(m))

	// A current removed without a Link: its parameter still says driven.
	m.Currents = nil
	require.ErrorContains(t, Verify(m), "i_ext: variable's DrivenBy disagrees with the module's currents")
	m.Link()
	require.NoError(t, Verify(m))

	// A projection onto a population no longer in the module.
	other := &Population{Name: "gone", Type: "N", Size: 1}
	pr.Post, pr.Dendrite = other, nil
	require.ErrorContains(t, Verify(m), "ad: post population gone does not exist")
}

// A name that reaches no node is refused where it is written.
func TestParseUnknownNodes(t *testing.T) {
	base := "module \"t.snn\"\nrun dt=0.0001 duration=1.0 steps=10000 seed=1\npopulation p : N[2] {\n}\n"
	cases := []struct{ name, src, want string }{
		{"pre", base + "projection q : nope -> p using S by all_to_all {\n}\n",
			`ir: line 5: no population or input nope (in "projection q : nope -> p using S by all_to_all {")`},
		{"post", base + "projection q : p -> nope using S by all_to_all {\n}\n",
			`ir: line 5: no population nope (in "projection q : p -> nope using S by all_to_all {")`},
		{"dendrite", base + "projection q : p -> p.nope using S by all_to_all {\n}\n",
			`ir: line 5: population p has no dendrite nope (in "projection q : p -> p.nope using S by all_to_all {")`},
		{"part of", base + "projection q : p -> p using S by all_to_all part of nope {\n}\n",
			`ir: line 5: no projection nope (in "projection q : p -> p using S by all_to_all part of nope {")`},
		{"group", base + "population r : N[2] part of nope at 0 {\n}\n",
			`ir: line 5: no population nope (in "population r : N [ 2 ] part of nope at 0 {")`},
		{"current", base + "current c -> p.nope {\n}\n",
			`ir: line 5: population p has no variable nope (in "current c -> p.nope {")`},
		{"monitor", base + "monitor m : spikes nope\n",
			`ir: line 5: no population, input or projection nope (in "monitor m : spikes nope")`},
		{"kernel", base + "population r : N[2] {\n  kernel frob {\n  b0:\n    ret\n  }\n}\n",
			`ir: line 6: no element has a kernel called frob (in "kernel frob {")`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.src)
			require.Error(t, err)
			assert.Equal(t, c.want, err.Error())
		})
	}
}

func TestRoleOf(t *testing.T) {
	for name, want := range map[string]Role{"init": RoleInit, "step": RoleStep, "on_spike.x": RoleOnSpike, "value": RoleValue,
		"sched.0.10.0": RoleSchedule} {
		r, ok := RoleOf(name)
		assert.True(t, ok, name)
		assert.Equal(t, want, r, name)
	}
	for _, name := range []string{"", "on_spike.", "scratch", "Init", "sched", "sched.1.2", "sched.a.1.2", "sched.0.-1.0"} {
		_, ok := RoleOf(name)
		assert.False(t, ok, name)
	}
}

func TestSchedule(t *testing.T) {
	s := Schedule{Order: 2, First: 5, Period: 3}
	back, ok := ParseSchedule(s.Name())
	assert.True(t, ok)
	assert.Equal(t, s, back)
	var due []int64
	for k := int64(0); k < 13; k++ {
		if s.Due(k) {
			due = append(due, k)
		}
	}
	assert.Equal(t, []int64{5, 8, 11}, due)
	once := Schedule{First: 4}
	assert.True(t, once.Due(4))
	assert.False(t, once.Due(8))
}

// traced has a synapse trace whose time constant is the projection's
// parameter and one whose time constant is a number.
const traced = `module "t.snn"
run dt=0.0001 duration=0.001 steps=10 seed=1
param tau_x : f64 = 0.5

population a : N[2] {
  state v : f64
}

projection p : a -> a using S by all_to_all autapses=false {
  param delay : f64 = 0.0
  param tau_x : f64 = 0.02
  trace x : f64 decay tau_x
  trace y : f64 decay 0.05
}
`

// TestLinkTau checks that Link resolves a trace's time constant in its
// element's scope (the projection's tau_x shadows the module's) and that
// the verifier reports a stale or unresolvable one.
func TestLinkTau(t *testing.T) {
	m, err := Parse(traced)
	require.NoError(t, err)
	require.NoError(t, Verify(m))
	pr := m.Projections[0]
	x, y := VarNamed(pr.Vars, "x"), VarNamed(pr.Vars, "y")
	assert.Same(t, VarNamed(pr.Vars, "tau_x"), x.TauParam)
	assert.Nil(t, y.TauParam)
	tau, ok := y.TauSeconds()
	assert.True(t, ok)
	assert.Equal(t, 0.05, tau)
	_, ok = x.TauSeconds()
	assert.False(t, ok)
	assert.Contains(t, m.String(), "trace x : f64 decay tau_x\n", "the printed form keeps the name")

	x.TauParam = m.Params[0]
	err = Verify(m)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "p.x: trace's TauParam disagrees with its time constant tau_x")

	x.Tau = "nothing"
	m.Link()
	assert.Nil(t, x.TauParam)
	err = Verify(m)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "p.x: trace's time constant nothing is neither a number nor a parameter")
}
