#ifndef ATOLL_COMPILE_H
#define ATOLL_COMPILE_H

#include <stdio.h>

#include "bundle.h"
#include "graph.h"
#include "hwcfg.h"

enum atoll_dump {
	ATOLL_DUMP_GRAPH = 1,		/* imported graph, shapes, bindings */
	ATOLL_DUMP_DOMAINS = 2,		/* isl domains, footprints, schedule, AST */
	ATOLL_DUMP_COMMANDS = 4,	/* disassembled command stream */
	ATOLL_DUMP_FLOW = 8,		/* producer -> consumer dependences */
};

typedef struct atoll_compile_opts {
	const atoll_hwcfg *hw;
	int opt_level;			/* 0: per-operator; 2: whole model */
	unsigned dump;			/* enum atoll_dump flags */
	FILE *dump_file;
	unsigned long isl_max_ops;	/* 0: default budget */
} atoll_compile_opts;

/* Compile "g" for o->hw.  Returns a bundle, or NULL with the reason
 * (naming the model node or tensor) in "d".
 */
atoll_bundle *atoll_compile(atoll_graph *g, const atoll_compile_opts *o,
	atoll_diag *d);

#endif
