/* RTL bench: the CSR block and the command processor's fetch/decode
 * faults, through the hwsim API.
 */
#include <unistd.h>

#include "bench.h"

static int csr_ident(void)
{
	atoll_hwsim *h = bench_sim();
	uint32_t v;

	CHECK(h);
	CHECK(atoll_hwsim_csr_read(h, ATOLL_CSR_MAGIC, &v) == 0);
	CHECKF(v == 0x41544f4cu, "magic %08x", v);
	CHECK(atoll_hwsim_csr_read(h, ATOLL_CSR_CFG_ID, &v) == 0);
	CHECKF(v == ATOLL_CFG_ID, "cfg id %08x", v);
	CHECK(atoll_hwsim_csr_read(h, ATOLL_CSR_STATUS, &v) == 0);
	CHECKF(v == 0, "status %x", v);
	CHECK(atoll_hwsim_csr_read(h, 0x0fc, &v) == 0);
	CHECKF(v == 0, "unmapped %x", v);
	atoll_hwsim_free(h);
	return 0;
}

static int csr_rw(void)
{
	static const uint32_t regs[] = { ATOLL_CSR_CMD_BASE,
		ATOLL_CSR_CMD_COUNT, ATOLL_CSR_WIN_LO, ATOLL_CSR_WIN_HI };
	atoll_hwsim *h = bench_sim();
	uint32_t v;
	unsigned i;

	CHECK(h);
	for (i = 0; i < 4; i++)
		CHECK(atoll_hwsim_csr_write(h, regs[i], 0x1234500u + i) == 0);
	CHECK(atoll_hwsim_csr_write(h, ATOLL_CSR_MAGIC, 0) == 0);
	for (i = 0; i < 4; i++) {
		CHECK(atoll_hwsim_csr_read(h, regs[i], &v) == 0);
		CHECKF(v == 0x1234500u + i, "reg %x = %x", regs[i], v);
	}
	CHECK(atoll_hwsim_csr_read(h, ATOLL_CSR_MAGIC, &v) == 0);
	CHECK(v == 0x41544f4cu);
	atoll_hwsim_free(h);
	return 0;
}

/* END alone: done, one fetch counted, every other counter zero except
 * the cycle count.
 */
static int cp_end_only(void)
{
	atoll_hwsim *h = bench_sim();
	struct bench_prog p = { 0 };
	struct bench_result r;
	int i;

	CHECK(h);
	bench_end(&p);
	CHECK(bench_run(h, &p, &r) == 0);
	CHECKF(r.status == ATOLL_HWSIM_DONE, "status %d err %x", r.status,
		r.error);
	CHECK(r.error == 0);
	CHECK(r.cnt[ATOLL_CNT_CMD_FETCH] == 64);
	CHECK(r.cnt[ATOLL_CNT_CYCLES] > 0);
	for (i = 1; i < ATOLL_CNT_COUNT; i++)
		if (i != ATOLL_CNT_CMD_FETCH)
			CHECKF(r.cnt[i] == 0, "counter %d = %llu", i,
				(unsigned long long) r.cnt[i]);
	/* a second run starts from cleared counters */
	CHECK(bench_run(h, &p, &r) == 0);
	CHECK(r.status == ATOLL_HWSIM_DONE);
	CHECK(r.cnt[ATOLL_CNT_CMD_FETCH] == 64);
	atoll_hwsim_free(h);
	return 0;
}

/* Expect the stream "p" (run with count/window) to fault with "code" at
 * command "idx", having fetched "fetched" commands.
 */
static int expect_fault(const struct bench_prog *p, uint32_t base,
	uint32_t count, uint32_t lo, uint32_t hi, uint32_t code, uint32_t idx,
	uint64_t fetched)
{
	atoll_hwsim *h = bench_sim();
	struct bench_result r;
	uint32_t st;

	CHECK(h);
	CHECK(bench_run_ex(h, p, base, count, lo, hi, 100000, &r) == 0);
	CHECKF(r.status == ATOLL_HWSIM_ERROR, "status %d", r.status);
	CHECKF(r.error == (idx << 8 | code), "error %08x, want %08x",
		r.error, idx << 8 | code);
	CHECKF(r.cnt[ATOLL_CNT_CMD_FETCH] == 64 * fetched, "fetch %llu",
		(unsigned long long) r.cnt[ATOLL_CNT_CMD_FETCH]);
	CHECK(atoll_hwsim_csr_read(h, ATOLL_CSR_STATUS, &st) == 0);
	CHECKF(st == 4, "status csr %x", st);
	atoll_hwsim_free(h);
	return 0;
}

static int cp_no_end(void)
{
	struct bench_prog p = { 0 };

	bench_sem(&p, ATOLL_OP_SIGNAL, 0, 1, 0);
	bench_sem(&p, ATOLL_OP_SIGNAL, 1, 2, 0);
	if (expect_fault(&p, 0x1000, 2, 0, BENCH_DRAM, ATOLL_ERR_NO_END, 2, 2))
		return 1;
	return expect_fault(&p, 0x1000, 0, 0, BENCH_DRAM, ATOLL_ERR_NO_END,
		0, 0);
}

static int cp_fetch_window(void)
{
	struct bench_prog p = { 0 };

	bench_sem(&p, ATOLL_OP_SIGNAL, 0, 1, 0);
	bench_end(&p);
	/* the END at 0x1040 ends past WIN_HI = 0x1070 */
	if (expect_fault(&p, 0x1000, 2, 0x1000, 0x1070,
	    ATOLL_ERR_FETCH_WINDOW, 1, 1))
		return 1;
	/* the first command starts below WIN_LO */
	return expect_fault(&p, 0x1000, 2, 0x1001, BENCH_DRAM,
		ATOLL_ERR_FETCH_WINDOW, 0, 0);
}

static int cp_illegal(void)
{
	struct bench_prog p = { 0 };

	bench_sem(&p, ATOLL_OP_SIGNAL, 0, 1, 0);
	bench_cmd(&p, 0x00);
	bench_end(&p);
	if (expect_fault(&p, 0x1000, 3, 0, BENCH_DRAM, ATOLL_ERR_ILLEGAL_OP,
	    1, 2))
		return 1;
	p.w[1][0] = 0x0c;
	return expect_fault(&p, 0x1000, 3, 0, BENCH_DRAM,
		ATOLL_ERR_ILLEGAL_OP, 1, 2);
}

static int cp_reserved(void)
{
	struct bench_prog p = { 0 };

	bench_end(&p);
	p.w[0][15] = 0x80000000u;
	if (expect_fault(&p, 0x1000, 1, 0, BENCH_DRAM, ATOLL_ERR_RESERVED,
	    0, 1))
		return 1;
	p.n = 0;
	bench_sem(&p, ATOLL_OP_WAIT, 2, 3, 0);
	p.w[0][0] |= 1u << 10;
	return expect_fault(&p, 0x1000, 1, 0, BENCH_DRAM, ATOLL_ERR_RESERVED,
		0, 1);
}

static int cp_sem_checks(void)
{
	struct bench_prog p = { 0 };

	bench_sem(&p, ATOLL_OP_WAIT, 0, ATOLL_CFG_SEMAPHORES, 0);
	if (expect_fault(&p, 0x1000, 1, 0, BENCH_DRAM, ATOLL_ERR_SEM_RANGE,
	    0, 1))
		return 1;
	p.n = 0;
	bench_sem(&p, ATOLL_OP_SIGNAL, 0, 0, 1);
	if (expect_fault(&p, 0x1000, 1, 0, BENCH_DRAM, ATOLL_ERR_BAD_FIELD,
	    0, 1))
		return 1;
	/* SEM_RANGE is checked before BAD_FIELD */
	p.n = 0;
	bench_sem(&p, ATOLL_OP_SIGNAL, 0, 200, 1);
	return expect_fault(&p, 0x1000, 1, 0, BENCH_DRAM, ATOLL_ERR_SEM_RANGE,
		0, 1);
}

/* Unaligned command base: commands straddle bus words. */
static int cp_unaligned_base(void)
{
	atoll_hwsim *h = bench_sim();
	struct bench_prog p = { 0 };
	struct bench_result r;

	CHECK(h);
	bench_sem(&p, ATOLL_OP_SIGNAL, 3, 1, 0);
	bench_sem(&p, ATOLL_OP_WAIT, 2, 1, 1);
	bench_end(&p);
	CHECK(bench_run_ex(h, &p, 0x1003, 3, 0, BENCH_DRAM, 100000, &r) == 0);
	CHECKF(r.status == ATOLL_HWSIM_DONE, "status %d err %x", r.status,
		r.error);
	CHECK(r.cnt[ATOLL_CNT_CMD_FETCH] == 3 * 64);
	atoll_hwsim_free(h);
	return 0;
}

/* Two simulators in one process do not share state. */
static int hwsim_two(void)
{
	atoll_hwsim *a = bench_sim(), *b = bench_sim();
	struct bench_prog p = { 0 }, q = { 0 };
	struct bench_result ra, rb;

	CHECK(a && b);
	bench_end(&p);
	bench_cmd(&q, 0x00);
	CHECK(atoll_hwsim_csr_write(a, ATOLL_CSR_WIN_LO, 0x40) == 0);
	CHECK(bench_run(b, &q, &rb) == 0);
	CHECK(bench_run(a, &p, &ra) == 0);
	CHECK(ra.status == ATOLL_HWSIM_DONE);
	CHECK(rb.status == ATOLL_HWSIM_ERROR);
	CHECK(rb.error == ATOLL_ERR_ILLEGAL_OP);
	CHECK(atoll_hwsim_cycles(a) != atoll_hwsim_cycles(b));
	atoll_hwsim_free(a);
	atoll_hwsim_free(b);
	return 0;
}

/* Device-memory bounds, run budget without a start, FST trace file. */
static int hwsim_api(void)
{
	char path[] = "/tmp/atoll_hwsim_trace_XXXXXX";
	atoll_hwsim *h;
	uint8_t b[4] = { 1, 2, 3, 4 };
	uint64_t n;
	FILE *f;
	long len;
	int fd;

	fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	h = atoll_hwsim_create(path, 1024, 3, 4);
	CHECK(h);
	CHECK(atoll_hwsim_mem_write(h, 1020, b, 4) == 0);
	CHECK(atoll_hwsim_mem_write(h, 1021, b, 4) == -1);
	CHECK(atoll_hwsim_mem_read(h, 1020, b, 4) == 0 && b[3] == 4);
	CHECK(atoll_hwsim_run(h, 100, &n) == ATOLL_HWSIM_TIMEOUT);
	CHECK(n == 100);
	CHECK(atoll_hwsim_mem_faults(h) == 0);
	atoll_hwsim_free(h);
	f = fopen(path, "rb");
	CHECK(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fclose(f);
	unlink(path);
	CHECKF(len > 100, "trace of %ld bytes", len);
	return 0;
}

static const struct test_case tests[] = {
	{ "hwsim_two", hwsim_two },
	{ "hwsim_api", hwsim_api },
	{ "csr_ident", csr_ident },
	{ "csr_rw", csr_rw },
	{ "cp_end_only", cp_end_only },
	{ "cp_no_end", cp_no_end },
	{ "cp_fetch_window", cp_fetch_window },
	{ "cp_illegal", cp_illegal },
	{ "cp_reserved", cp_reserved },
	{ "cp_sem_checks", cp_sem_checks },
	{ "cp_unaligned_base", cp_unaligned_base },
};

TEST_MAIN(tests)
