//! Medians and percentiles of a set of samples.

/// Median, p90 and p99 of some samples (0 when there are none).
#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    /// The middle value.
    pub median: f64,
    /// The 90th percentile (nearest rank).
    pub p90: f64,
    /// The 99th percentile (nearest rank).
    pub p99: f64,
}

impl Summary {
    /// Summarises `samples`.
    pub fn of(samples: &[f64]) -> Self {
        if samples.is_empty() {
            return Self::default();
        }
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let rank =
            |p: f64| sorted[((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1];
        Self {
            median: rank(0.5),
            p90: rank(0.9),
            p99: rank(0.99),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<f64> = (1..=10).map(f64::from).collect();
        let summary = Summary::of(&samples);
        assert_eq!((summary.median, summary.p90, summary.p99), (5.0, 9.0, 10.0));
        assert_eq!(Summary::of(&[]).median, 0.0);
    }
}
