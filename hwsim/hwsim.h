#ifndef ATOLL_HWSIM_H
#define ATOLL_HWSIM_H

/* C API of the Verilator model of atoll_core (the `sim` backend).
 *
 * A handle owns its VerilatedContext, the model, an optional FST trace
 * and a device-memory model: an AXI4 slave with a fixed latency (cycles
 * from address acceptance to the data beat or write response) and a
 * bandwidth shared by reads and writes (bytes per cycle; one beat costs
 * DRAM_BUS_BYTES).  No file-scope state: several simulators may coexist
 * in one process.  The configuration is the one the library was built
 * for (build/gen/atoll_config.h); the CFG_ID CSR reports it.
 */
#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct atoll_hwsim atoll_hwsim;

#define ATOLL_HWSIM_DONE	0
#define ATOLL_HWSIM_ERROR	1
#define ATOLL_HWSIM_TIMEOUT	2

/* Create a simulator with "dram_bytes" bytes of zeroed device memory,
 * read/write latency "latency" cycles (>= 1) and "bytes_per_cycle" of
 * device-memory bandwidth (<= 0: one beat per cycle on each channel).
 * With a non-NULL "trace_path", an FST waveform of every cycle is written
 * there.  The core comes out of reset idle.  Returns NULL on failure.
 */
atoll_hwsim *atoll_hwsim_create(const char *trace_path, uint32_t dram_bytes,
	int latency, int bytes_per_cycle);
/* Finish the model (final()), close the trace and free "h" (NULL is
 * fine).
 */
void atoll_hwsim_free(atoll_hwsim *h);

/* Copy "len" bytes to / from device memory at "addr" (backdoor, no
 * simulated time).  Return 0, or -1 when the range is outside memory.
 */
int atoll_hwsim_mem_write(atoll_hwsim *h, uint32_t addr, const void *buf,
	size_t len);
int atoll_hwsim_mem_read(atoll_hwsim *h, uint32_t addr, void *buf,
	size_t len);

/* One AXI4-lite CSR write / read at byte offset "off" (firmware/isa.def
 * ATOLL_CSR_*), advancing simulated time until the transaction completes.
 * Return 0, or -1 when it does not complete within 1000 cycles.
 */
int atoll_hwsim_csr_write(atoll_hwsim *h, uint32_t off, uint32_t val);
int atoll_hwsim_csr_read(atoll_hwsim *h, uint32_t off, uint32_t *val);

/* Run until STATUS reports done or error, or "cycle_budget" cycles have
 * passed (0: no limit).  Returns ATOLL_HWSIM_DONE, _ERROR or _TIMEOUT;
 * the cycles simulated by this call go to "*cycles_out" when non-NULL.
 * Start a run first by writing CTRL (atoll_hwsim_csr_write).
 */
int atoll_hwsim_run(atoll_hwsim *h, uint64_t cycle_budget,
	uint64_t *cycles_out);

/* Cycles simulated since creation. */
uint64_t atoll_hwsim_cycles(const atoll_hwsim *h);
/* Device-memory accesses outside memory seen so far (reads return 0,
 * writes are dropped); a correct run has none.
 */
uint64_t atoll_hwsim_mem_faults(const atoll_hwsim *h);

#ifdef __cplusplus
}
#endif

#endif
