package ir

import (
	"fmt"
	"strconv"
	"strings"
)

// TypeKind is the kind of a value's type.
type TypeKind uint8

// There is no f32 and no integer type: lowering produces f64 and bool, the
// quantize pass fixed point, and a type no pass produces would be one every
// backend must implement and no test exercises (the LLVM backend once
// emitted f32, i32 and i64 as double). Add one with the pass that needs it.
const (
	Void  TypeKind = iota // the type of instructions without a result
	F64                   // IEEE-754 binary64
	Bool                  // true or false
	Fixed                 // two's-complement fixed point with Width bits, Frac of them fractional (runtime/fixed)
)

// MaxFixedWidth is the widest fixed-point format and MaxFixedFrac the most
// fraction bits, those runtime/fixed computes with (its MaxWidth and
// MaxFrac: two products of 32-bit values fit the int64 it computes in).
// ir does not import runtime/fixed; tests/ir_test.go keeps the two equal.
const (
	MaxFixedWidth = 32
	MaxFixedFrac  = 31
)

// Type is the type of an IR value.
type Type struct {
	Kind  TypeKind
	Width uint8 // Fixed only: total bits, 2..MaxFixedWidth
	Frac  uint8 // Fixed only: fraction bits, 0..MaxFixedFrac
}

// The scalar types.
var (
	TVoid = Type{Kind: Void}
	TF64  = Type{Kind: F64}
	TBool = Type{Kind: Bool}
)

// FixedType returns the fixed-point type with width bits, frac fractional.
func FixedType(width, frac uint8) Type { return Type{Kind: Fixed, Width: width, Frac: frac} }

// IsNumeric reports whether arithmetic applies to t.
func (t Type) IsNumeric() bool { return t.Kind == F64 || t.Kind == Fixed }

func (t Type) String() string {
	switch t.Kind {
	case Void:
		return "void"
	case F64:
		return "f64"
	case Bool:
		return "bool"
	case Fixed:
		return fmt.Sprintf("fx%d.%d", t.Width, t.Frac)
	}
	return fmt.Sprintf("type(%d)", t.Kind)
}

// ParseType reads the printed form of a type.
func ParseType(s string) (Type, error) {
	switch s {
	case "void":
		return TVoid, nil
	case "f64":
		return TF64, nil
	case "bool":
		return TBool, nil
	}
	if rest, ok := strings.CutPrefix(s, "fx"); ok {
		w, f, ok := strings.Cut(rest, ".")
		wn, err1 := strconv.ParseUint(w, 10, 8)
		fn, err2 := strconv.ParseUint(f, 10, 8)
		if ok && err1 == nil && err2 == nil && wn >= 2 && wn <= MaxFixedWidth && fn <= MaxFixedFrac {
			return FixedType(uint8(wn), uint8(fn)), nil
		}
	}
	return TVoid, fmt.Errorf("unknown type %q", s)
}
