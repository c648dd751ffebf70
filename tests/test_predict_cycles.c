/*
 * The compiler's cycle prediction (compiler/predict.c,
 * atoll_predict_timeline; docs/traffic.md, "Compiler cycle prediction").
 * Every expected value is worked out by hand from the rules of that
 * section, with the default configuration (8 x 8, 8-byte bus, so B = 8
 * read beats per fetch, LAT = 20); where a comment says "sim", the
 * Verilator model of rtl/ measured the same cycles counter for the same
 * stream (build/bin/atoll's sim backend: latency 20, unlimited
 * bandwidth).
 *
 * Fetch rule used throughout: issue(0) = 1, take(0) = 1 + 1 + 8 + 20 =
 * 30; issue(1) = 10, take(1) = 39; issue(i) = max(issue(i-1) + 9,
 * take(i-2) + 1) and take(i) = max(issue(i) + 29, dispatch(i-1) + 1).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "atoll_isa.h"
#include "bundle.h"
#include "harness.h"
#include "hwcfg.h"
#include "predict.h"

#define SET(w, f, v) ATOLL_SET(w, ATOLL_##f, v)
#define MAXC 64

/* A command stream under construction. */
struct prog {
	uint32_t w[MAXC][ATOLL_CMD_WORDS];
	uint32_t n;
};

static uint32_t *add(struct prog *p, uint32_t op)
{
	uint32_t *w = p->w[p->n++];

	memset(w, 0, ATOLL_CMD_BYTES);
	w[0] = op;
	return w;
}

static void end(struct prog *p)
{
	add(p, ATOLL_OP_END);
}

static void sem(struct prog *p, uint32_t op, uint32_t engine, uint32_t s,
	uint32_t value)
{
	uint32_t *w = add(p, op);

	SET(w, SEM_ENGINE, engine);
	SET(w, SEM_SEM, s);
	SET(w, SEM_VALUE, value);
}

/* A DMA of "n" elements, one dimension, unit strides on both sides. */
/* A DMA of "n" elements that moves one element per cycle: SPM stride 2
 * is not chunked (docs/traffic.md), nor is DRAM stride 2 for a DMA_OUT
 * fill, which ignores SPM.  The timeline rules below are about elements;
 * busy_table has the chunked cases.
 */
static uint32_t *dma(struct prog *p, uint32_t op, int fill, uint32_t n)
{
	uint32_t *w = add(p, op);

	SET(w, DMA_FILL_EN, fill);
	SET(w, DMA_DRAM_BASE, 0x1000);
	SET(w, DMA_DRAM_STRIDE0, fill && op == ATOLL_OP_DMA_OUT ? 2 : 1);
	SET(w, DMA_SPM_STRIDE0, 2);
	SET(w, DMA_COUNT0, n);
	SET(w, DMA_COUNT1, 1);
	SET(w, DMA_COUNT2, 1);
	SET(w, DMA_COUNT3, 1);
	return w;
}

static void ldw(struct prog *p, uint32_t nrows, uint32_t ncols)
{
	uint32_t *w = add(p, ATOLL_OP_LDW);

	SET(w, LDW_NROWS, nrows);
	SET(w, LDW_NCOLS, ncols);
	SET(w, LDW_W_ADDR, 0x400);
	SET(w, LDW_ZP_ADDR, 0x500);
}

/* The MM of one kernel tap of a 3x3 convolution with stride (2, 1) over
 * a 17 x 19 image, one column of padding on the left: 8 x 18 = 144
 * positions of which 8 x 17 = 136 are inside the image.
 */
static void mm_tap(struct prog *p, uint32_t nrows, int acc)
{
	uint32_t *w = add(p, ATOLL_OP_MM);

	SET(w, MM_NROWS, nrows);
	SET(w, MM_NCOLS, 8);
	SET(w, MM_ACC, acc);
	SET(w, MM_PITCH, 19);
	SET(w, MM_H, 17);
	SET(w, MM_W, 19);
	SET(w, MM_X0, -1);
	SET(w, MM_SY, 2);
	SET(w, MM_SX, 1);
	SET(w, MM_N0, 18);
	SET(w, MM_N1, 8);
	SET(w, MM_PS0, 1);
	SET(w, MM_PS1, 18);
}

static void hw_default(atoll_hwcfg *hw)
{
	atoll_hwcfg_default(hw);
	hw->rows = 8;
	hw->cols = 8;
	hw->dram_bus_bytes = 8;
	hw->queue_depth = 8;
	hw->semaphores = 16;
}

static int timeline(const struct prog *p, const atoll_hwcfg *hw,
	atoll_cmd_time *t, uint64_t *cycles)
{
	return atoll_predict_timeline(&p->w[0][0], p->n, hw, t, cycles);
}

/* ---------------------------------------------- per-command durations */

/* One element per cycle (SPM stride 2, not chunked), like dma(). */
static void dma_fields(uint32_t *w, uint32_t n)
{
	w[0] = ATOLL_OP_DMA_IN;
	SET(w, DMA_DRAM_BASE, 0x1000);
	SET(w, DMA_DRAM_STRIDE0, 1);
	SET(w, DMA_SPM_STRIDE0, 2);
	SET(w, DMA_COUNT0, n);
	SET(w, DMA_COUNT1, 1);
	SET(w, DMA_COUNT2, 1);
	SET(w, DMA_COUNT3, 1);
}

static void mk_dma_in_1(uint32_t *w)
{
	dma_fields(w, 1);
}

static void mk_dma_in_16(uint32_t *w)
{
	dma_fields(w, 16);
	SET(w, DMA_DRAM_STRIDE0, 64);
}

static void mk_dma_in_17(uint32_t *w)
{
	dma_fields(w, 17);
	SET(w, DMA_DRAM_STRIDE0, 64);
}

static void mk_dma_in_8(uint32_t *w)
{
	dma_fields(w, 8);
}

static void mk_dma_in_9(uint32_t *w)
{
	dma_fields(w, 9);
}

static void mk_dma_in_4096(uint32_t *w)
{
	dma_fields(w, 4096);
}

static void mk_dma_in_fill(uint32_t *w)
{
	dma_fields(w, 4096);
	SET(w, DMA_FILL_EN, 1);
}

static void mk_dma_out(uint32_t *w)
{
	dma_fields(w, 512);
	w[0] = ATOLL_OP_DMA_OUT;
}

/* Chunked: SPM stride 1 in one partition, or partition stride 1. */
static void mk_dma_in_4096_chunked(uint32_t *w)
{
	dma_fields(w, 4096);
	SET(w, DMA_SPM_STRIDE0, 1);
}

static void mk_dma_in_fill_chunked(uint32_t *w)
{
	mk_dma_in_4096_chunked(w);
	SET(w, DMA_FILL_EN, 1);
}

static void mk_dma_out_chunked(uint32_t *w)
{
	mk_dma_out(w);
	SET(w, DMA_SPM_STRIDE0, 1);
	SET(w, DMA_DRAM_BASE, 0x1003);
}

static void mk_dma_out_parts(uint32_t *w)
{
	dma_fields(w, 8);
	w[0] = ATOLL_OP_DMA_OUT;
	SET(w, DMA_SPM_STRIDE0, 0);
	SET(w, DMA_PART_STRIDE0, 1);
	SET(w, DMA_COUNT1, 64);
	SET(w, DMA_DRAM_STRIDE1, 11);
	SET(w, DMA_SPM_STRIDE1, 1);
}

static void mk_ldw(uint32_t *w)
{
	w[0] = ATOLL_OP_LDW;
	SET(w, LDW_NROWS, 4);
	SET(w, LDW_NCOLS, 3);
}

static void mk_mm(uint32_t *w)
{
	w[0] = ATOLL_OP_MM;
	SET(w, MM_NROWS, 3);
	SET(w, MM_NCOLS, 2);
	SET(w, MM_H, 16);
	SET(w, MM_W, 16);
	SET(w, MM_PITCH, 16);
	SET(w, MM_N0, 7);
	SET(w, MM_N1, 1);
	SET(w, MM_ACC, 1);
}

static void mk_act_pp(uint32_t *w)
{
	w[0] = ATOLL_OP_ACT;
	SET(w, ACT_PP, 1);
	SET(w, ACT_NPARTS, 8);
	SET(w, ACT_N0, 32);
	SET(w, ACT_N1, 1);
}

static void mk_act_pp_nb(uint32_t *w)
{
	mk_act_pp(w);
	SET(w, ACT_NB, 1);
}

static void mk_act_i32(uint32_t *w)
{
	w[0] = ATOLL_OP_ACT;
	SET(w, ACT_SRC_TYPE, 1);
	SET(w, ACT_DST_TYPE, 2);
	SET(w, ACT_NPARTS, 2);
	SET(w, ACT_N0, 5);
	SET(w, ACT_N1, 3);
}

static void mk_add(uint32_t *w)
{
	w[0] = ATOLL_OP_ADD;
	SET(w, ADD_NPARTS, 3);
	SET(w, ADD_N0, 5);
	SET(w, ADD_N1, 2);
}

static void mk_pool_max(uint32_t *w)
{
	w[0] = ATOLL_OP_POOL;
	SET(w, POOL_NPARTS, 3);
	SET(w, POOL_N0, 5);
	SET(w, POOL_N1, 4);
	SET(w, POOL_H, 8);
	SET(w, POOL_W, 8);
	SET(w, POOL_PITCH, 8);
	SET(w, POOL_KH, 3);
	SET(w, POOL_KW, 3);
	SET(w, POOL_DY, 2);
	SET(w, POOL_DX, 1);
	SET(w, POOL_SY, 2);
	SET(w, POOL_SX, 3);
	SET(w, POOL_Y0, -3);
	SET(w, POOL_X0, -4);
}

static void mk_pool_avg(uint32_t *w)
{
	mk_pool_max(w);
	SET(w, POOL_NPARTS, 2);
	SET(w, POOL_AVG, 1);
}

/* MOVE of "n" bytes in partition 0 from 0x100 + "so" to 0x4000 + "do",
 * destination stride "ds".
 */
static void move_fields(uint32_t *w, uint32_t n, uint32_t so, uint32_t dof,
	uint32_t ds)
{
	w[0] = ATOLL_OP_MOVE;
	SET(w, MOVE_SRC_ADDR, 0x100 + so);
	SET(w, MOVE_DST_ADDR, 0x4000 + dof);
	SET(w, MOVE_SRC_STRIDE0, 1);
	SET(w, MOVE_DST_STRIDE0, ds);
	SET(w, MOVE_COUNT0, n);
	SET(w, MOVE_COUNT1, 1);
	SET(w, MOVE_COUNT2, 1);
	SET(w, MOVE_COUNT3, 1);
}

static void mk_move_src3(uint32_t *w)
{
	move_fields(w, 256, 3, 0, 1);
}

static void mk_move_both6(uint32_t *w)
{
	move_fields(w, 100, 6, 6, 1);
}

static void mk_move_stride2(uint32_t *w)
{
	move_fields(w, 40, 0, 0, 2);
}

static void mk_signal(uint32_t *w)
{
	w[0] = ATOLL_OP_SIGNAL;
}

/* Busy cycles of one command alone and its check cycles; every busy
 * value is the sim's busy_* counter for the command alone.
 */
static const struct busy_case {
	const char *name;
	void (*make)(uint32_t *w);
	uint64_t busy;
	uint64_t check;
} busy_cases[] = {
	/* one read: LAT + 2 */
	{ "DMA_IN 1 byte", mk_dma_in_1, 22, 6 },
	/* 16 reads in flight, one request per cycle: 22 + 15 */
	{ "DMA_IN 16 bytes, 64 apart", mk_dma_in_16, 37, 6 },
	/* the 17th request waits for the first write: 22 + 21 */
	{ "DMA_IN 17 bytes, 64 apart", mk_dma_in_17, 43, 6 },
	/* one bus word: one read, then a byte per cycle */
	{ "DMA_IN 8 contiguous bytes", mk_dma_in_8, 29, 6 },
	{ "DMA_IN 9 contiguous bytes", mk_dma_in_9, 30, 6 },
	/* two words per 16 elements: 21 cycles per 16 elements */
	{ "DMA_IN 4096 contiguous bytes", mk_dma_in_4096, 5392, 6 },
	{ "DMA_IN fill 4096", mk_dma_in_fill, 4098, 5 },
	{ "DMA_OUT 512", mk_dma_out, 537, 6 },
	/* chunked (a bus word per cycle): 16 reads in flight, one chunk
	 * of 8 per read, 21 cycles per 16 chunks (sim: 688)
	 */
	{ "DMA_IN 4096 contiguous, chunked", mk_dma_in_4096_chunked, 688,
	  6 },
	/* 512 chunks of 8 + 2 */
	{ "DMA_IN fill 4096, chunked", mk_dma_in_fill_chunked, 514, 5 },
	/* 5 bytes to the first word boundary, then 64 words (the last of
	 * 3 bytes): 65 + 5 + LAT
	 */
	{ "DMA_OUT 512 from 0x1003, chunked", mk_dma_out_chunked, 90, 6 },
	/* rows of 8 partitions 11 bytes apart: 2 chunks when a row crosses
	 * a word (7 of every 8 rows), 120 chunks + 5 + LAT (sim: 145)
	 */
	{ "DMA_OUT 64 x 8 partitions, chunked", mk_dma_out_parts, 145, 6 },
	/* first stage: the zero points (one word) and 3 columns, one per
	 * cycle; the last column lands one later: 1 + 3 + 1
	 */
	{ "LDW 4 x 3", mk_ldw, 5, 8 },
	/* 7 positions, the last sums land ROWS + COLS cycles later */
	{ "MM 7 positions", mk_mm, 24, 6 },
	/* the lanes run all partitions of a position at once: INIT, 8
	 * PP reads, one position per cycle, the last write: 1 + 8 + 32 + 2
	 */
	{ "ACT PSUM, PP, 8 x 32", mk_act_pp, 43, 10 },
	/* NB: a 4-byte record, 1 + 4 + 32 + 2; the check is the same */
	{ "ACT PSUM, PP NB, 8 x 32", mk_act_pp_nb, 39, 10 },
	/* 4 reads and 4 writes per position: 1 + 4 + 14 * 4 + 1 + 4 */
	{ "ACT int32 -> int32, 2 x 15", mk_act_i32, 66, 9 },
	/* A and B reads per position: 1 + 2 + 9 * 2 + 2 */
	{ "ADD 3 x 10", mk_add, 23, 12 },
	/* one cycle per tap, inside or not: 1 + 9 * 20 + 2 */
	{ "POOL max 3 x 20, padded 3x3", mk_pool_max, 183, 8 },
	/* 12 of the 20 outputs have a tap inside and wait 67 cycles for
	 * the divider, the last one among them
	 */
	{ "POOL avg 2 x 20, padded 3x3", mk_pool_avg, 879, 8 },
	/* chunks cut where the source (32 times) or the destination (31
	 * times, never at the same byte) starts a word: 64 + 3 (sim: 67)
	 */
	{ "MOVE 256 from +3 to aligned", mk_move_src3, 67, 8 },
	/* both sides start a word at the same bytes: 2 bytes, then 12
	 * words, then 2 bytes: 14 + 3 (sim: 17)
	 */
	{ "MOVE 100, both +6", mk_move_both6, 17, 8 },
	/* destination stride 2: one byte per cycle, 40 + 3 (sim: 43) */
	{ "MOVE 40 to stride 2", mk_move_stride2, 43, 8 },
	{ "SIGNAL", mk_signal, 0, 0 },
};

static int busy_table(void)
{
	uint32_t w[ATOLL_CMD_WORDS];
	atoll_hwcfg hw;
	size_t i;

	hw_default(&hw);
	for (i = 0; i < sizeof(busy_cases) / sizeof(busy_cases[0]); i++) {
		memset(w, 0, sizeof(w));
		busy_cases[i].make(w);
		CHECKF(atoll_predict_busy(w, &hw) == busy_cases[i].busy,
			"%s: busy %llu, expected %llu", busy_cases[i].name,
			(unsigned long long) atoll_predict_busy(w, &hw),
			(unsigned long long) busy_cases[i].busy);
		CHECKF(atoll_predict_check_cycles(w) == busy_cases[i].check,
			"%s: check cycles %llu", busy_cases[i].name,
			(unsigned long long) atoll_predict_check_cycles(w));
	}
	return 0;
}

/* ------------------------------------------------------ the timeline */

/* END alone: taken at 30, drained from 30 + 3 = 33 (sim: 33). */
static int end_only(void)
{
	struct prog p = { .n = 0 };
	atoll_cmd_time t[1];
	atoll_hwcfg hw;
	uint64_t c;

	hw_default(&hw);
	end(&p);
	CHECK(timeline(&p, &hw, t, &c) == 0);
	CHECK(t[0].take == 30);
	CHECK(c == 33);
	return 0;
}

/* Two fetch slots: a fetch starts when the slot of the command two
 * before is free.  Four SIGNALs: issue 1, 10, max(19, 31) = 31,
 * max(40, 40) = 40, then END at max(49, 61) = 61; takes 30, 39, 60, 69,
 * 90; END drains from 93 (sim: 93, i.e. 15 cycles per command).
 */
static int fetch_two_slots(void)
{
	static const uint64_t take[] = { 30, 39, 60, 69, 90 };
	struct prog p = { .n = 0 };
	atoll_cmd_time t[5];
	atoll_hwcfg hw;
	uint64_t c;
	int i;

	hw_default(&hw);
	for (i = 0; i < 4; i++)
		sem(&p, ATOLL_OP_SIGNAL, 0, 0, 0);
	end(&p);
	CHECK(timeline(&p, &hw, t, &c) == 0);
	for (i = 0; i < 5; i++)
		CHECKF(t[i].take == take[i], "command %d taken at %llu", i,
			(unsigned long long) t[i].take);
	CHECK(t[0].dispatch == 33 && t[0].start == 34 && t[0].done == 35);
	CHECK(c == 93);
	return 0;
}

/* Independent engines overlap: a DMA_IN fill of 100 (dispatched at
 * 30 + 3 + 5 = 38, busy 102 from 39: idle at 142) and a DMA_OUT fill of
 * 100 (taken at 39, dispatched at 39 + 3 + 4 = 46, busy 125 from 47:
 * idle at 173) run at the same time; the run ends at 173 (sim: 173),
 * not after 102 + 125 cycles of work in sequence.
 */
static int engines_overlap(void)
{
	struct prog p = { .n = 0 };
	atoll_cmd_time t[3];
	atoll_hwcfg hw;
	uint64_t c;

	hw_default(&hw);
	dma(&p, ATOLL_OP_DMA_IN, 1, 100);
	dma(&p, ATOLL_OP_DMA_OUT, 1, 100);
	end(&p);
	CHECK(timeline(&p, &hw, t, &c) == 0);
	CHECK(t[0].dispatch == 38 && t[0].start == 39 && t[0].done == 142);
	CHECK(t[1].dispatch == 46 && t[1].start == 47 && t[1].done == 173);
	CHECK(t[1].start < t[0].done);
	CHECK(c == 173);
	return 0;
}

/* A WAIT delays its engine: DMA_IN fill of 200 (idle at 39 + 203 =
 * 242); SIGNAL on DMA-in retires at 242, visible at 243; the PE's WAIT
 * (dispatched at 63) passes at 243; the LDW behind it (dispatched at
 * 69 + 3 + 8 = 80) starts at 244 and ends at 244 + 10 + 1 = 255 (busy
 * 1 + 8 + 1: its 8 zero points in one SPM word, then 8 columns).  Without the WAIT the LDW would start at 81.
 */
static int wait_delays(void)
{
	struct prog p = { .n = 0 };
	atoll_cmd_time t[5];
	atoll_hwcfg hw;
	uint64_t c;

	hw_default(&hw);
	dma(&p, ATOLL_OP_DMA_IN, 1, 200);
	sem(&p, ATOLL_OP_SIGNAL, 0, 0, 0);
	sem(&p, ATOLL_OP_WAIT, 2, 0, 1);
	ldw(&p, 8, 8);
	end(&p);
	CHECK(timeline(&p, &hw, t, &c) == 0);
	CHECK(t[1].start == 242 && t[1].done == 243);
	CHECK(t[2].dispatch == 63 && t[2].start == 243);
	CHECK(t[3].dispatch == 80 && t[3].start == 244 && t[3].done == 255);
	CHECK(c == 255);
	p.n = 0;
	dma(&p, ATOLL_OP_DMA_IN, 1, 200);
	sem(&p, ATOLL_OP_SIGNAL, 0, 0, 0);
	sem(&p, ATOLL_OP_WAIT, 2, 0, 0);
	ldw(&p, 8, 8);
	end(&p);
	CHECK(timeline(&p, &hw, t, &c) == 0);
	CHECK(t[3].start == 81);
	return 0;
}

/* A WAIT for VALUE 2 passes at the second increment in time, whichever
 * engine gave it: SIGNALs on DMA-in (visible at 143) and DMA-out
 * (behind a DMA_OUT fill of 300 that is idle at 68 + 326 = 394; visible
 * at 395).  VALUE 1 passes at 143 (sim: cycles 396 and 395).
 */
static int wait_counts_increments(void)
{
	struct prog p = { .n = 0 };
	atoll_cmd_time t[6];
	atoll_hwcfg hw;
	uint64_t c;
	uint32_t v;

	hw_default(&hw);
	for (v = 2; v >= 1; v--) {
		p.n = 0;
		dma(&p, ATOLL_OP_DMA_IN, 1, 100);
		sem(&p, ATOLL_OP_SIGNAL, 0, 1, 0);
		dma(&p, ATOLL_OP_DMA_OUT, 1, 300);
		sem(&p, ATOLL_OP_SIGNAL, 1, 1, 0);
		sem(&p, ATOLL_OP_WAIT, 3, 1, v);
		end(&p);
		CHECK(timeline(&p, &hw, t, &c) == 0);
		CHECK(t[1].done == 143 && t[3].done == 395);
		CHECK(t[4].start == (v == 2 ? 395 : 143));
		CHECK(c == (v == 2 ? 396 : 395));
	}
	return 0;
}

/* A full queue blocks dispatch, and everything behind it (queue depth
 * 2: the k-th command of a queue waits for the (k-2)-th to start).
 * Four DMA_OUT fills of 100 (busy 125) start at 38, 164, 290, 416; the
 * fourth is taken at 69 but dispatched only at 164 + 1 = 165, after the
 * second started; the SIGNAL to the idle ACT engine behind it is taken
 * at 166 and dispatched at 169 instead of 90 + 3 = 93.
 */
static int queue_full_blocks(void)
{
	struct prog p = { .n = 0 };
	atoll_cmd_time t[6];
	atoll_hwcfg hw;
	uint64_t c;
	int i;

	hw_default(&hw);
	hw.queue_depth = 2;
	for (i = 0; i < 4; i++)
		dma(&p, ATOLL_OP_DMA_OUT, 1, 100);
	sem(&p, ATOLL_OP_SIGNAL, 3, 0, 0);
	end(&p);
	CHECK(timeline(&p, &hw, t, &c) == 0);
	CHECK(t[0].start == 38 && t[1].start == 164 && t[2].start == 290);
	CHECK(t[2].dispatch == 67);
	CHECK(t[3].take == 69 && t[3].dispatch == 165 && t[3].start == 416);
	CHECK(t[4].take == 166 && t[4].dispatch == 169);
	CHECK(c == 542);
	hw.queue_depth = 8;
	CHECK(timeline(&p, &hw, t, &c) == 0);
	CHECK(t[4].dispatch == 93);
	return 0;
}

/* The PE's reads have priority: a DMA_OUT of 576 x 8 bytes (busy 4608 +
 * 25 alone) running beside four LDW + MM pairs on the same partitions
 * waits in every cycle the PE reads.  The PE reads an SPM word (8
 * bytes) only when it moves to another word: an LDW reads its 8 zero
 * points and its 8 weight columns in one word each (2 reads); an MM
 * row reads addresses y * 19 + [0, 17) for y = 0, 2, .. 14, 3 words
 * each, 24 reads per MM; 4 x (2 + 24) = 104 cycles in all (sim:
 * busy_dma_out 4737, cycles 4778; 5241 and 5282 when the PE read the
 * SPM at every position).  The same work on partitions the PE does not
 * read is not slowed (sim: busy_dma_out 2329).
 */
static int pe_reads_stall_dma_out(void)
{
	struct prog p = { .n = 0 };
	atoll_cmd_time t[10];
	atoll_hwcfg hw;
	uint32_t *w;
	uint64_t c;
	int i;

	hw_default(&hw);
	w = dma(&p, ATOLL_OP_DMA_OUT, 0, 576);
	SET(w, DMA_COUNT1, 8);
	SET(w, DMA_DRAM_STRIDE1, 576);
	SET(w, DMA_PART_STRIDE1, 1);
	for (i = 0; i < 4; i++) {
		ldw(&p, 8, 8);
		mm_tap(&p, 8, i > 0);
	}
	end(&p);
	CHECK(timeline(&p, &hw, t, &c) == 0);
	CHECK(t[0].done - t[0].start - 1 == 4608 + 25 + 104);
	CHECK(c == 4778);
	p.n = 0;
	w = dma(&p, ATOLL_OP_DMA_OUT, 0, 576);
	SET(w, DMA_COUNT1, 4);
	SET(w, DMA_SPM_PART, 4);
	SET(w, DMA_DRAM_STRIDE1, 576);
	SET(w, DMA_PART_STRIDE1, 1);
	for (i = 0; i < 2; i++) {
		ldw(&p, 4, 8);
		mm_tap(&p, 4, i > 0);
	}
	end(&p);
	CHECK(timeline(&p, &hw, t, &c) == 0);
	CHECK(t[0].done - t[0].start - 1 == 2304 + 25);
	CHECK(c == 2370);
	return 0;
}

/* Command fetches have priority on the read-address channel: a DMA_IN
 * of 1024 bytes 64 apart (busy 1360 alone) while the command processor
 * fetches 40 SIGNALs needs 1592 cycles (sim: busy_dma_in 1592, cycles
 * 1633).
 */
static int fetches_delay_dma_in(void)
{
	struct prog p = { .n = 0 };
	atoll_cmd_time t[42];
	atoll_hwcfg hw;
	uint32_t *w;
	uint64_t c;
	int i;

	hw_default(&hw);
	w = dma(&p, ATOLL_OP_DMA_IN, 0, 1024);
	SET(w, DMA_DRAM_STRIDE0, 64);
	CHECK(atoll_predict_busy(w, &hw) == 1360);
	for (i = 0; i < 40; i++)
		sem(&p, ATOLL_OP_SIGNAL, 1, 0, 0);
	end(&p);
	CHECK(timeline(&p, &hw, t, &c) == 0);
	CHECK(t[0].done - t[0].start - 1 == 1592);
	CHECK(c == 1633);
	return 0;
}

/* An ACT of 16 x 16 positions over 8 partitions, SPM int8 source at
 * 0x800 ("st" 3) or PSUM ("st" 0), uint8 destination at 0x400: busy
 * 1 + 1 + 255 + 1 + 1 = 259.
 */
static void act_16x16(struct prog *p, uint32_t st)
{
	uint32_t *w = add(p, ATOLL_OP_ACT);

	SET(w, ACT_SRC_TYPE, st);
	SET(w, ACT_SRC_ADDR, st ? 0x800 : 0);
	SET(w, ACT_NPARTS, 8);
	SET(w, ACT_N0, 16);
	SET(w, ACT_N1, 16);
	SET(w, ACT_SS0, 1);
	SET(w, ACT_SS1, 16);
	SET(w, ACT_DS0, 1);
	SET(w, ACT_DS1, 16);
	SET(w, ACT_DST_ADDR, 0x400);
	SET(w, ACT_MULT, 1);
	SET(w, ACT_CMAX, 255);
}

/* The ACT engine reads all its partitions in every cycle of its run,
 * with priority over DMA-out: a DMA_OUT of 8 x 256 bytes (busy 2073
 * alone) waits while the ACT reads its 256 positions, 256 cycles (sim:
 * busy_dma_out 2329, cycles 2370).  With a PSUM source the ACT reads no
 * SPM and the DMA_OUT is not slowed (sim: 2073, cycles 2114).
 */
static int act_reads_stall_dma_out(void)
{
	struct prog p = { .n = 0 };
	atoll_cmd_time t[3];
	atoll_hwcfg hw;
	static const uint32_t src[] = { 3, 0 };
	uint32_t *w, st;
	uint64_t c;
	size_t k;

	hw_default(&hw);
	for (k = 0; k < sizeof(src) / sizeof(src[0]); k++) {
		st = src[k];
		p.n = 0;
		w = dma(&p, ATOLL_OP_DMA_OUT, 0, 256);
		SET(w, DMA_COUNT1, 8);
		SET(w, DMA_DRAM_STRIDE1, 256);
		SET(w, DMA_PART_STRIDE1, 1);
		act_16x16(&p, st);
		end(&p);
		CHECK(timeline(&p, &hw, t, &c) == 0);
		CHECK(t[1].done - t[1].start - 1 == 259);
		CHECK(t[0].done - t[0].start - 1 == (st ? 2329 : 2073));
		CHECK(c == (st ? 2370 : 2114));
	}
	return 0;
}

/* The ACT engine's writes have priority over DMA-in's, and device memory
 * answers reads in order: a DMA_IN of 8 bytes into partition 0 while an
 * ACT writes partitions 0..7 gets its data at 74 but writes only when
 * the ACT is done (q = 303, busy 258), and the read data of every fetch
 * sent after its read wait behind it, so the 12 SIGNALs behind take
 * until 465 (sim: 465; 312 if the fetches were not held up).
 */
static int act_writes_hold_fetch(void)
{
	struct prog p = { .n = 0 };
	atoll_cmd_time t[16];
	atoll_hwcfg hw;
	uint64_t c;
	int i;

	hw_default(&hw);
	act_16x16(&p, 0);
	dma(&p, ATOLL_OP_DMA_IN, 0, 8);
	for (i = 0; i < 12; i++)
		sem(&p, ATOLL_OP_SIGNAL, 1, 0, 0);
	end(&p);
	CHECK(timeline(&p, &hw, t, &c) == 0);
	CHECK(t[1].start == 53 && t[1].done == 312);
	CHECK(t[4].take == 312);
	CHECK(c == 465);
	return 0;
}

/* No END, or a WAIT no SIGNAL releases: no prediction. */
static int no_prediction(void)
{
	struct prog p = { .n = 0 };
	atoll_hwcfg hw;
	uint64_t c = 1;

	hw_default(&hw);
	sem(&p, ATOLL_OP_SIGNAL, 0, 0, 0);
	CHECK(timeline(&p, &hw, NULL, &c) == -1 && c == 0);
	p.n = 0;
	sem(&p, ATOLL_OP_WAIT, 2, 0, 1);
	end(&p);
	c = 1;
	CHECK(timeline(&p, &hw, NULL, &c) == -1 && c == 0);
	return 0;
}

/* ---------------------------------------------------- bundle groups */

static void group(atoll_bgroup *g, const char *name, uint32_t first,
	uint32_t n)
{
	memset(g, 0, sizeof(*g));
	snprintf(g->name, sizeof(g->name), "%s", name);
	g->first_cmd = first;
	g->ncmds = n;
}

/* Each command adds the growth of the running maximum of the done
 * times to its group; commands outside every group (here END, whose
 * drain at 93 is the last event) go to the group before them.  Four
 * SIGNALs on DMA-in are done at 35, 44, 65, 74: groups [0, 2), an empty
 * one, [2, 4) get 44, 0, 93 - 44 = 49, summing to the 93 cycles.
 */
static int groups_sum_to_total(void)
{
	struct prog p = { .n = 0 };
	atoll_bgroup g[3];
	atoll_bundle b;
	atoll_hwcfg hw;
	int i;

	hw_default(&hw);
	for (i = 0; i < 4; i++)
		sem(&p, ATOLL_OP_SIGNAL, 0, 0, 0);
	end(&p);
	memset(&b, 0, sizeof(b));
	b.ncmds = p.n;
	b.cmds = &p.w[0][0];
	b.ngroups = 3;
	b.groups = g;
	group(&g[0], "a", 0, 2);
	group(&g[1], "empty", 2, 0);
	group(&g[2], "b", 2, 2);
	CHECK(atoll_predict(&b, &hw) == 0);
	CHECK(g[0].counters[ATOLL_CNT_CYCLES] == 44);
	CHECK(g[1].counters[ATOLL_CNT_CYCLES] == 0);
	CHECK(g[2].counters[ATOLL_CNT_CYCLES] == 49);
	CHECK(g[0].counters[ATOLL_CNT_CMD_FETCH] == 2 * ATOLL_CMD_BYTES);
	group(&g[0], "a", 1, 1);
	CHECK(atoll_predict(&b, &hw) == 0);
	CHECK(g[0].counters[ATOLL_CNT_CYCLES] == 44);
	return 0;
}

/* A deadlocking stream still compiles: its groups carry no cycles. */
static int groups_without_prediction(void)
{
	struct prog p = { .n = 0 };
	atoll_bgroup g[1];
	atoll_bundle b;
	atoll_hwcfg hw;

	hw_default(&hw);
	sem(&p, ATOLL_OP_WAIT, 2, 0, 1);
	end(&p);
	memset(&b, 0, sizeof(b));
	b.ncmds = p.n;
	b.cmds = &p.w[0][0];
	b.ngroups = 1;
	b.groups = g;
	group(&g[0], "a", 0, 2);
	CHECK(atoll_predict(&b, &hw) == 0);
	CHECK(g[0].counters[ATOLL_CNT_CYCLES] == 0);
	CHECK(g[0].counters[ATOLL_CNT_CMD_FETCH] == 2 * ATOLL_CMD_BYTES);
	return 0;
}

static const struct test_case cases[] = {
	{ "busy cycles per command (sim values)", busy_table },
	{ "END alone", end_only },
	{ "two fetch slots", fetch_two_slots },
	{ "independent engines overlap", engines_overlap },
	{ "a WAIT delays its engine", wait_delays },
	{ "a WAIT counts increments in time order", wait_counts_increments },
	{ "a full queue blocks dispatch", queue_full_blocks },
	{ "PE reads stall DMA_OUT reads", pe_reads_stall_dma_out },
	{ "command fetches delay DMA_IN reads", fetches_delay_dma_in },
	{ "ACT reads stall DMA_OUT reads", act_reads_stall_dma_out },
	{ "ACT writes stall DMA_IN, which holds fetches up",
		act_writes_hold_fetch },
	{ "no END or a deadlock: no prediction", no_prediction },
	{ "group cycles sum to the total", groups_sum_to_total },
	{ "deadlock: groups carry no cycles", groups_without_prediction },
};

TEST_MAIN(cases)
