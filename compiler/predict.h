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
/* Fill the counters of every group of "b": the byte and MAC counters
 * exactly, and ATOLL_CNT_CYCLES from atoll_predict_timeline, split so
 * that the groups sum to the predicted cycles of the whole program
 * (docs/traffic.md, "Compiler cycle prediction").  Returns -1 only when
 * a group lies outside the command stream.
 */
int atoll_predict(atoll_bundle *b, const atoll_hwcfg *hw);

/* Constants of the RTL timing model (docs/traffic.md, "Compiler cycle
 * prediction"), measured on the Verilator model of rtl/.
 */
#define ATOLL_PRED_MEM_LATENCY 20	/* device memory of the sim backend:
					 * cycles from request to data beat or
					 * write response */
#define ATOLL_PRED_DMA_INFLIGHT 16	/* DMA-in elements between read
					 * request and SPM write */
#define ATOLL_PRED_FETCH_START 1	/* cycle the first fetch starts */
#define ATOLL_PRED_DECODE 3		/* decoder cycles besides the checks,
					 * from take to dispatch */

/* Predicted times of one command, in cycles from the start of the run. */
typedef struct atoll_cmd_time {
	uint64_t take;		/* the decoder takes the fetched command */
	uint64_t dispatch;	/* pushed into its engine queue; END: the
				 * core starts draining */
	uint64_t start;		/* the engine accepts it; WAIT and SIGNAL:
				 * they retire */
	uint64_t done;		/* the engine is idle again (WAIT, SIGNAL:
				 * start + 1; END: dispatch) */
} atoll_cmd_time;

/* Cycles the command processor spends on the static checks of command
 * "w" (rtl/atoll_cmd_check.sv: two per enabled range check, one per
 * skipped one, none for WAIT, SIGNAL and END).
 */
uint64_t atoll_predict_check_cycles(const uint32_t *w);
/* Cycles the engine of command "w" is busy with it (the RTL's busy_*
 * counter for this command alone); 0 for WAIT, SIGNAL and END.
 */
uint64_t atoll_predict_busy(const uint32_t *w, const atoll_hwcfg *hw);
/* The predicted timeline on the RTL of the "ncmds" commands at "cmds"
 * (the first END, or illegal opcode, ends the stream): per-command times
 * into "t" (ncmds entries, may be NULL; commands after the end keep 0)
 * and the predicted value of the cycles counter into "*cycles".
 * Returns 0, or -1 when the stream has no END, deadlocks (a WAIT that
 * no SIGNAL can release) or memory runs out; "*cycles" is then 0.
 */
int atoll_predict_timeline(const uint32_t *cmds, uint32_t ncmds,
	const atoll_hwcfg *hw, atoll_cmd_time *t, uint64_t *cycles);

#endif
