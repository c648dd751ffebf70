/*
 * Polyhedral lowering of the vector operators (ACT engine): elementwise
 * requantisation, sums of two tensors, pooling and data movement.
 *
 * The element statement S[n,c,y,x,i,j] (output element (n,c,y,x), window
 * tap (i,j)) reads input 0 through the window relation and input 1 at the
 * same element; the tiling map sends it to CMP[n, c/ROWS, y/BH, x/BW].
 * Load statements LD0/LD1 and the store ST are the same tiles; their
 * footprints are images under the composed relations (poly.c).  A tile's
 * footprint box is loaded channel-per-partition, one compute command runs
 * over the box, and the output block is stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isl/map.h>
#include <isl/set.h>
#include <isl/union_map.h>
#include <isl/union_set.h>

#include "lower.h"
#include "poly.h"

struct vec_gen {
	isl_ctx *ctx;
	atoll_emit *em;
	const atoll_vec *v;
	int64_t R, bh, bw;
	int64_t slot[2], pitch_max[2], out_base, out_end;
	atoll_fp fp[2];		/* LDk[n,c,a,b] -> Xk[n,c,h,w] */
	atoll_fp y_fp;		/* ST[n,c,a,b] -> Y[n,c,y,x] */
	atoll_box box[2];
	atoll_box out_box;
	atoll_buf spm_in[2], spm_out;
};

/* Footprint extent along one spatial dimension of a block of "b" outputs. */
static int64_t span(int64_t b, int64_t s, int64_t k, int64_t d, int64_t lim)
{
	int64_t n = (b - 1) * s + (k - 1) * d + 1;

	return n < lim ? n : lim;
}

/* Lay out the scratchpad from "lo" for output blocks of "bh" x "bw":
 * the input footprints not resident, then the output block unless it is.
 * Returns the end of the layout.
 */
static int64_t vec_layout(struct vec_gen *g, int64_t lo, int64_t bh,
	int64_t bw)
{
	const atoll_vec *v = g->v;
	int64_t off = lo;
	int k;

	for (k = 0; k < v->nin; k++) {
		int64_t fh = k ? bh : span(bh, v->sh, v->kh, v->dh, v->in[0].h);
		int64_t fw = k ? bw : span(bw, v->sw, v->kw, v->dw, v->in[0].w);

		g->slot[k] = off;
		if (!v->in[k].res.on)
			off = atoll_align64(off + fh * fw);
	}
	g->out_base = off;
	g->out_end = off + (v->out.res.on ? 0 : bh * bw);
	return g->out_end;
}

/* The whole output as one block, halved until the layout fits in
 * [lo, hi).  Returns the end of the layout, or when even one position
 * does not fit, the (too large) end of the one-position layout; the last
 * layout made is the chosen one.  Shared by the planner (atoll_vec_work)
 * and the code generator.
 */
static int64_t vec_fit(struct vec_gen *g, int64_t lo, int64_t hi)
{
	const atoll_vec *v = g->v;
	int64_t need;

	g->bh = v->oh;
	g->bw = v->ow;
	while ((need = vec_layout(g, lo, g->bh, g->bw)) > hi) {
		if (g->bh > 1)
			g->bh = (g->bh + 1) / 2;
		else if (g->bw > 1)
			g->bw = (g->bw + 1) / 2;
		else
			break;
	}
	return need;
}

/* A model of the device-memory bytes the tiles move: input 0's window
 * footprints per block, input 1 and the output once, each unless
 * resident.
 */
static int64_t vec_traffic(const struct vec_gen *g)
{
	const atoll_vec *v = g->v;
	int64_t t = 0, all = v->n * v->c * v->oh * v->ow;

	if (!v->in[0].res.on)
		t += v->n * v->c *
			atoll_window_span(v->oh, g->bh, v->sh, v->kh, v->dh,
				v->pt, v->in[0].h) *
			atoll_window_span(v->ow, g->bw, v->sw, v->kw, v->dw,
				v->pl, v->in[0].w);
	if (v->nin > 1 && !v->in[1].res.on)
		t += all;
	if (!v->out.res.on)
		t += all;
	return t;
}

int64_t atoll_vec_work(const atoll_hwcfg *hw, const atoll_vec *v,
	int64_t lo, int64_t hi, int64_t *traffic)
{
	struct vec_gen g;
	int64_t end;

	memset(&g, 0, sizeof(g));
	g.v = v;
	g.R = hw->rows;
	end = vec_fit(&g, lo, hi);
	if (traffic)
		*traffic = vec_traffic(&g);
	return end;
}

static int vec_choose_tiles(struct vec_gen *g)
{
	const atoll_vec *v = g->v;
	const atoll_emit *em = g->em;
	int64_t need = vec_fit(g, em->spm_lo, em->spm_hi), lo;

	if (need > em->spm_hi) {
		atoll_diag_error(em->diag, v->name, "operator needs "
			"%lld scratchpad bytes per partition",
			(long long) need);
		return -1;
	}
	/* at the top of the work space if it fits there, away from the
	 * resident tensors (as conv_choose_tiles)
	 */
	lo = (em->spm_hi - (need - em->spm_lo)) / 64 * 64;
	if (em->tiles_high && lo > em->spm_lo &&
	    vec_layout(g, lo, g->bh, g->bw) > em->spm_hi)
		vec_layout(g, em->spm_lo, g->bh, g->bw);
	if (g->bh > 65535 || g->bw > 65535) {
		atoll_diag_error(g->em->diag, v->name, "output too large");
		return -1;
	}
	return 0;
}

static int vec_build_relations(struct vec_gen *g, isl_set **dom)
{
	const atoll_vec *v = g->v;
	isl_ctx *ctx = g->ctx;
	isl_map *t, *tinv, *a0, *a1, *ay;
	int r;

	t = atoll_read_map(ctx, "{ S[n,c,y,x,i,j] -> CMP[n, floor(c/%lld), "
		"floor(y/%lld), floor(x/%lld)] : 0<=n<%lld and 0<=c<%lld and "
		"0<=y<%lld and 0<=x<%lld and 0<=i<%lld and 0<=j<%lld }",
		(long long) g->R, (long long) g->bh, (long long) g->bw,
		(long long) v->n, (long long) v->c, (long long) v->oh,
		(long long) v->ow, (long long) v->kh, (long long) v->kw);
	a0 = atoll_read_map(ctx, "{ S[n,c,y,x,i,j] -> X0[n,c,h,w] : "
		"h = y*%lld + i*%lld - %lld and w = x*%lld + j*%lld - %lld and "
		"0 <= h < %lld and 0 <= w < %lld }", (long long) v->sh,
		(long long) v->dh, (long long) v->pt, (long long) v->sw,
		(long long) v->dw, (long long) v->pl, (long long) v->in[0].h,
		(long long) v->in[0].w);
	a1 = isl_map_read_from_str(ctx, "{ S[n,c,y,x,i,j] -> X1[n,c,y,x] }");
	ay = isl_map_read_from_str(ctx, "{ S[n,c,y,x,i,j] -> Y[n,c,y,x] }");
	*dom = isl_map_range(isl_map_copy(t));
	tinv = isl_map_reverse(t);
	r = atoll_fp_init(&g->fp[0], atoll_footprint(tinv,
		isl_map_read_from_str(ctx, "{ CMP[n,c,a,b] -> LD0[n,c,a,b] }"),
		a0));
	if (v->nin > 1)
		r |= atoll_fp_init(&g->fp[1], atoll_footprint(tinv,
			isl_map_read_from_str(ctx,
				"{ CMP[n,c,a,b] -> LD1[n,c,a,b] }"), a1));
	else
		isl_map_free(a1);
	r |= atoll_fp_init(&g->y_fp, atoll_footprint(tinv,
		isl_map_read_from_str(ctx, "{ CMP[n,c,a,b] -> ST[n,c,a,b] }"),
		ay));
	isl_map_free(tinv);
	return *dom && !r ? 0 : -1;
}

/* Per tile: load the input footprints, compute, store. */
static __isl_give isl_union_map *vec_schedule(struct vec_gen *g,
	__isl_take isl_set *dom)
{
	isl_union_set *us;
	isl_union_map *s;

	us = isl_union_set_from_set(isl_set_copy(dom));
	if (!g->v->in[0].res.on)
		us = isl_union_set_add_set(us, isl_set_set_tuple_name(
			isl_set_copy(dom), "LD0"));
	if (g->v->nin > 1 && !g->v->in[1].res.on)
		us = isl_union_set_add_set(us, isl_set_set_tuple_name(
			isl_set_copy(dom), "LD1"));
	if (!g->v->out.res.on)
		us = isl_union_set_add_set(us, isl_set_set_tuple_name(
			isl_set_copy(dom), "ST"));
	isl_set_free(dom);
	s = isl_union_map_read_from_str(g->ctx, "{ "
		"LD0[n,c,a,b] -> [n,c,a,b,0]; LD1[n,c,a,b] -> [n,c,a,b,1]; "
		"CMP[n,c,a,b] -> [n,c,a,b,2]; ST[n,c,a,b] -> [n,c,a,b,3] }");
	return isl_union_map_intersect_domain(s, us);
}

static int stmt_load(struct vec_gen *g, int k, const int64_t *t)
{
	const atoll_view *x = &g->v->in[k];
	atoll_box *b = &g->box[k];
	atoll_dma_dim d[3];

	if (atoll_box_at(&g->fp[k], t, 4, b) < 0)
		return -1;
	if (b->empty)
		return 0;
	d[0] = (atoll_dma_dim) { atoll_box_extent(b, 3), x->s_w, 1, 0 };
	d[1] = (atoll_dma_dim) { atoll_box_extent(b, 2), x->s_h,
		atoll_box_extent(b, 3), 0 };
	d[2] = (atoll_dma_dim) { atoll_box_extent(b, 1), x->s_c, 0, 1 };
	return atoll_emit_dma(g->em, ATOLL_OP_DMA_IN, x->addr + t[0] * x->s_n +
		b->lo[1] * x->s_c + b->lo[2] * x->s_h + b->lo[3] * x->s_w,
		b->lo[1] - t[1] * g->R, g->slot[k], d, 3, -1, &g->spm_in[k],
		x->buf, g->v->name);
}

static int fits16(int64_t v, int is_signed)
{
	return is_signed ? v >= -32768 && v < 32768 : v >= 0 && v < 65536;
}

/* Where input "k" of tile "t" starts for output position (y, x) of the
 * block, and its row pitch: the loaded box, or the resident tensor.
 */
static int64_t src_addr(struct vec_gen *g, int k, const int64_t *t,
	int64_t y, int64_t x, int64_t *pitch)
{
	const atoll_view *in = &g->v->in[k];
	const atoll_res *r = &in->res;
	const atoll_box *b = &g->box[k];

	if (r->on) {		/* stride 0: broadcast over H or W */
		*pitch = in->s_h ? r->pitch : 0;
		return r->base + t[0] * r->s_n + t[1] * r->tile + y * *pitch +
			(in->s_w ? x : 0);
	}
	*pitch = atoll_box_extent(b, 3);
	return g->slot[k] + (y - b->lo[2]) * *pitch + (x - b->lo[3]);
}

static int64_t dst_addr(struct vec_gen *g, const int64_t *t, int64_t *pitch)
{
	const atoll_res *r = &g->v->out.res;
	const atoll_box *o = &g->out_box;

	if (r->on) {
		*pitch = r->pitch;
		return r->base + t[0] * r->s_n + t[1] * r->tile +
			o->lo[2] * r->pitch + o->lo[3];
	}
	*pitch = atoll_box_extent(o, 3);
	return g->out_base;
}

static int cmd_act(struct vec_gen *g, const int64_t *t, uint32_t *w)
{
	const atoll_vec *v = g->v;
	const atoll_box *o = &g->out_box;

	ATOLL_SET(w, ATOLL_ACT_OPCODE, ATOLL_OP_ACT);
	ATOLL_SET(w, ATOLL_ACT_SRC_TYPE, v->in[0].is_signed ? 3 : 2);
	ATOLL_SET(w, ATOLL_ACT_DST_TYPE, v->out.is_signed ? 1 : 0);
	int64_t sp, dp;

	ATOLL_SET(w, ATOLL_ACT_NPARTS, atoll_box_extent(o, 1));
	ATOLL_SET(w, ATOLL_ACT_SRC_ADDR, src_addr(g, 0, t, o->lo[2], o->lo[3],
		&sp));
	ATOLL_SET(w, ATOLL_ACT_DST_ADDR, dst_addr(g, t, &dp));
	ATOLL_SET(w, ATOLL_ACT_N0, atoll_box_extent(o, 3));
	ATOLL_SET(w, ATOLL_ACT_N1, atoll_box_extent(o, 2));
	ATOLL_SET(w, ATOLL_ACT_SS0, 1);
	ATOLL_SET(w, ATOLL_ACT_SS1, sp);
	ATOLL_SET(w, ATOLL_ACT_DS0, 1);
	ATOLL_SET(w, ATOLL_ACT_DS1, dp);
	ATOLL_SET(w, ATOLL_ACT_MULT, v->mult[0]);
	ATOLL_SET(w, ATOLL_ACT_SHIFT, v->shift);
	ATOLL_SET(w, ATOLL_ACT_SRC_ZP, v->zp_in[0]);
	ATOLL_SET(w, ATOLL_ACT_DST_ZP, v->zp_out);
	ATOLL_SET(w, ATOLL_ACT_CMIN, v->cmin);
	ATOLL_SET(w, ATOLL_ACT_CMAX, v->cmax);
	return 0;
}

static int cmd_add(struct vec_gen *g, const int64_t *t, uint32_t *w)
{
	const atoll_vec *v = g->v;
	const atoll_box *o = &g->out_box;
	int64_t ap, bp, dp;

	ATOLL_SET(w, ATOLL_ADD_OPCODE, ATOLL_OP_ADD);
	ATOLL_SET(w, ATOLL_ADD_A_SIGNED, v->in[0].is_signed);
	ATOLL_SET(w, ATOLL_ADD_B_SIGNED, v->in[1].is_signed);
	ATOLL_SET(w, ATOLL_ADD_DST_SIGNED, v->out.is_signed);
	ATOLL_SET(w, ATOLL_ADD_NPARTS, atoll_box_extent(o, 1));
	ATOLL_SET(w, ATOLL_ADD_A_ADDR, src_addr(g, 0, t, o->lo[2], o->lo[3],
		&ap));
	ATOLL_SET(w, ATOLL_ADD_B_ADDR, src_addr(g, 1, t, o->lo[2], o->lo[3],
		&bp));
	ATOLL_SET(w, ATOLL_ADD_DST_ADDR, dst_addr(g, t, &dp));
	ATOLL_SET(w, ATOLL_ADD_N0, atoll_box_extent(o, 3));
	ATOLL_SET(w, ATOLL_ADD_N1, atoll_box_extent(o, 2));
	ATOLL_SET(w, ATOLL_ADD_AS0, v->in[0].res.on && !v->in[0].s_w ? 0 : 1);
	ATOLL_SET(w, ATOLL_ADD_AS1, ap);
	ATOLL_SET(w, ATOLL_ADD_BS0, v->in[1].res.on && !v->in[1].s_w ? 0 : 1);
	ATOLL_SET(w, ATOLL_ADD_BS1, bp);
	ATOLL_SET(w, ATOLL_ADD_DS0, 1);
	ATOLL_SET(w, ATOLL_ADD_DS1, dp);
	ATOLL_SET(w, ATOLL_ADD_A_MULT, v->mult[0]);
	ATOLL_SET(w, ATOLL_ADD_B_MULT, v->mult[1]);
	ATOLL_SET(w, ATOLL_ADD_SHIFT, v->shift);
	ATOLL_SET(w, ATOLL_ADD_A_ZP, v->zp_in[0]);
	ATOLL_SET(w, ATOLL_ADD_B_ZP, v->zp_in[1]);
	ATOLL_SET(w, ATOLL_ADD_DST_ZP, v->zp_out);
	ATOLL_SET(w, ATOLL_ADD_CMIN, v->cmin);
	ATOLL_SET(w, ATOLL_ADD_CMAX, v->cmax);
	return 0;
}

/* POOL over the loaded box: the output block starts at (y0, x0); its
 * window origin in box coordinates is (y0*SH - PT - h0, x0*SW - PL - w0).
 */
static int cmd_pool(struct vec_gen *g, const int64_t *t, uint32_t *w)
{
	const atoll_vec *v = g->v;
	const atoll_box *o = &g->out_box, *b = &g->box[0];
	const atoll_res *r = &v->in[0].res;
	int empty = !r->on && b->empty;
	int64_t hh = r->on ? v->in[0].h : empty ? 1 : atoll_box_extent(b, 2);
	int64_t ww = r->on ? v->in[0].w : empty ? 1 : atoll_box_extent(b, 3);
	int64_t pitch = r->on ? r->pitch : ww;
	int64_t sa = r->on ? r->base + t[0] * r->s_n + t[1] * r->tile :
		g->slot[0];
	int64_t y0 = o->lo[2] * v->sh - v->pt - (r->on || empty ? 0 : b->lo[2]);
	int64_t x0 = o->lo[3] * v->sw - v->pl - (r->on || empty ? 0 : b->lo[3]);
	int64_t dp;

	if (empty)
		y0 = -1 - (atoll_box_extent(o, 2) - 1) * v->sh -
			(v->kh - 1) * v->dh;
	if (!fits16(y0, 1) || !fits16(x0, 1) || !fits16(v->sh, 1) ||
	    !fits16(v->sw, 1) || !fits16(pitch, 0) || !fits16(hh, 0) ||
	    !fits16(ww, 0) || v->kh > 255 || v->kw > 255 || v->dh > 255 ||
	    v->dw > 255) {
		atoll_diag_error(g->em->diag, v->name,
			"window geometry exceeds the POOL command fields");
		return -1;
	}
	ATOLL_SET(w, ATOLL_POOL_OPCODE, ATOLL_OP_POOL);
	ATOLL_SET(w, ATOLL_POOL_AVG, v->avg);
	ATOLL_SET(w, ATOLL_POOL_COUNT_PAD, v->count_pad);
	ATOLL_SET(w, ATOLL_POOL_SRC_SIGNED, v->in[0].is_signed);
	ATOLL_SET(w, ATOLL_POOL_DST_SIGNED, v->out.is_signed);
	ATOLL_SET(w, ATOLL_POOL_NPARTS, atoll_box_extent(o, 1));
	ATOLL_SET(w, ATOLL_POOL_SRC_ADDR, sa);
	ATOLL_SET(w, ATOLL_POOL_DST_ADDR, dst_addr(g, t, &dp));
	ATOLL_SET(w, ATOLL_POOL_N0, atoll_box_extent(o, 3));
	ATOLL_SET(w, ATOLL_POOL_N1, atoll_box_extent(o, 2));
	ATOLL_SET(w, ATOLL_POOL_DS0, 1);
	ATOLL_SET(w, ATOLL_POOL_DS1, dp);
	ATOLL_SET(w, ATOLL_POOL_H, hh);
	ATOLL_SET(w, ATOLL_POOL_W, ww);
	ATOLL_SET(w, ATOLL_POOL_PITCH, pitch);
	ATOLL_SET(w, ATOLL_POOL_Y0, y0);
	ATOLL_SET(w, ATOLL_POOL_X0, x0);
	ATOLL_SET(w, ATOLL_POOL_SY, v->sh);
	ATOLL_SET(w, ATOLL_POOL_SX, v->sw);
	ATOLL_SET(w, ATOLL_POOL_KH, v->kh);
	ATOLL_SET(w, ATOLL_POOL_KW, v->kw);
	ATOLL_SET(w, ATOLL_POOL_DY, v->dh);
	ATOLL_SET(w, ATOLL_POOL_DX, v->dw);
	ATOLL_SET(w, ATOLL_POOL_MULT, v->mult[0]);
	ATOLL_SET(w, ATOLL_POOL_SHIFT, v->shift);
	ATOLL_SET(w, ATOLL_POOL_SRC_ZP, v->zp_in[0]);
	ATOLL_SET(w, ATOLL_POOL_DST_ZP, v->zp_out);
	ATOLL_SET(w, ATOLL_POOL_CMIN, v->cmin);
	ATOLL_SET(w, ATOLL_POOL_CMAX, v->cmax);
	return 0;
}

/* A POOL copy into a resident buffer at channel offset "chan_off" that
 * is not a multiple of ROWS: input partition i of channel tile ct goes to
 * channel chan_off + ct*ROWS + i, i.e. partition (chan_off + i) mod ROWS
 * of tile ct + (chan_off + i) div ROWS.  The partitions wrap once, so the
 * command splits into two runs of contiguous partitions.
 */
static int emit_shifted(struct vec_gen *g, uint32_t *w, atoll_buf **bufs,
	int *uses)
{
	const atoll_res *r = &g->v->out.res;
	int64_t R = g->R, np = ATOLL_GETU(w, ATOLL_POOL_NPARTS);
	int64_t sp = ATOLL_GETU(w, ATOLL_POOL_SRC_PART);
	int64_t da = ATOLL_GETU(w, ATOLL_POOL_DST_ADDR);
	int64_t first = 0, k;

	if (g->v->kind != ATOLL_VEC_POOL)
		return -1;
	while (first < np) {
		int64_t ch = r->chan_off % R + first;
		int64_t part = ch % R, len = R - part;

		k = np - first < len ? np - first : len;
		ATOLL_SET(w, ATOLL_POOL_NPARTS, k);
		ATOLL_SET(w, ATOLL_POOL_SRC_PART, sp + first);
		ATOLL_SET(w, ATOLL_POOL_DST_PART, part);
		ATOLL_SET(w, ATOLL_POOL_DST_ADDR, da + (r->chan_off / R +
			ch / R) * r->tile);
		if (atoll_emit_cmd(g->em, w, 3, bufs, uses) < 0)
			return -1;
		first += k;
	}
	return 0;
}

static int stmt_cmp(struct vec_gen *g, const int64_t *t)
{
	uint32_t w[ATOLL_CMD_WORDS] = { 0 };
	const atoll_vec *v = g->v;
	atoll_buf *bufs[3] = {
		v->in[0].res.on ? v->in[0].res.buf : &g->spm_in[0],
		v->nin > 1 && v->in[1].res.on ? v->in[1].res.buf :
			&g->spm_in[1],
		v->out.res.on ? v->out.res.buf : &g->spm_out };
	int uses[3] = { ATOLL_USE_READ, ATOLL_USE_READ, ATOLL_USE_WRITE };
	int r;

	if (atoll_box_at(&g->y_fp, t, 4, &g->out_box) < 0 ||
	    g->out_box.empty)
		return -1;
	if (g->v->kind == ATOLL_VEC_ADD)
		r = cmd_add(g, t, w);
	else if (g->v->kind == ATOLL_VEC_ACT)
		r = cmd_act(g, t, w);
	else
		r = cmd_pool(g, t, w);
	if (r < 0)
		return -1;
	if (v->out.res.on && v->out.res.chan_off)
		return emit_shifted(g, w, bufs, uses);
	return atoll_emit_cmd(g->em, w, 3, bufs, uses);
}

static int stmt_store(struct vec_gen *g, const int64_t *t)
{
	const atoll_view *y = &g->v->out;
	const atoll_box *o = &g->out_box;
	atoll_dma_dim d[3];
	int64_t n0 = atoll_box_extent(o, 3);

	d[0] = (atoll_dma_dim) { n0, y->s_w, 1, 0 };
	d[1] = (atoll_dma_dim) { atoll_box_extent(o, 2), y->s_h, n0, 0 };
	d[2] = (atoll_dma_dim) { atoll_box_extent(o, 1), y->s_c, 0, 1 };
	return atoll_emit_dma(g->em, ATOLL_OP_DMA_OUT, y->addr + t[0] * y->s_n +
		o->lo[1] * y->s_c + o->lo[2] * y->s_h + o->lo[3] * y->s_w, 0,
		g->out_base, d, 3, -1, &g->spm_out, y->buf, g->v->name);
}

static int vec_stmt(const char *stmt, const int64_t *args, int nargs,
	void *user)
{
	struct vec_gen *g = user;

	if (nargs != 4)
		return -1;
	if (!strcmp(stmt, "LD0"))
		return stmt_load(g, 0, args);
	if (!strcmp(stmt, "LD1"))
		return stmt_load(g, 1, args);
	if (!strcmp(stmt, "CMP"))
		return stmt_cmp(g, args);
	if (!strcmp(stmt, "ST"))
		return stmt_store(g, args);
	return -1;
}

static void vec_dump(struct vec_gen *g, FILE *dump)
{
	char *s;
	int k;

	fprintf(dump, "# %s (%s): blocks %lldx%lld\n", g->v->name,
		g->v->op_type, (long long) g->bh, (long long) g->bw);
	for (k = 0; k < g->v->nin; k++) {
		s = isl_map_to_str(g->fp[k].map);
		fprintf(dump, "input %d footprint: %s\n", k, s);
		free(s);
	}
	s = isl_map_to_str(g->y_fp.map);
	fprintf(dump, "output footprint: %s\n", s);
	free(s);
}

int atoll_vec_codegen(isl_ctx *ctx, atoll_emit *em, const atoll_vec *v,
	FILE *dump)
{
	struct vec_gen *g = calloc(1, sizeof(*g));
	isl_union_map *sched;
	isl_set *dom = NULL;
	int r = -1;

	if (!g)
		return -1;
	g->ctx = ctx;
	g->em = em;
	g->v = v;
	g->R = em->hw->rows;
	atoll_buf_init(&g->spm_in[0], "spm.in0");
	atoll_buf_init(&g->spm_in[1], "spm.in1");
	atoll_buf_init(&g->spm_out, "spm.out");
	if (vec_choose_tiles(g) < 0 || vec_build_relations(g, &dom) < 0) {
		isl_set_free(dom);
		goto done;
	}
	atoll_buf_spm(&g->spm_in[0], g->slot[0], v->nin > 1 ? g->slot[1] :
		g->out_base);
	if (v->nin > 1)
		atoll_buf_spm(&g->spm_in[1], g->slot[1], g->out_base);
	atoll_buf_spm(&g->spm_out, g->out_base, g->out_end);
	if (dump)
		vec_dump(g, dump);
	sched = vec_schedule(g, dom);
	r = atoll_schedule_walk(ctx, sched, dump, vec_stmt, g);
	isl_union_map_free(sched);
done:
	if (r < 0 && !em->diag->failed)
		atoll_diag_error(em->diag, v->name, "code generation failed: %s",
			atoll_isl_reason(ctx));
	atoll_emit_retire(em);
	atoll_fp_clear(&g->fp[0]);
	atoll_fp_clear(&g->fp[1]);
	atoll_fp_clear(&g->y_fp);
	free(g);
	return r;
}
