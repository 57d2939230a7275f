//! Confidence intervals: what `--ci LEVEL [--boot N] [--seed S] [--min A]`
//! asks for, the interval a figure gets, and the machinery every bootstrap
//! here shares: one random stream per resample (so the result depends on
//! the seed only, not on how many threads ran), resamples spread over every
//! core, percentile intervals.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// What the researcher asked for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Coverage, e.g. 0.95.
    pub level: f64,
    /// Bootstrap resamples.
    pub resamples: usize,
    pub seed: u64,
    /// Krippendorff's smallest acceptable alpha: with it, every alpha's
    /// interval also says how likely alpha falls below it (q).
    pub minimum: Option<f64>,
}

impl Settings {
    pub const DEFAULT_RESAMPLES: usize = 2000;
    pub const DEFAULT_SEED: u64 = 1;
}

/// How an interval was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Transcripts drawn with replacement; the figure recomputed on each
    /// resample's summed per-transcript counts.
    ClusterBootstrap,
    /// Hayes and Krippendorff (2007): pairs of values drawn from the
    /// observed coincidences, expected disagreement held fixed.
    CoincidenceBootstrap,
}

/// A figure's interval.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Interval {
    pub level: f64,
    pub low: f64,
    pub high: f64,
    pub method: Method,
    /// Resamples on which the figure was defined (a resample in which a
    /// coder happens to be silent has none); the percentiles are of these.
    pub resamples: usize,
    /// Krippendorff's q: the share of resamples with alpha below `--min`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub below_minimum: Option<f64>,
    /// Cohen's kappa: κ ± z·SE with the large-sample standard error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub large_sample: Option<[f64; 2]>,
}

impl Interval {
    /// The percentile interval of the defined resampled values (`NaN` =
    /// undefined on that resample); `None` when none is defined.
    pub fn percentile(
        values: &[f64],
        settings: &Settings,
        method: Method,
        alpha: bool,
    ) -> Option<Interval> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let tail = (1.0 - settings.level) / 2.0;
        let below_minimum = match (alpha, settings.minimum) {
            (true, Some(min)) => Some(v.partition_point(|&x| x < min) as f64 / v.len() as f64),
            _ => None,
        };
        Some(Interval {
            level: settings.level,
            low: quantile(&v, tail),
            high: quantile(&v, 1.0 - tail),
            method,
            resamples: v.len(),
            below_minimum,
            large_sample: None,
        })
    }
}

/// The p-quantile of sorted values, linear between order statistics
/// (Hyndman and Fan's type 7, R's and numpy's default).
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The random stream of resample `index`: ChaCha8 keyed by the seed, one
/// stream per resample, so any thread can draw any resample and the result
/// is the same.
pub fn stream(seed: u64, index: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index as u64);
    rng
}

/// `f(i)` for i in 0..n, on every core, in order.
pub fn on_every_core<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    on_threads(n, cores, f)
}

/// `f(i)` for every `i` in `0..n`, in order, in consecutive parts on at
/// most `threads` threads.
pub fn on_threads<T: Send>(n: usize, threads: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = threads.min(n.max(1));
    let chunk = n.div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .step_by(chunk)
            .map(|start| {
                let f = &f;
                scope.spawn(move || (start..(start + chunk).min(n)).map(f).collect::<Vec<T>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// The standard normal quantile for a two-sided interval of `level`.
pub fn z_for(level: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, Normal};
    Normal::standard().inverse_cdf(0.5 + level / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 1.0), 4.0);
        // numpy.quantile([1,2,3,4], 0.25) = 1.75
        assert!((quantile(&v, 0.25) - 1.75).abs() < 1e-12);
    }

    #[test]
    fn a_resample_draws_the_same_numbers_whatever_the_order() {
        let draw = |i| stream(7, i).random::<u64>();
        let forward: Vec<u64> = (0..50).map(draw).collect();
        let parallel = on_every_core(50, draw);
        assert_eq!(forward, parallel);
        assert_ne!(draw(0), draw(1));
        assert_ne!(stream(8, 0).random::<u64>(), draw(0));
    }

    #[test]
    fn q_is_the_share_below_the_minimum() {
        let s = Settings {
            level: 0.9,
            resamples: 4,
            seed: 1,
            minimum: Some(0.667),
        };
        let i = Interval::percentile(
            &[0.5, 0.7, f64::NAN, 0.8, 0.9],
            &s,
            Method::ClusterBootstrap,
            true,
        )
        .unwrap();
        assert_eq!(i.resamples, 4);
        assert_eq!(i.below_minimum, Some(0.25));
        assert!((z_for(0.95) - 1.959963984540054).abs() < 1e-9);
    }
}
