//! State storage. Everything is partitioned by (account, region); a partition is created on
//! first use and handed out as an `Arc`, so requests in different partitions never contend and
//! no request clones a whole store. The durable backend arrives with `--data-dir`.

mod partitioned;

pub use partitioned::{PartitionKey, Partitions};
