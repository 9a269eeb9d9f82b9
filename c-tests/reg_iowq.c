/* SPDX-License-Identifier: MIT */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/*
 * io-wq tuning on the kernel: register_iowq_max_workers reads back the limits in force
 * (values {0,0}), sets new ones and returns the previous pair; register_iowq_aff pins the
 * ring's io-wq workers: a worker started afterwards by an IOSQE_ASYNC read runs only on
 * the chosen CPU (its Cpus_allowed_list in /proc); unregister_iowq_aff and the error
 * codes (size >= 2^31 refused by the library, the rest as the raw syscall answers).
 */
#include "helpers.h"
#include <liburing.h>
#include <dirent.h>
#include <sched.h>
#include <unistd.h>

static struct io_uring ring;

/* Cpus_allowed_list of the first io-wq worker thread of this process, or NULL. */
static const char *worker_cpus(void)
{
	static char list[256];
	struct dirent *de;
	DIR *d = opendir("/proc/self/task");
	const char *found = NULL;

	CHECK(d, "opendir");
	while (!found && (de = readdir(d))) {
		char path[300], line[300];
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(line, sizeof(line), f) && strncmp(line, "iou-wrk-", 8) == 0) {
			fclose(f);
			snprintf(path, sizeof(path), "/proc/self/task/%s/status", de->d_name);
			f = fopen(path, "r");
			CHECK(f, "status");
			while (fgets(line, sizeof(line), f)) {
				if (sscanf(line, "Cpus_allowed_list: %255s", list) == 1) {
					found = list;
					break;
				}
			}
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

int main(void)
{
	unsigned int vals[2] = { 0, 0 }, orig[2];
	cpu_set_t set, mine;
	int ret, raw, cpu = -1;

	CHECK(io_uring_queue_init(8, &ring, 0) == 0, "queue_init");

	/* Max workers. */
	CHECK(io_uring_register_iowq_max_workers(&ring, vals) == 0, "read limits");
	CHECK(vals[0] > 0 && vals[1] > 0, "limits %u %u", vals[0], vals[1]);
	orig[0] = vals[0];
	orig[1] = vals[1];
	vals[0] = 1;
	vals[1] = 3;
	CHECK(io_uring_register_iowq_max_workers(&ring, vals) == 0, "set limits");
	CHECK(vals[0] == orig[0] && vals[1] == orig[1], "previous limits returned: %u %u", vals[0], vals[1]);
	vals[0] = vals[1] = 0;
	CHECK(io_uring_register_iowq_max_workers(&ring, vals) == 0 && vals[0] == 1 && vals[1] == 3,
	      "limits now %u %u", vals[0], vals[1]);
	CHECK(io_uring_register_iowq_max_workers(&ring, NULL) == -EFAULT, "NULL values");
	CHECK(io_uring_register_iowq_max_workers(NULL, vals) == -EINVAL, "NULL ring");

	/* Affinity: pick the highest CPU we may run on. */
	CHECK(sched_getaffinity(0, sizeof(mine), &mine) == 0, "getaffinity");
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &mine))
			cpu = c;
	CHECK(cpu >= 0, "some cpu");
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	CHECK(io_uring_register_iowq_aff(&ring, (size_t)1 << 31, &set) == -EINVAL, "huge size");
	raw = io_uring_register(ring.ring_fd, IORING_REGISTER_IOWQ_AFF, &set, 0);
	ret = io_uring_register_iowq_aff(&ring, 0, &set);
	CHECK(ret == raw && ret < 0, "size 0: %d, raw %d", ret, raw);
	ret = io_uring_register_iowq_aff(&ring, sizeof(set), &set);
	CHECK(ret == 0, "register_iowq_aff %d", ret);

	/* Start a worker: a file read forced to io-wq. */
	int fd = t_tmpfile();
	char buf[8];
	CHECK(pwrite(fd, "worker", 6, 0) == 6, "pwrite");
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_ASYNC;
	CHECK(io_uring_submit_and_wait(&ring, 1) == 1, "submit");
	struct io_uring_cqe *cqe;
	CHECK(io_uring_wait_cqe(&ring, &cqe) == 0 && cqe->res == 6, "read cqe");
	io_uring_cqe_seen(&ring, cqe);
	const char *cpus = worker_cpus();
	CHECK(cpus, "no io-wq worker thread found");
	char want[16];
	snprintf(want, sizeof(want), "%d", cpu);
	CHECK(strcmp(cpus, want) == 0, "worker runs on %s, want %s", cpus, want);

	CHECK(io_uring_unregister_iowq_aff(&ring) == 0, "unregister_iowq_aff");
	CHECK(io_uring_unregister_iowq_aff(NULL) == -EINVAL, "NULL ring");

	close(fd);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
