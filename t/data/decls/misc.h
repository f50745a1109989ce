/* Pointers, arrays of arrays, flexible arrays, function pointers,
 * anonymous members, typedef chains, integer type spellings. */
struct Node;
struct List { struct Node *head, **tail; unsigned long long n; };
struct Node { struct Node *next; void *data; const char *name; struct List *owner; };
struct Arr { char m[3][5]; int x; short s[2][2][3]; };
struct Flex { int n; long data[]; };
typedef struct Node node_t;
typedef node_t *node_ptr;
struct Ops { int (*open)(const char *, int); void (*close)(struct Node *); node_ptr first; };
struct Anon { int tag; union { int i; char c[6]; }; struct { short s; long l; }; char end; };
struct Ints { signed char a; unsigned short b; long long c; unsigned d; short int e; long unsigned int f;
	int8_t g; uint16_t h; int32_t i; uint64_t j; char k; };
struct Floats { char c; float f; double d; long double ld; char e; };
