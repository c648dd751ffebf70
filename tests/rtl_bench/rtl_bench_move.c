/* RTL bench: MOVE on the DMA-out engine (4-D patterns on both sides,
 * partition strides, negative strides, dimension 0 contiguous in one
 * partition at any alignment, which the RTL moves in chunks of up to an
 * SPM word) against a C reference of docs/isa.md written here and
 * against the functional model (host/refmodel.c), its faults (nothing
 * written), and a MOVE running while DMA_IN and ACT use other SPM
 * regions of the same partitions.  SPM is loaded by DMA_IN and read back
 * by DMA_OUT.
 */
#include "bench.h"
#include "refmodel.h"

#define SRC_LO	0x10000u
#define OUT_LO	0x80000u
#define REGION	4096

struct move_pat {
	uint32_t part[2], addr[2];
	int c[4];
	int ps[2][4], ss[2][4];
};

static uint32_t *bench_move(struct bench_prog *p, const struct move_pat *m)
{
	uint32_t *w = bench_cmd(p, ATOLL_OP_MOVE);

	ATOLL_SET(w, ATOLL_MOVE_SRC_PART, m->part[0]);
	ATOLL_SET(w, ATOLL_MOVE_SRC_ADDR, m->addr[0]);
	ATOLL_SET(w, ATOLL_MOVE_DST_PART, m->part[1]);
	ATOLL_SET(w, ATOLL_MOVE_DST_ADDR, m->addr[1]);
	ATOLL_SET(w, ATOLL_MOVE_COUNT0, m->c[0]);
	ATOLL_SET(w, ATOLL_MOVE_COUNT1, m->c[1]);
	ATOLL_SET(w, ATOLL_MOVE_COUNT2, m->c[2]);
	ATOLL_SET(w, ATOLL_MOVE_COUNT3, m->c[3]);
	ATOLL_SET(w, ATOLL_MOVE_SRC_PSTRIDE0, m->ps[0][0]);
	ATOLL_SET(w, ATOLL_MOVE_SRC_PSTRIDE1, m->ps[0][1]);
	ATOLL_SET(w, ATOLL_MOVE_SRC_PSTRIDE2, m->ps[0][2]);
	ATOLL_SET(w, ATOLL_MOVE_SRC_PSTRIDE3, m->ps[0][3]);
	ATOLL_SET(w, ATOLL_MOVE_SRC_STRIDE0, m->ss[0][0]);
	ATOLL_SET(w, ATOLL_MOVE_SRC_STRIDE1, m->ss[0][1]);
	ATOLL_SET(w, ATOLL_MOVE_SRC_STRIDE2, m->ss[0][2]);
	ATOLL_SET(w, ATOLL_MOVE_SRC_STRIDE3, m->ss[0][3]);
	ATOLL_SET(w, ATOLL_MOVE_DST_PSTRIDE0, m->ps[1][0]);
	ATOLL_SET(w, ATOLL_MOVE_DST_PSTRIDE1, m->ps[1][1]);
	ATOLL_SET(w, ATOLL_MOVE_DST_PSTRIDE2, m->ps[1][2]);
	ATOLL_SET(w, ATOLL_MOVE_DST_PSTRIDE3, m->ps[1][3]);
	ATOLL_SET(w, ATOLL_MOVE_DST_STRIDE0, m->ss[1][0]);
	ATOLL_SET(w, ATOLL_MOVE_DST_STRIDE1, m->ss[1][1]);
	ATOLL_SET(w, ATOLL_MOVE_DST_STRIDE2, m->ss[1][2]);
	ATOLL_SET(w, ATOLL_MOVE_DST_STRIDE3, m->ss[1][3]);
	return w;
}

/* MOVE of docs/isa.md on "spm" (ROWS x REGION bytes); returns N.  With
 * "chunks", adds the chunks the RTL moves it in (rtl/atoll_move.sv): one
 * per element, or, dimension 0 contiguous in one partition on both
 * sides, one more at every row start and wherever the source or the
 * destination address starts an SPM word.
 */
static int64_t ref_move(uint8_t *spm, const struct move_pat *m,
	int64_t *chunks)
{
	int64_t i[4], sp, sa, dp, da;
	int d, wide = ATOLL_CFG_DRAM_BUS_BYTES > 1 && m->ps[0][0] == 0 &&
		m->ps[1][0] == 0 && m->ss[0][0] == 1 && m->ss[1][0] == 1;

	for (i[3] = 0; i[3] < m->c[3]; i[3]++)
	for (i[2] = 0; i[2] < m->c[2]; i[2]++)
	for (i[1] = 0; i[1] < m->c[1]; i[1]++)
	for (i[0] = 0; i[0] < m->c[0]; i[0]++) {
		sp = m->part[0];
		sa = m->addr[0];
		dp = m->part[1];
		da = m->addr[1];
		for (d = 0; d < 4; d++) {
			sp += i[d] * m->ps[0][d];
			sa += i[d] * m->ss[0][d];
			dp += i[d] * m->ps[1][d];
			da += i[d] * m->ss[1][d];
		}
		spm[dp * REGION + da] = spm[sp * REGION + sa];
		if (chunks)
			*chunks += !wide || i[0] == 0 ||
				sa % ATOLL_CFG_DRAM_BUS_BYTES == 0 ||
				da % ATOLL_CFG_DRAM_BUS_BYTES == 0;
	}
	return (int64_t) m->c[0] * m->c[1] * m->c[2] * m->c[3];
}

/* [lo, hi] of a pattern from 0 with counts "c" and strides "s". */
static void pat_range(const int *c, const int *s, int64_t *lo, int64_t *hi)
{
	int d;

	*lo = *hi = 0;
	for (d = 0; d < 4; d++) {
		int64_t t = (int64_t) (c[d] - 1) * s[d];

		*lo += t < 0 ? t : 0;
		*hi += t > 0 ? t : 0;
	}
}

/* A base placing the pattern inside [a, b], or -1. */
static int64_t pat_place(uint32_t *seed, const int *c, const int *s,
	int64_t a, int64_t b)
{
	int64_t lo, hi;

	pat_range(c, s, &lo, &hi);
	if (a - lo > b - hi)
		return -1;
	return a - lo + (int64_t) (bench_rand(seed) %
		(uint32_t) (b - hi - (a - lo) + 1));
}

/* A random MOVE: source in addresses [0, 1024), destination in
 * [1024, REGION) (disjoint by address), or both anywhere in
 * [0, REGION) on disjoint partition ranges.  Half of them have
 * dimension 0 contiguous in one partition on both sides (up to 70
 * bytes, so runs within a word and across several), at random
 * alignments on either side.
 */
static void random_move(uint32_t *seed, struct move_pat *m)
{
	int64_t v[4], plo, phi;
	int d, k, bypart, run;

	for (;;) {
		bypart = bench_rand(seed) % 3 == 0;
		run = bench_rand(seed) % 2;
		for (d = 0; d < 4; d++) {
			m->c[d] = d == 0 ? bench_rand_range(seed, 1,
				run ? 70 : 40) :
				bench_rand_range(seed, 1, d == 1 ? 8 : 3);
			for (k = 0; k < 2; k++) {
				m->ps[k][d] = bench_rand(seed) % 2 ? 0 :
					bench_rand_range(seed, -2, 2);
				m->ss[k][d] = bench_rand_range(seed, -40, 40);
				if (run && d == 0) {
					m->ps[k][d] = 0;
					m->ss[k][d] = 1;
				}
			}
		}
		v[0] = pat_place(seed, m->c, m->ps[0], 0, ROWS - 1);
		v[1] = pat_place(seed, m->c, m->ss[0], 0,
			bypart ? REGION - 1 : 1023);
		if (v[0] < 0 || v[1] < 0)
			continue;
		pat_range(m->c, m->ps[0], &plo, &phi);
		plo += v[0];
		phi += v[0];
		if (bypart)
			v[2] = plo > 0 && bench_rand(seed) % 2 ?
				pat_place(seed, m->c, m->ps[1], 0, plo - 1) :
				phi + 1 < ROWS ? pat_place(seed, m->c,
				m->ps[1], phi + 1, ROWS - 1) : -1;
		else
			v[2] = pat_place(seed, m->c, m->ps[1], 0, ROWS - 1);
		v[3] = pat_place(seed, m->c, m->ss[1], bypart ? 0 : 1024,
			REGION - 1);
		if (v[2] >= 0 && v[3] >= 0)
			break;
	}
	m->part[0] = (uint32_t) v[0];
	m->addr[0] = (uint32_t) v[1];
	m->part[1] = (uint32_t) v[2];
	m->addr[1] = (uint32_t) v[3];
}

/* Load partitions 0..ROWS-1, addresses [0, REGION) from DRAM SRC_LO
 * (row p at SRC_LO + p * REGION) into "spm" and the SPM.
 */
static void load_region(struct bench_prog *p, atoll_hwsim *h, uint8_t *spm)
{
	bench_dma2(p, ATOLL_OP_DMA_IN, SRC_LO, 0, 0, ROWS, REGION, REGION);
	atoll_hwsim_mem_read(h, SRC_LO, spm, (size_t) ROWS * REGION);
}

/* DMA_OUT of partitions 0..ROWS-1, addresses [addr, addr + REGION) to
 * OUT_LO and comparison with "want".
 */
static int check_region(atoll_hwsim *h, struct bench_prog *p, uint32_t addr,
	const uint8_t *want, const char *what)
{
	struct bench_result r;
	uint8_t *got = malloc((size_t) ROWS * REGION);
	int k;

	CHECK(got);
	p->n = 0;
	bench_dma2(p, ATOLL_OP_DMA_OUT, OUT_LO, 0, addr, ROWS, REGION, REGION);
	bench_end(p);
	CHECK(bench_run(h, p, &r) == 0 && r.status == ATOLL_HWSIM_DONE);
	CHECK(atoll_hwsim_mem_read(h, OUT_LO, got, (size_t) ROWS * REGION) ==
		0);
	for (k = 0; k < ROWS * REGION; k++)
		CHECKF(got[k] == want[k], "%s: SPM[%d][%d] = %02x, want %02x",
			what, k / REGION, (int) addr + k % REGION, got[k],
			want[k]);
	free(got);
	return 0;
}

/* Run "p" on the functional model from the DRAM contents of "h" (the
 * program stored at 0x1000, as bench_run does); its SPM, partitions
 * 0..ROWS-1, addresses [0, REGION), into "spm", its counters into "cnt".
 */
static int ref_run(atoll_hwsim *h, const struct bench_prog *p, uint8_t *spm,
	uint64_t *cnt)
{
	atoll_hwcfg cfg;
	atoll_ref *ref;
	atoll_run_params rp;
	atoll_run_status rs;
	uint8_t *d;
	int i, j, k;

	bench_config(&cfg, BENCH_DRAM);
	ref = atoll_ref_create(&cfg);
	CHECK(ref);
	d = atoll_ref_dram(ref);
	CHECK(atoll_hwsim_mem_read(h, 0, d, BENCH_DRAM) == 0);
	for (i = 0; i < p->n; i++)
		for (j = 0; j < ATOLL_CMD_WORDS; j++)
			for (k = 0; k < 4; k++)
				d[0x1000 + 64 * i + 4 * j + k] =
					(uint8_t) (p->w[i][j] >> (8 * k));
	memset(&rp, 0, sizeof(rp));
	rp.cmd_base = 0x1000;
	rp.cmd_count = (uint32_t) p->n;
	rp.win_hi = BENCH_DRAM;
	CHECKF(atoll_ref_run(ref, &rp, &rs) == 0, "ref error %u at %u",
		rs.error, rs.error_cmd);
	for (k = 0; k < ROWS; k++)
		memcpy(spm + k * REGION, atoll_ref_spm(ref) + k * SPMB, REGION);
	memcpy(cnt, rs.counters, ATOLL_CNT_COUNT * sizeof(*cnt));
	atoll_ref_free(ref);
	return 0;
}

/* Random MOVEs one after the other on the DMA-out engine (each reads
 * what the ones before wrote), after a DMA_IN it waits for: byte-exact
 * SPM against the C reference above and against the functional model,
 * SPM counters in bytes, no DMA command counted for a MOVE,
 * busy_dma_out = chunks + 3 per MOVE.
 */
static int move_random(void)
{
	atoll_hwsim *h = bench_sim();
	struct bench_prog p = { 0 };
	struct bench_result r;
	struct move_pat m;
	uint8_t *spm = malloc((size_t) ROWS * REGION);
	uint8_t *fm = malloc((size_t) ROWS * REGION);
	uint64_t cnt[ATOLL_CNT_COUNT];
	uint32_t seed = 0x5eed1234u;
	int64_t n = 0, chunks = 0;
	int k, runs = 0;

	CHECK(h && spm && fm);
	bench_fill_random(h, SRC_LO, (uint32_t) ROWS * REGION, 7);
	load_region(&p, h, spm);
	bench_sem(&p, ATOLL_OP_SIGNAL, 0, 0, 0);
	bench_sem(&p, ATOLL_OP_WAIT, 1, 0, 1);
	for (k = 0; k < 60; k++) {
		random_move(&seed, &m);
		bench_move(&p, &m);
		n += ref_move(spm, &m, &chunks);
		runs += m.ss[0][0] == 1 && m.ss[1][0] == 1 &&
			m.ps[0][0] == 0 && m.ps[1][0] == 0 && m.c[0] > 1;
	}
	bench_end(&p);
	CHECKF(runs >= 20 && chunks < n, "%d contiguous runs, %lld chunks of "
		"%lld bytes", runs, (long long) chunks, (long long) n);
	if (ref_run(h, &p, fm, cnt))
		return 1;
	CHECK(bench_run(h, &p, &r) == 0 && r.status == ATOLL_HWSIM_DONE);
	CHECKF(r.cnt[ATOLL_CNT_SPM_RD] == (uint64_t) n &&
		r.cnt[ATOLL_CNT_SPM_WR] == (uint64_t) (n + ROWS * REGION),
		"spm rd %llu wr %llu, n %lld",
		(unsigned long long) r.cnt[ATOLL_CNT_SPM_RD],
		(unsigned long long) r.cnt[ATOLL_CNT_SPM_WR], (long long) n);
	CHECK(r.cnt[ATOLL_CNT_SPM_RD] == cnt[ATOLL_CNT_SPM_RD] &&
		r.cnt[ATOLL_CNT_SPM_WR] == cnt[ATOLL_CNT_SPM_WR]);
	CHECK(r.cnt[ATOLL_CNT_DMA_CMDS] == 1 &&
		r.cnt[ATOLL_CNT_DRAM_WR] == 0);
	CHECKF(r.cnt[ATOLL_CNT_BUSY_DMAOUT] == (uint64_t) chunks + 3 * 60,
		"busy_dma_out %llu, %lld chunks",
		(unsigned long long) r.cnt[ATOLL_CNT_BUSY_DMAOUT],
		(long long) chunks);
	CHECK(memcmp(fm, spm, (size_t) ROWS * REGION) == 0);
	if (check_region(h, &p, 0, fm, "move_random"))
		return 1;
	free(spm);
	free(fm);
	atoll_hwsim_free(h);
	return 0;
}

/* A transpose across partitions with negative strides:
 * SPM[ROWS - 1 - i0][3000 - i1] = SPM[i1][100 + i0], i0 < 8, i1 < ROWS.
 */
static int move_transpose(void)
{
	atoll_hwsim *h = bench_sim();
	struct bench_prog p = { 0 };
	struct bench_result r;
	struct move_pat m = { { 0, ROWS - 1 }, { 100, 3000 },
		{ 8, ROWS, 1, 1 },
		{ { 0, 1, 0, 0 }, { -1, 0, 0, 0 } },
		{ { 1, 0, 0, 0 }, { 0, -1, 0, 0 } } };
	uint8_t *spm = malloc((size_t) ROWS * REGION);

	CHECK(h && spm);
	bench_fill_random(h, SRC_LO, (uint32_t) ROWS * REGION, 9);
	load_region(&p, h, spm);
	bench_sem(&p, ATOLL_OP_SIGNAL, 0, 0, 0);
	bench_sem(&p, ATOLL_OP_WAIT, 1, 0, 1);
	bench_move(&p, &m);
	ref_move(spm, &m, NULL);
	bench_end(&p);
	CHECK(bench_run(h, &p, &r) == 0 && r.status == ATOLL_HWSIM_DONE);
	if (check_region(h, &p, 0, spm, "move_transpose"))
		return 1;
	free(spm);
	atoll_hwsim_free(h);
	return 0;
}

/* Faults at decode, in the documented order; the SPM keeps its
 * contents (the faulting MOVE wrote nothing).
 */
static int move_faults(void)
{
	static const struct {
		uint32_t sp, sa, dp, da;
		int c0, c1, sps1, dps1, ss0, ds0;
		uint32_t err;
	} t[] = {
		/* count 0, before the range checks */
		{ ROWS, 0, 0, 64, 8, 0, 0, 0, 1, 1, ATOLL_ERR_BAD_FIELD },
		/* source partitions below 0, before the overlap */
		{ 0, 0, 0, 4, 8, 2, -1, 0, 1, 1, ATOLL_ERR_SPM_RANGE },
		/* source addresses past the end */
		{ 0, ATOLL_CFG_SPM_BYTES - 7, 1, 0, 8, 1, 0, 0, 1, 1,
		  ATOLL_ERR_SPM_RANGE },
		/* destination partitions past ROWS */
		{ 0, 0, ROWS - 1, 64, 8, 2, 0, 1, 1, 1, ATOLL_ERR_SPM_RANGE },
		/* destination addresses below 0 */
		{ 0, 0, 1, 3, 8, 1, 0, 0, 1, -1, ATOLL_ERR_SPM_RANGE },
		/* boxes overlap: even and odd addresses of one partition */
		{ 0, 0, 0, 1, 8, 1, 0, 0, 2, 2, ATOLL_ERR_BAD_FIELD },
		/* boxes overlap in partitions and in one address */
		{ 0, 0, 1, 7, 8, 4, 2, 2, 1, 1, ATOLL_ERR_BAD_FIELD },
	};
	uint8_t *spm = malloc((size_t) ROWS * REGION);
	unsigned k;

	CHECK(spm);
	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		atoll_hwsim *h = bench_sim();
		struct bench_prog p = { 0 };
		struct bench_result r;
		struct move_pat m = { { t[k].sp, t[k].dp }, { t[k].sa, t[k].da },
			{ t[k].c0, t[k].c1, 1, 1 },
			{ { 0, t[k].sps1, 0, 0 }, { 0, t[k].dps1, 0, 0 } },
			{ { t[k].ss0, 0, 0, 0 }, { t[k].ds0, 0, 0, 0 } } };

		CHECK(h);
		bench_fill_random(h, SRC_LO, (uint32_t) ROWS * REGION, 3 + k);
		load_region(&p, h, spm);
		bench_end(&p);
		CHECK(bench_run(h, &p, &r) == 0 &&
			r.status == ATOLL_HWSIM_DONE);
		p.n = 0;
		bench_sem(&p, ATOLL_OP_SIGNAL, 0, 0, 0);
		bench_move(&p, &m);
		bench_end(&p);
		CHECK(bench_run(h, &p, &r) == 0);
		CHECKF(r.status == ATOLL_HWSIM_ERROR, "case %u status %d", k,
			r.status);
		CHECKF(r.error == (1u << 8 | t[k].err), "case %u error %x", k,
			r.error);
		CHECK(r.cnt[ATOLL_CNT_SPM_RD] == 0 &&
			r.cnt[ATOLL_CNT_SPM_WR] == 0);
		if (check_region(h, &p, 0, spm, "move_faults"))
			return 1;
		atoll_hwsim_free(h);
	}
	free(spm);
	return 0;
}

/* ACT int8 -> int8 copy (MULT 1, SHIFT 0, full clamp) of all partitions:
 * "n1" rows of 64 bytes from "src" to "dst".
 */
static void act_copy(struct bench_prog *p, uint32_t src, uint32_t dst,
	int n1)
{
	uint32_t *w = bench_cmd(p, ATOLL_OP_ACT);

	ATOLL_SET(w, ATOLL_ACT_SRC_TYPE, 3);
	ATOLL_SET(w, ATOLL_ACT_DST_TYPE, 1);
	ATOLL_SET(w, ATOLL_ACT_NPARTS, ROWS);
	ATOLL_SET(w, ATOLL_ACT_SRC_ADDR, src);
	ATOLL_SET(w, ATOLL_ACT_DST_ADDR, dst);
	ATOLL_SET(w, ATOLL_ACT_N0, 64);
	ATOLL_SET(w, ATOLL_ACT_N1, n1);
	ATOLL_SET(w, ATOLL_ACT_SS0, 1);
	ATOLL_SET(w, ATOLL_ACT_SS1, 64);
	ATOLL_SET(w, ATOLL_ACT_DS0, 1);
	ATOLL_SET(w, ATOLL_ACT_DS1, 64);
	ATOLL_SET(w, ATOLL_ACT_MULT, 1);
	ATOLL_SET(w, ATOLL_ACT_CMIN, (uint32_t) -128);
	ATOLL_SET(w, ATOLL_ACT_CMAX, 127);
}

/* One long MOVE (addresses [0, 1024) to [1024, 3072), across
 * partitions) while DMA_IN writes [3072, 4096) of every partition and
 * ACT copies [REGION, REGION + 1024) to [REGION + 2048, REGION + 3072):
 * the engines contend for the SPM ports of the same partitions, the
 * results are those of any order.
 */
static int move_concurrent(void)
{
	atoll_hwsim *h = bench_sim();
	struct bench_prog p = { 0 };
	struct bench_result r;
	struct move_pat m = { { 0, ROWS - 1 }, { 0, 1024 },
		{ 256, ROWS / 2, 2, 1 },
		{ { 0, 1, ROWS / 2, 0 }, { 0, -1, -ROWS / 2, 0 } },
		{ { 1, 256, 0, 0 }, { 1, 0, 1024, 0 } } };
	uint8_t *spm = malloc((size_t) ROWS * REGION);
	uint8_t *act = malloc((size_t) ROWS * REGION);
	int k;

	CHECK(h && spm && act);
	bench_fill_random(h, SRC_LO, (uint32_t) ROWS * REGION * 3, 21);
	load_region(&p, h, spm);
	bench_dma2(&p, ATOLL_OP_DMA_IN, SRC_LO + ROWS * REGION, 0, REGION,
		ROWS, REGION, REGION);
	atoll_hwsim_mem_read(h, SRC_LO + ROWS * REGION, act,
		(size_t) ROWS * REGION);
	bench_sem(&p, ATOLL_OP_SIGNAL, 0, 0, 0);
	bench_sem(&p, ATOLL_OP_WAIT, 1, 0, 1);
	bench_sem(&p, ATOLL_OP_WAIT, 3, 0, 1);
	bench_move(&p, &m);
	act_copy(&p, REGION, REGION + 2048, 16);
	bench_dma2(&p, ATOLL_OP_DMA_IN, SRC_LO + 2 * ROWS * REGION, 0, 3072,
		ROWS, 1024, REGION);
	bench_end(&p);
	ref_move(spm, &m, NULL);
	for (k = 0; k < ROWS; k++) {
		atoll_hwsim_mem_read(h, SRC_LO + 2 * ROWS * REGION +
			(uint32_t) k * REGION, spm + k * REGION + 3072, 1024);
		memcpy(act + k * REGION + 2048, act + k * REGION, 1024);
	}
	CHECK(bench_run(h, &p, &r) == 0 && r.status == ATOLL_HWSIM_DONE);
	CHECK(r.cnt[ATOLL_CNT_BUSY_DMAOUT] > 0 &&
		r.cnt[ATOLL_CNT_BUSY_ACT] > 0);
	if (check_region(h, &p, 0, spm, "move_concurrent, MOVE and DMA_IN") ||
	    check_region(h, &p, REGION, act, "move_concurrent, ACT"))
		return 1;
	free(spm);
	free(act);
	atoll_hwsim_free(h);
	return 0;
}

static const struct test_case tests[] = {
	{ "move_random", move_random },
	{ "move_transpose", move_transpose },
	{ "move_faults", move_faults },
	{ "move_concurrent", move_concurrent },
};

TEST_MAIN(tests)
