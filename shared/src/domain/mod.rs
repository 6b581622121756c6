//! Value types that parse untrusted input once ("parse, don't validate"): once built, they are
//! valid by construction.

pub mod phone;

pub use phone::PhoneNumber;
