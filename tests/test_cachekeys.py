"""Cache keys: everything a cached artifact depends on changes its key, and nothing else does."""

from __future__ import annotations

import pytest

from wheel_variants.cachekeys import (
    BuildKey,
    build_entry_digest,
    build_environment,
    canonical_json,
    content_key,
    metadata_key,
    normalize_config_settings,
)

SOURCE = {"url": "http://index/flavour-1.0.tar.gz", "sha256": "ab" * 32, "env_spec": {"platform": "x"}}


def test_canonical_json_is_sorted_and_compact() -> None:
    assert canonical_json({"b": [1, {"d": 1, "c": 2}], "a": "é"}) == '{"a":"\\u00e9","b":[1,{"c":2,"d":1}]}'


def test_build_environment_takes_known_declared_and_prefixed_names_that_are_set() -> None:
    environ = {
        "CMAKE_ARGS": "-DGGML_CUDA=on",
        "GGML_EXTRA": "1",
        "SKBUILD_CMAKE_DEFINE": "A=1",
        "PATH": "/bin",
        "HOME": "/home/x",
    }
    assert build_environment(environ, declared=["GGML_EXTRA", "NOT_SET"]) == (
        ("CMAKE_ARGS", "-DGGML_CUDA=on"),
        ("GGML_EXTRA", "1"),
        ("SKBUILD_CMAKE_DEFINE", "A=1"),
    )
    assert build_environment({"PATH": "/bin"}) == ()


def test_config_settings_are_sorted_and_repeated_keys_keep_their_order() -> None:
    assert normalize_config_settings({"z": "1", "cmake.define": ["B=2", "A=1"]}) == (
        ("cmake.define", ("B=2", "A=1")),
        ("z", "1"),
    )
    assert normalize_config_settings(None) == ()


@pytest.mark.parametrize(
    "other",
    [
        BuildKey(package="flavour", label="cuda", env=(("CMAKE_ARGS", "-DFLAVOUR=cpu"),)),
        BuildKey(package="flavour", label="cpu", env=(("CMAKE_ARGS", "-DFLAVOUR=cuda"),)),
        BuildKey(package="flavour", label="cpu", env=(("CMAKE_ARGS", "-DFLAVOUR=cpu"),), config_settings=(("k", "v"),)),
        BuildKey(package="other", label="cpu", env=(("CMAKE_ARGS", "-DFLAVOUR=cpu"),)),
        BuildKey(package="flavour", label=None, env=(("CMAKE_ARGS", "-DFLAVOUR=cpu"),)),
    ],
)
def test_every_build_input_changes_the_key(other: BuildKey) -> None:
    key = BuildKey(package="flavour", label="cpu", env=(("CMAKE_ARGS", "-DFLAVOUR=cpu"),))
    assert key.digest != other.digest
    assert build_entry_digest(key, SOURCE) != build_entry_digest(other, SOURCE)


def test_the_same_inputs_give_the_same_key_and_round_trip() -> None:
    key = BuildKey(package="flavour", label="cpu", env=(("A", "1"),), config_settings=(("c", ("x", "y")),))
    again = BuildKey.from_dict(key.to_dict())
    assert again == key
    assert hash(again) == hash(key)
    assert again.digest == key.digest and len(key.digest) == 16
    assert key.to_dict() == {
        "package": "flavour",
        "label": "cpu",
        "env": {"A": "1"},
        "config-settings": {"c": ["x", "y"]},
    }


@pytest.mark.parametrize(
    "change", [{"url": "http://other/flavour-1.0.tar.gz"}, {"sha256": "cd" * 32}, {"env_spec": {}}]
)
def test_the_source_is_part_of_the_entry(change: dict[str, object]) -> None:
    key = BuildKey(package="flavour")
    assert build_entry_digest(key, SOURCE) != build_entry_digest(key, {**SOURCE, **change})


def test_content_key_splits_a_sha256_and_refuses_anything_else() -> None:
    assert content_key("AB" + "c" * 62) == ("ab", "c" * 30)
    with pytest.raises(ValueError, match=r"expected a hex SHA-256 digest, got 'wheel\.whl'"):
        content_key("wheel.whl")


def test_metadata_key_names_the_file_it_came_from() -> None:
    cpu = metadata_key("vpkg-1.0", "http://index/cpu/vpkg-1.0-py3-none-any.whl", "sha256:aa")
    cuda = metadata_key("vpkg-1.0", "http://index/cu124/vpkg-1.0-py3-none-any.whl", "sha256:aa")
    rebuilt = metadata_key("vpkg-1.0", "http://index/cpu/vpkg-1.0-py3-none-any.whl", "sha256:bb")
    assert len({cpu, cuda, rebuilt}) == 3
    assert cpu.startswith("vpkg-1.0@")
    assert metadata_key("vpkg-1.0", None) == "vpkg-1.0"
