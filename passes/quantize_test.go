package passes

const qsrc = `module "t.snn"
run dt=0.0001 duration=1.0 steps=10000 seed=1

population p : N[2] {
  param w : f64 = 0.05
  state v : f64
  kernel init {
  b0:
    %0 = const 0.25 : f64
    store v, %0
    ret
  }
  kernel update {
  b0:
    %0 = load v : f64
    %1 = const 0.99 : f64
    %2 = mul %1, %0 : f64
    %3 = param w : f64
    %4 = add %2, %3 : f64
    %5 = exp %0 : f64
    %6 = const 0.0 : f64
    %7 = mul %5, %6 : f64
    %8 = add %4, %7 : f64
    store v, %8
    ret
  }
  kernel threshold : bool {
  b0:
    %0 = load v : f64
    %1 = const 1.0 : f64
    %2 = gt %0, %1 : bool
    ret %2
  }
  kernel reset {
  b0:
    %0 = const 0.0 : f64
    store v, %0
    ret
  }
}
`
