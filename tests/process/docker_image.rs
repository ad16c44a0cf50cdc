//! What can be proved about the container image without a Docker engine (CI has none).
//!
//! 1. `docker/Dockerfile` keeps its invariants: multi-stage, every base pinned by digest,
//!    `--locked` builds, a numeric non-root USER, EXPOSE 4566, VOLUME /data, an exec-form
//!    HEALTHCHECK running `lockbox healthcheck`, OCI labels (version = Cargo.toml's), the
//!    container listening on 0.0.0.0:4566 and in-memory by default (no LOCKBOX_DATA_DIR).
//! 2. `.dockerignore` lets through everything the Dockerfile copies and nothing bulky.
//! 3. The binary runs as the final stage runs it: the image's ENTRYPOINT + CMD, an environment
//!    holding only the image's ENV, an empty read-only working directory and (when the test
//!    runs as root) the image's uid/gid; it serves signed SDK calls, the image's HEALTHCHECK
//!    command passes against it, and SIGTERM (`docker stop`) stops it cleanly.
//! 4. `docker/compose.yaml` builds this Dockerfile, persists /data and mounts a seed file
//!    that exists.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use aws_sdk_secretsmanager::config::{BehaviorVersion, Credentials, Region};
use common::process::{BINARY, free_port, spawn_ready};

fn repo_file(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// One instruction of a Dockerfile: keyword (upper-case) and its arguments, continuation
/// lines joined and comment lines dropped.
#[derive(Debug, Clone)]
struct Instruction {
    keyword: String,
    args: String,
}

fn parse_dockerfile(text: &str) -> Vec<Instruction> {
    let mut instructions = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        let (body, continues) = match trimmed.strip_suffix('\\') {
            Some(body) => (body.trim_end(), true),
            None => (trimmed, false),
        };
        let joined = match current.take() {
            Some(previous) => format!("{previous} {body}"),
            None => body.to_owned(),
        };
        if continues {
            current = Some(joined);
        } else {
            let (keyword, args) = joined.split_once(char::is_whitespace).unwrap();
            instructions.push(Instruction {
                keyword: keyword.to_ascii_uppercase(),
                args: args.trim().to_owned(),
            });
        }
    }
    assert!(current.is_none(), "dangling line continuation");
    instructions
}

fn dockerfile_text() -> String {
    std::fs::read_to_string(repo_file("docker/Dockerfile")).unwrap()
}

fn dockerfile() -> Vec<Instruction> {
    parse_dockerfile(&dockerfile_text())
}

/// The instructions of the last (runtime) stage, its FROM first.
fn final_stage(instructions: &[Instruction]) -> Vec<Instruction> {
    let start = instructions
        .iter()
        .rposition(|i| i.keyword == "FROM")
        .unwrap();
    instructions[start..].to_vec()
}

fn exec_form(args: &str) -> Vec<String> {
    serde_json::from_str(args).unwrap_or_else(|e| panic!("not exec (JSON) form: {args}: {e}"))
}

/// `KEY=VALUE` pairs of ENV and LABEL instructions (values optionally double-quoted).
fn pairs(args: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut rest = args.trim();
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=').unwrap();
        let (value, remaining) = match after.strip_prefix('"') {
            Some(quoted) => {
                let end = quoted.find('"').unwrap();
                (&quoted[..end], &quoted[end + 1..])
            }
            None => after.split_once(char::is_whitespace).unwrap_or((after, "")),
        };
        out.insert(key.trim().to_owned(), value.to_owned());
        rest = remaining.trim();
    }
    out
}

fn image_env(stage: &[Instruction]) -> BTreeMap<String, String> {
    stage
        .iter()
        .filter(|i| i.keyword == "ENV")
        .flat_map(|i| pairs(&i.args))
        .collect()
}

fn image_user(stage: &[Instruction]) -> (u32, u32) {
    let user = &stage.iter().rfind(|i| i.keyword == "USER").unwrap().args;
    let (uid, gid) = user.split_once(':').unwrap_or((user, user));
    (uid.parse().unwrap(), gid.parse().unwrap())
}

fn cargo_version() -> String {
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(repo_file("Cargo.toml")).unwrap()).unwrap();
    manifest["package"]["version"].as_str().unwrap().to_owned()
}

#[test]
fn the_dockerfile_keeps_its_invariants() {
    let all = dockerfile();
    let froms: Vec<_> = all.iter().filter(|i| i.keyword == "FROM").collect();
    assert!(froms.len() >= 2, "multi-stage build expected");
    for from in &froms {
        let image = from.args.split_whitespace().next().unwrap();
        let (_, digest) = image
            .split_once("@sha256:")
            .unwrap_or_else(|| panic!("base not pinned by digest: {image}"));
        assert!(
            digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit()),
            "{image}"
        );
    }
    for run in all.iter().filter(|i| i.keyword == "RUN") {
        if run.args.contains("cargo build") || run.args.contains("cargo install") {
            assert!(
                run.args.contains("--locked"),
                "cargo without --locked: {}",
                run.args
            );
        }
    }

    let stage = final_stage(&all);
    let base = stage[0].args.as_str();
    assert!(
        base.contains("distroless/static") || base.starts_with("scratch"),
        "a static or distroless base: {base}"
    );
    assert!(
        !stage.iter().any(|i| i.keyword == "RUN"),
        "the runtime stage has no shell to RUN with"
    );

    let (uid, gid) = image_user(&stage);
    assert!(uid != 0 && gid != 0, "runs as root");

    let env = image_env(&stage);
    assert_eq!(
        env.get("LOCKBOX_LISTEN").map(String::as_str),
        Some("0.0.0.0:4566")
    );
    assert!(
        !env.contains_key("LOCKBOX_DATA_DIR"),
        "the image is in-memory by default; compose opts in to /data"
    );

    let expose: Vec<&str> = stage
        .iter()
        .filter(|i| i.keyword == "EXPOSE")
        .flat_map(|i| i.args.split_whitespace())
        .collect();
    assert!(expose.contains(&"4566"), "{expose:?}");
    let volumes: Vec<String> = stage
        .iter()
        .filter(|i| i.keyword == "VOLUME")
        .flat_map(|i| exec_form(&i.args))
        .collect();
    assert_eq!(volumes, ["/data"]);

    let healthcheck = stage.iter().find(|i| i.keyword == "HEALTHCHECK").unwrap();
    let (options, command) = healthcheck.args.split_once("CMD").unwrap();
    for option in ["--interval=", "--timeout=", "--retries="] {
        assert!(options.contains(option), "HEALTHCHECK {option} missing");
    }
    let command = exec_form(command.trim());
    assert!(command[0].ends_with("/lockbox"), "{command:?}");
    assert_eq!(command[1..], ["healthcheck"]);

    let entrypoint = exec_form(
        &stage
            .iter()
            .find(|i| i.keyword == "ENTRYPOINT")
            .unwrap()
            .args,
    );
    assert_eq!(entrypoint, [command[0].clone()]);
    let copied: Vec<&str> = stage
        .iter()
        .filter(|i| i.keyword == "COPY")
        .map(|i| i.args.as_str())
        .collect();
    assert!(
        copied
            .iter()
            .any(|c| c.starts_with("--from=") && c.ends_with(&format!(" {}", command[0]))),
        "the binary is copied from the build stage to {}: {copied:?}",
        command[0]
    );

    let labels: BTreeMap<String, String> = stage
        .iter()
        .filter(|i| i.keyword == "LABEL")
        .flat_map(|i| pairs(&i.args))
        .collect();
    for key in [
        "title",
        "description",
        "version",
        "revision",
        "licenses",
        "base.name",
    ] {
        assert!(
            labels.contains_key(&format!("org.opencontainers.image.{key}")),
            "label org.opencontainers.image.{key} missing: {labels:?}"
        );
    }
    let version_arg = stage
        .iter()
        .find(|i| i.keyword == "ARG" && i.args.starts_with("VERSION="))
        .unwrap();
    assert_eq!(version_arg.args, format!("VERSION={}", cargo_version()));
    assert_eq!(labels["org.opencontainers.image.licenses"], "Apache-2.0");
}

#[test]
fn the_build_context_holds_what_the_dockerfile_copies() {
    let rules: Vec<String> = std::fs::read_to_string(repo_file(".dockerignore"))
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect();
    assert_eq!(rules[0], "*", "an allow-list: everything else stays out");
    let allowed: Vec<&str> = rules[1..]
        .iter()
        .map(|r| {
            r.strip_prefix('!')
                .unwrap_or_else(|| panic!("only ! rules after *: {r}"))
        })
        .map(|r| r.trim_end_matches('/'))
        .collect();
    let is_allowed = |path: &str| {
        allowed
            .iter()
            .any(|a| path == *a || path.starts_with(&format!("{a}/")))
    };
    for copy in dockerfile()
        .iter()
        .filter(|i| i.keyword == "COPY" && !i.args.starts_with("--from="))
    {
        let parts: Vec<&str> = copy.args.split_whitespace().collect();
        for source in &parts[..parts.len() - 1] {
            assert!(
                is_allowed(source),
                "COPY {source} is excluded by .dockerignore"
            );
            assert!(repo_file(source).exists(), "COPY {source}: no such file");
        }
    }
    // Cargo refuses a manifest whose bench targets are missing, so each must be in the context.
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(repo_file("Cargo.toml")).unwrap()).unwrap();
    for bench in manifest["bench"].as_array().unwrap() {
        let path = format!("benches/{}.rs", bench["name"].as_str().unwrap());
        assert!(is_allowed(&path), "{path} is excluded by .dockerignore");
        // ... and the dependency layer's stub build needs a stub of each.
        assert!(
            dockerfile_text().contains(&format!("> {path}")),
            "the dependency stub does not create {path}"
        );
    }
    assert!(!is_allowed("target") && !is_allowed("compat-tests"));
}

/// True when every directory above `path` lets others in and the file is executable by all.
fn reachable_by_anyone(path: &Path) -> bool {
    let executable = std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o001 != 0);
    executable
        && path
            .ancestors()
            .skip(1)
            .all(|dir| std::fs::metadata(dir).is_ok_and(|m| m.permissions().mode() & 0o001 != 0))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_serves_as_the_runtime_stage_runs_it() {
    let stage = final_stage(&dockerfile());
    let entrypoint = exec_form(
        &stage
            .iter()
            .find(|i| i.keyword == "ENTRYPOINT")
            .unwrap()
            .args,
    );
    let cmd = exec_form(&stage.iter().find(|i| i.keyword == "CMD").unwrap().args);
    let healthcheck = stage.iter().find(|i| i.keyword == "HEALTHCHECK").unwrap();
    let health_cmd = exec_form(healthcheck.args.split_once("CMD").unwrap().1.trim());
    let (uid, gid) = image_user(&stage);

    // The image's environment, and nothing else; loopback instead of 0.0.0.0, same shape.
    let port = free_port();
    let mut env = image_env(&stage);
    let listen = env.get_mut("LOCKBOX_LISTEN").unwrap();
    assert!(listen.starts_with("0.0.0.0:"));
    *listen = format!("127.0.0.1:{port}");

    let scratch = tempfile::tempdir().unwrap();
    let cwd = scratch.path().join("empty");
    std::fs::create_dir(&cwd).unwrap();
    std::fs::set_permissions(&cwd, std::fs::Permissions::from_mode(0o555)).unwrap();
    std::fs::set_permissions(scratch.path(), std::fs::Permissions::from_mode(0o755)).unwrap();

    let as_root = std::fs::metadata("/proc/self").unwrap().uid() == 0;
    let binary = if as_root && !reachable_by_anyone(Path::new(BINARY)) {
        let copy = scratch.path().join("lockbox");
        std::fs::copy(BINARY, &copy).unwrap();
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
        copy
    } else {
        PathBuf::from(BINARY)
    };
    let image_command = |argv: &[String]| {
        let mut command = Command::new(&binary);
        command
            .args(&argv[1..])
            .env_clear()
            .envs(&env)
            .current_dir(&cwd);
        if as_root {
            command.uid(uid).gid(gid);
        }
        command
    };

    let argv: Vec<String> = entrypoint.iter().chain(&cmd).cloned().collect();
    let server = spawn_ready(image_command(&argv));
    assert_eq!(server.url, format!("http://127.0.0.1:{port}"));
    if as_root {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
        let ids = |field: &str| {
            let line = status.lines().find(|l| l.starts_with(field)).unwrap();
            line.split_whitespace()
                .skip(1)
                .map(|id| id.parse::<u32>().unwrap())
                .collect::<Vec<_>>()
        };
        assert!(ids("Uid:").iter().all(|&id| id == uid), "{status}");
        assert!(ids("Gid:").iter().all(|&id| id == gid), "{status}");
        assert!(ids("Groups:").iter().all(|&id| id != 0), "{status}");
    } else {
        eprintln!("not root: the image's uid/gid ({uid}:{gid}) is not applied");
    }

    let probe = image_command(&health_cmd).output().unwrap();
    assert_eq!(probe.status.code(), Some(0), "{probe:?}");

    let config = aws_sdk_secretsmanager::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(&server.url)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "image-test"))
        .build();
    let sm = aws_sdk_secretsmanager::Client::from_conf(config);
    sm.create_secret()
        .name("from-the-image")
        .secret_string("v1")
        .send()
        .await
        .unwrap();
    let read = sm
        .get_secret_value()
        .secret_id("from-the-image")
        .send()
        .await
        .unwrap();
    assert_eq!(read.secret_string(), Some("v1"));

    let (status, stderr) = server.terminate();
    assert!(status.success(), "{status:?}\n{stderr}");
    assert_eq!(
        std::fs::read_dir(&cwd).unwrap().count(),
        0,
        "wrote to its cwd"
    );

    let unhealthy = image_command(&health_cmd).output().unwrap();
    assert_eq!(unhealthy.status.code(), Some(1), "{unhealthy:?}");
}

#[test]
fn the_compose_example_builds_this_image_with_a_volume_and_a_seed() {
    let path = repo_file("docker/compose.yaml");
    let compose: serde_json::Value =
        serde_norway::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let service = &compose["services"]["lockbox"];
    let dir = path.parent().unwrap();
    let context = dir.join(service["build"]["context"].as_str().unwrap());
    let dockerfile = context.join(service["build"]["dockerfile"].as_str().unwrap());
    assert_eq!(
        dockerfile.canonicalize().unwrap(),
        repo_file("docker/Dockerfile").canonicalize().unwrap()
    );
    assert_eq!(service["environment"]["LOCKBOX_DATA_DIR"], "/data");

    let volumes: Vec<(String, String)> = service["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let mut parts = v.as_str().unwrap().split(':');
            (
                parts.next().unwrap().to_owned(),
                parts.next().unwrap().to_owned(),
            )
        })
        .collect();
    let data = volumes
        .iter()
        .find(|(_, target)| target == "/data")
        .unwrap();
    assert!(
        compose["volumes"].get(&data.0).is_some(),
        "/data is a named volume"
    );
    let seed = service["environment"]["LOCKBOX_SEED"].as_str().unwrap();
    let (source, _) = volumes.iter().find(|(_, target)| target == seed).unwrap();
    assert!(dir.join(source).is_file(), "seed mount {source} missing");
    assert!(
        service["ports"][0]
            .as_str()
            .unwrap()
            .ends_with(":4566:4566")
    );
}
