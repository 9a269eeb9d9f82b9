//! Every `io_uring_register(2)` path: resources, notification, probe, ring fd, buffer
//! rings, memory regions. Built on [`crate::ring::do_register`].
