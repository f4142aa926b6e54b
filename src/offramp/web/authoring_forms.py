"""The authoring desk's forms as case-file records, and a refused form's problems by field.

The web only reshapes what a form sends into the record a case file holds (text into
lists, blank fields left out, an empty id made from the name); every rule is the
authoring service's, the same as a case file's, so a form and a file are refused with
the same words. A problem's ``where`` is the record's field path (``values.fast``,
``options[1].id``), which is also the name of the form's field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from starlette.datastructures import FormData

from offramp.errors import OfframpError, Problem

Data = dict[str, Any]
OPTION_ROWS = 3  # blank option rows an issue form offers beyond its options

#: each kind's form fields that are plain text (the rest are shaped below)
TEXT_FIELDS: Mapping[str, tuple[str, ...]] = {
    "party": ("name", "role", "capability", "note"),
    "person": ("name", "party", "title", "since", "until"),
    "issue": ("title", "kind", "description"),
    "source": ("publication", "title", "author", "date", "url"),
    "statement": ("date", "party", "quote", "source", "stance", "reported_by", "note"),
    "position": ("ideal", "salience", "note"),
    "reservation": ("value", "note"),
}
#: the form's words for a record's fields (a problem names the field as the form does)
LABELS = {
    "id": "short id",
    "role": "role",
    "capability": "capability",
    "since": "in the role since",
    "until": "in the role until",
    "kind": "kind",
    "options": "options",
    "label": "label",
    "publication": "publication",
    "url": "link",
    "quote": "quote",
    "speaker": "speaker",
    "stance": "stance",
    "issue": "issue",
    "option": "option",
    "ideal": "ideal option",
    "acceptable": "acceptable options",
    "values": "option values",
    "salience": "salience",
    "value": "reservation value",
    "statements": "statements behind it",
    "reported_by": "reported by",
    "date": "date",
    "party": "party",
    "version": "version",
}


def field_words(where: str) -> str:
    """``options[1].id`` -> "option 2, short id"; ``values.fast`` -> "option values, fast"."""
    words: list[str] = []
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", where):
        if part.startswith("["):
            words[-1] = f"{words[-1].removesuffix('s')} {int(part[1:-1]) + 1}"
        else:
            words.append(LABELS.get(part, part.replace("_", " ")))
    return ", ".join(words)


@dataclass(frozen=True)
class Refused:
    """A form the desk refused: which form, what it sent (as a record) and why."""

    form: str
    record: Data
    problems: tuple[Problem, ...]
    status: int
    stale: bool = False  # the case changed since the form was opened
    version: int | None = None  # the version the form was opened at (None: the current)

    @classmethod
    def of(
        cls,
        form: str,
        record: Data,
        exc: OfframpError,
        *,
        stale: bool = False,
        version: int | None = None,
    ) -> Refused:
        return cls(form, record, tuple(exc.problems), exc.status, stale, version)

    def holds(self, form: str) -> bool:
        """Whether ``form`` is the refused one."""
        return self.form == form

    def at(self, *paths: str) -> list[str]:
        """The messages about ``paths`` (or any field inside one of them)."""
        return [
            p.message
            for p in self.problems
            if p.where
            and any(p.where == w or p.where.startswith((w + ".", w + "[")) for w in paths)
        ]

    def where_of(self, message: str) -> str:
        """The field a message is about (the first that has it)."""
        return next((p.where for p in self.problems if p.message == message), "")

    def worded(self, words: Mapping[str, str]) -> Refused:
        """The same refusal with each quoted id in ``words`` said in words (``'fast'`` ->
        "Three years"), for a page that shows labels, not ids."""

        def say(text: str) -> str:
            return re.sub(r"'([^']+)'", lambda m: f"“{words.get(m[1], m[1])}”", text)

        problems = tuple(Problem(p.where, say(p.message)) for p in self.problems)
        return replace(self, problems=problems)

    def lines(self) -> list[str]:
        """Every problem as "field: what is wrong", for the form's summary."""
        return [
            f"{field_words(p.where)}: {p.message}" if p.where else p.message for p in self.problems
        ]


@dataclass(frozen=True)
class Sent:
    """A submitted form: its fields, with the version and form key it carries."""

    form: FormData
    fields: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, form: FormData) -> Sent:
        return cls(form, {k: str(v).strip() for k, v in form.items()})

    def text(self, name: str) -> str:
        return self.fields.get(name, "")

    def many(self, name: str) -> list[str]:
        return [s for v in self.form.getlist(name) if (s := str(v).strip())]

    def version(self) -> int | None:
        text = self.text("version")
        return int(text) if text.isdigit() else None


def words_list(text: str) -> list[str]:
    """Aliases typed one a line or comma-separated."""
    return [w.strip() for w in re.split(r"[,\n]", text) if w.strip()]


def slug_of(text: str, *, upper: bool = False, size: int = 40) -> str:
    """An id made from a name: ``Releases in drought`` -> ``releases-in-drought``."""
    if upper:
        return re.sub(r"[^A-Z0-9]+", "_", text.upper()).strip("_")[:20]
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:size].strip("-")


def record_of(kind: str, sent: Sent, stored: Data | None = None) -> Data:
    """The record a form describes, in its case-file shape (blank fields left out).

    ``stored`` is the record being edited: its fields the form does not show (an
    option's phrases, say) are kept, and its identifying fields are its own.
    """
    record: Data = {k: _number(k, v) for k in TEXT_FIELDS[kind] if (v := sent.text(k))}
    if kind in _NAMED and (
        made := (stored or {}).get("id") or sent.text("id") or _id_of(kind, sent)
    ):
        record["id"] = made  # else the validator says the id is required
    if kind in ("party", "person") and (aliases := words_list(sent.text("aliases"))):
        record["aliases"] = aliases
    if kind == "issue":
        record["options"] = _options(sent, stored)
        if sent.text("candidate"):
            record["candidate"] = True
    if kind == "statement":
        record |= _about(sent.text("about"))
        if speaker := sent.text("speaker_name") or sent.text("speaker"):
            record["speaker"] = speaker
    if kind in ("position", "reservation"):
        for k in ("party", "date") + (("issue",) if kind == "position" else ()):
            record[k] = stored[k] if stored else sent.text(k)
        if statements := sent.many("statements"):
            record["statements"] = statements
    if kind == "position":
        if acceptable := sent.many("acceptable"):
            record["acceptable"] = acceptable
        values = {
            k[7:]: _number("value", v)
            for k, v in sent.fields.items()
            if k.startswith("values.") and v
        }
        if values:
            record["values"] = values
    return record


def changes_of(kind: str, record: Data, stored: Data) -> Data:
    """An edit's changes: every field the form shows, a blank one back to its default."""
    shown = {*TEXT_FIELDS[kind], *_SHAPED.get(kind, ())}
    return {k: record.get(k) for k in shown if record.get(k) != stored.get(k)}


_SHAPED = {
    "party": ("aliases",),
    "person": ("aliases",),
    "issue": ("options", "candidate"),
    "statement": ("speaker", "issue", "option"),
    "position": ("acceptable", "values", "statements"),
    "reservation": ("statements",),
}


NUMBERS = ("capability", "salience", "value")


def _number(name: str, text: str) -> Any:
    """A number field's text as the number it reads as (a JSON body's), else the text
    itself, which the validator then refuses by field."""
    if name not in NUMBERS:
        return text
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() and text.lstrip("+-").isdigit() else number


#: the field an empty id is made from
_NAMED = {
    "party": "name",
    "person": "name",
    "issue": "title",
    "source": "publication",
    "statement": "quote",
}


def _id_of(kind: str, sent: Sent) -> str:
    if kind == "party":
        return slug_of(sent.text("name"), upper=True)
    if kind == "statement":
        return slug_of(f"{sent.text('party') or 'note'} {sent.text('quote')}", size=48)
    return slug_of(sent.text(_NAMED[kind]))


def _options(sent: Sent, stored: Data | None) -> list[Data]:
    """The option rows that say something, in order (each row's empty id made from its
    label), with what the stored option of that id holds beyond the form."""
    before = {o["id"]: o for o in (stored or {}).get("options", [])}
    rows = []
    found = (re.match(r"options\[(\d+)\]\.", name) for name in sent.fields)
    for k in range(max((int(m.group(1)) + 1 for m in found if m), default=0)):
        label = sent.text(f"options[{k}].label")
        oid = sent.text(f"options[{k}].id") or slug_of(label)
        if not label:  # a row without a label is no option (clearing one removes it)
            continue
        row = {**before.get(oid, {}), "id": oid, "label": label}
        row.pop("kind", None)
        if kind := sent.text(f"options[{k}].kind"):
            row["kind"] = kind
        rows.append(row)
    return rows


def _about(choice: str) -> Data:
    """The statement's issue and option, from the one list of both ("issue/option")."""
    issue, _, option = choice.partition("/")
    return {k: v for k, v in (("issue", issue), ("option", option)) if v}


def option_rows(record: Data) -> list[Data]:
    """An issue's option rows for its form: its options, then blank rows (five rows at
    least, so a new issue's options fit on one form)."""
    options: Sequence[Data] = record.get("options", [])
    return [*options, *({} for _ in range(max(OPTION_ROWS, 5 - len(options))))]
