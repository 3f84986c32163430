"""The exact check of a 206 answer: status, Content-Range, and a body of exactly that length."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from wheel_variants.errors import RemoteMetadataError
from wheel_variants.remotemeta.ranges import range_headers, read_slice

URL = "http://index/x.whl"


@dataclass
class FakeResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return {key.lower(): value for key, value in self.headers.items()}.get(name.lower())

    def iter_bytes(self) -> Iterator[bytes]:
        yield from (self.body[i : i + 3] for i in range(0, len(self.body), 3))


def test_range_headers_ask_for_identity() -> None:
    assert range_headers("-10") == {"Range": "bytes=-10", "Accept-Encoding": "identity"}


def test_a_suffix_and_an_explicit_range() -> None:
    tail = read_slice(
        FakeResponse(206, {"Content-Range": "bytes 90-99/100"}, b"x" * 10), URL, start=None, length=10, total=None
    )
    assert (tail.start, tail.end, tail.total) == (90, 100, 100)
    short = read_slice(
        FakeResponse(206, {"content-range": "bytes 0-4/5"}, b"abcde"), URL, start=None, length=10, total=None
    )
    assert (short.start, short.data) == (0, b"abcde")  # a file shorter than the suffix asked for
    part = read_slice(
        FakeResponse(206, {"Content-Range": "bytes 5-9/100"}, b"56789"), URL, start=5, length=5, total=100
    )
    assert part.data == b"56789"


@pytest.mark.parametrize(
    ("response", "start", "total", "message"),
    [
        (FakeResponse(200, {}, b"whole"), 5, 100, "expected 206 to a Range request, got HTTP 200"),
        (
            FakeResponse(206, {"Content-Type": "multipart/byteranges"}, b"--x"),
            5,
            100,
            "wrong Content-Range None in a 206 answer",
        ),
        (FakeResponse(206, {"Content-Range": "bytes 5-9/*"}, b"56789"), 5, 100, "wrong Content-Range 'bytes 5-9/*'"),
        (FakeResponse(206, {"Content-Range": "bytes 4-8/100"}, b"45678"), 5, 100, "asked for bytes 5-9 of 100"),
        (
            FakeResponse(206, {"Content-Range": "bytes 5-9/120"}, b"56789"),
            5,
            100,
            "gives size 120, earlier answers 100",
        ),
        (
            FakeResponse(206, {"Content-Range": "bytes 5-9/100"}, b"56789AB"),
            5,
            100,
            "longer than its Content-Range (5 bytes)",
        ),
        (FakeResponse(206, {"Content-Range": "bytes 5-9/100"}, b"567"), 5, 100, "ends after 3 of 5 bytes"),
    ],
)
def test_anything_else_is_one_line(response: FakeResponse, start: int, total: int, message: str) -> None:
    with pytest.raises(RemoteMetadataError) as error:
        read_slice(response, URL, start=start, length=5, total=total)
    assert str(error.value).startswith(f"{URL}: ")
    assert message in str(error.value)
    assert "\n" not in str(error.value)
