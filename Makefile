# The front door. `make generate` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := $(sort $(dir $(wildcard generated/*/pyproject.toml)))

.PHONY: generate install-generated test fuzz check test-corpus regen-golden bench clean

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

# The suite runs the hostile-names property test (tests/test_fuzz_names.py) at its fixed, derandomized
# budget; `make fuzz` runs it with many more examples.
test: $(STAMP) install-generated
	$(BIN)/python -m pytest -q

# Both fuzz tests at length: the hostile-names property test (FUZZ_EXAMPLES examples, random and
# shrunk), then the structural fuzz test (SDKGEN_FUZZ_COUNT mutants, default 2000, from SDKGEN_FUZZ_SEED),
# by default and with --lenient.
FUZZ_EXAMPLES ?= 300
fuzz: $(STAMP)
	SDKGEN_FUZZ_PROFILE=fuzz SDKGEN_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
		$(BIN)/python -m pytest -q -m fuzz_names tests/test_fuzz_names.py
	$(BIN)/python -m tests.fuzz
	$(BIN)/python -m tests.fuzz --lenient

check: $(STAMP)
	$(BIN)/python -m generator check --strict
	# black stays the authority over every generated file, also those the format stage copies as they are
	$(BIN)/black --check --quiet --line-length 100 --target-version py311 generated
	$(BIN)/ruff check generator tests templates/runtime
	$(BIN)/mypy generator templates/runtime
	for p in generated/*/; do (cd $$p && ../../$(BIN)/ruff check . && ../../$(BIN)/mypy --strict $$(basename $$p)) || exit 1; done

# Real public specs fetched from npm (pinned versions, cached outside the repo), generated with --lenient;
# too slow for `make test`.
# CORPUS_ARGS: e.g. `--only github`, `--no-skips`, `--cold`.
test-corpus: $(STAMP)
	$(BIN)/python -m tests.corpus $(CORPUS_ARGS)

regen-golden: $(STAMP)
	$(BIN)/python -m tests.golden_tool regen

bench: $(STAMP)
	$(BIN)/python -m tests.bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
