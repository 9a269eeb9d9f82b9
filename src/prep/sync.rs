//! (to be filled: prep family sync)
