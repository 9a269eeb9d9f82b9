/* SPDX-License-Identifier: MIT */
/*
 * nop-storm: batches of 32 NOPs (get_sqe, prep_nop, set_data64; submit_and_wait;
 * io_uring_for_each_cqe + cq_advance), reporting ns per operation. `make bench-c`
 * builds it against Debian's liburing 2.3 and against io_urine and runs both, plus the
 * 2.3-built binary on io_urine (LD_LIBRARY_PATH).
 */
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	long total = argc > 1 ? atol(argv[1]) : 4000000, done = 0;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	unsigned head;
	double t0;

	if (io_uring_queue_init(64, &ring, 0) < 0)
		return 1;
	t0 = now();
	while (done < total) {
		unsigned n = 0;

		for (int i = 0; i < 32; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

			io_uring_prep_nop(sqe);
			io_uring_sqe_set_data64(sqe, i);
		}
		if (io_uring_submit_and_wait(&ring, 32) != 32)
			return 1;
		io_uring_for_each_cqe(&ring, head, cqe)
			n++;
		io_uring_cq_advance(&ring, n);
		done += n;
	}
	printf("%.1f\n", (now() - t0) * 1e9 / done);
	io_uring_queue_exit(&ring);
	return 0;
}
