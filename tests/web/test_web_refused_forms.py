"""A web form refused by the write limit (ASVS 11.1.4) comes back as the page it was sent
from, filled as it was sent, saying when to send it again: nothing typed is lost, and
nothing is written. In process, with a limit of one write an hour per user."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from offramp.api.app import Settings
from offramp.server import create_desk_app
from offramp.services.write_limits import WriteRate
from offramp.web.refill import refill
from support.desk import PASSWORD, World
from support.web_client import visible_text

CSRF = "refused-forms-csrf-token"
HOST = "http://testserver"
WAIT = (
    "Too many changes from your account in a short time: the desk takes 1 at once and 1 "
    "more every hour. This one was not made; try again in 60 minutes."
)
FORM = "/cases/small/shuttle/UA/messages"
SENT = {"csrf_token": CSRF, "body": "First.", "mark": "may-relay"}
TYPED = 'A long reply, with <angle brackets> & "quotes",\nover two lines.'


@pytest.fixture
def web(world: World) -> Iterator[TestClient]:
    app = create_desk_app(Settings(write_rate=WriteRate(1, 3600)), services=world.desk)
    with TestClient(app, follow_redirects=False) as http:
        yield http


def as_(http: TestClient, world: World, who: str) -> TestClient:
    http.cookies.clear()
    http.cookies.set("offramp_csrf", CSRF)
    http.cookies.set("offramp_session", world.desk.accounts.sign_in(who, PASSWORD)[1])
    return http


def message_spent(http: TestClient, world: World) -> TestClient:
    """Signed in as ``delegate_ua``, whose one write of the hour posted a message."""
    as_(http, world, "delegate_ua")
    assert http.post(FORM, data=SENT).status_code == 303
    return http


def field(page: str, tag: str, name: str) -> str:
    """The start tag (or textarea's text) of the field ``name``."""
    if tag == "textarea":
        found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    else:
        found = re.search(rf'<{tag}[^>]*name="{name}"[^>]*>', page)
    assert found is not None, name
    return found.group(1) if tag == "textarea" else found.group(0)


def test_a_refused_message_is_the_shuttle_again_with_the_text_kept(
    web: TestClient, world: World
) -> None:
    http = message_spent(web, world)
    back = {"referer": f"{HOST}/cases/small/shuttle/UA?done=posted"}
    page = http.post(FORM, data={**SENT, "body": TYPED, "mark": "mediator-only"}, headers=back)
    assert (page.status_code, page.headers["retry-after"]) == (429, "3600")
    assert page.headers["content-type"].startswith("text/html")
    text = visible_text(page.text)
    assert WAIT in text and "What you typed is kept below: send it again then." in text
    assert "Message posted." not in text  # the earlier write's notice is not told again
    assert field(page.text, "textarea", "body") == (
        "A long reply, with &lt;angle brackets&gt; &amp; &quot;quotes&quot;,\nover two lines."
    )
    assert "checked" in field(page.text, "input", 'mark" value="mediator-only')
    assert "checked" not in field(page.text, "input", 'mark" value="may-relay')
    assert f'value="{CSRF}"' in page.text  # the form sends again as it is
    bodies = [m.message.body for m in world.desk.shuttle.list_messages(
        world.actors["delegate_ua"], "small", "UA")]  # fmt: skip
    assert "First." in bodies and TYPED not in bodies
    for raw in ("None", "True", "False", "Traceback"):
        assert raw not in text


def test_a_refused_statement_is_the_author_page_again_with_its_form_open_and_filled(
    web: TestClient, world: World
) -> None:
    http = as_(web, world, "analyst")
    version = re.search(r'name="version" value="(\d+)"', http.get("/cases/small/author").text)
    assert version is not None
    statement = {
        "csrf_token": CSRF, "form": "add-statements", "version": version.group(1),
        "id": "", "date": "2022-03-12", "party": "UA", "speaker": "zelensky",
        "speaker_name": "", "quote": TYPED, "source": "wapo", "stance": "consider",
        "about": "alignment/neutral", "reported_by": "", "note": "",
    }  # fmt: skip
    first = http.post("/cases/small/author/statements", data={**statement, "quote": "One."})
    assert first.status_code == 303, first.text
    back = {"referer": f"{HOST}/cases/small/author#statements"}
    page = http.post("/cases/small/author/statements", data=statement, headers=back)
    assert page.status_code == 429
    assert WAIT in visible_text(page.text)
    add = page.text[page.text.index('action="/cases/small/author/statements"') :]
    assert field(add, "textarea", "quote") == (
        "A long reply, with &lt;angle brackets&gt; &amp; &quot;quotes&quot;,\nover two lines."
    )
    assert 'value="2022-03-12"' in field(add, "input", "date")
    assert re.search(r'<option value="alignment/neutral"[^>]* selected>', add)
    assert re.search(r'<option value="consider"[^>]* selected>', add)
    opened = page.text[: page.text.index('action="/cases/small/author/statements"')]
    assert re.findall(r"<details[^>]*>", opened)[-1].endswith(" open>")  # shown, not folded
    quotes = [s.quote for s in world.desk.cases.public_record(
        world.actors["analyst"], "small").case.statements]  # fmt: skip
    assert "One." in quotes and TYPED not in quotes


def test_without_the_page_it_came_from_the_refusal_is_its_own_page(
    web: TestClient, world: World
) -> None:
    http = message_spent(web, world)
    for headers in ({}, {"referer": "https://elsewhere.example/cases/small/shuttle/UA"}):
        page = http.post(FORM, data=SENT, headers=headers)
        assert page.status_code == 429
        assert "back button" in visible_text(page.text)  # the plain page of the refusal


PAGE = """<main><details class="add"><summary>Add</summary>
<form method="post" action="/x"><input type="hidden" name="version" value="7">
<input type="text" name="title" value="">
<input type="password" name="password" value="">
<input type="checkbox" name="tags" value="a"><input type="checkbox" name="tags" value="b" checked>
<select name="kind" multiple><option value="p" selected>P</option><option value="q">Q</option></select>
<textarea name="body">old</textarea></form>
<form method="post" action="/y"><input name="title" value="other"></form></details></main>"""


def test_refill_fills_only_the_form_sent_and_never_a_password() -> None:
    values = {
        "version": ["6"], "title": ['"Quoted" & <b>'], "password": ["secret"],
        "tags": ["a"], "kind": ["q"], "body": ["new\ntext"],
    }  # fmt: skip
    shown = refill(PAGE, "/page", "/x", values, "<p>NOTICE</p>")
    assert shown is not None
    x, y = shown.split('action="/y"')
    assert '<details class="add" open>' in x
    assert '<form method="post" action="/x"><p>NOTICE</p>' in x
    assert 'name="version" value="6"' in x  # the version the user saw
    assert 'value="&quot;Quoted&quot; &amp; &lt;b&gt;"' in x
    assert 'name="password" value=""' in x and "secret" not in shown
    assert '<input type="checkbox" name="tags" value="a" checked>' in x
    assert '<input type="checkbox" name="tags" value="b">' in x
    assert '<option value="p">' in x and '<option value="q" selected>' in x
    assert '<textarea name="body">new\ntext</textarea>' in x
    assert 'value="other"' in y  # another form keeps its own
    assert refill(PAGE, "/page", "/z", values, "") is None  # no form posts there
