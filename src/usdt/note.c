// SPDX-License-Identifier: GPL-2.0-only
/* Reading the systemtap SDT notes (.note.stapsdt) of a binary. Input may be
 * arbitrary bytes: every size, count and offset is checked. */
#include "usdt/usdt.h"

#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define NT_STAPSDT 3
#define STAPSDT_OWNER "stapsdt"

static uint64_t read_addr(const unsigned char *p, size_t n, bool msb)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[msb ? i : n - 1 - i] << (8 * (n - 1 - i));
	return v;
}

/* The address of a symbol named in an argument. Several addresses: an
 * OBJECT symbol wins if it is the only OBJECT address; otherwise the
 * name stays unresolved (the caller reports it). */
static void resolve_sym(const struct bin *b, struct usdt_arg *a)
{
	const struct bin_sym *any = NULL, *obj = NULL;
	size_t nany = 0, nobj = 0;

	/* b->syms has each (name, address) pair once, so every match of
	 * the name is a distinct address */
	a->sym_resolved = false;
	a->sym_vaddr = 0;
	for (size_t i = 0; i < b->nsyms; i++) {
		const struct bin_sym *s = &b->syms[i];
		if (strcmp(s->name, a->sym))
			continue;
		any = s;
		nany++;
		if (s->type == BIN_SYM_OBJECT) {
			obj = s;
			nobj++;
		}
	}
	if (nany == 1) {
		a->sym_resolved = true;
		a->sym_vaddr = any->vaddr;
	} else if (nobj == 1) {
		a->sym_resolved = true;
		a->sym_vaddr = obj->vaddr;
	}
}

static void parse_args(const struct bin *b, struct usdt_note *n)
{
	const char *s = n->args_text;
	char err[160];
	int k = 0;

	while (*s) {
		const char *e;
		char *tok;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		e = s;
		while (*e && *e != ' ' && *e != '\t')
			e++;
		if (k == USDT_MAX_ARGS) {
			n->arg_error = xasprintf("more than %d arguments", USDT_MAX_ARGS);
			goto fail;
		}
		tok = xstrndup(s, (size_t)(e - s));
		if (!usdt_parse_arg(tok, &n->args[k], err, sizeof(err))) {
			n->arg_error = xasprintf("argument %d '%s': %s", k + 1, tok, err);
			free(tok);
			goto fail;
		}
		free(tok);
		if (n->args[k].sym)
			resolve_sym(b, &n->args[k]);
		k++;
		s = e;
	}
	n->nargs = k;
	return;
fail:
	for (int i = 0; i < k; i++)
		usdt_arg_free(&n->args[i]);
	memset(n->args, 0, sizeof(n->args));
	n->nargs = 0;
}

static void note_free(struct usdt_note *n)
{
	free(n->provider);
	free(n->name);
	free(n->args_text);
	free(n->arg_error);
	for (int i = 0; i < n->nargs && i < USDT_MAX_ARGS; i++)
		usdt_arg_free(&n->args[i]);
}

void usdt_notes_free(struct usdt_notes *ns)
{
	if (!ns)
		return;
	for (size_t i = 0; i < ns->n; i++)
		note_free(&ns->v[i]);
	free(ns->v);
	ns->v = NULL;
	ns->n = 0;
}

/* One note's descriptor: 3 addresses, then provider, name, args. */
static bool parse_desc(const struct bin *b, const unsigned char *desc, size_t descsz,
		       size_t asz, bool msb, uint64_t base_addr, size_t idx,
		       struct usdt_note *n, char *err, size_t errlen)
{
	const char *p, *end, *str[3];
	uint64_t delta;

	memset(n, 0, sizeof(*n));
	if (descsz < 3 * asz + 3)
		return errf(err, errlen, "stapsdt note %zu: descriptor too short (%zu bytes)", idx,
			    descsz);
	n->pc = read_addr(desc, asz, msb);
	n->base = read_addr(desc + asz, asz, msb);
	n->sem = read_addr(desc + 2 * asz, asz, msb);
	p = (const char *)desc + 3 * asz;
	end = (const char *)desc + descsz;
	for (int i = 0; i < 3; i++) {
		const char *z = memchr(p, '\0', (size_t)(end - p));
		if (!z)
			return errf(err, errlen, "stapsdt note %zu: unterminated string", idx);
		str[i] = p;
		p = z + 1;
	}
	if (!*str[0] || !*str[1])
		return errf(err, errlen, "stapsdt note %zu: empty provider or probe name", idx);

	/* prelink: .stapsdt.base moved but the note did not */
	if (base_addr && n->base) {
		delta = base_addr - n->base;
		n->pc += delta;
		if (n->sem)
			n->sem += delta;
		n->base = base_addr;
		if (asz == 4) {
			n->pc &= 0xffffffffu;
			n->sem &= 0xffffffffu;
		}
	}
	if (!bin_vaddr_to_off(b, n->pc, true, &n->pc_off))
		return errf(err, errlen,
			    "stapsdt note %zu (%s:%s): pc 0x%llx is not in a loaded segment", idx,
			    str[0], str[1], (unsigned long long)n->pc);
	if (n->sem && !bin_vaddr_to_off(b, n->sem, false, &n->sem_off))
		return errf(err, errlen,
			    "stapsdt note %zu (%s:%s): semaphore 0x%llx is not file-backed in a "
			    "loaded segment", idx, str[0], str[1], (unsigned long long)n->sem);
	n->provider = xstrdup(str[0]);
	n->name = xstrdup(str[1]);
	n->args_text = xstrdup(str[2]);
	parse_args(b, n);
	return true;
}

bool usdt_read_notes(const struct bin *b, struct usdt_notes *out, char *err, size_t errlen)
{
	VEC(struct usdt_note) v = {0};
	Elf *e = b->elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx, shnum, nscn = 0, asz, idx = 0;
	uint64_t base_addr = 0;
	bool msb;
	GElf_Ehdr eh;

	out->v = NULL;
	out->n = 0;
	if (!e || !gelf_getehdr(e, &eh))
		return errf(err, errlen, "not an ELF file");
	asz = gelf_getclass(e) == ELFCLASS32 ? 4 : 8;
	msb = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	if (elf_getshdrnum(e, &shnum) != 0 || elf_getshdrstrndx(e, &shstrndx) != 0)
		return true;	/* no section headers: no notes */

	/* .stapsdt.base first: notes need it */
	while ((scn = elf_nextscn(e, scn)) && nscn++ < shnum) {
		GElf_Shdr sh;
		const char *name;
		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(e, shstrndx, sh.sh_name)))
			continue;
		if (!strcmp(name, ".stapsdt.base")) {
			base_addr = sh.sh_addr;
			break;
		}
	}

	scn = NULL;
	nscn = 0;
	while ((scn = elf_nextscn(e, scn)) && nscn++ < shnum) {
		GElf_Shdr sh;
		Elf_Data *d;
		const char *name;
		size_t off, next;
		GElf_Nhdr nh;
		size_t name_off, desc_off;

		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(e, shstrndx, sh.sh_name)))
			continue;
		if (strcmp(name, ".note.stapsdt"))
			continue;
		if (sh.sh_type != SHT_NOTE) {
			errf(err, errlen, ".note.stapsdt is not a note section (type %u)",
			     (unsigned)sh.sh_type);
			goto fail;
		}
		d = elf_getdata(scn, NULL);
		if (!d) {
			if (sh.sh_size == 0)
				continue;
			errf(err, errlen, "cannot read .note.stapsdt: %s", elf_errmsg(-1));
			goto fail;
		}
		if (!d->d_buf || d->d_size == 0)
			continue;
		off = 0;
		while (off < d->d_size &&
		       (next = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > off) {
			const unsigned char *buf = d->d_buf;
			off = next;
			/* gelf_getnote checked that name and desc lie in d */
			if (nh.n_type != NT_STAPSDT || nh.n_namesz != sizeof(STAPSDT_OWNER) ||
			    memcmp(buf + name_off, STAPSDT_OWNER, sizeof(STAPSDT_OWNER)))
				continue;
			if (desc_off > d->d_size || nh.n_descsz > d->d_size - desc_off) {
				errf(err, errlen, "stapsdt note %zu: truncated descriptor", idx);
				goto fail;
			}
			vec_reserve(&v, v.n + 1);
			if (!parse_desc(b, buf + desc_off, nh.n_descsz, asz, msb, base_addr, idx,
					&v.v[v.n], err, errlen)) {
				note_free(&v.v[v.n]);
				goto fail;
			}
			v.n++;
			idx++;
		}
		if (off < d->d_size) {
			/* gelf_getnote gave up before the end: trailing zero
			 * padding is fine, anything else is a broken note */
			const unsigned char *buf = d->d_buf;
			for (size_t i = off; i < d->d_size; i++) {
				if (buf[i]) {
					errf(err, errlen,
					     "malformed note in .note.stapsdt at offset 0x%zx", off);
					goto fail;
				}
			}
		}
	}
	out->v = v.v;
	out->n = v.n;
	return true;
fail:
	{
		struct usdt_notes tmp = {v.v, v.n};
		usdt_notes_free(&tmp);
	}
	return false;
}
