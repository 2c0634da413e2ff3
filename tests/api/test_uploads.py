"""`POST /api/upload` and `GET /api/files/{key}` over real HTTP (SPEC §8 "Uploads")."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from sqlmodel import select

from eventpalour.api import uploads as uploads_api
from eventpalour.config import settings
from eventpalour.db import read_only, transaction
from eventpalour.models import AdminLevel, PlatformAdmin, Upload
from eventpalour.services.platform.uploads import MB
from tests import samples
from tests.api.support import with_session
from tests.factories import MadeUser, make_user

IMAGE_TYPES = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg"), "WEBP": ("image/webp", "webp")}
PUBLIC_CACHE = "public, max-age=31536000, immutable"


@pytest.fixture(autouse=True)
def upload_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh upload folder per test; the server runs in this process, so it sees the same setting."""
    root = tmp_path / "uploads"
    monkeypatch.setattr(settings, "upload_dir", root)
    return root


@pytest.fixture
def owner(http: httpx.Client) -> MadeUser:
    """A signed-in user; `http` carries their session cookie."""
    user = make_user()
    with_session(http, user.token)
    return user


def upload(
    client: httpx.Client,
    data: bytes,
    *,
    bucket: str | None = "LOGOS",
    folder: str | None = "acme",
    filename: str = "logo.png",
    content_type: str = "image/png",
) -> httpx.Response:
    fields = {name: value for name, value in (("bucket", bucket), ("folder", folder)) if value is not None}
    return client.post("/api/upload", data=fields, files={"file": (filename, data, content_type)})


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def upload_rows() -> list[Upload]:
    with read_only() as session:
        return list(session.exec(select(Upload)).all())


def assert_refused(response: httpx.Response, status: int, root: Path) -> dict:
    """The status and JSON error shape, and proof that nothing was stored: no row, no file."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) <= {"error", "details"} and body["error"]
    assert upload_rows() == []
    assert stored_files(root) == []
    return body


def client_for(api_url: str, user: MadeUser | None) -> httpx.Client:
    client = httpx.Client(base_url=api_url, follow_redirects=False, timeout=10)
    return with_session(client, user.token) if user else client


def make_admin(level: AdminLevel) -> MadeUser:
    admin = make_user(two_factor=True)
    with transaction() as session:
        session.add(PlatformAdmin(user_id=admin.id, level=level))
    return admin


# --- accepted uploads ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_upload_image_reencoded_and_served(http: httpx.Client, owner: MadeUser, fmt: str, upload_dir: Path) -> None:
    content_type, extension = IMAGE_TYPES[fmt]

    response = upload(http, samples.image_bytes(fmt, (60, 30)), filename=f"me.{extension}", content_type=content_type)

    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"url", "key", "contentType", "size"}
    assert re.fullmatch(rf"LOGOS/acme/[a-z0-9]{{24}}\.{extension}", body["key"])
    assert (body["url"], body["contentType"]) == (f"/api/files/{body['key']}", content_type)
    served = httpx.get(http.base_url.join(body["url"]))
    assert served.status_code == 200
    assert served.headers["content-type"] == content_type
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-disposition"].startswith("inline")
    assert served.headers["cache-control"] == PUBLIC_CACHE
    assert len(served.content) == body["size"]
    assert samples.CAMERA.encode() not in served.content
    image = samples.opened(served.content)
    assert (image.format, image.size) == (fmt, (30, 60))
    assert not image.getexif()
    [row] = upload_rows()
    assert (row.key, row.owner_id, row.size) == (body["key"], owner.id, body["size"])
    assert (upload_dir / body["key"]).read_bytes() == served.content


def test_upload_type_from_bytes_not_from_name_or_header(http: httpx.Client, owner: MadeUser) -> None:
    response = upload(
        http, samples.image_bytes("JPEG"), bucket="EVENTS", folder=None, filename="x.html", content_type="text/html"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["contentType"] == "image/jpeg"
    assert re.fullmatch(r"EVENTS/[a-z0-9]{24}\.jpg", body["key"])


# --- refused uploads -------------------------------------------------------------------------------------------


def test_upload_over_bucket_limit_payload_too_large(http: httpx.Client, owner: MadeUser, upload_dir: Path) -> None:
    response = upload(http, samples.padded(samples.image_bytes("PNG"), 2 * MB + 1), bucket="LOGOS")

    body = assert_refused(response, 413, upload_dir)
    assert "2 MB" in body["error"]


@pytest.mark.parametrize(
    ("data", "filename", "content_type", "bucket"),
    [
        (samples.PHP, "shell.png", "image/png", "LOGOS"),
        (samples.PHP, "shell.php", "application/x-php", "EVENTS"),
        (samples.HTML, "page.png", "image/png", "LOGOS"),
        (samples.HTML, "page.pdf", "application/pdf", "KYC"),
        (samples.SVG, "logo.svg", "image/svg+xml", "LOGOS"),
        (samples.gif_bytes(), "anim.gif", "image/gif", "EVENTS"),
        (samples.PDF, "flyer.pdf", "application/pdf", "EVENTS"),
    ],
    ids=["php-as-png", "php", "html-as-png", "html-as-pdf", "svg", "gif", "pdf-outside-kyc"],
)
def test_upload_unsupported_content_refused(
    http: httpx.Client, owner: MadeUser, upload_dir: Path, data: bytes, filename: str, content_type: str, bucket: str
) -> None:
    response = upload(http, data, filename=filename, content_type=content_type, bucket=bucket)

    assert_refused(response, 415, upload_dir)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_upload_truncated_image_refused(http: httpx.Client, owner: MadeUser, upload_dir: Path, fmt: str) -> None:
    response = upload(http, samples.truncated(samples.image_bytes(fmt, (300, 200))))

    assert_refused(response, 415, upload_dir)


def test_upload_decompression_bomb_refused(http: httpx.Client, owner: MadeUser, upload_dir: Path) -> None:
    response = upload(http, samples.png_claiming_size(30000, 30000))

    body = assert_refused(response, 400, upload_dir)
    assert body["details"][0]["path"] == ["file"]


@pytest.mark.parametrize("folder", ["../", "../../etc", "..", "a/b", "%2e%2e", "Acme"])
def test_upload_folder_traversal_refused(http: httpx.Client, owner: MadeUser, upload_dir: Path, folder: str) -> None:
    response = upload(http, samples.image_bytes(), folder=folder)

    body = assert_refused(response, 400, upload_dir)
    assert body["details"][0]["path"] == ["folder"]


@pytest.mark.parametrize("bucket", ["AVATARS", "logos", "", "../KYC"])
def test_upload_unknown_bucket_refused(http: httpx.Client, owner: MadeUser, upload_dir: Path, bucket: str) -> None:
    response = upload(http, samples.image_bytes(), bucket=bucket)

    body = assert_refused(response, 400, upload_dir)
    assert body["details"][0]["path"] == ["bucket"]


def test_upload_anonymous_unauthorized(http: httpx.Client, upload_dir: Path) -> None:
    response = upload(http, samples.image_bytes())

    assert_refused(response, 401, upload_dir)


def test_upload_missing_file_unprocessable(http: httpx.Client, owner: MadeUser, upload_dir: Path) -> None:
    response = http.post("/api/upload", data={"bucket": "LOGOS", "file": "not a file"})
    body = assert_refused(response, 422, upload_dir)
    assert body["details"] == [{"path": ["file"], "message": "Expected a file upload"}]

    response = http.post("/api/upload", files={"other": ("a.png", samples.image_bytes(), "image/png")})
    body = assert_refused(response, 422, upload_dir)
    assert body["details"] == [{"path": ["file"], "message": "Field required"}]


def test_upload_missing_bucket_unprocessable(http: httpx.Client, owner: MadeUser, upload_dir: Path) -> None:
    response = upload(http, samples.image_bytes(), bucket=None)

    body = assert_refused(response, 422, upload_dir)
    assert body["details"] == [{"path": ["bucket"], "message": "Field required"}]


def test_upload_json_body_unprocessable(http: httpx.Client, owner: MadeUser, upload_dir: Path) -> None:
    response = http.post("/api/upload", json={"bucket": "LOGOS", "file": "aGVsbG8="})

    assert_refused(response, 422, upload_dir)


def read_reply(connection: socket.socket) -> str:
    """One whole HTTP response (headers and the body its Content-Length announces), or what came before EOF."""
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
        head, separator, body = received.partition(b"\r\n\r\n")
        length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
        if separator and length and len(body) >= int(length.group(1)):
            break
    return received.decode("latin-1")


def test_upload_huge_declared_length_refused_before_body(api_url: str, owner: MadeUser, upload_dir: Path) -> None:
    """A client announcing 1 GB gets 413 at once: the server answers after a few bytes, without waiting for more."""
    address = urlsplit(api_url)
    request = (
        "POST /api/upload HTTP/1.1\r\n"
        f"Host: {address.netloc}\r\n"
        f"Cookie: ep_session={owner.token}\r\n"
        "Content-Type: multipart/form-data; boundary=xyz\r\n"
        f"Content-Length: {1024**3}\r\n\r\n"
        "--xyz\r\n"
    ).encode()
    # Only these few bytes are ever sent: a server waiting for the announced body would time the socket out.
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(request)
        reply = read_reply(connection)

    assert reply.startswith("HTTP/1.1 413"), reply
    assert '"error"' in reply
    assert upload_rows() == [] and stored_files(upload_dir) == []


def test_upload_streamed_body_over_cap_refused(
    http: httpx.Client, owner: MadeUser, upload_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a Content-Length (chunked), the body is counted while read and refused once past the cap."""
    monkeypatch.setattr(uploads_api, "MAX_BODY_BYTES", 4096)
    boundary = "b0undary"
    image = samples.padded(samples.image_bytes(), 20_000)

    def chunks() -> Iterator[bytes]:
        yield f'--{boundary}\r\nContent-Disposition: form-data; name="bucket"\r\n\r\nLOGOS\r\n'.encode()
        yield f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'.encode()
        yield b"Content-Type: image/png\r\n\r\n"
        for start in range(0, len(image), 1000):
            yield image[start : start + 1000]
        yield f"\r\n--{boundary}--\r\n".encode()

    response = http.post(
        "/api/upload", content=chunks(), headers={"content-type": f"multipart/form-data; boundary={boundary}"}
    )

    body = assert_refused(response, 413, upload_dir)
    assert body["error"] == "The upload is too large: files may be at most 5 MB."


# --- serving ---------------------------------------------------------------------------------------------------


@pytest.fixture
def kyc_document(http: httpx.Client, owner: MadeUser) -> str:
    """The URL of a KYC PDF uploaded by `owner`."""
    response = upload(http, samples.PDF, bucket="KYC", folder="ids", filename="id.pdf", content_type="application/pdf")
    assert response.status_code == 201, response.text
    assert response.json()["contentType"] == "application/pdf"
    return response.json()["url"]


def test_kyc_file_served_privately_to_owner(http: httpx.Client, kyc_document: str) -> None:
    response = http.get(kyc_document)

    assert response.status_code == 200
    assert response.content == samples.PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("level", [AdminLevel.SUPER_ADMIN, AdminLevel.FINANCE])
def test_kyc_file_served_to_kyc_reviewer(api_url: str, kyc_document: str, level: AdminLevel) -> None:
    with client_for(api_url, make_admin(level)) as admin:
        response = admin.get(kyc_document)

    assert response.status_code == 200
    assert response.content == samples.PDF


@pytest.mark.parametrize("reader", ["anonymous", "other user", AdminLevel.SUPPORT, AdminLevel.MODERATOR])
def test_kyc_file_hidden_from_others(api_url: str, kyc_document: str, reader: str) -> None:
    user = None if reader == "anonymous" else make_user() if reader == "other user" else make_admin(AdminLevel(reader))
    with client_for(api_url, user) as client:
        hidden = client.get(kyc_document)
        missing = client.get("/api/files/KYC/ids/" + "x" * 24 + ".pdf")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert samples.PDF not in hidden.content


@pytest.mark.parametrize(
    "path", ["/api/files/LOGOS/none.png", "/api/files/LOGOS/%2e%2e/%2e%2e/etc/passwd", "/api/files/..%2F..%2Fetc"]
)
def test_read_file_unknown_key_not_found(http: httpx.Client, path: str) -> None:
    response = http.get(path)

    assert response.status_code == 404
    assert set(response.json()) == {"error"}
