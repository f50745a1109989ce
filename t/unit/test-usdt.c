// SPDX-License-Identifier: GPL-2.0-only
/* TAP unit test for src/usdt/argspec.c and the address arithmetic of
 * src/binary: argument-spec parsing (valid and malformed), vaddr <-> file
 * offset on the installed python3.11 and postgres (skipped when absent),
 * the loader-cache parser on synthetic images, bin_resolve and the
 * runtime-address symboliser on this very process. Needs no kernel
 * features beyond /proc. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libelf.h>

#include "binary/binary.h"
#include "usdt/usdt.h"

static int ntest, nfail;

static bool ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", cond ? "ok" : "not ok", ++ntest);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		nfail++;
	return cond;
}

static void skip(const char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	printf("ok %d - ", ++ntest);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # skip %s\n", why);
}

static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* ---- argument specs ---------------------------------------------------- */

enum { C = USDT_ARG_CONST, R = USDT_ARG_REG, M = USDT_ARG_MEM };
#define NONE USDT_REG_NONE
/* pt_regs offsets */
enum {
	r15 = 0, r14 = 8, r13 = 16, r12 = 24, rbp = 32, rbx = 40, r11 = 48, r10 = 56,
	r9 = 64, r8 = 72, rax = 80, rcx = 88, rdx = 96, rsi = 104, rdi = 112, rip = 128,
	rsp = 152,
};

static const struct good {
	const char *text;
	int kind, size;
	bool sign;
	int reg, shift, index, scale;
	int64_t imm;
	const char *sym;
} good[] = {
	/* registers, every width */
	{"-4@%edi", R, 4, 1, rdi, 0, NONE, 1, 0, NULL},
	{"8@%rax", R, 8, 0, rax, 0, NONE, 1, 0, NULL},
	{"-8@%rax", R, 8, 1, rax, 0, NONE, 1, 0, NULL},
	{"4@%eax", R, 4, 0, rax, 0, NONE, 1, 0, NULL},
	{"2@%ax", R, 2, 0, rax, 0, NONE, 1, 0, NULL},
	{"1@%al", R, 1, 0, rax, 0, NONE, 1, 0, NULL},
	{"1@%ah", R, 1, 0, rax, 8, NONE, 1, 0, NULL},
	{"1@%bh", R, 1, 0, rbx, 8, NONE, 1, 0, NULL},
	{"-1@%ch", R, 1, 1, rcx, 8, NONE, 1, 0, NULL},
	{"1@%dh", R, 1, 0, rdx, 8, NONE, 1, 0, NULL},
	{"1@%bl", R, 1, 0, rbx, 0, NONE, 1, 0, NULL},
	{"-2@%cx", R, 2, 1, rcx, 0, NONE, 1, 0, NULL},
	{"1@%dl", R, 1, 0, rdx, 0, NONE, 1, 0, NULL},
	{"1@%sil", R, 1, 0, rsi, 0, NONE, 1, 0, NULL},
	{"-1@%dil", R, 1, 1, rdi, 0, NONE, 1, 0, NULL},
	{"1@%bpl", R, 1, 0, rbp, 0, NONE, 1, 0, NULL},
	{"1@%spl", R, 1, 0, rsp, 0, NONE, 1, 0, NULL},
	{"8@%rsp", R, 8, 0, rsp, 0, NONE, 1, 0, NULL},
	{"-4@%ebp", R, 4, 1, rbp, 0, NONE, 1, 0, NULL},
	{"4@%esi", R, 4, 0, rsi, 0, NONE, 1, 0, NULL},
	{"8@%rbx", R, 8, 0, rbx, 0, NONE, 1, 0, NULL},
	{"4@%r8d", R, 4, 0, r8, 0, NONE, 1, 0, NULL},
	{"-4@%r9d", R, 4, 1, r9, 0, NONE, 1, 0, NULL},
	{"8@%r10", R, 8, 0, r10, 0, NONE, 1, 0, NULL},
	{"2@%r11w", R, 2, 0, r11, 0, NONE, 1, 0, NULL},
	{"-4@%r12d", R, 4, 1, r12, 0, NONE, 1, 0, NULL},
	{"8@%r13", R, 8, 0, r13, 0, NONE, 1, 0, NULL},
	{"-4@%r14d", R, 4, 1, r14, 0, NONE, 1, 0, NULL},
	{"-1@%r15b", R, 1, 1, r15, 0, NONE, 1, 0, NULL},
	/* constants */
	{"-4@$1", C, 4, 1, NONE, 0, NONE, 1, 1, NULL},
	{"-4@$0", C, 4, 1, NONE, 0, NONE, 1, 0, NULL},
	{"-2@$-7", C, 2, 1, NONE, 0, NONE, 1, -7, NULL},
	{"-1@$-3", C, 1, 1, NONE, 0, NONE, 1, -3, NULL},
	{"4@$0x10", C, 4, 0, NONE, 0, NONE, 1, 16, NULL},
	{"4@$8192", C, 4, 0, NONE, 0, NONE, 1, 8192, NULL},
	{"-8@$123456789012", C, 8, 1, NONE, 0, NONE, 1, 123456789012LL, NULL},
	{"-8@$-9223372036854775808", C, 8, 1, NONE, 0, NONE, 1, INT64_MIN, NULL},
	{"8@$18446744073709551615", C, 8, 0, NONE, 0, NONE, 1, -1, NULL},
	{"8@$-0x10", C, 8, 0, NONE, 0, NONE, 1, -16, NULL},
	/* GAS prints every immediate signed: the value is the low SIZE bytes,
	 * zero-extended for a positive size, sign-extended for a negative one */
	{"1@$-16", C, 1, 0, NONE, 0, NONE, 1, 240, NULL},
	{"1@$255", C, 1, 0, NONE, 0, NONE, 1, 255, NULL},
	{"1@$-1", C, 1, 0, NONE, 0, NONE, 1, 255, NULL},
	{"-1@$-7", C, 1, 1, NONE, 0, NONE, 1, -7, NULL},
	{"-1@$-128", C, 1, 1, NONE, 0, NONE, 1, -128, NULL},
	{"-1@$127", C, 1, 1, NONE, 0, NONE, 1, 127, NULL},
	{"2@$-3600", C, 2, 0, NONE, 0, NONE, 1, 61936, NULL},
	{"2@$-1", C, 2, 0, NONE, 0, NONE, 1, 65535, NULL},
	{"-2@$-3600", C, 2, 1, NONE, 0, NONE, 1, -3600, NULL},
	{"-2@$-32768", C, 2, 1, NONE, 0, NONE, 1, -32768, NULL},
	{"4@$-1", C, 4, 0, NONE, 0, NONE, 1, 4294967295LL, NULL},
	{"4@$-100000", C, 4, 0, NONE, 0, NONE, 1, 4294867296LL, NULL},
	{"-4@$-100000", C, 4, 1, NONE, 0, NONE, 1, -100000, NULL},
	{"-4@$-2147483648", C, 4, 1, NONE, 0, NONE, 1, INT32_MIN, NULL},
	{"-8@$-1", C, 8, 1, NONE, 0, NONE, 1, -1, NULL},
	{"-8@$-7", C, 8, 1, NONE, 0, NONE, 1, -7, NULL},
	{"8@$-5", C, 8, 0, NONE, 0, NONE, 1, -5, NULL},
	/* register-relative memory */
	{"4@60(%rax)", M, 4, 0, rax, 0, NONE, 1, 60, NULL},
	{"-4@-136(%rbp)", M, 4, 1, rbp, 0, NONE, 1, -136, NULL},
	{"8@(%r12)", M, 8, 0, r12, 0, NONE, 1, 0, NULL},
	{"4@0(%r13)", M, 4, 0, r13, 0, NONE, 1, 0, NULL},
	{"-4@112(%rsp)", M, 4, 1, rsp, 0, NONE, 1, 112, NULL},
	{"8@0x10(%rdi)", M, 8, 0, rdi, 0, NONE, 1, 16, NULL},
	{"1@-57(%rbp)", M, 1, 0, rbp, 0, NONE, 1, -57, NULL},
	{"-8@(%rax)", M, 8, 1, rax, 0, NONE, 1, 0, NULL},
	/* SIB */
	{"-4@(%rdx,%rcx,4)", M, 4, 1, rdx, 0, rcx, 4, 0, NULL},
	{"-4@(%rax,%r8,4)", M, 4, 1, rax, 0, r8, 4, 0, NULL},
	{"-1@(%rcx,%rsi)", M, 1, 1, rcx, 0, rsi, 1, 0, NULL},
	{"-4@8(%rdi,%rsi,4)", M, 4, 1, rdi, 0, rsi, 4, 8, NULL},
	{"8@-8(%rbp,%r15,8)", M, 8, 0, rbp, 0, r15, 8, -8, NULL},
	{"2@(%r9,%rbx,2)", M, 2, 0, r9, 0, rbx, 2, 0, NULL},
	{"4@(,%rdx,4)", M, 4, 0, NONE, 0, rdx, 4, 0, NULL},
	{"2@16(,%r9,2)", M, 2, 0, NONE, 0, r9, 2, 16, NULL},
	/* symbols */
	{"-4@NBuffers(%rip)", M, 4, 1, rip, 0, NONE, 1, 0, "NBuffers"},
	{"-4@40+CheckpointStats(%rip)", M, 4, 1, rip, 0, NONE, 1, 40, "CheckpointStats"},
	{"-4@gst+8(%rip)", M, 4, 1, rip, 0, NONE, 1, 8, "gst"},
	{"-8@gvar(%rip)", M, 8, 1, rip, 0, NONE, 1, 0, "gvar"},
	{"8@sym-16(%rip)", M, 8, 0, rip, 0, NONE, 1, -16, "sym"},
	{"4@counter.0(%rip)", M, 4, 0, rip, 0, NONE, 1, 0, "counter.0"},
	{"-4@arr(,%rdx,4)", M, 4, 1, NONE, 0, rdx, 4, 0, "arr"},
	{"-4@arr+12(,%rax,4)", M, 4, 1, NONE, 0, rax, 4, 12, "arr"},
	{"-1@cbuf(%rsi)", M, 1, 1, rsi, 0, NONE, 1, 0, "cbuf"},
	/* absolute addresses (non-PIE code, AT&T without parentheses) */
	{"8@gvar", M, 8, 0, NONE, 0, NONE, 1, 0, "gvar"},
	{"4@0x601040", M, 4, 0, NONE, 0, NONE, 1, 0x601040, NULL},
};

static const struct bad {
	const char *text, *why;	/* why: a substring of the reason */
} bad[] = {
	{"", "empty"},
	{"4", "missing '@'"},
	{"%eax", "missing '@'"},
	{"3@%eax", "size"},
	{"16@%rax", "size"},
	{"@%eax", "size"},
	{"-@%eax", "size"},
	{"+4@%eax", "size"},
	{"8@", "empty operand"},
	{"8@%foo", "unknown register '%foo'"},
	{"8@%RAX", "unknown register"},
	{"8@%", "register name"},
	{"8@(%rax", "missing ')'"},
	{"8@%rax)", "trailing"},
	{"8@$", "without a constant"},
	{"9@$1", "size"},
	{"8@$1x", "malformed number"},
	{"8@$0x", "hex digits"},
	{"4@$99999999999999999999", "out of range"},
	{"8@$--1", "number expected"},
	{"8@$gvar", "symbolic constant"},
	{"8@(%rax,%rbx,3)", "scale must be 1, 2, 4 or 8"},
	{"8@(%rax,%rbx,16)", "scale must be 1, 2, 4 or 8"},
	{"8@(%rax,%rbx,)", "scale expected"},
	{"8@(%rax,)", "index register expected"},
	{"8@(,)", "index register expected"},
	{"8@()", "register or ','"},
	{"8@(%eax)", "not a 64-bit register"},
	{"8@(%rax,%esi,2)", "not a 64-bit register"},
	{"8@(%rax,%rsp,2)", "cannot be an index"},
	{"8@x(%rip,%rax,1)", "cannot have an index"},
	{"8@x(,%rip,1)", "cannot be an index"},
	{"8@%rip", "only valid as a memory base"},
	{"8@0x10(%rip)", "without a symbol"},
	{"8@%fs:0x28", "segment"},
	{"4@ %eax", "whitespace"},
	{"8@(%rax)junk", "trailing"},
	{"8@-sym(%rip)", "negated symbol"},
	{"8@a+b(%rip)", "more than one symbol"},
	{"8@12x(%rax)", "malformed number"},
	{"8@%rax,%rbx", "trailing"},
};

static void test_specs(void)
{
	char err[200];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const struct good *g = &good[i];
		struct usdt_arg a;
		bool r = usdt_parse_arg(g->text, &a, err, sizeof(err));

		if (!r) {
			ok(false, "parse '%s' (%s)", g->text, err);
			continue;
		}
		bool same = (int)a.kind == g->kind && a.size == g->size && a.is_signed == g->sign &&
			    a.shift == g->shift && a.imm == g->imm && a.text &&
			    !strcmp(a.text, g->text) &&
			    ((!a.sym && !g->sym) || (a.sym && g->sym && !strcmp(a.sym, g->sym))) &&
			    !a.sym_resolved;
		if (g->kind == R)
			same = same && a.reg == g->reg;
		if (g->kind == M)
			same = same && a.reg == g->reg && a.index == g->index && a.scale == g->scale;
		if (g->kind == C)
			same = same && a.reg == NONE;
		if (!ok(same, "parse '%s'", g->text))
			diag("got kind=%d size=%d signed=%d reg=%d shift=%d index=%d scale=%d "
			     "imm=%" PRId64 " sym=%s",
			     a.kind, a.size, a.is_signed, a.reg, a.shift, a.index, a.scale, a.imm,
			     a.sym ? a.sym : "-");
		usdt_arg_free(&a);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct usdt_arg a;
		bool r;

		err[0] = '\0';
		r = usdt_parse_arg(bad[i].text, &a, err, sizeof(err));
		if (!ok(!r && strstr(err, bad[i].why), "reject '%s': %s", bad[i].text, err))
			diag("expected a failure mentioning \"%s\"", bad[i].why);
		if (r)
			usdt_arg_free(&a);
		/* a failed parse leaves nothing to free */
		ok(!r ? (a.text == NULL && a.sym == NULL) : true, "reject '%s' leaves nothing owned",
		   bad[i].text);
	}
}

/* ---- vaddr <-> offset on real binaries ----------------------------- */

struct v2o {
	uint64_t vaddr;
	bool exec, found;
	uint64_t off;
	const char *what;
};

/* The figures below were measured on one build of each binary (the
 * notes file's); a distribution update moves everything. Same build:
 * the named probe's first site is where it was. */
static bool measured_build(const struct bin *b, const char *probe, uint64_t pc)
{
	struct usdt_notes ns;
	char err[256];
	bool same = false;

	if (!usdt_read_notes(b, &ns, err, sizeof(err)))
		return false;
	for (size_t i = 0; i < ns.n && !same; i++)
		same = !strcmp(ns.v[i].name, probe) && ns.v[i].pc == pc;
	usdt_notes_free(&ns);
	return same;
}

static void check_bin(const char *path, const struct v2o *t, size_t n, const char *probe)
{
	char err[256];
	struct bin *b;

	if (access(path, R_OK) != 0) {
		for (size_t i = 0; i < n; i++)
			skip("not installed", "%s: %s", path, t[i].what);
		return;
	}
	b = bin_open(path, err, sizeof(err));
	if (!ok(b != NULL, "bin_open %s (%s)", path, b ? "ok" : err)) {
		for (size_t i = 0; i < n; i++)
			skip("cannot open", "%s: %s", path, t[i].what);
		return;
	}
	if (!measured_build(b, probe, t[0].vaddr)) {
		for (size_t i = 0; i < n; i++)
			skip("another build than the one measured (the generic checks are "
			     "t/unit/test-notes.sh's)", "%s: %s", path, t[i].what);
		bin_close(b);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t off = 0, back = 0;
		bool r = bin_vaddr_to_off(b, t[i].vaddr, t[i].exec, &off);

		if (t[i].found) {
			ok(r && off == t[i].off, "%s: %s 0x%" PRIx64 " -> 0x%" PRIx64 " (got 0x%" PRIx64 ")",
			   path, t[i].what, t[i].vaddr, t[i].off, r ? off : 0);
			ok(r && bin_off_to_vaddr(b, off, &back) && back == t[i].vaddr,
			   "%s: %s offset maps back to 0x%" PRIx64, path, t[i].what, t[i].vaddr);
		} else {
			ok(!r, "%s: %s 0x%" PRIx64 " has no file offset", path, t[i].what, t[i].vaddr);
		}
	}
	bin_close(b);
}

static void test_offsets(void)
{
	static const struct v2o py[] = {
		{0x4f20a1, true, true, 0xf20a1, "function__entry pc (text: -0x400000)"},
		{0xa84260, false, true, 0x683260, "function__entry semaphore (data: -0x401000)"},
		{0x4287f3, true, true, 0x287f3, "gc__start pc"},
		{0xa8426e, false, true, 0x68326e, "gc__start semaphore"},
		{0x8cc5a0, false, true, 0x4cc5a0, ".stapsdt.base"},
		{0xa84300, false, false, 0, "an address in .bss"},
		{0x1000, false, false, 0, "an address below every segment"},
	};
	static const struct v2o pg[] = {
		{0x1e1f28, true, true, 0x1e1f28, "transaction__start pc (PIE: identity)"},
		{0x885988, false, true, 0x885988, "transaction__start semaphore"},
		{0x885918, false, true, 0x885918, "first .probes semaphore"},
		{0x886000, false, false, 0, "CheckpointStats (in .bss)"},
		{0xffffffffffff0000ULL, false, false, 0, "a wild address"},
	};

	check_bin("/usr/bin/python3.11", py, sizeof(py) / sizeof(py[0]), "function__entry");
	check_bin("/usr/lib/postgresql/15/bin/postgres", pg, sizeof(pg) / sizeof(pg[0]),
		  "transaction__start");
}

/* The prelink rule: when a note's base differs from the .stapsdt.base
 * section address, pc and sem move by the difference. Patch the first
 * note of python3.11 in memory (base + 0x10, as if the binary had been
 * moved down by 0x10 after linking) and look again. */
static void test_prelink(void)
{
	const char *path = "/usr/bin/python3.11";
	char err[256];
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL, *hit;
	size_t len = 0, cap = 0, r;
	struct bin *b = NULL, *pb = NULL;
	struct usdt_notes ns = {0}, pns = {0};

	if (!f) {
		skip("python3.11 not installed", "prelink adjustment");
		return;
	}
	do {
		if (len == cap)
			buf = realloc(buf, cap = cap ? cap * 2 : 1 << 20);
		r = fread(buf + len, 1, cap - len, f);
		len += r;
	} while (r);
	fclose(f);
	if (!(b = bin_open_mem(buf, len, err, sizeof(err))) || !usdt_read_notes(b, &ns, err, sizeof(err)) ||
	    ns.n == 0) {
		ok(false, "prelink: reading %s from memory: %s", path, err);
		goto out;
	}
	{
		uint64_t desc[3] = {ns.v[0].pc, ns.v[0].base, ns.v[0].sem};
		hit = memmem(buf, len, desc, sizeof(desc));
		if (!ok(hit != NULL, "prelink: found the first note's descriptor"))
			goto out;
		desc[1] += 0x10;	/* the note now claims a different base */
		memcpy(hit, desc, sizeof(desc));
	}
	if (!(pb = bin_open_mem(buf, len, err, sizeof(err))) ||
	    !usdt_read_notes(pb, &pns, err, sizeof(err)) || pns.n != ns.n) {
		ok(false, "prelink: reading the patched image: %s", err);
		goto out;
	}
	ok(pns.v[0].pc == ns.v[0].pc - 0x10 && pns.v[0].sem == ns.v[0].sem - 0x10 &&
	   pns.v[0].base == ns.v[0].base,
	   "prelink: pc and sem moved by the .stapsdt.base delta (pc 0x%" PRIx64 " -> 0x%" PRIx64 ")",
	   ns.v[0].pc, pns.v[0].pc);
	ok(pns.v[0].pc_off == ns.v[0].pc_off - 0x10 && pns.v[0].sem_off == ns.v[0].sem_off - 0x10,
	   "prelink: file offsets follow");
	ok(pns.v[1].pc == ns.v[1].pc && pns.v[1].sem == ns.v[1].sem, "prelink: other notes unchanged");
out:
	usdt_notes_free(&ns);
	usdt_notes_free(&pns);
	bin_close(b);
	bin_close(pb);
	free(buf);
}

/* ---- loader cache ------------------------------------------------------- */

struct img {
	unsigned char b[4096];
	size_t n;
};

static void put(struct img *m, size_t at, const void *p, size_t n)
{
	memcpy(m->b + at, p, n);
	if (at + n > m->n)
		m->n = at + n;
}

static void put32(struct img *m, size_t at, uint32_t v)
{
	put(m, at, &v, 4);
}

static void put64(struct img *m, size_t at, uint64_t v)
{
	put(m, at, &v, 8);
}

struct lib {
	int32_t flags;
	const char *key, *val;
	uint64_t hwcap;
};

/* Builds a loader cache the way glibc's ldconfig lays it out.
 * mode 0: new format only; 1: old format only; 2: old header and entries,
 * padding to 8, the new header and entries, then one string table.
 * New-format string offsets are relative to the new header, old-format
 * ones to the end of the old entries. */
static void build_cache(struct img *m, const struct lib *l, size_t n, int mode)
{
	size_t old_end = mode ? 16 + n * 12 : 0;
	size_t newoff = mode == 2 ? (old_end + 7) & ~(size_t)7 : 0;
	size_t strs = mode == 1 ? old_end : newoff + 48 + n * 24, pos = strs;

	memset(m, 0, sizeof(*m));
	if (mode) {
		put(m, 0, "ld.so-1.7.0", 11);
		put32(m, 12, (uint32_t)n);
	}
	if (mode != 1) {
		put(m, newoff, "glibc-ld.so.cache1.1", 20);
		put32(m, newoff + 20, (uint32_t)n);
		put32(m, newoff + 28, 2);	/* little endian */
	}
	for (size_t i = 0; i < n; i++) {
		size_t k = pos, v = pos + strlen(l[i].key) + 1;

		put(m, k, l[i].key, strlen(l[i].key) + 1);
		put(m, v, l[i].val, strlen(l[i].val) + 1);
		pos = v + strlen(l[i].val) + 1;
		if (mode) {
			size_t e = 16 + i * 12;
			put32(m, e, (uint32_t)l[i].flags);
			put32(m, e + 4, (uint32_t)(k - old_end));
			put32(m, e + 8, (uint32_t)(v - old_end));
		}
		if (mode != 1) {
			size_t e = newoff + 48 + i * 24;
			put32(m, e, (uint32_t)l[i].flags);
			put32(m, e + 4, (uint32_t)(k - newoff));
			put32(m, e + 8, (uint32_t)(v - newoff));
			put64(m, e + 16, l[i].hwcap);
		}
	}
	if (mode != 1)
		put32(m, newoff + 24, (uint32_t)(pos - strs));
}

static void test_ldcache(void)
{
	static const struct lib libs[] = {
		{0x0003, "libc.so.6", "/lib32/libc.so.6", 0},
		{0x0303, "libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6", 0},
		{0x0303, "libfoo.so", "/usr/lib/libfoo.so", 0},
		{0x0303, "libfoo.so.1", "/usr/lib/libfoo.so.1", 0},
		{0x0303, "libfoo.so.2", "/usr/lib/libfoo.so.2", 0},
		{0x0003, "libfoo.so.10", "/usr/lib32/libfoo.so.10", 0},
		{0x0303, "libpython3.11.so.1.0", "/usr/lib/libpython3.11.so.1.0", 0},
		{0x0303, "libpython3.11.so", "/usr/lib/libpython3.11.so", 0},
		{0x0003, "libonly32.so.1", "/lib32/libonly32.so.1", 0},
		{0x0303, "ld-linux-x86-64.so.2", "/lib64/ld-linux-x86-64.so.2", 0},
		{0x0303, "libcrypt.so.1", "/lib/libcrypt.so.1", 0},
		{0x0803, "libx32only.so.1", "/libx32/libx32only.so.1", 0},
	};
	static const struct {
		const char *name, *want;
	} q[] = {
		{"c", "/lib/x86_64-linux-gnu/libc.so.6"},
		{"libc", "/lib/x86_64-linux-gnu/libc.so.6"},
		{"libc.so", "/lib/x86_64-linux-gnu/libc.so.6"},
		{"libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6"},
		{"foo", "/usr/lib/libfoo.so.2"},
		{"libfoo.so.1", "/usr/lib/libfoo.so.1"},
		{"libpython3.11.so", "/usr/lib/libpython3.11.so.1.0"},
		{"python3.11", "/usr/lib/libpython3.11.so.1.0"},
		{"only32", "/lib32/libonly32.so.1"},
		{"ld-linux-x86-64.so.2", "/lib64/ld-linux-x86-64.so.2"},
		{"crypt", "/lib/libcrypt.so.1"},
		{"x32only", "/libx32/libx32only.so.1"},
		{"libc.so.7", NULL},
		{"cr", NULL},
		{"nosuchlib", NULL},
		{"", NULL},
		{"/lib/libc.so.6", NULL},
	};
	static const struct lib hw[] = {
		{0x0303, "libbar.so.1", "/usr/lib/glibc-hwcaps/x86-64-v3/libbar.so.1", 1ULL << 62},
		{0x0303, "libbar.so.1", "/usr/lib/libbar.so.1", 0},
	};
	const size_t nl = sizeof(libs) / sizeof(libs[0]);
	static struct img imgs[3];
	static const char *const fmt[3] = {"new", "old", "old+new"};
	char out[PATH_MAX];

	for (int f = 0; f < 3; f++) {
		build_cache(&imgs[f], libs, nl, f);
		for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
			bool r = bin_ldcache_lookup(imgs[f].b, imgs[f].n, q[i].name, out, sizeof(out));
			if (q[i].want)
				ok(r && !strcmp(out, q[i].want), "ldcache %s: '%s' -> %s (got %s)",
				   fmt[f], q[i].name, q[i].want, r ? out : "nothing");
			else
				ok(!r, "ldcache %s: '%s' not found", fmt[f], q[i].name);
		}
	}
	{
		/* the combined file must be read through its new part: break
		 * the old entries' strings and look again */
		struct img *m = &imgs[2];
		for (size_t i = 0; i < nl; i++)
			put32(m, 16 + i * 12 + 8, 0xffffff00u);
		ok(bin_ldcache_lookup(m->b, m->n, "c", out, sizeof(out)) &&
		   !strcmp(out, "/lib/x86_64-linux-gnu/libc.so.6"),
		   "ldcache old+new: the new part is used");
	}
	{
		static struct img h;
		build_cache(&h, hw, 2, 0);
		ok(bin_ldcache_lookup(h.b, h.n, "bar", out, sizeof(out)) &&
		   !strcmp(out, "/usr/lib/libbar.so.1"),
		   "ldcache new: plain entry preferred over a glibc-hwcaps one (got %s)", out);
	}
	{
		/* under ASan in the sanitizer build: no read past n */
		size_t tries = 0, found = 0;
		for (int f = 0; f < 3; f++) {
			build_cache(&imgs[f], libs, nl, f);
			for (size_t n = 0; n < imgs[f].n; n++, tries++) {
				unsigned char *copy = malloc(n ? n : 1);
				memcpy(copy, imgs[f].b, n);
				found += bin_ldcache_lookup(copy, n, "c", out, sizeof(out));
				free(copy);
			}
		}
		ok(tries > 0, "ldcache: %zu truncated images handled (%zu still had libc)", tries,
		   found);
	}
	{
		static struct img bimg;
		build_cache(&bimg, libs, nl, 0);
		put32(&bimg, 20, 0x7fffffff);	/* absurd count */
		ok(!bin_ldcache_lookup(bimg.b, bimg.n, "c", out, sizeof(out)),
		   "ldcache: absurd entry count rejected");
		build_cache(&bimg, libs, nl, 0);
		put32(&bimg, 48 + 4, 0xfffffff0);	/* key offsets out of range */
		put32(&bimg, 48 + 24 + 4, 0xfffffff0);
		ok(!bin_ldcache_lookup(bimg.b, bimg.n, "c", out, sizeof(out)),
		   "ldcache: out-of-range string offsets ignored");
		build_cache(&bimg, &libs[1], 1, 0);
		bimg.b[bimg.n - 1] = 'x';	/* last string unterminated */
		ok(!bin_ldcache_lookup(bimg.b, bimg.n, "c", out, sizeof(out)),
		   "ldcache: unterminated string ignored");
		ok(!bin_ldcache_lookup("garbage garbage garbage garbage garbage garbage", 47, "c", out,
				       sizeof(out)),
		   "ldcache: not a cache");
		ok(!bin_ldcache_lookup(imgs[0].b, imgs[0].n, "c", out, 5),
		   "ldcache: a too small output buffer is refused");
	}
}

/* ---- bin_resolve -------------------------------------------------------- */

static bool ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf);
}

static void test_resolve(const char *argv0)
{
	char out[PATH_MAX], err[256], want[PATH_MAX + 64];
	bool r;

	r = bin_resolve("sh", 0, out, sizeof(out), err, sizeof(err));
	ok(r && out[0] == '/', "resolve 'sh' on $PATH -> %s", r ? out : err);
	r = bin_resolve("/nonexistent/plumb-binary", 0, out, sizeof(out), err, sizeof(err));
	ok(!r && strstr(err, "No such file"), "resolve a missing path fails: %s", r ? out : err);
	r = bin_resolve("plumb-no-such-binary-xyz", 0, out, sizeof(out), err, sizeof(err));
	ok(!r && strstr(err, "not found in $PATH or the loader cache"), "resolve unknown name: %s",
	   r ? out : err);
	r = bin_resolve("/proc", 0, out, sizeof(out), err, sizeof(err));
	ok(!r, "resolve a directory fails: %s", r ? out : err);
	if (access("/etc/ld.so.cache", R_OK) == 0) {
		r = bin_resolve("c", 0, out, sizeof(out), err, sizeof(err));
		ok(r && ends_with(out, "/libc.so.6") && !strstr(out, "/lib32/") &&
		   !strstr(out, "/libx32/"),
		   "resolve 'c' through /etc/ld.so.cache (native, not lib32) -> %s", r ? out : err);
		r = bin_resolve("libelf", 0, out, sizeof(out), err, sizeof(err));
		ok(r && strstr(out, "libelf"), "resolve 'libelf' -> %s", r ? out : err);
	} else {
		skip("no /etc/ld.so.cache", "resolve 'c'");
		skip("no /etc/ld.so.cache", "resolve 'libelf'");
	}
	/* through this process */
	snprintf(want, sizeof(want), "/proc/%d/root/", (int)getpid());
#ifdef __GLIBC__
	r = bin_resolve("libc.so.6", getpid(), out, sizeof(out), err, sizeof(err));
	ok(r && !strncmp(out, want, strlen(want)) && ends_with(out, "libc.so.6"),
	   "resolve 'libc.so.6' in pid %d -> %s", (int)getpid(), r ? out : err);
#else
	skip("not glibc", "resolve 'libc.so.6' in this process");
#endif
	r = bin_resolve("elf", getpid(), out, sizeof(out), err, sizeof(err));
	ok(r && !strncmp(out, want, strlen(want)) && strstr(out, "libelf"),
	   "resolve 'elf' in pid %d -> %s", (int)getpid(), r ? out : err);
	{
		const char *bn = strrchr(argv0, '/') ? strrchr(argv0, '/') + 1 : argv0;
		r = bin_resolve(bn, getpid(), out, sizeof(out), err, sizeof(err));
		ok(r && !strncmp(out, want, strlen(want)) && ends_with(out, bn),
		   "resolve own executable '%s' in pid %d -> %s", bn, (int)getpid(), r ? out : err);
	}
	r = bin_resolve("/nonexistent/plumb-binary", getpid(), out, sizeof(out), err, sizeof(err));
	ok(!r, "resolve a missing path with a pid fails: %s", r ? out : err);
	r = bin_resolve("sh", 999999999, out, sizeof(out), err, sizeof(err));
	ok(!r && strstr(err, "does not exist"), "resolve in a missing process fails: %s",
	   r ? out : err);
}

/* ---- symbolisation ---------------------------------------------------- */

__attribute__((noinline)) int plumb_test_target(int x);
__attribute__((noinline)) int plumb_test_target(int x)
{
	__asm__ volatile("" ::: "memory");
	return x * 3 + 1;
}

static void test_symcache(void)
{
	struct bin_symcache *c = bin_symcache_new();
	char buf[512], want[64];
	uint64_t fn = (uint64_t)(uintptr_t)&plumb_test_target;
	pid_t me = getpid(), child;
	void *anon;

	bin_symbolize(c, me, fn, true, false, buf, sizeof(buf));
	ok(!strcmp(buf, "plumb_test_target"), "symbolize own function: %s", buf);
	bin_symbolize(c, me, fn + 3, true, false, buf, sizeof(buf));
	ok(!strcmp(buf, "plumb_test_target+0x3"), "symbolize function+3: %s", buf);
	bin_symbolize(c, me, fn + 3, false, false, buf, sizeof(buf));
	ok(!strcmp(buf, "plumb_test_target"), "symbolize without offset: %s", buf);
	bin_symbolize(c, me, fn, false, true, buf, sizeof(buf));
	ok(!strncmp(buf, "plumb_test_target (/", 20), "symbolize with module: %s", buf);
	bin_symbolize(c, me, (uint64_t)(uintptr_t)&elf_version + 1, true, true, buf, sizeof(buf));
	ok(!strncmp(buf, "elf_version+0x1 (", 17) && strstr(buf, "libelf"),
	   "symbolize a libelf function: %s", buf);
	bin_symbolize(c, me, (uint64_t)(uintptr_t)&fopen + 2, true, false, buf, sizeof(buf));
	ok(!strcmp(buf, "fopen+0x2"), "symbolize a libc function: %s", buf);

	anon = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (anon != MAP_FAILED) {
		/* mapped after the maps were cached: refresh on miss, rate-limited */
		usleep(120000);
		snprintf(want, sizeof(want), "0x%" PRIx64, (uint64_t)(uintptr_t)anon + 8);
		bin_symbolize(c, me, (uint64_t)(uintptr_t)anon + 8, true, true, buf, sizeof(buf));
		ok(!strcmp(buf, want), "anonymous memory gives hex: %s", buf);
		munmap(anon, 4096);
	} else {
		skip("mmap failed", "anonymous memory gives hex");
	}
	{
		uint64_t vdso = getauxval(AT_SYSINFO_EHDR);
		if (vdso) {
			bin_symbolize(c, me, vdso + 0x10, true, false, buf, sizeof(buf));
			ok(!strcmp(buf, "[vdso]+0x10"), "vdso address: %s", buf);
		} else {
			skip("no vdso", "vdso address");
		}
	}
	bin_symbolize(c, me, 0x10, true, true, buf, sizeof(buf));
	ok(!strcmp(buf, "0x10"), "unmapped address gives hex: %s", buf);

	child = fork();
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	bin_symbolize(c, child, fn, true, true, buf, sizeof(buf));
	snprintf(want, sizeof(want), "0x%" PRIx64, fn);
	ok(!strcmp(buf, want), "exited process gives hex: %s", buf);
	bin_symbolize(c, -1, fn, true, true, buf, sizeof(buf));
	ok(!strcmp(buf, want), "invalid pid gives hex: %s", buf);
	bin_symbolize(c, me, fn, true, false, buf, 8);
	ok(strlen(buf) == 7, "a short buffer is truncated, not overrun: %s", buf);

	bin_symcache_forget(c, me);
	bin_symbolize(c, me, fn + 1, true, false, buf, sizeof(buf));
	ok(!strcmp(buf, "plumb_test_target+0x1"), "symbolize again after forget: %s", buf);
	bin_symcache_free(c);
}

int main(int argc, char **argv)
{
	(void)argc;
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_specs();
	test_offsets();
	test_prelink();
	test_ldcache();
	test_resolve(argv[0]);
	test_symcache();
	printf("1..%d\n", ntest);
	return nfail ? 1 : 0;
}
