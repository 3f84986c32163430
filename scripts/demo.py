"""The main job end to end: build variant wheels with Hatch, serve them, install with PDM and uv.

Run it through ``./scripts/demo`` (which sets up ``.venv`` first); ``--help`` lists the options.
Every step prints the command it runs and a short excerpt of what came out. Everything happens in
a temporary directory that is removed at the end, and the local index server (a thread of this
process) and every child process are stopped on success, on failure and on Ctrl-C.

The same builds are published twice: as a PEP 825 index (labelled wheels and the
``*-variants.json``), which uv reads, and as one index per label with plain file names ("index
variants", ``docs/pdm.md``), which PDM reads by default. ``PDM_READS`` below switches PDM to the
PEP 825 index.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO / "tests"))  # the PEP 503 test server: stdlib only, no test imports

import tomlkit  # noqa: E402

from indexserver import IndexServer  # noqa: E402

# How PDM gets gpu-demo: "index-variants" (one sub-index per label, plain file names, the layout
# PDM has read longest) or "pep825" (the labelled wheels and *-variants.json that uv reads; the
# plugin's newest path, also `--pdm-reads pep825`). Switching is this one line.
PDM_READS = "index-variants"

PRODUCER = REPO / "examples" / "producer-gpu"
PACKAGE, VERSION = "gpu-demo", "1.0.0"
BUILDS = ("cu126", "cu128", "null")
VARIANTS_JSON = f"{PACKAGE.replace('-', '_')}-{VERSION}-variants.json"
# Index variants reserve the label "null" for PEP 825, so the null build is published as "cpu".
INDEX_VARIANT_LABELS = {"cu126": "cu126", "cu128": "cu128", "null": "cpu"}
BUILD_OF_LABEL = {published: build for build, published in INDEX_VARIANT_LABELS.items()}
FORCED = {
    "NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION": "12.6",
    "NV_VARIANT_PROVIDER_FORCE_SM_ARCH": "9.0",
}
# A team of three machines, as data (docs/detection.md "targets").
TARGETS = {
    "laptop": 'x86_64 = { level = ["v3", "v2", "v1"] }',
    "workstation": 'nvidia = { cuda_version_lower_bound = ["12.6", "12.5", "12.4", "12.0"] }',
    "cluster": 'nvidia = { cuda_version_lower_bound = ["12.8", "12.7", "12.6", "12.0"] }',
}
STEPS = 10
# Variables that would change what the demo does (its own settings are set in clean_environment).
# Index settings (UV_INDEX_URL, PIP_INDEX_URL, pip.conf, uv.toml...) are kept: Hatch's build
# environment needs hatchling from the package registry, through the user's mirror if any.
SCRUBBED_PREFIXES = ("PDM_", "HATCH_", "WHEEL_VARIANTS_", "NV_VARIANT_", "AMD_VARIANT_", "INTEL_VARIANT_")
SCRUBBED = {
    *("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH", "CMAKE_ARGS"),
    *("UV_PROJECT_ENVIRONMENT", "UV_PYTHON", "UV_SYSTEM_PYTHON", "UV_OFFLINE", "UV_NO_INDEX", "UV_PREVIEW"),
    *("UV_PREVIEW_FEATURES", "UV_FIND_LINKS", "PIP_FIND_LINKS", "UV_NO_CACHE", "PIP_NO_INDEX"),
}


class DemoError(Exception):
    """A step failed; the message says which command and shows its output."""


class Interrupted(BaseException):
    """SIGTERM/SIGHUP, turned into an exception so that the clean-up code runs."""


# -- output --------------------------------------------------------------------------------------


class Console:
    def __init__(self) -> None:
        self.step_number = 0
        self.started = time.monotonic()
        self.hidden_prefix = ""  # the temporary directory, shown as <tmp>

    def step(self, title: str) -> None:
        self.step_number += 1
        elapsed = time.monotonic() - self.started
        print(f"\n[{self.step_number}/{STEPS}] {title}   ({elapsed:.0f}s)", flush=True)

    @staticmethod
    def say(text: str = "") -> None:
        for line in text.splitlines() or [""]:
            print(f"    {line}".rstrip(), flush=True)

    def show(self, text: str, limit: int = 40) -> None:
        if self.hidden_prefix:
            text = text.replace(self.hidden_prefix, "<tmp>")
        lines = text.rstrip("\n").splitlines()
        for line in lines[:limit]:
            print(f"      | {line}".rstrip(), flush=True)
        if len(lines) > limit:
            print(f"      | ... ({len(lines) - limit} more lines)", flush=True)


# -- running commands ----------------------------------------------------------------------------


class Runner:
    """Runs commands in their own session so that a failure or Ctrl-C can stop their whole tree."""

    def __init__(self, env: Mapping[str, str], console: Console) -> None:
        self.env = dict(env)
        self.console = console
        self.current: subprocess.Popen[str] | None = None

    def run(
        self,
        argv: Sequence[str],
        *,
        cwd: Path,
        env: Mapping[str, str] | None = None,
        shown: str | None = None,
        check: bool = True,
        timeout: float = 240,
    ) -> subprocess.CompletedProcess[str]:
        print(f"    $ {shown or ' '.join(argv)}", flush=True)
        process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env={**self.env, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.current = process
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise DemoError(f"{shown or argv[0]} did not finish within {timeout:.0f}s") from None
        except BaseException:
            self.stop()
            raise
        finally:
            self.current = None
        result = subprocess.CompletedProcess(list(argv), process.returncode, stdout, stderr)
        if check and result.returncode != 0:
            raise DemoError(
                f"`{shown or ' '.join(argv)}` failed with exit code {result.returncode}:\n{stdout}{stderr}".rstrip()
            )
        return result

    def stop(self) -> None:
        """Terminate the running command and everything it started."""
        process = self.current
        if process is None or process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                return
            try:
                process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue


# -- the steps -----------------------------------------------------------------------------------


def clean_environment(work: Path, forced: bool) -> dict[str, str]:
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(SCRUBBED_PREFIXES) and key not in SCRUBBED
    }
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        # Private state for every tool: nothing read from or written to the user's caches.
        UV_CACHE_DIR=str(work / "uv-cache"),
        UV_PYTHON_DOWNLOADS="never",
        HATCH_DATA_DIR=str(work / "hatch-data"),
        HATCH_CACHE_DIR=str(work / "hatch-cache"),
        PDM_CONFIG_FILE=str(work / "pdm-config.toml"),
        PDM_CACHE_DIR=str(work / "pdm-cache"),
        PDM_LOG_DIR=str(work / "pdm-logs"),
        PDM_CHECK_UPDATE="false",
        PDM_NON_INTERACTIVE="1",
        PDM_IGNORE_ACTIVE_VENV="1",
        WHEEL_VARIANTS_CACHE_DIR=str(work / "variants-cache"),
        NO_COLOR="1",
        TERM="dumb",
        PYTHONDONTWRITEBYTECODE="1",
    )
    (work / "pdm-config.toml").write_text("", encoding="utf-8")
    if forced:
        env.update(FORCED)
    return env


def build_variant_wheels(run: Runner, work: Path) -> Path:
    """Our own wheel for hatch's build environment, then gpu-demo's variants with the Hatch plugin."""
    wheelhouse = work / "wheelhouse"
    run.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(wheelhouse), str(REPO)],
        cwd=REPO,
        shown="python -m build --wheel --no-isolation --outdir <tmp>/wheelhouse .   # wheel-variants itself",
    )
    run.env.update(UV_FIND_LINKS=str(wheelhouse), PIP_FIND_LINKS=str(wheelhouse))
    project = work / "producer-gpu"
    shutil.copytree(PRODUCER, project, ignore=shutil.ignore_patterns("dist", "__pycache__", "*.egg-info"))
    hatch = str(BIN / "hatch")
    for label in BUILDS:
        run.run(
            [hatch, "build", "-t", "wheel"],
            cwd=project,
            env={"HATCH_VARIANT": label},
            shown=f"HATCH_VARIANT={label} hatch build -t wheel",
        )
    run.run(
        [hatch, "build", "-t", "wheel"], cwd=project, shown="hatch build -t wheel                 # plain wheel for pip"
    )
    dist = project / "dist"
    result = run.run([str(BIN / "wheel-variants"), "index", "dist"], cwd=project, shown="wheel-variants index dist")
    run.console.show(result.stdout.replace(str(project) + os.sep, ""))
    return dist


def publish(dist: Path, server: IndexServer, run: Runner) -> None:
    """The PEP 825 index (uv) and one sub-index per label with plain file names (PDM index variants)."""
    wheels = sorted(dist.glob("*.whl"))
    server.add("variants", *wheels, *dist.glob("*-variants.json"))
    plain_name = f"{PACKAGE.replace('-', '_')}-{VERSION}-py3-none-any.whl"
    for label, published in INDEX_VARIANT_LABELS.items():
        target = server.project_dir(f"by-label/{published}", PACKAGE) / plain_name
        shutil.copyfile(dist / f"{PACKAGE.replace('-', '_')}-{VERSION}-py3-none-any-{label}.whl", target)
    console = run.console
    console.say(f"index server: {server.url}  (127.0.0.1 only; stopped when the demo ends)")
    console.say("  A PEP 825 index holds every build of one version side by side: each file name ends in a")
    console.say("  variant label, each wheel's variant.json lists the properties a machine needs, and the")
    console.say("  release's variants JSON ranks them; `null` is the label of the build with no properties")
    console.say("  (here the CPU build). Index variants are today's layout instead: one index per build.")
    console.say(f"  PEP 825 index       {server.index_url('variants')}/{PACKAGE}/")
    for entry in sorted((server.root / "variants" / PACKAGE).iterdir()):
        console.say(f"                        {entry.name}")
    console.say(f"  per-label indexes   {server.index_url('by-label')}/{{cpu,cu126,cu128}}/{PACKAGE}/{plain_name}")
    console.say("                      (same file name on each, different contents: today's per-backend layout;")
    console.say("                       the `null` build is published as `cpu`, index variants reserve `null`)")


def app_pyproject(server: IndexServer, pdm_reads: str) -> str:
    targets = "".join(f"[tool.wheel-variants.targets.{name}]\n{body}\n\n" for name, body in TARGETS.items())
    if pdm_reads == "pep825":
        pdm_part = f'[[tool.pdm.source]]\nname = "variants"\nurl = "{server.index_url("variants")}"\n\n'
    else:
        pdm_part = "# PDM: gpu-demo's builds as index variants, one index per label (docs/pdm.md).\n"
        properties = {
            "cu126": '["nvidia :: cuda_version_lower_bound :: 12.6"]',
            "cu128": '["nvidia :: cuda_version_lower_bound :: 12.8"]',
            "cpu": "[]",
        }
        for label, props in properties.items():
            pdm_part += (
                f"[tool.wheel-variants.packages.{PACKAGE}.variants.{label}]\n"
                f'index = "{server.index_url("by-label/" + label)}"\nproperties = {props}\n\n'
            )
    return (
        '[project]\nname = "demo-app"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = []\n\n'
        "[tool.pdm]\ndistribution = false\n\n"
        f"{pdm_part}"
        "# The team's machines, for team locks and `WHEEL_VARIANTS_TARGET=<name>`.\n"
        f"{targets}"
        "# uv: the PEP 825 index, turned into [tool.uv] settings by `pdm variants uv --write`.\n"
        f'[tool.wheel-variants.uv]\nvariant-indexes = {{ {PACKAGE} = "{server.index_url("variants")}" }}\n'
    )


def lock_excerpt(lock_text: str) -> str:
    """The ``[metadata.wheel-variants]`` tables of a ``pdm.lock``."""
    kept: list[str] = []
    inside = False
    for line in lock_text.splitlines():
        if line.startswith("["):
            inside = line.startswith("[metadata.wheel-variants")
        if inside:
            kept.append(line)
    return "\n".join(kept).strip()


def pdm_choice(run: Runner, app: Path, target: str | None = None) -> tuple[str | None, dict[str, str]]:
    env = {"WHEEL_VARIANTS_TARGET": target} if target else None
    shown = f"WHEEL_VARIANTS_TARGET={target} pdm variants show --json" if target else "pdm variants show --json"
    report = json.loads(run.run([str(BIN / "pdm"), "variants", "show", "--json"], cwd=app, env=env, shown=shown).stdout)
    body = report["packages"].get(PACKAGE, {})
    return body.get("chosen"), {r["label"]: r["reason"] for r in body.get("rejected", [])}


def installed_variant(run: Runner, python: Path, cwd: Path) -> str:
    return run.run(
        [str(python), "-m", "gpu_demo"], cwd=cwd, shown=f"{python.parent.parent.name}/bin/python -m gpu_demo"
    ).stdout.strip()


def demo(args: argparse.Namespace, work: Path, console: Console) -> int:
    forced = not args.real_hardware
    console.hidden_prefix = str(work)
    run = Runner(clean_environment(work, forced), console)

    console.step("Build gpu-demo's variant wheels with the Hatch plugin (examples/producer-gpu)")
    dist = build_variant_wheels(run, work)
    for wheel in sorted(dist.iterdir()):
        console.say(f"dist/{wheel.name}")
    console.show((dist / VARIANTS_JSON).read_text(encoding="utf-8"), limit=30)

    console.step("Publish them on a local index")
    server = IndexServer(work / "index")
    try:
        publish(dist, server, run)
        return consume(run, work, server, forced, args.pdm_reads)
    finally:
        server.stop()
        console.say("(index server stopped)")


def consume(run: Runner, work: Path, server: IndexServer, forced: bool, pdm_reads: str) -> int:
    """Steps 3 to 10: the application side."""
    console = run.console
    console.step("What this machine supports")
    show_detection(run, work, forced)

    console.step("A throwaway app project adds gpu-demo with PDM")
    app = work / "demo-app"
    pdm_label = pdm_add(run, app, server, pdm_reads)

    console.step("The variant chosen and why the others lost")
    shown = run.run([str(BIN / "pdm"), "variants", "show"], cwd=app, shown="pdm variants show")
    console.show(_short_supported(shown.stdout), limit=20)
    explained = run.run(
        [str(BIN / "wheel-variants"), "explain", str(server.root / "variants" / PACKAGE / VARIANTS_JSON)],
        cwd=work,
        shown=f"wheel-variants explain {VARIANTS_JSON}   # the same ranking, over the PEP 825 index",
    )
    console.show(_shorten_reasons(explained.stdout), limit=10)

    console.step("The lock entry")
    excerpt = lock_excerpt((app / "pdm.lock").read_text(encoding="utf-8"))
    if not excerpt:
        raise DemoError("pdm.lock has no [metadata.wheel-variants] table")
    console.say("pdm.lock, [metadata.wheel-variants]:")
    console.show(excerpt, limit=30)

    console.step("A team lock over three targets (laptop, workstation, cluster)")
    team_lock(run, app, server)

    console.step("Generate the uv configuration from the same declarations")
    generate_uv_config(run, app)

    console.step("uv installs from the PEP 825 index, with the generated sources")
    uv_label = uv_install(run, work, app)

    console.step("Summary")
    console.say(f"{'PDM (' + pdm_reads + ')':22s}: {pdm_label}")
    console.say(f"{'uv (pep825)':22s}: {uv_label}")
    if pdm_label != uv_label:
        raise DemoError(f"PDM installed {pdm_label!r} but uv installed {uv_label!r}")
    if forced and pdm_label != "cu126":
        raise DemoError(f"with a forced CUDA 12.6 driver the demo expects 'cu126', got {pdm_label!r}")
    console.say(f"both picked the same variant: {pdm_label}")
    return 0


def show_detection(run: Runner, work: Path, forced: bool) -> None:
    console = run.console
    if forced:
        console.say("DETECTION IS FORCED FOR THIS DEMO: " + " ".join(f"{k}={v}" for k, v in FORCED.items()))
        console.say("(a CUDA 12.6 driver, whatever this machine has; run with --real-hardware to use the real one)")
    else:
        console.say("--real-hardware: detection probes this machine as it is")
    detected = run.run([str(BIN / "wheel-variants"), "detect"], cwd=work, shown="wheel-variants detect")
    console.show(detected.stdout + detected.stderr, limit=12)


def pdm_add(run: Runner, app: Path, server: IndexServer, pdm_reads: str) -> str:
    """Write the app's pyproject.toml, ``pdm add gpu-demo``; return the variant installed."""
    console = run.console
    app.mkdir()
    (app / "pyproject.toml").write_text(app_pyproject(server, pdm_reads), encoding="utf-8")
    console.say(f"demo-app/pyproject.toml (PDM reads: {pdm_reads}):")
    console.show((app / "pyproject.toml").read_text(encoding="utf-8"), limit=60)
    run.run(
        [sys.executable, "-m", "venv", "--without-pip", ".venv"], cwd=app, shown="python -m venv --without-pip .venv"
    )
    # The default index is the local PEP 825 index: nothing is fetched from the package registry.
    run.env["PDM_PYPI_URL"] = server.index_url("variants")
    added = run.run([str(BIN / "pdm"), "add", PACKAGE], cwd=app, shown=f"pdm add {PACKAGE}")
    console.show(added.stdout + added.stderr, limit=15)
    label = installed_variant(run, app / ".venv" / "bin" / "python", app)
    console.say(f"-> PDM installed gpu-demo, variant: {label}")
    return label


def generate_uv_config(run: Runner, app: Path) -> None:
    console = run.console
    generated = run.run([str(BIN / "pdm"), "variants", "uv", "--write"], cwd=app, shown="pdm variants uv --write")
    console.show(generated.stdout + generated.stderr, limit=6)
    text = (app / "pyproject.toml").read_text(encoding="utf-8")
    if "\n[tool.uv]" not in text:
        raise DemoError("`pdm variants uv --write` wrote no [tool.uv] table")
    console.show(text[text.index("\n[tool.uv]") + 1 :], limit=25)
    check = run.run([str(BIN / "wheel-variants"), "uv", "--check"], cwd=app, shown="wheel-variants uv --check")
    console.say(f"-> up to date (exit {check.returncode})")


def uv_install(run: Runner, work: Path, app: Path) -> str:
    """A fresh venv, ``uv pip install -r pyproject.toml`` with the generated sources; the variant."""
    console = run.console
    uv, python = str(BIN / "uv"), work / "uv-venv" / "bin" / "python"
    venv = [uv, "venv", "--quiet", "--python", sys.executable, str(work / "uv-venv")]
    run.run(venv, cwd=app, shown="uv venv ../uv-venv")
    install = [uv, "pip", "install", "--python", str(python), "--preview-features", "wheel-variants"]
    installed = run.run(
        [*install, "-r", "pyproject.toml"],
        cwd=app,
        shown="uv pip install --python ../uv-venv --preview-features wheel-variants -r pyproject.toml",
    )
    console.show(installed.stderr, limit=6)
    label = installed_variant(run, python, app)
    console.say(f"-> uv installed gpu-demo, variant: {label}")
    console.say("   (uv 0.13.9 selects variant wheels in `uv pip install`; its `uv lock`/`uv sync` do not yet)")
    return label


def team_lock(run: Runner, app: Path, server: IndexServer) -> None:
    """What each target gets; when one lock covers all of them, install it as each target in turn."""
    console = run.console
    console.say("Each teammate's machine, as a named target in [tool.wheel-variants.targets]:")
    choices: dict[str, str] = {}
    for name in TARGETS:
        chosen, _ = pdm_choice(run, app, name)
        if chosen is None:  # `pdm variants show` does not rank this package: ask the core directly
            chosen = explain_winner(run, app, server, name)
        choices[name] = str(chosen)
        console.say(f"  -> {name:12s} gets {chosen}")
    # TEAM LOCK: one `pdm lock` that records the variant of every [tool.wheel-variants.targets]
    # entry. Until the plugin does that, the lock holds this machine's variant only and the step is
    # skipped; it switches itself on as soon as the lock holds all three.
    run.run([str(BIN / "pdm"), "lock"], cwd=app, shown="pdm lock   # one lock for the whole team")
    lock = tomlkit.parse((app / "pdm.lock").read_text(encoding="utf-8")).unwrap()
    packages = lock.get("metadata", {}).get("wheel-variants", {}).get("packages", {})
    labels = sorted(packages.get(PACKAGE, {}).get("variants", {}))
    if not set(choices.values()) <= set(labels):
        console.say(f"SKIPPED: a team lock over several targets is NOT IMPLEMENTED YET (pdm.lock holds {labels}).")
        console.say("         This step switches itself on when `pdm lock` records every target's variant.")
        return
    console.say(f"-> pdm.lock holds the variants of all three targets: {', '.join(labels)}")
    python = app / ".venv" / "bin" / "python"
    for name, label in choices.items():
        run.run(
            [str(BIN / "pdm"), "install"],
            cwd=app,
            env={"WHEEL_VARIANTS_TARGET": name},
            shown=f"WHEEL_VARIANTS_TARGET={name} pdm install",
        )
        got = installed_variant(run, python, app)
        if got != BUILD_OF_LABEL.get(label, label):
            raise DemoError(f"installing the team lock as {name!r} gave {got!r}, expected {label!r}")
        console.say(f"  -> {name:12s} installs {label}" + (f" (gpu_demo reports {got!r})" if got != label else ""))


def explain_winner(run: Runner, app: Path, server: IndexServer, target: str) -> str | None:
    document = server.root / "variants" / PACKAGE / VARIANTS_JSON
    result = run.run(
        [str(BIN / "wheel-variants"), "explain", "--json", "--target", target, str(document)],
        cwd=app,
        shown=f"wheel-variants explain --json --target {target} {VARIANTS_JSON}",
    )
    winner: str | None = json.loads(result.stdout)["releases"][0]["winner"]
    return winner


def _short_supported(text: str) -> str:
    """``pdm variants show`` lists every supported property; keep the GPU lines and count the rest."""
    out: list[str] = []
    hidden = 0
    for line in text.splitlines():
        if line.startswith("  ") and " :: " in line and not line.lstrip().startswith(("x ", "1.", "2.", "3.")):
            if not line.lstrip().startswith("nvidia ::"):
                hidden += 1
                continue
            head, _, values = line.rpartition(" :: ")
            items = values.split(", ")
            if len(items) > 6:
                line = f"{head} :: {', '.join(items[:4])}, ... ({len(items)} values)"
        elif hidden:
            out.append(f"  ... and {hidden} more (CPU features; `pdm variants show` lists them all)")
            hidden = 0
        out.append(line)
    return _shorten_reasons("\n".join(out))


def _shorten_reasons(text: str) -> str:
    out = []
    for line in text.splitlines():
        if "supports only" in line and line.count(",") > 6:
            head, _, values = line.partition("supports only ")
            items = values.split(", ")
            line = f"{head}supports only {', '.join(items[:4])}, ... ({len(items)} values)"
        out.append(line)
    return "\n".join(out)


# -- entry point ---------------------------------------------------------------------------------


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signal.Signals(signum).name)


@contextmanager
def workspace(keep: bool) -> Iterator[Path]:
    work = Path(tempfile.mkdtemp(prefix="wheel-variants-demo-"))
    try:
        yield work
    finally:
        if keep:
            print(f"\n(kept the demo directory: {work})", flush=True)
        else:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/demo",
        description="Build variant wheels with Hatch, serve them locally, install and lock with PDM, "
        "generate uv configuration and install with uv; all in a temporary directory.",
    )
    parser.add_argument(
        "--real-hardware",
        action="store_true",
        help="detect this machine as it is (default: force a CUDA 12.6 driver so the choice is interesting)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory for inspection")
    parser.add_argument(
        "--pdm-reads",
        choices=("index-variants", "pep825"),
        default=PDM_READS,
        help=f"how PDM gets the variants: per-label indexes or the PEP 825 index (default: {PDM_READS})",
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise_interrupted)
    console = Console()
    print("wheel-variants demo: the main job end to end (about a minute)", flush=True)
    try:
        with workspace(args.keep) as work:
            code = demo(args, work, console)
    except DemoError as error:
        print(f"\ndemo FAILED: {error}", file=sys.stderr, flush=True)
        return 1
    except (KeyboardInterrupt, Interrupted):
        print("\ndemo interrupted; everything it started is stopped and its files are removed", file=sys.stderr)
        return 130
    cleaned = "the temporary directory is kept" if args.keep else "the temporary directory removed"
    print(f"\ndone in {time.monotonic() - console.started:.0f}s; the server is stopped and {cleaned}.", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
