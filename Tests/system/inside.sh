#!/bin/bash
# Runs inside the booted container (see run-system-test): install newsd as a user would,
# then check socket activation, ingest, the journal, restart after SIGKILL, the watchdog,
# and a clean stop. Writes /systest/log and /systest/status, then powers the container off.
set -u
exec > /systest/log 2>&1
failures=0
trap 'echo "$failures" > /systest/status; systemctl poweroff --no-block' EXIT
ok() { echo "ok: $1"; }
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
# Waits (polling, with a deadline) until the command succeeds.
eventually() { local limit=$1; shift; local end=$(( $(date +%s) + limit )); until "$@"; do [ "$(date +%s)" -lt "$end" ] || return 1; sleep 0.2; done; }
main_pid() { systemctl show -p MainPID --value newsd.service; }
# From the text output: the JSON also has per-outlet "articles" counts, in no fixed order.
articles() { newsctl status 2>/dev/null | awk '$1 == "articles:" { print $2 }'; }
# A function, so that `eventually` asks again each time (a "$(articles)" argument is expanded once).
has_articles() { [ "$(articles)" = "$1" ]; }

# Not `is-system-running --wait`: this unit is part of the boot, which would wait for it in turn.
export PATH=/usr/local/bin:$PATH

echo "== install"
check "make install-files" make -C /src install-files
check "user newsd exists" id newsd
check "inbox is group newsd, mode 2775" test "$(stat -c '%a %G' /var/lib/newsd/inbox)" = "2775 newsd"
verify=$(systemd-analyze verify newsd.service newsd.socket 2>&1)
check "systemd-analyze verify is silent" test -z "$verify"
[ -z "$verify" ] || echo "$verify"

echo "== socket activation"
systemctl enable --now newsd.socket
check "only the socket runs at first" test "$(systemctl is-active newsd.service)" != active
check "newsctl status answers" eventually 30 newsctl status
check "the first query started the service" test "$(systemctl is-active newsd.service)" = active
# Group newsd may connect; RuntimeDirectory= hands /run/newsd (and so the socket) to the newsd user.
socket_mode=$(stat -c '%a %G' /run/newsd/newsd.sock)
check "socket is mode 0660, group newsd (is: $socket_mode)" test "$socket_mode" = "660 newsd"

echo "== ingest"
count=$(ls /systest/seeds/*.txt 2>/dev/null | wc -l)
if [ "$count" -eq 0 ]; then
  for n in 1 2 3; do printf 'Harbour report %s\n\nShips return with a bounty of fish.\n' "$n" > "/systest/seeds/$n.txt"; done
  count=3
fi
cp /systest/seeds/*.txt /var/lib/newsd/inbox/
check "all $count articles indexed" eventually 60 has_articles "$count"
check "newsctl find bounty finds hits" newsctl find bounty
check "journal has NEWSD_EVENT=indexed with ARTICLE_PATH" \
  eventually 10 bash -c 'journalctl -u newsd NEWSD_EVENT=indexed -o json | grep -q "\"ARTICLE_PATH\""'
check "STATUS= line is shown by systemctl" bash -c 'systemctl show -p StatusText --value newsd.service | grep -q "articles"'
# The nice values of newsd's threads named $1 (field 19 of each task's stat).
thread_nice() { local t; for t in /proc/"$(main_pid)"/task/*; do [ "$(cat "$t/comm")" = "$1" ] && awk '{ print $19 }' "$t/stat"; done | sort -u; }
writer_nice=$(thread_nice newsd-writer); main_nice=$(awk '{ print $19 }' /proc/"$(main_pid)"/stat)
check "the index writer runs 10 nice steps below newsd under the unit's filter (writer $writer_nice, newsd $main_nice)" \
  test "$writer_nice" = "$(( main_nice + 10 ))"

echo "== restart after SIGKILL"
old=$(main_pid)
kill -KILL "$old"
check "systemd restarted newsd" eventually 30 bash -c "p=\$(systemctl show -p MainPID --value newsd.service); [ \"\$p\" != 0 ] && [ \"\$p\" != $old ] && systemctl is-active --quiet newsd.service"
check "the index is intact after the restart" eventually 60 has_articles "$count"

echo "== watchdog"
mkdir -p /run/systemd/system/newsd.service.d
printf '[Service]\nWatchdogSec=4s\nTimeoutAbortSec=5s\n' > /run/systemd/system/newsd.service.d/watchdog-test.conf
systemctl daemon-reload
systemctl restart newsd.service
eventually 30 newsctl status >/dev/null
old=$(main_pid)
# A newsd that stops answering for good (frozen here with SIGSTOP, as a process stuck in the
# kernel would be) sends no more pings: systemd's watchdog must end it and start a new one.
check "newsd is frozen" kill -STOP "$old"
check "the watchdog killed the frozen newsd and systemd restarted it" eventually 40 bash -c \
  "p=\$(systemctl show -p MainPID --value newsd.service); [ \"\$p\" != 0 ] && [ \"\$p\" != $old ] && systemctl is-active --quiet newsd.service"
check "the journal records the watchdog timeout" bash -c 'journalctl -u newsd.service | grep -qi "watchdog timeout"'
rm -rf /run/systemd/system/newsd.service.d
systemctl daemon-reload

echo "== reload"
systemctl restart newsd.service
eventually 30 newsctl status >/dev/null
check "systemctl reload works" systemctl reload newsd.service
check "the reload is logged" eventually 10 bash -c 'journalctl -u newsd NEWSD_EVENT=reloaded -o cat | grep -q reloaded'

echo "== stop"
check "newsd stops cleanly" systemctl stop newsd.service
check "the stop was clean (Result=success)" test "$(systemctl show -p Result --value newsd.service)" = success
systemctl stop newsd.socket
check "make uninstall leaves the index" bash -c 'make -C /src uninstall >/dev/null && test -e /var/lib/newsd/index.sqlite'
echo "== $failures failure(s)"
