/* SPDX-License-Identifier: MIT */
/*
 * Read/write prep helpers on the real kernel: read/write at offsets and at the file
 * position, readv/writev, readv2/writev2 (RWF_APPEND really appends, unknown RWF bits are
 * refused, proving rw_flags reach the kernel), read_fixed/write_fixed and
 * readv_fixed/writev_fixed on registered buffers (raw IORING_REGISTER_BUFFERS), and
 * read_multishot on a pipe with a raw-registered provided-buffer ring (one CQE per
 * chunk, buffer ids, F_MORE, EOF ends it). Every byte read back is compared.
 */
#include "helpers.h"
#include <liburing.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define BS 4096

static struct io_uring ring;

#define sqe_get() t_get_sqe(&ring)

/* Submit everything queued, wait for one CQE, return its res (checking user_data). */
static int run1(__u64 ud)
{
	struct io_uring_cqe *cqe;
	int ret = io_uring_submit_and_wait(&ring, 1);

	CHECK(ret >= 1, "submit_and_wait %d", ret);
	ret = io_uring_wait_cqe(&ring, &cqe);
	CHECK(ret == 0, "wait_cqe %d", ret);
	CHECK(cqe->user_data == ud, "user_data %llu want %llu", (unsigned long long)cqe->user_data,
	      (unsigned long long)ud);
	ret = cqe->res;
	io_uring_cqe_seen(&ring, cqe);
	return ret;
}

static void test_read_write(int fd)
{
	static char wbuf[2 * BS], rbuf[2 * BS];
	struct io_uring_sqe *sqe;
	int ret;

	t_fill(wbuf, sizeof(wbuf), 1);
	sqe = sqe_get();
	io_uring_prep_write(sqe, fd, wbuf, BS, 0);
	sqe->user_data = 1;
	CHECK((ret = run1(1)) == BS, "write %d", ret);
	sqe = sqe_get();
	io_uring_prep_write(sqe, fd, wbuf + BS, BS, BS);
	sqe->user_data = 2;
	CHECK((ret = run1(2)) == BS, "write@4k %d", ret);

	sqe = sqe_get();
	io_uring_prep_read(sqe, fd, rbuf, sizeof(rbuf), 0);
	sqe->user_data = 3;
	CHECK((ret = run1(3)) == 2 * BS, "read %d", ret);
	CHECK(memcmp(rbuf, wbuf, sizeof(rbuf)) == 0, "read data differs");

	/* offset -1: the file position, which the read advances */
	CHECK(lseek(fd, 100, SEEK_SET) == 100, "lseek");
	memset(rbuf, 0, sizeof(rbuf));
	sqe = sqe_get();
	io_uring_prep_read(sqe, fd, rbuf, 50, (__u64)-1);
	sqe->user_data = 4;
	CHECK((ret = run1(4)) == 50, "read at pos %d", ret);
	CHECK(memcmp(rbuf, wbuf + 100, 50) == 0, "read at pos data");
	CHECK(lseek(fd, 0, SEEK_CUR) == 150, "file position not advanced");

	/* reading past EOF gives 0 */
	sqe = sqe_get();
	io_uring_prep_read(sqe, fd, rbuf, 10, 2 * BS);
	sqe->user_data = 5;
	CHECK((ret = run1(5)) == 0, "read at EOF %d", ret);
}

static void test_vectored(int fd)
{
	static char a[1000], b[3000], ra[3000], rb[1000];
	struct iovec wv[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct iovec rv[2] = { { ra, sizeof(ra) }, { rb, sizeof(rb) } };
	struct io_uring_sqe *sqe;
	struct stat st;
	char whole[4000];
	int ret;

	CHECK(ftruncate(fd, 0) == 0, "ftruncate");
	t_fill(a, sizeof(a), 2);
	t_fill(b, sizeof(b), 3);
	sqe = sqe_get();
	io_uring_prep_writev(sqe, fd, wv, 2, 0);
	sqe->user_data = 10;
	CHECK((ret = run1(10)) == 4000, "writev %d", ret);
	memcpy(whole, a, sizeof(a));
	memcpy(whole + sizeof(a), b, sizeof(b));

	sqe = sqe_get();
	io_uring_prep_readv(sqe, fd, rv, 2, 0);
	sqe->user_data = 11;
	CHECK((ret = run1(11)) == 4000, "readv %d", ret);
	CHECK(memcmp(ra, whole, 3000) == 0 && memcmp(rb, whole + 3000, 1000) == 0, "readv data");

	/* readv2 with flags 0 and an offset */
	memset(ra, 0, sizeof(ra));
	struct iovec one = { ra, 500 };
	sqe = sqe_get();
	io_uring_prep_readv2(sqe, fd, &one, 1, 1234, 0);
	sqe->user_data = 12;
	CHECK((ret = run1(12)) == 500, "readv2 %d", ret);
	CHECK(memcmp(ra, whole + 1234, 500) == 0, "readv2 data");

	/* readv2 with an RWF bit the kernel does not know: refused, so the flags arrived */
	sqe = sqe_get();
	io_uring_prep_readv2(sqe, fd, &one, 1, 0, (int)0x40000000);
	sqe->user_data = 13;
	ret = run1(13);
	CHECK(ret == -EOPNOTSUPP, "readv2 with unknown RWF bit: %d", ret);

	/* writev2 with RWF_APPEND at offset 0 appends at the end instead */
	char tail[64];
	struct iovec tv = { tail, sizeof(tail) };
	t_fill(tail, sizeof(tail), 4);
	sqe = sqe_get();
	io_uring_prep_writev2(sqe, fd, &tv, 1, 0, RWF_APPEND);
	sqe->user_data = 14;
	CHECK((ret = run1(14)) == 64, "writev2 append %d", ret);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 4064, "size after append %lld", (long long)st.st_size);
	CHECK(pread(fd, ra, 64, 4000) == 64 && memcmp(ra, tail, 64) == 0, "appended data");
	CHECK(pread(fd, ra, 64, 0) == 64 && memcmp(ra, a, 64) == 0, "RWF_APPEND overwrote offset 0");
}

static void test_fixed(int fd)
{
	char *bufs = mmap(NULL, 2 * BS, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct iovec reg[2];
	struct io_uring_sqe *sqe;
	int ret;

	CHECK(bufs != MAP_FAILED, "mmap");
	reg[0].iov_base = bufs;
	reg[0].iov_len = BS;
	reg[1].iov_base = bufs + BS;
	reg[1].iov_len = BS;
	ret = io_uring_register(ring.ring_fd, IORING_REGISTER_BUFFERS, reg, 2);
	CHECK(ret == 0, "register buffers %d", ret);

	CHECK(ftruncate(fd, 0) == 0, "ftruncate");
	t_fill(bufs, BS, 5);
	/* write_fixed from the middle of buffer 0 */
	sqe = sqe_get();
	io_uring_prep_write_fixed(sqe, fd, bufs + 1024, 2048, 512, 0);
	sqe->user_data = 20;
	CHECK((ret = run1(20)) == 2048, "write_fixed %d", ret);
	char check[2048];
	CHECK(pread(fd, check, 2048, 512) == 2048 && memcmp(check, bufs + 1024, 2048) == 0,
	      "write_fixed data");

	/* read_fixed into buffer 1 */
	memset(bufs + BS, 0, BS);
	sqe = sqe_get();
	io_uring_prep_read_fixed(sqe, fd, bufs + BS + 100, 2048, 512, 1);
	sqe->user_data = 21;
	CHECK((ret = run1(21)) == 2048, "read_fixed %d", ret);
	CHECK(memcmp(bufs + BS + 100, bufs + 1024, 2048) == 0, "read_fixed data");

	/* a buffer outside the registered one is refused: buf_index really is used */
	static char other[64];
	sqe = sqe_get();
	io_uring_prep_read_fixed(sqe, fd, other, sizeof(other), 0, 1);
	sqe->user_data = 22;
	ret = run1(22);
	CHECK(ret == -EFAULT, "read_fixed outside the registered buffer: %d", ret);

	/* writev_fixed: two pieces of buffer 0; readv_fixed: two pieces of buffer 1 */
	struct iovec wv[2] = { { bufs, 300 }, { bufs + 2000, 700 } };
	sqe = sqe_get();
	io_uring_prep_writev_fixed(sqe, fd, wv, 2, 0, 0, 0);
	sqe->user_data = 23;
	ret = run1(23);
	if ((ret == -EINVAL || ret == -EOPNOTSUPP) && !t_kernel_has_op(IORING_OP_WRITEV_FIXED)) {
		t_skip_case("readv_writev_fixed", "kernel lacks IORING_OP_READV/WRITEV_FIXED (%d)", ret);
	} else {
		CHECK(ret == 1000, "writev_fixed %d", ret);
		memset(bufs + BS, 0, BS);
		struct iovec rv[2] = { { bufs + BS + 3000, 600 }, { bufs + BS, 400 } };
		sqe = sqe_get();
		io_uring_prep_readv_fixed(sqe, fd, rv, 2, 0, 0, 1);
		sqe->user_data = 24;
		CHECK((ret = run1(24)) == 1000, "readv_fixed %d", ret);
		CHECK(memcmp(bufs + BS + 3000, bufs, 300) == 0 &&
		      memcmp(bufs + BS + 3300, bufs + 2000, 300) == 0 &&
		      memcmp(bufs + BS, bufs + 2300, 400) == 0, "readv_fixed data");
		/* iovec outside the registered buffer */
		struct iovec bad = { other, sizeof(other) };
		sqe = sqe_get();
		io_uring_prep_readv_fixed(sqe, fd, &bad, 1, 0, 0, 1);
		sqe->user_data = 25;
		ret = run1(25);
		CHECK(ret == -EFAULT, "readv_fixed outside the buffer: %d", ret);
	}
	ret = io_uring_register(ring.ring_fd, IORING_UNREGISTER_BUFFERS, NULL, 0);
	CHECK(ret == 0, "unregister buffers %d", ret);
	munmap(bufs, 2 * BS);
}

/* The kernel's provided-buffer ring ABI, under local names (registered raw). */
struct t_buf {
	__u64 addr;
	__u32 len;
	__u16 bid;
	__u16 resv;
};
struct t_buf_reg {
	__u64 ring_addr;
	__u32 ring_entries;
	__u16 bgid;
	__u16 flags;
	__u64 resv[3];
};

static void test_read_multishot(void)
{
	enum { NBUF = 4, BLEN = 64, BGID = 7 };
	static char data[NBUF][BLEN];
	struct t_buf *br = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct t_buf_reg reg;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int p[2], ret, i;

	CHECK(br != MAP_FAILED, "mmap");
	for (i = 0; i < NBUF; i++) {
		br[i].addr = (unsigned long)data[i];
		br[i].len = BLEN;
		br[i].bid = (__u16)(100 + i);
	}
	__atomic_store_n(&br[0].resv, (__u16)NBUF, __ATOMIC_RELEASE); /* the ring tail */
	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (unsigned long)br;
	reg.ring_entries = NBUF;
	reg.bgid = BGID;
	ret = io_uring_register(ring.ring_fd, IORING_REGISTER_PBUF_RING, &reg, 1);
	CHECK(ret == 0, "register pbuf ring %d", ret);
	CHECK(pipe(p) == 0, "pipe");

	sqe = sqe_get();
	io_uring_prep_read_multishot(sqe, p[0], 0, 0, BGID);
	CHECK(sqe->flags & IOSQE_BUFFER_SELECT, "read_multishot must set IOSQE_BUFFER_SELECT");
	sqe->user_data = 30;
	ret = io_uring_submit(&ring);
	CHECK(ret == 1, "submit %d", ret);

	const char *msgs[3] = { "first chunk", "second", "third one!" };
	for (i = 0; i < 3; i++) {
		CHECK(write(p[1], msgs[i], strlen(msgs[i])) == (ssize_t)strlen(msgs[i]), "pipe write");
		ret = io_uring_wait_cqe(&ring, &cqe);
		CHECK(ret == 0, "wait %d", ret);
		if (i == 0 && (cqe->res == -EINVAL || cqe->res == -EOPNOTSUPP || cqe->res == -EBADFD) &&
		    !t_kernel_has_op(IORING_OP_READ_MULTISHOT)) {
			io_uring_cqe_seen(&ring, cqe);
			t_skip_case("read_multishot", "kernel lacks IORING_OP_READ_MULTISHOT (%d)",
				    cqe->res);
			close(p[0]);
			close(p[1]);
			return;
		}
		CHECK(cqe->user_data == 30, "ud");
		CHECK(cqe->res == (int)strlen(msgs[i]), "chunk %d res %d", i, cqe->res);
		CHECK(cqe->flags & IORING_CQE_F_BUFFER, "no buffer flag");
		CHECK(cqe->flags & IORING_CQE_F_MORE, "multishot ended early");
		unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
		CHECK(bid == 100u + (unsigned)i, "buffer id %u", bid);
		CHECK(memcmp(data[i], msgs[i], strlen(msgs[i])) == 0, "chunk %d data", i);
		io_uring_cqe_seen(&ring, cqe);
	}
	/* EOF ends the multishot read: res 0, no F_MORE */
	close(p[1]);
	ret = io_uring_wait_cqe(&ring, &cqe);
	CHECK(ret == 0, "wait %d", ret);
	CHECK(cqe->user_data == 30 && cqe->res == 0 && !(cqe->flags & IORING_CQE_F_MORE),
	      "EOF cqe res %d flags %x", cqe->res, cqe->flags);
	io_uring_cqe_seen(&ring, cqe);
	close(p[0]);
	struct t_buf_reg unreg = { .bgid = BGID };
	ret = io_uring_register(ring.ring_fd, IORING_UNREGISTER_PBUF_RING, &unreg, 1);
	CHECK(ret == 0, "unregister pbuf ring %d", ret);
	munmap(br, 4096);
}

static void test_nop_and_rw(void)
{
	struct io_uring_sqe *sqe = sqe_get();
	static char buf[16];
	int p[2], ret;

	io_uring_prep_nop(sqe);
	sqe->user_data = 40;
	CHECK((ret = run1(40)) == 0, "nop %d", ret);

	/* the generic filler: a write to a pipe through io_uring_prep_rw */
	CHECK(pipe(p) == 0, "pipe");
	sqe = sqe_get();
	io_uring_prep_rw(IORING_OP_WRITE, sqe, p[1], "generic", 7, 0);
	sqe->user_data = 41;
	CHECK((ret = run1(41)) == 7, "prep_rw write %d", ret);
	CHECK(read(p[0], buf, sizeof(buf)) == 7 && memcmp(buf, "generic", 7) == 0, "prep_rw data");
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	int ret = io_uring_queue_init(8, &ring, 0);
	int fd = t_tmpfile();

	CHECK(ret == 0, "queue_init %d", ret);
	test_nop_and_rw();
	test_read_write(fd);
	test_vectored(fd);
	test_fixed(fd);
	test_read_multishot();
	close(fd);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
