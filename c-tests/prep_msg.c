/* SPDX-License-Identifier: MIT */
/*
 * Ring-message, futex and waitid prep helpers on the real kernel: msg_ring posts a CQE
 * with the given res/user_data on a second ring (CQE_SKIP is refused for data messages),
 * msg_ring_cqe_flags sets the target CQE's flags, msg_ring_fd and
 * msg_ring_fd_alloc pass a direct descriptor into a given / allocated slot of the other
 * ring (used there for a read; with CQE_SKIP the target gets no CQE), a non-ring fd is
 * refused; futex_wait sleeps until another
 * thread's futex_wake (which reports one waiter woken), a stale value gives -EAGAIN,
 * futex_waitv reports the index of the futex woken; waitid reaps a forked child and
 * fills in its pid and exit status.
 */
#include "helpers.h"
#include <liburing.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static struct io_uring a, b;

static struct io_uring_sqe *sqe_get(struct io_uring *r)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(r);

	CHECK(sqe, "get_sqe");
	return sqe;
}

/* Wait for one CQE on r; check user_data; return res, flags into *flags. */
static int reap(struct io_uring *r, __u64 ud, unsigned *flags)
{
	struct io_uring_cqe *cqe;
	int ret = io_uring_wait_cqe(r, &cqe);

	CHECK(ret == 0, "wait_cqe %d", ret);
	CHECK(cqe->user_data == ud, "user_data %llx, want %llx", (unsigned long long)cqe->user_data,
	      (unsigned long long)ud);
	ret = cqe->res;
	if (flags)
		*flags = cqe->flags;
	io_uring_cqe_seen(r, cqe);
	return ret;
}

static void submit(struct io_uring *r, int n)
{
	int ret = io_uring_submit(r);

	CHECK(ret == n, "submit %d, want %d", ret, n);
}

#define expect_empty(r) t_expect_no_cqe(r)

static void test_msg_ring(void)
{
	struct io_uring_sqe *sqe;
	unsigned flags;
	int ret;

	sqe = sqe_get(&a);
	io_uring_prep_msg_ring(sqe, b.ring_fd, 0x55, 0xabcdef, 0);
	sqe->user_data = 1;
	submit(&a, 1);
	CHECK((ret = reap(&a, 1, NULL)) == 0, "msg_ring sender res %d", ret);
	CHECK((ret = reap(&b, 0xabcdef, NULL)) == 0x55, "msg_ring target res %x", ret);

	/* a data message takes no CQE_SKIP: refused, so the flags reached the kernel */
	sqe = sqe_get(&a);
	io_uring_prep_msg_ring(sqe, b.ring_fd, 7, 0x1111, IORING_MSG_RING_CQE_SKIP);
	sqe->user_data = 2;
	submit(&a, 1);
	CHECK((ret = reap(&a, 2, NULL)) == -EINVAL, "data message with CQE_SKIP %d", ret);
	expect_empty(&b);

	/* msg_ring_cqe_flags: the target CQE carries our flags */
	sqe = sqe_get(&a);
	io_uring_prep_msg_ring_cqe_flags(sqe, b.ring_fd, 9, 0x2222, 0, 0x00050000);
	sqe->user_data = 3;
	struct io_uring_sqe copy = *sqe;
	submit(&a, 1);
	ret = reap(&a, 3, NULL);
	if (ret == -EINVAL) {
		/* IORING_MSG_RING_FLAGS_PASS is 6.3+: the kernel itself must refuse the same SQE */
		int raw = t_kernel_run_sqe(0, &copy, NULL, 0);
		CHECK(raw == -EINVAL, "msg_ring_cqe_flags -EINVAL here, the kernel itself gave %d", raw);
		expect_empty(&b);
		t_skip_case("msg_ring_cqe_flags", "kernel refuses IORING_MSG_RING_FLAGS_PASS");
	} else {
		CHECK(ret == 0, "msg_ring_cqe_flags sender %d", ret);
		CHECK((ret = reap(&b, 0x2222, &flags)) == 9 && flags == 0x00050000, "target res %d flags %x",
		      ret, flags);
	}

	/* not a ring */
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	sqe = sqe_get(&a);
	io_uring_prep_msg_ring(sqe, p[0], 0, 0, 0);
	sqe->user_data = 4;
	submit(&a, 1);
	CHECK((ret = reap(&a, 4, NULL)) == -EBADFD, "msg_ring to a pipe %d", ret);

	/* descriptor passing: a's slot 0 holds the pipe's read end */
	ret = io_uring_register(a.ring_fd, IORING_REGISTER_FILES, p, 1);
	CHECK(ret == 0, "register a's files %d", ret);
	struct io_uring_rsrc_register reg;
	memset(&reg, 0, sizeof(reg));
	reg.nr = 4;
	reg.flags = IORING_RSRC_REGISTER_SPARSE;
	ret = io_uring_register(b.ring_fd, IORING_REGISTER_FILES2, &reg, sizeof(reg));
	CHECK(ret == 0, "register b's sparse files %d", ret);

	sqe = sqe_get(&a);
	io_uring_prep_msg_ring_fd(sqe, b.ring_fd, 0, 2, 0x3333, 0);
	sqe->user_data = 5;
	submit(&a, 1);
	CHECK((ret = reap(&a, 5, NULL)) == 0, "msg_ring_fd sender %d", ret);
	CHECK((ret = reap(&b, 0x3333, NULL)) == 0, "msg_ring_fd target %d", ret);
	CHECK(write(p[1], "passed", 6) == 6, "write");
	char buf[16];
	sqe = sqe_get(&b);
	io_uring_prep_read(sqe, 2, buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	sqe->user_data = 6;
	submit(&b, 1);
	CHECK((ret = reap(&b, 6, NULL)) == 6 && memcmp(buf, "passed", 6) == 0, "read passed fd %d", ret);

	sqe = sqe_get(&a);
	io_uring_prep_msg_ring_fd_alloc(sqe, b.ring_fd, 0, 0x4444, 0);
	sqe->user_data = 7;
	submit(&a, 1);
	/* both sides learn the allocated slot */
	int slot = reap(&a, 7, NULL);
	CHECK(slot >= 0 && slot < 4 && slot != 2, "allocated slot %d", slot);
	CHECK((ret = reap(&b, 0x4444, NULL)) == slot, "target res %d, sender said %d", ret, slot);
	CHECK(write(p[1], "again", 5) == 5, "write");
	sqe = sqe_get(&b);
	io_uring_prep_read(sqe, slot, buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	sqe->user_data = 8;
	submit(&b, 1);
	CHECK((ret = reap(&b, 8, NULL)) == 5 && memcmp(buf, "again", 5) == 0, "read alloc-passed fd %d", ret);

	/* CQE_SKIP with fd passing: installed, but no CQE on the target */
	sqe = sqe_get(&a);
	io_uring_prep_msg_ring_fd(sqe, b.ring_fd, 0, 0, 0x6666, IORING_MSG_RING_CQE_SKIP);
	sqe->user_data = 10;
	submit(&a, 1);
	CHECK((ret = reap(&a, 10, NULL)) == 0, "msg_ring_fd CQE_SKIP sender %d", ret);
	expect_empty(&b);
	CHECK(write(p[1], "skip", 4) == 4, "write");
	sqe = sqe_get(&b);
	io_uring_prep_read(sqe, 0, buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	sqe->user_data = 11;
	submit(&b, 1);
	CHECK((ret = reap(&b, 11, NULL)) == 4 && memcmp(buf, "skip", 4) == 0, "read CQE_SKIP-passed fd %d", ret);

	/* an empty source slot */
	sqe = sqe_get(&a);
	io_uring_prep_msg_ring_fd(sqe, b.ring_fd, 3, 1, 0x5555, 0);
	sqe->user_data = 9;
	submit(&a, 1);
	CHECK((ret = reap(&a, 9, NULL)) == -EBADF || ret == -EINVAL, "msg_ring_fd of a bad slot %d", ret);

	CHECK(io_uring_register(a.ring_fd, IORING_UNREGISTER_FILES, NULL, 0) == 0, "unregister a");
	CHECK(io_uring_register(b.ring_fd, IORING_UNREGISTER_FILES, NULL, 0) == 0, "unregister b");
	close(p[0]);
	close(p[1]);
}

static uint32_t fwords[2];
static int wake_idx;

static void *waker(void *arg)
{
	struct io_uring r;
	struct io_uring_sqe *sqe;
	int ret;

	(void)arg;
	usleep(30000);
	CHECK(io_uring_queue_init(4, &r, 0) == 0, "waker ring");
	__atomic_store_n(&fwords[wake_idx], 1, __ATOMIC_SEQ_CST);
	sqe = sqe_get(&r);
	io_uring_prep_futex_wake(sqe, &fwords[wake_idx], 1, FUTEX_BITSET_MATCH_ANY,
				 FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0);
	sqe->user_data = 100;
	submit(&r, 1);
	ret = reap(&r, 100, NULL);
	CHECK(ret == 1, "futex_wake woke %d", ret);
	io_uring_queue_exit(&r);
	return NULL;
}

static void *nothing(void *arg)
{
	return arg;
}

static void test_futex(void)
{
	struct io_uring_sqe *sqe;
	pthread_t t;
	int ret;

	/*
	 * Linux 6.16+ gives a process its private futex hash when it creates its first
	 * thread; a futex wait queued before that (io_uring's or a plain futex(2) one) is
	 * then not found by wakers. Become multi-threaded before queueing any wait.
	 */
	CHECK(pthread_create(&t, NULL, nothing, NULL) == 0, "pthread_create");
	pthread_join(t, NULL);

	/* a stale expected value fails at once */
	fwords[0] = 5;
	sqe = sqe_get(&a);
	io_uring_prep_futex_wait(sqe, &fwords[0], 4, FUTEX_BITSET_MATCH_ANY, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0);
	sqe->user_data = 20;
	submit(&a, 1);
	ret = reap(&a, 20, NULL);
	if ((ret == -EINVAL || ret == -EOPNOTSUPP) && !t_kernel_has_op(IORING_OP_FUTEX_WAIT)) {
		t_skip_case("futex", "kernel lacks io_uring futex ops (%d)", ret);
		return;
	}
	CHECK(ret == -EAGAIN, "futex_wait with a stale value %d", ret);

	/* wait here, wake from another thread's ring */
	fwords[0] = 0;
	wake_idx = 0;
	sqe = sqe_get(&a);
	io_uring_prep_futex_wait(sqe, &fwords[0], 0, FUTEX_BITSET_MATCH_ANY, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0);
	sqe->user_data = 21;
	submit(&a, 1);
	expect_empty(&a);
	CHECK(pthread_create(&t, NULL, waker, NULL) == 0, "pthread_create");
	CHECK((ret = reap(&a, 21, NULL)) == 0, "futex_wait woken %d", ret);
	pthread_join(t, NULL);

	/* a wake with a disjoint mask does not wake the waiter */
	fwords[0] = 0;
	sqe = sqe_get(&a);
	io_uring_prep_futex_wait(sqe, &fwords[0], 0, 0x1, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0);
	sqe->user_data = 22;
	sqe = sqe_get(&a);
	io_uring_prep_futex_wake(sqe, &fwords[0], 1, 0x2, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0);
	sqe->user_data = 23;
	submit(&a, 2);
	CHECK((ret = reap(&a, 23, NULL)) == 0, "wake with a disjoint mask woke %d", ret);
	sqe = sqe_get(&a);
	io_uring_prep_futex_wake(sqe, &fwords[0], 1, 0x1, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0);
	sqe->user_data = 24;
	submit(&a, 1);
	int got = 0;
	for (int i = 0; i < 2; i++) {
		struct io_uring_cqe *cqe;
		CHECK(io_uring_wait_cqe(&a, &cqe) == 0, "wait");
		if (cqe->user_data == 24)
			CHECK(cqe->res == 1, "matching wake woke %d", cqe->res);
		else
			CHECK(cqe->user_data == 22 && cqe->res == 0, "masked waiter %d", cqe->res);
		got++;
		io_uring_cqe_seen(&a, cqe);
	}
	CHECK(got == 2, "CQEs");

	/* futex_waitv: woken through the second futex -> res 1 */
	struct futex_waitv wv[2];
	memset(wv, 0, sizeof(wv));
	fwords[0] = fwords[1] = 0;
	for (int i = 0; i < 2; i++) {
		wv[i].val = 0;
		wv[i].uaddr = (unsigned long)&fwords[i];
		wv[i].flags = FUTEX2_SIZE_U32 | FUTEX2_PRIVATE;
	}
	sqe = sqe_get(&a);
	io_uring_prep_futex_waitv(sqe, wv, 2, 0);
	sqe->user_data = 25;
	submit(&a, 1);
	expect_empty(&a);
	wake_idx = 1;
	CHECK(pthread_create(&t, NULL, waker, NULL) == 0, "pthread_create");
	CHECK((ret = reap(&a, 25, NULL)) == 1, "futex_waitv index %d", ret);
	pthread_join(t, NULL);
}

static void test_waitid(void)
{
	struct io_uring_sqe *sqe;
	siginfo_t si;
	pid_t pid;
	int ret;

	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		usleep(30000);
		_exit(42);
	}
	memset(&si, 0, sizeof(si));
	sqe = sqe_get(&a);
	io_uring_prep_waitid(sqe, P_PID, (id_t)pid, &si, WEXITED, 0);
	sqe->user_data = 30;
	submit(&a, 1);
	ret = reap(&a, 30, NULL);
	if ((ret == -EINVAL || ret == -EOPNOTSUPP) && !t_kernel_has_op(IORING_OP_WAITID)) {
		waitpid(pid, NULL, 0);
		t_skip_case("waitid", "kernel lacks IORING_OP_WAITID (%d)", ret);
		return;
	}
	CHECK(ret == 0, "waitid %d", ret);
	CHECK(si.si_pid == pid && si.si_code == CLD_EXITED && si.si_status == 42,
	      "waitid info pid %d code %d status %d", si.si_pid, si.si_code, si.si_status);
	/* the child is reaped: nothing left to wait for */
	CHECK(waitpid(pid, NULL, WNOHANG) == -1 && errno == ECHILD, "child not reaped");

	sqe = sqe_get(&a);
	io_uring_prep_waitid(sqe, P_PID, (id_t)pid, &si, WEXITED, 0);
	sqe->user_data = 31;
	submit(&a, 1);
	CHECK((ret = reap(&a, 31, NULL)) == -ECHILD, "waitid of a reaped child %d", ret);
}

int main(void)
{
	CHECK(io_uring_queue_init(8, &a, 0) == 0, "ring a");
	CHECK(io_uring_queue_init(8, &b, 0) == 0, "ring b");
	test_msg_ring();
	test_futex();
	test_waitid();
	io_uring_queue_exit(&a);
	io_uring_queue_exit(&b);
	return T_EXIT_PASS;
}
