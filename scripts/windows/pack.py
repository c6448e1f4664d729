#!/usr/bin/env python3
"""Packs the Windows release zip (called by scripts/windows/build.sh):
gongshi.exe, 使用说明.txt (UTF-8 with BOM and CRLF line endings, so that
Notepad shows it right on any Windows) and the example site, in a sorted
order with one fixed time stamp, so the same inputs give the same zip.
Names are stored as UTF-8 with the zip's UTF-8 flag, which Windows'
“全部解压缩”, WPS, 360压缩 and 7-Zip read.

usage: pack.py EXE README EXAMPLE_DIR OUT.zip"""
import os
import pathlib
import subprocess
import sys
import time
import zipfile


def stamp() -> tuple:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        try:
            epoch = subprocess.check_output(["git", "log", "-1", "--format=%ct"], text=True).strip()
        except (OSError, subprocess.CalledProcessError):
            epoch = "315532800"
    t = time.gmtime(max(int(epoch), 315532800))
    return t[:6]


def crlf_bom(text: str) -> bytes:
    lines = text.replace("\r\n", "\n").split("\n")
    return "\ufeff".encode() + "\r\n".join(lines).encode("utf-8")


def main() -> int:
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    exe, readme, example, out = (pathlib.Path(a) for a in sys.argv[1:])
    when = stamp()
    entries = [("gongshi.exe", exe.read_bytes(), 0o755), ("使用说明.txt", crlf_bom(readme.read_text("utf-8")), 0o644)]
    for path in sorted(p for p in example.rglob("*") if p.is_file()):
        rel = path.relative_to(example).as_posix()
        entries.append((f"{example.name}/{rel}", path.read_bytes(), 0o644))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name, when)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    tmp.replace(out)
    print(f"{out}: {len(entries)} files, {out.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
