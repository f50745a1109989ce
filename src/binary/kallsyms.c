// SPDX-License-Identifier: GPL-2.0-only
/* Kernel addresses to names, from /proc/kallsyms (read once, on the
 * first kernel stack that needs it), and names to addresses (kaddr()). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binary/binary.h"
#include "util/util.h"

struct ksym {
	uint64_t addr;
	char *name;
};

static struct ksym *ksyms;
static size_t nksyms;
static bool loaded;

static int by_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void load(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], name[256], type;
	unsigned long long addr;
	size_t cap = 0;

	loaded = true;
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 || !addr)
			continue;
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		if (nksyms == cap) {
			cap = cap ? cap * 2 : 4096;
			ksyms = xrealloc(ksyms, cap * sizeof(*ksyms));
		}
		ksyms[nksyms].addr = addr;
		ksyms[nksyms++].name = xstrdup(name);
	}
	if (f)
		fclose(f);
	if (nksyms)
		qsort(ksyms, nksyms, sizeof(*ksyms), by_addr);
}

const char *bin_ksym(uint64_t addr, char *buf, size_t len)
{
	size_t lo = 0, hi;

	if (!loaded)
		load();
	hi = nksyms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ksyms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		snprintf(buf, len, "%#llx", (unsigned long long)addr);
	else if (addr == ksyms[lo - 1].addr)
		snprintf(buf, len, "%s", ksyms[lo - 1].name);
	else
		snprintf(buf, len, "%s+%#llx", ksyms[lo - 1].name,
			 (unsigned long long)(addr - ksyms[lo - 1].addr));
	return buf;
}

void bin_ksym_free(void)
{
	for (size_t i = 0; i < nksyms; i++)
		free(ksyms[i].name);
	free(ksyms);
	ksyms = NULL;
	nksyms = 0;
	loaded = false;
}

int bin_kaddr(const char *name, uint64_t *addr)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], sym[256], type;
	unsigned long long a;
	int found = 0;

	if (!f)
		return -1;
	while (found != 1 && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &a, &type, sym) != 3 || strcmp(sym, name))
			continue;
		*addr = a;
		found = a ? 1 : 2;
	}
	fclose(f);
	return found == 1 ? 0 : found == 2 ? -2 : -1;
}
