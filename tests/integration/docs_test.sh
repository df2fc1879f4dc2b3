#!/usr/bin/env bash
# The docs cannot drift from the binary: every marked example of README.md and docs/*.md is
# run against the test server and its output compared with what the page shows
# (tests/integration/docs_check.py explains the markers and the normalisation).
source "$(dirname "$0")/lib.sh"

CURRENT="README.md and docs/*.md examples"
SCENARIOS=1
cd "$TIDE_SOURCE_DIR"
python3 tests/integration/docs_check.py README.md docs/*.md ||
  fail "the docs and the binary disagree (above: page:line, command, diff docs -> tide)"
cd "$WORK"
done_suite
