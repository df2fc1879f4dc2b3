#!/usr/bin/env python3
"""Precision of `tide lint` on real migration histories (bench/lint_corpus/README.md).

Reads each project of manifest.tsv from its fetched snapshot at the recorded commit
(git archive into a temp dir; nothing of it is committed here), turns every NAME.up.sql
(+ NAME.down.sql) into a tide file `-- migrate:up … -- migrate:down …`, runs
`tide lint --format json` per project, maps every finding back to the original file and
line, and compares it with labels.tsv:

  precision per rule = true positives / labelled findings of that rule
  lost               = labelled true positives the linter no longer reports

Then, when squawk (npm squawk-cli) can be installed into a cache dir, the squawk rules that
fire on a statement where tide reports nothing.

Environment: TIDE_BIN (default build/release/tide), TIDE_CORPUS_MIRROR (default
/work/.mirror: snapshots as <owner>+<name>/repo), SQUAWK_CACHE (default ~/.cache/tide-squawk),
SQUAWK=0 to skip squawk. Flags: --unlabelled prints findings with no label (for labelling),
--keep DIR leaves the converted corpus in DIR.
"""
import collections
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TX_LINE = re.compile(r"^\s*(BEGIN|COMMIT|START\s+TRANSACTION)\s*;\s*$", re.I)
END_LINE = re.compile(r"^\s*END\s*;\s*$", re.I)  # COMMIT's synonym, or the end of a CASE


def read_tsv(path):
    rows = []
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            rows.append(line.rstrip("\n").split("\t"))
    return rows


def extract(repo, commit, directory, dest):
    mirror = os.environ.get("TIDE_CORPUS_MIRROR", "/work/.mirror")
    git_dir = os.path.join(mirror, repo.replace("/", "+"), "repo")
    if not os.path.isdir(git_dir):
        sys.exit(f"{repo}: no snapshot at {git_dir} (fetch it, or set TIDE_CORPUS_MIRROR)")
    archive = subprocess.run(["git", "--git-dir", git_dir, "archive", commit, directory],
                             check=True, capture_output=True).stdout
    os.makedirs(dest, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", dest], input=archive, check=True)
    return os.path.join(dest, directory)


def convert(name, src_dir, glob, out_dir):
    """Writes tide files; returns {tide file: (up path, up lines, down path)}."""
    os.makedirs(out_dir)
    mapping = {}
    for fname in sorted(os.listdir(src_dir)):
        if not fnmatch.fnmatch(fname, glob):
            continue
        stem = fname[: -len(".up.sql")]
        m = re.match(r"^(\d+)_?(.*)$", stem)
        if not m:
            continue
        slug = re.sub(r"[^a-z0-9_-]+", "_", m.group(2).lower()) or "m"
        up = open(os.path.join(src_dir, fname), encoding="utf-8", errors="replace").read()
        down_name = stem + ".down.sql"
        down_path = os.path.join(src_dir, down_name)
        down = open(down_path, encoding="utf-8", errors="replace").read() if os.path.exists(down_path) else None
        # The original tools wrap files in BEGIN/COMMIT themselves or not at all; tide owns the
        # transaction, so those lines become blank (line numbers stay). A file with
        # CONCURRENTLY ran outside a transaction there, so it does here.
        def body(text):
            lines = text.split("\n")
            opened = any(TX_LINE.match(l) and "COMMIT" not in l.upper() for l in lines)
            lines = ["" if TX_LINE.match(l) or (opened and END_LINE.match(l)) else l for l in lines]
            text = "\n".join(lines)
            return text if text.endswith("\n") else text + "\n"
        up_body = body(up)
        opt = " transaction:false" if "concurrently" in up.lower() else ""
        text = f"-- migrate:up{opt}\n" + up_body
        if down is not None:
            dopt = " transaction:false" if "concurrently" in down.lower() else ""
            text += f"-- migrate:down{dopt}\n" + body(down)
        tide_name = f"{m.group(1)}_{slug}.sql"
        with open(os.path.join(out_dir, tide_name), "w") as f:
            f.write(text)
        mapping[tide_name] = (f"{name}/{fname}", up_body.count("\n"),
                              f"{name}/{down_name}" if down is not None else None)
    return mapping


def original(mapping, path, line):
    up, up_lines, down = mapping[os.path.basename(path)]
    if line <= 1:
        return up, 0  # the section marker (missing-down)
    if line - 1 <= up_lines:
        return up, line - 1
    return down, line - up_lines - 2


def subject(message):
    """What a finding is about, to tell apart findings of one rule on one line: the first
    five words of its message (e.g. "DROP COLUMN users.email in expand:")."""
    return " ".join(message.split()[:5])


def run_tide(tide, mig_dir):
    p = subprocess.run([tide, "lint", "--dir", mig_dir, "--format", "json", "--no-color"],
                       capture_output=True, text=True)
    if p.returncode not in (0, 3):
        sys.exit(f"tide lint failed ({p.returncode}): {p.stderr}")
    return json.loads(p.stdout)


def squawk_bin():
    if os.environ.get("SQUAWK") == "0":
        return None
    found = shutil.which("squawk")
    if found:
        return found
    cache = os.environ.get("SQUAWK_CACHE", os.path.expanduser("~/.cache/tide-squawk"))
    binary = os.path.join(cache, "node_modules", ".bin", "squawk")
    if not os.path.exists(binary) and shutil.which("npm"):
        os.makedirs(cache, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--prefix", cache, "squawk-cli"],
                       capture_output=True)
    return binary if os.path.exists(binary) else None


def run_squawk(squawk, files):
    """[(file, first line, last line, rule)] over the original up files (squawk counts from 0)."""
    out = []
    for shown, path in files:
        p = subprocess.run([squawk, "--reporter", "json", path], capture_output=True, text=True)
        try:
            violations = json.loads(p.stdout or "[]")
        except json.JSONDecodeError:
            continue
        for v in violations:
            first = int(v.get("line", 0)) + 1
            out.append((shown, first, int(v.get("line_end", first - 1)) + 1,
                        v.get("rule_name") or v.get("rule")))
    return out


def main():
    args = sys.argv[1:]
    tide = os.environ.get("TIDE_BIN", os.path.join(ROOT, "build", "release", "tide"))
    labels = {}
    for row in read_tsv(os.path.join(HERE, "labels.tsv")):
        labels[(row[0], int(row[1]), row[2], row[3])] = (row[4], row[5] if len(row) > 5 else "")
    keep = args[args.index("--keep") + 1] if "--keep" in args else None
    work = keep or tempfile.mkdtemp(prefix="tide-corpus-")
    findings = []  # (file, line, rule, message)
    up_files = []  # (shown, path on disk)
    migrations = 0
    try:
        for name, repo, commit, glob, licence, _attr in read_tsv(os.path.join(HERE, "manifest.tsv")):
            src = extract(repo, commit, os.path.dirname(glob), os.path.join(work, "src", name))
            mig = os.path.join(work, "tide", name, "migrations")
            mapping = convert(name, src, os.path.basename(glob), mig)
            migrations += len(mapping)
            for tide_name, (up, _, _) in mapping.items():
                up_files.append((up, os.path.join(src, os.path.basename(up))))
            report = run_tide(tide, mig)
            for p in report["problems"]:
                print(f"problem: {p['file']}:{p['line']}: {p['message']}", file=sys.stderr)
            for f in report["findings"]:
                file, line = original(mapping, f["file"], f["line"])
                findings.append((file, line, f["rule"], f["message"]))

        per_rule = collections.defaultdict(lambda: [0, 0, 0])  # tp, fp, unlabelled
        seen = set()
        unlabelled = []
        for file, line, rule, message in findings:
            key = (file, line, rule, subject(message))
            seen.add(key)
            verdict = labels.get(key, (None,))[0]
            idx = {"tp": 0, "fp": 1}.get(verdict, 2)
            per_rule[rule][idx] += 1
            if idx == 2:
                unlabelled.append(f"{file}\t{line}\t{rule}\t{key[3]}\t?\t{message}")
        lost = [k for k, (v, _) in labels.items() if v == "tp" and k not in seen]

        print(f"tide lint on {migrations} migrations: {len(findings)} findings")
        print(f"{'rule':32} {'tp':>5} {'fp':>5} {'unlab':>6} {'precision':>10}")
        tot = [0, 0, 0]
        for rule in sorted(per_rule):
            tp, fp, un = per_rule[rule]
            tot = [tot[0] + tp, tot[1] + fp, tot[2] + un]
            prec = f"{100.0 * tp / (tp + fp):.1f}%" if tp + fp else "-"
            print(f"{rule:32} {tp:5} {fp:5} {un:6} {prec:>10}")
        prec = f"{100.0 * tot[0] / (tot[0] + tot[1]):.1f}%" if tot[0] + tot[1] else "-"
        print(f"{'overall':32} {tot[0]:5} {tot[1]:5} {tot[2]:6} {prec:>10}")
        print(f"real problems lost (labelled tp, not reported): {len(lost)}")
        for k in sorted(lost):
            print(f"  lost: {k[0]}:{k[1]} {k[2]} ({k[3]})")
        if "--unlabelled" in args:
            for u in unlabelled:
                print(u)

        squawk = squawk_bin()
        if not squawk:
            print("squawk: not installed (npm install squawk-cli failed or SQUAWK=0): comparison skipped")
            return
        # A tide finding covers its statement: from its line to the first line ending in ';'
        # (squawk points at the clause, tide at the statement or the clause).
        disk = dict(up_files)
        covered = collections.defaultdict(set)
        for f, l, _, _ in findings:
            lines = open(disk[f], encoding="utf-8", errors="replace").read().split("\n")
            end = l
            while end < len(lines) and not lines[end - 1].rstrip().endswith(";"):
                end += 1
            covered[f].update(range(l, end + 1))
        only_squawk = collections.Counter()
        fired = collections.Counter()
        for file, first, last, rule in run_squawk(squawk, up_files):
            fired[rule] += 1
            if not any(l in covered[file] for l in range(first, last + 1)):
                only_squawk[rule] += 1
        print("squawk rules: findings, and how many on a statement where tide reports nothing")
        for rule, n in fired.most_common():
            print(f"  {rule:40} {n:5} {only_squawk[rule]:5}")
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
