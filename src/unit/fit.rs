//! A straight line through points by least squares: memory per unit is the slope of peak RSS
//! over N, and the intercept is what the process holds with no unit at all.

use serde::{Deserialize, Serialize};

/// `y = intercept + slope · x`, fitted over `points` points.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub slope: f64,
    pub intercept: f64,
    pub points: usize,
}

impl Line {
    /// The least-squares line through `(x, y)` points; `None` with fewer than two distinct x.
    pub fn fit(points: &[(f64, f64)]) -> Option<Line> {
        let n = points.len() as f64;
        if points.len() < 2 {
            return None;
        }
        let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
        let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
        let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
        let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
        if sxx <= 0.0 || !sxx.is_finite() || !sxy.is_finite() {
            return None;
        }
        let slope = sxy / sxx;
        Some(Line {
            slope,
            intercept: mean_y - slope * mean_x,
            points: points.len(),
        })
    }

    /// The line's value at `x`.
    pub fn at(&self, x: f64) -> f64 {
        self.intercept + self.slope * x
    }
}

#[cfg(test)]
mod tests {
    use super::Line;

    #[test]
    fn an_exact_line_is_found_again() {
        let pts: Vec<(f64, f64)> = [100.0, 400.0, 1600.0]
            .iter()
            .map(|&x| (x, 5e6 + 20_000.0 * x))
            .collect();
        let line = Line::fit(&pts).unwrap();
        assert!((line.slope - 20_000.0).abs() < 1e-6, "{line:?}");
        assert!((line.intercept - 5e6).abs() < 1e-3, "{line:?}");
        assert_eq!(line.points, 3);
        assert!((line.at(10.0) - 5.2e6).abs() < 1e-3);
    }

    #[test]
    fn noise_is_averaged_by_least_squares() {
        // Residuals +1, -2, +1 around y = 2x + 3: they cancel in the fit.
        let line = Line::fit(&[(0.0, 4.0), (1.0, 3.0), (2.0, 8.0)]).unwrap();
        assert!((line.slope - 2.0).abs() < 1e-9 && (line.intercept - 3.0).abs() < 1e-9);
    }

    #[test]
    fn too_few_or_identical_points_fit_nothing() {
        assert_eq!(Line::fit(&[(1.0, 2.0)]), None);
        assert_eq!(Line::fit(&[(3.0, 1.0), (3.0, 5.0)]), None);
    }
}
