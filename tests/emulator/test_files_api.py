"""The /files routes driven by the official openai SDK (in-process transport; e2e runs live elsewhere)."""

from __future__ import annotations

from collections.abc import Iterator

import openai
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.testclient import TestClient

from emulator.config import EmulatorConfig
from emulator.errors import EmulatorError
from emulator.file_store import FileStore
from emulator.files_api import file_routes


def make_app(azure_mode: bool) -> Starlette:
    async def on_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, EmulatorError)
        return exc.response()

    routes = file_routes(FileStore(None), EmulatorConfig(azure_mode=azure_mode))
    return Starlette(routes=[Mount("/openai/v1", routes=routes)], exception_handlers={EmulatorError: on_error})


@pytest.fixture()
def http() -> Iterator[TestClient]:
    with TestClient(make_app(azure_mode=True)) as client:
        yield client


@pytest.fixture()
def sdk(http: TestClient) -> openai.OpenAI:
    return openai.OpenAI(base_url="http://testserver/openai/v1/", api_key="k", http_client=http, max_retries=0)


def test_upload_retrieve_list_delete(sdk: openai.OpenAI) -> None:
    created = sdk.files.create(file=("nucleus_sampling.pdf", b"%PDF-1.4 tiny"), purpose="assistants")
    assert created.id.startswith("assistant-") and created.bytes == 13 and created.status == "processed"
    assert created.filename == "nucleus_sampling.pdf" and created.purpose == "assistants"
    assert sdk.files.retrieve(created.id) == created
    assert sdk.files.content(created.id).read() == b"%PDF-1.4 tiny"
    assert [f.id for f in sdk.files.list()] == [created.id]
    deleted = sdk.files.delete(created.id)
    assert (deleted.id, deleted.object, deleted.deleted) == (created.id, "file", True)
    with pytest.raises(openai.NotFoundError):
        sdk.files.retrieve(created.id)
    with pytest.raises(openai.NotFoundError):
        sdk.files.delete(created.id)


def test_user_data_is_rejected_in_azure_mode(sdk: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        sdk.files.create(file=("a.pdf", b"%PDF-1.4"), purpose="user_data")
    error = err.value.body
    assert isinstance(error, dict) and error["code"] == "invalidPayload" and error["param"] == "purpose"
    assert "user_data is not supported" in error["message"] and "purpose=assistants" in error["message"]


def test_user_data_is_accepted_in_openai_mode() -> None:
    with TestClient(make_app(azure_mode=False)) as http:
        sdk = openai.OpenAI(base_url="http://testserver/openai/v1/", api_key="k", http_client=http, max_retries=0)
        created = sdk.files.create(file=("a.pdf", b"%PDF-1.4"), purpose="user_data")
        assert created.purpose == "user_data" and created.id.startswith("file-")


def test_unknown_purpose_names_the_field(http: TestClient) -> None:
    reply = http.post("/openai/v1/files", files={"file": ("a.pdf", b"x")}, data={"purpose": "selfies"})
    assert reply.status_code == 400
    assert reply.json()["error"]["param"] == "purpose" and "assistants" in reply.json()["error"]["message"]


def test_missing_file_or_not_multipart(http: TestClient) -> None:
    reply = http.post("/openai/v1/files", data={"purpose": "assistants"})
    assert reply.status_code == 400 and reply.json()["error"]["param"] == "file"
    reply = http.post("/openai/v1/files", json={"purpose": "assistants"})
    assert reply.status_code == 400 and reply.json()["error"]["param"] == "file"


def test_list_pagination_and_purpose_filter(sdk: openai.OpenAI, http: TestClient) -> None:
    ids = [sdk.files.create(file=(f"{i}.pdf", b"%PDF"), purpose="assistants").id for i in range(3)]
    sdk.files.create(file=("b.jsonl", b"{}"), purpose="batch")
    assert [f.id for f in sdk.files.list(purpose="assistants", order="asc")] == ids
    first = http.get("/openai/v1/files", params={"purpose": "assistants", "limit": 2}).json()
    assert [f["id"] for f in first["data"]] == ids[::-1][:2] and first["has_more"] is True
    rest = http.get("/openai/v1/files", params={"purpose": "assistants", "after": first["last_id"]}).json()
    assert [f["id"] for f in rest["data"]] == [ids[0]] and rest["has_more"] is False
    assert len(http.get("/openai/v1/files", params={"limit": 0}).json()["data"]) == 1  # clamped to 1
    assert http.get("/openai/v1/files", params={"limit": "many"}).json()["error"]["param"] == "limit"
    assert http.get("/openai/v1/files", params={"after": "file-gone"}).json()["data"] == []
    assert http.get("/openai/v1/files", params={"order": "up"}).json()["error"]["param"] == "order"


def test_unknown_ids_are_404_with_the_error_body(http: TestClient) -> None:
    reply = http.get("/openai/v1/files/assistant-missing")
    assert reply.status_code == 404 and reply.json()["error"]["param"] == "file_id"


def test_expires_after_sets_expires_at(sdk: openai.OpenAI, http: TestClient) -> None:
    created = sdk.files.create(
        file=("a.pdf", b"%PDF"), purpose="assistants", expires_after={"anchor": "created_at", "seconds": 7200}
    )
    assert created.expires_at == created.created_at + 7200
    reply = http.post(
        "/openai/v1/files",
        files={"file": ("a.pdf", b"x")},
        data={"purpose": "assistants", "expires_after[anchor]": "created_at", "expires_after[seconds]": "60"},
    )
    assert reply.status_code == 400 and reply.json()["error"]["param"] == "expires_after.seconds"


@pytest.mark.parametrize(
    ("value", "param"),
    [
        ('{"anchor": "created_at"}', "expires_after.seconds"),
        ('{"anchor": "created_at", "seconds": 0.5}', "expires_after.seconds"),
        ('{"seconds": 3600}', "expires_after.anchor"),
        ("not json", "expires_after"),
    ],
)
def test_expires_after_as_one_json_field(http: TestClient, value: str, param: str) -> None:
    reply = http.post("/openai/v1/files", files={"file": ("a.pdf", b"x")}, data={"purpose": "assistants", "expires_after": value})
    assert reply.status_code == 400 and reply.json()["error"]["param"] == param
    ok = http.post(
        "/openai/v1/files",
        files={"file": ("a.pdf", b"x")},
        data={"purpose": "assistants", "expires_after": '{"anchor": "created_at", "seconds": 3600}'},
    )
    assert ok.status_code == 200 and ok.json()["expires_at"] == ok.json()["created_at"] + 3600


def test_unknown_form_fields_are_rejected(http: TestClient) -> None:
    reply = http.post("/openai/v1/files", files={"file": ("a.pdf", b"x")}, data={"purpose": "assistants", "colour": "red"})
    assert reply.status_code == 400 and reply.json()["error"]["param"] == "colour"
