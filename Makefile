# Nexus Vault Gateway. Two commands matter:
#   make run    sets up and runs the whole stack on http://127.0.0.1:8080 (foreground; Ctrl-C stops it)
#   make test   runs every test (unit tests, then integration tests through nginx and PostgreSQL)
# Both install the Debian and Python packages they need when missing (as root, on Debian).

SHELL := /bin/bash
SWIFT ?= swift
PYTHON ?= python3
VENV := .venv
BIN := .build/release/nexus-vault
DEBIAN_PACKAGES := libfcgi-dev libpq-dev libcurl4-openssl-dev libssl-dev openssl ca-certificates postgresql nginx-light libnginx-mod-nchan wrk python3 python3-venv pkg-config gcc systemd strace chromium chromium-driver
# Only `make bench` needs these (the Go peer, built from Debian's Go packages in GOPATH mode).
BENCH_DEBIAN_PACKAGES := golang-go golang-github-jackc-pgx-v4-dev

.PHONY: run test unit-test integration-test fuzz fuzz-build bench build deps bench-deps python-deps clean

run: deps build
	$(PYTHON) -m deploy.devstack run --binary $(BIN)

test: deps build python-deps unit-test fuzz integration-test

build:
	$(SWIFT) build -c release --product nexus-vault

# The Postgres layer's tests get a throwaway cluster of their own (NEXUS_TEST_DATABASE_URL).
unit-test:
	$(PYTHON) -m deploy.devstack.with_postgres $(SWIFT) test

integration-test:
	NEXUS_VAULT_BIN=$(abspath $(BIN)) $(VENV)/bin/python -m pytest -q -p no:cacheprovider Tests/integration

# Coverage-guided fuzzing of the parsers (libFuzzer; Tests/Fuzz/README.md). Each target runs for
# FUZZ_SECONDS or FUZZ_RUNS inputs, whichever ends first (0 seconds or -1 runs: no limit), e.g.
# `make fuzz FUZZ_SECONDS=0 FUZZ_RUNS=1000000 FUZZ_TARGETS=json`. make test runs each briefly.
FUZZ_SECONDS ?= 3
FUZZ_RUNS ?= -1
FUZZ_TARGETS ?= json jwt-token jwks base64 env-file cgi-parameters tailscale
FUZZ_BUILD := $(abspath .build/fuzz)

fuzz: fuzz-build
	Tests/Fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_RUNS) $(FUZZ_TARGETS)

# Swift code with the fuzzer's coverage and the address sanitizer (swiftc has no undefined-
# behaviour sanitizer: Swift traps on overflow and out-of-bounds itself); C code with address and
# undefined-behaviour checks that trap (no runtime needed: libFuzzer reports the signal).
# Without build-manifest caching: a cached manifest misses files added to the root package since.
fuzz-build: deps
	cd Tests/Fuzz && $(SWIFT) build -c release --scratch-path $(FUZZ_BUILD) --disable-build-manifest-caching \
		--sanitize fuzzer --sanitize address -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing \
		-Xcc -fsanitize=undefined -Xcc -fsanitize-trap=undefined

bench: deps bench-deps build python-deps
	NEXUS_VAULT_BIN=$(abspath $(BIN)) $(VENV)/bin/python -m deploy.bench

# Installs only what is missing, so that a second run costs nothing.
deps bench-deps: PACKAGES = $(if $(filter bench-deps,$@),$(BENCH_DEBIAN_PACKAGES),$(DEBIAN_PACKAGES))
deps bench-deps:
	@missing=$$(for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages: $$missing"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

python-deps: $(VENV)/.installed

$(VENV)/.installed: Tests/integration/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r Tests/integration/requirements.txt
	touch $@

clean:
	rm -rf .build $(VENV) var
