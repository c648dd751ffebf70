/* Verilator harness of atoll_core: clocking, the AXI4 device-memory
 * model, the AXI4-lite CSR master and the C API of hwsim.h.
 *
 * Each cycle: with the clock low, the model drives its AXI outputs from
 * its state, the design settles, handshakes are sampled (valid && ready
 * before the edge), then the rising edge is evaluated and the model state
 * advances.  Inputs therefore never change at the sampling edge.
 */
#include <stdint.h>
#include <string.h>

#include <deque>
#include <vector>

#include "verilated.h"
#include "verilated_fst_c.h"
#include "Vatoll_core.h"

#include "atoll_config.h"
#include "atoll_isa.h"
#include "hwsim.h"

#define BUS	ATOLL_CFG_DRAM_BUS_BYTES
#define MAX_OUTSTANDING	64

struct hw_rd {
	uint32_t addr;
	uint32_t id;
	uint64_t ready;
};

struct hw_wa {
	uint32_t addr;
};

struct hw_wd {
	uint8_t data[BUS];
	uint64_t strb;
};

struct hw_b {
	uint32_t id;
	uint64_t ready;
};

struct atoll_hwsim {
	VerilatedContext *ctx;
	Vatoll_core *top;
	VerilatedFstC *tfp;
	std::vector<uint8_t> mem;
	int latency;
	int bpc;
	int64_t credit;
	uint64_t cycle;
	uint64_t mem_faults;
	std::deque<hw_rd> rq;
	std::deque<hw_wa> awq;
	std::deque<hw_wd> wq;
	std::deque<hw_b> bq;
};

#if BUS <= 8
static void bus_set_rdata(Vatoll_core *top, const uint8_t *b)
{
	uint64_t v = 0;
	int i;

	for (i = BUS - 1; i >= 0; i--)
		v = v << 8 | b[i];
	top->m_axi_rdata_i = v;
}

static void bus_get_wdata(Vatoll_core *top, uint8_t *b)
{
	uint64_t v = top->m_axi_wdata_o;
	unsigned i;

	for (i = 0; i < BUS; i++)
		b[i] = (uint8_t) (v >> (8 * i));
}
#else
static void bus_set_rdata(Vatoll_core *top, const uint8_t *b)
{
	unsigned i;

	for (i = 0; i < BUS / 4; i++)
		top->m_axi_rdata_i[i] = (uint32_t) b[4 * i] |
			(uint32_t) b[4 * i + 1] << 8 |
			(uint32_t) b[4 * i + 2] << 16 |
			(uint32_t) b[4 * i + 3] << 24;
}

static void bus_get_wdata(Vatoll_core *top, uint8_t *b)
{
	unsigned i;

	for (i = 0; i < BUS; i++)
		b[i] = (uint8_t) (top->m_axi_wdata_o[i / 4] >> (8 * (i % 4)));
}
#endif

/* Bytes [addr, addr + BUS) of device memory into "b" (zero outside). */
static void mem_load_beat(atoll_hwsim *h, uint32_t addr, uint8_t *b)
{
	if ((uint64_t) addr + BUS > h->mem.size()) {
		memset(b, 0, BUS);
		h->mem_faults++;
		return;
	}
	memcpy(b, &h->mem[addr], BUS);
}

/* Store the bytes of beat "d" selected by its strobes at "addr". */
static void mem_store_beat(atoll_hwsim *h, uint32_t addr, const hw_wd *d)
{
	unsigned i;

	if ((uint64_t) addr + BUS > h->mem.size()) {
		h->mem_faults++;
		return;
	}
	for (i = 0; i < BUS; i++)
		if (d->strb >> i & 1)
			h->mem[addr + i] = d->data[i];
}

static void sim_eval(atoll_hwsim *h)
{
	h->top->eval();
	if (h->tfp)
		h->tfp->dump(h->ctx->time());
}

/* Drive the device-memory outputs for this cycle from the model state. */
static void dram_drive(atoll_hwsim *h)
{
	Vatoll_core *top = h->top;
	uint8_t beat[BUS];
	int64_t credit = h->credit;
	int r_ok;

	top->m_axi_arready_i = h->rq.size() < MAX_OUTSTANDING;
	r_ok = !h->rq.empty() && h->rq.front().ready <= h->cycle &&
		(h->bpc <= 0 || credit >= BUS);
	top->m_axi_rvalid_i = r_ok;
	top->m_axi_rlast_i = 1;
	top->m_axi_rresp_i = 0;
	if (r_ok) {
		mem_load_beat(h, h->rq.front().addr, beat);
		bus_set_rdata(top, beat);
		top->m_axi_rid_i = h->rq.front().id;
		credit -= BUS;
	}
	top->m_axi_awready_i = h->awq.size() < MAX_OUTSTANDING;
	top->m_axi_wready_i = h->wq.size() < MAX_OUTSTANDING &&
		(h->bpc <= 0 || credit >= BUS);
	top->m_axi_bvalid_i = !h->bq.empty() && h->bq.front().ready <= h->cycle;
	top->m_axi_bid_i = h->bq.empty() ? 0 : h->bq.front().id;
	top->m_axi_bresp_i = 0;
}

/* Advance the model state by the handshakes sampled before the edge. */
static void dram_update(atoll_hwsim *h, int ar, int r, int aw, int w, int b,
	const hw_rd *ar_req, const hw_wa *aw_req, const hw_wd *w_data)
{
	hw_b resp;

	if (h->bpc > 0) {
		h->credit += h->bpc;
		if (h->credit > 2 * BUS + h->bpc)
			h->credit = 2 * BUS + h->bpc;
	}
	if (r) {
		h->rq.pop_front();
		if (h->bpc > 0)
			h->credit -= BUS;
	}
	if (w && h->bpc > 0)
		h->credit -= BUS;
	if (ar)
		h->rq.push_back(*ar_req);
	if (aw)
		h->awq.push_back(*aw_req);
	if (w)
		h->wq.push_back(*w_data);
	if (b)
		h->bq.pop_front();
	while (!h->awq.empty() && !h->wq.empty()) {
		mem_store_beat(h, h->awq.front().addr, &h->wq.front());
		resp.id = 0;
		resp.ready = h->cycle + (uint64_t) h->latency;
		h->bq.push_back(resp);
		h->awq.pop_front();
		h->wq.pop_front();
	}
}

/* One clock cycle. */
static void sim_tick(atoll_hwsim *h)
{
	Vatoll_core *top = h->top;
	int ar, r, aw, w, b;
	hw_rd req;
	hw_wa wa;
	hw_wd wd;

	top->clk_i = 0;
	dram_drive(h);
	h->ctx->timeInc(5);
	sim_eval(h);
	ar = top->m_axi_arvalid_o && top->m_axi_arready_i;
	r = top->m_axi_rvalid_i && top->m_axi_rready_o;
	aw = top->m_axi_awvalid_o && top->m_axi_awready_i;
	w = top->m_axi_wvalid_o && top->m_axi_wready_i;
	b = top->m_axi_bvalid_i && top->m_axi_bready_o;
	req.addr = top->m_axi_araddr_o & ~(uint32_t) (BUS - 1);
	req.id = top->m_axi_arid_o;
	req.ready = h->cycle + (uint64_t) h->latency;
	wa.addr = top->m_axi_awaddr_o & ~(uint32_t) (BUS - 1);
	if (w) {
		bus_get_wdata(top, wd.data);
		wd.strb = top->m_axi_wstrb_o;
	}
	top->clk_i = 1;
	h->ctx->timeInc(5);
	sim_eval(h);
	h->cycle++;
	dram_update(h, ar, r, aw, w, b, &req, &wa, &wd);
}

static void csr_idle_inputs(Vatoll_core *top)
{
	top->s_axil_awvalid_i = 0;
	top->s_axil_wvalid_i = 0;
	top->s_axil_bready_i = 0;
	top->s_axil_arvalid_i = 0;
	top->s_axil_rready_i = 0;
	top->s_axil_wstrb_i = 0xf;
}

extern "C" atoll_hwsim *atoll_hwsim_create(const char *trace_path,
	uint32_t dram_bytes, int latency, int bytes_per_cycle)
{
	atoll_hwsim *h;
	int i;

	h = new atoll_hwsim();
	h->ctx = new VerilatedContext;
	h->ctx->debug(0);
	h->ctx->randReset(0);
	if (trace_path)
		h->ctx->traceEverOn(true);
	h->top = new Vatoll_core(h->ctx, "atoll");
	h->tfp = NULL;
	if (trace_path) {
		h->tfp = new VerilatedFstC;
		h->top->trace(h->tfp, 99);
		h->tfp->open(trace_path);
	}
	h->mem.assign(dram_bytes, 0);
	h->latency = latency < 1 ? 1 : latency;
	h->bpc = bytes_per_cycle;
	h->credit = 0;
	h->cycle = 0;
	h->mem_faults = 0;
	csr_idle_inputs(h->top);
	h->top->rst_ni = 0;
	for (i = 0; i < 4; i++)
		sim_tick(h);
	h->top->rst_ni = 1;
	sim_tick(h);
	return h;
}

extern "C" void atoll_hwsim_free(atoll_hwsim *h)
{
	if (!h)
		return;
	h->top->final();
	if (h->tfp) {
		h->tfp->close();
		delete h->tfp;
	}
	delete h->top;
	delete h->ctx;
	delete h;
}

extern "C" int atoll_hwsim_mem_write(atoll_hwsim *h, uint32_t addr,
	const void *buf, size_t len)
{
	if ((uint64_t) addr + len > h->mem.size())
		return -1;
	if (len)
		memcpy(&h->mem[addr], buf, len);
	return 0;
}

extern "C" int atoll_hwsim_mem_read(atoll_hwsim *h, uint32_t addr,
	void *buf, size_t len)
{
	if ((uint64_t) addr + len > h->mem.size())
		return -1;
	if (len)
		memcpy(buf, &h->mem[addr], len);
	return 0;
}

extern "C" int atoll_hwsim_csr_write(atoll_hwsim *h, uint32_t off,
	uint32_t val)
{
	Vatoll_core *top = h->top;
	int aw_done = 0, w_done = 0, i;

	top->s_axil_awaddr_i = off;
	top->s_axil_wdata_i = val;
	top->s_axil_wstrb_i = 0xf;
	for (i = 0; i < 1000 && !(aw_done && w_done); i++) {
		top->s_axil_awvalid_i = !aw_done;
		top->s_axil_wvalid_i = !w_done;
		top->clk_i = 0;
		top->eval();
		aw_done |= top->s_axil_awvalid_i && top->s_axil_awready_o;
		w_done |= top->s_axil_wvalid_i && top->s_axil_wready_o;
		sim_tick(h);
	}
	top->s_axil_awvalid_i = 0;
	top->s_axil_wvalid_i = 0;
	top->s_axil_bready_i = 1;
	for (; i < 1000; i++) {
		top->clk_i = 0;
		top->eval();
		if (top->s_axil_bvalid_o) {
			sim_tick(h);
			top->s_axil_bready_i = 0;
			return 0;
		}
		sim_tick(h);
	}
	top->s_axil_bready_i = 0;
	return -1;
}

extern "C" int atoll_hwsim_csr_read(atoll_hwsim *h, uint32_t off,
	uint32_t *val)
{
	Vatoll_core *top = h->top;
	int done = 0, i;

	top->s_axil_araddr_i = off;
	for (i = 0; i < 1000 && !done; i++) {
		top->s_axil_arvalid_i = 1;
		top->clk_i = 0;
		top->eval();
		done = top->s_axil_arready_o;
		sim_tick(h);
	}
	top->s_axil_arvalid_i = 0;
	top->s_axil_rready_i = 1;
	for (; i < 1000; i++) {
		top->clk_i = 0;
		top->eval();
		if (top->s_axil_rvalid_o) {
			*val = top->s_axil_rdata_o;
			sim_tick(h);
			top->s_axil_rready_i = 0;
			return 0;
		}
		sim_tick(h);
	}
	top->s_axil_rready_i = 0;
	return -1;
}

extern "C" int atoll_hwsim_run(atoll_hwsim *h, uint64_t cycle_budget,
	uint64_t *cycles_out)
{
	uint64_t n = 0;
	int st = ATOLL_HWSIM_TIMEOUT;

	for (;;) {
		if (h->top->status_o & 4) {
			st = ATOLL_HWSIM_ERROR;
			break;
		}
		if (h->top->status_o & 2) {
			st = ATOLL_HWSIM_DONE;
			break;
		}
		if (cycle_budget && n >= cycle_budget)
			break;
		sim_tick(h);
		n++;
	}
	if (cycles_out)
		*cycles_out = n;
	return st;
}

extern "C" uint64_t atoll_hwsim_cycles(const atoll_hwsim *h)
{
	return h->cycle;
}

extern "C" uint64_t atoll_hwsim_mem_faults(const atoll_hwsim *h)
{
	return h->mem_faults;
}
