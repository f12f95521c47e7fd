"""Everything one emulator instance holds while it runs, built once from its config."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.background import Jobs
from emulator.config import EmulatorConfig
from emulator.deployments import Deployments
from emulator.faults import FaultBoard
from emulator.file_store import FileStore
from emulator.request_log import RequestLog
from emulator.sealing import Sealer
from emulator.store import Store, open_store


@dataclass
class EmulatorState:
    config: EmulatorConfig
    store: Store
    files: FileStore
    sealer: Sealer
    deployments: Deployments
    jobs: Jobs
    faults: FaultBoard
    requests: RequestLog

    @classmethod
    def from_config(cls, config: EmulatorConfig) -> "EmulatorState":
        store = open_store(config.db_path)
        store.recover()
        return cls(
            config=config,
            store=store,
            files=FileStore(config.db_path),
            sealer=Sealer(config.sealing_secret),
            deployments=Deployments(config),
            jobs=Jobs(),
            faults=FaultBoard(config.fault),
            requests=RequestLog(config.request_log_size),
        )

    def close(self) -> None:
        self.store.close()
        self.files.close()
