/* SPDX-License-Identifier: MIT */
/*
 * SQPOLL rings: SQ_AFF pins the kernel thread to sq_thread_cpu (checked in /proc), the
 * thread goes idle after sq_thread_idle and sets IORING_SQ_NEED_WAKEUP, and the next
 * submit wakes it (completions arrive); io_uring_sqring_wait / __io_uring_sqring_wait
 * block for SQ space while 20,000 NOPs stream through a 4-entry SQ; sq_ready under SQPOLL.
 * The SQPOLL thread may post completions before it moves the SQ head, and may free SQ
 * slots at any moment: nothing here assumes an order between the two.
 */
#include "helpers.h"
#include <liburing.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Cpus_allowed_list of this process's SQPOLL thread ("iou-sqp-PID"), or "" if none;
 * returns how many such threads exist.
 */
static int sqpoll_thread_cpus(char *out, size_t len)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	int threads = 0;

	out[0] = 0;
	CHECK(d, "opendir");
	while ((de = readdir(d))) {
		char path[300], line[256];
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		int is_sqp = fgets(line, sizeof(line), f) && !strncmp(line, "iou-sqp-", 8);
		fclose(f);
		if (!is_sqp)
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/status", de->d_name);
		f = fopen(path, "r");
		if (!f) /* it exited since its comm was read (an earlier ring's thread going away) */
			continue;
		threads++;
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "Cpus_allowed_list:", 18)) {
				char *v = line + 18;
				while (*v == ' ' || *v == '\t')
					v++;
				v[strcspn(v, "\n")] = 0;
				strncpy(out, v, len - 1);
				out[len - 1] = 0;
			}
		fclose(f);
	}
	closedir(d);
	return threads;
}

static void reap(struct io_uring *ring, unsigned n, __u64 base)
{
	for (unsigned i = 0; i < n; i++) {
		struct io_uring_cqe *cqe;
		int ret = io_uring_wait_cqe(ring, &cqe);

		CHECK(ret == 0, "wait_cqe %d", ret);
		CHECK(cqe->res == 0 && cqe->user_data >= base && cqe->user_data < base + n,
		      "cqe res %d ud %llu", cqe->res, (unsigned long long)cqe->user_data);
		io_uring_cqe_seen(ring, cqe);
	}
}

/* The kernel may post CQEs before it moves the SQ head: wait (bounded) for the head. */
static void wait_sq_consumed(struct io_uring *ring)
{
	long t0 = now_ms();

	while (io_uring_sq_ready(ring) != 0) {
		CHECK(now_ms() - t0 < 3000, "SQ head stuck: sq_ready %u", io_uring_sq_ready(ring));
		usleep(1000);
	}
}

static void queue_nops(struct io_uring *ring, unsigned n, __u64 base)
{
	for (unsigned i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		CHECK(sqe, "get_sqe %u", i);
		io_uring_prep_nop(sqe);
		sqe->user_data = base + i;
	}
}

static void test_idle_wakeup(int cpu)
{
	struct io_uring ring;
	struct io_uring_params p;
	char cpus[256];
	long t0 = now_ms();

	/* A previous ring's SQPOLL thread exits asynchronously: wait until it is gone. */
	while (sqpoll_thread_cpus(cpus, sizeof(cpus)) != 0) {
		CHECK(now_ms() - t0 < 3000, "old SQPOLL thread still around");
		usleep(5000);
	}
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF;
	p.sq_thread_cpu = cpu;
	p.sq_thread_idle = 20; /* ms */
	int ret = io_uring_queue_init_params(8, &ring, &p);
	if (ret == -EPERM)
		SKIP("SQPOLL not permitted");
	CHECK(ret == 0, "SQPOLL init %d", ret);
	CHECK(ring.flags & IORING_SETUP_SQPOLL, "flags %#x", ring.flags);
	CHECK(!(ring.int_flags & 4), "SQPOLL ring must not force CQ enters");

	/* The thread names itself once it runs. */
	t0 = now_ms();
	int nthr;
	while ((nthr = sqpoll_thread_cpus(cpus, sizeof(cpus))) == 0) {
		CHECK(now_ms() - t0 < 3000, "no SQPOLL thread");
		usleep(1000);
	}
	CHECK(nthr == 1, "one SQPOLL thread expected, %d", nthr);
	char want[16];
	snprintf(want, sizeof(want), "%d", cpu);
	CHECK(!strcmp(cpus, want), "SQPOLL thread allowed on '%s', want '%s'", cpus, want);

	/* Awake thread: submit needs no wakeup, the thread picks the SQEs up. */
	queue_nops(&ring, 4, 100);
	ret = io_uring_submit(&ring);
	CHECK(ret == 4, "submit %d", ret);
	reap(&ring, 4, 100);
	wait_sq_consumed(&ring);

	for (int round = 0; round < 3; round++) {
		/* Let the thread go idle: it flags that it needs a wakeup. */
		t0 = now_ms();
		while (!(__atomic_load_n(ring.sq.kflags, __ATOMIC_ACQUIRE) & IORING_SQ_NEED_WAKEUP)) {
			CHECK(now_ms() - t0 < 3000, "SQPOLL thread never went idle");
			usleep(5000);
		}
		/* Queued but not submitted: the sleeping thread does not see them. */
		queue_nops(&ring, 3, 200 + 10 * round);
		CHECK(io_uring_sq_ready(&ring) == 3, "sq_ready %u", io_uring_sq_ready(&ring));
		usleep(20000);
		CHECK(io_uring_cq_ready(&ring) == 0, "sleeping thread submitted");
		/* submit must wake it (IORING_ENTER_SQ_WAKEUP); all three complete. */
		ret = round == 2 ? io_uring_submit_and_wait(&ring, 3) : io_uring_submit(&ring);
		CHECK(ret == 3, "submit after idle %d", ret);
		reap(&ring, 3, 200 + 10 * round);
		wait_sq_consumed(&ring);
	}
	io_uring_queue_exit(&ring);
}

static void test_sqring_wait(void)
{
	struct io_uring ring;
	struct io_uring_params p;
	const unsigned total = 20000;
	unsigned queued = 0, done = 0, waits = 0;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL | IORING_SETUP_CQSIZE;
	p.cq_entries = 64;
	p.sq_thread_idle = 1000;
	int ret = io_uring_queue_init_params(4, &ring, &p);
	CHECK(ret == 0, "init %d", ret);

	/* Space left: both return 0 at once. */
	CHECK(io_uring_sqring_wait(&ring) == 0, "sqring_wait with space");
	CHECK(__io_uring_sqring_wait(&ring) == 0, "__sqring_wait with space");

	while (done < total) {
		while (queued < total) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

			if (!sqe) {
				/* The thread may free slots right after get_sqe saw a full SQ. */
				CHECK(io_uring_sq_ready(&ring) <= ring.sq.ring_entries, "sq_ready %u",
				      io_uring_sq_ready(&ring));
				ret = io_uring_submit(&ring);
				CHECK(ret >= 0, "submit %d", ret);
				ret = io_uring_sqring_wait(&ring);
				CHECK(ret == 0, "sqring_wait %d", ret);
				waits++;
				break;
			}
			io_uring_prep_nop(sqe);
			sqe->user_data = queued++;
		}
		ret = io_uring_submit(&ring);
		CHECK(ret >= 0, "submit %d", ret);
		struct io_uring_cqe *cqe;
		unsigned head, n = 0;
		io_uring_for_each_cqe(&ring, head, cqe) {
			CHECK(cqe->res == 0 && cqe->user_data < queued, "cqe");
			n++;
		}
		io_uring_cq_advance(&ring, n);
		done += n;
		if (!n && queued == total) {
			ret = io_uring_wait_cqe(&ring, &cqe);
			CHECK(ret == 0, "wait %d", ret);
		}
	}
	CHECK(done == total, "done %u", done);
	CHECK(waits > 0, "SQ never filled up");
	io_uring_queue_exit(&ring);

	/* Without SQPOLL, sqring_wait is a no-op. */
	CHECK(io_uring_queue_init(2, &ring, 0) == 0, "plain");
	queue_nops(&ring, 2, 0);
	CHECK(io_uring_sq_space_left(&ring) == 0, "full");
	CHECK(io_uring_sqring_wait(&ring) == 0, "no SQPOLL: 0");
	CHECK(io_uring_submit_and_wait(&ring, 2) == 2, "submit");
	reap(&ring, 2, 0);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	int cpu = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 1 : 0;

	test_idle_wakeup(cpu);
	test_idle_wakeup(0);
	test_sqring_wait();
	return T_EXIT_PASS;
}
