#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "isa.h"

void atoll_emit_init(atoll_emit *em, const atoll_hwcfg *hw, atoll_diag *d)
{
	memset(em, 0, sizeof(*em));
	em->hw = hw;
	em->diag = d;
	atoll_buf_init(&em->psum, "psum");
}

void atoll_emit_clear(atoll_emit *em)
{
	int e;

	free(em->cmds);
	free(em->consts);
	for (e = 0; e < ATOLL_ENGINES; e++)
		free(em->sig_cover[e]);
	free(em->stripes);
	free(em->used);
	memset(em, 0, sizeof(*em));
}

void atoll_buf_init(atoll_buf *b, const char *name)
{
	memset(b, 0, sizeof(*b));
	b->name = name;
	b->writer = -1;
}

void atoll_buf_spm(atoll_buf *b, int64_t lo, int64_t hi)
{
	b->spm_lo = lo;
	b->spm_hi = hi;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

int64_t atoll_emit_const(atoll_emit *em, const void *data, size_t len,
	size_t align)
{
	size_t off = (em->nconsts + align - 1) / align * align;
	int k;

	for (k = 0; k < em->nrecent && k < ATOLL_RECENT_CONSTS; k++)
		if (em->recent_len[k] == len && em->recent_off[k] % align == 0 &&
		    !memcmp(em->consts + em->recent_off[k], data, len))
			return (int64_t) em->recent_off[k];
	if (grow((void **) &em->consts, &em->const_cap, off + len + 1, 1) < 0) {
		atoll_diag_error(em->diag, NULL, "out of memory");
		return -1;
	}
	memset(em->consts + em->nconsts, 0, off - em->nconsts);
	memcpy(em->consts + off, data, len);
	em->nconsts = off + len;
	k = em->nrecent++ % ATOLL_RECENT_CONSTS;
	em->recent_off[k] = off;
	em->recent_len[k] = len;
	return (int64_t) off;
}

static int push(atoll_emit *em, const uint32_t *w)
{
	if (grow((void **) &em->cmds, &em->cap,
		 (em->ncmds + 1) * ATOLL_CMD_WORDS, sizeof(uint32_t)) < 0) {
		atoll_diag_error(em->diag, NULL, "out of memory");
		return -1;
	}
	memcpy(em->cmds + em->ncmds * ATOLL_CMD_WORDS, w,
		ATOLL_CMD_WORDS * sizeof(uint32_t));
	em->ncmds++;
	return 0;
}

static int push_sem(atoll_emit *em, uint32_t op, int engine, int sem,
	uint32_t value)
{
	uint32_t w[ATOLL_CMD_WORDS] = { 0 };

	ATOLL_SET(w, ATOLL_SEM_OPCODE, op);
	ATOLL_SET(w, ATOLL_SEM_ENGINE, engine);
	ATOLL_SET(w, ATOLL_SEM_SEM, sem);
	ATOLL_SET(w, ATOLL_SEM_VALUE, value);
	return push(em, w);
}

/* The first of the "n" increasing entries of "cover" that is >= "s" (n if
 * none): binary search.
 */
static uint32_t first_cover(const uint32_t *cover, uint32_t n, uint32_t s)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (cover[mid] >= s)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Make engine "e2" wait until command number "s" (1-based) of engine "e1"
 * has completed: find the first SIGNAL of "e1" issued after that command
 * (emitting one if there is none) and wait for its count on semaphore
 * "e1".
 */
static int sync_after(atoll_emit *em, int e2, int e1, uint32_t s)
{
	uint32_t k;

	if (e1 == e2 || s == 0)
		return 0;
	k = first_cover(em->sig_cover[e1], em->nsig[e1], s);
	if (k == em->nsig[e1]) {
		if (grow((void **) &em->sig_cover[e1], &em->sig_cap[e1],
			 k + 1, sizeof(uint32_t)) < 0)
			return -1;
		if (push_sem(em, ATOLL_OP_SIGNAL, e1, e1, 0) < 0)
			return -1;
		em->sig_cover[e1][k] = em->seq[e1];
		em->nsig[e1]++;
	}
	if (em->waited[e2][e1] >= k + 1)
		return 0;
	em->waited[e2][e1] = k + 1;
	return push_sem(em, ATOLL_OP_WAIT, e2, e1, k + 1);
}

static int sync_buf(atoll_emit *em, int e, atoll_buf *b, int use)
{
	int i;

	if (b->writer >= 0 && sync_after(em, e, b->writer, b->write_seq) < 0)
		return -1;
	if (!(use & ATOLL_USE_WRITE))
		return 0;
	for (i = 0; i < ATOLL_ENGINES; i++)
		if (sync_after(em, e, i, b->read_seq[i]) < 0)
			return -1;
	return 0;
}

/* The stripes [*s0, *s1) of the SPM addresses of "b" (empty if none). */
static void stripe_range(const atoll_emit *em, const atoll_buf *b,
	int64_t *s0, int64_t *s1)
{
	*s0 = b->spm_lo < 0 ? 0 : b->spm_lo / ATOLL_STRIPE_BYTES;
	*s1 = (b->spm_hi + ATOLL_STRIPE_BYTES - 1) / ATOLL_STRIPE_BYTES;
	if (*s1 > em->nstripes)
		*s1 = em->nstripes;
	if (b->spm_hi <= b->spm_lo)
		*s1 = *s0;
}

/* First use of "b" in this generation: engine "e" waits for every access
 * of earlier generations to its addresses (as for a write, whatever the
 * use: the simplest safe rule).
 */
static int sync_stripes(atoll_emit *em, int e, atoll_buf *b)
{
	int64_t s, s0, s1;
	int i;

	b->epoch = em->epoch;
	stripe_range(em, b, &s0, &s1);
	if (s0 >= s1)
		return 0;
	if (grow((void **) &em->used, &em->used_cap, em->nused + 1,
		 sizeof(*em->used)) < 0) {
		atoll_diag_error(em->diag, NULL, "out of memory");
		return -1;
	}
	em->used[em->nused++] = b;
	for (s = s0; s < s1; s++)
		for (i = 0; i < ATOLL_ENGINES; i++)
			if (sync_after(em, e, i, em->stripes[s].write_seq[i]) < 0 ||
			    sync_after(em, e, i, em->stripes[s].read_seq[i]) < 0)
				return -1;
	return 0;
}

int atoll_emit_begin(atoll_emit *em)
{
	int64_t n = em->hw->spm_bytes / ATOLL_STRIPE_BYTES + 1;

	if (!em->stripes) {
		em->stripes = calloc((size_t) n, sizeof(*em->stripes));
		if (!em->stripes) {
			atoll_diag_error(em->diag, NULL, "out of memory");
			return -1;
		}
		em->nstripes = n;
	}
	em->epoch++;
	return 0;
}

static uint32_t max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

void atoll_emit_retire(atoll_emit *em)
{
	size_t k;
	int64_t s, s0, s1;
	int i;

	for (k = 0; k < em->nused; k++) {
		const atoll_buf *b = em->used[k];

		stripe_range(em, b, &s0, &s1);
		for (s = s0; s < s1; s++) {
			atoll_stripe *st = &em->stripes[s];

			for (i = 0; i < ATOLL_ENGINES; i++)
				st->read_seq[i] = max_u32(st->read_seq[i],
					b->read_seq[i]);
			if (b->writer >= 0)
				st->write_seq[b->writer] = max_u32(
					st->write_seq[b->writer],
					b->write_seq);
		}
	}
	em->nused = 0;
}

int atoll_emit_cmd(atoll_emit *em, const uint32_t *w, int nbufs,
	atoll_buf **bufs, const int *uses)
{
	int e = atoll_cmd_engine(w);
	int i;

	if (em->diag->failed)
		return -1;
	for (i = 0; e >= 0 && e < ATOLL_ENGINES && i < nbufs; i++) {
		if (bufs[i] && em->stripes && bufs[i]->epoch != em->epoch &&
		    sync_stripes(em, e, bufs[i]) < 0)
			return -1;
		if (bufs[i] && sync_buf(em, e, bufs[i], uses[i]) < 0)
			return -1;
	}
	if (push(em, w) < 0)
		return -1;
	if (e < 0 || e >= ATOLL_ENGINES)
		return 0;
	em->seq[e]++;
	for (i = 0; i < nbufs; i++) {
		if (!bufs[i])
			continue;
		if (uses[i] & ATOLL_USE_READ)
			bufs[i]->read_seq[e] = em->seq[e];
		if (uses[i] & ATOLL_USE_WRITE) {
			bufs[i]->writer = e;
			bufs[i]->write_seq = em->seq[e];
			memset(bufs[i]->read_seq, 0, sizeof(bufs[i]->read_seq));
		}
	}
	return 0;
}

/* Drop dimensions of count 1 and merge dimension d+1 into d when the outer
 * one continues the inner one on every side: stride[d+1] = count[d] *
 * stride[d] for DRAM, SPM address and partition.
 */
static int dma_coalesce(atoll_dma_dim *d, int n)
{
	int i, m = 0;

	for (i = 0; i < n; i++)
		if (d[i].count != 1)
			d[m++] = d[i];
	if (m == 0) {
		d[0].count = 1;
		d[0].dram_stride = d[0].spm_stride = d[0].part_stride = 0;
		return 1;
	}
	n = m;
	for (i = 0; i + 1 < n;) {
		atoll_dma_dim *a = &d[i], *b = &d[i + 1];

		if (b->dram_stride == a->count * a->dram_stride &&
		    b->spm_stride == a->count * a->spm_stride &&
		    b->part_stride == a->count * a->part_stride) {
			a->count *= b->count;
			memmove(b, b + 1, (n - i - 2) * sizeof(*b));
			n--;
		} else {
			i++;
		}
	}
	return n;
}

int atoll_fits_signed(int64_t v, int bits)
{
	int64_t lim = (int64_t) 1 << (bits - 1);

	return v >= -lim && v < lim;
}

static int dma_one(atoll_emit *em, uint32_t opcode, int64_t dram_base,
	int64_t part, int64_t addr, const atoll_dma_dim *d, int n, int fill,
	atoll_buf *spm_buf, atoll_buf *dram_buf, const char *what)
{
	uint32_t w[ATOLL_CMD_WORDS] = { 0 };
	atoll_buf *bufs[2] = { spm_buf, dram_buf };
	int uses[2];
	int i;

	for (i = 0; i < n; i++)
		if (!atoll_fits_signed(d[i].dram_stride, 32) ||
		    !atoll_fits_signed(d[i].spm_stride, 24) ||
		    !atoll_fits_signed(d[i].part_stride, 8)) {
			atoll_diag_error(em->diag, what,
				"DMA stride does not fit the ISA fields");
			return -1;
		}
	if (dram_base < 0 || dram_base > 0xffffffffll || part < 0 ||
	    part > 0xffff || addr < 0 || addr > 0xffffffffll) {
		atoll_diag_error(em->diag, what, "DMA address out of range");
		return -1;
	}
	ATOLL_SET(w, ATOLL_DMA_OPCODE, opcode);
	if (fill >= 0) {
		ATOLL_SET(w, ATOLL_DMA_FILL_EN, 1);
		ATOLL_SET(w, ATOLL_DMA_FILL_VALUE, fill);
	}
	ATOLL_SET(w, ATOLL_DMA_DRAM_BASE, dram_base);
	ATOLL_SET(w, ATOLL_DMA_SPM_ADDR, addr);
	ATOLL_SET(w, ATOLL_DMA_SPM_PART, part);
#define DIM(k) do { \
		int64_t c = k < n ? d[k].count : 1; \
		ATOLL_SET(w, ATOLL_DMA_COUNT##k, c); \
		ATOLL_SET(w, ATOLL_DMA_DRAM_STRIDE##k, \
			k < n ? d[k].dram_stride : 0); \
		ATOLL_SET(w, ATOLL_DMA_SPM_STRIDE##k, \
			k < n ? d[k].spm_stride : 0); \
		ATOLL_SET(w, ATOLL_DMA_PART_STRIDE##k, \
			k < n ? d[k].part_stride : 0); \
	} while (0)
	DIM(0);
	DIM(1);
	DIM(2);
	DIM(3);
#undef DIM
	uses[0] = opcode == ATOLL_OP_DMA_IN ? ATOLL_USE_WRITE : ATOLL_USE_READ;
	uses[1] = opcode == ATOLL_OP_DMA_IN ? ATOLL_USE_READ : ATOLL_USE_WRITE;
	return atoll_emit_cmd(em, w, 2, bufs, uses);
}

/* Emit the pattern, splitting a dimension whose count exceeds the 16-bit
 * COUNT field into several commands along that dimension.
 */
static int dma_split(atoll_emit *em, uint32_t opcode, int64_t dram_base,
	int64_t part, int64_t addr, atoll_dma_dim *d, int n, int fill,
	atoll_buf *spm_buf, atoll_buf *dram_buf, const char *what)
{
	const int64_t max = 65535;
	int i;

	for (i = n - 1; i >= 0; i--)
		if (d[i].count > max)
			break;
	if (i < 0)
		return dma_one(em, opcode, dram_base, part, addr, d, n, fill,
			spm_buf, dram_buf, what);
	{
		atoll_dma_dim saved = d[i];
		int64_t done;

		for (done = 0; done < saved.count; done += max) {
			d[i].count = saved.count - done < max ?
				saved.count - done : max;
			if (dma_split(em, opcode,
				dram_base + done * saved.dram_stride,
				part + done * saved.part_stride,
				addr + done * saved.spm_stride, d, n, fill,
				spm_buf, dram_buf, what) < 0)
				return -1;
		}
		d[i] = saved;
	}
	return 0;
}

int atoll_emit_dma(atoll_emit *em, uint32_t opcode, int64_t dram_base,
	int64_t spm_part, int64_t spm_addr, const atoll_dma_dim *dims,
	int ndims, int fill, atoll_buf *spm_buf, atoll_buf *dram_buf,
	const char *what)
{
	atoll_dma_dim d[16];
	int n, i;

	if (ndims < 0 || ndims > 16) {
		atoll_diag_error(em->diag, what, "DMA pattern with %d "
			"dimensions", ndims);
		return -1;
	}
	for (i = 0; i < ndims; i++)
		if (dims[i].count <= 0)
			return 0;
	memcpy(d, dims, ndims * sizeof(*d));
	n = dma_coalesce(d, ndims);
	if (n > 4) {
		atoll_diag_error(em->diag, what,
			"access pattern needs %d DMA dimensions (max 4)", n);
		return -1;
	}
	return dma_split(em, opcode, dram_base, spm_part, spm_addr, d, n,
		fill, spm_buf, dram_buf, what);
}

int atoll_emit_end(atoll_emit *em)
{
	uint32_t w[ATOLL_CMD_WORDS] = { 0 };

	ATOLL_SET(w, ATOLL_END_OPCODE, ATOLL_OP_END);
	return push(em, w);
}

int atoll_emit_barrier(atoll_emit *em)
{
	int e1, e2;

	for (e2 = 0; e2 < ATOLL_ENGINES; e2++)
		for (e1 = 0; e1 < ATOLL_ENGINES; e1++)
			if (sync_after(em, e2, e1, em->seq[e1]) < 0)
				return -1;
	return 0;
}
