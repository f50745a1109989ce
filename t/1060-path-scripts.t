#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A name on $PATH that is a script (a pyenv shim, a wrapper) is passed
# over for the next match that is an ELF binary; when only scripts match,
# the error names the first script and its interpreter.
. "$(dirname "$0")/lib.sh"

need_kernel
use_targets

# A pyenv-style shim, first on PATH, in front of the real target.
mkdir -p "$TMP/shims"
shim() {
	printf '#!/usr/bin/env bash\nset -e\nexec "%s" "$@"\n' "$2" >"$TMP/shims/$1"
	chmod +x "$TMP/shims/$1"
}
shim calls "$TARGETS/calls"
shim onlyshim /bin/true
printf 'not ELF, no #! either\n' >"$TMP/shims/plaintext"
chmod +x "$TMP/shims/plaintext"
PATH="$TMP/shims:$PATH"
export PATH

run_plumb -v -c 'calls -t 2 -n 50 -q' 'p:calls:work { @ = count(); }'
is "$rc" 0 "a shim first on PATH: the ELF binary behind it is traced"
is "$(cat "$TMP/out")" "@: 100" "... and every call is counted"
like "$(cat "$TMP/err")" "at 1 site of $TARGETS/calls\$" "... in the binary, not the shim"

run_plumb -n 'p:onlyshim:main { }'
is "$rc" 2 "only a script on PATH: a program error"
is "$(head -1 "$TMP/err")" "<cmdline>:1:3: error: onlyshim on PATH is a script ($TMP/shims/onlyshim, run by /usr/bin/env bash), not a binary; give the binary's path" \
	"... naming the script and its interpreter"

run_plumb -n 'p:plaintext:main { }'
is "$(head -1 "$TMP/err")" "<cmdline>:1:3: error: plaintext on PATH is not an ELF binary ($TMP/shims/plaintext); give the binary's path" \
	"a non-ELF file without #!: named as such"

run_plumb -l 'p:calls:wor*'
is "$(cat "$TMP/out")" "uprobe:$TARGETS/calls:work" "-l passes over the shim too"

# The case of the report: python3.11 behind a pyenv shim.
if [ -x /usr/bin/python3.11 ]; then
	shim python3.11 /usr/bin/python3.11
	run_plumb -n 'u:python3.11:function__entry { @ = count(); }'
	is "$rc" 0 "u:python3.11 with a pyenv shim first on PATH"
else
	skip "no /usr/bin/python3.11"
fi

done_testing
