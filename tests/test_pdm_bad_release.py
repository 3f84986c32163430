"""A PEP 825 release with a bad file, through the real ``pdm`` CLI: one line each, nothing half-done.

* the variants JSON does not match the hash in the HTML page's URL fragment (sha256, sha512);
* the variants JSON never ends;
* a wheel's label is only dots (skipped with one warning; the other labels still lock and install);
* a wheel's ``variant.json`` names another label than its file name (refused at lock and install).
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexserver import IndexServer
from pdmtools import PdmRunner, error_line
from wheelmaker import make_variant_release

pytestmark = pytest.mark.slow

NAME, VERSION = "gpu-demo", "1.0.0"
JSON_FILE = "gpu_demo-1.0.0-variants.json"
CUDA = "NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION"
PYPROJECT = """\
[project]
name = "app"
version = "0"
requires-python = ">=3.10"
dependencies = ["gpu-demo"]

[tool.pdm]
distribution = false
"""


def _runner(tmp_path: Path, server: IndexServer) -> PdmRunner:
    runner = PdmRunner(tmp_path / "pdm", pypi_url=server.index_url("simple"))
    (runner.project / "pyproject.toml").write_text(PYPROJECT)
    runner.create_venv()
    return runner


def _publish(server: IndexServer, tmp_path: Path, labels: list[str], **kwargs: dict[str, str]) -> list[Path]:
    return server.add("simple", *make_variant_release(tmp_path / "dist", NAME, VERSION, labels, **kwargs))


def _backend(runner: PdmRunner) -> str | None:
    try:
        return runner.run_python("import gpu_demo; print(gpu_demo.BACKEND)")
    except subprocess.CalledProcessError:
        return None


@pytest.mark.parametrize("algorithm", ["sha256", "sha512"])
def test_a_variants_json_that_does_not_match_the_pages_hash_writes_no_lock(
    tmp_path: Path, index_server: IndexServer, algorithm: str
) -> None:
    placed = _publish(index_server, tmp_path, ["cu126", "cu128", "null"])
    (document,) = [path for path in placed if path.name == JSON_FILE]
    actual = hashlib.new(algorithm, document.read_bytes()).hexdigest()
    wrong = "0" * len(actual)
    index_server.fragments[JSON_FILE] = f"{algorithm}={wrong}"
    runner = _runner(tmp_path, index_server)

    line = error_line(runner.pdm("lock", env={CUDA: "12.8"}, check=False))
    url = f"{index_server.index_url('simple')}/gpu-demo/{JSON_FILE}"
    assert line.endswith(
        f"wheel-variants: {url}: {algorithm} mismatch: the index page gives {wrong!r}, the fetched file has "
        f"{actual!r}; refusing it"
    )
    assert not (runner.project / "pdm.lock").exists()

    del index_server.fragments[JSON_FILE]  # the page gives the right hash again
    runner.pdm("lock", env={CUDA: "12.8"})


def test_an_endless_variants_json_fails_at_the_limit_and_writes_no_lock(
    tmp_path: Path, index_server: IndexServer
) -> None:
    from wheel_variants.jsonload import MAX_JSON_BYTES

    placed = _publish(index_server, tmp_path, ["cu126", "cu128", "null"])
    (document,) = [path for path in placed if path.name == JSON_FILE]
    path = index_server.url_path(document)

    def endless() -> Iterator[bytes]:
        chunk = b" " * 65536
        for _ in range(16384):  # 1 GiB, as good as endless here
            yield chunk

    index_server.streams[path] = endless
    runner = _runner(tmp_path, index_server)
    line = error_line(runner.pdm("lock", env={CUDA: "12.8"}, check=False))
    assert line.endswith(
        f"wheel-variants: {index_server.url}{path}: more than {MAX_JSON_BYTES} bytes; refusing it "
        f"(limit {MAX_JSON_BYTES} bytes)"
    )
    assert index_server.sent[path] < 2 * MAX_JSON_BYTES
    assert not (runner.project / "pdm.lock").exists()


def test_a_dots_label_wheel_is_skipped_with_one_warning(tmp_path: Path, index_server: IndexServer) -> None:
    _publish(index_server, tmp_path, ["cu126", "...", "cu128", "null"])
    runner = _runner(tmp_path, index_server)

    result = runner.pdm("lock", env={CUDA: "12.8"})
    output = result.stdout + result.stderr
    dotted = f"{index_server.index_url('simple')}/gpu-demo/gpu_demo-1.0.0-py3-none-any-....whl"
    warnings = [line for line in output.splitlines() if "wheel-variants:" in line]
    assert warnings == [
        f"WARNING: wheel-variants: skipped {dotted}: its variant label '...' is made only of dots, which cannot "
        "name a file here; the release's other files are still used"
    ]
    lock = (runner.project / "pdm.lock").read_text()
    assert "-....whl" not in lock
    for label in ("cu126", "cu128", "null"):
        assert f"gpu_demo-1.0.0-py3-none-any-{label}.whl" in lock

    runner.pdm("install", env={CUDA: "12.8"})
    assert _backend(runner) == "cu128"
    runner.pdm("sync", env={CUDA: "12.6"})
    assert _backend(runner) == "cu126"


def test_a_mislabelled_wheel_is_refused_and_nothing_is_installed(tmp_path: Path, index_server: IndexServer) -> None:
    # gpu_demo-1.0.0-py3-none-any-cu126.whl holds the cu128 build and its variant.json
    _publish(index_server, tmp_path, ["cu126", "cu128", "null"], contents_of={"cu126": "cu128"})
    runner = _runner(tmp_path, index_server)
    filename = "gpu_demo-1.0.0-py3-none-any-cu126.whl"
    expected = (
        f"wheel-variants: {filename} from {index_server.index_url('simple')}/gpu-demo/{filename} is labelled "
        "'cu126' in its file name but 'cu128' in its gpu_demo-1.0.0.dist-info/variant.json; refusing this "
        "mislabelled wheel (the index should fix or remove it)"
    )

    # A CUDA 12.6 machine locking reads the cu126 file's metadata: refused, no lock.
    line = error_line(runner.pdm("lock", env={CUDA: "12.6"}, check=False))
    assert line.endswith(expected)
    assert not (runner.project / "pdm.lock").exists()

    # Locked on a CUDA 12.8 machine (the cu126 file is locked too, unread), installed there.
    runner.pdm("install", env={CUDA: "12.8"})
    assert _backend(runner) == "cu128"
    lock = (runner.project / "pdm.lock").read_bytes()

    # A CUDA 12.6 machine syncing: refused before anything changes, and the same again next time.
    first = error_line(runner.pdm("sync", env={CUDA: "12.6"}, check=False))
    assert first.endswith(expected)
    assert _backend(runner) == "cu128"
    second = error_line(runner.pdm("sync", env={CUDA: "12.6"}, check=False))
    assert second == first
    assert _backend(runner) == "cu128"
    assert (runner.project / "pdm.lock").read_bytes() == lock
