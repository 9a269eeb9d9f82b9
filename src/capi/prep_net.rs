//! C ABI of the networking prep helpers (to be filled).
