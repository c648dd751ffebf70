/*
 * Counter prediction: what the hardware must count for a command,
 * derived from the command's fields alone.  The functional model and the
 * RTL count by executing; the three must agree.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "atoll_isa.h"
#include "isa.h"
#include "predict.h"

/* Number of i < n with 0 <= base + i*step < lim. */
static uint64_t inside(int64_t base, int64_t step, int64_t n, int64_t lim)
{
	uint64_t k = 0;
	int64_t i;

	for (i = 0; i < n; i++) {
		int64_t v = base + i * step;

		k += v >= 0 && v < lim;
	}
	return k;
}

static void predict_dma(const uint32_t *w, uint64_t *cnt)
{
	uint64_t n = (uint64_t) ATOLL_GETU(w, ATOLL_DMA_COUNT0) *
		ATOLL_GETU(w, ATOLL_DMA_COUNT1) *
		ATOLL_GETU(w, ATOLL_DMA_COUNT2) *
		ATOLL_GETU(w, ATOLL_DMA_COUNT3);
	int fill = ATOLL_GETU(w, ATOLL_DMA_FILL_EN);

	cnt[ATOLL_CNT_DMA_CMDS]++;
	if ((w[0] & 0xff) == ATOLL_OP_DMA_IN) {
		cnt[ATOLL_CNT_SPM_WR] += n;
		if (!fill)
			cnt[ATOLL_CNT_DRAM_RD] += n;
	} else {
		cnt[ATOLL_CNT_DRAM_WR] += n;
		if (!fill)
			cnt[ATOLL_CNT_SPM_RD] += n;
	}
}

static void predict_mm(const uint32_t *w, uint64_t *cnt)
{
	uint64_t nr = ATOLL_GETU(w, ATOLL_MM_NROWS);
	uint64_t nc = ATOLL_GETU(w, ATOLL_MM_NCOLS);
	uint64_t n0 = ATOLL_GETU(w, ATOLL_MM_N0);
	uint64_t n1 = ATOLL_GETU(w, ATOLL_MM_N1);
	uint64_t in = inside(ATOLL_GETS(w, ATOLL_MM_Y0),
		ATOLL_GETS(w, ATOLL_MM_SY), n1, ATOLL_GETU(w, ATOLL_MM_H)) *
		inside(ATOLL_GETS(w, ATOLL_MM_X0), ATOLL_GETS(w, ATOLL_MM_SX),
			n0, ATOLL_GETU(w, ATOLL_MM_W));

	cnt[ATOLL_CNT_MACS] += nr * nc * n0 * n1;
	cnt[ATOLL_CNT_SPM_RD] += nr * in;
	cnt[ATOLL_CNT_PSUM_WR] += 4 * nc * n0 * n1;
	if (ATOLL_GETU(w, ATOLL_MM_ACC))
		cnt[ATOLL_CNT_PSUM_RD] += 4 * nc * n0 * n1;
}

static void predict_act(const uint32_t *w, uint64_t *cnt)
{
	uint64_t np = ATOLL_GETU(w, ATOLL_ACT_NPARTS);
	uint64_t n = np * ATOLL_GETU(w, ATOLL_ACT_N0) *
		ATOLL_GETU(w, ATOLL_ACT_N1);
	uint32_t st = ATOLL_GETU(w, ATOLL_ACT_SRC_TYPE);

	if (st == 0)
		cnt[ATOLL_CNT_PSUM_RD] += 4 * n;
	else
		cnt[ATOLL_CNT_SPM_RD] += (st == 1 ? 4 : 1) * n;
	cnt[ATOLL_CNT_SPM_WR] += (ATOLL_GETU(w, ATOLL_ACT_DST_TYPE) == 2 ?
		4 : 1) * n;
	cnt[ATOLL_CNT_SPM_RD] += atoll_act_param_bytes(w) * np;
}

static void predict_pool(const uint32_t *w, uint64_t *cnt)
{
	uint64_t np = ATOLL_GETU(w, ATOLL_POOL_NPARTS);
	int64_t n0 = ATOLL_GETU(w, ATOLL_POOL_N0);
	int64_t n1 = ATOLL_GETU(w, ATOLL_POOL_N1);
	int64_t y0 = ATOLL_GETS(w, ATOLL_POOL_Y0);
	int64_t x0 = ATOLL_GETS(w, ATOLL_POOL_X0);
	int64_t sy = ATOLL_GETS(w, ATOLL_POOL_SY);
	int64_t sx = ATOLL_GETS(w, ATOLL_POOL_SX);
	int64_t kh = ATOLL_GETU(w, ATOLL_POOL_KH);
	int64_t kw = ATOLL_GETU(w, ATOLL_POOL_KW);
	int64_t dy = ATOLL_GETU(w, ATOLL_POOL_DY);
	int64_t dx = ATOLL_GETU(w, ATOLL_POOL_DX);
	int64_t h = ATOLL_GETU(w, ATOLL_POOL_H);
	int64_t wd = ATOLL_GETU(w, ATOLL_POOL_W);
	uint64_t taps = 0;
	int64_t i1, i0;

	for (i1 = 0; i1 < n1; i1++)
		for (i0 = 0; i0 < n0; i0++)
			taps += inside(y0 + i1 * sy, dy, kh, h) *
				inside(x0 + i0 * sx, dx, kw, wd);
	cnt[ATOLL_CNT_SPM_RD] += np * taps;
	cnt[ATOLL_CNT_SPM_WR] += np * n0 * n1;
}

void atoll_predict_cmd(const uint32_t *w, const atoll_hwcfg *hw,
	uint64_t *cnt)
{
	uint64_t n;

	(void) hw;
	cnt[ATOLL_CNT_CMD_FETCH] += ATOLL_CMD_BYTES;
	switch (w[0] & 0xff) {
	case ATOLL_OP_DMA_IN:
	case ATOLL_OP_DMA_OUT:
		predict_dma(w, cnt);
		break;
	case ATOLL_OP_LDW:
		n = ATOLL_GETU(w, ATOLL_LDW_NCOLS);
		cnt[ATOLL_CNT_SPM_RD] += n * ATOLL_GETU(w, ATOLL_LDW_NROWS) + n;
		break;
	case ATOLL_OP_MOVE:
		n = (uint64_t) ATOLL_GETU(w, ATOLL_MOVE_COUNT0) *
			ATOLL_GETU(w, ATOLL_MOVE_COUNT1) *
			ATOLL_GETU(w, ATOLL_MOVE_COUNT2) *
			ATOLL_GETU(w, ATOLL_MOVE_COUNT3);
		cnt[ATOLL_CNT_SPM_RD] += n;
		cnt[ATOLL_CNT_SPM_WR] += n;
		break;
	case ATOLL_OP_MM:
		predict_mm(w, cnt);
		break;
	case ATOLL_OP_ACT:
		predict_act(w, cnt);
		break;
	case ATOLL_OP_ADD:
		n = (uint64_t) ATOLL_GETU(w, ATOLL_ADD_NPARTS) *
			ATOLL_GETU(w, ATOLL_ADD_N0) * ATOLL_GETU(w, ATOLL_ADD_N1);
		cnt[ATOLL_CNT_SPM_RD] += 2 * n;
		cnt[ATOLL_CNT_SPM_WR] += n;
		break;
	case ATOLL_OP_POOL:
		predict_pool(w, cnt);
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------------
 * Timing: a static timeline of the RTL (docs/traffic.md, "Compiler
 * cycle prediction").
 */

#define NENG 4
#define DMA_SIM_LIMIT (1u << 22)
#define VICTIM_LIMIT (1u << 16)
#define RESIM_LIMIT (1u << 16)
#define MOVE_EXTRA 3
#define MOVE_WR_LAG 2
#define WR_LIMIT (1u << 16)
#define NO_PART UINT32_MAX

static uint64_t max64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint64_t bus_bytes(const atoll_hwcfg *hw)
{
	return hw->dram_bus_bytes ? hw->dram_bus_bytes : 1;
}

/* Read beats of one command fetch: 64 / DRAM_BUS_BYTES (the bundle's
 * command stream is 64-byte aligned).
 */
static uint64_t fetch_beats(const atoll_hwcfg *hw)
{
	uint64_t n = ATOLL_CMD_BYTES / bus_bytes(hw);

	return n ? n : 1;
}

static uint32_t opcode(const uint32_t *w)
{
	return w[0] & 0xff;
}

uint64_t atoll_predict_check_cycles(const uint32_t *w)
{
	int fill;

	switch (opcode(w)) {
	case ATOLL_OP_DMA_IN:
		fill = ATOLL_GETU(w, ATOLL_DMA_FILL_EN);
		return fill ? 5 : 6;
	case ATOLL_OP_DMA_OUT:
		fill = ATOLL_GETU(w, ATOLL_DMA_FILL_EN);
		return fill ? 4 : 6;
	case ATOLL_OP_LDW:
		return 8;
	case ATOLL_OP_MM:
		return 6;
	case ATOLL_OP_ACT:
		return ATOLL_GETU(w, ATOLL_ACT_PP) ? 10 : 9;
	case ATOLL_OP_ADD:
		return 12;
	case ATOLL_OP_POOL:
		return 8;
	case ATOLL_OP_MOVE:
		return 8;
	default:
		return 0;
	}
}

/* A 4-D element walk of a DMA channel (rtl/atoll_agu.sv): "addr" is
 * base + sum_d i_d * stride_d of the current element, modulo 2^32.
 */
struct agu {
	uint32_t cnt[4];
	uint32_t str[4];
	uint32_t row[4];
	uint32_t i[4];
};

static void agu_init(struct agu *a, const uint32_t *w, uint32_t base,
	const uint32_t *str)
{
	int d;

	a->cnt[0] = ATOLL_GETU(w, ATOLL_DMA_COUNT0);
	a->cnt[1] = ATOLL_GETU(w, ATOLL_DMA_COUNT1);
	a->cnt[2] = ATOLL_GETU(w, ATOLL_DMA_COUNT2);
	a->cnt[3] = ATOLL_GETU(w, ATOLL_DMA_COUNT3);
	for (d = 0; d < 4; d++) {
		a->str[d] = str[d];
		a->row[d] = base;
		a->i[d] = 0;
	}
}

static uint32_t agu_addr(const struct agu *a)
{
	return a->row[0];
}

/* Advance to the next element: the innermost dimension d whose index
 * can still grow steps by stride d, and every dimension inside it
 * restarts at the new position.
 */
static void agu_step(struct agu *a)
{
	int d;

	for (d = 0; d < 4; d++) {
		if (++a->i[d] < a->cnt[d])
			break;
		a->i[d] = 0;
	}
	if (d == 4)
		return;
	a->row[d] += a->str[d];
	while (d-- > 0)
		a->row[d] = a->row[d + 1];
}

/* Advance by "k" elements of dimension 0 (1 .. the rest of the row;
 * the last element of a row moves to the next row).
 */
static void agu_step_n(struct agu *a, uint32_t k)
{
	if (a->i[0] + k < a->cnt[0]) {
		a->i[0] += k;
		a->row[0] += k * a->str[0];
		return;
	}
	a->i[0] = a->cnt[0] - 1;
	agu_step(a);
}

/* The chunks of a DMA (rtl/atoll_dma.sv): the engine moves one chunk
 * per cycle, one element, or, when dimension 0 is contiguous in DRAM
 * (DRAM_STRIDE0 = 1, a bus wider than one byte) and either in one
 * partition (PART_STRIDE0 = 0, SPM_STRIDE0 = 1, "lanes") or across
 * partitions (PART_STRIDE0 = 1, SPM_STRIDE0 = 0), the elements from the
 * current one to the end of its dimension-0 row or of its DRAM bus
 * word, whichever comes first.  A fill ignores the side it does not
 * access: a DMA_IN fill's chunks end at the row or after a bus width.
 * "dram" and "part" walk the DRAM address and the partition of the
 * chunk's first element, "len" is its length and "np" the number of
 * partitions it touches.
 */
struct dma_walk {
	struct agu dram;
	struct agu part;
	uint64_t bus;
	int wide;
	int lanes;
	int nodram;
	uint32_t len;
	uint32_t np;
};

static void walk_len(struct dma_walk *c)
{
	uint32_t rem = c->dram.cnt[0] - c->dram.i[0];
	uint32_t room = (uint32_t) (c->nodram ? c->bus :
		c->bus - agu_addr(&c->dram) % c->bus);

	c->len = !c->wide ? 1 : rem < room ? rem : room;
	c->np = c->lanes ? 1 : c->len;
}

static void walk_init(struct dma_walk *c, const uint32_t *w,
	const atoll_hwcfg *hw)
{
	uint32_t str[4], pstr[4];
	int fill = ATOLL_GETU(w, ATOLL_DMA_FILL_EN), parts;
	int64_t ss0 = ATOLL_GETS(w, ATOLL_DMA_SPM_STRIDE0);

	str[0] = ATOLL_GETU(w, ATOLL_DMA_DRAM_STRIDE0);
	str[1] = ATOLL_GETU(w, ATOLL_DMA_DRAM_STRIDE1);
	str[2] = ATOLL_GETU(w, ATOLL_DMA_DRAM_STRIDE2);
	str[3] = ATOLL_GETU(w, ATOLL_DMA_DRAM_STRIDE3);
	pstr[0] = (uint32_t) ATOLL_GETS(w, ATOLL_DMA_PART_STRIDE0);
	pstr[1] = (uint32_t) ATOLL_GETS(w, ATOLL_DMA_PART_STRIDE1);
	pstr[2] = (uint32_t) ATOLL_GETS(w, ATOLL_DMA_PART_STRIDE2);
	pstr[3] = (uint32_t) ATOLL_GETS(w, ATOLL_DMA_PART_STRIDE3);
	agu_init(&c->dram, w, ATOLL_GETU(w, ATOLL_DMA_DRAM_BASE), str);
	agu_init(&c->part, w, ATOLL_GETU(w, ATOLL_DMA_SPM_PART), pstr);
	c->bus = bus_bytes(hw);
	c->nodram = fill && opcode(w) == ATOLL_OP_DMA_IN;
	c->lanes = pstr[0] == 0 && ss0 == 1;
	parts = pstr[0] == 1 && ss0 == 0;
	c->wide = c->bus > 1 && (c->nodram || str[0] == 1) &&
		((fill && opcode(w) == ATOLL_OP_DMA_OUT) || c->lanes || parts);
	walk_len(c);
}

static void walk_step(struct dma_walk *c)
{
	agu_step_n(&c->dram, c->len);
	agu_step_n(&c->part, c->len);
	walk_len(c);
}

/* The number of chunks of DMA "w" of "n" elements: rows of dimension 0
 * one by one (the first DMA_SIM_LIMIT, the rest extrapolated).
 */
static uint64_t dma_chunks(const uint32_t *w, const atoll_hwcfg *hw,
	uint64_t n)
{
	struct dma_walk c;
	uint64_t rows, r, k = 0, c0, first, bus = bus_bytes(hw);

	walk_init(&c, w, hw);
	if (!c.wide)
		return n;
	c0 = c.dram.cnt[0];
	rows = n / c0;
	for (r = 0; r < rows && r < DMA_SIM_LIMIT; r++) {
		first = c.nodram ? bus : bus - agu_addr(&c.dram) % bus;
		first = first < c0 ? first : c0;
		k += 1 + (c0 - first + bus - 1) / bus;
		c.dram.i[0] = c.dram.cnt[0] - 1;
		agu_step(&c.dram);
	}
	if (r < rows)
		k = (uint64_t) ((double) k * ((double) rows / (double) r));
	return k;
}

/* Command fetches competing with a DMA_IN for the read-address channel:
 * fetch k sends its B read requests in cycles [at[k] + 1, at[k] + 1 + B),
 * "at" increasing; the command processor has priority.
 */
struct ar_bursts {
	const uint64_t *at;
	uint32_t n;
	uint64_t beats;
};

/* The first cycle from "p" on when the DMA may send a read request: p,
 * or the end of the fetch burst covering p; "*k" walks "b" forward.
 */
static uint64_t ar_free(const struct ar_bursts *b, uint32_t *k, uint64_t p)
{
	while (b && *k < b->n && b->at[*k] + 1 + b->beats <= p)
		(*k)++;
	if (b && *k < b->n && b->at[*k] + 1 <= p)
		return b->at[*k] + 1 + b->beats;
	return p;
}

/* A phase of an engine with priority over DMA-out or DMA-in in which it
 * uses SPM partitions [p0, p1) (or, "psum", the PSUM read port) in a
 * fraction "dens" of the cycles [s, e): the PE's reads (top priority),
 * the ACT engine's reads (over DMA-out's) and writes (over DMA-in's).
 */
struct tl_block {
	double s;
	double e;
	uint32_t p0;
	uint32_t p1;
	double dens;
	int psum;
};

/* The ACT engine's write phases, in start order, that a DMA_IN's SPM
 * writes yield to.
 */
struct wr_blocks {
	const struct tl_block *b;
	uint32_t n;
};

/* The first cycle from "q" on when a DMA_IN may write partitions
 * [part, part + np): q, or the end of a write phase of "wb" covering q
 * and one of them (dens
 * >= 1); a phase with dens < 1 adds dens / (1 - dens) cycles per write,
 * accumulated in "*frac".  "*k" walks "wb" forward.
 */
static uint64_t wr_free(const struct wr_blocks *wb, uint32_t *k,
	uint64_t q, uint32_t part, uint32_t np, double *frac)
{
	const struct tl_block *b;
	double f;

	while (wb && *k < wb->n) {
		b = &wb->b[*k];
		if (b->e <= (double) q) {
			(*k)++;
			continue;
		}
		if (b->s > (double) q || part >= b->p1 ||
		    (uint64_t) part + np <= b->p0)
			return q;
		if (b->dens >= 1) {
			q = (uint64_t) ceil(b->e);
			(*k)++;
			continue;
		}
		*frac += b->dens / (1 - b->dens);
		f = floor(*frac);
		*frac -= f;
		return q + (uint64_t) f;
	}
	return q;
}

/* The number of fetch reads of "b" sent in the cycles (lo, hi). */
static uint64_t ar_beats_between(const struct ar_bursts *b, uint64_t lo,
	uint64_t hi)
{
	uint64_t n = 0, s, e;
	uint32_t k;

	for (k = 0; b && k < b->n && b->at[k] + 1 < hi; k++) {
		s = max64(b->at[k] + 1, lo + 1);
		e = b->at[k] + 1 + b->beats;
		e = e < hi ? e : hi;
		n += e > s ? e - s : 0;
	}
	return n;
}

/* A DMA_IN read whose data, requested at "p", wait at the head of the
 * shared read-data channel from p + LAT until the DMA_IN takes them at
 * "q" (the device memory answers in request order).
 */
struct rhold {
	uint64_t p;
	uint64_t q;
};

struct hold_buf {
	struct rhold *h;
	uint32_t n;
	uint32_t cap;
	int err;
};

static void hold_add(struct hold_buf *hb, uint64_t p, uint64_t q)
{
	struct rhold *nh;
	uint32_t cap;

	if (!hb || hb->err)
		return;
	if (hb->n == hb->cap) {
		cap = hb->cap ? 2 * hb->cap : 64;
		nh = realloc(hb->h, cap * sizeof(*nh));
		if (!nh) {
			hb->err = 1;
			return;
		}
		hb->h = nh;
		hb->cap = cap;
	}
	hb->h[hb->n].p = p;
	hb->h[hb->n++].q = q;
}

/* The SPM writes of a DMA_IN, which a MOVE's writes yield to: runs of
 * consecutive cycles [s, e) writing the same partitions [p0, p1), in
 * time order, the first WR_LIMIT of them; "more" when the DMA_IN writes
 * after the last one recorded.
 */
struct wr_buf {
	struct tl_block *b;
	uint32_t n;
	uint32_t cap;
	int more;
	int err;
};

static void wr_push(struct wr_buf *r, const struct tl_block *b)
{
	struct tl_block *nb;
	uint32_t cap;

	if (r->err)
		return;
	if (r->n == r->cap) {
		cap = r->cap ? 2 * r->cap : 64;
		nb = realloc(r->b, cap * sizeof(*nb));
		if (!nb) {
			r->err = 1;
			return;
		}
		r->b = nb;
		r->cap = cap;
	}
	r->b[r->n++] = *b;
}

/* Record a write at cycle "q" to partitions [part, part + np). */
static void wr_add(struct wr_buf *r, uint64_t q, uint32_t part, uint32_t np)
{
	struct tl_block *l = r && r->n ? &r->b[r->n - 1] : NULL;
	struct tl_block b;

	if (!r)
		return;
	if (l && l->e == (double) q && l->p0 == part && l->p1 == part + np) {
		l->e += 1;
		return;
	}
	if (r->n >= WR_LIMIT) {
		r->more = 1;
		return;
	}
	b.s = (double) q;
	b.e = (double) q + 1;
	b.p0 = part;
	b.p1 = part + np;
	b.dens = 1;
	b.psum = 0;
	wr_push(r, &b);
}

/* Busy cycles of a DMA_IN reading device memory, accepted at cycle
 * "a", from the recurrence of rtl/atoll_dma.sv over its chunks k (see
 * struct dma_walk; an element, or up to a bus word of consecutive
 * partitions): chunk k is requested at
 *   p(k) = max(p(k-1) + 1, q(k - INFLIGHT) + 1)
 * (delayed past the fetch bursts "b", may be NULL, when it starts a new
 * bus word and so sends a read) and written to SPM at
 *   q(k) = max(q(k-1) + 1, p(k) + (k starts a new bus word ? LAT : 1)),
 * and the command is busy until q(N-1) + 1.  Consecutive elements in
 * one bus word share a read.  A fill writes at q(k) = max(q(k-1) + 1,
 * a + 2) without reading.  A write is delayed further by the ACT
 * engine's write phases "wb" (may be NULL) on its partition.  Reads
 * whose data wait in the channel go to "hb" (may be NULL), the SPM
 * writes to "rec" (may be NULL).  Beyond DMA_SIM_LIMIT chunks the rate
 * of the first DMA_SIM_LIMIT is extrapolated.
 */
static uint64_t dma_in_read_busy(const uint32_t *w, const atoll_hwcfg *hw,
	uint64_t n, uint64_t a, const struct ar_bursts *b,
	const struct wr_blocks *wb, struct hold_buf *hb, struct wr_buf *rec)
{
	uint64_t ring[ATOLL_PRED_DMA_INFLIGHT];
	uint32_t bk = 0, wk = 0;
	uint64_t bus = bus_bytes(hw), p = a + 1, q = 0, k, word, last = 0;
	uint64_t arr, hp = 0, hq = 0, done = 0;
	int fresh, fill = ATOLL_GETU(w, ATOLL_DMA_FILL_EN);
	double frac = 0;
	struct dma_walk g;

	walk_init(&g, w, hw);
	for (k = 0; done < n && k < DMA_SIM_LIMIT; k++) {
		word = agu_addr(&g.dram) / bus;
		fresh = !fill && (k == 0 || word != last);
		if (k > 0)
			p = max64(p + 1, k >= ATOLL_PRED_DMA_INFLIGHT ?
				ring[k % ATOLL_PRED_DMA_INFLIGHT] + 1 : 0);
		if (fresh)
			p = ar_free(b, &bk, p);
		arr = p + (fresh ? ATOLL_PRED_MEM_LATENCY : 1);
		if (fresh && hq > hp + ATOLL_PRED_MEM_LATENCY)
			arr = max64(arr, hq + 1 + ar_beats_between(b, hp, p));
		q = max64(k ? q + 1 : 0, arr);
		q = wr_free(wb, &wk, q, agu_addr(&g.part), g.np, &frac);
		wr_add(rec, q, agu_addr(&g.part), g.np);
		if (fresh && q > p + ATOLL_PRED_MEM_LATENCY)
			hold_add(hb, p, q);
		if (fresh) {
			hp = p;
			hq = q;
		}
		ring[k % ATOLL_PRED_DMA_INFLIGHT] = fill ? 0 : q;
		last = word;
		done += g.len;
		walk_step(&g);
	}
	q -= a;
	if (done < n) {
		q = (uint64_t) ((double) q * ((double) n / (double) done));
		if (rec)
			rec->more = 1;
	}
	return q + 1;
}

/* Busy cycles of DMA_IN and DMA_OUT.  A fill DMA_IN writes one chunk
 * per cycle: C + 2 for C chunks.  DMA_OUT reads one chunk per cycle and
 * completes when its last write response arrives: C + 5 + LAT.
 */
static uint64_t dma_busy(const uint32_t *w, const atoll_hwcfg *hw)
{
	uint64_t n = (uint64_t) ATOLL_GETU(w, ATOLL_DMA_COUNT0) *
		ATOLL_GETU(w, ATOLL_DMA_COUNT1) *
		ATOLL_GETU(w, ATOLL_DMA_COUNT2) *
		ATOLL_GETU(w, ATOLL_DMA_COUNT3);

	if (opcode(w) == ATOLL_OP_DMA_OUT)
		return dma_chunks(w, hw, n) + 5 + ATOLL_PRED_MEM_LATENCY;
	if (ATOLL_GETU(w, ATOLL_DMA_FILL_EN))
		return dma_chunks(w, hw, n) + 2;
	return dma_in_read_busy(w, hw, n, 0, NULL, NULL, NULL, NULL);
}

/* The lane-parallel ACT engine (rtl/atoll_act_engine.sv) runs ACT, ADD
 * and POOL one element position (i1, i0) at a time, every partition in
 * its own lane.  It is accepted at cycle a, spends a + 1 in INIT, reads
 * the B = "pb" bytes of the parameter record in a + 2 .. a + 1 + B, one
 * per cycle (ACT with PP: 8, or 4 with NB; else 0), then issues the "j"
 * memory jobs of a position one per cycle.  The last job of a position
 * issues only once the write stage can take its result, i.e. "e"
 * cycles after the last job of the position before, e being 1 for one
 * byte written per lane, 4 for an int32 destination and 67 for an
 * average-pool division (one cycle to start the 64-step divider, 66 to
 * its done).  The last write lands e cycles after the last job, and the
 * engine is idle the cycle after.  With position k's e written e(k):
 *   busy = 1 + B + j + sum_{k < N-1} max(j, e(k)) + 1 + e(N-1).
 * "ndiv" of the n positions take "e_div" instead of "e", the last one
 * among them when "last_div".
 */
static uint64_t vec_busy(uint64_t pb, uint64_t j, uint64_t n, uint64_t e,
	uint64_t e_div, uint64_t ndiv, int last_div)
{
	uint64_t mid = ndiv - (last_div ? 1 : 0);

	if (n == 0)
		return 2;
	return 1 + pb + j +
		(n - 1 - mid) * max64(j, e) + mid * max64(j, e_div) + 1 +
		(last_div ? e_div : e);
}

/* Memory jobs per ACT position: 4 reads of an int32 SPM source, else 1. */
static uint64_t act_jobs(const uint32_t *w)
{
	return ATOLL_GETU(w, ATOLL_ACT_SRC_TYPE) == 1 ? 4 : 1;
}

/* ACT: one read job per position (4 for an int32 SPM source), 1 byte
 * written per lane (4 for an int32 destination); one more cycle per
 * byte of the parameter record with PP.
 */
static uint64_t act_busy(const uint32_t *w)
{
	uint64_t n = (uint64_t) ATOLL_GETU(w, ATOLL_ACT_N0) *
		ATOLL_GETU(w, ATOLL_ACT_N1);
	uint64_t wr = ATOLL_GETU(w, ATOLL_ACT_DST_TYPE) == 2 ? 4 : 1;

	return vec_busy(atoll_act_param_bytes(w), act_jobs(w), n, wr, wr,
		0, 0);
}

/* ADD: two read jobs per position (A, then B), one byte per lane. */
static uint64_t add_busy(const uint32_t *w)
{
	uint64_t n = (uint64_t) ATOLL_GETU(w, ATOLL_ADD_N0) *
		ATOLL_GETU(w, ATOLL_ADD_N1);

	return vec_busy(0, 2, n, 1, 1, 0, 0);
}

/* The number of positions base + i*step, i < n, with at least one of
 * their k taps ("d" apart) inside [0, lim).
 */
static uint64_t pool_axis(int64_t base, int64_t step, int64_t n, int64_t k,
	int64_t d, int64_t lim)
{
	uint64_t some = 0;
	int64_t i;

	for (i = 0; i < n; i++)
		some += inside(base + i * step, d, k, lim) > 0;
	return some;
}

/* POOL: one job per tap (a read only inside the image), one byte per
 * lane; with AVG, the positions whose divisor is nonzero (every one with
 * COUNT_PAD, else those with a tap inside the image) wait for the
 * divider.  The taps inside of output (i1, i0) are the product of a row
 * and a column count, so the count of such positions separates.
 */
static uint64_t pool_busy(const uint32_t *w)
{
	uint64_t n0 = ATOLL_GETU(w, ATOLL_POOL_N0);
	uint64_t n1 = ATOLL_GETU(w, ATOLL_POOL_N1);
	uint64_t kh = ATOLL_GETU(w, ATOLL_POOL_KH);
	uint64_t kw = ATOLL_GETU(w, ATOLL_POOL_KW);
	uint64_t sy, sx, ly, lx, div = 0;
	int last = 0;

	sy = pool_axis(ATOLL_GETS(w, ATOLL_POOL_Y0),
		ATOLL_GETS(w, ATOLL_POOL_SY), n1, kh,
		ATOLL_GETU(w, ATOLL_POOL_DY), ATOLL_GETU(w, ATOLL_POOL_H));
	sx = pool_axis(ATOLL_GETS(w, ATOLL_POOL_X0),
		ATOLL_GETS(w, ATOLL_POOL_SX), n0, kw,
		ATOLL_GETU(w, ATOLL_POOL_DX), ATOLL_GETU(w, ATOLL_POOL_W));
	ly = n1 ? inside(ATOLL_GETS(w, ATOLL_POOL_Y0) + (int64_t) (n1 - 1) *
		ATOLL_GETS(w, ATOLL_POOL_SY), ATOLL_GETU(w, ATOLL_POOL_DY),
		(int64_t) kh, ATOLL_GETU(w, ATOLL_POOL_H)) : 0;
	lx = n0 ? inside(ATOLL_GETS(w, ATOLL_POOL_X0) + (int64_t) (n0 - 1) *
		ATOLL_GETS(w, ATOLL_POOL_SX), ATOLL_GETU(w, ATOLL_POOL_DX),
		(int64_t) kw, ATOLL_GETU(w, ATOLL_POOL_W)) : 0;
	if (ATOLL_GETU(w, ATOLL_POOL_AVG)) {
		if (ATOLL_GETU(w, ATOLL_POOL_COUNT_PAD)) {
			div = n0 * n1;
			last = 1;
		} else {
			div = sy * sx;
			last = ly * lx > 0;
		}
	}
	return vec_busy(0, kh * kw, n0 * n1, 1, 67, div, last);
}

/* A MOVE's loop (docs/isa.md): its counts, and the base and the
 * dimension strides of its four channels, 0 the source partition, 1 the
 * source address, 2 the destination partition, 3 the destination
 * address.  "wide" when its chunks may be longer than one element
 * (move_row_chunks).
 */
struct move_pat {
	uint64_t c[4];
	int64_t base[4];
	int64_t str[4][4];
	uint64_t bus;
	int wide;
};

static void move_decode(struct move_pat *m, const uint32_t *w,
	const atoll_hwcfg *hw)
{
	m->c[0] = ATOLL_GETU(w, ATOLL_MOVE_COUNT0);
	m->c[1] = ATOLL_GETU(w, ATOLL_MOVE_COUNT1);
	m->c[2] = ATOLL_GETU(w, ATOLL_MOVE_COUNT2);
	m->c[3] = ATOLL_GETU(w, ATOLL_MOVE_COUNT3);
	m->base[0] = ATOLL_GETU(w, ATOLL_MOVE_SRC_PART);
	m->base[1] = ATOLL_GETU(w, ATOLL_MOVE_SRC_ADDR);
	m->base[2] = ATOLL_GETU(w, ATOLL_MOVE_DST_PART);
	m->base[3] = ATOLL_GETU(w, ATOLL_MOVE_DST_ADDR);
	m->str[0][0] = ATOLL_GETS(w, ATOLL_MOVE_SRC_PSTRIDE0);
	m->str[0][1] = ATOLL_GETS(w, ATOLL_MOVE_SRC_PSTRIDE1);
	m->str[0][2] = ATOLL_GETS(w, ATOLL_MOVE_SRC_PSTRIDE2);
	m->str[0][3] = ATOLL_GETS(w, ATOLL_MOVE_SRC_PSTRIDE3);
	m->str[1][0] = ATOLL_GETS(w, ATOLL_MOVE_SRC_STRIDE0);
	m->str[1][1] = ATOLL_GETS(w, ATOLL_MOVE_SRC_STRIDE1);
	m->str[1][2] = ATOLL_GETS(w, ATOLL_MOVE_SRC_STRIDE2);
	m->str[1][3] = ATOLL_GETS(w, ATOLL_MOVE_SRC_STRIDE3);
	m->str[2][0] = ATOLL_GETS(w, ATOLL_MOVE_DST_PSTRIDE0);
	m->str[2][1] = ATOLL_GETS(w, ATOLL_MOVE_DST_PSTRIDE1);
	m->str[2][2] = ATOLL_GETS(w, ATOLL_MOVE_DST_PSTRIDE2);
	m->str[2][3] = ATOLL_GETS(w, ATOLL_MOVE_DST_PSTRIDE3);
	m->str[3][0] = ATOLL_GETS(w, ATOLL_MOVE_DST_STRIDE0);
	m->str[3][1] = ATOLL_GETS(w, ATOLL_MOVE_DST_STRIDE1);
	m->str[3][2] = ATOLL_GETS(w, ATOLL_MOVE_DST_STRIDE2);
	m->str[3][3] = ATOLL_GETS(w, ATOLL_MOVE_DST_STRIDE3);
	m->bus = bus_bytes(hw);
	m->wide = m->bus > 1 && m->str[0][0] == 0 && m->str[1][0] == 1 &&
		m->str[2][0] == 0 && m->str[3][0] == 1;
}

static uint64_t move_rows(const struct move_pat *m)
{
	return m->c[1] * m->c[2] * m->c[3];
}

/* The four channels at the start of dimension-0 row "r" of "m" (r < c1
 * c2 c3, row order i1 fastest).
 */
static void move_row(const struct move_pat *m, uint64_t r, int64_t *at)
{
	int64_t i[4];
	int ch, d;

	i[1] = (int64_t) (r % m->c[1]);
	i[2] = (int64_t) (r / m->c[1] % m->c[2]);
	i[3] = (int64_t) (r / (m->c[1] * m->c[2]));
	for (ch = 0; ch < 4; ch++) {
		at[ch] = m->base[ch];
		for (d = 1; d < 4; d++)
			at[ch] += i[d] * m->str[ch][d];
	}
}

/* The number of i in (0, len) where address a + i starts a bus word. */
static uint64_t word_starts(int64_t a, uint64_t len, uint64_t bus)
{
	uint64_t off = (uint64_t) (a % (int64_t) bus + (int64_t) bus) % bus;

	return (off + len - 1) / bus;
}

/* The chunks of the dimension-0 row from "at" (rtl/atoll_move.sv): one
 * per element, or, "wide" (dimension 0 contiguous in one partition on
 * both sides, a bus wider than one byte), the runs of the row cut where
 * the source or the destination address starts an SPM word, each read
 * from one word and written into one: 1 + the word starts of either side
 * (counted once where both sides start a word at the same element, which
 * happens at all of them or none).
 */
static uint64_t move_row_chunks(const struct move_pat *m, const int64_t *at)
{
	uint64_t ns, nd;

	if (!m->wide)
		return m->c[0];
	ns = word_starts(at[1], m->c[0], m->bus);
	nd = word_starts(at[3], m->c[0], m->bus);
	if ((at[1] - at[3]) % (int64_t) m->bus == 0)
		return 1 + ns;
	return 1 + ns + nd;
}

/* The chunks of MOVE "m": its rows one by one (the first DMA_SIM_LIMIT,
 * the rest extrapolated).
 */
static uint64_t move_chunks(const struct move_pat *m)
{
	uint64_t rows = move_rows(m), r, k = 0;
	int64_t at[4];

	if (!m->wide)
		return rows * m->c[0];
	for (r = 0; r < rows && r < DMA_SIM_LIMIT; r++) {
		move_row(m, r, at);
		k += move_row_chunks(m, at);
	}
	if (r < rows)
		k = (uint64_t) ((double) k * ((double) rows / (double) r));
	return k;
}

/* MOVE (rtl/atoll_move.sv): accepted at cycle a, it reads chunk k at
 * a + 1 + k, queues its bytes at a + 2 + k and writes them at a + 3 + k;
 * the engine is idle the cycle after the last write: C + 3 for C chunks.
 */
static uint64_t move_busy(const uint32_t *w, const atoll_hwcfg *hw)
{
	struct move_pat m;

	move_decode(&m, w, hw);
	return move_chunks(&m) + MOVE_EXTRA;
}

/* The number of SPM words (of "bus" bytes) that the "n" consecutive
 * addresses from "a" touch: the reads of an LDW phase, as the PE keeps
 * the last word it read.
 */
static uint64_t pe_words(uint64_t a, uint64_t n, uint64_t bus)
{
	return n ? (a + n - 1) / bus - a / bus + 1 : 0;
}

/* The cycles LDW or MM "w" spends in the PE engine's first stage (SPM
 * reads): for LDW one per bus word the zero points [ZP_ADDR,
 * ZP_ADDR + NCOLS) touch (a whole word per cycle), then NCOLS (one
 * weight column per cycle); N0 * N1 for MM (one position per cycle).
 * The engine takes the next LDW or MM in the last of them.
 */
static uint64_t pe_issue(const uint32_t *w, const atoll_hwcfg *hw)
{
	uint64_t c;

	if (opcode(w) == ATOLL_OP_LDW) {
		c = ATOLL_GETU(w, ATOLL_LDW_NCOLS);
		return pe_words(ATOLL_GETU(w, ATOLL_LDW_ZP_ADDR), c,
			bus_bytes(hw)) + c;
	}
	return (uint64_t) ATOLL_GETU(w, ATOLL_MM_N0) *
		ATOLL_GETU(w, ATOLL_MM_N1);
}

uint64_t atoll_predict_busy(const uint32_t *w, const atoll_hwcfg *hw)
{
	uint64_t n;

	switch (opcode(w)) {
	case ATOLL_OP_DMA_IN:
	case ATOLL_OP_DMA_OUT:
		return dma_busy(w, hw);
	case ATOLL_OP_LDW:
	case ATOLL_OP_MM:
		n = pe_issue(w, hw);
		return n + 1 + (opcode(w) == ATOLL_OP_MM ?
			(uint64_t) hw->rows + hw->cols : 0);
	case ATOLL_OP_ACT:
		return act_busy(w);
	case ATOLL_OP_ADD:
		return add_busy(w);
	case ATOLL_OP_POOL:
		return pool_busy(w);
	case ATOLL_OP_MOVE:
		return move_busy(w, hw);
	default:
		return 0;
	}
}

/* An engine queue: the commands dispatched to it, in order; "head" is
 * the next one to retire or start.
 */
struct tl_queue {
	uint32_t *cmd;
	uint32_t n;
	uint32_t head;
	uint64_t free;
	uint64_t idle;
	uint64_t last_pop;
};

/* The cycles at which a semaphore's increments become visible, sorted. */
struct tl_sem {
	uint64_t *t;
	uint32_t n;
	uint32_t cap;
};

/* A run of "n" consecutive elements whose reads go to partitions
 * [part, part + np).
 */
struct tl_run {
	uint32_t part;
	uint32_t np;
	uint32_t wpart;
	uint64_t n;
};

enum { VICTIM_NONE, VICTIM_SPM, VICTIM_PSUM };

/* The command running on DMA-out or ACT, whose reads yield to the PE:
 * its elements ("runs"), each "cost" cycles with "reads" read cycles,
 * and "breads" more reading partitions [bpart, bpart + bnp) (ADD's B),
 * then "tail" cycles.  Progress is known up to cycle "now": "run" and
 * "off" locate the next element.
 */
struct tl_victim {
	int kind;
	uint32_t cmd;
	struct tl_run *runs;
	uint32_t nruns;
	uint32_t cap;
	uint32_t run;
	double off;
	double now;
	double cost;
	double reads;
	uint32_t bpart;
	uint32_t bnp;
	double breads;
	double tail;
};

/* The PE phases the timeline keeps (tl_pe_keep). */
#define PE_BLOCKS 8

struct timeline {
	const uint32_t *cmds;
	uint32_t ncmds;
	const atoll_hwcfg *hw;
	atoll_cmd_time *t;
	struct tl_queue q[NENG];
	struct tl_sem *sem;
	uint32_t nsem;
	uint32_t next;
	uint64_t *issue;
	uint64_t *deliv;
	uint32_t nissue;
	uint32_t last;
	int ended;
	struct tl_block pe[PE_BLOCKS];
	int npe;
	int bank;
	uint64_t bank_free[2];
	struct tl_block act_rd;
	struct tl_block *act_wr;
	uint32_t nact_wr;
	uint32_t cap_act_wr;
	struct wr_buf din;		/* the last DMA_IN's SPM writes */
	struct hold_buf hold;
	struct tl_victim vic[NENG];
};

static const uint32_t *tl_cmd(const struct timeline *tl, uint32_t i)
{
	return tl->cmds + (size_t) i * ATOLL_CMD_WORDS;
}

/* The ACT engine's write phases that end after cycle "a", into "wb";
 * returns 0 when there are none.
 */
static int tl_act_writes(const struct timeline *tl, uint64_t a,
	struct wr_blocks *wb)
{
	uint32_t k = tl->nact_wr;

	while (k > 0 && tl->act_wr[k - 1].e > (double) a)
		k--;
	wb->b = tl->act_wr + k;
	wb->n = tl->nact_wr - k;
	return wb->n > 0;
}

/* The busy cycles of command "i" accepted at cycle "a"; a DMA_IN's read
 * requests yield to the command fetches known so far, its writes to the
 * ACT engine's writes known so far, its reads whose data wait in the
 * read-data channel replace those recorded from cycle "a" on, and its
 * SPM writes replace those of tl->din.
 */
static uint64_t tl_busy(struct timeline *tl, uint32_t i, uint64_t a)
{
	const uint32_t *w = tl_cmd(tl, i);
	struct ar_bursts b;
	struct wr_blocks wb;
	uint64_t n = (uint64_t) ATOLL_GETU(w, ATOLL_DMA_COUNT0) *
		ATOLL_GETU(w, ATOLL_DMA_COUNT1) *
		ATOLL_GETU(w, ATOLL_DMA_COUNT2) *
		ATOLL_GETU(w, ATOLL_DMA_COUNT3);
	uint32_t lo = 0, hi = tl->nissue, mid;
	int act = tl_act_writes(tl, a, &wb);

	if (opcode(w) != ATOLL_OP_DMA_IN)
		return atoll_predict_busy(w, tl->hw);
	tl->din.n = 0;
	tl->din.more = 0;
	if (ATOLL_GETU(w, ATOLL_DMA_FILL_EN) && !act)
		return dma_in_read_busy(w, tl->hw, n, a, NULL, NULL, NULL,
			&tl->din);
	b.beats = fetch_beats(tl->hw);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (tl->issue[mid] + 1 + b.beats <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	b.at = tl->issue + lo;
	b.n = tl->nissue - lo;
	while (tl->hold.n > 0 && tl->hold.h[tl->hold.n - 1].p > a)
		tl->hold.n--;
	return dma_in_read_busy(w, tl->hw, n, a, &b, act ? &wb : NULL,
		&tl->hold, &tl->din);
}

/* When the DMA_IN "w" started at "start" and busy "busy" cycles writes
 * after the last write recorded in tl->din (more than WR_LIMIT runs, or
 * more chunks than the recurrence walks), one more run up to its end:
 * one chunk per cycle on every partition it spans when dimension 0 goes
 * across partitions, else on one of its P partitions at a time
 * (density 1/P), an estimate.
 */
static void tl_din_tail(struct timeline *tl, const uint32_t *w,
	uint64_t start, uint64_t busy)
{
	struct tl_block b;
	int64_t lo = ATOLL_GETU(w, ATOLL_DMA_SPM_PART), hi = lo, d;
	const int64_t ps[4] = { ATOLL_GETS(w, ATOLL_DMA_PART_STRIDE0),
		ATOLL_GETS(w, ATOLL_DMA_PART_STRIDE1),
		ATOLL_GETS(w, ATOLL_DMA_PART_STRIDE2),
		ATOLL_GETS(w, ATOLL_DMA_PART_STRIDE3) };
	const uint64_t cn[4] = { ATOLL_GETU(w, ATOLL_DMA_COUNT0),
		ATOLL_GETU(w, ATOLL_DMA_COUNT1), ATOLL_GETU(w, ATOLL_DMA_COUNT2),
		ATOLL_GETU(w, ATOLL_DMA_COUNT3) };
	int k;

	if (!tl->din.more)
		return;
	for (k = 0; k < 4; k++) {
		d = (int64_t) (cn[k] - 1) * ps[k];
		if (d < 0)
			lo += d;
		else
			hi += d;
	}
	b.s = tl->din.n ? tl->din.b[tl->din.n - 1].e : (double) start;
	b.e = (double) (start + busy);
	b.p0 = (uint32_t) lo;
	b.p1 = (uint32_t) hi + 1;
	b.dens = ps[0] ? 1 : 1.0 / (double) (hi - lo + 1);
	b.psum = 0;
	if (b.e > b.s)
		wr_push(&tl->din, &b);
}

static void tl_move_retime(struct timeline *tl, uint64_t at);

/* A new fetch issued at "at", or a new ACT write phase from "at": when
 * it overlaps the DMA_IN running on engine 0 (the last command it
 * started, WAITs passed over, if that is a DMA_IN of at most RESIM_LIMIT
 * elements), recompute that command's end with every fetch and write
 * phase known, and the MOVE running meanwhile against its new writes.
 */
static void tl_fetch_contend(struct timeline *tl, uint64_t at)
{
	struct tl_queue *q = &tl->q[0];
	const uint32_t *w;
	uint32_t i;

	for (i = q->head; i > 0 && opcode(tl_cmd(tl, q->cmd[i - 1])) ==
	     ATOLL_OP_WAIT; i--)
		;
	if (i == 0)
		return;
	i = q->cmd[i - 1];
	w = tl_cmd(tl, i);
	if (opcode(w) != ATOLL_OP_DMA_IN || q->free <= at + 1 ||
	    (uint64_t) ATOLL_GETU(w, ATOLL_DMA_COUNT0) *
	    ATOLL_GETU(w, ATOLL_DMA_COUNT1) * ATOLL_GETU(w, ATOLL_DMA_COUNT2) *
	    ATOLL_GETU(w, ATOLL_DMA_COUNT3) > RESIM_LIMIT)
		return;
	q->free = tl->t[i].start + tl_busy(tl, i, tl->t[i].start) + 1;
	tl->t[i].done = q->free;
	tl_din_tail(tl, w, tl->t[i].start, q->free - tl->t[i].start - 1);
	tl_move_retime(tl, at);
}

/* The cycle the last read of fetch "i" <= tl->next delivers its data:
 * the read sent at cycle u delivers at
 *   D(u) = max(u + LAT, D(u - 1) + 1, q + 1)
 * (one beat per cycle, in request order after fetch i-1's reads), q
 * being when the DMA_IN takes the data of its latest read sent before u
 * that waits in the channel (tl->hold).
 */
static uint64_t tl_deliver(const struct timeline *tl, uint32_t i)
{
	uint64_t u, d = i ? tl->deliv[i - 1] : 0, b = fetch_beats(tl->hw);
	uint32_t lo = 0, hi = tl->hold.n, mid;

	for (u = tl->issue[i] + 1; u <= tl->issue[i] + b; u++) {
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (tl->hold.h[mid].p < u)
				lo = mid + 1;
			else
				hi = mid;
		}
		d = max64(max64(d + 1, u + ATOLL_PRED_MEM_LATENCY),
			lo ? tl->hold.h[lo - 1].q + 1 : 0);
		hi = tl->hold.n;
	}
	return d;
}

/* The cycle the decoder takes command "i" <= tl->next, once fetched:
 *   take(i) = max(D(i) + 1, dispatch(i-1) + 1)
 * with D(i) = issue(i) + B + LAT, the data of the last of its B reads,
 * unless a DMA_IN holds the read-data channel up (tl_deliver).
 */
static uint64_t tl_take(const struct timeline *tl, uint32_t i)
{
	uint64_t t = tl_deliver(tl, i) + 1;

	return i == 0 ? t : max64(t, tl->t[i - 1].dispatch + 1);
}

/* Issue every fetch that can be timed: a fetch sends a read per cycle
 * after one setup cycle, once the previous fetch has sent its reads and
 * the slot of command i-2 is free (two slots; the decoder frees a slot
 * when it takes the command):
 *   issue(i) = max(issue(i-1) + 1 + B, take(i-2) + 1)
 * which is known up to i = next + 2; issue up to i = "upto".  Fetching
 * stops after the first command that ends the stream (tl->last).
 */
static void tl_fetch(struct timeline *tl, uint32_t upto)
{
	uint64_t b = fetch_beats(tl->hw), at;
	uint32_t i;

	while (tl->nissue < tl->ncmds && tl->nissue <= tl->last &&
	       tl->nissue <= upto && tl->nissue <= tl->next + 2) {
		i = tl->nissue;
		at = i ? tl->issue[i - 1] + 1 + b : ATOLL_PRED_FETCH_START;
		if (i >= 2)
			at = max64(at, (i - 2 < tl->next ? tl->t[i - 2].take :
				tl_take(tl, i - 2)) + 1);
		tl->issue[tl->nissue++] = at;
		tl_fetch_contend(tl, at);
	}
}

/* Dispatch command tl->next when its queue has room: the queue holds
 * QUEUE_DEPTH commands not yet started, so the k-th command of a queue
 * waits for the (k - QUEUE_DEPTH)-th to start.  Returns 1 when it was
 * dispatched, 0 when its queue is full or the stream has ended.
 */
static int tl_dispatch(struct timeline *tl)
{
	const uint32_t *w;
	atoll_cmd_time *t;
	struct tl_queue *q = NULL;
	uint64_t d = tl->hw->queue_depth ? tl->hw->queue_depth : 1;
	uint64_t room = 0;
	int e;

	if (tl->ended || tl->next >= tl->ncmds)
		return 0;
	tl_fetch(tl, tl->next + 2);
	w = tl_cmd(tl, tl->next);
	t = &tl->t[tl->next];
	e = atoll_cmd_engine(w);
	if (e >= 0) {
		q = &tl->q[e];
		if (q->n >= d && q->head <= q->n - d)
			return 0;
		if (q->n >= d)
			room = tl->t[q->cmd[q->n - d]].start + 1;
	}
	t->take = tl_take(tl, tl->next);
	tl->deliv[tl->next] = tl_deliver(tl, tl->next);
	t->dispatch = max64(t->take + ATOLL_PRED_DECODE +
		atoll_predict_check_cycles(w), room);
	if (e < 0) {
		t->start = t->done = t->dispatch;
		tl->ended = 1;
		tl->next++;
		return 0;
	}
	q->cmd[q->n++] = tl->next++;
	return 1;
}

/* The cycle the head of queue "e" can start, into "*start": a command
 * once the engine can take it (the PE: in the last cycle of the previous
 * LDW or MM's first stage; an LDW also once no vector using the weight
 * bank it loads is in flight), a SIGNAL once the engine is idle, a WAIT
 * once its semaphore shows VALUE increments; never before the cycle
 * after its dispatch and after the previous head left.  Returns 0 when the queue is empty or its head
 * is a WAIT not yet satisfied by the SIGNALs executed so far.
 */
static int tl_head(const struct timeline *tl, int e, uint64_t *start)
{
	const struct tl_queue *q = &tl->q[e];
	const uint32_t *w;
	const struct tl_sem *s;
	uint64_t avail;
	uint32_t v, i;

	if (q->head == q->n)
		return 0;
	i = q->cmd[q->head];
	w = tl_cmd(tl, i);
	avail = max64(tl->t[i].dispatch + 1, q->head ? q->last_pop + 1 : 0);
	if (opcode(w) == ATOLL_OP_SIGNAL) {
		*start = max64(avail, max64(q->free, q->idle));
		return 1;
	}
	if (opcode(w) == ATOLL_OP_LDW) {
		*start = max64(max64(avail, q->free),
			tl->bank_free[!tl->bank]);
		return 1;
	}
	if (opcode(w) != ATOLL_OP_WAIT) {
		*start = max64(avail, q->free);
		return 1;
	}
	v = ATOLL_GETU(w, ATOLL_SEM_VALUE);
	if (v == 0) {
		*start = avail;
		return 1;
	}
	if (ATOLL_GETU(w, ATOLL_SEM_SEM) >= tl->nsem)
		return 0;
	s = &tl->sem[ATOLL_GETU(w, ATOLL_SEM_SEM)];
	if (s->n < v)
		return 0;
	*start = max64(avail, s->t[v - 1]);
	return 1;
}

/* Record an increment of semaphore "s" visible from cycle "at". */
static int tl_sem_add(struct timeline *tl, uint32_t s, uint64_t at)
{
	struct tl_sem *m;
	uint64_t *nt;
	uint32_t k;

	if (s >= tl->nsem)
		return 0;
	m = &tl->sem[s];
	if (m->n == m->cap) {
		nt = realloc(m->t, (m->cap ? 2 * m->cap : 16) * sizeof(*nt));
		if (!nt)
			return -1;
		m->t = nt;
		m->cap = m->cap ? 2 * m->cap : 16;
	}
	for (k = m->n; k > 0 && m->t[k - 1] > at; k--)
		m->t[k] = m->t[k - 1];
	m->t[k] = at;
	m->n++;
	return 0;
}

/* Append "n" elements reading partitions [part, part + np) (and, for
 * MOVE, writing partition "wpart"; NO_PART: none) to the runs of "v",
 * merging with the last run when the partitions are the same.
 */
static int victim_add(struct tl_victim *v, uint32_t part, uint32_t np,
	uint32_t wpart, uint64_t n)
{
	struct tl_run *r;

	if (v->nruns && v->runs[v->nruns - 1].part == part &&
	    v->runs[v->nruns - 1].np == np &&
	    v->runs[v->nruns - 1].wpart == wpart) {
		v->runs[v->nruns - 1].n += n;
		return 0;
	}
	if (v->nruns == v->cap) {
		r = realloc(v->runs, (v->cap ? 2 * v->cap : 16) * sizeof(*r));
		if (!r)
			return -1;
		v->runs = r;
		v->cap = v->cap ? 2 * v->cap : 16;
	}
	v->runs[v->nruns].part = part;
	v->runs[v->nruns].np = np;
	v->runs[v->nruns].wpart = wpart;
	v->runs[v->nruns++].n = n;
	return 0;
}

/* The partitions a DMA_OUT reads, chunk by chunk (the first
 * VICTIM_LIMIT chunks; the rest count with the last partitions).
 */
static int victim_dma_out(struct tl_victim *v, const uint32_t *w,
	const atoll_hwcfg *hw, uint64_t n)
{
	struct dma_walk c;
	uint64_t k, done = 0;
	const struct tl_run *r;

	walk_init(&c, w, hw);
	for (k = 0; done < n && k < VICTIM_LIMIT; k++) {
		if (victim_add(v, agu_addr(&c.part), c.np, NO_PART, 1) < 0)
			return -1;
		done += c.len;
		walk_step(&c);
	}
	if (done >= n)
		return 0;
	r = &v->runs[v->nruns - 1];
	return victim_add(v, r->part, r->np, NO_PART,
		dma_chunks(w, hw, n) > k ? dma_chunks(w, hw, n) - k : 0);
}

/* The source partition a MOVE reads and the destination partition it
 * writes, chunk by chunk (the first VICTIM_LIMIT or so; the rest count
 * with the last partitions).  A wide MOVE's chunks of one row share
 * their partitions.
 */
static int victim_move(struct tl_victim *v, const uint32_t *w,
	const atoll_hwcfg *hw)
{
	struct move_pat m;
	uint64_t rows, r, i, k = 0, c;
	int64_t at[4];

	move_decode(&m, w, hw);
	rows = move_rows(&m);
	for (r = 0; r < rows && k < VICTIM_LIMIT; r++) {
		move_row(&m, r, at);
		if (m.wide) {
			c = move_row_chunks(&m, at);
			if (victim_add(v, (uint32_t) at[0], 1, (uint32_t) at[2],
			    c) < 0)
				return -1;
			k += c;
			continue;
		}
		for (i = 0; i < m.c[0]; i++)
			if (victim_add(v, (uint32_t) (at[0] + (int64_t) i *
			    m.str[0][0]), 1, (uint32_t) (at[2] + (int64_t) i *
			    m.str[2][0]), 1) < 0)
				return -1;
		k += m.c[0];
	}
	c = r < rows ? move_chunks(&m) : k;
	return c > k ? victim_add(v, v->runs[v->nruns - 1].part, 1,
		v->runs[v->nruns - 1].wpart, c - k) : 0;
}

/* The taps of POOL "w" inside the image, over all its positions: the
 * product of the row and the column counts.
 */
static uint64_t pool_taps(const uint32_t *w)
{
	uint64_t ty = 0, tx = 0;
	int64_t i, y0 = ATOLL_GETS(w, ATOLL_POOL_Y0);
	int64_t x0 = ATOLL_GETS(w, ATOLL_POOL_X0);
	int64_t sy = ATOLL_GETS(w, ATOLL_POOL_SY);
	int64_t sx = ATOLL_GETS(w, ATOLL_POOL_SX);

	for (i = 0; i < (int64_t) ATOLL_GETU(w, ATOLL_POOL_N1); i++)
		ty += inside(y0 + i * sy, ATOLL_GETU(w, ATOLL_POOL_DY),
			ATOLL_GETU(w, ATOLL_POOL_KH),
			ATOLL_GETU(w, ATOLL_POOL_H));
	for (i = 0; i < (int64_t) ATOLL_GETU(w, ATOLL_POOL_N0); i++)
		tx += inside(x0 + i * sx, ATOLL_GETU(w, ATOLL_POOL_DX),
			ATOLL_GETU(w, ATOLL_POOL_KW),
			ATOLL_GETU(w, ATOLL_POOL_W));
	return ty * tx;
}

/* An ACT, ADD or POOL: its "n" positions read partitions
 * [part, part + np) (all lanes at once), "reads" times on the path of
 * each position, and cost "busy" / n cycles each.
 */
static int victim_vector(struct tl_victim *v, uint32_t part, uint32_t np,
	uint64_t n, uint64_t busy, double reads)
{
	v->cost = n ? (double) busy / (double) n : 0;
	v->reads = reads;
	return n ? victim_add(v, part, np, NO_PART, n) : 0;
}

static uint64_t victim_elements(const struct tl_victim *v)
{
	uint64_t n = 0;
	uint32_t r;

	for (r = 0; r < v->nruns; r++)
		n += v->runs[r].n;
	return n;
}

/* Describe command "w" started at "start" as a victim on "v": which
 * reads yield to the PE and how its "busy" cycles split into element
 * work and a fixed tail.
 */
static int victim_init(struct tl_victim *v, const uint32_t *w,
	const atoll_hwcfg *hw, uint64_t start, uint64_t busy)
{
	uint64_t n;
	int rc = 0;

	v->kind = VICTIM_SPM;
	v->nruns = 0;
	v->run = 0;
	v->off = 0;
	v->now = (double) start + 1;
	v->cost = 1;
	v->reads = 1;
	v->bpart = 0;
	v->bnp = 0;
	v->breads = 0;
	switch (opcode(w)) {
	case ATOLL_OP_DMA_OUT:
		n = (uint64_t) ATOLL_GETU(w, ATOLL_DMA_COUNT0) *
			ATOLL_GETU(w, ATOLL_DMA_COUNT1) *
			ATOLL_GETU(w, ATOLL_DMA_COUNT2) *
			ATOLL_GETU(w, ATOLL_DMA_COUNT3);
		if (ATOLL_GETU(w, ATOLL_DMA_FILL_EN))
			v->kind = VICTIM_NONE;
		else
			rc = victim_dma_out(v, w, hw, n);
		break;
	case ATOLL_OP_MOVE:
		rc = victim_move(v, w, hw);
		break;
	case ATOLL_OP_ACT:
		n = (uint64_t) ATOLL_GETU(w, ATOLL_ACT_N0) *
			ATOLL_GETU(w, ATOLL_ACT_N1);
		if (ATOLL_GETU(w, ATOLL_ACT_SRC_TYPE) == 0)
			v->kind = VICTIM_PSUM;
		rc = victim_vector(v, ATOLL_GETU(w, ATOLL_ACT_SRC_PART),
			ATOLL_GETU(w, ATOLL_ACT_NPARTS), n, busy,
			(double) act_jobs(w));
		break;
	case ATOLL_OP_ADD:
		n = (uint64_t) ATOLL_GETU(w, ATOLL_ADD_N0) *
			ATOLL_GETU(w, ATOLL_ADD_N1);
		rc = victim_vector(v, ATOLL_GETU(w, ATOLL_ADD_A_PART),
			ATOLL_GETU(w, ATOLL_ADD_NPARTS), n, busy, 1);
		v->bpart = ATOLL_GETU(w, ATOLL_ADD_B_PART);
		v->bnp = ATOLL_GETU(w, ATOLL_ADD_NPARTS);
		v->breads = 1;
		break;
	case ATOLL_OP_POOL:
		n = (uint64_t) ATOLL_GETU(w, ATOLL_POOL_N0) *
			ATOLL_GETU(w, ATOLL_POOL_N1);
		rc = victim_vector(v, ATOLL_GETU(w, ATOLL_POOL_SRC_PART),
			ATOLL_GETU(w, ATOLL_POOL_NPARTS), n, busy,
			n ? (double) pool_taps(w) / (double) n : 0);
		break;
	default:
		v->kind = VICTIM_NONE;
		break;
	}
	if (rc < 0 || v->kind == VICTIM_NONE) {
		v->kind = VICTIM_NONE;
		return rc;
	}
	v->tail = (double) busy - v->cost * (double) victim_elements(v);
	return 0;
}

/* Whether partitions [a, a + n) and [p0, p1) intersect. */
static int parts_meet(uint32_t a, uint32_t n, uint32_t p0, uint32_t p1)
{
	return n > 0 && a < p1 && (uint64_t) a + n > p0;
}

/* The accesses of run "r" of "v" that meet partitions [p0, p1): its
 * reads, or with "wr" its MOVE write.
 */
static double victim_hits(const struct tl_victim *v, const struct tl_run *r,
	uint32_t p0, uint32_t p1, int wr)
{
	if (wr)
		return r->wpart != NO_PART && parts_meet(r->wpart, 1, p0, p1);
	return (parts_meet(r->part, r->np, p0, p1) ? v->reads : 0) +
		(parts_meet(v->bpart, v->bnp, p0, p1) ? v->breads : 0);
}

/* Let "v" progress from v->now to cycle "until" at "cost" cycles per
 * element, plus, per element whose reads (with "wr": MOVE writes) meet
 * a partition in [p0, p1), "dens" / (1 - dens) cycles for each such
 * access (stalled when dens >= 1).
 */
static void victim_advance(struct tl_victim *v, double until, uint32_t p0,
	uint32_t p1, double dens, int wr)
{
	const struct tl_run *r;
	double c, left, k, hit;

	while (v->now < until && v->run < v->nruns) {
		r = &v->runs[v->run];
		c = v->cost;
		hit = victim_hits(v, r, p0, p1, wr);
		if (hit > 0 && dens > 0) {
			if (dens >= 1) {
				v->now = until;
				return;
			}
			c += hit * dens / (1 - dens);
		}
		left = (double) r->n - v->off;
		k = (until - v->now) / c;
		if (k < left) {
			v->off += k;
			v->now = until;
			return;
		}
		v->now += left * c;
		v->off = 0;
		v->run++;
	}
}

/* The cycle after the last busy cycle of "v" when nothing blocks it
 * from v->now on.
 */
static uint64_t victim_free(const struct tl_victim *v)
{
	double left = -v->off;
	uint32_t r;

	for (r = v->run; r < v->nruns; r++)
		left += (double) v->runs[r].n;
	return (uint64_t) ceil(v->now + left * v->cost + v->tail);
}

/* Stretch the command running on engine "e" by the read phase "b" (with
 * "wr": the write phase "b" of the ACT engine or of a DMA_IN, which only
 * a MOVE's writes yield to): it runs unhindered up to b->s and then at
 * the rates of victim_advance up to b->e.  A MOVE writes a chunk
 * MOVE_WR_LAG cycles after it read it, and its progress counts reads: a
 * write phase applies that much earlier.  Only a MOVE yields to write
 * phases.
 */
static void tl_stretch_as(struct timeline *tl, int e,
	const struct tl_block *b, int wr)
{
	struct tl_victim *v = &tl->vic[e];
	struct tl_queue *q = &tl->q[e];
	struct tl_block lag;

	if (wr) {
		if (v->kind == VICTIM_NONE ||
		    opcode(tl_cmd(tl, v->cmd)) != ATOLL_OP_MOVE)
			return;
		lag = *b;
		lag.s -= MOVE_WR_LAG;
		lag.e -= MOVE_WR_LAG;
		b = &lag;
	}
	if (v->kind != (b->psum ? VICTIM_PSUM : VICTIM_SPM) ||
	    (double) q->free <= b->s || b->dens <= 0)
		return;
	victim_advance(v, b->s, 0, 0, 0, 0);
	victim_advance(v, b->e, b->psum ? 0 : b->p0,
		b->psum ? UINT32_MAX : b->p1, b->dens, wr);
	q->free = max64(q->free, victim_free(v));
	tl->t[v->cmd].done = q->free;
}

static void tl_stretch(struct timeline *tl, int e, const struct tl_block *b)
{
	tl_stretch_as(tl, e, b, 0);
}

/* The output rows [*r0, *r1) of MM "w" whose input row lies inside the
 * image (an interval, the rows being y0 + i1 * sy); *r0 = *r1 when
 * there is none.
 */
static void mm_rows(const uint32_t *w, uint64_t *r0, uint64_t *r1)
{
	int64_t y0 = ATOLL_GETS(w, ATOLL_MM_Y0);
	int64_t sy = ATOLL_GETS(w, ATOLL_MM_SY);
	int64_t h = ATOLL_GETU(w, ATOLL_MM_H), y;
	uint64_t i, n1 = ATOLL_GETU(w, ATOLL_MM_N1);

	*r0 = *r1 = 0;
	for (i = 0; i < n1; i++) {
		y = y0 + (int64_t) i * sy;
		if (y < 0 || y >= h)
			continue;
		if (*r1 == *r0)
			*r0 = i;
		*r1 = i + 1;
	}
}

/* The SPM reads of the MM "w" in its rows of positions r0 <= i1 < r1:
 * the PE reads a position inside the image only when its address
 * X_ADDR + y * PITCH + x lies in another word than the last position
 * read in the same row (the PE's word buffer is empty at the start of
 * every row).
 */
static uint64_t mm_reads(const uint32_t *w, uint64_t r0, uint64_t r1,
	uint64_t bus)
{
	int64_t x0 = ATOLL_GETS(w, ATOLL_MM_X0);
	int64_t sx = ATOLL_GETS(w, ATOLL_MM_SX);
	int64_t wd = ATOLL_GETU(w, ATOLL_MM_W), x;
	uint64_t n0 = ATOLL_GETU(w, ATOLL_MM_N0), i0, i1, k = 0;
	uint64_t base, word, last = 0;
	int have;

	for (i1 = r0; i1 < r1; i1++) {
		base = ATOLL_GETU(w, ATOLL_MM_X_ADDR) + (uint64_t)
			((ATOLL_GETS(w, ATOLL_MM_Y0) + (int64_t) i1 *
			ATOLL_GETS(w, ATOLL_MM_SY)) & 0xffff) *
			ATOLL_GETU(w, ATOLL_MM_PITCH);
		have = 0;
		for (i0 = 0; i0 < n0; i0++) {
			x = x0 + (int64_t) i0 * sx;
			if (x < 0 || x >= wd)
				continue;
			word = (base + (uint64_t) x) / bus;
			k += !have || word != last;
			last = word;
			have = 1;
		}
	}
	return k;
}

/* The read phases of LDW or MM "w" accepted at cycle "a": LDW reads the
 * zero-point partition one word per cycle (pe_words cycles), then its
 * weight partitions for NCOLS cycles; MM reads its partitions at the positions inside the
 * image during its N0 * N1 streaming cycles (one position per cycle,
 * row by row: none in the rows outside the image, the same fraction in
 * every row inside) and, with ACC, holds the
 * PSUM read port for N0 * N1 cycles as the sums leave the array
 * ROWS + COLS cycles later.  The PE keeps the last SPM word it read, so
 * a phase reads in the fraction of its cycles given by its word reads
 * (pe_words, mm_reads).
 */
static int pe_blocks(const uint32_t *w, const atoll_hwcfg *hw, uint64_t a,
	struct tl_block *b)
{
	double n, c;
	uint64_t n0, r0, r1, bus = bus_bytes(hw);

	if (opcode(w) == ATOLL_OP_LDW) {
		c = ATOLL_GETU(w, ATOLL_LDW_NCOLS);
		b[0].s = (double) a + 1;
		b[0].e = b[0].s + (double) pe_words(ATOLL_GETU(w,
			ATOLL_LDW_ZP_ADDR), (uint64_t) c, bus);
		b[0].p0 = ATOLL_GETU(w, ATOLL_LDW_ZP_PART);
		b[0].p1 = b[0].p0 + 1;
		b[0].dens = 1;
		b[0].psum = 0;
		b[1].s = b[0].e;
		b[1].e = b[1].s + c;
		b[1].p0 = ATOLL_GETU(w, ATOLL_LDW_W_PART);
		b[1].p1 = b[1].p0 + ATOLL_GETU(w, ATOLL_LDW_NROWS);
		b[1].dens = (double) pe_words(ATOLL_GETU(w, ATOLL_LDW_W_ADDR),
			(uint64_t) c, bus) / c;
		b[1].psum = 0;
		return 2;
	}
	if (opcode(w) != ATOLL_OP_MM)
		return 0;
	n0 = ATOLL_GETU(w, ATOLL_MM_N0);
	n = (double) n0 * ATOLL_GETU(w, ATOLL_MM_N1);
	mm_rows(w, &r0, &r1);
	b[0].s = (double) a + 1 + (double) (r0 * n0);
	b[0].e = (double) a + 1 + (double) (r1 * n0);
	b[0].p0 = ATOLL_GETU(w, ATOLL_MM_X_PART);
	b[0].p1 = b[0].p0 + ATOLL_GETU(w, ATOLL_MM_NROWS);
	b[0].dens = r1 > r0 ? (double) mm_reads(w, r0, r1, bus) /
		(double) ((r1 - r0) * n0) : 0;
	b[0].psum = 0;
	if (!ATOLL_GETU(w, ATOLL_MM_ACC))
		return 1;
	b[1].s = (double) a + 1 + hw->rows + hw->cols;
	b[1].e = b[1].s + n;
	b[1].p0 = 0;
	b[1].p1 = 0;
	b[1].dens = 1;
	b[1].psum = 1;
	return 2;
}

/* The SPM phases of the ACT-engine command "w" accepted at cycle "a"
 * and idle again at "free" (vec_busy): its reads from the first job,
 * a + 2 + B, to the last, free - 1 - e, into "rd" (none, dens 0, for
 * a PSUM source); its writes from the first result, a + 3 + B + j,
 * to the last, free - 1, into "wr".  Each partition of the source range
 * is read (written) in the fraction of its phase given by the count of
 * its reads (write cycles); ADD reads two ranges, taken as their hull.
 */
static void act_phases(const uint32_t *w, uint64_t a, uint64_t free,
	struct tl_block *rd, struct tl_block *wr)
{
	uint64_t pos, j = 1, e = 1, nrd, pb = 0;
	uint32_t src, np, dst, src2;

	switch (opcode(w)) {
	case ATOLL_OP_ACT:
		pos = (uint64_t) ATOLL_GETU(w, ATOLL_ACT_N0) *
			ATOLL_GETU(w, ATOLL_ACT_N1);
		pb = atoll_act_param_bytes(w);
		j = act_jobs(w);
		e = ATOLL_GETU(w, ATOLL_ACT_DST_TYPE) == 2 ? 4 : 1;
		np = ATOLL_GETU(w, ATOLL_ACT_NPARTS);
		src = src2 = ATOLL_GETU(w, ATOLL_ACT_SRC_PART);
		dst = ATOLL_GETU(w, ATOLL_ACT_DST_PART);
		nrd = ATOLL_GETU(w, ATOLL_ACT_SRC_TYPE) == 0 ? 0 : j * pos;
		break;
	case ATOLL_OP_ADD:
		pos = (uint64_t) ATOLL_GETU(w, ATOLL_ADD_N0) *
			ATOLL_GETU(w, ATOLL_ADD_N1);
		j = 2;
		np = ATOLL_GETU(w, ATOLL_ADD_NPARTS);
		src = ATOLL_GETU(w, ATOLL_ADD_A_PART);
		src2 = ATOLL_GETU(w, ATOLL_ADD_B_PART);
		dst = ATOLL_GETU(w, ATOLL_ADD_DST_PART);
		nrd = src == src2 ? 2 * pos : pos;
		break;
	default:
		pos = (uint64_t) ATOLL_GETU(w, ATOLL_POOL_N0) *
			ATOLL_GETU(w, ATOLL_POOL_N1);
		j = (uint64_t) ATOLL_GETU(w, ATOLL_POOL_KH) *
			ATOLL_GETU(w, ATOLL_POOL_KW);
		np = ATOLL_GETU(w, ATOLL_POOL_NPARTS);
		src = src2 = ATOLL_GETU(w, ATOLL_POOL_SRC_PART);
		dst = ATOLL_GETU(w, ATOLL_POOL_DST_PART);
		nrd = pool_taps(w);
		break;
	}
	rd->s = (double) (a + 2 + pb);
	rd->e = (double) free - (double) e;
	rd->p0 = src < src2 ? src : src2;
	rd->p1 = (src < src2 ? src2 : src) + np;
	rd->dens = rd->e > rd->s ? (double) nrd / (rd->e - rd->s) : 0;
	rd->dens = rd->dens > 1 ? 1 : rd->dens;
	rd->psum = 0;
	wr->s = (double) (a + 3 + pb + j);
	wr->e = (double) free;
	wr->p0 = dst;
	wr->p1 = dst + np;
	wr->dens = wr->e > wr->s ? (double) (e * pos) / (wr->e - wr->s) : 0;
	wr->dens = wr->dens > 1 ? 1 : wr->dens;
	wr->psum = 0;
}

/* Record the phases of the ACT-engine command "i" started at "start":
 * a DMA_OUT or MOVE running meanwhile yields to its reads, a DMA_IN
 * running (or starting) meanwhile and a MOVE running meanwhile to its
 * writes.
 */
static int tl_act_start(struct timeline *tl, uint32_t i, uint64_t start)
{
	struct tl_block *nb, wr;
	uint32_t cap;

	act_phases(tl_cmd(tl, i), start, tl->q[3].free, &tl->act_rd, &wr);
	if (tl->act_rd.dens > 0)
		tl_stretch(tl, 1, &tl->act_rd);
	if (wr.dens <= 0)
		return 0;
	if (tl->nact_wr == tl->cap_act_wr) {
		cap = tl->cap_act_wr ? 2 * tl->cap_act_wr : 16;
		nb = realloc(tl->act_wr, cap * sizeof(*nb));
		if (!nb)
			return -1;
		tl->act_wr = nb;
		tl->cap_act_wr = cap;
	}
	tl->act_wr[tl->nact_wr++] = wr;
	tl_stretch_as(tl, 1, &wr, 1);
	tl_fetch_contend(tl, (uint64_t) wr.s);
	return 0;
}

/* A DMA_IN "w" started at "start" and busy "busy" cycles writes its
 * chunks at the cycles of its recurrence (tl->din): a MOVE running
 * meanwhile yields its writes to them.
 */
static int tl_din_start(struct timeline *tl, const uint32_t *w,
	uint64_t start, uint64_t busy)
{
	uint32_t k;

	tl_din_tail(tl, w, start, busy);
	if (tl->din.err)
		return -1;
	for (k = 0; k < tl->din.n && tl->vic[1].kind != VICTIM_NONE &&
	     (double) tl->q[1].free + MOVE_WR_LAG > tl->din.b[k].s; k++)
		tl_stretch_as(tl, 1, &tl->din.b[k], 1);
	return 0;
}

/* Apply to the victim starting on engine "e" the phases of the engines
 * with priority that are known: the read phases and (a MOVE) the write
 * phases of the ACT engine and of the last DMA_IN not over yet, in the
 * order in which they meet the victim's progress (a write phase
 * MOVE_WR_LAG cycles before its start), as the victim only advances.
 */
static void tl_stretch_known(struct timeline *tl, int e)
{
	const struct tl_block *b[PE_BLOCKS + 1];
	const struct tl_block *t;
	struct wr_blocks wb = { NULL, 0 };
	uint32_t j = 0, lo = 0, hi = 0, mid, nd = 0;
	int n = 0, k, m, wr;

	for (k = 0; k < tl->npe; k++)
		b[n++] = &tl->pe[k];
	if (e == 1 && tl->act_rd.dens > 0)
		b[n++] = &tl->act_rd;
	for (k = 1; k < n; k++)
		for (m = k; m > 0 && b[m]->s < b[m - 1]->s; m--) {
			t = b[m];
			b[m] = b[m - 1];
			b[m - 1] = t;
		}
	if (e == 1 && opcode(tl_cmd(tl, tl->vic[e].cmd)) == ATOLL_OP_MOVE) {
		if (!tl_act_writes(tl, (uint64_t) tl->vic[e].now, &wb))
			wb.n = 0;
		nd = hi = tl->din.n;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (tl->din.b[mid].e <= tl->vic[e].now)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	for (k = 0;;) {
		t = k < n ? b[k] : NULL;
		wr = 0;
		if (j < wb.n && (!t || wb.b[j].s - MOVE_WR_LAG < t->s)) {
			t = &wb.b[j];
			wr = 1;
		}
		if (lo < nd && (!t || tl->din.b[lo].s - MOVE_WR_LAG <
		    t->s - (wr ? MOVE_WR_LAG : 0))) {
			t = &tl->din.b[lo];
			wr = 2;
		}
		if (!t)
			break;
		if (wr == 0) {
			k++;
		} else if (wr == 1) {
			j++;
		} else if ((double) tl->q[e].free + MOVE_WR_LAG <= t->s) {
			nd = lo;
			continue;
		} else {
			lo++;
		}
		tl_stretch_as(tl, e, t, wr != 0);
	}
}

/* The writes of the DMA_IN on engine 0 changed from cycle "at" on: time
 * the MOVE running on DMA-out after "at" again from its start, against
 * the phases known now (tl_stretch_known).
 */
static void tl_move_retime(struct timeline *tl, uint64_t at)
{
	struct tl_victim *v = &tl->vic[1];
	struct tl_queue *q = &tl->q[1];
	const uint32_t *w = tl_cmd(tl, v->cmd);
	uint64_t start, busy;

	if (v->kind == VICTIM_NONE || opcode(w) != ATOLL_OP_MOVE ||
	    q->free <= at)
		return;
	start = tl->t[v->cmd].start;
	busy = atoll_predict_busy(w, tl->hw);
	q->free = start + busy + 1;
	tl->t[v->cmd].done = q->free;
	if (victim_init(v, w, tl->hw, start, busy) < 0) {
		tl->din.err = 1;
		return;
	}
	tl_stretch_known(tl, 1);
}

/* Keep the PE phases "tl->pe" that end after cycle "a" (an MM's PSUM
 * phase outlasts its first stage), at most PE_BLOCKS - 2 of them (the
 * latest: only a run of very short MMs has more), to make room for the
 * next command's.
 */
static void tl_pe_keep(struct timeline *tl, uint64_t a)
{
	int k, n = 0;

	for (k = 0; k < tl->npe; k++)
		if (tl->pe[k].e > (double) a)
			tl->pe[n++] = tl->pe[k];
	k = n > PE_BLOCKS - 2 ? n - (PE_BLOCKS - 2) : 0;
	memmove(tl->pe, tl->pe + k, (size_t) (n - k) * sizeof(*tl->pe));
	tl->npe = n - k;
}

/* Start LDW or MM "w" (its times "t") on the PE at cycle "start": its
 * first stage runs pe_issue(w, hw) cycles, the engine takes the next LDW or
 * MM in the last of them; its last weight write lands one cycle later
 * (LDW), its last sums ROWS + COLS cycles later (MM), and the engine is
 * idle the cycle after.  An LDW loads the weight bank the MMs since the
 * previous one do not use; a vector leaves the array ROWS + COLS - 1
 * cycles after it entered, so an LDW of the bank of an MM can start
 * from the MM's start + N0 * N1 + ROWS + COLS + 1.  The PE's read
 * phases slow the DMA-out and ACT commands running meanwhile.
 */
static int tl_pe_run(struct timeline *tl, const uint32_t *w,
	atoll_cmd_time *t, uint64_t start)
{
	struct tl_queue *q = &tl->q[2];
	uint64_t n = pe_issue(w, tl->hw);
	int k, m;

	q->free = start + n;
	t->done = start + atoll_predict_busy(w, tl->hw) + 1;
	q->idle = max64(q->idle, t->done);
	if (opcode(w) == ATOLL_OP_LDW)
		tl->bank = !tl->bank;
	else
		tl->bank_free[tl->bank] = max64(tl->bank_free[tl->bank],
			t->done - 1);
	tl_pe_keep(tl, start);
	m = tl->npe;
	tl->npe += pe_blocks(w, tl->hw, start, tl->pe + m);
	for (k = m; k < tl->npe; k++) {
		tl_stretch(tl, 1, &tl->pe[k]);
		tl_stretch(tl, 3, &tl->pe[k]);
	}
	return 0;
}

/* Start the head of queue "e" at cycle "start": a command keeps the
 * engine busy for atoll_predict_busy cycles after that, longer when its
 * reads yield to the PE (tl_stretch); a SIGNAL's increment is visible
 * the cycle after it retires.
 */
static int tl_run(struct timeline *tl, int e, uint64_t start)
{
	struct tl_queue *q = &tl->q[e];
	uint32_t i = q->cmd[q->head++];
	const uint32_t *w = tl_cmd(tl, i);
	atoll_cmd_time *t = &tl->t[i];
	uint64_t busy;

	t->start = start;
	q->last_pop = start;
	switch (opcode(w)) {
	case ATOLL_OP_WAIT:
		t->done = start + 1;
		return 0;
	case ATOLL_OP_SIGNAL:
		t->done = start + 1;
		return tl_sem_add(tl, ATOLL_GETU(w, ATOLL_SEM_SEM), start + 1);
	default:
		break;
	}
	if (e == 2)
		return tl_pe_run(tl, w, t, start);
	busy = tl_busy(tl, i, start);
	q->free = start + busy + 1;
	t->done = q->free;
	if (e == 0)
		return tl_din_start(tl, w, start, busy);
	if (e != 1 && e != 3)
		return 0;
	tl->vic[e].cmd = i;
	if (victim_init(&tl->vic[e], w, tl->hw, start, busy) < 0)
		return -1;
	tl_stretch_known(tl, e);
	return e == 3 ? tl_act_start(tl, i, start) : 0;
}

/* The engine whose head can start earliest (the lowest on ties), its
 * start into "*best"; -1 when no head can start.
 */
static int tl_earliest(const struct timeline *tl, uint64_t *best)
{
	uint64_t start;
	int e, sel = -1;

	for (e = 0; e < NENG; e++)
		if (tl_head(tl, e, &start) && (sel < 0 || start < *best)) {
			sel = e;
			*best = start;
		}
	return sel;
}

/* Whether the next command may be dispatched before the earliest
 * engine start: its fetch has sent every read by then, so that no
 * DMA_IN starting later holds the read data of that fetch up.
 */
static int tl_fetched_before(struct timeline *tl)
{
	uint64_t best = 0;

	if (tl->ended || tl->next >= tl->ncmds ||
	    tl_earliest(tl, &best) < 0)
		return 1;
	tl_fetch(tl, tl->next);
	return tl->next >= tl->nissue ||
		tl->issue[tl->next] + fetch_beats(tl->hw) <= best + 1;
}

/* Alternate between the command processor, which dispatches as far as
 * the queues allow (but not past a fetch an engine starting earlier may
 * delay), and the engine whose head can start earliest (the lowest
 * engine on ties).  Returns 0 when the stream ended and every
 * queue drained, 1 when it deadlocked or has no END, -1 when out of
 * memory.
 */
static int tl_simulate(struct timeline *tl)
{
	uint64_t best = 0;
	int e, sel;

	for (;;) {
		while (tl_fetched_before(tl) && tl_dispatch(tl))
			;
		sel = tl_earliest(tl, &best);
		if (sel < 0)
			break;
		if (tl_run(tl, sel, best) < 0)
			return -1;
	}
	for (e = 0; e < NENG; e++)
		if (tl->q[e].head != tl->q[e].n)
			return 1;
	return tl->ended ? 0 : 1;
}

/* The index of the first command that ends the stream (END or an
 * illegal opcode), or of the last command.
 */
static uint32_t stream_end(const uint32_t *cmds, uint32_t ncmds)
{
	uint32_t i;

	for (i = 0; i + 1 < ncmds; i++)
		if (atoll_cmd_engine(cmds + (size_t) i * ATOLL_CMD_WORDS) < 0)
			return i;
	return i;
}

static void tl_free(struct timeline *tl)
{
	uint32_t s;
	int e;

	for (e = 0; e < NENG; e++) {
		free(tl->q[e].cmd);
		free(tl->vic[e].runs);
	}
	free(tl->act_wr);
	free(tl->hold.h);
	free(tl->din.b);
	for (s = 0; s < tl->nsem; s++)
		free(tl->sem[s].t);
	free(tl->sem);
	free(tl->issue);
	free(tl->deliv);
}

int atoll_predict_timeline(const uint32_t *cmds, uint32_t ncmds,
	const atoll_hwcfg *hw, atoll_cmd_time *t, uint64_t *cycles)
{
	struct timeline tl;
	atoll_cmd_time *own = NULL;
	uint32_t i;
	int e, rc = -1;

	*cycles = 0;
	memset(&tl, 0, sizeof(tl));
	if (!t)
		t = own = calloc(ncmds ? ncmds : 1, sizeof(*t));
	else
		memset(t, 0, (size_t) ncmds * sizeof(*t));
	tl.cmds = cmds;
	tl.ncmds = ncmds;
	tl.hw = hw;
	tl.t = t;
	tl.nsem = hw->semaphores;
	tl.issue = malloc((ncmds ? ncmds : 1) * sizeof(*tl.issue));
	tl.deliv = malloc((ncmds ? ncmds : 1) * sizeof(*tl.deliv));
	tl.last = stream_end(cmds, ncmds);
	tl.sem = calloc(tl.nsem ? tl.nsem : 1, sizeof(*tl.sem));
	for (e = 0; e < NENG; e++)
		tl.q[e].cmd = malloc((ncmds ? ncmds : 1) * sizeof(uint32_t));
	for (e = 0; e < NENG; e++)
		if (!tl.q[e].cmd)
			t = NULL;
	if (t && tl.sem && tl.issue && tl.deliv && tl_simulate(&tl) == 0) {
		for (i = 0; i < tl.next; i++)
			*cycles = max64(*cycles, t[i].done);
		rc = 0;
	}
	tl_free(&tl);
	free(own);
	return rc;
}

/* The owner of every command: the group that holds it, else the group
 * of the command before it (the first owned command's group for the
 * commands before every group).  -1 everywhere when no group holds a
 * command.
 */
static void group_owners(const atoll_bundle *b, int32_t *own)
{
	int32_t cur = -1;
	uint32_t i, k;

	for (i = 0; i < b->ncmds; i++)
		own[i] = -1;
	for (i = 0; i < b->ngroups; i++)
		for (k = 0; k < b->groups[i].ncmds; k++)
			own[b->groups[i].first_cmd + k] = (int32_t) i;
	for (i = 0; i < b->ncmds && cur < 0; i++)
		cur = own[i];
	for (i = 0; i < b->ncmds; i++) {
		if (own[i] < 0)
			own[i] = cur;
		cur = own[i];
	}
}

/* Split the predicted cycles over the groups: with
 * P(i) = max over j <= i of done(j), command i adds P(i) - P(i-1) to
 * its owner (group_owners), so the groups sum to P(last) = the
 * predicted cycles.
 */
static int predict_cycles(atoll_bundle *b, const atoll_hwcfg *hw)
{
	atoll_cmd_time *t;
	int32_t *own;
	uint64_t total, p = 0;
	uint32_t i;

	t = calloc(b->ncmds ? b->ncmds : 1, sizeof(*t));
	own = calloc(b->ncmds ? b->ncmds : 1, sizeof(*own));
	if (!t || !own || atoll_predict_timeline(b->cmds, b->ncmds, hw, t,
			&total) < 0) {
		free(t);
		free(own);
		return -1;
	}
	group_owners(b, own);
	for (i = 0; i < b->ncmds; i++) {
		if (own[i] >= 0 && t[i].done > p)
			b->groups[own[i]].counters[ATOLL_CNT_CYCLES] +=
				t[i].done - p;
		p = max64(p, t[i].done);
	}
	free(t);
	free(own);
	return 0;
}

int atoll_predict(atoll_bundle *b, const atoll_hwcfg *hw)
{
	uint32_t i, k;

	for (i = 0; i < b->ngroups; i++) {
		atoll_bgroup *g = &b->groups[i];

		memset(g->counters, 0, sizeof(g->counters));
		if (g->first_cmd > b->ncmds || g->ncmds > b->ncmds - g->first_cmd)
			return -1;
		for (k = 0; k < g->ncmds; k++)
			atoll_predict_cmd(b->cmds + (size_t) (g->first_cmd + k) *
				ATOLL_CMD_WORDS, hw, g->counters);
	}
	if (predict_cycles(b, hw) < 0)
		for (i = 0; i < b->ngroups; i++)
			b->groups[i].counters[ATOLL_CNT_CYCLES] = 0;
	return 0;
}
