"""Where rendered files go: a small Storage interface and the local-directory store.

A key is a relative, '/'-separated name (`backroom-leeds/daily_summary/2026-11-21/
daily_summary-2026-11-21-g42.pdf`), the same for any store, so an S3-compatible
store can implement this Protocol later with the key as its object key
(`put` = PutObject with ContentType, `open` = GetObject, `exists` = HeadObject,
uri `s3://bucket/key`, path None). Keys never contain "..", a leading "/",
backslashes, control characters or a component starting with "." (temporary
files are dot-files, so they can never be asked for by key).

LocalStorage writes atomically: the bytes go to a temporary dot-file in the
destination directory, are fsynced, and os.replace() gives the file its name;
the directory is fsynced after, so the rename survives a crash. A reader sees
the old file or the new one, never half of one. A full disk raises StorageError
naming the key, and leaves no temporary file behind.

Deleting (retention, erasure: renderer/expire_files.py) removes the file and
leaves a tombstone, an empty dot-file `.<name>.gone` beside where it was, so
a later read can tell a file that was deleted on purpose (GoneError: the link
server answers 410 Gone) from one that never was (NotFoundError, 404). The
tombstone names nothing but the key; storing the key again removes it.
"""

import contextlib
import hashlib
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from renderer import settings
from renderer.durable_files import fsync_directory, write_atomically
from renderer.tabular import slugify

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "zip": "application/zip",
    "json": "application/json",
}
MAX_KEY_LENGTH = 1024
_UNSAFE_KEY_CHARS = re.compile(r"[\x00-\x1f\x7f\\]")
# The file name report_key() makes: <template>-<period>-g<generation>.<ext>.
_REPORT_FILE_NAME = re.compile(
    r"[a-z0-9_]+-\d{4}-\d{2}-\d{2}(?:_\d{4}-\d{2}-\d{2})?-g(?P<generation>\d{1,18})\.(?P<format>[a-z0-9]{1,10})"
)


class StorageError(Exception):
    """A file could not be stored or read (disk full, permissions, ...)."""


class UnsafeKeyError(StorageError, ValueError):
    """A key that could name something outside the store (.., absolute, hidden)."""


class NotFoundError(StorageError):
    """No file under that key."""


class GoneError(NotFoundError):
    """The file under that key was deleted on purpose (retention or erasure)."""


@dataclass(frozen=True)
class StoredFile:
    key: str
    uri: str  # file:///..., s3://bucket/key, ...
    path: str | None  # a local file path, where the store has one
    bytes: int
    sha256: str
    content_type: str


class Storage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> StoredFile: ...

    def open(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> bool: ...


def check_key(key: str) -> str:
    """The key itself when it is safe for any store; UnsafeKeyError otherwise."""
    if not isinstance(key, str) or not key:
        raise UnsafeKeyError("a file key must be a non-empty string")
    if len(key) > MAX_KEY_LENGTH:
        raise UnsafeKeyError(f"file key longer than {MAX_KEY_LENGTH} characters")
    if key.startswith("/") or _UNSAFE_KEY_CHARS.search(key) or re.match(r"^[A-Za-z]:", key):
        raise UnsafeKeyError(f"file key {key!r} is absolute or has control characters/backslashes")
    for part in key.split("/"):
        if not part or part.startswith("."):
            raise UnsafeKeyError(f"file key {key!r} has an empty, '.', '..' or hidden component")
    return key


def content_type_for(key: str) -> str:
    return CONTENT_TYPES.get(key.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def report_key(
    organization: str,
    template_key: str,
    period_start: date | str,
    period_end: date | str,
    generation_id: int | str,
    extension: str,
) -> str:
    """`<organization>/<template>/<period>/<template>-<period>-g<generation>.<ext>`.

    The period is the day (`2026-11-21`) or `start_end` (`2026-11-16_2026-11-22`).
    The organization may be a slug or an id; it is slugified either way.
    """
    start, end = str(period_start), str(period_end)
    for value in (start, end):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(f"period dates must be ISO dates (YYYY-MM-DD), not {value!r}")
    period = start if start == end else f"{start}_{end}"
    org = slugify(organization)
    template = slugify(template_key, keep="_")
    ext = str(extension).lower().lstrip(".")
    if not org or not template or not re.fullmatch(r"[a-z0-9]{1,10}", ext):
        raise ValueError(
            f"cannot make a file key of organization {organization!r}, "
            f"template {template_key!r}, extension {extension!r}"
        )
    generation = re.sub(r"[^A-Za-z0-9]", "", str(generation_id))
    if not generation:
        raise ValueError(f"generation id {generation_id!r} is empty")
    return check_key(f"{org}/{template}/{period}/{template}-{period}-g{generation}.{ext}")


def parse_report_key(key: str) -> tuple[int, str] | None:
    """The generation id and format a report_key() names, or None for any other key.

    `org/daily_summary/2026-11-21/daily_summary-2026-11-21-g42.pdf` -> (42, "pdf").
    """
    match = _REPORT_FILE_NAME.fullmatch(key.rsplit("/", 1)[-1])
    if match is None:
        return None
    return int(match["generation"]), match["format"]


class LocalStorage:
    """Files under one root directory; keys are paths relative to it."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).resolve()

    def path_for(self, key: str) -> Path:
        path = self.root.joinpath(*check_key(key).split("/"))
        # A symlink inside the root must not lead out of it either.
        real = path.resolve()
        if real != self.root and not real.is_relative_to(self.root):
            raise UnsafeKeyError(f"file key {key!r} leads outside the storage root")
        return path

    def put(self, key: str, data: bytes, content_type: str | None = None) -> StoredFile:
        path = self.path_for(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, data, before_sync=lambda: self.remove_tombstone(path))
        except OSError as exc:
            raise StorageError(f"could not store {key}: {exc.strerror or exc}") from exc
        return StoredFile(
            key=key,
            uri=path.as_uri(),
            path=str(path),
            bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            content_type=content_type or content_type_for(key),
        )

    @staticmethod
    def tombstone_for(path: Path) -> Path:
        return path.with_name(f".{path.name}.gone")

    def remove_tombstone(self, path: Path) -> None:
        """A file stored again is no longer deleted."""
        with contextlib.suppress(FileNotFoundError):
            self.tombstone_for(path).unlink()

    def open(self, key: str) -> bytes:
        path = self.path_for(key)
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            if self.tombstone_for(path).is_file():
                raise GoneError(f"file {key} was deleted") from exc
            raise NotFoundError(f"no file {key}") from exc
        except OSError as exc:
            raise StorageError(f"could not read {key}: {exc.strerror or exc}") from exc

    def exists(self, key: str) -> bool:
        return self.path_for(key).is_file()

    def delete(self, key: str) -> bool:
        """Removes the file and leaves its tombstone; True if there was a file to remove.

        Idempotent: deleting again, or a key never stored, only (re)writes the tombstone.
        """
        path = self.path_for(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.tombstone_for(path).touch()
            try:
                path.unlink()
                removed = True
            except FileNotFoundError:
                removed = False
            fsync_directory(path.parent)
        except OSError as exc:
            raise StorageError(f"could not delete {key}: {exc.strerror or exc}") from exc
        return removed


def default_storage() -> LocalStorage:
    """The project's out/reports/ (NIGHTCAP_STORAGE_DIR overrides it)."""
    root = os.environ.get("NIGHTCAP_STORAGE_DIR") or settings.PROJECT_ROOT / "out" / "reports"
    return LocalStorage(Path(root))
