"""``offramp ingest`` starts NumPy's OpenBLAS on one thread (it has no work for more),
leaves the environment as it found it, and keeps a thread count the user set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from offramp.cli.ingest import _BLAS_THREADS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ukraine-2022.yaml"
ARTICLE = "KYIV, March 11, 2022 — Ukraine rejected any talk of neutrality, Zelenskyy said.\n"

PROBE = """
import contextlib, io, json, os, runpy, sys
sys.argv = ["offramp", *sys.argv[1:]]
with contextlib.redirect_stdout(io.StringIO()):
    try:
        runpy.run_module("offramp", run_name="__main__")
    except SystemExit:
        pass
print(json.dumps({
    "threads": len(os.listdir("/proc/self/task")),
    "env": os.environ.get("OPENBLAS_NUM_THREADS"),
}))
"""

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="Linux /proc")


def _run(tmp_path: Path, **env: str) -> dict[str, object]:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if k not in _BLAS_THREADS}
    ran = subprocess.run(
        [sys.executable, "-c", PROBE, "ingest", str(article), "--case", str(EXAMPLE)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**clean, **env},
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    found: dict[str, object] = json.loads(ran.stdout.strip().splitlines()[-1])
    return found


def test_ingest_runs_on_one_blas_thread_and_leaves_no_variable_behind(tmp_path: Path) -> None:
    assert _run(tmp_path) == {"threads": 1, "env": None}


def test_a_thread_count_the_user_set_is_kept(tmp_path: Path) -> None:
    assert _run(tmp_path, OPENBLAS_NUM_THREADS="2") == {"threads": 2, "env": "2"}
