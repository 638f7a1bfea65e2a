//! {{ description }}.

/// Moving average of `values` over windows of `window` consecutive items.
///
/// The result has `values.len() - window + 1` items; it is empty when `window` is zero or longer than
/// `values`.
///
/// ```
/// assert_eq!({{ crate_name }}::moving_average(&[1.0, 2.0, 3.0, 4.0], 2), [1.5, 2.5, 3.5]);
/// ```
#[must_use]
pub fn moving_average(values: &[f64], window: usize) -> Vec<f64> {
    if window == 0 {
        return Vec::new();
    }
    values
        .windows(window)
        .map(|w| w.iter().sum::<f64>() / w.len() as f64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_each_window() {
        assert_eq!(moving_average(&[2.0, 4.0, 6.0, 8.0], 3), [4.0, 6.0]);
    }

    #[test]
    fn window_of_one_is_the_input() {
        assert_eq!(moving_average(&[1.5, -2.0], 1), [1.5, -2.0]);
    }

    #[test]
    fn degenerate_windows_give_nothing() {
        assert!(moving_average(&[1.0, 2.0], 0).is_empty());
        assert!(moving_average(&[1.0, 2.0], 3).is_empty());
        assert!(moving_average(&[], 1).is_empty());
    }
}
