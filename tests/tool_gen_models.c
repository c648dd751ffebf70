/* tool_gen_models: deterministic quantised CNN models in QDQ form.
 *
 *   tool_gen_models OUTDIR        write OUTDIR/<model>/model.onnx and
 *                                 OUTDIR/<model>/test_data_set_0/
 *                                 {input_0,output_0}.pb for each model
 *   tool_gen_models --large OUTDIR
 *                                 write OUTDIR/{resnet50,googlenet}/
 *                                 model.onnx and test_data_set_0/
 *                                 input_0.pb: full-size models for
 *                                 compile benchmarks, without expected
 *                                 outputs (see "Shapes only" below)
 *   tool_gen_models --selftest [DIR]
 *                                 check the reference kernels and the
 *                                 float model interpreter against the
 *                                 ONNX conformance node tests in DIR
 *                                 (default CONFORMANCE_DIR)
 *
 * The models are small CNNs (resnet_s, inception_s, mobilenet_s, mlp)
 * written as ONNX Runtime's static quantiser writes them: opset 13,
 * ir_version 7, a float32 graph input quantised by QuantizeLinear, every
 * float operator between DequantizeLinear and QuantizeLinear, int8
 * weights (per-channel scales, zero points 0), int32 biases with scale
 * x_scale * w_scale[o], uint8 activations with nonzero zero points, and
 * the final DequantizeLinear as the float32 graph output.  resnet_ops is
 * the first residual block of resnet_s in operator form (QLinearConv,
 * DequantizeLinear -> Add/Relu -> QuantizeLinear islands, uint8 graph
 * input and output).  Smaller models cover operators and attributes
 * the CNNs do not use: layout_ops (Transpose, Slice, Pad, Reshape,
 * Unsqueeze, Squeeze, Flatten between convolutions, some followed by
 * QuantizeLinear -> DequantizeLinear of the same quantisation, some
 * straight on the float values), layout_concat (Concat on channels of
 * 5, 11 and 8 channels and on width), pool_variants (MaxPool ceil_mode
 * and dilated, AveragePool count_include_pad=1 and ceil_mode, Conv
 * auto_pad SAME_UPPER and SAME_LOWER, Gemm transB=0), flatten_fc and
 * flatten_in (Flatten of 2-D maps before Gemm and MatMul), fuse_bands
 * and fuse_concat (maps too large for a small scratchpad: row-band
 * fusion, of a chain and of an inception block's Concat), slice_views
 * (a Slice read by vector operators in place) and ops_uint8
 * (QLinearConv, MaxPool, Transpose, Slice, Pad, Concat straight on the
 * uint8 tensors); bcast_requant has broadcasting Adds (over height and
 * width, and over channels) and a DequantizeLinear -> QuantizeLinear
 * requantisation on its own; layout_fuzz0 .. layout_fuzz11 are random
 * chains of layout operators between two convolutions (the environment
 * variable FUZZ_N asks for another number of them, for stress runs).
 *
 * Expected outputs come from the reference below, which implements the
 * integer semantics of docs/qsemantics.md: scale ratios in float32, then
 * used as exact rationals (GMP) and rounded once, half to even.  It is
 * plain loops and shares no code with compiler/, host/ or firmware/.
 * Each layer both writes its ONNX nodes and computes its quantised
 * output; output scales are calibrated from the real values of the
 * layer, so a little saturation occurs.
 *
 * After writing a model the tool reads model.onnx back and runs it with
 * an independent float interpreter (DequantizeLinear -> float operator ->
 * QuantizeLinear, as an unfused float runtime does); the two may differ
 * by an LSB where float rounding crosses a tie, but a wiring error in
 * the written graph shows as a large difference and fails the run.
 *
 * Shapes only (--large): the reference would take far too long on
 * ResNet-50 and GoogLeNet, so the same layer functions run with the
 * model's "no_ref" set: every activation holds zeros of its shape, and
 * output scales come from an estimate of the real range instead of from
 * calibration (see lin_est_range); the graph, weights and input are
 * written as in the normal mode, but no output_0.pb, and the float
 * interpreter does not run.
 *
 * Data come from xorshift64* seeded by names, so the files are identical
 * from run to run.  Tensors, ONNX file I/O and the data generator are in
 * onnx_write.c, shared with tool_gen_cases.  Allocation failure ends the
 * tool (xmalloc).
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>

#include "onnx_write.h"

#define CONFORMANCE_DIR "/usr/share/libonnx-testdata/data/node"

#define NAME_LEN 96
#define MAX_NODES 1024
#define MAX_INITS 1024
#define MAX_VALUES 1024
#define MAX_CONCAT 8
#define RNE_LIMIT ((int64_t) 1 << 40)
#define SIM_TOLERANCE 2

/* Convolution attributes: kernel, strides, pads (top, left, bottom,
 * right), dilations, group.
 */
struct conv_attr {
	int64_t k[2];
	int64_t s[2];
	int64_t p[4];
	int64_t d[2];
	int64_t group;
};

/* Pooling attributes: kernel, strides, pads (top, left, bottom, right),
 * dilations (MaxPool only), ceil_mode, count_include_pad.
 */
struct pool_attr {
	int64_t k[2];
	int64_t s[2];
	int64_t p[4];
	int64_t d[2];
	int ceil_mode;
	int count_include_pad;
};

enum act_kind {
	ACT_NONE,
	ACT_RELU,
	ACT_CLIP
};

struct act {
	enum act_kind kind;
	float lo, hi;
};

static const struct act act_none = { ACT_NONE, 0, 0 };
static const struct act act_relu = { ACT_RELU, 0, 0 };
static const struct act act_relu6 = { ACT_CLIP, 0.0f, 6.0f };

/* Format a name into "buf" (NAME_LEN bytes); names here are short, a
 * longer one is a bug of the tool.
 */
static __attribute__((format(printf, 2, 3)))
char *name_make(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, NAME_LEN, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= NAME_LEN) {
		fprintf(stderr, "tool_gen_models: name too long\n");
		exit(2);
	}
	return buf;
}

static double rng_double(struct rng *r, double lo, double hi)
{
	double u = (double) (rng_next(r) >> 11) / 9007199254740992.0;

	return lo + (hi - lo) * u;
}

/* saturate(v) to the range of "dtype". */
static int32_t sat(int dtype, int64_t v)
{
	int32_t lo, hi;

	dtype_range(dtype, &lo, &hi);
	return (int32_t) (v < lo ? lo : v > hi ? hi : v);
}

/* A 1-D float tensor of "v" (n values), or a scalar when "n" is 1 and
 * "scalar" is set.
 */
static struct tensor *tensor_vec_f(int64_t n, const float *v, int scalar)
{
	struct tensor *t = tensor_new(DT_F32, scalar && n == 1 ? 0 : 1, &n);

	memcpy(t->f, v, (size_t) n * sizeof(float));
	return t;
}

static struct tensor *tensor_zeros_i(int dtype, int64_t n, int scalar)
{
	return tensor_new(dtype, scalar && n == 1 ? 0 : 1, &n);
}

static int tensor_same_shape(const struct tensor *a, const struct tensor *b)
{
	int d;

	if (a->rank != b->rank)
		return 0;
	for (d = 0; d < a->rank; d++)
		if (a->dims[d] != b->dims[d])
			return 0;
	return 1;
}

/* ---- Reference: exact quantised arithmetic ------------------------- */

/* rne(v) of the exact rational "v", round half to even, clamped to
 * +-RNE_LIMIT (far outside every 8-bit range, so saturation is kept).
 */
static int64_t rat_rne(const mpq_t v)
{
	mpz_t q, r;
	int64_t y;
	int c;

	mpz_init(q);
	mpz_init(r);
	mpz_fdiv_qr(q, r, mpq_numref(v), mpq_denref(v));
	mpz_mul_2exp(r, r, 1);
	c = mpz_cmp(r, mpq_denref(v));
	if (c > 0 || (c == 0 && mpz_odd_p(q)))
		mpz_add_ui(q, q, 1);
	if (mpz_cmp_si(q, (long) RNE_LIMIT) > 0)
		y = RNE_LIMIT;
	else if (mpz_cmp_si(q, (long) -RNE_LIMIT) < 0)
		y = -RNE_LIMIT;
	else
		y = mpz_get_si(q);
	mpz_clear(q);
	mpz_clear(r);
	return y;
}

/* rne((v[0] * S[0] + ... + v[nt - 1] * S[nt - 1]) / n), the float32
 * ratios S[k] taken as the exact dyadic rationals they are and the whole
 * sum rounded once.
 */
static int64_t rne_scaled(int nt, const int64_t *v, const float *S,
	int64_t n)
{
	mpq_t sum, t, u;
	int64_t y;
	int k;

	mpq_init(sum);
	mpq_init(t);
	mpq_init(u);
	for (k = 0; k < nt; k++) {
		mpq_set_d(t, (double) S[k]);
		mpq_set_si(u, (long) v[k], 1);
		mpq_mul(t, t, u);
		mpq_add(sum, sum, t);
	}
	mpq_set_si(u, 1, (unsigned long) n);
	mpq_mul(sum, sum, u);
	y = rat_rne(sum);
	mpq_clear(sum);
	mpq_clear(t);
	mpq_clear(u);
	return y;
}

/* ONNX QuantizeLinear of one float: saturate(rint(fl(v / s)) + zp), the
 * quotient in float32, rint half to even; NaN gives the zero point.
 */
static int32_t quantize_value(float v, float s, int32_t zp, int dtype)
{
	float t = v / s;
	double r = rint((double) t);

	if (isnan(r))
		return zp;
	r += zp;
	if (r < -1e12)
		r = -1e12;
	if (r > 1e12)
		r = 1e12;
	return sat(dtype, (int64_t) r);
}

/* ONNX DequantizeLinear of one value: fl((q - zp) * s) in float32. */
static float dequantize_value(int32_t q, int32_t zp, float s)
{
	return (float) (q - zp) * s;
}

/* Clamp bounds in the quantised domain (scale "ys", zero point "yz") of
 * activation "a": Relu [yz, max], Clip [q(lo), q(hi)], none [min, max].
 */
static void act_bounds(const struct act *a, float ys, int32_t yz, int dtype,
	int32_t *lo, int32_t *hi)
{
	dtype_range(dtype, lo, hi);
	if (a->kind == ACT_RELU)
		*lo = yz;
	if (a->kind == ACT_CLIP) {
		*lo = quantize_value(a->lo, ys, yz, dtype);
		*hi = quantize_value(a->hi, ys, yz, dtype);
	}
}

static int32_t clamp_to(int32_t v, int32_t lo, int32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Real value of activation "a" applied to "v" (for calibration). */
static double act_real(const struct act *a, double v)
{
	if (a->kind == ACT_RELU)
		return v > 0 ? v : 0;
	if (a->kind == ACT_CLIP)
		return v < a->lo ? a->lo : v > a->hi ? a->hi : v;
	return v;
}

/* ---- Reference: quantised kernels ---------------------------------- */

/* Output size of a convolution: floor((H + pt + pb - ((KH - 1) * dh +
 * 1)) / sh) + 1, likewise W; dims of "x" [N, C, H, W] by "w" [M, C/group,
 * KH, KW] are checked.
 */
static int conv_dims(const struct tensor *x, const struct tensor *w,
	const struct conv_attr *ca, int64_t *dims)
{
	int64_t eh, ew;

	if (x->rank != 4 || w->rank != 4 || ca->group < 1 ||
	    x->dims[1] % ca->group || w->dims[0] % ca->group ||
	    w->dims[1] != x->dims[1] / ca->group ||
	    ca->k[0] != w->dims[2] || ca->k[1] != w->dims[3]) {
		fprintf(stderr, "reference: convolution shapes do not "
			"match\n");
		return -1;
	}
	eh = (w->dims[2] - 1) * ca->d[0] + 1;
	ew = (w->dims[3] - 1) * ca->d[1] + 1;
	dims[0] = x->dims[0];
	dims[1] = w->dims[0];
	dims[2] = (x->dims[2] + ca->p[0] + ca->p[2] - eh) / ca->s[0] + 1;
	dims[3] = (x->dims[3] + ca->p[1] + ca->p[3] - ew) / ca->s[1] + 1;
	if (dims[2] < 1 || dims[3] < 1) {
		fprintf(stderr, "reference: empty convolution output\n");
		return -1;
	}
	return 0;
}

/* sum over c < C/group, ky < KH, kx < KW of (x[n][g * C/group + c][iy][ix]
 * - xz) * (w[m][c][ky][kx] - wz) with iy = oy * sh - pt + ky * dh,
 * ix = ox * sw - pl + kx * dw and g = m / (M / group); taps outside the
 * image are padding holding the zero point, so they add nothing.
 */
static int64_t conv_point(const struct tensor *x, int32_t xz,
	const struct tensor *w, int32_t wz, const struct conv_attr *ca,
	int64_t n, int64_t m, int64_t oy, int64_t ox)
{
	int64_t cg = w->dims[1], mg = w->dims[0] / ca->group;
	int64_t h = x->dims[2], wd = x->dims[3];
	int64_t c, ky, kx, iy, ix, ic, acc = 0;

	for (c = 0; c < cg; c++) {
		ic = (m / mg) * cg + c;
		for (ky = 0; ky < w->dims[2]; ky++) {
			iy = oy * ca->s[0] - ca->p[0] + ky * ca->d[0];
			if (iy < 0 || iy >= h)
				continue;
			for (kx = 0; kx < w->dims[3]; kx++) {
				ix = ox * ca->s[1] - ca->p[1] + kx * ca->d[1];
				if (ix < 0 || ix >= wd)
					continue;
				acc += (int64_t) (x->i[((n * x->dims[1] + ic) *
					h + iy) * wd + ix] - xz) *
					(w->i[((m * cg + c) * w->dims[2] + ky) *
					w->dims[3] + kx] - wz);
			}
		}
	}
	return acc;
}

/* acc[n][m][oy][ox] = bias[m] + conv_point(n, m, oy, ox) with weight zero
 * point wz[m] ("wz" and "bias" may be NULL for zeros); *dims receives
 * [N, M, OH, OW].
 */
static int64_t *conv_acc(const struct tensor *x, int32_t xz,
	const struct tensor *w, const int32_t *wz, const int32_t *bias,
	const struct conv_attr *ca, int64_t *dims)
{
	int64_t n, m, oy, ox, k = 0;
	int64_t *acc;

	if (conv_dims(x, w, ca, dims) < 0)
		return NULL;
	acc = xmalloc((size_t) (dims[0] * dims[1] * dims[2] * dims[3]) *
		sizeof(*acc));
	for (n = 0; n < dims[0]; n++)
		for (m = 0; m < dims[1]; m++)
			for (oy = 0; oy < dims[2]; oy++)
				for (ox = 0; ox < dims[3]; ox++)
					acc[k++] = (bias ? bias[m] : 0) +
						conv_point(x, xz, w,
						wz ? wz[m] : 0, ca, n, m, oy,
						ox);
	return acc;
}

/* acc[i][j] = bias[j] + sum_k (a[i][k] - az) * (w(k, j) - wz[j]) for "a"
 * [M, K], with w(k, j) = w[j][k] when "trans_b" ("w" [N, K], Gemm
 * transB=1), else w[k][j] ("w" [K, N], MatMul); *dims receives [M, N].
 */
static int64_t *mm_acc(const struct tensor *a, int32_t az,
	const struct tensor *w, int trans_b, const int32_t *wz,
	const int32_t *bias, int64_t *dims)
{
	int64_t m, k, nn, i, j, l, wv;
	int64_t *acc;

	if (a->rank != 2 || w->rank != 2 ||
	    a->dims[1] != w->dims[trans_b ? 1 : 0]) {
		fprintf(stderr, "reference: matmul shapes do not match\n");
		return NULL;
	}
	m = a->dims[0];
	k = a->dims[1];
	nn = w->dims[trans_b ? 0 : 1];
	dims[0] = m;
	dims[1] = nn;
	acc = xmalloc((size_t) (m * nn) * sizeof(*acc));
	for (i = 0; i < m; i++)
		for (j = 0; j < nn; j++) {
			acc[i * nn + j] = bias ? bias[j] : 0;
			for (l = 0; l < k; l++) {
				wv = trans_b ? w->i[j * k + l] :
					w->i[l * nn + j];
				acc[i * nn + j] += (int64_t) (a->i[i * k + l] -
					az) * (wv - (wz ? wz[j] : 0));
			}
		}
	return acc;
}

/* y[k] = clamp(saturate(rne(acc[k] * S[c]) + yz)) with channel
 * c = (k / inner) % nch and the clamp of activation "a" in the domain of
 * ("ys", "yz").
 */
static struct tensor *ref_requant(const int64_t *acc, int rank,
	const int64_t *dims, int64_t inner, int64_t nch, const float *S,
	float ys, int32_t yz, int dtype, const struct act *a)
{
	struct tensor *y = tensor_new(dtype, rank, dims);
	int32_t lo, hi;
	int64_t c;
	size_t k;

	act_bounds(a, ys, yz, dtype, &lo, &hi);
	for (k = 0; k < y->n; k++) {
		c = ((int64_t) k / inner) % nch;
		y->i[k] = clamp_to(sat(dtype, rne_scaled(1, &acc[k], &S[c], 1) +
			yz), lo, hi);
	}
	return y;
}

/* Offset in "t" of element "k" of the broadcast shape "odims" (rank
 * "rank"), numpy rules: dimensions right-aligned, a 1 repeats.
 */
static size_t bcast_index(const struct tensor *t, int rank,
	const int64_t *odims, size_t k)
{
	size_t idx = 0, stride = 1, c;
	int d, dt;

	for (d = rank - 1; d >= 0; d--) {
		c = k % (size_t) odims[d];
		k /= (size_t) odims[d];
		dt = d - (rank - t->rank);
		if (dt < 0)
			continue;
		if (t->dims[dt] != 1)
			idx += c * stride;
		stride *= (size_t) t->dims[dt];
	}
	return idx;
}

/* Broadcast shape of "a" and "b" into *rank, dims. */
static int bcast_dims(const struct tensor *a, const struct tensor *b,
	int *rank, int64_t *dims)
{
	int d, r = a->rank > b->rank ? a->rank : b->rank;
	int64_t da, db;

	for (d = 0; d < r; d++) {
		da = d - (r - a->rank) >= 0 ? a->dims[d - (r - a->rank)] : 1;
		db = d - (r - b->rank) >= 0 ? b->dims[d - (r - b->rank)] : 1;
		if (da != db && da != 1 && db != 1) {
			fprintf(stderr, "shapes do not broadcast\n");
			return -1;
		}
		dims[d] = da > db ? da : db;
	}
	*rank = r;
	return 0;
}

/* Add: y = clamp(saturate(rne((a - az) * Sa + (b - bz) * Sb) + yz)) with
 * Sa = fl(as / ys), Sb = fl(bs / ys), the sum rounded once; numpy
 * broadcasting.
 */
static struct tensor *ref_add(const struct tensor *a, int32_t az, float as,
	const struct tensor *b, int32_t bz, float bs, float ys, int32_t yz,
	const struct act *act)
{
	struct tensor *y;
	int64_t dims[MAX_RANK], v[2];
	float S[2];
	int32_t lo, hi;
	int rank;
	size_t k;

	if (bcast_dims(a, b, &rank, dims) < 0)
		return NULL;
	y = tensor_new(a->dtype, rank, dims);
	S[0] = as / ys;
	S[1] = bs / ys;
	act_bounds(act, ys, yz, y->dtype, &lo, &hi);
	for (k = 0; k < y->n; k++) {
		v[0] = a->i[bcast_index(a, rank, dims, k)] - az;
		v[1] = b->i[bcast_index(b, rank, dims, k)] - bz;
		y->i[k] = clamp_to(sat(y->dtype, rne_scaled(2, v, S, 1) + yz),
			lo, hi);
	}
	return y;
}

/* Relu or Clip on its own: y = clamp(saturate(rne((x - xz) * fl(xs / ys))
 * + yz)).
 */
static struct tensor *ref_act(const struct tensor *x, int32_t xz, float xs,
	float ys, int32_t yz, const struct act *act)
{
	struct tensor *y = tensor_new(x->dtype, x->rank, x->dims);
	float S = xs / ys;
	int32_t lo, hi;
	int64_t v;
	size_t k;

	act_bounds(act, ys, yz, y->dtype, &lo, &hi);
	for (k = 0; k < y->n; k++) {
		v = x->i[k] - xz;
		y->i[k] = clamp_to(sat(y->dtype, rne_scaled(1, &v, &S, 1) + yz),
			lo, hi);
	}
	return y;
}

/* Output size of a pooling axis: (in + pb + pe - e) / s + 1, e = (k - 1)
 * * d + 1 the extent of the dilated window, with the quotient floored,
 * or ceiled in "ceil_mode", where a last window that would start in the
 * end padding is dropped (as ONNX and PyTorch do).
 */
static int64_t pool_out_dim(int64_t in, int64_t k, int64_t s, int64_t d,
	int64_t pb, int64_t pe, int ceil_mode)
{
	int64_t span = in + pb + pe - ((k - 1) * d + 1), o;

	if (span < 0)
		return 0;
	o = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
	if (ceil_mode && (o - 1) * s >= in + pb)
		o--;
	return o;
}

/* Input position of tap "j" of output position "o" on an axis of stride
 * "s", dilation "d" and begin pad "pb": o * s - pb + j * d.
 */
static int64_t pool_tap(int64_t o, int64_t j, int64_t s, int64_t d,
	int64_t pb)
{
	return o * s - pb + j * d;
}

/* Tap counts of output position "o" on one axis of input size "in":
 * *valid, the taps inside [0, in), and *padded, those inside the padded
 * extent [-pb, in + pe) (the taps count_include_pad counts; the part of
 * a ceil_mode window beyond that extent is not counted).
 */
static void pool_window(int64_t o, int64_t in, int64_t k, int64_t s,
	int64_t d, int64_t pb, int64_t pe, int64_t *valid, int64_t *padded)
{
	int64_t j, at;

	*valid = 0;
	*padded = 0;
	for (j = 0; j < k; j++) {
		at = pool_tap(o, j, s, d, pb);
		*valid += at >= 0 && at < in;
		*padded += at >= -pb && at < in + pe;
	}
}

static int pool_dims(const struct tensor *x, const struct pool_attr *pa,
	int64_t *dims)
{
	if (x->rank != 4) {
		fprintf(stderr, "pool: only 2-D pooling\n");
		return -1;
	}
	dims[0] = x->dims[0];
	dims[1] = x->dims[1];
	dims[2] = pool_out_dim(x->dims[2], pa->k[0], pa->s[0], pa->d[0],
		pa->p[0], pa->p[2], pa->ceil_mode);
	dims[3] = pool_out_dim(x->dims[3], pa->k[1], pa->s[1], pa->d[1],
		pa->p[1], pa->p[3], pa->ceil_mode);
	if (dims[2] < 1 || dims[3] < 1) {
		fprintf(stderr, "pool: empty output\n");
		return -1;
	}
	return 0;
}

/* Sum of (x - xz) and maximum of x over the valid taps of window (oy, ox)
 * of plane "p" [H, W] (tap (ky, kx) at row pool_tap(oy, ky), column
 * pool_tap(ox, kx)); *n counts the taps (all of the padded extent when
 * "incl") and *nv the valid ones.
 */
static void pool_taps(const struct tensor *x, const int32_t *p, int32_t xz,
	const struct pool_attr *pa, int incl, int64_t oy, int64_t ox,
	int64_t *sum, int32_t *max, int64_t *n, int64_t *nv)
{
	int64_t vy, vx, cy, cx, ky, kx, iy, ix, h = x->dims[2], w = x->dims[3];

	pool_window(oy, h, pa->k[0], pa->s[0], pa->d[0], pa->p[0], pa->p[2],
		&vy, &cy);
	pool_window(ox, w, pa->k[1], pa->s[1], pa->d[1], pa->p[1], pa->p[3],
		&vx, &cx);
	*sum = 0;
	*max = INT32_MIN;
	for (ky = 0; ky < pa->k[0]; ky++) {
		iy = pool_tap(oy, ky, pa->s[0], pa->d[0], pa->p[0]);
		if (iy < 0 || iy >= h)
			continue;
		for (kx = 0; kx < pa->k[1]; kx++) {
			ix = pool_tap(ox, kx, pa->s[1], pa->d[1], pa->p[1]);
			if (ix < 0 || ix >= w)
				continue;
			*sum += p[iy * w + ix] - xz;
			if (p[iy * w + ix] > *max)
				*max = p[iy * w + ix];
		}
	}
	*nv = vy * vx;
	*n = incl ? cy * cx : *nv;
}

/* MaxPool (avg = 0): y = saturate(rne((m - xz) * fl(xs / ys)) + yz), m the
 * maximum over the valid taps; AveragePool (avg = 1): y =
 * saturate(rne(s * fl(xs / ys) / n) + yz), s the sum of (x - xz) over the
 * valid taps and n the tap count of count_include_pad.
 */
static struct tensor *ref_pool(const struct tensor *x, int32_t xz,
	float xs, float ys, int32_t yz, const struct pool_attr *pa, int avg)
{
	struct tensor *y;
	int64_t dims[4], pl, oy, ox, sum, n, nv, v;
	float S = xs / ys;
	int32_t mx;
	size_t k = 0;

	if (pool_dims(x, pa, dims) < 0)
		return NULL;
	y = tensor_new(x->dtype, 4, dims);
	for (pl = 0; pl < dims[0] * dims[1]; pl++)
		for (oy = 0; oy < dims[2]; oy++)
			for (ox = 0; ox < dims[3]; ox++) {
				pool_taps(x, x->i + pl * x->dims[2] *
					x->dims[3], xz, pa,
					pa->count_include_pad, oy, ox, &sum,
					&mx, &n, &nv);
				if (nv == 0) {
					fprintf(stderr, "pool: window with no "
						"valid tap\n");
					return tensor_free(y);
				}
				v = avg ? sum : (int64_t) mx - xz;
				y->i[k++] = sat(y->dtype, rne_scaled(1, &v, &S,
					avg ? n : 1) + yz);
			}
	return y;
}

/* GlobalAveragePool: ref_pool with one window covering the plane. */
static struct tensor *ref_gap(const struct tensor *x, int32_t xz, float xs,
	float ys, int32_t yz)
{
	struct pool_attr pa;

	memset(&pa, 0, sizeof(pa));
	pa.k[0] = x->dims[2];
	pa.k[1] = x->dims[3];
	pa.s[0] = 1;
	pa.s[1] = 1;
	pa.d[0] = 1;
	pa.d[1] = 1;
	return ref_pool(x, xz, xs, ys, yz, &pa, 1);
}

/* ---- Data movement (reference and interpreter) ---------------------- */

/* A gather from a tensor of the same rank: output "dims"; output
 * coordinate i[d] reads coordinate first[d] + i[d] * step[d] of input
 * axis src[d] (each input axis read by one output axis).
 */
struct gather {
	int rank;
	int64_t dims[MAX_RANK];
	int src[MAX_RANK];
	int64_t first[MAX_RANK];
	int64_t step[MAX_RANK];
};

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The identity gather of "x" (rank and dims of "x", steps 1). */
static void gather_init(struct gather *g, const struct tensor *x)
{
	int d;

	g->rank = x->rank;
	for (d = 0; d < x->rank; d++) {
		g->dims[d] = x->dims[d];
		g->src[d] = d;
		g->first[d] = 0;
		g->step[d] = 1;
	}
}

/* Gather "g" of "x": y[i] = x[c] with c[src[d]] = first[d] + i[d] *
 * step[d], or the fill value ("fill_f" for float32, "fill_i" otherwise)
 * where c lies outside "x".
 */
static struct tensor *gather_run(const struct tensor *x,
	const struct gather *g, float fill_f, int32_t fill_i)
{
	struct tensor *y = tensor_new(x->dtype, g->rank, g->dims);
	int64_t stride[MAX_RANK], span = 1, rest, c, off;
	size_t k;
	int d, out;

	for (d = x->rank - 1; d >= 0; d--) {
		stride[d] = span;
		span *= x->dims[d];
	}
	for (k = 0; k < y->n; k++) {
		rest = (int64_t) k;
		off = 0;
		out = 0;
		for (d = g->rank - 1; d >= 0; d--) {
			c = g->first[d] + rest % g->dims[d] * g->step[d];
			rest /= g->dims[d];
			out |= c < 0 || c >= x->dims[g->src[d]];
			off += c * stride[g->src[d]];
		}
		if (y->f)
			y->f[k] = out ? fill_f : x->f[off];
		else
			y->i[k] = out ? fill_i : x->i[off];
	}
	return y;
}

/* Transpose: y has dims[d] = x->dims[perm[d]] and y[i] = x[c] with
 * c[perm[d]] = i[d]; "perm" NULL reverses the axes.
 */
static struct tensor *layout_transpose(const struct tensor *x,
	const int64_t *perm)
{
	struct gather g;
	int seen[MAX_RANK] = { 0 };
	int d, a;

	gather_init(&g, x);
	for (d = 0; d < x->rank; d++) {
		a = perm ? (int) perm[d] : x->rank - 1 - d;
		if (a < 0 || a >= x->rank || seen[a]++) {
			fprintf(stderr, "transpose: bad permutation\n");
			return NULL;
		}
		g.src[d] = a;
		g.dims[d] = x->dims[a];
	}
	return gather_run(x, &g, 0.0f, 0);
}

/* ONNX Slice on one axis of size "dim": "start" and "end" get "dim"
 * added when negative, then are clamped to [0, dim] for a positive
 * "step", to [0, dim - 1] and [-1, dim - 1] for a negative one; the
 * slice is *count = max(0, ceil((end - start) / step)) positions from
 * *first = start.
 */
static void slice_axis(int64_t dim, int64_t start, int64_t end,
	int64_t step, int64_t *first, int64_t *count)
{
	int64_t n;

	start += start < 0 ? dim : 0;
	end += end < 0 ? dim : 0;
	if (step > 0) {
		start = clamp64(start, 0, dim);
		end = clamp64(end, 0, dim);
		n = (end - start + step - 1) / step;
	} else {
		start = clamp64(start, 0, dim - 1);
		end = clamp64(end, -1, dim - 1);
		n = (start - end - step - 1) / -step;
	}
	*first = start;
	*count = n > 0 ? n : 0;
}

/* Slice of "x" by "n" (starts, ends, axes, steps): "axes" NULL means
 * 0 .. n - 1 and a negative axis counts from the end; "steps" NULL
 * means 1.
 */
static struct tensor *layout_slice(const struct tensor *x, int n,
	const int64_t *starts, const int64_t *ends, const int64_t *axes,
	const int64_t *steps)
{
	struct gather g;
	int64_t a, st;
	int k;

	gather_init(&g, x);
	for (k = 0; k < n; k++) {
		a = axes ? axes[k] : k;
		a += a < 0 ? x->rank : 0;
		st = steps ? steps[k] : 1;
		if (a < 0 || a >= x->rank || st == 0) {
			fprintf(stderr, "slice: bad axis or step\n");
			return NULL;
		}
		g.step[a] = st;
		slice_axis(x->dims[a], starts[k], ends[k], st, &g.first[a],
			&g.dims[a]);
	}
	return gather_run(x, &g, 0.0f, 0);
}

/* Pad (mode constant) of "x" by "pads" (ONNX order: the begins of all
 * axes, then the ends), filled with "fill_f" (float32) or "fill_i".
 */
static struct tensor *layout_pad(const struct tensor *x, const int64_t *pads,
	float fill_f, int32_t fill_i)
{
	struct gather g;
	int d;

	gather_init(&g, x);
	for (d = 0; d < x->rank; d++) {
		g.first[d] = -pads[d];
		g.dims[d] = x->dims[d] + pads[d] + pads[x->rank + d];
		if (g.dims[d] < 0) {
			fprintf(stderr, "pad: negative size\n");
			return NULL;
		}
	}
	return gather_run(x, &g, fill_f, fill_i);
}

/* Concat of "xs" (n of them, equal shapes but on "axis"). */
static struct tensor *layout_concat(const struct tensor *const *xs, size_t n,
	int axis)
{
	int64_t dims[MAX_RANK], outer = 1, inner = 1, o, chunk, off = 0;
	struct tensor *y;
	size_t j, es;
	int d;

	memcpy(dims, xs[0]->dims, sizeof(dims));
	dims[axis] = 0;
	for (j = 0; j < n; j++) {
		if (xs[j]->rank != xs[0]->rank ||
		    xs[j]->dtype != xs[0]->dtype) {
			fprintf(stderr, "concat: inputs differ in rank or "
				"type\n");
			return NULL;
		}
		for (d = 0; d < xs[0]->rank; d++)
			if (d != axis && xs[j]->dims[d] != dims[d]) {
				fprintf(stderr, "concat: shapes differ\n");
				return NULL;
			}
		dims[axis] += xs[j]->dims[axis];
	}
	for (d = 0; d < axis; d++)
		outer *= dims[d];
	for (d = axis + 1; d < xs[0]->rank; d++)
		inner *= dims[d];
	y = tensor_new(xs[0]->dtype, xs[0]->rank, dims);
	es = y->f ? sizeof(float) : sizeof(int32_t);
	for (j = 0; j < n; j++) {
		chunk = xs[j]->dims[axis] * inner;
		for (o = 0; o < outer; o++)
			memcpy((char *) (y->f ? (void *) y->f : (void *) y->i) +
				(size_t) (o * dims[axis] * inner + off) * es,
				(char *) (xs[j]->f ? (void *) xs[j]->f :
				(void *) xs[j]->i) + (size_t) (o * chunk) * es,
				(size_t) chunk * es);
		off += chunk;
	}
	return y;
}

/* A copy of "x" with shape "dims" (rank "rank", same element count). */
static struct tensor *layout_reshape(const struct tensor *x, int rank,
	const int64_t *dims)
{
	struct tensor *y;
	size_t n = 1;
	int d;

	for (d = 0; d < rank; d++)
		n *= (size_t) dims[d];
	if (rank > MAX_RANK || n != x->n) {
		fprintf(stderr, "reshape: element count differs\n");
		return NULL;
	}
	y = tensor_copy(x);
	y->rank = rank;
	memcpy(y->dims, dims, (size_t) rank * sizeof(int64_t));
	return y;
}

/* Unsqueeze of "x" by "axes" (n of them, axes of the output, negative
 * ones counted from its end): a 1 inserted at each.
 */
static struct tensor *layout_unsqueeze(const struct tensor *x, int n,
	const int64_t *axes)
{
	int64_t dims[MAX_RANK], a;
	int one[MAX_RANK] = { 0 };
	int r = x->rank + n, d, k, j = 0;

	if (r > MAX_RANK) {
		fprintf(stderr, "unsqueeze: rank too large\n");
		return NULL;
	}
	for (k = 0; k < n; k++) {
		a = axes[k] + (axes[k] < 0 ? r : 0);
		if (a < 0 || a >= r || one[a]++) {
			fprintf(stderr, "unsqueeze: bad axis\n");
			return NULL;
		}
	}
	for (d = 0; d < r; d++)
		dims[d] = one[d] ? 1 : x->dims[j++];
	return layout_reshape(x, r, dims);
}

/* Squeeze of "x" by "axes" (n of them, negative ones counted from the
 * end, each of size 1), or of every axis of size 1 when "n" is 0.
 */
static struct tensor *layout_squeeze(const struct tensor *x, int n,
	const int64_t *axes)
{
	int64_t dims[MAX_RANK], a;
	int drop[MAX_RANK] = { 0 };
	int d, k, r = 0;

	for (k = 0; k < n; k++) {
		a = axes[k] + (axes[k] < 0 ? x->rank : 0);
		if (a < 0 || a >= x->rank || x->dims[a] != 1) {
			fprintf(stderr, "squeeze: bad axis\n");
			return NULL;
		}
		drop[a] = 1;
	}
	for (d = 0; d < x->rank; d++)
		if (!(n ? drop[d] : x->dims[d] == 1))
			dims[r++] = x->dims[d];
	return layout_reshape(x, r, dims);
}

/* Flatten of "x" at "axis": [prod dims[0 .. axis), prod of the rest]. */
static struct tensor *layout_flatten(const struct tensor *x, int axis)
{
	int64_t dims[2] = { 1, 1 };
	int d;

	for (d = 0; d < x->rank; d++)
		dims[d < axis ? 0 : 1] *= x->dims[d];
	return layout_reshape(x, 2, dims);
}

/* Explicit pads of auto_pad SAME_UPPER ("upper") or SAME_LOWER on an axis
 * of size "in": out = ceil(in / s), total = max(0, (out - 1) * s + (k -
 * 1) * d + 1 - in), *pb = total / 2 (upper) or total - total / 2
 * (lower), *pe the rest.
 */
static void same_pads(int64_t in, int64_t k, int64_t s, int64_t d,
	int upper, int64_t *pb, int64_t *pe)
{
	int64_t out = (in + s - 1) / s;
	int64_t total = (out - 1) * s + (k - 1) * d + 1 - in;

	total = total > 0 ? total : 0;
	*pb = upper ? total / 2 : total - total / 2;
	*pe = total - *pb;
}

/* ---- Model builder -------------------------------------------------- */

/* A model under construction.  "ops_form": operator form (QLinearConv,
 * DequantizeLinear -> op -> QuantizeLinear islands, uint8 graph input and
 * output) instead of QDQ form.  "seed_ns" names the random streams of the
 * parameters, so that resnet_ops draws the weights of resnet_s.
 * "no_ref": shapes only, no reference values (activations hold zeros,
 * output quantisations are estimated) and no expected output.
 */
struct model {
	const char *name;
	const char *seed_ns;
	int ops_form;
	int no_ref;
	Onnx__NodeProto **node;
	size_t n_node;
	Onnx__TensorProto **init;
	size_t n_init;
	char in_name[NAME_LEN];
	struct tensor *input;
};

/* A quantised activation: "name" is the float output of its
 * DequantizeLinear in QDQ form, the quantised tensor itself in operator
 * form; "qname" is the quantised (uint8) tensor; "sname" and "zname" are
 * the initializers of its scale "s" and zero point "z"; "v" its values.
 */
struct qt {
	char name[NAME_LEN];
	char qname[NAME_LEN];
	char sname[NAME_LEN];
	char zname[NAME_LEN];
	struct tensor *v;
	float s;
	int32_t z;
};

/* LIN_GEMM: Gemm with transB=1; LIN_GEMM_KN: Gemm with transB=0. */
enum lin_kind {
	LIN_CONV,
	LIN_GEMM,
	LIN_MATMUL,
	LIN_MATMUL_ADD,
	LIN_GEMM_KN
};

/* Parameters of a linear layer: int8 weights "w" (Conv [M, C/group, KH,
 * KW], Gemm [N, K] with transB=1, MatMul and Gemm with transB=0 [K, N]),
 * scales "ws" (nws = M per channel, or 1), zero points 0, real biases "b"
 * (NULL: none), "m" output channels.  A convolution written with
 * "auto_pad" (SAME_UPPER or SAME_LOWER; NULL: explicit pads) still has
 * the pads it stands for in "ca", for the reference.
 */
struct lin {
	enum lin_kind kind;
	struct conv_attr ca;
	const char *auto_pad;
	struct tensor *w;
	float *ws;
	int64_t nws;
	double *b;
	int64_t m;
};

enum pool_kind {
	POOL_MAX,
	POOL_AVG,
	POOL_GLOBAL_AVG
};

static void model_init(struct model *m, const char *name, const char *ns,
	int ops_form)
{
	memset(m, 0, sizeof(*m));
	m->name = name;
	m->seed_ns = ns;
	m->ops_form = ops_form;
	m->node = xcalloc(MAX_NODES, sizeof(*m->node));
	m->init = xcalloc(MAX_INITS, sizeof(*m->init));
}

static void model_clear(struct model *m)
{
	size_t k;

	for (k = 0; k < m->n_node; k++)
		onnx__node_proto__free_unpacked(m->node[k], NULL);
	for (k = 0; k < m->n_init; k++)
		onnx__tensor_proto__free_unpacked(m->init[k], NULL);
	free(m->node);
	free(m->init);
	tensor_free(m->input);
	memset(m, 0, sizeof(*m));
}

static void qt_clear(struct qt *q)
{
	tensor_free(q->v);
	memset(q, 0, sizeof(*q));
}

/* Append node "op" named "name" with inputs "in" (n of them) and output
 * "out".
 */
static Onnx__NodeProto *emit_v(struct model *m, const char *op,
	const char *name, const char *out, size_t n, const char *const *in)
{
	Onnx__NodeProto *np;

	if (m->n_node >= MAX_NODES) {
		fprintf(stderr, "tool_gen_models: too many nodes\n");
		exit(2);
	}
	np = node_proto_new(op, name, out, n, in);
	m->node[m->n_node++] = np;
	return np;
}

/* emit_v with the inputs as arguments, ended by NULL. */
static __attribute__((sentinel))
Onnx__NodeProto *emit(struct model *m, const char *op, const char *name,
	const char *out, ...)
{
	const char *in[16];
	const char *s;
	size_t n = 0;
	va_list ap;

	va_start(ap, out);
	while ((s = va_arg(ap, const char *)) && n < 16)
		in[n++] = s;
	va_end(ap);
	return emit_v(m, op, name, out, n, in);
}

static void attr_add(Onnx__NodeProto *np, Onnx__AttributeProto *a)
{
	np->attribute = xrealloc(np->attribute, (np->n_attribute + 1) *
		sizeof(*np->attribute));
	np->attribute[np->n_attribute++] = a;
}

static void attr_ints(Onnx__NodeProto *np, const char *name, size_t n,
	const int64_t *v)
{
	attr_add(np, attr_ints_new(name, n, v));
}

static void attr_str(Onnx__NodeProto *np, const char *name, const char *v)
{
	attr_add(np, attr_str_new(name, v));
}

static void attr_int(Onnx__NodeProto *np, const char *name, int64_t v)
{
	attr_add(np, attr_int_new(name, v));
}

/* Add initializer "name" of value "t" (taken). */
static void init_add(struct model *m, const char *name, struct tensor *t)
{
	if (m->n_init >= MAX_INITS) {
		fprintf(stderr, "tool_gen_models: too many initializers\n");
		exit(2);
	}
	m->init[m->n_init++] = tensor_proto_new(t, name);
	tensor_free(t);
}

/* Create the scale and zero point initializers "<base>.scale" and
 * "<base>.zp" of "y" unless it already names some (a shared
 * quantisation).
 */
static void qparams_init(struct model *m, const char *base, struct qt *y)
{
	if (y->sname[0])
		return;
	name_make(y->sname, "%s.scale", base);
	name_make(y->zname, "%s.zp", base);
	init_add(m, y->sname, tensor_scalar_f(y->s));
	init_add(m, y->zname, tensor_scalar_i(DT_U8, y->z));
}

/* Quantise float tensor "src" into "y" (its scale, zero point and values
 * already set): QuantizeLinear -> "<base>.q" -> DequantizeLinear ->
 * "<base>" in QDQ form; QuantizeLinear -> "<base>" in operator form.
 */
static void emit_qdq(struct model *m, const char *src, const char *base,
	struct qt *y)
{
	char nm[NAME_LEN];

	qparams_init(m, base, y);
	if (m->ops_form) {
		name_make(y->qname, "%s", base);
		name_make(y->name, "%s", base);
		emit(m, "QuantizeLinear", name_make(nm, "%s/Q", base),
			y->qname, src, y->sname, y->zname, NULL);
		return;
	}
	name_make(y->qname, "%s.q", base);
	name_make(y->name, "%s", base);
	emit(m, "QuantizeLinear", name_make(nm, "%s/Q", base), y->qname, src,
		y->sname, y->zname, NULL);
	emit(m, "DequantizeLinear", name_make(nm, "%s/DQ", base), y->name,
		y->qname, y->sname, y->zname, NULL);
}

/* Float value of "x" as input "k" of layer "layer", in "buf": the
 * DequantizeLinear output in QDQ form; in operator form a new
 * DequantizeLinear "<layer>.in<k>" of the quantised tensor (an island).
 */
static const char *float_in(struct model *m, const struct qt *x,
	const char *layer, int k, char *buf)
{
	char nm[NAME_LEN];

	if (!m->ops_form)
		return name_make(buf, "%s", x->name);
	name_make(buf, "%s.in%d", layer, k);
	emit(m, "DequantizeLinear", name_make(nm, "%s/DQ%d", layer, k), buf,
		x->qname, x->sname, x->zname, NULL);
	return buf;
}

/* The Relu or Clip node of "a" on "src", output "<name>.act". */
static const char *emit_act(struct model *m, const char *name,
	const char *src, const struct act *a, char *buf)
{
	char nm[NAME_LEN], lo[NAME_LEN], hi[NAME_LEN];

	name_make(buf, "%s.act", name);
	if (a->kind == ACT_RELU) {
		emit(m, "Relu", name_make(nm, "%s/Relu", name), buf, src,
			NULL);
		return buf;
	}
	name_make(lo, "%s.clip_min", name);
	name_make(hi, "%s.clip_max", name);
	init_add(m, lo, tensor_scalar_f(a->lo));
	init_add(m, hi, tensor_scalar_f(a->hi));
	emit(m, "Clip", name_make(nm, "%s/Clip", name), buf, src, lo, hi,
		NULL);
	return buf;
}

/* Operator form: the quantised tensor "pre" (quantised like "y") through
 * an island DequantizeLinear -> Relu|Clip -> QuantizeLinear, into "y"
 * under the name "name", with the same scale and zero point.
 */
static void emit_island_act(struct model *m, const char *name,
	const char *pre, struct qt *y, const struct act *a)
{
	char nm[NAME_LEN], dq[NAME_LEN], act[NAME_LEN];

	name_make(dq, "%s.pre_dq", name);
	emit(m, "DequantizeLinear", name_make(nm, "%s/DQ", name), dq, pre,
		y->sname, y->zname, NULL);
	emit_act(m, name, dq, a, act);
	name_make(y->qname, "%s", name);
	name_make(y->name, "%s", name);
	emit(m, "QuantizeLinear", name_make(nm, "%s/Q", name), y->qname, act,
		y->sname, y->zname, NULL);
}

/* ---- Layers: parameters, reference and nodes ------------------------ */

/* Output scale and zero point for real values in [lo, hi] after
 * activation "a", as MinMax calibration would choose them but for
 * testing: the range is shrunk to 90% (so the extremes saturate), or
 * stretched to 108% after Clip (so Clip's upper bound lies inside the
 * uint8 range and clamps), and always reaches below 0 by at least 5% of
 * its top, so that every zero point is nonzero and a fused Relu clamps
 * at it.
 */
static void calibrate(double lo, double hi, const struct act *a, float *s,
	int32_t *z)
{
	double f = a->kind == ACT_CLIP ? 1.08 : 0.9;
	double rmax = f * (hi > 0 ? hi : 0), rmin = 0.9 * (lo < 0 ? lo : 0);

	if (rmin > -0.05 * rmax)
		rmin = -0.05 * rmax;
	if (rmax - rmin < 1e-6) {
		rmin = -0.05;
		rmax = 1.0;
	}
	*s = (float) ((rmax - rmin) / 255.0);
	*z = sat(DT_U8, (int64_t) rint(-rmin / *s));
}

static float lin_ws(const struct lin *L, int64_t o)
{
	return L->nws == 1 ? L->ws[0] : L->ws[o];
}

/* Random int8 weights [-127, 127] of "L" (dims "wd", rank "rank", fan-in
 * "fan_in") with scales giving He-like magnitudes times "gain", and real
 * biases in +-0.2 when "bias", drawn from stream "seed_ns:lname".
 */
static void lin_draw(const struct model *m, const char *lname,
	struct lin *L, int rank, const int64_t *wd, int64_t fan_in,
	int per_chan, int bias, double gain)
{
	struct rng r;
	double a = gain * sqrt(6.0 / (double) fan_in) / 127.0;
	int64_t o;
	size_t k;

	rng_seed(&r, m->seed_ns, lname);
	L->w = tensor_new(DT_I8, rank, wd);
	for (k = 0; k < L->w->n; k++)
		L->w->i[k] = rng_int(&r, -127, 127);
	L->nws = per_chan ? L->m : 1;
	L->ws = xmalloc((size_t) L->nws * sizeof(float));
	for (o = 0; o < L->nws; o++)
		L->ws[o] = (float) (a * rng_double(&r, 0.7, 1.3));
	L->b = NULL;
	if (!bias)
		return;
	L->b = xmalloc((size_t) L->m * sizeof(double));
	for (o = 0; o < L->m; o++)
		L->b[o] = rng_double(&r, -0.2, 0.2);
}

/* Conv "lname": "cin" -> "cout" channels, k x k kernel, stride, pad on
 * all sides, group; per-channel weights and a bias.
 */
static void lin_conv(const struct model *m, const char *lname,
	struct lin *L, int64_t cin, int64_t cout, int64_t k, int64_t stride,
	int64_t pad, int64_t group, double gain)
{
	int64_t wd[4];
	int d;

	memset(L, 0, sizeof(*L));
	L->kind = LIN_CONV;
	L->m = cout;
	for (d = 0; d < 2; d++) {
		L->ca.k[d] = k;
		L->ca.s[d] = stride;
		L->ca.d[d] = 1;
		L->ca.p[d] = pad;
		L->ca.p[d + 2] = pad;
	}
	L->ca.group = group;
	wd[0] = cout;
	wd[1] = cin / group;
	wd[2] = k;
	wd[3] = k;
	lin_draw(m, lname, L, 4, wd, wd[1] * k * k, 1, 1, gain);
}

/* Conv "lname" as lin_conv (group 1, no explicit pads) written with
 * "auto_pad" SAME_UPPER or SAME_LOWER on an input of "h" x "w": "L->ca"
 * gets the pads it stands for, by same_pads.
 */
static void lin_conv_same(const struct model *m, const char *lname,
	struct lin *L, int64_t cin, int64_t cout, int64_t k, int64_t stride,
	const char *auto_pad, int64_t h, int64_t w, double gain)
{
	int upper = strcmp(auto_pad, "SAME_UPPER") == 0;

	lin_conv(m, lname, L, cin, cout, k, stride, 0, 1, gain);
	L->auto_pad = auto_pad;
	same_pads(h, k, stride, 1, upper, &L->ca.p[0], &L->ca.p[2]);
	same_pads(w, k, stride, 1, upper, &L->ca.p[1], &L->ca.p[3]);
}

/* Fully connected "lname" of kind "kind": "k" -> "n"; Gemm (transB=1)
 * weights are per channel (axis 0 of [N, K]), MatMul and Gemm (transB=0)
 * weights per tensor, or per column (axis 1 of [K, N]) when "per_col".
 */
static void lin_fc(const struct model *m, const char *lname, struct lin *L,
	enum lin_kind kind, int64_t k, int64_t n, int bias, int per_col,
	double gain)
{
	int64_t wd[2];

	memset(L, 0, sizeof(*L));
	L->kind = kind;
	L->m = n;
	wd[0] = kind == LIN_GEMM ? n : k;
	wd[1] = kind == LIN_GEMM ? k : n;
	lin_draw(m, lname, L, 2, wd, k, kind == LIN_GEMM || per_col, bias,
		gain);
}

static void lin_clear(struct lin *L)
{
	tensor_free(L->w);
	free(L->ws);
	free(L->b);
	memset(L, 0, sizeof(*L));
}

/* "<name>.w" (int8), "<name>.w_scale", "<name>.w_zp" (int8 zeros) and
 * their DequantizeLinear -> "<name>.w_dq" (axis "axis" when per
 * channel); returns the float name in "buf".
 */
static const char *emit_weight(struct model *m, const char *name,
	const struct lin *L, int axis, char *buf)
{
	char w[NAME_LEN], s[NAME_LEN], z[NAME_LEN], nm[NAME_LEN];
	Onnx__NodeProto *np;

	name_make(w, "%s.w", name);
	name_make(s, "%s.w_scale", name);
	name_make(z, "%s.w_zp", name);
	init_add(m, w, tensor_copy(L->w));
	init_add(m, s, tensor_vec_f(L->nws, L->ws, 1));
	init_add(m, z, tensor_zeros_i(DT_I8, L->nws, 1));
	if (m->ops_form)
		return name_make(buf, "%s", w);
	name_make(buf, "%s.w_dq", name);
	np = emit(m, "DequantizeLinear", name_make(nm, "%s.w/DQ", name), buf,
		w, s, z, NULL);
	if (L->nws > 1)
		attr_int(np, "axis", axis);
	return buf;
}

/* "<name>.b" (int32 "bq"), "<name>.b_scale" ("bs": x_scale * w_scale[o]
 * in float32), "<name>.b_zp" (int32 zeros) and their DequantizeLinear ->
 * "<name>.b_dq" (axis 0 when per channel).
 */
static const char *emit_bias(struct model *m, const char *name,
	const struct lin *L, const int32_t *bq, const float *bs, char *buf)
{
	char b[NAME_LEN], s[NAME_LEN], z[NAME_LEN], nm[NAME_LEN];
	Onnx__NodeProto *np;
	struct tensor *t;

	name_make(b, "%s.b", name);
	name_make(s, "%s.b_scale", name);
	name_make(z, "%s.b_zp", name);
	t = tensor_new(DT_I32, 1, &L->m);
	memcpy(t->i, bq, (size_t) L->m * sizeof(int32_t));
	init_add(m, b, t);
	if (m->ops_form)
		return name_make(buf, "%s", b);
	init_add(m, s, tensor_vec_f(L->nws, bs, 1));
	init_add(m, z, tensor_zeros_i(DT_I32, L->nws, 1));
	name_make(buf, "%s.b_dq", name);
	np = emit(m, "DequantizeLinear", name_make(nm, "%s.b/DQ", name), buf,
		b, s, z, NULL);
	if (L->nws > 1)
		attr_int(np, "axis", 0);
	return buf;
}

/* The attributes of convolution "L": explicit pads, or its auto_pad. */
static void lin_conv_attrs(Onnx__NodeProto *np, const struct lin *L)
{
	attr_ints(np, "kernel_shape", 2, L->ca.k);
	attr_ints(np, "strides", 2, L->ca.s);
	if (L->auto_pad)
		attr_str(np, "auto_pad", L->auto_pad);
	else
		attr_ints(np, "pads", 4, L->ca.p);
	attr_ints(np, "dilations", 2, L->ca.d);
	attr_int(np, "group", L->ca.group);
}

/* QDQ form of linear layer "name": DequantizeLinear of weights and bias,
 * Conv | Gemm | MatMul | MatMul -> Add, optional Relu|Clip, then
 * QuantizeLinear -> DequantizeLinear.
 */
static void emit_linear_qdq(struct model *m, const char *name,
	const struct qt *x, const struct lin *L, const struct act *a,
	const int32_t *bq, const float *bs, struct qt *y)
{
	char wdq[NAME_LEN], bdq[NAME_LEN], f[NAME_LEN], mm[NAME_LEN];
	char nm[NAME_LEN], act[NAME_LEN];
	const char *bias = NULL, *src = f;
	Onnx__NodeProto *np;

	emit_weight(m, name, L, L->kind == LIN_MATMUL ||
		L->kind == LIN_MATMUL_ADD || L->kind == LIN_GEMM_KN ? 1 : 0,
		wdq);
	if (L->b)
		bias = emit_bias(m, name, L, bq, bs, bdq);
	name_make(f, "%s.f", name);
	if (L->kind == LIN_CONV) {
		np = emit(m, "Conv", name, f, x->name, wdq, bias, NULL);
		lin_conv_attrs(np, L);
	} else if (L->kind == LIN_GEMM || L->kind == LIN_GEMM_KN) {
		np = emit(m, "Gemm", name, f, x->name, wdq, bias, NULL);
		attr_int(np, "transB", L->kind == LIN_GEMM);
	} else if (L->kind == LIN_MATMUL || !bias) {
		emit(m, "MatMul", name, f, x->name, wdq, NULL);
	} else {
		emit(m, "MatMul", name, name_make(mm, "%s.mm", name), x->name,
			wdq, NULL);
		emit(m, "Add", name_make(nm, "%s/bias", name), f, mm, bias,
			NULL);
	}
	if (a->kind != ACT_NONE)
		src = emit_act(m, name, f, a, act);
	emit_qdq(m, src, name, y);
}

/* Operator form of convolution "name": QLinearConv, then an island
 * Relu|Clip with the same quantisation when "a" is set.
 */
static void emit_linear_ops(struct model *m, const char *name,
	const struct qt *x, const struct lin *L, const struct act *a,
	const int32_t *bq, struct qt *y)
{
	char w[NAME_LEN], b[NAME_LEN], out[NAME_LEN], nm[NAME_LEN];
	char ws[NAME_LEN], wz[NAME_LEN];
	Onnx__NodeProto *np;

	emit_weight(m, name, L, 0, w);
	name_make(ws, "%s.w_scale", name);
	name_make(wz, "%s.w_zp", name);
	emit_bias(m, name, L, bq, NULL, b);
	qparams_init(m, name, y);
	if (a->kind == ACT_NONE)
		name_make(out, "%s", name);
	else
		name_make(out, "%s.pre", name);
	np = emit(m, "QLinearConv", name_make(nm, "%s/QLinearConv", name),
		out, x->qname, x->sname, x->zname, w, ws, wz, y->sname,
		y->zname, b, NULL);
	lin_conv_attrs(np, L);
	name_make(y->qname, "%s", out);
	name_make(y->name, "%s", out);
	if (a->kind != ACT_NONE)
		emit_island_act(m, name, out, y, a);
}

/* Calibrated output quantisation of a linear layer from its real outputs
 * act(acc[k] * bs[c]), c = (k / inner) % nch.
 */
static void lin_calibrate(const int64_t *acc, size_t n, int64_t inner,
	int64_t nch, const float *bs, const struct act *a, float *s,
	int32_t *z)
{
	double lo = 0, hi = 0, v;
	size_t k;

	for (k = 0; k < n; k++) {
		v = act_real(a, (double) acc[k] * bs[((int64_t) k / inner) %
			nch]);
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	calibrate(lo, hi, a, s, z);
}

/* Take the quantisation of "force" (scale, zero point, and their
 * initializers when it names some) for "y".
 */
static void qt_force(struct qt *y, const struct qt *force)
{
	y->s = force->s;
	y->z = force->z;
	memcpy(y->sname, force->sname, NAME_LEN);
	memcpy(y->zname, force->zname, NAME_LEN);
}

/* Reference output of linear layer "L" on "x" with activation "a" into
 * y->v, with biases "bq" of scales "bs": acc = sum (x - xz) * w + bq;
 * y = clamp(saturate(rne(acc * fl(bs[o] / ys)) + yz)), the output
 * quantisation calibrated from acc, or that of "force" if not NULL.
 * Operator form ("ops_form"): the same values, the clamp done by an
 * island (equal scales, so identical).
 */
static int lin_ref(int ops_form, const struct qt *x, const struct lin *L,
	const struct act *a, const struct qt *force, const float *bs,
	const int32_t *bq, struct qt *y)
{
	float *S;
	int64_t dims[4], o, inner = 1, *acc;
	struct tensor *pre;
	int rank = L->kind == LIN_CONV ? 4 : 2;
	size_t n;

	if (L->kind == LIN_CONV)
		acc = conv_acc(x->v, x->z, L->w, NULL, bq, &L->ca, dims);
	else
		acc = mm_acc(x->v, x->z, L->w, L->kind == LIN_GEMM, NULL, bq,
			dims);
	if (!acc)
		return -1;
	if (L->kind == LIN_CONV)
		inner = dims[2] * dims[3];
	n = (size_t) (dims[0] * dims[1] * (rank == 4 ? inner : 1));
	if (force)
		qt_force(y, force);
	else
		lin_calibrate(acc, n, inner, L->m, bs, a, &y->s, &y->z);
	S = xmalloc((size_t) L->m * sizeof(float));
	for (o = 0; o < L->m; o++)
		S[o] = bs[o] / y->s;
	if (ops_form) {
		pre = ref_requant(acc, rank, dims, inner, L->m, S, y->s, y->z,
			DT_U8, &act_none);
		y->v = ref_act(pre, y->z, y->s, y->s, y->z, a);
		tensor_free(pre);
	} else {
		y->v = ref_requant(acc, rank, dims, inner, L->m, S, y->s,
			y->z, DT_U8, a);
	}
	free(acc);
	free(S);
	return 0;
}

/* Output shape *dims of linear layer "L" on "x" (as conv_acc and mm_acc
 * check it).
 */
static int lin_out_dims(const struct tensor *x, const struct lin *L,
	int64_t *dims)
{
	int64_t k = L->w->dims[L->kind == LIN_GEMM ? 1 : 0];

	if (L->kind == LIN_CONV)
		return conv_dims(x, L->w, &L->ca, dims);
	if (x->rank != 2 || x->dims[1] != k) {
		fprintf(stderr, "shapes only: matmul shapes do not match\n");
		return -1;
	}
	dims[0] = x->dims[0];
	dims[1] = L->m;
	return 0;
}

/* The real values [*lo, *hi] representable in the quantisation of "x"
 * (uint8): the shapes-only stand-in for the range of its values.
 */
static void qt_bounds(const struct qt *x, double *lo, double *hi)
{
	*lo = dequantize_value(0, x->z, x->s);
	*hi = dequantize_value(255, x->z, x->s);
}

/* Estimated real range [*lo, *hi] of linear layer "L" on "x" after
 * activation "a", for shapes only: act(+-R) with R = g * R_x + max |b|,
 * R_x the larger bound of qt_bounds(x) and g = sqrt(fan_in / 6) * 127 *
 * mean(ws), the gain lin_draw gave the weights (uniform, variance
 * g^2 * 2 / fan_in, so the spread of the output follows the input's).
 */
static void lin_est_range(const struct qt *x, const struct lin *L,
	const struct act *a, double *lo, double *hi)
{
	double xlo, xhi, rx, ws = 0, bmax = 0, r;
	int64_t fan_in = (int64_t) L->w->n / L->m, o;

	qt_bounds(x, &xlo, &xhi);
	rx = fabs(xlo) > fabs(xhi) ? fabs(xlo) : fabs(xhi);
	for (o = 0; o < L->nws; o++)
		ws += L->ws[o] / (double) L->nws;
	for (o = 0; L->b && o < L->m; o++)
		bmax = fabs(L->b[o]) > bmax ? fabs(L->b[o]) : bmax;
	r = sqrt((double) fan_in / 6.0) * 127.0 * ws * rx + bmax;
	*lo = act_real(a, -r);
	*hi = act_real(a, r);
}

/* Shapes only: y->v zeros of the output shape of "L" on "x", the output
 * quantisation that of "force" if not NULL, else calibrated on
 * lin_est_range.
 */
static int lin_estimate(const struct qt *x, const struct lin *L,
	const struct act *a, const struct qt *force, struct qt *y)
{
	int64_t dims[4];
	double lo, hi;

	if (lin_out_dims(x->v, L, dims) < 0)
		return -1;
	y->v = tensor_new(DT_U8, L->kind == LIN_CONV ? 4 : 2, dims);
	if (force) {
		qt_force(y, force);
		return 0;
	}
	lin_est_range(x, L, a, &lo, &hi);
	calibrate(lo, hi, a, &y->s, &y->z);
	return 0;
}

/* Linear layer "name" of parameters "L" on "x" with activation "a":
 * bias = rne(b / fl(xs * ws[o])) in int32, output values and
 * quantisation by lin_ref (or lin_estimate when shapes only), then the
 * nodes of QDQ or operator form.
 */
static int q_linear(struct model *m, const char *name, const struct qt *x,
	const struct lin *L, const struct act *a, const struct qt *force,
	struct qt *y)
{
	float *bs;
	int32_t *bq;
	int64_t o;
	int r;

	memset(y, 0, sizeof(*y));
	if (m->ops_form && L->kind != LIN_CONV) {
		fprintf(stderr, "%s: operator form has convolutions only\n",
			name);
		return -1;
	}
	bs = xmalloc((size_t) L->m * sizeof(float));
	bq = xcalloc((size_t) L->m, sizeof(int32_t));
	for (o = 0; o < L->m; o++) {
		bs[o] = x->s * lin_ws(L, o);
		if (L->b)
			bq[o] = (int32_t) rint(L->b[o] / (double) bs[o]);
	}
	if (m->no_ref)
		r = lin_estimate(x, L, a, force, y);
	else
		r = lin_ref(m->ops_form, x, L, a, force, bs, bq, y);
	if (r == 0 && m->ops_form)
		emit_linear_ops(m, name, x, L, a, bq, y);
	else if (r == 0)
		emit_linear_qdq(m, name, x, L, a, bq, bs, y);
	free(bs);
	free(bq);
	return r;
}

/* Widen [*lo, *hi] to the real range of linear layer "L" on "x" after
 * "a" (for a quantisation shared by several layers, as Concat's inputs);
 * to lin_est_range's estimate when "m" is shapes only.
 */
static int lin_range(const struct model *m, const struct qt *x,
	const struct lin *L, const struct act *a, double *lo, double *hi)
{
	struct model scratch;
	struct qt y;
	size_t k;
	double v, elo, ehi;

	if (m->no_ref) {
		lin_est_range(x, L, a, &elo, &ehi);
		*lo = elo < *lo ? elo : *lo;
		*hi = ehi > *hi ? ehi : *hi;
		return 0;
	}
	model_init(&scratch, "", "", 0);
	if (q_linear(&scratch, "range", x, L, &act_none, NULL, &y) < 0) {
		model_clear(&scratch);
		return -1;
	}
	for (k = 0; k < y.v->n; k++) {
		v = act_real(a, dequantize_value(y.v->i[k], y.z, y.s));
		*lo = v < *lo ? v : *lo;
		*hi = v > *hi ? v : *hi;
	}
	qt_clear(&y);
	model_clear(&scratch);
	return 0;
}

/* Real range of the values of "x". */
static void qt_range(const struct qt *x, double *lo, double *hi)
{
	double v;
	size_t k;

	*lo = 0;
	*hi = 0;
	for (k = 0; k < x->v->n; k++) {
		v = dequantize_value(x->v->i[k], x->z, x->s);
		*lo = v < *lo ? v : *lo;
		*hi = v > *hi ? v : *hi;
	}
}

/* Range of "x" for calibration: qt_range, or qt_bounds when "m" is
 * shapes only.
 */
static void qt_span(const struct model *m, const struct qt *x, double *lo,
	double *hi)
{
	if (m->no_ref)
		qt_bounds(x, lo, hi);
	else
		qt_range(x, lo, hi);
}

/* ref_act of "x" to ("ys", "yz"), or zeros of its shape when "no_ref". */
static struct tensor *act_values(int no_ref, const struct tensor *x,
	int32_t xz, float xs, float ys, int32_t yz, const struct act *a)
{
	if (no_ref)
		return tensor_new(x->dtype, x->rank, x->dims);
	return ref_act(x, xz, xs, ys, yz, a);
}

/* Relu or Clip "a" on its own: y = clamp(saturate(rne((x - xz) *
 * fl(xs / ys)) + yz)); output quantisation calibrated, or "force".
 */
static int q_act(struct model *m, const char *name, const struct qt *x,
	const struct act *a, const struct qt *force, struct qt *y)
{
	char in[NAME_LEN], act[NAME_LEN];
	double lo, hi;

	memset(y, 0, sizeof(*y));
	qt_span(m, x, &lo, &hi);
	if (force)
		qt_force(y, force);
	else
		calibrate(act_real(a, lo), act_real(a, hi), a, &y->s, &y->z);
	y->v = act_values(m->no_ref, x->v, x->z, x->s, y->s, y->z, a);
	float_in(m, x, name, 0, in);
	emit_act(m, name, in, a, act);
	emit_qdq(m, act, name, y);
	return 0;
}

/* Real range [*lo, *hi] of act(a + b) over the values of "a" and "b";
 * for shapes only act(+-sqrt(ra^2 + rb^2)) on their qt_bounds (spreads
 * added as if independent).
 */
static void add_range(const struct model *m, const struct qt *a,
	const struct qt *b, const struct act *act, double *lo, double *hi)
{
	double v, alo, ahi, blo, bhi;
	size_t k;

	int64_t dims[MAX_RANK];
	int rank;
	size_t n;

	*lo = 0;
	*hi = 0;
	if (m->no_ref || bcast_dims(a->v, b->v, &rank, dims) < 0) {
		qt_bounds(a, &alo, &ahi);
		qt_bounds(b, &blo, &bhi);
		*lo = act_real(act, -sqrt(alo * alo + blo * blo));
		*hi = act_real(act, sqrt(ahi * ahi + bhi * bhi));
		return;
	}
	for (n = 1, k = 0; k < (size_t) rank; k++)
		n *= (size_t) dims[k];
	for (k = 0; k < n; k++) {
		v = act_real(act, dequantize_value(
			a->v->i[bcast_index(a->v, rank, dims, k)], a->z, a->s) +
			(double) dequantize_value(
			b->v->i[bcast_index(b->v, rank, dims, k)], b->z, b->s));
		*lo = v < *lo ? v : *lo;
		*hi = v > *hi ? v : *hi;
	}
}

/* ref_add of "a" and "b" to the quantisation of "y" with the clamp of
 * "act", or zeros of the shape of "a" when "no_ref".
 */
static struct tensor *add_values(int no_ref, const struct qt *a,
	const struct qt *b, const struct qt *y, const struct act *act)
{
	if (no_ref)
		return tensor_new(a->v->dtype, a->v->rank, a->v->dims);
	return ref_add(a->v, a->z, a->s, b->v, b->z, b->s, y->s, y->z, act);
}

/* Add of "a" and "b" with activation "act" fused (Add -> Relu ->
 * QuantizeLinear in QDQ form; an Add island then a Relu island of the
 * same quantisation in operator form).
 */
static int q_add(struct model *m, const char *name, const struct qt *a,
	const struct qt *b, const struct act *act, struct qt *y)
{
	char ain[NAME_LEN], bin[NAME_LEN], f[NAME_LEN], pre[NAME_LEN];
	char nm[NAME_LEN], out[NAME_LEN];
	double lo, hi;
	struct tensor *t;

	memset(y, 0, sizeof(*y));
	if (!tensor_same_shape(a->v, b->v) && (m->no_ref || a->v->n < b->v->n)) {
		fprintf(stderr, "%s: Add inputs must have the same shape, or "
			"the second broadcast to the first\n", name);
		return -1;
	}
	add_range(m, a, b, act, &lo, &hi);
	calibrate(lo, hi, act, &y->s, &y->z);
	float_in(m, a, name, 0, ain);
	float_in(m, b, name, 1, bin);
	emit(m, "Add", name, name_make(f, "%s.f", name), ain, bin, NULL);
	if (!m->ops_form || act->kind == ACT_NONE) {
		y->v = add_values(m->no_ref, a, b, y, act);
		emit_qdq(m, act->kind == ACT_NONE ? f :
			emit_act(m, name, f, act, out), name, y);
		return y->v ? 0 : -1;
	}
	t = add_values(m->no_ref, a, b, y, &act_none);
	if (!t)
		return -1;
	y->v = act_values(m->no_ref, t, y->z, y->s, y->s, y->z, act);
	tensor_free(t);
	qparams_init(m, name, y);
	emit(m, "QuantizeLinear", name_make(nm, "%s/Qpre", name),
		name_make(pre, "%s.pre", name), f, y->sname, y->zname, NULL);
	emit_island_act(m, name, pre, y, act);
	return 0;
}

/* A requantisation on its own, DequantizeLinear -> QuantizeLinear to
 * scale "scale" and zero point "zp": y = saturate(rne((x - xz) *
 * fl(xs / ys)) + yz), as Relu without the clamp (docs/qsemantics.md).
 */
static int q_requant(struct model *m, const char *name, const struct qt *x,
	float scale, int32_t zp, struct qt *y)
{
	char in[NAME_LEN];

	memset(y, 0, sizeof(*y));
	y->s = scale;
	y->z = zp;
	y->v = act_values(m->no_ref, x->v, x->z, x->s, y->s, y->z, &act_none);
	if (m->ops_form) {
		float_in(m, x, name, 0, in);
		emit_qdq(m, in, name, y);
	} else {
		emit_qdq(m, x->name, name, y);
	}
	return y->v ? 0 : -1;
}

static void pool_attrs(Onnx__NodeProto *np, const struct pool_attr *pa,
	int avg)
{
	attr_ints(np, "kernel_shape", 2, pa->k);
	attr_ints(np, "strides", 2, pa->s);
	attr_ints(np, "pads", 4, pa->p);
	if (pa->d[0] != 1 || pa->d[1] != 1)
		attr_ints(np, "dilations", 2, pa->d);
	attr_int(np, "ceil_mode", pa->ceil_mode);
	if (avg)
		attr_int(np, "count_include_pad", pa->count_include_pad);
}

/* Pooling "kind" of "x" to the quantisation of "y" by ref_pool or
 * ref_gap, or zeros of the output shape when "no_ref".
 */
static struct tensor *pool_values(int no_ref, const struct qt *x,
	enum pool_kind kind, const struct pool_attr *pa, const struct qt *y)
{
	int64_t dims[4];

	if (!no_ref && kind == POOL_GLOBAL_AVG)
		return ref_gap(x->v, x->z, x->s, y->s, y->z);
	if (!no_ref)
		return ref_pool(x->v, x->z, x->s, y->s, y->z, pa,
			kind == POOL_AVG);
	memcpy(dims, x->v->dims, sizeof(dims));
	dims[2] = 1;
	dims[3] = 1;
	if (kind != POOL_GLOBAL_AVG && pool_dims(x->v, pa, dims) < 0)
		return NULL;
	return tensor_new(x->v->dtype, 4, dims);
}

/* MaxPool, AveragePool or GlobalAveragePool on "x"; the output keeps the
 * quantisation of "x" when "same" (as ONNX Runtime does for MaxPool),
 * else it is calibrated.
 */
static int q_pool(struct model *m, const char *name, const struct qt *x,
	enum pool_kind kind, const struct pool_attr *pa, int same,
	struct qt *y)
{
	static const char *const ops[] = { "MaxPool", "AveragePool",
		"GlobalAveragePool" };
	char in[NAME_LEN], f[NAME_LEN];
	Onnx__NodeProto *np;
	double lo, hi;

	memset(y, 0, sizeof(*y));
	if (same) {
		y->s = x->s;
		y->z = x->z;
		memcpy(y->sname, x->sname, NAME_LEN);
		memcpy(y->zname, x->zname, NAME_LEN);
	} else {
		qt_span(m, x, &lo, &hi);
		calibrate(lo, hi, &act_none, &y->s, &y->z);
	}
	y->v = pool_values(m->no_ref, x, kind, pa, y);
	if (!y->v)
		return -1;
	float_in(m, x, name, 0, in);
	np = emit(m, ops[kind], name, name_make(f, "%s.f", name), in, NULL);
	if (kind != POOL_GLOBAL_AVG)
		pool_attrs(np, pa, kind == POOL_AVG);
	emit_qdq(m, f, name, y);
	return 0;
}

/* Start "y" as data movement of "x": same quantisation and initializers,
 * values "v" (taken).
 */
static void qt_move(const struct qt *x, struct tensor *v, struct qt *y)
{
	memset(y, 0, sizeof(*y));
	y->s = x->s;
	y->z = x->z;
	memcpy(y->sname, x->sname, NAME_LEN);
	memcpy(y->zname, x->zname, NAME_LEN);
	y->v = v;
}

/* How a layout operator's output is written in QDQ form: LAY_DIRECT, its
 * float output feeds the next operators as it is; LAY_QDQ, through
 * QuantizeLinear -> DequantizeLinear with the initializers of its
 * input's quantisation; LAY_QDQ_COPY, likewise with new initializers of
 * equal value.  In operator form the operator works on the uint8 tensor
 * and there is no choice.
 */
enum lay_q {
	LAY_DIRECT,
	LAY_QDQ,
	LAY_QDQ_COPY
};

#define KEEP_INPUTS (MAX_CONCAT + 4)

/* Slice parameters: "n" starts, ends, axes and steps. */
struct slice_spec {
	int n;
	int64_t starts[MAX_RANK];
	int64_t ends[MAX_RANK];
	int64_t axes[MAX_RANK];
	int64_t steps[MAX_RANK];
};

/* Operator "op" named "name" that keeps the quantisation of its data
 * inputs "xs" (n of them, one quantisation compared by value), followed
 * by the inputs "extra" (ne names); "y" gets the values "v" (taken) and
 * the quantisation of xs[0].  Operator form: on the quantised tensors,
 * output "<name>"; QDQ form: on the float values, output "<name>.f",
 * then as "lq" says.  Returns the node, for its attributes, or NULL
 * ("v" freed) when "v" is NULL or the quantisations differ.
 */
static Onnx__NodeProto *emit_keep(struct model *m, const char *op,
	const char *name, const struct qt *const *xs, int n,
	const char *const *extra, int ne, enum lay_q lq, struct tensor *v,
	struct qt *y)
{
	const char *in[KEEP_INPUTS];
	char f[NAME_LEN];
	Onnx__NodeProto *np;
	int k;

	memset(y, 0, sizeof(*y));
	for (k = 0; k < n && v; k++)
		if (xs[k]->s != xs[0]->s || xs[k]->z != xs[0]->z) {
			fprintf(stderr, "%s: %s inputs must share their "
				"quantisation\n", name, op);
			v = tensor_free(v);
		}
	if (!v || n + ne > KEEP_INPUTS) {
		tensor_free(v);
		return NULL;
	}
	for (k = 0; k < n; k++)
		in[k] = m->ops_form ? xs[k]->qname : xs[k]->name;
	for (k = 0; k < ne; k++)
		in[n + k] = extra[k];
	qt_move(xs[0], v, y);
	name_make(f, m->ops_form ? "%s" : "%s.f", name);
	np = emit_v(m, op, name, f, (size_t) (n + ne), in);
	if (m->ops_form)
		name_make(y->qname, "%s", f);
	if (m->ops_form || lq == LAY_DIRECT) {
		name_make(y->name, "%s", f);
		return np;
	}
	if (lq == LAY_QDQ_COPY) {
		y->sname[0] = '\0';
		y->zname[0] = '\0';
	}
	emit_qdq(m, f, name, y);
	return np;
}

/* The int64 initializer "<name>.<what>" of the "n" values "v"; its name
 * in "buf".
 */
static const char *init_i64(struct model *m, const char *name,
	const char *what, int n, const int64_t *v, char *buf)
{
	int64_t len = n;
	struct tensor *t = tensor_new(DT_I64, 1, &len);
	int k;

	for (k = 0; k < n; k++)
		t->i[k] = narrow_i64(v[k]);
	init_add(m, name_make(buf, "%s.%s", name, what), t);
	return buf;
}

/* Flatten (axis 1) of "x" [N, ...] to [N, rest]. */
static int q_flatten(struct model *m, const char *name, const struct qt *x,
	enum lay_q lq, struct qt *y)
{
	Onnx__NodeProto *np;

	np = emit_keep(m, "Flatten", name, &x, 1, NULL, 0, lq,
		layout_flatten(x->v, 1), y);
	if (!np)
		return -1;
	attr_int(np, "axis", 1);
	return 0;
}

/* Reshape of "x" to "dims" (rank "rank"), the shape an int64
 * initializer "<name>.shape".
 */
static int q_reshape(struct model *m, const char *name, const struct qt *x,
	int rank, const int64_t *dims, enum lay_q lq, struct qt *y)
{
	struct tensor *v = layout_reshape(x->v, rank, dims);
	char sh[NAME_LEN];

	if (!v)
		return -1;
	init_i64(m, name, "shape", rank, dims, sh);
	return emit_keep(m, "Reshape", name, &x, 1, (const char *[]) { sh },
		1, lq, v, y) ? 0 : -1;
}

/* Unsqueeze ("squeeze" 0) or Squeeze of "x" by "axes" (n of them, the
 * int64 initializer "<name>.axes").
 */
static int q_squeeze(struct model *m, const char *name, const struct qt *x,
	int squeeze, int n, const int64_t *axes, enum lay_q lq, struct qt *y)
{
	struct tensor *v;
	char ax[NAME_LEN];

	v = squeeze ? layout_squeeze(x->v, n, axes) :
		layout_unsqueeze(x->v, n, axes);
	if (!v)
		return -1;
	init_i64(m, name, "axes", n, axes, ax);
	return emit_keep(m, squeeze ? "Squeeze" : "Unsqueeze", name, &x, 1,
		(const char *[]) { ax }, 1, lq, v, y) ? 0 : -1;
}

/* Transpose of "x" [N, C, H, W] by "perm". */
static int q_transpose(struct model *m, const char *name, const struct qt *x,
	const int64_t *perm, enum lay_q lq, struct qt *y)
{
	Onnx__NodeProto *np;

	np = emit_keep(m, "Transpose", name, &x, 1, NULL, 0, lq,
		layout_transpose(x->v, perm), y);
	if (!np)
		return -1;
	attr_ints(np, "perm", (size_t) x->v->rank, perm);
	return 0;
}

/* Slice of "x" by "sp", written as the int64 initializers
 * "<name>.starts", "<name>.ends", "<name>.axes" and "<name>.steps".
 */
static int q_slice(struct model *m, const char *name, const struct qt *x,
	const struct slice_spec *sp, enum lay_q lq, struct qt *y)
{
	char b[4][NAME_LEN];
	struct tensor *v;

	v = layout_slice(x->v, sp->n, sp->starts, sp->ends, sp->axes,
		sp->steps);
	if (!v)
		return -1;
	init_i64(m, name, "starts", sp->n, sp->starts, b[0]);
	init_i64(m, name, "ends", sp->n, sp->ends, b[1]);
	init_i64(m, name, "axes", sp->n, sp->axes, b[2]);
	init_i64(m, name, "steps", sp->n, sp->steps, b[3]);
	return emit_keep(m, "Slice", name, &x, 1, (const char *[]) { b[0],
		b[1], b[2], b[3] }, 4, lq, v, y) ? 0 : -1;
}

/* Pad (mode constant) of "x" by "pads" (ONNX order) with its zero
 * point: the value input "<name>.value" is 0.0 in QDQ form (which
 * quantises to the zero point), the zero point itself in operator form.
 */
static int q_pad(struct model *m, const char *name, const struct qt *x,
	const int64_t *pads, enum lay_q lq, struct qt *y)
{
	char pd[NAME_LEN], val[NAME_LEN];
	Onnx__NodeProto *np;
	struct tensor *v;

	v = layout_pad(x->v, pads, 0.0f, x->z);
	if (!v)
		return -1;
	init_i64(m, name, "pads", 2 * x->v->rank, pads, pd);
	init_add(m, name_make(val, "%s.value", name), m->ops_form ?
		tensor_scalar_i(DT_U8, x->z) : tensor_scalar_f(0.0f));
	np = emit_keep(m, "Pad", name, &x, 1, (const char *[]) { pd, val }, 2,
		lq, v, y);
	if (!np)
		return -1;
	attr_str(np, "mode", "constant");
	return 0;
}

/* Concat on "axis" of "xs" (n of them, one quantisation). */
static int q_concat(struct model *m, const char *name, struct qt *const *xs,
	int n, int axis, enum lay_q lq, struct qt *y)
{
	const struct tensor *v[MAX_CONCAT];
	const struct qt *q[MAX_CONCAT];
	Onnx__NodeProto *np;
	int k;

	if (n > MAX_CONCAT)
		return -1;
	for (k = 0; k < n; k++) {
		v[k] = xs[k]->v;
		q[k] = xs[k];
	}
	np = emit_keep(m, "Concat", name, q, n, NULL, 0, lq,
		layout_concat(v, (size_t) n, axis), y);
	if (!np)
		return -1;
	attr_int(np, "axis", axis);
	return 0;
}

/* MaxPool of "x" keeping its quantisation, on the uint8 tensor in
 * operator form (no island).
 */
static int q_maxpool_keep(struct model *m, const char *name,
	const struct qt *x, const struct pool_attr *pa, struct qt *y)
{
	Onnx__NodeProto *np;

	np = emit_keep(m, "MaxPool", name, &x, 1, NULL, 0, LAY_QDQ,
		pool_values(m->no_ref, x, POOL_MAX, pa, x), y);
	if (!np)
		return -1;
	pool_attrs(np, pa, 0);
	return 0;
}

/* Float graph input "input" (value "xf", taken), quantised to "x":
 * QuantizeLinear -> DequantizeLinear, scale and zero point calibrated.
 */
static void q_input(struct model *m, struct tensor *xf, struct qt *y)
{
	double lo = 0, hi = 0;
	size_t k;

	memset(y, 0, sizeof(*y));
	for (k = 0; k < xf->n; k++) {
		lo = xf->f[k] < lo ? xf->f[k] : lo;
		hi = xf->f[k] > hi ? xf->f[k] : hi;
	}
	calibrate(lo, hi, &act_none, &y->s, &y->z);
	y->v = tensor_new(DT_U8, xf->rank, xf->dims);
	for (k = 0; k < xf->n; k++)
		y->v->i[k] = quantize_value(xf->f[k], y->s, y->z, DT_U8);
	m->input = xf;
	name_make(m->in_name, "input");
	emit_qdq(m, m->in_name, "x", y);
}

/* Operator form: the uint8 graph input "x", a copy of "src". */
static void q_input_u8(struct model *m, const struct qt *src, struct qt *y)
{
	memset(y, 0, sizeof(*y));
	y->s = src->s;
	y->z = src->z;
	y->v = tensor_copy(src->v);
	m->input = tensor_copy(src->v);
	name_make(m->in_name, "x");
	name_make(y->name, "x");
	name_make(y->qname, "x");
	qparams_init(m, "x", y);
}

/* ---- Model writer ---------------------------------------------------- */

/* The ModelProto of "m" (opset 13, ir_version 7) with graph output
 * "out_name" of the type and shape of "y"; the nodes and initializers
 * move from "m" into it.
 */
static Onnx__ModelProto *model_proto(struct model *m, const char *out_name,
	const struct tensor *y)
{
	Onnx__ModelProto *mp;
	Onnx__GraphProto *g;

	mp = model_proto_new("atoll-tool_gen_models", m->name);
	g = mp->graph;
	g->n_node = m->n_node;
	g->node = m->node;
	g->n_initializer = m->n_init;
	g->initializer = m->init;
	m->node = NULL;
	m->n_node = 0;
	m->init = NULL;
	m->n_init = 0;
	g->n_input = 1;
	g->input = xmalloc(sizeof(*g->input));
	g->input[0] = value_info_new(m->in_name, m->input, NULL);
	g->n_output = 1;
	g->output = xmalloc(sizeof(*g->output));
	g->output[0] = value_info_new(out_name, y, NULL);
	return mp;
}

/* The expected graph output for final activation "y": its float
 * DequantizeLinear in QDQ form, the quantised values in operator form.
 */
static struct tensor *expected_output(const struct model *m,
	const struct qt *y)
{
	struct tensor *t;
	size_t k;

	if (m->ops_form)
		return tensor_copy(y->v);
	t = tensor_new(DT_F32, y->v->rank, y->v->dims);
	for (k = 0; k < t->n; k++)
		t->f[k] = dequantize_value(y->v->i[k], y->z, y->s);
	return t;
}

/* Write OUTDIR/<model>/model.onnx and test_data_set_0/{input_0,
 * output_0}.pb ("expect" gives the graph output's type and shape, and
 * output_0.pb unless the model is shapes only).
 */
static int model_write(struct model *m, const char *outdir,
	const struct qt *y, const struct tensor *expect)
{
	Onnx__ModelProto *mp;
	char path[PATH_LEN];
	int r;

	if (path_make(path, "%s/%s", outdir, m->name) < 0 ||
	    dir_make(path) < 0 ||
	    path_make(path, "%s/%s/test_data_set_0", outdir, m->name) < 0 ||
	    dir_make(path) < 0 ||
	    path_make(path, "%s/%s/model.onnx", outdir, m->name) < 0)
		return -1;
	mp = model_proto(m, y->name, expect);
	r = msg_write(path, &mp->base);
	onnx__model_proto__free_unpacked(mp, NULL);
	if (r < 0 ||
	    path_make(path, "%s/%s/test_data_set_0/input_0.pb", outdir,
	    m->name) < 0 || tensor_write(path, m->input, m->in_name) < 0)
		return -1;
	if (m->no_ref)
		return 0;
	if (path_make(path, "%s/%s/test_data_set_0/output_0.pb", outdir,
	    m->name) < 0)
		return -1;
	return tensor_write(path, expect, y->name);
}

/* "Conv 9, Relu 7, ..." for the nodes of "m", first appearance order. */
static void op_summary(const struct model *m, char *buf, size_t size)
{
	const char *op[64];
	int cnt[64], n = 0, j;
	size_t k, len = 0;

	for (k = 0; k < m->n_node; k++) {
		for (j = 0; j < n; j++)
			if (strcmp(op[j], m->node[k]->op_type) == 0)
				break;
		if (j == n && n < 64) {
			op[n] = m->node[k]->op_type;
			cnt[n++] = 0;
		}
		if (j < n)
			cnt[j]++;
	}
	buf[0] = '\0';
	for (j = 0; j < n && len < size; j++)
		len += (size_t) snprintf(buf + len, size - len, "%s%s %d",
			j ? ", " : "", op[j], cnt[j]);
}

static struct tensor *sim_model(const char *dir);

/* Largest difference in LSB of output "y" between the interpreter's
 * result "got" and "want"; *ndiff counts the elements that differ.
 */
static int64_t lsb_diff(const struct tensor *got, const struct tensor *want,
	const struct qt *y, size_t *ndiff)
{
	int64_t d, worst = 0;
	size_t k;

	*ndiff = 0;
	if (got->dtype != want->dtype || !tensor_same_shape(got, want))
		return INT32_MAX;
	for (k = 0; k < want->n; k++) {
		if (want->f)
			d = (int64_t) llrint(fabs((double) got->f[k] -
				want->f[k]) / y->s);
		else
			d = llabs((long long) got->i[k] - want->i[k]);
		*ndiff += d != 0;
		worst = d > worst ? d : worst;
	}
	return worst;
}

/* Number of int8 initializer elements of "m": its weights. */
static size_t weight_count(const struct model *m)
{
	size_t k, n = 0;

	for (k = 0; k < m->n_init; k++)
		if (m->init[k]->data_type == DT_I8)
			n += m->init[k]->raw_data.len;
	return n;
}

/* Shapes only: write model "m" with final activation "y" and print its
 * summary line.
 */
static int model_finish_shapes(struct model *m, const char *outdir,
	const struct qt *y)
{
	struct tensor *expect = expected_output(m, y);
	char ops[1024], dims[64];
	size_t nodes = m->n_node, weights = weight_count(m);
	int r;

	op_summary(m, ops, sizeof(ops));
	r = model_write(m, outdir, y, expect);
	tensor_dims_str(expect, dims, sizeof(dims));
	printf("%-12s %3zu nodes, %zu weights, out %s%s, shapes only: %s\n",
		m->name, nodes, weights, dtype_name(expect->dtype), dims, ops);
	tensor_free(expect);
	return r;
}

/* Write model "m" with final activation "y", print its summary line and
 * check the written file with the float interpreter (only write and
 * summarise when "m" is shapes only).
 */
static int model_finish(struct model *m, const char *outdir,
	const struct qt *y)
{
	struct tensor *expect, *got;
	char ops[1024], dims[64], path[PATH_LEN];
	int32_t lo, hi;
	int64_t worst;
	size_t nodes = m->n_node, k, nsat = 0, ndiff = 0;
	int r;

	if (m->no_ref)
		return model_finish_shapes(m, outdir, y);
	expect = expected_output(m, y);
	op_summary(m, ops, sizeof(ops));
	dtype_range(y->v->dtype, &lo, &hi);
	for (k = 0; k < y->v->n; k++)
		nsat += y->v->i[k] == lo || y->v->i[k] == hi;
	r = model_write(m, outdir, y, expect);
	got = NULL;
	if (r == 0 && path_make(path, "%s/%s", outdir, m->name) == 0)
		got = sim_model(path);
	worst = got ? lsb_diff(got, expect, y, &ndiff) : INT32_MAX;
	tensor_dims_str(expect, dims, sizeof(dims));
	printf("%-13s %3zu nodes, out %s%s (%zu saturated), float-sim max "
		"%lld lsb (%zu differ): %s\n", m->name, nodes,
		dtype_name(expect->dtype), dims, nsat, (long long) worst,
		ndiff, ops);
	if (r == 0 && worst > SIM_TOLERANCE) {
		fprintf(stderr, "%s: the float interpreter of model.onnx "
			"differs from the reference by %lld lsb\n", m->name,
			(long long) worst);
		r = -1;
	}
	tensor_free(got);
	tensor_free(expect);
	return r;
}

/* ---- Models ----------------------------------------------------------- */

static struct tensor *input_rand(const struct model *m, int rank,
	const int64_t *dims)
{
	struct tensor *t = tensor_new(DT_F32, rank, dims);
	struct rng r;
	size_t k;

	rng_seed(&r, m->name, "input");
	for (k = 0; k < t->n; k++)
		t->f[k] = (float) rng_double(&r, -1.0, 1.0);
	return t;
}

/* conv (k x k, stride, pad "k / 2") + activation "a" on "x", "cin" ->
 * "cout" channels, group "group".
 */
static int conv_layer(struct model *m, const char *name, const struct qt *x,
	int64_t cout, int64_t k, int64_t stride, int64_t group,
	const struct act *a, double gain, struct qt *y)
{
	struct lin L;
	int r;

	lin_conv(m, name, &L, x->v->dims[1], cout, k, stride, k / 2, group,
		gain);
	r = q_linear(m, name, x, &L, a, NULL, y);
	lin_clear(&L);
	return r;
}

static int fc_layer(struct model *m, const char *name, const struct qt *x,
	enum lin_kind kind, int64_t n, int bias, const struct act *a,
	struct qt *y)
{
	struct lin L;
	int r;

	lin_fc(m, name, &L, kind, x->v->dims[1], n, bias,
		kind == LIN_MATMUL || kind == LIN_GEMM_KN, 1.0);
	r = q_linear(m, name, x, &L, a, NULL, y);
	lin_clear(&L);
	return r;
}

/* Residual block "b" on "x": conv3x3 + Relu, conv3x3, Add with "x", Relu
 * fused after the Add, or on its own ("relu_alone": Add ->
 * QuantizeLinear -> DequantizeLinear -> Relu -> QuantizeLinear, with
 * y_scale = 2 * x_scale exactly, so that S = 0.5 and every odd x - xz is
 * a tie for round half to even).
 */
static int res_block(struct model *m, const char *b, const struct qt *x,
	int relu_alone, struct qt *y)
{
	char nm[NAME_LEN];
	struct qt t1, t2, sum, half;
	int64_t c = x->v->dims[1];
	int r;

	memset(&t1, 0, sizeof(t1));
	memset(&t2, 0, sizeof(t2));
	memset(&sum, 0, sizeof(sum));
	memset(&half, 0, sizeof(half));
	r = conv_layer(m, name_make(nm, "%s.conv1", b), x, c, 3, 1, 1,
		&act_relu, 1.0, &t1);
	if (r == 0)
		r = conv_layer(m, name_make(nm, "%s.conv2", b), &t1, c, 3, 1,
			1, &act_none, 1.0, &t2);
	if (r == 0 && !relu_alone)
		r = q_add(m, name_make(nm, "%s.add", b), &t2, x, &act_relu,
			y);
	if (r == 0 && relu_alone)
		r = q_add(m, name_make(nm, "%s.add", b), &t2, x, &act_none,
			&sum);
	half.s = 2.0f * sum.s;
	half.z = 7;
	if (r == 0 && relu_alone)
		r = q_act(m, name_make(nm, "%s.relu", b), &sum, &act_relu,
			&half, y);
	qt_clear(&t1);
	qt_clear(&t2);
	qt_clear(&sum);
	return r;
}

/* Downsampling block "b": conv3x3 stride 2 + Relu, conv3x3, projection
 * shortcut conv1x1 stride 2, Add + Relu.
 */
static int down_block(struct model *m, const char *b, const struct qt *x,
	int64_t cout, struct qt *y)
{
	char nm[NAME_LEN];
	struct qt t1, t2, sc;
	int r;

	memset(&t1, 0, sizeof(t1));
	memset(&t2, 0, sizeof(t2));
	memset(&sc, 0, sizeof(sc));
	r = conv_layer(m, name_make(nm, "%s.conv1", b), x, cout, 3, 2, 1,
		&act_relu, 1.0, &t1);
	if (r == 0)
		r = conv_layer(m, name_make(nm, "%s.conv2", b), &t1, cout, 3,
			1, 1, &act_none, 1.0, &t2);
	if (r == 0)
		r = conv_layer(m, name_make(nm, "%s.proj", b), x, cout, 1, 2,
			1, &act_none, 1.0, &sc);
	if (r == 0)
		r = q_add(m, name_make(nm, "%s.add", b), &t2, &sc, &act_relu,
			y);
	qt_clear(&t1);
	qt_clear(&t2);
	qt_clear(&sc);
	return r;
}

static void pool_attr_set(struct pool_attr *pa, int64_t k, int64_t s,
	int64_t pt, int64_t pl, int64_t pb, int64_t pr)
{
	memset(pa, 0, sizeof(*pa));
	pa->k[0] = k;
	pa->k[1] = k;
	pa->s[0] = s;
	pa->s[1] = s;
	pa->p[0] = pt;
	pa->p[1] = pl;
	pa->p[2] = pb;
	pa->p[3] = pr;
	pa->d[0] = 1;
	pa->d[1] = 1;
}

/* GlobalAveragePool, Flatten (or Reshape to [1, C] when "reshape") of
 * "x" [1, C, H, W] to [1, C].
 */
static int head_pool(struct model *m, const struct qt *x, int reshape,
	struct qt *y)
{
	struct qt g;
	int64_t dims[2] = { 1, x->v->dims[1] };
	int r;

	r = q_pool(m, "gap", x, POOL_GLOBAL_AVG, NULL, 0, &g);
	if (r == 0 && reshape)
		r = q_reshape(m, "reshape", &g, 2, dims, LAY_QDQ, y);
	else if (r == 0)
		r = q_flatten(m, "flatten", &g, LAY_QDQ, y);
	qt_clear(&g);
	return r;
}

/* resnet_s: [1, 3, 16, 16] -> stem conv3x3 16 + Relu -> block b1 (Relu
 * fused after the Add) -> block b2 (Relu on its own) -> down block b3
 * (32 channels, 8 x 8) -> MaxPool 3x3 s2 pad 1 (4 x 4, quantisation
 * kept) -> GlobalAveragePool -> Flatten -> Gemm 10.  The stem and b1
 * outputs go to "stem" and "b1" for resnet_ops.
 */
static int gen_resnet_s(const char *outdir, struct qt *stem, struct qt *b1)
{
	int64_t dims[4] = { 1, 3, 16, 16 };
	struct model m;
	struct qt x, b2, b3, mp, flat, out;
	struct pool_attr pa;
	int r;

	memset(&b2, 0, sizeof(b2));
	memset(&b3, 0, sizeof(b3));
	memset(&mp, 0, sizeof(mp));
	memset(&flat, 0, sizeof(flat));
	memset(&out, 0, sizeof(out));
	model_init(&m, "resnet_s", "resnet_s", 0);
	q_input(&m, input_rand(&m, 4, dims), &x);
	pool_attr_set(&pa, 3, 2, 1, 1, 1, 1);
	r = conv_layer(&m, "stem", &x, 16, 3, 1, 1, &act_relu, 1.0, stem);
	if (r == 0)
		r = res_block(&m, "b1", stem, 0, b1);
	if (r == 0)
		r = res_block(&m, "b2", b1, 1, &b2);
	if (r == 0)
		r = down_block(&m, "b3", &b2, 32, &b3);
	if (r == 0)
		r = q_pool(&m, "maxpool", &b3, POOL_MAX, &pa, 1, &mp);
	if (r == 0)
		r = head_pool(&m, &mp, 0, &flat);
	if (r == 0)
		r = fc_layer(&m, "fc", &flat, LIN_GEMM, 10, 1, &act_none,
			&out);
	if (r == 0)
		r = model_finish(&m, outdir, &out);
	qt_clear(&x);
	qt_clear(&b2);
	qt_clear(&b3);
	qt_clear(&mp);
	qt_clear(&flat);
	qt_clear(&out);
	model_clear(&m);
	return r;
}

/* resnet_ops: block b1 of resnet_s in operator form on resnet_s's stem
 * output "stem" (uint8 graph input); its output must equal resnet_s's
 * "b1", as the islands keep the quantisation of the fused form.
 */
static int gen_resnet_ops(const char *outdir, const struct qt *stem,
	const struct qt *b1)
{
	struct model m;
	struct qt x, y;
	int r;

	memset(&y, 0, sizeof(y));
	model_init(&m, "resnet_ops", "resnet_s", 1);
	q_input_u8(&m, stem, &x);
	r = res_block(&m, "b1", &x, 0, &y);
	if (r == 0 && (y.s != b1->s || y.z != b1->z ||
	    !tensor_same_shape(y.v, b1->v) ||
	    memcmp(y.v->i, b1->v->i, y.v->n * sizeof(int32_t)) != 0)) {
		fprintf(stderr, "resnet_ops: output differs from block b1 of "
			"resnet_s\n");
		r = -1;
	}
	if (r == 0)
		r = model_finish(&m, outdir, &y);
	qt_clear(&x);
	qt_clear(&y);
	model_clear(&m);
	return r;
}

/* The four Inception branches "<pre>.b1" .. "<pre>.b4" on "x" ending in
 * one shared quantisation, widths "w" = { 1x1, 3x3 reduce, 3x3, 5x5
 * reduce, 5x5, pool projection }: 1x1 w[0]; 1x1 w[1] -> 3x3 w[2]; 1x1
 * w[3] -> 5x5 w[4] (pad 2); MaxPool 3x3 s1 pad 1 (own quantisation) ->
 * 1x1 w[5]; all with Relu.
 */
static int inception_branches(struct model *m, const char *pre,
	const struct qt *x, const int64_t *w, struct qt *br)
{
	static const char *const fin[4] = { "b1", "b2.conv3x3", "b3.conv5x5",
		"b4.conv1x1" };
	static const int64_t k[4] = { 1, 3, 5, 1 };
	const int64_t cout[4] = { w[0], w[2], w[4], w[5] };
	char nm[NAME_LEN];
	struct qt mid[4], shared;
	struct lin L[4];
	struct pool_attr pa;
	double lo = 0, hi = 0;
	int r, j;

	memset(mid, 0, sizeof(mid));
	memset(L, 0, sizeof(L));
	memset(&shared, 0, sizeof(shared));
	pool_attr_set(&pa, 3, 1, 1, 1, 1, 1);
	r = conv_layer(m, name_make(nm, "%s.b2.conv1x1", pre), x, w[1], 1, 1,
		1, &act_relu, 1.0, &mid[1]);
	if (r == 0)
		r = conv_layer(m, name_make(nm, "%s.b3.conv1x1", pre), x, w[3],
			1, 1, 1, &act_relu, 1.0, &mid[2]);
	if (r == 0)
		r = q_pool(m, name_make(nm, "%s.b4.maxpool", pre), x, POOL_MAX,
			&pa, 0, &mid[3]);
	for (j = 0; j < 4 && r == 0; j++) {
		lin_conv(m, name_make(nm, "%s.%s", pre, fin[j]), &L[j],
			j ? mid[j].v->dims[1] : x->v->dims[1], cout[j], k[j], 1,
			k[j] / 2, 1, 1.0);
		r = lin_range(m, j ? &mid[j] : x, &L[j], &act_relu, &lo,
			&hi);
	}
	if (r == 0)
		calibrate(lo, hi, &act_relu, &shared.s, &shared.z);
	for (j = 0; j < 4 && r == 0; j++) {
		r = q_linear(m, name_make(nm, "%s.%s", pre, fin[j]),
			j ? &mid[j] : x, &L[j], &act_relu, &shared, &br[j]);
		if (r == 0 && j == 0)
			qt_force(&shared, &br[0]);
	}
	for (j = 0; j < 4; j++) {
		qt_clear(&mid[j]);
		lin_clear(&L[j]);
	}
	return r;
}

/* Inception block "pre" on "x": inception_branches of widths "w", then
 * Concat "<pre>.concat" (w[0] + w[2] + w[4] + w[5] channels).
 */
static int inception_block(struct model *m, const char *pre,
	const struct qt *x, const int64_t *w, struct qt *y)
{
	char nm[NAME_LEN];
	struct qt br[4];
	struct qt *brp[4] = { &br[0], &br[1], &br[2], &br[3] };
	int r, j;

	memset(br, 0, sizeof(br));
	memset(y, 0, sizeof(*y));
	r = inception_branches(m, pre, x, w, br);
	if (r == 0)
		r = q_concat(m, name_make(nm, "%s.concat", pre), brp, 4, 1,
			LAY_QDQ, y);
	for (j = 0; j < 4; j++)
		qt_clear(&br[j]);
	return r;
}

/* inception_s: [1, 3, 15, 15] -> stem conv3x3 16 + Relu -> Inception
 * block (4 branches, Concat 36 channels) -> AveragePool 2x2 s2 with end
 * pads 1 and count_include_pad=0 (8 x 8, the last row and column of
 * windows half in the padding, so n = 4, 2 or 1; the quantisation is
 * kept, S = 1, so sums of 2 mod 4 and odd sums over 2 taps are ties) ->
 * GlobalAveragePool -> Reshape [1, 36]
 * -> MatMul [36, 10] (per-column weight scales, no bias).
 */
static int gen_inception_s(const char *outdir)
{
	static const int64_t widths[6] = { 8, 8, 12, 4, 8, 8 };
	int64_t dims[4] = { 1, 3, 15, 15 };
	struct model m;
	struct qt x, stem, cat, ap, flat, out;
	struct pool_attr pa;
	int r;

	memset(&stem, 0, sizeof(stem));
	memset(&cat, 0, sizeof(cat));
	memset(&ap, 0, sizeof(ap));
	memset(&flat, 0, sizeof(flat));
	memset(&out, 0, sizeof(out));
	model_init(&m, "inception_s", "inception_s", 0);
	q_input(&m, input_rand(&m, 4, dims), &x);
	pool_attr_set(&pa, 2, 2, 0, 0, 1, 1);
	r = conv_layer(&m, "stem", &x, 16, 3, 1, 1, &act_relu, 1.0, &stem);
	if (r == 0)
		r = inception_block(&m, "inc", &stem, widths, &cat);
	if (r == 0)
		r = q_pool(&m, "avgpool", &cat, POOL_AVG, &pa, 1, &ap);
	if (r == 0)
		r = head_pool(&m, &ap, 1, &flat);
	if (r == 0)
		r = fc_layer(&m, "fc", &flat, LIN_MATMUL, 10, 0, &act_none,
			&out);
	if (r == 0)
		r = model_finish(&m, outdir, &out);
	qt_clear(&x);
	qt_clear(&stem);
	qt_clear(&cat);
	qt_clear(&ap);
	qt_clear(&flat);
	qt_clear(&out);
	model_clear(&m);
	return r;
}

/* Depthwise-separable block "b": depthwise 3x3 (group = C, "stride") +
 * ReLU6, pointwise 1x1 to "cout" + ReLU6.
 */
static int dws_block(struct model *m, const char *b, const struct qt *x,
	int64_t stride, int64_t cout, struct qt *y)
{
	char nm[NAME_LEN];
	struct qt t;
	int64_t c = x->v->dims[1];
	int r;

	memset(&t, 0, sizeof(t));
	r = conv_layer(m, name_make(nm, "%s.dw", b), x, c, 3, stride, c,
		&act_relu6, 2.0, &t);
	if (r == 0)
		r = conv_layer(m, name_make(nm, "%s.pw", b), &t, cout, 1, 1, 1,
			&act_relu6, 2.0, y);
	qt_clear(&t);
	return r;
}

/* mobilenet_s: [1, 3, 16, 16] -> conv3x3 s2 16 + ReLU6 (8 x 8) ->
 * depthwise-separable 24 -> depthwise-separable stride 2, 32 (4 x 4) ->
 * GlobalAveragePool -> Flatten -> Gemm 10.  ReLU6 is Clip(0, 6) with min
 * and max as inputs (opset 13).
 */
static int gen_mobilenet_s(const char *outdir)
{
	int64_t dims[4] = { 1, 3, 16, 16 };
	struct model m;
	struct qt x, c0, d1, d2, flat, out;
	int r;

	memset(&c0, 0, sizeof(c0));
	memset(&d1, 0, sizeof(d1));
	memset(&d2, 0, sizeof(d2));
	memset(&flat, 0, sizeof(flat));
	memset(&out, 0, sizeof(out));
	model_init(&m, "mobilenet_s", "mobilenet_s", 0);
	q_input(&m, input_rand(&m, 4, dims), &x);
	r = conv_layer(&m, "conv0", &x, 16, 3, 2, 1, &act_relu6, 3.0, &c0);
	if (r == 0)
		r = dws_block(&m, "ds1", &c0, 1, 24, &d1);
	if (r == 0)
		r = dws_block(&m, "ds2", &d1, 2, 32, &d2);
	if (r == 0)
		r = head_pool(&m, &d2, 0, &flat);
	if (r == 0)
		r = fc_layer(&m, "fc", &flat, LIN_GEMM, 10, 1, &act_none,
			&out);
	if (r == 0)
		r = model_finish(&m, outdir, &out);
	qt_clear(&x);
	qt_clear(&c0);
	qt_clear(&d1);
	qt_clear(&d2);
	qt_clear(&flat);
	qt_clear(&out);
	model_clear(&m);
	return r;
}

/* mlp: [1, 64] -> Gemm 128 + Relu -> MatMul + Add (bias) 64 + Relu ->
 * Gemm 10.
 */
static int gen_mlp(const char *outdir)
{
	int64_t dims[2] = { 1, 64 };
	struct model m;
	struct qt x, h1, h2, out;
	int r;

	memset(&h1, 0, sizeof(h1));
	memset(&h2, 0, sizeof(h2));
	memset(&out, 0, sizeof(out));
	model_init(&m, "mlp", "mlp", 0);
	q_input(&m, input_rand(&m, 2, dims), &x);
	r = fc_layer(&m, "fc1", &x, LIN_GEMM, 128, 1, &act_relu, &h1);
	if (r == 0)
		r = fc_layer(&m, "fc2", &h1, LIN_MATMUL_ADD, 64, 1, &act_relu,
			&h2);
	if (r == 0)
		r = fc_layer(&m, "fc3", &h2, LIN_GEMM, 10, 1, &act_none, &out);
	if (r == 0)
		r = model_finish(&m, outdir, &out);
	qt_clear(&x);
	qt_clear(&h1);
	qt_clear(&h2);
	qt_clear(&out);
	model_clear(&m);
	return r;
}

/* layout_ops: [1, 8, 6, 10] -> conv3x3 12 + Relu -> Transpose (0, 1, 3,
 * 2) [1, 12, 10, 6] -> Slice axes (2, 3) starts (1, -5) ends (10, 1000)
 * steps (2, 1) [1, 12, 5, 5] -> Pad (1, 2) before and (2, 1) after H, W
 * [1, 12, 8, 8] -> conv1x1 10 + Relu -> Reshape [1, 10, 64] -> Unsqueeze
 * (3) -> Squeeze (3) -> Flatten [1, 640] -> Gemm 10.  The layout
 * operators mix the forms ONNX Runtime and hand-written graphs use:
 * Transpose and Unsqueeze through QuantizeLinear -> DequantizeLinear with
 * new initializers of equal value, Pad and Squeeze with the input's own,
 * Slice, Reshape and Flatten straight on the float values (so the conv
 * and the Gemm read a layout operator's output).
 */
static int gen_layout_ops(const char *outdir)
{
	static const int64_t perm[4] = { 0, 1, 3, 2 };
	static const int64_t pads[8] = { 0, 0, 1, 2, 0, 0, 2, 1 };
	static const int64_t ax3[1] = { 3 };
	static const struct slice_spec sl = { 2, { 1, -5 }, { 10, 1000 },
		{ 2, 3 }, { 2, 1 } };
	int64_t dims[4] = { 1, 8, 6, 10 }, rd[3];
	struct qt x, t[9], out;
	struct model m;
	int r, k;

	memset(t, 0, sizeof(t));
	memset(&out, 0, sizeof(out));
	model_init(&m, "layout_ops", "layout_ops", 0);
	q_input(&m, input_rand(&m, 4, dims), &x);
	r = conv_layer(&m, "conv1", &x, 12, 3, 1, 1, &act_relu, 1.0, &t[0]);
	if (r == 0)
		r = q_transpose(&m, "transpose", &t[0], perm, LAY_QDQ_COPY,
			&t[1]);
	if (r == 0)
		r = q_slice(&m, "slice", &t[1], &sl, LAY_DIRECT, &t[2]);
	if (r == 0)
		r = q_pad(&m, "pad", &t[2], pads, LAY_QDQ, &t[3]);
	if (r == 0)
		r = conv_layer(&m, "conv2", &t[3], 10, 1, 1, 1, &act_relu, 1.0,
			&t[4]);
	if (r == 0) {
		rd[0] = 1;
		rd[1] = t[4].v->dims[1];
		rd[2] = t[4].v->dims[2] * t[4].v->dims[3];
		r = q_reshape(&m, "reshape", &t[4], 3, rd, LAY_DIRECT, &t[5]);
	}
	if (r == 0)
		r = q_squeeze(&m, "unsqueeze", &t[5], 0, 1, ax3, LAY_QDQ_COPY,
			&t[6]);
	if (r == 0)
		r = q_squeeze(&m, "squeeze", &t[6], 1, 1, ax3, LAY_QDQ, &t[7]);
	if (r == 0)
		r = q_flatten(&m, "flatten", &t[7], LAY_DIRECT, &t[8]);
	if (r == 0)
		r = fc_layer(&m, "fc", &t[8], LIN_GEMM, 10, 1, &act_none, &out);
	if (r == 0)
		r = model_finish(&m, outdir, &out);
	qt_clear(&x);
	for (k = 0; k < 9; k++)
		qt_clear(&t[k]);
	qt_clear(&out);
	model_clear(&m);
	return r;
}

/* The branches of layout_concat on "x" [1, 4, 8, 8], one quantisation:
 * conv1x1 5, conv3x3 11, conv1x1 8 (sharing initializers) and conv3x3
 * 24 with pads on H only, [1, 24, 8, 6] (new initializers of equal
 * value), all with Relu.
 */
static int concat_branches(struct model *m, const struct qt *x,
	struct qt *br)
{
	static const int64_t cout[4] = { 5, 11, 8, 24 }, k[4] = { 1, 3, 1,
		3 };
	char nm[NAME_LEN];
	struct lin L[4];
	struct qt shared;
	double lo = 0, hi = 0;
	int r = 0, j;

	memset(&shared, 0, sizeof(shared));
	for (j = 0; j < 4; j++)
		lin_conv(m, name_make(nm, "br%d", j + 1), &L[j], x->v->dims[1],
			cout[j], k[j], 1, k[j] / 2, 1, 1.0);
	L[3].ca.p[1] = 0;
	L[3].ca.p[3] = 0;
	for (j = 0; j < 4 && r == 0; j++)
		r = lin_range(m, x, &L[j], &act_relu, &lo, &hi);
	if (r == 0)
		calibrate(lo, hi, &act_relu, &shared.s, &shared.z);
	for (j = 0; j < 4 && r == 0; j++) {
		if (j == 3) {
			shared.sname[0] = '\0';
			shared.zname[0] = '\0';
		}
		r = q_linear(m, name_make(nm, "br%d", j + 1), x, &L[j],
			&act_relu, &shared, &br[j]);
		if (r == 0 && j == 0)
			qt_force(&shared, &br[0]);
	}
	for (j = 0; j < 4; j++)
		lin_clear(&L[j]);
	return r;
}

/* layout_concat: [1, 4, 8, 8] -> concat_branches -> Concat axis 1 of the
 * first three (5 + 11 + 8 = 24 channels at offsets 0, 5 and 16, not
 * aligned to 8; QuantizeLinear -> DequantizeLinear after it) -> Concat
 * axis 3 of that and the fourth ([1, 24, 8, 14], its float output read
 * by the conv) -> conv3x3 16.
 */
static int gen_layout_concat(const char *outdir)
{
	int64_t dims[4] = { 1, 4, 8, 8 };
	struct qt x, br[4], cc, cw, out;
	struct qt *three[3] = { &br[0], &br[1], &br[2] };
	struct qt *two[2] = { &cc, &br[3] };
	struct model m;
	int r, j;

	memset(br, 0, sizeof(br));
	memset(&cc, 0, sizeof(cc));
	memset(&cw, 0, sizeof(cw));
	memset(&out, 0, sizeof(out));
	model_init(&m, "layout_concat", "layout_concat", 0);
	q_input(&m, input_rand(&m, 4, dims), &x);
	r = concat_branches(&m, &x, br);
	if (r == 0)
		r = q_concat(&m, "concat_c", three, 3, 1, LAY_QDQ, &cc);
	if (r == 0)
		r = q_concat(&m, "concat_w", two, 2, 3, LAY_DIRECT, &cw);
	if (r == 0)
		r = conv_layer(&m, "conv", &cw, 16, 3, 1, 1, &act_none, 1.0,
			&out);
	if (r == 0)
		r = model_finish(&m, outdir, &out);
	qt_clear(&x);
	for (j = 0; j < 4; j++)
		qt_clear(&br[j]);
	qt_clear(&cc);
	qt_clear(&cw);
	qt_clear(&out);
	model_clear(&m);
	return r;
}

/* Conv "name" 3x3 stride 2 to "cout" channels written with "auto_pad"
 * on "x" (no activation).
 */
static int conv_same_layer(struct model *m, const char *name,
	const struct qt *x, int64_t cout, const char *auto_pad, struct qt *y)
{
	struct lin L;
	int r;

	lin_conv_same(m, name, &L, x->v->dims[1], cout, 3, 2, auto_pad,
		x->v->dims[2], x->v->dims[3], 1.0);
	r = q_linear(m, name, x, &L, &act_none, NULL, y);
	lin_clear(&L);
	return r;
}

/* pool_variants: [1, 4, 32, 32] -> conv3x3 8 + Relu -> MaxPool 3x3 s2
 * ceil_mode (16 x 16, the last window over 2 rows; quantisation kept) ->
 * AveragePool 3x3 s1 pads 1 count_include_pad=1 (n = 9 at the edges;
 * calibrated) -> conv3x3 s2 auto_pad SAME_UPPER (pads 0 before, 1
 * after) and SAME_LOWER (1 before, 0 after), 12 each (8 x 8) -> Add +
 * Relu -> MaxPool 2x2 dilations 2 (6 x 6, kept) -> AveragePool 3x3 s2
 * ceil_mode count_include_pad=0 (3 x 3, the last window over 2 rows,
 * n = 9, 6 or 4; kept, S = 1, so ties occur) -> Flatten -> Gemm
 * transB=0 10 (weights [108, 10], per-column scales).
 */
static int gen_pool_variants(const char *outdir)
{
	int64_t dims[4] = { 1, 4, 32, 32 };
	struct pool_attr pa[4];
	struct qt x, t[9], out;
	struct model m;
	int r, k;

	memset(t, 0, sizeof(t));
	memset(&out, 0, sizeof(out));
	pool_attr_set(&pa[0], 3, 2, 0, 0, 0, 0);
	pa[0].ceil_mode = 1;
	pool_attr_set(&pa[1], 3, 1, 1, 1, 1, 1);
	pa[1].count_include_pad = 1;
	pool_attr_set(&pa[2], 2, 1, 0, 0, 0, 0);
	pa[2].d[0] = 2;
	pa[2].d[1] = 2;
	pool_attr_set(&pa[3], 3, 2, 0, 0, 0, 0);
	pa[3].ceil_mode = 1;
	model_init(&m, "pool_variants", "pool_variants", 0);
	q_input(&m, input_rand(&m, 4, dims), &x);
	r = conv_layer(&m, "conv0", &x, 8, 3, 1, 1, &act_relu, 1.0, &t[0]);
	if (r == 0)
		r = q_pool(&m, "maxpool_ceil", &t[0], POOL_MAX, &pa[0], 1,
			&t[1]);
	if (r == 0)
		r = q_pool(&m, "avgpool_incl", &t[1], POOL_AVG, &pa[1], 0,
			&t[2]);
	if (r == 0)
		r = conv_same_layer(&m, "conv_upper", &t[2], 12, "SAME_UPPER",
			&t[3]);
	if (r == 0)
		r = conv_same_layer(&m, "conv_lower", &t[2], 12, "SAME_LOWER",
			&t[4]);
	if (r == 0)
		r = q_add(&m, "add", &t[3], &t[4], &act_relu, &t[5]);
	if (r == 0)
		r = q_pool(&m, "maxpool_dil", &t[5], POOL_MAX, &pa[2], 1,
			&t[6]);
	if (r == 0)
		r = q_pool(&m, "avgpool_ceil", &t[6], POOL_AVG, &pa[3], 1,
			&t[7]);
	if (r == 0)
		r = q_flatten(&m, "flatten", &t[7], LAY_QDQ, &t[8]);
	if (r == 0)
		r = fc_layer(&m, "fc", &t[8], LIN_GEMM_KN, 10, 1, &act_none,
			&out);
	if (r == 0)
		r = model_finish(&m, outdir, &out);
	qt_clear(&x);
	for (k = 0; k < 9; k++)
		qt_clear(&t[k]);
	qt_clear(&out);
	model_clear(&m);
	return r;
}

/* flatten_fc: [1, 5, 3, 3] -> conv3x3 6 + Relu [1, 6, 3, 3] -> Flatten
 * [1, 54] -> Gemm transB=1 12 (on chip at -O2); flatten_in: the graph
 * input [1, 7, 2, 3] (in device memory) -> Flatten [1, 42] -> MatMul 9.
 * At -O2 the products read the flattened tensor in its 4-D layout, as a
 * convolution with a kernel over the whole map.
 */
static int gen_flatten_fc(const char *outdir, int from_input)
{
	int64_t d1[4] = { 1, 5, 3, 3 }, d2[4] = { 1, 7, 2, 3 };
	struct qt x, t[2], out;
	struct model m;
	int r = 0;

	memset(t, 0, sizeof(t));
	memset(&out, 0, sizeof(out));
	model_init(&m, from_input ? "flatten_in" : "flatten_fc",
		from_input ? "flatten_in" : "flatten_fc", 0);
	q_input(&m, input_rand(&m, 4, from_input ? d2 : d1), &x);
	if (from_input) {
		r = q_flatten(&m, "flat", &x, LAY_DIRECT, &t[0]);
		if (r == 0)
			r = fc_layer(&m, "fc", &t[0], LIN_MATMUL, 9, 0,
				&act_none, &out);
	} else {
		r = conv_layer(&m, "conv", &x, 6, 3, 1, 1, &act_relu, 1.0,
			&t[1]);
		if (r == 0)
			r = q_flatten(&m, "flat", &t[1], LAY_QDQ, &t[0]);
		if (r == 0)
			r = fc_layer(&m, "fc", &t[0], LIN_GEMM, 12, 1,
				&act_none, &out);
	}
	if (r == 0)
		r = model_finish(&m, outdir, &out);
	qt_clear(&x);
	qt_clear(&t[0]);
	qt_clear(&t[1]);
	qt_clear(&out);
	model_clear(&m);
	return r;
}

/* fuse_bands: [1, 8, 40, 120] -> conv1x1 8 + Relu -> conv3x3 s2 8
 * [1, 8, 20, 60]; and conv1x1 8, conv1x1 8 -> Add -> MaxPool 3x3 s2
 * pads 1 [1, 8, 20, 60]; Add of the two.  With a scratchpad too small
 * for the 40 x 120 maps (t_hw_variants' tiny configuration) -O2 fuses
 * them in row bands: a convolution into a strided 3x3 one (halo rows),
 * two convolutions into an Add, and that group into the MaxPool.
 * fuse_bands_l is the same on [1, 8, 48, 1440] maps, too large for the
 * default configuration's scratchpad (fused on the Verilator model).
 */
static int gen_fuse_bands(const char *outdir, int large)
{
	int64_t dims[4] = { 1, 8, 40, 120 };
	struct pool_attr pa;
	struct qt x, t[6], out;
	struct model m;
	int r, k;

	memset(t, 0, sizeof(t));
	memset(&out, 0, sizeof(out));
	pool_attr_set(&pa, 3, 2, 1, 1, 1, 1);
	if (large) {		/* too large for the default scratchpad */
		dims[2] = 48;
		dims[3] = 1440;
	}
	model_init(&m, large ? "fuse_bands_l" : "fuse_bands",
		large ? "fuse_bands_l" : "fuse_bands", 0);
	q_input(&m, input_rand(&m, 4, dims), &x);
	r = conv_layer(&m, "conv_a", &x, 8, 1, 1, 1, &act_relu, 1.0, &t[0]);
	if (r == 0)
		r = conv_layer(&m, "conv_b", &t[0], 8, 3, 2, 1, &act_none,
			1.0, &t[1]);
	if (r == 0)
		r = conv_layer(&m, "conv_c", &x, 8, 1, 1, 1, &act_none, 1.0,
			&t[2]);
	if (r == 0)
		r = conv_layer(&m, "conv_d", &x, 8, 1, 1, 1, &act_none, 1.0,
			&t[3]);
	if (r == 0)
		r = q_add(&m, "add_cd", &t[2], &t[3], &act_relu, &t[4]);
	if (r == 0)
		r = q_pool(&m, "maxpool", &t[4], POOL_MAX, &pa, 1, &t[5]);
	if (r == 0)
		r = q_add(&m, "add", &t[1], &t[5], &act_none, &out);
	if (r == 0)
		r = model_finish(&m, outdir, &out);
	qt_clear(&x);
	for (k = 0; k < 6; k++)
		qt_clear(&t[k]);
	qt_clear(&out);
	model_clear(&m);
	return r;
}

/* fuse_concat: [1, 8, 30, 80] -> an inception block (branches of 8
 * channels: 1x1; 1x1 -> 3x3; 1x1 -> 5x5; MaxPool 3x3 -> 1x1; Concat 32
 * channels) -> MaxPool 3x3 s2 pads 1.  With a scratchpad too small for
 * the concatenation (t_hw_variants' tiny configuration) -O2 makes it in
 * row bands: each branch writes its band into its channels of the
 * Concat's band buffer, then the MaxPool runs on the band.
 * fuse_concat_l is the same on [1, 8, 48, 480] maps, too large for the
 * default configuration's scratchpad (fused on the Verilator model).
 */
static int gen_fuse_concat(const char *outdir, int large)
{
	static const int64_t widths[6] = { 8, 8, 8, 8, 8, 8 };
	int64_t dims[4] = { 1, 8, 30, 80 };
	struct pool_attr pa;
	struct qt x, cat, out;
	struct model m;
	int r;

	memset(&cat, 0, sizeof(cat));
	memset(&out, 0, sizeof(out));
	pool_attr_set(&pa, 3, 2, 1, 1, 1, 1);
	if (large) {
		dims[2] = 48;
		dims[3] = 480;
	}
	model_init(&m, large ? "fuse_concat_l" : "fuse_concat",
		large ? "fuse_concat_l" : "fuse_concat", 0);
	q_input(&m, input_rand(&m, 4, dims), &x);
	r = inception_block(&m, "inc", &x, widths, &cat);
	if (r == 0)
		r = q_pool(&m, "maxpool", &cat, POOL_MAX, &pa, 1, &out);
	if (r == 0)
		r = model_finish(&m, outdir, &out);
	qt_clear(&x);
	qt_clear(&cat);
	qt_clear(&out);
	model_clear(&m);
	return r;
}

/* slice_views: [1, 8, 12, 14] -> conv3x3 16 -> Slice channels 8..16,
 * rows 2..10, columns 3..13 [1, 8, 8, 10] -> MaxPool 3x3 s1 pads 1
 * (keeping the quantisation) and Add of the slice and the pooling ->
 * conv1x1 8.  -O2 reads the slice in place in the convolution's
 * scratchpad buffer (vector operators reading an offset view).
 */
static int gen_slice_views(const char *outdir)
{
	static const struct slice_spec sl = { 3, { 8, 2, 3 }, { 16, 10, 13 },
		{ 1, 2, 3 }, { 1, 1, 1 } };
	int64_t dims[4] = { 1, 8, 12, 14 };
	struct pool_attr pa;
	struct qt x, t[4], out;
	struct model m;
	int r, k;

	memset(t, 0, sizeof(t));
	memset(&out, 0, sizeof(out));
	pool_attr_set(&pa, 3, 1, 1, 1, 1, 1);
	model_init(&m, "slice_views", "slice_views", 0);
	q_input(&m, input_rand(&m, 4, dims), &x);
	r = conv_layer(&m, "conv1", &x, 16, 3, 1, 1, &act_relu, 1.0, &t[0]);
	if (r == 0)
		r = q_slice(&m, "slice", &t[0], &sl, LAY_DIRECT, &t[1]);
	if (r == 0)
		r = q_pool(&m, "maxpool", &t[1], POOL_MAX, &pa, 1, &t[2]);
	if (r == 0)
		r = q_add(&m, "add", &t[1], &t[2], &act_none, &t[3]);
	if (r == 0)
		r = conv_layer(&m, "conv2", &t[3], 8, 1, 1, 1, &act_none, 1.0,
			&out);
	if (r == 0)
		r = model_finish(&m, outdir, &out);
	qt_clear(&x);
	for (k = 0; k < 4; k++)
		qt_clear(&t[k]);
	qt_clear(&out);
	model_clear(&m);
	return r;
}

/* ops_uint8: operator form on uint8 tensors without islands, uint8 graph
 * input [1, 6, 12, 14] (scale 0.025, zero point 118) and output ->
 * QLinearConv 3x3 8 -> MaxPool 3x3 s2 pads 1 on uint8 [1, 8, 6, 7] ->
 * Transpose (0, 3, 1, 2) [1, 7, 8, 6] -> Slice axes (-3, -1) starts (1,
 * -5) ends (7, 1000) steps (1, 2) [1, 6, 8, 3] -> Pad (1 before H, 2
 * after W) with the zero point as constant_value [1, 6, 9, 5] -> Concat
 * axis 1 with itself [1, 12, 9, 5] -> QLinearConv 3x3 10.
 */
static int gen_ops_uint8(const char *outdir)
{
	static const int64_t perm[4] = { 0, 3, 1, 2 };
	static const int64_t pads[8] = { 0, 0, 1, 0, 0, 0, 0, 2 };
	static const struct slice_spec sl = { 2, { 1, -5 }, { 7, 1000 },
		{ -3, -1 }, { 1, 2 } };
	int64_t dims[4] = { 1, 6, 12, 14 };
	struct qt src, x, t[6], out;
	struct qt *pair[2] = { &t[4], &t[4] };
	struct pool_attr pa;
	struct model m;
	struct rng rg;
	size_t k;
	int r;

	memset(&src, 0, sizeof(src));
	memset(t, 0, sizeof(t));
	memset(&out, 0, sizeof(out));
	model_init(&m, "ops_uint8", "ops_uint8", 1);
	src.s = 0.025f;
	src.z = 118;
	src.v = tensor_new(DT_U8, 4, dims);
	rng_seed(&rg, m.name, "input");
	for (k = 0; k < src.v->n; k++)
		src.v->i[k] = rng_int(&rg, 0, 255);
	q_input_u8(&m, &src, &x);
	qt_clear(&src);
	pool_attr_set(&pa, 3, 2, 1, 1, 1, 1);
	r = conv_layer(&m, "conv1", &x, 8, 3, 1, 1, &act_none, 1.0, &t[0]);
	if (r == 0)
		r = q_maxpool_keep(&m, "maxpool", &t[0], &pa, &t[1]);
	if (r == 0)
		r = q_transpose(&m, "transpose", &t[1], perm, LAY_DIRECT,
			&t[2]);
	if (r == 0)
		r = q_slice(&m, "slice", &t[2], &sl, LAY_DIRECT, &t[3]);
	if (r == 0)
		r = q_pad(&m, "pad", &t[3], pads, LAY_DIRECT, &t[4]);
	if (r == 0)
		r = q_concat(&m, "concat", pair, 2, 1, LAY_DIRECT, &t[5]);
	if (r == 0)
		r = conv_layer(&m, "conv2", &t[5], 10, 3, 1, 1, &act_none, 1.0,
			&out);
	if (r == 0)
		r = model_finish(&m, outdir, &out);
	qt_clear(&x);
	for (k = 0; k < 6; k++)
		qt_clear(&t[k]);
	qt_clear(&out);
	model_clear(&m);
	return r;
}

/* bcast_requant: broadcasting Adds and a requantisation on its own, in
 * QDQ form: [1, 3, 6, 6] -> conv3x3 16 + Relu "s" -> GlobalAveragePool
 * "g" [1, 16, 1, 1] -> Add(s, g) + Relu (broadcast over height and
 * width) -> conv1x1 1 "p" [1, 1, 6, 6]; Add(Transpose(a1, [0, 1, 3, 2]),
 * p) (broadcast over channels) -> DequantizeLinear -> QuantizeLinear to
 * another scale and zero point -> conv1x1 8.
 */
static int gen_bcast_requant(const char *outdir)
{
	int64_t dims[4] = { 1, 3, 6, 6 };
	struct model m;
	static const int64_t perm[4] = { 0, 1, 3, 2 };
	struct qt x, st, g, a1, p, tr, a2, rq, out;
	int r;

	memset(&g, 0, sizeof(g));
	memset(&a1, 0, sizeof(a1));
	memset(&p, 0, sizeof(p));
	memset(&tr, 0, sizeof(tr));
	memset(&a2, 0, sizeof(a2));
	memset(&rq, 0, sizeof(rq));
	memset(&out, 0, sizeof(out));
	model_init(&m, "bcast_requant", "bcast_requant", 0);
	q_input(&m, input_rand(&m, 4, dims), &x);
	r = conv_layer(&m, "s", &x, 16, 3, 1, 1, &act_relu, 1.0, &st);
	if (r == 0)
		r = q_pool(&m, "g", &st, POOL_GLOBAL_AVG, NULL, 0, &g);
	if (r == 0)
		r = q_add(&m, "a1", &st, &g, &act_relu, &a1);
	if (r == 0)
		r = conv_layer(&m, "p", &a1, 1, 1, 1, 1, &act_none, 1.0, &p);
	if (r == 0)
		r = q_transpose(&m, "tr", &a1, perm, LAY_QDQ, &tr);
	if (r == 0)
		r = q_add(&m, "a2", &tr, &p, &act_none, &a2);
	if (r == 0)
		r = q_requant(&m, "rq", &a2, a2.s * 1.37f, a2.z > 240 ?
			a2.z - 9 : a2.z + 9, &rq);
	if (r == 0)
		r = conv_layer(&m, "out", &rq, 8, 1, 1, 1, &act_none, 1.0,
			&out);
	if (r == 0)
		r = model_finish(&m, outdir, &out);
	qt_clear(&x);
	qt_clear(&st);
	qt_clear(&g);
	qt_clear(&a1);
	qt_clear(&p);
	qt_clear(&tr);
	qt_clear(&a2);
	qt_clear(&rq);
	qt_clear(&out);
	model_clear(&m);
	return r;
}

/* layout_fuzz<k>: a convolution, a random chain of two to five layout
 * operators (Transpose with a random permutation of C, H and W; Slice on
 * a random axis with step 1 or 2; Pad on H and W; Concat of the tensor
 * with itself or with its Relu (same quantisation) on a random axis;
 * Reshape that swaps nothing but merges and splits H), each written
 * directly, through QuantizeLinear -> DequantizeLinear of the same
 * initializers, or of new ones of equal value; then a convolution.  The
 * structure comes from a generator seeded by the name, so the compiler's
 * aliases, views and in-place concatenations meet shapes no hand-written
 * model has.
 */
static int fuzz_layout_op(struct model *m, struct rng *rg, int j,
	struct qt *x, struct qt *y)
{
	static const int64_t perms[5][4] = { { 0, 1, 3, 2 }, { 0, 2, 1, 3 },
		{ 0, 2, 3, 1 }, { 0, 3, 1, 2 }, { 0, 3, 2, 1 } };
	enum lay_q lq = (enum lay_q) rng_int(rg, 0, 2);
	const int64_t *d = x->v->dims;
	char nm[NAME_LEN];
	struct slice_spec sl;
	struct qt relu;
	int64_t pads[8] = { 0 }, rd[4];
	struct qt *pair[2];
	int kind = rng_int(rg, 0, 4), a, r;

	name_make(nm, "op%d", j);
	switch (kind) {
	case 0:
		return q_transpose(m, nm, x, perms[rng_int(rg, 0, 4)], lq, y);
	case 1:
		memset(&sl, 0, sizeof(sl));
		a = rng_int(rg, 1, 3);
		if (d[a] < 2)
			return q_transpose(m, nm, x, perms[0], lq, y);
		sl.n = 1;
		sl.axes[0] = a;
		sl.starts[0] = rng_int(rg, 0, (int32_t) d[a] / 2);
		sl.ends[0] = rng_int(rg, (int32_t) sl.starts[0] + 1,
			(int32_t) d[a]);
		sl.steps[0] = rng_int(rg, 1, 2);
		return q_slice(m, nm, x, &sl, lq, y);
	case 2:
		pads[2] = rng_int(rg, 0, 2);
		pads[3] = rng_int(rg, 0, 2);
		pads[6] = rng_int(rg, 0, 2);
		pads[7] = rng_int(rg, 0, 2);
		return q_pad(m, nm, x, pads, lq, y);
	case 3:
		memset(&relu, 0, sizeof(relu));
		pair[0] = x;
		pair[1] = x;
		if (rng_int(rg, 0, 1)) {
			r = q_act(m, name_make(nm, "op%d.relu", j), x,
				&act_relu, x, &relu);
			if (r < 0)
				return r;
			pair[1] = &relu;
		}
		r = q_concat(m, name_make(nm, "op%d", j), pair, 2,
			rng_int(rg, 1, 3), lq, y);
		qt_clear(&relu);
		return r;
	default:
		if (d[2] % 2) {
			rd[0] = d[0];
			rd[1] = d[1] * d[2];
			rd[2] = d[3];
			return q_reshape(m, nm, x, 3, rd, lq, y) < 0 ? -1 :
				0;
		}
		rd[0] = d[0];
		rd[1] = d[1];
		rd[2] = 2;
		rd[3] = d[2] * d[3] / 2;
		return q_reshape(m, nm, x, 4, rd, lq, y);
	}
}

static int gen_layout_fuzz(const char *outdir, int k)
{
	char name[NAME_LEN], nm[NAME_LEN];
	int64_t dims[4];
	struct model m;
	struct rng rg;
	struct qt x, t[7], out;
	int r, j, n, cur = 0;

	name_make(name, "layout_fuzz%d", k);
	rng_seed(&rg, "layout_fuzz", name);
	dims[0] = 1;
	dims[1] = rng_int(&rg, 2, 6);
	dims[2] = rng_int(&rg, 4, 9);
	dims[3] = rng_int(&rg, 4, 9);
	memset(t, 0, sizeof(t));
	memset(&out, 0, sizeof(out));
	model_init(&m, name, name, 0);
	q_input(&m, input_rand(&m, 4, dims), &x);
	r = conv_layer(&m, "conv1", &x, rng_int(&rg, 3, 12),
		rng_int(&rg, 0, 1) ? 3 : 1, 1, 1, &act_relu, 1.0, &t[0]);
	n = rng_int(&rg, 2, 5);
	for (j = 0; j < n && r == 0; j++) {
		r = fuzz_layout_op(&m, &rg, j, &t[cur], &t[cur + 1]);
		cur++;
		/* back to rank 4 for the next operator */
		if (r == 0 && t[cur].v->rank != 4) {
			int64_t d4[4] = { 1, t[cur].v->dims[1], 1,
				t[cur].v->dims[2] };

			r = q_reshape(&m, name_make(nm, "op%d.r4", j),
				&t[cur], 4, d4, LAY_DIRECT, &t[cur + 1]);
			cur++;
		}
		if (cur >= 5)
			break;
	}
	if (r == 0)
		r = conv_layer(&m, "conv2", &t[cur], 6, 3, 1, 1, &act_none,
			1.0, &out);
	if (r == 0)
		r = model_finish(&m, outdir, &out);
	qt_clear(&x);
	for (j = 0; j < 7; j++)
		qt_clear(&t[j]);
	qt_clear(&out);
	model_clear(&m);
	return r;
}

static int gen_all(const char *outdir)
{
	const char *fz = getenv("FUZZ_N");
	struct qt stem, b1;
	int fail = 0, k, fuzz_n = fz && atoi(fz) > 0 ? atoi(fz) : 12;

	memset(&stem, 0, sizeof(stem));
	memset(&b1, 0, sizeof(b1));
	if (dir_make(outdir) < 0)
		return 1;
	fail |= gen_resnet_s(outdir, &stem, &b1) < 0;
	if (!fail)
		fail |= gen_resnet_ops(outdir, &stem, &b1) < 0;
	fail |= gen_inception_s(outdir) < 0;
	fail |= gen_mobilenet_s(outdir) < 0;
	fail |= gen_mlp(outdir) < 0;
	fail |= gen_layout_ops(outdir) < 0;
	fail |= gen_layout_concat(outdir) < 0;
	fail |= gen_pool_variants(outdir) < 0;
	fail |= gen_flatten_fc(outdir, 0) < 0;
	fail |= gen_flatten_fc(outdir, 1) < 0;
	fail |= gen_fuse_bands(outdir, 0) < 0;
	fail |= gen_fuse_bands(outdir, 1) < 0;
	fail |= gen_fuse_concat(outdir, 0) < 0;
	fail |= gen_fuse_concat(outdir, 1) < 0;
	fail |= gen_slice_views(outdir) < 0;
	fail |= gen_ops_uint8(outdir) < 0;
	fail |= gen_bcast_requant(outdir) < 0;
	for (k = 0; k < fuzz_n; k++)
		fail |= gen_layout_fuzz(outdir, k) < 0;
	qt_clear(&stem);
	qt_clear(&b1);
	return fail;
}

/* ---- Full-size models (shapes only) ----------------------------------- */

/* Bottleneck block "b" of ResNet-50 v1 on "x": conv1 1x1 "w" + Relu,
 * conv2 3x3 "w" stride "stride" + Relu, conv3 1x1 4w; the shortcut is
 * "x", or the projection "<b>.downsample" 1x1 4w stride "stride" when
 * "proj"; Add + Relu.
 */
static int bottleneck(struct model *m, const char *b, const struct qt *x,
	int64_t w, int64_t stride, int proj, struct qt *y)
{
	char nm[NAME_LEN];
	struct qt t1, t2, t3, sc;
	int r;

	memset(&t1, 0, sizeof(t1));
	memset(&t2, 0, sizeof(t2));
	memset(&t3, 0, sizeof(t3));
	memset(&sc, 0, sizeof(sc));
	memset(y, 0, sizeof(*y));
	r = conv_layer(m, name_make(nm, "%s.conv1", b), x, w, 1, 1, 1,
		&act_relu, 1.0, &t1);
	if (r == 0)
		r = conv_layer(m, name_make(nm, "%s.conv2", b), &t1, w, 3,
			stride, 1, &act_relu, 1.0, &t2);
	if (r == 0)
		r = conv_layer(m, name_make(nm, "%s.conv3", b), &t2, 4 * w, 1,
			1, 1, &act_none, 1.0, &t3);
	if (r == 0 && proj)
		r = conv_layer(m, name_make(nm, "%s.downsample", b), x, 4 * w,
			1, stride, 1, &act_none, 1.0, &sc);
	if (r == 0)
		r = q_add(m, name_make(nm, "%s.add", b), &t3, proj ? &sc : x,
			&act_relu, y);
	qt_clear(&t1);
	qt_clear(&t2);
	qt_clear(&t3);
	qt_clear(&sc);
	return r;
}

/* The four stages "layer1" .. "layer4" of ResNet-50 on "*x", replaced by
 * their output: 3, 4, 6, 3 bottlenecks of widths 64, 128, 256, 512, the
 * first of each with a projection and (from layer2) stride 2.
 */
static int resnet50_stages(struct model *m, struct qt *x)
{
	static const int blocks[4] = { 3, 4, 6, 3 };
	char nm[NAME_LEN];
	struct qt y;
	int s, k, r = 0;

	for (s = 0; s < 4 && r == 0; s++)
		for (k = 0; k < blocks[s] && r == 0; k++) {
			r = bottleneck(m, name_make(nm, "layer%d.%d", s + 1, k),
				x, (int64_t) 64 << s, k == 0 && s > 0 ? 2 : 1,
				k == 0, &y);
			qt_clear(x);
			*x = y;
		}
	return r;
}

/* resnet50: ResNet-50 v1 (torchvision names, stride on the 3x3 conv),
 * [1, 3, 224, 224] -> conv1 7x7 s2 64 + Relu (112 x 112) -> MaxPool 3x3
 * s2 pad 1 (56 x 56, quantisation kept) -> layer1..layer4 (2048 x 7 x 7)
 * -> GlobalAveragePool -> Flatten -> Gemm 1000.  Shapes only.
 */
static int gen_resnet50(const char *outdir)
{
	int64_t dims[4] = { 1, 3, 224, 224 };
	struct model m;
	struct qt x, c1, cur, flat, out;
	struct pool_attr pa;
	int r;

	memset(&c1, 0, sizeof(c1));
	memset(&cur, 0, sizeof(cur));
	memset(&flat, 0, sizeof(flat));
	memset(&out, 0, sizeof(out));
	model_init(&m, "resnet50", "resnet50", 0);
	m.no_ref = 1;
	q_input(&m, input_rand(&m, 4, dims), &x);
	pool_attr_set(&pa, 3, 2, 1, 1, 1, 1);
	r = conv_layer(&m, "conv1", &x, 64, 7, 2, 1, &act_relu, 1.0, &c1);
	if (r == 0)
		r = q_pool(&m, "maxpool", &c1, POOL_MAX, &pa, 1, &cur);
	if (r == 0)
		r = resnet50_stages(&m, &cur);
	if (r == 0)
		r = head_pool(&m, &cur, 0, &flat);
	if (r == 0)
		r = fc_layer(&m, "fc", &flat, LIN_GEMM, 1000, 1, &act_none,
			&out);
	if (r == 0)
		r = model_finish(&m, outdir, &out);
	qt_clear(&x);
	qt_clear(&c1);
	qt_clear(&cur);
	qt_clear(&flat);
	qt_clear(&out);
	model_clear(&m);
	return r;
}

/* GoogLeNet's Inception blocks: name, widths (as inception_branches
 * takes them) and the MaxPool 3x3 s2 pad 1 before the block, if any.
 */
static const struct {
	const char *name;
	int64_t w[6];
	const char *pool;
} googlenet_blocks[] = {
	{ "inception3a", { 64, 96, 128, 16, 32, 32 }, NULL },
	{ "inception3b", { 128, 128, 192, 32, 96, 64 }, NULL },
	{ "inception4a", { 192, 96, 208, 16, 48, 64 }, "maxpool3" },
	{ "inception4b", { 160, 112, 224, 24, 64, 64 }, NULL },
	{ "inception4c", { 128, 128, 256, 24, 64, 64 }, NULL },
	{ "inception4d", { 112, 144, 288, 32, 64, 64 }, NULL },
	{ "inception4e", { 256, 160, 320, 32, 128, 128 }, NULL },
	{ "inception5a", { 256, 160, 320, 32, 128, 128 }, "maxpool4" },
	{ "inception5b", { 384, 192, 384, 48, 128, 128 }, NULL },
};

/* "*x" through conv "name" (k x k, stride, "cout", Relu) or, when "cout"
 * is 0, MaxPool "name" 3x3 s2 pad 1 keeping the quantisation; "*x" is
 * replaced by the output.
 */
static int googlenet_step(struct model *m, const char *name, struct qt *x,
	int64_t cout, int64_t k, int64_t stride)
{
	struct pool_attr pa;
	struct qt y;
	int r;

	memset(&y, 0, sizeof(y));
	pool_attr_set(&pa, 3, 2, 1, 1, 1, 1);
	if (cout)
		r = conv_layer(m, name, x, cout, k, stride, 1, &act_relu, 1.0,
			&y);
	else
		r = q_pool(m, name, x, POOL_MAX, &pa, 1, &y);
	qt_clear(x);
	*x = y;
	return r;
}

/* The Inception blocks of GoogLeNet on "*x" (192 x 28 x 28), replaced by
 * the output of inception5b (1024 x 7 x 7).
 */
static int googlenet_blocks_run(struct model *m, struct qt *x)
{
	struct qt y;
	size_t j;
	int r = 0;

	for (j = 0; j < sizeof(googlenet_blocks) /
	    sizeof(googlenet_blocks[0]) && r == 0; j++) {
		if (googlenet_blocks[j].pool)
			r = googlenet_step(m, googlenet_blocks[j].pool, x, 0, 0,
				0);
		if (r == 0)
			r = inception_block(m, googlenet_blocks[j].name, x,
				googlenet_blocks[j].w, &y);
		if (r == 0) {
			qt_clear(x);
			*x = y;
		}
	}
	return r;
}

/* googlenet: GoogLeNet (Inception v1 without LRN, dropout and the
 * auxiliary heads), [1, 3, 224, 224] -> conv1 7x7 s2 64 (112) ->
 * maxpool1 (56) -> conv2 1x1 64 -> conv3 3x3 192 -> maxpool2 (28) ->
 * inception3a, 3b -> maxpool3 (14) -> 4a..4e -> maxpool4 (7) -> 5a, 5b
 * (1024 x 7 x 7) -> AveragePool 7x7 (quantisation kept) -> Flatten ->
 * Gemm 1000; every conv with Relu, pools 3x3 s2 pad 1.  Shapes only.
 */
static int gen_googlenet(const char *outdir)
{
	int64_t dims[4] = { 1, 3, 224, 224 };
	struct model m;
	struct qt x, ap, flat, out;
	struct pool_attr pa;
	int r;

	memset(&ap, 0, sizeof(ap));
	memset(&flat, 0, sizeof(flat));
	memset(&out, 0, sizeof(out));
	model_init(&m, "googlenet", "googlenet", 0);
	m.no_ref = 1;
	q_input(&m, input_rand(&m, 4, dims), &x);
	pool_attr_set(&pa, 7, 1, 0, 0, 0, 0);
	r = googlenet_step(&m, "conv1", &x, 64, 7, 2);
	if (r == 0)
		r = googlenet_step(&m, "maxpool1", &x, 0, 0, 0);
	if (r == 0)
		r = googlenet_step(&m, "conv2", &x, 64, 1, 1);
	if (r == 0)
		r = googlenet_step(&m, "conv3", &x, 192, 3, 1);
	if (r == 0)
		r = googlenet_step(&m, "maxpool2", &x, 0, 0, 0);
	if (r == 0)
		r = googlenet_blocks_run(&m, &x);
	if (r == 0)
		r = q_pool(&m, "avgpool", &x, POOL_AVG, &pa, 1, &ap);
	if (r == 0)
		r = q_flatten(&m, "flatten", &ap, LAY_QDQ, &flat);
	if (r == 0)
		r = fc_layer(&m, "fc", &flat, LIN_GEMM, 1000, 1, &act_none,
			&out);
	if (r == 0)
		r = model_finish(&m, outdir, &out);
	qt_clear(&x);
	qt_clear(&ap);
	qt_clear(&flat);
	qt_clear(&out);
	model_clear(&m);
	return r;
}

static int gen_large(const char *outdir)
{
	int fail = 0;

	if (dir_make(outdir) < 0)
		return 1;
	fail |= gen_resnet50(outdir) < 0;
	fail |= gen_googlenet(outdir) < 0;
	return fail;
}

/* ---- Float interpreter ------------------------------------------------ */

/* Values by name; the names belong to the ModelProto being run. */
struct env {
	const char *name[MAX_VALUES];
	struct tensor *t[MAX_VALUES];
	int n;
};

typedef struct tensor *(*sim_fn)(const Onnx__NodeProto *np,
	struct tensor *const *in, size_t nin);

static struct tensor *env_get(const struct env *e, const char *name)
{
	int k;

	for (k = e->n - 1; k >= 0; k--)
		if (strcmp(e->name[k], name) == 0)
			return e->t[k];
	return NULL;
}

static int env_put(struct env *e, const char *name, struct tensor *t)
{
	if (e->n >= MAX_VALUES) {
		tensor_free(t);
		fprintf(stderr, "interpreter: too many values\n");
		return -1;
	}
	e->name[e->n] = name;
	e->t[e->n++] = t;
	return 0;
}

static void env_clear(struct env *e)
{
	int k;

	for (k = 0; k < e->n; k++)
		tensor_free(e->t[k]);
	e->n = 0;
}

static const Onnx__AttributeProto *attr_find(const Onnx__NodeProto *np,
	const char *name)
{
	size_t k;

	for (k = 0; k < np->n_attribute; k++)
		if (strcmp(np->attribute[k]->name, name) == 0)
			return np->attribute[k];
	return NULL;
}

static int64_t attr_i(const Onnx__NodeProto *np, const char *name,
	int64_t def)
{
	const Onnx__AttributeProto *a = attr_find(np, name);

	return a ? a->i : def;
}

static float attr_f(const Onnx__NodeProto *np, const char *name, float def)
{
	const Onnx__AttributeProto *a = attr_find(np, name);

	return a ? a->f : def;
}

/* Read INTS attribute "name" of "n" values into "dst" if present. */
static int attr_n(const Onnx__NodeProto *np, const char *name, int64_t *dst,
	size_t n)
{
	const Onnx__AttributeProto *a = attr_find(np, name);

	if (!a)
		return 0;
	if (a->n_ints != n) {
		fprintf(stderr, "%s: attribute %s: expected %zu values\n",
			np->name, name, n);
		return -1;
	}
	memcpy(dst, a->ints, n * sizeof(int64_t));
	return 0;
}

/* The string attribute "a" equals "v". */
static int attr_is(const Onnx__AttributeProto *a, const char *v)
{
	return a->s.len == strlen(v) && memcmp(a->s.data, v, a->s.len) == 0;
}

/* Resolve attribute auto_pad of "np" into the pads "p" (top, left,
 * bottom, right) of a window of kernel "k", strides "s" and dilations
 * "d" on the spatial axes of "x" [N, C, H, W]: NOTSET or absent leaves
 * "p", VALID zeroes it, SAME_UPPER and SAME_LOWER set it by same_pads.
 */
static int attr_auto_pad(const Onnx__NodeProto *np, const struct tensor *x,
	const int64_t *k, const int64_t *s, const int64_t *d, int64_t *p)
{
	const Onnx__AttributeProto *a = attr_find(np, "auto_pad");
	int ax, upper;

	if (!a || a->s.len == 0 || attr_is(a, "NOTSET"))
		return 0;
	upper = attr_is(a, "SAME_UPPER");
	if ((!upper && !attr_is(a, "SAME_LOWER") && !attr_is(a, "VALID")) ||
	    x->rank != 4) {
		fprintf(stderr, "%s: unsupported auto_pad\n", np->name);
		return -1;
	}
	for (ax = 0; ax < 2; ax++) {
		p[ax] = 0;
		p[ax + 2] = 0;
		if (!attr_is(a, "VALID"))
			same_pads(x->dims[ax + 2], k[ax], s[ax], d[ax], upper,
				&p[ax], &p[ax + 2]);
	}
	return 0;
}

static int conv_attr_read(const Onnx__NodeProto *np, const struct tensor *x,
	const struct tensor *w, struct conv_attr *ca)
{
	int d;

	for (d = 0; d < 2; d++) {
		ca->k[d] = w->rank == 4 ? w->dims[d + 2] : 0;
		ca->s[d] = 1;
		ca->d[d] = 1;
		ca->p[d] = 0;
		ca->p[d + 2] = 0;
	}
	ca->group = attr_i(np, "group", 1);
	if (attr_n(np, "kernel_shape", ca->k, 2) < 0 ||
	    attr_n(np, "strides", ca->s, 2) < 0 ||
	    attr_n(np, "pads", ca->p, 4) < 0 ||
	    attr_n(np, "dilations", ca->d, 2) < 0 ||
	    attr_auto_pad(np, x, ca->k, ca->s, ca->d, ca->p) < 0)
		return -1;
	return 0;
}

/* Pooling attributes of "np" on input "x"; dilations other than 1 only
 * for MaxPool.
 */
static int pool_attr_read(const Onnx__NodeProto *np, const struct tensor *x,
	struct pool_attr *pa)
{
	memset(pa, 0, sizeof(*pa));
	pa->s[0] = 1;
	pa->s[1] = 1;
	pa->d[0] = 1;
	pa->d[1] = 1;
	pa->ceil_mode = (int) attr_i(np, "ceil_mode", 0);
	pa->count_include_pad = (int) attr_i(np, "count_include_pad", 0);
	if (!attr_find(np, "kernel_shape") ||
	    attr_n(np, "kernel_shape", pa->k, 2) < 0 ||
	    attr_n(np, "strides", pa->s, 2) < 0 ||
	    attr_n(np, "pads", pa->p, 4) < 0 ||
	    attr_n(np, "dilations", pa->d, 2) < 0 ||
	    attr_auto_pad(np, x, pa->k, pa->s, pa->d, pa->p) < 0 ||
	    ((pa->d[0] != 1 || pa->d[1] != 1) &&
	     strcmp(np->op_type, "MaxPool") != 0)) {
		fprintf(stderr, "%s: unsupported pooling attributes\n",
			np->name);
		return -1;
	}
	return 0;
}

/* Index along "axis" of element "k" of "t". */
static int64_t axis_index(const struct tensor *t, int axis, size_t k)
{
	int64_t inner = 1;
	int d;

	for (d = axis + 1; d < t->rank; d++)
		inner *= t->dims[d];
	return ((int64_t) k / inner) % t->dims[axis];
}

static int norm_axis(const struct tensor *t, int64_t axis)
{
	return (int) (axis < 0 ? axis + t->rank : axis);
}

/* Check the number and presence of inputs: "need" required, at most
 * "max".
 */
static int sim_args(const Onnx__NodeProto *np, struct tensor *const *in,
	size_t nin, size_t need, size_t max)
{
	size_t k;

	for (k = 0; k < need; k++)
		if (k >= nin || !in[k]) {
			fprintf(stderr, "%s: missing input %zu\n", np->name, k);
			return -1;
		}
	if (nin > max) {
		fprintf(stderr, "%s: too many inputs\n", np->name);
		return -1;
	}
	return 0;
}

static struct tensor *sim_quantize(const Onnx__NodeProto *np,
	struct tensor *const *in, size_t nin)
{
	const struct tensor *x, *s, *z;
	struct tensor *y;
	int axis;
	int64_t c;
	size_t k;

	if (sim_args(np, in, nin, 2, 3) < 0 || !in[0]->f)
		return NULL;
	x = in[0];
	s = in[1];
	z = nin > 2 ? in[2] : NULL;
	axis = norm_axis(x, attr_i(np, "axis", 1));
	y = tensor_new(z ? z->dtype : DT_U8, x->rank, x->dims);
	for (k = 0; k < x->n; k++) {
		c = s->n > 1 ? axis_index(x, axis, k) : 0;
		y->i[k] = quantize_value(x->f[k], s->f[c], z ? z->i[c] : 0,
			y->dtype);
	}
	return y;
}

static struct tensor *sim_dequantize(const Onnx__NodeProto *np,
	struct tensor *const *in, size_t nin)
{
	const struct tensor *x, *s, *z;
	struct tensor *y;
	int axis;
	int64_t c;
	size_t k;

	if (sim_args(np, in, nin, 2, 3) < 0 || !in[0]->i)
		return NULL;
	x = in[0];
	s = in[1];
	z = nin > 2 ? in[2] : NULL;
	axis = norm_axis(x, attr_i(np, "axis", 1));
	y = tensor_new(DT_F32, x->rank, x->dims);
	for (k = 0; k < x->n; k++) {
		c = s->n > 1 ? axis_index(x, axis, k) : 0;
		y->f[k] = dequantize_value(x->i[k], z ? z->i[c] : 0, s->f[c]);
	}
	return y;
}

/* Float sum over the taps of output (n, m, oy, ox) of a convolution, in
 * float32 in (c, ky, kx) order, from "acc".
 */
static float conv_f_point(const struct tensor *x, const struct tensor *w,
	const struct conv_attr *ca, float acc, int64_t n, int64_t m,
	int64_t oy, int64_t ox)
{
	int64_t cg = w->dims[1], mg = w->dims[0] / ca->group;
	int64_t c, ky, kx, iy, ix, ic;

	for (c = 0; c < cg; c++) {
		ic = (m / mg) * cg + c;
		for (ky = 0; ky < w->dims[2]; ky++) {
			iy = oy * ca->s[0] - ca->p[0] + ky * ca->d[0];
			if (iy < 0 || iy >= x->dims[2])
				continue;
			for (kx = 0; kx < w->dims[3]; kx++) {
				ix = ox * ca->s[1] - ca->p[1] + kx * ca->d[1];
				if (ix < 0 || ix >= x->dims[3])
					continue;
				acc += x->f[((n * x->dims[1] + ic) *
					x->dims[2] + iy) * x->dims[3] + ix] *
					w->f[((m * cg + c) * w->dims[2] + ky) *
					w->dims[3] + kx];
			}
		}
	}
	return acc;
}

/* Float convolution with optional bias "b". */
static struct tensor *conv_f(const struct tensor *x, const struct tensor *w,
	const struct tensor *b, const struct conv_attr *ca)
{
	int64_t dims[4], n, m, oy, ox;
	struct tensor *y;
	size_t k = 0;

	if (conv_dims(x, w, ca, dims) < 0)
		return NULL;
	y = tensor_new(DT_F32, 4, dims);
	for (n = 0; n < dims[0]; n++)
		for (m = 0; m < dims[1]; m++)
			for (oy = 0; oy < dims[2]; oy++)
				for (ox = 0; ox < dims[3]; ox++)
					y->f[k++] = conv_f_point(x, w, ca,
						b ? b->f[m] : 0.0f, n, m, oy,
						ox);
	return y;
}

static struct tensor *sim_conv(const Onnx__NodeProto *np,
	struct tensor *const *in, size_t nin)
{
	struct conv_attr ca;

	if (sim_args(np, in, nin, 2, 3) < 0 || !in[0]->f || !in[1]->f ||
	    conv_attr_read(np, in[0], in[1], &ca) < 0)
		return NULL;
	return conv_f(in[0], in[1], nin > 2 ? in[2] : NULL, &ca);
}

/* QLinearConv as a float runtime without integer kernels runs it:
 * dequantise x, w (per channel) and the bias, float Conv, quantise.
 */
static struct tensor *sim_qlinearconv(const Onnx__NodeProto *np,
	struct tensor *const *in, size_t nin)
{
	struct tensor *x, *w, *b = NULL, *f, *y = NULL;
	struct conv_attr ca;
	float ws;
	int64_t c;
	size_t k;

	if (sim_args(np, in, nin, 8, 9) < 0 ||
	    conv_attr_read(np, in[0], in[3], &ca) < 0)
		return NULL;
	x = tensor_new(DT_F32, in[0]->rank, in[0]->dims);
	w = tensor_new(DT_F32, in[3]->rank, in[3]->dims);
	for (k = 0; k < x->n; k++)
		x->f[k] = dequantize_value(in[0]->i[k], in[2]->i[0],
			in[1]->f[0]);
	for (k = 0; k < w->n; k++) {
		c = axis_index(w, 0, k);
		w->f[k] = dequantize_value(in[3]->i[k], in[5]->i[in[5]->n > 1 ?
			c : 0], in[4]->f[in[4]->n > 1 ? c : 0]);
	}
	if (nin > 8 && in[8]) {
		b = tensor_new(DT_F32, 1, in[8]->dims);
		for (k = 0; k < b->n; k++) {
			ws = in[4]->f[in[4]->n > 1 ? k : 0];
			b->f[k] = dequantize_value(in[8]->i[k], 0,
				in[1]->f[0] * ws);
		}
	}
	f = conv_f(x, w, b, &ca);
	if (f) {
		y = tensor_new(in[7]->dtype, f->rank, f->dims);
		for (k = 0; k < f->n; k++)
			y->i[k] = quantize_value(f->f[k], in[6]->f[0],
				in[7]->i[0], y->dtype);
	}
	tensor_free(x);
	tensor_free(w);
	tensor_free(b);
	tensor_free(f);
	return y;
}

/* y = alpha * A' * B' + beta * C, A' and B' optionally transposed, C
 * broadcast.
 */
static struct tensor *sim_gemm(const Onnx__NodeProto *np,
	struct tensor *const *in, size_t nin)
{
	const struct tensor *a, *b, *c;
	int ta = (int) attr_i(np, "transA", 0), tb = (int) attr_i(np,
		"transB", 0);
	float alpha = attr_f(np, "alpha", 1.0f), beta = attr_f(np, "beta",
		1.0f), acc, av, bv;
	int64_t dims[2], m, k, n, i, j, l;
	struct tensor *y;

	if (sim_args(np, in, nin, 2, 3) < 0 || in[0]->rank != 2 ||
	    in[1]->rank != 2)
		return NULL;
	a = in[0];
	b = in[1];
	c = nin > 2 ? in[2] : NULL;
	m = a->dims[ta ? 1 : 0];
	k = a->dims[ta ? 0 : 1];
	n = b->dims[tb ? 0 : 1];
	if (b->dims[tb ? 1 : 0] != k)
		return NULL;
	dims[0] = m;
	dims[1] = n;
	y = tensor_new(DT_F32, 2, dims);
	for (i = 0; i < m; i++)
		for (j = 0; j < n; j++) {
			acc = 0.0f;
			for (l = 0; l < k; l++) {
				av = ta ? a->f[l * m + i] : a->f[i * k + l];
				bv = tb ? b->f[j * k + l] : b->f[l * n + j];
				acc += av * bv;
			}
			y->f[i * n + j] = alpha * acc;
			if (c)
				y->f[i * n + j] += beta * c->f[bcast_index(c,
					2, dims, (size_t) (i * n + j))];
		}
	return y;
}

static struct tensor *sim_matmul(const Onnx__NodeProto *np,
	struct tensor *const *in, size_t nin)
{
	int64_t dims[2], i, j, l, k;
	struct tensor *y;
	float acc;

	if (sim_args(np, in, nin, 2, 2) < 0 || in[0]->rank != 2 ||
	    in[1]->rank != 2 || in[0]->dims[1] != in[1]->dims[0])
		return NULL;
	dims[0] = in[0]->dims[0];
	dims[1] = in[1]->dims[1];
	k = in[0]->dims[1];
	y = tensor_new(DT_F32, 2, dims);
	for (i = 0; i < dims[0]; i++)
		for (j = 0; j < dims[1]; j++) {
			acc = 0.0f;
			for (l = 0; l < k; l++)
				acc += in[0]->f[i * k + l] *
					in[1]->f[l * dims[1] + j];
			y->f[i * dims[1] + j] = acc;
		}
	return y;
}

static struct tensor *sim_add(const Onnx__NodeProto *np,
	struct tensor *const *in, size_t nin)
{
	int64_t dims[MAX_RANK];
	struct tensor *y;
	int rank;
	size_t k;

	if (sim_args(np, in, nin, 2, 2) < 0 || !in[0]->f || !in[1]->f ||
	    bcast_dims(in[0], in[1], &rank, dims) < 0)
		return NULL;
	y = tensor_new(DT_F32, rank, dims);
	for (k = 0; k < y->n; k++)
		y->f[k] = in[0]->f[bcast_index(in[0], rank, dims, k)] +
			in[1]->f[bcast_index(in[1], rank, dims, k)];
	return y;
}

/* Relu, or Clip with min and max as optional inputs (opset 11+) or
 * attributes (older opsets).
 */
static struct tensor *sim_clip(const Onnx__NodeProto *np,
	struct tensor *const *in, size_t nin)
{
	float lo = -INFINITY, hi = INFINITY;
	struct tensor *y;
	size_t k;

	if (sim_args(np, in, nin, 1, 3) < 0 || !in[0]->f)
		return NULL;
	if (strcmp(np->op_type, "Relu") == 0) {
		lo = 0.0f;
	} else {
		lo = attr_f(np, "min", lo);
		hi = attr_f(np, "max", hi);
		if (nin > 1 && in[1])
			lo = in[1]->f[0];
		if (nin > 2 && in[2])
			hi = in[2]->f[0];
	}
	y = tensor_copy(in[0]);
	for (k = 0; k < y->n; k++)
		y->f[k] = y->f[k] < lo ? lo : y->f[k] > hi ? hi : y->f[k];
	return y;
}

/* Float MaxPool (maximum of the valid taps) or AveragePool (their sum in
 * float32 divided by the count of count_include_pad) at (oy, ox) of
 * plane "p" of "x".
 */
static float pool_f_point(const struct tensor *x, const float *p,
	const struct pool_attr *pa, int avg, int64_t oy, int64_t ox)
{
	int64_t vy, vx, cy, cx, ky, kx, iy, ix, h = x->dims[2], w = x->dims[3];
	float acc = 0.0f, mx = -INFINITY, v;

	pool_window(oy, h, pa->k[0], pa->s[0], pa->d[0], pa->p[0], pa->p[2],
		&vy, &cy);
	pool_window(ox, w, pa->k[1], pa->s[1], pa->d[1], pa->p[1], pa->p[3],
		&vx, &cx);
	for (ky = 0; ky < pa->k[0]; ky++) {
		iy = pool_tap(oy, ky, pa->s[0], pa->d[0], pa->p[0]);
		if (iy < 0 || iy >= h)
			continue;
		for (kx = 0; kx < pa->k[1]; kx++) {
			ix = pool_tap(ox, kx, pa->s[1], pa->d[1], pa->p[1]);
			if (ix < 0 || ix >= w)
				continue;
			v = p[iy * w + ix];
			acc += v;
			mx = v > mx ? v : mx;
		}
	}
	if (!avg)
		return mx;
	if (pa->count_include_pad)
		return acc / (float) (cy * cx);
	return acc / (float) (vy * vx);
}

static struct tensor *pool_f(const struct tensor *x,
	const struct pool_attr *pa, int avg)
{
	int64_t dims[4], pl, oy, ox;
	struct tensor *y;
	size_t k = 0;

	if (pool_dims(x, pa, dims) < 0)
		return NULL;
	y = tensor_new(DT_F32, 4, dims);
	for (pl = 0; pl < dims[0] * dims[1]; pl++)
		for (oy = 0; oy < dims[2]; oy++)
			for (ox = 0; ox < dims[3]; ox++)
				y->f[k++] = pool_f_point(x, x->f + pl *
					x->dims[2] * x->dims[3], pa, avg, oy,
					ox);
	return y;
}

/* MaxPool or AveragePool in float32; MaxPool also on an integer tensor
 * (opset 12+), through float32, which holds 8-bit values exactly.
 */
static struct tensor *sim_pool(const Onnx__NodeProto *np,
	struct tensor *const *in, size_t nin)
{
	int avg = strcmp(np->op_type, "AveragePool") == 0;
	struct tensor *xf, *yf, *y = NULL;
	struct pool_attr pa;
	size_t k;

	if (sim_args(np, in, nin, 1, 1) < 0 || (avg && !in[0]->f) ||
	    pool_attr_read(np, in[0], &pa) < 0)
		return NULL;
	if (in[0]->f)
		return pool_f(in[0], &pa, avg);
	xf = tensor_new(DT_F32, in[0]->rank, in[0]->dims);
	for (k = 0; k < xf->n; k++)
		xf->f[k] = (float) in[0]->i[k];
	yf = pool_f(xf, &pa, 0);
	if (yf)
		y = tensor_new(in[0]->dtype, yf->rank, yf->dims);
	for (k = 0; y && k < y->n; k++)
		y->i[k] = (int32_t) yf->f[k];
	tensor_free(xf);
	tensor_free(yf);
	return y;
}

static struct tensor *sim_gap(const Onnx__NodeProto *np,
	struct tensor *const *in, size_t nin)
{
	struct pool_attr pa;

	if (sim_args(np, in, nin, 1, 1) < 0 || !in[0]->f ||
	    in[0]->rank != 4)
		return NULL;
	memset(&pa, 0, sizeof(pa));
	pa.k[0] = in[0]->dims[2];
	pa.k[1] = in[0]->dims[3];
	pa.s[0] = 1;
	pa.s[1] = 1;
	pa.d[0] = 1;
	pa.d[1] = 1;
	return pool_f(in[0], &pa, 1);
}

static struct tensor *sim_flatten(const Onnx__NodeProto *np,
	struct tensor *const *in, size_t nin)
{
	struct tensor *y;
	int axis, d;
	int64_t outer = 1;

	if (sim_args(np, in, nin, 1, 1) < 0)
		return NULL;
	axis = norm_axis(in[0], attr_i(np, "axis", 1));
	for (d = 0; d < axis; d++)
		outer *= in[0]->dims[d];
	y = tensor_copy(in[0]);
	y->rank = 2;
	y->dims[0] = outer;
	y->dims[1] = outer ? (int64_t) y->n / outer : 0;
	return y;
}

/* Reshape: 0 copies the input dimension, -1 takes the rest. */
static struct tensor *sim_reshape(const Onnx__NodeProto *np,
	struct tensor *const *in, size_t nin)
{
	struct tensor *y;
	int64_t known = 1;
	int d, neg = -1;

	if (sim_args(np, in, nin, 2, 2) < 0 || in[1]->dtype != DT_I64 ||
	    in[1]->n > MAX_RANK)
		return NULL;
	y = tensor_copy(in[0]);
	y->rank = (int) in[1]->n;
	for (d = 0; d < y->rank; d++) {
		y->dims[d] = in[1]->i[d];
		if (y->dims[d] == 0 && d < in[0]->rank)
			y->dims[d] = in[0]->dims[d];
		if (y->dims[d] == -1)
			neg = d;
		else
			known *= y->dims[d];
	}
	if (neg >= 0 && known > 0)
		y->dims[neg] = (int64_t) y->n / known;
	return y;
}

static struct tensor *sim_concat(const Onnx__NodeProto *np,
	struct tensor *const *in, size_t nin)
{
	if (sim_args(np, in, nin, 1, 64) < 0)
		return NULL;
	return layout_concat((const struct tensor *const *) in, nin,
		norm_axis(in[0], attr_i(np, "axis", 0)));
}

/* The values of the integer tensor "t" (at most 2 * MAX_RANK) into "v",
 * their number into *n.
 */
static int ints_read(const Onnx__NodeProto *np, const struct tensor *t,
	int64_t *v, int *n)
{
	size_t k;

	if (!t->i || t->n > 2 * MAX_RANK) {
		fprintf(stderr, "%s: bad integer input\n", np->name);
		return -1;
	}
	for (k = 0; k < t->n; k++)
		v[k] = t->i[k];
	*n = (int) t->n;
	return 0;
}

/* Transpose by attribute "perm" (absent: reverse the axes). */
static struct tensor *sim_transpose(const Onnx__NodeProto *np,
	struct tensor *const *in, size_t nin)
{
	const Onnx__AttributeProto *a = attr_find(np, "perm");

	if (sim_args(np, in, nin, 1, 1) < 0)
		return NULL;
	if (a && a->n_ints != (size_t) in[0]->rank) {
		fprintf(stderr, "%s: perm does not match the rank\n",
			np->name);
		return NULL;
	}
	return layout_transpose(in[0], a ? a->ints : NULL);
}

/* Slice (opset 10+): starts, ends and the optional axes and steps are
 * inputs.
 */
static struct tensor *sim_slice(const Onnx__NodeProto *np,
	struct tensor *const *in, size_t nin)
{
	int64_t v[4][2 * MAX_RANK];
	int n[4], k;

	if (sim_args(np, in, nin, 3, 5) < 0)
		return NULL;
	for (k = 0; k < 4; k++) {
		n[k] = -1;
		if ((size_t) k + 1 < nin && in[k + 1] &&
		    ints_read(np, in[k + 1], v[k], &n[k]) < 0)
			return NULL;
	}
	if (n[1] != n[0] || (n[2] >= 0 && n[2] != n[0]) ||
	    (n[3] >= 0 && n[3] != n[0])) {
		fprintf(stderr, "%s: slice inputs differ in length\n",
			np->name);
		return NULL;
	}
	return layout_slice(in[0], n[0], v[0], v[1], n[2] >= 0 ? v[2] : NULL,
		n[3] >= 0 ? v[3] : NULL);
}

/* Pad (opset 11+, mode constant): pads and the optional constant_value
 * are inputs.
 */
static struct tensor *sim_pad(const Onnx__NodeProto *np,
	struct tensor *const *in, size_t nin)
{
	const Onnx__AttributeProto *mode = attr_find(np, "mode");
	const struct tensor *c = nin > 2 ? in[2] : NULL;
	int64_t pads[2 * MAX_RANK];
	int n;

	if (sim_args(np, in, nin, 2, 3) < 0 ||
	    ints_read(np, in[1], pads, &n) < 0)
		return NULL;
	if ((mode && !attr_is(mode, "constant")) || n != 2 * in[0]->rank ||
	    (c && c->n != 1)) {
		fprintf(stderr, "%s: unsupported Pad\n", np->name);
		return NULL;
	}
	return layout_pad(in[0], pads, c && c->f ? c->f[0] : 0.0f,
		c && c->i ? c->i[0] : 0);
}

/* Squeeze (axes optional) or Unsqueeze, axes an input (opset 13+). */
static struct tensor *sim_squeeze(const Onnx__NodeProto *np,
	struct tensor *const *in, size_t nin)
{
	int squeeze = strcmp(np->op_type, "Squeeze") == 0;
	int64_t axes[2 * MAX_RANK];
	int n = 0;

	if (sim_args(np, in, nin, squeeze ? 1 : 2, 2) < 0 ||
	    (nin > 1 && in[1] && ints_read(np, in[1], axes, &n) < 0))
		return NULL;
	return squeeze ? layout_squeeze(in[0], n, axes) :
		layout_unsqueeze(in[0], n, axes);
}

static const struct {
	const char *op;
	sim_fn fn;
} sim_ops[] = {
	{ "QuantizeLinear", sim_quantize },
	{ "DequantizeLinear", sim_dequantize },
	{ "Conv", sim_conv },
	{ "QLinearConv", sim_qlinearconv },
	{ "Gemm", sim_gemm },
	{ "MatMul", sim_matmul },
	{ "Add", sim_add },
	{ "Relu", sim_clip },
	{ "Clip", sim_clip },
	{ "MaxPool", sim_pool },
	{ "AveragePool", sim_pool },
	{ "GlobalAveragePool", sim_gap },
	{ "Flatten", sim_flatten },
	{ "Reshape", sim_reshape },
	{ "Concat", sim_concat },
	{ "Transpose", sim_transpose },
	{ "Slice", sim_slice },
	{ "Pad", sim_pad },
	{ "Squeeze", sim_squeeze },
	{ "Unsqueeze", sim_squeeze },
};

/* Run node "np" on the values of "e", adding its output. */
static int sim_node(struct env *e, const Onnx__NodeProto *np)
{
	struct tensor *in[64], *y = NULL;
	size_t k, j;

	if (np->n_input > 64 || np->n_output < 1)
		return -1;
	for (k = 0; k < np->n_input; k++) {
		in[k] = np->input[k][0] ? env_get(e, np->input[k]) : NULL;
		if (np->input[k][0] && !in[k]) {
			fprintf(stderr, "%s: no value for input %s\n",
				np->name, np->input[k]);
			return -1;
		}
	}
	for (j = 0; j < sizeof(sim_ops) / sizeof(sim_ops[0]); j++)
		if (strcmp(np->op_type, sim_ops[j].op) == 0)
			y = sim_ops[j].fn(np, in, np->n_input);
	if (!y) {
		fprintf(stderr, "interpreter: node %s (%s) failed\n",
			np->name ? np->name : "", np->op_type);
		return -1;
	}
	return env_put(e, np->output[0], y);
}

static int is_initializer(const Onnx__GraphProto *g, const char *name)
{
	size_t k;

	for (k = 0; k < g->n_initializer; k++)
		if (g->initializer[k]->name &&
		    strcmp(g->initializer[k]->name, name) == 0)
			return 1;
	return 0;
}

/* Load the initializers of "g" and its other graph inputs from
 * DIR/test_data_set_0/input_<j>.pb, j counting those inputs.
 */
static int env_load(struct env *e, const char *dir, const Onnx__GraphProto *g)
{
	char path[PATH_LEN];
	struct tensor *t;
	size_t k;
	int j = 0;

	for (k = 0; k < g->n_initializer; k++) {
		t = tensor_from_proto(g->initializer[k]);
		if (!t || env_put(e, g->initializer[k]->name, t) < 0)
			return -1;
	}
	for (k = 0; k < g->n_input; k++) {
		if (is_initializer(g, g->input[k]->name))
			continue;
		if (path_make(path, "%s/test_data_set_0/input_%d.pb", dir,
		    j++) < 0)
			return -1;
		t = tensor_read(path);
		if (!t || env_put(e, g->input[k]->name, t) < 0)
			return -1;
	}
	return 0;
}

/* Run DIR/model.onnx on its test inputs; a copy of graph output 0. */
static struct tensor *sim_model(const char *dir)
{
	Onnx__ModelProto *mp;
	char path[PATH_LEN];
	struct tensor *y = NULL, *t;
	struct env e;
	size_t k;
	int r;

	e.n = 0;
	if (path_make(path, "%s/model.onnx", dir) < 0)
		return NULL;
	mp = model_read(path);
	if (!mp)
		return NULL;
	r = env_load(&e, dir, mp->graph);
	for (k = 0; k < mp->graph->n_node && r == 0; k++)
		r = sim_node(&e, mp->graph->node[k]);
	if (r == 0 && mp->graph->n_output > 0) {
		t = env_get(&e, mp->graph->output[0]->name);
		y = t ? tensor_copy(t) : NULL;
	}
	env_clear(&e);
	onnx__model_proto__free_unpacked(mp, NULL);
	return y;
}

/* ---- Self-test against the ONNX conformance data ---------------------- */

enum ref_kind {
	REF_QLINEARCONV,
	REF_QLINEARMATMUL,
	REF_MAXPOOL_U8
};

static const struct {
	const char *name;
	enum ref_kind kind;
} ref_cases[] = {
	{ "test_qlinearconv", REF_QLINEARCONV },
	{ "test_qlinearmatmul_2D", REF_QLINEARMATMUL },
	{ "test_maxpool_2d_uint8", REF_MAXPOOL_U8 },
};

/* Float conformance tests of the interpreter's operators. */
static const char *const sim_cases[] = {
	"test_quantizelinear",
	"test_dequantizelinear",
	"test_dequantizelinear_axis",
	"test_conv_with_strides_padding",
	"test_conv_with_strides_and_asymmetric_padding",
	"test_gemm_transposeB",
	"test_gemm_default_vector_bias",
	"test_matmul_2d",
	"test_add_bcast",
	"test_relu",
	"test_clip",
	"test_maxpool_2d_pads",
	"test_maxpool_2d_ceil",
	"test_maxpool_2d_strides",
	"test_averagepool_2d_pads",
	"test_averagepool_2d_pads_count_include_pad",
	"test_averagepool_2d_ceil",
	"test_averagepool_2d_strides",
	"test_globalaveragepool",
	"test_flatten_axis1",
	"test_reshape_reordered_all_dims",
	"test_reshape_negative_dim",
	"test_concat_3d_axis_1",
	"test_concat_3d_axis_negative_1",
	"test_conv_with_autopad_same",
	"test_maxpool_2d_dilations",
	"test_maxpool_2d_same_upper",
	"test_maxpool_2d_same_lower",
	"test_averagepool_2d_same_upper",
	"test_gemm_default_no_bias",
	"test_transpose_default",
	"test_transpose_all_permutations_3",
	"test_transpose_all_permutations_5",
	"test_slice",
	"test_slice_neg",
	"test_slice_neg_steps",
	"test_slice_negative_axes",
	"test_slice_default_axes",
	"test_slice_default_steps",
	"test_slice_end_out_of_bounds",
	"test_slice_start_out_of_bounds",
	"test_constant_pad",
	"test_squeeze",
	"test_squeeze_negative_axes",
	"test_unsqueeze_axis_0",
	"test_unsqueeze_negative_axes",
	"test_unsqueeze_three_axes",
	"test_unsqueeze_unsorted_axes",
	"test_flatten_axis2",
};

/* Number of elements of "got" that differ from "want" (exactly for
 * integers, beyond 1e-4 absolute plus relative for floats); all when
 * type or shape differ.
 */
static size_t tensor_diff(const struct tensor *got, const struct tensor *want)
{
	size_t k, bad = 0;

	if (got->dtype != want->dtype || !tensor_same_shape(got, want))
		return want->n ? want->n : 1;
	for (k = 0; k < want->n; k++) {
		if (want->f)
			bad += !(fabsf(got->f[k] - want->f[k]) <=
				1e-4f + 1e-4f * fabsf(want->f[k]));
		else
			bad += got->i[k] != want->i[k];
	}
	return bad;
}

/* Weight zero points per output channel "m" from the zero point "zp" (a
 * scalar or [M]).
 */
static int32_t *zp_vec(const struct tensor *zp, int64_t m)
{
	int32_t *v = xmalloc((size_t) m * sizeof(int32_t));
	int64_t o;

	for (o = 0; o < m; o++)
		v[o] = zp->n > 1 ? zp->i[o] : zp->i[0];
	return v;
}

/* QLinearConv (x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B) and
 * QLinearMatMul (a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp) by
 * the reference: S[o] = fl(fl(xs * ws[o]) / ys), exact requantisation.
 */
static struct tensor *ref_qlinear(const Onnx__NodeProto *np,
	struct tensor *const *in, size_t nin, int conv)
{
	struct conv_attr ca;
	struct tensor *y = NULL;
	int64_t dims[4], nch, o, *acc = NULL;
	int32_t *wz;
	float *S;

	if (sim_args(np, in, nin, 8, conv ? 9 : 8) < 0)
		return NULL;
	nch = conv ? in[3]->dims[0] : in[3]->dims[1];
	wz = zp_vec(in[5], nch);
	S = xmalloc((size_t) nch * sizeof(float));
	for (o = 0; o < nch; o++)
		S[o] = in[1]->f[0] * in[4]->f[in[4]->n > 1 ? o : 0] /
			in[6]->f[0];
	if (conv && conv_attr_read(np, in[0], in[3], &ca) == 0)
		acc = conv_acc(in[0], in[2]->i[0], in[3], wz, nin > 8 && in[8] ?
			in[8]->i : NULL, &ca, dims);
	else if (!conv)
		acc = mm_acc(in[0], in[2]->i[0], in[3], 0, wz, NULL, dims);
	if (acc)
		y = ref_requant(acc, conv ? 4 : 2, dims, conv ? dims[2] *
			dims[3] : 1, nch, S, in[6]->f[0], in[7]->i[0],
			in[7]->dtype, &act_none);
	free(acc);
	free(wz);
	free(S);
	return y;
}

/* Run the reference of kind "kind" on the one node of conformance test
 * "dir" (inputs from "e").
 */
static struct tensor *ref_case_run(const struct env *e,
	const Onnx__GraphProto *g, enum ref_kind kind)
{
	const Onnx__NodeProto *np;
	struct tensor *in[16];
	struct pool_attr pa;
	size_t k;

	if (g->n_node != 1 || g->node[0]->n_input > 16)
		return NULL;
	np = g->node[0];
	for (k = 0; k < np->n_input; k++)
		in[k] = np->input[k][0] ? env_get(e, np->input[k]) : NULL;
	if (kind == REF_QLINEARCONV)
		return ref_qlinear(np, in, np->n_input, 1);
	if (kind == REF_QLINEARMATMUL)
		return ref_qlinear(np, in, np->n_input, 0);
	if (sim_args(np, in, np->n_input, 1, 1) < 0 ||
	    pool_attr_read(np, in[0], &pa) < 0)
		return NULL;
	return ref_pool(in[0], 0, 1.0f, 1.0f, 0, &pa, 0);
}

/* Check one conformance case: the reference kernels ("ref" >= 0, of that
 * kind) or the interpreter.
 */
static int selftest_case(const char *root, const char *name, int ref)
{
	char dir[PATH_LEN], path[PATH_LEN];
	Onnx__ModelProto *mp = NULL;
	struct tensor *want = NULL, *got = NULL;
	struct env e;
	size_t bad = 1;

	e.n = 0;
	if (path_make(dir, "%s/%s", root, name) == 0 &&
	    path_make(path, "%s/test_data_set_0/output_0.pb", dir) == 0)
		want = tensor_read(path);
	if (want && ref < 0) {
		got = sim_model(dir);
	} else if (want && path_make(path, "%s/model.onnx", dir) == 0 &&
		   (mp = model_read(path)) != NULL &&
		   env_load(&e, dir, mp->graph) == 0) {
		got = ref_case_run(&e, mp->graph, (enum ref_kind) ref);
	}
	if (got)
		bad = tensor_diff(got, want);
	printf("%-8s %-45s %s\n", bad ? "MISMATCH" : "OK", name,
		ref >= 0 ? "reference" : "interpreter");
	if (bad && want)
		printf("         %zu of %zu elements differ\n", bad, want->n);
	env_clear(&e);
	if (mp)
		onnx__model_proto__free_unpacked(mp, NULL);
	tensor_free(want);
	tensor_free(got);
	return bad == 0;
}

static int selftest(const char *root)
{
	size_t k;
	int pass = 0, fail = 0, ok;

	for (k = 0; k < sizeof(ref_cases) / sizeof(ref_cases[0]); k++) {
		ok = selftest_case(root, ref_cases[k].name,
			(int) ref_cases[k].kind);
		pass += ok;
		fail += !ok;
	}
	for (k = 0; k < sizeof(sim_cases) / sizeof(sim_cases[0]); k++) {
		ok = selftest_case(root, sim_cases[k], -1);
		pass += ok;
		fail += !ok;
	}
	printf("%d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: tool_gen_models OUTDIR\n"
		"       tool_gen_models --large OUTDIR\n"
		"       tool_gen_models --selftest [DIR]\n");
}

int main(int argc, char **argv)
{
	onnx_write_prog = "tool_gen_models";
	if (argc >= 2 && argc <= 3 && strcmp(argv[1], "--selftest") == 0)
		return selftest(argc == 3 ? argv[2] : CONFORMANCE_DIR);
	if (argc == 2 && argv[1][0] != '-')
		return gen_all(argv[1]);
	if (argc == 3 && strcmp(argv[1], "--large") == 0)
		return gen_large(argv[2]);
	usage();
	return 2;
}
