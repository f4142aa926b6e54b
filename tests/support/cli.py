"""The one way the tests run the command line: ``python -m offramp ...`` in a subprocess,
as a user runs it (real exit codes, real stdout and stderr, no traceback hidden by a
runner)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Ran:
    """What one run of the CLI did: its exit code and what it wrote."""

    code: int
    out: str
    err: str

    @property
    def returncode(self) -> int:
        """The exit code (the name :class:`subprocess.CompletedProcess` gives it)."""
        return self.code

    @property
    def stdout(self) -> str:
        return self.out

    @property
    def stderr(self) -> str:
        return self.err

    @property
    def output(self) -> str:
        """Standard output, then standard error (what a person sees on the terminal)."""
        return self.out + self.err

    def json(self) -> Any:
        """Standard output as JSON, after checking the run succeeded."""
        assert self.code == 0, self.err
        return json.loads(self.out)


def offramp(
    *args: str,
    input: str | None = None,
    env: dict[str, str] | None = None,
    cwd: str | Path | None = None,
    module: str = "offramp",
    timeout: float = 120,
) -> Ran:
    """``python -m MODULE ARGS`` (``offramp``, or a sub-app such as ``offramp.cli.crisis``,
    quicker to start), run from the repository root unless ``cwd`` is given; ``env`` is
    added to the environment, ``input`` is standard input."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        input=input,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=ROOT if cwd is None else cwd,
        timeout=timeout,
    )
    return Ran(done.returncode, done.stdout, done.stderr)
