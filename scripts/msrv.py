#!/usr/bin/env python3
"""The least Rust version that builds gongshi with its locked dependencies:
the highest `rust-version` any package in Cargo.lock declares (read from
the crates' own Cargo.toml in cargo's registry cache, so run
`cargo fetch` first). Packages for other platforms count too: staff build
on Windows. Prints the version and the packages that set it.

  python3 scripts/msrv.py
"""
import pathlib
import re
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
REGISTRY = pathlib.Path.home() / ".cargo" / "registry" / "src"


def version_key(v):
    return tuple(int(x) for x in re.findall(r"\d+", v)[:3]) + (0,) * (3 - len(re.findall(r"\d+", v)[:3]))


def main():
    lock = tomllib.loads((ROOT / "Cargo.lock").read_text())
    found, missing = [], []
    for pkg in lock["package"]:
        if pkg.get("source", "").startswith("registry+"):
            dirs = list(REGISTRY.glob(f"*/{pkg['name']}-{pkg['version']}"))
            if not dirs:
                missing.append(f"{pkg['name']} {pkg['version']}")
                continue
            manifest = tomllib.loads((dirs[0] / "Cargo.toml").read_text())
            rv = manifest.get("package", {}).get("rust-version")
            if isinstance(rv, str):
                found.append((version_key(rv), rv, pkg["name"], pkg["version"]))
    if missing:
        sys.exit("not in the registry cache (run cargo fetch): " + ", ".join(missing))
    found.sort(reverse=True)
    top = found[0][0]
    print(f"rust-version = \"{found[0][1]}\"")
    for key, rv, name, version in found:
        if key == top:
            print(f"  set by {name} {version} (rust-version {rv})")
    print(f"{len(found)} locked packages declare a rust-version")


if __name__ == "__main__":
    main()
