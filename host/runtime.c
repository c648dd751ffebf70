#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atoll.h"
#include "backend.h"
#include "atoll_isa.h"
#include "isa.h"


struct atoll_dev {
	const struct atoll_backend_ops *ops;
	void *impl;
	atoll_hwcfg cfg;
	char err[512];
};

static int dev_fail(atoll_dev *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int dev_fail(atoll_dev *dev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dev->err, sizeof(dev->err), fmt, ap);
	va_end(ap);
	return -1;
}

static int ref_write(void *impl, uint32_t addr, const void *buf, size_t len)
{
	memcpy(atoll_ref_dram(impl) + addr, buf, len);
	return 0;
}

static int ref_read(void *impl, uint32_t addr, void *buf, size_t len)
{
	memcpy(buf, atoll_ref_dram(impl) + addr, len);
	return 0;
}

static int ref_run(void *impl, const atoll_run_params *p,
	atoll_run_status *st)
{
	return atoll_ref_run(impl, p, st);
}

static void ref_free(void *impl)
{
	atoll_ref_free(impl);
}

static const struct atoll_backend_ops ref_ops = {
	"ref", ref_write, ref_read, ref_run, ref_free,
};

static int sim_open(atoll_dev *dev, const char *trace, char *err,
	size_t errlen)
{
	if (!atoll_backend_sim_open) {
		snprintf(err, errlen, "this program was built without the "
			"Verilator model (sim backend)");
		return -1;
	}
	return atoll_backend_sim_open(&dev->cfg, trace, &dev->ops,
		&dev->impl, err, errlen);
}

atoll_dev *atoll_dev_open(const char *spec, const atoll_hwcfg *cfg,
	const char *trace, char *err, size_t errlen)
{
	atoll_dev *dev;

	if (strcmp(spec, "ref") && strcmp(spec, "sim")) {
		snprintf(err, errlen, "unknown or unavailable backend '%s' "
			"(available: ref, sim)", spec);
		return NULL;
	}
	if (trace && strcmp(spec, "sim")) {
		snprintf(err, errlen, "--trace needs the sim backend");
		return NULL;
	}
	dev = calloc(1, sizeof(*dev));
	if (!dev) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	dev->cfg = *cfg;
	if (!strcmp(spec, "sim")) {
		if (sim_open(dev, trace, err, errlen) < 0) {
			free(dev);
			return NULL;
		}
		return dev;
	}
	dev->ops = &ref_ops;
	dev->impl = atoll_ref_create(cfg);
	if (!dev->impl) {
		snprintf(err, errlen, "cannot create the functional model "
			"(%u bytes of device memory)", cfg->dram_bytes);
		free(dev);
		return NULL;
	}
	return dev;
}

void atoll_dev_close(atoll_dev *dev)
{
	if (!dev)
		return;
	dev->ops->free(dev->impl);
	free(dev);
}

const char *atoll_dev_error(const atoll_dev *dev)
{
	return dev->err;
}

const atoll_hwcfg *atoll_dev_config(const atoll_dev *dev)
{
	return &dev->cfg;
}

static int in_memory(const atoll_dev *dev, uint32_t addr, size_t len)
{
	return addr <= dev->cfg.dram_bytes &&
		len <= dev->cfg.dram_bytes - addr;
}

int atoll_dev_write(atoll_dev *dev, uint32_t addr, const void *buf,
	size_t len)
{
	if (!in_memory(dev, addr, len))
		return dev_fail(dev, "write of %zu bytes at 0x%x is outside "
			"device memory", len, addr);
	return dev->ops->write(dev->impl, addr, buf, len);
}

int atoll_dev_read(atoll_dev *dev, uint32_t addr, void *buf, size_t len)
{
	if (!in_memory(dev, addr, len))
		return dev_fail(dev, "read of %zu bytes at 0x%x is outside "
			"device memory", len, addr);
	return dev->ops->read(dev->impl, addr, buf, len);
}

void atoll_run_status_describe(const atoll_run_status *st, char *buf,
	size_t len)
{
	if (st->timed_out)
		snprintf(buf, len, "timeout: the cycle budget ran out after "
			"%llu cycles", (unsigned long long)
			st->counters[ATOLL_CNT_CYCLES]);
	else if (st->error)
		snprintf(buf, len, "hardware fault %s (%s) at command %u",
			atoll_error_name(st->error), atoll_error_text(st->error),
			st->error_cmd);
	else
		snprintf(buf, len, "ok");
}

int atoll_dev_run(atoll_dev *dev, const atoll_run_params *p,
	atoll_run_status *st)
{
	char what[256];

	memset(st, 0, sizeof(*st));
	if (p->win_hi > dev->cfg.dram_bytes || p->win_lo > p->win_hi)
		return dev_fail(dev, "DRAM window [0x%x, 0x%x) is outside "
			"device memory", p->win_lo, p->win_hi);
	if (dev->ops->run(dev->impl, p, st) == 0)
		return 0;
	atoll_run_status_describe(st, what, sizeof(what));
	return dev_fail(dev, "%s backend: %s", dev->ops->name, what);
}

int atoll_dev_load(atoll_dev *dev, const atoll_bundle *b)
{
	if (b->config_id != dev->cfg.id)
		return dev_fail(dev, "bundle was compiled for hardware "
			"configuration 0x%08x, the device is '%s' (0x%08x); "
			"recompile with --hw", b->config_id, dev->cfg.name,
			dev->cfg.id);
	if (b->dram_bytes > dev->cfg.dram_bytes)
		return dev_fail(dev, "bundle needs %u bytes of device memory, "
			"the device has %u", b->dram_bytes, dev->cfg.dram_bytes);
	if (atoll_dev_write(dev, b->const_addr, b->consts, b->const_bytes) < 0)
		return -1;
	return atoll_dev_write(dev, b->cmd_addr, b->cmds,
		(size_t) b->ncmds * ATOLL_CMD_BYTES);
}

int atoll_dev_exec(atoll_dev *dev, const atoll_bundle *b,
	uint64_t cycle_budget, atoll_run_status *st)
{
	atoll_run_params p;

	p.cmd_base = b->cmd_addr;
	p.cmd_count = b->ncmds;
	p.win_lo = 0;
	p.win_hi = b->dram_bytes;
	p.cycle_budget = cycle_budget;
	return atoll_dev_run(dev, &p, st);
}
