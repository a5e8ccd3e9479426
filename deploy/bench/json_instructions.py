"""`python -m deploy.bench.json_instructions [REV]`: the instructions `JSONParser.parse` executes
for the normal enroll body and for the 64 KiB body of thousands of keys (the bodies of
`json_cost`), counted by callgrind, so the figure does not depend on how busy the machine is.

The parser is compiled on its own (`swiftc -O`, the `Sources/JSON` files with a small driver),
from the working tree or, given REV, from that git revision (e.g. `main`, to measure before a
change). Each body is parsed by a fresh process; a process that parses nothing is measured too and
subtracted (start-up). Needs valgrind (`apt-get install valgrind`).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from deploy.devstack.stack import REPO

from .json_cost import BODY_LIMIT, padded

DRIVER = """
import Glibc
// Reads the file named by the first argument and parses it once (no argument: parses nothing).
if CommandLine.arguments.count > 1, let file = fopen(CommandLine.arguments[1], "rb") {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while case let count = fread(&chunk, 1, chunk.count, file), count > 0 { bytes += chunk[..<count] }
    guard (try? JSONParser.parse(bytes)) != nil else { fatalError("not JSON") }
}
"""


def sources(revision: str | None, into: Path) -> list[Path]:
    if revision is None:
        return sorted((REPO / "Sources/JSON").glob("*.swift"))
    names = subprocess.run(["git", "-C", str(REPO), "ls-tree", "--name-only", f"{revision}:Sources/JSON"],
                           check=True, capture_output=True, text=True).stdout.split()
    files = []
    for name in names:
        target = into / name
        target.write_bytes(subprocess.run(["git", "-C", str(REPO), "show", f"{revision}:Sources/JSON/{name}"],
                                          check=True, capture_output=True).stdout)
        files.append(target)
    return files


def instructions(binary: Path, *arguments: str) -> int:
    finished = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", str(binary), *arguments],
                              capture_output=True, text=True, check=True)
    return int(re.search(r"I\s+refs:\s+([\d,]+)", finished.stderr)[1].replace(",", ""))


def main() -> int:
    if shutil.which("valgrind") is None:
        print("json_instructions: valgrind is missing (apt-get install valgrind)", file=sys.stderr)
        return 1
    revision = sys.argv[1] if len(sys.argv) > 1 else None
    enroll = {"action": "enroll", "fingerprint": "bench-0123456789abcdef", "device_name": "Bench Laptop",
              "device_type": "laptop", "os": "Debian 12"}
    big, keys = padded(enroll, BODY_LIMIT)
    with tempfile.TemporaryDirectory(prefix="nexus-json-instructions-") as work:
        directory = Path(work)
        (directory / "main.swift").write_text(DRIVER, encoding="utf-8")
        binary = directory / "parse"
        subprocess.run(["swiftc", "-O", "-o", str(binary), *map(str, sources(revision, directory)), str(directory / "main.swift")],
                       check=True)
        bodies = {"normal": enroll, "big": big}
        for name, body in bodies.items():
            (directory / f"{name}.json").write_text(json.dumps(body, separators=(",", ":")), encoding="utf-8")
        start_up = instructions(binary)
        counts = {name: instructions(binary, str(directory / f"{name}.json")) - start_up for name in bodies}
    print(f"JSONParser.parse from {revision or 'the working tree'}, instructions (callgrind):")
    for name, count in counts.items():
        print(f"  {name:<7} {len(json.dumps(bodies[name], separators=(',', ':'))):>6} bytes {count:>12,}")
    print(f"  big ({keys} keys) / normal: {counts['big'] / counts['normal']:.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
