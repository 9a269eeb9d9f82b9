//! (to be filled: prep family pipe)
