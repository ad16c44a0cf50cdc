"""IAM's own actions are authorized through boto3: a user without policies is refused
iam:CreateUser with IAM's AccessDenied (403) and AWS's text, and may once a policy allows it."""
from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

import lockbox_harness as h
from lockbox_harness import uniq
from test_iam import error, iam_client


def test_iam_calls_need_an_identity_policy(lockbox):
    root = iam_client(lockbox)
    name = uniq("builder")
    root.create_user(UserName=name)
    key = root.create_access_key(UserName=name)["AccessKey"]
    builder = iam_client(lockbox, key["AccessKeyId"], key["SecretAccessKey"])
    new = uniq("new")

    with pytest.raises(ClientError) as excinfo:
        builder.create_user(UserName=new)
    caller = f"arn:aws:iam::{h.DEFAULT_ACCOUNT}:user/{name}"
    assert error(excinfo) == (
        "AccessDenied",
        f"User: {caller} is not authorized to perform: iam:CreateUser on resource: "
        f"arn:aws:iam::{h.DEFAULT_ACCOUNT}:user/{new} because no identity-based policy allows "
        "the iam:CreateUser action",
        403,
    )

    root.put_user_policy(UserName=name, PolicyName="create-users", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:CreateUser", "Resource": "*"}],
    }))
    assert builder.create_user(UserName=new)["User"]["UserName"] == new
