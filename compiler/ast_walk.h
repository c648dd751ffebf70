#ifndef ATOLL_AST_WALK_H
#define ATOLL_AST_WALK_H

/* Interpret an isl AST: run its loops with integer iterators and call
 * "user" for every statement instance with the statement name and its
 * evaluated arguments.
 */
#include <stdint.h>
#include <isl/ast.h>

#define ATOLL_AST_MAX_ARGS 16

typedef int (*atoll_ast_user_fn)(const char *stmt, const int64_t *args,
	int nargs, void *user);

int atoll_ast_walk(__isl_keep isl_ast_node *node, atoll_ast_user_fn fn,
	void *user);

#endif
