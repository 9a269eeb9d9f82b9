//! (to be filled: prep family buffers)
