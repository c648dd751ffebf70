#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "hwcfg.h"

struct hwcfg_key {
	const char *name;
	size_t offset;
	uint32_t min;
	uint32_t max;
};

#define KEY(n, f, lo, hi) { n, offsetof(atoll_hwcfg, f), lo, hi }

static const struct hwcfg_key hwcfg_keys[] = {
	KEY("rows", rows, 2, 128),
	KEY("cols", cols, 2, 128),
	KEY("spm_partitions", spm_partitions, 2, 128),
	KEY("spm_bytes_per_partition", spm_bytes, 1024, 1u << 22),
	KEY("psum_depth", psum_depth, 64, 1u << 20),
	KEY("dram_bus_bytes", dram_bus_bytes, 1, 64),
	KEY("queue_depth", queue_depth, 1, 256),
	KEY("semaphores", semaphores, 1, 256),
	KEY("dram_bytes", dram_bytes, 1u << 16, 0x80000000u),
};

#define NKEYS (sizeof(hwcfg_keys) / sizeof(hwcfg_keys[0]))

static uint32_t *hwcfg_field(atoll_hwcfg *cfg, const struct hwcfg_key *k)
{
	return (uint32_t *) ((char *) cfg + k->offset);
}

static int is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char) *s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char) e[-1]))
		*--e = '\0';
	return s;
}

/* Check the cross-field rules of docs/config.md. */
static int hwcfg_check(const atoll_hwcfg *cfg, char *err, size_t errlen)
{
	if (cfg->spm_partitions != cfg->rows) {
		snprintf(err, errlen, "spm_partitions (%u) must equal rows (%u)",
			cfg->spm_partitions, cfg->rows);
		return -1;
	}
	if (!is_pow2(cfg->dram_bus_bytes)) {
		snprintf(err, errlen, "dram_bus_bytes (%u) must be a power of 2",
			cfg->dram_bus_bytes);
		return -1;
	}
	if (!is_pow2(cfg->spm_bytes) || !is_pow2(cfg->psum_depth)) {
		snprintf(err, errlen, "spm_bytes_per_partition and psum_depth "
			"must be powers of 2");
		return -1;
	}
	return 0;
}

static int hwcfg_parse_line(char *line, int lineno, atoll_hwcfg *cfg,
	unsigned *seen, char *err, size_t errlen)
{
	char *eq, *key, *val, *end;
	unsigned long v;
	size_t i;

	eq = strchr(line, '=');
	if (!eq) {
		snprintf(err, errlen, "line %d: expected 'key = value'", lineno);
		return -1;
	}
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);
	if (!strcmp(key, "name")) {
		if (strlen(val) == 0 || strlen(val) >= sizeof(cfg->name)) {
			snprintf(err, errlen, "line %d: bad name", lineno);
			return -1;
		}
		strcpy(cfg->name, val);
		return 0;
	}
	for (i = 0; i < NKEYS; i++)
		if (!strcmp(key, hwcfg_keys[i].name))
			break;
	if (i == NKEYS) {
		snprintf(err, errlen, "line %d: unknown key '%s'", lineno, key);
		return -1;
	}
	errno = 0;
	v = strtoul(val, &end, 0);
	if (errno || end == val || *end || val[0] == '-' ||
	    v < hwcfg_keys[i].min || v > hwcfg_keys[i].max) {
		snprintf(err, errlen, "line %d: %s = '%s' is not an integer in "
			"[%u, %u]", lineno, key, val, hwcfg_keys[i].min,
			hwcfg_keys[i].max);
		return -1;
	}
	*hwcfg_field(cfg, &hwcfg_keys[i]) = (uint32_t) v;
	*seen |= 1u << i;
	return 0;
}

int atoll_hwcfg_parse(const char *text, size_t len, atoll_hwcfg *cfg,
	char *err, size_t errlen)
{
	char line[256];
	unsigned seen = 0;
	size_t pos = 0, i;
	int lineno = 0;

	memset(cfg, 0, sizeof(*cfg));
	strcpy(cfg->name, "unnamed");
	while (pos < len) {
		size_t n = 0;
		char *hash, *s;

		lineno++;
		while (pos < len && text[pos] != '\n') {
			if (n + 1 >= sizeof(line)) {
				snprintf(err, errlen, "line %d: too long", lineno);
				return -1;
			}
			line[n++] = text[pos++];
		}
		pos++;
		line[n] = '\0';
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		s = trim(line);
		if (!*s)
			continue;
		if (hwcfg_parse_line(s, lineno, cfg, &seen, err, errlen) < 0)
			return -1;
	}
	for (i = 0; i < NKEYS; i++)
		if (!(seen & (1u << i))) {
			snprintf(err, errlen, "missing key '%s'",
				hwcfg_keys[i].name);
			return -1;
		}
	if (hwcfg_check(cfg, err, errlen) < 0)
		return -1;
	cfg->id = atoll_hwcfg_compute_id(cfg);
	return 0;
}

int atoll_hwcfg_load(const char *path, atoll_hwcfg *cfg, char *err,
	size_t errlen)
{
	char buf[8192], sub[200];
	size_t n;
	FILE *f;

	f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	if (n == sizeof(buf)) {
		fclose(f);
		snprintf(err, errlen, "%s: file too large", path);
		return -1;
	}
	fclose(f);
	if (atoll_hwcfg_parse(buf, n, cfg, sub, sizeof(sub)) < 0) {
		snprintf(err, errlen, "%s: %s", path, sub);
		return -1;
	}
	return 0;
}

void atoll_hwcfg_canonical(const atoll_hwcfg *cfg, char *buf, size_t len)
{
	size_t i, pos = 0;

	pos += snprintf(buf, len, "atoll-hw-1");
	for (i = 0; i < NKEYS && pos < len; i++)
		pos += snprintf(buf + pos, len - pos, " %s=%u",
			hwcfg_keys[i].name,
			*hwcfg_field((atoll_hwcfg *) cfg, &hwcfg_keys[i]));
}

uint32_t atoll_hwcfg_compute_id(const atoll_hwcfg *cfg)
{
	char buf[512];

	atoll_hwcfg_canonical(cfg, buf, sizeof(buf));
	return (uint32_t) crc32(0L, (const Bytef *) buf, (uInt) strlen(buf));
}
