"""Storing and serving uploads (SPEC §8), on a real database and a real (temporary) upload folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlmodel import func, select

from eventpalour.config import settings
from eventpalour.db import read_only, transaction
from eventpalour.integrations.storage import LocalDiskStorage
from eventpalour.models import AdminLevel, PlatformAdmin, Upload, User, UserStatus
from eventpalour.services.events.media import MAX_PIXELS
from eventpalour.services.identity import auth
from eventpalour.services.identity.accounts import UserSummary
from eventpalour.services.platform import uploads
from eventpalour.services.platform.errors import (
    NotAuthenticated,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)
from eventpalour.services.platform.uploads import MB
from tests import samples
from tests.factories import make_user

CONTENT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}


@pytest.fixture(autouse=True)
def upload_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty upload folder per test, so "nothing was stored" can be checked on disk."""
    root = tmp_path / "uploads"
    monkeypatch.setattr(settings, "upload_dir", root)
    return root


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def upload_rows() -> list[Upload]:
    with read_only() as session:
        return list(session.exec(select(Upload)).all())


def assert_nothing_stored(root: Path) -> None:
    assert upload_rows() == []
    assert stored_files(root) == []


def store(
    actor: UserSummary | None,
    data: bytes,
    bucket: str = "LOGOS",
    folder: str | None = "acme",
    filename: str = "logo.png",
) -> uploads.UploadResult:
    return uploads.store_upload(actor=actor, bucket=bucket, folder=folder, filename=filename, data=data)


def make_admin(level: AdminLevel) -> UserSummary:
    """A platform admin of `level`, as the session lookup sees them after the row exists."""
    admin = make_user(two_factor=True)
    with transaction() as session:
        session.add(PlatformAdmin(user_id=admin.id, level=level))
    return auth.current_user(admin.token)


def reader_named(reader: str) -> UserSummary | None:
    """Somebody who is not the owner: nobody signed in, another user, or a platform admin of a level."""
    if reader == "anonymous":
        return None
    if reader == "other user":
        return make_user().summary
    return make_admin(AdminLevel(reader))


# --- accepted files --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_store_upload_image_reencoded_without_metadata(fmt: str, upload_dir: Path) -> None:
    owner = make_user()
    original = samples.image_bytes(fmt, (60, 30))
    assert samples.CAMERA.encode() in original

    result = store(owner.summary, original, filename="../../etc/Photo Of Me.PNG")

    assert re.fullmatch(rf"LOGOS/acme/[a-z0-9]{{24}}\.{EXTENSIONS[fmt]}", result.key)
    assert result.url == f"/api/files/{result.key}"
    assert result.content_type == CONTENT_TYPES[fmt]
    [path] = stored_files(upload_dir)
    assert path == upload_dir / result.key
    stored = path.read_bytes()
    assert result.size == len(stored)
    assert samples.CAMERA.encode() not in stored
    image = samples.opened(stored)
    assert image.format == fmt
    assert image.size == (30, 60), "the EXIF rotation is applied to the pixels"
    assert not image.getexif()
    [row] = upload_rows()
    assert (row.key, row.bucket, row.owner_id) == (result.key, "LOGOS", owner.id)
    assert (row.content_type, row.size, row.original_name) == (result.content_type, len(stored), "Photo Of Me.PNG")


def test_store_upload_without_folder_stored_at_bucket_root() -> None:
    result = store(make_user().summary, samples.image_bytes("JPEG"), bucket="EVENTS", folder=None)

    assert re.fullmatch(r"EVENTS/[a-z0-9]{24}\.jpg", result.key)


def test_store_upload_same_file_twice_gets_two_random_names() -> None:
    owner = make_user().summary
    data = samples.image_bytes()

    assert store(owner, data).key != store(owner, data).key
    assert len(upload_rows()) == 2


def test_store_upload_type_decided_by_bytes_not_name() -> None:
    result = store(make_user().summary, samples.image_bytes("PNG"), filename="holiday.jpg")

    assert result.content_type == "image/png"
    assert result.key.endswith(".png")


def test_store_upload_php_appended_to_image_dropped(upload_dir: Path) -> None:
    polyglot = samples.image_bytes("PNG") + samples.PHP

    store(make_user().summary, polyglot)

    [path] = stored_files(upload_dir)
    assert b"<?php" not in path.read_bytes()


def test_store_upload_at_exact_size_limit_accepted() -> None:
    data = samples.padded(samples.image_bytes("PNG"), 2 * MB)

    result = store(make_user().summary, data, bucket="LOGOS")

    assert result.size < 2 * MB, "the padding after the image is not kept"


def test_store_upload_kyc_pdf_stored_as_is(upload_dir: Path) -> None:
    result = store(make_user().summary, samples.PDF, bucket="KYC", folder="ids", filename="id.pdf")

    assert re.fullmatch(r"KYC/ids/[a-z0-9]{24}\.pdf", result.key)
    assert result.content_type == "application/pdf"
    assert (upload_dir / result.key).read_bytes() == samples.PDF


# --- refused uploads: nothing is stored ------------------------------------------------------------------------


def test_store_upload_anonymous_rejected(upload_dir: Path) -> None:
    with pytest.raises(NotAuthenticated):
        store(None, samples.image_bytes())
    assert_nothing_stored(upload_dir)


def test_store_upload_suspended_account_rejected(upload_dir: Path) -> None:
    user = make_user()
    with transaction() as session:
        session.get(User, user.id).status = UserStatus.SUSPENDED

    with pytest.raises(NotAuthenticated):
        store(user.summary, samples.image_bytes())
    assert_nothing_stored(upload_dir)


@pytest.mark.parametrize("bucket", ["", "logos", "AVATARS", "../KYC", "KYC/../LOGOS"])
def test_store_upload_unknown_bucket_rejected(bucket: str, upload_dir: Path) -> None:
    with pytest.raises(ValidationFailed) as caught:
        store(make_user().summary, samples.image_bytes(), bucket=bucket)
    assert caught.value.details[0].path == ("bucket",)
    assert_nothing_stored(upload_dir)


@pytest.mark.parametrize(
    "folder", ["..", "../x", "../../etc", "a/b", "/abs", "a\\b", "Acme", "a b", "a.b", "%2e%2e", "é", "x" * 65, "a\x00"]
)
def test_store_upload_bad_folder_rejected(folder: str, upload_dir: Path) -> None:
    with pytest.raises(ValidationFailed) as caught:
        store(make_user().summary, samples.image_bytes(), folder=folder)
    assert caught.value.details[0].path == ("folder",)
    assert_nothing_stored(upload_dir)


@pytest.mark.parametrize(("bucket", "limit"), [("LOGOS", 2 * MB), ("EVENTS", 5 * MB), ("KYC", 5 * MB)])
def test_store_upload_over_bucket_limit_rejected(bucket: str, limit: int, upload_dir: Path) -> None:
    data = samples.padded(samples.image_bytes("PNG"), limit + 1)

    with pytest.raises(PayloadTooLarge) as caught:
        store(make_user().summary, data, bucket=bucket)
    assert f"at most {limit // MB} MB" in caught.value.message
    assert_nothing_stored(upload_dir)


@pytest.mark.parametrize(
    ("data", "bucket"),
    [
        (samples.PHP, "LOGOS"),
        (samples.HTML, "EVENTS"),
        (samples.SVG, "LOGOS"),
        (samples.gif_bytes(), "EVENTS"),
        (samples.PDF, "LOGOS"),
        (samples.PDF, "EVENTS"),
        (samples.PDF.replace(b"%%EOF", b""), "KYC"),
        (samples.HTML, "KYC"),
        (b"\x89PNG\r\n\x1a\n" + samples.PHP, "LOGOS"),
        (samples.truncated(samples.image_bytes("PNG", (200, 200))), "LOGOS"),
        (samples.truncated(samples.image_bytes("JPEG", (200, 200))), "EVENTS"),
        (samples.truncated(samples.image_bytes("WEBP", (200, 200))), "KYC"),
    ],
    ids=[
        "php",
        "html",
        "svg",
        "gif",
        "pdf-as-logo",
        "pdf-as-event",
        "pdf-without-end",
        "html-as-kyc",
        "png-magic-then-php",
        "truncated-png",
        "truncated-jpeg",
        "truncated-webp",
    ],
)
def test_store_upload_unsupported_content_rejected(data: bytes, bucket: str, upload_dir: Path) -> None:
    with pytest.raises(UnsupportedMediaType):
        store(make_user().summary, data, bucket=bucket, filename="innocent.png")
    assert_nothing_stored(upload_dir)


def test_store_upload_empty_file_rejected(upload_dir: Path) -> None:
    with pytest.raises(ValidationFailed) as caught:
        store(make_user().summary, b"")
    assert caught.value.details[0].path == ("file",)
    assert_nothing_stored(upload_dir)


@pytest.mark.parametrize("size", [(8000, 6000), (20000, 20000), (1, MAX_PIXELS + 1)])
def test_store_upload_decompression_bomb_rejected(size: tuple[int, int], upload_dir: Path) -> None:
    with pytest.raises(ValidationFailed) as caught:
        store(make_user().summary, samples.png_claiming_size(*size))
    assert caught.value.details[0].path == ("file",)
    assert "megapixels" in caught.value.message
    assert_nothing_stored(upload_dir)


class FailingAfterWrite(LocalDiskStorage):
    """A disk that writes the file and then reports a failure (a full disk, a lost network share)."""

    def save(self, key: str, data: bytes, content_type: str) -> None:
        super().save(key, data, content_type)
        raise OSError("No space left on device")


def test_store_upload_storage_failure_leaves_no_row_and_no_file(
    upload_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "get_storage", lambda: FailingAfterWrite(upload_dir))

    with pytest.raises(OSError):
        store(make_user().summary, samples.image_bytes())
    assert_nothing_stored(upload_dir)


# --- reading ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bucket", ["LOGOS", "EVENTS"])
def test_read_upload_public_bucket_for_anyone(bucket: str) -> None:
    result = store(make_user().summary, samples.image_bytes("WEBP"), bucket=bucket)

    content = uploads.read_upload(actor=None, key=result.key)

    assert (content.content_type, content.public) == ("image/webp", True)
    assert len(content.data) == result.size


def test_read_upload_kyc_for_owner() -> None:
    owner = make_user()
    result = store(owner.summary, samples.PDF, bucket="KYC")

    content = uploads.read_upload(actor=owner.summary, key=result.key)

    assert (content.content_type, content.data, content.public) == ("application/pdf", samples.PDF, False)


@pytest.mark.parametrize("level", [AdminLevel.SUPER_ADMIN, AdminLevel.FINANCE])
def test_read_upload_kyc_for_kyc_reviewer(level: AdminLevel) -> None:
    result = store(make_user().summary, samples.image_bytes("JPEG"), bucket="KYC")

    content = uploads.read_upload(actor=make_admin(level), key=result.key)

    assert content.content_type == "image/jpeg"


@pytest.mark.parametrize("reader", ["anonymous", "other user", AdminLevel.SUPPORT, AdminLevel.MODERATOR])
def test_read_upload_kyc_hidden_from_others(reader: str) -> None:
    result = store(make_user().summary, samples.PDF, bucket="KYC")
    actor = reader_named(reader)

    with pytest.raises(NotFound) as hidden:
        uploads.read_upload(actor=actor, key=result.key)
    with pytest.raises(NotFound) as missing:
        uploads.read_upload(actor=actor, key="KYC/" + "x" * 24 + ".pdf")
    assert hidden.value.message == missing.value.message


@pytest.mark.parametrize("key", ["", "LOGOS/nothing.png", "../../etc/passwd", "LOGOS/" + "a" * 300])
def test_read_upload_unknown_key_not_found(key: str) -> None:
    with pytest.raises(NotFound):
        uploads.read_upload(actor=make_user().summary, key=key)


def test_read_upload_file_gone_from_disk_not_found(upload_dir: Path) -> None:
    result = store(make_user().summary, samples.image_bytes())
    (upload_dir / result.key).unlink()

    with pytest.raises(NotFound):
        uploads.read_upload(actor=None, key=result.key)
    with read_only() as session:
        assert session.exec(select(func.count()).select_from(Upload)).one() == 1
