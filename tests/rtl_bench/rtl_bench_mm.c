/* RTL bench: LDW + MM on the PE array (implicit im2col with padding,
 * strides, accumulation, partial NROWS / NCOLS, signed and unsigned),
 * read back through ACT (PSUM -> SPM int32) and DMA_OUT, against a C
 * reference of docs/isa.md, with exact counters.
 */
#include "bench.h"

#define IN_DRAM		0x10000u
#define OUT_DRAM	0x80000u
#define W_ADDR		0x100u
#define ZP_ADDR		0x200u
#define X_ADDR		0x400u
#define OUT_ADDR	0x2000u

struct mm_case {
	int nrows, ncols, sgn;
	int wzp, xzp, zp_part;
	int h, w, pitch;
	int y0, x0, sy, sx, n0, n1, ps0, ps1;
	int taps;		/* MMs accumulating with (dy, dx) = (t / 2, t % 2) */
	uint32_t seed;
};

struct mm_ref {
	int32_t psum[COLS][2048];
	int wt[ROWS][COLS];
	uint64_t cnt[ATOLL_CNT_COUNT];
};

static int val(uint8_t b, int sgn)
{
	return sgn ? (int8_t) b : b;
}

/* Inputs: weights w[r][c], zero points zp[c], image x[r][y][x]. */
struct mm_in {
	uint8_t w[ROWS][COLS];
	uint8_t zp[COLS];
	uint8_t x[ROWS][16][16];
};

static void ref_ldw(struct mm_ref *m, const struct mm_case *t,
	const struct mm_in *in)
{
	int r, c;

	for (r = 0; r < ROWS; r++)
		for (c = 0; c < COLS; c++)
			m->wt[r][c] = r < t->nrows && c < t->ncols ?
				val(in->w[r][c], t->sgn) -
				val(in->zp[c], t->sgn) : 0;
	m->cnt[ATOLL_CNT_SPM_RD] += (uint64_t) (t->nrows * t->ncols +
		t->ncols);
}

static void ref_mm(struct mm_ref *m, const struct mm_case *t,
	const struct mm_in *in, int dy, int dx, int acc, int base)
{
	int i0, i1, r, c, y, x, pa, a[ROWS];
	int64_t s;

	for (i1 = 0; i1 < t->n1; i1++)
		for (i0 = 0; i0 < t->n0; i0++) {
			y = t->y0 + dy + i1 * t->sy;
			x = t->x0 + dx + i0 * t->sx;
			int inside = y >= 0 && y < t->h && x >= 0 && x < t->w;
			for (r = 0; r < t->nrows; r++)
				a[r] = inside ? val(in->x[r][y][x], t->sgn) -
					val((uint8_t) t->xzp, t->sgn) : 0;
			if (inside)
				m->cnt[ATOLL_CNT_SPM_RD] += (uint64_t) t->nrows;
			pa = base + i1 * t->ps1 + i0 * t->ps0;
			for (c = 0; c < t->ncols; c++) {
				s = 0;
				for (r = 0; r < t->nrows; r++)
					s += a[r] * m->wt[r][c];
				m->psum[c][pa] = (int32_t) (uint32_t) ((acc ?
					(int64_t) m->psum[c][pa] : 0) + s);
			}
		}
	m->cnt[ATOLL_CNT_MACS] += (uint64_t) (t->nrows * t->ncols * t->n0 *
		t->n1);
	m->cnt[ATOLL_CNT_PSUM_WR] += (uint64_t) (4 * t->ncols * t->n0 * t->n1);
	if (acc)
		m->cnt[ATOLL_CNT_PSUM_RD] += (uint64_t) (4 * t->ncols * t->n0 *
			t->n1);
}

static int pa_range(const struct mm_case *t, int *lo, int *hi)
{
	int a = (t->n0 - 1) * t->ps0, b = (t->n1 - 1) * t->ps1;

	*lo = (a < 0 ? a : 0) + (b < 0 ? b : 0);
	*hi = (a > 0 ? a : 0) + (b > 0 ? b : 0);
	return *hi - *lo + 1;
}

static int run_case(const struct mm_case *t)
{
	atoll_hwsim *h = bench_sim();
	struct bench_prog p = { 0 };
	struct bench_result r;
	struct mm_ref *m = calloc(1, sizeof(*m));
	struct mm_in in;
	uint32_t seed = t->seed, *w;
	int lo, hi, len, base, k, c, i, y, x;
	uint8_t *img = malloc(ROWS * 16 * 16), *got;

	CHECK(h && m && img);
	for (k = 0; k < ROWS; k++)
		for (c = 0; c < COLS; c++)
			in.w[k][c] = (uint8_t) bench_rand(&seed);
	for (c = 0; c < COLS; c++)
		in.zp[c] = (uint8_t) (bench_rand(&seed) % 3 ? (uint32_t) t->wzp :
			bench_rand(&seed));
	for (k = 0; k < ROWS; k++)
		for (y = 0; y < 16; y++)
			for (x = 0; x < 16; x++)
				in.x[k][y][x] = (uint8_t) bench_rand(&seed);
	len = pa_range(t, &lo, &hi);
	base = -lo + 3;
	/* DRAM: weights (ROWS x COLS), zero points, images (ROWS x 16 x 16) */
	CHECK(atoll_hwsim_mem_write(h, IN_DRAM, in.w, sizeof(in.w)) == 0);
	CHECK(atoll_hwsim_mem_write(h, IN_DRAM + 0x100, in.zp,
		sizeof(in.zp)) == 0);
	CHECK(atoll_hwsim_mem_write(h, IN_DRAM + 0x200, in.x,
		sizeof(in.x)) == 0);

	bench_dma2(&p, ATOLL_OP_DMA_IN, IN_DRAM, 0, W_ADDR, ROWS, COLS, COLS);
	bench_dma2(&p, ATOLL_OP_DMA_IN, IN_DRAM + 0x100, (uint32_t) t->zp_part,
		ZP_ADDR, 1, COLS, 0);
	{
		int cc[4] = { t->w, t->h, ROWS, 1 };
		int ds[4] = { 1, 16, 256, 0 }, ps[4] = { 0, 0, 1, 0 };
		int ss[4] = { 1, t->pitch, 0, 0 };

		bench_dma(&p, ATOLL_OP_DMA_IN, IN_DRAM + 0x200, 0, X_ADDR,
			cc, ds, ps, ss);
	}
	bench_sem(&p, ATOLL_OP_SIGNAL, 0, 0, 0);
	bench_sem(&p, ATOLL_OP_WAIT, 2, 0, 1);
	w = bench_cmd(&p, ATOLL_OP_LDW);
	ATOLL_SET(w, ATOLL_LDW_W_SIGNED, t->sgn);
	ATOLL_SET(w, ATOLL_LDW_NROWS, t->nrows);
	ATOLL_SET(w, ATOLL_LDW_NCOLS, t->ncols);
	ATOLL_SET(w, ATOLL_LDW_W_ADDR, W_ADDR);
	ATOLL_SET(w, ATOLL_LDW_W_PART, 0);
	ATOLL_SET(w, ATOLL_LDW_ZP_ADDR, ZP_ADDR);
	ATOLL_SET(w, ATOLL_LDW_ZP_PART, t->zp_part);
	for (k = 0; k < t->taps; k++) {
		w = bench_cmd(&p, ATOLL_OP_MM);
		ATOLL_SET(w, ATOLL_MM_X_SIGNED, t->sgn);
		ATOLL_SET(w, ATOLL_MM_ACC, k > 0);
		ATOLL_SET(w, ATOLL_MM_NROWS, t->nrows);
		ATOLL_SET(w, ATOLL_MM_NCOLS, t->ncols);
		ATOLL_SET(w, ATOLL_MM_X_ADDR, X_ADDR);
		ATOLL_SET(w, ATOLL_MM_X_PART, 0);
		ATOLL_SET(w, ATOLL_MM_X_ZP, t->xzp);
		ATOLL_SET(w, ATOLL_MM_PITCH, t->pitch);
		ATOLL_SET(w, ATOLL_MM_H, t->h);
		ATOLL_SET(w, ATOLL_MM_W, t->w);
		ATOLL_SET(w, ATOLL_MM_Y0, t->y0 + k / 2);
		ATOLL_SET(w, ATOLL_MM_X0, t->x0 + k % 2);
		ATOLL_SET(w, ATOLL_MM_SY, t->sy);
		ATOLL_SET(w, ATOLL_MM_SX, t->sx);
		ATOLL_SET(w, ATOLL_MM_N0, t->n0);
		ATOLL_SET(w, ATOLL_MM_N1, t->n1);
		ATOLL_SET(w, ATOLL_MM_PSUM_ADDR, base);
		ATOLL_SET(w, ATOLL_MM_PS0, t->ps0);
		ATOLL_SET(w, ATOLL_MM_PS1, t->ps1);
	}
	bench_sem(&p, ATOLL_OP_SIGNAL, 2, 1, 0);
	bench_sem(&p, ATOLL_OP_WAIT, 3, 1, 1);
	/* PSUM[c][base+lo .. base+hi] -> SPM[c][OUT_ADDR..] as int32 */
	w = bench_cmd(&p, ATOLL_OP_ACT);
	ATOLL_SET(w, ATOLL_ACT_SRC_TYPE, 0);
	ATOLL_SET(w, ATOLL_ACT_DST_TYPE, 2);
	ATOLL_SET(w, ATOLL_ACT_NPARTS, t->ncols);
	ATOLL_SET(w, ATOLL_ACT_SRC_ADDR, base + lo);
	ATOLL_SET(w, ATOLL_ACT_SRC_PART, 0);
	ATOLL_SET(w, ATOLL_ACT_DST_PART, 0);
	ATOLL_SET(w, ATOLL_ACT_DST_ADDR, OUT_ADDR);
	ATOLL_SET(w, ATOLL_ACT_N0, len);
	ATOLL_SET(w, ATOLL_ACT_N1, 1);
	ATOLL_SET(w, ATOLL_ACT_SS0, 1);
	ATOLL_SET(w, ATOLL_ACT_DS0, 1);
	ATOLL_SET(w, ATOLL_ACT_MULT, 1);
	bench_sem(&p, ATOLL_OP_SIGNAL, 3, 2, 0);
	bench_sem(&p, ATOLL_OP_WAIT, 1, 2, 1);
	bench_dma2(&p, ATOLL_OP_DMA_OUT, OUT_DRAM, 0, OUT_ADDR, t->ncols,
		4 * len, 4 * len);
	bench_end(&p);

	/* reference */
	m->cnt[ATOLL_CNT_DMA_CMDS] = 4;
	m->cnt[ATOLL_CNT_DRAM_RD] = ROWS * COLS + COLS +
		(uint64_t) (ROWS * t->h * t->w);
	m->cnt[ATOLL_CNT_SPM_WR] = m->cnt[ATOLL_CNT_DRAM_RD];
	ref_ldw(m, t, &in);
	for (k = 0; k < t->taps; k++)
		ref_mm(m, t, &in, k / 2, k % 2, k > 0, base);
	m->cnt[ATOLL_CNT_PSUM_RD] += (uint64_t) (4 * t->ncols * len);
	m->cnt[ATOLL_CNT_SPM_WR] += (uint64_t) (4 * t->ncols * len);
	m->cnt[ATOLL_CNT_SPM_RD] += (uint64_t) (4 * t->ncols * len);
	m->cnt[ATOLL_CNT_DRAM_WR] = (uint64_t) (4 * t->ncols * len);
	m->cnt[ATOLL_CNT_CMD_FETCH] = 64 * (uint64_t) p.n;

	CHECK(bench_run(h, &p, &r) == 0);
	CHECKF(r.status == ATOLL_HWSIM_DONE, "status %d error %x", r.status,
		r.error);
	got = malloc((size_t) (4 * t->ncols * len));
	CHECK(got);
	CHECK(atoll_hwsim_mem_read(h, OUT_DRAM, got,
		(size_t) (4 * t->ncols * len)) == 0);
	for (c = 0; c < t->ncols; c++)
		for (i = 0; i < len; i++) {
			const uint8_t *q = got + 4 * (c * len + i);
			int32_t v = (int32_t) ((uint32_t) q[0] |
				(uint32_t) q[1] << 8 | (uint32_t) q[2] << 16 |
				(uint32_t) q[3] << 24);

			CHECKF(v == m->psum[c][base + lo + i],
				"psum[%d][%d] = %d, want %d", c, base + lo + i,
				v, m->psum[c][base + lo + i]);
		}
	for (i = 1; i < ATOLL_CNT_BUSY_DMAIN; i++)
		CHECKF(r.cnt[i] == m->cnt[i], "counter %d = %llu, want %llu",
			i, (unsigned long long) r.cnt[i],
			(unsigned long long) m->cnt[i]);
	if (getenv("ATOLL_BENCH_VERBOSE"))
		printf("  %d x %d, %d positions x %d taps: %llu cycles, "
			"busy_pe %llu\n", t->nrows, t->ncols, t->n0 * t->n1,
			t->taps, (unsigned long long) r.cnt[ATOLL_CNT_CYCLES],
			(unsigned long long) r.cnt[ATOLL_CNT_BUSY_PE]);
	free(got);
	free(img);
	free(m);
	atoll_hwsim_free(h);
	return 0;
}

/* A 3x3 "same" convolution over an 8x8 image: 4 taps of the kernel's
 * top-left 2x2 with padding 1, every row and column of the array.
 */
static int mm_conv_full(void)
{
	struct mm_case t = { ROWS, COLS, 0, 128, 128, 0, 8, 8, 8,
		-1, -1, 1, 1, 8, 8, 1, 8, 4, 1 };

	return run_case(&t);
}

static int mm_signed_partial(void)
{
	struct mm_case t = { 5, 3, 1, -3, 7, 6, 6, 7, 9,
		-2, -1, 2, 1, 5, 4, 1, 5, 2, 2 };

	return run_case(&t);
}

/* ACC = 0 into overlapping PSUM addresses (PS1 = 0): the last row of
 * positions wins; and a single position.
 */
static int mm_overlap(void)
{
	struct mm_case t = { 8, 8, 1, 0, -128, 1, 5, 5, 5,
		0, 0, 1, 1, 5, 5, 1, 0, 1, 3 };
	struct mm_case u = { 1, 1, 0, 0, 0, 0, 1, 1, 1,
		0, 0, 1, 1, 1, 1, 0, 0, 1, 4 };

	if (run_case(&t))
		return 1;
	return run_case(&u);
}

/* Accumulation into one address (PS0 = PS1 = 0): forwarding in the
 * PSUM read-modify-write pipeline.
 */
static int mm_accumulate_same(void)
{
	struct mm_case t = { 8, 8, 0, 3, 200, 2, 4, 4, 4,
		0, 0, 1, 1, 4, 4, 0, 0, 3, 5 };

	return run_case(&t);
}

/* Negative strides and positions entirely outside the image. */
static int mm_negative(void)
{
	struct mm_case t = { 7, 8, 1, 5, -2, 3, 6, 6, 6,
		7, 8, -1, -2, 9, 9, -1, -9, 2, 6 };

	return run_case(&t);
}

static int mm_random(void)
{
	uint32_t s = 99;
	int k;

	for (k = 0; k < 12; k++) {
		struct mm_case t;

		t.nrows = bench_rand_range(&s, 1, ROWS);
		t.ncols = bench_rand_range(&s, 1, COLS);
		t.sgn = (int) (bench_rand(&s) & 1);
		t.wzp = bench_rand_range(&s, -128, 255);
		t.xzp = bench_rand_range(&s, 0, 255);
		t.zp_part = bench_rand_range(&s, 0, ROWS - 1);
		t.h = bench_rand_range(&s, 1, 12);
		t.w = bench_rand_range(&s, 1, 12);
		t.pitch = t.w + bench_rand_range(&s, 0, 3);
		t.y0 = bench_rand_range(&s, -2, 1);
		t.x0 = bench_rand_range(&s, -2, 1);
		t.sy = bench_rand_range(&s, 1, 2);
		t.sx = bench_rand_range(&s, 1, 2);
		t.n0 = bench_rand_range(&s, 1, 10);
		t.n1 = bench_rand_range(&s, 1, 10);
		t.ps0 = 1;
		t.ps1 = t.n0;
		t.taps = bench_rand_range(&s, 1, 4);
		t.seed = bench_rand(&s) | 1;
		if (run_case(&t)) {
			fprintf(stderr, "  random case %d\n", k);
			return 1;
		}
	}
	return 0;
}

static const struct test_case tests[] = {
	{ "mm_conv_full", mm_conv_full },
	{ "mm_signed_partial", mm_signed_partial },
	{ "mm_overlap", mm_overlap },
	{ "mm_accumulate_same", mm_accumulate_same },
	{ "mm_negative", mm_negative },
	{ "mm_random", mm_random },
};

TEST_MAIN(tests)
