// SPDX-License-Identifier: MIT
// A C++17 program built with nothing but `pkg-config --cflags --libs liburing` against an
// installed io_urine: an RAII ring, std::vector buffers, lambdas. It writes a patterned
// file with writev, reads it back in 3 reads reaped with io_uring_peek_batch_cqe, runs a
// send/recv pair over a socketpair linked with IOSQE_IO_LINK, uses a timeout that must
// expire (-ETIME) and checks every byte; argv[1] = expected library directory (as in the C
// consumer). Exit 0 and "c++ consumer: OK" on success.
#include <liburing.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

[[noreturn]] void fail(const std::string &what)
{
	std::fprintf(stderr, "c++ consumer: FAIL: %s\n", what.c_str());
	std::exit(1);
}

class Ring {
public:
	explicit Ring(unsigned entries)
	{
		if (int ret = io_uring_queue_init(entries, &ring_, 0); ret != 0)
			fail("io_uring_queue_init: " + std::to_string(ret));
	}
	~Ring() { io_uring_queue_exit(&ring_); }
	Ring(const Ring &) = delete;
	Ring &operator=(const Ring &) = delete;

	io_uring_sqe *sqe(__u64 user_data)
	{
		io_uring_sqe *s = io_uring_get_sqe(&ring_);
		if (!s)
			fail("io_uring_get_sqe returned NULL");
		io_uring_sqe_set_data64(s, user_data);
		return s;
	}
	// submits, then collects `n` completions as user_data -> res
	std::map<__u64, int> run(unsigned n)
	{
		if (int ret = io_uring_submit_and_wait(&ring_, n); ret < 0)
			fail("io_uring_submit_and_wait: " + std::to_string(ret));
		std::map<__u64, int> out;
		while (out.size() < n) {
			io_uring_cqe *batch[8];
			unsigned got = io_uring_peek_batch_cqe(&ring_, batch, 8);
			if (!got) {
				io_uring_cqe *c;
				if (io_uring_wait_cqe(&ring_, &c) != 0)
					fail("io_uring_wait_cqe");
				continue;
			}
			for (unsigned i = 0; i < got; i++)
				if (!out.emplace(io_uring_cqe_get_data64(batch[i]), batch[i]->res).second)
					fail("duplicate user_data");
			io_uring_cq_advance(&ring_, got);
		}
		return out;
	}

private:
	io_uring ring_{};
};

unsigned char pattern(size_t i, unsigned seed)
{
	return static_cast<unsigned char>((i * 131) ^ (i >> 8) ^ (seed * 29));
}

void file_io(Ring &ring)
{
	char path[] = "/tmp/cxx-consumer-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		fail("mkstemp");
	unlink(path);
	std::vector<unsigned char> a(5000), b(7000), back(12000);
	for (size_t i = 0; i < a.size(); i++)
		a[i] = pattern(i, 3);
	for (size_t i = 0; i < b.size(); i++)
		b[i] = pattern(i + a.size(), 3);
	iovec iov[2] = { { a.data(), a.size() }, { b.data(), b.size() } };
	io_uring_prep_writev(ring.sqe(1), fd, iov, 2, 0);
	auto res = ring.run(1);
	if (res.at(1) != 12000)
		fail("writev res " + std::to_string(res.at(1)));

	const size_t parts[] = { 0, 4096, 8192, 12000 };
	for (unsigned i = 0; i < 3; i++)
		io_uring_prep_read(ring.sqe(10 + i), fd, back.data() + parts[i],
				   static_cast<unsigned>(parts[i + 1] - parts[i]), parts[i]);
	res = ring.run(3);
	for (unsigned i = 0; i < 3; i++)
		if (res.at(10 + i) != static_cast<int>(parts[i + 1] - parts[i]))
			fail("read " + std::to_string(i) + " res " + std::to_string(res.at(10 + i)));
	std::vector<unsigned char> want(a);
	want.insert(want.end(), b.begin(), b.end());
	if (want != back)
		fail("file data read back differs");
	close(fd);
	std::printf("file: 12000 bytes written with writev, read back in 3 reads (peek_batch), compared\n");
}

void socket_and_timeout(Ring &ring)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		fail("socketpair");
	std::string msg(2500, '\0'), got(2500, '\0');
	std::generate(msg.begin(), msg.end(), [i = size_t{ 0 }]() mutable { return static_cast<char>(pattern(i++, 7)); });
	io_uring_sqe *s = ring.sqe(20);
	io_uring_prep_send(s, sv[0], msg.data(), msg.size(), 0);
	io_uring_sqe_set_flags(s, IOSQE_IO_LINK);
	io_uring_prep_recv(ring.sqe(21), sv[1], got.data(), got.size(), MSG_WAITALL);
	__kernel_timespec ts{};
	ts.tv_nsec = 20 * 1000 * 1000;
	io_uring_prep_timeout(ring.sqe(22), &ts, 0, 0);
	auto res = ring.run(3);
	if (res.at(20) != 2500 || res.at(21) != 2500)
		fail("send/recv res " + std::to_string(res.at(20)) + " " + std::to_string(res.at(21)));
	if (res.at(22) != -ETIME)
		fail("timeout res " + std::to_string(res.at(22)));
	if (msg != got)
		fail("socket data differs");
	close(sv[0]);
	close(sv[1]);
	std::printf("socket: linked send -> recv of 2500 bytes verified; 20 ms timeout gave -ETIME\n");
}

void check_maps(const char *expect)
{
	std::ifstream maps("/proc/self/maps");
	std::set<std::string> libs;
	for (std::string line; std::getline(maps, line);) {
		auto slash = line.find('/');
		if (slash == std::string::npos)
			continue;
		std::string path = line.substr(slash);
		std::string base = path.substr(path.rfind('/') + 1);
		if (base.rfind("liburing", 0) == 0 && base.find(".so") != std::string::npos)
			libs.insert(path);
	}
	for (const auto &l : libs) {
		std::printf("liburing mapped from: %s\n", l.c_str());
		if (expect && l.rfind(std::string(expect) + "/", 0) != 0)
			fail(l + " is not under " + expect);
	}
	if (expect && libs.empty())
		fail("no liburing shared object is mapped");
}

} // namespace

int main(int argc, char **argv)
{
	{
		Ring ring(16);
		file_io(ring);
		socket_and_timeout(ring);
	}
	check_maps(argc > 1 ? argv[1] : nullptr);
	std::printf("c++ consumer: OK (liburing %d.%d)\n", io_uring_major_version(), io_uring_minor_version());
	return 0;
}
