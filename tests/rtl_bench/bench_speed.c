/* RTL benchmark (tests/bench_rtl.sh; deliberately not rtl_bench_*.c, so
 * tests/rtl_bench.sh does not run it): measurements of the Verilator model
 * for the configuration it is compiled for (-I the generated headers of
 * that configuration, linked with that configuration's hwsim library,
 * host/refmodel.c, firmware/hwcfg.c and tests/streamgen.c).
 *
 *   bench_speed speed [MM_CYCLES [SEEDS]]
 *       simulation speed: an MM-heavy stream of about MM_CYCLES cycles
 *       (default 1000000) and the generated streams of seeds 1..SEEDS
 *       (default 20, tests/streamgen.c); simulated cycles per second of
 *       wall-clock and of process CPU time, atoll_hwsim_run only.
 *   bench_speed gemm [LATENCY [BYTES_PER_CYCLE [noout]]]
 *       PE utilisation: a 512x512x512 int8 matrix product as an
 *       overlapping command stream (below), memory latency LATENCY
 *       (default 8) and bandwidth BYTES_PER_CYCLE (default 0 = one beat
 *       per cycle per channel, i.e. unlimited).  The result in device
 *       memory must equal the functional model's byte for byte (and a
 *       plain C product), every non-timing counter must be equal.
 *       "noout" drops the output stage (ACT, DMA_OUT): a PE / DMA-in
 *       ceiling, not checkable.
 *   bench_speed smoke [SEEDS]
 *       generated streams of seeds 1..SEEDS (default 5) on the functional
 *       model and the RTL: device memory and non-timing counters equal.
 *
 * Every mode prints readable lines and one machine line starting "@".
 * The exit status is 0 only when every check passed.
 *
 * The matrix product C = A x B (A: M x K int8 row-major, B: K x N int8
 * row-major, C: M x N int8 row-major) maps K onto the array rows (SPM
 * partitions) and N onto the columns; the M = 512 positions stream
 * through the array in one MM per (N tile, K tile).  Schedule:
 *   - A is loaded once, one K tile (ROWS x 512 bytes) per DMA_IN,
 *     interleaved with the first N tile's LDW/MM so compute starts after
 *     the first tile;
 *   - the weight panel of N tile n (K x COLS bytes, one DMA_IN) goes to
 *     buffer n % 2 while the PE works on tile n - 1 (the A tiles take
 *     512 * K cycles at the DMA's one byte per cycle, so the first
 *     N tile waits for them);
 *   - N tile n accumulates its K tiles into PSUM buffer n % 2 (512
 *     entries), ACT requantises it to int8 into SPM output buffer n % 2,
 *     DMA_OUT stores it; semaphores: S_A (A tiles loaded), S_W (weight
 *     panels loaded), S_PE (N tiles computed), S_ACT (N tiles
 *     requantised, PSUM buffer free), S_OUT (N tiles stored, SPM output
 *     buffer free).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atoll_config.h"
#include "atoll_isa.h"
#include "hwcfg.h"
#include "hwsim.h"
#include "refmodel.h"
#include "streamgen.h"
#include "bench.h"


/* Problem size and device-memory layout of the GEMM and MM streams. */
#define GM	512
#define GK	512
#define GN	512
#define DRAM	(4u << 20)
#define A_DRAM	0x040000u
#define B_DRAM	0x080000u
#define C_DRAM	0x0c0000u
#define CMD_DRAM 0x100000u
#define MAX_CMDS ((DRAM - CMD_DRAM) / ATOLL_CMD_BYTES)

/* SPM layout (per partition) */
#define SA	0x0000u		/* A tiles: kt * GM + m */
#define SW	0x8000u		/* weight panels: buf * WBUF + kt * COLS + c */
#define WBUF	0x0400u
#define SZP	0x9000u		/* zero points (partition 0) */
#define SO	0xa000u		/* output buffers: buf * GM + m */

/* Requantisation: out = clamp8(rne(acc * MULT, SHIFT)), int8 */
#define RQ_MULT		3
#define RQ_SHIFT	12

enum { S_A, S_W, S_PE, S_ACT, S_OUT };
enum { E_DMAIN, E_DMAOUT, E_PE, E_ACT };

_Static_assert((GK / ROWS) * COLS <= (int) WBUF &&
	(GK / ROWS) * GM <= (int) SW && SO + 2 * GM <= ATOLL_CFG_SPM_BYTES &&
	2 * GM <= (int) ATOLL_CFG_PSUM_DEPTH && COLS <= ROWS,
	"SPM / PSUM layout does not fit this configuration");

static const char *const cnt_name[ATOLL_CNT_COUNT] = {
	"cycles", "dram_rd", "dram_wr", "cmd_fetch", "spm_rd", "spm_wr",
	"psum_rd", "psum_wr", "macs", "dma_cmds", "busy_dma_in",
	"busy_dma_out", "busy_pe", "busy_act", "stall_dma_in",
	"stall_dma_out", "stall_pe", "stall_act",
};

static int timing_counter(int i)
{
	return i == ATOLL_CNT_CYCLES || (i >= ATOLL_CNT_BUSY_DMAIN &&
		i <= ATOLL_CNT_STALL_ACT);
}

/* ------------------------------------------------------------ streams */

struct prog {
	uint32_t (*w)[ATOLL_CMD_WORDS];
	int n, cap;
};

static uint32_t *cmd(struct prog *p, uint32_t op)
{
	uint32_t *w;

	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 1024;
		p->w = realloc(p->w, (size_t) p->cap * sizeof(p->w[0]));
		if (!p->w) {
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
	}
	w = p->w[p->n++];
	memset(w, 0, sizeof(p->w[0]));
	ATOLL_SET(w, ATOLL_END_OPCODE, op);
	return w;
}

static void sem(struct prog *p, uint32_t op, int engine, int s,
	uint32_t value)
{
	uint32_t *w = cmd(p, op);

	ATOLL_SET(w, ATOLL_SEM_ENGINE, engine);
	ATOLL_SET(w, ATOLL_SEM_SEM, s);
	ATOLL_SET(w, ATOLL_SEM_VALUE, value);
}

static void signal_(struct prog *p, int engine, int s)
{
	sem(p, ATOLL_OP_SIGNAL, engine, s, 0);
}

static void wait_(struct prog *p, int engine, int s, uint32_t value)
{
	sem(p, ATOLL_OP_WAIT, engine, s, value);
}

/* A DMA over counts c[], DRAM / partition / SPM strides ds[], ps[], ss[]. */
static uint32_t *dma(struct prog *p, uint32_t op, uint32_t dram,
	uint32_t part, uint32_t addr, const int *c, const int *ds,
	const int *ps, const int *ss)
{
	uint32_t *w = cmd(p, op);

	bench_dma_fields(w, dram, part, addr, c, ds, ps, ss);
	return w;
}

static void ldw(struct prog *p, uint32_t w_addr)
{
	uint32_t *w = cmd(p, ATOLL_OP_LDW);

	ATOLL_SET(w, ATOLL_LDW_W_SIGNED, 1);
	ATOLL_SET(w, ATOLL_LDW_NROWS, ROWS);
	ATOLL_SET(w, ATOLL_LDW_NCOLS, COLS);
	ATOLL_SET(w, ATOLL_LDW_W_ADDR, w_addr);
	ATOLL_SET(w, ATOLL_LDW_W_PART, 0);
	ATOLL_SET(w, ATOLL_LDW_ZP_ADDR, SZP);
	ATOLL_SET(w, ATOLL_LDW_ZP_PART, 0);
}

/* MM of GM positions (one image row of GM bytes at x_addr in partitions
 * 0..ROWS-1) into PSUM [psum, psum + GM).
 */
static void mm(struct prog *p, uint32_t x_addr, uint32_t psum, int acc)
{
	uint32_t *w = cmd(p, ATOLL_OP_MM);

	ATOLL_SET(w, ATOLL_MM_X_SIGNED, 1);
	ATOLL_SET(w, ATOLL_MM_ACC, acc);
	ATOLL_SET(w, ATOLL_MM_NROWS, ROWS);
	ATOLL_SET(w, ATOLL_MM_NCOLS, COLS);
	ATOLL_SET(w, ATOLL_MM_X_ADDR, x_addr);
	ATOLL_SET(w, ATOLL_MM_X_PART, 0);
	ATOLL_SET(w, ATOLL_MM_X_ZP, 0);
	ATOLL_SET(w, ATOLL_MM_PITCH, GM);
	ATOLL_SET(w, ATOLL_MM_H, 1);
	ATOLL_SET(w, ATOLL_MM_W, GM);
	ATOLL_SET(w, ATOLL_MM_Y0, 0);
	ATOLL_SET(w, ATOLL_MM_X0, 0);
	ATOLL_SET(w, ATOLL_MM_SY, 1);
	ATOLL_SET(w, ATOLL_MM_SX, 1);
	ATOLL_SET(w, ATOLL_MM_N0, GM);
	ATOLL_SET(w, ATOLL_MM_N1, 1);
	ATOLL_SET(w, ATOLL_MM_PSUM_ADDR, psum);
	ATOLL_SET(w, ATOLL_MM_PS0, 1);
	ATOLL_SET(w, ATOLL_MM_PS1, 0);
}

/* Zero points: COLS zero bytes at SZP in partition 0. */
static void zp_fill(struct prog *p)
{
	int c[4] = { COLS, 1, 1, 1 }, z[4] = { 0, 0, 0, 0 };
	int ss[4] = { 1, 0, 0, 0 };
	uint32_t *w = dma(p, ATOLL_OP_DMA_IN, 0, 0, SZP, c, z, z, ss);

	ATOLL_SET(w, ATOLL_DMA_FILL_EN, 1);
	ATOLL_SET(w, ATOLL_DMA_FILL_VALUE, 0);
}

/* A tile kt: A[m][kt*ROWS + r] -> SPM[r][SA + kt*GM + m]. */
static void load_a(struct prog *p, int kt)
{
	int c[4] = { ROWS, GM, 1, 1 }, ds[4] = { 1, GK, 0, 0 };
	int ps[4] = { 1, 0, 0, 0 }, ss[4] = { 0, 1, 0, 0 };

	dma(p, ATOLL_OP_DMA_IN, A_DRAM + (uint32_t) (kt * ROWS), 0,
		SA + (uint32_t) (kt * GM), c, ds, ps, ss);
}

/* Weight panel of N tile nt into buffer b:
 * B[kt*ROWS + r][nt*COLS + c] -> SPM[r][SW + b*WBUF + kt*COLS + c].
 */
static void load_w(struct prog *p, int nt, int b)
{
	int c[4] = { COLS, ROWS, GK / ROWS, 1 };
	int ds[4] = { 1, GN, ROWS * GN, 0 }, ps[4] = { 0, 1, 0, 0 };
	int ss[4] = { 1, 0, COLS, 0 };

	dma(p, ATOLL_OP_DMA_IN, B_DRAM + (uint32_t) (nt * COLS), 0,
		SW + (uint32_t) b * WBUF, c, ds, ps, ss);
}

/* PSUM buffer b (COLS partitions x GM) -> int8 SPM output buffer b. */
static void act(struct prog *p, int b)
{
	uint32_t *w = cmd(p, ATOLL_OP_ACT);

	ATOLL_SET(w, ATOLL_ACT_SRC_TYPE, 0);
	ATOLL_SET(w, ATOLL_ACT_DST_TYPE, 1);
	ATOLL_SET(w, ATOLL_ACT_NPARTS, COLS);
	ATOLL_SET(w, ATOLL_ACT_SRC_ADDR, (uint32_t) (b * GM));
	ATOLL_SET(w, ATOLL_ACT_SRC_PART, 0);
	ATOLL_SET(w, ATOLL_ACT_DST_PART, 0);
	ATOLL_SET(w, ATOLL_ACT_DST_ADDR, SO + (uint32_t) (b * GM));
	ATOLL_SET(w, ATOLL_ACT_N0, GM);
	ATOLL_SET(w, ATOLL_ACT_N1, 1);
	ATOLL_SET(w, ATOLL_ACT_SS0, 1);
	ATOLL_SET(w, ATOLL_ACT_DS0, 1);
	ATOLL_SET(w, ATOLL_ACT_MULT, RQ_MULT);
	ATOLL_SET(w, ATOLL_ACT_SHIFT, RQ_SHIFT);
	ATOLL_SET(w, ATOLL_ACT_DST_ZP, 0);
	ATOLL_SET(w, ATOLL_ACT_CMIN, -128);
	ATOLL_SET(w, ATOLL_ACT_CMAX, 127);
}

/* Output buffer b: SPM[c][SO + b*GM + m] -> C[m][nt*COLS + c]. */
static void store_c(struct prog *p, int nt, int b)
{
	int c[4] = { COLS, GM, 1, 1 }, ds[4] = { 1, GN, 0, 0 };
	int ps[4] = { 1, 0, 0, 0 }, ss[4] = { 0, 1, 0, 0 };

	dma(p, ATOLL_OP_DMA_OUT, C_DRAM + (uint32_t) (nt * COLS), 0,
		SO + (uint32_t) (b * GM), c, ds, ps, ss);
}

/* The GEMM stream (see the top of the file); "out" 0 drops ACT/DMA_OUT. */
static void gemm_prog(struct prog *p, int out)
{
	const int nts = GN / COLS, kts = GK / ROWS;
	int nt, kt, b;

	zp_fill(p);
	load_w(p, 0, 0);
	signal_(p, E_DMAIN, S_W);
	for (nt = 0; nt < nts; nt++) {
		b = nt % 2;
		/* Prefetch panel nt+1 into buffer (nt+1)%2, free once the PE
		 * finished N tile nt-1.  It goes before the PE commands of
		 * N tile nt: dispatch is in order and a full PE queue blocks
		 * the command processor, so a later place would start the
		 * load only when the PE is almost done with tile nt.  For
		 * nt = 0 it follows the A tiles, which the PE needs first.
		 */
		if (nt >= 1 && nt + 1 < nts) {
			wait_(p, E_DMAIN, S_PE, (uint32_t) nt);
			load_w(p, nt + 1, (nt + 1) % 2);
			signal_(p, E_DMAIN, S_W);
		}
		wait_(p, E_PE, S_W, (uint32_t) nt + 1);
		if (out && nt >= 2)
			wait_(p, E_PE, S_ACT, (uint32_t) nt - 1);
		for (kt = 0; kt < kts; kt++) {
			if (nt == 0) {
				load_a(p, kt);
				signal_(p, E_DMAIN, S_A);
				wait_(p, E_PE, S_A, (uint32_t) kt + 1);
			}
			ldw(p, SW + (uint32_t) b * WBUF +
				(uint32_t) (kt * COLS));
			mm(p, SA + (uint32_t) (kt * GM), (uint32_t) (b * GM),
				kt > 0);
		}
		signal_(p, E_PE, S_PE);
		if (nt == 0 && nts > 1) {
			load_w(p, 1, 1);
			signal_(p, E_DMAIN, S_W);
		}
		if (!out)
			continue;
		wait_(p, E_ACT, S_PE, (uint32_t) nt + 1);
		if (nt >= 2)
			wait_(p, E_ACT, S_OUT, (uint32_t) nt - 1);
		act(p, b);
		signal_(p, E_ACT, S_ACT);
		wait_(p, E_DMAOUT, S_ACT, (uint32_t) nt + 1);
		store_c(p, nt, b);
		signal_(p, E_DMAOUT, S_OUT);
	}
	cmd(p, ATOLL_OP_END);
}

/* An MM-heavy stream of about "cycles" cycles: activations and weights
 * loaded once, then LDW + 4 MMs of GM positions, over and over.
 */
static void mm_prog(struct prog *p, uint64_t cycles)
{
	int64_t n = (int64_t) (cycles / (uint64_t) (GM + ROWS + COLS + 4));
	int k;

	zp_fill(p);
	load_a(p, 0);
	load_a(p, 1);
	load_w(p, 0, 0);
	signal_(p, E_DMAIN, S_A);
	wait_(p, E_PE, S_A, 1);
	if (n > (int64_t) MAX_CMDS * 4 / 5 - 16)
		n = (int64_t) MAX_CMDS * 4 / 5 - 16;
	for (k = 0; k < n; k++) {
		if (k % 4 == 0)
			ldw(p, SW + (uint32_t) ((k / 4) % (GK / ROWS)) *
				COLS);
		mm(p, SA + (uint32_t) ((k % 2) * GM), 0, k % 4 != 0);
	}
	cmd(p, ATOLL_OP_END);
}

/* ---------------------------------------------------------- running */

static double now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

struct sim_result {
	int status;
	uint32_t error;
	uint64_t cnt[ATOLL_CNT_COUNT];
	double wall, cpu;		/* seconds in atoll_hwsim_run */
};

/* Run "ncmds" commands stored at "base" on "h" with window [0, win_hi). */
static int sim_run(atoll_hwsim *h, uint32_t base, uint32_t ncmds,
	uint32_t win_hi, struct sim_result *r)
{
	double w0, c0;
	int i;

	memset(r, 0, sizeof(*r));
	if (atoll_hwsim_csr_write(h, ATOLL_CSR_CMD_BASE, base) ||
	    atoll_hwsim_csr_write(h, ATOLL_CSR_CMD_COUNT, ncmds) ||
	    atoll_hwsim_csr_write(h, ATOLL_CSR_WIN_LO, 0) ||
	    atoll_hwsim_csr_write(h, ATOLL_CSR_WIN_HI, win_hi) ||
	    atoll_hwsim_csr_write(h, ATOLL_CSR_CTRL, 1))
		return -1;
	w0 = now(CLOCK_MONOTONIC);
	c0 = now(CLOCK_PROCESS_CPUTIME_ID);
	r->status = atoll_hwsim_run(h, 200000000, NULL);
	r->cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
	r->wall = now(CLOCK_MONOTONIC) - w0;
	if (atoll_hwsim_csr_read(h, ATOLL_CSR_ERROR, &r->error))
		return -1;
	for (i = 0; i < ATOLL_CNT_COUNT; i++) {
		uint32_t lo, hi;

		if (atoll_hwsim_csr_read(h, ATOLL_CSR_COUNTERS + 8 * i, &lo) ||
		    atoll_hwsim_csr_read(h, ATOLL_CSR_COUNTERS + 8 * i + 4,
			&hi))
			return -1;
		r->cnt[i] = (uint64_t) hi << 32 | lo;
	}
	return 0;
}

static void prog_bytes(const struct prog *p, uint8_t *d)
{
	int i, j, k;

	for (i = 0; i < p->n; i++)
		for (j = 0; j < ATOLL_CMD_WORDS; j++)
			for (k = 0; k < 4; k++)
				d[ATOLL_CMD_BYTES * i + 4 * j + k] =
					(uint8_t) (p->w[i][j] >> (8 * k));
}

static uint32_t rng(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static const char *cfg_label(void)
{
	static char b[32];

	snprintf(b, sizeof(b), "%dx%d", ROWS, COLS);
	return b;
}

/* Compare the non-timing counters of sim and ref; 0 when equal. */
static int counters_differ(const uint64_t *sim, const uint64_t *ref,
	const char *what)
{
	int i, bad = 0;

	for (i = 0; i < ATOLL_CNT_COUNT; i++)
		if (!timing_counter(i) && sim[i] != ref[i]) {
			fprintf(stderr, "  %s: counter %s: sim %llu, ref %llu\n",
				what, cnt_name[i], (unsigned long long) sim[i],
				(unsigned long long) ref[i]);
			bad = 1;
		}
	return bad;
}

/* ------------------------------------------------------------- speed */

static int mode_speed(uint64_t mm_cycles, int seeds)
{
	struct prog p = { 0 };
	struct sim_result r;
	atoll_hwsim *h = atoll_hwsim_create(NULL, DRAM, 8, 0);
	uint8_t *d = calloc(1, DRAM);
	atoll_hwcfg cfg;
	uint64_t cyc = 0, seed;
	double wall = 0, cpu = 0;
	uint32_t s = 12345, i;
	int ok = 1;

	if (!h || !d)
		return 2;
	for (i = A_DRAM; i < CMD_DRAM; i++)
		d[i] = (uint8_t) rng(&s);
	mm_prog(&p, mm_cycles);
	prog_bytes(&p, d + CMD_DRAM);
	if (atoll_hwsim_mem_write(h, 0, d, DRAM) ||
	    sim_run(h, CMD_DRAM, (uint32_t) p.n, DRAM, &r))
		return 2;
	if (r.status != ATOLL_HWSIM_DONE || r.error) {
		fprintf(stderr, "mm stream: status %d error %#x\n", r.status,
			r.error);
		ok = 0;
	}
	printf("speed %s mm stream: %d commands, %llu cycles, %.2f s wall, "
		"%.2f s cpu: %.0f cycles/s (cpu %.0f), PE busy %.1f%%\n",
		cfg_label(), p.n, (unsigned long long) r.cnt[ATOLL_CNT_CYCLES],
		r.wall, r.cpu, (double) r.cnt[ATOLL_CNT_CYCLES] / r.wall,
		(double) r.cnt[ATOLL_CNT_CYCLES] / r.cpu,
		100.0 * (double) r.cnt[ATOLL_CNT_BUSY_PE] /
		(double) r.cnt[ATOLL_CNT_CYCLES]);
	printf("@speed cfg=%s kind=mm cycles=%llu wall=%.3f cpu=%.3f "
		"cps=%.0f cps_cpu=%.0f\n", cfg_label(),
		(unsigned long long) r.cnt[ATOLL_CNT_CYCLES], r.wall, r.cpu,
		(double) r.cnt[ATOLL_CNT_CYCLES] / r.wall,
		(double) r.cnt[ATOLL_CNT_CYCLES] / r.cpu);
	atoll_hwsim_free(h);
	free(d);
	free(p.w);

	/* generated streams: every opcode, short commands, many WAITs */
	bench_config(&cfg, 1u << 20);
	h = atoll_hwsim_create(NULL, 1u << 20, 8, 0);
	if (!h)
		return 2;
	for (seed = 1; seed <= (uint64_t) seeds; seed++) {
		atoll_stream st;

		if (atoll_stream_generate(&cfg, seed, &st))
			return 2;
		if (atoll_hwsim_mem_write(h, 0, st.dram_init, st.dram_bytes) ||
		    sim_run(h, st.cmd_base, st.ncmds, st.win_hi, &r))
			return 2;
		if (r.status != ATOLL_HWSIM_DONE || r.error) {
			fprintf(stderr, "stream %llu: status %d error %#x\n",
				(unsigned long long) seed, r.status, r.error);
			ok = 0;
		}
		cyc += r.cnt[ATOLL_CNT_CYCLES];
		wall += r.wall;
		cpu += r.cpu;
		atoll_stream_free(&st);
	}
	atoll_hwsim_free(h);
	printf("speed %s streamgen seeds 1..%d: %llu cycles, %.2f s wall, "
		"%.2f s cpu: %.0f cycles/s (cpu %.0f)\n", cfg_label(), seeds,
		(unsigned long long) cyc, wall, cpu, (double) cyc / wall,
		(double) cyc / cpu);
	printf("@speed cfg=%s kind=streams cycles=%llu wall=%.3f cpu=%.3f "
		"cps=%.0f cps_cpu=%.0f\n", cfg_label(),
		(unsigned long long) cyc, wall, cpu, (double) cyc / wall,
		(double) cyc / cpu);
	return ok ? 0 : 1;
}

/* -------------------------------------------------------------- gemm */

static int8_t rq(int64_t acc)
{
	int64_t v = acc > INT32_MAX ? INT32_MAX : acc < INT32_MIN ?
		INT32_MIN : acc;
	int64_t pr = v * RQ_MULT, q, rem, half = (int64_t) 1 << (RQ_SHIFT - 1);

	q = pr >> RQ_SHIFT;	/* floor */
	rem = pr - q * ((int64_t) 1 << RQ_SHIFT);
	if (rem > half || (rem == half && (q & 1)))
		q++;
	return (int8_t) (q < -128 ? -128 : q > 127 ? 127 : q);
}

static int mode_gemm(int latency, int bpc, int out)
{
	struct prog p = { 0 };
	struct sim_result r;
	atoll_hwsim *h = atoll_hwsim_create(getenv("ATOLL_TRACE"), DRAM,
		latency, bpc);
	atoll_hwcfg cfg;
	atoll_ref *ref;
	atoll_run_params rp;
	atoll_run_status rs;
	uint8_t *d = calloc(1, DRAM), *got = malloc(DRAM);
	uint32_t s = 2024, i;
	int m, n, k, ok = 1, bad = 0;
	uint64_t cyc, macs, ideal;
	double util;

	if (!h || !d || !got)
		return 2;
	for (i = A_DRAM; i < C_DRAM; i++)
		d[i] = (uint8_t) rng(&s);
	gemm_prog(&p, out);
	if ((uint32_t) p.n > MAX_CMDS)
		return 2;
	prog_bytes(&p, d + CMD_DRAM);

	/* functional model */
	bench_config(&cfg, DRAM);
	ref = atoll_ref_create(&cfg);
	if (!ref)
		return 2;
	memcpy(atoll_ref_dram(ref), d, DRAM);
	memset(&rp, 0, sizeof(rp));
	rp.cmd_base = CMD_DRAM;
	rp.cmd_count = (uint32_t) p.n;
	rp.win_lo = 0;
	rp.win_hi = DRAM;
	if (atoll_ref_run(ref, &rp, &rs) != 0) {
		fprintf(stderr, "ref: error %u at command %u\n", rs.error,
			rs.error_cmd);
		return 1;
	}

	/* RTL */
	if (atoll_hwsim_mem_write(h, 0, d, DRAM) ||
	    sim_run(h, CMD_DRAM, (uint32_t) p.n, DRAM, &r) ||
	    atoll_hwsim_mem_read(h, 0, got, DRAM))
		return 2;
	if (r.status != ATOLL_HWSIM_DONE || r.error) {
		fprintf(stderr, "sim: status %d error %#x\n", r.status,
			r.error);
		ok = 0;
	}
	if (atoll_hwsim_mem_faults(h)) {
		fprintf(stderr, "sim: %llu device-memory faults\n",
			(unsigned long long) atoll_hwsim_mem_faults(h));
		ok = 0;
	}
	if (ok && counters_differ(r.cnt, rs.counters, "gemm"))
		ok = 0;
	if (ok && out) {
		if (memcmp(got, atoll_ref_dram(ref), DRAM)) {
			for (i = 0; i < DRAM && got[i] == atoll_ref_dram(ref)[i];
			     i++)
				;
			fprintf(stderr, "sim and ref differ first at %#x: "
				"%02x, ref %02x\n", i, got[i],
				atoll_ref_dram(ref)[i]);
			ok = 0;
		}
		/* and both against a plain C product */
		for (m = 0; m < GM && !bad; m++)
			for (n = 0; n < GN && !bad; n++) {
				int64_t acc = 0;

				for (k = 0; k < GK; k++)
					acc += (int8_t) d[A_DRAM + m * GK + k] *
						(int8_t) d[B_DRAM + k * GN + n];
				if ((int8_t) got[C_DRAM + m * GN + n] != rq(acc)) {
					fprintf(stderr, "C[%d][%d] = %d, "
						"want %d\n", m, n,
						(int8_t) got[C_DRAM + m * GN +
						n], rq(acc));
					bad = 1;
				}
			}
		ok = ok && !bad;
	}

	cyc = r.cnt[ATOLL_CNT_CYCLES];
	macs = r.cnt[ATOLL_CNT_MACS];
	ideal = macs / (uint64_t) (ROWS * COLS);
	util = (double) macs / ((double) cyc * ROWS * COLS);
	printf("gemm %s %dx%dx%d%s, latency %d, %s: %d commands, "
		"%llu cycles (ideal %llu, ref estimate %llu), "
		"utilisation %.1f%%, %s\n", cfg_label(), GM, GK, GN,
		out ? "" : " without output stage", latency,
		bpc > 0 ? "bandwidth-limited" : "unlimited bandwidth", p.n,
		(unsigned long long) cyc, (unsigned long long) ideal,
		(unsigned long long) rs.counters[ATOLL_CNT_CYCLES], 100 * util,
		!out ? "not checked" : ok ? "result equal to ref and to C" :
		"RESULT WRONG");
	for (i = ATOLL_CNT_BUSY_DMAIN; i <= ATOLL_CNT_STALL_ACT; i++)
		printf("  %-14s %10llu  %5.1f%% of cycles\n", cnt_name[i],
			(unsigned long long) r.cnt[i],
			100.0 * (double) r.cnt[i] / (double) cyc);
	printf("  dram_rd %llu B, dram_wr %llu B, %.2f s wall, %.0f cycles/s\n",
		(unsigned long long) r.cnt[ATOLL_CNT_DRAM_RD],
		(unsigned long long) r.cnt[ATOLL_CNT_DRAM_WR], r.wall,
		(double) cyc / r.wall);
	printf("@gemm cfg=%s lat=%d bpc=%d out=%d cycles=%llu ideal=%llu "
		"util=%.2f busy_dma_in=%llu busy_dma_out=%llu busy_pe=%llu "
		"busy_act=%llu check=%s cps=%.0f\n", cfg_label(), latency, bpc,
		out, (unsigned long long) cyc, (unsigned long long) ideal,
		100 * util, (unsigned long long) r.cnt[ATOLL_CNT_BUSY_DMAIN],
		(unsigned long long) r.cnt[ATOLL_CNT_BUSY_DMAOUT],
		(unsigned long long) r.cnt[ATOLL_CNT_BUSY_PE],
		(unsigned long long) r.cnt[ATOLL_CNT_BUSY_ACT],
		!out ? (ok ? "n/a" : "FAIL") : ok ? "ok" : "FAIL",
		(double) cyc / r.wall);
	atoll_ref_free(ref);
	atoll_hwsim_free(h);
	free(d);
	free(got);
	free(p.w);
	return ok ? 0 : 1;
}

/* ------------------------------------------------------------- smoke */

static int mode_smoke(int seeds)
{
	atoll_hwcfg cfg;
	atoll_ref *ref;
	atoll_hwsim *h;
	uint64_t seed, cyc = 0;
	int fails = 0;

	bench_config(&cfg, 1u << 20);
	ref = atoll_ref_create(&cfg);
	h = atoll_hwsim_create(NULL, 1u << 20, 8, 0);
	if (!ref || !h)
		return 2;
	for (seed = 1; seed <= (uint64_t) seeds; seed++) {
		atoll_stream st;
		atoll_run_params rp;
		atoll_run_status rs;
		struct sim_result r;
		uint8_t *mem;
		int bad = 0;

		if (atoll_stream_generate(&cfg, seed, &st))
			return 2;
		memcpy(atoll_ref_dram(ref), st.dram_init, st.dram_bytes);
		memset(&rp, 0, sizeof(rp));
		rp.cmd_base = st.cmd_base;
		rp.cmd_count = st.ncmds;
		rp.win_lo = st.win_lo;
		rp.win_hi = st.win_hi;
		mem = malloc(st.dram_bytes);
		if (!mem || atoll_ref_run(ref, &rp, &rs) != 0 ||
		    atoll_hwsim_mem_write(h, 0, st.dram_init, st.dram_bytes) ||
		    sim_run(h, st.cmd_base, st.ncmds, st.win_hi, &r) ||
		    r.status != ATOLL_HWSIM_DONE || r.error ||
		    atoll_hwsim_mem_read(h, 0, mem, st.dram_bytes)) {
			fprintf(stderr, "  seed %llu: run failed\n",
				(unsigned long long) seed);
			bad = 1;
		} else if (memcmp(mem, atoll_ref_dram(ref), st.dram_bytes)) {
			fprintf(stderr, "  seed %llu: device memory differs\n",
				(unsigned long long) seed);
			bad = 1;
		} else {
			bad = counters_differ(r.cnt, rs.counters, "smoke");
		}
		if (!bad)
			cyc += r.cnt[ATOLL_CNT_CYCLES];
		fails += bad;
		free(mem);
		atoll_stream_free(&st);
	}
	atoll_hwsim_free(h);
	atoll_ref_free(ref);
	printf("smoke %s: streamgen seeds 1..%d, %d equal on ref and sim "
		"(%llu cycles)\n", cfg_label(), seeds, seeds - fails,
		(unsigned long long) cyc);
	printf("@smoke cfg=%s seeds=%d equal=%d\n", cfg_label(), seeds,
		seeds - fails);
	return fails ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "speed"))
		return mode_speed(argc > 2 ? strtoull(argv[2], NULL, 0) :
			1000000, argc > 3 ? atoi(argv[3]) : 20);
	if (!strcmp(mode, "gemm"))
		return mode_gemm(argc > 2 ? atoi(argv[2]) : 8,
			argc > 3 ? atoi(argv[3]) : 0,
			!(argc > 4 && !strcmp(argv[4], "noout")));
	if (!strcmp(mode, "smoke"))
		return mode_smoke(argc > 2 ? atoi(argv[2]) : 5);
	fprintf(stderr, "usage: %s speed [MM_CYCLES [SEEDS]] | "
		"gemm [LATENCY [BYTES_PER_CYCLE [noout]]] | smoke [SEEDS]\n",
		argv[0]);
	return 2;
}
