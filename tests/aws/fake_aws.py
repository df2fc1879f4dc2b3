#!/usr/bin/python3
"""A fake of the AWS endpoints tide talks to, for tests, on 127.0.0.1 only (python3 stdlib).

Plays STS (POST /: AssumeRole, AssumeRoleWithWebIdentity), ECS container credentials
(GET /ecs/creds) and EC2 IMDSv2 (PUT /latest/api/token, GET /latest/meta-data/iam/...).
Binds port 0 and prints the port on the first line of stdout.

Behaviour per service, from arguments or changed later with GET /_control?sts=error&...:
  sts   ok | error | error_echo | malformed | http500 | slow | throttle | hang | blackhole
  ecs   ok | malformed | slow | http500 | hang | blackhole
  imds  ok | v1 | norole | malformed | slow | notsuccess | http500 | hang | blackhole
  expires_in  seconds until the returned credentials expire (default 3600; negative: expired)
  expired_first  this many credentials are handed out expired (in 2020), then fresh ones
  delay       seconds a `slow` answer waits (default 5)
  ecs_auth    Authorization value ECS requires (default: none required)
  sts_fail, ecs_fail, imds_fail   fail this many requests first (then behave as set), with
  fail_with   http500 (default) | throttle (STS: HTTP 400 <Code>Throttling</Code>)
Failure modes: `throttle` answers STS's Throttling error every time; `hang` waits 60 s before
answering; `blackhole` reads the request and never answers (the connection stays open).
GET /_control?reset=1 restores the defaults, empties the log and restarts the numbering.
Every request is recorded; GET /_log returns them as a JSON list (action, role_arn,
session_name, web_identity_token, authorization, path, method, signature).
Signed STS calls are verified like STS does (SigV4, service sts) when the access key is known:
the credentials this fake handed out, and those given with --keys '{"AKID": "secret", ...}'.
A wrong signature gets 403 SignatureDoesNotMatch; an unknown key is let through (logged as
"signature": "unchecked") so tests may use made-up keys.
Credentials are numbered (ASIAFAKE00000001, ...) so tests can see refreshes.
"""
import argparse
import datetime
import hashlib
import hmac
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATE = {"sts": "ok", "ecs": "ok", "imds": "ok", "expires_in": "3600", "delay": "5",
         "ecs_auth": "", "sts_fail": "0", "ecs_fail": "0", "imds_fail": "0",
         "fail_with": "http500", "expired_first": "0"}
DEFAULTS = dict(STATE)
SECRETS = {}  # access key id -> secret key, for checking signatures
LOG = []
STOP = threading.Event()
COUNTER = [0]
LOCK = threading.Lock()
IMDS_TOKEN = "fake-imds-session-token-0123456789"


def new_credentials():
    with LOCK:
        COUNTER[0] += 1
        n = COUNTER[0]
        stale = int(STATE["expired_first"]) > 0
        if stale:
            STATE["expired_first"] = str(int(STATE["expired_first"]) - 1)
    expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(
        seconds=int(STATE["expires_in"]))
    if stale:  # long past, whatever clock the client runs on (tests freeze theirs)
        expires = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
    with LOCK:
        SECRETS["ASIAFAKE%08d" % n] = "fakeSecretKey/%d+abcdefghijklmnopqrstuvwxyz" % n
    return {
        "AccessKeyId": "ASIAFAKE%08d" % n,
        "SecretAccessKey": "fakeSecretKey/%d+abcdefghijklmnopqrstuvwxyz" % n,
        "Token": "fakeSessionToken+%d/ABCDEFGHIJKLMNOPQRSTUVWXYZ==" % n,
        "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def check_signature(method, path, headers, body):
    """'valid', 'unchecked' (unknown key or unsigned) or why the SigV4 signature is wrong."""
    auth = headers.get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return "unchecked"
    fields = dict(part.strip().split("=", 1) for part in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    akid, _, scope = fields.get("Credential", "").partition("/")
    with LOCK:
        secret = SECRETS.get(akid)
    if secret is None:
        return "unchecked"
    date, region, service, _ = (scope.split("/") + ["", "", "", ""])[:4]
    names = fields.get("SignedHeaders", "").split(";")
    if "host" not in names:
        return "host is not signed"
    canonical_headers = "".join("%s:%s\n" % (n, " ".join((headers.get(n) or "").split()))
                                for n in names)
    url = urllib.parse.urlsplit(path)
    query = "&".join(sorted("%s=%s" % (urllib.parse.quote(k, safe="-_.~"),
                                       urllib.parse.quote(v, safe="-_.~"))
                            for k, v in urllib.parse.parse_qsl(url.query, keep_blank_values=True)))
    canonical = "\n".join([method, url.path or "/", query, canonical_headers, ";".join(names),
                           hashlib.sha256(body).hexdigest()])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", headers.get("X-Amz-Date", ""), scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, fields.get("Signature", "")):
        return "signature does not match"
    return "valid"


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, ctype="text/plain"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def record(self, **fields):
        fields.update(path=self.path, method=self.command,
                      authorization=self.headers.get("Authorization", ""))
        with LOCK:
            LOG.append(fields)

    def slow(self, service):
        """Plays the slow, hanging and black-holed modes; True when the request got no answer."""
        mode = STATE[service]
        if mode == "slow":
            time.sleep(float(STATE["delay"]))
        elif mode == "hang":
            time.sleep(60)
        elif mode == "blackhole":
            self.close_connection = True
            while not STOP.wait(1):  # hold the connection open, answer nothing
                pass
            return True
        return False

    def failing(self, service):
        """Answers a scripted failure while `<service>_fail` > 0; True when it did."""
        key = service + "_fail"
        with LOCK:
            n = int(STATE[key])
            if n <= 0:
                return False
            STATE[key] = str(n - 1)
        if STATE["fail_with"] == "throttle" and service == "sts":
            self.throttled()
        elif service == "sts":  # as STS answers a 500: with an error document
            self.reply(500, "<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure"
                            "</Code><Message>internal error</Message></Error></ErrorResponse>",
                       "text/xml")
        else:
            self.reply(500, "internal error")
        return True

    def throttled(self):
        self.reply(400, "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
                        "<Message>Rate exceeded</Message></Error></ErrorResponse>", "text/xml")

    # --- control ------------------------------------------------------------------------
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/_control":
            for k, v in urllib.parse.parse_qsl(url.query):
                if k == "reset":
                    with LOCK:
                        STATE.clear()
                        STATE.update(DEFAULTS)
                        LOG.clear()
                        COUNTER[0] = 0
                    continue
                STATE[k] = v
            return self.reply(200, "ok")
        if url.path == "/_log":
            with LOCK:
                return self.reply(200, json.dumps(LOG), "application/json")
        if url.path.startswith("/ecs/"):
            return self.ecs()
        if url.path.startswith("/latest/meta-data/iam/security-credentials/"):
            return self.imds_credentials(url.path)
        self.reply(404, "not found")

    # --- STS ----------------------------------------------------------------------------
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        form = dict(urllib.parse.parse_qsl(raw.decode()))
        action = form.get("Action", "")
        signature = check_signature("POST", self.path, self.headers, raw)
        self.record(action=action, role_arn=form.get("RoleArn", ""), signature=signature,
                    session_name=form.get("RoleSessionName", ""),
                    web_identity_token=form.get("WebIdentityToken", ""),
                    content_type=self.headers.get("Content-Type", ""))
        if self.slow("sts") or self.failing("sts"):
            return
        mode = STATE["sts"]
        if mode == "throttle":
            return self.throttled()
        if mode in ("error", "error_echo"):
            message = "Not authorized to perform sts:%s" % action
            if mode == "error_echo":  # a server that echoes what it got: must be redacted
                message += " token=" + form.get("WebIdentityToken", "") + " auth=" + \
                    self.headers.get("Authorization", "")
            return self.reply(403, (
                '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
                "<Error><Type>Sender</Type><Code>AccessDenied</Code>"
                "<Message>%s</Message></Error><RequestId>fake</RequestId></ErrorResponse>")
                % xml_escape(message), "text/xml")
        if mode == "malformed":
            return self.reply(200, "<AssumeRoleResponse><AssumeRoleResult><Credentials>"
                                   "<AccessKeyId>ASIA", "text/xml")
        if mode == "http500":
            return self.reply(500, "internal error")
        if action not in ("AssumeRole", "AssumeRoleWithWebIdentity"):
            return self.reply(400, "<ErrorResponse><Error><Code>InvalidAction</Code>"
                                   "<Message>unknown action</Message></Error></ErrorResponse>")
        if signature not in ("valid", "unchecked"):
            return self.reply(403, "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code>"
                                   "<Message>%s</Message></Error></ErrorResponse>" % signature)
        if action == "AssumeRole" and not self.headers.get("Authorization", "").startswith(
                "AWS4-HMAC-SHA256 Credential="):
            return self.reply(403, "<ErrorResponse><Error><Code>MissingAuthenticationToken"
                                   "</Code><Message>unsigned</Message></Error></ErrorResponse>")
        c = new_credentials()
        body = (
            '<{a}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n'
            "  <{a}Result>\n"
            "    <AssumedRoleUser><Arn>{arn}/{session}</Arn></AssumedRoleUser>\n"
            "    <Credentials>\n"
            "      <AccessKeyId>{AccessKeyId}</AccessKeyId>\n"
            "      <SecretAccessKey>{SecretAccessKey}</SecretAccessKey>\n"
            "      <SessionToken>{Token}</SessionToken>\n"
            "      <Expiration>{Expiration}</Expiration>\n"
            "    </Credentials>\n"
            "  </{a}Result>\n"
            "</{a}Response>\n").format(a=action, arn=xml_escape(form.get("RoleArn", "")),
                                       session=xml_escape(form.get("RoleSessionName", "")),
                                       **{k: xml_escape(v) for k, v in c.items()})
        self.reply(200, body, "text/xml")

    # --- ECS ----------------------------------------------------------------------------
    def ecs(self):
        self.record()
        if self.slow("ecs") or self.failing("ecs"):
            return
        if STATE["ecs_auth"] and self.headers.get("Authorization") != STATE["ecs_auth"]:
            return self.reply(401, "unauthorized")
        if STATE["ecs"] == "malformed":
            return self.reply(200, "{not json", "application/json")
        if STATE["ecs"] == "http500":
            return self.reply(500, "error")
        c = new_credentials()
        c["RoleArn"] = "arn:aws:iam::123456789012:role/task"
        self.reply(200, json.dumps(c), "application/json")

    # --- IMDSv2 -------------------------------------------------------------------------
    def do_PUT(self):
        self.record()
        if self.path != "/latest/api/token":
            return self.reply(404, "not found")
        if self.slow("imds"):
            return
        if STATE["imds"] == "http500":
            return self.reply(500, "error")
        if STATE["imds"] == "v1":
            return self.reply(403, "forbidden")
        if not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            return self.reply(400, "missing ttl")
        self.reply(200, IMDS_TOKEN)

    def imds_credentials(self, path):
        self.record()
        mode = STATE["imds"]
        if mode != "v1" and self.headers.get("X-aws-ec2-metadata-token") != IMDS_TOKEN:
            return self.reply(401, "unauthorized")
        role = path[len("/latest/meta-data/iam/security-credentials/"):]
        if mode == "norole":
            return self.reply(404, "not found")
        if not role:
            return self.reply(200, "fake-instance-role")
        if role != "fake-instance-role":
            return self.reply(404, "not found")
        if self.failing("imds"):
            return
        if mode == "malformed":
            return self.reply(200, "<html>captive portal</html>")
        c = new_credentials()
        c.update(Code="Success" if mode != "notsuccess" else "AssumeRoleUnauthorizedAccess",
                 Type="AWS-HMAC", LastUpdated="2024-01-01T00:00:00Z")
        self.reply(200, json.dumps(c), "application/json")


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    for key in STATE:
        p.add_argument("--" + key.replace("_", "-"), dest=key, default=STATE[key])
    p.add_argument("--keys", default="{}", help="JSON object: access key id -> secret key")
    args = vars(p.parse_args())
    SECRETS.update(json.loads(args.pop("keys")))
    STATE.update(args)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    finally:
        STOP.set()


if __name__ == "__main__":
    sys.exit(main())
