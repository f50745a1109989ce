/* The example, and what it holds: C's layout on x86-64. */
struct Version { short major; char minor; long build; };
struct Snapshot { long id; char *db; int pages; struct Version ver; char tag[8]; };
enum Kind { K_NONE, K_READ, K_WRITE = 5, K_SYNC };
enum Signed { S_NEG = -3, S_POS = 7 };
enum Wide { W_BIG = 0x100000000 };
typedef unsigned int u32_t;
typedef struct { u32_t lo, hi; } pair_t;
union Value { long i; double d; char bytes[3]; struct Version v; };
struct Nest { char c; union Value val; pair_t p[3]; struct { char a; int b; } in; enum Kind k; };
