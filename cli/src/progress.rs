//! Progress for the commands that read a whole KB (`import`, `index`, `site`): an indicatif
//! bar or spinner on stderr, shown only on a terminal and only once the work has taken
//! about a second; nothing at all when stderr is piped.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long work runs before its progress is shown (`FIXPATH_PROGRESS_DELAY_MS` overrides
/// it, for tests).
fn delay() -> Duration {
    std::env::var("FIXPATH_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(Duration::from_secs(1), Duration::from_millis)
}

/// A progress display that appears after a second on a terminal.
pub(crate) struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar for `total` steps.
    pub(crate) fn bar(total: u64, message: &str) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {eta}")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        Progress::start(bar, message)
    }

    /// A spinner, for work whose size is not known.
    pub(crate) fn spinner(message: &str) -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("a valid template"),
        );
        Progress::start(bar, message)
    }

    fn start(bar: ProgressBar, message: &str) -> Progress {
        bar.set_message(message.to_owned());
        if std::io::stderr().is_terminal() {
            let shown = bar.clone();
            let wait = delay();
            std::thread::spawn(move || {
                std::thread::sleep(wait);
                if !shown.is_finished() {
                    shown.set_draw_target(ProgressDrawTarget::stderr());
                    shown.enable_steady_tick(Duration::from_millis(120));
                }
            });
        }
        Progress { bar }
    }

    /// One step done.
    pub(crate) fn step(&self) {
        self.bar.inc(1);
    }

    /// Done: the display is cleared, so the command's own summary line follows.
    pub(crate) fn finish(self) {
        self.bar.finish_and_clear();
    }
}
