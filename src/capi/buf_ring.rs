//! C ABI of the provided-buffer-ring helpers (to be filled).
