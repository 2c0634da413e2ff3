"""Uploading files (workspace logos, event images, KYC documents) and serving them back (SPEC §8).

A file is checked and re-encoded (`services.media`) before anything is written, stored under a
random name, and recorded in `uploads` with its owner, so private buckets can be guarded on the way
out. LOGOS and EVENTS files are public; a KYC file is shown only to its owner and to the platform
admins who review KYC, and looks exactly like a missing file to everybody else.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from sqlmodel import Session, select

from eventpalour import routes
from eventpalour.db import read_only, transaction
from eventpalour.integrations.storage import StorageKeyError, StoredFileMissing, get_storage
from eventpalour.models import BlueTicketRequest, Upload, UploadBucket
from eventpalour.models.types import new_id
from eventpalour.services import admin, events
from eventpalour.services.admin import AdminCapability
from eventpalour.services.identity import UserSummary, load_active_user
from eventpalour.services.platform.errors import NotAuthenticated, NotFound, PayloadTooLarge, ValidationFailed
from eventpalour.services.platform.i18n import N_

MB = 1024 * 1024
SIZE_LIMITS: dict[UploadBucket, int] = {
    UploadBucket.LOGOS: 2 * MB,
    UploadBucket.EVENTS: 5 * MB,
    UploadBucket.KYC: 5 * MB,
}
MAX_UPLOAD_BYTES = max(SIZE_LIMITS.values())
"""The largest file any bucket takes; the API refuses bigger request bodies before reading them."""

PRIVATE_BUCKETS = frozenset({UploadBucket.KYC})
FOLDER_PATTERN = re.compile(r"[a-z0-9_-]{0,64}")
STORED_NAME_LENGTH = 24
MAX_KEY_LENGTH = 255
MAX_ORIGINAL_NAME = 255


@dataclass(frozen=True)
class UploadResult:
    """Where a stored file can be fetched, and what was stored."""

    url: str
    key: str
    content_type: str
    size: int


@dataclass(frozen=True)
class UploadContent:
    """A stored file on its way out. `public` files may be cached by anyone; private ones by nobody."""

    content_type: str
    data: bytes
    public: bool


def store_upload(
    *, actor: UserSummary | None, bucket: str, folder: str | None, filename: str | None, data: bytes
) -> UploadResult:
    """Check, clean and store one file, and record it as the actor's.

    Nothing is written (no file, no row) unless every check passes.

    Raises:
        NotAuthenticated: nobody is signed in (or the account is suspended).
        ValidationFailed: unknown `bucket`, a `folder` that is not one plain segment, an empty file,
            or an image above events.MAX_PIXELS.
        PayloadTooLarge: the file is above the bucket's limit (LOGOS 2 MB, EVENTS and KYC 5 MB).
        UnsupportedMediaType: the bytes are not a PNG, JPEG or WebP image (or a PDF, for KYC),
            or the image does not decode completely.
    """
    if actor is None:
        raise NotAuthenticated()
    target = _parse_bucket(bucket)
    folder_name = _parse_folder(folder)
    _check_size(target, data)
    clean = events.clean_upload(data, allow_pdf=target == UploadBucket.KYC)
    stored_name = f"{new_id(STORED_NAME_LENGTH)}.{clean.extension}"
    key = "/".join(part for part in (target.value, folder_name, stored_name) if part)
    storage = get_storage()
    try:
        with transaction() as session:
            load_active_user(session, actor.id)
            session.add(
                Upload(
                    key=key,
                    bucket=target.value,
                    owner_id=actor.id,
                    content_type=clean.content_type,
                    size=len(clean.data),
                    original_name=_original_name(filename),
                )
            )
            session.flush()
            # Written last inside the transaction: a failed write rolls the row back with it.
            storage.save(key, clean.data, clean.content_type)
    except BaseException:
        storage.delete(key)
        raise
    return UploadResult(url=routes.file_url(key), key=key, content_type=clean.content_type, size=len(clean.data))


def read_upload(*, actor: UserSummary | None, key: str) -> UploadContent:
    """The stored file under `key`, when `actor` may see it.

    Raises:
        NotFound: no such file, or a private (KYC) file that `actor` may not see; the two are
            indistinguishable, so probing keys reveals nothing.
    """
    missing = NotFound(N_("This file does not exist."))
    if not key or len(key) > MAX_KEY_LENGTH:
        raise missing
    with read_only() as session:
        row = session.get(Upload, key)
        if row is None:
            raise missing
        public = row.bucket not in PRIVATE_BUCKETS
        if not public and not _may_read_private(session, actor, row):
            raise missing
    try:
        data = get_storage().read(row.key)
    except (StoredFileMissing, StorageKeyError):
        raise missing from None
    return UploadContent(content_type=row.content_type, data=data, public=public)


def _may_read_private(session: Session, actor: UserSummary | None, row: Upload) -> bool:
    """Private files: their owner, KYC reviewers (SPEC §1.2), and blue-ticket reviewers for the
    documents attached to a verification request. The level is read now, not from a cached summary,
    so a revoked admin loses access at once; an admin whose session did not pass two-factor sign-in
    reads nothing of others' (as the admin area answers nothing then)."""
    if actor is None:
        return False
    if actor.id == row.owner_id:
        return True
    if not actor.second_factor_passed:
        return False
    level = admin.admin_level_in(session, actor.id)
    if admin.admin_allows(level, AdminCapability.REVIEW_KYC):
        return True
    if admin.admin_allows(level, AdminCapability.REVIEW_BLUE_TICKETS):
        attached = select(BlueTicketRequest.id).where(BlueTicketRequest.document_key == row.key)
        return session.exec(attached).first() is not None
    return False


def _parse_bucket(raw: str) -> UploadBucket:
    try:
        return UploadBucket((raw or "").strip())
    except ValueError:
        names = ", ".join(b.value for b in UploadBucket)
        raise ValidationFailed.field("bucket", N_("Choose one of these buckets: {names}."), names=names) from None


def _parse_folder(raw: str | None) -> str:
    """One folder name of lower-case letters, digits, `-` and `_`; never a path."""
    folder = (raw or "").strip()
    if not FOLDER_PATTERN.fullmatch(folder):
        raise ValidationFailed.field(
            "folder", N_("Use at most 64 lower-case letters, digits, '-' or '_' for the folder (no slashes or dots).")
        )
    return folder


def _check_size(bucket: UploadBucket, data: bytes) -> None:
    if not data:
        raise ValidationFailed.field("file", N_("The file is empty."))
    limit = SIZE_LIMITS[bucket]
    if len(data) > limit:
        raise PayloadTooLarge(
            N_("This file is too large: {bucket} uploads may be at most {megabytes} MB."),
            values={"bucket": bucket.value, "megabytes": limit // MB},
        )


def _original_name(filename: str | None) -> str | None:
    """The client's file name, kept for people (never for the type or the path): base name, printable only."""
    if not filename:
        return None
    base = PurePosixPath(filename.replace("\\", "/")).name
    # Stricter than services/text.clean_line: a file name keeps no invisible character at all (format,
    # private-use and unassigned ones too), not only the control and bidi ones typed text loses.
    printable = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    return printable[:MAX_ORIGINAL_NAME] or None
