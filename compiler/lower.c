/*
 * From ONNX nodes to the integer operators of lower.h: operand checks,
 * output shapes, quantisation parameters and DRAM layouts.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lower_node.h"
#include <stdint.h>

int atoll_scale_to_fixed(float scale, int32_t *mult, int *shift)
{
	int e;
	double m;
	int64_t mi;

	if (!(scale >= 0) || isinf(scale))
		return -1;
	if (scale == 0) {
		*mult = 0;
		*shift = 0;
		return 0;
	}
	m = frexp((double) scale, &e);
	mi = (int64_t) ldexp(m, 24);
	*shift = 24 - e;
	while (*shift < 0 && mi < ((int64_t) 1 << 30)) {
		mi <<= 1;
		(*shift)++;
	}
	if (*shift < 0)
		return -1;
	if (*shift > 56) {
		mi = 0;
		*shift = 0;
	}
	while (*shift > 0 && mi && !(mi & 1)) {
		mi >>= 1;
		(*shift)--;
	}
	*mult = (int32_t) mi;
	return 0;
}

int lw_is_q8(int dt)
{
	return dt == ATOLL_DT_UINT8 || dt == ATOLL_DT_INT8;
}

const atoll_tensor *lw_input(const atoll_graph *g, const atoll_node *n,
	int i)
{
	if (i >= n->ninputs || n->inputs[i] < 0)
		return NULL;
	return &g->tensors[n->inputs[i]];
}

int lw_fail(struct atoll_lower *L, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

int lw_fail(struct atoll_lower *L, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	atoll_diag_error(L->diag, L->where, "%s", msg);
	return -1;
}

/* A per-tensor (1 element) or per-channel ("n" elements) constant of type
 * "dt"; returns its element count or -1.
 */
int64_t lw_check_param(struct atoll_lower *L, const atoll_tensor *t,
	const char *what, int dt, int64_t n)
{
	int64_t k;

	if (!t)
		return lw_fail(L, "missing input '%s'", what);
	if (!t->data)
		return lw_fail(L, "%s '%s' must be a constant (an initializer, or "
			"bound with --const)", what, t->name);
	if (t->dtype != dt)
		return lw_fail(L, "%s '%s' has type %s, expected %s", what,
			t->name, atoll_dtype_name(t->dtype),
			atoll_dtype_name(dt));
	k = atoll_tensor_numel(t);
	if (k != 1 && k != n)
		return lw_fail(L, "%s '%s' has %lld elements; expected 1 (per "
			"tensor) or %lld (per channel)", what, t->name,
			(long long) k, (long long) n);
	if (k == n && n != 1 && t->rank != 1)
		return lw_fail(L, "%s '%s' must be 1-D for per-channel "
			"quantisation", what, t->name);
	return k;
}

float lw_param_f(const atoll_tensor *t, int64_t i)
{
	float f;

	memcpy(&f, (const char *) t->data + 4 * (atoll_tensor_numel(t) == 1 ?
		0 : i), 4);
	return f;
}

int lw_param_zp(const atoll_tensor *t, int64_t i)
{
	const uint8_t *p;
	int64_t k;

	if (!t)
		return 0;
	p = t->data;
	k = atoll_tensor_numel(t) == 1 ? 0 : i;
	return t->dtype == ATOLL_DT_INT8 ? (int8_t) p[k] : p[k];
}

/* Zero point operand (optional, default 0), per tensor or per channel. */
int lw_zp_operand(struct atoll_lower *L, const atoll_tensor *t,
	const char *what, int dt, int64_t n)
{
	if (!t)
		return 0;
	return lw_check_param(L, t, what, dt, n) < 0 ? -1 : 0;
}

static int make_zp_const(struct atoll_lower *L, atoll_conv *c,
	const atoll_tensor *wzp)
{
	uint8_t *v = calloc(c->co, 1);
	int64_t i;

	if (!v)
		return lw_fail(L, "out of memory");
	for (i = 0; wzp && i < c->co; i++)
		v[i] = (uint8_t) lw_param_zp(wzp, i);
	c->zp_const = atoll_emit_const(L->em, v, c->co, 64);
	free(v);
	return c->zp_const < 0 ? -1 : 0;
}

/* Store "b", "m" and "sh" as the parameter record "rec" of ACT with PP
 * (docs/isa.md): int32 bias, then mult in bits [23:0] and shift in bits
 * [29:24] of one little-endian word; with "nb" (ACT NB, no bias) the
 * word alone.
 */
static void requant_record(uint8_t *rec, int nb, int32_t b, int32_t m,
	int sh)
{
	uint32_t word = (uint32_t) m | (uint32_t) sh << 24;
	int k;

	for (k = 0; !nb && k < 4; k++)
		*rec++ = (uint8_t) ((uint32_t) b >> (8 * k));
	for (k = 0; k < 4; k++)
		rec[k] = (uint8_t) (word >> (8 * k));
}

/* Per output channel: bias, and the real multiplier
 * S = (x_scale * w_scale[o]) / y_scale in float32, as ONNX computes it,
 * stored exactly as mult * 2^-shift with mult < 2^24 (S < 2^24), in
 * records of c->par_bytes: without "bias", the 4-byte ACT NB form, so
 * that no zeros that are not model data are loaded per output channel.
 */
static int make_requant_const(struct atoll_lower *L, atoll_conv *c,
	const atoll_tensor *xs, const atoll_tensor *ws, const atoll_tensor *ys,
	const atoll_tensor *bias)
{
	uint8_t *rec = calloc(c->co, c->par_bytes);
	int64_t o;

	if (!rec)
		return lw_fail(L, "out of memory");
	for (o = 0; o < c->co; o++) {
		volatile float t = lw_param_f(xs, 0) * lw_param_f(ws, o);
		volatile float s = t / lw_param_f(ys, 0);
		int32_t b = 0, m;
		int sh;

		if (bias)
			memcpy(&b, (const char *) bias->data + 4 * o, 4);
		if (atoll_scale_to_fixed(s, &m, &sh) < 0) {
			free(rec);
			return lw_fail(L, "requantisation scale %g of output "
				"channel %lld is not representable", (double) s,
				(long long) o);
		}
		if (m >= (int32_t) 1 << 24) {
			free(rec);
			return lw_fail(L, "requantisation scale %g of output "
				"channel %lld needs a multiplier of %ld, more "
				"than 24 bits", (double) s, (long long) o,
				(long) m);
		}
		requant_record(rec + c->par_bytes * o,
			c->par_bytes == ATOLL_PARAM_NB_BYTES, b, m, sh);
	}
	c->par_const = atoll_emit_const(L->em, rec, c->par_bytes * c->co, 64);
	free(rec);
	return c->par_const < 0 ? -1 : 0;
}

int lw_check_scale(struct atoll_lower *L, const atoll_tensor *t,
	const char *what, int64_t n)
{
	int64_t i, k = lw_check_param(L, t, what, ATOLL_DT_FLOAT, n);

	if (k < 0)
		return -1;
	for (i = 0; i < k; i++)
		if (!(lw_param_f(t, i) > 0) || isinf(lw_param_f(t, i)))
			return lw_fail(L, "%s '%s' must be positive and finite",
				what, t->name);
	return 0;
}

int lw_int_attr(struct atoll_lower *L, const char *name, int64_t def,
	int64_t *v)
{
	const atoll_attr *a = atoll_node_attr(L->node, name);

	*v = def;
	if (!a)
		return 0;
	if (a->type != ATOLL_ATTR_INT)
		return lw_fail(L, "attribute '%s' must be an integer", name);
	*v = a->i;
	return 0;
}

/* Read the 2-element attribute "name" (default "def") into v[0..n-1]. */
int lw_ints_attr(struct atoll_lower *L, const char *name, int n,
	int64_t def, int64_t *v)
{
	const atoll_attr *a = atoll_node_attr(L->node, name);
	int i;

	for (i = 0; i < n; i++)
		v[i] = def;
	if (!a)
		return 0;
	if (a->type != ATOLL_ATTR_INTS || a->nints != n)
		return lw_fail(L, "attribute '%s' must list %d integers", name, n);
	for (i = 0; i < n; i++)
		v[i] = a->ints[i];
	return 0;
}

int lw_check_unknown_attrs(struct atoll_lower *L, const char **known)
{
	int i, k;

	for (i = 0; i < L->node->nattrs; i++) {
		for (k = 0; known[k]; k++)
			if (!strcmp(known[k], L->node->attrs[i].name))
				break;
		if (!known[k])
			return lw_fail(L, "unsupported attribute '%s'",
				L->node->attrs[i].name);
	}
	return 0;
}

/* Output rows for input extent "in", kernel "k", stride "s", dilation "d"
 * and the two pads, with auto_pad resolved into "pb"/"pe".
 */
int lw_conv_geometry(struct atoll_lower *L, const char *auto_pad,
	int64_t in, int64_t k, int64_t s, int64_t d, int64_t *pb, int64_t *pe,
	int64_t *out)
{
	int64_t ek = (k - 1) * d + 1, total;

	if (!strcmp(auto_pad, "SAME_UPPER") || !strcmp(auto_pad, "SAME_LOWER")) {
		*out = (in + s - 1) / s;
		total = (*out - 1) * s + ek - in;
		if (total < 0)
			total = 0;
		*pb = !strcmp(auto_pad, "SAME_UPPER") ? total / 2 :
			total - total / 2;
		*pe = total - *pb;
		return 0;
	}
	if (!strcmp(auto_pad, "VALID"))
		*pb = *pe = 0;
	else if (strcmp(auto_pad, "NOTSET"))
		return lw_fail(L, "unsupported auto_pad '%s'", auto_pad);
	if (*pb < 0 || *pe < 0)
		return lw_fail(L, "negative pads are not supported");
	if (in + *pb + *pe < ek)
		return lw_fail(L, "kernel extent %lld exceeds the padded input "
			"%lld", (long long) ek, (long long) (in + *pb + *pe));
	*out = (in + *pb + *pe - ek) / s + 1;
	return 0;
}

static int check_output(struct atoll_lower *L, const atoll_tensor *y,
	int dt, int rank, const int64_t *dims)
{
	int i;

	if (y->dtype != ATOLL_DT_UNDEFINED && y->dtype != dt)
		return lw_fail(L, "output '%s' is declared %s but the operator "
			"produces %s", y->name, atoll_dtype_name(y->dtype),
			atoll_dtype_name(dt));
	if (y->rank >= 0 && y->rank != rank)
		return lw_fail(L, "output '%s' is declared with rank %d, the "
			"operator produces rank %d", y->name, y->rank, rank);
	for (i = 0; y->rank >= 0 && i < rank; i++)
		if (y->dims[i] >= 0 && y->dims[i] != dims[i])
			return lw_fail(L, "output '%s' dimension %d is declared %lld,"
				" the operator produces %lld", y->name, i,
				(long long) y->dims[i], (long long) dims[i]);
	return 0;
}

int lw_set_output(struct atoll_lower *L, atoll_tensor *y, int dt,
	int rank, const int64_t *dims)
{
	if (check_output(L, y, dt, rank, dims) < 0)
		return -1;
	y->dtype = dt;
	y->rank = rank;
	memcpy(y->dims, dims, rank * sizeof(dims[0]));
	return 0;
}

int lw_check_act(struct atoll_lower *L, const atoll_tensor *t,
	const char *what, int rank_min, int rank_max)
{
	int i;

	if (!t)
		return lw_fail(L, "missing input '%s'", what);
	if (!lw_is_q8(t->dtype))
		return lw_fail(L, "%s '%s' has type %s; only uint8 and int8 are "
			"supported", what, t->name, atoll_dtype_name(t->dtype));
	if (t->rank < rank_min || t->rank > rank_max)
		return lw_fail(L, "%s '%s' has rank %d; expected %d..%d", what,
			t->name, t->rank, rank_min, rank_max);
	for (i = 0; i < t->rank; i++)
		if (t->dims[i] <= 0)
			return lw_fail(L, "%s '%s' has a dynamic or empty dimension "
				"%d; static shapes are required", what, t->name,
				i);
	return 0;
}

int lw_same_type_zp(struct atoll_lower *L, const atoll_tensor *zp,
	const atoll_tensor *t, const char *what)
{
	if (zp && zp->dtype != t->dtype)
		return lw_fail(L, "%s '%s' has type %s but its tensor '%s' is %s",
			what, zp->name, atoll_dtype_name(zp->dtype), t->name,
			atoll_dtype_name(t->dtype));
	return 0;
}

static const char *conv_attrs[] = { "auto_pad", "dilations", "group",
	"kernel_shape", "pads", "strides", "atoll_clamp_lo", "atoll_clamp_hi",
	NULL };
static const char *matmul_attrs[] = { "alpha", "beta", "transA", "transB",
	"atoll_clamp_lo", "atoll_clamp_hi", NULL };

/* Geometry of a 2-D convolution node: x [N,C,H,W], w [CO,C,KH,KW]. */
static int lower_conv_geometry(struct atoll_lower *L, atoll_conv *c,
	const atoll_tensor *x, const atoll_tensor *w)
{
	const atoll_attr *ap = atoll_node_attr(L->node, "auto_pad");
	int64_t group, ks[2], st[2], di[2], pads[4];
	const char *auto_pad = ap && ap->s ? ap->s : "NOTSET";

	if (lw_check_unknown_attrs(L, conv_attrs) < 0 ||
	    lw_check_act(L, x, "input", 4, 4) < 0 ||
	    lw_check_act(L, w, "weight", 4, 4) < 0 ||
	    lw_int_attr(L, "group", 1, &group) < 0 ||
	    lw_ints_attr(L, "kernel_shape", 2, -1, ks) < 0 ||
	    lw_ints_attr(L, "strides", 2, 1, st) < 0 ||
	    lw_ints_attr(L, "dilations", 2, 1, di) < 0 ||
	    lw_ints_attr(L, "pads", 4, 0, pads) < 0)
		return -1;
	if (group < 1 || x->dims[1] % group || w->dims[0] % group)
		return lw_fail(L, "group = %lld does not divide the %lld input "
			"and %lld output channels", (long long) group,
			(long long) x->dims[1], (long long) w->dims[0]);
	if (w->dims[1] * group != x->dims[1])
		return lw_fail(L, "weight '%s' has %lld input channels per "
			"group, input '%s' has %lld channels in %lld groups",
			w->name, (long long) w->dims[1], x->name,
			(long long) x->dims[1], (long long) group);
	if ((ks[0] >= 0 && ks[0] != w->dims[2]) ||
	    (ks[1] >= 0 && ks[1] != w->dims[3]))
		return lw_fail(L, "kernel_shape does not match weight '%s'",
			w->name);
	if (st[0] < 1 || st[1] < 1 || di[0] < 1 || di[1] < 1)
		return lw_fail(L, "strides and dilations must be >= 1");
	c->n = x->dims[0];
	c->ci = x->dims[1];
	c->group = group;
	c->cig = w->dims[1];
	c->cog = w->dims[0] / group;
	c->h = x->dims[2];
	c->w = x->dims[3];
	c->co = w->dims[0];
	c->kh = w->dims[2];
	c->kw = w->dims[3];
	c->sh = st[0];
	c->sw = st[1];
	c->dh = di[0];
	c->dw = di[1];
	if (lw_conv_geometry(L, auto_pad, c->h, c->kh, c->sh, c->dh, &pads[0],
		    &pads[2], &c->oh) < 0 ||
	    lw_conv_geometry(L, auto_pad, c->w, c->kw, c->sw, c->dw, &pads[1],
		    &pads[3], &c->ow) < 0)
		return -1;
	c->pt = pads[0];
	c->pl = pads[1];
	c->xs_w = 1;
	c->xs_h = c->w;
	c->xs_c = c->h * c->w;
	c->xs_n = c->ci * c->h * c->w;
	c->ws_kw = 1;
	c->ws_kh = c->kw;
	c->ws_ci = c->kh * c->kw;
	c->ws_co = c->ci * c->kh * c->kw;
	c->ws_n = 0;
	c->x_signed = x->dtype == ATOLL_DT_INT8;
	c->w_signed = w->dtype == ATOLL_DT_INT8;
	return 0;
}

static void conv_out_layout(atoll_conv *c, int64_t es)
{
	c->ys_w = es;
	c->ys_h = es * c->ow;
	c->ys_c = es * c->oh * c->ow;
	c->ys_n = es * c->co * c->oh * c->ow;
}

/* Geometry of a matrix product a [..., M, K] x b [..., K, N] as a 1x1
 * convolution over a 1 x M image: batch n, K input and N output channels.
 */
static int lower_matmul_geometry(struct atoll_lower *L, atoll_conv *c,
	const atoll_tensor *a, const atoll_tensor *b, int64_t *ydims,
	int *yrank)
{
	int64_t na = 1, nb = 1, m, k, n;
	int i;

	int64_t trans_a, trans_b;
	const atoll_attr *alpha = atoll_node_attr(L->node, "alpha");
	const atoll_attr *beta = atoll_node_attr(L->node, "beta");

	if (lw_check_unknown_attrs(L, matmul_attrs) < 0 ||
	    lw_int_attr(L, "transA", 0, &trans_a) < 0 ||
	    lw_int_attr(L, "transB", 0, &trans_b) < 0 ||
	    lw_check_act(L, a, "A", 2, ATOLL_MAX_RANK) < 0 ||
	    lw_check_act(L, b, "B", 2, ATOLL_MAX_RANK) < 0)
		return -1;
	if (trans_a || (alpha && alpha->f != 1.0f) || (beta && beta->f != 1.0f))
		return lw_fail(L, "Gemm with transA, alpha != 1 or beta != 1 is "
			"not supported");
	if (trans_b && b->rank != 2)
		return lw_fail(L, "transB needs a 2-D B");
	m = a->dims[a->rank - 2];
	k = a->dims[a->rank - 1];
	n = b->dims[b->rank - (trans_b ? 2 : 1)];
	if (b->dims[b->rank - (trans_b ? 1 : 2)] != k)
		return lw_fail(L, "inner dimensions differ: A '%s' has K = %lld, "
			"B '%s' has %lld", a->name, (long long) k, b->name,
			(long long) b->dims[b->rank - (trans_b ? 1 : 2)]);
	for (i = 0; i < a->rank - 2; i++)
		na *= a->dims[i];
	for (i = 0; i < b->rank - 2; i++)
		nb *= b->dims[i];
	if (b->rank > 2 && (b->rank != a->rank ||
	    memcmp(a->dims, b->dims, (a->rank - 2) * sizeof(a->dims[0]))))
		return lw_fail(L, "batch dimensions of B '%s' must equal those of "
			"A '%s' (or B must be 2-D)", b->name, a->name);
	c->n = na;
	c->ci = k;
	c->co = n;
	c->h = c->oh = 1;
	c->w = c->ow = m;
	c->kh = c->kw = c->sh = c->sw = c->dh = c->dw = 1;
	c->pt = c->pl = 0;
	c->xs_w = k;
	c->xs_h = 0;
	c->xs_c = 1;
	c->xs_n = m * k;
	c->ws_co = trans_b ? k : 1;
	c->ws_ci = trans_b ? 1 : n;
	c->group = 1;
	c->cig = k;
	c->cog = n;
	c->ws_kh = c->ws_kw = 0;
	c->ws_n = nb > 1 ? k * n : 0;
	c->x_signed = a->dtype == ATOLL_DT_INT8;
	c->w_signed = b->dtype == ATOLL_DT_INT8;
	*yrank = a->rank;
	memcpy(ydims, a->dims, a->rank * sizeof(ydims[0]));
	ydims[a->rank - 1] = n;
	return 0;
}

/* -O2: A [1, C*H*W] is a reshape of a [1, C, H, W] tensor that the plan
 * keeps in that tensor's layout (no copy): the product reads it as a
 * convolution over [C, H, W] with an H x W kernel and one output
 * position, B's row k = (c*H + i)*W + j holding the weights of tap
 * (c, i, j).  The bytes in device memory are the same either way (a
 * reshape keeps the row-major order).
 */
static int flat_conv(struct atoll_lower *L, atoll_conv *c,
	const atoll_tensor *x)
{
	int64_t d[4];
	int r = L->flat_source ? L->flat_source(L, x, d) : 0;

	if (r <= 0)
		return r;
	if (c->n != 1 || c->ow != 1 || d[0] != 1 ||
	    d[1] * d[2] * d[3] != c->ci)
		return lw_fail(L, "internal: '%s' read as [1,%lld,%lld,%lld]",
			x->name, (long long) d[1], (long long) d[2],
			(long long) d[3]);
	c->ws_kw = c->ws_ci;
	c->ws_kh = d[3] * c->ws_ci;
	c->ws_ci = d[2] * d[3] * c->ws_ci;
	c->ci = c->cig = d[1];
	c->h = c->kh = d[2];
	c->w = c->kw = d[3];
	c->oh = c->ow = 1;
	c->xs_w = 1;
	c->xs_h = d[3];
	c->xs_c = d[2] * d[3];
	c->xs_n = d[1] * d[2] * d[3];
	return 0;
}

static void matmul_out_layout(atoll_conv *c, int64_t es)
{
	c->ys_w = es * c->co;
	c->ys_h = 0;
	c->ys_c = es;
	c->ys_n = es * c->ow * c->co;
}

/* A grouped convolution runs as a dense one over block-diagonal weights:
 * W'[o][c] = W[o][c mod CIG] when c and o are in the same group, else the
 * weight zero point of o (so that the product vanishes); the iteration
 * domain skips the tiles that are entirely off the diagonal.
 */
static int expand_group_weights(struct atoll_lower *L, atoll_conv *c,
	const atoll_tensor *w, const atoll_tensor *wz)
{
	int64_t taps = c->kh * c->kw, o, ci, t, off;
	uint8_t *d;

	if (!w->data)
		return lw_fail(L, "grouped convolution needs constant weights "
			"('%s')", w->name);
	d = malloc(c->co * c->ci * taps);
	if (!d)
		return lw_fail(L, "out of memory");
	for (o = 0; o < c->co; o++)
		for (ci = 0; ci < c->ci; ci++)
			for (t = 0; t < taps; t++)
				d[(o * c->ci + ci) * taps + t] =
					ci / c->cig == o / c->cog ?
					((const uint8_t *) w->data)[(o * c->cig +
					ci % c->cig) * taps + t] :
					(uint8_t) lw_param_zp(wz, o);
	off = atoll_emit_const(L->em, d, c->co * c->ci * taps, 64);
	free(d);
	if (off < 0)
		return -1;
	c->w_addr = L->em->const_base + off;
	c->w_buf = NULL;
	return 0;
}

/* A depthwise convolution whose weight zero point is one value loads its
 * weights as given: each tile is filled with the zero point (no device
 * memory traffic) and only its diagonal is read.
 */
static int depthwise_compact(const atoll_conv *c, const atoll_tensor *wz)
{
	int64_t o;

	if (c->group <= 1 || c->cig != 1 || c->cog != 1)
		return 0;
	for (o = 1; o < c->co; o++)
		if (lw_param_zp(wz, o) != lw_param_zp(wz, 0))
			return 0;
	return 1;
}

/* Where the convolution reads x: its own buffer, or (-O2) the tensor a
 * Transpose/Slice/Pad view of it addresses, with the view's strides (the
 * planner makes views only for QLinearConv/ConvInteger inputs), or that
 * tensor's scratchpad buffer from the view's first element when it is
 * resident (a Slice or Pad read in place there); a Pad view's padding
 * joins the convolution's own (it holds the input zero point, as
 * checked by the planner), and the view's extents bound the reads.
 */
static int conv_input_view(struct atoll_lower *L, atoll_conv *c,
	const atoll_tensor *x)
{
	atoll_view v;
	int64_t pt = 0, pl = 0;

	int r = L->tensor_view ? L->tensor_view(L, x, &v, &pt, &pl) : 0;

	if (r < 0)
		return -1;
	if (r > 0) {
		c->x_addr = v.addr;
		c->x_buf = v.buf;
		c->xs_n = v.s_n;
		c->xs_c = v.s_c;
		c->xs_h = v.s_h;
		c->xs_w = v.s_w;
		c->h = v.h;
		c->w = v.w;
		c->pt += pt;
		c->pl += pl;
		c->xres = v.res;	/* a view in the scratchpad */
		return 0;
	}
	if (L->tensor_res)
		L->tensor_res(L, x, &c->xres);
	return L->tensor_addr(L, x, &c->x_addr, &c->x_buf);
}

/* Where the convolution writes y: its own buffer, or (-O2) its slice of
 * a concatenation's buffer, through the concatenation's strides (the
 * planner does this for QLinearConv outputs only: one byte per element).
 */
static int conv_output_view(struct atoll_lower *L, atoll_conv *c,
	const atoll_tensor *y)
{
	atoll_view v;
	int64_t pt = 0, pl = 0;
	int r = L->tensor_view ? L->tensor_view(L, y, &v, &pt, &pl) : 0;

	if (r < 0)
		return -1;
	if (r == 0)
		return L->tensor_addr(L, y, &c->y_addr, &c->y_buf);
	c->y_addr = v.addr;
	c->y_buf = v.buf;
	c->ys_n = v.s_n;
	c->ys_c = v.s_c;
	c->ys_h = v.s_h;
	c->ys_w = v.s_w;
	return 0;
}

static int finish(struct atoll_lower *L, atoll_conv *c,
	const atoll_tensor *x, const atoll_tensor *w, const atoll_tensor *wz,
	atoll_tensor *y)
{
	c->name = L->node->name;
	c->op_type = L->node->op_type;
	if (c->out_kind == ATOLL_OUT_INT32) {
		c->cmin = INT32_MIN;
		c->cmax = INT32_MAX;
	}
	if (conv_input_view(L, c, x) < 0 || conv_output_view(L, c, y) < 0)
		return -1;
	if (L->tensor_res && c->out_kind == ATOLL_OUT_REQUANT)
		L->tensor_res(L, y, &c->yres);
	if (depthwise_compact(c, wz)) {
		c->dw_compact = 1;
		c->dw_fill = (uint8_t) lw_param_zp(wz, 0);
		if (L->tensor_addr(L, w, &c->w_addr, &c->w_buf) < 0)
			return -1;
	} else if (c->group > 1 ? expand_group_weights(L, c, w, wz) < 0 :
		   L->tensor_addr(L, w, &c->w_addr, &c->w_buf) < 0) {
		return -1;
	}
	return L->gen_conv(L, c);
}

int lw_clamp(struct atoll_lower *L, int is_signed, int *lo, int *hi)
{
	int64_t a, b;

	if (lw_int_attr(L, "atoll_clamp_lo", is_signed ? -128 : 0, &a) < 0 ||
	    lw_int_attr(L, "atoll_clamp_hi", is_signed ? 127 : 255, &b) < 0)
		return -1;
	*lo = (int) a;
	*hi = (int) b;
	return 0;
}

/* Shape inference: hand the convolution's geometry (output kind "kind")
 * to the planner's hook.
 */
static int note_conv(struct atoll_lower *L, atoll_conv *c, int kind)
{
	if (!L->shapes_only || !L->note_conv)
		return 0;
	c->out_kind = kind;
	c->name = L->node->name;
	c->op_type = L->node->op_type;
	return L->note_conv(L, c);
}

/* QLinearConv / QLinearMatMul: inputs x, x_scale, x_zp, w, w_scale, w_zp,
 * y_scale, y_zp [, bias].
 */
static int lower_qlinear(struct atoll_lower *L, atoll_conv *c, int is_conv)
{
	const atoll_graph *g = L->graph;
	const atoll_node *n = L->node;
	const atoll_tensor *x = lw_input(g, n, 0), *xs = lw_input(g, n, 1);
	const atoll_tensor *xz = lw_input(g, n, 2), *w = lw_input(g, n, 3);
	const atoll_tensor *ws = lw_input(g, n, 4), *wz = lw_input(g, n, 5);
	const atoll_tensor *ys = lw_input(g, n, 6), *yz = lw_input(g, n, 7);
	const atoll_tensor *b = lw_input(g, n, 8);
	atoll_tensor *y = &L->graph->tensors[n->outputs[0]];
	int64_t dims[ATOLL_MAX_RANK];
	int rank = 4, ydt;

	if (is_conv ? lower_conv_geometry(L, c, x, w) < 0 :
	    lower_matmul_geometry(L, c, x, w, dims, &rank) < 0)
		return -1;
	if (is_conv) {
		dims[0] = c->n;
		dims[1] = c->co;
		dims[2] = c->oh;
		dims[3] = c->ow;
	}
	ydt = yz ? yz->dtype : ATOLL_DT_UINT8;
	if (lw_check_scale(L, xs, is_conv ? "x_scale" : "a_scale", 1) < 0 ||
	    lw_check_scale(L, ws, is_conv ? "w_scale" : "b_scale", c->co) < 0 ||
	    lw_check_scale(L, ys, "y_scale", 1) < 0 ||
	    lw_zp_operand(L, xz, is_conv ? "x_zero_point" : "a_zero_point",
		       x->dtype, 1) < 0 ||
	    lw_zp_operand(L, wz, is_conv ? "w_zero_point" : "b_zero_point",
		       w->dtype, c->co) < 0 ||
	    lw_same_type_zp(L, xz, x, "zero point") < 0 ||
	    lw_same_type_zp(L, wz, w, "zero point") < 0)
		return -1;
	if (yz && (lw_check_param(L, yz, "y_zero_point", yz->dtype, 1) < 0 ||
		   !lw_is_q8(yz->dtype)))
		return L->diag->failed ? -1 :
			lw_fail(L, "y_zero_point must be uint8 or int8");
	if (b && (b->dtype != ATOLL_DT_INT32 || !b->data ||
		  atoll_tensor_numel(b) != c->co))
		return lw_fail(L, "bias '%s' must be a constant int32 tensor of "
			"%lld elements", b->name, (long long) c->co);
	c->par_bytes = b ? ATOLL_PARAM_BYTES : ATOLL_PARAM_NB_BYTES;
	if (lw_set_output(L, y, ydt, rank, dims) < 0 || L->shapes_only)
		return L->diag->failed ? -1 :
			note_conv(L, c, ATOLL_OUT_REQUANT);
	c->out_kind = ATOLL_OUT_REQUANT;
	c->x_zp = lw_param_zp(xz, 0) & 0xff;
	c->y_zp = lw_param_zp(yz, 0);
	c->y_signed = ydt == ATOLL_DT_INT8;
	if (lw_clamp(L, c->y_signed, &c->cmin, &c->cmax) < 0)
		return -1;
	if (!is_conv && flat_conv(L, c, x) < 0)
		return -1;
	if (is_conv)
		conv_out_layout(c, 1);
	else
		matmul_out_layout(c, 1);
	L->out_scale = lw_param_f(ys, 0);
	L->out_zp = c->y_zp;
	if (make_zp_const(L, c, wz) < 0 ||
	    make_requant_const(L, c, xs, ws, ys, b) < 0)
		return -1;
	return finish(L, c, x, w, wz, y);
}

/* ConvInteger / MatMulInteger: inputs x, w [, x_zp, w_zp]; int32 out. */
static int lower_integer(struct atoll_lower *L, atoll_conv *c, int is_conv)
{
	const atoll_graph *g = L->graph;
	const atoll_node *n = L->node;
	const atoll_tensor *x = lw_input(g, n, 0), *w = lw_input(g, n, 1);
	const atoll_tensor *xz = lw_input(g, n, 2), *wz = lw_input(g, n, 3);
	atoll_tensor *y = &L->graph->tensors[n->outputs[0]];
	int64_t dims[ATOLL_MAX_RANK];
	int rank = 4;

	if (is_conv ? lower_conv_geometry(L, c, x, w) < 0 :
	    lower_matmul_geometry(L, c, x, w, dims, &rank) < 0)
		return -1;
	if (is_conv) {
		dims[0] = c->n;
		dims[1] = c->co;
		dims[2] = c->oh;
		dims[3] = c->ow;
	}
	if (xz && atoll_tensor_numel(xz) != 1)
		return lw_fail(L, "per-row or per-channel zero point '%s' of the "
			"first input is not supported (only per tensor)",
			xz->name);
	if (lw_zp_operand(L, xz, is_conv ? "x_zero_point" : "a_zero_point",
		       x->dtype, 1) < 0 ||
	    lw_zp_operand(L, wz, is_conv ? "w_zero_point" : "b_zero_point",
		       w->dtype, c->co) < 0 ||
	    lw_same_type_zp(L, xz, x, "zero point") < 0 ||
	    lw_same_type_zp(L, wz, w, "zero point") < 0 ||
	    lw_set_output(L, y, ATOLL_DT_INT32, rank, dims) < 0)
		return -1;
	if (L->shapes_only)
		return note_conv(L, c, ATOLL_OUT_INT32);
	c->out_kind = ATOLL_OUT_INT32;
	c->x_zp = lw_param_zp(xz, 0) & 0xff;
	if (!is_conv && flat_conv(L, c, x) < 0)
		return -1;
	if (is_conv)
		conv_out_layout(c, 4);
	else
		matmul_out_layout(c, 4);
	if (make_zp_const(L, c, wz) < 0)
		return -1;
	return finish(L, c, x, w, wz, y);
}

int atoll_lower_node(struct atoll_lower *L)
{
	const atoll_node *n = L->node;
	int std = !n->domain || !n->domain[0] || !strcmp(n->domain, "ai.onnx");
	atoll_conv c;
	int r;

	memset(&c, 0, sizeof(c));
	if (n->noutputs != 1 || n->outputs[0] < 0)
		return lw_fail(L, "expected exactly one output");
	if (std && !strcmp(n->op_type, "QLinearConv"))
		return lower_qlinear(L, &c, 1);
	if (std && !strcmp(n->op_type, "QLinearMatMul"))
		return lower_qlinear(L, &c, 0);
	if (std && !strcmp(n->op_type, "ConvInteger"))
		return lower_integer(L, &c, 1);
	if (std && !strcmp(n->op_type, "MatMulInteger"))
		return lower_integer(L, &c, 0);
	r = atoll_lower_vec_node(L);
	if (r <= 0)
		return r;
	if (!std)
		return lw_fail(L, "unsupported operator '%s' of domain '%s'",
			n->op_type, n->domain);
	return lw_fail(L, "unsupported operator '%s'", n->op_type);
}
