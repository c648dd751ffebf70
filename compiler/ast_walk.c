#include <stdio.h>
#include <string.h>

#include <isl/ast.h>
#include <isl/id.h>
#include <isl/val.h>

#include "ast_walk.h"

#define MAX_DEPTH 32

struct ast_env {
	const char *names[MAX_DEPTH];
	int64_t vals[MAX_DEPTH];
	int depth;
	int err;
	atoll_ast_user_fn fn;
	void *user;
};

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static int64_t eval(__isl_keep isl_ast_expr *e, struct ast_env *env);

static int64_t eval_id(__isl_keep isl_ast_expr *e, struct ast_env *env)
{
	isl_id *id = isl_ast_expr_get_id(e);
	const char *name = isl_id_get_name(id);
	int i;

	for (i = env->depth - 1; i >= 0; i--)
		if (!strcmp(env->names[i], name))
			break;
	isl_id_free(id);
	if (i < 0) {
		env->err = 1;
		return 0;
	}
	return env->vals[i];
}

static int64_t eval_arg(__isl_keep isl_ast_expr *e, int pos,
	struct ast_env *env)
{
	isl_ast_expr *a = isl_ast_expr_op_get_arg(e, pos);
	int64_t v = eval(a, env);

	isl_ast_expr_free(a);
	return v;
}

/* Evaluate the operation "e" on its already evaluated first two
 * arguments "a" and "b" (unary minus uses "a" only).
 */
static int64_t eval_binary(enum isl_ast_expr_op_type t, int64_t a,
	int64_t b, struct ast_env *env)
{
	switch (t) {
	case isl_ast_expr_op_and:
	case isl_ast_expr_op_and_then:
		return a && b;
	case isl_ast_expr_op_or:
	case isl_ast_expr_op_or_else:
		return a || b;
	case isl_ast_expr_op_max:
		return a > b ? a : b;
	case isl_ast_expr_op_min:
		return a < b ? a : b;
	case isl_ast_expr_op_add:
		return a + b;
	case isl_ast_expr_op_sub:
		return a - b;
	case isl_ast_expr_op_mul:
		return a * b;
	case isl_ast_expr_op_div:
	case isl_ast_expr_op_zdiv_r:
	case isl_ast_expr_op_pdiv_q:
	case isl_ast_expr_op_pdiv_r:
	case isl_ast_expr_op_fdiv_q:
		if (b == 0) {
			env->err = 1;
			return 0;
		}
		if (t == isl_ast_expr_op_fdiv_q || t == isl_ast_expr_op_pdiv_q)
			return floor_div(a, b);
		if (t == isl_ast_expr_op_div)
			return a / b;
		return a - floor_div(a, b) * b;
	case isl_ast_expr_op_eq:
		return a == b;
	case isl_ast_expr_op_le:
		return a <= b;
	case isl_ast_expr_op_lt:
		return a < b;
	case isl_ast_expr_op_ge:
		return a >= b;
	case isl_ast_expr_op_gt:
		return a > b;
	default:
		env->err = 1;
		return 0;
	}
}

static int64_t eval_op(__isl_keep isl_ast_expr *e, struct ast_env *env)
{
	enum isl_ast_expr_op_type t = isl_ast_expr_op_get_type(e);
	isl_size n = isl_ast_expr_op_get_n_arg(e);
	int64_t v;
	int i;

	if (t == isl_ast_expr_op_minus)
		return -eval_arg(e, 0, env);
	if (t == isl_ast_expr_op_cond || t == isl_ast_expr_op_select)
		return eval_arg(e, 0, env) ? eval_arg(e, 1, env) :
			eval_arg(e, 2, env);
	if (n < 2) {
		env->err = 1;
		return 0;
	}
	v = eval_arg(e, 0, env);
	for (i = 1; i < n; i++)
		v = eval_binary(t, v, eval_arg(e, i, env), env);
	return v;
}

static int64_t eval(__isl_keep isl_ast_expr *e, struct ast_env *env)
{
	isl_val *v;
	int64_t r;

	switch (isl_ast_expr_get_type(e)) {
	case isl_ast_expr_int:
		v = isl_ast_expr_int_get_val(e);
		r = isl_val_get_num_si(v);
		isl_val_free(v);
		return r;
	case isl_ast_expr_id:
		return eval_id(e, env);
	case isl_ast_expr_op:
		return eval_op(e, env);
	default:
		env->err = 1;
		return 0;
	}
}

static int walk(__isl_keep isl_ast_node *node, struct ast_env *env);

static int walk_list(__isl_keep isl_ast_node_list *list, struct ast_env *env)
{
	isl_size n = isl_ast_node_list_n_ast_node(list);
	int i, r = 0;

	for (i = 0; i < n && r == 0; i++) {
		isl_ast_node *c = isl_ast_node_list_get_ast_node(list, i);

		r = walk(c, env);
		isl_ast_node_free(c);
	}
	return r;
}

/* Run the for node: iterator = init; while cond: body; iterator += inc. */
static int walk_for(__isl_keep isl_ast_node *node, struct ast_env *env)
{
	isl_ast_expr *it = isl_ast_node_for_get_iterator(node);
	isl_ast_expr *init = isl_ast_node_for_get_init(node);
	isl_ast_expr *cond = isl_ast_node_for_get_cond(node);
	isl_ast_expr *inc = isl_ast_node_for_get_inc(node);
	isl_ast_node *body = isl_ast_node_for_get_body(node);
	isl_id *id = isl_ast_expr_get_id(it);
	int slot = env->depth, r = 0;
	int64_t step;

	if (slot >= MAX_DEPTH) {
		r = -1;
		goto done;
	}
	env->names[slot] = isl_id_get_name(id);
	env->vals[slot] = eval(init, env);
	env->depth++;
	step = eval(inc, env);
	while (r == 0 && !env->err && eval(cond, env)) {
		r = walk(body, env);
		env->vals[slot] += step;
	}
	env->depth--;
done:
	isl_id_free(id);
	isl_ast_expr_free(it);
	isl_ast_expr_free(init);
	isl_ast_expr_free(cond);
	isl_ast_expr_free(inc);
	isl_ast_node_free(body);
	return env->err ? -1 : r;
}

static int walk_if(__isl_keep isl_ast_node *node, struct ast_env *env)
{
	isl_ast_expr *cond = isl_ast_node_if_get_cond(node);
	isl_ast_node *branch = NULL;
	int r = 0;

	if (eval(cond, env))
		branch = isl_ast_node_if_get_then_node(node);
	else if (isl_ast_node_if_has_else_node(node) == isl_bool_true)
		branch = isl_ast_node_if_get_else_node(node);
	if (branch)
		r = walk(branch, env);
	isl_ast_node_free(branch);
	isl_ast_expr_free(cond);
	return env->err ? -1 : r;
}

static int walk_user(__isl_keep isl_ast_node *node, struct ast_env *env)
{
	isl_ast_expr *call = isl_ast_node_user_get_expr(node);
	isl_ast_expr *fe = isl_ast_expr_op_get_arg(call, 0);
	isl_id *id = isl_ast_expr_get_id(fe);
	isl_size n = isl_ast_expr_op_get_n_arg(call);
	int64_t args[ATOLL_AST_MAX_ARGS];
	int i, r = -1;

	if (n - 1 <= ATOLL_AST_MAX_ARGS) {
		for (i = 1; i < n; i++)
			args[i - 1] = eval_arg(call, i, env);
		if (!env->err)
			r = env->fn(isl_id_get_name(id), args, n - 1,
				env->user);
	}
	isl_id_free(id);
	isl_ast_expr_free(fe);
	isl_ast_expr_free(call);
	return r;
}

static int walk(__isl_keep isl_ast_node *node, struct ast_env *env)
{
	isl_ast_node_list *list;
	isl_ast_node *child;
	int r;

	switch (isl_ast_node_get_type(node)) {
	case isl_ast_node_for:
		return walk_for(node, env);
	case isl_ast_node_if:
		return walk_if(node, env);
	case isl_ast_node_block:
		list = isl_ast_node_block_get_children(node);
		r = walk_list(list, env);
		isl_ast_node_list_free(list);
		return r;
	case isl_ast_node_mark:
		child = isl_ast_node_mark_get_node(node);
		r = walk(child, env);
		isl_ast_node_free(child);
		return r;
	case isl_ast_node_user:
		return walk_user(node, env);
	default:
		return -1;
	}
}

int atoll_ast_walk(__isl_keep isl_ast_node *node, atoll_ast_user_fn fn,
	void *user)
{
	struct ast_env env;

	memset(&env, 0, sizeof(env));
	env.fn = fn;
	env.user = user;
	return walk(node, &env);
}
