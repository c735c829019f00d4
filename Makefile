# Campaign portal: every command a contributor needs. `make help` lists them.
# Each target installs what it needs: a .venv pinned by requirements.lock, and
# Debian's chromium for the browser tests.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
export NO_MKDOCS_2_WARNING := 1

.DEFAULT_GOAL := help
.PHONY: help serve build test lint check fix-typography new-article clean lock chromium release export-versions
.PHONY: linkcheck linkcheck-external
.PHONY: bench
.PHONY: new-chart vendor-vega
.PHONY: mirror
.PHONY: vnu
.PHONY: publish rsync

help: ## List the available commands
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

serve: $(STAMP) ## Build the portal and serve it at http://127.0.0.1:8000 with live reload
	$(BIN)/mkdocs serve --dev-addr $(HOST):$(PORT)

build: $(STAMP) ## Strict build into site/, replaced only if the build succeeds
	$(BIN)/python scripts/build.py --site-dir site

test: $(STAMP) chromium vnu rsync ## Run the whole test suite (lint, content check, built site, browser)
	$(BIN)/ruff check .
	$(BIN)/python scripts/check.py
	$(BIN)/python -m pytest

check: $(STAMP) ## Check the content in seconds, without building: sources, links, typography
	$(BIN)/python scripts/check.py

fix-typography: $(STAMP) ## Correct French typography where it is safe, then check again
	$(BIN)/python scripts/check.py --fix-typography

new-article: $(STAMP) ## Create an investigation: make new-article TITLE="Titre" [DOSSIER=…]
	@test -n "$(TITLE)" || { echo 'Usage : make new-article TITLE="Titre de l’enquête"'; exit 2; }
	$(BIN)/python scripts/new_article.py "$(TITLE)" --dossier "$(DOSSIER)"

linkcheck: build ## Check every internal link, anchor, feed and sitemap entry of site/, offline
	$(BIN)/python scripts/linkcheck.py internal site

linkcheck-external: build ## Check every external address (site, bibliography); report in linkcheck-report/
	$(BIN)/python scripts/linkcheck.py external site --report-dir linkcheck-report
new-chart: $(STAMP) ## Create a chart from a template: make new-chart ID=mon-graphique SOURCE=cle
	@test -n "$(ID)" || { echo 'Usage : make new-chart ID=mon-graphique SOURCE=cle_bibtex'; exit 2; }
	$(BIN)/python scripts/new_chart.py "$(ID)" --source "$(SOURCE)"

vendor-vega: ## Copy the pinned Vega, Vega-Lite, Vega-Embed (npm) into overrides/assets/vega/
	$(PYTHON) scripts/vendor_vega.py

lint: $(STAMP) ## Check the Python code with ruff
	$(BIN)/ruff check .

mirror: $(STAMP) ## Mirror kit in dist/: site archives, SHA256SUMS, manifest (see MIRRORING.md)
	$(BIN)/python scripts/mirror.py --dist dist

release: $(STAMP) ## Freeze the portal as VERSION (e.g. make release VERSION=2025-01)
	@test -n "$(VERSION)" || { echo "Usage : make release VERSION=2025-01"; exit 2; }
	$(BIN)/python scripts/versions.py release "$(VERSION)"

publish: $(STAMP) ## Publier le portail dans DEST (dossier, ou serveur:/chemin par rsync sur SSH), sans coupure
	@test -n "$(DEST)" || { echo "Usage : make publish DEST=/srv/www/portail  ou  DEST=utilisateur@serveur:/srv/www/portail"; exit 2; }
	@case "$(DEST)" in *:*) $(MAKE) --no-print-directory rsync ;; esac
	$(BIN)/python scripts/publish.py "$(DEST)"

export-versions: $(STAMP) ## Write the frozen versions alone (versions.json, one folder each) into DEST
	@test -n "$(DEST)" || { echo "Usage : make export-versions DEST=dossier"; exit 2; }
	$(BIN)/python scripts/versions.py export "$(DEST)"

# Scale benchmark (not part of `make test`). Its tools (mkdocs-bibtex for comparison,
# pyinstrument) are pinned in bench/requirements.txt, constrained by requirements.lock.
N ?= 100 1000
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP) bench/requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c requirements.lock -r bench/requirements.txt
	touch $@

bench: $(BENCH_STAMP) ## Scale benchmark vs bare Material (make bench N="100 1000" [PROFILE=1000])
	$(BIN)/python -m bench $(foreach n,$(N),--n $(n)) $(if $(PROFILE),--profile $(PROFILE))

chromium: ## Install Debian's chromium for the browser tests when it is missing
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium (browser tests)…"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The Nu Html Checker (tests/test_html_valid.py): vnu.jar pinned by vendor/vnu/package-lock.json.
VNU_JAR := vendor/vnu/node_modules/vnu-jar/build/dist/vnu.jar
vnu: $(VNU_JAR) ## Installe le validateur HTML (Nu Html Checker, npm) et Java s’ils manquent
$(VNU_JAR): vendor/vnu/package-lock.json
	@command -v java >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { \
		echo "Installing Java and npm from Debian (HTML validator)…"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq default-jre-headless npm >/dev/null; }
	cd vendor/vnu && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

rsync: ## Installer rsync (Debian) s’il manque : make publish vers un serveur, et ses tests
	@command -v rsync >/dev/null 2>&1 || { \
		echo "Installing Debian's rsync (make publish)…"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq rsync >/dev/null; }

lock: ## Regenerate requirements.lock from the pins in pyproject.toml
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	$(PYTHON) scripts/pinned_requirements.py > .lock-venv/direct.txt
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check -r .lock-venv/direct.txt
	.lock-venv/bin/python -m pip freeze > requirements.lock
	rm -rf .lock-venv

clean: ## Remove the built site, caches and the virtual environment
	rm -rf site .site-* dist .dist-* .cache .pytest_cache .ruff_cache $(VENV)
