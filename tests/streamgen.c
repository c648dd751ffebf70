/* Generator of command streams that are valid by construction
 * (tests/streamgen.h), for differential co-simulation.
 *
 * The generator keeps a model of the memories: for every byte of an SPM
 * window, every entry of a PSUM window and every byte of the DRAM output
 * region, whether the stream has written it and which command of which
 * engine wrote and read it last (commands are numbered per engine, from 1).
 * A candidate command is built from random fields; its accesses are then
 * enumerated from its encoded words (sg_visit) and it is rejected if it
 * reads a location not yet written, leaves the windows, or reads a
 * location that another of its own elements writes.  Otherwise every
 * conflicting access by another engine is ordered before it: the other
 * engine SIGNALs (unless it already did after that access) and this
 * engine WAITs.  Vector clocks carried by the SIGNALs record what each
 * engine already knows, so transitive order is not waited for twice.
 * Every WAIT waits for a SIGNAL placed earlier in the stream, so in-order
 * dispatch cannot deadlock, whatever the queue depth.
 *
 * Semaphore s is only ever signalled by engine s % 4.
 */
#include <stdlib.h>
#include <string.h>

#include "atoll_isa.h"
#include "isa.h"
#include "streamgen.h"

#define SG_ENGINES 4
#define SG_CP 4
#define SG_BOXES 64
#define SG_TRIES 24
#define SG_SYNC_MAX 7
#define SG_IMAGE_MAX (256 << 10)
#define SG_BOX_AREA_MAX 65536
#define SG_S8_MAX 127
#define SG_S16_MAX 32767
#define SG_S24_MAX 8388607
#define SG_S32_MAX 2147483647

#define SET(w, F, v) ATOLL_SET(w, ATOLL_##F, v)
#define GETU(w, F) ((int64_t) ATOLL_GETU(w, ATOLL_##F))
#define GETS(w, F) ((int64_t) ATOLL_GETS(w, ATOLL_##F))

enum sg_space {
	SG_SPM = ATOLL_SPACE_SPM,
	SG_PSUM = ATOLL_SPACE_PSUM,
	SG_DRAM = ATOLL_SPACE_DRAM
};
enum sg_phase { SG_WRITES, SG_READS, SG_COMMIT };

/* The history of one location. */
struct sg_loc {
	int32_t w;			/* command of the last write, 0: none */
	int32_t r[SG_ENGINES];		/* latest command of each engine that
					 * read it, 0: none */
	int32_t stamp;			/* candidate command writing it */
	int32_t elem;			/* the candidate's element writing it */
	uint8_t weng;			/* engine of the last write */
	uint8_t def;			/* written by the stream */
};

/* Locations known to be written: partitions p0 .. p0+np-1, addresses
 * a0 .. a0+na-1.
 */
struct sg_box {
	int64_t p0, np, a0, na;
};

struct sg_boxes {
	struct sg_box v[SG_BOXES];
	uint32_t n, next;
};

/* The bounding box of the writes of one command to one space. */
struct sg_bbox {
	int any;
	int64_t p0, p1, a0, a1;
};

/* A SIGNAL: its semaphore, the value it raises that semaphore to and
 * what its engine knows to have completed when it is raised.
 */
struct sg_sig {
	uint32_t sem;
	uint32_t value;
	int32_t vc[SG_ENGINES];
};

/* An affine pattern base + sum_d i_d * s[d], i_d < c[d]. */
struct sg_pat {
	int64_t c[4];
	int64_t s[4];
	int64_t base;
};

/* The PSUM side of an MM, kept by the taps of one convolution. */
struct sg_mm_psum {
	int64_t addr, ps0, ps1, n0, n1, ncols;
};

struct sg_gen {
	const atoll_hwcfg *cfg;
	atoll_stream_cov *cov;
	uint64_t rng;
	uint64_t seed;
	int64_t rows, cols;
	int64_t spm_lo, spm_n;
	int64_t psum_lo, psum_n;
	int64_t data_lo, data_hi, out_lo, out_hi;
	int64_t cmd_base;
	struct sg_loc *spm, *psum, *dram;
	uint32_t *cmds;
	uint32_t ncmds, max_cmds;
	int32_t seq[SG_ENGINES];
	int32_t vc[SG_ENGINES][SG_ENGINES];
	struct sg_sig *sig[SG_ENGINES];
	uint32_t nsig[SG_ENGINES];
	uint32_t nsem;
	uint32_t *semval;
	uint32_t *semwaits;
	struct sg_boxes spm_boxes, psum_boxes;
	struct sg_mm_psum mm_last;
	int w_loaded;
	int run_engine;
	uint32_t run_len;
	enum sg_phase phase;
	int engine;
	int32_t cur_seq;
	int32_t stamp;
	int32_t need[SG_ENGINES];
	int bad, dup, reread, mvread;
	struct sg_bbox bb[2];
	atoll_access_fn fn;
	void *fn_ctx;
};

static uint64_t sg_next(struct sg_gen *g)
{
	uint64_t z = (g->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A uniform integer in [0, n), 0 when n <= 1. */
static int64_t sg_below(struct sg_gen *g, int64_t n)
{
	if (n <= 1)
		return 0;
	return (int64_t) (sg_next(g) % (uint64_t) n);
}

/* A uniform integer in [lo, hi] (lo when hi < lo). */
static int64_t sg_range(struct sg_gen *g, int64_t lo, int64_t hi)
{
	return lo + sg_below(g, hi - lo + 1);
}

static int sg_chance(struct sg_gen *g, int num, int den)
{
	return sg_below(g, den) < num;
}

/* A uniform int32 value, as int64_t. */
static int64_t sg_s32(struct sg_gen *g)
{
	return (int64_t) (sg_next(g) & 0xffffffffu) - ((int64_t) 1 << 31);
}

static int64_t sg_min(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static int64_t sg_max(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* A random permutation of 0 .. n-1 into "v". */
static void sg_perm(struct sg_gen *g, int *v, int n)
{
	int k, j, t;

	for (k = 0; k < n; k++)
		v[k] = k;
	for (k = n - 1; k > 0; k--) {
		j = (int) sg_below(g, k + 1);
		t = v[k];
		v[k] = v[j];
		v[j] = t;
	}
}

/* The engine of command "w", SG_CP for END. */
static int sg_engine(const uint32_t *w)
{
	switch (GETU(w, END_OPCODE)) {
	case ATOLL_OP_DMA_IN:
		return 0;
	case ATOLL_OP_DMA_OUT:
	case ATOLL_OP_MOVE:
		return 1;
	case ATOLL_OP_LDW:
	case ATOLL_OP_MM:
		return 2;
	case ATOLL_OP_ACT:
	case ATOLL_OP_ADD:
	case ATOLL_OP_POOL:
		return 3;
	case ATOLL_OP_WAIT:
	case ATOLL_OP_SIGNAL:
		return (int) GETU(w, SEM_ENGINE);
	}
	return SG_CP;
}

/* The tracked location "addr" of partition "part" of space "sp", or NULL.
 * Sets g->bad unless the location is inside the windows (or an untracked
 * read of the DRAM data region, which nothing writes).
 */
static struct sg_loc *sg_loc_at(struct sg_gen *g, enum sg_space sp,
	int64_t part, int64_t addr, int write)
{
	if (sp == SG_SPM && part >= 0 && part < g->rows &&
	    addr >= g->spm_lo && addr < g->spm_lo + g->spm_n)
		return &g->spm[part * g->spm_n + addr - g->spm_lo];
	if (sp == SG_PSUM && part >= 0 && part < g->cols &&
	    addr >= g->psum_lo && addr < g->psum_lo + g->psum_n)
		return &g->psum[part * g->psum_n + addr - g->psum_lo];
	if (sp == SG_DRAM && addr >= g->out_lo && addr < g->out_hi)
		return &g->dram[addr - g->out_lo];
	if (!(sp == SG_DRAM && !write && addr >= g->data_lo &&
	    addr < g->data_hi))
		g->bad = 1;
	return NULL;
}

/* The candidate must come after command "seq" of engine "e". */
static void sg_need(struct sg_gen *g, int e, int32_t seq)
{
	if (e != g->engine && seq > g->need[e])
		g->need[e] = seq;
}

/* Phase SG_WRITES: mark location "l" as written by element "elem" of the
 * candidate, which must follow the last write and every read of it.
 */
static void sg_stamp_write(struct sg_gen *g, struct sg_loc *l, int64_t elem)
{
	int f;

	if (l->stamp == g->stamp)
		g->dup = 1;
	l->stamp = g->stamp;
	l->elem = (int32_t) elem;
	if (l->w)
		sg_need(g, l->weng, l->w);
	for (f = 0; f < SG_ENGINES; f++)
		sg_need(g, f, l->r[f]);
}

/* Phase SG_READS: location "l" must hold data, must not be written by
 * another element of the candidate (elem < 0: by none), and its last
 * write must come first.
 */
static void sg_check_read(struct sg_gen *g, enum sg_space sp,
	struct sg_loc *l, int64_t elem)
{
	if (sp != SG_DRAM && !l->def)
		g->bad = 1;
	if (l->stamp == g->stamp && (elem < 0 || l->elem != elem))
		g->bad = 1;
	if (sp == SG_DRAM && l->def)
		g->reread = 1;
	if (sp == SG_SPM && l->w && l->weng == 1)
		g->mvread = 1;
	if (l->w)
		sg_need(g, l->weng, l->w);
}

static void sg_bbox_add(struct sg_bbox *b, int64_t part, int64_t addr)
{
	if (!b->any) {
		b->any = 1;
		b->p0 = b->p1 = part;
		b->a0 = b->a1 = addr;
		return;
	}
	b->p0 = sg_min(b->p0, part);
	b->p1 = sg_max(b->p1, part);
	b->a0 = sg_min(b->a0, addr);
	b->a1 = sg_max(b->a1, addr);
}

/* Phase SG_COMMIT: record the access of command g->cur_seq. */
static void sg_commit(struct sg_gen *g, enum sg_space sp, int64_t part,
	int64_t addr, struct sg_loc *l, int write)
{
	if (!write) {
		if (l->r[g->engine] < g->cur_seq)
			l->r[g->engine] = g->cur_seq;
		return;
	}
	l->w = g->cur_seq;
	l->weng = (uint8_t) g->engine;
	l->def = 1;
	if (sp != SG_DRAM)
		sg_bbox_add(&g->bb[sp], part, addr);
}

/* One access of element "elem" of the command being visited. */
static void sg_touch(struct sg_gen *g, enum sg_space sp, int64_t part,
	int64_t addr, int write, int64_t elem)
{
	struct sg_loc *l;

	if (g->fn) {
		g->fn(g->fn_ctx, (enum atoll_space) sp, part, addr, write);
		return;
	}
	if ((g->phase == SG_WRITES && !write) ||
	    (g->phase == SG_READS && write))
		return;
	l = sg_loc_at(g, sp, part, addr, write);
	if (!l)
		return;
	if (g->phase == SG_WRITES)
		sg_stamp_write(g, l, elem);
	else if (g->phase == SG_READS)
		sg_check_read(g, sp, l, elem);
	else
		sg_commit(g, sp, part, addr, l, write);
}

/* "n" consecutive bytes from "addr". */
static void sg_touch_bytes(struct sg_gen *g, int64_t part, int64_t addr,
	int64_t n, int write, int64_t elem)
{
	int64_t k;

	for (k = 0; k < n; k++)
		sg_touch(g, SG_SPM, part, addr + k, write, elem);
}

/* Count, DRAM, SPM and partition stride of DMA dimension "d". */
static void sg_dma_dim(const uint32_t *w, int d, int64_t *v)
{
	switch (d) {
	case 0:
		v[0] = GETU(w, DMA_COUNT0);
		v[1] = GETS(w, DMA_DRAM_STRIDE0);
		v[2] = GETS(w, DMA_SPM_STRIDE0);
		v[3] = GETS(w, DMA_PART_STRIDE0);
		break;
	case 1:
		v[0] = GETU(w, DMA_COUNT1);
		v[1] = GETS(w, DMA_DRAM_STRIDE1);
		v[2] = GETS(w, DMA_SPM_STRIDE1);
		v[3] = GETS(w, DMA_PART_STRIDE1);
		break;
	case 2:
		v[0] = GETU(w, DMA_COUNT2);
		v[1] = GETS(w, DMA_DRAM_STRIDE2);
		v[2] = GETS(w, DMA_SPM_STRIDE2);
		v[3] = GETS(w, DMA_PART_STRIDE2);
		break;
	default:
		v[0] = GETU(w, DMA_COUNT3);
		v[1] = GETS(w, DMA_DRAM_STRIDE3);
		v[2] = GETS(w, DMA_SPM_STRIDE3);
		v[3] = GETS(w, DMA_PART_STRIDE3);
		break;
	}
}

static void sg_dma_set_dim(uint32_t *w, int d, int64_t c, int64_t ds,
	int64_t ss, int64_t ps)
{
	switch (d) {
	case 0:
		SET(w, DMA_COUNT0, c);
		SET(w, DMA_DRAM_STRIDE0, ds);
		SET(w, DMA_SPM_STRIDE0, ss);
		SET(w, DMA_PART_STRIDE0, ps);
		break;
	case 1:
		SET(w, DMA_COUNT1, c);
		SET(w, DMA_DRAM_STRIDE1, ds);
		SET(w, DMA_SPM_STRIDE1, ss);
		SET(w, DMA_PART_STRIDE1, ps);
		break;
	case 2:
		SET(w, DMA_COUNT2, c);
		SET(w, DMA_DRAM_STRIDE2, ds);
		SET(w, DMA_SPM_STRIDE2, ss);
		SET(w, DMA_PART_STRIDE2, ps);
		break;
	default:
		SET(w, DMA_COUNT3, c);
		SET(w, DMA_DRAM_STRIDE3, ds);
		SET(w, DMA_SPM_STRIDE3, ss);
		SET(w, DMA_PART_STRIDE3, ps);
		break;
	}
}

/* DMA_IN / DMA_OUT: element e = i0 + c0 * (i1 + c1 * (i2 + c2 * i3)). */
static void sg_visit_dma(struct sg_gen *g, const uint32_t *w)
{
	int64_t v[4][4], n, e, i, rest, dram, part, addr;
	int in = GETU(w, DMA_OPCODE) == ATOLL_OP_DMA_IN;
	int fill = (int) GETU(w, DMA_FILL_EN);
	int d;

	for (d = 0; d < 4; d++)
		sg_dma_dim(w, d, v[d]);
	n = v[0][0] * v[1][0] * v[2][0] * v[3][0];
	for (e = 0; e < n; e++) {
		dram = GETU(w, DMA_DRAM_BASE);
		addr = GETU(w, DMA_SPM_ADDR);
		part = GETU(w, DMA_SPM_PART);
		rest = e;
		for (d = 0; d < 4; d++) {
			i = rest % v[d][0];
			rest /= v[d][0];
			dram += i * v[d][1];
			addr += i * v[d][2];
			part += i * v[d][3];
		}
		if (!fill)
			sg_touch(g, in ? SG_DRAM : SG_SPM, in ? 0 : part,
				in ? dram : addr, 0, e);
		sg_touch(g, in ? SG_SPM : SG_DRAM, in ? part : 0,
			in ? addr : dram, 1, e);
	}
}

/* Count, source partition and address strides, destination partition
 * and address strides of MOVE dimension "d".
 */
static void sg_move_dim(const uint32_t *w, int d, int64_t *v)
{
	switch (d) {
	case 0:
		v[0] = GETU(w, MOVE_COUNT0);
		v[1] = GETS(w, MOVE_SRC_PSTRIDE0);
		v[2] = GETS(w, MOVE_SRC_STRIDE0);
		v[3] = GETS(w, MOVE_DST_PSTRIDE0);
		v[4] = GETS(w, MOVE_DST_STRIDE0);
		break;
	case 1:
		v[0] = GETU(w, MOVE_COUNT1);
		v[1] = GETS(w, MOVE_SRC_PSTRIDE1);
		v[2] = GETS(w, MOVE_SRC_STRIDE1);
		v[3] = GETS(w, MOVE_DST_PSTRIDE1);
		v[4] = GETS(w, MOVE_DST_STRIDE1);
		break;
	case 2:
		v[0] = GETU(w, MOVE_COUNT2);
		v[1] = GETS(w, MOVE_SRC_PSTRIDE2);
		v[2] = GETS(w, MOVE_SRC_STRIDE2);
		v[3] = GETS(w, MOVE_DST_PSTRIDE2);
		v[4] = GETS(w, MOVE_DST_STRIDE2);
		break;
	default:
		v[0] = GETU(w, MOVE_COUNT3);
		v[1] = GETS(w, MOVE_SRC_PSTRIDE3);
		v[2] = GETS(w, MOVE_SRC_STRIDE3);
		v[3] = GETS(w, MOVE_DST_PSTRIDE3);
		v[4] = GETS(w, MOVE_DST_STRIDE3);
		break;
	}
}

static void sg_move_set_dim(uint32_t *w, int d, int64_t c, int64_t sps,
	int64_t ss, int64_t dps, int64_t ds)
{
	switch (d) {
	case 0:
		SET(w, MOVE_COUNT0, c);
		SET(w, MOVE_SRC_PSTRIDE0, sps);
		SET(w, MOVE_SRC_STRIDE0, ss);
		SET(w, MOVE_DST_PSTRIDE0, dps);
		SET(w, MOVE_DST_STRIDE0, ds);
		break;
	case 1:
		SET(w, MOVE_COUNT1, c);
		SET(w, MOVE_SRC_PSTRIDE1, sps);
		SET(w, MOVE_SRC_STRIDE1, ss);
		SET(w, MOVE_DST_PSTRIDE1, dps);
		SET(w, MOVE_DST_STRIDE1, ds);
		break;
	case 2:
		SET(w, MOVE_COUNT2, c);
		SET(w, MOVE_SRC_PSTRIDE2, sps);
		SET(w, MOVE_SRC_STRIDE2, ss);
		SET(w, MOVE_DST_PSTRIDE2, dps);
		SET(w, MOVE_DST_STRIDE2, ds);
		break;
	default:
		SET(w, MOVE_COUNT3, c);
		SET(w, MOVE_SRC_PSTRIDE3, sps);
		SET(w, MOVE_SRC_STRIDE3, ss);
		SET(w, MOVE_DST_PSTRIDE3, dps);
		SET(w, MOVE_DST_STRIDE3, ds);
		break;
	}
}

/* MOVE: element e = i0 + c0 * (i1 + c1 * (i2 + c2 * i3)) reads its
 * source byte and writes its destination byte.
 */
static void sg_visit_move(struct sg_gen *g, const uint32_t *w)
{
	int64_t v[4][5], n, e, i, rest, sp, sa, dp, da;
	int d;

	for (d = 0; d < 4; d++)
		sg_move_dim(w, d, v[d]);
	n = v[0][0] * v[1][0] * v[2][0] * v[3][0];
	for (e = 0; e < n; e++) {
		sp = GETU(w, MOVE_SRC_PART);
		sa = GETU(w, MOVE_SRC_ADDR);
		dp = GETU(w, MOVE_DST_PART);
		da = GETU(w, MOVE_DST_ADDR);
		rest = e;
		for (d = 0; d < 4; d++) {
			i = rest % v[d][0];
			rest /= v[d][0];
			sp += i * v[d][1];
			sa += i * v[d][2];
			dp += i * v[d][3];
			da += i * v[d][4];
		}
		sg_touch(g, SG_SPM, sp, sa, 0, e);
		sg_touch(g, SG_SPM, dp, da, 1, e);
	}
}

static void sg_visit_ldw(struct sg_gen *g, const uint32_t *w)
{
	int64_t r, nrows = GETU(w, LDW_NROWS), ncols = GETU(w, LDW_NCOLS);

	for (r = 0; r < nrows; r++)
		sg_touch_bytes(g, GETU(w, LDW_W_PART) + r, GETU(w, LDW_W_ADDR),
			ncols, 0, -1);
	sg_touch_bytes(g, GETU(w, LDW_ZP_PART), GETU(w, LDW_ZP_ADDR), ncols,
		0, -1);
}

/* Is position (y, x) inside an h x w image? */
static int sg_inside(int64_t y, int64_t x, int64_t h, int64_t w)
{
	return y >= 0 && y < h && x >= 0 && x < w;
}

static void sg_visit_mm(struct sg_gen *g, const uint32_t *w)
{
	int64_t i1, i0, r, c, y, x, pa, e;
	int64_t n0 = GETU(w, MM_N0), n1 = GETU(w, MM_N1);
	int acc = (int) GETU(w, MM_ACC);

	for (i1 = 0; i1 < n1; i1++)
		for (i0 = 0; i0 < n0; i0++) {
			e = i1 * n0 + i0;
			y = GETS(w, MM_Y0) + i1 * GETS(w, MM_SY);
			x = GETS(w, MM_X0) + i0 * GETS(w, MM_SX);
			pa = GETU(w, MM_PSUM_ADDR) + i1 * GETS(w, MM_PS1) +
				i0 * GETS(w, MM_PS0);
			for (r = 0; r < GETU(w, MM_NROWS) &&
			    sg_inside(y, x, GETU(w, MM_H), GETU(w, MM_W)); r++)
				sg_touch(g, SG_SPM, GETU(w, MM_X_PART) + r,
					GETU(w, MM_X_ADDR) +
					y * GETU(w, MM_PITCH) + x, 0, e);
			for (c = 0; c < GETU(w, MM_NCOLS); c++) {
				if (acc)
					sg_touch(g, SG_PSUM, c, pa, 0, e);
				sg_touch(g, SG_PSUM, c, pa, 1, e);
			}
		}
}

/* One ACT element "e" of partition "i" at offsets "so", "dof". */
static void sg_visit_act_elem(struct sg_gen *g, const uint32_t *w,
	int64_t i, int64_t so, int64_t dof, int64_t e)
{
	int64_t st = GETU(w, ACT_SRC_TYPE), dsz = GETU(w, ACT_DST_TYPE) == 2 ?
		4 : 1;
	int64_t sp = GETU(w, ACT_SRC_PART) + i, sa = GETU(w, ACT_SRC_ADDR);

	if (st == 0)
		sg_touch(g, SG_PSUM, sp, sa + so, 0, e);
	else if (st == 1)
		sg_touch_bytes(g, sp, sa + 4 * so, 4, 0, e);
	else
		sg_touch(g, SG_SPM, sp, sa + so, 0, e);
	sg_touch_bytes(g, GETU(w, ACT_DST_PART) + i,
		GETU(w, ACT_DST_ADDR) + dsz * dof, dsz, 1, e);
}

static void sg_visit_act(struct sg_gen *g, const uint32_t *w)
{
	int64_t i, i1, i0;
	int64_t n0 = GETU(w, ACT_N0), n1 = GETU(w, ACT_N1);

	for (i = 0; i < GETU(w, ACT_NPARTS); i++) {
		if (GETU(w, ACT_PP))
			sg_touch_bytes(g, GETU(w, ACT_DST_PART) + i,
				GETU(w, ACT_PARAM_ADDR),
				atoll_act_param_bytes(w), 0, -1);
		for (i1 = 0; i1 < n1; i1++)
			for (i0 = 0; i0 < n0; i0++)
				sg_visit_act_elem(g, w, i,
					i1 * GETS(w, ACT_SS1) +
					i0 * GETS(w, ACT_SS0),
					i1 * GETS(w, ACT_DS1) +
					i0 * GETS(w, ACT_DS0),
					(i * n1 + i1) * n0 + i0);
	}
}

static void sg_visit_add(struct sg_gen *g, const uint32_t *w)
{
	int64_t i, i1, i0, e;
	int64_t n0 = GETU(w, ADD_N0), n1 = GETU(w, ADD_N1);

	for (i = 0; i < GETU(w, ADD_NPARTS); i++)
		for (i1 = 0; i1 < n1; i1++)
			for (i0 = 0; i0 < n0; i0++) {
				e = (i * n1 + i1) * n0 + i0;
				sg_touch(g, SG_SPM, GETU(w, ADD_A_PART) + i,
					GETU(w, ADD_A_ADDR) +
					i1 * GETS(w, ADD_AS1) +
					i0 * GETS(w, ADD_AS0), 0, e);
				sg_touch(g, SG_SPM, GETU(w, ADD_B_PART) + i,
					GETU(w, ADD_B_ADDR) +
					i1 * GETS(w, ADD_BS1) +
					i0 * GETS(w, ADD_BS0), 0, e);
				sg_touch(g, SG_SPM, GETU(w, ADD_DST_PART) + i,
					GETU(w, ADD_DST_ADDR) +
					i1 * GETS(w, ADD_DS1) +
					i0 * GETS(w, ADD_DS0), 1, e);
			}
}

/* The inside taps of POOL output (i1, i0) of partition "part", read by
 * element "e"; returns the number of taps outside the image.
 */
static int64_t sg_visit_pool_taps(struct sg_gen *g, const uint32_t *w,
	int64_t part, int64_t i1, int64_t i0, int64_t e)
{
	int64_t ky, kx, y, x, out = 0;

	for (ky = 0; ky < GETU(w, POOL_KH); ky++)
		for (kx = 0; kx < GETU(w, POOL_KW); kx++) {
			y = GETS(w, POOL_Y0) + i1 * GETS(w, POOL_SY) +
				ky * GETU(w, POOL_DY);
			x = GETS(w, POOL_X0) + i0 * GETS(w, POOL_SX) +
				kx * GETU(w, POOL_DX);
			if (!sg_inside(y, x, GETU(w, POOL_H),
			    GETU(w, POOL_W))) {
				out++;
				continue;
			}
			if (g)
				sg_touch(g, SG_SPM, part, GETU(w, POOL_SRC_ADDR)
					+ y * GETU(w, POOL_PITCH) + x, 0, e);
		}
	return out;
}

static void sg_visit_pool(struct sg_gen *g, const uint32_t *w)
{
	int64_t i, i1, i0, e;
	int64_t n0 = GETU(w, POOL_N0), n1 = GETU(w, POOL_N1);

	for (i = 0; i < GETU(w, POOL_NPARTS); i++)
		for (i1 = 0; i1 < n1; i1++)
			for (i0 = 0; i0 < n0; i0++) {
				e = (i * n1 + i1) * n0 + i0;
				sg_visit_pool_taps(g, w,
					GETU(w, POOL_SRC_PART) + i, i1, i0, e);
				sg_touch(g, SG_SPM, GETU(w, POOL_DST_PART) + i,
					GETU(w, POOL_DST_ADDR) +
					i1 * GETS(w, POOL_DS1) +
					i0 * GETS(w, POOL_DS0), 1, e);
			}
}

/* Every access of command "w", in the current phase. */
static void sg_visit(struct sg_gen *g, const uint32_t *w)
{
	switch (GETU(w, END_OPCODE)) {
	case ATOLL_OP_DMA_IN:
	case ATOLL_OP_DMA_OUT:
		sg_visit_dma(g, w);
		break;
	case ATOLL_OP_LDW:
		sg_visit_ldw(g, w);
		break;
	case ATOLL_OP_MM:
		sg_visit_mm(g, w);
		break;
	case ATOLL_OP_ACT:
		sg_visit_act(g, w);
		break;
	case ATOLL_OP_ADD:
		sg_visit_add(g, w);
		break;
	case ATOLL_OP_POOL:
		sg_visit_pool(g, w);
		break;
	case ATOLL_OP_MOVE:
		sg_visit_move(g, w);
		break;
	}
}

/* Is the image box of H x W with "pitch" at "addr" in partitions
 * part .. part+nparts-1 inside the SPM window?
 */
static int sg_image_in(const struct sg_gen *g, int64_t part, int64_t nparts,
	int64_t addr, int64_t h, int64_t w, int64_t pitch)
{
	return part >= 0 && part + nparts <= g->rows && addr >= g->spm_lo &&
		addr + (h - 1) * pitch + (w - 1) < g->spm_lo + g->spm_n;
}

/* The static checks of docs/isa.md that the accesses do not imply:
 * MM and POOL check their whole image box and partitions even where no
 * position reads them.
 */
static int sg_static_ok(const struct sg_gen *g, const uint32_t *w)
{
	switch (GETU(w, END_OPCODE)) {
	case ATOLL_OP_MM:
		return sg_image_in(g, GETU(w, MM_X_PART), GETU(w, MM_NROWS),
			GETU(w, MM_X_ADDR), GETU(w, MM_H), GETU(w, MM_W),
			GETU(w, MM_PITCH));
	case ATOLL_OP_POOL:
		return sg_image_in(g, GETU(w, POOL_SRC_PART),
			GETU(w, POOL_NPARTS), GETU(w, POOL_SRC_ADDR),
			GETU(w, POOL_H), GETU(w, POOL_W),
			GETU(w, POOL_PITCH)) &&
			GETU(w, POOL_DST_PART) + GETU(w, POOL_NPARTS) <=
			g->rows;
	}
	return 1;
}

/* Check candidate "w" of engine "e": windows, defined reads, no element
 * reading what another element writes.  Fills g->need.
 */
static int sg_check(struct sg_gen *g, int e, const uint32_t *w)
{
	g->stamp++;
	g->bad = !sg_static_ok(g, w);
	g->dup = 0;
	g->reread = 0;
	g->mvread = 0;
	g->engine = e;
	memset(g->need, 0, sizeof(g->need));
	g->phase = SG_WRITES;
	sg_visit(g, w);
	if (g->bad)
		return -1;
	g->phase = SG_READS;
	sg_visit(g, w);
	return g->bad ? -1 : 0;
}

/* Number of DMA dimensions with a count above 1. */
static int sg_dma_dims(const uint32_t *w, int *neg, int *part)
{
	int64_t v[4];
	int d, n = 0, in = GETU(w, DMA_OPCODE) == ATOLL_OP_DMA_IN;
	int fill = (int) GETU(w, DMA_FILL_EN);

	*neg = 0;
	*part = 0;
	for (d = 0; d < 4; d++) {
		sg_dma_dim(w, d, v);
		if (v[0] <= 1)
			continue;
		n++;
		if ((v[1] < 0 && !(fill && in)) || v[2] < 0 || v[3] < 0)
			*neg = 1;
		if (v[3] != 0 && !(fill && !in))
			*part = 1;
	}
	return n;
}

/* Does the fill DMA "w" carry an unread side outside every valid range? */
static int sg_dma_ignored(const struct sg_gen *g, const uint32_t *w)
{
	if (GETU(w, DMA_OPCODE) == ATOLL_OP_DMA_IN)
		return GETU(w, DMA_DRAM_BASE) >= g->cmd_base;
	return GETU(w, DMA_SPM_PART) >= g->rows ||
		GETU(w, DMA_SPM_ADDR) >= g->cfg->spm_bytes;
}

static void sg_cover_dma(struct sg_gen *g, const uint32_t *w)
{
	atoll_stream_cov *c = g->cov;
	int neg, part, in = GETU(w, DMA_OPCODE) == ATOLL_OP_DMA_IN;

	c->dma_dims[sg_dma_dims(w, &neg, &part)]++;
	c->dma_neg_stride += neg;
	c->dma_part_stride += part;
	c->dma_dup_write += g->dup;
	c->dma_out_reread += g->reread;
	if (GETU(w, DMA_FILL_EN)) {
		c->dma_fill[in ? 0 : 1]++;
		c->dma_fill_ignored += sg_dma_ignored(g, w);
	}
}

/* MOVE: dimensions, negative strides, partitions changing on either
 * side, a different partition pattern on the two sides (a transpose
 * across partitions), one destination written twice.
 */
static void sg_cover_move(struct sg_gen *g, const uint32_t *w)
{
	atoll_stream_cov *c = g->cov;
	int64_t v[5];
	int d, n = 0, neg = 0, part = 0, xpose = 0;

	for (d = 0; d < 4; d++) {
		sg_move_dim(w, d, v);
		if (v[0] <= 1)
			continue;
		n++;
		neg |= v[1] < 0 || v[2] < 0 || v[3] < 0 || v[4] < 0;
		part |= v[1] != 0 || v[3] != 0;
		xpose |= v[1] != v[3];
	}
	c->move_dims[n]++;
	c->move_neg_stride += neg;
	c->move_part_stride += part;
	c->move_transpose += xpose;
	c->move_dup_write += g->dup;
	sg_move_dim(w, 0, v);
	c->move_run += v[0] > 1 && v[1] == 0 && v[2] == 1 && v[3] == 0 &&
		v[4] == 1;
}

/* Number of MM positions inside the image. */
static int64_t sg_mm_inside(const uint32_t *w)
{
	int64_t i1, i0, n = 0;

	for (i1 = 0; i1 < GETU(w, MM_N1); i1++)
		for (i0 = 0; i0 < GETU(w, MM_N0); i0++)
			n += sg_inside(GETS(w, MM_Y0) + i1 * GETS(w, MM_SY),
				GETS(w, MM_X0) + i0 * GETS(w, MM_SX),
				GETU(w, MM_H), GETU(w, MM_W));
	return n;
}

static void sg_cover_mm(struct sg_gen *g, const uint32_t *w)
{
	int64_t in = sg_mm_inside(w), n = GETU(w, MM_N0) * GETU(w, MM_N1);

	g->cov->mm_acc[GETU(w, MM_ACC)]++;
	g->cov->mm_signed[GETU(w, MM_X_SIGNED)]++;
	g->cov->mm_pad += in > 0 && in < n;
	g->cov->mm_all_pad += in == 0;
}

static void sg_cover_act(struct sg_gen *g, const uint32_t *w)
{
	int64_t st = GETU(w, ACT_SRC_TYPE), dt = GETU(w, ACT_DST_TYPE);

	g->cov->act_type[st][dt]++;
	g->cov->act_pp[GETU(w, ACT_PP)]++;
	if (GETU(w, ACT_NB))
		g->cov->act_nb[GETU(w, ACT_PP)]++;
	g->cov->act_in_place += st != 0 && (st == 1) == (dt == 2) &&
		GETU(w, ACT_SRC_PART) == GETU(w, ACT_DST_PART) &&
		GETU(w, ACT_SRC_ADDR) == GETU(w, ACT_DST_ADDR) &&
		GETS(w, ACT_SS0) == GETS(w, ACT_DS0) &&
		GETS(w, ACT_SS1) == GETS(w, ACT_DS1);
}

static void sg_cover_add(struct sg_gen *g, const uint32_t *w)
{
	g->cov->add_signed[GETU(w, ADD_A_SIGNED)]++;
	g->cov->add_in_place += GETU(w, ADD_A_PART) == GETU(w, ADD_DST_PART) &&
		GETU(w, ADD_A_ADDR) == GETU(w, ADD_DST_ADDR) &&
		GETS(w, ADD_AS0) == GETS(w, ADD_DS0) &&
		GETS(w, ADD_AS1) == GETS(w, ADD_DS1);
}

static void sg_cover_pool(struct sg_gen *g, const uint32_t *w)
{
	int64_t i1, i0, out = 0;

	g->cov->pool_mode[GETU(w, POOL_AVG)][GETU(w, POOL_COUNT_PAD)]++;
	for (i1 = 0; i1 < GETU(w, POOL_N1); i1++)
		for (i0 = 0; i0 < GETU(w, POOL_N0); i0++)
			out += sg_visit_pool_taps(NULL, w, 0, i1, i0, 0);
	g->cov->pool_pad += out > 0;
}

/* Count what command "w" exercises. */
static void sg_cover(struct sg_gen *g, const uint32_t *w)
{
	int64_t op = GETU(w, END_OPCODE);

	g->cov->op[op & 15]++;
	switch (op) {
	case ATOLL_OP_DMA_IN:
	case ATOLL_OP_DMA_OUT:
		sg_cover_dma(g, w);
		break;
	case ATOLL_OP_LDW:
		g->cov->ldw_signed[GETU(w, LDW_W_SIGNED)]++;
		g->cov->ldw_partial += GETU(w, LDW_NROWS) < g->rows ||
			GETU(w, LDW_NCOLS) < g->cols;
		break;
	case ATOLL_OP_MM:
		sg_cover_mm(g, w);
		break;
	case ATOLL_OP_ACT:
		sg_cover_act(g, w);
		break;
	case ATOLL_OP_ADD:
		sg_cover_add(g, w);
		break;
	case ATOLL_OP_POOL:
		sg_cover_pool(g, w);
		break;
	case ATOLL_OP_MOVE:
		sg_cover_move(g, w);
		break;
	}
}

/* Runs of commands to one engine e, in stream order, broken only by a
 * command other than SIGNAL/WAIT of another engine.
 */
static void sg_note_run(struct sg_gen *g, const uint32_t *w, int e)
{
	int64_t op = GETU(w, END_OPCODE);

	if (e == SG_CP)
		return;
	if (e != g->run_engine &&
	    (op == ATOLL_OP_SIGNAL || op == ATOLL_OP_WAIT))
		return;
	if (e != g->run_engine) {
		g->run_engine = e;
		g->run_len = 0;
	}
	if (++g->run_len == g->cfg->queue_depth + 1)
		g->cov->queue_fill++;
}

static int sg_room(const struct sg_gen *g, uint32_t n)
{
	return g->ncmds + n + 1 <= g->max_cmds;
}

/* Append command "w" to the stream. */
static void sg_append(struct sg_gen *g, const uint32_t *w)
{
	int e = sg_engine(w);

	memcpy(g->cmds + (size_t) g->ncmds * ATOLL_CMD_WORDS, w,
		ATOLL_CMD_BYTES);
	g->ncmds++;
	if (e < SG_ENGINES)
		g->seq[e]++;
	sg_note_run(g, w, e);
	sg_cover(g, w);
}

static void sg_sem_cmd(uint32_t *w, uint32_t op, int e, uint32_t sem,
	uint32_t value)
{
	memset(w, 0, ATOLL_CMD_BYTES);
	SET(w, SEM_OPCODE, op);
	SET(w, SEM_ENGINE, e);
	SET(w, SEM_SEM, sem);
	SET(w, SEM_VALUE, value);
}

/* Engine "e" WAITs for "sig" (of engine "owner"; -1: for value 0) and
 * learns what it knew.
 */
static void sg_wait(struct sg_gen *g, int e, const struct sg_sig *sig,
	int owner)
{
	uint32_t w[ATOLL_CMD_WORDS];
	int f;

	sg_sem_cmd(w, ATOLL_OP_WAIT, e, sig->sem, sig->value);
	sg_append(g, w);
	for (f = 0; f < SG_ENGINES; f++)
		g->vc[e][f] = (int32_t) sg_max(g->vc[e][f], sig->vc[f]);
	if (owner >= 0)
		g->cov->wait_pair[e][owner]++;
	if (++g->semwaits[sig->sem] == 2)
		g->cov->wait_multi++;
}

/* Engine "f" SIGNALs one of its semaphores. */
static void sg_signal(struct sg_gen *g, int f)
{
	uint32_t w[ATOLL_CMD_WORDS];
	uint32_t sem = (uint32_t) f + 4 * (uint32_t) sg_below(g,
		(g->nsem - (uint32_t) f + 3) / 4);
	struct sg_sig *sig;

	sg_sem_cmd(w, ATOLL_OP_SIGNAL, f, sem, 0);
	sg_append(g, w);
	sig = &g->sig[f][g->nsig[f]++];
	sig->sem = sem;
	sig->value = ++g->semval[sem];
	memcpy(sig->vc, g->vc[f], sizeof(sig->vc));
	sig->vc[f] = g->seq[f];
}

/* The index of the first SIGNAL of engine "f" after its command "seq". */
static uint32_t sg_sig_after(const struct sg_gen *g, int f, int32_t seq)
{
	uint32_t lo = 0, hi = g->nsig[f], mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (g->sig[f][mid].vc[f] > seq)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Make engine "e" wait until command "seq" of engine "f" completed: on
 * the first SIGNAL of "f" after it (sometimes a later one), placed now
 * if there is none yet.
 */
static void sg_sync(struct sg_gen *g, int e, int f, int32_t seq)
{
	uint32_t k = sg_sig_after(g, f, seq);

	if (k == g->nsig[f])
		sg_signal(g, f);
	if (sg_chance(g, 1, 4))
		k += (uint32_t) sg_below(g, g->nsig[f] - k);
	sg_wait(g, e, &g->sig[f][k], f);
}

/* Order every access that g->need names before the next command of "e". */
static void sg_order(struct sg_gen *g, int e)
{
	int order[SG_ENGINES], k, f;

	sg_perm(g, order, SG_ENGINES);
	for (k = 0; k < SG_ENGINES; k++) {
		f = order[k];
		if (f != e && g->need[f] > g->vc[e][f])
			sg_sync(g, e, f, g->need[f]);
	}
}

/* The box of every location of space "sp" command g->cur_seq wrote,
 * kept in "bx" when all its locations hold data.
 */
static void sg_note_box(struct sg_gen *g, enum sg_space sp,
	struct sg_boxes *bx)
{
	struct sg_bbox *b = &g->bb[sp];
	int64_t p, a;

	if (!b->any || (b->p1 - b->p0 + 1) * (b->a1 - b->a0 + 1) >
	    SG_BOX_AREA_MAX)
		return;
	for (p = b->p0; p <= b->p1; p++)
		for (a = b->a0; a <= b->a1; a++)
			if (!sg_loc_at(g, sp, p, a, 1)->def)
				return;
	bx->v[bx->next].p0 = b->p0;
	bx->v[bx->next].np = b->p1 - b->p0 + 1;
	bx->v[bx->next].a0 = b->a0;
	bx->v[bx->next].na = b->a1 - b->a0 + 1;
	bx->next = (bx->next + 1) % SG_BOXES;
	if (bx->n < SG_BOXES)
		bx->n++;
}

/* Record the accesses of command "w" just appended on engine "e". */
static void sg_commit_cmd(struct sg_gen *g, int e, const uint32_t *w)
{
	memset(g->bb, 0, sizeof(g->bb));
	g->engine = e;
	g->cur_seq = g->seq[e];
	g->phase = SG_COMMIT;
	sg_visit(g, w);
	sg_note_box(g, SG_SPM, &g->spm_boxes);
	sg_note_box(g, SG_PSUM, &g->psum_boxes);
	if (GETU(w, END_OPCODE) == ATOLL_OP_LDW)
		g->w_loaded = 1;
}

/* Put candidate "w" into the stream after the SIGNAL/WAITs it needs.
 * Returns -1 (and adds nothing) when it is not valid here.
 */
static int sg_emit(struct sg_gen *g, const uint32_t *w)
{
	int e = sg_engine(w);

	if (!sg_room(g, SG_SYNC_MAX) || sg_check(g, e, w) < 0)
		return -1;
	sg_order(g, e);
	sg_append(g, w);
	g->cov->move_read_back += g->mvread;
	sg_commit_cmd(g, e, w);
	return 0;
}

/* A random box of "bx" with at least "np" partitions and "na" addresses. */
static int sg_box_pick(struct sg_gen *g, const struct sg_boxes *bx,
	int64_t np, int64_t na, struct sg_box *out)
{
	int t;

	for (t = 0; t < 8 && bx->n; t++) {
		*out = bx->v[sg_below(g, bx->n)];
		if (out->np >= np && out->na >= na)
			return 0;
	}
	return -1;
}

static void sg_pat_init(struct sg_pat *p)
{
	int d;

	for (d = 0; d < 4; d++) {
		p->c[d] = 1;
		p->s[d] = 0;
	}
	p->base = 0;
}

/* The lowest and highest offset of pattern "p" from its base. */
static void sg_pat_offsets(const struct sg_pat *p, int64_t *lo, int64_t *hi)
{
	int d;

	*lo = 0;
	*hi = 0;
	for (d = 0; d < 4; d++) {
		if (p->s[d] < 0)
			*lo += (p->c[d] - 1) * p->s[d];
		else
			*hi += (p->c[d] - 1) * p->s[d];
	}
}

/* A stride magnitude up to "max": often 0 or 1, else small or any. */
static int64_t sg_pick_mag(struct sg_gen *g, int64_t max)
{
	if (max <= 0)
		return 0;
	switch (sg_below(g, 6)) {
	case 0:
		return 0;
	case 1:
	case 2:
		return 1;
	case 3:
		return sg_range(g, 1, sg_min(max, 8));
	}
	return sg_range(g, 1, max);
}

/* Choose the strides of "p" (counts set) so that its offsets span at most
 * "room" units, each |stride| <= "smax".  With "inj" the pattern is
 * injective: taken in some order, each stride exceeds the extent of the
 * dimensions before it.  Dimensions of count 1 get a small stride that
 * does not matter.
 */
static int sg_strides(struct sg_gen *g, struct sg_pat *p, int64_t room,
	int inj, int64_t smax)
{
	int order[4], k, d;
	int64_t ext = 0, m;

	sg_perm(g, order, 4);
	for (k = 0; k < 4; k++) {
		d = order[k];
		if (p->c[d] <= 1) {
			p->s[d] = sg_range(g, -3, 3);
			continue;
		}
		if (inj)
			m = ext + 1 + (sg_chance(g, 1, 4) ? sg_below(g, 3) : 0);
		else
			m = sg_min(sg_pick_mag(g, (room - ext) / (p->c[d] - 1)),
				smax);
		if (m > smax)
			return -1;
		ext += (p->c[d] - 1) * m;
		if (ext > room)
			return -1;
		p->s[d] = sg_chance(g, 1, 4) ? -m : m;
	}
	return 0;
}

/* Choose strides and base of "p" so that its elements of "esize" bytes
 * (or entries) lie within [lo, hi].
 */
static int sg_fit(struct sg_gen *g, struct sg_pat *p, int64_t esize,
	int64_t lo, int64_t hi, int inj, int64_t smax)
{
	int64_t olo, ohi, bmin, bmax;

	if (hi - lo + 1 < esize ||
	    sg_strides(g, p, (hi - lo + 1 - esize) / esize, inj, smax) < 0)
		return -1;
	sg_pat_offsets(p, &olo, &ohi);
	bmin = lo - esize * olo;
	bmax = hi - esize * ohi - (esize - 1);
	if (bmax < bmin)
		return -1;
	p->base = sg_range(g, bmin, bmax);
	if (esize > 1 && sg_chance(g, 3, 4) &&
	    p->base - p->base % esize >= bmin)
		p->base -= p->base % esize;
	return 0;
}

/* Counts of a DMA pattern over 1 .. 4 dimensions, at most "maxprod"
 * elements; usually the innermost dimensions, sometimes any.
 */
static void sg_dma_counts(struct sg_gen *g, struct sg_pat *p, int64_t maxprod)
{
	static const int64_t cap[4] = { 512, 40, 12, 6 };
	int order[4], k, d, nd = (int) sg_range(g, 1, 4);
	int inner = sg_chance(g, 3, 4);
	int64_t prod = 1, lim;

	sg_pat_init(p);
	sg_perm(g, order, 4);
	for (k = 0; k < nd; k++) {
		d = inner ? k : order[k];
		lim = sg_min(cap[nd - 1], maxprod / prod);
		if (lim < 2)
			break;
		p->c[d] = sg_range(g, 2, lim);
		prod *= p->c[d];
	}
}

/* Copy the counts of "from" into "to". */
static void sg_pat_counts(struct sg_pat *to, const struct sg_pat *from)
{
	sg_pat_init(to);
	memcpy(to->c, from->c, sizeof(to->c));
}

static void sg_dma_encode(uint32_t *w, uint32_t op, int fill,
	const struct sg_pat *pd, const struct sg_pat *pp,
	const struct sg_pat *pa, int64_t value)
{
	int d;

	memset(w, 0, ATOLL_CMD_BYTES);
	SET(w, DMA_OPCODE, op);
	SET(w, DMA_FILL_EN, fill);
	SET(w, DMA_FILL_VALUE, value);
	SET(w, DMA_DRAM_BASE, pd->base);
	SET(w, DMA_SPM_ADDR, pa->base);
	SET(w, DMA_SPM_PART, pp->base);
	for (d = 0; d < 4; d++)
		sg_dma_set_dim(w, d, pa->c[d], pd->s[d], pa->s[d], pp->s[d]);
}

/* A DRAM side outside the window, for a fill that must ignore it. */
static void sg_garbage_dram(struct sg_gen *g, struct sg_pat *pd)
{
	int d;

	pd->base = (int64_t) (g->cmd_base + sg_below(g, (int64_t) 1 << 31));
	for (d = 0; d < 4; d++)
		pd->s[d] = sg_s32(g);
}

/* An SPM side outside the scratchpad, for a fill that must ignore it. */
static void sg_garbage_spm(struct sg_gen *g, struct sg_pat *pp,
	struct sg_pat *pa)
{
	int d;

	pp->base = sg_chance(g, 1, 2) ? sg_range(g, g->rows, 65535) :
		sg_below(g, g->rows);
	pa->base = (int64_t) (sg_next(g) & 0xffffffffu);
	if (pp->base < g->rows)
		pa->base = sg_max(pa->base, g->cfg->spm_bytes);
	for (d = 0; d < 4; d++) {
		pp->s[d] = sg_range(g, -128, 127);
		pa->s[d] = sg_range(g, -SG_S24_MAX - 1, SG_S24_MAX);
	}
}

/* The DRAM side of a DMA_IN: mostly the data region, sometimes the
 * output region (reading results back), sometimes both.
 */
static int sg_fit_dram_src(struct sg_gen *g, struct sg_pat *pd)
{
	switch (sg_below(g, 6)) {
	case 0:
		return sg_fit(g, pd, 1, g->out_lo, g->out_hi - 1, 0,
			SG_S32_MAX);
	case 1:
		return sg_fit(g, pd, 1, g->data_lo, g->out_hi - 1, 0,
			SG_S32_MAX);
	}
	return sg_fit(g, pd, 1, g->data_lo, g->data_hi - 1, 0, SG_S32_MAX);
}

/* DMA_IN of a random 1..4-D pattern (duplicates allowed, later ones win). */
static int sg_gen_dma_in(struct sg_gen *g)
{
	uint32_t w[ATOLL_CMD_WORDS];
	struct sg_pat pd, pp, pa;
	int fill = sg_chance(g, 1, 8);
	int64_t p0;

	sg_dma_counts(g, &pa, 1024);
	sg_pat_counts(&pp, &pa);
	sg_pat_counts(&pd, &pa);
	p0 = sg_below(g, g->rows);
	if (sg_chance(g, 1, 2) ?
	    sg_fit(g, &pp, 1, p0, p0, 0, SG_S8_MAX) < 0 :
	    sg_fit(g, &pp, 1, 0, g->rows - 1, 0, SG_S8_MAX) < 0)
		return -1;
	if (sg_fit(g, &pa, 1, g->spm_lo, g->spm_lo + g->spm_n - 1,
	    sg_chance(g, 3, 4), SG_S24_MAX) < 0)
		return -1;
	if (fill && sg_chance(g, 1, 2))
		sg_garbage_dram(g, &pd);
	else if (sg_fit_dram_src(g, &pd) < 0)
		return -1;
	sg_dma_encode(w, ATOLL_OP_DMA_IN, fill, &pd, &pp, &pa,
		sg_below(g, 256));
	return sg_emit(g, w);
}

/* Set dimension "d" of the box fill: "n" steps of "step" on the partition
 * axis ("onpart") or the address axis, in either direction.
 */
static void sg_box_dim(struct sg_gen *g, struct sg_pat *pp, struct sg_pat *pa,
	int d, int64_t n, int64_t step, int onpart)
{
	int64_t s = sg_chance(g, 1, 3) ? -step : step;

	pp->c[d] = pa->c[d] = n;
	pp->s[d] = onpart ? s : 0;
	pa->s[d] = onpart ? 0 : s;
}

/* DMA_IN filling a box of np x na bytes completely: partitions and bytes
 * (maybe split in two) on dimensions in any order and direction.
 */
static int sg_gen_dma_box(struct sg_gen *g)
{
	uint32_t w[ATOLL_CMD_WORDS];
	struct sg_pat pd, pp, pa;
	int order[4];
	int64_t np, na, k, p0, a0, lo, hi;

	np = sg_chance(g, 1, 2) ? g->rows : sg_range(g, 1, g->rows);
	na = sg_range(g, 1, sg_min(g->spm_n, sg_chance(g, 1, 4) ? 2048 : 256));
	p0 = sg_below(g, g->rows - np + 1);
	a0 = g->spm_lo + sg_below(g, g->spm_n - na + 1);
	sg_pat_init(&pp);
	sg_pat_init(&pa);
	sg_perm(g, order, 4);
	sg_box_dim(g, &pp, &pa, order[0], np, 1, 1);
	k = sg_range(g, 2, 8);
	if (na % k == 0 && na > k && sg_chance(g, 1, 3)) {
		sg_box_dim(g, &pp, &pa, order[1], k, 1, 0);
		sg_box_dim(g, &pp, &pa, order[2], na / k, k, 0);
	} else {
		sg_box_dim(g, &pp, &pa, order[1], na, 1, 0);
	}
	sg_pat_offsets(&pp, &lo, &hi);
	pp.base = p0 - lo;
	sg_pat_offsets(&pa, &lo, &hi);
	pa.base = a0 - lo;
	sg_pat_counts(&pd, &pa);
	if (sg_fit(g, &pd, 1, g->data_lo, g->data_hi - 1, 0, SG_S32_MAX) < 0)
		return -1;
	sg_dma_encode(w, ATOLL_OP_DMA_IN, sg_chance(g, 1, 10), &pd, &pp, &pa,
		sg_below(g, 256));
	return sg_emit(g, w);
}

/* DMA_OUT of part of a box of written SPM into the output region. */
static int sg_gen_dma_out(struct sg_gen *g)
{
	uint32_t w[ATOLL_CMD_WORDS];
	struct sg_pat pd, pp, pa;
	struct sg_box b;
	int fill = sg_chance(g, 1, 8);

	sg_dma_counts(g, &pa, 1024);
	sg_pat_counts(&pp, &pa);
	sg_pat_counts(&pd, &pa);
	if (fill && sg_chance(g, 1, 2)) {
		sg_garbage_spm(g, &pp, &pa);
	} else if (sg_box_pick(g, &g->spm_boxes, 1, 1, &b) < 0 ||
	    sg_fit(g, &pp, 1, b.p0, b.p0 + b.np - 1, 0, SG_S8_MAX) < 0 ||
	    sg_fit(g, &pa, 1, b.a0, b.a0 + b.na - 1, sg_chance(g, 1, 3),
	    SG_S24_MAX) < 0) {
		return -1;
	}
	if (sg_fit(g, &pd, 1, g->out_lo, g->out_hi - 1, sg_chance(g, 7, 8),
	    SG_S32_MAX) < 0)
		return -1;
	sg_dma_encode(w, ATOLL_OP_DMA_OUT, fill, &pd, &pp, &pa,
		sg_below(g, 256));
	return sg_emit(g, w);
}

/* The range [lo, hi] of pattern "p". */
static void sg_pat_range(const struct sg_pat *p, int64_t *lo, int64_t *hi)
{
	sg_pat_offsets(p, lo, hi);
	*lo += p->base;
	*hi += p->base;
}

/* A part of [lo, hi] below "below" or above "above" (either side when
 * both are not empty), into [*out_lo, *out_hi].
 */
static int sg_outside(struct sg_gen *g, int64_t lo, int64_t hi,
	int64_t below, int64_t above, int64_t *out_lo, int64_t *out_hi)
{
	int low = below > lo, high = above < hi;

	if (!low && !high)
		return -1;
	if (low && (!high || sg_chance(g, 1, 2))) {
		*out_lo = lo;
		*out_hi = below - 1;
	} else {
		*out_lo = above + 1;
		*out_hi = hi;
	}
	return 0;
}

static void sg_move_encode(uint32_t *w, const struct sg_pat *sp,
	const struct sg_pat *sa, const struct sg_pat *dp,
	const struct sg_pat *da)
{
	int d;

	memset(w, 0, ATOLL_CMD_BYTES);
	SET(w, MOVE_OPCODE, ATOLL_OP_MOVE);
	SET(w, MOVE_SRC_PART, sp->base);
	SET(w, MOVE_SRC_ADDR, sa->base);
	SET(w, MOVE_DST_PART, dp->base);
	SET(w, MOVE_DST_ADDR, da->base);
	for (d = 0; d < 4; d++)
		sg_move_set_dim(w, d, sa->c[d], sp->s[d], sa->s[d], dp->s[d],
			da->s[d]);
}

/* Make dimension 0 of "p" step by "s0" and place it anew within
 * [lo, hi] (the other strides kept).
 */
static int sg_refit0(struct sg_gen *g, struct sg_pat *p, int64_t s0,
	int64_t lo, int64_t hi)
{
	int64_t olo, ohi;

	p->s[0] = s0;
	sg_pat_offsets(p, &olo, &ohi);
	if (hi - ohi < lo - olo)
		return -1;
	p->base = sg_range(g, lo - olo, hi - ohi);
	return 0;
}

/* MOVE of a 1..4-D pattern from a box of written SPM to a destination
 * box (partition range x address range) disjoint from the source's: on
 * other partitions or on other addresses of the SPM window.  A third of
 * them have dimension 0 contiguous in one partition on both sides ("run",
 * which the RTL moves up to an SPM word per cycle), at any alignment.
 */
static int sg_gen_move(struct sg_gen *g)
{
	uint32_t w[ATOLL_CMD_WORDS];
	struct sg_pat sp, sa, dp, da;
	struct sg_box b;
	int64_t plo, phi, alo, ahi, p0 = 0, p1 = g->rows - 1;
	int64_t a0 = g->spm_lo, a1 = g->spm_lo + g->spm_n - 1;
	int run;

	sg_dma_counts(g, &sa, 512);
	sg_pat_counts(&sp, &sa);
	sg_pat_counts(&dp, &sa);
	sg_pat_counts(&da, &sa);
	run = sg_chance(g, 1, 3) && sa.c[0] > 1;
	if (sg_box_pick(g, &g->spm_boxes, 1, 1, &b) < 0 ||
	    sg_fit(g, &sp, 1, b.p0, b.p0 + b.np - 1, 0, SG_S8_MAX) < 0 ||
	    sg_fit(g, &sa, 1, b.a0, b.a0 + b.na - 1, sg_chance(g, 1, 3),
	    SG_S24_MAX) < 0)
		return -1;
	if (run && (sg_refit0(g, &sp, 0, b.p0, b.p0 + b.np - 1) < 0 ||
	    sg_refit0(g, &sa, 1, b.a0, b.a0 + b.na - 1) < 0))
		return -1;
	sg_pat_range(&sp, &plo, &phi);
	sg_pat_range(&sa, &alo, &ahi);
	if (sg_chance(g, 1, 2) ?
	    sg_outside(g, 0, g->rows - 1, plo, phi, &p0, &p1) < 0 :
	    sg_outside(g, a0, a1, alo, ahi, &a0, &a1) < 0)
		return -1;
	if (sg_fit(g, &dp, 1, p0, p1, 0, SG_S8_MAX) < 0 ||
	    sg_fit(g, &da, 1, a0, a1, sg_chance(g, 3, 4), SG_S24_MAX) < 0)
		return -1;
	if (run && (sg_refit0(g, &dp, 0, p0, p1) < 0 ||
	    sg_refit0(g, &da, 1, a0, a1) < 0))
		return -1;
	sg_move_encode(w, &sp, &sa, &dp, &da);
	return sg_emit(g, w);
}

/* Up to "max", often exactly "max". */
static int64_t sg_upto(struct sg_gen *g, int64_t max)
{
	return sg_chance(g, 1, 2) ? max : sg_range(g, 1, max);
}

/* LDW of a tile and a zero-point row from written SPM. */
static int sg_gen_ldw(struct sg_gen *g)
{
	uint32_t w[ATOLL_CMD_WORDS];
	struct sg_box b, z;
	int64_t nrows, ncols;

	if (sg_box_pick(g, &g->spm_boxes, 1, 1, &b) < 0)
		return -1;
	nrows = sg_upto(g, sg_min(g->rows, b.np));
	ncols = sg_upto(g, sg_min(g->cols, b.na));
	if (sg_box_pick(g, &g->spm_boxes, 1, ncols, &z) < 0)
		return -1;
	memset(w, 0, sizeof(w));
	SET(w, LDW_OPCODE, ATOLL_OP_LDW);
	SET(w, LDW_W_SIGNED, sg_below(g, 2));
	SET(w, LDW_NROWS, nrows);
	SET(w, LDW_NCOLS, ncols);
	SET(w, LDW_W_PART, b.p0 + sg_below(g, b.np - nrows + 1));
	SET(w, LDW_W_ADDR, b.a0 + sg_below(g, b.na - ncols + 1));
	SET(w, LDW_ZP_PART, z.p0 + sg_below(g, z.np));
	SET(w, LDW_ZP_ADDR, z.a0 + sg_below(g, z.na - ncols + 1));
	return sg_emit(g, w);
}

/* A convolution stride: mostly 1 or 2, sometimes 3, 0 or -1. */
static int64_t sg_conv_stride(struct sg_gen *g)
{
	static const int64_t s[10] = { 1, 1, 1, 1, 1, 2, 2, 3, 0, -1 };

	return s[sg_below(g, 10)];
}

/* The first coordinate of "n" positions with stride "s" over an extent
 * "len": positions start before, inside or after the image.
 */
static int64_t sg_origin(struct sg_gen *g, int64_t len, int64_t s, int64_t n)
{
	if (s < 0)
		return sg_range(g, -2, len + (n - 1) + 1);
	return sg_range(g, -2 - (n - 1) * s / 2, len + 1);
}

/* The image of an MM or POOL inside box "b": width, pitch and height. */
static void sg_image(struct sg_gen *g, const struct sg_box *b, int64_t wmax,
	int64_t *wd, int64_t *pitch, int64_t *h)
{
	int64_t hmax;

	*wd = sg_range(g, 1, sg_min(b->na, wmax));
	*pitch = *wd + (sg_chance(g, 1, 3) ? sg_below(g, 6) : 0);
	if (sg_chance(g, 1, 32))
		*pitch = sg_below(g, *wd + 1);
	hmax = *pitch ? (b->na - *wd) / *pitch + 1 : 16;
	*h = sg_range(g, 1, sg_min(hmax, 16));
}

/* The PSUM side of a new MM: an injective pattern, within written
 * entries for ACC.
 */
static int sg_mm_psum_new(struct sg_gen *g, struct sg_mm_psum *ps, int acc)
{
	struct sg_pat p;
	struct sg_box b;
	int64_t lo = g->psum_lo, hi = g->psum_lo + g->psum_n - 1;

	ps->n0 = sg_range(g, 1, sg_min(12, g->psum_n));
	ps->n1 = sg_range(g, 1, sg_min(8, g->psum_n / ps->n0));
	ps->ncols = sg_upto(g, g->cols);
	if (acc) {
		if (sg_box_pick(g, &g->psum_boxes, ps->ncols, 1, &b) < 0)
			return -1;
		lo = b.a0;
		hi = b.a0 + b.na - 1;
	}
	sg_pat_init(&p);
	p.c[0] = ps->n0;
	p.c[1] = ps->n1;
	if (sg_fit(g, &p, 1, lo, hi, 1, SG_S16_MAX) < 0)
		return -1;
	ps->addr = p.base;
	ps->ps0 = p.s[0];
	ps->ps1 = p.s[1];
	return 0;
}

/* MM over an image in written SPM; "tpl": accumulate into the PSUM
 * positions of the previous tap of a convolution.
 */
static int sg_gen_mm(struct sg_gen *g, const struct sg_mm_psum *tpl)
{
	uint32_t w[ATOLL_CMD_WORDS];
	struct sg_mm_psum ps;
	struct sg_box b;
	int64_t nrows, wd, pitch, h, sy, sx;
	int acc = tpl ? 1 : sg_chance(g, 1, 3);

	if (!g->w_loaded)
		return tpl ? -1 : sg_gen_ldw(g);
	if (sg_box_pick(g, &g->spm_boxes, 1, 1, &b) < 0)
		return -1;
	if (tpl) {
		ps = *tpl;
		ps.ncols = sg_range(g, 1, tpl->ncols);
	} else if (sg_mm_psum_new(g, &ps, acc) < 0) {
		return -1;
	}
	nrows = sg_upto(g, sg_min(g->rows, b.np));
	sg_image(g, &b, 20, &wd, &pitch, &h);
	sy = sg_conv_stride(g);
	sx = sg_conv_stride(g);
	memset(w, 0, sizeof(w));
	SET(w, MM_OPCODE, ATOLL_OP_MM);
	SET(w, MM_X_SIGNED, sg_below(g, 2));
	SET(w, MM_ACC, acc);
	SET(w, MM_NROWS, nrows);
	SET(w, MM_NCOLS, ps.ncols);
	SET(w, MM_X_ADDR, b.a0 + sg_below(g, b.na - ((h - 1) * pitch + wd) +
		1));
	SET(w, MM_X_PART, b.p0 + sg_below(g, b.np - nrows + 1));
	SET(w, MM_X_ZP, sg_below(g, 256));
	SET(w, MM_PITCH, pitch);
	SET(w, MM_H, h);
	SET(w, MM_W, wd);
	SET(w, MM_Y0, sg_origin(g, h, sy, ps.n1));
	SET(w, MM_X0, sg_origin(g, wd, sx, ps.n0));
	SET(w, MM_SY, sy);
	SET(w, MM_SX, sx);
	SET(w, MM_N0, ps.n0);
	SET(w, MM_N1, ps.n1);
	SET(w, MM_PSUM_ADDR, ps.addr);
	SET(w, MM_PS0, ps.ps0);
	SET(w, MM_PS1, ps.ps1);
	if (sg_emit(g, w) < 0)
		return -1;
	g->mm_last = ps;
	return 0;
}

static int sg_gen_mm_any(struct sg_gen *g)
{
	return sg_gen_mm(g, NULL);
}

typedef int (*sg_gen_fn)(struct sg_gen *g);

static int sg_try(struct sg_gen *g, sg_gen_fn fn)
{
	int t;

	for (t = 0; t < SG_TRIES; t++)
		if (fn(g) == 0)
			return 0;
	return -1;
}

/* A convolution: taps of LDW + MM, the first writing PSUM, the others
 * accumulating into the same positions.  Once it has added a command it
 * reports success, so that it is not tried again.
 */
static int sg_gen_conv(struct sg_gen *g)
{
	struct sg_mm_psum tpl;
	int64_t k, taps = sg_range(g, 2, 5);
	int t;

	if (sg_gen_ldw(g) < 0)
		return -1;
	for (t = 0; t < SG_TRIES; t++)
		if (sg_mm_psum_new(g, &tpl, 0) == 0 && sg_gen_mm(g, &tpl) == 0)
			break;
	for (k = 1; k < taps && t < SG_TRIES; k++) {
		if (sg_chance(g, 2, 3) && sg_try(g, sg_gen_ldw) < 0)
			break;
		for (t = 0; t < SG_TRIES; t++)
			if (sg_gen_mm(g, &tpl) == 0)
				break;
	}
	return 0;
}

/* A 16-bit zero point: mostly a byte value, sometimes 0 or anything. */
static int64_t sg_zp(struct sg_gen *g)
{
	switch (sg_below(g, 8)) {
	case 0:
		return 0;
	case 1:
		return sg_range(g, -32768, 32767);
	}
	return sg_range(g, -128, 255);
}

/* CMIN, CMAX: the type's range, a ReLU-like band, or anything (CMIN >
 * CMAX included).
 */
static void sg_clamps(struct sg_gen *g, int64_t *lo, int64_t *hi)
{
	switch (sg_below(g, 4)) {
	case 0:
		*lo = -32768;
		*hi = 32767;
		break;
	case 1:
		*lo = sg_range(g, -128, 128);
		*hi = *lo + sg_range(g, 0, 200);
		break;
	case 2:
		*lo = sg_range(g, -300, 300);
		*hi = sg_range(g, -300, 300);
		break;
	default:
		*lo = sg_chance(g, 1, 2) ? -128 : 0;
		*hi = *lo + 255;
		break;
	}
}

/* MULT and SHIFT: copy, requantise, wide, or any. */
static void sg_scale(struct sg_gen *g, int64_t *mult, int64_t *shift)
{
	switch (sg_below(g, 4)) {
	case 0:
		*mult = 1;
		*shift = 0;
		break;
	case 1:
		*mult = sg_range(g, 1, 1 << 15);
		*shift = sg_range(g, 0, 20);
		break;
	case 2:
		*mult = sg_range(g, -(1 << 20), 1 << 20);
		*shift = sg_range(g, 0, 40);
		break;
	default:
		*mult = sg_s32(g);
		*shift = sg_below(g, 64);
		break;
	}
}

/* A 2-D operand pattern of n0 x n1 elements of "esize" within [lo, hi]. */
static int sg_fit2(struct sg_gen *g, struct sg_pat *p, int64_t n0, int64_t n1,
	int64_t esize, int64_t lo, int64_t hi, int inj)
{
	sg_pat_init(p);
	p->c[0] = n0;
	p->c[1] = n1;
	return sg_fit(g, p, esize, lo, hi, inj, SG_S16_MAX);
}

/* The source of an ACT of type "st": a box of written PSUM or SPM and a
 * pattern in it.
 */
static int sg_act_src(struct sg_gen *g, int64_t st, int inj, int64_t n0,
	int64_t n1, struct sg_box *b, struct sg_pat *p)
{
	if (sg_box_pick(g, st == 0 ? &g->psum_boxes : &g->spm_boxes, 1,
	    st == 1 ? 4 : 1, b) < 0)
		return -1;
	return sg_fit2(g, p, n0, n1, st == 1 ? 4 : 1, b->a0, b->a0 + b->na - 1,
		inj);
}

static void sg_act_encode(struct sg_gen *g, uint32_t *w, int64_t st,
	int64_t dt, int64_t pp, int64_t nb)
{
	int64_t mult, shift, lo, hi;

	sg_scale(g, &mult, &shift);
	sg_clamps(g, &lo, &hi);
	SET(w, ACT_OPCODE, ATOLL_OP_ACT);
	SET(w, ACT_SRC_TYPE, st);
	SET(w, ACT_DST_TYPE, dt);
	SET(w, ACT_PP, pp);
	SET(w, ACT_NB, nb);
	SET(w, ACT_MULT, mult);
	SET(w, ACT_SHIFT, shift);
	SET(w, ACT_SRC_ZP, sg_zp(g));
	SET(w, ACT_DST_ZP, sg_chance(g, 1, 2) ? 0 : sg_zp(g));
	SET(w, ACT_CMIN, lo);
	SET(w, ACT_CMAX, hi);
}

/* ACT of any source and destination type, with or without per-partition
 * parameters (8-byte records, or 4-byte ones with NB; NB also without PP,
 * where it is ignored), sometimes in place.
 */
static int sg_gen_act(struct sg_gen *g)
{
	uint32_t w[ATOLL_CMD_WORDS];
	struct sg_box sb, rb;
	struct sg_pat sp, dp;
	int64_t st = sg_below(g, 4), dt = sg_below(g, 3);
	int64_t pp = sg_chance(g, 1, 3), nb = sg_chance(g, 1, 2);
	int64_t pb = !pp ? 0 : nb ? ATOLL_PARAM_NB_BYTES : ATOLL_PARAM_BYTES;
	int64_t dsz = dt == 2 ? 4 : 1, n0 = sg_range(g, 1, 16);
	int64_t n1 = sg_range(g, 1, 6), nparts, spart, dpart;
	int inplace = st != 0 && (st == 1) == (dt == 2) && sg_chance(g, 1, 5);

	if (sg_act_src(g, st, inplace || sg_chance(g, 1, 2), n0, n1, &sb,
	    &sp) < 0)
		return -1;
	nparts = sg_min(sb.np, g->rows);
	if (pp && sg_box_pick(g, &g->spm_boxes, 1, pb, &rb) < 0)
		return -1;
	if (pp)
		nparts = sg_min(nparts, rb.np);
	nparts = sg_upto(g, nparts);
	spart = sb.p0 + sg_below(g, sb.np - nparts + 1);
	dpart = pp ? rb.p0 + sg_below(g, rb.np - nparts + 1) :
		sg_below(g, g->rows - nparts + 1);
	if (inplace) {
		dpart = spart;
		dp = sp;
	} else if (sg_fit2(g, &dp, n0, n1, dsz, g->spm_lo,
	    g->spm_lo + g->spm_n - 1, 1) < 0) {
		return -1;
	}
	memset(w, 0, sizeof(w));
	sg_act_encode(g, w, st, dt, pp, nb);
	SET(w, ACT_NPARTS, nparts);
	SET(w, ACT_SRC_ADDR, sp.base);
	SET(w, ACT_SRC_PART, spart);
	SET(w, ACT_DST_PART, dpart);
	SET(w, ACT_DST_ADDR, dp.base);
	SET(w, ACT_N0, n0);
	SET(w, ACT_N1, n1);
	SET(w, ACT_SS0, sp.s[0]);
	SET(w, ACT_SS1, sp.s[1]);
	SET(w, ACT_DS0, dp.s[0]);
	SET(w, ACT_DS1, dp.s[1]);
	if (pp)
		SET(w, ACT_PARAM_ADDR, rb.a0 + sg_below(g, rb.na - pb + 1));
	return sg_emit(g, w);
}

static void sg_add_encode(struct sg_gen *g, uint32_t *w)
{
	int64_t lo, hi, wide = sg_chance(g, 1, 4);

	sg_clamps(g, &lo, &hi);
	SET(w, ADD_OPCODE, ATOLL_OP_ADD);
	SET(w, ADD_A_SIGNED, sg_below(g, 2));
	SET(w, ADD_B_SIGNED, sg_below(g, 2));
	SET(w, ADD_DST_SIGNED, sg_below(g, 2));
	SET(w, ADD_A_MULT, wide ? sg_s32(g) :
		sg_range(g, -(1 << 16), 1 << 16));
	SET(w, ADD_B_MULT, wide ? sg_s32(g) :
		sg_range(g, -(1 << 16), 1 << 16));
	SET(w, ADD_SHIFT, wide ? sg_below(g, 64) : sg_range(g, 0, 20));
	SET(w, ADD_A_ZP, sg_zp(g));
	SET(w, ADD_B_ZP, sg_zp(g));
	SET(w, ADD_DST_ZP, sg_zp(g));
	SET(w, ADD_CMIN, lo);
	SET(w, ADD_CMAX, hi);
}

/* ADD of two operands in written SPM, sometimes in place of A. */
static int sg_gen_add(struct sg_gen *g)
{
	uint32_t w[ATOLL_CMD_WORDS];
	struct sg_box ab, bb;
	struct sg_pat ap, bp, dp;
	int64_t n0 = sg_range(g, 1, 16), n1 = sg_range(g, 1, 6), nparts;
	int64_t apart, dpart;
	int inplace = sg_chance(g, 1, 5);

	if (sg_box_pick(g, &g->spm_boxes, 1, 1, &ab) < 0 ||
	    sg_box_pick(g, &g->spm_boxes, 1, 1, &bb) < 0 ||
	    sg_fit2(g, &ap, n0, n1, 1, ab.a0, ab.a0 + ab.na - 1,
	    inplace || sg_chance(g, 1, 2)) < 0 ||
	    sg_fit2(g, &bp, n0, n1, 1, bb.a0, bb.a0 + bb.na - 1,
	    sg_chance(g, 1, 2)) < 0)
		return -1;
	nparts = sg_upto(g, sg_min(ab.np, bb.np));
	apart = ab.p0 + sg_below(g, ab.np - nparts + 1);
	dpart = inplace ? apart : sg_below(g, g->rows - nparts + 1);
	if (inplace)
		dp = ap;
	else if (sg_fit2(g, &dp, n0, n1, 1, g->spm_lo,
	    g->spm_lo + g->spm_n - 1, 1) < 0)
		return -1;
	memset(w, 0, sizeof(w));
	sg_add_encode(g, w);
	SET(w, ADD_NPARTS, nparts);
	SET(w, ADD_A_ADDR, ap.base);
	SET(w, ADD_A_PART, apart);
	SET(w, ADD_B_PART, bb.p0 + sg_below(g, bb.np - nparts + 1));
	SET(w, ADD_B_ADDR, bp.base);
	SET(w, ADD_DST_ADDR, dp.base);
	SET(w, ADD_DST_PART, dpart);
	SET(w, ADD_N0, n0);
	SET(w, ADD_N1, n1);
	SET(w, ADD_AS0, ap.s[0]);
	SET(w, ADD_AS1, ap.s[1]);
	SET(w, ADD_BS0, bp.s[0]);
	SET(w, ADD_BS1, bp.s[1]);
	SET(w, ADD_DS0, dp.s[0]);
	SET(w, ADD_DS1, dp.s[1]);
	return sg_emit(g, w);
}

/* The fields of POOL that do not place data: mode, kernel, scale. */
static void sg_pool_encode(struct sg_gen *g, uint32_t *w)
{
	int64_t lo, hi, mult = 1, shift = 0, big = sg_chance(g, 1, 8);

	sg_clamps(g, &lo, &hi);
	if (sg_chance(g, 1, 3))
		sg_scale(g, &mult, &shift);
	SET(w, POOL_OPCODE, ATOLL_OP_POOL);
	SET(w, POOL_AVG, sg_below(g, 2));
	SET(w, POOL_COUNT_PAD, sg_below(g, 2));
	SET(w, POOL_SRC_SIGNED, sg_below(g, 2));
	SET(w, POOL_DST_SIGNED, sg_below(g, 2));
	SET(w, POOL_KH, sg_range(g, 1, big ? 6 : 3));
	SET(w, POOL_KW, sg_range(g, 1, big ? 6 : 3));
	SET(w, POOL_DY, sg_chance(g, 1, 4) ? 2 : 1);
	SET(w, POOL_DX, sg_chance(g, 1, 4) ? 2 : 1);
	SET(w, POOL_MULT, mult);
	SET(w, POOL_SHIFT, shift);
	SET(w, POOL_SRC_ZP, sg_zp(g));
	SET(w, POOL_DST_ZP, sg_chance(g, 1, 2) ? 0 : sg_zp(g));
	SET(w, POOL_CMIN, lo);
	SET(w, POOL_CMAX, hi);
}

/* POOL over an image in written SPM, windows reaching into the padding. */
static int sg_gen_pool(struct sg_gen *g)
{
	uint32_t w[ATOLL_CMD_WORDS];
	struct sg_box b;
	struct sg_pat dp;
	int64_t nparts, wd, pitch, h, sy, sx, n0, n1, kh, kw;

	if (sg_box_pick(g, &g->spm_boxes, 1, 1, &b) < 0)
		return -1;
	nparts = sg_upto(g, b.np);
	sg_image(g, &b, 12, &wd, &pitch, &h);
	n0 = sg_range(g, 1, 8);
	n1 = sg_range(g, 1, 6);
	sy = sg_conv_stride(g);
	sx = sg_conv_stride(g);
	if (sg_fit2(g, &dp, n0, n1, 1, g->spm_lo, g->spm_lo + g->spm_n - 1,
	    1) < 0)
		return -1;
	memset(w, 0, sizeof(w));
	sg_pool_encode(g, w);
	kh = GETU(w, POOL_KH);
	kw = GETU(w, POOL_KW);
	SET(w, POOL_NPARTS, nparts);
	SET(w, POOL_SRC_ADDR, b.a0 + sg_below(g, b.na - ((h - 1) * pitch + wd) +
		1));
	SET(w, POOL_SRC_PART, b.p0 + sg_below(g, b.np - nparts + 1));
	SET(w, POOL_DST_PART, sg_below(g, g->rows - nparts + 1));
	SET(w, POOL_DST_ADDR, dp.base);
	SET(w, POOL_N0, n0);
	SET(w, POOL_N1, n1);
	SET(w, POOL_DS0, dp.s[0]);
	SET(w, POOL_DS1, dp.s[1]);
	SET(w, POOL_H, h);
	SET(w, POOL_W, wd);
	SET(w, POOL_PITCH, pitch);
	SET(w, POOL_Y0, sg_origin(g, h, sy, n1) - kh / 2);
	SET(w, POOL_X0, sg_origin(g, wd, sx, n0) - kw / 2);
	SET(w, POOL_SY, sy);
	SET(w, POOL_SX, sx);
	return sg_emit(g, w);
}

/* A SIGNAL nobody needs yet (later WAITs may use it). */
static int sg_gen_signal(struct sg_gen *g)
{
	if (!sg_room(g, 1))
		return -1;
	sg_signal(g, (int) sg_below(g, SG_ENGINES));
	return 0;
}

/* A WAIT for a value the semaphore already reached when the WAIT runs:
 * 0, or a SIGNAL the engine issued itself or already waited past.
 */
static int sg_gen_wait_reached(struct sg_gen *g)
{
	struct sg_sig zero;
	int e = (int) sg_below(g, SG_ENGINES);
	int f = (int) sg_below(g, SG_ENGINES);
	uint32_t k;

	if (!sg_room(g, 1))
		return -1;
	if (sg_chance(g, 1, 4)) {
		memset(&zero, 0, sizeof(zero));
		zero.sem = (uint32_t) sg_below(g, g->nsem);
		sg_wait(g, e, &zero, -1);
		g->cov->wait_reached++;
		return 0;
	}
	k = sg_sig_after(g, f, f == e ? g->seq[e] : g->vc[e][f]);
	if (k == 0)
		return -1;
	sg_wait(g, e, &g->sig[f][sg_below(g, k)], f);
	g->cov->wait_reached++;
	return 0;
}

/* A generator of commands for engine "e". */
static sg_gen_fn sg_engine_gen(struct sg_gen *g, int e)
{
	static const sg_gen_fn fn[SG_ENGINES][3] = {
		{ sg_gen_dma_in, sg_gen_dma_box, sg_gen_dma_box },
		{ sg_gen_dma_out, sg_gen_dma_out, sg_gen_move },
		{ sg_gen_ldw, sg_gen_mm_any, sg_gen_mm_any },
		{ sg_gen_act, sg_gen_add, sg_gen_pool },
	};

	return fn[e][sg_below(g, 3)];
}

/* More than QUEUE_DEPTH commands in a row for one engine (as far as the
 * room left allows).  Reports success once started, so that it is not
 * tried again.
 */
static int sg_gen_burst(struct sg_gen *g)
{
	int e = (int) sg_below(g, SG_ENGINES);
	int64_t k, n = g->cfg->queue_depth + 1 +
		sg_below(g, g->cfg->queue_depth + 1);

	n = sg_min(n, ((int64_t) g->max_cmds - g->ncmds - 64) / 2);
	for (k = 0; k < n; k++)
		if (sg_try(g, sg_engine_gen(g, e)) < 0)
			break;
	return 0;
}

/* One step: a command (or a group) chosen by weight. */
static void sg_step(struct sg_gen *g)
{
	static const struct {
		sg_gen_fn fn;
		int weight;
	} tab[] = {
		{ sg_gen_dma_box, 10 }, { sg_gen_dma_in, 8 },
		{ sg_gen_dma_out, 10 }, { sg_gen_ldw, 4 },
		{ sg_gen_mm_any, 8 }, { sg_gen_conv, 3 },
		{ sg_gen_act, 12 }, { sg_gen_add, 6 }, { sg_gen_pool, 6 },
		{ sg_gen_move, 6 },
		{ sg_gen_signal, 2 }, { sg_gen_wait_reached, 3 },
		{ sg_gen_burst, 1 },
	};
	int k, n = (int) (sizeof(tab) / sizeof(tab[0])), total = 0;
	int64_t r;

	if (g->spm_boxes.n == 0) {
		sg_try(g, sg_gen_dma_box);
		return;
	}
	for (k = 0; k < n; k++)
		total += tab[k].weight;
	r = sg_below(g, total);
	for (k = 0; r >= tab[k].weight; k++)
		r -= tab[k].weight;
	sg_try(g, tab[k].fn);
}

/* The commands: a random length, then some results written out, END. */
static void sg_body(struct sg_gen *g)
{
	uint32_t w[ATOLL_CMD_WORDS];
	int64_t k, steps, target = sg_chance(g, 1, 8) ?
		sg_range(g, 800, 2000) : sg_range(g, 40, 400);

	target = sg_min(target, (int64_t) g->max_cmds - 64);
	for (steps = 0; (int64_t) g->ncmds < target && steps < 100 * target;
	    steps++)
		sg_step(g);
	for (k = sg_range(g, 2, 5); k > 0; k--)
		sg_try(g, sg_gen_dma_out);
	memset(w, 0, sizeof(w));
	SET(w, END_OPCODE, ATOLL_OP_END);
	sg_append(g, w);
}

static void sg_fini(struct sg_gen *g)
{
	int f;

	free(g->spm);
	free(g->psum);
	free(g->dram);
	free(g->cmds);
	for (f = 0; f < SG_ENGINES; f++)
		free(g->sig[f]);
	free(g->semval);
	free(g->semwaits);
}

/* Windows and memory layout: a random SPM and PSUM window, then the
 * image: data region, output region, commands.
 */
static int sg_init(struct sg_gen *g, const atoll_hwcfg *cfg, uint64_t seed,
	atoll_stream_cov *cov)
{
	int64_t budget;
	int f, ok = 1;

	memset(g, 0, sizeof(*g));
	if (cfg->semaphores < SG_ENGINES || cfg->dram_bytes < 65536 ||
	    cfg->rows < 1 || cfg->cols < 1 || cfg->queue_depth < 1 ||
	    cfg->spm_bytes < 16 || cfg->psum_depth < 1)
		return -1;
	g->cfg = cfg;
	g->cov = cov;
	g->seed = seed;
	g->rng = seed * 0x2545f4914f6cdd1dull + 0x1234567;
	g->rows = cfg->rows;
	g->cols = cfg->cols;
	g->nsem = cfg->semaphores < 256 ? cfg->semaphores : 256;
	g->spm_n = sg_min(cfg->spm_bytes, sg_max(1024, 32768 / g->rows));
	g->spm_lo = sg_chance(g, 1, 2) ? 0 :
		sg_below(g, cfg->spm_bytes - g->spm_n + 1);
	g->psum_n = sg_min(cfg->psum_depth, 512);
	g->psum_lo = sg_chance(g, 1, 2) ? 0 :
		sg_below(g, cfg->psum_depth - g->psum_n + 1);
	budget = sg_min(cfg->dram_bytes, SG_IMAGE_MAX) & ~(int64_t) 63;
	g->data_hi = budget / 4;
	g->out_lo = g->data_hi;
	g->out_hi = g->out_lo + budget / 8;
	g->cmd_base = (g->out_hi + 63) & ~(int64_t) 63;
	g->max_cmds = (uint32_t) ((budget - g->cmd_base) / ATOLL_CMD_BYTES);
	g->run_engine = -1;
	g->spm = calloc((size_t) (g->rows * g->spm_n), sizeof(*g->spm));
	g->psum = calloc((size_t) (g->cols * g->psum_n), sizeof(*g->psum));
	g->dram = calloc((size_t) (g->out_hi - g->out_lo), sizeof(*g->dram));
	g->cmds = calloc(g->max_cmds, ATOLL_CMD_BYTES);
	g->semval = calloc(g->nsem, sizeof(*g->semval));
	g->semwaits = calloc(g->nsem, sizeof(*g->semwaits));
	for (f = 0; f < SG_ENGINES; f++) {
		g->sig[f] = calloc(g->max_cmds, sizeof(*g->sig[f]));
		ok = ok && g->sig[f];
	}
	if (!ok || !g->spm || !g->psum || !g->dram || !g->cmds ||
	    !g->semval || !g->semwaits)
		return -1;
	return 0;
}

static void sg_store32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t) v;
	p[1] = (uint8_t) (v >> 8);
	p[2] = (uint8_t) (v >> 16);
	p[3] = (uint8_t) (v >> 24);
}

/* The stream "s" of generator "g": random data before the commands. */
static int sg_stream(struct sg_gen *g, atoll_stream *s)
{
	uint32_t k;
	size_t n = (size_t) g->ncmds * ATOLL_CMD_WORDS;

	s->ncmds = g->ncmds;
	s->cmd_base = (uint32_t) g->cmd_base;
	s->dram_bytes = s->cmd_base + g->ncmds * ATOLL_CMD_BYTES;
	s->win_lo = 0;
	s->win_hi = s->dram_bytes;
	s->cmds = malloc(n * sizeof(uint32_t));
	s->dram_init = malloc(s->dram_bytes);
	if (!s->cmds || !s->dram_init)
		return -1;
	memcpy(s->cmds, g->cmds, n * sizeof(uint32_t));
	g->rng = g->seed ^ 0x5bd1e9955bd1e995ull;
	for (k = 0; k < s->cmd_base; k++)
		s->dram_init[k] = (uint8_t) (sg_next(g) >> 56);
	for (k = 0; k < n; k++)
		sg_store32(s->dram_init + s->cmd_base + 4 * k, s->cmds[k]);
	return 0;
}

int atoll_stream_generate(const atoll_hwcfg *cfg, uint64_t seed,
	atoll_stream *s)
{
	struct sg_gen g;

	memset(s, 0, sizeof(*s));
	if (sg_init(&g, cfg, seed, &s->cov) < 0)
		goto error;
	sg_body(&g);
	if (sg_stream(&g, s) < 0)
		goto error;
	sg_fini(&g);
	return 0;
error:
	sg_fini(&g);
	atoll_stream_free(s);
	return -1;
}

void atoll_stream_free(atoll_stream *s)
{
	free(s->cmds);
	free(s->dram_init);
	memset(s, 0, sizeof(*s));
}

void atoll_stream_accesses(const uint32_t *w, atoll_access_fn fn, void *ctx)
{
	struct sg_gen g;

	memset(&g, 0, sizeof(g));
	g.fn = fn;
	g.fn_ctx = ctx;
	sg_visit(&g, w);
}

static void sg_sum(uint32_t *sum, const uint32_t *c, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		sum[k] += c[k];
}

#define SG_SUM(f) sg_sum((uint32_t *) &sum->f, (const uint32_t *) &c->f, \
	sizeof(c->f) / sizeof(uint32_t))

void atoll_stream_cov_add(atoll_stream_cov *sum, const atoll_stream_cov *c)
{
	SG_SUM(op);
	SG_SUM(dma_dims);
	SG_SUM(dma_fill);
	SG_SUM(dma_fill_ignored);
	SG_SUM(dma_neg_stride);
	SG_SUM(dma_part_stride);
	SG_SUM(dma_dup_write);
	SG_SUM(dma_out_reread);
	SG_SUM(ldw_signed);
	SG_SUM(ldw_partial);
	SG_SUM(mm_acc);
	SG_SUM(mm_signed);
	SG_SUM(mm_pad);
	SG_SUM(mm_all_pad);
	SG_SUM(act_type);
	SG_SUM(act_pp);
	SG_SUM(act_nb);
	SG_SUM(act_in_place);
	SG_SUM(add_signed);
	SG_SUM(add_in_place);
	SG_SUM(pool_mode);
	SG_SUM(pool_pad);
	SG_SUM(wait_pair);
	SG_SUM(wait_reached);
	SG_SUM(wait_multi);
	SG_SUM(queue_fill);
	SG_SUM(move_dims);
	SG_SUM(move_neg_stride);
	SG_SUM(move_part_stride);
	SG_SUM(move_transpose);
	SG_SUM(move_dup_write);
	SG_SUM(move_run);
	SG_SUM(move_read_back);
}
