//! [`AuditWriter`]: stores audit records in the background, so recording one (on the read
//! path of every GetSecretValue) never waits for the disk.
//!
//! One thread drains a channel and writes what has accumulated as one batch, so under load
//! many records share one commit. The audit trail is not an acknowledged write: after a
//! SIGKILL the records of the last moments may be missing, never a secret or a key. A
//! graceful shutdown and an admin reset [`AuditWriter::flush`] first.

use std::sync::mpsc::{Receiver, Sender, channel};

use std::thread::JoinHandle;

use crate::storage::{Mutation, Store};

/// Largest batch the writer commits at once.
const MAX_BATCH: usize = 1024;

enum Message {
    Write(Mutation),
    Flush(Sender<()>),
}

/// The sending side of the background writer. Dropping it stores what is queued, then ends
/// the thread and waits for it (so the store is released when the writer is gone).
#[derive(Debug)]
pub struct AuditWriter {
    sender: Option<Sender<Message>>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for AuditWriter {
    fn drop(&mut self) {
        drop(self.sender.take());
        if let Some(thread) = self.thread.take() {
            thread.join().ok();
        }
    }
}

impl std::fmt::Debug for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Message::Write(mutation) => mutation.fmt(f),
            Message::Flush(_) => f.write_str("Flush"),
        }
    }
}

impl AuditWriter {
    /// Starts the writer thread for `store`.
    pub fn start(store: std::sync::Arc<dyn Store>) -> std::io::Result<AuditWriter> {
        let (sender, receiver) = channel();
        let thread = std::thread::Builder::new()
            .name("lockbox-audit-writer".into())
            .spawn(move || run(&*store, &receiver))?;
        Ok(AuditWriter {
            sender: Some(sender),
            thread: Some(thread),
        })
    }

    /// Queues `mutation` for the next batch.
    pub fn write(&self, mutation: Mutation) {
        let sent = self
            .sender
            .as_ref()
            .is_some_and(|sender| sender.send(Message::Write(mutation)).is_ok());
        if !sent {
            tracing::error!("the audit writer has stopped; an audit record was not stored");
        }
    }

    /// Returns once everything queued before the call is committed (or failed and logged).
    pub fn flush(&self) {
        let (done, wait) = channel();
        let sent = self
            .sender
            .as_ref()
            .is_some_and(|sender| sender.send(Message::Flush(done)).is_ok());
        if sent {
            wait.recv().ok();
        }
    }
}

fn run(store: &dyn Store, receiver: &Receiver<Message>) {
    while let Ok(first) = receiver.recv() {
        let mut batch = Vec::new();
        let mut waiting = Vec::new();
        let mut next = Some(first);
        while let Some(message) = next.take() {
            match message {
                Message::Write(mutation) => batch.push(mutation),
                Message::Flush(done) => waiting.push(done),
            }
            if batch.len() < MAX_BATCH {
                next = receiver.try_recv().ok();
            }
        }
        if !batch.is_empty() {
            if let Err(error) = store.apply(&batch) {
                tracing::error!(%error, records = batch.len(), "audit records could not be stored");
            }
        }
        for done in waiting {
            done.send(()).ok();
        }
    }
}
