# authctl: build, test, install and uninstall.
#   make                      release build (static Swift runtime and, without PostgreSQL, static
#                             SQLite, OpenSSL and libxcrypt: needs only glibc at run time)
#   make test                 the test suite (exactly the README's `swift test --traits PostgreSQL`)
#   make install              PREFIX=/usr/local by default; DESTDIR for staged installs
#
# The PostgreSQL store (libpq) is built in when `pg_config` is on PATH (libpq-dev installs it)
# or with WITH_POSTGRESQL=1; WITH_POSTGRESQL=0 leaves it out. Without it the binary needs only
# SQLite, OpenSSL and libxcrypt, and refuses a postgres:// database with exit 78.
#   make uninstall            removes exactly what install put

PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
# Extra flags for `swift build`, e.g. SWIFTPM_FLAGS=--scratch-path=.build-release
SWIFTPM_FLAGS ?=
INSTALL ?= install

BINDIR = $(DESTDIR)$(PREFIX)/bin
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR = $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d

WITH_POSTGRESQL ?= $(if $(shell command -v pg_config 2>/dev/null),1,0)
TRAITS = $(if $(filter 1,$(WITH_POSTGRESQL)),--traits PostgreSQL,)

# Without PostgreSQL, SQLite, OpenSSL, libxcrypt and libstdc++ are linked in statically (their
# .a files come with the -dev packages the build needs anyway): loading and relocating those
# five shared libraries was half of the start of every process, and `authctl check` starts one
# per request (issue 14, BENCHMARKS.md). The price: a security update of one of them reaches
# authctl only when it is built again (`make install`). STATIC_C_LIBS=0 links them as shared
# libraries. With PostgreSQL they stay shared (libpq loads OpenSSL itself).
STATIC_C_LIBS ?= $(if $(filter 1,$(WITH_POSTGRESQL)),0,1)
STATIC_DIR = $(CURDIR)/.build/static-c-libs
STATIC_FLAGS = $(if $(filter 1,$(STATIC_C_LIBS)),--pkg-config-path $(STATIC_DIR),)

RELEASE_FLAGS = -c release --static-swift-stdlib $(TRAITS) $(STATIC_FLAGS) $(SWIFTPM_FLAGS)

.PHONY: all build test install uninstall

all: build

build:
	$(if $(filter 1,$(STATIC_C_LIBS)),sh scripts/static-c-libs.sh $(STATIC_DIR))
	$(SWIFT) build $(RELEASE_FLAGS)

test:
	swift test --traits PostgreSQL

install: build
	$(INSTALL) -d -m 755 $(BINDIR) $(MANDIR) $(BASHDIR) $(ZSHDIR) $(FISHDIR)
	$(INSTALL) -m 755 "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/authctl" $(BINDIR)/authctl
	$(INSTALL) -m 644 man/authctl.1 $(MANDIR)/authctl.1
	$(INSTALL) -m 644 completions/authctl.bash $(BASHDIR)/authctl
	$(INSTALL) -m 644 completions/_authctl $(ZSHDIR)/_authctl
	$(INSTALL) -m 644 completions/authctl.fish $(FISHDIR)/authctl.fish

uninstall:
	rm -f $(BINDIR)/authctl $(MANDIR)/authctl.1 $(BASHDIR)/authctl $(ZSHDIR)/_authctl \
		$(FISHDIR)/authctl.fish
