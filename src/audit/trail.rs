//! One account's audit records: a queue per kind (the calls clients made, the calls services
//! relayed), each bounded on its own, oldest first. Every record is held with its sequence
//! number (its place in recording order across all accounts) and its estimated size, which
//! the whole trail's limits are counted in.

use std::collections::VecDeque;

use super::{AuditRecord, Calls};

/// A record as the trail holds it.
#[derive(Debug)]
pub(super) struct Held {
    /// Its place in recording order, across every account.
    pub sequence: u64,
    /// Its estimated size in memory ([`AuditRecord::retained_bytes`]).
    pub bytes: usize,
    pub record: AuditRecord,
}

type Queue = VecDeque<Held>;

/// One account's records.
#[derive(Debug, Default)]
pub(super) struct Trail {
    relayed: Queue,
    direct: Queue,
}

impl Trail {
    /// Appends `held` to the queue of its kind; when that queue already holds `capacity`
    /// records, its oldest is dropped and returned.
    pub fn push(&mut self, held: Held, capacity: usize) -> Option<Held> {
        let queue = if held.record.is_relayed() {
            &mut self.relayed
        } else {
            &mut self.direct
        };
        let dropped = if queue.len() >= capacity {
            queue.pop_front()
        } else {
            None
        };
        queue.push_back(held);
        dropped
    }

    /// How many records are held.
    pub fn len(&self) -> usize {
        self.relayed.len() + self.direct.len()
    }

    /// True when no record is held.
    pub fn is_empty(&self) -> bool {
        self.relayed.is_empty() && self.direct.is_empty()
    }

    /// The estimated size of every record held.
    pub fn bytes(&self) -> usize {
        self.all().map(|held| held.bytes).sum()
    }

    /// The sequence number and size of every record held.
    pub fn sizes(&self) -> impl Iterator<Item = (u64, usize)> + '_ {
        self.all().map(|held| (held.sequence, held.bytes))
    }

    /// Removes and returns every record recorded at or before sequence number `last`.
    pub fn drop_through(&mut self, last: u64) -> Vec<Held> {
        let mut dropped = Vec::new();
        for queue in [&mut self.relayed, &mut self.direct] {
            if queue.iter().any(|held| held.sequence <= last) {
                let (old, kept): (Queue, Queue) =
                    queue.drain(..).partition(|held| held.sequence <= last);
                *queue = kept;
                dropped.extend(old);
            }
        }
        dropped
    }

    /// The records `calls` selects, oldest first.
    pub fn select(&self, calls: Calls) -> Vec<AuditRecord> {
        let mut selected: Vec<&Held> = match calls {
            Calls::Relayed => self.relayed.iter().collect(),
            Calls::Direct => self.direct.iter().collect(),
            Calls::All => self.all().collect(),
        };
        if calls == Calls::All {
            selected.sort_unstable_by_key(|held| held.sequence);
        }
        selected
            .into_iter()
            .map(|held| held.record.clone())
            .collect()
    }

    fn all(&self) -> impl Iterator<Item = &Held> {
        self.relayed.iter().chain(&self.direct)
    }
}
