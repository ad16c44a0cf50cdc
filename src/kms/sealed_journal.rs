//! [`SealedJournal`]: the journal KMS writes its keys through, with the root key that seals
//! their material. KMS owns the root key; storage below it only ever sees sealed bytes.

use std::sync::Arc;

use super::root_key::RootKey;
use crate::storage::Journal;

/// KMS's handle on durable storage: the journal plus, when state is durable, the root key.
#[derive(Debug, Clone, Default)]
pub struct SealedJournal {
    journal: Journal,
    root_key: Option<Arc<RootKey>>,
}

impl SealedJournal {
    /// A journal that keeps nothing beyond process memory (no key material is ever sealed).
    #[cfg(test)]
    pub fn in_memory() -> SealedJournal {
        SealedJournal::default()
    }

    /// Writes through `journal`, sealing key material with `root_key`.
    pub fn durable(journal: Journal, root_key: RootKey) -> SealedJournal {
        SealedJournal {
            journal,
            root_key: Some(Arc::new(root_key)),
        }
    }

    /// The journal the changes are committed to.
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// The root key, when state is durable.
    pub fn root_key(&self) -> Option<&RootKey> {
        self.root_key.as_deref()
    }

    /// The root key as a shared handle, for other services that seal with it (IAM).
    pub fn shared_root_key(&self) -> Option<Arc<RootKey>> {
        self.root_key.clone()
    }
}
