# Install newsd as a systemd service:   sudo make install
# Remove it (the inbox and index stay): sudo make uninstall
#
# CONFIGURATION=debug installs the debug build. `make binaries` builds without installing the
# Debian packages first (the system test builds the release binaries so).
# DESTDIR stages the files without touching the running system (no sysusers, tmpfiles, reload).

PREFIX        ?= /usr/local
BINDIR        ?= $(PREFIX)/bin
UNITDIR       ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR   ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR   ?= $(PREFIX)/lib/tmpfiles.d
DOCDIR        ?= $(PREFIX)/share/doc/newsd
CONFDIR       ?= /etc/newsd
CONFIGURATION ?= release
DESTDIR       ?=

# A release build carries the Swift runtime and Foundation inside the binary (the installed newsd
# needs no Swift toolchain beside it, and maps only the parts of those libraries it uses), with
# every module optimized across modules: scripts/build-release says why.
SWIFT_BUILD = $(if $(filter release,$(CONFIGURATION)),scripts/build-release,swift build -c $(CONFIGURATION))

BUILD_DIR = $(shell swift build -c $(CONFIGURATION) --show-bin-path 2>/dev/null || echo .build/$(CONFIGURATION))

.PHONY: all build binaries install install-files uninstall

all: build

build:
	scripts/install-deps
	$(MAKE) binaries

binaries:
	$(SWIFT_BUILD) --product newsd
	$(SWIFT_BUILD) --product newsctl

install: build install-files

# Copies the built binaries, units, sysusers/tmpfiles entries and the default config, then
# creates the user and the inbox and reloads systemd. A config file you changed is kept;
# the shipped one is put beside it as newsd.conf.new.
install-files:
	install -D -m 0755 $(BUILD_DIR)/newsd $(DESTDIR)$(BINDIR)/newsd
	install -D -m 0755 $(BUILD_DIR)/newsctl $(DESTDIR)$(BINDIR)/newsctl
	install -D -m 0644 systemd/newsd.service $(DESTDIR)$(UNITDIR)/newsd.service
	install -D -m 0644 systemd/newsd.socket $(DESTDIR)$(UNITDIR)/newsd.socket
	install -D -m 0644 systemd/newsd.sysusers $(DESTDIR)$(SYSUSERSDIR)/newsd.conf
	install -D -m 0644 systemd/newsd.tmpfiles $(DESTDIR)$(TMPFILESDIR)/newsd.conf
	install -D -m 0644 systemd/postgresql/newsd-postgresql.conf $(DESTDIR)$(PREFIX)/share/newsd/newsd-postgresql.conf
	install -D -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	install -d -m 0755 $(DESTDIR)$(CONFDIR)
	@if [ ! -e $(DESTDIR)$(CONFDIR)/newsd.conf ]; then \
		install -m 0644 etc/newsd.conf $(DESTDIR)$(CONFDIR)/newsd.conf; \
	elif ! cmp -s etc/newsd.conf $(DESTDIR)$(CONFDIR)/newsd.conf; then \
		install -m 0644 etc/newsd.conf $(DESTDIR)$(CONFDIR)/newsd.conf.new; \
		echo "kept your $(CONFDIR)/newsd.conf; the shipped one is $(CONFDIR)/newsd.conf.new"; \
	fi
	@if [ -z "$(DESTDIR)" ]; then \
		systemd-sysusers $(SYSUSERSDIR)/newsd.conf && \
		systemd-tmpfiles --create $(TMPFILESDIR)/newsd.conf && \
		if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi; \
		echo "installed; now: systemctl enable --now newsd.socket newsd.service"; \
	fi

# Leaves /var/lib/newsd (inbox and index), /etc/newsd and the newsd user in place.
uninstall:
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then \
		systemctl disable --now newsd.service newsd.socket 2>/dev/null || true; \
	fi
	rm -f $(DESTDIR)$(BINDIR)/newsd $(DESTDIR)$(BINDIR)/newsctl
	rm -f $(DESTDIR)$(UNITDIR)/newsd.service $(DESTDIR)$(UNITDIR)/newsd.socket
	rm -f $(DESTDIR)$(SYSUSERSDIR)/newsd.conf $(DESTDIR)$(TMPFILESDIR)/newsd.conf
	rm -rf $(DESTDIR)$(DOCDIR) $(DESTDIR)$(PREFIX)/share/newsd
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
	@echo "removed newsd; /var/lib/newsd (inbox and index) and $(CONFDIR) are left in place"
