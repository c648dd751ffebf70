/*
 * Bundle (.atb) tests: round trips, then a distrustful reader.  Every
 * corruption of a small bundle is either rejected or (only where the
 * byte cannot matter) yields the same bundle; with the CRCs patched up
 * after the corruption, the checks behind the CRCs are exercised too.
 * The layout walked here is the one docs/bundle.md specifies.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "atoll_isa.h"
#include "bundle.h"
#include "harness.h"

#define HDR ATOLL_BUNDLE_HEADER_BYTES
#define ENT ATOLL_BUNDLE_ENTRY_BYTES

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint32_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t) ((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static void set_tensor(atoll_btensor *t, const char *name, uint32_t role,
	uint32_t dtype, uint32_t rank, const int64_t *dims, uint32_t addr,
	uint32_t nbytes, float scale, int32_t zp)
{
	uint32_t k;

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->role = role;
	t->dtype = dtype;
	t->rank = rank;
	for (k = 0; k < rank; k++)
		t->dims[k] = dims[k];
	t->dram_addr = addr;
	t->nbytes = nbytes;
	t->scale = scale;
	t->zero_point = zp;
}

static void set_group(atoll_bgroup *g, const char *name, uint32_t first,
	uint32_t n)
{
	int k;

	memset(g, 0, sizeof(*g));
	snprintf(g->name, sizeof(g->name), "%s", name);
	g->first_cmd = first;
	g->ncmds = n;
	for (k = 0; k < ATOLL_BUNDLE_COUNTERS; k++)
		g->counters[k] = ((uint64_t) rng() << 32 | rng()) >> (k % 40);
}

/* A bundle of "ncmds" random commands, "nconst" constant bytes of which
 * the first "nzero" are zero and the rest random, four tensors (scalar,
 * empty, weights, output), two groups and "report" (may be NULL).
 */
static atoll_bundle *make_bundle(uint32_t ncmds, uint32_t nconst,
	uint32_t nzero, const char *report)
{
	static const int64_t d_w[] = { 8, 3, 3, 2 }, d_e[] = { 4, 0, 0x7a7a7a };
	static const int64_t d_o[] = { 1, 8, 5, 5 };
	atoll_bundle *b = atoll_bundle_new();
	uint32_t i;

	if (!b)
		return NULL;
	b->version = ATOLL_BUNDLE_VERSION;
	b->config_id = 0xc0ffee11u;
	b->dram_bytes = 1u << 24;
	b->cmd_addr = 0x1000;
	b->ncmds = ncmds;
	b->cmds = malloc((ncmds ? ncmds : 1) * ATOLL_CMD_BYTES);
	b->const_addr = 0x100000;
	b->const_bytes = nconst;
	b->consts = malloc(nconst ? nconst : 1);
	b->ntensors = 4;
	b->tensors = calloc(4, sizeof(*b->tensors));
	b->ngroups = 2;
	b->groups = calloc(2, sizeof(*b->groups));
	if (report)
		b->report_json = strdup(report);
	if (!b->cmds || !b->consts || !b->tensors || !b->groups ||
	    (report && !b->report_json)) {
		atoll_bundle_free(b);
		return NULL;
	}
	for (i = 0; i < ncmds * ATOLL_CMD_WORDS; i++)
		b->cmds[i] = rng();
	for (i = 0; i < nconst; i++)
		b->consts[i] = i < nzero ? 0 : (uint8_t) rng();
	set_tensor(&b->tensors[0], "scale_in", ATOLL_ROLE_INPUT, 1, 0, NULL,
		0x200000, 4, 0.0f, 0);
	set_tensor(&b->tensors[1], "empty1", ATOLL_ROLE_INTERNAL, 6, 3, d_e,
		0x300000, 0, 0.5f, 0);
	set_tensor(&b->tensors[2], "conv1.weight", ATOLL_ROLE_CONST, 3, 4,
		d_w, 0x100000, 144, 0.0125f, -3);
	set_tensor(&b->tensors[3], "output", ATOLL_ROLE_OUTPUT, 2, 4, d_o,
		0x400000, 200, 0.25f, 128);
	b->tensors[3].host_float = 2;		/* per-axis, along dim 1 */
	b->tensors[3].host_axis = 1;
	b->tensors[3].host_scales = malloc(8 * sizeof(float));
	b->tensors[3].host_zps = malloc(8 * sizeof(int32_t));
	for (i = 0; i < 8 && b->tensors[3].host_scales &&
	     b->tensors[3].host_zps; i++) {
		b->tensors[3].host_scales[i] = 0.25f + 0.125f * (float) i;
		b->tensors[3].host_zps[i] = (int32_t) (rng() & 0xff);
	}
	set_group(&b->groups[0], "conv1", 0, ncmds > 1 ? ncmds - 1 : 0);
	set_group(&b->groups[1], "relu/out", ncmds, 0);
	return b;
}

static int tensor_equal(const atoll_btensor *a, const atoll_btensor *b)
{
	uint32_t k;

	if (strcmp(a->name, b->name) || a->role != b->role ||
	    a->dtype != b->dtype || a->rank != b->rank ||
	    a->dram_addr != b->dram_addr || a->nbytes != b->nbytes ||
	    memcmp(&a->scale, &b->scale, sizeof(a->scale)) ||
	    a->zero_point != b->zero_point || a->host_float != b->host_float ||
	    a->host_axis != b->host_axis)
		return 0;
	if (a->host_float == 2 && (memcmp(a->host_scales, b->host_scales,
			a->dims[a->host_axis] * sizeof(float)) ||
	    memcmp(a->host_zps, b->host_zps,
			a->dims[a->host_axis] * sizeof(int32_t))))
		return 0;
	for (k = 0; k < a->rank; k++)
		if (a->dims[k] != b->dims[k])
			return 0;
	return 1;
}

static int group_equal(const atoll_bgroup *a, const atoll_bgroup *b)
{
	return !strcmp(a->name, b->name) && a->first_cmd == b->first_cmd &&
		a->ncmds == b->ncmds &&
		!memcmp(a->counters, b->counters, sizeof(a->counters));
}

/* Do "a" and "b" hold the same content? */
static int bundle_equal(const atoll_bundle *a, const atoll_bundle *b)
{
	uint32_t i;

	if (a->version != b->version || a->config_id != b->config_id ||
	    a->cmd_addr != b->cmd_addr || a->ncmds != b->ncmds ||
	    a->const_addr != b->const_addr ||
	    a->const_bytes != b->const_bytes ||
	    a->dram_bytes != b->dram_bytes || a->ntensors != b->ntensors ||
	    a->ngroups != b->ngroups)
		return 0;
	if ((a->ncmds && memcmp(a->cmds, b->cmds,
			(size_t) a->ncmds * ATOLL_CMD_BYTES)) ||
	    (a->const_bytes && memcmp(a->consts, b->consts, a->const_bytes)))
		return 0;
	for (i = 0; i < a->ntensors; i++)
		if (!tensor_equal(&a->tensors[i], &b->tensors[i]))
			return 0;
	for (i = 0; i < a->ngroups; i++)
		if (!group_equal(&a->groups[i], &b->groups[i]))
			return 0;
	if (!a->report_json || !b->report_json)
		return a->report_json == b->report_json;
	return !strcmp(a->report_json, b->report_json);
}

/* Encode "b", parse the bytes back, compare, and check that encoding
 * the result reproduces the same bytes.
 */
static int roundtrip(const atoll_bundle *b)
{
	uint8_t *buf = NULL, *buf2 = NULL;
	size_t len, len2;
	atoll_bundle *p;
	char err[256];
	int ok;

	CHECKF(atoll_bundle_encode(b, &buf, &len, err, sizeof(err)) == 0,
		"%s", err);
	p = atoll_bundle_parse(buf, len, err, sizeof(err));
	if (!p)
		free(buf);
	CHECKF(p, "%s", err);
	ok = bundle_equal(b, p) &&
		atoll_bundle_encode(p, &buf2, &len2, err, sizeof(err)) == 0 &&
		len2 == len && !memcmp(buf, buf2, len);
	atoll_bundle_free(p);
	free(buf);
	free(buf2);
	CHECK(ok);
	return 0;
}

static int test_roundtrip(void)
{
	static const char report[] = "{\"model\": \"tiny\", \"layers\": "
		"[{\"name\": \"conv1\", \"macs\": 1234}]}";
	atoll_bundle *b;
	int bad;

	b = make_bundle(37, 70000, 50000, report);
	CHECK(b);
	bad = roundtrip(b);
	atoll_bundle_free(b);
	CHECK(!bad);
	b = make_bundle(3, 4096, 0, NULL);
	CHECK(b);
	bad = roundtrip(b);
	atoll_bundle_free(b);
	CHECK(!bad);
	b = make_bundle(0, 0, 0, "");
	CHECK(b);
	bad = roundtrip(b);
	atoll_bundle_free(b);
	CHECK(!bad);
	return 0;
}

/* Constants close to deflate's best ratio still pass the ratio check. */
static int test_roundtrip_zeros(void)
{
	atoll_bundle *b;
	int bad;

	b = make_bundle(1, 1u << 22, 1u << 22, "{}");
	CHECK(b);
	bad = roundtrip(b);
	atoll_bundle_free(b);
	CHECK(!bad);
	return 0;
}

static int test_empty_tables(void)
{
	atoll_bundle *b = atoll_bundle_new();
	int bad;

	CHECK(b);
	b->version = ATOLL_BUNDLE_VERSION;
	b->dram_bytes = 64;
	bad = roundtrip(b);
	atoll_bundle_free(b);
	CHECK(!bad);
	return 0;
}

static int test_file(void)
{
	char path[] = "/tmp/atoll_test_bundle_XXXXXX";
	char err[512];
	atoll_bundle *b, *r;
	int fd, ok;

	b = make_bundle(5, 1000, 500, "{\"x\": 1}");
	CHECK(b);
	fd = mkstemp(path);
	if (fd < 0)
		atoll_bundle_free(b);
	CHECK(fd >= 0);
	close(fd);
	ok = atoll_bundle_write(b, path, err, sizeof(err)) == 0;
	r = ok ? atoll_bundle_read(path, err, sizeof(err)) : NULL;
	ok = r && bundle_equal(b, r);
	atoll_bundle_free(r);
	atoll_bundle_free(b);
	remove(path);
	CHECKF(ok, "%s", err);
	CHECK(atoll_bundle_read("/nonexistent/x.atb", err, sizeof(err)) ==
		NULL);
	CHECKF(strstr(err, "cannot open"), "%s", err);
	return 0;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t) p[0] | (uint32_t) p[1] << 8 |
		(uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t) rd32(p + 4) << 32;
}

static void wr32(uint8_t *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (uint8_t) (v >> (8 * i));
}

static void wr64(uint8_t *p, uint64_t v)
{
	wr32(p, (uint32_t) v);
	wr32(p + 4, (uint32_t) (v >> 32));
}

static uint32_t nsect_of(const uint8_t *buf, size_t len)
{
	uint32_t n;

	if (len < HDR)
		return 0;
	n = rd32(buf + 20);
	if (n > ATOLL_BUNDLE_MAX_SECTIONS || HDR + (size_t) n * ENT > len)
		return 0;
	return n;
}

/* Recompute every section CRC the table lets us find, then the header
 * CRC, as a forger would: what remains is the reader's other checks.
 */
static void fix_crcs(uint8_t *buf, size_t len)
{
	uint32_t i, n = nsect_of(buf, len), crc;

	for (i = 0; i < n; i++) {
		uint8_t *e = buf + HDR + i * ENT;
		uint64_t off = rd64(e + 8), sz = rd64(e + 16);

		if (off <= len && sz <= len - off)
			wr32(e + 32, (uint32_t) crc32(0, buf + off,
				(uInt) sz));
	}
	if (len < HDR)
		return;
	crc = (uint32_t) crc32(0, buf, 24);
	crc = (uint32_t) crc32(crc, buf + HDR, (uInt) (n * ENT));
	wr32(buf + 24, crc);
}

/* Table entry of the section of type "type", or NULL. */
static uint8_t *entry_of(uint8_t *buf, size_t len, uint32_t type)
{
	uint32_t i, n = nsect_of(buf, len);

	for (i = 0; i < n; i++)
		if (rd32(buf + HDR + i * ENT) == type)
			return buf + HDR + i * ENT;
	return NULL;
}

static uint8_t *payload_of(uint8_t *buf, size_t len, uint32_t type)
{
	uint8_t *e = entry_of(buf, len, type);

	return e ? buf + rd64(e + 8) : NULL;
}

/* Offset inside the TENSORS payload "p" of tensor "i". */
static uint8_t *tensor_at(uint8_t *p, uint32_t i)
{
	uint32_t k;

	p += 4;
	for (k = 0; k < i; k++) {
		uint32_t n = rd32(p);
		uint32_t rank = rd32(p + 4 + n + 8);

		p += 4 + n + 12 + 8 * rank + 20;
	}
	return p;
}

/* Field "what" of tensor "i": 0 name length, 1 name, 2 role, 3 dtype,
 * 4 rank, 5 dims, 6 dram_addr, 7 nbytes, 8 scale, 9 zero_point.
 */
static uint8_t *tensor_field(uint8_t *buf, size_t len, uint32_t i,
	int what)
{
	uint8_t *t = tensor_at(payload_of(buf, len, ATOLL_SECT_TENSORS), i);
	uint32_t n = rd32(t), rank = rd32(t + 4 + n + 8);
	size_t off[10];

	off[0] = 0;
	off[1] = 4;
	off[2] = 4 + n;
	off[3] = off[2] + 4;
	off[4] = off[3] + 4;
	off[5] = off[4] + 4;
	off[6] = off[5] + 8 * rank;
	off[7] = off[6] + 4;
	off[8] = off[7] + 4;
	off[9] = off[8] + 4;
	return t + off[what];
}

/* Field of group "i": 0 name length, 1 name, 2 first_cmd, 3 ncmds. */
static uint8_t *group_field(uint8_t *buf, size_t len, uint32_t i, int what)
{
	uint8_t *g = payload_of(buf, len, ATOLL_SECT_GROUPS) + 4;
	uint32_t k, n;

	for (k = 0; k < i; k++)
		g += 4 + rd32(g) + 8 + 8 * ATOLL_BUNDLE_COUNTERS;
	n = rd32(g);
	return g + (what == 0 ? 0 : what == 1 ? 4 : 4 + n + 4 * (what - 2));
}

/* Replace the payload of the last section (type "type") by "data" ("n"
 * bytes, "raw" raw size); *buf is reallocated.
 */
static int replace_last(uint8_t **buf, size_t *len, uint32_t type,
	const void *data, size_t n, uint64_t raw)
{
	uint8_t *e = entry_of(*buf, *len, type), *p;
	uint64_t off;

	if (!e)
		return -1;
	off = rd64(e + 8);
	if (off + rd64(e + 16) != *len)
		return -1;
	p = realloc(*buf, off + n);
	if (!p)
		return -1;
	memcpy(p + off, data, n);
	e = entry_of(p, off + n, type);
	wr64(e + 16, n);
	wr64(e + 24, raw);
	*buf = p;
	*len = off + n;
	fix_crcs(p, *len);
	return 0;
}

/* The small bundle the corruption tests start from. */
static int small_bundle(atoll_bundle **b, uint8_t **buf, size_t *len)
{
	char err[256];

	*b = make_bundle(2, 40, 20, "{\"a\": 1}");
	CHECK(*b);
	if (atoll_bundle_encode(*b, buf, len, err, sizeof(err)) < 0) {
		atoll_bundle_free(*b);
		CHECKF(0, "%s", err);
	}
	return 0;
}

static const uint8_t flips[] = { 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40,
	0x80, 0xff, 0x5a };

#define NFLIPS ((int) (sizeof(flips) / sizeof(flips[0])))

/* Parse "len" bytes "m" mutated from the encoding of "orig" at byte
 * "at"; the parse must fail with a message or give "orig" back, or if
 * "canonical" is set and the byte lies in an uncompressed part, give a
 * bundle that encodes to exactly "m".
 */
static int check_mutant(const atoll_bundle *orig, const uint8_t *m,
	size_t len, size_t at, int canonical)
{
	uint8_t *re = NULL;
	size_t relen = 0;
	atoll_bundle *p;
	char err[256] = "";
	int same;

	p = atoll_bundle_parse(m, len, err, sizeof(err));
	if (!p) {
		CHECKF(!strncmp(err, "bundle: ", 8), "byte %zu: '%s'", at, err);
		return 0;
	}
	same = bundle_equal(orig, p);
	if (!same && canonical)
		same = atoll_bundle_encode(p, &re, &relen, err,
			sizeof(err)) == 0 && relen == len &&
			!memcmp(re, m, len);
	atoll_bundle_free(p);
	free(re);
	CHECKF(same, "byte %zu: parse accepted different content", at);
	return 0;
}

/* Is byte "at" inside a compressed section's payload? */
static int in_compressed(uint8_t *buf, size_t len, size_t at)
{
	uint32_t i, n = nsect_of(buf, len);

	for (i = 0; i < n; i++) {
		uint8_t *e = buf + HDR + i * ENT;
		uint64_t off = rd64(e + 8), sz = rd64(e + 16);

		if ((rd32(e + 4) & ATOLL_SECT_FLAG_ZLIB) && at >= off &&
		    at - off < sz)
			return 1;
	}
	return 0;
}

/* Every flip of every byte, CRCs left alone: CRC32 catches them all. */
static int test_flip_every_byte(void)
{
	atoll_bundle *b;
	uint8_t *buf, *m;
	size_t len, at;
	int k, bad = 0, accepted = 0;

	if (small_bundle(&b, &buf, &len))
		return 1;
	m = malloc(len);
	for (at = 0; m && at < len && !bad; at++)
		for (k = 0; k < NFLIPS && !bad; k++) {
			atoll_bundle *p;

			memcpy(m, buf, len);
			m[at] ^= flips[k];
			bad = check_mutant(b, m, len, at, 0);
			p = atoll_bundle_parse(m, len, NULL, 0);
			accepted += p != NULL;
			atoll_bundle_free(p);
		}
	free(m);
	free(buf);
	atoll_bundle_free(b);
	CHECK(m && !bad);
	CHECKF(accepted == 0, "%d flips accepted", accepted);
	return 0;
}

/* Every flip of every byte with the CRCs forged afterwards: what the
 * reader accepts must be the original or, outside compressed data,
 * exactly what the mutated bytes say (the encoding is canonical).
 */
static int test_flip_forged_crc(void)
{
	atoll_bundle *b;
	uint8_t *buf, *m;
	size_t len, at;
	int k, bad = 0;

	if (small_bundle(&b, &buf, &len))
		return 1;
	m = malloc(len);
	for (at = 0; m && at < len && !bad; at++)
		for (k = 0; k < NFLIPS && !bad; k++) {
			memcpy(m, buf, len);
			m[at] ^= flips[k];
			fix_crcs(m, len);
			bad = check_mutant(b, m, len, at,
				!in_compressed(buf, len, at));
		}
	free(m);
	free(buf);
	atoll_bundle_free(b);
	CHECK(m && !bad);
	return 0;
}

/* Random multi-byte damage with forged CRCs, half of it aimed at the
 * header and table, none in compressed data (a harmless change there
 * would hide the canonical check): no crash, and what is accepted is
 * exactly what the bytes say.
 */
static int test_random_damage(void)
{
	atoll_bundle *b;
	uint8_t *buf, *m;
	size_t len, at = 0;
	int it, k, n, bad = 0;

	if (small_bundle(&b, &buf, &len))
		return 1;
	m = malloc(len);
	for (it = 0; m && it < 4000 && !bad; it++) {
		memcpy(m, buf, len);
		n = 1 + (int) (rng() % 4);
		for (k = 0; k < n; k++) {
			at = rng() & 1 ? HDR + 6 * ENT : len;
			at = rng() % at;
			if (!in_compressed(buf, len, at))
				m[at] = (uint8_t) rng();
		}
		fix_crcs(m, len);
		bad = check_mutant(b, m, len, at, 1);
	}
	free(m);
	free(buf);
	atoll_bundle_free(b);
	CHECK(m && !bad);
	return 0;
}

static int test_truncate(void)
{
	atoll_bundle *b, *p;
	uint8_t *buf, *m;
	size_t len, n;
	char err[256];
	int bad = 0;

	if (small_bundle(&b, &buf, &len))
		return 1;
	for (n = 0; n < len && !bad; n++) {
		m = malloc(n ? n : 1);
		if (!m) {
			bad = 1;
			break;
		}
		memcpy(m, buf, n);
		p = atoll_bundle_parse(m, n, err, sizeof(err));
		bad = p != NULL;
		atoll_bundle_free(p);
		free(m);
	}
	CHECK(atoll_bundle_parse(NULL, 0, err, sizeof(err)) == NULL);
	m = bad ? NULL : realloc(buf, len + 1);
	if (m) {
		buf = m;
		buf[len] = 0;
		fix_crcs(buf, len + 1);
		p = atoll_bundle_parse(buf, len + 1, err, sizeof(err));
		bad = p != NULL || !strstr(err, "belong to no section");
		atoll_bundle_free(p);
	}
	free(buf);
	atoll_bundle_free(b);
	CHECKF(!bad, "truncated at %zu accepted or %s", n, err);
	return 0;
}

/* One corruption: "fn" edits the encoding of the small bundle, the
 * reader must reject it with a message containing "expect".
 */
struct corruption {
	const char *name;
	int (*fn)(uint8_t **buf, size_t *len);
	const char *expect;
	int forge;			/* recompute CRCs afterwards */
};

static int c_magic(uint8_t **buf, size_t *len)
{
	(void) len;
	(*buf)[0] = 'X';
	return 0;
}

static int c_version(uint8_t **buf, size_t *len)
{
	(void) len;
	wr32(*buf + 8, ATOLL_BUNDLE_VERSION + 1);
	return 0;
}

static int c_nsect_huge(uint8_t **buf, size_t *len)
{
	(void) len;
	wr32(*buf + 20, 0xffffffffu);
	return 0;
}

static int c_nsect_zero(uint8_t **buf, size_t *len)
{
	(void) len;
	wr32(*buf + 20, 0);
	return 0;
}

static int c_header_size(uint8_t **buf, size_t *len)
{
	(void) len;
	wr32(*buf + 16, rd32(*buf + 16) + 4);
	return 0;
}

static int c_header_crc(uint8_t **buf, size_t *len)
{
	(void) len;
	(*buf)[12] ^= 1;
	return 0;
}

static int c_section_crc(uint8_t **buf, size_t *len)
{
	payload_of(*buf, *len, ATOLL_SECT_CONSTANTS)[3] ^= 0x10;
	return 0;
}

static int c_offset_beyond(uint8_t **buf, size_t *len)
{
	wr64(entry_of(*buf, *len, ATOLL_SECT_TENSORS) + 8, *len + 100);
	return 0;
}

static int c_offset_wraps(uint8_t **buf, size_t *len)
{
	wr64(entry_of(*buf, *len, ATOLL_SECT_GROUPS) + 8, UINT64_MAX - 3);
	return 0;
}

static int c_size_huge(uint8_t **buf, size_t *len)
{
	wr64(entry_of(*buf, *len, ATOLL_SECT_COMMANDS) + 16, UINT64_MAX);
	return 0;
}

static int c_offset_in_header(uint8_t **buf, size_t *len)
{
	wr64(entry_of(*buf, *len, ATOLL_SECT_META) + 8, 4);
	return 0;
}

static int c_overlap(uint8_t **buf, size_t *len)
{
	uint8_t *t = entry_of(*buf, *len, ATOLL_SECT_TENSORS);

	wr64(t + 8, rd64(t + 8) - 8);
	return 0;
}

static int c_dup_type(uint8_t **buf, size_t *len)
{
	uint8_t *r = entry_of(*buf, *len, ATOLL_SECT_REPORT);

	wr32(r, ATOLL_SECT_TENSORS);
	wr32(r + 4, 0);
	return 0;
}

/* Drop the last entry (REPORT) and turn GROUPS into the REPORT. */
static int c_missing(uint8_t **buf, size_t *len)
{
	uint8_t *g = entry_of(*buf, *len, ATOLL_SECT_GROUPS);

	wr32(g, ATOLL_SECT_REPORT);
	wr32(g + 4, ATOLL_SECT_FLAG_ZLIB);
	wr32(*buf + 20, rd32(*buf + 20) - 1);
	wr32(*buf + 16, rd32(*buf + 16) - ENT);
	return 0;
}

static int c_unknown_type(uint8_t **buf, size_t *len)
{
	wr32(entry_of(*buf, *len, ATOLL_SECT_REPORT), 99);
	return 0;
}

static int c_flags(uint8_t **buf, size_t *len)
{
	wr32(entry_of(*buf, *len, ATOLL_SECT_CONSTANTS) + 4, 0);
	return 0;
}

static int c_raw_mismatch(uint8_t **buf, size_t *len)
{
	wr64(entry_of(*buf, *len, ATOLL_SECT_META) + 24, 21);
	return 0;
}

static int c_inflate_size(uint8_t **buf, size_t *len)
{
	uint8_t *meta = payload_of(*buf, *len, ATOLL_SECT_META);
	uint8_t *e = entry_of(*buf, *len, ATOLL_SECT_CONSTANTS);

	wr32(meta + 12, rd32(meta + 12) + 1);
	wr64(e + 24, rd64(e + 24) + 1);
	return 0;
}

static int c_const_raw(uint8_t **buf, size_t *len)
{
	uint8_t *e = entry_of(*buf, *len, ATOLL_SECT_CONSTANTS);

	wr64(e + 24, rd64(e + 24) - 1);
	return 0;
}

static int c_ratio(uint8_t **buf, size_t *len)
{
	wr64(entry_of(*buf, *len, ATOLL_SECT_REPORT) + 24, 0xfffffff0u);
	return 0;
}

static int c_report_nul(uint8_t **buf, size_t *len)
{
	static const char text[] = "{\"a\"\0: 1}";
	uint8_t z[64];
	uLongf zlen = sizeof(z);

	if (compress2(z, &zlen, (const Bytef *) text, sizeof(text) - 1,
		      9) != Z_OK)
		return -1;
	return replace_last(buf, len, ATOLL_SECT_REPORT, z, zlen,
		sizeof(text) - 1);
}

static int c_zlib_trailing(uint8_t **buf, size_t *len)
{
	uint8_t z[64];
	uLongf zlen = sizeof(z) - 1;

	if (compress2(z, &zlen, (const Bytef *) "{}", 2, 9) != Z_OK)
		return -1;
	z[zlen] = 0;
	return replace_last(buf, len, ATOLL_SECT_REPORT, z, zlen + 1, 2);
}

static int c_meta_ncmds(uint8_t **buf, size_t *len)
{
	uint8_t *meta = payload_of(*buf, *len, ATOLL_SECT_META);

	wr32(meta + 4, 0x04000001u);
	return 0;
}

static int c_meta_dram(uint8_t **buf, size_t *len)
{
	wr32(payload_of(*buf, *len, ATOLL_SECT_META) + 16, 0x1000);
	return 0;
}

static int c_meta_cmd_wrap(uint8_t **buf, size_t *len)
{
	wr32(payload_of(*buf, *len, ATOLL_SECT_META), 0xffffffc0u);
	return 0;
}

static int c_meta_const(uint8_t **buf, size_t *len)
{
	wr32(payload_of(*buf, *len, ATOLL_SECT_META) + 8, 0x00ffffe0u);
	return 0;
}

static int c_tensor_count_huge(uint8_t **buf, size_t *len)
{
	wr32(payload_of(*buf, *len, ATOLL_SECT_TENSORS), 0xffffffffu);
	return 0;
}

static int c_tensor_count_big(uint8_t **buf, size_t *len)
{
	wr32(payload_of(*buf, *len, ATOLL_SECT_TENSORS), 5);
	return 0;
}

static int c_tensor_count_small(uint8_t **buf, size_t *len)
{
	wr32(payload_of(*buf, *len, ATOLL_SECT_TENSORS), 3);
	return 0;
}

static int c_group_count_huge(uint8_t **buf, size_t *len)
{
	wr32(payload_of(*buf, *len, ATOLL_SECT_GROUPS),
		ATOLL_BUNDLE_MAX_GROUPS + 1);
	return 0;
}

static int c_rank(uint8_t **buf, size_t *len)
{
	wr32(tensor_field(*buf, *len, 2, 4), 9);
	return 0;
}

static int c_rank_huge(uint8_t **buf, size_t *len)
{
	wr32(tensor_field(*buf, *len, 2, 4), 0x80000000u);
	return 0;
}

static int c_dim_negative(uint8_t **buf, size_t *len)
{
	tensor_field(*buf, *len, 1, 5)[2 * 8 + 7] = 0x80;
	return 0;
}

static int c_nbytes(uint8_t **buf, size_t *len)
{
	uint8_t *p = tensor_field(*buf, *len, 3, 7);

	wr32(p, rd32(p) + 1);
	return 0;
}

static int c_numel_overflow(uint8_t **buf, size_t *len)
{
	uint8_t *d = tensor_field(*buf, *len, 1, 5);

	wr64(d + 8, 0x100000000ull);
	wr64(d + 16, 0x100000000ull);
	wr64(d, 1);
	return 0;
}

static int c_dtype(uint8_t **buf, size_t *len)
{
	wr32(tensor_field(*buf, *len, 0, 3), 5);
	return 0;
}

static int c_role(uint8_t **buf, size_t *len)
{
	wr32(tensor_field(*buf, *len, 0, 2), 0);
	return 0;
}

static int c_name_nul(uint8_t **buf, size_t *len)
{
	tensor_field(*buf, *len, 2, 1)[3] = 0;
	return 0;
}

static int c_name_empty(uint8_t **buf, size_t *len)
{
	wr32(tensor_field(*buf, *len, 3, 0), 0);
	return 0;
}

static int c_name_long(uint8_t **buf, size_t *len)
{
	wr32(tensor_field(*buf, *len, 3, 0), ATOLL_BUNDLE_NAME_MAX);
	return 0;
}

static int c_name_dup(uint8_t **buf, size_t *len)
{
	memcpy(tensor_field(*buf, *len, 1, 1), "output", 6);
	return 0;
}

static int c_dram_range(uint8_t **buf, size_t *len)
{
	wr32(tensor_field(*buf, *len, 3, 6), (1u << 24) - 100);
	return 0;
}

static int c_dram_wrap(uint8_t **buf, size_t *len)
{
	wr32(tensor_field(*buf, *len, 3, 6), 0xffffff80u);
	return 0;
}

static int c_scale_nan(uint8_t **buf, size_t *len)
{
	wr32(tensor_field(*buf, *len, 2, 8), 0x7fc00000u);
	return 0;
}

static int c_zero_point(uint8_t **buf, size_t *len)
{
	wr32(tensor_field(*buf, *len, 3, 9), 256);
	return 0;
}

static int c_group_range(uint8_t **buf, size_t *len)
{
	wr32(group_field(*buf, *len, 1, 3), 1);
	return 0;
}

static int c_group_first(uint8_t **buf, size_t *len)
{
	wr32(group_field(*buf, *len, 0, 2), 0xffffffffu);
	return 0;
}

static int c_group_name(uint8_t **buf, size_t *len)
{
	group_field(*buf, *len, 1, 1)[0] = 0;
	return 0;
}

static const struct corruption corruptions[] = {
	{ "magic", c_magic, "bad magic", 0 },
	{ "version", c_version, "version 3 found, 2 expected", 1 },
	{ "nsect_huge", c_nsect_huge, "section count 4294967295", 1 },
	{ "nsect_zero", c_nsect_zero, "section count 0", 1 },
	{ "header_size", c_header_size, "header size", 1 },
	{ "header_crc", c_header_crc, "header CRC mismatch", 0 },
	{ "section_crc", c_section_crc,
		"section 2 (CONSTANTS) CRC mismatch", 0 },
	{ "offset_beyond", c_offset_beyond, "section 3 (TENSORS)", 1 },
	{ "offset_wraps", c_offset_wraps, "section 4 (GROUPS)", 1 },
	{ "size_huge", c_size_huge, "section 1 (COMMANDS)", 1 },
	{ "offset_in_header", c_offset_in_header, "outside the payload",
		1 },
	{ "overlap", c_overlap, "overlap", 1 },
	{ "dup_type", c_dup_type, "second TENSORS section", 1 },
	{ "missing", c_missing, "required section GROUPS missing", 1 },
	{ "unknown_type", c_unknown_type, "unknown type 99", 1 },
	{ "flags", c_flags, "flags 0x0, expected 0x1", 1 },
	{ "raw_mismatch", c_raw_mismatch, "raw size 21 != stored", 1 },
	{ "inflate_size", c_inflate_size, "zlib data corrupt", 1 },
	{ "const_raw", c_const_raw, "CONSTANTS raw size", 1 },
	{ "ratio", c_ratio, "impossible", 1 },
	{ "report_nul", c_report_nul, "REPORT text contains NUL", 0 },
	{ "zlib_trailing", c_zlib_trailing, "zlib data corrupt", 0 },
	{ "meta_ncmds", c_meta_ncmds, "COMMANDS is", 1 },
	{ "meta_dram", c_meta_dram, "outside dram_bytes", 1 },
	{ "meta_cmd_wrap", c_meta_cmd_wrap, "commands [", 1 },
	{ "meta_const", c_meta_const, "constants [", 1 },
	{ "tensor_count_huge", c_tensor_count_huge, "4294967295 entries",
		1 },
	{ "tensor_count_big", c_tensor_count_big, "TENSORS section "
		"truncated", 1 },
	{ "tensor_count_small", c_tensor_count_small, "trailing bytes", 1 },
	{ "group_count_huge", c_group_count_huge, "65537 entries", 1 },
	{ "rank", c_rank, "rank 9 exceeds 8", 1 },
	{ "rank_huge", c_rank_huge, "rank 2147483648", 1 },
	{ "dim_negative", c_dim_negative, "dim 2 is negative", 1 },
	{ "nbytes", c_nbytes, "tensor 3 (output): nbytes 201", 1 },
	{ "numel_overflow", c_numel_overflow, "tensor 1 (empty1): nbytes",
		1 },
	{ "dtype", c_dtype, "unsupported dtype 5", 1 },
	{ "role", c_role, "bad role 0", 1 },
	{ "name_nul", c_name_nul, "tensor 2: name contains NUL", 1 },
	{ "name_empty", c_name_empty, "tensor 3: name length 0", 1 },
	{ "name_long", c_name_long, "name length 256", 1 },
	{ "name_dup", c_name_dup, "duplicate tensor name output", 1 },
	{ "dram_range", c_dram_range, "tensor 3 (output): [0xffff9c", 1 },
	{ "dram_wrap", c_dram_wrap, "outside dram_bytes", 1 },
	{ "scale_nan", c_scale_nan, "scale", 1 },
	{ "zero_point", c_zero_point, "zero_point 256", 1 },
	{ "group_range", c_group_range, "group 1 (relu/out)", 1 },
	{ "group_first", c_group_first, "group 0 (conv1)", 1 },
	{ "group_name", c_group_name, "group 1: name contains NUL", 1 },
};

#define NCORRUPTIONS ((int) (sizeof(corruptions) / sizeof(corruptions[0])))

static int run_corruption(const struct corruption *c)
{
	atoll_bundle *b, *p;
	uint8_t *buf;
	size_t len;
	char err[512] = "";
	int rc;

	if (small_bundle(&b, &buf, &len))
		return 1;
	atoll_bundle_free(b);
	rc = c->fn(&buf, &len);
	if (rc == 0 && c->forge)
		fix_crcs(buf, len);
	p = rc == 0 ? atoll_bundle_parse(buf, len, err, sizeof(err)) : NULL;
	free(buf);
	atoll_bundle_free(p);
	CHECKF(rc == 0, "%s: could not build the corruption", c->name);
	CHECKF(!p, "%s: accepted", c->name);
	CHECKF(strstr(err, c->expect), "%s: message '%s' lacks '%s'",
		c->name, err, c->expect);
	return 0;
}

static int test_corruptions(void)
{
	int i, bad = 0;

	for (i = 0; i < NCORRUPTIONS; i++)
		bad |= run_corruption(&corruptions[i]);
	return bad;
}

/* The writer refuses what the reader would refuse. */
static int check_write_rejects(atoll_bundle *b, const char *expect)
{
	static uint8_t dummy;
	uint8_t *buf = &dummy;
	size_t len = 1;
	char err[512] = "";
	int rc;

	rc = atoll_bundle_encode(b, &buf, &len, err, sizeof(err));
	atoll_bundle_free(b);
	CHECKF(rc == -1 && buf == NULL && len == 0, "accepted");
	CHECKF(strstr(err, expect), "'%s' lacks '%s'", err, expect);
	return 0;
}

static int test_writer_checks(void)
{
	atoll_bundle *b;

	b = make_bundle(2, 8, 0, NULL);
	CHECK(b);
	b->tensors[2].rank = 9;
	CHECK(!check_write_rejects(b, "rank 9"));
	b = make_bundle(2, 8, 0, NULL);
	CHECK(b);
	memset(b->tensors[0].name, 'a', ATOLL_BUNDLE_NAME_MAX);
	CHECK(!check_write_rejects(b, "tensor 0: name empty or too long"));
	b = make_bundle(2, 8, 0, NULL);
	CHECK(b);
	b->tensors[0].name[0] = '\0';
	CHECK(!check_write_rejects(b, "tensor 0: name empty"));
	b = make_bundle(2, 8, 0, NULL);
	CHECK(b);
	strcpy(b->tensors[1].name, "output");
	CHECK(!check_write_rejects(b, "duplicate tensor name output"));
	b = make_bundle(2, 8, 0, NULL);
	CHECK(b);
	b->groups[0].ncmds = 3;
	CHECK(!check_write_rejects(b, "group 0 (conv1)"));
	b = make_bundle(2, 8, 0, NULL);
	CHECK(b);
	b->tensors[3].scale = -1.0f;
	CHECK(!check_write_rejects(b, "scale"));
	b = make_bundle(2, 8, 0, NULL);
	CHECK(b);
	b->tensors[3].host_scales[5] = 0.0f;
	CHECK(!check_write_rejects(b, "per-axis host scale"));
	b = make_bundle(2, 8, 0, NULL);
	CHECK(b);
	b->tensors[3].host_zps[2] = 256;
	CHECK(!check_write_rejects(b, "per-axis host scale or zero point 2"));
	b = make_bundle(2, 8, 0, NULL);
	CHECK(b);
	b->tensors[3].host_axis = 4;
	CHECK(!check_write_rejects(b, "axis below its rank"));
	b = make_bundle(2, 8, 0, NULL);
	CHECK(b);
	b->const_addr = b->dram_bytes - 4;
	CHECK(!check_write_rejects(b, "constants ["));
	b = make_bundle(2, 8, 0, NULL);
	CHECK(b);
	free(b->cmds);
	b->cmds = NULL;
	CHECK(!check_write_rejects(b, "NULL"));
	b = make_bundle(2, 8, 0, NULL);
	CHECK(b);
	b->tensors[2].dims[1] = -3;
	CHECK(!check_write_rejects(b, "dim 1 is negative"));
	return 0;
}

static const struct test_case tests[] = {
	{ "roundtrip", test_roundtrip },
	{ "roundtrip_zeros", test_roundtrip_zeros },
	{ "empty_tables", test_empty_tables },
	{ "file", test_file },
	{ "flip_every_byte", test_flip_every_byte },
	{ "flip_forged_crc", test_flip_forged_crc },
	{ "random_damage", test_random_damage },
	{ "truncate", test_truncate },
	{ "corruptions", test_corruptions },
	{ "writer_checks", test_writer_checks },
};

TEST_MAIN(tests)
