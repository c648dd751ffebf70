#ifndef ATOLL_REFMODEL_H
#define ATOLL_REFMODEL_H

/* The functional model of the accelerator (the `ref` backend): exact
 * integer semantics of every command of docs/isa.md over a device-memory
 * image, with every performance counter.  It is the golden model the RTL
 * is compared against.  No file-scope state: many models may coexist.
 */
#include <stdint.h>
#include <stddef.h>

#include "hwcfg.h"

typedef struct atoll_ref atoll_ref;

typedef struct atoll_run_params {
	uint32_t cmd_base;		/* device address of command 0 */
	uint32_t cmd_count;		/* commands available from cmd_base */
	uint32_t win_lo;		/* DRAM window [win_lo, win_hi) */
	uint32_t win_hi;
	uint64_t cycle_budget;		/* 0: unlimited */
} atoll_run_params;

typedef struct atoll_run_status {
	uint32_t error;			/* ATOLL_ERR_* */
	uint32_t error_cmd;		/* index of the faulting command */
	int timed_out;			/* cycle budget exhausted */
	uint64_t counters[32];		/* indexed by ATOLL_CNT_* */
} atoll_run_status;

atoll_ref *atoll_ref_create(const atoll_hwcfg *cfg);
void atoll_ref_free(atoll_ref *m);
/* Device memory (cfg->dram_bytes bytes), SPM (partition-major,
 * rows * spm_bytes) and PSUM (cols * psum_depth int32) images.
 */
uint8_t *atoll_ref_dram(atoll_ref *m);
uint8_t *atoll_ref_spm(atoll_ref *m);
int32_t *atoll_ref_psum(atoll_ref *m);
/* Execute from reset state of engines/semaphores/counters (memories keep
 * their contents).  Returns 0 when the stream reached END without fault;
 * -1 otherwise, with the reason in "st".
 */
int atoll_ref_run(atoll_ref *m, const atoll_run_params *p,
	atoll_run_status *st);

#endif
