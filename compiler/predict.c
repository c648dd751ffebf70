/*
 * Counter prediction: what the hardware must count for a command,
 * derived from the command's fields alone.  The functional model and the
 * RTL count by executing; the three must agree.
 */
#include <string.h>

#include "atoll_isa.h"
#include "predict.h"

/* Number of i < n with 0 <= base + i*step < lim. */
static uint64_t inside(int64_t base, int64_t step, int64_t n, int64_t lim)
{
	uint64_t k = 0;
	int64_t i;

	for (i = 0; i < n; i++) {
		int64_t v = base + i * step;

		k += v >= 0 && v < lim;
	}
	return k;
}

static void predict_dma(const uint32_t *w, uint64_t *cnt)
{
	uint64_t n = (uint64_t) ATOLL_GETU(w, ATOLL_DMA_COUNT0) *
		ATOLL_GETU(w, ATOLL_DMA_COUNT1) *
		ATOLL_GETU(w, ATOLL_DMA_COUNT2) *
		ATOLL_GETU(w, ATOLL_DMA_COUNT3);
	int fill = ATOLL_GETU(w, ATOLL_DMA_FILL_EN);

	cnt[ATOLL_CNT_DMA_CMDS]++;
	if ((w[0] & 0xff) == ATOLL_OP_DMA_IN) {
		cnt[ATOLL_CNT_SPM_WR] += n;
		if (!fill)
			cnt[ATOLL_CNT_DRAM_RD] += n;
	} else {
		cnt[ATOLL_CNT_DRAM_WR] += n;
		if (!fill)
			cnt[ATOLL_CNT_SPM_RD] += n;
	}
}

static void predict_mm(const uint32_t *w, uint64_t *cnt)
{
	uint64_t nr = ATOLL_GETU(w, ATOLL_MM_NROWS);
	uint64_t nc = ATOLL_GETU(w, ATOLL_MM_NCOLS);
	uint64_t n0 = ATOLL_GETU(w, ATOLL_MM_N0);
	uint64_t n1 = ATOLL_GETU(w, ATOLL_MM_N1);
	uint64_t in = inside(ATOLL_GETS(w, ATOLL_MM_Y0),
		ATOLL_GETS(w, ATOLL_MM_SY), n1, ATOLL_GETU(w, ATOLL_MM_H)) *
		inside(ATOLL_GETS(w, ATOLL_MM_X0), ATOLL_GETS(w, ATOLL_MM_SX),
			n0, ATOLL_GETU(w, ATOLL_MM_W));

	cnt[ATOLL_CNT_MACS] += nr * nc * n0 * n1;
	cnt[ATOLL_CNT_SPM_RD] += nr * in;
	cnt[ATOLL_CNT_PSUM_WR] += 4 * nc * n0 * n1;
	if (ATOLL_GETU(w, ATOLL_MM_ACC))
		cnt[ATOLL_CNT_PSUM_RD] += 4 * nc * n0 * n1;
}

static void predict_act(const uint32_t *w, uint64_t *cnt)
{
	uint64_t np = ATOLL_GETU(w, ATOLL_ACT_NPARTS);
	uint64_t n = np * ATOLL_GETU(w, ATOLL_ACT_N0) *
		ATOLL_GETU(w, ATOLL_ACT_N1);
	uint32_t st = ATOLL_GETU(w, ATOLL_ACT_SRC_TYPE);

	if (st == 0)
		cnt[ATOLL_CNT_PSUM_RD] += 4 * n;
	else
		cnt[ATOLL_CNT_SPM_RD] += (st == 1 ? 4 : 1) * n;
	cnt[ATOLL_CNT_SPM_WR] += (ATOLL_GETU(w, ATOLL_ACT_DST_TYPE) == 2 ?
		4 : 1) * n;
	if (ATOLL_GETU(w, ATOLL_ACT_PP))
		cnt[ATOLL_CNT_SPM_RD] += 12 * np;
}

static void predict_pool(const uint32_t *w, uint64_t *cnt)
{
	uint64_t np = ATOLL_GETU(w, ATOLL_POOL_NPARTS);
	int64_t n0 = ATOLL_GETU(w, ATOLL_POOL_N0);
	int64_t n1 = ATOLL_GETU(w, ATOLL_POOL_N1);
	int64_t y0 = ATOLL_GETS(w, ATOLL_POOL_Y0);
	int64_t x0 = ATOLL_GETS(w, ATOLL_POOL_X0);
	int64_t sy = ATOLL_GETS(w, ATOLL_POOL_SY);
	int64_t sx = ATOLL_GETS(w, ATOLL_POOL_SX);
	int64_t kh = ATOLL_GETU(w, ATOLL_POOL_KH);
	int64_t kw = ATOLL_GETU(w, ATOLL_POOL_KW);
	int64_t dy = ATOLL_GETU(w, ATOLL_POOL_DY);
	int64_t dx = ATOLL_GETU(w, ATOLL_POOL_DX);
	int64_t h = ATOLL_GETU(w, ATOLL_POOL_H);
	int64_t wd = ATOLL_GETU(w, ATOLL_POOL_W);
	uint64_t taps = 0;
	int64_t i1, i0;

	for (i1 = 0; i1 < n1; i1++)
		for (i0 = 0; i0 < n0; i0++)
			taps += inside(y0 + i1 * sy, dy, kh, h) *
				inside(x0 + i0 * sx, dx, kw, wd);
	cnt[ATOLL_CNT_SPM_RD] += np * taps;
	cnt[ATOLL_CNT_SPM_WR] += np * n0 * n1;
}

void atoll_predict_cmd(const uint32_t *w, const atoll_hwcfg *hw,
	uint64_t *cnt)
{
	uint64_t n;

	(void) hw;
	cnt[ATOLL_CNT_CMD_FETCH] += ATOLL_CMD_BYTES;
	switch (w[0] & 0xff) {
	case ATOLL_OP_DMA_IN:
	case ATOLL_OP_DMA_OUT:
		predict_dma(w, cnt);
		break;
	case ATOLL_OP_LDW:
		n = ATOLL_GETU(w, ATOLL_LDW_NCOLS);
		cnt[ATOLL_CNT_SPM_RD] += n * ATOLL_GETU(w, ATOLL_LDW_NROWS) + n;
		break;
	case ATOLL_OP_MM:
		predict_mm(w, cnt);
		break;
	case ATOLL_OP_ACT:
		predict_act(w, cnt);
		break;
	case ATOLL_OP_ADD:
		n = (uint64_t) ATOLL_GETU(w, ATOLL_ADD_NPARTS) *
			ATOLL_GETU(w, ATOLL_ADD_N0) * ATOLL_GETU(w, ATOLL_ADD_N1);
		cnt[ATOLL_CNT_SPM_RD] += 2 * n;
		cnt[ATOLL_CNT_SPM_WR] += n;
		break;
	case ATOLL_OP_POOL:
		predict_pool(w, cnt);
		break;
	default:
		break;
	}
}

int atoll_predict(atoll_bundle *b, const atoll_hwcfg *hw)
{
	uint32_t i, k;

	for (i = 0; i < b->ngroups; i++) {
		atoll_bgroup *g = &b->groups[i];

		memset(g->counters, 0, sizeof(g->counters));
		if (g->first_cmd > b->ncmds || g->ncmds > b->ncmds - g->first_cmd)
			return -1;
		for (k = 0; k < g->ncmds; k++)
			atoll_predict_cmd(b->cmds + (size_t) (g->first_cmd + k) *
				ATOLL_CMD_WORDS, hw, g->counters);
	}
	return 0;
}
