//! Split rings: one thread submits, another reaps, on the real kernel.

use io_urine::{ops, Cqe, IoUring};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

const TOTAL: u64 = 1_000_000;

/// 10^6 NOPs produced on one thread and reaped on another; every completion is
/// counted and the user_data sum proves none was lost or duplicated.
fn storm(mut ring: IoUring, batch_reap: bool) {
    let cq_entries = ring.cq_entries() as u64;
    let reaped = AtomicU64::new(0);
    let (mut sq, mut cq) = ring.split();
    std::thread::scope(|s| {
        let reaped = &reaped;
        s.spawn(move || {
            let mut next = 0u64;
            while next < TOTAL {
                // Keep at most one CQ's worth in flight, so the CQ never overflows.
                while next - reaped.load(Ordering::Acquire) >= cq_entries {
                    std::hint::spin_loop();
                }
                match sq.push(ops::Nop::new().user_data(next)) {
                    Ok(()) => next += 1,
                    Err(_) => {
                        sq.submit().unwrap();
                    }
                }
                if next % 64 == 0 {
                    sq.submit().unwrap();
                }
            }
            sq.submit().unwrap();
        });
        let mut count = 0u64;
        let mut sum = 0u64;
        let mut out = [Cqe::default(); 64];
        while count < TOTAL {
            if batch_reap {
                let n = cq.copy_cqes(&mut out, 1).unwrap();
                for c in &out[..n] {
                    assert_eq!(c.res(), 0);
                    sum += c.user_data();
                }
                count += n as u64;
            } else {
                let c = cq.wait_cqe_timeout(Duration::from_secs(10)).expect("completion within 10 s");
                sum += c.user_data();
                count += 1;
            }
            reaped.store(count, Ordering::Release);
        }
        assert_eq!(count, TOTAL);
        assert_eq!(sum, TOTAL * (TOTAL - 1) / 2);
        assert_eq!(cq.cq_ready(), 0);
    });
}

#[test]
fn million_nops_two_threads_batched() {
    storm(IoUring::new(256).unwrap(), true);
}

#[test]
fn million_nops_two_threads_one_by_one() {
    storm(IoUring::new(64).unwrap(), false);
}

#[test]
fn handles_are_send_not_sync() {
    fn send<T: Send>() {}
    send::<io_urine::SubmissionQueue<'static>>();
    send::<io_urine::CompletionQueue<'static>>();
    send::<IoUring>();
    // (Not Sync / not Clone is checked by the compile-fail doc test on `split`.)
}

#[test]
fn ring_is_usable_after_the_split_ends() {
    let mut ring = IoUring::new(8).unwrap();
    {
        let (mut sq, mut cq) = ring.split();
        sq.push(ops::Nop::new().user_data(1)).unwrap();
        sq.submit_and_wait(1).unwrap();
        assert_eq!(cq.wait_cqe().unwrap().user_data(), 1);
    }
    ring.push(ops::Nop::new().user_data(2)).unwrap();
    ring.submit_and_wait(1).unwrap();
    assert_eq!(ring.wait_cqe().unwrap().user_data(), 2);
    assert_eq!(ring.sq_ready(), 0);
}

#[test]
fn completion_half_works_on_another_thread_with_a_registered_ring_fd() {
    let mut ring = IoUring::new(8).unwrap();
    ring.register_ring_fd().unwrap();
    let (mut sq, mut cq) = ring.split();
    std::thread::scope(|s| {
        let h = s.spawn(move || {
            let c = cq.wait_cqe_timeout(Duration::from_secs(10)).expect("wait on another thread");
            c.user_data()
        });
        std::thread::sleep(Duration::from_millis(20));
        sq.push(ops::Nop::new().user_data(42)).unwrap();
        sq.submit().unwrap();
        assert_eq!(h.join().unwrap(), 42);
    });
}
