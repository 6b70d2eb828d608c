//! Progress: bars (indicatif) on a terminal, plain lines otherwise.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

pub enum Progress {
    Plain,
    Bars {
        multi: MultiProgress,
        bars: Mutex<HashMap<String, ProgressBar>>,
    },
}

impl Progress {
    /// Bars when stderr is a terminal.
    pub fn new() -> Progress {
        if std::io::stderr().is_terminal() {
            Progress::Bars {
                multi: MultiProgress::new(),
                bars: Mutex::new(HashMap::new()),
            }
        } else {
            Progress::Plain
        }
    }

    /// A step of `key` (starting, retrying, ...).
    pub fn step(&self, key: &str, message: &str) {
        match self {
            Progress::Plain => eprintln!("fetch {key}: {message}"),
            Progress::Bars { multi, bars } => {
                let mut bars = bars.lock().unwrap_or_else(|e| e.into_inner());
                let bar = bars.entry(key.to_string()).or_insert_with(|| {
                    let bar = multi.add(ProgressBar::new_spinner());
                    bar.set_style(
                        ProgressStyle::with_template("{spinner} {prefix:>13} {msg}")
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    );
                    bar.set_prefix(key.to_string());
                    bar.enable_steady_tick(Duration::from_millis(120));
                    bar
                });
                bar.set_message(message.to_string());
            }
        }
    }

    /// The end of `key`.
    pub fn finish(&self, key: &str, message: &str) {
        match self {
            Progress::Plain => eprintln!("fetch {key}: {message}"),
            Progress::Bars { bars, .. } => {
                let bars = bars.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(bar) = bars.get(key) {
                    bar.finish_with_message(message.to_string());
                }
            }
        }
    }
}
