//! (to be filled: prep family fs)
