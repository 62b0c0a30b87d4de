// Package tests holds snnc's end-to-end tests: the bad-model corpus in
// errors/ (each file carries its expected diagnostics as // ERROR "regexp"
// comments on the offending lines), the examples, and the grammar file.
package tests
