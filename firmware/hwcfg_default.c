#include <string.h>

#include "atoll_config.h"
#include "hwcfg.h"

void atoll_hwcfg_default(atoll_hwcfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	strcpy(cfg->name, ATOLL_CFG_NAME);
	cfg->rows = ATOLL_CFG_ROWS;
	cfg->cols = ATOLL_CFG_COLS;
	cfg->spm_partitions = ATOLL_CFG_SPM_PARTITIONS;
	cfg->spm_bytes = ATOLL_CFG_SPM_BYTES;
	cfg->psum_depth = ATOLL_CFG_PSUM_DEPTH;
	cfg->dram_bus_bytes = ATOLL_CFG_DRAM_BUS_BYTES;
	cfg->queue_depth = ATOLL_CFG_QUEUE_DEPTH;
	cfg->semaphores = ATOLL_CFG_SEMAPHORES;
	cfg->dram_bytes = ATOLL_CFG_DRAM_BYTES;
	cfg->id = ATOLL_CFG_ID;
}
