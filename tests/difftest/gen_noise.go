package difftest

import "fmt"

// noiseTerms returns white-noise terms (issue 19) to add to a generated
// neuron's dv/dt and dge/dt, or "": plain xi on v, sometimes a noise xi_c
// shared by both equations. Not with a coupled dendrite (allowed is false):
// the compartments' joint integration is another path. Its draws come
// from g.noiseR, so the rest of the model is the one the seed always gave.
func (g *gen) noiseTerms(allowed bool) (v, ge string) {
	r := g.noiseR
	if !allowed || r.Float64() >= 0.3 {
		return "", ""
	}
	amp := func(lo, hi float64) string { return fmt.Sprintf("%.3g", lo+r.Float64()*(hi-lo)) }
	v = fmt.Sprintf(" + %s mV/sqrt(ms) * xi", amp(0.2, 1.5))
	if r.Float64() < 0.5 {
		v += fmt.Sprintf(" + xi_c * %s mV * ms**-0.5", amp(0.1, 0.5))
		ge = fmt.Sprintf(" + %s mV / sqrt(ms) * xi_c", amp(0.05, 0.3))
	}
	return v, ge
}
