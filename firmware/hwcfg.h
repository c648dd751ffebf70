#ifndef ATOLL_HWCFG_H
#define ATOLL_HWCFG_H

#include <stdint.h>
#include <stddef.h>

/* A hardware configuration (firmware/config/ *.cfg, docs/config.md).
 * Plain data: every part of the stack reads the same fields.
 */
typedef struct atoll_hwcfg {
	char name[32];
	uint32_t rows;
	uint32_t cols;
	uint32_t spm_partitions;
	uint32_t spm_bytes;		/* bytes per partition */
	uint32_t psum_depth;		/* int32 entries per partition */
	uint32_t dram_bus_bytes;
	uint32_t queue_depth;
	uint32_t semaphores;
	uint32_t dram_bytes;
	uint32_t id;			/* derived: atoll_hwcfg_compute_id */
} atoll_hwcfg;

/* Parse configuration text "text" (len bytes).  On error returns -1 and
 * writes a message naming the line into "err" (errlen bytes).
 */
int atoll_hwcfg_parse(const char *text, size_t len, atoll_hwcfg *cfg,
	char *err, size_t errlen);
/* Read and parse the file at "path"; errors name the file. */
int atoll_hwcfg_load(const char *path, atoll_hwcfg *cfg, char *err,
	size_t errlen);
/* Fill "cfg" with the built-in default (generated from default.cfg). */
void atoll_hwcfg_default(atoll_hwcfg *cfg);
/* The configuration ID: CRC32 of the canonical text of every field. */
uint32_t atoll_hwcfg_compute_id(const atoll_hwcfg *cfg);
/* Write the canonical text ("rows=8 cols=8 ...") into buf. */
void atoll_hwcfg_canonical(const atoll_hwcfg *cfg, char *buf, size_t len);

#endif
