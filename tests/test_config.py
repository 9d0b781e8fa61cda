"""Configuration is checked in one typed place before anything runs: wrong types and unknown keys are errors,
all reported at once with their file, line and the spelling meant; the CLI exits 2 with no traceback."""

import subprocess
import sys
from pathlib import Path

import pytest

from tasks.config import ConfigError, check_taxonomy_file, load_settings, load_sources_file

BIN = Path(sys.executable).parent
FEED = '[[sources]]\nname = "wire"\nfeed = "https://wire.example/rss"\n'


def write(tmp_path, text: str, name: str = "sources.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def problems(call) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        call()
    return str(raised.value).splitlines()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('allow_private_networks = "false"\n' + FEED, ":1: allow_private_networks: should be a valid boolean"),
        ('min_delay = "fast"\n' + FEED, ":1: min_delay: should be a valid number (got 'fast')"),
        ("min_delay = -1\n" + FEED, ":1: min_delay: should be greater than or equal to 0"),
        ("feeds_per_batch = 2.5\n" + FEED, ":1: feeds_per_batch: should be a valid integer"),
        ('allow_addresses = ["intranet"]\n' + FEED, "allow_addresses: not an IP address or CIDR range: 'intranet'"),
        (FEED + "max_entries = 0\n", ":4: [[sources]] #1 max_entries: should be greater than or equal to 1"),
        (FEED + 'fetch_pages = "yes"\n', ":4: [[sources]] #1 fetch_pages: should be a valid boolean"),
        ("", "sources: no sources: add a [[sources]] table"),
        (FEED + FEED, "source names must be unique: 'wire' repeat"),
    ],
)
def test_wrong_types_and_values_are_errors_never_defaults(tmp_path, text, expected):
    path = write(tmp_path, text)
    [problem] = problems(lambda: load_sources_file(path))
    assert problem.startswith(str(path)) and expected in problem


def test_every_unknown_key_is_reported_at_once_with_the_key_meant(tmp_path):
    path = write(tmp_path, 'min_dealy = 2\nuser_agnet = "x"\n' + FEED + "max_entires = 5\n" + FEED.replace("wire", "b"))
    found = problems(lambda: load_sources_file(path))
    assert found == [
        f"{path}:1: min_dealy: unknown key (did you mean `min_delay`?)",
        f"{path}:2: user_agnet: unknown key (did you mean `user_agent`?)",
        f"{path}:6: [[sources]] #1 max_entires: unknown key (did you mean `max_entries`?)",
    ]


def test_a_misspelt_taxonomy_key_is_an_error_naming_its_line(tmp_path):
    path = write(tmp_path, 'version = "mine-1"\n\n[[topic]]\ncode = "acme:crypto"\nstrnog = ["bitcoin"]\n', "t.toml")
    assert problems(lambda: check_taxonomy_file(path)) == [
        f"{path}:5: [[topic]] #1 strnog: unknown key (did you mean `strong`?)"
    ]


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"NEWSFLOW_NEAR_DUPLICATE_THRESHOLD": "abc"}, "NEWSFLOW_NEAR_DUPLICATE_THRESHOLD='abc': should be a valid"),
        ({"NEWSFLOW_NEAR_DUPLICATE_THRESHOLD": "1.5"}, "should be less than or equal to 1"),
        ({"NEWSFLOW_LOCK_WAIT_SECONDS": "-3"}, "NEWSFLOW_LOCK_WAIT_SECONDS='-3': should be greater than 0"),
        ({"NEWSFLOW_TAXONOMY": "/no/such/taxonomy.toml"}, "no taxonomy file at /no/such/taxonomy.toml"),
        ({"NEWSFLOW_THRESHOLD": "0.5"}, "NEWSFLOW_THRESHOLD: unknown variable"),
        ({"NEWSFLOW_LOCK_WAIT": "5"}, "unknown variable (did you mean `NEWSFLOW_LOCK_WAIT_SECONDS`?)"),
    ],
)
def test_environment_variables_are_checked(environ, expected):
    [problem] = problems(lambda: load_settings(environ))
    assert problem.startswith("environment: ") and expected in problem


def test_good_settings_parse():
    settings = load_settings({"NEWSFLOW_NEAR_DUPLICATE_THRESHOLD": "0.7", "NEWSFLOW_LOCK_WAIT_SECONDS": "30",
                              "NEWSFLOW_DB": "/data/news.duckdb", "PATH": "/bin"})  # fmt: skip
    assert (settings.near_duplicate_threshold, settings.lock_wait_seconds, settings.db) == (
        0.7, 30.0, "/data/news.duckdb")  # fmt: skip


def newsflow(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([str(BIN / "newsflow"), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})  # fmt: skip


def test_the_cli_reports_bad_configuration_in_one_message_with_exit_2(tmp_path):
    sources = write(tmp_path, 'allow_private_networks = "false"\nmin_delay = "fast"\n' + FEED)
    done = newsflow("run", "--sources", str(sources), "--db", str(tmp_path / "n.duckdb"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("newsflow: error: 2 problems:\n")
    assert "allow_private_networks" in done.stderr and "min_delay" in done.stderr
    assert not (tmp_path / "n.duckdb").exists()  # nothing ran
    done = newsflow("ingest", str(tmp_path), "--db", str(tmp_path / "n.duckdb"),
                    env={"NEWSFLOW_NEAR_DUPLICATE_THRESHOLD": "abc"})  # fmt: skip
    assert done.returncode == 2 and "NEWSFLOW_NEAR_DUPLICATE_THRESHOLD" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "n.duckdb").exists()
    done = newsflow("sql", "select 1", "--db", str(tmp_path / "n.duckdb"), env={"NEWSFLOW_TAXONOMY": "/nope.toml"})
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "no taxonomy file at /nope.toml" in done.stderr
