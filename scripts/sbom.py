"""A software bill of materials of the Python environment offramp runs in (OWASP ASVS
14.2.5), as CycloneDX 1.5 JSON: each installed distribution with its version, package
URL, licence as its metadata states it, and what it requires.

    .venv/bin/python scripts/sbom.py [--out offramp.cdx.json]

Run it with the interpreter of the installation it describes (``make sbom`` does). The
output is the same for the same environment: the serial number is derived from the
components, and the time is ``SOURCE_DATE_EPOCH`` when that is set (reproducible
builds' convention), else now. The format: https://cyclonedx.org/docs/1.5/json/; package
URLs: https://github.com/package-url/purl-spec (``pkg:pypi``: lower case, ``_`` as ``-``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import uuid
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

ROOT = "offramp"


def normal(name: str) -> str:
    """A distribution's name as PEP 503 compares it."""
    return re.sub(r"[-_.]+", "-", name).lower()


def purl(name: str, version: str) -> str:
    return f"pkg:pypi/{normal(name)}@{version}"


def licence(dist: metadata.Distribution) -> list[dict[str, Any]]:
    """The licence the distribution's metadata states: its SPDX expression when it gives
    one (``License-Expression``), else the ``License`` field's first line, else the
    ``License ::`` classifiers; nothing when it states none."""
    meta = dist.metadata
    if expression := (meta["License-Expression"] or "").strip():
        return [{"expression": expression}]
    field = (meta["License"] or "").strip().splitlines()
    if field and field[0].strip() and len(field[0]) <= 100:
        return [{"license": {"name": field[0].strip()}}]
    named = [
        c.split(" :: ")[-1] for c in meta.get_all("Classifier") or () if c.startswith("License ::")
    ]
    return [{"license": {"name": n}} for n in named]


def requires(dist: metadata.Distribution, installed: dict[str, str]) -> list[str]:
    """The installed distributions ``dist`` requires (without extras), as references."""
    out = set()
    for line in dist.requires or ():
        try:
            req = Requirement(line)
        except InvalidRequirement:
            continue
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        if (name := normal(req.name)) in installed:
            out.add(installed[name])
    return sorted(out)


def bom(when: datetime) -> dict[str, Any]:
    """The environment of this interpreter as a CycloneDX document."""
    dists = {normal(d.metadata["Name"]): d for d in metadata.distributions() if d.metadata["Name"]}
    refs = {name: purl(d.metadata["Name"], d.version) for name, d in dists.items()}
    root = dists.get(ROOT)
    components = [
        {
            "type": "library",
            "bom-ref": refs[name],
            "name": d.metadata["Name"],
            "version": d.version,
            "purl": refs[name],
            **({"licenses": found} if (found := licence(d)) else {}),
        }
        for name, d in sorted(dists.items())
        if name != ROOT
    ]
    dependencies = [
        {"ref": refs[name], "dependsOn": requires(d, refs)} for name, d in sorted(dists.items())
    ]
    serial = uuid.uuid5(uuid.NAMESPACE_URL, json.dumps([components, dependencies], sort_keys=True))
    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "serialNumber": f"urn:uuid:{serial}",
        "version": 1,
        "metadata": {
            "timestamp": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "component": {
                "type": "application",
                "bom-ref": refs.get(ROOT, f"pkg:pypi/{ROOT}"),
                "name": ROOT,
                "version": root.version if root is not None else "unknown",
            },
        },
        "components": components,
        "dependencies": dependencies,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, help="write here (default: standard output)")
    args = ap.parse_args()
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    text = json.dumps(bom(when), indent=2) + "\n"
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out} ({len(bom(when)['components'])} components)")


if __name__ == "__main__":
    main()
