/* tool_gen_cases: deterministic generator of quantized ONNX node tests.
 *
 *   tool_gen_cases OUTDIR             write one directory per case:
 *                                     OUTDIR/<case>/model.onnx and
 *                                     OUTDIR/<case>/test_data_set_0/
 *                                     {input_<i>,output_0}.pb
 *   tool_gen_cases --bad OUTDIR       write invalid or unsupported models
 *                                     for error-path tests
 *   tool_gen_cases --selftest [DIR [CASE...]]
 *                                     check the reference against the ONNX
 *                                     conformance node tests in DIR
 *                                     (default CONFORMANCE_DIR; the cases
 *                                     listed, else the QLinear/Integer
 *                                     ones)
 *
 * Every model is a single node, opset 13, ir_version 7, with all of its
 * inputs (scales and zero points too) as graph inputs, as in the ONNX
 * backend node tests.  Data come from xorshift64* seeded by the case
 * name, so the files are identical from run to run.
 *
 * The reference below is the independent check of the ONNX semantics of
 * MatMulInteger, ConvInteger, QLinearMatMul and QLinearConv: it shares no
 * code with compiler/, host/ or firmware/ and is written as plain loops.
 * QLinear outputs are saturate(rint(acc * S) + y_zero_point) with
 * S = fl(fl(x_scale * w_scale) / y_scale) in float32 and the product
 * acc * S in double, as the ONNX reference implementation computes it
 * (numpy promotes int32 * float32 to float64); --selftest also tries the
 * all-float32 product fl(fl(acc) * S) and reports which one matches.
 *
 * Tensors, ONNX file I/O and the data generator are in onnx_write.c,
 * shared with tool_gen_models.  Allocation failure ends the tool
 * (xmalloc): it is a test generator.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_write.h"

#define CONFORMANCE_DIR "/usr/share/libonnx-testdata/data/node"

#define MAX_INPUTS 9
#define NAME_LEN 64

enum rq_mode {
	RQ_DOUBLE,
	RQ_FLOAT
};

struct conv_attr {
	int64_t kernel[2];
	int64_t strides[2];
	int64_t pads[4];
	int64_t dilations[2];
	int64_t group;
	char auto_pad[16];
};

/* One ONNX node with its input values; in[k] is NULL for an omitted
 * optional input.  "dyn_dim0" marks dimension 0 of input 0 and of the
 * output as the symbolic dim_param "N" in the written model.
 */
struct node {
	char name[NAME_LEN];
	char op[32];
	int n_in;
	char in_name[MAX_INPUTS][NAME_LEN];
	struct tensor *in[MAX_INPUTS];
	char out_name[NAME_LEN];
	struct conv_attr ca;
	int dyn_dim0;
	int bad_attr;		/* add an attribute no convolution has */
};

struct mm_geom {
	int brank;
	int64_t bdims[MAX_RANK];
	int64_t astr[MAX_RANK];
	int64_t bstr[MAX_RANK];
	int64_t nbatch, m, k, n;
};

struct conv_geom {
	int64_t n, c, h, w;
	int64_t m, cg, mg, kh, kw;
	int64_t oh, ow;
	int64_t sh, sw, dh, dw, pt, pl;
};

static float rng_float(struct rng *r, float lo, float hi)
{
	double u = (double) (rng_next(r) >> 11) / 9007199254740992.0;

	return (float) (lo + (hi - lo) * u);
}

static int dtype_is_8bit(int dtype)
{
	return dtype == DT_U8 || dtype == DT_I8;
}

/* Uniform random values over the whole range of 8-bit type "dtype". */
static struct tensor *tensor_rand(struct rng *r, int dtype, int rank,
	const int64_t *dims)
{
	struct tensor *t = tensor_new(dtype, rank, dims);
	int32_t lo, hi;
	size_t k;

	dtype_range(dtype, &lo, &hi);
	for (k = 0; k < t->n; k++)
		t->i[k] = rng_int(r, lo, hi);
	return t;
}

static struct tensor *tensor_rand_range(struct rng *r, int dtype, int rank,
	const int64_t *dims, int32_t lo, int32_t hi)
{
	struct tensor *t = tensor_new(dtype, rank, dims);
	size_t k;

	for (k = 0; k < t->n; k++)
		t->i[k] = rng_int(r, lo, hi);
	return t;
}

static struct tensor *tensor_vec_f(struct rng *r, int64_t n, float lo,
	float hi)
{
	struct tensor *t = tensor_new(DT_F32, 1, &n);
	size_t k;

	for (k = 0; k < t->n; k++)
		t->f[k] = rng_float(r, lo, hi);
	return t;
}

static struct tensor *tensor_vec_i(int dtype, int64_t n, int32_t v)
{
	struct tensor *t = tensor_new(dtype, 1, &n);
	size_t k;

	for (k = 0; k < t->n; k++)
		t->i[k] = v;
	return t;
}

static void conv_attr_init(struct conv_attr *ca)
{
	int d;

	for (d = 0; d < 2; d++) {
		ca->kernel[d] = 0;
		ca->strides[d] = 1;
		ca->dilations[d] = 1;
		ca->pads[d] = 0;
		ca->pads[d + 2] = 0;
	}
	ca->group = 1;
	snprintf(ca->auto_pad, sizeof(ca->auto_pad), "NOTSET");
}

static void node_init(struct node *nd, const char *name, const char *op)
{
	memset(nd, 0, sizeof(*nd));
	snprintf(nd->name, sizeof(nd->name), "%s", name);
	snprintf(nd->op, sizeof(nd->op), "%s", op);
	snprintf(nd->out_name, sizeof(nd->out_name), "y");
	conv_attr_init(&nd->ca);
}

static void node_clear(struct node *nd)
{
	int k;

	for (k = 0; k < nd->n_in; k++)
		nd->in[k] = tensor_free(nd->in[k]);
	nd->n_in = 0;
}

/* Append input "name" with value "t" (taken; NULL when omitted). */
static void node_add_input(struct node *nd, const char *name,
	struct tensor *t)
{
	if (nd->n_in >= MAX_INPUTS) {
		tensor_free(t);
		return;
	}
	snprintf(nd->in_name[nd->n_in], NAME_LEN, "%s", name);
	nd->in[nd->n_in++] = t;
}

static const struct tensor *node_in(const struct node *nd, int k)
{
	return k < nd->n_in ? nd->in[k] : NULL;
}

static int op_is(const struct node *nd, const char *op)
{
	return strcmp(nd->op, op) == 0;
}

static int op_is_conv(const struct node *nd)
{
	return op_is(nd, "QLinearConv") || op_is(nd, "ConvInteger");
}

static int op_is_qlinear(const struct node *nd)
{
	return op_is(nd, "QLinearConv") || op_is(nd, "QLinearMatMul");
}

/* ---- Reference ---------------------------------------------------- */

/* Zero point of channel "c": the only element of a per-tensor "zp",
 * element "c" of a per-channel one, 0 when "zp" is omitted.
 */
static int32_t zp_at(const struct tensor *zp, int64_t c)
{
	if (!zp)
		return 0;
	return zp->n == 1 ? zp->i[0] : zp->i[c];
}

static float scale_at(const struct tensor *s, int64_t c)
{
	return s->n == 1 ? s->f[0] : s->f[c];
}

static int check_data(const struct tensor *t, const char *what)
{
	if (!t) {
		fprintf(stderr, "reference: missing input %s\n", what);
		return -1;
	}
	if (!dtype_is_8bit(t->dtype)) {
		fprintf(stderr, "reference: %s must be int8 or uint8, not %s\n",
			what, dtype_name(t->dtype));
		return -1;
	}
	return 0;
}

/* Check that zero point "zp" of "data" is omitted, or has the type of
 * "data" and one element, or is 1-D with "nch" elements.
 */
static int check_zp(const struct tensor *zp, const struct tensor *data,
	int64_t nch, const char *what)
{
	if (!zp)
		return 0;
	if (zp->dtype != data->dtype) {
		fprintf(stderr, "reference: %s is %s, its input %s\n", what,
			dtype_name(zp->dtype), dtype_name(data->dtype));
		return -1;
	}
	if (zp->n == 1 || (zp->rank == 1 && zp->dims[0] == nch))
		return 0;
	fprintf(stderr, "reference: %s must have 1 or %lld elements\n", what,
		(long long) nch);
	return -1;
}

/* Check that scale "s" is float32 with one element, or, when "nch" > 0,
 * 1-D with "nch" elements.
 */
static int check_scale(const struct tensor *s, int64_t nch, const char *what)
{
	if (!s || s->dtype != DT_F32) {
		fprintf(stderr, "reference: %s must be a float tensor\n", what);
		return -1;
	}
	if (s->n == 1 || (nch > 0 && s->rank == 1 && s->dims[0] == nch))
		return 0;
	fprintf(stderr, "reference: %s has a wrong shape\n", what);
	return -1;
}

/* Broadcast the batch dimensions of "a" [..., M, K] and "b" [..., K, N]
 * as numpy.matmul does: right-aligned, a dimension of 1 repeats.
 * astr[j] and bstr[j] count matrices of "a" and "b" per step of batch
 * dimension j, 0 where that operand is broadcast along j.
 */
static int mm_geom_init(struct mm_geom *g, const struct tensor *a,
	const struct tensor *b)
{
	int ra = a->rank, rb = b->rank, j, ja, jb;
	int64_t sa = 1, sb = 1, da, db;

	if (ra < 2 || rb < 2 || b->dims[rb - 2] != a->dims[ra - 1]) {
		fprintf(stderr, "reference: matmul shapes do not match\n");
		return -1;
	}
	g->m = a->dims[ra - 2];
	g->k = a->dims[ra - 1];
	g->n = b->dims[rb - 1];
	g->brank = (ra > rb ? ra : rb) - 2;
	g->nbatch = 1;
	for (j = g->brank - 1; j >= 0; j--) {
		ja = j - (g->brank - (ra - 2));
		jb = j - (g->brank - (rb - 2));
		da = ja >= 0 ? a->dims[ja] : 1;
		db = jb >= 0 ? b->dims[jb] : 1;
		if (da != db && da != 1 && db != 1) {
			fprintf(stderr, "reference: batch dimensions of matmul "
				"do not broadcast\n");
			return -1;
		}
		g->bdims[j] = da > db ? da : db;
		g->astr[j] = da == 1 ? 0 : sa;
		g->bstr[j] = db == 1 ? 0 : sb;
		sa *= da;
		sb *= db;
		g->nbatch *= g->bdims[j];
	}
	return 0;
}

/* Matrix indices *ao in "a" and *bo in "b" of output batch "bt". */
static void mm_batch_offsets(const struct mm_geom *g, int64_t bt,
	int64_t *ao, int64_t *bo)
{
	int64_t idx;
	int j;

	*ao = 0;
	*bo = 0;
	for (j = g->brank - 1; j >= 0; j--) {
		idx = bt % g->bdims[j];
		bt /= g->bdims[j];
		*ao += idx * g->astr[j];
		*bo += idx * g->bstr[j];
	}
}

/* sum_k (a[i][k] - az) * (b[k][j] - bz) over one M x K by K x N pair. */
static int32_t mm_point(const struct mm_geom *g, const int32_t *a,
	const int32_t *b, int32_t az, int32_t bz, int64_t i, int64_t j)
{
	int64_t k, acc = 0;

	for (k = 0; k < g->k; k++)
		acc += (int64_t) (a[i * g->k + k] - az) *
			(b[k * g->n + j] - bz);
	return (int32_t) acc;
}

/* MatMulInteger: y[.., i, j] = sum_k (a[.., i, k] - a_zp[i]) *
 * (b[.., k, j] - b_zp[j]) in int32, "a_zp" per tensor or per row i,
 * "b_zp" per tensor or per column j.
 */
static __attribute__((warn_unused_result))
struct tensor *matmul_integer(const struct tensor *a, const struct tensor *b,
	const struct tensor *azp, const struct tensor *bzp)
{
	struct mm_geom g;
	struct tensor *y;
	int64_t dims[MAX_RANK], bt, i, j, ao, bo;
	const int32_t *am, *bm;

	if (check_data(a, "A") < 0 || check_data(b, "B") < 0)
		return NULL;
	if (mm_geom_init(&g, a, b) < 0)
		return NULL;
	if (check_zp(azp, a, g.m, "a_zero_point") < 0 ||
	    check_zp(bzp, b, g.n, "b_zero_point") < 0)
		return NULL;
	memcpy(dims, g.bdims, (size_t) g.brank * sizeof(int64_t));
	dims[g.brank] = g.m;
	dims[g.brank + 1] = g.n;
	y = tensor_new(DT_I32, g.brank + 2, dims);
	for (bt = 0; bt < g.nbatch; bt++) {
		mm_batch_offsets(&g, bt, &ao, &bo);
		am = a->i + ao * g.m * g.k;
		bm = b->i + bo * g.k * g.n;
		for (i = 0; i < g.m; i++)
			for (j = 0; j < g.n; j++)
				y->i[(bt * g.m + i) * g.n + j] = mm_point(&g,
					am, bm, zp_at(azp, i), zp_at(bzp, j),
					i, j);
	}
	return y;
}

/* Set the leading pad of each spatial axis from "auto_pad": SAME_UPPER
 * and SAME_LOWER give out = ceil(in / stride), the odd pixel of padding at
 * the end (UPPER) or the beginning (LOWER); VALID pads nothing.
 */
static int conv_auto_pad(struct conv_geom *g, int64_t *pads,
	const struct conv_attr *ca)
{
	int64_t in[2], k[2], s[2], d[2], out, total;
	int ax;

	if (strcmp(ca->auto_pad, "NOTSET") == 0)
		return 0;
	if (strcmp(ca->auto_pad, "VALID") == 0) {
		memset(pads, 0, 4 * sizeof(int64_t));
		return 0;
	}
	if (strcmp(ca->auto_pad, "SAME_UPPER") != 0 &&
	    strcmp(ca->auto_pad, "SAME_LOWER") != 0) {
		fprintf(stderr, "reference: bad auto_pad %s\n", ca->auto_pad);
		return -1;
	}
	in[0] = g->h;
	in[1] = g->w;
	k[0] = g->kh;
	k[1] = g->kw;
	s[0] = g->sh;
	s[1] = g->sw;
	d[0] = g->dh;
	d[1] = g->dw;
	for (ax = 0; ax < 2; ax++) {
		out = (in[ax] + s[ax] - 1) / s[ax];
		total = (out - 1) * s[ax] + (k[ax] - 1) * d[ax] + 1 - in[ax];
		if (total < 0)
			total = 0;
		pads[ax] = strcmp(ca->auto_pad, "SAME_UPPER") == 0 ?
			total / 2 : total - total / 2;
		pads[ax + 2] = total - pads[ax];
	}
	return 0;
}

/* Geometry of a 2-D convolution of "x" [N, C, H, W] by "w" [M, C/group,
 * KH, KW]: OH = floor((H + pad_top + pad_bottom - ((KH - 1) * dh + 1)) /
 * sh) + 1, and likewise OW.
 */
static int conv_geom_init(struct conv_geom *g, const struct tensor *x,
	const struct tensor *w, const struct conv_attr *ca)
{
	int64_t pads[4];

	if (x->rank != 4 || w->rank != 4 || ca->group < 1) {
		fprintf(stderr, "reference: only 2-D convolution\n");
		return -1;
	}
	g->n = x->dims[0];
	g->c = x->dims[1];
	g->h = x->dims[2];
	g->w = x->dims[3];
	g->m = w->dims[0];
	g->cg = w->dims[1];
	g->kh = w->dims[2];
	g->kw = w->dims[3];
	g->sh = ca->strides[0];
	g->sw = ca->strides[1];
	g->dh = ca->dilations[0];
	g->dw = ca->dilations[1];
	if (g->c % ca->group || g->m % ca->group ||
	    g->cg != g->c / ca->group) {
		fprintf(stderr, "reference: channels do not match group\n");
		return -1;
	}
	if ((ca->kernel[0] && ca->kernel[0] != g->kh) ||
	    (ca->kernel[1] && ca->kernel[1] != g->kw)) {
		fprintf(stderr, "reference: kernel_shape does not match W\n");
		return -1;
	}
	g->mg = g->m / ca->group;
	memcpy(pads, ca->pads, sizeof(pads));
	if (conv_auto_pad(g, pads, ca) < 0)
		return -1;
	g->pt = pads[0];
	g->pl = pads[1];
	g->oh = (g->h + pads[0] + pads[2] - ((g->kh - 1) * g->dh + 1)) /
		g->sh + 1;
	g->ow = (g->w + pads[1] + pads[3] - ((g->kw - 1) * g->dw + 1)) /
		g->sw + 1;
	if (g->oh < 1 || g->ow < 1 || g->sh < 1 || g->sw < 1) {
		fprintf(stderr, "reference: empty convolution output\n");
		return -1;
	}
	return 0;
}

/* sum over c < C/group, ky < KH, kx < KW of
 * (x[n][g * C/group + c][iy][ix] - xz) * (w[m][c][ky][kx] - wz) with
 * iy = oy * sh - pad_top + ky * dh, ix = ox * sw - pad_left + kx * dw and
 * g = m / (M / group); positions outside the image are padding and hold
 * the zero point, so they add nothing.
 */
static int32_t conv_point(const struct conv_geom *g, const int32_t *x,
	const int32_t *w, int32_t xz, int32_t wz, int64_t n, int64_t m,
	int64_t oy, int64_t ox)
{
	int64_t c, ky, kx, iy, ix, ic, acc = 0;

	for (c = 0; c < g->cg; c++) {
		ic = (m / g->mg) * g->cg + c;
		for (ky = 0; ky < g->kh; ky++) {
			iy = oy * g->sh - g->pt + ky * g->dh;
			if (iy < 0 || iy >= g->h)
				continue;
			for (kx = 0; kx < g->kw; kx++) {
				ix = ox * g->sw - g->pl + kx * g->dw;
				if (ix < 0 || ix >= g->w)
					continue;
				acc += (int64_t) (x[((n * g->c + ic) * g->h +
					iy) * g->w + ix] - xz) *
					(w[((m * g->cg + c) * g->kh + ky) *
					g->kw + kx] - wz);
			}
		}
	}
	return (int32_t) acc;
}

/* ConvInteger (NCHW, OIHW): y[n][m][oy][ox] = conv_point(...) + bias[m]
 * in int32, "x_zp" per tensor, "w_zp" per tensor or per output channel m,
 * "bias" (int32 [M], QLinearConv only) optional.
 */
static __attribute__((warn_unused_result))
struct tensor *conv_integer(const struct tensor *x, const struct tensor *w,
	const struct tensor *xzp, const struct tensor *wzp,
	const struct tensor *bias, const struct conv_attr *ca)
{
	struct conv_geom g;
	struct tensor *y;
	int64_t dims[4], n, m, oy, ox, b;

	if (check_data(x, "x") < 0 || check_data(w, "w") < 0)
		return NULL;
	if (conv_geom_init(&g, x, w, ca) < 0)
		return NULL;
	if (check_zp(xzp, x, 1, "x_zero_point") < 0 ||
	    check_zp(wzp, w, g.m, "w_zero_point") < 0)
		return NULL;
	if (bias && (bias->dtype != DT_I32 || bias->rank != 1 ||
	    bias->dims[0] != g.m)) {
		fprintf(stderr, "reference: B must be int32 [M]\n");
		return NULL;
	}
	dims[0] = g.n;
	dims[1] = g.m;
	dims[2] = g.oh;
	dims[3] = g.ow;
	y = tensor_new(DT_I32, 4, dims);
	for (n = 0; n < g.n; n++)
		for (m = 0; m < g.m; m++) {
			b = bias ? bias->i[m] : 0;
			for (oy = 0; oy < g.oh; oy++)
				for (ox = 0; ox < g.ow; ox++)
					y->i[((n * g.m + m) * g.oh + oy) *
						g.ow + ox] = (int32_t) (b +
						conv_point(&g, x->i, w->i,
						zp_at(xzp, 0), zp_at(wzp, m),
						n, m, oy, ox));
		}
	return y;
}

/* Real multiplier S = fl(fl(xs * ws) / ys), all in float32. */
static float qlinear_mult(float xs, float ws, float ys)
{
	float p = xs * ws;

	return p / ys;
}

/* saturate(rint(acc * mult) + yzp) to "dtype", the product formed in
 * double (RQ_DOUBLE) or in float32 (RQ_FLOAT); rint rounds half to even.
 */
static int32_t requant_point(int32_t acc, float mult, int32_t yzp,
	int dtype, enum rq_mode mode)
{
	double r;
	int32_t lo, hi;

	if (mode == RQ_FLOAT)
		r = rint((double) ((float) acc * mult));
	else
		r = rint((double) acc * (double) mult);
	r += yzp;
	dtype_range(dtype, &lo, &hi);
	if (r < lo)
		return lo;
	if (r > hi)
		return hi;
	return (int32_t) r;
}

/* y[k] = requant_point(acc[k], S[c]) with S[c] = qlinear_mult(xs, ws[c],
 * ys) and c = (k / inner) % nch the output channel (column) of element k.
 */
static __attribute__((warn_unused_result))
struct tensor *requantize(const struct tensor *acc, const struct tensor *xs,
	const struct tensor *ws, const struct tensor *ys,
	const struct tensor *yzp, int64_t inner, int64_t nch,
	enum rq_mode mode)
{
	struct tensor *y;
	int64_t c;
	size_t k;

	if (check_scale(xs, 0, "x_scale") < 0 ||
	    check_scale(ws, nch, "w_scale") < 0 ||
	    check_scale(ys, 0, "y_scale") < 0)
		return NULL;
	if (!yzp || !dtype_is_8bit(yzp->dtype) || yzp->n != 1) {
		fprintf(stderr, "reference: y_zero_point must be a scalar "
			"int8 or uint8\n");
		return NULL;
	}
	y = tensor_new(yzp->dtype, acc->rank, acc->dims);
	for (k = 0; k < acc->n; k++) {
		c = ((int64_t) k / inner) % nch;
		y->i[k] = requant_point(acc->i[k], qlinear_mult(xs->f[0],
			scale_at(ws, c), ys->f[0]), yzp->i[0], yzp->dtype,
			mode);
	}
	return y;
}

/* Integer accumulator of a QLinear node ((x - x_zp) * (w - w_zp) summed,
 * plus the conv bias); *inner and *nch locate the channel of element k
 * at (k / *inner) % *nch.
 */
static __attribute__((warn_unused_result))
struct tensor *qlinear_acc(const struct node *nd, int64_t *inner,
	int64_t *nch)
{
	struct tensor *acc;

	if (op_is(nd, "QLinearMatMul")) {
		acc = matmul_integer(node_in(nd, 0), node_in(nd, 3),
			node_in(nd, 2), node_in(nd, 5));
		if (acc) {
			*inner = 1;
			*nch = acc->dims[acc->rank - 1];
		}
		return acc;
	}
	acc = conv_integer(node_in(nd, 0), node_in(nd, 3), node_in(nd, 2),
		node_in(nd, 5), node_in(nd, 8), &nd->ca);
	if (acc) {
		*inner = acc->dims[2] * acc->dims[3];
		*nch = acc->dims[1];
	}
	return acc;
}

/* Expected output of node "nd" (inputs in ONNX order:
 * MatMulInteger A, B, a_zp, b_zp; ConvInteger x, w, x_zp, w_zp;
 * QLinearMatMul a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp;
 * QLinearConv x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B).
 */
static __attribute__((warn_unused_result))
struct tensor *ref_run(const struct node *nd, enum rq_mode mode)
{
	struct tensor *acc, *y;
	int64_t inner, nch;

	if (op_is(nd, "MatMulInteger"))
		return matmul_integer(node_in(nd, 0), node_in(nd, 1),
			node_in(nd, 2), node_in(nd, 3));
	if (op_is(nd, "ConvInteger"))
		return conv_integer(node_in(nd, 0), node_in(nd, 1),
			node_in(nd, 2), node_in(nd, 3), NULL, &nd->ca);
	if (!op_is_qlinear(nd)) {
		fprintf(stderr, "reference: unsupported op %s\n", nd->op);
		return NULL;
	}
	acc = qlinear_acc(nd, &inner, &nch);
	if (!acc)
		return NULL;
	y = requantize(acc, node_in(nd, 1), node_in(nd, 4), node_in(nd, 6),
		node_in(nd, 7), inner, nch, mode);
	tensor_free(acc);
	return y;
}

/* ---- Model writer ------------------------------------------------- */

/* The attributes of a convolution node: kernel_shape, strides, pads,
 * dilations and group, all written out explicitly.
 */
static void node_proto_conv_attrs(Onnx__NodeProto *np,
	const struct conv_attr *ca, const struct tensor *w)
{
	int64_t kernel[2];

	kernel[0] = w->dims[2];
	kernel[1] = w->dims[3];
	np->n_attribute = 5;
	np->attribute = xmalloc(5 * sizeof(*np->attribute));
	np->attribute[0] = attr_ints_new("kernel_shape", 2, kernel);
	np->attribute[1] = attr_ints_new("strides", 2, ca->strides);
	np->attribute[2] = attr_ints_new("pads", 4, ca->pads);
	np->attribute[3] = attr_ints_new("dilations", 2, ca->dilations);
	np->attribute[4] = attr_int_new("group", ca->group);
}

static Onnx__NodeProto *node_to_proto(const struct node *nd)
{
	const char *in[MAX_INPUTS];
	Onnx__NodeProto *np;
	int k;

	for (k = 0; k < nd->n_in; k++)
		in[k] = nd->in[k] ? nd->in_name[k] : "";
	np = node_proto_new(nd->op, nd->name, nd->out_name,
		(size_t) nd->n_in, in);
	if (op_is_conv(nd))
		node_proto_conv_attrs(np, &nd->ca,
			node_in(nd, op_is(nd, "QLinearConv") ? 3 : 1));
	if (nd->bad_attr) {
		np->attribute = xrealloc(np->attribute, (np->n_attribute + 1) *
			sizeof(*np->attribute));
		np->attribute[np->n_attribute++] =
			attr_int_new("bogus_attribute", 1);
	}
	return np;
}

/* A one-node model (opset 13, ir_version 7) whose graph inputs are the
 * present inputs of "nd" in order and whose output has the type and shape
 * of "y".
 */
static Onnx__ModelProto *model_new(const struct node *nd,
	const struct tensor *y)
{
	Onnx__ModelProto *m;
	Onnx__GraphProto *g;
	const char *dyn = nd->dyn_dim0 ? "N" : NULL;
	int k;

	m = model_proto_new("atoll-tool_gen_cases", nd->name);
	g = m->graph;
	g->n_node = 1;
	g->node = xmalloc(sizeof(*g->node));
	g->node[0] = node_to_proto(nd);
	g->input = xmalloc((size_t) nd->n_in * sizeof(*g->input));
	for (k = 0; k < nd->n_in; k++)
		if (nd->in[k])
			g->input[g->n_input++] = value_info_new(nd->in_name[k],
				nd->in[k], k == 0 ? dyn : NULL);
	g->n_output = 1;
	g->output = xmalloc(sizeof(*g->output));
	g->output[0] = value_info_new(nd->out_name, y, dyn);
	return m;
}

/* Write OUTDIR/<name>/model.onnx and, if "with_data",
 * test_data_set_0/input_<i>.pb for each graph input and output_0.pb.
 */
static int case_write(const char *outdir, const char *name,
	const struct node *nd, const struct tensor *y, int with_data)
{
	Onnx__ModelProto *m;
	char path[PATH_LEN];
	int k, gi = 0, r;

	if (path_make(path, "%s/%s", outdir, name) < 0 || dir_make(path) < 0)
		return -1;
	if (path_make(path, "%s/%s/model.onnx", outdir, name) < 0)
		return -1;
	m = model_new(nd, y);
	r = msg_write(path, &m->base);
	onnx__model_proto__free_unpacked(m, NULL);
	if (r < 0 || !with_data)
		return r;
	if (path_make(path, "%s/%s/test_data_set_0", outdir, name) < 0 ||
	    dir_make(path) < 0)
		return -1;
	for (k = 0; k < nd->n_in; k++) {
		if (!nd->in[k])
			continue;
		if (path_make(path, "%s/%s/test_data_set_0/input_%d.pb",
		    outdir, name, gi++) < 0 ||
		    tensor_write(path, nd->in[k], nd->in_name[k]) < 0)
			return -1;
	}
	if (path_make(path, "%s/%s/test_data_set_0/output_0.pb", outdir,
	    name) < 0)
		return -1;
	return tensor_write(path, y, nd->out_name);
}

/* ---- Cases -------------------------------------------------------- */

struct mm_spec {
	const char *name;
	const char *op;
	int a_rank;
	int64_t a_dims[3];
	int64_t b_dims[2];
	int at, bt;
	int32_t a_zp, b_zp, y_zp;
	int b_per_col;
};

/* "w_per_chan": w_scale has one value per output channel; "w_zp_vec":
 * w_zero_point is the vector [M] of w_zp rather than a scalar.
 */
struct conv_spec {
	const char *name;
	const char *op;
	int64_t x_dims[4];
	int64_t w_dims[4];
	int xt, wt;
	int32_t x_zp, w_zp, y_zp;
	int w_per_chan, w_zp_vec, has_bias;
	int64_t strides[2], pads[4], dilations[2], group;
};

static const struct mm_spec mm_cases[] = {
	{ "qlinearmatmul_70x130x45_u8", "QLinearMatMul", 2, { 70, 130 },
	  { 130, 45 }, DT_U8, DT_U8, 118, 131, 125, 0 },
	{ "qlinearmatmul_70x130x45_s8", "QLinearMatMul", 2, { 70, 130 },
	  { 130, 45 }, DT_I8, DT_I8, 5, 0, -7, 1 },
	{ "qlinearmatmul_3d_batch", "QLinearMatMul", 3, { 3, 17, 33 },
	  { 33, 21 }, DT_U8, DT_U8, 127, 120, 130, 0 },
	{ "matmulinteger_70x130x45", "MatMulInteger", 2, { 70, 130 },
	  { 130, 45 }, DT_U8, DT_I8, 121, 0, 0, 0 },
	{ "matmulinteger_u8u8", "MatMulInteger", 2, { 31, 77 },
	  { 77, 50 }, DT_U8, DT_U8, 100, 140, 0, 0 },
};

static const struct conv_spec conv_cases[] = {
	{ "qlinearconv_20to37_17x19_s2_pads", "QLinearConv",
	  { 1, 20, 17, 19 }, { 37, 20, 3, 3 }, DT_U8, DT_U8, 119, 128, 131,
	  1, 0, 1, { 2, 2 }, { 1, 0, 2, 1 }, { 1, 1 }, 1 },
	{ "qlinearconv_dilation", "QLinearConv",
	  { 2, 5, 11, 13 }, { 9, 5, 3, 3 }, DT_I8, DT_I8, -4, 0, 6,
	  0, 0, 1, { 1, 1 }, { 2, 2, 2, 2 }, { 2, 2 }, 1 },
	{ "qlinearconv_1x1", "QLinearConv",
	  { 1, 64, 9, 9 }, { 70, 64, 1, 1 }, DT_U8, DT_I8, 110, 0, 128,
	  1, 1, 0, { 1, 1 }, { 0, 0, 0, 0 }, { 1, 1 }, 1 },
	{ "convinteger_20to37", "ConvInteger",
	  { 1, 20, 17, 19 }, { 37, 20, 3, 3 }, DT_U8, DT_U8, 117, 133, 0,
	  0, 0, 0, { 2, 1 }, { 0, 1, 1, 2 }, { 1, 2 }, 1 },
	{ "qlinearconv_5x5_stride3", "QLinearConv",
	  { 1, 10, 23, 21 }, { 17, 10, 5, 5 }, DT_U8, DT_I8, 125, 0, 120,
	  1, 1, 1, { 3, 3 }, { 2, 2, 2, 2 }, { 1, 1 }, 1 },
	{ "qlinearconv_group2", "QLinearConv",
	  { 1, 8, 9, 9 }, { 6, 4, 3, 3 }, DT_U8, DT_I8, 120, 0, 128,
	  1, 1, 1, { 1, 1 }, { 1, 1, 1, 1 }, { 1, 1 }, 2 },
	{ "qlinearconv_depthwise_s2", "QLinearConv",
	  { 1, 20, 11, 10 }, { 20, 1, 3, 3 }, DT_U8, DT_I8, 121, 0, 126,
	  1, 1, 1, { 2, 2 }, { 1, 1, 1, 1 }, { 1, 1 }, 20 },
};

/* Bad-model bases: group 2 (unsupported for now), a symbolic batch, and
 * the valid model whose test data are then corrupted.
 */
static const struct conv_spec conv_group2 = {
	"unsupported_attr", "QLinearConv",
	{ 1, 8, 9, 9 }, { 6, 4, 3, 3 }, DT_U8, DT_I8, 120, 0, 128,
	1, 1, 1, { 1, 1 }, { 1, 1, 1, 1 }, { 1, 1 }, 2
};

static const struct mm_spec mm_dynamic = {
	"dynamic_shape", "QLinearMatMul", 2, { 4, 16 }, { 16, 8 },
	DT_U8, DT_U8, 128, 127, 128, 0
};

static const struct mm_spec mm_small = {
	"", "QLinearMatMul", 2, { 8, 16 }, { 16, 8 },
	DT_U8, DT_U8, 128, 127, 128, 0
};

/* Node of matmul case "s" under the name "name"; y_scale is a placeholder
 * that pick_y_scale replaces.
 */
static void mm_build(struct node *nd, const struct mm_spec *s,
	const char *name, struct rng *r)
{
	struct tensor *a, *b;
	int64_t nc = s->b_dims[1];

	node_init(nd, name, s->op);
	a = tensor_rand(r, s->at, s->a_rank, s->a_dims);
	b = tensor_rand(r, s->bt, 2, s->b_dims);
	if (strcmp(s->op, "MatMulInteger") == 0) {
		node_add_input(nd, "A", a);
		node_add_input(nd, "B", b);
		node_add_input(nd, "a_zero_point",
			tensor_scalar_i(s->at, s->a_zp));
		node_add_input(nd, "b_zero_point",
			tensor_scalar_i(s->bt, s->b_zp));
		return;
	}
	node_add_input(nd, "a", a);
	node_add_input(nd, "a_scale", tensor_scalar_f(rng_float(r, 0.01f,
		0.05f)));
	node_add_input(nd, "a_zero_point", tensor_scalar_i(s->at, s->a_zp));
	node_add_input(nd, "b", b);
	node_add_input(nd, "b_scale", s->b_per_col ?
		tensor_vec_f(r, nc, 0.01f, 0.05f) :
		tensor_scalar_f(rng_float(r, 0.01f, 0.05f)));
	node_add_input(nd, "b_zero_point", s->b_per_col ?
		tensor_vec_i(s->bt, nc, s->b_zp) :
		tensor_scalar_i(s->bt, s->b_zp));
	node_add_input(nd, "y_scale", tensor_scalar_f(1.0f));
	node_add_input(nd, "y_zero_point", tensor_scalar_i(s->at, s->y_zp));
}

/* Node of convolution case "s"; the bias is uniform in +-30000, about half
 * the spread of the accumulators.
 */
static void conv_build(struct node *nd, const struct conv_spec *s,
	struct rng *r)
{
	struct tensor *x, *w, *ws, *wzp;
	int64_t m = s->w_dims[0];

	node_init(nd, s->name, s->op);
	memcpy(nd->ca.strides, s->strides, sizeof(s->strides));
	memcpy(nd->ca.pads, s->pads, sizeof(s->pads));
	memcpy(nd->ca.dilations, s->dilations, sizeof(s->dilations));
	nd->ca.kernel[0] = s->w_dims[2];
	nd->ca.kernel[1] = s->w_dims[3];
	nd->ca.group = s->group;
	x = tensor_rand(r, s->xt, 4, s->x_dims);
	w = tensor_rand(r, s->wt, 4, s->w_dims);
	wzp = s->w_zp_vec ? tensor_vec_i(s->wt, m, s->w_zp) :
		tensor_scalar_i(s->wt, s->w_zp);
	if (strcmp(s->op, "ConvInteger") == 0) {
		node_add_input(nd, "x", x);
		node_add_input(nd, "w", w);
		node_add_input(nd, "x_zero_point",
			tensor_scalar_i(s->xt, s->x_zp));
		node_add_input(nd, "w_zero_point", wzp);
		return;
	}
	ws = s->w_per_chan ? tensor_vec_f(r, m, 0.01f, 0.05f) :
		tensor_scalar_f(rng_float(r, 0.01f, 0.05f));
	node_add_input(nd, "x", x);
	node_add_input(nd, "x_scale", tensor_scalar_f(rng_float(r, 0.01f,
		0.05f)));
	node_add_input(nd, "x_zero_point", tensor_scalar_i(s->xt, s->x_zp));
	node_add_input(nd, "w", w);
	node_add_input(nd, "w_scale", ws);
	node_add_input(nd, "w_zero_point", wzp);
	node_add_input(nd, "y_scale", tensor_scalar_f(1.0f));
	node_add_input(nd, "y_zero_point", tensor_scalar_i(s->xt, s->y_zp));
	if (s->has_bias)
		node_add_input(nd, "B", tensor_rand_range(r, DT_I32, 1, &m,
			-30000, 30000));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;

	return (x > y) - (x < y);
}

/* Set y_scale of QLinear node "nd" so that the 97th percentile of the
 * real outputs |acc * x_scale * w_scale[c]| maps to the smaller headroom
 * of y_zero_point in the output type: most outputs are in range and a few
 * percent saturate.
 */
static int pick_y_scale(struct node *nd)
{
	struct tensor *acc;
	int64_t inner, nch, c;
	int32_t lo, hi, zp, head;
	double *v, q;
	size_t k;

	acc = qlinear_acc(nd, &inner, &nch);
	if (!acc)
		return -1;
	v = xmalloc(acc->n * sizeof(*v));
	for (k = 0; k < acc->n; k++) {
		c = ((int64_t) k / inner) % nch;
		v[k] = fabs((double) acc->i[k] * nd->in[1]->f[0] *
			scale_at(nd->in[4], c));
	}
	qsort(v, acc->n, sizeof(*v), cmp_double);
	q = v[(size_t) (0.97 * (double) (acc->n - 1))];
	zp = nd->in[7]->i[0];
	dtype_range(nd->in[7]->dtype, &lo, &hi);
	head = hi - zp < zp - lo ? hi - zp : zp - lo;
	nd->in[6]->f[0] = (float) ((q > 0 ? q : 1.0) / head);
	free(v);
	tensor_free(acc);
	return 0;
}

/* One line per case: output type and shape, range, share saturated and
 * the first values.
 */
static void case_print(const struct node *nd, const struct tensor *y)
{
	char dims[64];
	int32_t lo, hi, mn = INT32_MAX, mx = INT32_MIN;
	size_t k, sat = 0;

	tensor_dims_str(y, dims, sizeof(dims));
	dtype_range(y->dtype, &lo, &hi);
	for (k = 0; k < y->n; k++) {
		mn = y->i[k] < mn ? y->i[k] : mn;
		mx = y->i[k] > mx ? y->i[k] : mx;
		sat += y->i[k] == lo || y->i[k] == hi;
	}
	printf("%-34s %-13s y %s%s min %d max %d sat %.1f%% :", nd->name,
		nd->op, dtype_name(y->dtype), dims, mn, mx,
		100.0 * (double) sat / (double) y->n);
	for (k = 0; k < y->n && k < 6; k++)
		printf(" %d", y->i[k]);
	if (op_is_qlinear(nd))
		printf("  (y_scale %g)", nd->in[6]->f[0]);
	printf("\n");
}

/* Compute the expected output of "nd" (after choosing y_scale for a
 * QLinear node), write the case and print it; *yp receives the output if
 * not NULL.
 */
static int case_gen(const char *outdir, struct node *nd, struct tensor **yp)
{
	struct tensor *y;
	int r;

	if (op_is_qlinear(nd) && pick_y_scale(nd) < 0)
		return -1;
	y = ref_run(nd, RQ_DOUBLE);
	if (!y)
		return -1;
	r = case_write(outdir, nd->name, nd, y, 1);
	if (r == 0)
		case_print(nd, y);
	if (yp && r == 0)
		*yp = y;
	else
		tensor_free(y);
	return r;
}

static int gen_all(const char *outdir)
{
	struct node nd;
	struct rng r;
	size_t k;
	int fail = 0;

	if (dir_make(outdir) < 0)
		return 1;
	for (k = 0; k < sizeof(mm_cases) / sizeof(mm_cases[0]); k++) {
		rng_seed(&r, NULL, mm_cases[k].name);
		mm_build(&nd, &mm_cases[k], mm_cases[k].name, &r);
		fail |= case_gen(outdir, &nd, NULL) < 0;
		node_clear(&nd);
	}
	for (k = 0; k < sizeof(conv_cases) / sizeof(conv_cases[0]); k++) {
		rng_seed(&r, NULL, conv_cases[k].name);
		conv_build(&nd, &conv_cases[k], &r);
		fail |= case_gen(outdir, &nd, NULL) < 0;
		node_clear(&nd);
	}
	return fail;
}

/* unsupported_op: a float Softmax node named "my_softmax"; model only. */
static int bad_unsupported_op(const char *outdir)
{
	struct node nd;
	struct tensor *y;
	int64_t dims[2] = { 2, 10 };
	int r;

	node_init(&nd, "unsupported_op", "Softmax");
	node_add_input(&nd, "X", tensor_new(DT_F32, 2, dims));
	snprintf(nd.name, sizeof(nd.name), "my_softmax");
	snprintf(nd.out_name, sizeof(nd.out_name), "Y");
	y = tensor_new(DT_F32, 2, dims);
	r = case_write(outdir, "unsupported_op", &nd, y, 0);
	tensor_free(y);
	node_clear(&nd);
	if (r == 0)
		printf("%-34s Softmax node \"my_softmax\" (model only)\n",
			"unsupported_op");
	return r;
}

/* bad_axis_scale: QuantizeLinear of a [1, 3, 2, 2] graph input along
 * axis 1 with 2 scales and zero points (one per index needed: 3).
 */
static int bad_axis_scale(const char *outdir)
{
	struct node nd;
	struct tensor *y, *sc;
	int64_t dims[4] = { 1, 3, 2, 2 }, two = 2;
	int r;

	node_init(&nd, "bad_axis_scale", "QuantizeLinear");
	node_add_input(&nd, "x", tensor_new(DT_F32, 4, dims));
	sc = tensor_new(DT_F32, 1, &two);
	sc->f[0] = 0.5f;
	sc->f[1] = 0.25f;
	node_add_input(&nd, "y_scale", sc);
	node_add_input(&nd, "y_zero_point", tensor_new(DT_U8, 1, &two));
	snprintf(nd.out_name, sizeof(nd.out_name), "y");
	y = tensor_new(DT_U8, 4, dims);
	r = case_write(outdir, "bad_axis_scale", &nd, y, 1);
	tensor_free(y);
	node_clear(&nd);
	if (r == 0)
		printf("%-34s QuantizeLinear with 2 scales along an axis of "
			"3\n", "bad_axis_scale");
	return r;
}

/* scale_too_large: QLinearMatMul whose y_scale 3e-12 makes the
 * requantisation scale S = a_scale * b_scale / y_scale between 3.3e7 and
 * 8.4e8, in [2^24, 2^31): a 32-bit MULT could apply it, the 24-bit mult
 * of the ACT parameter record (docs/isa.md) cannot.
 */
static int bad_scale_too_large(const char *outdir)
{
	struct node nd;
	struct rng r;
	struct tensor *y;
	int rc;

	rng_seed(&r, NULL, "scale_too_large");
	mm_build(&nd, &mm_small, "scale_too_large", &r);
	nd.in[6]->f[0] = 3e-12f;
	y = ref_run(&nd, RQ_DOUBLE);
	rc = y ? case_write(outdir, nd.name, &nd, y, 1) : -1;
	tensor_free(y);
	node_clear(&nd);
	if (rc == 0)
		printf("%-34s QLinearMatMul with y_scale 3e-12 (S >= 2^24)\n",
			"scale_too_large");
	return rc;
}

/* Overwrite input "k" of case "nd" with a copy of its value whose type is
 * "dtype" (same bytes) and whose shape is "rank" x "dims" (same count).
 */
static int corrupt_input(const char *outdir, const struct node *nd, int k,
	int dtype, int rank, const int64_t *dims)
{
	char path[PATH_LEN];
	struct tensor *t = tensor_copy(nd->in[k]);
	int d, r;

	t->dtype = dtype;
	t->rank = rank;
	for (d = 0; d < rank; d++)
		t->dims[d] = dims[d];
	r = path_make(path, "%s/%s/test_data_set_0/input_%d.pb", outdir,
		nd->name, k);
	if (r == 0)
		r = tensor_write(path, t, nd->in_name[k]);
	tensor_free(t);
	if (r == 0)
		printf("%-34s input_%d.pb (%s) rewritten as %s, rank %d\n",
			nd->name, k, nd->in_name[k], dtype_name(dtype), rank);
	return r;
}

/* wrong_dtype: b (input_3.pb) stored as int8 instead of uint8.
 * wrong_shape: a (input_0.pb) stored as [16, 8] instead of [8, 16], the
 * same element count, so only a shape check catches it.
 * Both keep output_0.pb of the valid data, so that the input is the only
 * thing wrong.
 */
static int bad_wrong_inputs(const char *outdir)
{
	struct node nd;
	struct rng r;
	int64_t dims[2] = { 16, 8 };
	int fail = 0;

	rng_seed(&r, NULL, "wrong_dtype");
	mm_build(&nd, &mm_small, "wrong_dtype", &r);
	fail |= case_gen(outdir, &nd, NULL) < 0;
	fail |= corrupt_input(outdir, &nd, 3, DT_I8, 2, mm_small.b_dims) < 0;
	node_clear(&nd);
	rng_seed(&r, NULL, "wrong_shape");
	mm_build(&nd, &mm_small, "wrong_shape", &r);
	fail |= case_gen(outdir, &nd, NULL) < 0;
	fail |= corrupt_input(outdir, &nd, 0, DT_U8, 2, dims) < 0;
	node_clear(&nd);
	return fail ? -1 : 0;
}

/* --bad: models a compiler must reject with a clear error.
 * qlinearconv_group2 and dynamic_shape are valid ONNX and carry test
 * data from the reference, for when they become supported.
 */
static int gen_bad(const char *outdir)
{
	struct node nd;
	struct rng r;
	int fail = 0;

	if (dir_make(outdir) < 0)
		return 1;
	fail |= bad_unsupported_op(outdir) < 0;
	rng_seed(&r, NULL, conv_group2.name);
	conv_build(&nd, &conv_group2, &r);
	nd.bad_attr = 1;
	fail |= case_gen(outdir, &nd, NULL) < 0;
	node_clear(&nd);
	rng_seed(&r, NULL, mm_dynamic.name);
	mm_build(&nd, &mm_dynamic, mm_dynamic.name, &r);
	nd.dyn_dim0 = 1;
	fail |= case_gen(outdir, &nd, NULL) < 0;
	node_clear(&nd);
	fail |= bad_wrong_inputs(outdir) < 0;
	fail |= bad_axis_scale(outdir) < 0;
	fail |= bad_scale_too_large(outdir) < 0;
	return fail;
}

/* ---- Self-test against the ONNX conformance data ------------------ */

static const char *const conformance_cases[] = {
	"test_qlinearmatmul_2D",
	"test_qlinearmatmul_3D",
	"test_qlinearconv",
	"test_matmulinteger",
	"test_convinteger_with_padding",
	"test_convinteger_without_padding",
	"test_basic_convinteger",
};

static int attr_ints_read(const Onnx__AttributeProto *a, int64_t *dst,
	size_t n)
{
	if (a->n_ints != n) {
		fprintf(stderr, "attribute %s: expected %zu values\n", a->name,
			n);
		return -1;
	}
	memcpy(dst, a->ints, n * sizeof(int64_t));
	return 0;
}

static int attr_read(const Onnx__AttributeProto *a, struct conv_attr *ca)
{
	if (strcmp(a->name, "strides") == 0)
		return attr_ints_read(a, ca->strides, 2);
	if (strcmp(a->name, "pads") == 0)
		return attr_ints_read(a, ca->pads, 4);
	if (strcmp(a->name, "dilations") == 0)
		return attr_ints_read(a, ca->dilations, 2);
	if (strcmp(a->name, "kernel_shape") == 0)
		return attr_ints_read(a, ca->kernel, 2);
	if (strcmp(a->name, "group") == 0) {
		ca->group = a->i;
		return 0;
	}
	if (strcmp(a->name, "auto_pad") == 0 &&
	    a->s.len < sizeof(ca->auto_pad)) {
		memcpy(ca->auto_pad, a->s.data, a->s.len);
		ca->auto_pad[a->s.len] = '\0';
		return 0;
	}
	fprintf(stderr, "unsupported attribute %s\n", a->name);
	return -1;
}

/* Value of node input "name": test_data_set_0/input_<j>.pb for graph
 * input j of that name, or the initializer of that name.
 */
static struct tensor *input_load(const char *dir, const Onnx__GraphProto *g,
	const char *name)
{
	char path[PATH_LEN];
	size_t j;

	for (j = 0; j < g->n_input; j++)
		if (strcmp(g->input[j]->name, name) == 0) {
			if (path_make(path, "%s/test_data_set_0/input_%zu.pb",
			    dir, j) < 0)
				return NULL;
			return tensor_read(path);
		}
	for (j = 0; j < g->n_initializer; j++)
		if (g->initializer[j]->name &&
		    strcmp(g->initializer[j]->name, name) == 0)
			return tensor_from_proto(g->initializer[j]);
	fprintf(stderr, "%s: no value for input %s\n", dir, name);
	return NULL;
}

static int node_fill(struct node *nd, const char *dir,
	const Onnx__GraphProto *g)
{
	const Onnx__NodeProto *np;
	struct tensor *t;
	size_t k;

	if (g->n_node != 1 || g->node[0]->n_output < 1) {
		fprintf(stderr, "%s: expected one node\n", dir);
		return -1;
	}
	np = g->node[0];
	node_init(nd, np->name ? np->name : "", np->op_type);
	snprintf(nd->out_name, sizeof(nd->out_name), "%s", np->output[0]);
	for (k = 0; k < np->n_attribute; k++)
		if (attr_read(np->attribute[k], &nd->ca) < 0)
			return -1;
	if (np->n_input > MAX_INPUTS)
		return -1;
	for (k = 0; k < np->n_input; k++) {
		t = NULL;
		if (np->input[k][0]) {
			t = input_load(dir, g, np->input[k]);
			if (!t)
				return -1;
		}
		node_add_input(nd, np->input[k], t);
	}
	return 0;
}

/* Node "nd" of conformance test DIR/model.onnx with its input values. */
static int node_load(struct node *nd, const char *dir)
{
	Onnx__ModelProto *m;
	char path[PATH_LEN];
	int r;

	if (path_make(path, "%s/model.onnx", dir) < 0)
		return -1;
	m = model_read(path);
	if (!m)
		return -1;
	r = node_fill(nd, dir, m->graph);
	onnx__model_proto__free_unpacked(m, NULL);
	return r;
}

/* Number of elements of "got" that differ from "want" (all of them if
 * type or shape differ); the first difference is described in "msg".
 */
static size_t tensor_diff(const struct tensor *got, const struct tensor *want,
	char *msg, size_t size)
{
	char dg[64], dw[64];
	size_t k, bad = 0;

	msg[0] = '\0';
	tensor_dims_str(got, dg, sizeof(dg));
	tensor_dims_str(want, dw, sizeof(dw));
	if (got->dtype != want->dtype || strcmp(dg, dw) != 0 || !got->i) {
		snprintf(msg, size, "got %s%s, want %s%s",
			dtype_name(got->dtype), dg, dtype_name(want->dtype),
			dw);
		return want->n ? want->n : 1;
	}
	for (k = 0; k < got->n; k++)
		if (got->i[k] != want->i[k] && bad++ == 0)
			snprintf(msg, size, "first at %zu: got %d, want %d",
				k, got->i[k], want->i[k]);
	return bad;
}

/* Run the reference in "mode" on "nd"; 1 if it reproduces "want". */
static int selftest_mode(const struct node *nd, const struct tensor *want,
	enum rq_mode mode, char *msg, size_t size)
{
	struct tensor *y = ref_run(nd, mode);
	size_t bad;

	if (!y) {
		snprintf(msg, size, "reference failed");
		return 0;
	}
	bad = tensor_diff(y, want, msg, size);
	tensor_free(y);
	if (bad) {
		size_t len = strlen(msg);

		snprintf(msg + len, size - len, " (%zu of %zu differ)", bad,
			want->n);
	}
	return bad == 0;
}

/* Check one conformance case; QLinear ones are run with the double
 * product (the formulation the generator uses, which decides OK or
 * MISMATCH) and the float32 product (reported only).
 */
static int selftest_case(const char *root, const char *name)
{
	char dir[PATH_LEN], path[PATH_LEN], msg[256], msgf[256];
	struct node nd;
	struct tensor *want;
	int ok, okf = -1;

	memset(&nd, 0, sizeof(nd));
	want = NULL;
	if (path_make(dir, "%s/%s", root, name) == 0 &&
	    path_make(path, "%s/test_data_set_0/output_0.pb", dir) == 0)
		want = tensor_read(path);
	if (!want || node_load(&nd, dir) < 0) {
		printf("MISMATCH %-34s cannot load the case\n", name);
		node_clear(&nd);
		tensor_free(want);
		return 0;
	}
	ok = selftest_mode(&nd, want, RQ_DOUBLE, msg, sizeof(msg));
	if (op_is_qlinear(&nd))
		okf = selftest_mode(&nd, want, RQ_FLOAT, msgf, sizeof(msgf));
	printf("%-8s %-34s %-13s", ok ? "OK" : "MISMATCH", name, nd.op);
	if (okf >= 0)
		printf(" double:%s float32:%s", ok ? "match" : "differ",
			okf ? "match" : "differ");
	printf("\n");
	if (!ok)
		printf("         double: %s\n", msg);
	if (okf == 0)
		printf("         float32: %s\n", msgf);
	node_clear(&nd);
	tensor_free(want);
	return ok;
}

/* Check cases "names" (n of them) under "root". */
static int selftest(const char *root, const char *const *names, int n)
{
	int k, pass = 0, fail = 0;

	for (k = 0; k < n; k++) {
		if (selftest_case(root, names[k]))
			pass++;
		else
			fail++;
	}
	printf("%d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: tool_gen_cases OUTDIR\n"
		"       tool_gen_cases --bad OUTDIR\n"
		"       tool_gen_cases --selftest [DIR [CASE...]]\n");
}

int main(int argc, char **argv)
{
	onnx_write_prog = "tool_gen_cases";
	if (argc >= 2 && strcmp(argv[1], "--selftest") == 0 && argc > 3)
		return selftest(argv[2], (const char *const *) argv + 3,
			argc - 3);
	if (argc >= 2 && strcmp(argv[1], "--selftest") == 0 && argc <= 3)
		return selftest(argc == 3 ? argv[2] : CONFORMANCE_DIR,
			conformance_cases, (int) (sizeof(conformance_cases) /
			sizeof(conformance_cases[0])));
	if (argc == 3 && strcmp(argv[1], "--bad") == 0)
		return gen_bad(argv[2]);
	if (argc == 2 && argv[1][0] != '-')
		return gen_all(argv[1]);
	usage();
	return 2;
}
