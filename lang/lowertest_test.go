package lang

import (
	"fmt"
	"testing"

	"snnc/ir"
)

func TestLowerPrint(t *testing.T) {
	for _, f := range []string{"../examples/cuba.snn", "../examples/dendrites.snn", "../examples/rstdp.snn", "../examples/connectivity.snn", "../examples/alif.snn", "../examples/ltc.snn", "../examples/oja.snn", "../examples/softwta.snn", "../examples/izhikevich.snn", "../examples/stdp_song2000.snn", "../examples/symmetric_stdp.snn", "../examples/homeostasis.snn", "../examples/lif_current.snn"} {
		prog, err := LoadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m := Lower(prog)
		s := m.String()
		if false {
			fmt.Println(s)
		}
		if err := ir.Verify(m); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		m2, err := ir.Parse(s)
		if err != nil {
			t.Fatalf("%s: parse: %v", f, err)
		}
		if s2 := m2.String(); s2 != s {
			t.Errorf("%s: round trip differs", f)
		}
	}
}
