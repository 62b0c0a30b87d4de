// The words and frames of the core's configuration port (spec/fpga.md):
// bigWord assembles a memory word of up to maxWord bits, and
// configStream the frames of the stream memories and configuration
// (build.go) write.

package fpga

import (
	"fmt"

	"snnc/runtime/fixed"
)

// bigWord is a word of up to maxWord bits being assembled.
type bigWord struct{ b []uint64 }

func (w *bigWord) setBits(lo, n int, x uint64) {
	for i := range n {
		bit := lo + i
		for len(w.b) <= bit/64 {
			w.b = append(w.b, 0)
		}
		if x>>i&1 == 1 {
			w.b[bit/64] |= 1 << (bit % 64)
		}
	}
}

// set puts a raw value of format f at bit lo, two's complement.
func (w *bigWord) set(lo int, f fixed.Format, raw int64) {
	w.setBits(lo, int(f.Width), uint64(raw)&(1<<f.Width-1))
}

// hex is the word as width bits of hex digits, most significant first.
func (w *bigWord) hex(width int) string {
	digits := (width + 3) / 4
	out := make([]byte, digits)
	for i := range digits {
		bit := 4 * (digits - 1 - i)
		var x uint64
		if bit/64 < len(w.b) {
			x = w.b[bit/64] >> (bit % 64) & 0xF
		}
		out[i] = "0123456789abcdef"[x]
	}
	return string(out)
}

// Address spaces of the configuration port (spec/fpga.md).
const (
	spaceReg    = 0
	spaceState  = 1
	spaceParam  = 2
	spaceRef    = 3
	spaceRow    = 4
	spaceSyn    = 5
	spaceHist   = 6
	spaceCol    = 7
	spaceColIdx = 8
)

// configStream assembles configuration frames.
type configStream struct{ bytes []byte }

func (c *configStream) header(op, space byte, addr, count int) {
	c.bytes = append(c.bytes, op, space)
	c.bytes = le32(c.bytes, uint32(addr))
	c.bytes = le32(c.bytes, uint32(count))
}

// write sends words (hex strings) of n bytes each, least significant
// byte first.
func (c *configStream) write(space byte, addr int, words []string, n int) {
	if len(words) == 0 {
		return
	}
	c.header(0x01, space, addr, len(words))
	for _, w := range words {
		for i := range n {
			end := len(w) - 2*i
			var x byte
			if end > 0 {
				start := max(0, end-2)
				fmt.Sscanf(w[start:end], "%x", &x)
			}
			c.bytes = append(c.bytes, x)
		}
	}
}

func (c *configStream) run(steps int64) {
	c.bytes = append(c.bytes, 0x03)
	c.bytes = le32(c.bytes, uint32(steps))
}

// deliver runs the current step's deliveries and on_post, and stops
// before its update; a run frame goes on from there.
func (c *configStream) deliver() {
	c.bytes = append(c.bytes, 0x04)
}

// read asks for count words of n bytes; it returns the bytes that come
// back.
func (c *configStream) read(space byte, addr, count, n int) int {
	c.header(0x02, space, addr, count)
	return count * n
}

func le32(b []byte, x uint32) []byte {
	return append(b, byte(x), byte(x>>8), byte(x>>16), byte(x>>24))
}
