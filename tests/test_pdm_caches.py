"""The variant-keyed stores in-process: staging, commit, sweep, listing, content and metadata keys.

These use PDM's real cache classes (``WheelCache``, ``PackageCache``, ``CandidateInfoCache``)
with a real ``EnvSpec`` and ``Link``; the end-to-end behaviour is in ``test_pdm_build_cache.py``.
"""

from __future__ import annotations

import json
import warnings
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

pytest.importorskip("pdm")

with warnings.catch_warnings():  # PDM reads a resource with the deprecated open_binary on import
    warnings.filterwarnings("ignore", "open_binary is deprecated", DeprecationWarning)
    from pdm.models.caches import CandidateInfoCache, EmptyCandidateInfoCache
    from pdm.models.markers import EnvSpec
from unearth import Link

from pdm_variants._pdm.candidates import link_keyed_info_cache
from pdm_variants.cache.packages import ContentPackageCache
from pdm_variants.cache.wheels import VariantWheelCache, file_lock
from wheel_variants.buildstore import BuildStore, open_staging, sweep_staging
from wheel_variants.cachekeys import BuildKey
from wheelmaker import make_wheel

SDIST = Link("http://index/flavour/flavour-1.0.tar.gz#sha256=" + "ab" * 32)
SPEC = EnvSpec.current()


def _wheel_into(directory: Path, backend: str = "cpu") -> Path:
    return make_wheel(directory, "flavour", "1.0", files={"flavour/__init__.py": f"FLAVOUR = {backend!r}\n"})


def _cache(root: Path, label: str | None = "cpu", cmake: str = "-DFLAVOUR=cpu") -> VariantWheelCache:
    def key_for(name: str | None) -> BuildKey:
        return BuildKey(package=name or "unknown", label=label, env=(("CMAKE_ARGS", cmake),))

    return VariantWheelCache(root, key_for)


def _build(cache: VariantWheelCache, backend: str = "cpu") -> Path:
    """What PDM does on a miss: look up, then build into ``get_path_for_link``."""
    assert cache.get(SDIST, "flavour", SPEC) is None
    return _wheel_into(cache.get_path_for_link(SDIST, SPEC), backend)


def test_a_build_is_visible_only_after_commit_and_then_hits(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    built = _build(cache)
    assert ".staging" in built.parts
    assert cache.get(SDIST, "flavour", SPEC) is None  # staged, not stored

    entry = cache.commit(SDIST)
    assert entry is not None and not built.exists()
    hit = cache.get(SDIST, "flavour", SPEC)
    assert hit is not None and hit.parent == entry
    assert entry.relative_to(tmp_path).parts[:3] == ("variants", "flavour", "cpu")
    record = json.loads((entry / "entry.json").read_text())
    assert record["build"] == {
        "package": "flavour",
        "label": "cpu",
        "env": {"CMAKE_ARGS": "-DFLAVOUR=cpu"},
        "config-settings": {},
    }
    assert record["source"]["url"] == SDIST.url_without_fragment
    assert record["wheels"] == [hit.name]
    assert not list((tmp_path / "variants" / ".staging").iterdir())
    assert cache.commit(SDIST) is None  # nothing staged any more


def test_other_variant_or_build_env_misses_and_each_keeps_its_own_build(tmp_path: Path) -> None:
    cpu = _cache(tmp_path)
    _build(cpu, "cpu")
    cpu.commit(SDIST)
    cuda = _cache(tmp_path, label="cuda", cmake="-DFLAVOUR=cuda")
    _build(cuda, "cuda")
    cuda.commit(SDIST)
    same_label_other_args = _cache(tmp_path, label="cpu", cmake="-DFLAVOUR=cpu -DEXTRA=1")
    assert same_label_other_args.get(SDIST, "flavour", SPEC) is None

    for cache, backend in ((cpu, "cpu"), (cuda, "cuda"), (_cache(tmp_path), "cpu")):
        hit = cache.get(SDIST, "flavour", SPEC)
        assert hit is not None
        with zipfile.ZipFile(hit) as archive:
            assert archive.read("flavour/__init__.py").decode() == f"FLAVOUR = {backend!r}\n"


def test_a_truncated_wheel_is_never_stored(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    built = _build(cache)
    built.write_bytes(built.read_bytes()[:100])  # the backend died while writing
    assert cache.commit(SDIST) is None
    assert cache.get(SDIST, "flavour", SPEC) is None
    assert BuildStore(tmp_path / "variants", file_lock).entries() == []


def test_sweep_removes_staging_of_dead_owners_only(tmp_path: Path) -> None:
    alive = open_staging(tmp_path, file_lock)
    dead = open_staging(tmp_path, file_lock)
    (dead.directory / "half.whl").write_bytes(b"PK")
    dead.lock.release()  # what the OS does when the owner process is killed

    assert sweep_staging(tmp_path, file_lock) == 1
    assert alive.directory.is_dir()
    assert not dead.directory.exists()
    alive.discard()
    assert not list((tmp_path / ".staging").iterdir())


def test_entries_are_listed_and_cleared_by_package_and_label(tmp_path: Path) -> None:
    for label in ("cpu", "cuda"):
        cache = _cache(tmp_path, label=label, cmake=f"-DFLAVOUR={label}")
        _build(cache, label)
        cache.commit(SDIST)
    store = BuildStore(tmp_path / "variants", file_lock)
    assert [(e.package, e.label) for e in store.entries()] == [("flavour", "cpu"), ("flavour", "cuda")]
    assert [e.label for e in store.entries("Flavour", "cuda")] == ["cuda"]
    assert store.entries("other") == []

    removed = store.remove("flavour", "cuda")
    assert [e.label for e in removed] == ["cuda"]
    assert [e.label for e in store.entries()] == ["cpu"]
    assert not (tmp_path / "variants" / "flavour" / "cuda").exists()
    assert [e.label for e in store.remove()] == ["cpu"]
    assert store.entries() == []


def test_unpacked_wheels_are_keyed_by_content_not_file_name(tmp_path: Path) -> None:
    cpu = _wheel_into(tmp_path / "cpu", "cpu")
    cuda = _wheel_into(tmp_path / "cuda", "cuda")
    assert cpu.name == cuda.name
    cache = ContentPackageCache(tmp_path / "packages")

    cpu_pkg, cuda_pkg = cache.cache_wheel(cpu), cache.cache_wheel(cuda)
    assert cpu_pkg.path != cuda_pkg.path
    assert (cpu_pkg.path / "flavour" / "__init__.py").read_text() == "FLAVOUR = 'cpu'\n"
    assert (cuda_pkg.path / "flavour" / "__init__.py").read_text() == "FLAVOUR = 'cuda'\n"
    assert cache.cache_wheel(cpu).path == cpu_pkg.path  # same bytes: the same entry
    assert sorted(p.path for p in cache.iter_packages()) == sorted([cpu_pkg.path, cuda_pkg.path])
    assert not list((tmp_path / "packages" / ".staging").iterdir())


def _candidate(url: str) -> SimpleNamespace:
    req = SimpleNamespace(extras=(), is_named=True)
    return SimpleNamespace(name="vpkg", version="1.0", req=req, link=Link(url))


def test_metadata_of_one_index_never_answers_for_another(tmp_path: Path) -> None:
    path = tmp_path / "package_meta.json"
    cache = link_keyed_info_cache(CandidateInfoCache(path))
    cpu = _candidate("http://index/cpu/vpkg/vpkg-1.0-py3-none-any.whl#sha256=" + "a" * 64)
    cuda = _candidate("http://index/cu124/vpkg/vpkg-1.0-py3-none-any.whl#sha256=" + "b" * 64)
    cache.set(cpu, (["depa"], ">=3.10", ""))
    assert cache.get(cpu) == (["depa"], ">=3.10", "")
    with pytest.raises(KeyError):
        cache.get(cuda)

    # another process writing at the same time: both entries survive, the file stays valid JSON
    other = link_keyed_info_cache(CandidateInfoCache(path))
    cache.set(cuda, (["depb"], ">=3.10", ""))
    other.set(_candidate("http://index/x/vpkg-1.0.tar.gz"), (["depc"], "", ""))
    assert len(json.loads(path.read_text())) == 3
    assert not list(tmp_path.glob("*.tmp"))

    empty = EmptyCandidateInfoCache(path)
    assert link_keyed_info_cache(empty) is empty
