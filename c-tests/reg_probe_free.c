/* SPDX-License-Identifier: MIT */
/*
 * Probes are free()-able, as with liburing built with libc (Debian's liburing2): programs
 * release io_uring_get_probe / io_uring_get_probe_ring results with libc's free() instead
 * of io_uring_free_probe, and io_uring_free_probe releases a probe the program allocated
 * itself with malloc (liburing's free_probe is a plain free). Each probe is used after
 * the free of the one before it, so a heap mix-up shows at once; run under valgrind and
 * AddressSanitizer by the valgrind tier, where any mismatch is reported.
 */
#include "helpers.h"
#include <liburing.h>
#include <malloc.h>
#include <stdlib.h>

static void check_probe(const struct io_uring_probe *p)
{
	CHECK(p->last_op >= IORING_OP_NOP && p->ops_len > 0, "last_op %u ops_len %u", p->last_op, p->ops_len);
	CHECK(io_uring_opcode_supported(p, IORING_OP_NOP), "NOP unsupported");
}

int main(void)
{
	struct io_uring ring;

	CHECK(io_uring_queue_init(4, &ring, 0) == 0, "queue_init");
	for (int round = 0; round < 50; round++) {
		struct io_uring_probe *p = io_uring_get_probe();
		struct io_uring_probe *pr = io_uring_get_probe_ring(&ring);

		CHECK(p && pr, "get_probe %p get_probe_ring %p", (void *)p, (void *)pr);
		check_probe(p);
		check_probe(pr);
		/* A malloc block: libc knows its size (it would abort on anything else). */
		CHECK(malloc_usable_size(p) >= sizeof(*p) + 256 * sizeof(p->ops[0]), "probe not from malloc");
		free(p);
		free(pr);
	}
	/* The program's own malloc'd probe, filled by the kernel, released by the library. */
	size_t len = sizeof(struct io_uring_probe) + 64 * sizeof(struct io_uring_probe_op);
	struct io_uring_probe *mine = calloc(1, len);
	CHECK(mine, "calloc");
	CHECK(io_uring_register_probe(&ring, mine, 64) == 0, "register_probe");
	check_probe(mine);
	io_uring_free_probe(mine);
	io_uring_free_probe(io_uring_get_probe());
	io_uring_free_probe(NULL);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
