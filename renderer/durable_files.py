"""Writing files so that a crash leaves either the old state or the new one, never half.

write_atomically() writes a private temporary file beside the target, fsyncs
it, renames it over the target and fsyncs the directory, so the rename itself
survives a power cut; fsync_directory() is that last step, for callers that
rename or remove files themselves. Both raise OSError; callers say what failed.
"""

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def fsync_directory(directory: Path) -> None:
    """Make the directory's entries (a rename, a new or removed file) durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(
    path: Path, data: bytes, mode: int = 0o644, before_sync: Callable[[], None] | None = None
) -> None:
    """`data` at `path`, whole or not at all; the parent directory must exist.

    before_sync runs after the rename and before the directory's fsync (e.g. to
    remove a marker file in the same durable step).
    """
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
            os.fchmod(tmp.fileno(), mode)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    if before_sync is not None:
        before_sync()
    fsync_directory(path.parent)
