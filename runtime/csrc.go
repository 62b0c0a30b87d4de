package runtime

import "embed"

// CSource holds the native runtime (c/): the C files a native backend
// compiles and links with a model's kernels, and snnrt.h, the contract
// between them. Only the files directly in c/ belong to the runtime;
// c/test holds test models.
//
//go:embed c/*
var CSource embed.FS
