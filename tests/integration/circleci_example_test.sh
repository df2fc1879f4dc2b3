#!/usr/bin/env bash
# The CircleCI example a user copies (docs/examples/circleci-config.yml) is valid CircleCI 2.1
# config whose workflow is the one docs/ci.md describes in its jobs table: same jobs, branches,
# contexts, requirements and commands; no AWS context where none is said; tide pinned and cached.
# tide-test: release-only
source "$(dirname "$0")/lib.sh"

CURRENT="the example's job graph is the one docs/ci.md describes"  # no database needed
SCENARIOS=1
echo "--- $CURRENT"
python3 - "$TIDE_SOURCE_DIR/docs/examples/circleci-config.yml" "$TIDE_SOURCE_DIR/docs/ci.md" <<'PY' ||
import re, sys, yaml

config_path, doc_path = sys.argv[1:3]
config = yaml.safe_load(open(config_path))
errors = []
def check(ok, message):
    if not ok:
        errors.append(message)

# The table in docs/ci.md: | job | runs | branches | context | requires |
rows = {}
lines = open(doc_path).read().splitlines()
start = lines.index("| job | runs | branches | context | requires |")
for line in lines[start + 2:]:
    if not line.startswith("|"):
        break
    job, runs, branches, context, requires = [c.strip() for c in line.strip("|").split("|")]
    rows[job] = dict(runs=re.findall(r"`([^`]+)`", runs), approval=runs == "approval",
                     branches=branches, context=None if context == "none" else context,
                     requires=[] if requires == "none" else [r.strip() for r in requires.split(",")])
check(len(rows) >= 5, f"docs/ci.md's jobs table has {len(rows)} rows")

check(str(config.get("version")) == "2.1", "version is not 2.1")
workflows = config["workflows"]
check(len(workflows) == 1, "expected one workflow")
entries = {}
for entry in next(iter(workflows.values()))["jobs"]:
    name, spec = (entry, {}) if isinstance(entry, str) else next(iter(entry.items()))
    entries[name] = spec or {}
check(set(entries) == set(rows), f"workflow jobs {sorted(entries)} != docs {sorted(rows)}")

def run_lines(job):
    out = []
    for step in config["jobs"][job]["steps"]:
        if isinstance(step, dict) and "run" in step:
            run = step["run"]
            out.append(run if isinstance(run, str) else run["command"])
    return [l.split("#")[0].strip() for l in out]

def branches_of(spec):
    b = spec.get("filters", {}).get("branches", {})
    if not b:
        return "all"
    if b == {"only": "main"} or b == {"only": ["main"]}:
        return "main"
    if b == {"ignore": "main"} or b == {"ignore": ["main"]}:
        return "all but main"
    return repr(b)

for name, row in rows.items():
    spec = entries.get(name)
    if spec is None:
        continue
    check(branches_of(spec) == row["branches"], f"{name}: branches {branches_of(spec)} != {row['branches']}")
    check(spec.get("context") == row["context"], f"{name}: context {spec.get('context')} != {row['context']}")
    check(sorted(spec.get("requires", [])) == sorted(row["requires"]),
          f"{name}: requires {spec.get('requires')} != {row['requires']}")
    if row["approval"]:
        check(spec.get("type") == "approval", f"{name}: not an approval job")
        check(name not in config["jobs"], f"{name}: an approval job must not be defined under jobs:")
        continue
    check(name in config["jobs"], f"{name}: not defined under jobs:")
    runs = run_lines(name) if name in config["jobs"] else []
    for cmd in row["runs"]:
        check(cmd in runs, f"{name}: does not run `{cmd}` (runs {runs})")
    tide_runs = [r for r in runs if r.startswith("tide ")]
    for r in tide_runs:
        check(r in row["runs"], f"{name}: runs `{r}`, which docs/ci.md does not say")
    if tide_runs:
        check("install-tide" in config["jobs"][name]["steps"], f"{name}: runs tide without install-tide")

# Safety: what may touch the database does so only where the docs say.
for name in config["jobs"]:
    for r in run_lines(name):
        if re.fullmatch(r"tide up( .*)?", r) and "--dry-run" not in r:
            check(rows[name]["context"] == "tide-migrator" and rows[name]["branches"] == "main",
                  f"{name}: `{r}` outside main / the migrator context")
        if r.startswith("tide contract"):
            check(any(rows[p]["approval"] for p in rows[name]["requires"]),
                  f"{name}: `tide contract` without an approval before it")
check(any("--fail-on-pending" in r for n in config["jobs"] for r in run_lines(n)),
      "no job gates on `tide status --fail-on-pending`")

# The install: pinned, verified, cached by version.
params = config.get("parameters", {})
version = str(params.get("tide-version", {}).get("default", ""))
check(re.fullmatch(r"\d+\.\d+\.\d+", version) is not None, f"tide-version {version!r} is not pinned")
steps = config["commands"]["install-tide"]["steps"]
text = repr(steps)
check("sha256sum -c" in text, "install-tide does not verify the checksum")
check(any("restore_cache" in s for s in steps) and any("save_cache" in s for s in steps),
      "install-tide does not cache tide")
for s in steps:
    for kind in ("restore_cache", "save_cache"):
        if kind in s:
            keys = s[kind].get("keys", [s[kind].get("key")])
            check(all("pipeline.parameters.tide-version" in k for k in keys), f"{kind} key lacks the version")
check("scripts/bootstrap" not in open(config_path).read(), "the example still builds tide")

if errors:
    print("\n".join(errors))
    sys.exit(1)
print(f"{len(rows)} jobs match docs/ci.md")
PY
  fail "docs/examples/circleci-config.yml does not match docs/ci.md (above)"

done_suite
