//! A panic caught while reading a submission becomes that file's error row; it should not also
//! print a Rust message and backtrace on the user's terminal. A panic hook, installed once, stays
//! silent on a thread while that thread reads a file and defers to the previous hook otherwise.

use std::cell::Cell;
use std::sync::Once;

thread_local! {
    static READING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with panics on this thread kept off the terminal.
pub fn while_reading<T>(f: impl FnOnce() -> T) -> T {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !READING.with(Cell::get) {
                previous(info);
            }
        }));
    });
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            READING.with(|r| r.set(self.0));
        }
    }
    let _restore = Restore(READING.with(|r| r.replace(true)));
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_is_set_only_inside_and_restored_after_a_panic() {
        assert!(!READING.with(Cell::get));
        let caught = while_reading(|| {
            assert!(READING.with(Cell::get));
            std::panic::catch_unwind(|| panic!("in a reader")).is_err()
        });
        assert!(caught);
        assert!(!READING.with(Cell::get));
        let unwound = std::panic::catch_unwind(|| while_reading(|| panic!("escapes")));
        assert!(unwound.is_err());
        assert!(!READING.with(Cell::get), "restored while unwinding");
    }
}
