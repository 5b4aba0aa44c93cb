# authctl: build, test, install and uninstall.
#   make                      release build (static Swift runtime: needs only libsqlite3, libssl3
#                             and libcrypt1 at run time)
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

RELEASE_FLAGS = -c release --static-swift-stdlib $(TRAITS) $(SWIFTPM_FLAGS)

.PHONY: all build test install uninstall

all: build

build:
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
