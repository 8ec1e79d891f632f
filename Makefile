# careplan: two commands on a fresh machine.
#   make demo   installs everything (system libraries included) and shows a plan for an example intake
#   make test   runs every test, lint (ruff) and type checks (mypy)
#   make quick  the quick loop: lint, types and the tests not marked slow

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DEMO   ?= intake_forms/relactation/examples/01-recent-weaning-term-baby.json
DEMO_PDF ?= demo-output/care-plan.pdf

# Debian packages WeasyPrint needs: Pango, and HarfBuzz-subset for fast font subsetting.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
# The shared libraries those packages provide, checked with ldconfig.
SYSTEM_LIBS     := libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz-subset.so.0
# The tests also look at PDFs as pictures (pdftoppm, from poppler-utils).
TEST_PACKAGES   := poppler-utils

.PHONY: demo test quick install system-deps test-deps schema clean

demo: install
	$(BIN)/careplan plan $(DEMO)
	@mkdir -p $(dir $(DEMO_PDF))
	@echo "The PDF plan:"
	@$(BIN)/careplan render $(DEMO) -o $(DEMO_PDF)

test: install test-deps
	$(BIN)/ruff check careplan tests benchmarks
	$(BIN)/mypy
	$(BIN)/careplan schema --check -o intake_forms/intake.schema.json
	$(BIN)/careplan library check
	$(BIN)/pytest

# The quick loop while working: lint, types and every test not marked slow (under a minute).
quick: install
	$(BIN)/ruff check careplan tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -q -m "not slow"

install: system-deps $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Install Debian packages as root with apt-get, or say exactly what to run: $(call apt_install,PACKAGES,WHY)
define apt_install
if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
  echo "careplan: installing $(1) with apt-get"; \
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1); \
else \
  echo "careplan: $(2) Install them, then run make again:"; \
  echo "  sudo apt-get install -y $(1)"; \
  exit 1; \
fi
endef

system-deps:
	@missing=""; \
	for lib in $(SYSTEM_LIBS); do \
	  ldconfig -p 2>/dev/null | grep -q "$$lib" || missing="$$missing $$lib"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	$(call apt_install,$(SYSTEM_PACKAGES),WeasyPrint needs system libraries that are missing:$$missing.)

test-deps:
	@if command -v pdftoppm >/dev/null 2>&1; then exit 0; fi; \
	$(call apt_install,$(TEST_PACKAGES),the tests need pdftoppm.)

schema: install
	$(BIN)/careplan schema -o intake_forms/intake.schema.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache demo-output
