"""The PDM finder adapter in-process: a real ``PDMPackageFinder`` and PDM HTTP session (HTTP cache
included) against a local index, and the variants JSON fetch (:mod:`pdm_variants.find.variantsjson`).

* the variants JSON is checked against the hash of an HTML page's URL fragment, any algorithm;
* its body is read with a byte limit while streaming (an endless body fails at the limit);
* a wheel whose label is only dots is left out with one warning, the rest of the release kept;
* a downloaded wheel whose ``variant.json`` names another label is deleted and refused.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from indexserver import IndexServer
from wheelmaker import make_variant_release

pytestmark = pytest.mark.filterwarnings("ignore:open_binary is deprecated:DeprecationWarning")

NAME, VERSION = "gpu-demo", "1.0.0"
JSON_FILE = "gpu_demo-1.0.0-variants.json"
CUDA_12_6 = {"nvidia": {"cuda_version_lower_bound": ["12.6"]}}


# -- fragment hashes (pure) -------------------------------------------------------------------


def test_fragment_hashes_take_any_hashlib_algorithm() -> None:
    from pdm_variants.find.variantsjson import fragment_hashes

    assert fragment_hashes("https://i/x.json#sha256=ab") == [("sha256", "ab")]
    assert fragment_hashes("https://i/x.json#SHA512=cd&subdirectory=sub&egg=x") == [("sha512", "cd")]
    assert fragment_hashes("https://i/x.json#md5=ef&sha3_256=01") == [("md5", "ef"), ("sha3_256", "01")]
    assert fragment_hashes("https://i/x.json#blake3=ab&shake_128=cd") == []  # hashlib cannot check these
    assert fragment_hashes("https://i/x.json") == []


def test_page_hashes_join_the_json_api_and_the_fragment() -> None:
    from unearth import Link

    from pdm_variants.find.variantsjson import page_hashes

    assert page_hashes(Link("https://i/x.json#sha256=ab")) == [("sha256", "ab")]
    json_api = Link("https://i/x.json#sha256=ab", hashes={"sha256": "ab", "sha512": "cd"})
    assert page_hashes(json_api) == [("sha256", "ab"), ("sha512", "cd")]


def test_a_hash_mismatch_is_one_line_naming_url_algorithm_and_both_digests() -> None:
    from pdm_variants.find.variantsjson import check_hashes
    from wheel_variants.errors import VariantsError

    data = b"{}"
    actual = hashlib.sha512(data).hexdigest()
    check_hashes(data, [("sha512", actual.upper()), ("blake3", "00")], "http://i/x.json")  # no error
    with pytest.raises(VariantsError) as caught:
        check_hashes(data, [("sha512", "00" * 64)], "http://i/x.json")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("http://i/x.json: sha512 mismatch: ")
    assert repr("00" * 64) in message and repr(actual) in message


# -- VariantWheels.release --------------------------------------------------------------------


def _wheels() -> Any:
    from pdm_variants.find.finder import VariantWheels
    from wheel_variants.supported import SupportedProperties

    return VariantWheels(lambda: SupportedProperties.from_dict(CUDA_12_6))


@pytest.mark.parametrize("algorithm", ["sha256", "sha512", "md5"])
def test_release_checks_the_hash_in_an_html_pages_url_fragment(tmp_path: Path, algorithm: str) -> None:
    from unearth import Link

    from wheel_variants.errors import VariantsError

    (document,) = [p for p in make_variant_release(tmp_path, NAME, VERSION, ["cu126"]) if p.suffix == ".json"]
    right = hashlib.new(algorithm, document.read_bytes()).hexdigest()
    url = document.as_uri()
    release = _wheels().release(None, NAME, VERSION, Link(f"{url}#{algorithm}={right}"))
    assert release.metadata.labels == ("cu126",)

    wrong = "0" * len(right)
    with pytest.raises(VariantsError) as caught:
        _wheels().release(None, NAME, VERSION, Link(f"{url}#{algorithm}={wrong}"))
    assert str(caught.value) == (
        f"{url}: {algorithm} mismatch: the index page gives {wrong!r}, the fetched file has {right!r}; refusing it"
    )


def test_a_local_variants_json_must_be_a_regular_file_read_with_the_limit(tmp_path: Path) -> None:
    import os

    from unearth import Link

    from wheel_variants.errors import InputLimitError

    fifo = tmp_path / JSON_FILE
    os.mkfifo(fifo)  # reading it blocks until a writer comes and goes

    def unblock() -> None:  # a reader that waits on the FIFO gets EOF (a test failure, not a hang)
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass  # nobody is reading: the FIFO was refused without it

    timer = threading.Timer(5, unblock)
    timer.start()
    try:
        with pytest.raises(InputLimitError, match="not a regular file"):
            _wheels().release(None, NAME, VERSION, Link(fifo.as_uri()))
    finally:
        timer.cancel()


# -- a real PDM session and finder -------------------------------------------------------------


def _finder(session: Any, server: IndexServer, wheels: Any) -> Any:
    from pdm.models.finder import PDMPackageFinder
    from pdm.models.markers import EnvSpec

    from pdm_variants.find.finder import adapt_finder

    finder = PDMPackageFinder(session, env_spec=EnvSpec.current(), index_urls=[server.index_url("simple")])
    return adapt_finder(finder, wheels)


def _endless() -> Iterator[bytes]:
    chunk = b" " * 65536
    for _ in range(4096):  # 256 MiB: "endless" for a reader that stops at 16 MiB
        yield chunk


def test_an_endless_variants_json_fails_at_the_limit_without_reading_on(
    pdm_session: Any, index_server: IndexServer, tmp_path: Path
) -> None:
    from unearth import Link

    from wheel_variants.errors import InputLimitError
    from wheel_variants.jsonload import MAX_JSON_BYTES

    (document,) = index_server.add("simple", *make_variant_release(tmp_path / "dist", NAME, VERSION, ["cu126"])[-1:])
    path = index_server.url_path(document)
    index_server.streams[path] = _endless
    url = f"{index_server.url}{path}"

    started = time.monotonic()
    with pytest.raises(InputLimitError) as caught:
        _wheels().release(pdm_session, NAME, VERSION, Link(url))
    assert str(caught.value) == f"{url}: more than {MAX_JSON_BYTES} bytes; refusing it (limit {MAX_JSON_BYTES} bytes)"
    assert time.monotonic() - started < 30
    time.sleep(0.2)  # the server notices the closed connection
    assert index_server.sent[path] < 2 * MAX_JSON_BYTES  # the reader stopped; socket buffers aside


def test_a_variants_json_that_never_finishes_arriving_fails_at_the_deadline(
    pdm_session: Any, index_server: IndexServer, tmp_path: Path
) -> None:
    from unearth import Link

    from pdm_variants.find.variantsjson import fetch_variants_json
    from wheel_variants.errors import InputLimitError

    (document,) = index_server.add("simple", *make_variant_release(tmp_path / "dist", NAME, VERSION, ["cu126"])[-1:])
    path = index_server.url_path(document)
    index_server.streams[path] = _endless
    ticks = iter(range(1000))  # a clock that moves one second per chunk
    url = f"{index_server.url}{path}"
    with pytest.raises(InputLimitError, match=r"still arriving after 5 seconds; refusing it$"):
        fetch_variants_json(pdm_session, Link(url), deadline_s=5, clock=lambda: float(next(ticks)))


def test_an_unreachable_variants_json_is_one_line(pdm_session: Any, index_server: IndexServer) -> None:
    from unearth import Link

    from pdm_variants.find.variantsjson import fetch_variants_json
    from wheel_variants.errors import VariantsError

    url = f"{index_server.index_url('simple')}/gpu-demo/{JSON_FILE}"
    with pytest.raises(VariantsError) as caught:
        fetch_variants_json(pdm_session, Link(url))
    message = str(caught.value)
    assert message.startswith(f"{url}: cannot fetch variants JSON (")
    assert "404 Not Found" in message and "\n" not in message


def test_a_dots_label_wheel_is_skipped_with_one_warning_and_the_release_kept(
    pdm_session: Any, index_server: IndexServer, tmp_path: Path
) -> None:
    from wheel_variants.filename import WheelFilename

    dotted = "gpu_demo-1.0.0-py3-none-any-....whl"
    # What the filename layer says today: a valid PEP 825 name whose label is '...'
    assert WheelFilename.parse(dotted).label == "..."
    index_server.add("simple", *make_variant_release(tmp_path / "dist", NAME, VERSION, ["cu126", "...", "null"]))
    wheels = _wheels()
    finder = _finder(pdm_session, index_server, wheels)

    found = [package.link.filename for package in finder.find_matches(NAME)]
    assert found == ["gpu_demo-1.0.0-py3-none-any-cu126.whl", "gpu_demo-1.0.0-py3-none-any-null.whl"]
    assert list(finder.find_all_packages(NAME))  # asked again: still one warning
    url = f"{index_server.index_url('simple')}/gpu-demo/{dotted}"
    assert wheels.take_warnings() == [
        f"wheel-variants: skipped {url}: its variant label '...' is made only of dots, which cannot name a "
        "file here; the release's other files are still used"
    ]
    assert wheels.take_warnings() == []


def test_a_mislabelled_wheel_is_deleted_and_refused(
    pdm_session: Any, index_server: IndexServer, tmp_path: Path
) -> None:
    from pdm.exceptions import PdmUsageError

    release = make_variant_release(tmp_path / "dist", NAME, VERSION, ["cu126", "cu128"], contents_of={"cu126": "cu128"})
    index_server.add("simple", *release)
    finder = _finder(pdm_session, index_server, _wheels())
    (package,) = [p for p in finder.find_matches(NAME) if p.link.filename.endswith("-cu126.whl")]

    build, download = tmp_path / "build", tmp_path / "download"
    build.mkdir()
    download.mkdir()
    with pytest.raises(PdmUsageError) as caught:
        finder.download_and_unpack(package.link, build, download)
    filename = package.link.filename
    assert str(caught.value) == (
        f"wheel-variants: {filename} from {package.link.url_without_fragment} is labelled 'cu126' in its file "
        "name but 'cu128' in its gpu_demo-1.0.0.dist-info/variant.json; refusing this mislabelled wheel "
        "(the index should fix or remove it)"
    )
    assert not any(path.is_file() for path in [*build.rglob("*"), *download.rglob("*")])  # nothing left behind

    # a wheel that says what its name says is renamed to its base filename, as before
    (good,) = [p for p in finder.find_matches(NAME) if p.link.filename.endswith("-cu128.whl")]
    assert finder.download_and_unpack(good.link, build, download).name == "gpu_demo-1.0.0-py3-none-any.whl"
