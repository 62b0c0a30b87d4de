package main

import (
	"fmt"
	"io"
	"runtime"

	"snnc/backends/llvm"
	"snnc/version"
)

// printVersion prints what `snnc --version` and every command's --version
// print: snnc's version, the Go that built it, and the LLVM that builds
// native executables (llc's first line) with this machine's CPU as LLVM
// names it, which --cpu=native builds for.
func printVersion(w io.Writer) {
	fmt.Fprintf(w, "snnc %s\n", version.Version)
	fmt.Fprintf(w, "%s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if v, cpu := llvm.LLVMVersion(); v != "" {
		fmt.Fprintf(w, "LLVM: %s (host CPU %s)\n", v, cpu)
	} else {
		fmt.Fprintln(w, "LLVM: llc is not on PATH (the llvm target needs it; Debian: apt-get install llvm gcc)")
	}
}
