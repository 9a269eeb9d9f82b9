//! (to be filled: prep family msg)
