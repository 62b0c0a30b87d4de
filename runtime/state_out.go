package runtime

// The final state of a run, written into OUT/state/ (spec/runtime.md,
// "The final state"): what a user reads to continue an analysis where
// the run ended, and what a plasticity run's weights are at its end.

import (
	"os"
	"path/filepath"
	"strings"

	"snnc/runtime/npy"
)

// StateDir is the folder of OUT that holds the final state.
const StateDir = "state"

// FinalArray is one file of the final state, state/NAME.npy: float64
// values (F64) or int32 indices (I32), C order, of Shape.
type FinalArray struct {
	// Name is the file's name in state/ without .npy: POP.VAR,
	// POP.DENDRITE.VAR, PROJ.VAR, PROJ.pre or PROJ.post.
	Name  string
	Shape []int
	F64   []float64
	I32   []int32
}

// FinalName reports whether a variable's name is one the final state
// holds: a name the model gave, not one the compiler made for itself
// (decay.v.v, trace.tlast, param.c3, sum.exc.v), all of which have a dot,
// which no name in the language has.
func FinalName(name string) bool { return !strings.Contains(name, ".") }

// FinalValue is the value a float64 final-state file holds for x: x, or
// CanonicalNaN for any NaN, as the monitors record it.
func FinalValue(x float64) float64 { return canonical(x) }

// writeFinal writes the final state's files into dir/state, listing each
// in sum.Files as state/NAME.npy.
func writeFinal(dir string, final []FinalArray, write func(name string, f func(path string) error) error) error {
	if len(final) == 0 {
		return nil
	}
	if err := os.MkdirAll(filepath.Join(dir, StateDir), 0o755); err != nil {
		return err
	}
	for _, a := range final {
		if err := write(StateDir+"/"+a.Name+".npy", func(p string) error {
			if a.I32 != nil {
				return npy.WriteInt32File(p, a.Shape, a.I32)
			}
			return npy.WriteFloat64File(p, a.Shape, a.F64)
		}); err != nil {
			return err
		}
	}
	return nil
}

// staleStateName reports whether a name a summary lists is a final
// state's file RemoveStale may remove: state/ and a plain name ending in
// .npy.
func staleStateName(name string) bool {
	rest, ok := strings.CutPrefix(name, StateDir+"/")
	return ok && StaleName(rest)
}
