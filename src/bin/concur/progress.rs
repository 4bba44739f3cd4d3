//! The CLI's spinner: shown on stderr once a run has taken more than a second, on a terminal
//! only, and cleared when the run ends or is interrupted.

use std::io::IsTerminal;
use std::sync::OnceLock;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The spinner, for the interruption to clear.
pub(crate) static SPINNER: OnceLock<ProgressBar> = OnceLock::new();

/// A spinner on stderr that appears only once the work has taken more than a second (and only
/// on a terminal: indicatif draws nothing when stderr is redirected).
pub(crate) struct Progress(pub(crate) ProgressBar);

impl Progress {
    pub(crate) fn start() -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} [{elapsed}]") {
            bar.set_style(style);
        }
        let _ = SPINNER.set(bar.clone());
        // Off a terminal nothing would be drawn, and a ticker waking every 120 ms would only
        // add its wake-ups to every run's context switches (see concur::usage): no ticker.
        if !std::io::stderr().is_terminal() {
            return Progress(bar);
        }
        // The ticker's thread starts now, hidden, rather than a second in, inside some run's
        // census (see concur::census). A spinner is a nicety: where the OS refuses its threads
        // (indicatif panics then), the run goes on without one.
        let ticking = concur::panics::catch(|| bar.enable_steady_tick(Duration::from_millis(120)));
        let shown = bar.clone();
        if ticking.is_ok() {
            let _ = std::thread::Builder::new().spawn(move || {
                std::thread::sleep(Duration::from_secs(1));
                if !shown.is_finished() {
                    shown.set_draw_target(ProgressDrawTarget::stderr());
                }
            });
        }
        Progress(bar)
    }

    pub(crate) fn say(&self, message: String) {
        self.0.set_message(message);
    }

    pub(crate) fn done(&self) {
        self.0.finish_and_clear();
    }
}
