"""Files and sealed items across an emulator restart on the same SQLite database, through the openai SDK."""

from __future__ import annotations

from pathlib import Path

import openai
import pytest

from emulator.config import EmulatorConfig
from emulator.server import EmulatorServer

from .conftest import Recorder, make_client
from .test_content_pdf import make_pdf

pytestmark = pytest.mark.timeout(60)


def test_uploaded_files_and_sealed_reasoning_survive_a_restart(tmp_path: Path, recorded: Recorder) -> None:
    config = EmulatorConfig(db_path=str(tmp_path / "emulator.db"), sealing_secret="kept-secret")
    with EmulatorServer(config) as server:
        client = make_client(server, recorded)
        file = client.files.create(file=("report.pdf", make_pdf("Quarterly revenue rose 12 percent.")), purpose="assistants")
        first = client.responses.create(
            model="o3", input="Remember the word pineapple.", include=["reasoning.encrypted_content"], store=False
        )
        client.close()
    reasoning = next(item for item in first.output if item.type == "reasoning")
    with EmulatorServer(config) as server:
        client = make_client(server, recorded)
        assert client.files.retrieve(file.id).filename == "report.pdf"
        assert [f.id for f in client.files.list(purpose="assistants")] == [file.id]
        answer = client.responses.create(
            model="gpt-4o",
            input=[{"role": "user", "content": [{"type": "input_file", "file_id": file.id}, {"type": "input_text", "text": "Summarize"}]}],
        )
        assert "Quarterly revenue rose 12 percent." in answer.output_text
        follow_up = client.responses.create(
            model="o3",
            input=[reasoning.model_dump(exclude_none=True), {"role": "user", "content": "Which word?"}],  # type: ignore[list-item]
            store=False,
        )
        assert "Remember the word pineapple." in follow_up.output_text
        client.close()


def test_another_sealing_secret_rejects_old_items(tmp_path: Path, recorded: Recorder) -> None:
    with EmulatorServer(EmulatorConfig(sealing_secret="one")) as server:
        client = make_client(server, recorded)
        first = client.responses.create(model="o3", input="hi", include=["reasoning.encrypted_content"], store=False)
        client.close()
    reasoning = next(item for item in first.output if item.type == "reasoning")
    with EmulatorServer(EmulatorConfig(sealing_secret="two")) as server:
        client = make_client(server, recorded)
        with pytest.raises(openai.BadRequestError) as err:
            client.responses.create(model="o3", input=[reasoning.model_dump(exclude_none=True)], store=False)  # type: ignore[list-item]
        assert isinstance(err.value.body, dict) and err.value.body["param"] == "input[0].encrypted_content"
        client.close()


def test_openai_mode_accepts_user_data_and_the_v1_prefix(recorded: Recorder) -> None:
    with EmulatorServer(EmulatorConfig(azure_mode=False)) as server:
        client = make_client(server, recorded, base_url=server.openai_base_url)
        file = client.files.create(file=("notes.pdf", make_pdf("Openai style.")), purpose="user_data")
        assert file.purpose == "user_data" and file.id.startswith("file-")
        assert client.files.delete(file.id).deleted
        client.close()
