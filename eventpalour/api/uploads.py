"""Upload routes: `POST /api/upload` takes one file into a bucket, `GET /api/files/{key}` serves it back.

The request body is read through a counting gate: a declared Content-Length above the cap, or a
body that grows past it while streaming, is refused with 413 before the rest arrives. The form is
parsed here rather than by FastAPI's `File(...)` parameters, because those read the whole body
before any dependency or check could run.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.types import Message

from eventpalour import routes
from eventpalour.api.deps import CurrentUser, OptionalUser
from eventpalour.api.errors import answers
from eventpalour.services import platform
from eventpalour.services.platform import PayloadTooLarge

router = APIRouter(tags=["uploads"])

MULTIPART_OVERHEAD = 64 * 1024
"""Room for the boundaries, part headers and the small `bucket` and `folder` fields."""
MAX_BODY_BYTES = platform.MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD
UPLOAD_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "bucket"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "bucket": {"type": "string", "enum": [bucket.value for bucket in platform.SIZE_LIMITS]},
                        "folder": {"type": "string", "pattern": platform.FOLDER_PATTERN.pattern},
                    },
                }
            }
        },
    }
}
"""The form, described for /api/docs (FastAPI cannot infer it, since the handler parses the body itself)."""
PUBLIC_CACHE = "public, max-age=31536000, immutable"
PRIVATE_CACHE = "private, no-store"


def _too_large() -> PayloadTooLarge:
    limit_mb = platform.MAX_UPLOAD_BYTES // platform.MB
    return PayloadTooLarge(f"The upload is too large: files may be at most {limit_mb} MB.")


def _capped(request: Request) -> Request:
    """The same request, whose body stream raises PayloadTooLarge as soon as it passes MAX_BODY_BYTES."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large()
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > MAX_BODY_BYTES:
                raise _too_large()
        return message

    return Request(request.scope, receive)


def _missing(field: str, message: str = "Field required") -> RequestValidationError:
    return RequestValidationError([{"type": "missing", "loc": ("body", field), "msg": message}])


async def _read_upload_form(form: FormData) -> tuple[UploadFile, str, str | None]:
    """The `file`, `bucket` and `folder` fields, or the same 422 FastAPI gives for a missing field."""
    file, bucket, folder = form.get("file"), form.get("bucket"), form.get("folder")
    if not isinstance(file, UploadFile):
        raise _missing("file", "Field required" if file is None else "Expected a file upload")
    if not isinstance(bucket, str):
        raise _missing("bucket")
    return file, bucket, folder if isinstance(folder, str) else None


@router.post(routes.API_UPLOAD, status_code=201, openapi_extra=UPLOAD_FORM, responses=answers(400, 415, 422))
async def create_upload(request: Request, user: CurrentUser) -> JSONResponse:
    """Store one file (multipart `file`, `bucket` LOGOS/EVENTS/KYC, optional `folder`); returns where it is served."""
    async with _capped(request).form(max_files=1, max_fields=4, max_part_size=1024) as form:
        file, bucket, folder = await _read_upload_form(form)
        data = await file.read(platform.MAX_UPLOAD_BYTES + 1)
        result = await run_in_threadpool(
            platform.store_upload, actor=user, bucket=bucket, folder=folder, filename=file.filename, data=data
        )
    body = {"url": result.url, "key": result.key, "contentType": result.content_type, "size": result.size}
    return JSONResponse(body, status_code=201)


@router.get(routes.API_FILES + "/{key:path}")
def read_file(key: str, user: OptionalUser) -> Response:
    """The stored bytes; KYC files only for their owner and KYC reviewers, and never cached."""
    content = platform.read_upload(actor=user, key=key)
    disposition = "inline" if content.content_type.startswith("image/") else "attachment"
    filename = key.rsplit("/", 1)[-1]
    headers = {
        "Content-Disposition": f'{disposition}; filename="{filename}"',
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": PUBLIC_CACHE if content.public else PRIVATE_CACHE,
    }
    return Response(content=content.data, media_type=content.content_type, headers=headers)
