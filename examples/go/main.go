// A Go program (standard library + cgo only) on io_urine's liburing, found with
// `#cgo pkg-config: liburing` (or liburing-ffi with `-tags ffi`). It does, checking every
// result and every byte:
//  1. file: 4 patterned 4 KiB blocks written in one submission (prep_write,
//     sqe_set_data64, submit_and_wait), reaped with wait_cqe + cqe_seen; fsync; read back
//     with prep_readv into two iovecs and compared;
//  2. socket: socketpair, prep_send / prep_recv both ways;
//  3. buffer ring: io_uring_setup_buf_ring, buf_ring_add/advance, recv with
//     IOSQE_BUFFER_SELECT (the group is set through io_uring_sqe_set_buf_group, since cgo
//     cannot name the SQE's anonymous-union field buf_group), the buffer id from the CQE;
//  4. prints every liburing*.so* mapped into the process; with an argument DIR it fails
//     unless each lies under DIR.
//
// Memory handed to the kernel (I/O buffers, iovecs, the ring) comes from C.malloc: the
// kernel keeps those addresses after the cgo call returns, which Go memory must not be
// used for unless pinned (runtime.Pinner, Go >= 1.21).
package main

/*
#include <stdlib.h>
#include <liburing.h>
*/
import "C"

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"unsafe"
)

const (
	block   = 4096
	nblocks = 4
	bufSize = 256
	nbufs   = 8
	bgid    = 3
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "go consumer: FAIL: "+format+"\n", args...)
	os.Exit(1)
}

func pattern(i, seed int) byte { return byte((i * 131) ^ (i >> 8) ^ (seed * 29)) }

// cbuf returns n bytes of C memory (zeroed) and a Go slice over them.
func cbuf(n int) (unsafe.Pointer, []byte) {
	p := C.calloc(C.size_t(n), 1)
	if p == nil {
		fail("calloc(%d)", n)
	}
	return p, unsafe.Slice((*byte)(p), n)
}

type ring struct{ r *C.struct_io_uring }

func (r ring) sqe() *C.struct_io_uring_sqe {
	s := C.io_uring_get_sqe(r.r)
	if s == nil {
		fail("io_uring_get_sqe returned NULL")
	}
	return s
}

type completion struct {
	userData uint64
	res      int32
	flags    uint32
}

// wait reaps one CQE (wait_cqe + cqe_seen).
func (r ring) wait() completion {
	var cqe *C.struct_io_uring_cqe
	if ret := C.io_uring_wait_cqe(r.r, &cqe); ret != 0 {
		fail("io_uring_wait_cqe: %d", ret)
	}
	c := completion{uint64(C.io_uring_cqe_get_data64(cqe)), int32(cqe.res), uint32(cqe.flags)}
	C.io_uring_cqe_seen(r.r, cqe)
	return c
}

func (r ring) submitOne() completion {
	if n := C.io_uring_submit(r.r); n != 1 {
		fail("io_uring_submit: %d", n)
	}
	return r.wait()
}

func fileIO(r ring) {
	f, err := os.CreateTemp("", "go-consumer-*.dat")
	if err != nil {
		fail("%v", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	fd := C.int(f.Fd())

	wp, data := cbuf(nblocks * block)
	defer C.free(wp)
	for i := range data {
		data[i] = pattern(i, 1)
	}
	for b := 0; b < nblocks; b++ {
		s := r.sqe()
		C.io_uring_prep_write(s, fd, unsafe.Add(wp, b*block), block, C.__u64(b*block))
		C.io_uring_sqe_set_data64(s, C.__u64(100+b))
	}
	if n := C.io_uring_submit_and_wait(r.r, nblocks); n != nblocks {
		fail("io_uring_submit_and_wait: %d", n)
	}
	seen := map[uint64]bool{}
	for i := 0; i < nblocks; i++ {
		c := r.wait()
		if c.userData < 100 || c.userData >= 100+nblocks || seen[c.userData] || c.res != block {
			fail("write completion %+v", c)
		}
		seen[c.userData] = true
	}

	s := r.sqe()
	C.io_uring_prep_fsync(s, fd, 0)
	C.io_uring_sqe_set_data64(s, 150)
	if c := r.submitOne(); c.userData != 150 || c.res != 0 {
		fail("fsync completion %+v", c)
	}
	onDisk, err := os.ReadFile(f.Name())
	if err != nil || !bytes.Equal(onDisk, data) {
		fail("file content read with os.ReadFile differs (%v)", err)
	}

	// read back with readv into two iovecs of unequal size
	rp, back := cbuf(nblocks * block)
	defer C.free(rp)
	iovp, _ := cbuf(2 * int(unsafe.Sizeof(C.struct_iovec{})))
	defer C.free(iovp)
	iov := unsafe.Slice((*C.struct_iovec)(iovp), 2)
	iov[0].iov_base, iov[0].iov_len = rp, 5000
	iov[1].iov_base, iov[1].iov_len = unsafe.Add(rp, 5000), C.size_t(nblocks*block-5000)
	s = r.sqe()
	C.io_uring_prep_readv(s, fd, &iov[0], 2, 0)
	C.io_uring_sqe_set_data64(s, 200)
	if c := r.submitOne(); c.userData != 200 || c.res != nblocks*block {
		fail("readv completion %+v", c)
	}
	if !bytes.Equal(back, data) {
		fail("data read back differs")
	}
	fmt.Printf("file: %d x %d bytes written, fsynced, read back with readv and compared\n", nblocks, block)
}

func socketIO(r ring) {
	sv, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		fail("socketpair: %v", err)
	}
	defer syscall.Close(sv[0])
	defer syscall.Close(sv[1])
	for dir := 0; dir < 2; dir++ {
		from, to := C.int(sv[dir]), C.int(sv[1-dir])
		mp, msg := cbuf(2000)
		gp, got := cbuf(2000)
		for i := range msg {
			msg[i] = pattern(i, 10+dir)
		}
		s := r.sqe()
		C.io_uring_prep_send(s, from, mp, 2000, 0)
		C.io_uring_sqe_set_data64(s, 300)
		if c := r.submitOne(); c.userData != 300 || c.res != 2000 {
			fail("send completion %+v", c)
		}
		s = r.sqe()
		C.io_uring_prep_recv(s, to, gp, 2000, C.MSG_WAITALL)
		C.io_uring_sqe_set_data64(s, 301)
		if c := r.submitOne(); c.userData != 301 || c.res != 2000 {
			fail("recv completion %+v", c)
		}
		if !bytes.Equal(msg, got) {
			fail("socket data differs (direction %d)", dir)
		}
		C.free(mp)
		C.free(gp)
	}
	fmt.Println("socket: 2000 bytes each way over a socketpair, verified")
}

func bufferRing(r ring) {
	var cerr C.int
	br := C.io_uring_setup_buf_ring(r.r, nbufs, bgid, 0, &cerr)
	if br == nil {
		fail("io_uring_setup_buf_ring: %d", cerr)
	}
	bp, bufs := cbuf(nbufs * bufSize)
	defer C.free(bp)
	mask := C.io_uring_buf_ring_mask(nbufs)
	for i := 0; i < nbufs; i++ {
		C.io_uring_buf_ring_add(br, unsafe.Add(bp, i*bufSize), bufSize, C.ushort(i), mask, C.int(i))
	}
	C.io_uring_buf_ring_advance(br, nbufs)

	sv, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		fail("socketpair: %v", err)
	}
	defer syscall.Close(sv[0])
	defer syscall.Close(sv[1])
	used := map[uint32]int{}
	for m := 0; m < 12; m++ {
		n := 50 + 17*m
		msg := make([]byte, n)
		for i := range msg {
			msg[i] = pattern(i, 40+m)
		}
		if w, err := syscall.Write(sv[0], msg); err != nil || w != n {
			fail("write(2): %d %v", w, err)
		}
		s := r.sqe()
		C.io_uring_prep_recv(s, C.int(sv[1]), nil, bufSize, 0)
		C.io_uring_sqe_set_flags(s, C.IOSQE_BUFFER_SELECT)
		C.io_uring_sqe_set_buf_group(s, bgid)
		C.io_uring_sqe_set_data64(s, C.__u64(400+m))
		c := r.submitOne()
		if c.userData != uint64(400+m) || c.res != int32(n) || c.flags&C.IORING_CQE_F_BUFFER == 0 {
			fail("buffer-select recv %d: %+v", m, c)
		}
		bid := c.flags >> C.IORING_CQE_BUFFER_SHIFT
		if bid >= nbufs || !bytes.Equal(bufs[int(bid)*bufSize:int(bid)*bufSize+n], msg) {
			fail("recv %d: buffer %d does not hold the message", m, bid)
		}
		used[bid]++
		C.io_uring_buf_ring_add(br, unsafe.Add(bp, int(bid)*bufSize), bufSize, C.ushort(bid), mask, 0)
		C.io_uring_buf_ring_advance(br, 1)
	}
	if len(used) != nbufs {
		fail("expected all %d buffers used, got %d", nbufs, len(used))
	}
	if ret := C.io_uring_free_buf_ring(r.r, br, nbufs, bgid); ret != 0 {
		fail("io_uring_free_buf_ring: %d", ret)
	}
	fmt.Printf("buffer ring: 12 buffer-select recvs through %d recycled buffers verified\n", nbufs)
}

// checkMaps prints every liburing*.so* mapped into the process; with a non-empty dir,
// each must lie under it.
func checkMaps(dir string) {
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		fail("%v", err)
	}
	found := map[string]bool{}
	for _, line := range strings.Split(string(maps), "\n") {
		i := strings.IndexByte(line, '/')
		if i < 0 {
			continue
		}
		path := line[i:]
		base := filepath.Base(path)
		if strings.HasPrefix(base, "liburing") && strings.Contains(base, ".so") && !found[path] {
			found[path] = true
			fmt.Println("liburing mapped from:", path)
			if dir != "" && !strings.HasPrefix(path, dir+"/") {
				fail("%s is not under %s", path, dir)
			}
		}
	}
	if dir != "" && len(found) == 0 {
		fail("no liburing shared object is mapped")
	}
}

func main() {
	rp, _ := cbuf(int(unsafe.Sizeof(C.struct_io_uring{})))
	defer C.free(rp)
	r := ring{(*C.struct_io_uring)(rp)}
	if ret := C.io_uring_queue_init(16, r.r, 0); ret != 0 {
		fail("io_uring_queue_init: %d", ret)
	}
	fileIO(r)
	socketIO(r)
	bufferRing(r)
	C.io_uring_queue_exit(r.r)
	dir := ""
	if len(os.Args) > 1 {
		d, err := filepath.EvalSymlinks(os.Args[1])
		if err != nil {
			fail("%v", err)
		}
		dir = d
	}
	checkMaps(dir)
	fmt.Printf("go consumer (%s): OK (liburing %d.%d)\n", linkedAs, C.io_uring_major_version(), C.io_uring_minor_version())
}
