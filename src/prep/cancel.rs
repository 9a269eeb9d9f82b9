//! (to be filled: prep family cancel)
