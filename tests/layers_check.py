#!/usr/bin/env python3
"""Fails when a source or header includes a tide layer or a library its layer does not declare.

Run by ctest as "build: layers". CMake writes each layer's declared dependencies (the
tide_layer() calls in src/*/CMakeLists.txt) to layers.json; this script reads every file
under src/ and include/tide/ and checks its #include lines against them:

- a source in src/<L>/ may include headers of <L>, of the layers <L> links (PUBLIC or
  PRIVATE), and of the layers those expose PUBLIC, transitively;
- a public header in include/tide/<L>/ may include only <L> and what <L> exposes PUBLIC,
  because every user of <L> compiles it;
- a private header in src/<L>/ ("lint/rule.hpp") is for <L> alone;
- include/tide/*.hpp (error.hpp and the generated version headers) is the base every layer has;
- the same three rules hold for the Debian libraries each layer links.

Usage: layers_check.py <layers.json> <source dir>
"""
import json
import re
import sys
from pathlib import Path

# The first path component of an #include <...> and the CMake target it belongs to.
LIBRARIES = {
    "pqxx": "PkgConfig::PQXX",
    "libpq-fe.h": "PkgConfig::PQ",
    "pg_query.h": "pg_query::pg_query",
    "yaml-cpp": "yaml-cpp",
    "nlohmann": "nlohmann_json::nlohmann_json",
    "openssl": "OpenSSL::Crypto",
    "curl": "CURL::libcurl",
    "spdlog": "spdlog::spdlog",
    "fmt": "fmt::fmt",
    "CLI": "CLI11::CLI11",
}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def closure(layers, start, include_private_of_start):
    """Layers visible from `start`: itself, its direct deps, and what those expose PUBLIC."""
    first = set(layers[start]["public_layers"])
    if include_private_of_start:
        first |= set(layers[start]["private_layers"])
    seen = {start}
    todo = list(first)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(layers[name]["public_layers"])
    return seen


def visible_libs(layers, start, seen, include_private_of_start):
    libs = set(layers[start]["public_libs"])
    if include_private_of_start:
        libs |= set(layers[start]["private_libs"])
    for name in seen - {start}:
        libs |= set(layers[name]["public_libs"])
    return libs


def main():
    layers = json.loads(Path(sys.argv[1]).read_text())
    root = Path(sys.argv[2])
    problems = []
    checked = 0
    for path in sorted(list((root / "src").rglob("*.[ch]pp")) + list((root / "include/tide").rglob("*.hpp"))):
        rel = path.relative_to(root)
        parts = rel.parts
        if parts[0] == "include":
            if len(parts) == 3:
                continue  # include/tide/error.hpp: the base
            layer, public = parts[2], True
        else:
            if len(parts) == 2:
                continue  # src/version.hpp.in and the like
            layer, public = parts[1], False
        if layer not in layers:
            problems.append(f"{rel}: folder '{layer}' is not a layer (add a tide_layer() for it)")
            continue
        seen = closure(layers, layer, not public)
        libs = visible_libs(layers, layer, seen, not public)
        checked += 1
        text = path.read_text(encoding="utf-8")
        for match in INCLUDE.finditer(text):
            kind, name = match.group(1), match.group(2)
            line = text.count("\n", 0, match.start()) + 1
            where = f"{rel}:{line}"
            if kind == '"':
                segs = name.split("/")
                if segs[0] == "tide":
                    if len(segs) == 2:
                        continue  # base header
                    target = segs[1]
                    if target not in seen:
                        how = "PUBLIC " if public else ""
                        problems.append(f"{where}: includes {name}, but layer '{layer}' does not "
                                        f"{how}depend on layer '{target}'")
                elif len(segs) > 1:
                    if segs[0] != layer:
                        problems.append(f"{where}: includes {name}, a private header of layer "
                                        f"'{segs[0]}'")
                    elif public:
                        problems.append(f"{where}: a public header includes the private {name}")
                continue
            lib = LIBRARIES.get(name.split("/")[0])
            if lib and lib not in libs:
                how = "PUBLIC " if public else ""
                problems.append(f"{where}: includes <{name}>, but layer '{layer}' does not "
                                f"{how}link {lib}")
    for problem in problems:
        print(problem)
    print(f"layers: {checked} files checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
