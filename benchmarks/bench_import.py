"""Import cost of wheel_variants: cumulative microseconds of our own modules from -X importtime.

Run: python benchmarks/bench_import.py [--repeat N]
Prints the median over N fresh interpreters of (a) our own modules' self time and (b) the total
for `import wheel_variants` and for the modules the core's parsers need at first use.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

STATEMENTS = {
    "import wheel_variants": "import wheel_variants",
    "core model in use": (
        "import wheel_variants.metadata, wheel_variants.merge, wheel_variants.ordering, wheel_variants.filename"
    ),
}


def own_and_total(statement: str) -> tuple[float, float]:
    """(self time of wheel_variants.* modules, cumulative time of the top-level import), in ms."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement], capture_output=True, text=True, check=True
    )
    own = 0
    total = 0
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        fields = [part.strip() for part in line[len("import time:") :].split("|")]
        if not fields[0].isdigit():
            continue
        self_us, cumulative_us, module = int(fields[0]), int(fields[1]), fields[2]
        if module.strip().startswith("wheel_variants"):
            own += self_us
        if not module.startswith(" "):
            total += cumulative_us
    return own / 1000, total / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    for label, statement in STATEMENTS.items():
        runs = [own_and_total(statement) for _ in range(args.repeat)]
        own = statistics.median(r[0] for r in runs)
        total = statistics.median(r[1] for r in runs)
        print(f"{label}: own modules {own:.2f} ms (median), everything imported {total:.2f} ms")


if __name__ == "__main__":
    main()
