//! The `query_request` target: a form body as the awsQuery edge reads it (`protocol::query`):
//! parsed into the parameter tree, then decoded and called as every STS operation (as the root
//! user, an IAM user and a role session) over an STS with no roles, and as every IAM operation
//! over an IAM that starts empty (one per input, so the operations meet what earlier ones
//! created), and every refusal written as the XML error envelope. Besides never failing internally, every document written (answer
//! or error) must be well-formed XML.

use std::sync::Arc;

use crate::api::error::WireError;
use crate::api::operation::OperationTable;
use crate::api::operation::QueryService;
use crate::api::{Principal, RequestCtx};
use crate::auth::SessionRegistry;
use crate::iam::{IamService, Operation as IamOperation};
use crate::identity::NoIdentities;
use crate::protocol::query::{call, encode, fault, form};
use crate::sts::{Operation, Sts};

/// The entry point: see the module documentation.
pub fn query_request(data: &[u8]) {
    let Ok(parsed) = form::parse(data) else {
        return;
    };
    let sts = Sts::new(Arc::new(SessionRegistry::new()), Arc::new(NoIdentities));
    let iam = IamService::new();
    let callers = [
        Principal::root("111122223333", "111122223333"),
        Principal::from_arn(
            "111122223333",
            "arn:aws:iam::111122223333:user/fuzz",
            "AKIAFUZZ",
        ),
        Principal::from_arn(
            "111122223333",
            "arn:aws:sts::111122223333:assumed-role/fuzz/session",
            "ASIAFUZZ",
        ),
    ];
    for principal in callers {
        let ctx = RequestCtx {
            request_id: "fuzz".into(),
            event_id: "fuzz".into(),
            principal,
            region: "us-east-1".into(),
            now: time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000),
            access: crate::api::access::Access::unchecked("Fuzz"),
        };
        for &op in Operation::ALL {
            call_and_check(&sts, op, &ctx, &parsed.params);
        }
        for &op in IamOperation::ALL {
            call_and_check(&iam, op, &ctx, &parsed.params);
        }
    }
}

/// Calls `op` with `params`: a refusal must be a client error, and whatever is written must be
/// well-formed XML.
fn call_and_check<Op>(service: &Op::Service, op: Op, ctx: &RequestCtx, params: &form::Node)
where
    Op: OperationTable,
    Op::Service: QueryService,
{
    let document = match call::call(service, op, ctx, params) {
        Ok(document) => document,
        Err(error) => {
            let written = fault::query_fault(&error);
            assert!(
                written.status < 500,
                "{} answered {} ({:?}) to a client's parameters",
                op.name(),
                written.code,
                error.message()
            );
            encode::fault(
                <Op::Service as QueryService>::XML_NAMESPACE,
                &written,
                "fuzz",
            )
        }
    };
    assert_well_formed(&document);
}

fn assert_well_formed(document: &[u8]) {
    let mut reader = quick_xml::Reader::from_reader(document);
    let mut buffer = Vec::new();
    let mut depth = 0usize;
    loop {
        match reader.read_event_into(&mut buffer) {
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(quick_xml::events::Event::Text(text)) => {
                assert!(text.decode().is_ok(), "text that does not decode");
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(error) => panic!("malformed XML written: {error}"),
        }
        buffer.clear();
    }
    assert_eq!(depth, 0, "unbalanced XML written");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typical_and_hostile_bodies_pass() {
        for body in [
            &b"Action=GetCallerIdentity&Version=2011-06-15"[..],
            b"RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fx&RoleSessionName=%3C%26%3E%01",
            b"Policy=%7B&RoleArn=aaaaaaaaaaaaaaaaaaaaaa&RoleSessionName=ok",
            b"DurationSeconds=-1&SerialNumber=%00&TokenCode=12345x",
            b"Tags.member.1.Key=k&Tags.member.1.Value=v&Tags.member.3.Key=x",
            b"UserName=alice&PolicyName=p&PolicyDocument=%7B%22Statement%22%3A%5B%5D%7D&GroupName=g",
            b"UserName=a&RoleName=r&AssumeRolePolicyDocument=%7B&MaxItems=0&Marker=lockbox-iam-99",
            b"VirtualMFADeviceName=d&SerialNumber=arn%3Aaws%3Aiam%3A%3A111122223333%3Amfa%2Fd&AuthenticationCode1=000000&AuthenticationCode2=%3C%3E",
        ] {
            query_request(body);
        }
    }
}
