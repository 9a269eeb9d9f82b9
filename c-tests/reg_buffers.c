/* SPDX-License-Identifier: MIT */
/*
 * Registered (fixed) buffers on the kernel: write_fixed / read_fixed through registered
 * buffers with the data verified byte for byte, a sparse table filled by
 * register_buffers_update_tag (the replaced buffer's tag comes back as a CQE), the
 * tagged table's tags after unregister, clone_buffers / clone_buffers_offset into a
 * second ring (used there by read_fixed), and the error codes of each call.
 */
#include "helpers.h"
#include <liburing.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define BUF_SZ 4096

static char bufs[4][BUF_SZ] __attribute__((aligned(4096)));

static struct io_uring_cqe *wait_one(struct io_uring *ring)
{
	struct io_uring_cqe *cqe = NULL;
	int ret = io_uring_wait_cqe(ring, &cqe);

	CHECK(ret == 0 && cqe, "wait_cqe %d", ret);
	return cqe;
}

/* One fixed read or write of `len` bytes at file offset `off` from buffer `idx`. */
static int rw_fixed(struct io_uring *ring, int write, int fd, void *buf, unsigned len, __u64 off, int idx)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe;
	int res;

	CHECK(sqe, "get_sqe");
	if (write)
		io_uring_prep_write_fixed(sqe, fd, buf, len, off, idx);
	else
		io_uring_prep_read_fixed(sqe, fd, buf, len, off, idx);
	CHECK(sqe->buf_index == idx, "buf_index %u", sqe->buf_index);
	io_uring_sqe_set_data64(sqe, 0x100 + idx);
	CHECK(io_uring_submit(ring) == 1, "submit");
	cqe = wait_one(ring);
	CHECK(cqe->user_data == (__u64)(0x100 + idx), "user_data %llu", (unsigned long long)cqe->user_data);
	res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return res;
}

/*
 * Does the kernel itself refuse IORING_REGISTER_CLONE_BUFFERS (before 6.12), or a clone of
 * nr buffers from src_off (before 6.13)? Raw syscall; asked only after the library got -EINVAL.
 */
static int kernel_refuses_clone(struct io_uring *dst, struct io_uring *src, unsigned src_off, unsigned nr)
{
	struct io_uring_clone_buffers arg;

	memset(&arg, 0, sizeof(arg));
	arg.src_fd = (__u32)src->ring_fd;
	arg.src_off = src_off;
	arg.nr = nr;
	return syscall(__NR_io_uring_register, dst->ring_fd, IORING_REGISTER_CLONE_BUFFERS, &arg, 1) < 0 &&
	       errno == EINVAL;
}

/*
 * Drains CQEs; returns how many had user_data == tag. Some kernels (6.12 here) post a
 * released buffer's tag from deferred work, a little later: waits for it up to 5 s.
 */
static int count_tag_cqes(struct io_uring *ring, __u64 tag)
{
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 100 * 1000 * 1000 };
	struct io_uring_cqe *cqe;
	int n = 0;

	for (int tries = 0; tries < 50 && n == 0; tries++) {
		if (tries)
			io_uring_wait_cqe_timeout(ring, &cqe, &ts);
		while (io_uring_peek_cqe(ring, &cqe) == 0) {
			if (cqe->user_data == tag) {
				CHECK(cqe->res == 0, "tag cqe res %d", cqe->res);
				n++;
			}
			io_uring_cqe_seen(ring, cqe);
		}
	}
	return n;
}

int main(void)
{
	struct io_uring ring, ring2;
	struct iovec iov[4];
	__u64 tags[4] = { 0, 0xaa01, 0, 0xaa03 };
	int fd, ret;

	CHECK(io_uring_queue_init(8, &ring, 0) == 0, "queue_init");
	CHECK(io_uring_queue_init(8, &ring2, 0) == 0, "queue_init 2");
	fd = t_tmpfile();
	for (int i = 0; i < 4; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = BUF_SZ;
	}

	/* Invalid rings and double registration. */
	CHECK(io_uring_register_buffers(NULL, iov, 4) == -EINVAL, "NULL ring");
	CHECK(io_uring_unregister_buffers(&ring) == -ENXIO, "unregister none");
	CHECK(io_uring_register_buffers(&ring, iov, 4) == 0, "register");
	CHECK(io_uring_register_buffers(&ring, iov, 4) == -EBUSY, "double register");

	/* write_fixed from buffer 1, read_fixed back into buffer 2, compare. */
	t_fill(bufs[1], BUF_SZ, 11);
	memset(bufs[2], 0, BUF_SZ);
	ret = rw_fixed(&ring, 1, fd, bufs[1], BUF_SZ, 0, 1);
	CHECK(ret == BUF_SZ, "write_fixed %d", ret);
	ret = rw_fixed(&ring, 0, fd, bufs[2], BUF_SZ, 0, 2);
	CHECK(ret == BUF_SZ, "read_fixed %d", ret);
	CHECK(t_check(bufs[2], BUF_SZ, 11) == 0, "read_fixed data");
	/* A partial range inside a registered buffer. */
	memset(bufs[3], 0, BUF_SZ);
	ret = rw_fixed(&ring, 0, fd, bufs[3] + 100, 200, 100, 3);
	CHECK(ret == 200, "partial read_fixed %d", ret);
	CHECK(memcmp(bufs[3] + 100, bufs[1] + 100, 200) == 0, "partial data");
	/* An address outside buffer 0 is refused by the kernel. */
	ret = rw_fixed(&ring, 0, fd, bufs[1], 16, 0, 0);
	CHECK(ret == -EFAULT, "out of range read_fixed %d", ret);
	/* An index past the table. */
	ret = rw_fixed(&ring, 0, fd, bufs[0], 16, 0, 7);
	CHECK(ret == -EFAULT || ret == -EINVAL, "bad index %d", ret);

	/* Clone the table into ring2 and read through it there. */
	CHECK(io_uring_clone_buffers(NULL, &ring) == -EINVAL, "clone NULL dst");
	ret = io_uring_clone_buffers(&ring2, &ring);
	if (ret == -EINVAL && kernel_refuses_clone(&ring2, &ring, 0, 0)) {
		t_skip_case("clone", "kernel refuses IORING_REGISTER_CLONE_BUFFERS");
	} else {
		CHECK(ret == 0, "clone_buffers %d", ret);
		CHECK(io_uring_clone_buffers(&ring2, &ring) == -EBUSY, "clone onto a table");
		memset(bufs[0], 0, BUF_SZ);
		ret = rw_fixed(&ring2, 0, fd, bufs[0], BUF_SZ, 0, 0);
		CHECK(ret == BUF_SZ && t_check(bufs[0], BUF_SZ, 11) == 0, "read_fixed on clone %d", ret);
		CHECK(io_uring_unregister_buffers(&ring2) == 0, "unregister clone");
		/* Offset clone: source buffers 2..3 become ring2's 0..1. */
		ret = io_uring_clone_buffers_offset(&ring2, &ring, 0, 2, 2, 0);
		if (ret == -EINVAL && kernel_refuses_clone(&ring2, &ring, 2, 2)) {
			t_skip_case("clone_offset", "kernel refuses clones with src_off/nr");
		} else {
			CHECK(ret == 0, "clone_buffers_offset %d", ret);
			memset(bufs[3], 0, BUF_SZ);
			ret = rw_fixed(&ring2, 0, fd, bufs[3], BUF_SZ, 0, 1);
			CHECK(ret == BUF_SZ && t_check(bufs[3], BUF_SZ, 11) == 0, "read via offset clone %d", ret);
			ret = rw_fixed(&ring2, 0, fd, bufs[0], 16, 0, 0);
			CHECK(ret == -EFAULT, "clone slot 0 is source buffer 2: %d", ret);
			/* Replace with DST_REPLACE through the raw variant; out-of-range source is refused. */
			ret = __io_uring_clone_buffers_offset(&ring2, &ring, 0, 0, 1, IORING_REGISTER_DST_REPLACE);
			CHECK(ret == 0, "clone replace %d", ret);
			ret = __io_uring_clone_buffers_offset(&ring2, &ring, 0, 3, 2, IORING_REGISTER_DST_REPLACE);
			CHECK(ret == -EOVERFLOW, "clone past the source table %d", ret);
			CHECK(io_uring_unregister_buffers(&ring2) == 0, "unregister clone 2");
			CHECK(__io_uring_clone_buffers(&ring2, &ring, 0) == 0, "__clone_buffers");
			CHECK(io_uring_unregister_buffers(&ring2) == 0, "unregister clone 3");
		}
	}
	CHECK(io_uring_unregister_buffers(&ring) == 0, "unregister");

	if (!(ring.features & IORING_FEAT_RSRC_TAGS)) {
		t_skip_case("tags", "kernel lacks IORING_FEAT_RSRC_TAGS (tagged and sparse tables)");
		close(fd);
		io_uring_queue_exit(&ring2);
		io_uring_queue_exit(&ring);
		return T_EXIT_PASS;
	}

	/* Tagged table: the tags of buffers 1 and 3 come back when the table goes. */
	ret = io_uring_register_buffers_tags(&ring, iov, tags, 4);
	CHECK(ret == 0, "register_buffers_tags %d", ret);
	CHECK(io_uring_unregister_buffers(&ring) == 0, "unregister tagged");
	CHECK(io_uring_submit_and_wait(&ring, 0) >= 0, "get events");
	int posts = t_kernel_posts_unregister_tags(0);
	if (posts)
		CHECK(count_tag_cqes(&ring, 0xaa01) == 1, "tag 0xaa01 after unregister");
	else {
		CHECK(io_uring_cq_ready(&ring) == 0, "a CQE after unregister from a kernel posting none there");
		t_skip_case("unregister_tags", "kernel posts no tags at unregister (raw syscalls say so)");
	}

	/* Sparse table: slots are empty until an update fills them. */
	CHECK(io_uring_register_buffers_sparse(&ring, 4) == 0, "sparse");
	ret = rw_fixed(&ring, 0, fd, bufs[0], 16, 0, 1);
	CHECK(ret == -EFAULT, "read_fixed from empty slot %d", ret);
	__u64 t1 = 0xbb01;
	ret = io_uring_register_buffers_update_tag(&ring, 1, &iov[1], &t1, 1);
	CHECK(ret == 1, "update_tag %d", ret);
	memset(bufs[1], 0, BUF_SZ);
	ret = rw_fixed(&ring, 0, fd, bufs[1], BUF_SZ, 0, 1);
	CHECK(ret == BUF_SZ && t_check(bufs[1], BUF_SZ, 11) == 0, "read_fixed after update %d", ret);
	/* Replacing slot 1 releases the old buffer: its tag arrives as a CQE. */
	__u64 t2 = 0xbb02;
	ret = io_uring_register_buffers_update_tag(&ring, 1, &iov[2], &t2, 1);
	CHECK(ret == 1, "update_tag 2 %d", ret);
	CHECK(io_uring_submit_and_wait(&ring, 1) >= 0, "wait tag");
	CHECK(count_tag_cqes(&ring, 0xbb01) == 1, "tag of the replaced buffer");
	ret = io_uring_register_buffers_update_tag(&ring, 4, &iov[0], NULL, 1);
	CHECK(ret == -EINVAL, "update past the table %d", ret);
	CHECK(io_uring_unregister_buffers(&ring) == 0, "unregister sparse");
	if (posts)
		CHECK(count_tag_cqes(&ring, 0xbb02) == 1, "tag of the last buffer");

	close(fd);
	io_uring_queue_exit(&ring2);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
