//! Least privilege with temporary credentials: a role created through IAM and assumed by a
//! user it trusts reads what the role's policy allows until the virtual clock passes its
//! expiry, an MFA-required policy is met only by GetSessionToken credentials proven with a
//! virtual device's code (also AWS's "force MFA" Deny pattern and a role trust policy that
//! needs MFA), and GetCallerIdentity names every kind of caller.

use aws_sdk_iam::primitives::Blob;

use crate::common::identity::{Keys, allow, iam_as, secrets_as, sts_as, user_with_policy};
use crate::common::{advance_clock, clock_request, create_string_secret, error_of, start};

const EXPIRED: &str = "The security token included in the request is expired";

/// The virtual clock's time in whole Unix seconds.
async fn virtual_now(server: &lockbox::ServerHandle) -> i64 {
    let (status, clock) = clock_request(server, None).await;
    assert_eq!(status, 200, "{clock}");
    let now = clock["now"].as_str().expect("the clock's time");
    time::OffsetDateTime::parse(now, &time::format_description::well_known::Rfc3339)
        .expect("an RFC 3339 time")
        .unix_timestamp()
}

#[tokio::test]
async fn an_assumed_roles_credentials_read_what_the_role_allows_until_they_expire() {
    let server = start().await;
    let root = secrets_as(&server, &Keys::root());
    let allowed = create_string_secret(&root, "app/db", "role-readable").await;
    create_string_secret(&root, "app/other", "not for the role").await;
    // The user itself may do nothing but assume the role.
    let user = user_with_policy(&server, "deployer", None).await;
    let iam = iam_as(&server, &Keys::root());
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/deployer"},"Action":"sts:AssumeRole"}]}"#;
    let role_arn = iam
        .create_role()
        .role_name("app-reader")
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap()
        .role
        .unwrap()
        .arn;
    iam.put_role_policy()
        .role_name("app-reader")
        .policy_name("read-one")
        .policy_document(allow(&["secretsmanager:GetSecretValue"], &allowed))
        .send()
        .await
        .unwrap();

    let (code, _) = error_of(
        secrets_as(&server, &user)
            .get_secret_value()
            .secret_id(&allowed)
            .send()
            .await,
    );
    assert_eq!(code, "AccessDeniedException");

    let session = sts_as(&server, &user)
        .assume_role()
        .role_arn(&role_arn)
        .role_session_name("release")
        .duration_seconds(900)
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let role = Keys::from_sts(session);
    let sm = secrets_as(&server, &role);
    let read = sm
        .get_secret_value()
        .secret_id(&allowed)
        .send()
        .await
        .unwrap();
    assert_eq!(read.secret_string(), Some("role-readable"));
    let (code, message) = error_of(sm.get_secret_value().secret_id("app/other").send().await);
    assert_eq!(code, "AccessDeniedException");
    assert_eq!(
        message,
        "User: arn:aws:sts::000000000000:assumed-role/app-reader/release is not authorized to perform: secretsmanager:GetSecretValue on resource: app/other because no identity-based policy allows the secretsmanager:GetSecretValue action"
    );

    advance_clock(&server, "16m").await;
    let (code, message) = error_of(sm.get_secret_value().secret_id(&allowed).send().await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("ExpiredTokenException", EXPIRED)
    );
    let (code, message) = error_of(sts_as(&server, &role).get_caller_identity().send().await);
    assert_eq!((code.as_str(), message.as_str()), ("ExpiredToken", EXPIRED));
}

#[tokio::test]
async fn an_mfa_required_policy_is_met_by_session_credentials_proven_with_a_device_code() {
    let server = start().await;
    let root = secrets_as(&server, &Keys::root());
    let arn = create_string_secret(&root, "app/db", "behind mfa").await;
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"{arn}","Condition":{{"Bool":{{"aws:MultiFactorAuthPresent":"true"}}}}}}]}}"#
    );
    let user = user_with_policy(&server, "careful", Some(&policy)).await;
    let (code, message) = error_of(
        secrets_as(&server, &user)
            .get_secret_value()
            .secret_id(&arn)
            .send()
            .await,
    );
    assert_eq!(code, "AccessDeniedException");
    assert_eq!(
        message,
        format!(
            "User: arn:aws:iam::000000000000:user/careful is not authorized to perform: secretsmanager:GetSecretValue on resource: {arn} because no identity-based policy allows the secretsmanager:GetSecretValue action"
        )
    );

    // The device, enabled by the root user with two consecutive codes at the virtual time.
    let iam = iam_as(&server, &Keys::root());
    let device = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("careful-phone")
        .send()
        .await
        .unwrap()
        .virtual_mfa_device
        .unwrap();
    let base32 = device.base32_string_seed.map(Blob::into_inner).unwrap();
    let seed = lockbox::iam::base32_decode(std::str::from_utf8(&base32).unwrap()).unwrap();
    let code_at = |unix: i64| lockbox::iam::device_code(&seed, lockbox::iam::time_step(unix));
    advance_clock(&server, "1h").await;
    let now = virtual_now(&server).await;
    iam.enable_mfa_device()
        .user_name("careful")
        .serial_number(&device.serial_number)
        .authentication_code1(code_at(now - 60))
        .authentication_code2(code_at(now - 30))
        .send()
        .await
        .unwrap();

    // Session credentials without a code do not count as MFA.
    let plain = Keys::from_sts(
        sts_as(&server, &user)
            .get_session_token()
            .send()
            .await
            .unwrap()
            .credentials
            .unwrap(),
    );
    let (code, _) = error_of(
        secrets_as(&server, &plain)
            .get_secret_value()
            .secret_id(&arn)
            .send()
            .await,
    );
    assert_eq!(code, "AccessDeniedException");

    let proven = Keys::from_sts(
        sts_as(&server, &user)
            .get_session_token()
            .serial_number(&device.serial_number)
            .token_code(code_at(now))
            .send()
            .await
            .unwrap()
            .credentials
            .unwrap(),
    );
    let read = secrets_as(&server, &proven)
        .get_secret_value()
        .secret_id(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(read.secret_string(), Some("behind mfa"));
}

#[tokio::test]
async fn get_caller_identity_names_each_kind_of_credentials() {
    let server = start().await;
    let user = user_with_policy(&server, "someone", None).await;
    let iam = iam_as(&server, &Keys::root());
    let user_id = iam
        .get_user()
        .user_name("someone")
        .send()
        .await
        .unwrap()
        .user
        .unwrap()
        .user_id;
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/someone"},"Action":"sts:AssumeRole"}]}"#;
    let role = iam
        .create_role()
        .role_name("worker")
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    let role_keys = Keys::from_sts(
        sts_as(&server, &user)
            .assume_role()
            .role_arn(&role.arn)
            .role_session_name("job-7")
            .send()
            .await
            .unwrap()
            .credentials
            .unwrap(),
    );
    let session_keys = Keys::from_sts(
        sts_as(&server, &user)
            .get_session_token()
            .send()
            .await
            .unwrap()
            .credentials
            .unwrap(),
    );

    let cases = [
        (
            Keys::root(),
            "arn:aws:iam::000000000000:root".to_owned(),
            "000000000000".to_owned(),
        ),
        (
            user.clone(),
            "arn:aws:iam::000000000000:user/someone".to_owned(),
            user_id.clone(),
        ),
        (
            role_keys,
            "arn:aws:sts::000000000000:assumed-role/worker/job-7".to_owned(),
            format!("{}:job-7", role.role_id),
        ),
        (
            session_keys,
            "arn:aws:iam::000000000000:user/someone".to_owned(),
            user_id,
        ),
    ];
    for (keys, arn, id) in cases {
        let who = sts_as(&server, &keys)
            .get_caller_identity()
            .send()
            .await
            .unwrap();
        assert_eq!(who.account(), Some("000000000000"), "{arn}");
        assert_eq!(who.arn(), Some(arn.as_str()));
        assert_eq!(who.user_id(), Some(id.as_str()), "{arn}");
    }
}

#[tokio::test]
async fn a_role_whose_trust_policy_needs_mfa_is_assumed_only_with_a_device_code() {
    let server = start().await;
    let root = secrets_as(&server, &Keys::root());
    let arn = create_string_secret(&root, "app/db", "mfa role").await;
    // AWS's usual "force MFA" pattern on the user: deny everything unless MFA was present.
    let force_mfa = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"},
        {"Effect":"Deny","Action":"secretsmanager:*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}"#;
    let user = user_with_policy(&server, "careful", Some(force_mfa)).await;
    let (_, message) = error_of(
        secrets_as(&server, &user)
            .get_secret_value()
            .secret_id(&arn)
            .send()
            .await,
    );
    assert_eq!(
        message,
        format!(
            "User: arn:aws:iam::000000000000:user/careful is not authorized to perform: secretsmanager:GetSecretValue on resource: {arn} with an explicit deny in an identity-based policy"
        )
    );

    let iam = iam_as(&server, &Keys::root());
    let device = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("careful-phone")
        .send()
        .await
        .unwrap()
        .virtual_mfa_device
        .unwrap();
    let base32 = device.base32_string_seed.map(Blob::into_inner).unwrap();
    let seed = lockbox::iam::base32_decode(std::str::from_utf8(&base32).unwrap()).unwrap();
    let code_at = |unix: i64| lockbox::iam::device_code(&seed, lockbox::iam::time_step(unix));
    let now = virtual_now(&server).await;
    iam.enable_mfa_device()
        .user_name("careful")
        .serial_number(&device.serial_number)
        .authentication_code1(code_at(now - 60))
        .authentication_code2(code_at(now - 30))
        .send()
        .await
        .unwrap();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/careful"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#;
    let role_arn = iam
        .create_role()
        .role_name("guarded")
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap()
        .role
        .unwrap()
        .arn;
    iam.put_role_policy()
        .role_name("guarded")
        .policy_name("read")
        .policy_document(allow(&["secretsmanager:GetSecretValue"], &arn))
        .send()
        .await
        .unwrap();

    let sts = sts_as(&server, &user);
    let (code, message) = error_of(
        sts.assume_role()
            .role_arn(&role_arn)
            .role_session_name("no-code")
            .send()
            .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "AccessDenied",
            "User: arn:aws:iam::000000000000:user/careful is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::000000000000:role/guarded"
        )
    );
    let role = Keys::from_sts(
        sts.assume_role()
            .role_arn(&role_arn)
            .role_session_name("with-code")
            .serial_number(&device.serial_number)
            .token_code(code_at(now))
            .send()
            .await
            .unwrap()
            .credentials
            .unwrap(),
    );
    let read = secrets_as(&server, &role)
        .get_secret_value()
        .secret_id(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(read.secret_string(), Some("mfa role"));
}
