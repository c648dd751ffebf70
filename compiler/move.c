/*
 * Layout copies between two scratchpad-resident tensors (-O2): MOVE
 * commands (docs/isa.md) that read the source in its scratchpad layout
 * and write the destination in its own, across partitions, so that a
 * Transpose, a Reshape that changes the layout, a Concat along height or
 * width, a Slice or a Pad costs no device-memory traffic.
 *
 * Every element of the output extent has a source place (partition,
 * address) and a destination place, or is padding (a fill).  The extent
 * is cut into boxes on which both places are affine in the four loop
 * indices; each box is one MOVE (or one DMA_IN fill).  A box that is not
 * affine is split where a place stops advancing by the same step (a
 * partition wrap, the end of a row of the source, ...).
 */
#include <stdlib.h>
#include <string.h>

#include "lower.h"

struct place {
	int fill;			/* padding: no source */
	int64_t sp, sa, dp, da;
};

struct move_gen {
	atoll_emit *em;
	const atoll_move *m;
	int64_t R;
};

/* The (partition, address) of the element at row-major element offset
 * "off" of side "s".
 */
static void side_place(const struct move_gen *g, const atoll_move_side *s,
	int64_t off, int64_t *part, int64_t *addr)
{
	int64_t ix[4] = { 0, 0, 0, 0 }, n, c, h, w, ch;
	int k;

	for (k = s->rank - 1; k >= 0; k--) {
		ix[k] = off % s->dims[k];
		off /= s->dims[k];
	}
	if (s->rank == 4) {
		n = ix[0];
		c = ix[1];
		h = ix[2];
		w = ix[3];
	} else if (s->rank == 3) {	/* [B, M, K]: K channels, M long */
		n = ix[0];
		c = ix[2];
		h = 0;
		w = ix[1];
	} else {			/* [M, K] */
		n = 0;
		c = ix[1];
		h = 0;
		w = ix[0];
	}
	ch = s->res.chan_off + c;
	*part = ch % g->R;
	*addr = s->res.base + n * s->res.s_n + ch / g->R * s->res.tile +
		h * s->res.pitch + w;
}

static void place_at(const struct move_gen *g, const int64_t *i,
	struct place *p)
{
	const atoll_move *m = g->m;
	int64_t y = i[2] - m->pt, x = i[3] - m->pl;

	side_place(g, &m->dst, m->dst.off + i[0] * m->dst.s[0] +
		i[1] * m->dst.s[1] + i[2] * m->dst.s[2] + i[3] * m->dst.s[3],
		&p->dp, &p->da);
	p->fill = y < 0 || y >= m->h || x < 0 || x >= m->w;
	p->sp = p->sa = 0;
	if (!p->fill)
		side_place(g, &m->src, m->src.off + i[0] * m->src.s[0] +
			i[1] * m->src.s[1] + y * m->src.s[2] +
			x * m->src.s[3], &p->sp, &p->sa);
}

static int same(const struct place *a, const struct place *b)
{
	return a->fill == b->fill && a->sp == b->sp && a->sa == b->sa &&
		a->dp == b->dp && a->da == b->da;
}

/* The place of box index "i" if the box were affine from "p0" with the
 * per-dimension steps "st".
 */
static void affine_at(const struct place *p0, const struct place *st,
	const int64_t *lo, const int64_t *i, struct place *p)
{
	int k;

	*p = *p0;
	for (k = 0; k < 4; k++) {
		int64_t d = i[k] - lo[k];

		p->sp += d * st[k].sp;
		p->sa += d * st[k].sa;
		p->dp += d * st[k].dp;
		p->da += d * st[k].da;
	}
}

static int emit_box(struct move_gen *g, const int64_t *lo,
	const int64_t *hi, const struct place *p0, const struct place *st)
{
	uint32_t w[ATOLL_CMD_WORDS] = { 0 };
	atoll_buf *bufs[2] = { g->m->src.res.buf, g->m->dst.res.buf };
	int uses[2] = { ATOLL_USE_READ, ATOLL_USE_WRITE };
	int k;

	if (p0->fill) {
		atoll_dma_dim d[4];

		for (k = 0; k < 4; k++)
			d[k] = (atoll_dma_dim) { hi[3 - k] - lo[3 - k], 0,
				st[3 - k].da, st[3 - k].dp };
		return atoll_emit_dma(g->em, ATOLL_OP_DMA_IN, 0, p0->dp,
			p0->da, d, 4, g->m->fill, g->m->dst.res.buf, NULL,
			g->m->name);
	}
	ATOLL_SET(w, ATOLL_MOVE_OPCODE, ATOLL_OP_MOVE);
	ATOLL_SET(w, ATOLL_MOVE_SRC_PART, p0->sp);
	ATOLL_SET(w, ATOLL_MOVE_SRC_ADDR, p0->sa);
	ATOLL_SET(w, ATOLL_MOVE_DST_PART, p0->dp);
	ATOLL_SET(w, ATOLL_MOVE_DST_ADDR, p0->da);
#define DIM(j) do { \
		const struct place *s = &st[3 - j]; \
		ATOLL_SET(w, ATOLL_MOVE_COUNT##j, hi[3 - j] - lo[3 - j]); \
		ATOLL_SET(w, ATOLL_MOVE_SRC_STRIDE##j, s->sa); \
		ATOLL_SET(w, ATOLL_MOVE_SRC_PSTRIDE##j, s->sp); \
		ATOLL_SET(w, ATOLL_MOVE_DST_STRIDE##j, s->da); \
		ATOLL_SET(w, ATOLL_MOVE_DST_PSTRIDE##j, s->dp); \
	} while (0)
	DIM(0);
	DIM(1);
	DIM(2);
	DIM(3);
#undef DIM
	return atoll_emit_cmd(g->em, w, 2, bufs, uses);
}

/* Emit box [lo, hi) of the output extent: one command if the places are
 * affine on it and the steps and counts fit the command fields, else
 * split it and recurse.
 */
static int move_box(struct move_gen *g, const int64_t *lo, const int64_t *hi)
{
	struct place p0, st[4], p, q;
	int64_t i[4], j[4], cut = -1;
	int k, split = -1, ok = 1;

	for (k = 0; k < 4; k++)
		if (hi[k] <= lo[k])
			return 0;
	place_at(g, lo, &p0);
	for (k = 0; k < 4; k++) {
		memset(&st[k], 0, sizeof(st[k]));
		if (hi[k] - lo[k] < 2)
			continue;
		memcpy(j, lo, sizeof(j));
		j[k]++;
		place_at(g, j, &p);
		st[k].sp = p.sp - p0.sp;
		st[k].sa = p.sa - p0.sa;
		st[k].dp = p.dp - p0.dp;
		st[k].da = p.da - p0.da;
		if (hi[k] - lo[k] > 65535 || !atoll_fits_signed(st[k].sa, 24) ||
		    !atoll_fits_signed(st[k].sp, 8) ||
		    !atoll_fits_signed(st[k].da, 24) ||
		    !atoll_fits_signed(st[k].dp, 8) || p.fill != p0.fill) {
			split = k;
			cut = lo[k] + (hi[k] - lo[k] > 65535 ? 65535 :
				p.fill != p0.fill ? 1 : (hi[k] - lo[k]) / 2);
			ok = 0;
			break;
		}
	}
	/* check every element; on the first mismatch, cut the outermost
	 * dimension where it differs from the base line
	 */
	for (i[0] = lo[0]; ok && i[0] < hi[0]; i[0]++)
	for (i[1] = lo[1]; ok && i[1] < hi[1]; i[1]++)
	for (i[2] = lo[2]; ok && i[2] < hi[2]; i[2]++)
	for (i[3] = lo[3]; ok && i[3] < hi[3]; i[3]++) {
		place_at(g, i, &p);
		affine_at(&p0, st, lo, i, &q);
		if (same(&p, &q))
			continue;
		ok = 0;
		for (k = 0; k < 4 && split < 0; k++)
			if (i[k] != lo[k]) {
				split = k;
				cut = i[k];
			}
	}
	if (ok)
		return emit_box(g, lo, hi, &p0, st);
	if (split < 0)
		return -1;
	memcpy(j, hi, sizeof(j));
	j[split] = cut;
	if (move_box(g, lo, j) < 0)
		return -1;
	memcpy(i, lo, sizeof(i));
	i[split] = cut;
	return move_box(g, i, hi);
}

int atoll_move_codegen(atoll_emit *em, const atoll_move *m)
{
	struct move_gen g = { em, m, em->hw->rows };
	int64_t lo[4] = { 0, 0, 0, 0 };
	int64_t n = m->od[0] * m->od[1] * m->od[2] * m->od[3];
	size_t first = em->ncmds;
	int r;

	r = move_box(&g, lo, m->od);
	if (r < 0 && !em->diag->failed)
		atoll_diag_error(em->diag, m->name, "scratchpad copy: no "
			"command pattern found");
	atoll_emit_retire(em);
	/* a copy cut into pieces so small that fetching its commands costs
	 * over four times the device-memory bytes of a store and a load
	 */
	if (r == 0 && (int64_t) (em->ncmds - first) * ATOLL_CMD_BYTES >
	    4 * (2 * n + ATOLL_CMD_BYTES))
		return 1;
	return r;
}
