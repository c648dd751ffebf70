#ifndef ATOLL_BACKEND_H
#define ATOLL_BACKEND_H

/* The operations every device backend provides (runtime.c). */
#include <stddef.h>
#include <stdint.h>

#include "hwcfg.h"
#include "refmodel.h"

struct atoll_backend_ops {
	const char *name;
	int (*write)(void *impl, uint32_t addr, const void *buf, size_t len);
	int (*read)(void *impl, uint32_t addr, void *buf, size_t len);
	int (*run)(void *impl, const atoll_run_params *p,
		atoll_run_status *st);
	void (*free)(void *impl);
};

/* The Verilator backend (host/sim/backend_sim.c), linked into programs
 * built with the RTL model; a weak reference otherwise.
 */
int atoll_backend_sim_open(const atoll_hwcfg *cfg, const char *trace,
	const struct atoll_backend_ops **ops, void **impl, char *err,
	size_t errlen) __attribute__((weak));

#endif
