// SPDX-License-Identifier: GPL-2.0-only
/* Keys and values as text: integers, strings, probe names, stacks and
 * symbols; JSON string escaping; histogram bucket bounds. */
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "agg/agg.h"
#include "binary/binary.h"
#include "func/func.h"
#include "output/out.h"
#include "probe/probe.h"

static uint64_t word(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* The binary of a probe, opened once. */
static const struct bin *site_binary(struct out *o, const char *path)
{
	char err[256];

	if (o->site_bin && !strcmp(o->site_bin->path, path))
		return o->site_bin;
	bin_close(o->site_bin);
	o->site_bin = bin_open(path, err, sizeof(err));
	return o->site_bin;
}

/* A frame of a process that has gone, through the binary of the probe
 * that fired: frame0 is that probe's runtime address, so frame0 minus the
 * site's link-time address is where the binary was loaded. */
static bool site_symbolize(struct out *o, uint32_t probe_id, uint64_t frame0, uint64_t ip,
			   char *buf, size_t len)
{
	for (size_t i = 0; i < o->sema->probes.n; i++) {
		const struct probe *p = o->sema->probes.v[i];
		for (size_t j = 0; j < p->sites.n; j++) {
			const struct probe_site *s = &p->sites.v[j];
			uint64_t bias = frame0 - s->vaddr;
			if ((uint32_t)s->probe_id != probe_id || !s->path || bias % 4096)
				continue;
			const struct bin *b = site_binary(o, s->path);
			const struct bin_sym *sym = b ? bin_sym_at(b, ip - bias) : NULL;
			if (!sym || (sym->size && ip - bias >= sym->vaddr + sym->size))
				continue;
			char *name = bin_demangle(sym->name, true);
			if (ip - bias == sym->vaddr)
				snprintf(buf, len, "%s", name ? name : sym->name);
			else
				snprintf(buf, len, "%s+%#llx", name ? name : sym->name,
					 (unsigned long long)(ip - bias - sym->vaddr));
			free(name);
			return true;
		}
	}
	return false;
}

static void stack_str(struct out *o, struct strbuf *sb, const uint8_t *p, bool user)
{
	int64_t id = (int64_t)word(p);
	pid_t pid = (pid_t)(uint32_t)word(p + 8);
	uint32_t probe_id = (uint32_t)(word(p + 8) >> 32);
	uint64_t ips[OUT_STACK_DEPTH];
	char buf[512];

	if (id < 0 || o->stack_fd < 0 || bpf_map_lookup_elem(o->stack_fd, &(uint32_t){(uint32_t)id}, ips)) {
		sb_puts(sb, "\n        [stack unavailable]\n");
		return;
	}
	sb_putc(sb, '\n');
	for (int i = 0; i < OUT_STACK_DEPTH && ips[i]; i++) {
		if (user) {
			bin_symbolize(o->syms, pid, ips[i], true, false, buf, sizeof(buf));
			if (!strncmp(buf, "0x", 2) && probe_id)
				site_symbolize(o, probe_id - 1, ips[0], ips[i], buf, sizeof(buf));
		} else {
			bin_ksym(ips[i], buf, sizeof(buf));
		}
		sb_printf(sb, "        %s\n", buf);
	}
}

/* ustack(N): the frames are in the value, then the pid and probe. */
static void inline_stack_str(struct out *o, struct strbuf *sb, const uint8_t *p, unsigned depth)
{
	uint64_t pidword = word(p + 8 * depth), ip0 = word(p);
	pid_t pid = (pid_t)(uint32_t)pidword;
	uint32_t probe_id = (uint32_t)(pidword >> 32);
	char buf[512];

	sb_putc(sb, '\n');
	for (unsigned i = 0; i < depth && word(p + 8 * i); i++) {
		bin_symbolize(o->syms, pid, word(p + 8 * i), true, false, buf, sizeof(buf));
		if (!strncmp(buf, "0x", 2) && probe_id)
			site_symbolize(o, probe_id - 1, ip0, word(p + 8 * i), buf, sizeof(buf));
		sb_printf(sb, "        %s\n", buf);
	}
}

static void probe_name(struct out *o, struct strbuf *sb, uint64_t id)
{
	if (id < o->sema->probe_names.n)
		sb_puts(sb, o->sema->probe_names.v[id]);
	else
		sb_printf(sb, "probe#%llu", (unsigned long long)id);
}

size_t out_strftime(char *buf, size_t len, const char *fmt, const struct tm *tm, long usec)
{
	struct strbuf f = {0};
	size_t n;

	for (const char *p = fmt; *p; p++) {
		if (p[0] == '%' && p[1] == 'f') {
			sb_printf(&f, "%06ld", usec);
			p++;
		} else if (p[0] == '%' && p[1]) {
			sb_putc(&f, p[0]);
			sb_putc(&f, *++p);
		} else {
			sb_putc(&f, *p);
		}
	}
	n = f.s ? strftime(buf, len, f.s, tm) : 0;
	buf[n] = '\0';
	sb_free(&f);
	return n;
}

/* The enum an integer's value is of (its names print), or NULL. */
static const struct ctype *type_enum(struct type t)
{
	const struct ctype *c = t.kind == T_INT && t.ct ? ctype_strip(t.ct) : NULL;

	return c && c->kind == CT_ENUM ? c : NULL;
}

void out_value_str(struct out *o, struct strbuf *sb, struct type t, const uint8_t *p)
{
	char buf[512];

	switch (t.kind) {
	case T_STR:
		sb_putn(sb, (const char *)p, strnlen((const char *)p, t.len));
		break;
	case T_PROBE:
		probe_name(o, sb, word(p));
		break;
	case T_USTACK:
	case T_KSTACK:
		if (t.kind == T_USTACK && t.len)
			inline_stack_str(o, sb, p, t.len);
		else
			stack_str(o, sb, p, t.kind == T_USTACK);
		break;
	case T_BOOL:
		sb_puts(sb, word(p) ? "true" : "false");
		break;
	case T_USYM:
		bin_symbolize(o->syms, (pid_t)(uint32_t)word(p + 8), word(p), false, false, buf,
			      sizeof(buf));
		if (!strncmp(buf, "0x", 2) && word(p + 8) >> 32)
			site_symbolize(o, (uint32_t)(word(p + 8) >> 32) - 1, word(p + 16), word(p),
				       buf, sizeof(buf));
		sb_puts(sb, buf);
		break;
	case T_TUPLE:
		out_tuple_str(o, sb, t.ct, p);
		break;
	case T_TEXT:
		t.text->render(o, sb, t, p, 0);
		break;
	case T_RECORD:
	case T_ARRAY:
		out_record_str(sb, t.ct, p, type_storage(t));
		break;
	case T_PTR:	/* as bpftrace and %p: an address reads best in hex */
		sb_printf(sb, "0x%llx", (unsigned long long)word(p));
		break;
	default:
		if (type_enum(t))
			out_enum_str(sb, type_enum(t), word(p));
		else if (t.sign)
			sb_printf(sb, "%lld", (long long)word(p));
		else
			sb_printf(sb, "%llu", (unsigned long long)word(p));
	}
}

void out_key(struct out *o, struct strbuf *sb, const struct map *m, const uint8_t *key,
	     bool json)
{
	for (int i = 0; i < m->nkeys; i++) {
		if (i)
			sb_puts(sb, json ? "," : ", ");
		out_value_str(o, sb, m->keys[i], key);
		key += type_storage(m->keys[i]);
	}
}

static void signed_or_not(struct strbuf *sb, bool sign, uint64_t v)
{
	if (sign)
		sb_printf(sb, "%lld", (long long)v);
	else
		sb_printf(sb, "%llu", (unsigned long long)v);
}

/* v / div, as C divides a value of that sign. */
static uint64_t divided(uint64_t v, bool sign, uint64_t div)
{
	if (div <= 1)
		return v;
	return sign ? (uint64_t)((int64_t)v / (int64_t)div) : v / div;
}

bool out_number(struct strbuf *sb, const struct map *m, const uint64_t *v, uint64_t div)
{
	uint64_t n;
	bool sign;

	if (m->agg) {
		if (m->agg->shape != AGG_NUMBER)
			return false;
		if (!m->agg->number(m, v, &n, &sign))
			n = 0;	/* an empty scalar's avg, min or max: 0, as bpftrace */
		signed_or_not(sb, sign, divided(n, sign, div));
		return true;
	}
	/* an enum prints by name, a pointer in hex (JSON: a number), as
	 * out_value_str and out_value_json have them */
	if (m->val.kind != T_INT || type_enum(m->val))
		return false;
	signed_or_not(sb, m->val.sign, divided(v[0], m->val.sign, div));
	return true;
}

void out_stats(struct strbuf *sb, const struct map *m, const uint64_t *v, bool json)
{
	uint64_t avg;
	bool sign;

	m->agg->number(m, v, &avg, &sign);	/* stats: the average */
	sb_printf(sb, json ? "{\"count\":%llu,\"average\":%lld,\"total\":" :
		  "count %llu, average %lld, total ", (unsigned long long)v[0], (long long)avg);
	signed_or_not(sb, m->val.sign, v[1]);
	if (json)
		sb_putc(sb, '}');
}
