#ifndef ATOLL_EMIT_H
#define ATOLL_EMIT_H

/* Command emission: the growing command stream, the constant pool, the
 * synchronisation of engines through semaphores, and DMA access-pattern
 * coalescing.  Code generators describe each command's buffer accesses
 * and the emitter inserts exactly the SIGNAL/WAIT pairs the dependences
 * between engines require.
 */
#include <stddef.h>
#include <stdint.h>

#include "atoll_isa.h"
#include "graph.h"
#include "hwcfg.h"

#define ATOLL_ENGINES 4

/* A buffer whose accesses are tracked for dependences between engines:
 * an SPM region, the PSUM, or a DRAM tensor.
 */
typedef struct atoll_buf {
	const char *name;
	int writer;			/* engine of the last writer, -1 none */
	uint32_t write_seq;		/* that engine's command count then */
	uint32_t read_seq[ATOLL_ENGINES];	/* last read per engine, 0 none */
	int64_t spm_lo, spm_hi;		/* SPM addresses it covers in every
					 * partition (atoll_buf_spm), or 0 */
	uint32_t epoch;			/* code generation in which it was
					 * last checked against the stripes */
} atoll_buf;

/* What earlier code generations did to 64 bytes of SPM (all partitions):
 * the last write and read per engine.
 */
typedef struct atoll_stripe {
	uint32_t write_seq[ATOLL_ENGINES];
	uint32_t read_seq[ATOLL_ENGINES];
} atoll_stripe;

#define ATOLL_STRIPE_BYTES 64

enum atoll_use { ATOLL_USE_READ = 1, ATOLL_USE_WRITE = 2 };

typedef struct atoll_emit {
	const atoll_hwcfg *hw;
	atoll_diag *diag;
	uint32_t *cmds;
	size_t ncmds;
	size_t cap;
	uint8_t *consts;
	size_t nconsts;
	size_t const_cap;
	/* the last constants added (offset, length): the same bytes again
	 * (an operator lowered once per band of a fusion group) are shared
	 */
#define ATOLL_RECENT_CONSTS 16
	size_t recent_off[ATOLL_RECENT_CONSTS];
	size_t recent_len[ATOLL_RECENT_CONSTS];
	int nrecent;
	uint32_t const_base;		/* device address of constant byte 0 */
	int64_t spm_lo, spm_hi;		/* SPM bytes an operator may use for
					 * its own tiles (resident tensors
					 * live below spm_lo) */
	int tiles_high;			/* lay the tiles out at the top of
					 * that space (-O2: away from the
					 * resident tensors, allocated from
					 * address 0 up) */
	uint32_t seq[ATOLL_ENGINES];	/* commands issued per engine */
	uint32_t nsig[ATOLL_ENGINES];
	uint32_t *sig_cover[ATOLL_ENGINES];
	size_t sig_cap[ATOLL_ENGINES];
	uint32_t waited[ATOLL_ENGINES][ATOLL_ENGINES];
	int dump_commands;
	/* Dependences between code generations (operators): every SPM
	 * buffer says which addresses it covers; at its first use in a
	 * generation it waits for the earlier generations' accesses to
	 * those addresses (the stripes), and at the end of the generation
	 * its accesses are recorded there.  The PSUM is one buffer for all.
	 */
	atoll_stripe *stripes;
	int64_t nstripes;
	uint32_t epoch;
	atoll_buf **used;
	size_t nused, used_cap;
	atoll_buf psum;
} atoll_emit;

/* One dimension of a DMA access pattern. */
typedef struct atoll_dma_dim {
	int64_t count;
	int64_t dram_stride;
	int64_t spm_stride;
	int64_t part_stride;
} atoll_dma_dim;

void atoll_emit_init(atoll_emit *em, const atoll_hwcfg *hw, atoll_diag *d);
void atoll_emit_clear(atoll_emit *em);
void atoll_buf_init(atoll_buf *b, const char *name);
/* Buffer "b" covers SPM addresses [lo, hi) of every partition. */
void atoll_buf_spm(atoll_buf *b, int64_t lo, int64_t hi);
/* Start a code generation (an operator); returns -1 on failure. */
int atoll_emit_begin(atoll_emit *em);
/* End it: record its SPM buffers' accesses in the stripes (before the
 * generator frees its buffers).
 */
void atoll_emit_retire(atoll_emit *em);

/* Append constant bytes (aligned to "align"); returns their offset in the
 * pool, or -1 on allocation failure.
 */
int64_t atoll_emit_const(atoll_emit *em, const void *data, size_t len,
	size_t align);

/* Emit command "w" after making its engine wait for every earlier access
 * by another engine that conflicts with "uses" of "bufs" (read after
 * write, write after read, write after write).
 */
int atoll_emit_cmd(atoll_emit *em, const uint32_t *w, int nbufs,
	atoll_buf **bufs, const int *uses);
/* Emit a DMA_IN or DMA_OUT moving the pattern "dims" (innermost first),
 * coalesced into the fewest dimensions.  "fill" < 0: no fill.
 */
int atoll_emit_dma(atoll_emit *em, uint32_t opcode, int64_t dram_base,
	int64_t spm_part, int64_t spm_addr, const atoll_dma_dim *dims,
	int ndims, int fill, atoll_buf *spm_buf, atoll_buf *dram_buf,
	const char *what);
int atoll_emit_end(atoll_emit *em);
/* Does "v" fit a signed field of "bits" bits? */
int atoll_fits_signed(int64_t v, int bits);
/* Make every engine wait until every other engine has completed all the
 * commands emitted so far.
 */
int atoll_emit_barrier(atoll_emit *em);

#endif
