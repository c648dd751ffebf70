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
	int64_t x_addr, xs_n, xs_c, xs_h, xs_w;
	int64_t w_addr, ws_n, ws_co, ws_ci, ws_kh, ws_kw;
	int64_t y_addr, ys_n, ys_c, ys_h, ys_w;
	int x_signed, w_signed, y_signed;
	int x_zp;
	int y_zp;
	int64_t zp_const;		/* pool offset of co weight zero points */
	int64_t par_const;		/* pool offset of co 12-byte records */
	atoll_buf *x_buf, *w_buf, *y_buf;	/* DRAM tensors */
} atoll_conv;

/* Requantisation multiplier: real scale = mult * 2^-shift exactly. */
int atoll_scale_to_fixed(float scale, int32_t *mult, int *shift);

/* Generate the commands of one convolution through isl: tile domains,
 * access relations, schedule, AST; then walk the AST emitting commands.
 */
int atoll_conv_codegen(isl_ctx *ctx, atoll_emit *em, const atoll_conv *c,
	FILE *dump);

#endif
