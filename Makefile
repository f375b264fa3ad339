# SPDX-License-Identifier: GPL-2.0
#
# make                 build src/altudp.ko against KDIR, and tools/
# make kos             build build/<kver>/src/altudp.ko for each kernel of
#                      scripts/kernels (6.1, 6.12, 6.12-rt, the sid
#                      chroot's 7.2)
# make check           install what is missing, build, boot each kernel in
#                      QEMU and run selftests/ there
# make check-debug     the same in a KASAN/kmemleak/lockdep/fault-injection
#                      kernel built from linux-source, with 100000 fuzz
#                      sequences, and the module's coverage; its series in
#                      ALTUDP_DEBUG_SERIES: 6.1 (default), 6.12 or 7.2
# make coverage        check-debug with 10000 fuzz sequences: the module's
#                      line and branch coverage, build/coverage/
# make debug-kernel    build that kernel only
# make sparse, style   sparse (C=1) and checkpatch.pl --strict
# make drift           has a kernel function that altudp mirrors changed in
#                      a supported series' source? (scripts/drift; its
#                      arguments in DRIFT: make drift DRIFT="--update 6.1")
# make deb             build/deb/altudp-dkms_<version>_all.deb (the sources,
#                      built by DKMS) and altudpize_<version>_<arch>.deb
# make fuzz            build/altudp_fuzz for selftests/fuzz.sh (make check
#                      builds it first)

KVER ?= $(shell uname -r)
# Where kernel build trees are looked for; a test empties them to see
# that the targets which install packages get that far without one.
MODULES_DIR ?= /lib/modules
HEADERS_DIR ?= /usr/src
# What installs the packages (scripts/deps): the targets below that only
# need packages run it before anything that needs them.
DEPS ?= scripts/deps

# No build tree is an error only for the targets that build the module,
# and only when they run: make check must reach $(DEPS) first.
ifeq ($(wildcard $(MODULES_DIR)/$(KVER)/build),)
# The newest plain tree; the PREEMPT_RT one (-rt-amd64) only when alone.
KDIRS := $(shell ls -d $(HEADERS_DIR)/linux-headers-*-amd64 2>/dev/null | sort -V)
KDIR ?= $(lastword $(or $(filter-out %-rt-amd64,$(KDIRS)),$(KDIRS)))
KDIR_NOTE := $(MODULES_DIR)/$(KVER)/build is absent, building against $(KDIR)
else
KDIR ?= $(MODULES_DIR)/$(KVER)/build
endif

PWD := $(CURDIR)
VERSION := $(shell cat VERSION)
KRELEASE = $(shell cat $(KDIR)/include/config/kernel.release)

all: module tools

kdir:
ifeq ($(KDIR),)
	@echo "altudp: no kernel build tree in $(MODULES_DIR)/$(KVER)/build or" \
		"$(HEADERS_DIR)/linux-headers-*-amd64: run scripts/deps (as root) or" \
		"apt-get install build-essential linux-headers-amd64, or set KDIR" >&2
	@exit 1
else ifneq ($(KDIR_NOTE),)
	@echo "altudp: $(KDIR_NOTE)"
endif

module: kdir
	$(MAKE) -C $(KDIR) M=$(PWD) modules

clean:
	$(if $(KDIR),$(MAKE) -C $(KDIR) M=$(PWD) clean)
	$(MAKE) -C tools clean
	rm -rf build

tools:
	$(MAKE) -C tools

# The module into /lib/modules/<release>/extra, then altudpize.
# PROTOCOL=N (257 to 261) also writes $(MODPROBE_D)/altudp.conf, so that
# socket(AF_INET, SOCK_DGRAM, N) autoloads the module with protocol=N.
install: module modprobe-conf
	$(MAKE) -C $(KDIR) M=$(PWD) INSTALL_MOD_DIR=extra modules_install
	depmod -a $(KRELEASE)
	@if [ -f tools/Makefile ]; then $(MAKE) -C tools install; fi

# The module's own alias names IPPROTO_ALTUDP (258) only: another number
# needs an alias, and the option, in modprobe's configuration.  Without
# PROTOCOL (or with 258) an earlier file is removed.
MODPROBE_D ?= /etc/modprobe.d
PROTOCOL ?=
modprobe-conf:
ifeq ($(filter-out 258,$(PROTOCOL)),)
	rm -f $(MODPROBE_D)/altudp.conf
else
	@case "$(PROTOCOL)" in 257|259|260|261) ;; \
	*) echo "altudp: PROTOCOL=$(PROTOCOL): 257 to 261" >&2; exit 1 ;; esac
	mkdir -p $(MODPROBE_D)
	printf '%s\n' "# altudp sockets: socket(AF_INET or AF_INET6, SOCK_DGRAM, $(PROTOCOL))" \
		"options altudp protocol=$(PROTOCOL)" \
		"alias net-pf-2-proto-$(PROTOCOL)-type-2 altudp" \
		"alias net-pf-10-proto-$(PROTOCOL)-type-2 altudp" >$(MODPROBE_D)/altudp.conf
endif

# The sources into /usr/src/altudp-<version>, built and installed by DKMS
# for the running kernel and every kernel installed later.
dkms-install:
	@command -v dkms >/dev/null || { echo "altudp: dkms is not installed:" \
		"apt-get install dkms linux-headers-amd64 (or run scripts/deps)" >&2; exit 1; }
	rm -rf /usr/src/altudp-$(VERSION)
	mkdir -p /usr/src/altudp-$(VERSION)
	cp -r Kbuild Makefile dkms.conf VERSION src include /usr/src/altudp-$(VERSION)/
	dkms add -m altudp -v $(VERSION)
	dkms install -m altudp -v $(VERSION)

# The targets from here on need packages only: each runs $(DEPS) first,
# which installs what is missing (a fresh machine has no headers yet).
deps:
	@$(DEPS)

dkms-check: deps
	@scripts/dkms-check

# The Debian packages (debian/), from a copy of the tracked tree.
deb: deps
	@scripts/deb

# One copy of the tree per kernel: Kbuild writes its objects beside the
# sources, so two series cannot share a directory.
kos: deps
	@scripts/build-kos

# sparse over every source file, for each kernel series
sparse: deps
	@KOS_MAKEFLAGS=C=2 scripts/build-kos

style: deps
	@scripts/checkpatch

# The kernel functions the module mirrors against drift/SERIES/, the
# text each was last reconciled with (make check runs it too).
drift: deps
	@scripts/drift $(DRIFT)

check: deps
	@$(MAKE) -s fuzz difftest
	@scripts/check

# The selftests' fuzzer, built here rather than in the emulated test VM.
fuzz:
	@$(MAKE) -s -C selftests/fuzz O=$(CURDIR)/build

# The differential runner and the mutant module of its self-test
# (selftests/diff.sh, selftests/diff_selftest.sh), the zerocopy race
# (selftests/zerocopy_race.sh) and io_uring's zerocopy sends
# (selftests/io_uring_zc.sh), built before the VMs boot.
difftest:
	@$(MAKE) -s -C selftests/diff O=$(CURDIR)/build
	@$(MAKE) -s -C selftests/zc_race O=$(CURDIR)/build
	@$(MAKE) -s -C selftests/io_uring O=$(CURDIR)/build
	@scripts/build-mutant || \
		echo "difftest: no mutant for some kernel: diff_selftest.sh fails on it"

check-long: deps
	@$(MAKE) -s fuzz difftest
	@ALTUDP_LONG=1 scripts/check

# The sanitizer kernel (KASAN, kmemleak, lockdep) from the linux-source of
# ALTUDP_DEBUG_SERIES (6.1 by default; 7.2 is built in the sid chroot),
# cached (scripts/debug/build), and the whole suite in it.  The scripts
# read ALTUDP_DEBUG_SERIES from the environment.
debug-kernel: deps
	@scripts/debug/build

check-debug: deps
	@$(MAKE) -s fuzz difftest
	@scripts/debug/check

# The module built with gcov counters (ALTUDP_COVERAGE=1, GCOV_PROFILE in
# src/Kbuild: only here and in check-debug), run in the debug kernel.
coverage: deps
	@$(MAKE) -s fuzz difftest
	@ALTUDP_COVERAGE_STRICT=1 ALTUDP_FUZZ_COUNT=$${ALTUDP_FUZZ_COUNT:-10000} \
		scripts/debug/check

demo: deps
	@scripts/demo-vm

bench: deps
	@bench/run

bench-profile: deps
	@bench/run --profile

.PHONY: all kdir module clean tools install modprobe-conf dkms-install dkms-check deb kos \
	sparse style deps drift check check-long check-debug coverage debug-kernel demo bench bench-profile fuzz difftest
