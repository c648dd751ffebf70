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

/* Double-buffered weights: LDW / MM three times back to back, each LDW
 * with its own weights, zero points, shape and signedness, the MMs with
 * different NCOLS and ACC (tags travelling with the vectors).  Every
 * LDW loads the weight bank the MM before it does not use while that MM
 * drains; the third loads the bank of the first MM and must wait until
 * that MM's last vector left the array (the second MM is short).
 * The second LDW's zero points start inside an SPM word and cross
 * into the next one.
 */
struct db_ldw {
	int sgn, nrows, ncols, w_part, w_addr, zp_part, zp_addr;
};

struct db_mm {
	int sgn, acc, nrows, ncols, x_part, xzp;
	int y0, x0, sy, sx, n0, n1, pa, ps0, ps1;
};

#define DB_X_ADDR	128
#define DB_H		6
#define DB_W		6
#define DB_PSUM		64

static const struct db_ldw db_ldw[3] = {
	{ 1, ROWS, COLS, 0, 0, 0, 64 },
	{ 0, ROWS - 2, COLS - 3, 1, 16, 3, 85 },
	{ 1, 3, 3, ROWS - 3, 32, ROWS - 1, 96 },
};

static const struct db_mm db_mm[3] = {
	{ 1, 0, ROWS, COLS, 0, 5, 0, 0, 1, 1, DB_W, DB_H, 0, 1, DB_W },
	{ 0, 1, ROWS - 2, COLS - 3, 2, 200, 1, -1, 1, 1, 2, 1, 0, 1, 0 },
	{ 0, 0, 3, 3, 1, 17, -1, 2, 2, 1, 3, 3, 40, 1, 3 },
};

/* The reference: docs/isa.md's LDW and MM as plain loops over the SPM
 * image "spm" (partition-major, 256 bytes each), into "psum".
 */
static void db_ref(const uint8_t *spm, int32_t (*psum)[DB_PSUM])
{
	int k, r, c, i0, i1, y, x, wt[ROWS][COLS], a[ROWS];
	const struct db_ldw *l;
	const struct db_mm *m;
	int64_t s;

	for (k = 0; k < 3; k++) {
		l = &db_ldw[k];
		m = &db_mm[k];
		for (r = 0; r < ROWS; r++)
			for (c = 0; c < COLS; c++)
				wt[r][c] = r < l->nrows && c < l->ncols ?
					val(spm[256 * (l->w_part + r) +
					l->w_addr + c], l->sgn) -
					val(spm[256 * l->zp_part +
					l->zp_addr + c], l->sgn) : 0;
		for (i1 = 0; i1 < m->n1; i1++)
			for (i0 = 0; i0 < m->n0; i0++) {
				y = m->y0 + i1 * m->sy;
				x = m->x0 + i0 * m->sx;
				for (r = 0; r < m->nrows; r++)
					a[r] = y >= 0 && y < DB_H && x >= 0 &&
						x < DB_W ? val(spm[256 *
						(m->x_part + r) + DB_X_ADDR +
						DB_W * y + x], m->sgn) -
						val((uint8_t) m->xzp, m->sgn) :
						0;
				for (c = 0; c < m->ncols; c++) {
					s = m->acc ? psum[c][m->pa + i1 *
						m->ps1 + i0 * m->ps0] : 0;
					for (r = 0; r < m->nrows; r++)
						s += a[r] * wt[r][c];
					psum[c][m->pa + i1 * m->ps1 +
						i0 * m->ps0] =
						(int32_t) (uint32_t) s;
				}
			}
	}
}

static void db_cmds(struct bench_prog *p)
{
	uint32_t *w;
	int k;

	for (k = 0; k < 3; k++) {
		w = bench_cmd(p, ATOLL_OP_LDW);
		ATOLL_SET(w, ATOLL_LDW_W_SIGNED, db_ldw[k].sgn);
		ATOLL_SET(w, ATOLL_LDW_NROWS, db_ldw[k].nrows);
		ATOLL_SET(w, ATOLL_LDW_NCOLS, db_ldw[k].ncols);
		ATOLL_SET(w, ATOLL_LDW_W_PART, db_ldw[k].w_part);
		ATOLL_SET(w, ATOLL_LDW_W_ADDR, db_ldw[k].w_addr);
		ATOLL_SET(w, ATOLL_LDW_ZP_PART, db_ldw[k].zp_part);
		ATOLL_SET(w, ATOLL_LDW_ZP_ADDR, db_ldw[k].zp_addr);
		w = bench_cmd(p, ATOLL_OP_MM);
		ATOLL_SET(w, ATOLL_MM_X_SIGNED, db_mm[k].sgn);
		ATOLL_SET(w, ATOLL_MM_ACC, db_mm[k].acc);
		ATOLL_SET(w, ATOLL_MM_NROWS, db_mm[k].nrows);
		ATOLL_SET(w, ATOLL_MM_NCOLS, db_mm[k].ncols);
		ATOLL_SET(w, ATOLL_MM_X_PART, db_mm[k].x_part);
		ATOLL_SET(w, ATOLL_MM_X_ADDR, DB_X_ADDR);
		ATOLL_SET(w, ATOLL_MM_X_ZP, db_mm[k].xzp);
		ATOLL_SET(w, ATOLL_MM_PITCH, DB_W);
		ATOLL_SET(w, ATOLL_MM_H, DB_H);
		ATOLL_SET(w, ATOLL_MM_W, DB_W);
		ATOLL_SET(w, ATOLL_MM_Y0, db_mm[k].y0);
		ATOLL_SET(w, ATOLL_MM_X0, db_mm[k].x0);
		ATOLL_SET(w, ATOLL_MM_SY, db_mm[k].sy);
		ATOLL_SET(w, ATOLL_MM_SX, db_mm[k].sx);
		ATOLL_SET(w, ATOLL_MM_N0, db_mm[k].n0);
		ATOLL_SET(w, ATOLL_MM_N1, db_mm[k].n1);
		ATOLL_SET(w, ATOLL_MM_PSUM_ADDR, db_mm[k].pa);
		ATOLL_SET(w, ATOLL_MM_PS0, db_mm[k].ps0);
		ATOLL_SET(w, ATOLL_MM_PS1, db_mm[k].ps1);
	}
}

/* busy_pe of the six commands queued behind one WAIT (rtl/README.md,
 * "Array timing"): the first stage runs, per LDW, one cycle per SPM
 * word its zero points touch and NCOLS for its columns, and N0 * N1 per
 * MM, each command taken in the last cycle of the one
 * before; the third LDW starts no earlier than ROWS + COLS + 1 cycles
 * after the first MM's first stage ended; the last sums land
 * ROWS + COLS cycles after the last position, idle the cycle after.
 * Draining between the commands instead (the engine before the shadow
 * weights) would add 2 + (ROWS + COLS + 2) per LDW / MM pair.
 */
static uint64_t db_busy(void)
{
	uint64_t s[6];
	int k;

	for (k = 0; k < 3; k++) {
		s[2 * k] = (uint64_t) ((db_ldw[k].zp_addr + db_ldw[k].ncols -
			1) / (int) ATOLL_CFG_DRAM_BUS_BYTES - db_ldw[k].zp_addr /
			(int) ATOLL_CFG_DRAM_BUS_BYTES + 1 + db_ldw[k].ncols);
		s[2 * k + 1] = (uint64_t) db_mm[k].n0 * db_mm[k].n1;
	}
	if (s[2] + s[3] < ROWS + COLS + 1)
		s[3] = ROWS + COLS + 1 - s[2];
	return s[0] + s[1] + s[2] + s[3] + s[4] + s[5] + ROWS + COLS + 1;
}

static int mm_double_buffer(void)
{
	atoll_hwsim *h = bench_sim();
	struct bench_prog p = { 0 };
	struct bench_result r;
	uint8_t *spm = malloc(256 * ROWS), got[4 * DB_PSUM];
	int32_t (*psum)[DB_PSUM] = calloc(COLS, sizeof(*psum));
	uint32_t seed = 77, *w;
	int c, i, k, lo, hi;

	CHECK(h && spm && psum);
	for (i = 0; i < 256 * ROWS; i++)
		spm[i] = (uint8_t) bench_rand(&seed);
	CHECK(atoll_hwsim_mem_write(h, IN_DRAM, spm, 256 * ROWS) == 0);
	bench_dma2(&p, ATOLL_OP_DMA_IN, IN_DRAM, 0, 0, ROWS, 256, 256);
	/* the PE commands queue up behind the WAIT before it passes (the
	 * DMA_IN's SIGNAL comes after them: 8 PE entries fit the queue)
	 */
	bench_sem(&p, ATOLL_OP_WAIT, 2, 0, 1);
	db_cmds(&p);
	bench_sem(&p, ATOLL_OP_SIGNAL, 2, 1, 0);
	bench_sem(&p, ATOLL_OP_SIGNAL, 0, 0, 0);
	bench_sem(&p, ATOLL_OP_WAIT, 3, 1, 1);
	w = bench_cmd(&p, ATOLL_OP_ACT);
	ATOLL_SET(w, ATOLL_ACT_SRC_TYPE, 0);
	ATOLL_SET(w, ATOLL_ACT_DST_TYPE, 2);
	ATOLL_SET(w, ATOLL_ACT_NPARTS, COLS);
	ATOLL_SET(w, ATOLL_ACT_DST_ADDR, OUT_ADDR);
	ATOLL_SET(w, ATOLL_ACT_N0, DB_PSUM);
	ATOLL_SET(w, ATOLL_ACT_N1, 1);
	ATOLL_SET(w, ATOLL_ACT_SS0, 1);
	ATOLL_SET(w, ATOLL_ACT_DS0, 1);
	ATOLL_SET(w, ATOLL_ACT_MULT, 1);
	bench_sem(&p, ATOLL_OP_SIGNAL, 3, 2, 0);
	bench_sem(&p, ATOLL_OP_WAIT, 1, 2, 1);
	bench_dma2(&p, ATOLL_OP_DMA_OUT, OUT_DRAM, 0, OUT_ADDR, COLS,
		4 * DB_PSUM, 4 * DB_PSUM);
	bench_end(&p);

	db_ref(spm, psum);
	CHECK(bench_run(h, &p, &r) == 0);
	CHECKF(r.status == ATOLL_HWSIM_DONE, "status %d error %x", r.status,
		r.error);
	for (c = 0; c < COLS; c++) {
		CHECK(atoll_hwsim_mem_read(h, OUT_DRAM + 4 * DB_PSUM * c, got,
			sizeof(got)) == 0);
		for (k = 0; k < 3; k++) {
			lo = db_mm[k].pa;
			hi = lo + (db_mm[k].n1 - 1) * db_mm[k].ps1 +
				(db_mm[k].n0 - 1) * db_mm[k].ps0;
			for (i = lo; i <= hi && c < db_mm[k].ncols; i++) {
				uint32_t v = (uint32_t) got[4 * i] |
					(uint32_t) got[4 * i + 1] << 8 |
					(uint32_t) got[4 * i + 2] << 16 |
					(uint32_t) got[4 * i + 3] << 24;

				CHECKF((int32_t) v == psum[c][i],
					"psum[%d][%d] = %d, want %d", c, i,
					(int32_t) v, psum[c][i]);
			}
		}
	}
	CHECKF(r.cnt[ATOLL_CNT_BUSY_PE] == db_busy(),
		"busy_pe %llu, want %llu",
		(unsigned long long) r.cnt[ATOLL_CNT_BUSY_PE],
		(unsigned long long) db_busy());
	free(spm);
	free(psum);
	atoll_hwsim_free(h);
	return 0;
}

static const struct test_case tests[] = {
	{ "mm_conv_full", mm_conv_full },
	{ "mm_signed_partial", mm_signed_partial },
	{ "mm_overlap", mm_overlap },
	{ "mm_accumulate_same", mm_accumulate_same },
	{ "mm_negative", mm_negative },
	{ "mm_random", mm_random },
	{ "mm_double_buffer", mm_double_buffer },
};

TEST_MAIN(tests)
