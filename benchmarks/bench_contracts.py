"""Benchmark of the contract suite (issue 5). Run: `.venv/bin/python benchmarks/bench_contracts.py`.

1. The default run against the emulator (`responses-contracts run --emulator`, all three layers, default case
   budget): wall time (goal <= 30 s on 2 cores) and schema-layer cases (goal >= 300).
2. Layer 1 next to a raw `schemathesis run` of the same document and settings (goal <= 1.2x): both against one
   emulator in its own process, unbudgeted (so both send the same deterministic cases; `--phases`, default
   fuzzing, since an unbudgeted stateful phase runs for minutes), with the same schemathesis.toml (written from
   `contracts.schema_layer.schemathesis_config`), the same custom checks and the same cost-control hook
   (benchmarks/contracts_st_hooks.py). Each side runs in a fresh subprocess; the best of `--repeat` runs counts.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEPLOYMENT = "o4-mini"
KEY = "emulator-key"


def timed(argv: list[str], env: dict[str, str] | None = None, cwd: str | None = None) -> tuple[float, float, str]:
    """(wall s, child CPU s, stdout+stderr) of one subprocess."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=cwd, timeout=900)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout + done.stderr


def default_run(repeat: int) -> dict[str, Any]:
    best: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        argv = [str(BIN / "responses-contracts"), "run", "--emulator", "--no-progress", "--json", str(report)]
        for _ in range(repeat):
            wall, cpu, _ = timed(argv)
            data = json.loads(report.read_text(encoding="utf-8"))
            if not best or wall < best["wall_s"]:
                best = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "schema_cases": data["schema_cases"],
                        "exit_code": data["exit_code"], "summary": data["summary"], "command": " ".join(argv[1:])}
    return best


def toml(table: dict[str, Any], prefix: str = "") -> str:
    """A schemathesis.toml from the layer's config dict (scalars and lists first, then sub-tables)."""
    lines = [f'"{k}" = {json.dumps(v)}' for k, v in table.items() if not isinstance(v, (dict, list))
             or (isinstance(v, list) and not any(isinstance(i, dict) for i in v))]
    text = "\n".join(lines) + "\n"
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            text += f"\n[{name}]\n" + toml(value, name)
        elif isinstance(value, list) and any(isinstance(i, dict) for i in value):
            for item in value:
                text += f"\n[[{name}]]\n" + toml(item, name)
    return text


LAYER_SCRIPT = """
import json, sys, time
from contracts.schema_layer import run_schema_layer
from contracts.target import Target
document = json.load(open(sys.argv[2]))
target = Target(base_url=sys.argv[1], deployment=sys.argv[3], credential=sys.argv[4])
phases = tuple(sys.argv[5].split(","))
summary = run_schema_layer(target, max_cases=None, document=document, passes=((phases, 1.0),))
print(json.dumps({"cases": summary.cases, "results": len(summary.results)}))
"""


def side_by_side(repeat: int, phases: tuple[str, ...]) -> dict[str, Any]:
    from contracts.profiles import document_for
    from contracts.schema_layer import schemathesis_config
    from contracts.target import Target
    from emulator.server import free_port

    port = free_port()
    emulator = subprocess.Popen([str(BIN / "responses-emulator"), "--port", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}/openai/v1"
    try:
        for _ in range(100):
            try:
                import httpx

                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        target = Target(base_url=base_url, deployment=DEPLOYMENT, credential=KEY)
        document = document_for(target)
        with tempfile.TemporaryDirectory() as tmp:
            spec = Path(tmp) / "responses.json"
            spec.write_text(json.dumps(document), encoding="utf-8")
            config = schemathesis_config(target, document, phases=phases, fuzz_share=1.0)  # as the layer's one pass
            (Path(tmp) / "schemathesis.toml").write_text(toml(config), encoding="utf-8")
            env = {**os.environ, "PYTHONPATH": str(ROOT / "benchmarks"), "SCHEMATHESIS_HOOKS": "contracts_st_hooks",
                   "CONTRACTS_DEPLOYMENT": DEPLOYMENT}
            cli_argv = [str(BIN / "schemathesis"), "run", str(spec), "--no-color"]
            layer_argv = [sys.executable, "-c", LAYER_SCRIPT, base_url, str(spec), DEPLOYMENT, KEY, ",".join(phases)]
            runs: dict[str, list[tuple[float, float, int]]] = {"layer": [], "cli": []}
            for _ in range(repeat):
                wall, cpu, out = timed(cli_argv, env=env, cwd=tmp)
                match = re.search(r"(\d+) generated", out)
                runs["cli"].append((wall, cpu, int(match.group(1)) if match else -1))
                wall, cpu, out = timed(layer_argv, cwd=tmp)
                runs["layer"].append((wall, cpu, json.loads(out.strip().splitlines()[-1])["cases"]))
    finally:
        emulator.terminate()
        emulator.wait(10)
    best = {side: min(values) for side, values in runs.items()}
    return {
        "layer": {"wall_s": round(best["layer"][0], 2), "cpu_s": round(best["layer"][1], 2), "cases": best["layer"][2]},
        "cli": {"wall_s": round(best["cli"][0], 2), "cpu_s": round(best["cli"][1], 2), "cases": best["cli"][2]},
        "ratio_wall": round(best["layer"][0] / best["cli"][0], 2),
        "phases": list(phases),
        "cli_command": "schemathesis run responses.json (cwd holds schemathesis.toml; SCHEMATHESIS_HOOKS=contracts_st_hooks)",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-default", action="store_true")
    parser.add_argument("--skip-side-by-side", action="store_true")
    parser.add_argument("--phases", default="fuzzing", help="phases both sides run, unbudgeted (comma list)")
    args = parser.parse_args()
    results: dict[str, Any] = {"load_average": os.getloadavg()}
    if not args.skip_default:
        results["default_run"] = default_run(args.repeat)
        print(json.dumps(results["default_run"], indent=1), flush=True)
    if not args.skip_side_by_side:
        results["side_by_side"] = side_by_side(args.repeat, tuple(args.phases.split(",")))
        print(json.dumps(results["side_by_side"], indent=1), flush=True)
    results["load_average_after"] = os.getloadavg()
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
