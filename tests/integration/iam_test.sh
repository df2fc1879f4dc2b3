#!/usr/bin/env bash
# IAM authentication end to end: tide against a PostgreSQL that, like RDS, accepts only valid
# IAM tokens, over TLS. The server is our own (ssl=on with a test CA; pg_hba `hostssl … pam`;
# a PAM service running tests/aws/pam_iam_verifier.py through pam_exec, see tests/aws/README.md).
# Credentials come from env vars, from web identity and from CircleCI's OIDC token through
# tests/aws/fake_aws.py playing STS on loopback. The real ~/.aws is never read.
# Needs root (or a writable /etc/pam.d) for the PAM service file; otherwise prints SKIP.
set -euo pipefail
: "${TIDE_BIN:?set TIDE_BIN to the built tide binary}"
: "${TIDE_SOURCE_DIR:?set TIDE_SOURCE_DIR to the source tree}"

if [ ! -w /etc/pam.d ]; then
  echo "SKIP iam_test: needs root (or a writable /etc/pam.d) to install a PAM service"
  exit 0
fi
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
pam_exec=$(ls /lib/*/security/pam_exec.so /usr/lib/*/security/pam_exec.so 2>/dev/null | head -n 1 || true)
for need in openssl python3; do
  command -v "$need" >/dev/null || { echo "SKIP iam_test: $need not installed (scripts/bootstrap)"; exit 0; }
done
[ -n "$pam_exec" ] || { echo "SKIP iam_test: pam_exec.so not installed (libpam-modules)"; exit 0; }
[ -x "$bindir/postgres" ] || { echo "SKIP iam_test: PostgreSQL server not installed"; exit 0; }

# --- the test's own world: nothing from the caller's AWS setup leaks in -----------------------
for v in $(compgen -e | grep -E '^(AWS_|CIRCLE_)|^(http_proxy|https_proxy|HTTP_PROXY|HTTPS_PROXY|ALL_PROXY|all_proxy|NO_PROXY|no_proxy)$' || true); do
  unset "$v"
done
unset TIDE_ENV PGPASSWORD PGSSLMODE PGSERVICE

T=$(mktemp -d /tmp/tide-iam.XXXXXX)
chmod 755 "$T"
PAM_SERVICE="tide_iam_test_$$"
PAM_FILE="/etc/pam.d/$PAM_SERVICE"
FAKE_PID=""
cleanup() {
  [ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null
  rm -f "$PAM_FILE"
  "$TIDE_SOURCE_DIR/scripts/pg" stop "$T/pg" || true
  [ -d "$T/pg_plain" ] && { "$TIDE_SOURCE_DIR/scripts/pg" stop "$T/pg_plain" || true; }
  rm -rf "$T" "${WORK:-}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export AWS_CONFIG_FILE="$T/aws_config" AWS_SHARED_CREDENTIALS_FILE="$T/aws_credentials"
export AWS_EC2_METADATA_DISABLED=true
: >"$AWS_CONFIG_FILE"
: >"$AWS_SHARED_CREDENTIALS_FILE"

# The owner of the server's files: scripts/pg runs the server as tide-pg when root.
owner=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  owner=tide-pg
  id tide-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin tide-pg
fi

# --- TLS: a CA and a server certificate for 127.0.0.1 / localhost ----------------------------
mkdir "$T/tls"
(
  cd "$T/tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=tide test CA" \
    -keyout ca.key -out ca.crt -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr
  printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "extendedKeyUsage=serverAuth" >ext.cnf
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
    -extfile ext.cnf -out server.crt
) >"$T/openssl.log" 2>&1 || { cat "$T/openssl.log" >&2; exit 1; }
chown "$owner" "$T/tls/server.key"
chmod 600 "$T/tls/server.key"
chmod 644 "$T/tls/ca.crt" "$T/tls/server.crt"
CA="$T/tls/ca.crt"

# --- the "IAM" that the verifier knows --------------------------------------------------------
AKID=AKIDEXAMPLE
SECRET='wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
SESSION_TOKEN='IQoJb3JpZ2luX2VjEXAMPLESESSION+token/0123456789abcdef=='
WEB_IDENTITY='eyJhbGciOiJSUzI1NiJ9.fake-web-identity-token.c2lnbmF0dXJl'
CIRCLE_OIDC='eyJhbGciOiJSUzI1NiJ9.fake-circleci-oidc-token.c2lnbmF0dXJl'
ROLE_ARN='arn:aws:iam::123456789012:role/migrator-ci'

# Admin access (postgres) through the Unix socket only; migrator only with TLS + an IAM token.
printf '%s\n' "local all all trust" \
  "hostssl all migrator 127.0.0.1/32 pam pamservice=$PAM_SERVICE" \
  "host all all 127.0.0.1/32 reject" >"$T/pg_hba.conf"
chmod 644 "$T/pg_hba.conf"
export PG_EXTRA_OPTS="-c ssl=on -c ssl_cert_file=$T/tls/server.crt -c ssl_key_file=$T/tls/server.key -c hba_file=$T/pg_hba.conf"
eval "$("$TIDE_SOURCE_DIR/scripts/pg" start "$T/pg")"
unset PG_EXTRA_OPTS
PORT=$PGPORT
PGHOST="$T/pg"  # the socket directory: the harness's createdb/psql go through `local … trust`
export PGHOST PGPORT PGUSER=postgres
psql -X -q -d postgres -c "CREATE ROLE migrator LOGIN" >/dev/null

cp "$TIDE_SOURCE_DIR/tests/aws/pam_iam_verifier.py" "$T/"
: >"$T/verifier.log"
# fake_aws.py hands out ASIAFAKE00000001, 2, … with secrets fakeSecretKey/N+abc…xyz.
python3 - "$T/verifier.json" "$PORT" "$T/verifier.log" "$AKID" "$SECRET" <<'PY'
import json, sys
path, port, log, akid, secret = sys.argv[1:]
keys = {akid: secret}
for n in range(1, 101):
    keys["ASIAFAKE%08d" % n] = "fakeSecretKey/%d+abcdefghijklmnopqrstuvwxyz" % n
json.dump({"keys": keys, "region": "us-east-1", "host": "127.0.0.1", "port": int(port),
           "log": log}, open(path, "w"))
PY
chown "$owner" "$T/verifier.log" "$T/verifier.json"
printf '%s\n' \
  "auth    required $pam_exec expose_authtok quiet /usr/bin/python3 $T/pam_iam_verifier.py $T/verifier.json" \
  "account required pam_permit.so" >"$PAM_FILE"

source "$TIDE_SOURCE_DIR/tests/integration/lib.sh"
unset DATABASE_URL

# Every tide run, in every scenario: no secret ever reaches stdout or stderr. `tide token`
# prints the token on stdout by design (which carries the session token, as AWS's does).
TOKEN_ON_STDOUT=0
eval "$(declare -f run | sed '1s/^run /lib_run /')"
run() {
  lib_run "$@"
  local s
  for s in "$SECRET" "$SESSION_TOKEN" "$WEB_IDENTITY" "$CIRCLE_OIDC" fakeSecretKey fakeSessionToken \
    wrongSecretKeyEXAMPLE X-Amz-Signature X-Amz-Credential X-Amz-Security-Token; do
    [[ "$ERR" != *"$s"* ]] || fail "secret '$s' on stderr of: tide $*\n$ERR"
    if [ "$TOKEN_ON_STDOUT" = 1 ] && [[ "$s" == X-Amz-* || "$s" == fakeSessionToken ]]; then continue; fi
    [[ "$OUT" != *"$s"* ]] || fail "secret '$s' on stdout of: tide $*\n$OUT"
  done
  # The session token inside a token is URL-encoded: the raw secret key never is there.
}

# iam_scenario "…": a fresh database owned by migrator, and a tide.yaml with an IAM environment.
iam_scenario() {
  scenario "$@"
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_WEB_IDENTITY_TOKEN_FILE \
    AWS_ROLE_ARN AWS_ROLE_SESSION_NAME AWS_ENDPOINT_URL_STS CIRCLE_OIDC_TOKEN_V2 CIRCLE_BUILD_NUM
  unset DATABASE_URL
  q "ALTER DATABASE \"$DB\" OWNER TO migrator"
  write_config
  migration 0001_create_users.sql <<'SQL'
-- migrate:up
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
-- migrate:down
DROP TABLE users;
SQL
}

# write_config [EXTRA YAML LINES…]: the `aws` environment; extra lines override (sslmode …).
write_config() {
  local sslmode="sslmode: verify-full" extra=""
  local line
  for line in "$@"; do
    if [[ "$line" == sslmode:* ]]; then sslmode=$line; else extra+="    $line"$'\n'; fi
  done
  cat >tide.yaml <<YAML
environments:
  aws:
    host: 127.0.0.1
    port: $PORT
    database: $DB
    user: migrator
    auth: iam
    region: us-east-1
    $sslmode
    sslrootcert: $CA
$extra
YAML
}

env_keys() {
  export AWS_ACCESS_KEY_ID=$AKID AWS_SECRET_ACCESS_KEY=$SECRET
  if [ "${1:-}" = session ]; then export AWS_SESSION_TOKEN=$SESSION_TOKEN; else unset AWS_SESSION_TOKEN; fi
}

verifier_lines() { wc -l <"$T/verifier.log"; }
owner_of() { q "SELECT tableowner FROM pg_tables WHERE tablename = '$1'"; }

start_fake_sts() {
  [ -z "$FAKE_PID" ] || return 0
  python3 "$TIDE_SOURCE_DIR/tests/aws/fake_aws.py" >"$T/fake_aws.out" 2>"$T/fake_aws.err" &
  FAKE_PID=$!
  local i
  for i in $(seq 50); do
    [ -s "$T/fake_aws.out" ] && break
    sleep 0.1
  done
  FAKE_PORT=$(head -n 1 "$T/fake_aws.out")
  [ -n "$FAKE_PORT" ] || fail "fake_aws.py did not start: $(cat "$T/fake_aws.err")"
}
sts_log() { python3 -c "import sys, urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$FAKE_PORT/_log').read().decode())"; }

# --------------------------------------------------------------------------------------------
iam_scenario "tide up with auth: iam and keys from env vars, verify-full against the test CA"
env_keys
expect 0 status
contains "$OUT" "pending"
expect 0 up
contains "$OUT" "0001_create_users"
equals "$(state_of 0001)" applied
equals "$(owner_of users)" migrator "the migration ran as the IAM user"
equals "$(tail -n 1 "$T/verifier.log")" "user=migrator accepted"
expect 0 status
contains "$OUT" "applied"
expect 0 -v status
contains "$ERR" "aws: credentials from environment variables"

iam_scenario "the same with a session token (temporary keys), -vv and JSON logs"
env_keys session
expect 0 -vv up
equals "$(state_of 0001)" applied
migration 0002_create_posts.sql <<'SQL'
-- migrate:up
CREATE TABLE posts (id bigserial PRIMARY KEY, body text);
-- migrate:down
DROP TABLE posts;
SQL
expect 0 -v up --dry-run
contains "$OUT" "0002_create_posts"
equals "$(q "SELECT count(*) FROM pg_tables WHERE tablename = 'posts'")" 0
expect 0 --log-format json -v up
equals "$(state_of 0002)" applied
contains "$ERR" '"level":"debug"'
expect 0 -vv down
equals "$(q "SELECT count(*) FROM pg_tables WHERE tablename = 'posts'")" 0

iam_scenario "web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, STS on loopback"
start_fake_sts
printf '%s' "$WEB_IDENTITY" >"$T/web_identity_token"
export AWS_WEB_IDENTITY_TOKEN_FILE="$T/web_identity_token" AWS_ROLE_ARN=$ROLE_ARN
export AWS_ENDPOINT_URL_STS="http://127.0.0.1:$FAKE_PORT"
expect 0 -v up
equals "$(state_of 0001)" applied
contains "$ERR" "aws: credentials from"
contains "$ERR" "web identity"
log=$(sts_log)
contains "$log" '"action": "AssumeRoleWithWebIdentity"'
contains "$log" "\"web_identity_token\": \"$WEB_IDENTITY\""
contains "$log" "\"role_arn\": \"$ROLE_ARN\""

iam_scenario "CircleCI: role_arn in tide.yaml and CIRCLE_OIDC_TOKEN_V2"
start_fake_sts
write_config "role_arn: $ROLE_ARN"
export CIRCLE_OIDC_TOKEN_V2=$CIRCLE_OIDC CIRCLE_BUILD_NUM=4242
export AWS_ENDPOINT_URL_STS="http://127.0.0.1:$FAKE_PORT"
expect 0 -v up
equals "$(state_of 0001)" applied
contains "$ERR" "CircleCI OIDC"
log=$(sts_log)
contains "$log" "\"web_identity_token\": \"$CIRCLE_OIDC\""
contains "$log" '"session_name": "tide-circleci-4242"'

iam_scenario "a wrong secret key is refused by the server: exit 2, PAM authentication failed"
export AWS_ACCESS_KEY_ID=$AKID AWS_SECRET_ACCESS_KEY=wrongSecretKeyEXAMPLE
expect 2 up
contains "$ERR" 'PAM authentication failed for user "migrator"'
contains "$(tail -n 1 "$T/verifier.log")" "signature does not match"
expect 2 -vv --log-format json up
equals "$(q "SELECT count(*) FROM pg_tables WHERE tablename = 'users'")" 0

iam_scenario "sslmode disable/allow: tide refuses to send a token; require works"
env_keys session
before=$(verifier_lines)
for mode in disable allow; do
  write_config "sslmode: $mode"
  expect 2 up
  contains "$ERR" "refuses to send an IAM token"
  contains "$ERR" "sslmode=$mode"
done
equals "$(verifier_lines)" "$before" "no token reached the server"
write_config "sslmode: require"
expect 0 up
equals "$(state_of 0001)" applied

iam_scenario "sslmode prefer (tide.yaml, PGSSLMODE, ?sslmode=) never sends a token to a server with ssl=off"
env_keys session
# A second server without TLS whose pg_hba would take the token in clear over plain TCP.
printf '%s\n' "local all all trust" "host all migrator 127.0.0.1/32 pam pamservice=$PAM_SERVICE" \
  >"$T/pg_hba_plain.conf"
chmod 644 "$T/pg_hba_plain.conf"
PLAIN_PORT=$(PG_EXTRA_OPTS="-c ssl=off -c hba_file=$T/pg_hba_plain.conf" \
  "$TIDE_SOURCE_DIR/scripts/pg" start "$T/pg_plain" | sed -n 's/.*PGPORT=\([0-9]*\).*/\1/p')
[ -n "$PLAIN_PORT" ] || fail "the ssl=off server did not start"
psql -X -q -h "$T/pg_plain" -p "$PLAIN_PORT" -d postgres -c "CREATE ROLE migrator LOGIN" >/dev/null
before=$(verifier_lines)
plain_config() {  # plain_config [SSLMODE LINE] [URL QUERY]
  cat >tide.yaml <<YAML
environments:
  aws:
    url: postgres://migrator@127.0.0.1:$PLAIN_PORT/postgres${2:-}
    auth: iam
    region: us-east-1
    ${1:-}
YAML
}
plain_config "sslmode: prefer"
expect 2 up
contains "$ERR" "refuses to send an IAM token"
contains "$ERR" "sslmode=prefer"
plain_config "" "?sslmode=prefer"
expect 2 up
contains "$ERR" "sslmode=prefer"
plain_config
for mode in prefer allow disable; do
  PGSSLMODE=$mode expect 2 up
  contains "$ERR" "refuses to send an IAM token"
  contains "$ERR" "PGSSLMODE=$mode"
done
PGSSLMODE=prefer expect 2 token
contains "$ERR" "PGSSLMODE=prefer"
equals "$(verifier_lines)" "$before" "no token reached either server"
plain_config "sslmode: require"  # TLS required: the ssl=off server fails the handshake first
expect 2 up
equals "$(verifier_lines)" "$before" "no token reached either server"

iam_scenario "no credentials anywhere: exit 2 naming the providers tried"
expect 2 up
contains "$ERR" "no AWS credentials found"
contains "$ERR" "environment variables"
contains "$ERR" "web identity"
contains "$ERR" "profile 'default'"
contains "$ERR" "$AWS_SHARED_CREDENTIALS_FILE"
contains "$ERR" "container credentials"
contains "$ERR" "EC2 instance metadata"
lacks "$ERR" "$HOME/.aws"

iam_scenario "tide token prints a token psql can log in with"
env_keys session
conn="host=127.0.0.1 port=$PORT dbname=$DB user=migrator sslmode=require"
TOKEN_ON_STDOUT=1
expect 0 token
token=$OUT
equals "$ERR" "" "tide token without -v writes nothing on stderr"
equals "$(wc -l <"$WORK/.out")" 1 "tide token prints one line"
contains "$token" "127.0.0.1:$PORT/?Action=connect&DBUser=migrator"
contains "$token" "X-Amz-Security-Token="
equals "$(PGPASSWORD=$token psql -X -t -A "$conn" -c 'SELECT current_user')" migrator
expect 0 -v token
contains "$ERR" "aws: credentials from environment variables"
expect 0 -vv --log-format json token
rm tide.yaml
unset AWS_SESSION_TOKEN
expect 0 token --host 127.0.0.1 --port "$PORT" --user migrator --region us-east-1
lacks "$OUT" "X-Amz-Security-Token"
equals "$(PGPASSWORD=$OUT psql -X -t -A "$conn sslrootcert=$CA sslmode=verify-full" -c 'SELECT 1')" 1
expect 0 token --host 127.0.0.1 --port "$PORT" --user someone_else --region us-east-1
set +e
PGPASSWORD=$OUT psql -X -t -A "$conn" -c 'SELECT 1' >"$T/psql.out" 2>&1
rc=$?
set -e
[ "$rc" != 0 ] || fail "a token for another user logged in as migrator"
contains "$(cat "$T/psql.out")" "PAM authentication failed"
expect 2 token --host 127.0.0.1 --port "$PORT" --user migrator
contains "$ERR" "region"
TOKEN_ON_STDOUT=0

done_suite
