package nir

// TEMPORARY (part E): Write comes with part F's write.go on nir-f; this
// stand-in lets export build until then. Delete it when merging nir-f.

import "errors"

func Write(path string, g *Graph) error { return errors.New("nir.Write: not yet merged from nir-f") }
