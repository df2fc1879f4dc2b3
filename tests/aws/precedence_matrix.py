#!/usr/bin/python3
"""precedence_matrix.py TIDE_BIN -- tide and botocore side by side, case by case.

For every case below: a fresh HOME with ~/.aws/config and ~/.aws/credentials, the case's
environment variables, tests/aws/fake_aws.py (STS, ECS, IMDS on 127.0.0.1, reset before each
run) and one frozen clock (libfaketime). `tide token` and botocore (tests/aws/botocore_chain.py,
Debian's python3-botocore) each resolve credentials and sign an RDS token; the case passes when
both print the same token byte for byte, or both fail (expect="error"). A few cases test what
Debian 12's botocore 1.29 cannot yet do (expect="tide_error", with the botocore version that
does it in `why`), and one is a deliberate difference (expect="tide_token", docs/iam.md).
Prints one line per case; exit 1 on any difference. Network: loopback only.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"
AKID, SECRET = "AKIDMATRIX0000000001", "matrixSecretKey/0123456789+abcdefghijklmn"
AKID2, SECRET2 = "AKIDMATRIX0000000002", "otherSecretKey/9876543210+zyxwvutsrqpon"
ENV_KEYS = {"AWS_ACCESS_KEY_ID": AKID, "AWS_SECRET_ACCESS_KEY": SECRET}
WEB_TOKEN = "eyJhbGciOiJSUzI1NiJ9.matrix-web-identity.c2ln"
ROLE = "arn:aws:iam::123456789012:role/migrator"
ROLE2 = "arn:aws:iam::123456789012:role/second-hop"
KEYS = "aws_access_key_id = %s\naws_secret_access_key = %s\n"
PROC = ("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESS\", \"SecretAccessKey\": "
        "\"procSecretKey0123456789\", \"SessionToken\": \"procToken\", \"Expiration\": \"%s\"}'\n")
SECRETS = [SECRET, SECRET2, WEB_TOKEN, "fakeSecretKey", "procSecretKey0123456789"]


def case(name, expect="same", **kw):
    return dict(name=name, expect=expect, **kw)


CASES = [
    # --- environment variables
    case("env keys", env=ENV_KEYS),
    case("env keys + AWS_SESSION_TOKEN", env=dict(ENV_KEYS, AWS_SESSION_TOKEN="sessTok")),
    case("AWS_SECURITY_TOKEN wins over AWS_SESSION_TOKEN",
         env=dict(ENV_KEYS, AWS_SESSION_TOKEN="sessTok", AWS_SECURITY_TOKEN="secTok")),
    case("env keys with a future AWS_CREDENTIAL_EXPIRATION",
         env=dict(ENV_KEYS, AWS_SESSION_TOKEN="t", AWS_CREDENTIAL_EXPIRATION="2099-01-01T00:00:00Z")),
    case("env keys already expired", "error", tide_error="expired",
         env=dict(ENV_KEYS, AWS_SESSION_TOKEN="t", AWS_CREDENTIAL_EXPIRATION="2020-01-01T00:00:00Z")),
    case("AWS_ACCESS_KEY_ID without a secret", "error", env={"AWS_ACCESS_KEY_ID": AKID}),
    case("env keys win over the default profile", env=ENV_KEYS,
         credentials="[default]\n" + KEYS % (AKID2, SECRET2)),
    # --- profiles
    case("[default] in the credentials file", credentials="[default]\n" + KEYS % (AKID, SECRET)),
    case("[default] in the config file", config="[default]\n" + KEYS % (AKID, SECRET)),
    case("AWS_PROFILE", env={"AWS_PROFILE": "dev"},
         credentials="[default]\n" + KEYS % (AKID, SECRET) + "[dev]\n" + KEYS % (AKID2, SECRET2)),
    case("AWS_DEFAULT_PROFILE wins over AWS_PROFILE",
         env={"AWS_PROFILE": "default", "AWS_DEFAULT_PROFILE": "dev"},
         credentials="[default]\n" + KEYS % (AKID, SECRET) + "[dev]\n" + KEYS % (AKID2, SECRET2)),
    case("AWS_PROFILE=nosuch with env keys", "error", tide_error="profile 'nosuch' not found",
         env=dict(ENV_KEYS, AWS_PROFILE="nosuch")),
    case("AWS_PROFILE=default, no such profile, env keys", "error",
         env=dict(ENV_KEYS, AWS_PROFILE="default")),
    case("AWS_PROFILE names an existing profile: env keys still first",
         env=dict(ENV_KEYS, AWS_PROFILE="dev"), credentials="[dev]\n" + KEYS % (AKID2, SECRET2)),
    case("credentials file wins over config file for one profile",
         config="[profile dev]\n" + KEYS % (AKID, SECRET), env={"AWS_PROFILE": "dev"},
         credentials="[dev]\n" + KEYS % (AKID2, SECRET2)),
    case("aws_security_token wins over aws_session_token",
         credentials="[default]\n" + KEYS % (AKID, SECRET) +
         "aws_session_token = sessTok\naws_security_token = secTok\n"),
    case("[default] then [profile default]: the later wins",
         config="[default]\n" + KEYS % (AKID, SECRET) + "[profile default]\n" + KEYS % (AKID2, SECRET2)),
    case("[profile default] then [default]: the later wins",
         config="[profile default]\n" + KEYS % (AKID2, SECRET2) + "[default]\n" + KEYS % (AKID, SECRET)),
    case("[profile \"dev\"] with quotes", env={"AWS_PROFILE": "dev"},
         config="[profile \"dev\"]\n" + KEYS % (AKID, SECRET)),
    case("duplicate section", "error", tide_error="duplicate section",
         credentials="[default]\naws_access_key_id = %s\n[default]\naws_secret_access_key = %s\n"
         % (AKID, SECRET)),
    case("duplicate key", "error", tide_error="duplicate key",
         credentials="[default]\n" + KEYS % (AKID, SECRET) + "aws_access_key_id = %s\n" % AKID2),
    case("a stray line", "error", credentials="[default]\n" + KEYS % (AKID, SECRET) + "oops\n"),
    case("credential_process in the config file",
         config="[default]\ncredential_process = {dir}/proc.sh\n",
         files={"proc.sh": PROC % "2099-01-01T00:00:00Z"}),
    case("credential_process in the credentials file",
         credentials="[default]\ncredential_process = {dir}/proc.sh\n",
         files={"proc.sh": PROC % "2099-01-01T00:00:00Z"}),
    case("credential_process with a past Expiration", "error", tide_error="expired",
         config="[default]\ncredential_process = {dir}/proc.sh\n",
         files={"proc.sh": PROC % "2020-01-01T00:00:00Z"}),
    case("credential_process failing", "error",
         config="[default]\ncredential_process = {dir}/proc.sh\n",
         files={"proc.sh": "#!/bin/sh\nexit 3\n"}),
    # --- roles
    case("role_arn + source_profile", env={"AWS_PROFILE": "deploy"},
         credentials="[base]\n" + KEYS % (AKID, SECRET),
         config="[profile deploy]\nrole_arn = %s\nsource_profile = base\n" % ROLE),
    case("two-hop role chain", env={"AWS_PROFILE": "second"},
         credentials="[base]\n" + KEYS % (AKID, SECRET),
         config="[profile deploy]\nrole_arn = %s\nsource_profile = base\n"
                "[profile second]\nrole_arn = %s\nsource_profile = deploy\n" % (ROLE, ROLE2)),
    case("role with external_id, role_session_name, duration_seconds", env={"AWS_PROFILE": "deploy"},
         credentials="[base]\n" + KEYS % (AKID, SECRET),
         config="[profile deploy]\nrole_arn = %s\nsource_profile = base\nexternal_id = ext-1\n"
                "role_session_name = matrix\nduration_seconds = 1800\n" % ROLE),
    case("role profile with keys of its own: the role wins", env={"AWS_PROFILE": "deploy"},
         credentials="[base]\n" + KEYS % (AKID, SECRET) + "[deploy]\n" + KEYS % (AKID2, SECRET2),
         config="[profile deploy]\nrole_arn = %s\nsource_profile = base\n" % ROLE),
    case("credential_source = Environment", env=dict(ENV_KEYS, AWS_PROFILE="deploy"),
         config="[profile deploy]\nrole_arn = %s\ncredential_source = Environment\n" % ROLE),
    case("credential_source = EcsContainer", env={
        "AWS_PROFILE": "deploy", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "{fake}/ecs/creds"},
         config="[profile deploy]\nrole_arn = %s\ncredential_source = EcsContainer\n" % ROLE),
    case("credential_source = Ec2InstanceMetadata", imds=True, env={"AWS_PROFILE": "deploy"},
         config="[profile deploy]\nrole_arn = %s\ncredential_source = Ec2InstanceMetadata\n" % ROLE),
    case("source_profile loop", "error", tide_error="loop", env={"AWS_PROFILE": "a"},
         config="[profile a]\nrole_arn = %s\nsource_profile = b\n"
                "[profile b]\nrole_arn = %s\nsource_profile = a\n" % (ROLE, ROLE2)),
    case("STS returns expired credentials once: tide fetches again", "tide_token",
         fake="expired_first=1",
         why="botocore counts its first AssumeRole as the refresh and refuses; tide refreshes once",
         tide_key="ASIAFAKE00000002",  # signed with the second, fresh set
         env={"AWS_PROFILE": "deploy"}, credentials="[base]\n" + KEYS % (AKID, SECRET),
         config="[profile deploy]\nrole_arn = %s\nsource_profile = base\n" % ROLE),
    case("STS keeps returning expired credentials", "error", tide_error="still expired",
         fake="expired_first=9", env={"AWS_PROFILE": "deploy"},
         credentials="[base]\n" + KEYS % (AKID, SECRET),
         config="[profile deploy]\nrole_arn = %s\nsource_profile = base\n" % ROLE),
    # --- web identity (EKS IRSA, GitHub Actions, CircleCI)
    case("web identity from AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN", files={"token": WEB_TOKEN},
         env={"AWS_WEB_IDENTITY_TOKEN_FILE": "{dir}/token", "AWS_ROLE_ARN": ROLE}),
    case("web identity with AWS_ROLE_SESSION_NAME", files={"token": WEB_TOKEN},
         env={"AWS_WEB_IDENTITY_TOKEN_FILE": "{dir}/token", "AWS_ROLE_ARN": ROLE,
              "AWS_ROLE_SESSION_NAME": "ci-42"}),
    case("web identity wins over the default profile's keys", files={"token": WEB_TOKEN},
         env={"AWS_WEB_IDENTITY_TOKEN_FILE": "{dir}/token", "AWS_ROLE_ARN": ROLE},
         credentials="[default]\n" + KEYS % (AKID, SECRET)),
    case("web identity from the profile", files={"token": WEB_TOKEN}, env={"AWS_PROFILE": "ci"},
         config="[profile ci]\nrole_arn = %s\nweb_identity_token_file = {dir}/token\n" % ROLE),
    case("role on top of a web identity profile", files={"token": WEB_TOKEN},
         env={"AWS_PROFILE": "hop"},
         config="[profile ci]\nrole_arn = %s\nweb_identity_token_file = {dir}/token\n"
                "[profile hop]\nrole_arn = %s\nsource_profile = ci\n" % (ROLE, ROLE2)),
    case("CircleCI: tide.yaml role_arn + CIRCLE_OIDC_TOKEN_V2 = botocore's web identity",
         files={"token": WEB_TOKEN},
         boto_env={"AWS_WEB_IDENTITY_TOKEN_FILE": "{dir}/token", "AWS_ROLE_ARN": ROLE},
         tide_env={"CIRCLE_OIDC_TOKEN_V2": WEB_TOKEN, "CIRCLE_BUILD_NUM": "7"},
         tide_yaml="environments:\n  ci:\n    host: {host}\n    port: {port}\n    user: {user}\n"
                   "    auth: iam\n    region: {region}\n    role_arn: %s\n" % ROLE),
    case("web identity: STS fails once (HTTP 500), retried", fake="sts_fail=1",
         files={"token": WEB_TOKEN},
         env={"AWS_WEB_IDENTITY_TOKEN_FILE": "{dir}/token", "AWS_ROLE_ARN": ROLE}),
    case("AssumeRole: STS throttles once, retried", fake="sts_fail=1&fail_with=throttle",
         env={"AWS_PROFILE": "deploy"}, credentials="[base]\n" + KEYS % (AKID, SECRET),
         config="[profile deploy]\nrole_arn = %s\nsource_profile = base\n" % ROLE),
    case("STS always throttled", "error", tide_error="Throttling", fake="sts=throttle",
         files={"token": WEB_TOKEN},
         env={"AWS_WEB_IDENTITY_TOKEN_FILE": "{dir}/token", "AWS_ROLE_ARN": ROLE}),
    case("STS refuses (AccessDenied)", "error", tide_error="AccessDenied", fake="sts=error",
         files={"token": WEB_TOKEN},
         env={"AWS_WEB_IDENTITY_TOKEN_FILE": "{dir}/token", "AWS_ROLE_ARN": ROLE}),
    # --- containers (ECS, EKS Pod Identity)
    case("ECS full URI on loopback", env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": "{fake}/ecs/creds"}),
    case("ECS/EKS with an authorization token", fake="ecs_auth=Bearer%20pod-token",
         env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": "{fake}/ecs/creds",
              "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer pod-token"}),
    case("ECS answers HTTP 500 once, retried", fake="ecs_fail=1",
         env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": "{fake}/ecs/creds"}),
    case("ECS full URI to a look-alike loopback host", "error", tide_error="must be https",
         env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1.example.invalid/creds",
              "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer pod-token"}),
    case("the profile's keys win over containers",
         env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": "{fake}/ecs/creds"},
         credentials="[default]\n" + KEYS % (AKID, SECRET)),
    # --- EC2 instance metadata
    case("IMDSv2", imds=True),
    case("IMDSv1 fallback", imds=True, fake="imds=v1"),
    case("AWS_EC2_METADATA_V1_DISABLED forbids the v1 fallback", "tide_error", imds=True,
         fake="imds=v1", env={"AWS_EC2_METADATA_V1_DISABLED": "true"},
         tide_error="AWS_EC2_METADATA_V1_DISABLED",
         why="current botocore reads AWS_EC2_METADATA_V1_DISABLED; Debian 12's 1.29 does not"),
    case("IMDS without a role: no credentials", "error", imds=True, fake="imds=norole"),
    case("containers win over IMDS", imds=True,
         env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": "{fake}/ecs/creds"}),
    # --- token details and region
    case("no region anywhere (not an RDS host name)", "error", env=dict(ENV_KEYS, AWS_DEFAULT_REGION=None),
         host="db.example.internal", region=None, tide_error="region"),
    case("mixed-case host, port 443: lower-cased signed host without :443", env=ENV_KEYS,
         host="MyDB.Cluster-ABC123.US-EAST-1.rds.amazonaws.com", port=443),
    case("mixed-case host, port 5432", env=ENV_KEYS, host="Proxy-1.Proxy-ABC.eu-west-1.rds.amazonaws.com",
         region="eu-west-1"),
    case("region from AWS_DEFAULT_REGION", env=dict(ENV_KEYS, AWS_DEFAULT_REGION="eu-central-1"),
         host="db.example.internal", region=None),
    case("region from the profile", env=dict(ENV_KEYS, AWS_PROFILE="dev", AWS_DEFAULT_REGION=None),
         config="[profile dev]\nregion = ap-southeast-2\n", host="db.example.internal", region=None),
    case("AWS_DEFAULT_REGION wins over the profile's region",
         env=dict(ENV_KEYS, AWS_DEFAULT_REGION="sa-east-1"),
         config="[default]\nregion = ap-southeast-2\n", host="db.example.internal", region=None),
]


def fake_control(port, query):
    urllib.request.urlopen("http://127.0.0.1:%d/_control?%s" % (port, query), timeout=5).read()


def fill(text, ctx):
    for k, v in ctx.items():
        text = text.replace("{%s}" % k, str(v))
    return text


def run_case(c, tide, fake_port, base_env, root):
    home = tempfile.mkdtemp(dir=root)
    aws = os.path.join(home, ".aws")
    os.makedirs(aws)
    ctx = {"dir": home, "fake": "http://127.0.0.1:%d" % fake_port,
           "host": c.get("host", "mydb.cluster-abc123.us-east-1.rds.amazonaws.com"),
           "port": c.get("port", 5432), "user": c.get("user", "migrator"),
           "region": c.get("region", "us-east-1") or ""}
    for name, key in (("config", "config"), ("credentials", "credentials")):
        if key in c:
            with open(os.path.join(aws, name), "w") as f:
                f.write(fill(c[key], ctx))
    for name, text in c.get("files", {}).items():
        path = os.path.join(home, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o700)
    # One frozen instant for both signers of a case: now, to the second (the fake's expiries are
    # real times).
    env = dict(base_env, HOME=home, FAKETIME=time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()))
    if c.get("imds"):
        env.pop("AWS_EC2_METADATA_DISABLED")
        env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = ctx["fake"]
    env.update({k: v if v is None else fill(v, ctx) for k, v in c.get("env", {}).items()})
    for k in [k for k, v in env.items() if v is None]:  # None in a case: unset it
        del env[k]

    def one(argv, extra, cwd):
        fake_control(fake_port, "reset=1")
        if c.get("fake"):
            fake_control(fake_port, c["fake"])
        e = dict(env)
        e.update({k: fill(v, ctx) for k, v in extra.items()})
        p = subprocess.run(argv, env=e, cwd=cwd, capture_output=True, text=True, timeout=90)
        log = json.loads(urllib.request.urlopen(
            "http://127.0.0.1:%d/_log" % fake_port, timeout=5).read())
        bad = [r["signature"] for r in log if r.get("signature") not in (None, "valid", "unchecked")]
        unchecked = [r for r in log if r.get("signature") == "unchecked" and r.get("authorization")]
        err = p.stderr.strip()
        if bad or unchecked:
            err += "\nfake STS: signatures %s" % (bad or "unchecked for a signed call")
            return 99, p.stdout.strip(), err
        return p.returncode, p.stdout.strip(), err

    args = [ctx["host"], str(ctx["port"]), ctx["user"], ctx["region"]]
    boto = one([PY, os.path.join(HERE, "botocore_chain.py")] + args, c.get("boto_env", {}), home)
    if "tide_yaml" in c:
        with open(os.path.join(home, "tide.yaml"), "w") as f:
            f.write(fill(c["tide_yaml"], ctx))
        argv = [tide, "-e", "ci", "token"]
    else:
        argv = [tide, "token", "--host", ctx["host"], "--port", str(ctx["port"]), "--user",
                ctx["user"]] + (["--region", ctx["region"]] if ctx["region"] else [])
    tide_r = one(argv, c.get("tide_env", {}), home)
    shutil.rmtree(home, ignore_errors=True)
    return boto, tide_r


def judge(c, boto, tide_r):
    (brc, bout, berr), (trc, tout, terr) = boto, tide_r
    for who, err in (("botocore", berr), ("tide", terr)):
        if "fake STS: signatures" in err:
            return "%s sent a bad or unverifiable STS signature: %s" % (who, err[-300:])
    leaks = [s for s in SECRETS if s in terr]
    if leaks:
        return "a secret on tide's stderr: %s" % leaks
    if c["expect"] == "same":
        if brc != 0 or trc != 0:
            return "expected tokens from both; botocore exit %d (%s), tide exit %d (%s)" % (
                brc, berr[-300:], trc, terr[-300:])
        if bout != tout:
            return "tokens differ:\n  botocore %s\n  tide     %s" % (bout, tout)
        return None
    if c["expect"] == "tide_token":  # a documented difference: tide signs, botocore refuses
        if trc != 0 or brc == 0:
            return "expected a token from tide only; botocore exit %d, tide exit %d (%s)" % (
                brc, trc, terr[-300:])
        if "X-Amz-Credential=%s%%2F" % c["tide_key"] not in tout:
            return "tide signed with other credentials than %s: %s" % (c["tide_key"], tout)
        return None
    if c["expect"] == "error" and brc == 0:
        return "botocore succeeded where both should fail: %s" % bout
    if trc != 2:
        return "tide: expected exit 2, got %d (%s)" % (trc, (tout + terr)[-300:])
    if c.get("tide_error") and c["tide_error"] not in terr:
        return "tide's error lacks '%s': %s" % (c["tide_error"], terr[-400:])
    return None


def main(argv):
    tide = os.path.abspath(argv[1])
    preload = sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1"))
    if not preload:
        print("SKIP precedence matrix: libfaketime not installed (faketime, scripts/bootstrap)")
        return 0
    if subprocess.run([PY, "-c", "import botocore"], capture_output=True).returncode != 0:
        print("SKIP precedence matrix: python3-botocore not installed (scripts/bootstrap)")
        return 0
    version = subprocess.run([PY, "-c", "import botocore; print(botocore.__version__)"],
                             capture_output=True, text=True).stdout.strip()
    root = tempfile.mkdtemp(prefix="tide-matrix-")
    keys = json.dumps({AKID: SECRET, AKID2: SECRET2})  # the fake checks every signature
    fake = subprocess.Popen([PY, os.path.join(HERE, "fake_aws.py"), "--keys", keys],
                            stdout=subprocess.PIPE,
                            text=True, env={"PATH": "/usr/bin:/bin"})
    try:
        port = int(fake.stdout.readline())
        base_env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TZ": "UTC",
                    "LD_PRELOAD": preload[0],
                    "AWS_EC2_METADATA_DISABLED": "true", "AWS_RETRY_MODE": "standard",
                    # botocore needs a region for its STS client (tide uses the token's)
                    "AWS_DEFAULT_REGION": "us-east-1",
                    "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:%d" % port}
        print("precedence matrix: botocore %s vs %s, each case under one frozen clock" % (
            version, tide))
        failures, passed = [], {"same": 0, "error": 0, "tide_error": 0, "tide_token": 0}
        for c in CASES:
            boto, tide_r = run_case(c, tide, port, base_env, root)
            why = judge(c, boto, tide_r)
            label = {"same": "same token", "error": "both refuse", "tide_error": "tide refuses",
                     "tide_token": "tide signs"}
            print("%-4s %-13s %s" % ("ok" if why is None else "FAIL", label[c["expect"]], c["name"]))
            if why:
                failures.append("%s: %s" % (c["name"], why))
            else:
                passed[c["expect"]] += 1
        print("precedence matrix: %d cases: %d identical tokens, %d refused by both, %d refused by "
              "tide where botocore 1.29 cannot, %d documented difference; %d failed" % (
                  len(CASES), passed["same"], passed["error"], passed["tide_error"],
                  passed["tide_token"], len(failures)))
        for f in failures:
            print("FAIL " + f, file=sys.stderr)
        return 1 if failures else 0
    finally:
        fake.terminate()
        fake.wait()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
