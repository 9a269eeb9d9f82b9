/* SPDX-License-Identifier: MIT */
/*
 * Registered (fixed) files on the kernel: reads through IOSQE_FIXED_FILE slots with the
 * data checked, register_files_update (replace, clear with -1, skip with
 * IORING_REGISTER_FILES_SKIP), tags posted as CQEs when a tagged file leaves its slot
 * (update and unregister), a sparse table filled by direct opens (explicit slot and
 * IORING_FILE_INDEX_ALLOC within a register_file_alloc_range window), and the
 * RLIMIT_NOFILE retry of register_files / _sparse on -EMFILE.
 */
#include "helpers.h"
#include <liburing.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

static struct io_uring ring;

static struct io_uring_cqe *wait_one(void)
{
	struct io_uring_cqe *cqe = NULL;
	int ret = io_uring_wait_cqe(&ring, &cqe);

	CHECK(ret == 0 && cqe, "wait_cqe %d", ret);
	return cqe;
}

/* Reads 64 bytes at offset 0 through fixed slot `slot`; returns res, data in out. */
static int read_slot(int slot, char *out)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	struct io_uring_cqe *cqe;
	int res;

	io_uring_prep_read(sqe, slot, out, 64, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	sqe->user_data = 7;
	CHECK(io_uring_submit(&ring) == 1, "submit");
	cqe = wait_one();
	CHECK(cqe->user_data == 7, "user_data");
	res = cqe->res;
	io_uring_cqe_seen(&ring, cqe);
	return res;
}

/* A temp file holding 64 pattern bytes of `seed`. */
static int pattern_file(unsigned seed)
{
	char buf[64];
	int fd = t_tmpfile();

	t_fill(buf, sizeof(buf), seed);
	CHECK(pwrite(fd, buf, sizeof(buf), 0) == sizeof(buf), "pwrite");
	return fd;
}

static void expect_slot(int slot, unsigned seed)
{
	char buf[64];
	int ret = read_slot(slot, buf);

	CHECK(ret == 64, "read slot %d: %d", slot, ret);
	T_KERNEL_WROTE(buf, ret);
	CHECK(t_check(buf, 64, seed) == 0, "data of slot %d", slot);
}

/* Processes pending task work and counts ready CQEs with user_data == tag. */
static int tag_cqes(__u64 tag)
{
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 100 * 1000 * 1000 };
	struct io_uring_cqe *cqe;
	int n = 0;

	/*
	 * Before 6.4 the kernel posts a replaced file's tag from deferred work (up to a second
	 * later): a wanted tag is waited for, up to 5 s.
	 */
	for (int tries = 0; tries < 50; tries++) {
		io_uring_get_events(&ring);
		while (io_uring_peek_cqe(&ring, &cqe) == 0) {
			if (cqe->user_data == tag)
				n++;
			io_uring_cqe_seen(&ring, cqe);
		}
		if (n || !tag)
			break;
		io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
	}
	return n;
}

static void direct_open(const char *path, unsigned slot, __u64 ud, int expect)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	struct io_uring_cqe *cqe;

	io_uring_prep_openat_direct(sqe, AT_FDCWD, path, O_RDONLY, 0, slot);
	sqe->user_data = ud;
	CHECK(io_uring_submit(&ring) == 1, "submit open");
	cqe = wait_one();
	CHECK(cqe->user_data == ud, "open user_data");
	CHECK(cqe->res == expect, "direct open into %u: res %d, want %d", slot, cqe->res, expect);
	io_uring_cqe_seen(&ring, cqe);
}

static void rlimit_retry(void)
{
	struct rlimit old, low;
	int files[300];
	int ret;

	CHECK(getrlimit(RLIMIT_NOFILE, &old) == 0, "getrlimit");
	if (old.rlim_max != RLIM_INFINITY && old.rlim_max < 600) {
		t_skip_case("rlimit_retry", "hard RLIMIT_NOFILE below 600");
		return;
	}
	if (T_UNDER_VALGRIND()) {
		/* valgrind keeps RLIMIT_NOFILE to itself: the kernel never sees a lowered limit */
		t_skip_case("rlimit_retry", "valgrind emulates RLIMIT_NOFILE");
		return;
	}
	low = old;
	low.rlim_cur = 64;
	CHECK(setrlimit(RLIMIT_NOFILE, &low) == 0, "setrlimit");
	/* The raw call is refused: more files than RLIMIT_NOFILE. */
	for (int i = 0; i < 300; i++)
		files[i] = -1;
	ret = io_uring_register(ring.ring_fd, IORING_REGISTER_FILES, files, 300);
	CHECK(ret == -EMFILE, "raw register over the limit: %d", ret);
	/* The library raises the soft limit by nr and retries. */
	ret = io_uring_register_files(&ring, files, 300);
	CHECK(ret == 0, "register_files with retry: %d", ret);
	CHECK(getrlimit(RLIMIT_NOFILE, &low) == 0 && low.rlim_cur == 64 + 300,
	      "soft limit now %llu", (unsigned long long)low.rlim_cur);
	CHECK(io_uring_unregister_files(&ring) == 0, "unregister");
	/* The same for the sparse form. */
	low.rlim_cur = 64;
	CHECK(setrlimit(RLIMIT_NOFILE, &low) == 0, "setrlimit 2");
	ret = io_uring_register_files_sparse(&ring, 500);
	CHECK(ret == 0, "register_files_sparse with retry: %d", ret);
	CHECK(getrlimit(RLIMIT_NOFILE, &low) == 0 && low.rlim_cur == 64 + 500, "soft limit 2");
	CHECK(io_uring_unregister_files(&ring) == 0, "unregister 2");
	CHECK(setrlimit(RLIMIT_NOFILE, &old) == 0, "restore rlimit");
}

int main(void)
{
	char path[] = "/tmp/io_urine-files-XXXXXX";
	int fa, fb, fc, ret;
	char buf[64];

	CHECK(io_uring_queue_init(8, &ring, 0) == 0, "queue_init");
	fa = pattern_file(1);
	fb = pattern_file(2);
	fc = pattern_file(3);

	CHECK(io_uring_register_files(NULL, &fa, 1) == -EINVAL, "NULL ring");
	CHECK(io_uring_unregister_files(&ring) == -ENXIO, "unregister none");

	/* Plain table: slot 0 = a, 1 empty, 2 = b. */
	int files[3] = { fa, -1, fb };
	CHECK(io_uring_register_files(&ring, files, 3) == 0, "register_files");
	CHECK(io_uring_register_files(&ring, files, 3) == -EBUSY, "double register");
	expect_slot(0, 1);
	expect_slot(2, 2);
	CHECK(read_slot(1, buf) == -EBADF, "empty slot");
	CHECK(read_slot(3, buf) == -EBADF, "slot past the table");

	/* Update: fill 1 with c, skip 2, clear 0. */
	int upd[3] = { -1, fc, IORING_REGISTER_FILES_SKIP };
	ret = io_uring_register_files_update(&ring, 0, upd, 3);
	CHECK(ret == 3, "files_update %d", ret);
	CHECK(read_slot(0, buf) == -EBADF, "cleared slot");
	expect_slot(1, 3);
	expect_slot(2, 2);
	ret = io_uring_register_files_update(&ring, 3, upd, 1);
	CHECK(ret == -EINVAL, "update past the table %d", ret);
	CHECK(io_uring_unregister_files(&ring) == 0, "unregister");

	if (ring.features & IORING_FEAT_RSRC_TAGS) {
		/* Tagged table: tags come back when files leave their slots. */
		__u64 tags[3] = { 0xf0, 0, 0xf2 };
		int tf[3] = { fa, fb, fc };

		ret = io_uring_register_files_tags(&ring, tf, tags, 3);
		CHECK(ret == 0, "register_files_tags %d", ret);
		expect_slot(2, 3);
		/* Replace slot 0 (tag 0xf0 fires) and give it tag 0xf5. */
		__u64 nt = 0xf5;
		ret = io_uring_register_files_update_tag(&ring, 0, &fc, &nt, 1);
		CHECK(ret == 1, "files_update_tag %d", ret);
		CHECK(tag_cqes(0xf0) == 1, "tag of the replaced file");
		expect_slot(0, 3);
		/* Slot 1 had no tag: replacing it posts nothing. */
		ret = io_uring_register_files_update_tag(&ring, 1, &fa, NULL, 1);
		CHECK(ret == 1, "update untagged %d", ret);
		CHECK(tag_cqes(0) == 0, "no CQE for an untagged slot");
		/* Unregister: the remaining tagged slots (0xf5, 0xf2) post their tags. */
		CHECK(io_uring_unregister_files(&ring) == 0, "unregister tagged");
		int n5 = 0, n2 = 0;
		struct io_uring_cqe *cqe;
		if (t_kernel_posts_unregister_tags(1)) {
			for (int i = 0; i < 2; i++) {
				cqe = wait_one();
				n5 += cqe->user_data == 0xf5;
				n2 += cqe->user_data == 0xf2;
				io_uring_cqe_seen(&ring, cqe);
			}
			CHECK(n5 == 1 && n2 == 1, "tags after unregister: %d %d", n5, n2);
		} else {
			CHECK(tag_cqes(0) == 0, "a CQE after unregister from a kernel posting none there");
			t_skip_case("unregister_tags", "kernel posts no tags at unregister (raw syscalls say so)");
		}
	} else {
		t_skip_case("tags", "kernel lacks IORING_FEAT_RSRC_TAGS");
	}

	/* Sparse table filled by direct opens. */
	int pfd = mkstemp(path);
	t_fill(buf, 64, 9);
	CHECK(pfd >= 0 && pwrite(pfd, buf, 64, 0) == 64, "pattern path");
	CHECK(io_uring_register_files_sparse(&ring, 8) == 0, "sparse");
	CHECK(read_slot(5, buf) == -EBADF, "sparse slot is empty");
	direct_open(path, 5, 0x51, 0);
	expect_slot(5, 9);
	/* Allocation window [2, 4): two allocations land there, the third finds it full. */
	CHECK(io_uring_register_file_alloc_range(&ring, 2, 2) == 0, "alloc range");
	CHECK(io_uring_register_file_alloc_range(&ring, 7, 4) == -EINVAL, "range past the table");
	direct_open(path, IORING_FILE_INDEX_ALLOC, 0x52, 2);
	direct_open(path, IORING_FILE_INDEX_ALLOC, 0x53, 3);
	direct_open(path, IORING_FILE_INDEX_ALLOC, 0x54, -ENFILE);
	expect_slot(3, 9);
	CHECK(io_uring_unregister_files(&ring) == 0, "unregister sparse");
	unlink(path);
	close(pfd);

	rlimit_retry();

	close(fa);
	close(fb);
	close(fc);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
