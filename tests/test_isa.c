/*
 * ISA tests: the generated C header and Verilog include agree, every
 * field encodes and decodes through ATOLL_SET/ATOLL_GETU/ATOLL_GETS, the
 * reserved-bit and illegal-opcode checks, and the disassembler.
 *
 * Run from the repository root, or set ATOLL_GEN_DIR to the directory
 * holding atoll_isa.vh (default build/gen).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "isa.h"

/* One value the generated C header defines, by its macro name. */
struct c_sym {
	const char *name;
	long long value;
	int seen;
};

#define SYM(name) { #name, (long long) (name), 0 }
#define SYM_USED(f) SYM(ATOLL_##f##_USED_W0), SYM(ATOLL_##f##_USED_W1), \
	SYM(ATOLL_##f##_USED_W2), SYM(ATOLL_##f##_USED_W3), \
	SYM(ATOLL_##f##_USED_W4), SYM(ATOLL_##f##_USED_W5), \
	SYM(ATOLL_##f##_USED_W6), SYM(ATOLL_##f##_USED_W7), \
	SYM(ATOLL_##f##_USED_W8), SYM(ATOLL_##f##_USED_W9), \
	SYM(ATOLL_##f##_USED_W10), SYM(ATOLL_##f##_USED_W11), \
	SYM(ATOLL_##f##_USED_W12), SYM(ATOLL_##f##_USED_W13), \
	SYM(ATOLL_##f##_USED_W14), SYM(ATOLL_##f##_USED_W15),

static struct c_sym c_syms[] = {
	SYM(ATOLL_CMD_WORDS),
	SYM(ATOLL_CMD_BYTES),
#define ATOLL_OPCODE(n, v, f, e) SYM(ATOLL_OP_##n), SYM(ATOLL_OP_##n##_ENGINE),
#include "isa.def"
#define ATOLL_FIELD(f, n, w, l, wd, s) SYM(ATOLL_##f##_##n##_WORD), \
	SYM(ATOLL_##f##_##n##_LSB), SYM(ATOLL_##f##_##n##_WIDTH), \
	SYM(ATOLL_##f##_##n##_SIGNED),
#include "isa.def"
#define ATOLL_FORMAT(f) SYM_USED(f)
#include "isa.def"
#define ATOLL_ERROR(n, v, t) SYM(ATOLL_ERR_##n),
#include "isa.def"
#define ATOLL_COUNTER(n, i, k) SYM(ATOLL_CNT_##n),
#include "isa.def"
	SYM(ATOLL_CNT_COUNT),
#define ATOLL_CSR(n, o, a) SYM(ATOLL_CSR_##n),
#include "isa.def"
#define ATOLL_CONST(n, v) SYM(ATOLL_##n),
#include "isa.def"
};

#define N_SYMS ((int) (sizeof(c_syms) / sizeof(c_syms[0])))

/* One field as the generated C header sees it, with accessors built
 * from the ATOLL_SET/ATOLL_GETU/ATOLL_GETS macros.
 */
struct t_field {
	int fmt;
	const char *name;
	int word, lsb, width, is_signed;
	uint32_t mask;
	int def_word, def_lsb, def_width, def_signed;
	void (*set)(uint32_t *w, uint32_t v);
	uint32_t (*getu)(const uint32_t *w);
	int32_t (*gets)(const uint32_t *w);
};

#define ATOLL_FIELD(f, n, w, l, wd, s) \
static void set_##f##_##n(uint32_t *c, uint32_t v) \
{ ATOLL_SET(c, ATOLL_##f##_##n, v); } \
static uint32_t getu_##f##_##n(const uint32_t *c) \
{ return ATOLL_GETU(c, ATOLL_##f##_##n); } \
static int32_t gets_##f##_##n(const uint32_t *c) \
{ return ATOLL_GETS(c, ATOLL_##f##_##n); }
#include "isa.def"

static const struct t_field t_fields[] = {
#define ATOLL_FIELD(f, n, w, l, wd, s) { ATOLL_FMT_##f, #n, \
	ATOLL_##f##_##n##_WORD, ATOLL_##f##_##n##_LSB, \
	ATOLL_##f##_##n##_WIDTH, ATOLL_##f##_##n##_SIGNED, \
	ATOLL_##f##_##n##_MASK, w, l, wd, s, \
	set_##f##_##n, getu_##f##_##n, gets_##f##_##n },
#include "isa.def"
};

#define N_FIELDS ((int) (sizeof(t_fields) / sizeof(t_fields[0])))

struct t_op {
	const char *name;
	uint32_t value;
	int fmt;
	int engine;
};

static const struct t_op t_ops[] = {
#define ATOLL_OPCODE(n, v, f, e) { #n, ATOLL_OP_##n, ATOLL_OP_##n##_FMT, \
	ATOLL_OP_##n##_ENGINE },
#include "isa.def"
};

#define N_OPS ((int) (sizeof(t_ops) / sizeof(t_ops[0])))

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

/* xorshift64*: deterministic so a failure reproduces. */
static uint32_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t) ((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static uint32_t width_mask(int width)
{
	return width == 32 ? 0xffffffffu : (1u << width) - 1;
}

static int64_t sext(uint32_t v, int width)
{
	if (width == 32)
		return (int32_t) v;
	if (v & (1u << (width - 1)))
		return (int64_t) v - ((int64_t) 1 << width);
	return v;
}

static struct c_sym *sym_find(const char *name)
{
	int i;

	for (i = 0; i < N_SYMS; i++)
		if (!strcmp(c_syms[i].name, name))
			return &c_syms[i];
	return NULL;
}

/* Parse a Verilog literal: decimal, or <width>'<base><digits>. */
static int parse_vlit(const char *s, long long *v)
{
	const char *q = strchr(s, '\'');
	char *end;
	long width = -1;
	int base = 10;

	if (q) {
		width = strtol(s, &end, 10);
		if (end != q || width <= 0 || width > 63)
			return -1;
		switch (q[1]) {
		case 'h': case 'H': base = 16; break;
		case 'd': case 'D': base = 10; break;
		case 'b': case 'B': base = 2; break;
		case 'o': case 'O': base = 8; break;
		default: return -1;
		}
		s = q + 2;
	}
	if (!*s)
		return -1;
	*v = strtoll(s, &end, base);
	if (*end)
		return -1;
	if (width > 0 && (*v < 0 || *v >= (1ll << width)))
		return -1;
	return 0;
}

static FILE *open_vh(void)
{
	const char *dir = getenv("ATOLL_GEN_DIR");
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/atoll_isa.vh",
		dir ? dir : "build/gen");
	f = fopen(path, "r");
	if (!f)
		fprintf(stderr, "  cannot open %s (run from the repository "
			"root or set ATOLL_GEN_DIR)\n", path);
	return f;
}

/* Check one line of the .vh; returns 0 if it is fine. */
static int vh_line(char *line, int lineno, int *ndefs)
{
	char name[128], value[128];
	struct c_sym *sym;
	long long v;
	int n;

	n = sscanf(line, " `define %127s %127s", name, value);
	if (n < 1)
		return 0;
	if (n == 1) {
		CHECKF(!strcmp(name, "ATOLL_ISA_VH"), "line %d: `define %s "
			"without a value", lineno, name);
		return 0;
	}
	(*ndefs)++;
	sym = sym_find(name);
	CHECKF(sym, "line %d: %s has no C counterpart", lineno, name);
	CHECKF(!sym->seen, "line %d: %s defined twice", lineno, name);
	sym->seen = 1;
	CHECKF(parse_vlit(value, &v) == 0, "line %d: bad literal %s",
		lineno, value);
	CHECKF(v == sym->value, "line %d: %s is %lld in Verilog, %lld in C",
		lineno, name, v, sym->value);
	return 0;
}

/* (a) every `define of atoll_isa.vh equals the C macro of the same name,
 * and every C macro of the table appears in the .vh.
 */
static int test_vh_agrees(void)
{
	char line[512];
	FILE *f;
	int i, lineno = 0, ndefs = 0, bad = 0;

	for (i = 0; i < N_SYMS; i++)
		c_syms[i].seen = 0;
	f = open_vh();
	CHECK(f);
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (vh_line(line, lineno, &ndefs)) {
			bad = 1;
			break;
		}
	}
	fclose(f);
	CHECK(!bad);
	for (i = 0; i < N_SYMS; i++)
		CHECKF(c_syms[i].seen, "%s missing from the .vh",
			c_syms[i].name);
	CHECKF(ndefs == N_SYMS, "%d defines, %d C symbols", ndefs, N_SYMS);
	return 0;
}

/* The generated C macros, the isa.def rows and the isa.c table agree. */
static int test_c_tables_agree(void)
{
	const atoll_field_desc *d;
	int i, w, l, wd, s;

	CHECK(atoll_field_count() == N_FIELDS);
	CHECK(atoll_field_get(-1) == NULL);
	CHECK(atoll_field_get(N_FIELDS) == NULL);
	for (i = 0; i < N_FIELDS; i++) {
		const struct t_field *f = &t_fields[i];

		CHECKF(f->word == f->def_word && f->lsb == f->def_lsb &&
			f->width == f->def_width &&
			f->is_signed == f->def_signed, "%s", f->name);
		CHECKF(f->mask == width_mask(f->width), "%s mask", f->name);
		CHECK(atoll_field_lookup(f->fmt, f->name, &w, &l, &wd,
			&s) == 0);
		CHECKF(w == f->word && l == f->lsb && wd == f->width &&
			s == f->is_signed, "%s lookup", f->name);
		d = atoll_field_get(i);
		CHECK(d && d->fmt == f->fmt && !strcmp(d->name, f->name));
		CHECK(d->word == f->word && d->lsb == f->lsb &&
			d->width == f->width && d->is_signed == f->is_signed);
	}
	CHECK(atoll_field_lookup(ATOLL_FMT_DMA, "NO_SUCH", &w, NULL, NULL,
		NULL) == -1);
	CHECK(atoll_field_lookup(ATOLL_FMT_COUNT, "OPCODE", NULL, NULL, NULL,
		NULL) == -1);
	CHECK(atoll_field_lookup(ATOLL_FMT_MM, "PSUM_ADDR", NULL, NULL, NULL,
		NULL) == 0);
	for (i = 0; i < N_OPS; i++) {
		CHECK(!strcmp(atoll_op_name(t_ops[i].value), t_ops[i].name));
		CHECK(atoll_op_format(t_ops[i].value) == t_ops[i].fmt);
		CHECK(atoll_op_engine(t_ops[i].value) == t_ops[i].engine);
		CHECK(atoll_fmt_name(t_ops[i].fmt) != NULL);
	}
	/* the queue a command goes to: the opcode's engine, the ENGINE
	 * field of WAIT/SIGNAL, none for END or an illegal opcode
	 */
	{
		uint32_t c[ATOLL_CMD_WORDS] = { 0 };

		c[0] = ATOLL_OP_DMA_OUT;
		CHECK(atoll_cmd_engine(c) == 1);
		c[0] = ATOLL_OP_POOL;
		CHECK(atoll_cmd_engine(c) == 3);
		c[0] = ATOLL_OP_SIGNAL | 2u << 8;	/* ENGINE = 2 (PE) */
		CHECK(atoll_cmd_engine(c) == 2);
		c[0] = ATOLL_OP_WAIT;
		CHECK(atoll_cmd_engine(c) == 0);
		c[0] = ATOLL_OP_END;
		CHECK(atoll_cmd_engine(c) == -1);
		c[0] = 0xee;
		CHECK(atoll_cmd_engine(c) == -1);
	}
	CHECK(atoll_fmt_name(-1) == NULL);
	CHECK(atoll_fmt_name(ATOLL_FMT_COUNT) == NULL);
	CHECK(!strcmp(atoll_fmt_name(ATOLL_FMT_POOL), "POOL"));
	return 0;
}

/* Check one SET/GET of "v" into field "f" over a random background. */
static int roundtrip_one(const struct t_field *f, uint32_t v)
{
	uint32_t w[ATOLL_CMD_WORDS], before[ATOLL_CMD_WORDS];
	uint32_t m = f->mask << f->lsb;
	int i;

	for (i = 0; i < ATOLL_CMD_WORDS; i++)
		w[i] = before[i] = rng();
	f->set(w, v);
	CHECKF(f->getu(w) == (v & f->mask), "%s getu", f->name);
	if (f->is_signed)
		CHECKF(f->gets(w) == sext(v & f->mask, f->width),
			"%s gets of 0x%x is %d", f->name, v, f->gets(w));
	for (i = 0; i < ATOLL_CMD_WORDS; i++) {
		uint32_t keep = i == f->word ? ~m : 0xffffffffu;

		CHECKF((w[i] & keep) == (before[i] & keep),
			"%s disturbed word %d", f->name, i);
	}
	for (i = 0; i < N_FIELDS; i++) {
		const struct t_field *o = &t_fields[i];

		if (o->fmt != f->fmt || o == f)
			continue;
		CHECKF(o->getu(w) == o->getu(before), "%s disturbed %s",
			f->name, o->name);
	}
	return 0;
}

/* (b) random and edge values through every field of every format. */
static int test_field_roundtrip(void)
{
	int i, k;

	for (i = 0; i < N_FIELDS; i++) {
		const struct t_field *f = &t_fields[i];
		uint32_t edge[] = { 0, 1, f->mask, f->mask >> 1,
			(f->mask >> 1) + 1, 0xffffffffu };

		for (k = 0; k < (int) (sizeof(edge) / sizeof(edge[0])); k++)
			if (roundtrip_one(f, edge[k]))
				return 1;
		for (k = 0; k < 256; k++)
			if (roundtrip_one(f, rng()))
				return 1;
	}
	return 0;
}

/* Negative values written with ATOLL_SET read back with ATOLL_GETS. */
static int test_signed_values(void)
{
	uint32_t w[ATOLL_CMD_WORDS] = { 0 };

	ATOLL_SET(w, ATOLL_MM_Y0, -1);
	CHECK(ATOLL_GETS(w, ATOLL_MM_Y0) == -1);
	CHECK(ATOLL_GETU(w, ATOLL_MM_Y0) == 0xffffu);
	ATOLL_SET(w, ATOLL_MM_X0, -32768);
	CHECK(ATOLL_GETS(w, ATOLL_MM_X0) == -32768);
	CHECK(ATOLL_GETS(w, ATOLL_MM_Y0) == -1);
	ATOLL_SET(w, ATOLL_DMA_PART_STRIDE0, -128);
	CHECK(ATOLL_GETS(w, ATOLL_DMA_PART_STRIDE0) == -128);
	ATOLL_SET(w, ATOLL_DMA_SPM_STRIDE0, -8388608);
	CHECK(ATOLL_GETS(w, ATOLL_DMA_SPM_STRIDE0) == -8388608);
	CHECK(ATOLL_GETS(w, ATOLL_DMA_PART_STRIDE0) == -128);
	ATOLL_SET(w, ATOLL_ACT_MULT, INT32_MIN);
	CHECK(ATOLL_GETS(w, ATOLL_ACT_MULT) == INT32_MIN);
	ATOLL_SET(w, ATOLL_ACT_MULT, 12345);
	CHECK(ATOLL_GETS(w, ATOLL_ACT_MULT) == 12345);
	return 0;
}

/* Bits covered by some field of format "fmt" in word "word". */
static uint32_t covered(int fmt, int word)
{
	uint32_t m = 0;
	int i;

	for (i = 0; i < N_FIELDS; i++)
		if (t_fields[i].fmt == fmt && t_fields[i].word == word)
			m |= t_fields[i].mask << t_fields[i].lsb;
	return m;
}

static uint32_t used_macro(int fmt, int word)
{
	char name[64];
	struct c_sym *s;

	snprintf(name, sizeof(name), "ATOLL_%s_USED_W%d",
		atoll_fmt_name(fmt), word);
	s = sym_find(name);
	return s ? (uint32_t) s->value : 0xdeadbeefu;
}

/* (c) for every opcode, every bit outside the fields of its format
 * faults RESERVED and every bit inside does not.
 */
static int test_reserved_bits(void)
{
	uint32_t w[ATOLL_CMD_WORDS];
	int i, word, bit;

	for (i = 0; i < N_OPS; i++) {
		int fmt = t_ops[i].fmt;

		memset(w, 0, sizeof(w));
		w[0] = t_ops[i].value;
		CHECKF(atoll_cmd_reserved_check(w) == 0, "%s", t_ops[i].name);
		for (word = 0; word < ATOLL_CMD_WORDS; word++) {
			uint32_t cov = covered(fmt, word);

			CHECKF(cov == used_macro(fmt, word), "%s USED_W%d",
				atoll_fmt_name(fmt), word);
			for (bit = 0; bit < 32; bit++) {
				uint32_t expect;

				if (word == 0 && bit < 8)
					continue;
				expect = cov & (1u << bit) ? 0 :
					ATOLL_ERR_RESERVED;
				w[word] ^= 1u << bit;
				CHECKF(atoll_cmd_reserved_check(w) == expect,
					"%s word %d bit %d", t_ops[i].name,
					word, bit);
				w[word] ^= 1u << bit;
			}
		}
	}
	return 0;
}

static int is_opcode(uint32_t v)
{
	int i;

	for (i = 0; i < N_OPS; i++)
		if (t_ops[i].value == v)
			return 1;
	return 0;
}

/* (c) unknown opcodes, 0x00 among them, fault ILLEGAL_OP. */
static int test_illegal_ops(void)
{
	uint32_t w[ATOLL_CMD_WORDS] = { 0 };
	uint32_t op;

	CHECK(atoll_cmd_reserved_check(w) == ATOLL_ERR_ILLEGAL_OP);
	CHECK(atoll_op_name(0) == NULL && atoll_op_format(0) == -1);
	for (op = 0; op < 256; op++) {
		w[0] = op;
		if (is_opcode(op)) {
			CHECK(atoll_op_name(op) != NULL);
			continue;
		}
		CHECKF(atoll_op_name(op) == NULL, "0x%02x", op);
		CHECKF(atoll_op_format(op) == -1, "0x%02x", op);
		CHECKF(atoll_op_engine(op) == -1, "0x%02x", op);
		CHECKF(atoll_cmd_reserved_check(w) == ATOLL_ERR_ILLEGAL_OP,
			"0x%02x", op);
		w[0] = op | 0xffffff00u;
		w[5] = 0xffffffffu;
		CHECKF(atoll_cmd_reserved_check(w) == ATOLL_ERR_ILLEGAL_OP,
			"0x%02x with other bits", op);
		w[5] = 0;
	}
	CHECK(atoll_op_name(0x101) == NULL);
	CHECK(atoll_op_format(ATOLL_OP_END | 0x100) == -1);
	return 0;
}

/* Find " NAME=" in "line" and parse the value after it. */
static int disasm_value(const char *line, const char *name, long long *v)
{
	char key[64];
	const char *p;
	char *end;

	snprintf(key, sizeof(key), " %s=", name);
	p = strstr(line, key);
	if (!p || strstr(p + 1, key))
		return -1;
	*v = strtoll(p + strlen(key), &end, 0);
	return *end == ' ' || *end == '\0' ? 0 : -1;
}

static int count_char(const char *s, char c)
{
	int n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}

/* Check the disassembly of one command holding random field values. */
static int disasm_one(const struct t_op *op)
{
	uint32_t w[ATOLL_CMD_WORDS] = { 0 };
	char line[1024];
	long long v, expect;
	int i, n, nf = 0;

	for (i = 0; i < N_FIELDS; i++)
		if (t_fields[i].fmt == op->fmt)
			t_fields[i].set(w, rng());
	ATOLL_SET(w, ATOLL_END_OPCODE, op->value);
	n = atoll_cmd_disasm(w, line, sizeof(line));
	CHECKF(n == (int) strlen(line), "%s: %d vs %s", op->name, n, line);
	n = (int) strlen(op->name);
	CHECKF(!strncmp(line, op->name, n) &&
		(line[n] == ' ' || line[n] == '\0'), "%s", line);
	for (i = 0; i < N_FIELDS; i++) {
		const struct t_field *f = &t_fields[i];

		if (f->fmt != op->fmt || !strcmp(f->name, "OPCODE"))
			continue;
		nf++;
		expect = f->is_signed ? f->gets(w) : (long long) f->getu(w);
		CHECKF(disasm_value(line, f->name, &v) == 0, "%s in %s",
			f->name, line);
		CHECKF(v == expect, "%s=%lld expected %lld", f->name, v,
			expect);
	}
	CHECKF(count_char(line, '=') == nf, "%s", line);
	return 0;
}

/* (d) the disassembler prints every field with its value. */
static int test_disasm(void)
{
	uint32_t w[ATOLL_CMD_WORDS] = { 0 };
	char line[1024], small[8];
	int i, k, n;

	for (i = 0; i < N_OPS; i++)
		for (k = 0; k < 16; k++)
			if (disasm_one(&t_ops[i]))
				return 1;
	CHECK(atoll_cmd_disasm(w, line, sizeof(line)) == -1);
	CHECK(!strcmp(line, "ILLEGAL 0x00"));
	w[0] = 0xee;
	CHECK(atoll_cmd_disasm(w, line, sizeof(line)) == -1);
	CHECK(!strcmp(line, "ILLEGAL 0xee"));
	w[0] = ATOLL_OP_END;
	CHECK(atoll_cmd_disasm(w, line, sizeof(line)) == 3);
	CHECK(!strcmp(line, "END"));
	w[3] = 1;
	n = atoll_cmd_disasm(w, line, sizeof(line));
	CHECK(!strcmp(line, "END (reserved bits set)"));
	CHECK(n == (int) strlen(line));
	memset(w, 0, sizeof(w));
	ATOLL_SET(w, ATOLL_MM_OPCODE, ATOLL_OP_MM);
	ATOLL_SET(w, ATOLL_MM_SY, -2);
	ATOLL_SET(w, ATOLL_MM_PSUM_ADDR, 0x1234);
	n = atoll_cmd_disasm(w, line, sizeof(line));
	CHECK(strstr(line, " SY=-2 ") && strstr(line, " PSUM_ADDR=0x1234 "));
	CHECK(atoll_cmd_disasm(w, small, sizeof(small)) == n);
	CHECK(strlen(small) == sizeof(small) - 1);
	CHECK(!strncmp(small, line, sizeof(small) - 1));
	CHECK(atoll_cmd_disasm(w, NULL, 0) == n);
	return 0;
}

struct t_error {
	const char *name;
	uint32_t value;
	const char *text;
};

static const struct t_error t_errors[] = {
#define ATOLL_ERROR(n, v, t) { #n, ATOLL_ERR_##n, t },
#include "isa.def"
};

struct t_counter {
	int index;
	const char *key;
};

static const struct t_counter t_counters[] = {
#define ATOLL_COUNTER(n, i, k) { ATOLL_CNT_##n, k },
#include "isa.def"
};

/* Fault names and texts, and counter keys, follow isa.def. */
static int test_names(void)
{
	int i;

	for (i = 0; i < (int) (sizeof(t_errors) / sizeof(t_errors[0])); i++) {
		CHECK(!strcmp(atoll_error_name(t_errors[i].value),
			t_errors[i].name));
		CHECK(!strcmp(atoll_error_text(t_errors[i].value),
			t_errors[i].text));
	}
	for (i = 0; i < (int) (sizeof(t_counters) / sizeof(t_counters[0]));
	     i++)
		CHECK(!strcmp(atoll_counter_key(t_counters[i].index),
			t_counters[i].key));
	CHECK(i == ATOLL_CNT_COUNT);
	CHECK(!strcmp(atoll_error_name(0xffu), "UNKNOWN"));
	CHECK(!strcmp(atoll_error_text(0xffu), "unknown error"));
	CHECK(atoll_counter_key(-1) == NULL);
	CHECK(atoll_counter_key(ATOLL_CNT_COUNT) == NULL);
	return 0;
}

static const struct test_case tests[] = {
	{ "vh_agrees_with_c", test_vh_agrees },
	{ "c_tables_agree", test_c_tables_agree },
	{ "field_roundtrip", test_field_roundtrip },
	{ "signed_values", test_signed_values },
	{ "reserved_bits", test_reserved_bits },
	{ "illegal_ops", test_illegal_ops },
	{ "disasm", test_disasm },
	{ "names", test_names },
};

TEST_MAIN(tests)
