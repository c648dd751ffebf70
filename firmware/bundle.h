#ifndef ATOLL_BUNDLE_H
#define ATOLL_BUNDLE_H

/* The .atb bundle: what the compiler writes and the runtime loads.
 * Format: docs/bundle.md.  The reader trusts nothing.
 */
#include <stddef.h>
#include <stdint.h>

#define ATOLL_BUNDLE_MAGIC "ATOLLBND"
#define ATOLL_BUNDLE_VERSION 2u

enum atoll_tensor_role {
	ATOLL_ROLE_INPUT = 1,
	ATOLL_ROLE_OUTPUT = 2,
	ATOLL_ROLE_CONST = 3,
	ATOLL_ROLE_INTERNAL = 4,
};

#define ATOLL_BUNDLE_MAX_RANK 8
#define ATOLL_BUNDLE_NAME_MAX 256

/* Section types and flags (docs/bundle.md). */
enum atoll_bundle_section {
	ATOLL_SECT_META = 1,
	ATOLL_SECT_COMMANDS = 2,
	ATOLL_SECT_CONSTANTS = 3,
	ATOLL_SECT_TENSORS = 4,
	ATOLL_SECT_GROUPS = 5,
	ATOLL_SECT_REPORT = 6,
};
#define ATOLL_SECT_FLAG_ZLIB 1u

#define ATOLL_BUNDLE_HEADER_BYTES 28	/* fixed header, before the table */
#define ATOLL_BUNDLE_ENTRY_BYTES 36	/* one section-table entry */
#define ATOLL_BUNDLE_META_BYTES 20	/* META payload */
#define ATOLL_BUNDLE_MAX_SECTIONS 16
#define ATOLL_BUNDLE_MAX_TENSORS 65536
#define ATOLL_BUNDLE_MAX_GROUPS 65536
#define ATOLL_BUNDLE_COUNTERS 32

/* One tensor of the table: where it lives in device memory and how its
 * bytes are laid out (dense, row-major, little-endian).
 */
typedef struct atoll_btensor {
	char name[ATOLL_BUNDLE_NAME_MAX];
	uint32_t role;			/* enum atoll_tensor_role */
	uint32_t dtype;			/* ONNX TensorProto data type code */
	uint32_t rank;
	int64_t dims[ATOLL_BUNDLE_MAX_RANK];
	uint32_t dram_addr;
	uint32_t nbytes;
	float scale;			/* quantisation; 0 if none */
	int32_t zero_point;
	uint32_t host_float;		/* 1: float32 at the graph boundary;
					 * the host (de)quantises with
					 * scale and zero_point; 2: the same
					 * per axis, with the arrays below */
	uint32_t host_axis;		/* host_float 2: the quantised axis */
	float *host_scales;		/* host_float 2: dims[host_axis] */
	int32_t *host_zps;		/* scales and zero points, else NULL */
} atoll_btensor;

/* Predicted counters for a group of commands (a layer). */
typedef struct atoll_bgroup {
	char name[ATOLL_BUNDLE_NAME_MAX];
	uint32_t first_cmd;
	uint32_t ncmds;
	uint64_t counters[32];		/* indexed by ATOLL_CNT_* */
} atoll_bgroup;

typedef struct atoll_bundle {
	uint32_t version;
	uint32_t config_id;
	uint32_t cmd_addr;		/* device address of the command stream */
	uint32_t ncmds;
	uint32_t *cmds;			/* ncmds * ATOLL_CMD_WORDS words */
	uint32_t const_addr;		/* device address of the constants */
	uint32_t const_bytes;
	uint8_t *consts;		/* uncompressed constants image */
	uint32_t dram_bytes;		/* device memory the program needs */
	uint32_t ntensors;
	atoll_btensor *tensors;
	uint32_t ngroups;
	atoll_bgroup *groups;
	char *report_json;		/* compiler report text, may be NULL */
} atoll_bundle;

/* A new, zeroed bundle (every count 0, every pointer NULL), or NULL if
 * out of memory.  Free with atoll_bundle_free.
 */
atoll_bundle *atoll_bundle_new(void);
/* Serialise "b" into a new buffer: *out (free with free()) of *outlen
 * bytes.  "b" is checked with the rules the reader applies, so whatever
 * the writer accepts the reader accepts; b->version is ignored and
 * ATOLL_BUNDLE_VERSION written.  Returns 0, or -1 with a message in err.
 */
int atoll_bundle_encode(const atoll_bundle *b, uint8_t **out,
	size_t *outlen, char *err, size_t errlen);
/* Serialise "b" to "path".  Returns 0, or -1 with a message in err. */
int atoll_bundle_write(const atoll_bundle *b, const char *path, char *err,
	size_t errlen);
/* Parse a bundle from memory.  Every size, offset, count, CRC and string
 * is checked; a bundle that fails any check is rejected with a message
 * saying which.  Returns NULL on error.
 */
atoll_bundle *atoll_bundle_parse(const uint8_t *buf, size_t len, char *err,
	size_t errlen);
/* Read the file at "path" and parse it as atoll_bundle_parse does.  The
 * message does not repeat the path: callers prefix it.
 */
atoll_bundle *atoll_bundle_read(const char *path, char *err, size_t errlen);
/* Free "b" and everything it points to; NULL is allowed. */
void atoll_bundle_free(atoll_bundle *b);

#endif
