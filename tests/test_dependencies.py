"""The tested versions (``requirements/lock.txt``) and the bill of materials (``scripts/
sbom.py``): every requirement is pinned, each pin is allowed by ``pyproject.toml``, the
test environment is the pinned one, and the SBOM lists what is installed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "lock.txt"
EXTRAS = ("dev", "postgres", "ray")  # what `make test` installs


def normal(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def pins() -> dict[str, str]:
    out = {}
    for line in LOCK.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"{LOCK.name}: {line!r} is not name==version"
            out[normal(name)] = version.strip()
    return out


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    lines = project["dependencies"] + [
        r for e in EXTRAS for r in project["optional-dependencies"][e]
    ]
    return [Requirement(line) for line in lines]


def test_every_requirement_is_pinned_to_a_version_pyproject_allows() -> None:
    pinned = pins()
    for req in requirements():
        name = normal(req.name)
        assert name in pinned, f"{req.name} is required but not pinned in {LOCK.name}"
        assert req.specifier.contains(pinned[name], prereleases=True), (req, pinned[name])


def test_the_test_environment_is_the_pinned_one() -> None:
    installed = {normal(d.metadata["Name"]): d.version for d in metadata.distributions()}
    wrong = {n: (v, installed[n]) for n, v in pins().items() if installed.get(n, v) != v}
    assert not wrong, f"installed differs from {LOCK.name} (pinned, installed): {wrong}"
    missing = [r.name for r in requirements() if normal(r.name) not in installed]
    assert not missing, missing


def test_the_sbom_lists_every_installed_distribution_reproducibly(tmp_path: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1670000000"}
    outs = []
    for k in (1, 2):
        out = tmp_path / f"bom{k}.json"
        subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "sbom.py"), "--out", str(out)],
            check=True, env=env, capture_output=True,
        )  # fmt: skip
        outs.append(out.read_text("utf-8"))
    assert outs[0] == outs[1]
    bom = json.loads(outs[0])
    assert (bom["bomFormat"], bom["specVersion"]) == ("CycloneDX", "1.5")
    assert bom["metadata"]["timestamp"] == "2022-12-02T16:53:20Z"
    assert bom["metadata"]["component"]["name"] == "offramp"
    listed = {c["name"].lower().replace("_", "-"): c for c in bom["components"]}
    for req in requirements():
        c = listed[normal(req.name)]
        assert c["purl"] == f"pkg:pypi/{normal(req.name)}@{c['version']}"
        assert req.specifier.contains(c["version"], prereleases=True)
    fastapi = next(d for d in bom["dependencies"] if d["ref"].startswith("pkg:pypi/fastapi@"))
    assert any(ref.startswith("pkg:pypi/starlette@") for ref in fastapi["dependsOn"])
