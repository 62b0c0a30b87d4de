package tests

import (
	"path/filepath"
	"testing"

	"snnc/lang"
)

// TestExamplesCheck checks that every example model is accepted.
func TestExamplesCheck(t *testing.T) {
	files, err := filepath.Glob("../examples/*.snn")
	if err != nil {
		t.Fatal(err)
	}
	required := []string{"cuba", "lif_current", "izhikevich", "stdp_song2000", "rstdp", "dendrites",
		"alif", "ltc", "homeostasis", "oja", "brunel_hakim1999", "gap_junctions", "tsodyks_markram",
		"nmda", "vogels2011", "reliability", "pop_rate", "cobahh", "synfire"}
	have := map[string]bool{}
	for _, f := range files {
		name := filepath.Base(f)
		have[name[:len(name)-len(".snn")]] = true
		t.Run(name, func(t *testing.T) {
			if _, err := lang.LoadFile(f); err != nil {
				for _, d := range err.(lang.ErrorList) {
					t.Error(d.Error())
				}
			}
		})
	}
	for _, r := range required {
		if !have[r] {
			t.Errorf("examples/%s.snn is missing", r)
		}
	}
}
