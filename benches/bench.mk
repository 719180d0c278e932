# The benchmarks, included by the Makefile: `make bench` runs everything
# BENCHMARKS.md reports. Tools they need come from scripts/install-tools.sh.

# A quick single-thread calls/s from each language against the emulator.
build/bench_calls: benches/quick/calls.c tests/c/demo.h include/tcr.h | build
	@mkdir -p build
	$(CC) -std=c99 $(CWARN) -O2 -Iinclude -Itests/c $< -o $@ $(LINK_TCR)

bench-quick: build build/bench_calls
	tests/with-emulator.sh --rate 0 -- sh -c '\
	  build/bench_calls 5000; \
	  PYTHONPATH=bindings/python/src $(PYTHON) benches/quick/calls.py 5000; \
	  cd bindings/go && go test -run "^$$" -bench ModifyInstanceToken -benchtime 5000x . | grep calls/s'

# Every client side by side against one local server (see BENCHMARKS.md).
build/bench_c_client: benches/compare/c_client.c tests/c/demo.h include/tcr.h | build
	@mkdir -p build
	$(CC) -std=c99 $(CWARN) -O2 -Iinclude -Itests/c $< -o $@ $(LINK_TCR) -lpthread

# Everything BENCHMARKS.md reports, in one run: clients side by side, one
# signature, cold start, growth.
bench: bench-compare bench-sign bench-coldstart bench-growth bench-cli

bench-compare: build build/bench_c_client $(VENV_PY)
	scripts/install-tools.sh bench
	TCR_EMULATOR=$(CURDIR)/$(EMULATOR) TCR_VENV_PYTHON=$(CURDIR)/$(VENV_PY) $(PYTHON) benches/compare/compare.py 3

# CPU per call (user+sys of the client process, the slope between 2,000
# and 20,000 calls) of this build against another commit's, alternating the
# two in each round: make bench-cpu BASE=<commit> (default: HEAD, to compare
# uncommitted changes). Each side is its own commit's C bench client.
BASE ?= HEAD
bench-cpu: build build/bench_c_client
	scripts/bench-base.sh $(BASE)
	TCR_EMULATOR=$(CURDIR)/$(EMULATOR) $(PYTHON) benches/compare/cpu_per_call.py --rounds 10 \
	  --side "$(BASE)=build/base/bench_c_client 1 {calls}" --side "this=build/bench_c_client 1 {calls}"

# One signature: criterion, a paired ratio, callgrind, and the official Go
# SDK's signing code under its profiler (installs valgrind).
bench-sign: build
	scripts/install-tools.sh bench
	$(PYTHON) benches/sign_compare.py

# Cold start and peak RSS of one-call processes (installs hyperfine and time).
bench-coldstart: build build/modify_instance_token $(VENV_PY)
	scripts/install-tools.sh bench
	cd bindings/go && go build -o ../../build/go-wrapper-once ./internal/benchcmd/wrapperonce
	cd tests/gosdk && go build -o ../../build/go-sdk-once ./sdkonce
	TCR_VENV_PYTHON=$(CURDIR)/$(VENV_PY) benches/coldstart.sh

# calls/s and RSS at 1k, 10k and 100k calls in one process.
build/bench_growth: benches/compare/growth.c tests/c/demo.h include/tcr.h | build
	@mkdir -p build
	$(CC) -std=c99 $(CWARN) -O2 -Iinclude -Itests/c $< -o $@ $(LINK_TCR)

bench-growth: build build/bench_growth
	tests/with-emulator.sh --no-verify --rate 0 -- build/bench_growth

bench-retries: build
	$(CARGO) bench --features emulator --bench retry_timings

bench-emulator: build
	$(CARGO) bench --features emulator --bench emulator_throughput

# Start-up and peak RSS of one real call from the shell: tcr against the
# same tccli command line (the real tccli, .venv-tccli), alternating,
# against one HTTPS emulator (benches/cli_startup.py).
bench-cli: build $(TCCLI)
	@mkdir -p build
	TCCLI=$(CURDIR)/$(TCCLI) TCR=$(CURDIR)/$(RELEASE)/tcr TCR_TEST_CA=$(CURDIR)/build/bench-cli-ca.pem \
	  tests/with-emulator.sh --rate 0 --tls-cert $(CURDIR)/build/bench-cli-ca.pem -- $(PYTHON) benches/cli_startup.py $(or $(PAIRS),20)
