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

help: ## Liste les commandes disponibles
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  make %-18s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

serve: $(STAMP) ## Construit le portail et le sert sur http://127.0.0.1:8000, rechargé à chaque modification
	$(BIN)/mkdocs serve --dev-addr $(HOST):$(PORT)

build: $(STAMP) ## Construction stricte dans site/, remplacé seulement si elle réussit
	$(BIN)/python scripts/build.py --site-dir site

test: $(STAMP) chromium vnu rsync ## Lance tous les tests (code, contenu, site construit, navigateur)
	$(BIN)/ruff check .
	$(BIN)/python scripts/check.py
	$(BIN)/python -m pytest

check: $(STAMP) ## Vérifie le contenu en quelques secondes, sans construire : sources, liens, typographie
	$(BIN)/python scripts/check.py

fix-typography: $(STAMP) ## Corrige la typographie française là où c’est sans risque, puis revérifie
	$(BIN)/python scripts/check.py --fix-typography

new-article: $(STAMP) ## Crée une enquête : make new-article TITLE="Titre" [DOSSIER=…]
	@test -n "$(TITLE)" || { echo 'Usage : make new-article TITLE="Titre de l’enquête"'; exit 2; }
	$(BIN)/python scripts/new_article.py "$(TITLE)" --dossier "$(DOSSIER)"

linkcheck: build ## Vérifie hors ligne chaque lien interne, ancre, flux et entrée du plan de site/
	$(BIN)/python scripts/linkcheck.py internal site

linkcheck-external: build ## Vérifie chaque adresse externe (site, sources) ; rapport dans linkcheck-report/
	$(BIN)/python scripts/linkcheck.py external site --report-dir linkcheck-report
new-chart: $(STAMP) ## Crée un graphique à partir du modèle : make new-chart ID=mon-graphique SOURCE=cle
	@test -n "$(ID)" || { echo 'Usage : make new-chart ID=mon-graphique SOURCE=cle_bibtex'; exit 2; }
	$(BIN)/python scripts/new_chart.py "$(ID)" --source "$(SOURCE)"

vendor-vega: ## Recopie Vega, Vega-Lite, Vega-Embed (npm, versions figées) dans overrides/assets/vega/
	$(PYTHON) scripts/vendor_vega.py

lint: $(STAMP) ## Vérifie le code Python avec ruff
	$(BIN)/ruff check .

mirror: $(STAMP) ## Kit miroir dans dist/ : archives du site, SHA256SUMS, manifeste (voir MIRRORING.md)
	$(BIN)/python scripts/mirror.py --dist dist

release: $(STAMP) ## Fige le portail en une VERSION (par exemple make release VERSION=2025-01)
	@test -n "$(VERSION)" || { echo "Usage : make release VERSION=2025-01"; exit 2; }
	$(BIN)/python scripts/versions.py release "$(VERSION)"

publish: $(STAMP) ## Publie le portail dans DEST (dossier, ou serveur:/chemin par rsync sur SSH), sans coupure
	@test -n "$(DEST)" || { echo "Usage : make publish DEST=/srv/www/portail  ou  DEST=utilisateur@serveur:/srv/www/portail"; exit 2; }
	@case "$(DEST)" in *:*) $(MAKE) --no-print-directory rsync ;; esac
	$(BIN)/python scripts/publish.py "$(DEST)"

export-versions: $(STAMP) ## Écrit les versions figées seules (versions.json, un dossier chacune) dans DEST
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

bench: $(BENCH_STAMP) ## Banc d’essai face à Material seul (make bench N="100 1000" [PROFILE=1000])
	$(BIN)/python -m bench $(foreach n,$(N),--n $(n)) $(if $(PROFILE),--profile $(PROFILE))

chromium: ## Installe le chromium de Debian pour les tests dans le navigateur s’il manque
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

rsync: ## Installe rsync (Debian) s’il manque : make publish vers un serveur, et ses tests
	@command -v rsync >/dev/null 2>&1 || { \
		echo "Installing Debian's rsync (make publish)…"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq rsync >/dev/null; }

lock: ## Régénère requirements.lock à partir des versions de pyproject.toml
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	$(PYTHON) scripts/pinned_requirements.py > .lock-venv/direct.txt
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check -r .lock-venv/direct.txt
	.lock-venv/bin/python -m pip freeze > requirements.lock
	rm -rf .lock-venv

clean: ## Supprime le site construit, les caches et l’environnement virtuel
	rm -rf site .site-* dist .dist-* .cache .pytest_cache .ruff_cache $(VENV)
