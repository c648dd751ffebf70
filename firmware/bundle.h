#ifndef ATOLL_BUNDLE_H
#define ATOLL_BUNDLE_H

/* The .atb bundle: what the compiler writes and the runtime loads.
 * Format: docs/bundle.md.  The reader trusts nothing.
 */
#include <stddef.h>
#include <stdint.h>

#define ATOLL_BUNDLE_MAGIC "ATOLLBND"
#define ATOLL_BUNDLE_VERSION 1u

enum atoll_tensor_role {
	ATOLL_ROLE_INPUT = 1,
	ATOLL_ROLE_OUTPUT = 2,
	ATOLL_ROLE_CONST = 3,
	ATOLL_ROLE_INTERNAL = 4,
};

#define ATOLL_BUNDLE_MAX_RANK 8
#define ATOLL_BUNDLE_NAME_MAX 256

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

/* Serialise "b" to "path".  Returns 0, or -1 with a message in err. */
int atoll_bundle_write(const atoll_bundle *b, const char *path, char *err,
	size_t errlen);
/* Parse a bundle from memory.  Every size, offset, count, CRC and string
 * is checked; a bundle that fails any check is rejected with a message
 * saying which.  Returns NULL on error.
 */
atoll_bundle *atoll_bundle_parse(const uint8_t *buf, size_t len, char *err,
	size_t errlen);
atoll_bundle *atoll_bundle_read(const char *path, char *err, size_t errlen);
void atoll_bundle_free(atoll_bundle *b);

#endif
