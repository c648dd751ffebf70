/*
 * Unit tests of compiler building blocks, each against values this file
 * works out on its own with plain loops and double arithmetic:
 *
 *  - atoll_scale_to_fixed (compiler/lower.c): mult * 2^-shift == scale
 *    exactly, or a flush to zero only where no int32 input can notice;
 *  - atoll_ast_walk (compiler/ast_walk.c): the instances visited are the
 *    points of the scheduled set in lexicographic schedule order;
 *  - the emitter's synchronisation (compiler/emit.c): a happens-before
 *    model of the emitted SIGNAL/WAIT stream (vector clocks, so that an
 *    order established through a third engine counts) orders every pair
 *    of conflicting accesses on different engines, every WAIT asks for
 *    no more SIGNALs than were emitted before it, no WAIT is redundant
 *    or on the waiter's own engine; random programs run on the
 *    functional model without DEADLOCK at queue depths 1, 2 and 8 and
 *    leave the same memory as a one-command-at-a-time run;
 *  - DMA coalescing and splitting (atoll_emit_dma): the emitted commands
 *    decoded field by field move the same multiset of (DRAM address, SPM
 *    partition, SPM address) triples as the original pattern;
 *  - atoll_predict_cmd (compiler/predict.c) against the counters the
 *    functional model measures for random valid single commands.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isl/ast.h>
#include <isl/ast_build.h>
#include <isl/ctx.h>
#include <isl/union_map.h>

#include "ast_walk.h"
#include "atoll_isa.h"
#include "emit.h"
#include "harness.h"
#include "hwcfg.h"
#include "isa.h"
#include "lower.h"
#include "predict.h"
#include "refmodel.h"

#define SET(w, F, v) ATOLL_SET(w, ATOLL_##F, v)

/* ------------------------------------------------------------------ */
/* Deterministic PRNG (xorshift64*). */

static uint64_t rng_state = 1;

static void rng_seed(uint64_t s)
{
	rng_state = s * 0x9e3779b97f4a7c15ull + 0x2545f4914f6cdd1dull;
	if (!rng_state)
		rng_state = 1;
}

static uint32_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t) ((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

/* A uniform integer in [lo, hi]. */
static int64_t rng_in(int64_t lo, int64_t hi)
{
	uint64_t r = (uint64_t) rng() << 32;

	r |= rng();
	return lo + (int64_t) (r % (uint64_t) (hi - lo + 1));
}

static int64_t fdiv(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* ------------------------------------------------------------------ */
/* 1. atoll_scale_to_fixed */

/* A scale the hardware can apply: finite, not negative and below 2^31
 * (a larger one needs mult >= 2^31 even with shift 0).
 */
static int scale_should_succeed(float s)
{
	return !isnan(s) && s >= 0 && (double) s < 2147483648.0;
}

/* Check the contract of atoll_scale_to_fixed for "s": rejection exactly
 * when the scale cannot be applied; otherwise shift in [0,63],
 * 0 <= mult < 2^31 and mult * 2^-shift == s exactly, except that a scale
 * so small that |INT32_MAX * s| < 0.25 (so the rounded product of any
 * int32 is 0) may become mult 0.
 */
static int scale_check(float s)
{
	int32_t mult = -7;
	int shift = -7;
	int r = atoll_scale_to_fixed(s, &mult, &shift);

	if (!scale_should_succeed(s)) {
		CHECKF(r < 0, "scale %a accepted: mult %d shift %d",
			(double) s, mult, shift);
		return 0;
	}
	CHECKF(r == 0, "scale %a (%g) rejected", (double) s, (double) s);
	CHECKF(shift >= 0 && shift <= 63, "scale %a: shift %d", (double) s,
		shift);
	CHECKF(mult >= 0, "scale %a: mult %d", (double) s, mult);
	if (mult == 0) {
		CHECKF(fabs(2147483647.0 * (double) s) < 0.25,
			"scale %a (%g) flushed to mult 0 (shift %d)",
			(double) s, (double) s, shift);
		return 0;
	}
	CHECKF(ldexp((double) mult, -shift) == (double) s,
		"scale %a: mult %d * 2^-%d = %a", (double) s, mult, shift,
		ldexp((double) mult, -shift));
	return 0;
}

static int test_scale_edges(void)
{
	static const float nan_f = NAN;
	const float s[] = {
		0.0f, -0.0f, ldexpf(1.0f, -149), ldexpf(0x7fffff, -149),
		ldexpf(1.0f, -126), 1.0f, 127.9f, 128.0f, 0.5f, 0.25f,
		0.1f, 1.0f / 3.0f, 3.0f, 1000.5f, ldexpf(1.0f, -33),
		ldexpf(0xffffff, -57), ldexpf(1.0f, -34), ldexpf(3.0f, -35),
		ldexpf(1.0f, -40), ldexpf(0xffffff, -64), ldexpf(1.0f, 24),
		ldexpf(0xffffff, 6), ldexpf(1.0f, 30), ldexpf(3.0f, 29),
		ldexpf(0xffffff, 7), ldexpf(1.0f, 31), ldexpf(0x800001, 8),
		1e10f, 1e30f, 3.4028235e38f, -1.0f, -1e-30f,
		-ldexpf(1.0f, -149), -128.0f, nan_f, -nan_f, INFINITY,
		-INFINITY,
	};
	size_t i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (scale_check(s[i]))
			return 1;
	return 0;
}

/* A float 2^e * m / 2^23 with a 24-bit mantissa m whose low "drop" bits
 * are zero (short mantissas exercise the trailing-zero trimming).
 */
static float scale_random(int elo, int ehi)
{
	uint32_t m = (1u << 23) | (rng() & 0x7fffffu);
	int drop = (int) (rng() % 24);
	int e = (int) rng_in(elo, ehi);

	m &= ~((1u << drop) - 1);
	return (float) ldexp((double) m, e - 23);
}

static int test_scale_random(void)
{
	int i;

	rng_seed(1);
	for (i = 0; i < 20000; i++)
		if (scale_check(scale_random(-40, 6)))
			return 1;
	for (i = 0; i < 5000; i++)
		if (scale_check(scale_random(-149, 40)))
			return 1;
	for (i = 0; i < 2000; i++)
		if (scale_check(-scale_random(-40, 6)))
			return 1;
	return 0;
}

/* Every scale at or above 2^-33 with a 24-bit mantissa is representable
 * with shift <= 56 and must come back exact (never flushed).
 */
static int test_scale_exact_range(void)
{
	int e, k;
	int32_t mult;
	int shift;
	float s;

	rng_seed(2);
	for (e = -33; e <= 30; e++)
		for (k = 0; k < 50; k++) {
			s = scale_random(e, e);
			CHECK(atoll_scale_to_fixed(s, &mult, &shift) == 0);
			CHECKF(mult > 0 && ldexp((double) mult, -shift) ==
				(double) s, "scale %a: mult %d shift %d",
				(double) s, mult, shift);
		}
	return 0;
}

/* ------------------------------------------------------------------ */
/* 2. atoll_ast_walk */

#define INST_MAX 1024

struct inst {
	char stmt[8];
	int nargs;
	int64_t arg[4];
	int nkey;
	int64_t key[5];
};

struct inst_list {
	struct inst v[INST_MAX];
	int n;
	int bad;
	int stop_after;
	int calls;
};

static void inst_add(struct inst_list *l, const char *stmt, int nargs,
	const int64_t *arg, int nkey, const int64_t *key)
{
	struct inst *p;

	if (l->n >= INST_MAX || nargs > 4 || nkey > 5) {
		l->bad = 1;
		return;
	}
	p = &l->v[l->n++];
	memset(p, 0, sizeof(*p));
	snprintf(p->stmt, sizeof(p->stmt), "%s", stmt);
	p->nargs = nargs;
	memcpy(p->arg, arg, nargs * sizeof(*arg));
	p->nkey = nkey;
	memcpy(p->key, key, nkey * sizeof(*key));
}

static int inst_record(const char *stmt, const int64_t *args, int nargs,
	void *user)
{
	struct inst_list *l = user;

	l->calls++;
	if (l->stop_after && l->n >= l->stop_after)
		return 7;
	inst_add(l, stmt, nargs, args, 0, NULL);
	return 0;
}

static int inst_cmp_key(const void *a, const void *b)
{
	const struct inst *x = a, *y = b;
	int i;

	for (i = 0; i < x->nkey && i < y->nkey; i++)
		if (x->key[i] != y->key[i])
			return x->key[i] < y->key[i] ? -1 : 1;
	return x->nkey - y->nkey;
}

static void add_pt(struct inst_list *l, const char *stmt, int nargs,
	int64_t a0, int64_t a1, int nkey, int64_t k0, int64_t k1, int64_t k2,
	int64_t k3)
{
	int64_t a[2] = { a0, a1 };
	int64_t k[4] = { k0, k1, k2, k3 };

	inst_add(l, stmt, nargs, a, nkey, k);
}

/* { S[i,j] -> [i,j] : 0 <= i < 5 and 0 <= j <= i } */
static void exp_triangle(struct inst_list *l)
{
	int64_t i, j;

	for (i = 0; i < 5; i++)
		for (j = 0; j <= i; j++)
			add_pt(l, "S", 2, i, j, 2, i, j, 0, 0);
}

/* { S[i,j] -> [floor(i/4), floor(j/3), i, j] : 0 <= i < 10, 0 <= j < 7 } */
static void exp_tiled(struct inst_list *l)
{
	int64_t i, j;

	for (i = 0; i < 10; i++)
		for (j = 0; j < 7; j++)
			add_pt(l, "S", 2, i, j, 4, fdiv(i, 4), fdiv(j, 3), i,
				j);
}

/* { T[i] -> [i] : 0 <= i < 10 and i mod 3 = 0 } */
static void exp_stride(struct inst_list *l)
{
	int64_t i;

	for (i = 0; i < 10; i++)
		if (i % 3 == 0)
			add_pt(l, "T", 1, i, 0, 1, i, 0, 0, 0);
}

/* { U[i,j] -> [i,j] : 0 <= i,j < 8 and i - 3 <= j <= i + 2 } */
static void exp_band(struct inst_list *l)
{
	int64_t i, j;

	for (i = 0; i < 8; i++)
		for (j = 0; j < 8; j++)
			if (j >= i - 3 && j <= i + 2)
				add_pt(l, "U", 2, i, j, 2, i, j, 0, 0);
}

/* Negative coordinates through floor division and a parity test. */
static void exp_negative(struct inst_list *l)
{
	int64_t i, j;

	for (i = -7; i <= 6; i++)
		for (j = -3; j <= 2; j++)
			if ((((i + j) % 2) + 2) % 2 == 0)
				add_pt(l, "S", 2, i, j, 3, fdiv(i, 4), j, i, 0);
}

static void exp_two_stmts(struct inst_list *l)
{
	int64_t i;

	for (i = 0; i < 6; i++) {
		add_pt(l, "A", 1, i, 0, 2, i, 0, 0, 0);
		if (i % 2 == 1)
			add_pt(l, "B", 1, i, 0, 2, i, 1, 0, 0);
	}
}

/* { S[i] -> [floor(i/8), i] : 0 <= i < 21 }: a partial last tile. */
static void exp_tile_min(struct inst_list *l)
{
	int64_t i;

	for (i = 0; i < 21; i++)
		add_pt(l, "S", 1, i, 0, 2, fdiv(i, 8), i, 0, 0);
}

/* { S[i,j] -> [i + j, j] : 0 <= i < 4 and 0 <= j < 3 }: skewed. */
static void exp_skew(struct inst_list *l)
{
	int64_t i, j;

	for (i = 0; i < 4; i++)
		for (j = 0; j < 3; j++)
			add_pt(l, "S", 2, i, j, 2, i + j, j, 0, 0);
}

/* { S[i,j] -> [i,j] : 0 <= i < 5 and j = 2i + 1 }: degenerate inner. */
static void exp_equality(struct inst_list *l)
{
	int64_t i;

	for (i = 0; i < 5; i++)
		add_pt(l, "S", 2, i, 2 * i + 1, 2, i, 2 * i + 1, 0, 0);
}

/* Tiles of a sum: floor((i + j)/3), floor(i/2). */
static void exp_tile_sum(struct inst_list *l)
{
	int64_t i, j;

	for (i = 0; i < 7; i++)
		for (j = 0; j < 5; j++)
			add_pt(l, "S", 2, i, j, 4, fdiv(i + j, 3), fdiv(i, 2),
				i, j);
}

/* Three statements, one without arguments, sequenced by a scalar. */
static void exp_sequence(struct inst_list *l)
{
	int64_t i, j;

	for (i = 0; i < 3; i++)
		add_pt(l, "P", 1, i, 0, 3, 0, i, 0, 0);
	for (i = 0; i < 3; i++)
		for (j = 0; j < i; j++)
			add_pt(l, "Q", 2, i, j, 3, 1, i, j, 0);
	add_pt(l, "R", 0, 0, 0, 3, 2, 0, 0, 0);
}

/* { S[i] -> [-i] : 0 <= i < 5 }: a reversed loop, S(-c0). */
static void exp_reverse(struct inst_list *l)
{
	int64_t i;

	for (i = 0; i < 5; i++)
		add_pt(l, "S", 1, i, 0, 1, -i, 0, 0, 0);
}

/* Tiles with strides and an offset: i = 3k + 1, tiles of 5. */
static void exp_stride_tile(struct inst_list *l)
{
	int64_t i, j;

	for (i = -10; i < 30; i++)
		for (j = 0; j < 3; j++)
			if (((i - 1) % 3 + 3) % 3 == 0 && i + j >= 0)
				add_pt(l, "S", 2, i, j, 3, fdiv(i, 5), j, i, 0);
}

/* { S[i,j] -> [i,j] : -6 <= i <= 6 and -3 <= 3j <= i - 1 }: the inner
 * bound is floord(c0 - 1, 3) of a possibly negative dividend.
 */
static void exp_floord_bound(struct inst_list *l)
{
	int64_t i, j;

	for (i = -6; i <= 6; i++)
		for (j = -5; j <= 5; j++)
			if (-3 <= 3 * j && 3 * j <= i - 1)
				add_pt(l, "S", 2, i, j, 2, i, j, 0, 0);
}

/* (i + j) mod 4 in {0, 1}: a guard with floord of negative values. */
static void exp_floord_guard(struct inst_list *l)
{
	int64_t i, j;

	for (i = -9; i <= 9; i++)
		for (j = 0; j <= 2; j++)
			if (i + j - 4 * fdiv(i + j, 4) <= 1)
				add_pt(l, "S", 2, i, j, 2, i, j, 0, 0);
}

/* Complementary guards: isl emits if/else. */
static void exp_if_else(struct inst_list *l)
{
	int64_t i, j;

	for (i = 0; i < 10; i++)
		for (j = 0; j < 2; j++)
			add_pt(l, (i + j) % 3 ? "B" : "A", 2, i, j, 2, i, j, 0,
				0);
}

struct ast_case {
	const char *sched;
	void (*expect)(struct inst_list *l);
};

static const struct ast_case ast_cases[] = {
	{ "{ S[i,j] -> [i,j] : 0 <= i < 5 and 0 <= j <= i }", exp_triangle },
	{ "{ S[i,j] -> [floor(i/4), floor(j/3), i, j] : 0 <= i < 10 and "
	  "0 <= j < 7 }", exp_tiled },
	{ "{ T[i] -> [i] : 0 <= i < 10 and i mod 3 = 0 }", exp_stride },
	{ "{ U[i,j] -> [i,j] : 0 <= i < 8 and 0 <= j < 8 and "
	  "i - 3 <= j <= i + 2 }", exp_band },
	{ "{ S[i,j] -> [floor(i/4), j, i] : -7 <= i <= 6 and -3 <= j <= 2 "
	  "and (i + j) mod 2 = 0 }", exp_negative },
	{ "{ A[i] -> [i, 0] : 0 <= i < 6; B[i] -> [i, 1] : 0 <= i < 6 and "
	  "i mod 2 = 1 }", exp_two_stmts },
	{ "{ S[i] -> [floor(i/8), i] : 0 <= i < 21 }", exp_tile_min },
	{ "{ S[i,j] -> [i + j, j] : 0 <= i < 4 and 0 <= j < 3 }", exp_skew },
	{ "{ S[i,j] -> [i,j] : 0 <= i < 5 and j = 2i + 1 }", exp_equality },
	{ "{ S[i,j] -> [floor((i+j)/3), floor(i/2), i, j] : 0 <= i < 7 and "
	  "0 <= j < 5 }", exp_tile_sum },
	{ "{ P[i] -> [0, i, 0] : 0 <= i < 3; Q[i,j] -> [1, i, j] : "
	  "0 <= j < i < 3; R[] -> [2, 0, 0] }", exp_sequence },
	{ "{ S[i] -> [-i] : 0 <= i < 5 }", exp_reverse },
	{ "{ S[i,j] -> [floor(i/5), j, i] : -10 <= i < 30 and 0 <= j < 3 "
	  "and i + j >= 0 and exists k : i = 3k + 1 }", exp_stride_tile },
	{ "{ S[i,j] -> [i,j] : -6 <= i <= 6 and -3 <= 3j <= i - 1 }",
	  exp_floord_bound },
	{ "{ S[i,j] -> [i, j] : -9 <= i <= 9 and 0 <= j <= 2 and "
	  "exists k : 4k <= i + j <= 4k + 1 }", exp_floord_guard },
	{ "{ A[i,j] -> [i,j] : 0 <= i < 10 and 0 <= j < 2 and "
	  "(i + j) mod 3 = 0; B[i,j] -> [i,j] : 0 <= i < 10 and 0 <= j < 2 "
	  "and (i + j) mod 3 >= 1 }", exp_if_else },
};

/* Build the AST of "sched" and walk it into "got".  Returns the walk's
 * result, or -100 when isl fails.
 */
static int ast_walk_str(isl_ctx *ctx, const char *sched,
	struct inst_list *got)
{
	isl_union_map *umap = isl_union_map_read_from_str(ctx, sched);
	isl_ast_build *build = isl_ast_build_alloc(ctx);
	isl_ast_node *ast;
	int r;

	ast = isl_ast_build_node_from_schedule_map(build, umap);
	isl_ast_build_free(build);
	if (!ast)
		return -100;
	r = atoll_ast_walk(ast, inst_record, got);
	isl_ast_node_free(ast);
	return r;
}

static int ast_compare(const char *sched, const struct inst_list *got,
	const struct inst_list *exp)
{
	int i, k;

	CHECKF(!got->bad && !exp->bad, "%s: list overflow", sched);
	CHECKF(got->n == exp->n, "%s: %d instances visited, %d expected",
		sched, got->n, exp->n);
	for (i = 0; i < exp->n; i++) {
		const struct inst *g = &got->v[i], *e = &exp->v[i];

		CHECKF(!strcmp(g->stmt, e->stmt) && g->nargs == e->nargs,
			"%s: instance %d is %s/%d, expected %s/%d", sched, i,
			g->stmt, g->nargs, e->stmt, e->nargs);
		for (k = 0; k < e->nargs; k++)
			CHECKF(g->arg[k] == e->arg[k], "%s: instance %d arg %d "
				"is %lld, expected %lld", sched, i, k,
				(long long) g->arg[k], (long long) e->arg[k]);
	}
	return 0;
}

static int ast_case_run(isl_ctx *ctx, const struct ast_case *c,
	struct inst_list *got, struct inst_list *exp)
{
	int r;

	memset(got, 0, sizeof(*got));
	memset(exp, 0, sizeof(*exp));
	c->expect(exp);
	qsort(exp->v, exp->n, sizeof(exp->v[0]), inst_cmp_key);
	r = ast_walk_str(ctx, c->sched, got);
	CHECKF(r == 0, "%s: atoll_ast_walk returned %d", c->sched, r);
	return ast_compare(c->sched, got, exp);
}

static int test_ast_walk(void)
{
	isl_ctx *ctx = isl_ctx_alloc();
	struct inst_list *got = malloc(sizeof(*got));
	struct inst_list *exp = malloc(sizeof(*exp));
	size_t i;
	int r = 0;

	if (!ctx || !got || !exp)
		r = 1;
	for (i = 0; r == 0 && i < sizeof(ast_cases) / sizeof(ast_cases[0]);
	     i++)
		r = ast_case_run(ctx, &ast_cases[i], got, exp);
	free(got);
	free(exp);
	isl_ctx_free(ctx);
	return r;
}

/* A callback's non-zero result stops the walk (inside a loop nest and
 * inside a block) and is reported.
 */
static int ast_stop_case(isl_ctx *ctx, const char *sched, int after)
{
	struct inst_list *got = calloc(1, sizeof(*got));
	int r, calls;

	if (!got)
		return 1;
	got->stop_after = after;
	r = ast_walk_str(ctx, sched, got);
	calls = got->calls;
	free(got);
	CHECKF(r != 0 && r != -100, "%s: walk returned %d", sched, r);
	CHECKF(calls == after + 1, "%s: %d calls after a failure at call %d",
		sched, calls, after + 1);
	return 0;
}

static int test_ast_walk_stop(void)
{
	isl_ctx *ctx = isl_ctx_alloc();
	int r;

	if (!ctx)
		return 1;
	r = ast_stop_case(ctx, ast_cases[0].sched, 3);
	if (!r)
		r = ast_stop_case(ctx, "{ P[i] -> [0, i] : 0 <= i < 3; "
			"Q[i] -> [1, i] : 0 <= i < 3 }", 1);
	if (!r)
		r = ast_stop_case(ctx, "{ P[i] -> [0, i] : 0 <= i < 3; "
			"Q[i] -> [1, i] : 0 <= i < 3 }", 3);
	isl_ctx_free(ctx);
	return r;
}

/* ------------------------------------------------------------------ */
/* 3. Emitter synchronisation */

#define HB_SEMS 16
#define HB_MAXSIG 4096
#define HB_MAXCMD 4096
#define NBUF 8

static int op_engine(uint32_t op)
{
	switch (op) {
	case ATOLL_OP_DMA_IN:
		return 0;
	case ATOLL_OP_DMA_OUT:
		return 1;
	case ATOLL_OP_LDW:
	case ATOLL_OP_MM:
		return 2;
	case ATOLL_OP_ACT:
	case ATOLL_OP_ADD:
	case ATOLL_OP_POOL:
		return 3;
	default:
		return -1;
	}
}

/* One command as the test issued it: its engine and buffer uses. */
struct issued {
	int engine;
	int nb;
	int buf[4];
	int use[4];
};

/* The issued commands of one test program and where barriers were. */
struct issue_log {
	struct issued c[HB_MAXCMD];
	int n;
	int barrier[64];
	int nbarrier;
};

/* Happens-before state: vector clocks over per-engine command positions
 * (SEM commands included).  vc[e][f] = number of commands of engine f
 * known complete when engine e's next command starts.
 */
struct hb {
	uint32_t pos[ATOLL_ENGINES];
	uint32_t vc[ATOLL_ENGINES][ATOLL_ENGINES];
	int sem_engine[HB_SEMS];
	uint32_t nsig[HB_SEMS];
	uint32_t rel[HB_SEMS][HB_MAXSIG][ATOLL_ENGINES];
	uint32_t maxwait[ATOLL_ENGINES][HB_SEMS];
	uint32_t cpos[HB_MAXCMD];
	uint32_t clk[HB_MAXCMD][ATOLL_ENGINES];
};

static int hb_signal(struct hb *h, int e, uint32_t s, uint32_t v)
{
	CHECKF(s < HB_SEMS && v == 0, "SIGNAL sem %u value %u", s, v);
	CHECKF(h->sem_engine[s] < 0 || h->sem_engine[s] == e,
		"semaphore %u signalled by engines %d and %d", s,
		h->sem_engine[s], e);
	CHECK(h->nsig[s] < HB_MAXSIG);
	h->sem_engine[s] = e;
	h->vc[e][e] = h->pos[e];
	memcpy(h->rel[s][h->nsig[s]], h->vc[e], sizeof(h->vc[e]));
	h->nsig[s]++;
	return 0;
}

/* A WAIT for "v" SIGNALs of semaphore "s" (all from one engine, in order)
 * acquires the clock released by the v-th of them.
 */
static int hb_wait(struct hb *h, int e, uint32_t s, uint32_t v)
{
	int f;

	CHECKF(s < HB_SEMS, "WAIT sem %u", s);
	CHECKF(v >= 1 && v <= h->nsig[s], "WAIT engine %d sem %u value %u "
		"with %u SIGNALs emitted before it", e, s, v, h->nsig[s]);
	CHECKF(h->sem_engine[s] != e, "engine %d waits on semaphore %u that "
		"only it signals", e, s);
	CHECKF(v > h->maxwait[e][s], "redundant WAIT engine %d sem %u value "
		"%u after a WAIT for %u", e, s, v, h->maxwait[e][s]);
	h->maxwait[e][s] = v;
	for (f = 0; f < ATOLL_ENGINES; f++)
		h->vc[e][f] = (uint32_t) max64(h->vc[e][f],
			h->rel[s][v - 1][f]);
	return 0;
}

static int hb_sem(struct hb *h, const uint32_t *w)
{
	uint32_t op = w[0] & 0xff;
	int e = (int) ATOLL_GETU(w, ATOLL_SEM_ENGINE);
	uint32_t s = ATOLL_GETU(w, ATOLL_SEM_SEM);
	uint32_t v = ATOLL_GETU(w, ATOLL_SEM_VALUE);

	h->pos[e]++;
	if (op == ATOLL_OP_SIGNAL)
		return hb_signal(h, e, s, v);
	return hb_wait(h, e, s, v);
}

/* Replay the stream, giving each issued command its position and the
 * clock it starts with.
 */
static int hb_replay(struct hb *h, const atoll_emit *em,
	const struct issue_log *log)
{
	size_t i;
	int k = 0, e;

	for (i = 0; i < em->ncmds; i++) {
		const uint32_t *w = em->cmds + i * ATOLL_CMD_WORDS;
		uint32_t op = w[0] & 0xff;

		if (op == ATOLL_OP_WAIT || op == ATOLL_OP_SIGNAL) {
			if (hb_sem(h, w))
				return 1;
			continue;
		}
		if (op == ATOLL_OP_END)
			continue;
		e = op_engine(op);
		CHECKF(k < log->n && e == log->c[k].engine, "command %zu "
			"(opcode %u) does not match issued command %d", i, op,
			k);
		h->pos[e]++;
		h->vc[e][e] = h->pos[e] - 1;
		h->cpos[k] = h->pos[e];
		memcpy(h->clk[k], h->vc[e], sizeof(h->vc[e]));
		h->vc[e][e] = h->pos[e];
		k++;
	}
	CHECKF(k == log->n, "%d commands in the stream, %d issued", k, log->n);
	return 0;
}

static int conflict(const struct issued *a, const struct issued *b)
{
	int i, j;

	for (i = 0; i < a->nb; i++)
		for (j = 0; j < b->nb; j++)
			if (a->buf[i] == b->buf[j] &&
			    ((a->use[i] | b->use[j]) & ATOLL_USE_WRITE))
				return 1;
	return 0;
}

static int hb_check_pairs(const struct hb *h, const struct issue_log *log)
{
	int p, c;

	for (c = 0; c < log->n; c++)
		for (p = 0; p < c; p++) {
			int ep = log->c[p].engine;

			if (ep == log->c[c].engine ||
			    !conflict(&log->c[p], &log->c[c]))
				continue;
			CHECKF(h->clk[c][ep] >= h->cpos[p], "command %d "
				"(engine %d) not ordered after conflicting "
				"command %d (engine %d)", c, log->c[c].engine,
				p, ep);
		}
	return 0;
}

/* After a barrier, every command starts after every command issued
 * before it on every other engine.
 */
static int hb_check_barriers(const struct hb *h,
	const struct issue_log *log)
{
	int b, c, p;

	for (b = 0; b < log->nbarrier; b++)
		for (c = log->barrier[b]; c < log->n; c++)
			for (p = 0; p < log->barrier[b]; p++) {
				int ep = log->c[p].engine;

				if (ep == log->c[c].engine)
					continue;
				CHECKF(h->clk[c][ep] >= h->cpos[p],
					"command %d not after barrier %d "
					"(command %d)", c, b, p);
			}
	return 0;
}

/* Every SIGNAL is needed by some WAIT. */
static int hb_check_signals(const struct hb *h)
{
	uint32_t s, most;
	int e;

	for (s = 0; s < HB_SEMS; s++) {
		most = 0;
		for (e = 0; e < ATOLL_ENGINES; e++)
			most = (uint32_t) max64(most, h->maxwait[e][s]);
		CHECKF(h->nsig[s] <= most, "semaphore %u: %u SIGNALs, "
			"WAITs for at most %u", s, h->nsig[s], most);
	}
	return 0;
}

static int hb_check(const atoll_emit *em, const struct issue_log *log)
{
	struct hb *h = calloc(1, sizeof(*h));
	int r, s;

	if (!h)
		return 1;
	for (s = 0; s < HB_SEMS; s++)
		h->sem_engine[s] = -1;
	r = hb_replay(h, em, log);
	if (!r)
		r = hb_check_pairs(h, log);
	if (!r)
		r = hb_check_barriers(h, log);
	if (!r)
		r = hb_check_signals(h);
	free(h);
	return r;
}

static const char *op_name(uint32_t op)
{
	switch (op) {
	case ATOLL_OP_END: return "END";
	case ATOLL_OP_DMA_IN: return "IN";
	case ATOLL_OP_DMA_OUT: return "OUT";
	case ATOLL_OP_LDW: return "LDW";
	case ATOLL_OP_MM: return "MM";
	case ATOLL_OP_ACT: return "ACT";
	case ATOLL_OP_ADD: return "ADD";
	case ATOLL_OP_POOL: return "POOL";
	default: return "?";
	}
}

/* The stream as text: "IN S0/0 W2/0=1 MM" (S<engine>/<sem>,
 * W<engine>/<sem>=<value>).
 */
static void stream_str(const atoll_emit *em, char *s, size_t len)
{
	size_t i, n = 0;

	s[0] = '\0';
	for (i = 0; i < em->ncmds && n < len; i++) {
		const uint32_t *w = em->cmds + i * ATOLL_CMD_WORDS;
		uint32_t op = w[0] & 0xff;
		const char *sep = i ? " " : "";

		if (op == ATOLL_OP_SIGNAL)
			n += snprintf(s + n, len - n, "%sS%u/%u", sep,
				ATOLL_GETU(w, ATOLL_SEM_ENGINE),
				ATOLL_GETU(w, ATOLL_SEM_SEM));
		else if (op == ATOLL_OP_WAIT)
			n += snprintf(s + n, len - n, "%sW%u/%u=%u", sep,
				ATOLL_GETU(w, ATOLL_SEM_ENGINE),
				ATOLL_GETU(w, ATOLL_SEM_SEM),
				ATOLL_GETU(w, ATOLL_SEM_VALUE));
		else
			n += snprintf(s + n, len - n, "%s%s", sep, op_name(op));
	}
}

#define R ATOLL_USE_READ
#define W ATOLL_USE_WRITE
#define RW (ATOLL_USE_READ | ATOLL_USE_WRITE)
#define BARRIER 0

/* One atoll_emit_cmd call (op BARRIER: atoll_emit_barrier). */
struct em_step {
	uint32_t op;
	int nb;
	int buf[3];
	int use[3];
};

static int em_issue(atoll_emit *em, atoll_buf *bufs, struct issue_log *log,
	const struct em_step *st)
{
	uint32_t w[ATOLL_CMD_WORDS] = { 0 };
	atoll_buf *bp[3];
	struct issued *is;
	int i;

	if (st->op == BARRIER) {
		log->barrier[log->nbarrier++] = log->n;
		return atoll_emit_barrier(em);
	}
	is = &log->c[log->n++];
	is->engine = op_engine(st->op);
	is->nb = st->nb;
	for (i = 0; i < st->nb; i++) {
		bp[i] = &bufs[st->buf[i]];
		is->buf[i] = st->buf[i];
		is->use[i] = st->use[i];
	}
	SET(w, END_OPCODE, st->op);
	return atoll_emit_cmd(em, w, st->nb, bp, st->use);
}

struct em_case {
	const char *name;
	struct em_step step[8];
	const char *expect;
};

#define IN ATOLL_OP_DMA_IN
#define OUT ATOLL_OP_DMA_OUT
#define LDW ATOLL_OP_LDW
#define MM ATOLL_OP_MM
#define ACT ATOLL_OP_ACT
#define ADD ATOLL_OP_ADD
#define POOL ATOLL_OP_POOL

static const struct em_case em_cases[] = {
	{ "raw across engines", {
		{ IN, 1, { 0 }, { W } }, { MM, 1, { 0 }, { R } } },
	  "IN S0/0 W2/0=1 MM" },
	{ "same engine needs no sync", {
		{ LDW, 1, { 0 }, { W } }, { MM, 1, { 0 }, { RW } },
		{ ACT, 1, { 1 }, { W } }, { ADD, 2, { 1, 2 }, { R, W } },
		{ POOL, 2, { 2, 1 }, { R, W } } },
	  "LDW MM ACT ADD POOL" },
	{ "second wait redundant", {
		{ IN, 1, { 0 }, { W } }, { IN, 1, { 1 }, { W } },
		{ MM, 1, { 0 }, { R } }, { MM, 1, { 1 }, { R } } },
	  "IN IN S0/0 W2/0=1 MM MM" },
	{ "second wait needed", {
		{ IN, 1, { 0 }, { W } }, { MM, 1, { 0 }, { R } },
		{ IN, 1, { 1 }, { W } }, { MM, 1, { 1 }, { R } } },
	  "IN S0/0 W2/0=1 MM IN S0/0 W2/0=2 MM" },
	{ "write after read", {
		{ MM, 1, { 0 }, { R } }, { IN, 1, { 0 }, { W } } },
	  "MM S2/2 W0/2=1 IN" },
	{ "write after write", {
		{ IN, 1, { 0 }, { W } }, { ACT, 1, { 0 }, { W } } },
	  "IN S0/0 W3/0=1 ACT" },
	{ "read after read", {
		{ IN, 1, { 0 }, { R } }, { OUT, 1, { 0 }, { R } },
		{ MM, 1, { 0 }, { R } } },
	  "IN OUT MM" },
	{ "signal shared by two engines", {
		{ IN, 1, { 0 }, { W } }, { IN, 1, { 1 }, { W } },
		{ MM, 1, { 0 }, { R } }, { ACT, 1, { 1 }, { R } } },
	  "IN IN S0/0 W2/0=1 MM W3/0=1 ACT" },
	{ "earlier signal covers", {
		{ IN, 1, { 0 }, { W } }, { MM, 1, { 0 }, { R } },
		{ IN, 1, { 1 }, { W } }, { ACT, 1, { 0 }, { R } } },
	  "IN S0/0 W2/0=1 MM IN W3/0=1 ACT" },
	{ "chain", {
		{ IN, 1, { 0 }, { W } }, { MM, 2, { 0, 1 }, { R, W } },
		{ ACT, 2, { 1, 2 }, { R, W } },
		{ OUT, 2, { 2, 3 }, { R, W } } },
	  "IN S0/0 W2/0=1 MM S2/2 W3/2=1 ACT S3/3 W1/3=1 OUT" },
	{ "read-write then read", {
		{ IN, 1, { 0 }, { W } }, { ACT, 1, { 0 }, { RW } },
		{ MM, 1, { 0 }, { R } } },
	  "IN S0/0 W3/0=1 ACT S3/3 W2/3=1 MM" },
	{ "a write retires the reads before it", {
		{ MM, 1, { 0 }, { R } }, { IN, 1, { 0 }, { W } },
		{ ACT, 1, { 0 }, { W } } },
	  "MM S2/2 W0/2=1 IN S0/0 W3/0=1 ACT" },
	{ "no wait for dependences on the waiter's engine", {
		{ MM, 1, { 0 }, { W } }, { IN, 1, { 1 }, { W } },
		{ MM, 2, { 0, 1 }, { RW, R } }, { LDW, 1, { 0 }, { R } } },
	  "MM IN S0/0 W2/0=1 MM LDW" },
};

static int em_case_run(const struct em_case *c)
{
	atoll_hwcfg hw;
	atoll_diag d = { 0 };
	atoll_emit em;
	atoll_buf bufs[NBUF];
	struct issue_log *log = calloc(1, sizeof(*log));
	char got[512];
	int i, r = 0;

	if (!log)
		return 1;
	atoll_hwcfg_default(&hw);
	atoll_emit_init(&em, &hw, &d);
	for (i = 0; i < NBUF; i++)
		atoll_buf_init(&bufs[i], "b");
	for (i = 0; i < 8 && c->step[i].nb && r == 0; i++)
		r = em_issue(&em, bufs, log, &c->step[i]);
	stream_str(&em, got, sizeof(got));
	if (r == 0)
		r = hb_check(&em, log);
	atoll_emit_clear(&em);
	free(log);
	CHECKF(r == 0, "%s: emission or ordering failed", c->name);
	CHECKF(!strcmp(got, c->expect), "%s: got \"%s\", expected \"%s\"",
		c->name, got, c->expect);
	return 0;
}

static int test_emit_sync_directed(void)
{
	size_t i;

	for (i = 0; i < sizeof(em_cases) / sizeof(em_cases[0]); i++)
		if (em_case_run(&em_cases[i]))
			return 1;
	return 0;
}

/* A barrier makes every engine wait for everything emitted before. */
static int test_emit_barrier(void)
{
	static const struct em_step st[] = {
		{ IN, 1, { 0 }, { W } }, { MM, 1, { 1 }, { W } },
		{ BARRIER, 0, { 0 }, { 0 } }, { ACT, 1, { 2 }, { W } },
		{ OUT, 1, { 3 }, { W } }, { IN, 1, { 4 }, { W } },
		{ MM, 1, { 5 }, { W } }, { BARRIER, 0, { 0 }, { 0 } },
		{ BARRIER, 0, { 0 }, { 0 } }, { LDW, 1, { 6 }, { W } },
	};
	atoll_hwcfg hw;
	atoll_diag d = { 0 };
	atoll_emit em;
	atoll_buf bufs[NBUF];
	struct issue_log *log = calloc(1, sizeof(*log));
	size_t i;
	int r = 0;

	if (!log)
		return 1;
	atoll_hwcfg_default(&hw);
	atoll_emit_init(&em, &hw, &d);
	for (i = 0; i < NBUF; i++)
		atoll_buf_init(&bufs[i], "b");
	for (i = 0; i < sizeof(st) / sizeof(st[0]) && r == 0; i++)
		r = em_issue(&em, bufs, log, &st[i]);
	if (r == 0)
		r = hb_check(&em, log);
	atoll_emit_clear(&em);
	free(log);
	CHECK(r == 0);
	return 0;
}

/* Random uses of random buffers by all engines, with DMA calls and
 * barriers, checked by the happens-before model.
 */
static int em_random_step(atoll_emit *em, atoll_buf *bufs,
	struct issue_log *log)
{
	static const uint32_t ops[] = { IN, OUT, LDW, MM, ACT, ADD, POOL };
	atoll_dma_dim dim = { 1, 1, 1, 0 };
	struct em_step st;
	struct issued *is;
	int i, k = (int) rng_in(0, 49);

	memset(&st, 0, sizeof(st));
	if (k == 0)
		return em_issue(em, bufs, log, &st);
	if (k <= 6) {
		is = &log->c[log->n++];
		is->engine = k <= 3 ? 0 : 1;
		is->nb = 2;
		is->buf[0] = (int) rng_in(0, NBUF / 2 - 1);
		is->buf[1] = (int) rng_in(NBUF / 2, NBUF - 1);
		is->use[0] = k <= 3 ? W : R;
		is->use[1] = k <= 3 ? R : W;
		return atoll_emit_dma(em, k <= 3 ? IN : OUT, 0, 0, 0, &dim, 1,
			-1, &bufs[is->buf[0]], &bufs[is->buf[1]], "dma");
	}
	st.op = ops[rng_in(0, 6)];
	while (st.nb < 3 && (st.nb == 0 || rng_in(0, 1))) {
		st.buf[st.nb] = (int) rng_in(0, NBUF - 1);
		for (i = 0; i < st.nb && st.buf[i] != st.buf[st.nb]; i++)
			;
		if (i == st.nb)
			st.use[st.nb++] = (int) rng_in(1, 3);
	}
	return em_issue(em, bufs, log, &st);
}

static int test_emit_sync_random(void)
{
	atoll_hwcfg hw;
	atoll_diag d = { 0 };
	atoll_emit em;
	atoll_buf bufs[NBUF];
	struct issue_log *log = malloc(sizeof(*log));
	int seed, i, r = 0;

	if (!log)
		return 1;
	atoll_hwcfg_default(&hw);
	for (seed = 0; seed < 40 && r == 0; seed++) {
		rng_seed(100 + seed);
		memset(log, 0, sizeof(*log));
		atoll_emit_init(&em, &hw, &d);
		for (i = 0; i < NBUF; i++)
			atoll_buf_init(&bufs[i], "b");
		for (i = 0; i < 400 && r == 0 && log->nbarrier < 64; i++)
			r = em_random_step(&em, bufs, log);
		if (r == 0)
			r = hb_check(&em, log);
		atoll_emit_clear(&em);
		if (r)
			fprintf(stderr, "  seed %d\n", seed);
	}
	free(log);
	return r;
}

/* Random programs that the functional model can run: loads, LDW/MM,
 * ACT, ADD, POOL and stores on distinct SPM/PSUM regions reused over
 * and over.
 */
#define P_DIN(k) (0x10000u + 0x1000u * (k))
#define P_DOUT(k) (0x20000u + 0x1000u * (k))
#define P_SPM(k) (256u * (k))
#define P_PSUM(k) (64u * (k))
#define P_CMD_BASE 0x100000u
#define P_SPM_USED 2048u
#define P_PSUM_USED 256u

struct prog {
	atoll_hwcfg hw;
	atoll_diag diag;
	atoll_emit em;
	atoll_buf din[4], dout[4], spm[8], psum[4], wt;
	struct issue_log log;
};

/* Buffer ids of the issue log: din 0-3, dout 4-7, spm 8-15, psum 16-19,
 * weights 20.
 */
static int prog_cmd(struct prog *p, const uint32_t *w, int nb,
	atoll_buf **b, const int *use, const int *id)
{
	struct issued *is = &p->log.c[p->log.n++];
	int i;

	is->engine = op_engine(w[0] & 0xff);
	is->nb = nb;
	for (i = 0; i < nb; i++) {
		is->buf[i] = id[i];
		is->use[i] = use[i];
	}
	return atoll_emit_cmd(&p->em, w, nb, b, use);
}

static int prog_dma(struct prog *p, int in, int d, int s)
{
	atoll_dma_dim dims[2] = { { 64, 1, 1, 0 }, { 8, 64, 0, 1 } };
	struct issued *is = &p->log.c[p->log.n++];
	int fill = !in && rng_in(0, 5) == 0 ? (int) rng_in(0, 255) : -1;

	is->engine = in ? 0 : 1;
	is->nb = 2;
	is->buf[0] = 8 + s;
	is->buf[1] = in ? d : 4 + d;
	is->use[0] = in ? W : R;
	is->use[1] = in ? R : W;
	return atoll_emit_dma(&p->em, in ? IN : OUT, in ? P_DIN(d) : P_DOUT(d),
		0, P_SPM(s), dims, 2, fill, &p->spm[s],
		in ? &p->din[d] : &p->dout[d], "dma");
}

static int prog_ldw(struct prog *p, int s, int z)
{
	uint32_t w[ATOLL_CMD_WORDS] = { 0 };
	atoll_buf *b[3] = { &p->spm[s], &p->spm[z], &p->wt };
	int use[3] = { R, R, W }, id[3] = { 8 + s, 8 + z, 20 };

	SET(w, LDW_OPCODE, LDW);
	SET(w, LDW_W_SIGNED, rng() & 1);
	SET(w, LDW_NROWS, 8);
	SET(w, LDW_NCOLS, 8);
	SET(w, LDW_W_ADDR, P_SPM(s));
	SET(w, LDW_ZP_PART, rng_in(0, 7));
	SET(w, LDW_ZP_ADDR, P_SPM(z) + 8);
	return prog_cmd(p, w, s == z ? 2 : 3, s == z ? b + 1 : b,
		s == z ? use + 1 : use, s == z ? id + 1 : id);
}

static int prog_mm(struct prog *p, int s, int c)
{
	uint32_t w[ATOLL_CMD_WORDS] = { 0 };
	int acc = rng() & 1;
	atoll_buf *b[3] = { &p->spm[s], &p->wt, &p->psum[c] };
	int use[3] = { R, R, acc ? RW : W }, id[3] = { 8 + s, 20, 16 + c };

	SET(w, MM_OPCODE, MM);
	SET(w, MM_ACC, acc);
	SET(w, MM_X_SIGNED, rng() & 1);
	SET(w, MM_X_ZP, rng_in(0, 255));
	SET(w, MM_NROWS, 8);
	SET(w, MM_NCOLS, 8);
	SET(w, MM_X_ADDR, P_SPM(s));
	SET(w, MM_PITCH, 8);
	SET(w, MM_H, 4);
	SET(w, MM_W, 8);
	SET(w, MM_Y0, rng_in(-1, 1));
	SET(w, MM_X0, rng_in(-1, 1));
	SET(w, MM_SY, 1);
	SET(w, MM_SX, 1);
	SET(w, MM_N0, 8);
	SET(w, MM_N1, 4);
	SET(w, MM_PSUM_ADDR, P_PSUM(c));
	SET(w, MM_PS0, 1);
	SET(w, MM_PS1, 8);
	return prog_cmd(p, w, 3, b, use, id);
}

static int prog_act(struct prog *p, int c, int s)
{
	uint32_t w[ATOLL_CMD_WORDS] = { 0 };
	atoll_buf *b[2] = { &p->psum[c], &p->spm[s] };
	int use[2] = { R, W }, id[2] = { 16 + c, 8 + s };

	SET(w, ACT_OPCODE, ACT);
	SET(w, ACT_SRC_TYPE, 0);
	SET(w, ACT_DST_TYPE, rng() & 1);
	SET(w, ACT_NPARTS, 8);
	SET(w, ACT_SRC_ADDR, P_PSUM(c));
	SET(w, ACT_DST_ADDR, P_SPM(s));
	SET(w, ACT_N0, 32);
	SET(w, ACT_N1, 1);
	SET(w, ACT_SS0, 1);
	SET(w, ACT_DS0, 1);
	SET(w, ACT_MULT, rng_in(1, 1000));
	SET(w, ACT_SHIFT, rng_in(0, 12));
	SET(w, ACT_DST_ZP, rng_in(-5, 5));
	SET(w, ACT_CMIN, -200);
	SET(w, ACT_CMAX, 300);
	return prog_cmd(p, w, 2, b, use, id);
}

static int prog_add(struct prog *p, int a, int bb, int c)
{
	uint32_t w[ATOLL_CMD_WORDS] = { 0 };
	atoll_buf *b[3];
	int use[3], id[3], n = 0, k, i;
	int who[3] = { a, bb, c };

	for (k = 0; k < 3; k++) {
		for (i = 0; i < n && id[i] != 8 + who[k]; i++)
			;
		if (i == n) {
			b[n] = &p->spm[who[k]];
			id[n] = 8 + who[k];
			use[n++] = 0;
		}
		use[i] |= k < 2 ? R : W;
	}
	SET(w, ADD_OPCODE, ADD);
	SET(w, ADD_A_SIGNED, rng() & 1);
	SET(w, ADD_B_SIGNED, rng() & 1);
	SET(w, ADD_NPARTS, 8);
	SET(w, ADD_A_ADDR, P_SPM(a));
	SET(w, ADD_B_ADDR, P_SPM(bb) + 64);
	SET(w, ADD_DST_ADDR, P_SPM(c) + 32);
	SET(w, ADD_N0, 64);
	SET(w, ADD_N1, 1);
	SET(w, ADD_AS0, 1);
	SET(w, ADD_BS0, 1);
	SET(w, ADD_DS0, 1);
	SET(w, ADD_A_MULT, rng_in(-100, 100));
	SET(w, ADD_B_MULT, rng_in(-100, 100));
	SET(w, ADD_SHIFT, rng_in(0, 8));
	SET(w, ADD_CMIN, -128);
	SET(w, ADD_CMAX, 255);
	return prog_cmd(p, w, n, b, use, id);
}

static int prog_pool(struct prog *p, int a, int c)
{
	uint32_t w[ATOLL_CMD_WORDS] = { 0 };
	atoll_buf *b[2] = { &p->spm[a], &p->spm[c] };
	int use[2] = { R, W }, id[2] = { 8 + a, 8 + c };

	if (a == c)
		use[0] = RW;
	SET(w, POOL_OPCODE, POOL);
	SET(w, POOL_AVG, rng() & 1);
	SET(w, POOL_NPARTS, 8);
	SET(w, POOL_SRC_ADDR, P_SPM(a));
	SET(w, POOL_DST_ADDR, P_SPM(c) + 128);
	SET(w, POOL_H, 8);
	SET(w, POOL_W, 8);
	SET(w, POOL_PITCH, 8);
	SET(w, POOL_SY, 2);
	SET(w, POOL_SX, 2);
	SET(w, POOL_KH, 2);
	SET(w, POOL_KW, 2);
	SET(w, POOL_DY, 1);
	SET(w, POOL_DX, 1);
	SET(w, POOL_N0, 4);
	SET(w, POOL_N1, 4);
	SET(w, POOL_DS0, 1);
	SET(w, POOL_DS1, 4);
	SET(w, POOL_MULT, 1);
	SET(w, POOL_CMIN, 0);
	SET(w, POOL_CMAX, 255);
	return prog_cmd(p, w, a == c ? 1 : 2, b, use, id);
}

static int prog_step(struct prog *p)
{
	int k = (int) rng_in(0, 40);
	int s = (int) rng_in(0, 7), t = (int) rng_in(0, 7);
	int d = (int) rng_in(0, 3);

	if (k == 0) {
		p->log.barrier[p->log.nbarrier++] = p->log.n;
		return atoll_emit_barrier(&p->em);
	}
	if (k <= 8)
		return prog_dma(p, 1, d, s);
	if (k <= 13)
		return prog_dma(p, 0, d, s);
	if (k <= 17)
		return prog_ldw(p, s, t);
	if (k <= 25)
		return prog_mm(p, s, d);
	if (k <= 31)
		return prog_act(p, d, s);
	if (k <= 36)
		return prog_add(p, s, t, (int) rng_in(0, 7));
	return prog_pool(p, s, t);
}

static int prog_build(struct prog *p, int n)
{
	int i, r = 0;

	atoll_hwcfg_default(&p->hw);
	atoll_emit_init(&p->em, &p->hw, &p->diag);
	for (i = 0; i < 4; i++) {
		atoll_buf_init(&p->din[i], "din");
		atoll_buf_init(&p->dout[i], "dout");
		atoll_buf_init(&p->psum[i], "psum");
	}
	for (i = 0; i < 8; i++)
		atoll_buf_init(&p->spm[i], "spm");
	atoll_buf_init(&p->wt, "weights");
	for (i = 0; i < n && r == 0 && p->log.nbarrier < 64; i++)
		r = prog_step(p);
	if (r == 0)
		r = atoll_emit_end(&p->em);
	return r;
}

static void mem_init(atoll_ref *m, const atoll_hwcfg *hw, uint64_t seed)
{
	uint8_t *dram = atoll_ref_dram(m), *spm = atoll_ref_spm(m);
	uint32_t k, i, part;

	rng_seed(seed);
	for (k = 0; k < 4; k++)
		for (i = 0; i < 512; i++)
			dram[P_DIN(k) + i] = (uint8_t) rng();
	for (part = 0; part < hw->rows; part++)
		for (i = 0; i < P_SPM_USED; i++)
			spm[(size_t) part * hw->spm_bytes + i] =
				(uint8_t) rng();
}

static int ref_exec(atoll_ref *m, const atoll_hwcfg *hw, const uint32_t *cmds,
	size_t n, atoll_run_status *st)
{
	atoll_run_params rp;

	memcpy(atoll_ref_dram(m) + P_CMD_BASE, cmds, n * ATOLL_CMD_BYTES);
	memset(&rp, 0, sizeof(rp));
	rp.cmd_base = P_CMD_BASE;
	rp.cmd_count = (uint32_t) n;
	rp.win_lo = 0;
	rp.win_hi = hw->dram_bytes;
	return atoll_ref_run(m, &rp, st);
}

/* Run every non-SEM command alone, in stream order: the reference
 * result of a race-free program.
 */
static int ref_sequential(atoll_ref *m, const atoll_hwcfg *hw,
	const atoll_emit *em)
{
	uint32_t two[2][ATOLL_CMD_WORDS];
	atoll_run_status st;
	size_t i;
	uint32_t op;

	memset(two[1], 0, sizeof(two[1]));
	SET(two[1], END_OPCODE, ATOLL_OP_END);
	for (i = 0; i < em->ncmds; i++) {
		memcpy(two[0], em->cmds + i * ATOLL_CMD_WORDS, sizeof(two[0]));
		op = two[0][0] & 0xff;
		if (op == ATOLL_OP_WAIT || op == ATOLL_OP_SIGNAL ||
		    op == ATOLL_OP_END)
			continue;
		CHECKF(ref_exec(m, hw, &two[0][0], 2, &st) == 0,
			"command %zu alone: error %u", i, st.error);
	}
	return 0;
}

static int mem_same(atoll_ref *a, atoll_ref *b, const atoll_hwcfg *hw)
{
	uint32_t k, part, c;

	for (k = 0; k < 4; k++)
		CHECKF(!memcmp(atoll_ref_dram(a) + P_DOUT(k),
			atoll_ref_dram(b) + P_DOUT(k), 512),
			"DRAM output %u differs", k);
	for (part = 0; part < hw->rows; part++)
		CHECKF(!memcmp(atoll_ref_spm(a) + (size_t) part * hw->spm_bytes,
			atoll_ref_spm(b) + (size_t) part * hw->spm_bytes,
			P_SPM_USED), "SPM partition %u differs", part);
	for (c = 0; c < hw->cols; c++)
		CHECKF(!memcmp(atoll_ref_psum(a) + (size_t) c * hw->psum_depth,
			atoll_ref_psum(b) + (size_t) c * hw->psum_depth,
			P_PSUM_USED * sizeof(int32_t)),
			"PSUM partition %u differs", c);
	return 0;
}

static int prog_run_depth(const struct prog *p, atoll_ref *seq,
	uint32_t depth, uint64_t seed)
{
	atoll_hwcfg hw = p->hw;
	atoll_run_status st;
	atoll_ref *m;
	int r;

	hw.queue_depth = depth;
	m = atoll_ref_create(&hw);
	if (!m)
		return 1;
	mem_init(m, &hw, seed);
	r = ref_exec(m, &hw, p->em.cmds, p->em.ncmds, &st);
	if (r != 0 || st.error != ATOLL_ERR_NONE) {
		fprintf(stderr, "  queue depth %u: run failed, error %u at "
			"command %u%s\n", depth, st.error, st.error_cmd,
			st.error == ATOLL_ERR_DEADLOCK ? " (DEADLOCK)" : "");
		atoll_ref_free(m);
		return 1;
	}
	r = mem_same(m, seq, &hw);
	atoll_ref_free(m);
	if (r)
		fprintf(stderr, "  queue depth %u: result differs from the "
			"sequential run\n", depth);
	return r;
}

static int prog_run(struct prog *p, uint64_t seed)
{
	static const uint32_t depth[] = { 1, 2, 8 };
	atoll_ref *seq = atoll_ref_create(&p->hw);
	int i, r;

	if (!seq)
		return 1;
	mem_init(seq, &p->hw, seed);
	r = ref_sequential(seq, &p->hw, &p->em);
	for (i = 0; i < 3 && r == 0; i++)
		r = prog_run_depth(p, seq, depth[i], seed);
	atoll_ref_free(seq);
	return r;
}

static int test_emit_programs_run(void)
{
	struct prog *p = malloc(sizeof(*p));
	int seed, r = 0;

	if (!p)
		return 1;
	for (seed = 0; seed < 8 && r == 0; seed++) {
		memset(p, 0, sizeof(*p));
		rng_seed(1000 + seed);
		r = prog_build(p, 150);
		if (r == 0)
			r = hb_check(&p->em, &p->log);
		if (r == 0)
			r = prog_run(p, 5000 + seed);
		if (r)
			fprintf(stderr, "  program seed %d (%zu commands)"
				"%s%s\n", seed, p->em.ncmds,
				p->diag.failed ? ": " : "", p->diag.msg);
		atoll_emit_clear(&p->em);
	}
	free(p);
	return r;
}

/* ------------------------------------------------------------------ */
/* 4. DMA coalescing and splitting */

struct trip {
	int64_t dram;
	int64_t part;
	int64_t addr;
};

struct trips {
	struct trip *v;
	size_t n;
	size_t cap;
};

static int trips_push(struct trips *t, int64_t dram, int64_t part,
	int64_t addr)
{
	struct trip *q;

	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		q = realloc(t->v, t->cap * sizeof(*q));
		if (!q)
			return -1;
		t->v = q;
	}
	t->v[t->n].dram = dram;
	t->v[t->n].part = part;
	t->v[t->n].addr = addr;
	t->n++;
	return 0;
}

static int trip_cmp(const void *a, const void *b)
{
	const struct trip *x = a, *y = b;

	if (x->dram != y->dram)
		return x->dram < y->dram ? -1 : 1;
	if (x->part != y->part)
		return x->part < y->part ? -1 : 1;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return 0;
}

/* The elements of the original pattern (innermost dimension first). */
static int pattern_trips(struct trips *t, int64_t dram, int64_t part,
	int64_t addr, const atoll_dma_dim *d, int n)
{
	int64_t idx[16] = { 0 };
	int64_t x, p, a;
	int i;

	for (i = 0; i < n; i++)
		if (d[i].count <= 0)
			return 0;
	for (;;) {
		x = dram;
		p = part;
		a = addr;
		for (i = 0; i < n; i++) {
			x += idx[i] * d[i].dram_stride;
			p += idx[i] * d[i].part_stride;
			a += idx[i] * d[i].spm_stride;
		}
		if (trips_push(t, x, p, a) < 0)
			return -1;
		for (i = 0; i < n; i++) {
			if (++idx[i] < d[i].count)
				break;
			idx[i] = 0;
		}
		if (i == n)
			return 0;
	}
}

static const uint32_t dma_used[ATOLL_CMD_WORDS] = {
	ATOLL_DMA_USED_W0, ATOLL_DMA_USED_W1, ATOLL_DMA_USED_W2,
	ATOLL_DMA_USED_W3, ATOLL_DMA_USED_W4, ATOLL_DMA_USED_W5,
	ATOLL_DMA_USED_W6, ATOLL_DMA_USED_W7, ATOLL_DMA_USED_W8,
	ATOLL_DMA_USED_W9, ATOLL_DMA_USED_W10, ATOLL_DMA_USED_W11,
	ATOLL_DMA_USED_W12, ATOLL_DMA_USED_W13, ATOLL_DMA_USED_W14,
	ATOLL_DMA_USED_W15,
};

/* The fields of a DMA command that say which elements it moves. */
struct dma_fields {
	int64_t base, part, addr;
	int64_t count[4], ds[4], ps[4], ss[4];
};

static void dma_decode(const uint32_t *w, struct dma_fields *f)
{
	f->base = ATOLL_GETU(w, ATOLL_DMA_DRAM_BASE);
	f->part = ATOLL_GETU(w, ATOLL_DMA_SPM_PART);
	f->addr = ATOLL_GETU(w, ATOLL_DMA_SPM_ADDR);
	f->count[0] = ATOLL_GETU(w, ATOLL_DMA_COUNT0);
	f->count[1] = ATOLL_GETU(w, ATOLL_DMA_COUNT1);
	f->count[2] = ATOLL_GETU(w, ATOLL_DMA_COUNT2);
	f->count[3] = ATOLL_GETU(w, ATOLL_DMA_COUNT3);
	f->ds[0] = ATOLL_GETS(w, ATOLL_DMA_DRAM_STRIDE0);
	f->ds[1] = ATOLL_GETS(w, ATOLL_DMA_DRAM_STRIDE1);
	f->ds[2] = ATOLL_GETS(w, ATOLL_DMA_DRAM_STRIDE2);
	f->ds[3] = ATOLL_GETS(w, ATOLL_DMA_DRAM_STRIDE3);
	f->ps[0] = ATOLL_GETS(w, ATOLL_DMA_PART_STRIDE0);
	f->ps[1] = ATOLL_GETS(w, ATOLL_DMA_PART_STRIDE1);
	f->ps[2] = ATOLL_GETS(w, ATOLL_DMA_PART_STRIDE2);
	f->ps[3] = ATOLL_GETS(w, ATOLL_DMA_PART_STRIDE3);
	f->ss[0] = ATOLL_GETS(w, ATOLL_DMA_SPM_STRIDE0);
	f->ss[1] = ATOLL_GETS(w, ATOLL_DMA_SPM_STRIDE1);
	f->ss[2] = ATOLL_GETS(w, ATOLL_DMA_SPM_STRIDE2);
	f->ss[3] = ATOLL_GETS(w, ATOLL_DMA_SPM_STRIDE3);
}

/* base + sum_d i_d * s_d over the four loop indices. */
static int64_t dma_at(int64_t base, const int64_t *s, int64_t i0,
	int64_t i1, int64_t i2, int64_t i3)
{
	return base + i0 * s[0] + i1 * s[1] + i2 * s[2] + i3 * s[3];
}

/* The elements one emitted DMA command moves, decoded from its fields
 * (docs/isa.md, DMA_IN/DMA_OUT: i0 innermost).
 */
static int cmd_trips(struct trips *t, const uint32_t *w)
{
	struct dma_fields f;
	int64_t a, b, c, d;

	dma_decode(w, &f);
	for (d = 0; d < f.count[3]; d++)
		for (c = 0; c < f.count[2]; c++)
			for (b = 0; b < f.count[1]; b++)
				for (a = 0; a < f.count[0]; a++)
					if (trips_push(t,
					    dma_at(f.base, f.ds, a, b, c, d),
					    dma_at(f.part, f.ps, a, b, c, d),
					    dma_at(f.addr, f.ss, a, b, c, d)))
						return -1;
	return 0;
}

static int cmd_dims_used(const uint32_t *w)
{
	return (ATOLL_GETU(w, ATOLL_DMA_COUNT0) > 1) +
		(ATOLL_GETU(w, ATOLL_DMA_COUNT1) > 1) +
		(ATOLL_GETU(w, ATOLL_DMA_COUNT2) > 1) +
		(ATOLL_GETU(w, ATOLL_DMA_COUNT3) > 1);
}

struct dma_case {
	const char *name;
	uint32_t op;
	int64_t dram, part, addr;
	int ndims;
	atoll_dma_dim d[10];
	int fill;
	int ok;				/* 1 succeeds, 0 fails, 2 either */
	int ncmds;			/* at most */
	int maxdims;
	const char *diag;
};

static const struct dma_case dma_cases[] = {
	{ "box 3-D -> 1-D", IN, 0x1000, 0, 16, 3,
	  { { 4, 1, 1, 0 }, { 3, 4, 4, 0 }, { 2, 12, 12, 0 } },
	  -1, 1, 1, 1, NULL },
	{ "box over partitions -> 1-D", OUT, 0x2000, 1, 100, 2,
	  { { 2, 1, 0, 1 }, { 3, 2, 0, 2 } }, -1, 1, 1, 1, NULL },
	{ "dram gap: no merge", IN, 0, 0, 0, 2,
	  { { 4, 1, 1, 0 }, { 3, 5, 4, 0 } }, -1, 1, 1, 2, NULL },
	{ "spm gap: no merge", IN, 0, 0, 0, 2,
	  { { 4, 1, 1, 0 }, { 3, 4, 8, 0 } }, -1, 1, 1, 2, NULL },
	{ "partition spread: no merge", IN, 0, 0, 0, 2,
	  { { 64, 1, 1, 0 }, { 8, 64, 0, 1 } }, -1, 1, 1, 2, NULL },
	{ "partition gap: no merge", IN, 0, 0, 0, 2,
	  { { 4, 1, 1, 0 }, { 3, 4, 4, 1 } }, -1, 1, 1, 2, NULL },
	{ "partial merges 4-D -> 2-D", IN, 500, 0, 40, 4,
	  { { 4, 1, 1, 0 }, { 3, 4, 4, 0 }, { 5, 100, 50, 0 },
	    { 2, 500, 250, 0 } }, -1, 1, 1, 2, NULL },
	{ "count-1 dims dropped", IN, 1000, 2, 7, 4,
	  { { 1, 1ll << 40, 7, 3 }, { 5, 1, 1, 0 }, { 1, 9, 9, 9 },
	    { 3, 5, 5, 0 } }, -1, 1, 1, 1, NULL },
	{ "all dims count 1", OUT, 77, 3, 9, 2,
	  { { 1, 3, 3, 3 }, { 1, 4, 4, 4 } }, -1, 1, 1, 0, NULL },
	{ "no dims", IN, 77, 3, 9, 0, { { 0, 0, 0, 0 } },
	  -1, 1, 1, 0, NULL },
	{ "5-D coalesces to 4-D", IN, 100, 0, 0, 5,
	  { { 2, 1, 1, 0 }, { 3, 2, 2, 0 }, { 2, 100, 50, 0 },
	    { 2, 1000, 7, 1 }, { 3, 7, 300, 0 } }, -1, 1, 1, 4, NULL },
	{ "6-D coalesces to 3-D", IN, 0, 0, 0, 6,
	  { { 3, 2, 1, 0 }, { 1, 99, 99, 99 }, { 4, 6, 3, 0 },
	    { 2, 1000, 100, 0 }, { 5, 2000, 200, 0 }, { 2, 7, 9, 1 } },
	  -1, 1, 1, 3, NULL },
	/* atoll_emit_dma copies the dimensions into a fixed array of 8 and
	 * returns -1 for more, before dropping count-1 dimensions and
	 * without a diagnostic.
	 */
	{ "10-D with count-1 dims coalesces to 2-D", OUT, 0, 0, 0, 10,
	  { { 1, 9, 9, 9 }, { 4, 1, 1, 0 }, { 1, 9, 9, 9 }, { 3, 4, 4, 0 },
	    { 1, 9, 9, 9 }, { 1, 9, 9, 9 }, { 2, 100, 12, 1 },
	    { 1, 9, 9, 9 }, { 1, 9, 9, 9 }, { 1, 9, 9, 9 } },
	  -1, 2, 1, 2, NULL },
	{ "5-D cannot coalesce", IN, 100, 0, 0, 5,
	  { { 2, 1, 1, 0 }, { 3, 5, 3, 0 }, { 2, 100, 50, 0 },
	    { 2, 1000, 7, 1 }, { 3, 7, 300, 0 } }, -1, 0, 0, 0,
	  "5 DMA dimensions" },
	{ "count 100000 split", IN, 0, 0, 0, 1,
	  { { 100000, 1, 1, 0 } }, -1, 1, 2, 1, NULL },
	{ "merged count 90000 split", OUT, 10, 1, 20, 2,
	  { { 300, 1, 1, 0 }, { 300, 300, 300, 0 } }, 7, 1, 2, 1, NULL },
	{ "inner count 70000 split", IN, 0, 0, 0, 2,
	  { { 70000, 1, 1, 0 }, { 3, 100000, 0, 1 } }, -1, 1, 2, 2, NULL },
	{ "outer count 70000 split", IN, 0, 0, 0, 2,
	  { { 2, 1, 1, 0 }, { 70000, 3, 2, 0 } }, -1, 1, 2, 2, NULL },
	{ "count 65535 not split", IN, 0, 0, 0, 1,
	  { { 65535, 1, 1, 0 } }, -1, 1, 1, 1, NULL },
	{ "count 65536 split", IN, 0, 0, 0, 1,
	  { { 65536, 1, 1, 0 } }, -1, 1, 2, 1, NULL },
	{ "count 200000 split in 4", IN, 0, 0, 0, 2,
	  { { 200000, 2, 1, 0 }, { 1, 5, 5, 5 } }, -1, 1, 4, 1, NULL },
	{ "split along partitions", IN, 0, 0, 0, 2,
	  { { 2, 1, 1, 0 }, { 70000, 2, 2, 1 } }, -1, 1, 2, 2, NULL },
	{ "split with negative strides", OUT, 300000, 0, 200000, 1,
	  { { 70000, -3, -2, 0 } }, -1, 1, 2, 1, NULL },
	{ "negative strides merge", IN, 5000, 0, 3000, 2,
	  { { 4, -1, -1, 0 }, { 3, -4, -4, 0 } }, -1, 1, 1, 1, NULL },
	{ "zero strides merge", IN, 5000, 0, 3000, 2,
	  { { 4, 0, 1, 0 }, { 2, 0, 4, 0 } }, -1, 1, 1, 1, NULL },
	{ "fill out", OUT, 64, 0, 0, 2,
	  { { 8, 1, 2, 0 }, { 4, 8, 16, 0 } }, 0x5a, 1, 1, 2, NULL },
	{ "count 0: nothing", IN, 0, 0, 0, 2,
	  { { 8, 1, 2, 0 }, { 0, 8, 16, 0 } }, -1, 1, 0, 0, NULL },
	{ "DRAM stride too wide", IN, 0, 0, 0, 2,
	  { { 2, 1ll << 31, 1, 0 }, { 3, 1, 2, 0 } }, -1, 0, 0, 0,
	  "stride" },
	{ "partition stride too wide", IN, 0, 0, 0, 1,
	  { { 2, 1, 1, 200 } }, -1, 0, 0, 0, "stride" },
	{ "DRAM base beyond 32 bits", IN, 1ll << 32, 0, 0, 1,
	  { { 2, 1, 1, 0 } }, -1, 0, 0, 0, "out of range" },
	{ "negative DRAM address after a split", IN, 10, 0, 70000, 1,
	  { { 70000, -1, -1, 0 } }, -1, 0, 0, 0, "out of range" },
	/* dma_one checks DRAM_BASE and SPM_ADDR against their 32-bit
	 * fields but SPM_PART (16 bits) only for part < 0: 65536 was
	 * encoded as partition 0.
	 */
	{ "SPM partition beyond its 16-bit field", IN, 0, 65536, 0, 1,
	  { { 2, 1, 1, 0 } }, -1, 0, 0, 0, "out of range" },
};

static int dma_check_cmd(const struct dma_case *c, const uint32_t *w)
{
	int k;

	CHECKF((w[0] & 0xff) == c->op, "%s: opcode %u", c->name, w[0] & 0xff);
	for (k = 0; k < ATOLL_CMD_WORDS; k++)
		CHECKF(!(w[k] & ~dma_used[k]), "%s: reserved bits in word %d",
			c->name, k);
	CHECKF(ATOLL_GETU(w, ATOLL_DMA_FILL_EN) == (c->fill >= 0) &&
		(c->fill < 0 || (int) ATOLL_GETU(w, ATOLL_DMA_FILL_VALUE) ==
			c->fill), "%s: fill fields", c->name);
	CHECKF(ATOLL_GETU(w, ATOLL_DMA_COUNT0) >= 1 &&
		ATOLL_GETU(w, ATOLL_DMA_COUNT1) >= 1 &&
		ATOLL_GETU(w, ATOLL_DMA_COUNT2) >= 1 &&
		ATOLL_GETU(w, ATOLL_DMA_COUNT3) >= 1, "%s: a count is 0",
		c->name);
	CHECKF(cmd_dims_used(w) <= c->maxdims, "%s: %d dimensions used, "
		"expected at most %d", c->name, cmd_dims_used(w), c->maxdims);
	return 0;
}

static int dma_compare(const struct dma_case *c, struct trips *exp,
	struct trips *got)
{
	size_t i;

	CHECKF(got->n == exp->n, "%s: %zu elements moved, %zu expected",
		c->name, got->n, exp->n);
	qsort(exp->v, exp->n, sizeof(exp->v[0]), trip_cmp);
	qsort(got->v, got->n, sizeof(got->v[0]), trip_cmp);
	for (i = 0; i < exp->n; i++)
		CHECKF(!trip_cmp(&exp->v[i], &got->v[i]), "%s: element %zu is "
			"(%lld,%lld,%lld), expected (%lld,%lld,%lld)", c->name,
			i, (long long) got->v[i].dram,
			(long long) got->v[i].part, (long long) got->v[i].addr,
			(long long) exp->v[i].dram, (long long) exp->v[i].part,
			(long long) exp->v[i].addr);
	return 0;
}

static int dma_check_stream(const struct dma_case *c, const atoll_emit *em,
	struct trips *exp, struct trips *got)
{
	size_t i;

	CHECKF(em->ncmds <= (size_t) c->ncmds && (em->ncmds > 0 ||
		c->ncmds == 0), "%s: %zu commands, expected %s%d", c->name,
		em->ncmds, c->ncmds ? "1 to " : "", c->ncmds);
	for (i = 0; i < em->ncmds; i++) {
		if (dma_check_cmd(c, em->cmds + i * ATOLL_CMD_WORDS))
			return 1;
		CHECK(cmd_trips(got, em->cmds + i * ATOLL_CMD_WORDS) == 0);
	}
	CHECK(pattern_trips(exp, c->dram, c->part, c->addr, c->d,
		c->ndims) == 0);
	return dma_compare(c, exp, got);
}

static int dma_case_run(const struct dma_case *c)
{
	atoll_hwcfg hw;
	atoll_diag d = { 0 };
	atoll_emit em;
	struct trips exp = { 0 }, got = { 0 };
	int r, bad = 0;

	atoll_hwcfg_default(&hw);
	atoll_emit_init(&em, &hw, &d);
	r = atoll_emit_dma(&em, c->op, c->dram, c->part, c->addr, c->d,
		c->ndims, c->fill, NULL, NULL, "dma.case");
	if (c->ok == 2 && r != 0) {
		bad = !d.failed || !strstr(d.msg, "dma.case");
		if (bad)
			fprintf(stderr, "  %s: returned %d without a "
				"diagnostic naming the pattern (\"%s\")\n",
				c->name, r, d.msg);
	} else if (c->ok == 1 && r != 0) {
		fprintf(stderr, "  %s: failed: %s\n", c->name, d.msg);
		bad = 1;
	} else if (!c->ok) {
		if (r == 0 || !d.failed || !strstr(d.msg, c->diag) ||
		    !strstr(d.msg, "dma.case")) {
			fprintf(stderr, "  %s: returned %d, diagnostic \"%s\", "
				"expected one naming \"%s\"\n", c->name, r,
				d.msg, c->diag);
			bad = 1;
		}
	} else {
		bad = dma_check_stream(c, &em, &exp, &got);
	}
	free(exp.v);
	free(got.v);
	atoll_emit_clear(&em);
	return bad;
}

static int test_dma_coalesce(void)
{
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof(dma_cases) / sizeof(dma_cases[0]); i++)
		bad |= dma_case_run(&dma_cases[i]);
	return bad;
}

/* ------------------------------------------------------------------ */
/* 5. atoll_predict_cmd against the functional model */

/* Add the range of i*stride, 0 <= i < count, to [*lo, *hi]. */
static void span(int64_t count, int64_t stride, int64_t *lo, int64_t *hi)
{
	*lo += min64(0, (count - 1) * stride);
	*hi += max64(0, (count - 1) * stride);
}

static void gen_dma(uint32_t *w, const atoll_hwcfg *hw)
{
	int64_t c[4], ds[4], ss[4], ps[4];
	int64_t dlo = 0, dhi = 0, slo = 0, shi = 0, plo, phi;
	int d, fill = (rng() & 3) == 0;

	for (d = 0; d < 4; d++) {
		c[d] = rng_in(1, 5);
		ds[d] = rng_in(-70, 70);
		ss[d] = rng_in(-40, 40);
		ps[d] = rng_in(0, 3) ? 0 : rng_in(-1, 1);
		span(c[d], ds[d], &dlo, &dhi);
		span(c[d], ss[d], &slo, &shi);
	}
	do {
		plo = phi = 0;
		for (d = 0; d < 4; d++)
			span(c[d], ps[d], &plo, &phi);
		if (phi - plo >= hw->rows)
			ps[rng_in(0, 3)] = 0;
	} while (phi - plo >= hw->rows);
	SET(w, DMA_OPCODE, rng() & 1 ? ATOLL_OP_DMA_IN : ATOLL_OP_DMA_OUT);
	SET(w, DMA_FILL_EN, fill);
	SET(w, DMA_FILL_VALUE, rng());
	SET(w, DMA_DRAM_BASE, -dlo + rng_in(0, 100000));
	SET(w, DMA_SPM_ADDR, -slo + rng_in(0, hw->spm_bytes - 1 - (shi - slo)));
	SET(w, DMA_SPM_PART, -plo + rng_in(0, hw->rows - 1 - (phi - plo)));
	SET(w, DMA_COUNT0, c[0]);
	SET(w, DMA_COUNT1, c[1]);
	SET(w, DMA_COUNT2, c[2]);
	SET(w, DMA_COUNT3, c[3]);
	SET(w, DMA_DRAM_STRIDE0, ds[0]);
	SET(w, DMA_DRAM_STRIDE1, ds[1]);
	SET(w, DMA_DRAM_STRIDE2, ds[2]);
	SET(w, DMA_DRAM_STRIDE3, ds[3]);
	SET(w, DMA_SPM_STRIDE0, ss[0]);
	SET(w, DMA_SPM_STRIDE1, ss[1]);
	SET(w, DMA_SPM_STRIDE2, ss[2]);
	SET(w, DMA_SPM_STRIDE3, ss[3]);
	SET(w, DMA_PART_STRIDE0, ps[0]);
	SET(w, DMA_PART_STRIDE1, ps[1]);
	SET(w, DMA_PART_STRIDE2, ps[2]);
	SET(w, DMA_PART_STRIDE3, ps[3]);
}

static void gen_ldw(uint32_t *w, const atoll_hwcfg *hw)
{
	int64_t nr = rng_in(1, hw->rows), nc = rng_in(1, hw->cols);

	SET(w, LDW_OPCODE, ATOLL_OP_LDW);
	SET(w, LDW_W_SIGNED, rng() & 1);
	SET(w, LDW_NROWS, nr);
	SET(w, LDW_NCOLS, nc);
	SET(w, LDW_W_PART, rng_in(0, hw->rows - nr));
	SET(w, LDW_W_ADDR, rng_in(0, hw->spm_bytes - nc));
	SET(w, LDW_ZP_PART, rng_in(0, hw->rows - 1));
	SET(w, LDW_ZP_ADDR, rng_in(0, hw->spm_bytes - nc));
}

/* MM with positions partly or wholly outside the image (padding),
 * negative and zero strides.
 */
static void gen_mm(uint32_t *w, const atoll_hwcfg *hw)
{
	int64_t nr = rng_in(1, hw->rows), nc = rng_in(1, hw->cols);
	int64_t h = rng_in(1, 9), wd = rng_in(1, 9), pitch = wd + rng_in(0, 4);
	int64_t n0 = rng_in(1, 7), n1 = rng_in(1, 7);
	int64_t ps0 = rng_in(-3, 3), ps1 = rng_in(-30, 30), lo = 0, hi = 0;

	span(n0, ps0, &lo, &hi);
	span(n1, ps1, &lo, &hi);
	SET(w, MM_OPCODE, ATOLL_OP_MM);
	SET(w, MM_X_SIGNED, rng() & 1);
	SET(w, MM_ACC, rng() & 1);
	SET(w, MM_NROWS, nr);
	SET(w, MM_NCOLS, nc);
	SET(w, MM_X_PART, rng_in(0, hw->rows - nr));
	SET(w, MM_X_ADDR, rng_in(0, 5000));
	SET(w, MM_X_ZP, rng());
	SET(w, MM_PITCH, pitch);
	SET(w, MM_H, h);
	SET(w, MM_W, wd);
	SET(w, MM_Y0, rng_in(-5, 5));
	SET(w, MM_X0, rng_in(-5, 5));
	SET(w, MM_SY, rng_in(-2, 3));
	SET(w, MM_SX, rng_in(-2, 3));
	SET(w, MM_N0, n0);
	SET(w, MM_N1, n1);
	SET(w, MM_PS0, ps0);
	SET(w, MM_PS1, ps1);
	SET(w, MM_PSUM_ADDR, -lo + rng_in(0, hw->psum_depth - 1 - (hi - lo)));
}

static void gen_act(uint32_t *w, const atoll_hwcfg *hw)
{
	unsigned st = rng() % 4, dt = rng() % 3;
	int64_t np = rng_in(1, hw->rows), n0 = rng_in(1, 6), n1 = rng_in(1, 6);
	int64_t ss0 = rng_in(-6, 6), ss1 = rng_in(-6, 6);
	int64_t ds0 = rng_in(-6, 6), ds1 = rng_in(-6, 6);
	int64_t slo = 0, shi = 0, dlo = 0, dhi = 0;
	int64_t se = st == 1 ? 4 : 1, de = dt == 2 ? 4 : 1;
	int64_t slim = st == 0 ? hw->cols : hw->rows;

	span(n0, ss0, &slo, &shi);
	span(n1, ss1, &slo, &shi);
	span(n0, ds0, &dlo, &dhi);
	span(n1, ds1, &dlo, &dhi);
	SET(w, ACT_OPCODE, ATOLL_OP_ACT);
	SET(w, ACT_SRC_TYPE, st);
	SET(w, ACT_DST_TYPE, dt);
	SET(w, ACT_PP, rng() & 1);
	SET(w, ACT_NB, rng() & 1);
	SET(w, ACT_NPARTS, np);
	SET(w, ACT_SRC_PART, rng_in(0, slim - np));
	SET(w, ACT_DST_PART, rng_in(0, hw->rows - np));
	SET(w, ACT_SRC_ADDR, st == 0 ?
		-slo + rng_in(0, hw->psum_depth - 1 - (shi - slo)) :
		-se * slo + rng_in(0, 4000));
	SET(w, ACT_DST_ADDR, -de * dlo + rng_in(0, 4000));
	SET(w, ACT_N0, n0);
	SET(w, ACT_N1, n1);
	SET(w, ACT_SS0, ss0);
	SET(w, ACT_SS1, ss1);
	SET(w, ACT_DS0, ds0);
	SET(w, ACT_DS1, ds1);
	SET(w, ACT_PARAM_ADDR, rng_in(0, hw->spm_bytes -
		atoll_act_param_bytes(w)));
	SET(w, ACT_MULT, rng());
	SET(w, ACT_SHIFT, rng_in(0, 63));
	SET(w, ACT_SRC_ZP, rng());
	SET(w, ACT_DST_ZP, rng());
	SET(w, ACT_CMIN, rng());
	SET(w, ACT_CMAX, rng());
}

/* A base address for a byte pattern over (n0, s0), (n1, s1). */
static int64_t gen_base(int64_t n0, int64_t s0, int64_t n1, int64_t s1)
{
	int64_t lo = 0, hi = 0;

	span(n0, s0, &lo, &hi);
	span(n1, s1, &lo, &hi);
	return -lo + rng_in(0, 4000);
}

static void gen_add(uint32_t *w, const atoll_hwcfg *hw)
{
	int64_t np = rng_in(1, hw->rows), n0 = rng_in(1, 6), n1 = rng_in(1, 6);
	int64_t as0 = rng_in(-6, 6), as1 = rng_in(-6, 6);
	int64_t bs0 = rng_in(-6, 6), bs1 = rng_in(-6, 6);
	int64_t ds0 = rng_in(-6, 6), ds1 = rng_in(-6, 6);

	SET(w, ADD_OPCODE, ATOLL_OP_ADD);
	SET(w, ADD_A_SIGNED, rng() & 1);
	SET(w, ADD_B_SIGNED, rng() & 1);
	SET(w, ADD_DST_SIGNED, rng() & 1);
	SET(w, ADD_NPARTS, np);
	SET(w, ADD_A_PART, rng_in(0, hw->rows - np));
	SET(w, ADD_B_PART, rng_in(0, hw->rows - np));
	SET(w, ADD_DST_PART, rng_in(0, hw->rows - np));
	SET(w, ADD_A_ADDR, gen_base(n0, as0, n1, as1));
	SET(w, ADD_B_ADDR, gen_base(n0, bs0, n1, bs1));
	SET(w, ADD_DST_ADDR, gen_base(n0, ds0, n1, ds1));
	SET(w, ADD_N0, n0);
	SET(w, ADD_N1, n1);
	SET(w, ADD_AS0, as0);
	SET(w, ADD_AS1, as1);
	SET(w, ADD_BS0, bs0);
	SET(w, ADD_BS1, bs1);
	SET(w, ADD_DS0, ds0);
	SET(w, ADD_DS1, ds1);
	SET(w, ADD_A_MULT, rng());
	SET(w, ADD_B_MULT, rng());
	SET(w, ADD_SHIFT, rng_in(0, 63));
	SET(w, ADD_A_ZP, rng());
	SET(w, ADD_B_ZP, rng());
	SET(w, ADD_DST_ZP, rng());
	SET(w, ADD_CMIN, rng());
	SET(w, ADD_CMAX, rng());
}

static void gen_pool(uint32_t *w, const atoll_hwcfg *hw)
{
	int64_t np = rng_in(1, hw->rows), n0 = rng_in(1, 5), n1 = rng_in(1, 5);
	int64_t h = rng_in(1, 8), wd = rng_in(1, 8);
	int64_t ds0 = rng_in(-6, 6), ds1 = rng_in(-6, 6);

	SET(w, POOL_OPCODE, ATOLL_OP_POOL);
	SET(w, POOL_AVG, rng() & 1);
	SET(w, POOL_COUNT_PAD, rng() & 1);
	SET(w, POOL_SRC_SIGNED, rng() & 1);
	SET(w, POOL_DST_SIGNED, rng() & 1);
	SET(w, POOL_NPARTS, np);
	SET(w, POOL_SRC_PART, rng_in(0, hw->rows - np));
	SET(w, POOL_DST_PART, rng_in(0, hw->rows - np));
	SET(w, POOL_SRC_ADDR, rng_in(0, 4000));
	SET(w, POOL_DST_ADDR, gen_base(n0, ds0, n1, ds1));
	SET(w, POOL_N0, n0);
	SET(w, POOL_N1, n1);
	SET(w, POOL_DS0, ds0);
	SET(w, POOL_DS1, ds1);
	SET(w, POOL_H, h);
	SET(w, POOL_W, wd);
	SET(w, POOL_PITCH, wd + rng_in(0, 3));
	SET(w, POOL_Y0, rng_in(-3, 3));
	SET(w, POOL_X0, rng_in(-3, 3));
	SET(w, POOL_SY, rng_in(-2, 3));
	SET(w, POOL_SX, rng_in(-2, 3));
	SET(w, POOL_KH, rng_in(1, 4));
	SET(w, POOL_KW, rng_in(1, 4));
	SET(w, POOL_DY, rng_in(1, 3));
	SET(w, POOL_DX, rng_in(1, 3));
	SET(w, POOL_MULT, rng());
	SET(w, POOL_SHIFT, rng_in(0, 63));
	SET(w, POOL_SRC_ZP, rng());
	SET(w, POOL_DST_ZP, rng());
	SET(w, POOL_CMIN, rng());
	SET(w, POOL_CMAX, rng());
}

static int counter_is_timing(int i)
{
	return i == ATOLL_CNT_CYCLES ||
		(i >= ATOLL_CNT_BUSY_DMAIN && i <= ATOLL_CNT_STALL_ACT);
}

static const char *const cnt_names[ATOLL_CNT_COUNT] = {
#define ATOLL_COUNTER(n, i, k) [i] = k,
#include "isa.def"
};

static int predict_one(atoll_ref *m, const atoll_hwcfg *hw,
	uint32_t (*prog)[ATOLL_CMD_WORDS], int k)
{
	atoll_run_status st;
	uint64_t pred[32] = { 0 };
	int i;

	memset(prog[1], 0, sizeof(prog[1]));
	SET(prog[1], END_OPCODE, ATOLL_OP_END);
	CHECKF(ref_exec(m, hw, prog[0], 2, &st) == 0 &&
		st.error == ATOLL_ERR_NONE, "command %d (opcode %u): fault %u",
		k, prog[0][0] & 0xff, st.error);
	atoll_predict_cmd(prog[0], hw, pred);
	atoll_predict_cmd(prog[1], hw, pred);
	for (i = 0; i < ATOLL_CNT_COUNT; i++)
		CHECKF(counter_is_timing(i) || pred[i] == st.counters[i],
			"command %d (opcode %u): %s predicted %llu, measured "
			"%llu", k, prog[0][0] & 0xff, cnt_names[i],
			(unsigned long long) pred[i],
			(unsigned long long) st.counters[i]);
	return 0;
}

static int predict_random(const atoll_hwcfg *hw, uint64_t seed)
{
	static void (*const gen[])(uint32_t *, const atoll_hwcfg *) = {
		gen_dma, gen_ldw, gen_mm, gen_act, gen_add, gen_pool,
	};
	uint32_t prog[2][ATOLL_CMD_WORDS];
	atoll_ref *m = atoll_ref_create(hw);
	int k, bad = 0;

	if (!m)
		return 1;
	rng_seed(seed);
	for (k = 0; k < 1800 && bad < 5; k++) {
		memset(prog[0], 0, sizeof(prog[0]));
		gen[k % 6](prog[0], hw);
		bad += predict_one(m, hw, prog, k);
	}
	atoll_ref_free(m);
	return bad != 0;
}

/* The default machine and a narrow, tall one with small memories. */
static int test_predict_vs_ref(void)
{
	atoll_hwcfg hw;

	atoll_hwcfg_default(&hw);
	if (predict_random(&hw, 77))
		return 1;
	hw.rows = hw.spm_partitions = 4;
	hw.cols = 16;
	hw.spm_bytes = 8192;
	hw.psum_depth = 512;
	hw.dram_bytes = 4u << 20;
	hw.queue_depth = 2;
	return predict_random(&hw, 79);
}

/* Directed corners: MM entirely in padding, zero strides, POOL windows
 * hanging off every edge.
 */
static int test_predict_corners(void)
{
	uint32_t prog[2][ATOLL_CMD_WORDS];
	atoll_hwcfg hw;
	atoll_ref *m;
	int k, r = 0;

	atoll_hwcfg_default(&hw);
	m = atoll_ref_create(&hw);
	if (!m)
		return 1;
	rng_seed(78);
	for (k = 0; k < 200 && r == 0; k++) {
		memset(prog[0], 0, sizeof(prog[0]));
		if (k & 1) {
			gen_mm(prog[0], &hw);
			SET(prog[0], MM_Y0, -10 + (k % 7) * 3);
			SET(prog[0], MM_SY, 0);
			SET(prog[0], MM_SX, k % 3 ? 0 : -1);
		} else {
			gen_pool(prog[0], &hw);
			SET(prog[0], POOL_Y0, -5 + k % 11);
			SET(prog[0], POOL_X0, 9 - k % 13);
			SET(prog[0], POOL_SY, 0);
		}
		r = predict_one(m, &hw, prog, k);
	}
	atoll_ref_free(m);
	return r;
}

/* ------------------------------------------------------------------ */
/* Scratchpad layout copies (move.c): random transposes with padding
 * between random ranks, residencies and channel offsets.  The emitted
 * MOVE and DMA_IN fill commands are interpreted here; the expected
 * output comes from the logical element map and the resident layout of
 * resident.h (channel c at partition (chan_off + c) mod ROWS, address
 * base + n*s_n + ((chan_off + c) div ROWS)*tile + y*pitch + x).
 */
struct mv_tensor {
	int rank;
	int64_t d[4];		/* own shape */
	int64_t d4[4];		/* padded to 4-D with leading 1s */
	atoll_res res;
};

static void mv_tensor_make(struct mv_tensor *t, const int64_t *d4, int rank,
	int64_t base, int64_t rows)
{
	int64_t c, h, w;
	int k;

	memcpy(t->d4, d4, sizeof(t->d4));
	t->rank = rank;
	for (k = 0; k < rank; k++)
		t->d[k] = d4[4 - rank + k];
	/* canonical [n, c, h, w]: rank 4 as is, [B, M, K] and [M, K] as K
	 * channels over an M-long row
	 */
	c = rank == 4 ? d4[1] : d4[3];
	h = rank == 4 ? d4[2] : 1;
	w = rank == 4 ? d4[3] : d4[2];
	memset(&t->res, 0, sizeof(t->res));
	t->res.on = 1;
	t->res.chan_off = rng_in(0, 1) ? rng_in(1, 2 * rows - 1) : 0;
	t->res.tile = h * w;
	t->res.pitch = w;
	t->res.s_n = (t->res.chan_off + c + rows - 1) / rows * t->res.tile;
	t->res.base = base;
}

/* The place of element (i0..i3) of the 4-D padded shape. */
static void mv_place(const struct mv_tensor *t, const int64_t *i, int64_t rows,
	int64_t *part, int64_t *addr)
{
	int64_t n, c, h, w, ch;

	if (t->rank == 4) {
		n = i[0]; c = i[1]; h = i[2]; w = i[3];
	} else {
		n = i[1]; c = i[3]; h = 0; w = i[2];
	}
	ch = t->res.chan_off + c;
	*part = ch % rows;
	*addr = t->res.base + n * t->res.s_n + ch / rows * t->res.tile +
		h * t->res.pitch + w;
}

static int64_t mv_bytes(const struct mv_tensor *t)
{
	return (t->rank == 4 ? t->d4[0] : t->d4[1]) * t->res.s_n;
}

static int test_move_random(void)
{
	atoll_hwcfg hw;
	int64_t rows, S;
	uint8_t *spm, *want;
	int k, r = 0;

	atoll_hwcfg_default(&hw);
	rows = hw.rows;
	S = hw.spm_bytes;
	spm = malloc((size_t) (rows * S));
	want = malloc((size_t) (rows * S));
	if (!spm || !want) {
		free(spm);
		free(want);
		return 1;
	}
	rng_seed(91);
	for (k = 0; k < 300 && r == 0; k++) {
		atoll_diag d = { 0 };
		atoll_emit em;
		atoll_buf xb, yb;
		atoll_move m;
		struct mv_tensor x, y;
		int64_t xd4[4], od[4], perm[4] = { 0, 1, 2, 3 }, xs[4], i[4];
		int64_t j[4], sp, sa, dp, da, pt, pl;
		int xr, yr, a, b, fill = (int) rng_in(0, 255);
		size_t c;

		xr = (int) rng_in(2, 4);
		for (a = 0; a < 4; a++)
			xd4[a] = a < 4 - xr ? 1 : rng_in(1, a == 1 ? 20 : 7);
		for (a = 3; a > 0; a--) {		/* a random permutation */
			b = (int) rng_in(0, a);
			xs[0] = perm[a];
			perm[a] = perm[b];
			perm[b] = xs[0];
		}
		pt = rng_in(0, 1) ? rng_in(0, 2) : 0;
		pl = rng_in(0, 1) ? rng_in(0, 2) : 0;
		for (a = 0; a < 4; a++)
			od[a] = xd4[perm[a]] + (a == 2 ? pt + rng_in(0, 1) :
				a == 3 ? pl + rng_in(0, 1) : 0);
		yr = od[0] == 1 && od[1] == 1 && rng_in(0, 1) ? 2 :
			od[0] == 1 && rng_in(0, 1) ? 3 : 4;
		if (yr < 4 && (od[2] != xd4[perm[2]] || od[3] !=
		    xd4[perm[3]] || pt || pl))
			yr = 4;		/* padding only on rank 4 here */
		mv_tensor_make(&x, xd4, xr, 64 * rng_in(0, 8), rows);
		mv_tensor_make(&y, od, yr, 0, rows);
		y.res.base = (x.res.base + mv_bytes(&x) + 63) / 64 * 64 +
			64 * rng_in(0, 2);
		xs[3] = 1;
		xs[2] = xd4[3];
		xs[1] = xd4[2] * xd4[3];
		xs[0] = xd4[1] * xs[1];
		atoll_buf_init(&xb, "x");
		atoll_buf_init(&yb, "y");
		x.res.buf = &xb;
		y.res.buf = &yb;
		memset(&m, 0, sizeof(m));
		m.name = "move";
		memcpy(m.od, od, sizeof(od));
		m.src.rank = x.rank;
		memcpy(m.src.dims, x.d, sizeof(x.d));
		m.src.res = x.res;
		for (a = 0; a < 4; a++)
			m.src.s[a] = xs[perm[a]];
		m.dst.rank = y.rank;
		memcpy(m.dst.dims, y.d, sizeof(y.d));
		m.dst.res = y.res;
		m.dst.s[3] = 1;
		m.dst.s[2] = od[3];
		m.dst.s[1] = od[2] * od[3];
		m.dst.s[0] = od[1] * od[2] * od[3];
		m.h = xd4[perm[2]];
		m.w = xd4[perm[3]];
		m.pt = pt;
		m.pl = pl;
		m.fill = fill;
		for (c = 0; c < (size_t) (rows * S); c++)
			spm[c] = (uint8_t) rng();
		memcpy(want, spm, (size_t) (rows * S));
		for (i[0] = 0; i[0] < od[0]; i[0]++)
		for (i[1] = 0; i[1] < od[1]; i[1]++)
		for (i[2] = 0; i[2] < od[2]; i[2]++)
		for (i[3] = 0; i[3] < od[3]; i[3]++) {
			int inside = i[2] >= pt && i[2] - pt < m.h &&
				i[3] >= pl && i[3] - pl < m.w;

			mv_place(&y, i, rows, &dp, &da);
			if (!inside) {
				want[dp * S + da] = (uint8_t) fill;
				continue;
			}
			j[0] = i[0];
			j[1] = i[1];
			j[2] = i[2] - pt;
			j[3] = i[3] - pl;
			for (a = 0; a < 4; a++)	/* x index of y's */
				xs[perm[a]] = j[a];
			mv_place(&x, xs, rows, &sp, &sa);
			want[dp * S + da] = spm[sp * S + sa];
		}
		atoll_emit_init(&em, &hw, &d);
		if (atoll_emit_begin(&em) < 0 ||
		    atoll_move_codegen(&em, &m) < 0) {
			atoll_emit_clear(&em);
			CHECKF(0, "case %d: move codegen failed", k);
		}
		for (c = 0; c < em.ncmds && r == 0; c++) {
			const uint32_t *w = em.cmds + c * ATOLL_CMD_WORDS;
			uint64_t op = ATOLL_GETU(w, ATOLL_END_OPCODE), n[4];
			int64_t q[4];

			if (op == ATOLL_OP_WAIT || op == ATOLL_OP_SIGNAL)
				continue;
			if (op == ATOLL_OP_DMA_IN &&
			    ATOLL_GETU(w, ATOLL_DMA_FILL_EN)) {
				n[0] = ATOLL_GETU(w, ATOLL_DMA_COUNT0);
				n[1] = ATOLL_GETU(w, ATOLL_DMA_COUNT1);
				n[2] = ATOLL_GETU(w, ATOLL_DMA_COUNT2);
				n[3] = ATOLL_GETU(w, ATOLL_DMA_COUNT3);
				for (q[3] = 0; q[3] < (int64_t) n[3]; q[3]++)
				for (q[2] = 0; q[2] < (int64_t) n[2]; q[2]++)
				for (q[1] = 0; q[1] < (int64_t) n[1]; q[1]++)
				for (q[0] = 0; q[0] < (int64_t) n[0]; q[0]++) {
					dp = ATOLL_GETU(w, ATOLL_DMA_SPM_PART) +
					q[0] * ATOLL_GETS(w, ATOLL_DMA_PART_STRIDE0) +
					q[1] * ATOLL_GETS(w, ATOLL_DMA_PART_STRIDE1) +
					q[2] * ATOLL_GETS(w, ATOLL_DMA_PART_STRIDE2) +
					q[3] * ATOLL_GETS(w, ATOLL_DMA_PART_STRIDE3);
					da = ATOLL_GETU(w, ATOLL_DMA_SPM_ADDR) +
					q[0] * ATOLL_GETS(w, ATOLL_DMA_SPM_STRIDE0) +
					q[1] * ATOLL_GETS(w, ATOLL_DMA_SPM_STRIDE1) +
					q[2] * ATOLL_GETS(w, ATOLL_DMA_SPM_STRIDE2) +
					q[3] * ATOLL_GETS(w, ATOLL_DMA_SPM_STRIDE3);
					if (dp < 0 || dp >= rows || da < 0 || da >= S) {
						r = 1;
						break;
					}
					spm[dp * S + da] = (uint8_t)
						ATOLL_GETU(w, ATOLL_DMA_FILL_VALUE);
				}
				continue;
			}
			if (op != ATOLL_OP_MOVE) {
				r = 1;
				break;
			}
			n[0] = ATOLL_GETU(w, ATOLL_MOVE_COUNT0);
			n[1] = ATOLL_GETU(w, ATOLL_MOVE_COUNT1);
			n[2] = ATOLL_GETU(w, ATOLL_MOVE_COUNT2);
			n[3] = ATOLL_GETU(w, ATOLL_MOVE_COUNT3);
#define MV(f, k) (q[k] * ATOLL_GETS(w, ATOLL_MOVE_##f##k))
			for (q[3] = 0; q[3] < (int64_t) n[3]; q[3]++)
			for (q[2] = 0; q[2] < (int64_t) n[2]; q[2]++)
			for (q[1] = 0; q[1] < (int64_t) n[1]; q[1]++)
			for (q[0] = 0; q[0] < (int64_t) n[0]; q[0]++) {
				sp = ATOLL_GETU(w, ATOLL_MOVE_SRC_PART) +
					MV(SRC_PSTRIDE, 0) + MV(SRC_PSTRIDE, 1) +
					MV(SRC_PSTRIDE, 2) + MV(SRC_PSTRIDE, 3);
				sa = ATOLL_GETU(w, ATOLL_MOVE_SRC_ADDR) +
					MV(SRC_STRIDE, 0) + MV(SRC_STRIDE, 1) +
					MV(SRC_STRIDE, 2) + MV(SRC_STRIDE, 3);
				dp = ATOLL_GETU(w, ATOLL_MOVE_DST_PART) +
					MV(DST_PSTRIDE, 0) + MV(DST_PSTRIDE, 1) +
					MV(DST_PSTRIDE, 2) + MV(DST_PSTRIDE, 3);
				da = ATOLL_GETU(w, ATOLL_MOVE_DST_ADDR) +
					MV(DST_STRIDE, 0) + MV(DST_STRIDE, 1) +
					MV(DST_STRIDE, 2) + MV(DST_STRIDE, 3);
				if (sp < 0 || sp >= rows || sa < 0 || sa >= S ||
				    dp < 0 || dp >= rows || da < 0 || da >= S) {
					r = 1;
					break;
				}
				spm[dp * S + da] = spm[sp * S + sa];
			}
#undef MV
		}
		if (getenv("MOVE_DEBUG") && memcmp(spm, want, (size_t) (rows * S)))
			for (c = 0; c < em.ncmds; c++) {
				char buf[1024];

				atoll_cmd_disasm(em.cmds + c * ATOLL_CMD_WORDS, buf,
					sizeof(buf));
				fprintf(stderr, "%s\n", buf);
			}
		atoll_emit_clear(&em);
		CHECKF(r == 0, "case %d: a command outside the scratchpad or "
			"not a MOVE/fill", k);
		CHECKF(!memcmp(spm, want, (size_t) (rows * S)), "case %d: rank %d "
			"[%lld,%lld,%lld,%lld] perm %lld%lld%lld%lld -> rank %d "
			"pads %lld,%lld: scratchpad differs", k, xr,
			(long long) xd4[0], (long long) xd4[1],
			(long long) xd4[2], (long long) xd4[3],
			(long long) perm[0], (long long) perm[1],
			(long long) perm[2], (long long) perm[3], yr,
			(long long) pt, (long long) pl);
	}
	free(spm);
	free(want);
	return r;
}

/* ------------------------------------------------------------------ */

static const struct test_case tests[] = {
	{ "scale_to_fixed edge cases", test_scale_edges },
	{ "scale_to_fixed random scales", test_scale_random },
	{ "scale_to_fixed exact from 2^-33 to 2^31", test_scale_exact_range },
	{ "ast_walk visits the points in schedule order", test_ast_walk },
	{ "ast_walk stops on a callback error", test_ast_walk_stop },
	{ "emit sync directed", test_emit_sync_directed },
	{ "emit barrier", test_emit_barrier },
	{ "emit sync random (happens-before)", test_emit_sync_random },
	{ "emit programs run on ref, queue depth 1/2/8",
	  test_emit_programs_run },
	{ "dma coalescing and splitting", test_dma_coalesce },
	{ "predict vs ref: random commands", test_predict_vs_ref },
	{ "predict vs ref: padding corners", test_predict_corners },
	{ "move: random layout copies within the scratchpad",
	  test_move_random },
};

TEST_MAIN(tests)
