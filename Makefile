# Duet: one non-recursive Makefile. `make` builds build/duet and build/duet-relay.
#   make deps     install the Debian packages the build and the tests need (only what is missing)
#   make test     deps, build, run the whole suite (unit, integration, GUI under Xvfb, the
#                 adversarial suite), check-blind
#   make run      deps, build, start a relay and two peers on this machine
#   make bench    print the performance table (bench-deps: magic-wormhole, to compare with)
#   make screenshots   regenerate screenshots/ (the desktop app under Xvfb, driven through its flows)
#   make check-blind   prove the relay links no crypto library (OpenSSL, libsodium)
#   make fuzz     libFuzzer targets (clang, ASan+UBSan) for FUZZ_SECONDS each (default 30)
#   make test-adversary   the hostile relay against real peers (tests/adversary/)
#   make test-trixie      Debian 13 in a debootstrap root: make deps, build and process tests there,
#                         then sessions between its peers and this machine's (scripts/trixie.sh)
#   SANITIZE=address,undefined | SANITIZE=thread   sanitized builds in their own build folders
#   V=1           show the full commands
.DEFAULT_GOAL := all
SHELL := /bin/bash

comma := ,
ifeq ($(SANITIZE),)
BUILD ?= build
SAN_FLAGS :=
else
BUILD ?= build-$(subst $(comma),-,$(SANITIZE))
SAN_FLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
ifeq ($(SANITIZE),thread)
# Asio completes handlers inside a fenced block; TSan does not model fences and g++ 12 warns.
# Each Asio context here runs on one thread, so the fence orders nothing TSan needs to see.
SAN_FLAGS += -Wno-tsan
endif
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

NPROC := $(shell nproc 2>/dev/null || echo 2)
CXX ?= g++
OPT ?= -O2
CXXFLAGS_BASE := -std=c++20 -Wall -Wextra -Werror $(OPT) -g -MMD -MP -I. -pthread \
                 -DASIO_STANDALONE -DASIO_NO_DEPRECATED -DASIO_DISABLE_STD_ALIGNED_ALLOC $(SAN_FLAGS)
LDFLAGS_BASE := -pthread $(SAN_FLAGS)
# Asio 1.22 picks aligned_alloc or operator new per translation unit, depending on which headers
# came first; ASIO_DISABLE_STD_ALIGNED_ALLOC makes every unit agree (ASan caught the mismatch).

# Flags of the libraries, asked of pkg-config and fltk-config (evaluated lazily: before
# `make deps` has run they may not exist yet).
OPENSSL_CFLAGS = $(shell pkg-config --cflags openssl 2>/dev/null)
OPENSSL_LIBS = $(shell pkg-config --libs openssl 2>/dev/null || echo -lssl -lcrypto)
GTEST_LIBS = $(shell pkg-config --libs gtest_main gmock 2>/dev/null || echo -lgtest_main -lgtest -lgmock)
FLTK_CFLAGS = $(shell fltk-config --cxxflags 2>/dev/null | sed 's/-I\([^ ]*\)/-isystem \1/g')
FLTK_LIBS = $(shell fltk-config --use-images --ldflags 2>/dev/null)
ICU_CFLAGS = $(shell pkg-config --cflags icu-uc icu-i18n 2>/dev/null)
ICU_LIBS = $(shell pkg-config --libs icu-uc icu-i18n 2>/dev/null || echo -licui18n -licuuc -licudata)
# libsodium: ristretto255 for the code's PAKE (crypto/cpace.cc); peer side only, never the relay.
SODIUM_CFLAGS = $(shell pkg-config --cflags libsodium 2>/dev/null)
SODIUM_LIBS = $(shell pkg-config --libs libsodium 2>/dev/null || echo -lsodium)
# libedit: line editing and word completion when the terminal client asks for a code (--join).
EDIT_LIBS = $(shell pkg-config --libs libedit 2>/dev/null || echo -ledit)

# --- sources, by layer (wire -> crypto -> peer/core -> peer/{net,cli,gui}; relay uses wire) ---
WIRE_SRCS   := $(wildcard wire/*.cc)
CRYPTO_SRCS := $(wildcard crypto/*.cc)
RELAY_SRCS  := $(filter-out relay/main.cc,$(wildcard relay/*.cc))
CORE_SRCS   := $(wildcard peer/core/*.cc)
NET_SRCS    := $(wildcard peer/net/*.cc)
CLI_SRCS    := $(wildcard peer/cli/*.cc)
GUI_SRCS    := $(wildcard peer/gui/*.cc)
TEST_SRCS   := $(wildcard tests/*.cc tests/*/*.cc tests/*/*/*.cc)
TEST_SRCS   := $(filter-out tests/fuzz/% tests/adversary/%,$(TEST_SRCS))
BENCH_SRCS  := $(wildcard bench/*.cc)

obj = $(patsubst %.cc,$(BUILD)/obj/%.o,$(1))
WIRE_OBJS   := $(call obj,$(WIRE_SRCS))
CRYPTO_OBJS := $(call obj,$(CRYPTO_SRCS))
RELAY_OBJS  := $(call obj,$(RELAY_SRCS))
CORE_OBJS   := $(call obj,$(CORE_SRCS))
NET_OBJS    := $(call obj,$(NET_SRCS))
CLI_OBJS    := $(call obj,$(CLI_SRCS))
GUI_OBJS    := $(call obj,$(GUI_SRCS))
TEST_OBJS   := $(call obj,$(TEST_SRCS))
PEER_OBJS   := $(CORE_OBJS) $(NET_OBJS) $(CLI_OBJS) $(GUI_OBJS)

RELAY_BIN := $(BUILD)/duet-relay
PEER_BIN  := $(BUILD)/duet
TEST_BIN  := $(BUILD)/duet_tests
BENCH_BINS := $(patsubst bench/%.cc,$(BUILD)/bench/%,$(BENCH_SRCS))
# The adversarial suite: a hostile relay (wire/ and, for mitm, crypto/) and its own test binary.
ADV_TEST_SRCS := $(wildcard tests/adversary/*_test.cc)
ADV_SRCS    := $(filter-out $(ADV_TEST_SRCS),$(wildcard tests/adversary/*.cc))
ADV_BIN     := $(BUILD)/duet-adversary
ADV_TEST_BIN := $(BUILD)/duet_adversary_tests

BINS :=
ifneq ($(wildcard relay/main.cc),)
BINS += $(RELAY_BIN)
endif
ifneq ($(wildcard peer/main.cc),)
BINS += $(PEER_BIN)
endif

.PHONY: all deps test test-build unit run bench bench-deps check-blind clean format screenshots \
        fuzz fuzz-build test-adversary adversary-build adversary-run test-trixie
all: $(BINS)

# Per-layer compile flags: only crypto/ and the peer see OpenSSL; only crypto/ sees libsodium;
# only peer/gui sees FLTK; only peer/core sees ICU (names.cc: normalisation and confusable
# skeletons).
$(BUILD)/obj/crypto/%.o: EXTRA_CFLAGS = $(OPENSSL_CFLAGS) $(SODIUM_CFLAGS)
$(BUILD)/obj/peer/core/%.o: EXTRA_CFLAGS = $(ICU_CFLAGS)
$(BUILD)/obj/peer/gui/%.o: EXTRA_CFLAGS = $(FLTK_CFLAGS)
$(BUILD)/obj/peer/main.o: EXTRA_CFLAGS = $(FLTK_CFLAGS)
$(BUILD)/obj/tests/%.o: EXTRA_CFLAGS = $(OPENSSL_CFLAGS) $(FLTK_CFLAGS) $(ICU_CFLAGS) \
    -DDUET_BIN_DIR='"$(abspath $(BUILD))"' -DDUET_SOURCE_DIR='"$(abspath .)"'
$(BUILD)/obj/bench/%.o: EXTRA_CFLAGS = $(OPENSSL_CFLAGS) -DDUET_BIN_DIR='"$(abspath $(BUILD))"'

# Room code words (peer/core/room_code.cc): the EFF short list as C++ string literals, without
# the hyphenated word (hyphens separate a code's words).
WORDS_INC := $(BUILD)/gen/eff_short_words.inc
$(WORDS_INC): third_party/eff-wordlist/eff_short_wordlist_1.txt
	@mkdir -p $(dir $@)
	$(Q)grep -x '[a-z]*' $< | sed 's/.*/"&",/' > $@
$(BUILD)/obj/peer/core/room_code.o: $(WORDS_INC)
$(BUILD)/obj/peer/core/room_code.o: EXTRA_CFLAGS = $(ICU_CFLAGS) -I$(BUILD)/gen

$(BUILD)/obj/%.o: %.cc Makefile
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CXX     $<")
	$(Q)$(CXX) $(CXXFLAGS_BASE) $(EXTRA_CFLAGS) -c $< -o $@

# The relay links wire/ and its own code only: no crypto library (see check-blind), no ICU.
$(RELAY_BIN): $(call obj,relay/main.cc) $(RELAY_OBJS) $(WIRE_OBJS)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CXX) $^ -o $@ $(LDFLAGS_BASE)

$(PEER_BIN): $(call obj,peer/main.cc) $(PEER_OBJS) $(CRYPTO_OBJS) $(WIRE_OBJS)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CXX) $^ -o $@ $(LDFLAGS_BASE) $(OPENSSL_LIBS) $(SODIUM_LIBS) $(FLTK_LIBS) $(ICU_LIBS) \
	  $(EDIT_LIBS)

$(TEST_BIN): $(TEST_OBJS) $(PEER_OBJS) $(RELAY_OBJS) $(CRYPTO_OBJS) $(WIRE_OBJS)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CXX) $^ -o $@ $(LDFLAGS_BASE) $(GTEST_LIBS) $(OPENSSL_LIBS) $(SODIUM_LIBS) $(FLTK_LIBS) \
	  $(ICU_LIBS) $(EDIT_LIBS)

$(ADV_BIN): $(call obj,$(ADV_SRCS)) $(CRYPTO_OBJS) $(WIRE_OBJS)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CXX) $^ -o $@ $(LDFLAGS_BASE) $(OPENSSL_LIBS) $(SODIUM_LIBS)

$(ADV_TEST_BIN): $(call obj,$(ADV_TEST_SRCS) tests/support/process.cc) $(WIRE_OBJS)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CXX) $^ -o $@ $(LDFLAGS_BASE) $(GTEST_LIBS)

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(RELAY_OBJS) $(WIRE_OBJS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CXX) $^ -o $@ $(LDFLAGS_BASE)

# The handshake row is the peers' TLS (crypto/), not the relay.
$(BUILD)/bench/handshake_bench: $(BUILD)/obj/bench/handshake_bench.o $(CRYPTO_OBJS) $(WIRE_OBJS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CXX) $^ -o $@ $(LDFLAGS_BASE) $(OPENSSL_LIBS) $(SODIUM_LIBS)

deps:
	$(Q)scripts/deps.sh

test-build: $(BINS) $(TEST_BIN) $(ADV_BIN) $(ADV_TEST_BIN)

adversary-build: $(BINS) $(ADV_BIN) $(ADV_TEST_BIN)

# The hostile relay against real duet peers, one mode per test (tests/adversary/); part of
# `make test` too (about a minute).
test-adversary: deps
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) adversary-build
	$(Q)$(MAKE) --no-print-directory adversary-run

adversary-run: $(BINS) $(ADV_BIN) $(ADV_TEST_BIN)
	$(Q)$(ADV_TEST_BIN) $(ADV_GTEST_ARGS)

# The whole suite. GUI tests need an X server: without a DISPLAY the suite runs under xvfb-run.
test: deps
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) test-build
	$(Q)$(MAKE) --no-print-directory unit
	$(Q)$(MAKE) --no-print-directory adversary-run
ifneq ($(wildcard relay/main.cc),)
	$(Q)$(MAKE) --no-print-directory check-blind
endif

# Debian 13 (trixie) in a root made with debootstrap and kept in build-trixie/root: the project's
# own make deps, the build and the process tests inside it, then mixed sessions between its build
# and this machine's (scripts/trixie.sh says what runs and why). The script runs as root (sudo
# when not): debootstrap, mount, chroot.
test-trixie: deps
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) $(BINS) $(TEST_BIN)
	$(Q)$$( [ "$$(id -u)" = 0 ] || echo sudo --preserve-env=DUET_TRIXIE_GUI ) \
	  env BUILD=$(BUILD) scripts/trixie.sh

# A relay and two peers on this machine (scripts/run.sh says what it shows).
run: deps
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) all
	$(Q)BUILD=$(BUILD) scripts/run.sh

unit: $(TEST_BIN)
	$(Q)if [ -z "$$DISPLAY" ] && command -v xvfb-run >/dev/null; then \
	  xvfb-run -a -s "-screen 0 1600x1000x24" $(TEST_BIN) $(GTEST_ARGS); \
	else $(TEST_BIN) $(GTEST_ARGS); fi

# Figures, never verdicts: duet-relay beside socat and direct TCP, then a 1 GiB file from
# duet --cli to duet --cli beside magic-wormhole and socat, each measured in one run.
bench: deps
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) $(BINS) $(BENCH_BINS)
	$(Q)$(BUILD)/bench/handshake_bench
	$(Q)if [ -x build-trixie/root/src/$(BUILD)/bench/handshake_bench ]; then \
	  echo "The same on Debian 13 (the root of make test-trixie):"; \
	  chroot build-trixie/root /src/$(BUILD)/bench/handshake_bench; \
	else echo "  (make test-trixie first for the Debian 13 rows)"; fi
	$(Q)$(BUILD)/bench/relay_bench $(RELAY_BIN)
	$(Q)bench/file_bench.sh $(BUILD)

# What the file row compares with (not needed by the tests; without it the row says so).
bench-deps:
	$(Q)pkgs="magic-wormhole python3-magic-wormhole-mailbox-server magic-wormhole-transit-relay"; \
	missing=$$(for p in $$pkgs; do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y $$missing; fi

# The desktop app's pictures for README.md: real apps through a real relay, under Xvfb.
screenshots: deps
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) all
	$(Q)BUILD=$(BUILD) scripts/screenshots.sh

check-blind: $(RELAY_BIN)
	$(Q)if ldd $(RELAY_BIN) | grep -Eq 'lib(ssl|crypto|sodium)\.so'; then \
	  echo "check-blind: FAIL: $(RELAY_BIN) links a crypto library:"; ldd $(RELAY_BIN) | grep -E 'lib(ssl|crypto|sodium)'; exit 1; \
	elif nm -D $(RELAY_BIN) | grep -Eq ' U (SSL_|EVP_|RSA_|OPENSSL_|sodium_|crypto_)'; then \
	  echo "check-blind: FAIL: $(RELAY_BIN) imports crypto symbols"; exit 1; \
	else echo "check-blind: ok: $(RELAY_BIN) links no libssl/libcrypto/libsodium"; fi

clean:
	rm -rf build build-*

# --- fuzzing: clang + libFuzzer + ASan/UBSan, in its own folder, never in the test binary ---
# Each target runs FUZZ_SECONDS on a working corpus in $(FUZZ_BUILD)/corpus/<target>, seeded
# from tests/fuzz/corpus/<target> (which stays small and hand-made). A crash fails the target
# and leaves crash-* beside the corpus.
FUZZ_SECONDS ?= 30
FUZZ_BUILD := build-fuzz
FUZZ_CXX ?= clang++
FUZZ_FLAGS := -std=c++20 -Wall -Wextra -Werror -O1 -g -I. -MMD -MP -fno-omit-frame-pointer \
              -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_SRCS := $(wildcard tests/fuzz/*_fuzz.cc)
FUZZ_NAMES := $(patsubst tests/fuzz/%_fuzz.cc,%,$(FUZZ_SRCS))
FUZZ_BINS := $(patsubst %,$(FUZZ_BUILD)/%_fuzz,$(FUZZ_NAMES))
FUZZ_LIB_OBJS := $(patsubst %.cc,$(FUZZ_BUILD)/obj/%.o,$(WIRE_SRCS) $(CRYPTO_SRCS) \
                 peer/core/send_queue.cc peer/core/text_records.cc)

$(FUZZ_BUILD)/obj/%.o: %.cc Makefile
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCXX $<")
	$(Q)$(FUZZ_CXX) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(OPENSSL_CFLAGS) $(SODIUM_CFLAGS) \
	  -c $< -o $@

$(FUZZ_BUILD)/%_fuzz: $(FUZZ_BUILD)/obj/tests/fuzz/%_fuzz.o $(FUZZ_LIB_OBJS)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(FUZZ_CXX) $(FUZZ_FLAGS) -fsanitize=fuzzer $^ -o $@ $(OPENSSL_LIBS) $(SODIUM_LIBS)

fuzz-build: $(FUZZ_BINS)
# Keep the objects: they come from a chain of pattern rules, which make would otherwise delete.
.SECONDARY: $(FUZZ_LIB_OBJS) $(patsubst %,$(FUZZ_BUILD)/obj/tests/fuzz/%_fuzz.o,$(FUZZ_NAMES))

fuzz: deps
	$(Q)$(MAKE) --no-print-directory -j$(NPROC) fuzz-build
	$(Q)for t in $(FUZZ_NAMES); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/artifacts/$$t; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
	  $(FUZZ_BUILD)/$${t}_fuzz -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t/ \
	    $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t > $(FUZZ_BUILD)/$$t.log 2>&1 \
	    || { tail -n 40 $(FUZZ_BUILD)/$$t.log; echo "fuzz: $$t FAILED"; exit 1; }; \
	  grep -E '^#[0-9]+[[:space:]]+DONE' $(FUZZ_BUILD)/$$t.log | tail -n 1; \
	  grep -E 'stat::number_of_executed_units|stat::average_exec_per_sec' $(FUZZ_BUILD)/$$t.log; \
	done

format:
	clang-format -i $(WIRE_SRCS) $(CRYPTO_SRCS) $(wildcard */*.h */*/*.h) $(TEST_SRCS)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
ifneq ($(filter fuzz fuzz-build build-fuzz/%,$(MAKECMDGOALS)),)
-include $(shell find $(FUZZ_BUILD)/obj -name '*.d' 2>/dev/null)
endif
