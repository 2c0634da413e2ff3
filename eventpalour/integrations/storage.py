"""Where uploaded bytes live: a small interface, with local disk as the one backend for now.

Services only ever call `get_storage()` and the four methods of `Storage`, so an S3-style backend
(keys as object names, the content type as object metadata) can replace `LocalDiskStorage` without
touching them. Keys are relative names such as `LOGOS/acme/k3j9….png`; a backend never lets one
reach outside its own root.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Protocol

from eventpalour.config import settings


class StorageKeyError(ValueError):
    """The key is not a plain relative name inside the storage root (absolute, `..`, empty, NUL)."""


class StoredFileMissing(LookupError):
    """Nothing is stored under the key."""


class Storage(Protocol):
    """What the upload service needs from a file store."""

    def save(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` under `key`, replacing any previous object, all at once or not at all."""

    def read(self, key: str) -> bytes:
        """The bytes stored under `key`. Raises StoredFileMissing."""

    def delete(self, key: str) -> None:
        """Remove `key`; a missing key is not an error."""

    def exists(self, key: str) -> bool:
        """Whether something is stored under `key`."""


class LocalDiskStorage:
    """Files under one directory; each key is a path relative to it, checked after resolving."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()

    def path_for(self, key: str) -> Path:
        """The absolute path of `key`, or StorageKeyError when it could land outside the root."""
        # A key's own charset (no NUL, backslash or leading slash), not the text rule of services/platform/text.py:
        # keys are built by services/platform/uploads.py, so a bad one is a bug, refused rather than cleaned.
        if not key or "\x00" in key or "\\" in key or key.startswith("/"):
            raise StorageKeyError(f"Not a storage key: {key!r}")
        # resolve() also follows symlinks, so a link inside the root cannot point the write elsewhere.
        path = (self.root / key).resolve()
        if path == self.root or not path.is_relative_to(self.root):
            raise StorageKeyError(f"Storage key leaves the storage root: {key!r}")
        return path

    def save(self, key: str, data: bytes, content_type: str) -> None:
        # The content type is kept in the database row; plain files have nowhere to put it.
        path = self.path_for(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target, then rename: a reader never sees half a file.
        handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as temp_file:
                temp_file.write(data)
            os.replace(temp_name, path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise

    def read(self, key: str) -> bytes:
        try:
            return self.path_for(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise StoredFileMissing(key) from None

    def delete(self, key: str) -> None:
        self.path_for(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self.path_for(key).is_file()


def get_storage() -> Storage:
    """The configured store: local disk under `settings.upload_dir` (read at call time, so tests can move it)."""
    return LocalDiskStorage(settings.upload_dir)
