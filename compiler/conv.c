/*
 * Polyhedral lowering of a convolution (and of a matrix product, which
 * lower.c expresses as a 1x1 convolution) onto the array.
 *
 * The element-level statement S[n,o,y,x,c,i,j] (output channel o at output
 * position (y,x), input channel c, kernel tap (i,j)) has an iteration
 * domain and access relations to X, W and Y.  A tiling map groups its
 * instances into MM tiles (output block, output-channel tile, input-channel
 * tile, tap); the footprints of the load and store statements are the
 * images of their tiles under the composed access relations.  A schedule
 * over the tile statements goes through isl_ast_build, and walking the
 * resulting AST emits the commands.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isl/map.h>
#include <isl/set.h>
#include <isl/union_map.h>
#include <isl/union_set.h>
#include <isl/val.h>

#include "lower.h"
#include "poly.h"


struct conv_gen {
	isl_ctx *ctx;
	atoll_emit *em;
	const atoll_conv *c;
	int64_t R, C, esize;
	int64_t nct, nco, bh, bw, nbh, nbw;
	int64_t in_base, in_slot, w_base, w_slot, zp_base, par_base, out_base;
	int64_t spm_used;
	/* Double buffering: two copies of each scratchpad area, used in
	 * turn by successive blocks (input), output-channel tiles (weights,
	 * zero points, records) and output tiles, so that loading the next
	 * overlaps computing with the current; the current copy is in the
	 * fields above and in the buffer pointers below.
	 */
	int db;
	int64_t base2[5][2];	/* in, w, zp, par, out */
	int64_t size2[5];
	atoll_buf *buf2[5][2];
	int par2[5];		/* current copy of each area */
	int64_t ldin_key[3], ldwt_key[4];
	int have_ldin, have_ldwt;
	int first_mm;		/* next MM starts the PSUM accumulation */
	int have_key;
	int64_t out_key[4];	/* output tile (n,a,b,co) of out_box */
	atoll_fp in_fp;		/* LDIN[n,bh,bw,ct] -> X[n,c,h,w] */
	atoll_fp w_fp;		/* LDWT[n,bh,bw,co,ct] -> Wt[o,c,i,j] */
	atoll_fp y_fp;		/* OUT[n,bh,bw,co] -> Y[n,o,y,x] */
	atoll_box *in_box;	/* per input-channel tile, current block */
	atoll_box *w_box;	/* per input-channel tile, current co tile */
	atoll_box out_box;
	atoll_buf *spm_in, *spm_w, *spm_zp, *spm_par, *spm_out;
	atoll_buf store[5][2];
};

enum { A_IN, A_W, A_ZP, A_PAR, A_OUT };

/* Switch area "a" to its other copy (the same one without double
 * buffering).
 */
static void flip(struct conv_gen *g, int a)
{
	int p = g->par2[a] ^= 1;
	int64_t base = g->base2[a][p];
	atoll_buf *b = g->buf2[a][p];

	switch (a) {
	case A_IN: g->in_base = base; g->spm_in = b; break;
	case A_W: g->w_base = base; g->spm_w = b; break;
	case A_ZP: g->zp_base = base; g->spm_zp = b; break;
	case A_PAR: g->par_base = base; g->spm_par = b; break;
	default: g->out_base = base; g->spm_out = b; break;
	}
}

/* The bytes of the scratchpad area for the requantisation record of an
 * output channel of "c": its par_bytes.  An int32 output loads no record
 * but keeps the 8-byte area it always had, so its layout is unchanged.
 */
static int64_t conv_par_slot(const atoll_conv *c)
{
	return c->out_kind == ATOLL_OUT_REQUANT ? c->par_bytes :
		ATOLL_PARAM_BYTES;
}

/* Lay out the scratchpad from "lo" for output blocks of "bh" x "bw"
 * positions: input footprints per input-channel tile, weights of one
 * output-channel tile, weight zero points, requantisation records, output
 * block ("nb" copies of each).  Returns the end of the layout.
 */
static int64_t conv_layout(struct conv_gen *g, int64_t lo, int64_t bh,
	int64_t bw, int nb)
{
	const atoll_conv *c = g->c;
	int64_t fh = (bh - 1) * c->sh + (c->kh - 1) * c->dh + 1;
	int64_t fw = (bw - 1) * c->sw + (c->kw - 1) * c->dw + 1;
	int64_t size[5], a = lo;
	int k, p;

	if (fh > c->h)
		fh = c->h;
	if (fw > c->w)
		fw = c->w;
	g->in_slot = c->xres.on ? 0 : fh * fw;
	g->w_slot = c->kh * c->kw * g->C;
	size[A_IN] = g->nct * g->in_slot;
	size[A_W] = g->nct * g->w_slot;
	size[A_ZP] = g->C;
	size[A_PAR] = conv_par_slot(c);
	size[A_OUT] = c->yres.on ? 0 : bh * bw * g->esize;
	memcpy(g->size2, size, sizeof(size));
	for (k = 0; k < 5; k++)
		for (p = 0; p < 2; p++) {
			a = atoll_align64(a);
			g->base2[k][p] = p < nb ? a : g->base2[k][0];
			a += p < nb ? size[k] : 0;
		}
	g->in_base = g->base2[A_IN][0];
	g->w_base = g->base2[A_W][0];
	g->zp_base = g->base2[A_ZP][0];
	g->par_base = g->base2[A_PAR][0];
	g->out_base = g->base2[A_OUT][0];
	return a;
}

/* The output block for a layout in [lo, hi): as many positions as the
 * PSUM holds, halved until the layout fits; two copies of every area
 * ("*db") if they fit too, so that loads overlap computation at the same
 * traffic.  Returns the end of the layout, or, when even one position
 * does not fit, the (too large) end of the one-position layout; the
 * last layout made is the chosen one.  The planner (atoll_conv_work) and
 * the code generator choose through this, so that the work space the
 * planner leaves an operator is the one its tiles are chosen in.
 */
static int64_t conv_fit(struct conv_gen *g, const atoll_hwcfg *hw,
	int64_t lo, int64_t hi, int64_t *pbh, int64_t *pbw, int *db)
{
	const atoll_conv *c = g->c;
	int64_t bw = c->ow < hw->psum_depth ? c->ow : hw->psum_depth;
	int64_t bh = hw->psum_depth / bw;
	int64_t need;

	if (bh > c->oh)
		bh = c->oh;
	*db = 0;
	while ((need = conv_layout(g, lo, bh, bw, 1)) > hi) {
		if (bh > 1)
			bh = (bh + 1) / 2;
		else if (bw > 1)
			bw = (bw + 1) / 2;
		else
			break;
	}
	*pbh = bh;
	*pbw = bw;
	if (need > hi)
		return need;
	*db = conv_layout(g, lo, bh, bw, 2) <= hi;
	return conv_layout(g, lo, bh, bw, *db ? 2 : 1);
}

static void conv_gen_init(struct conv_gen *g, const atoll_hwcfg *hw,
	const atoll_conv *c)
{
	g->c = c;
	g->R = hw->rows;
	g->C = hw->cols;
	g->esize = c->out_kind == ATOLL_OUT_INT32 ? 4 : 1;
	g->nct = atoll_ceil_div(c->ci, g->R);
	g->nco = atoll_ceil_div(c->co, g->C);
}

/* A model of the device-memory bytes the schedule moves with blocks of
 * "bh" x "bw" (conv_schedule): per block the input footprints, and the
 * weights, zero points and records of every output-channel tile, unless
 * the input is resident (then those once); the output unless resident.
 * Grouped weights count as their groups, not the expanded tiles.
 */
static int64_t conv_traffic(const struct conv_gen *g, int64_t bh, int64_t bw)
{
	const atoll_conv *c = g->c;
	int64_t blocks = c->n * atoll_ceil_div(c->oh, bh) *
		atoll_ceil_div(c->ow, bw);
	int64_t w = c->co * c->cig * c->kh * c->kw, t = 0;

	w += c->co * (1 + (c->out_kind == ATOLL_OUT_REQUANT ?
		c->par_bytes : 0));
	if (!c->xres.on)
		t += c->n * c->ci *
			atoll_window_span(c->oh, bh, c->sh, c->kh, c->dh,
				c->pt, c->h) *
			atoll_window_span(c->ow, bw, c->sw, c->kw, c->dw,
				c->pl, c->w);
	t += c->xres.on ? w : blocks * w;
	if (!c->yres.on)
		t += c->n * c->co * c->oh * c->ow * g->esize;
	return t;
}

int64_t atoll_conv_work(const atoll_hwcfg *hw, const atoll_conv *c,
	int64_t lo, int64_t hi, int64_t *traffic)
{
	struct conv_gen g;
	int64_t bh, bw, end;
	int db;

	memset(&g, 0, sizeof(g));
	conv_gen_init(&g, hw, c);
	end = conv_fit(&g, hw, lo, hi, &bh, &bw, &db);
	if (traffic)
		*traffic = conv_traffic(&g, bh, bw);
	return end;
}

/* Choose the output block in the operator's scratchpad area. */
static int conv_choose_tiles(struct conv_gen *g)
{
	const atoll_conv *c = g->c;
	atoll_emit *em = g->em;
	int64_t need, lo, end;

	need = conv_fit(g, em->hw, em->spm_lo, em->spm_hi, &g->bh, &g->bw,
		&g->db);
	if (need > em->spm_hi) {
		atoll_diag_error(em->diag, c->name, "layer needs %lld "
			"scratchpad bytes per partition, %lld are free for it",
			(long long) need, (long long) (em->spm_hi -
			em->spm_lo));
		return -1;
	}
	/* The same layout at the top of the work space if it fits there:
	 * resident tensors are allocated from address 0 up, so tiles kept
	 * high rarely share addresses with them, nor the dependences
	 * between operators that reusing an address brings.
	 */
	lo = em->tiles_high ? (em->spm_hi - (need - em->spm_lo)) / 64 * 64 :
		em->spm_lo;
	if (lo > em->spm_lo) {
		end = conv_layout(g, lo, g->bh, g->bw, g->db ? 2 : 1);
		if (end > em->spm_hi)
			lo = em->spm_lo;
	}
	if (lo <= em->spm_lo) {
		lo = em->spm_lo;
		end = conv_layout(g, lo, g->bh, g->bw, g->db ? 2 : 1);
	}
	g->nbh = atoll_ceil_div(c->oh, g->bh);
	g->nbw = atoll_ceil_div(c->ow, g->bw);
	g->spm_used = end - lo;
	g->in_box = calloc(g->nct, sizeof(*g->in_box));
	g->w_box = calloc(g->nct, sizeof(*g->w_box));
	if (!g->in_box || !g->w_box) {
		atoll_diag_error(em->diag, c->name, "out of memory");
		return -1;
	}
	return 0;
}

/* The element domain D of S, the tiling T: S -> MM, and the footprint
 * relations of the tile statements: for a projection P: MM -> L of the
 * tiles onto a load/store statement L, the footprint of L in array A is
 * P^-1 . T^-1 . A, restricted to D.
 */
static int conv_build_relations(struct conv_gen *g, isl_set **mm_dom)
{
	const atoll_conv *c = g->c;
	isl_ctx *ctx = g->ctx;
	isl_set *d;
	isl_map *t, *ax, *ay, *aw, *tinv;
	int r;

	d = atoll_read_set(ctx, "{ S[n,o,y,x,c,i,j] : "
		"0<=n<%lld and 0<=o<%lld and 0<=y<%lld and 0<=x<%lld and "
		"0<=c<%lld and 0<=i<%lld and 0<=j<%lld and "
		"exists q : q*%lld <= c < (q+1)*%lld and "
		"q*%lld <= o < (q+1)*%lld }", (long long) c->n,
		(long long) c->co, (long long) c->oh, (long long) c->ow,
		(long long) c->ci, (long long) c->kh, (long long) c->kw,
		(long long) c->cig, (long long) c->cig, (long long) c->cog,
		(long long) c->cog);
	t = atoll_read_map(ctx, "{ S[n,o,y,x,c,i,j] -> MM[n, floor(y/%lld), "
		"floor(x/%lld), floor(o/%lld), floor(c/%lld), i, j] }",
		(long long) g->bh, (long long) g->bw, (long long) g->C,
		(long long) g->R);
	ax = atoll_read_map(ctx, "{ S[n,o,y,x,c,i,j] -> X[n,c,h,w] : "
		"h = y*%lld + i*%lld - %lld and w = x*%lld + j*%lld - %lld and "
		"0 <= h < %lld and 0 <= w < %lld }", (long long) c->sh,
		(long long) c->dh, (long long) c->pt, (long long) c->sw,
		(long long) c->dw, (long long) c->pl, (long long) c->h,
		(long long) c->w);
	ay = atoll_read_map(ctx, "{ S[n,o,y,x,c,i,j] -> Y[n,o,y,x] }");
	aw = atoll_read_map(ctx, "{ S[n,o,y,x,c,i,j] -> Wt[o,c,i,j] }");
	t = isl_map_intersect_domain(t, d);
	*mm_dom = isl_map_range(isl_map_copy(t));
	tinv = isl_map_reverse(t);
	r = atoll_fp_init(&g->in_fp, atoll_footprint(tinv,
		isl_map_read_from_str(ctx,
			"{ MM[n,a,b,o,c,i,j] -> LDIN[n,a,b,c] }"), ax));
	r |= atoll_fp_init(&g->w_fp, atoll_footprint(tinv,
		isl_map_read_from_str(ctx,
			"{ MM[n,a,b,o,c,i,j] -> LDWT[n,a,b,o,c] }"), aw));
	r |= atoll_fp_init(&g->y_fp, atoll_footprint(tinv,
		isl_map_read_from_str(ctx,
			"{ MM[n,a,b,o,c,i,j] -> OUT[n,a,b,o] }"), ay));
	isl_map_free(tinv);
	return !*mm_dom || r ? -1 : 0;
}

/* The schedule of the tile statements: per output block, load the input
 * footprints of every input-channel tile; then per output-channel tile
 * load zero points and requantisation records, load the weights, run the
 * matrix products of every input-channel tile and tap, requantise, store.
 * When the input is resident in the scratchpad nothing needs loading per
 * block, so the output-channel tile becomes the outer loop and its
 * weights and records are loaded once for the whole layer.
 */
static __isl_give isl_union_map *conv_schedule(struct conv_gen *g,
	__isl_take isl_set *mm_dom)
{
	isl_ctx *ctx = g->ctx;
	isl_union_set *dom;
	isl_union_map *s;
	isl_set *ldin, *ldwt, *out;

	ldin = isl_set_apply(isl_set_copy(mm_dom), isl_map_read_from_str(ctx,
		"{ MM[n,a,b,o,c,i,j] -> LDIN[n,a,b,c] }"));
	ldwt = isl_set_apply(isl_set_copy(mm_dom), isl_map_read_from_str(ctx,
		"{ MM[n,a,b,o,c,i,j] -> LDWT[n,a,b,o,c] }"));
	out = isl_set_apply(isl_set_copy(mm_dom), isl_map_read_from_str(ctx,
		"{ MM[n,a,b,o,c,i,j] -> OUT[n,a,b,o] }"));
	if (g->c->xres.on) {
		isl_set *first = isl_set_read_from_str(ctx,
			"{ LDWT[0,0,0,o,c] }");

		ldwt = isl_set_intersect(ldwt, first);
	}
	dom = isl_union_set_from_set(mm_dom);
	if (g->c->xres.on)
		isl_set_free(ldin);
	else
		dom = isl_union_set_add_set(dom, ldin);
	dom = isl_union_set_add_set(dom, ldwt);
	dom = isl_union_set_add_set(dom, isl_set_set_tuple_name(
		g->c->xres.on ? isl_set_intersect(isl_set_copy(out),
			isl_set_read_from_str(ctx, "{ OUT[0,0,0,o] }")) :
		isl_set_copy(out), "LDP"));
	dom = isl_union_set_add_set(dom, isl_set_set_tuple_name(
		isl_set_copy(out), "ACT"));
	if (g->c->yres.on)
		isl_set_free(out);
	else
		dom = isl_union_set_add_set(dom, isl_set_set_tuple_name(out,
			"ST"));
	if (g->c->xres.on)
		s = isl_union_map_read_from_str(ctx, "{ "
			"LDP[n,a,b,o] -> [o,0,0,0,0,0,0,0,0]; "
			"LDWT[n,a,b,o,c] -> [o,1,c,0,0,0,0,0,0]; "
			"MM[n,a,b,o,c,i,j] -> [o,2,n,a,b,0,c,i,j]; "
			"ACT[n,a,b,o] -> [o,2,n,a,b,1,0,0,0]; "
			"ST[n,a,b,o] -> [o,2,n,a,b,2,0,0,0] }");
	else
		s = isl_union_map_read_from_str(ctx, "{ "
			"LDIN[n,a,b,c] -> [n,a,b,0,c,0,0,0,0]; "
			"LDP[n,a,b,o] -> [n,a,b,1,o,0,0,0,0]; "
			"LDWT[n,a,b,o,c] -> [n,a,b,1,o,1,c,0,0]; "
			"MM[n,a,b,o,c,i,j] -> [n,a,b,1,o,2,c,i,j]; "
			"ACT[n,a,b,o] -> [n,a,b,1,o,3,0,0,0]; "
			"ST[n,a,b,o] -> [n,a,b,1,o,4,0,0,0] }");
	return isl_union_map_intersect_domain(s, dom);
}

/* LDIN[n,a,b,ct]: DMA the input footprint of channel tile "ct" (box over
 * X[n,c,h,w]) into its slot, rows of the box's width.
 */
static int stmt_ldin(struct conv_gen *g, const int64_t *v)
{
	const atoll_conv *c = g->c;
	atoll_box *b = &g->in_box[v[3]];
	atoll_dma_dim d[3];

	if (!g->have_ldin || memcmp(g->ldin_key, v, sizeof(g->ldin_key))) {
		memcpy(g->ldin_key, v, sizeof(g->ldin_key));
		g->have_ldin = 1;
		flip(g, A_IN);		/* a new block */
	}
	if (atoll_box_at(&g->in_fp, v, 4, b) < 0)
		return -1;
	if (b->empty)
		return 0;
	d[0] = (atoll_dma_dim) { atoll_box_extent(b, 3), c->xs_w, 1, 0 };
	d[1] = (atoll_dma_dim) { atoll_box_extent(b, 2), c->xs_h, atoll_box_extent(b, 3), 0 };
	d[2] = (atoll_dma_dim) { atoll_box_extent(b, 1), c->xs_c, 0, 1 };
	return atoll_emit_dma(g->em, ATOLL_OP_DMA_IN, c->x_addr +
		v[0] * c->xs_n + b->lo[1] * c->xs_c + b->lo[2] * c->xs_h +
		b->lo[3] * c->xs_w, b->lo[1] - v[3] * g->R,
		g->in_base + v[3] * g->in_slot, d, 3, -1, g->spm_in,
		c->x_buf, c->name);
}

/* LDP[n,a,b,co]: the output box of the tile, and DMA of the weight zero
 * points and requantisation records of its output channels.
 */
static int stmt_ldp(struct conv_gen *g, const int64_t *v)
{
	const atoll_conv *c = g->c;
	atoll_box ob;
	const atoll_box *o = &ob;
	atoll_dma_dim d[2];
	int64_t nc;

	if (atoll_box_at(&g->y_fp, v, 4, &ob) < 0 || o->empty)
		return -1;
	flip(g, A_ZP);
	flip(g, A_PAR);
	nc = atoll_box_extent(o, 1);
	d[0] = (atoll_dma_dim) { nc, 1, 1, 0 };
	if (atoll_emit_dma(g->em, ATOLL_OP_DMA_IN, g->em->const_base +
		c->zp_const + o->lo[1], 0, g->zp_base, d, 1, -1, g->spm_zp,
		NULL, c->name) < 0)
		return -1;
	if (c->out_kind != ATOLL_OUT_REQUANT)
		return 0;
	d[0] = (atoll_dma_dim) { c->par_bytes, 1, 1, 0 };
	d[1] = (atoll_dma_dim) { nc, c->par_bytes, 0, 1 };
	return atoll_emit_dma(g->em, ATOLL_OP_DMA_IN, g->em->const_base +
		c->par_const + c->par_bytes * o->lo[1],
		c->yres.on ? o->lo[1] % g->R : 0,
		g->par_base, d, 2, -1, g->spm_par, NULL, c->name);
}

/* Make (n,a,b,co) = v[0..2], co the current output tile: its box, and a
 * fresh PSUM accumulation for its first MM.
 */
static int out_tile(struct conv_gen *g, int64_t n, int64_t a, int64_t b,
	int64_t co)
{
	int64_t key[4] = { n, a, b, co };

	if (g->have_key && !memcmp(key, g->out_key, sizeof(key)))
		return 0;
	memcpy(g->out_key, key, sizeof(key));
	g->have_key = 1;
	g->first_mm = 1;
	if (atoll_box_at(&g->y_fp, key, 4, &g->out_box) < 0 ||
	    g->out_box.empty)
		return -1;
	return 0;
}

/* Widen dimension "d" of "b" to the whole tile [lo, lo + n) (clipped to
 * "max"): with grouped convolutions a tile's footprint may cover only part
 * of it, but the array's rows and columns follow the tiles; the weights
 * outside the groups are the zero-point fill of the expanded weights.
 */
static void tile_range(atoll_box *b, int d, int64_t lo, int64_t n,
	int64_t max)
{
	b->lo[d] = lo;
	b->hi[d] = (lo + n < max ? lo + n : max) - 1;
}

/* The weight tile "b" (slot "ct") of a compact depthwise convolution:
 * fill it with the weight zero point, then DMA the diagonal W[g][0][i][j]
 * to partition g - c0, address (i*KW + j)*COLS + g - o0.
 */
static int ldwt_diagonal(struct conv_gen *g, const atoll_box *b, int64_t ct)
{
	const atoll_conv *c = g->c;
	int64_t taps = c->kh * c->kw, slot = g->w_base + ct * g->w_slot;
	int64_t lo = b->lo[0] > b->lo[1] ? b->lo[0] : b->lo[1];
	int64_t hi = b->hi[0] < b->hi[1] ? b->hi[0] : b->hi[1];
	atoll_dma_dim d[2];

	d[0] = (atoll_dma_dim) { taps * g->C, 0, 1, 0 };
	d[1] = (atoll_dma_dim) { atoll_box_extent(b, 1), 0, 0, 1 };
	if (atoll_emit_dma(g->em, ATOLL_OP_DMA_IN, 0, 0, slot, d, 2,
			c->dw_fill, g->spm_w, NULL, c->name) < 0)
		return -1;
	if (lo > hi)
		return 0;
	d[0] = (atoll_dma_dim) { taps, 1, g->C, 0 };
	d[1] = (atoll_dma_dim) { hi - lo + 1, taps, 1, 1 };
	return atoll_emit_dma(g->em, ATOLL_OP_DMA_IN, c->w_addr + lo * taps,
		lo - b->lo[1], slot + lo - b->lo[0], d, 2, -1, g->spm_w,
		c->w_buf, c->name);
}

/* LDWT[n,a,b,co,ct]: DMA the weights Wt[o,c,i,j] of the tile into
 * partition c - c0, address ((i*KW + j)*COLS + o - o0) of the ct slot.
 */
static int stmt_ldwt(struct conv_gen *g, const int64_t *v)
{
	const atoll_conv *c = g->c;
	atoll_box *b = &g->w_box[v[4]];
	atoll_dma_dim d[4];

	if (!g->have_ldwt || memcmp(g->ldwt_key, v, sizeof(g->ldwt_key))) {
		memcpy(g->ldwt_key, v, sizeof(g->ldwt_key));
		g->have_ldwt = 1;
		flip(g, A_W);		/* a new output-channel tile */
	}
	if (atoll_box_at(&g->w_fp, v, 5, b) < 0 || b->empty)
		return -1;
	tile_range(b, 0, v[3] * g->C, g->C, c->co);
	tile_range(b, 1, v[4] * g->R, g->R, c->ci);
	if (c->dw_compact)
		return ldwt_diagonal(g, b, v[4]);
	d[0] = (atoll_dma_dim) { atoll_box_extent(b, 0), c->ws_co, 1, 0 };
	d[1] = (atoll_dma_dim) { c->kw, c->ws_kw, g->C, 0 };
	d[2] = (atoll_dma_dim) { c->kh, c->ws_kh, c->kw * g->C, 0 };
	d[3] = (atoll_dma_dim) { atoll_box_extent(b, 1), c->ws_ci, 0, 1 };
	return atoll_emit_dma(g->em, ATOLL_OP_DMA_IN, c->w_addr +
		v[0] * c->ws_n + b->lo[0] * c->ws_co + b->lo[1] * c->ws_ci, 0,
		g->w_base + v[4] * g->w_slot, d, 4, -1, g->spm_w, c->w_buf,
		c->name);
}

static int emit_ldw(struct conv_gen *g, const atoll_box *wb, int64_t ct,
	int64_t i, int64_t j)
{
	uint32_t w[ATOLL_CMD_WORDS] = { 0 };
	atoll_buf *bufs[2] = { g->spm_w, g->spm_zp };
	int uses[2] = { ATOLL_USE_READ, ATOLL_USE_READ };

	ATOLL_SET(w, ATOLL_LDW_OPCODE, ATOLL_OP_LDW);
	ATOLL_SET(w, ATOLL_LDW_W_SIGNED, g->c->w_signed);
	ATOLL_SET(w, ATOLL_LDW_NROWS, atoll_box_extent(wb, 1));
	ATOLL_SET(w, ATOLL_LDW_NCOLS, atoll_box_extent(wb, 0));
	ATOLL_SET(w, ATOLL_LDW_W_ADDR, g->w_base + ct * g->w_slot +
		(i * g->c->kw + j) * g->C);
	ATOLL_SET(w, ATOLL_LDW_ZP_ADDR, g->zp_base);
	return atoll_emit_cmd(g->em, w, 2, bufs, uses);
}

static int fits16(int64_t v, int is_signed)
{
	return is_signed ? v >= -32768 && v < 32768 : v >= 0 && v < 65536;
}

/* MM[n,a,b,co,ct,i,j]: load the weights of tap (i,j) and stream the
 * output block through the array.  The tap reads input position
 * (y*SH + i*DH - PT, x*SW + j*DW - PL), relative to the loaded box.
 */
static int stmt_mm(struct conv_gen *g, const int64_t *v)
{
	const atoll_conv *c = g->c;
	const atoll_box *ib = &g->in_box[v[4]];
	const atoll_box *wb = &g->w_box[v[4]];
	const atoll_box *o = &g->out_box;
	uint32_t w[ATOLL_CMD_WORDS] = { 0 };
	atoll_buf *bufs[2] = { c->xres.on ? c->xres.buf : g->spm_in,
		&g->em->psum };
	int uses[2] = { ATOLL_USE_READ, ATOLL_USE_WRITE };
	int res = c->xres.on, empty = !res && ib->empty;
	int64_t h0 = res || empty ? 0 : ib->lo[2];
	int64_t w0 = res || empty ? 0 : ib->lo[3];
	int64_t hh = res ? c->h : empty ? 1 : atoll_box_extent(ib, 2);
	int64_t ww = res ? c->w : empty ? 1 : atoll_box_extent(ib, 3);
	int64_t pitch = res ? c->xres.pitch : ww;
	int64_t xa = res ? c->xres.base + v[0] * c->xres.s_n +
		v[4] * c->xres.tile : g->in_base + v[4] * g->in_slot;
	int64_t y0 = o->lo[2] * c->sh + v[5] * c->dh - c->pt - h0;
	int64_t x0 = o->lo[3] * c->sw + v[6] * c->dw - c->pl - w0;

	if (empty)
		y0 = -1 - (atoll_box_extent(o, 2) - 1) * c->sh;
	if (!fits16(y0, 1) || !fits16(x0, 1) || !fits16(c->sh, 1) ||
	    !fits16(c->sw, 1) || !fits16(ww, 0) || !fits16(hh, 0) ||
	    !fits16(pitch, 0) ||
	    !fits16(atoll_box_extent(o, 3), 0) || !fits16(atoll_box_extent(o, 2), 0)) {
		atoll_diag_error(g->em->diag, c->name,
			"convolution geometry exceeds the MM command fields");
		return -1;
	}
	if (emit_ldw(g, wb, v[4], v[5], v[6]) < 0)
		return -1;
	ATOLL_SET(w, ATOLL_MM_OPCODE, ATOLL_OP_MM);
	ATOLL_SET(w, ATOLL_MM_X_SIGNED, c->x_signed);
	ATOLL_SET(w, ATOLL_MM_ACC, !g->first_mm);
	g->first_mm = 0;
	ATOLL_SET(w, ATOLL_MM_NROWS, atoll_box_extent(wb, 1));
	ATOLL_SET(w, ATOLL_MM_NCOLS, atoll_box_extent(wb, 0));
	ATOLL_SET(w, ATOLL_MM_X_ADDR, xa);
	ATOLL_SET(w, ATOLL_MM_X_ZP, c->x_zp);
	ATOLL_SET(w, ATOLL_MM_PITCH, pitch);
	ATOLL_SET(w, ATOLL_MM_H, hh);
	ATOLL_SET(w, ATOLL_MM_W, ww);
	ATOLL_SET(w, ATOLL_MM_Y0, y0);
	ATOLL_SET(w, ATOLL_MM_X0, x0);
	ATOLL_SET(w, ATOLL_MM_SY, c->sh);
	ATOLL_SET(w, ATOLL_MM_SX, c->sw);
	ATOLL_SET(w, ATOLL_MM_N0, atoll_box_extent(o, 3));
	ATOLL_SET(w, ATOLL_MM_N1, atoll_box_extent(o, 2));
	ATOLL_SET(w, ATOLL_MM_PS0, 1);
	ATOLL_SET(w, ATOLL_MM_PS1, atoll_box_extent(o, 3));
	return atoll_emit_cmd(g->em, w, 2, bufs, uses);
}

/* ACT[n,a,b,co]: PSUM -> SPM output block, requantised through the
 * per-channel records, or copied as int32.
 */
static int stmt_act(struct conv_gen *g, const int64_t *v)
{
	const atoll_conv *c = g->c;
	const atoll_box *o = &g->out_box;
	uint32_t w[ATOLL_CMD_WORDS] = { 0 };
	atoll_buf *bufs[3] = { &g->em->psum, g->spm_par,
		c->yres.on ? c->yres.buf : g->spm_out };
	int uses[3] = { ATOLL_USE_READ, ATOLL_USE_READ, ATOLL_USE_WRITE };
	int64_t n0 = atoll_box_extent(o, 3);

	flip(g, A_OUT);			/* one ACT per output tile */
	bufs[2] = c->yres.on ? c->yres.buf : g->spm_out;
	ATOLL_SET(w, ATOLL_ACT_OPCODE, ATOLL_OP_ACT);
	ATOLL_SET(w, ATOLL_ACT_SRC_TYPE, 0);
	ATOLL_SET(w, ATOLL_ACT_NPARTS, atoll_box_extent(o, 1));
	ATOLL_SET(w, ATOLL_ACT_N0, n0);
	ATOLL_SET(w, ATOLL_ACT_N1, atoll_box_extent(o, 2));
	ATOLL_SET(w, ATOLL_ACT_SS0, 1);
	ATOLL_SET(w, ATOLL_ACT_SS1, n0);
	ATOLL_SET(w, ATOLL_ACT_DS0, 1);
	ATOLL_SET(w, ATOLL_ACT_DS1, c->yres.on ? c->yres.pitch : n0);
	ATOLL_SET(w, ATOLL_ACT_DST_ADDR, c->yres.on ? c->yres.base +
		v[0] * c->yres.s_n + o->lo[1] / g->R * c->yres.tile +
		o->lo[2] * c->yres.pitch + o->lo[3] : g->out_base);
	ATOLL_SET(w, ATOLL_ACT_DST_PART, c->yres.on ? o->lo[1] % g->R : 0);
	if (c->out_kind == ATOLL_OUT_INT32) {
		ATOLL_SET(w, ATOLL_ACT_DST_TYPE, 2);
		ATOLL_SET(w, ATOLL_ACT_MULT, 1);
	} else {
		ATOLL_SET(w, ATOLL_ACT_DST_TYPE, c->y_signed ? 1 : 0);
		ATOLL_SET(w, ATOLL_ACT_PP, 1);
		ATOLL_SET(w, ATOLL_ACT_NB,
			c->par_bytes == ATOLL_PARAM_NB_BYTES);
		ATOLL_SET(w, ATOLL_ACT_PARAM_ADDR, g->par_base);
		ATOLL_SET(w, ATOLL_ACT_DST_ZP, c->y_zp);
		ATOLL_SET(w, ATOLL_ACT_CMIN, c->cmin);
		ATOLL_SET(w, ATOLL_ACT_CMAX, c->cmax);
	}
	return atoll_emit_cmd(g->em, w, 3, bufs, uses);
}

/* ST[n,a,b,co]: DMA the output block to Y[n,o,y,x]. */
static int stmt_st(struct conv_gen *g, const int64_t *v)
{
	const atoll_conv *c = g->c;
	const atoll_box *o = &g->out_box;
	atoll_dma_dim d[4];
	int64_t n0 = atoll_box_extent(o, 3);

	d[0] = (atoll_dma_dim) { g->esize, 1, 1, 0 };
	d[1] = (atoll_dma_dim) { n0, c->ys_w, g->esize, 0 };
	d[2] = (atoll_dma_dim) { atoll_box_extent(o, 2), c->ys_h, n0 * g->esize, 0 };
	d[3] = (atoll_dma_dim) { atoll_box_extent(o, 1), c->ys_c, 0, 1 };
	return atoll_emit_dma(g->em, ATOLL_OP_DMA_OUT, c->y_addr +
		v[0] * c->ys_n + o->lo[1] * c->ys_c + o->lo[2] * c->ys_h +
		o->lo[3] * c->ys_w, 0, g->out_base, d, 4, -1, g->spm_out,
		c->y_buf, c->name);
}

static int conv_stmt(const char *stmt, const int64_t *args, int nargs,
	void *user)
{
	struct conv_gen *g = user;

	if (!strcmp(stmt, "LDIN") && nargs == 4)
		return stmt_ldin(g, args);
	if (!strcmp(stmt, "LDP") && nargs == 4)
		return stmt_ldp(g, args);
	if (!strcmp(stmt, "LDWT") && nargs == 5)
		return stmt_ldwt(g, args);
	if (!strcmp(stmt, "MM") && nargs == 7)
		return out_tile(g, args[0], args[1], args[2], args[3]) < 0 ?
			-1 : stmt_mm(g, args);
	if (!strcmp(stmt, "ACT") && nargs == 4)
		return out_tile(g, args[0], args[1], args[2], args[3]) < 0 ?
			-1 : stmt_act(g, args);
	if (!strcmp(stmt, "ST") && nargs == 4)
		return out_tile(g, args[0], args[1], args[2], args[3]) < 0 ?
			-1 : stmt_st(g, args);
	return -1;
}

static void conv_dump(struct conv_gen *g, FILE *dump)
{
	char *s;

	fprintf(dump, "# %s (%s): tiles %lldx%lld positions, %lld input / "
		"%lld output channel tiles, %lld scratchpad bytes/partition\n",
		g->c->name, g->c->op_type, (long long) g->bh,
		(long long) g->bw, (long long) g->nct, (long long) g->nco,
		(long long) g->spm_used);
	s = isl_map_to_str(g->in_fp.map);
	fprintf(dump, "input footprint: %s\n", s);
	free(s);
	s = isl_map_to_str(g->w_fp.map);
	fprintf(dump, "weight footprint: %s\n", s);
	free(s);
	s = isl_map_to_str(g->y_fp.map);
	fprintf(dump, "output footprint: %s\n", s);
	free(s);
}

int atoll_conv_codegen(isl_ctx *ctx, atoll_emit *em, const atoll_conv *c,
	FILE *dump)
{
	struct conv_gen *g;
	isl_set *mm_dom = NULL;
	isl_union_map *sched;
	int r = -1, k;

	g = calloc(1, sizeof(*g));
	if (!g)
		return -1;
	g->ctx = ctx;
	g->em = em;
	conv_gen_init(g, em->hw, c);
	atoll_buf_init(&g->store[A_IN][0], "spm.in");
	atoll_buf_init(&g->store[A_IN][1], "spm.in'");
	atoll_buf_init(&g->store[A_W][0], "spm.w");
	atoll_buf_init(&g->store[A_W][1], "spm.w'");
	atoll_buf_init(&g->store[A_ZP][0], "spm.zp");
	atoll_buf_init(&g->store[A_ZP][1], "spm.zp'");
	atoll_buf_init(&g->store[A_PAR][0], "spm.par");
	atoll_buf_init(&g->store[A_PAR][1], "spm.par'");
	atoll_buf_init(&g->store[A_OUT][0], "spm.out");
	atoll_buf_init(&g->store[A_OUT][1], "spm.out'");
	if (conv_choose_tiles(g) < 0 ||
	    conv_build_relations(g, &mm_dom) < 0)
		goto done;
	for (k = 0; k < 5; k++) {
		g->buf2[k][0] = &g->store[k][0];
		g->buf2[k][1] = g->db ? &g->store[k][1] : &g->store[k][0];
		atoll_buf_spm(&g->store[k][0], g->base2[k][0],
			g->base2[k][0] + g->size2[k]);
		atoll_buf_spm(&g->store[k][1], g->base2[k][1],
			g->base2[k][1] + g->size2[k]);
		g->par2[k] = 1;
		flip(g, k);
	}
	sched = conv_schedule(g, mm_dom);
	if (dump)
		conv_dump(g, dump);
	r = atoll_schedule_walk(ctx, sched, dump, conv_stmt, g);
	isl_union_map_free(sched);
done:
	if (r < 0 && !em->diag->failed)
		atoll_diag_error(em->diag, c->name, "code generation failed: %s",
			atoll_isl_reason(ctx));
	atoll_emit_retire(em);
	atoll_fp_clear(&g->in_fp);
	atoll_fp_clear(&g->w_fp);
	atoll_fp_clear(&g->y_fp);
	free(g->in_box);
	free(g->w_box);
	free(g);
	return r;
}
