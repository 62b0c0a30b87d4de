// Package h5 is a small HDF5 writer: just what a NIR file needs, written by
// hand because github.com/scigolib/hdf5 (v0.14.0, which snnc reads NIR files
// with) cannot write the 0-d (scalar-dataspace) datasets NIR requires for
// every node's `type` and the file's `version`, and cgo bindings to libhdf5
// are ruled out (snnc builds with no cgo).
//
// The subset written, per the HDF5 File Format Specification 3.0:
//
//   - superblock version 2 (offsets and lengths of 8 bytes, no base address,
//     no extension, no user block), checksummed with Jenkins' lookup3;
//   - version 2 object headers ("OHDR", one chunk, no times, no attributes);
//   - groups in the compact "new style": a Link Info message (no fractal
//     heap, no name index), a Group Info message and one hard-link Link
//     message per member, members in byte order of their names;
//   - datasets with a version 2 dataspace (scalar, or simple of any rank, no
//     maximum dimensions), a fill value message (version 3, late allocation,
//     written if set, none set) and contiguous layout (version 3; an empty
//     dataset has no storage, address undefined);
//   - little-endian IEEE float32 and float64, signed little-endian int32 and
//     int64, and variable-length UTF-8 strings (null-terminated padding)
//     whose bytes live in one global heap collection ("GCOL"), as h5py
//     writes Python strings, which is what NIR's reference writer produces.
//
// Not written: attributes, chunking, compression, fixed-length strings,
// unsigned integers, bools, references, dense (fractal-heap) groups. A file
// is built in memory (Group, then WriteFile) and written in one pass: raw
// data and children before the headers that point at them, the superblock
// last at offset 0.
//
// The tests check files against h5dump and h5py (outside oracles) as well as
// against scigolib/hdf5.
package h5
