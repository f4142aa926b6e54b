"""How the intake loads: spaCy without its command line, its registries' entry points
grouped once, and no garbage collection while the pipeline is built. Together well over a
third of a second of every ``offramp ingest``.

``import spacy`` runs ``from .cli.info import info``, which imports the whole of
``spacy.cli`` (its Typer app, ``requests``, ``weasel``, Jinja ...) for a function the
intake never calls: about 0.2 s of the 0.6 s import on this machine. The same change
(load the CLI lazily) was merged upstream in explosion/spaCy#12962, since undone, and is
proposed again in #13721. Until it ships, :func:`import_spacy` imports spaCy with a
stand-in for ``spacy.cli.info`` and removes the stand-in afterwards: ``spacy.info`` loads
the real one when called, and ``import spacy.cli`` imports the real package. The package
:mod:`offramp.extract` imports this module first, so whichever of its modules uses spaCy
gets it this way; if spaCy is already imported, only the entry points (below) change.

spaCy's registries (``catalogue``) look up the entry points of installed packages on
every lookup: ``catalogue.AVAILABLE_ENTRY_POINTS``, read once when catalogue is imported,
is filtered by group each time, and loading the pipeline looks up about 180 times (each
of its ~90 serialized arrays asks for the msgpack decoders). :func:`group_entry_points`
replaces it with the same entry points grouped by group name, a form catalogue reads as
well (its ``dict`` branch, for older ``importlib.metadata``): the same answers, found
without the scan (a few hundredths of a second).

Importing spaCy and building a pipeline and a reader make hundreds of thousands of
objects that live as long as the process, and CPython's cyclic collector walks all of
them again and again while they are made (a tenth of a second or more here).
:func:`paused_gc` turns it off for that time; nothing built then is garbage. Once the
collector is back on, its first collections would still walk everything the import made,
as new objects (about 0.03 s here): :func:`import_spacy` moves them to the collector's
permanent generation first (``gc.freeze()``), where it never looks. This happens once a
process; what it moves are spaCy's modules and what they hold, which reference counting
still frees, and only a cycle among them that became garbage later would stay.
"""

from __future__ import annotations

import gc
import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection inside; as it was before, after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info``, from the real ``spacy.cli`` on first use."""
    from spacy.cli.info import info

    return info(*args, **kwargs)


def group_entry_points() -> None:
    """``catalogue.AVAILABLE_ENTRY_POINTS`` as a plain mapping of group to entry points."""
    import catalogue  # type: ignore[import-untyped]  # no type hints shipped

    found = catalogue.AVAILABLE_ENTRY_POINTS
    if not hasattr(found, "select"):  # a plain mapping already: catalogue reads it as is
        return
    groups: dict[str, list[Any]] = {}
    if isinstance(found, dict):  # SelectableGroups (Python 3.10, 3.11): grouped, filtered anyway
        for group, entry_points in dict.items(found):
            groups[group] = list(entry_points)
    else:  # EntryPoints (Python 3.12 on)
        for entry_point in found:
            groups.setdefault(entry_point.group, []).append(entry_point)
    catalogue.AVAILABLE_ENTRY_POINTS = groups


def import_spacy() -> ModuleType:
    """The ``spacy`` module, imported without ``spacy.cli`` unless already imported."""
    if "spacy" in sys.modules:
        group_entry_points()
        return sys.modules["spacy"]
    spec = importlib.util.find_spec("spacy")
    if spec is None or spec.origin is None:  # not installed: let the import say so
        import spacy

        return spacy
    group_entry_points()
    cli = ModuleType("spacy.cli", "A stand-in while spaCy is imported (offramp.extract).")
    cli.__path__ = [str(Path(spec.origin).parent / "cli")]
    info = ModuleType("spacy.cli.info")
    info.info = _info  # type: ignore[attr-defined]
    stand_ins = {"spacy.cli": cli, "spacy.cli.info": info}
    sys.modules.update(stand_ins)
    try:
        with paused_gc():
            import spacy

            gc.freeze()  # what the import made lives as long as the process
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    if getattr(spacy, "cli", None) is cli:
        delattr(spacy, "cli")
    return spacy


import_spacy()
