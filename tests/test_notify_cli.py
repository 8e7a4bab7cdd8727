"""`notify-test`, `check-config`, Apprise config files with tags, and subscriptions routing a real crawl."""
from __future__ import annotations

import copy

import pytest

from tests.conftest import Board, Project, Receiver, fixture_json

GH_PATH = "/v1/boards/pinboard/jobs"


def test_notify_test_reports_each_channel(project: Project, receiver: Receiver) -> None:
    bad = Receiver()
    try:
        bad.fail_next = 1
        project.write_config([], channels={"good": receiver.apprise_url, "bad": bad.apprise_url})
        result = project.run("notify-test")
        assert result.exit_code == 1
        lines = result.stdout.splitlines()
        assert lines[0] == "good: delivered"
        assert lines[1].startswith("bad: FAILED: ") and "500" in lines[1]
    finally:
        bad.close()
    [message] = receiver.messages()
    assert message["title"] == "hirewatch: new — Senior Software Engineer, Backend"
    assert "Example Co — Toronto, ON, CA — 178,000–258,000 USD /year" in message["message"]
    one = project.run("notify-test", "good")
    assert one.exit_code == 0 and one.stdout == "good: delivered\n"
    unknown = project.run("notify-test", "nope")
    assert unknown.exit_code == 2 and "no channel named 'nope'; channels: good, bad" in unknown.stderr


def test_apprise_config_file_and_tags(project: Project, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    other = Receiver()
    monkeypatch.setenv("HOOK_TOKEN", "tok-0123456789abcdef")
    try:
        (project.root / "apprise.yml").write_text(
            "urls:\n"
            f"  - {receiver.apprise_url}?+X-Token=tok-0123456789abcdef:\n      tag: jobs\n"
            f"  - {other.apprise_url}:\n      tag: ops\n")
        project.write_config([], channels={}, notify={
            "channels": {"team": {"config": "apprise.yml", "tags": ["jobs"]}},
            "subscriptions": [{"name": "all", "channels": ["team"],
                               "filter": {"keywords": ["backend"], "workplace": ["remote", "hybrid"],
                                          "salary_min": 150000}}]})
        checked = project.run("check-config")
        assert checked.exit_code == 0, checked.output
        assert f"team: apprise config {project.root / 'apprise.yml'} tags jobs: json://" in checked.stdout
        assert "tok-0123456789abcdef" not in checked.stdout
        assert ("all: new, updated, closed, reopened -> team (instant); filter: keywords backend; "
                "workplace remote/hybrid; salary_min 150000.0") in checked.stdout
        sent = project.run("notify-test", "team")
        assert sent.exit_code == 0 and sent.stdout == "team: delivered\n"
        assert len(receiver.received) == 1 and other.received == []
        assert receiver.received[0]["headers"]["X-Token"] == "tok-0123456789abcdef"
    finally:
        other.close()


def test_channel_config_mistakes(project: Project) -> None:
    project.write_config([], channels={}, notify={"channels": {"team": {"config": "missing.yml"}}})
    result = project.run("check-config")
    assert result.exit_code == 2 and "'notify.channels.team.config': no such file" in result.stderr
    project.write_config([], channels={}, notify={"channels": {"team": {"url": "json://x", "tags": ["a"]}}})
    result = project.run("check-config")
    assert result.exit_code == 2 and "'tags' select services of an Apprise config file" in result.stderr


def test_subscriptions_route_a_real_crawl(project: Project, board: Board, receiver: Receiver) -> None:
    remote_hook = Receiver()
    try:
        payload = fixture_json("greenhouse/board.json")
        board.set_json(GH_PATH, payload)
        project.write_config(
            [{"name": "pinboard", "kind": "greenhouse", "board": "pinboard", "base_url": board.url}],
            channels={"backend": receiver.apprise_url, "remote": remote_hook.apprise_url},
            notify={"subscriptions": [
                {"name": "backend", "channels": ["backend"], "events": ["new"],
                 "filter": {"keywords": ["backend"], "salary_min": 170000}},
                {"name": "remote", "channels": ["remote"], "events": ["new", "closed"],
                 "filter": {"workplace": ["remote"]}},
                {"name": "daily", "channels": ["backend", "remote"], "mode": "digest", "digest": {"cron": "0 9 * * *"}},
            ]})
        assert project.run("crawl").exit_code == 0  # the silent baseline
        grown = copy.deepcopy(payload)
        backend, analyst = copy.deepcopy(payload["jobs"][0]), copy.deepcopy(payload["jobs"][1])
        backend.update(id=7001010, title="Backend Engineer, Payments")
        analyst.update(id=7001011, title="Data Engineer")
        cheap = copy.deepcopy(backend)
        cheap.update(id=7001012, title="Backend Engineer, Junior")
        cheap["pay_input_ranges"][0].update(min_cents=9000000, max_cents=12000000)
        grown["jobs"] += [backend, analyst, cheap]
        board.set_json(GH_PATH, grown)
        result = project.run("crawl")
        assert result.exit_code == 0, result.output
        assert [m["title"] for m in receiver.messages()] == ["hirewatch: new — Backend Engineer, Payments"]
        assert [m["title"] for m in remote_hook.messages()] == ["hirewatch: new — Data Engineer"]
        shown = [p["title"] for p in project.json("postings", "--subscription", "backend")]
        assert sorted(shown) == ["Backend Engineer, Payments", "Senior Software Engineer, Backend"]
    finally:
        remote_hook.close()
