#ifndef ATOLL_GRAPH_H
#define ATOLL_GRAPH_H

/* The compiler's graph IR: what the ONNX importer produces and every
 * pass reads.  Tensors and nodes are referred to by index.
 */
#include <stddef.h>
#include <stdint.h>

/* Element types use ONNX TensorProto.DataType codes. */
enum atoll_dtype {
	ATOLL_DT_UNDEFINED = 0,
	ATOLL_DT_FLOAT = 1,
	ATOLL_DT_UINT8 = 2,
	ATOLL_DT_INT8 = 3,
	ATOLL_DT_INT32 = 6,
	ATOLL_DT_INT64 = 7,
};

#define ATOLL_MAX_RANK 8

typedef struct atoll_tensor {
	char *name;
	int dtype;			/* enum atoll_dtype, or other ONNX code */
	int rank;			/* -1: shape unknown */
	int64_t dims[ATOLL_MAX_RANK];	/* -1: dynamic dimension */
	void *data;			/* constant: raw little-endian values */
	size_t nbytes;
	int is_input;			/* graph input not bound to a constant */
	int is_output;			/* graph output */
	int host_float;			/* graph boundary is float32: the host
					 * quantises it (input) or dequantises
					 * it (output) with host_scale/host_zp
					 * (1), or per axis (2) */
	float host_scale;
	int host_zp;
	int host_axis;			/* host_float 2: axis, and the constant */
	int host_qs, host_qz;		/* scale and zero-point tensors (qz may
					 * be -1: zero points 0) */
} atoll_tensor;

enum atoll_attr_type {
	ATOLL_ATTR_INT = 1,
	ATOLL_ATTR_FLOAT,
	ATOLL_ATTR_INTS,
	ATOLL_ATTR_FLOATS,
	ATOLL_ATTR_STRING,
	ATOLL_ATTR_OTHER,
};

typedef struct atoll_attr {
	char *name;
	int type;
	int64_t i;
	float f;
	int64_t *ints;
	int nints;
	float *floats;
	int nfloats;
	char *s;
} atoll_attr;

typedef struct atoll_node {
	char *name;			/* never NULL: "<op_type>_<index>" if unnamed */
	char *op_type;
	char *domain;
	int ninputs;
	int *inputs;			/* tensor index, -1 for an omitted input */
	int noutputs;
	int *outputs;
	int nattrs;
	atoll_attr *attrs;
} atoll_node;

typedef struct atoll_graph {
	char *name;
	int ntensors;
	atoll_tensor *tensors;
	int nnodes;
	atoll_node *nodes;		/* in the model's (topological) order */
	int ninputs;
	int *inputs;			/* graph inputs (tensor index), model order */
	int noutputs;
	int *outputs;
} atoll_graph;

/* Compiler diagnostics: the first error wins; "where" names the model
 * node or tensor at fault.
 */
typedef struct atoll_diag {
	int failed;
	char msg[1024];
} atoll_diag;

void atoll_diag_error(atoll_diag *d, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Size in bytes of one element of "dtype", 0 if not a fixed-size type. */
size_t atoll_dtype_size(int dtype);
const char *atoll_dtype_name(int dtype);
/* Number of elements; -1 if the shape is unknown or dynamic. */
int64_t atoll_tensor_numel(const atoll_tensor *t);

/* Load an ONNX model file.  Returns NULL and fills "d" on any error
 * (unreadable, malformed or truncated protobuf, missing graph, dangling
 * tensor names, unsupported tensor encodings).
 */
atoll_graph *atoll_onnx_load(const char *path, atoll_diag *d);
void atoll_graph_free(atoll_graph *g);
int atoll_graph_find_tensor(const atoll_graph *g, const char *name);
const atoll_attr *atoll_node_attr(const atoll_node *n, const char *name);

/* Read a TensorProto file (.pb, as in ONNX backend tests) into "t"
 * (allocates name and data; dims from the file).  Returns -1 and fills
 * "d" on error.
 */
int atoll_tensor_pb_read(const char *path, atoll_tensor *t, atoll_diag *d);
/* Write "t" (with data) as a TensorProto file using raw_data. */
int atoll_tensor_pb_write(const char *path, const atoll_tensor *t,
	atoll_diag *d);
void atoll_tensor_clear(atoll_tensor *t);

/* Bind graph input "name" to the constant "value" (name, dtype, shape
 * must match the graph's declaration: an error names the input).
 */
int atoll_graph_bind_const(atoll_graph *g, const char *name,
	const atoll_tensor *value, atoll_diag *d);

/* Read the whole file "path" into a fresh buffer, its size in "*len".
 * Returns NULL and fills "d" (message naming "path") if the file cannot
 * be read or is empty.
 */
void *atoll_file_read(const char *path, size_t *len, atoll_diag *d);

/* Convert the ONNX TensorProto "pb" (onnx.pb-c.h) into "t": name,
 * dtype, dims and packed little-endian data from raw_data or the typed
 * fields.  Returns -1 and fills "d" (naming the tensor) on an encoding
 * atoll does not support or data inconsistent with the dims; "t" is
 * then left cleared.
 */
struct Onnx__TensorProto;
int atoll_tensor_pb_decode(const struct Onnx__TensorProto *pb,
	atoll_tensor *t, atoll_diag *d);

/* Append a tensor named "name" (copied) of type "dtype", unknown shape;
 * returns its index or -1.  Tensor pointers taken before are invalid.
 */
int atoll_graph_add_tensor(atoll_graph *g, const char *name, int dtype);

/* Rewrite QDQ patterns (DequantizeLinear -> float op -> QuantizeLinear)
 * and operator-form islands into integer operators, and move the
 * quantisation of float graph inputs and the dequantisation of float graph
 * outputs to the host (docs/qsemantics.md).  Returns -1 and fills "d" on
 * a pattern atoll cannot map exactly.
 */
int atoll_qdq_fuse(atoll_graph *g, atoll_diag *d);

#endif
