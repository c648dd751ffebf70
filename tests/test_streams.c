/* Generated command streams (tests/streamgen.c) on the functional model.
 *
 * The streams are meant for differential co-simulation against the RTL,
 * so they must be valid by construction.  Checked here for seeds
 * 1 .. STREAM_SEEDS: the stream is well formed (END last, every WAIT
 * waits for a SIGNAL earlier in the stream, one signalling engine per
 * semaphore) and reproducible from its seed; it completes on the model
 * without fault; a second run after filling SPM and PSUM with junk (and
 * with the weights of the first run left in the array) gives the same
 * DRAM and counters, so nothing reads memory the stream did not write;
 * other queue depths and bus widths (other interleavings of the engines)
 * give the same DRAM and byte counters, so the stream is race-free as far
 * as the model can tell.  A mutation test shows that this last check does
 * catch races: with every WAIT neutralised, some stream's result changes.
 * Across all seeds, every feature of the ISA listed in "coverage" occurs.
 *
 * STREAM_SEEDS=n in the environment runs fewer seeds (e.g. under
 * valgrind); the coverage test then only reports.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "atoll_isa.h"
#include "harness.h"
#include "hwcfg.h"
#include "isa.h"
#include "refmodel.h"
#include "streamgen.h"

#define STREAM_SEEDS 200
#define QD_SEED_STEP 10
#define MUTATION_SEEDS 24

#define GETU(w, F) ATOLL_GETU(w, ATOLL_##F)
#define SET(w, F, v) ATOLL_SET(w, ATOLL_##F, v)

static uint32_t stream_seeds(void)
{
	const char *e = getenv("STREAM_SEEDS");
	long n = e ? strtol(e, NULL, 10) : STREAM_SEEDS;

	return n > 0 && n <= STREAM_SEEDS ? (uint32_t) n : STREAM_SEEDS;
}

/* Copy the stream's image into the model and run it. */
static int stream_run(atoll_ref *m, const atoll_stream *s,
	atoll_run_status *st)
{
	atoll_run_params p;

	memset(&p, 0, sizeof(p));
	p.cmd_base = s->cmd_base;
	p.cmd_count = s->ncmds;
	p.win_lo = s->win_lo;
	p.win_hi = s->win_hi;
	memcpy(atoll_ref_dram(m), s->dram_init, s->dram_bytes);
	return atoll_ref_run(m, &p, st);
}

/* Fill SPM and PSUM with bytes derived from "seed" (0: zeros). */
static void model_scribble(atoll_ref *m, const atoll_hwcfg *cfg,
	uint32_t seed)
{
	uint8_t *spm = atoll_ref_spm(m), *psum = (uint8_t *) atoll_ref_psum(m);
	size_t k, ns = (size_t) cfg->rows * cfg->spm_bytes;
	size_t np = (size_t) cfg->cols * cfg->psum_depth * sizeof(int32_t);
	uint32_t x = seed * 2654435761u + 1;

	for (k = 0; k < ns; k++) {
		x = x * 1664525u + 1013904223u;
		spm[k] = seed ? (uint8_t) (x >> 24) : 0;
	}
	for (k = 0; k < np; k++) {
		x = x * 1664525u + 1013904223u;
		psum[k] = seed ? (uint8_t) (x >> 24) : 0;
	}
}

static uint32_t load32(const uint8_t *p)
{
	return (uint32_t) p[0] | (uint32_t) p[1] << 8 |
		(uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static int is_timing_counter(int c)
{
	return c == ATOLL_CNT_CYCLES || c >= ATOLL_CNT_BUSY_DMAIN;
}

/* Structure of stream "s": END exactly last, commands in the image at
 * cmd_base, the window covering the image, every WAIT satisfiable by
 * SIGNALs placed before it, each semaphore signalled by one engine.
 */
static int stream_check_shape(const atoll_hwcfg *cfg, const atoll_stream *s)
{
	uint32_t *count = calloc(cfg->semaphores, sizeof(uint32_t));
	int *owner = malloc(cfg->semaphores * sizeof(int));
	const uint32_t *w;
	uint32_t i, k, op, sem, bad = 0;

	if (!count || !owner) {
		free(count);
		free(owner);
		return 1;
	}
	for (k = 0; k < cfg->semaphores; k++)
		owner[k] = -1;
	bad |= s->ncmds < 2 || s->dram_bytes > cfg->dram_bytes ||
		s->win_lo != 0 || s->win_hi != s->dram_bytes ||
		s->cmd_base % 64 != 0 ||
		s->cmd_base + 64u * s->ncmds != s->dram_bytes;
	for (i = 0; i < s->ncmds && !bad; i++) {
		w = s->cmds + (size_t) i * ATOLL_CMD_WORDS;
		for (k = 0; k < ATOLL_CMD_WORDS; k++)
			bad |= load32(s->dram_init + s->cmd_base +
				ATOLL_CMD_BYTES * i + 4 * k) != w[k];
		op = GETU(w, END_OPCODE);
		bad |= (op == ATOLL_OP_END) != (i == s->ncmds - 1);
		if (op != ATOLL_OP_WAIT && op != ATOLL_OP_SIGNAL)
			continue;
		sem = GETU(w, SEM_SEM);
		if (sem >= cfg->semaphores) {
			bad = 1;
			break;
		}
		if (op == ATOLL_OP_WAIT) {
			bad |= GETU(w, SEM_VALUE) > count[sem];
			continue;
		}
		bad |= GETU(w, SEM_VALUE) != 0;
		bad |= owner[sem] >= 0 &&
			owner[sem] != (int) GETU(w, SEM_ENGINE);
		owner[sem] = (int) GETU(w, SEM_ENGINE);
		count[sem]++;
	}
	free(count);
	free(owner);
	return bad ? 1 : 0;
}

static int stream_same(const atoll_stream *a, const atoll_stream *b)
{
	return a->ncmds == b->ncmds && a->dram_bytes == b->dram_bytes &&
		a->cmd_base == b->cmd_base && a->win_lo == b->win_lo &&
		a->win_hi == b->win_hi &&
		!memcmp(a->cmds, b->cmds,
		(size_t) a->ncmds * ATOLL_CMD_BYTES) &&
		!memcmp(a->dram_init, b->dram_init, a->dram_bytes) &&
		!memcmp(&a->cov, &b->cov, sizeof(a->cov));
}

/* Every seed gives a well-formed stream, the same one each time. */
static int test_streams_shape(void)
{
	atoll_hwcfg cfg;
	atoll_stream a, b;
	uint32_t seed, n = stream_seeds();
	int same;

	atoll_hwcfg_default(&cfg);
	for (seed = 1; seed <= n; seed++) {
		CHECKF(atoll_stream_generate(&cfg, seed, &a) == 0, "seed %u",
			seed);
		if (atoll_stream_generate(&cfg, seed, &b) < 0) {
			atoll_stream_free(&a);
			CHECKF(0, "seed %u", seed);
		}
		same = stream_same(&a, &b);
		atoll_stream_free(&b);
		if (!same || stream_check_shape(&cfg, &a)) {
			atoll_stream_free(&a);
			CHECKF(0, "seed %u: %s", seed, same ? "malformed" :
				"not reproducible");
		}
		atoll_stream_free(&a);
	}
	CHECK(atoll_stream_generate(&cfg, 1, &a) == 0);
	CHECK(atoll_stream_generate(&cfg, 2, &b) == 0);
	same = stream_same(&a, &b);
	atoll_stream_free(&a);
	atoll_stream_free(&b);
	CHECK(!same);
	return 0;
}

/* Run "s" on "m" from SPM/PSUM contents "junk"; keep the DRAM image in
 * "img" and the status in "st".  Returns 0 on a clean run.
 */
static int stream_run_keep(atoll_ref *m, const atoll_hwcfg *cfg,
	const atoll_stream *s, uint32_t junk, uint8_t *img,
	atoll_run_status *st)
{
	int r;

	model_scribble(m, cfg, junk);
	r = stream_run(m, s, st);
	memcpy(img, atoll_ref_dram(m), s->dram_bytes);
	if (r != 0 || st->error || st->timed_out) {
		fprintf(stderr, "  run: error %u at command %u%s\n", st->error,
			st->error_cmd, st->timed_out ? " (timeout)" : "");
		return -1;
	}
	return 0;
}

/* Counters a run of "s" must show whatever the data. */
static int stream_counters_ok(const atoll_stream *s,
	const atoll_run_status *st)
{
	return st->counters[ATOLL_CNT_CMD_FETCH] == 64ull * s->ncmds &&
		st->counters[ATOLL_CNT_DMA_CMDS] ==
		(uint64_t) s->cov.op[ATOLL_OP_DMA_IN] +
		s->cov.op[ATOLL_OP_DMA_OUT];
}

/* One seed on the default configuration: clean, counters as expected,
 * and the same results from zeroed and from junk-filled SPM/PSUM.
 */
static int stream_check_seed(atoll_ref *m, const atoll_hwcfg *cfg,
	uint32_t seed, uint32_t *changed)
{
	atoll_stream s;
	atoll_run_status st1, st2;
	uint8_t *img1 = NULL, *img2 = NULL;
	int r = -1;

	if (atoll_stream_generate(cfg, seed, &s) < 0)
		return -1;
	img1 = malloc(s.dram_bytes);
	img2 = malloc(s.dram_bytes);
	if (!img1 || !img2 ||
	    stream_run_keep(m, cfg, &s, 0, img1, &st1) < 0 ||
	    stream_run_keep(m, cfg, &s, seed, img2, &st2) < 0)
		goto done;
	if (!stream_counters_ok(&s, &st1))
		fprintf(stderr, "  unexpected fetch or DMA counters\n");
	else if (memcmp(img1, img2, s.dram_bytes))
		fprintf(stderr, "  DRAM depends on initial SPM/PSUM\n");
	else if (memcmp(st1.counters, st2.counters, sizeof(st1.counters)))
		fprintf(stderr, "  counters differ between runs\n");
	else
		r = 0;
	*changed += memcmp(img1, s.dram_init, s.cmd_base) != 0;
done:
	free(img1);
	free(img2);
	atoll_stream_free(&s);
	return r;
}

/* Every stream completes, deterministically, reading only what it wrote. */
static int test_streams_ref(void)
{
	atoll_hwcfg cfg;
	atoll_ref *m;
	uint32_t seed, n = stream_seeds(), changed = 0;
	int r = 0;

	atoll_hwcfg_default(&cfg);
	m = atoll_ref_create(&cfg);
	CHECK(m);
	for (seed = 1; seed <= n && r == 0; seed++)
		if (stream_check_seed(m, &cfg, seed, &changed) < 0) {
			fprintf(stderr, "  seed %u\n", seed);
			r = 1;
		}
	atoll_ref_free(m);
	CHECK(r == 0);
	CHECKF(changed >= n * 9 / 10, "only %u of %u streams wrote DRAM",
		changed, n);
	return 0;
}

/* The variants of the default configuration that change the schedule. */
static void cfg_variant(atoll_hwcfg *cfg, int k)
{
	static const uint32_t qd[4] = { 1, 2, 8, 64 };
	static const uint32_t bus[4] = { 8, 1, 8, 64 };

	atoll_hwcfg_default(cfg);
	cfg->queue_depth = qd[k];
	cfg->dram_bus_bytes = bus[k];
	cfg->id = atoll_hwcfg_compute_id(cfg);
}

/* Run "s" on the four schedule variants "m"; returns the number of
 * variants whose DRAM image or byte counters differ from variant 0, or -1
 * when a run fails.
 */
static int stream_variants(atoll_ref **m, const atoll_hwcfg *cfg,
	const atoll_stream *s)
{
	atoll_run_status st[4];
	uint8_t *img[4] = { NULL, NULL, NULL, NULL };
	int k, c, differ = 0;

	for (k = 0; k < 4; k++) {
		img[k] = malloc(s->dram_bytes);
		if (!img[k] ||
		    stream_run_keep(m[k], &cfg[k], s, 0, img[k], &st[k]) < 0) {
			differ = -1;
			break;
		}
		if (k == 0)
			continue;
		for (c = 0; c < ATOLL_CNT_COUNT; c++)
			if (!is_timing_counter(c) &&
			    st[k].counters[c] != st[0].counters[c])
				break;
		differ += c < ATOLL_CNT_COUNT ||
			memcmp(img[k], img[0], s->dram_bytes) != 0;
	}
	for (k = 0; k < 4; k++)
		free(img[k]);
	return differ;
}

static int models_create(atoll_ref **m, atoll_hwcfg *cfg)
{
	int k, ok = 1;

	for (k = 0; k < 4; k++) {
		cfg_variant(&cfg[k], k);
		m[k] = atoll_ref_create(&cfg[k]);
		ok = ok && m[k];
	}
	return ok ? 0 : -1;
}

static void models_free(atoll_ref **m)
{
	int k;

	for (k = 0; k < 4; k++)
		atoll_ref_free(m[k]);
}

/* Queue depths 1, 2, 8, 64 and bus widths 1, 8, 64 (other interleavings
 * of the engines) give the same DRAM and byte counters.
 */
static int test_streams_queue_depth(void)
{
	atoll_hwcfg cfg[4];
	atoll_ref *m[4];
	atoll_stream s;
	uint32_t seed, n = stream_seeds();
	int d = 0;

	if (models_create(m, cfg) < 0) {
		models_free(m);
		CHECK(0);
	}
	for (seed = 1; seed <= n && d == 0; seed += QD_SEED_STEP) {
		if (atoll_stream_generate(&cfg[2], seed, &s) < 0) {
			d = -1;
			break;
		}
		d = stream_variants(m, cfg, &s);
		atoll_stream_free(&s);
	}
	models_free(m);
	CHECKF(d == 0, "seed %u: %d variants differ", seed - QD_SEED_STEP, d);
	return 0;
}

/* Neutralise every WAIT of "s" (VALUE 0), in the command list and in the
 * image: what is left is racy.
 */
static void stream_drop_waits(atoll_stream *s)
{
	uint32_t i, *w;

	for (i = 0; i < s->ncmds; i++) {
		w = s->cmds + (size_t) i * ATOLL_CMD_WORDS;
		if (GETU(w, SEM_OPCODE) != ATOLL_OP_WAIT)
			continue;
		SET(w, SEM_VALUE, 0);
		memset(s->dram_init + s->cmd_base + 64 * i + 4, 0, 4);
	}
}

/* Mutation: without its WAITs, some stream gives a result that depends
 * on the schedule, which the queue-depth test would have reported.
 */
static int test_streams_race_mutation(void)
{
	atoll_hwcfg cfg[4];
	atoll_ref *m[4];
	atoll_stream s;
	uint32_t seed, caught = 0;
	int d = 0;

	if (models_create(m, cfg) < 0) {
		models_free(m);
		CHECK(0);
	}
	for (seed = 1; seed <= MUTATION_SEEDS && d >= 0; seed++) {
		if (atoll_stream_generate(&cfg[2], seed, &s) < 0) {
			d = -1;
			break;
		}
		stream_drop_waits(&s);
		d = stream_variants(m, cfg, &s);
		caught += d > 0;
		atoll_stream_free(&s);
	}
	models_free(m);
	CHECK(d >= 0);
	printf("  races caught in %u of %u streams without WAITs\n", caught,
		MUTATION_SEEDS);
	CHECK(caught > 0);
	return 0;
}

/* An independent check of race freedom: happens-before from the stream
 * itself.  Every engine keeps a vector clock (its own component counts
 * its commands); a SIGNAL records its engine's clock, a WAIT for value v
 * merges the clock of the v-th SIGNAL of that semaphore (one engine per
 * semaphore, so that is the v-th increment in time).  Every location
 * keeps the clock of its last write and of each engine's latest read.
 */
struct hb_loc {
	uint32_t epoch;
	uint32_t w;
	uint32_t r[4];
	uint8_t weng;
	uint8_t def;
};

struct hb {
	const atoll_hwcfg *cfg;
	const atoll_stream *s;
	struct hb_loc *mem[3];
	size_t size[3];
	uint32_t epoch;
	uint32_t clk[4][4];
	uint32_t (*snap)[4];		/* clocks of SIGNALs, by sem, value */
	uint32_t *nsig;
	int *owner;
	int e;
	const char *why;
};

static int hb_init(struct hb *h, const atoll_hwcfg *cfg)
{
	memset(h, 0, sizeof(*h));
	h->cfg = cfg;
	h->size[ATOLL_SPACE_SPM] = (size_t) cfg->rows * cfg->spm_bytes;
	h->size[ATOLL_SPACE_PSUM] = (size_t) cfg->cols * cfg->psum_depth;
	h->size[ATOLL_SPACE_DRAM] = 256u << 10;
	h->mem[0] = calloc(h->size[0], sizeof(struct hb_loc));
	h->mem[1] = calloc(h->size[1], sizeof(struct hb_loc));
	h->mem[2] = calloc(h->size[2], sizeof(struct hb_loc));
	h->nsig = calloc(cfg->semaphores, sizeof(*h->nsig));
	h->owner = calloc(cfg->semaphores, sizeof(*h->owner));
	return h->mem[0] && h->mem[1] && h->mem[2] && h->nsig && h->owner ?
		0 : -1;
}

static void hb_free(struct hb *h)
{
	free(h->mem[0]);
	free(h->mem[1]);
	free(h->mem[2]);
	free(h->nsig);
	free(h->owner);
	free(h->snap);
}

/* The history of a location, fresh for every stream; NULL if outside the
 * memory (or, for DRAM, outside the image or a write to the commands).
 */
static struct hb_loc *hb_loc(struct hb *h, enum atoll_space sp,
	int64_t part, int64_t addr, int write)
{
	int64_t i = addr;
	struct hb_loc *l;

	if (sp == ATOLL_SPACE_SPM)
		i = addr < 0 || addr >= h->cfg->spm_bytes ? -1 :
			part * h->cfg->spm_bytes + addr;
	if (sp == ATOLL_SPACE_PSUM)
		i = addr < 0 || addr >= h->cfg->psum_depth ? -1 :
			part * h->cfg->psum_depth + addr;
	if (sp == ATOLL_SPACE_DRAM && (addr >= h->s->dram_bytes ||
	    (write && addr >= h->s->cmd_base)))
		i = -1;
	if (part < 0 || i < 0 || (size_t) i >= h->size[sp])
		return NULL;
	l = &h->mem[sp][i];
	if (l->epoch != h->epoch) {
		memset(l, 0, sizeof(*l));
		l->epoch = h->epoch;
	}
	return l;
}

static void hb_access(void *ctx, enum atoll_space sp, int64_t part,
	int64_t addr, int write)
{
	struct hb *h = ctx;
	struct hb_loc *l = hb_loc(h, sp, part, addr, write);
	uint32_t *clk = h->clk[h->e];
	int f;

	if (!l) {
		h->why = "access outside memory";
		return;
	}
	if (l->w && l->weng != h->e && clk[l->weng] < l->w)
		h->why = write ? "unordered write after write" :
			"unordered read after write";
	if (!write) {
		if (sp != ATOLL_SPACE_DRAM && !l->def)
			h->why = "read of a location never written";
		l->r[h->e] = clk[h->e];
		return;
	}
	for (f = 0; f < 4; f++)
		if (f != h->e && l->r[f] > clk[f])
			h->why = "unordered write after read";
	l->w = clk[h->e];
	l->weng = (uint8_t) h->e;
	l->def = 1;
}

/* WAIT or SIGNAL "w" on engine h->e. */
static void hb_sem(struct hb *h, const uint32_t *w)
{
	uint32_t sem = GETU(w, SEM_SEM), v = GETU(w, SEM_VALUE), f;
	uint32_t *snap;

	if (sem >= h->cfg->semaphores) {
		h->why = "semaphore out of range";
		return;
	}
	snap = h->snap[(size_t) sem * h->s->ncmds + h->nsig[sem]];
	if (GETU(w, SEM_OPCODE) == ATOLL_OP_SIGNAL) {
		if (h->owner[sem] && h->owner[sem] != h->e + 1)
			h->why = "semaphore signalled by two engines";
		h->owner[sem] = h->e + 1;
		memcpy(snap, h->clk[h->e], sizeof(h->clk[h->e]));
		h->nsig[sem]++;
		return;
	}
	if (v > h->nsig[sem]) {
		h->why = "WAIT for a SIGNAL later in the stream";
		return;
	}
	snap = h->snap[(size_t) sem * h->s->ncmds + v - 1];
	for (f = 0; f < 4 && v; f++)
		if (snap[f] > h->clk[h->e][f])
			h->clk[h->e][f] = snap[f];
}

/* Check stream "s"; returns NULL or what is wrong, at "*at". */
static const char *hb_check(struct hb *h, const atoll_stream *s,
	uint32_t *at)
{
	const uint32_t *w;
	uint32_t i, op;
	int loaded = 0;

	h->s = s;
	h->epoch++;
	h->why = NULL;
	memset(h->clk, 0, sizeof(h->clk));
	memset(h->nsig, 0, h->cfg->semaphores * sizeof(*h->nsig));
	memset(h->owner, 0, h->cfg->semaphores * sizeof(*h->owner));
	free(h->snap);
	h->snap = calloc((size_t) h->cfg->semaphores * s->ncmds,
		sizeof(*h->snap));
	if (!h->snap)
		return "out of memory";
	for (i = 0; i < s->ncmds && !h->why; i++) {
		*at = i;
		w = s->cmds + (size_t) i * ATOLL_CMD_WORDS;
		op = GETU(w, END_OPCODE);
		if (op == ATOLL_OP_END)
			break;
		h->e = atoll_cmd_engine(w);
		h->clk[h->e][h->e]++;
		if (op == ATOLL_OP_MM && !loaded)
			h->why = "MM before any LDW";
		loaded |= op == ATOLL_OP_LDW;
		if (op == ATOLL_OP_WAIT || op == ATOLL_OP_SIGNAL)
			hb_sem(h, w);
		else
			atoll_stream_accesses(w, hb_access, h);
	}
	return h->why;
}

/* Every pair of conflicting accesses of different engines is ordered by
 * SIGNAL/WAIT, every SPM/PSUM read follows a write, every MM an LDW.
 */
static int test_streams_race_free(void)
{
	atoll_hwcfg cfg;
	atoll_stream s;
	struct hb h;
	uint32_t seed, n = stream_seeds(), at = 0;
	const char *why = NULL;

	atoll_hwcfg_default(&cfg);
	if (hb_init(&h, &cfg) < 0) {
		hb_free(&h);
		CHECK(0);
	}
	for (seed = 1; seed <= n && !why; seed++) {
		if (atoll_stream_generate(&cfg, seed, &s) < 0) {
			why = "generation failed";
			break;
		}
		why = hb_check(&h, &s, &at);
		atoll_stream_free(&s);
	}
	hb_free(&h);
	CHECKF(!why, "seed %u, command %u: %s", seed - 1, at, why);
	return 0;
}

/* Configurations at the edges of docs/config.md: tiny, tall, wide. */
static void cfg_edge(atoll_hwcfg *cfg, int k)
{
	static const uint32_t v[3][9] = {
		{ 2, 2, 1024, 64, 1, 1, 4, 65536 },
		{ 16, 4, 4096, 256, 3, 2, 5, 1u << 20 },
		{ 32, 32, 2048, 128, 64, 256, 256, 1u << 22 },
	};

	atoll_hwcfg_default(cfg);
	cfg->rows = cfg->spm_partitions = v[k][0];
	cfg->cols = v[k][1];
	cfg->spm_bytes = v[k][2];
	cfg->psum_depth = v[k][3];
	cfg->dram_bus_bytes = v[k][4];
	cfg->queue_depth = v[k][5];
	cfg->semaphores = v[k][6];
	cfg->dram_bytes = v[k][7];
	cfg->id = atoll_hwcfg_compute_id(cfg);
}

/* Seed "seed" on "cfg": race-free, clean and independent of the initial
 * SPM/PSUM on the model.
 */
static int stream_check_edge(const atoll_hwcfg *cfg, struct hb *h,
	atoll_ref *m, uint32_t seed)
{
	atoll_stream s;
	uint32_t at = 0, changed = 0;
	const char *why;

	if (atoll_stream_generate(cfg, seed, &s) < 0)
		return -1;
	why = hb_check(h, &s, &at);
	atoll_stream_free(&s);
	if (why) {
		fprintf(stderr, "  command %u: %s\n", at, why);
		return -1;
	}
	return stream_check_seed(m, cfg, seed, &changed);
}

/* A few seeds on each edge configuration. */
static int test_streams_configs(void)
{
	atoll_hwcfg cfg;
	atoll_ref *m;
	struct hb h;
	int k, r = 0;
	uint32_t seed = 0;

	for (k = 0; k < 3 && r == 0; k++) {
		cfg_edge(&cfg, k);
		m = atoll_ref_create(&cfg);
		if (!m || hb_init(&h, &cfg) < 0)
			r = -1;
		for (seed = 1; seed <= 6 && r == 0; seed++)
			r = stream_check_edge(&cfg, &h, m, seed);
		hb_free(&h);
		atoll_ref_free(m);
	}
	CHECKF(r == 0, "configuration %d, seed %u", k - 1, seed - 1);
	return 0;
}

static int all_nonzero(const uint32_t *v, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (!v[k])
			return 0;
	return 1;
}

#define NONZERO(a) all_nonzero((const uint32_t *) &(a), \
	sizeof(a) / sizeof(uint32_t))

/* Across all seeds, every feature occurs. */
static int test_streams_coverage(void)
{
	atoll_hwcfg cfg;
	atoll_stream s;
	atoll_stream_cov c;
	uint32_t seed, n = stream_seeds(), e, f, pairs = 1, total = 0;

	atoll_hwcfg_default(&cfg);
	memset(&c, 0, sizeof(c));
	for (seed = 1; seed <= n; seed++) {
		CHECKF(atoll_stream_generate(&cfg, seed, &s) == 0, "seed %u",
			seed);
		atoll_stream_cov_add(&c, &s.cov);
		total += s.ncmds;
		atoll_stream_free(&s);
	}
	for (e = 0; e < 4; e++)
		for (f = 0; f < 4; f++)
			pairs = pairs && (e == f || c.wait_pair[e][f]);
	printf("  %u commands: DMA_IN %u DMA_OUT %u LDW %u MM %u ACT %u "
		"ADD %u POOL %u WAIT %u SIGNAL %u MOVE %u; reached %u, queue "
		"fills %u\n", total, c.op[ATOLL_OP_DMA_IN],
		c.op[ATOLL_OP_DMA_OUT], c.op[ATOLL_OP_LDW], c.op[ATOLL_OP_MM],
		c.op[ATOLL_OP_ACT], c.op[ATOLL_OP_ADD], c.op[ATOLL_OP_POOL],
		c.op[ATOLL_OP_WAIT], c.op[ATOLL_OP_SIGNAL], c.op[ATOLL_OP_MOVE],
		c.wait_reached, c.queue_fill);
	printf("  MOVE results read by %u commands, %u MOVEs with contiguous "
		"runs\n", c.move_read_back, c.move_run);
	printf("  ACT with PP %u (4-byte records, NB: %u), NB without PP %u\n",
		c.act_pp[1], c.act_nb[1], c.act_nb[0]);
	if (n < STREAM_SEEDS)
		return 0;
	CHECK(all_nonzero(c.op + ATOLL_OP_END, ATOLL_OP_MOVE -
		ATOLL_OP_END + 1));
	CHECK(NONZERO(c.move_dims[1]) && NONZERO(c.move_dims[2]) &&
		NONZERO(c.move_dims[3]) && NONZERO(c.move_dims[4]));
	CHECK(c.move_neg_stride && c.move_part_stride && c.move_transpose &&
		c.move_dup_write && c.move_read_back && c.move_run);
	CHECK(NONZERO(c.dma_dims[1]) && NONZERO(c.dma_dims[2]) &&
		NONZERO(c.dma_dims[3]) && NONZERO(c.dma_dims[4]));
	CHECK(NONZERO(c.dma_fill) && c.dma_fill_ignored);
	CHECK(c.dma_neg_stride && c.dma_part_stride && c.dma_dup_write &&
		c.dma_out_reread);
	CHECK(NONZERO(c.ldw_signed) && c.ldw_partial);
	CHECK(NONZERO(c.mm_acc) && NONZERO(c.mm_signed) && c.mm_pad &&
		c.mm_all_pad);
	CHECK(NONZERO(c.act_type) && NONZERO(c.act_pp) && NONZERO(c.act_nb) &&
		c.act_in_place);
	CHECK(NONZERO(c.add_signed) && c.add_in_place);
	CHECK(NONZERO(c.pool_mode) && c.pool_pad);
	CHECK(pairs && c.wait_reached && c.wait_multi);
	CHECK(c.queue_fill);
	return 0;
}

static const struct test_case tests[] = {
	{ "streams_shape", test_streams_shape },
	{ "streams_race_free", test_streams_race_free },
	{ "streams_ref", test_streams_ref },
	{ "streams_queue_depth", test_streams_queue_depth },
	{ "streams_race_mutation", test_streams_race_mutation },
	{ "streams_configs", test_streams_configs },
	{ "streams_coverage", test_streams_coverage },
};

TEST_MAIN(tests)
