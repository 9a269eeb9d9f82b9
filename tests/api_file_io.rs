//! File I/O, filesystem operations, linked chains and timeouts through the typed
//! operations, with the data and the file system state verified afterwards.

use io_urine::ops::{self, AT_FDCWD};
use io_urine::{sys, Cqe, Errno, Fd, IoUring, SqeFlags, Timespec};
use std::ffi::CString;
use std::fs::{self, File, OpenOptions};
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

struct TmpDir(PathBuf);

impl TmpDir {
    fn new(tag: &str) -> Self {
        let p = std::env::temp_dir().join(format!("io_urine_api_{tag}_{}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).unwrap();
        TmpDir(p)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TmpDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn cstr(p: &Path) -> CString {
    CString::new(p.as_os_str().as_bytes()).unwrap()
}

/// Submits what is queued and returns the `n` completions sorted by user_data (a
/// completion that takes over 10 s fails the test instead of hanging it).
fn run(ring: &mut IoUring, n: usize) -> Vec<Cqe> {
    ring.submit().unwrap();
    let mut out = vec![Cqe::default(); n];
    let mut got = 0;
    while got < n {
        // The first completion through a timed guard, the rest in one batch copy.
        out[got] = ring.wait_cqe_timeout(Duration::from_secs(10)).expect("completion within 10 s").cqe();
        got += 1;
        got += ring.copy_cqes(&mut out[got..], 0).unwrap();
    }
    out.sort_by_key(|c| c.user_data());
    out
}

#[test]
fn open_write_fsync_read_stat_close() {
    let dir = TmpDir::new("rw");
    let path = cstr(&dir.path("data"));
    let mut ring = IoUring::new(8).unwrap();
    // SAFETY: `path` outlives the wait below.
    unsafe {
        ring.push(
            ops::OpenAt::new(AT_FDCWD, path.as_ptr()).flags(libc::O_CREAT | libc::O_RDWR).mode(0o600).user_data(1),
        )
    }
    .unwrap();
    let fd = run(&mut ring, 1)[0].result().expect("openat") as i32;

    let data: Vec<u8> = (0..3 * 4096).map(|i| (i * 7 % 256) as u8).collect();
    // Write in two pieces (second at an offset), then fsync and fdatasync.
    unsafe {
        ring.push(ops::Write::new(fd, data.as_ptr(), 8192).user_data(2)).unwrap();
        ring.push(ops::Write::new(fd, data[8192..].as_ptr(), 4096).offset(8192).user_data(3)).unwrap();
    }
    let c = run(&mut ring, 2);
    assert_eq!((c[0].result(), c[1].result()), (Ok(8192), Ok(4096)));
    ring.push(ops::Fsync::new(fd).user_data(4)).unwrap();
    ring.push(ops::Fsync::new(fd).flags(sys::IORING_FSYNC_DATASYNC).user_data(5)).unwrap();
    assert!(run(&mut ring, 2).iter().all(|c| c.result() == Ok(0)));

    // Read back with read, readv (two iovecs) and statx.
    let mut back = vec![0u8; data.len()];
    let (mut a, mut b) = (vec![0u8; 100], vec![0u8; 5000]);
    let iov = [
        sys::iovec { iov_base: a.as_mut_ptr().cast(), iov_len: a.len() },
        sys::iovec { iov_base: b.as_mut_ptr().cast(), iov_len: b.len() },
    ];
    let mut stx = sys::statx::default();
    unsafe {
        ring.push(ops::Read::new(fd, back.as_mut_ptr(), back.len() as u32).user_data(6)).unwrap();
        ring.push(ops::Readv::new(fd, iov.as_ptr(), 2).offset(1000).user_data(7)).unwrap();
        ring.push(ops::Statx::new(AT_FDCWD, path.as_ptr(), &mut stx).user_data(8)).unwrap();
    }
    let c = run(&mut ring, 3);
    assert_eq!(c[0].result(), Ok(data.len() as u32));
    assert_eq!(back, data);
    assert_eq!(c[1].result(), Ok(5100));
    assert_eq!(&a[..], &data[1000..1100]);
    assert_eq!(&b[..], &data[1100..6100]);
    assert_eq!(c[2].result(), Ok(0));
    assert_eq!(stx.stx_size, data.len() as u64);
    assert_eq!(stx.stx_mode & 0o777, 0o600);

    // Writev, fallocate, ftruncate, fadvise, sync_file_range.
    let (x, y) = (b"abc".to_vec(), b"defg".to_vec());
    let wiov = [
        sys::iovec { iov_base: x.as_ptr() as *mut _, iov_len: 3 },
        sys::iovec { iov_base: y.as_ptr() as *mut _, iov_len: 4 },
    ];
    unsafe { ring.push(ops::Writev::new(fd, wiov.as_ptr(), 2).offset(10).user_data(9)) }.unwrap();
    ring.push(ops::Fallocate::new(fd, 65536).user_data(10)).unwrap();
    let c = run(&mut ring, 2);
    assert_eq!((c[0].result(), c[1].result()), (Ok(7), Ok(0)));
    assert_eq!(fs::metadata(dir.path("data")).unwrap().len(), 65536);
    ring.push(ops::Ftruncate::new(fd, 20).user_data(11)).unwrap();
    ring.push(ops::Fadvise::new(fd, libc::POSIX_FADV_DONTNEED).user_data(12)).unwrap();
    ring.push(ops::SyncFileRange::new(fd).user_data(13)).unwrap();
    assert!(run(&mut ring, 3).iter().all(|c| c.result() == Ok(0)));
    let content = fs::read(dir.path("data")).unwrap();
    assert_eq!(&content[..10], &data[..10]);
    assert_eq!(&content[10..17], b"abcdefg");
    assert_eq!(content.len(), 20);

    ring.push(ops::Close::new(fd).user_data(14)).unwrap();
    assert_eq!(run(&mut ring, 1)[0].result(), Ok(0));
    ring.push(ops::Close::new(fd).user_data(15)).unwrap();
    assert_eq!(run(&mut ring, 1)[0].result().unwrap_err().errno(), Errno::EBADF);
}

#[test]
fn directory_operations() {
    let dir = TmpDir::new("dirs");
    let mut ring = IoUring::new(8).unwrap();
    let (d, f, g, l, s) = (
        cstr(&dir.path("sub")),
        cstr(&dir.path("sub/f")),
        cstr(&dir.path("sub/g")),
        cstr(&dir.path("hard")),
        cstr(&dir.path("soft")),
    );
    fs::write(dir.path("file"), b"x").unwrap();
    let file = cstr(&dir.path("file"));
    // A linked chain: mkdir -> rename file into it -> hard link -> symlink.
    unsafe {
        ring.push(ops::MkdirAt::new(AT_FDCWD, d.as_ptr()).mode(0o700).user_data(1).link()).unwrap();
        ring.push(ops::RenameAt::new(AT_FDCWD, file.as_ptr(), AT_FDCWD, f.as_ptr()).user_data(2).link()).unwrap();
        ring.push(ops::LinkAt::new(AT_FDCWD, f.as_ptr(), AT_FDCWD, l.as_ptr()).user_data(3).link()).unwrap();
        ring.push(ops::SymlinkAt::new(f.as_ptr(), AT_FDCWD, s.as_ptr()).user_data(4)).unwrap();
    }
    assert!(run(&mut ring, 4).iter().all(|c| c.result() == Ok(0)));
    assert_eq!(fs::read(dir.path("sub/f")).unwrap(), b"x");
    assert_eq!(fs::read(dir.path("hard")).unwrap(), b"x");
    assert_eq!(fs::read_link(dir.path("soft")).unwrap(), dir.path("sub/f"));
    assert!(!dir.path("file").exists());
    // Rename again, unlink files, then rmdir.
    unsafe {
        ring.push(ops::RenameAt::new(AT_FDCWD, f.as_ptr(), AT_FDCWD, g.as_ptr()).user_data(5).link()).unwrap();
        ring.push(ops::UnlinkAt::new(AT_FDCWD, g.as_ptr()).user_data(6).link()).unwrap();
        ring.push(ops::UnlinkAt::new(AT_FDCWD, d.as_ptr()).flags(libc::AT_REMOVEDIR).user_data(7)).unwrap();
    }
    assert!(run(&mut ring, 3).iter().all(|c| c.result() == Ok(0)));
    assert!(!dir.path("sub").exists());
    // Unlinking a missing file fails with ENOENT in its CQE.
    unsafe { ring.push(ops::UnlinkAt::new(AT_FDCWD, g.as_ptr()).user_data(8)) }.unwrap();
    assert_eq!(run(&mut ring, 1)[0].result().unwrap_err().errno(), Errno::ENOENT);
}

#[test]
fn linked_write_fsync_read_chain_and_broken_chain() {
    let dir = TmpDir::new("link");
    let file = OpenOptions::new().read(true).write(true).create(true).truncate(true).open(dir.path("f")).unwrap();
    let fd = file.as_raw_fd();
    let mut ring = IoUring::new(8).unwrap();
    let msg = b"linked!";
    let mut back = [0u8; 7];
    unsafe {
        ring.push(ops::Write::new(fd, msg.as_ptr(), 7).user_data(1).link()).unwrap();
        ring.push(ops::Fsync::new(fd).user_data(2).link()).unwrap();
        ring.push(ops::Read::new(fd, back.as_mut_ptr(), 7).user_data(3)).unwrap();
    }
    let c = run(&mut ring, 3);
    assert_eq!([c[0].result(), c[1].result(), c[2].result()], [Ok(7), Ok(0), Ok(7)]);
    assert_eq!(&back, msg);
    // A failing link head cancels the rest of the chain; a hardlink does not.
    unsafe {
        ring.push(ops::Write::new(-1, msg.as_ptr(), 7).user_data(4).link()).unwrap();
        ring.push(ops::Fsync::new(fd).user_data(5)).unwrap();
        ring.push(ops::Write::new(-1, msg.as_ptr(), 7).user_data(6).hardlink()).unwrap();
        ring.push(ops::Fsync::new(fd).user_data(7)).unwrap();
    }
    let c = run(&mut ring, 4);
    assert_eq!(c[0].result().unwrap_err().errno(), Errno::EBADF);
    assert_eq!(c[1].result().unwrap_err().errno(), Errno::ECANCELED);
    assert_eq!(c[2].result().unwrap_err().errno(), Errno::EBADF);
    assert_eq!(c[3].result(), Ok(0));
    // Drain: waits for everything before it.
    ring.push(ops::Nop::new().user_data(8)).unwrap();
    ring.push(ops::Nop::new().user_data(9).drain()).unwrap();
    ring.push(ops::Nop::new().user_data(10).sqe_flags(SqeFlags::ASYNC)).unwrap();
    assert_eq!(run(&mut ring, 3).len(), 3);
}

#[test]
fn link_timeout_cancels_a_blocked_read() {
    let (r, _w) = pipe();
    let mut ring = IoUring::new(8).unwrap();
    let mut buf = [0u8; 8];
    let ts = Timespec::from(Duration::from_millis(30));
    let t = Instant::now();
    unsafe {
        ring.push(ops::Read::new(r.as_raw_fd(), buf.as_mut_ptr(), 8).user_data(1).link()).unwrap();
        ring.push(ops::LinkTimeout::new(ts).user_data(2)).unwrap();
    }
    let c = run(&mut ring, 2);
    assert!(t.elapsed() >= Duration::from_millis(25));
    assert_eq!(c[0].result().unwrap_err().errno(), Errno::ECANCELED);
    assert_eq!(c[1].result().unwrap_err().errno(), Errno::ETIME);
}

#[test]
fn timeouts_count_remove_and_update() {
    let mut ring = IoUring::new(8).unwrap();
    let long = Timespec::from(Duration::from_secs(30));
    // Completes after 2 other completions, long before its time.
    ring.push(ops::Timeout::new(long).count(2).user_data(1)).unwrap();
    ring.push(ops::Nop::new().user_data(2)).unwrap();
    ring.push(ops::Nop::new().user_data(3)).unwrap();
    let c = run(&mut ring, 3);
    assert_eq!(c[0].result(), Ok(0));
    // A pure time-out fires with ETIME.
    let short = Timespec::from(Duration::from_millis(5));
    ring.push(ops::Timeout::new(short).user_data(4)).unwrap();
    assert_eq!(run(&mut ring, 1)[0].result().unwrap_err().errno(), Errno::ETIME);
    // Removal: the timeout ends with ECANCELED, the remove with 0.
    ring.push(ops::Timeout::new(long).user_data(5)).unwrap();
    ring.submit().unwrap();
    ring.push(ops::TimeoutRemove::new(5).user_data(6)).unwrap();
    let c = run(&mut ring, 2);
    assert_eq!(c[0].result().unwrap_err().errno(), Errno::ECANCELED);
    assert_eq!(c[1].result(), Ok(0));
    ring.push(ops::TimeoutRemove::new(5).user_data(7)).unwrap();
    assert_eq!(run(&mut ring, 1)[0].result().unwrap_err().errno(), Errno::ENOENT);
    // Update: a 30 s timeout re-armed to 5 ms fires soon.
    ring.push(ops::Timeout::new(long).user_data(8)).unwrap();
    ring.submit().unwrap();
    let t = Instant::now();
    ring.push(ops::TimeoutRemove::new(8).update(Some(short)).user_data(9)).unwrap();
    let c = run(&mut ring, 2);
    assert_eq!(c[0].result().unwrap_err().errno(), Errno::ETIME);
    assert_eq!(c[1].result(), Ok(0));
    assert!(t.elapsed() < Duration::from_secs(5));
}

#[test]
fn cancel_by_user_data_fd_and_any() {
    let (r, _w) = pipe();
    let mut ring = IoUring::new(8).unwrap();
    let mut buf = [0u8; 4];
    let rfd = r.as_raw_fd();
    unsafe {
        ring.push(ops::Read::new(rfd, buf.as_mut_ptr(), 4).user_data(1)).unwrap();
    }
    ring.submit().unwrap();
    ring.push(ops::AsyncCancel::new(1u64).user_data(2)).unwrap();
    let c = run(&mut ring, 2);
    assert_eq!(c[0].result().unwrap_err().errno(), Errno::ECANCELED);
    assert_eq!(c[1].result(), Ok(0));
    ring.push(ops::PollAdd::new(rfd, libc::POLLIN as u32).user_data(3)).unwrap();
    ring.submit().unwrap();
    ring.push(ops::AsyncCancel::new(ops::CancelTarget::Fd(Fd::Raw(rfd))).user_data(4)).unwrap();
    let c = run(&mut ring, 2);
    assert_eq!(c[0].result().unwrap_err().errno(), Errno::ECANCELED);
    ring.push(ops::PollAdd::new(rfd, libc::POLLIN as u32).user_data(5)).unwrap();
    ring.submit().unwrap();
    ring.push(ops::AsyncCancel::new(ops::CancelTarget::Any).flags(sys::IORING_ASYNC_CANCEL_ALL).user_data(6)).unwrap();
    let c = run(&mut ring, 2);
    assert_eq!(c[0].result().unwrap_err().errno(), Errno::ECANCELED);
    assert!(c[1].result().unwrap() >= 1);
    ring.push(ops::AsyncCancel::new(99u64).user_data(7)).unwrap();
    assert_eq!(run(&mut ring, 1)[0].result().unwrap_err().errno(), Errno::ENOENT);
}

#[test]
fn poll_multishot_remove_and_pipes() {
    let (r, w) = pipe();
    let (rfd, wfd) = (r.as_raw_fd(), w.as_raw_fd());
    let mut ring = IoUring::new(8).unwrap();
    ring.push(ops::PollAdd::new(wfd, libc::POLLOUT as u32).user_data(1)).unwrap();
    let c = run(&mut ring, 1);
    assert_ne!(c[0].result().unwrap() & libc::POLLOUT as u32, 0);
    // Multishot poll: stays armed (more()) until removed.
    ring.push(ops::PollAdd::new(rfd, libc::POLLIN as u32).multishot(true).user_data(2)).unwrap();
    ring.submit().unwrap();
    let msg = b"0123456789";
    unsafe { ring.push(ops::Write::new(wfd, msg.as_ptr(), 10).user_data(3)) }.unwrap();
    let c = run(&mut ring, 2);
    assert!(c[0].more() && c[0].result().unwrap() & libc::POLLIN as u32 != 0);
    assert_eq!(c[1].result(), Ok(10));
    ring.push(ops::PollRemove::new(2).user_data(4)).unwrap();
    let c = run(&mut ring, 2);
    assert_eq!(c[0].result().unwrap_err().errno(), Errno::ECANCELED);
    assert_eq!(c[1].result(), Ok(0));
    // tee copies pipe data to a second pipe without consuming; splice moves it to a file.
    let (r2, w2) = pipe();
    ring.push(ops::Tee::new(rfd, w2.as_raw_fd(), 10).user_data(5)).unwrap();
    assert_eq!(run(&mut ring, 1)[0].result(), Ok(10));
    let dir = TmpDir::new("splice");
    let out = OpenOptions::new().read(true).write(true).create(true).truncate(true).open(dir.path("o")).unwrap();
    ring.push(ops::Splice::new(rfd, -1, out.as_raw_fd(), 0, 10).user_data(6)).unwrap();
    assert_eq!(run(&mut ring, 1)[0].result(), Ok(10));
    assert_eq!(fs::read(dir.path("o")).unwrap(), msg);
    let mut copy = [0u8; 10];
    unsafe { ring.push(ops::Read::new(r2.as_raw_fd(), copy.as_mut_ptr(), 10).user_data(7)) }.unwrap();
    assert_eq!(run(&mut ring, 1)[0].result(), Ok(10));
    assert_eq!(&copy, msg);
}

#[test]
fn pipe_op_and_nop_injection() {
    let mut ring = IoUring::new(4).unwrap();
    let mut fds = [-1i32; 2];
    unsafe { ring.push(ops::Pipe::new(&mut fds).flags(libc::O_CLOEXEC).user_data(1)) }.unwrap();
    match run(&mut ring, 1)[0].result() {
        Ok(_) => {
            // SAFETY: the kernel just created these two fds for us.
            let (r, w) = unsafe { (File::from_raw_fd(fds[0]), File::from_raw_fd(fds[1])) };
            let msg = b"via IORING_OP_PIPE";
            unsafe { ring.push(ops::Write::new(w.as_raw_fd(), msg.as_ptr(), msg.len() as u32).user_data(2)) }.unwrap();
            let mut back = [0u8; 18];
            unsafe { ring.push(ops::Read::new(r.as_raw_fd(), back.as_mut_ptr(), 18).user_data(3)) }.unwrap();
            let c = run(&mut ring, 2);
            assert_eq!((c[0].result(), c[1].result()), (Ok(18), Ok(18)));
            assert_eq!(&back, msg);
        }
        Err(e) if e.errno() == Errno::EINVAL => eprintln!("kernel lacks IORING_OP_PIPE: skipped"),
        Err(e) => panic!("pipe: {e}"),
    }
}

fn pipe() -> (File, File) {
    let mut fds = [0i32; 2];
    // SAFETY: pipe2 writes two fds into the array.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // SAFETY: freshly created, owned by us.
    unsafe { (File::from_raw_fd(fds[0]), File::from_raw_fd(fds[1])) }
}

#[test]
fn xattrs_openat2_madvise() {
    let dir = TmpDir::new("xattr");
    let path = dir.path("x");
    fs::write(&path, b"xattr target").unwrap();
    let cpath = cstr(&path);
    let mut ring = IoUring::new(8).unwrap();

    // openat2 with an open_how.
    let how = sys::open_how { flags: libc::O_RDWR as u64 | libc::O_CLOEXEC as u64, mode: 0, resolve: 0 };
    unsafe { ring.push(ops::OpenAt2::new(AT_FDCWD, cpath.as_ptr(), &how).user_data(1)) }.unwrap();
    let fd = run(&mut ring, 1)[0].result().expect("openat2") as i32;
    // SAFETY: the kernel opened it for us.
    let file = unsafe { File::from_raw_fd(fd) };

    // setxattr by path, fgetxattr by fd; fsetxattr by fd, getxattr by path.
    let (n1, n2) = (CString::new("user.io_urine.a").unwrap(), CString::new("user.io_urine.b").unwrap());
    unsafe { ring.push(ops::SetXattr::new(cpath.as_ptr(), n1.as_ptr(), b"one".as_ptr(), 3).user_data(2)) }.unwrap();
    match run(&mut ring, 1)[0].result() {
        Ok(_) => {}
        Err(e) if e.errno() == Errno::EOPNOTSUPP => {
            eprintln!("file system without user xattrs: xattr part skipped");
            return;
        }
        Err(e) => panic!("setxattr: {e}"),
    }
    let mut v = [0u8; 8];
    unsafe { ring.push(ops::FgetXattr::new(fd, n1.as_ptr(), v.as_mut_ptr(), 8).user_data(3)) }.unwrap();
    assert_eq!(run(&mut ring, 1)[0].result(), Ok(3));
    assert_eq!(&v[..3], b"one");
    unsafe { ring.push(ops::FsetXattr::new(fd, n2.as_ptr(), b"second".as_ptr(), 6).user_data(4)) }.unwrap();
    assert_eq!(run(&mut ring, 1)[0].result(), Ok(0));
    unsafe { ring.push(ops::GetXattr::new(cpath.as_ptr(), n2.as_ptr(), v.as_mut_ptr(), 8).user_data(5)) }.unwrap();
    assert_eq!(run(&mut ring, 1)[0].result(), Ok(6));
    assert_eq!(&v[..6], b"second");
    unsafe { ring.push(ops::GetXattr::new(cpath.as_ptr(), n2.as_ptr(), v.as_mut_ptr(), 2).user_data(6)) }.unwrap();
    assert_eq!(run(&mut ring, 1)[0].result().unwrap_err().errno(), Errno::ERANGE);
    drop(file);

    // madvise(MADV_WILLNEED) on our own memory.
    let mut mem = vec![0u8; 2 * 4096];
    let page = (mem.as_mut_ptr() as usize + 4095) & !4095;
    unsafe { ring.push(ops::Madvise::new(page as *mut u8, 4096, libc::MADV_WILLNEED).user_data(7)) }.unwrap();
    assert_eq!(run(&mut ring, 1)[0].result(), Ok(0));
}
