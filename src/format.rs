//! How numbers read, in the terminal and on the page: times with a unit picked for their size,
//! speedups, percents, efficiencies, bytes. The CLI's table, the report's tables, charts and
//! prose all use these, so the same number always reads the same.

/// The unit to show times up to `max_s` seconds in: its name and the factor from seconds.
pub fn time_unit(max_s: f64) -> (&'static str, f64) {
    // Thresholds sit where three significant digits round up into the next unit.
    if max_s >= 0.9995 {
        ("s", 1.0)
    } else if max_s >= 0.9995e-3 {
        ("ms", 1e3)
    } else if max_s >= 0.9995e-6 {
        ("µs", 1e6)
    } else {
        ("ns", 1e9)
    }
}

/// A duration with three significant digits and its own unit: `1.23 s`, `45.6 ms`, `789 µs`.
pub fn time(s: f64) -> String {
    if !s.is_finite() {
        return "-".into();
    }
    let (unit, factor) = time_unit(s.abs());
    format!("{} {unit}", sig3(s * factor))
}

/// A duration that may be long, for estimates: `45.0 s`, `17 min`, `2.3 h`.
pub fn duration(s: f64) -> String {
    if s.is_finite() && s >= 3600.0 {
        format!("{} h", sig3(s / 3600.0))
    } else if s.is_finite() && s >= 60.0 {
        format!("{:.0} min", s / 60.0)
    } else {
        time(s)
    }
}

/// Three significant digits, no exponent: `1.23`, `45.6`, `789`, `1234`.
pub fn sig3(v: f64) -> String {
    // Decide the decimals on the value as it will be rounded: 99.99 reads `100`, not `100.0`.
    let a = v.abs();
    if a >= 99.95 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 9.995 {
        format!("{v:.1}")
    } else if a >= 0.9995 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// A speedup: `3.4×`, `12×`, `0.85×`.
pub fn speedup(x: f64) -> String {
    if !x.is_finite() {
        "-".into()
    } else if x >= 10.0 {
        format!("{x:.0}×")
    } else if x >= 1.0 {
        format!("{x:.1}×")
    } else {
        format!("{x:.2}×")
    }
}

/// A ratio between two times, two decimals where that shows the difference: `1.33×`, `12×`.
pub fn ratio(x: f64) -> String {
    if x.is_finite() && x < 10.0 {
        format!("{x:.2}×")
    } else {
        speedup(x)
    }
}

/// A fraction as a whole percent: `87%`.
pub fn percent(f: f64) -> String {
    if f.is_finite() {
        format!("{:.0}%", f * 100.0)
    } else {
        "-".into()
    }
}

/// An efficiency (ideal ÷ measured). Above 100% within noise reads `≈100%`; one flagged as an
/// anomaly (beyond the confidence intervals) reads `⚠ 112%`, never as a plain number.
pub fn efficiency(e: f64, anomaly: bool) -> String {
    if !e.is_finite() {
        "-".into()
    } else if anomaly {
        format!("⚠ {}", percent(e))
    } else if e > 1.0 {
        "≈100%".into()
    } else {
        percent(e)
    }
}

/// A speedup that may be flagged: an anomalous one (its time beat the ideal beyond noise)
/// reads `⚠ 2.5×`, never as a plain result.
pub fn flagged_speedup(x: f64, anomaly: bool) -> String {
    if anomaly && x.is_finite() {
        format!("⚠ {}", speedup(x))
    } else {
        speedup(x)
    }
}

/// Cores busy on average (CPU time ÷ wall time): `1.97`, `0.63`, `0.006`, `<0.001`.
pub fn cores(x: f64) -> String {
    if !x.is_finite() {
        "-".into()
    } else if x >= 0.095 {
        format!("{x:.2}")
    } else if x >= 0.0005 {
        format!("{x:.3}")
    } else if x > 0.0 {
        "<0.001".into()
    } else {
        "0".into()
    }
}

/// Bytes in binary units: `512 KiB`, `38.2 MiB`, `7.81 GiB`.
pub fn bytes(b: u64) -> String {
    let b = b as f64;
    const KIB: f64 = 1024.0;
    if b >= KIB * KIB * KIB {
        format!("{} GiB", sig3(b / (KIB * KIB * KIB)))
    } else if b >= KIB * KIB {
        format!("{} MiB", sig3(b / (KIB * KIB)))
    } else if b >= KIB {
        format!("{} KiB", sig3(b / KIB))
    } else {
        format!("{b:.0} B")
    }
}

/// `name` reduced to `[a-z0-9-]`, for file names and HTML ids.
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        "x".into()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_pick_their_unit() {
        assert_eq!(time(1.234), "1.23 s");
        assert_eq!(time(0.0456), "45.6 ms");
        assert_eq!(time(0.000789), "789 µs");
        assert_eq!(time(12.0), "12.0 s");
        assert_eq!(time(0.09999), "100 ms");
        assert_eq!(time(0.99999), "1.00 s");
        assert_eq!(sig3(9.999), "10.0");
        assert_eq!(duration(45.0), "45.0 s");
        assert_eq!(duration(1020.0), "17 min");
        assert_eq!(duration(8280.0), "2.30 h");
    }

    #[test]
    fn speedups_and_slugs() {
        assert_eq!(speedup(3.42), "3.4×");
        assert_eq!(speedup(0.851), "0.85×");
        assert_eq!(ratio(1.3321), "1.33×");
        assert_eq!(ratio(12.4), "12×");
        assert_eq!(slug("primes-scaling"), "primes-scaling");
        assert_eq!(slug("Async MT/2"), "async-mt-2");
        assert_eq!(bytes(40 * 1024 * 1024), "40.0 MiB");
        assert_eq!(efficiency(0.934, false), "93%");
        assert_eq!(efficiency(1.04, false), "≈100%");
        assert_eq!(efficiency(1.2, true), "⚠ 120%");
    }

    #[test]
    fn cores_busy_reads_two_decimals_or_three_near_zero() {
        assert_eq!(cores(1.974), "1.97");
        assert_eq!(cores(0.632), "0.63");
        assert_eq!(cores(0.0062), "0.006");
        assert_eq!(cores(0.0001), "<0.001");
        assert_eq!(cores(0.0), "0");
        assert_eq!(cores(f64::NAN), "-");
    }
}
