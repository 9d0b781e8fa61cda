"""The docs are tested: prefect.yaml entrypoints import, README commands exist, the Makefile starts from python3."""

import importlib
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).parent.parent


def test_every_prefect_yaml_entrypoint_imports_a_flow():
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    assert config["deployments"]
    for deployment in config["deployments"]:
        path, name = deployment["entrypoint"].split(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        flow = getattr(module, name)
        assert hasattr(flow, "serve"), f"{name} is not a Prefect flow"
        assert deployment.get("concurrency_limit") == 1
        parameters = set(deployment.get("parameters", {}))
        assert parameters <= set(flow.parameters.properties), f"unknown parameters in {deployment['name']}"


def test_readme_commands_exist():
    from flows.cli import build_parser

    readme = (ROOT / "README.md").read_text()
    commands = set(re.findall(r"(?:\$ |`)newsflow (\w[\w-]*)", readme))
    known = set(build_parser()._subparsers._group_actions[0].choices)
    assert commands and commands <= known, commands - known
    for subcommand in known:
        assert f"newsflow {subcommand}" in readme, f"`newsflow {subcommand}` is not documented"


def test_quickstart_is_the_makefile():
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "make run" in readme and "make test" in readme
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "python3" in makefile and "-m venv" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text()
