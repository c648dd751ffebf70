/* ONNX TensorProto <-> atoll_tensor: initializers of a model and the
 * .pb files of the ONNX backend tests.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "onnx.pb-c.h"

/* Which repeated field of a TensorProto holds the values of a dtype
 * when raw_data is absent.
 */
enum pb_field {
	PB_NONE,
	PB_FLOAT,
	PB_INT32,
	PB_INT64,
	PB_DOUBLE,
	PB_UINT64,
};

/* The typed field for "dtype" and the number of bytes one of its
 * entries stands for in the packed data (half an element for complex
 * types).
 */
static enum pb_field pb_field_of(int dtype, size_t *width)
{
	*width = atoll_dtype_size(dtype);
	switch (dtype) {
	case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
		return PB_FLOAT;
	case ONNX__TENSOR_PROTO__DATA_TYPE__COMPLEX64:
		*width = 4;
		return PB_FLOAT;
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8:
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT8:
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT16:
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT16:
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT32:
	case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL:
	case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16:
	case ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16:
		return PB_INT32;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
		return PB_INT64;
	case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
		return PB_DOUBLE;
	case ONNX__TENSOR_PROTO__DATA_TYPE__COMPLEX128:
		*width = 8;
		return PB_DOUBLE;
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT32:
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT64:
		return PB_UINT64;
	default:
		return PB_NONE;
	}
}

static size_t pb_field_count(const Onnx__TensorProto *pb, enum pb_field f)
{
	switch (f) {
	case PB_FLOAT:
		return pb->float_data ? pb->n_float_data : 0;
	case PB_INT32:
		return pb->int32_data ? pb->n_int32_data : 0;
	case PB_INT64:
		return pb->int64_data ? pb->n_int64_data : 0;
	case PB_DOUBLE:
		return pb->double_data ? pb->n_double_data : 0;
	case PB_UINT64:
		return pb->uint64_data ? pb->n_uint64_data : 0;
	default:
		return 0;
	}
}

static const char *pb_field_name(enum pb_field f)
{
	switch (f) {
	case PB_FLOAT:
		return "float_data";
	case PB_INT32:
		return "int32_data";
	case PB_INT64:
		return "int64_data";
	case PB_DOUBLE:
		return "double_data";
	case PB_UINT64:
		return "uint64_data";
	default:
		return "typed data";
	}
}

/* The bit pattern of entry "i" of field "f" of "pb". */
static uint64_t pb_field_bits(const Onnx__TensorProto *pb, enum pb_field f,
	size_t i)
{
	uint32_t u32;
	uint64_t u64;

	switch (f) {
	case PB_FLOAT:
		memcpy(&u32, &pb->float_data[i], sizeof(u32));
		return u32;
	case PB_INT32:
		return (uint32_t) pb->int32_data[i];
	case PB_INT64:
		return (uint64_t) pb->int64_data[i];
	case PB_DOUBLE:
		memcpy(&u64, &pb->double_data[i], sizeof(u64));
		return u64;
	case PB_UINT64:
		return pb->uint64_data[i];
	default:
		return 0;
	}
}

/* Store the low "width" bytes of "bits" at "p", least significant
 * first.
 */
static void store_le(unsigned char *p, uint64_t bits, size_t width)
{
	size_t k;

	for (k = 0; k < width; k++)
		p[k] = (unsigned char) (bits >> (8 * k));
}

/* Fill in the dtype and dims of "t" from "pb" and store in "*nbytes"
 * the size in bytes its packed data must have.
 */
static int pb_decode_header(const Onnx__TensorProto *pb, atoll_tensor *t,
	size_t *nbytes, const char *where, atoll_diag *d)
{
	int64_t numel;
	size_t esize, i;

	if (pb->n_external_data > 0 || (pb->has_data_location &&
	    pb->data_location != ONNX__TENSOR_PROTO__DATA_LOCATION__DEFAULT)) {
		atoll_diag_error(d, where, "external data is not supported");
		return -1;
	}
	if (pb->segment) {
		atoll_diag_error(d, where,
			"segmented tensors are not supported");
		return -1;
	}
	t->dtype = pb->has_data_type ? pb->data_type : 0;
	esize = atoll_dtype_size(t->dtype);
	if (esize == 0) {
		atoll_diag_error(d, where, "unsupported data type %d (%s)",
			t->dtype, atoll_dtype_name(t->dtype));
		return -1;
	}
	if (pb->n_dims > ATOLL_MAX_RANK || (pb->n_dims && !pb->dims)) {
		atoll_diag_error(d, where, "rank %zu exceeds the maximum %d",
			pb->n_dims, ATOLL_MAX_RANK);
		return -1;
	}
	t->rank = (int) pb->n_dims;
	for (i = 0; i < pb->n_dims; i++) {
		if (pb->dims[i] < 0) {
			atoll_diag_error(d, where, "negative dimension %lld",
				(long long) pb->dims[i]);
			return -1;
		}
		t->dims[i] = pb->dims[i];
	}
	numel = atoll_tensor_numel(t);
	if (numel < 0 || (uint64_t) numel > SIZE_MAX / esize) {
		atoll_diag_error(d, where, "too many elements");
		return -1;
	}
	*nbytes = (size_t) numel * esize;
	return 0;
}

/* Copy the packed data of "pb" (raw_data or the typed field for its
 * dtype) into a fresh t->data of "nbytes" bytes.
 */
static int pb_decode_data(const Onnx__TensorProto *pb, atoll_tensor *t,
	size_t nbytes, const char *where, atoll_diag *d)
{
	enum pb_field f;
	size_t width, count, i;
	unsigned char *p;

	f = pb_field_of(t->dtype, &width);
	count = pb->has_raw_data ? pb->raw_data.len : pb_field_count(pb, f);
	if (pb->has_raw_data && pb->raw_data.len && !pb->raw_data.data)
		count = 0;
	if (pb->has_raw_data && count != nbytes) {
		atoll_diag_error(d, where, "raw_data has %zu bytes, "
			"%lld elements of %s need %zu",
			count, (long long) atoll_tensor_numel(t),
			atoll_dtype_name(t->dtype), nbytes);
		return -1;
	}
	if (!pb->has_raw_data && (f == PB_NONE || count != nbytes / width)) {
		atoll_diag_error(d, where, "%s has %zu entries, "
			"%lld elements of %s need %zu",
			pb_field_name(f), count,
			(long long) atoll_tensor_numel(t),
			atoll_dtype_name(t->dtype), nbytes / width);
		return -1;
	}
	p = malloc(nbytes ? nbytes : 1);
	if (!p) {
		atoll_diag_error(d, where, "out of memory");
		return -1;
	}
	if (pb->has_raw_data && nbytes)
		memcpy(p, pb->raw_data.data, nbytes);
	if (!pb->has_raw_data)
		for (i = 0; i < count; i++)
			store_le(p + i * width, pb_field_bits(pb, f, i), width);
	t->data = p;
	t->nbytes = nbytes;
	return 0;
}

int atoll_tensor_pb_decode(const struct Onnx__TensorProto *pb,
	atoll_tensor *t, atoll_diag *d)
{
	char where[300];
	size_t nbytes;

	memset(t, 0, sizeof(*t));
	t->name = strdup(pb && pb->name ? pb->name : "");
	if (!t->name) {
		atoll_diag_error(d, NULL, "out of memory");
		return -1;
	}
	snprintf(where, sizeof(where), "tensor '%s'", t->name);
	if (!pb) {
		atoll_diag_error(d, where, "no TensorProto");
		goto error;
	}
	if (pb_decode_header(pb, t, &nbytes, where, d) < 0)
		goto error;
	if (pb_decode_data(pb, t, nbytes, where, d) < 0)
		goto error;
	return 0;
error:
	atoll_tensor_clear(t);
	return -1;
}

/* Report the error in "sub" to "d", prefixed by "path".
 */
static void diag_forward(atoll_diag *d, const char *path,
	const atoll_diag *sub)
{
	atoll_diag_error(d, path, "%.*s", (int) sizeof(sub->msg), sub->msg);
}

int atoll_tensor_pb_read(const char *path, atoll_tensor *t, atoll_diag *d)
{
	Onnx__TensorProto *pb;
	atoll_diag sub = { 0 };
	void *buf;
	size_t len;
	int r;

	memset(t, 0, sizeof(*t));
	buf = atoll_file_read(path, &len, d);
	if (!buf)
		return -1;
	pb = onnx__tensor_proto__unpack(NULL, len, buf);
	free(buf);
	if (!pb) {
		atoll_diag_error(d, path,
			"malformed or truncated TensorProto");
		return -1;
	}
	r = atoll_tensor_pb_decode(pb, t, &sub);
	onnx__tensor_proto__free_unpacked(pb, NULL);
	if (r < 0)
		diag_forward(d, path, &sub);
	return r;
}

/* Check that "t" can be written: known shape of at most ATOLL_MAX_RANK
 * dims, a fixed-size dtype and exactly the data its shape needs.
 */
static int pb_write_check(const atoll_tensor *t, const char *where,
	atoll_diag *d)
{
	int64_t numel = atoll_tensor_numel(t);
	size_t esize = atoll_dtype_size(t->dtype);

	if (numel < 0) {
		atoll_diag_error(d, where, "shape is not concrete");
		return -1;
	}
	if (esize == 0) {
		atoll_diag_error(d, where, "unsupported data type %s",
			atoll_dtype_name(t->dtype));
		return -1;
	}
	if ((uint64_t) numel > SIZE_MAX / esize ||
	    t->nbytes != (size_t) numel * esize || (t->nbytes && !t->data)) {
		atoll_diag_error(d, where, "holds %zu bytes of data, "
			"%lld elements of %s need %lld",
			t->data ? t->nbytes : 0, (long long) numel,
			atoll_dtype_name(t->dtype),
			(long long) ((size_t) numel * esize));
		return -1;
	}
	return 0;
}

static int file_write(const char *path, const void *buf, size_t len,
	atoll_diag *d)
{
	FILE *f;
	int err = 0;

	f = fopen(path, "wb");
	if (!f) {
		atoll_diag_error(d, path, "cannot create: %s",
			strerror(errno));
		return -1;
	}
	if (len && fwrite(buf, 1, len, f) != len)
		err = errno ? errno : EIO;
	if (fclose(f) != 0 && !err)
		err = errno ? errno : EIO;
	if (err) {
		atoll_diag_error(d, path, "write error: %s", strerror(err));
		return -1;
	}
	return 0;
}

int atoll_tensor_pb_write(const char *path, const atoll_tensor *t,
	atoll_diag *d)
{
	Onnx__TensorProto pb = ONNX__TENSOR_PROTO__INIT;
	int64_t dims[ATOLL_MAX_RANK];
	char where[300];
	uint8_t *buf;
	size_t len;
	int r;

	if (!t) {
		atoll_diag_error(d, path, "no tensor to write");
		return -1;
	}
	snprintf(where, sizeof(where), "%s: tensor '%s'", path,
		t->name ? t->name : "");
	if (pb_write_check(t, where, d) < 0)
		return -1;
	memcpy(dims, t->dims, sizeof(dims));
	pb.n_dims = t->rank;
	pb.dims = dims;
	pb.has_data_type = 1;
	pb.data_type = t->dtype;
	pb.name = t->name ? t->name : "";
	pb.has_raw_data = 1;
	pb.raw_data.len = t->nbytes;
	pb.raw_data.data = t->data;
	len = onnx__tensor_proto__get_packed_size(&pb);
	buf = malloc(len ? len : 1);
	if (!buf) {
		atoll_diag_error(d, where, "out of memory");
		return -1;
	}
	onnx__tensor_proto__pack(&pb, buf);
	r = file_write(path, buf, len, d);
	free(buf);
	return r;
}
