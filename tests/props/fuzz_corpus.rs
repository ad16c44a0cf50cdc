//! The committed fuzz corpora (`fuzz/corpus/<target>/`) replayed on stable through the fuzz
//! targets' own entry points (`lockbox::fuzzing`), so an input that once crashed a target, or
//! any seed, fails `cargo test` even where no nightly toolchain runs the fuzzers. Also checks
//! that targets, corpora and the fuzz crate's binaries name each other, and that the seeds
//! still reach what they were written for.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use lockbox::fuzzing::{Fixture, TARGETS};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The files of `target`'s corpus, sorted.
fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = fuzz_dir().join("corpus").join(target);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Names of the entries of `dir` with `suffix`, without it.
fn names_in(dir: &Path, suffix: &str) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap()
        .filter_map(|entry| {
            let name = entry.unwrap().file_name().into_string().ok()?;
            name.strip_suffix(suffix).map(str::to_owned)
        })
        .collect()
}

#[test]
fn every_corpus_file_replays_without_a_panic() {
    let mut crashing = Vec::new();
    let mut replayed = 0;
    for &(target, entry) in TARGETS {
        let files = corpus(target);
        assert!(!files.is_empty(), "fuzz/corpus/{target}/ is empty");
        for file in files {
            let bytes = fs::read(&file).unwrap();
            if catch_unwind(AssertUnwindSafe(|| entry(&bytes))).is_err() {
                crashing.push(format!("{target}: {}", file.display()));
            }
            replayed += 1;
        }
    }
    assert!(
        crashing.is_empty(),
        "corpus files that crash their target (the panic is printed above; replay one with \
         `cargo +nightly fuzz run <target> <file>` from the repository root): {crashing:#?}"
    );
    assert!(
        replayed >= 5 * TARGETS.len(),
        "only {replayed} corpus files"
    );
}

#[test]
fn targets_corpora_and_fuzz_binaries_match() {
    let targets: BTreeSet<String> = TARGETS.iter().map(|(name, _)| (*name).to_owned()).collect();
    let corpora: BTreeSet<String> = fs::read_dir(fuzz_dir().join("corpus"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        corpora, targets,
        "fuzz/corpus/ directories vs lockbox::fuzzing::TARGETS"
    );
    let sources = names_in(&fuzz_dir().join("fuzz_targets"), ".rs");
    assert_eq!(
        sources, targets,
        "fuzz/fuzz_targets/*.rs vs lockbox::fuzzing::TARGETS"
    );
    let manifest = fs::read_to_string(fuzz_dir().join("Cargo.toml")).unwrap();
    for target in &targets {
        assert!(
            manifest.contains(&format!(
                "name = \"{target}\"\npath = \"fuzz_targets/{target}.rs\""
            )),
            "fuzz/Cargo.toml has no [[bin]] for {target}"
        );
        let source =
            fs::read_to_string(fuzz_dir().join(format!("fuzz_targets/{target}.rs"))).unwrap();
        assert!(
            source.contains(&format!("lockbox::fuzzing::{target}(data)")),
            "fuzz/fuzz_targets/{target}.rs does not call lockbox::fuzzing::{target}"
        );
    }
}

/// `operation_input` seeds are named `sm-<Operation>-N` or `kms-<Operation>-N`; their first
/// byte must still pick that operation (it indexes the two operation tables, which grow).
#[test]
fn operation_seeds_select_the_operation_they_are_named_after() {
    let names: Vec<String> = lockbox::secretsmanager::Operation::ALL
        .iter()
        .map(|op| format!("sm-{}", op.name()))
        .chain(
            lockbox::kms::Operation::ALL
                .iter()
                .map(|op| format!("kms-{}", op.name())),
        )
        .collect();
    let mut named = 0;
    for file in corpus("operation_input") {
        let file_name = file.file_name().unwrap().to_str().unwrap().to_owned();
        let Some((operation, _)) = file_name.rsplit_once('-') else {
            continue;
        };
        if !(operation.starts_with("sm-") || operation.starts_with("kms-")) {
            continue;
        }
        let mut bytes = fs::read(&file).unwrap();
        let selector = bytes[0];
        let selected = &names[usize::from(selector) % names.len()];
        if selected != operation && std::env::var_os("LOCKBOX_RESELECT_FUZZ_SEEDS").is_some() {
            let index = names.iter().position(|name| name == operation);
            bytes[0] = u8::try_from(index.expect("a seed named after an operation")).unwrap();
            fs::write(&file, bytes).unwrap();
            named += 1;
            continue;
        }
        assert_eq!(
            selected, operation,
            "{file_name}: its first byte ({selector}) selects {selected}; run this test with \
             LOCKBOX_RESELECT_FUZZ_SEEDS=1 to rewrite every seed's first byte with the operation's \
             index in secretsmanager::Operation::ALL followed by kms::Operation::ALL"
        );
        named += 1;
    }
    assert!(
        named >= names.len(),
        "fewer operation seeds ({named}) than operations"
    );
}

/// The `ciphertext_blob` seed `fixture-key-purpose-fuzz` is a real blob of the fixture's key
/// with context {"purpose": "fuzz"}: it decrypts, and with another context it does not.
#[test]
fn the_ciphertext_seed_is_a_real_blob_of_the_fixture_key() {
    let blob =
        fs::read(fuzz_dir().join("corpus/ciphertext_blob/fixture-key-purpose-fuzz")).unwrap();
    let blob = base64::engine::general_purpose::STANDARD.encode(blob);
    let fixture = Fixture::new();
    let decrypt = |context: &str| {
        let body = format!(r#"{{"CiphertextBlob":"{blob}","EncryptionContext":{context}}}"#);
        fixture.kms(lockbox::kms::Operation::Decrypt, body.as_bytes())
    };
    let opened: serde_json::Value =
        serde_json::from_slice(&decrypt(r#"{"purpose":"fuzz"}"#).unwrap()).unwrap();
    assert_eq!(
        opened["KeyId"],
        format!(
            "arn:aws:kms:us-east-1:000000000000:key/{}",
            lockbox::fuzzing::KEY_ID
        )
    );
    assert!(decrypt(r#"{"purpose":"other"}"#).is_none());
}

/// The names of the dependencies of the `lockbox` package recorded in a lock file (without
/// the version a lock file adds when two versions of a crate are locked).
fn locked_lockbox_dependencies(lock_file: &Path) -> BTreeSet<String> {
    let lock: toml::Table = fs::read_to_string(lock_file).unwrap().parse().unwrap();
    let packages = lock["package"].as_array().unwrap();
    let lockbox = packages
        .iter()
        .find(|package| package["name"].as_str() == Some("lockbox"))
        .expect("the lockbox package in the lock file");
    lockbox["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|dependency| {
            let entry = dependency.as_str().unwrap();
            entry.split(' ').next().unwrap().to_owned()
        })
        .collect()
}

/// `fuzz/Cargo.lock` (committed; `fuzz/run` builds with `--locked`) records every normal
/// dependency of the library, so a dependency added to the library without updating it fails
/// here instead of in the fuzz step of CI. To update it:
/// `cargo +nightly metadata --format-version 1 --manifest-path fuzz/Cargo.toml`.
#[test]
fn the_fuzz_lock_file_knows_every_dependency_of_the_library() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest: toml::Table = fs::read_to_string(root.join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let needed: BTreeSet<String> = manifest["dependencies"]
        .as_table()
        .unwrap()
        .iter()
        .map(|(name, spec)| {
            let package = spec.get("package").and_then(|package| package.as_str());
            package.unwrap_or(name).to_owned()
        })
        .collect();
    let locked = locked_lockbox_dependencies(&root.join("fuzz/Cargo.lock"));
    let missing: Vec<&String> = needed.difference(&locked).collect();
    assert!(
        missing.is_empty(),
        "fuzz/Cargo.lock lacks {missing:?}: run `cargo +nightly metadata --format-version 1 \
         --manifest-path fuzz/Cargo.toml` and commit it"
    );
}
