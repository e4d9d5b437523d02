# SPDX-License-Identifier: GPL-2.0
# make: install missing Debian packages, build ./oomkiller and ./oomkiller-inspect.
# make test: build, then run the test suite as root against the running kernel.
OUTPUT := .output
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= gcc
ARCH := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')

PKGS := clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev gcc make
# for the tests only: JSON checked with a real parser, the unit and the man pages checked,
# a second C library (musl) whose rand() must be counted too
PKGS += jq systemd mandoc man-db procps musl-tools

CFLAGS := -g -O2 -Wall -Wextra -Wno-unused-parameter -Werror -I$(OUTPUT) -Ibpf -Iloader
LDLIBS := -lbpf -lelf -lz
# clang -target bpf does not search the host's arch include dirs (asm/unistd.h); pass them on
CLANG_BPF_SYS_INCLUDES = $(shell $(CLANG) -v -E - </dev/null 2>&1 \
	| sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')
BPF_CFLAGS := -g -O2 -Wall -Werror -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -I$(OUTPUT) -Ibpf

BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.bpf.o,$(wildcard bpf/*.bpf.c))
LOADER_OBJS := $(patsubst loader/%.c,$(OUTPUT)/loader/%.o,$(wildcard loader/*.c))
# what the inspector shares with the loader: reading pins, naming and printing limits
SHARED_OBJS := $(addprefix $(OUTPUT)/loader/,json.o limits.o pins.o snapshot.o)
INSPECT_OBJS := $(patsubst inspect/%.c,$(OUTPUT)/inspect/%.o,$(wildcard inspect/*.c))
TEST_PROGS := $(patsubst tests/progs/%.c,$(OUTPUT)/tests/%,$(wildcard tests/progs/*.c))
TEST_BINS := $(patsubst tests/%.c,$(OUTPUT)/tests/%,$(wildcard tests/test_*.c))

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.PHONY: all deps test bench soak install clean

PREFIX ?= /usr/local
SBINDIR = $(PREFIX)/sbin
.DELETE_ON_ERROR:

all: oomkiller oomkiller-inspect

deps:
	$(Q)missing=$$(for p in $(PKGS); do dpkg -s $$p:$$(dpkg --print-architecture) >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "  APT      $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

$(OUTPUT) $(OUTPUT)/loader $(OUTPUT)/inspect $(OUTPUT)/tests $(OUTPUT)/bench:
	$(Q)mkdir -p $@

# the kernel BTF vmlinux.h is made from (the guests of make test-kernels use a copy of it)
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
# Written every build, replaced only when the kernel's BTF changed, so nothing rebuilds for nothing.
$(OUTPUT)/vmlinux.h: FORCE | deps $(OUTPUT)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.new
	$(Q)cmp -s $@.new $@ || { printf '  %-8s %s\n' GEN $@; mv $@.new $@; }
	$(Q)rm -f $@.new

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(OUTPUT)/vmlinux.h $(wildcard bpf/*.h)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(CLANG_BPF_SYS_INCLUDES) -c $< -o $@

# proc.bpf.o defines the shared maps and goes first: bpftool 7.1's linker leaves the .maps
# offsets of extern maps at 0 when an object declaring them comes before the definition.
$(OUTPUT)/oomkiller.bpf.o: $(OUTPUT)/proc.bpf.o $(filter-out $(OUTPUT)/proc.bpf.o,$(BPF_OBJS))
	$(call msg,LINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(OUTPUT)/oomkiller.skel.h: $(OUTPUT)/oomkiller.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name oomkiller_bpf > $@

$(LOADER_OBJS): $(OUTPUT)/loader/%.o: loader/%.c $(OUTPUT)/oomkiller.skel.h $(wildcard loader/*.h) \
		bpf/oomkiller.h | $(OUTPUT)/loader
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

oomkiller: $(LOADER_OBJS)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(INSPECT_OBJS): $(OUTPUT)/inspect/%.o: inspect/%.c inspect/inspect.h loader/loader.h \
		bpf/oomkiller.h | $(OUTPUT)/inspect deps
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

oomkiller-inspect: $(INSPECT_OBJS) $(SHARED_OBJS)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(TEST_PROGS): $(OUTPUT)/tests/%: tests/progs/%.c $(wildcard tests/progs/*.h) | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -pthread $< -o $@

# int $0x80 takes 32-bit pointers: its buffer must be below 4 GiB, in a non-PIE binary
$(OUTPUT)/tests/oomp_test_int80: CFLAGS += -fno-pie -no-pie
# static: no dynamic loader reading libraries before main(), so it reads exactly what it says
$(OUTPUT)/tests/oomp_test_read_exact: CFLAGS += -static

# The rand workload linked against musl (musl-tools): rand() in a libc not oomkiller's own.
MUSL_CC ?= musl-gcc
$(OUTPUT)/tests/oomp_test_rand_musl: tests/progs/oomp_test_rand.c tests/progs/progs.h \
		| $(OUTPUT)/tests deps
	$(call msg,MUSL-CC,$@)
	$(Q)$(MUSL_CC) $(filter-out -I%,$(CFLAGS)) -pthread $< -o $@
TEST_PROGS += $(OUTPUT)/tests/oomp_test_rand_musl

$(TEST_BINS): $(OUTPUT)/tests/%: tests/%.c tests/helpers.c tests/test.h bpf/oomkiller.h \
		| $(OUTPUT)/tests deps
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -pthread -Itests $< tests/helpers.c $(LDLIBS) -o $@

$(OUTPUT)/tests/soak: tests/soak.c tests/helpers.c tests/test.h bpf/oomkiller.h | $(OUTPUT)/tests deps
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests $< tests/helpers.c $(LDLIBS) -o $@

test: oomkiller oomkiller-inspect $(TEST_PROGS) $(TEST_BINS) $(OUTPUT)/tests/soak
	$(Q)tests/run $(TEST_BINS)

BENCH_PROGS := $(addprefix $(OUTPUT)/bench/,bench_loop oomp_bench_loop oomp_precise oomp_scale)

$(OUTPUT)/bench/floor.bpf.o: bench/floor.bpf.c $(OUTPUT)/vmlinux.h | $(OUTPUT)/bench
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(CLANG_BPF_SYS_INCLUDES) -c $< -o $@

$(OUTPUT)/bench/floor.skel.h: $(OUTPUT)/bench/floor.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name floor_bpf > $@

$(OUTPUT)/bench/bench: bench/bench.c tests/helpers.c tests/test.h $(OUTPUT)/bench/floor.skel.h \
		$(OUTPUT)/loader/probe.o
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests -I$(OUTPUT)/bench bench/bench.c tests/helpers.c \
		$(OUTPUT)/loader/probe.o $(LDLIBS) -o $@

$(OUTPUT)/bench/%: bench/%.c | $(OUTPUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -pthread $< -o $@

$(OUTPUT)/bench/bench_loop: bench/loop.c | $(OUTPUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@

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

FORCE:

# make test-kernels [KERNELS="6.1 6.12"] [TESTS=".output/tests/test_..."]: what make test
# builds, run under qemu against Debian's newest kernel of each series (downloaded once to
# .output/kernels/, where each console log is kept); a line per kernel, then the totals.
# One kernel, one test: make test-kernels KERNELS=6.12 TESTS=.output/tests/test_core
# make test-kernels-arm64 [ARM64_KERNELS=6.12]: a cross build, the policy's ten programs on
# Debian's arm64 kernel (in CI, after the matrix). More in ci/kernels/README.
KERNELS ?= 6.1 6.12
TESTS ?= $(TEST_BINS)
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
