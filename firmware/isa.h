#ifndef ATOLL_ISA_SUPPORT_H
#define ATOLL_ISA_SUPPORT_H

/* Run-time view of the command-stream ISA (firmware/isa.def, docs/isa.md):
 * names, formats and fields of the opcodes, the reserved-bit check the
 * command processor performs, a one-line disassembler, and the names of
 * fault codes and counters.  Everything here is built from isa.def by
 * X-macro, so it cannot drift from the generated atoll_isa.h.
 */
#include <stddef.h>
#include <stdint.h>

#include "atoll_isa.h"
#include "hwcfg.h"

/* One field of a command format. */
typedef struct atoll_field_desc {
	int fmt;			/* ATOLL_FMT_* */
	const char *name;		/* as in isa.def, e.g. "DRAM_BASE" */
	int word;
	int lsb;
	int width;
	int is_signed;
} atoll_field_desc;

/* Name of "opcode" as in isa.def ("DMA_IN"), or NULL if it is illegal. */
const char *atoll_op_name(uint32_t opcode);
/* ATOLL_FMT_* of "opcode", or -1 if it is illegal. */
int atoll_op_format(uint32_t opcode);
/* Engine of "opcode" (0 dma-in 1 dma-out 2 pe 3 act 4 cp), or -1. */
int atoll_op_engine(uint32_t opcode);
/* The engine (0..3) whose queue command "w" goes to: its opcode's, or
 * for WAIT/SIGNAL the ENGINE field; -1 for END and illegal opcodes.
 */
int atoll_cmd_engine(const uint32_t *w);
/* Bytes of the parameter record that ACT command "w" reads per partition
 * (docs/isa.md, ACT): 0 without PP, ATOLL_PARAM_NB_BYTES with PP and NB,
 * else ATOLL_PARAM_BYTES.  The opcode is not checked.
 */
uint32_t atoll_act_param_bytes(const uint32_t *w);
/* Name of format "fmt" ("DMA"), or NULL if out of range. */
const char *atoll_fmt_name(int fmt);

/* The decode check of the command processor on the ATOLL_CMD_WORDS words
 * "w": ATOLL_ERR_ILLEGAL_OP if the opcode (w[0] bits [7:0]) is not
 * defined, ATOLL_ERR_RESERVED if a bit no field of its format covers is
 * set, 0 otherwise.
 */
uint32_t atoll_cmd_reserved_check(const uint32_t *w);

/* Write one line (no newline) describing command "w" into "buf" ("len"
 * bytes, always NUL-terminated if len > 0): the opcode name, then
 * "NAME=value" for every field of its format except OPCODE; signed
 * fields print as signed decimal, 32-bit unsigned fields as hex, others
 * as unsigned decimal.  A command with reserved bits set gets the suffix
 * " (reserved bits set)".  Returns the length of the whole line as
 * snprintf does (compare with len to detect truncation), or -1 if the
 * opcode is illegal, in which case buf holds "ILLEGAL 0xNN".
 */
int atoll_cmd_disasm(const uint32_t *w, char *buf, size_t len);

/* Name ("ILLEGAL_OP") of fault code "code"; "UNKNOWN" if undefined, so
 * the result can always be printed.
 */
const char *atoll_error_name(uint32_t code);
/* Description of fault code "code"; "unknown error" if undefined. */
const char *atoll_error_text(uint32_t code);

/* JSON report key of counter "index" (ATOLL_CNT_*), or NULL. */
const char *atoll_counter_key(int index);

/* Number of fields over all formats, and field "i" of that table
 * (NULL if out of range).  The table is in isa.def order.
 */
int atoll_field_count(void);
const atoll_field_desc *atoll_field_get(int i);
/* Look up field "name" of format "fmt".  Returns 0 and fills every
 * non-NULL output, or -1 if there is no such field.
 */
int atoll_field_lookup(int fmt, const char *name, int *word, int *lsb,
	int *width, int *is_signed);

#endif
