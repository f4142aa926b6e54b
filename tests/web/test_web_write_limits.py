"""ASVS 4.0.3 11.1.4 on the web desk: a form sent over the user's write limit gets a
429 page in words (not JSON, not a traceback), and the web and the API spend from one
bucket per user. Through the real server on loopback (``offramp serve --write-rate``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import closing

import httpx
import pytest

from api.asvs_support import CSRF, AsvsDesk
from support.desk import populate
from support.launch import desk_server

FORM = "/cases/small/shuttle/UA/messages"
API_MESSAGES = "/cases/small/channels/UA/messages"


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AsvsDesk]:
    db = tmp_path_factory.mktemp("web-write-limits") / "desk.db"
    tokens = populate(str(db))
    with desk_server(db, extra_args=("--write-rate", "2/60s")) as running:
        yield AsvsDesk(running, tokens)


def post_form(browser: httpx.Client, body: str) -> int:
    form = {"csrf_token": CSRF, "body": body, "mark": "may-relay"}
    return browser.post(FORM, data=form).status_code


def post_api(api: httpx.Client, body: str) -> int:
    return api.post(API_MESSAGES, json={"body": body, "mark": "may-relay"}).status_code


def test_a_form_over_the_limit_gets_a_429_page_in_words_sharing_the_apis_bucket(
    desk: AsvsDesk,
) -> None:
    browser = desk.web_sign_in("delegate_ua")  # signing in spends nothing
    with closing(browser), desk.api("delegate_ua") as api:
        assert post_form(browser, "First, by the form.") == 303
        assert post_api(api, "Second, by the API.") == 201
        form = {"csrf_token": CSRF, "body": "Third, refused.", "mark": "may-relay"}
        page = browser.post(FORM, data=form)
        assert post_api(api, "Fourth.") == 429  # the form spent the API's bucket too
        bodies = [m["body"] for m in api.get(API_MESSAGES).json()]
        signed_out = browser.post("/sign-out", data={"csrf_token": CSRF})
    assert page.status_code == 429
    assert page.headers["content-type"].startswith("text/html")
    wait = int(page.headers["retry-after"])
    assert 1 <= wait <= 30
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
    assert "Too many requests" in text
    assert (
        "Too many changes from your account in a short time: the desk takes 2 at once and "
        f"2 more every minute. This one was not made; try again in {wait} second"
    ) in text
    assert "back button" in text  # the way back to the form
    for raw in ("None", "True", "False", "Traceback", '"status"', "{"):
        assert raw not in text
    assert "Third, refused." not in bodies and "Fourth." not in bodies
    assert {"First, by the form.", "Second, by the API."} <= set(bodies)
    assert (signed_out.status_code, signed_out.headers["location"]) == (
        303,
        "/sign-in?done=signed-out",
    )  # signing out is never refused
