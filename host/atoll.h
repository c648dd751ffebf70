#ifndef ATOLL_H
#define ATOLL_H

/* libatoll runtime: open a device (a backend), load a bundle, bind
 * inputs, run with a bounded budget, read outputs.  Every function
 * returns 0 on success or -1 with a message in the device's error buffer
 * (atoll_dev_error); callers must check.
 */
#include <stddef.h>
#include <stdint.h>

#include "bundle.h"
#include "hwcfg.h"
#include "refmodel.h"

#define ATOLL_WUR __attribute__((warn_unused_result))

typedef struct atoll_dev atoll_dev;

/* Open backend "spec" ("ref"; "sim" when built with the RTL model) for
 * configuration "cfg"; "trace" (sim only, may be NULL) names an FST
 * waveform file.  On failure returns NULL and writes the reason.
 */
atoll_dev *atoll_dev_open(const char *spec, const atoll_hwcfg *cfg,
	const char *trace, char *err, size_t errlen);
void atoll_dev_close(atoll_dev *dev);
const char *atoll_dev_error(const atoll_dev *dev);
const atoll_hwcfg *atoll_dev_config(const atoll_dev *dev);

ATOLL_WUR int atoll_dev_write(atoll_dev *dev, uint32_t addr,
	const void *buf, size_t len);
ATOLL_WUR int atoll_dev_read(atoll_dev *dev, uint32_t addr, void *buf,
	size_t len);
/* Run the command stream; faults and timeouts are failures whose status
 * is in "st".
 */
ATOLL_WUR int atoll_dev_run(atoll_dev *dev, const atoll_run_params *p,
	atoll_run_status *st);

/* Check that bundle "b" was compiled for this device's configuration and
 * fits its memory, then write its constants and commands.
 */
ATOLL_WUR int atoll_dev_load(atoll_dev *dev, const atoll_bundle *b);
/* Run a loaded bundle over its whole memory window. */
ATOLL_WUR int atoll_dev_exec(atoll_dev *dev, const atoll_bundle *b,
	uint64_t cycle_budget, atoll_run_status *st);

/* Describe a run failure (fault code and command, or timeout). */
void atoll_run_status_describe(const atoll_run_status *st, char *buf,
	size_t len);

#endif
