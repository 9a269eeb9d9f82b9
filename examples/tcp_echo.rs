//! A TCP echo server on loopback built on io_urine's safe API: one multishot accept,
//! one multishot receive per connection into a provided-buffer ring (`BufRing`), and
//! owned-buffer sends, all driven by one ring on one thread. No `unsafe`.
//!
//! Run: `cargo run --example tcp_echo [CLIENTS]` (default 32) starts its own clients
//! (threads with std `TcpStream`s) that each send a few messages and check the echoes;
//! the server exits once that many clients have come and gone.
//!
//! `cargo run --release --example tcp_echo serve N [ENTRIES BUFLEN]` is the server alone
//! (as examples/tcp-echo.c): it prints "tcp_echo: listening on port P" and exits after N
//! connections were served and closed (tests/tcp10k-test drives it with 10,000).

use io_urine::{ops, BufRing, Completion, IoUring, OwnedOp};
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

/// What the server did.
struct Served {
    accepted: usize,
    echoed: usize,
}

/// Serves `clients` connections on `listener` (then returns), echoing everything.
fn serve(listener: &TcpListener, clients: usize, entries: u16, buf_len: u32) -> Result<Served, Box<dyn Error>> {
    let mut ring = IoUring::with_entries(1024, 4096)?;
    let mut bufs = BufRing::new(&ring, BGID, entries, buf_len)?;
    let lfd = listener.as_raw_fd();
    let recv = |fd: i32| ops::Recv::buffer_select(fd, BGID).multishot(true).user_data(RECV | fd as u64);
    ring.push(ops::Accept::new(lfd).multishot(true).user_data(ACCEPT))?;
    ring.submit()?;

    let (mut accepted, mut closed, mut echoed) = (0usize, 0usize, 0usize);
    let mut batch: Vec<Completion> = Vec::with_capacity(256);
    while closed < clients {
        ring.submit_and_wait(1)?;
        // Completions are owned values: take a batch, then push freely while handling it.
        batch.extend(ring.completions().take(256));
        for mut cqe in batch.drain(..) {
            // Owned sends: the ring hands the echoed buffer back once the send is done.
            if let Some(done) = ring.take_owned(&cqe) {
                let sent = done.result?;
                assert_eq!(sent as usize, done.buf.len(), "short send on fd {}", done.tag);
                continue;
            }
            let fd = (cqe.user_data() & 0xffff_ffff) as i32;
            match cqe.user_data() & KIND {
                ACCEPT => {
                    let conn = cqe.result()? as i32;
                    accepted += 1;
                    ring.push(recv(conn))?;
                    if !cqe.more() {
                        ring.push(ops::Accept::new(lfd).multishot(true).user_data(ACCEPT))?;
                    }
                }
                RECV => {
                    // The completion names the buffer the kernel filled and is done with.
                    if let Some(buf) = bufs.take(&mut cqe) {
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
                        Ok(0) => ring.push(ops::Close::new(fd).user_data(CLOSE | fd as u64))?,
                        // The multishot receive ended: receive again.
                        Ok(_) if !cqe.more() => ring.push(recv(fd))?,
                        Err(e) if e.errno() == io_urine::Errno::ENOBUFS => ring.push(recv(fd))?,
                        Err(e) => {
                            eprintln!("recv on fd {fd}: {e}");
                            ring.push(ops::Close::new(fd).user_data(CLOSE | fd as u64))?
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
            if ring.sq_space_left() < 8 {
                ring.submit()?;
            }
        }
    }
    Ok(Served { accepted, echoed })
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    if args.first().map(String::as_str) == Some("serve") {
        let n: usize = args.get(1).ok_or("serve N")?.parse()?;
        let entries: u16 = args.get(2).map_or(Ok(256), |a| a.parse())?;
        let buf_len: u32 = args.get(3).map_or(Ok(2048), |a| a.parse())?;
        println!("tcp_echo: listening on port {port}");
        std::io::stdout().flush()?;
        let s = serve(&listener, n, entries, buf_len)?;
        println!("tcp_echo: served {} connections, echoed {} bytes", s.accepted, s.echoed);
        return Ok(());
    }
    let clients: usize = match args.first() {
        Some(a) => a.parse()?,
        None => 32,
    };
    println!("echo server on 127.0.0.1:{port}, serving {clients} clients");
    let handles: Vec<_> = (0..clients).map(|id| std::thread::spawn(move || client(port, id))).collect();
    let s = serve(&listener, clients, 256, 2048)?;
    for h in handles {
        h.join().map_err(|_| "client thread panicked")??;
    }
    println!("served {} clients, echoed {} bytes; all echoes verified", s.accepted, s.echoed);
    Ok(())
}
