/*
 * Differential co-simulation: 200 generated command streams (seeds 1 to
 * 200, valid by construction, tests/streamgen.c) run on the functional
 * model and on the Verilator model of the RTL; device memory must be
 * identical and every counter equal except the timing ones (cycles,
 * busy_*, stall_*).  STREAM_SEEDS=n runs fewer.  STREAM_PREDICT=1 runs
 * the sim with the latency of the cycle predictor (compiler/predict.c)
 * and prints the largest relative error of its predicted cycles.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atoll_isa.h"
#include "harness.h"
#include "hwcfg.h"
#include "hwsim.h"
#include "predict.h"
#include "refmodel.h"
#include "streamgen.h"

#define SIM_DRAM (1u << 20)

static int timing(int i)
{
	return i == ATOLL_CNT_CYCLES || (i >= ATOLL_CNT_BUSY_DMAIN &&
		i <= ATOLL_CNT_STALL_ACT);
}

static int sim_run(atoll_hwsim *h, const atoll_stream *s, uint64_t *cnt)
{
	uint32_t err;
	int i;

	if (atoll_hwsim_mem_write(h, 0, s->dram_init, s->dram_bytes) ||
	    atoll_hwsim_csr_write(h, ATOLL_CSR_CMD_BASE, s->cmd_base) ||
	    atoll_hwsim_csr_write(h, ATOLL_CSR_CMD_COUNT, s->ncmds) ||
	    atoll_hwsim_csr_write(h, ATOLL_CSR_WIN_LO, s->win_lo) ||
	    atoll_hwsim_csr_write(h, ATOLL_CSR_WIN_HI, s->win_hi) ||
	    atoll_hwsim_csr_write(h, ATOLL_CSR_CTRL, 1))
		return -1;
	if (atoll_hwsim_run(h, 50000000, NULL) != ATOLL_HWSIM_DONE)
		return -1;
	if (atoll_hwsim_csr_read(h, ATOLL_CSR_ERROR, &err) || err)
		return -1;
	for (i = 0; i < ATOLL_CNT_COUNT; i++) {
		uint32_t lo, hi;

		if (atoll_hwsim_csr_read(h, ATOLL_CSR_COUNTERS + 8 * i, &lo) ||
		    atoll_hwsim_csr_read(h, ATOLL_CSR_COUNTERS + 8 * i + 4,
			&hi))
			return -1;
		cnt[i] = (uint64_t) hi << 32 | lo;
	}
	return 0;
}

/* The relative error of the predicted cycles of "s" against "cnt". */
static double predict_err(const atoll_stream *s, const atoll_hwcfg *cfg,
	const uint64_t *cnt)
{
	uint64_t cycles;

	if (atoll_predict_timeline(s->cmds, s->ncmds, cfg, NULL, &cycles) < 0)
		return 1e9;
	return ((double) cycles - (double) cnt[ATOLL_CNT_CYCLES]) /
		(double) cnt[ATOLL_CNT_CYCLES];
}

static int one_seed(atoll_ref *ref, atoll_hwsim *h, const atoll_hwcfg *cfg,
	uint64_t seed, double *err)
{
	atoll_stream s;
	atoll_run_params p;
	atoll_run_status st;
	uint64_t cnt[32];
	uint8_t *mem;
	int i, bad = 0;

	CHECK(atoll_stream_generate(cfg, seed, &s) == 0);
	memcpy(atoll_ref_dram(ref), s.dram_init, s.dram_bytes);
	p.cmd_base = s.cmd_base;
	p.cmd_count = s.ncmds;
	p.win_lo = s.win_lo;
	p.win_hi = s.win_hi;
	p.cycle_budget = 0;
	mem = malloc(s.dram_bytes);
	if (!mem || atoll_ref_run(ref, &p, &st) != 0 || sim_run(h, &s, cnt) ||
	    atoll_hwsim_mem_read(h, 0, mem, s.dram_bytes)) {
		fprintf(stderr, "  seed %llu: run failed (ref error %u)\n",
			(unsigned long long) seed, st.error);
		bad = 1;
	}
	if (!bad && memcmp(mem, atoll_ref_dram(ref), s.dram_bytes)) {
		fprintf(stderr, "  seed %llu: device memory differs\n",
			(unsigned long long) seed);
		bad = 1;
	}
	for (i = 0; !bad && i < ATOLL_CNT_COUNT; i++)
		if (!timing(i) && cnt[i] != st.counters[i]) {
			fprintf(stderr, "  seed %llu: counter %d: sim %llu, ref "
				"%llu\n", (unsigned long long) seed, i,
				(unsigned long long) cnt[i],
				(unsigned long long) st.counters[i]);
			bad = 1;
		}
	if (!bad)
		*err = predict_err(&s, cfg, cnt);
	free(mem);
	atoll_stream_free(&s);
	return bad;
}

static int streams(void)
{
	const char *env = getenv("STREAM_SEEDS");
	int n = env ? atoi(env) : 200, fails = 0;
	int pred = getenv("STREAM_PREDICT") != NULL;
	double err = 0, worst = 0;
	atoll_hwcfg cfg;
	atoll_ref *ref;
	atoll_hwsim *h;
	uint64_t seed;

	atoll_hwcfg_default(&cfg);
	ref = atoll_ref_create(&cfg);
	h = atoll_hwsim_create(NULL, SIM_DRAM,
		pred ? ATOLL_PRED_MEM_LATENCY : 8, 0);
	CHECK(ref && h);
	for (seed = 1; seed <= (uint64_t) n; seed++) {
		fails += one_seed(ref, h, &cfg, seed, &err);
		if (pred && (err < 0 ? -err : err) > worst)
			worst = err < 0 ? -err : err;
		if (pred && (err > 0.005 || err < -0.005))
			printf("  seed %llu: predicted cycles %+.3f%%\n",
				(unsigned long long) seed, 100 * err);
	}
	if (pred)
		printf("  predicted cycles: max |err| %.3f%%\n", 100 * worst);
	atoll_hwsim_free(h);
	atoll_ref_free(ref);
	CHECKF(fails == 0, "%d of %d streams differ", fails, n);
	printf("  %d streams identical on ref and sim\n", n);
	return 0;
}

static const struct test_case cases[] = {
	{ "200 random streams: ref and sim agree", streams },
};

TEST_MAIN(cases)
