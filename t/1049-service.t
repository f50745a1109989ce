#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The systemd unit template that make install puts in place: plumb@NAME
# runs /etc/plumb/NAME.bt as an exporter, quietly, with this build's
# plumb; and what it runs works (a program file, -q, --listen).
. "$(dirname "$0")/lib.sh"

UNIT="$(dirname "$PLUMB")/plumb@.service"
[ -f "$UNIT" ] || skip_all "no $UNIT (make builds it)"
exec_line=$(sed -n 's/^ExecStart=//p' "$UNIT")
like "$exec_line" '/plumb -q --listen \$\{PLUMB_LISTEN\} -f /etc/plumb/%i\.bt$' 'ExecStart runs the instance program as an exporter'
like "$exec_line" '^/[^ ]*/plumb ' '... with the installed plumb, by its absolute path'
like "$(cat "$UNIT")" '^EnvironmentFile=-/etc/plumb/%i\.env$' 'an instance may set its own address'
like "$(cat "$UNIT")" '^WantedBy=multi-user\.target$' 'enabled at boot'
if command -v systemd-analyze >/dev/null 2>&1; then
	sed "s|^ExecStart=[^ ]*/plumb |ExecStart=$PLUMB |" "$UNIT" >"$TMP/plumb@.service"
	systemd-analyze verify "$TMP/plumb@.service" >"$TMP/v" 2>&1
	is "$(grep -v 'No such file\|Failed to load\|Unit .* not found\|Command .man ' "$TMP/v")" "" 'systemd-analyze verify finds nothing wrong (but the uninstalled man page)'
else
	skip 'no systemd-analyze'
fi
done_testing
