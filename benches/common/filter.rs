//! Criterion's name filter, read the way criterion reads it, so a filtered run
//! (`cargo bench -- primes`) starts, warms and checks only the cells criterion will time.

/// Criterion's options that take a value (the word after them is not the filter).
const VALUED: [&str; 18] = [
    "-c",
    "--color",
    "-s",
    "--save-baseline",
    "-b",
    "--baseline",
    "--baseline-lenient",
    "--format",
    "--profile-time",
    "--load-baseline",
    "--sample-size",
    "--warm-up-time",
    "--measurement-time",
    "--nresamples",
    "--noise-threshold",
    "--confidence-level",
    "--significance-level",
    "--output-format",
];

/// Criterion's name filter, read the way criterion reads it (`FILTER`, `--exact`), so a
/// filtered run (`cargo bench -- primes`) starts, warms and checks only the cells criterion
/// will time. Criterion keeps its own copy private.
pub struct Filter {
    pattern: Option<regex::Regex>,
    exact: Option<String>,
}

impl Filter {
    pub fn from_args() -> Filter {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let exact = args.iter().any(|a| a == "--exact");
        let mut positional = None;
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            if VALUED.contains(&a.as_str()) || a == "--plotting-backend" {
                i += 2;
                continue;
            }
            if !a.starts_with('-') {
                positional = Some(a.clone());
                break;
            }
            i += 1;
        }
        match positional {
            Some(f) if exact => Filter {
                pattern: None,
                exact: Some(f),
            },
            Some(f) => Filter {
                // criterion itself rejects a filter that is not a regex, before we get here.
                pattern: regex::Regex::new(&f).ok(),
                exact: None,
            },
            None => Filter {
                pattern: None,
                exact: None,
            },
        }
    }

    /// Whether a name filter was given.
    pub fn is_active(&self) -> bool {
        self.pattern.is_some() || self.exact.is_some()
    }

    /// Whether criterion will run the benchmark `group/function/value`.
    pub fn selects(&self, id: &str) -> bool {
        match (&self.pattern, &self.exact) {
            (_, Some(exact)) => id == exact,
            (Some(re), None) => re.is_match(id),
            (None, None) => true,
        }
    }
}
