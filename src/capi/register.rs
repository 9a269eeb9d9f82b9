//! C ABI of the register layer (`io_uring_register_*`, buffer rings, probe).
