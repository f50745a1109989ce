// SPDX-License-Identifier: GPL-2.0-only
/* Decoding a function's x86-64 code with capstone, and classifying each
 * instruction as the kernel's uprobes would treat it.
 *
 * Boundaries come from capstone: a linear sweep from the symbol's first
 * byte, which is exact for compiler output (gcc and clang put jump tables
 * in .rodata, not between instructions). What the kernel does with an
 * instruction is decided here from its bytes, the way
 * arch/x86/kernel/uprobes.c decides it in 6.18, because that code reads
 * raw prefixes and opcode bytes and so must we to agree with it. */
#include "binary/insn.h"

#include <capstone/capstone.h>
#include <elf.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

/* An unsized symbol reaches to the next symbol, but no further than this:
 * assembly without .size directives is the usual case, and small. */
#define UNSIZED_FUNC_MAX (64 * 1024)
/* A sized one is read whole; past this the symbol table is lying. */
#define FUNC_MAX (64 * 1024 * 1024)

static const struct bin_seg *exec_seg_of(const struct bin *b, uint64_t vaddr)
{
	for (size_t i = 0; i < b->nsegs; i++) {
		const struct bin_seg *s = &b->segs[i];
		if ((s->flags & PF_X) && vaddr >= s->vaddr && vaddr - s->vaddr < s->filesz)
			return s;
	}
	return NULL;
}

bool bin_vaddr_exec(const struct bin *b, uint64_t vaddr)
{
	return exec_seg_of(b, vaddr) != NULL;
}

/* The first symbol address above vaddr, or UINT64_MAX. */
static uint64_t next_sym_after(const struct bin *b, uint64_t vaddr)
{
	size_t lo = 0, hi = b->nsyms;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (b->syms[mid].vaddr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < b->nsyms ? b->syms[lo].vaddr : UINT64_MAX;
}

/* [start, end) of f's code, cut to the executable segment it lies in. */
static bool func_extent(const struct bin *b, const struct bin_sym *f, uint64_t *end)
{
	const struct bin_seg *s = exec_seg_of(b, f->vaddr);
	uint64_t seg_end, e;

	if (!s)
		return false;
	seg_end = s->vaddr + s->filesz;
	if (f->size)
		e = f->size > FUNC_MAX ? f->vaddr + FUNC_MAX : f->vaddr + f->size;
	else {
		e = next_sym_after(b, f->vaddr);
		if (e - f->vaddr > UNSIZED_FUNC_MAX)
			e = f->vaddr + UNSIZED_FUNC_MAX;
	}
	*end = e < seg_end ? e : seg_end;
	return *end > f->vaddr;
}

const struct bin_sym *bin_func_at(const struct bin *b, uint64_t vaddr)
{
	const struct bin_sym *s = bin_sym_at(b, vaddr);
	uint64_t end;

	if (!s || s->type != BIN_SYM_FUNC || !func_extent(b, s, &end))
		return NULL;
	return vaddr < end ? s : NULL;
}

/* ---- what the kernel does with an instruction ---- */

/* Opcode bytes the kernel's table of good one-byte opcodes for 64-bit
 * processes leaves out (invalid in 64-bit mode, privileged, int3/int n,
 * in/out): a uprobe there fails with ENOTSUPP. The table is consulted
 * with the opcode byte of VEX/EVEX instructions too. */
static bool bad_opcode1(uint8_t op)
{
	static const uint8_t bad[] = {
		0x06, 0x07, 0x0e, 0x16, 0x17, 0x1e, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x60,
		0x61, 0x62, 0x6c, 0x6d, 0x6e, 0x6f, 0x82, 0x9a, 0xcc, 0xcd, 0xce, 0xcf,
		0xd4, 0xd5, 0xd6, 0xe4, 0xe5, 0xe6, 0xe7, 0xea, 0xec, 0xed, 0xee, 0xef,
		0xf1, 0xf4, 0xfa, 0xfb,
	};
	return memchr(bad, op, sizeof(bad)) != NULL;
}

static bool cond_jump(uint8_t op)
{
	return op >= 0x70 && op <= 0x7f;
}

/* The multi-byte nops the kernel recognises by their exact bytes (its
 * x86_nops[] for 64-bit: the P6 nops of 1 to 8 bytes). */
static bool kernel_nop(const uint8_t *c, size_t len)
{
	static const uint8_t nops[8][8] = {
		{ 0x90 },
		{ 0x66, 0x90 },
		{ 0x0f, 0x1f, 0x00 },
		{ 0x0f, 0x1f, 0x40, 0x00 },
		{ 0x0f, 0x1f, 0x44, 0x00, 0x00 },
		{ 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
		{ 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
		{ 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	};
	return len >= 1 && len <= 8 && !memcmp(c, nops[len - 1], len);
}

struct decoded_bytes {
	bool opsize, badprefix;	/* 0x66; es/cs/ss/ds or lock */
	uint8_t rex;
	int vex;		/* bytes of a VEX/EVEX prefix, 0 without */
	uint8_t op1, op2;	/* the opcode byte(s); op2 after 0x0f */
	uint8_t modrm;		/* the byte after a one-byte opcode */
};

static void split_bytes(const uint8_t *c, size_t len, struct decoded_bytes *d)
{
	size_t i = 0;

	memset(d, 0, sizeof(*d));
	for (; i < len; i++) {
		if (c[i] == 0x66)
			d->opsize = true;
		else if (c[i] == 0x26 || c[i] == 0x2e || c[i] == 0x36 || c[i] == 0x3e ||
			 c[i] == 0xf0)
			d->badprefix = true;
		else if (c[i] != 0x64 && c[i] != 0x65 && c[i] != 0x67 && c[i] != 0xf2 &&
			 c[i] != 0xf3)
			break;
	}
	if (i < len && (c[i] & 0xf0) == 0x40)
		d->rex = c[i++];
	if (i < len)
		d->vex = c[i] == 0xc5 ? 2 : c[i] == 0xc4 ? 3 : c[i] == 0x62 ? 4 : 0;
	i += (size_t)d->vex;
	d->op1 = i < len ? c[i] : 0;
	d->op2 = d->op1 == 0x0f && i + 1 < len ? c[i + 1] : 0;
	d->modrm = d->op1 != 0x0f && i + 1 < len ? c[i + 1] : 0;
}

/* The kernel's branch and nop emulation looks at the first opcode byte
 * without asking whether a VEX prefix came before it, so vpcmpeqb
 * (VEX 0f 74) is "emulated" as a je and skipped, and vpor (VEX 0f eb) as
 * a jmp: the traced program computes something else. Verified on 6.18. */
static const char *misemulated(const struct decoded_bytes *d)
{
	if (d->vex && (cond_jump(d->op1) || d->op1 == 0x90 || d->op1 == 0xe8 ||
		       d->op1 == 0xe9 || d->op1 == 0xeb))
		return "the kernel takes this VEX-encoded instruction for a branch or a nop and "
		       "would skip it";
	if (!d->vex && d->op1 == 0x90 && (d->rex & 1))
		return "the kernel takes this exchange with r8 for a nop and would skip it";
	return NULL;
}

static const char *kernel_refuses(const struct decoded_bytes *d)
{
	if (d->badprefix)
		return "the kernel refuses uprobes on instructions with a lock or es/cs/ss/ds prefix";
	if (!d->vex && ((d->op1 == 0x8e && ((d->modrm >> 3) & 7) == 2) || d->op1 == 0x17))
		return "the kernel refuses uprobes on instructions that load %ss";
	if (bad_opcode1(d->op1))
		return "the kernel refuses uprobes on this instruction";
	return NULL;
}

/* jmp, call, jcc (short and near), nop, push of a register: the cases
 * arch_uprobe_analyze_insn hands to its emulating ops. */
static enum bin_insn_probe emulated_or_stepped(const uint8_t *c, size_t len,
					       const struct decoded_bytes *d, const char **why)
{
	bool branch = d->op1 == 0xeb || d->op1 == 0xe9 || d->op1 == 0xe8 || cond_jump(d->op1) ||
		      (d->op1 == 0x0f && d->op2 >= 0x80 && d->op2 <= 0x8f);

	if (kernel_nop(c, len) || d->op1 == 0x90)
		return BIN_INSN_EMULATED;
	if (branch && d->opsize) {
		*why = "the kernel refuses uprobes on branches with an operand-size prefix";
		return BIN_INSN_REFUSED;
	}
	if (branch)
		return BIN_INSN_EMULATED;
	if (d->op1 >= 0x50 && d->op1 <= 0x57 && (len == 1 || (len == 2 && d->rex == 0x41)))
		return BIN_INSN_EMULATED;
	return BIN_INSN_STEPPED;
}

enum bin_insn_probe bin_insn_classify(const uint8_t *code, size_t len, const char **why)
{
	struct decoded_bytes d;

	*why = NULL;
	split_bytes(code, len, &d);
	if ((*why = kernel_refuses(&d)))
		return BIN_INSN_REFUSED;
	if ((*why = misemulated(&d)))
		return BIN_INSN_MISRUN;
	return emulated_or_stepped(code, len, &d, why);
}

/* ---- decoding ---- */

static bool read_code(const struct bin *b, uint64_t vaddr, size_t len, uint8_t *buf, char *err,
		      size_t errlen)
{
	uint64_t off;
	size_t have = 0;

	if (!bin_vaddr_to_off(b, vaddr, true, &off)) {
		errf(err, errlen, "%#llx is not in a loaded segment", (unsigned long long)vaddr);
		return false;
	}
	if (b->fd < 0) {
		char *img = elf_rawfile(b->elf, &have);
		if (!img || off > have || len > have - off) {
			errf(err, errlen, "code at %#llx is past the end of the file",
			     (unsigned long long)vaddr);
			return false;
		}
		memcpy(buf, img + off, len);
		return true;
	}
	while (have < len) {
		ssize_t r = pread(b->fd, buf + have, len - have, (off_t)(off + have));
		if (r <= 0) {
			errf(err, errlen, "cannot read the code at %#llx: %s", (unsigned long long)vaddr,
			     r < 0 ? strerror(errno) : "the file is shorter than its headers say");
			return false;
		}
		have += (size_t)r;
	}
	return true;
}

static void fill_insn(struct bin_insn *i, const cs_insn *ci)
{
	memset(i, 0, sizeof(*i));
	i->vaddr = ci->address;
	i->len = (uint8_t)ci->size;
	i->probe = (uint8_t)bin_insn_classify(ci->bytes, ci->size, &i->why);
	snprintf(i->text, sizeof(i->text), "%s%s%s", ci->mnemonic, ci->op_str[0] ? " " : "",
		 ci->op_str);
}

static void add_insn(struct bin_insns *d, size_t *cap, const cs_insn *ci)
{
	if (d->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		d->v = xrealloc(d->v, *cap * sizeof(*d->v));
	}
	fill_insn(&d->v[d->n++], ci);
}

static bool decoder_open(csh *h, char *err, size_t errlen)
{
	if (cs_open(CS_ARCH_X86, CS_MODE_64, h) != CS_ERR_OK)
		return errf(err, errlen, "the x86 decoder (capstone) cannot start");
	cs_option(*h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	return true;
}

/* The longest x86 instruction. */
#define INSN_MAX 15

bool bin_insn_decode_one(const struct bin *b, uint64_t vaddr, struct bin_insn *out)
{
	const struct bin_seg *s = exec_seg_of(b, vaddr);
	uint8_t code[INSN_MAX];
	const uint8_t *p = code;
	size_t len, left;
	uint64_t addr = vaddr;
	char err[128];
	bool ok = false;
	cs_insn *ci;
	csh h;

	if (!s)
		return false;
	len = s->vaddr + s->filesz - vaddr < INSN_MAX ? (size_t)(s->vaddr + s->filesz - vaddr)
						       : INSN_MAX;
	if (!read_code(b, vaddr, len, code, err, sizeof(err)) || !decoder_open(&h, err, sizeof(err)))
		return false;
	ci = cs_malloc(h);
	left = len;
	if (cs_disasm_iter(h, &p, &left, &addr, ci)) {
		fill_insn(out, ci);
		ok = true;
	}
	cs_free(ci, 1);
	cs_close(&h);
	return ok;
}

bool bin_insns_decode(const struct bin *b, const struct bin_sym *f, struct bin_insns *out,
		      char *err, size_t errlen)
{
	uint64_t end, addr;
	const uint8_t *p;
	uint8_t *code;
	size_t left, cap = 0;
	cs_insn *ci;
	csh h;

	memset(out, 0, sizeof(*out));
	if (!func_extent(b, f, &end)) {
		errf(err, errlen, "%s is not in an executable segment", f->name);
		return false;
	}
	code = xmalloc((size_t)(end - f->vaddr));
	if (!read_code(b, f->vaddr, (size_t)(end - f->vaddr), code, err, errlen)) {
		free(code);
		return false;
	}
	if (!decoder_open(&h, err, errlen)) {
		free(code);
		return false;
	}
	ci = cs_malloc(h);
	out->start = f->vaddr;
	out->end = end;
	p = code;
	left = (size_t)(end - f->vaddr);
	addr = f->vaddr;
	while (left && cs_disasm_iter(h, &p, &left, &addr, ci))
		add_insn(out, &cap, ci);
	out->decoded_end = addr;
	cs_free(ci, 1);
	cs_close(&h);
	free(code);
	return true;
}

void bin_insns_free(struct bin_insns *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

const struct bin_insn *bin_insn_containing(const struct bin_insns *d, uint64_t vaddr)
{
	size_t lo = 0, hi = d->n;

	if (vaddr < d->start || vaddr >= d->decoded_end)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->v[mid].vaddr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &d->v[lo - 1] : NULL;
}

const struct bin_insn *bin_insn_cheaper(const struct bin_insns *d, const struct bin_insn *i)
{
	size_t at = (size_t)(i - d->v);

	for (size_t k = at + 1; k < d->n; k++)
		if (d->v[k].probe == BIN_INSN_EMULATED)
			return &d->v[k];
	for (size_t k = at; k-- > 0;)
		if (d->v[k].probe == BIN_INSN_EMULATED)
			return &d->v[k];
	return NULL;
}

void bin_insn_probeable_around(const struct bin_insns *d, uint64_t vaddr,
			       const struct bin_insn **before, const struct bin_insn **after)
{
	*before = *after = NULL;
	for (size_t k = 0; k < d->n; k++) {
		const struct bin_insn *i = &d->v[k];
		if (i->probe == BIN_INSN_REFUSED || i->probe == BIN_INSN_MISRUN)
			continue;
		if (i->vaddr <= vaddr)
			*before = i;
		else if (!*after)
			*after = i;
	}
}

/* ---- where an address lies, for messages ---- */

static const char *section_at(const struct bin *b, uint64_t vaddr)
{
	Elf *e = b->elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (!e || elf_getshdrstrndx(e, &shstrndx) != 0)
		return NULL;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC) || !sh.sh_size)
			continue;
		if (vaddr >= sh.sh_addr && vaddr - sh.sh_addr < sh.sh_size)
			return elf_strptr(e, shstrndx, sh.sh_name);
	}
	return NULL;
}

const char *bin_place(const struct bin *b, uint64_t vaddr)
{
	const char *s = section_at(b, vaddr);
	GElf_Ehdr eh;
	uint64_t off;

	if (s)
		return s;
	if (!b->elf || !gelf_getehdr(b->elf, &eh) || !bin_vaddr_to_off(b, vaddr, false, &off))
		return NULL;
	if (off < eh.e_ehsize)
		return "the ELF header";
	if (off >= eh.e_phoff && off - eh.e_phoff < (uint64_t)eh.e_phnum * eh.e_phentsize)
		return "the program headers";
	return NULL;
}
