#ifndef ATOLL_PREDICT_H
#define ATOLL_PREDICT_H

#include <stdint.h>

#include "bundle.h"
#include "hwcfg.h"

/* Exact prediction of the byte and MAC counters of one command from its
 * fields alone (docs/isa.md, per opcode), added into "cnt" (indexed by
 * ATOLL_CNT_*).  Timing counters are not predicted here.
 */
void atoll_predict_cmd(const uint32_t *w, const atoll_hwcfg *hw,
	uint64_t *cnt);
/* Fill the counters of every group of "b". */
int atoll_predict(atoll_bundle *b, const atoll_hwcfg *hw);

#endif
