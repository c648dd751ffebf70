/*
 * The `sim` backend: the Verilator model of the RTL (hwsim/hwsim.h)
 * behind the runtime's backend interface.  Built into the CLI when the
 * hwsim library is (make: build/hwsim/libatoll_hwsim.a).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atoll_config.h"
#include "atoll_isa.h"
#include "backend.h"
#include "hwsim.h"

static int sim_write(void *impl, uint32_t addr, const void *buf, size_t len)
{
	return atoll_hwsim_mem_write(impl, addr, buf, len);
}

static int sim_read(void *impl, uint32_t addr, void *buf, size_t len)
{
	return atoll_hwsim_mem_read(impl, addr, buf, len);
}

static int csr_counters(atoll_hwsim *h, atoll_run_status *st)
{
	int i;

	for (i = 0; i < ATOLL_CNT_COUNT; i++) {
		uint32_t lo, hi;

		if (atoll_hwsim_csr_read(h, ATOLL_CSR_COUNTERS + 8 * i, &lo) ||
		    atoll_hwsim_csr_read(h, ATOLL_CSR_COUNTERS + 8 * i + 4, &hi))
			return -1;
		st->counters[i] = (uint64_t) hi << 32 | lo;
	}
	return 0;
}

/* Program the CSRs, start, run within the budget, collect the result. */
static int sim_run(void *impl, const atoll_run_params *p,
	atoll_run_status *st)
{
	atoll_hwsim *h = impl;
	uint64_t cycles = 0;
	uint32_t err = 0;
	int r;

	if (atoll_hwsim_csr_write(h, ATOLL_CSR_CMD_BASE, p->cmd_base) ||
	    atoll_hwsim_csr_write(h, ATOLL_CSR_CMD_COUNT, p->cmd_count) ||
	    atoll_hwsim_csr_write(h, ATOLL_CSR_WIN_LO, p->win_lo) ||
	    atoll_hwsim_csr_write(h, ATOLL_CSR_WIN_HI, p->win_hi) ||
	    atoll_hwsim_csr_write(h, ATOLL_CSR_CTRL, 1))
		return -1;
	r = atoll_hwsim_run(h, p->cycle_budget, &cycles);
	if (r == ATOLL_HWSIM_TIMEOUT) {
		st->timed_out = 1;
		st->counters[ATOLL_CNT_CYCLES] = cycles;
		return -1;
	}
	if (csr_counters(h, st) < 0 ||
	    atoll_hwsim_csr_read(h, ATOLL_CSR_ERROR, &err))
		return -1;
	if (r == ATOLL_HWSIM_ERROR || (err & 0xff)) {
		st->error = err & 0xff;
		st->error_cmd = err >> 8;
		return -1;
	}
	return 0;
}

static void sim_free(void *impl)
{
	atoll_hwsim_free(impl);
}

static const struct atoll_backend_ops sim_ops = {
	"sim", sim_write, sim_read, sim_run, sim_free,
};

/* Integer environment variable "name" in [lo, hi], else "def". */
static int env_int(const char *name, int def, int lo, int hi)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (!v || !*v)
		return def;
	n = strtol(v, &end, 10);
	return *end || n < lo || n > hi ? def : (int) n;
}

int atoll_backend_sim_open(const atoll_hwcfg *cfg, const char *trace,
	const struct atoll_backend_ops **ops, void **impl, char *err,
	size_t errlen)
{
	if (cfg->id != ATOLL_CFG_ID) {
		snprintf(err, errlen, "the sim backend was built for "
			"configuration '%s' (0x%08x), not '%s' (0x%08x); "
			"rebuild with make HW=FILE", ATOLL_CFG_NAME,
			ATOLL_CFG_ID, cfg->name, cfg->id);
		return -1;
	}
	*impl = atoll_hwsim_create(trace, cfg->dram_bytes,
		env_int("ATOLL_SIM_LATENCY", 20, 1, 100000),
		env_int("ATOLL_SIM_BANDWIDTH", 0, 0, 1 << 20));
	if (!*impl) {
		snprintf(err, errlen, "cannot create the Verilator model");
		return -1;
	}
	*ops = &sim_ops;
	return 0;
}
