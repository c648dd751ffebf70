/*
 * QDQ fusion: rewrite DequantizeLinear -> float op [-> Relu|Clip] ->
 * QuantizeLinear into integer operators, as ONNX Runtime's QDQ
 * transformations do, so that the rest of the compiler sees only integer
 * operators: QLinearConv, QLinearMatMul (with an optional bias input and
 * transB), com.microsoft QLinearAdd, QLinearAveragePool and
 * QLinearGlobalAveragePool, atoll QLinearActivation and QLinearMaxPool,
 * and layout operators on quantised tensors.  Fused Relu/Clip become the
 * attributes atoll_clamp_lo/atoll_clamp_hi (quantised bounds).  The
 * QuantizeLinear of a float graph input and the DequantizeLinear of a
 * float graph output move to the host.  Semantics: docs/qsemantics.md.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

struct qval {
	int q, s, z;			/* quantised tensor, scale, zero point */
	int64_t axis;			/* DequantizeLinear axis attribute */
};

struct qdq {
	atoll_graph *g;
	atoll_diag *d;
	struct qval *qmap;		/* per float tensor: DQ source, q < 0 none */
	int *nuse;			/* per tensor: consuming nodes */
	int *user;			/* per tensor: last consuming node */
	char *dead;			/* per node: fused away */
	atoll_node *out;
	int nout;
	char where[600];
};

static const char *layout_ops[] = { "Concat", "Reshape", "Flatten",
	"Transpose", "Squeeze", "Unsqueeze", "Slice", "Pad", "Identity", NULL };

static int in_list(const char *s, const char **list)
{
	int i;

	for (i = 0; list[i]; i++)
		if (!strcmp(s, list[i]))
			return 1;
	return 0;
}

static int is_op(const atoll_node *n, const char *op)
{
	return !strcmp(n->op_type, op) &&
		(!n->domain || !n->domain[0] || !strcmp(n->domain, "ai.onnx"));
}

static int qfail(struct qdq *c, const atoll_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int qfail(struct qdq *c, const atoll_node *n, const char *fmt, ...)
{
	char msg[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->where, sizeof(c->where), "node '%s' (%s)", n->name,
		n->op_type);
	atoll_diag_error(c->d, c->where, "%s", msg);
	return -1;
}

static int in_at(const atoll_node *n, int i)
{
	return i < n->ninputs ? n->inputs[i] : -1;
}

/* The float value of the constant scalar "t" (float tensor), or NAN. */
static float const_f(const atoll_graph *g, int t)
{
	float f;

	if (t < 0 || !g->tensors[t].data || g->tensors[t].dtype !=
	    ATOLL_DT_FLOAT || g->tensors[t].nbytes < 4)
		return NAN;
	memcpy(&f, g->tensors[t].data, 4);
	return f;
}

static int const_zp(const atoll_graph *g, int t)
{
	const atoll_tensor *z;

	if (t < 0)
		return 0;
	z = &g->tensors[t];
	if (!z->data || z->nbytes < 1)
		return 0;
	return z->dtype == ATOLL_DT_INT8 ? *(const int8_t *) z->data :
		*(const uint8_t *) z->data;
}

static int zp_dtype(const atoll_graph *g, int t)
{
	return t < 0 ? ATOLL_DT_UINT8 : g->tensors[t].dtype;
}

/* QuantizeLinear of the float "v" with the scale "s" and zero point of
 * tensor "zt", in float32 as ONNX defines it.
 */
static int quantize(const atoll_graph *g, float v, float s, int zt)
{
	volatile float t = v / s;
	double r = rint((double) t) + const_zp(g, zt);
	int signed8 = zp_dtype(g, zt) == ATOLL_DT_INT8;
	double lo = signed8 ? -128 : 0, hi = signed8 ? 127 : 255;

	return (int) (r < lo ? lo : r > hi ? hi : r);
}

static int attr_copy(atoll_attr *dst, const atoll_attr *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->name = strdup(src->name);
	dst->type = src->type;
	dst->i = src->i;
	dst->f = src->f;
	if (src->nints) {
		dst->ints = malloc(src->nints * sizeof(*dst->ints));
		if (dst->ints)
			memcpy(dst->ints, src->ints,
				src->nints * sizeof(*dst->ints));
		dst->nints = src->nints;
	}
	if (src->nfloats) {
		dst->floats = malloc(src->nfloats * sizeof(*dst->floats));
		if (dst->floats)
			memcpy(dst->floats, src->floats,
				src->nfloats * sizeof(*dst->floats));
		dst->nfloats = src->nfloats;
	}
	if (src->s)
		dst->s = strdup(src->s);
	return dst->name && (!src->nints || dst->ints) &&
		(!src->nfloats || dst->floats) && (!src->s || dst->s) ? 0 : -1;
}

/* Emit a node named after "src" with its attributes, "op" in "domain",
 * the given inputs and output, plus up to two integer attributes.
 */
static atoll_node *emit(struct qdq *c, const atoll_node *src, const char *op,
	const char *domain, const int *in, int nin, int out)
{
	atoll_node *n;
	int i;

	n = realloc(c->out, (c->nout + 1) * sizeof(*n));
	if (!n)
		return NULL;
	c->out = n;
	n = &c->out[c->nout++];
	memset(n, 0, sizeof(*n));
	n->name = strdup(src->name);
	n->op_type = strdup(op);
	n->domain = strdup(domain);
	n->inputs = malloc((nin ? nin : 1) * sizeof(int));
	n->outputs = malloc(sizeof(int));
	n->attrs = calloc(src->nattrs + 2, sizeof(*n->attrs));
	if (!n->name || !n->op_type || !n->domain || !n->inputs ||
	    !n->outputs || !n->attrs)
		return NULL;
	memcpy(n->inputs, in, nin * sizeof(int));
	n->ninputs = nin;
	n->outputs[0] = out;
	n->noutputs = 1;
	for (i = 0; i < src->nattrs; i++)
		if (attr_copy(&n->attrs[n->nattrs++], &src->attrs[i]) < 0)
			return NULL;
	return n;
}

static int add_int_attr(atoll_node *n, const char *name, int64_t v)
{
	atoll_attr *a = &n->attrs[n->nattrs];

	memset(a, 0, sizeof(*a));
	a->name = strdup(name);
	a->type = ATOLL_ATTR_INT;
	a->i = v;
	if (!a->name)
		return -1;
	n->nattrs++;
	return 0;
}

static int copy_node(struct qdq *c, const atoll_node *src)
{
	atoll_node *n = emit(c, src, src->op_type, src->domain ?
		src->domain : "", src->inputs, src->ninputs, -1);

	if (!n)
		return -1;
	free(n->outputs);
	n->outputs = malloc((src->noutputs ? src->noutputs : 1) *
		sizeof(int));
	if (!n->outputs)
		return -1;
	memcpy(n->outputs, src->outputs, src->noutputs * sizeof(int));
	n->noutputs = src->noutputs;
	return 0;
}

/* The unique node consuming tensor "t", or -1. */
static int sole_user(struct qdq *c, int t)
{
	if (t < 0 || c->nuse[t] != 1 || c->g->tensors[t].is_output)
		return -1;
	return c->user[t];
}

/* Clamp bounds of an activation node "a" (Relu or Clip) in the quantised
 * domain of scale "ys" and zero point tensor "yz".
 */
static int act_bounds(struct qdq *c, const atoll_node *a, float ys, int yz,
	int *lo, int *hi)
{
	const atoll_graph *g = c->g;
	const atoll_attr *at;
	float fmin = -INFINITY, fmax = INFINITY;
	int signed8 = zp_dtype(g, yz) == ATOLL_DT_INT8;

	*lo = signed8 ? -128 : 0;
	*hi = signed8 ? 127 : 255;
	if (is_op(a, "Relu")) {
		*lo = const_zp(g, yz);
		return 0;
	}
	if ((at = atoll_node_attr(a, "min")))
		fmin = at->f;
	if ((at = atoll_node_attr(a, "max")))
		fmax = at->f;
	if (in_at(a, 1) >= 0)
		fmin = const_f(g, a->inputs[1]);
	if (in_at(a, 2) >= 0)
		fmax = const_f(g, a->inputs[2]);
	if (isnan(fmin) || isnan(fmax))
		return qfail(c, a, "Clip bounds must be constant floats");
	if (!isinf(fmin))
		*lo = quantize(g, fmin, ys, yz);
	if (!isinf(fmax))
		*hi = quantize(g, fmax, ys, yz);
	return 0;
}

static struct qval *qv(struct qdq *c, int t)
{
	if (t < 0 || c->qmap[t].q < 0)
		return NULL;
	return &c->qmap[t];
}

/* Follow the float output of node "ni" through an optional Relu/Clip to
 * its QuantizeLinear; returns the QuantizeLinear node or -1, and the
 * activation node in "*act" (-1 if none).
 */
static int find_quantize(struct qdq *c, int ni, int *act)
{
	const atoll_graph *g = c->g;
	int u = sole_user(c, g->nodes[ni].outputs[0]);

	*act = -1;
	if (u >= 0 && (is_op(&g->nodes[u], "Relu") ||
		       is_op(&g->nodes[u], "Clip"))) {
		*act = u;
		u = sole_user(c, g->nodes[u].outputs[0]);
	}
	if (u < 0 || !is_op(&g->nodes[u], "QuantizeLinear"))
		return -1;
	return u;
}

static int fuse_out(struct qdq *c, atoll_node *n, int act, int qn)
{
	const atoll_graph *g = c->g;
	int lo, hi, yz = in_at(&g->nodes[qn], 2);
	float ys = const_f(g, in_at(&g->nodes[qn], 1));

	c->dead[qn] = 1;
	if (act < 0)
		return 0;
	c->dead[act] = 1;
	if (isnan(ys))
		return qfail(c, &g->nodes[qn], "scale must be a constant float");
	if (act_bounds(c, &g->nodes[act], ys, yz, &lo, &hi) < 0)
		return -1;
	if (add_int_attr(n, "atoll_clamp_lo", lo) < 0 ||
	    add_int_attr(n, "atoll_clamp_hi", hi) < 0)
		return -1;
	return 0;
}

/* The quantised source of float input "i" of node "n"; fails naming the
 * node when the input is not a DequantizeLinear output.
 */
static int need_q(struct qdq *c, const atoll_node *n, int i,
	struct qval *out)
{
	struct qval *v = qv(c, in_at(n, i));

	if (!v)
		return qfail(c, n, "input %d is not the output of a "
			"DequantizeLinear (atoll runs quantised models only)", i);
	*out = *v;
	return 0;
}

/* Conv, MatMul, Gemm (and MatMul followed by a bias Add) between
 * DequantizeLinear and QuantizeLinear.
 */
static int fuse_linear(struct qdq *c, int ni, int qn, int act)
{
	atoll_graph *g = c->g;
	const atoll_node *n = &g->nodes[ni];
	struct qval x, w, b = { -1, -1, -1, 1 };
	const atoll_node *qnode = &g->nodes[qn];
	int in[9], nin = 8, conv = is_op(n, "Conv");
	atoll_node *e;

	if (need_q(c, n, 0, &x) < 0 || need_q(c, n, 1, &w) < 0)
		return -1;
	if (in_at(n, 2) >= 0 && need_q(c, n, 2, &b) < 0)
		return -1;
	in[0] = x.q; in[1] = x.s; in[2] = x.z;
	in[3] = w.q; in[4] = w.s; in[5] = w.z;
	in[6] = in_at(qnode, 1); in[7] = in_at(qnode, 2);
	if (b.q >= 0) {
		in[8] = b.q;
		nin = 9;
	}
	e = emit(c, n, conv ? "QLinearConv" : "QLinearMatMul", "", in, nin,
		qnode->outputs[0]);
	if (!e)
		return -1;
	return fuse_out(c, e, act, qn);
}

/* MatMul -> Add(bias: DequantizeLinear of an int32 constant) -> [act] ->
 * QuantizeLinear becomes one QLinearMatMul with a bias input.
 */
static int fuse_matmul_bias(struct qdq *c, int ni, int addn)
{
	atoll_graph *g = c->g;
	const atoll_node *a = &g->nodes[addn];
	int other = a->inputs[0] == g->nodes[ni].outputs[0] ? in_at(a, 1) :
		in_at(a, 0);
	struct qval *bv = qv(c, other);
	int act, qn;
	atoll_node *e;

	if (!bv || !g->tensors[bv->q].data ||
	    g->tensors[bv->q].dtype != ATOLL_DT_INT32)
		return 1;
	qn = find_quantize(c, addn, &act);
	if (qn < 0)
		return 1;
	if (fuse_linear(c, ni, qn, act) < 0)
		return -1;
	e = &c->out[c->nout - 1];
	e->inputs = realloc(e->inputs, 9 * sizeof(int));
	if (!e->inputs)
		return -1;
	e->inputs[8] = bv->q;
	e->ninputs = 9;
	c->dead[addn] = 1;
	return 0;
}

/* Add, Relu, Clip, MaxPool, AveragePool, GlobalAveragePool. */
static int fuse_vector(struct qdq *c, int ni, int qn, int act)
{
	atoll_graph *g = c->g;
	const atoll_node *n = &g->nodes[ni];
	const atoll_node *qnode = &g->nodes[qn];
	struct qval a, b;
	int in[8], y = qnode->outputs[0];
	atoll_node *e;

	if (need_q(c, n, 0, &a) < 0)
		return -1;
	in[0] = a.q; in[1] = a.s; in[2] = a.z;
	if (is_op(n, "Add")) {
		if (need_q(c, n, 1, &b) < 0)
			return -1;
		in[3] = b.q; in[4] = b.s; in[5] = b.z;
		in[6] = in_at(qnode, 1); in[7] = in_at(qnode, 2);
		e = emit(c, n, "QLinearAdd", "com.microsoft", in, 8, y);
		return e ? fuse_out(c, e, act, qn) : -1;
	}
	in[3] = in_at(qnode, 1); in[4] = in_at(qnode, 2);
	if (is_op(n, "Relu") || is_op(n, "Clip")) {
		e = emit(c, n, "QLinearActivation", "atoll", in, 5, y);
		return e ? fuse_out(c, e, ni, qn) : -1;
	}
	if (is_op(n, "MaxPool"))
		e = emit(c, n, "QLinearMaxPool", "atoll", in, 5, y);
	else if (is_op(n, "AveragePool"))
		e = emit(c, n, "QLinearAveragePool", "com.microsoft", in, 5, y);
	else
		e = emit(c, n, "QLinearGlobalAveragePool", "com.microsoft", in,
			5, y);
	return e ? fuse_out(c, e, act, qn) : -1;
}

/* A layout operator on DequantizeLinear outputs works on the quantised
 * values directly (all data inputs must share one quantisation).  Its
 * output is quantised with the same parameters: either the following
 * QuantizeLinear's output (same scale and zero point), or a new tensor
 * recorded as the DequantizeLinear source of the float output.
 */
static int fuse_layout(struct qdq *c, int ni)
{
	atoll_graph *g = c->g;
	const atoll_node *n = &g->nodes[ni];
	int nd = is_op(n, "Concat") ? n->ninputs : 1;
	int *in, i, y, u, act;
	struct qval a, b;
	atoll_node *e;
	char name[512];

	if (need_q(c, n, 0, &a) < 0)
		return -1;
	in = malloc(n->ninputs * sizeof(int));
	if (!in)
		return -1;
	memcpy(in, n->inputs, n->ninputs * sizeof(int));
	for (i = 0; i < nd; i++) {
		if (need_q(c, n, i, &b) < 0 ||
		    const_f(g, b.s) != const_f(g, a.s) ||
		    const_zp(g, b.z) != const_zp(g, a.z) ||
		    zp_dtype(g, b.z) != zp_dtype(g, a.z)) {
			free(in);
			return c->d->failed ? -1 : qfail(c, n, "inputs have "
				"different quantisation parameters");
		}
		in[i] = b.q;
	}
	u = find_quantize(c, ni, &act);
	if (u >= 0 && act < 0 &&
	    const_f(g, in_at(&g->nodes[u], 1)) == const_f(g, a.s) &&
	    const_zp(g, in_at(&g->nodes[u], 2)) == const_zp(g, a.z) &&
	    zp_dtype(g, in_at(&g->nodes[u], 2)) == zp_dtype(g, a.z)) {
		y = g->nodes[u].outputs[0];
		c->dead[u] = 1;
	} else {
		snprintf(name, sizeof(name), "%s.q",
			g->tensors[n->outputs[0]].name);
		y = atoll_graph_add_tensor(g, name, zp_dtype(g, a.z));
		if (y < 0) {
			free(in);
			return -1;
		}
		n = &g->nodes[ni];
		c->qmap[n->outputs[0]] = (struct qval) { y, a.s, a.z, 1 };
	}
	e = emit(c, n, n->op_type, "", in, n->ninputs, y);
	free(in);
	if (!e)
		return -1;
	return is_op(n, "Pad") ? add_int_attr(e, "atoll_pad_value",
		const_zp(g, a.z)) : 0;
}

/* The quantised tensor takes over the graph's name for the float
 * tensor at the boundary: that is the name users bind and read.
 */
static void swap_names(atoll_graph *g, int a, int b)
{
	char *t = g->tensors[a].name;

	g->tensors[a].name = g->tensors[b].name;
	g->tensors[b].name = t;
}

/* Emit an Identity node "src" -> "y" reading "x": a device copy, for a
 * quantised tensor that must exist both as an input and as an output.
 */
static void drop_attrs(atoll_node *e)
{
	int i;

	for (i = 0; i < e->nattrs; i++) {
		free(e->attrs[i].name);
		free(e->attrs[i].ints);
		free(e->attrs[i].floats);
		free(e->attrs[i].s);
	}
	e->nattrs = 0;
}

static int emit_identity(struct qdq *c, const atoll_node *src, int x, int y)
{
	atoll_node *e = emit(c, src, "Identity", "", &x, 1, y);

	if (!e)
		return -1;
	drop_attrs(e);
	return 0;
}

/* The quantisation parameters "s" (scale) and "z" (zero point, may be -1)
 * of a QuantizeLinear/DequantizeLinear "n" with "axis" on the tensor "x"
 * moved to the host: per tensor (host_float 1) or per axis (2) into "t".
 */
static int host_params(struct qdq *c, const atoll_node *n, int x, int s,
	int z, int64_t axis, atoll_tensor *t)
{
	const atoll_graph *g = c->g;
	const atoll_tensor *xt = &g->tensors[x];
	int64_t ns = s >= 0 ? atoll_tensor_numel(&g->tensors[s]) : 0;
	int64_t k;

	if (isnan(const_f(g, s)))
		return qfail(c, n, "scale must be a constant float");
	if (z >= 0 && (!g->tensors[z].data ||
	    atoll_tensor_numel(&g->tensors[z]) != ns))
		return qfail(c, n, "zero point must be a constant with as "
			"many elements as the scale");
	t->host_scale = const_f(g, s);
	t->host_zp = const_zp(g, z);
	t->host_float = 1;
	if (ns == 1 && g->tensors[s].rank <= 1)
		return 0;
	if (axis < 0)
		axis += xt->rank;
	if (g->tensors[s].rank != 1 || axis < 0 || axis >= xt->rank ||
	    ns != xt->dims[axis])
		return qfail(c, n, "per-axis scale has %lld elements; it "
			"needs one per index along axis %lld",
			(long long) ns, (long long) axis);
	for (k = 0; k < ns; k++) {
		float f;

		memcpy(&f, (const char *) g->tensors[s].data + 4 * k, 4);
		if (!(f > 0) || isinf(f))
			return qfail(c, n, "scale %lld is not finite and "
				"positive", (long long) k);
	}
	t->host_float = 2;
	t->host_axis = (int) axis;
	t->host_qs = s;
	t->host_qz = z;
	return 0;
}

static int64_t axis_attr(const atoll_node *n)
{
	const atoll_attr *a = atoll_node_attr(n, "axis");

	return a ? a->i : 1;
}

/* QuantizeLinear of a float graph input: the host quantises it, per
 * tensor or per axis.  If the quantised tensor is also a graph output,
 * the host-quantised input is a new tensor and the device copies it.
 */
static int host_quantize(struct qdq *c, int ni)
{
	atoll_graph *g = c->g;
	const atoll_node *n = &g->nodes[ni];
	int x = n->inputs[0], q = n->outputs[0], qi = q, i, k;
	atoll_tensor *tq;
	char name[512];

	if (g->tensors[q].is_output) {
		snprintf(name, sizeof(name), "%s.q", g->tensors[x].name);
		qi = atoll_graph_add_tensor(g, name,
			zp_dtype(g, in_at(&g->nodes[ni], 2)));
		if (qi < 0)
			return -1;
		n = &g->nodes[ni];
	}
	tq = &g->tensors[qi];
	if (host_params(c, n, x, in_at(n, 1), in_at(n, 2), axis_attr(n),
			tq) < 0)
		return -1;
	tq->is_input = 1;
	tq->dtype = zp_dtype(g, in_at(n, 2));
	tq->rank = g->tensors[x].rank;
	for (k = 0; k < tq->rank && k < ATOLL_MAX_RANK; k++)
		tq->dims[k] = g->tensors[x].dims[k];
	for (i = 0; i < g->ninputs; i++)
		if (g->inputs[i] == x)
			g->inputs[i] = qi;
	g->tensors[x].is_input = 0;
	swap_names(g, x, qi);
	c->dead[ni] = 1;
	return qi == q ? 0 : emit_identity(c, n, qi, q);
}

/* QuantizeLinear of a DequantizeLinear output inside the graph: a
 * requantisation, the QLinearActivation without a clamp (or nothing but
 * a copy when both sides have the same parameters).
 */
static int requantize(struct qdq *c, int ni, const struct qval *a)
{
	const atoll_graph *g = c->g;
	const atoll_node *n = &g->nodes[ni];
	int in[5] = { a->q, a->s, a->z, in_at(n, 1), in_at(n, 2) };
	atoll_node *e;

	if (isnan(const_f(g, a->s)) || isnan(const_f(g, in[3])) ||
	    atoll_tensor_numel(&g->tensors[a->s]) != 1 ||
	    atoll_tensor_numel(&g->tensors[in[3]]) != 1 ||
	    (a->z >= 0 && atoll_tensor_numel(&g->tensors[a->z]) != 1) ||
	    (in[4] >= 0 && atoll_tensor_numel(&g->tensors[in[4]]) != 1))
		return qfail(c, n, "requantisation (DequantizeLinear -> "
			"QuantizeLinear) needs constant per-tensor scales and "
			"zero points on both sides");
	c->dead[ni] = 1;
	if (const_f(g, a->s) == const_f(g, in[3]) &&
	    const_zp(g, a->z) == const_zp(g, in[4]) &&
	    zp_dtype(g, a->z) == zp_dtype(g, in[4]))
		return emit_identity(c, n, a->q, n->outputs[0]);
	e = emit(c, n, "QLinearActivation", "atoll", in, 5, n->outputs[0]);
	if (!e)
		return -1;
	drop_attrs(e);
	return 0;
}

static int fuse_node(struct qdq *c, int ni)
{
	atoll_graph *g = c->g;
	const atoll_node *n = &g->nodes[ni];
	int qn, act, r;

	if (is_op(n, "DequantizeLinear") && n->ninputs >= 2) {
		c->qmap[n->outputs[0]] = (struct qval) { n->inputs[0],
			n->inputs[1], in_at(n, 2), axis_attr(n) };
		c->dead[ni] = 1;
		return 0;
	}
	if (is_op(n, "QuantizeLinear") && n->ninputs >= 2 &&
	    g->tensors[n->inputs[0]].is_input)
		return host_quantize(c, ni);
	if (is_op(n, "QuantizeLinear") && n->ninputs >= 2 && qv(c, n->inputs[0]))
		return requantize(c, ni, qv(c, n->inputs[0]));
	if (is_op(n, "MatMul") && qv(c, in_at(n, 0))) {
		int u = sole_user(c, n->outputs[0]);

		if (u >= 0 && is_op(&g->nodes[u], "Add")) {
			r = fuse_matmul_bias(c, ni, u);
			if (r <= 0)
				return r;
		}
	}
	if (in_list(n->op_type, layout_ops) && qv(c, in_at(n, 0)))
		return fuse_layout(c, ni);
	if ((is_op(n, "Conv") || is_op(n, "MatMul") || is_op(n, "Gemm") ||
	     is_op(n, "Add") || is_op(n, "Relu") || is_op(n, "Clip") ||
	     is_op(n, "MaxPool") || is_op(n, "AveragePool") ||
	     is_op(n, "GlobalAveragePool")) && qv(c, in_at(n, 0))) {
		qn = find_quantize(c, ni, &act);
		if (qn < 0)
			return qfail(c, n, "float output is not quantised "
				"(expected QuantizeLinear after the operator)");
		if (is_op(n, "Relu") || is_op(n, "Clip"))
			act = -1;
		if (is_op(n, "Conv") || is_op(n, "MatMul") || is_op(n, "Gemm"))
			return fuse_linear(c, ni, qn, act);
		return fuse_vector(c, ni, qn, act);
	}
	return copy_node(c, n);
}

/* Graph outputs that are float DequantizeLinear results: the host
 * dequantises the quantised tensor, per tensor or per axis.  A quantised
 * tensor that is a graph input or already another output is first copied
 * on the device into a tensor of its own.
 */
static int host_dequantize(struct qdq *c)
{
	atoll_graph *g = c->g;
	int i;

	for (i = 0; i < g->noutputs; i++) {
		int f = g->outputs[i], q;
		struct qval *v = qv(c, f);
		atoll_node src;
		char name[512];

		if (!v)
			continue;
		memset(&src, 0, sizeof(src));
		snprintf(name, sizeof(name), "DequantizeLinear(%s)",
			g->tensors[f].name);
		src.name = name;
		src.op_type = "DequantizeLinear";
		q = v->q;
		if (g->tensors[q].is_input || g->tensors[q].is_output ||
		    g->tensors[q].data) {
			char tn[512];
			int d = g->tensors[q].dtype, k;

			snprintf(tn, sizeof(tn), "%s.q", g->tensors[f].name);
			q = atoll_graph_add_tensor(g, tn, d);
			if (q < 0)
				return -1;
			v = qv(c, f);
			g->tensors[q].rank = g->tensors[v->q].rank;
			for (k = 0; k < g->tensors[q].rank; k++)
				g->tensors[q].dims[k] = g->tensors[v->q].dims[k];
			if (emit_identity(c, &src, v->q, q) < 0)
				return -1;
		}
		if (host_params(c, &src, f, v->s, v->z, v->axis,
				&g->tensors[q]) < 0)
			return -1;
		g->tensors[q].is_output = 1;
		g->tensors[f].is_output = 0;
		g->outputs[i] = q;
		swap_names(g, f, q);
	}
	return 0;
}

static void count_users(struct qdq *c)
{
	atoll_graph *g = c->g;
	int i, k;

	for (i = 0; i < g->nnodes; i++)
		for (k = 0; k < g->nodes[i].ninputs; k++) {
			int t = g->nodes[i].inputs[k];

			if (t < 0)
				continue;
			c->nuse[t]++;
			c->user[t] = i;
		}
}

static void nodes_free(atoll_node *nodes, int n)
{
	int i;

	if (!nodes)
		return;
	for (i = 0; i < n; i++) {
		free(nodes[i].name);
		free(nodes[i].op_type);
		free(nodes[i].domain);
		free(nodes[i].inputs);
		free(nodes[i].outputs);
		if (nodes[i].attrs)
			drop_attrs(&nodes[i]);
		free(nodes[i].attrs);
	}
	free(nodes);
}

static int has_qdq(const atoll_graph *g)
{
	int i;

	for (i = 0; i < g->nnodes; i++)
		if (is_op(&g->nodes[i], "DequantizeLinear") ||
		    is_op(&g->nodes[i], "QuantizeLinear"))
			return 1;
	return 0;
}

int atoll_qdq_fuse(atoll_graph *g, atoll_diag *d)
{
	struct qdq c;
	int i, n = g->ntensors, nq, r = 0;

	if (!has_qdq(g))
		return 0;
	memset(&c, 0, sizeof(c));
	c.g = g;
	c.d = d;
	/* room for a new tensor per node and per graph output */
	nq = n + 2 * g->nnodes + g->noutputs + 1;
	c.qmap = malloc(nq * sizeof(*c.qmap));
	c.nuse = calloc(n + 1, sizeof(int));
	c.user = calloc(n + 1, sizeof(int));
	c.dead = calloc(g->nnodes + 1, 1);
	if (!c.qmap || !c.nuse || !c.user || !c.dead) {
		atoll_diag_error(d, NULL, "out of memory");
		r = -1;
		goto done;
	}
	for (i = 0; i < nq; i++)
		c.qmap[i].q = -1;
	count_users(&c);
	for (i = 0; i < g->nnodes && r == 0; i++)
		if (!c.dead[i])
			r = fuse_node(&c, i);
	if (r == 0)
		r = host_dequantize(&c);
	if (r < 0 && !d->failed)
		atoll_diag_error(d, NULL, "out of memory in QDQ fusion");
	if (r == 0) {
		nodes_free(g->nodes, g->nnodes);
		g->nodes = c.out;
		g->nnodes = c.nout;
		c.out = NULL;
		c.nout = 0;
	}
done:
	nodes_free(c.out, c.nout);
	free(c.qmap);
	free(c.nuse);
	free(c.user);
	free(c.dead);
	return r;
}
