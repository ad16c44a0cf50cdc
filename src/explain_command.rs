//! `lockbox explain`: asks a running server why a call would be allowed or denied
//! (`POST /_lockbox/explain`) and prints the decision, the statements that decided (each
//! named, then shown as policy JSON) and the denial text AWS would send. The caller is named by ARN or by access key id (a session key
//! brings its session policies along); the request is signed like `export`/`import` do
//! (`LOCKBOX_ADMIN_TOKEN`, else the instance owner's key).

use clap::Args;
use serde_json::{Map, Value, json};

use crate::seed::remote::{self, AdminCredential};

/// Flags of `lockbox explain`.
#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// The caller: an IAM or STS ARN, or an access key id the server knows.
    #[arg(long, value_name = "ARN_OR_KEY_ID")]
    pub principal: String,
    /// The action, e.g. secretsmanager:GetSecretValue.
    #[arg(long, value_name = "SERVICE:ACTION")]
    pub action: String,
    /// The secret or key ARN, or * for actions without a resource.
    #[arg(long, value_name = "ARN", default_value = "*")]
    pub resource: String,
    /// A request condition key, e.g. aws:SourceIp=10.0.0.1 (repeat the key for several values).
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// The region of the request [default: the resource's, else us-east-1].
    #[arg(long)]
    pub region: Option<String>,
    /// The server, e.g. http://127.0.0.1:4566.
    #[arg(
        long,
        alias = "endpoint",
        env = "LOCKBOX_ENDPOINT",
        default_value = "http://127.0.0.1:4566"
    )]
    pub endpoint_url: String,
    /// Print the server's JSON answer instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The request body for `args`; an error names a malformed `--context`.
pub fn request_body(args: &ExplainArgs) -> Result<Value, String> {
    let mut context: Map<String, Value> = Map::new();
    for pair in &args.context {
        let Some((key, value)) = pair.split_once('=').filter(|(key, _)| !key.is_empty()) else {
            return Err(format!("--context must be KEY=VALUE, got '{pair}'"));
        };
        let value = Value::String(value.to_owned());
        match context.get_mut(key) {
            Some(Value::Array(values)) => values.push(value),
            Some(first) => *first = Value::Array(vec![first.take(), value]),
            None => {
                context.insert(key.to_owned(), value);
            }
        }
    }
    let mut body = json!({
        "principal": args.principal,
        "action": args.action,
        "resource": args.resource,
        "context": context,
    });
    if let Some(region) = &args.region {
        body["region"] = Value::String(region.clone());
    }
    Ok(body)
}

/// The human-readable form of the server's answer.
pub fn render(answer: &Value) -> String {
    let text = |name: &str| answer.get(name).and_then(Value::as_str);
    let mut out = format!("Decision: {}\n", text("decision").unwrap_or("unknown"));
    if let Some(principal) = text("principal") {
        out.push_str(&format!("Principal: {principal}\n"));
    }
    let statements: Vec<&str> = answer
        .get("statements")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if statements.is_empty() {
        out.push_str("Deciding statements: none\n");
    } else {
        out.push_str("Deciding statements:\n");
        let details = answer.get("details").and_then(Value::as_array);
        for (index, statement) in statements.into_iter().enumerate() {
            out.push_str(&format!("  - {statement}\n"));
            let shown = details
                .and_then(|details| details.get(index))
                .and_then(|detail| detail.get("statement"))
                .filter(|shown| !shown.is_null());
            if let Some(shown) = shown {
                out.push_str(&format!("      {shown}\n"));
            }
        }
    }
    if let Some(grant) = text("grant") {
        out.push_str(&format!("Allowed by KMS grant: {grant}\n"));
    }
    if let Some(message) = text("message") {
        out.push_str(&format!("AWS would answer: {message}\n"));
    }
    out
}

/// Runs the sub-command against the server, printing the answer on stdout.
pub async fn run(args: ExplainArgs) -> Result<(), String> {
    let body = request_body(&args)?.to_string();
    let credential = AdminCredential::from_env(|name| std::env::var(name).ok());
    let response = remote::request(
        args.endpoint_url.trim_end_matches('/'),
        Some(&credential),
        "POST",
        "/_lockbox/explain",
        Some(("application/json", body.as_bytes())),
    )
    .await?;
    let answer = serde_json::from_slice::<Value>(&response.body).ok();
    if response.status != 200 {
        let detail = answer
            .as_ref()
            .and_then(|a| a.get("error")?.as_str().map(str::to_owned))
            .unwrap_or_else(|| String::from_utf8_lossy(&response.body).into_owned());
        return Err(format!("the server answered {}: {detail}", response.status));
    }
    let answer = answer.ok_or("the server's answer is not JSON")?;
    if args.json {
        println!("{answer:#}");
    } else {
        print!("{}", render(&answer));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(context: &[&str]) -> ExplainArgs {
        ExplainArgs {
            principal: "arn:aws:iam::000000000000:user/dana".to_owned(),
            action: "kms:Decrypt".to_owned(),
            resource: "*".to_owned(),
            context: context.iter().map(|c| (*c).to_owned()).collect(),
            region: None,
            endpoint_url: "http://127.0.0.1:4566".to_owned(),
            json: false,
        }
    }

    #[test]
    fn repeated_context_keys_become_lists() {
        let body = request_body(&args(&[
            "aws:TagKeys=a",
            "aws:SourceIp=10.0.0.1",
            "aws:TagKeys=b=c",
        ]))
        .unwrap();
        assert_eq!(body["context"]["aws:TagKeys"], json!(["a", "b=c"]));
        assert_eq!(body["context"]["aws:SourceIp"], "10.0.0.1");
        assert!(body.get("region").is_none());
    }

    #[test]
    fn a_context_without_equals_is_refused() {
        let error = request_body(&args(&["aws:SourceIp"])).unwrap_err();
        assert_eq!(error, "--context must be KEY=VALUE, got 'aws:SourceIp'");
    }

    #[test]
    fn the_text_names_the_statements_and_the_denial() {
        let text = render(&json!({
            "decision": "ExplicitDeny",
            "statements": ["resource policy statement 0 (Sid \"NoReads\")"],
            "details": [{"policy": "resource policy", "index": 0, "sid": "NoReads",
                "statement": {"Effect": "Deny", "Action": ["secretsmanager:GetSecretValue"]}}],
            "grant": null,
            "message": "User: x is not authorized",
        }));
        assert_eq!(
            text,
            "Decision: ExplicitDeny\nDeciding statements:\n  - resource policy statement 0 (Sid \"NoReads\")\n      {\"Action\":[\"secretsmanager:GetSecretValue\"],\"Effect\":\"Deny\"}\nAWS would answer: User: x is not authorized\n"
        );
    }
}
