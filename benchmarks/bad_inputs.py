"""Hostile case files, fed to the loader and to the running server (issue 18, finding 2).

    python benchmarks/bad_inputs.py

For each input: the loader's time and peak memory (``parse_case`` in a fresh Python, its
peak RSS, imports included), then the real server's (``PUT /api/cases/small/casefile``
over loopback; the server's peak RSS, reset before each request through ``clear_refs``),
and the loader's refusal. Peak RSS is VmHWM in ``/proc/PID/status`` (Linux). The bar:
every input answered in under 5 s and 500 MB. The example case is the baseline: a real
input, accepted.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from offramp.files.located import MAX_ALIASES, MAX_CHARS, MAX_NODES, MAX_SLOW_NODES
from support.desk import SMALL_CASE_YAML, populate
from support.launch import start_server

ROOT = Path(__file__).resolve().parents[1]

BAR_SECONDS, BAR_MB = 5.0, 500.0

CHILD = """
import sys, time
from offramp.errors import InputError
from offramp.files.case import parse_case
text = open(sys.argv[1], encoding="utf-8", errors="surrogatepass").read()
t = time.perf_counter()
try:
    parse_case(text, sys.argv[2])
    answer = "accepted"
except InputError as exc:
    answer = str(exc).splitlines()[0]
took = time.perf_counter() - t
status = open("/proc/self/status").read().split("VmHWM:")[1]
peak = int(status.split()[0]) / 1024
print(f"{took}\\t{peak}\\t{answer}")
"""


def bomb(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 9) + "]" for k in range(1, levels)]
    return "\n".join(lines) + "\n"


def inputs() -> list[tuple[str, str, str]]:
    """(label, filename, text)."""
    example = (ROOT / "examples" / "ukraine-2022.yaml").read_text(encoding="utf-8")
    case = example.replace("id: ukraine-2022", "id: small", 1)
    return [
        ("example case (baseline)", "example.yaml", case),
        ("alias bomb, 9 levels", "bomb.yaml", bomb(9)),
        ("alias bomb, 12 levels", "bomb12.yaml", bomb(12)),
        (f"{MAX_ALIASES + 1:,} aliases", "aliases.yaml",
         "x: &x 1\ny: [" + "*x, " * (MAX_ALIASES + 1) + "]\n"),
        ("self-referring alias", "loop.yaml", "a: &a [1, *a]\n"),
        ("100,000 nested [ (YAML)", "deep.yaml", "[" * 100_000 + "]" * 100_000),
        ("100,000 nested [ (JSON)", "deep.json", "[" * 100_000 + "]" * 100_000),
        ("100,000 nested [ on lines", "lines.yaml", "[\n" * 100_000 + "]\n" * 100_000),
        ("100,000 nested {\"a\":", "keys.json", '{"a":' * 100_000 + "1" + "}" * 100_000),
        (f"{MAX_NODES + 1:,} values (JSON)", "wide.json", json.dumps([0] * (MAX_NODES + 1))),
        (f"{MAX_SLOW_NODES + 1:,} surrogate escapes (YAML)", "pairs.yaml",
         "".join('- "\\uD83D\\uDE00"\n' for _ in range(MAX_SLOW_NODES + 1))),
        (f"{MAX_NODES + 1:,} surrogate escapes (YAML)", "pairs-big.yaml",
         "".join('- "\\uD83D\\uDE00"\n' for _ in range(MAX_NODES + 1))),
        (
            f"{MAX_NODES + 1:,} surrogate escapes (JSON)",
            "pairs.json",
            json.dumps(["\U0001f600"] * (MAX_NODES + 1)),
        ),
        (f"{MAX_CHARS + 1:,} characters", "huge.yaml", "#" * (MAX_CHARS + 1)),
        ("a NUL byte", "nul.yaml", SMALL_CASE_YAML.replace("Two parties", "Two\x00 parties")),
        ("a lone surrogate escape", "lone.yaml", SMALL_CASE_YAML.replace(
            "title: A small shuttle case", 'title: "\\uD800"')),
    ]  # fmt: skip


def loader(path: Path, name: str) -> tuple[float, float, str]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), name],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    ).stdout
    took, peak, answer = out.rstrip("\n").split("\t", 2)
    return float(took), float(peak), answer


def server_peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="offramp-bad-"))
    db = str(tmp / "desk.db")
    tokens = populate(db)
    srv = start_server(db)
    table = Table(title="bad inputs: loader and server, beside the bar (5 s, 500 MB)")
    for col in ("input", "bytes", "loader s", "loader MB", "server s", "server MB", "status"):
        table.add_column(col, justify="left" if col == "input" else "right")
    table.add_column("loader's answer")
    table.add_column("bar")
    client = httpx.Client(
        base_url=srv.base + "/api",
        headers={"Authorization": f"Bearer {tokens['mediator_il']}"},
        timeout=600,
    )
    try:
        for label, name, text in inputs():
            path = tmp / name
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
            l_s, l_mb, answer = loader(path, name)
            version = client.get("/cases/small").json()["version"]
            Path(f"/proc/{srv.proc.pid}/clear_refs").write_text("5")
            t = time.perf_counter()
            res = client.put(
                "/cases/small/casefile",
                json={"text": text, "filename": name, "version": version},
            )
            s_s = time.perf_counter() - t
            s_mb = server_peak_mb(srv.proc.pid)
            ok = max(l_s, s_s) < BAR_SECONDS and max(l_mb, s_mb) < BAR_MB
            table.add_row(
                label,
                f"{len(text.encode('utf-8', 'surrogatepass')):,}",
                f"{l_s:.3f}",
                f"{l_mb:.1f}",
                f"{s_s:.3f}",
                f"{s_mb:.0f}",
                str(res.status_code),
                answer.replace(name, "")[:70],
                "ok" if ok else "MISSED",
            )
    finally:
        srv.stop()
    Console(width=200).print(table)
    print("loader MB: peak RSS of a fresh Python that loads the input (imports included);")
    print("server MB: the server's peak RSS while it answers")


if __name__ == "__main__":
    main()
