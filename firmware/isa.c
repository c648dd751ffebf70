#include <stdio.h>
#include <string.h>

#include "isa.h"

_Static_assert(ATOLL_CMD_WORDS == 16, "USED mask table assumes 16 words");

static const char *const isa_fmt_names[ATOLL_FMT_COUNT] = {
#define ATOLL_FORMAT(f) [ATOLL_FMT_##f] = #f,
#include "isa.def"
};

static const atoll_field_desc isa_fields[] = {
#define ATOLL_FIELD(f, n, w, l, wd, s) { ATOLL_FMT_##f, #n, w, l, wd, s },
#include "isa.def"
};

#define ISA_NFIELDS ((int) (sizeof(isa_fields) / sizeof(isa_fields[0])))

#define ISA_USED(f) [ATOLL_FMT_##f] = { \
	ATOLL_##f##_USED_W0, ATOLL_##f##_USED_W1, ATOLL_##f##_USED_W2, \
	ATOLL_##f##_USED_W3, ATOLL_##f##_USED_W4, ATOLL_##f##_USED_W5, \
	ATOLL_##f##_USED_W6, ATOLL_##f##_USED_W7, ATOLL_##f##_USED_W8, \
	ATOLL_##f##_USED_W9, ATOLL_##f##_USED_W10, ATOLL_##f##_USED_W11, \
	ATOLL_##f##_USED_W12, ATOLL_##f##_USED_W13, ATOLL_##f##_USED_W14, \
	ATOLL_##f##_USED_W15 },

static const uint32_t isa_used[ATOLL_FMT_COUNT][ATOLL_CMD_WORDS] = {
#define ATOLL_FORMAT(f) ISA_USED(f)
#include "isa.def"
};

static const char *const isa_counter_keys[ATOLL_CNT_COUNT] = {
#define ATOLL_COUNTER(n, i, k) [i] = k,
#include "isa.def"
};

const char *atoll_op_name(uint32_t opcode)
{
	switch (opcode) {
#define ATOLL_OPCODE(n, v, f, e) case v: return #n;
#include "isa.def"
	default:
		return NULL;
	}
}

int atoll_op_format(uint32_t opcode)
{
	switch (opcode) {
#define ATOLL_OPCODE(n, v, f, e) case v: return ATOLL_FMT_##f;
#include "isa.def"
	default:
		return -1;
	}
}

int atoll_op_engine(uint32_t opcode)
{
	switch (opcode) {
#define ATOLL_OPCODE(n, v, f, e) case v: return e;
#include "isa.def"
	default:
		return -1;
	}
}

int atoll_cmd_engine(const uint32_t *w)
{
	uint32_t op = ATOLL_GETU(w, ATOLL_END_OPCODE);
	int e = atoll_op_engine(op);

	if (e == 4 && atoll_op_format(op) == ATOLL_FMT_SEM)
		return (int) ATOLL_GETU(w, ATOLL_SEM_ENGINE);
	return e == 4 ? -1 : e;
}

uint32_t atoll_act_param_bytes(const uint32_t *w)
{
	if (!ATOLL_GETU(w, ATOLL_ACT_PP))
		return 0;
	return ATOLL_GETU(w, ATOLL_ACT_NB) ? ATOLL_PARAM_NB_BYTES :
		ATOLL_PARAM_BYTES;
}

const char *atoll_fmt_name(int fmt)
{
	if (fmt < 0 || fmt >= ATOLL_FMT_COUNT)
		return NULL;
	return isa_fmt_names[fmt];
}

uint32_t atoll_cmd_reserved_check(const uint32_t *w)
{
	int fmt, i;

	fmt = atoll_op_format(w[0] & 0xffu);
	if (fmt < 0)
		return ATOLL_ERR_ILLEGAL_OP;
	for (i = 0; i < ATOLL_CMD_WORDS; i++)
		if (w[i] & ~isa_used[fmt][i])
			return ATOLL_ERR_RESERVED;
	return 0;
}

static uint32_t field_get(const uint32_t *w, const atoll_field_desc *f)
{
	uint32_t mask;

	mask = f->width == 32 ? 0xffffffffu : (1u << f->width) - 1;
	return (w[f->word] >> f->lsb) & mask;
}

/* Sign-extend the "width"-bit value "v" as ATOLL_GETS does. */
static int64_t sign_extend(uint32_t v, int width)
{
	uint32_t sign;

	if (width == 32)
		return (int32_t) v;
	sign = 1u << (width - 1);
	return (int64_t) (v ^ sign) - (int64_t) sign;
}

/* Append "s" at offset "pos" of "buf" ("len" bytes), truncating but
 * always counting the full length, as snprintf does.
 */
static int append(char *buf, size_t len, int pos, const char *s)
{
	size_t n = strlen(s);

	if ((size_t) pos + 1 < len)
		snprintf(buf + pos, len - pos, "%s", s);
	return pos + (int) n;
}

/* Format the value of field "f" of command "w" into "out". */
static void field_format(const uint32_t *w, const atoll_field_desc *f,
	char *out, size_t len)
{
	uint32_t v = field_get(w, f);

	if (f->is_signed)
		snprintf(out, len, "%s=%lld", f->name,
			(long long) sign_extend(v, f->width));
	else if (f->width == 32)
		snprintf(out, len, "%s=0x%x", f->name, (unsigned) v);
	else
		snprintf(out, len, "%s=%u", f->name, (unsigned) v);
}

int atoll_cmd_disasm(const uint32_t *w, char *buf, size_t len)
{
	const char *name;
	char item[64];
	int fmt, i, pos;

	if (len > 0)
		buf[0] = '\0';
	name = atoll_op_name(w[0] & 0xffu);
	fmt = atoll_op_format(w[0] & 0xffu);
	if (!name) {
		if (len > 0)
			snprintf(buf, len, "ILLEGAL 0x%02x",
				(unsigned) (w[0] & 0xffu));
		return -1;
	}
	pos = append(buf, len, 0, name);
	for (i = 0; i < ISA_NFIELDS; i++) {
		if (isa_fields[i].fmt != fmt ||
		    !strcmp(isa_fields[i].name, "OPCODE"))
			continue;
		field_format(w, &isa_fields[i], item, sizeof(item));
		pos = append(buf, len, pos, " ");
		pos = append(buf, len, pos, item);
	}
	if (atoll_cmd_reserved_check(w) == ATOLL_ERR_RESERVED)
		pos = append(buf, len, pos, " (reserved bits set)");
	return pos;
}

const char *atoll_error_name(uint32_t code)
{
	switch (code) {
#define ATOLL_ERROR(n, v, t) case v: return #n;
#include "isa.def"
	default:
		return "UNKNOWN";
	}
}

const char *atoll_error_text(uint32_t code)
{
	switch (code) {
#define ATOLL_ERROR(n, v, t) case v: return t;
#include "isa.def"
	default:
		return "unknown error";
	}
}

const char *atoll_counter_key(int index)
{
	if (index < 0 || index >= ATOLL_CNT_COUNT)
		return NULL;
	return isa_counter_keys[index];
}

int atoll_field_count(void)
{
	return ISA_NFIELDS;
}

const atoll_field_desc *atoll_field_get(int i)
{
	if (i < 0 || i >= ISA_NFIELDS)
		return NULL;
	return &isa_fields[i];
}

int atoll_field_lookup(int fmt, const char *name, int *word, int *lsb,
	int *width, int *is_signed)
{
	const atoll_field_desc *f;
	int i;

	for (i = 0; i < ISA_NFIELDS; i++) {
		f = &isa_fields[i];
		if (f->fmt != fmt || strcmp(f->name, name))
			continue;
		if (word)
			*word = f->word;
		if (lsb)
			*lsb = f->lsb;
		if (width)
			*width = f->width;
		if (is_signed)
			*is_signed = f->is_signed;
		return 0;
	}
	return -1;
}
