"""The local disk store: round trips, and no key ever reaches outside its root."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventpalour.config import settings
from eventpalour.integrations.storage import LocalDiskStorage, StorageKeyError, StoredFileMissing, get_storage

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)


@pytest.fixture
def storage(tmp_path: Path) -> LocalDiskStorage:
    return LocalDiskStorage(tmp_path / "root")


def test_save_read_exists_delete_round_trip(storage: LocalDiskStorage) -> None:
    storage.save("LOGOS/acme/a.png", b"bytes", "image/png")

    assert storage.exists("LOGOS/acme/a.png")
    assert storage.read("LOGOS/acme/a.png") == b"bytes"
    storage.delete("LOGOS/acme/a.png")
    assert not storage.exists("LOGOS/acme/a.png")
    storage.delete("LOGOS/acme/a.png")


def test_save_replaces_whole_file_and_leaves_no_temporary_files(storage: LocalDiskStorage) -> None:
    storage.save("EVENTS/a.jpg", b"first version, longer", "image/jpeg")
    storage.save("EVENTS/a.jpg", b"second", "image/jpeg")

    assert storage.read("EVENTS/a.jpg") == b"second"
    assert [p.name for p in (storage.root / "EVENTS").iterdir()] == ["a.jpg"]


def test_read_missing_key_raises(storage: LocalDiskStorage) -> None:
    with pytest.raises(StoredFileMissing):
        storage.read("KYC/none.pdf")
    storage.save("KYC/folder/x.pdf", b"%PDF-", "application/pdf")
    with pytest.raises(StoredFileMissing):
        storage.read("KYC/folder")


@pytest.mark.parametrize(
    "key", ["", ".", "..", "../outside.png", "LOGOS/../../outside.png", "/etc/passwd", "a\\..\\b", "a\x00b"]
)
def test_key_outside_root_refused(storage: LocalDiskStorage, key: str, tmp_path: Path) -> None:
    with pytest.raises(StorageKeyError):
        storage.save(key, b"x", "image/png")
    with pytest.raises(StorageKeyError):
        storage.read(key)
    with pytest.raises(StorageKeyError):
        storage.exists(key)
    assert not (tmp_path / "outside.png").exists()


def test_symlink_out_of_root_refused(storage: LocalDiskStorage, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    storage.root.mkdir(parents=True)
    (storage.root / "LOGOS").symlink_to(outside, target_is_directory=True)

    with pytest.raises(StorageKeyError):
        storage.save("LOGOS/a.png", b"x", "image/png")
    assert list(outside.iterdir()) == []


def test_get_storage_uses_configured_upload_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "upload_dir", tmp_path / "configured")

    get_storage().save("LOGOS/a.png", b"x", "image/png")

    assert (tmp_path / "configured" / "LOGOS" / "a.png").read_bytes() == b"x"
