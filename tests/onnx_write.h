#ifndef ATOLL_TEST_ONNX_WRITE_H
#define ATOLL_TEST_ONNX_WRITE_H

/* Helpers shared by the test-data generators (tool_gen_cases,
 * tool_gen_models): allocation that ends the program on failure, a
 * seeded xorshift64* generator, dense tensors and their TensorProto form,
 * ONNX file reading and writing, and ModelProto building blocks.
 */
#include <stddef.h>
#include <stdint.h>

#include "onnx.pb-c.h"

#define MAX_RANK 6
#define PATH_LEN 4096

#define DT_F32 ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT
#define DT_U8 ONNX__TENSOR_PROTO__DATA_TYPE__UINT8
#define DT_I8 ONNX__TENSOR_PROTO__DATA_TYPE__INT8
#define DT_I32 ONNX__TENSOR_PROTO__DATA_TYPE__INT32
#define DT_I64 ONNX__TENSOR_PROTO__DATA_TYPE__INT64

#define ATTR_INT ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT
#define ATTR_INTS ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS
#define ATTR_STRING ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING

struct rng {
	uint64_t s;
};

/* A dense row-major tensor.  Integer types (uint8, int8, int32, int64)
 * keep their values in "i" (int64 narrowed by narrow_i64: only shape
 * vectors, axes and Slice bounds), float32 in "f".
 */
struct tensor {
	int dtype;
	int rank;
	int64_t dims[MAX_RANK];
	size_t n;
	int32_t *i;
	float *f;
};

/* Name of the program in the message of an allocation failure, which
 * ends it with status 2; set by the tool's main.
 */
extern const char *onnx_write_prog;

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
void *xrealloc(void *p, size_t n);

uint64_t rng_next(struct rng *r);
void rng_seed(struct rng *r, const char *ns, const char *name);
int32_t rng_int(struct rng *r, int32_t lo, int32_t hi);

const char *dtype_name(int dtype);
void dtype_range(int dtype, int32_t *lo, int32_t *hi);
int32_t narrow_i64(int64_t v);

struct tensor *tensor_new(int dtype, int rank, const int64_t *dims);
struct tensor *tensor_free(struct tensor *t);
struct tensor *tensor_copy(const struct tensor *src);
struct tensor *tensor_scalar_f(float v);
struct tensor *tensor_scalar_i(int dtype, int32_t v);
void tensor_dims_str(const struct tensor *t, char *buf, size_t size);

/* TensorProto conversion: int8, uint8, int32, int64 and float32; raw_data
 * or the typed fields on reading, raw_data on writing.
 */
__attribute__((warn_unused_result))
struct tensor *tensor_from_proto(const Onnx__TensorProto *p);
__attribute__((warn_unused_result))
Onnx__TensorProto *tensor_proto_new(const struct tensor *t,
	const char *name);

/* Files: on failure a message on stderr and -1 or NULL. */
__attribute__((warn_unused_result))
int msg_write(const char *path, const ProtobufCMessage *m);
__attribute__((warn_unused_result))
int tensor_write(const char *path, const struct tensor *t, const char *name);
__attribute__((warn_unused_result))
struct tensor *tensor_read(const char *path);
__attribute__((warn_unused_result))
Onnx__ModelProto *model_read(const char *path);
__attribute__((format(printf, 2, 3)))
int path_make(char *buf, const char *fmt, ...);
int dir_make(const char *path);

/* ModelProto building blocks, freed with the message that holds them
 * (protobuf-c's free_unpacked with the default allocator).
 */
Onnx__ValueInfoProto *value_info_new(const char *name,
	const struct tensor *t, const char *dim0_param);
Onnx__AttributeProto *attr_int_new(const char *name, int64_t v);
Onnx__AttributeProto *attr_ints_new(const char *name, size_t n,
	const int64_t *v);
Onnx__AttributeProto *attr_str_new(const char *name, const char *v);
Onnx__NodeProto *node_proto_new(const char *op, const char *name,
	const char *out, size_t n, const char *const *in);
Onnx__ModelProto *model_proto_new(const char *producer,
	const char *graph_name);

#endif
