#ifndef ATOLL_STREAMGEN_H
#define ATOLL_STREAMGEN_H

/* Generated command streams for differential co-simulation of the
 * functional model and the RTL.  Every stream is valid by construction
 * (docs/isa.md): no command faults, every SPM byte, PSUM entry and weight
 * register read was written earlier in the same stream, every pair of
 * commands of different engines touching the same location (one of them
 * writing) is ordered by SIGNAL/WAIT, and every WAIT waits for a SIGNAL
 * placed earlier in the stream, so no queue depth can deadlock it.  Its
 * results therefore do not depend on timing, queue depth or the initial
 * contents of SPM, PSUM and the weight registers.
 */
#include <stdint.h>

#include "hwcfg.h"

/* What a stream exercises, counted from the encoded commands while it is
 * generated.  atoll_stream_cov_add sums these over many streams.
 */
typedef struct atoll_stream_cov {
	uint32_t op[16];		/* commands by opcode */
	uint32_t dma_dims[5];		/* DMA by number of counts > 1 (0..4) */
	uint32_t dma_fill[2];		/* fill on DMA_IN [0], DMA_OUT [1] */
	uint32_t dma_fill_ignored;	/* fill whose unread side is garbage */
	uint32_t dma_neg_stride;	/* DMA with a negative stride used */
	uint32_t dma_part_stride;	/* DMA moving across partitions */
	uint32_t dma_dup_write;		/* DMA writing one place twice */
	uint32_t dma_out_reread;	/* DMA_IN reading DMA_OUT results */
	uint32_t ldw_signed[2];
	uint32_t ldw_partial;		/* LDW of fewer than ROWS x COLS */
	uint32_t mm_acc[2];
	uint32_t mm_signed[2];
	uint32_t mm_pad;		/* MM with inside and padding
					 * positions */
	uint32_t mm_all_pad;		/* MM with only padding positions */
	uint32_t act_type[4][3];	/* ACT by SRC_TYPE, DST_TYPE */
	uint32_t act_pp[2];
	uint32_t act_nb[2];		/* ACT with NB: without PP (ignored)
					 * [0], with PP (4-byte record) [1] */
	uint32_t act_in_place;
	uint32_t add_signed[2];		/* ADD by A_SIGNED */
	uint32_t add_in_place;
	uint32_t pool_mode[2][2];	/* POOL by AVG, COUNT_PAD */
	uint32_t pool_pad;		/* POOL with taps outside the image */
	uint32_t wait_pair[4][4];	/* WAIT on engine [e] for engine [f] */
	uint32_t wait_reached;		/* WAIT for a value already reached */
	uint32_t wait_multi;		/* semaphores waited on twice or more */
	uint32_t queue_fill;		/* runs of > QUEUE_DEPTH commands to
					 * one engine, in stream order */
	uint32_t move_dims[5];		/* MOVE by number of counts > 1 */
	uint32_t move_neg_stride;	/* MOVE with a negative stride used */
	uint32_t move_part_stride;	/* MOVE changing partitions */
	uint32_t move_transpose;	/* MOVE with different partition
					 * patterns on its two sides */
	uint32_t move_dup_write;	/* MOVE writing one place twice */
	uint32_t move_read_back;	/* commands reading what a MOVE wrote */
	uint32_t move_run;		/* MOVE with dimension 0 contiguous in
					 * one partition on both sides */
} atoll_stream_cov;

/* A stream: the commands (also stored in "dram_init" at "cmd_base"), the
 * device-memory image from address 0 and the DRAM window to run with.
 * Run it with CMD_BASE = cmd_base, CMD_COUNT = ncmds (the last command is
 * END), WIN_LO = win_lo, WIN_HI = win_hi, after copying dram_init to
 * device address 0.
 */
typedef struct atoll_stream {
	uint32_t *cmds;			/* ncmds * ATOLL_CMD_WORDS words */
	uint32_t ncmds;
	uint8_t *dram_init;		/* dram_bytes bytes */
	uint32_t dram_bytes;
	uint32_t cmd_base;
	uint32_t win_lo, win_hi;
	atoll_stream_cov cov;
} atoll_stream;

/* Generate the stream of "seed" for configuration "cfg" into "*s" (owned
 * by the caller afterwards; free with atoll_stream_free).  The same
 * configuration and seed always give the same stream.  Needs
 * cfg->semaphores >= 4 and cfg->dram_bytes >= 64 KiB.  Returns 0 on
 * success, -1 on a configuration it cannot serve or out of memory (then
 * "*s" holds nothing to free).
 */
int atoll_stream_generate(const atoll_hwcfg *cfg, uint64_t seed,
	atoll_stream *s) __attribute__((warn_unused_result));
void atoll_stream_free(atoll_stream *s);

/* Memory spaces of atoll_stream_accesses. */
enum atoll_space {
	ATOLL_SPACE_SPM,		/* part: partition, addr: byte */
	ATOLL_SPACE_PSUM,		/* part: column, addr: entry */
	ATOLL_SPACE_DRAM		/* part: 0, addr: byte */
};

typedef void (*atoll_access_fn)(void *ctx, enum atoll_space space,
	int64_t part, int64_t addr, int write);

/* Call "fn" for every memory access of command "w" as docs/isa.md
 * defines it, element by element (the side of a fill DMA that is ignored
 * is not accessed; MM reads only inside positions, POOL only inside
 * taps).  The generator builds its streams on this enumeration; tests
 * use it to check streams independently of the generator's ordering.
 */
void atoll_stream_accesses(const uint32_t *w, atoll_access_fn fn, void *ctx);

/* Add the coverage counts "c" to "sum". */
void atoll_stream_cov_add(atoll_stream_cov *sum, const atoll_stream_cov *c);

#endif
