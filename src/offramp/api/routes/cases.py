"""Cases: list, create (import), read the public record, export, replace, members, shares."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query

from offramp.api.access_schemas import MemberChangeIn
from offramp.api.deps import CurrentActor, MaybeActor, ServicesDep
from offramp.api.routes import PROBLEMS, CaseSlug
from offramp.api.routes.authoring import CaseNewIn
from offramp.api.routes.convert import case_out
from offramp.api.schemas import (
    CaseImportIn,
    CaseOut,
    CaseReplaceIn,
    CaseSummaryOut,
    ExportOut,
    MemberIn,
    MemberOut,
    ShareIn,
    Short,
)

router = APIRouter(responses=PROBLEMS, tags=["cases"])


@router.get("/cases", name="case_list", response_model=list[CaseSummaryOut])
def list_cases(actor: CurrentActor, services: ServicesDep) -> list[CaseSummaryOut]:
    """The cases the caller is a member of."""
    return [CaseSummaryOut(**vars(c)) for c in services.cases.list_my_cases(actor)]


@router.post("/cases", name="case_create", response_model=CaseSummaryOut, status_code=201)
def create_case(
    body: CaseImportIn | CaseNewIn, actor: CurrentActor, services: ServicesDep
) -> CaseSummaryOut:
    """Import a case file (YAML or JSON ``text``) as a new case, or start an empty one
    from its ``id``, ``title`` and ``description`` to author record by record (server
    admins)."""
    if isinstance(body, CaseNewIn):
        row = services.authoring.create_case(actor, body.id, body.title, body.description)
    else:
        row = services.cases.import_case(actor, body.text, body.filename)
    return CaseSummaryOut(slug=row.slug, title=row.title, version=row.version, role="", party=None)


@router.get("/cases/{case}", name="case_read", response_model=CaseOut)
def read_case(case: CaseSlug, actor: MaybeActor, services: ServicesDep) -> CaseOut:
    """The public record: parties, issues, tracks, sources; and the caller's role."""
    return case_out(services.cases.public_record(actor, case))


@router.get("/cases/{case}/export", name="case_export", response_model=ExportOut)
def export_case(
    case: CaseSlug,
    actor: MaybeActor,
    services: ServicesDep,
    format: Literal["yaml", "json"] = Query("yaml"),
) -> ExportOut:
    """The whole case as a case file."""
    out = services.cases.export_case(actor, case, format)
    return ExportOut(slug=out.slug, version=out.version, format=format, text=out.text)


@router.put("/cases/{case}/casefile", name="case_replace", response_model=CaseSummaryOut)
def replace_case(
    case: CaseSlug, body: CaseReplaceIn, actor: MaybeActor, services: ServicesDep
) -> CaseSummaryOut:
    """Replace the case's content with a case file; ``version`` must be current (else 409)."""
    row = services.cases.replace_case(actor, case, body.text, body.version, body.filename)
    return CaseSummaryOut(slug=row.slug, title=row.title, version=row.version, role="", party=None)


@router.get("/cases/{case}/members", name="member_list", response_model=list[MemberOut])
def list_members(case: CaseSlug, actor: MaybeActor, services: ServicesDep) -> list[MemberOut]:
    """Members of the case and their roles (the mediator)."""
    return [
        MemberOut(user=m.user, role=m.role, party=m.party)
        for m in services.cases.list_members(actor, case)
    ]


@router.post("/cases/{case}/members", name="member_add", response_model=MemberOut, status_code=201)
def add_member(
    case: CaseSlug, body: MemberIn, actor: CurrentActor, services: ServicesDep
) -> MemberOut:
    """Give a user a role on the case (server admins)."""
    m = services.cases.add_member(actor, case, body.user, body.role.value, body.party)
    return MemberOut(user=m.user, role=m.role, party=m.party)


@router.patch("/cases/{case}/members/{user}", name="member_change", response_model=MemberOut)
def change_member(
    case: CaseSlug, user: Short, body: MemberChangeIn, actor: CurrentActor, services: ServicesDep
) -> MemberOut:
    """Give a member another role or party (server admins)."""
    m = services.cases.change_member(actor, case, user, body.role.value, body.party)
    return MemberOut(user=m.user, role=m.role, party=m.party)


@router.delete("/cases/{case}/members/{user}", name="member_remove", status_code=204)
def remove_member(case: CaseSlug, user: Short, actor: CurrentActor, services: ServicesDep) -> None:
    """Take a user off the case, with what the mediator shared with them (server admins)."""
    services.cases.remove_member(actor, case, user)


@router.post("/cases/{case}/shares", name="share_create", status_code=204)
def share(case: CaseSlug, body: ShareIn, actor: MaybeActor, services: ServicesDep) -> None:
    """Share positions, analysis, the ledger, a proposal or a note with a member."""
    services.cases.share(actor, case, body.user, body.kind, body.item)
