// SPDX-License-Identifier: GPL-2.0-only
/* Named threads: the process (named by the kernel after its binary)
 * starts N threads (-t N, default 3), each renames itself "worker-I"
 * and calls named_work(I) once, after the renaming. The ground truth is
 * what procfs says: each thread's comm and the process's (its leader's),
 * "thread I COMM PCOMM" for each, read by the thread itself. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TRACED __attribute__((noinline, noipa, used))

struct worker {
	pthread_t th;
	long index;
	char comm[32], pcomm[32];
};

TRACED long named_work(long index)
{
	return index * 2;
}

/* A procfs file's first line, without its newline. */
static void first_line(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "r");

	out[0] = '\0';
	if (f && fgets(out, (int)len, f))
		out[strcspn(out, "\n")] = '\0';
	if (f)
		fclose(f);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	char name[16], path[64];

	snprintf(name, sizeof(name), "worker-%ld", w->index);
	pthread_setname_np(pthread_self(), name);
	snprintf(path, sizeof(path), "/proc/self/task/%ld/comm", (long)syscall(SYS_gettid));
	first_line(path, w->comm, sizeof(w->comm));
	first_line("/proc/self/comm", w->pcomm, sizeof(w->pcomm));
	named_work(w->index);
	return NULL;
}

int main(int argc, char **argv)
{
	long n = 3;
	struct worker *ws;

	if (argc == 3 && !strcmp(argv[1], "-t"))
		n = strtol(argv[2], NULL, 10);
	if (n < 1 || n > 64) {
		fprintf(stderr, "usage: %s [-t THREADS (1-64)]\n", argv[0]);
		return 2;
	}
	ws = calloc((size_t)n, sizeof(*ws));
	for (long i = 0; i < n; i++) {
		ws[i].index = i;
		if (pthread_create(&ws[i].th, NULL, worker_main, &ws[i]))
			return 1;
		pthread_join(ws[i].th, NULL);
	}
	for (long i = 0; i < n; i++)
		printf("thread %ld %s %s\n", i, ws[i].comm, ws[i].pcomm);
	free(ws);
	return 0;
}
