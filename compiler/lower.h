#ifndef ATOLL_LOWER_H
#define ATOLL_LOWER_H

/* The integer operators the code generator knows, as produced from ONNX
 * nodes by lower.c, and the per-operator code generator (conv.c).
 */
#include <isl/ctx.h>

#include "emit.h"
#include "graph.h"

enum atoll_out_kind {
	ATOLL_OUT_REQUANT,		/* int32 acc -> uint8/int8 via scale */
	ATOLL_OUT_INT32,		/* raw int32 accumulators */
};

/* A tensor resident in the scratchpad (-O2): channel c of batch n at
 * partition c mod ROWS, address base + n*s_n + (c div ROWS)*tile +
 * y*pitch + x.  "buf" tracks its accesses across engines.
 */
typedef struct atoll_res {
	int on;
	int64_t base, s_n, tile, pitch;
	int64_t chan_off;		/* first channel inside the buffer when
					 * not a multiple of ROWS (a part of
					 * a concatenation), else 0 */
	atoll_buf *buf;
} atoll_res;

/* Strides are in bytes.  Both convolution and (batched) matrix products
 * are expressed in this form: a matrix product is a 1x1 convolution over
 * a 1 x M image with K input and N output channels.
 */
typedef struct atoll_conv {
	const char *name;		/* model node name */
	const char *op_type;
	int out_kind;
	int64_t n, ci, co, h, w, oh, ow, kh, kw;
	int64_t sh, sw, dh, dw, pt, pl;
	int64_t group;
	int64_t cig, cog;		/* channels per group: in, out */
	int cmin, cmax;			/* output clamp (requantised) */
	int64_t x_addr, xs_n, xs_c, xs_h, xs_w;
	int64_t w_addr, ws_n, ws_co, ws_ci, ws_kh, ws_kw;
	int64_t y_addr, ys_n, ys_c, ys_h, ys_w;
	int x_signed, w_signed, y_signed;
	int x_zp;
	int y_zp;
	atoll_res xres, yres;		/* x / y resident in SPM instead */
	int dw_compact;			/* depthwise (one input and one output
					 * channel per group) with one weight
					 * zero point: w_addr holds the weights
					 * as given, [co][kh][kw], and a tile is
					 * its zero-point fill (dw_fill) plus
					 * its diagonal */
	int dw_fill;
	int64_t zp_const;		/* pool offset of co weight zero points */
	int64_t par_const;		/* pool offset of co ACT PP records */
	int par_bytes;			/* bytes of one record: 8, or 4
					 * without a bias (ACT NB); 0 for
					 * an int32 output (no records) */
	atoll_buf *x_buf, *w_buf, *y_buf;	/* DRAM tensors */
} atoll_conv;

enum atoll_vec_kind {
	ATOLL_VEC_ACT,			/* requantise + clamp one tensor */
	ATOLL_VEC_ADD,			/* sum of two quantised tensors */
	ATOLL_VEC_POOL,			/* max/avg window; copies are 1x1 max */
};

/* A 4-D view [n, c, h, w] of a tensor in device memory: byte strides,
 * and the extent of the two spatial dimensions (reads outside them are
 * padding).
 */
typedef struct atoll_view {
	int64_t addr, s_n, s_c, s_h, s_w;
	int64_t h, w;
	int is_signed;
	atoll_buf *buf;
	atoll_res res;			/* resident in SPM instead of DRAM */
	const atoll_tensor *t;		/* the graph tensor it reads or
					 * writes (shape inference records
					 * it for the planner) */
} atoll_view;

/* Operators on the vector (ACT) engine, element [n,c,y,x] of the output
 * computed from input 0 at [n, c, y*SH + i*DH - PT, x*SW + j*DW - PL] for
 * taps (i,j) of a KH x KW window (1x1 for ACT and ADD), and input 1 at
 * [n,c,y,x].  Arithmetic as the ACT, ADD and POOL commands define it.
 */
typedef struct atoll_vec {
	const char *name;
	const char *op_type;
	int kind;
	int64_t n, c, oh, ow;
	int nin;
	atoll_view in[2];
	atoll_view out;
	int64_t kh, kw, sh, sw, dh, dw, pt, pl;
	int avg, count_pad;
	int32_t mult[2];
	int shift;
	int zp_in[2];
	int zp_out;
	int cmin, cmax;
} atoll_vec;

/* Generate the commands of a vector operator through the same isl
 * framework as convolutions (vec.c).
 */
/* One side of a scratchpad copy: the tensor's own shape (rank 2 to 4,
 * the canonical layout of resident.h), its residency, and a 4-D view of
 * it in row-major element offsets.
 */
typedef struct atoll_move_side {
	int rank;
	int64_t dims[4];
	atoll_res res;
	int64_t off, s[4];
} atoll_move_side;

/* A layout copy between two scratchpad-resident tensors over the 4-D
 * extent "od": output element i comes from the source at view position
 * (i0, i1, i2 - pt, i3 - pl), or is "fill" where that is outside h x w.
 */
typedef struct atoll_move {
	const char *name;
	int64_t od[4];
	atoll_move_side src, dst;
	int64_t h, w, pt, pl;
	int fill;
} atoll_move;

/* MOVE commands (and DMA_IN fills for padding) for "m" (move.c).
 * Returns 1 when its command bytes came to more than four times those
 * of a store and a load of the data (2 N + one command): the caller
 * plans the node without a MOVE.
 */
int atoll_move_codegen(atoll_emit *em, const atoll_move *m);
int atoll_vec_codegen(isl_ctx *ctx, atoll_emit *em, const atoll_vec *v,
	FILE *dump);

/* One code generation of a node (a convolution or a vector operator),
 * recorded at shape inference for the residency planner: its geometry
 * and the graph tensors it reads (in[0], for a convolution its input x;
 * in[1]) and writes (out), -1 for none.  The planner sets the residency
 * flags and asks atoll_conv_work/atoll_vec_work how much scratchpad its
 * tiles take.
 */
typedef struct atoll_work {
	int node;
	int is_conv;
	atoll_conv c;
	atoll_vec v;
	int in[2], out;
} atoll_work;

/* The end of the scratchpad layout the tiler of "c" (or "v") chooses
 * when its work space is [lo, hi) (per partition, as the code generator
 * gets it in spm_lo and spm_hi; the layout shifts with a start moved by a
 * multiple of 64 bytes), or, when not even its smallest tiles fit, the
 * end of that smallest layout (> hi).  With hi = lo: the least the
 * operator can run in.  "*traffic" (if not NULL) gets a model of the
 * device-memory bytes those tiles move, for comparing plans.
 */
int64_t atoll_conv_work(const atoll_hwcfg *hw, const atoll_conv *c,
	int64_t lo, int64_t hi, int64_t *traffic);
int64_t atoll_vec_work(const atoll_hwcfg *hw, const atoll_vec *v,
	int64_t lo, int64_t hi, int64_t *traffic);

/* Requantisation multiplier: real scale = mult * 2^-shift exactly. */
int atoll_scale_to_fixed(float scale, int32_t *mult, int *shift);

/* Generate the commands of one convolution through isl: tile domains,
 * access relations, schedule, AST; then walk the AST emitting commands.
 */
int atoll_conv_codegen(isl_ctx *ctx, atoll_emit *em, const atoll_conv *c,
	FILE *dump);

#endif
