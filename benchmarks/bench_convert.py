"""Wall time of `wheel-variants convert` on a release of 10 labels x 5 wheels from a local mirror.

Usage: python benchmarks/bench_convert.py [--runs 5] [--payload-mib 1]

The mirror runs on 127.0.0.1 (tests/indexserver.py): labels cpu (the fallback) and nine CUDA
labels (cu118 ... cu130), each index serving the same five file names (cp39 ... cp313,
manylinux_2_28_x86_64) with different contents: a module and PAYLOAD MiB of incompressible bytes.
Each run is a fresh `wheel-variants convert` process into an empty folder (cold: 50 downloads,
45 labelled copies, 5 plain wheels and 5 null variants, the index JSON and the pages), then the
same command again (the no-op rerun: pages only, nothing downloaded, nothing written).
Prints the median and the spread of each over the runs, in seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from backendmirror import mirror_project  # noqa: E402
from indexserver import IndexServer  # noqa: E402
from wheelmaker import make_wheel  # noqa: E402

NAME = "benchpkg"
CUDA = ("11.8", "12.1", "12.4", "12.6", "12.8", "12.9", "13.0", "13.1", "13.2")
LABELS = {"cpu": (), **{f"cu{v.replace('.', '')}": (f"nvidia :: cuda_version_lower_bound :: {v}",) for v in CUDA}}
TAGS = tuple(f"cp3{minor}-cp3{minor}-manylinux_2_28_x86_64" for minor in (9, 10, 11, 12, 13))


def wheel_variants() -> list[str]:
    executable = Path(sys.executable).parent / "wheel-variants"
    return [str(executable)] if executable.exists() else [sys.executable, "-m", "wheel_variants"]


def publish(server: IndexServer, build: Path, payload_mib: float) -> None:
    size = int(payload_mib * 1024 * 1024)
    for label in LABELS:
        for tag in TAGS:
            files = {"benchpkg/__init__.py": f'BACKEND = "{label}"\n'}
            wheel = make_wheel(build / label / tag, NAME, "1.0", tag=tag, files=files)
            if size:
                # Incompressible bytes, so the download and the labelling copy move the full size.
                import zipfile

                with zipfile.ZipFile(wheel, "a") as archive:
                    archive.writestr("benchpkg/payload.bin", os.urandom(size))
                _fix_record(wheel)
            server.add(f"whl/{label}", wheel)


def _fix_record(wheel: Path) -> None:
    """Rewrite RECORD after appending the payload (a wheel whose RECORD omits a file is invalid)."""
    import base64
    import hashlib
    import zipfile

    with zipfile.ZipFile(wheel) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    record_name = next(name for name in members if name.endswith(".dist-info/RECORD"))
    lines = []
    for name, data in members.items():
        if name != record_name:
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            lines.append(f"{name},sha256={digest},{len(data)}")
    lines.append(f"{record_name},,")
    members[record_name] = ("\n".join(lines) + "\n").encode()
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([*wheel_variants(), *args], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--payload-mib", type=float, default=1.0)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        server = IndexServer(base / "mirror")
        try:
            publish(server, base / "build", options.payload_mib)
            project = mirror_project(base / "project", server, NAME, LABELS)
            cold, noop = [], []
            for _ in range(options.runs):
                out = base / "out"
                shutil.rmtree(out, ignore_errors=True)
                command = ["convert", NAME, "-o", str(out), "--project", str(project)]
                cold.append(timed(command))
                noop.append(timed(command))
            files = sorted((out / NAME).iterdir())
        finally:
            server.stop()
    wheels = [f for f in files if f.suffix == ".whl"]
    print(
        f"{len(LABELS)} labels x {len(TAGS)} wheels, {options.payload_mib:g} MiB payload each: {len(wheels)} wheels out"
    )
    for title, values in (("cold convert", cold), ("no-op rerun", noop)):
        print(
            f"{title:>13}: median {statistics.median(values):.2f} s "
            f"(min {min(values):.2f}, max {max(values):.2f}, {len(values)} runs)"
        )


if __name__ == "__main__":
    main()
