/* Directed tests of the functional model (host/refmodel.c) against
 * docs/isa.md.  Every test builds a small command stream with ATOLL_SET,
 * runs it and compares with values worked out by hand or by a plain loop
 * written here from the document.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "atoll_isa.h"
#include "harness.h"
#include "refmodel.h"

#define ROWS 8
#define COLS 8
#define SPM_BYTES 1024
#define PSUM_DEPTH 256
#define BUS 8
#define SEMS 4
#define DRAM_BYTES 65536u
#define CMD_BASE 0xC000u
#define MAXCMD 64
#define FETCH (1 + 64 / BUS)

#define SET(w, F, v) ATOLL_SET(w, ATOLL_##F, v)

struct prog {
	uint32_t w[MAXCMD][ATOLL_CMD_WORDS];
	int n;
};

struct dma_desc {
	unsigned fill;
	unsigned value;
	uint32_t dram;
	uint32_t addr;
	uint32_t part;
	uint32_t count[4];
	int32_t ds[4];
	int32_t ss[4];
	int32_t ps[4];
};

/* MOVE: [0] source, [1] destination. */
struct move_desc {
	uint32_t part[2], addr[2];
	uint32_t count[4];
	int32_t ps[2][4], ss[2][4];
};

struct mm_desc {
	unsigned sgn, acc, nrows, ncols;
	uint32_t x_addr, x_part, x_zp, pitch, h, w;
	int32_t y0, x0, sy, sx;
	uint32_t n0, n1, psum_addr;
	int32_t ps0, ps1;
};

struct act_desc {
	unsigned src_type, dst_type, pp, nparts;
	uint32_t src_addr, src_part, dst_part, dst_addr, n0, n1;
	int32_t ss0, ss1, ds0, ds1;
	uint32_t param_addr;
	int32_t mult;
	unsigned shift;
	int32_t src_zp, dst_zp, cmin, cmax;
};

struct pool_desc {
	unsigned avg, count_pad, src_signed, dst_signed, nparts;
	uint32_t src_addr, src_part, dst_part, dst_addr, n0, n1;
	int32_t ds0, ds1;
	uint32_t h, w, pitch;
	int32_t y0, x0, sy, sx;
	unsigned kh, kw, dy, dx;
	int32_t mult;
	unsigned shift;
	int32_t src_zp, dst_zp, cmin, cmax;
};

static void cfg_test(atoll_hwcfg *c, uint32_t queue_depth)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->name, "test");
	c->rows = ROWS;
	c->cols = COLS;
	c->spm_partitions = ROWS;
	c->spm_bytes = SPM_BYTES;
	c->psum_depth = PSUM_DEPTH;
	c->dram_bus_bytes = BUS;
	c->queue_depth = queue_depth;
	c->semaphores = SEMS;
	c->dram_bytes = DRAM_BYTES;
}

static atoll_ref *ref_new(uint32_t queue_depth)
{
	atoll_hwcfg c;

	cfg_test(&c, queue_depth);
	return atoll_ref_create(&c);
}

/* A test body run on a fresh model with queues of depth "qd". */
#define MODEL_TEST(name, qd) \
	static int name##_body(atoll_ref *m); \
	static int name(void) \
	{ \
		atoll_ref *m = ref_new(qd); \
		int r; \
		if (!m) \
			return 1; \
		r = name##_body(m); \
		atoll_ref_free(m); \
		return r; \
	} \
	static int name##_body(atoll_ref *m)

static uint32_t *cmd(struct prog *p, uint32_t op)
{
	uint32_t *w = p->w[p->n++];

	memset(w, 0, sizeof(p->w[0]));
	SET(w, END_OPCODE, op);
	return w;
}

static void end(struct prog *p)
{
	cmd(p, ATOLL_OP_END);
}

static uint32_t *sem(struct prog *p, uint32_t op, unsigned engine,
	unsigned s, uint32_t value)
{
	uint32_t *w = cmd(p, op);

	SET(w, SEM_ENGINE, engine);
	SET(w, SEM_SEM, s);
	SET(w, SEM_VALUE, value);
	return w;
}

static uint32_t *dma(struct prog *p, uint32_t op, const struct dma_desc *d)
{
	uint32_t *w = cmd(p, op);

	SET(w, DMA_FILL_EN, d->fill);
	SET(w, DMA_FILL_VALUE, d->value);
	SET(w, DMA_DRAM_BASE, d->dram);
	SET(w, DMA_SPM_ADDR, d->addr);
	SET(w, DMA_SPM_PART, d->part);
	SET(w, DMA_COUNT0, d->count[0]);
	SET(w, DMA_COUNT1, d->count[1]);
	SET(w, DMA_COUNT2, d->count[2]);
	SET(w, DMA_COUNT3, d->count[3]);
	SET(w, DMA_DRAM_STRIDE0, d->ds[0]);
	SET(w, DMA_DRAM_STRIDE1, d->ds[1]);
	SET(w, DMA_DRAM_STRIDE2, d->ds[2]);
	SET(w, DMA_DRAM_STRIDE3, d->ds[3]);
	SET(w, DMA_SPM_STRIDE0, d->ss[0]);
	SET(w, DMA_SPM_STRIDE1, d->ss[1]);
	SET(w, DMA_SPM_STRIDE2, d->ss[2]);
	SET(w, DMA_SPM_STRIDE3, d->ss[3]);
	SET(w, DMA_PART_STRIDE0, d->ps[0]);
	SET(w, DMA_PART_STRIDE1, d->ps[1]);
	SET(w, DMA_PART_STRIDE2, d->ps[2]);
	SET(w, DMA_PART_STRIDE3, d->ps[3]);
	return w;
}

static uint32_t *move(struct prog *p, const struct move_desc *d)
{
	uint32_t *w = cmd(p, ATOLL_OP_MOVE);

	SET(w, MOVE_SRC_PART, d->part[0]);
	SET(w, MOVE_SRC_ADDR, d->addr[0]);
	SET(w, MOVE_DST_PART, d->part[1]);
	SET(w, MOVE_DST_ADDR, d->addr[1]);
	SET(w, MOVE_COUNT0, d->count[0]);
	SET(w, MOVE_COUNT1, d->count[1]);
	SET(w, MOVE_COUNT2, d->count[2]);
	SET(w, MOVE_COUNT3, d->count[3]);
	SET(w, MOVE_SRC_PSTRIDE0, d->ps[0][0]);
	SET(w, MOVE_SRC_PSTRIDE1, d->ps[0][1]);
	SET(w, MOVE_SRC_PSTRIDE2, d->ps[0][2]);
	SET(w, MOVE_SRC_PSTRIDE3, d->ps[0][3]);
	SET(w, MOVE_SRC_STRIDE0, d->ss[0][0]);
	SET(w, MOVE_SRC_STRIDE1, d->ss[0][1]);
	SET(w, MOVE_SRC_STRIDE2, d->ss[0][2]);
	SET(w, MOVE_SRC_STRIDE3, d->ss[0][3]);
	SET(w, MOVE_DST_PSTRIDE0, d->ps[1][0]);
	SET(w, MOVE_DST_PSTRIDE1, d->ps[1][1]);
	SET(w, MOVE_DST_PSTRIDE2, d->ps[1][2]);
	SET(w, MOVE_DST_PSTRIDE3, d->ps[1][3]);
	SET(w, MOVE_DST_STRIDE0, d->ss[1][0]);
	SET(w, MOVE_DST_STRIDE1, d->ss[1][1]);
	SET(w, MOVE_DST_STRIDE2, d->ss[1][2]);
	SET(w, MOVE_DST_STRIDE3, d->ss[1][3]);
	return w;
}

static uint32_t *ldw(struct prog *p, unsigned sgn, unsigned nrows,
	unsigned ncols, uint32_t wpart, uint32_t waddr, uint32_t zpart,
	uint32_t zaddr)
{
	uint32_t *w = cmd(p, ATOLL_OP_LDW);

	SET(w, LDW_W_SIGNED, sgn);
	SET(w, LDW_NROWS, nrows);
	SET(w, LDW_NCOLS, ncols);
	SET(w, LDW_W_PART, wpart);
	SET(w, LDW_W_ADDR, waddr);
	SET(w, LDW_ZP_PART, zpart);
	SET(w, LDW_ZP_ADDR, zaddr);
	return w;
}

static uint32_t *mm(struct prog *p, const struct mm_desc *d)
{
	uint32_t *w = cmd(p, ATOLL_OP_MM);

	SET(w, MM_X_SIGNED, d->sgn);
	SET(w, MM_ACC, d->acc);
	SET(w, MM_NROWS, d->nrows);
	SET(w, MM_NCOLS, d->ncols);
	SET(w, MM_X_ADDR, d->x_addr);
	SET(w, MM_X_PART, d->x_part);
	SET(w, MM_X_ZP, d->x_zp);
	SET(w, MM_PITCH, d->pitch);
	SET(w, MM_H, d->h);
	SET(w, MM_W, d->w);
	SET(w, MM_Y0, d->y0);
	SET(w, MM_X0, d->x0);
	SET(w, MM_SY, d->sy);
	SET(w, MM_SX, d->sx);
	SET(w, MM_N0, d->n0);
	SET(w, MM_N1, d->n1);
	SET(w, MM_PSUM_ADDR, d->psum_addr);
	SET(w, MM_PS0, d->ps0);
	SET(w, MM_PS1, d->ps1);
	return w;
}

static uint32_t *act(struct prog *p, const struct act_desc *d)
{
	uint32_t *w = cmd(p, ATOLL_OP_ACT);

	SET(w, ACT_SRC_TYPE, d->src_type);
	SET(w, ACT_DST_TYPE, d->dst_type);
	SET(w, ACT_PP, d->pp);
	SET(w, ACT_NPARTS, d->nparts);
	SET(w, ACT_SRC_ADDR, d->src_addr);
	SET(w, ACT_SRC_PART, d->src_part);
	SET(w, ACT_DST_PART, d->dst_part);
	SET(w, ACT_DST_ADDR, d->dst_addr);
	SET(w, ACT_N0, d->n0);
	SET(w, ACT_N1, d->n1);
	SET(w, ACT_SS0, d->ss0);
	SET(w, ACT_SS1, d->ss1);
	SET(w, ACT_DS0, d->ds0);
	SET(w, ACT_DS1, d->ds1);
	SET(w, ACT_PARAM_ADDR, d->param_addr);
	SET(w, ACT_MULT, d->mult);
	SET(w, ACT_SHIFT, d->shift);
	SET(w, ACT_SRC_ZP, d->src_zp);
	SET(w, ACT_DST_ZP, d->dst_zp);
	SET(w, ACT_CMIN, d->cmin);
	SET(w, ACT_CMAX, d->cmax);
	return w;
}

static uint32_t *pool(struct prog *p, const struct pool_desc *d)
{
	uint32_t *w = cmd(p, ATOLL_OP_POOL);

	SET(w, POOL_AVG, d->avg);
	SET(w, POOL_COUNT_PAD, d->count_pad);
	SET(w, POOL_SRC_SIGNED, d->src_signed);
	SET(w, POOL_DST_SIGNED, d->dst_signed);
	SET(w, POOL_NPARTS, d->nparts);
	SET(w, POOL_SRC_ADDR, d->src_addr);
	SET(w, POOL_SRC_PART, d->src_part);
	SET(w, POOL_DST_PART, d->dst_part);
	SET(w, POOL_DST_ADDR, d->dst_addr);
	SET(w, POOL_N0, d->n0);
	SET(w, POOL_N1, d->n1);
	SET(w, POOL_DS0, d->ds0);
	SET(w, POOL_DS1, d->ds1);
	SET(w, POOL_H, d->h);
	SET(w, POOL_W, d->w);
	SET(w, POOL_PITCH, d->pitch);
	SET(w, POOL_Y0, d->y0);
	SET(w, POOL_X0, d->x0);
	SET(w, POOL_SY, d->sy);
	SET(w, POOL_SX, d->sx);
	SET(w, POOL_KH, d->kh);
	SET(w, POOL_KW, d->kw);
	SET(w, POOL_DY, d->dy);
	SET(w, POOL_DX, d->dx);
	SET(w, POOL_MULT, d->mult);
	SET(w, POOL_SHIFT, d->shift);
	SET(w, POOL_SRC_ZP, d->src_zp);
	SET(w, POOL_DST_ZP, d->dst_zp);
	SET(w, POOL_CMIN, d->cmin);
	SET(w, POOL_CMAX, d->cmax);
	return w;
}

/* Write the commands of "p" little-endian into DRAM at "base". */
static void prog_load(atoll_ref *m, const struct prog *p, uint32_t base)
{
	uint8_t *d = atoll_ref_dram(m) + base;
	int i, k;

	for (i = 0; i < p->n; i++)
		for (k = 0; k < ATOLL_CMD_WORDS; k++) {
			d[0] = (uint8_t) p->w[i][k];
			d[1] = (uint8_t) (p->w[i][k] >> 8);
			d[2] = (uint8_t) (p->w[i][k] >> 16);
			d[3] = (uint8_t) (p->w[i][k] >> 24);
			d += 4;
		}
}

static void params_default(atoll_run_params *prm, const struct prog *p)
{
	prm->cmd_base = CMD_BASE;
	prm->cmd_count = (uint32_t) p->n;
	prm->win_lo = 0;
	prm->win_hi = DRAM_BYTES;
	prm->cycle_budget = 0;
}

static int run_with(atoll_ref *m, const struct prog *p,
	const atoll_run_params *prm, atoll_run_status *st)
{
	prog_load(m, p, prm->cmd_base);
	return atoll_ref_run(m, prm, st);
}

static int run(atoll_ref *m, const struct prog *p, atoll_run_status *st)
{
	atoll_run_params prm;

	params_default(&prm, p);
	return run_with(m, p, &prm, st);
}

static uint8_t *spm_at(atoll_ref *m, unsigned part, unsigned addr)
{
	return atoll_ref_spm(m) + (size_t) part * SPM_BYTES + addr;
}

static int32_t *psum_at(atoll_ref *m, unsigned part, unsigned addr)
{
	return atoll_ref_psum(m) + (size_t) part * PSUM_DEPTH + addr;
}

static void put32(uint8_t *p, int32_t v)
{
	uint32_t u = (uint32_t) v;

	p[0] = (uint8_t) u;
	p[1] = (uint8_t) (u >> 8);
	p[2] = (uint8_t) (u >> 16);
	p[3] = (uint8_t) (u >> 24);
}

static int32_t get32(const uint8_t *p)
{
	uint32_t u = (uint32_t) p[0] | (uint32_t) p[1] << 8 |
		(uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;

	return (int32_t) u;
}

/* A deterministic byte sequence (xorshift). */
static void fill_random(uint8_t *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		p[i] = (uint8_t) (seed >> 11);
	}
}

/* Round half to even of p / 2^s, written independently of the model:
 * round |p| and restore the sign (rounding half to even is symmetric).
 */
static int64_t test_rne(int64_t p, unsigned s)
{
	uint64_t a = p < 0 ? (uint64_t) 0 - (uint64_t) p : (uint64_t) p;
	uint64_t q, r, h;

	if (s == 0)
		return p;
	q = a >> s;
	r = a - (q << s);
	h = (uint64_t) 1 << (s - 1);
	if (r > h || (r == h && (q & 1)))
		q++;
	return p < 0 ? -(int64_t) q : (int64_t) q;
}

/* Round half to even of num / den (den > 0), by the symmetric rule. */
static int64_t test_div_rne(int64_t num, int64_t den)
{
	int64_t a = num < 0 ? -num : num;
	int64_t q = a / den, r = a % den;

	if (2 * r > den || (2 * r == den && (q & 1)))
		q++;
	return num < 0 ? -q : q;
}

static int64_t clamp(int64_t y, int64_t lo, int64_t hi)
{
	return y < lo ? lo : y > hi ? hi : y;
}

/* The effect of a DMA on the expected images "spm" and "dram": the loop
 * of docs/isa.md, element by element.
 */
static void dma_expect(const struct dma_desc *d, int in, uint8_t *spm,
	uint8_t *dram)
{
	int64_t i[4], k, x, pa, a;

	for (i[3] = 0; i[3] < d->count[3]; i[3]++)
	for (i[2] = 0; i[2] < d->count[2]; i[2]++)
	for (i[1] = 0; i[1] < d->count[1]; i[1]++)
	for (i[0] = 0; i[0] < d->count[0]; i[0]++) {
		x = d->dram;
		pa = d->part;
		a = d->addr;
		for (k = 0; k < 4; k++) {
			x += i[k] * d->ds[k];
			pa += i[k] * d->ps[k];
			a += i[k] * d->ss[k];
		}
		if (in)
			spm[pa * SPM_BYTES + a] = d->fill ? d->value : dram[x];
		else
			dram[x] = d->fill ? d->value : spm[pa * SPM_BYTES + a];
	}
}

/* A 2 x 3 row-major matrix transposed on the way in: hand-worked. */
MODEL_TEST(t_dma_transpose, 4)
{
	static const uint8_t src[6] = { 1, 2, 3, 4, 5, 6 };
	static const uint8_t want[6] = { 1, 4, 2, 5, 3, 6 };
	struct dma_desc d = { 0, 0, 0x100, 0, 0, { 2, 3, 1, 1 },
		{ 3, 1, 0, 0 }, { 1, 2, 0, 0 }, { 0, 0, 0, 0 } };
	struct prog p = { .n = 0 };
	atoll_run_status st;

	memcpy(atoll_ref_dram(m) + 0x100, src, 6);
	dma(&p, ATOLL_OP_DMA_IN, &d);
	end(&p);
	CHECK(run(m, &p, &st) == 0);
	CHECK(memcmp(spm_at(m, 0, 0), want, 6) == 0);
	CHECK(*spm_at(m, 0, 6) == 0);
	CHECK(st.counters[ATOLL_CNT_DRAM_RD] == 6);
	CHECK(st.counters[ATOLL_CNT_SPM_WR] == 6);
	CHECK(st.counters[ATOLL_CNT_DMA_CMDS] == 1);
	return 0;
}

/* 1-D to 4-D patterns, negative DRAM, SPM and partition strides, and a
 * zero stride (later elements overwrite earlier ones).  Each pattern goes
 * in (DRAM 0x1000 area to SPM) and then out (SPM to DRAM 0x6000 area), one
 * run each, compared with dma_expect over the whole of SPM and DRAM.
 */
static const struct dma_desc dma_patterns[] = {
	{ 0, 0, 0x1000, 3, 0, { 16, 1, 1, 1 }, { 1, 0, 0, 0 },
		{ 1, 0, 0, 0 }, { 0, 0, 0, 0 } },
	{ 0, 0, 0x1000, 0, 0, { 4, 3, 1, 1 }, { 1, 4, 0, 0 },
		{ 1, 0, 0, 0 }, { 0, 1, 0, 0 } },
	{ 0, 0, 0x1100, 10, 1, { 8, 4, 2, 1 }, { -1, -8, 64, 0 },
		{ 1, 8, 32, 0 }, { 0, 0, 1, 0 } },
	{ 0, 0, 0x1200, 100, 7, { 3, 2, 2, 3 }, { 2, -7, 100, -300 },
		{ -1, 5, 200, 17 }, { 0, 0, -1, -2 } },
	{ 0, 0, 0x1300, 0, 2, { 4, 5, 1, 1 }, { 1, 4, 0, 0 },
		{ 0, 1, 0, 0 }, { 1, 0, 0, 0 } },
	{ 0, 0, 0x1400, 1023, 7, { 2, 2, 2, 2 }, { 1, 2, 4, 8 },
		{ -1, -2, -4, -8 }, { -1, -1, -1, -1 } },
	{ 0, 0, 0x1500, 9, 2, { 4, 1, 1, 1 }, { 1, 0, 0, 0 },
		{ 0, 0, 0, 0 }, { 0, 0, 0, 0 } },
};

static int dma_pattern_one(atoll_ref *m, const struct dma_desc *d)
{
	struct dma_desc out = *d;
	uint8_t *spm_exp, *dram_exp;
	struct prog p = { .n = 0 };
	atoll_run_status st;
	int ok;

	spm_exp = calloc(ROWS * SPM_BYTES, 1);
	dram_exp = malloc(DRAM_BYTES);
	if (!spm_exp || !dram_exp) {
		free(spm_exp);
		free(dram_exp);
		return 1;
	}
	memset(atoll_ref_spm(m), 0, ROWS * SPM_BYTES);
	fill_random(atoll_ref_dram(m), CMD_BASE, d->dram);
	dma(&p, ATOLL_OP_DMA_IN, d);
	end(&p);
	ok = run(m, &p, &st) == 0;
	memcpy(dram_exp, atoll_ref_dram(m), DRAM_BYTES);
	dma_expect(d, 1, spm_exp, dram_exp);
	ok = ok && !memcmp(spm_exp, atoll_ref_spm(m), ROWS * SPM_BYTES);
	out.dram += 0x5000;
	p.n = 0;
	dma(&p, ATOLL_OP_DMA_OUT, &out);
	end(&p);
	ok = ok && run(m, &p, &st) == 0;
	memcpy(dram_exp + CMD_BASE, atoll_ref_dram(m) + CMD_BASE, 128);
	dma_expect(&out, 0, spm_exp, dram_exp);
	ok = ok && !memcmp(dram_exp, atoll_ref_dram(m), DRAM_BYTES);
	free(spm_exp);
	free(dram_exp);
	return !ok;
}

MODEL_TEST(t_dma_patterns, 4)
{
	size_t i;

	for (i = 0; i < sizeof(dma_patterns) / sizeof(dma_patterns[0]); i++)
		CHECKF(dma_pattern_one(m, &dma_patterns[i]) == 0,
			"pattern %zu", i);
	return 0;
}

/* Fill in both directions; the side not read is not checked: DRAM_BASE
 * far outside the window for DMA_IN, SPM_PART out of range for DMA_OUT.
 * Durations (docs/traffic.md, chunks): the DMA_IN fill is chunked (rows
 * of 4 bytes in one partition, DRAM ignored), 8 + 3; the DMA_OUT fill
 * walks DRAM backwards, one byte per cycle, 8 + 10.
 */
MODEL_TEST(t_dma_fill, 4)
{
	struct dma_desc in = { 1, 0xab, 0xfffffff0u, 5, 2, { 4, 3, 1, 1 },
		{ 1, 4, 0, 0 }, { 1, 0, 0, 0 }, { 0, 1, 0, 0 } };
	struct dma_desc out = { 1, 0x5c, 0x2000, 0xffffff, 200,
		{ 10, 1, 1, 1 }, { -1, 0, 0, 0 }, { 1, 0, 0, 0 },
		{ 0, 0, 0, 0 } };
	struct prog p = { .n = 0 };
	atoll_run_status st;
	unsigned r, a;

	dma(&p, ATOLL_OP_DMA_IN, &in);
	dma(&p, ATOLL_OP_DMA_OUT, &out);
	end(&p);
	CHECK(run(m, &p, &st) == 0);
	for (r = 0; r < ROWS; r++)
		for (a = 0; a < 16; a++)
			CHECK(*spm_at(m, r, a) == (r >= 2 && r < 5 &&
				a >= 5 && a < 9 ? 0xab : 0));
	for (a = 0x1ff0; a < 0x2010; a++)
		CHECK(atoll_ref_dram(m)[a] == (a > 0x2000 - 10 && a <= 0x2000 ?
			0x5c : 0));
	CHECK(st.counters[ATOLL_CNT_DRAM_RD] == 0);
	CHECK(st.counters[ATOLL_CNT_SPM_RD] == 0);
	CHECK(st.counters[ATOLL_CNT_SPM_WR] == 12);
	CHECK(st.counters[ATOLL_CNT_DRAM_WR] == 10);
	CHECK(st.counters[ATOLL_CNT_DMA_CMDS] == 2);
	CHECK(st.counters[ATOLL_CNT_BUSY_DMAIN] == 8 + 3);
	CHECK(st.counters[ATOLL_CNT_BUSY_DMAOUT] == 8 + 10);
	return 0;
}

/* Patterns that end exactly on the last valid byte pass. */
MODEL_TEST(t_range_edges, 4)
{
	struct dma_desc d = { 0, 0, DRAM_BYTES - 8, SPM_BYTES - 1, ROWS - 1,
		{ 8, 1, 1, 1 }, { 1, 0, 0, 0 }, { -1, 0, 0, 0 },
		{ -1, 0, 0, 0 } };
	struct mm_desc x = { 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0,
		2, 2, PSUM_DEPTH - 4, 1, 2 };
	struct prog p = { .n = 0 };
	atoll_run_params prm;
	atoll_run_status st;

	dma(&p, ATOLL_OP_DMA_IN, &d);
	mm(&p, &x);
	end(&p);
	CHECK(run(m, &p, &st) == 0);
	params_default(&prm, &p);
	prm.cmd_base = DRAM_BYTES - 64 * 3;
	prm.win_lo = DRAM_BYTES - 64 * 3 - 8;
	p.w[0][ATOLL_DMA_DRAM_BASE_WORD] = DRAM_BYTES - 64 * 3 - 8;
	CHECK(run_with(m, &p, &prm, &st) == 0);
	return 0;
}

/* The naive convolution: out[co][oy][ox] = sum over ci, ky, kx of
 * (x[ci][iy][ix] - xzp) * (w[ky][kx][ci][co] - wzp[co]), 0 for padding.
 */
struct conv {
	unsigned sgn, cin, cout, h, w, pitch, kh, kw, stride, pad, dil;
	unsigned x_zp;
	unsigned oh, ow;
};

static int64_t conv_val(const struct conv *c, uint8_t b)
{
	return c->sgn ? (int8_t) b : b;
}

static int64_t conv_naive(atoll_ref *m, const struct conv *c, unsigned co,
	unsigned oy, unsigned ox)
{
	int64_t s = 0, iy, ix, xv, wv, zp;
	unsigned ci, ky, kx, tap;

	for (ky = 0; ky < c->kh; ky++)
		for (kx = 0; kx < c->kw; kx++)
			for (ci = 0; ci < c->cin; ci++) {
				iy = (int64_t) (oy * c->stride + ky * c->dil) -
					c->pad;
				ix = (int64_t) (ox * c->stride + kx * c->dil) -
					c->pad;
				if (iy < 0 || iy >= c->h || ix < 0 ||
				    ix >= c->w)
					continue;
				tap = ky * c->kw + kx;
				xv = conv_val(c, *spm_at(m, ci,
					(unsigned) (iy * c->pitch + ix))) -
					conv_val(c, (uint8_t) c->x_zp);
				zp = conv_val(c, *spm_at(m, 0, 900 + co));
				wv = conv_val(c, *spm_at(m, ci,
					512 + tap * 8 + co)) - zp;
				s += xv * wv;
			}
	return s;
}

/* Run a convolution as one LDW + MM per tap (implicit im2col) and
 * compare every PSUM entry with conv_naive.
 */
static int conv_check(atoll_ref *m, struct conv *c, uint32_t seed)
{
	struct prog p = { .n = 0 };
	struct mm_desc x;
	atoll_run_status st;
	unsigned ky, kx, co, oy, ox;
	uint64_t macs = 0;

	c->oh = (c->h + 2 * c->pad - c->dil * (c->kh - 1) - 1) / c->stride + 1;
	c->ow = (c->w + 2 * c->pad - c->dil * (c->kw - 1) - 1) / c->stride + 1;
	fill_random(atoll_ref_spm(m), ROWS * SPM_BYTES, seed);
	for (ky = 0; ky < c->kh; ky++)
		for (kx = 0; kx < c->kw; kx++) {
			ldw(&p, c->sgn, c->cin, c->cout, 0,
				512 + (ky * c->kw + kx) * 8, 0, 900);
			memset(&x, 0, sizeof(x));
			x.sgn = c->sgn;
			x.acc = ky || kx;
			x.nrows = c->cin;
			x.ncols = c->cout;
			x.x_zp = c->x_zp;
			x.pitch = c->pitch;
			x.h = c->h;
			x.w = c->w;
			x.y0 = (int32_t) (ky * c->dil) - (int32_t) c->pad;
			x.x0 = (int32_t) (kx * c->dil) - (int32_t) c->pad;
			x.sy = (int32_t) c->stride;
			x.sx = (int32_t) c->stride;
			x.n0 = c->ow;
			x.n1 = c->oh;
			x.ps0 = 1;
			x.ps1 = (int32_t) c->ow;
			mm(&p, &x);
			macs += (uint64_t) c->cin * c->cout * c->oh * c->ow;
		}
	end(&p);
	CHECK(run(m, &p, &st) == 0);
	for (co = 0; co < c->cout; co++)
		for (oy = 0; oy < c->oh; oy++)
			for (ox = 0; ox < c->ow; ox++)
				CHECKF(*psum_at(m, co, oy * c->ow + ox) ==
					conv_naive(m, c, co, oy, ox),
					"co %u oy %u ox %u", co, oy, ox);
	CHECK(st.counters[ATOLL_CNT_MACS] == macs);
	return 0;
}

MODEL_TEST(t_conv_1x1, 4)
{
	struct conv c = { 0, 3, 4, 4, 5, 5, 1, 1, 1, 0, 1, 3, 0, 0 };

	return conv_check(m, &c, 11);
}

MODEL_TEST(t_conv_3x3_pad_stride_signed, 4)
{
	struct conv c = { 1, 8, 8, 7, 6, 6, 3, 3, 2, 1, 1, 0xfd, 0, 0 };

	return conv_check(m, &c, 12);
}

MODEL_TEST(t_conv_3x3_dilation_pitch, 4)
{
	struct conv c = { 0, 5, 3, 6, 7, 9, 3, 3, 1, 2, 2, 128, 0, 0 };

	return conv_check(m, &c, 13);
}

/* LDW/MM by hand: Wt = [[3, -1], [2, 5]] after zero points, x = (4, 2)
 * minus X_ZP 1 = (3, 1); out = (3*3 + 1*2, 3*-1 + 1*5) = (11, 2).  With
 * ACC the second MM adds to what is there; without, it overwrites.
 * Signed: column 0 has zero point 0x80 (-128), so 0x83 (-125) gives 3 and
 * 0x82 gives 2; column 1 has zero point 0, so 0xff gives -1.
 */
MODEL_TEST(t_mm_hand_acc, 4)
{
	struct mm_desc x = { 1, 0, 2, 2, 100, 0, 1, 1, 1, 1, 0, 0, 0, 0,
		1, 1, 7, 0, 0 };
	struct prog p = { .n = 0 };
	atoll_run_status st;

	*spm_at(m, 0, 0) = 0x83;
	*spm_at(m, 0, 1) = 0xff;
	*spm_at(m, 1, 0) = 0x82;
	*spm_at(m, 1, 1) = 0x05;
	*spm_at(m, 2, 0) = 0x80;
	*spm_at(m, 2, 1) = 0x00;
	*spm_at(m, 0, 100) = 4;
	*spm_at(m, 1, 100) = 2;
	*psum_at(m, 0, 7) = 1000;
	*psum_at(m, 1, 7) = -1000;
	*psum_at(m, 2, 7) = 55;
	ldw(&p, 1, 2, 2, 0, 0, 2, 0);
	x.acc = 1;
	mm(&p, &x);
	end(&p);
	CHECK(run(m, &p, &st) == 0);
	CHECK(*psum_at(m, 0, 7) == 1011);
	CHECK(*psum_at(m, 1, 7) == -998);
	CHECK(*psum_at(m, 2, 7) == 55);
	CHECK(st.counters[ATOLL_CNT_PSUM_RD] == 8);
	CHECK(st.counters[ATOLL_CNT_PSUM_WR] == 8);
	CHECK(st.counters[ATOLL_CNT_SPM_RD] == 2 * 2 + 2 + 2);
	p.n = 1;
	x.acc = 0;
	mm(&p, &x);
	end(&p);
	CHECK(run(m, &p, &st) == 0);
	CHECK(*psum_at(m, 0, 7) == 11);
	CHECK(*psum_at(m, 1, 7) == 2);
	CHECK(st.counters[ATOLL_CNT_PSUM_RD] == 0);
	return 0;
}

/* Unsigned weights 255 - 0 and activations 255 - 0 summed over 8 rows
 * overflow nothing, and PSUM wraps in int32 with ACC: INT32_MAX + 8*65025.
 */
MODEL_TEST(t_mm_unsigned_wrap, 4)
{
	struct mm_desc x = { 0, 1, 8, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0,
		1, 1, 0, 0, 0 };
	struct prog p = { .n = 0 };
	atoll_run_status st;
	unsigned r;

	for (r = 0; r < ROWS; r++) {
		*spm_at(m, r, 0) = 255;
		*spm_at(m, r, 10) = 255;
	}
	*spm_at(m, 0, 20) = 0;
	*psum_at(m, 0, 0) = INT32_MAX;
	ldw(&p, 0, 8, 1, 0, 10, 0, 20);
	mm(&p, &x);
	end(&p);
	CHECK(run(m, &p, &st) == 0);
	CHECK(*psum_at(m, 0, 0) == (int32_t) ((uint32_t) INT32_MAX +
		8u * 65025u));
	return 0;
}

/* rne ties: 5/2 -> 2, 7/2 -> 4, -5/2 -> -2, -7/2 -> -4, 3/2 -> 2,
 * -3/2 -> -2, 1/2 -> 0, 6/2 -> 3 (int8, DST_ZP 0); then uint8 with
 * DST_ZP 10 clamped to [11, 13].
 */
MODEL_TEST(t_act_rne_ties, 4)
{
	static const int32_t v[8] = { 5, 7, -5, -7, 3, -3, 1, 6 };
	static const int8_t want[8] = { 2, 4, -2, -4, 2, -2, 0, 3 };
	static const uint8_t want2[8] = { 12, 13, 11, 11, 12, 11, 11, 13 };
	struct act_desc a = { 0, 1, 0, 1, 0, 0, 0, 0, 8, 1, 1, 0, 1, 0,
		0, 1, 1, 0, 0, -128, 127 };
	struct prog p = { .n = 0 };
	atoll_run_status st;
	int i;

	for (i = 0; i < 8; i++)
		*psum_at(m, 0, (unsigned) i) = v[i];
	act(&p, &a);
	a.dst_type = 0;
	a.dst_addr = 16;
	a.dst_zp = 10;
	a.cmin = 11;
	a.cmax = 13;
	act(&p, &a);
	end(&p);
	CHECK(run(m, &p, &st) == 0);
	for (i = 0; i < 8; i++) {
		CHECKF((int8_t) *spm_at(m, 0, (unsigned) i) == want[i],
			"i %d", i);
		CHECKF(*spm_at(m, 0, 16 + (unsigned) i) == want2[i], "i %d", i);
	}
	CHECK(st.counters[ATOLL_CNT_PSUM_RD] == 64);
	CHECK(st.counters[ATOLL_CNT_SPM_WR] == 16);
	return 0;
}

/* Large products and shifts: (2^31-1) * (2^31-1) / 2^62 rounds to 1;
 * 3.5 * 2^20 / 2^20 -> 4, 2.5 -> 2, negated by MULT -1 -> -4, -2;
 * shift 63 of a product < 2^62 gives 0.  int32 destination.
 */
MODEL_TEST(t_act_rne_wide, 4)
{
	struct act_desc a = { 0, 2, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0,
		0, INT32_MAX, 62, 0, 0, 0, 0 };
	struct prog p = { .n = 0 };
	atoll_run_status st;

	*psum_at(m, 0, 0) = INT32_MAX;
	*psum_at(m, 0, 1) = 7 << 19;
	*psum_at(m, 0, 2) = 5 << 19;
	act(&p, &a);
	a.src_addr = 1;
	a.dst_addr = 4;
	a.n0 = 2;
	a.ss0 = 1;
	a.ds0 = 1;
	a.mult = -1;
	a.shift = 20;
	act(&p, &a);
	a.src_addr = 0;
	a.dst_addr = 12;
	a.n0 = 1;
	a.mult = INT32_MAX;
	a.shift = 63;
	act(&p, &a);
	end(&p);
	CHECK(run(m, &p, &st) == 0);
	CHECK(get32(spm_at(m, 0, 0)) == 1);
	CHECK(get32(spm_at(m, 0, 4)) == -4);
	CHECK(get32(spm_at(m, 0, 8)) == -2);
	CHECK(get32(spm_at(m, 0, 12)) == 0);
	CHECK(test_rne(7 << 19, 20) == 4 && test_rne(-(5 << 19), 20) == -2);
	return 0;
}

/* Per-partition parameters and saturation.  Partition i of the
 * destination holds its 8-byte record at PARAM_ADDR 800: int32 bias, then
 * the word mult [23:0] | shift [29:24] | junk in bits [31:30], which ACT
 * ignores; bytes 808..811 hold 0xff (the record ends at 808).  int32
 * source in SPM, int32 destination.  By hand:
 *  0: word 0xc2000002 (mult 2, shift 2): sat32(2^31-1 + 10) * 2 / 4 =
 *     1073741823.5 -> 1073741824 (an unsaturated sum would give
 *     1073741828); 1010 * 2 / 4 = 505; 3 * 2 / 4 = 1.5 -> 2.
 *  1: word 0x58ffffff (mult 2^24-1, shift 24): sat32(-2^31 - 10) gives
 *     -2^31 * (2^24-1) / 2^24 = -2^31 + 128; -1010 + 1010/2^24 -> -1010;
 *     -1 + 2^-24 -> -1.
 *  2: word 0xbfffffff (mult 2^24-1, shift 63): every |v * mult| < 2^55,
 *     so 0.
 *  3: word 0xefffffff (mult 2^24-1, shift 47): (2^31-1)(2^24-1) / 2^47 =
 *     256 - 2^-16 - 2^-23 + 2^-47 -> 256; 2^23 (2^24-1) / 2^47 =
 *     1 - 2^-24 -> 1; -3*2^22 (2^24-1) / 2^47 = -1.5 + 3*2^-25 -> -1.
 */
MODEL_TEST(t_act_pp_sat, 4)
{
	static const int32_t src[4][3] = {
		{ INT32_MAX, 1000, -7 },
		{ INT32_MIN, -1000, 9 },
		{ 123456, -654321, INT32_MIN },
		{ INT32_MAX, 1 << 23, -(3 << 22) },
	};
	static const int32_t bias[4] = { 10, -10, 0, 0 };
	static const uint32_t word[4] = { 0xc2000002u, 0x58ffffffu,
		0xbfffffffu, 0xefffffffu };
	static const int32_t want[4][3] = {
		{ 1073741824, 505, 2 },
		{ -2147483647 + 127, -1010, -1 },
		{ 0, 0, 0 },
		{ 256, 1, -1 },
	};
	struct act_desc a = { 1, 2, 1, 4, 0, 0, 2, 64, 3, 1, 1, 0, 1, 0,
		800, 99, 5, 77, 0, 0, 0 };
	struct prog p = { .n = 0 };
	atoll_run_status st;
	int64_t v, r;
	unsigned i, k;

	for (i = 0; i < 4; i++) {
		for (k = 0; k < 3; k++)
			put32(spm_at(m, i, 4 * k), src[i][k]);
		put32(spm_at(m, 2 + i, 800), bias[i]);
		put32(spm_at(m, 2 + i, 804), (int32_t) word[i]);
		put32(spm_at(m, 2 + i, 808), -1);
	}
	act(&p, &a);
	end(&p);
	CHECK(run(m, &p, &st) == 0);
	for (i = 0; i < 4; i++)
		for (k = 0; k < 3; k++) {
			CHECKF(get32(spm_at(m, 2 + i, 64 + 4 * k)) ==
				want[i][k], "i %u k %u: %d", i, k,
				get32(spm_at(m, 2 + i, 64 + 4 * k)));
			v = clamp((int64_t) src[i][k] + bias[i], INT32_MIN,
				INT32_MAX);
			r = clamp(test_rne(v * (word[i] & 0xffffff),
				(word[i] >> 24) & 63), INT32_MIN, INT32_MAX);
			CHECKF(r == want[i][k], "i %u k %u", i, k);
		}
	CHECK(st.counters[ATOLL_CNT_SPM_RD] == 12 * 4 + 4 * 8);
	CHECK(st.counters[ATOLL_CNT_SPM_WR] == 12 * 4);
	return 0;
}

/* The 4-byte record of ACT with NB: partition i of the destination holds
 * the word mult [23:0] | shift [29:24] (junk in bits [31:30] for i = 1)
 * at PARAM_ADDR 800 and 1000 at 804, which an 8-byte read would take for
 * the word (mult 1000, shift 0).  int32 source in SPM, int32 destination,
 * bias 0.  By hand:
 *  0: word 0x03000005 (mult 5, shift 3): 100 * 5/8 = 62.5 -> 62;
 *     -7 * 5/8 = -4.375 -> -4; 12 * 5/8 = 7.5 -> 8.
 *  1: word 0xc1000003 (mult 3, shift 1): 5 * 3/2 = 7.5 -> 8; -7.5 -> -8;
 *     (2^31-1) * 3/2 -> 3221225470, stored as sat32: 2^31-1.
 * Then NB without PP is ignored: MULT 3, SHIFT 0 on partition 0's source
 * gives 300, -21, 36, and no parameter bytes are read.
 */
MODEL_TEST(t_act_nb, 4)
{
	static const int32_t src[2][3] = {
		{ 100, -7, 12 },
		{ 5, -5, INT32_MAX },
	};
	static const uint32_t word[2] = { 0x03000005u, 0xc1000003u };
	static const int32_t want[2][3] = {
		{ 62, -4, 8 },
		{ 8, -8, INT32_MAX },
	};
	static const int32_t want_ign[3] = { 300, -21, 36 };
	struct act_desc a = { 1, 2, 1, 2, 0, 0, 2, 64, 3, 1, 1, 0, 1, 0,
		800, 99, 5, 77, 0, 0, 0 };
	struct prog p = { .n = 0 };
	atoll_run_status st;
	uint32_t *w;
	unsigned i, k;

	for (i = 0; i < 2; i++) {
		for (k = 0; k < 3; k++)
			put32(spm_at(m, i, 4 * k), src[i][k]);
		put32(spm_at(m, 2 + i, 800), (int32_t) word[i]);
		put32(spm_at(m, 2 + i, 804), 1000);
	}
	w = act(&p, &a);
	SET(w, ACT_NB, 1);
	a.pp = 0;
	a.nparts = 1;
	a.dst_addr = 128;
	a.mult = 3;
	a.shift = 0;
	w = act(&p, &a);
	SET(w, ACT_NB, 1);
	end(&p);
	CHECK(run(m, &p, &st) == 0);
	for (i = 0; i < 2; i++)
		for (k = 0; k < 3; k++)
			CHECKF(get32(spm_at(m, 2 + i, 64 + 4 * k)) ==
				want[i][k], "i %u k %u: %d", i, k,
				get32(spm_at(m, 2 + i, 64 + 4 * k)));
	for (k = 0; k < 3; k++)
		CHECKF(get32(spm_at(m, 2, 128 + 4 * k)) == want_ign[k],
			"k %u: %d", k, get32(spm_at(m, 2, 128 + 4 * k)));
	CHECK(st.counters[ATOLL_CNT_SPM_RD] == 6 * 4 + 2 * 4 + 3 * 4);
	CHECK(st.counters[ATOLL_CNT_SPM_WR] == 6 * 4 + 3 * 4);
	return 0;
}

/* Byte sources with SRC_ZP and 2-D strides, reversed destination:
 * uint8 {0, 128, 255, 200} - 128 -> int8 {-128, 0, 127, 72};
 * int8 {-1, -128, 127, 3} - (-5) -> uint8 {4, 0, 132, 8}.
 * 2-D: src 2 x 3 at 10 (SS0 1, SS1 3) to 105 with DS0 -1, DS1 -3.
 * CMIN > CMAX: clamped to [CMIN, CMAX] as min(max(y, CMIN), CMAX).
 */
MODEL_TEST(t_act_bytes_strides, 4)
{
	static const uint8_t u[4] = { 0, 128, 255, 200 };
	static const uint8_t s8[4] = { 0xff, 0x80, 0x7f, 3 };
	struct act_desc a = { 2, 1, 0, 1, 0, 0, 0, 32, 4, 1, 1, 0, 1, 0,
		0, 1, 0, 128, 0, -32768, 32767 };
	struct prog p = { .n = 0 };
	atoll_run_status st;
	unsigned k;

	memcpy(spm_at(m, 0, 0), u, 4);
	memcpy(spm_at(m, 1, 0), s8, 4);
	for (k = 0; k < 6; k++)
		*spm_at(m, 2, 10 + k) = (uint8_t) (k + 1);
	act(&p, &a);
	a.src_type = 3;
	a.dst_type = 0;
	a.src_part = 1;
	a.dst_part = 1;
	a.src_zp = -5;
	act(&p, &a);
	a.src_type = 2;
	a.dst_type = 0;
	a.src_part = 2;
	a.dst_part = 2;
	a.src_addr = 10;
	a.dst_addr = 105;
	a.src_zp = 0;
	a.n0 = 3;
	a.n1 = 2;
	a.ss1 = 3;
	a.ds0 = -1;
	a.ds1 = -3;
	act(&p, &a);
	a.dst_addr = 200;
	a.ds0 = 1;
	a.ds1 = 3;
	a.cmin = 50;
	a.cmax = 40;
	act(&p, &a);
	end(&p);
	CHECK(run(m, &p, &st) == 0);
	CHECK(*spm_at(m, 0, 32) == 0x80 && *spm_at(m, 0, 33) == 0);
	CHECK(*spm_at(m, 0, 34) == 0x7f && *spm_at(m, 0, 35) == 72);
	CHECK(*spm_at(m, 1, 32) == 4 && *spm_at(m, 1, 33) == 0);
	CHECK(*spm_at(m, 1, 34) == 132 && *spm_at(m, 1, 35) == 8);
	for (k = 0; k < 6; k++) {
		CHECK(*spm_at(m, 2, 105 - k) == k + 1);
		CHECK(*spm_at(m, 2, 200 + k) == 40);
	}
	CHECK(*spm_at(m, 2, 99) == 0);
	return 0;
}

/* ADD by hand: a uint8 {10, 20, 30, 255} - 10, b int8 {-1, 5, -128, 127}
 * + 1, 3a + 2b = {0, 42, -194, 991}, rne(/2) = {0, 21, -97, 496},
 * + DST_ZP -3, int8 clamp -> {-3, 18, -100, 127}.
 * Then a 2-partition 2-D case checked with a loop.
 */
MODEL_TEST(t_add, 4)
{
	static const uint8_t a0[4] = { 10, 20, 30, 255 };
	static const uint8_t b0[4] = { 0xff, 5, 0x80, 0x7f };
	static const int8_t want[4] = { -3, 18, -100, 127 };
	struct prog p = { .n = 0 };
	atoll_run_status st;
	uint32_t *w;
	unsigned i, y, x;
	int64_t va, vb, r;

	memcpy(spm_at(m, 0, 0), a0, 4);
	memcpy(spm_at(m, 1, 0), b0, 4);
	w = cmd(&p, ATOLL_OP_ADD);
	SET(w, ADD_B_SIGNED, 1);
	SET(w, ADD_DST_SIGNED, 1);
	SET(w, ADD_NPARTS, 1);
	SET(w, ADD_B_PART, 1);
	SET(w, ADD_DST_PART, 2);
	SET(w, ADD_N0, 4);
	SET(w, ADD_N1, 1);
	SET(w, ADD_AS0, 1);
	SET(w, ADD_BS0, 1);
	SET(w, ADD_DS0, 1);
	SET(w, ADD_A_MULT, 3);
	SET(w, ADD_B_MULT, 2);
	SET(w, ADD_SHIFT, 1);
	SET(w, ADD_A_ZP, 10);
	SET(w, ADD_B_ZP, -1);
	SET(w, ADD_DST_ZP, -3);
	SET(w, ADD_CMIN, -32768);
	SET(w, ADD_CMAX, 32767);
	fill_random(spm_at(m, 4, 0), 4 * SPM_BYTES, 77);
	w = cmd(&p, ATOLL_OP_ADD);
	SET(w, ADD_NPARTS, 2);
	SET(w, ADD_A_PART, 4);
	SET(w, ADD_A_ADDR, 0);
	SET(w, ADD_B_PART, 6);
	SET(w, ADD_B_ADDR, 50);
	SET(w, ADD_DST_PART, 4);
	SET(w, ADD_DST_ADDR, 500);
	SET(w, ADD_N0, 3);
	SET(w, ADD_N1, 4);
	SET(w, ADD_AS0, 2);
	SET(w, ADD_AS1, 10);
	SET(w, ADD_BS0, -1);
	SET(w, ADD_BS1, -5);
	SET(w, ADD_DS0, 1);
	SET(w, ADD_DS1, 3);
	SET(w, ADD_A_MULT, -7);
	SET(w, ADD_B_MULT, 1000);
	SET(w, ADD_SHIFT, 10);
	SET(w, ADD_A_ZP, 3);
	SET(w, ADD_B_ZP, 200);
	SET(w, ADD_DST_ZP, 100);
	SET(w, ADD_CMIN, 20);
	SET(w, ADD_CMAX, 230);
	end(&p);
	CHECK(run(m, &p, &st) == 0);
	for (i = 0; i < 4; i++)
		CHECKF((int8_t) *spm_at(m, 2, i) == want[i], "i %u", i);
	for (i = 0; i < 2; i++)
		for (y = 0; y < 4; y++)
			for (x = 0; x < 3; x++) {
				va = *spm_at(m, 4 + i, y * 10 + x * 2) - 3;
				vb = *spm_at(m, 6 + i, 50 - y * 5 - x) - 200;
				r = test_rne(va * -7 + vb * 1000, 10) + 100;
				CHECKF(*spm_at(m, 4 + i, 500 + y * 3 + x) ==
					clamp(clamp(r, 20, 230), 0, 255),
					"i %u y %u x %u", i, y, x);
			}
	CHECK(st.counters[ATOLL_CNT_SPM_RD] == 2 * (4 + 24));
	CHECK(st.counters[ATOLL_CNT_SPM_WR] == 4 + 24);
	return 0;
}

/* A 4 x 4 image 1..16 (uint8) in partition 0.
 * Max 2x2 stride 2: {6, 8, 14, 16}.
 * Avg 3x3 stride 1 pad 1, top-left: (1+2+5+6)/4 = 3.5 -> 4 without
 * COUNT_PAD, 14/9 -> 2 with; SRC_ZP 1: 10/4 = 2.5 -> 2.
 * MULT 3 SHIFT 2: 42/16 = 2.625 -> 3.  Every output also by a loop.
 */
static int64_t pool_naive(atoll_ref *m, const struct pool_desc *d,
	unsigned i, unsigned oy, unsigned ox, uint64_t *inside)
{
	int64_t y, x, v, t = 0, s = 0, n = 0;
	unsigned ky, kx;

	for (ky = 0; ky < d->kh; ky++)
		for (kx = 0; kx < d->kw; kx++) {
			y = d->y0 + (int64_t) oy * d->sy + ky * d->dy;
			x = d->x0 + (int64_t) ox * d->sx + kx * d->dx;
			if (y < 0 || y >= d->h || x < 0 || x >= d->w)
				continue;
			v = *spm_at(m, d->src_part + i,
				(unsigned) (d->src_addr + y * d->pitch + x));
			v = (d->src_signed ? (int8_t) v : v) - d->src_zp;
			t = n == 0 || v > t ? v : t;
			s += v;
			n++;
		}
	*inside += (uint64_t) n;
	if (!d->avg)
		return test_rne(t * d->mult, d->shift);
	if (d->count_pad)
		n = d->kh * d->kw;
	return n ? test_div_rne(s * d->mult, n << d->shift) : 0;
}

static int pool_check(atoll_ref *m, const struct pool_desc *d)
{
	struct prog p = { .n = 0 };
	atoll_run_status st;
	unsigned i, oy, ox;
	uint64_t inside = 0;
	int64_t r, lo = d->dst_signed ? -128 : 0;
	int64_t hi = d->dst_signed ? 127 : 255;
	uint8_t got;

	pool(&p, d);
	end(&p);
	CHECK(run(m, &p, &st) == 0);
	for (i = 0; i < d->nparts; i++)
		for (oy = 0; oy < d->n1; oy++)
			for (ox = 0; ox < d->n0; ox++) {
				r = pool_naive(m, d, i, oy, ox, &inside);
				r = clamp(clamp(r + d->dst_zp, d->cmin,
					d->cmax), lo, hi);
				got = *spm_at(m, d->dst_part + i, (unsigned)
					(d->dst_addr + oy * d->ds1 +
					ox * d->ds0));
				CHECKF(got == (uint8_t) r, "i %u oy %u ox %u",
					i, oy, ox);
			}
	CHECK(st.counters[ATOLL_CNT_SPM_RD] == inside);
	CHECK(st.counters[ATOLL_CNT_SPM_WR] == d->nparts * d->n0 * d->n1);
	return 0;
}

MODEL_TEST(t_pool, 4)
{
	struct pool_desc d = { 0, 0, 0, 0, 1, 0, 0, 1, 0, 2, 2, 1, 2,
		4, 4, 4, 0, 0, 2, 2, 2, 2, 1, 1, 1, 0, 0, 0, -32768, 32767 };
	unsigned k;

	for (k = 0; k < 16; k++)
		*spm_at(m, 0, k) = (uint8_t) (k + 1);
	CHECK(pool_check(m, &d) == 0);
	CHECK(*spm_at(m, 1, 0) == 6 && *spm_at(m, 1, 1) == 8);
	CHECK(*spm_at(m, 1, 2) == 14 && *spm_at(m, 1, 3) == 16);
	d.avg = 1;
	d.kh = d.kw = 3;
	d.sy = d.sx = 1;
	d.y0 = d.x0 = -1;
	d.n0 = d.n1 = 4;
	d.ds1 = 4;
	CHECK(pool_check(m, &d) == 0);
	CHECK(*spm_at(m, 1, 0) == 4);
	d.count_pad = 1;
	CHECK(pool_check(m, &d) == 0);
	CHECK(*spm_at(m, 1, 0) == 2);
	d.count_pad = 0;
	d.src_zp = 1;
	CHECK(pool_check(m, &d) == 0);
	CHECK(*spm_at(m, 1, 0) == 2);
	d.src_zp = 0;
	d.mult = 3;
	d.shift = 2;
	CHECK(pool_check(m, &d) == 0);
	CHECK(*spm_at(m, 1, 0) == 3);
	return 0;
}

/* Signed sources, dilation, several partitions, reversed destination,
 * windows wholly in the padding (max gives 0, avg without COUNT_PAD
 * gives 0), and clamps.
 */
MODEL_TEST(t_pool_signed_pad, 4)
{
	struct pool_desc d = { 0, 0, 1, 1, 3, 8, 1, 4, 600, 4, 3, -1, -4,
		5, 6, 7, -3, -2, 2, 2, 3, 2, 2, 2, 5, 3, 10, -4, -100, 100 };

	fill_random(atoll_ref_spm(m), ROWS * SPM_BYTES, 99);
	CHECK(pool_check(m, &d) == 0);
	d.avg = 1;
	CHECK(pool_check(m, &d) == 0);
	d.count_pad = 1;
	CHECK(pool_check(m, &d) == 0);
	d.y0 = -30;
	d.count_pad = 0;
	CHECK(pool_check(m, &d) == 0);
	CHECK((int8_t) *spm_at(m, 4, 600) == -4);
	d.avg = 0;
	d.dst_zp = 7;
	CHECK(pool_check(m, &d) == 0);
	CHECK((int8_t) *spm_at(m, 4, 600) == 7);
	return 0;
}

/* DMA_IN -> SIGNAL -> WAIT (PE) -> LDW, MM -> SIGNAL -> WAIT (ACT) ->
 * ACT -> SIGNAL -> WAIT (DMA-out) -> DMA_OUT.  Every counter by hand
 * from docs/isa.md and docs/traffic.md (F = 1 + 64/8 = 9 per fetch):
 *
 * CP: command k dispatched at 9(k+1); END fetched at 108.
 * DMA-in: DMA_IN 9..19 (8 + 2 chunks: two rows of 8 bytes, each one
 *     bus word), SIGNAL 19..20: s0 at 20.
 * PE: WAIT 27..28, LDW 36..40 (2 + 2), MM 45..65 (4 + 8 + 8),
 *     SIGNAL 65..66: s1 at 66.
 * ACT: WAIT ready 63, s1 at 66: stall 3, 66..67; ACT 72..80
 *      (4 positions + 4); SIGNAL 81..82: s2 at 82.
 * DMA-out: WAIT 90..91, DMA_OUT 99..109 (8 + 2 chunks: two rows of 4
 *     bytes, in one bus word but one chunk each).
 *
 * Data: SPM[p][0..1] weights, SPM[0][2..3] zero points (1, 2),
 * SPM[p][4..7] activations x[p][0..3]; out[c][i] = sum_p x[p][i] *
 * (w[p][c] - zp[c]) with Wt = [[5-1, 9-2], [3-1, 4-2]] = [[4, 7], [2, 2]],
 * x[0] = (1, 2, 3, 4), x[1] = (4, 3, 2, 1).
 */
MODEL_TEST(t_counters_exact, 4)
{
	static const uint8_t img[16] = {
		5, 9, 1, 2, 1, 2, 3, 4,
		3, 4, 0, 0, 4, 3, 2, 1,
	};
	struct dma_desc in = { 0, 0, 0x100, 0, 0, { 8, 2, 1, 1 },
		{ 1, 8, 0, 0 }, { 1, 0, 0, 0 }, { 0, 1, 0, 0 } };
	struct dma_desc out = { 0, 0, 0x200, 16, 0, { 4, 2, 1, 1 },
		{ 1, 4, 0, 0 }, { 1, 0, 0, 0 }, { 0, 1, 0, 0 } };
	struct mm_desc x = { 0, 0, 2, 2, 4, 0, 0, 4, 1, 4, 0, 0, 0, 1,
		4, 1, 0, 1, 0 };
	struct act_desc a = { 0, 0, 0, 2, 0, 0, 0, 16, 4, 1, 1, 0, 1, 0,
		0, 1, 0, 0, 0, 0, 255 };
	static const uint8_t want[8] = {
		1 * 4 + 4 * 2, 2 * 4 + 3 * 2, 3 * 4 + 2 * 2, 4 * 4 + 1 * 2,
		1 * 7 + 4 * 2, 2 * 7 + 3 * 2, 3 * 7 + 2 * 2, 4 * 7 + 1 * 2,
	};
	static const uint64_t cnt[ATOLL_CNT_COUNT] = {
		[ATOLL_CNT_CYCLES] = 109,
		[ATOLL_CNT_DRAM_RD] = 16,
		[ATOLL_CNT_DRAM_WR] = 8,
		[ATOLL_CNT_CMD_FETCH] = 12 * 64,
		[ATOLL_CNT_SPM_RD] = 6 + 8 + 8,
		[ATOLL_CNT_SPM_WR] = 16 + 8,
		[ATOLL_CNT_PSUM_RD] = 32,
		[ATOLL_CNT_PSUM_WR] = 32,
		[ATOLL_CNT_MACS] = 16,
		[ATOLL_CNT_DMA_CMDS] = 2,
		[ATOLL_CNT_BUSY_DMAIN] = 11,
		[ATOLL_CNT_BUSY_DMAOUT] = 11,
		[ATOLL_CNT_BUSY_PE] = 26,
		[ATOLL_CNT_BUSY_ACT] = 10,
		[ATOLL_CNT_STALL_ACT] = 3,
	};
	struct prog p = { .n = 0 };
	atoll_run_status st;
	int i;

	memcpy(atoll_ref_dram(m) + 0x100, img, 16);
	dma(&p, ATOLL_OP_DMA_IN, &in);
	sem(&p, ATOLL_OP_SIGNAL, 0, 0, 0);
	sem(&p, ATOLL_OP_WAIT, 2, 0, 1);
	ldw(&p, 0, 2, 2, 0, 0, 0, 2);
	mm(&p, &x);
	sem(&p, ATOLL_OP_SIGNAL, 2, 1, 0);
	sem(&p, ATOLL_OP_WAIT, 3, 1, 1);
	act(&p, &a);
	sem(&p, ATOLL_OP_SIGNAL, 3, 2, 0);
	sem(&p, ATOLL_OP_WAIT, 1, 2, 1);
	dma(&p, ATOLL_OP_DMA_OUT, &out);
	end(&p);
	CHECK(run(m, &p, &st) == 0);
	CHECK(st.error == ATOLL_ERR_NONE && !st.timed_out);
	for (i = 0; i < 8; i++)
		CHECKF(atoll_ref_dram(m)[0x200 + i] == want[i], "i %d: %u", i,
			atoll_ref_dram(m)[0x200 + i]);
	for (i = 0; i < ATOLL_CNT_COUNT; i++)
		CHECKF(st.counters[i] == cnt[i], "counter %d: %llu != %llu", i,
			(unsigned long long) st.counters[i],
			(unsigned long long) cnt[i]);
	return 0;
}

/* Queue depth 2, head-of-line blocking in time.  DMA_IN fill of 800
 * bytes 9..117, SIGNAL 117..118.  PE: WAIT dispatched 27 starts at 118
 * (stall 91), SIGNAL 119..120; the third PE command waits for a slot
 * until the WAIT ends at 119, so it is dispatched at 119 and runs
 * 120..121; END is fetched 119..128.
 */
MODEL_TEST(t_timing_queue_full, 2)
{
	struct dma_desc in = { 1, 7, 0, 0, 0, { 800, 1, 1, 1 },
		{ 0, 0, 0, 0 }, { 1, 0, 0, 0 }, { 0, 0, 0, 0 } };
	struct prog p = { .n = 0 };
	atoll_run_params prm;
	atoll_run_status st;

	dma(&p, ATOLL_OP_DMA_IN, &in);
	sem(&p, ATOLL_OP_SIGNAL, 0, 0, 0);
	sem(&p, ATOLL_OP_WAIT, 2, 0, 1);
	sem(&p, ATOLL_OP_SIGNAL, 2, 1, 0);
	sem(&p, ATOLL_OP_SIGNAL, 2, 1, 0);
	end(&p);
	CHECK(run(m, &p, &st) == 0);
	CHECK(st.counters[ATOLL_CNT_CYCLES] == 128);
	CHECK(st.counters[ATOLL_CNT_BUSY_DMAIN] == 109);
	CHECK(st.counters[ATOLL_CNT_BUSY_PE] == 3);
	CHECK(st.counters[ATOLL_CNT_STALL_PE] == 91);
	CHECK(st.counters[ATOLL_CNT_STALL_DMAIN] == 0);
	CHECK(st.counters[ATOLL_CNT_CMD_FETCH] == 6 * 64);
	params_default(&prm, &p);
	prm.cycle_budget = 128;
	CHECK(run_with(m, &p, &prm, &st) == 0);
	prm.cycle_budget = 127;
	CHECK(run_with(m, &p, &prm, &st) == -1);
	CHECK(st.timed_out == 1 && st.error == ATOLL_ERR_NONE);
	prm.cycle_budget = 20;
	CHECK(run_with(m, &p, &prm, &st) == -1);
	CHECK(st.timed_out == 1);
	return 0;
}

/* Semaphores count: three SIGNALs let WAIT 3 through; WAIT 0 passes at
 * once; every run starts with semaphores at zero.
 */
MODEL_TEST(t_sem_counting, 4)
{
	struct prog p = { .n = 0 };
	atoll_run_status st;

	sem(&p, ATOLL_OP_WAIT, 1, 3, 0);
	sem(&p, ATOLL_OP_SIGNAL, 0, 3, 0);
	sem(&p, ATOLL_OP_SIGNAL, 2, 3, 0);
	sem(&p, ATOLL_OP_SIGNAL, 3, 3, 0);
	sem(&p, ATOLL_OP_WAIT, 1, 3, 3);
	end(&p);
	CHECK(run(m, &p, &st) == 0);
	CHECK(run(m, &p, &st) == 0);
	p.n = 0;
	sem(&p, ATOLL_OP_WAIT, 1, 3, 1);
	end(&p);
	CHECK(run(m, &p, &st) == -1);
	CHECK(st.error == ATOLL_ERR_DEADLOCK && st.error_cmd == 0);
	return 0;
}

/* The PE waits for the DMA-in data: the LDW must see what DMA_IN wrote,
 * although the DMA is long and the PE commands are queued early.
 */
MODEL_TEST(t_sem_ordering, 4)
{
	struct dma_desc in = { 0, 0, 0x100, 0, 0, { 200, 2, 1, 1 },
		{ 1, 200, 0, 0 }, { 1, 0, 0, 0 }, { 0, 1, 0, 0 } };
	struct mm_desc x = { 0, 0, 2, 1, 100, 0, 0, 1, 1, 1, 0, 0, 0, 0,
		1, 1, 0, 0, 0 };
	struct prog p = { .n = 0 };
	atoll_run_status st;

	atoll_ref_dram(m)[0x100] = 3;
	atoll_ref_dram(m)[0x100 + 100] = 5;
	atoll_ref_dram(m)[0x100 + 200] = 4;
	atoll_ref_dram(m)[0x100 + 300] = 6;
	sem(&p, ATOLL_OP_WAIT, 2, 1, 1);
	ldw(&p, 0, 2, 1, 0, 0, 7, 1000);
	mm(&p, &x);
	dma(&p, ATOLL_OP_DMA_IN, &in);
	sem(&p, ATOLL_OP_SIGNAL, 0, 1, 0);
	end(&p);
	CHECK(run(m, &p, &st) == 0);
	CHECK(*psum_at(m, 0, 0) == 3 * 5 + 4 * 6);
	CHECK(st.counters[ATOLL_CNT_STALL_PE] > 0);
	return 0;
}

/* Queue depth 2: the PE queue fills with a blocked WAIT and a SIGNAL;
 * the CP blocks on the third PE command and never reaches the SIGNAL
 * that would release the WAIT.  With depth 4 the same stream completes.
 */
static void build_hol(struct prog *p)
{
	p->n = 0;
	sem(p, ATOLL_OP_WAIT, 2, 0, 1);
	sem(p, ATOLL_OP_SIGNAL, 2, 1, 0);
	sem(p, ATOLL_OP_SIGNAL, 2, 1, 0);
	sem(p, ATOLL_OP_SIGNAL, 0, 0, 0);
	end(p);
}

MODEL_TEST(t_deadlock_queue_full, 2)
{
	struct prog p;
	atoll_run_status st;
	atoll_ref *deep;
	int r;

	build_hol(&p);
	CHECK(run(m, &p, &st) == -1);
	CHECK(st.error == ATOLL_ERR_DEADLOCK && st.error_cmd == 0);
	CHECK(!st.timed_out);
	deep = ref_new(4);
	CHECK(deep);
	r = run(deep, &p, &st);
	atoll_ref_free(deep);
	CHECK(r == 0 && st.error == ATOLL_ERR_NONE);
	return 0;
}

/* One fault case: a stream, optional changes to the run parameters, the
 * expected code and command index.
 */
struct fault_case {
	const char *name;
	void (*build)(struct prog *p, atoll_run_params *prm);
	uint32_t error;
	uint32_t index;
};

static struct dma_desc dma_ok(void)
{
	struct dma_desc d = { 0, 0, 0x100, 0, 0, { 4, 1, 1, 1 },
		{ 1, 0, 0, 0 }, { 1, 0, 0, 0 }, { 0, 0, 0, 0 } };

	return d;
}

static struct act_desc act_ok(void)
{
	struct act_desc a = { 0, 0, 0, 1, 0, 0, 0, 0, 4, 1, 1, 0, 1, 0,
		0, 1, 0, 0, 0, 0, 255 };

	return a;
}

static struct pool_desc pool_ok(void)
{
	struct pool_desc d = { 0, 0, 0, 0, 1, 0, 0, 1, 0, 2, 2, 1, 2,
		4, 4, 4, 0, 0, 2, 2, 2, 2, 1, 1, 1, 0, 0, 0, -32768, 32767 };

	return d;
}

static struct mm_desc mm_ok(void)
{
	struct mm_desc x = { 0, 0, 2, 2, 0, 0, 0, 4, 2, 4, 0, 0, 1, 1,
		4, 2, 0, 1, 4 };

	return x;
}

static uint32_t *add_ok(struct prog *p)
{
	uint32_t *w = cmd(p, ATOLL_OP_ADD);

	SET(w, ADD_NPARTS, 2);
	SET(w, ADD_N0, 4);
	SET(w, ADD_N1, 1);
	SET(w, ADD_AS0, 1);
	SET(w, ADD_BS0, 1);
	SET(w, ADD_DS0, 1);
	SET(w, ADD_B_PART, 2);
	SET(w, ADD_DST_PART, 4);
	return w;
}

/* MOVE transposing a 4 x 8 tile across partitions: source partitions
 * 0..3, addresses 0..7; destination SPM[a][100 + q] = SPM[q][a] in
 * partitions 0..7 (the boxes share partitions, not addresses).  Bytes
 * around the destination keep their values.
 */
MODEL_TEST(t_move_transpose, 4)
{
	struct move_desc d = { { 0, 0 }, { 0, 100 }, { 8, 4, 1, 1 },
		{ { 0, 1, 0, 0 }, { 1, 0, 0, 0 } },
		{ { 1, 0, 0, 0 }, { 0, 1, 0, 0 } } };
	struct prog p = { .n = 0 };
	atoll_run_status st;
	unsigned q, a;

	for (q = 0; q < ROWS; q++)
		for (a = 0; a < 110; a++)
			*spm_at(m, q, a) = (uint8_t) (16 * q + a);
	move(&p, &d);
	end(&p);
	CHECK(run(m, &p, &st) == 0 && st.error == ATOLL_ERR_NONE);
	for (a = 0; a < 8; a++)
		for (q = 0; q < 4; q++)
			CHECKF(*spm_at(m, a, 100 + q) == 16 * q + a,
				"dst %u %u: %u", a, 100 + q,
				*spm_at(m, a, 100 + q));
	for (a = 0; a < 8; a++)
		CHECK(*spm_at(m, a, 99) == (uint8_t) (16 * a + 99) &&
			*spm_at(m, a, 104) == (uint8_t) (16 * a + 104));
	CHECK(*spm_at(m, 2, 5) == 16 * 2 + 5);
	return 0;
}

/* MOVE with negative strides on the source (addresses 20 down to 15,
 * partitions 3 down to 1) into every other byte of partitions 5..7:
 * SPM[5 + i1][300 + 2 i0] = SPM[3 - i1][20 - i0]; the bytes in between
 * are not written.  A second MOVE with destination stride 0 writes one
 * byte four times: the last element wins.
 */
MODEL_TEST(t_move_negative, 4)
{
	struct move_desc d = { { 3, 5 }, { 20, 300 }, { 6, 3, 1, 1 },
		{ { 0, -1, 0, 0 }, { 0, 1, 0, 0 } },
		{ { -1, 0, 0, 0 }, { 2, 0, 0, 0 } } };
	struct move_desc dup = { { 0, 1 }, { 40, 500 }, { 4, 1, 1, 1 },
		{ { 1, 0, 0, 0 }, { 0, 0, 0, 0 } },
		{ { 3, 0, 0, 0 }, { 0, 0, 0, 0 } } };
	struct prog p = { .n = 0 };
	atoll_run_status st;
	unsigned i0, i1;

	fill_random(atoll_ref_spm(m), ROWS * SPM_BYTES, 11);
	*spm_at(m, 3, 49) = 0xa5;
	memset(spm_at(m, 5, 300), 0xee, 12);
	move(&p, &d);
	move(&p, &dup);
	end(&p);
	CHECK(run(m, &p, &st) == 0 && st.error == ATOLL_ERR_NONE);
	for (i1 = 0; i1 < 3; i1++)
		for (i0 = 0; i0 < 6; i0++)
			CHECKF(*spm_at(m, 5 + i1, 300 + 2 * i0) ==
				*spm_at(m, 3 - i1, 20 - i0), "i1 %u i0 %u",
				i1, i0);
	for (i0 = 0; i0 < 6; i0++)
		CHECK(*spm_at(m, 5, 301 + 2 * i0) == 0xee);
	CHECK(*spm_at(m, 1, 500) == 0xa5);
	return 0;
}

/* MOVE counters: N = 5 * 3 * 2 = 30 bytes read and written, no DMA
 * command, no device memory; busy on the DMA-out engine for N + 3
 * cycles (docs/traffic.md, as the RTL).
 */
MODEL_TEST(t_move_counters, 4)
{
	struct move_desc d = { { 0, 4 }, { 0, 0 }, { 5, 3, 2, 1 },
		{ { 0, 1, 0, 0 }, { 0, 0, 2, 0 } },
		{ { 1, 0, 8, 0 }, { 2, 16, 64, 0 } } };
	struct prog p = { .n = 0 };
	atoll_run_status st;

	move(&p, &d);
	end(&p);
	CHECK(run(m, &p, &st) == 0 && st.error == ATOLL_ERR_NONE);
	CHECK(st.counters[ATOLL_CNT_SPM_RD] == 30 &&
		st.counters[ATOLL_CNT_SPM_WR] == 30);
	CHECK(st.counters[ATOLL_CNT_DMA_CMDS] == 0 &&
		st.counters[ATOLL_CNT_DRAM_RD] == 0 &&
		st.counters[ATOLL_CNT_DRAM_WR] == 0 &&
		st.counters[ATOLL_CNT_PSUM_WR] == 0);
	CHECK(st.counters[ATOLL_CNT_BUSY_DMAOUT] == 30 + 3 &&
		st.counters[ATOLL_CNT_BUSY_DMAIN] == 0 &&
		st.counters[ATOLL_CNT_BUSY_PE] == 0 &&
		st.counters[ATOLL_CNT_BUSY_ACT] == 0);
	return 0;
}

static struct move_desc move_ok(void)
{
	struct move_desc d = { { 0, 0 }, { 0, 32 }, { 8, 1, 1, 1 },
		{ { 0, 0, 0, 0 }, { 0, 0, 0, 0 } },
		{ { 1, 0, 0, 0 }, { 1, 0, 0, 0 } } };

	return d;
}

static void f_move_count(struct prog *p, atoll_run_params *prm)
{
	struct move_desc d = move_ok();

	(void) prm;
	d.count[2] = 0;
	d.part[0] = ROWS;
	move(p, &d);
	end(p);
}

static void f_move_src_part(struct prog *p, atoll_run_params *prm)
{
	struct move_desc d = move_ok();

	(void) prm;
	d.count[1] = 2;
	d.ps[0][1] = -1;
	d.addr[1] = 4;
	move(p, &d);
	end(p);
}

static void f_move_src_addr(struct prog *p, atoll_run_params *prm)
{
	struct move_desc d = move_ok();

	(void) prm;
	d.addr[0] = SPM_BYTES - 7;
	d.part[1] = ROWS;
	move(p, &d);
	end(p);
}

static void f_move_dst_part(struct prog *p, atoll_run_params *prm)
{
	struct move_desc d = move_ok();

	(void) prm;
	d.part[1] = ROWS - 1;
	d.count[1] = 2;
	d.ps[1][1] = 1;
	move(p, &d);
	end(p);
}

static void f_move_dst_addr(struct prog *p, atoll_run_params *prm)
{
	struct move_desc d = move_ok();

	(void) prm;
	d.addr[1] = 3;
	d.ss[1][0] = -1;
	move(p, &d);
	end(p);
}

static void f_move_overlap(struct prog *p, atoll_run_params *prm)
{
	struct move_desc d = move_ok();

	(void) prm;
	d.ss[0][0] = 2;
	d.addr[1] = 1;
	d.ss[1][0] = 2;
	move(p, &d);
	end(p);
}

static void f_move_overlap_parts(struct prog *p, atoll_run_params *prm)
{
	struct move_desc d = move_ok();

	(void) prm;
	d.count[1] = 4;
	d.ps[0][1] = 2;
	d.part[1] = 1;
	d.ps[1][1] = 2;
	d.addr[1] = 7;
	move(p, &d);
	end(p);
}

static void f_illegal_00(struct prog *p, atoll_run_params *prm)
{
	(void) prm;
	cmd(p, 0x00);
	end(p);
}

static void f_illegal_ff(struct prog *p, atoll_run_params *prm)
{
	(void) prm;
	cmd(p, 0xff);
	end(p);
}

static void f_illegal_0c(struct prog *p, atoll_run_params *prm)
{
	(void) prm;
	sem(p, ATOLL_OP_SIGNAL, 0, 0, 0);
	cmd(p, 0x0c);
	end(p);
}

static void f_reserved_dma(struct prog *p, atoll_run_params *prm)
{
	struct dma_desc d = dma_ok();

	(void) prm;
	dma(p, ATOLL_OP_DMA_IN, &d)[0] |= 1u << 9;
	end(p);
}

static void f_reserved_end(struct prog *p, atoll_run_params *prm)
{
	(void) prm;
	end(p);
	p->w[0][15] = 1u << 31;
}

static void f_reserved_sem(struct prog *p, atoll_run_params *prm)
{
	(void) prm;
	sem(p, ATOLL_OP_SIGNAL, 0, 0, 0)[0] |= 1u << 10;
	end(p);
}

static void f_reserved_act_shift(struct prog *p, atoll_run_params *prm)
{
	struct act_desc a = act_ok();

	(void) prm;
	act(p, &a)[9] |= 1u << 6;
	end(p);
}

static void f_reserved_first(struct prog *p, atoll_run_params *prm)
{
	struct dma_desc d = dma_ok();

	(void) prm;
	d.count[0] = 0;
	dma(p, ATOLL_OP_DMA_IN, &d)[14] = 1;
	end(p);
}

static void f_window_hi(struct prog *p, atoll_run_params *prm)
{
	struct dma_desc d = dma_ok();

	(void) prm;
	d.dram = DRAM_BYTES - 8;
	d.count[0] = 9;
	dma(p, ATOLL_OP_DMA_IN, &d);
	end(p);
}

static void f_window_lo(struct prog *p, atoll_run_params *prm)
{
	struct dma_desc d = dma_ok();

	prm->win_lo = 0x1000;
	d.dram = 0x1007;
	d.count[0] = 9;
	d.ds[0] = -1;
	dma(p, ATOLL_OP_DMA_OUT, &d);
	end(p);
}

static void f_window_below_zero(struct prog *p, atoll_run_params *prm)
{
	struct dma_desc d = dma_ok();

	(void) prm;
	d.dram = 0;
	d.count[1] = 2;
	d.ds[1] = -1;
	dma(p, ATOLL_OP_DMA_IN, &d);
	end(p);
}

static void f_window_huge(struct prog *p, atoll_run_params *prm)
{
	struct dma_desc d = dma_ok();
	int k;

	(void) prm;
	for (k = 0; k < 4; k++) {
		d.count[k] = 65535;
		d.ds[k] = INT32_MIN;
	}
	d.dram = 0xffffffffu;
	dma(p, ATOLL_OP_DMA_OUT, &d);
	end(p);
}

static void f_window_clamped(struct prog *p, atoll_run_params *prm)
{
	struct dma_desc d = dma_ok();

	prm->win_hi = 0xffffffffu;
	d.dram = DRAM_BYTES - 2;
	dma(p, ATOLL_OP_DMA_IN, &d);
	end(p);
}

static void f_spm_addr(struct prog *p, atoll_run_params *prm)
{
	struct dma_desc d = dma_ok();

	(void) prm;
	d.addr = SPM_BYTES - 4;
	d.count[0] = 5;
	dma(p, ATOLL_OP_DMA_IN, &d);
	end(p);
}

static void f_spm_part_neg(struct prog *p, atoll_run_params *prm)
{
	struct dma_desc d = dma_ok();

	(void) prm;
	d.count[2] = 2;
	d.ps[2] = -1;
	dma(p, ATOLL_OP_DMA_OUT, &d);
	end(p);
}

static void f_spm_part_hi(struct prog *p, atoll_run_params *prm)
{
	struct dma_desc d = dma_ok();

	(void) prm;
	d.part = ROWS - 1;
	d.count[3] = 2;
	d.ps[3] = 1;
	dma(p, ATOLL_OP_DMA_IN, &d);
	end(p);
}

static void f_ldw_part(struct prog *p, atoll_run_params *prm)
{
	(void) prm;
	ldw(p, 0, 2, 2, ROWS - 1, 0, 0, 0);
	end(p);
}

static void f_ldw_zp(struct prog *p, atoll_run_params *prm)
{
	(void) prm;
	ldw(p, 0, 2, 2, 0, 0, ROWS, 0);
	end(p);
}

static void f_ldw_zp_addr(struct prog *p, atoll_run_params *prm)
{
	(void) prm;
	ldw(p, 0, 2, 2, 0, 0, 0, SPM_BYTES - 1);
	end(p);
}

static void f_mm_box(struct prog *p, atoll_run_params *prm)
{
	struct mm_desc x = mm_ok();

	(void) prm;
	x.pitch = 1000;
	x.h = 2;
	x.w = 25;
	x.x0 = 0;
	mm(p, &x);
	end(p);
}

static void f_mm_part(struct prog *p, atoll_run_params *prm)
{
	struct mm_desc x = mm_ok();

	(void) prm;
	x.x_part = ROWS - 1;
	mm(p, &x);
	end(p);
}

static void f_mm_psum_neg(struct prog *p, atoll_run_params *prm)
{
	struct mm_desc x = mm_ok();

	(void) prm;
	x.ps0 = -1;
	mm(p, &x);
	end(p);
}

static void f_mm_psum_hi(struct prog *p, atoll_run_params *prm)
{
	struct mm_desc x = mm_ok();

	(void) prm;
	x.psum_addr = PSUM_DEPTH - 8;
	x.n1 = 3;
	x.ps1 = 4;
	x.n0 = 2;
	mm(p, &x);
	end(p);
}

static void f_act_psum_part(struct prog *p, atoll_run_params *prm)
{
	struct act_desc a = act_ok();

	(void) prm;
	a.src_part = COLS - 1;
	a.nparts = 2;
	act(p, &a);
	end(p);
}

static void f_act_psum_addr(struct prog *p, atoll_run_params *prm)
{
	struct act_desc a = act_ok();

	(void) prm;
	a.src_addr = 2;
	a.n1 = 2;
	a.ss1 = -3;
	act(p, &a);
	end(p);
}

static void f_act_spm_src(struct prog *p, atoll_run_params *prm)
{
	struct act_desc a = act_ok();

	(void) prm;
	a.src_type = 1;
	a.dst_addr = 100;
	a.src_addr = SPM_BYTES - 8;
	a.n0 = 2;
	a.ss0 = 1;
	act(p, &a);
	a.src_addr = SPM_BYTES - 7;
	act(p, &a);
	end(p);
}

static void f_act_dst(struct prog *p, atoll_run_params *prm)
{
	struct act_desc a = act_ok();

	(void) prm;
	a.dst_type = 2;
	a.dst_addr = SPM_BYTES - 3;
	a.n0 = 1;
	act(p, &a);
	end(p);
}

static void f_act_pp(struct prog *p, atoll_run_params *prm)
{
	struct act_desc a = act_ok();

	(void) prm;
	a.pp = 1;
	a.dst_addr = 100;
	a.param_addr = SPM_BYTES - 8;
	act(p, &a);
	a.param_addr = SPM_BYTES - 7;
	act(p, &a);
	end(p);
}

/* With NB the record is 4 bytes: SPM_BYTES - 4 is in range. */
static void f_act_nb(struct prog *p, atoll_run_params *prm)
{
	struct act_desc a = act_ok();
	uint32_t *w;

	(void) prm;
	a.pp = 1;
	a.dst_addr = 100;
	a.param_addr = SPM_BYTES - 4;
	w = act(p, &a);
	SET(w, ACT_NB, 1);
	a.param_addr = SPM_BYTES - 3;
	w = act(p, &a);
	SET(w, ACT_NB, 1);
	end(p);
}

static void f_add_b(struct prog *p, atoll_run_params *prm)
{
	uint32_t *w = add_ok(p);

	(void) prm;
	SET(w, ADD_B_PART, ROWS - 1);
	end(p);
}

static void f_add_dst_addr(struct prog *p, atoll_run_params *prm)
{
	uint32_t *w = add_ok(p);

	(void) prm;
	SET(w, ADD_DS0, -1);
	end(p);
}

static void f_pool_box(struct prog *p, atoll_run_params *prm)
{
	struct pool_desc d = pool_ok();

	(void) prm;
	d.src_addr = SPM_BYTES - 15;
	pool(p, &d);
	end(p);
}

static void f_pool_dst(struct prog *p, atoll_run_params *prm)
{
	struct pool_desc d = pool_ok();

	(void) prm;
	d.dst_addr = 0;
	d.ds0 = -1;
	pool(p, &d);
	end(p);
}

static void f_pool_dst_part(struct prog *p, atoll_run_params *prm)
{
	struct pool_desc d = pool_ok();

	(void) prm;
	d.dst_part = ROWS - 1;
	d.nparts = 2;
	pool(p, &d);
	end(p);
}

static void f_sem_range(struct prog *p, atoll_run_params *prm)
{
	(void) prm;
	sem(p, ATOLL_OP_WAIT, 0, SEMS, 0);
	end(p);
}

static void f_sem_order(struct prog *p, atoll_run_params *prm)
{
	(void) prm;
	sem(p, ATOLL_OP_SIGNAL, 0, 255, 1);
	end(p);
}

static void f_bad_dma_count(struct prog *p, atoll_run_params *prm)
{
	struct dma_desc d = dma_ok();

	(void) prm;
	d.count[2] = 0;
	dma(p, ATOLL_OP_DMA_IN, &d);
	end(p);
}

static void f_bad_order_dma(struct prog *p, atoll_run_params *prm)
{
	struct dma_desc d = dma_ok();

	(void) prm;
	d.count[0] = 0;
	d.dram = 0xfffffff0u;
	d.part = 100;
	dma(p, ATOLL_OP_DMA_OUT, &d);
	end(p);
}

static void f_bad_signal(struct prog *p, atoll_run_params *prm)
{
	(void) prm;
	sem(p, ATOLL_OP_SIGNAL, 1, 0, 1);
	end(p);
}

static void f_bad_act_dst(struct prog *p, atoll_run_params *prm)
{
	struct act_desc a = act_ok();

	(void) prm;
	a.dst_type = 3;
	a.src_part = 100;
	act(p, &a);
	end(p);
}

static void f_order_act(struct prog *p, atoll_run_params *prm)
{
	struct act_desc a = act_ok();

	(void) prm;
	a.src_addr = PSUM_DEPTH;
	a.dst_part = ROWS;
	act(p, &a);
	end(p);
}

static void f_bad_pool_dx(struct prog *p, atoll_run_params *prm)
{
	struct pool_desc d = pool_ok();

	(void) prm;
	d.dx = 0;
	pool(p, &d);
	end(p);
}

static void f_bad_ldw(struct prog *p, atoll_run_params *prm)
{
	(void) prm;
	ldw(p, 0, 1, COLS + 1, 0, 0, 0, 0);
	end(p);
}

static void f_bad_mm(struct prog *p, atoll_run_params *prm)
{
	struct mm_desc x = mm_ok();

	(void) prm;
	x.h = 0;
	x.ps0 = -1;
	mm(p, &x);
	end(p);
}

static void f_bad_add(struct prog *p, atoll_run_params *prm)
{
	uint32_t *w = add_ok(p);

	(void) prm;
	SET(w, ADD_N1, 0);
	end(p);
}

static void f_fetch_straddle(struct prog *p, atoll_run_params *prm)
{
	sem(p, ATOLL_OP_SIGNAL, 0, 0, 0);
	end(p);
	prm->win_hi = CMD_BASE + 64 + 32;
}

static void f_fetch_lo(struct prog *p, atoll_run_params *prm)
{
	end(p);
	prm->win_lo = CMD_BASE + 1;
}

static void f_fetch_dram_end(struct prog *p, atoll_run_params *prm)
{
	end(p);
	prm->cmd_base = DRAM_BYTES - 32;
	prm->win_hi = 0xffffffffu;
}

static void f_no_end(struct prog *p, atoll_run_params *prm)
{
	(void) prm;
	sem(p, ATOLL_OP_SIGNAL, 0, 0, 0);
}

static void f_no_end_empty(struct prog *p, atoll_run_params *prm)
{
	end(p);
	prm->cmd_count = 0;
}

static void f_later_index(struct prog *p, atoll_run_params *prm)
{
	struct dma_desc d = dma_ok();

	(void) prm;
	sem(p, ATOLL_OP_SIGNAL, 0, 0, 0);
	d.addr = 200;
	dma(p, ATOLL_OP_DMA_IN, &d);
	d.count[1] = 0;
	dma(p, ATOLL_OP_DMA_IN, &d);
	end(p);
}

static void f_deadlock(struct prog *p, atoll_run_params *prm)
{
	(void) prm;
	sem(p, ATOLL_OP_WAIT, 2, 0, 1);
	end(p);
}

static void f_deadlock_value(struct prog *p, atoll_run_params *prm)
{
	(void) prm;
	sem(p, ATOLL_OP_SIGNAL, 0, 2, 0);
	sem(p, ATOLL_OP_SIGNAL, 3, 1, 0);
	sem(p, ATOLL_OP_WAIT, 1, 2, 1);
	sem(p, ATOLL_OP_WAIT, 1, 2, 2);
	end(p);
}

static const struct fault_case fault_cases[] = {
	{ "illegal 0x00", f_illegal_00, ATOLL_ERR_ILLEGAL_OP, 0 },
	{ "illegal 0xff", f_illegal_ff, ATOLL_ERR_ILLEGAL_OP, 0 },
	{ "illegal 0x0c", f_illegal_0c, ATOLL_ERR_ILLEGAL_OP, 1 },
	{ "reserved dma w0", f_reserved_dma, ATOLL_ERR_RESERVED, 0 },
	{ "reserved end w15", f_reserved_end, ATOLL_ERR_RESERVED, 0 },
	{ "reserved sem", f_reserved_sem, ATOLL_ERR_RESERVED, 0 },
	{ "reserved act shift", f_reserved_act_shift, ATOLL_ERR_RESERVED, 0 },
	{ "reserved before fields", f_reserved_first, ATOLL_ERR_RESERVED, 0 },
	{ "window hi", f_window_hi, ATOLL_ERR_DRAM_WINDOW, 0 },
	{ "window lo", f_window_lo, ATOLL_ERR_DRAM_WINDOW, 0 },
	{ "window below 0", f_window_below_zero, ATOLL_ERR_DRAM_WINDOW, 0 },
	{ "window huge", f_window_huge, ATOLL_ERR_DRAM_WINDOW, 0 },
	{ "window clamped", f_window_clamped, ATOLL_ERR_DRAM_WINDOW, 0 },
	{ "spm addr", f_spm_addr, ATOLL_ERR_SPM_RANGE, 0 },
	{ "spm part < 0", f_spm_part_neg, ATOLL_ERR_SPM_RANGE, 0 },
	{ "spm part >= rows", f_spm_part_hi, ATOLL_ERR_SPM_RANGE, 0 },
	{ "ldw part", f_ldw_part, ATOLL_ERR_SPM_RANGE, 0 },
	{ "ldw zp part", f_ldw_zp, ATOLL_ERR_SPM_RANGE, 0 },
	{ "ldw zp addr", f_ldw_zp_addr, ATOLL_ERR_SPM_RANGE, 0 },
	{ "mm box", f_mm_box, ATOLL_ERR_SPM_RANGE, 0 },
	{ "mm part", f_mm_part, ATOLL_ERR_SPM_RANGE, 0 },
	{ "mm psum < 0", f_mm_psum_neg, ATOLL_ERR_PSUM_RANGE, 0 },
	{ "mm psum hi", f_mm_psum_hi, ATOLL_ERR_PSUM_RANGE, 0 },
	{ "act psum part", f_act_psum_part, ATOLL_ERR_PSUM_RANGE, 0 },
	{ "act psum addr", f_act_psum_addr, ATOLL_ERR_PSUM_RANGE, 0 },
	{ "act spm int32 src", f_act_spm_src, ATOLL_ERR_SPM_RANGE, 1 },
	{ "act int32 dst", f_act_dst, ATOLL_ERR_SPM_RANGE, 0 },
	{ "act params", f_act_pp, ATOLL_ERR_SPM_RANGE, 1 },
	{ "act params nb", f_act_nb, ATOLL_ERR_SPM_RANGE, 1 },
	{ "add b part", f_add_b, ATOLL_ERR_SPM_RANGE, 0 },
	{ "add dst addr", f_add_dst_addr, ATOLL_ERR_SPM_RANGE, 0 },
	{ "pool box", f_pool_box, ATOLL_ERR_SPM_RANGE, 0 },
	{ "pool dst", f_pool_dst, ATOLL_ERR_SPM_RANGE, 0 },
	{ "pool dst part", f_pool_dst_part, ATOLL_ERR_SPM_RANGE, 0 },
	{ "sem range", f_sem_range, ATOLL_ERR_SEM_RANGE, 0 },
	{ "sem range before value", f_sem_order, ATOLL_ERR_SEM_RANGE, 0 },
	{ "dma count 0", f_bad_dma_count, ATOLL_ERR_BAD_FIELD, 0 },
	{ "dma count before window", f_bad_order_dma, ATOLL_ERR_BAD_FIELD, 0 },
	{ "signal value", f_bad_signal, ATOLL_ERR_BAD_FIELD, 0 },
	{ "act dst type 3", f_bad_act_dst, ATOLL_ERR_BAD_FIELD, 0 },
	{ "act source before dst", f_order_act, ATOLL_ERR_PSUM_RANGE, 0 },
	{ "pool dx 0", f_bad_pool_dx, ATOLL_ERR_BAD_FIELD, 0 },
	{ "ldw ncols", f_bad_ldw, ATOLL_ERR_BAD_FIELD, 0 },
	{ "mm h 0", f_bad_mm, ATOLL_ERR_BAD_FIELD, 0 },
	{ "add n1 0", f_bad_add, ATOLL_ERR_BAD_FIELD, 0 },
	{ "fetch straddles win_hi", f_fetch_straddle,
		ATOLL_ERR_FETCH_WINDOW, 1 },
	{ "fetch below win_lo", f_fetch_lo, ATOLL_ERR_FETCH_WINDOW, 0 },
	{ "fetch past dram", f_fetch_dram_end, ATOLL_ERR_FETCH_WINDOW, 0 },
	{ "no end", f_no_end, ATOLL_ERR_NO_END, 1 },
	{ "no end, count 0", f_no_end_empty, ATOLL_ERR_NO_END, 0 },
	{ "fault index", f_later_index, ATOLL_ERR_BAD_FIELD, 2 },
	{ "move count 0", f_move_count, ATOLL_ERR_BAD_FIELD, 0 },
	{ "move src part", f_move_src_part, ATOLL_ERR_SPM_RANGE, 0 },
	{ "move src addr", f_move_src_addr, ATOLL_ERR_SPM_RANGE, 0 },
	{ "move dst part", f_move_dst_part, ATOLL_ERR_SPM_RANGE, 0 },
	{ "move dst addr", f_move_dst_addr, ATOLL_ERR_SPM_RANGE, 0 },
	{ "move boxes overlap", f_move_overlap, ATOLL_ERR_BAD_FIELD, 0 },
	{ "move boxes overlap, partitions", f_move_overlap_parts,
		ATOLL_ERR_BAD_FIELD, 0 },
	{ "deadlock", f_deadlock, ATOLL_ERR_DEADLOCK, 0 },
	{ "deadlock value", f_deadlock_value, ATOLL_ERR_DEADLOCK, 3 },
};

/* Run one fault case; the start of SPM and PSUM must come out unchanged:
 * the faulting command wrote nothing, and the good commands before it
 * write elsewhere.
 */
static int fault_one(atoll_ref *m, const struct fault_case *fc)
{
	struct prog p = { .n = 0 };
	atoll_run_params prm;
	atoll_run_status st;
	uint8_t spm[64];
	int32_t ps[8];

	params_default(&prm, &p);
	prm.cmd_count = UINT32_MAX;
	fc->build(&p, &prm);
	if (prm.cmd_count == UINT32_MAX)
		prm.cmd_count = (uint32_t) p.n;
	fill_random(atoll_ref_spm(m), ROWS * SPM_BYTES, 5);
	memcpy(spm, atoll_ref_spm(m), sizeof(spm));
	memcpy(ps, atoll_ref_psum(m), sizeof(ps));
	prog_load(m, &p, CMD_BASE);
	CHECKF(atoll_ref_run(m, &prm, &st) == -1, "%s", fc->name);
	CHECKF(st.error == fc->error && st.error_cmd == fc->index,
		"%s: error %u at %u", fc->name, st.error, st.error_cmd);
	CHECKF(!st.timed_out, "%s", fc->name);
	CHECKF(!memcmp(spm, atoll_ref_spm(m), sizeof(spm)) &&
		!memcmp(ps, atoll_ref_psum(m), sizeof(ps)), "%s", fc->name);
	return 0;
}

MODEL_TEST(t_faults, 4)
{
	size_t i;

	for (i = 0; i < sizeof(fault_cases) / sizeof(fault_cases[0]); i++)
		if (fault_one(m, &fault_cases[i]))
			return 1;
	return 0;
}

/* A DMA_OUT straddling WIN_HI faults DRAM_WINDOW and writes nothing: not
 * the bytes inside the window it would have written, not any byte outside
 * the window.  A good DMA_OUT before it may have run (unspecified), so
 * only its destination is excluded from the comparison.
 */
MODEL_TEST(t_window_nothing_written, 4)
{
	struct dma_desc good = { 0, 0, 0x1000, 0, 0, { 16, 1, 1, 1 },
		{ 1, 0, 0, 0 }, { 1, 0, 0, 0 }, { 0, 0, 0, 0 } };
	struct dma_desc bad = good;
	struct prog p = { .n = 0 };
	atoll_run_params prm;
	atoll_run_status st;
	uint8_t *before;
	int same;

	before = malloc(DRAM_BYTES);
	CHECK(before);
	bad.dram = 0xdff0;
	bad.count[0] = 32;
	dma(&p, ATOLL_OP_DMA_OUT, &good);
	dma(&p, ATOLL_OP_DMA_OUT, &bad);
	end(&p);
	fill_random(atoll_ref_dram(m), DRAM_BYTES, 3);
	fill_random(atoll_ref_spm(m), ROWS * SPM_BYTES, 4);
	prog_load(m, &p, CMD_BASE);
	memcpy(before, atoll_ref_dram(m), DRAM_BYTES);
	params_default(&prm, &p);
	prm.win_lo = 0x1000;
	prm.win_hi = 0xe000;
	same = atoll_ref_run(m, &prm, &st) == -1 &&
		st.error == ATOLL_ERR_DRAM_WINDOW && st.error_cmd == 1 &&
		!memcmp(before, atoll_ref_dram(m), 0x1000) &&
		!memcmp(before + 0x1010, atoll_ref_dram(m) + 0x1010,
			DRAM_BYTES - 0x1010);
	free(before);
	CHECK(same);
	return 0;
}

/* Two models live side by side without sharing anything. */
static int t_two_models(void)
{
	atoll_ref *a = ref_new(4), *b = ref_new(1);
	struct dma_desc d = { 1, 0x11, 0, 0, 0, { 4, 1, 1, 1 },
		{ 0, 0, 0, 0 }, { 1, 0, 0, 0 }, { 0, 0, 0, 0 } };
	struct prog p = { .n = 0 };
	atoll_run_status st;
	int ok;

	dma(&p, ATOLL_OP_DMA_IN, &d);
	sem(&p, ATOLL_OP_WAIT, 2, 0, 1);
	end(&p);
	ok = a && b && run(a, &p, &st) == -1 &&
		st.error == ATOLL_ERR_DEADLOCK && *spm_at(b, 0, 0) == 0;
	p.n = 0;
	end(&p);
	ok = ok && run(b, &p, &st) == 0 && *spm_at(a, 0, 0) == 0x11 &&
		*spm_at(b, 0, 0) == 0 && st.counters[ATOLL_CNT_CYCLES] == FETCH;
	atoll_ref_free(a);
	atoll_ref_free(b);
	CHECK(ok);
	return 0;
}

static const struct test_case tests[] = {
	{ "dma_transpose", t_dma_transpose },
	{ "dma_patterns", t_dma_patterns },
	{ "dma_fill", t_dma_fill },
	{ "range_edges", t_range_edges },
	{ "conv_1x1", t_conv_1x1 },
	{ "conv_3x3_pad_stride_signed", t_conv_3x3_pad_stride_signed },
	{ "conv_3x3_dilation_pitch", t_conv_3x3_dilation_pitch },
	{ "mm_hand_acc", t_mm_hand_acc },
	{ "mm_unsigned_wrap", t_mm_unsigned_wrap },
	{ "act_rne_ties", t_act_rne_ties },
	{ "act_rne_wide", t_act_rne_wide },
	{ "act_pp_sat", t_act_pp_sat },
	{ "act_nb", t_act_nb },
	{ "act_bytes_strides", t_act_bytes_strides },
	{ "add", t_add },
	{ "pool", t_pool },
	{ "pool_signed_pad", t_pool_signed_pad },
	{ "counters_exact", t_counters_exact },
	{ "timing_queue_full", t_timing_queue_full },
	{ "sem_counting", t_sem_counting },
	{ "sem_ordering", t_sem_ordering },
	{ "deadlock_queue_full", t_deadlock_queue_full },
	{ "faults", t_faults },
	{ "window_nothing_written", t_window_nothing_written },
	{ "two_models", t_two_models },
	{ "move_transpose", t_move_transpose },
	{ "move_negative", t_move_negative },
	{ "move_counters", t_move_counters },
};

TEST_MAIN(tests)
