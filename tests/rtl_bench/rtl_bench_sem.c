/* RTL bench: WAIT / SIGNAL between the four engines, queue back-pressure,
 * waits that never end (timeout), faults while engines wait.
 */
#include "bench.h"

/* semaphore numbers used below, valid for any SEMAPHORES >= 2 */
#define SEM_A	(ATOLL_CFG_SEMAPHORES - 1)
#define SEM_B	(ATOLL_CFG_SEMAPHORES - 2)

/* Each engine in turn waits for the previous one: a token goes round
 * the ring of engines "laps" times.
 */
static int sem_ring(void)
{
	atoll_hwsim *h = bench_sim();
	struct bench_prog p = { 0 };
	struct bench_result r;
	int lap, e, laps = 6;

	CHECK(h);
	for (lap = 0; lap < laps; lap++)
		for (e = 0; e < 4; e++) {
			if (lap || e)
				bench_sem(&p, ATOLL_OP_WAIT, e, (e + 3) % 4,
					(uint32_t) (lap + (e == 0 ? 0 : 1)));
			bench_sem(&p, ATOLL_OP_SIGNAL, e, e, 0);
		}
	/* every semaphore reached "laps" */
	for (e = 0; e < 4; e++)
		bench_sem(&p, ATOLL_OP_WAIT, 3 - e, e, (uint32_t) laps);
	bench_end(&p);
	CHECK(bench_run(h, &p, &r) == 0);
	CHECKF(r.status == ATOLL_HWSIM_DONE, "status %d error %x", r.status,
		r.error);
	CHECK(r.cnt[ATOLL_CNT_CMD_FETCH] == 64 * (uint64_t) p.n);
	atoll_hwsim_free(h);
	return 0;
}

/* A WAIT nobody satisfies: the run times out (the RTL has no deadlock
 * detection); STATUS stays busy and the waiting engine counts stalls.
 */
static int sem_never(void)
{
	atoll_hwsim *h = bench_sim();
	struct bench_prog p = { 0 };
	struct bench_result r;
	uint32_t st;
	uint64_t stall;

	CHECK(h);
	bench_sem(&p, ATOLL_OP_SIGNAL, 1, SEM_B, 0);
	bench_sem(&p, ATOLL_OP_WAIT, 2, SEM_B, 2);
	bench_end(&p);
	CHECK(bench_run_ex(h, &p, 0x1000, 3, 0, BENCH_DRAM, 3000, &r) == 0);
	CHECKF(r.status == ATOLL_HWSIM_TIMEOUT, "status %d", r.status);
	CHECK(atoll_hwsim_csr_read(h, ATOLL_CSR_STATUS, &st) == 0);
	CHECKF(st == 1, "status csr %x", st);
	CHECK(bench_counter(h, ATOLL_CNT_STALL_PE, &stall) == 0);
	CHECKF(stall > 2500, "stall_pe %llu", (unsigned long long) stall);
	atoll_hwsim_free(h);
	return 0;
}

/* Counters are monotonic: after two SIGNALs, WAITs for 0, 1 and 2 pass. */
static int sem_monotonic(void)
{
	atoll_hwsim *h = bench_sim();
	struct bench_prog p = { 0 };
	struct bench_result r;

	CHECK(h);
	bench_sem(&p, ATOLL_OP_SIGNAL, 3, SEM_A, 0);
	bench_sem(&p, ATOLL_OP_SIGNAL, 3, SEM_A, 0);
	bench_sem(&p, ATOLL_OP_WAIT, 0, SEM_A, 2);
	bench_sem(&p, ATOLL_OP_WAIT, 0, SEM_A, 1);
	bench_sem(&p, ATOLL_OP_WAIT, 0, SEM_A, 0);
	bench_sem(&p, ATOLL_OP_WAIT, 1, SEM_A, 2);
	bench_end(&p);
	CHECK(bench_run(h, &p, &r) == 0);
	CHECKF(r.status == ATOLL_HWSIM_DONE, "status %d error %x", r.status,
		r.error);
	/* a new run starts with cleared semaphores: the WAIT for 2 blocks */
	p.n = 0;
	bench_sem(&p, ATOLL_OP_WAIT, 0, SEM_A, 1);
	bench_end(&p);
	CHECK(bench_run_ex(h, &p, 0x1000, 2, 0, BENCH_DRAM, 2000, &r) == 0);
	CHECKF(r.status == ATOLL_HWSIM_TIMEOUT, "status %d", r.status);
	atoll_hwsim_free(h);
	return 0;
}

/* More commands for one engine than its queue holds, while the engine
 * is busy with a long DMA: the CP blocks on the full queue and resumes.
 * (16 KiB: since the DMA moves a bus word per cycle, 2 KiB no longer
 * outlasted the SIGNALs' fetches.)
 */
static int sem_queue_full(void)
{
	atoll_hwsim *h = bench_sim();
	struct bench_prog p = { 0 };
	struct bench_result r;
	int k, n = 3 * ATOLL_CFG_QUEUE_DEPTH;

	CHECK(h);
	bench_dma2(&p, ATOLL_OP_DMA_IN, 0x10000, 0, 0, 8, 2048, 2048);
	for (k = 0; k < n; k++)
		bench_sem(&p, ATOLL_OP_SIGNAL, 0, SEM_B, 0);
	bench_sem(&p, ATOLL_OP_WAIT, 3, SEM_B, (uint32_t) n);
	bench_sem(&p, ATOLL_OP_SIGNAL, 3, SEM_A, 0);
	bench_sem(&p, ATOLL_OP_WAIT, 1, SEM_A, 1);
	bench_end(&p);
	CHECK(bench_run(h, &p, &r) == 0);
	CHECKF(r.status == ATOLL_HWSIM_DONE, "status %d error %x", r.status,
		r.error);
	CHECK(r.cnt[ATOLL_CNT_SPM_WR] == 8 * 2048);
	CHECK(r.cnt[ATOLL_CNT_BUSY_DMAIN] >= 8 * 2048 /
		ATOLL_CFG_DRAM_BUS_BYTES);
	atoll_hwsim_free(h);
	return 0;
}

/* A fault while an engine waits forever: queued commands are dropped,
 * the core stops and reports the faulting command.
 */
static int sem_fault_while_waiting(void)
{
	atoll_hwsim *h = bench_sim();
	struct bench_prog p = { 0 };
	struct bench_result r;
	uint32_t st;

	CHECK(h);
	bench_sem(&p, ATOLL_OP_WAIT, 0, 1, 1);
	bench_sem(&p, ATOLL_OP_SIGNAL, 0, 2, 0);
	bench_dma2(&p, ATOLL_OP_DMA_IN, 0x10000, 0, 0, 8, 16, 16);
	bench_cmd(&p, 0xff);
	bench_end(&p);
	CHECK(bench_run(h, &p, &r) == 0);
	CHECKF(r.status == ATOLL_HWSIM_ERROR, "status %d", r.status);
	CHECKF(r.error == (3u << 8 | ATOLL_ERR_ILLEGAL_OP), "error %x",
		r.error);
	CHECK(r.cnt[ATOLL_CNT_SPM_WR] == 0);
	CHECK(atoll_hwsim_csr_read(h, ATOLL_CSR_STATUS, &st) == 0);
	CHECK(st == 4);
	/* the core can run again */
	p.n = 0;
	bench_end(&p);
	CHECK(bench_run(h, &p, &r) == 0);
	CHECKF(r.status == ATOLL_HWSIM_DONE, "status %d", r.status);
	atoll_hwsim_free(h);
	return 0;
}

/* Several engines signal one semaphore in the same cycles. */
static int sem_concurrent(void)
{
	atoll_hwsim *h = bench_sim();
	struct bench_prog p = { 0 };
	struct bench_result r;
	int k, e;

	CHECK(h);
	for (k = 0; k < 5; k++)
		for (e = 0; e < 3; e++)
			bench_sem(&p, ATOLL_OP_SIGNAL, e, SEM_B, 0);
	bench_sem(&p, ATOLL_OP_WAIT, 3, SEM_B, 15);
	bench_end(&p);
	CHECK(bench_run(h, &p, &r) == 0);
	CHECKF(r.status == ATOLL_HWSIM_DONE, "status %d error %x", r.status,
		r.error);
	p.n = 0;
	for (k = 0; k < 5; k++)
		for (e = 0; e < 3; e++)
			bench_sem(&p, ATOLL_OP_SIGNAL, e, SEM_B, 0);
	bench_sem(&p, ATOLL_OP_WAIT, 3, SEM_B, 16);
	bench_end(&p);
	CHECK(bench_run_ex(h, &p, 0x1000, (uint32_t) p.n, 0, BENCH_DRAM, 3000,
		&r) == 0);
	CHECKF(r.status == ATOLL_HWSIM_TIMEOUT, "status %d", r.status);
	atoll_hwsim_free(h);
	return 0;
}

static const struct test_case tests[] = {
	{ "sem_ring", sem_ring },
	{ "sem_never", sem_never },
	{ "sem_monotonic", sem_monotonic },
	{ "sem_queue_full", sem_queue_full },
	{ "sem_fault_while_waiting", sem_fault_while_waiting },
	{ "sem_concurrent", sem_concurrent },
};

TEST_MAIN(tests)
