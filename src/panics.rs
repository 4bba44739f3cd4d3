//! Panics we catch and report as an error, said once: [`catch`] runs a closure, and a panic
//! inside it (on this thread) becomes `Err("panicked at FILE:LINE: message")` instead of the
//! default hook's lines on stderr plus a crash. A model that panics fails its run with that
//! line; tokio's panic when the OS refuses one of its threads becomes the model's error.
//!
//! The hook is installed once, and stays the default one for every panic outside [`catch`]
//! (another thread's, or one nobody catches), so a bug elsewhere still prints as usual.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// How many [`catch`] calls this thread is inside.
    static CATCHING: Cell<usize> = const { Cell::new(0) };
    /// What the last panic caught on this thread said, with where.
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Run `f`; a panic inside it is returned as `Err` with its message and location, and the
/// default hook prints nothing for it.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install();
    CATCHING.with(|c| c.set(c.get() + 1));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(c.get() - 1));
    result.map_err(|_| {
        CAUGHT
            .with(|c| c.borrow_mut().take())
            .unwrap_or_else(|| "panicked".into())
    })
}

fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CATCHING.with(Cell::get) == 0 {
                return previous(info);
            }
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| info.payload().downcast_ref::<String>().map(String::as_str))
                .unwrap_or("(no message)");
            let at = info
                .location()
                .map_or(String::new(), |l| format!(" at {}:{}", l.file(), l.line()));
            CAUGHT.with(|c| *c.borrow_mut() = Some(format!("panicked{at}: {message}")));
        }));
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_caught_panic_is_its_message_and_place() {
        let err = super::catch(|| -> u32 { panic!("boom {}", 7) }).unwrap_err();
        assert!(err.starts_with("panicked at src/panics.rs:"), "{err}");
        assert!(err.ends_with(": boom 7"), "{err}");
        assert_eq!(super::catch(|| 5), Ok(5));
    }
}
