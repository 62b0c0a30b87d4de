package ir

import (
	"crypto/sha256"
	"encoding/hex"
)

// Fingerprint returns the text a checkpoint compares models by (spec/
// runtime.md, "Checkpoint and resume"): the module's text form without
// its source's name and its run's duration, steps and seed, which a
// resumed run may have its own of (the seed is compared by itself), and
// with data arrays, tables and pairs lists as their values' SHA-256 (a
// model's data may be 10^8 numbers, and the native executable holds the
// text); and the text's SHA-256 in hex. Every backend's checkpoint holds both.
func (m *Module) Fingerprint() (sum, text string) {
	mm := *m
	mm.Source = ""
	mm.Run.Duration, mm.Run.Steps, mm.Run.Seed = 0, 0, 0
	pr := &printer{digest: true}
	pr.module(&mm)
	text = pr.b.String()
	h := sha256.Sum256([]byte(text))
	return hex.EncodeToString(h[:]), text
}
