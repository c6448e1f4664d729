#!/usr/bin/env python3
"""Structure checks run by scripts/test.sh (issue 14):
- arrows one way: a module never imports one above it in the pipeline
  order (LAYERS, lowest first, as drawn in the README);
- no glob imports between modules (`use super::*` outside tests);
- no function longer than 80 lines or with more than 6 parameters,
  outside tests.
Prints each violation; exits 1 if there is any."""
import pathlib
import re
import sys

SRC = pathlib.Path(__file__).resolve().parent.parent / "src"

# Lowest first: a module may import only modules on its own layer or below.
LAYERS = [
    {"timing", "escape", "fingerprint", "diag", "date", "toml_error", "names", "natural", "platform"},
    {"frontmatter", "schedule", "data"},
    {"privacy"},
    {"config", "targets"},
    {"content", "theme"},
    {"roster", "output"},
    {"render"},
    {"letters"},
    {"audit"},
    {"lists"},
    {"pipeline"},
    {"publish"},
    {"status", "schedule_files"},
    {"serve", "init", "publish_cli", "import", "scaffold", "cli", "workbench"},
]
LEVEL = {m: i for i, layer in enumerate(LAYERS) for m in layer}

MAX_LINES = 80
MAX_PARAMS = 6


def top_module(path: pathlib.Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".rs")


def blank_literals(text: str) -> str:
    """Comments, string and char literals blanked (newlines kept), so that
    braces and parentheses inside them are not counted."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c == "r" and re.match(r'r#*"', text[i:]) and not (i and (text[i - 1].isalnum() or text[i - 1] == "_")):
            hashes = re.match(r'r(#*)"', text[i:]).group(1)
            end = text.find('"' + hashes, i + len(hashes) + 2)
            end = n if end < 0 else end + 1 + len(hashes)
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(re.sub(r"[^\n]", " ", text[i : j + 1]))
            i = j + 1
        elif c == "'" and re.match(r"'(\\.|\\u\{[0-9a-fA-F]+\}|[^\\'])'", text[i:]):
            m = re.match(r"'(\\.|\\u\{[0-9a-fA-F]+\}|[^\\'])'", text[i:])
            out.append(" " * len(m.group(0)))
            i += len(m.group(0))
        else:
            out.append(c)
            i += 1
    return "".join(out)


def strip_tests(text: str) -> str:
    """Drops `#[cfg(test)] mod … { … }` blocks (brace matched)."""
    out, i = [], 0
    for m in re.finditer(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{", text):
        if m.start() < i:
            continue
        out.append(text[i : m.start()])
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        i = j
    out.append(text[i:])
    return "".join(out)


def functions(text: str):
    """(name, first line, line count, parameter count) of each fn with a body."""
    for m in re.finditer(r"\bfn\s+(\w+)\s*(<[^{;]*?>)?\s*\(", text):
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[j], 0)
            j += 1
        params = text[m.end() : j - 1]
        brace = text.find("{", j)
        semi = text.find(";", j)
        if brace < 0 or (0 <= semi < brace):
            continue
        depth, k = 1, brace + 1
        while k < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[k], 0)
            k += 1
        # Parameters: top-level commas (closures and generics nest).
        level, count, seen = 0, 0, False
        for ch in params:
            if ch in "(<[{":
                level += 1
            elif ch in ")>]}":
                level -= 1
            elif ch == "," and level == 0:
                count += 1
                seen = False
                continue
            if not ch.isspace():
                seen = True
        count += 1 if seen else 0
        if re.match(r"\s*&?\s*(mut\s+)?self\b", params):
            count -= 1
        first = text.count("\n", 0, m.start()) + 1
        lines = text.count("\n", brace, k) + 1
        yield m.group(1), first, lines, count


def test_files() -> set:
    """Files that are test modules: declared `#[cfg(test)] mod x;`."""
    out = set()
    for path in SRC.rglob("*.rs"):
        text = path.read_text(encoding="utf-8")
        base = path.parent if path.name in ("mod.rs", "lib.rs", "main.rs") else path.with_suffix("")
        for name in re.findall(r"#\[cfg\(test\)\]\s*(?:pub\S*\s+)?mod\s+(\w+)\s*;", text):
            out.update({base / f"{name}.rs", base / name / "mod.rs"})
    return out


def main() -> int:
    problems = []
    skip = test_files()
    for path in sorted(SRC.rglob("*.rs")):
        if path in skip:
            continue
        text = strip_tests(blank_literals(path.read_text(encoding="utf-8")))
        rel = path.relative_to(SRC.parent)
        me = top_module(path)
        for n, line in enumerate(text.splitlines(), 1):
            for used in re.findall(r"\bcrate::(\w+)", line):
                if me in LEVEL and used in LEVEL and LEVEL[used] > LEVEL[me]:
                    problems.append(f"{rel}:{n}: `{me}` imports `{used}`, which is above it in the pipeline")
            glob = re.match(r"\s*(pub\S*\s+)?use\s+([\w:]+)::\*;", line)
            if glob and not glob.group(2).endswith("prelude"):
                problems.append(f"{rel}:{n}: glob import `use {glob.group(2)}::*` outside tests")
        if me not in LEVEL and me not in {"lib", "main"}:
            problems.append(f"{rel}: module `{me}` has no place in LAYERS (scripts/check_structure.py)")
        for name, first, lines, params in functions(text):
            if lines > MAX_LINES:
                problems.append(f"{rel}:{first}: fn {name} is {lines} lines (max {MAX_LINES})")
            if params > MAX_PARAMS:
                problems.append(f"{rel}:{first}: fn {name} takes {params} parameters (max {MAX_PARAMS})")
    for p in problems:
        print(p)
    print(f"structure: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
