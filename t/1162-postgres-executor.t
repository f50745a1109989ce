#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# PostgreSQL's standard_ExecutorStart(QueryDesc *queryDesc, int eflags),
# with no debug info: struct QueryDesc and enum CmdType are declared in
# the program (PostgreSQL 15's execdesc.h and nodes.h: CmdType operation
# is QueryDesc's first member, then PlannedStmt *plannedstmt and const
# char *sourceText), and queryDesc->operation is counted by statement
# kind, only in the backends of the test's own cluster (whose parent,
# curtask->real_parent->tgid, is its postmaster). The ground truth is
# what psql printed for the statements the test runs: one command tag
# (SELECT n, INSERT 0 1, UPDATE n, DELETE n) a statement.
. "$(dirname "$0")/lib.sh"

need_kernel
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1)
[ -x "$PGBIN/postgres" ] && [ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/psql" ] ||
	skip_all "no PostgreSQL server (package postgresql)"
id postgres >/dev/null 2>&1 || skip_all "no postgres user to run the server as"
command -v runuser >/dev/null 2>&1 || skip_all "needs runuser"

# The cluster: the server refuses to run as root.
PGT=$(mktemp -d /tmp/plumb-pg.XXXXXX)
chown postgres: "$PGT"
PORT=$((20000 + $$ % 20000))
postmaster=
# (lib.sh's trap, and the cluster stopped first)
cleanup_pg() {
	[ -n "$postmaster" ] && kill -INT "$postmaster" 2>/dev/null
	for _ in $(seq 100); do
		[ -n "$postmaster" ] && kill -0 "$postmaster" 2>/dev/null || break
		sleep 0.1
	done
	rm -rf "$PGT"
	stop_pids
	rm -rf "$TMP"
}
trap cleanup_pg EXIT

runuser -u postgres -- "$PGBIN/initdb" -D "$PGT/data" -A trust -U postgres >"$PGT/initdb.log" 2>&1 ||
	{ diag "$(tail -5 "$PGT/initdb.log")"; skip_all "initdb failed"; }
runuser -u postgres -- "$PGBIN/postgres" -D "$PGT/data" -k "$PGT" -p "$PORT" \
	-c listen_addresses= -c autovacuum=off >"$PGT/server.log" 2>&1 &
# The socket exists before the server takes connections ("the database
# system is starting up"): wait until pg_isready says it accepts them.
ready=
for _ in $(seq 300); do
	"$PGBIN/pg_isready" -q -h "$PGT" -p "$PORT" && { ready=1; break; }
	sleep 0.1
done
postmaster=$(head -1 "$PGT/data/postmaster.pid" 2>/dev/null)
[ -n "$postmaster" ] && [ -n "$ready" ] ||
	{ diag "$(tail -5 "$PGT/server.log")"; skip_all "the server did not start"; }
sql() { "$PGBIN/psql" -X -h "$PGT" -p "$PORT" -U postgres -d postgres "$@"; }
sql -q -c "create table snap (id int primary key, db text, pages int)"

PROG='
enum CmdType { CMD_UNKNOWN, CMD_SELECT, CMD_UPDATE, CMD_INSERT, CMD_DELETE, CMD_MERGE,
	CMD_UTILITY, CMD_NOTHING };
struct QueryDesc { enum CmdType operation; void *plannedstmt; const char *sourceText; };
p:'"$PGBIN"'/postgres:standard_ExecutorStart(struct QueryDesc *queryDesc, int eflags)
/curtask->real_parent->tgid == '"$postmaster"'/
{
	@op[(int64)queryDesc->operation] = count();
	if (queryDesc->operation == CMD_SELECT) { @select = count(); }
	@text[str(queryDesc->sourceText)] = count();
}'
bg_plumb "$TMP/out" "$TMP/err" -e "$PROG"
pp=$P
PIDS="$PIDS $pp"
wait_banner "$TMP/err" || diag "plumb did not attach: $(cat "$TMP/err")"

# 7 SELECTs, 5 INSERTs, 3 UPDATEs, 2 DELETEs, one statement a line.
{
	for i in 1 2 3 4 5; do echo "insert into snap values ($i, 'db$i', $((i * 10)));"; done
	for i in 1 2 3 4 5 6 7; do echo "select count(*) from snap where pages > $i;"; done
	for i in 1 2 3; do echo "update snap set pages = pages + 1 where id = $i;"; done
	for i in 4 5; do echo "delete from snap where id = $i;"; done
} >"$TMP/stmts.sql"
sql -f "$TMP/stmts.sql" >"$TMP/psql.out" 2>&1
sleep 0.3
kill -INT $pp
wait $pp
is "$?" 0 "plumb ends with status 0"
diag "$(grep -v "^Attached" "$TMP/err")"

tags() { grep -cE "^$1( |$)" "$TMP/psql.out"; }
# psql prints a SELECT's result, not its tag: count the row counts
nsel=$(grep -cE '^\([0-9]+ rows?\)$' "$TMP/psql.out")
nins=$(tags INSERT) nupd=$(tags UPDATE) ndel=$(tags DELETE)
is "$nsel $nins $nupd $ndel" "7 5 3 2" "psql ran 7 SELECTs, 5 INSERTs, 3 UPDATEs and 2 DELETEs"
want=$(printf '@op[%s]: %s\n' 1 "$nsel" 2 "$nupd" 3 "$nins" 4 "$ndel" | sort)
is "$(grep '^@op\[' "$TMP/out" | sort)" "$want" "queryDesc->operation by kind: what psql ran"
is "$(sed -n 's/^@select: //p' "$TMP/out")" "$nsel" "operation == CMD_SELECT: the SELECTs"
is "$(grep -c '^@text\[' "$TMP/out")" "$(grep -c . "$TMP/stmts.sql")" \
	"queryDesc->sourceText: one key a statement"
is "$(sed -n 's/^@text\[\(.*\)\]: 1$/\1/p' "$TMP/out" | sort)" "$(sort "$TMP/stmts.sql")" \
	"queryDesc->sourceText: each statement's text, once"
done_testing
