/* Tests of the ONNX importer (compiler/onnx_import.c), TensorProto
 * files (compiler/tensor_pb.c) and the graph helpers (compiler/graph.c)
 * on the ONNX backend test models and on models built here with
 * protobuf-c.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graph.h"
#include "onnx.pb-c.h"
#include "harness.h"

#define NODE_DIR "/usr/share/libonnx-testdata/data/node"

static char tmp_dir[64];

/* Remove every file in the temporary directory, then the directory. */
static void tmp_cleanup(void)
{
	char path[512];
	struct dirent *e;
	DIR *dir;

	dir = opendir(tmp_dir);
	if (dir) {
		while ((e = readdir(dir)) != NULL) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(path, sizeof(path), "%s/%s", tmp_dir,
				e->d_name);
			unlink(path);
		}
		closedir(dir);
	}
	rmdir(tmp_dir);
}

/* The path of "name" in a temporary directory created on first use
 * and removed at exit; NULL if the directory cannot be created.
 */
static const char *tmp_path(char *buf, size_t size, const char *name)
{
	if (!tmp_dir[0]) {
		strcpy(tmp_dir, "/tmp/atoll_onnx_XXXXXX");
		if (!mkdtemp(tmp_dir)) {
			tmp_dir[0] = '\0';
			return NULL;
		}
		atexit(&tmp_cleanup);
	}
	snprintf(buf, size, "%s/%s", tmp_dir, name);
	return buf;
}

static int file_put(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(buf, 1, len, f) == len;
	return (fclose(f) == 0 && ok) ? 0 : -1;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		abort();
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

static char *xstrdup(const char *s)
{
	return strcpy(xmalloc(strlen(s) + 1), s);
}

static void str_set(char **p, const char *s)
{
	free(*p);
	*p = xstrdup(s);
}

static int msg_has(const atoll_diag *d, const char *s)
{
	return d->failed && strstr(d->msg, s) != NULL;
}

/* Deterministic xorshift64 generator for the malformed-input tests. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Models of the ONNX backend tests, each a single node reading every
 * graph input in order.
 */
struct model_case {
	const char *dir;
	const char *op_type;
	int ninputs;
	int out_dtype;
	int in0_rank;
};

static const struct model_case model_cases[] = {
	{ "test_qlinearconv", "QLinearConv", 8, ATOLL_DT_UINT8, 4 },
	{ "test_matmulinteger", "MatMulInteger", 4, ATOLL_DT_INT32, 2 },
	{ "test_qlinearmatmul_3D", "QLinearMatMul", 8, ATOLL_DT_UINT8, 3 },
};

static int check_model(const struct model_case *c)
{
	char path[512];
	atoll_diag d = { 0 };
	atoll_graph *g;
	atoll_node *n;
	int i, bad = 0;

	snprintf(path, sizeof(path), "%s/%s/model.onnx", NODE_DIR, c->dir);
	g = atoll_onnx_load(path, &d);
	CHECKF(g, "%s", d.msg);
	CHECK(!d.failed);
	n = &g->nodes[0];
	bad |= g->nnodes != 1 || strcmp(n->op_type, c->op_type) != 0;
	bad |= n->ninputs != c->ninputs || n->noutputs != 1;
	bad |= g->ninputs != c->ninputs || g->noutputs != 1;
	bad |= strcmp(g->name, c->dir) != 0;
	for (i = 0; !bad && i < c->ninputs; i++) {
		atoll_tensor *t = &g->tensors[g->inputs[i]];

		bad |= n->inputs[i] != g->inputs[i];
		bad |= !t->is_input || t->data || atoll_tensor_numel(t) < 1;
	}
	bad |= g->tensors[g->inputs[0]].rank != c->in0_rank;
	bad |= n->outputs[0] != g->outputs[0];
	bad |= !g->tensors[g->outputs[0]].is_output;
	bad |= g->tensors[g->outputs[0]].dtype != c->out_dtype;
	atoll_graph_free(g);
	CHECK(!bad);
	return 0;
}

static int test_load_qlinearconv(void)
{
	return check_model(&model_cases[0]);
}

static int test_load_matmulinteger(void)
{
	return check_model(&model_cases[1]);
}

static int test_load_qlinearmatmul_3d(void)
{
	return check_model(&model_cases[2]);
}

/* Is "v" (read from a .pb file) an instance of the declaration "t"? */
static int tensor_fits(const atoll_tensor *t, const atoll_tensor *v)
{
	int i;

	if (t->dtype != v->dtype || t->rank != v->rank)
		return 0;
	for (i = 0; i < t->rank; i++)
		if (t->dims[i] != v->dims[i])
			return 0;
	return v->data && (int64_t) v->nbytes ==
		atoll_tensor_numel(v) * (int64_t) atoll_dtype_size(v->dtype);
}

/* Every input_*.pb and output_0.pb of test_qlinearconv matches the
 * model's declaration, and binding all inputs to them empties the list
 * of graph inputs.
 */
static int test_pb_matches_model(void)
{
	char path[512];
	atoll_diag d = { 0 };
	atoll_tensor v[8], out;
	atoll_graph *g;
	int i, n, ok = 1;

	g = atoll_onnx_load(NODE_DIR "/test_qlinearconv/model.onnx", &d);
	CHECKF(g, "%s", d.msg);
	n = g->ninputs;
	CHECK(n == 8);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), NODE_DIR
			"/test_qlinearconv/test_data_set_0/input_%d.pb", i);
		if (atoll_tensor_pb_read(path, &v[i], &d) < 0)
			break;
		ok &= tensor_fits(&g->tensors[g->inputs[i]], &v[i]);
		ok &= !strcmp(v[i].name, g->tensors[g->inputs[i]].name);
	}
	if (i == n && atoll_tensor_pb_read(NODE_DIR
	    "/test_qlinearconv/test_data_set_0/output_0.pb", &out, &d) == 0) {
		ok &= tensor_fits(&g->tensors[g->outputs[0]], &out);
		atoll_tensor_clear(&out);
	}
	for (i = 0; i < n && !d.failed; i++)
		atoll_graph_bind_const(g, v[i].name, &v[i], &d);
	ok &= g->ninputs == 0 && g->tensors[0].data != NULL;
	ok &= !memcmp(g->tensors[0].data, v[0].data, v[0].nbytes);
	for (i = 0; i < n; i++)
		atoll_tensor_clear(&v[i]);
	atoll_graph_free(g);
	CHECKF(!d.failed, "%s", d.msg);
	CHECK(ok);
	return 0;
}

static int tensor_equal(const atoll_tensor *a, const atoll_tensor *b)
{
	int i;

	if (strcmp(a->name, b->name) || a->dtype != b->dtype ||
	    a->rank != b->rank || a->nbytes != b->nbytes)
		return 0;
	for (i = 0; i < a->rank; i++)
		if (a->dims[i] != b->dims[i])
			return 0;
	return !a->nbytes || !memcmp(a->data, b->data, a->nbytes);
}

static int file_equal(const char *p1, const char *p2)
{
	atoll_diag d = { 0 };
	size_t n1, n2;
	void *b1, *b2;
	int eq;

	b1 = atoll_file_read(p1, &n1, &d);
	b2 = atoll_file_read(p2, &n2, &d);
	eq = b1 && b2 && n1 == n2 && !memcmp(b1, b2, n1);
	free(b1);
	free(b2);
	return eq;
}

/* A tensor written with atoll_tensor_pb_write reads back identical,
 * and rewriting a backend-test .pb file reproduces it byte for byte.
 */
static int test_pb_roundtrip(void)
{
	static const char *orig = NODE_DIR
		"/test_qlinearconv/test_data_set_0/input_0.pb";
	char path[512], name[] = "roundtrip";
	unsigned char data[24];
	atoll_tensor t = { 0 }, back;
	atoll_diag d = { 0 };
	int i, eq;

	for (i = 0; i < 24; i++)
		data[i] = (unsigned char) (i * 37 + 5);
	t.name = name;
	t.dtype = ATOLL_DT_INT8;
	t.rank = 3;
	t.dims[0] = 2;
	t.dims[1] = 3;
	t.dims[2] = 4;
	t.data = data;
	t.nbytes = sizeof(data);
	CHECK(tmp_path(path, sizeof(path), "roundtrip.pb"));
	CHECKF(atoll_tensor_pb_write(path, &t, &d) == 0, "%s", d.msg);
	CHECKF(atoll_tensor_pb_read(path, &back, &d) == 0, "%s", d.msg);
	eq = tensor_equal(&t, &back);
	atoll_tensor_clear(&back);
	CHECK(eq);
	CHECKF(atoll_tensor_pb_read(orig, &back, &d) == 0, "%s", d.msg);
	i = atoll_tensor_pb_write(path, &back, &d);
	atoll_tensor_clear(&back);
	CHECKF(i == 0, "%s", d.msg);
	CHECK(file_equal(orig, path));
	unlink(path);
	return 0;
}

/* TensorProtos using the typed fields instead of raw_data, with the
 * packed little-endian bytes they must decode to.
 */
struct typed_case {
	int dtype;
	int n;
	float f[2];
	int32_t i32[4];
	int64_t i64[2];
	unsigned char expect[16];
};

static const struct typed_case typed_cases[] = {
	{ ATOLL_DT_INT8, 4, { 0 }, { -1, 2, 127, -128 }, { 0 },
	  { 0xff, 0x02, 0x7f, 0x80 } },
	{ ATOLL_DT_UINT8, 2, { 0 }, { 255, 7 }, { 0 }, { 0xff, 0x07 } },
	{ ATOLL_DT_INT32, 2, { 0 }, { -2, 0x01020304 }, { 0 },
	  { 0xfe, 0xff, 0xff, 0xff, 0x04, 0x03, 0x02, 0x01 } },
	{ ATOLL_DT_FLOAT, 2, { 1.0f, -2.0f }, { 0 }, { 0 },
	  { 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0 } },
	{ ATOLL_DT_INT64, 2, { 0 }, { 0 }, { -1, 0x0102030405060708 },
	  { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01 } },
};

/* Write "pb" to "path" as a TensorProto file. */
static int tensor_proto_save(const Onnx__TensorProto *pb, const char *path)
{
	size_t len = onnx__tensor_proto__get_packed_size(pb);
	uint8_t *buf = xmalloc(len);
	int r;

	onnx__tensor_proto__pack(pb, buf);
	r = file_put(path, buf, len);
	free(buf);
	return r;
}

static int typed_case_run(const struct typed_case *c, const char *path)
{
	Onnx__TensorProto pb = ONNX__TENSOR_PROTO__INIT;
	int64_t dims[1];
	atoll_tensor t;
	atoll_diag d = { 0 };
	size_t nbytes;
	int ok;

	dims[0] = c->n;
	pb.n_dims = 1;
	pb.dims = dims;
	pb.has_data_type = 1;
	pb.data_type = c->dtype;
	pb.name = "typed";
	if (c->dtype == ATOLL_DT_FLOAT) {
		pb.n_float_data = c->n;
		pb.float_data = (float *) c->f;
	} else if (c->dtype == ATOLL_DT_INT64) {
		pb.n_int64_data = c->n;
		pb.int64_data = (int64_t *) c->i64;
	} else {
		pb.n_int32_data = c->n;
		pb.int32_data = (int32_t *) c->i32;
	}
	CHECK(tensor_proto_save(&pb, path) == 0);
	CHECKF(atoll_tensor_pb_read(path, &t, &d) == 0, "%s", d.msg);
	nbytes = c->n * atoll_dtype_size(c->dtype);
	ok = t.dtype == c->dtype && t.rank == 1 && t.dims[0] == c->n &&
		t.nbytes == nbytes && !memcmp(t.data, c->expect, nbytes);
	atoll_tensor_clear(&t);
	CHECKF(ok, "dtype %s", atoll_dtype_name(c->dtype));
	return 0;
}

static int test_pb_typed_fields(void)
{
	char path[512];
	size_t i;

	CHECK(tmp_path(path, sizeof(path), "typed.pb"));
	for (i = 0; i < sizeof(typed_cases) / sizeof(typed_cases[0]); i++)
		if (typed_case_run(&typed_cases[i], path))
			return 1;
	unlink(path);
	return 0;
}

/* TensorProto files atoll must reject, and a word the message must
 * contain besides the tensor's name.
 */
enum pb_bad {
	PB_BAD_EXTERNAL,
	PB_BAD_RAW_SIZE,
	PB_BAD_TYPED_COUNT,
	PB_BAD_STRING,
	PB_BAD_NO_DTYPE,
	PB_BAD_NEG_DIM,
};

static const struct {
	enum pb_bad kind;
	const char *word;
} pb_bad_cases[] = {
	{ PB_BAD_EXTERNAL, "external" },
	{ PB_BAD_RAW_SIZE, "raw_data" },
	{ PB_BAD_TYPED_COUNT, "int32_data" },
	{ PB_BAD_STRING, "string" },
	{ PB_BAD_NO_DTYPE, "data type" },
	{ PB_BAD_NEG_DIM, "negative" },
};

static int pb_bad_run(enum pb_bad kind, const char *word, const char *path)
{
	Onnx__TensorProto pb = ONNX__TENSOR_PROTO__INIT;
	int64_t dims[2] = { 2, 3 };
	int32_t vals[6] = { 0 };
	uint8_t raw[6] = { 0 };
	atoll_tensor t;
	atoll_diag d = { 0 };

	pb.n_dims = 2;
	pb.dims = dims;
	pb.has_data_type = 1;
	pb.data_type = ATOLL_DT_INT8;
	pb.name = "bad_one";
	pb.has_raw_data = 1;
	pb.raw_data.len = 6;
	pb.raw_data.data = raw;
	if (kind == PB_BAD_EXTERNAL) {
		pb.has_data_location = 1;
		pb.data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
	}
	if (kind == PB_BAD_RAW_SIZE)
		pb.raw_data.len = 5;
	if (kind == PB_BAD_TYPED_COUNT) {
		pb.has_raw_data = 0;
		pb.n_int32_data = 5;
		pb.int32_data = vals;
	}
	if (kind == PB_BAD_STRING)
		pb.data_type = 8;
	if (kind == PB_BAD_NO_DTYPE)
		pb.has_data_type = 0;
	if (kind == PB_BAD_NEG_DIM)
		dims[1] = -3;
	CHECK(tensor_proto_save(&pb, path) == 0);
	CHECK(atoll_tensor_pb_read(path, &t, &d) < 0);
	CHECK(t.name == NULL && t.data == NULL);
	CHECKF(msg_has(&d, "tensor 'bad_one'") && msg_has(&d, word),
		"%s", d.msg);
	CHECKF(msg_has(&d, path), "%s", d.msg);
	return 0;
}

static int test_pb_rejects(void)
{
	char path[512];
	size_t i;

	CHECK(tmp_path(path, sizeof(path), "bad.pb"));
	for (i = 0; i < sizeof(pb_bad_cases) / sizeof(pb_bad_cases[0]); i++)
		if (pb_bad_run(pb_bad_cases[i].kind, pb_bad_cases[i].word,
		    path))
			return 1;
	unlink(path);
	return 0;
}

/* Building blocks for models made here.  Everything is allocated on
 * the heap so that onnx__model_proto__free_unpacked frees it.
 */
static Onnx__ValueInfoProto *vi_new(const char *name, int dtype, int rank,
	const int64_t *dims)
{
	Onnx__ValueInfoProto *vi = xmalloc(sizeof(*vi));
	Onnx__TypeProto *tp;
	Onnx__TypeProto__Tensor *tt;
	Onnx__TensorShapeProto *sh;
	int i;

	onnx__value_info_proto__init(vi);
	vi->name = xstrdup(name);
	if (dtype < 0)
		return vi;
	tp = xmalloc(sizeof(*tp));
	tt = xmalloc(sizeof(*tt));
	onnx__type_proto__init(tp);
	onnx__type_proto__tensor__init(tt);
	tt->has_elem_type = 1;
	tt->elem_type = dtype;
	tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
	tp->tensor_type = tt;
	vi->type = tp;
	if (rank < 0)
		return vi;
	sh = xmalloc(sizeof(*sh));
	onnx__tensor_shape_proto__init(sh);
	sh->n_dim = rank;
	sh->dim = xmalloc(rank * sizeof(*sh->dim));
	for (i = 0; i < rank; i++) {
		sh->dim[i] = xmalloc(sizeof(**sh->dim));
		onnx__tensor_shape_proto__dimension__init(sh->dim[i]);
		if (dims[i] >= 0) {
			sh->dim[i]->value_case =
			ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
			sh->dim[i]->dim_value = dims[i];
		} else {
			sh->dim[i]->value_case =
			ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
			sh->dim[i]->dim_param = xstrdup("N");
		}
	}
	tt->shape = sh;
	return vi;
}

/* Split the comma-separated "csv" into "*v", keeping empty names. */
static void names_split(const char *csv, size_t *n, char ***v)
{
	const char *p, *q;

	*n = 0;
	*v = NULL;
	for (p = csv; p; p = q ? q + 1 : NULL) {
		q = strchr(p, ',');
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		(*v)[(*n)++] = q ? strndup(p, q - p) : xstrdup(p);
	}
}

static Onnx__NodeProto *node_new(const char *op, const char *name,
	const char *ins, const char *outs)
{
	Onnx__NodeProto *n = xmalloc(sizeof(*n));

	onnx__node_proto__init(n);
	n->op_type = xstrdup(op);
	if (name)
		n->name = xstrdup(name);
	names_split(ins, &n->n_input, &n->input);
	names_split(outs, &n->n_output, &n->output);
	return n;
}

static Onnx__AttributeProto *attr_add(Onnx__NodeProto *n, const char *name,
	int type)
{
	Onnx__AttributeProto *a = xmalloc(sizeof(*a));

	onnx__attribute_proto__init(a);
	a->name = xstrdup(name);
	a->has_type = 1;
	a->type = type;
	n->attribute = xrealloc(n->attribute,
		(n->n_attribute + 1) * sizeof(*n->attribute));
	n->attribute[n->n_attribute++] = a;
	return a;
}

static Onnx__TensorProto *init_new(const char *name, int dtype, int rank,
	const int64_t *dims)
{
	Onnx__TensorProto *t = xmalloc(sizeof(*t));

	onnx__tensor_proto__init(t);
	t->name = xstrdup(name);
	t->has_data_type = 1;
	t->data_type = dtype;
	t->n_dims = rank;
	t->dims = xmalloc(rank * sizeof(int64_t));
	if (rank)
		memcpy(t->dims, dims, rank * sizeof(int64_t));
	return t;
}

#define PUSH(arr, n, x) do { \
	(arr) = xrealloc((arr), ((n) + 1) * sizeof(*(arr))); \
	(arr)[(n)++] = (x); } while (0)

static void node_attrs_fill(Onnx__NodeProto *n)
{
	Onnx__AttributeProto *a;

	a = attr_add(n, "alpha", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
	a->has_i = 1;
	a->i = -3;
	a = attr_add(n, "scales",
		ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS);
	a->n_floats = 2;
	a->floats = xmalloc(2 * sizeof(float));
	a->floats[0] = 0.5f;
	a->floats[1] = 2.0f;
	a = attr_add(n, "pads", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
	a->n_ints = 3;
	a->ints = xmalloc(3 * sizeof(int64_t));
	a->ints[0] = 1;
	a->ints[1] = 2;
	a->ints[2] = 3;
	a = attr_add(n, "mode", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
	a->has_s = 1;
	a->s.len = 3;
	a->s.data = (uint8_t *) xstrdup("abc");
	a = attr_add(n, "beta", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
	a->has_f = 1;
	a->f = 0.25f;
	a = attr_add(n, "value", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
	a->t = init_new("v", ATOLL_DT_INT8, 0, NULL);
}

/* The model
 *	x: uint8[N,4] (graph input), w: int8[4,2] (initializer, also
 *	listed as a graph input), b: int32[2] (initializer in int32_data)
 *	m = MatMulInteger(x, w)		unnamed, with attributes
 *	y = Add(m, b)			named "add"
 *	z = Clip(y, , )			omitted optional inputs
 * with outputs z and y, and value_info for m and an unknown name.
 */
static Onnx__ModelProto *base_model(void)
{
	static const int64_t x_dims[] = { -1, 4 }, w_dims[] = { 4, 2 };
	static const int64_t b_dims[] = { 2 }, m_dims[] = { -1, 2 };
	Onnx__ModelProto *m = xmalloc(sizeof(*m));
	Onnx__GraphProto *g = xmalloc(sizeof(*g));
	Onnx__OperatorSetIdProto *op = xmalloc(sizeof(*op));
	Onnx__TensorProto *t;
	Onnx__NodeProto *n;
	int i;

	onnx__model_proto__init(m);
	onnx__graph_proto__init(g);
	onnx__operator_set_id_proto__init(op);
	m->has_ir_version = 1;
	m->ir_version = 8;
	op->domain = xstrdup("");
	op->has_version = 1;
	op->version = 13;
	PUSH(m->opset_import, m->n_opset_import, op);
	m->graph = g;
	g->name = xstrdup("built");
	t = init_new("w", ATOLL_DT_INT8, 2, w_dims);
	t->has_raw_data = 1;
	t->raw_data.len = 8;
	t->raw_data.data = xmalloc(8);
	for (i = 0; i < 8; i++)
		t->raw_data.data[i] = (uint8_t) (i - 4);
	PUSH(g->initializer, g->n_initializer, t);
	t = init_new("b", ATOLL_DT_INT32, 1, b_dims);
	t->n_int32_data = 2;
	t->int32_data = xmalloc(2 * sizeof(int32_t));
	t->int32_data[0] = 1000;
	t->int32_data[1] = -1;
	PUSH(g->initializer, g->n_initializer, t);
	PUSH(g->input, g->n_input, vi_new("x", ATOLL_DT_UINT8, 2, x_dims));
	PUSH(g->input, g->n_input, vi_new("w", ATOLL_DT_INT8, 2, w_dims));
	n = node_new("MatMulInteger", NULL, "x,w", "m");
	node_attrs_fill(n);
	PUSH(g->node, g->n_node, n);
	PUSH(g->node, g->n_node, node_new("Add", "add", "m,b", "y"));
	PUSH(g->node, g->n_node, node_new("Clip", "", "y,,", "z"));
	PUSH(g->output, g->n_output, vi_new("z", ATOLL_DT_INT32, -1, NULL));
	PUSH(g->output, g->n_output, vi_new("y", -1, 0, NULL));
	PUSH(g->value_info, g->n_value_info,
		vi_new("m", ATOLL_DT_INT32, 2, m_dims));
	PUSH(g->value_info, g->n_value_info,
		vi_new("ghost", ATOLL_DT_FLOAT, 0, NULL));
	return m;
}

/* Write "m" to "path" and free it. */
static int model_save(Onnx__ModelProto *m, const char *path)
{
	size_t len = onnx__model_proto__get_packed_size(m);
	uint8_t *buf = xmalloc(len);
	int r;

	onnx__model_proto__pack(m, buf);
	r = file_put(path, buf, len);
	free(buf);
	onnx__model_proto__free_unpacked(m, NULL);
	return r;
}

/* Build the base model, apply "mutate" (if any), save and load it. */
static atoll_graph *mutant_load(void (*mutate)(Onnx__ModelProto *m),
	atoll_diag *d)
{
	Onnx__ModelProto *m = base_model();
	atoll_graph *g;
	char path[512];

	if (mutate)
		mutate(m);
	if (!tmp_path(path, sizeof(path), "mutant.onnx") ||
	    model_save(m, path) < 0) {
		atoll_diag_error(d, NULL, "cannot write test model");
		return NULL;
	}
	g = atoll_onnx_load(path, d);
	unlink(path);
	return g;
}

static int check_base_attrs(const atoll_node *n)
{
	const atoll_attr *a;

	a = atoll_node_attr(n, "alpha");
	CHECK(a && a->type == ATOLL_ATTR_INT && a->i == -3);
	a = atoll_node_attr(n, "beta");
	CHECK(a && a->type == ATOLL_ATTR_FLOAT && a->f == 0.25f);
	a = atoll_node_attr(n, "scales");
	CHECK(a && a->type == ATOLL_ATTR_FLOATS && a->nfloats == 2);
	CHECK(a->floats[0] == 0.5f && a->floats[1] == 2.0f);
	a = atoll_node_attr(n, "pads");
	CHECK(a && a->type == ATOLL_ATTR_INTS && a->nints == 3);
	CHECK(a->ints[0] == 1 && a->ints[2] == 3);
	a = atoll_node_attr(n, "mode");
	CHECK(a && a->type == ATOLL_ATTR_STRING && !strcmp(a->s, "abc"));
	a = atoll_node_attr(n, "value");
	CHECK(a && a->type == ATOLL_ATTR_OTHER);
	CHECK(!atoll_node_attr(n, "missing"));
	return 0;
}

static int check_base_graph(const atoll_graph *g)
{
	static const unsigned char b_bytes[] = {
		0xe8, 0x03, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff };
	const atoll_tensor *x, *w, *b, *m;
	int ix, iw, ib, im, iy, iz;

	ix = atoll_graph_find_tensor(g, "x");
	iw = atoll_graph_find_tensor(g, "w");
	ib = atoll_graph_find_tensor(g, "b");
	im = atoll_graph_find_tensor(g, "m");
	iy = atoll_graph_find_tensor(g, "y");
	iz = atoll_graph_find_tensor(g, "z");
	CHECK(g->ntensors == 6 && ix >= 0 && iw >= 0 && ib >= 0);
	CHECK(im >= 0 && iy >= 0 && iz >= 0);
	CHECK(atoll_graph_find_tensor(g, "ghost") < 0);
	x = &g->tensors[ix];
	w = &g->tensors[iw];
	b = &g->tensors[ib];
	m = &g->tensors[im];
	CHECK(g->ninputs == 1 && g->inputs[0] == ix && x->is_input);
	CHECK(x->rank == 2 && x->dims[0] == -1 && x->dims[1] == 4);
	CHECK(atoll_tensor_numel(x) == -1);
	CHECK(!w->is_input && w->nbytes == 8 && ((int8_t *) w->data)[0] == -4);
	CHECK(b->nbytes == 8 && !memcmp(b->data, b_bytes, 8));
	CHECK(m->dtype == ATOLL_DT_INT32 && m->rank == 2 && m->dims[0] == -1);
	CHECK(g->tensors[iz].dtype == ATOLL_DT_INT32);
	CHECK(g->tensors[iz].rank == -1);
	CHECK(g->noutputs == 2 && g->outputs[0] == iz && g->outputs[1] == iy);
	CHECK(g->tensors[iy].is_output && !m->is_output);
	CHECK(g->nnodes == 3);
	CHECK(!strcmp(g->nodes[0].name, "MatMulInteger_0"));
	CHECK(!strcmp(g->nodes[1].name, "add"));
	CHECK(!strcmp(g->nodes[2].name, "Clip_2"));
	CHECK(g->nodes[0].inputs[0] == ix && g->nodes[0].inputs[1] == iw);
	CHECK(g->nodes[2].ninputs == 3 && g->nodes[2].inputs[0] == iy);
	CHECK(g->nodes[2].inputs[1] == -1 && g->nodes[2].inputs[2] == -1);
	CHECK(g->nodes[2].outputs[0] == iz && !strcmp(g->nodes[2].domain, ""));
	return check_base_attrs(&g->nodes[0]);
}

static int test_build_model(void)
{
	atoll_diag d = { 0 };
	atoll_graph *g;
	int r;

	g = mutant_load(NULL, &d);
	CHECKF(g, "%s", d.msg);
	r = check_base_graph(g);
	atoll_graph_free(g);
	return r;
}

static void mut_dangling(Onnx__ModelProto *m)
{
	str_set(&m->graph->node[1]->input[1], "nope");
}

static void mut_order(Onnx__ModelProto *m)
{
	Onnx__NodeProto *n = m->graph->node[0];

	m->graph->node[0] = m->graph->node[1];
	m->graph->node[1] = n;
}

static void mut_self_input(Onnx__ModelProto *m)
{
	str_set(&m->graph->node[1]->input[0], "y");
}

static void mut_no_graph(Onnx__ModelProto *m)
{
	onnx__graph_proto__free_unpacked(m->graph, NULL);
	m->graph = NULL;
}

static void mut_no_nodes(Onnx__ModelProto *m)
{
	size_t i;

	for (i = 0; i < m->graph->n_node; i++)
		onnx__node_proto__free_unpacked(m->graph->node[i], NULL);
	free(m->graph->node);
	m->graph->node = NULL;
	m->graph->n_node = 0;
}

static void mut_no_opset(Onnx__ModelProto *m)
{
	onnx__operator_set_id_proto__free_unpacked(m->opset_import[0], NULL);
	free(m->opset_import);
	m->opset_import = NULL;
	m->n_opset_import = 0;
}

static void mut_raw_size(Onnx__ModelProto *m)
{
	m->graph->initializer[0]->raw_data.len = 7;
}

static void mut_external(Onnx__ModelProto *m)
{
	m->graph->initializer[0]->has_data_location = 1;
	m->graph->initializer[0]->data_location =
		ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
}

static void mut_typed_count(Onnx__ModelProto *m)
{
	m->graph->initializer[1]->n_int32_data = 1;
}

static void mut_redefine(Onnx__ModelProto *m)
{
	str_set(&m->graph->node[2]->output[0], "m");
}

static void mut_output(Onnx__ModelProto *m)
{
	str_set(&m->graph->output[0]->name, "q");
}

static void mut_rank(Onnx__ModelProto *m)
{
	static const int64_t dims[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 4 };

	onnx__value_info_proto__free_unpacked(m->graph->input[0], NULL);
	m->graph->input[0] = vi_new("x", ATOLL_DT_UINT8, 9, dims);
}

static void mut_op_type(Onnx__ModelProto *m)
{
	free(m->graph->node[1]->op_type);
	m->graph->node[1]->op_type = NULL;
}

static void mut_dup_init(Onnx__ModelProto *m)
{
	str_set(&m->graph->initializer[1]->name, "w");
}

static void mut_seq_input(Onnx__ModelProto *m)
{
	Onnx__TypeProto *tp = m->graph->input[0]->type;
	Onnx__TypeProto__Sequence *seq = xmalloc(sizeof(*seq));

	onnx__type_proto__sequence__init(seq);
	protobuf_c_message_free_unpacked(&tp->tensor_type->base, NULL);
	tp->value_case = ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE;
	tp->sequence_type = seq;
}

/* Broken variants of the base model, and two strings the error message
 * must contain (the node or tensor at fault, and what is wrong).
 */
static const struct {
	const char *name;
	void (*mutate)(Onnx__ModelProto *m);
	const char *where;
	const char *what;
} mutants[] = {
	{ "dangling input", &mut_dangling, "node 'add' (Add)", "'nope'" },
	{ "input before def", &mut_order, "node 'add' (Add)", "'m'" },
	{ "own output as input", &mut_self_input, "node 'add'", "'y'" },
	{ "no graph", &mut_no_graph, "mutant.onnx", "no graph" },
	{ "no nodes", &mut_no_nodes, "mutant.onnx", "no nodes" },
	{ "no opset", &mut_no_opset, "mutant.onnx", "opset_import" },
	{ "raw size", &mut_raw_size, "tensor 'w'", "raw_data has 7" },
	{ "external data", &mut_external, "tensor 'w'", "external" },
	{ "typed count", &mut_typed_count, "tensor 'b'", "int32_data" },
	{ "redefinition", &mut_redefine, "node 'Clip_2' (Clip)", "'m'" },
	{ "output undefined", &mut_output, "tensor 'q'", "output" },
	{ "rank > 8", &mut_rank, "tensor 'x'", "rank 9" },
	{ "no op_type", &mut_op_type, "node 1", "op_type" },
	{ "duplicate initializer", &mut_dup_init, "tensor 'w'", "duplicate" },
	{ "sequence input", &mut_seq_input, "tensor 'x'", "tensor types" },
};

static int test_build_errors(void)
{
	atoll_diag d;
	atoll_graph *g;
	size_t i;

	for (i = 0; i < sizeof(mutants) / sizeof(mutants[0]); i++) {
		memset(&d, 0, sizeof(d));
		g = mutant_load(mutants[i].mutate, &d);
		atoll_graph_free(g);
		CHECKF(!g, "%s", mutants[i].name);
		CHECKF(msg_has(&d, mutants[i].where) &&
			msg_has(&d, mutants[i].what), "%s: %s",
			mutants[i].name, d.msg);
	}
	return 0;
}

/* Binding graph inputs: errors name the input and leave it unbound; a
 * dynamic dimension accepts any size and becomes concrete.
 */
static int test_bind_const(void)
{
	uint8_t data[49] = { 0 };
	atoll_tensor v = { 0 };
	atoll_diag d = { 0 };
	atoll_graph *g;
	int bad = 0, ix;

	g = atoll_onnx_load(NODE_DIR "/test_qlinearconv/model.onnx", &d);
	CHECKF(g, "%s", d.msg);
	ix = atoll_graph_find_tensor(g, "x");
	v.dtype = ATOLL_DT_INT8;
	v.rank = 4;
	v.dims[0] = v.dims[1] = 1;
	v.dims[2] = v.dims[3] = 7;
	v.data = data;
	v.nbytes = 49;
	bad |= atoll_graph_bind_const(g, "x", &v, &d) == 0;
	bad |= !msg_has(&d, "'x'") || !msg_has(&d, "uint8");
	memset(&d, 0, sizeof(d));
	v.dtype = ATOLL_DT_UINT8;
	v.dims[2] = 49;
	v.dims[3] = 1;
	bad |= atoll_graph_bind_const(g, "x", &v, &d) == 0;
	bad |= !msg_has(&d, "'x'") || !msg_has(&d, "[1,1,7,7]");
	memset(&d, 0, sizeof(d));
	v.rank = 2;
	v.dims[0] = v.dims[1] = 7;
	bad |= atoll_graph_bind_const(g, "x", &v, &d) == 0;
	bad |= !msg_has(&d, "'x'");
	memset(&d, 0, sizeof(d));
	bad |= atoll_graph_bind_const(g, "nope", &v, &d) == 0;
	bad |= !msg_has(&d, "'nope'");
	memset(&d, 0, sizeof(d));
	bad |= atoll_graph_bind_const(g, "y", &v, &d) == 0;
	bad |= !msg_has(&d, "'y'");
	bad |= g->ninputs != 8 || !g->tensors[ix].is_input;
	bad |= g->tensors[ix].data != NULL;
	memset(&d, 0, sizeof(d));
	v.rank = 4;
	v.dims[0] = v.dims[1] = 1;
	v.dims[2] = v.dims[3] = 7;
	bad |= atoll_graph_bind_const(g, "x", &v, &d) != 0;
	bad |= g->ninputs != 7 || g->tensors[ix].is_input;
	bad |= g->tensors[ix].nbytes != 49;
	bad |= atoll_graph_bind_const(g, "x", &v, &d) == 0;
	atoll_graph_free(g);
	CHECK(!bad);
	return 0;
}

static int test_bind_dynamic(void)
{
	uint8_t data[12] = { 0 };
	atoll_tensor v = { 0 };
	atoll_diag d = { 0 };
	atoll_graph *g;
	int ix, ok;

	g = mutant_load(NULL, &d);
	CHECKF(g, "%s", d.msg);
	ix = atoll_graph_find_tensor(g, "x");
	v.dtype = ATOLL_DT_UINT8;
	v.rank = 2;
	v.dims[0] = 3;
	v.dims[1] = 4;
	v.data = data;
	v.nbytes = 12;
	ok = atoll_graph_bind_const(g, "x", &v, &d) == 0;
	ok &= g->tensors[ix].dims[0] == 3 && g->ninputs == 0;
	memset(&d, 0, sizeof(d));
	ok &= atoll_graph_bind_const(g, "w", &v, &d) < 0;
	ok &= msg_has(&d, "'w'");
	atoll_graph_free(g);
	CHECKF(ok, "%s", d.msg);
	return 0;
}

/* Loading "len" bytes of "buf" as a model and as a tensor must fail
 * cleanly.
 */
static int bytes_rejected(const char *path, const void *buf, size_t len,
	int as_tensor)
{
	atoll_diag d = { 0 };
	atoll_tensor t;
	atoll_graph *g;

	CHECK(file_put(path, buf, len) == 0);
	if (as_tensor) {
		CHECKF(atoll_tensor_pb_read(path, &t, &d) < 0, "len %zu", len);
	} else {
		g = atoll_onnx_load(path, &d);
		atoll_graph_free(g);
		CHECKF(!g, "len %zu", len);
	}
	CHECKF(d.failed && d.msg[0], "len %zu", len);
	return 0;
}

static int test_malformed_random(void)
{
	unsigned char buf[4096];
	uint64_t s = 0x9e3779b97f4a7c15u;
	char path[512];
	size_t len, i;
	int k;

	CHECK(tmp_path(path, sizeof(path), "random.bin"));
	for (k = 0; k < 64; k++) {
		len = 1 + rng_next(&s) % sizeof(buf);
		for (i = 0; i < len; i++)
			buf[i] = (unsigned char) rng_next(&s);
		if (bytes_rejected(path, buf, len, 0) ||
		    bytes_rejected(path, buf, len, 1))
			return 1;
	}
	unlink(path);
	return 0;
}

/* Every proper prefix of "src" is rejected, as a model or a tensor. */
static int truncations_rejected(const char *src, int as_tensor)
{
	atoll_diag d = { 0 };
	char path[512];
	size_t len, n, step;
	void *buf;

	buf = atoll_file_read(src, &len, &d);
	CHECKF(buf, "%s", d.msg);
	if (!tmp_path(path, sizeof(path), "truncated.bin")) {
		free(buf);
		CHECK(0);
	}
	step = len / 2000 + 1;
	for (n = 0; n < len; n += step)
		if (bytes_rejected(path, buf, n, as_tensor))
			break;
	free(buf);
	unlink(path);
	CHECK(n >= len);
	return 0;
}

static int test_truncated(void)
{
	size_t i;
	char path[512];

	for (i = 0; i < sizeof(model_cases) / sizeof(model_cases[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s/model.onnx", NODE_DIR,
			model_cases[i].dir);
		if (truncations_rejected(path, 0))
			return 1;
	}
	return truncations_rejected(NODE_DIR
		"/test_qlinearconv/test_data_set_0/input_0.pb", 1);
}

static int test_bad_paths(void)
{
	static const char *missing = "/nonexistent/atoll/model.onnx";
	atoll_diag d = { 0 };
	atoll_tensor t;
	char path[512];

	CHECK(!atoll_onnx_load(missing, &d));
	CHECKF(msg_has(&d, missing) && msg_has(&d, "No such file"),
		"%s", d.msg);
	memset(&d, 0, sizeof(d));
	CHECK(atoll_tensor_pb_read(missing, &t, &d) < 0);
	CHECK(msg_has(&d, missing));
	memset(&d, 0, sizeof(d));
	CHECK(!atoll_onnx_load("/tmp", &d));
	CHECKF(msg_has(&d, "/tmp"), "%s", d.msg);
	CHECK(tmp_path(path, sizeof(path), "empty.onnx"));
	CHECK(file_put(path, "", 0) == 0);
	memset(&d, 0, sizeof(d));
	CHECK(!atoll_onnx_load(path, &d));
	CHECKF(msg_has(&d, path) && msg_has(&d, "empty"), "%s", d.msg);
	unlink(path);
	return 0;
}

/* The first error wins; "where" prefixes the message. */
static int test_diag(void)
{
	atoll_diag d = { 0 };

	atoll_diag_error(&d, "node 'c' (Conv)", "bad %s %d", "pad", 3);
	atoll_diag_error(&d, NULL, "second");
	CHECK(d.failed && !strcmp(d.msg, "node 'c' (Conv): bad pad 3"));
	memset(&d, 0, sizeof(d));
	atoll_diag_error(&d, NULL, "plain");
	CHECK(!strcmp(d.msg, "plain"));
	CHECK(atoll_dtype_size(ATOLL_DT_INT64) == 8);
	CHECK(atoll_dtype_size(8) == 0 && atoll_dtype_size(-1) == 0);
	CHECK(!strcmp(atoll_dtype_name(ATOLL_DT_UINT8), "uint8"));
	CHECK(!strcmp(atoll_dtype_name(999), "unknown"));
	return 0;
}

static const struct test_case tests[] = {
	{ "diag", &test_diag },
	{ "load_qlinearconv", &test_load_qlinearconv },
	{ "load_matmulinteger", &test_load_matmulinteger },
	{ "load_qlinearmatmul_3D", &test_load_qlinearmatmul_3d },
	{ "pb_matches_model", &test_pb_matches_model },
	{ "pb_roundtrip", &test_pb_roundtrip },
	{ "pb_typed_fields", &test_pb_typed_fields },
	{ "pb_rejects", &test_pb_rejects },
	{ "build_model", &test_build_model },
	{ "build_errors", &test_build_errors },
	{ "bind_const", &test_bind_const },
	{ "bind_dynamic", &test_bind_dynamic },
	{ "malformed_random", &test_malformed_random },
	{ "truncated", &test_truncated },
	{ "bad_paths", &test_bad_paths },
};

TEST_MAIN(tests)
