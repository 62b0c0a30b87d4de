package lang

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Half exponents: the dimensions of white noise and of noise amplitudes,
// printed readably, and the annotations that declare them.
func TestHalfDimensions(t *testing.T) {
	root, ok := DimTime.Sqrt()
	require.True(t, ok)
	for _, c := range []struct {
		d    Dim
		want string
	}{
		{DimNoise, "1/s**0.5"},
		{root, "s**0.5"},
		{DimVoltage.Div(root), "V/s**0.5"},
		{DimVoltage.Mul(root), "V*s**0.5"},
		{DimFrequency.Mul(root), "1/s**0.5"},
		{DimTime.Mul(root), "s**1.5"},
		{DimVoltage, "V"}, // whole exponents print as before
		{DimVoltage.Div(DimTime), "V/s"},
	} {
		assert.Equal(t, c.want, c.d.String(), "%v", c.d)
	}
	_, ok = root.Sqrt()
	assert.False(t, ok, "the root of s**0.5 would be a quarter power")
	p, ok := DimVoltage.PowHalf(3)
	require.True(t, ok)
	assert.Equal(t, DimVoltage.Mul(DimVoltage).Mul(DimVoltage), p.Mul(p), "(V**1.5)**2 = V**3")
	e, ok := DimVoltage.Exponents()
	assert.True(t, ok)
	assert.Equal(t, [6]int8{2, 1, -3, -1, 0, 0}, e, "the runtime's whole exponents")
	_, ok = DimNoise.Exponents()
	assert.False(t, ok)

	// Annotations: sqrt(UNIT), ** 0.5 and ** -0.5 declare the same.
	_, err := (&Loader{}).Load("half.snn", []byte(`
param a: mV/sqrt(ms) = 2 mV / sqrt(ms)
param b: mV*ms**-0.5 = a
param c: s**1.5 = (1 ms)**1.5
param d: 1/sqrt(s) = (2 / (5 ms))**0.5
`))
	require.NoError(t, err)

}
