// Package nir reads and writes NIR files (Neuromorphic Intermediate
// Representation, github.com/neuromorphs/NIR) and maps them to and from snnc
// models.
//
// The file layer, in its own files:
//
//	graph.go   the graph model every other part codes against: Graph, Node,
//	           Edge, Value, exactly the content of a NIR file and nothing
//	           snnc-specific, so that read -> write keeps a file's meaning
//	read.go    Read: an HDF5 file to a Graph, with github.com/scigolib/hdf5
//	write.go   Write: a Graph to the HDF5 layout the reference reader
//	           (Python nir 1.0.x) expects, with the hand-written writer in h5/
//
// Export (export.go): Export maps a checked program, with its network as
// built (Built: the interpreter's values before step 0, which
// driver.ExportNIR supplies), to a Graph: populations whose equations are
// linear of the LIF/CubaLIF/LI/CubaLI/IF/I forms, projections as Linear (and
// Delay), inputs and monitors as Input and Output; everything else is a
// positioned diagnostic naming the construct (spec/nir.md, Export).
//
// A NIR file is HDF5: /version is a 0-d string; /node is the top graph, a
// group holding `type` (the 0-d string "NIRGraph"), `edges` (an (E, 2) string
// array, or an empty float64 array of shape (0,) when there are no edges),
// `nodes/<name>/` (one group per node: a 0-d `type` string and one dataset per
// field, a nested NIRGraph having the same layout as /node), and optionally
// `metadata/`. NIR is continuous time and stores no dt.
package nir
