"""The README's main-job command (``scripts/demo``): it runs end to end, tells the story, and cleans up.

``scripts/demo`` is a thin shell wrapper (venv set-up) around ``scripts/demo.py``; these tests run
the Python part with this interpreter, whose environment already has the pinned tools.
"""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "demo.py"
TOOLS = ("hatch", "pdm", "uv", "wheel-variants")


def _missing_tools() -> list[str]:
    return [tool for tool in TOOLS if not (Path(sys.executable).parent / tool).exists()]


def _load_demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("wheel_variants_demo", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _environment(tmp: Path) -> dict[str, str]:
    """Temporary files of the demo (and of the tools it runs) go under *tmp*."""
    tmp.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env.update(TMPDIR=str(tmp), PYTHONUNBUFFERED="1")
    return env


def _demo_dirs(tmp: Path) -> list[Path]:
    return sorted(tmp.glob("wheel-variants-demo-*"))


def _processes_mentioning(text: str) -> list[str]:
    """Command lines of live processes that mention *text* (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in command:
            found.append(command)
    return found


def _port_open(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, int(port))) == 0


@pytest.mark.slow
@pytest.mark.skipif(bool(_missing_tools()), reason=f"needs {', '.join(TOOLS)} next to this interpreter")
def test_demo_runs_end_to_end_and_cleans_up(tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(SCRIPT)],
        cwd=REPO,
        env=_environment(tmp),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    elapsed = time.monotonic() - started
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert elapsed < 180, f"the demo took {elapsed:.0f}s (README promises under 3 minutes)"

    # Numbered steps, in order, all of them.
    steps = [int(n) for n in re.findall(r"^\[(\d+)/(?:\d+)\]", result.stdout, re.MULTILINE)]
    total = int(re.search(r"^\[1/(\d+)\]", result.stdout, re.MULTILINE).group(1))  # type: ignore[union-attr]
    assert steps == list(range(1, total + 1))

    # The story: built with Hatch, forced detection said aloud, PDM's choice and why, lock, team, uv.
    for expected in (
        "HATCH_VARIANT=cu126 hatch build -t wheel",
        "dist/gpu_demo-1.0.0-py3-none-any-cu126.whl",
        "dist/gpu_demo-1.0.0-variants.json",
        "DETECTION IS FORCED FOR THIS DEMO",
        "--real-hardware",
        "$ pdm add gpu-demo",
        "PDM installed gpu-demo, variant: cu126",
        "chosen cu126",
        "cu128: needs nvidia :: cuda_version_lower_bound :: 12.8",
        "[metadata.wheel-variants]",
        "$ pdm variants uv --write",
        'preview-features = ["wheel-variants"]',
        "--preview-features wheel-variants",
        "uv installed gpu-demo, variant: cu126",
        "both picked the same variant: cu126",
    ):
        assert expected in result.stdout, f"{expected!r} missing from:\n{output}"
    # The team lock step either shows each target's variant or says plainly that it is skipped.
    team = result.stdout.split("A team lock over three targets", 1)[1].split("\n[", 1)[0]
    assert ("workstation  installs cu126" in team and "cluster      installs cu128" in team) or (
        "SKIPPED" in team and "NOT IMPLEMENTED YET" in team
    ), team

    # Nothing left behind: no directory, no server, no process.
    assert _demo_dirs(tmp) == []
    url = re.search(r"index server: (http://127\.0\.0\.1:\d+)", result.stdout).group(1)  # type: ignore[union-attr]
    assert not _port_open(url)
    assert "(index server stopped)" in result.stdout


@pytest.mark.slow
@pytest.mark.skipif(bool(_missing_tools()), reason=f"needs {', '.join(TOOLS)} next to this interpreter")
def test_ctrl_c_stops_everything_and_removes_the_files(tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT)],
        cwd=REPO,
        env=_environment(tmp),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    seen = []
    try:
        for line in process.stdout:  # wait until a child tool (hatch) is running
            seen.append(line)
            if "HATCH_VARIANT=cu128" in line:
                break
        else:
            pytest.fail("the demo ended before building:\n" + "".join(seen))
        (work,) = _demo_dirs(tmp)
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130, "".join(seen) + rest
    assert "demo interrupted" in rest
    assert _demo_dirs(tmp) == []
    assert _processes_mentioning(str(work)) == []


def test_failure_is_reported_and_cleaned_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = _load_demo()
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(demo.tempfile, "tempdir", None)  # re-read TMPDIR
    seen: list[Path] = []

    def failing_demo(args: object, work: Path, console: object) -> int:
        seen.append(work)
        runner = demo.Runner(dict(os.environ), console)
        runner.run([sys.executable, "-c", "import sys; print('boom'); sys.exit(3)"], cwd=work)
        return 0

    monkeypatch.setattr(demo, "demo", failing_demo)
    assert demo.main([]) == 1
    err = capsys.readouterr().err
    assert "demo FAILED" in err
    assert "exit code 3" in err
    assert "boom" in err
    assert seen and not seen[0].exists()


def test_pdm_consumption_is_one_switch() -> None:
    """Switching PDM from index variants to the PEP 825 index is the one ``PDM_READS`` line."""
    demo = _load_demo()
    assert demo.PDM_READS in ("index-variants", "pep825")
    text = SCRIPT.read_text(encoding="utf-8")
    assert len(re.findall(r"^PDM_READS = ", text, re.MULTILINE)) == 1


def test_the_shell_wrapper_uses_the_test_pins() -> None:
    wrapper = (REPO / "scripts" / "demo").read_text(encoding="utf-8")
    assert "-c requirements/test.txt" in wrapper
    assert "scripts/demo.py" in wrapper
    assert os.access(REPO / "scripts" / "demo", os.X_OK)
