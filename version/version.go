package version

// Version is snnc's version. It is a constant, not the module version
// that debug.ReadBuildInfo reports, so that an executable built from a
// checkout, a test binary and `go install`'s binary all say the same
// (ReadBuildInfo gives "(devel)" or a pseudo-version that depends on the
// VCS state), and so that summary.json is the same bytes on every target.
// Raise it with each release.
const Version = "0.9.0"
