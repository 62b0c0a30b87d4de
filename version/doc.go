// Package version is snnc's version: the one string that `snnc --version`,
// every command's --version, summary.json's "snnc_version" and the native
// executables (which embed it when they are built) all print.
package version
