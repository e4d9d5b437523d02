# SPDX-License-Identifier: GPL-2.0
# make: build ./oomkiller and ./oomkiller-inspect (on Debian, installing what building needs).
# make test: build, then run the test suite as root against the running kernel.
# make V=1 shows the commands. Everything built goes to .output/; make clean removes it all.
OUTPUT := .output
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= gcc
ARCH := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')

# What building needs, as Debian packages, each with what it provides (a command or a header):
# on Debian what is missing is installed; elsewhere make says what is missing.
BUILD_DEPS := clang:clang bpftool:bpftool gcc:gcc make:make libbpf-dev:bpf/libbpf.h \
	libelf-dev:gelf.h zlib1g-dev:zlib.h
# What the tests need besides: JSON read by a real parser, the unit and the man pages checked,
# pgrep and ip, a second C library (musl) whose rand() must be counted too, the fleet's YAML
# parsed (py:MODULE is a Python module), and the metrics checked by promtool and served by a
# real node_exporter, scraped with curl.
TEST_DEPS := jq:jq systemd:systemd-analyze mandoc:mandoc man-db:man procps:pgrep \
	iproute2:ip musl-tools:musl-gcc python3-yaml:py:yaml prometheus:promtool \
	prometheus-node-exporter:prometheus-node-exporter curl:curl

VERSION := 0.11

# The library both programs link (lib/) sees bpf/; the programs see lib/ and bpf/, never each
# other. -MMD: each object's headers, in .d files included below.
CFLAGS := -g -O2 -Wall -Wextra -Wno-unused-parameter -Werror -I$(OUTPUT) -Ibpf -Ilib
DEPFLAGS := -MMD -MP
LDLIBS := -lbpf -lelf -lz
# clang -target bpf does not search the host's arch include dirs (asm/unistd.h); pass them on
CLANG_BPF_SYS_INCLUDES = $(shell $(CLANG) -v -E - </dev/null 2>&1 \
	| sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')
BPF_CFLAGS := -g -O2 -Wall -Werror -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -I$(OUTPUT) -Ibpf

BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.bpf.o,$(wildcard bpf/*.bpf.c))
LIB_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(wildcard lib/*.c))
LOADER_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(wildcard loader/*.c))
INSPECT_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(wildcard inspect/*.c))
TEST_PROGS := $(patsubst tests/progs/%.c,$(OUTPUT)/tests/%,$(wildcard tests/progs/*.c))
TEST_BINS := $(patsubst tests/%.c,$(OUTPUT)/tests/%,$(wildcard tests/test_*.c))
TEST_OBJS := $(OUTPUT)/tests/helpers.o $(LIB_OBJS)

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.PHONY: all deps test-deps test bench soak install clean

PREFIX ?= /usr/local
SBINDIR = $(PREFIX)/sbin
.DELETE_ON_ERROR:

all: oomkiller oomkiller-inspect

# $(call check_deps,DEPS): with dpkg, apt-get installs the packages missing; without it, the
# commands and headers missing are named, and make stops.
define check_deps
	$(Q)if command -v dpkg >/dev/null; then \
		missing=$$(for d in $(1); do p=$${d%%:*}; \
			dpkg -s $$p:$$(dpkg --print-architecture) >/dev/null 2>&1 || echo $$p; done); \
		[ -z "$$missing" ] || { echo "  APT      "$$missing; apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; }; \
	else \
		missing=$$(for d in $(1); do w=$${d#*:}; case $$w in \
			*.h) echo "#include <$$w>" | $(CC) -E - >/dev/null 2>&1 ;; \
			py:*) python3 -c "import $${w#py:}" 2>/dev/null ;; \
			*) command -v $$w >/dev/null ;; esac || echo "$$w ($${d%%:*})"; done); \
		[ -z "$$missing" ] || { echo "make: missing:" $$missing; exit 1; }; \
	fi
endef

deps:
	$(call check_deps,$(BUILD_DEPS))

test-deps: deps
	$(call check_deps,$(TEST_DEPS))

# every directory of .output, made once what building needs is there
$(OUTPUT) $(OUTPUT)/lib $(OUTPUT)/loader $(OUTPUT)/inspect $(OUTPUT)/tests $(OUTPUT)/bench: | deps
	$(Q)mkdir -p $@

# the kernel BTF vmlinux.h is made from (the guests of make test-kernels use a copy of it)
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
# Written every build, replaced only when the kernel's BTF changed, so nothing rebuilds for nothing.
$(OUTPUT)/vmlinux.h: FORCE | $(OUTPUT)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.new
	$(Q)cmp -s $@.new $@ || { printf '  %-8s %s\n' GEN $@; mv $@.new $@; }
	$(Q)rm -f $@.new

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(OUTPUT)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) $(CLANG_BPF_SYS_INCLUDES) -c $< -o $@

# proc.bpf.o defines the shared maps and goes first: bpftool 7.1's linker leaves the .maps
# offsets of extern maps at 0 when an object declaring them comes before the definition.
$(OUTPUT)/oomkiller.bpf.o: $(OUTPUT)/proc.bpf.o $(filter-out $(OUTPUT)/proc.bpf.o,$(BPF_OBJS))
	$(call msg,LINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(OUTPUT)/oomkiller.skel.h: $(OUTPUT)/oomkiller.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name oomkiller_bpf > $@

# C objects of lib/, loader/, inspect/ and tests/; the skeleton comes first for those that
# include it (their .d files say which, once built)
$(OUTPUT)/%.o: %.c | $(OUTPUT)/oomkiller.skel.h $(OUTPUT)/lib $(OUTPUT)/loader $(OUTPUT)/inspect \
		$(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

# --version says it
$(OUTPUT)/lib/version.o: CFLAGS += -DOOMK_VERSION='"$(VERSION)"'
$(OUTPUT)/lib/version.o: Makefile

oomkiller: $(LOADER_OBJS) $(LIB_OBJS)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

oomkiller-inspect: $(INSPECT_OBJS) $(LIB_OBJS)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(TEST_PROGS): $(OUTPUT)/tests/%: tests/progs/%.c | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) -pthread $< -o $@

# int $0x80 takes 32-bit pointers: its buffer must be below 4 GiB, in a non-PIE binary
$(OUTPUT)/tests/oomp_test_int80: CFLAGS += -fno-pie -no-pie
# static: no dynamic loader reading libraries before main(), so it reads exactly what it says
$(OUTPUT)/tests/oomp_test_read_exact: CFLAGS += -static

# The rand workload linked against musl (musl-tools): rand() in a libc not oomkiller's own.
MUSL_CC ?= musl-gcc
$(OUTPUT)/tests/oomp_test_rand_musl: tests/progs/oomp_test_rand.c | $(OUTPUT)/tests test-deps
	$(call msg,MUSL-CC,$@)
	$(Q)$(MUSL_CC) $(filter-out -I%,$(CFLAGS)) $(DEPFLAGS) -pthread $< -o $@
TEST_PROGS += $(OUTPUT)/tests/oomp_test_rand_musl

$(TEST_BINS) $(OUTPUT)/tests/soak: $(OUTPUT)/tests/%: $(OUTPUT)/tests/%.o $(TEST_OBJS)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) -pthread $^ $(LDLIBS) -o $@

# make test T=NAME[,NAME...]: only the tests whose name contains a NAME (test_* -l lists them)
test: oomkiller oomkiller-inspect $(TEST_PROGS) $(TEST_BINS) $(OUTPUT)/tests/soak | test-deps
	$(Q)tests/run $(if $(T),-t $(T)) $(TEST_BINS)

BENCH_PROGS := $(addprefix $(OUTPUT)/bench/,bench_loop oomp_bench_loop oomp_precise oomp_scale)

$(OUTPUT)/bench/floor.bpf.o: bench/floor.bpf.c $(OUTPUT)/vmlinux.h | $(OUTPUT)/bench
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) $(CLANG_BPF_SYS_INCLUDES) -c $< -o $@

$(OUTPUT)/bench/floor.skel.h: $(OUTPUT)/bench/floor.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name floor_bpf > $@

$(OUTPUT)/bench/bench.o: bench/bench.c $(OUTPUT)/bench/floor.skel.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) -Itests -I$(OUTPUT)/bench -c $< -o $@

$(OUTPUT)/bench/bench: $(OUTPUT)/bench/bench.o $(TEST_OBJS)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/bench/%: bench/%.c | $(OUTPUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) -pthread $< -o $@

$(OUTPUT)/bench/bench_loop: bench/loop.c | $(OUTPUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) $< -o $@

# the same loop under a name that matches the default --name
$(OUTPUT)/bench/oomp_bench_loop: $(OUTPUT)/bench/bench_loop
	$(Q)cp $< $@

# 5 minutes of churn, as root: writes tests/SOAK.md.
SOAK_TARGETS := Targets: 0 missed, 0 wrong, 0 other exits, the kill log equal to the kills \
	waitpid saw, procs back to its baseline, the ticker's anonymous RSS flat (its file-backed \
	RSS grows once, as it first runs the code that logs a kill).
soak: oomkiller $(TEST_PROGS) $(OUTPUT)/tests/soak
	$(Q)printf '# Soak\n\n`make soak` on %s, Linux %s. %s\n\n' "$$(date -u +%F)" "$$(uname -r)" \
		"$(SOAK_TARGETS)" > tests/SOAK.md
	$(Q)$(OUTPUT)/tests/soak --seconds=300 | tee -a tests/SOAK.md

# About 5 minutes, as root: rewrites bench/RESULTS.md, then appends bench/CHANGES.md to it.
bench: oomkiller oomkiller-inspect $(TEST_PROGS) $(OUTPUT)/bench/bench $(BENCH_PROGS)
	$(Q)$(OUTPUT)/bench/bench > $(OUTPUT)/bench/RESULTS.md
	$(Q)cat bench/CHANGES.md >> $(OUTPUT)/bench/RESULTS.md
	$(Q)mv $(OUTPUT)/bench/RESULTS.md bench/RESULTS.md
	$(Q)cat bench/RESULTS.md

# make install [PREFIX=/usr/local] [DESTDIR=]: binaries, man pages, the unit, a sample config
# (under share/doc: /etc/oomkiller.conf is the administrator's), bash completion.
install: oomkiller oomkiller-inspect
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)install -D -m 0755 -t $(DESTDIR)$(SBINDIR) oomkiller oomkiller-inspect
	$(Q)install -D -m 0644 -t $(DESTDIR)$(PREFIX)/share/man/man8 man/oomkiller.8 \
		man/oomkiller-inspect.8
	$(Q)install -d $(DESTDIR)$(PREFIX)/lib/systemd/system
	$(Q)sed 's|@SBINDIR@|$(SBINDIR)|' dist/oomkiller.service \
		> $(DESTDIR)$(PREFIX)/lib/systemd/system/oomkiller.service
	$(Q)install -D -m 0644 dist/oomkiller.conf $(DESTDIR)$(PREFIX)/share/doc/oomkiller/oomkiller.conf
	$(Q)install -D -m 0644 dist/oomkiller.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/oomkiller
	$(Q)ln -sf oomkiller $(DESTDIR)$(PREFIX)/share/bash-completion/completions/oomkiller-inspect

clean:
	$(call msg,CLEAN)
	$(Q)rm -rf $(OUTPUT) oomkiller oomkiller-inspect

-include $(wildcard $(OUTPUT)/*.d $(OUTPUT)/*/*.d)

FORCE:

# make test-kernels [KERNELS="6.1 6.12"] [TESTS=".output/tests/test_..."]: what make test
# builds, run under qemu against Debian's newest kernel of each series (downloaded once to
# .output/kernels/, where each console log is kept); a line per kernel, then the totals.
# One kernel, one test: make test-kernels KERNELS=6.12 TESTS=.output/tests/test_core
# make test-kernels-arm64 [ARM64_KERNELS=6.12]: a cross build, the policy's ten programs on
# Debian's arm64 kernel (in CI, after the matrix). More in ci/kernels/README.
KERNELS ?= 6.1 6.12
# the tests of what the kernel runs; those of the tools' text (docs, inspector, metrics,
# operating) run on the host only.
TESTS ?= $(addprefix $(OUTPUT)/tests/,test_core test_policy test_reach test_reliability)
ARM64_KERNELS ?= 6.12
.PHONY: test-kernels test-kernels-arm64
test-kernels: oomkiller oomkiller-inspect $(TEST_PROGS) $(TEST_BINS) $(OUTPUT)/tests/soak
	$(Q)KERNELS="$(KERNELS)" VMLINUX_BTF=$(VMLINUX_BTF) ci/kernels/run $(TESTS)

test-kernels-arm64: deps
	$(Q)KERNELS="$(ARM64_KERNELS)" ci/kernels/run-arm64

# make bench-kernels [KERNELS="6.1 6.12"]: make bench's syscall, precision and reaction
# sections under qemu on each kernel, with the backends it allows most (fexit hooks measured
# beside sys_exit ones), into bench/RESULTS-<series>.md. Software emulation: compare ratios
# within a file. About 10 minutes a kernel; not in CI.
.PHONY: bench-kernels
bench-kernels: oomkiller oomkiller-inspect $(TEST_PROGS) $(OUTPUT)/bench/bench $(BENCH_PROGS)
	$(Q)KERNELS="$(KERNELS)" ci/kernels/bench

# make test-service [SERVICE_KERNELS="6.1 6.12"]: dist/oomkiller.service under a real systemd,
# in a qemu guest booting Debian's kernel with a debootstrap'd root (cached in .output/service):
# start, stop, a SIGKILLed run restarted, the kill lines in the journal. See ci/service/README.
SERVICE_KERNELS ?= 6.12
.PHONY: test-service test-fleet
test-service: oomkiller oomkiller-inspect $(OUTPUT)/tests/oomp_test_writes \
		$(OUTPUT)/tests/oomp_test_rand_musl
	$(Q)KERNELS="$(SERVICE_KERNELS)" ci/service/run

# make test-fleet: dist/oomkiller-daemonset.yaml parsed and its required fields checked,
# dist/Containerfile read against the binaries built here (a second; no cluster, no image).
test-fleet: oomkiller oomkiller-inspect | test-deps
	$(Q)ci/service/check-fleet
