"""Request and response bodies, one schema per direction (``...In``, ``...Out``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from offramp.api.precedent_schemas import PrecedentLinkOut
from offramp.files.located import text_problem
from offramp.model.access import DeskRole
from offramp.model.concessions import Direction
from offramp.model.shuttle import HandlingMark, RelayLabel, RelayMode, Response
from offramp.services.intake import MAX_TEXT

Text = Annotated[str, Field(min_length=1, max_length=20_000)]
Short = Annotated[str, Field(min_length=1, max_length=200)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=80)]
PartyId = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]*$", max_length=20)]
Version = Annotated[int, Field(ge=1, le=2_000_000_000)]


def plain_text(value: Any) -> Any:
    """``value`` if every string in it is plain text (:func:`text_problem`), else a
    ValueError naming the first bad character."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem is not None:
            raise PydanticCustomError("value_error", problem)
    elif isinstance(value, list | tuple):
        for item in value:
            plain_text(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            plain_text(key)
            plain_text(item)
    return value


class In(BaseModel):
    """A request body: no unknown fields, finite numbers, and text without control
    characters (but tab and line breaks) or lone surrogates, which no store keeps."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    _plain_text = field_validator("*")(plain_text)


class ProblemItem(BaseModel):
    where: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details, with every problem listed in ``errors``."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemItem]


class HealthOut(BaseModel):
    ok: bool


class LoginIn(In):
    name: Short
    password: Annotated[str, Field(min_length=1, max_length=1000)]
    code: Annotated[
        str | None,
        Field(
            max_length=40,
            description="The two-factor code (or a recovery code), if the account has 2FA.",
        ),
    ] = None


class ActorOut(BaseModel):
    name: str
    is_admin: bool


class UserIn(In):
    name: Short
    # the service checks the policy (services/password_policy.py) and names what is wrong
    password: Annotated[str, Field(min_length=1, max_length=1000)]
    admin: bool = False


class TokenIn(In):
    user: Short


class TokenOut(BaseModel):
    user: str
    token: str


class CaseSummaryOut(BaseModel):
    slug: str
    title: str
    version: int
    role: str
    party: str | None


class CaseImportIn(In):
    text: Annotated[str, Field(min_length=1, max_length=5_000_000)]
    filename: Annotated[str, Field(max_length=200)] = "upload.yaml"


class CaseReplaceIn(CaseImportIn):
    version: Version


class OptionOut(BaseModel):
    id: str
    label: str


class IssueOut(BaseModel):
    id: str
    title: str
    kind: str
    candidate: bool
    options: list[OptionOut]


class PartyOut(BaseModel):
    id: str
    name: str
    role: str


class TrackOut(BaseModel):
    id: str
    title: str
    start: dt.date
    end: dt.date | None


class SourceOut(BaseModel):
    id: str
    publication: str
    title: str
    author: str
    date: dt.date | None
    url: str


class CaseOut(BaseModel):
    """The public record of a case, and the caller's role in it."""

    slug: str
    title: str
    description: str
    version: int
    role: str
    party: str | None
    parties: list[PartyOut]
    issues: list[IssueOut]
    tracks: list[TrackOut]
    sources: list[SourceOut]


class ExportOut(BaseModel):
    slug: str
    version: int
    format: Literal["yaml", "json"]
    text: str


class StatementIn(In):
    id: Slug
    date: dt.date
    party: PartyId | None = None
    speaker: Short
    quote: Text
    source: Slug
    stance: str | None = Field(None, max_length=20)
    issue: Slug | None = None
    option: Slug | None = None
    track: Slug | None = None
    note: Annotated[str, Field(max_length=2000)] = ""


class IntakeIn(In):
    text: Annotated[str, Field(max_length=MAX_TEXT, description="The article or statement.")]
    article_date: dt.date


class ProposedStatementOut(BaseModel):
    """A proposed statement: nothing is stored until a person adds and confirms it."""

    speaker: str
    party: str
    issue: str | None
    stance: str
    option: str | None
    quote: str
    quoted: bool
    sentence: str
    date: dt.date
    date_basis: str
    condition: str
    rule: str
    confidence: float | None
    start: int
    end: int


class IntakeOut(BaseModel):
    article_date: dt.date
    proposals: list[ProposedStatementOut]


class StatementOut(BaseModel):
    id: str
    date: dt.date
    party: str | None
    speaker: str
    quote: str
    source: str
    stance: str | None
    issue: str | None
    option: str | None
    confirmed_at: dt.datetime | None
    confirmed_by: str | None


class PositionOut(BaseModel):
    id: int
    version: int
    party: str
    issue: str
    date: dt.date
    ideal: str
    acceptable: list[str]
    salience: float
    values: dict[str, float]
    statements: list[str]
    note: str


class PositionPatch(In):
    version: Version
    ideal: Slug | None = None
    acceptable: list[Slug] | None = Field(None, max_length=50)
    salience: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    values: dict[Slug, Annotated[float, Field(ge=0.0, le=1.0)]] | None = Field(None, max_length=50)
    note: Annotated[str, Field(max_length=2000)] | None = None


class ChannelOut(BaseModel):
    key: str
    kind: str
    party: str | None
    messages: int


class MessageIn(In):
    body: Text
    mark: HandlingMark


class MessageOut(BaseModel):
    """A message; ``relay_of`` (the origin of a relay) is shown to the mediator only."""

    id: int
    channel: str
    author: str
    body: str
    mark: HandlingMark
    at: dt.datetime
    relay_of: int | None
    relay_mode: RelayMode | None
    label: RelayLabel | None
    claim: int | None


class RelayIn(In):
    to_channel: Annotated[str, Field(min_length=1, max_length=20)]
    mode: RelayMode
    body: Text | None = None
    mark: HandlingMark = HandlingMark.MAY_RELAY


class ClaimIn(In):
    party: PartyId | None = None
    text: Text | None = None
    statement: Slug | None = None


class NoteIn(In):
    note: Annotated[str, Field(max_length=2000)] = ""


class ClaimResponseIn(In):
    confirm: bool
    note: Annotated[str, Field(max_length=2000)] = ""


class ClaimRelayIn(In):
    to_party: PartyId
    label: RelayLabel


class ClaimStepOut(BaseModel):
    state: str
    actor: str
    at: dt.datetime
    note: str
    label: RelayLabel | None
    party: str | None


class ClaimOut(BaseModel):
    id: int
    version: int
    party: str
    text: str
    statement: str | None
    state: str
    relayed_to: str | None
    label: RelayLabel | None
    history: list[ClaimStepOut]


class ProposalIn(In):
    title: Short
    package: dict[Slug, Slug] = Field(max_length=50)
    parties: list[PartyId] | None = Field(None, max_length=20)


class ProposalResponseIn(In):
    response: Literal[Response.ACCEPTED, Response.REJECTED]
    note: Annotated[str, Field(max_length=2000)] = ""


class PartyResponseOut(BaseModel):
    party: str
    response: Response
    actor: str | None
    at: dt.datetime | None
    note: str


class ProposalOut(BaseModel):
    """A proposal; delegates see only their own party's response and no overall status."""

    id: int
    version: int
    title: str
    package: dict[str, str]
    parties: list[str]
    tabled_by: str
    at: dt.datetime
    status: str | None
    responses: list[PartyResponseOut]
    precedents: list[PrecedentLinkOut] = Field(
        [], description="Precedents linked to the package's options, as the caller sees them."
    )


class LedgerIn(In):
    party: PartyId
    issue: Slug
    direction: Direction
    from_option: Slug | None = None
    to_option: Slug | None = None
    note: Annotated[str, Field(max_length=2000)] = ""


class LedgerOut(BaseModel):
    id: int
    party: str
    issue: str
    direction: Direction
    from_option: str | None
    to_option: str | None
    note: str
    proposal: int | None
    at: dt.datetime
    recorded_by: str


class NoteCreateIn(In):
    title: Short
    body: Annotated[str, Field(max_length=100_000)] = ""


class NotePatch(In):
    version: Version
    title: Short | None = None
    body: Annotated[str, Field(max_length=100_000)] | None = None


class NoteOut(BaseModel):
    id: int
    version: int
    author: str
    title: str
    body: str
    updated_at: dt.datetime


class ShareIn(In):
    user: Short
    kind: Literal["positions", "analysis", "ledger", "proposal", "note"]
    item: Annotated[int, Field(ge=1, le=2_000_000_000)] | None = None


class MemberIn(In):
    user: Short
    role: DeskRole
    party: PartyId | None = None


class MemberOut(BaseModel):
    user: str
    role: str
    party: str | None


class AuditEventOut(BaseModel):
    seq: int
    actor: str
    action: str
    payload: dict[str, object]
    at: dt.datetime
    prev_hash: str
    hash: str


class AuditOut(BaseModel):
    case: str
    ok: bool
    events: int
    head_seq: int
    bad_seq: int | None
    problem: str | None
    message: str


class AnalysisIssueOut(BaseModel):
    id: str
    options: list[str]


class RipenessOut(BaseModel):
    sentence: str
    zone_size_on_frontier: int
    opening_concession: float
    concessions: dict[str, float]
    package: dict[str, str]
    utilities: dict[str, float]


class FrontierPointOut(BaseModel):
    options: dict[str, str]
    utilities: dict[str, float]
    in_zone: bool


class SolutionOut(BaseModel):
    options: dict[str, str]
    utilities: dict[str, float]
    value: float
    in_zone: bool


class GiveOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    issue: str
    from_: str = Field(alias="from")
    to: str
    cost: float


class AccountOut(BaseModel):
    gives: list[GiveOut]
    gets: list[str]
    given_up: float
    utility: float
    gain: float
    sentence: str


class RankedPackageOut(BaseModel):
    rank: int
    nash_product: float
    options: dict[str, str]
    utilities: dict[str, float]
    sentence: str
    parties: dict[str, AccountOut]


class EnlargeOut(BaseModel):
    candidates: list[str]
    chosen: list[str]
    goal: str
    opens_zone: bool
    method: str
    sentence: str
    zone_before: int
    zone_after: int
    nash_before: float | None
    nash_after: float | None
    concession_before: float
    concession_after: float


class RipenessPointOut(BaseModel):
    at: dt.date
    ripe: bool
    opening_concession: float
    zone_size_on_frontier: int


class AnalysisOut(BaseModel):
    """``AnalysisReport.to_dict()``: what ``offramp analyze --json`` prints."""

    version: int
    case: str
    at: dt.date
    parties: list[str]
    issues: list[AnalysisIssueOut]
    reservation: dict[str, float]
    ideal: dict[str, float]
    zone_exists: bool
    ripe: bool
    ripeness: RipenessOut
    outcome_space_size: int
    frontier_size: int
    frontier: list[FrontierPointOut]
    nash: SolutionOut | None
    kalai_smorodinsky: SolutionOut | None
    egalitarian: SolutionOut | None
    utilitarian: SolutionOut | None
    packages: list[RankedPackageOut]
    enlarge: EnlargeOut | None
    history: list[RipenessPointOut]
    why: list[str]
    warnings: list[str]
