#!/usr/bin/env bash
# The credential chain, case by case against botocore: for every case of
# tests/aws/precedence_matrix.py (env keys, profiles and their parsing, credential_process,
# one- and two-hop roles, credential_source, web identity, CircleCI OIDC, ECS/EKS, IMDSv2,
# retries, expired credentials, host casing, region), `tide token` and Debian's botocore run in
# the same HOME and environment, against tests/aws/fake_aws.py on loopback, under one frozen
# clock (libfaketime), and must print the same token or both refuse. No PostgreSQL needed.
# Runs in the release pass only: botocore and libfaketime dominate its time, the tide code it
# runs is covered by the [aws] unit tests under the sanitizers, and LD_PRELOAD does not mix
# with ASan.
# tide-test: release-only
set -euo pipefail
: "${TIDE_BIN:?set TIDE_BIN to the built tide binary}"
: "${TIDE_SOURCE_DIR:?set TIDE_SOURCE_DIR to the source tree}"
[ -x /usr/bin/python3 ] || { echo "SKIP iam_botocore_matrix_test: /usr/bin/python3 not installed"; exit 0; }
exec /usr/bin/python3 "$TIDE_SOURCE_DIR/tests/aws/precedence_matrix.py" "$TIDE_BIN"
