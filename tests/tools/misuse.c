/* misuse CASE: one class of io_uring misuse for IO_URINE_CHECK=1 to catch (or, for the
 * "clean" case, the same operations used correctly). Each case checks that the kernel
 * reacts as the warning predicts; exit 0 when it did, 77 when this kernel cannot show
 * the case, 1 otherwise. The program itself prints nothing on success. */
#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct io_uring ring;
static char buf[64];

/* Submits what is queued and reaps one completion; returns its result. */
static int one(void)
{
	struct io_uring_cqe *cqe;
	int ret = io_uring_submit_and_wait(&ring, 1);

	if (ret < 0)
		return 1000 + ret;
	ret = io_uring_wait_cqe(&ring, &cqe);
	if (ret)
		return 1000 + ret;
	ret = cqe->res;
	io_uring_cqe_seen(&ring, cqe);
	return ret;
}

static struct io_uring_sqe *sqe_ud(__u64 ud)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

	sqe->user_data = ud;
	return sqe;
}

/* A NOP whose opcode byte is `op` and flags byte `flags`: expects -EINVAL. */
static int nop_as(__u64 ud, int op, int flags)
{
	struct io_uring_sqe *sqe = sqe_ud(ud);

	io_uring_prep_nop(sqe);
	sqe->opcode = op;
	sqe->flags = flags;
	return one() == -EINVAL ? 0 : 1;
}

/* A recv with buffer select from group `bgid` on a socket with 5 bytes waiting. */
static int recv_select(int bgid, int *sv)
{
	struct io_uring_sqe *sqe = sqe_ud(3);

	io_uring_prep_recv(sqe, sv[0], NULL, sizeof(buf), 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = bgid;
	return one();
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int sv[2], ret, err;

	if (!strncmp(c, "setup-", 6)) {
		unsigned flags = !strcmp(c, "setup-unknown") ? 1u << 30 : IORING_SETUP_SQE_MIXED;
		ret = io_uring_queue_init(8, &ring, flags);
		if (ret == 0)
			return 77; /* this kernel accepts it: nothing to diagnose */
		return ret == -EINVAL ? 0 : 1;
	}
	if (io_uring_queue_init(8, &ring, 0) || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) ||
	    write(sv[1], "hello", 5) != 5)
		return 1;
	if (!strcmp(c, "opcode"))
		return nop_as(1, 250, 0);
	if (!strcmp(c, "opcode-known")) {
		/* The first opcode liburing 2.15 names that this kernel's probe lacks. */
		struct io_uring_probe *p = io_uring_get_probe_ring(&ring);
		int op;

		if (!p)
			return 1;
		for (op = 0; op < IORING_OP_LAST && io_uring_opcode_supported(p, op); op++)
			;
		io_uring_free_probe(p);
		if (op == IORING_OP_LAST)
			return 77; /* this kernel has them all */
		return nop_as(op, op, 0);
	}
	if (!strcmp(c, "sqe-flags"))
		return nop_as(2, IORING_OP_NOP, 0x80);
	if (!strcmp(c, "fixed-file")) {
		sqe = sqe_ud(4);
		io_uring_prep_read(sqe, 0, buf, 4, 0);
		sqe->flags |= IOSQE_FIXED_FILE;
		return one() == -EBADF ? 0 : 1;
	}
	if (!strcmp(c, "buffer-select"))
		return recv_select(7, sv) == -ENOBUFS ? 0 : 1;
	if (!strcmp(c, "cq-advance")) {
		sqe = sqe_ud(5);
		io_uring_prep_nop(sqe);
		if (one() != 0)
			return 1;
		/* One completion was ready and reaped; consume two more that never came. */
		io_uring_cq_advance(&ring, 2);
		if (io_uring_cq_ready(&ring) < 8)
			return 1; /* the head is not past the tail: nothing to show */
		io_uring_submit(&ring);
		return 0;
	}
	if (!strcmp(c, "clean")) {
		/* The same operations, used correctly: no warning may appear. */
		int fds[1] = { sv[0] };
		struct io_uring_buf_ring *br;

		sqe = sqe_ud(1);
		io_uring_prep_nop(sqe);
		sqe->flags = IOSQE_IO_LINK;
		sqe = sqe_ud(2);
		io_uring_prep_nop(sqe);
		if (io_uring_submit_and_wait(&ring, 2) != 2)
			return 1;
		io_uring_cq_advance(&ring, 2);
		if (io_uring_register_files(&ring, fds, 1))
			return 1;
		sqe = sqe_ud(4);
		io_uring_prep_recv(sqe, 0, buf, 2, 0);
		sqe->flags |= IOSQE_FIXED_FILE;
		if (one() != 2)
			return 1;
		/* Group 7 from a buffer ring, group 8 provided in the same batch. */
		br = io_uring_setup_buf_ring(&ring, 1, 7, 0, &err);
		if (!br)
			return err == -EINVAL ? 77 : 1;
		io_uring_buf_ring_add(br, buf, 16, 0, io_uring_buf_ring_mask(1), 0);
		io_uring_buf_ring_advance(br, 1);
		if (recv_select(7, sv) <= 0)
			return 1;
		if (write(sv[1], "again", 5) != 5)
			return 1;
		sqe = sqe_ud(6);
		io_uring_prep_provide_buffers(sqe, buf + 32, 16, 1, 8, 0);
		sqe->flags |= IOSQE_IO_LINK;
		ret = recv_select(8, sv);
		if (ret != 0) /* the PROVIDE_BUFFERS completion comes first */
			return 1;
		if (io_uring_cq_ready(&ring) == 0 && io_uring_wait_cqe(&ring, &cqe))
			return 1;
		return 0;
	}
	fprintf(stderr, "usage: %s opcode|opcode-known|sqe-flags|fixed-file|buffer-select|cq-advance|setup-unknown|setup-new|clean\n", argv[0]);
	return 2;
}
