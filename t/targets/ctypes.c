// SPDX-License-Identifier: GPL-2.0-only
/* A C program whose functions take and return the types plumb reads from
 * DWARF: a struct with a nested struct, a char array, bit-fields, an enum
 * member and a union, passed by pointer; a function returning a struct
 * pointer and one returning an enum. Built three ways (with -g; fully
 * stripped, its debug file apart; without debug info) and prints its own
 * ground truth: what the members held, summed over the calls, and its
 * compiler's sizeof and offsetof. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "target.h"

#define TRACED __attribute__((noinline, noipa, used))

enum job_kind { JOB_READ = 1, JOB_WRITE, JOB_SYNC = 7 };

struct where {
	short x;
	short y;
};

union word {
	unsigned int u;
	unsigned char b[4];
};

struct job {
	long id;
	struct where at;
	char name[12];
	unsigned prio : 3;	/* bit-fields */
	unsigned urgent : 1;
	enum job_kind kind;
	union word w;
};

#define NJOBS 8
static struct job jobs[NJOBS];

struct truth {
	long run, find, kind_calls;
	long id, at_y, prio, urgent, w_u, by_kind[8], ret_kind[8];
};

TRACED long job_run(struct job *j, int n)
{
	return j->id * n + j->at.y;
}

TRACED struct job *job_find(long id)
{
	return &jobs[id % NJOBS];
}

TRACED enum job_kind job_kind_of(const struct job *j)
{
	return j->kind;
}

static const enum job_kind kinds[3] = { JOB_READ, JOB_WRITE, JOB_SYNC };

static void run(long n, struct truth *t)
{
	static const char *const names[3] = { "reader", "writer", "syncer" };

	for (long i = 0; i < n; i++) {
		struct job *j = job_find(i);
		t->find++;
		j->id = i;
		j->at.x = (short)(i % 5);
		j->at.y = (short)(i % 9);
		snprintf(j->name, sizeof(j->name), "%s", names[i % 3]);
		j->prio = (unsigned)(i % 8);
		j->urgent = (unsigned)(i % 3 == 0);
		j->kind = kinds[i % 3];
		j->w.u = (unsigned)(i * 3);
		job_run(j, (int)(i % 4));
		t->run++;
		t->id += j->id;
		t->at_y += j->at.y;
		t->prio += j->prio;
		t->urgent += j->urgent;
		t->w_u += j->w.u;
		t->by_kind[j->kind]++;
		if (i % 2 == 0) {
			t->ret_kind[job_kind_of(j)]++;
			t->kind_calls++;
		}
	}
}

static void print_truth(const struct truth *t)
{
	printf("job_run.calls %ld\njob_find.calls %ld\njob_kind_of.calls %ld\n", t->run, t->find,
	       t->kind_calls);
	printf("run.id.sum %ld\nrun.at.y.sum %ld\nrun.prio.sum %ld\nrun.urgent.sum %ld\n", t->id,
	       t->at_y, t->prio, t->urgent);
	printf("run.w.u.sum %ld\n", t->w_u);
	for (int k = 0; k < 3; k++)
		printf("run.kind.%d %ld\n", kinds[k], t->by_kind[kinds[k]]);
	for (int k = 0; k < 3; k++)
		printf("ret.kind.%d %ld\n", kinds[k], t->ret_kind[kinds[k]]);
	printf("sizeof.job %zu\nsizeof.where %zu\nsizeof.word %zu\n", sizeof(struct job),
	       sizeof(struct where), sizeof(union word));
	printf("offsetof.job.at.y %zu\noffsetof.job.name %zu\noffsetof.job.kind %zu\n"
	       "offsetof.job.w %zu\n", offsetof(struct job, at.y), offsetof(struct job, name),
	       offsetof(struct job, kind), offsetof(struct job, w));
	printf("pid %d\n", (int)getpid());
}

int main(int argc, char **argv)
{
	struct truth t = { 0 };
	long n = 100;
	int opt;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n') {
			fprintf(stderr, "usage: ctypes [-n ITERS]\n");
			return 2;
		}
		n = tgt_parse_long("ctypes", 'n', optarg, 1, 10000000);
	}
	run(n, &t);
	print_truth(&t);
	return 0;
}
