// atoll accelerator core.
//
//   m_axi_*  AXI4 master to device memory (DW = 8 * DRAM_BUS_BYTES bits);
//            single-beat INCR transactions on aligned bus words; read IDs
//            0 (command fetch) and 1 (DMA-in), write ID 0 (DMA-out).
//   s_axil_* AXI4-lite slave: CSRs (firmware/isa.def, docs/isa.md).
//   status_o {error, done, busy} as in the STATUS CSR (interrupt source).
//
// Blocks: atoll_csr, atoll_cmdproc (fetch, atoll_cmd_check, per-engine
// queues, semaphores), two atoll_dma engines (the DMA-out one with
// atoll_move for MOVE), atoll_pe_engine (with
// atoll_array), atoll_act_engine, atoll_spm (ROWS banks), atoll_psum
// (COLS banks).  Parameters come from build/gen/atoll_config.vh.
`include "atoll_config.vh"
`include "atoll_isa.vh"

module atoll_core #(
  parameter int ROWS        = `ATOLL_CFG_ROWS,
  parameter int COLS        = `ATOLL_CFG_COLS,
  parameter int SPM_BYTES   = `ATOLL_CFG_SPM_BYTES,
  parameter int PSUM_DEPTH  = `ATOLL_CFG_PSUM_DEPTH,
  parameter int BUS_BYTES   = `ATOLL_CFG_DRAM_BUS_BYTES,
  parameter int QUEUE_DEPTH = `ATOLL_CFG_QUEUE_DEPTH,
  parameter int SEMS        = `ATOLL_CFG_SEMAPHORES,
  parameter logic [31:0] CFG_ID = `ATOLL_CFG_ID,
  localparam int DW         = BUS_BYTES * 8,
  localparam int AW         = $clog2(SPM_BYTES),
  localparam int PAW        = $clog2(PSUM_DEPTH),
  localparam int PW         = (ROWS > 1) ? $clog2(ROWS) : 1,
  localparam int NW         = ((BUS_BYTES > 1) ? $clog2(BUS_BYTES) : 1) + 1,
  localparam int NCNT       = `ATOLL_CNT_COUNT
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  // AXI4 master: read address
  output logic [0:0]           m_axi_arid_o,
  output logic [31:0]          m_axi_araddr_o,
  output logic [7:0]           m_axi_arlen_o,
  output logic [2:0]           m_axi_arsize_o,
  output logic [1:0]           m_axi_arburst_o,
  output logic                 m_axi_arvalid_o,
  input  logic                 m_axi_arready_i,
  // AXI4 master: read data
  input  logic [0:0]           m_axi_rid_i,
  input  logic [DW-1:0]        m_axi_rdata_i,
  input  logic [1:0]           m_axi_rresp_i,
  input  logic                 m_axi_rlast_i,
  input  logic                 m_axi_rvalid_i,
  output logic                 m_axi_rready_o,
  // AXI4 master: write address
  output logic [0:0]           m_axi_awid_o,
  output logic [31:0]          m_axi_awaddr_o,
  output logic [7:0]           m_axi_awlen_o,
  output logic [2:0]           m_axi_awsize_o,
  output logic [1:0]           m_axi_awburst_o,
  output logic                 m_axi_awvalid_o,
  input  logic                 m_axi_awready_i,
  // AXI4 master: write data
  output logic [DW-1:0]        m_axi_wdata_o,
  output logic [BUS_BYTES-1:0] m_axi_wstrb_o,
  output logic                 m_axi_wlast_o,
  output logic                 m_axi_wvalid_o,
  input  logic                 m_axi_wready_i,
  // AXI4 master: write response
  input  logic [0:0]           m_axi_bid_i,
  input  logic [1:0]           m_axi_bresp_i,
  input  logic                 m_axi_bvalid_i,
  output logic                 m_axi_bready_o,
  // AXI4-lite slave (CSRs)
  input  logic                 s_axil_awvalid_i,
  output logic                 s_axil_awready_o,
  input  logic [11:0]          s_axil_awaddr_i,
  input  logic                 s_axil_wvalid_i,
  output logic                 s_axil_wready_o,
  input  logic [31:0]          s_axil_wdata_i,
  input  logic [3:0]           s_axil_wstrb_i,
  output logic                 s_axil_bvalid_o,
  input  logic                 s_axil_bready_i,
  output logic [1:0]           s_axil_bresp_o,
  input  logic                 s_axil_arvalid_i,
  output logic                 s_axil_arready_o,
  input  logic [11:0]          s_axil_araddr_i,
  output logic                 s_axil_rvalid_o,
  input  logic                 s_axil_rready_i,
  output logic [31:0]          s_axil_rdata_o,
  output logic [1:0]           s_axil_rresp_o,
  // status
  output logic [2:0]           status_o
);
  localparam logic [2:0] SIZE = 3'($clog2(BUS_BYTES));

  // ------------------------------------------------------------ CSRs
  logic        start, running, done, error;
  logic [31:0] cmd_base, cmd_count, win_lo, win_hi, error_word;
  logic [NCNT*32-1:0] cnt_inc;

  atoll_csr #(
    .CFG_ID (CFG_ID)
  ) u_csr (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .s_awvalid_i  (s_axil_awvalid_i),
    .s_awready_o  (s_axil_awready_o),
    .s_awaddr_i   (s_axil_awaddr_i),
    .s_wvalid_i   (s_axil_wvalid_i),
    .s_wready_o   (s_axil_wready_o),
    .s_wdata_i    (s_axil_wdata_i),
    .s_wstrb_i    (s_axil_wstrb_i),
    .s_bvalid_o   (s_axil_bvalid_o),
    .s_bready_i   (s_axil_bready_i),
    .s_bresp_o    (s_axil_bresp_o),
    .s_arvalid_i  (s_axil_arvalid_i),
    .s_arready_o  (s_axil_arready_o),
    .s_araddr_i   (s_axil_araddr_i),
    .s_rvalid_o   (s_axil_rvalid_o),
    .s_rready_i   (s_axil_rready_i),
    .s_rdata_o    (s_axil_rdata_o),
    .s_rresp_o    (s_axil_rresp_o),
    .start_o      (start),
    .cmd_base_o   (cmd_base),
    .cmd_count_o  (cmd_count),
    .win_lo_o     (win_lo),
    .win_hi_o     (win_hi),
    .running_i    (running),
    .done_i       (done),
    .error_i      (error),
    .error_word_i (error_word),
    .cnt_inc_i    (cnt_inc)
  );

  assign status_o = {error, done, running};

  // ------------------------------------------------ command processor
  logic              cp_ar_valid, cp_ar_ready, cp_r_valid, cp_r_ready;
  logic [31:0]       cp_ar_addr;
  logic              dmain_valid, dmain_ready, dmain_idle;
  logic              dmaout_valid, dmaout_ready, dmaout_idle;
  logic              pe_valid, pe_ready, pe_idle;
  logic              act_valid, act_ready, act_idle;
  logic [14*32-1:0]  dmain_cmd, dmaout_cmd;
  logic [10*32-1:0]  pe_cmd;
  logic [15*32-1:0]  act_cmd;
  logic              cnt_fetch;
  logic [3:0]        eng_busy, eng_stall;

  atoll_cmdproc #(
    .ROWS        (ROWS),
    .COLS        (COLS),
    .SPM_BYTES   (SPM_BYTES),
    .PSUM_DEPTH  (PSUM_DEPTH),
    .SEMS        (SEMS),
    .QUEUE_DEPTH (QUEUE_DEPTH),
    .BUS_BYTES   (BUS_BYTES)
  ) u_cp (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .start_i        (start),
    .cmd_base_i     (cmd_base),
    .cmd_count_i    (cmd_count),
    .win_lo_i       (win_lo),
    .win_hi_i       (win_hi),
    .running_o      (running),
    .done_o         (done),
    .error_o        (error),
    .error_word_o   (error_word),
    .ar_valid_o     (cp_ar_valid),
    .ar_ready_i     (cp_ar_ready),
    .ar_addr_o      (cp_ar_addr),
    .r_valid_i      (cp_r_valid),
    .r_ready_o      (cp_r_ready),
    .r_data_i       (m_axi_rdata_i),
    .dmain_valid_o  (dmain_valid),
    .dmain_ready_i  (dmain_ready),
    .dmain_cmd_o    (dmain_cmd),
    .dmain_idle_i   (dmain_idle),
    .dmaout_valid_o (dmaout_valid),
    .dmaout_ready_i (dmaout_ready),
    .dmaout_cmd_o   (dmaout_cmd),
    .dmaout_idle_i  (dmaout_idle),
    .pe_valid_o     (pe_valid),
    .pe_ready_i     (pe_ready),
    .pe_cmd_o       (pe_cmd),
    .pe_idle_i      (pe_idle),
    .act_valid_o    (act_valid),
    .act_ready_i    (act_ready),
    .act_cmd_o      (act_cmd),
    .act_idle_i     (act_idle),
    .cnt_fetch_o    (cnt_fetch),
    .busy_o         (eng_busy),
    .stall_o        (eng_stall)
  );

  // ----------------------------------------------- read-channel sharing
  logic        di_ar_valid, di_ar_ready, di_r_valid, di_r_ready;
  logic [31:0] di_ar_addr;

  atoll_axi_rd_arb u_rd_arb (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .cp_ar_valid_i  (cp_ar_valid),
    .cp_ar_ready_o  (cp_ar_ready),
    .cp_ar_addr_i   (cp_ar_addr),
    .cp_r_valid_o   (cp_r_valid),
    .cp_r_ready_i   (cp_r_ready),
    .dma_ar_valid_i (di_ar_valid),
    .dma_ar_ready_o (di_ar_ready),
    .dma_ar_addr_i  (di_ar_addr),
    .dma_r_valid_o  (di_r_valid),
    .dma_r_ready_i  (di_r_ready),
    .m_arvalid_o    (m_axi_arvalid_o),
    .m_arready_i    (m_axi_arready_i),
    .m_araddr_o     (m_axi_araddr_o),
    .m_arid_o       (m_axi_arid_o[0]),
    .m_rvalid_i     (m_axi_rvalid_i),
    .m_rready_o     (m_axi_rready_o),
    .m_rid_i        (m_axi_rid_i[0])
  );

  assign m_axi_arlen_o   = 8'd0;
  assign m_axi_arsize_o  = SIZE;
  assign m_axi_arburst_o = 2'b01;
  assign m_axi_awid_o    = 1'b0;
  assign m_axi_awlen_o   = 8'd0;
  assign m_axi_awsize_o  = SIZE;
  assign m_axi_awburst_o = 2'b01;
  assign m_axi_wlast_o   = 1'b1;

  // ------------------------------------------------------------ SPM
  logic [ROWS-1:0]   pe_re;
  logic [AW-1:0]     pe_raddr;
  logic [ROWS*DW-1:0] pe_rword;
  logic [ROWS-1:0]   act_re, act_we;
  logic              act_rgnt, act_wgnt;
  logic [AW-1:0]     act_raddr, act_waddr;
  logic [ROWS*8-1:0] act_rdata, act_wdata;
  logic              do_re, do_rgnt, di_we, di_wgnt;
  logic [PW-1:0]     do_rpart, di_wpart;
  logic [AW-1:0]     do_raddr, di_waddr;
  logic [NW-1:0]     do_rlen, di_wlen;
  logic              do_rlanes, di_wlanes;
  logic [DW-1:0]     do_rdata, di_wdata;
  logic              mv_we, mv_wgnt;
  logic [PW-1:0]     mv_wpart;
  logic [AW-1:0]     mv_waddr;
  logic [NW-1:0]     mv_wlen;
  logic [DW-1:0]     mv_wdata;

  atoll_spm #(
    .ROWS      (ROWS),
    .BYTES     (SPM_BYTES),
    .BUS_BYTES (BUS_BYTES)
  ) u_spm (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .pe_re_i     (pe_re),
    .pe_raddr_i  (pe_raddr),
    .pe_rword_o  (pe_rword),
    .act_re_i    (act_re),
    .act_raddr_i (act_raddr),
    .act_rgnt_o  (act_rgnt),
    .act_rdata_o (act_rdata),
    .dma_re_i    (do_re),
    .dma_rpart_i (do_rpart),
    .dma_raddr_i (do_raddr),
    .dma_rlen_i  (do_rlen),
    .dma_rlanes_i (do_rlanes),
    .dma_rgnt_o  (do_rgnt),
    .dma_rdata_o (do_rdata),
    .act_we_i    (act_we),
    .act_waddr_i (act_waddr),
    .act_wdata_i (act_wdata),
    .act_wgnt_o  (act_wgnt),
    .dma_we_i    (di_we),
    .dma_wpart_i (di_wpart),
    .dma_waddr_i (di_waddr),
    .dma_wlen_i  (di_wlen),
    .dma_wlanes_i (di_wlanes),
    .dma_wdata_i (di_wdata),
    .dma_wgnt_o  (di_wgnt),
    .mv_we_i     (mv_we),
    .mv_wpart_i  (mv_wpart),
    .mv_waddr_i  (mv_waddr),
    .mv_wlen_i   (mv_wlen),
    .mv_wdata_i  (mv_wdata),
    .mv_wgnt_o   (mv_wgnt)
  );

  // ----------------------------------------------------------- PSUM
  logic               acc_valid, acc_add, acc_pending;
  logic [COLS-1:0]    acc_mask;
  logic [PAW-1:0]     acc_addr;
  logic [COLS*32-1:0] acc_data;
  logic [COLS-1:0]    ps_re;
  logic               ps_rgnt;
  logic [PAW-1:0]     ps_raddr;
  logic [COLS*32-1:0] ps_rdata;

  atoll_psum #(
    .COLS  (COLS),
    .DEPTH (PSUM_DEPTH)
  ) u_psum (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .acc_valid_i   (acc_valid),
    .acc_mask_i    (acc_mask),
    .acc_addr_i    (acc_addr),
    .acc_add_i     (acc_add),
    .acc_data_i    (acc_data),
    .acc_pending_o (acc_pending),
    .rd_req_i      (ps_re),
    .rd_addr_i     (ps_raddr),
    .rd_gnt_o      (ps_rgnt),
    .rd_data_o     (ps_rdata)
  );

  // -------------------------------------------------------- engines
  logic          di_cnt_cmd, do_cnt_cmd;
  logic [NW-1:0] di_cnt_dram, di_cnt_spm, do_cnt_dram, do_cnt_spm;

  // DMA-in: AXI write channels and SPM read port unused
  logic              di_aw_valid, di_w_valid, di_b_ready, di_re;
  logic [31:0]       di_aw_addr;
  logic [DW-1:0]     di_w_data;
  logic [BUS_BYTES-1:0] di_w_strb;
  logic [PW-1:0]     di_rpart;
  logic [AW-1:0]     di_raddr;
  logic [NW-1:0]     di_rlen;
  logic              di_rlanes;

  atoll_dma #(
    .DIR       (0),
    .ROWS      (ROWS),
    .SPM_BYTES (SPM_BYTES),
    .BUS_BYTES (BUS_BYTES)
  ) u_dma_in (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .cmd_valid_i (dmain_valid),
    .cmd_ready_o (dmain_ready),
    .cmd_i       (dmain_cmd),
    .idle_o      (dmain_idle),
    .ar_valid_o  (di_ar_valid),
    .ar_ready_i  (di_ar_ready),
    .ar_addr_o   (di_ar_addr),
    .r_valid_i   (di_r_valid),
    .r_ready_o   (di_r_ready),
    .r_data_i    (m_axi_rdata_i),
    .aw_valid_o  (di_aw_valid),
    .aw_ready_i  (1'b0),
    .aw_addr_o   (di_aw_addr),
    .w_valid_o   (di_w_valid),
    .w_ready_i   (1'b0),
    .w_data_o    (di_w_data),
    .w_strb_o    (di_w_strb),
    .b_valid_i   (1'b0),
    .b_ready_o   (di_b_ready),
    .spm_re_o    (di_re),
    .spm_rpart_o (di_rpart),
    .spm_raddr_o (di_raddr),
    .spm_rlen_o  (di_rlen),
    .spm_rlanes_o (di_rlanes),
    .spm_rgnt_i  (1'b0),
    .spm_rdata_i ({DW{1'b0}}),
    .spm_we_o    (di_we),
    .spm_wpart_o (di_wpart),
    .spm_waddr_o (di_waddr),
    .spm_wlen_o  (di_wlen),
    .spm_wlanes_o (di_wlanes),
    .spm_wdata_o (di_wdata),
    .spm_wgnt_i  (di_wgnt),
    .cnt_cmd_o   (di_cnt_cmd),
    .cnt_dram_o  (di_cnt_dram),
    .cnt_spm_o   (di_cnt_spm)
  );

  // DMA-out engine: DMA_OUT commands to atoll_dma, MOVE commands to
  // atoll_move; each takes a command only while the other is idle, and
  // they share the DMA-out SPM read port (only the busy one requests;
  // a MOVE chunk is consecutive addresses of one partition)
  logic              dmaout_mv, dd_valid, dd_ready, dd_idle;
  logic              mv_valid, mv_ready, mv_idle;
  logic              dd_re, mv_re;
  logic [PW-1:0]     dd_rpart, mv_rpart;
  logic [AW-1:0]     dd_raddr, mv_raddr;
  logic [NW-1:0]     dd_rlen, mv_rlen;
  logic              dd_rlanes;
  logic [NW-1:0]     mv_cnt_rd, mv_cnt_wr;

  assign dmaout_mv    = (dmaout_cmd[7:0] == `ATOLL_OP_MOVE);
  assign dd_valid     = dmaout_valid && !dmaout_mv && mv_idle;
  assign mv_valid     = dmaout_valid && dmaout_mv && dd_idle;
  assign dmaout_ready = dd_ready && mv_ready;
  assign dmaout_idle  = dd_idle && mv_idle;
  assign do_re        = dd_re || mv_re;
  assign do_rpart     = mv_re ? mv_rpart : dd_rpart;
  assign do_raddr     = mv_re ? mv_raddr : dd_raddr;
  assign do_rlen      = mv_re ? mv_rlen : dd_rlen;
  assign do_rlanes    = mv_re || dd_rlanes;

  // DMA-out: AXI read channels and SPM write port unused
  logic              do_ar_valid, do_r_ready, do_we;
  logic [31:0]       do_ar_addr;
  logic [PW-1:0]     do_wpart;
  logic [AW-1:0]     do_waddr;
  logic [NW-1:0]     do_wlen;
  logic              do_wlanes;
  logic [DW-1:0]     do_wdata;

  atoll_dma #(
    .DIR       (1),
    .ROWS      (ROWS),
    .SPM_BYTES (SPM_BYTES),
    .BUS_BYTES (BUS_BYTES)
  ) u_dma_out (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .cmd_valid_i (dd_valid),
    .cmd_ready_o (dd_ready),
    .cmd_i       (dmaout_cmd),
    .idle_o      (dd_idle),
    .ar_valid_o  (do_ar_valid),
    .ar_ready_i  (1'b0),
    .ar_addr_o   (do_ar_addr),
    .r_valid_i   (1'b0),
    .r_ready_o   (do_r_ready),
    .r_data_i    ({DW{1'b0}}),
    .aw_valid_o  (m_axi_awvalid_o),
    .aw_ready_i  (m_axi_awready_i),
    .aw_addr_o   (m_axi_awaddr_o),
    .w_valid_o   (m_axi_wvalid_o),
    .w_ready_i   (m_axi_wready_i),
    .w_data_o    (m_axi_wdata_o),
    .w_strb_o    (m_axi_wstrb_o),
    .b_valid_i   (m_axi_bvalid_i),
    .b_ready_o   (m_axi_bready_o),
    .spm_re_o    (dd_re),
    .spm_rpart_o (dd_rpart),
    .spm_raddr_o (dd_raddr),
    .spm_rlen_o  (dd_rlen),
    .spm_rlanes_o (dd_rlanes),
    .spm_rgnt_i  (do_rgnt && !mv_re),
    .spm_rdata_i (do_rdata),
    .spm_we_o    (do_we),
    .spm_wpart_o (do_wpart),
    .spm_waddr_o (do_waddr),
    .spm_wlen_o  (do_wlen),
    .spm_wlanes_o (do_wlanes),
    .spm_wdata_o (do_wdata),
    .spm_wgnt_i  (1'b0),
    .cnt_cmd_o   (do_cnt_cmd),
    .cnt_dram_o  (do_cnt_dram),
    .cnt_spm_o   (do_cnt_spm)
  );

  atoll_move #(
    .ROWS      (ROWS),
    .SPM_BYTES (SPM_BYTES),
    .BUS_BYTES (BUS_BYTES)
  ) u_move (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .cmd_valid_i  (mv_valid),
    .cmd_ready_o  (mv_ready),
    .cmd_i        (dmaout_cmd),
    .idle_o       (mv_idle),
    .spm_re_o     (mv_re),
    .spm_rpart_o  (mv_rpart),
    .spm_raddr_o  (mv_raddr),
    .spm_rlen_o   (mv_rlen),
    .spm_rgnt_i   (do_rgnt && mv_re),
    .spm_rdata_i  (do_rdata),
    .spm_we_o     (mv_we),
    .spm_wpart_o  (mv_wpart),
    .spm_waddr_o  (mv_waddr),
    .spm_wlen_o   (mv_wlen),
    .spm_wdata_o  (mv_wdata),
    .spm_wgnt_i   (mv_wgnt),
    .cnt_spm_rd_o (mv_cnt_rd),
    .cnt_spm_wr_o (mv_cnt_wr)
  );

  logic [31:0] pe_cnt_macs;
  logic [15:0] pe_cnt_spm_rd, pe_cnt_psum_rd, pe_cnt_psum_wr;

  atoll_pe_engine #(
    .ROWS       (ROWS),
    .COLS       (COLS),
    .SPM_BYTES  (SPM_BYTES),
    .PSUM_DEPTH (PSUM_DEPTH),
    .BUS_BYTES  (BUS_BYTES)
  ) u_pe (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .cmd_valid_i   (pe_valid),
    .cmd_ready_o   (pe_ready),
    .cmd_i         (pe_cmd),
    .idle_o        (pe_idle),
    .spm_re_o      (pe_re),
    .spm_raddr_o   (pe_raddr),
    .spm_rword_i   (pe_rword),
    .acc_valid_o   (acc_valid),
    .acc_mask_o    (acc_mask),
    .acc_addr_o    (acc_addr),
    .acc_add_o     (acc_add),
    .acc_data_o    (acc_data),
    .acc_pending_i (acc_pending),
    .cnt_macs_o    (pe_cnt_macs),
    .cnt_spm_rd_o  (pe_cnt_spm_rd),
    .cnt_psum_rd_o (pe_cnt_psum_rd),
    .cnt_psum_wr_o (pe_cnt_psum_wr)
  );

  logic [15:0] act_cnt_spm_rd, act_cnt_spm_wr, act_cnt_psum_rd;

  atoll_act_engine #(
    .ROWS       (ROWS),
    .COLS       (COLS),
    .SPM_BYTES  (SPM_BYTES),
    .PSUM_DEPTH (PSUM_DEPTH)
  ) u_act (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .cmd_valid_i   (act_valid),
    .cmd_ready_o   (act_ready),
    .cmd_i         (act_cmd),
    .idle_o        (act_idle),
    .spm_re_o      (act_re),
    .spm_raddr_o   (act_raddr),
    .spm_rgnt_i    (act_rgnt),
    .spm_rdata_i   (act_rdata),
    .spm_we_o      (act_we),
    .spm_waddr_o   (act_waddr),
    .spm_wdata_o   (act_wdata),
    .spm_wgnt_i    (act_wgnt),
    .psum_re_o     (ps_re),
    .psum_raddr_o  (ps_raddr),
    .psum_rgnt_i   (ps_rgnt),
    .psum_rdata_i  (ps_rdata),
    .cnt_spm_rd_o  (act_cnt_spm_rd),
    .cnt_spm_wr_o  (act_cnt_spm_wr),
    .cnt_psum_rd_o (act_cnt_psum_rd)
  );

  // ------------------------------------------------------- counters
  always_comb begin
    cnt_inc = '0;
    cnt_inc[32*`ATOLL_CNT_CYCLES +: 32]    = {31'd0, running};
    cnt_inc[32*`ATOLL_CNT_DRAM_RD +: 32]   = 32'(di_cnt_dram);
    cnt_inc[32*`ATOLL_CNT_DRAM_WR +: 32]   = 32'(do_cnt_dram);
    cnt_inc[32*`ATOLL_CNT_CMD_FETCH +: 32] = cnt_fetch ? 32'd64 : 32'd0;
    cnt_inc[32*`ATOLL_CNT_SPM_RD +: 32]    = 32'(do_cnt_spm) +
                                            {16'd0, act_cnt_spm_rd} +
                                            {16'd0, pe_cnt_spm_rd} +
                                            32'(mv_cnt_rd);
    cnt_inc[32*`ATOLL_CNT_SPM_WR +: 32]    = 32'(di_cnt_spm) +
                                            {16'd0, act_cnt_spm_wr} +
                                            32'(mv_cnt_wr);
    cnt_inc[32*`ATOLL_CNT_PSUM_RD +: 32]   = {16'd0, pe_cnt_psum_rd} +
                                            {16'd0, act_cnt_psum_rd};
    cnt_inc[32*`ATOLL_CNT_PSUM_WR +: 32]   = {16'd0, pe_cnt_psum_wr};
    cnt_inc[32*`ATOLL_CNT_MACS +: 32]      = pe_cnt_macs;
    cnt_inc[32*`ATOLL_CNT_DMA_CMDS +: 32]  = {31'd0, di_cnt_cmd} +
                                            {31'd0, do_cnt_cmd};
    cnt_inc[32*`ATOLL_CNT_BUSY_DMAIN +: 32]   = {31'd0, eng_busy[0]};
    cnt_inc[32*`ATOLL_CNT_BUSY_DMAOUT +: 32]  = {31'd0, eng_busy[1]};
    cnt_inc[32*`ATOLL_CNT_BUSY_PE +: 32]      = {31'd0, eng_busy[2]};
    cnt_inc[32*`ATOLL_CNT_BUSY_ACT +: 32]     = {31'd0, eng_busy[3]};
    cnt_inc[32*`ATOLL_CNT_STALL_DMAIN +: 32]  = {31'd0, eng_stall[0]};
    cnt_inc[32*`ATOLL_CNT_STALL_DMAOUT +: 32] = {31'd0, eng_stall[1]};
    cnt_inc[32*`ATOLL_CNT_STALL_PE +: 32]     = {31'd0, eng_stall[2]};
    cnt_inc[32*`ATOLL_CNT_STALL_ACT +: 32]    = {31'd0, eng_stall[3]};
  end

  // tied-off halves of the direction-parameterised DMA engines, and AXI
  // response fields the core does not act on (single-beat transfers,
  // device memory errors are not reported)
  logic unused_sig;
  assign unused_sig = ^{di_aw_valid, di_aw_addr, di_w_valid, di_w_data,
                        di_w_strb, di_b_ready, di_re, di_rpart, di_raddr,
                        di_rlen, do_wlen, di_rlanes, do_wlanes,
                        do_ar_valid, do_ar_addr, do_r_ready, do_we, do_wpart,
                        do_waddr, do_wdata, m_axi_rresp_i, m_axi_rlast_i,
                        m_axi_bid_i, m_axi_bresp_i};
endmodule : atoll_core
