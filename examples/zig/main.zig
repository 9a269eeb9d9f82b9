//! A Zig program on io_urine's liburing, through nothing but the installed header:
//! `zig translate-c liburing.h` gives the module imported as "liburing" below (see
//! build.sh). There is no hand-written extern: every io_uring_* call is the header's own
//! prototype, and every helper liburing makes `static inline` is a real symbol of ours.
//!
//! It does, checking every result and every byte:
//!   1. file: 4 writes of patterned 4 KiB blocks (get_sqe, prep_write, set_data64,
//!      submit), wait_cqe + cqe_seen; then 4 reads in one submission, reaped with the CQE
//!      iterator (io_uring_cqe_iter_init/next) and io_uring_cq_advance; data compared;
//!   2. socket: socketpair, prep_send on one end, prep_recv on the other, both ways;
//!   3. buffer ring: io_uring_setup_buf_ring (8 x 256 bytes, group 7),
//!      io_uring_buf_ring_add/advance, recv with IOSQE_BUFFER_SELECT; the CQE's buffer id
//!      tells where the data landed; buffers are recycled and the group is drained
//!      (-ENOBUFS), then io_uring_free_buf_ring;
//!   4. prints every liburing*.so* mapped into the process (/proc/self/maps); with
//!      IO_URINE_EXPECT_LIB=DIR it fails unless each lies under DIR, with
//!      IO_URINE_EXPECT_LIB=static it fails if any liburing shared object is mapped.
//! Exit status 0 and "zig consumer: OK" on success.
const std = @import("std");
const c = @import("liburing");

const BLOCK = 4096;
const NBLOCKS = 4;
const BUF_SIZE = 256;
const NBUFS = 8;
const BGID = 7;

fn fail(comptime fmt: []const u8, args: anytype) noreturn {
    std.debug.print("zig consumer: FAIL: " ++ fmt ++ "\n", args);
    std.process.exit(1);
}

fn pattern(i: usize, seed: usize) u8 {
    return @truncate((i *% 131) ^ (i >> 8) ^ (seed *% 29));
}

fn getSqe(ring: *c.struct_io_uring) [*c]c.struct_io_uring_sqe {
    const sqe = c.io_uring_get_sqe(ring);
    if (sqe == null) fail("io_uring_get_sqe returned NULL", .{});
    return sqe;
}

/// Submits what is queued, waits for one CQE, returns (user_data, res, flags) and marks
/// it seen.
fn completeOne(ring: *c.struct_io_uring) struct { u64, i32, u32 } {
    const n = c.io_uring_submit(ring);
    if (n < 0) fail("io_uring_submit: {d}", .{n});
    var cqe: [*c]c.struct_io_uring_cqe = null;
    const ret = c.io_uring_wait_cqe(ring, &cqe);
    if (ret != 0 or cqe == null) fail("io_uring_wait_cqe: {d}", .{ret});
    const out = .{ c.io_uring_cqe_get_data64(cqe), cqe.*.res, cqe.*.flags };
    c.io_uring_cqe_seen(ring, cqe);
    return out;
}

fn fileIo(ring: *c.struct_io_uring) void {
    const path = "zig-consumer.dat";
    const fd = c.open(path, c.O_RDWR | c.O_CREAT | c.O_TRUNC, @as(c_int, 0o600));
    if (fd < 0) fail("open {s}", .{path});
    defer _ = c.close(fd);
    defer _ = c.unlink(path);

    var data: [NBLOCKS * BLOCK]u8 = undefined;
    for (&data, 0..) |*b, i| b.* = pattern(i, 1);

    // writes: one at a time, each reaped with wait_cqe + cqe_seen
    for (0..NBLOCKS) |blk| {
        const sqe = getSqe(ring);
        c.io_uring_prep_write(sqe, fd, &data[blk * BLOCK], BLOCK, blk * BLOCK);
        c.io_uring_sqe_set_data64(sqe, 100 + blk);
        const ud, const res, _ = completeOne(ring);
        if (ud != 100 + blk or res != BLOCK) fail("write {d}: user_data {d} res {d}", .{ blk, ud, res });
    }

    // reads: all in one submission, reaped with the CQE iterator
    var back: [NBLOCKS * BLOCK]u8 = @splat(0);
    for (0..NBLOCKS) |blk| {
        const sqe = getSqe(ring);
        c.io_uring_prep_read(sqe, fd, &back[blk * BLOCK], BLOCK, blk * BLOCK);
        c.io_uring_sqe_set_data64(sqe, 200 + blk);
    }
    const submitted = c.io_uring_submit_and_wait(ring, NBLOCKS);
    if (submitted != NBLOCKS) fail("io_uring_submit_and_wait: {d}", .{submitted});
    var seen: [NBLOCKS]bool = @splat(false);
    var reaped: usize = 0;
    while (reaped < NBLOCKS) {
        var it = c.io_uring_cqe_iter_init(ring);
        var cqe: [*c]c.struct_io_uring_cqe = null;
        var batch: c_uint = 0;
        while (c.io_uring_cqe_iter_next(&it, &cqe)) {
            const ud = cqe.*.user_data;
            if (ud < 200 or ud >= 200 + NBLOCKS) fail("read: unexpected user_data {d}", .{ud});
            if (cqe.*.res != BLOCK) fail("read {d}: res {d}", .{ ud - 200, cqe.*.res });
            if (seen[ud - 200]) fail("read {d} completed twice", .{ud - 200});
            seen[ud - 200] = true;
            batch += 1;
        }
        if (batch == 0) {
            // nothing ready yet: block for the next one without consuming it
            var w: [*c]c.struct_io_uring_cqe = null;
            const ret = c.io_uring_wait_cqe(ring, &w);
            if (ret != 0) fail("io_uring_wait_cqe: {d}", .{ret});
            continue;
        }
        c.io_uring_cq_advance(ring, batch);
        reaped += batch;
    }
    if (!std.mem.eql(u8, &data, &back)) fail("file data read back differs", .{});
    std.debug.print("file: {d} x {d} bytes written, read back (CQE iterator) and compared\n", .{ NBLOCKS, BLOCK });
}

fn socketIo(ring: *c.struct_io_uring) void {
    var sv: [2]c_int = undefined;
    if (c.socketpair(c.AF_UNIX, c.SOCK_STREAM | c.SOCK_CLOEXEC, 0, &sv) != 0) fail("socketpair", .{});
    defer _ = c.close(sv[0]);
    defer _ = c.close(sv[1]);

    for (0..2) |dir| {
        const from = sv[dir];
        const to = sv[1 - dir];
        var msg: [1500]u8 = undefined;
        for (&msg, 0..) |*b, i| b.* = pattern(i, 10 + dir);
        var got: [1500]u8 = @splat(0);

        const s = getSqe(ring);
        c.io_uring_prep_send(s, from, &msg, msg.len, 0);
        c.io_uring_sqe_set_data64(s, 300);
        const ud, const res, _ = completeOne(ring);
        if (ud != 300 or res != msg.len) fail("send: user_data {d} res {d}", .{ ud, res });

        const r = getSqe(ring);
        c.io_uring_prep_recv(r, to, &got, got.len, c.MSG_WAITALL);
        c.io_uring_sqe_set_data64(r, 301);
        const ud2, const res2, _ = completeOne(ring);
        if (ud2 != 301 or res2 != msg.len) fail("recv: user_data {d} res {d}", .{ ud2, res2 });
        if (!std.mem.eql(u8, &msg, &got)) fail("socket data differs (direction {d})", .{dir});
    }
    std.debug.print("socket: 1500 bytes each way over a socketpair, verified\n", .{});
}

fn bufferRing(ring: *c.struct_io_uring) void {
    var err: c_int = 0;
    const br = c.io_uring_setup_buf_ring(ring, NBUFS, BGID, 0, &err);
    if (br == null) fail("io_uring_setup_buf_ring: {d}", .{err});
    var bufs: [NBUFS][BUF_SIZE]u8 = undefined;
    const mask = c.io_uring_buf_ring_mask(NBUFS);
    for (0..NBUFS) |i| {
        c.io_uring_buf_ring_add(br, &bufs[i], BUF_SIZE, @intCast(i), mask, @intCast(i));
    }
    c.io_uring_buf_ring_advance(br, NBUFS);

    var sv: [2]c_int = undefined;
    if (c.socketpair(c.AF_UNIX, c.SOCK_STREAM | c.SOCK_CLOEXEC, 0, &sv) != 0) fail("socketpair", .{});
    defer _ = c.close(sv[0]);
    defer _ = c.close(sv[1]);

    // 12 messages through 8 buffers: each buffer is handed back after its data is checked
    var used: [NBUFS]u32 = @splat(0);
    for (0..12) |m| {
        var msg: [BUF_SIZE]u8 = undefined;
        const len = 100 + m * 13;
        for (msg[0..len], 0..) |*b, i| b.* = pattern(i, 40 + m);
        if (c.send(sv[0], &msg, len, 0) != len) fail("send(2)", .{});

        const sqe = getSqe(ring);
        c.io_uring_prep_recv(sqe, sv[1], null, BUF_SIZE, 0);
        c.io_uring_sqe_set_flags(sqe, c.IOSQE_BUFFER_SELECT);
        c.io_uring_sqe_set_buf_group(sqe, BGID);
        c.io_uring_sqe_set_data64(sqe, 400 + m);
        const ud, const res, const flags = completeOne(ring);
        if (ud != 400 + m or res != len) fail("buffer-select recv {d}: user_data {d} res {d}", .{ m, ud, res });
        if (flags & c.IORING_CQE_F_BUFFER == 0) fail("recv {d}: no IORING_CQE_F_BUFFER", .{m});
        const bid = flags >> c.IORING_CQE_BUFFER_SHIFT;
        if (bid >= NBUFS) fail("recv {d}: buffer id {d}", .{ m, bid });
        used[bid] += 1;
        if (!std.mem.eql(u8, msg[0..len], bufs[bid][0..len])) fail("recv {d}: data in buffer {d} differs", .{ m, bid });
        // recycle the buffer into the ring
        c.io_uring_buf_ring_add(br, &bufs[bid], BUF_SIZE, @intCast(bid), mask, 0);
        c.io_uring_buf_ring_advance(br, 1);
    }
    var distinct: usize = 0;
    for (used) |u| distinct += @intFromBool(u > 0);
    if (distinct != NBUFS) fail("expected all {d} buffers used, got {d}", .{ NBUFS, distinct });

    // drain: 8 receives without recycling use every buffer, the 9th gets -ENOBUFS
    for (0..NBUFS + 1) |m| {
        const one = [_]u8{@intCast(m)};
        if (c.send(sv[0], &one, 1, 0) != 1) fail("send(2)", .{});
        const sqe = getSqe(ring);
        c.io_uring_prep_recv(sqe, sv[1], null, BUF_SIZE, 0);
        c.io_uring_sqe_set_flags(sqe, c.IOSQE_BUFFER_SELECT);
        c.io_uring_sqe_set_buf_group(sqe, BGID);
        c.io_uring_sqe_set_data64(sqe, 500 + m);
        _, const res, const flags = completeOne(ring);
        if (m < NBUFS) {
            if (res != 1) fail("drain recv {d}: res {d}", .{ m, res });
            if (bufs[flags >> c.IORING_CQE_BUFFER_SHIFT][0] != m) fail("drain recv {d}: data", .{m});
        } else if (res != -c.ENOBUFS) fail("recv with an empty buffer ring: res {d}, expected -ENOBUFS", .{res});
    }
    const ret = c.io_uring_free_buf_ring(ring, br, NBUFS, BGID);
    if (ret != 0) fail("io_uring_free_buf_ring: {d}", .{ret});
    std.debug.print("buffer ring: 12 recvs through {d} recycled buffers verified, empty ring gave -ENOBUFS\n", .{NBUFS});
}

/// Prints every mapped liburing*.so* and checks them against IO_URINE_EXPECT_LIB.
fn checkMaps() void {
    const fd = c.open("/proc/self/maps", c.O_RDONLY);
    if (fd < 0) fail("open /proc/self/maps", .{});
    defer _ = c.close(fd);
    var buf: [1 << 18]u8 = undefined;
    var len: usize = 0;
    while (len < buf.len) {
        const n = c.read(fd, &buf[len], buf.len - len);
        if (n < 0) fail("read /proc/self/maps", .{});
        if (n == 0) break;
        len += @intCast(n);
    }
    const expect: ?[]const u8 = if (std.c.getenv("IO_URINE_EXPECT_LIB")) |e| std.mem.span(e) else null;
    var found: usize = 0;
    var lines = std.mem.splitScalar(u8, buf[0..len], '\n');
    var last: []const u8 = "";
    while (lines.next()) |line| {
        const slash = std.mem.indexOfScalar(u8, line, '/') orelse continue;
        const path = line[slash..];
        const base = path[(std.mem.lastIndexOfScalar(u8, path, '/') orelse 0) + 1 ..];
        if (!std.mem.startsWith(u8, base, "liburing") or std.mem.indexOf(u8, base, ".so") == null) continue;
        found += 1;
        if (std.mem.eql(u8, path, last)) continue;
        last = path;
        std.debug.print("liburing mapped from: {s}\n", .{path});
        if (expect) |dir| {
            if (std.mem.eql(u8, dir, "static")) fail("static build maps {s}", .{path});
            if (!std.mem.startsWith(u8, path, dir)) fail("{s} is not under {s}", .{ path, dir });
        }
    }
    if (expect) |dir| {
        if (!std.mem.eql(u8, dir, "static") and found == 0) fail("no liburing shared object is mapped", .{});
        if (std.mem.eql(u8, dir, "static")) std.debug.print("no liburing shared object mapped (static link)\n", .{});
    }
}

pub fn main() u8 {
    var ring: c.struct_io_uring = undefined;
    const ret = c.io_uring_queue_init(16, &ring, 0);
    if (ret != 0) fail("io_uring_queue_init: {d}", .{ret});
    fileIo(&ring);
    socketIo(&ring);
    bufferRing(&ring);
    c.io_uring_queue_exit(&ring);
    checkMaps();
    std.debug.print("zig consumer: OK (liburing {d}.{d})\n", .{ c.io_uring_major_version(), c.io_uring_minor_version() });
    return 0;
}
