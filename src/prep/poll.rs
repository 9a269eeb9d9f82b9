//! (to be filled: prep family poll)
