#ifndef ATOLL_RTL_BENCH_H
#define ATOLL_RTL_BENCH_H

/* Helpers shared by the RTL benches (tests/rtl_bench/rtl_bench_*.c):
 * command building, running a command stream on the Verilator model
 * through the hwsim API, counter access.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atoll_config.h"
#include "atoll_isa.h"
#include "harness.h"
#include "hwcfg.h"
#include "hwsim.h"

#define BENCH_DRAM	(4u << 20)
#define BENCH_MAXCMD	512
#define ROWS		((int) ATOLL_CFG_ROWS)
#define COLS		((int) ATOLL_CFG_COLS)
#define SPMB		((int64_t) ATOLL_CFG_SPM_BYTES)
#define PSUMD		((int64_t) ATOLL_CFG_PSUM_DEPTH)

struct bench_prog {
	int n;
	uint32_t w[BENCH_MAXCMD][ATOLL_CMD_WORDS];
};

struct bench_result {
	int status;			/* ATOLL_HWSIM_* */
	uint32_t error;			/* ERROR CSR */
	uint64_t cycles;		/* cycles of atoll_hwsim_run */
	uint64_t cnt[ATOLL_CNT_COUNT];
};

/* The configuration this bench was built for (build/gen's
 * atoll_config.h, as firmware/hwcfg_default.c compiled with it gives),
 * with "dram_bytes" of device memory, for the functional model and the
 * predictor.
 */
static inline void bench_config(atoll_hwcfg *cfg, uint32_t dram_bytes)
{
	atoll_hwcfg_default(cfg);
	cfg->dram_bytes = dram_bytes;
}

/* A fresh simulator: latency 8, 8 bytes per cycle; ATOLL_TRACE=path in
 * the environment writes an FST trace.
 */
static inline atoll_hwsim *bench_sim(void)
{
	return atoll_hwsim_create(getenv("ATOLL_TRACE"), BENCH_DRAM, 8, 8);
}

static inline uint32_t *bench_cmd(struct bench_prog *p, uint32_t op)
{
	uint32_t *w = p->w[p->n++];

	memset(w, 0, sizeof(p->w[0]));
	ATOLL_SET(w, ATOLL_END_OPCODE, op);
	return w;
}

static inline void bench_end(struct bench_prog *p)
{
	bench_cmd(p, ATOLL_OP_END);
}

static inline void bench_sem(struct bench_prog *p, uint32_t op, int engine,
	int sem, uint32_t value)
{
	uint32_t *w = bench_cmd(p, op);

	ATOLL_SET(w, ATOLL_SEM_ENGINE, engine);
	ATOLL_SET(w, ATOLL_SEM_SEM, sem);
	ATOLL_SET(w, ATOLL_SEM_VALUE, value);
}

/* A DMA command; c, ds, ps, ss: counts and DRAM / partition / SPM
 * strides of dimensions 0..3.
 */
static inline void bench_dma_fields(uint32_t *w, uint32_t dram,
	uint32_t part, uint32_t addr, const int *c, const int *ds,
	const int *ps, const int *ss)
{
	ATOLL_SET(w, ATOLL_DMA_DRAM_BASE, dram);
	ATOLL_SET(w, ATOLL_DMA_SPM_PART, part);
	ATOLL_SET(w, ATOLL_DMA_SPM_ADDR, addr);
	ATOLL_SET(w, ATOLL_DMA_COUNT0, c[0]);
	ATOLL_SET(w, ATOLL_DMA_COUNT1, c[1]);
	ATOLL_SET(w, ATOLL_DMA_COUNT2, c[2]);
	ATOLL_SET(w, ATOLL_DMA_COUNT3, c[3]);
	ATOLL_SET(w, ATOLL_DMA_DRAM_STRIDE0, ds[0]);
	ATOLL_SET(w, ATOLL_DMA_DRAM_STRIDE1, ds[1]);
	ATOLL_SET(w, ATOLL_DMA_DRAM_STRIDE2, ds[2]);
	ATOLL_SET(w, ATOLL_DMA_DRAM_STRIDE3, ds[3]);
	ATOLL_SET(w, ATOLL_DMA_PART_STRIDE0, ps[0]);
	ATOLL_SET(w, ATOLL_DMA_PART_STRIDE1, ps[1]);
	ATOLL_SET(w, ATOLL_DMA_PART_STRIDE2, ps[2]);
	ATOLL_SET(w, ATOLL_DMA_PART_STRIDE3, ps[3]);
	ATOLL_SET(w, ATOLL_DMA_SPM_STRIDE0, ss[0]);
	ATOLL_SET(w, ATOLL_DMA_SPM_STRIDE1, ss[1]);
	ATOLL_SET(w, ATOLL_DMA_SPM_STRIDE2, ss[2]);
	ATOLL_SET(w, ATOLL_DMA_SPM_STRIDE3, ss[3]);
}

static inline uint32_t *bench_dma(struct bench_prog *p, uint32_t op,
	uint32_t dram, uint32_t part, uint32_t addr, const int *c,
	const int *ds, const int *ps, const int *ss)
{
	uint32_t *w = bench_cmd(p, op);

	bench_dma_fields(w, dram, part, addr, c, ds, ps, ss);
	return w;
}

/* A 2-D DMA: "rows" partitions from "part", "len" bytes each at "addr",
 * DRAM rows "pitch" apart from "dram".
 */
static inline uint32_t *bench_dma2(struct bench_prog *p, uint32_t op,
	uint32_t dram, uint32_t part, uint32_t addr, int rows, int len,
	int pitch)
{
	int c[4] = { len, rows, 1, 1 }, ds[4] = { 1, pitch, 0, 0 };
	int ps[4] = { 0, 1, 0, 0 }, ss[4] = { 1, 0, 0, 0 };

	return bench_dma(p, op, dram, part, addr, c, ds, ps, ss);
}

static inline int bench_counter(atoll_hwsim *h, int i, uint64_t *v)
{
	uint32_t lo, hi;

	if (atoll_hwsim_csr_read(h, ATOLL_CSR_COUNTERS + 8 * i, &lo) ||
	    atoll_hwsim_csr_read(h, ATOLL_CSR_COUNTERS + 8 * i + 4, &hi))
		return -1;
	*v = (uint64_t) hi << 32 | lo;
	return 0;
}

/* Store "p" at "base", run it with window [win_lo, win_hi) and the given
 * CMD_COUNT, read status, error and counters into "r".
 */
static inline int bench_run_ex(atoll_hwsim *h, const struct bench_prog *p,
	uint32_t base, uint32_t count, uint32_t win_lo, uint32_t win_hi,
	uint64_t budget, struct bench_result *r)
{
	uint8_t buf[ATOLL_CMD_BYTES];
	int i, j, k;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < p->n; i++) {
		for (j = 0; j < ATOLL_CMD_WORDS; j++)
			for (k = 0; k < 4; k++)
				buf[4 * j + k] = (uint8_t) (p->w[i][j] >> (8 * k));
		if (atoll_hwsim_mem_write(h, base + ATOLL_CMD_BYTES * i, buf,
		    sizeof(buf)))
			return -1;
	}
	if (atoll_hwsim_csr_write(h, ATOLL_CSR_CMD_BASE, base) ||
	    atoll_hwsim_csr_write(h, ATOLL_CSR_CMD_COUNT, count) ||
	    atoll_hwsim_csr_write(h, ATOLL_CSR_WIN_LO, win_lo) ||
	    atoll_hwsim_csr_write(h, ATOLL_CSR_WIN_HI, win_hi) ||
	    atoll_hwsim_csr_write(h, ATOLL_CSR_CTRL, 1))
		return -1;
	r->status = atoll_hwsim_run(h, budget, &r->cycles);
	if (atoll_hwsim_csr_read(h, ATOLL_CSR_ERROR, &r->error))
		return -1;
	for (i = 0; i < ATOLL_CNT_COUNT; i++)
		if (bench_counter(h, i, &r->cnt[i]))
			return -1;
	return 0;
}

/* Run "p" from address 0x1000 with the whole memory as window. */
static inline int bench_run(atoll_hwsim *h, const struct bench_prog *p,
	struct bench_result *r)
{
	return bench_run_ex(h, p, 0x1000, (uint32_t) p->n, 0, BENCH_DRAM,
		2000000, r);
}

/* Deterministic pseudo-random numbers (xorshift32). */
static inline uint32_t bench_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static inline int bench_rand_range(uint32_t *s, int lo, int hi)
{
	return lo + (int) (bench_rand(s) % (uint32_t) (hi - lo + 1));
}

static inline void bench_fill_random(atoll_hwsim *h, uint32_t addr,
	size_t len, uint32_t seed)
{
	uint8_t *b = malloc(len);
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t) bench_rand(&seed);
	atoll_hwsim_mem_write(h, addr, b, len);
	free(b);
}

#endif
