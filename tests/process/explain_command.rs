//! `lockbox explain` against a running server: the text and JSON answers for an allowed and a
//! denied call, callers named by ARN or by access key id, and a refused admin credential.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::process::{Command, Stdio};

use common::process::{BINARY, spawn_ready};

fn explain(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    Command::new(BINARY)
        .arg("explain")
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn explain_prints_the_decision_and_the_denial_aws_would_send() {
    let mut command = Command::new(BINARY);
    command.args(["--listen", "127.0.0.1:0"]);
    let server = spawn_ready(command);
    let user = "arn:aws:iam::000000000000:user/nobody";

    let denied = explain(
        &[
            "--endpoint-url",
            &server.url,
            "--principal",
            user,
            "--action",
            "secretsmanager:ListSecrets",
            "--context",
            "aws:SourceIp=10.0.0.1",
        ],
        &[],
    );
    assert!(denied.status.success(), "{denied:?}");
    assert_eq!(
        String::from_utf8(denied.stdout).unwrap(),
        format!(
            "Decision: ImplicitDeny\nPrincipal: {user}\nDeciding statements: none\nAWS would answer: User: {user} is not authorized to perform: secretsmanager:ListSecrets on resource: * because no identity-based policy allows the secretsmanager:ListSecrets action\n"
        )
    );

    // The built-in key names the account's root user, which needs no policy.
    let allowed = explain(
        &[
            "--endpoint-url",
            &server.url,
            "--principal",
            "test",
            "--action",
            "kms:ListKeys",
            "--json",
        ],
        &[],
    );
    assert!(allowed.status.success(), "{allowed:?}");
    let answer: serde_json::Value = serde_json::from_slice(&allowed.stdout).unwrap();
    assert_eq!(answer["decision"], "Allow");
    assert_eq!(answer["principal"], "arn:aws:iam::000000000000:root");
    assert!(answer["message"].is_null());

    // The endpoint is guarded: a wrong admin credential is refused, with the reason.
    let refused = explain(
        &[
            "--endpoint-url",
            &server.url,
            "--principal",
            user,
            "--action",
            "kms:ListKeys",
        ],
        &[
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "wrong"),
        ],
    );
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    let stderr = String::from_utf8(refused.stderr).unwrap();
    assert!(
        stderr.starts_with("lockbox: the server answered 403"),
        "{stderr}"
    );

    let unknown_key = explain(
        &[
            "--endpoint-url",
            &server.url,
            "--principal",
            "AKIANOSUCHKEY0000000",
            "--action",
            "kms:ListKeys",
        ],
        &[],
    );
    assert_eq!(unknown_key.status.code(), Some(1));
    assert!(
        String::from_utf8(unknown_key.stderr)
            .unwrap()
            .contains("no access key has that id")
    );
    server.terminate();
}
