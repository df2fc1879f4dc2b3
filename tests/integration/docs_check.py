#!/usr/bin/env python3
"""Runs the examples of README.md and docs/*.md and compares what tide prints with what the
docs show, so the docs cannot drift from the binary. Used by docs_test.sh.

Marking an example (an HTML comment just before a fenced block; invisible on GitHub):

    <!-- doctest: SESSION -->            a ```sh block of `$ command` lines, each followed by
                                         the output it prints (stdout and stderr together)
    <!-- doctest: SESSION file=PATH -->  any block: its text is written to PATH, relative to
                                         the session's directory; PATH may be a glob that
                                         matches one existing file (e.g. migrations/*_x.sql)
    <!-- doctest: SESSION                a hidden transcript ($ lines and output), for a check
    $ tide validate --offline            that the page need not show
    ok: 1 migration valid (offline)
    -->
    <!-- doctest: SESSION sql            hidden SQL run in the session's database
    CREATE TABLE messages (…);
    -->
    <!-- doctest: SESSION file=PATH       a hidden file
    …
    -->

A session (per page and name) is a fresh directory and a fresh database; DATABASE_URL points
at it, and a URL to localhost:5432/NAME in an `export DATABASE_URL=…` line is rewritten to the
test server. Commands run with bash, `tide` being the binary under test. A command's exit code
must be 0, or N when its trailing comment says "exit N". A command followed by no output lines
is not compared; a line "..." in the expected output matches any number of lines.

Both sides are normalised before comparing: ANSI colour, trailing blanks, runs of spaces (the
width of table columns), durations (4ms, 2.3s), rates (rows/s), estimates (~N (P%)),
ISO-8601 times, 14-digit timestamp versions, and the server's host:port.
"""
import difflib
import glob
import os
import re
import subprocess
import sys
import tempfile

MARK = re.compile(r"^<!-- doctest: (\S+)(.*?)(-->)?\s*$")
FENCE = re.compile(r"^```")


def normalise(text, server):
    out = []
    for line in text.splitlines():
        line = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", line)
        if server:
            line = line.replace(server, "<server>")
        line = re.sub(r"(localhost|127\.0\.0\.1):\d+", "<server>", line)
        line = re.sub(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "<time>", line)
        line = re.sub(r"(?<!\d)20\d{12}(?!\d)", "<version>", line)
        line = re.sub(r"~\d+ \(\d+%\)", "~<estimate>", line)
        line = re.sub(r"\b\d+ rows/s", "<rate> rows/s", line)
        line = re.sub(r"\b\d+(\.\d+)?(ms|s)\b", "<duration>", line)
        line = re.sub(r"  +", "  ", line).rstrip()
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def matches(expected, actual):
    """Line by line; a "..." line in expected matches any number of actual lines."""
    if not expected:
        return not actual
    if expected[0] in ("...", "…"):
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


def parse(path):
    """Yields (line, session, kind, option, body) for every marked example of a page."""
    lines = open(path, encoding="utf-8").read().splitlines()
    i = 0
    while i < len(lines):
        m = MARK.match(lines[i])
        if not m:
            i += 1
            continue
        session, option, closed = m.group(1), m.group(2).strip(), m.group(3)
        start = i + 1
        if not closed:  # a hidden block: up to the closing -->
            j = i + 1
            while lines[j].strip() != "-->":
                j += 1
            body = lines[i + 1 : j]
            kind = "file" if option.startswith("file=") else "sql" if option == "sql" else "sh"
            yield start, session, kind, option, body
            i = j + 1
            continue
        j = i + 1
        while not FENCE.match(lines[j]):
            j += 1
        k = j + 1
        while not FENCE.match(lines[k]):
            k += 1
        body = lines[j + 1 : k]
        kind = "file" if option.startswith("file=") else "sh"
        yield j + 1, session, kind, option, body
        i = k + 1


def transcript(body):
    """[(command, expected lines)] from `$ command` lines and the output lines after them."""
    steps = []
    for line in body:
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line)
    return steps


class Session:
    def __init__(self, page, name, root, env):
        self.dir = tempfile.mkdtemp(prefix=f"{name}.", dir=root)
        self.db = re.sub(r"[^a-z0-9_]", "_", f"doc_{os.path.basename(page)}_{name}_{os.getpid()}".lower())
        self.env = dict(env)
        self.env["DATABASE_URL"] = self.url(self.db)
        self.shown_as = self.db  # the database's name in the docs
        self.run_sql("SELECT 1", create=True)

    def url(self, db):
        e = self.env
        return f"postgres://{e.get('PGUSER', 'postgres')}@{e['PGHOST']}:{e['PGPORT']}/{db}"

    def run_sql(self, sql, create=False, db=None):
        db = db or self.db
        if create:
            subprocess.run(["createdb", db], env=self.env, check=True)
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql],
                       env=self.env, check=True, stdout=subprocess.DEVNULL)

    def export(self, command):
        """A URL to localhost:5432/NAME means the session's database, shown as NAME."""
        name, value = command[len("export "):].split("=", 1)

        def local(m):
            self.shown_as = m.group(1)
            return self.url(self.db)

        self.env[name] = re.sub(r"postgres(?:ql)?://[^\s@/]*@?localhost:5432/(\w+)", local, value)

    def run(self, command):
        r = subprocess.run(["bash", "-c", command], cwd=self.dir, env=self.env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        return r.returncode, r.stdout.replace(self.db, self.shown_as)

    def server(self):
        return f"{self.env['PGHOST']}:{self.env['PGPORT']}"


def check_page(page, root, env, failures):
    sessions = {}
    examples = 0
    for line, name, kind, option, body in parse(page):
        where = f"{os.path.relpath(page)}:{line}"
        if name not in sessions:
            sessions[name] = Session(page, name, root, env)
        s = sessions[name]
        examples += 1
        if kind == "sql":
            s.run_sql("\n".join(body))
        elif kind == "file":
            target = option[len("file="):]
            found = glob.glob(os.path.join(s.dir, target))
            path = found[0] if len(found) == 1 else os.path.join(s.dir, target)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(body) + "\n")
        else:
            for command, expected in transcript(body):
                if command.startswith("export "):
                    s.export(command)
                    continue
                want_code = int((re.search(r"#.*\bexit (\d+)", command) or [0, 0])[1])
                code, output = s.run(command)
                want = normalise("\n".join(expected), s.server())
                got = normalise(output, s.server())
                problems = []
                if code != want_code:
                    problems.append(f"exit {code}, the docs say exit {want_code}")
                if want and not matches(want, got):
                    diff = difflib.unified_diff(want, got, "docs", "tide", lineterm="", n=2)
                    problems.append("output differs (normalised):\n" + "\n".join(diff))
                if problems:
                    failures.append(f"{where}: $ {command}\n  " + "\n  ".join(problems) +
                                    ("\n--- tide printed:\n" + output if code != want_code else ""))
    return examples


def main():
    root = tempfile.mkdtemp(prefix="tide-docs.")
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(os.path.abspath(env["TIDE_BIN"])) + os.pathsep + env["PATH"]
    for var in ("DATABASE_URL", "TIDE_ENV", "PGDATABASE", "NO_COLOR"):
        env.pop(var, None)
    failures = []
    for page in sys.argv[1:]:
        n = check_page(page, root, env, failures)
        print(f"{os.path.relpath(page)}: {n} example{'s' if n != 1 else ''}")
    for f in failures:
        print(f"\nFAIL {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
