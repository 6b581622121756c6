//! Hourly throttles as a pure rule: given what each window counted, which one (if any) refuses
//! a login-code request or a verification, and when to retry.

use crate::platform::error::{ApiError, ProblemCode};

/// One hourly window: how many it counted, in how many seconds its oldest leaves, its cap, and
/// the code a full window answers with.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    /// Requests (or failures) counted in the last hour.
    pub counted: i64,
    /// Seconds until the oldest of them leaves the window.
    pub frees_in: f64,
    /// How many the window allows.
    pub cap: i64,
    /// What a full window answers with.
    pub code: ProblemCode,
}

impl Window {
    /// The window that counted `(counted, frees_in)` (as the store reads each), allowing `cap`.
    pub fn of((counted, frees_in): (i64, f64), cap: i64, code: ProblemCode) -> Self {
        Self {
            counted,
            frees_in,
            cap,
            code,
        }
    }
}

/// Refuses with the first full window, in the order given: a 429 whose `Retry-After` is when
/// that window frees a slot.
pub fn first_full(windows: &[Window]) -> Result<(), ApiError> {
    match windows.iter().find(|window| window.counted >= window.cap) {
        Some(window) => Err(ApiError::rate_limited(
            window.code,
            wait_secs(window.frees_in),
        )),
        None => Ok(()),
    }
}

/// Seconds to wait, rounded up and at least one (a `Retry-After` of 0 invites a hot loop).
pub fn wait_secs(seconds: f64) -> u64 {
    seconds.ceil().max(1.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(counted: i64, cap: i64, code: ProblemCode) -> Window {
        Window::of((counted, 12.2), cap, code)
    }

    fn refusal(result: Result<(), ApiError>) -> (ProblemCode, Option<u64>) {
        let ApiError::Client(problem) = result.unwrap_err() else {
            panic!("not a client problem")
        };
        (problem.code, problem.retry_after)
    }

    #[test]
    fn windows_below_their_caps_let_the_request_through() {
        let windows = [
            window(4, 5, ProblemCode::OtpNumberRateLimited),
            window(0, 20, ProblemCode::OtpIpRateLimited),
        ];
        assert!(first_full(&windows).is_ok());
    }

    #[test]
    fn the_first_full_window_answers_and_says_when_it_frees() {
        let windows = [
            window(2, 5, ProblemCode::OtpNumberRateLimited),
            window(20, 20, ProblemCode::OtpIpRateLimited),
            window(99, 1, ProblemCode::OtpSmsBudgetExhausted),
        ];
        assert_eq!(
            refusal(first_full(&windows)),
            (ProblemCode::OtpIpRateLimited, Some(13))
        );
    }

    #[test]
    fn a_retry_is_never_sooner_than_a_second() {
        assert_eq!(wait_secs(0.0), 1);
        assert_eq!(wait_secs(0.2), 1);
        assert_eq!(wait_secs(59.01), 60);
    }
}
