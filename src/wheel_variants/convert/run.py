"""``convert_package``: a package's per-backend indexes in, a PEP 825 folder out.

Order of work: check the labels (no network yet), read every label's project page, plan
(``plan.py``), then per planned wheel reuse the output when the state record says it was made
from the same URL, bytes and ``variant.json``, else download (hash- and metadata-checked) and
label it; then the release's ``*-variants.json`` and the ``index.html`` pages, each written only
when its text changes. Nothing here prints: the caller passes a :class:`Progress`.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import VariantsError
from ..indexjson import collect_index_documents
from ..metadata import ProviderInfo, dump_metadata
from ..packages import PackageVariants
from ..wheelfile import make_variant_wheel
from . import http
from .fetch import fetch_wheel
from .output import project_page, root_page, write_if_changed
from .plan import ConvertOptions, ConvertPlan, PlannedWheel, plan_convert, release_variants
from .progress import Progress, SilentProgress
from .simpleindex import ACCEPT, IndexFile, parse_project_page, project_page_url
from .state import STATE_DIR, State

__all__ = ["ConvertResult", "convert_package", "read_label_pages"]

_FOLDER_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True, slots=True, kw_only=True)
class ConvertResult:
    directory: Path
    plan: ConvertPlan
    downloaded: tuple[str, ...]  # source file names fetched this run, as 'label/filename'
    written: tuple[str, ...]  # output files (re)written this run


def read_label_pages(package: PackageVariants, labels: tuple[str, ...]) -> dict[str, tuple[IndexFile, ...]]:
    """Each label's project page, parsed; an unreachable page is one error naming its URL."""
    pages = {}
    for label in labels:
        variant = package.variant(label)
        assert variant is not None  # release_variants checked it
        url = project_page_url(variant.index, package.name)
        page = http.read_page(url, accept=ACCEPT)
        pages[label] = parse_project_page(page.data, page.content_type, page.url)
    return pages


def convert_package(
    package: PackageVariants,
    output_dir: str | Path,
    options: ConvertOptions | None = None,
    *,
    declared_providers: Mapping[str, ProviderInfo] | None = None,
    progress: Progress | None = None,
) -> ConvertResult:
    if not _FOLDER_NAME.fullmatch(package.name):
        raise VariantsError(f"package name {package.name!r} cannot name a folder of the output")
    options = options or ConvertOptions()
    # Refuse what can be refused before the first request (labels, fallback, providers).
    chosen, _, _ = release_variants(package, options, declared_providers or {})
    labels = tuple(variant.label for variant in chosen)
    plan = plan_convert(package, read_label_pages(package, labels), options, declared_providers or {})
    root = Path(output_dir)
    directory = root / plan.name
    work = root / STATE_DIR
    directory.mkdir(parents=True, exist_ok=True)
    work.mkdir(exist_ok=True)
    state = State(work / f"{plan.name}.json")
    job = _Job(plan=plan, directory=directory, state=state, progress=progress or SilentProgress())
    scratch = Path(tempfile.mkdtemp(prefix="download-", dir=work))
    try:
        for wheel in plan.wheels:
            job.convert(wheel, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    state.save()  # before the pages: what was made is recorded even if a page write fails
    for document in collect_index_documents(directory.glob("*.whl")):
        if write_if_changed(directory / document.filename, dump_metadata(document.metadata)):
            job.written.append(document.filename)
    if write_if_changed(directory / "index.html", project_page(plan.name, directory, state.sha256)):
        job.written.append("index.html")
    write_if_changed(root / "index.html", root_page(root))
    state.save()  # the pages' hashes came through the state: keep what it learned
    return ConvertResult(directory=directory, plan=plan, downloaded=tuple(job.downloaded), written=tuple(job.written))


class _Job:
    def __init__(self, *, plan: ConvertPlan, directory: Path, state: State, progress: Progress) -> None:
        self.plan = plan
        self.directory = directory
        self.state = state
        self.progress = progress
        self.downloaded: list[str] = []
        self.written: list[str] = []

    def convert(self, wheel: PlannedWheel, scratch: Path) -> None:
        metadata = self.plan.metadata.only(wheel.output_label)
        variant_json = hashlib.sha256(dump_metadata(metadata).encode("utf-8")).hexdigest()
        labelled = self.directory / wheel.labelled_name
        self.progress.start(wheel.label, wheel.wheel.filename)
        if wheel.fallback:
            # The fallback's download *is* the plain wheel; its null variant is made from it.
            plain = self.directory / wheel.wheel.filename
            if self._is_current(plain, wheel, None):
                outcome, source_sha256 = "up to date", self.state.entries[plain.name].source_sha256
            else:
                path, source_sha256 = self._download(wheel, scratch)
                path.replace(plain)
                self.state.record(plain, source=wheel.source.url, source_sha256=source_sha256, variant_json=None)
                self.written.append(plain.name)
                outcome = "downloaded"
            made = self.state.current(labelled)
            if made is None or (made.source_sha256, made.variant_json) != (source_sha256, variant_json):
                make_variant_wheel(plain, metadata, self.directory)
                self.state.record(
                    labelled, source=wheel.source.url, source_sha256=source_sha256, variant_json=variant_json
                )
                self.written.append(labelled.name)
        elif self._is_current(labelled, wheel, variant_json):
            outcome = "up to date"
        else:
            path, source_sha256 = self._download(wheel, scratch)
            try:
                make_variant_wheel(path, metadata, self.directory)
            finally:
                path.unlink(missing_ok=True)
            self.state.record(labelled, source=wheel.source.url, source_sha256=source_sha256, variant_json=variant_json)
            self.written.append(labelled.name)
            outcome = "downloaded"
        self.progress.done(wheel.label, wheel.wheel.filename, outcome)

    def _is_current(self, path: Path, wheel: PlannedWheel, variant_json: str | None) -> bool:
        """Made from the same URL with the same variant.json, and the page's hash (if any) agrees."""
        made = self.state.current(path)
        return (
            made is not None
            and made.source == wheel.source.url
            and made.variant_json == variant_json
            and wheel.source.sha256 in (None, made.source_sha256)
        )

    def _download(self, wheel: PlannedWheel, scratch: Path) -> tuple[Path, str]:
        # One scratch folder per label: two backends serve the same file name.
        folder = scratch / wheel.label
        folder.mkdir(exist_ok=True)
        result = fetch_wheel(wheel.source, folder, on_bytes=self.progress.advance, on_size=self.progress.size)
        self.downloaded.append(f"{wheel.label}/{wheel.wheel.filename}")
        return result
