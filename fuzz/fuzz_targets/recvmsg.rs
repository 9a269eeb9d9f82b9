//! The multishot recvmsg parsers on arbitrary buffers and msghdrs.
//!
//! The buffer is exactly as long as its bytes (ASan catches any read past it) and the
//! `buf_len` passed is at most that (it is `cqe->res`: what the kernel stored). Checked:
//! `_validate` accepts exactly the buffers that hold header + name + control area;
//! `_name`, `_payload` and `_payload_length` agree with that layout; every control
//! message `_cmsg_firsthdr` / `_cmsg_nexthdr` return lies wholly inside both the control
//! area the msghdr reserved and the `controllen` bytes the header says were stored, and
//! the walk moves forward.
#![no_main]

use io_urine::capi::prep_net::{
    io_uring_recvmsg_cmsg_firsthdr, io_uring_recvmsg_cmsg_nexthdr, io_uring_recvmsg_name, io_uring_recvmsg_payload,
    io_uring_recvmsg_payload_length, io_uring_recvmsg_validate,
};
use io_urine::sys::{cmsghdr, io_uring_recvmsg_out, msghdr};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use std::mem::size_of;
use std::ptr;

const OUT: usize = size_of::<io_uring_recvmsg_out>();
const CMSG: usize = size_of::<cmsghdr>();

#[derive(Arbitrary, Debug)]
struct Input {
    /// Small values are the interesting ones; the high bit of each selects a huge one.
    namelen: u16,
    controllen: u16,
    huge: u8,
    /// How much less than the buffer `buf_len` claims (the kernel stores at most that).
    short_by: u8,
    /// Start the buffer this many bytes into an 8-aligned allocation (provided buffers
    /// may start anywhere).
    misalign: u8,
    negative_len: bool,
    /// The buffer, starting with the kernel's header (whose lengths are arbitrary too).
    bytes: Vec<u8>,
}

fuzz_target!(|inp: Input| {
    let namelen: u32 = if inp.huge & 1 != 0 { u32::MAX - inp.namelen as u32 } else { inp.namelen as u32 };
    let controllen: usize = match inp.huge >> 1 & 3 {
        1 => usize::MAX - inp.controllen as usize,
        2 => u32::MAX as usize + inp.controllen as usize,
        _ => inp.controllen as usize,
    };
    // An exactly sized heap block: `storage` is 8-aligned, the buffer starts `misalign`
    // bytes in and ends at the block's end.
    let misalign = (inp.misalign & 7) as usize;
    let mut storage: Vec<u8> = Vec::with_capacity(inp.bytes.len() + misalign);
    storage.resize(misalign, 0);
    storage.extend_from_slice(&inp.bytes);
    let len = inp.bytes.len();
    // SAFETY: `misalign` <= the vector's length.
    let buf = unsafe { storage.as_mut_ptr().add(misalign) };
    let buf_len: i32 =
        if inp.negative_len { -1 - inp.short_by as i32 } else { len.saturating_sub(inp.short_by as usize) as i32 };
    let mut mh = msghdr { msg_namelen: namelen, msg_controllen: controllen, ..Default::default() };
    let m: *mut msghdr = &mut mh;

    // SAFETY (all calls below): `buf` is valid for `len` >= `buf_len` bytes and `m` is a
    // valid msghdr; the pointers handed back in are the ones the library returned.
    unsafe {
        // NULL arguments: nothing, never a dereference.
        assert!(io_uring_recvmsg_validate(buf.cast(), buf_len, ptr::null_mut()).is_null());
        assert!(io_uring_recvmsg_validate(ptr::null_mut(), buf_len, m).is_null());
        assert!(io_uring_recvmsg_name(ptr::null_mut()).is_null());
        assert!(io_uring_recvmsg_cmsg_firsthdr(ptr::null_mut(), m).is_null());
        assert!(io_uring_recvmsg_payload(ptr::null_mut(), m).is_null());
        assert_eq!(io_uring_recvmsg_payload_length(ptr::null_mut(), buf_len, m), 0);

        let o = io_uring_recvmsg_validate(buf.cast(), buf_len, m);
        let need = (OUT as u128) + namelen as u128 + controllen as u128;
        let fits = buf_len >= 0 && need <= buf_len as u128;
        assert_eq!(!o.is_null(), fits, "validate: need {need}, buf_len {buf_len}");
        if o.is_null() {
            return;
        }
        assert_eq!(o.cast::<u8>(), buf);
        assert!(io_uring_recvmsg_cmsg_firsthdr(o, ptr::null_mut()).is_null());
        assert_eq!(io_uring_recvmsg_name(o).cast::<u8>(), buf.add(OUT));
        let payload = io_uring_recvmsg_payload(o, m).cast::<u8>();
        assert_eq!(payload as usize - buf as usize, need as usize);
        assert_eq!(io_uring_recvmsg_payload_length(o, buf_len, m) as u128, buf_len as u128 - need);

        // The control area: what the msghdr reserved, of which the kernel claims to have
        // stored `controllen` bytes.
        let start = buf as usize + OUT + namelen as usize;
        let stored = ptr::read_unaligned(ptr::addr_of!((*o).controllen)) as usize;
        let end = start + controllen.min(stored);
        let mut c = io_uring_recvmsg_cmsg_firsthdr(o, m);
        if !c.is_null() {
            assert_eq!(c as usize, start, "firsthdr is not at the control area");
        }
        let mut prev = 0usize;
        let mut steps = 0usize;
        while !c.is_null() {
            let at = c as usize;
            assert!(at > prev || prev == 0, "cmsg walk went backwards");
            assert!(at >= start && at + CMSG <= end, "cmsg header [{at:#x}+{CMSG}) outside [{start:#x}, {end:#x})");
            if prev != 0 {
                // nexthdr also checks the new header's own length (liburing does).
                let clen = ptr::read_unaligned(ptr::addr_of!((*c).cmsg_len));
                assert!(clen <= end - at, "cmsg at {at:#x} of length {clen} runs past {end:#x}");
            }
            prev = at;
            steps += 1;
            assert!(steps <= len / CMSG + 1, "cmsg walk does not end");
            c = io_uring_recvmsg_cmsg_nexthdr(o, m, c);
        }
        assert!(io_uring_recvmsg_cmsg_nexthdr(o, m, ptr::null_mut()).is_null());
    }
});
