# SPDX-License-Identifier: GPL-2.0-only
# Writes random plumb programs over calls's add6(): t/data/random.progs is
# "python3 t/data/gen-random-programs.py 7 500". Every one that compiles must
# load (the verifier agrees with the code generator) and run.
import random, sys
rnd = random.Random(int(sys.argv[1]))
N = int(sys.argv[2])
def leaf():
    r = rnd.random()
    if r < 0.25: return str(rnd.randint(-100, 100))
    if r < 0.55: return "arg%d" % rnd.randint(0, 5)
    if r < 0.65: return rnd.choice(["pid", "tid", "cpu", "uid", "nsecs", "elapsed", "gid"])
    if r < 0.75: return "$v%d" % rnd.randint(0, 2)
    if r < 0.85: return "@p[%d]" % rnd.randint(0, 2)
    if r < 0.92: return "self->s%d" % rnd.randint(0, 1)
    return "(%s)arg%d" % (rnd.choice(["u8", "s8", "u16", "s16", "u32", "s32", "u64", "s64", "int", "unsigned char"]), rnd.randint(0, 5))
def expr(d):
    if d <= 0: return leaf()
    r = rnd.random()
    if r < 0.30: return "(%s %s %s)" % (expr(d-1), rnd.choice("+ - * / % & | ^ << >>".split()), expr(d-1))
    if r < 0.50: return "(%s %s %s)" % (expr(d-1), rnd.choice("== != < <= > >=".split()), expr(d-1))
    if r < 0.60: return "(%s %s %s)" % (expr(d-1), rnd.choice(["&&", "||"]), expr(d-1))
    if r < 0.67: return rnd.choice(["-", "~", "!"]) + expr(d-1)
    if r < 0.75: return "(%s ? %s : %s)" % (expr(d-1), expr(d-1), expr(d-1))
    if r < 0.82: return rnd.choice(['startswith(comm, "ca")', 'contains(comm, "al")', '(comm == "calls")', '(comm != "x")', '!startswith(comm, "zz")'])
    return leaf()
def agg():
    return rnd.choice(["count()", "sum(%s)", "hist(%s)", "lhist(%s, -50, 50, 10)", "min(%s)", "max(%s)", "avg(%s)", "stats(%s)"]).replace("%s", expr(2))
def stmt(d):
    r = rnd.random()
    if r < 0.2: return "$v%d = %s;" % (rnd.randint(0, 2), expr(d))
    if r < 0.32: return "@p[%d] %s %s;" % (rnd.randint(0, 2), rnd.choice(["=", "+=", "-=", "*=", "&=", "^=", "|=", "<<=", "/="]), expr(d))
    if r < 0.5: return "@%s[%s] = %s;" % (rnd.choice("c s h l m x a st".split()), expr(1), "AGG")
    if r < 0.58: return "self->s%d = %s;" % (rnd.randint(0, 1), expr(d))
    if r < 0.66: return 'printf("%%d %%x %%s %%u\\n", %s, %s, comm, %s);' % (expr(d), expr(d), expr(d))
    if r < 0.8 and d > 0: return "if (%s) { %s } else { %s }" % (expr(d), stmt(d-1), stmt(d-1))
    if r < 0.87: return "@k[comm, %s] = count();" % expr(1)
    if r < 0.93: return "@q[str(arg1, 8), %s] = sum(%s);" % (expr(1), expr(1))
    return "delete(@p[%d]);" % rnd.randint(0, 2)
aggs = {}
for i in range(N):
    body = []
    for j in range(rnd.randint(1, 4)):
        s = stmt(2)
        while "AGG" in s:
            # one aggregation kind per map name in a program
            name = s[1:s.index("[")]
            if name not in aggs: aggs[name] = None
            s = s.replace("AGG", agg(), 1)
        body.append(s)
    print("p:calls:add6 { @p[0] = 1; @p[1] = -1; @p[2] = 7; self->s0 = 1; self->s1 = 2; } p:calls:add6 /%s/ { $v0 = arg0; $v1 = arg1; $v2 = -2; %s }" % (expr(2).replace("$v0", "arg0").replace("$v1", "arg1").replace("$v2", "-2"), " ".join(body)))
