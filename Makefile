# The README's two commands: `make run` (the demo) and `make test`. Both build .venv from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: run test fuzz soak serve lint bench train-topics clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	# programs started by .venv/bin/python find `newsflow` as in an activated venv (the scoring tools call it)
	$(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' | xargs -I{} cp tasks/data/venv_path.pth {}/newsflow_venv_path.pth
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/newsflow run

test: $(STAMP)
	$(BIN)/python -m pytest -q

fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/test_fuzz.py

soak: $(STAMP)
	SOAK_CYCLES=40 SOAK_FEEDS=200 $(BIN)/python -m pytest -q -s tests/test_soak.py

serve: $(STAMP)
	$(BIN)/newsflow serve --start-server

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python benchmarks/ingest.py

# the topic head newsflow ships: benchmarks/data/topics-train.jsonl (written for this project) -> tasks/data/
train-topics: $(STAMP)
	NEWSFLOW_TOPIC_MODEL= $(BIN)/newsflow topics train benchmarks/data/topics-train.jsonl --out tasks/data/topic-head.npz
	NEWSFLOW_TOPIC_MODEL= NEWSFLOW_TAXONOMY= $(BIN)/python benchmarks/calibrate_topics.py --write

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
