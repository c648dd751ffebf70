#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isl/ast.h>
#include <isl/ast_build.h>
#include <isl/ilp.h>
#include <isl/point.h>
#include <isl/set.h>
#include <isl/space.h>
#include <isl/val.h>

#include "poly.h"

__isl_give isl_map *atoll_read_map(isl_ctx *ctx, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return isl_map_read_from_str(ctx, buf);
}

__isl_give isl_set *atoll_read_set(isl_ctx *ctx, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return isl_set_read_from_str(ctx, buf);
}

__isl_give isl_map *atoll_footprint(__isl_keep isl_map *tinv,
	__isl_take isl_map *proj, __isl_take isl_map *access)
{
	isl_map *m = isl_map_apply_range(isl_map_copy(tinv), access);

	return isl_map_apply_range(isl_map_reverse(proj), m);
}

int atoll_fp_init(atoll_fp *fp, __isl_take isl_map *map)
{
	isl_size n = isl_map_dim(map, isl_dim_out);
	int i;

	memset(fp, 0, sizeof(*fp));
	fp->map = map;
	if (!map || n < 0 || n > ATOLL_BOX_DIMS)
		return -1;
	fp->n = n;
	for (i = 0; i < n; i++) {
		fp->lo[i] = isl_map_dim_min(isl_map_copy(map), i);
		fp->hi[i] = isl_map_dim_max(isl_map_copy(map), i);
		if (!fp->lo[i] || !fp->hi[i])
			return -1;
	}
	return 0;
}

void atoll_fp_clear(atoll_fp *fp)
{
	int i;

	isl_map_free(fp->map);
	for (i = 0; i < ATOLL_BOX_DIMS; i++) {
		isl_pw_aff_free(fp->lo[i]);
		isl_pw_aff_free(fp->hi[i]);
	}
	memset(fp, 0, sizeof(*fp));
}

/* Evaluate "pa" at "pt"; NaN (the instance has no footprint) is -1. */
static int eval_at(__isl_keep isl_pw_aff *pa, __isl_keep isl_point *pt,
	int64_t *v)
{
	isl_val *r = isl_pw_aff_eval(isl_pw_aff_copy(pa), isl_point_copy(pt));
	int ok;

	if (!r)
		return -2;
	ok = isl_val_is_int(r) == isl_bool_true;
	if (ok)
		*v = isl_val_get_num_si(r);
	isl_val_free(r);
	return ok ? 0 : -1;
}

int atoll_box_at(const atoll_fp *fp, const int64_t *vals, int nvals,
	atoll_box *b)
{
	isl_point *pt;
	int i, r = 0;

	pt = isl_point_zero(isl_space_domain(isl_map_get_space(fp->map)));
	for (i = 0; i < nvals; i++)
		pt = isl_point_set_coordinate_val(pt, isl_dim_set, i,
			isl_val_int_from_si(isl_map_get_ctx(fp->map), vals[i]));
	if (!pt)
		return -1;
	b->empty = 0;
	for (i = 0; i < fp->n && r == 0; i++) {
		r = eval_at(fp->lo[i], pt, &b->lo[i]);
		if (r == 0)
			r = eval_at(fp->hi[i], pt, &b->hi[i]);
	}
	isl_point_free(pt);
	if (r == -1) {
		b->empty = 1;
		r = 0;
	}
	return r;
}

int64_t atoll_box_extent(const atoll_box *b, int d)
{
	return b->hi[d] - b->lo[d] + 1;
}

int atoll_schedule_walk(isl_ctx *ctx, __isl_keep isl_union_map *sched,
	FILE *dump, atoll_ast_user_fn fn, void *user)
{
	isl_ast_build *build = isl_ast_build_alloc(ctx);
	isl_ast_node *ast;
	char *s;
	int r;

	ast = isl_ast_build_node_from_schedule_map(build,
		isl_union_map_copy(sched));
	isl_ast_build_free(build);
	if (!ast)
		return -1;
	if (dump) {
		s = isl_union_map_to_str(sched);
		fprintf(dump, "schedule: %s\n", s);
		free(s);
		s = isl_ast_node_to_C_str(ast);
		fprintf(dump, "ast:\n%s\n", s);
		free(s);
	}
	r = atoll_ast_walk(ast, fn, user);
	isl_ast_node_free(ast);
	return r;
}

const char *atoll_isl_reason(isl_ctx *ctx)
{
	if (isl_ctx_last_error(ctx) == isl_error_quota)
		return "isl operation budget exhausted (raise --isl-max-ops)";
	if (isl_ctx_last_error(ctx) != isl_error_none)
		return "isl error";
	return "internal error";
}

int64_t atoll_ceil_div(int64_t a, int64_t b)
{
	return (a + b - 1) / b;
}

int64_t atoll_align64(int64_t v)
{
	return (v + 63) / 64 * 64;
}

int64_t atoll_window_span(int64_t out, int64_t b, int64_t s, int64_t k,
	int64_t d, int64_t pad, int64_t in)
{
	int64_t y0, n = 0;

	for (y0 = 0; y0 < out; y0 += b) {
		int64_t y1 = (y0 + b < out ? y0 + b : out) - 1;
		int64_t lo = y0 * s - pad, hi = y1 * s + (k - 1) * d - pad;

		lo = lo < 0 ? 0 : lo;
		hi = hi > in - 1 ? in - 1 : hi;
		n += hi >= lo ? hi - lo + 1 : 0;
	}
	return n;
}
