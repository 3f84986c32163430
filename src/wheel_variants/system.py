"""The one seam every hardware probe reads through.

A :class:`SystemRoot` names a file-system root (``/`` for the live machine, or a directory
holding a captured tree with ``proc/``, ``sys/``, ``opt/rocm/`` ...), the environment the
probes see, and two doors to the outside: loading a shared library (for NVML) and running a
command (``nvidia-smi``, ``sysctl``). Both doors are shut for a captured tree: ``--root`` means
"what would this machine get?", so nothing of the live machine may leak into the answer.

For a captured macOS tree the output of ``sysctl`` is read from the file ``sysctl.txt`` at the
root of the tree (``key: value`` lines, as ``sysctl -a`` prints them).

This module is imported on the fast path of ``wheel-variants detect``: it imports only ``os``
and ``sys`` at module level.
"""

# os.path on purpose: importing pathlib costs milliseconds on the `detect` fast path.
# ruff: noqa: PTH100, PTH110, PTH118, PTH208

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported on the `detect` fast path
    from typing import IO

__all__ = ["OUTPUT_LIMIT", "CommandResult", "SystemRoot", "SYSCTL_CAPTURE", "run_command"]

#: File name of a captured ``sysctl`` dump at the root of a captured macOS tree.
SYSCTL_CAPTURE = "sysctl.txt"

#: Upper bound on what one probe reads from one file (``/proc/cpuinfo`` of a 512-CPU box is ~1 MB).
_READ_LIMIT = 8 * 1024 * 1024

#: Upper bound on what one command may print (stdout and stderr each); more stops the command.
OUTPUT_LIMIT = 4 * 1024 * 1024

LibraryLoader = Callable[[Sequence[str]], object | None]
CommandRunner = Callable[[Sequence[str], float], "CommandResult"]


class CommandResult:
    """What running a command gave: exit status and text, or why it did not run."""

    __slots__ = ("error", "returncode", "stderr", "stdout")

    def __init__(self, *, returncode: int | None, stdout: str = "", stderr: str = "", error: str = "") -> None:
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.error = error

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.error


class SystemRoot:
    """Where probes look: a root directory, an environment, a library loader, a command runner.

    ``SystemRoot()`` is the live machine. ``SystemRoot("/some/capture")`` reads files below that
    directory and never loads libraries or runs commands (unless a test passes its own
    ``load_library`` / ``run_command``).
    """

    __slots__ = ("_load_library", "_machine", "_platform", "_run_command", "environ", "live", "root")

    def __init__(
        self,
        root: str | os.PathLike[str] = "/",
        *,
        environ: Mapping[str, str] | None = None,
        platform: str | None = None,
        machine: str | None = None,
        load_library: LibraryLoader | None = None,
        run_command: CommandRunner | None = None,
    ) -> None:
        text = os.fspath(root)
        self.root: str = os.path.abspath(text) if text else "/"
        self.live: bool = self.root == "/"
        self.environ: Mapping[str, str] = os.environ if environ is None else environ
        self._platform = platform
        self._machine = machine
        self._load_library = load_library
        self._run_command = run_command

    def __repr__(self) -> str:
        return f"SystemRoot({self.root!r})"

    # -- files -------------------------------------------------------------------------------

    def path(self, absolute: str) -> str:
        """Map an absolute path of the probed machine (``/proc/cpuinfo``) into this root."""
        if self.live:
            return absolute
        return os.path.join(self.root, absolute.lstrip("/"))

    def read_text(self, absolute: str) -> str | None:
        """Return the file's text, or None when it does not exist or cannot be read.

        Undecodable bytes are replaced, never fatal: parsers decide whether the text makes sense.
        Only regular files are read (``/proc`` and ``/sys`` files are): a FIFO or a device under
        ``--root`` is None at once instead of blocking or reading forever; at most 8 MiB is read.
        """
        import stat

        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
        try:
            descriptor = os.open(self.path(absolute), flags)
        except OSError:
            return None
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                return None
            with os.fdopen(descriptor, "rb", closefd=False) as stream:
                data = stream.read(_READ_LIMIT)
        except OSError:
            return None
        finally:
            os.close(descriptor)
        return data.decode("utf-8", "replace")

    def exists(self, absolute: str) -> bool:
        return os.path.exists(self.path(absolute))

    def listdir(self, absolute: str) -> list[str]:
        """Sorted entries of a directory; empty when it is missing or unreadable."""
        try:
            return sorted(os.listdir(self.path(absolute)))
        except OSError:
            return []

    # -- platform ----------------------------------------------------------------------------

    @property
    def platform(self) -> str:
        """``sys.platform`` of the probed machine (a captured tree with ``sysctl.txt`` is darwin)."""
        if self._platform is not None:
            return self._platform
        if self.live:
            return sys.platform
        return "darwin" if os.path.exists(os.path.join(self.root, SYSCTL_CAPTURE)) else "linux"

    @property
    def machine(self) -> str:
        """Normalised CPU architecture: ``x86_64``, ``aarch64`` or what ``uname -m`` says."""
        if self._machine is not None:
            return _normalise_machine(self._machine)
        if self.live:
            return _normalise_machine(os.uname().machine if hasattr(os, "uname") else _windows_machine())
        return self._guess_machine()

    def _guess_machine(self) -> str:
        # A captured tree carries no uname: tell the architecture from what the CPU dump holds.
        if self.platform == "darwin":
            text = self.sysctl() or ""
            if "hw.optional.arm64: 1" in text or "brand_string: Apple" in text:
                return "aarch64"
            return "x86_64" if "machdep.cpu.features" in text else "unknown"
        text = self.read_text("/proc/cpuinfo") or ""
        for line in text.splitlines():
            key = line.partition(":")[0].strip().lower()
            if key == "flags":
                return "x86_64"
            if key == "features":
                return "aarch64"
        return "unknown"

    # -- doors to the outside ----------------------------------------------------------------

    @property
    def can_run_commands(self) -> bool:
        """True for the live machine, or when a test supplied its own command runner."""
        return self.live or self._run_command is not None

    def load_library(self, names: Sequence[str]) -> object | None:
        """Load the first shared library of *names* that loads; None if none does (or not live)."""
        if self._load_library is not None:
            return self._load_library(names)
        if not self.live:
            return None
        import ctypes

        for name in names:
            try:
                return ctypes.CDLL(name)
            except OSError:
                continue
        return None

    def run(self, argv: Sequence[str], timeout: float = 2.0) -> CommandResult:
        """Run a command with a timeout; never raises for a missing, failing or hanging command."""
        if self._run_command is not None:
            return self._run_command(argv, timeout)
        if not self.live:
            return CommandResult(returncode=None, error="commands are not run for a captured --root tree")
        if not _on_path(argv[0]):
            return CommandResult(returncode=None, error="not found")
        return run_command(argv, timeout, OUTPUT_LIMIT)

    def sysctl(self) -> str | None:
        """``sysctl`` text of a macOS machine: the capture for a tree, a 2-second run when live."""
        if not self.live and self._run_command is None:
            return self.read_text("/" + SYSCTL_CAPTURE)
        result = self.run(["sysctl", "machdep.cpu", "hw"], 2.0)
        return result.stdout if result.stdout else None


def run_command(argv: Sequence[str], timeout: float, limit: int = OUTPUT_LIMIT) -> CommandResult:
    """Run *argv* with stdin closed; stop it after *timeout* seconds or once it printed more than
    *limit* bytes on stdout or stderr. Never raises for a missing, failing or hanging command."""
    import subprocess
    import threading
    import time

    try:
        process = subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError:
        return CommandResult(returncode=None, error="not found")
    except OSError as error:
        return CommandResult(returncode=None, error=str(error))
    captured: dict[str, bytes] = {}
    too_long: list[str] = []

    def drain(name: str, stream: IO[bytes]) -> None:
        data = stream.read(limit + 1)  # returns at EOF or after limit + 1 bytes
        if len(data) > limit:
            too_long.append(name)
            process.kill()
        captured[name] = data[:limit]

    readers = [
        threading.Thread(target=drain, args=(name, stream), daemon=True)
        for name, stream in (("stdout", process.stdout), ("stderr", process.stderr))
        if stream is not None
    ]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + timeout
    for reader in readers:
        reader.join(max(0.0, deadline - time.monotonic()))
    timed_out = any(reader.is_alive() for reader in readers)
    if timed_out:
        process.kill()
        for reader in readers:
            reader.join(1.0)  # a grandchild holding the pipe open must not hang us
    try:
        returncode = process.wait(max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        process.kill()
        timed_out = True
        returncode = process.wait()
    if not any(reader.is_alive() for reader in readers):
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
    if too_long:
        return CommandResult(returncode=None, error=f"printed more than {limit} bytes on {too_long[0]}; stopped")
    if timed_out:
        return CommandResult(returncode=None, error=f"timed out after {timeout:g} s")
    return CommandResult(
        returncode=returncode,
        stdout=captured.get("stdout", b"").decode("utf-8", "replace"),
        stderr=captured.get("stderr", b"").decode("utf-8", "replace"),
    )


def _on_path(program: str) -> bool:
    """Whether *program* can be found, without importing subprocess for a missing one."""
    if os.sep in program or (os.altsep and os.altsep in program):
        return os.path.exists(program)
    suffixes = ("", ".exe") if sys.platform == "win32" else ("",)
    for directory in os.environ.get("PATH", os.defpath).split(os.pathsep):
        for suffix in suffixes:
            if directory and os.path.exists(os.path.join(directory, program + suffix)):
                return True
    return False


def _normalise_machine(machine: str) -> str:
    lowered = machine.lower()
    if lowered in ("x86_64", "amd64", "x64"):
        return "x86_64"
    if lowered in ("aarch64", "arm64", "armv8l"):
        return "aarch64"
    return lowered


def _windows_machine() -> str:  # pragma: no cover - Windows only
    return os.environ.get("PROCESSOR_ARCHITECTURE", "unknown")
