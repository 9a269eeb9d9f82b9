//! Registered resources through the safe API: fixed buffers with read_fixed /
//! write_fixed, fixed files and direct descriptors, eventfd, personality, ring fd,
//! probe, msg_ring between rings, futexes, waitid, epoll, provided buffers.

use io_urine::ops::{self, AT_FDCWD, FILE_INDEX_ALLOC};
use io_urine::{sys, Cqe, Errno, Fixed, IoUring, Probe, RegisterError};
use std::ffi::CString;
use std::fs::{self, File, OpenOptions};
use std::os::fd::{AsRawFd, FromRawFd};
use std::time::Duration;

fn run(ring: &mut IoUring, n: usize) -> Vec<Cqe> {
    ring.submit().unwrap();
    let mut out = Vec::new();
    while out.len() < n {
        out.push(ring.wait_cqe_timeout(Duration::from_secs(10)).expect("completion within 10 s").cqe());
    }
    out.sort_by_key(|c| c.user_data());
    out
}

fn tmpfile(tag: &str) -> (File, std::path::PathBuf) {
    let p = std::env::temp_dir().join(format!("io_urine_api_reg_{tag}_{}", std::process::id()));
    let f = OpenOptions::new().read(true).write(true).create(true).truncate(true).open(&p).unwrap();
    (f, p)
}

#[test]
fn fixed_buffers_read_and_write() {
    let (file, path) = tmpfile("fixed");
    let fd = file.as_raw_fd();
    let mut ring = IoUring::new(8).unwrap();
    let mut mem = vec![0u8; 2 * 4096];
    let (a, b) = mem.split_at_mut(4096);
    let iov = [
        sys::iovec { iov_base: a.as_mut_ptr().cast(), iov_len: 4096 },
        sys::iovec { iov_base: b.as_mut_ptr().cast(), iov_len: 4096 },
    ];
    // SAFETY: `mem` outlives the registration (unregistered at the end).
    unsafe { ring.register_buffers(&iov) }.unwrap();
    for (i, x) in a.iter_mut().enumerate() {
        *x = (i % 13) as u8;
    }
    // write_fixed from buffer 0, read_fixed into buffer 1, plus an out-of-range use.
    unsafe {
        ring.push(ops::WriteFixed::new(fd, a.as_ptr(), 4096, 0).user_data(1).link()).unwrap();
        ring.push(ops::ReadFixed::new(fd, b.as_mut_ptr(), 4096, 1).user_data(2)).unwrap();
        ring.push(ops::ReadFixed::new(fd, b.as_mut_ptr(), 4096, 7).user_data(3)).unwrap();
    }
    let c = run(&mut ring, 3);
    assert_eq!((c[0].result(), c[1].result()), (Ok(4096), Ok(4096)));
    assert_eq!(c[2].result().unwrap_err().errno(), Errno::EFAULT, "buffer index 7 does not exist");
    let (a, b) = mem.split_at(4096);
    assert_eq!(a, b);
    assert_eq!(fs::read(&path).unwrap(), a);
    ring.unregister_buffers().unwrap();
    assert_eq!(ring.unregister_buffers().unwrap_err().errno(), Errno::ENXIO);
    // Sparse table + update.
    ring.register_buffers_sparse(4).unwrap();
    let iov1 = [sys::iovec { iov_base: mem.as_mut_ptr().cast(), iov_len: 4096 }];
    assert_eq!(unsafe { ring.register_buffers_update(2, &iov1) }.unwrap(), 1);
    unsafe { ring.push(ops::ReadFixed::new(fd, mem.as_mut_ptr(), 100, 2).offset(10).user_data(4)) }.unwrap();
    assert_eq!(run(&mut ring, 1)[0].result(), Ok(100));
    ring.unregister_buffers().unwrap();
    fs::remove_file(path).unwrap();
}

#[test]
fn fixed_files_direct_descriptors_and_install() {
    let (file, path) = tmpfile("files");
    fs::write(&path, b"fixed file contents").unwrap();
    let mut ring = IoUring::new(8).unwrap();
    ring.register_files(&[-1, file.as_raw_fd()]).unwrap();
    let mut buf = [0u8; 19];
    unsafe { ring.push(ops::Read::new(Fixed(1), buf.as_mut_ptr(), 19).user_data(1)) }.unwrap();
    unsafe { ring.push(ops::Read::new(Fixed(0), buf.as_mut_ptr(), 19).user_data(2)) }.unwrap();
    let c = run(&mut ring, 2);
    assert_eq!(c[0].result(), Ok(19));
    assert_eq!(&buf, b"fixed file contents");
    assert_eq!(c[1].result().unwrap_err().errno(), Errno::EBADF, "empty slot");
    ring.unregister_files().unwrap();

    // Sparse table: open straight into a slot, read through it, install it as a normal
    // fd, close the slot.
    ring.register_files_sparse(8).unwrap();
    let cpath = CString::new(path.to_str().unwrap()).unwrap();
    unsafe { ring.push(ops::OpenAt::new(AT_FDCWD, cpath.as_ptr()).file_index(Some(3)).user_data(3)) }.unwrap();
    assert_eq!(run(&mut ring, 1)[0].result(), Ok(0));
    unsafe { ring.push(ops::OpenAt::new(AT_FDCWD, cpath.as_ptr()).file_index(Some(FILE_INDEX_ALLOC)).user_data(4)) }
        .unwrap();
    let slot = run(&mut ring, 1)[0].result().unwrap();
    assert_ne!(slot, 3);
    let mut buf2 = [0u8; 5];
    unsafe { ring.push(ops::Read::new(Fixed(3), buf2.as_mut_ptr(), 5).offset(6).user_data(5)) }.unwrap();
    assert_eq!(run(&mut ring, 1)[0].result(), Ok(5));
    assert_eq!(&buf2, b"file ");
    ring.push(ops::FixedFdInstall::new(3).user_data(6)).unwrap();
    let newfd = run(&mut ring, 1)[0].result().unwrap() as i32;
    // SAFETY: the kernel installed a new fd for us.
    let installed = unsafe { File::from_raw_fd(newfd) };
    assert_eq!(fs::read_to_string(format!("/proc/self/fd/{newfd}")).unwrap(), "fixed file contents");
    drop(installed);
    ring.push(ops::Close::new(Fixed(3)).user_data(7)).unwrap();
    ring.push(ops::Close::new(Fixed(slot)).user_data(8)).unwrap();
    assert!(run(&mut ring, 2).iter().all(|c| c.result() == Ok(0)));
    unsafe { ring.push(ops::Read::new(Fixed(3), buf2.as_mut_ptr(), 5).user_data(9)) }.unwrap();
    assert_eq!(run(&mut ring, 1)[0].result().unwrap_err().errno(), Errno::EBADF);
    // Update a slot through register_files_update and through the FilesUpdate op.
    assert_eq!(ring.register_files_update(5, &[file.as_raw_fd()]).unwrap(), 1);
    let mut fds = [file.as_raw_fd(), file.as_raw_fd()];
    unsafe { ring.push(ops::FilesUpdate::new(fds.as_mut_ptr(), 2).offset(6).user_data(10)) }.unwrap();
    assert_eq!(run(&mut ring, 1)[0].result(), Ok(2));
    ring.push(ops::Fsync::new(Fixed(7)).user_data(11)).unwrap();
    assert_eq!(run(&mut ring, 1)[0].result(), Ok(0));
    ring.register_file_alloc_range(4, 4).unwrap();
    ring.unregister_files().unwrap();
    fs::remove_file(path).unwrap();
}

#[test]
fn eventfd_personality_ring_fd_and_probe() {
    let mut ring = IoUring::new(8).unwrap();
    // SAFETY: a plain eventfd.
    let efd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC) };
    assert!(efd >= 0);
    // SAFETY: ours.
    let ev = unsafe { File::from_raw_fd(efd) };
    ring.register_eventfd(efd, false).unwrap();
    ring.push(ops::Nop::new()).unwrap();
    run(&mut ring, 1);
    let mut cnt = [0u8; 8];
    assert_eq!(unsafe { libc::read(efd, cnt.as_mut_ptr().cast(), 8) }, 8);
    assert_eq!(u64::from_ne_bytes(cnt), 1);
    ring.unregister_eventfd().unwrap();
    assert_eq!(ring.unregister_eventfd().unwrap_err().errno(), Errno::ENXIO);
    drop(ev);

    let id = ring.register_personality().unwrap();
    ring.push(ops::Nop::new().personality(id).user_data(1)).unwrap();
    ring.push(ops::Nop::new().personality(id.wrapping_add(100)).user_data(2)).unwrap();
    let c = run(&mut ring, 2);
    assert_eq!(c[0].result(), Ok(0));
    assert_eq!(c[1].result().unwrap_err().errno(), Errno::EINVAL, "unknown personality");
    ring.unregister_personality(id).unwrap();

    ring.register_ring_fd().unwrap();
    assert_eq!(ring.register_ring_fd().unwrap_err().errno(), Errno::EEXIST);
    ring.push(ops::Nop::new().user_data(3)).unwrap();
    assert_eq!(run(&mut ring, 1)[0].user_data(), 3);
    ring.unregister_ring_fd().unwrap();

    let old = ring.register_iowq_max_workers(0, 0).unwrap();
    assert!(old[1] > 0, "{old:?}");

    let probe = ring.probe().unwrap();
    let global = Probe::new().unwrap();
    let supported = ops::ALL_OPCODES.iter().filter(|&&op| probe.is_supported(op)).count();
    assert!(supported >= 60, "{supported}");
    for &op in ops::ALL_OPCODES {
        assert_eq!(probe.is_supported(op), global.is_supported(op));
    }
    let e: RegisterError = RegisterError::from_raw(-6);
    assert_eq!(e.errno(), Errno::ENXIO);
}

#[test]
fn msg_ring_between_rings() {
    let mut a = IoUring::new(4).unwrap();
    let mut b = IoUring::new(4).unwrap();
    a.push(ops::MsgRing::new(b.as_raw_fd(), 77, 0xfeed).user_data(1)).unwrap();
    assert_eq!(run(&mut a, 1)[0].result(), Ok(0));
    let c = run(&mut b, 1);
    assert_eq!((c[0].user_data(), c[0].res()), (0xfeed, 77));
    // The reserved user_data bit cannot be forged through a message.
    a.push(ops::MsgRing::new(b.as_raw_fd(), 1, u64::MAX).user_data(2)).unwrap();
    run(&mut a, 1);
    assert_eq!(run(&mut b, 1)[0].user_data(), u64::MAX >> 1);
    // Pass a registered file from a to b.
    let (file, path) = tmpfile("msgfd");
    a.register_files(&[file.as_raw_fd()]).unwrap();
    b.register_files_sparse(4).unwrap();
    a.push(ops::MsgRing::new(b.as_raw_fd(), 0, 5).send_fixed_file(Some((0, 2))).user_data(3)).unwrap();
    assert_eq!(run(&mut a, 1)[0].result(), Ok(0));
    assert_eq!(run(&mut b, 1)[0].user_data(), 5);
    b.push(ops::Fsync::new(Fixed(2)).user_data(4)).unwrap();
    assert_eq!(run(&mut b, 1)[0].result(), Ok(0));
    fs::remove_file(path).unwrap();
}

#[test]
fn futex_wait_and_wake() {
    let mut ring = IoUring::new(8).unwrap();
    let word = Box::new(0u32);
    let p: *const u32 = &*word;
    unsafe {
        ring.push(ops::FutexWait::new(p, 0u64).user_data(1)).unwrap();
    }
    ring.submit().unwrap();
    // Value mismatch: returns EAGAIN at once.
    unsafe { ring.push(ops::FutexWait::new(p, 5u64).user_data(2)) }.unwrap();
    let c = run(&mut ring, 1);
    assert_eq!((c[0].user_data(), c[0].result().unwrap_err().errno()), (2, Errno::EAGAIN));
    unsafe { ring.push(ops::FutexWake::new(p, 1u64).user_data(3)) }.unwrap();
    let c = run(&mut ring, 2);
    assert_eq!(c[0].result(), Ok(0), "waiter woken");
    assert_eq!(c[1].result(), Ok(1), "one waiter woken");
    let v = [sys::futex_waitv { val: 0, uaddr: p as u64, flags: sys::FUTEX2_SIZE_U32, __reserved: 0 }];
    unsafe { ring.push(ops::FutexWaitv::new(v.as_ptr(), 1).user_data(4)) }.unwrap();
    ring.submit().unwrap();
    unsafe { ring.push(ops::FutexWake::new(p, 1u64).user_data(5)) }.unwrap();
    let c = run(&mut ring, 2);
    assert_eq!((c[0].result(), c[1].result()), (Ok(0), Ok(1)));
    drop(word);
}

#[test]
// The child is reaped by the WaitId operation (WEXITED), not by std.
#[allow(clippy::zombie_processes)]
fn waitid_epoll_and_provided_buffers() {
    let mut ring = IoUring::new(8).unwrap();
    let child = std::process::Command::new("sh").args(["-c", "exit 7"]).spawn().unwrap();
    let mut info = sys::siginfo_t::default();
    unsafe {
        ring.push(ops::WaitId::new(sys::P_PID, child.id(), &mut info, libc::WEXITED).user_data(1)).unwrap();
    }
    assert_eq!(run(&mut ring, 1)[0].result(), Ok(0));
    assert_eq!((info.pid(), info.status()), (child.id() as i32, 7));

    // epoll: register a pipe's read end, wait for it to become readable.
    let mut fds = [0i32; 2];
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    let (r, w) = unsafe { (File::from_raw_fd(fds[0]), File::from_raw_fd(fds[1])) };
    let ep = unsafe { File::from_raw_fd(libc::epoll_create1(libc::EPOLL_CLOEXEC)) };
    let mut ev = sys::epoll_event { events: libc::EPOLLIN as u32, data: 42 };
    unsafe { ring.push(ops::EpollCtl::new(ep.as_raw_fd(), r.as_raw_fd(), libc::EPOLL_CTL_ADD, &mut ev).user_data(2)) }
        .unwrap();
    assert_eq!(run(&mut ring, 1)[0].result(), Ok(0));
    let mut events = [sys::epoll_event::default(); 4];
    unsafe { ring.push(ops::EpollWait::new(ep.as_raw_fd(), events.as_mut_ptr(), 4).user_data(3)) }.unwrap();
    ring.submit().unwrap();
    assert_eq!(unsafe { libc::write(w.as_raw_fd(), b"x".as_ptr().cast(), 1) }, 1);
    assert_eq!(run(&mut ring, 1)[0].result(), Ok(1));
    let got = events[0];
    assert_eq!({ got.data }, 42);

    // Legacy provided buffers: provide two, read from the pipe selecting one.
    let mut pool = vec![0u8; 2 * 16];
    unsafe { ring.push(ops::ProvideBuffers::new(pool.as_mut_ptr(), 16, 2, 5u16, 0u16).user_data(4)) }.unwrap();
    assert_eq!(run(&mut ring, 1)[0].result(), Ok(0));
    ring.push(ops::Read::buffer_select(r.as_raw_fd(), 16, 5).user_data(5)).unwrap();
    let c = run(&mut ring, 1);
    assert_eq!(c[0].result(), Ok(1));
    let bid = c[0].buffer_id().unwrap() as usize;
    assert_eq!(pool[bid * 16], b'x');
    ring.push(ops::RemoveBuffers::new(8, 5u16).user_data(6)).unwrap();
    assert_eq!(run(&mut ring, 1)[0].result(), Ok(1), "one buffer was left");
}
