# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install run test index lint bench bench-quick browser system-deps clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# the CPU build of torch first: unpinned, pip would pull gigabytes of CUDA packages
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test,peer]'
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

index: $(STAMP)
	@test -f .index/CURRENT || $(BIN)/nms-assistant ingest corpus

run: $(STAMP) index
	$(BIN)/nms-assistant serve

test: $(STAMP) system-deps
	$(BIN)/ruff check ingest index assistant nmsa tests bench
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check ingest index assistant nmsa tests bench

bench-quick: $(STAMP)
	$(BIN)/python -m bench.run --quick

bench: $(STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf .index build *.egg-info
