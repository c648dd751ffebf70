/*
 * Whole-model residency planning (-O2).
 *
 * 1. Dataflow: every operator of the per-operator program stores its
 *    output tensor and loads its inputs; isl_union_access_info_compute_flow
 *    over these accesses (writes as must-sources, reads as sinks, program
 *    order as schedule) gives the exact producer -> consumer dependences.
 *    Each dependence between two operators is a load-store pair.
 * 2. Layout operators whose input and output have the same scratchpad
 *    layout (Flatten of [N,C,1,1], Reshape, Squeeze, Unsqueeze keeping the
 *    channel structure) and channel Concats whose parts start on partition
 *    boundaries become aliases: their access relations are rewritten onto
 *    the producer's buffer and they emit nothing.
 * 3. Every intermediate tensor (or alias group) whose producers and
 *    consumers can address the scratchpad directly gets a buffer in the
 *    resident heap for its lifetime (first producer to last consumer),
 *    first fit, below the work space of every operator it lives across
 *    (what that operator's tiles take, atoll_conv_work/atoll_vec_work);
 *    what does not fit stays in DRAM with the reason recorded.  Each
 *    operator then tiles into the scratchpad above the tensors resident
 *    while it runs (work_lo).
 * 4. Other layout operators (Transpose, Slice, Pad, Concat off channels,
 *    reshapes that change the layout) are first planned as MOVEs between
 *    two resident tensors (move.c); one whose sides did not both stay on
 *    chip is dropped and the model planned again, so it becomes a view,
 *    a DRAM alias or a copy instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isl/flow.h>
#include <isl/map.h>
#include <isl/space.h>
#include <isl/union_map.h>
#include <isl/union_set.h>

#include <jansson.h>

#include "poly.h"
#include "resident.h"

struct planner {
	const atoll_graph *g;
	const atoll_hwcfg *hw;
	atoll_plan *p;
	int *prod;			/* per tensor: producing node or -1 */
	int *parent;			/* alias union-find */
	char *relayout;			/* per tensor: a reshape that changes
					 * the scratchpad layout made it (its
					 * group can share DRAM only) */
	char *nomove;			/* per node: a MOVE did not keep both
					 * sides on chip in an earlier round */
	char *nospmview;		/* per node: a Slice/Pad read in place
					 * in the scratchpad whose input did
					 * not stay there in an earlier round */
	char *nofuse;			/* per tensor: its row bands found no
					 * room in an earlier round */
	int *span_lo, *span_hi;		/* per node: the nodes its commands
					 * run among (a fusion group: all of
					 * its nodes, emitted band by band) */
	char *want_fuse;		/* per tensor: did not fit in an
					 * earlier round: fuse it if it can */
	const atoll_work *work;		/* per node, in node order: what its
					 * code generations tile */
	int *wfirst;			/* per node: its first work item */
	int *io;			/* per root: graph inputs, outputs
					 * and constants (2) in its group */
	const char *guess;		/* per root: kept in the previous
					 * allocation pass, or NULL */
	int half;			/* allocation pass keeping resident
					 * tensors to the lower half */
	int *mate;			/* per root r: [2r] the operand whose
					 * buffer an elementwise operator may
					 * write r over in place, [2r + 1] the
					 * reverse (make_inplace), or -1 */
	json_t *pairs;
};

static int is_op(const atoll_node *n, const char *op)
{
	return !strcmp(n->op_type, op);
}

/* The canonical [n, c, h, w] view of a tensor in the scratchpad: rank 4
 * as is; [M, K] and [B, M, K] as K channels over an M-long row.
 */
static int canon(const atoll_tensor *t, int64_t *v)
{
	if (t->rank == 4) {
		memcpy(v, t->dims, 4 * sizeof(*v));
		return 0;
	}
	if (t->rank == 2 || t->rank == 3) {
		v[0] = t->rank == 3 ? t->dims[0] : 1;
		v[1] = t->dims[t->rank - 1];
		v[2] = 1;
		v[3] = t->dims[t->rank - 2];
		return 0;
	}
	return -1;
}

/* Do "a" and "b" (a reshape of one another: the same elements in the
 * same row-major order) put every element at the same scratchpad place?
 * Equal canonical shapes are not enough across ranks: rank 4 keeps dim 1
 * in the partitions, ranks 2 and 3 the last dim; [N,C,1,W] and [N,W,C]
 * agree only when C or W is 1.
 */
static int same_canon(const atoll_tensor *a, const atoll_tensor *b)
{
	int64_t x[4], y[4];

	if (canon(a, x) < 0 || canon(b, y) < 0 || memcmp(x, y, sizeof(x)))
		return 0;
	return (a->rank == 4) == (b->rank == 4) || x[1] == 1 || x[3] == 1;
}

static int find(struct planner *pl, int t)
{
	while (pl->parent[t] != t)
		t = pl->parent[t];
	return t;
}

static int is_q8(const atoll_tensor *t)
{
	return t->dtype == ATOLL_DT_UINT8 || t->dtype == ATOLL_DT_INT8;
}

/* A Concat along the channel axis of 4-D tensors. */
static int channel_concat(const atoll_node *n)
{
	int i;

	for (i = 0; i < n->nattrs; i++)
		if (!strcmp(n->attrs[i].name, "axis") &&
		    n->attrs[i].i != 1 && n->attrs[i].i != -3)
			return 0;
	return 1;
}

/* "t" is "y" or broadcasts to it over channels, height or width (not
 * batch).
 */
static int bcast_ok(const atoll_tensor *t, const atoll_tensor *y)
{
	int64_t a[4], b[4];

	return canon(t, a) == 0 && canon(y, b) == 0 && a[0] == b[0] &&
		(a[1] == b[1] || a[1] == 1) && (a[2] == b[2] || a[2] == 1) &&
		(a[3] == b[3] || a[3] == 1);
}

/* A tensor a MOVE can address: quantised, rank 2 to 4 (canon). */
static int movable(const atoll_tensor *t)
{
	int64_t v[4];

	return is_q8(t) && !t->data && canon(t, v) == 0;
}

/* Can operand "k" of node "n" read tensor "t" from the scratchpad? */
static int ok_in(const atoll_plan *p, const atoll_graph *g,
	const atoll_node *n, int k, const atoll_tensor *t)
{
	if (!is_q8(t))
		return 0;
	if (p->move_node[n - g->nodes])
		return (k == 0 || is_op(n, "Concat")) && movable(t);
	if (is_op(n, "QLinearConv") || is_op(n, "ConvInteger"))
		return k == 0 && t->rank == 4;
	if (is_op(n, "QLinearMatMul") || is_op(n, "MatMulInteger"))
		return k == 0 && (t->rank == 2 || t->rank == 3);
	if (is_op(n, "QLinearAdd"))	/* over channels: moved first */
		return (k == 0 || k == 3) && t->rank == 4 &&
			bcast_ok(t, &g->tensors[n->outputs[0]]);
	if (is_op(n, "QLinearActivation") || is_op(n, "QLinearMaxPool") ||
	    is_op(n, "QLinearAveragePool") ||
	    is_op(n, "QLinearGlobalAveragePool") || is_op(n, "MaxPool"))
		return k == 0 && t->rank == 4;
	if (is_op(n, "Concat"))
		return channel_concat(n) && t->rank == 4 && t->dims[0] == 1;
	return 0;
}

static int ok_out(const atoll_plan *p, const atoll_graph *g,
	const atoll_node *n, const atoll_tensor *t)
{
	if (!is_q8(t))
		return 0;
	if (p->move_node[n - g->nodes])
		return movable(t);
	if (is_op(n, "QLinearConv"))
		return 1;
	if (is_op(n, "QLinearMatMul"))
		return t->rank == 2 || t->rank == 3;
	if (is_op(n, "QLinearAdd") || is_op(n, "QLinearActivation") ||
	    is_op(n, "QLinearMaxPool") || is_op(n, "QLinearAveragePool") ||
	    is_op(n, "QLinearGlobalAveragePool") || is_op(n, "MaxPool"))
		return t->rank == 4;
	if (is_op(n, "Concat"))
		return channel_concat(n) && t->rank == 4 && t->dims[0] == 1;
	return 0;
}

static int is_reshape_like(const atoll_node *n)
{
	return is_op(n, "Flatten") || is_op(n, "Reshape") ||
		is_op(n, "Squeeze") || is_op(n, "Unsqueeze") ||
		is_op(n, "Identity");
}

static int is_layout(const atoll_node *n)
{
	return is_reshape_like(n) || is_op(n, "Concat") ||
		is_op(n, "Transpose") || is_op(n, "Slice") || is_op(n, "Pad");
}

static int pad_fill(const atoll_graph *g, const atoll_node *n);
static int conv_xzp(const atoll_graph *g, const atoll_node *c);
static int is_conv(const atoll_node *n);

/* A channel Concat whose parts start on partition boundaries. */
static int concat_alias(struct planner *pl, const atoll_node *n)
{
	const atoll_graph *g = pl->g;
	const atoll_tensor *y = &g->tensors[n->outputs[0]];
	int64_t off = 0;
	int i, k;

	for (i = 0; i < n->nattrs; i++)
		if (!strcmp(n->attrs[i].name, "axis") &&
		    n->attrs[i].i != 1 && n->attrs[i].i != -3)
			return 0;
	if (y->rank != 4 || y->dims[0] != 1 || !is_q8(y))
		return 0;
	for (i = 0; i < n->ninputs; i++) {
		const atoll_tensor *x;

		if (n->inputs[i] < 0)
			return 0;
		x = &g->tensors[n->inputs[i]];
		if (off % pl->hw->rows || x->data || x->is_input ||
		    x->is_output || pl->parent[n->inputs[i]] != n->inputs[i])
			return 0;
		for (k = 0; k < i; k++)
			if (n->inputs[k] == n->inputs[i])
				return 0;	/* one tensor twice */
		/* a part that a reshape aliases already: the reshape's
		 * channel offset inside the concatenation is not tracked
		 */
		for (k = 0; k < g->ntensors; k++)
			if (k != n->inputs[i] && pl->parent[k] == n->inputs[i])
				return 0;
		off += x->dims[1];
	}
	return 1;
}

/* Can layout node "i" become MOVE commands, its input(s) and output in
 * the scratchpad in their own layouts?  (Reshapes that keep the layout
 * are aliases and aligned channel Concats too; other channel Concats are
 * shifting copies on the vector engine.)
 */
static int move_candidate(struct planner *pl, int i)
{
	const atoll_graph *g = pl->g;
	const atoll_node *n = &g->nodes[i];
	int k;

	if (pl->nomove[i] || n->ninputs < 1 ||
	    !movable(&g->tensors[n->outputs[0]]) ||
	    g->tensors[n->outputs[0]].is_output)
		return 0;
	if (is_op(n, "Concat")) {
		if (channel_concat(n))
			return 0;
		for (k = 0; k < n->ninputs; k++)
			if (n->inputs[k] < 0 ||
			    !movable(&g->tensors[n->inputs[k]]))
				return 0;
		return 1;
	}
	if (!(is_reshape_like(n) || is_op(n, "Transpose") ||
	      is_op(n, "Slice") || (is_op(n, "Pad") && pad_fill(g, n) >= 0)))
		return 0;
	return n->inputs[0] >= 0 && movable(&g->tensors[n->inputs[0]]);
}

static void make_moves(struct planner *pl)
{
	int i;

	for (i = 0; i < pl->g->nnodes; i++)
		if (!pl->p->alias_node[i] && move_candidate(pl, i))
			pl->p->move_node[i] = 1;
}

/* MOVE nodes whose input or output did not stay in the scratchpad:
 * planned again without the MOVE.  Returns how many.
 */
static int failed_moves(struct planner *pl)
{
	const atoll_graph *g = pl->g;
	atoll_plan *p = pl->p;
	int i, k, bad = 0;

	for (i = 0; i < g->nnodes; i++) {
		const atoll_node *n = &g->nodes[i];
		int ok;

		if (!p->move_node[i])
			continue;
		ok = p->t[n->outputs[0]].keep == ATOLL_KEEP_SPM;
		for (k = 0; k < n->ninputs && ok; k++)
			if ((k == 0 || is_op(n, "Concat")) && n->inputs[k] >= 0)
				ok = p->t[n->inputs[k]].keep == ATOLL_KEEP_SPM;
		if (!ok) {
			pl->nomove[i] = 1;
			bad++;
		}
	}
	return bad;
}

/* Is reshape-like node "n" a flattening of a [1, C, H, W] tensor into
 * [1, C*H*W] read only as operand A of matrix products?  They read it as
 * a convolution over the 4-D tensor (lower.c), so it keeps that layout
 * and costs nothing.
 */
static int flat_matmul(const atoll_graph *g, const atoll_node *n)
{
	const atoll_tensor *x = &g->tensors[n->inputs[0]];
	const atoll_tensor *y = &g->tensors[n->outputs[0]];
	int i, k, uses = 0;

	if (x->rank != 4 || y->rank != 2 || x->dims[0] != 1 ||
	    y->dims[0] != 1 || y->is_output ||
	    y->dims[1] != x->dims[1] * x->dims[2] * x->dims[3])
		return 0;
	for (i = 0; i < g->nnodes; i++)
		for (k = 0; k < g->nodes[i].ninputs; k++) {
			if (g->nodes[i].inputs[k] != n->outputs[0])
				continue;
			if (k != 0 || !(is_op(&g->nodes[i], "QLinearMatMul") ||
			    is_op(&g->nodes[i], "MatMulInteger")))
				return 0;
			uses++;
		}
	return uses > 0;
}

/* The int64 constant input "k" of node "n", element "i", or "def". */
static int64_t const_int(const atoll_graph *g, const atoll_node *n, int k,
	int64_t i, int64_t def)
{
	const atoll_tensor *t = k < n->ninputs && n->inputs[k] >= 0 ?
		&g->tensors[n->inputs[k]] : NULL;
	int64_t v;

	if (!t || !t->data || t->dtype != ATOLL_DT_INT64 ||
	    i >= atoll_tensor_numel(t))
		return def;
	memcpy(&v, (const char *) t->data + 8 * i, 8);
	return v;
}

/* A Slice of a 4-D tensor that the scratchpad layout can address with
 * an offset: steps 1, the batch whole, channels from a partition
 * boundary (height and width any range).
 */
static int slice_offset(const atoll_graph *g, const atoll_node *n,
	int64_t rows)
{
	const atoll_tensor *x = &g->tensors[n->inputs[0]];
	const atoll_tensor *st = n->ninputs > 1 && n->inputs[1] >= 0 ?
		&g->tensors[n->inputs[1]] : NULL;
	int64_t i, ns;

	if (!st || !st->data || st->dtype != ATOLL_DT_INT64)
		return 0;
	ns = atoll_tensor_numel(st);
	for (i = 0; i < ns; i++) {
		int64_t a = const_int(g, n, 3, i, i);
		int64_t lo = const_int(g, n, 1, i, 0);

		if (a < 0)
			a += 4;
		if (a < 0 || a > 3 || const_int(g, n, 4, i, 1) != 1)
			return 0;
		if (lo < 0)
			lo += x->dims[a];
		if (lo < 0)
			lo = 0;
		if ((a == 0 && lo) || (a == 1 && lo % rows) ||
		    (a == 0 && const_int(g, n, 2, i, 0) < x->dims[0]))
			return 0;
	}
	return 1;
}

/* Does vector operator "c" read its operand "k" through the scratchpad
 * view of a Slice (vec.c src_addr: the view's place, its rows one pitch
 * apart): an activation or pooling input, or an Add operand of the
 * output's shape?
 */
static int vec_view_ok(const atoll_graph *g, const atoll_node *c, int k)
{
	const atoll_tensor *x = &g->tensors[c->inputs[k]];
	const atoll_tensor *y = &g->tensors[c->outputs[0]];

	if (is_op(c, "QLinearAdd"))
		return (k == 0 || k == 3) && x->rank == 4 && y->rank == 4 &&
			!memcmp(x->dims, y->dims, 4 * sizeof(x->dims[0]));
	return k == 0 && (is_op(c, "QLinearActivation") ||
		is_op(c, "QLinearMaxPool") || is_op(c, "MaxPool") ||
		is_op(c, "QLinearAveragePool") ||
		is_op(c, "QLinearGlobalAveragePool"));
}

/* Can Slice or Pad node "i" be read in place in the scratchpad, its
 * input's buffer addressed with an offset or with the padding made by
 * its readers: every reader a convolution reading it as its input (for
 * a Pad, with the pad value as its input zero point) or, for a Slice, a
 * vector operator (vec_view_ok), the Slice an offset (slice_offset)?
 * Its output joins its input's alias group (whose lifetime then covers
 * its readers); if the group does not stay on chip, the node is planned
 * again without this (nospmview).
 */
static int spm_view_ok(struct planner *pl, int i)
{
	const atoll_graph *g = pl->g;
	const atoll_node *n = &g->nodes[i];
	const atoll_tensor *x, *y = &g->tensors[n->outputs[0]];
	int pad = is_op(n, "Pad"), j, k, uses = 0;

	if ((!pad && !is_op(n, "Slice")) || pl->nospmview[i] ||
	    n->ninputs < 1 || n->inputs[0] < 0)
		return 0;
	x = &g->tensors[n->inputs[0]];
	if (x->rank != 4 || y->rank != 4 || !is_q8(x) || !is_q8(y) ||
	    x->data || x->is_input || x->is_output || y->is_output ||
	    pl->parent[n->inputs[0]] != n->inputs[0] ||
	    (!pad && !slice_offset(g, n, pl->hw->rows)))
		return 0;
	for (j = 0; j < g->nnodes; j++)
		for (k = 0; k < g->nodes[j].ninputs; k++) {
			const atoll_node *c = &g->nodes[j];

			if (c->inputs[k] != n->outputs[0])
				continue;
			uses++;
			if (pad ? !is_conv(c) || k != 0 || pad_fill(g, n) < 0 ||
				  pad_fill(g, n) != conv_xzp(g, c) :
			    !vec_view_ok(g, c, k) && !(is_conv(c) && k == 0))
				return 0;
		}
	return uses > 0;
}

/* Slices and Pads read in place whose input did not stay in the
 * scratchpad: planned again without (nospmview).  Returns how many.
 */
static int failed_spm_views(struct planner *pl)
{
	const atoll_graph *g = pl->g;
	atoll_plan *p = pl->p;
	int i, bad = 0;

	for (i = 0; i < g->nnodes; i++)
		if (p->alias_node[i] && p->view_node[i] &&
		    p->t[find(pl, g->nodes[i].outputs[0])].keep !=
		    ATOLL_KEEP_SPM) {
			pl->nospmview[i] = 1;
			bad++;
		}
	return bad;
}

static void make_aliases(struct planner *pl)
{
	const atoll_graph *g = pl->g;
	atoll_plan *p = pl->p;
	int i, k;

	for (i = 0; i < g->nnodes; i++) {
		const atoll_node *n = &g->nodes[i];
		int y = n->outputs[0], same = 0, flat = 0;

		if (is_reshape_like(n) && n->ninputs >= 1 && n->inputs[0] >= 0) {
			same = same_canon(&g->tensors[n->inputs[0]],
				&g->tensors[y]);
			flat = !same && flat_matmul(g, n);
		}
		if (is_reshape_like(n) && n->ninputs >= 1 && n->inputs[0] >= 0 &&
		    is_q8(&g->tensors[y]) &&
		    (same || flat || !move_candidate(pl, i))) {
			pl->parent[y] = find(pl, n->inputs[0]);
			pl->relayout[y] = !same && !flat;
			p->t[y].flat_src = flat ? n->inputs[0] : -1;
			p->alias_node[i] = 1;
		} else if (spm_view_ok(pl, i)) {
			pl->parent[y] = find(pl, n->inputs[0]);
			p->alias_node[i] = 1;
			p->view_node[i] = 1;
		} else if (is_op(n, "Concat") && concat_alias(pl, n)) {
			int64_t off = 0;

			for (k = 0; k < n->ninputs; k++) {
				int x = n->inputs[k];

				pl->parent[x] = y;
				p->t[x].chan_off = off;
				off += g->tensors[x].dims[1];
			}
			p->alias_node[i] = 1;
		}
	}
}

/* Is every member of the alias group rooted at "r" addressable in SPM by
 * all its producers and consumers?
 */
static const char *group_ok(struct planner *pl, int r)
{
	const atoll_graph *g = pl->g;
	int t, i, k;

	for (t = 0; t < g->ntensors; t++) {
		const atoll_tensor *x = &g->tensors[t];

		if (find(pl, t) != r)
			continue;
		if (x->data || x->is_input || x->is_output)
			return "graph input or output";
		if (pl->p->t[t].is_view)
			return "written in place into a concatenation";
		if (pl->prod[t] >= 0 && is_op(&g->nodes[pl->prod[t]], "Concat") &&
		    pl->p->t[g->nodes[pl->prod[t]].inputs[0]].part_of == t)
			return "its parts are written in place in DRAM";
		if (pl->relayout[t])
			return "reshape changes the scratchpad layout";
		if (pl->prod[t] < 0)
			return "no producer";
		if (!pl->p->alias_node[pl->prod[t]] &&
		    !ok_out(pl->p, g, &g->nodes[pl->prod[t]], x))
			return "producer cannot write the scratchpad";
		for (i = 0; i < g->nnodes; i++)
			for (k = 0; k < g->nodes[i].ninputs; k++)
				if (g->nodes[i].inputs[k] == t &&
				    !pl->p->alias_node[i] &&
				    !ok_in(pl->p, g, &g->nodes[i], k, x))
					return "consumer cannot read the "
						"scratchpad";
	}
	return NULL;
}

/* A graph input "r" read by several operators (or read more than once)
 * is loaded into the scratchpad once, before its first consumer, when
 * every consumer can read it there.  Only a 4-D input on its own (no
 * aliases) is kept: its load is a plain copy into the canonical layout.
 */
static const char *input_ok(struct planner *pl, int r)
{
	const atoll_graph *g = pl->g;
	const atoll_tensor *x = &g->tensors[r];
	int t, i, k, uses = 0;

	if (x->is_output || x->rank != 4 || !is_q8(x))
		return "graph input or output";
	for (t = 0; t < g->ntensors; t++)
		if (t != r && find(pl, t) == r)
			return "graph input or output";
	for (i = 0; i < g->nnodes; i++)
		for (k = 0; k < g->nodes[i].ninputs; k++) {
			if (g->nodes[i].inputs[k] != r)
				continue;
			if (pl->p->alias_node[i] ||
			    !ok_in(pl->p, g, &g->nodes[i], k, x))
				return "graph input or output";
			uses++;
		}
	return uses > 1 ? NULL : "graph input or output";
}

static void group_lifetime(struct planner *pl, int r, int *first, int *last)
{
	const atoll_graph *g = pl->g;
	int t, i, k;

	*first = g->nnodes;
	*last = -1;
	for (t = 0; t < g->ntensors; t++) {
		if (find(pl, t) != r)
			continue;
		if (pl->prod[t] >= 0 && pl->span_lo[pl->prod[t]] < *first)
			*first = pl->span_lo[pl->prod[t]];
		for (i = 0; i < g->nnodes; i++)
			for (k = 0; k < g->nodes[i].ninputs; k++)
				if (g->nodes[i].inputs[k] == t) {
					if (pl->span_hi[i] > *last)
						*last = pl->span_hi[i];
					if (pl->span_lo[i] < *first)
						*first = pl->span_lo[i];
				}
	}
	if (*last < *first)	/* read by nobody: written all the same */
		*last = *first;
}

/* Is "t" another buffer in the scratchpad whose lifetime overlaps r's? */
static int live_with(const atoll_plan *p, int r, int t)
{
	const atoll_tplan *a = &p->t[r], *b = &p->t[t];

	return t != r && (b->keep == ATOLL_KEEP_SPM ||
		b->keep == ATOLL_KEEP_BAND) && b->root == t &&
		b->first <= a->last && a->first <= b->last;
}

/* Does "r" overlap no buffer whose lifetime overlaps its own, except
 * "skip", when placed at "addr"?
 */
static int free_at(const atoll_plan *p, int r, int64_t addr, int skip)
{
	int t;

	for (t = 0; t < p->ntensors; t++) {
		const atoll_tplan *b = &p->t[t];

		if (t != skip && live_with(p, r, t) &&
		    addr < b->base + b->bytes && b->base < addr + p->t[r].bytes)
			return 0;
	}
	return 1;
}

/* First fit: the lowest address where "r" overlaps no buffer whose
 * lifetime overlaps its own; -1 if it would end above "limit".  A buffer
 * with an in-place mate (make_inplace) already in the scratchpad takes
 * the mate's place if it can: the two touch only at the elementwise
 * operator that reads one and writes the other element by element.
 */
static int64_t first_fit(atoll_plan *p, int r, int64_t limit,
	const int *mates)
{
	atoll_tplan *a = &p->t[r];
	int64_t addr = 0;
	int moved = 1, t, m;

	for (m = 0; mates && m < 2; m++) {
		const atoll_tplan *b;

		t = mates[2 * r + m];
		if (t < 0)
			continue;
		b = &p->t[t];
		if (b->keep == ATOLL_KEEP_SPM && b->bytes == a->bytes &&
		    b->base + a->bytes <= limit && free_at(p, r, b->base, t))
			return b->base;
	}
	while (moved) {
		moved = 0;
		for (t = 0; t < p->ntensors; t++) {
			atoll_tplan *b = &p->t[t];

			if (!live_with(p, r, t))
				continue;
			if (addr < b->base + b->bytes &&
			    b->base < addr + a->bytes) {
				addr = atoll_align64(b->base + b->bytes);
				moved = 1;
			}
		}
	}
	return addr + a->bytes <= limit ? addr : -1;
}

/* The end of the resident buffers live at node "i" (each 64-byte
 * aligned): where the operator's work space starts.
 */
static int64_t heap_top(const atoll_plan *p, int i)
{
	int64_t top = 0;
	int t;

	for (t = 0; t < p->ntensors; t++) {
		const atoll_tplan *b = &p->t[t];

		if ((b->keep == ATOLL_KEEP_SPM ||
		     b->keep == ATOLL_KEEP_BAND) && b->root == t &&
		    b->first <= i && i <= b->last &&
		    b->base + b->bytes > top)
			top = b->base + b->bytes;
	}
	return atoll_align64(top);
}

/* Is tensor "t" in the scratchpad once the alias group rooted at "r"
 * (-1: none) is kept there too?  Groups not decided yet count as in
 * device memory, which is what they stay if they do not fit, or with
 * "guess", as the previous allocation pass decided them.
 */
static int resident(struct planner *pl, int t, int r, int guess)
{
	const atoll_tplan *a;
	int root;

	if (t < 0)
		return 0;
	root = find(pl, t);
	a = &pl->p->t[root];
	return root == r || a->keep == ATOLL_KEEP_SPM ||
		a->keep == ATOLL_KEEP_BAND ||
		(guess && pl->guess && pl->guess[root] && !a->why);
}

static void dims4(const atoll_tensor *t, int64_t *d)
{
	int i, k = 4 - t->rank;

	for (i = 0; i < 4; i++)
		d[i] = i < k ? 1 : t->dims[i - k];
}

/* The end of the layout of work item "w" in a work space [0, hi), with
 * its operands' residency as resident() says.  An Add operand on chip
 * but broadcast over channels is first moved to every channel at the
 * start of the work space (lower_vec.c, bcast_channels).
 */
static int64_t item_work(struct planner *pl, const atoll_work *w, int r,
	int guess, int64_t hi, int64_t *traffic)
{
	const atoll_graph *g = pl->g;
	int64_t R = pl->hw->rows, lo = 0, d[4];
	atoll_conv c;
	atoll_vec v;
	int k;

	if (w->is_conv) {
		c = w->c;
		c.xres.on = resident(pl, w->in[0], r, guess);
		c.yres.on = c.out_kind == ATOLL_OUT_REQUANT &&
			resident(pl, w->out, r, guess);
		return atoll_conv_work(pl->hw, &c, 0, hi, traffic);
	}
	v = w->v;
	for (k = 0; k < v.nin && k < 2; k++) {
		v.in[k].res.on = resident(pl, w->in[k], r, guess);
		if (!v.in[k].res.on || v.kind != ATOLL_VEC_ADD)
			continue;
		dims4(&g->tensors[w->in[k]], d);
		if (d[1] != v.c)
			lo = atoll_align64(lo) + d[0] * atoll_ceil_div(v.c, R) *
				d[2] * d[3];
	}
	v.out.res.on = resident(pl, w->out, r, guess);
	return atoll_vec_work(pl->hw, &v, lo, hi, traffic);
}

/* Graph input "t" loaded into the scratchpad before node "i": a copy
 * into its resident buffer (lower_vec.c, atoll_lower_load_input).
 */
static void load_work(const atoll_graph *g, int t, int i, atoll_work *w)
{
	int64_t d[4];

	memset(w, 0, sizeof(*w));
	dims4(&g->tensors[t], d);
	w->node = i;
	w->v.kind = ATOLL_VEC_POOL;
	w->v.n = d[0];
	w->v.c = d[1];
	w->v.oh = d[2];
	w->v.ow = d[3];
	w->v.nin = 1;
	w->v.kh = w->v.kw = w->v.sh = w->v.sw = w->v.dh = w->v.dw = 1;
	w->v.in[0].h = d[2];
	w->v.in[0].w = d[3];
	w->in[0] = -1;
	w->in[1] = -1;
	w->out = t;
}

/* Does node "i" generate code?  Aliases do not, except those of a group
 * left in device memory that cannot share one buffer (dram_aliases), and
 * MOVEs need no work space (views are known only after allocation and
 * count as the copies they would otherwise be).
 */
static int tiles(struct planner *pl, int i)
{
	int r = find(pl, pl->g->nodes[i].outputs[0]);

	if (pl->p->move_node[i])
		return 0;
	return !pl->p->alias_node[i] ||
		(!resident(pl, r, -1, 0) && pl->io[r] > 1);
}

/* Raise "*pref" and "*least" (node_work) to what work item "w" needs. */
static void add_work(struct planner *pl, const atoll_work *w, int r,
	int64_t *pref, int64_t *least)
{
	int64_t spm = pl->hw->spm_bytes;
	int64_t cap = spm - atoll_align64(spm / 2);
	int64_t e = item_work(pl, w, r, 1, cap, NULL);
	int64_t m = item_work(pl, w, r, 0, 0, NULL);

	if (e > cap)
		e = item_work(pl, w, r, 1, spm, NULL);
	if (e > *pref)
		*pref = e;
	if (m > *least)
		*least = m;
}

/* The scratchpad node "i" needs for its own tiles (from a 64-byte
 * aligned start) once the alias group rooted at "r" is kept too:
 * "*least" the least its tilers can run in, with the groups not decided
 * yet in device memory (kept later, a group is checked against its
 * operators again; left there, it changes nothing), and "*pref" what
 * they choose in half the scratchpad (the space every operator had when
 * the resident tensors were kept to the lower half), or in all of it if
 * that is too little, with those groups as the previous pass decided
 * them.  Either is above the scratchpad if the operator cannot run.
 */
static void node_work(struct planner *pl, int i, int r, int64_t *pref,
	int64_t *least)
{
	const atoll_graph *g = pl->g;
	const atoll_node *n = &g->nodes[i];
	atoll_work lw;
	int j, k;

	*pref = *least = 0;
	if (tiles(pl, i))
		for (k = pl->wfirst[i]; k < pl->wfirst[i + 1]; k++)
			add_work(pl, &pl->work[k], r, pref, least);
	/* the nodes of a fusion group all run at its consumer */
	for (j = 0; pl->p->emit_at[i] == i && j < i; j++)
		for (k = pl->wfirst[j]; pl->p->emit_at[j] == i &&
		     k < pl->wfirst[j + 1]; k++)
			add_work(pl, &pl->work[k], r, pref, least);
	for (k = 0; k < n->ninputs; k++) {
		int t = n->inputs[k];

		if (t < 0 || !g->tensors[t].is_input || g->tensors[t].data ||
		    !resident(pl, t, r, 0) || pl->p->t[find(pl, t)].first != i)
			continue;
		load_work(g, t, i, &lw);
		add_work(pl, &lw, r, pref, least);
	}
}

/* Can the alias group rooted at "r" stay in the scratchpad, whatever
 * else does?  Sets its reason if not, else its canonical shape, size
 * and lifetime.  None of this changes between allocation passes.
 */
static void prepare(struct planner *pl, int r)
{
	const atoll_graph *g = pl->g;
	atoll_tplan *a = &pl->p->t[r];
	int64_t v[4];

	a->why = g->tensors[r].is_input ? input_ok(pl, r) : group_ok(pl, r);
	if (a->why)
		return;
	if (canon(&g->tensors[r], v) < 0) {
		a->why = "rank";
		return;
	}
	a->n = v[0];
	a->c = v[1];
	a->h = v[2];
	a->w = v[3];
	group_lifetime(pl, r, &a->first, &a->last);
	a->bytes = atoll_align64(a->n * atoll_ceil_div(a->c, pl->hw->rows) *
		a->h * a->w);
}

/* Keep the alias group rooted at "r" (prepared) in the scratchpad if it
 * fits: first fit below the work space of every operator it lives
 * across (with "half", below half the scratchpad, as before operators
 * had their own work spaces).  Kept, the group may make an operator need
 * more (its load, a broadcast copy, larger tiles now that a slot is
 * gone): the buffers already there must still leave every operator at
 * least the least it can run in.
 */
static void place(struct planner *pl, int r)
{
	atoll_tplan *a = &pl->p->t[r];
	int64_t spm = pl->hw->spm_bytes, pref, least;
	int64_t limit = pl->half ? atoll_align64(spm / 2) : spm;
	int i;

	for (i = a->first; i <= a->last; i++) {
		node_work(pl, i, r, &pref, &least);
		if (heap_top(pl->p, i) + least > spm) {
			a->why = "an operator needs the scratchpad";
			return;
		}
		if (!pl->half && spm - pref < limit)
			limit = spm - pref;
		if (spm - least < limit)
			limit = spm - least;
	}
	a->base = first_fit(pl->p, r, limit, pl->mate);
	if (a->base < 0) {
		a->why = "does not fit the scratchpad";
		return;
	}
	a->keep = ATOLL_KEEP_SPM;
	atoll_buf_spm(&a->buf, a->base, a->base + a->bytes);
}

/* Alias groups left in device memory share the root's buffer there: a
 * reshape-like operator's output is its input's bytes, and the part of a
 * channel concatenation (batch 1) is the contiguous slice at its channel
 * offset, so the layout operator costs nothing.  A group cannot share
 * with a constant in it, nor with two graph inputs/outputs (each needs a
 * buffer of its own): it gets one buffer per tensor and its layout
 * operators copy.
 */
static void dram_aliases(struct planner *pl)
{
	const atoll_graph *g = pl->g;
	atoll_plan *p = pl->p;
	int *io = pl->io;
	int i, k, t;

	for (i = 0; i < g->nnodes; i++) {
		int r = find(pl, g->nodes[i].outputs[0]);

		if (!p->alias_node[i] || p->t[r].keep == ATOLL_KEEP_SPM ||
		    io[r] <= 1)
			continue;
		p->alias_node[i] = 0;
		for (k = 0; k < g->nodes[i].ninputs; k++)
			if (g->nodes[i].inputs[k] >= 0)
				p->t[g->nodes[i].inputs[k]].chan_off = 0;
	}
	for (t = 0; t < g->ntensors; t++) {
		int x = t, r = find(pl, t);

		p->t[t].dram_root = t;
		p->t[t].dram_off = 0;
		if (r == t || p->t[r].keep == ATOLL_KEEP_SPM || io[r] > 1)
			continue;
		p->t[t].dram_root = r;
		while (x != r) {
			const atoll_tensor *y = &g->tensors[pl->parent[x]];

			if (p->t[x].chan_off)
				p->t[t].dram_off += p->t[x].chan_off *
					y->dims[2] * y->dims[3];
			x = pl->parent[x];
		}
	}
}

/* Per alias root: its group's graph inputs and outputs, and constants
 * (2 each), which decide whether the group can share one buffer in
 * device memory (dram_aliases).  A group with any of them never stays
 * in the scratchpad.
 */
static void group_io(struct planner *pl)
{
	const atoll_graph *g = pl->g;
	int t;

	memset(pl->io, 0, (g->ntensors + 1) * sizeof(int));
	for (t = 0; t < g->ntensors; t++)
		pl->io[find(pl, t)] += g->tensors[t].data ? 2 :
			g->tensors[t].is_input || g->tensors[t].is_output;
}

/* The byte a Pad node "n" fills with (as lower_vec.c's lower_pad: a
 * quantised constant_value, else the QDQ pass's atoll_pad_value, else 0),
 * or -1 if it is not a constant.
 */
static int pad_fill(const atoll_graph *g, const atoll_node *n)
{
	const atoll_tensor *cv = n->ninputs > 2 && n->inputs[2] >= 0 ?
		&g->tensors[n->inputs[2]] : NULL;
	int k;

	if (cv && cv->data && cv->nbytes && is_q8(cv))
		return *(const uint8_t *) cv->data;
	for (k = 0; k < n->nattrs; k++)
		if (!strcmp(n->attrs[k].name, "atoll_pad_value"))
			return (uint8_t) n->attrs[k].i;
	return cv ? -1 : 0;
}

/* The input zero point byte of convolution "c" (0 if absent), or -1. */
static int conv_xzp(const atoll_graph *g, const atoll_node *c)
{
	const atoll_tensor *z = c->ninputs > 2 && c->inputs[2] >= 0 ?
		&g->tensors[c->inputs[2]] : NULL;

	if (!z)
		return 0;
	return z->data && z->nbytes && is_q8(z) ? *(const uint8_t *) z->data :
		-1;
}

static int is_conv(const atoll_node *n)
{
	return is_op(n, "QLinearConv") || is_op(n, "ConvInteger");
}

/* Does operand "k" of node "c" read it through a 4-D strided view of
 * the tensor's own shape (so that it can read a view in place)?
 */
static int reads_views(const atoll_node *c, int k)
{
	if (is_conv(c) || is_op(c, "Transpose") || is_op(c, "Slice") ||
	    is_op(c, "Pad") || is_op(c, "QLinearActivation") ||
	    is_op(c, "QLinearMaxPool") || is_op(c, "MaxPool") ||
	    is_op(c, "QLinearAveragePool") ||
	    is_op(c, "QLinearGlobalAveragePool"))
		return k == 0;
	if (is_op(c, "QLinearAdd"))
		return k == 0 || k == 3;
	return is_op(c, "Concat");	/* a copying Concat (not an alias) */
}

/* Slice "n" has constant steps that are all positive (or none). */
static int positive_steps(const atoll_graph *g, const atoll_node *n)
{
	const atoll_tensor *st = n->ninputs > 4 && n->inputs[4] >= 0 ?
		&g->tensors[n->inputs[4]] : NULL;
	int64_t k;

	if (!st)
		return 1;
	if (!st->data || st->dtype != ATOLL_DT_INT64)
		return 0;
	for (k = 0; k < atoll_tensor_numel(st); k++)
		if (const_int(g, n, 4, k, 0) <= 0)
			return 0;
	return 1;
}

/* Can the output "y" of Transpose/Slice/Pad node "n" be a view, read in
 * place by every consumer?  Non-padded views feed convolutions (input
 * 0), vector operators and copying layout operators, which all read
 * through strides; a Pad view feeds only convolutions whose input zero
 * point is the pad value, which then pad as part of the convolution.
 */
static int view_ok(struct planner *pl, const atoll_node *n, int y)
{
	const atoll_graph *g = pl->g;
	const atoll_tensor *t = &g->tensors[y];
	int x = n->inputs[0], pad = is_op(n, "Pad"), i, k, uses = 0;

	if (!is_q8(t) || t->is_output || t->is_input || t->rank != 4 ||
	    g->tensors[x].rank != 4 || g->tensors[x].data ||
	    pl->p->t[x].keep == ATOLL_KEEP_SPM || pl->p->t[y].keep ||
	    (is_op(n, "Slice") && !positive_steps(g, n)))
		return 0;
	for (i = 0; i < g->ntensors; i++)
		if (i != y && find(pl, i) == y)
			return 0;
	for (i = 0; i < g->nnodes; i++)
		for (k = 0; k < g->nodes[i].ninputs; k++) {
			const atoll_node *c = &g->nodes[i];

			if (c->inputs[k] != y)
				continue;
			uses++;
			if (pl->p->alias_node[i] || (pad && k != 0))
				return 0;
			if (pad ? !(is_conv(c) && pad_fill(g, n) >= 0 &&
				    pad_fill(g, n) == conv_xzp(g, c)) :
			    !reads_views(c, k))
				return 0;
		}
	return uses > 0;
}

static void make_views(struct planner *pl)
{
	const atoll_graph *g = pl->g;
	atoll_plan *p = pl->p;
	int i;

	for (i = 0; i < g->nnodes; i++) {
		const atoll_node *n = &g->nodes[i];
		int y = n->outputs[0];

		if (!(is_op(n, "Transpose") || is_op(n, "Slice") ||
		      is_op(n, "Pad")) || p->alias_node[i] || n->ninputs < 1 ||
		    n->inputs[0] < 0 || !view_ok(pl, n, y))
			continue;
		p->view_node[i] = 1;
		p->t[y].is_view = 1;
		p->t[y].why = "read in place through a view";
	}
}

/* Can part "x" of a concatenation node "ci" be written straight into
 * the concatenation's buffer?  Its producer must be an operator that
 * writes through strides (QLinearConv, or a vector operator), and the
 * concatenation its only reader.
 */
static int part_ok(struct planner *pl, int ci, int x)
{
	const atoll_graph *g = pl->g;
	const atoll_tensor *t = &g->tensors[x];
	const atoll_node *pn;
	int i, k;

	if (!is_q8(t) || t->rank != 4 || t->is_input || t->is_output ||
	    t->data || pl->prod[x] < 0 || pl->p->t[x].keep ||
	    pl->p->t[x].is_view || find(pl, x) != x)
		return 0;
	for (i = 0; i < g->ntensors; i++)
		if (i != x && find(pl, i) == x)
			return 0;
	pn = &g->nodes[pl->prod[x]];
	if (is_op(pn, "Concat") && pl->p->alias_node[pl->prod[x]] &&
	    pl->p->t[pn->inputs[0]].part_of == x)
		;	/* a concatenation written in place itself */
	else if (pl->p->alias_node[pl->prod[x]] ||
	    pl->p->view_node[pl->prod[x]] ||
	    !(is_op(pn, "QLinearConv") || is_op(pn, "QLinearAdd") ||
	      is_op(pn, "QLinearActivation") || is_op(pn, "QLinearMaxPool") ||
	      is_op(pn, "MaxPool") || is_op(pn, "QLinearAveragePool") ||
	      is_op(pn, "QLinearGlobalAveragePool")))
		return 0;
	for (i = 0; i < g->nnodes; i++)
		for (k = 0; k < g->nodes[i].ninputs; k++)
			if (g->nodes[i].inputs[k] == x && i != ci)
				return 0;
	for (k = 0; k < g->nodes[ci].ninputs; k++)
		for (i = 0; i < k; i++)
			if (g->nodes[ci].inputs[i] == g->nodes[ci].inputs[k])
				return 0;	/* the same part twice */
	return 1;
}

/* A concatenation left in device memory (any axis) whose parts can all
 * be written in place: each producer writes its part straight into the
 * concatenation's buffer through its strides, at the part's offset, and
 * the Concat emits nothing.
 */
static void make_concat_parts(struct planner *pl)
{
	const atoll_graph *g = pl->g;
	atoll_plan *p = pl->p;
	int i, k;

	for (i = 0; i < g->nnodes; i++) {
		const atoll_node *n = &g->nodes[i];
		const atoll_tensor *y = &g->tensors[n->outputs[0]];
		int64_t axis = 0, off = 0;
		int ok = 1;

		/* only where the concatenation cannot stay on chip */
		if (!is_op(n, "Concat") || p->alias_node[i] || y->rank != 4 ||
		    !is_q8(y) || p->t[n->outputs[0]].is_view || y->is_input ||
		    !group_ok(pl, find(pl, n->outputs[0])))
			continue;
		for (k = 0; k < n->nattrs; k++)
			if (!strcmp(n->attrs[k].name, "axis"))
				axis = n->attrs[k].i < 0 ? n->attrs[k].i + 4 :
					n->attrs[k].i;
		for (k = 0; k < n->ninputs && ok; k++)
			ok = n->inputs[k] >= 0 && part_ok(pl, i, n->inputs[k]);
		if (!ok || axis < 0 || axis > 3)
			continue;
		for (k = 0; k < n->ninputs; k++) {
			int x = n->inputs[k];

			p->t[x].is_view = 1;
			p->t[x].part_of = n->outputs[0];
			p->t[x].part_axis = (int) axis;
			p->t[x].part_idx = off;
			p->t[x].why = "written in place into the concatenation";
			off += g->tensors[x].dims[axis];
		}
		p->alias_node[i] = 1;
	}
}

/* Operators that can run on a band of output rows (compile.c narrows
 * their geometry): convolutions and the element-wise and max-pooling
 * vector operators.
 */
static int band_op(const atoll_node *n)
{
	return is_op(n, "QLinearConv") || is_op(n, "QLinearAdd") ||
		is_op(n, "QLinearActivation") || is_op(n, "QLinearMaxPool") ||
		is_op(n, "MaxPool");
}

static int64_t int_attr(const atoll_node *n, const char *name, int idx,
	int64_t def)
{
	int i;

	for (i = 0; i < n->nattrs; i++)
		if (!strcmp(n->attrs[i].name, name))
			return idx < n->attrs[i].nints ? n->attrs[i].ints[idx] :
				n->attrs[i].i;
	return def;
}

/* The rows of its input operator "n" reads beyond its first for one
 * output row, (KH - 1) * DH, and its row stride; -1 if the top or
 * bottom padding reaches past the window (a band could then read
 * padding only).
 */
static int64_t band_reach(const atoll_graph *g, const atoll_node *n,
	int64_t *sh)
{
	int64_t kh = 1, dh = int_attr(n, "dilations", 0, 1);
	int64_t rank = 0;

	*sh = int_attr(n, "strides", 0, 1);
	if (is_op(n, "QLinearConv") && n->ninputs > 3 && n->inputs[3] >= 0) {
		kh = g->tensors[n->inputs[3]].dims[2];
		rank = 4;
	} else if (is_op(n, "QLinearMaxPool") || is_op(n, "MaxPool")) {
		kh = int_attr(n, "kernel_shape", 0, 1);
		rank = 4;
	}
	if (kh < 1 || dh < 1 || *sh < 1)
		return -1;
	if (rank && (int_attr(n, "pads", 0, 0) > (kh - 1) * dh ||
		     int_attr(n, "pads", 2, 0) > (kh - 1) * dh))
		return -1;
	return (kh - 1) * dh;
}

/* How many operands of nodes read tensor "t". */
static int uses(const atoll_graph *g, int t)
{
	int i, j, n = 0;

	for (i = 0; i < g->nnodes; i++)
		for (j = 0; j < g->nodes[i].ninputs; j++)
			n += g->nodes[i].inputs[j] == t;
	return n;
}

/* Can node "n" run on a band of its output rows, writing "x" (its
 * output) into a band buffer?  An element-wise Add needs every
 * activation operand of the output's shape (no broadcast: a band of
 * rows is the same band of each).
 */
static int band_maker(struct planner *pl, int i, const atoll_tensor *x)
{
	const atoll_graph *g = pl->g;
	const atoll_node *n = &g->nodes[i];
	const atoll_tensor *y = &g->tensors[n->outputs[0]];
	atoll_plan *p = pl->p;
	int64_t sh;
	int j;

	if (!band_op(n) || p->alias_node[i] || p->move_node[i] ||
	    p->view_node[i] || band_reach(g, n, &sh) < 0 ||
	    (x && !ok_out(p, g, n, x)))
		return 0;
	if (!is_op(n, "QLinearAdd"))
		return 1;
	for (j = 0; j <= 3; j += 3)	/* A and B */
		if (j >= n->ninputs || n->inputs[j] < 0 || y->rank != 4 ||
		    g->tensors[n->inputs[j]].rank != 4 ||
		    memcmp(g->tensors[n->inputs[j]].dims, y->dims,
			   4 * sizeof(y->dims[0])))
			return 0;
	return 1;
}

/* Is node "i" a channel Concat written in place into its output's
 * buffer (an alias), each part made by its own operator able to write
 * a band into the concatenation's band buffer at the part's channel
 * offset, and read by the Concat only?
 */
static int concat_maker(struct planner *pl, int i)
{
	const atoll_graph *g = pl->g;
	const atoll_node *n = &g->nodes[i];
	int k, j;

	if (!is_op(n, "Concat") || !pl->p->alias_node[i])
		return 0;
	for (k = 0; k < n->ninputs; k++) {
		int x = n->inputs[k];

		if (x < 0 || pl->parent[x] != n->outputs[0] ||
		    pl->prod[x] < 0 || uses(g, x) != 1 ||
		    pl->p->t[x].chan_off % pl->hw->rows ||
		    !band_maker(pl, pl->prod[x], &g->tensors[x]))
			return 0;
		for (j = 0; j < g->ntensors; j++)
			if (j != x && pl->parent[j] == x)
				return 0;
	}
	return 1;
}

/* Can 4-D tensor "t", operand "k" of node "c", be produced and consumed
 * in row bands: wanted (it did not fit whole in an earlier round), one
 * producer (or a channel Concat of parts, each with its own producer)
 * and this one read, both operators able to run on a band?
 */
static int fusable(struct planner *pl, int c, int k, int t)
{
	const atoll_graph *g = pl->g;
	const atoll_tensor *x = &g->tensors[t];
	atoll_plan *p = pl->p;
	int i, pi = pl->prod[t], parts;

	if (pi < 0 || pl->nofuse[t] || x->rank != 4 || x->dims[0] != 1 ||
	    !is_q8(x) || x->data || x->is_input || x->is_output ||
	    p->t[t].is_view || p->t[t].part_of >= 0 ||
	    x->dims[1] <= 0 || x->dims[2] <= 0 || x->dims[3] <= 0 ||
	    !pl->want_fuse[t] || pl->parent[t] != t || uses(g, t) != 1 ||
	    !band_maker(pl, c, NULL) || !ok_in(p, g, &g->nodes[c], k, x))
		return 0;
	parts = concat_maker(pl, pi);
	if (!parts && !band_maker(pl, pi, x))
		return 0;
	for (i = 0; i < g->ntensors; i++)
		if (i != t && find(pl, i) == t &&
		    !(parts && pl->parent[i] == t))
			return 0;
	return 1;
}

/* Node "pi" (making a tensor fused into node "c") and every node of a
 * group ending at pi run at c, band by band.
 */
static void join_group(atoll_plan *p, int pi, int c)
{
	int j;

	for (j = 0; j < pi; j++)
		if (p->emit_at[pi] == pi && p->emit_at[j] == pi)
			p->emit_at[j] = c;
	p->emit_at[pi] = c;
}

/* Row-band fusion: for each operator, its operands that cannot stay in
 * the scratchpad whole but can be made band by band (fusable), whose
 * producers are in no other group, are marked.  The group's nodes are
 * all emitted at the consumer, band by band, so everything they read
 * lives from the first of them to the consumer (span); nodes between
 * them that are not in the group run before it (they cannot read a
 * fused tensor: its one reader is the consumer).
 */
static void make_fusions(struct planner *pl)
{
	const atoll_graph *g = pl->g;
	atoll_plan *p = pl->p;
	int c, k, j;

	for (c = 0; c < g->nnodes; c++) {
		const atoll_node *cn = &g->nodes[c];
		int lo = c, nf;

		if (p->emit_at[c] >= 0)
			continue;
		for (k = 0, nf = 0; k < cn->ninputs; k++) {
			int t = cn->inputs[k], pi;

			if (t < 0 || !fusable(pl, c, k, t))
				continue;
			pi = pl->prod[t];
			p->t[t].fused_by = c;
			p->t[t].why = "fused";
			/* a producer ending a group of its own: that group
			 * joins this one (its bands follow c's); a Concat's
			 * parts are made by their producers, each into its
			 * channels of the band buffer
			 */
			if (concat_maker(pl, pi))
				for (j = 0; j < g->nodes[pi].ninputs; j++)
					join_group(p, pl->prod[
						g->nodes[pi].inputs[j]], c);
			join_group(p, pi, c);
			nf++;
		}
		if (!nf)
			continue;
		p->emit_at[c] = c;
		for (j = 0; j < c; j++)
			if (j < lo && p->emit_at[j] == c)
				lo = j;
		for (j = lo; j <= c; j++)
			if (p->emit_at[j] == c) {
				pl->span_lo[j] = lo;
				pl->span_hi[j] = c;
			}
	}
}

/* The worst-case rows of each tensor fused into node "c" (recursively,
 * into their producers) for "rows" output rows of c per band: a band of
 * R output rows reads at most (R - 1) * SH + reach + 1 input rows.
 */
static void band_need_from(struct planner *pl, int pi, int64_t rows);

static void band_need(struct planner *pl, int c, int64_t rows)
{
	const atoll_graph *g = pl->g;
	const atoll_node *n = &g->nodes[c];
	int64_t sh, reach = band_reach(g, n, &sh);
	int k;

	for (k = 0; k < n->ninputs; k++) {
		int t = n->inputs[k];
		int64_t need;

		if (t < 0 || pl->p->t[t].fused_by != c)
			continue;
		need = (rows - 1) * sh + reach + 1;
		if (need > g->tensors[t].dims[2])
			need = g->tensors[t].dims[2];
		pl->p->t[t].h = need;
		band_need_from(pl, pl->prod[t], need);
	}
}

/* band_need for the maker(s) of a fused tensor: node "pi", or the
 * producer of every part of a Concat "pi".
 */
static void band_need_from(struct planner *pl, int pi, int64_t rows)
{
	const atoll_node *n = &pl->g->nodes[pi];
	int k;

	if (!concat_maker(pl, pi)) {
		band_need(pl, pi, rows);
		return;
	}
	for (k = 0; k < n->ninputs; k++)
		band_need(pl, pl->prod[n->inputs[k]], rows);
}

/* Where a band buffer with lifetime "a" must end: below the work space
 * every operator of its lifetime chooses (as place() keeps resident
 * tensors), or with "squeeze" only below the least it can run in; -1 if
 * one of them has no room left at all.
 */
static int64_t band_limit(struct planner *pl, const atoll_tplan *a,
	int squeeze)
{
	int64_t spm = pl->hw->spm_bytes, limit = spm, pref, least;
	int i;

	for (i = a->first; i <= a->last; i++) {
		node_work(pl, i, -1, &pref, &least);
		if (heap_top(pl->p, i) + least > spm)
			return -1;
		if (!squeeze && spm - pref < limit)
			limit = spm - pref;
		if (spm - least < limit)
			limit = spm - least;
	}
	return limit;
}

/* The constant bytes (weights and their parameters) the nodes of the
 * group ending at node "c" read: read again in every band.
 */
static int64_t group_weights(struct planner *pl, int c)
{
	const atoll_graph *g = pl->g;
	int64_t n = 0;
	int j, k;

	for (j = 0; j <= c; j++)
		for (k = 0; pl->p->emit_at[j] == c &&
		     k < g->nodes[j].ninputs; k++)
			if (g->nodes[j].inputs[k] >= 0 &&
			    g->tensors[g->nodes[j].inputs[k]].data)
				n += g->tensors[g->nodes[j].inputs[k]].nbytes;
	return n;
}

/* Bounds on what bands cost for the group ending at node "c" in "nb"
 * bands (band_need done): every fused tensor made at most 5/4 of its
 * rows over all bands (halo rows are made again in each band), and the
 * group's weights, read again in every band, fewer bytes than the
 * stores and loads the fusion saves.  Returns the fused tensor made
 * again the most if a bound fails, else -1.
 */
static int band_cost(struct planner *pl, int c, int nb)
{
	const atoll_graph *g = pl->g;
	const atoll_plan *p = pl->p;
	int64_t saved = 0, weights, worst = 0;
	int t, wt = -1;

	for (t = 0; t < g->ntensors; t++) {
		const atoll_tensor *x = &g->tensors[t];
		int64_t made;

		if (p->t[t].fused_by < 0 || p->emit_at[p->t[t].fused_by] != c)
			continue;
		made = nb * p->t[t].h * 4 - 5 * x->dims[2];
		if (wt < 0 || made > worst) {
			worst = made;
			wt = t;
		}
		saved += 2 * x->dims[1] * x->dims[2] * x->dims[3];
	}
	weights = group_weights(pl, c);
	return worst > 0 || (nb - 1) * weights >= saved ? wt : -1;
}

static void unplace_group(struct planner *pl, int c)
{
	atoll_plan *p = pl->p;
	int t;

	for (t = 0; t < pl->g->ntensors; t++)
		if (p->t[t].fused_by >= 0 && p->emit_at[p->t[t].fused_by] == c)
			p->t[t].keep = ATOLL_KEEP_DRAM;
}

/* The band buffers of the group ending at node "c": output rows per
 * band a share of c's height (2 to 64 bands, fewest first, within
 * band_cost's bounds), each fused tensor's buffer the rows a band needs
 * over all its channels, alive while the group runs, first fit among
 * the resident tensors below the operators' work spaces (band_limit).
 * Returns a fused tensor whose buffer did not fit (to plan again without
 * it), else -1.
 */
static int place_group(struct planner *pl, int c, int squeeze)
{
	const atoll_graph *g = pl->g;
	atoll_plan *p = pl->p;
	int64_t oh = g->tensors[g->nodes[c].outputs[0]].dims[2];
	int t, nb, failed = -1;

	for (nb = 2; nb <= 64; nb++) {
		int64_t rows = atoll_ceil_div(oh, nb);

		if (rows >= oh || (nb > 2 && rows == atoll_ceil_div(oh, nb - 1)))
			continue;	/* no band, or the same bands */
		band_need(pl, c, rows);
		/* more bands only make more rows again and read the
		 * weights more often: past the bounds, give up the
		 * tensor made again the most
		 */
		failed = band_cost(pl, c, nb);
		if (failed >= 0)
			return failed;
		for (t = 0; t < g->ntensors && failed < 0; t++) {
			atoll_tplan *a = &p->t[t];
			const atoll_tensor *x = &g->tensors[t];

			if (a->fused_by < 0 || p->emit_at[a->fused_by] != c)
				continue;
			a->n = 1;
			a->c = x->dims[1];
			a->w = x->dims[3];
			group_lifetime(pl, t, &a->first, &a->last);
			a->bytes = atoll_align64(atoll_ceil_div(a->c,
				pl->hw->rows) * a->h * a->w);
			a->base = first_fit(p, t, band_limit(pl, a,
				squeeze), NULL);
			if (a->base < 0)
				failed = t;
			else
				a->keep = ATOLL_KEEP_BAND;
		}
		if (failed < 0) {
			p->band_rows[c] = rows;
			return -1;
		}
		unplace_group(pl, c);
	}
	/* no band height at all (an output one row high): give one up */
	for (t = 0; failed < 0 && t < g->ntensors; t++)
		if (p->t[t].fused_by >= 0 && p->emit_at[p->t[t].fused_by] == c)
			failed = t;
	return failed;
}

/* The weights the group ending at node "c" (its band height planned)
 * reads again in each band after its first.
 */
static int64_t group_reread(struct planner *pl, int c)
{
	int64_t oh = pl->g->tensors[pl->g->nodes[c].outputs[0]].dims[2];

	return (atoll_ceil_div(oh, pl->p->band_rows[c]) - 1) *
		group_weights(pl, c);
}

static int64_t nodes_traffic(struct planner *pl, int lo, int hi_node);

/* The group ending at node "c" found no room beside the operators' own
 * choice of work space: its band buffers squeezed to the least work
 * space the operators run in, kept if the model's device-memory bytes
 * (plan_traffic, plus the weights read again per band) come out below
 * those without the group.  Returns -1 if kept, else "failed".
 */
static int squeeze_group(struct planner *pl, int c, int failed)
{
	int64_t before;
	int lo = c, j;

	for (j = 0; j < c; j++)		/* the band buffers live from lo */
		if (pl->p->emit_at[j] == c && pl->span_lo[j] < lo)
			lo = pl->span_lo[j];
	before = nodes_traffic(pl, lo, c);
	if (place_group(pl, c, 1) >= 0)
		return failed;
	if (nodes_traffic(pl, lo, c) + group_reread(pl, c) < before)
		return -1;
	unplace_group(pl, c);
	return failed;
}

/* Place every group's band buffers; a group that does not fit gives up
 * fusing one tensor for the next planning round.  Returns how many.
 */
static int place_bands(struct planner *pl)
{
	const atoll_graph *g = pl->g;
	atoll_plan *p = pl->p;
	int c, t, bad = 0;

	for (c = 0; c < g->nnodes; c++) {
		if (p->emit_at[c] != c)
			continue;
		t = place_group(pl, c, 0);
		if (t >= 0)
			t = squeeze_group(pl, c, t);
		if (t >= 0) {
			pl->nofuse[t] = 1;
			bad++;
		}
	}
	for (t = 0; t < g->ntensors; t++)	/* a Concat's parts */
		if (p->t[t].root != t &&
		    p->t[p->t[t].root].keep == ATOLL_KEEP_BAND)
			p->t[t].keep = ATOLL_KEEP_BAND;
	for (t = 0; t < g->ntensors; t++)
		if (p->t[t].keep == ATOLL_KEEP_BAND) {
			p->t[t].why = NULL;
			atoll_buf_spm(&p->t[t].buf, p->t[t].base,
				p->t[t].base + p->t[t].bytes);
		}
	for (c = 0; c < g->nnodes; c++)
		p->work_lo[c] = heap_top(p, c);
	return bad;
}

/* Tensors that did not fit whole this round and could be made in row
 * bands: wanted for fusion in the next round.  Returns how many are new.
 */
static int want_fusions(struct planner *pl)
{
	const atoll_graph *g = pl->g;
	atoll_plan *p = pl->p;
	int t, i, k, n = 0;

	for (t = 0; t < g->ntensors; t++) {
		const char *why = p->t[t].why;
		int c = -1, ck = -1;

		if (pl->want_fuse[t] || pl->nofuse[t] || p->t[t].keep ||
		    !why || (strcmp(why, "does not fit the scratchpad") &&
			     strcmp(why, "an operator needs the scratchpad")))
			continue;
		for (i = 0; i < g->nnodes; i++)	/* its (last) reader */
			for (k = 0; k < g->nodes[i].ninputs; k++)
				if (g->nodes[i].inputs[k] == t) {
					c = i;
					ck = k;
				}
		pl->want_fuse[t] = 1;
		if (c >= 0 && fusable(pl, c, ck, t))
			n++;
		else
			pl->want_fuse[t] = 0;
	}
	return n;
}

/* The groups to allocate, prepared: graph inputs, then every node's
 * output group, in program order.  Returns how many.
 */
static int alloc_order(struct planner *pl, int *order)
{
	const atoll_graph *g = pl->g;
	atoll_plan *p = pl->p;
	int i, r, n = 0;

	for (i = 0; i < g->ninputs + g->nnodes; i++) {
		r = i < g->ninputs ? g->inputs[i] :
			find(pl, g->nodes[i - g->ninputs].outputs[0]);
		if (g->tensors[r].data || p->t[r].keep || p->t[r].why ||
		    p->t[r].bytes ||
		    (i < g->ninputs ? find(pl, r) != r :
		     r != g->nodes[i - g->ninputs].outputs[0]))
			continue;
		prepare(pl, r);
		if (!p->t[r].why)
			order[n++] = r;
	}
	return n;
}

struct sized {
	int64_t bytes;
	int pos, t;
};

/* Larger tensors first, else in program order (qsort is not stable). */
static int cmp_size(const void *a, const void *b)
{
	const struct sized *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return x->pos - y->pos;
}

/* Order "order" (n groups) by size, largest first. */
static void size_order(const atoll_plan *p, int *order, int n,
	struct sized *tmp)
{
	int i;

	for (i = 0; i < n; i++) {
		tmp[i].bytes = p->t[order[i]].bytes;
		tmp[i].pos = i;
		tmp[i].t = order[i];
	}
	qsort(tmp, n, sizeof(*tmp), cmp_size);
	for (i = 0; i < n; i++)
		order[i] = tmp[i].t;
}

/* A model of the device-memory bytes the operators move with the
 * groups allocated (the others in device memory), each tiling into the
 * scratchpad above the tensors resident while it runs.
 */
static int64_t plan_traffic(struct planner *pl)
{
	return nodes_traffic(pl, 0, pl->g->nnodes - 1);
}

/* plan_traffic's model over nodes "lo" to "hi" only. */
static int64_t nodes_traffic(struct planner *pl, int lo, int hi_node)
{
	const atoll_graph *g = pl->g;
	int64_t spm = pl->hw->spm_bytes, n = 0, t;
	atoll_work lw;
	int i, k;

	for (i = lo; i <= hi_node; i++) {
		const atoll_node *nd = &g->nodes[i];
		int64_t hi = spm - heap_top(pl->p, i);

		for (k = pl->wfirst[i]; tiles(pl, i) && k < pl->wfirst[i + 1];
		     k++) {
			item_work(pl, &pl->work[k], -1, 0, hi, &t);
			n += t;
		}
		for (k = 0; k < nd->ninputs; k++) {
			int x = nd->inputs[k];

			if (x < 0 || !g->tensors[x].is_input ||
			    g->tensors[x].data || !resident(pl, x, -1, 0) ||
			    pl->p->t[find(pl, x)].first != i)
				continue;
			load_work(g, x, i, &lw);
			item_work(pl, &lw, -1, 0, hi, &t);
			n += t;
		}
	}
	return n;
}

/* What a plan costs: the modelled device-memory bytes of its operators
 * (plan_traffic) and the weights every fusion group reads again in each
 * band after its first.
 */
static int64_t plan_cost(struct planner *pl)
{
	const atoll_graph *g = pl->g;
	const atoll_plan *p = pl->p;
	int64_t n = plan_traffic(pl);
	int c;

	for (c = 0; c < g->nnodes; c++)
		if (p->emit_at[c] == c && p->band_rows[c] > 0)
			n += group_reread(pl, c);
	return n;
}

#define GUESS_PASSES 3

/* Allocate the prepared groups in "order" (n) from the plan "init", in
 * passes: the first counts the groups not decided yet as in device
 * memory for the work space operators choose, the next ones as the pass
 * before decided them (the least space every operator needs still counts
 * them in device memory, so a wrong guess only leaves an operator less
 * space than it would choose); with "half", one pass keeping to the
 * lower half.  The plan moving the fewest device-memory bytes
 * (plan_traffic) so far is kept in "best" ("*best_bytes").
 */
static void alloc_passes(struct planner *pl, const int *order, int n,
	int half, const atoll_tplan *init, atoll_tplan *best,
	int64_t *best_bytes, char *guess)
{
	const atoll_graph *g = pl->g;
	atoll_plan *p = pl->p;
	size_t sz = (g->ntensors + 1) * sizeof(*p->t);
	int64_t bytes;
	int i, pass, same;

	pl->guess = NULL;
	pl->half = half;
	for (pass = 0; pass <= (half ? 0 : GUESS_PASSES); pass++) {
		memcpy(p->t, init, sz);
		for (i = 0; i < n; i++)
			place(pl, order[i]);
		bytes = plan_traffic(pl);
		if (*best_bytes < 0 || bytes < *best_bytes) {
			memcpy(best, p->t, sz);
			*best_bytes = bytes;
		}
		for (i = 0, same = pass > 0; i < g->ntensors; i++) {
			char k = p->t[i].keep == ATOLL_KEEP_SPM;

			same &= guess[i] == k;
			guess[i] = k;
		}
		if (same)		/* the guess came true */
			break;
		pl->guess = guess;
	}
	pl->guess = NULL;
	pl->half = 0;
}

/* Elementwise operators in place: a vector operator whose only code
 * generation is an ACT or an unbroadcast ADD (lower_vec.c) reads each
 * element of its operands and writes the same element of its output
 * (docs/isa.md, clarification 12: an element that reads and writes its
 * own location is fine).  An operand of the same shape that this
 * operator reads last may give the output its buffer: first_fit tries
 * the mate's place first.  Not inside a fusion group, where other nodes
 * still read the operand's rows band by band.
 */
static void make_inplace(struct planner *pl)
{
	const atoll_graph *g = pl->g;
	int i, k, first, last;

	for (i = 0; i < 2 * (g->ntensors + 1); i++)
		pl->mate[i] = -1;
	for (i = 0; i < g->nnodes; i++) {
		const atoll_work *w = &pl->work[pl->wfirst[i]];
		const atoll_tensor *y;

		if (pl->wfirst[i + 1] - pl->wfirst[i] != 1 || w->is_conv ||
		    (w->v.kind != ATOLL_VEC_ACT && w->v.kind != ATOLL_VEC_ADD) ||
		    pl->p->alias_node[i] || pl->p->move_node[i] ||
		    pl->p->emit_at[i] >= 0 || pl->span_lo[i] != i ||
		    pl->span_hi[i] != i || w->out < 0 ||
		    find(pl, w->out) != w->out || pl->mate[2 * w->out] >= 0)
			continue;
		y = &g->tensors[w->out];
		for (k = 0; k < w->v.nin && k < 2; k++) {
			int x = w->in[k];
			const atoll_tensor *t;

			if (x < 0 || x == w->out || find(pl, x) != x ||
			    pl->mate[2 * x + 1] >= 0)
				continue;
			t = &g->tensors[x];
			group_lifetime(pl, x, &first, &last);
			if (!is_q8(t) || !is_q8(y) || t->rank != y->rank ||
			    memcmp(t->dims, y->dims, t->rank * sizeof(*t->dims))
			    || last != i)
				continue;
			pl->mate[2 * w->out] = x;
			pl->mate[2 * x + 1] = w->out;
			break;
		}
	}
}

/* Which groups stay in the scratchpad and where.  Candidate plans: the
 * lower half as before operators had their own work spaces, first fit
 * in program order, and largest first (the order of greedy arena
 * planners), each with guesses; the one moving the fewest device-memory
 * bytes wins.  Then each node's work space starts above the tensors
 * resident while it runs.
 */
static void allocate(struct planner *pl)
{
	const atoll_graph *g = pl->g;
	atoll_plan *p = pl->p;
	size_t sz = (g->ntensors + 1) * sizeof(*p->t);
	atoll_tplan *init = malloc(sz), *best = malloc(sz);
	char *guess = calloc(g->ntensors + 1, 1);
	int *order = malloc((g->ntensors + 1) * sizeof(int));
	struct sized *tmp = malloc((g->ntensors + 1) * sizeof(*tmp));
	int64_t best_bytes = -1;
	int i, r, n;

	group_io(pl);
	make_inplace(pl);
	n = order ? alloc_order(pl, order) : 0;
	if (!init || !best || !guess || !order || !tmp) {
		/* one pass in program order needs no copies */
		for (i = 0; i < n; i++)
			place(pl, order[i]);
	} else {
		memcpy(init, p->t, sz);
		alloc_passes(pl, order, n, 1, init, best, &best_bytes, guess);
		alloc_passes(pl, order, n, 0, init, best, &best_bytes, guess);
		size_order(p, order, n, tmp);
		alloc_passes(pl, order, n, 0, init, best, &best_bytes, guess);
		memcpy(p->t, best, sz);
	}
	free(init);
	free(best);
	free(guess);
	free(order);
	free(tmp);
	for (i = 0; i < g->ntensors; i++) {
		r = find(pl, i);
		p->t[i].root = r;
		if (r != i) {
			p->t[i].keep = p->t[r].keep;
			p->t[i].why = p->t[r].why;
		}
	}
	for (i = 0; i < g->nnodes; i++)
		p->work_lo[i] = heap_top(p, i);
	dram_aliases(pl);
}

static char *tensor_str(const atoll_tensor *t, int i)
{
	char *s, *p;
	size_t len = 64 + 24 * (t->rank > 0 ? t->rank : 1);
	int k;

	s = malloc(len);
	if (!s)
		return NULL;
	p = s + sprintf(s, "T%d[", i);
	for (k = 0; k < t->rank; k++)
		p += sprintf(p, "%sd%d", k ? "," : "", k);
	p += sprintf(p, "]");
	for (k = 0; k < t->rank; k++)
		p += sprintf(p, "%s0 <= d%d < %lld", k ? " and " : " : ", k,
			(long long) t->dims[k]);
	return s;
}

/* Add "{ S[] -> tensor }" to "*acc". */
static void add_access(isl_ctx *ctx, isl_union_map **acc, const char *stmt,
	const atoll_graph *g, int t)
{
	char *ts = tensor_str(&g->tensors[t], t);

	if (!ts)
		return;
	*acc = isl_union_map_union(*acc, isl_union_map_from_map(
		atoll_read_map(ctx, "{ %s[] -> %s }", stmt, ts)));
	free(ts);
}

struct pair_ctx {
	struct planner *pl;
	FILE *dump;
};

static isl_stat count_pair(__isl_take isl_map *m, void *user)
{
	struct pair_ctx *pc = user;
	struct planner *pl = pc->pl;
	const char *src = isl_map_get_tuple_name(m, isl_dim_in);
	const char *dst = isl_map_get_tuple_name(m, isl_dim_out);
	int i, j, t, elim;
	json_t *o;

	if (!src || !dst || src[0] != 'S' || dst[0] != 'S' ||
	    sscanf(src, "S%d", &i) != 1 || sscanf(dst, "S%d", &j) != 1) {
		isl_map_free(m);
		return isl_stat_ok;
	}
	t = pl->g->nodes[i].outputs[0];
	/* kept on chip, or the producer is a layout operator rewritten
	 * into addressing (an alias or a view): it stores nothing, and
	 * the consumer reads the bytes its own producer stored
	 */
	elim = pl->p->t[t].keep == ATOLL_KEEP_SPM ||
		pl->p->t[t].keep == ATOLL_KEEP_BAND ||
		pl->p->alias_node[i] || pl->p->view_node[i];
	pl->p->pairs++;
	pl->p->pairs_eliminated += elim;
	if (pc->dump)
		fprintf(pc->dump, "flow: %s -> %s via %s%s\n",
			pl->g->nodes[i].name, pl->g->nodes[j].name,
			pl->g->tensors[t].name, !elim ? "" :
			pl->p->t[t].keep == ATOLL_KEEP_SPM ? " (kept on chip)" :
			pl->p->t[t].keep == ATOLL_KEEP_BAND ?
			" (fused: row bands on chip)" : " (addressed in place)");
	o = json_object();
	json_object_set_new(o, "producer", json_string(pl->g->nodes[i].name));
	json_object_set_new(o, "consumer", json_string(pl->g->nodes[j].name));
	json_object_set_new(o, "tensor", json_string(pl->g->tensors[t].name));
	json_object_set_new(o, "eliminated", json_boolean(elim));
	if (!elim)
		json_object_set_new(o, "why", json_string(pl->p->t[t].why ?
			pl->p->t[t].why : "per-operator program (-O0)"));
	json_array_append_new(pl->pairs, o);
	isl_map_free(m);
	return isl_stat_ok;
}

/* The flow dependences of the per-operator program: statement S<i>
 * (node i) writes its output tensor and reads its non-constant inputs;
 * the graph inputs are written by IN, the outputs read by OUT.
 */
static int flow_pairs(isl_ctx *ctx, struct planner *pl, FILE *dump)
{
	const atoll_graph *g = pl->g;
	isl_union_map *rd = isl_union_map_empty(isl_space_params_alloc(ctx, 0));
	isl_union_map *wr = isl_union_map_copy(rd), *sched, *dep;
	isl_union_access_info *ai;
	isl_union_flow *flow;
	struct pair_ctx pc = { pl, dump };
	char stmt[32];
	int i, k;

	sched = isl_union_map_from_map(atoll_read_map(ctx, "{ IN[] -> [0] }"));
	for (i = 0; i < g->ninputs; i++)
		add_access(ctx, &wr, "IN", g, g->inputs[i]);
	for (i = 0; i < g->nnodes; i++) {
		const atoll_node *n = &g->nodes[i];

		snprintf(stmt, sizeof(stmt), "S%d", i);
		sched = isl_union_map_union(sched, isl_union_map_from_map(
			atoll_read_map(ctx, "{ %s[] -> [%d] }", stmt, i + 1)));
		add_access(ctx, &wr, stmt, g, n->outputs[0]);
		for (k = 0; k < n->ninputs; k++)
			if (n->inputs[k] >= 0 && !g->tensors[n->inputs[k]].data)
				add_access(ctx, &rd, stmt, g, n->inputs[k]);
	}
	sched = isl_union_map_union(sched, isl_union_map_from_map(
		atoll_read_map(ctx, "{ OUT[] -> [%d] }", g->nnodes + 1)));
	for (i = 0; i < g->noutputs; i++)
		add_access(ctx, &rd, "OUT", g, g->outputs[i]);
	ai = isl_union_access_info_from_sink(rd);
	ai = isl_union_access_info_set_must_source(ai, wr);
	ai = isl_union_access_info_set_schedule_map(ai, sched);
	flow = isl_union_access_info_compute_flow(ai);
	dep = isl_union_flow_get_must_dependence(flow);
	isl_union_flow_free(flow);
	if (!dep)
		return -1;
	isl_union_map_foreach_map(dep, count_pair, &pc);
	isl_union_map_free(dep);
	return 0;
}

static void count_copies(struct planner *pl)
{
	const atoll_graph *g = pl->g;
	atoll_plan *p = pl->p;
	int i;

	for (i = 0; i < g->nnodes; i++) {
		const atoll_node *n = &g->nodes[i];
		const atoll_tensor *y = &g->tensors[n->outputs[0]];
		int64_t bytes = atoll_tensor_numel(y) *
			(int64_t) atoll_dtype_size(y->dtype), a[4], b[4];
		int k;

		/* an Add operand on chip broadcast over channels is first
		 * moved to every channel (lower_vec.c, bcast_channels)
		 */
		for (k = 0; is_op(n, "QLinearAdd") && k < 4; k += 3) {
			int t = n->inputs[k];

			if (t >= 0 && p->t[t].keep == ATOLL_KEEP_SPM &&
			    canon(&g->tensors[t], a) == 0 &&
			    canon(y, b) == 0 && a[1] != b[1]) {
				p->onchip_copies++;
				p->onchip_copy_bytes += a[0] * b[1] * a[2] *
					a[3];
			}
		}
		if (!is_layout(n) || p->alias_node[i] ||
		    p->view_node[i])
			continue;
		if (p->t[g->nodes[i].outputs[0]].keep == ATOLL_KEEP_SPM) {
			p->onchip_copies++;
			p->onchip_copy_bytes += bytes;
			continue;
		}
		p->offchip_copies++;
		p->offchip_copy_bytes += bytes;
	}
}

static int64_t tensor_bytes(const atoll_tensor *t)
{
	return atoll_tensor_numel(t) * (int64_t) atoll_dtype_size(t->dtype);
}

/* Is input "k" of node "n" the weights' quantisation scale (w_scale of
 * QLinearConv, b_scale of QLinearMatMul)?  The device reads it, with the
 * activation scales folded in, as the per-channel requantisation
 * multiplier and shift next to the bias.
 */
static int weight_scale(const atoll_node *n, int k)
{
	return k == 4 && (is_op(n, "QLinearConv") ||
		is_op(n, "QLinearMatMul"));
}

/* The weights with their zero points and quantisation scales, the
 * biases and the other integer constants the operators read, graph
 * inputs and graph outputs, each once.  Shape, axes and pads operands
 * (int64) and activation scales are not data the device reads.
 */
static int64_t compulsory(const atoll_graph *g)
{
	char *seen = calloc(g->ntensors + 1, 1);
	int64_t n = 0;
	int i, k;

	if (!seen)
		return -1;
	for (i = 0; i < g->nnodes; i++)
		for (k = 0; k < g->nodes[i].ninputs; k++) {
			int t = g->nodes[i].inputs[k];

			if (t < 0 || !g->tensors[t].data || seen[t] ||
			    g->tensors[t].dtype == ATOLL_DT_INT64 ||
			    (g->tensors[t].dtype == ATOLL_DT_FLOAT &&
			     !weight_scale(&g->nodes[i], k)))
				continue;
			seen[t] = 1;
			n += tensor_bytes(&g->tensors[t]);
		}
	for (i = 0; i < g->ninputs; i++)
		n += tensor_bytes(&g->tensors[g->inputs[i]]);
	for (i = 0; i < g->noutputs; i++)
		n += tensor_bytes(&g->tensors[g->outputs[i]]);
	free(seen);
	return n;
}

static void make_json(struct planner *pl)
{
	atoll_plan *p = pl->p;
	json_t *o = json_object(), *res = json_array();
	int i;

	json_object_set_new(o, "compulsory_dram_bytes",
		json_integer(compulsory(pl->g)));
	for (i = 0; i < p->ntensors; i++)
		if (p->t[i].keep == ATOLL_KEEP_SPM && p->t[i].root == i)
			json_array_append_new(res,
				json_string(pl->g->tensors[i].name));
	json_object_set_new(o, "load_store_pairs", json_integer(p->pairs));
	json_object_set_new(o, "load_store_pairs_eliminated",
		json_integer(p->pairs_eliminated));
	json_object_set_new(o, "onchip_copies", json_integer(p->onchip_copies));
	json_object_set_new(o, "offchip_copies",
		json_integer(p->offchip_copies));
	json_object_set_new(o, "onchip_copy_bytes",
		json_integer(p->onchip_copy_bytes));
	json_object_set_new(o, "offchip_copy_bytes",
		json_integer(p->offchip_copy_bytes));
	json_object_set_new(o, "resident_tensors", res);
	res = json_array();
	for (i = 0; i < p->ntensors; i++)
		if (p->t[i].keep == ATOLL_KEEP_BAND)
			json_array_append_new(res,
				json_string(pl->g->tensors[i].name));
	json_object_set_new(o, "fused_tensors", res);
	json_object_set_new(o, "pairs", pl->pairs);
	pl->pairs = NULL;
	p->json = json_dumps(o, JSON_COMPACT);
	json_decref(o);
}

/* Reset "p" and the planner's per-tensor state for a planning round. */
static int plan_reset(struct planner *pl)
{
	const atoll_graph *g = pl->g;
	atoll_plan *p = pl->p;
	int i;

	free(p->t);
	free(p->alias_node);
	free(p->view_node);
	free(p->move_node);
	free(p->emit_at);
	free(p->band_rows);
	free(p->work_lo);
	p->ntensors = g->ntensors;
	p->t = calloc(g->ntensors + 1, sizeof(*p->t));
	p->alias_node = calloc(g->nnodes + 1, 1);
	p->view_node = calloc(g->nnodes + 1, 1);
	p->move_node = calloc(g->nnodes + 1, 1);
	p->emit_at = malloc((g->nnodes + 1) * sizeof(int));
	p->band_rows = calloc(g->nnodes + 1, sizeof(int64_t));
	p->work_lo = calloc(g->nnodes + 1, sizeof(*p->work_lo));
	if (!p->t || !p->alias_node || !p->view_node || !p->move_node ||
	    !p->emit_at || !p->band_rows || !p->work_lo)
		return -1;
	for (i = 0; i < g->nnodes; i++) {
		p->emit_at[i] = -1;
		pl->span_lo[i] = pl->span_hi[i] = i;
	}
	memset(pl->relayout, 0, g->ntensors + 1);
	for (i = 0; i < g->ntensors; i++) {
		pl->parent[i] = i;
		p->t[i].root = i;
		p->t[i].dram_root = i;
		p->t[i].part_of = -1;
		p->t[i].flat_src = -1;
		p->t[i].fused_by = -1;
		atoll_buf_init(&p->t[i].buf, g->tensors[i].name);
	}
	return 0;
}

/* Plan in rounds until the plan settles.  A MOVE whose two sides did
 * not both stay on chip is dropped and the model planned again without
 * it; with "propose", a tensor that did not fit and can be made in row
 * bands is fused in the next round; a fusion is given up if its band
 * buffer finds no room.  Each round drops a MOVE, or wants or gives up
 * a fusion for good, so this ends.  -1: out of memory.
 */
static int settle(struct planner *pl, int propose)
{
	int bad;

	for (;;) {
		make_aliases(pl);
		make_moves(pl);
		make_concat_parts(pl);
		make_fusions(pl);
		allocate(pl);
		bad = place_bands(pl);
		if (propose)
			bad += want_fusions(pl);
		make_views(pl);
		bad += failed_spm_views(pl);
		if (!failed_moves(pl) && !bad)
			return 0;
		if (plan_reset(pl) < 0)
			return -1;
	}
}

/* Give up fusions while that makes the plan cost less (plan_cost): a
 * group keeps everything it reads live over its whole span, which can
 * push other tensors out of the scratchpad, and reads its weights again
 * in every band, which the bounds of one group (band_cost) do not see.
 * Each step tries the plan without each fusion of the current plan and
 * gives up the one that saves the most.  -1: out of memory.
 */
/* What settle() decides for good between rounds, saved in "buf" (or
 * restored from it with "back").
 */
static void decisions(struct planner *pl, char *buf, int back)
{
	size_t nt = pl->g->ntensors + 1, nn = pl->g->nnodes + 1;
	char *v[4] = { pl->want_fuse, pl->nofuse, pl->nomove, pl->nospmview };
	size_t len[4] = { nt, nt, nn, nn };
	int k;

	for (k = 0; k < 4; buf += len[k], k++)
		if (back)
			memcpy(v[k], buf, len[k]);
		else
			memcpy(buf, v[k], len[k]);
}

static int prune_fusions(struct planner *pl)
{
	const atoll_graph *g = pl->g;
	size_t nt = g->ntensors + 1, nn = g->nnodes + 1;
	char *fused = calloc(nt, 1), *save = malloc(2 * nt + 2 * nn);
	int64_t best = plan_cost(pl), cost;
	int t, drop = 0, r = -1;

	if (!fused || !save)
		goto done;
	decisions(pl, save, 0);
	while (drop >= 0) {
		for (t = 0; t < g->ntensors; t++)
			fused[t] = pl->p->t[t].keep == ATOLL_KEEP_BAND &&
				pl->p->t[t].fused_by >= 0;
		for (t = 0, drop = -1; t < g->ntensors; t++) {
			if (!fused[t])
				continue;
			pl->want_fuse[t] = 0;
			pl->nofuse[t] = 1;
			if (plan_reset(pl) < 0 || settle(pl, 0) < 0)
				goto done;
			cost = plan_cost(pl);
			if (cost < best) {
				best = cost;
				drop = t;
			}
			decisions(pl, save, 1);
		}
		if (drop >= 0) {
			pl->want_fuse[drop] = 0;
			pl->nofuse[drop] = 1;
		}
		/* the plan of the fusions kept */
		if (plan_reset(pl) < 0 || settle(pl, 0) < 0)
			goto done;
		decisions(pl, save, 0);
	}
	r = 0;
done:
	free(fused);
	free(save);
	return r;
}

int atoll_plan_build(isl_ctx *ctx, const atoll_graph *g,
	const atoll_hwcfg *hw, int opt_level, const char *nomove,
	const atoll_work *work, int nwork, FILE *dump, atoll_plan *p,
	atoll_diag *d)
{
	struct planner pl;
	int i, k, r = -1;

	memset(p, 0, sizeof(*p));
	memset(&pl, 0, sizeof(pl));
	pl.g = g;
	pl.hw = hw;
	pl.p = p;
	pl.work = work;
	pl.prod = malloc((g->ntensors + 1) * sizeof(int));
	pl.parent = malloc((g->ntensors + 1) * sizeof(int));
	pl.relayout = calloc(g->ntensors + 1, 1);
	pl.nomove = calloc(g->nnodes + 1, 1);
	pl.nofuse = calloc(g->ntensors + 1, 1);
	pl.nospmview = calloc(g->nnodes + 1, 1);
	pl.want_fuse = calloc(g->ntensors + 1, 1);
	pl.span_lo = malloc((g->nnodes + 1) * sizeof(int));
	pl.span_hi = malloc((g->nnodes + 1) * sizeof(int));
	pl.wfirst = calloc(g->nnodes + 1, sizeof(int));
	pl.io = calloc(g->ntensors + 1, sizeof(int));
	pl.mate = malloc(2 * (g->ntensors + 1) * sizeof(int));
	pl.pairs = json_array();
	if (!pl.prod || !pl.parent || !pl.relayout || !pl.nomove ||
	    !pl.nofuse || !pl.nospmview || !pl.want_fuse || !pl.span_lo ||
	    !pl.span_hi || !pl.wfirst || !pl.io || !pl.mate || !pl.pairs ||
	    plan_reset(&pl) < 0) {
		atoll_diag_error(d, NULL, "out of memory");
		goto done;
	}
	for (i = 0; i < g->ntensors; i++)
		pl.prod[i] = -1;
	for (i = 0; i < g->nnodes; i++) {
		pl.prod[g->nodes[i].outputs[0]] = i;
		pl.nomove[i] = nomove && nomove[i];
	}
	/* the work items of node i are [wfirst[i], wfirst[i + 1]) */
	for (i = 0, k = 0; i <= g->nnodes; i++) {
		while (k < nwork && work[k].node < i)
			k++;
		pl.wfirst[i] = k;
	}
	if (opt_level >= 2 && hw->rows % hw->cols == 0 &&
	    (settle(&pl, 1) < 0 || prune_fusions(&pl) < 0)) {
		atoll_diag_error(d, NULL, "out of memory");
		goto done;
	}
	for (i = 0; dump && i < g->nnodes; i++)
		if (p->emit_at[i] == i)
			fprintf(dump, "# fusion group ending at '%s': %lld "
				"output rows per band of %lld\n",
				g->nodes[i].name, (long long) p->band_rows[i],
				(long long) g->tensors[g->nodes[i].outputs[0]].
				dims[2]);
	for (i = 0; dump && i < g->nnodes; i++)
		if (p->alias_node[i] && p->view_node[i])
			fprintf(dump, "# view: '%s' (%s) read in place in the "
				"scratchpad buffer of '%s'\n",
				g->tensors[g->nodes[i].outputs[0]].name,
				g->nodes[i].op_type,
				g->tensors[g->nodes[i].inputs[0]].name);
	for (i = 0; dump && i < g->ntensors; i++) {
		int x = pl.mate[2 * i];

		if (x >= 0 && p->t[i].keep == ATOLL_KEEP_SPM &&
		    p->t[x].keep == ATOLL_KEEP_SPM &&
		    p->t[x].base == p->t[i].base)
			fprintf(dump, "# in place: '%s' written over '%s' by "
				"'%s'\n", g->tensors[i].name,
				g->tensors[x].name,
				g->nodes[pl.prod[i]].name);
	}
	if (flow_pairs(ctx, &pl, dump) < 0) {
		atoll_diag_error(d, NULL, "dataflow analysis failed: %s",
			atoll_isl_reason(ctx));
		goto done;
	}
	count_copies(&pl);
	make_json(&pl);
	r = 0;
done:
	free(pl.prod);
	free(pl.parent);
	free(pl.relayout);
	free(pl.nomove);
	free(pl.nofuse);
	free(pl.nospmview);
	free(pl.span_lo);
	free(pl.span_hi);
	free(pl.want_fuse);
	free(pl.wfirst);
	free(pl.io);
	free(pl.mate);
	json_decref(pl.pairs);
	return r;
}

void atoll_plan_clear(atoll_plan *p)
{
	free(p->t);
	free(p->alias_node);
	free(p->view_node);
	free(p->move_node);
	free(p->emit_at);
	free(p->band_rows);
	free(p->work_lo);
	free(p->json);
	memset(p, 0, sizeof(*p));
}

void atoll_plan_res(atoll_plan *p, int t, int64_t rows, atoll_res *r)
{
	const atoll_tplan *a, *root;

	memset(r, 0, sizeof(*r));
	if (!p->t || t < 0 || t >= p->ntensors)
		return;
	a = &p->t[t];
	root = &p->t[a->root];
	if (a->keep != ATOLL_KEEP_SPM)
		return;
	r->on = 1;
	r->tile = root->h * root->w;
	r->pitch = root->w;
	r->s_n = atoll_ceil_div(root->c, rows) * r->tile;
	r->base = root->base + a->chan_off / rows * r->tile;
	r->buf = (atoll_buf *) &root->buf;
	if (a->chan_off % rows) {
		r->base = root->base;
		r->chan_off = a->chan_off;
	}
}
