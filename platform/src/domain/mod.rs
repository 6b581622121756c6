//! Value types that parse untrusted input once ("parse, don't validate"): once built, they are
//! valid by construction.

pub mod gstin;
pub mod https_url;
pub mod money;
pub mod phone;
pub mod text;
pub mod timestamp;

pub use phone::PhoneNumber;
