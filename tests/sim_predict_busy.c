/*
 * The compiler's per-command busy cycles (compiler/predict.c,
 * atoll_predict_busy; docs/traffic.md, "Compiler cycle prediction")
 * against the Verilator model of rtl/: each ACT, ADD and POOL of the
 * table runs alone on the sim (latency 20, as the sim backend) and its
 * busy_act counter must equal the prediction exactly; the whole run's
 * cycles must equal atoll_predict_timeline.  Written when the ACT engine
 * became lane-parallel (one lane per partition), so that a change of its
 * pipeline shows up here and not only as a drift of model predictions.
 * The DMA rows (busy_dma_in / busy_dma_out) were added with the chunked
 * DMA (up to a bus word per cycle): contiguous and partition-parallel
 * patterns, aligned and not, fills, and a strided one-byte-per-cycle
 * pattern for comparison.  MOVE rows (busy_dma_out) came with MOVE.
 * The MOVE shapes of move_table came with the MOVE chunks (up to an SPM
 * word per cycle when dimension 0 is contiguous in one partition on both
 * sides): aligned and unaligned runs on either side, runs shorter than a
 * word and across several words, under outer dimensions that change
 * partition or go backwards; their busy cycles are also checked against
 * the chunks counted element by element here.  move_din_table runs a
 * MOVE next to a DMA_IN whose SPM writes it yields to.
 * The PE rows (busy_pe) and the PE sequences
 * (cycles only) came with the double-buffered weights: LDW and MM
 * alone, and LDW / MM runs whose commands overlap the drain of the one
 * before, including an LDW that waits for the weight bank it loads.
 * The ACT NB rows (4-byte parameter records) and the DMA of 4-byte
 * records came with ACT NB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atoll_isa.h"
#include "harness.h"
#include "hwcfg.h"
#include "hwsim.h"
#include "predict.h"

#define SET(w, f, v) ATOLL_SET(w, ATOLL_##f, v)
#define SIM_DRAM (1u << 20)
#define CMD_BASE 0x1000u

static void act(uint32_t *w, uint32_t st, uint32_t dt, uint32_t pp,
	uint32_t np, uint32_t n0, uint32_t n1)
{
	w[0] = ATOLL_OP_ACT;
	SET(w, ACT_SRC_TYPE, st);
	SET(w, ACT_DST_TYPE, dt);
	SET(w, ACT_PP, pp);
	SET(w, ACT_NPARTS, np);
	SET(w, ACT_N0, n0);
	SET(w, ACT_N1, n1);
	SET(w, ACT_SS0, 1);
	SET(w, ACT_SS1, n0);
	SET(w, ACT_DS0, 1);
	SET(w, ACT_DS1, n0);
	SET(w, ACT_DST_ADDR, 0x400);
	SET(w, ACT_PARAM_ADDR, 0x800);
	SET(w, ACT_MULT, 1 << 20);
	SET(w, ACT_SHIFT, 20);
	SET(w, ACT_CMIN, (uint32_t) -128);
	SET(w, ACT_CMAX, 255);
}

static void mk_act_psum(uint32_t *w)
{
	act(w, 0, 0, 0, 8, 16, 4);
}

static void mk_act_pp(uint32_t *w)
{
	act(w, 0, 0, 1, 8, 32, 1);
}

/* NB: the 4-byte record, 4 cycles shorter than mk_act_pp. */
static void mk_act_pp_nb(uint32_t *w)
{
	mk_act_pp(w);
	SET(w, ACT_NB, 1);
}

/* One element, where the record read is most of the command. */
static void mk_act_one_nb(uint32_t *w)
{
	act(w, 1, 2, 1, 3, 1, 1);
	SET(w, ACT_NB, 1);
}

/* NB without PP is ignored: as mk_act_i8. */
static void mk_act_i8_nb(uint32_t *w)
{
	act(w, 3, 1, 0, 5, 7, 3);
	SET(w, ACT_NB, 1);
}

static void mk_act_i8(uint32_t *w)
{
	act(w, 3, 1, 0, 5, 7, 3);
}

static void mk_act_i8_i32(uint32_t *w)
{
	act(w, 2, 2, 0, 3, 9, 2);
}

static void mk_act_i32_i8(uint32_t *w)
{
	act(w, 1, 0, 0, 4, 6, 2);
}

static void mk_act_i32(uint32_t *w)
{
	act(w, 1, 2, 0, 2, 5, 3);
}

static void mk_act_one(uint32_t *w)
{
	act(w, 0, 0, 0, 1, 1, 1);
}

static void mk_add(uint32_t *w)
{
	w[0] = ATOLL_OP_ADD;
	SET(w, ADD_NPARTS, 3);
	SET(w, ADD_N0, 5);
	SET(w, ADD_N1, 2);
	SET(w, ADD_AS0, 1);
	SET(w, ADD_AS1, 5);
	SET(w, ADD_B_ADDR, 0x100);
	SET(w, ADD_BS0, 1);
	SET(w, ADD_BS1, 5);
	SET(w, ADD_DST_ADDR, 0x200);
	SET(w, ADD_DS0, 1);
	SET(w, ADD_DS1, 5);
	SET(w, ADD_CMAX, 255);
}

static void mk_add_big(uint32_t *w)
{
	mk_add(w);
	SET(w, ADD_NPARTS, 8);
	SET(w, ADD_N0, 40);
	SET(w, ADD_N1, 3);
	SET(w, ADD_AS1, 40);
	SET(w, ADD_BS1, 40);
	SET(w, ADD_DS1, 40);
}

static void pool(uint32_t *w, uint32_t np, uint32_t avg, uint32_t pad)
{
	w[0] = ATOLL_OP_POOL;
	SET(w, POOL_NPARTS, np);
	SET(w, POOL_AVG, avg);
	SET(w, POOL_COUNT_PAD, pad);
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
	SET(w, POOL_Y0, (uint32_t) -3);
	SET(w, POOL_X0, (uint32_t) -4);
	SET(w, POOL_DST_ADDR, 0x400);
	SET(w, POOL_DS0, 1);
	SET(w, POOL_DS1, 5);
	SET(w, POOL_MULT, 1);
	SET(w, POOL_CMAX, 255);
}

static void mk_pool_max(uint32_t *w)
{
	pool(w, 3, 0, 0);
}

static void mk_pool_avg(uint32_t *w)
{
	pool(w, 2, 1, 0);
}

static void mk_pool_avg_pad(uint32_t *w)
{
	pool(w, 8, 1, 1);
}

static void mk_pool_2x2(uint32_t *w)
{
	pool(w, 8, 0, 0);
	SET(w, POOL_KH, 2);
	SET(w, POOL_KW, 2);
	SET(w, POOL_DY, 1);
	SET(w, POOL_SY, 2);
	SET(w, POOL_SX, 2);
	SET(w, POOL_Y0, 0);
	SET(w, POOL_X0, 0);
	SET(w, POOL_N0, 4);
}

/* A DMA of "rows" rows of "n" elements from DRAM "dram": "kind" 0 one
 * partition, SPM stride 1 (chunked), 1 across partitions at one address
 * (chunked, n <= 8), 2 SPM stride 2 (one element per cycle).
 */
static void dma(uint32_t *w, uint32_t op, uint32_t dram, uint32_t n,
	uint32_t rows, int kind, int fill)
{
	w[0] = op;
	SET(w, DMA_FILL_EN, fill);
	SET(w, DMA_FILL_VALUE, 0x5a);
	SET(w, DMA_DRAM_BASE, dram);
	SET(w, DMA_SPM_ADDR, 0x100);
	SET(w, DMA_DRAM_STRIDE0, 1);
	SET(w, DMA_DRAM_STRIDE1, n + 3);
	SET(w, DMA_SPM_STRIDE0, kind == 1 ? 0 : kind == 0 ? 1 : 2);
	SET(w, DMA_PART_STRIDE0, kind == 1);
	SET(w, DMA_SPM_STRIDE1, kind == 1 ? 1 : 2 * n);
	SET(w, DMA_COUNT0, n);
	SET(w, DMA_COUNT1, rows);
	SET(w, DMA_COUNT2, 1);
	SET(w, DMA_COUNT3, 1);
}

static void mk_dma_in_c(uint32_t *w)
{
	dma(w, ATOLL_OP_DMA_IN, 0x10000, 4096, 1, 0, 0);
}

static void mk_dma_in_c_odd(uint32_t *w)
{
	dma(w, ATOLL_OP_DMA_IN, 0x10003, 37, 9, 0, 0);
}

static void mk_dma_in_p(uint32_t *w)
{
	dma(w, ATOLL_OP_DMA_IN, 0x10005, 7, 50, 1, 0);
}

static void mk_dma_in_narrow(uint32_t *w)
{
	dma(w, ATOLL_OP_DMA_IN, 0x10000, 300, 2, 2, 0);
}

/* The ACT parameter records of 8 output channels as the compiler loads
 * them (compiler/conv.c): one aligned 8-byte record per partition.
 */
static void mk_dma_in_records(uint32_t *w)
{
	dma(w, ATOLL_OP_DMA_IN, 0x10040, ATOLL_PARAM_BYTES, 8, 0, 0);
	SET(w, DMA_DRAM_STRIDE1, ATOLL_PARAM_BYTES);
	SET(w, DMA_SPM_STRIDE1, 0);
	SET(w, DMA_PART_STRIDE1, 1);
}

/* The same with the 4-byte records of ACT NB (a product without bias). */
static void mk_dma_in_records_nb(uint32_t *w)
{
	dma(w, ATOLL_OP_DMA_IN, 0x10040, ATOLL_PARAM_NB_BYTES, 8, 0, 0);
	SET(w, DMA_DRAM_STRIDE1, ATOLL_PARAM_NB_BYTES);
	SET(w, DMA_SPM_STRIDE1, 0);
	SET(w, DMA_PART_STRIDE1, 1);
}

static void mk_dma_in_fill(uint32_t *w)
{
	dma(w, ATOLL_OP_DMA_IN, 0x10003, 37, 9, 0, 1);
}

static void mk_dma_out_c(uint32_t *w)
{
	dma(w, ATOLL_OP_DMA_OUT, 0x20001, 512, 2, 0, 0);
}

static void mk_dma_out_p(uint32_t *w)
{
	dma(w, ATOLL_OP_DMA_OUT, 0x20000, 8, 64, 1, 0);
}

static void mk_dma_out_fill(uint32_t *w)
{
	dma(w, ATOLL_OP_DMA_OUT, 0x20006, 100, 3, 2, 1);
}

static void mk_dma_out_narrow(uint32_t *w)
{
	dma(w, ATOLL_OP_DMA_OUT, 0x20000, 200, 2, 2, 0);
}

/* A MOVE of "n0" x "n1" elements: source partition "sp" from address
 * 0x100 (partition stride "sps", address stride "ss" on dimension 0,
 * "ss1" on dimension 1), destination partition 0 from 0x4000
 * (dimension 0 across partitions when "xpose").
 */
static void move(uint32_t *w, uint32_t n0, uint32_t n1, int32_t sps,
	int32_t ss, int32_t ss1, int xpose)
{
	w[0] = ATOLL_OP_MOVE;
	SET(w, MOVE_SRC_PART, sps < 0 ? 7 : 0);
	SET(w, MOVE_SRC_ADDR, ss < 0 || ss1 < 0 ? 0x2000 : 0x100);
	SET(w, MOVE_DST_PART, 0);
	SET(w, MOVE_DST_ADDR, 0x4000);
	SET(w, MOVE_SRC_PSTRIDE0, (uint32_t) sps);
	SET(w, MOVE_SRC_STRIDE0, (uint32_t) ss);
	SET(w, MOVE_SRC_STRIDE1, (uint32_t) ss1);
	SET(w, MOVE_DST_PSTRIDE0, xpose ? 1 : 0);
	SET(w, MOVE_DST_STRIDE0, xpose ? 0 : 1);
	SET(w, MOVE_DST_STRIDE1, xpose ? 1 : n0);
	SET(w, MOVE_COUNT0, n0);
	SET(w, MOVE_COUNT1, n1);
	SET(w, MOVE_COUNT2, 1);
	SET(w, MOVE_COUNT3, 1);
}

static void mk_move_c(uint32_t *w)
{
	move(w, 300, 2, 0, 1, 300, 0);
}

static void mk_move_xpose(uint32_t *w)
{
	move(w, 8, 64, 0, 1, 8, 1);
}

static void mk_move_neg(uint32_t *w)
{
	move(w, 8, 20, -1, -3, -40, 0);
}

static void mk_move_one(uint32_t *w)
{
	move(w, 1, 1, 0, 1, 1, 0);
}

/* A MOVE from partition "sp", address "sa" to partition "dp", address
 * "da": counts "c"; per dimension, source partition and address strides
 * "sps", "ss", destination ones "dps", "ds".
 */
struct mv {
	uint32_t sp, sa, dp, da;
	uint32_t c[4];
	int32_t sps[4], ss[4], dps[4], ds[4];
};

static void mv_encode(uint32_t *w, const struct mv *m)
{
	w[0] = ATOLL_OP_MOVE;
	SET(w, MOVE_SRC_PART, m->sp);
	SET(w, MOVE_SRC_ADDR, m->sa);
	SET(w, MOVE_DST_PART, m->dp);
	SET(w, MOVE_DST_ADDR, m->da);
	SET(w, MOVE_COUNT0, m->c[0]);
	SET(w, MOVE_COUNT1, m->c[1] ? m->c[1] : 1);
	SET(w, MOVE_COUNT2, m->c[2] ? m->c[2] : 1);
	SET(w, MOVE_COUNT3, m->c[3] ? m->c[3] : 1);
	SET(w, MOVE_SRC_PSTRIDE0, (uint32_t) m->sps[0]);
	SET(w, MOVE_SRC_PSTRIDE1, (uint32_t) m->sps[1]);
	SET(w, MOVE_SRC_PSTRIDE2, (uint32_t) m->sps[2]);
	SET(w, MOVE_SRC_PSTRIDE3, (uint32_t) m->sps[3]);
	SET(w, MOVE_SRC_STRIDE0, (uint32_t) m->ss[0]);
	SET(w, MOVE_SRC_STRIDE1, (uint32_t) m->ss[1]);
	SET(w, MOVE_SRC_STRIDE2, (uint32_t) m->ss[2]);
	SET(w, MOVE_SRC_STRIDE3, (uint32_t) m->ss[3]);
	SET(w, MOVE_DST_PSTRIDE0, (uint32_t) m->dps[0]);
	SET(w, MOVE_DST_PSTRIDE1, (uint32_t) m->dps[1]);
	SET(w, MOVE_DST_PSTRIDE2, (uint32_t) m->dps[2]);
	SET(w, MOVE_DST_PSTRIDE3, (uint32_t) m->dps[3]);
	SET(w, MOVE_DST_STRIDE0, (uint32_t) m->ds[0]);
	SET(w, MOVE_DST_STRIDE1, (uint32_t) m->ds[1]);
	SET(w, MOVE_DST_STRIDE2, (uint32_t) m->ds[2]);
	SET(w, MOVE_DST_STRIDE3, (uint32_t) m->ds[3]);
}

/* The chunks of MOVE "w" element by element (rtl/atoll_move.sv): with
 * dimension 0 contiguous in one partition on both sides, an element
 * continues the chunk of the element before unless it starts a row or
 * its source or destination address starts an SPM word of "bus" bytes;
 * otherwise every element is a chunk.
 */
static uint64_t move_chunks_ref(const uint32_t *w, uint64_t bus)
{
	uint64_t c[4], i[4], k = 0;
	int64_t sa, da;
	int wide = bus > 1 && ATOLL_GETS(w, ATOLL_MOVE_SRC_PSTRIDE0) == 0 &&
		ATOLL_GETS(w, ATOLL_MOVE_DST_PSTRIDE0) == 0 &&
		ATOLL_GETS(w, ATOLL_MOVE_SRC_STRIDE0) == 1 &&
		ATOLL_GETS(w, ATOLL_MOVE_DST_STRIDE0) == 1;

	c[0] = ATOLL_GETU(w, ATOLL_MOVE_COUNT0);
	c[1] = ATOLL_GETU(w, ATOLL_MOVE_COUNT1);
	c[2] = ATOLL_GETU(w, ATOLL_MOVE_COUNT2);
	c[3] = ATOLL_GETU(w, ATOLL_MOVE_COUNT3);
	for (i[3] = 0; i[3] < c[3]; i[3]++)
	for (i[2] = 0; i[2] < c[2]; i[2]++)
	for (i[1] = 0; i[1] < c[1]; i[1]++)
	for (i[0] = 0; i[0] < c[0]; i[0]++) {
		sa = ATOLL_GETU(w, ATOLL_MOVE_SRC_ADDR) +
			(int64_t) i[0] * ATOLL_GETS(w, ATOLL_MOVE_SRC_STRIDE0) +
			(int64_t) i[1] * ATOLL_GETS(w, ATOLL_MOVE_SRC_STRIDE1) +
			(int64_t) i[2] * ATOLL_GETS(w, ATOLL_MOVE_SRC_STRIDE2) +
			(int64_t) i[3] * ATOLL_GETS(w, ATOLL_MOVE_SRC_STRIDE3);
		da = ATOLL_GETU(w, ATOLL_MOVE_DST_ADDR) +
			(int64_t) i[0] * ATOLL_GETS(w, ATOLL_MOVE_DST_STRIDE0) +
			(int64_t) i[1] * ATOLL_GETS(w, ATOLL_MOVE_DST_STRIDE1) +
			(int64_t) i[2] * ATOLL_GETS(w, ATOLL_MOVE_DST_STRIDE2) +
			(int64_t) i[3] * ATOLL_GETS(w, ATOLL_MOVE_DST_STRIDE3);
		k += !wide || i[0] == 0 || sa % (int64_t) bus == 0 ||
			da % (int64_t) bus == 0;
	}
	return k;
}

static void mk_ldw(uint32_t *w, uint32_t nrows, uint32_t ncols)
{
	w[0] = ATOLL_OP_LDW;
	SET(w, LDW_NROWS, nrows);
	SET(w, LDW_NCOLS, ncols);
	SET(w, LDW_W_ADDR, 0x400);
	SET(w, LDW_ZP_ADDR, 0x500);
}

static void mk_mm(uint32_t *w, uint32_t n0, uint32_t n1, uint32_t acc)
{
	w[0] = ATOLL_OP_MM;
	SET(w, MM_NROWS, 8);
	SET(w, MM_NCOLS, 8);
	SET(w, MM_H, 16);
	SET(w, MM_W, 16);
	SET(w, MM_PITCH, 16);
	SET(w, MM_Y0, (uint32_t) -1);
	SET(w, MM_X0, (uint32_t) -1);
	SET(w, MM_SY, 1);
	SET(w, MM_SX, 1);
	SET(w, MM_N0, n0);
	SET(w, MM_N1, n1);
	SET(w, MM_PS0, 1);
	SET(w, MM_PS1, n0);
	SET(w, MM_ACC, acc);
}

static void mk_ldw_4x3(uint32_t *w)
{
	mk_ldw(w, 4, 3);
}

/* zero points 0x505 .. 0x50c: two SPM words, read one per cycle */
static void mk_ldw_zp_unaligned(uint32_t *w)
{
	mk_ldw(w, 8, 8);
	SET(w, LDW_ZP_ADDR, 0x505);
}

static void mk_mm_7(uint32_t *w)
{
	mk_mm(w, 7, 1, 1);
}

static void mk_mm_pad(uint32_t *w)
{
	mk_mm(w, 10, 6, 0);
}

static const struct busy_case {
	const char *name;
	void (*make)(uint32_t *w);
} busy_cases[] = {
	{ "ACT PSUM -> uint8, 8 x 64", mk_act_psum },
	{ "ACT PSUM, PP, 8 x 32", mk_act_pp },
	{ "ACT PSUM, PP NB, 8 x 32", mk_act_pp_nb },
	{ "ACT int32 -> int32, PP NB, one element", mk_act_one_nb },
	{ "ACT int8 -> int8, NB without PP, 5 x 21", mk_act_i8_nb },
	{ "ACT int8 -> int8, 5 x 21", mk_act_i8 },
	{ "ACT uint8 -> int32, 3 x 18", mk_act_i8_i32 },
	{ "ACT int32 -> uint8, 4 x 12", mk_act_i32_i8 },
	{ "ACT int32 -> int32, 2 x 15", mk_act_i32 },
	{ "ACT one element", mk_act_one },
	{ "ADD 3 x 10", mk_add },
	{ "ADD 8 x 120", mk_add_big },
	{ "POOL max 3 x 20, padded 3x3", mk_pool_max },
	{ "POOL avg 2 x 20, padded 3x3", mk_pool_avg },
	{ "POOL avg count_pad 8 x 20, 3x3", mk_pool_avg_pad },
	{ "POOL max 8 x 16, 2x2", mk_pool_2x2 },
	{ "DMA_IN 4096 contiguous", mk_dma_in_c },
	{ "DMA_IN 9 x 37 contiguous, unaligned", mk_dma_in_c_odd },
	{ "DMA_IN 50 x 7 partitions, unaligned", mk_dma_in_p },
	{ "DMA_IN 2 x 300 SPM stride 2", mk_dma_in_narrow },
	{ "DMA_IN 8 x 8-byte records", mk_dma_in_records },
	{ "DMA_IN 8 x 4-byte records", mk_dma_in_records_nb },
	{ "DMA_IN fill 9 x 37", mk_dma_in_fill },
	{ "DMA_OUT 2 x 512 contiguous, unaligned", mk_dma_out_c },
	{ "DMA_OUT 64 x 8 partitions", mk_dma_out_p },
	{ "DMA_OUT fill 3 x 100", mk_dma_out_fill },
	{ "DMA_OUT 2 x 200 SPM stride 2", mk_dma_out_narrow },
	{ "MOVE 2 x 300 contiguous", mk_move_c },
	{ "MOVE 64 x 8 transpose to partitions", mk_move_xpose },
	{ "MOVE 20 x 8 negative strides", mk_move_neg },
	{ "MOVE one element", mk_move_one },
	{ "LDW 4 x 3", mk_ldw_4x3 },
	{ "LDW 8 x 8, zero points in 2 words", mk_ldw_zp_unaligned },
	{ "MM 7 positions, ACC", mk_mm_7 },
	{ "MM 10 x 6, padded", mk_mm_pad },
};

/* LDW / MM runs: n LDW + MM pairs (LDW 8 x "nc", MM of "n0" x "n1"
 * positions, ACC from the second), "twice" an LDW more after the last
 * one (two LDWs in a row), "sig" a PE SIGNAL at the end; "wait": the PE
 * commands queue up behind a WAIT that a SIGNAL after them releases,
 * so that they follow each other as closely as the PE allows (at most
 * QUEUE_DEPTH - 1 of them).  With LDW 8 x 2 + MM 1 the third LDW loads
 * the bank of the first MM 4 + 1 cycles after that MM, before its
 * vector left the array (ROWS + COLS + 1 = 17 cycles).
 */
static const struct seq_case {
	const char *name;
	uint32_t pairs, nc, n0, n1, twice, sig, wait;
} seq_cases[] = {
	{ "4 x LDW 8 x 8 + MM 64", 4, 8, 8, 8, 0, 0, 0 },
	{ "3 x LDW 8 x 8 + MM 64, SIGNAL", 3, 8, 8, 8, 0, 1, 0 },
	{ "3 x LDW 8 x 8 + MM 64, queued", 3, 8, 8, 8, 0, 0, 1 },
	{ "4 x LDW 8 x 2 + MM 1", 4, 2, 1, 1, 0, 0, 0 },
	{ "3 x LDW 8 x 2 + MM 1, queued (LDW waits)", 3, 2, 1, 1, 0, 0, 1 },
	{ "3 x LDW 8 x 3 + MM 5, queued", 3, 3, 5, 1, 0, 0, 1 },
	{ "4 x LDW 8 x 3 + MM 5, SIGNAL", 4, 3, 5, 1, 0, 1, 0 },
	{ "2 x LDW 8 x 8 + MM 20, LDW LDW", 2, 8, 10, 2, 1, 0, 0 },
	{ "2 x LDW 8 x 2 + MM 3, LDW LDW, queued", 2, 2, 3, 1, 1, 0, 1 },
};

/* Run the stream "w" (n commands) alone on "h"; counters into "cnt". */
static int sim_stream(atoll_hwsim *h, const uint32_t (*w)[ATOLL_CMD_WORDS],
	uint32_t n, uint64_t *cnt)
{
	uint8_t buf[ATOLL_CMD_BYTES];
	uint32_t i, j, k, err, lo, hi;

	for (i = 0; i < n; i++) {
		for (j = 0; j < ATOLL_CMD_WORDS; j++)
			for (k = 0; k < 4; k++)
				buf[4 * j + k] = (uint8_t) (w[i][j] >> (8 * k));
		if (atoll_hwsim_mem_write(h, CMD_BASE + ATOLL_CMD_BYTES * i,
		    buf, sizeof(buf)))
			return -1;
	}
	if (atoll_hwsim_csr_write(h, ATOLL_CSR_CMD_BASE, CMD_BASE) ||
	    atoll_hwsim_csr_write(h, ATOLL_CSR_CMD_COUNT, n) ||
	    atoll_hwsim_csr_write(h, ATOLL_CSR_WIN_LO, 0) ||
	    atoll_hwsim_csr_write(h, ATOLL_CSR_WIN_HI, SIM_DRAM) ||
	    atoll_hwsim_csr_write(h, ATOLL_CSR_CTRL, 1))
		return -1;
	if (atoll_hwsim_run(h, 10000000, NULL) != ATOLL_HWSIM_DONE)
		return -1;
	if (atoll_hwsim_csr_read(h, ATOLL_CSR_ERROR, &err) || err)
		return -1;
	for (i = 0; i < ATOLL_CNT_COUNT; i++) {
		if (atoll_hwsim_csr_read(h, ATOLL_CSR_COUNTERS + 8 * i, &lo) ||
		    atoll_hwsim_csr_read(h, ATOLL_CSR_COUNTERS + 8 * i + 4,
			&hi))
			return -1;
		cnt[i] = (uint64_t) hi << 32 | lo;
	}
	return 0;
}

static int busy_table(void)
{
	uint32_t w[2][ATOLL_CMD_WORDS];
	uint64_t cnt[ATOLL_CNT_COUNT], busy, cycles, sim;
	atoll_hwcfg hw;
	atoll_hwsim *h;
	size_t i;
	int bad = 0;

	atoll_hwcfg_default(&hw);
	h = atoll_hwsim_create(NULL, SIM_DRAM, ATOLL_PRED_MEM_LATENCY, 0);
	CHECK(h);
	for (i = 0; i < sizeof(busy_cases) / sizeof(busy_cases[0]); i++) {
		memset(w, 0, sizeof(w));
		busy_cases[i].make(w[0]);
		w[1][0] = ATOLL_OP_END;
		busy = atoll_predict_busy(w[0], &hw);
		if (sim_stream(h, (const uint32_t (*)[ATOLL_CMD_WORDS]) w, 2,
		    cnt) < 0 || atoll_predict_timeline(&w[0][0], 2, &hw, NULL,
		    &cycles) < 0) {
			fprintf(stderr, "  %s: run failed\n",
				busy_cases[i].name);
			bad = 1;
			continue;
		}
		sim = cnt[ATOLL_CNT_BUSY_ACT] + cnt[ATOLL_CNT_BUSY_DMAIN] +
			cnt[ATOLL_CNT_BUSY_DMAOUT] + cnt[ATOLL_CNT_BUSY_PE];
		printf("  %-40s busy %6llu cycles %6llu\n", busy_cases[i].name,
			(unsigned long long) sim,
			(unsigned long long) cnt[ATOLL_CNT_CYCLES]);
		if (sim != busy || cnt[ATOLL_CNT_CYCLES] != cycles) {
			fprintf(stderr, "  %s: sim busy %llu cycles %llu, "
				"predicted busy %llu cycles %llu\n",
				busy_cases[i].name,
				(unsigned long long) sim,
				(unsigned long long) cnt[ATOLL_CNT_CYCLES],
				(unsigned long long) busy,
				(unsigned long long) cycles);
			bad = 1;
		}
	}
	atoll_hwsim_free(h);
	return bad;
}

static int seq_table(void)
{
	uint32_t w[16][ATOLL_CMD_WORDS];
	uint64_t cnt[ATOLL_CNT_COUNT], cycles;
	const struct seq_case *c;
	atoll_hwcfg hw;
	atoll_hwsim *h;
	size_t i;
	uint32_t n, k;
	int bad = 0;

	atoll_hwcfg_default(&hw);
	h = atoll_hwsim_create(NULL, SIM_DRAM, ATOLL_PRED_MEM_LATENCY, 0);
	CHECK(h);
	for (i = 0; i < sizeof(seq_cases) / sizeof(seq_cases[0]); i++) {
		c = &seq_cases[i];
		memset(w, 0, sizeof(w));
		n = 0;
		if (c->wait) {
			w[n][0] = ATOLL_OP_WAIT;
			SET(w[n], SEM_ENGINE, 2);
			SET(w[n], SEM_VALUE, 1);
			n++;
		}
		for (k = 0; k < c->pairs; k++) {
			mk_ldw(w[n++], 8, c->nc);
			mk_mm(w[n++], c->n0, c->n1, k > 0);
		}
		if (c->twice) {
			mk_ldw(w[n++], 8, c->nc);
			mk_ldw(w[n++], 8, c->nc);
		}
		if (c->sig) {
			w[n][0] = ATOLL_OP_SIGNAL;
			SET(w[n], SEM_ENGINE, 2);
			SET(w[n], SEM_SEM, 1);
			n++;
		}
		if (c->wait) {
			w[n][0] = ATOLL_OP_SIGNAL;
			SET(w[n], SEM_ENGINE, 0);
			n++;
		}
		w[n++][0] = ATOLL_OP_END;
		if (sim_stream(h, (const uint32_t (*)[ATOLL_CMD_WORDS]) w, n,
		    cnt) < 0 || atoll_predict_timeline(&w[0][0], n, &hw, NULL,
		    &cycles) < 0) {
			fprintf(stderr, "  %s: run failed\n", c->name);
			bad = 1;
			continue;
		}
		printf("  %-48s busy_pe %6llu cycles %6llu\n", c->name,
			(unsigned long long) cnt[ATOLL_CNT_BUSY_PE],
			(unsigned long long) cnt[ATOLL_CNT_CYCLES]);
		if (cnt[ATOLL_CNT_CYCLES] != cycles) {
			fprintf(stderr, "  %s: sim cycles %llu, predicted %llu\n",
				c->name,
				(unsigned long long) cnt[ATOLL_CNT_CYCLES],
				(unsigned long long) cycles);
			bad = 1;
		}
	}
	atoll_hwsim_free(h);
	return bad;
}

/* MOVE shapes (struct mv); an SPM word is 8 bytes in the default
 * configuration.
 */
static const struct move_case {
	const char *name;
	struct mv m;
} move_cases[] = {
	{ "1 x 256 contiguous, both aligned",
	  { 0, 0x100, 0, 0x4000, { 256 }, { 0 }, { 1 }, { 0 }, { 1 } } },
	{ "1 x 256, source +3",
	  { 0, 0x103, 0, 0x4000, { 256 }, { 0 }, { 1 }, { 0 }, { 1 } } },
	{ "1 x 100, destination +5",
	  { 0, 0x100, 1, 0x4005, { 100 }, { 0 }, { 1 }, { 0 }, { 1 } } },
	{ "1 x 100, both +6",
	  { 2, 0x106, 2, 0x4006, { 100 }, { 0 }, { 1 }, { 0 }, { 1 } } },
	{ "1 x 5 inside one word on both sides",
	  { 0, 0x101, 0, 0x4002, { 5 }, { 0 }, { 1 }, { 0 }, { 1 } } },
	{ "40 x 3, rows 5 and 11 apart",
	  { 0, 0x101, 0, 0x4002, { 3, 40 }, { 0 }, { 1, 5 }, { 0 },
	    { 1, 11 } } },
	{ "6 x 29 across partitions, +3 / +6",
	  { 0, 0x103, 2, 0x4006, { 29, 6 }, { 0, 1 }, { 1, 64 },
	    { 0, 1 }, { 1, 0 } } },
	{ "3 x 5 x 17, backwards rows, partitions",
	  { 1, 0x400, 0, 0x4001, { 17, 5, 3 }, { 0, 0, 2 },
	    { 1, -40, 7 }, { 0, 0, 1 }, { 1, 24, 130 } } },
	{ "2 x 2 x 3 x 64, 4-D",
	  { 0, 0x100, 4, 0x4003, { 64, 3, 2, 2 }, { 0, 0, 1, 2 },
	    { 1, 70, 300, 0 }, { 0, 0, 0, 1 }, { 1, 65, 200, 0 } } },
	{ "50 x 1 (count0 1)",
	  { 0, 0x100, 0, 0x4000, { 1, 50 }, { 0 }, { 1, 3 }, { 0 },
	    { 1, 1 } } },
	{ "1 x 40, destination stride 2 (one per cycle)",
	  { 0, 0x100, 0, 0x4000, { 40 }, { 0 }, { 1 }, { 0 }, { 2 } } },
	{ "1 x 40, source backwards (one per cycle)",
	  { 0, 0x200, 0, 0x4000, { 40 }, { 0 }, { -1 }, { 0 }, { 1 } } },
	{ "8 x 16, source across partitions (one per cycle)",
	  { 0, 0x100, 0, 0x4000, { 8, 16 }, { 1, 0 }, { 0, 1 }, { 0 },
	    { 1, 8 } } },
};

/* Each MOVE of move_cases alone: busy_dma_out = chunks + 3 (counted
 * element by element) = the prediction, cycles = the timeline, and the
 * byte counters count bytes.
 */
static int move_table(void)
{
	uint32_t w[2][ATOLL_CMD_WORDS];
	uint64_t cnt[ATOLL_CNT_COUNT], busy, cycles, want, n;
	atoll_hwcfg hw;
	atoll_hwsim *h;
	size_t i;
	int bad = 0;

	atoll_hwcfg_default(&hw);
	h = atoll_hwsim_create(NULL, SIM_DRAM, ATOLL_PRED_MEM_LATENCY, 0);
	CHECK(h);
	for (i = 0; i < sizeof(move_cases) / sizeof(move_cases[0]); i++) {
		memset(w, 0, sizeof(w));
		mv_encode(w[0], &move_cases[i].m);
		w[1][0] = ATOLL_OP_END;
		busy = atoll_predict_busy(w[0], &hw);
		want = move_chunks_ref(w[0], hw.dram_bus_bytes) + 3;
		n = (uint64_t) ATOLL_GETU(w[0], ATOLL_MOVE_COUNT0) *
			ATOLL_GETU(w[0], ATOLL_MOVE_COUNT1) *
			ATOLL_GETU(w[0], ATOLL_MOVE_COUNT2) *
			ATOLL_GETU(w[0], ATOLL_MOVE_COUNT3);
		if (sim_stream(h, (const uint32_t (*)[ATOLL_CMD_WORDS]) w, 2,
		    cnt) < 0 || atoll_predict_timeline(&w[0][0], 2, &hw, NULL,
		    &cycles) < 0) {
			fprintf(stderr, "  %s: run failed\n",
				move_cases[i].name);
			bad = 1;
			continue;
		}
		printf("  MOVE %-44s %5llu bytes busy %5llu cycles %5llu\n",
			move_cases[i].name, (unsigned long long) n,
			(unsigned long long) cnt[ATOLL_CNT_BUSY_DMAOUT],
			(unsigned long long) cnt[ATOLL_CNT_CYCLES]);
		if (cnt[ATOLL_CNT_BUSY_DMAOUT] != want || busy != want ||
		    cnt[ATOLL_CNT_CYCLES] != cycles ||
		    cnt[ATOLL_CNT_SPM_RD] != n || cnt[ATOLL_CNT_SPM_WR] != n) {
			fprintf(stderr, "  %s: sim busy %llu cycles %llu spm "
				"rd %llu wr %llu; chunks + 3 = %llu, predicted "
				"busy %llu cycles %llu, %llu bytes\n",
				move_cases[i].name,
				(unsigned long long) cnt[ATOLL_CNT_BUSY_DMAOUT],
				(unsigned long long) cnt[ATOLL_CNT_CYCLES],
				(unsigned long long) cnt[ATOLL_CNT_SPM_RD],
				(unsigned long long) cnt[ATOLL_CNT_SPM_WR],
				(unsigned long long) want,
				(unsigned long long) busy,
				(unsigned long long) cycles,
				(unsigned long long) n);
			bad = 1;
		}
	}
	atoll_hwsim_free(h);
	return bad;
}

/* A DMA_IN of "n" x "rows" bytes into partition "part" from 0x8000 (kind
 * 0, one partition, chunked) or into partitions from "part" (kind 1,
 * partition-parallel), from DRAM (row pitch n + 3) or a fill.
 */
static void din(uint32_t *w, uint32_t part, uint32_t n, uint32_t rows,
	int kind, int fill)
{
	dma(w, ATOLL_OP_DMA_IN, 0x10000, n, rows, kind, fill);
	SET(w, DMA_SPM_PART, part);
	SET(w, DMA_SPM_ADDR, 0x8000);
	SET(w, DMA_SPM_STRIDE1, kind == 1 ? 1 : n);
}

/* A MOVE next to a DMA_IN: "order" 0 the MOVE first (the DMA_IN starts
 * while it runs), 1 the DMA_IN first (the MOVE starts while it writes).
 */
static const struct move_din_case {
	const char *name;
	struct mv m;
	uint32_t part, n, rows;
	int kind, fill, order;
} move_din_cases[] = {
	{ "MOVE 2048, then DMA_IN fill 4096 on its partition",
	  { 0, 0x100, 0, 0x4000, { 2048 }, { 0 }, { 1 }, { 0 }, { 1 } },
	  0, 4096, 1, 0, 1, 0 },
	{ "MOVE 1500 +3, then DMA_IN 4096 on its partition",
	  { 1, 0x103, 0, 0x4000, { 1500 }, { 0 }, { 1 }, { 0 }, { 1 } },
	  0, 4096, 1, 0, 0, 0 },
	{ "DMA_IN 4096, then MOVE 2048 on its partition",
	  { 0, 0x100, 0, 0x4000, { 2048 }, { 0 }, { 1 }, { 0 }, { 1 } },
	  0, 4096, 1, 0, 0, 1 },
	{ "DMA_IN 9 x 37, then MOVE 3 x 300 +5 on its partition",
	  { 0, 0x100, 2, 0x4005, { 300, 3 }, { 0 }, { 1, 300 }, { 0 },
	    { 1, 300 } },
	  2, 37, 9, 0, 0, 1 },
	{ "DMA_IN 4096, then MOVE 2048 on another partition",
	  { 0, 0x100, 0, 0x4000, { 2048 }, { 0 }, { 1 }, { 0 }, { 1 } },
	  1, 4096, 1, 0, 0, 1 },
	{ "DMA_IN 200 x 7 partitions, then MOVE 1024 on one of them",
	  { 0, 0x100, 3, 0x4000, { 1024 }, { 0 }, { 1 }, { 0 }, { 1 } },
	  1, 7, 200, 1, 0, 1 },
	{ "DMA_IN fill 2048, then MOVE 600 one per cycle",
	  { 0, 0x100, 0, 0x4000, { 600 }, { 0 }, { 1 }, { 0 }, { 2 } },
	  0, 2048, 1, 0, 1, 1 },
};

/* Each case of move_din_cases: cycles, busy_dma_in and busy_dma_out of
 * the sim equal the timeline's.
 */
static int move_din_table(void)
{
	uint32_t w[3][ATOLL_CMD_WORDS];
	uint64_t cnt[ATOLL_CNT_COUNT], cycles, bin, bout;
	atoll_cmd_time t[3];
	const struct move_din_case *c;
	atoll_hwcfg hw;
	atoll_hwsim *h;
	size_t i;
	int bad = 0;

	atoll_hwcfg_default(&hw);
	h = atoll_hwsim_create(NULL, SIM_DRAM, ATOLL_PRED_MEM_LATENCY, 0);
	CHECK(h);
	for (i = 0; i < sizeof(move_din_cases) / sizeof(move_din_cases[0]);
	     i++) {
		c = &move_din_cases[i];
		memset(w, 0, sizeof(w));
		mv_encode(w[c->order], &c->m);
		din(w[!c->order], c->part, c->n, c->rows, c->kind, c->fill);
		w[2][0] = ATOLL_OP_END;
		if (sim_stream(h, (const uint32_t (*)[ATOLL_CMD_WORDS]) w, 3,
		    cnt) < 0 || atoll_predict_timeline(&w[0][0], 3, &hw, t,
		    &cycles) < 0) {
			fprintf(stderr, "  %s: run failed\n", c->name);
			bad = 1;
			continue;
		}
		bout = t[c->order].done - t[c->order].start - 1;
		bin = t[!c->order].done - t[!c->order].start - 1;
		printf("  %-56s busy in %5llu out %5llu cycles %5llu\n",
			c->name, (unsigned long long) cnt[ATOLL_CNT_BUSY_DMAIN],
			(unsigned long long) cnt[ATOLL_CNT_BUSY_DMAOUT],
			(unsigned long long) cnt[ATOLL_CNT_CYCLES]);
		if (cnt[ATOLL_CNT_CYCLES] != cycles ||
		    cnt[ATOLL_CNT_BUSY_DMAIN] != bin ||
		    cnt[ATOLL_CNT_BUSY_DMAOUT] != bout) {
			fprintf(stderr, "  %s: sim busy in %llu out %llu "
				"cycles %llu, predicted %llu %llu %llu\n",
				c->name,
				(unsigned long long) cnt[ATOLL_CNT_BUSY_DMAIN],
				(unsigned long long) cnt[ATOLL_CNT_BUSY_DMAOUT],
				(unsigned long long) cnt[ATOLL_CNT_CYCLES],
				(unsigned long long) bin,
				(unsigned long long) bout,
				(unsigned long long) cycles);
			bad = 1;
		}
	}
	atoll_hwsim_free(h);
	return bad;
}

static const struct test_case cases[] = {
	{ "ACT/ADD/POOL/DMA/MOVE/PE busy cycles: predicted = sim", busy_table },
	{ "MOVE shapes, chunked and not: busy = chunks + 3 = predicted = sim",
	  move_table },
	{ "MOVE next to DMA_IN writes: predicted busy and cycles = sim",
	  move_din_table },
	{ "LDW/MM runs: predicted cycles = sim", seq_table },
};

TEST_MAIN(cases)
