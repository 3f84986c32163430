"""``wheel-variants convert`` against a per-backend mirror on 127.0.0.1 (issue 18): outputs,
idempotence, incremental reruns, refused downloads and the one-line errors."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from backendmirror import CUDA_LABELS, mirror_project, publish_backends
from indexserver import IndexServer
from wheel_variants.cli import main
from wheel_variants.metadata import parse_metadata
from wheel_variants.wheelfile import read_variant_json
from wheelmaker import make_wheel

NAME = "fakellama"
CU126 = {"nvidia": {"cuda_version_lower_bound": ["12.6"]}}


@pytest.fixture
def mirror(tmp_path: Path, index_server: IndexServer) -> Path:
    """The mirror's project folder (for --project); the output goes to tmp_path / 'out'."""
    publish_backends(index_server, tmp_path / "build", NAME, list(CUDA_LABELS))
    return mirror_project(tmp_path / "project", index_server, NAME, CUDA_LABELS)


def convert(project: Path, *args: str) -> int:
    return main(["convert", NAME, "-o", str(project.parent / "out"), "--project", str(project), *args])


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


def backend(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(f"{NAME}/__init__.py").decode().split('"')[1]


def test_convert_writes_a_pep825_folder(mirror: Path) -> None:
    assert convert(mirror) == 0
    folder = mirror.parent / "out" / NAME
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "fakellama-1.0-py3-none-any-cu126.whl",
        "fakellama-1.0-py3-none-any-cu128.whl",
        "fakellama-1.0-py3-none-any-null.whl",
        "fakellama-1.0-py3-none-any.whl",
        "fakellama-1.0-variants.json",
        "index.html",
    ]
    # Each file has its own backend's contents; the fallback (cpu) is the plain and the null wheel.
    assert backend(folder / names[0]) == "cu126"
    assert backend(folder / names[1]) == "cu128"
    assert backend(folder / names[2]) == backend(folder / names[3]) == "cpu"
    assert read_variant_json(folder / names[3]) is None
    cu126 = read_variant_json(folder / names[0])
    assert cu126 is not None and cu126.to_dict()["variants"] == {"cu126": CU126}
    document = json.loads((folder / names[4]).read_text())
    assert document["variants"] == {
        "cu126": CU126,
        "cu128": {"nvidia": {"cuda_version_lower_bound": ["12.8"]}},
        "null": {},
    }
    assert document["providers"] == {
        "nvidia": {
            "plugin-api": "nvidia_variant_provider.plugin:NvidiaVariantPlugin",
            "requires": ["nvidia-variant-provider"],
        }
    }
    parse_metadata((folder / names[4]).read_text(), names[4])  # our reader takes what we wrote
    page = (folder / "index.html").read_text()
    import hashlib

    for name in names[:5]:
        assert f'href="{name}#sha256={hashlib.sha256((folder / name).read_bytes()).hexdigest()}"' in page
    assert 'href="fakellama/"' in (folder.parent / "index.html").read_text()


def test_a_second_run_downloads_nothing_and_changes_no_byte(
    mirror: Path, index_server: IndexServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert convert(mirror) == 0
    out = mirror.parent / "out"
    before = snapshot(out)
    requests = len(index_server.requests)
    capsys.readouterr()
    assert convert(mirror) == 0
    assert snapshot(out) == before
    fetched = index_server.requests[requests:]
    assert fetched and all(path.endswith("/") for path in fetched), fetched  # pages only, no wheel
    output = capsys.readouterr().out
    assert output.count(": up to date") == 3 and "0 downloaded, 0 file(s) written" in output


def test_a_changed_backend_file_is_fetched_again_alone(
    mirror: Path, index_server: IndexServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert convert(mirror) == 0
    folder = mirror.parent / "out" / NAME
    untouched = (folder / "fakellama-1.0-py3-none-any-cu126.whl").read_bytes()
    rebuilt = make_wheel(tmp_path / "rebuilt", NAME, "1.0", files={f"{NAME}/__init__.py": 'BACKEND = "cu128b"\n'})
    index_server.add("whl/cu128", rebuilt)
    capsys.readouterr()
    assert convert(mirror) == 0
    output = capsys.readouterr().out
    assert "cu128: fakellama-1.0-py3-none-any.whl: downloaded" in output
    assert output.count("downloaded\n") == 1
    assert backend(folder / "fakellama-1.0-py3-none-any-cu128.whl") == "cu128b"
    assert (folder / "fakellama-1.0-py3-none-any-cu126.whl").read_bytes() == untouched


def test_a_deleted_output_is_made_again(mirror: Path) -> None:
    assert convert(mirror) == 0
    folder = mirror.parent / "out" / NAME
    expected = (folder / "fakellama-1.0-py3-none-any-null.whl").read_bytes()
    (folder / "fakellama-1.0-py3-none-any-null.whl").unlink()
    assert convert(mirror) == 0
    assert (folder / "fakellama-1.0-py3-none-any-null.whl").read_bytes() == expected  # deterministic


def error_of(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_a_wheel_whose_hash_differs_from_the_page_is_refused(
    mirror: Path, index_server: IndexServer, capsys: pytest.CaptureFixture[str]
) -> None:
    index_server.fragments["fakellama-1.0-py3-none-any.whl"] = "sha256=" + "0" * 64
    assert convert(mirror, "--label", "cu126") == 1
    line = error_of(capsys)
    assert "/whl/cu126/fakellama/fakellama-1.0-py3-none-any.whl: sha256 " in line
    assert "does not match the page's 000" in line
    assert not any((mirror.parent / "out" / NAME).glob("*.whl"))


@pytest.mark.parametrize(
    ("metadata_name", "version", "tag", "message"),
    [
        ("otherpkg", "1.0", "py3-none-any", "METADATA names 'otherpkg', the file name 'fakellama'"),
        (NAME, "2.0", "py3-none-any", "METADATA has version '2.0', the file name '1.0'"),
        (NAME, "1.0", "cp311-cp311-linux_x86_64", "WHEEL does not declare the file name's tag(s) ['py3-none-any']"),
    ],
)
def test_a_wheel_whose_metadata_contradicts_its_name_is_refused(
    tmp_path: Path,
    index_server: IndexServer,
    capsys: pytest.CaptureFixture[str],
    metadata_name: str,
    version: str,
    tag: str,
    message: str,
) -> None:
    publish_backends(index_server, tmp_path / "build", NAME, ["cpu"])
    liar = make_wheel(tmp_path / "liar", metadata_name, version, tag=tag)
    folder = index_server.project_dir("whl/cu126", NAME)
    (folder / "fakellama-1.0-py3-none-any.whl").write_bytes(liar.read_bytes())
    project = mirror_project(tmp_path / "project", index_server, NAME, {"cpu": (), "cu126": CUDA_LABELS["cu126"]})
    assert convert(project) == 1
    assert error_of(capsys).endswith(f"/whl/cu126/fakellama/fakellama-1.0-py3-none-any.whl: {message}")


def test_filters_pick_versions_and_tags(tmp_path: Path, index_server: IndexServer) -> None:
    tags = ("cp311-cp311-manylinux_2_28_x86_64", "cp312-cp312-manylinux_2_28_x86_64", "cp311-cp311-macosx_11_0_arm64")
    publish_backends(index_server, tmp_path / "build", NAME, list(CUDA_LABELS), versions=("0.9", "1.0"), tags=tags)
    project = mirror_project(tmp_path / "project", index_server, NAME, CUDA_LABELS)
    out = tmp_path / "out" / NAME

    assert convert(project, "--python-tag", "cp311", "--platform", "manylinux*_x86_64") == 0
    assert sorted(p.name for p in out.glob("*.whl")) == [
        f"fakellama-1.0-cp311-cp311-manylinux_2_28_x86_64{suffix}.whl" for suffix in ("-cu126", "-cu128", "-null", "")
    ]
    assert convert(project, "--version", "<1", "--label", "cpu", "--label", "cu128") == 0
    assert sorted(p.name for p in out.glob("fakellama-0.9-*")) == [
        *(f"fakellama-0.9-{tag}{s}.whl" for tag in sorted(tags) for s in ("-cu128", "-null", "")),
        "fakellama-0.9-variants.json",
    ]
    assert sorted(json.loads((out / "fakellama-0.9-variants.json").read_text())["variants"]) == ["cu128", "null"]


def test_yanked_labelled_and_foreign_files_are_left_out(tmp_path: Path) -> None:
    from wheel_variants.convert.plan import ConvertOptions, plan_convert
    from wheel_variants.convert.simpleindex import parse_project_page
    from wheel_variants.packages import parse_packages

    table = {
        "packages": {
            NAME: {
                "variants": {
                    "cpu": {"index": "https://h/cpu"},
                    "cu126": {"index": "https://h/cu126", "properties": ["nvidia :: cuda_version_lower_bound :: 12.6"]},
                }
            }
        }
    }
    package = parse_packages(table, prefix="t", origin="t").packages[0]
    page = (
        b'<a href="fakellama-1.0-py3-none-any.whl#sha256=AB">x</a>'
        b'<a href="fakellama-1.1-py3-none-any.whl" data-yanked="">yanked</a>'
        b'<a href="fakellama-1.0-py3-none-any-cu126.whl">labelled</a>'
        b'<a href="other-1.0-py3-none-any.whl">foreign</a>'
        b'<a href="fakellama-1.0.tar.gz">sdist</a>'
    )
    files = parse_project_page(page, "text/html", "https://h/cu126/fakellama/")
    assert files[0].url == "https://h/cu126/fakellama/fakellama-1.0-py3-none-any.whl" and files[0].sha256 == "ab"
    assert files[1].yanked
    plan = plan_convert(package, {"cpu": files, "cu126": files}, ConvertOptions(), {})
    assert [(w.label, w.wheel.filename, w.labelled_name) for w in plan.wheels] == [
        ("cpu", "fakellama-1.0-py3-none-any.whl", "fakellama-1.0-py3-none-any-null.whl"),
        ("cu126", "fakellama-1.0-py3-none-any.whl", "fakellama-1.0-py3-none-any-cu126.whl"),
    ]


def test_the_json_simple_api_is_read() -> None:
    from wheel_variants.convert.simpleindex import parse_project_page

    page = {
        "meta": {"api-version": "1.1"},
        "name": NAME,
        "files": [
            {
                "filename": "fakellama-1.0-py3-none-any.whl",
                "url": "../../files/fakellama-1.0-py3-none-any.whl",
                "hashes": {"sha256": "cd"},
            },
            {
                "filename": "fakellama-0.9-py3-none-any.whl",
                "url": "https://cdn/f/fakellama-0.9-py3-none-any.whl",
                "hashes": {},
                "yanked": "bad",
            },
        ],
    }
    files = parse_project_page(
        json.dumps(page).encode(), "application/vnd.pypi.simple.v1+json", "https://h/simple/fakellama/"
    )
    assert [(f.url, f.sha256, f.yanked) for f in files] == [
        ("https://h/files/fakellama-1.0-py3-none-any.whl", "cd", False),
        ("https://cdn/f/fakellama-0.9-py3-none-any.whl", None, True),
    ]


# -- bad input: one line each --------------------------------------------------------------------


def test_unknown_package(mirror: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", "fakelama", "-o", str(mirror.parent / "out"), "--project", str(mirror)]) == 1
    assert error_of(capsys).startswith("wheel-variants: error: unknown package 'fakelama'; did you mean 'fakellama'?")


def test_unreachable_index_names_the_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = IndexServer(tmp_path / "gone")
    project = mirror_project(tmp_path / "project", server, NAME, CUDA_LABELS)
    url = server.index_url("whl/cpu")
    server.stop()
    assert convert(project) == 1
    assert error_of(capsys).startswith(f"wheel-variants: error: cannot reach {url}/fakellama/: ")
    assert not (tmp_path / "out").exists()


def test_a_missing_project_page_names_the_url(
    mirror: Path, index_server: IndexServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["convert", NAME, "-o", str(mirror.parent / "out")]) == 1  # the catalog has no fakellama
    capsys.readouterr()
    import shutil

    shutil.rmtree(index_server.root / "whl" / "cu128")
    assert convert(mirror) == 1
    url = index_server.index_url("whl/cu128")
    assert error_of(capsys) == f"wheel-variants: error: cannot read {url}/fakellama/: HTTP 404 File not found"


def test_no_wheel_matches(mirror: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert convert(mirror, "--platform", "win_amd64", "--version", ">=2") == 1
    assert error_of(capsys) == (
        "wheel-variants: error: no wheel of 'fakellama' on the indexes of ['cpu', 'cu126', 'cu128'] matches "
        "--version '>=2' --platform 'win_amd64'"
    )


@pytest.mark.parametrize(
    ("label", "message"),
    [
        (
            "CU126",
            "invalid variant label 'CU126' in '--label': labels are non-empty lowercase [0-9a-z_.], not only dots",
        ),
        ("..", "invalid variant label '..' in '--label'"),
        (
            "cu12",
            "--label 'cu12': 'fakellama' has no such label; did you mean 'cu126' or 'cu128'? "
            "it has ['cpu', 'cu126', 'cu128']",
        ),
        (
            "cpu",
            "'fakellama': only ['cpu'] chosen, a label without properties; a PEP 825 release needs a label "
            "with properties",
        ),
    ],
)
def test_bad_labels(mirror: Path, capsys: pytest.CaptureFixture[str], label: str, message: str) -> None:
    assert convert(mirror, "--label", label) == 1
    assert error_of(capsys).startswith(f"wheel-variants: error: {message}")


def test_a_namespace_without_a_known_provider_needs_one_declared(
    tmp_path: Path, index_server: IndexServer, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = {"cpu": (), "metal": ("apple :: metal :: on",)}
    publish_backends(index_server, tmp_path / "build", NAME, list(labels))
    project = mirror_project(tmp_path / "project", index_server, NAME, labels)
    assert convert(project) == 1
    assert index_server.requests == []  # refused before the first request
    assert error_of(capsys) == (
        "wheel-variants: error: namespace 'apple' (label(s) ['metal']) has no known provider package; declare "
        "[variant.providers.apple] in the --project pyproject.toml, or leave the label(s) out with --label"
    )
    declared = '[variant.providers.apple]\nrequires = ["my-apple-provider"]\n'
    project = mirror_project(tmp_path / "project", index_server, NAME, labels, extra=declared)
    assert convert(project) == 0
    document = json.loads((tmp_path / "out" / NAME / "fakellama-1.0-variants.json").read_text())
    assert document["providers"] == {"apple": {"requires": ["my-apple-provider"]}}


def test_an_output_changed_on_disk_is_made_again(mirror: Path) -> None:
    assert convert(mirror) == 0
    wheel = mirror.parent / "out" / NAME / "fakellama-1.0-py3-none-any-cu128.whl"
    expected = wheel.read_bytes()
    wheel.write_bytes(b"tampered")
    assert convert(mirror) == 0
    assert wheel.read_bytes() == expected


def test_pages_and_downloads_stop_at_their_byte_limit(index_server: IndexServer, tmp_path: Path) -> None:
    import io

    from wheel_variants.convert import http
    from wheel_variants.errors import VariantsError

    def endless() -> Iterator[bytes]:
        while True:
            yield b"x" * 65536

    index_server.streams["/huge/"] = endless
    url = index_server.url + "/huge/"
    with pytest.raises(VariantsError, match=r"/huge/: more than 1000000 bytes; refusing it"):
        http.read_page(url, accept="text/html", limit=1_000_000)
    sink = io.BytesIO()
    with pytest.raises(VariantsError, match=r"/huge/: more than 1000000 bytes; refusing it"):
        http.download(url, sink, limit=1_000_000)
    assert len(sink.getvalue()) <= 1_000_000
    assert index_server.sent["/huge/"] < 50_000_000  # the reader stopped, it did not drain the stream
