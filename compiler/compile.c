/*
 * The compiler driver: checks the graph, places tensors in device memory,
 * lowers every node through isl and assembles the bundle.
 *
 * Device memory map: activations (graph inputs, outputs, intermediate
 * tensors) from address 0, then the constant pool, then the commands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isl/ctx.h>
#include <isl/options.h>

#include "compile.h"
#include "isa.h"
#include "lower_node.h"
#include "poly.h"
#include "predict.h"
#include "resident.h"

/* Row bands of a fusion group (-O2, resident.c): while node "node" is
 * lowered, gen_conv and gen_vec narrow its operator to output rows
 * [r0, r1).  An output band goes to row 0 of a band buffer; an operand
 * read from a band buffer finds its rows from in_b0 there.  In "probe"
 * mode they only record the operator's row geometry.
 */
struct band_state {
	int node;			/* node being narrowed, else -1 */
	int probe;
	int64_t r0, r1;
	int out_band;
	atoll_res out_res;
	int in_band[2];			/* conv x: 0; vector operand k: k */
	int64_t in_b0[2], in_rows[2];
	atoll_res in_res[2];
	/* probe: rows read beyond the first per output row, row stride,
	 * top padding (operand 0) and output height
	 */
	int64_t reach, sh, pt, oh;
};

struct compile_state {
	atoll_graph *g;
	const atoll_compile_opts *o;
	atoll_diag *d;
	atoll_emit em;
	int64_t *addr;			/* per tensor: DRAM address, -1 none */
	int64_t *const_off;		/* per tensor: pool offset, -1 none */
	atoll_buf *bufs;		/* per tensor DRAM buffer */
	float *scale;
	int *zp;
	size_t *first_cmd;		/* per node: its first command */
	char *loaded;			/* per tensor: resident input loaded */
	atoll_view *views;		/* per tensor: its view (-O2 view */
	int64_t *view_pad;		/* nodes), top and left padding */
	char *has_view;
	int64_t act_end;
	isl_ctx *ctx;
	atoll_plan plan;
	char *nomove;			/* per node: plan it without a MOVE
					 * (owned by atoll_compile) */
	int replan;			/* a MOVE came out too fragmented */
	int keep_moves;			/* do not check fragmentation */
	struct band_state band;
	atoll_work *work;		/* per node, from shape inference: its
					 * code generations (owned by
					 * atoll_compile, kept over restarts) */
	int nwork, work_cap;
};

static int64_t align64(int64_t v)
{
	return (v + 63) / 64 * 64;
}

static int tensor_addr(struct atoll_lower *L, const atoll_tensor *t,
	int64_t *addr, atoll_buf **buf)
{
	struct compile_state *s = L->user;
	int i = (int) (t - s->g->tensors);

	*buf = &s->bufs[s->plan.t ? s->plan.t[i].dram_root : i];
	if (t->data) {
		if (s->const_off[i] < 0)
			s->const_off[i] = atoll_emit_const(&s->em, t->data,
				t->nbytes, 64);
		if (s->const_off[i] < 0)
			return -1;
		*addr = s->em.const_base + s->const_off[i];
		return 0;
	}
	if (s->addr[i] < 0) {
		atoll_diag_error(s->d, NULL, "tensor '%s' has no device "
			"address", t->name);
		return -1;
	}
	*addr = s->addr[i];
	return 0;
}

static int64_t tensor_bytes(const atoll_tensor *t)
{
	int64_t n = atoll_tensor_numel(t);

	return n < 0 ? -1 : n * (int64_t) atoll_dtype_size(t->dtype);
}

/* Every graph input needs a static shape and a supported type. */
static int check_inputs(struct compile_state *s)
{
	int i, k;

	for (i = 0; i < s->g->ninputs; i++) {
		const atoll_tensor *t = &s->g->tensors[s->g->inputs[i]];

		if (t->data)
			continue;
		if (t->rank < 0)
			goto dynamic;
		for (k = 0; k < t->rank; k++)
			if (t->dims[k] <= 0)
				goto dynamic;
		continue;
dynamic:
		atoll_diag_error(s->d, NULL, "graph input '%s' has a dynamic "
			"or unknown shape; atoll needs static shapes",
			t->name);
		return -1;
	}
	return 0;
}

static int place(struct compile_state *s, int ti)
{
	atoll_tensor *t = &s->g->tensors[ti];
	int64_t n = tensor_bytes(t);
	int r = s->plan.t ? s->plan.t[ti].dram_root : ti;

	if (t->data || s->addr[ti] >= 0 ||
	    (s->plan.t && s->plan.t[ti].is_view))
		return 0;
	if (r != ti) {			/* shares an alias root's buffer */
		if (place(s, r) < 0)
			return -1;
		s->addr[ti] = s->addr[r] + s->plan.t[ti].dram_off;
		return 0;
	}
	if (n <= 0) {
		atoll_diag_error(s->d, NULL, "tensor '%s' has no static size",
			t->name);
		return -1;
	}
	s->addr[ti] = s->act_end;
	s->act_end = align64(s->act_end + n);
	return 0;
}

/* A band's first input row "a" = r0 * SH - PT of an operand read at
 * rows y * SH + i * DH - PT: the rows before it are dropped from the
 * image ("shift" of them; the top padding left is returned).
 */
static int64_t band_skip(int64_t a, int64_t *shift)
{
	*shift = a > 0 ? a : 0;
	return a > 0 ? 0 : -a;
}

static int band_node(const struct compile_state *s, const struct atoll_lower *L)
{
	return s->band.node >= 0 && L->node - s->g->nodes == s->band.node;
}

/* Probe mode: record the operator's row geometry, emit nothing. */
static int band_probe(struct compile_state *s, int64_t kh, int64_t dh,
	int64_t sh, int64_t pt, int64_t oh)
{
	s->band.reach = (kh - 1) * dh;
	s->band.sh = sh;
	s->band.pt = pt;
	s->band.oh = oh;
	return 0;
}

static int gen_conv(struct atoll_lower *L, const atoll_conv *c)
{
	struct compile_state *s = L->user;
	FILE *dump = (s->o->dump & ATOLL_DUMP_DOMAINS) ? s->o->dump_file : NULL;
	const struct band_state *b = &s->band;
	atoll_conv cc;

	if (band_node(s, L)) {
		int64_t a = b->r0 * c->sh - c->pt, shift;

		if (b->probe)
			return band_probe(s, c->kh, c->dh, c->sh, c->pt, c->oh);
		cc = *c;
		if (b->in_band[0]) {
			cc.xres = b->in_res[0];
			cc.pt = b->in_b0[0] - a;
			cc.h = b->in_rows[0];
		} else {
			cc.pt = band_skip(a, &shift);
			cc.h -= shift;
			cc.x_addr += shift * c->xs_h;
			if (cc.xres.on)
				cc.xres.base += shift * c->xres.pitch;
		}
		cc.oh = b->r1 - b->r0;
		if (b->out_band) {
			cc.yres = b->out_res;
		} else {
			cc.y_addr += b->r0 * c->ys_h;
			if (cc.yres.on)
				cc.yres.base += b->r0 * c->yres.pitch;
		}
		c = &cc;
	}
	if (atoll_emit_begin(&s->em) < 0)
		return -1;
	return atoll_conv_codegen(s->ctx, &s->em, c, dump);
}

/* Drop the first "rows" rows of view "v". */
static void view_skip(atoll_view *v, int64_t rows)
{
	v->addr += rows * v->s_h;
	if (v->res.on && v->s_h)
		v->res.base += rows * v->res.pitch;
	v->h -= rows;
}

static int gen_vec(struct atoll_lower *L, const atoll_vec *v)
{
	struct compile_state *s = L->user;
	FILE *dump = (s->o->dump & ATOLL_DUMP_DOMAINS) ? s->o->dump_file : NULL;
	const struct band_state *b = &s->band;
	atoll_vec vv;
	int k;

	if (band_node(s, L)) {
		if (b->probe)
			return band_probe(s, v->kh, v->dh, v->sh, v->pt, v->oh);
		vv = *v;
		/* operand 0 through the window, operand 1 (ADD) at [y] */
		for (k = 0; k < v->nin; k++) {
			int64_t a = k ? b->r0 : b->r0 * v->sh - v->pt, shift;

			if (b->in_band[k]) {
				vv.in[k].res = b->in_res[k];
				vv.in[k].h = b->in_rows[k];
				if (k == 0)
					vv.pt = b->in_b0[0] - a;
				continue;
			}
			if (k == 0)
				vv.pt = band_skip(a, &shift);
			else
				shift = a;
			view_skip(&vv.in[k], shift);
		}
		vv.oh = b->r1 - b->r0;
		if (b->out_band)
			vv.out.res = b->out_res;
		else
			view_skip(&vv.out, b->r0);
		vv.out.h = vv.oh;
		v = &vv;
	}
	if (atoll_emit_begin(&s->em) < 0)
		return -1;
	return atoll_vec_codegen(s->ctx, &s->em, v, dump);
}

/* A layout node's MOVEs; one that came out too fragmented marks the
 * node to be tried without a MOVE (atoll_compile compares the plans).
 */
static int gen_move(struct atoll_lower *L, const atoll_move *m)
{
	struct compile_state *s = L->user;
	int i = (int) (L->node - s->g->nodes), r;

	if (atoll_emit_begin(&s->em) < 0)
		return -1;
	r = atoll_move_codegen(&s->em, m);
	if (r > 0 && !s->keep_moves && s->plan.move_node &&
	    s->plan.move_node[i]) {
		s->nomove[i] = 1;
		s->replan = 1;
	}
	return r < 0 ? -1 : 0;
}

static void tensor_res(struct atoll_lower *L, const atoll_tensor *t,
	atoll_res *r)
{
	struct compile_state *s = L->user;

	atoll_plan_res(&s->plan, (int) (t - s->g->tensors), s->o->hw->rows, r);
}

static int tensor_view(struct atoll_lower *L, const atoll_tensor *t,
	atoll_view *v, int64_t *pt, int64_t *pl);

/* Part "t" of concatenation "y", written in place from index "idx" along
 * "axis" of y's buffer, with y's strides (y may be such a part itself).
 */
static int part_view(struct atoll_lower *L, const atoll_tensor *t, int y,
	int axis, int64_t idx, atoll_view *v, int64_t *pt, int64_t *pl)
{
	struct compile_state *s = L->user;
	const atoll_tensor *yt = &s->g->tensors[y];
	int r = tensor_view(L, yt, v, pt, pl);

	if (r < 0)
		return -1;
	if (r == 0) {
		memset(v, 0, sizeof(*v));
		v->s_w = 1;
		v->s_h = yt->dims[3];
		v->s_c = yt->dims[2] * yt->dims[3];
		v->s_n = yt->dims[1] * v->s_c;
		if (tensor_addr(L, yt, &v->addr, &v->buf) < 0)
			return -1;
	}
	v->addr += idx * (axis == 0 ? v->s_n : axis == 1 ? v->s_c :
		axis == 2 ? v->s_h : v->s_w);
	v->h = t->dims[2];
	v->w = t->dims[3];
	v->is_signed = t->dtype == ATOLL_DT_INT8;
	*pt = *pl = 0;
	return 1;
}

static int tensor_view(struct atoll_lower *L, const atoll_tensor *t,
	atoll_view *v, int64_t *pt, int64_t *pl)
{
	struct compile_state *s = L->user;
	int i = (int) (t - s->g->tensors);

	if (!s->has_view[i] && s->plan.t && s->plan.t[i].part_of >= 0)
		return part_view(L, t, s->plan.t[i].part_of,
			s->plan.t[i].part_axis, s->plan.t[i].part_idx, v, pt,
			pl);
	if (!s->has_view[i])
		return 0;
	*v = s->views[i];
	*pt = s->view_pad[2 * i];
	*pl = s->view_pad[2 * i + 1];
	return 1;
}

static int set_view(struct atoll_lower *L, const atoll_tensor *t,
	const atoll_view *v, int64_t pt, int64_t pl)
{
	struct compile_state *s = L->user;
	int i = (int) (t - s->g->tensors);

	s->views[i] = *v;
	s->view_pad[2 * i] = pt;
	s->view_pad[2 * i + 1] = pl;
	s->has_view[i] = 1;
	return 0;
}

static int flat_source(struct atoll_lower *L, const atoll_tensor *t,
	int64_t *dims)
{
	struct compile_state *s = L->user;
	int i = (int) (t - s->g->tensors);

	if (!s->plan.t || s->plan.t[i].flat_src < 0)
		return 0;
	memcpy(dims, s->g->tensors[s->plan.t[i].flat_src].dims,
		4 * sizeof(*dims));
	return 1;
}

static void lower_init(struct compile_state *s, struct atoll_lower *L,
	atoll_node *n, char *where, size_t len)
{
	snprintf(where, len, "node '%s' (%s)", n->name, n->op_type);
	memset(L, 0, sizeof(*L));
	L->graph = s->g;
	L->node = n;
	L->where = where;
	L->diag = s->d;
	L->em = &s->em;
	L->user = s;
	L->tensor_addr = tensor_addr;
	L->gen_conv = gen_conv;
	L->gen_vec = gen_vec;
	L->gen_move = gen_move;
	L->tensor_res = tensor_res;
	L->tensor_view = tensor_view;
	L->flat_source = flat_source;
	L->set_view = set_view;
	if (s->plan.alias_node)
		L->alias = s->plan.alias_node[n - s->g->nodes];
	if (s->plan.view_node)
		L->view_out = s->plan.view_node[n - s->g->nodes];
	if (s->plan.move_node)
		L->move_out = s->plan.move_node[n - s->g->nodes];
}

static int add_work(struct compile_state *s, const atoll_work *w)
{
	if (s->nwork == s->work_cap) {
		int cap = s->work_cap ? 2 * s->work_cap : 64;
		atoll_work *p = realloc(s->work, cap * sizeof(*p));

		if (!p) {
			atoll_diag_error(s->d, NULL, "out of memory");
			return -1;
		}
		s->work = p;
		s->work_cap = cap;
	}
	s->work[s->nwork++] = *w;
	return 0;
}

static int view_tensor(struct compile_state *s, const atoll_view *v)
{
	return v->t ? (int) (v->t - s->g->tensors) : -1;
}

/* Shape inference records each code generation of a node for the
 * residency planner (atoll_work).
 */
static int note_conv(struct atoll_lower *L, const atoll_conv *c)
{
	struct compile_state *s = L->user;
	atoll_work w;

	memset(&w, 0, sizeof(w));
	w.node = (int) (L->node - s->g->nodes);
	w.is_conv = 1;
	w.c = *c;
	w.in[0] = L->node->inputs[0];
	w.in[1] = -1;
	w.out = L->node->outputs[0];
	return add_work(s, &w);
}

static int note_vec(struct atoll_lower *L, const atoll_vec *v)
{
	struct compile_state *s = L->user;
	atoll_work w;
	int k;

	memset(&w, 0, sizeof(w));
	w.node = (int) (L->node - s->g->nodes);
	w.v = *v;
	for (k = 0; k < 2; k++)
		w.in[k] = k < v->nin ? view_tensor(s, &v->in[k]) : -1;
	w.out = view_tensor(s, &v->out);
	return add_work(s, &w);
}

/* Shape inference: lower every node far enough to know its output type
 * and shape, so that activations can be placed before any command.
 */
static int infer_shapes(struct compile_state *s)
{
	int i;

	s->nwork = 0;
	for (i = 0; i < s->g->nnodes; i++) {
		atoll_node *n = &s->g->nodes[i];
		struct atoll_lower L;
		char where[600];

		lower_init(s, &L, n, where, sizeof(where));
		L.shapes_only = 1;
		L.note_conv = note_conv;
		L.note_vec = note_vec;
		if (atoll_lower_node(&L) < 0)
			return -1;
		if (s->g->tensors[n->outputs[0]].data) {
			atoll_diag_error(s->d, where, "output '%s' is also a "
				"constant", s->g->tensors[n->outputs[0]].name);
			return -1;
		}
	}
	return 0;
}

static int place_all(struct compile_state *s)
{
	int i;

	for (i = 0; i < s->g->ninputs; i++)
		if (place(s, s->g->inputs[i]) < 0)
			return -1;
	for (i = 0; i < s->g->noutputs; i++)
		if (place(s, s->g->outputs[i]) < 0)
			return -1;
	for (i = 0; i < s->g->nnodes; i++)
		if (place(s, s->g->nodes[i].outputs[0]) < 0)
			return -1;
	return 0;
}

/* Graph inputs kept in the scratchpad are loaded there once, as part of
 * their first consumer "i".
 */
static int load_inputs(struct compile_state *s, struct atoll_lower *L, int i)
{
	const atoll_node *n = &s->g->nodes[i];
	struct band_state band;
	int k, r;

	for (k = 0; k < n->ninputs; k++) {
		int t = n->inputs[k];

		/* (first is the group's first node for a fusion group) */
		if (t < 0 || !s->g->tensors[t].is_input || !s->plan.t ||
		    s->plan.t[t].keep != ATOLL_KEEP_SPM ||
		    s->plan.t[t].first > i || s->loaded[t])
			continue;
		s->loaded[t] = 1;
		/* whole, before the first band of a fusion group */
		band = s->band;
		s->band.node = -1;
		r = atoll_lower_load_input(L, &s->g->tensors[t]);
		s->band = band;
		if (r < 0)
			return -1;
	}
	return 0;
}

static int lower_one(struct compile_state *s, int i)
{
	atoll_node *n = &s->g->nodes[i];
	struct atoll_lower L;
	char where[600];

	lower_init(s, &L, n, where, sizeof(where));
	if ((!s->band.probe && load_inputs(s, &L, i) < 0) ||
	    atoll_lower_node(&L) < 0) {
		if (!s->d->failed)
			atoll_diag_error(s->d, where, "code generation failed");
		return -1;
	}
	s->scale[n->outputs[0]] = L.out_scale;
	s->zp[n->outputs[0]] = L.out_zp;
	return 0;
}

/* The band buffer of fused tensor "t" as a resident layout: its rows
 * (plan h) of every channel group, one after the other.
 */
static void band_res(const struct compile_state *s, int t, atoll_res *r)
{
	const atoll_tplan *a = &s->plan.t[t];

	memset(r, 0, sizeof(*r));
	r->on = 1;
	r->pitch = a->w;
	r->tile = a->h * a->w;
	r->s_n = atoll_ceil_div(a->c, s->o->hw->rows) * r->tile;
	r->base = a->base;
	r->buf = (atoll_buf *) &a->buf;
}

/* The rows [*b0, *b1) of operand "slot" of a node with geometry "g"
 * that its output rows [r0, r1) read (operand 0 through the window,
 * operand 1 of ADD row for row), within the operand's "h" rows.
 */
static void band_need(const struct band_state *g, int slot, int64_t r0,
	int64_t r1, int64_t h, int64_t *b0, int64_t *b1)
{
	int64_t a = slot ? r0 : r0 * g->sh - g->pt;
	int64_t e = slot ? r1 - 1 : (r1 - 1) * g->sh - g->pt + g->reach;

	*b0 = a > 0 ? a : 0;
	*b1 = e + 1 < h ? e + 1 : h;
}

/* The node before node "x" that makes tensor "t", or -1. */
static int maker(const struct compile_state *s, int x, int t)
{
	int j;

	for (j = 0; j < x; j++)
		if (s->g->nodes[j].outputs[0] == t)
			return j;
	return -1;
}

/* The "q"-th node making the band of tensor "t" fused into node "x",
 * or -1 past the last: t's producer, or for a channel Concat written in
 * place (resident.c) the producer of each part, which makes its band at
 * the part's channels of the band buffer ("*chan_off").
 */
static int band_maker(const struct compile_state *s, int x, int t, int q,
	int64_t *chan_off)
{
	int j = maker(s, x, t);
	const atoll_node *cn;

	*chan_off = 0;
	if (j < 0)
		return -1;
	cn = &s->g->nodes[j];
	if (!s->plan.alias_node[j] || strcmp(cn->op_type, "Concat"))
		return q == 0 ? j : -1;
	if (q >= cn->ninputs)
		return -1;
	*chan_off = s->plan.t[cn->inputs[q]].chan_off;
	return maker(s, j, cn->inputs[q]);
}

/* Record the row geometry of node "x" and of the producers fused into
 * it, recursively, in geo[] (lowering them in probe mode).
 */
static int probe_tree(struct compile_state *s, int x, struct band_state *geo)
{
	const atoll_node *n = &s->g->nodes[x];
	int k;

	memset(&s->band, 0, sizeof(s->band));
	s->band.node = x;
	s->band.probe = 1;
	if (lower_one(s, x) < 0)
		return -1;
	geo[x] = s->band;
	for (k = 0; k < n->ninputs; k++) {
		int t = n->inputs[k], j, q;
		int64_t off;

		if (t < 0 || s->plan.t[t].fused_by != x)
			continue;
		for (q = 0; (j = band_maker(s, x, t, q, &off)) >= 0; q++)
			if (probe_tree(s, j, geo) < 0)
				return -1;
	}
	return 0;
}

/* Output rows [r0, r1) of node "x", written to row 0 of the band buffer
 * "out" (or to its own place when NULL): first, recursively, the rows
 * of each tensor fused into x that they read, into its band buffer
 * (rows that overlap the previous band's are made again).
 */
static int lower_band(struct compile_state *s, int x, int64_t r0, int64_t r1,
	const atoll_res *out, const struct band_state *geo)
{
	const atoll_node *n = &s->g->nodes[x];
	struct band_state b;
	int k, j, q;

	memset(&b, 0, sizeof(b));
	b.node = x;
	b.r0 = r0;
	b.r1 = r1;
	for (k = 0; k < n->ninputs; k++) {
		int t = n->inputs[k], slot = k ? 1 : 0;
		int64_t b0, b1, off;

		if (t < 0 || s->plan.t[t].fused_by != x)
			continue;
		band_need(&geo[x], slot, r0, r1, s->g->tensors[t].dims[2],
			&b0, &b1);
		if (b1 <= b0 || b1 - b0 > s->plan.t[t].h) {
			atoll_diag_error(s->d, n->name, "internal: rows "
				"%lld..%lld of '%s' do not fit its band "
				"buffer of %lld rows", (long long) b0,
				(long long) b1, s->g->tensors[t].name,
				(long long) s->plan.t[t].h);
			return -1;
		}
		band_res(s, t, &b.in_res[slot]);
		for (q = 0; (j = band_maker(s, x, t, q, &off)) >= 0; q++) {
			atoll_res r = b.in_res[slot];

			r.base += off / s->o->hw->rows * r.tile;
			if (lower_band(s, j, b0, b1, &r, geo) < 0)
				return -1;
		}
		b.in_band[slot] = 1;
		b.in_b0[slot] = b0;
		b.in_rows[slot] = b1 - b0;
	}
	if (out) {
		b.out_band = 1;
		b.out_res = *out;
	}
	s->band = b;
	return lower_one(s, x);
}

/* Fusion group ending at node "c" (resident.c): c's output rows in
 * bands of the planned height, each made from the bands of its fused
 * operands, made just before from theirs.  The other nodes' commands
 * are counted in c's layer.
 */
static int lower_group(struct compile_state *s, int c)
{
	struct band_state *geo = calloc(s->g->nnodes + 1, sizeof(*geo));
	int64_t rows = s->plan.band_rows[c], r0, r1;
	int r = -1;

	if (!geo) {
		atoll_diag_error(s->d, NULL, "out of memory");
		return -1;
	}
	if (probe_tree(s, c, geo) < 0)
		goto done;
	if (rows < 1) {
		atoll_diag_error(s->d, s->g->nodes[c].name, "internal: no "
			"band height");
		goto done;
	}
	for (r0 = 0; r0 < geo[c].oh; r0 = r1) {
		r1 = r0 + rows < geo[c].oh ? r0 + rows : geo[c].oh;
		if (lower_band(s, c, r0, r1, NULL, geo) < 0)
			goto done;
	}
	r = 0;
done:
	s->band.node = -1;
	free(geo);
	return r;
}

/* Node "i" tiles into the scratchpad from the plan's work_lo up: no
 * tensor resident while it runs may reach there (the planner keeps them
 * below; an overlap would be overwritten by the operator's tiles).
 */
static int check_work_space(struct compile_state *s, int i,
	const char *where)
{
	const atoll_plan *p = &s->plan;
	int t;

	for (t = 0; p->t && t < p->ntensors; t++) {
		const atoll_tplan *a = &p->t[t];

		if ((a->keep != ATOLL_KEEP_SPM &&
		     a->keep != ATOLL_KEEP_BAND) || a->root != t ||
		    a->first > i || i > a->last)
			continue;
		if (a->base + a->bytes > s->em.spm_lo) {
			atoll_diag_error(s->d, where, "internal: resident "
				"tensor '%s' (scratchpad %lld..%lld) overlaps "
				"the operator's work space from %lld",
				s->g->tensors[t].name, (long long) a->base,
				(long long) (a->base + a->bytes),
				(long long) s->em.spm_lo);
			return -1;
		}
	}
	return 0;
}

static int lower_all(struct compile_state *s)
{
	int i;

	s->band.node = -1;
	for (i = 0; i < s->g->nnodes; i++) {
		int at = s->plan.emit_at ? s->plan.emit_at[i] : -1;

		if (at < 0 || at == i) {
			/* a fusion group runs at its consumer, all in the
			 * work space of that node (the planner reserves
			 * there what each of the group's nodes needs)
			 */
			s->em.spm_lo = s->plan.work_lo ? s->plan.work_lo[i] :
				0;
			if (check_work_space(s, i, s->g->nodes[i].name) < 0)
				return -1;
		}
		s->first_cmd[i] = s->em.ncmds;
		if (at >= 0 && at != i)
			continue;	/* emitted with its consumer */
		if (at == i ? lower_group(s, i) < 0 : lower_one(s, i) < 0)
			return -1;
	}
	return 0;
}

/* Per-axis host (de)quantisation of graph tensor "t" into "bt": the
 * scales and zero points along t->host_axis, from their constants.
 */
static int host_axis_params(struct compile_state *s, const atoll_tensor *t,
	atoll_btensor *bt)
{
	const atoll_tensor *qs = &s->g->tensors[t->host_qs];
	const atoll_tensor *qz = t->host_qz >= 0 ?
		&s->g->tensors[t->host_qz] : NULL;
	int64_t n, k;

	if (t->host_axis < 0 || t->host_axis >= t->rank ||
	    atoll_tensor_numel(qs) != t->dims[t->host_axis]) {
		atoll_diag_error(s->d, NULL, "tensor '%s': per-axis scale "
			"does not match the shape", t->name);
		return -1;
	}
	n = t->dims[t->host_axis];
	bt->host_float = 2;
	bt->host_axis = (uint32_t) t->host_axis;
	bt->host_scales = malloc((n ? n : 1) * sizeof(float));
	bt->host_zps = calloc(n ? n : 1, sizeof(int32_t));
	if (!bt->host_scales || !bt->host_zps) {
		atoll_diag_error(s->d, NULL, "out of memory");
		return -1;
	}
	memcpy(bt->host_scales, qs->data, n * sizeof(float));
	for (k = 0; qz && k < n; k++)
		bt->host_zps[k] = qz->dtype == ATOLL_DT_INT8 ?
			((const int8_t *) qz->data)[k] :
			((const uint8_t *) qz->data)[k];
	bt->scale = bt->host_scales[0];
	bt->zero_point = bt->host_zps[0];
	return 0;
}

static int add_tensor(struct compile_state *s, atoll_bundle *b, int ti,
	int role)
{
	const atoll_tensor *t = &s->g->tensors[ti];
	atoll_btensor *bt = &b->tensors[b->ntensors++];
	int k;

	memset(bt, 0, sizeof(*bt));
	snprintf(bt->name, sizeof(bt->name), "%s", t->name);
	bt->role = role;
	bt->dtype = t->dtype;
	bt->rank = t->rank;
	for (k = 0; k < t->rank; k++)
		bt->dims[k] = t->dims[k];
	bt->dram_addr = (uint32_t) s->addr[ti];
	bt->nbytes = (uint32_t) tensor_bytes(t);
	bt->scale = s->scale[ti];
	bt->zero_point = s->zp[ti];
	if (t->host_float) {
		bt->host_float = 1;
		bt->scale = t->host_scale;
		bt->zero_point = t->host_zp;
	}
	if (t->host_float == 2)
		return host_axis_params(s, t, bt);
	return 0;
}

/* Per-layer groups of commands; predicted counters are filled in by
 * atoll_predict (predict.c).
 */
static int assemble(struct compile_state *s, atoll_bundle *b)
{
	int64_t cmd_addr = align64(s->em.const_base + (int64_t) s->em.nconsts);
	int i, n = s->g->ntensors;

	b->version = ATOLL_BUNDLE_VERSION;
	b->config_id = s->o->hw->id;
	b->const_addr = (uint32_t) s->em.const_base;
	b->const_bytes = (uint32_t) s->em.nconsts;
	b->consts = s->em.consts;
	s->em.consts = NULL;
	b->cmd_addr = (uint32_t) cmd_addr;
	b->ncmds = (uint32_t) s->em.ncmds;
	b->cmds = s->em.cmds;
	s->em.cmds = NULL;
	b->dram_bytes = (uint32_t) (cmd_addr + (int64_t) b->ncmds *
		ATOLL_CMD_BYTES);
	if (cmd_addr + (int64_t) b->ncmds * ATOLL_CMD_BYTES >
	    s->o->hw->dram_bytes) {
		atoll_diag_error(s->d, NULL, "the program needs %lld bytes of "
			"device memory, the target has %u", (long long)
			(cmd_addr + (int64_t) b->ncmds * ATOLL_CMD_BYTES),
			s->o->hw->dram_bytes);
		return -1;
	}
	b->tensors = calloc(n ? n : 1, sizeof(*b->tensors));
	b->groups = calloc(s->g->nnodes ? s->g->nnodes : 1,
		sizeof(*b->groups));
	if (!b->tensors || !b->groups)
		return -1;
	for (i = 0; i < s->g->ninputs; i++)
		if (!s->g->tensors[s->g->inputs[i]].data &&
		    add_tensor(s, b, s->g->inputs[i], ATOLL_ROLE_INPUT) < 0)
			return -1;
	for (i = 0; i < s->g->noutputs; i++)
		if (add_tensor(s, b, s->g->outputs[i], ATOLL_ROLE_OUTPUT) < 0)
			return -1;
	for (i = 0; i < s->g->ntensors; i++)
		if (s->addr[i] >= 0 && !s->g->tensors[i].is_input &&
		    !s->g->tensors[i].is_output &&
		    s->plan.t[i].keep == ATOLL_KEEP_DRAM)
			add_tensor(s, b, i, ATOLL_ROLE_INTERNAL);
	if (s->plan.json) {
		b->report_json = strdup(s->plan.json);
		if (!b->report_json)
			return -1;
	}
	for (i = 0; i < s->g->nnodes; i++) {
		atoll_bgroup *gr = &b->groups[b->ngroups++];
		size_t end = i + 1 < s->g->nnodes ? s->first_cmd[i + 1] :
			s->em.ncmds - 1;

		snprintf(gr->name, sizeof(gr->name), "%s",
			s->g->nodes[i].name);
		gr->first_cmd = (uint32_t) s->first_cmd[i];
		gr->ncmds = (uint32_t) (end - s->first_cmd[i]);
	}
	return 0;
}

static void dump_commands(struct compile_state *s, FILE *f)
{
	char line[1024];
	size_t i;

	for (i = 0; i < s->em.ncmds; i++) {
		atoll_cmd_disasm(s->em.cmds + i * ATOLL_CMD_WORDS, line,
			sizeof(line));
		fprintf(f, "%5zu  %s\n", i, line);
	}
}

static void dump_graph(struct compile_state *s, FILE *f)
{
	int i, k;

	for (i = 0; i < s->g->ntensors; i++) {
		const atoll_tensor *t = &s->g->tensors[i];

		fprintf(f, "tensor %-24s %-6s [", t->name,
			atoll_dtype_name(t->dtype));
		for (k = 0; k < t->rank; k++)
			fprintf(f, "%s%lld", k ? "," : "",
				(long long) t->dims[k]);
		fprintf(f, "]%s%s%s", t->data ? " const" : "",
			t->is_input ? " input" : "",
			t->is_output ? " output" : "");
		if (s->addr[i] >= 0)
			fprintf(f, " @0x%llx", (long long) s->addr[i]);
		fprintf(f, "\n");
	}
	for (i = 0; i < s->g->nnodes; i++) {
		const atoll_node *n = &s->g->nodes[i];

		fprintf(f, "node %s (%s):", n->name, n->op_type);
		for (k = 0; k < n->ninputs; k++)
			fprintf(f, " %s", n->inputs[k] < 0 ? "-" :
				s->g->tensors[n->inputs[k]].name);
		fprintf(f, " ->");
		for (k = 0; k < n->noutputs; k++)
			fprintf(f, " %s", n->outputs[k] < 0 ? "-" :
				s->g->tensors[n->outputs[k]].name);
		fprintf(f, "\n");
	}
}

static int state_init(struct compile_state *s, atoll_graph *g,
	const atoll_compile_opts *o, atoll_diag *d)
{
	int i, nt = g->ntensors ? g->ntensors : 1;

	memset(s, 0, sizeof(*s));
	s->g = g;
	s->o = o;
	s->d = d;
	atoll_emit_init(&s->em, o->hw, d);
	s->addr = malloc(nt * sizeof(*s->addr));
	s->const_off = malloc(nt * sizeof(*s->const_off));
	s->bufs = calloc(nt, sizeof(*s->bufs));
	s->scale = calloc(nt, sizeof(*s->scale));
	s->zp = calloc(nt, sizeof(*s->zp));
	s->first_cmd = calloc(g->nnodes + 1, sizeof(*s->first_cmd));
	s->loaded = calloc(nt, 1);
	s->views = calloc(nt, sizeof(*s->views));
	s->view_pad = calloc(2 * (size_t) nt, sizeof(*s->view_pad));
	s->has_view = calloc(nt, 1);
	if (!s->addr || !s->const_off || !s->bufs || !s->scale || !s->zp ||
	    !s->first_cmd || !s->loaded || !s->views || !s->view_pad ||
	    !s->has_view) {
		atoll_diag_error(d, NULL, "out of memory");
		return -1;
	}
	for (i = 0; i < g->ntensors; i++) {
		s->addr[i] = -1;
		s->const_off[i] = -1;
		atoll_buf_init(&s->bufs[i], g->tensors[i].name);
	}
	return 0;
}

static void state_clear(struct compile_state *s)
{
	atoll_plan_clear(&s->plan);
	atoll_emit_clear(&s->em);
	free(s->addr);
	free(s->const_off);
	free(s->bufs);
	free(s->scale);
	free(s->zp);
	free(s->first_cmd);
	free(s->loaded);
	free(s->views);
	free(s->view_pad);
	free(s->has_view);
}

static int check_target(struct compile_state *s)
{
	const atoll_hwcfg *hw = s->o->hw;

	if (hw->cols > hw->rows) {
		atoll_diag_error(s->d, NULL, "the compiler needs cols <= rows "
			"(requantisation records live in SPM partitions)");
		return -1;
	}
	if (hw->semaphores < ATOLL_ENGINES) {
		atoll_diag_error(s->d, NULL, "the compiler needs at least %d "
			"semaphores", ATOLL_ENGINES);
		return -1;
	}
	return 0;
}

/* Start "s" over for another plan ("keep": no fragmentation check). */
static int restart(struct compile_state *s, char *nomove, isl_ctx *ctx,
	int keep)
{
	const atoll_compile_opts *o = s->o;
	atoll_graph *g = s->g;
	atoll_diag *d = s->d;
	atoll_work *work = s->work;
	int nwork = s->nwork, cap = s->work_cap, r;

	state_clear(s);
	r = state_init(s, g, o, d);
	s->work = work;
	s->nwork = nwork;
	s->work_cap = cap;
	if (r < 0)
		return -1;
	s->nomove = nomove;
	s->ctx = ctx;
	s->keep_moves = keep;
	return 0;
}

/* Device-memory bytes of the stream emitted so far: DMA traffic plus
 * command fetch.
 */
static uint64_t stream_bytes(const struct compile_state *s)
{
	uint64_t cnt[ATOLL_CNT_COUNT] = { 0 };
	size_t i;

	for (i = 0; i < s->em.ncmds; i++)
		atoll_predict_cmd(s->em.cmds + i * ATOLL_CMD_WORDS, s->o->hw,
			cnt);
	return cnt[ATOLL_CNT_DRAM_RD] + cnt[ATOLL_CNT_DRAM_WR] +
		cnt[ATOLL_CNT_CMD_FETCH];
}

/* Plan, place and lower "s->g" into the command stream. */
static int compile_stream(struct compile_state *s)
{
	const atoll_compile_opts *o = s->o;

	if (atoll_plan_build(s->ctx, s->g, o->hw, o->opt_level, s->nomove,
			s->work, s->nwork,
			(o->dump & ATOLL_DUMP_FLOW) ? o->dump_file : NULL,
			&s->plan, s->d) < 0 || place_all(s) < 0)
		return -1;
	s->em.const_base = align64(s->act_end);
	s->em.spm_lo = 0;		/* per node: lower_all */
	s->em.spm_hi = o->hw->spm_bytes;
	s->em.tiles_high = o->opt_level >= 2;
	if (o->dump & ATOLL_DUMP_GRAPH)
		dump_graph(s, o->dump_file);
	return lower_all(s) < 0 || atoll_emit_end(&s->em) < 0 ? -1 : 0;
}

atoll_bundle *atoll_compile(atoll_graph *g, const atoll_compile_opts *o,
	atoll_diag *d)
{
	struct compile_state s;
	atoll_bundle *b = NULL;
	isl_ctx *ctx;
	char *nomove;
	int i, r;

	if (atoll_qdq_fuse(g, d) < 0)
		return NULL;
	if (g->nnodes == 0) {
		atoll_diag_error(d, NULL, "nothing to run on the accelerator: "
			"the graph only quantises or dequantises its inputs");
		return NULL;
	}
	nomove = calloc(g->nnodes + 1, 1);
	if (!nomove) {
		atoll_diag_error(d, NULL, "out of memory");
		return NULL;
	}
	if (state_init(&s, g, o, d) < 0) {
		state_clear(&s);
		free(nomove);
		return NULL;
	}
	s.nomove = nomove;
	ctx = isl_ctx_alloc();
	if (!ctx) {
		state_clear(&s);
		free(nomove);
		return NULL;
	}
	s.ctx = ctx;
	isl_options_set_on_error(ctx, ISL_ON_ERROR_CONTINUE);
	isl_ctx_set_max_operations(ctx, o->isl_max_ops ? o->isl_max_ops :
		200000000ul);
	if (check_target(&s) < 0 || check_inputs(&s) < 0 ||
	    infer_shapes(&s) < 0)
		goto done;
	/* A plan with MOVEs cut into many commands is compared with the
	 * plan without them (fragmentation no longer checked there); the
	 * one whose stream moves fewer device-memory bytes, DMA and
	 * command fetch, is kept (the first is then built again).
	 */
	r = compile_stream(&s);
	if (r == 0 && s.replan) {
		uint64_t with = stream_bytes(&s), without;

		if (restart(&s, nomove, ctx, 1) < 0)
			goto done;
		if ((r = compile_stream(&s)) < 0)
			goto done;
		without = stream_bytes(&s);
		for (i = 0; o->dump && i < g->nnodes; i++)
			if (nomove[i])
				fprintf(o->dump_file, "# node '%s': its MOVE "
					"needs many commands; device-memory "
					"bytes with the moves %llu, without "
					"%llu\n", g->nodes[i].name,
					(unsigned long long) with,
					(unsigned long long) without);
		if (with <= without) {
			memset(nomove, 0, (size_t) g->nnodes + 1);
			if (restart(&s, nomove, ctx, 1) < 0)
				goto done;
			r = compile_stream(&s);
		}
	}
	if (r < 0)
		goto done;
	if (o->dump & ATOLL_DUMP_COMMANDS)
		dump_commands(&s, o->dump_file);
	b = calloc(1, sizeof(*b));
	if (!b || assemble(&s, b) < 0) {
		if (!d->failed)
			atoll_diag_error(d, NULL, "out of memory");
		atoll_bundle_free(b);
		b = NULL;
		goto done;
	}
	if (atoll_predict(b, o->hw) < 0) {
		atoll_bundle_free(b);
		b = NULL;
		atoll_diag_error(d, NULL, "prediction failed");
	}
done:
	if (isl_ctx_last_error(ctx) == isl_error_quota && !d->failed)
		atoll_diag_error(d, NULL, "isl operation budget exhausted");
	isl_ctx_free(ctx);
	state_clear(&s);
	free(s.work);
	free(nomove);
	return b;
}
