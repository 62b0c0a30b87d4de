// Package ir is snnc's intermediate representation of a spiking network
// model. The front end produces it (lang.Lower), every pass reads and
// rewrites it, and every backend (interp, llvm, fpga) reads it: nothing
// after lowering looks at the source. The package holds the types, the op
// table, the evaluator of the ops' arithmetic (Arith), a builder, the
// printer and the parser of the one text form, and the verifier; it
// imports nothing of the project. spec/ir.md is the
// reference for users and pass writers, with the kernels each element has
// and when in a time step each runs.
//
// # Two levels
//
// A [Module] holds a whole model at two levels.
//
// The dataflow graph says what exists and how it is wired: the run
// settings ([Run]: dt, duration, steps, seed), the top-level parameters,
// the populations (Size neurons of one neuron type, each variable held as
// one array over the neurons: structure of arrays) with their dendrites,
// the globals (a [Population] with Global set, Type "global" and Size 1),
// the inputs (spike sources), the projections (synapses from a population
// or input to a population or one of its dendrites, made by a
// connectivity [Rule]), the currents, the monitors (a [Monitor.Window]
// limits one to a protocol's phases) and the timed arrays ([Table], read
// by table instructions). Numbers are f64 in SI base units, as in
// spec/language.md section 2.9: 20 ms is 0.02, -70 mV is -0.07.
//
// Graph nodes refer to each other by pointer, never by name; the names
// are resolved once, by lowering (lang) or by Parse, and the printer
// writes them back from the pointers. Every node that owns kernels is a
// [Node] (its NodeName is how the text form names it: a dendrite as
// population.dendrite); a [Source] is a node whose spikes others take:
//
//	Projection.Pre       Source: the *Population or *Input it takes spikes from
//	Projection.Post      *Population it drives; Projection.Dendrite the
//	                     *Dendrite of Post it drives, nil for the soma
//	Projection.PartOf    *Projection (Rule "parts") that delivers its synapses
//	Population.Group     *Population whose storage it is part of (fuse)
//	Dendrite.Population  the *Population whose neurons have it
//	Current.Population   *Population; Current.Param the *Var it sets
//	Monitor.Target       Node: a *Population (a global too), *Input or
//	                     *Projection; Monitor.Sampled the node whose
//	                     elements are sampled (a *Dendrite for pop.d.x)
//	Var.DrivenBy         the *Current that sets the parameter every step
//	Var.TauParam         the parameter *Var a trace's time constant names
//	                     (nil for a number); Projection.Clock its TraceClock
//	Kernel.Owner         the Node whose kernel it is
//	Kernel.Spikes        an on_spike.SRC kernel's Source SRC
//
// [Module.Link] derives the back links (Dendrite.Population, Var.DrivenBy, Var.TauParam,
// every kernel's Owner, Domain, Role and Spikes) from the graph: lowering,
// Parse and the pass manager after every pass call it, so that a pass may
// add, move or remove kernels and currents without keeping them itself.
// The verifier reports a link to a node outside the module, and a derived
// link that disagrees with the graph.
//
// A kernel's [Domain] is what its index i ranges over, and so what a plain
// name reaches; its [Role] (from its name) is what it is for and when in a
// step it runs:
//
//	DomainNeuron    a population's kernels, and a current's value kernel
//	DomainSegment   a dendrite's (per segment of an array, else per neuron)
//	DomainSynapse   a projection's
//	DomainGlobal    a global's (run once, or once per spike for on_spike)
//	DomainSource    an input's rate kernel
//	(a monitor's value kernel runs in the domain of the node it samples)
//
//	RoleInit, RolePrepare, RoleUpdate, RoleThreshold, RoleReset,
//	RoleRefractory, RoleStep (update, threshold and reset fused), RoleOnPre,
//	RoleOnPost, RoleRate, RoleValue, RoleOnSpike (on_spike.SRC), RoleSummed,
//	RoleSchedule (sched.ORDER.FIRST.PERIOD: scheduled code, see [Schedule]),
//	RoleConnect (connect.PART: which synapses a projection makes, [ConnectParts])
//
// The kernels say what each element computes. A [Kernel] is a function
// run per element (neuron, dendrite segment, synapse, source) or once (a
// global), in SSA form: a list of blocks ([Block]), the first being the
// entry; every block has parameters ([BlockParam]) where other SSA forms have
// phis, then instructions, and exactly one terminator (br, condbr or ret)
// at its end. A branch passes one argument per parameter of the block it
// jumps to. Every value (an instruction's result or a block parameter) is
// defined once and printed as %N, numbered from 0 in program order within
// its kernel by [Kernel.Number]; blocks are printed as bN, by position.
// Kernels reach the variables through names (param, load, loadseg, store,
// storeseg, and ode before discretisation). The names are resolved in one
// place, the scope of the kernel's owner, by [Module.Link]: each access's
// Aux becomes a [Ref] with the [Var] it reaches and which element's value
// ([Index]), and each trace's TauParam the parameter its time constant
// names. Passes and backends read the Refs and never look a name up; a
// pass that adds an access to a variable it holds gives it a resolved Ref
// ([Own], [Builder.Load], [Builder.StoreRef]), and one that makes an
// access by its bare name leaves it to Link at the pass's end.
//
// # Node kinds
//
// Graph nodes:
//
//	Module       the whole model: Source, Run, Params (top-level parameters),
//	             Populations (globals included), Inputs, Projections,
//	             Currents, Monitors
//	Run          dt, duration (seconds), steps = round(duration/dt), seed
//	Var          a variable of an element, or a top-level parameter
//	Population   Size neurons of neuron type Type: Vars, Dendrites, Kernels;
//	             with Global set, the one instance of a global
//	Dendrite     a compartment of every neuron of a population or, with
//	             Array, Count identical segments: Vars, Kernels
//	Input        Size spike sources: poisson (a rate kernel, or Rates in Hz
//	             changing every Period) or spikes (Times); either may read File
//	SpikeTime    one spike of a spikes input: source index and time
//	Projection   synapses of type Synapse from Pre to Post (or its Dendrite),
//	             made by Rule: Vars per synapse (always delay; segment onto a
//	             dendrite array), Kernels
//	Rule         all_to_all, one_to_one, fixed_probability (P),
//	             fixed_indegree or fixed_outdegree (K), pairs (Pairs or
//	             File), generate (K the step, Skip); Autapses; a condition,
//	             a probability of the pair and a generator's parts are the
//	             projection's connect.* kernels (connect.go)
//	Current      sets parameter Param of every neuron of Population at the
//	             start of every step, from its value kernel
//	Monitor      records the spikes of a population or input, or variable
//	             Var of a population, dendrite, projection or global; Ranges
//	             of element indices [lo, hi), every Every steps
//
// Kernel nodes:
//
//	Kernel       a named function with a Result type (TVoid for none):
//	             Blocks, the first the entry, and Notes (comments a pass
//	             attaches; printed, not executed); Owner, Domain, Role and
//	             Spikes, where it sits in the graph (Module.Link sets them)
//	Block        Params, Instrs, one terminator at the end
//	BlockParam   a block's parameter, the SSA form of a phi; a Value
//	Instr        an Op applied to Args with a result type Typ (TVoid for
//	             none), an Aux attribute, branch Targets and a source Pos;
//	             a Value when it has a result
//	Target       a branch destination: a block and one argument per parameter
//	Value        what an operand can be: an Instr with a result, or a
//	             BlockParam
//	Ref          the attribute of param, load, store, loadseg and storeseg:
//	             the name as printed, the Var it reaches and which element's
//	             value (Index), or the dendrite array (SegmentArray)
//	RandAux      a rand's attribute: distribution and stream number
//	ODEAux       an ode's attribute: variable, method hint, unless_refractory
//	Dither       a convert's attribute where it rounds by a random offset
//	Op, OpInfo   an operation and its row of the op table
//	Math         the math functions the ops are defined with, handed to
//	             Arith (runtime/mathfn.Lib)
//	Type         a value's type
//	Pos          a source position, kept for diagnostics; not printed
//	Builder      appends instructions to a kernel's current block
//
// Instr.Operands returns pointers to every operand slot, branch arguments
// included, so that a pass rewrites uses in place.
//
// # Kernels of each element
//
// Lowering gives each element the kernels below (a kernel is absent when
// the source has nothing for it: update without ODEs, threshold without a
// threshold, and so on). Names and result types:
//
//	population   init, prepare, update, threshold : bool, reset, refractory : f64
//	dendrite     init, prepare, update, threshold : bool, reset (per segment of an array)
//	global       init, update, on_spike.SRC (once per spike of SRC)
//	projection   init, prepare, on_pre, on_post, update, summed (per synapse)
//	input        rate : f64 (per source of a poisson input with a constant rate)
//	current      value : f64 (per neuron of the driven population)
//
// init sets the per-element parameters and the initial state; update holds
// one ode instruction per ODE; summed adds each synapse's contribution
// into its post neuron's summed variables (SummedTargets), which every
// backend sets to 0 before it runs; refractory returns the refractory period in
// seconds; rate returns a rate in Hz; value returns the driven parameter's
// new value. spec/ir.md ties each kernel to the steps of a time step.
//
// A kernel names variables as its element sees them: its own by plain name
// (v), a dendrite's as dendrite.x, a global's as global.x, top-level
// parameters by name, and in projection kernels the neurons' as pre.x and
// post.x. A dendrite's kernels see their neuron's variables by plain name
// too; a projection onto a dendrite sees the dendrite's as post.x (for an
// array, those of the synapse's segment). Otherwise a dendrite array's
// state is read only with loadseg, in a loop over its segments.
//
// # Types
//
//	f64     IEEE-754 binary64; every number lowering produces
//	bool    true or false: conditions, threshold results
//	fxW.F   two's-complement fixed point of W bits (2..MaxFixedWidth),
//	        F of them fractional (0..MaxFixedFrac): fx16.8 holds n/256
//	        for n in [-2^15, 2^15); the quantize pass makes them
//	void    the "type" of instructions without a result; never printed
//
// There is no f32 and no integer type: no pass produces one, and a type
// is added with the pass that needs it and every backend's support.
//
// # Variables
//
// A [Var] is a parameter, a state variable or a trace ([VarKind]). Printed:
//
//	param tau_m : f64 = 0.02          uniform: one compile-time value, Value
//	param delay : f64 per_element     one value per element, stored by init
//	runtime param i_ext : f64 = 0.0   a parameter --set may change without
//	                                  recompiling
//	state v : f64                     one value per element, changed by kernels
//	trace a_pre : f64 decay 0.02      a state that decays exponentially towards
//	                                  0 with time constant Tau (a number or a
//	                                  parameter name), brought up to date when
//	                                  read; events change it, no ODE does
//
// Parameters are fixed during a run: only init kernels store them, and
// only per-element ones. The exception is a parameter a current drives:
// the current's value kernel sets it, per neuron, at the start of every
// step.
//
// # Ops
//
// Every op is one row of opTable: printed name, operand count, branch
// targets, result rule, flags, aux kind, what it computes on fixed point,
// and a one-line doc with an example of its printed form. The verifier
// checks each instruction against its row; the printer and the parser
// write and read its attribute (Instr.Aux) through the aux kind's one
// syntax (aux.go: a constant, a name, an index, a rand's distribution and
// stream, an ode's variable and method, tracedecay's time constant,
// convert's dither); the passes read the flags. Adding an op is one row,
// plus one aux kind if its attribute is new. Arith and Compare compute
// the arithmetic and comparison ops on f64 as every backend does, with
// the math library handed in ([Math]; runtime/mathfn.Lib).
//
// Below, args is the operand count (n: varies; rand takes two operands
// for uniform and normal, one for exponential; ret none or one), +Nb the
// number of branch targets; result is attr (the type written on the
// instruction), same (the operands' type, which must be numeric), bool,
// sel (select: the type of its second and third operands) or - (none);
// flags are C (commutative), T (terminator) and S (side effect: kept by
// dead-code elimination); fixed says what the op computes where an
// operand or its result is fixed point (runtime/fixed's functions, which
// every backend follows bit for bit), and an op without it is not defined
// on fixed point: the verifier refuses it. Fixed-point operands of
// arithmetic and comparisons may have any formats. TestDocListsEveryOp
// keeps this list equal to the table.
//
//	op         args result flags what it computes
//	                             example printed form
//	                             fixed: what it computes on fixed point, where allowed
//
//	const      0    attr   -     a constant
//	                             %0 = const 0.02 : f64
//	                             fixed: the number rounded into the format: to nearest, ties away from zero, saturating (fixed.Format.FromFloat)
//	param      0    attr   -     a parameter's value for this element
//	                             %1 = param tau_m : f64
//	load       0    attr   -     a state variable's current value: earlier stores of the kernel included
//	                             %2 = load v : f64
//	                             fixed: the raw value, as it is
//	loadseg    1    attr   -     a variable of the segment given by the operand, of a dendrite array
//	                             %3 = loadseg distal.u, %2 : f64
//	                             fixed: the raw value, as it is (the segment is an f64)
//	store      1    -      S     writes a state variable
//	                             store post.ge, %3
//	                             fixed: the raw value, as it is
//	storeseg   2    -      S     writes a variable of the segment given by the first operand, of a dendrite array (a fused step kernel's dendrites)
//	                             storeseg distal.u, %2, %3
//	                             fixed: the raw value, as it is (the segment is an f64)
//	time       0    attr   -     the time at the start of the step, in seconds
//	                             %4 = time : f64
//	index      0    attr   -     the element's index: i, or j (post index) in connect kernels
//	                             %5 = index i : f64
//	refractory 0    bool   -     true while the neuron is refractory
//	                             %6 = refractory : bool
//	startref   2    -      S     if the condition holds, the neuron is refractory for the period in seconds from the next step: in the steps m > k with m - k < round(period / dt), when that is more than one step (a fused step kernel's reset; language.md section 6)
//	                             startref %9, %10
//	rand       n    attr   -     a draw from a distribution (uniform lo hi, normal mean std, exponential mean) on a counter-based stream
//	                             %7 = rand uniform stream=3 %1, %2 : f64
//	table      n    attr   -     the value of the module's timed array (Table) at the time given by the first operand, in the column given by the second (a two-dimensional table): Table.At, Brian2's TimedArray
//	                             %7 = table stim, %4 : f64
//	data       0    attr   -     the element's value of the module's data array (Data, a model's load(FILE)): the neuron's (index i), the synapse's (its index in synapse order), or the entry [j, i] of a (post, pre) matrix, as the array's By says
//	                             %7 = data thr : f64
//
//	neg        1    same   -     -x
//	                             %8 = neg %2 : f64
//	                             fixed: computed exactly, then rounded into the result's format: to nearest, ties away from zero, saturating (fixed.Neg: -min saturates to max)
//	add        2    same   C     x + y, IEEE round to nearest
//	                             %9 = add %2, %8 : f64
//	                             fixed: computed exactly, then rounded into the result's format: to nearest, ties away from zero, saturating (fixed.Add)
//	sub        2    same   -     x - y
//	                             %9 = sub %2, %8 : f64
//	                             fixed: computed exactly, then rounded into the result's format: to nearest, ties away from zero, saturating (fixed.Sub)
//	mul        2    same   C     x * y
//	                             %9 = mul %2, %8 : f64
//	                             fixed: computed exactly, then rounded into the result's format: to nearest, ties away from zero, saturating (fixed.Mul)
//	div        2    same   -     x / y
//	                             %9 = div %2, %1 : f64
//	                             fixed: computed exactly, then rounded into the result's format: to nearest, ties away from zero, saturating (fixed.Div)
//	rem        2    same   -     x - y * trunc(x / y), the sign of x (Go's math.Mod, C's fmod)
//	                             %9 = rem %2, %1 : f64
//	min        2    same   C     the smaller of x and y
//	                             %9 = min %2, %1 : f64
//	                             fixed: the smaller operand by an exact comparison (fixed.Cmp), converted into the result's format (fixed.Convert)
//	max        2    same   C     the larger of x and y
//	                             %9 = max %2, %1 : f64
//	                             fixed: the larger operand by an exact comparison (fixed.Cmp), converted into the result's format (fixed.Convert)
//
//	exp        1    same   -     e**x
//	                             %9 = exp %8 : f64
//	log        1    same   -     natural logarithm
//	                             %9 = log %8 : f64
//	log10      1    same   -     base-10 logarithm
//	                             %9 = log10 %8 : f64
//	sqrt       1    same   -     square root
//	                             %9 = sqrt %8 : f64
//	sin        1    same   -     sine
//	                             %9 = sin %8 : f64
//	cos        1    same   -     cosine
//	                             %9 = cos %8 : f64
//	tanh       1    same   -     hyperbolic tangent
//	                             %9 = tanh %8 : f64
//	exprel     1    same   -     (e**x - 1)/x, 1 at x = 0, +Inf where e**x - 1 overflows (Brian2's exprel)
//	                             %9 = exprel %8 : f64
//	pow        2    same   -     x**y
//	                             %9 = pow %2, %8 : f64
//	abs        1    same   -     |x|
//	                             %9 = abs %8 : f64
//	                             fixed: computed exactly, then rounded into the result's format: to nearest, ties away from zero, saturating (fixed.Abs: the magnitude of min saturates to max)
//	floor      1    same   -     largest integer not above x
//	                             %9 = floor %8 : f64
//	ceil       1    same   -     smallest integer not below x
//	                             %9 = ceil %8 : f64
//	sign       1    same   -     -1, 0 or 1
//	                             %9 = sign %8 : f64
//
//	lt         2    bool   -     x < y
//	                             %9 = lt %2, %1 : bool
//	                             fixed: compared exactly, whatever the formats (fixed.Cmp)
//	le         2    bool   -     x <= y
//	                             %9 = le %2, %1 : bool
//	                             fixed: compared exactly, whatever the formats (fixed.Cmp)
//	gt         2    bool   -     x > y
//	                             %9 = gt %2, %1 : bool
//	                             fixed: compared exactly, whatever the formats (fixed.Cmp)
//	ge         2    bool   -     x >= y
//	                             %9 = ge %2, %1 : bool
//	                             fixed: compared exactly, whatever the formats (fixed.Cmp)
//	eq         2    bool   C     x == y
//	                             %9 = eq %2, %1 : bool
//	                             fixed: compared exactly, whatever the formats (fixed.Cmp)
//	ne         2    bool   C     x != y
//	                             %9 = ne %2, %1 : bool
//	                             fixed: compared exactly, whatever the formats (fixed.Cmp)
//	and        2    bool   C     both conditions
//	                             %9 = and %6, %7 : bool
//	or         2    bool   C     either condition
//	                             %9 = or %6, %7 : bool
//	not        1    bool   -     the negated condition
//	                             %9 = not %6 : bool
//	select     3    sel    -     y if c else z, both evaluated
//	                             %9 = select %6, %2, %1 : f64
//	                             fixed: the raw value, as it is (both values of one format)
//
//	convert    1    attr   -     converts between numeric types (to fixed point: round to nearest, ties away from zero, saturating; with dither stream=N [segments=C], between fixed formats, rounds by a random offset: Dither)
//	                             %9 = convert %2 dither stream=1073741824 : fx16.14
//	                             fixed: from f64: fixed.Format.FromFloat; to f64: the exact value (fixed.Format.Float); between formats: fixed.Convert, or with dither fixed.ConvertDither with the draw Dither.Key names
//	tracedecay 1    attr   -     exp(-n dt / tau) for a trace last brought up to date at time %tlast, n = round((t - tlast) / dt) whole steps, rounded into the result's fixed-point format (a quantized synapse's trace decay)
//	                             %4 = tracedecay %3, 0.02 : fx16.15
//	                             fixed: a fixed-point result only, from an f64 time (fixed.TraceDecay)
//
//	ode        1    -      S     dX/dt = the operand, for the ODE pass to discretise
//	                             ode v, %9 method=exact unless_refractory
//	noise      0    attr   -     standard white noise xi (dimension s**-0.5) in the right side of an ode, only before discretisation: the ode pass replaces it by a normal draw per element and step on the stream, scaled by the step's variance (passes/ode_noise.go); xi names one noise per equation, xi_NAME one per element
//	                             %7 = noise xi_a stream=3 : f64
//
//	br         0+1b -      T     jumps to a block, passing its arguments
//	                             br b1(%2, %9)
//	condbr     1+2b -      T     jumps to the first block if the condition holds, else to the second
//	                             condbr %6, b1(), b2(%2)
//	ret        n    -      T     ends the kernel, returning a value if the kernel has a result
//	                             ret %6
//
// A load reads the variable's current value: its value at the start of the
// kernel, or the value last stored to it earlier in the same run of the
// kernel (lowering forwards a store to later reads in its block, and loads
// again after a join, where the store must be seen). A loadseg reads
// segment %idx of a dendrite array, idx being an f64 from 0 to Count-1.
// Lowering produces index with type f64, as it does every number. A rand
// draws from a counter-based generator keyed by (seed, stream, step,
// element index); stream numbers are unique per draw site in the module,
// so no two draws share state. Floating-point ops round to nearest (IEEE
// 754) in the order the instructions give, without fused multiply-add or
// fast-math; transcendental functions use one snnc implementation in every
// backend. An ode instruction does not change its variable: the ode
// instructions of a kernel state the ODE system for the discretisation
// pass, which replaces them before any backend sees the module.
//
// # Text form
//
// [Print] (and [Module.String]) writes one deterministic text form, used
// for `snnc ir` dumps, golden files and hand-written tests; [Parse] reads
// it back, and Parse(Print(m)) prints the same bytes as m. Print numbers
// every kernel first ([Kernel.Number]). Numbers are printed by
// [FormatFloat], the shortest form that reads back to the same float64
// (with ".0" added to whole numbers; inf, -inf, nan). Source positions,
// the Value of a per-element parameter and attributes a rule or monitor
// does not use are not printed. A kernel of the lowered CUBA model:
//
//	projection ee : exc -> exc using Excitatory by fixed_probability p=0.02 autapses=true {
//	  param w : f64 = 0.0016200000000000003
//	  param delay : f64 = 0.0
//	  kernel on_pre {
//	  b0:
//	    %0 = param w : f64
//	    %1 = load post.ge : f64
//	    %2 = add %1, %0 : f64
//	    store post.ge, %2
//	    ret
//	  }
//	}
//
// A block with parameters, from a sum over the segments of a dendrite array:
//
//	b1(%10: f64, %11: f64):
//	  %12 = lt %10, %7 : bool
//	  condbr %12, b2(), b3()
//	b2:
//	  %13 = loadseg distal.plateau, %10 : f64
//	  ...
//	  %21 = add %10, %20 : f64
//	  br b1(%21, %19)
//
// Parse ignores indentation, blank lines and lines starting with ";". It
// renumbers values and blocks, so hand-written text needs only unique
// names; a block may be named before its header, but a value must be
// defined above every use in the text. A module whose block order puts a
// use above its definition verifies but does not read back: keep blocks
// in an order where definitions come first (lowering does).
//
// # Verifier
//
// [Verify] checks a module and returns every problem found, one per line,
// each naming the element, the kernel, the block and the instruction:
//
//   - a projection's post population, and the dendrite it names, exist; a
//     current's population and parameter exist;
//   - every kernel has a block, and every block ends with exactly one
//     terminator, with none in the middle;
//   - every operand is defined in the kernel, before its use in the same
//     block, or in a block that dominates the use's block (branch arguments
//     count as uses in the branching block);
//   - the op is valid and has as many operands and branch targets as
//     opTable says, and its result follows the table's result rule: none,
//     bool, the operands' numeric type, select's bool condition and
//     matching values, or a written type;
//   - its attribute is what the op's aux kind holds (a const a number of a
//     numeric type or a bool of type bool, tracedecay a positive time
//     constant, a dithered convert fixed-point types, none for ops
//     without one);
//   - fixed point only where the table defines the op on it;
//   - comparisons compare values of one type, or fixed point of any
//     formats; and, or and not take bools;
//   - param names a parameter in the kernel's scope; load and store name a
//     variable in scope (a store into a parameter only in init, and only a
//     per-element one; a store of the variable's type); loadseg names a
//     dendrite-array variable; index names i, or j in projection kernels;
//   - rand has a known distribution and its number of operands; ode names a
//     state variable (not a trace);
//   - a branch jumps to a block of its own kernel with one argument of the
//     right type per parameter; condbr has one bool condition; ret returns
//     nothing from a kernel without a result, else one value of its type.
//
// The verifier runs after every pass in tests and behind a debug flag.
package ir
