# Campaign portal: every command a contributor needs. `make help` lists them.
# Each target installs what it needs: a .venv pinned by requirements.lock, and
# Debian's chromium and postgresql for the tests.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
SERVICE_HOST ?= 127.0.0.1
SERVICE_PORT ?= 8001
CONTAINER ?= podman
export NO_MKDOCS_2_WARNING := 1

.DEFAULT_GOAL := help
.PHONY: help serve build test lint check fix-typography new-article clean lock chromium release export-versions
.PHONY: linkcheck linkcheck-external
.PHONY: bench
.PHONY: new-chart vendor-vega
.PHONY: mirror
.PHONY: postgresql service-keys service-migrate service-run service-image

help: ## List the available commands
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

serve: $(STAMP) ## Serve the portal (live reload) and its signature service (SQLite, mail shown here)
	$(BIN)/python scripts/serve.py --portal http://$(HOST):$(PORT)/ --service-port $(SERVICE_PORT) \
		-- $(BIN)/mkdocs serve --dev-addr $(HOST):$(PORT)

build: $(STAMP) ## Strict build into site/, replaced only if the build succeeds
	$(BIN)/python scripts/build.py --site-dir site

test: $(STAMP) chromium postgresql ## Run the whole test suite (lint, content check, built site, browser)
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
	@test -n "$(VERSION)" || { echo "Usage : make release VERSION=2025-01 [ALIAS=latest]"; exit 2; }
	$(BIN)/python scripts/versions.py release "$(VERSION)" --alias "$(or $(ALIAS),latest)"

export-versions: $(STAMP) ## Write every frozen version, ready to serve, into DEST
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

SIGNATURES ?= 20000
bench: $(BENCH_STAMP) ## Scale benchmark vs bare Material (make bench N="100 1000" [PROFILE=1000]) and action service load (SIGNATURES=20000, SERVICE_ONLY=1)
	$(BIN)/python -m bench $(foreach n,$(N),--n $(n)) $(if $(PROFILE),--profile $(PROFILE)) \
		--signatures $(SIGNATURES) $(if $(SERVICE_ONLY),--service-only)

chromium: ## Install Debian's chromium for the browser tests when it is missing
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium (browser tests)…"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

postgresql: ## Installe le paquet Debian postgresql (tests du service) s’il manque
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
		echo "Installing Debian's postgresql (action service tests)…"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; }

# The action service in production (see service/README.md, service/DEPLOIEMENT.md).
# Settings come from the environment (SERVICE_SECRET, SERVICE_PUBLIC_KEY, DATABASE_URL, SMTP_*).
WORKERS ?= 1
service-keys: $(STAMP) ## Service : crée la paire de clés de l’équipe (make service-keys DEST=dossier, hors du serveur)
	@test -n "$(DEST)" || { echo "Usage : make service-keys DEST=dossier"; exit 2; }
	$(BIN)/python -m service generer-cles "$(DEST)"

service-migrate: $(STAMP) ## Service : crée ou met à jour le schéma de la base de données
	$(BIN)/python -m service migrer

service-run: service-migrate ## Service : lance le service en production (derrière nginx ou Caddy)
	$(BIN)/python -m uvicorn --factory service.app:create_app --host $(SERVICE_HOST) \
		--port $(SERVICE_PORT) --workers $(WORKERS) --no-access-log

service-image: ## Service : construit l’image de conteneur (CONTAINER=podman ou docker)
	$(CONTAINER) build -f service/deploy/Containerfile -t portail-action-service .

lock: ## Regenerate requirements.lock from the pins in pyproject.toml
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	$(PYTHON) scripts/pinned_requirements.py > .lock-venv/direct.txt
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check -r .lock-venv/direct.txt
	.lock-venv/bin/python -m pip freeze > requirements.lock
	rm -rf .lock-venv

clean: ## Remove the built site, caches and the virtual environment
	rm -rf site .site-* dist .dist-* .cache .pytest_cache .ruff_cache $(VENV)
