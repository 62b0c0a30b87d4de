// Package lang is snnc's front end: it turns .snn source into a checked
// Program, or into diagnostics that say what is wrong, where, and what to do.
//
// The stages, each in its own file:
//
//	lexer.go        source bytes -> tokens; numbers take a unit (20 ms)
//	grammar.go      participle grammar structs, which are also the syntax tree
//	parse.go        one top-level declaration at a time, so that a syntax
//	                error costs one diagnostic and the rest is still checked
//	ast.go          expressions as Node trees, built by precedence climbing
//	load.go         files and imports ("std/..." is the embedded library std/)
//	check*.go       name resolution, physical dimensions, network structure
//	initorder.go    the order of a population's or connect's initialisations
//	                (a topological one), shared by the checker (cycles) and
//	                lower.go (init kernels, constant parameters)
//	diag.go         Pos, Diagnostic, sorted and deduplicated error lists
//	editor.go       what tools outside the compiler read (Keywords, a
//	                Scope's names): the language server, lang/lsp
//
// The main types:
//
//	Loader, LoadFile  read a model and everything it imports, and check it
//	Program           the checked model: types (Body), populations,
//	                  subgroups (views of a population's range), projections,
//	                  inputs, currents, monitors, scheduled
//	                  code (Schedule: at, every, a phase's start), timed
//	                  arrays (TimedArray), run settings
//	Info              side tables: the Type of every expression Node and the
//	                  Symbol each name denotes, as go/types does
//	Symbol, Scope     declared names, nested universe -> file -> type ->
//	                  dendrite
//	Dim, Unit         physical dimensions over the SI base units and the
//	                  unit table with prefixes
//	Diagnostic        one error with its position and a hint
//
// Positions from participle (lexer.Position) stay inside this package's
// syntax tree; everything the package reports uses its own Pos.
//
// The language is specified in spec/language.md; spec/grammar.ebnf is the
// grammar as participle renders it (Grammar()).
package lang
