// SPDX-License-Identifier: GPL-2.0-only
/* Source of the DWARF fuzzer's seeds (see README here). */
typedef unsigned int uint32_t;
enum e { E_A = -1, E_B = 7 };
struct node {
	struct node *next;
	union { int i; float f; };
	unsigned flag : 3, kind : 5;
	enum e e;
	char tag[12];
	const volatile uint32_t *p;
};
typedef struct node node_t;

__attribute__((noinline)) int walk(node_t *n, int limit)
{
	int s = 0;
	while (n && limit-- > 0) {
		s += n->i + n->flag + n->tag[1];
		n = n->next;
	}
	return s;
}

void _start(void)
{
	static struct node a = { .i = 3, .flag = 1 }, b = { .next = &a, .i = 4 };
	volatile int r = walk(&b, 5);
	(void)r;
	for (;;)
		;
}
