//! (to be filled: prep family net)
