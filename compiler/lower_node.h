#ifndef ATOLL_LOWER_NODE_H
#define ATOLL_LOWER_NODE_H

#include <stdarg.h>

#include "lower.h"

/* State for lowering one node; tensor_addr places a tensor in device
 * memory (constants into the pool) and returns its DRAM buffer.
 */
struct atoll_lower {
	atoll_graph *graph;
	const atoll_node *node;
	const char *where;		/* "node 'name' (OpType)" */
	atoll_diag *diag;
	atoll_emit *em;
	int shapes_only;		/* infer the output shape, emit nothing */
	float out_scale;
	int out_zp;
	void *user;
	int (*tensor_addr)(struct atoll_lower *L, const atoll_tensor *t,
		int64_t *addr, atoll_buf **buf);
	void (*tensor_res)(struct atoll_lower *L, const atoll_tensor *t,
		atoll_res *r);
	int alias;			/* layout op rewritten away (-O2) */
	int view_out;			/* Transpose/Slice/Pad whose output is
					 * a view of its input (-O2): record
					 * it with set_view, emit nothing */
	/* 1 and the view (with the padding a Pad view adds on top and
	 * left) if "t" is a recorded view of another tensor, else 0.
	 */
	int (*tensor_view)(struct atoll_lower *L, const atoll_tensor *t,
		atoll_view *v, int64_t *pt, int64_t *pl);
	int (*set_view)(struct atoll_lower *L, const atoll_tensor *t,
		const atoll_view *v, int64_t pt, int64_t pl);
	/* 1 and the [N, C, H, W] dims of the rank-4 tensor that "t" is a
	 * flattening of, when the plan keeps "t" in that tensor's layout
	 * for matrix products to read as a convolution (-O2), else 0.
	 */
	int (*flat_source)(struct atoll_lower *L, const atoll_tensor *t,
		int64_t *dims);
	int (*gen_conv)(struct atoll_lower *L, const atoll_conv *c);
	int (*gen_vec)(struct atoll_lower *L, const atoll_vec *v);
	int move_out;			/* layout op whose input and output
					 * stay in the scratchpad in layouts
					 * that differ (-O2): MOVE commands */
	int (*gen_move)(struct atoll_lower *L, const atoll_move *m);
	/* With shapes_only (optional): each convolution or vector
	 * operator the node would generate, its geometry complete and
	 * nothing resident, for the residency planner.
	 */
	int (*note_conv)(struct atoll_lower *L, const atoll_conv *c);
	int (*note_vec)(struct atoll_lower *L, const atoll_vec *v);
};

/* Lower node L->node: check it, infer its output type and shape, and
 * (unless shapes_only) generate its commands through gen_conv/gen_vec.
 */
int atoll_lower_node(struct atoll_lower *L);
/* Vector and layout operators (lower_vec.c); returns 1 if "op" is not
 * one of them.
 */
int atoll_lower_vec_node(struct atoll_lower *L);
/* Copy graph input "t" from device memory into its scratchpad-resident
 * buffer (L->tensor_res gives it), before its first consumer "L->node".
 */
int atoll_lower_load_input(struct atoll_lower *L, const atoll_tensor *t);

/* Helpers shared by the lowering files (lower.c). */
int lw_is_q8(int dt);
const atoll_tensor *lw_input(const atoll_graph *g, const atoll_node *n,
	int i);
int lw_fail(struct atoll_lower *L, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int64_t lw_check_param(struct atoll_lower *L, const atoll_tensor *t,
	const char *what, int dt, int64_t n);
float lw_param_f(const atoll_tensor *t, int64_t i);
int lw_param_zp(const atoll_tensor *t, int64_t i);
int lw_zp_operand(struct atoll_lower *L, const atoll_tensor *t,
	const char *what, int dt, int64_t n);
int lw_check_scale(struct atoll_lower *L, const atoll_tensor *t,
	const char *what, int64_t n);
int lw_int_attr(struct atoll_lower *L, const char *name, int64_t def,
	int64_t *v);
int lw_ints_attr(struct atoll_lower *L, const char *name, int n,
	int64_t def, int64_t *v);
int lw_check_unknown_attrs(struct atoll_lower *L, const char **known);
int lw_conv_geometry(struct atoll_lower *L, const char *auto_pad,
	int64_t in, int64_t k, int64_t s, int64_t d, int64_t *pb, int64_t *pe,
	int64_t *out);
int lw_set_output(struct atoll_lower *L, atoll_tensor *y, int dt,
	int rank, const int64_t *dims);
int lw_check_act(struct atoll_lower *L, const atoll_tensor *t,
	const char *what, int rank_min, int rank_max);
int lw_same_type_zp(struct atoll_lower *L, const atoll_tensor *zp,
	const atoll_tensor *t, const char *what);
/* Clamp bounds from the atoll_clamp_lo/hi attributes, else the range of
 * the signed or unsigned 8-bit type.
 */
int lw_clamp(struct atoll_lower *L, int is_signed, int *lo, int *hi);

#endif
