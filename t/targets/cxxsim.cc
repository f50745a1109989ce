// SPDX-License-Identifier: GPL-2.0-only
/*
 * cxxsim: a small C++ program for plumb's C++ tests. It has what C++
 * servers have and C programs do not: namespaces, a class with
 * overloaded methods, virtual methods, function templates, nested
 * structs passed by pointer and by reference, a char array and
 * bit-fields. It runs a fixed workload and prints the ground truth: how
 * often each function ran, under the name c++filt gives it.
 *
 * See README.md for the options and the keys.
 */
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <exception>
#include <unistd.h>

#include "target.h"

/* Each traced function is a real, separate symbol: not inlined, not
 * cloned, not folded into another; calls through a pointer stay calls. */
#define TRACED __attribute__((noinline, noipa, used))

namespace shop {

struct Version {
	unsigned short major, minor;
};

struct Snapshot {
	long id;
	const char *db;
	int pages;
	Version ver;		/* a nested struct */
	char tag[8];		/* a char array */
	unsigned level : 3;	/* bit-fields */
	unsigned dirty : 1;
};

class Engine {
public:
	virtual ~Engine() {}
	virtual long step(long x);
};

class FastEngine : public Engine {
public:
	long step(long x) override;
};

class SnapshotAndLogManager {
public:
	long BeginSnapshot(const char *file, const char *db);
	long BeginSnapshot(const Snapshot *s);
	long BeginSnapshot(const Snapshot &s, int level);
	void EndSnapshot(Snapshot &s);
	long pages = 0;
};

TRACED long Engine::step(long x)
{
	return x + 1;
}

TRACED long FastEngine::step(long x)
{
	return 2 * x;
}

TRACED long SnapshotAndLogManager::BeginSnapshot(const char *file, const char *db)
{
	pages += (long)(strlen(file) + strlen(db));
	return pages;
}

TRACED long SnapshotAndLogManager::BeginSnapshot(const Snapshot *s)
{
	pages += s->pages + s->ver.minor;
	return pages;
}

TRACED long SnapshotAndLogManager::BeginSnapshot(const Snapshot &s, int level)
{
	pages += s.pages * level + s.level;
	return pages;
}

TRACED void SnapshotAndLogManager::EndSnapshot(Snapshot &s)
{
	s.dirty = 0;
	s.id++;
}

template <typename T> TRACED T Accumulate(T acc, T x)
{
	return acc + x;
}

template long Accumulate<long>(long, long);
template int Accumulate<int>(int, int);

namespace detail {

TRACED unsigned long Hash(const char *s)
{
	unsigned long h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

TRACED long Twice(long x)
{
	return 2 * x;
}

} // namespace detail
} // namespace shop

/* A C function among the C++ ones: its name is not mangled. */
extern "C" TRACED void cxx_tick(void)
{
	__asm__ volatile("");
}

/* Called with pointers into this program, libc, libstdc++ and a
 * dlopen'ed library, so that usym(arg0) names a function in each. */
extern "C" TRACED void call_hook(const void *fn)
{
	__asm__ volatile("" : : "r"(fn));
}

static const char *const files[] = { "/data/snapshots/snapshot_0", "/data/snapshots/snapshot_1" };
static const char *const dbs[] = { "memsql_demo", "information_schema", "metrics" };

struct counts {
	long begin_cc, begin_ptr, begin_ref, end, step, fast_step, acc_long, acc_int, hash,
		twice, tick;
	long hooks_self, hooks_libc, hooks_cxx, hooks_dl;
	/* what the typed arguments and members hold, summed over the calls */
	long step_x, acc_int_ret, ref_level, db[3];
	long ptr_pages, ptr_minor, ptr_level, ptr_dirty, ref_pages, ref_id, end_id;
};

/* The loop body is its own function so that ustack shows a known chain:
 * shop::detail::Hash <- run_one <- run <- main <- libc. */
static TRACED void run_one(long i, shop::SnapshotAndLogManager &mgr,
			   shop::Engine *const *engines, struct counts *c)
{
	shop::Snapshot snap = {};

	snap.id = i;
	snap.db = dbs[i % 3];
	snap.pages = (int)(i % 7);
	snap.ver.major = 1;
	snap.ver.minor = (unsigned short)(i % 4);
	snprintf(snap.tag, sizeof(snap.tag), "s%ld", i % 1000);
	snap.level = (unsigned)(i % 8);
	snap.dirty = 1;

	mgr.BeginSnapshot(files[i % 2], dbs[i % 3]);
	c->begin_cc++;
	c->db[i % 3]++;
	if (i % 2 == 0) {
		mgr.BeginSnapshot(&snap);
		c->begin_ptr++;
		c->ptr_pages += snap.pages;
		c->ptr_minor += snap.ver.minor;
		c->ptr_level += snap.level;
		c->ptr_dirty += snap.dirty;
	}
	if (i % 3 == 0) {
		mgr.BeginSnapshot(snap, (int)(i % 5));
		c->begin_ref++;
		c->ref_level += i % 5;
		c->ref_pages += snap.pages;
		c->ref_id += snap.id;
	}
	c->end_id += snap.id;
	mgr.EndSnapshot(snap);
	c->end++;
	/* virtual calls: FastEngine on every third iteration */
	engines[i % 3 == 0]->step(i);
	if (i % 3 == 0)
		c->fast_step++;
	else {
		c->step++;
		c->step_x += i;
	}
	shop::Accumulate<long>(i, 1);
	c->acc_long++;
	if (i % 4 == 0) {
		c->acc_int_ret += shop::Accumulate<int>((int)i, 2);
		c->acc_int++;
	}
	shop::detail::Hash(snap.db);
	c->hash++;
	cxx_tick();
	c->tick++;
}

static TRACED void run(long n, struct counts *c)
{
	shop::SnapshotAndLogManager mgr;
	shop::Engine plain;
	shop::FastEngine fast;
	shop::Engine *engines[2] = { &plain, &fast };

	for (long i = 0; i < n; i++)
		run_one(i, mgr, engines, c);
}

/* The function pointers of call_hook: shop::detail::Twice in this
 * program, atol in libc, std::terminate in libstdc++, and the function
 * named by -d's SYMBOL in the library -d loads. */
static void hooks(long n, const char *dl, struct counts *c)
{
	void (*term)() noexcept = std::terminate;
	void *lib = NULL, *sym = NULL;

	if (dl) {
		const char *colon = strchr(dl, ':');
		char path[4096];

		if (!colon || (size_t)(colon - dl) >= sizeof(path)) {
			fprintf(stderr, "cxxsim: -d wants LIBRARY:SYMBOL\n");
			exit(2);
		}
		memcpy(path, dl, (size_t)(colon - dl));
		path[colon - dl] = '\0';
		lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		sym = lib ? dlsym(lib, colon + 1) : NULL;
		if (!sym) {
			fprintf(stderr, "cxxsim: %s\n", dlerror());
			exit(2);
		}
	}
	for (long i = 0; i < n; i++) {
		call_hook((const void *)&shop::detail::Twice);
		c->hooks_self++;
		if (i % 2 == 0) {
			call_hook((const void *)&atol);
			c->hooks_libc++;
		}
		if (i % 5 == 0) {
			call_hook((const void *)term);
			c->hooks_cxx++;
		}
		if (sym && i % 4 == 0) {
			call_hook(sym);
			c->hooks_dl++;
		}
	}
	/* keep the library mapped: its frames are symbolised after exit
	 * from what plumb saw while the process lived */
	(void)lib;
}

static void print_truth(const struct counts *c, const char *dlsym_name)
{
	long begin = c->begin_cc + c->begin_ptr + c->begin_ref;

	printf("func %ld shop::SnapshotAndLogManager::BeginSnapshot(char const*, char const*)\n",
	       c->begin_cc);
	printf("func %ld shop::SnapshotAndLogManager::BeginSnapshot(shop::Snapshot const*)\n",
	       c->begin_ptr);
	printf("func %ld shop::SnapshotAndLogManager::BeginSnapshot(shop::Snapshot const&, int)\n",
	       c->begin_ref);
	printf("func %ld shop::SnapshotAndLogManager::EndSnapshot(shop::Snapshot&)\n", c->end);
	printf("func %ld shop::Engine::step(long)\n", c->step);
	printf("func %ld shop::FastEngine::step(long)\n", c->fast_step);
	printf("func %ld long shop::Accumulate<long>(long, long)\n", c->acc_long);
	printf("func %ld int shop::Accumulate<int>(int, int)\n", c->acc_int);
	printf("func %ld shop::detail::Hash(char const*)\n", c->hash);
	printf("func %ld cxx_tick\n", c->tick);
	printf("method %ld shop::SnapshotAndLogManager::BeginSnapshot\n", begin);
	printf("method %ld shop::SnapshotAndLogManager::EndSnapshot\n", c->end);
	printf("method %ld step\n", c->step + c->fast_step);
	printf("snapshot.calls %ld\n", begin + c->end);
	printf("hook %ld shop::detail::Twice(long)\n", c->hooks_self);
	printf("hook %ld atol\n", c->hooks_libc);
	printf("hook %ld std::terminate()\n", c->hooks_cxx);
	if (dlsym_name)
		printf("hook %ld %s\n", c->hooks_dl, dlsym_name);
	printf("step.x.sum %ld\n", c->step_x);
	printf("acc_int.retval.sum %ld\n", c->acc_int_ret);
	printf("ref.level.sum %ld\n", c->ref_level);
	for (int i = 0; i < 3; i++)
		printf("db.%s %ld\n", dbs[i], c->db[i]);
	printf("ptr.pages.sum %ld\n", c->ptr_pages);
	printf("ptr.ver.minor.sum %ld\n", c->ptr_minor);
	printf("ptr.level.sum %ld\n", c->ptr_level);
	printf("ptr.dirty.sum %ld\n", c->ptr_dirty);
	printf("ref.pages.sum %ld\n", c->ref_pages);
	printf("ref.id.sum %ld\n", c->ref_id);
	printf("end.id.sum %ld\n", c->end_id);
	printf("sizeof.Snapshot %zu\n", sizeof(shop::Snapshot));
	printf("sizeof.Version %zu\n", sizeof(shop::Version));
	printf("offsetof.Snapshot.ver.minor %zu\n", offsetof(shop::Snapshot, ver.minor));
	printf("offsetof.Snapshot.tag %zu\n", offsetof(shop::Snapshot, tag));
	printf("pid %d\n", (int)getpid());
}

static void usage(void)
{
	fprintf(stderr, "usage: cxxsim [-n ITERS] [-d LIBRARY:SYMBOL] [-w] [-W] [-q]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long n = 100;
	const char *dl = NULL;
	bool wait = false, wait_end = false, quiet = false;
	struct counts c = {};
	int opt;

	while ((opt = getopt(argc, argv, "n:d:wWq")) != -1) {
		switch (opt) {
		case 'n': n = tgt_parse_long("cxxsim", 'n', optarg, 1, 10000000); break;
		case 'd': dl = optarg; break;
		case 'w': wait = true; break;
		case 'W': wait_end = true; break;
		case 'q': quiet = true; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (wait)
		tgt_wait_ready();
	run(n, &c);
	hooks(n, dl, &c);
	if (!quiet)
		print_truth(&c, dl ? strchr(dl, ':') + 1 : NULL);
	if (wait_end) {
		/* alive, everything loaded, until the test says so */
		printf("done\n");
		fflush(stdout);
		while ((opt = getchar()) != '\n' && opt != EOF)
			;
	}
	return 0;
}
