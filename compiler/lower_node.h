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
};

int atoll_lower_node(struct atoll_lower *L, atoll_conv *c);

#endif
