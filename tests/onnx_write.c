/* Helpers shared by the test-data generators (tests/onnx_write.h).
 *
 * Allocation failure ends the program (xmalloc): these serve test
 * generators only.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "onnx_write.h"

const char *onnx_write_prog = "onnx_write";

static __attribute__((noreturn))
void out_of_memory(void)
{
	fprintf(stderr, "%s: out of memory\n", onnx_write_prog);
	exit(2);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

static char *xstrdup(const char *s)
{
	size_t len = strlen(s) + 1;

	return memcpy(xmalloc(len), s, len);
}

/* ---- Random numbers ----------------------------------------------- */

/* xorshift64* (Vigna); the state must not be zero. */
uint64_t rng_next(struct rng *r)
{
	uint64_t x = r->s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char) *s) * 0x100000001b3ULL;
	return h;
}

/* Seed "r" with the FNV-1a hash of "ns" ":" "name", or of "name" alone
 * when "ns" is NULL, so that each name draws the same data whatever is
 * drawn before it.
 */
void rng_seed(struct rng *r, const char *ns, const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	if (ns) {
		h = fnv1a(h, ns);
		h = (h ^ ':') * 0x100000001b3ULL;
	}
	h = fnv1a(h, name);
	r->s = h ? h : 1;
}

int32_t rng_int(struct rng *r, int32_t lo, int32_t hi)
{
	uint64_t span = (uint64_t) ((int64_t) hi - lo + 1);

	return (int32_t) (lo + (int64_t) (rng_next(r) % span));
}

/* ---- Element types ------------------------------------------------ */

/* Bytes per element of "dtype" in raw_data; 0 if not supported. */
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

const char *dtype_name(int dtype)
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

/* Range of integer "dtype"; the int32 range for int32 and int64. */
void dtype_range(int dtype, int32_t *lo, int32_t *hi)
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

/* An int64 value narrowed to int32, saturated: shape vectors and Slice
 * bounds, where INT64_MAX ("to the end") must stay large.
 */
int32_t narrow_i64(int64_t v)
{
	return (int32_t) (v < INT32_MIN ? INT32_MIN : v > INT32_MAX ?
		INT32_MAX : v);
}

/* ---- Tensors ------------------------------------------------------ */

struct tensor *tensor_new(int dtype, int rank, const int64_t *dims)
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

struct tensor *tensor_free(struct tensor *t)
{
	if (!t)
		return NULL;
	free(t->i);
	free(t->f);
	free(t);
	return NULL;
}

struct tensor *tensor_copy(const struct tensor *src)
{
	struct tensor *t = tensor_new(src->dtype, src->rank, src->dims);

	if (t->f)
		memcpy(t->f, src->f, t->n * sizeof(float));
	else
		memcpy(t->i, src->i, t->n * sizeof(int32_t));
	return t;
}

struct tensor *tensor_scalar_f(float v)
{
	struct tensor *t = tensor_new(DT_F32, 0, NULL);

	t->f[0] = v;
	return t;
}

struct tensor *tensor_scalar_i(int dtype, int32_t v)
{
	struct tensor *t = tensor_new(dtype, 0, NULL);

	t->i[0] = v;
	return t;
}

/* "[d0,d1,...]" into "buf" ("size" bytes). */
void tensor_dims_str(const struct tensor *t, char *buf, size_t size)
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

/* ---- TensorProto -------------------------------------------------- */

/* Store element "k" of "t" little-endian at "b" (dtype_size bytes). */
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
		t->i[k] = narrow_i64((int64_t) u);
	}
}

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
			t->i[k] = narrow_i64(p->int64_data[k]);
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

/* TensorProto "name" of "t", its values in raw_data. */
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

/* ---- Files -------------------------------------------------------- */

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

int tensor_write(const char *path, const struct tensor *t, const char *name)
{
	Onnx__TensorProto *p = tensor_proto_new(t, name);
	int r = msg_write(path, &p->base);

	onnx__tensor_proto__free_unpacked(p, NULL);
	return r;
}

/* The message of type "desc" in file "path"; NULL if it is not one. */
static __attribute__((warn_unused_result))
ProtobufCMessage *msg_read(const char *path,
	const ProtobufCMessageDescriptor *desc)
{
	ProtobufCMessage *m;
	uint8_t *buf;
	size_t len;

	buf = file_read(path, &len);
	if (!buf)
		return NULL;
	m = protobuf_c_message_unpack(desc, NULL, len, buf);
	free(buf);
	if (!m)
		fprintf(stderr, "%s: not a %s\n", path, desc->short_name);
	return m;
}

struct tensor *tensor_read(const char *path)
{
	Onnx__TensorProto *p;
	struct tensor *t;

	p = (Onnx__TensorProto *) msg_read(path,
		&onnx__tensor_proto__descriptor);
	if (!p)
		return NULL;
	t = tensor_from_proto(p);
	onnx__tensor_proto__free_unpacked(p, NULL);
	return t;
}

/* The ModelProto of file "path", which has a graph; NULL if not. */
Onnx__ModelProto *model_read(const char *path)
{
	Onnx__ModelProto *m;

	m = (Onnx__ModelProto *) msg_read(path,
		&onnx__model_proto__descriptor);
	if (m && !m->graph) {
		fprintf(stderr, "%s: not a ModelProto\n", path);
		onnx__model_proto__free_unpacked(m, NULL);
		return NULL;
	}
	return m;
}

/* Format a path into "buf" (PATH_LEN bytes); -1 if it does not fit. */
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

/* mkdir "path" unless it exists. */
int dir_make(const char *path)
{
	if (mkdir(path, 0777) == 0 || errno == EEXIST)
		return 0;
	fprintf(stderr, "%s: %s\n", path, strerror(errno));
	return -1;
}

/* ---- ModelProto building blocks ----------------------------------- */

static Onnx__TensorShapeProto__Dimension *dim_new(int64_t v,
	const char *param)
{
	Onnx__TensorShapeProto__Dimension *d = xmalloc(sizeof(*d));

	onnx__tensor_shape_proto__dimension__init(d);
	if (param) {
		d->value_case =
			ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
		d->dim_param = xstrdup(param);
	} else {
		d->value_case =
			ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
		d->dim_value = v;
	}
	return d;
}

/* ValueInfo "name" of type "t"; dimension 0 is "dim0_param" if not NULL. */
Onnx__ValueInfoProto *value_info_new(const char *name,
	const struct tensor *t, const char *dim0_param)
{
	Onnx__ValueInfoProto *vi = xmalloc(sizeof(*vi));
	Onnx__TypeProto *tp = xmalloc(sizeof(*tp));
	Onnx__TypeProto__Tensor *tt = xmalloc(sizeof(*tt));
	Onnx__TensorShapeProto *sh = xmalloc(sizeof(*sh));
	int d;

	onnx__value_info_proto__init(vi);
	onnx__type_proto__init(tp);
	onnx__type_proto__tensor__init(tt);
	onnx__tensor_shape_proto__init(sh);
	sh->n_dim = (size_t) t->rank;
	sh->dim = xmalloc((size_t) t->rank * sizeof(*sh->dim));
	for (d = 0; d < t->rank; d++)
		sh->dim[d] = dim_new(t->dims[d], d == 0 ? dim0_param : NULL);
	tt->has_elem_type = 1;
	tt->elem_type = t->dtype;
	tt->shape = sh;
	tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
	tp->tensor_type = tt;
	vi->name = xstrdup(name);
	vi->type = tp;
	return vi;
}

static Onnx__AttributeProto *attr_new(const char *name,
	Onnx__AttributeProto__AttributeType type)
{
	Onnx__AttributeProto *a = xmalloc(sizeof(*a));

	onnx__attribute_proto__init(a);
	a->name = xstrdup(name);
	a->has_type = 1;
	a->type = type;
	return a;
}

Onnx__AttributeProto *attr_int_new(const char *name, int64_t v)
{
	Onnx__AttributeProto *a = attr_new(name, ATTR_INT);

	a->has_i = 1;
	a->i = v;
	return a;
}

Onnx__AttributeProto *attr_ints_new(const char *name, size_t n,
	const int64_t *v)
{
	Onnx__AttributeProto *a = attr_new(name, ATTR_INTS);

	a->n_ints = n;
	a->ints = xmalloc(n * sizeof(int64_t));
	memcpy(a->ints, v, n * sizeof(int64_t));
	return a;
}

Onnx__AttributeProto *attr_str_new(const char *name, const char *v)
{
	Onnx__AttributeProto *a = attr_new(name, ATTR_STRING);

	a->has_s = 1;
	a->s.len = strlen(v);
	a->s.data = (uint8_t *) xstrdup(v);
	return a;
}

/* Node "name" of operator "op" with inputs "in" (n of them, "" for an
 * omitted optional one) and output "out".
 */
Onnx__NodeProto *node_proto_new(const char *op, const char *name,
	const char *out, size_t n, const char *const *in)
{
	Onnx__NodeProto *np = xmalloc(sizeof(*np));
	size_t k;

	onnx__node_proto__init(np);
	np->name = xstrdup(name);
	np->op_type = xstrdup(op);
	np->n_input = n;
	np->input = xmalloc(n * sizeof(char *));
	for (k = 0; k < n; k++)
		np->input[k] = xstrdup(in[k]);
	np->n_output = 1;
	np->output = xmalloc(sizeof(char *));
	np->output[0] = xstrdup(out);
	return np;
}

/* An empty model (opset 13, ir_version 7) by "producer" whose graph,
 * named "graph_name", the caller fills in.
 */
Onnx__ModelProto *model_proto_new(const char *producer,
	const char *graph_name)
{
	Onnx__ModelProto *m = xmalloc(sizeof(*m));
	Onnx__GraphProto *g = xmalloc(sizeof(*g));
	Onnx__OperatorSetIdProto *os = xmalloc(sizeof(*os));

	onnx__model_proto__init(m);
	onnx__graph_proto__init(g);
	onnx__operator_set_id_proto__init(os);
	os->domain = xstrdup("");
	os->has_version = 1;
	os->version = 13;
	m->has_ir_version = 1;
	m->ir_version = 7;
	m->producer_name = xstrdup(producer);
	m->n_opset_import = 1;
	m->opset_import = xmalloc(sizeof(*m->opset_import));
	m->opset_import[0] = os;
	g->name = xstrdup(graph_name);
	m->graph = g;
	return m;
}
