//! Constants of the ring itself: setup, enter, features, ring flags, mmap offsets.

/// `io_uring_setup(2)` flags.
pub const IORING_SETUP_IOPOLL: u32 = 1 << 0;
pub const IORING_SETUP_SQPOLL: u32 = 1 << 1;
pub const IORING_SETUP_SQ_AFF: u32 = 1 << 2;
pub const IORING_SETUP_CQSIZE: u32 = 1 << 3;
pub const IORING_SETUP_CLAMP: u32 = 1 << 4;
pub const IORING_SETUP_ATTACH_WQ: u32 = 1 << 5;
pub const IORING_SETUP_R_DISABLED: u32 = 1 << 6;
pub const IORING_SETUP_SUBMIT_ALL: u32 = 1 << 7;
pub const IORING_SETUP_COOP_TASKRUN: u32 = 1 << 8;
pub const IORING_SETUP_TASKRUN_FLAG: u32 = 1 << 9;
pub const IORING_SETUP_SQE128: u32 = 1 << 10;
pub const IORING_SETUP_CQE32: u32 = 1 << 11;
pub const IORING_SETUP_SINGLE_ISSUER: u32 = 1 << 12;
pub const IORING_SETUP_DEFER_TASKRUN: u32 = 1 << 13;
pub const IORING_SETUP_NO_MMAP: u32 = 1 << 14;
pub const IORING_SETUP_REGISTERED_FD_ONLY: u32 = 1 << 15;
pub const IORING_SETUP_NO_SQARRAY: u32 = 1 << 16;
pub const IORING_SETUP_HYBRID_IOPOLL: u32 = 1 << 17;
pub const IORING_SETUP_CQE_MIXED: u32 = 1 << 18;
pub const IORING_SETUP_SQE_MIXED: u32 = 1 << 19;
pub const IORING_SETUP_SQ_REWIND: u32 = 1 << 20;

/// `io_uring_enter(2)` flags.
pub const IORING_ENTER_GETEVENTS: u32 = 1 << 0;
pub const IORING_ENTER_SQ_WAKEUP: u32 = 1 << 1;
pub const IORING_ENTER_SQ_WAIT: u32 = 1 << 2;
pub const IORING_ENTER_EXT_ARG: u32 = 1 << 3;
pub const IORING_ENTER_REGISTERED_RING: u32 = 1 << 4;
pub const IORING_ENTER_ABS_TIMER: u32 = 1 << 5;
pub const IORING_ENTER_EXT_ARG_REG: u32 = 1 << 6;
pub const IORING_ENTER_NO_IOWAIT: u32 = 1 << 7;

/// `io_uring_params.features`.
pub const IORING_FEAT_SINGLE_MMAP: u32 = 1 << 0;
pub const IORING_FEAT_NODROP: u32 = 1 << 1;
pub const IORING_FEAT_SUBMIT_STABLE: u32 = 1 << 2;
pub const IORING_FEAT_RW_CUR_POS: u32 = 1 << 3;
pub const IORING_FEAT_CUR_PERSONALITY: u32 = 1 << 4;
pub const IORING_FEAT_FAST_POLL: u32 = 1 << 5;
pub const IORING_FEAT_POLL_32BITS: u32 = 1 << 6;
pub const IORING_FEAT_SQPOLL_NONFIXED: u32 = 1 << 7;
pub const IORING_FEAT_EXT_ARG: u32 = 1 << 8;
pub const IORING_FEAT_NATIVE_WORKERS: u32 = 1 << 9;
pub const IORING_FEAT_RSRC_TAGS: u32 = 1 << 10;
pub const IORING_FEAT_CQE_SKIP: u32 = 1 << 11;
pub const IORING_FEAT_LINKED_FILE: u32 = 1 << 12;
pub const IORING_FEAT_REG_REG_RING: u32 = 1 << 13;
pub const IORING_FEAT_RECVSEND_BUNDLE: u32 = 1 << 14;
pub const IORING_FEAT_MIN_TIMEOUT: u32 = 1 << 15;
pub const IORING_FEAT_RW_ATTR: u32 = 1 << 16;
pub const IORING_FEAT_NO_IOWAIT: u32 = 1 << 17;

/// `sq_ring->flags`.
pub const IORING_SQ_NEED_WAKEUP: u32 = 1 << 0;
pub const IORING_SQ_CQ_OVERFLOW: u32 = 1 << 1;
pub const IORING_SQ_TASKRUN: u32 = 1 << 2;

/// `cq_ring->flags`.
pub const IORING_CQ_EVENTFD_DISABLED: u32 = 1 << 0;

/// `cqe->flags`.
pub const IORING_CQE_F_BUFFER: u32 = 1 << 0;
pub const IORING_CQE_F_MORE: u32 = 1 << 1;
pub const IORING_CQE_F_SOCK_NONEMPTY: u32 = 1 << 2;
pub const IORING_CQE_F_NOTIF: u32 = 1 << 3;
pub const IORING_CQE_F_BUF_MORE: u32 = 1 << 4;
pub const IORING_CQE_F_SKIP: u32 = 1 << 5;
pub const IORING_CQE_F_32: u32 = 1 << 15;
pub const IORING_CQE_BUFFER_SHIFT: u32 = 16;

/// Magic offsets for mmap(2) of the ring fd.
pub const IORING_OFF_SQ_RING: u64 = 0;
pub const IORING_OFF_CQ_RING: u64 = 0x0800_0000;
pub const IORING_OFF_SQES: u64 = 0x1000_0000;
pub const IORING_OFF_PBUF_RING: u64 = 0x8000_0000;
pub const IORING_OFF_PBUF_SHIFT: u64 = 16;
pub const IORING_OFF_MMAP_MASK: u64 = 0xf800_0000;

/// `sqe->flags` bits.
pub const IOSQE_FIXED_FILE_BIT: u32 = 0;
pub const IOSQE_IO_DRAIN_BIT: u32 = 1;
pub const IOSQE_IO_LINK_BIT: u32 = 2;
pub const IOSQE_IO_HARDLINK_BIT: u32 = 3;
pub const IOSQE_ASYNC_BIT: u32 = 4;
pub const IOSQE_BUFFER_SELECT_BIT: u32 = 5;
pub const IOSQE_CQE_SKIP_SUCCESS_BIT: u32 = 6;
pub const IOSQE_FIXED_FILE: u8 = 1 << IOSQE_FIXED_FILE_BIT;
pub const IOSQE_IO_DRAIN: u8 = 1 << IOSQE_IO_DRAIN_BIT;
pub const IOSQE_IO_LINK: u8 = 1 << IOSQE_IO_LINK_BIT;
pub const IOSQE_IO_HARDLINK: u8 = 1 << IOSQE_IO_HARDLINK_BIT;
pub const IOSQE_ASYNC: u8 = 1 << IOSQE_ASYNC_BIT;
pub const IOSQE_BUFFER_SELECT: u8 = 1 << IOSQE_BUFFER_SELECT_BIT;
pub const IOSQE_CQE_SKIP_SUCCESS: u8 = 1 << IOSQE_CQE_SKIP_SUCCESS_BIT;

/// liburing's `user_data` for its internal timeout SQE (the no-EXT_ARG wait fallback).
pub const LIBURING_UDATA_TIMEOUT: u64 = u64::MAX;

/// The library version this crate implements.
pub const IO_URING_VERSION_MAJOR: i32 = 2;
pub const IO_URING_VERSION_MINOR: i32 = 15;

/// liburing's private `int_flags` bits (stored in `struct io_uring.int_flags`).
pub const INT_FLAG_REG_RING: u8 = IORING_ENTER_REGISTERED_RING as u8;
pub const INT_FLAG_NO_IOWAIT: u8 = IORING_ENTER_NO_IOWAIT as u8;
pub const INT_FLAG_REG_REG_RING: u8 = 1;
pub const INT_FLAG_APP_MEM: u8 = 2;
pub const INT_FLAG_CQ_ENTER: u8 = 4;
/// The `int_flags` bits that are passed straight to `io_uring_enter(2)`.
pub const INT_FLAGS_MASK: u8 = INT_FLAG_REG_RING | INT_FLAG_NO_IOWAIT;

/// Kernel limits liburing mirrors when it sizes rings itself.
pub const KERN_MAX_ENTRIES: u32 = 32768;
pub const KERN_MAX_CQ_ENTRIES: u32 = 2 * KERN_MAX_ENTRIES;

/// `_NSIG / 8`: the kernel's sigset size.
pub const NSIG_BYTES: usize = 8;

/// errno values returned (negated) by the library itself.
pub mod errno {
    pub const EPERM: i32 = 1;
    pub const ENOENT: i32 = 2;
    pub const EINTR: i32 = 4;
    pub const EBADF: i32 = 9;
    pub const EAGAIN: i32 = 11;
    pub const ENOMEM: i32 = 12;
    pub const EACCES: i32 = 13;
    pub const EFAULT: i32 = 14;
    pub const EBUSY: i32 = 16;
    pub const EEXIST: i32 = 17;
    pub const ENXIO: i32 = 6;
    pub const EINVAL: i32 = 22;
    pub const ENFILE: i32 = 23;
    pub const ENOSPC: i32 = 28;
    pub const ERANGE: i32 = 34;
    pub const ENOSYS: i32 = 38;
    pub const EOPNOTSUPP: i32 = 95;
    pub const ETIME: i32 = 62;
    pub const EOVERFLOW: i32 = 75;
    pub const ECANCELED: i32 = 125;
    pub const EALREADY: i32 = 114;
    pub const ETIMEDOUT: i32 = 110;
}
