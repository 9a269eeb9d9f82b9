/* SPDX-License-Identifier: MIT */
/*
 * Bad input gets a clear error, never a crash: NULL ring / params / cqe_ptr / sqe,
 * entries 0 and 1<<20 without CLAMP (-EINVAL), unknown setup flags (the kernel's
 * -EINVAL), REGISTERED_FD_ONLY without NO_MMAP, bad fds to io_uring_queue_mmap (-EBADF),
 * queue_exit twice, every call on an exited or never-initialised ring (-EINVAL / NULL /
 * 0), and a failed init leaving the ring unusable rather than half set up.
 */
/* bad input goes to the library's validating exports, not the inline helpers */
#define IO_URINE_NO_INLINE
#include "helpers.h"
#include <liburing.h>
#include <fcntl.h>
#include <unistd.h>

/* Every ring call must refuse `ring` (NULL, zeroed, or exited). */
static void refuse_all(struct io_uring *ring, const char *what)
{
	struct io_uring_cqe *cqe = (void *)1, *cqes[4] = { NULL };
	struct __kernel_timespec ts = { 0, 1000000 };
	unsigned avail = 5;
	sigset_t mask;

	sigemptyset(&mask);
	CHECK(io_uring_get_sqe(ring) == NULL, "%s: get_sqe", what);
	CHECK(io_uring_get_sqe128(ring) == NULL, "%s: get_sqe128", what);
	CHECK(io_uring_submit(ring) == -EINVAL, "%s: submit", what);
	CHECK(io_uring_submit_and_wait(ring, 1) == -EINVAL, "%s: submit_and_wait", what);
	CHECK(io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts, NULL) == -EINVAL, "%s: s_a_w_timeout", what);
	CHECK(io_uring_submit_and_wait_min_timeout(ring, &cqe, 1, &ts, 10, NULL) == -EINVAL,
	      "%s: s_a_w_min_timeout", what);
	CHECK(io_uring_submit_and_get_events(ring) == -EINVAL, "%s: submit_and_get_events", what);
	CHECK(io_uring_get_events(ring) == -EINVAL, "%s: get_events", what);
	CHECK(__io_uring_sqring_wait(ring) == -EINVAL, "%s: __sqring_wait", what);
	CHECK(io_uring_sqring_wait(ring) == -EINVAL, "%s: sqring_wait", what);
	CHECK(io_uring_sq_ready(ring) == 0 && io_uring_sq_space_left(ring) == 0, "%s: sq counts", what);
	CHECK(__io_uring_get_cqe(ring, &cqe, 0, 1, NULL) == -EINVAL, "%s: __get_cqe", what);
	CHECK(io_uring_wait_cqe(ring, &cqe) == -EINVAL, "%s: wait_cqe", what);
	CHECK(io_uring_wait_cqe_nr(ring, &cqe, 2) == -EINVAL, "%s: wait_cqe_nr", what);
	CHECK(io_uring_wait_cqes(ring, &cqe, 1, &ts, &mask) == -EINVAL, "%s: wait_cqes", what);
	CHECK(io_uring_wait_cqe_timeout(ring, &cqe, &ts) == -EINVAL, "%s: wait_cqe_timeout", what);
	CHECK(io_uring_wait_cqes_min_timeout(ring, &cqe, 1, &ts, 10, NULL) == -EINVAL, "%s: min_timeout", what);
	CHECK(io_uring_peek_cqe(ring, &cqe) == -EINVAL, "%s: peek_cqe", what);
	CHECK(__io_uring_peek_cqe(ring, &cqe, &avail) == -EINVAL, "%s: __peek_cqe", what);
	CHECK(io_uring_peek_batch_cqe(ring, cqes, 4) == 0, "%s: peek_batch", what);
	CHECK(io_uring_cq_ready(ring) == 0, "%s: cq_ready", what);
	CHECK(!io_uring_cq_has_overflow(ring), "%s: has_overflow", what);
	CHECK(io_uring_cq_eventfd_toggle(ring, false) == -EINVAL, "%s: eventfd_toggle", what);
	(void)io_uring_cq_eventfd_enabled(ring);
	io_uring_cq_advance(ring, 3);
	io_uring_cqe_seen(ring, cqes[0]);
	struct io_uring_cqe_iter it = io_uring_cqe_iter_init(ring);
	CHECK(!io_uring_cqe_iter_next(&it, &cqe), "%s: iter", what);
	CHECK(io_uring_enable_rings(ring) == -EINVAL, "%s: enable_rings", what);
	CHECK(io_uring_ring_dontfork(ring) == -EINVAL, "%s: dontfork", what);
	io_uring_queue_exit(ring);
}

static void test_null_args(void)
{
	struct io_uring ring;
	struct io_uring_params p;
	char buf[8192];

	memset(&p, 0, sizeof(p));
	CHECK(io_uring_queue_init(8, NULL, 0) == -EINVAL, "init NULL ring");
	CHECK(io_uring_queue_init_params(8, NULL, &p) == -EINVAL, "init_params NULL ring");
	CHECK(io_uring_queue_init_params(8, &ring, NULL) == -EINVAL, "init_params NULL params");
	CHECK(io_uring_queue_init_mem(8, NULL, &p, buf, sizeof(buf)) == -EINVAL, "init_mem NULL ring");
	CHECK(io_uring_queue_init_mem(8, &ring, NULL, buf, sizeof(buf)) == -EINVAL, "init_mem NULL params");
	CHECK(io_uring_queue_mmap(3, NULL, &ring) == -EINVAL, "queue_mmap NULL params");
	CHECK(io_uring_queue_mmap(3, &p, NULL) == -EINVAL, "queue_mmap NULL ring");
	CHECK(io_uring_memory_size_params(8, NULL) == -EINVAL, "memory_size_params NULL");
	CHECK(io_uring_mlock_size_params(8, NULL) == -EINVAL, "mlock_size_params NULL");
	io_uring_queue_exit(NULL);
	refuse_all(NULL, "NULL ring");

	/* A zeroed, never initialised ring. */
	memset(&ring, 0, sizeof(ring));
	refuse_all(&ring, "zeroed ring");
}

static void test_null_cqe_ptr(void)
{
	struct io_uring ring;
	struct __kernel_timespec ts = { 0, 1000000 };
	unsigned avail;

	CHECK(io_uring_queue_init(4, &ring, 0) == 0, "init");
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	CHECK(io_uring_submit_and_wait(&ring, 1) == 1, "submit");
	CHECK(io_uring_wait_cqe(&ring, NULL) == -EINVAL, "wait_cqe");
	CHECK(io_uring_wait_cqe_nr(&ring, NULL, 1) == -EINVAL, "wait_cqe_nr");
	CHECK(io_uring_peek_cqe(&ring, NULL) == -EINVAL, "peek_cqe");
	CHECK(__io_uring_peek_cqe(&ring, NULL, &avail) == -EINVAL, "__peek_cqe");
	CHECK(__io_uring_get_cqe(&ring, NULL, 0, 1, NULL) == -EINVAL, "__get_cqe");
	CHECK(io_uring_wait_cqes(&ring, NULL, 1, &ts, NULL) == -EINVAL, "wait_cqes");
	CHECK(io_uring_wait_cqe_timeout(&ring, NULL, &ts) == -EINVAL, "wait_cqe_timeout");
	CHECK(io_uring_wait_cqes_min_timeout(&ring, NULL, 1, &ts, 1, NULL) == -EINVAL, "min_timeout");
	CHECK(io_uring_submit_and_wait_timeout(&ring, NULL, 1, &ts, NULL) == -EINVAL, "s_a_w_timeout");
	CHECK(io_uring_submit_and_wait_min_timeout(&ring, NULL, 1, &ts, 1, NULL) == -EINVAL, "s_a_w_min");
	CHECK(io_uring_peek_batch_cqe(&ring, NULL, 4) == 0, "peek_batch NULL array");
	/* the CQE is still there */
	struct io_uring_cqe *cqe;
	CHECK(io_uring_peek_cqe(&ring, &cqe) == 0 && cqe->res == 0, "cqe kept");
	io_uring_cqe_seen(&ring, cqe);
	CHECK(io_uring_cqe_get_data(NULL) == NULL && io_uring_cqe_get_data64(NULL) == 0, "get_data NULL");
	io_uring_queue_exit(&ring);
}

static void test_null_sqe(void)
{
	struct __kernel_timespec ts = { 1, 0 };
	struct iovec iov = { 0 };
	char b[4];

	io_uring_prep_rw(IORING_OP_NOP, NULL, -1, NULL, 0, 0);
	io_uring_prep_nop(NULL);
	io_uring_prep_read(NULL, 0, b, 4, 0);
	io_uring_prep_write(NULL, 0, b, 4, 0);
	io_uring_prep_readv(NULL, 0, &iov, 1, 0);
	io_uring_prep_writev(NULL, 0, &iov, 1, 0);
	io_uring_prep_fsync(NULL, 0, 0);
	io_uring_prep_close(NULL, 0);
	io_uring_prep_timeout(NULL, &ts, 0, 0);
	io_uring_sqe_set_data(NULL, b);
	io_uring_sqe_set_data64(NULL, 1);
	io_uring_sqe_set_flags(NULL, IOSQE_IO_LINK);
	io_uring_sqe_set_buf_group(NULL, 1);
}

static void test_bad_setup(void)
{
	struct io_uring ring;
	struct io_uring_params p;

	CHECK(io_uring_queue_init(0, &ring, 0) == -EINVAL, "entries 0");
	refuse_all(&ring, "after entries 0");
	CHECK(io_uring_queue_init(1u << 20, &ring, 0) == -EINVAL, "entries 1<<20 without CLAMP");
	CHECK(io_uring_queue_init(1u << 31, &ring, 0) == -EINVAL, "entries 1<<31");
	CHECK(io_uring_queue_init(8, &ring, 1u << 30) == -EINVAL, "unknown flag 1<<30");
	CHECK(io_uring_queue_init(8, &ring, 1u << 25) == -EINVAL, "unknown flag 1<<25");
	refuse_all(&ring, "after unknown flags");
	CHECK(io_uring_queue_init(8, &ring, IORING_SETUP_NO_MMAP | (1u << 30)) == -EINVAL, "NO_MMAP + bad flag");
	CHECK(io_uring_queue_init(8, &ring, IORING_SETUP_REGISTERED_FD_ONLY) == -EINVAL, "FD_ONLY without NO_MMAP");
	CHECK(io_uring_queue_init(8, &ring, IORING_SETUP_SQ_AFF) == -EINVAL, "SQ_AFF without SQPOLL");
	CHECK(io_uring_queue_init(8, &ring, IORING_SETUP_DEFER_TASKRUN) == -EINVAL,
	      "DEFER_TASKRUN without SINGLE_ISSUER");
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	CHECK(io_uring_queue_init_params(8, &ring, &p) == -EINVAL, "CQSIZE 0");
	memset(&p, 0, sizeof(p));
	p.resv[1] = 7;
	CHECK(io_uring_queue_init_params(8, &ring, &p) == -EINVAL, "resv set");
	/* init_mem with a NULL buffer maps its own memory (like NO_MMAP). */
	memset(&p, 0, sizeof(p));
	int ret = io_uring_queue_init_mem(8, &ring, &p, NULL, 0);
	if (t_kernel_refuses_no_mmap()) {
		CHECK(ret == -EINVAL, "init_mem NULL buffer, kernel refusing NO_MMAP: %d", ret);
	} else {
		CHECK(ret > 0, "init_mem NULL buffer %d", ret);
		io_uring_queue_exit(&ring);
	}

	/* io_uring_queue_mmap: bad fds */
	memset(&p, 0, sizeof(p));
	int fd = io_uring_setup(4, &p);
	CHECK(fd >= 0, "setup");
	CHECK(io_uring_queue_mmap(-1, &p, &ring) == -EBADF, "fd -1");
	CHECK(io_uring_queue_mmap(-77, &p, &ring) == -EBADF, "fd -77");
	CHECK(io_uring_queue_mmap(987654, &p, &ring) == -EBADF, "fd not open");
	refuse_all(&ring, "after failed queue_mmap");
	/* params that do not match the ring: refused, nothing mapped */
	struct io_uring_params bad = p;
	bad.sq_entries = 1u << 30;
	CHECK(io_uring_queue_mmap(fd, &bad, &ring) < 0, "oversized params accepted");
	bad = p;
	bad.sq_entries = p.sq_entries / 2; /* SQEs mapped for 2 while the kernel uses 4 */
	CHECK(io_uring_queue_mmap(fd, &bad, &ring) == -EINVAL, "undersized sq_entries accepted");
	bad = p;
	bad.cq_entries = p.cq_entries * 2;
	CHECK(io_uring_queue_mmap(fd, &bad, &ring) == -EINVAL, "wrong cq_entries accepted");
	refuse_all(&ring, "after mismatched params");
	/* the real params still work */
	CHECK(io_uring_queue_mmap(fd, &p, &ring) == 0, "queue_mmap");
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	struct io_uring_cqe *cqe;
	io_uring_prep_nop(sqe);
	CHECK(io_uring_submit_and_wait(&ring, 1) == 1, "submit");
	CHECK(io_uring_peek_cqe(&ring, &cqe) == 0 && cqe->res == 0, "nop");
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
	CHECK(fcntl(fd, F_GETFD) == -1, "queue_exit closes the fd it mapped");
}

static void test_exited(void)
{
	struct io_uring ring;

	CHECK(io_uring_queue_init(4, &ring, 0) == 0, "init");
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	int fd = ring.ring_fd;
	io_uring_queue_exit(&ring);
	CHECK(fcntl(fd, F_GETFD) == -1, "fd open after exit");
	refuse_all(&ring, "exited ring");
	/* exit twice with the fd number reused meanwhile */
	int other = open("/dev/null", O_RDONLY);
	io_uring_queue_exit(&ring);
	CHECK(fcntl(other, F_GETFD) != -1, "second exit closed someone else's fd");
	close(other);
}

int main(void)
{
	test_null_args();
	test_null_cqe_ptr();
	test_null_sqe();
	test_bad_setup();
	test_exited();
	return T_EXIT_PASS;
}
