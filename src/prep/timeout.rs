//! (to be filled: prep family timeout)
