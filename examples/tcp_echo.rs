//! A TCP echo server on loopback built on io_urine's safe API: one multishot accept,
//! one multishot receive per connection into a provided-buffer ring (`BufRing`), and
//! owned-buffer sends, all driven by one ring on one thread.
//!
//! The example starts its own clients (threads with std `TcpStream`s) that each send
//! a few messages and check the echoes; the server exits once that many clients have
//! come and gone.
//!
//! Run: `cargo run --example tcp_echo [CLIENTS]` (default 32).

use io_urine::{ops, BufRing, Cqe, IoUring, OwnedOp};
use std::error::Error;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::time::Duration;

const BGID: u16 = 1;
const MESSAGES: usize = 8;

// user_data layout: kind in bits 56..62 (bit 63 is the library's), fd in the low bits.
const ACCEPT: u64 = 1 << 56;
const RECV: u64 = 2 << 56;
const CLOSE: u64 = 3 << 56;
const KIND: u64 = 0x7f << 56;

fn client(port: u16, id: usize) -> Result<(), String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(10))).map_err(|e| e.to_string())?;
    for m in 0..MESSAGES {
        let msg = format!("client {id} message {m} {}", "x".repeat(id % 50));
        s.write_all(msg.as_bytes()).map_err(|e| e.to_string())?;
        let mut back = vec![0u8; msg.len()];
        s.read_exact(&mut back).map_err(|e| format!("client {id}: {e}"))?;
        if back != msg.as_bytes() {
            return Err(format!("client {id}: echo mismatch"));
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let clients: usize = match std::env::args().nth(1) {
        Some(a) => a.parse()?,
        None => 32,
    };
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    println!("echo server on 127.0.0.1:{port}, serving {clients} clients");

    let mut ring = IoUring::with_entries(256, 1024)?;
    let mut bufs = BufRing::new(&ring, BGID, 256, 2048)?;
    let lfd = listener.as_raw_fd();
    ring.push(&ops::Accept::new(lfd).multishot(true).user_data(ACCEPT))?;
    ring.submit()?;

    let handles: Vec<_> = (0..clients).map(|id| std::thread::spawn(move || client(port, id))).collect();

    let (mut accepted, mut closed, mut echoed) = (0usize, 0usize, 0usize);
    let mut cqes = [Cqe::default(); 64];
    while closed < clients {
        ring.submit_and_wait(1)?;
        let n = ring.copy_cqes(&mut cqes, 0)?;
        for cqe in &cqes[..n] {
            // Owned sends: the ring hands the echoed buffer back once the send is done.
            if let Some(done) = ring.take_owned(cqe) {
                let sent = done.result?;
                assert_eq!(sent as usize, done.buf.len(), "short send on fd {}", done.tag);
                continue;
            }
            let fd = (cqe.user_data() & 0xffff_ffff) as i32;
            match cqe.user_data() & KIND {
                ACCEPT => {
                    let conn = cqe.result()? as i32;
                    accepted += 1;
                    ring.push(&ops::Recv::buffer_select(conn, BGID).multishot(true).user_data(RECV | conn as u64))?;
                    if !cqe.more() {
                        ring.push(&ops::Accept::new(lfd).multishot(true).user_data(ACCEPT))?;
                    }
                }
                RECV => {
                    if let Some(buf) = bufs.take(cqe) {
                        if !buf.is_empty() {
                            // Copy into an owned buffer for the send, and give the
                            // provided buffer straight back to the kernel.
                            let data = bufs.data(&buf).to_vec();
                            echoed += data.len();
                            ring.push_owned(OwnedOp::Send { fd: fd.into(), flags: 0 }, data, fd as u64)
                                .map_err(|e| e.to_string())?;
                        }
                        bufs.recycle(buf);
                    }
                    match cqe.result() {
                        Ok(0) => ring.push(&ops::Close::new(fd).user_data(CLOSE | fd as u64))?,
                        // Out of buffers or re-arm needed: receive again.
                        Ok(_) if !cqe.more() => {
                            ring.push(&ops::Recv::buffer_select(fd, BGID).multishot(true).user_data(RECV | fd as u64))?
                        }
                        Err(e) if e.errno() == io_urine::Errno::ENOBUFS => {
                            ring.push(&ops::Recv::buffer_select(fd, BGID).multishot(true).user_data(RECV | fd as u64))?
                        }
                        Err(e) => {
                            eprintln!("recv on fd {fd}: {e}");
                            ring.push(&ops::Close::new(fd).user_data(CLOSE | fd as u64))?
                        }
                        Ok(_) => {}
                    }
                }
                CLOSE => {
                    cqe.result()?;
                    closed += 1;
                }
                other => return Err(format!("unexpected completion {other:#x}: {cqe:?}").into()),
            }
        }
    }
    for h in handles {
        h.join().map_err(|_| "client thread panicked")??;
    }
    println!("served {accepted} clients, echoed {echoed} bytes; all echoes verified");
    Ok(())
}
