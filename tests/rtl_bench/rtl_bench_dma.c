/* RTL bench: the DMA engines (4-D patterns on both sides, fill,
 * overlapping writes, window and range faults) against a C reference of
 * docs/isa.md, with exact counters.
 */
#include "bench.h"

#define SRC_LO	0x10000u
#define SRC_HI	0x30000u
#define DST_LO	0x40000u
#define DST_HI	0x60000u

struct ref {
	uint8_t *dram;
	uint8_t *spm;
	uint64_t cnt[ATOLL_CNT_COUNT];
};

static int ref_init(struct ref *m, atoll_hwsim *h)
{
	m->dram = malloc(BENCH_DRAM);
	m->spm = calloc((size_t) ROWS, (size_t) SPMB);
	memset(m->cnt, 0, sizeof(m->cnt));
	if (!m->dram || !m->spm)
		return -1;
	return atoll_hwsim_mem_read(h, 0, m->dram, BENCH_DRAM);
}

static void ref_free(struct ref *m)
{
	free(m->dram);
	free(m->spm);
}

/* DMA_IN / DMA_OUT of docs/isa.md on the reference state. */
static void ref_dma(struct ref *m, const uint32_t *w)
{
	int64_t c[4], ds[4], ps[4], ss[4], i[4], dram, part, addr;
	int out = ATOLL_GETU(w, ATOLL_DMA_OPCODE) == ATOLL_OP_DMA_OUT;
	int fill = (int) ATOLL_GETU(w, ATOLL_DMA_FILL_EN);
	uint8_t fv = (uint8_t) ATOLL_GETU(w, ATOLL_DMA_FILL_VALUE), *s;
	uint64_t n;

	c[0] = ATOLL_GETU(w, ATOLL_DMA_COUNT0);
	c[1] = ATOLL_GETU(w, ATOLL_DMA_COUNT1);
	c[2] = ATOLL_GETU(w, ATOLL_DMA_COUNT2);
	c[3] = ATOLL_GETU(w, ATOLL_DMA_COUNT3);
	ds[0] = ATOLL_GETS(w, ATOLL_DMA_DRAM_STRIDE0);
	ds[1] = ATOLL_GETS(w, ATOLL_DMA_DRAM_STRIDE1);
	ds[2] = ATOLL_GETS(w, ATOLL_DMA_DRAM_STRIDE2);
	ds[3] = ATOLL_GETS(w, ATOLL_DMA_DRAM_STRIDE3);
	ps[0] = ATOLL_GETS(w, ATOLL_DMA_PART_STRIDE0);
	ps[1] = ATOLL_GETS(w, ATOLL_DMA_PART_STRIDE1);
	ps[2] = ATOLL_GETS(w, ATOLL_DMA_PART_STRIDE2);
	ps[3] = ATOLL_GETS(w, ATOLL_DMA_PART_STRIDE3);
	ss[0] = ATOLL_GETS(w, ATOLL_DMA_SPM_STRIDE0);
	ss[1] = ATOLL_GETS(w, ATOLL_DMA_SPM_STRIDE1);
	ss[2] = ATOLL_GETS(w, ATOLL_DMA_SPM_STRIDE2);
	ss[3] = ATOLL_GETS(w, ATOLL_DMA_SPM_STRIDE3);
	for (i[3] = 0; i[3] < c[3]; i[3]++)
	for (i[2] = 0; i[2] < c[2]; i[2]++)
	for (i[1] = 0; i[1] < c[1]; i[1]++)
	for (i[0] = 0; i[0] < c[0]; i[0]++) {
		dram = ATOLL_GETU(w, ATOLL_DMA_DRAM_BASE);
		part = ATOLL_GETU(w, ATOLL_DMA_SPM_PART);
		addr = ATOLL_GETU(w, ATOLL_DMA_SPM_ADDR);
		for (int d = 0; d < 4; d++) {
			dram += i[d] * ds[d];
			part += i[d] * ps[d];
			addr += i[d] * ss[d];
		}
		s = &m->spm[part * SPMB + addr];
		if (out)
			m->dram[dram] = fill ? fv : *s;
		else
			*s = fill ? fv : m->dram[dram];
	}
	n = (uint64_t) (c[0] * c[1] * c[2] * c[3]);
	m->cnt[ATOLL_CNT_DMA_CMDS]++;
	m->cnt[out ? ATOLL_CNT_DRAM_WR : ATOLL_CNT_SPM_WR] += n;
	if (!fill)
		m->cnt[out ? ATOLL_CNT_SPM_RD : ATOLL_CNT_DRAM_RD] += n;
}

/* Pattern range [lo, hi] offsets of counts "c" and strides "s". */
static void range(const int *c, const int *s, int64_t *lo, int64_t *hi)
{
	int d;

	*lo = *hi = 0;
	for (d = 0; d < 4; d++) {
		int64_t t = (int64_t) (c[d] - 1) * s[d];

		*lo += t < 0 ? t : 0;
		*hi += t > 0 ? t : 0;
	}
}

/* A base placing the pattern inside [lo_lim, hi_lim), or -1. */
static int64_t place(uint32_t *seed, const int *c, const int *s,
	int64_t lo_lim, int64_t hi_lim)
{
	int64_t lo, hi, a, b;

	range(c, s, &lo, &hi);
	a = lo_lim - lo;
	b = hi_lim - 1 - hi;
	if (a > b)
		return -1;
	return a + (int64_t) (bench_rand(seed) % (uint32_t) (b - a + 1));
}

/* Dimension 0 of a random DMA: "wide" 0 any strides, 1 a chunked
 * pattern (DRAM stride 1 and SPM stride 1 in one partition, or partition
 * stride 1 at one SPM address), odd and even counts alike.
 */
static void random_dim0(uint32_t *seed, int wide, int *c, int *ds, int *ps,
	int *ss)
{
	if (wide && bench_rand(seed) % 2) {
		*c = bench_rand_range(seed, 1, ROWS);
		*ds = 1;
		*ps = 1;
		*ss = 0;
		return;
	}
	*c = bench_rand_range(seed, 1, 48);
	if (wide) {
		*ds = 1;
		*ps = 0;
		*ss = 1;
		return;
	}
	*ds = bench_rand(seed) % 3 ? 1 : bench_rand_range(seed, -9, 9);
	*ss = bench_rand(seed) % 3 ? 1 : bench_rand_range(seed, -9, 9);
	*ps = bench_rand(seed) % 4 ? 0 : bench_rand_range(seed, -1, 1);
}

/* A random DMA command of "op" with DRAM side in [dlo, dhi). */
static void random_dma(struct bench_prog *p, uint32_t *seed, uint32_t op,
	uint32_t dlo, uint32_t dhi, int fill, int wide)
{
	int c[4], ds[4], ps[4], ss[4], d;
	int64_t dram, part, addr;
	uint32_t *w;

	for (;;) {
		random_dim0(seed, wide, &c[0], &ds[0], &ps[0], &ss[0]);
		for (d = 1; d < 4; d++)
			c[d] = bench_rand_range(seed, 1, d == 1 ? 6 : 3);
		for (d = 1; d < 4; d++) {
			ds[d] = bench_rand_range(seed, -300, 300);
			ss[d] = bench_rand_range(seed, -300, 300);
			ps[d] = bench_rand_range(seed, -2, 2);
		}
		dram = place(seed, c, ds, dlo, dhi);
		part = place(seed, c, ps, 0, ROWS);
		addr = place(seed, c, ss, 0, 4096);
		if (dram >= 0 && part >= 0 && addr >= 0)
			break;
	}
	w = bench_dma(p, op, (uint32_t) dram, (uint32_t) part,
		(uint32_t) addr, c, ds, ps, ss);
	if (fill) {
		ATOLL_SET(w, ATOLL_DMA_FILL_EN, 1);
		ATOLL_SET(w, ATOLL_DMA_FILL_VALUE, bench_rand(seed));
	}
}

static int compare(atoll_hwsim *h, const struct ref *m,
	const struct bench_result *r, uint32_t lo, uint32_t hi)
{
	uint8_t *got = malloc(hi - lo);
	uint32_t a;
	int i;

	CHECK(got);
	CHECK(atoll_hwsim_mem_read(h, lo, got, hi - lo) == 0);
	for (a = lo; a < hi; a++)
		CHECKF(got[a - lo] == m->dram[a], "dram[%#x] = %02x, want %02x",
			a, got[a - lo], m->dram[a]);
	free(got);
	for (i = 1; i < ATOLL_CNT_COUNT; i++) {
		if (i >= ATOLL_CNT_BUSY_DMAIN)
			continue;
		CHECKF(r->cnt[i] == m->cnt[i], "counter %d = %llu, want %llu",
			i, (unsigned long long) r->cnt[i],
			(unsigned long long) m->cnt[i]);
	}
	return 0;
}

/* In-engine ordering through semaphores: DMA_IN k, SIGNAL, DMA_OUT k
 * waits for it, SIGNAL, DMA_IN k+1 waits for that.
 */
static int run_random(uint32_t seed, int iters, int latency, int bpc,
	int fill_mod, int wide)
{
	atoll_hwsim *h = atoll_hwsim_create(getenv("ATOLL_TRACE"), BENCH_DRAM,
		latency, bpc);
	struct bench_prog p = { 0 };
	struct bench_result r;
	struct ref m;
	int k;

	CHECK(h);
	bench_fill_random(h, SRC_LO, SRC_HI - SRC_LO, seed);
	CHECK(ref_init(&m, h) == 0);
	for (k = 0; k < iters; k++) {
		random_dma(&p, &seed, ATOLL_OP_DMA_IN, SRC_LO, SRC_HI,
			fill_mod && k % fill_mod == 1, wide);
		bench_sem(&p, ATOLL_OP_SIGNAL, 0, 0, 0);
		bench_sem(&p, ATOLL_OP_WAIT, 1, 0, (uint32_t) k + 1);
		random_dma(&p, &seed, ATOLL_OP_DMA_OUT, DST_LO, DST_HI,
			fill_mod && k % fill_mod == 2, wide);
		bench_sem(&p, ATOLL_OP_SIGNAL, 1, 1, 0);
		bench_sem(&p, ATOLL_OP_WAIT, 0, 1, (uint32_t) k + 1);
	}
	bench_end(&p);
	for (k = 0; k < p.n; k++)
		if (ATOLL_GETU(p.w[k], ATOLL_END_OPCODE) == ATOLL_OP_DMA_IN ||
		    ATOLL_GETU(p.w[k], ATOLL_END_OPCODE) == ATOLL_OP_DMA_OUT)
			ref_dma(&m, p.w[k]);
	m.cnt[ATOLL_CNT_CMD_FETCH] = 64 * (uint64_t) p.n;
	CHECK(bench_run(h, &p, &r) == 0);
	CHECKF(r.status == ATOLL_HWSIM_DONE, "status %d error %x", r.status,
		r.error);
	CHECK(compare(h, &m, &r, DST_LO, DST_HI) == 0);
	CHECK(atoll_hwsim_mem_faults(h) == 0);
	ref_free(&m);
	atoll_hwsim_free(h);
	return 0;
}

static int dma_roundtrip(void)
{
	atoll_hwsim *h = bench_sim();
	struct bench_prog p = { 0 };
	struct bench_result r;
	uint8_t a[8 * 100], b[8 * 100];

	CHECK(h);
	bench_fill_random(h, SRC_LO, sizeof(a), 7);
	bench_dma2(&p, ATOLL_OP_DMA_IN, SRC_LO, 0, 16, 8, 100, 100);
	bench_sem(&p, ATOLL_OP_SIGNAL, 0, 0, 0);
	bench_sem(&p, ATOLL_OP_WAIT, 1, 0, 1);
	bench_dma2(&p, ATOLL_OP_DMA_OUT, DST_LO + 3, 0, 16, 8, 100, 100);
	bench_end(&p);
	CHECK(bench_run(h, &p, &r) == 0);
	CHECKF(r.status == ATOLL_HWSIM_DONE, "status %d error %x", r.status,
		r.error);
	CHECK(atoll_hwsim_mem_read(h, SRC_LO, a, sizeof(a)) == 0);
	CHECK(atoll_hwsim_mem_read(h, DST_LO + 3, b, sizeof(b)) == 0);
	CHECK(memcmp(a, b, sizeof(a)) == 0);
	CHECK(r.cnt[ATOLL_CNT_DRAM_RD] == 800);
	CHECK(r.cnt[ATOLL_CNT_DRAM_WR] == 800);
	CHECK(r.cnt[ATOLL_CNT_SPM_RD] == 800);
	CHECK(r.cnt[ATOLL_CNT_SPM_WR] == 800);
	CHECK(r.cnt[ATOLL_CNT_DMA_CMDS] == 2);
	CHECK(r.cnt[ATOLL_CNT_CMD_FETCH] == 5 * 64);
	printf("  roundtrip of 800 bytes: %llu cycles\n",
		(unsigned long long) r.cnt[ATOLL_CNT_CYCLES]);
	atoll_hwsim_free(h);
	return 0;
}

static int dma_random(void)
{
	return run_random(11, 40, 8, 8, 0, 0);
}

static int dma_random_fill(void)
{
	return run_random(23, 30, 8, 8, 3, 0);
}

static int dma_random_slow_memory(void)
{
	return run_random(5, 12, 60, 3, 4, 0);
}

/* Chunked (wide) patterns: random bases, so chunks start aligned and
 * unaligned, with odd and even row lengths, both chunk kinds.
 */
static int dma_random_wide(void)
{
	return run_random(31, 60, 8, 8, 0, 1);
}

static int dma_random_wide_fill(void)
{
	return run_random(37, 40, 8, 8, 3, 1);
}

static int dma_random_wide_slow_memory(void)
{
	return run_random(41, 16, 60, 3, 4, 1);
}

/* Every start lane and length 1 .. 2 * BUS + 1 of both chunk kinds:
 * DMA_IN to SPM, DMA_OUT back to DRAM at another lane, byte for byte
 * against the reference; bytes next to the written ones keep their
 * contents (strobes), and the cycle count shows one chunk per cycle.
 */
static int dma_wide_lanes(void)
{
	const int bus = ATOLL_CFG_DRAM_BUS_BYTES;
	atoll_hwsim *h = bench_sim();
	struct bench_prog p = { 0 };
	struct bench_result r;
	struct ref m;
	int c[4], ds[4] = { 1, 0, 0, 0 }, ps[4], ss[4] = { 0, 0, 0, 0 };
	int lane, len, kind, k, n = 0;
	uint32_t off = 0;

	CHECK(h);
	bench_fill_random(h, SRC_LO, SRC_HI - SRC_LO, 3);
	bench_fill_random(h, DST_LO, DST_HI - DST_LO, 4);
	CHECK(ref_init(&m, h) == 0);
	for (kind = 0; kind < 2; kind++)
	for (lane = 0; lane < bus; lane++)
	for (len = 1; len <= (kind ? ROWS : 2 * bus + 1); len++) {
		c[0] = len;
		c[1] = c[2] = c[3] = 1;
		ps[0] = kind;
		ss[0] = !kind;
		ps[1] = ps[2] = ps[3] = 0;
		off += 64;
		bench_dma(&p, ATOLL_OP_DMA_IN, SRC_LO + off + (uint32_t) lane,
			0, 100 + (uint32_t) (lane + len), c, ds, ps, ss);
		bench_sem(&p, ATOLL_OP_SIGNAL, 0, 0, 0);
		bench_sem(&p, ATOLL_OP_WAIT, 1, 0, (uint32_t) ++n);
		bench_dma(&p, ATOLL_OP_DMA_OUT,
			DST_LO + off + (uint32_t) ((lane + len) % bus), 0,
			100 + (uint32_t) (lane + len), c, ds, ps, ss);
		bench_sem(&p, ATOLL_OP_SIGNAL, 1, 1, 0);
		bench_sem(&p, ATOLL_OP_WAIT, 0, 1, (uint32_t) n);
		if (p.n > BENCH_MAXCMD - 8) {
			bench_end(&p);
			for (k = 0; k < p.n; k++)
				if (ATOLL_GETU(p.w[k], ATOLL_END_OPCODE) ==
				    ATOLL_OP_DMA_IN ||
				    ATOLL_GETU(p.w[k], ATOLL_END_OPCODE) ==
				    ATOLL_OP_DMA_OUT)
					ref_dma(&m, p.w[k]);
			m.cnt[ATOLL_CNT_CMD_FETCH] += 64 * (uint64_t) p.n;
			CHECK(bench_run(h, &p, &r) == 0);
			CHECKF(r.status == ATOLL_HWSIM_DONE, "status %d",
				r.status);
			CHECK(compare(h, &m, &r, DST_LO, DST_HI) == 0);
			memset(m.cnt, 0, sizeof(m.cnt));
			p.n = 0;
			n = 0;
		}
	}
	bench_end(&p);
	for (k = 0; k < p.n; k++)
		if (ATOLL_GETU(p.w[k], ATOLL_END_OPCODE) == ATOLL_OP_DMA_IN ||
		    ATOLL_GETU(p.w[k], ATOLL_END_OPCODE) == ATOLL_OP_DMA_OUT)
			ref_dma(&m, p.w[k]);
	m.cnt[ATOLL_CNT_CMD_FETCH] += 64 * (uint64_t) p.n;
	CHECK(bench_run(h, &p, &r) == 0);
	CHECKF(r.status == ATOLL_HWSIM_DONE, "status %d", r.status);
	CHECK(compare(h, &m, &r, DST_LO, DST_HI) == 0);
	CHECK(atoll_hwsim_mem_faults(h) == 0);
	ref_free(&m);
	atoll_hwsim_free(h);
	return 0;
}

/* Busy cycles of one DMA alone: a contiguous row of 8 * BUS bytes moves
 * one bus word per cycle (DMA_OUT: chunks + 5 + latency; here the
 * latency is 8), a strided one one byte per cycle.
 */
static int dma_wide_rate(void)
{
	const int bus = ATOLL_CFG_DRAM_BUS_BYTES;
	static const struct {
		int ps0, ss0, ds0, c0;
	} t[] = {
		{ 0, 1, 1, 0 },		/* lanes: 8 chunks */
		{ 1, 0, 1, 0 },		/* partitions: c0 = ROWS */
		{ 0, 2, 1, 0 },		/* SPM stride 2: one byte per cycle */
	};
	unsigned k;

	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		atoll_hwsim *h = bench_sim();
		struct bench_prog p = { 0 };
		struct bench_result r;
		int c[4] = { t[k].c0 ? t[k].c0 : (t[k].ps0 ? ROWS : 8 * bus),
			1, 1, 1 };
		int ds[4] = { t[k].ds0, 0, 0, 0 }, ps[4] = { t[k].ps0, 0, 0, 0 };
		int ss[4] = { t[k].ss0, 0, 0, 0 };
		uint64_t want, chunks;

		CHECK(h);
		bench_dma(&p, ATOLL_OP_DMA_OUT, DST_LO, 0, 0, c, ds, ps, ss);
		bench_end(&p);
		CHECK(bench_run(h, &p, &r) == 0);
		CHECKF(r.status == ATOLL_HWSIM_DONE, "status %d", r.status);
		chunks = t[k].ss0 == 2 ? (uint64_t) c[0] :
			(uint64_t) (c[0] + bus - 1) / (uint64_t) bus;
		want = chunks + 5 + 8;
		CHECKF(r.cnt[ATOLL_CNT_BUSY_DMAOUT] == want,
			"case %u busy %llu, want %llu", k,
			(unsigned long long) r.cnt[ATOLL_CNT_BUSY_DMAOUT],
			(unsigned long long) want);
		CHECK(r.cnt[ATOLL_CNT_DRAM_WR] == (uint64_t) c[0]);
		CHECK(r.cnt[ATOLL_CNT_SPM_RD] == (uint64_t) c[0]);
		atoll_hwsim_free(h);
	}
	return 0;
}

/* A chunked DMA whose DRAM range crosses the window inside a bus word
 * faults before moving anything; one that ends exactly at WIN_HI (or
 * starts at WIN_LO) mid-word moves its bytes and leaves the rest of the
 * word, outside the window, alone.
 */
static int dma_wide_window(void)
{
	static const struct {
		uint32_t op, dram;
		int c0, ps0, ss0, fault;
	} t[] = {
		{ ATOLL_OP_DMA_OUT, DST_HI - 5, 7, 0, 1, 1 },
		{ ATOLL_OP_DMA_OUT, DST_HI - 3, 7, 1, 0, 1 },
		{ ATOLL_OP_DMA_IN, DST_LO - 2, 9, 0, 1, 1 },
		{ ATOLL_OP_DMA_IN, DST_LO - 1, 4, 1, 0, 1 },
		{ ATOLL_OP_DMA_OUT, DST_HI - 13, 13, 0, 1, 0 },
		{ ATOLL_OP_DMA_OUT, DST_HI - 3, 3, 1, 0, 0 },
		{ ATOLL_OP_DMA_IN, DST_LO, 11, 0, 1, 0 },
	};
	unsigned k;

	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		atoll_hwsim *h = bench_sim();
		struct bench_prog p = { 0 };
		struct bench_result r;
		int c[4] = { t[k].c0, 1, 1, 1 }, ds[4] = { 1, 0, 0, 0 };
		int ps[4] = { t[k].ps0, 0, 0, 0 }, ss[4] = { t[k].ss0, 0, 0, 0 };
		uint8_t before[64], after[64], lo_b[64], lo_a[64];

		CHECK(h);
		bench_fill_random(h, DST_HI - 32, 64, 9 + k);
		bench_fill_random(h, DST_LO - 32, 64, 19 + k);
		bench_sem(&p, ATOLL_OP_SIGNAL, 0, 0, 0);
		bench_dma(&p, t[k].op, t[k].dram, 0, 8, c, ds, ps, ss);
		bench_end(&p);
		CHECK(atoll_hwsim_mem_read(h, DST_HI - 32, before, 64) == 0);
		CHECK(atoll_hwsim_mem_read(h, DST_LO - 32, lo_b, 64) == 0);
		CHECK(bench_run_ex(h, &p, DST_LO + 0x8000, 4, DST_LO, DST_HI,
			100000, &r) == 0);
		CHECK(atoll_hwsim_mem_read(h, DST_HI - 32, after, 64) == 0);
		CHECK(atoll_hwsim_mem_read(h, DST_LO - 32, lo_a, 64) == 0);
		CHECK(memcmp(lo_b, lo_a, 64) == 0);
		if (t[k].fault) {
			CHECKF(r.status == ATOLL_HWSIM_ERROR,
				"case %u status %d", k, r.status);
			CHECKF(r.error == (1u << 8 | ATOLL_ERR_DRAM_WINDOW),
				"case %u error %x", k, r.error);
			CHECK(r.cnt[ATOLL_CNT_DMA_CMDS] == 0);
			CHECK(memcmp(before, after, 64) == 0);
		} else {
			CHECKF(r.status == ATOLL_HWSIM_DONE, "case %u status %d",
				k, r.status);
			CHECK(memcmp(before + 32, after + 32, 32) == 0);
			CHECK(r.cnt[ATOLL_CNT_DMA_CMDS] == 1);
			CHECK(r.cnt[t[k].op == ATOLL_OP_DMA_IN ?
				ATOLL_CNT_DRAM_RD : ATOLL_CNT_DRAM_WR] ==
				(uint64_t) c[0]);
		}
		atoll_hwsim_free(h);
	}
	return 0;
}

/* A faulting DMA writes nothing; the fault names the command. */
static int dma_faults(void)
{
	static const struct {
		uint32_t op, dram, part, addr;
		int c0, ds1, ps1, ss1;
		uint32_t err;
	} t[] = {
		/* DRAM range ends one byte past WIN_HI */
		{ ATOLL_OP_DMA_OUT, DST_HI - 10, 0, 0, 11, 0, 0, 0,
		  ATOLL_ERR_DRAM_WINDOW },
		/* negative stride below WIN_LO */
		{ ATOLL_OP_DMA_IN, DST_LO + 2, 0, 0, 2, -3, 0, 0,
		  ATOLL_ERR_DRAM_WINDOW },
		/* partitions past ROWS */
		{ ATOLL_OP_DMA_IN, DST_LO, ATOLL_CFG_ROWS - 1, 0, 1, 0, 1, 0,
		  ATOLL_ERR_SPM_RANGE },
		/* SPM address range negative */
		{ ATOLL_OP_DMA_OUT, DST_LO, 0, 0, 1, 0, 0, -1,
		  ATOLL_ERR_SPM_RANGE },
		/* SPM address past the end */
		{ ATOLL_OP_DMA_OUT, DST_LO, 0, ATOLL_CFG_SPM_BYTES - 1, 2, 0, 0,
		  0, ATOLL_ERR_SPM_RANGE },
		/* zero count */
		{ ATOLL_OP_DMA_OUT, DST_LO, 0, 0, 0, 0, 0, 0,
		  ATOLL_ERR_BAD_FIELD },
	};
	unsigned k;

	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		atoll_hwsim *h = bench_sim();
		struct bench_prog p = { 0 };
		struct bench_result r;
		int c[4] = { t[k].c0, 2, 1, 1 }, ds[4] = { 1, t[k].ds1, 0, 0 };
		int ps[4] = { 0, t[k].ps1, 0, 0 }, ss[4] = { 1, t[k].ss1, 0, 0 };
		uint8_t before[64], after[64];

		CHECK(h);
		bench_sem(&p, ATOLL_OP_SIGNAL, 0, 0, 0);
		bench_dma(&p, t[k].op, t[k].dram, t[k].part, t[k].addr, c, ds,
			ps, ss);
		bench_end(&p);
		CHECK(atoll_hwsim_mem_read(h, DST_HI - 32, before, 64) == 0);
		CHECK(bench_run_ex(h, &p, DST_LO + 0x8000, 3, DST_LO, DST_HI,
			100000, &r) == 0);
		CHECKF(r.status == ATOLL_HWSIM_ERROR, "case %u status %d", k,
			r.status);
		CHECKF(r.error == (1u << 8 | t[k].err), "case %u error %x", k,
			r.error);
		CHECK(r.cnt[ATOLL_CNT_DMA_CMDS] == 0);
		CHECK(atoll_hwsim_mem_read(h, DST_HI - 32, after, 64) == 0);
		CHECK(memcmp(before, after, 64) == 0);
		atoll_hwsim_free(h);
	}
	return 0;
}

/* With fill, the side that is not read is neither checked nor counted. */
static int dma_fill_unchecked(void)
{
	atoll_hwsim *h = bench_sim();
	struct bench_prog p = { 0 };
	struct bench_result r;
	uint32_t *w;
	uint8_t got[40];
	int c[4] = { 40, 1, 1, 1 }, ds[4] = { 1, 0, 0, 0 };
	int z[4] = { 0, 0, 0, 0 }, ss[4] = { 1, 0, 0, 0 }, i;

	CHECK(h);
	/* DMA_IN fill from a DRAM address outside the window */
	w = bench_dma(&p, ATOLL_OP_DMA_IN, 0xfffffff0u, 2, 100, c, ds, z, ss);
	ATOLL_SET(w, ATOLL_DMA_FILL_EN, 1);
	ATOLL_SET(w, ATOLL_DMA_FILL_VALUE, 0xa5);
	bench_sem(&p, ATOLL_OP_SIGNAL, 0, 0, 0);
	bench_sem(&p, ATOLL_OP_WAIT, 1, 0, 1);
	bench_dma(&p, ATOLL_OP_DMA_OUT, DST_LO, 2, 100, c, ds, z, ss);
	/* DMA_OUT fill from a partition that does not exist */
	w = bench_dma(&p, ATOLL_OP_DMA_OUT, DST_LO + 20, 999, 0, c, ds, z, ss);
	ATOLL_SET(w, ATOLL_DMA_COUNT0, 5);
	ATOLL_SET(w, ATOLL_DMA_FILL_EN, 1);
	ATOLL_SET(w, ATOLL_DMA_FILL_VALUE, 0x3c);
	bench_end(&p);
	CHECK(bench_run(h, &p, &r) == 0);
	CHECKF(r.status == ATOLL_HWSIM_DONE, "status %d error %x", r.status,
		r.error);
	CHECK(atoll_hwsim_mem_read(h, DST_LO, got, sizeof(got)) == 0);
	for (i = 0; i < 40; i++)
		CHECKF(got[i] == (i >= 20 && i < 25 ? 0x3c : 0xa5),
			"byte %d = %02x", i, got[i]);
	CHECK(r.cnt[ATOLL_CNT_DRAM_RD] == 0);
	CHECK(r.cnt[ATOLL_CNT_SPM_WR] == 40);
	CHECK(r.cnt[ATOLL_CNT_SPM_RD] == 40);
	CHECK(r.cnt[ATOLL_CNT_DRAM_WR] == 45);
	CHECK(r.cnt[ATOLL_CNT_DMA_CMDS] == 3);
	atoll_hwsim_free(h);
	return 0;
}

static const struct test_case tests[] = {
	{ "dma_roundtrip", dma_roundtrip },
	{ "dma_random", dma_random },
	{ "dma_random_fill", dma_random_fill },
	{ "dma_random_slow_memory", dma_random_slow_memory },
	{ "dma_random_wide", dma_random_wide },
	{ "dma_random_wide_fill", dma_random_wide_fill },
	{ "dma_random_wide_slow_memory", dma_random_wide_slow_memory },
	{ "dma_wide_lanes", dma_wide_lanes },
	{ "dma_wide_rate", dma_wide_rate },
	{ "dma_wide_window", dma_wide_window },
	{ "dma_faults", dma_faults },
	{ "dma_fill_unchecked", dma_fill_unchecked },
};

TEST_MAIN(tests)
