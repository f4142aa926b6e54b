"""``offramp ingest DIR --backend ray``: the same output as reading the folder here.

Ray takes seconds to start, so the folder is read once locally and once on a local Ray
of two workers (``--workers 2``, no ``--address``) for the whole module. The errors of
bad options come before Ray starts and cost no cluster.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from support.articles import write_real, write_short
from support.cli import Ran, offramp

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ukraine-2022.yaml"


def run(folder: Path, *args: str) -> Ran:
    return offramp("ingest", str(folder), "--case", str(EXAMPLE), "--json", *args, timeout=300)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two short articles (one undated), four real ones and a file that is not UTF-8."""
    articles = write_short(tmp_path_factory.mktemp("ray") / "articles")
    write_real(articles, 4)
    (articles / "c-latin1.txt").write_bytes("Kiev, 11 March 2022 - caf\xe9".encode("latin-1"))
    return articles


@pytest.fixture(scope="module")
def local_and_ray(folder: Path) -> tuple[Ran, Ran]:
    return run(folder), run(folder, "--backend", "ray", "--workers", "2")


def test_ray_prints_byte_for_byte_what_local_prints(local_and_ray: tuple[Ran, Ran]) -> None:
    local, ray = local_and_ray
    assert "Traceback" not in ray.output
    assert (ray.code, ray.out, ray.err) == (local.code, local.out, local.err)
    data = json.loads(local.out)
    # not a vacuous match: several articles with proposals, and both kinds of error
    assert sum(1 for a in data["articles"] if a["proposals"]) >= 4
    assert [Path(e["file"]).name for e in data["errors"]] == ["b-undated.txt", "c-latin1.txt"]
    assert local.code == 1  # a file could not be read: the exit code says so on both


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--backend", "spark"], "error: --backend: 'spark' is not a backend: use local or ray"),
        (["--backend", "ray", "--address", "nowhere"], "error: --address: 'nowhere' is not an"),
        (["--backend", "ray", "--address", "127.0.0.1:{port}"], "error: --address: no Ray"),
        (["--workers", "2"], "error: --workers: only for the ray backend"),
    ],
)
def test_a_bad_backend_or_address_is_one_error_naming_the_option(
    folder: Path, args: list[str], message: str
) -> None:
    port = str(_closed_port())
    result = run(folder, *(a.replace("{port}", port) for a in args))
    assert result.code == 1
    assert "Traceback" not in result.output
    assert result.out == ""
    assert result.err.startswith(message.replace("{port}", port)), result.err
    assert len(result.err.strip().splitlines()) == 1
