package ir

import (
	"fmt"
	"strconv"
	"strings"

	"snnc/runtime/fixed"
)

// TypeKind is the kind of a value's type.
type TypeKind uint8

const (
	Void TypeKind = iota // the type of instructions without a result
	F64
	F32
	I32
	I64
	Bool
	Fixed // two's-complement fixed point with Width bits, Frac of them fractional (runtime/fixed)
)

// Type is the type of an IR value.
type Type struct {
	Kind  TypeKind
	Width uint8 // Fixed only: total bits, 2..32
	Frac  uint8 // Fixed only: fraction bits, 0..31
}

// Format is a fixed type's format, for runtime/fixed.
func (t Type) Format() fixed.Format { return fixed.Format{Width: t.Width, Frac: t.Frac} }

// The scalar types.
var (
	TVoid = Type{Kind: Void}
	TF64  = Type{Kind: F64}
	TF32  = Type{Kind: F32}
	TI32  = Type{Kind: I32}
	TI64  = Type{Kind: I64}
	TBool = Type{Kind: Bool}
)

// FixedType returns the fixed-point type with width bits, frac fractional.
func FixedType(width, frac uint8) Type { return Type{Kind: Fixed, Width: width, Frac: frac} }

// IsFloat reports whether t is f64 or f32.
func (t Type) IsFloat() bool { return t.Kind == F64 || t.Kind == F32 }

// IsNumeric reports whether arithmetic applies to t.
func (t Type) IsNumeric() bool { return t.Kind >= F64 && t.Kind <= I64 || t.Kind == Fixed }

func (t Type) String() string {
	switch t.Kind {
	case Void:
		return "void"
	case F64:
		return "f64"
	case F32:
		return "f32"
	case I32:
		return "i32"
	case I64:
		return "i64"
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
	case "f32":
		return TF32, nil
	case "i32":
		return TI32, nil
	case "i64":
		return TI64, nil
	case "bool":
		return TBool, nil
	}
	if rest, ok := strings.CutPrefix(s, "fx"); ok {
		w, f, ok := strings.Cut(rest, ".")
		wn, err1 := strconv.ParseUint(w, 10, 8)
		fn, err2 := strconv.ParseUint(f, 10, 8)
		if ok && err1 == nil && err2 == nil && wn >= 2 && wn <= fixed.MaxWidth && fn <= fixed.MaxFrac {
			return FixedType(uint8(wn), uint8(fn)), nil
		}
	}
	return TVoid, fmt.Errorf("unknown type %q", s)
}
