"""Crawls on real Scrapyd nodes (`scrapyd` processes on 127.0.0.1): deploy, the same events as a
local run, work spread over the nodes, a node that dies mid-crawl, a crawl that overruns."""
from __future__ import annotations

import copy
import io
import json
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any, Iterator

import pytest

from crawler.spiders import SPIDERS
from hirewatch.deploy import build_egg
from scheduler.scrapyd import Node, job_source
from snapshots.store import Store
from tests.conftest import Board, Project, Receiver, Route, fixture_json, wait_for
from tests.scrapyd_servers import ScrapydProcess, start_nodes

GH = "/v1/boards/{}/jobs"
LEVER = "/v0/postings/{}"
# Volatile per database: ids and the times this machine saw things.
LOCAL_ONLY = {"id", "job_id", "first_seen_at", "last_seen_at", "last_changed_at"}


def scrapyd_runner(*nodes: ScrapydProcess, **extra: Any) -> dict[str, Any]:
    return {"kind": "scrapyd", "nodes": [n.url for n in nodes], "poll": "0.2s", **extra}


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ScrapydProcess]]:
    """Two Scrapyd nodes with the crawler deployed by `hirewatch deploy`."""
    root = tmp_path_factory.mktemp("scrapyd")
    started = start_nodes(root, 2)
    try:
        project = Project(root)
        project.write_config([], runner=scrapyd_runner(*started))
        result = project.run("deploy")
        assert result.exit_code == 0, result.output
        assert result.output.count(": deployed ") == 2
        yield started
    finally:
        for node in started:
            node.kill()


def runs(project: Project, source: str | None = None) -> list[dict[str, Any]]:
    if not project.db_path.exists():
        return []
    store = Store(project.db_path)
    try:
        rows = store.db.query("SELECT * FROM runs WHERE ? IS NULL OR source = ? ORDER BY id", [source, source])
        return [{**row, "stats": json.loads(row["stats"] or "{}")} for row in rows]
    finally:
        store.close()


def comparable_postings(project: Project) -> list[dict[str, Any]]:
    postings = [{k: v for k, v in p.items() if k not in LOCAL_ONLY} for p in project.json("postings")]
    return sorted(postings, key=lambda p: (p["source"], p["external_id"]))


def comparable_events(project: Project) -> list[tuple[Any, ...]]:
    external = {p["id"]: p["external_id"] for p in project.json("postings")}
    return sorted((e["kind"], e["source"], external.get(e["posting_id"]), e["baseline"],
                   json.dumps(e.get("changes"), sort_keys=True)) for e in project.json("events"))


def finished_sources(node: ScrapydProcess, project: str = "hirewatch") -> set[str | None]:
    return {job_source(job["id"]) for job in node.jobs(project)["finished"]}


def test_deploy_uploads_the_egg_and_tells_a_node_with_an_older_one(nodes: list[ScrapydProcess],
                                                                   project: Project) -> None:
    first, second = nodes
    # The second node got an egg from an earlier checkout.
    older = io.BytesIO(build_egg().data)
    with zipfile.ZipFile(older, "a") as egg:
        egg.writestr("crawler/EARLIER", "an earlier checkout")
    Node(second.url).api("addversion.json", form=[("project", "deploytest"), ("version", "1600000000-0123456789ab")],
                         egg=older.getvalue())
    project.write_config([], runner=scrapyd_runner(first, second, project="deploytest"))

    check = project.run("deploy", "--check")
    assert check.exit_code == 1
    assert f"{first.url}: no egg yet" in check.output
    assert f"{second.url}: runs an older egg (1600000000-0123456789ab)" in check.output

    result = project.run("deploy")
    assert result.exit_code == 0, result.output
    version = second.api("listversions.json?project=deploytest")["versions"][-1]
    assert version.endswith("-" + build_egg().digest)
    assert f"{first.url}: deployed {version}, {len(SPIDERS)} spiders" in result.output
    assert f"{second.url}: deployed {version} (was 1600000000-0123456789ab)" in result.output
    assert sorted(first.api("listspiders.json?project=deploytest")["spiders"]) == sorted(SPIDERS)

    again = project.run("deploy")
    assert again.exit_code == 0
    assert again.output.count(f": up to date ({version})") == 2
    assert project.run("deploy", "--check").exit_code == 0
    status = project.json("status")
    assert [(n["node"], n["state"], n["egg"]) for n in status["nodes"]] == [
        (first.url, "up", "current"), (second.url, "up", "current")]


def test_a_crawl_fails_plainly_when_no_node_has_the_egg(nodes: list[ScrapydProcess], board: Board,
                                                       project: Project) -> None:
    board.set_json(GH.format("undeployed"), fixture_json("greenhouse/board.json"))
    project.write_config([{"name": "undeployed", "kind": "greenhouse", "board": "undeployed", "base_url": board.url}],
                         runner=scrapyd_runner(*nodes, project="neverdeployed"))
    assert project.run("crawl").exit_code == 1
    run, = runs(project, "undeployed")
    assert run["status"] == "failed"
    assert run["reason"].startswith(f"no node took the crawl: {nodes[0].url}: schedule.json: project "
                                    f"'neverdeployed' not found")
    assert run["reason"].endswith("(run `hirewatch deploy`)")
    assert board.hits == []


def test_deploy_needs_scrapyd_nodes(project: Project) -> None:
    project.write_config([])
    result = project.run("deploy")
    assert result.exit_code == 2
    assert "runner: {kind: scrapyd" in result.output


def test_crawls_on_nodes_give_the_same_postings_events_and_alerts_as_local(
        nodes: list[ScrapydProcess], board: Board, receiver: Receiver, tmp_path: Path) -> None:
    greenhouse = fixture_json("greenhouse/board.json")
    board.set_json(GH.format("eq-gh"), greenhouse)
    board.set_json(LEVER.format("eq-lever"), fixture_json("lever/postings.json"))
    sources = [{"name": "eq-gh", "kind": "greenhouse", "board": "eq-gh", "base_url": board.url},
               {"name": "eq-lever", "kind": "lever", "board": "eq-lever", "company": "Lever Co",
                "base_url": board.url}]
    local, remote = Project(tmp_path / "local"), Project(tmp_path / "remote")
    for project, extra in ((local, {}), (remote, {"runner": scrapyd_runner(*nodes)})):
        project.root.mkdir()
        project.write_config(sources, channels={"hook": receiver.apprise_url},
                             detection={"closed_after_missed_runs": 1}, **extra)

    for project in (local, remote):
        result = project.run("crawl")
        assert result.exit_code == 0, result.output
    assert comparable_postings(remote) == comparable_postings(local)
    assert comparable_events(remote) == comparable_events(local)
    assert len(comparable_postings(remote)) == len(greenhouse["jobs"]) + len(fixture_json("lever/postings.json"))

    # The board changes: one posting added, one gone, one retitled.
    changed = copy.deepcopy(greenhouse)
    added = dict(changed["jobs"][1], id=7001050, title="Staff Data Engineer", requisition_id=None,
                 absolute_url="https://boards.greenhouse.io/pinboard/jobs/7001050")
    changed["jobs"] = [dict(changed["jobs"][0], title="Principal Software Engineer, Backend"),
                       changed["jobs"][1], added]
    board.set_json(GH.format("eq-gh"), changed)
    for project in (local, remote):
        result = project.run("crawl")
        assert result.exit_code == 0, result.output
    events = comparable_events(remote)
    assert events == comparable_events(local)
    assert {e[0] for e in events if not e[3]} == {"new", "updated", "closed"}
    assert comparable_postings(remote) == comparable_postings(local)
    alerts = receiver.messages()  # the local pass sent its alerts first, then the remote one
    assert alerts and len(alerts) % 2 == 0
    assert alerts[len(alerts) // 2:] == alerts[:len(alerts) // 2]

    # Work went to both nodes, and each node really ran some of it.
    used = {run["stats"]["hirewatch/node"] for run in runs(remote)}
    assert used == {node.url for node in nodes}
    for node in nodes:
        assert finished_sources(node) & {"eq-gh", "eq-lever"}


def test_the_daemon_runs_sources_on_the_nodes(nodes: list[ScrapydProcess], board: Board, project: Project) -> None:
    for name in ("d-one", "d-two"):
        board.set_json(GH.format(name), fixture_json("greenhouse/board.json"))
    project.write_config([{"name": name, "kind": "greenhouse", "board": name, "base_url": board.url,
                           "schedule": {"every": "1s"}} for name in ("d-one", "d-two")],
                         runner=scrapyd_runner(*nodes), daemon={"grace": "2s"})
    log = open(project.root / "daemon.log", "w+")
    daemon = subprocess.Popen([sys.executable, "-m", "hirewatch", "--config", str(project.config_path), "run"],
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: all(len([r for r in runs(project, name) if r["status"] == "complete"]) >= 2
                             for name in ("d-one", "d-two")), 90, "two complete runs of each source")
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(60) == 0
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait()
        log.close()
    done = [r for r in runs(project) if r["status"] == "complete"]
    assert {r["stats"]["hirewatch/node"] for r in done} == {node.url for node in nodes}
    # Each posting seen once (the same jobs on both boards link up as also_posted); a crawl cut short by
    # the stop only adds a source_health event.
    events = [e for e in project.json("events") if e["kind"] != "source_health"]
    assert sorted(e["source"] for e in events) == ["d-one"] * 3 + ["d-two"] * 3
    assert {e["kind"] for e in events} <= {"new", "also_posted"}


def test_a_crawl_that_overruns_its_timeout_is_cancelled_on_its_node(nodes: list[ScrapydProcess], board: Board,
                                                                    project: Project) -> None:
    board.routes[GH.format("slow")] = Route(status=0)  # hangs
    project.write_config([{"name": "slow", "kind": "greenhouse", "board": "slow", "base_url": board.url,
                           "timeout": "5s"}], runner=scrapyd_runner(*nodes), crawl={"download_timeout": 30})
    result = project.run("crawl")
    assert result.exit_code == 1
    run, = runs(project, "slow")
    assert (run["status"], run["reason"]) == ("failed", "timed out")
    node = next(n for n in nodes if n.url == run["stats"]["hirewatch/node"])
    job = run["stats"]["hirewatch/scrapyd_job"]
    jobs = node.jobs("hirewatch")
    assert job in {j["id"] for j in jobs["finished"]}
    assert job not in {j["id"] for j in jobs["running"] + jobs["pending"]}
    assert '"POST /cancel.json HTTP/1.1" 200' in (node.root / "scrapyd.log").read_text()


def test_a_source_still_crawling_on_a_node_is_not_started_twice(nodes: list[ScrapydProcess], board: Board,
                                                                project: Project) -> None:
    board.routes[GH.format("twice")] = Route(status=0)  # hangs
    source = {"name": "twice", "kind": "greenhouse", "board": "twice", "base_url": board.url}
    node = Node(nodes[1].url)
    # Left running by an earlier daemon, say.
    node.api("schedule.json", form=[("project", "hirewatch"), ("spider", "greenhouse"), ("jobid", "twice~earlier"),
                                    ("source", json.dumps(source))])
    try:
        project.write_config([source], runner=scrapyd_runner(*nodes))
        result = project.run("crawl")
        assert result.exit_code == 1
        run, = runs(project, "twice")
        assert run["reason"] == (f"twice is still crawling on {nodes[1].url} (job twice~earlier) from an earlier run; "
                                 f"it is not started twice")
        assert all("twice" not in finished_sources(n) for n in nodes)  # no second job was started
    finally:
        node.api("cancel.json", form=[("project", "hirewatch"), ("job", "twice~earlier"), ("signal", "KILL")])


def test_a_node_that_dies_mid_crawl_fails_the_run_and_the_next_goes_elsewhere(
        nodes: list[ScrapydProcess], board: Board, project: Project, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    victim = start_nodes(tmp_path / "victim", 1, auth=("crawler", "s3cret"))[0]
    survivor = nodes[0]
    try:
        payload = fixture_json("greenhouse/board.json")
        board.set_json(GH.format("fragile"), payload)
        runner = scrapyd_runner(victim, survivor)
        runner["nodes"][0] = {"url": victim.url, "auth": {"username": "crawler", "password": "${VICTIM_PASSWORD}"}}
        project.write_config([{"name": "fragile", "kind": "greenhouse", "board": "fragile", "base_url": board.url}],
                             runner=runner, detection={"closed_after_missed_runs": 1})
        monkeypatch.setenv("VICTIM_PASSWORD", "wrong")
        refused = project.run("deploy", "--check")
        assert refused.exit_code == 1
        assert f"{victim.url}: down: refused the credentials (401)" in refused.output
        monkeypatch.setenv("VICTIM_PASSWORD", "s3cret")
        deployed = project.run("deploy")
        assert deployed.exit_code == 0, deployed.output
        assert f"{victim.url}: deployed" in deployed.output and f"{survivor.url}: up to date" in deployed.output
        assert project.run("crawl").exit_code == 0  # the baseline: three active postings

        board.routes[GH.format("fragile")] = Route(status=0)  # the next crawl hangs on the board
        crawl = subprocess.Popen([sys.executable, "-m", "hirewatch", "--config", str(project.config_path), "crawl"],
                                 env={**os.environ, "VICTIM_PASSWORD": "s3cret"},
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            # Both nodes idle: a fresh runner's first crawl goes to the first node listed.
            wait_for(lambda: any(job_source(j["id"]) == "fragile" for j in victim.jobs("hirewatch")["running"]),
                     60, "the crawl to run on the first node")
            victim.kill()
            output, _ = crawl.communicate(timeout=60)
        finally:
            if crawl.poll() is None:
                crawl.kill()
                crawl.wait()
        assert crawl.returncode == 1, output
        failed = runs(project, "fragile")[-1]
        assert failed["status"] == "failed"
        assert f"node {victim.url} stopped answering mid-crawl" in failed["reason"]
        assert failed["stats"]["hirewatch/node"] == victim.url
        assert [e["kind"] for e in project.json("events")] == ["new"] * 3 + ["source_health"]
        assert {p["status"] for p in project.json("postings")} == {"active"}  # nothing closed

        status = project.json("status")
        assert [(n["node"], n["state"]) for n in status["nodes"]] == [(victim.url, "down"), (survivor.url, "up")]
        assert "not answering" in status["nodes"][0]["why"]

        board.set_json(GH.format("fragile"), payload)
        result = project.run("crawl")
        assert result.exit_code == 0, result.output
        last = runs(project, "fragile")[-1]
        assert (last["status"], last["stats"]["hirewatch/node"]) == ("complete", survivor.url)
        assert [e["kind"] for e in project.json("events")] == ["new"] * 3 + ["source_health"] * 2  # and recovered
        assert {p["status"] for p in project.json("postings")} == {"active"}
    finally:
        victim.kill()


@pytest.mark.parametrize("runner, message", [
    ({"kind": "scrapyd"}, "'runner': a scrapyd runner needs 'nodes'"),
    ({"kind": "scrapyd", "nodes": ["10.0.0.5:6800"]}, "'runner.nodes[0].url': not a Scrapyd URL"),
    ({"kind": "local", "nodes": ["http://10.0.0.5:6800"]}, "'nodes' and 'cache_dir' are for kind: scrapyd"),
    ({"kind": "scrapyd", "nodes": ["http://10.0.0.5:6800", "http://10.0.0.5:6800/"]}, "a node is listed twice"),
    ({"kind": "scrapyd", "nodes": ["http://10.0.0.5:6800"], "poll": 0}, "'poll' must be positive"),
])
def test_runner_config_mistakes_are_named(project: Project, runner: dict[str, Any], message: str) -> None:
    project.write_config([], runner=runner)
    result = project.run("check-config")
    assert result.exit_code == 2
    assert message in result.output
