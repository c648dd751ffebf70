/* Graph IR helpers: diagnostics, element types, lookup, freeing and
 * binding graph inputs to constants.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

/* Record the first error in "d": "where: message", or just the message
 * if "where" is NULL.  Later errors are dropped.
 */
void atoll_diag_error(atoll_diag *d, const char *where, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (!d || d->failed)
		return;
	d->failed = 1;
	d->msg[0] = '\0';
	if (where)
		n = snprintf(d->msg, sizeof(d->msg), "%s: ", where);
	if (n < 0 || (size_t) n >= sizeof(d->msg))
		return;
	va_start(ap, fmt);
	vsnprintf(d->msg + n, sizeof(d->msg) - n, fmt, ap);
	va_end(ap);
}

static const struct {
	int dtype;
	const char *name;
	size_t size;
} dtype_table[] = {
	{ 0, "undefined", 0 },
	{ 1, "float", 4 },
	{ 2, "uint8", 1 },
	{ 3, "int8", 1 },
	{ 4, "uint16", 2 },
	{ 5, "int16", 2 },
	{ 6, "int32", 4 },
	{ 7, "int64", 8 },
	{ 8, "string", 0 },
	{ 9, "bool", 1 },
	{ 10, "float16", 2 },
	{ 11, "double", 8 },
	{ 12, "uint32", 4 },
	{ 13, "uint64", 8 },
	{ 14, "complex64", 8 },
	{ 15, "complex128", 16 },
	{ 16, "bfloat16", 2 },
};

#define DTYPE_TABLE_LEN ((int) (sizeof(dtype_table) / sizeof(dtype_table[0])))

size_t atoll_dtype_size(int dtype)
{
	if (dtype < 0 || dtype >= DTYPE_TABLE_LEN)
		return 0;
	return dtype_table[dtype].size;
}

const char *atoll_dtype_name(int dtype)
{
	if (dtype < 0 || dtype >= DTYPE_TABLE_LEN)
		return "unknown";
	return dtype_table[dtype].name;
}

/* The product of the dims of "t", or -1 if the rank or a dimension is
 * unknown or the product does not fit in an int64_t.
 */
int64_t atoll_tensor_numel(const atoll_tensor *t)
{
	int64_t n = 1;
	int i;

	if (!t || t->rank < 0 || t->rank > ATOLL_MAX_RANK)
		return -1;
	for (i = 0; i < t->rank; i++) {
		if (t->dims[i] < 0)
			return -1;
		if (t->dims[i] != 0 && n > INT64_MAX / t->dims[i])
			return -1;
		n *= t->dims[i];
	}
	return n;
}

void atoll_tensor_clear(atoll_tensor *t)
{
	if (!t)
		return;
	free(t->name);
	free(t->data);
	memset(t, 0, sizeof(*t));
}

static void attr_clear(atoll_attr *a)
{
	free(a->name);
	free(a->ints);
	free(a->floats);
	free(a->s);
}

static void node_clear(atoll_node *n)
{
	int i;

	free(n->name);
	free(n->op_type);
	free(n->domain);
	free(n->inputs);
	free(n->outputs);
	if (n->attrs)
		for (i = 0; i < n->nattrs; i++)
			attr_clear(&n->attrs[i]);
	free(n->attrs);
}

void atoll_graph_free(atoll_graph *g)
{
	int i;

	if (!g)
		return;
	if (g->tensors)
		for (i = 0; i < g->ntensors; i++)
			atoll_tensor_clear(&g->tensors[i]);
	if (g->nodes)
		for (i = 0; i < g->nnodes; i++)
			node_clear(&g->nodes[i]);
	free(g->tensors);
	free(g->nodes);
	free(g->inputs);
	free(g->outputs);
	free(g->name);
	free(g);
}

int atoll_graph_find_tensor(const atoll_graph *g, const char *name)
{
	int i;

	if (!g || !name)
		return -1;
	for (i = 0; i < g->ntensors; i++)
		if (g->tensors[i].name && !strcmp(g->tensors[i].name, name))
			return i;
	return -1;
}

const atoll_attr *atoll_node_attr(const atoll_node *n, const char *name)
{
	int i;

	if (!n || !name)
		return NULL;
	for (i = 0; i < n->nattrs; i++)
		if (n->attrs[i].name && !strcmp(n->attrs[i].name, name))
			return &n->attrs[i];
	return NULL;
}

/* Print the shape of "t" as "[d0,d1,...]" ("?" for unknown) into "buf".
 */
static const char *shape_str(char *buf, size_t size, const atoll_tensor *t)
{
	size_t n;
	int i;

	if (t->rank < 0 || t->rank > ATOLL_MAX_RANK) {
		snprintf(buf, size, "[?]");
		return buf;
	}
	n = snprintf(buf, size, "[");
	for (i = 0; i < t->rank && n < size; i++) {
		if (t->dims[i] < 0)
			n += snprintf(buf + n, size - n, "%s?", i ? "," : "");
		else
			n += snprintf(buf + n, size - n, "%s%lld",
				i ? "," : "", (long long) t->dims[i]);
	}
	if (n < size)
		snprintf(buf + n, size - n, "]");
	return buf;
}

/* Is the concrete shape of "value" an instance of the declared shape of
 * "decl"?  Declared dims of -1 and an unknown declared rank match
 * anything.
 */
static int shape_matches(const atoll_tensor *decl, const atoll_tensor *value)
{
	int i;

	if (decl->rank < 0)
		return 1;
	if (decl->rank != value->rank)
		return 0;
	for (i = 0; i < decl->rank; i++)
		if (decl->dims[i] >= 0 && decl->dims[i] != value->dims[i])
			return 0;
	return 1;
}

/* Check that "value" holds a complete constant: known shape, fixed-size
 * element type and exactly numel * element size bytes of data.
 */
static int value_check(const atoll_tensor *value, const char *where,
	atoll_diag *d)
{
	int64_t numel = atoll_tensor_numel(value);
	size_t esize = atoll_dtype_size(value->dtype);

	if (numel < 0) {
		atoll_diag_error(d, where, "value has no concrete shape");
		return -1;
	}
	if (esize == 0) {
		atoll_diag_error(d, where, "value has unsupported dtype %s",
			atoll_dtype_name(value->dtype));
		return -1;
	}
	if ((uint64_t) numel > SIZE_MAX / esize ||
	    value->nbytes != (size_t) numel * esize ||
	    (value->nbytes && !value->data)) {
		atoll_diag_error(d, where, "value holds %zu bytes of data, "
			"its shape needs %lld elements of %zu bytes",
			value->data ? value->nbytes : 0, (long long) numel,
			esize);
		return -1;
	}
	return 0;
}

static void graph_inputs_remove(atoll_graph *g, int idx)
{
	int i, j;

	for (i = j = 0; i < g->ninputs; i++)
		if (g->inputs[i] != idx)
			g->inputs[j++] = g->inputs[i];
	g->ninputs = j;
}

/* Bind the graph input "name" of "g" to a copy of "value": the input
 * becomes a constant with the concrete shape of "value" and leaves the
 * list of graph inputs.
 */
int atoll_graph_bind_const(atoll_graph *g, const char *name,
	const atoll_tensor *value, atoll_diag *d)
{
	char where[300], s1[200], s2[200];
	atoll_tensor *t;
	void *data;
	int idx;

	snprintf(where, sizeof(where), "tensor '%s'", name ? name : "(null)");
	if (!g || !name || !value) {
		atoll_diag_error(d, where, "bind_const: invalid argument");
		return -1;
	}
	idx = atoll_graph_find_tensor(g, name);
	if (idx < 0) {
		atoll_diag_error(d, where, "no such tensor in graph '%s'",
			g->name ? g->name : "");
		return -1;
	}
	t = &g->tensors[idx];
	if (!t->is_input) {
		atoll_diag_error(d, where,
			"is not a graph input (or is already bound)");
		return -1;
	}
	if (value->dtype != t->dtype) {
		atoll_diag_error(d, where,
			"graph input is declared %s, value is %s",
			atoll_dtype_name(t->dtype),
			atoll_dtype_name(value->dtype));
		return -1;
	}
	if (value_check(value, where, d) < 0)
		return -1;
	if (!shape_matches(t, value)) {
		atoll_diag_error(d, where,
			"graph input is declared with shape %s, value has %s",
			shape_str(s1, sizeof(s1), t),
			shape_str(s2, sizeof(s2), value));
		return -1;
	}
	data = malloc(value->nbytes ? value->nbytes : 1);
	if (!data) {
		atoll_diag_error(d, where, "out of memory");
		return -1;
	}
	if (value->nbytes)
		memcpy(data, value->data, value->nbytes);
	free(t->data);
	t->data = data;
	t->nbytes = value->nbytes;
	t->rank = value->rank;
	memcpy(t->dims, value->dims, sizeof(t->dims));
	t->is_input = 0;
	graph_inputs_remove(g, idx);
	return 0;
}

/* Append everything that can be read from "f" to "buf", whose
 * capacity is "*cap" and current size "*len".
 */
static char *stream_read_all(FILE *f, char *buf, size_t *len, size_t *cap)
{
	char *nbuf;
	size_t got;

	for (;;) {
		if (*len == *cap) {
			*cap = *cap ? 2 * *cap : 65536;
			nbuf = realloc(buf, *cap);
			if (!nbuf) {
				free(buf);
				errno = ENOMEM;
				return NULL;
			}
			buf = nbuf;
		}
		got = fread(buf + *len, 1, *cap - *len, f);
		*len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

void *atoll_file_read(const char *path, size_t *len, atoll_diag *d)
{
	FILE *f;
	char *buf;
	size_t cap = 0;
	int err;

	*len = 0;
	f = fopen(path, "rb");
	if (!f) {
		atoll_diag_error(d, path, "cannot open: %s", strerror(errno));
		return NULL;
	}
	errno = 0;
	buf = stream_read_all(f, NULL, len, &cap);
	err = errno;
	fclose(f);
	if (!buf) {
		atoll_diag_error(d, path, "read error: %s",
			strerror(err ? err : EIO));
		return NULL;
	}
	if (*len == 0) {
		free(buf);
		atoll_diag_error(d, path, "empty file");
		return NULL;
	}
	return buf;
}

int atoll_graph_add_tensor(atoll_graph *g, const char *name, int dtype)
{
	atoll_tensor *t;

	t = realloc(g->tensors, (g->ntensors + 1) * sizeof(*t));
	if (!t)
		return -1;
	g->tensors = t;
	t = &g->tensors[g->ntensors];
	memset(t, 0, sizeof(*t));
	t->name = strdup(name);
	if (!t->name)
		return -1;
	t->dtype = dtype;
	t->rank = -1;
	return g->ntensors++;
}
