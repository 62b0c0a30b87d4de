// The .npy format's pieces that reading and writing share: Array, the
// format's constants, and a shape's element count and Python form.
// Writing is in write.go; reading in read.go, its header in header.go;
// CSV files in csv.go, and the checks before a data file is opened
// (its kind and size) in open.go.

package npy

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Array is a numeric array read from a file, in C (row-major) order.
// Data holds every element converted to float64, so callers handle one
// type whatever the file held; len(Data) is the product of Shape.
type Array struct {
	Shape []int
	Data  []float64
	// Dtype is the element type a .npy file held, as numpy names it
	// (float64, float32, int64, int32, bool, ...); "" for a CSV file.
	Dtype string
	// Columns are the names of a CSV file's header row, nil without one.
	Columns []string
}

const (
	magic = "\x93NUMPY"
	// align is numpy's ARRAY_ALIGN: the data starts at a multiple of it so
	// that numpy can memory-map the file.
	align = 64
	// growthDigits is numpy's GROWTH_AXIS_MAX_DIGITS. numpy leaves that
	// much room in the header so the first dimension can grow in place; we
	// do the same so that our files are byte-identical to numpy.save's.
	growthDigits = 21
	// maxHeader bounds the header we are willing to read. numpy itself
	// refuses headers over 10000 bytes; plain arrays need under 200.
	maxHeader = 1 << 20
	// chunk is the size of the buffer data passes through, in bytes; a
	// multiple of every item size.
	chunk = 64 << 10
	// maxExact is 2^53: every integer up to it in magnitude is exact as a
	// float64, and beyond it some are not.
	maxExact = 1 << 53
)

// elements is the product of shape, refusing negative dimensions and
// products that do not fit in an int.
func elements(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("shape %s has a negative dimension", shapeRepr(shape))
		}
		if d != 0 && n > math.MaxInt/d {
			return 0, fmt.Errorf("shape %s has too many elements", shapeRepr(shape))
		}
		n *= d
	}
	return n, nil
}

// shapeRepr prints shape as Python prints the tuple, which is what the
// header must hold: (), (n,), (r, c).
func shapeRepr(shape []int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, d := range shape {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(d))
	}
	if len(shape) == 1 {
		b.WriteByte(',')
	}
	b.WriteByte(')')
	return b.String()
}
