# tcr: build once (cargo, release), then reuse the artifacts for the Rust,
# C and Python tests. `make demo` and `make test` are the README's two commands.

# Tests and the demo must never pick up the caller's real credentials or settings.
unexport TENCENTCLOUD_SECRET_ID TENCENTCLOUD_SECRET_KEY TENCENTCLOUD_SESSION_TOKEN TENCENTCLOUD_TOKEN
unexport TENCENTCLOUD_REGION TENCENTCLOUD_PROFILE TENCENTCLOUD_CREDENTIALS_FILE TCR_LOG TCR_ENDPOINT TCR_STS_ENDPOINT
unexport TENCENTCLOUD_ROLE_ARN TENCENTCLOUD_ROLE_SESSION_NAME TCCLI_PROFILE TKE_REGION TKE_PROVIDER_ID TKE_WEB_IDENTITY_TOKEN_FILE TKE_ROLE_ARN

CARGO      ?= cargo
CC         ?= cc
CXX        ?= c++
PYTHON     ?= python3
RELEASE    := target/release
LIB_SO     := $(RELEASE)/libtcr.so
GO_DIR     := bindings/go
GO_LIB     := $(GO_DIR)/lib/linux_amd64/libtcr.a
EMULATOR   := $(RELEASE)/tcr-emulator
VENV       := .venv
VENV_PY    := $(VENV)/bin/python
CWARN      := -Wall -Wextra -Wpedantic -Werror
LINK_TCR   := -L$(RELEASE) -ltcr -Wl,-rpath,$(CURDIR)/$(RELEASE)
# The emulator's key pair for the demo and the C tests (made-up test values).
DEMO_ID    := AKIDEMULATOR0000000000000000000000000
DEMO_KEY   := EmulatorDemoSecretKey000000000000

.PHONY: test-cli check-cli-model cli-model bench-cli tools all build install uninstall test-install check-abi abi-record check-lint demo test check-doc check-docs dist-arm64 test-arm64 check-fmt check-deps test-bad-input test-load test-sanitizers check-secrets test-rust test-c test-python test-wheel dist test-dist python-install test-go test-sdk check-header check-vectors vectors venv bench bench-compare bench-cpu bench-sign bench-coldstart bench-growth bench-emulator bench-quick bench-retries clean

all: build build/modify_instance_token

# One cargo invocation builds libtcr.so, libtcr.a, the rlib, the emulator and tcr,
# and regenerates include/tcr.h.
# The command line (cli/, a workspace member whose dependencies stay out
# of libtcr's) in the same invocation: cargo builds libtcr once for both
# (two invocations with different features would rebuild it each time,
# as both write the unhashed deps/libtcr.so); runnable as target/release/tcr.
build:
	$(CARGO) build --release -p tcr -p tcr-cli --features tcr/emulator
	@# The SONAME link, so that programs linked in the tree (-ltcr) find
	@# libtcr.so under the name they recorded.
	@soname=$$(readelf -d $(LIB_SO) | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p'); \
	  [ -n "$$soname" ] && ln -sf libtcr.so $(RELEASE)/$$soname
	@# What the Go module needs inside its own directory: the header, and
	@# libtcr.a without bitcode or debug info (ignored by git; see "Releasing").
	@cmp -s include/tcr.h $(GO_DIR)/include/tcr.h || cp include/tcr.h $(GO_DIR)/include/tcr.h
	@[ $(GO_LIB) -nt $(RELEASE)/libtcr.a ] || packaging/lean-staticlib.sh $(RELEASE)/libtcr.a $(GO_LIB)

$(LIB_SO) $(EMULATOR): build

build/modify_instance_token: examples/modify_instance_token.c include/tcr.h | build
	@mkdir -p build
	$(CC) -std=c99 $(CWARN) -O2 -Iinclude $< -o $@ $(LINK_TCR)

build/token_lifecycle: examples/token_lifecycle.c include/tcr.h | build
	@mkdir -p build
	$(CC) -std=c99 $(CWARN) -O2 -Iinclude $< -o $@ $(LINK_TCR)

# The same tool linked statically, as docs/c.md shows: no libtcr.so at run time.
STATIC_LIBS = $(shell scripts/native-static-libs.sh)
build/modify_instance_token_static: examples/modify_instance_token.c include/tcr.h | build
	@mkdir -p build
	$(CC) -std=c99 $(CWARN) -O2 -Iinclude $< -o $@ $(RELEASE)/libtcr.a $(STATIC_LIBS)

build/test_bad_input: tests/c/test_bad_input.c tests/c/emulator.h include/tcr.h | build
	@mkdir -p build
	$(CC) -std=c99 $(CWARN) -g -Iinclude $< -o $@ $(LINK_TCR) -lm

build/load: tests/c/load.c tests/c/demo.h tests/c/emulator.h include/tcr.h | build
	@mkdir -p build
	$(CC) -std=c99 $(CWARN) -O2 -Iinclude $< -o $@ $(LINK_TCR) -lpthread

# The C tests under AddressSanitizer + LeakSanitizer (libtcr allocates with
# malloc, so LSan sees its allocations too).
ASAN_FLAGS := -g -O1 -fsanitize=address -fno-omit-frame-pointer
build/%_asan: tests/c/%.c tests/c/demo.h tests/c/emulator.h tests/c/check.h include/tcr.h | build
	@mkdir -p build
	$(CC) -std=c99 $(CWARN) $(ASAN_FLAGS) -Iinclude $< -o $@ $(LINK_TCR) -lpthread -lm

build/test_tcr: tests/c/test_tcr.c tests/c/emulator.h tests/c/check.h include/tcr.h | build
	@mkdir -p build
	$(CC) -std=c99 $(CWARN) -g -Iinclude $< -o $@ $(LINK_TCR) -lpthread

build/test_cancel: tests/c/test_cancel.c tests/c/emulator.h tests/c/check.h include/tcr.h | build
	@mkdir -p build
	$(CC) -std=c99 $(CWARN) -g -Iinclude $< -o $@ $(LINK_TCR) -lpthread

# Also needs libcurl's headers (scripts/install-tools.sh test): it sends a
# prepared request with libcurl, as an event-loop program would.
build/test_prepare: tests/c/test_prepare.c tests/c/emulator.h tests/c/check.h include/tcr.h | build
	@mkdir -p build
	$(CC) -std=c99 $(CWARN) -g -Iinclude $$(pkg-config --cflags libcurl) $< -o $@ $(LINK_TCR) $$(pkg-config --libs libcurl)

# The role options through C, and the same program built against the
# 0.2.0 header (before they were appended) run against this library.
build/test_roles: tests/c/test_roles.c tests/c/emulator.h tests/c/check.h include/tcr.h | build
	@mkdir -p build
	$(CC) -std=c99 $(CWARN) -g -Iinclude $< -o $@ $(LINK_TCR)

build/test_roles_0_2_0: tests/c/test_roles.c tests/c/emulator.h tests/c/check.h tests/c/abi-0.2.0/tcr.h | build
	@mkdir -p build
	$(CC) -std=c99 $(CWARN) -g -DTCR_TEST_0_2_0_HEADER -Itests/c/abi-0.2.0 $< -o $@ $(LINK_TCR)

build/header_cpp: tests/c/header_cpp.cpp include/tcr.h | build
	@mkdir -p build
	$(CXX) -std=c++17 $(CWARN) -Iinclude $< -o $@ $(LINK_TCR)

# The three examples of the service document against a local emulator, from
# C (the example tool), then Python and Go; then the token's final state.
demo: build build/modify_instance_token
	@PYTHON=$(PYTHON) tests/with-emulator.sh -- scripts/demo.sh

test: tools check-fmt check-lint check-deps test-rust check-doc check-docs check-header check-abi test-c test-install test-bad-input test-load test-sanitizers check-secrets test-sdk check-vectors test-python test-wheel test-go test-cli test-dist test-arm64
	@echo "make test: all suites passed"

# What make test needs beyond the toolchains, installed when missing (Debian
# packages and rustup components: scripts/install-tools.sh says which).
tools:
	scripts/install-tools.sh test

# Unit, integration and property tests, and the doc examples (doctests).
test-rust: build
	$(CARGO) test --release --features emulator

# The crate's API reference: every public item documented
# (#![warn(missing_docs)]), every intra-doc link resolved, no warning.
check-doc:
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --features emulator

# README, docs/ and the other guides: relative links resolve, and each
# tagged code block is run here or says why not (scripts/check_docs.py).
check-docs: build
	$(PYTHON) scripts/check_docs.py --self-test
	$(PYTHON) scripts/check_docs.py

# One formatting for the Rust sources (rustfmt's defaults). Outside CI a
# missing rustfmt is only reported; in CI (.ci/run installs it) it fails.
check-fmt:
	@if $(CARGO) fmt --version >/dev/null 2>&1; then $(CARGO) fmt --all --check; \
	elif [ -n "$$CI" ]; then echo "check-fmt: rustfmt is missing in CI" >&2; exit 1; \
	else echo "check-fmt: rustfmt is not installed here; skipped"; fi

# Each ecosystem's linter, warnings as errors: clippy (all targets and
# features), mypy --strict on the typed Python package, staticcheck on both
# Go modules.
STATICCHECK = $$(go env GOPATH)/bin/staticcheck
check-lint: build $(VENV_PY)
	$(CARGO) clippy --all-targets --all-features -- -D warnings
	$(CARGO) clippy -p tcr-cli --all-targets --features tcr/emulator -- -D warnings
	$(VENV_PY) -m mypy --strict bindings/python/src/tcr
	@[ -x "$(STATICCHECK)" ] || go install honnef.co/go/tools/cmd/staticcheck@v0.8.2
	cd bindings/go && $(STATICCHECK) ./...
	cd tests/gosdk && $(STATICCHECK) ./...

# TLS is rustls only: no OpenSSL or native-tls anywhere in the dependency tree.
# A tree that cannot be produced is a failure, not a pass: the tree is taken
# first, and must hold rustls (what TLS is built on) to count as read.
check-deps: build
	@tree=$$($(CARGO) tree --features emulator -e normal,build --prefix none) || \
	  { echo "check-deps: cargo tree failed" >&2; exit 1; }; \
	  echo "$$tree" | grep -q '^rustls v' || { echo "check-deps: no rustls in the tree: not the tree expected" >&2; exit 1; }; \
	  if echo "$$tree" | grep -iE '^(openssl|native-tls)'; then echo "OpenSSL crept into the dependency tree" >&2; exit 1; fi; \
	  echo "check-deps: no OpenSSL in $$(echo "$$tree" | wc -l) crates of cargo tree"
	@# The command line's own dependencies (its direct ones, less libtcr's
	@# and serde's) must not be in libtcr's tree.
	@lib=$$($(CARGO) tree -p tcr --features emulator -e normal,build --prefix none | cut -d' ' -f1 | sort -u) && \
	  cli=$$($(CARGO) tree -p tcr-cli -e normal --prefix none --depth 1 | tail -n +2 | cut -d' ' -f1 | grep -vxE 'tcr|serde|serde_json') && \
	  [ -n "$$cli" ] && echo "$$cli" | grep -qx clap || { echo "check-deps: tcr-cli's tree was not read" >&2; exit 1; }; \
	  leaked=$$(echo "$$cli" | grep -xF "$$lib"); \
	  [ -z "$$leaked" ] || { echo "check-deps: libtcr's tree holds the command line's $$leaked" >&2; exit 1; }; \
	  echo "check-deps: none of tcr-cli's dependencies ($$(echo $$cli)) is in libtcr's tree"
	@# Built with the command line (make build) or alone (pip, the arm64
	@# and glibc-floor builds), libtcr has the same dependencies with the
	@# same features: the library alone is then already built.
	@$(CARGO) build --release --lib --features emulator -v 2>&1 | grep -q '^ *Fresh tcr v' || \
	  { echo "check-deps: libtcr built alone differs from libtcr built with tcr-cli (a feature of a shared dependency?)" >&2; exit 1; }; \
	  echo "check-deps: libtcr built alone is the one make build made with tcr-cli"

# Fails when the build changed the committed header (or its copy in the Go
# module), or when the Go module's copies differ from the originals.
check-header: build
	@git diff --exit-code --stat -- include/tcr.h $(GO_DIR)/include/tcr.h || { echo "include/tcr.h is out of date: commit the regenerated header" >&2; exit 1; }
	@cmp include/tcr.h $(GO_DIR)/include/tcr.h && cmp LICENSE $(GO_DIR)/LICENSE && cmp LICENSE bindings/python/LICENSE
	@$(PYTHON) tests/abi/header_docs.py include/tcr.h
	@grep -qF -- "libtcr.a $(STATIC_LIBS)" $(GO_DIR)/ffi.go || \
	  { echo "$(GO_DIR)/ffi.go must link libtcr.a with: $(STATIC_LIBS)" >&2; exit 1; }

# The demo key pair and a temporary one, for the example tool's credential chain.
EXAMPLE_TOOL_KEYS := --key $(DEMO_ID):$(DEMO_KEY) --key AKIDEXTOOLTEMP:ex-temp-key:ex-token
C_STS_FLAGS := --key AKIDCTEST:ctest-secret-key --rate 0 --sts-role qcs::cam::uin/100000000001:roleName/c-deployer \
  --oidc-provider c-oidc-provider --oidc-role qcs::cam::uin/100000000001:roleName/c-deployer \
  --oidc-token eyJhbGciOiJSUzI1NiJ9.c-projected-token.sig
test-c: build build/test_tcr build/test_prepare build/test_cancel build/test_roles build/test_roles_0_2_0 build/token_lifecycle build/header_cpp build/modify_instance_token build/modify_instance_token_static
	build/header_cpp
	tests/with-emulator.sh --key AKIDCTEST:ctest-secret-key --rate 0 -- build/test_tcr
	tests/with-emulator.sh --key AKIDCTEST:ctest-secret-key --rate 0 -- build/test_prepare
	tests/with-emulator.sh --key AKIDCTEST:ctest-secret-key --rate 0 -- build/test_cancel
	tests/with-emulator.sh $(C_STS_FLAGS) -- build/test_roles
	tests/with-emulator.sh $(C_STS_FLAGS) -- build/test_roles_0_2_0
	tests/with-emulator.sh -- tests/c/token_lifecycle.sh build/token_lifecycle
	tests/with-emulator.sh $(EXAMPLE_TOOL_KEYS) -- tests/c/example_tool.sh build/modify_instance_token
	@! ldd build/modify_instance_token_static | grep -q libtcr || { echo "the static tool needs libtcr.so" >&2; exit 1; }
	tests/with-emulator.sh $(EXAMPLE_TOOL_KEYS) -- tests/c/example_tool.sh build/modify_instance_token_static

# At least 100 distinct malformed calls (struct_size of each input struct
# among them), each with its status and field, and
# nothing sent.
test-bad-input: build build/test_bad_input
	tests/with-emulator.sh -- build/test_bad_input

# 8 threads x 10,000 calls on one client: no failure, every request accepted,
# resident memory after warm-up within 8 MB.
test-load: build build/load
	tests/with-emulator.sh --rate 0 -- build/load 8 10000 8192

# The C suites and a shorter load under ASan + LSan; first check that the
# sanitizer was really linked. (ASan's quarantine keeps freed memory, so the
# RSS bound is not checked here: leaks are, by LSan at exit.)
SAN_ENV := ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0
test-sanitizers: build build/test_tcr_asan build/test_bad_input_asan build/load_asan build/test_cancel_asan
	@for b in test_tcr_asan test_bad_input_asan load_asan test_cancel_asan; do \
	  nm build/$$b | grep -q __asan_init || { echo "$$b was built without AddressSanitizer" >&2; exit 1; }; done
	$(SAN_ENV) tests/with-emulator.sh --key AKIDCTEST:ctest-secret-key --rate 0 -- build/test_tcr_asan
	$(SAN_ENV) tests/with-emulator.sh -- build/test_bad_input_asan
	$(SAN_ENV) tests/with-emulator.sh --rate 0 -- build/load_asan 8 500 1048576
	$(SAN_ENV) tests/with-emulator.sh --key AKIDCTEST:ctest-secret-key --rate 0 -- build/test_cancel_asan

# Everything the C suite prints, with TCR_LOG=debug on, must hold none of its
# secrets (the keys it uses, right and wrong, its session tokens, and any
# signature: a gateway page it provokes echoes them, redacted).
# The suite must pass, and print at least one attempt line per request the
# emulator counted (it would print none if TCR_LOG were ignored).
check-secrets: build build/test_tcr
	@mkdir -p build
	@out=$$(TCR_LOG=debug tests/with-emulator.sh --stats build/check-secrets-stats.json --key AKIDCTEST:ctest-secret-key --rate 0 -- build/test_tcr 2>&1) || \
	  { echo "$$out" | tail -n 20; echo "check-secrets: the C suite failed" >&2; exit 1; }; \
	  echo "$$out" | tail -n 1; \
	  requests=$$($(PYTHON) -c 'import json,sys; print(json.load(open(sys.argv[1]))["requests"])' build/check-secrets-stats.json); \
	  lines=$$(echo "$$out" | grep -c '^tcr: action=.* attempt='); \
	  [ "$$requests" -gt 100 ] && [ "$$lines" -ge "$$requests" ] || \
	    { echo "check-secrets: $$lines attempt lines for $$requests requests" >&2; exit 1; }; \
	  for secret in ctest-secret-key wrong-secret-key "key with spaces" ctest-session-token; do \
	    if echo "$$out" | grep -qF -- "$$secret"; then echo "check-secrets: '$$secret' appears in the output" >&2; exit 1; fi; done; \
	  if echo "$$out" | grep -qE 'Signature=[^[]|[0-9a-f]{64}'; then echo "check-secrets: a signature appears in the output" >&2; exit 1; fi; \
	  echo "$$out" | grep -qF 'Signature=[redacted]' || { echo "check-secrets: the echoed-headers case printed nothing to check" >&2; exit 1; }; \
	  echo "check-secrets: no secret in $$(echo "$$out" | wc -l) lines of output ($$lines attempt lines, $$requests requests)"

# A virtualenv with the official Python SDK, pinned.
$(VENV_PY): tests/requirements-sdk.txt tests/requirements-tools.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV_PY) -m pip install --quiet --disable-pip-version-check -r tests/requirements-sdk.txt -r tests/requirements-tools.txt
	@touch $(VENV_PY)

venv: $(VENV_PY)

# The Python package installed into the venv as a user installs it: pip
# runs setup.py, which has cargo build libtcr (here with the features of
# this build, so cargo finds it up to date) and puts it in the package.
# Targets that import the package from bindings/python/src load
# target/release/libtcr.so, this build's.
PIP_BUILD_ENV := TCR_CARGO_FEATURES=emulator
python-install: build $(VENV_PY)
	$(PIP_BUILD_ENV) $(VENV_PY) -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall ./bindings/python

# Release artifacts at an old glibc floor, so that they run on the Linux
# systems enterprises keep (RHEL 8, Debian 11, Ubuntu 20.04, Amazon Linux 2
# are older than this machine's glibc 2.36): cargo-zigbuild links libtcr
# against glibc 2.17 with zig (from PyPI, in the venv). Makes
# build/dist/tcr_ffi-*-manylinux_2_17_x86_64.whl and puts the same build's
# libtcr.a in the Go module (what a release commits).
FLOOR_TARGET := x86_64-unknown-linux-gnu.2.17
FLOOR_DIR    := target/x86_64-unknown-linux-gnu/release
# zig's binary from the venv's ziglang, named directly: pip's isolated build
# environment hides the venv's packages from `python3 -m ziglang`.
ZIGBUILD_ENV  = CARGO_ZIGBUILD_ZIG_PATH=$$($(VENV_PY) -c 'import os, ziglang; print(os.path.join(os.path.dirname(ziglang.__file__), "zig"))')
dist: build $(VENV_PY)
	@command -v cargo-zigbuild >/dev/null 2>&1 || $(CARGO) install --locked --quiet cargo-zigbuild@0.24.1
	$(ZIGBUILD_ENV) $(CARGO) zigbuild --release --lib --target $(FLOOR_TARGET)
	rm -rf build/dist
	$(ZIGBUILD_ENV) TCR_CARGO_BUILD=zigbuild TCR_CARGO_TARGET=$(FLOOR_TARGET) \
	  $(VENV_PY) -m pip wheel --quiet --disable-pip-version-check --no-deps -w build/dist ./bindings/python
	packaging/lean-staticlib.sh $(FLOOR_DIR)/libtcr.a $(GO_LIB)
	packaging/archive.sh x86_64 $(FLOOR_DIR)

# linux/arm64 (scripts/arm64.sh): the same artifacts built in a Debian
# trixie root made from Debian's packages (build/arm64, cached; remade when
# scripts/arm64-root.sh changes), and tested under qemu-aarch64.
dist-arm64: dist
	VENV_PY=$(CURDIR)/$(VENV_PY) scripts/arm64.sh dist
	@[ "$$TCR_SKIP_ARM64" = 1 ] || packaging/archive.sh aarch64 build/arm64/out

test-arm64: dist-arm64
	VENV_PY=$(CURDIR)/$(VENV_PY) scripts/arm64.sh test

# The floor holds (no symbol newer than GLIBC_2.17), the wheel says so and
# works from a fresh venv, and the Go module builds and runs with that
# library.
test-dist: dist
	@newest=$$(objdump -T $(FLOOR_DIR)/libtcr.so | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n1); \
	  echo "newest glibc symbol of the floor build: $$newest"; [ "$$newest" = GLIBC_2.17 ] || \
	  { echo "the floor build needs $$newest" >&2; exit 1; }
	EXPECT_POLICY=manylinux_2_17_x86_64 WHEEL=$$(ls build/dist/tcr_ffi-*.whl) PYTHON=$(CURDIR)/$(VENV_PY) \
	  tests/with-emulator.sh -- tests/wheel/test_wheel.sh
	tests/with-emulator.sh -- tests/gomodule/test_module.sh
	tests/with-emulator.sh -- tests/gomodule/lifecycle.sh

# A platform wheel from pip wheel, installed alone in a fresh venv and used
# from outside the checkout (tests/wheel/test_wheel.sh).
test-wheel: build $(VENV_PY)
	$(PIP_BUILD_ENV) PYTHON=$(CURDIR)/$(VENV_PY) tests/with-emulator.sh -- tests/wheel/test_wheel.sh

test-python: python-install
	TCR_EMULATOR=$(CURDIR)/$(EMULATOR) $(VENV_PY) -m pytest -q -p no:cacheprovider bindings/python/tests

# The Go binding: vet, tests, again with GOGC=1 and under the race detector;
# a test binary must not need libtcr.so (static link); the tests once more
# linked to libtcr.so; the official Go SDK cross-check (its own module, so
# that the binding's requires nothing); and the module directory copied
# elsewhere, built through a replace, as a download would be.
GO_TEST_ENV := TCR_EMULATOR=$(CURDIR)/$(EMULATOR)
test-go: build
	cd bindings/go && go vet ./...
	cd bindings/go && $(GO_TEST_ENV) go test -count=1 ./...
	cd bindings/go && $(GO_TEST_ENV) GOGC=1 go test -count=1 ./...
	cd bindings/go && $(GO_TEST_ENV) go test -race -count=1 ./...
	@mkdir -p build
	cd bindings/go && go test -c -o ../../build/tcr-go.test .
	@! ldd build/tcr-go.test | grep -q libtcr || { echo "the Go binding needs libtcr.so at run time" >&2; exit 1; }
	cd bindings/go && $(GO_TEST_ENV) go test -tags tcr_shared -count=1 ./...
	cd tests/gosdk && go vet ./... && $(GO_TEST_ENV) go test -count=1 ./...
	tests/with-emulator.sh -- tests/gomodule/test_module.sh

# The real tccli (PyPI), in a virtualenv of its own; kept between runs.
TCCLI_VENV := .venv-tccli
TCCLI      := $(TCCLI_VENV)/bin/tccli
$(TCCLI): tests/requirements-tccli.txt
	$(PYTHON) -m venv $(TCCLI_VENV)
	$(TCCLI_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/requirements-tccli.txt
	@touch $(TCCLI)

# The `tcr` command line (cli/): its unit tests; every option, output
# format, bad argument and failure class against the emulator, and no
# secret printed (tests/cli/test_cli.sh); a token's lifecycle from a shell
# script; its action model against tccli's; and the same command lines
# through the real tccli and tcr against one HTTPS emulator, printing the
# same JSON (tests/cli/compat_tccli.py).
CLI_KEYS := --rate 0 --key $(DEMO_ID):$(DEMO_KEY) --key AKIDCLITEMPORARY0001:cli-temporary-secret:cli-session-token-0001 \
  --sts-role qcs::cam::uin/100000000001:roleName/cli --role cli-instance-role
test-cli: build $(TCCLI)
	$(CARGO) test --release -p tcr-cli --features tcr/emulator
	tests/with-emulator.sh $(CLI_KEYS) -- tests/cli/test_cli.sh
	tests/with-emulator.sh -- tests/cli/lifecycle.sh
	$(MAKE) -s check-cli-model
	@mkdir -p build
	TCCLI=$(CURDIR)/$(TCCLI) TCR=$(CURDIR)/$(RELEASE)/tcr TCR_TEST_CA=$(CURDIR)/build/cli-compat-ca.pem \
	  tests/with-emulator.sh --rate 0 --tls-cert $(CURDIR)/build/cli-compat-ca.pem -- $(PYTHON) tests/cli/compat_tccli.py

check-cli-model: $(TCCLI)
	$(TCCLI_VENV)/bin/python scripts/cli_model.py --check cli/model/tcr.json

# After a tccli upgrade in tests/requirements-tccli.txt.
cli-model: $(TCCLI)
	$(TCCLI_VENV)/bin/python scripts/cli_model.py > cli/model/tcr.json

# The official Python SDK against the emulator.
test-sdk: build $(VENV_PY)
	TCR_EMULATOR=$(CURDIR)/$(EMULATOR) $(VENV_PY) -m pytest -q tests/python

# Regenerate the signature vectors from the official SDK and fail on any difference.
check-vectors: $(VENV_PY)
	@mkdir -p build
	$(VENV_PY) tests/vectors/generate.py > build/sdk_vectors.json.new
	@diff -u tests/vectors/sdk_vectors.json build/sdk_vectors.json.new || { echo "the official SDK disagrees with the committed vectors" >&2; exit 1; }

vectors: $(VENV_PY)
	$(VENV_PY) tests/vectors/generate.py > tests/vectors/sdk_vectors.json

# The benchmarks (make bench and its parts): benches/bench.mk.
include benches/bench.mk

# Installing, the way a C or C++ user does; PREFIX must be absolute.
PREFIX ?= /usr/local
install: build
	packaging/install.sh install $(PREFIX) $(RELEASE)

uninstall:
	packaging/install.sh uninstall $(PREFIX)

# The ABI (exports, prototypes, constants, struct layouts) against the
# committed record abi/tcr.abi, and the guard's own test. A change needs the
# version bump that changes the SONAME; then `make abi-record`.
check-abi: build
	python3 tests/abi/abi.py check
	tests/abi/test_guard.sh

abi-record: build
	python3 tests/abi/abi.py record

# make install into a temporary prefix, then pkg-config and CMake consumers
# built outside the checkout, each run against the emulator.
test-install: build
	tests/with-emulator.sh -- tests/install/test_install.sh

clean:
	-scripts/arm64-root.sh unmount
	$(CARGO) clean
	rm -rf build $(VENV) $(TCCLI_VENV) bindings/python/build $(GO_DIR)/lib/*/libtcr.a
