"""Issue 18 over the real server: stored links (finding 1), hostile bodies (2), text above
U+FFFF (3) and writes that broke later reads (8). Each refusal is asserted exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from offramp.files.located import MAX_DEPTH, MAX_NODES
from offramp.server import create_desk_app
from support.cli import offramp
from support.desk import PASSWORD, SMALL_CASE_YAML, World, world_api
from support.launch import Running

EMOJI_CASE = SMALL_CASE_YAML.replace(
    "title: A small shuttle case", "title: A small case 😀"
).replace("quote: Ukraine must be neutral.", "quote: Ukraine must be neutral 🇺🇦 \U0010ffff.")


def errors(res: httpx.Response) -> list[dict[str, Any]]:
    assert res.status_code == 422, res.text
    assert res.headers["content-type"].startswith("application/problem+json")
    out: list[dict[str, Any]] = res.json()["errors"]
    return out


def replace(client: httpx.Client, text: str, name: str = "small.yaml") -> httpx.Response:
    version = client.get("/cases/small").json()["version"]
    return client.put(
        "/cases/small/casefile", json={"text": text, "filename": name, "version": version}
    )


# -- finding 1: a javascript: link -------------------------------------------------------------


def test_a_javascript_source_url_is_refused_at_its_line(
    world_server: Running, world: World
) -> None:
    med = world_api(world_server, world, "mediator_il")
    text = SMALL_CASE_YAML.replace(
        "date: 2022-03-11}", "date: 2022-03-11, url: \"javascript:fetch('/api/cases')\"}"
    )
    line = text[: text.index("javascript:")].count("\n") + 1
    assert errors(replace(med, text)) == [
        {
            "where": f"small.yaml:{line}: sources[0].url",
            "message": "\"javascript:fetch('/api/cases')\" is not a link offramp follows: "
            "use an http, https or mailto URL",
        }
    ]
    assert med.get("/cases/small").json()["sources"][0]["url"] == ""


def test_an_http_source_url_is_a_link_on_the_overview(world: World) -> None:
    url = "https://www.washingtonpost.com/opinions/2022/03/11/"
    text = SMALL_CASE_YAML.replace("date: 2022-03-11}", f"date: 2022-03-11, url: '{url}'}}")
    world.desk.cases.replace_case(world.actors["mediator_il"], "small", text, 1, "small.yaml")
    with TestClient(create_desk_app(services=world.desk)) as client:
        _, secret = world.desk.accounts.sign_in("mediator_il", PASSWORD)
        client.cookies.set("offramp_session", secret)
        page = client.get("/cases/small", params={"at": "2022-03-11", "since": "2022-03-01"})
    assert page.status_code == 200
    assert f'<a href="{url}" rel="noopener noreferrer">' in page.text


# -- finding 2: bodies that cost memory or stack --------------------------------------------------

BOMB = "\n".join(
    ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    + [f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 9) + "]" for k in range(1, 9)]
)


def test_hostile_case_files_are_refused_with_their_limit(
    world_server: Running, world: World
) -> None:
    med = world_api(world_server, world, "mediator_il")
    assert errors(replace(med, BOMB, "bomb.yaml")) == [
        {
            "where": "bomb.yaml:6",
            "message": f"more than {MAX_NODES:,} values, counting what aliases repeat (the limit)",
        }
    ]
    deep = "[" * 100_000 + "]" * 100_000
    for name in ("deep.yaml", "deep.json"):
        assert errors(replace(med, deep, name)) == [
            {
                "where": f"{name}:1",
                "message": f"nested more than {MAX_DEPTH} levels deep (the limit)",
            }
        ]
    admin = world_api(world_server, world, "admin")
    created = admin.post("/cases", json={"text": BOMB, "filename": "new.yaml"})
    assert errors(created)[0]["where"] == "new.yaml:6"
    assert med.get("/health").status_code == 200


def test_a_deeply_nested_json_body_is_a_400_not_a_500(world_server: Running, world: World) -> None:
    med = world_api(world_server, world, "mediator_il")
    body = b'{"title": "x", "body": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    res = med.post("/cases/small/notes", content=body, headers={"content-type": "application/json"})
    assert res.status_code == 400 and "Traceback" not in res.text


# -- finding 3: characters above U+FFFF ------------------------------------------------------------


def test_a_case_with_emoji_survives_its_own_export(
    world_server: Running, world: World, tmp_path: Path
) -> None:
    med = world_api(world_server, world, "mediator_il")
    assert replace(med, EMOJI_CASE).status_code == 200
    assert med.get("/cases/small").json()["title"] == "A small case 😀"
    statements = med.get("/cases/small/statements").json()
    assert statements[0]["quote"] == "Ukraine must be neutral 🇺🇦 \U0010ffff."
    yaml_out = med.get("/cases/small/export").json()["text"]
    json_out = med.get("/cases/small/export", params={"format": "json"}).json()["text"]
    for text in (yaml_out, json_out):
        assert "A small case 😀" in text and "\\uD83D" not in text
    for text, name in ((yaml_out, "export.yaml"), (json_out, "export.json")):
        assert replace(med, text, name).status_code == 200
        assert med.get("/cases/small/export").json()["text"] == yaml_out
    # the operator's CLI: export, then import into a fresh desk, then export again
    exported = tmp_path / "small.yaml"
    done = offramp("case", "export", "small", "--db", world.url, "--out", str(exported))
    assert done.returncode == 0, done.stderr
    assert exported.read_text(encoding="utf-8") == yaml_out
    fresh = str(tmp_path / "fresh.db")
    assert offramp("db", "upgrade", "--db", fresh).returncode == 0
    done = offramp("case", "import", str(exported), "--db", fresh)
    assert (done.returncode, done.stdout.strip()) == (0, "imported case small"), done.stderr
    done = offramp("case", "export", "small", "--db", fresh)
    assert done.stdout == yaml_out


def test_text_no_store_can_keep_is_refused_with_its_field(
    world_server: Running, world: World
) -> None:
    med = world_api(world_server, world, "mediator_il")
    lone = SMALL_CASE_YAML.replace("title: A small shuttle case", 'title: "half \\uD83D"')
    assert errors(replace(med, lone)) == [
        {
            "where": "small.yaml:3: title",
            "message": "contains U+D83D, a lone surrogate (half of a character), at character 6",
        }
    ]
    note = med.post("/cases/small/notes", json={"title": "x", "body": "line one\n\x00"})
    assert errors(note) == [
        {
            "where": "body.body",
            "message": "contains U+0000, a control character, at line 2, character 1",
        }
    ]


# -- finding 8: one write that broke every crisis read ---------------------------------------------


def test_a_tiny_alert_window_is_refused_and_reads_stay_up(
    world_server: Running, world: World
) -> None:
    desk = world_api(world_server, world, "desk_officer")
    res = desk.put("/cases/small/crisis/alert-rule", json={"jump": 2, "window_hours": 1e-300})
    assert errors(res) == [
        {"where": "body.window_hours", "message": "Input should be greater than or equal to 0.01"}
    ]
    inf = desk.put(
        "/cases/small/crisis/alert-rule",
        content=b'{"jump": 2, "window_hours": Infinity}',
        headers={"content-type": "application/json"},
    )
    assert errors(inf) == [
        {"where": "body.window_hours", "message": "Input should be a finite number"}
    ]
    ok = desk.put("/cases/small/crisis/alert-rule", json={"jump": 2, "window_hours": 0.01})
    assert ok.json() == {"jump": 2, "window_hours": 0.01}
    assert desk.get("/cases/small/crisis/board").status_code == 200
    assert desk.get("/cases/small/crisis/alerts").status_code == 200
    assert (
        world_api(world_server, world, "mediator_il").get("/cases/small/export").status_code == 200
    )


def test_a_time_outside_the_calendar_is_refused(world_server: Running, world: World) -> None:
    desk = world_api(world_server, world, "desk_officer")
    score = {"id": "s1", "between": ["RU", "UA"], "level": 3, "kind": "statement"}
    res = desk.post(
        "/cases/small/crisis/escalation", json={**score, "at": "0001-01-01T00:00+05:00"}
    )
    assert errors(res) == [
        {
            "where": "body.at",
            "message": "'0001-01-01T00:00:00+05:00' is not between the years 1000 and 8999",
        }
    ]
    board = desk.get("/cases/small/crisis/board", params={"at": "0001-01-01T00:00:00+05:00"})
    assert board.status_code == 422


def test_an_escalation_subject_must_exist_so_the_export_checks(
    world_server: Running, world: World, tmp_path: Path
) -> None:
    desk = world_api(world_server, world, "desk_officer")
    score = {"id": "s1", "between": ["RU", "UA"], "level": 3, "kind": "statement"}
    at = "2022-10-23T09:00:00Z"
    res = desk.post(
        "/cases/small/crisis/escalation", json={**score, "at": at, "subject": "no-such-thing"}
    )
    assert errors(res) == [
        {
            "where": "subject",
            "message": "unknown subject 'no-such-thing': name an incident or a statement",
        }
    ]
    good = desk.post(
        "/cases/small/crisis/escalation", json={**score, "at": at, "subject": "ru-neutral"}
    )
    assert good.status_code == 201, good.text
    exported = tmp_path / "export.yaml"
    exported.write_text(
        world_api(world_server, world, "mediator_il").get("/cases/small/export").json()["text"],
        encoding="utf-8",
    )
    done = offramp("check", str(exported))
    assert done.returncode == 0, done.stderr
