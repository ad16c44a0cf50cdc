//! Application state: the services, the audit trail, the clock, authentication and the journal,
//! assembled in memory or from a data dir; the time-based work and admin resets over them.
//! The HTTP surface over this state is `crate::server::router`.

use std::sync::Arc;

use crate::audit::AuditLog;
use crate::auth::{Authenticator, Credentials, SessionRegistry};
use crate::clock::{Clock as _, VirtualClock};
use crate::config::Config;
use crate::data_dir;
use crate::iam::IamService;
use crate::identity::IdentityDirectory;
use crate::kms::{KeyService, LocalKms};
use crate::secretsmanager::SecretsManager;
use crate::storage::{Journal, Mutation, StoreError};
use crate::sts::Sts;

/// Everything a request may touch.
#[derive(Debug)]
pub struct AppState {
    /// Resolved configuration.
    pub config: Config,
    /// SigV4 verification and the credential registry.
    pub auth: Authenticator,
    /// Business time (virtual, moves only forward).
    pub clock: Arc<VirtualClock>,
    /// Emulated KMS.
    pub kms: Arc<LocalKms>,
    /// The audit trail (CloudTrail-shaped records).
    pub audit: Arc<AuditLog>,
    /// Secrets Manager.
    pub secrets_manager: SecretsManager,
    /// IAM: users, keys, roles, groups, policies, MFA devices; also the identity directory
    /// authentication and STS consult.
    pub iam: Arc<IamService>,
    /// The temporary credentials STS issued (in memory only), read by `auth`.
    pub sessions: Arc<SessionRegistry>,
    /// STS.
    pub sts: Sts,
    /// Where changes are stored: memory only, or the data dir's database.
    pub journal: Journal,
    /// Who is who: access keys, roles and the policies attached to callers (none until IAM
    /// entities are declared).
    pub identities: Arc<dyn IdentityDirectory>,
}

impl AppState {
    /// Fresh, empty state kept in memory only (`config.data_dir` is not consulted; see
    /// [`AppState::open`]).
    pub fn new(config: Config) -> Self {
        let kms = Arc::new(LocalKms::new());
        let audit = Arc::new(AuditLog::new());
        let clock = Arc::new(VirtualClock::new());
        let iam = Arc::new(IamService::new());
        AppState::assemble(config, kms, audit, clock, iam, Journal::in_memory())
    }

    /// The state `config` asks for: in memory without a data dir; with one, opened from (or
    /// created in) the data dir, every key, alias, secret, audit record and the clock offset
    /// loaded, so deletion windows and rotation schedules resume where they were. The error
    /// is one sentence for the start-up message.
    pub fn open(config: Config) -> Result<Self, String> {
        let Some(dir) = config.data_dir.clone() else {
            return Ok(AppState::new(config));
        };
        let data_dir::DataDir {
            journal,
            root_key,
            source,
        } = data_dir::open_data_dir(&dir)?;
        let Some(store) = journal.store().cloned() else {
            return Err("the data dir's store did not open".into());
        };
        let loading = |e: StoreError| format!("data dir {}: {e}", dir.display());
        let kms = Arc::new(LocalKms::durable(journal.clone(), root_key));
        let keys = kms.load().map_err(loading)?;
        let audit = Arc::new(AuditLog::durable(Arc::clone(&store)).map_err(loading)?);
        let clock = Arc::new(VirtualClock::new());
        if let Some(millis) = data_dir::stored_clock_offset(&*store).map_err(loading)? {
            clock
                .try_advance(time::Duration::milliseconds(millis))
                .map_err(|_| {
                    format!(
                        "data dir {}: the stored clock offset ({millis} ms) would put virtual time at or after {}; remove the data dir or start with a fresh one",
                        dir.display(),
                        crate::clock::LATEST
                    )
                })?;
        }
        let Some(root_key) = kms.shared_root_key() else {
            return Err("the data dir's root key was not kept".into());
        };
        let iam = Arc::new(IamService::durable(journal.clone(), root_key));
        let iam_accounts = iam.load().map_err(loading)?;
        let state = AppState::assemble(config, kms, audit, clock, iam, journal);
        let secrets = state.secrets_manager.load().map_err(loading)?;
        tracing::info!(
            data_dir = %dir.display(),
            root_key = %data_dir::describe(&source),
            keys,
            secrets,
            iam_accounts,
            audit_records = state.audit.len(),
            "durable state loaded"
        );
        Ok(state)
    }

    fn assemble(
        config: Config,
        kms: Arc<LocalKms>,
        audit: Arc<AuditLog>,
        clock: Arc<VirtualClock>,
        iam: Arc<IamService>,
        journal: Journal,
    ) -> Self {
        let key_service: Arc<dyn KeyService> = kms.clone();
        let sessions = Arc::new(SessionRegistry::new());
        let identities: Arc<dyn IdentityDirectory> = iam.clone();
        AppState {
            auth: Authenticator::with_sessions(
                config.auth,
                Credentials::from_config(&config).with_directory(Arc::clone(&identities)),
                Arc::clone(&sessions),
                Arc::clone(&clock),
            ),
            sts: Sts::new(Arc::clone(&sessions), Arc::clone(&identities))
                .with_oidc_providers(config.oidc_providers.clone()),
            iam,
            sessions,
            clock,
            secrets_manager: SecretsManager::with_journal(
                key_service,
                Arc::clone(&audit),
                journal.clone(),
            ),
            kms,
            audit,
            journal,
            identities,
            config,
        }
    }

    /// Stores the virtual clock's offset (after it moved), so time does not run back after a
    /// restart.
    pub fn store_clock(&self) -> Result<(), StoreError> {
        let millis = i64::try_from(self.clock.offset().whole_milliseconds()).unwrap_or(i64::MAX);
        self.journal.apply(&[data_dir::clock_offset_record(millis)])
    }

    /// Does the time-based work that is due at the clock's current time: removing secrets
    /// whose recovery window has ended, deleting KMS keys whose deletion window has ended and
    /// rotating KMS keys whose automatic rotation is due. Run by the scheduler and after clock
    /// moves.
    pub fn run_due_work(&self) {
        let now = self.clock.now();
        self.secrets_manager.purge_expired(now);
        self.kms.delete_expired(now);
        self.kms.rotate_due_keys(now);
    }

    /// Forgets all state, or all state of one account (the virtual clock keeps its time).
    pub fn reset(&self, account: Option<&str>) -> Result<(), String> {
        self.audit.flush();
        let batch = match account {
            Some(account) => vec![Mutation::DeleteAccount {
                account: account.to_owned(),
            }],
            None => data_dir::reset_all_batch(&self.journal)?,
        };
        self.journal.apply(&batch).map_err(|e| e.to_string())?;
        match account {
            Some(account) => {
                self.secrets_manager.reset_account(account);
                self.kms.reset_account(account);
                self.iam.reset_account(account);
            }
            None => {
                self.secrets_manager.reset_all();
                self.kms.reset_all();
                self.iam.reset_all();
            }
        }
        self.audit.reset(account);
        self.sessions.reset(account);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_clock_offset_out_of_range_is_a_start_up_error_naming_the_data_dir() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = Config::for_tests();
        config.data_dir = Some(dir.path().to_path_buf());
        {
            let state = AppState::open(config.clone()).expect("first start");
            state.clock.advance(time::Duration::days(8));
            state.store_clock().expect("stored");
        }
        {
            let state = AppState::open(config.clone()).expect("a valid offset reloads");
            assert!(state.clock.offset() >= time::Duration::days(8));
            state
                .journal
                .apply(&[data_dir::clock_offset_record(i64::MAX)])
                .expect("planted");
        }
        let Err(error) = AppState::open(config) else {
            panic!("an out-of-range stored offset must refuse to start");
        };
        assert!(error.contains(&dir.path().display().to_string()), "{error}");
        assert!(error.contains("clock offset"), "{error}");
    }
}
