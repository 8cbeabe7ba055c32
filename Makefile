# frugal: the two commands that matter are `make demo` and `make test`; both install
# what is missing (scripts/bootstrap.sh), build, and run.
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PREFIX ?= /usr/local
FRUGAL = ./$(BUILD)/cli/frugal

.PHONY: all deps build asan test test-release test-asan demo bench bench-targets install clean fuzz

all: build

deps:
	@./scripts/bootstrap.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DFRUGAL_WERROR=ON
	cmake --build $(BUILD) -j$(JOBS)

asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFRUGAL_SANITIZE=ON \
	      -DFRUGAL_BENCH=OFF -DFRUGAL_WERROR=ON
	cmake --build $(ASAN_BUILD) -j$(JOBS)

# Every test, in the release build and again under AddressSanitizer + UBSan (where the
# heaviest loops run on a sample; see tests/harness.h).
test: test-release test-asan

test-release: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

test-asan: asan
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j$(JOBS)

# A real solve: Grin's published C29 graph (nonce 20, 80-byte zero header), then the
# independent verifier checks what was found.
demo: build
	$(FRUGAL) solve -e 29 -n 20 | tee $(BUILD)/demo-solutions.txt
	$(FRUGAL) verify -e 29 - < $(BUILD)/demo-solutions.txt

bench: build
	@FRUGAL_BOOTSTRAP_EXTRA="gnuplot-nox" ./scripts/bootstrap.sh
	./bench/run.sh $(BUILD)

# The memory targets on Grin's published graphs: C29 in 512 MiB, two C31 graphs in 2 GiB,
# C31 lean, C32 in 4 GiB (about 15 minutes on 2 cores, up to 4 GiB of RAM).
bench-targets: build
	./bench/targets.sh $(BUILD) | tee $(BUILD)/bench-targets.jsonl

fuzz: deps
	CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFRUGAL_FUZZ=ON -DFRUGAL_BENCH=OFF
	cmake --build build-fuzz -j$(JOBS)

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
