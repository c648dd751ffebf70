/*
 * Lowering of the vector operators (QLinearAdd, QLinearActivation,
 * max/average pooling) and of the layout operators on quantised tensors
 * (Concat, Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Slice, Pad),
 * which the per-operator program (-O0) runs as copies: a 1x1 max "pool"
 * with unit scale moves data between two views, and its padding positions
 * produce the zero point.  Tensors of rank <= 4 are seen as [n,c,h,w]
 * with leading unit dimensions.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lower_node.h"

#define R4 4

static int std_domain(const atoll_node *n)
{
	return !n->domain || !n->domain[0] || !strcmp(n->domain, "ai.onnx");
}

static int is(const atoll_node *n, const char *domain, const char *op)
{
	if (strcmp(n->op_type, op))
		return 0;
	if (!domain)
		return std_domain(n);
	return n->domain && !strcmp(n->domain, domain);
}

/* Dims of "t" padded to rank 4 with leading ones. */
static int dims4(struct atoll_lower *L, const atoll_tensor *t, int64_t *d)
{
	int i, k = R4 - t->rank;

	if (t->rank < 1 || t->rank > R4)
		return lw_fail(L, "tensor '%s' has rank %d; vector operators "
			"support ranks 1 to 4", t->name, t->rank);
	for (i = 0; i < R4; i++)
		d[i] = i < k ? 1 : t->dims[i - k];
	return 0;
}

static atoll_tensor *output(struct atoll_lower *L)
{
	return &L->graph->tensors[L->node->outputs[0]];
}

/* A dense row-major view of tensor "t" with 4-D dims "d". */
static int view_dense(struct atoll_lower *L, const atoll_tensor *t,
	const int64_t *d, atoll_view *v)
{
	int64_t pt = 0, pl = 0, td[R4];

	int r = L->shapes_only || !L->tensor_view ? 0 :
		L->tensor_view(L, t, v, &pt, &pl);

	if (r < 0)
		return -1;
	if (r > 0) {
		/* a view of another tensor (-O2): its strides, read in
		 * its own shape only
		 */
		if (pt || pl || dims4(L, t, td) < 0 ||
		    memcmp(td, d, sizeof(td)))
			return lw_fail(L, "internal: view '%s' read in another "
				"shape", t->name);
		v->t = t;
		return 0;
	}
	memset(v, 0, sizeof(*v));
	v->t = t;
	v->s_w = 1;
	v->s_h = d[3];
	v->s_c = d[2] * d[3];
	v->s_n = d[1] * d[2] * d[3];
	v->h = d[2];
	v->w = d[3];
	v->is_signed = t->dtype == ATOLL_DT_INT8;
	if (L->shapes_only || (L->view_out && t == output(L)))
		return 0;	/* a view's output has no buffer */
	if (L->tensor_res)
		L->tensor_res(L, t, &v->res);
	return L->tensor_addr(L, t, &v->addr, &v->buf);
}

static void vec_init(struct atoll_lower *L, atoll_vec *v, int kind,
	const int64_t *od, int out_signed)
{
	memset(v, 0, sizeof(*v));
	v->name = L->node->name;
	v->op_type = L->node->op_type;
	v->kind = kind;
	v->n = od[0];
	v->c = od[1];
	v->oh = od[2];
	v->ow = od[3];
	v->kh = v->kw = v->sh = v->sw = v->dh = v->dw = 1;
	v->mult[0] = v->mult[1] = 1;
	v->cmin = out_signed ? -128 : 0;
	v->cmax = out_signed ? 127 : 255;
	v->nin = 1;
}

/* S = fl32(xs / ys) as mult * 2^-shift. */
static int ratio(struct atoll_lower *L, const atoll_tensor *xs,
	const atoll_tensor *ys, int32_t *mult, int *shift)
{
	volatile float s = lw_param_f(xs, 0) / lw_param_f(ys, 0);

	if (atoll_scale_to_fixed(s, mult, shift) < 0)
		return lw_fail(L, "scale ratio %g is not representable",
			(double) s);
	return 0;
}


/* Output type from the zero point "yz" (default: the input's type). */
static int out_dtype(const atoll_tensor *yz, const atoll_tensor *x)
{
	return yz ? yz->dtype : x->dtype;
}

/* Check x, x_scale, x_zp, y_scale, y_zp (inputs 0, 1, 2, k, k+1). */
static int check_q_io(struct atoll_lower *L, int k)
{
	const atoll_graph *g = L->graph;
	const atoll_node *n = L->node;
	const atoll_tensor *x = lw_input(g, n, 0), *yz = lw_input(g, n, k + 1);

	if (lw_check_act(L, x, "input", 1, R4) < 0 ||
	    lw_check_scale(L, lw_input(g, n, 1), "x_scale", 1) < 0 ||
	    lw_check_scale(L, lw_input(g, n, k), "y_scale", 1) < 0 ||
	    lw_zp_operand(L, lw_input(g, n, 2), "x_zero_point", x->dtype,
		1) < 0 ||
	    lw_same_type_zp(L, lw_input(g, n, 2), x, "zero point") < 0)
		return -1;
	if (yz && (lw_check_param(L, yz, "y_zero_point", yz->dtype, 1) < 0 ||
		   !lw_is_q8(yz->dtype)))
		return L->diag->failed ? -1 :
			lw_fail(L, "y_zero_point must be uint8 or int8");
	return 0;
}

static int emit_vec(struct atoll_lower *L, atoll_vec *v)
{
	if (L->shapes_only)
		return L->note_vec ? L->note_vec(L, v) : 0;
	return L->gen_vec(L, v);
}

/* The numpy broadcast of the shapes of "a" and "b" (ranks 1 to 4). */
static int broadcast_dims(struct atoll_lower *L, const atoll_tensor *a,
	const atoll_tensor *b, int *rank, int64_t *od)
{
	int k;

	*rank = a->rank > b->rank ? a->rank : b->rank;
	if (*rank > R4)
		return lw_fail(L, "broadcasting supports ranks up to 4");
	for (k = 0; k < *rank; k++) {
		int ia = k - (*rank - a->rank), ib = k - (*rank - b->rank);
		int64_t x = ia >= 0 ? a->dims[ia] : 1;
		int64_t y = ib >= 0 ? b->dims[ib] : 1;

		if (x != y && x != 1 && y != 1)
			return lw_fail(L, "inputs '%s' and '%s' do not "
				"broadcast (dimension %d: %lld vs %lld)",
				a->name, b->name, k, (long long) x,
				(long long) y);
		od[k] = x == 1 ? y : x;
	}
	return 0;
}

/* Side "s" of a scratchpad copy: tensor "t" read or written through
 * view "v" (of t's own bytes).
 */
static int move_side(struct atoll_lower *L, const atoll_tensor *t,
	const atoll_view *v, atoll_move_side *s)
{
	int64_t addr;
	atoll_buf *buf;
	int k;

	memset(s, 0, sizeof(*s));
	if (t->rank < 2 || t->rank > R4)
		return lw_fail(L, "internal: scratchpad copy of rank %d",
			t->rank);
	s->rank = t->rank;
	for (k = 0; k < t->rank; k++)
		s->dims[k] = t->dims[k];
	L->tensor_res(L, t, &s->res);
	if (!s->res.on || L->tensor_addr(L, t, &addr, &buf) < 0)
		return lw_fail(L, "internal: '%s' is not in the scratchpad",
			t->name);
	s->off = v->addr - addr;
	s->s[0] = v->s_n;
	s->s[1] = v->s_c;
	s->s[2] = v->s_h;
	s->s[3] = v->s_w;
	return 0;
}

/* A view of tensor "t" (4-D dims "td") read at every position of the
 * 4-D output dims "od": stride 0 along the dimensions it broadcasts.
 */
static int view_bcast(struct atoll_lower *L, const atoll_tensor *t,
	const int64_t *td, const int64_t *od, atoll_view *v)
{
	if (view_dense(L, t, td, v) < 0)
		return -1;
	if (td[0] != od[0])
		v->s_n = 0;
	if (td[1] != od[1])
		v->s_c = 0;
	if (td[2] != od[2])
		v->s_h = 0;
	if (td[3] != od[3])
		v->s_w = 0;
	v->h = od[2];
	v->w = od[3];
	if (v->res.on && td[0] != od[0])
		return lw_fail(L, "an input broadcast over batch cannot be "
			"read from the scratchpad");
	return 0;
}

/* Operand "t" (4-D dims "td") stays in the scratchpad but is broadcast
 * over the od[1] channels of the output, while each ADD lane reads its
 * own partition: MOVE it into a scratch area of od[1] channels (its own
 * height and width) at the start of the operator's work space, and read
 * that like any resident operand through "v".  "*lo" gets the work
 * space start left for the operator.
 */
static int bcast_channels(struct atoll_lower *L, const atoll_tensor *t,
	const int64_t *td, const int64_t *od, atoll_view *v, atoll_buf *tmp,
	int64_t *lo)
{
	int64_t R = L->em->hw->rows, tile = td[2] * td[3], base = *lo;
	int64_t s_n = (od[1] + R - 1) / R * tile;
	atoll_view sv;
	atoll_move m;

	base = (base + 63) / 64 * 64;
	if (base + td[0] * s_n > L->em->spm_hi)
		return lw_fail(L, "input '%s' broadcast over channels needs "
			"%lld scratchpad bytes per partition", t->name,
			(long long) (td[0] * s_n));
	if (view_dense(L, t, td, &sv) < 0)
		return -1;
	sv.s_c = 0;
	memset(&m, 0, sizeof(m));
	m.name = L->node->name;
	m.od[0] = td[0];
	m.od[1] = od[1];
	m.od[2] = td[2];
	m.od[3] = td[3];
	m.h = td[2];
	m.w = td[3];
	if (move_side(L, t, &sv, &m.src) < 0)
		return -1;
	atoll_buf_init(tmp, "spm.bcast");
	atoll_buf_spm(tmp, base, base + td[0] * s_n);
	m.dst.rank = 4;
	memcpy(m.dst.dims, m.od, sizeof(m.od));
	m.dst.res.on = 1;
	m.dst.res.base = base;
	m.dst.res.s_n = s_n;
	m.dst.res.tile = tile;
	m.dst.res.pitch = td[3];
	m.dst.res.buf = tmp;
	m.dst.s[3] = 1;
	m.dst.s[2] = td[3];
	m.dst.s[1] = tile;
	m.dst.s[0] = od[1] * tile;
	if (L->gen_move(L, &m) < 0)
		return -1;
	v->res = m.dst.res;
	*lo = base + td[0] * s_n;
	return 0;
}

/* com.microsoft QLinearAdd: a, as, az, b, bs, bz, ys, yz; a and b
 * broadcast as in numpy.
 */
static int lower_add(struct atoll_lower *L)
{
	const atoll_graph *g = L->graph;
	const atoll_node *n = L->node;
	const atoll_tensor *a = lw_input(g, n, 0), *b = lw_input(g, n, 3);
	const atoll_tensor *yz = lw_input(g, n, 7);
	int64_t d[R4], da[R4], db[R4], od[R4], lo, saved;
	int32_t m[2];
	int sh[2], dt, k, rank, r;
	atoll_vec v;
	atoll_buf tmp[2];

	if (check_q_io(L, 6) < 0 || lw_check_act(L, b, "B", 1, R4) < 0 ||
	    lw_check_scale(L, lw_input(g, n, 4), "b_scale", 1) < 0 ||
	    lw_zp_operand(L, lw_input(g, n, 5), "b_zero_point", b->dtype,
		1) < 0)
		return -1;
	if (broadcast_dims(L, a, b, &rank, od) < 0)
		return -1;
	dt = out_dtype(yz, a);
	if (dims4(L, a, da) < 0 || dims4(L, b, db) < 0 ||
	    lw_set_output(L, output(L), dt, rank, od) < 0 ||
	    dims4(L, output(L), d) < 0)
		return -1;
	vec_init(L, &v, ATOLL_VEC_ADD, d, dt == ATOLL_DT_INT8);
	v.nin = 2;
	if (ratio(L, lw_input(g, n, 1), lw_input(g, n, 6), &m[0], &sh[0]) < 0 ||
	    ratio(L, lw_input(g, n, 4), lw_input(g, n, 6), &m[1], &sh[1]) < 0 ||
	    lw_clamp(L, dt == ATOLL_DT_INT8, &v.cmin, &v.cmax) < 0)
		return -1;
	v.shift = sh[0] > sh[1] ? sh[0] : sh[1];
	for (k = 0; k < 2; k++) {
		int64_t mm = (int64_t) m[k] << (v.shift - sh[k]);

		if (v.shift - sh[k] > 31 || mm > INT32_MAX)
			return lw_fail(L, "the scale ratios of the two inputs "
				"differ too much to share one shift");
		v.mult[k] = (int32_t) mm;
	}
	v.zp_in[0] = lw_param_zp(lw_input(g, n, 2), 0);
	v.zp_in[1] = lw_param_zp(lw_input(g, n, 5), 0);
	v.zp_out = lw_param_zp(yz, 0);
	if (view_bcast(L, a, da, d, &v.in[0]) < 0 ||
	    view_bcast(L, b, db, d, &v.in[1]) < 0 ||
	    view_dense(L, output(L), d, &v.out) < 0)
		return -1;
	L->out_scale = lw_param_f(lw_input(g, n, 6), 0);
	L->out_zp = v.zp_out;
	if (L->shapes_only)	/* the planner adds any broadcast space */
		return emit_vec(L, &v);
	lo = L->em->spm_lo;
	for (k = 0; k < 2; k++)
		if (v.in[k].res.on && (k ? db : da)[1] != d[1] &&
		    bcast_channels(L, k ? b : a, k ? db : da, d, &v.in[k],
			&tmp[k], &lo) < 0)
			return -1;
	saved = L->em->spm_lo;
	L->em->spm_lo = lo;
	r = emit_vec(L, &v);
	L->em->spm_lo = saved;
	return r;
}

/* atoll QLinearActivation: requantise x (Relu/Clip as clamp bounds). */
static int lower_act(struct atoll_lower *L)
{
	const atoll_graph *g = L->graph;
	const atoll_node *n = L->node;
	const atoll_tensor *x = lw_input(g, n, 0), *yz = lw_input(g, n, 4);
	int64_t d[R4];
	int dt;
	atoll_vec v;

	if (check_q_io(L, 3) < 0)
		return -1;
	dt = out_dtype(yz, x);
	if (dims4(L, x, d) < 0 ||
	    lw_set_output(L, output(L), dt, x->rank, x->dims) < 0)
		return -1;
	vec_init(L, &v, ATOLL_VEC_ACT, d, dt == ATOLL_DT_INT8);
	if (ratio(L, lw_input(g, n, 1), lw_input(g, n, 3), &v.mult[0],
		  &v.shift) < 0 ||
	    lw_clamp(L, dt == ATOLL_DT_INT8, &v.cmin, &v.cmax) < 0)
		return -1;
	v.zp_in[0] = lw_param_zp(lw_input(g, n, 2), 0);
	v.zp_out = lw_param_zp(yz, 0);
	if (view_dense(L, x, d, &v.in[0]) < 0 ||
	    view_dense(L, output(L), d, &v.out) < 0)
		return -1;
	L->out_scale = lw_param_f(lw_input(g, n, 3), 0);
	L->out_zp = v.zp_out;
	return emit_vec(L, &v);
}

static const char *pool_attrs[] = { "auto_pad", "ceil_mode", "dilations",
	"kernel_shape", "pads", "strides", "storage_order",
	"count_include_pad", "channels_last", "atoll_clamp_lo",
	"atoll_clamp_hi", NULL };

/* Output extent of a pooling window along one dimension, ONNX rules
 * (ceil_mode: the last window must start inside the input or the left
 * padding).
 */
static int pool_extent(struct atoll_lower *L, const char *auto_pad,
	int ceil_mode, int64_t in, int64_t k, int64_t s, int64_t d,
	int64_t *pb, int64_t *pe, int64_t *out)
{
	int64_t ek = (k - 1) * d + 1, span;

	if (strcmp(auto_pad, "NOTSET") || !ceil_mode)
		return lw_conv_geometry(L, auto_pad, in, k, s, d, pb, pe, out);
	span = in + *pb + *pe - ek;
	if (span < 0)
		return lw_fail(L, "window larger than the padded input");
	*out = (span + s - 1) / s + 1;
	if ((*out - 1) * s >= in + *pb)
		(*out)--;
	return 0;
}

/* Window attributes of MaxPool/AveragePool (or the whole image for the
 * global variant) into "v", whose output dims are set from input dims "d".
 */
static int pool_window(struct atoll_lower *L, atoll_vec *v,
	const int64_t *d, int global)
{
	const atoll_attr *ap = atoll_node_attr(L->node, "auto_pad");
	const char *auto_pad = ap && ap->s ? ap->s : "NOTSET";
	int64_t ks[2], st[2], di[2], pads[4], ceil_mode, order, chl, cip;

	if (lw_check_unknown_attrs(L, pool_attrs) < 0 ||
	    lw_ints_attr(L, "kernel_shape", 2, -1, ks) < 0 ||
	    lw_ints_attr(L, "strides", 2, 1, st) < 0 ||
	    lw_ints_attr(L, "dilations", 2, 1, di) < 0 ||
	    lw_ints_attr(L, "pads", 4, 0, pads) < 0 ||
	    lw_int_attr(L, "ceil_mode", 0, &ceil_mode) < 0 ||
	    lw_int_attr(L, "storage_order", 0, &order) < 0 ||
	    lw_int_attr(L, "channels_last", 0, &chl) < 0 ||
	    lw_int_attr(L, "count_include_pad", 0, &cip) < 0)
		return -1;
	if (order || chl)
		return lw_fail(L, "storage_order/channels_last are not "
			"supported");
	if (global) {
		ks[0] = d[2];
		ks[1] = d[3];
		st[0] = st[1] = di[0] = di[1] = 1;
		memset(pads, 0, sizeof(pads));
		auto_pad = "NOTSET";
		ceil_mode = 0;
	}
	if (ks[0] < 1 || ks[1] < 1 || st[0] < 1 || st[1] < 1 || di[0] < 1 ||
	    di[1] < 1)
		return lw_fail(L, "kernel_shape, strides and dilations must be "
			">= 1");
	v->kh = ks[0];
	v->kw = ks[1];
	v->sh = st[0];
	v->sw = st[1];
	v->dh = di[0];
	v->dw = di[1];
	v->count_pad = (int) cip;
	if (pool_extent(L, auto_pad, (int) ceil_mode, d[2], v->kh, v->sh,
			v->dh, &pads[0], &pads[2], &v->oh) < 0 ||
	    pool_extent(L, auto_pad, (int) ceil_mode, d[3], v->kw, v->sw,
			v->dw, &pads[1], &pads[3], &v->ow) < 0)
		return -1;
	if (pads[0] >= (v->kh - 1) * v->dh + 1 ||
	    pads[1] >= (v->kw - 1) * v->dw + 1)
		return lw_fail(L, "pads must be smaller than the window");
	if (cip && ((v->oh - 1) * v->sh + (v->kh - 1) * v->dh + 1 >
		    d[2] + pads[0] + pads[2] ||
		    (v->ow - 1) * v->sw + (v->kw - 1) * v->dw + 1 >
		    d[3] + pads[1] + pads[3]))
		return lw_fail(L, "count_include_pad with windows beyond the "
			"padded input (ceil_mode) is not supported");
	v->pt = pads[0];
	v->pl = pads[1];
	v->n = d[0];
	v->c = d[1];
	return 0;
}

/* MaxPool on a quantised tensor, atoll QLinearMaxPool, com.microsoft
 * QLinearAveragePool and QLinearGlobalAveragePool.
 */
static int lower_pool(struct atoll_lower *L, int quant, int avg, int global)
{
	const atoll_graph *g = L->graph;
	const atoll_node *n = L->node;
	const atoll_tensor *x = lw_input(g, n, 0);
	const atoll_tensor *yz = quant ? lw_input(g, n, 4) : NULL;
	int64_t d[R4], od[R4];
	int dt;
	atoll_vec v;

	if (quant ? check_q_io(L, 3) < 0 :
	    lw_check_act(L, x, "input", 4, 4) < 0)
		return -1;
	if (x->rank != 4)
		return lw_fail(L, "pooling needs a 4-D input");
	dt = out_dtype(yz, x);
	if (dims4(L, x, d) < 0)
		return -1;
	vec_init(L, &v, ATOLL_VEC_POOL, d, dt == ATOLL_DT_INT8);
	v.avg = avg;
	if (pool_window(L, &v, d, global) < 0)
		return -1;
	od[0] = v.n;
	od[1] = v.c;
	od[2] = v.oh;
	od[3] = v.ow;
	if (lw_set_output(L, output(L), dt, 4, od) < 0)
		return -1;
	if (quant && (ratio(L, lw_input(g, n, 1), lw_input(g, n, 3),
			    &v.mult[0], &v.shift) < 0 ||
		      lw_clamp(L, dt == ATOLL_DT_INT8, &v.cmin, &v.cmax) < 0))
		return -1;
	v.zp_in[0] = quant ? lw_param_zp(lw_input(g, n, 2), 0) : 0;
	v.zp_out = quant ? lw_param_zp(yz, 0) : 0;
	if (view_dense(L, x, d, &v.in[0]) < 0 ||
	    view_dense(L, output(L), od, &v.out) < 0)
		return -1;
	L->out_scale = quant ? lw_param_f(lw_input(g, n, 3), 0) : 0;
	L->out_zp = v.zp_out;
	return emit_vec(L, &v);
}

/* A copy from view "src" to view "dst" of 4-D extent "od" (1x1 max pool
 * with unit scale); positions outside src's (h, w) extent after the
 * offsets (pt, pl) become "fill".
 */
/* The copy of emit_copy as MOVE commands within the scratchpad (a layout
 * operator whose input "x" and output both stay there, -O2).
 */
static int emit_move(struct atoll_lower *L, const atoll_tensor *x,
	const int64_t *od, const atoll_view *src, const atoll_view *dst,
	int64_t pt, int64_t pl, int fill)
{
	atoll_move m;

	memset(&m, 0, sizeof(m));
	m.name = L->node->name;
	memcpy(m.od, od, sizeof(m.od));
	if (move_side(L, x, src, &m.src) < 0 ||
	    move_side(L, output(L), dst, &m.dst) < 0)
		return -1;
	m.h = src->h;
	m.w = src->w;
	m.pt = pt;
	m.pl = pl;
	m.fill = fill;
	return L->gen_move(L, &m);
}

/* View "v" of "x" resident in the scratchpad (a Slice or Pad read in
 * place there, -O2): the place of its first element in x's layout, from
 * its element offset; the planner makes such views with unit strides
 * and from a partition boundary only.
 */
static int spm_offset(struct atoll_lower *L, const atoll_tensor *x,
	atoll_view *v)
{
	int64_t d[R4], addr, off, R = L->em->hw->rows;
	atoll_buf *buf;

	if (dims4(L, x, d) < 0 || L->tensor_addr(L, x, &addr, &buf) < 0)
		return -1;
	off = v->addr - addr;
	if (v->s_w != 1 || v->s_h != d[3] || v->s_c != d[2] * d[3] ||
	    v->res.chan_off || off < 0 || off >= d[1] * d[2] * d[3] ||
	    off / (d[2] * d[3]) % R)
		return lw_fail(L, "internal: '%s' cannot be read in place in "
			"the scratchpad", x->name);
	v->res.base += off / (d[2] * d[3]) / R * v->res.tile +
		off % (d[2] * d[3]) / d[3] * v->res.pitch + off % d[3];
	return 0;
}

static int emit_copy(struct atoll_lower *L, const atoll_tensor *x,
	const int64_t *od, const atoll_view *src, const atoll_view *dst,
	int64_t pt, int64_t pl, int fill)
{
	atoll_vec v;

	if (L->view_out && !L->shapes_only) {
		atoll_view sv = *src;

		if (sv.res.on && spm_offset(L, x, &sv) < 0)
			return -1;
		return L->set_view(L, output(L), &sv, pt, pl);
	}
	if (L->move_out && !L->shapes_only)
		return emit_move(L, x, od, src, dst, pt, pl, fill);
	vec_init(L, &v, ATOLL_VEC_POOL, od, dst->is_signed);
	v.in[0] = *src;
	v.out = *dst;
	v.pt = pt;
	v.pl = pl;
	v.zp_in[0] = fill;
	v.zp_out = fill;
	return emit_vec(L, &v);
}

/* Largest divisor of "n" not above "max". */
static int64_t divisor(int64_t n, int64_t max)
{
	int64_t p;

	for (p = max; p > 1; p--)
		if (n % p == 0)
			return p;
	return 1;
}

/* The coarsest extent (at most four dimensions, outermost first, in
 * "od") that refines both row-major shapes "a" and "b" of the same
 * elements: the union of their suffix products, when each divides the
 * next.  Over it a move between the two scratchpad layouts advances
 * evenly along whole rows and channels on both sides instead of along
 * one flat run, so its boxes are long.  Returns 0 if the shapes have no
 * such common refinement.
 */
static int common_extent(const atoll_tensor *a, const atoll_tensor *b,
	int64_t *od)
{
	const atoll_tensor *t[2] = { a, b };
	int64_t p[2 * ATOLL_MAX_RANK + 1], e[2 * ATOLL_MAX_RANK + 1], v;
	int n = 0, m = 0, i, k;

	for (i = 0; i < 2; i++)
		for (v = 1, k = t[i]->rank - 1; k >= 0; k--) {
			v *= t[i]->dims[k];
			p[n++] = v;
		}
	if (n == 0)
		return 0;
	/* sort ascending, drop repeats */
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && p[k - 1] > p[k]; k--) {
			v = p[k];
			p[k] = p[k - 1];
			p[k - 1] = v;
		}
	for (i = 0, v = 1; i < n; i++) {
		if (p[i] == v)
			continue;
		if (p[i] <= 0 || p[i] % v)
			return 0;
		e[m++] = p[i] / v;	/* innermost first */
		v = p[i];
	}
	/* more than four: merge the outermost */
	while (m > R4) {
		e[m - 2] *= e[m - 1];
		m--;
	}
	for (k = 0; k < R4; k++)
		od[R4 - 1 - k] = k < m ? e[k] : 1;
	return 1;
}

/* Same bytes, new shape: a flat copy over as many partitions as divide
 * the size (a scratchpad move runs over the shapes' common refinement).
 */
static int flat_copy(struct atoll_lower *L, const atoll_tensor *x,
	int rank, const int64_t *dims)
{
	atoll_tensor *y = output(L);
	int64_t total = atoll_tensor_numel(x), od[R4];
	atoll_view sv, dv;

	if (lw_set_output(L, y, x->dtype, rank, dims) < 0)
		return -1;
	if (atoll_tensor_numel(y) != total)
		return lw_fail(L, "output has %lld elements, input '%s' has "
			"%lld", (long long) atoll_tensor_numel(y), x->name,
			(long long) total);
	od[0] = 1;
	od[1] = divisor(total, L->em->hw->rows);
	od[2] = 1;
	od[3] = total / od[1];
	if (L->move_out && !L->shapes_only && !L->view_out)
		(void) common_extent(x, y, od);
	if (view_dense(L, x, od, &sv) < 0 || view_dense(L, y, od, &dv) < 0)
		return -1;
	return emit_copy(L, x, od, &sv, &dv, 0, 0, 0);
}

/* The int64 values of constant input "i" (or attribute "attr"); count in
 * "*n" (at most "max"); returns 1 if absent.
 */
static int ints_input(struct atoll_lower *L, int i, const char *attr,
	int64_t *v, int *n, int max)
{
	const atoll_tensor *t = lw_input(L->graph, L->node, i);
	const atoll_attr *a = attr ? atoll_node_attr(L->node, attr) : NULL;
	int64_t k;

	if (!t) {
		if (!a)
			return 1;
		if (a->type != ATOLL_ATTR_INTS || a->nints > max)
			return lw_fail(L, "attribute '%s' must list at most %d "
				"integers", attr, max);
		memcpy(v, a->ints, a->nints * sizeof(*v));
		*n = a->nints;
		return 0;
	}
	if (!t->data || (t->dtype != ATOLL_DT_INT64 &&
			 t->dtype != ATOLL_DT_INT32))
		return lw_fail(L, "input '%s' must be a constant int64 tensor",
			t->name);
	*n = (int) atoll_tensor_numel(t);
	if (*n > max)
		return lw_fail(L, "input '%s' has too many values", t->name);
	for (k = 0; k < *n; k++) {
		if (t->dtype == ATOLL_DT_INT64)
			memcpy(&v[k], (const char *) t->data + 8 * k, 8);
		else {
			int32_t x32;

			memcpy(&x32, (const char *) t->data + 4 * k, 4);
			v[k] = x32;
		}
	}
	return 0;
}

static int norm_axis(struct atoll_lower *L, int64_t a, int rank, int *out)
{
	if (a < -rank || a >= rank)
		return lw_fail(L, "axis %lld out of range for rank %d",
			(long long) a, rank);
	*out = (int) (a < 0 ? a + rank : a);
	return 0;
}

static int lower_reshape(struct atoll_lower *L, const atoll_tensor *x)
{
	int64_t shape[ATOLL_MAX_RANK], known = 1, total = atoll_tensor_numel(x);
	int n, i, infer = -1, r;

	r = ints_input(L, 1, NULL, shape, &n, ATOLL_MAX_RANK);
	if (r != 0)
		return r < 0 ? -1 : lw_fail(L, "missing shape input");
	for (i = 0; i < n; i++) {
		if (i < x->rank && shape[i] == 0)
			shape[i] = x->dims[i];
		if (shape[i] == -1 && infer < 0)
			infer = i;
		else if (shape[i] <= 0)
			return lw_fail(L, "bad shape value %lld",
				(long long) shape[i]);
		else
			known *= shape[i];
	}
	if (infer >= 0) {
		if (total % known)
			return lw_fail(L, "cannot infer the -1 dimension");
		shape[infer] = total / known;
	}
	return flat_copy(L, x, n, shape);
}

static int lower_flatten(struct atoll_lower *L, const atoll_tensor *x)
{
	int64_t axis, d[2] = { 1, 1 };
	int a = 0, i;

	if (lw_int_attr(L, "axis", 1, &axis) < 0)
		return -1;
	if (axis != x->rank && norm_axis(L, axis, x->rank, &a) < 0)
		return -1;
	if (axis == x->rank)
		a = x->rank;
	for (i = 0; i < x->rank; i++)
		d[i < a ? 0 : 1] *= x->dims[i];
	return flat_copy(L, x, 2, d);
}

static int lower_squeeze(struct atoll_lower *L, const atoll_tensor *x,
	int unsqueeze)
{
	int64_t axes[ATOLL_MAX_RANK], d[ATOLL_MAX_RANK];
	int na = 0, i, k, rank, r, mark[ATOLL_MAX_RANK] = { 0 };

	r = ints_input(L, 1, "axes", axes, &na, ATOLL_MAX_RANK);
	if (r < 0)
		return -1;
	rank = unsqueeze ? x->rank + na : x->rank;
	if (rank > ATOLL_MAX_RANK)
		return lw_fail(L, "rank too large");
	for (i = 0; i < na; i++) {
		int a = 0;

		if (norm_axis(L, axes[i], rank, &a) < 0)
			return -1;
		mark[a] = 1;
	}
	for (i = 0, k = 0; i < (unsqueeze ? rank : x->rank); i++) {
		if (unsqueeze) {
			d[i] = mark[i] ? 1 : x->dims[k++];
			continue;
		}
		if ((na ? mark[i] : x->dims[i] == 1)) {
			if (x->dims[i] != 1)
				return lw_fail(L, "cannot squeeze dimension %d "
					"of size %lld", i, (long long) x->dims[i]);
			continue;
		}
		d[k++] = x->dims[i];
	}
	return flat_copy(L, x, unsqueeze ? rank : k, d);
}

static int lower_transpose(struct atoll_lower *L, const atoll_tensor *x)
{
	const atoll_attr *pa = atoll_node_attr(L->node, "perm");
	int64_t perm[R4], xd[R4], od[ATOLL_MAX_RANK], od4[R4], st[R4];
	int r = x->rank, i, k = R4 - r, seen[R4] = { 0 };
	atoll_view sv, dv;

	if (r > R4)
		return lw_fail(L, "Transpose supports rank <= 4");
	for (i = 0; i < r; i++)
		perm[i] = pa ? (i < pa->nints ? pa->ints[i] : -1) : r - 1 - i;
	for (i = 0; i < r; i++) {
		if (perm[i] < 0 || perm[i] >= r || seen[perm[i]]++ ||
		    (pa && pa->nints != r))
			return lw_fail(L, "bad perm attribute");
		od[i] = x->dims[perm[i]];
	}
	if (lw_set_output(L, output(L), x->dtype, r, od) < 0 ||
	    dims4(L, x, xd) < 0 || dims4(L, output(L), od4) < 0 ||
	    view_dense(L, x, xd, &sv) < 0 ||
	    view_dense(L, output(L), od4, &dv) < 0)
		return -1;
	st[0] = sv.s_n;			/* x's strides (a view's, or dense) */
	st[1] = sv.s_c;
	st[2] = sv.s_h;
	st[3] = sv.s_w;
	for (i = 0; i < R4; i++) {
		int64_t s = i < k ? 0 : st[k + perm[i - k]];

		if (i == 0)
			sv.s_n = s;
		else if (i == 1)
			sv.s_c = s;
		else if (i == 2)
			sv.s_h = s;
		else
			sv.s_w = s;
	}
	sv.h = od4[2];
	sv.w = od4[3];
	return emit_copy(L, x, od4, &sv, &dv, 0, 0, 0);
}

/* ONNX Slice: per axis start, end, step with the clamping rules. */
static int lower_slice(struct atoll_lower *L, const atoll_tensor *x)
{
	int64_t starts[R4], ends[R4], axes[R4], steps[R4], b[R4], s[R4];
	int64_t od[ATOLL_MAX_RANK], xd[R4], od4[R4], st[R4];
	int ns, ne, na = 0, nst = 0, i, k = R4 - x->rank;
	atoll_view sv, dv;

	if (x->rank > R4)
		return lw_fail(L, "Slice supports rank <= 4");
	if (ints_input(L, 1, "starts", starts, &ns, R4) != 0 ||
	    ints_input(L, 2, "ends", ends, &ne, R4) != 0 || ns != ne)
		return L->diag->failed ? -1 : lw_fail(L, "bad starts/ends");
	if (ints_input(L, 3, "axes", axes, &na, R4) < 0 ||
	    ints_input(L, 4, NULL, steps, &nst, R4) < 0)
		return -1;
	for (i = 0; i < x->rank; i++) {
		b[i] = 0;
		s[i] = 1;
		od[i] = x->dims[i];
	}
	for (i = 0; i < ns; i++) {
		int a = i, dim;
		int64_t lo, hi, step = nst ? steps[i] : 1;

		if (na && norm_axis(L, axes[i], x->rank, &a) < 0)
			return -1;
		dim = (int) x->dims[a];
		if (step == 0)
			return lw_fail(L, "step 0");
		lo = starts[i] < 0 ? starts[i] + dim : starts[i];
		hi = ends[i] < 0 ? ends[i] + dim : ends[i];
		if (step > 0) {
			lo = lo < 0 ? 0 : lo > dim ? dim : lo;
			hi = hi < 0 ? 0 : hi > dim ? dim : hi;
			od[a] = hi > lo ? (hi - lo + step - 1) / step : 0;
		} else {
			lo = lo < 0 ? -1 : lo > dim - 1 ? dim - 1 : lo;
			hi = hi < -1 ? -1 : hi > dim - 1 ? dim - 1 : hi;
			od[a] = lo > hi ? (lo - hi - step - 1) / -step : 0;
		}
		if (od[a] == 0)
			return lw_fail(L, "empty slices are not supported");
		b[a] = lo;
		s[a] = step;
	}
	if (lw_set_output(L, output(L), x->dtype, x->rank, od) < 0 ||
	    dims4(L, x, xd) < 0 || dims4(L, output(L), od4) < 0 ||
	    view_dense(L, x, xd, &sv) < 0 ||
	    view_dense(L, output(L), od4, &dv) < 0)
		return -1;
	st[0] = sv.s_n;			/* x's strides (a view's, or dense) */
	st[1] = sv.s_c;
	st[2] = sv.s_h;
	st[3] = sv.s_w;
	for (i = 0; i < x->rank; i++)
		sv.addr += b[i] * st[k + i];
	sv.s_n = k > 0 ? 0 : st[0] * s[0];
	sv.s_c = k > 1 ? 0 : st[1] * s[1 - k];
	sv.s_h = k > 2 ? 0 : st[2] * s[2 - k];
	sv.s_w = st[3] * s[3 - k];
	sv.h = od4[2];
	sv.w = od4[3];
	return emit_copy(L, x, od4, &sv, &dv, 0, 0, 0);
}

/* Pad (constant) on the two innermost dimensions. */
static int lower_pad(struct atoll_lower *L, const atoll_tensor *x)
{
	const atoll_tensor *cv = lw_input(L->graph, L->node, 2);
	const atoll_attr *mode = atoll_node_attr(L->node, "mode");
	int64_t pads[2 * R4], od[ATOLL_MAX_RANK], xd[R4], od4[R4], fill;
	int n = 0, i, r = x->rank;
	atoll_view sv, dv;

	if (mode && mode->s && strcmp(mode->s, "constant"))
		return lw_fail(L, "Pad mode '%s' is not supported", mode->s);
	if (r > R4 || ints_input(L, 1, "pads", pads, &n, 2 * R4) != 0 ||
	    n != 2 * r)
		return L->diag->failed ? -1 : lw_fail(L, "bad pads");
	if (lw_int_attr(L, "atoll_pad_value", 0, &fill) < 0)
		return -1;
	if (cv && cv->data && lw_is_q8(cv->dtype))
		fill = lw_param_zp(cv, 0);
	else if (cv && !atoll_node_attr(L->node, "atoll_pad_value"))
		return lw_fail(L, "constant_value must be a constant of the "
			"input's type");
	for (i = 0; i < r; i++) {
		if (pads[i] < 0 || pads[i + r] < 0)
			return lw_fail(L, "negative pads are not supported");
		if (i < r - 2 && (pads[i] || pads[i + r]))
			return lw_fail(L, "padding is supported on the two "
				"innermost dimensions only");
		od[i] = x->dims[i] + pads[i] + pads[i + r];
	}
	if (lw_set_output(L, output(L), x->dtype, r, od) < 0 ||
	    dims4(L, x, xd) < 0 || dims4(L, output(L), od4) < 0 ||
	    view_dense(L, x, xd, &sv) < 0 ||
	    view_dense(L, output(L), od4, &dv) < 0)
		return -1;
	return emit_copy(L, x, od4, &sv, &dv, r >= 2 ? pads[r - 2] : 0,
		pads[r - 1], (int) fill);
}

/* Concat: each input copied into its slice of the output. */
static int lower_concat(struct atoll_lower *L)
{
	const atoll_graph *g = L->graph;
	const atoll_node *n = L->node;
	const atoll_tensor *x0 = lw_input(g, n, 0);
	int64_t axis, od[ATOLL_MAX_RANK], od4[R4], off = 0;
	int a = 0, i, k;
	atoll_view dv;

	if (lw_int_attr(L, "axis", 0, &axis) < 0 ||
	    lw_check_act(L, x0, "input", 1, R4) < 0 ||
	    norm_axis(L, axis, x0->rank, &a) < 0)
		return -1;
	memcpy(od, x0->dims, x0->rank * sizeof(od[0]));
	od[a] = 0;
	for (i = 0; i < n->ninputs; i++) {
		const atoll_tensor *x = lw_input(g, n, i);

		if (lw_check_act(L, x, "input", x0->rank, x0->rank) < 0)
			return -1;
		if (x->dtype != x0->dtype)
			return lw_fail(L, "inputs differ in type");
		for (k = 0; k < x0->rank; k++)
			if (k != a && x->dims[k] != x0->dims[k])
				return lw_fail(L, "input '%s' differs in "
					"dimension %d", x->name, k);
		od[a] += x->dims[a];
	}
	if (lw_set_output(L, output(L), x0->dtype, x0->rank, od) < 0 ||
	    dims4(L, output(L), od4) < 0)
		return -1;
	for (i = 0; i < n->ninputs; i++) {
		const atoll_tensor *x = lw_input(g, n, i);
		int64_t xd[R4];
		atoll_view sv;
		int ax4 = a + R4 - x0->rank;

		if (dims4(L, x, xd) < 0 || view_dense(L, x, xd, &sv) < 0 ||
		    view_dense(L, output(L), od4, &dv) < 0)
			return -1;
		dv.addr += off * (ax4 == 0 ? dv.s_n : ax4 == 1 ? dv.s_c :
			ax4 == 2 ? dv.s_h : dv.s_w);
		if (dv.res.on && ax4 == 1) {
			int64_t R = L->em->hw->rows;

			if (off % R)
				dv.res.chan_off = off;
			else
				dv.res.base += off / R * dv.res.tile;
		} else if (dv.res.on && !L->move_out) {
			return lw_fail(L, "scratchpad-resident concatenation "
				"must be along channels");
		}
		off += xd[ax4];
		if (emit_copy(L, x, xd, &sv, &dv, 0, 0, 0) < 0)
			return -1;
	}
	return 0;
}

static int lower_layout(struct atoll_lower *L)
{
	const atoll_node *n = L->node;
	const atoll_tensor *x = lw_input(L->graph, n, 0);

	if (strcmp(n->op_type, "Concat") &&
	    lw_check_act(L, x, "input", 1, ATOLL_MAX_RANK) < 0)
		return -1;
	/* an alias emits nothing; a Slice or Pad read in place in the
	 * scratchpad (an alias and a view) records its view
	 */
	if (L->alias && !L->view_out && !L->shapes_only)
		return 0;
	if (!strcmp(n->op_type, "Identity"))
		return flat_copy(L, x, x->rank, x->dims);
	if (!strcmp(n->op_type, "Reshape"))
		return lower_reshape(L, x);
	if (!strcmp(n->op_type, "Flatten"))
		return lower_flatten(L, x);
	if (!strcmp(n->op_type, "Squeeze"))
		return lower_squeeze(L, x, 0);
	if (!strcmp(n->op_type, "Unsqueeze"))
		return lower_squeeze(L, x, 1);
	if (!strcmp(n->op_type, "Transpose"))
		return lower_transpose(L, x);
	if (!strcmp(n->op_type, "Slice"))
		return lower_slice(L, x);
	if (!strcmp(n->op_type, "Pad"))
		return lower_pad(L, x);
	return lower_concat(L);
}

int atoll_lower_vec_node(struct atoll_lower *L)
{
	const atoll_node *n = L->node;
	static const char *layout[] = { "Concat", "Reshape", "Flatten",
		"Transpose", "Squeeze", "Unsqueeze", "Slice", "Pad", "Identity",
		NULL };
	int i;

	if (is(n, "com.microsoft", "QLinearAdd"))
		return lower_add(L);
	if (is(n, "atoll", "QLinearActivation"))
		return lower_act(L);
	if (is(n, "atoll", "QLinearMaxPool"))
		return lower_pool(L, 1, 0, 0);
	if (is(n, NULL, "MaxPool") && n->noutputs == 1)
		return lower_pool(L, 0, 0, 0);
	if (is(n, "com.microsoft", "QLinearAveragePool"))
		return lower_pool(L, 1, 1, 0);
	if (is(n, "com.microsoft", "QLinearGlobalAveragePool"))
		return lower_pool(L, 1, 1, 1);
	for (i = 0; layout[i]; i++)
		if (is(n, NULL, layout[i]))
			return lower_layout(L);
	return 1;
}

int atoll_lower_load_input(struct atoll_lower *L, const atoll_tensor *t)
{
	int64_t d[R4];
	atoll_view src, dst;
	int move, r;

	if (dims4(L, t, d) < 0 || view_dense(L, t, d, &dst) < 0)
		return -1;
	if (!dst.res.on)
		return lw_fail(L, "graph input '%s' is not resident", t->name);
	src = dst;
	memset(&src.res, 0, sizeof(src.res));
	move = L->move_out;		/* a plain load, whatever the node */
	L->move_out = 0;
	r = emit_copy(L, t, d, &src, &dst, 0, 0, 0);
	L->move_out = move;
	return r;
}
