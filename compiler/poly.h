#ifndef ATOLL_POLY_H
#define ATOLL_POLY_H

/* The shared polyhedral lowering framework: every operator describes its
 * element statement (iteration domain, access relations), a tiling map to
 * tile statements, and a schedule over load/compute/store statements;
 * these helpers build the relations with isl, compute the footprint of a
 * tile instance, generate the AST with isl_ast_build and walk it.
 */
#include <stdint.h>
#include <stdio.h>

#include <isl/ctx.h>
#include <isl/map.h>
#include <isl/union_map.h>
#include <isl/aff.h>

#include "ast_walk.h"

#define ATOLL_BOX_DIMS 4

/* Bounding box of a footprint: per dimension [lo, hi]. */
typedef struct atoll_box {
	int empty;
	int64_t lo[ATOLL_BOX_DIMS];
	int64_t hi[ATOLL_BOX_DIMS];
} atoll_box;

__isl_give isl_map *atoll_read_map(isl_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
__isl_give isl_set *atoll_read_set(isl_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The footprint relation of load/store statement L in array A:
 * P^-1 . T^-1 . A where T: S -> tiles (restricted to the element domain)
 * and P: tiles -> L; "tinv" is T^-1, "proj" is P.
 */
__isl_give isl_map *atoll_footprint(__isl_keep isl_map *tinv,
	__isl_take isl_map *proj, __isl_take isl_map *access);
/* A footprint relation with its per-dimension bounds precomputed once as
 * piecewise quasi-affine functions of the statement instance
 * (isl_map_dim_min/max), so that the box of an instance is a cheap
 * evaluation rather than an integer program.
 */
typedef struct atoll_fp {
	isl_map *map;
	int n;
	isl_pw_aff *lo[ATOLL_BOX_DIMS];
	isl_pw_aff *hi[ATOLL_BOX_DIMS];
} atoll_fp;

/* Take "map" into "fp"; returns -1 on failure (fp is still freeable). */
int atoll_fp_init(atoll_fp *fp, __isl_take isl_map *map);
void atoll_fp_clear(atoll_fp *fp);
/* The bounding box of the image of the point "vals" under "fp". */
int atoll_box_at(const atoll_fp *fp, const int64_t *vals, int nvals,
	atoll_box *b);
int64_t atoll_box_extent(const atoll_box *b, int d);

/* Build the AST of "sched" (kept), print it to "dump" if non-NULL, and
 * walk it calling "fn" per statement instance.
 */
int atoll_schedule_walk(isl_ctx *ctx, __isl_keep isl_union_map *sched,
	FILE *dump, atoll_ast_user_fn fn, void *user);

/* Why the last isl operation on "ctx" failed, for a diagnostic. */
const char *atoll_isl_reason(isl_ctx *ctx);

int64_t atoll_ceil_div(int64_t a, int64_t b);
int64_t atoll_align64(int64_t v);
/* Input rows (or columns) that "out" output positions cut into blocks of
 * "b" read, all blocks together: each block's window (stride "s", "k"
 * taps "d" apart, "pad" before the input) clipped to the "in" rows.
 */
int64_t atoll_window_span(int64_t out, int64_t b, int64_t s, int64_t k,
	int64_t d, int64_t pad, int64_t in);

#endif
