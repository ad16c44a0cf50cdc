//! Service-level tests: the write section undoes failed changes.
