//! GetRandomPassword through the official Rust SDK: defaults, every flag, infeasible
//! requests, model limits, and statistical sanity over many draws.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::collections::HashSet;

use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::operation::get_random_password::builders::GetRandomPasswordFluentBuilder;
use common::{assert_error, client, start};

const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const DIGITS: &str = "0123456789";
const PUNCTUATION: &str = r##"!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~"##;
const TOO_SHORT: &str = "Password length is too short based on the required types.";
const NOTHING_LEFT: &str = "You can't exclude every character type from the password.";

async fn draw(request: GetRandomPasswordFluentBuilder) -> String {
    request
        .send()
        .await
        .unwrap()
        .random_password()
        .unwrap()
        .to_owned()
}

async fn draws(
    sm: &Client,
    times: usize,
    make: impl Fn(&Client) -> GetRandomPasswordFluentBuilder,
) -> Vec<String> {
    let mut out = Vec::with_capacity(times);
    for _ in 0..times {
        out.push(draw(make(sm)).await);
    }
    out
}

/// Builds one GetRandomPassword request.
type Request = fn(&Client) -> GetRandomPasswordFluentBuilder;

fn has_any(password: &str, class: &str) -> bool {
    password.chars().any(|c| class.contains(c))
}

#[tokio::test]
async fn default_is_32_characters_of_every_class() {
    let server = start().await;
    let sm = client(&server);
    let alphabet: String = [UPPER, LOWER, DIGITS, PUNCTUATION].concat();
    let mut seen = HashSet::new();
    for password in draws(&sm, 300, |sm| sm.get_random_password()).await {
        assert_eq!(password.chars().count(), 32);
        for class in [UPPER, LOWER, DIGITS, PUNCTUATION] {
            assert!(has_any(&password, class), "{class} missing");
        }
        assert!(
            password.chars().all(|c| alphabet.contains(c)),
            "no space by default"
        );
        seen.extend(password.chars());
    }
    // 9 600 draws over 94 characters: every character shows up.
    assert_eq!(
        seen.len(),
        94,
        "{:?}",
        alphabet
            .chars()
            .filter(|c| !seen.contains(c))
            .collect::<String>()
    );
}

#[tokio::test]
async fn each_exclude_flag_removes_its_class_only() {
    let server = start().await;
    let sm = client(&server);
    let cases: [(&str, Request); 4] = [
        (UPPER, |sm| sm.get_random_password().exclude_uppercase(true)),
        (LOWER, |sm| sm.get_random_password().exclude_lowercase(true)),
        (DIGITS, |sm| sm.get_random_password().exclude_numbers(true)),
        (PUNCTUATION, |sm| {
            sm.get_random_password().exclude_punctuation(true)
        }),
    ];
    for (excluded, make) in cases {
        for password in draws(&sm, 100, make).await {
            assert!(!has_any(&password, excluded), "{password}");
            for class in [UPPER, LOWER, DIGITS, PUNCTUATION] {
                if class != excluded {
                    assert!(has_any(&password, class));
                }
            }
        }
    }
}

#[tokio::test]
async fn exclude_characters_never_appear() {
    let server = start().await;
    let sm = client(&server);
    // Accepted by real AWS (LocalStack snapshot).
    let excluded = "xyzDje@?!.";
    for password in draws(&sm, 100, |sm| {
        sm.get_random_password()
            .password_length(120)
            .exclude_characters(excluded)
    })
    .await
    {
        assert_eq!(password.chars().count(), 120);
        assert!(!has_any(&password, excluded), "{password}");
    }
}

#[tokio::test]
async fn include_space_allows_but_does_not_require_a_space() {
    let server = start().await;
    let sm = client(&server);
    let with_space = draws(&sm, 50, |sm| {
        sm.get_random_password()
            .include_space(true)
            .password_length(64)
    })
    .await;
    assert!(with_space.iter().any(|p| p.contains(' ')));
    // Decision pinned: the space is not a required class, so a 4-character password still
    // holds one of each letter/digit/punctuation class.
    for password in draws(&sm, 100, |sm| {
        sm.get_random_password()
            .include_space(true)
            .password_length(4)
    })
    .await
    {
        for class in [UPPER, LOWER, DIGITS, PUNCTUATION] {
            assert!(has_any(&password, class), "{password:?}");
        }
    }
    let only_space = draw(
        sm.get_random_password()
            .include_space(true)
            .exclude_uppercase(true)
            .exclude_lowercase(true)
            .exclude_numbers(true)
            .exclude_punctuation(true)
            .password_length(5),
    )
    .await;
    assert_eq!(only_space, "     ");
}

#[tokio::test]
async fn require_each_included_type_can_be_turned_off() {
    let server = start().await;
    let sm = client(&server);
    let one = draw(
        sm.get_random_password()
            .password_length(1)
            .require_each_included_type(false),
    )
    .await;
    assert_eq!(one.chars().count(), 1);
    let result = sm.get_random_password().password_length(3).send().await;
    assert_error(result, "InvalidParameterException", TOO_SHORT);
    // With classes excluded, fewer are required.
    let two = draw(
        sm.get_random_password()
            .password_length(2)
            .exclude_numbers(true)
            .exclude_punctuation(true),
    )
    .await;
    assert!(has_any(&two, UPPER) && has_any(&two, LOWER), "{two}");
}

#[tokio::test]
async fn infeasible_and_out_of_range_requests_fail() {
    let server = start().await;
    let sm = client(&server);
    let result = sm
        .get_random_password()
        .exclude_uppercase(true)
        .exclude_lowercase(true)
        .exclude_numbers(true)
        .exclude_punctuation(true)
        .send()
        .await;
    assert_error(result, "InvalidParameterException", NOTHING_LEFT);
    let everything: String = [UPPER, LOWER, DIGITS, PUNCTUATION].concat();
    let result = sm
        .get_random_password()
        .exclude_characters(everything)
        .send()
        .await;
    assert_error(result, "InvalidParameterException", NOTHING_LEFT);

    let result = sm.get_random_password().password_length(4097).send().await;
    assert_error(
        result,
        "ValidationException",
        "1 validation error detected: Value '4097' at 'passwordLength' failed to satisfy constraint: Member must have value less than or equal to 4096",
    );
    let result = sm.get_random_password().password_length(0).send().await;
    assert_error(
        result,
        "ValidationException",
        "1 validation error detected: Value '0' at 'passwordLength' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    let long = draw(sm.get_random_password().password_length(4096)).await;
    assert_eq!(long.chars().count(), 4096);
    let result = sm
        .get_random_password()
        .exclude_characters("a".repeat(4097))
        .send()
        .await;
    let (code, message) = common::error_of(result);
    assert_eq!(code, "ValidationException");
    assert!(
        message.ends_with("Member must have length less than or equal to 4096"),
        "{message}"
    );
}
