package ir

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The fingerprint's text holds data arrays, tables and pairs lists by
// their digest, so that a native executable can hold it whatever the
// data's size, and still tells two models apart by one value's bits.
func TestFingerprintDigestsData(t *testing.T) {
	mk := func(x float64) *Module {
		vals := make([]float64, 10000)
		for n := range vals {
			vals[n] = float64(n) / 7
		}
		vals[1234] = x
		return &Module{
			Run:    Run{Dt: 1e-4, Duration: 1, Steps: 10000, Seed: 5},
			Data:   []*Data{{Name: "w", By: DataBySynapse, File: "w.npy", Values: vals}},
			Tables: []*Table{{Name: "stim", Dt: 1e-3, K: 1, Rows: 3, Cols: 1, Values: []float64{1, 2, x}}},
		}
	}
	sum1, text1 := mk(0.5).Fingerprint()
	sum2, text2 := mk(0.5).Fingerprint()
	require.Equal(t, sum1, sum2)
	require.Equal(t, text1, text2)
	require.Less(t, len(text1), 1000, "the values are not in the text")
	require.Contains(t, text1, "values=sha256:")
	require.NotContains(t, text1, FormatFloat(1233.0/7))

	// One value's last bit tell the models apart.
	sum3, text3 := mk(0.5000000000000001).Fingerprint()
	require.NotEqual(t, sum1, sum3)
	require.NotEqual(t, text1, text3)
	// The printed module itself keeps every value.
	require.True(t, strings.Contains(mk(0.5).String(), FormatFloat(1233.0/7)))
}
