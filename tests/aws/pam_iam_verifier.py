#!/usr/bin/python3
"""Accepts a PostgreSQL login only with a valid RDS IAM auth token, as RDS does.

Run by pam_exec.so with expose_authtok: the password (the token) arrives on stdin, the login
name in $PAM_USER. Usage (in /etc/pam.d/SERVICE):

  auth    required  pam_exec.so expose_authtok quiet /usr/bin/python3 /path/pam_iam_verifier.py /path/verifier.json
  account required  pam_permit.so

verifier.json (written by the test):
  {"keys": {"AKIA...": "secret key", ...},   access keys the "IAM" knows, with their secrets
   "region": "us-east-1", "host": "127.0.0.1", "port": 5432,
   "max_age": 900,                            seconds a token stays valid (RDS: 900)
   "max_skew": 300,                           how far in the future X-Amz-Date may be
   "log": "/path/verifier.log"}               optional: one line per decision, never the token

Checks: host:port, path "/", Action=connect, DBUser == PAM_USER, algorithm, credential scope
(date/region/rds-db/aws4_request), X-Amz-Expires <= max_age, SignedHeaders=host, the token's
age (X-Amz-Date) and the SigV4 signature recomputed with the key's secret. Exit 0 accepts.
python3 standard library only.
"""
import datetime
import hashlib
import hmac
import json
import os
import sys
import urllib.parse


def quote(s):
    return urllib.parse.quote(s, safe="-_.~")


def hmac_sha256(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def verify(token, user, cfg, now):
    """Returns None when the token is valid, else the reason it is not."""
    hostport, sep, query = token.partition("/?")
    if not sep:
        return "not a presigned URL"
    if hostport != "%s:%d" % (cfg["host"], cfg["port"]):
        return "token is for %s, not this server" % hostport
    params = {}
    for pair in query.split("&"):
        k, eq, v = pair.partition("=")
        if not eq or k in params:
            return "malformed query"
        params[urllib.parse.unquote(k)] = urllib.parse.unquote(v)
    get = params.get
    if get("Action") != "connect":
        return "Action is not connect"
    if get("DBUser") != user:
        return "DBUser does not match the login user"
    if get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256":
        return "unsupported algorithm"
    if get("X-Amz-SignedHeaders") != "host":
        return "SignedHeaders is not host"
    try:
        expires = int(get("X-Amz-Expires", ""))
        signed_at = datetime.datetime.strptime(get("X-Amz-Date", ""), "%Y%m%dT%H%M%SZ")
    except ValueError:
        return "bad X-Amz-Expires or X-Amz-Date"
    signed_at = signed_at.replace(tzinfo=datetime.timezone.utc)
    max_age = cfg.get("max_age", 900)
    if expires > max_age or expires <= 0:
        return "X-Amz-Expires out of range"
    age = (now - signed_at).total_seconds()
    if age > min(expires, max_age):
        return "token expired (%d s old)" % age
    if age < -cfg.get("max_skew", 300):
        return "token dated in the future (clock skew %d s)" % -age
    akid, _, scope = get("X-Amz-Credential", "").partition("/")
    date = signed_at.strftime("%Y%m%d")
    if scope != "%s/%s/rds-db/aws4_request" % (date, cfg["region"]):
        return "wrong credential scope (region or date)"
    secret = cfg["keys"].get(akid)
    if secret is None:
        return "unknown access key"
    signature = get("X-Amz-Signature", "")
    canonical_query = "&".join(
        "%s=%s" % kv for kv in sorted((quote(k), quote(v)) for k, v in params.items()
                                      if k != "X-Amz-Signature"))
    canonical = "\n".join(["GET", "/", canonical_query, "host:" + hostport, "", "host",
                           hashlib.sha256(b"").hexdigest()])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", get("X-Amz-Date"), scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (date, cfg["region"], "rds-db", "aws4_request"):
        key = hmac_sha256(key, part)
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return "signature does not match"
    return None


def main(argv):
    with open(argv[1]) as f:
        cfg = json.load(f)
    token = sys.stdin.buffer.read().split(b"\0")[0].decode("utf-8", "replace").strip()
    user = os.environ.get("PAM_USER", "")
    reason = verify(token, user, cfg, datetime.datetime.now(datetime.timezone.utc))
    if cfg.get("log"):
        with open(cfg["log"], "a") as log:
            log.write("user=%s %s\n" % (user, "accepted" if reason is None else
                                        "refused: " + reason))
    return 0 if reason is None else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
