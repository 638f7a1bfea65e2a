//! The public API, as another crate sees it.

use {{ crate_name }}::moving_average;

#[test]
fn smooths_a_series() {
    let series = [10.0, 12.0, 14.0, 12.0, 10.0];
    let smoothed = moving_average(&series, 3);
    assert_eq!(smoothed.len(), series.len() - 2);
    assert!(smoothed.iter().all(|v| (10.0..=14.0).contains(v)));
}
