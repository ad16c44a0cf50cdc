"""AssumeRoleWithWebIdentity with boto3 (which sends it unsigned): tokens are built by hand
with `cryptography` (RS256 and ES256), the server's config declares the provider with the
public halves (a JWKS file and a PEM file), and a role created with IAM trusts the provider
for one repository. The credentials it returns call STS; untrusted subjects, other keys,
wrong audiences and expired tokens get AWS's codes."""
from __future__ import annotations

import base64
import json
import tempfile
import time
from pathlib import Path

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

import lockbox_harness as h

HOST = "token.actions.githubusercontent.com"
PROVIDER_ARN = f"arn:aws:iam::{h.DEFAULT_ACCOUNT}:oidc-provider/{HOST}"
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def uint(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def jwt(key, sub: str, *, aud="sts.amazonaws.com", expires_in=600) -> str:
    alg = "RS256" if isinstance(key, rsa.RSAPrivateKey) else "ES256"
    now = int(time.time())
    header = {"alg": alg, "typ": "JWT", "kid": "rsa-1" if alg == "RS256" else "ec-1"}
    claims = {"iss": f"https://{HOST}", "aud": aud, "sub": sub, "iat": now, "exp": now + expires_in}
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
    if alg == "RS256":
        signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    else:
        r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return f"{signing_input}.{b64url(signature)}"


@pytest.fixture(scope="module")
def server(server_factory):
    keys_dir = Path(tempfile.mkdtemp(prefix="lockbox-oidc-"))
    numbers = RSA_KEY.public_key().public_numbers()
    jwks = {"keys": [{"kty": "RSA", "kid": "rsa-1", "alg": "RS256", "use": "sig",
                      "n": b64url(uint(numbers.n)), "e": b64url(uint(numbers.e))}]}
    (keys_dir / "jwks.json").write_text(json.dumps(jwks))
    (keys_dir / "ec.pem").write_bytes(EC_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    config = f"""
[[oidc_providers]]
url = "https://{HOST}"
client_ids = ["sts.amazonaws.com"]
jwks_file = "{keys_dir / 'jwks.json'}"
public_key_files = ["{keys_dir / 'ec.pem'}"]
"""
    srv = server_factory(label="sts-web-identity", config_text=config)
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": PROVIDER_ARN},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{HOST}:aud": "sts.amazonaws.com"},
                      "StringLike": {f"{HOST}:sub": "repo:acme/app:*"}}}]}
    iam = client(srv, "iam")
    iam.create_role(RoleName="gha", AssumeRolePolicyDocument=json.dumps(trust))
    return srv


def client(server, service, key="test", secret="test", token=None, unsigned=False):
    session = boto3.session.Session(
        aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token,
        region_name=h.REGION,
    )
    extra = {"signature_version": UNSIGNED} if unsigned else {}
    cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"}, **extra)
    return session.client(service, endpoint_url=server.url, config=cfg)


def assume(server, token: str, unsigned=False):
    return client(server, "sts", unsigned=unsigned).assume_role_with_web_identity(
        RoleArn=f"arn:aws:iam::{h.DEFAULT_ACCOUNT}:role/gha",
        RoleSessionName="run-7", WebIdentityToken=token)


@pytest.mark.parametrize("key", [RSA_KEY, EC_KEY], ids=["RS256", "ES256"])
def test_a_trusted_token_gets_a_role_session(server, key):
    out = assume(server, jwt(key, "repo:acme/app:ref:refs/heads/main"))
    assert out["SubjectFromWebIdentityToken"] == "repo:acme/app:ref:refs/heads/main"
    assert out["Provider"] == PROVIDER_ARN
    assert out["Audience"] == "sts.amazonaws.com"
    arn = f"arn:aws:sts::{h.DEFAULT_ACCOUNT}:assumed-role/gha/run-7"
    assert out["AssumedRoleUser"]["Arn"] == arn
    creds = out["Credentials"]
    who = client(server, "sts", creds["AccessKeyId"], creds["SecretAccessKey"],
                 creds["SessionToken"]).get_caller_identity()
    assert who["Arn"] == arn


def test_without_any_credentials_too(server):
    out = assume(server, jwt(EC_KEY, "repo:acme/app:pull_request"), unsigned=True)
    assert out["AssumedRoleUser"]["Arn"].endswith(":assumed-role/gha/run-7")


def refusal(server, token):
    with pytest.raises(ClientError) as excinfo:
        assume(server, token)
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"], excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_refusals_carry_aws_codes(server):
    assert refusal(server, jwt(EC_KEY, "repo:evil/app:ref:refs/heads/main")) == (
        "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403)
    assert refusal(server, jwt(EC_KEY, "repo:acme/app:x", aud="other")) == (
        "InvalidIdentityToken", "Incorrect token audience", 400)
    forger = ec.generate_private_key(ec.SECP256R1())
    code, _, status = refusal(server, jwt(forger, "repo:acme/app:x"))
    assert (code, status) == ("InvalidIdentityToken", 400)
    code, message, status = refusal(server, jwt(RSA_KEY, "repo:acme/app:x", expires_in=-60))
    assert (code, status) == ("ExpiredTokenException", 400)
    assert message.startswith("Token expired: current date/time ")
    code, message, _ = refusal(server, "not.a.jwt")
    assert code == "InvalidIdentityToken"
