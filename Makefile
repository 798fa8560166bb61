# The two commands a newcomer types: `make run` and `make test`. Both set up the machine first.
BUILD ?= build
JOBS ?= $(shell nproc)
# ccache (scripts/setup installs it) lets the mutation tests' scratch copies of the tree reuse this
# build's objects: with a base directory above both, their compile commands are the same. LAUNCHER
# is expanded when the recipe runs, after `setup` has installed ccache; it is empty (and clears a
# cached launcher) without it.
export CCACHE_BASEDIR := $(CURDIR)
LAUNCHER = -DCMAKE_CXX_COMPILER_LAUNCHER=$(if $(shell command -v ccache),ccache)

.PHONY: setup build run test asan bench format clean

setup:
	@scripts/setup

build: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(LAUNCHER) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/bin/keelsim demo
	$(BUILD)/bin/keelsim run scenarios/*.yaml --seeds 1..5

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) -LE long

# The core, sim and real tests and the scenarios under AddressSanitizer and
# UndefinedBehaviorSanitizer (the real tests' keeld and keelctl too). Without ccache:
# nothing else shares its objects, and a miss costs a second preprocessor run.
asan: setup
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKEEL_SANITIZE=ON \
	  -DCMAKE_CXX_COMPILER_LAUNCHER= >/dev/null
	@cmake --build build-asan -j $(JOBS) --target keel_core_tests keel_sim_tests keel_real_tests \
	  keelsim
	ctest --test-dir build-asan --output-on-failure -j $(JOBS) -L 'core|sim|real|scenarios' -LE long

bench: build
	$(BUILD)/bin/keel_bench

format:
	@git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	rm -rf build build-asan
