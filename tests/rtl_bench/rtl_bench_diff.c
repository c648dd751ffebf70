/* RTL bench: differential runs against the functional model
 * (host/refmodel.c).  Random race-free command streams over every opcode
 * run on both; device memory must match byte for byte and every byte and
 * MAC counter must be equal.  Single-bit mutations of valid commands must
 * fault with the same code at the same command.
 */
#include "bench.h"
#include "hwcfg.h"
#include "refmodel.h"

#define D_LO		0x10000u	/* DRAM data region */
#define D_HI		0x30000u
#define OUT_SPM		0x40000u	/* SPM dump: ROWS x SPM_WIN bytes */
#define OUT_PSUM	0x50000u	/* PSUM dump: COLS x 4 * PS_WIN bytes */
#define CMD_BASE	0x100000u
#define SPM_WIN		4096		/* random commands use SPM [0, SPM_WIN) */
#define PS_WIN		256		/* and PSUM [0, PS_WIN) */
#define PSUM_STAGE	SPM_WIN		/* SPM staging of the PSUM dump */

struct gen {
	uint32_t seed;
	struct bench_prog *p;
	int last_engine;
	uint32_t signals[4];
};

static int rnd(struct gen *g, int lo, int hi)
{
	return bench_rand_range(&g->seed, lo, hi);
}

/* A base placing the 2-D pattern (n0, s0), (n1, s1) of elements of "esz"
 * bytes inside [0, lim), or -1 when it cannot fit.
 */
static int64_t place(struct gen *g, int n0, int s0, int n1, int s1, int esz,
	int64_t lim)
{
	int64_t a = (int64_t) (n0 - 1) * s0, b = (int64_t) (n1 - 1) * s1;
	int64_t lo = (a < 0 ? a : 0) + (b < 0 ? b : 0);
	int64_t hi = (a > 0 ? a : 0) + (b > 0 ? b : 0);
	int64_t first = -esz * lo, last = lim - 1 - (esz * hi + esz - 1);

	if (first > last)
		return -1;
	return first + rnd(g, 0, (int) (last - first < 100000 ?
		last - first : 100000));
}

/* Order the next command of "engine" after the previous command. */
static void order(struct gen *g, int engine)
{
	int e = g->last_engine;

	if (e >= 0 && e != engine) {
		bench_sem(g->p, ATOLL_OP_SIGNAL, e, e, 0);
		g->signals[e]++;
		bench_sem(g->p, ATOLL_OP_WAIT, engine, e, g->signals[e]);
	}
	g->last_engine = engine;
}

static void gen_dma(struct gen *g, uint32_t op)
{
	int c[4], ds[4], ps[4], ss[4], d;
	int64_t dram, part, addr, lo, hi, t;
	uint32_t *w;

	for (;;) {
		c[0] = rnd(g, 1, 40);
		for (d = 1; d < 4; d++)
			c[d] = rnd(g, 1, d == 1 ? 5 : 2);
		ds[0] = rnd(g, 0, 2) ? 1 : rnd(g, -5, 5);
		ss[0] = rnd(g, 0, 2) ? 1 : rnd(g, -5, 5);
		ps[0] = rnd(g, 0, 3) ? 0 : rnd(g, -1, 1);
		for (d = 1; d < 4; d++) {
			ds[d] = rnd(g, -200, 200);
			ss[d] = rnd(g, -200, 200);
			ps[d] = rnd(g, -2, 2);
		}
		/* the 4-D ranges through three 2-D placements: fold dims */
		lo = hi = 0;
		for (d = 0; d < 4; d++) {
			t = (int64_t) (c[d] - 1) * ds[d];
			lo += t < 0 ? t : 0;
			hi += t > 0 ? t : 0;
		}
		dram = lo < 0 ? D_LO - lo : D_LO;
		dram += rnd(g, 0, 5000);
		if (dram + hi >= D_HI)
			continue;
		lo = hi = 0;
		for (d = 0; d < 4; d++) {
			t = (int64_t) (c[d] - 1) * ps[d];
			lo += t < 0 ? t : 0;
			hi += t > 0 ? t : 0;
		}
		if (hi - lo >= ROWS)
			continue;
		part = -lo + rnd(g, 0, (int) (ROWS - 1 - (hi - lo)));
		lo = hi = 0;
		for (d = 0; d < 4; d++) {
			t = (int64_t) (c[d] - 1) * ss[d];
			lo += t < 0 ? t : 0;
			hi += t > 0 ? t : 0;
		}
		if (hi - lo >= SPM_WIN)
			continue;
		addr = -lo + rnd(g, 0, (int) (SPM_WIN - 1 - (hi - lo)));
		break;
	}
	order(g, op == ATOLL_OP_DMA_IN ? 0 : 1);
	w = bench_dma(g->p, op, (uint32_t) dram, (uint32_t) part,
		(uint32_t) addr, c, ds, ps, ss);
	if (rnd(g, 0, 7) == 0) {
		ATOLL_SET(w, ATOLL_DMA_FILL_EN, 1);
		ATOLL_SET(w, ATOLL_DMA_FILL_VALUE, rnd(g, 0, 255));
	}
}

static void gen_ldw(struct gen *g)
{
	int nr = rnd(g, 1, ROWS), nc = rnd(g, 1, COLS);
	uint32_t *w;

	order(g, 2);
	w = bench_cmd(g->p, ATOLL_OP_LDW);
	ATOLL_SET(w, ATOLL_LDW_W_SIGNED, rnd(g, 0, 1));
	ATOLL_SET(w, ATOLL_LDW_NROWS, nr);
	ATOLL_SET(w, ATOLL_LDW_NCOLS, nc);
	ATOLL_SET(w, ATOLL_LDW_W_PART, rnd(g, 0, ROWS - nr));
	ATOLL_SET(w, ATOLL_LDW_W_ADDR, rnd(g, 0, SPM_WIN - nc));
	ATOLL_SET(w, ATOLL_LDW_ZP_PART, rnd(g, 0, ROWS - 1));
	ATOLL_SET(w, ATOLL_LDW_ZP_ADDR, rnd(g, 0, SPM_WIN - nc));
}

static void gen_mm(struct gen *g)
{
	int nr = rnd(g, 1, ROWS), nc = rnd(g, 1, COLS);
	int h = rnd(g, 1, 10), wd = rnd(g, 1, 10), pitch = wd + rnd(g, 0, 3);
	int n0 = rnd(g, 1, 8), n1 = rnd(g, 1, 6);
	int ps0 = rnd(g, -6, 6), ps1 = rnd(g, -20, 20);
	int64_t pa;
	uint32_t *w;

	pa = place(g, n0, ps0, n1, ps1, 1, PS_WIN);
	if (pa < 0) {
		ps0 = 1;
		ps1 = n0;
		pa = place(g, n0, ps0, n1, ps1, 1, PS_WIN);
	}
	order(g, 2);
	w = bench_cmd(g->p, ATOLL_OP_MM);
	ATOLL_SET(w, ATOLL_MM_X_SIGNED, rnd(g, 0, 1));
	ATOLL_SET(w, ATOLL_MM_ACC, rnd(g, 0, 1));
	ATOLL_SET(w, ATOLL_MM_NROWS, nr);
	ATOLL_SET(w, ATOLL_MM_NCOLS, nc);
	ATOLL_SET(w, ATOLL_MM_X_PART, rnd(g, 0, ROWS - nr));
	ATOLL_SET(w, ATOLL_MM_X_ADDR, rnd(g, 0, SPM_WIN - h * pitch));
	ATOLL_SET(w, ATOLL_MM_X_ZP, rnd(g, 0, 255));
	ATOLL_SET(w, ATOLL_MM_PITCH, pitch);
	ATOLL_SET(w, ATOLL_MM_H, h);
	ATOLL_SET(w, ATOLL_MM_W, wd);
	ATOLL_SET(w, ATOLL_MM_Y0, rnd(g, -3, 3));
	ATOLL_SET(w, ATOLL_MM_X0, rnd(g, -3, 3));
	ATOLL_SET(w, ATOLL_MM_SY, rnd(g, -2, 3));
	ATOLL_SET(w, ATOLL_MM_SX, rnd(g, -2, 3));
	ATOLL_SET(w, ATOLL_MM_N0, n0);
	ATOLL_SET(w, ATOLL_MM_N1, n1);
	ATOLL_SET(w, ATOLL_MM_PSUM_ADDR, (uint32_t) pa);
	ATOLL_SET(w, ATOLL_MM_PS0, ps0);
	ATOLL_SET(w, ATOLL_MM_PS1, ps1);
}

/* Random output-stage fields shared by ACT, ADD and POOL; small shifts
 * and multipliers make rounding ties frequent.
 */
static int rnd_shift(struct gen *g)
{
	switch (rnd(g, 0, 3)) {
	case 0:
		return rnd(g, 0, 3);
	case 1:
		return rnd(g, 0, 63);
	default:
		return rnd(g, 0, 20);
	}
}

static int32_t rnd_mult(struct gen *g)
{
	switch (rnd(g, 0, 4)) {
	case 0:
		return 1;
	case 1:
		return rnd(g, -300, 300);
	case 4:
		return rnd(g, -3, 3);
	case 2:
		return (int32_t) bench_rand(&g->seed);
	default:
		return rnd(g, 1 << 14, 1 << 20);
	}
}

static void gen_act(struct gen *g)
{
	int st = rnd(g, 0, 3), dt = rnd(g, 0, 2);
	int ssz = st == 1 ? 4 : 1, dsz = dt == 2 ? 4 : 1;
	int np = rnd(g, 1, st == 0 ? COLS : ROWS), n0 = rnd(g, 1, 8);
	int n1 = rnd(g, 1, 4), ss0, ss1, ds0, ds1;
	int pp = rnd(g, 0, 2) == 0, nb = rnd(g, 0, 1);
	int pb = !pp ? 0 : nb ? ATOLL_PARAM_NB_BYTES : ATOLL_PARAM_BYTES;
	int64_t sa, da;
	uint32_t *w;

	do {
		ss0 = rnd(g, -6, 6);
		ss1 = rnd(g, -30, 30);
		sa = place(g, n0, ss0, n1, ss1, ssz, st == 0 ? PS_WIN : SPM_WIN);
	} while (sa < 0);
	do {
		ds0 = rnd(g, -6, 6);
		ds1 = rnd(g, -30, 30);
		da = place(g, n0, ds0, n1, ds1, dsz, SPM_WIN);
	} while (da < 0);
	order(g, 3);
	w = bench_cmd(g->p, ATOLL_OP_ACT);
	ATOLL_SET(w, ATOLL_ACT_SRC_TYPE, st);
	ATOLL_SET(w, ATOLL_ACT_DST_TYPE, dt);
	ATOLL_SET(w, ATOLL_ACT_PP, pp);
	ATOLL_SET(w, ATOLL_ACT_NB, nb);
	ATOLL_SET(w, ATOLL_ACT_NPARTS, np);
	ATOLL_SET(w, ATOLL_ACT_SRC_PART, rnd(g, 0, (st == 0 ? COLS : ROWS) -
		np));
	ATOLL_SET(w, ATOLL_ACT_SRC_ADDR, (uint32_t) sa);
	ATOLL_SET(w, ATOLL_ACT_DST_PART, rnd(g, 0, ROWS - np));
	ATOLL_SET(w, ATOLL_ACT_DST_ADDR, (uint32_t) da);
	ATOLL_SET(w, ATOLL_ACT_N0, n0);
	ATOLL_SET(w, ATOLL_ACT_N1, n1);
	ATOLL_SET(w, ATOLL_ACT_SS0, ss0);
	ATOLL_SET(w, ATOLL_ACT_SS1, ss1);
	ATOLL_SET(w, ATOLL_ACT_DS0, ds0);
	ATOLL_SET(w, ATOLL_ACT_DS1, ds1);
	ATOLL_SET(w, ATOLL_ACT_PARAM_ADDR, rnd(g, 0, SPM_WIN - pb));
	ATOLL_SET(w, ATOLL_ACT_MULT, rnd_mult(g));
	ATOLL_SET(w, ATOLL_ACT_SHIFT, rnd_shift(g));
	ATOLL_SET(w, ATOLL_ACT_SRC_ZP, rnd(g, -200, 300));
	ATOLL_SET(w, ATOLL_ACT_DST_ZP, rnd(g, -200, 300));
	ATOLL_SET(w, ATOLL_ACT_CMIN, rnd(g, -300, 100));
	ATOLL_SET(w, ATOLL_ACT_CMAX, rnd(g, -100, 300));
}

static void gen_add(struct gen *g)
{
	int np = rnd(g, 1, ROWS), n0 = rnd(g, 1, 8), n1 = rnd(g, 1, 4);
	int s[6], k;
	int64_t a[3];
	uint32_t *w;

	for (k = 0; k < 3; k++)
		do {
			s[2 * k] = rnd(g, -6, 6);
			s[2 * k + 1] = rnd(g, -30, 30);
			a[k] = place(g, n0, s[2 * k], n1, s[2 * k + 1], 1,
				SPM_WIN);
		} while (a[k] < 0);
	order(g, 3);
	w = bench_cmd(g->p, ATOLL_OP_ADD);
	ATOLL_SET(w, ATOLL_ADD_A_SIGNED, rnd(g, 0, 1));
	ATOLL_SET(w, ATOLL_ADD_B_SIGNED, rnd(g, 0, 1));
	ATOLL_SET(w, ATOLL_ADD_DST_SIGNED, rnd(g, 0, 1));
	ATOLL_SET(w, ATOLL_ADD_NPARTS, np);
	ATOLL_SET(w, ATOLL_ADD_A_PART, rnd(g, 0, ROWS - np));
	ATOLL_SET(w, ATOLL_ADD_B_PART, rnd(g, 0, ROWS - np));
	ATOLL_SET(w, ATOLL_ADD_DST_PART, rnd(g, 0, ROWS - np));
	ATOLL_SET(w, ATOLL_ADD_A_ADDR, (uint32_t) a[0]);
	ATOLL_SET(w, ATOLL_ADD_B_ADDR, (uint32_t) a[1]);
	ATOLL_SET(w, ATOLL_ADD_DST_ADDR, (uint32_t) a[2]);
	ATOLL_SET(w, ATOLL_ADD_N0, n0);
	ATOLL_SET(w, ATOLL_ADD_N1, n1);
	ATOLL_SET(w, ATOLL_ADD_AS0, s[0]);
	ATOLL_SET(w, ATOLL_ADD_AS1, s[1]);
	ATOLL_SET(w, ATOLL_ADD_BS0, s[2]);
	ATOLL_SET(w, ATOLL_ADD_BS1, s[3]);
	ATOLL_SET(w, ATOLL_ADD_DS0, s[4]);
	ATOLL_SET(w, ATOLL_ADD_DS1, s[5]);
	ATOLL_SET(w, ATOLL_ADD_A_MULT, rnd_mult(g));
	ATOLL_SET(w, ATOLL_ADD_B_MULT, rnd_mult(g));
	ATOLL_SET(w, ATOLL_ADD_SHIFT, rnd_shift(g));
	ATOLL_SET(w, ATOLL_ADD_A_ZP, rnd(g, -200, 300));
	ATOLL_SET(w, ATOLL_ADD_B_ZP, rnd(g, -200, 300));
	ATOLL_SET(w, ATOLL_ADD_DST_ZP, rnd(g, -200, 300));
	ATOLL_SET(w, ATOLL_ADD_CMIN, rnd(g, -300, 100));
	ATOLL_SET(w, ATOLL_ADD_CMAX, rnd(g, -100, 300));
}

static void gen_pool(struct gen *g)
{
	int np = rnd(g, 1, ROWS), h = rnd(g, 1, 8), wd = rnd(g, 1, 8);
	int pitch = wd + rnd(g, 0, 2), n0 = rnd(g, 1, 6), n1 = rnd(g, 1, 5);
	int ds0, ds1;
	int64_t da;
	uint32_t *w;

	do {
		ds0 = rnd(g, -4, 4);
		ds1 = rnd(g, -20, 20);
		da = place(g, n0, ds0, n1, ds1, 1, SPM_WIN);
	} while (da < 0);
	order(g, 3);
	w = bench_cmd(g->p, ATOLL_OP_POOL);
	ATOLL_SET(w, ATOLL_POOL_AVG, rnd(g, 0, 1));
	ATOLL_SET(w, ATOLL_POOL_COUNT_PAD, rnd(g, 0, 1));
	ATOLL_SET(w, ATOLL_POOL_SRC_SIGNED, rnd(g, 0, 1));
	ATOLL_SET(w, ATOLL_POOL_DST_SIGNED, rnd(g, 0, 1));
	ATOLL_SET(w, ATOLL_POOL_NPARTS, np);
	ATOLL_SET(w, ATOLL_POOL_SRC_PART, rnd(g, 0, ROWS - np));
	ATOLL_SET(w, ATOLL_POOL_DST_PART, rnd(g, 0, ROWS - np));
	ATOLL_SET(w, ATOLL_POOL_SRC_ADDR, rnd(g, 0, SPM_WIN - h * pitch));
	ATOLL_SET(w, ATOLL_POOL_DST_ADDR, (uint32_t) da);
	ATOLL_SET(w, ATOLL_POOL_N0, n0);
	ATOLL_SET(w, ATOLL_POOL_N1, n1);
	ATOLL_SET(w, ATOLL_POOL_DS0, ds0);
	ATOLL_SET(w, ATOLL_POOL_DS1, ds1);
	ATOLL_SET(w, ATOLL_POOL_H, h);
	ATOLL_SET(w, ATOLL_POOL_W, wd);
	ATOLL_SET(w, ATOLL_POOL_PITCH, pitch);
	ATOLL_SET(w, ATOLL_POOL_Y0, rnd(g, -2, 1));
	ATOLL_SET(w, ATOLL_POOL_X0, rnd(g, -2, 1));
	ATOLL_SET(w, ATOLL_POOL_SY, rnd(g, -1, 2));
	ATOLL_SET(w, ATOLL_POOL_SX, rnd(g, -1, 2));
	ATOLL_SET(w, ATOLL_POOL_KH, rnd(g, 1, 3));
	ATOLL_SET(w, ATOLL_POOL_KW, rnd(g, 1, 3));
	ATOLL_SET(w, ATOLL_POOL_DY, rnd(g, 1, 2));
	ATOLL_SET(w, ATOLL_POOL_DX, rnd(g, 1, 2));
	ATOLL_SET(w, ATOLL_POOL_MULT, rnd_mult(g));
	ATOLL_SET(w, ATOLL_POOL_SHIFT, rnd_shift(g));
	ATOLL_SET(w, ATOLL_POOL_SRC_ZP, rnd(g, -200, 300));
	ATOLL_SET(w, ATOLL_POOL_DST_ZP, rnd(g, -200, 300));
	ATOLL_SET(w, ATOLL_POOL_CMIN, rnd(g, -300, 100));
	ATOLL_SET(w, ATOLL_POOL_CMAX, rnd(g, -100, 300));
}

/* Dump SPM [0, SPM_WIN) of every partition, then PSUM [0, PS_WIN) of
 * every partition (through SPM int32 staging) to DRAM.
 */
static void gen_dump(struct gen *g)
{
	uint32_t *w;

	order(g, 1);
	bench_dma2(g->p, ATOLL_OP_DMA_OUT, OUT_SPM, 0, 0, ROWS, SPM_WIN,
		SPM_WIN);
	order(g, 3);
	w = bench_cmd(g->p, ATOLL_OP_ACT);
	ATOLL_SET(w, ATOLL_ACT_SRC_TYPE, 0);
	ATOLL_SET(w, ATOLL_ACT_DST_TYPE, 2);
	ATOLL_SET(w, ATOLL_ACT_NPARTS, COLS);
	ATOLL_SET(w, ATOLL_ACT_DST_ADDR, PSUM_STAGE);
	ATOLL_SET(w, ATOLL_ACT_N0, PS_WIN);
	ATOLL_SET(w, ATOLL_ACT_N1, 1);
	ATOLL_SET(w, ATOLL_ACT_SS0, 1);
	ATOLL_SET(w, ATOLL_ACT_DS0, 1);
	ATOLL_SET(w, ATOLL_ACT_MULT, 1);
	order(g, 1);
	bench_dma2(g->p, ATOLL_OP_DMA_OUT, OUT_PSUM, 0, PSUM_STAGE, COLS,
		4 * PS_WIN, 4 * PS_WIN);
	order(g, 0);
	bench_end(g->p);
}

static void gen_program(struct gen *g, int n)
{
	int k;

	for (k = 0; k < n; k++) {
		switch (rnd(g, 0, 9)) {
		case 0:
		case 1:
			gen_dma(g, ATOLL_OP_DMA_IN);
			break;
		case 2:
			gen_dma(g, ATOLL_OP_DMA_OUT);
			break;
		case 3:
			gen_ldw(g);
			break;
		case 4:
		case 5:
			gen_mm(g);
			break;
		case 6:
		case 7:
			gen_act(g);
			break;
		case 8:
			gen_add(g);
			break;
		default:
			gen_pool(g);
			break;
		}
	}
}

/* Store "p" at CMD_BASE in both memories. */
static void store_prog(atoll_ref *ref, const struct bench_prog *p)
{
	uint8_t *d = atoll_ref_dram(ref) + CMD_BASE;
	int i, j, k;

	for (i = 0; i < p->n; i++)
		for (j = 0; j < ATOLL_CMD_WORDS; j++)
			for (k = 0; k < 4; k++)
				d[64 * i + 4 * j + k] =
					(uint8_t) (p->w[i][j] >> (8 * k));
}

/* Run "p" on both models from the same random DRAM contents. */
static int run_both(const struct bench_prog *p, uint32_t seed,
	int check_memory, uint32_t *err_out)
{
	atoll_hwsim *h = bench_sim();
	atoll_hwcfg cfg;
	atoll_ref *ref;
	atoll_run_params rp;
	atoll_run_status rs;
	struct bench_result r;
	uint8_t *got;
	int i, rr;
	uint32_t a;

	bench_config(&cfg, BENCH_DRAM);
	ref = atoll_ref_create(&cfg);
	got = malloc(BENCH_DRAM);
	CHECK(h && ref && got);
	bench_fill_random(h, D_LO, D_HI - D_LO, seed);
	CHECK(atoll_hwsim_mem_read(h, 0, atoll_ref_dram(ref), BENCH_DRAM) == 0);
	store_prog(ref, p);
	memset(&rp, 0, sizeof(rp));
	rp.cmd_base = CMD_BASE;
	rp.cmd_count = (uint32_t) p->n;
	rp.win_lo = 0;
	rp.win_hi = BENCH_DRAM;
	rr = atoll_ref_run(ref, &rp, &rs);
	CHECK(bench_run_ex(h, p, CMD_BASE, (uint32_t) p->n, 0, BENCH_DRAM,
		5000000, &r) == 0);
	if (rr == 0) {
		CHECKF(r.status == ATOLL_HWSIM_DONE,
			"sim status %d error %x, ref done", r.status, r.error);
	} else {
		CHECKF(r.status == ATOLL_HWSIM_ERROR,
			"sim status %d, ref error %u at %u", r.status,
			rs.error, rs.error_cmd);
		CHECKF(r.error == (rs.error_cmd << 8 | rs.error),
			"sim error %x, ref error %u at %u", r.error, rs.error,
			rs.error_cmd);
	}
	if (err_out)
		*err_out = r.error;
	if (check_memory && rr == 0) {
		CHECK(atoll_hwsim_mem_read(h, 0, got, BENCH_DRAM) == 0);
		for (a = 0; a < BENCH_DRAM; a++)
			CHECKF(got[a] == atoll_ref_dram(ref)[a],
				"dram[%#x] = %02x, ref %02x", a, got[a],
				atoll_ref_dram(ref)[a]);
		for (i = 1; i < ATOLL_CNT_BUSY_DMAIN; i++)
			CHECKF(r.cnt[i] == rs.counters[i],
				"counter %d = %llu, ref %llu", i,
				(unsigned long long) r.cnt[i],
				(unsigned long long) rs.counters[i]);
		if (getenv("ATOLL_BENCH_VERBOSE"))
			printf("  %d commands: sim %llu cycles, ref estimate "
				"%llu\n", p->n,
				(unsigned long long) r.cnt[ATOLL_CNT_CYCLES],
				(unsigned long long) rs.counters[0]);
	}
	free(got);
	atoll_ref_free(ref);
	atoll_hwsim_free(h);
	return 0;
}

static int diff_random(uint32_t seed, int n)
{
	struct bench_prog *p = calloc(1, sizeof(*p));
	struct gen g = { 0 };

	CHECK(p);
	g.seed = seed;
	g.p = p;
	g.last_engine = -1;
	gen_program(&g, n);
	gen_dump(&g);
	CHECK(p->n < BENCH_MAXCMD);
	if (run_both(p, seed, 1, NULL)) {
		fprintf(stderr, "  seed %u\n", seed);
		return 1;
	}
	free(p);
	return 0;
}

static int diff_streams(void)
{
	uint32_t s;

	for (s = 1; s <= 12; s++)
		if (diff_random(s * 7919u, 30))
			return 1;
	return 0;
}

/* One valid random command with one bit flipped, then END: both models
 * must agree on the fault (or on success).
 */
static int diff_decode_fuzz(void)
{
	struct bench_prog *p = calloc(1, sizeof(*p));
	struct gen g = { 0 };
	int k, bit, faults = 0;
	uint32_t err;

	CHECK(p);
	g.seed = 4242;
	for (k = 0; k < 60; k++) {
		p->n = 0;
		g.p = p;
		g.last_engine = -1;
		gen_program(&g, 1);
		bit = rnd(&g, 0, 511);
		p->w[p->n - 1][bit / 32] ^= 1u << (bit % 32);
		bench_end(p);
		if (run_both(p, 1, 0, &err)) {
			fprintf(stderr, "  case %d, bit %d\n", k, bit);
			return 1;
		}
		faults += err != 0;
	}
	CHECK(faults > 20);
	free(p);
	return 0;
}

/* An elementwise command over partitions 0..7, 64 elements of source
 * at "src" to "dst", rounding by "shift" with multiplier "mult", no clamp
 * beyond the 8-bit range.
 */
static void tie_act(struct gen *g, int st, int dt, int mult, int shift,
	uint32_t src, uint32_t dst)
{
	uint32_t *w;

	order(g, 3);
	w = bench_cmd(g->p, ATOLL_OP_ACT);
	ATOLL_SET(w, ATOLL_ACT_SRC_TYPE, st);
	ATOLL_SET(w, ATOLL_ACT_DST_TYPE, dt);
	ATOLL_SET(w, ATOLL_ACT_NPARTS, ROWS);
	ATOLL_SET(w, ATOLL_ACT_SRC_ADDR, src);
	ATOLL_SET(w, ATOLL_ACT_DST_ADDR, dst);
	ATOLL_SET(w, ATOLL_ACT_N0, 64);
	ATOLL_SET(w, ATOLL_ACT_N1, 1);
	ATOLL_SET(w, ATOLL_ACT_SS0, 1);
	ATOLL_SET(w, ATOLL_ACT_DS0, 1);
	ATOLL_SET(w, ATOLL_ACT_MULT, mult);
	ATOLL_SET(w, ATOLL_ACT_SHIFT, shift);
	ATOLL_SET(w, ATOLL_ACT_SRC_ZP, 3);
	ATOLL_SET(w, ATOLL_ACT_DST_ZP, 0);
	ATOLL_SET(w, ATOLL_ACT_CMIN, -32768);
	ATOLL_SET(w, ATOLL_ACT_CMAX, 32767);
}

static void tie_add(struct gen *g, int mult, int shift, uint32_t dst)
{
	uint32_t *w;

	order(g, 3);
	w = bench_cmd(g->p, ATOLL_OP_ADD);
	ATOLL_SET(w, ATOLL_ADD_A_SIGNED, 1);
	ATOLL_SET(w, ATOLL_ADD_DST_SIGNED, 1);
	ATOLL_SET(w, ATOLL_ADD_NPARTS, ROWS);
	ATOLL_SET(w, ATOLL_ADD_A_ADDR, 0);
	ATOLL_SET(w, ATOLL_ADD_B_ADDR, 64);
	ATOLL_SET(w, ATOLL_ADD_DST_ADDR, dst);
	ATOLL_SET(w, ATOLL_ADD_N0, 64);
	ATOLL_SET(w, ATOLL_ADD_N1, 1);
	ATOLL_SET(w, ATOLL_ADD_AS0, 1);
	ATOLL_SET(w, ATOLL_ADD_BS0, 1);
	ATOLL_SET(w, ATOLL_ADD_DS0, 1);
	ATOLL_SET(w, ATOLL_ADD_A_MULT, mult);
	ATOLL_SET(w, ATOLL_ADD_B_MULT, 1);
	ATOLL_SET(w, ATOLL_ADD_SHIFT, shift);
	ATOLL_SET(w, ATOLL_ADD_B_ZP, 128);
	ATOLL_SET(w, ATOLL_ADD_CMIN, -32768);
	ATOLL_SET(w, ATOLL_ADD_CMAX, 32767);
}

/* Average pooling of a 16x16 image with a kh x kw kernel, stride 1,
 * padding 1 ("pad" counts padding in the divisor).
 */
static void tie_pool(struct gen *g, int kh, int kw, int pad, int shift,
	uint32_t dst)
{
	uint32_t *w;

	order(g, 3);
	w = bench_cmd(g->p, ATOLL_OP_POOL);
	ATOLL_SET(w, ATOLL_POOL_AVG, 1);
	ATOLL_SET(w, ATOLL_POOL_COUNT_PAD, pad);
	ATOLL_SET(w, ATOLL_POOL_SRC_SIGNED, 1);
	ATOLL_SET(w, ATOLL_POOL_DST_SIGNED, 1);
	ATOLL_SET(w, ATOLL_POOL_NPARTS, ROWS);
	ATOLL_SET(w, ATOLL_POOL_SRC_ADDR, 0);
	ATOLL_SET(w, ATOLL_POOL_DST_ADDR, dst);
	ATOLL_SET(w, ATOLL_POOL_N0, 16);
	ATOLL_SET(w, ATOLL_POOL_N1, 16);
	ATOLL_SET(w, ATOLL_POOL_DS0, 1);
	ATOLL_SET(w, ATOLL_POOL_DS1, 16);
	ATOLL_SET(w, ATOLL_POOL_H, 16);
	ATOLL_SET(w, ATOLL_POOL_W, 16);
	ATOLL_SET(w, ATOLL_POOL_PITCH, 16);
	ATOLL_SET(w, ATOLL_POOL_Y0, -1);
	ATOLL_SET(w, ATOLL_POOL_X0, -1);
	ATOLL_SET(w, ATOLL_POOL_SY, 1);
	ATOLL_SET(w, ATOLL_POOL_SX, 1);
	ATOLL_SET(w, ATOLL_POOL_KH, kh);
	ATOLL_SET(w, ATOLL_POOL_KW, kw);
	ATOLL_SET(w, ATOLL_POOL_DY, 1);
	ATOLL_SET(w, ATOLL_POOL_DX, 1);
	ATOLL_SET(w, ATOLL_POOL_MULT, 1);
	ATOLL_SET(w, ATOLL_POOL_SHIFT, shift);
	ATOLL_SET(w, ATOLL_POOL_CMIN, -32768);
	ATOLL_SET(w, ATOLL_POOL_CMAX, 32767);
}

/* Rounding ties: small multipliers and shifts, results not saturated,
 * every output dumped.
 */
static int diff_rounding(void)
{
	static const int mult[] = { 1, -1, 3 };
	struct bench_prog *p = calloc(1, sizeof(*p));
	struct gen g = { 0 };
	int k;

	CHECK(p);
	for (k = 0; k < 6; k++) {
		p->n = 0;
		g.p = p;
		g.last_engine = -1;
		memset(g.signals, 0, sizeof(g.signals));
		order(&g, 0);
		bench_dma2(p, ATOLL_OP_DMA_IN, D_LO, 0, 0, ROWS, 256, 256);
		tie_act(&g, 3, 2, mult[k % 3], 1 + k / 3, 0, 0x400);
		tie_act(&g, 2, 1, mult[k % 3], 1 + k % 2, 0, 0x600);
		tie_act(&g, 1, 2, mult[k % 3], 1 + k / 2, 0x40, 0x700);
		tie_add(&g, mult[k % 3], 1 + k % 3, 0x800);
		tie_pool(&g, 2, 1, k & 1, 0, 0x900);
		tie_pool(&g, 3, 3, k & 1, k / 3, 0xa00);
		tie_pool(&g, 1, 2, 0, 1, 0xb00);
		gen_dump(&g);
		if (run_both(p, 77u + (uint32_t) k, 1, NULL)) {
			fprintf(stderr, "  case %d\n", k);
			return 1;
		}
	}
	free(p);
	return 0;
}

static const struct test_case tests[] = {
	{ "diff_rounding", diff_rounding },
	{ "diff_streams", diff_streams },
	{ "diff_decode_fuzz", diff_decode_fuzz },
};

TEST_MAIN(tests)
