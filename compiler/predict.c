/*
 * Counter prediction: what the hardware must count for a command,
 * derived from the command's fields alone.  The functional model and the
 * RTL count by executing; the three must agree.
 */
#include <stdlib.h>
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

/* ------------------------------------------------------------------
 * Timing: a static timeline of the RTL (docs/traffic.md, "Compiler
 * cycle prediction").
 */

#define NENG 4
#define DMA_SIM_LIMIT (1u << 22)

static uint64_t max64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint64_t bus_bytes(const atoll_hwcfg *hw)
{
	return hw->dram_bus_bytes ? hw->dram_bus_bytes : 1;
}

/* Read beats of one command fetch: 64 / DRAM_BUS_BYTES (the bundle's
 * command stream is 64-byte aligned).
 */
static uint64_t fetch_beats(const atoll_hwcfg *hw)
{
	uint64_t n = ATOLL_CMD_BYTES / bus_bytes(hw);

	return n ? n : 1;
}

static uint32_t opcode(const uint32_t *w)
{
	return w[0] & 0xff;
}

/* Engine of command "w" (0 DMA-in, 1 DMA-out, 2 PE, 3 ACT), or -1 for
 * END and illegal opcodes.
 */
static int cmd_engine(const uint32_t *w)
{
	switch (opcode(w)) {
	case ATOLL_OP_DMA_IN:
		return 0;
	case ATOLL_OP_DMA_OUT:
		return 1;
	case ATOLL_OP_LDW:
	case ATOLL_OP_MM:
		return 2;
	case ATOLL_OP_ACT:
	case ATOLL_OP_ADD:
	case ATOLL_OP_POOL:
		return 3;
	case ATOLL_OP_WAIT:
	case ATOLL_OP_SIGNAL:
		return (int) (ATOLL_GETU(w, ATOLL_SEM_ENGINE) % NENG);
	default:
		return -1;
	}
}

uint64_t atoll_predict_check_cycles(const uint32_t *w)
{
	int fill;

	switch (opcode(w)) {
	case ATOLL_OP_DMA_IN:
		fill = ATOLL_GETU(w, ATOLL_DMA_FILL_EN);
		return fill ? 5 : 6;
	case ATOLL_OP_DMA_OUT:
		fill = ATOLL_GETU(w, ATOLL_DMA_FILL_EN);
		return fill ? 4 : 6;
	case ATOLL_OP_LDW:
		return 8;
	case ATOLL_OP_MM:
		return 6;
	case ATOLL_OP_ACT:
		return ATOLL_GETU(w, ATOLL_ACT_PP) ? 10 : 9;
	case ATOLL_OP_ADD:
		return 12;
	case ATOLL_OP_POOL:
		return 8;
	default:
		return 0;
	}
}

/* Busy cycles of a DMA_IN reading device memory, from the recurrence of
 * rtl/atoll_dma.sv over its elements k: element k is requested at
 *   p(k) = max(p(k-1) + 1, q(k - INFLIGHT) + 1)
 * and written to SPM at
 *   q(k) = max(q(k-1) + 1, p(k) + (k starts a new bus word ? LAT : 1)),
 * and the command is busy for q(N-1) + 2 cycles.  Consecutive elements
 * in one bus word share a read.  Beyond DMA_SIM_LIMIT elements the rate
 * of the first DMA_SIM_LIMIT is extrapolated.
 */
static uint64_t dma_in_read_busy(const uint32_t *w, const atoll_hwcfg *hw,
	uint64_t n)
{
	uint64_t ring[ATOLL_PRED_DMA_INFLIGHT];
	uint32_t cnt[4], str[4], addr[4];
	uint64_t bus = bus_bytes(hw), p = 0, q = 0, k = 0, word, last = 0;
	uint32_t i[4] = { 0, 0, 0, 0 };
	int d;

	cnt[0] = ATOLL_GETU(w, ATOLL_DMA_COUNT0);
	cnt[1] = ATOLL_GETU(w, ATOLL_DMA_COUNT1);
	cnt[2] = ATOLL_GETU(w, ATOLL_DMA_COUNT2);
	cnt[3] = ATOLL_GETU(w, ATOLL_DMA_COUNT3);
	str[0] = ATOLL_GETU(w, ATOLL_DMA_DRAM_STRIDE0);
	str[1] = ATOLL_GETU(w, ATOLL_DMA_DRAM_STRIDE1);
	str[2] = ATOLL_GETU(w, ATOLL_DMA_DRAM_STRIDE2);
	str[3] = ATOLL_GETU(w, ATOLL_DMA_DRAM_STRIDE3);
	for (d = 0; d < 4; d++)
		addr[d] = ATOLL_GETU(w, ATOLL_DMA_DRAM_BASE);
	for (k = 0; k < n && k < DMA_SIM_LIMIT; k++) {
		word = addr[0] / bus;
		if (k > 0)
			p = max64(p + 1, k >= ATOLL_PRED_DMA_INFLIGHT ?
				ring[k % ATOLL_PRED_DMA_INFLIGHT] + 1 : 0);
		q = max64(k ? q + 1 : 0, p + (k == 0 || word != last ?
			ATOLL_PRED_MEM_LATENCY : 1));
		ring[k % ATOLL_PRED_DMA_INFLIGHT] = q;
		last = word;
		for (d = 0; d < 4; d++) {
			if (++i[d] < cnt[d] || d == 3)
				break;
			i[d] = 0;
		}
		if (d < 4 && i[d] < cnt[d]) {
			addr[d] += str[d];
			while (d-- > 0)
				addr[d] = addr[d + 1];
		}
	}
	if (k < n)
		q = q * (n / k) + q * (n % k) / k;
	return q + 2;
}

/* Busy cycles of DMA_IN and DMA_OUT.  A fill DMA_IN writes one element
 * per cycle: N + 2.  DMA_OUT reads one element per cycle and completes
 * when its last write response arrives: N + 5 + LAT.
 */
static uint64_t dma_busy(const uint32_t *w, const atoll_hwcfg *hw)
{
	uint64_t n = (uint64_t) ATOLL_GETU(w, ATOLL_DMA_COUNT0) *
		ATOLL_GETU(w, ATOLL_DMA_COUNT1) *
		ATOLL_GETU(w, ATOLL_DMA_COUNT2) *
		ATOLL_GETU(w, ATOLL_DMA_COUNT3);

	if (opcode(w) == ATOLL_OP_DMA_OUT)
		return n + 5 + ATOLL_PRED_MEM_LATENCY;
	if (ATOLL_GETU(w, ATOLL_DMA_FILL_EN))
		return n + 2;
	return dma_in_read_busy(w, hw, n);
}

/* ACT: per partition 1 cycle, plus 14 to read the parameter record with
 * PP; per element 7 cycles plus one per source read (4 for an int32 SPM
 * source) and one per destination byte written.
 */
static uint64_t act_busy(const uint32_t *w)
{
	uint64_t np = ATOLL_GETU(w, ATOLL_ACT_NPARTS);
	uint64_t n = np * ATOLL_GETU(w, ATOLL_ACT_N0) *
		ATOLL_GETU(w, ATOLL_ACT_N1);
	uint64_t rd = ATOLL_GETU(w, ATOLL_ACT_SRC_TYPE) == 1 ? 4 : 1;
	uint64_t wr = ATOLL_GETU(w, ATOLL_ACT_DST_TYPE) == 2 ? 4 : 1;

	return np * (1 + (ATOLL_GETU(w, ATOLL_ACT_PP) ? 14 : 0)) +
		n * (7 + rd + wr);
}

/* POOL: per partition 1 cycle; per output 6 cycles, 2 per tap inside
 * the image, 1 per tap outside, and 66 for the divider of an average
 * over a nonzero count.
 */
static uint64_t pool_busy(const uint32_t *w)
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
	int avg = ATOLL_GETU(w, ATOLL_POOL_AVG);
	int pad = ATOLL_GETU(w, ATOLL_POOL_COUNT_PAD);
	uint64_t per = 0, in;
	int64_t i1, i0;

	for (i1 = 0; i1 < n1; i1++)
		for (i0 = 0; i0 < n0; i0++) {
			in = inside(y0 + i1 * sy, dy, kh, h) *
				inside(x0 + i0 * sx, dx, kw, wd);
			per += 6 + (uint64_t) (kh * kw) + in +
				(avg && (pad || in) ? 66 : 0);
		}
	return np * (1 + per);
}

uint64_t atoll_predict_busy(const uint32_t *w, const atoll_hwcfg *hw)
{
	uint64_t n;

	switch (opcode(w)) {
	case ATOLL_OP_DMA_IN:
	case ATOLL_OP_DMA_OUT:
		return dma_busy(w, hw);
	case ATOLL_OP_LDW:
		return 2 * (uint64_t) ATOLL_GETU(w, ATOLL_LDW_NCOLS) + 2;
	case ATOLL_OP_MM:
		n = (uint64_t) ATOLL_GETU(w, ATOLL_MM_N0) *
			ATOLL_GETU(w, ATOLL_MM_N1);
		return n + hw->rows + hw->cols + 2;
	case ATOLL_OP_ACT:
		return act_busy(w);
	case ATOLL_OP_ADD:
		n = (uint64_t) ATOLL_GETU(w, ATOLL_ADD_NPARTS) *
			ATOLL_GETU(w, ATOLL_ADD_N0) * ATOLL_GETU(w, ATOLL_ADD_N1);
		return ATOLL_GETU(w, ATOLL_ADD_NPARTS) + 13 * n;
	case ATOLL_OP_POOL:
		return pool_busy(w);
	default:
		return 0;
	}
}

/* An engine queue: the commands dispatched to it, in order; "head" is
 * the next one to retire or start.
 */
struct tl_queue {
	uint32_t *cmd;
	uint32_t n;
	uint32_t head;
	uint64_t free;
	uint64_t last_pop;
};

/* The cycles at which a semaphore's increments become visible, sorted. */
struct tl_sem {
	uint64_t *t;
	uint32_t n;
	uint32_t cap;
};

struct timeline {
	const uint32_t *cmds;
	uint32_t ncmds;
	const atoll_hwcfg *hw;
	atoll_cmd_time *t;
	struct tl_queue q[NENG];
	struct tl_sem *sem;
	uint32_t nsem;
	uint32_t next;
	uint64_t issue;
	int ended;
};

static const uint32_t *tl_cmd(const struct timeline *tl, uint32_t i)
{
	return tl->cmds + (size_t) i * ATOLL_CMD_WORDS;
}

/* The cycle the decoder takes command "i" (all before it dispatched):
 * its fetch issues a read per cycle after one setup cycle, starting when
 * the previous fetch has issued and the slot of command i-2 is free
 * (two fetch slots), and is complete LAT cycles after its last read:
 *   issue(i) = max(issue(i-1) + 1 + B, take(i-2) + 1)
 *   take(i)  = max(issue(i) + 1 + B + LAT, dispatch(i-1) + 1)
 * with B read beats per command.  Records issue(i) in tl->issue.
 */
static uint64_t tl_take(struct timeline *tl, uint32_t i)
{
	uint64_t b = fetch_beats(tl->hw), issue;

	if (i == 0)
		issue = ATOLL_PRED_FETCH_START;
	else
		issue = tl->issue + 1 + b;
	if (i >= 2)
		issue = max64(issue, tl->t[i - 2].take + 1);
	tl->issue = issue;
	issue += 1 + b + ATOLL_PRED_MEM_LATENCY;
	return i == 0 ? issue : max64(issue, tl->t[i - 1].dispatch + 1);
}

/* Dispatch command tl->next when its queue has room: the queue holds
 * QUEUE_DEPTH commands not yet started, so the k-th command of a queue
 * waits for the (k - QUEUE_DEPTH)-th to start.  Returns 1 when it was
 * dispatched, 0 when its queue is full or the stream has ended.
 */
static int tl_dispatch(struct timeline *tl)
{
	const uint32_t *w;
	atoll_cmd_time *t;
	struct tl_queue *q;
	uint64_t d = tl->hw->queue_depth ? tl->hw->queue_depth : 1;
	uint64_t room = 0;
	int e;

	if (tl->ended || tl->next >= tl->ncmds)
		return 0;
	w = tl_cmd(tl, tl->next);
	t = &tl->t[tl->next];
	e = cmd_engine(w);
	if (e >= 0) {
		q = &tl->q[e];
		if (q->n >= d && q->head <= q->n - d)
			return 0;
		if (q->n >= d)
			room = tl->t[q->cmd[q->n - d]].start + 1;
	}
	t->take = tl_take(tl, tl->next);
	t->dispatch = max64(t->take + ATOLL_PRED_DECODE +
		atoll_predict_check_cycles(w), room);
	if (e < 0) {
		t->start = t->done = t->dispatch;
		tl->ended = 1;
		tl->next++;
		return 0;
	}
	q->cmd[q->n++] = tl->next++;
	return 1;
}

/* The cycle the head of queue "e" can start, into "*start": a command
 * or SIGNAL once the engine is idle, a WAIT once its semaphore shows
 * VALUE increments; never before the cycle after its dispatch and after
 * the previous head left.  Returns 0 when the queue is empty or its head
 * is a WAIT not yet satisfied by the SIGNALs executed so far.
 */
static int tl_head(const struct timeline *tl, int e, uint64_t *start)
{
	const struct tl_queue *q = &tl->q[e];
	const uint32_t *w;
	const struct tl_sem *s;
	uint64_t avail;
	uint32_t v, i;

	if (q->head == q->n)
		return 0;
	i = q->cmd[q->head];
	w = tl_cmd(tl, i);
	avail = max64(tl->t[i].dispatch + 1, q->head ? q->last_pop + 1 : 0);
	if (opcode(w) != ATOLL_OP_WAIT) {
		*start = max64(avail, q->free);
		return 1;
	}
	v = ATOLL_GETU(w, ATOLL_SEM_VALUE);
	if (v == 0) {
		*start = avail;
		return 1;
	}
	if (ATOLL_GETU(w, ATOLL_SEM_SEM) >= tl->nsem)
		return 0;
	s = &tl->sem[ATOLL_GETU(w, ATOLL_SEM_SEM)];
	if (s->n < v)
		return 0;
	*start = max64(avail, s->t[v - 1]);
	return 1;
}

/* Record an increment of semaphore "s" visible from cycle "at". */
static int tl_sem_add(struct timeline *tl, uint32_t s, uint64_t at)
{
	struct tl_sem *m;
	uint64_t *nt;
	uint32_t k;

	if (s >= tl->nsem)
		return 0;
	m = &tl->sem[s];
	if (m->n == m->cap) {
		nt = realloc(m->t, (m->cap ? 2 * m->cap : 16) * sizeof(*nt));
		if (!nt)
			return -1;
		m->t = nt;
		m->cap = m->cap ? 2 * m->cap : 16;
	}
	for (k = m->n; k > 0 && m->t[k - 1] > at; k--)
		m->t[k] = m->t[k - 1];
	m->t[k] = at;
	m->n++;
	return 0;
}

/* Start the head of queue "e" at cycle "start": a command keeps the
 * engine busy for atoll_predict_busy cycles after that; a SIGNAL's
 * increment is visible the cycle after it retires.
 */
static int tl_run(struct timeline *tl, int e, uint64_t start)
{
	struct tl_queue *q = &tl->q[e];
	uint32_t i = q->cmd[q->head++];
	const uint32_t *w = tl_cmd(tl, i);
	atoll_cmd_time *t = &tl->t[i];

	t->start = start;
	q->last_pop = start;
	switch (opcode(w)) {
	case ATOLL_OP_WAIT:
		t->done = start + 1;
		return 0;
	case ATOLL_OP_SIGNAL:
		t->done = start + 1;
		return tl_sem_add(tl, ATOLL_GETU(w, ATOLL_SEM_SEM), start + 1);
	default:
		q->free = start + atoll_predict_busy(w, tl->hw) + 1;
		t->done = q->free;
		return 0;
	}
}

/* Alternate between the command processor, which dispatches as far as
 * the queues allow, and the engine whose head can start earliest (the
 * lowest engine on ties).  Returns 0 when the stream ended and every
 * queue drained, 1 when it deadlocked or has no END, -1 when out of
 * memory.
 */
static int tl_simulate(struct timeline *tl)
{
	uint64_t start, best = 0;
	int e, sel;

	for (;;) {
		while (tl_dispatch(tl))
			;
		sel = -1;
		for (e = 0; e < NENG; e++)
			if (tl_head(tl, e, &start) && (sel < 0 || start < best)) {
				sel = e;
				best = start;
			}
		if (sel < 0)
			break;
		if (tl_run(tl, sel, best) < 0)
			return -1;
	}
	for (e = 0; e < NENG; e++)
		if (tl->q[e].head != tl->q[e].n)
			return 1;
	return tl->ended ? 0 : 1;
}

static void tl_free(struct timeline *tl)
{
	uint32_t s;
	int e;

	for (e = 0; e < NENG; e++)
		free(tl->q[e].cmd);
	for (s = 0; s < tl->nsem; s++)
		free(tl->sem[s].t);
	free(tl->sem);
}

int atoll_predict_timeline(const uint32_t *cmds, uint32_t ncmds,
	const atoll_hwcfg *hw, atoll_cmd_time *t, uint64_t *cycles)
{
	struct timeline tl;
	atoll_cmd_time *own = NULL;
	uint32_t i;
	int e, rc = -1;

	*cycles = 0;
	memset(&tl, 0, sizeof(tl));
	if (!t)
		t = own = calloc(ncmds ? ncmds : 1, sizeof(*t));
	else
		memset(t, 0, (size_t) ncmds * sizeof(*t));
	tl.cmds = cmds;
	tl.ncmds = ncmds;
	tl.hw = hw;
	tl.t = t;
	tl.nsem = hw->semaphores;
	tl.sem = calloc(tl.nsem ? tl.nsem : 1, sizeof(*tl.sem));
	for (e = 0; e < NENG; e++)
		tl.q[e].cmd = malloc((ncmds ? ncmds : 1) * sizeof(uint32_t));
	for (e = 0; e < NENG; e++)
		if (!tl.q[e].cmd)
			t = NULL;
	if (t && tl.sem && tl_simulate(&tl) == 0) {
		for (i = 0; i < tl.next; i++)
			*cycles = max64(*cycles, t[i].done);
		rc = 0;
	}
	tl_free(&tl);
	free(own);
	return rc;
}

/* The owner of every command: the group that holds it, else the group
 * of the command before it (the first owned command's group for the
 * commands before every group).  -1 everywhere when no group holds a
 * command.
 */
static void group_owners(const atoll_bundle *b, int32_t *own)
{
	int32_t cur = -1;
	uint32_t i, k;

	for (i = 0; i < b->ncmds; i++)
		own[i] = -1;
	for (i = 0; i < b->ngroups; i++)
		for (k = 0; k < b->groups[i].ncmds; k++)
			own[b->groups[i].first_cmd + k] = (int32_t) i;
	for (i = 0; i < b->ncmds && cur < 0; i++)
		cur = own[i];
	for (i = 0; i < b->ncmds; i++) {
		if (own[i] < 0)
			own[i] = cur;
		cur = own[i];
	}
}

/* Split the predicted cycles over the groups: with
 * P(i) = max over j <= i of done(j), command i adds P(i) - P(i-1) to
 * its owner (group_owners), so the groups sum to P(last) = the
 * predicted cycles.
 */
static int predict_cycles(atoll_bundle *b, const atoll_hwcfg *hw)
{
	atoll_cmd_time *t;
	int32_t *own;
	uint64_t total, p = 0;
	uint32_t i;

	t = calloc(b->ncmds ? b->ncmds : 1, sizeof(*t));
	own = calloc(b->ncmds ? b->ncmds : 1, sizeof(*own));
	if (!t || !own || atoll_predict_timeline(b->cmds, b->ncmds, hw, t,
			&total) < 0) {
		free(t);
		free(own);
		return -1;
	}
	group_owners(b, own);
	for (i = 0; i < b->ncmds; i++) {
		if (own[i] >= 0 && t[i].done > p)
			b->groups[own[i]].counters[ATOLL_CNT_CYCLES] +=
				t[i].done - p;
		p = max64(p, t[i].done);
	}
	free(t);
	free(own);
	return 0;
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
	if (predict_cycles(b, hw) < 0)
		for (i = 0; i < b->ngroups; i++)
			b->groups[i].counters[ATOLL_CNT_CYCLES] = 0;
	return 0;
}
