# The front door. `make generate` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := $(sort $(dir $(wildcard generated/*/pyproject.toml)))

.PHONY: generate install-generated test check regen-golden bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Regenerate every client from every spec, then (re)install them editable so tests and users see them.
generate: $(STAMP)
	$(BIN)/python -m generator generate --strict
	$(MAKE) --no-print-directory install-generated

# One stamp per generated package: an editable install only needs redoing when the package's metadata
# (its pyproject.toml, rewritten only when it changes) is newer, so a no-op `make generate` installs nothing.
GENERATED_STAMPS = $(patsubst generated/%/pyproject.toml,$(VENV)/.generated-%,$(wildcard generated/*/pyproject.toml))

$(VENV)/.generated-%: generated/%/pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet --no-deps -e generated/$*
	touch $@

install-generated: $(STAMP) $(GENERATED_STAMPS)

test: $(STAMP) install-generated
	$(BIN)/python -m pytest -q

check: $(STAMP)
	$(BIN)/python -m generator check --strict
	# black stays the authority over every generated file, also those the format stage copies as they are
	$(BIN)/black --check --quiet --line-length 100 --target-version py311 generated
	$(BIN)/ruff check generator tests templates/runtime
	$(BIN)/mypy generator templates/runtime
	for p in generated/*/; do (cd $$p && ../../$(BIN)/ruff check . && ../../$(BIN)/mypy --strict $$(basename $$p)) || exit 1; done

regen-golden: $(STAMP)
	$(BIN)/python -m tests.golden_tool regen

bench: $(STAMP)
	$(BIN)/python -m tests.bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
