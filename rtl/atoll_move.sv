// MOVE datapath of the DMA-out engine: copies SPM bytes to SPM with a 4-D
// pattern on both sides (docs/isa.md, MOVE), one chunk per cycle, chunks
// in element order.  atoll_core hands it the DMA-out queue's MOVE
// commands and atoll_dma (DIR 1) the DMA_OUT ones; the two never run at
// the same time.
//
// Chunks: a chunk is one element, except when dimension 0 is contiguous
// in one partition on both sides (SRC_PSTRIDE0 = DST_PSTRIDE0 = 0,
// SRC_STRIDE0 = DST_STRIDE0 = 1, BUS_BYTES > 1): then it is the run of
// dimension-0 elements from the current one up to the end of the row,
// of the source's SPM word or of the destination's SPM word (BUS_BYTES
// bytes, aligned), whichever comes first.  So a chunk is read from one
// word and written into one word, up to BUS_BYTES bytes per cycle.
//
// Pipeline: the chunk's source bytes are requested on the DMA-out read
// port as a chunk of consecutive addresses of one partition (granted when the PE and the ACT engine leave its partition
// alone); the cycle after the grant the bytes and the chunk's
// destination enter a small write queue, whose head is written through
// the MOVE write port (granted when neither the ACT engine nor the
// DMA-in engine writes that partition).  A read is issued only while the
// queue has room for it, so no chunk is lost; writes leave the queue in
// element order, so later elements win at the same destination.  The
// source box and the destination box are disjoint (atoll_cmd_check), so
// reading ahead of the queued writes never reads a byte the command
// writes.  The command completes when its last write landed.
`include "atoll_config.vh"
`include "atoll_isa.vh"
`include "atoll_defs.vh"

module atoll_move #(
  parameter int ROWS      = `ATOLL_CFG_ROWS,
  parameter int SPM_BYTES = `ATOLL_CFG_SPM_BYTES,
  parameter int BUS_BYTES = `ATOLL_CFG_DRAM_BUS_BYTES,
  parameter int WQ_DEPTH  = 4,
  localparam int CMD_W    = 14 * 32,
  localparam int AW       = $clog2(SPM_BYTES),
  localparam int PW       = (ROWS > 1) ? $clog2(ROWS) : 1,
  localparam int LW       = (BUS_BYTES > 1) ? $clog2(BUS_BYTES) : 1,
  localparam int NW       = LW + 1,
  localparam int DW       = BUS_BYTES * 8
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  // command
  input  logic             cmd_valid_i,
  output logic             cmd_ready_o,
  input  logic [CMD_W-1:0] cmd_i,
  output logic             idle_o,
  // SPM read port: spm_rlen_o (1 .. BUS_BYTES) consecutive bytes of
  // one partition from spm_raddr_o, byte j of spm_rdata_i the j-th
  output logic             spm_re_o,
  output logic [PW-1:0]    spm_rpart_o,
  output logic [AW-1:0]    spm_raddr_o,
  output logic [NW-1:0]    spm_rlen_o,
  input  logic             spm_rgnt_i,
  input  logic [DW-1:0]    spm_rdata_i,
  // SPM write port: spm_wlen_o consecutive bytes, byte j of spm_wdata_o
  // to spm_waddr_o + j
  output logic             spm_we_o,
  output logic [PW-1:0]    spm_wpart_o,
  output logic [AW-1:0]    spm_waddr_o,
  output logic [NW-1:0]    spm_wlen_o,
  output logic [DW-1:0]    spm_wdata_o,
  input  logic             spm_wgnt_i,
  // counter events this cycle (bytes)
  output logic [NW-1:0]    cnt_spm_rd_o,
  output logic [NW-1:0]    cnt_spm_wr_o
);
  localparam int WQ_W  = PW + AW + NW + DW;
  localparam int WQ_CW = $clog2(WQ_DEPTH + 1);

  logic            busy_d, busy_q, accept, finished, wide, wide_q;
  logic [4*16-1:0] counts;
  logic [4*32-1:0] bases;
  logic [4*128-1:0] strides;

  assign cmd_ready_o = !busy_q;
  assign idle_o      = !busy_q;
  assign accept      = cmd_valid_i && !busy_q;

  assign counts[0 +: 16]  = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_COUNT0_WORD,
                                       `ATOLL_MOVE_COUNT0_LSB, `ATOLL_MOVE_COUNT0_WIDTH);
  assign counts[16 +: 16] = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_COUNT1_WORD,
                                       `ATOLL_MOVE_COUNT1_LSB, `ATOLL_MOVE_COUNT1_WIDTH);
  assign counts[32 +: 16] = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_COUNT2_WORD,
                                       `ATOLL_MOVE_COUNT2_LSB, `ATOLL_MOVE_COUNT2_WIDTH);
  assign counts[48 +: 16] = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_COUNT3_WORD,
                                       `ATOLL_MOVE_COUNT3_LSB, `ATOLL_MOVE_COUNT3_WIDTH);

  // channel 0: source partition, 1: source address, 2: destination
  // partition, 3: destination address
  assign bases[0 +: 32]  = 32'(`ATOLL_FLD(cmd_i, `ATOLL_MOVE_SRC_PART_WORD,
                                          `ATOLL_MOVE_SRC_PART_LSB, `ATOLL_MOVE_SRC_PART_WIDTH));
  assign bases[32 +: 32] = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_SRC_ADDR_WORD,
                                      `ATOLL_MOVE_SRC_ADDR_LSB, `ATOLL_MOVE_SRC_ADDR_WIDTH);
  assign bases[64 +: 32] = 32'(`ATOLL_FLD(cmd_i, `ATOLL_MOVE_DST_PART_WORD,
                                          `ATOLL_MOVE_DST_PART_LSB, `ATOLL_MOVE_DST_PART_WIDTH));
  assign bases[96 +: 32] = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_DST_ADDR_WORD,
                                      `ATOLL_MOVE_DST_ADDR_LSB, `ATOLL_MOVE_DST_ADDR_WIDTH);

  assign strides[32*0 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_MOVE_SRC_PSTRIDE0_WORD,
                                                      `ATOLL_MOVE_SRC_PSTRIDE0_LSB, `ATOLL_MOVE_SRC_PSTRIDE0_WIDTH)));
  assign strides[32*1 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_MOVE_SRC_PSTRIDE1_WORD,
                                                      `ATOLL_MOVE_SRC_PSTRIDE1_LSB, `ATOLL_MOVE_SRC_PSTRIDE1_WIDTH)));
  assign strides[32*2 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_MOVE_SRC_PSTRIDE2_WORD,
                                                      `ATOLL_MOVE_SRC_PSTRIDE2_LSB, `ATOLL_MOVE_SRC_PSTRIDE2_WIDTH)));
  assign strides[32*3 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_MOVE_SRC_PSTRIDE3_WORD,
                                                      `ATOLL_MOVE_SRC_PSTRIDE3_LSB, `ATOLL_MOVE_SRC_PSTRIDE3_WIDTH)));
  assign strides[32*4 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_MOVE_SRC_STRIDE0_WORD,
                                                      `ATOLL_MOVE_SRC_STRIDE0_LSB, `ATOLL_MOVE_SRC_STRIDE0_WIDTH)));
  assign strides[32*5 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_MOVE_SRC_STRIDE1_WORD,
                                                      `ATOLL_MOVE_SRC_STRIDE1_LSB, `ATOLL_MOVE_SRC_STRIDE1_WIDTH)));
  assign strides[32*6 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_MOVE_SRC_STRIDE2_WORD,
                                                      `ATOLL_MOVE_SRC_STRIDE2_LSB, `ATOLL_MOVE_SRC_STRIDE2_WIDTH)));
  assign strides[32*7 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_MOVE_SRC_STRIDE3_WORD,
                                                      `ATOLL_MOVE_SRC_STRIDE3_LSB, `ATOLL_MOVE_SRC_STRIDE3_WIDTH)));
  assign strides[32*8 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_MOVE_DST_PSTRIDE0_WORD,
                                                      `ATOLL_MOVE_DST_PSTRIDE0_LSB, `ATOLL_MOVE_DST_PSTRIDE0_WIDTH)));
  assign strides[32*9 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_MOVE_DST_PSTRIDE1_WORD,
                                                      `ATOLL_MOVE_DST_PSTRIDE1_LSB, `ATOLL_MOVE_DST_PSTRIDE1_WIDTH)));
  assign strides[32*10 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_MOVE_DST_PSTRIDE2_WORD,
                                                       `ATOLL_MOVE_DST_PSTRIDE2_LSB, `ATOLL_MOVE_DST_PSTRIDE2_WIDTH)));
  assign strides[32*11 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_MOVE_DST_PSTRIDE3_WORD,
                                                       `ATOLL_MOVE_DST_PSTRIDE3_LSB, `ATOLL_MOVE_DST_PSTRIDE3_WIDTH)));
  assign strides[32*12 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_MOVE_DST_STRIDE0_WORD,
                                                       `ATOLL_MOVE_DST_STRIDE0_LSB, `ATOLL_MOVE_DST_STRIDE0_WIDTH)));
  assign strides[32*13 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_MOVE_DST_STRIDE1_WORD,
                                                       `ATOLL_MOVE_DST_STRIDE1_LSB, `ATOLL_MOVE_DST_STRIDE1_WIDTH)));
  assign strides[32*14 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_MOVE_DST_STRIDE2_WORD,
                                                       `ATOLL_MOVE_DST_STRIDE2_LSB, `ATOLL_MOVE_DST_STRIDE2_WIDTH)));
  assign strides[32*15 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_MOVE_DST_STRIDE3_WORD,
                                                       `ATOLL_MOVE_DST_STRIDE3_LSB, `ATOLL_MOVE_DST_STRIDE3_WIDTH)));

  // opcode and reserved bits were checked by the command processor
  logic unused_cmd;
  assign unused_cmd = ^cmd_i[0 +: 32];

  // chunked: dimension 0 contiguous in one partition on both sides
  assign wide = (BUS_BYTES > 1) &&
                strides[32*0 +: 32] == 32'd0 && strides[32*4 +: 32] == 32'd1 &&
                strides[32*8 +: 32] == 32'd0 && strides[32*12 +: 32] == 32'd1;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
      wide_q <= 1'b0;
    end else begin
      busy_q <= busy_d;
      if (accept) begin
        wide_q <= wide;
      end
    end
  end

  always_comb begin
    busy_d = busy_q;
    if (accept) begin
      busy_d = 1'b1;
    end else if (finished) begin
      busy_d = 1'b0;
    end
  end

  // --------------------------------------------------------- chunk stream
  logic            agu_valid, agu_step, agu_last;
  logic [4*32-1:0] agu_addr;
  logic [15:0]     agu_rem0;
  logic [NW-1:0]   e_len, e_room, room_src, room_dst;

  atoll_agu #(
    .NCH (4),
    .NW  (NW)
  ) u_agu (
    .clk_i    (clk_i),
    .rst_ni   (rst_ni),
    .start_i  (accept),
    .count_i  (counts),
    .base_i   (bases),
    .stride_i (strides),
    .step_i   (agu_step),
    .step_n_i (e_len),
    .rem0_o   (agu_rem0),
    .valid_o  (agu_valid),
    .last_o   (agu_last),
    .addr_o   (agu_addr)
  );

  // chunk length: 1, or (wide) up to the end of the row, of the source
  // word or of the destination word, whichever comes first
  assign room_src = NW'(BUS_BYTES) - NW'(agu_addr[32 +: LW]);
  assign room_dst = NW'(BUS_BYTES) - NW'(agu_addr[96 +: LW]);
  assign e_room   = (room_src < room_dst) ? room_src : room_dst;
  assign e_len    = !wide_q ? NW'(1) :
                    (agu_rem0 < 16'(e_room)) ? NW'(agu_rem0) : e_room;

  logic unused_agu;
  assign unused_agu = ^{agu_last,
                        agu_addr[0 + PW +: 32 - PW], agu_addr[32 + AW +: 32 - AW],
                        agu_addr[64 + PW +: 32 - PW], agu_addr[96 + AW +: 32 - AW]};

  // ------------------------------------------------ read, then queue
  logic            can_issue, fire;
  logic            s2_valid_q;
  logic [PW-1:0]   s2_part_q;
  logic [AW-1:0]   s2_addr_q;
  logic [NW-1:0]   s2_len_q;
  logic            wq_in_ready, wq_valid, wq_pop;
  logic [WQ_W-1:0] wq_out;
  logic [WQ_CW-1:0] wq_count;

  // a read issued now enters the queue next cycle, after at most one
  // more (the read before it): keep two places free
  assign can_issue   = agu_valid && (wq_count <= WQ_CW'(WQ_DEPTH - 2));
  assign spm_re_o    = can_issue;
  assign spm_rpart_o = agu_addr[0 +: PW];
  assign spm_raddr_o = agu_addr[32 +: AW];
  assign spm_rlen_o  = e_len;
  assign fire        = can_issue && spm_rgnt_i;
  assign agu_step    = fire;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s2_valid_q <= 1'b0;
    end else begin
      s2_valid_q <= fire;
    end
  end

  always_ff @(posedge clk_i) begin
    s2_part_q <= agu_addr[64 +: PW];
    s2_addr_q <= agu_addr[96 +: AW];
    s2_len_q  <= e_len;
  end

  atoll_fifo #(
    .WIDTH (WQ_W),
    .DEPTH (WQ_DEPTH)
  ) u_wq (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .clear_i     (1'b0),
    .in_valid_i  (s2_valid_q),
    .in_ready_o  (wq_in_ready),
    .in_data_i   ({s2_part_q, s2_addr_q, s2_len_q, spm_rdata_i}),
    .out_valid_o (wq_valid),
    .out_ready_i (wq_pop),
    .out_data_o  (wq_out),
    .count_o     (wq_count)
  );

  `ATOLL_ASSERT(move_wq_overflow, clk_i, rst_ni, !s2_valid_q || wq_in_ready)

  // the queue never refuses (can_issue keeps room): the assertion's input
  logic unused_wq;
  assign unused_wq = wq_in_ready;

  assign {spm_wpart_o, spm_waddr_o, spm_wlen_o, spm_wdata_o} = wq_out;
  assign spm_we_o = wq_valid;
  assign wq_pop   = wq_valid && spm_wgnt_i;

  assign finished     = busy_q && !agu_valid && !s2_valid_q && !wq_valid;
  assign cnt_spm_rd_o = fire ? e_len : NW'(0);
  assign cnt_spm_wr_o = wq_pop ? spm_wlen_o : NW'(0);
endmodule : atoll_move
