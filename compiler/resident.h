#ifndef ATOLL_RESIDENT_H
#define ATOLL_RESIDENT_H

/* Whole-model memory-traffic optimisation (-O2): which intermediate
 * tensors stay in the scratchpad between producer and consumer, where
 * they live, which layout operators become aliases, and the exact
 * load-store pairs of the per-operator program found with isl's dataflow
 * analysis.
 */
#include <stdio.h>

#include <isl/ctx.h>

#include "emit.h"
#include "graph.h"
#include "lower.h"

enum atoll_keep {
	ATOLL_KEEP_DRAM = 0,		/* stored to and loaded from DRAM */
	ATOLL_KEEP_SPM,			/* resident in the scratchpad */
	ATOLL_KEEP_BAND,		/* made and read in row bands through
					 * a band buffer in the scratchpad */
};

typedef struct atoll_tplan {
	int keep;			/* enum atoll_keep */
	int root;			/* tensor owning the buffer (aliases) */
	int64_t chan_off;		/* channel offset inside the root */
	int dram_root;			/* alias group left in DRAM: tensor
					 * whose buffer it shares, else itself */
	int64_t dram_off;		/* byte offset inside dram_root's */
	int is_view;			/* output of a view node, or a part
					 * written in place: no buffer */
	int part_of;			/* concatenation whose buffer this
					 * part is written into (its strides,
					 * from index part_idx along axis
					 * part_axis), else -1 */
	int part_axis;
	int64_t part_idx;
	int fused_by;			/* >= 0 (ATOLL_KEEP_BAND): its producer
					 * runs band by band with this node,
					 * its consumer; base and bytes are
					 * the band buffer's, h its rows */
	int flat_src;			/* >= 0: a [1, C*H*W] reshape of this
					 * rank-4 tensor, kept in its layout;
					 * its consumers (matrix products)
					 * read it as a convolution */
	int64_t n, c, h, w;		/* canonical view of the root */
	int64_t base, bytes;		/* SPM address and size per partition */
	int first, last;		/* nodes producing / last reading it */
	const char *why;		/* reason it stays in DRAM */
	atoll_buf buf;
} atoll_tplan;

typedef struct atoll_plan {
	int ntensors;
	atoll_tplan *t;
	char *alias_node;		/* per node: layout op turned alias */
	char *view_node;		/* per node: Transpose/Slice/Pad whose
					 * output its consumers read in place
					 * through strides (and padding) */
	char *move_node;		/* per node: layout op between two
					 * scratchpad-resident tensors whose
					 * layouts differ: MOVE commands */
	int *emit_at;			/* per node: the consumer of its fusion
					 * group (the group's nodes are all
					 * emitted there, band by band), or
					 * -1 */
	int64_t *band_rows;		/* per node ending a fusion group: its
					 * output rows per band */
	int64_t *work_lo;		/* per node: where its work space
					 * starts, above the resident tensors
					 * live while it runs (0 at -O0) */
	int pairs;			/* load-store pairs of the -O0 program */
	int pairs_eliminated;
	int onchip_copies, offchip_copies;
	int64_t onchip_copy_bytes, offchip_copy_bytes;
	char *json;			/* optimizer report (JSON object) */
} atoll_plan;

/* Plan residency for "g" (shapes inferred) at "opt_level" for a target
 * with "hw"; the flow dependences go to "dump" when non-NULL.  Nodes
 * flagged in "nomove" (per node, or NULL) are not planned as MOVEs.
 * "work" (in node order) lists the code generations of every node, whose
 * tiles the resident tensors leave room for.
 */
int atoll_plan_build(isl_ctx *ctx, const atoll_graph *g,
	const atoll_hwcfg *hw, int opt_level, const char *nomove,
	const atoll_work *work, int nwork, FILE *dump, atoll_plan *p,
	atoll_diag *d);
void atoll_plan_clear(atoll_plan *p);
/* The residency of tensor "t" as operators see it. */
void atoll_plan_res(atoll_plan *p, int t, int64_t rows, atoll_res *r);

#endif
