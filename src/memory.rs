//! Memory left to the process's exit: the one home of the speed trick of not freeing,
//! item by item, what a run built and no longer needs.
//!
//! Freeing is work nobody waits for once the value is of no use: a 50,000-table
//! registry dropped entry by entry is ~1% of a whole run, thousands of findings
//! dropped string by string a millisecond, the scan's file list, package index and
//! path map a few more. The operating system takes the whole heap back at exit
//! anyway. Neither function changes what is printed: [`aside`] runs the value's drop
//! on another thread (the drop still happens, unless the process ends first), and
//! [`at_exit`] is only called after the report is written and flushed.

/// Drops `value` on a thread of its own (here when the system refuses one), so that
/// the caller goes on at once: for what is no longer needed while the run still has
/// work to do (after the scan, before the report, where it is time the user waits
/// for). The process may end before that thread is done, which only skips freeing
/// memory it gives back anyway.
pub fn aside<T: Send + 'static>(value: T) {
    // A refused thread drops the closure, and `value` with it, here.
    let _ = std::thread::Builder::new()
        .name("ownlint-free".into())
        .spawn(move || drop(value));
}

/// Leaves `value` unfreed for the process's exit to take back: only for a command's
/// last values, once its report is written, right before the process ends (a library
/// caller that goes on would keep the memory).
pub fn at_exit<T>(value: T) {
    std::mem::forget(value);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What is dropped aside is dropped, on another thread.
    #[test]
    fn aside_drops_the_value_on_another_thread() {
        struct Tell(std::sync::mpsc::Sender<std::thread::ThreadId>);
        impl Drop for Tell {
            fn drop(&mut self) {
                let _ = self.0.send(std::thread::current().id());
            }
        }
        let (tx, rx) = std::sync::mpsc::channel();
        aside(Tell(tx));
        // Generous: a value that is never dropped fails here instead of hanging.
        let dropped_on = rx.recv_timeout(std::time::Duration::from_secs(30));
        assert!(dropped_on.is_ok_and(|id| id != std::thread::current().id()));
    }
}
