/* ONNX model file -> atoll_graph.
 *
 * Tensors are the initializers, the graph inputs and the node outputs;
 * a node may only read tensors defined before it (initializers, graph
 * inputs, outputs of earlier nodes), so the model order is a
 * topological order.  value_info and the graph outputs only annotate
 * tensors with element types and shapes.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "onnx.pb-c.h"

/* The graph under construction and an index from tensor name to
 * tensor: an open-addressing hash table "slot" of "nslot" entries (a
 * power of two), -1 for an empty slot.
 */
struct onnx_import {
	atoll_graph *g;
	atoll_diag *d;
	int cap;
	int *slot;
	size_t nslot;
};

static size_t name_hash(const char *s)
{
	size_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char) *s++) * 16777619u;
	return h;
}

/* The index of tensor "name", or -1 if there is none yet. */
static int tensor_lookup(struct onnx_import *imp, const char *name)
{
	size_t h = name_hash(name) & (imp->nslot - 1);
	int idx;

	while ((idx = imp->slot[h]) >= 0) {
		if (!strcmp(imp->g->tensors[idx].name, name))
			return idx;
		h = (h + 1) & (imp->nslot - 1);
	}
	return -1;
}

/* Move "t" (whose name is not yet in the graph) into the graph and
 * return its index.
 */
static int tensor_insert(struct onnx_import *imp, atoll_tensor *t)
{
	atoll_graph *g = imp->g;
	size_t h = name_hash(t->name) & (imp->nslot - 1);
	int idx;

	if (g->ntensors >= imp->cap) {
		atoll_diag_error(imp->d, NULL, "too many tensors");
		atoll_tensor_clear(t);
		return -1;
	}
	while (imp->slot[h] >= 0)
		h = (h + 1) & (imp->nslot - 1);
	idx = g->ntensors++;
	g->tensors[idx] = *t;
	imp->slot[h] = idx;
	memset(t, 0, sizeof(*t));
	return idx;
}

/* Add a tensor called "name" of unknown type and shape. */
static int tensor_new(struct onnx_import *imp, const char *name)
{
	atoll_tensor t = { 0 };

	t.name = strdup(name);
	if (!t.name) {
		atoll_diag_error(imp->d, NULL, "out of memory");
		return -1;
	}
	t.rank = -1;
	return tensor_insert(imp, &t);
}

/* Size the tensor array and the name index for at most all
 * initializers, graph inputs and node outputs of "gp".
 */
static int import_alloc(struct onnx_import *imp, const Onnx__GraphProto *gp)
{
	size_t total, i;

	total = gp->n_initializer + gp->n_input;
	for (i = 0; i < gp->n_node; i++)
		if (gp->node[i] && total < (size_t) INT_MAX)
			total += gp->node[i]->n_output;
	if (total >= (size_t) INT_MAX / 4) {
		atoll_diag_error(imp->d, NULL, "too many tensors");
		return -1;
	}
	imp->cap = (int) total;
	imp->nslot = 16;
	while (imp->nslot < 2 * total)
		imp->nslot *= 2;
	imp->g->tensors = calloc(total ? total : 1, sizeof(atoll_tensor));
	imp->slot = malloc(imp->nslot * sizeof(int));
	if (!imp->g->tensors || !imp->slot) {
		atoll_diag_error(imp->d, NULL, "out of memory");
		return -1;
	}
	for (i = 0; i < imp->nslot; i++)
		imp->slot[i] = -1;
	return 0;
}

/* Does "name" name a value (non-NULL and non-empty)? */
static int is_name(const char *name)
{
	return name && name[0];
}

static int initializers_import(struct onnx_import *imp,
	const Onnx__GraphProto *gp)
{
	atoll_tensor t;
	size_t i;

	for (i = 0; i < gp->n_initializer; i++) {
		const Onnx__TensorProto *pb = gp->initializer[i];

		if (!pb || !is_name(pb->name)) {
			atoll_diag_error(imp->d, NULL,
				"initializer %zu has no name", i);
			return -1;
		}
		if (tensor_lookup(imp, pb->name) >= 0) {
			atoll_diag_error(imp->d, NULL,
				"tensor '%s': duplicate initializer", pb->name);
			return -1;
		}
		if (atoll_tensor_pb_decode(pb, &t, imp->d) < 0)
			return -1;
		if (tensor_insert(imp, &t) < 0)
			return -1;
	}
	return 0;
}

/* Set the dims of "t" from "shape": dim_value, or -1 for a dim_param
 * or an unset dimension.  A rank beyond ATOLL_MAX_RANK is an error if
 * "strict", otherwise it leaves the shape unknown.
 */
static int shape_apply(const Onnx__TensorShapeProto *shape, atoll_tensor *t,
	int strict, const char *where, atoll_diag *d)
{
	size_t i;

	if (!shape) {
		t->rank = -1;
		return 0;
	}
	if (shape->n_dim > ATOLL_MAX_RANK || (shape->n_dim && !shape->dim)) {
		t->rank = -1;
		if (!strict)
			return 0;
		atoll_diag_error(d, where, "rank %zu exceeds the maximum %d",
			shape->n_dim, ATOLL_MAX_RANK);
		return -1;
	}
	for (i = 0; i < shape->n_dim; i++) {
		const Onnx__TensorShapeProto__Dimension *dim = shape->dim[i];

		t->dims[i] = -1;
		if (dim && dim->value_case ==
		    ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE &&
		    dim->dim_value >= 0)
			t->dims[i] = dim->dim_value;
	}
	t->rank = (int) shape->n_dim;
	return 0;
}

/* Set the element type and shape of "t" from the type of "vi", if it
 * has one.  A non-tensor type is an error if "strict" and ignored
 * otherwise.
 */
static int value_type_apply(struct onnx_import *imp,
	const Onnx__ValueInfoProto *vi, atoll_tensor *t, int strict)
{
	const Onnx__TypeProto *tp = vi->type;
	const Onnx__TypeProto__Tensor *tt;
	char where[300];

	snprintf(where, sizeof(where), "tensor '%s'", t->name);
	if (!tp || tp->value_case == ONNX__TYPE_PROTO__VALUE__NOT_SET)
		return 0;
	if (tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE) {
		if (!strict)
			return 0;
		atoll_diag_error(imp->d, where,
			"only tensor types are supported");
		return -1;
	}
	tt = tp->tensor_type;
	if (!tt)
		return 0;
	if (tt->has_elem_type)
		t->dtype = tt->elem_type;
	return shape_apply(tt->shape, t, strict, where, imp->d);
}

/* Graph inputs that are not initializers become tensors with is_input
 * set, listed in g->inputs in model order.
 */
static int inputs_import(struct onnx_import *imp, const Onnx__GraphProto *gp)
{
	atoll_graph *g = imp->g;
	size_t i;
	int idx;

	g->inputs = malloc((gp->n_input ? gp->n_input : 1) * sizeof(int));
	if (!g->inputs) {
		atoll_diag_error(imp->d, NULL, "out of memory");
		return -1;
	}
	for (i = 0; i < gp->n_input; i++) {
		const Onnx__ValueInfoProto *vi = gp->input[i];

		if (!vi || !is_name(vi->name)) {
			atoll_diag_error(imp->d, NULL,
				"graph input %zu has no name", i);
			return -1;
		}
		idx = tensor_lookup(imp, vi->name);
		if (idx >= 0 && g->tensors[idx].data)
			continue;
		if (idx >= 0) {
			atoll_diag_error(imp->d, NULL,
				"tensor '%s': duplicate graph input", vi->name);
			return -1;
		}
		idx = tensor_new(imp, vi->name);
		if (idx < 0)
			return -1;
		g->tensors[idx].is_input = 1;
		g->inputs[g->ninputs++] = idx;
		if (value_type_apply(imp, vi, &g->tensors[idx], 1) < 0)
			return -1;
	}
	return 0;
}

/* Copy the binary string "s" into a fresh NUL-terminated string. */
static char *bytes_dup(const ProtobufCBinaryData *s)
{
	size_t len = s->data ? s->len : 0;
	char *p = malloc(len + 1);

	if (!p)
		return NULL;
	if (len)
		memcpy(p, s->data, len);
	p[len] = '\0';
	return p;
}

/* Copy "n" elements of "size" bytes from "src" into a fresh array,
 * NULL if "n" is zero; "*ok" is cleared if allocation fails.
 */
static void *array_dup(const void *src, size_t n, size_t size, int *ok)
{
	void *p;

	if (!n || !src)
		return NULL;
	p = malloc(n * size);
	if (!p) {
		*ok = 0;
		return NULL;
	}
	memcpy(p, src, n * size);
	return p;
}

static int attr_import(const Onnx__AttributeProto *ap, atoll_attr *a,
	const char *where, atoll_diag *d)
{
	int ok = 1;

	a->name = strdup(ap->name ? ap->name : "");
	a->type = ATOLL_ATTR_OTHER;
	if (ap->n_ints > INT_MAX || ap->n_floats > INT_MAX) {
		atoll_diag_error(d, where, "attribute '%s' is too long",
			a->name ? a->name : "");
		return -1;
	}
	switch (ap->has_type ? ap->type :
	    ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED) {
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT:
		a->type = ATOLL_ATTR_INT;
		a->i = ap->i;
		break;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT:
		a->type = ATOLL_ATTR_FLOAT;
		a->f = ap->f;
		break;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS:
		a->type = ATOLL_ATTR_INTS;
		a->ints = array_dup(ap->ints, ap->n_ints, sizeof(int64_t), &ok);
		a->nints = a->ints ? (int) ap->n_ints : 0;
		break;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS:
		a->type = ATOLL_ATTR_FLOATS;
		a->floats = array_dup(ap->floats, ap->n_floats, sizeof(float),
			&ok);
		a->nfloats = a->floats ? (int) ap->n_floats : 0;
		break;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING:
		a->type = ATOLL_ATTR_STRING;
		a->s = bytes_dup(&ap->s);
		ok = a->s != NULL;
		break;
	default:
		break;
	}
	if (!ok || !a->name) {
		atoll_diag_error(d, where, "out of memory");
		return -1;
	}
	return 0;
}

/* The name of node "np" (index "index"): its own, or
 * "<op_type>_<index>" if it has none.
 */
static char *node_name(const Onnx__NodeProto *np, int index)
{
	size_t len;
	char *s;

	if (is_name(np->name))
		return strdup(np->name);
	len = strlen(np->op_type) + 16;
	s = malloc(len);
	if (s)
		snprintf(s, len, "%s_%d", np->op_type, index);
	return s;
}

/* Resolve the inputs of "np" to tensors defined so far (-1 for an
 * omitted optional input).
 */
static int node_inputs_import(struct onnx_import *imp,
	const Onnx__NodeProto *np, atoll_node *n, const char *where)
{
	size_t i;

	n->inputs = malloc((np->n_input ? np->n_input : 1) * sizeof(int));
	if (!n->inputs) {
		atoll_diag_error(imp->d, where, "out of memory");
		return -1;
	}
	for (i = 0; i < np->n_input; i++) {
		const char *name = np->input ? np->input[i] : NULL;

		n->inputs[i] = -1;
		if (!is_name(name))
			continue;
		n->inputs[i] = tensor_lookup(imp, name);
		if (n->inputs[i] < 0) {
			atoll_diag_error(imp->d, where, "input '%s' is not an "
				"initializer, a graph input or an output of "
				"an earlier node", name);
			return -1;
		}
	}
	n->ninputs = (int) np->n_input;
	return 0;
}

/* Create the output tensors of "np" (-1 for an omitted optional
 * output); every tensor name is defined once.
 */
static int node_outputs_import(struct onnx_import *imp,
	const Onnx__NodeProto *np, atoll_node *n, const char *where)
{
	size_t i;

	n->outputs = malloc((np->n_output ? np->n_output : 1) * sizeof(int));
	if (!n->outputs) {
		atoll_diag_error(imp->d, where, "out of memory");
		return -1;
	}
	for (i = 0; i < np->n_output; i++) {
		const char *name = np->output ? np->output[i] : NULL;

		n->outputs[i] = -1;
		if (!is_name(name))
			continue;
		if (tensor_lookup(imp, name) >= 0) {
			atoll_diag_error(imp->d, where, "output '%s' is "
				"already defined", name);
			return -1;
		}
		n->outputs[i] = tensor_new(imp, name);
		if (n->outputs[i] < 0)
			return -1;
	}
	n->noutputs = (int) np->n_output;
	return 0;
}

static int node_attrs_import(struct onnx_import *imp,
	const Onnx__NodeProto *np, atoll_node *n, const char *where)
{
	size_t i;

	if (!np->n_attribute || !np->attribute)
		return 0;
	if (np->n_attribute > INT_MAX) {
		atoll_diag_error(imp->d, where, "too many attributes");
		return -1;
	}
	n->attrs = calloc(np->n_attribute, sizeof(atoll_attr));
	if (!n->attrs) {
		atoll_diag_error(imp->d, where, "out of memory");
		return -1;
	}
	n->nattrs = (int) np->n_attribute;
	for (i = 0; i < np->n_attribute; i++) {
		if (!np->attribute[i])
			continue;
		if (attr_import(np->attribute[i], &n->attrs[i], where,
		    imp->d) < 0)
			return -1;
	}
	return 0;
}

static int node_import(struct onnx_import *imp, const Onnx__NodeProto *np,
	int index, atoll_node *n)
{
	char where[300];

	if (!np || !is_name(np->op_type)) {
		atoll_diag_error(imp->d, NULL, "node %d has no op_type", index);
		return -1;
	}
	if (np->n_input > INT_MAX || np->n_output > INT_MAX) {
		atoll_diag_error(imp->d, NULL, "node %d is too large", index);
		return -1;
	}
	n->op_type = strdup(np->op_type);
	n->domain = strdup(np->domain ? np->domain : "");
	n->name = node_name(np, index);
	if (!n->op_type || !n->domain || !n->name) {
		atoll_diag_error(imp->d, NULL, "out of memory");
		return -1;
	}
	snprintf(where, sizeof(where), "node '%s' (%s)", n->name, n->op_type);
	if (node_inputs_import(imp, np, n, where) < 0)
		return -1;
	if (node_outputs_import(imp, np, n, where) < 0)
		return -1;
	return node_attrs_import(imp, np, n, where);
}

static int nodes_import(struct onnx_import *imp, const Onnx__GraphProto *gp)
{
	atoll_graph *g = imp->g;
	size_t i;

	if (gp->n_node > INT_MAX) {
		atoll_diag_error(imp->d, NULL, "too many nodes");
		return -1;
	}
	g->nodes = calloc(gp->n_node, sizeof(atoll_node));
	if (!g->nodes) {
		atoll_diag_error(imp->d, NULL, "out of memory");
		return -1;
	}
	g->nnodes = (int) gp->n_node;
	for (i = 0; i < gp->n_node; i++)
		if (node_import(imp, gp->node[i], (int) i, &g->nodes[i]) < 0)
			return -1;
	return 0;
}

/* Annotate node outputs with the types in value_info; names that are
 * not tensors of the graph are ignored.
 */
static int value_info_import(struct onnx_import *imp,
	const Onnx__GraphProto *gp)
{
	atoll_tensor *t;
	size_t i;
	int idx;

	for (i = 0; i < gp->n_value_info; i++) {
		const Onnx__ValueInfoProto *vi = gp->value_info[i];

		if (!vi || !is_name(vi->name))
			continue;
		idx = tensor_lookup(imp, vi->name);
		if (idx < 0)
			continue;
		t = &imp->g->tensors[idx];
		if (t->data || t->is_input)
			continue;
		if (value_type_apply(imp, vi, t, 0) < 0)
			return -1;
	}
	return 0;
}

/* Mark the graph outputs, which must be defined in the graph, and list
 * them in g->outputs in model order.
 */
static int outputs_import(struct onnx_import *imp, const Onnx__GraphProto *gp)
{
	atoll_graph *g = imp->g;
	atoll_tensor *t;
	size_t i;
	int idx;

	g->outputs = malloc((gp->n_output ? gp->n_output : 1) * sizeof(int));
	if (!g->outputs) {
		atoll_diag_error(imp->d, NULL, "out of memory");
		return -1;
	}
	for (i = 0; i < gp->n_output; i++) {
		const Onnx__ValueInfoProto *vi = gp->output[i];

		if (!vi || !is_name(vi->name)) {
			atoll_diag_error(imp->d, NULL,
				"graph output %zu has no name", i);
			return -1;
		}
		idx = tensor_lookup(imp, vi->name);
		if (idx < 0) {
			atoll_diag_error(imp->d, NULL, "tensor '%s': graph "
				"output is not produced by any node", vi->name);
			return -1;
		}
		t = &g->tensors[idx];
		t->is_output = 1;
		g->outputs[g->noutputs++] = idx;
		if (!t->data && !t->is_input &&
		    value_type_apply(imp, vi, t, 1) < 0)
			return -1;
	}
	return 0;
}

static int model_check(const Onnx__ModelProto *model, atoll_diag *d)
{
	if (!model->graph) {
		atoll_diag_error(d, NULL, "model has no graph");
		return -1;
	}
	if (model->n_opset_import == 0) {
		atoll_diag_error(d, NULL, "model has no opset_import");
		return -1;
	}
	if (model->graph->n_node == 0 || !model->graph->node) {
		atoll_diag_error(d, NULL, "graph has no nodes");
		return -1;
	}
	return 0;
}

static atoll_graph *graph_import(const Onnx__ModelProto *model,
	atoll_diag *d)
{
	struct onnx_import imp = { 0 };
	const Onnx__GraphProto *gp;
	int r;

	if (model_check(model, d) < 0)
		return NULL;
	gp = model->graph;
	imp.d = d;
	imp.g = calloc(1, sizeof(atoll_graph));
	if (!imp.g) {
		atoll_diag_error(d, NULL, "out of memory");
		return NULL;
	}
	imp.g->name = strdup(gp->name ? gp->name : "");
	r = imp.g->name ? 0 : -1;
	if (r == 0)
		r = import_alloc(&imp, gp);
	if (r == 0)
		r = initializers_import(&imp, gp);
	if (r == 0)
		r = inputs_import(&imp, gp);
	if (r == 0)
		r = nodes_import(&imp, gp);
	if (r == 0)
		r = value_info_import(&imp, gp);
	if (r == 0)
		r = outputs_import(&imp, gp);
	free(imp.slot);
	if (r == 0)
		return imp.g;
	atoll_diag_error(d, NULL, "out of memory");
	atoll_graph_free(imp.g);
	return NULL;
}

atoll_graph *atoll_onnx_load(const char *path, atoll_diag *d)
{
	Onnx__ModelProto *model;
	atoll_diag sub = { 0 };
	atoll_graph *g;
	void *buf;
	size_t len;

	buf = atoll_file_read(path, &len, d);
	if (!buf)
		return NULL;
	model = onnx__model_proto__unpack(NULL, len, buf);
	free(buf);
	if (!model) {
		atoll_diag_error(d, path,
			"malformed or truncated ONNX protobuf");
		return NULL;
	}
	g = graph_import(model, &sub);
	onnx__model_proto__free_unpacked(model, NULL);
	if (!g)
		atoll_diag_error(d, path, "%.*s", (int) sizeof(sub.msg),
			sub.msg);
	return g;
}
