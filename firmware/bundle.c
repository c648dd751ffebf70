/*
 * The .atb bundle: writer and (distrustful) reader.  The byte format is
 * specified in docs/bundle.md; every integer is little-endian and is
 * written and read one byte at a time, never by dumping a struct.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "atoll_isa.h"
#include "bundle.h"

/* Deflate cannot expand data by more than this factor (a 258-byte match
 * coded in 2 bits), so a raw size beyond it is a lie.
 */
#define BUNDLE_ZLIB_MAX_RATIO 1032u
#define BUNDLE_RAW_MAX 0xffffffffu
#define BUNDLE_NSECT_TYPES 7

/* One entry of the section table, and where its stored bytes are. */
struct bundle_section {
	uint32_t type;
	uint32_t flags;
	uint64_t offset;
	uint64_t stored;
	uint64_t raw;
	uint32_t crc;
	const uint8_t *data;
};

/* A growable output buffer; "oom" is sticky. */
struct bundle_wbuf {
	uint8_t *p;
	size_t len;
	size_t cap;
	int oom;
};

/* A bounds-checked reader over "n" bytes; "short_read" is sticky. */
struct bundle_cursor {
	const uint8_t *p;
	size_t n;
	size_t pos;
	int short_read;
};

static const char *const bundle_sect_names[BUNDLE_NSECT_TYPES] = {
	[ATOLL_SECT_META] = "META",
	[ATOLL_SECT_COMMANDS] = "COMMANDS",
	[ATOLL_SECT_CONSTANTS] = "CONSTANTS",
	[ATOLL_SECT_TENSORS] = "TENSORS",
	[ATOLL_SECT_GROUPS] = "GROUPS",
	[ATOLL_SECT_REPORT] = "REPORT",
};

static const uint32_t bundle_sect_flags[BUNDLE_NSECT_TYPES] = {
	[ATOLL_SECT_CONSTANTS] = ATOLL_SECT_FLAG_ZLIB,
	[ATOLL_SECT_REPORT] = ATOLL_SECT_FLAG_ZLIB,
};

static const char *sect_name(uint32_t type)
{
	if (type == 0 || type >= BUNDLE_NSECT_TYPES)
		return "unknown";
	return bundle_sect_names[type];
}

static void __attribute__((format(printf, 3, 4)))
bundle_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || errlen == 0)
		return;
	n = snprintf(err, errlen, "bundle: ");
	if (n < 0 || (size_t) n >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - n, fmt, ap);
	va_end(ap);
}

static void wbuf_reserve(struct bundle_wbuf *w, size_t extra)
{
	size_t cap;
	uint8_t *p;

	if (w->oom)
		return;
	if (extra <= w->cap - w->len)
		return;
	if (extra > SIZE_MAX / 2 - w->len) {
		w->oom = 1;
		return;
	}
	cap = w->cap ? w->cap : 256;
	while (cap - w->len < extra)
		cap *= 2;
	p = realloc(w->p, cap);
	if (!p) {
		w->oom = 1;
		return;
	}
	w->p = p;
	w->cap = cap;
}

static void put_bytes(struct bundle_wbuf *w, const void *src, size_t n)
{
	wbuf_reserve(w, n);
	if (w->oom || n == 0)
		return;
	memcpy(w->p + w->len, src, n);
	w->len += n;
}

static void put_u32(struct bundle_wbuf *w, uint32_t v)
{
	uint8_t b[4];
	int i;

	for (i = 0; i < 4; i++)
		b[i] = (uint8_t) (v >> (8 * i));
	put_bytes(w, b, 4);
}

static void put_u64(struct bundle_wbuf *w, uint64_t v)
{
	uint8_t b[8];
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (uint8_t) (v >> (8 * i));
	put_bytes(w, b, 8);
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t) p[0] | (uint32_t) p[1] << 8 |
		(uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static uint64_t get_u64(const uint8_t *p)
{
	return (uint64_t) get_u32(p) | (uint64_t) get_u32(p + 4) << 32;
}

static const uint8_t *cur_bytes(struct bundle_cursor *c, size_t n)
{
	const uint8_t *p;

	if (c->short_read || n > c->n - c->pos) {
		c->short_read = 1;
		return NULL;
	}
	p = c->p + c->pos;
	c->pos += n;
	return p;
}

static uint32_t cur_u32(struct bundle_cursor *c)
{
	const uint8_t *p = cur_bytes(c, 4);

	return p ? get_u32(p) : 0;
}

static uint64_t cur_u64(struct bundle_cursor *c)
{
	const uint8_t *p = cur_bytes(c, 8);

	return p ? get_u64(p) : 0;
}

static uint32_t crc_of(const uint8_t *p, size_t n)
{
	uLong crc = crc32(0L, Z_NULL, 0);

	while (n > 0) {
		uInt chunk = n > 0x40000000u ? 0x40000000u : (uInt) n;

		crc = crc32(crc, p, chunk);
		p += chunk;
		n -= chunk;
	}
	return (uint32_t) crc;
}

/* Bytes per element of ONNX data type "dtype", or 0 if unsupported. */
static uint32_t dtype_size(uint32_t dtype)
{
	switch (dtype) {
	case 1: return 4;
	case 2: return 1;
	case 3: return 1;
	case 6: return 4;
	case 7: return 8;
	default: return 0;
	}
}

/* Is [addr, addr + n) inside [0, limit)? */
static int in_dram(uint64_t addr, uint64_t n, uint64_t limit)
{
	return addr <= limit && n <= limit - addr;
}

/* The number of elements of "t", or UINT64_MAX if it exceeds 2^32
 * (no valid tensor is that large).  Dims are known to be >= 0.
 */
static uint64_t tensor_numel(const atoll_btensor *t)
{
	uint64_t n = 1;
	uint32_t i;

	for (i = 0; i < t->rank; i++)
		if (t->dims[i] == 0)
			return 0;
	for (i = 0; i < t->rank; i++) {
		if ((uint64_t) t->dims[i] > UINT32_MAX ||
		    n > UINT32_MAX / (uint64_t) t->dims[i])
			return UINT64_MAX;
		n *= (uint64_t) t->dims[i];
	}
	return n;
}

static int name_ok(const char *name)
{
	size_t n = strnlen(name, ATOLL_BUNDLE_NAME_MAX);

	return n > 0 && n < ATOLL_BUNDLE_NAME_MAX;
}

/* Does the IEEE single with bits "bits" hold a finite value >= +0? */
static int scale_ok(uint32_t bits)
{
	return !(bits & 0x80000000u) && (bits & 0x7f800000u) != 0x7f800000u;
}

static uint32_t float_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

static float bits_float(uint32_t u)
{
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

static int zp_ok(uint32_t dtype, int32_t zp)
{
	return !(dtype == 2 && (zp < 0 || zp > 255)) &&
		!(dtype == 3 && (zp < -128 || zp > 127));
}

/* Per-axis host quantisation (host_float 2) of tensor "t" ("i"): an axis
 * of its shape, and a positive finite scale and an in-range zero point
 * per index along it.
 */
static int host_axis_check(const atoll_btensor *t, uint32_t i, char *err,
	size_t errlen)
{
	int64_t k;

	if (t->host_axis >= t->rank || !t->host_scales || !t->host_zps) {
		bundle_err(err, errlen, "tensor %u (%s): per-axis host "
			"quantisation needs an axis below its rank and the "
			"scale and zero point arrays", i, t->name);
		return -1;
	}
	for (k = 0; k < t->dims[t->host_axis]; k++)
		if (!(t->host_scales[k] > 0) ||
		    !scale_ok(float_bits(t->host_scales[k])) ||
		    !zp_ok(t->dtype, t->host_zps[k])) {
			bundle_err(err, errlen, "tensor %u (%s): per-axis "
				"host scale or zero point %lld is out of "
				"range", i, t->name, (long long) k);
			return -1;
		}
	return 0;
}

/* Check the rules docs/bundle.md gives for one tensor "t" (number "i")
 * of a bundle needing "dram_bytes" of device memory.
 */
static int tensor_check(const atoll_btensor *t, uint32_t i,
	uint32_t dram_bytes, char *err, size_t errlen)
{
	uint64_t numel;
	uint32_t k, size;

	if (!name_ok(t->name)) {
		bundle_err(err, errlen, "tensor %u: name empty or too long", i);
		return -1;
	}
	if (t->role < ATOLL_ROLE_INPUT || t->role > ATOLL_ROLE_INTERNAL) {
		bundle_err(err, errlen, "tensor %u (%s): bad role %u", i,
			t->name, t->role);
		return -1;
	}
	size = dtype_size(t->dtype);
	if (size == 0) {
		bundle_err(err, errlen, "tensor %u (%s): unsupported dtype %u",
			i, t->name, t->dtype);
		return -1;
	}
	if (t->rank > ATOLL_BUNDLE_MAX_RANK) {
		bundle_err(err, errlen, "tensor %u (%s): rank %u exceeds %d",
			i, t->name, t->rank, ATOLL_BUNDLE_MAX_RANK);
		return -1;
	}
	for (k = 0; k < t->rank; k++)
		if (t->dims[k] < 0) {
			bundle_err(err, errlen, "tensor %u (%s): dim %u is "
				"negative (%lld)", i, t->name, k,
				(long long) t->dims[k]);
			return -1;
		}
	numel = tensor_numel(t);
	if (numel == UINT64_MAX || numel * size != t->nbytes) {
		bundle_err(err, errlen, "tensor %u (%s): nbytes %u does not "
			"match its shape and dtype %u", i, t->name, t->nbytes,
			t->dtype);
		return -1;
	}
	if (!in_dram(t->dram_addr, t->nbytes, dram_bytes)) {
		bundle_err(err, errlen, "tensor %u (%s): [0x%x, +%u) outside "
			"dram_bytes %u", i, t->name, t->dram_addr, t->nbytes,
			dram_bytes);
		return -1;
	}
	if (!scale_ok(float_bits(t->scale))) {
		bundle_err(err, errlen, "tensor %u (%s): scale is not finite "
			"and >= 0", i, t->name);
		return -1;
	}
	if (t->host_float > 2 || (t->host_float && ((t->dtype != 2 &&
	    t->dtype != 3) || !(t->scale > 0)))) {
		bundle_err(err, errlen, "tensor %u (%s): host_float needs a "
			"uint8/int8 tensor with a positive scale", i, t->name);
		return -1;
	}
	if (!zp_ok(t->dtype, t->zero_point)) {
		bundle_err(err, errlen, "tensor %u (%s): zero_point %d out of "
			"range for dtype %u", i, t->name, t->zero_point,
			t->dtype);
		return -1;
	}
	return t->host_float == 2 ? host_axis_check(t, i, err, errlen) : 0;
}

static int cmp_name_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Reject two tensors of "b" with the same name (sort, compare
 * neighbours: n log n, whatever the input).
 */
static int tensor_names_unique(const atoll_bundle *b, char *err,
	size_t errlen)
{
	const char **names;
	uint32_t i;
	int ret = 0;

	if (b->ntensors < 2)
		return 0;
	names = malloc(b->ntensors * sizeof(*names));
	if (!names) {
		bundle_err(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < b->ntensors; i++)
		names[i] = b->tensors[i].name;
	qsort(names, b->ntensors, sizeof(*names), cmp_name_ptr);
	for (i = 1; i < b->ntensors; i++)
		if (!strcmp(names[i - 1], names[i])) {
			bundle_err(err, errlen, "duplicate tensor name %s",
				names[i]);
			ret = -1;
			break;
		}
	free(names);
	return ret;
}

static int group_check(const atoll_bgroup *g, uint32_t i, uint32_t ncmds,
	char *err, size_t errlen)
{
	if (!name_ok(g->name)) {
		bundle_err(err, errlen, "group %u: name empty or too long", i);
		return -1;
	}
	if (g->first_cmd > ncmds || g->ncmds > ncmds - g->first_cmd) {
		bundle_err(err, errlen, "group %u (%s): commands [%u, +%u) "
			"outside the %u commands", i, g->name, g->first_cmd,
			g->ncmds, ncmds);
		return -1;
	}
	return 0;
}

/* The checks on the contents of "b" shared by writer and reader. */
static int bundle_check(const atoll_bundle *b, char *err, size_t errlen)
{
	uint32_t i;

	if (!in_dram(b->cmd_addr, (uint64_t) b->ncmds * ATOLL_CMD_BYTES,
		     b->dram_bytes)) {
		bundle_err(err, errlen, "commands [0x%x, +%u*%d) outside "
			"dram_bytes %u", b->cmd_addr, b->ncmds, ATOLL_CMD_BYTES,
			b->dram_bytes);
		return -1;
	}
	if (!in_dram(b->const_addr, b->const_bytes, b->dram_bytes)) {
		bundle_err(err, errlen, "constants [0x%x, +%u) outside "
			"dram_bytes %u", b->const_addr, b->const_bytes,
			b->dram_bytes);
		return -1;
	}
	if (b->ntensors > ATOLL_BUNDLE_MAX_TENSORS ||
	    b->ngroups > ATOLL_BUNDLE_MAX_GROUPS) {
		bundle_err(err, errlen, "%u tensors, %u groups: too many",
			b->ntensors, b->ngroups);
		return -1;
	}
	for (i = 0; i < b->ntensors; i++)
		if (tensor_check(&b->tensors[i], i, b->dram_bytes, err,
				 errlen) < 0)
			return -1;
	if (tensor_names_unique(b, err, errlen) < 0)
		return -1;
	for (i = 0; i < b->ngroups; i++)
		if (group_check(&b->groups[i], i, b->ncmds, err, errlen) < 0)
			return -1;
	return 0;
}

/* Pointers the counts of "b" say are there must be there. */
static int bundle_check_pointers(const atoll_bundle *b, char *err,
	size_t errlen)
{
	if ((b->ncmds && !b->cmds) || (b->const_bytes && !b->consts) ||
	    (b->ntensors && !b->tensors) || (b->ngroups && !b->groups)) {
		bundle_err(err, errlen, "a count is nonzero but its array "
			"is NULL");
		return -1;
	}
	return 0;
}

static void encode_meta(const atoll_bundle *b, struct bundle_wbuf *w)
{
	put_u32(w, b->cmd_addr);
	put_u32(w, b->ncmds);
	put_u32(w, b->const_addr);
	put_u32(w, b->const_bytes);
	put_u32(w, b->dram_bytes);
}

static void encode_commands(const atoll_bundle *b, struct bundle_wbuf *w)
{
	size_t i, n = (size_t) b->ncmds * ATOLL_CMD_WORDS;

	for (i = 0; i < n; i++)
		put_u32(w, b->cmds[i]);
}

static void encode_name(struct bundle_wbuf *w, const char *name)
{
	size_t n = strlen(name);

	put_u32(w, (uint32_t) n);
	put_bytes(w, name, n);
}

static void encode_tensors(const atoll_bundle *b, struct bundle_wbuf *w)
{
	uint32_t i, k;

	put_u32(w, b->ntensors);
	for (i = 0; i < b->ntensors; i++) {
		const atoll_btensor *t = &b->tensors[i];

		encode_name(w, t->name);
		put_u32(w, t->role);
		put_u32(w, t->dtype);
		put_u32(w, t->rank);
		for (k = 0; k < t->rank; k++)
			put_u64(w, (uint64_t) t->dims[k]);
		put_u32(w, t->dram_addr);
		put_u32(w, t->nbytes);
		put_u32(w, float_bits(t->scale));
		put_u32(w, (uint32_t) t->zero_point);
		put_u32(w, t->host_float);
		if (t->host_float != 2)
			continue;
		put_u32(w, t->host_axis);
		put_u32(w, (uint32_t) t->dims[t->host_axis]);
		for (k = 0; k < (uint32_t) t->dims[t->host_axis]; k++) {
			put_u32(w, float_bits(t->host_scales[k]));
			put_u32(w, (uint32_t) t->host_zps[k]);
		}
	}
}

static void encode_groups(const atoll_bundle *b, struct bundle_wbuf *w)
{
	uint32_t i, k;

	put_u32(w, b->ngroups);
	for (i = 0; i < b->ngroups; i++) {
		const atoll_bgroup *g = &b->groups[i];

		encode_name(w, g->name);
		put_u32(w, g->first_cmd);
		put_u32(w, g->ncmds);
		for (k = 0; k < ATOLL_BUNDLE_COUNTERS; k++)
			put_u64(w, g->counters[k]);
	}
}

/* Compress the "n" bytes at "src" into "w" with compress2. */
static int encode_zlib(const void *src, size_t n, struct bundle_wbuf *w,
	char *err, size_t errlen)
{
	uLongf dlen;
	int rc;

	if (n > BUNDLE_RAW_MAX) {
		bundle_err(err, errlen, "section of %zu bytes too large", n);
		return -1;
	}
	dlen = compressBound((uLong) n);
	wbuf_reserve(w, dlen);
	if (w->oom) {
		bundle_err(err, errlen, "out of memory");
		return -1;
	}
	rc = compress2(w->p + w->len, &dlen, n ? src : (const void *) "",
		(uLong) n, Z_BEST_COMPRESSION);
	if (rc != Z_OK) {
		bundle_err(err, errlen, "compress2 failed (%d)", rc);
		return -1;
	}
	w->len += dlen;
	return 0;
}

/* Write the header and section table for the "n" sections "s" (whose
 * offsets and CRCs are filled in here) followed by their payloads.
 */
static void encode_file(const atoll_bundle *b, struct bundle_section *s,
	int n, const struct bundle_wbuf *pay, struct bundle_wbuf *out)
{
	uint64_t off = ATOLL_BUNDLE_HEADER_BYTES +
		(uint64_t) n * ATOLL_BUNDLE_ENTRY_BYTES;
	uint32_t crc;
	int i;

	put_bytes(out, ATOLL_BUNDLE_MAGIC, 8);
	put_u32(out, ATOLL_BUNDLE_VERSION);
	put_u32(out, b->config_id);
	put_u32(out, (uint32_t) off);
	put_u32(out, (uint32_t) n);
	put_u32(out, 0);
	for (i = 0; i < n; i++) {
		s[i].offset = off;
		s[i].stored = pay[i].len;
		s[i].crc = crc_of(pay[i].p, pay[i].len);
		off += pay[i].len;
		put_u32(out, s[i].type);
		put_u32(out, s[i].flags);
		put_u64(out, s[i].offset);
		put_u64(out, s[i].stored);
		put_u64(out, s[i].raw);
		put_u32(out, s[i].crc);
	}
	for (i = 0; i < n; i++)
		put_bytes(out, pay[i].p, pay[i].len);
	if (out->oom)
		return;
	crc = crc_of(out->p, 24);
	crc = (uint32_t) crc32(crc, out->p + ATOLL_BUNDLE_HEADER_BYTES,
		(uInt) (n * ATOLL_BUNDLE_ENTRY_BYTES));
	out->p[24] = (uint8_t) crc;
	out->p[25] = (uint8_t) (crc >> 8);
	out->p[26] = (uint8_t) (crc >> 16);
	out->p[27] = (uint8_t) (crc >> 24);
}

/* Build the payload of every section of "b" into "pay" and describe
 * them in "s"; returns the number of sections or -1.
 */
static int encode_payloads(const atoll_bundle *b, struct bundle_section *s,
	struct bundle_wbuf *pay, char *err, size_t errlen)
{
	int n = 0;

	memset(s, 0, 6 * sizeof(*s));
	s[0].type = ATOLL_SECT_META;
	encode_meta(b, &pay[0]);
	s[1].type = ATOLL_SECT_COMMANDS;
	encode_commands(b, &pay[1]);
	s[2].type = ATOLL_SECT_CONSTANTS;
	s[2].flags = ATOLL_SECT_FLAG_ZLIB;
	s[2].raw = b->const_bytes;
	if (encode_zlib(b->consts, b->const_bytes, &pay[2], err, errlen) < 0)
		return -1;
	s[3].type = ATOLL_SECT_TENSORS;
	encode_tensors(b, &pay[3]);
	s[4].type = ATOLL_SECT_GROUPS;
	encode_groups(b, &pay[4]);
	n = 5;
	if (b->report_json) {
		s[5].type = ATOLL_SECT_REPORT;
		s[5].flags = ATOLL_SECT_FLAG_ZLIB;
		s[5].raw = strlen(b->report_json);
		if (encode_zlib(b->report_json, s[5].raw, &pay[5], err,
				errlen) < 0)
			return -1;
		n = 6;
	}
	s[0].raw = pay[0].len;
	s[1].raw = pay[1].len;
	s[3].raw = pay[3].len;
	s[4].raw = pay[4].len;
	return n;
}

int atoll_bundle_encode(const atoll_bundle *b, uint8_t **out,
	size_t *outlen, char *err, size_t errlen)
{
	struct bundle_wbuf pay[6], file = { NULL, 0, 0, 0 };
	struct bundle_section s[6];
	int i, n, oom = 0;

	*out = NULL;
	*outlen = 0;
	if (bundle_check_pointers(b, err, errlen) < 0 ||
	    bundle_check(b, err, errlen) < 0)
		return -1;
	memset(pay, 0, sizeof(pay));
	n = encode_payloads(b, s, pay, err, errlen);
	for (i = 0; i < 6; i++)
		oom |= pay[i].oom;
	if (n >= 0 && !oom)
		encode_file(b, s, n, pay, &file);
	for (i = 0; i < 6; i++)
		free(pay[i].p);
	if (n < 0)
		return -1;
	if (oom || file.oom) {
		free(file.p);
		bundle_err(err, errlen, "out of memory");
		return -1;
	}
	*out = file.p;
	*outlen = file.len;
	return 0;
}

int atoll_bundle_write(const atoll_bundle *b, const char *path, char *err,
	size_t errlen)
{
	uint8_t *buf;
	size_t len;
	FILE *f;
	int bad;

	if (atoll_bundle_encode(b, &buf, &len, err, errlen) < 0)
		return -1;
	f = fopen(path, "wb");
	if (!f) {
		bundle_err(err, errlen, "%s: %s", path, strerror(errno));
		free(buf);
		return -1;
	}
	bad = fwrite(buf, 1, len, f) != len;
	bad |= fclose(f) != 0;
	free(buf);
	if (bad) {
		bundle_err(err, errlen, "%s: write failed", path);
		remove(path);
		return -1;
	}
	return 0;
}

atoll_bundle *atoll_bundle_new(void)
{
	return calloc(1, sizeof(atoll_bundle));
}

void atoll_bundle_free(atoll_bundle *b)
{
	uint32_t i;

	if (!b)
		return;
	free(b->cmds);
	free(b->consts);
	for (i = 0; b->tensors && i < b->ntensors; i++) {
		free(b->tensors[i].host_scales);
		free(b->tensors[i].host_zps);
	}
	free(b->tensors);
	free(b->groups);
	free(b->report_json);
	free(b);
}

/* Check the fixed header of the "len" bytes at "buf"; on success
 * *nsect is the section count.
 */
static int parse_header(const uint8_t *buf, size_t len, atoll_bundle *b,
	uint32_t *nsect, char *err, size_t errlen)
{
	uint32_t version, hsize, crc;
	uint64_t need;

	if (len < ATOLL_BUNDLE_HEADER_BYTES) {
		bundle_err(err, errlen, "%zu bytes, shorter than the %d-byte "
			"header", len, ATOLL_BUNDLE_HEADER_BYTES);
		return -1;
	}
	if (memcmp(buf, ATOLL_BUNDLE_MAGIC, 8)) {
		bundle_err(err, errlen, "bad magic (not an atoll bundle)");
		return -1;
	}
	version = get_u32(buf + 8);
	if (version != ATOLL_BUNDLE_VERSION) {
		bundle_err(err, errlen, "version %u found, %u expected",
			version, ATOLL_BUNDLE_VERSION);
		return -1;
	}
	b->version = version;
	b->config_id = get_u32(buf + 12);
	hsize = get_u32(buf + 16);
	*nsect = get_u32(buf + 20);
	if (*nsect < 1 || *nsect > ATOLL_BUNDLE_MAX_SECTIONS) {
		bundle_err(err, errlen, "section count %u out of range "
			"[1, %d]", *nsect, ATOLL_BUNDLE_MAX_SECTIONS);
		return -1;
	}
	need = ATOLL_BUNDLE_HEADER_BYTES +
		(uint64_t) *nsect * ATOLL_BUNDLE_ENTRY_BYTES;
	if (hsize != need) {
		bundle_err(err, errlen, "header size %u, expected %llu for %u "
			"sections", hsize, (unsigned long long) need, *nsect);
		return -1;
	}
	if (need > len) {
		bundle_err(err, errlen, "section table ends at %llu, past the "
			"end of the %zu-byte file", (unsigned long long) need,
			len);
		return -1;
	}
	crc = crc_of(buf, 24);
	crc = (uint32_t) crc32(crc, buf + ATOLL_BUNDLE_HEADER_BYTES,
		(uInt) (need - ATOLL_BUNDLE_HEADER_BYTES));
	if (crc != get_u32(buf + 24)) {
		bundle_err(err, errlen, "header CRC mismatch");
		return -1;
	}
	return 0;
}

/* Read and check entry "i" of the section table into "s". */
static int parse_entry(const uint8_t *buf, size_t len, uint32_t i,
	uint64_t hsize, struct bundle_section *s, char *err, size_t errlen)
{
	const uint8_t *e = buf + ATOLL_BUNDLE_HEADER_BYTES +
		(size_t) i * ATOLL_BUNDLE_ENTRY_BYTES;

	s->type = get_u32(e);
	s->flags = get_u32(e + 4);
	s->offset = get_u64(e + 8);
	s->stored = get_u64(e + 16);
	s->raw = get_u64(e + 24);
	s->crc = get_u32(e + 32);
	if (s->type == 0 || s->type >= BUNDLE_NSECT_TYPES) {
		bundle_err(err, errlen, "section %u: unknown type %u", i,
			s->type);
		return -1;
	}
	if (s->flags != bundle_sect_flags[s->type]) {
		bundle_err(err, errlen, "section %u (%s): flags 0x%x, "
			"expected 0x%x", i, sect_name(s->type), s->flags,
			bundle_sect_flags[s->type]);
		return -1;
	}
	if (s->offset < hsize || s->offset > len ||
	    s->stored > len - s->offset) {
		bundle_err(err, errlen, "section %u (%s): [%llu, +%llu) "
			"outside the payload area [%llu, %zu)", i,
			sect_name(s->type), (unsigned long long) s->offset,
			(unsigned long long) s->stored,
			(unsigned long long) hsize, len);
		return -1;
	}
	s->data = buf + s->offset;
	return 0;
}

static int sections_overlap(const struct bundle_section *a,
	const struct bundle_section *b)
{
	if (a->stored == 0 || b->stored == 0)
		return 0;
	return a->offset < b->offset + b->stored &&
		b->offset < a->offset + a->stored;
}

/* Whole-table rules for the "n" sections "s": each type at most once,
 * the required ones present, no overlap, every byte covered.  *by_type
 * maps a type to its section.
 */
static int check_table(const struct bundle_section *s, uint32_t n,
	size_t len, uint64_t hsize, const struct bundle_section **by_type,
	char *err, size_t errlen)
{
	uint64_t covered = hsize;
	uint32_t i, j, t;

	for (i = 0; i < n; i++) {
		if (by_type[s[i].type]) {
			bundle_err(err, errlen, "section %u: second %s "
				"section", i, sect_name(s[i].type));
			return -1;
		}
		by_type[s[i].type] = &s[i];
		for (j = 0; j < i; j++)
			if (sections_overlap(&s[i], &s[j])) {
				bundle_err(err, errlen, "sections %u (%s) and "
					"%u (%s) overlap", j,
					sect_name(s[j].type), i,
					sect_name(s[i].type));
				return -1;
			}
		covered += s[i].stored;
	}
	for (t = ATOLL_SECT_META; t <= ATOLL_SECT_GROUPS; t++)
		if (!by_type[t]) {
			bundle_err(err, errlen, "required section %s missing",
				sect_name(t));
			return -1;
		}
	if (covered != len) {
		bundle_err(err, errlen, "%llu bytes of the %zu-byte file "
			"belong to no section",
			(unsigned long long) (len - covered), len);
		return -1;
	}
	return 0;
}

/* Check the CRC and sizes of section "i" ("s"); for a compressed
 * section, the raw size must be one deflate could produce.
 */
static int check_section(const struct bundle_section *s, uint32_t i,
	char *err, size_t errlen)
{
	if (crc_of(s->data, s->stored) != s->crc) {
		bundle_err(err, errlen, "section %u (%s) CRC mismatch", i,
			sect_name(s->type));
		return -1;
	}
	if (!(s->flags & ATOLL_SECT_FLAG_ZLIB) && s->raw != s->stored) {
		bundle_err(err, errlen, "section %u (%s): raw size %llu != "
			"stored size %llu", i, sect_name(s->type),
			(unsigned long long) s->raw,
			(unsigned long long) s->stored);
		return -1;
	}
	if ((s->flags & ATOLL_SECT_FLAG_ZLIB) && (s->raw > BUNDLE_RAW_MAX ||
	    s->raw / BUNDLE_ZLIB_MAX_RATIO > s->stored)) {
		bundle_err(err, errlen, "section %u (%s): raw size %llu "
			"impossible for %llu compressed bytes", i,
			sect_name(s->type), (unsigned long long) s->raw,
			(unsigned long long) s->stored);
		return -1;
	}
	return 0;
}

/* Decompress section "s" into a new buffer of exactly s->raw bytes
 * (plus a NUL, so text can be used as is).
 */
static uint8_t *inflate_section(const struct bundle_section *s, char *err,
	size_t errlen)
{
	uLongf dlen = (uLongf) s->raw;
	uLong slen = (uLong) s->stored;
	uint8_t *out;
	int rc;

	out = malloc((size_t) s->raw + 1);
	if (!out) {
		bundle_err(err, errlen, "out of memory");
		return NULL;
	}
	rc = uncompress2(out, &dlen, s->data, &slen);
	if (rc != Z_OK || dlen != s->raw || slen != s->stored) {
		bundle_err(err, errlen, "section %s: zlib data corrupt or not "
			"%llu bytes (zlib %d)", sect_name(s->type),
			(unsigned long long) s->raw, rc);
		free(out);
		return NULL;
	}
	out[s->raw] = '\0';
	return out;
}

static int parse_meta(const struct bundle_section *s, atoll_bundle *b,
	char *err, size_t errlen)
{
	if (s->stored != ATOLL_BUNDLE_META_BYTES) {
		bundle_err(err, errlen, "META is %llu bytes, expected %d",
			(unsigned long long) s->stored,
			ATOLL_BUNDLE_META_BYTES);
		return -1;
	}
	b->cmd_addr = get_u32(s->data);
	b->ncmds = get_u32(s->data + 4);
	b->const_addr = get_u32(s->data + 8);
	b->const_bytes = get_u32(s->data + 12);
	b->dram_bytes = get_u32(s->data + 16);
	return 0;
}

static int parse_commands(const struct bundle_section *s, atoll_bundle *b,
	char *err, size_t errlen)
{
	size_t i, nw;

	if (s->stored != (uint64_t) b->ncmds * ATOLL_CMD_BYTES) {
		bundle_err(err, errlen, "COMMANDS is %llu bytes, expected "
			"%u commands * %d", (unsigned long long) s->stored,
			b->ncmds, ATOLL_CMD_BYTES);
		return -1;
	}
	nw = (size_t) b->ncmds * ATOLL_CMD_WORDS;
	b->cmds = malloc(nw ? nw * sizeof(uint32_t) : 1);
	if (!b->cmds) {
		bundle_err(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < nw; i++)
		b->cmds[i] = get_u32(s->data + 4 * i);
	return 0;
}

static int parse_constants(const struct bundle_section *s, atoll_bundle *b,
	char *err, size_t errlen)
{
	if (s->raw != b->const_bytes) {
		bundle_err(err, errlen, "CONSTANTS raw size %llu, META says "
			"%u", (unsigned long long) s->raw, b->const_bytes);
		return -1;
	}
	b->consts = inflate_section(s, err, errlen);
	return b->consts ? 0 : -1;
}

/* Read a name (u32 length, bytes) into "name"; "what" and "i" say
 * whose name it is.
 */
static int parse_name(struct bundle_cursor *c, char *name, const char *what,
	uint32_t i, char *err, size_t errlen)
{
	const uint8_t *p;
	uint32_t n;

	n = cur_u32(c);
	if (c->short_read)
		return 0;
	if (n == 0 || n >= ATOLL_BUNDLE_NAME_MAX) {
		bundle_err(err, errlen, "%s %u: name length %u not in "
			"[1, %d]", what, i, n, ATOLL_BUNDLE_NAME_MAX - 1);
		return -1;
	}
	p = cur_bytes(c, n);
	if (!p)
		return 0;
	if (memchr(p, '\0', n)) {
		bundle_err(err, errlen, "%s %u: name contains NUL", what, i);
		return -1;
	}
	memcpy(name, p, n);
	name[n] = '\0';
	return 0;
}

/* Read the per-axis (de)quantisation arrays of tensor "t" ("i"). */
static int parse_host_axis(struct bundle_cursor *c, atoll_btensor *t,
	uint32_t i, char *err, size_t errlen)
{
	uint32_t k, n;

	t->host_axis = cur_u32(c);
	n = cur_u32(c);
	if (c->short_read)
		return 0;
	if (t->host_axis >= t->rank || (int64_t) n != t->dims[t->host_axis] ||
	    n > (c->n - c->pos) / 8) {
		bundle_err(err, errlen, "tensor %u (%s): per-axis host "
			"quantisation with axis %u and %u entries does not "
			"match its shape", i, t->name, t->host_axis, n);
		return -1;
	}
	t->host_scales = malloc((n ? n : 1) * sizeof(float));
	t->host_zps = malloc((n ? n : 1) * sizeof(int32_t));
	if (!t->host_scales || !t->host_zps) {
		bundle_err(err, errlen, "out of memory");
		return -1;
	}
	for (k = 0; k < n; k++) {
		t->host_scales[k] = bits_float(cur_u32(c));
		t->host_zps[k] = (int32_t) cur_u32(c);
	}
	return 0;
}

/* Read tensor "i" into "t"; a short read is left in c->short_read. */
static int parse_tensor(struct bundle_cursor *c, atoll_btensor *t,
	uint32_t i, char *err, size_t errlen)
{
	uint32_t k;

	if (parse_name(c, t->name, "tensor", i, err, errlen) < 0)
		return -1;
	t->role = cur_u32(c);
	t->dtype = cur_u32(c);
	t->rank = cur_u32(c);
	if (!c->short_read && t->rank > ATOLL_BUNDLE_MAX_RANK) {
		bundle_err(err, errlen, "tensor %u (%s): rank %u exceeds %d",
			i, t->name, t->rank, ATOLL_BUNDLE_MAX_RANK);
		return -1;
	}
	for (k = 0; k < t->rank && !c->short_read; k++)
		t->dims[k] = (int64_t) cur_u64(c);
	t->dram_addr = cur_u32(c);
	t->nbytes = cur_u32(c);
	t->scale = bits_float(cur_u32(c));
	t->zero_point = (int32_t) cur_u32(c);
	t->host_float = cur_u32(c);
	if (t->host_float == 2 && !c->short_read)
		return parse_host_axis(c, t, i, err, errlen);
	return 0;
}

/* Read a table's u32 entry count; at most "max", and at least
 * "min_entry" bytes per entry must remain.
 */
static int parse_count(struct bundle_cursor *c, const char *what,
	uint32_t max, size_t min_entry, uint32_t *count, char *err,
	size_t errlen)
{
	*count = cur_u32(c);
	if (c->short_read) {
		bundle_err(err, errlen, "%s section too short", what);
		return -1;
	}
	if (*count > max || *count > (c->n - c->pos) / min_entry) {
		bundle_err(err, errlen, "%s: %u entries cannot be right "
			"(limit %u, %zu bytes left)", what, *count, max,
			c->n - c->pos);
		return -1;
	}
	return 0;
}

static int cursor_done(const struct bundle_cursor *c, const char *what,
	char *err, size_t errlen)
{
	if (c->short_read) {
		bundle_err(err, errlen, "%s section truncated", what);
		return -1;
	}
	if (c->pos != c->n) {
		bundle_err(err, errlen, "%s section has %zu trailing bytes",
			what, c->n - c->pos);
		return -1;
	}
	return 0;
}

static int parse_tensors(const struct bundle_section *s, atoll_bundle *b,
	char *err, size_t errlen)
{
	struct bundle_cursor c = { s->data, (size_t) s->stored, 0, 0 };
	uint32_t i, n;

	if (parse_count(&c, "TENSORS", ATOLL_BUNDLE_MAX_TENSORS, 41, &n, err,
			errlen) < 0)
		return -1;
	b->tensors = calloc(n ? n : 1, sizeof(*b->tensors));
	if (!b->tensors) {
		bundle_err(err, errlen, "out of memory");
		return -1;
	}
	b->ntensors = n;
	for (i = 0; i < n && !c.short_read; i++)
		if (parse_tensor(&c, &b->tensors[i], i, err, errlen) < 0)
			return -1;
	return cursor_done(&c, "TENSORS", err, errlen);
}

static int parse_groups(const struct bundle_section *s, atoll_bundle *b,
	char *err, size_t errlen)
{
	struct bundle_cursor c = { s->data, (size_t) s->stored, 0, 0 };
	uint32_t i, k, n;

	if (parse_count(&c, "GROUPS", ATOLL_BUNDLE_MAX_GROUPS,
			13 + 8 * ATOLL_BUNDLE_COUNTERS, &n, err, errlen) < 0)
		return -1;
	b->groups = calloc(n ? n : 1, sizeof(*b->groups));
	if (!b->groups) {
		bundle_err(err, errlen, "out of memory");
		return -1;
	}
	b->ngroups = n;
	for (i = 0; i < n && !c.short_read; i++) {
		atoll_bgroup *g = &b->groups[i];

		if (parse_name(&c, g->name, "group", i, err, errlen) < 0)
			return -1;
		g->first_cmd = cur_u32(&c);
		g->ncmds = cur_u32(&c);
		for (k = 0; k < ATOLL_BUNDLE_COUNTERS; k++)
			g->counters[k] = cur_u64(&c);
	}
	return cursor_done(&c, "GROUPS", err, errlen);
}

static int parse_report(const struct bundle_section *s, atoll_bundle *b,
	char *err, size_t errlen)
{
	uint8_t *text = inflate_section(s, err, errlen);

	if (!text)
		return -1;
	if (memchr(text, '\0', (size_t) s->raw)) {
		free(text);
		bundle_err(err, errlen, "REPORT text contains NUL");
		return -1;
	}
	b->report_json = (char *) text;
	return 0;
}

typedef int (*bundle_sect_parser)(const struct bundle_section *s,
	atoll_bundle *b, char *err, size_t errlen);

static const bundle_sect_parser bundle_parsers[BUNDLE_NSECT_TYPES] = {
	[ATOLL_SECT_META] = parse_meta,
	[ATOLL_SECT_COMMANDS] = parse_commands,
	[ATOLL_SECT_CONSTANTS] = parse_constants,
	[ATOLL_SECT_TENSORS] = parse_tensors,
	[ATOLL_SECT_GROUPS] = parse_groups,
	[ATOLL_SECT_REPORT] = parse_report,
};

/* Decode every section of "by_type" into "b" in type order, META first:
 * the others are checked against it.
 */
static int parse_sections(const struct bundle_section **by_type,
	atoll_bundle *b, char *err, size_t errlen)
{
	uint32_t t;

	for (t = ATOLL_SECT_META; t < BUNDLE_NSECT_TYPES; t++)
		if (by_type[t] &&
		    bundle_parsers[t](by_type[t], b, err, errlen) < 0)
			return -1;
	return 0;
}

atoll_bundle *atoll_bundle_parse(const uint8_t *buf, size_t len, char *err,
	size_t errlen)
{
	struct bundle_section s[ATOLL_BUNDLE_MAX_SECTIONS];
	const struct bundle_section *by_type[BUNDLE_NSECT_TYPES] = { NULL };
	atoll_bundle *b;
	uint32_t i, n;
	uint64_t hsize;

	if (!buf && len) {
		bundle_err(err, errlen, "no data");
		return NULL;
	}
	b = atoll_bundle_new();
	if (!b) {
		bundle_err(err, errlen, "out of memory");
		return NULL;
	}
	if (parse_header(buf, len, b, &n, err, errlen) < 0)
		goto error;
	hsize = ATOLL_BUNDLE_HEADER_BYTES +
		(uint64_t) n * ATOLL_BUNDLE_ENTRY_BYTES;
	for (i = 0; i < n; i++)
		if (parse_entry(buf, len, i, hsize, &s[i], err, errlen) < 0)
			goto error;
	if (check_table(s, n, len, hsize, by_type, err, errlen) < 0)
		goto error;
	for (i = 0; i < n; i++)
		if (check_section(&s[i], i, err, errlen) < 0)
			goto error;
	if (parse_sections(by_type, b, err, errlen) < 0 ||
	    bundle_check(b, err, errlen) < 0)
		goto error;
	return b;
error:
	atoll_bundle_free(b);
	return NULL;
}

/* Read the whole file "f" into a new buffer. */
static uint8_t *read_all(FILE *f, size_t *len)
{
	size_t cap = 1 << 16, n = 0, got;
	uint8_t *buf = malloc(cap), *p;

	while (buf) {
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap)
			break;
		if (cap > SIZE_MAX / 2) {
			free(buf);
			return NULL;
		}
		cap *= 2;
		p = realloc(buf, cap);
		if (!p)
			free(buf);
		buf = p;
	}
	if (buf && ferror(f)) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

atoll_bundle *atoll_bundle_read(const char *path, char *err, size_t errlen)
{
	atoll_bundle *b;
	uint8_t *buf;
	size_t len = 0;
	FILE *f;

	f = fopen(path, "rb");
	if (!f) {
		bundle_err(err, errlen, "cannot open: %s", strerror(errno));
		return NULL;
	}
	buf = read_all(f, &len);
	fclose(f);
	if (!buf) {
		bundle_err(err, errlen, "read failed or out of memory");
		return NULL;
	}
	b = atoll_bundle_parse(buf, len, err, errlen);
	free(buf);
	return b;
}
