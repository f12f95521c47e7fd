"""`/files` routes: upload (multipart), list, retrieve, content, delete. Paths are relative to the API prefix."""

from __future__ import annotations

import json

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from emulator.config import EmulatorConfig
from emulator.errors import EmulatorError, invalid, not_found
from emulator.file_store import FileStore
from emulator.json_codec import JSONResponse

# CreateFileRequest.purpose in the official OpenAPI document.
PURPOSES = ("assistants", "batch", "fine-tune", "vision", "user_data", "evals")
_FORM_FIELDS = {"file", "purpose", "expires_after", "expires_after[anchor]", "expires_after[seconds]"}


def file_routes(files: FileStore, config: EmulatorConfig) -> list[Route]:
    async def create(request: Request) -> JSONResponse:
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise invalid("file", "Upload files as multipart/form-data with the fields `file` and `purpose`.")
        async with request.form() as form:
            purpose = form.get("purpose")
            upload = form.get("file")
            purpose = _checked_purpose(purpose if isinstance(purpose, str) else None, config)
            if not isinstance(upload, UploadFile):
                raise invalid("file", "Missing required field `file`: attach the file's bytes as a multipart file part.")
            unknown = sorted(set(form.keys()) - _FORM_FIELDS)
            if unknown:
                message = f"Unrecognized field {unknown[0]!r}; POST /files takes file, purpose and expires_after."
                raise invalid(unknown[0], message)
            expires_after = _expires_after(
                form.get("expires_after"), form.get("expires_after[anchor]"), form.get("expires_after[seconds]")
            )
            data = await upload.read()
            filename = upload.filename or "upload"
        return JSONResponse(files.put(filename, purpose, data, expires_after))

    async def list_files(request: Request) -> JSONResponse:
        q = request.query_params
        data = files.list(q.get("purpose") or None)
        if q.get("order", "desc") == "asc":
            data.reverse()
        elif q.get("order", "desc") != "desc":
            raise invalid("order", "`order` must be `asc` or `desc`.")
        if after := q.get("after"):
            ids = [f["id"] for f in data]
            # A cursor that lists nothing (e.g. a deleted file's id) gives an empty page, not an error.
            data = data[ids.index(after) + 1 :] if after in ids else []
        limit = _limit(q.get("limit"))
        page, has_more = data[:limit], len(data) > limit
        return JSONResponse(
            {
                "object": "list",
                "data": page,
                "first_id": page[0]["id"] if page else None,
                "last_id": page[-1]["id"] if page else None,
                "has_more": has_more,
            }
        )

    async def retrieve(request: Request) -> JSONResponse:
        return JSONResponse(_known(files, request.path_params["file_id"]))

    async def content(request: Request) -> Response:
        file_id = request.path_params["file_id"]
        meta = _known(files, file_id)
        data = files.content(file_id) or b""
        return Response(data, media_type="application/octet-stream", headers=_disposition(meta["filename"]))

    async def delete(request: Request) -> JSONResponse:
        file_id = request.path_params["file_id"]
        if not files.delete(file_id):
            raise not_found("file", file_id, param="file_id")
        return JSONResponse({"id": file_id, "object": "file", "deleted": True})

    return [
        Route("/files", create, methods=["POST"]),
        Route("/files", list_files, methods=["GET"]),
        Route("/files/{file_id}", retrieve, methods=["GET"]),
        Route("/files/{file_id}", delete, methods=["DELETE"]),
        Route("/files/{file_id}/content", content, methods=["GET"]),
    ]


def _checked_purpose(purpose: str | None, config: EmulatorConfig) -> str:
    code = "invalidPayload" if config.azure_mode else "invalid_value"
    if not purpose:
        raise EmulatorError(
            400, "Missing required field `purpose`: use purpose=assistants for PDF input.", code=code, param="purpose"
        )
    if purpose not in PURPOSES:
        raise EmulatorError(
            400,
            f"Invalid value for purpose: {purpose!r}. Use one of: {', '.join(PURPOSES)}.",
            code=code,
            param="purpose",
        )
    if purpose == "user_data" and config.azure_mode:
        # Both doc snapshots: PDF input works, but uploads with purpose user_data are not supported.
        raise EmulatorError(
            400,
            "The file purpose user_data is not supported; upload with purpose=assistants and pass the file id "
            "as an input_file.",
            code="invalidPayload",
            param="purpose",
        )
    return purpose


def _expires_after(as_json: object, anchor: object, seconds: object) -> int | None:
    """`expires_after` in seconds, or None. The SDK sends the fields expires_after[anchor] and
    expires_after[seconds]; other clients send one field `expires_after` holding a JSON object."""
    if isinstance(as_json, str):
        try:
            value = json.loads(as_json)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise invalid("expires_after", '`expires_after` must be an object: {"anchor": "created_at", "seconds": N}.')
        anchor, seconds = value.get("anchor"), value.get("seconds")
    elif anchor is None and seconds is None:
        return None
    if isinstance(seconds, str) and seconds.isdigit():
        seconds = int(seconds)
    if anchor != "created_at":
        raise invalid("expires_after.anchor", "`expires_after.anchor` must be `created_at`.")
    if not isinstance(seconds, int) or isinstance(seconds, bool) or not 3600 <= seconds <= 2592000:
        raise invalid(
            "expires_after.seconds", "`expires_after.seconds` must be an integer from 3600 (1 hour) to 2592000 (30 days)."
        )
    return seconds


def _known(files: FileStore, file_id: str) -> dict:
    meta = files.get(file_id)
    if meta is None:
        raise not_found("file", file_id, param="file_id")
    return meta


def _limit(raw: str | None) -> int:
    """The page size: 1 to 10000 (default 10000); the document allows any integer, so others are clamped."""
    if raw is None:
        return 10000
    try:
        return min(10000, max(1, int(raw)))
    except ValueError:
        raise invalid("limit", "`limit` must be an integer between 1 and 10000.") from None


def _disposition(filename: str) -> dict[str, str]:
    safe = filename.replace('"', "").replace("\r", "").replace("\n", "")
    return {"content-disposition": f'attachment; filename="{safe}"'}
