//! The owned-buffer path: the ring keeps each `Vec` until the completion is consumed,
//! then hands it back with the data.
#![cfg(feature = "alloc")]

use io_urine::{ops, Cqe, Fd, IoUring, OwnedError, OwnedOp, PushError};
use std::fs::OpenOptions;
use std::io::{Read as _, Write as _};
use std::os::fd::AsRawFd;
use std::time::Duration;

fn next(ring: &mut IoUring) -> Cqe {
    ring.wait_cqe_timeout(Duration::from_secs(10)).expect("completion").cqe()
}

#[test]
fn owned_write_then_read_back() {
    let p = std::env::temp_dir().join(format!("io_urine_api_owned_{}", std::process::id()));
    let f = OpenOptions::new().read(true).write(true).create(true).truncate(true).open(&p).unwrap();
    let fd = Fd::from(f.as_raw_fd());
    let mut ring = IoUring::new(8).unwrap();
    let data: Vec<u8> = (0..10_000u32).map(|i| (i % 97) as u8).collect();
    ring.submit_owned(OwnedOp::Write { fd, offset: 0 }, data.clone(), 1).unwrap();
    assert_eq!(ring.owned_in_flight(), 1);
    let c = next(&mut ring);
    assert_eq!(ring.owned_in_flight(), 0);
    let done = ring.take_owned(&c).unwrap();
    assert_eq!((done.tag, done.result), (1, Ok(10_000)));
    assert_eq!(done.buf, data, "a written buffer comes back unchanged");
    assert!(ring.take_owned(&c).is_none(), "handed back once");

    // Read into spare capacity: existing bytes are kept, length grows by what was read.
    let mut buf = Vec::with_capacity(12_000);
    buf.extend_from_slice(b"head:");
    ring.submit_owned(OwnedOp::Read { fd, offset: 100 }, buf, 2).unwrap();
    let c = next(&mut ring);
    let done = ring.take_owned(&c).unwrap();
    assert_eq!(done.result, Ok(9_900));
    assert_eq!(&done.buf[..5], b"head:");
    assert_eq!(&done.buf[5..], &data[100..]);
    std::fs::remove_file(p).unwrap();
}

#[test]
fn not_released_before_the_cqe_is_consumed() {
    let (mut a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    let mut ring = IoUring::new(8).unwrap();
    ring.submit_owned(OwnedOp::Recv { fd: b.as_raw_fd().into(), flags: 0 }, Vec::with_capacity(64), 9).unwrap();
    a.write_all(b"owned recv").unwrap();
    let g = ring.wait_cqe_timeout(Duration::from_secs(10)).unwrap();
    let c = g.cqe();
    // While the guard lives the ring is borrowed: `take_owned` cannot run before the
    // CQE is consumed (the borrow checker sees to it).
    assert_eq!(g.user_data(), c.user_data());
    g.seen();
    let done = ring.take_owned(&c).unwrap();
    assert_eq!((done.tag, &done.buf[..]), (9, &b"owned recv"[..]));

    // Send: the peer gets the bytes; the buffer comes back via copy_cqes.
    ring.submit_owned(OwnedOp::Send { fd: b.as_raw_fd().into(), flags: 0 }, b"pong".to_vec(), 10).unwrap();
    let mut out = [Cqe::default(); 4];
    let n = ring.copy_cqes(&mut out, 1).unwrap();
    assert_eq!(n, 1);
    let done = ring.take_owned(&out[0]).unwrap();
    assert_eq!((done.tag, done.result, &done.buf[..]), (10, Ok(4), &b"pong"[..]));
    let mut got = [0u8; 4];
    a.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"pong");
}

#[test]
fn user_data_cannot_impersonate_owned_ops() {
    let (_a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    let mut ring = IoUring::new(8).unwrap();
    // A receive that stays pending (no data is sent).
    ring.submit_owned(OwnedOp::Recv { fd: b.as_raw_fd().into(), flags: 0 }, Vec::with_capacity(16), 1).unwrap();
    // NOPs with every user_data an owned key could have: the top bit is cleared.
    for ud in [u64::MAX, 1 << 63, (1 << 63) | 1] {
        ring.push(ops::Nop::new().user_data(ud)).unwrap();
    }
    ring.submit().unwrap();
    for _ in 0..3 {
        let c = next(&mut ring);
        assert_eq!(c.user_data() >> 63, 0);
        assert!(ring.take_owned(&c).is_none());
    }
    assert_eq!(ring.owned_in_flight(), 1, "the pending receive keeps its buffer");
    // Cancel it: the buffer comes back with ECANCELED.
    ring.push(ops::AsyncCancel::new(ops::CancelTarget::Any)).unwrap();
    ring.submit().unwrap();
    let mut back = None;
    for _ in 0..2 {
        let c = next(&mut ring);
        if let Some(d) = ring.take_owned(&c) {
            back = Some(d);
        }
    }
    let d = back.expect("owned completion");
    assert_eq!(d.result.unwrap_err().errno(), io_urine::Errno::ECANCELED);
    assert!(d.buf.is_empty() && d.buf.capacity() >= 16);
}

#[test]
fn full_queue_returns_the_buffer_and_drop_with_ops_in_flight_is_safe() {
    let (_a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    let mut ring = IoUring::new(2).unwrap();
    ring.push(ops::Nop::new()).unwrap();
    ring.push(ops::Nop::new()).unwrap();
    match ring.push_owned(OwnedOp::Recv { fd: b.as_raw_fd().into(), flags: 0 }, vec![1, 2, 3], 0) {
        Err(OwnedError::NotQueued { error: PushError::QueueFull, buf }) => assert_eq!(buf, [1, 2, 3]),
        other => panic!("{other:?}"),
    }
    ring.submit().unwrap();
    // Pending receives when the ring goes away: their buffers are leaked, not freed
    // under the kernel.
    ring.submit_owned(OwnedOp::Recv { fd: b.as_raw_fd().into(), flags: 0 }, Vec::with_capacity(8), 0).unwrap();
    drop(ring);
}

#[test]
fn reused_slots_do_not_leak_owned_keys() {
    let (mut a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    let mut ring = IoUring::new(1).unwrap();
    // The only SQ slot carries an owned key first…
    ring.submit_owned(OwnedOp::Recv { fd: b.as_raw_fd().into(), flags: 0 }, Vec::with_capacity(8), 1).unwrap();
    // …then is handed out again untouched: it must not complete as that key.
    let _untouched = ring.get_sqe().unwrap();
    ring.submit().unwrap();
    let c = next(&mut ring);
    assert_eq!(c.user_data(), 0);
    assert_eq!(ring.owned_in_flight(), 1, "the receive still owns its buffer");
    a.write_all(b"late").unwrap();
    let c = next(&mut ring);
    assert_eq!(&ring.take_owned(&c).unwrap().buf[..], b"late");
}

#[test]
fn completions_reaped_through_the_split_completion_queue_give_buffers_back() {
    let p = std::env::temp_dir().join(format!("io_urine_api_owned_split_{}", std::process::id()));
    let mut f = OpenOptions::new().read(true).write(true).create(true).truncate(true).open(&p).unwrap();
    let data: Vec<u8> = (0..4096u32).map(|i| (i % 251) as u8).collect();
    f.write_all(&data).unwrap();
    let fd = Fd::from(f.as_raw_fd());
    let mut ring = IoUring::new(8).unwrap();
    // Each way the completion half reaps: peek/wait guards, the iterator, copy_cqes.
    for how in 0..4u64 {
        for i in 0..3u64 {
            let op = OwnedOp::Read { fd, offset: i * 1000 };
            ring.push_owned(op, Vec::with_capacity(500), how * 10 + i).unwrap();
        }
        ring.submit().unwrap();
        let mut got: Vec<Cqe> = Vec::new();
        {
            let (_sq, mut cq) = ring.split();
            while got.len() < 3 {
                match how {
                    0 => got.push(cq.wait_cqe().unwrap().cqe()),
                    1 => got.extend(cq.peek_cqe().map(|g| g.cqe())),
                    2 => got.extend(cq.completions().map(|c| c.cqe())),
                    _ => {
                        let mut out = [Cqe::default(); 3];
                        let n = cq.copy_cqes(&mut out[..3 - got.len()], 1).unwrap();
                        got.extend_from_slice(&out[..n]);
                    }
                }
            }
        }
        assert_eq!(ring.owned_in_flight(), 0, "way {how}: every completion marked its buffer done");
        for c in &got {
            let done = ring.take_owned(c).expect("the buffer comes back after the split");
            let i = done.tag - how * 10;
            assert_eq!(done.result, Ok(500));
            assert_eq!(done.buf, data[i as usize * 1000..][..500], "way {how}, read {i}");
        }
    }
    drop(f);
    std::fs::remove_file(&p).unwrap();
}
