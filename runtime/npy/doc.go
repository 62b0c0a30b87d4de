// Package npy moves arrays between snnc and the files users handle in
// Python. Simulation outputs (spike times and indices, sampled state) are
// written as NumPy .npy files so that numpy.load reads them with no help
// from snnc; model data (Poisson rates over time, spike times as (index,
// time) rows, connection pairs as (pre, post) rows) is read from .npy or
// from CSV, since that is what people have at hand.
//
// # Writing
//
// [WriteFloat64], [WriteInt32] and [WriteInt64] write format version 1.0
// with dtype '<f8', '<i4' or '<i8', C order, little-endian. The header is
// laid out exactly as numpy.save lays it out (sorted keys, room for the
// first dimension to grow, space padding and a newline ending at a
// multiple of 64 bytes), so the files are byte-identical to numpy's and
// a given array always gives the same bytes. The ...File variants write a
// temporary file in the target directory, sync it and rename it over the
// target, so that a crash leaves the old file or the new one, never part
// of one.
//
// # Reading .npy
//
// [Read] and [ReadFile] accept format versions 1.0, 2.0 and 3.0 and the
// dtypes f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 in either byte order and
// b1 (bool, read as 0 and 1). Every value is converted to float64 in the
// returned [Array], which is always in C order: fortran_order True arrays
// of any rank are reordered. A descr with native ('=') or unstated byte
// order is taken as little-endian. A 64-bit integer beyond 2^53 in
// magnitude is an error, since float64 could not hold it exactly and
// neuron indices or counts must not silently change. NaN and Inf in float
// data are passed through: a .npy file is read faithfully, including
// snnc's own outputs, and the caller checks ranges anyway.
//
// Refused, with an error that names the dtype: complex, half and extended
// precision floats, strings, Python objects, raw bytes, dates and
// structured (record) arrays; .npz archives, other versions and anything
// else that is not a .npy file. Files come from users and may be corrupt,
// so the header is parsed as a Python literal by hand (keys in any order,
// any spacing, trailing commas) and checked before any data is read: a
// shape whose element count overflows, or that disagrees with the size of
// the file, is an error rather than an allocation of the claimed size. Read
// cannot know the length of a stream, so it grows its result only as data
// arrives and fails when the data ends early; ReadFile checks the length
// first. Either refuses bytes after the data, which mean a corrupt file or
// several arrays in one.
//
// # Reading CSV
//
// [ReadCSV] and [ReadCSVFile] read rows of comma-separated numbers into
// an Array of shape [rows, columns]. Spaces and tabs around fields are
// ignored; blank lines and lines starting with '#' are skipped; the first
// other row is a header of column names, and skipped, when none of its
// fields is a number. Every row, the header included, must have the same
// number of columns. Numbers are parsed with strconv.ParseFloat; NaN and
// Inf are refused, because in hand-made data they are mistakes rather than
// values a simulation can use. Quoting is not supported: numeric data has
// no use for it. Errors have the form name:line:column: message, with the
// 1-based line and the byte column of the field at fault.
package npy
