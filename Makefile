# One task runner for the common commands. Needs only python3 (3.11+) and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
# The browser tests drive Debian's chromium at this path (tests/test_browser.py).
CHROMIUM := /usr/bin/chromium

.PHONY: site test lint serve sample bench browser screenshots clean

# The environment is rebuilt whenever pyproject.toml (the pinned dependencies) changes.
$(READY): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

## site: build the site from the embedded sample export into site/
site: $(READY)
	$(BIN)/enforcement-site build

## test: run the whole test suite (the browser tests share one worker: --dist loadgroup)
test: $(READY) browser
	$(BIN)/python -m pytest -n auto --dist loadgroup

## browser: Debian's chromium for the browser tests, and Java for the HTML checker.
## Playwright's own browser download is never used. Installing needs root (CI is root).
browser:
	@missing=""; \
	test -x $(CHROMIUM) || missing=" chromium"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "make browser: the browser tests need$$missing (Debian packages)." >&2; \
	  echo "Installing them needs root; run as root, or:" >&2; \
	  echo "  sudo apt-get update && sudo apt-get install -y$$missing" >&2; \
	  exit 1; \
	fi; \
	echo "make browser: installing$$missing from Debian"; \
	apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing
	@test -x $(CHROMIUM) || { echo "make browser: $(CHROMIUM) is still missing" >&2; exit 1; }

## lint: ruff, mypy and the import contracts (layers, no cycles)
lint: $(READY)
	$(BIN)/ruff check generator tests
	$(BIN)/mypy
	$(BIN)/lint-imports

## serve: preview the site while editing pages in site_src/
serve: $(READY)
	$(BIN)/enforcement-site serve

## bench: build synthetic exports at three scales and print time, memory and page weights
bench: $(READY)
	$(BIN)/python -m generator.dev.bench $(if $(SCALES),--scales $(SCALES))

## screenshots: every page type of site/ at 390 and 1280 px, into screenshots/ (not committed)
screenshots: site browser
	$(BIN)/python -m generator.dev.screenshots --site site --out screenshots

## sample: regenerate the embedded sample export in data/export/
sample: $(READY)
	$(BIN)/enforcement-site sample --seed 1 --cases 3000 --notices 150 --out data/export

clean:
	rm -rf site reports .site.builds .site.lock .site.link
