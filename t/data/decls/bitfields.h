/* Bit-fields as GCC packs them: a field that would cross a unit of its
 * type's alignment starts the next one; zero-width and unnamed fields. */
struct B1 { char a; int x:3; char b; };
struct B2 { char a; int x:30; int y:3; };
struct B3 { char a; char x:7; char y:2; };
struct B4 { char a; long :5; char b; };
struct B5 { char a; int :0; char b; };
struct B6 { char a; long long x:40; int y:30; };
struct B7 { char a; short b:9, c:9; unsigned d:1; };
struct B8 { unsigned long f0:1, f1:63, f2:2; unsigned char t; };
struct B9 { _Bool on:1; enum { E0, E1, E2 } e:2; unsigned :4; signed s:5; };
union U1 { char a; int x:17; };
union U2 { char a; int :20; };
