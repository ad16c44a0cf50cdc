//! The module graph as a test: arrows point down only. Reads `src/` and checks, for every
//! top-level module, which other top-level modules (and which HTTP crates) it names, so a
//! new import that points up fails here instead of in review.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Modules each top-level module may name (besides itself), lowest layers first. Anything
/// not listed is refused; a module missing from this table fails the test.
const ALLOWED: &[(&str, &[&str])] = &[
    ("crypto", &[]),
    ("clock", &[]),
    ("iam_policy", &[]),
    ("sigv4", &["crypto"]),
    ("storage", &[]),
    ("config", &["crypto", "iam_policy"]),
    ("telemetry", &["config"]),
    ("readiness", &[]),
    ("api", &["crypto"]),
    ("audit", &["api", "crypto", "storage"]),
    ("identity", &["api", "iam_policy", "sigv4"]),
    ("authz", &["api", "config", "iam_policy", "identity"]),
    (
        "auth",
        &[
            "api",
            "clock",
            "config",
            "crypto",
            "iam_policy",
            "identity",
            "sigv4",
        ],
    ),
    (
        "sts",
        &["api", "auth", "config", "crypto", "iam_policy", "identity"],
    ),
    (
        "kms",
        &["api", "audit", "clock", "crypto", "iam_policy", "storage"],
    ),
    (
        "iam",
        &[
            "api",
            "crypto",
            "iam_policy",
            "identity",
            "kms",
            "sigv4",
            "storage",
        ],
    ),
    (
        "secretsmanager",
        &[
            "api",
            "audit",
            "clock",
            "crypto",
            "iam_policy",
            "kms",
            "storage",
        ],
    ),
    ("data_dir", &["kms", "storage"]),
    ("rekey", &["data_dir", "iam", "kms", "storage"]),
    (
        "app",
        &[
            "audit",
            "auth",
            "clock",
            "config",
            "data_dir",
            "iam",
            "identity",
            "kms",
            "secretsmanager",
            "storage",
            "sts",
        ],
    ),
    (
        "protocol",
        &[
            "api",
            "app",
            "audit",
            "auth",
            "authz",
            "clock",
            "config",
            "crypto",
            "iam",
            "kms",
            "secretsmanager",
            "sigv4",
            "sts",
        ],
    ),
    (
        "seed",
        &[
            "api",
            "app",
            "clock",
            "config",
            "crypto",
            "kms",
            "secretsmanager",
            "sigv4",
            "storage",
        ],
    ),
    (
        "admin",
        &[
            "api", "app", "audit", "authz", "clock", "config", "protocol", "seed", "sigv4",
            "storage",
        ],
    ),
    ("server", &["admin", "app", "config", "protocol", "seed"]),
    ("healthcheck", &["config", "readiness", "seed"]),
    ("explain_command", &["seed"]),
    ("emulator", &["config", "server"]),
    (
        "fuzzing",
        &[
            "api",
            "app",
            "auth",
            "clock",
            "config",
            "iam",
            "iam_policy",
            "identity",
            "kms",
            "protocol",
            "secretsmanager",
            "seed",
            "sigv4",
            "sts",
        ],
    ),
];

/// Modules that must not know HTTP: everything below the edge.
const NO_HTTP: &[&str] = &[
    "api",
    "audit",
    "auth",
    "clock",
    "crypto",
    "iam",
    "iam_policy",
    "kms",
    "secretsmanager",
    "sigv4",
    "storage",
    "sts",
];

/// Top-level modules whose files are tests of several layers at once.
const TEST_ONLY: &[&str] = &["durable_services_tests", "layering_tests"];

fn top_level_module(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main")).then(|| name.to_owned())
}

fn without_comments(source: &str) -> String {
    source
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::<module>` a source names, including inside `use crate::{a, b::c}` groups.
fn named_modules(source: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = source;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let body = group.split('}').next().unwrap_or_default();
            for item in body.split(',') {
                let item = item.trim();
                let name: String = item
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_' || c.is_ascii_digit())
                    .collect();
                if !name.is_empty() && item[name.len()..].trim_start().starts_with("::") {
                    names.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_' || c.is_ascii_digit())
                .collect();
            if !name.is_empty() {
                names.insert(name);
            }
        }
    }
    names
}

fn visit(dir: &Path, root: &Path, out: &mut BTreeMap<String, (BTreeSet<String>, bool)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            visit(&path, root, out);
            continue;
        }
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let Ok(relative) = path.strip_prefix(root) else {
            continue;
        };
        let Some(module) = top_level_module(relative) else {
            continue;
        };
        let source = without_comments(&fs::read_to_string(&path).unwrap_or_default());
        let http =
            source.contains("axum::") || source.contains("http::") || source.contains("hyper::");
        let entry = out.entry(module.clone()).or_default();
        entry
            .0
            .extend(named_modules(&source).into_iter().filter(|m| *m != module));
        entry.1 |= http;
    }
}

fn module_graph() -> BTreeMap<String, (BTreeSet<String>, bool)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = BTreeMap::new();
    visit(&root, &root, &mut graph);
    graph
}

#[test]
fn every_import_points_down() {
    let graph = module_graph();
    assert!(graph.len() > 10, "src/ was not found: {graph:?}");
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut wrong = Vec::new();
    for (module, (names, _)) in &graph {
        if TEST_ONLY.contains(&module.as_str()) {
            continue;
        }
        let Some(may) = allowed.get(module.as_str()) else {
            wrong.push(format!("{module}: not in the layering table"));
            continue;
        };
        for name in names {
            if graph.contains_key(name) && !may.contains(&name.as_str()) {
                wrong.push(format!("{module} -> {name}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that point up or sideways: {wrong:#?}"
    );
}

#[test]
fn nothing_below_the_edge_knows_http() {
    let graph = module_graph();
    let knowing: Vec<&String> = graph
        .iter()
        .filter(|(module, (_, http))| *http && NO_HTTP.contains(&module.as_str()))
        .map(|(module, _)| module)
        .collect();
    assert!(
        knowing.is_empty(),
        "modules below the edge that name HTTP crates: {knowing:?}"
    );
}

#[test]
fn the_table_has_no_cycles() {
    // Each module may name only modules listed before it, so the table is a topological order.
    for (position, (module, may)) in ALLOWED.iter().enumerate() {
        for name in *may {
            let earlier = ALLOWED[..position].iter().any(|(m, _)| m == name);
            assert!(earlier, "{module} may name {name}, which is not below it");
        }
    }
}
