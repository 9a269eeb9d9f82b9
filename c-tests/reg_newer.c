/* SPDX-License-Identifier: MIT */
/*
 * The newest register calls on the kernel, each compared with the raw io_uring_register
 * syscall for the same arguments (on a kernel that refuses them, the error must come back
 * unchanged; where it accepts them, the effect is checked):
 *  - io_uring_register_query: IO_URING_QUERY_OPCODES agrees with the probe, a chain of
 *    two queries fills both, an unknown query op reports its error in hdr->result;
 *  - io_uring_register_ifq (zero-copy receive; needs a capable NIC);
 *  - io_uring_register_zcrx_ctrl;
 *  - io_uring_register_bpf_filter (ring) and _task (in a child, under no_new_privs):
 *    when accepted, a deny-all filter on NOP makes NOPs fail with -EACCES.
 * Prints which of them this kernel refused, with the errno.
 */
#include "helpers.h"
#include <liburing.h>
#include <linux/filter.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int nop_res(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe;
	int res;

	io_uring_prep_nop(sqe);
	CHECK(io_uring_submit(ring) == 1, "submit");
	CHECK(io_uring_wait_cqe(ring, &cqe) == 0, "wait");
	res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return res;
}

static void query(void)
{
	struct io_uring_query_opcode op, op_raw;
	struct io_uring_query_zcrx zq;
	struct io_uring_query_hdr h, h2, hraw;
	struct io_uring_probe *p;
	int ret, raw;

	memset(&op, 0, sizeof(op));
	memset(&h, 0, sizeof(h));
	h.query_data = (unsigned long)&op;
	h.query_op = IO_URING_QUERY_OPCODES;
	h.size = sizeof(op);
	hraw = h;
	memset(&op_raw, 0, sizeof(op_raw));
	hraw.query_data = (unsigned long)&op_raw;
	raw = io_uring_register(-1, IORING_REGISTER_QUERY, &hraw, 0);
	ret = io_uring_register_query(&h);
	CHECK(ret == raw, "query: %d, raw %d", ret, raw);
	if (ret < 0) {
		t_skip_case("query", "kernel refuses IORING_REGISTER_QUERY: %d (%s)", ret, strerror(-ret));
		return;
	}
	CHECK(h.result == hraw.result && memcmp(&op, &op_raw, sizeof(op)) == 0, "same answer as raw");
	CHECK(h.result == 0, "query result %d", h.result);
	p = io_uring_get_probe();
	CHECK(p, "probe");
	CHECK(op.nr_request_opcodes == (unsigned)p->last_op + 1, "nr_request_opcodes %u, probe %u",
	      op.nr_request_opcodes, p->last_op + 1);
	io_uring_free_probe(p);
	CHECK(op.nr_register_opcodes > IORING_REGISTER_MEM_REGION, "nr_register_opcodes %u", op.nr_register_opcodes);
	CHECK(op.ring_setup_flags & IORING_SETUP_NO_SQARRAY, "setup flags 0x%llx", (unsigned long long)op.ring_setup_flags);
	CHECK(op.sqe_flags & IOSQE_BUFFER_SELECT, "sqe flags");

	/* A chain: OPCODES then ZCRX; the second one may be unknown to the kernel. */
	memset(&op, 0, sizeof(op));
	memset(&zq, 0, sizeof(zq));
	memset(&h2, 0, sizeof(h2));
	h2.query_data = (unsigned long)&zq;
	h2.query_op = IO_URING_QUERY_ZCRX;
	h2.size = sizeof(zq);
	h.next_entry = (unsigned long)&h2;
	ret = io_uring_register_query(&h);
	CHECK(ret == 0 && h.result == 0 && op.nr_request_opcodes > 0, "chained query %d/%d", ret, h.result);
	CHECK(h2.result <= 0, "second query answered: %d", h2.result);
	fprintf(stderr, "IO_URING_QUERY_ZCRX result: %d\n", h2.result);

	/* An unknown query op: the error is in the header, the call itself succeeds. */
	memset(&h, 0, sizeof(h));
	h.query_data = (unsigned long)&op;
	h.query_op = 200;
	h.size = sizeof(op);
	ret = io_uring_register_query(&h);
	CHECK(ret == 0 && h.result < 0, "unknown query op: %d / %d", ret, h.result);
	CHECK(io_uring_register_query(NULL) == io_uring_register(-1, IORING_REGISTER_QUERY, NULL, 0), "NULL");
}

static void zcrx(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_zcrx_ifq_reg reg, reg_raw;
	struct io_uring_zcrx_area_reg area;
	struct zcrx_ctrl ctrl;
	static char mem[65536] __attribute__((aligned(4096)));
	int ret, raw;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_CQE32;
	CHECK(io_uring_queue_init_params(8, &ring, &p) == 0, "zcrx ring");
	memset(&area, 0, sizeof(area));
	area.addr = (unsigned long)mem;
	area.len = sizeof(mem);
	memset(&reg, 0, sizeof(reg));
	reg.if_idx = 1; /* loopback: no hardware rx queues */
	reg.if_rxq = 0;
	reg.rq_entries = 64;
	reg.area_ptr = (unsigned long)&area;
	/* The refill queue: a kernel-allocated region of two pages. */
	struct io_uring_region_desc rd;
	memset(&rd, 0, sizeof(rd));
	rd.size = 2 * sysconf(_SC_PAGESIZE);
	reg.region_ptr = (unsigned long)&rd;
	reg_raw = reg;
	raw = io_uring_register(ring.ring_fd, IORING_REGISTER_ZCRX_IFQ, &reg_raw, 1);
	ret = io_uring_register_ifq(&ring, &reg);
	CHECK(ret == raw, "register_ifq: %d, raw %d", ret, raw);
	fprintf(stderr, "IORING_REGISTER_ZCRX_IFQ on lo: %d (%s)\n", ret, ret < 0 ? strerror(-ret) : "ok");
	CHECK(io_uring_register_ifq(NULL, &reg) == -EINVAL, "NULL ring");

	memset(&ctrl, 0, sizeof(ctrl));
	ctrl.zcrx_id = 0;
	ctrl.op = ZCRX_CTRL_FLUSH_RQ;
	raw = io_uring_register(ring.ring_fd, IORING_REGISTER_ZCRX_CTRL, &ctrl, 0);
	ret = io_uring_register_zcrx_ctrl(&ring, &ctrl);
	CHECK(ret == raw && ret < 0, "zcrx_ctrl on no instance: %d, raw %d", ret, raw);
	fprintf(stderr, "IORING_REGISTER_ZCRX_CTRL: %d (%s)\n", ret, strerror(-ret));
	io_uring_queue_exit(&ring);
}

static struct sock_filter deny_all[] = {
	BPF_STMT(BPF_RET | BPF_K, 0),
};

static void fill_bpf(struct io_uring_bpf *b)
{
	memset(b, 0, sizeof(*b));
	b->cmd_type = IO_URING_BPF_CMD_FILTER;
	b->filter.opcode = IORING_OP_NOP;
	b->filter.filter_len = 1;
	b->filter.filter_ptr = (unsigned long)deny_all;
}

static void bpf_ring(void)
{
	struct io_uring ring, ring2;
	struct io_uring_bpf b;
	int ret, raw;

	CHECK(io_uring_queue_init(8, &ring, 0) == 0, "ring");
	CHECK(io_uring_queue_init(8, &ring2, 0) == 0, "ring2");
	fill_bpf(&b);
	raw = io_uring_register(ring2.ring_fd, IORING_REGISTER_BPF_FILTER, &b, 1);
	fill_bpf(&b);
	ret = io_uring_register_bpf_filter(&ring, &b);
	fprintf(stderr, "IORING_REGISTER_BPF_FILTER (ring): %d (%s)\n", ret, ret < 0 ? strerror(-ret) : "ok");
	CHECK(ret == raw, "bpf_filter: %d, raw %d", ret, raw);
	if (ret == 0) {
		CHECK(nop_res(&ring) == -EACCES, "NOP denied by the filter");
		CHECK(nop_res(&ring2) == -EACCES, "NOP denied on the raw-registered ring");
	} else {
		CHECK(nop_res(&ring) == 0, "NOP still allowed");
	}
	CHECK(io_uring_register_bpf_filter(NULL, &b) == -EINVAL, "NULL ring");
	io_uring_queue_exit(&ring);
	io_uring_queue_exit(&ring2);
}

static void bpf_task(void)
{
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		struct io_uring_bpf b;
		struct io_uring ring;
		int ret, raw;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
			_exit(2);
		fill_bpf(&b);
		b.filter.opcode = IORING_OP_LAST + 50; /* invalid opcode: refused whatever the kernel */
		raw = io_uring_register(-1, IORING_REGISTER_BPF_FILTER, &b, 1);
		ret = io_uring_register_bpf_filter_task(&b);
		if (ret != raw || ret >= 0)
			_exit(3);
		fill_bpf(&b);
		ret = io_uring_register_bpf_filter_task(&b);
		fprintf(stderr, "IORING_REGISTER_BPF_FILTER (task): %d (%s)\n", ret, ret < 0 ? strerror(-ret) : "ok");
		if (ret < 0) {
			/* Refused: the raw call must say the same. */
			fill_bpf(&b);
			_exit(io_uring_register(-1, IORING_REGISTER_BPF_FILTER, &b, 1) == ret ? 0 : 4);
		}
		if (io_uring_queue_init(8, &ring, 0) != 0)
			_exit(5);
		_exit(nop_res(&ring) == -EACCES ? 0 : 6);
	}
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "task filter child: status 0x%x", status);
}

int main(void)
{
	query();
	zcrx();
	bpf_ring();
	bpf_task();
	return T_EXIT_PASS;
}
