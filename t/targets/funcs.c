// SPDX-License-Identifier: GPL-2.0-only
/* Ground truth for plumb's functions (t/1110-functions.t). Each mode
 * calls a traced function with known arguments and prints, per call,
 * what a function of plumb must give there:
 *
 *   funcs clocks N    calls tick(i) N times between two readings of each
 *                     clock: "clock I MONO0 MONO1 BOOT0 BOOT1 TAI0 TAI1"
 *   funcs strings     calls cmp(a, b, n): "cmp A B N STRNCMP CONTAINS",
 *                     STRNCMP 0 when the first n characters are alike
 *                     (else 1), CONTAINS 1 when b occurs in a
 *   funcs swaps       calls swap16/32/64(x): "swapBITS X SWAPPED" (hex)
 *   funcs errors      calls fail(e): "errno E TEXT" (strerror(3))
 *   funcs inet        calls inet4(addr) and inet6(addr): "inet4 HEX TEXT",
 *                     "inet6 TEXT" (inet_ntop(3))
 *   funcs addrs       calls touch(): "counter ADDR" and "touch ADDR", the
 *                     run-time addresses of a global and of touch()
 *   funcs cgroup      calls tick(0): "cgroup PATH INODE", its cgroup v2
 *                     directory and the inode number of that directory
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define TRACED __attribute__((noinline, noipa, used))

static volatile long sink;
long counter;

TRACED void tick(long i) { sink += i; }
TRACED void cmp(const char *a, const char *b, long n) { sink += a[0] + b[0] + n; }
TRACED void swap16(uint16_t x) { sink += x; }
TRACED void swap32(uint32_t x) { sink += x; }
TRACED void swap64(uint64_t x) { sink += (long)x; }
TRACED void fail(int e) { sink += e; }
TRACED void inet4(uint32_t addr) { sink += addr; }
TRACED void inet6(const unsigned char *addr) { sink += addr[0]; }
TRACED void touch(void) { counter++; }

static unsigned long long ns(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (unsigned long long)t.tv_sec * 1000000000ULL + (unsigned long long)t.tv_nsec;
}

static void clocks(long n)
{
	for (long i = 0; i < n; i++) {
		unsigned long long m0 = ns(CLOCK_MONOTONIC), b0 = ns(CLOCK_BOOTTIME),
				   t0 = ns(CLOCK_TAI);
		tick(i);
		unsigned long long t1 = ns(CLOCK_TAI), b1 = ns(CLOCK_BOOTTIME),
				   m1 = ns(CLOCK_MONOTONIC);
		printf("clock %ld %llu %llu %llu %llu %llu %llu\n", i, m0, m1, b0, b1, t0, t1);
	}
}

static void strings(void)
{
	static const struct { const char *a, *b; long n; } c[] = {
		{"abc", "abd", 2}, {"abc", "abd", 3}, {"abd", "abc", 3}, {"abc", "abc", 10},
		{"abc", "abcdef", 3}, {"abc", "abcdef", 4}, {"", "", 1}, {"x", "", 0},
		{"hello world", "world", 5}, {"hello world", "hello", 5},
		{"aaaaaaaaaaaab", "aaab", 20}, {"0123456789abcdefXYZ", "0123456789abcdefXYz", 18},
		{"0123456789abcdefXYZ", "0123456789abcdefXYz", 19}, {"needle", "needles", 7},
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		cmp(c[i].a, c[i].b, c[i].n);
		printf("cmp %s|%s|%ld %d %d\n", c[i].a, c[i].b, c[i].n,
		       strncmp(c[i].a, c[i].b, (size_t)c[i].n) != 0, strstr(c[i].a, c[i].b) != NULL);
	}
}

static void swaps(void)
{
	static const uint64_t v[] = { 0, 1, 0x1234, 0x12345678, 0x1122334455667788ULL,
				      0xff00ff00aa55aa55ULL, 0x8000000000000001ULL };
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		swap16((uint16_t)v[i]);
		swap32((uint32_t)v[i]);
		swap64(v[i]);
		printf("swap16 %x %x\n", (uint16_t)v[i], __builtin_bswap16((uint16_t)v[i]));
		printf("swap32 %x %x\n", (uint32_t)v[i], __builtin_bswap32((uint32_t)v[i]));
		printf("swap64 %llx %llx\n", (unsigned long long)v[i],
		       (unsigned long long)__builtin_bswap64(v[i]));
	}
}

static void errors(void)
{
	static const int e[] = { 0, 1, 2, 11, 13, 22, 28, 110, 4095 };
	for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		fail(e[i]);
		printf("errno %d %s\n", e[i], strerror(e[i]));
	}
}

static void inet(void)
{
	static const char *const v4[] = { "127.0.0.1", "10.1.2.3", "255.255.255.255", "0.0.0.0" };
	static const char *const v6[] = { "::1", "fe80::1:2", "2001:db8::8a2e:370:7334", "::" ,
					  "::ffff:1.2.3.4" };
	char text[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
		struct in_addr a;
		inet_pton(AF_INET, v4[i], &a);
		inet4(a.s_addr);
		printf("inet4 %x %s\n", a.s_addr, inet_ntop(AF_INET, &a, text, sizeof(text)));
	}
	for (size_t i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
		struct in6_addr a;
		inet_pton(AF_INET6, v6[i], &a);
		inet6(a.s6_addr);
		printf("inet6 %s\n", inet_ntop(AF_INET6, &a, text, sizeof(text)));
	}
}

/* The cgroup v2 directory of this process: where cgroup2 is mounted, and
 * the "0::" line of /proc/self/cgroup. */
static void cgroup(void)
{
	char line[4096], dir[4096] = "", rel[4096] = "", path[8192], mnt[4096], type[64];
	FILE *f = fopen("/proc/self/mounts", "r");
	struct stat st;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %4095s %63s", mnt, type) == 2 && !strcmp(type, "cgroup2")) {
			strcpy(dir, mnt);
			break;
		}
	if (f)
		fclose(f);
	f = fopen("/proc/self/cgroup", "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = 0;
			strcpy(rel, line + 3);
		}
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "%s%s", dir, strcmp(rel, "/") ? rel : "");
	tick(0);
	if (*dir && !stat(path, &st))
		printf("cgroup %s %llu\n", path, (unsigned long long)st.st_ino);
	else
		printf("cgroup none 0\n");
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "clocks"))
		clocks(atol(argv[2]));
	else if (argc == 2 && !strcmp(argv[1], "strings"))
		strings();
	else if (argc == 2 && !strcmp(argv[1], "swaps"))
		swaps();
	else if (argc == 2 && !strcmp(argv[1], "errors"))
		errors();
	else if (argc == 2 && !strcmp(argv[1], "inet"))
		inet();
	else if (argc == 2 && !strcmp(argv[1], "addrs")) {
		touch();
		printf("counter %lx\ntouch %lx\n", (unsigned long)&counter, (unsigned long)&touch);
	} else if (argc == 2 && !strcmp(argv[1], "cgroup"))
		cgroup();
	else {
		fprintf(stderr, "usage: funcs clocks N | strings | swaps | errors | inet | addrs | "
			"cgroup\n");
		return 2;
	}
	return 0;
}
