/* tool_gen_models: deterministic quantised CNN models in QDQ form.
 *
 *   tool_gen_models OUTDIR        write OUTDIR/<model>/model.onnx and
 *                                 OUTDIR/<model>/test_data_set_0/
 *                                 {input_0,output_0}.pb for each model
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
 * input and output).
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
 * Data come from xorshift64* seeded by names, so the files are identical
 * from run to run.  Allocation failure ends the tool (xmalloc).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <gmp.h>

#include "onnx.pb-c.h"

#define CONFORMANCE_DIR "/usr/share/libonnx-testdata/data/node"

#define MAX_RANK 6
#define NAME_LEN 96
#define PATH_LEN 4096
#define MAX_NODES 256
#define MAX_INITS 512
#define MAX_VALUES 1024
#define MAX_CONCAT 8
#define RNE_LIMIT ((int64_t) 1 << 40)
#define SIM_TOLERANCE 2

#define DT_F32 ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT
#define DT_U8 ONNX__TENSOR_PROTO__DATA_TYPE__UINT8
#define DT_I8 ONNX__TENSOR_PROTO__DATA_TYPE__INT8
#define DT_I32 ONNX__TENSOR_PROTO__DATA_TYPE__INT32
#define DT_I64 ONNX__TENSOR_PROTO__DATA_TYPE__INT64

#define ATTR_INT ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT
#define ATTR_INTS ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS

struct rng {
	uint64_t s;
};

/* A dense row-major tensor.  Integer types (uint8, int8, int32, int64)
 * keep their values in "i" (int64 narrowed: only small shape vectors),
 * float32 in "f".
 */
struct tensor {
	int dtype;
	int rank;
	int64_t dims[MAX_RANK];
	size_t n;
	int32_t *i;
	float *f;
};

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

struct pool_attr {
	int64_t k[2];
	int64_t s[2];
	int64_t p[4];
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

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "tool_gen_models: out of memory\n");
		exit(2);
	}
	return p;
}

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (!p) {
		fprintf(stderr, "tool_gen_models: out of memory\n");
		exit(2);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t len = strlen(s) + 1;

	return memcpy(xmalloc(len), s, len);
}

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

/* xorshift64* (Vigna); the state must not be zero. */
static uint64_t rng_next(struct rng *r)
{
	uint64_t x = r->s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* Seed "r" with the FNV-1a hash of "ns" ":" "name". */
static void rng_seed(struct rng *r, const char *ns, const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *p;

	for (p = ns; *p; p++)
		h = (h ^ (unsigned char) *p) * 0x100000001b3ULL;
	h = (h ^ ':') * 0x100000001b3ULL;
	for (p = name; *p; p++)
		h = (h ^ (unsigned char) *p) * 0x100000001b3ULL;
	r->s = h ? h : 1;
}

static int32_t rng_int(struct rng *r, int32_t lo, int32_t hi)
{
	uint64_t span = (uint64_t) ((int64_t) hi - lo + 1);

	return (int32_t) (lo + (int64_t) (rng_next(r) % span));
}

static double rng_double(struct rng *r, double lo, double hi)
{
	double u = (double) (rng_next(r) >> 11) / 9007199254740992.0;

	return lo + (hi - lo) * u;
}

static size_t dtype_size(int dtype)
{
	switch (dtype) {
	case DT_U8:
	case DT_I8:
		return 1;
	case DT_I32:
	case DT_F32:
		return 4;
	case DT_I64:
		return 8;
	default:
		return 0;
	}
}

static const char *dtype_name(int dtype)
{
	switch (dtype) {
	case DT_U8:
		return "uint8";
	case DT_I8:
		return "int8";
	case DT_I32:
		return "int32";
	case DT_I64:
		return "int64";
	case DT_F32:
		return "float";
	default:
		return "?";
	}
}

static void dtype_range(int dtype, int64_t *lo, int64_t *hi)
{
	if (dtype == DT_U8) {
		*lo = 0;
		*hi = 255;
	} else if (dtype == DT_I8) {
		*lo = -128;
		*hi = 127;
	} else {
		*lo = INT32_MIN;
		*hi = INT32_MAX;
	}
}

/* saturate(v) to the range of "dtype". */
static int32_t sat(int dtype, int64_t v)
{
	int64_t lo, hi;

	dtype_range(dtype, &lo, &hi);
	return (int32_t) (v < lo ? lo : v > hi ? hi : v);
}

static struct tensor *tensor_new(int dtype, int rank, const int64_t *dims)
{
	struct tensor *t = xcalloc(1, sizeof(*t));
	int d;

	t->dtype = dtype;
	t->rank = rank;
	t->n = 1;
	for (d = 0; d < rank; d++) {
		t->dims[d] = dims[d];
		t->n *= (size_t) dims[d];
	}
	if (dtype == DT_F32)
		t->f = xcalloc(t->n, sizeof(float));
	else
		t->i = xcalloc(t->n, sizeof(int32_t));
	return t;
}

static struct tensor *tensor_free(struct tensor *t)
{
	if (!t)
		return NULL;
	free(t->i);
	free(t->f);
	free(t);
	return NULL;
}

static struct tensor *tensor_copy(const struct tensor *src)
{
	struct tensor *t = tensor_new(src->dtype, src->rank, src->dims);

	if (t->f)
		memcpy(t->f, src->f, t->n * sizeof(float));
	else
		memcpy(t->i, src->i, t->n * sizeof(int32_t));
	return t;
}

static struct tensor *tensor_scalar_f(float v)
{
	struct tensor *t = tensor_new(DT_F32, 0, NULL);

	t->f[0] = v;
	return t;
}

static struct tensor *tensor_scalar_i(int dtype, int32_t v)
{
	struct tensor *t = tensor_new(dtype, 0, NULL);

	t->i[0] = v;
	return t;
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

static void tensor_dims_str(const struct tensor *t, char *buf, size_t size)
{
	size_t len;
	int d;

	len = (size_t) snprintf(buf, size, "[");
	for (d = 0; d < t->rank && len < size; d++)
		len += (size_t) snprintf(buf + len, size - len, "%s%lld",
			d ? "," : "", (long long) t->dims[d]);
	if (len < size)
		snprintf(buf + len, size - len, "]");
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

/* Store element "k" of "t" little-endian at "b". */
static void tensor_put_raw(const struct tensor *t, size_t k, uint8_t *b)
{
	uint64_t u;
	uint32_t f;
	size_t j, es = dtype_size(t->dtype);

	if (t->f) {
		memcpy(&f, &t->f[k], 4);
		u = f;
	} else {
		u = (uint64_t) (int64_t) t->i[k];
	}
	for (j = 0; j < es; j++)
		b[j] = (uint8_t) (u >> (8 * j));
}

/* Load element "k" of "t" from little-endian bytes "b". */
static void tensor_get_raw(struct tensor *t, size_t k, const uint8_t *b)
{
	uint64_t u = 0;
	uint32_t f;
	size_t j, es = dtype_size(t->dtype);

	for (j = 0; j < es; j++)
		u |= (uint64_t) b[j] << (8 * j);
	if (t->f) {
		f = (uint32_t) u;
		memcpy(&t->f[k], &f, 4);
	} else if (t->dtype == DT_U8) {
		t->i[k] = (int32_t) u;
	} else if (t->dtype == DT_I8) {
		t->i[k] = (int8_t) (uint8_t) u;
	} else if (t->dtype == DT_I32) {
		t->i[k] = (int32_t) (uint32_t) u;
	} else {
		t->i[k] = (int32_t) (int64_t) u;
	}
}

static __attribute__((warn_unused_result))
struct tensor *tensor_from_proto(const Onnx__TensorProto *p)
{
	struct tensor *t;
	size_t es, k;

	es = dtype_size(p->data_type);
	if (!es || p->n_dims > MAX_RANK) {
		fprintf(stderr, "tensor %s: unsupported type %d or rank %zu\n",
			p->name ? p->name : "", p->data_type, p->n_dims);
		return NULL;
	}
	for (k = 0; k < p->n_dims; k++)
		if (p->dims[k] < 0) {
			fprintf(stderr, "tensor %s: negative dimension\n",
				p->name ? p->name : "");
			return NULL;
		}
	t = tensor_new(p->data_type, (int) p->n_dims, p->dims);
	if (p->has_raw_data) {
		if (p->raw_data.len != t->n * es)
			goto error;
		for (k = 0; k < t->n; k++)
			tensor_get_raw(t, k, p->raw_data.data + k * es);
	} else if (t->f) {
		if (p->n_float_data != t->n)
			goto error;
		memcpy(t->f, p->float_data, t->n * sizeof(float));
	} else if (t->dtype == DT_I64) {
		if (p->n_int64_data != t->n)
			goto error;
		for (k = 0; k < t->n; k++)
			t->i[k] = (int32_t) p->int64_data[k];
	} else {
		if (p->n_int32_data != t->n)
			goto error;
		memcpy(t->i, p->int32_data, t->n * sizeof(int32_t));
	}
	return t;
error:
	fprintf(stderr, "tensor %s: data size does not match its shape\n",
		p->name ? p->name : "");
	return tensor_free(t);
}

static __attribute__((warn_unused_result))
Onnx__TensorProto *tensor_proto_new(const struct tensor *t, const char *name)
{
	Onnx__TensorProto *p = xmalloc(sizeof(*p));
	size_t es = dtype_size(t->dtype), k;

	onnx__tensor_proto__init(p);
	p->name = xstrdup(name);
	p->n_dims = (size_t) t->rank;
	p->dims = xmalloc((size_t) t->rank * sizeof(int64_t));
	memcpy(p->dims, t->dims, (size_t) t->rank * sizeof(int64_t));
	p->has_data_type = 1;
	p->data_type = t->dtype;
	p->has_raw_data = 1;
	p->raw_data.len = t->n * es;
	p->raw_data.data = xmalloc(t->n * es);
	for (k = 0; k < t->n; k++)
		tensor_put_raw(t, k, p->raw_data.data + k * es);
	return p;
}

static __attribute__((warn_unused_result))
uint8_t *file_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long size;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "%s: cannot size\n", path);
		fclose(f);
		return NULL;
	}
	buf = xmalloc((size_t) size);
	if (fread(buf, 1, (size_t) size, f) != (size_t) size) {
		fprintf(stderr, "%s: short read\n", path);
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	*len = (size_t) size;
	return buf;
}

static __attribute__((warn_unused_result))
int msg_write(const char *path, const ProtobufCMessage *m)
{
	size_t len = protobuf_c_message_get_packed_size(m);
	uint8_t *buf = xmalloc(len);
	FILE *f;
	int ok;

	protobuf_c_message_pack(m, buf);
	f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		free(buf);
		return -1;
	}
	ok = fwrite(buf, 1, len, f) == len;
	ok = (fclose(f) == 0) && ok;
	free(buf);
	if (!ok) {
		fprintf(stderr, "%s: write failed\n", path);
		return -1;
	}
	return 0;
}

static __attribute__((warn_unused_result))
int tensor_write(const char *path, const struct tensor *t, const char *name)
{
	Onnx__TensorProto *p = tensor_proto_new(t, name);
	int r = msg_write(path, &p->base);

	onnx__tensor_proto__free_unpacked(p, NULL);
	return r;
}

static __attribute__((warn_unused_result))
struct tensor *tensor_read(const char *path)
{
	Onnx__TensorProto *p;
	struct tensor *t;
	uint8_t *buf;
	size_t len;

	buf = file_read(path, &len);
	if (!buf)
		return NULL;
	p = onnx__tensor_proto__unpack(NULL, len, buf);
	free(buf);
	if (!p) {
		fprintf(stderr, "%s: not a TensorProto\n", path);
		return NULL;
	}
	t = tensor_from_proto(p);
	onnx__tensor_proto__free_unpacked(p, NULL);
	return t;
}

static __attribute__((warn_unused_result))
Onnx__ModelProto *model_read(const char *path)
{
	Onnx__ModelProto *m;
	uint8_t *buf;
	size_t len;

	buf = file_read(path, &len);
	if (!buf)
		return NULL;
	m = onnx__model_proto__unpack(NULL, len, buf);
	free(buf);
	if (!m || !m->graph) {
		fprintf(stderr, "%s: not a ModelProto\n", path);
		if (m)
			onnx__model_proto__free_unpacked(m, NULL);
		return NULL;
	}
	return m;
}

/* Format a path into "buf" (PATH_LEN bytes); -1 if it does not fit. */
static __attribute__((format(printf, 2, 3)))
int path_make(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, PATH_LEN, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_LEN) {
		fprintf(stderr, "path too long\n");
		return -1;
	}
	return 0;
}

static int dir_make(const char *path)
{
	if (mkdir(path, 0777) == 0 || errno == EEXIST)
		return 0;
	fprintf(stderr, "%s: %s\n", path, strerror(errno));
	return -1;
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
	int64_t tlo, thi;

	dtype_range(dtype, &tlo, &thi);
	*lo = (int32_t) tlo;
	*hi = (int32_t) thi;
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

/* Output size of a pooling axis: (in + pb + pe - k) / s + 1 with the
 * quotient floored, or ceiled in "ceil_mode", where a last window that
 * would start in the end padding is dropped (as ONNX and PyTorch do).
 */
static int64_t pool_out_dim(int64_t in, int64_t k, int64_t s, int64_t pb,
	int64_t pe, int ceil_mode)
{
	int64_t span = in + pb + pe - k, o;

	if (span < 0)
		return 0;
	o = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
	if (ceil_mode && (o - 1) * s >= in + pb)
		o--;
	return o;
}

/* Window of output position "o" on one axis: the valid input positions
 * [*lo, *hi) and *cnt, the positions counted by count_include_pad: those
 * of the window inside the padded extent [-pb, in + pe).
 */
static void pool_window(int64_t o, int64_t in, int64_t k, int64_t s,
	int64_t pb, int64_t pe, int64_t *lo, int64_t *hi, int64_t *cnt)
{
	int64_t start = o * s - pb, end = start + k;

	*lo = start > 0 ? start : 0;
	*hi = end < in ? end : in;
	*cnt = (end < in + pe ? end : in + pe) - start;
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
	dims[2] = pool_out_dim(x->dims[2], pa->k[0], pa->s[0], pa->p[0],
		pa->p[2], pa->ceil_mode);
	dims[3] = pool_out_dim(x->dims[3], pa->k[1], pa->s[1], pa->p[1],
		pa->p[3], pa->ceil_mode);
	if (dims[2] < 1 || dims[3] < 1) {
		fprintf(stderr, "pool: empty output\n");
		return -1;
	}
	return 0;
}

/* Sum of (x - xz) and maximum of x over the valid taps of window (oy, ox)
 * of plane "p" [H, W]; *n counts the taps (all of the padded extent when
 * "incl") and *nv the valid ones.
 */
static void pool_taps(const struct tensor *x, const int32_t *p, int32_t xz,
	const struct pool_attr *pa, int incl, int64_t oy, int64_t ox,
	int64_t *sum, int32_t *max, int64_t *n, int64_t *nv)
{
	int64_t y0, y1, x0, x1, cy, cx, iy, ix;

	pool_window(oy, x->dims[2], pa->k[0], pa->s[0], pa->p[0], pa->p[2],
		&y0, &y1, &cy);
	pool_window(ox, x->dims[3], pa->k[1], pa->s[1], pa->p[1], pa->p[3],
		&x0, &x1, &cx);
	*sum = 0;
	*max = INT32_MIN;
	for (iy = y0; iy < y1; iy++)
		for (ix = x0; ix < x1; ix++) {
			*sum += p[iy * x->dims[3] + ix] - xz;
			if (p[iy * x->dims[3] + ix] > *max)
				*max = p[iy * x->dims[3] + ix];
		}
	*nv = (y1 > y0 ? y1 - y0 : 0) * (x1 > x0 ? x1 - x0 : 0);
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
	return ref_pool(x, xz, xs, ys, yz, &pa, 1);
}
