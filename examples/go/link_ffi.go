//go:build ffi

package main

// `go build -tags ffi` links liburing-ffi instead (pkg-config liburing-ffi: -luring-ffi).

// #cgo pkg-config: liburing-ffi
import "C"

const linkedAs = "liburing-ffi"
