/* The functional model of the atoll accelerator (docs/isa.md).
 *
 * A run is a loop: the command processor (CP) fetches, decodes and
 * dispatches commands into the per-engine FIFO queues as far as it can;
 * then, of the engines whose head command can start, the one that can
 * start earliest executes that command atomically.  Every fault is
 * static, found by the CP at decode.  When neither the CP nor any engine
 * can make progress before the stream is done, the run faults DEADLOCK.
 *
 * Timing is an estimate kept alongside (docs/traffic.md, "Functional
 * model timing estimate"): every engine has the time it becomes free,
 * every command the time it was dispatched, every semaphore the times of
 * its increments.
 */
#include <stdlib.h>
#include <string.h>

#include "atoll_isa.h"
#include "refmodel.h"

#define REF_ENGINES 4
#define REF_DMA_SETUP 8
#define REF_MOVE_SETUP 3
#define REF_LDW_EXTRA 2
#define REF_VEC_EXTRA 4
#define REF_MAX_LANES 256

#define GETU(w, F) ((uint64_t) ATOLL_GETU(w, ATOLL_##F))
#define GETS(w, F) ((int64_t) ATOLL_GETS(w, ATOLL_##F))

_Static_assert(ATOLL_CMD_WORDS == 16, "ref_used assumes 16-word commands");

__extension__ typedef __int128 ref_i128;

enum ref_engine {
	REF_DMA_IN = 0,
	REF_DMA_OUT = 1,
	REF_PE = 2,
	REF_ACT = 3,
};

#define REF_USED(F) { ATOLL_##F##_USED_W0, ATOLL_##F##_USED_W1, \
	ATOLL_##F##_USED_W2, ATOLL_##F##_USED_W3, ATOLL_##F##_USED_W4, \
	ATOLL_##F##_USED_W5, ATOLL_##F##_USED_W6, ATOLL_##F##_USED_W7, \
	ATOLL_##F##_USED_W8, ATOLL_##F##_USED_W9, ATOLL_##F##_USED_W10, \
	ATOLL_##F##_USED_W11, ATOLL_##F##_USED_W12, ATOLL_##F##_USED_W13, \
	ATOLL_##F##_USED_W14, ATOLL_##F##_USED_W15 }

/* Bits covered by some field of each format; every other bit is reserved. */
static const uint32_t ref_used[ATOLL_FMT_COUNT][ATOLL_CMD_WORDS] = {
	[ATOLL_FMT_END] = REF_USED(END),
	[ATOLL_FMT_DMA] = REF_USED(DMA),
	[ATOLL_FMT_LDW] = REF_USED(LDW),
	[ATOLL_FMT_MM] = REF_USED(MM),
	[ATOLL_FMT_ACT] = REF_USED(ACT),
	[ATOLL_FMT_ADD] = REF_USED(ADD),
	[ATOLL_FMT_POOL] = REF_USED(POOL),
	[ATOLL_FMT_SEM] = REF_USED(SEM),
	[ATOLL_FMT_MOVE] = REF_USED(MOVE),
};

/* A command in flight: its words, where it came from, when it was queued. */
struct ref_cmd {
	uint32_t w[ATOLL_CMD_WORDS];
	uint32_t index;		/* position in the command stream */
	unsigned engine;
	uint64_t seq;		/* position among its engine's commands */
	uint64_t dispatch;	/* time the CP put it in the queue */
};

/* An engine and its queue.  The head stays in the queue until it has
 * completed, so a queue of depth D holds the executing command and D-1
 * waiting ones.  "end" remembers the end time of command "seq" at
 * seq % D: the CP may dispatch command seq + D once that one completed.
 */
struct ref_queue {
	struct ref_cmd *slot;
	uint64_t *end;
	uint32_t head;
	uint32_t len;
	uint64_t pushed;
	uint64_t free_at;
	uint64_t busy;
	uint64_t stall;
};

/* A semaphore: its value and the times of its increments, ascending. */
struct ref_sem {
	uint32_t value;
	uint64_t *t;
	size_t n;
	size_t cap;
};

struct atoll_ref {
	atoll_hwcfg cfg;
	uint8_t *dram;
	uint8_t *spm;
	int32_t *psum;
	int16_t *wt;
	struct ref_queue q[REF_ENGINES];
	struct ref_sem *sem;
};

/* The state of one atoll_ref_run. */
struct ref_run {
	atoll_ref *m;
	uint64_t cmd_base;
	uint64_t cmd_count;
	uint64_t win_lo;
	uint64_t win_hi;
	uint64_t budget;
	uint64_t fetch_cost;
	uint64_t *cnt;
	uint32_t next;
	int cp_done;
	int pending;
	struct ref_cmd cmd;
	uint64_t cp_time;
	uint64_t max_time;
	uint32_t error;
	uint32_t error_cmd;
	int timed_out;
	int failed;
};

/* A pattern range [lo, hi] (docs/isa.md, "Range checks"). */
struct ref_range {
	int64_t lo;
	int64_t hi;
};

struct ref_dma {
	int fill;
	uint8_t value;
	int64_t dram;
	int64_t addr;
	int64_t part;
	uint64_t count[4];
	int64_t dram_stride[4];
	int64_t spm_stride[4];
	int64_t part_stride[4];
};

struct ref_mm {
	int x_signed;
	int acc;
	uint64_t nrows;
	uint64_t ncols;
	int64_t x_addr;
	int64_t x_part;
	int64_t x_zp;
	int64_t pitch;
	int64_t h;
	int64_t w;
	int64_t y0;
	int64_t x0;
	int64_t sy;
	int64_t sx;
	uint64_t n0;
	uint64_t n1;
	int64_t psum_addr;
	int64_t ps0;
	int64_t ps1;
};

struct ref_act {
	unsigned src_type;
	unsigned dst_type;
	int pp;
	int nb;
	uint64_t nparts;
	int64_t src_addr;
	int64_t src_part;
	int64_t dst_part;
	int64_t dst_addr;
	uint64_t n0;
	uint64_t n1;
	int64_t ss0;
	int64_t ss1;
	int64_t ds0;
	int64_t ds1;
	int64_t param_addr;
	int64_t mult;
	unsigned shift;
	int64_t src_zp;
	int64_t dst_zp;
	int64_t cmin;
	int64_t cmax;
};

/* One strided 2-D byte operand of ADD and POOL's destination. */
struct ref_opnd {
	int64_t part;
	int64_t addr;
	int64_t s0;
	int64_t s1;
	int64_t zp;
	int sgn;
};

struct ref_add {
	uint64_t nparts;
	uint64_t n0;
	uint64_t n1;
	struct ref_opnd a;
	struct ref_opnd b;
	struct ref_opnd d;
	int64_t a_mult;
	int64_t b_mult;
	unsigned shift;
	int64_t cmin;
	int64_t cmax;
};

struct ref_pool {
	int avg;
	int count_pad;
	int src_signed;
	uint64_t nparts;
	int64_t src_addr;
	int64_t src_part;
	uint64_t n0;
	uint64_t n1;
	struct ref_opnd d;
	int64_t h;
	int64_t w;
	int64_t pitch;
	int64_t y0;
	int64_t x0;
	int64_t sy;
	int64_t sx;
	uint64_t kh;
	uint64_t kw;
	int64_t dy;
	int64_t dx;
	int64_t mult;
	unsigned shift;
	int64_t src_zp;
	int64_t cmin;
	int64_t cmax;
};

/* a + b, saturating at UINT64_MAX. */
static uint64_t ref_add_sat(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

static uint64_t ref_max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* val_s(b): byte "b" as int8 when "sgn", else as uint8. */
static int64_t ref_val(uint64_t b, int sgn)
{
	return sgn ? (int64_t) (int8_t) (uint8_t) b : (int64_t) (uint8_t) b;
}

/* sat32(x): "x" clamped to [-2^31, 2^31-1]. */
static int64_t ref_sat32(int64_t x)
{
	if (x < INT32_MIN)
		return INT32_MIN;
	if (x > INT32_MAX)
		return INT32_MAX;
	return x;
}

/* rne(p, s): round half to even of p / 2^s, 0 <= s <= 63.
 * q = floor(p / 2^s) by arithmetic shift, r = p - q*2^s as the low s bits
 * of p, h = 2^(s-1); q + 1 if r > h or (r == h and q odd), else q.
 */
static int64_t ref_rne(int64_t p, unsigned s)
{
	int64_t q;
	uint64_t r, h;

	if (s == 0)
		return p;
	q = p >> s;
	r = (uint64_t) p & ((UINT64_C(1) << s) - 1);
	h = UINT64_C(1) << (s - 1);
	if (r > h || (r == h && (q & 1)))
		return q + 1;
	return q;
}

/* Round half to even of the exact quotient "num" / "den", den > 0. */
static int64_t ref_div_rne(ref_i128 num, ref_i128 den)
{
	ref_i128 q, r;

	q = num / den;
	r = num % den;
	if (r < 0) {
		q -= 1;
		r += den;
	}
	if (2 * r > den || (2 * r == den && (q & 1)))
		q += 1;
	return (int64_t) q;
}

/* clamp8(y, lo, hi, sgn): "y" clamped to [lo, hi] as min(max(y, lo), hi),
 * then to the int8 or uint8 range.
 */
static uint8_t ref_clamp8(int64_t y, int64_t lo, int64_t hi, int sgn)
{
	if (y < lo)
		y = lo;
	if (y > hi)
		y = hi;
	if (y < (sgn ? -128 : 0))
		y = sgn ? -128 : 0;
	if (y > (sgn ? 127 : 255))
		y = sgn ? 127 : 255;
	return (uint8_t) (y & 0xff);
}

static uint32_t ref_load32(const uint8_t *p)
{
	return (uint32_t) p[0] | (uint32_t) p[1] << 8 |
		(uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static void ref_store32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t) v;
	p[1] = (uint8_t) (v >> 8);
	p[2] = (uint8_t) (v >> 16);
	p[3] = (uint8_t) (v >> 24);
}

static int32_t ref_to_i32(uint32_t v)
{
	return v > INT32_MAX ? (int32_t) (v - 0x80000000u) + INT32_MIN :
		(int32_t) v;
}

/* Extend the pattern range "r" by the dimension ("count", "stride"):
 * lo += min(0, (count-1)*stride), hi += max(0, (count-1)*stride).
 * count <= 2^16 and |stride| <= 2^31, so every sum is exact in int64.
 */
static void ref_range_dim(struct ref_range *r, uint64_t count, int64_t stride)
{
	int64_t e = (int64_t) (count - 1) * stride;

	if (e < 0)
		r->lo += e;
	else
		r->hi += e;
}

/* The pattern range of base + i1*s1 + i0*s0 over i0 < n0, i1 < n1. */
static struct ref_range ref_range_2d(int64_t base, uint64_t n0, int64_t s0,
	uint64_t n1, int64_t s1)
{
	struct ref_range r = { base, base };

	ref_range_dim(&r, n0, s0);
	ref_range_dim(&r, n1, s1);
	return r;
}

/* Is the range "r" within [0, n)? */
static int ref_range_in(struct ref_range r, uint64_t n)
{
	return r.lo >= 0 && (uint64_t) r.hi < n;
}

/* The byte range [base + esize*lo, base + esize*hi + esize - 1] of
 * elements of "esize" bytes at element offsets "r" from byte "base".
 */
static struct ref_range ref_range_bytes(int64_t base, struct ref_range r,
	int64_t esize)
{
	struct ref_range b;

	b.lo = base + esize * r.lo;
	b.hi = base + esize * r.hi + esize - 1;
	return b;
}

/* Are partitions [part, part + n) within [0, limit)? */
static int ref_parts_in(int64_t part, uint64_t n, uint64_t limit)
{
	return part >= 0 && (uint64_t) part + n <= limit;
}

static uint8_t *ref_spm_at(atoll_ref *m, int64_t part, int64_t addr)
{
	return m->spm + (size_t) part * m->cfg.spm_bytes + (size_t) addr;
}

static int32_t *ref_psum_at(atoll_ref *m, int64_t part, int64_t addr)
{
	return m->psum + (size_t) part * m->cfg.psum_depth + (size_t) addr;
}

static void ref_dma_decode(const uint32_t *w, struct ref_dma *d)
{
	d->fill = (int) GETU(w, DMA_FILL_EN);
	d->value = (uint8_t) GETU(w, DMA_FILL_VALUE);
	d->dram = (int64_t) GETU(w, DMA_DRAM_BASE);
	d->addr = (int64_t) GETU(w, DMA_SPM_ADDR);
	d->part = (int64_t) GETU(w, DMA_SPM_PART);
	d->count[0] = GETU(w, DMA_COUNT0);
	d->count[1] = GETU(w, DMA_COUNT1);
	d->count[2] = GETU(w, DMA_COUNT2);
	d->count[3] = GETU(w, DMA_COUNT3);
	d->dram_stride[0] = GETS(w, DMA_DRAM_STRIDE0);
	d->dram_stride[1] = GETS(w, DMA_DRAM_STRIDE1);
	d->dram_stride[2] = GETS(w, DMA_DRAM_STRIDE2);
	d->dram_stride[3] = GETS(w, DMA_DRAM_STRIDE3);
	d->spm_stride[0] = GETS(w, DMA_SPM_STRIDE0);
	d->spm_stride[1] = GETS(w, DMA_SPM_STRIDE1);
	d->spm_stride[2] = GETS(w, DMA_SPM_STRIDE2);
	d->spm_stride[3] = GETS(w, DMA_SPM_STRIDE3);
	d->part_stride[0] = GETS(w, DMA_PART_STRIDE0);
	d->part_stride[1] = GETS(w, DMA_PART_STRIDE1);
	d->part_stride[2] = GETS(w, DMA_PART_STRIDE2);
	d->part_stride[3] = GETS(w, DMA_PART_STRIDE3);
}

/* N = COUNT0 * COUNT1 * COUNT2 * COUNT3 (< 2^64). */
static uint64_t ref_dma_elems(const struct ref_dma *d)
{
	return d->count[0] * d->count[1] * d->count[2] * d->count[3];
}

/* The pattern range of "base" + sum_d i_d * stride[d] over "count". */
static struct ref_range ref_pattern_range(const uint64_t *count, int64_t base,
	const int64_t *stride)
{
	struct ref_range r = { base, base };
	int k;

	for (k = 0; k < 4; k++)
		ref_range_dim(&r, count[k], stride[k]);
	return r;
}

static struct ref_range ref_dma_range(const struct ref_dma *d, int64_t base,
	const int64_t *stride)
{
	return ref_pattern_range(d->count, base, stride);
}

/* DMA checks: counts (BAD_FIELD), DRAM range in the window unless
 * a DMA_IN fill (DRAM_WINDOW), SPM partitions and addresses unless
 * a DMA_OUT fill (SPM_RANGE).
 */
static uint32_t ref_dma_check(const struct ref_run *run, const uint32_t *w,
	int in)
{
	const atoll_hwcfg *cfg = &run->m->cfg;
	struct ref_dma d;
	struct ref_range r;
	int k;

	ref_dma_decode(w, &d);
	for (k = 0; k < 4; k++)
		if (d.count[k] < 1)
			return ATOLL_ERR_BAD_FIELD;
	if (!(d.fill && in)) {
		r = ref_dma_range(&d, d.dram, d.dram_stride);
		if (r.lo < 0 || (uint64_t) r.lo < run->win_lo ||
		    (uint64_t) r.hi >= run->win_hi)
			return ATOLL_ERR_DRAM_WINDOW;
	}
	if (!(d.fill && !in)) {
		if (!ref_range_in(ref_dma_range(&d, d.part, d.part_stride),
		    cfg->rows))
			return ATOLL_ERR_SPM_RANGE;
		if (!ref_range_in(ref_dma_range(&d, d.addr, d.spm_stride),
		    cfg->spm_bytes))
			return ATOLL_ERR_SPM_RANGE;
	}
	return ATOLL_ERR_NONE;
}

/* Move the element at loop indices "i" (i[0] innermost). */
static void ref_dma_elem(atoll_ref *m, const struct ref_dma *d,
	const uint64_t *i, int in)
{
	int64_t dram = d->dram, part = d->part, addr = d->addr;
	uint8_t *spm;
	int k;

	for (k = 0; k < 4; k++) {
		dram += (int64_t) i[k] * d->dram_stride[k];
		part += (int64_t) i[k] * d->part_stride[k];
		addr += (int64_t) i[k] * d->spm_stride[k];
	}
	if (in) {
		spm = ref_spm_at(m, part, addr);
		*spm = d->fill ? d->value : m->dram[dram];
	} else {
		m->dram[dram] = d->fill ? d->value :
			*ref_spm_at(m, part, addr);
	}
}

/* DMA_IN ("in") or DMA_OUT: the 4-D element loop of docs/isa.md. */
static void ref_dma_exec(atoll_ref *m, const uint32_t *w, int in,
	uint64_t *cnt)
{
	struct ref_dma d;
	uint64_t i[4], n;

	ref_dma_decode(w, &d);
	for (i[3] = 0; i[3] < d.count[3]; i[3]++)
		for (i[2] = 0; i[2] < d.count[2]; i[2]++)
			for (i[1] = 0; i[1] < d.count[1]; i[1]++)
				for (i[0] = 0; i[0] < d.count[0]; i[0]++)
					ref_dma_elem(m, &d, i, in);
	n = ref_dma_elems(&d);
	cnt[ATOLL_CNT_DMA_CMDS] += 1;
	if (in) {
		cnt[ATOLL_CNT_SPM_WR] += n;
		if (!d.fill)
			cnt[ATOLL_CNT_DRAM_RD] += n;
	} else {
		cnt[ATOLL_CNT_DRAM_WR] += n;
		if (!d.fill)
			cnt[ATOLL_CNT_SPM_RD] += n;
	}
}

/* MOVE: a DMA-shaped loop with a scratchpad pattern on both sides. */
struct ref_move {
	int64_t part[2], addr[2];		/* [0] source, [1] destination */
	int64_t pstride[2][4], stride[2][4];
	uint64_t count[4];
};

static void ref_move_decode(const uint32_t *w, struct ref_move *d)
{
	d->addr[0] = (int64_t) GETU(w, MOVE_SRC_ADDR);
	d->part[0] = (int64_t) GETU(w, MOVE_SRC_PART);
	d->addr[1] = (int64_t) GETU(w, MOVE_DST_ADDR);
	d->part[1] = (int64_t) GETU(w, MOVE_DST_PART);
	d->stride[0][0] = GETS(w, MOVE_SRC_STRIDE0);
	d->stride[0][1] = GETS(w, MOVE_SRC_STRIDE1);
	d->stride[0][2] = GETS(w, MOVE_SRC_STRIDE2);
	d->stride[0][3] = GETS(w, MOVE_SRC_STRIDE3);
	d->pstride[0][0] = GETS(w, MOVE_SRC_PSTRIDE0);
	d->pstride[0][1] = GETS(w, MOVE_SRC_PSTRIDE1);
	d->pstride[0][2] = GETS(w, MOVE_SRC_PSTRIDE2);
	d->pstride[0][3] = GETS(w, MOVE_SRC_PSTRIDE3);
	d->stride[1][0] = GETS(w, MOVE_DST_STRIDE0);
	d->stride[1][1] = GETS(w, MOVE_DST_STRIDE1);
	d->stride[1][2] = GETS(w, MOVE_DST_STRIDE2);
	d->stride[1][3] = GETS(w, MOVE_DST_STRIDE3);
	d->pstride[1][0] = GETS(w, MOVE_DST_PSTRIDE0);
	d->pstride[1][1] = GETS(w, MOVE_DST_PSTRIDE1);
	d->pstride[1][2] = GETS(w, MOVE_DST_PSTRIDE2);
	d->pstride[1][3] = GETS(w, MOVE_DST_PSTRIDE3);
	d->count[0] = GETU(w, MOVE_COUNT0);
	d->count[1] = GETU(w, MOVE_COUNT1);
	d->count[2] = GETU(w, MOVE_COUNT2);
	d->count[3] = GETU(w, MOVE_COUNT3);
}

static int ref_ranges_meet(struct ref_range a, struct ref_range b)
{
	return a.lo <= b.hi && b.lo <= a.hi;
}

/* MOVE checks: counts (BAD_FIELD); source partitions and addresses, then
 * destination partitions and addresses (SPM_RANGE); source and
 * destination boxes (partition range x address range) disjoint
 * (BAD_FIELD).
 */
static uint32_t ref_move_check(const atoll_hwcfg *cfg, const uint32_t *w)
{
	struct ref_move d;
	struct ref_range p[2], a[2];
	int k;

	ref_move_decode(w, &d);
	for (k = 0; k < 4; k++)
		if (d.count[k] < 1)
			return ATOLL_ERR_BAD_FIELD;
	for (k = 0; k < 2; k++) {
		p[k] = ref_pattern_range(d.count, d.part[k], d.pstride[k]);
		a[k] = ref_pattern_range(d.count, d.addr[k], d.stride[k]);
		if (!ref_range_in(p[k], cfg->rows) ||
		    !ref_range_in(a[k], cfg->spm_bytes))
			return ATOLL_ERR_SPM_RANGE;
	}
	if (ref_ranges_meet(p[0], p[1]) && ref_ranges_meet(a[0], a[1]))
		return ATOLL_ERR_BAD_FIELD;
	return ATOLL_ERR_NONE;
}

static void ref_move_exec(atoll_ref *m, const uint32_t *w, uint64_t *cnt)
{
	struct ref_move d;
	uint64_t i[4], n;
	int64_t sp, sa, dp, da;
	int k;

	ref_move_decode(w, &d);
	for (i[3] = 0; i[3] < d.count[3]; i[3]++)
	for (i[2] = 0; i[2] < d.count[2]; i[2]++)
	for (i[1] = 0; i[1] < d.count[1]; i[1]++)
	for (i[0] = 0; i[0] < d.count[0]; i[0]++) {
		sp = d.part[0];
		sa = d.addr[0];
		dp = d.part[1];
		da = d.addr[1];
		for (k = 0; k < 4; k++) {
			sp += (int64_t) i[k] * d.pstride[0][k];
			sa += (int64_t) i[k] * d.stride[0][k];
			dp += (int64_t) i[k] * d.pstride[1][k];
			da += (int64_t) i[k] * d.stride[1][k];
		}
		*ref_spm_at(m, dp, da) = *ref_spm_at(m, sp, sa);
	}
	n = d.count[0] * d.count[1] * d.count[2] * d.count[3];
	cnt[ATOLL_CNT_SPM_RD] += n;
	cnt[ATOLL_CNT_SPM_WR] += n;
}

/* LDW checks: NROWS, NCOLS (BAD_FIELD); weight rows, weight columns,
 * zero-point partition and columns (SPM_RANGE).
 */
static uint32_t ref_ldw_check(const atoll_hwcfg *cfg, const uint32_t *w)
{
	uint64_t nrows = GETU(w, LDW_NROWS), ncols = GETU(w, LDW_NCOLS);

	if (nrows < 1 || nrows > cfg->rows || ncols < 1 || ncols > cfg->cols)
		return ATOLL_ERR_BAD_FIELD;
	if (GETU(w, LDW_W_PART) + nrows > cfg->rows ||
	    GETU(w, LDW_W_ADDR) + ncols > cfg->spm_bytes ||
	    GETU(w, LDW_ZP_PART) >= cfg->rows ||
	    GETU(w, LDW_ZP_ADDR) + ncols > cfg->spm_bytes)
		return ATOLL_ERR_SPM_RANGE;
	return ATOLL_ERR_NONE;
}

/* Wt[r][c] = val_s(SPM[W_PART + r][W_ADDR + c]) -
 * val_s(SPM[ZP_PART][ZP_ADDR + c]) inside the NROWS x NCOLS tile, 0 outside.
 */
static void ref_ldw_exec(atoll_ref *m, const uint32_t *w, uint64_t *cnt)
{
	uint64_t nrows = GETU(w, LDW_NROWS), ncols = GETU(w, LDW_NCOLS);
	int64_t wpart = (int64_t) GETU(w, LDW_W_PART);
	int64_t waddr = (int64_t) GETU(w, LDW_W_ADDR);
	int64_t zpart = (int64_t) GETU(w, LDW_ZP_PART);
	int64_t zaddr = (int64_t) GETU(w, LDW_ZP_ADDR);
	int sgn = (int) GETU(w, LDW_W_SIGNED);
	uint64_t r, c;
	int64_t v, zp;

	for (r = 0; r < m->cfg.rows; r++)
		for (c = 0; c < m->cfg.cols; c++) {
			v = 0;
			if (r < nrows && c < ncols) {
				zp = ref_val(*ref_spm_at(m, zpart,
					zaddr + (int64_t) c), sgn);
				v = ref_val(*ref_spm_at(m, wpart + (int64_t) r,
					waddr + (int64_t) c), sgn) - zp;
			}
			m->wt[r * m->cfg.cols + c] = (int16_t) v;
		}
	cnt[ATOLL_CNT_SPM_RD] += nrows * ncols + ncols;
}

static void ref_mm_decode(const uint32_t *w, struct ref_mm *d)
{
	d->x_signed = (int) GETU(w, MM_X_SIGNED);
	d->acc = (int) GETU(w, MM_ACC);
	d->nrows = GETU(w, MM_NROWS);
	d->ncols = GETU(w, MM_NCOLS);
	d->x_addr = (int64_t) GETU(w, MM_X_ADDR);
	d->x_part = (int64_t) GETU(w, MM_X_PART);
	d->x_zp = ref_val(GETU(w, MM_X_ZP), d->x_signed);
	d->pitch = (int64_t) GETU(w, MM_PITCH);
	d->h = (int64_t) GETU(w, MM_H);
	d->w = (int64_t) GETU(w, MM_W);
	d->y0 = GETS(w, MM_Y0);
	d->x0 = GETS(w, MM_X0);
	d->sy = GETS(w, MM_SY);
	d->sx = GETS(w, MM_SX);
	d->n0 = GETU(w, MM_N0);
	d->n1 = GETU(w, MM_N1);
	d->psum_addr = (int64_t) GETU(w, MM_PSUM_ADDR);
	d->ps0 = GETS(w, MM_PS0);
	d->ps1 = GETS(w, MM_PS1);
}

/* MM checks: tile and grid sizes (BAD_FIELD); activation partitions and
 * image box (SPM_RANGE); PSUM address pattern (PSUM_RANGE).
 */
static uint32_t ref_mm_check(const atoll_hwcfg *cfg, const uint32_t *w)
{
	struct ref_mm d;

	ref_mm_decode(w, &d);
	if (d.nrows < 1 || d.nrows > cfg->rows ||
	    d.ncols < 1 || d.ncols > cfg->cols ||
	    d.n0 < 1 || d.n1 < 1 || d.h < 1 || d.w < 1)
		return ATOLL_ERR_BAD_FIELD;
	if (!ref_parts_in(d.x_part, d.nrows, cfg->rows) ||
	    (uint64_t) (d.x_addr + (d.h - 1) * d.pitch + (d.w - 1)) >=
	    cfg->spm_bytes)
		return ATOLL_ERR_SPM_RANGE;
	if (!ref_range_in(ref_range_2d(d.psum_addr, d.n0, d.ps0, d.n1, d.ps1),
	    cfg->psum_depth))
		return ATOLL_ERR_PSUM_RANGE;
	return ATOLL_ERR_NONE;
}

/* One grid position (i1, i0) of MM: read the activation column "a" (zero
 * point subtracted, 0 when outside the image), then for every column c
 * PSUM[c][pa] (+)= sum_r a[r] * Wt[r][c], wrapping in int32.
 * Returns 1 when the position is inside the image.
 */
static int ref_mm_position(atoll_ref *m, const struct ref_mm *d,
	int64_t i1, int64_t i0)
{
	int64_t a[REF_MAX_LANES];
	int64_t y = d->y0 + i1 * d->sy, x = d->x0 + i0 * d->sx;
	int64_t pa = d->psum_addr + i1 * d->ps1 + i0 * d->ps0;
	int inside = y >= 0 && y < d->h && x >= 0 && x < d->w;
	uint64_t r, c;
	int64_t s;
	int32_t *ps;

	for (r = 0; r < d->nrows; r++)
		a[r] = inside ? ref_val(*ref_spm_at(m, d->x_part + (int64_t) r,
			d->x_addr + y * d->pitch + x), d->x_signed) - d->x_zp :
			0;
	for (c = 0; c < d->ncols; c++) {
		s = 0;
		for (r = 0; r < d->nrows; r++)
			s += a[r] * m->wt[r * m->cfg.cols + c];
		ps = ref_psum_at(m, (int64_t) c, pa);
		*ps = ref_to_i32((d->acc ? (uint32_t) *ps : 0u) +
			(uint32_t) s);
	}
	return inside;
}

/* MM: the grid loop of docs/isa.md (i1 outer, i0 inner). */
static void ref_mm_exec(atoll_ref *m, const uint32_t *w, uint64_t *cnt)
{
	struct ref_mm d;
	uint64_t i1, i0, inside = 0, n;

	ref_mm_decode(w, &d);
	for (i1 = 0; i1 < d.n1; i1++)
		for (i0 = 0; i0 < d.n0; i0++)
			inside += ref_mm_position(m, &d, (int64_t) i1,
				(int64_t) i0);
	n = d.n0 * d.n1;
	cnt[ATOLL_CNT_MACS] += d.nrows * d.ncols * n;
	cnt[ATOLL_CNT_SPM_RD] += d.nrows * inside;
	cnt[ATOLL_CNT_PSUM_WR] += 4 * d.ncols * n;
	if (d.acc)
		cnt[ATOLL_CNT_PSUM_RD] += 4 * d.ncols * n;
}

static void ref_act_decode(const uint32_t *w, struct ref_act *d)
{
	d->src_type = (unsigned) GETU(w, ACT_SRC_TYPE);
	d->dst_type = (unsigned) GETU(w, ACT_DST_TYPE);
	d->pp = (int) GETU(w, ACT_PP);
	d->nb = (int) GETU(w, ACT_NB);
	d->nparts = GETU(w, ACT_NPARTS);
	d->src_addr = (int64_t) GETU(w, ACT_SRC_ADDR);
	d->src_part = (int64_t) GETU(w, ACT_SRC_PART);
	d->dst_part = (int64_t) GETU(w, ACT_DST_PART);
	d->dst_addr = (int64_t) GETU(w, ACT_DST_ADDR);
	d->n0 = GETU(w, ACT_N0);
	d->n1 = GETU(w, ACT_N1);
	d->ss0 = GETS(w, ACT_SS0);
	d->ss1 = GETS(w, ACT_SS1);
	d->ds0 = GETS(w, ACT_DS0);
	d->ds1 = GETS(w, ACT_DS1);
	d->param_addr = (int64_t) GETU(w, ACT_PARAM_ADDR);
	d->mult = GETS(w, ACT_MULT);
	d->shift = (unsigned) GETU(w, ACT_SHIFT);
	d->src_zp = GETS(w, ACT_SRC_ZP);
	d->dst_zp = GETS(w, ACT_DST_ZP);
	d->cmin = GETS(w, ACT_CMIN);
	d->cmax = GETS(w, ACT_CMAX);
}

/* Bytes per source element in SPM: int32 (type 1) or a byte (2, 3). */
static int64_t ref_act_src_esize(const struct ref_act *d)
{
	return d->src_type == 1 ? 4 : 1;
}

static int64_t ref_act_dst_esize(const struct ref_act *d)
{
	return d->dst_type == 2 ? 4 : 1;
}

/* Bytes of the parameter record read per partition: none without PP,
 * the mult/shift word alone with NB, else bias and that word.
 */
static uint64_t ref_act_param_bytes(const struct ref_act *d)
{
	if (!d->pp)
		return 0;
	return d->nb ? ATOLL_PARAM_NB_BYTES : ATOLL_PARAM_BYTES;
}

/* ACT source check: PSUM partitions and element range (PSUM_RANGE) or
 * SPM partitions and byte range (SPM_RANGE).
 */
static uint32_t ref_act_check_src(const atoll_hwcfg *cfg,
	const struct ref_act *d)
{
	struct ref_range r = ref_range_2d(0, d->n0, d->ss0, d->n1, d->ss1);

	if (d->src_type == 0) {
		r.lo += d->src_addr;
		r.hi += d->src_addr;
		if (!ref_parts_in(d->src_part, d->nparts, cfg->cols) ||
		    !ref_range_in(r, cfg->psum_depth))
			return ATOLL_ERR_PSUM_RANGE;
		return ATOLL_ERR_NONE;
	}
	if (!ref_parts_in(d->src_part, d->nparts, cfg->rows) ||
	    !ref_range_in(ref_range_bytes(d->src_addr, r,
	    ref_act_src_esize(d)), cfg->spm_bytes))
		return ATOLL_ERR_SPM_RANGE;
	return ATOLL_ERR_NONE;
}

/* ACT checks, in the order of docs/isa.md: fields (BAD_FIELD), source,
 * destination (SPM_RANGE), per-partition parameters (SPM_RANGE).
 */
static uint32_t ref_act_check(const atoll_hwcfg *cfg, const uint32_t *w)
{
	struct ref_act d;
	struct ref_range r;
	uint32_t err;

	ref_act_decode(w, &d);
	if (d.dst_type == 3 || d.nparts < 1 || d.n0 < 1 || d.n1 < 1)
		return ATOLL_ERR_BAD_FIELD;
	err = ref_act_check_src(cfg, &d);
	if (err)
		return err;
	r = ref_range_2d(0, d.n0, d.ds0, d.n1, d.ds1);
	if (!ref_parts_in(d.dst_part, d.nparts, cfg->rows) ||
	    !ref_range_in(ref_range_bytes(d.dst_addr, r,
	    ref_act_dst_esize(&d)), cfg->spm_bytes))
		return ATOLL_ERR_SPM_RANGE;
	if (d.pp &&
	    (uint64_t) d.param_addr + ref_act_param_bytes(&d) > cfg->spm_bytes)
		return ATOLL_ERR_SPM_RANGE;
	return ATOLL_ERR_NONE;
}

/* The source value v of ACT element "so" of partition "i". */
static int64_t ref_act_src(atoll_ref *m, const struct ref_act *d, int64_t i,
	int64_t so)
{
	int64_t part = d->src_part + i;

	if (d->src_type == 0)
		return *ref_psum_at(m, part, d->src_addr + so);
	if (d->src_type == 1)
		return ref_to_i32(ref_load32(ref_spm_at(m, part,
			d->src_addr + 4 * so)));
	return ref_val(*ref_spm_at(m, part, d->src_addr + so),
		d->src_type == 3) - d->src_zp;
}

/* One ACT element: r = rne(sat32(v + bias) * mult, shift), stored as
 * sat32(r) (int32) or clamp8(r + DST_ZP, CMIN, CMAX, int8?).
 */
static void ref_act_elem(atoll_ref *m, const struct ref_act *d, int64_t i,
	int64_t so, int64_t dof, const int64_t *param)
{
	int64_t v, r;
	uint8_t *dst;

	v = ref_act_src(m, d, i, so);
	r = ref_rne(ref_sat32(v + param[0]) * param[1], (unsigned) param[2]);
	if (d->dst_type == 2) {
		dst = ref_spm_at(m, d->dst_part + i, d->dst_addr + 4 * dof);
		ref_store32(dst, (uint32_t) ref_sat32(r));
	} else {
		dst = ref_spm_at(m, d->dst_part + i, d->dst_addr + dof);
		*dst = ref_clamp8(r + d->dst_zp, d->cmin, d->cmax,
			d->dst_type == 1);
	}
}

/* The (bias, mult, shift) of partition "i": from the record at
 * SPM[DST_PART + i][PARAM_ADDR] with PP (int32 bias, then a word holding
 * the unsigned mult in bits [23:0] and shift in [29:24]; with NB only
 * that word, and bias 0), else (0, MULT, SHIFT).
 */
static void ref_act_params(atoll_ref *m, const struct ref_act *d, int64_t i,
	int64_t *param)
{
	const uint8_t *p;
	uint32_t u;

	if (!d->pp) {
		param[0] = 0;
		param[1] = d->mult;
		param[2] = d->shift;
		return;
	}
	p = ref_spm_at(m, d->dst_part + i, d->param_addr);
	param[0] = d->nb ? 0 : ref_to_i32(ref_load32(p));
	u = ref_load32(d->nb ? p : p + 4);
	param[1] = u & 0xffffffu;
	param[2] = (u >> 24) & 63;
}

/* ACT: for every partition, read its parameters once, then run the
 * (i1, i0) loop.
 */
static void ref_act_exec(atoll_ref *m, const uint32_t *w, uint64_t *cnt)
{
	struct ref_act d;
	int64_t param[3];
	uint64_t i, i1, i0, n;

	ref_act_decode(w, &d);
	for (i = 0; i < d.nparts; i++) {
		ref_act_params(m, &d, (int64_t) i, param);
		for (i1 = 0; i1 < d.n1; i1++)
			for (i0 = 0; i0 < d.n0; i0++)
				ref_act_elem(m, &d, (int64_t) i,
					(int64_t) i1 * d.ss1 +
					(int64_t) i0 * d.ss0,
					(int64_t) i1 * d.ds1 +
					(int64_t) i0 * d.ds0,
					param);
	}
	n = d.nparts * d.n0 * d.n1;
	if (d.src_type == 0)
		cnt[ATOLL_CNT_PSUM_RD] += 4 * n;
	else
		cnt[ATOLL_CNT_SPM_RD] += (uint64_t) ref_act_src_esize(&d) * n;
	cnt[ATOLL_CNT_SPM_WR] += (uint64_t) ref_act_dst_esize(&d) * n;
	cnt[ATOLL_CNT_SPM_RD] += ref_act_param_bytes(&d) * d.nparts;
}

static void ref_add_decode(const uint32_t *w, struct ref_add *d)
{
	d->nparts = GETU(w, ADD_NPARTS);
	d->n0 = GETU(w, ADD_N0);
	d->n1 = GETU(w, ADD_N1);
	d->a.part = (int64_t) GETU(w, ADD_A_PART);
	d->a.addr = (int64_t) GETU(w, ADD_A_ADDR);
	d->a.s0 = GETS(w, ADD_AS0);
	d->a.s1 = GETS(w, ADD_AS1);
	d->a.zp = GETS(w, ADD_A_ZP);
	d->a.sgn = (int) GETU(w, ADD_A_SIGNED);
	d->b.part = (int64_t) GETU(w, ADD_B_PART);
	d->b.addr = (int64_t) GETU(w, ADD_B_ADDR);
	d->b.s0 = GETS(w, ADD_BS0);
	d->b.s1 = GETS(w, ADD_BS1);
	d->b.zp = GETS(w, ADD_B_ZP);
	d->b.sgn = (int) GETU(w, ADD_B_SIGNED);
	d->d.part = (int64_t) GETU(w, ADD_DST_PART);
	d->d.addr = (int64_t) GETU(w, ADD_DST_ADDR);
	d->d.s0 = GETS(w, ADD_DS0);
	d->d.s1 = GETS(w, ADD_DS1);
	d->d.zp = GETS(w, ADD_DST_ZP);
	d->d.sgn = (int) GETU(w, ADD_DST_SIGNED);
	d->a_mult = GETS(w, ADD_A_MULT);
	d->b_mult = GETS(w, ADD_B_MULT);
	d->shift = (unsigned) GETU(w, ADD_SHIFT);
	d->cmin = GETS(w, ADD_CMIN);
	d->cmax = GETS(w, ADD_CMAX);
}

/* Is the byte operand "o" over NPARTS x N1 x N0 within the SPM? */
static int ref_opnd_in(const atoll_hwcfg *cfg, const struct ref_opnd *o,
	uint64_t nparts, uint64_t n0, uint64_t n1)
{
	return ref_parts_in(o->part, nparts, cfg->rows) &&
		ref_range_in(ref_range_2d(o->addr, n0, o->s0, n1, o->s1),
			cfg->spm_bytes);
}

/* The byte of operand "o" at partition "i", position (i1, i0). */
static uint8_t *ref_opnd_at(atoll_ref *m, const struct ref_opnd *o,
	int64_t i, int64_t i1, int64_t i0)
{
	return ref_spm_at(m, o->part + i, o->addr + i1 * o->s1 + i0 * o->s0);
}

/* The value val(byte) - zp of operand "o" at (i, i1, i0). */
static int64_t ref_opnd_val(atoll_ref *m, const struct ref_opnd *o,
	int64_t i, int64_t i1, int64_t i0)
{
	return ref_val(*ref_opnd_at(m, o, i, i1, i0), o->sgn) - o->zp;
}

/* ADD checks: sizes (BAD_FIELD); A, B, DST within the SPM (SPM_RANGE). */
static uint32_t ref_add_check(const atoll_hwcfg *cfg, const uint32_t *w)
{
	struct ref_add d;

	ref_add_decode(w, &d);
	if (d.nparts < 1 || d.n0 < 1 || d.n1 < 1)
		return ATOLL_ERR_BAD_FIELD;
	if (!ref_opnd_in(cfg, &d.a, d.nparts, d.n0, d.n1) ||
	    !ref_opnd_in(cfg, &d.b, d.nparts, d.n0, d.n1) ||
	    !ref_opnd_in(cfg, &d.d, d.nparts, d.n0, d.n1))
		return ATOLL_ERR_SPM_RANGE;
	return ATOLL_ERR_NONE;
}

/* ADD: dst = clamp8(rne(a*A_MULT + b*B_MULT, SHIFT) + DST_ZP, ...). */
static void ref_add_exec(atoll_ref *m, const uint32_t *w, uint64_t *cnt)
{
	struct ref_add d;
	uint64_t i, i1, i0, n;
	int64_t a, b, r;

	ref_add_decode(w, &d);
	for (i = 0; i < d.nparts; i++)
		for (i1 = 0; i1 < d.n1; i1++)
			for (i0 = 0; i0 < d.n0; i0++) {
				a = ref_opnd_val(m, &d.a, (int64_t) i,
					(int64_t) i1, (int64_t) i0);
				b = ref_opnd_val(m, &d.b, (int64_t) i,
					(int64_t) i1, (int64_t) i0);
				r = ref_rne(a * d.a_mult + b * d.b_mult,
					d.shift);
				*ref_opnd_at(m, &d.d, (int64_t) i, (int64_t) i1,
					(int64_t) i0) = ref_clamp8(r + d.d.zp,
					d.cmin, d.cmax, d.d.sgn);
			}
	n = d.nparts * d.n0 * d.n1;
	cnt[ATOLL_CNT_SPM_RD] += 2 * n;
	cnt[ATOLL_CNT_SPM_WR] += n;
}

static void ref_pool_decode(const uint32_t *w, struct ref_pool *d)
{
	d->avg = (int) GETU(w, POOL_AVG);
	d->count_pad = (int) GETU(w, POOL_COUNT_PAD);
	d->src_signed = (int) GETU(w, POOL_SRC_SIGNED);
	d->nparts = GETU(w, POOL_NPARTS);
	d->src_addr = (int64_t) GETU(w, POOL_SRC_ADDR);
	d->src_part = (int64_t) GETU(w, POOL_SRC_PART);
	d->n0 = GETU(w, POOL_N0);
	d->n1 = GETU(w, POOL_N1);
	d->d.part = (int64_t) GETU(w, POOL_DST_PART);
	d->d.addr = (int64_t) GETU(w, POOL_DST_ADDR);
	d->d.s0 = GETS(w, POOL_DS0);
	d->d.s1 = GETS(w, POOL_DS1);
	d->d.zp = GETS(w, POOL_DST_ZP);
	d->d.sgn = (int) GETU(w, POOL_DST_SIGNED);
	d->h = (int64_t) GETU(w, POOL_H);
	d->w = (int64_t) GETU(w, POOL_W);
	d->pitch = (int64_t) GETU(w, POOL_PITCH);
	d->y0 = GETS(w, POOL_Y0);
	d->x0 = GETS(w, POOL_X0);
	d->sy = GETS(w, POOL_SY);
	d->sx = GETS(w, POOL_SX);
	d->kh = GETU(w, POOL_KH);
	d->kw = GETU(w, POOL_KW);
	d->dy = (int64_t) GETU(w, POOL_DY);
	d->dx = (int64_t) GETU(w, POOL_DX);
	d->mult = GETS(w, POOL_MULT);
	d->shift = (unsigned) GETU(w, POOL_SHIFT);
	d->src_zp = GETS(w, POOL_SRC_ZP);
	d->cmin = GETS(w, POOL_CMIN);
	d->cmax = GETS(w, POOL_CMAX);
}

/* POOL checks: sizes, kernel and dilation (BAD_FIELD); source and
 * destination partitions, image box, destination bytes (SPM_RANGE).
 */
static uint32_t ref_pool_check(const atoll_hwcfg *cfg, const uint32_t *w)
{
	struct ref_pool d;

	ref_pool_decode(w, &d);
	if (d.nparts < 1 || d.n0 < 1 || d.n1 < 1 || d.h < 1 || d.w < 1 ||
	    d.kh < 1 || d.kw < 1 || d.dy < 1 || d.dx < 1)
		return ATOLL_ERR_BAD_FIELD;
	if (!ref_parts_in(d.src_part, d.nparts, cfg->rows) ||
	    !ref_parts_in(d.d.part, d.nparts, cfg->rows) ||
	    (uint64_t) (d.src_addr + (d.h - 1) * d.pitch + (d.w - 1)) >=
	    cfg->spm_bytes ||
	    !ref_range_in(ref_range_2d(d.d.addr, d.n0, d.d.s0, d.n1, d.d.s1),
	    cfg->spm_bytes))
		return ATOLL_ERR_SPM_RANGE;
	return ATOLL_ERR_NONE;
}

/* The pooled value r of output (i, i1, i0): max of the inside taps
 * (0 if none) scaled by rne(t*MULT, SHIFT), or the average
 * rne_div(s*MULT, n*2^SHIFT) with n = KH*KW (COUNT_PAD) or the number of
 * inside taps.  Adds the number of inside taps to "*inside".
 */
static int64_t ref_pool_value(atoll_ref *m, const struct ref_pool *d,
	int64_t i, int64_t i1, int64_t i0, uint64_t *inside)
{
	uint64_t ky, kx, n = 0;
	int64_t y, x, v, t = 0, s = 0;

	for (ky = 0; ky < d->kh; ky++)
		for (kx = 0; kx < d->kw; kx++) {
			y = d->y0 + i1 * d->sy + (int64_t) ky * d->dy;
			x = d->x0 + i0 * d->sx + (int64_t) kx * d->dx;
			if (y < 0 || y >= d->h || x < 0 || x >= d->w)
				continue;
			v = ref_val(*ref_spm_at(m, d->src_part + i,
				d->src_addr + y * d->pitch + x),
				d->src_signed) - d->src_zp;
			t = n == 0 || v > t ? v : t;
			s += v;
			n++;
		}
	*inside += n;
	if (!d->avg)
		return ref_rne(t * d->mult, d->shift);
	if (d->count_pad)
		n = d->kh * d->kw;
	if (n == 0)
		return 0;
	return ref_div_rne((ref_i128) s * d->mult,
		(ref_i128) n << d->shift);
}

/* POOL: one output per (i, i1, i0), stored clamp8(r + DST_ZP, ...). */
static void ref_pool_exec(atoll_ref *m, const uint32_t *w, uint64_t *cnt)
{
	struct ref_pool d;
	uint64_t i, i1, i0, inside = 0;
	int64_t r;

	ref_pool_decode(w, &d);
	for (i = 0; i < d.nparts; i++)
		for (i1 = 0; i1 < d.n1; i1++)
			for (i0 = 0; i0 < d.n0; i0++) {
				r = ref_pool_value(m, &d, (int64_t) i,
					(int64_t) i1, (int64_t) i0, &inside);
				*ref_opnd_at(m, &d.d, (int64_t) i, (int64_t) i1,
					(int64_t) i0) = ref_clamp8(r + d.d.zp,
					d.cmin, d.cmax, d.d.sgn);
			}
	cnt[ATOLL_CNT_SPM_RD] += inside;
	cnt[ATOLL_CNT_SPM_WR] += d.nparts * d.n0 * d.n1;
}

/* SEM checks: SEM < SEMAPHORES (SEM_RANGE); SIGNAL with VALUE == 0
 * (BAD_FIELD).
 */
static uint32_t ref_sem_check(const atoll_hwcfg *cfg, const uint32_t *w)
{
	if (GETU(w, SEM_SEM) >= cfg->semaphores)
		return ATOLL_ERR_SEM_RANGE;
	if (GETU(w, SEM_OPCODE) == ATOLL_OP_SIGNAL && GETU(w, SEM_VALUE) != 0)
		return ATOLL_ERR_BAD_FIELD;
	return ATOLL_ERR_NONE;
}

/* The format of opcode "op", or -1 for an illegal opcode. */
static int ref_op_format(uint32_t op)
{
	switch (op) {
	case ATOLL_OP_END:
		return ATOLL_OP_END_FMT;
	case ATOLL_OP_DMA_IN:
		return ATOLL_OP_DMA_IN_FMT;
	case ATOLL_OP_DMA_OUT:
		return ATOLL_OP_DMA_OUT_FMT;
	case ATOLL_OP_LDW:
		return ATOLL_OP_LDW_FMT;
	case ATOLL_OP_MM:
		return ATOLL_OP_MM_FMT;
	case ATOLL_OP_ACT:
		return ATOLL_OP_ACT_FMT;
	case ATOLL_OP_ADD:
		return ATOLL_OP_ADD_FMT;
	case ATOLL_OP_POOL:
		return ATOLL_OP_POOL_FMT;
	case ATOLL_OP_WAIT:
		return ATOLL_OP_WAIT_FMT;
	case ATOLL_OP_SIGNAL:
		return ATOLL_OP_SIGNAL_FMT;
	case ATOLL_OP_MOVE:
		return ATOLL_OP_MOVE_FMT;
	}
	return -1;
}

/* The engine that executes command "w" (valid opcode, not END). */
static unsigned ref_cmd_engine(const uint32_t *w)
{
	switch (GETU(w, END_OPCODE)) {
	case ATOLL_OP_DMA_IN:
		return ATOLL_OP_DMA_IN_ENGINE;
	case ATOLL_OP_DMA_OUT:
		return ATOLL_OP_DMA_OUT_ENGINE;
	case ATOLL_OP_LDW:
		return ATOLL_OP_LDW_ENGINE;
	case ATOLL_OP_MM:
		return ATOLL_OP_MM_ENGINE;
	case ATOLL_OP_ACT:
		return ATOLL_OP_ACT_ENGINE;
	case ATOLL_OP_ADD:
		return ATOLL_OP_ADD_ENGINE;
	case ATOLL_OP_POOL:
		return ATOLL_OP_POOL_ENGINE;
	case ATOLL_OP_MOVE:
		return ATOLL_OP_MOVE_ENGINE;
	}
	return (unsigned) GETU(w, SEM_ENGINE);
}

/* Decode "w": ILLEGAL_OP, RESERVED, then the static checks of its
 * opcode in documented order.  Returns the fault code or ATOLL_ERR_NONE.
 */
static uint32_t ref_decode(const struct ref_run *run, const uint32_t *w)
{
	const atoll_hwcfg *cfg = &run->m->cfg;
	uint32_t op = (uint32_t) GETU(w, END_OPCODE);
	int fmt = ref_op_format(op), k;

	if (fmt < 0)
		return ATOLL_ERR_ILLEGAL_OP;
	for (k = 0; k < ATOLL_CMD_WORDS; k++)
		if (w[k] & ~ref_used[fmt][k])
			return ATOLL_ERR_RESERVED;
	switch (op) {
	case ATOLL_OP_DMA_IN:
		return ref_dma_check(run, w, 1);
	case ATOLL_OP_DMA_OUT:
		return ref_dma_check(run, w, 0);
	case ATOLL_OP_LDW:
		return ref_ldw_check(cfg, w);
	case ATOLL_OP_MM:
		return ref_mm_check(cfg, w);
	case ATOLL_OP_ACT:
		return ref_act_check(cfg, w);
	case ATOLL_OP_ADD:
		return ref_add_check(cfg, w);
	case ATOLL_OP_POOL:
		return ref_pool_check(cfg, w);
	case ATOLL_OP_WAIT:
	case ATOLL_OP_SIGNAL:
		return ref_sem_check(cfg, w);
	case ATOLL_OP_MOVE:
		return ref_move_check(cfg, w);
	}
	return ATOLL_ERR_NONE;
}

/* Cycles of a vector command over "steps" element positions (times
 * taps for POOL), one lane per partition: steps + REF_VEC_EXTRA.
 */
static uint64_t ref_vec_cycles(uint64_t steps)
{
	return steps + REF_VEC_EXTRA;
}

/* Whether DMA "d" ("in": DMA_IN) moves chunks of up to a bus word
 * (docs/traffic.md): dimension 0 contiguous in DRAM and either in one
 * partition or across partitions at one address, a fill ignoring the
 * side it does not access.
 */
static int ref_dma_wide(const struct ref_dma *d, int in, uint64_t bus)
{
	return bus > 1 && ((d->fill && in) || d->dram_stride[0] == 1) &&
		((d->fill && !in) ||
		 (d->part_stride[0] == 0 && d->spm_stride[0] == 1) ||
		 (d->part_stride[0] == 1 && d->spm_stride[0] == 0));
}

/* The chunks of DMA "d": its elements, or, when chunked, per row of
 * dimension 0 starting at DRAM address "a", one up to the end of a's bus
 * word and then one per bus word (a DMA_IN fill: one per bus width).
 */
static uint64_t ref_dma_chunks(const struct ref_dma *d, int in,
	uint64_t bus)
{
	uint64_t i1, i2, i3, first, c0 = d->count[0], k = 0;
	int64_t a;

	if (!ref_dma_wide(d, in, bus))
		return ref_dma_elems(d);
	if (d->fill && in)
		return (d->count[1] * d->count[2] * d->count[3]) *
			((c0 + bus - 1) / bus);
	for (i3 = 0; i3 < d->count[3]; i3++)
	for (i2 = 0; i2 < d->count[2]; i2++)
	for (i1 = 0; i1 < d->count[1]; i1++) {
		a = d->dram + (int64_t) i1 * d->dram_stride[1] +
			(int64_t) i2 * d->dram_stride[2] +
			(int64_t) i3 * d->dram_stride[3];
		first = bus - ((uint64_t) a & (bus - 1));
		first = first < c0 ? first : c0;
		k += 1 + (c0 - first + bus - 1) / bus;
	}
	return k;
}

/* The number of i in (0, n) where address a + i starts a bus word. */
static uint64_t ref_word_starts(int64_t a, uint64_t n, uint64_t bus)
{
	return (((uint64_t) a & (bus - 1)) + n - 1) / bus;
}

/* The chunks of MOVE "d" (docs/traffic.md): its elements, or, when
 * dimension 0 is contiguous in one partition on both sides, per row one
 * plus one wherever the source or the destination address starts a bus
 * word (once where both do).
 */
static uint64_t ref_move_chunks(const struct ref_move *d, uint64_t bus)
{
	uint64_t i1, i2, i3, c0 = d->count[0], k = 0, ns;
	int64_t a[2];
	int j;

	if (bus <= 1 || d->pstride[0][0] != 0 || d->pstride[1][0] != 0 ||
	    d->stride[0][0] != 1 || d->stride[1][0] != 1)
		return c0 * d->count[1] * d->count[2] * d->count[3];
	for (i3 = 0; i3 < d->count[3]; i3++)
	for (i2 = 0; i2 < d->count[2]; i2++)
	for (i1 = 0; i1 < d->count[1]; i1++) {
		for (j = 0; j < 2; j++)
			a[j] = d->addr[j] + (int64_t) i1 * d->stride[j][1] +
				(int64_t) i2 * d->stride[j][2] +
				(int64_t) i3 * d->stride[j][3];
		ns = ref_word_starts(a[0], c0, bus);
		k += 1 + ns;
		if (((uint64_t) (a[0] - a[1]) & (bus - 1)) != 0)
			k += ref_word_starts(a[1], c0, bus);
	}
	return k;
}

/* The estimated duration of command "w" (docs/traffic.md). */
static uint64_t ref_cmd_cycles(const atoll_hwcfg *cfg, const uint32_t *w)
{
	struct ref_dma d;
	struct ref_move mv;
	uint64_t bus = cfg->dram_bus_bytes;

	switch (GETU(w, END_OPCODE)) {
	case ATOLL_OP_DMA_IN:
	case ATOLL_OP_DMA_OUT:
		ref_dma_decode(w, &d);
		return REF_DMA_SETUP + ref_dma_chunks(&d,
			GETU(w, END_OPCODE) == ATOLL_OP_DMA_IN, bus);
	case ATOLL_OP_LDW:
		return GETU(w, LDW_NROWS) + REF_LDW_EXTRA;
	case ATOLL_OP_MM:
		return GETU(w, MM_N0) * GETU(w, MM_N1) + cfg->rows + cfg->cols;
	case ATOLL_OP_ACT:
		return ref_vec_cycles(GETU(w, ACT_N0) * GETU(w, ACT_N1));
	case ATOLL_OP_ADD:
		return ref_vec_cycles(GETU(w, ADD_N0) * GETU(w, ADD_N1));
	case ATOLL_OP_POOL:
		return ref_vec_cycles(GETU(w, POOL_N0) * GETU(w, POOL_N1) *
			GETU(w, POOL_KH) * GETU(w, POOL_KW));
	case ATOLL_OP_MOVE:
		ref_move_decode(w, &mv);
		return REF_MOVE_SETUP + ref_move_chunks(&mv, bus);
	}
	return 1;
}

/* Record an increment of semaphore "s" at time "t", keeping the times
 * ascending.  Returns -1 when out of memory.
 */
static int ref_sem_signal(struct ref_sem *s, uint64_t t)
{
	uint64_t *grown;
	size_t k, cap;

	if (s->n == s->cap) {
		cap = s->cap ? 2 * s->cap : 16;
		grown = realloc(s->t, cap * sizeof(*grown));
		if (!grown)
			return -1;
		s->t = grown;
		s->cap = cap;
	}
	for (k = s->n; k > 0 && s->t[k - 1] > t; k--)
		s->t[k] = s->t[k - 1];
	s->t[k] = t;
	s->n++;
	s->value++;
	return 0;
}

/* The time semaphore "s" reached "value": the value-th earliest
 * increment (0 for value 0).
 */
static uint64_t ref_sem_reached(const struct ref_sem *s, uint64_t value)
{
	if (value == 0 || s->n == 0)
		return 0;
	return s->t[(value < s->n ? value : s->n) - 1];
}

/* Stop the run with fault "err" at command "index". */
static int ref_fault(struct ref_run *run, uint32_t err, uint32_t index)
{
	run->error = err;
	run->error_cmd = index;
	return -1;
}

/* Stop the run: the estimate passed the cycle budget. */
static int ref_timeout(struct ref_run *run)
{
	run->timed_out = 1;
	return -1;
}

static void ref_note_time(struct ref_run *run, uint64_t t)
{
	run->max_time = ref_max_u64(run->max_time, t);
}

/* Fetch and decode command run->next.  END finishes fetching; any other
 * command becomes the CP's pending command.
 */
static int ref_cp_fetch(struct ref_run *run)
{
	uint64_t addr, end;
	const uint8_t *b;
	struct ref_cmd *c = &run->cmd;
	uint32_t err;
	int k;

	if (run->next == run->cmd_count)
		return ref_fault(run, ATOLL_ERR_NO_END, run->next);
	addr = run->cmd_base + (uint64_t) ATOLL_CMD_BYTES * run->next;
	if (addr < run->win_lo || addr + ATOLL_CMD_BYTES > run->win_hi)
		return ref_fault(run, ATOLL_ERR_FETCH_WINDOW, run->next);
	end = ref_add_sat(run->cp_time, run->fetch_cost);
	if (run->budget && end > run->budget)
		return ref_timeout(run);
	run->cp_time = end;
	ref_note_time(run, end);
	run->cnt[ATOLL_CNT_CMD_FETCH] += ATOLL_CMD_BYTES;
	b = run->m->dram + addr;
	for (k = 0; k < ATOLL_CMD_WORDS; k++)
		c->w[k] = ref_load32(b + 4 * k);
	err = ref_decode(run, c->w);
	if (err)
		return ref_fault(run, err, run->next);
	c->index = run->next++;
	if (GETU(c->w, END_OPCODE) == ATOLL_OP_END) {
		run->cp_done = 1;
		return 0;
	}
	c->engine = ref_cmd_engine(c->w);
	run->pending = 1;
	return 0;
}

/* Put the pending command into its engine's queue if there is room.
 * It is dispatched when fetched and when the command queue_depth places
 * earlier in the same queue has completed.  Returns 1 if dispatched.
 */
static int ref_cp_dispatch(struct ref_run *run)
{
	struct ref_queue *q = &run->m->q[run->cmd.engine];
	uint32_t depth = run->m->cfg.queue_depth;
	struct ref_cmd *slot;

	if (q->len == depth)
		return 0;
	if (q->pushed >= depth)
		run->cp_time = ref_max_u64(run->cp_time,
			q->end[q->pushed % depth]);
	run->cmd.seq = q->pushed++;
	run->cmd.dispatch = run->cp_time;
	slot = &q->slot[(q->head + q->len) % depth];
	*slot = run->cmd;
	q->len++;
	run->pending = 0;
	ref_note_time(run, run->cp_time);
	return 1;
}

/* Let the CP fetch and dispatch until END, a fault, a timeout or a full
 * queue.  Returns -1 on fault or timeout.
 */
static int ref_cp_advance(struct ref_run *run)
{
	while (!run->cp_done) {
		if (!run->pending && ref_cp_fetch(run) < 0)
			return -1;
		if (run->pending && !ref_cp_dispatch(run))
			return 0;
	}
	return 0;
}

static struct ref_cmd *ref_head(atoll_ref *m, unsigned e)
{
	struct ref_queue *q = &m->q[e];

	return q->len ? &q->slot[q->head] : NULL;
}

/* Can the head of engine "e" run?  If so, set "*start" to its start time
 * and "*stall" to the time it waits on a semaphore before that.
 */
static int ref_head_ready(atoll_ref *m, unsigned e, uint64_t *start,
	uint64_t *stall)
{
	struct ref_queue *q = &m->q[e];
	struct ref_cmd *c = ref_head(m, e);
	struct ref_sem *s;
	uint64_t ready, reached = 0, value;

	if (!c)
		return 0;
	ready = ref_max_u64(q->free_at, c->dispatch);
	if (GETU(c->w, SEM_OPCODE) == ATOLL_OP_WAIT) {
		s = &m->sem[GETU(c->w, SEM_SEM)];
		value = GETU(c->w, SEM_VALUE);
		if (s->value < value)
			return 0;
		reached = ref_sem_reached(s, value);
	}
	*start = ref_max_u64(ready, reached);
	*stall = *start - ready;
	return 1;
}

/* The engine whose head can start earliest (lowest index on ties), or
 * -1 if no head can run.
 */
static int ref_pick_engine(atoll_ref *m, uint64_t *start, uint64_t *stall)
{
	uint64_t t, st;
	unsigned e;
	int best = -1;

	for (e = 0; e < REF_ENGINES; e++) {
		if (!ref_head_ready(m, e, &t, &st))
			continue;
		if (best >= 0 && t >= *start)
			continue;
		best = (int) e;
		*start = t;
		*stall = st;
	}
	return best;
}

/* Execute command "c" atomically; "end" is its end time. */
static int ref_execute(struct ref_run *run, const struct ref_cmd *c,
	uint64_t end)
{
	atoll_ref *m = run->m;
	uint64_t *cnt = run->cnt;

	switch (GETU(c->w, END_OPCODE)) {
	case ATOLL_OP_DMA_IN:
		ref_dma_exec(m, c->w, 1, cnt);
		break;
	case ATOLL_OP_DMA_OUT:
		ref_dma_exec(m, c->w, 0, cnt);
		break;
	case ATOLL_OP_LDW:
		ref_ldw_exec(m, c->w, cnt);
		break;
	case ATOLL_OP_MM:
		ref_mm_exec(m, c->w, cnt);
		break;
	case ATOLL_OP_ACT:
		ref_act_exec(m, c->w, cnt);
		break;
	case ATOLL_OP_ADD:
		ref_add_exec(m, c->w, cnt);
		break;
	case ATOLL_OP_POOL:
		ref_pool_exec(m, c->w, cnt);
		break;
	case ATOLL_OP_MOVE:
		ref_move_exec(m, c->w, cnt);
		break;
	case ATOLL_OP_SIGNAL:
		return ref_sem_signal(&m->sem[GETU(c->w, SEM_SEM)], end);
	}
	return 0;
}

/* Run the head of engine "e" from "start", after "stall" cycles waiting
 * on a semaphore; pop it and record its end time.
 */
static int ref_engine_step(struct ref_run *run, unsigned e, uint64_t start,
	uint64_t stall)
{
	struct ref_queue *q = &run->m->q[e];
	struct ref_cmd *c = ref_head(run->m, e);
	uint64_t dur, end;

	dur = ref_cmd_cycles(&run->m->cfg, c->w);
	end = ref_add_sat(start, dur);
	if (run->budget && end > run->budget)
		return ref_timeout(run);
	if (ref_execute(run, c, end) < 0) {
		run->failed = 1;
		return -1;
	}
	q->busy += dur;
	q->stall += stall;
	q->free_at = end;
	q->end[c->seq % run->m->cfg.queue_depth] = end;
	q->head = (q->head + 1) % run->m->cfg.queue_depth;
	q->len--;
	ref_note_time(run, end);
	return 0;
}

/* Fault DEADLOCK at the earliest blocked WAIT at the head of a queue. */
static int ref_deadlock(struct ref_run *run)
{
	struct ref_cmd *c;
	uint32_t index = UINT32_MAX;
	unsigned e;

	for (e = 0; e < REF_ENGINES; e++) {
		c = ref_head(run->m, e);
		if (c && c->index < index)
			index = c->index;
	}
	if (index == UINT32_MAX)
		index = run->next;
	return ref_fault(run, ATOLL_ERR_DEADLOCK, index);
}

static int ref_queues_empty(const atoll_ref *m)
{
	unsigned e;

	for (e = 0; e < REF_ENGINES; e++)
		if (m->q[e].len)
			return 0;
	return 1;
}

/* Reset engines, queues and semaphores and set up "run" from "p". */
static void ref_run_init(struct ref_run *run, atoll_ref *m,
	const atoll_run_params *p, uint64_t *cnt)
{
	uint32_t bus = m->cfg.dram_bus_bytes;
	unsigned e;
	uint32_t s;

	memset(run, 0, sizeof(*run));
	run->m = m;
	run->cmd_base = p->cmd_base;
	run->cmd_count = p->cmd_count;
	run->win_lo = p->win_lo;
	run->win_hi = p->win_hi < m->cfg.dram_bytes ? p->win_hi :
		m->cfg.dram_bytes;
	run->budget = p->cycle_budget;
	run->fetch_cost = 1 + (ATOLL_CMD_BYTES + bus - 1) / bus;
	run->cnt = cnt;
	for (e = 0; e < REF_ENGINES; e++) {
		m->q[e].head = 0;
		m->q[e].len = 0;
		m->q[e].pushed = 0;
		m->q[e].free_at = 0;
		m->q[e].busy = 0;
		m->q[e].stall = 0;
	}
	for (s = 0; s < m->cfg.semaphores; s++) {
		m->sem[s].value = 0;
		m->sem[s].n = 0;
	}
}

/* Copy the timing estimate into the counters. */
static void ref_run_finish(const struct ref_run *run, uint64_t *cnt)
{
	const atoll_ref *m = run->m;

	cnt[ATOLL_CNT_CYCLES] = run->timed_out ? run->budget : run->max_time;
	cnt[ATOLL_CNT_BUSY_DMAIN] = m->q[REF_DMA_IN].busy;
	cnt[ATOLL_CNT_BUSY_DMAOUT] = m->q[REF_DMA_OUT].busy;
	cnt[ATOLL_CNT_BUSY_PE] = m->q[REF_PE].busy;
	cnt[ATOLL_CNT_BUSY_ACT] = m->q[REF_ACT].busy;
	cnt[ATOLL_CNT_STALL_DMAIN] = m->q[REF_DMA_IN].stall;
	cnt[ATOLL_CNT_STALL_DMAOUT] = m->q[REF_DMA_OUT].stall;
	cnt[ATOLL_CNT_STALL_PE] = m->q[REF_PE].stall;
	cnt[ATOLL_CNT_STALL_ACT] = m->q[REF_ACT].stall;
}

/* The scheduling loop: dispatch as far as possible, then execute the
 * head that can start earliest; done when END was fetched and every
 * queue drained; DEADLOCK when nothing can progress before that.
 */
static int ref_run_loop(struct ref_run *run)
{
	uint64_t start = 0, stall = 0;
	int e;

	for (;;) {
		if (ref_cp_advance(run) < 0)
			return -1;
		if (run->cp_done && ref_queues_empty(run->m))
			return 0;
		e = ref_pick_engine(run->m, &start, &stall);
		if (e < 0)
			return ref_deadlock(run);
		if (ref_engine_step(run, (unsigned) e, start, stall) < 0)
			return -1;
	}
}

int atoll_ref_run(atoll_ref *m, const atoll_run_params *p,
	atoll_run_status *st)
{
	struct ref_run run;
	int r;

	memset(st, 0, sizeof(*st));
	ref_run_init(&run, m, p, st->counters);
	r = ref_run_loop(&run);
	ref_run_finish(&run, st->counters);
	st->error = run.error;
	st->error_cmd = run.error_cmd;
	st->timed_out = run.timed_out;
	return r;
}

/* Does "cfg" describe a machine this model can hold? */
static int ref_cfg_ok(const atoll_hwcfg *cfg)
{
	return cfg->rows >= 1 && cfg->rows <= REF_MAX_LANES &&
		cfg->cols >= 1 && cfg->cols <= REF_MAX_LANES &&
		cfg->spm_bytes >= 1 && cfg->psum_depth >= 1 &&
		cfg->dram_bus_bytes >= 1 && cfg->queue_depth >= 1 &&
		cfg->semaphores >= 1 && cfg->dram_bytes >= 1;
}

void atoll_ref_free(atoll_ref *m)
{
	unsigned e;
	uint32_t s;

	if (!m)
		return;
	for (e = 0; e < REF_ENGINES; e++) {
		free(m->q[e].slot);
		free(m->q[e].end);
	}
	if (m->sem)
		for (s = 0; s < m->cfg.semaphores; s++)
			free(m->sem[s].t);
	free(m->sem);
	free(m->wt);
	free(m->psum);
	free(m->spm);
	free(m->dram);
	free(m);
}

atoll_ref *atoll_ref_create(const atoll_hwcfg *cfg)
{
	atoll_ref *m;
	unsigned e;
	int ok;

	if (!cfg || !ref_cfg_ok(cfg))
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->cfg = *cfg;
	m->dram = calloc(cfg->dram_bytes, 1);
	m->spm = calloc((size_t) cfg->rows * cfg->spm_bytes, 1);
	m->psum = calloc((size_t) cfg->cols * cfg->psum_depth,
		sizeof(*m->psum));
	m->wt = calloc((size_t) cfg->rows * cfg->cols, sizeof(*m->wt));
	m->sem = calloc(cfg->semaphores, sizeof(*m->sem));
	ok = m->dram && m->spm && m->psum && m->wt && m->sem;
	for (e = 0; e < REF_ENGINES; e++) {
		m->q[e].slot = calloc(cfg->queue_depth, sizeof(*m->q[e].slot));
		m->q[e].end = calloc(cfg->queue_depth, sizeof(*m->q[e].end));
		ok = ok && m->q[e].slot && m->q[e].end;
	}
	if (!ok)
		goto error;
	return m;
error:
	atoll_ref_free(m);
	return NULL;
}

uint8_t *atoll_ref_dram(atoll_ref *m)
{
	return m->dram;
}

uint8_t *atoll_ref_spm(atoll_ref *m)
{
	return m->spm;
}

int32_t *atoll_ref_psum(atoll_ref *m)
{
	return m->psum;
}
