"""Config errors name the key and line and exit 2; secrets never print in full."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hirewatch.cli import cli
from hirewatch.config import ConfigError, loads, parse_duration

GOOD = """\
database: x.db
sources:
  - name: pinboard
    kind: greenhouse
    board: pinboard
    schedule: {every: 15m}
notify:
  channels:
    chat: {url: "json://127.0.0.1:9/hook"}
"""


def error_of(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        loads(text, "c.yaml")
    return str(info.value)


def test_good_config_loads() -> None:
    config = loads(GOOD)
    assert config.sources[0].schedule.every.total_seconds() == 900
    assert config.detection.closed_after_missed_runs == 2


@pytest.mark.parametrize("text, expected", [
    (GOOD.replace("    board: pinboard\n", "    board: pinboard\n    bord: typo\n"),
     "c.yaml:6: unknown key 'sources[0].bord'"),
    ("databse: x.db\n", "c.yaml:1: unknown key 'databse'"),
    (GOOD.replace("{every: 15m}", "{every: soon}"), "c.yaml:6: 'sources[0].schedule.every': not a duration"),
    (GOOD.replace("    kind: greenhouse\n", ""), "missing required key 'sources[0].kind'"),
    (GOOD.replace("kind: greenhouse", "kind: monster"), "c.yaml:4: 'sources[0].kind': unknown kind 'monster'"),
    (GOOD.replace("    board: pinboard\n", ""), "a greenhouse source needs 'board'"),
    (GOOD.replace("{every: 15m}", "{every: 15m, cron: '* * * * *'}"), "give exactly one of 'every' or 'cron'"),
    (GOOD.replace("{every: 15m}", "{cron: 'every day'}"), "bad cron expression"),
    (GOOD + "detection: {closed_after_missed_runs: zero}\n",
     "c.yaml:10: 'detection.closed_after_missed_runs': Input should be a valid integer"),
    (GOOD + "  subscriptions:\n    - {name: s, channels: [mail]}\n", "names unknown channel(s): mail"),
    (GOOD.replace("sources:\n", "sources:\n  - {name: pinboard, kind: lever, board: b}\n"),
     "two sources are named 'pinboard'"),
    (GOOD.replace("    board: pinboard\n", "    board: pinboard\n    ignore_fields: [descripton]\n"),
     "'descripton': only fields that can make an `updated` event can be ignored"),
    ("sources: [\n", "c.yaml:2: not valid YAML"),
    ("- just\n- a list\n", "must be a mapping"),
])
def test_config_errors_name_the_key(text: str, expected: str) -> None:
    assert expected in error_of(text)


def test_env_substitution(monkeypatch: pytest.MonkeyPatch) -> None:
    text = GOOD.replace("json://127.0.0.1:9/hook", "mailto://user:${SMTP_PASS}@127.0.0.1:2525?to=b@x.org")
    monkeypatch.setenv("SMTP_PASS", "hunter2")
    assert "user:hunter2@" in loads(text).notify.channels["chat"].url
    monkeypatch.delenv("SMTP_PASS")
    assert "notify.channels.chat.url: environment variable SMTP_PASS is not set" in error_of(text)
    assert "fallback" in loads(text.replace("${SMTP_PASS}", "${SMTP_PASS:-fallback}")).notify.channels["chat"].url


def test_duration_forms() -> None:
    assert parse_duration("30d").days == 30
    assert parse_duration(90).total_seconds() == 90
    assert parse_duration("1.5h").total_seconds() == 5400


def run_cli(tmp_path: Path, text: str, *args: str):
    path = tmp_path / "config.yaml"
    path.write_text(text)
    return CliRunner().invoke(cli, ["--config", str(path), *args], obj={})


def test_cli_exit_code_2_and_message(tmp_path: Path) -> None:
    result = run_cli(tmp_path, GOOD.replace("board: pinboard", "board: pinboard\n    colour: red"), "crawl")
    assert result.exit_code == 2
    assert "unknown key 'sources[0].colour'" in result.stderr


def test_missing_config_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "nope.yaml"), "check-config"], obj={})
    assert result.exit_code == 2
    assert "no such config file" in result.stderr


def test_check_config_masks_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_PASS", "s3cretpassw0rd")
    monkeypatch.setenv("HOOK_TOKEN", "tok-abcdef123456")
    text = GOOD.replace(
        '    chat: {url: "json://127.0.0.1:9/hook"}',
        '    chat: {url: "json://127.0.0.1:9/hook?+X-Token=${HOOK_TOKEN}"}\n'
        '    mail: {url: "mailto://user:${SMTP_PASS}@127.0.0.1:2525?from=a@x.org&to=b@x.org"}')
    result = run_cli(tmp_path, text, "check-config")
    assert result.exit_code == 0, result.output
    assert "pinboard: greenhouse pinboard (every 0:15:00)" in result.stdout
    assert "s3cretpassw0rd" not in result.output
    assert "tok-abcdef123456" not in result.output
    assert "mail: mailto://" in result.stdout
    assert "config OK" in result.stdout


def test_example_config_is_valid() -> None:
    example = Path(__file__).parent.parent / "config.example.yaml"
    config = loads(example.read_text(), str(example))
    assert {s.kind for s in config.sources} >= {"greenhouse", "lever"}
