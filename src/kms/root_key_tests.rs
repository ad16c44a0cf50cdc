//! Tests of [`RootKey`]: every accepted encoding, every refusal, the key file's creation and
//! mode rules, and the sealed format.

use super::*;

const KEY_BYTES: [u8; 32] = [
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
];

fn same_key(a: &RootKey, b: &RootKey) -> bool {
    a.0.expose().as_slice() == b.0.expose().as_slice()
}

fn set_mode(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
}

#[test]
fn hex_and_every_base64_flavour_decode_to_the_same_key() {
    let expected = RootKey::from_bytes(&KEY_BYTES);
    let encodings = [
        hex::encode(KEY_BYTES),
        hex::encode_upper(KEY_BYTES),
        STANDARD.encode(KEY_BYTES),
        STANDARD_NO_PAD.encode(KEY_BYTES),
        URL_SAFE.encode(KEY_BYTES),
        URL_SAFE_NO_PAD.encode(KEY_BYTES),
        format!("  {}\n", STANDARD.encode(KEY_BYTES)),
    ];
    for text in encodings {
        let key = RootKey::from_encoded(&text, ROOT_KEY_ENV).expect("decodes");
        assert!(same_key(&key, &expected), "{text:?}");
    }
}

#[test]
fn other_lengths_are_refused_naming_the_length_but_not_the_value() {
    let cases = [
        (hex::encode([7u8; 16]), 16),
        (hex::encode([7u8; 33]), 33),
        (STANDARD.encode([7u8; 31]), 31),
        (STANDARD.encode([7u8; 64]), 64),
        (String::new(), 0),
    ];
    for (text, len) in cases {
        let error = RootKey::from_encoded(&text, ROOT_KEY_ENV).expect_err("wrong length");
        let message = error.to_string();
        assert!(
            matches!(error, RootKeyError::WrongLength { len: found, .. } if found == len),
            "{message}"
        );
        assert!(message.starts_with("LOCKBOX_ROOT_KEY: the root key must be 32 bytes"));
        assert!(
            message.contains(&format!("decodes to {len} bytes")),
            "{message}"
        );
        if !text.is_empty() {
            assert!(!message.contains(&text), "{message}");
        }
    }
}

#[test]
fn text_that_is_neither_base64_nor_hex_is_refused() {
    let error = RootKey::from_encoded("not a key, clearly!", ROOT_KEY_ENV).expect_err("garbage");
    assert!(matches!(error, RootKeyError::NotEncoded { .. }));
    assert_eq!(
        error.to_string(),
        "LOCKBOX_ROOT_KEY: the root key must be 32 bytes encoded as base64 or hex; it is neither"
    );
}

#[test]
fn debug_is_redacted() {
    let key = RootKey::from_bytes(&KEY_BYTES);
    let shown = format!("{key:?}");
    assert_eq!(shown, "RootKey(**redacted**)");
}

#[test]
fn the_key_file_is_created_once_with_mode_0600_and_then_reused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (created, source) = RootKey::resolve(None, dir.path()).expect("create");
    let path = dir.path().join(ROOT_KEY_FILE);
    assert_eq!(source, RootKeySource::CreatedFile(path.clone()));
    let mode = fs::metadata(&path).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let text = fs::read_to_string(&path).expect("read");
    let from_text = RootKey::from_encoded(&text, "file").expect("the file holds base64");
    assert!(same_key(&created, &from_text));

    let (reused, source) = RootKey::resolve(None, dir.path()).expect("reuse");
    assert_eq!(source, RootKeySource::ExistingFile(path));
    assert!(same_key(&created, &reused));
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .expect("read_dir")
        .map(|entry| entry.expect("entry").file_name())
        .collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from(ROOT_KEY_FILE)]);
}

#[test]
fn racing_starts_agree_on_one_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(ROOT_KEY_FILE);
    let keys: Vec<RootKey> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| scope.spawn(|| RootKey::load_or_create_file(&path).expect("load").0))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("thread"))
            .collect()
    });
    for key in &keys[1..] {
        assert!(same_key(&keys[0], key));
    }
}

#[test]
fn the_environment_wins_and_creates_no_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (key, source) =
        RootKey::resolve(Some(&hex::encode(KEY_BYTES)), dir.path()).expect("env key");
    assert_eq!(source, RootKeySource::Environment);
    assert!(same_key(&key, &RootKey::from_bytes(&KEY_BYTES)));
    assert!(!dir.path().join(ROOT_KEY_FILE).exists());

    let error = RootKey::resolve(Some("abcd"), dir.path()).expect_err("bad env key");
    assert!(matches!(error, RootKeyError::WrongLength { len: 2, .. }));
    assert!(
        !dir.path().join(ROOT_KEY_FILE).exists(),
        "no fallback to a file"
    );
}

#[test]
fn a_key_file_open_to_group_or_others_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(ROOT_KEY_FILE);
    fs::write(&path, STANDARD.encode(KEY_BYTES)).expect("write");
    for mode in [0o644, 0o640, 0o604, 0o620, 0o602, 0o660, 0o607] {
        set_mode(&path, mode);
        let error = RootKey::resolve(None, dir.path()).expect_err("too open");
        assert!(
            matches!(error, RootKeyError::TooOpen { mode: found, .. } if found == mode),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(
            message.contains(&format!("has mode {mode:04o}")),
            "{message}"
        );
        assert!(
            message.contains(&format!("chmod 600 {}", path.display())),
            "{message}"
        );
    }
    for mode in [0o600, 0o400] {
        set_mode(&path, mode);
        let (key, source) = RootKey::resolve(None, dir.path()).expect("owner-only is fine");
        assert_eq!(source, RootKeySource::ExistingFile(path.clone()));
        assert!(same_key(&key, &RootKey::from_bytes(&KEY_BYTES)));
    }
}

#[test]
fn a_bad_key_file_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(ROOT_KEY_FILE);
    fs::write(&path, hex::encode([1u8; 20])).expect("write");
    set_mode(&path, 0o600);
    let error = RootKey::resolve(None, dir.path()).expect_err("short key");
    assert_eq!(
        error.to_string(),
        format!(
            "root key file {}: the root key must be 32 bytes encoded as base64 or hex, but it decodes to 20 bytes",
            path.display()
        )
    );

    fs::remove_file(&path).expect("remove");
    fs::create_dir(&path).expect("mkdir");
    let error = RootKey::resolve(None, dir.path()).expect_err("directory");
    assert!(matches!(error, RootKeyError::NotAFile { .. }), "{error:?}");
}

#[test]
fn a_missing_data_dir_is_an_io_error_naming_the_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("absent");
    let error = RootKey::resolve(None, &missing).expect_err("no dir");
    assert!(matches!(error, RootKeyError::Io { .. }), "{error:?}");
    assert!(error.to_string().contains("absent"), "{error}");
}

#[test]
fn seal_round_trips_and_binds_key_aad_and_version() {
    let key = RootKey::from_bytes(&KEY_BYTES);
    let material = b"kms key material 0123456789abcdef";
    let aad = b"arn:aws:kms:us-east-1:111111111111:key/abc";
    let sealed = key.seal(material, aad).expect("seal");
    assert_eq!(sealed[0], SEAL_FORMAT_VERSION);
    assert_eq!(
        sealed.len(),
        1 + aead::NONCE_LEN + material.len() + aead::TAG_LEN
    );
    assert!(!sealed.windows(material.len()).any(|w| w == material));
    assert_ne!(
        sealed,
        key.seal(material, aad).expect("seal"),
        "fresh nonce"
    );
    assert_eq!(key.open(&sealed, aad).expect("open").as_slice(), material);

    assert!(matches!(
        key.open(&sealed, b"other"),
        Err(RootKeyError::OpenFailed)
    ));
    let other = RootKey::from_bytes(&[9u8; 32]);
    assert!(matches!(
        other.open(&sealed, aad),
        Err(RootKeyError::OpenFailed)
    ));
    let mut tampered = sealed.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    assert!(matches!(
        key.open(&tampered, aad),
        Err(RootKeyError::OpenFailed)
    ));
    let mut future = sealed.clone();
    future[0] = 2;
    let error = key.open(&future, aad).expect_err("unknown version");
    assert!(matches!(error, RootKeyError::UnknownSealVersion(2)));
    assert_eq!(
        error.to_string(),
        "sealed data has format version 2; this Lockbox reads version 1"
    );
    assert!(matches!(key.open(&[], aad), Err(RootKeyError::OpenFailed)));
    assert!(matches!(
        key.open(&sealed[..10], aad),
        Err(RootKeyError::OpenFailed)
    ));
}

#[test]
fn the_check_value_tells_the_right_key_from_a_wrong_one() {
    let key = RootKey::from_bytes(&KEY_BYTES);
    let check = key.check_value().expect("check value");
    assert!(key.matches_check(&check));
    assert!(!RootKey::from_bytes(&[9u8; 32]).matches_check(&check));
    let sealed_elsewhere = key
        .seal(b"lockbox root key check", b"other aad")
        .expect("seal");
    assert!(!key.matches_check(&sealed_elsewhere));
    assert!(!key.matches_check(b""));
}
