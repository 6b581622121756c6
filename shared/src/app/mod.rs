//! What a function runs: the state it builds once at init (`state`), the HTTP runner (`serve`)
//! and the queue workers' runner (`worker`), and `Idempotency-Key` replays (`idempotency`,
//! whose claim also finds the caller's account active). This is the composition root: it joins
//! the platform to the areas (the payment provider, the token keys), so it lives here and not
//! in `platform`.

pub mod idempotency;
pub mod serve;
pub mod state;
pub mod worker;

pub use serve::serve;
