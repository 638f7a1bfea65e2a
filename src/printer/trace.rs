//! The bridge from `tracing` to the printer: leaf modules (the HTTP layer first) emit events, and this layer
//! decides what reaches the terminal: devkit's INFO events (announced waits) at normal verbosity, its DEBUG
//! events (each request and retry) with `-v`, WARN always but with `-q`; events of other crates never.

use super::{Printer, Verbosity};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

/// A `tracing` layer printing devkit's events through a [`Printer`].
#[derive(Debug)]
pub struct PrinterLayer {
    printer: Printer,
}

impl PrinterLayer {
    /// A layer writing through `printer`.
    pub fn new(printer: Printer) -> Self {
        Self { printer }
    }

    fn wanted(&self, meta: &Metadata<'_>) -> bool {
        let most = match self.printer.verbosity() {
            Verbosity::Quiet => return false,
            Verbosity::Normal => Level::INFO,
            Verbosity::Verbose => Level::DEBUG,
        };
        meta.target().starts_with("devkit") && *meta.level() <= most
    }
}

#[derive(Default)]
struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        } else {
            self.0.push_str(&format!(" {}={value:?}", field.name()));
        }
    }
}

impl<S: Subscriber> Layer<S> for PrinterLayer {
    fn enabled(&self, meta: &Metadata<'_>, _: Context<'_, S>) -> bool {
        self.wanted(meta)
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let meta = event.metadata();
        if !self.wanted(meta) {
            return;
        }
        let mut message = Message::default();
        event.record(&mut message);
        match *meta.level() {
            Level::ERROR | Level::WARN => self.printer.warn(message.0),
            Level::INFO => self.printer.info(message.0),
            _ => self.printer.debug(message.0),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::printer::tests::Captured;
    use tracing_subscriber::layer::SubscriberExt;

    fn run(verbosity: Verbosity) -> String {
        let err = Captured::default();
        let printer = Printer::with_writers(verbosity, std::io::sink(), err.clone());
        let subscriber = tracing_subscriber::registry().with(PrinterLayer::new(printer));
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(target: crate::http::WAIT_TARGET, "waiting 30 s: GitLab asked to slow down (429)");
            tracing::debug!("GET http://h/x → 200 in 3 ms");
            tracing::info!(target: "other_crate", "not ours");
        });
        err.text()
    }

    #[test]
    fn waits_at_normal_verbosity_requests_with_v_nothing_with_q() {
        assert_eq!(run(Verbosity::Quiet), "");
        assert_eq!(
            run(Verbosity::Normal),
            "waiting 30 s: GitLab asked to slow down (429)\n"
        );
        assert_eq!(
            run(Verbosity::Verbose),
            "waiting 30 s: GitLab asked to slow down (429)\ndebug: GET http://h/x → 200 in 3 ms\n"
        );
    }
}
