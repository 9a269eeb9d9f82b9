//go:build !ffi

package main

// The default build links liburing (pkg-config liburing: -luring).

// #cgo pkg-config: liburing
import "C"

const linkedAs = "liburing"
