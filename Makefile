# callaudit - one non-recursive Makefile for the analyzer, callstack, tests and demo.
#
#   make            install missing Debian packages, build build/callaudit and build/callstack
#   make test       unit tests, fuzzers (briefly), integration tests; release and ASan+UBSan builds
#   make demo       a real call between two callstack endpoints, audited live, both codes shown
#   make fixtures   regenerate pcaps/ from callstack calls (root) and check their expectations
#   make bench      callaudit against tshark and a raw libpcap loop (BENCH_MB="100 1024")
#   make install    the programs and man pages under PREFIX (/usr/local), DESTDIR honoured
#   make fuzz       run each fuzzer longer (FUZZ_SECONDS, default 300)
#   make format     clang-format the sources; make check-format checks them
#
# Dependencies come from Debian only and are installed by `make deps` (apt-get
# as root, sudo otherwise) when pkg-config or the tools say they are missing.

BUILD ?= build
# Builds use every core (tests still run one after another, in their recipes).
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 1)
CC ?= cc
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 300
FUZZ_QUICK_SECONDS ?= 10

PKG_MODULES := openssl libsrtp2 nice glib-2.0 jansson libpcap cmocka
DEB_PACKAGES := build-essential pkg-config libssl-dev libsrtp2-dev libnice-dev libglib2.0-dev \
	libjansson-dev libpcap-dev libcmocka-dev clang llvm libclang-rt-14-dev clang-format \
	tcpdump tshark iproute2 openssl jq socat xxd tcpreplay nftables coturn valgrind \
	chromium python3 libwireshark-dev libwiretap-dev libwsutil-dev
# The second engine (engine/wireshark/) needs libwireshark at least this version.
WIRESHARK_MIN := 4.0
DEB_TOOLS := pkg-config clang clang-format tcpdump tshark ip ss openssl jq socat xxd tcprewrite \
	turnserver nft valgrind chromium python3

# V=1 shows the full commands
Q := $(if $(V),,@)

WARNINGS := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion \
	-Wcast-qual -Wwrite-strings -Wstrict-prototypes -Wmissing-prototypes \
	-Wimplicit-fallthrough -Wformat=2 -Wvla -Werror
HARDENING := -O2 -g -fstack-protector-strong -D_FORTIFY_SOURCE=2
SANITIZE := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
CPPFLAGS += -D_DEFAULT_SOURCE -Ianalyzer -Icapture -Icallstack

LIB_SRC := analyzer/ca_error.c analyzer/cursor.c analyzer/seccode.c analyzer/sdp.c \
	analyzer/addr.c analyzer/link.c analyzer/ip.c analyzer/ipfrag.c analyzer/stun.c analyzer/rtp.c \
	analyzer/dtls.c analyzer/dtls_names.c analyzer/dtls_reasm.c analyzer/certificate.c analyzer/dtls_session.c analyzer/dtls_ladder.c analyzer/dtls_session13.c analyzer/dtls_sig.c analyzer/dtls_keys.c analyzer/dtls13_keys.c analyzer/keylog.c analyzer/srtp_check.c \
	analyzer/tcp.c analyzer/opacity.c analyzer/timeline.c analyzer/flow.c analyzer/pipeline.c analyzer/pipeline_tcp.c analyzer/pipeline_events.c analyzer/audit.c analyzer/audit_sdp.c analyzer/audit_capture.c analyzer/audit_cross.c analyzer/audit_keys.c analyzer/audit_calls.c analyzer/findings.c analyzer/engine_ws.c analyzer/engine_diff.c analyzer/report_json.c \
	analyzer/report_text.c analyzer/report_junit.c analyzer/report_html.c analyzer/report_html_svg.c analyzer/expect.c capture/pcap_source.c capture/pcapng_reader.c capture/pcap_live.c capture/pcapng_writer.c
CALLAUDIT_SRC := analyzer/callaudit.c analyzer/callaudit_live.c analyzer/cli.c analyzer/decrypt_out.c analyzer/annotate.c
CALLSTACK_SRC := callstack/cert.c callstack/endpoint.c callstack/leg.c callstack/leg_dtls.c \
	callstack/main.c callstack/media.c callstack/offer.c callstack/relay.c callstack/report.c \
	callstack/signaling.c
UNIT_SRC := $(wildcard tests/unit/test_*.c)
# callstack pieces the unit tests exercise directly
UNIT_EXTRA_SRC := callstack/media.c tests/unit/scenario.c
INTEGRATION_TESTS := $(filter-out tests/integration/lib.sh,$(wildcard tests/integration/*.sh))
FUZZERS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))

.PHONY: all deps test demo fixtures bench install fuzz clean format check-format unit integration
all: $(BUILD)/callaudit $(BUILD)/callstack

# --- dependencies ---------------------------------------------------------------
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
deps:
	@missing=""; \
	for t in $(DEB_TOOLS); do command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
	pkg-config --exists $(PKG_MODULES) 2>/dev/null || missing="$$missing libraries"; \
	pkg-config --exists wireshark 2>/dev/null || missing="$$missing libwireshark"; \
	if [ -z "$$missing" ]; then echo "deps: all present"; exit 0; fi; \
	echo "deps: missing$$missing; installing Debian packages (log: /tmp/callaudit-apt.log)"; \
	{ $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	      $(DEB_PACKAGES); } >/tmp/callaudit-apt.log 2>&1 || \
	{ tail -n 20 /tmp/callaudit-apt.log; echo "deps: apt-get failed"; exit 1; }

# Library flags are read once, after `deps`, into a generated makefile that
# make then re-reads.
$(BUILD)/config.mk: | deps
	@mkdir -p $(BUILD)
	@pkg-config --exists $(PKG_MODULES) || { echo "missing: $(PKG_MODULES)"; exit 1; }
	@{ echo "PKG_CFLAGS := $$(pkg-config --cflags $(PKG_MODULES) | sed 's/-I/-isystem /g')"; \
	   echo "LIBS_CRYPTO := $$(pkg-config --libs openssl)"; \
	   echo "LIBS_CALLAUDIT := $$(pkg-config --libs openssl libpcap jansson libsrtp2) -lm -pthread"; \
	   echo "LIBS_CALLSTACK := $$(pkg-config --libs openssl libsrtp2 nice glib-2.0 jansson) -lm"; \
	   echo "LIBS_CMOCKA := $$(pkg-config --libs cmocka)"; \
	   if pkg-config --atleast-version=$(WIRESHARK_MIN) wireshark; then \
	     echo "HAVE_WIRESHARK := yes"; \
	     echo "WS_CFLAGS := $$(pkg-config --cflags wireshark | sed 's/-I/-isystem /g')"; \
	     echo "WS_LIBS := $$(pkg-config --libs wireshark) -lwiretap"; \
	   else \
	     echo "HAVE_WIRESHARK := no"; \
	     echo "note: libwireshark $(WIRESHARK_MIN) or later not found ($$(pkg-config --modversion wireshark 2>/dev/null || echo missing)): callaudit-wireshark, the second engine, is not built" >&2; \
	   fi; } > $@

ifeq ($(filter clean deps format check-format,$(MAKECMDGOALS)),)
include $(BUILD)/config.mk
endif

CFLAGS_ALL = $(WARNINGS) $(PKG_CFLAGS)

# --- one set of rules per build variant: release (build/) and asan (build/asan/) ---
# $(1): output directory, $(2): code generation flags
define variant
$(1)/obj/%.o: %.c $(BUILD)/config.mk
	@mkdir -p $$(@D)
	@echo "  CC      $$@"
	$$(Q)$$(CC) $$(CPPFLAGS) $$(CFLAGS_ALL) $(2) $$(CFLAGS) -MMD -MP -c $$< -o $$@

$(1)/libcallaudit.a: $(LIB_SRC:%.c=$(1)/obj/%.o)
	@echo "  AR      $$@"
	$$(Q)$$(AR) rcs $$@ $$^

$(1)/callaudit: $(CALLAUDIT_SRC:%.c=$(1)/obj/%.o) $(1)/libcallaudit.a
	$$(CC) $(2) $$(LDFLAGS) -o $$@ $$^ $$(LIBS_CALLAUDIT)

$(1)/callstack: $(CALLSTACK_SRC:%.c=$(1)/obj/%.o) $(1)/libcallaudit.a
	$$(CC) $(2) $$(LDFLAGS) -o $$@ $$^ $$(LIBS_CALLSTACK) $$(LIBS_CALLAUDIT)

$(1)/unit_tests: $(UNIT_SRC:%.c=$(1)/obj/%.o) $(UNIT_EXTRA_SRC:%.c=$(1)/obj/%.o) $(1)/libcallaudit.a
	$$(CC) $(2) $$(LDFLAGS) -o $$@ $$^ $$(LIBS_CMOCKA) $$(LIBS_CALLAUDIT) -lm

$(1)/integration_driver: $(1)/obj/tests/integration/driver.o
	$$(CC) $(2) $$(LDFLAGS) -o $$@ $$^ $$(LIBS_CMOCKA)

-include $$(shell find $(1)/obj -name '*.d' 2>/dev/null)
endef

$(eval $(call variant,$(BUILD),$(HARDENING)))
$(eval $(call variant,$(BUILD)/asan,$(SANITIZE)))

# --- the second engine: its own program, the only one that links libwireshark
# (GPL); built without sanitizers (libwireshark is not instrumented) and put
# next to each variant's callaudit, which looks for it there.
ifeq ($(HAVE_WIRESHARK),yes)
WS_BINS := $(BUILD)/callaudit-wireshark $(BUILD)/asan/callaudit-wireshark
all: $(BUILD)/callaudit-wireshark
$(BUILD)/callaudit-wireshark: engine/wireshark/callaudit-wireshark.c $(BUILD)/config.mk
	@echo "  CC      $@"
	$(Q)$(CC) $(CPPFLAGS) $(WARNINGS) -Wno-cast-qual $(WS_CFLAGS) $(HARDENING) -o $@ $< $(WS_LIBS)
$(BUILD)/asan/callaudit-wireshark: $(BUILD)/callaudit-wireshark
	@mkdir -p $(@D)
	cp $< $@
endif

# --- fuzzers (clang libFuzzer, with ASan+UBSan) ----------------------------------
# The library is compiled once for all of them (fuzzer-no-link instrumentation).
FUZZ_FLAGS := -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all
$(BUILD)/fuzz/obj/%.o: %.c $(BUILD)/config.mk
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(WARNINGS) $(PKG_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link \
	    -MMD -MP -c $< -o $@
$(BUILD)/fuzz/libcallaudit.a: $(LIB_SRC:%.c=$(BUILD)/fuzz/obj/%.o)
	$(Q)$(AR) rcs $@ $^
$(BUILD)/fuzz/%: tests/fuzz/%.c $(BUILD)/fuzz/libcallaudit.a $(BUILD)/config.mk
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(WARNINGS) $(PKG_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer \
	    -o $@ $< $(BUILD)/fuzz/libcallaudit.a $(LIBS_CALLAUDIT)
-include $(shell find $(BUILD)/fuzz/obj -name '*.d' 2>/dev/null)

FUZZ_BINS := $(FUZZERS:%=$(BUILD)/fuzz/%)

# Run each fuzzer on its seed corpus for SECONDS; new inputs go to a scratch
# directory so the committed corpus only changes on purpose. The capture
# fuzzer also starts from every stored capture of pcaps/.
define run_fuzzers
	@for f in $(FUZZERS); do \
	    mkdir -p $(BUILD)/fuzz/work-$$f; \
	    echo "fuzz: $$f for $(1) s"; \
	    $(BUILD)/fuzz/$$f -max_total_time=$(1) -print_final_stats=0 \
	        -artifact_prefix=$(BUILD)/fuzz/ $(BUILD)/fuzz/work-$$f tests/fuzz/corpus/$$f \
	        $$([ $$f = fuzz_pcap ] && echo pcaps) \
	        >$(BUILD)/fuzz/$$f.log 2>&1 || { tail -n 40 $(BUILD)/fuzz/$$f.log; exit 1; }; \
	    grep -h -m1 -E '^#[0-9]+.*(DONE|pulse)' $(BUILD)/fuzz/$$f.log | tail -n 1; \
	done
endef

fuzz: $(FUZZ_BINS)
	$(call run_fuzzers,$(FUZZ_SECONDS))

# --- tests ------------------------------------------------------------------------
LSAN_OPTIONS_TEST := suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
SAN_ENV := ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 LSAN_OPTIONS=$(LSAN_OPTIONS_TEST)

unit: $(BUILD)/unit_tests $(BUILD)/asan/unit_tests
	@echo "== unit tests (release build)"
	CALLAUDIT_FIXTURES=fixtures $(BUILD)/unit_tests
	@echo "== unit tests (ASan+UBSan build)"
	CALLAUDIT_FIXTURES=fixtures $(SAN_ENV) $(BUILD)/asan/unit_tests

integration: all $(BUILD)/asan/callaudit $(BUILD)/asan/callstack $(BUILD)/integration_driver $(WS_BINS)
	@echo "== integration tests (release build)"
	BIN=$(CURDIR)/$(BUILD) $(BUILD)/integration_driver $(INTEGRATION_TESTS)
	@echo "== integration tests (ASan+UBSan build)"
	BIN=$(CURDIR)/$(BUILD)/asan $(SAN_ENV) $(BUILD)/integration_driver $(INTEGRATION_TESTS)

test: all $(FUZZ_BINS)
	@echo "== fuzzers, $(FUZZ_QUICK_SECONDS) s each"
	$(call run_fuzzers,$(FUZZ_QUICK_SECONDS))
	$(MAKE) --no-print-directory check-format
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory integration

demo: all
	@tests/demo.sh $(BUILD)

# make install PREFIX=/usr/local [DESTDIR=...]: the two programs and their man pages.
PREFIX ?= /usr/local
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/callaudit $(BUILD)/callstack $(WS_BINS:$(BUILD)/asan/%=) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 man/callaudit.1 man/callstack.1 $(DESTDIR)$(PREFIX)/share/man/man1/

# Benchmark against tshark and the raw libpcap loop (not part of make test).
bench: all
	@tests/bench/bench.sh $(BUILD) $(BENCH_MB)

# Regenerate pcaps/ from callstack calls (root) and check each against fixtures/NAME.json.
fixtures: all
	@tests/fixtures.sh $(BUILD) pcaps

FORMAT_SRC = $(shell git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null || find analyzer callstack capture tests -name '*.[ch]')
format:
	clang-format -i $(FORMAT_SRC)
check-format:
	@clang-format --dry-run -Werror $(FORMAT_SRC) && echo "format: clean"

clean:
	rm -rf $(BUILD)
