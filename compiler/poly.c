#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <isl/ast.h>
#include <isl/ast_build.h>
#include <isl/ilp.h>
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

int atoll_box_at(__isl_keep isl_map *fp, const int64_t *vals, int nvals,
	atoll_box *b)
{
	isl_set *pt, *img;
	isl_size n;
	int i;

	pt = isl_set_universe(isl_space_domain(isl_map_get_space(fp)));
	for (i = 0; i < nvals; i++)
		pt = isl_set_fix_si(pt, isl_dim_set, i, (int) vals[i]);
	img = isl_set_apply(pt, isl_map_copy(fp));
	n = isl_set_dim(img, isl_dim_set);
	if (!img || n < 0 || n > ATOLL_BOX_DIMS) {
		isl_set_free(img);
		return -1;
	}
	b->empty = isl_set_is_empty(img) == isl_bool_true;
	for (i = 0; !b->empty && i < n; i++) {
		isl_val *lo = isl_set_dim_min_val(isl_set_copy(img), i);
		isl_val *hi = isl_set_dim_max_val(isl_set_copy(img), i);

		if (!lo || !hi) {
			isl_val_free(lo);
			isl_val_free(hi);
			isl_set_free(img);
			return -1;
		}
		b->lo[i] = isl_val_get_num_si(lo);
		b->hi[i] = isl_val_get_num_si(hi);
		isl_val_free(lo);
		isl_val_free(hi);
	}
	isl_set_free(img);
	return 0;
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

int64_t atoll_ceil_div(int64_t a, int64_t b)
{
	return (a + b - 1) / b;
}

int64_t atoll_align64(int64_t v)
{
	return (v + 63) / 64 * 64;
}
