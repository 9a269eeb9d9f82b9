/* SPDX-License-Identifier: MIT */
/*
 * The multishot recvmsg parsers on buffers the kernel did not write as it would: an
 * io_uring_recvmsg_out whose controllen exceeds what the msghdr reserved (memory a
 * program reused) must not make io_uring_recvmsg_cmsg_firsthdr / _nexthdr hand out or
 * read headers beyond msg_controllen. Each buffer is malloc'd to its exact size, so a
 * read past it is also caught by valgrind and AddressSanitizer.
 */
#include "helpers.h"
#include <liburing.h>
#include <sys/socket.h>

/* A heap buffer: recvmsg_out, no name, `reserved` control bytes, no payload. */
static struct io_uring_recvmsg_out *make(size_t reserved, unsigned stored_controllen)
{
	size_t len = sizeof(struct io_uring_recvmsg_out) + reserved;
	struct io_uring_recvmsg_out *o = calloc(1, len);

	CHECK(o, "calloc");
	o->controllen = stored_controllen;
	return o;
}

int main(void)
{
	struct msghdr msg;
	struct cmsghdr *c;
	struct io_uring_recvmsg_out *o;

	memset(&msg, 0, sizeof(msg));
	/* Less than one header reserved: nothing to hand out, whatever controllen says. */
	msg.msg_controllen = sizeof(struct cmsghdr) - 8;
	o = make(msg.msg_controllen, 4096);
	CHECK(io_uring_recvmsg_validate(o, sizeof(*o) + msg.msg_controllen, &msg) == o, "validate");
	c = io_uring_recvmsg_cmsg_firsthdr(o, &msg);
	CHECK(c == NULL, "first header outside the %zu reserved bytes", (size_t)msg.msg_controllen);
	free(o);

	/* One message fills the reserved area; controllen claims 4096: no second one. */
	msg.msg_controllen = CMSG_SPACE(4);
	o = make(msg.msg_controllen, 4096);
	c = io_uring_recvmsg_cmsg_firsthdr(o, &msg);
	CHECK(c == (struct cmsghdr *)(o + 1), "first header");
	c->cmsg_len = CMSG_LEN(4);
	CHECK(io_uring_recvmsg_cmsg_nexthdr(o, &msg, c) == NULL, "next header past msg_controllen");
	/* A cmsg_len beyond the reserved area is refused too. */
	c->cmsg_len = CMSG_LEN(64);
	CHECK(io_uring_recvmsg_cmsg_nexthdr(o, &msg, c) == NULL, "cmsg_len past msg_controllen");
	free(o);

	/* Two messages reserved, the kernel stored one: only the stored one is seen. */
	msg.msg_controllen = 2 * CMSG_SPACE(4);
	o = make(msg.msg_controllen, CMSG_SPACE(4));
	c = io_uring_recvmsg_cmsg_firsthdr(o, &msg);
	CHECK(c, "first header");
	c->cmsg_len = CMSG_LEN(4);
	CHECK(io_uring_recvmsg_cmsg_nexthdr(o, &msg, c) == NULL, "next header past controllen");
	/* ...and both when both were stored. */
	o->controllen = 2 * CMSG_SPACE(4);
	struct cmsghdr *c2 = io_uring_recvmsg_cmsg_nexthdr(o, &msg, c);
	CHECK(c2 == (struct cmsghdr *)((char *)c + CMSG_SPACE(4)), "second header");
	c2->cmsg_len = CMSG_LEN(4);
	CHECK(io_uring_recvmsg_cmsg_nexthdr(o, &msg, c2) == NULL, "third header");
	free(o);
	return T_EXIT_PASS;
}
