// DMA engine, one per direction (DIR 0: DMA_IN, DRAM -> SPM; DIR 1:
// DMA_OUT, SPM -> DRAM).  Executes one DMA command at a time: the 4-D
// element loop of docs/isa.md, one byte per element, elements in order.
//
// Chunks: the engine moves one chunk per cycle.  A chunk is one element,
// except when dimension 0 is contiguous in DRAM (DRAM_STRIDE0 = 1,
// BUS_BYTES > 1) and either contiguous in one partition (PART_STRIDE0 =
// 0, SPM_STRIDE0 = 1: "lanes") or across partitions at one address
// (PART_STRIDE0 = 1, SPM_STRIDE0 = 0): then it is the run of
// dimension-0 elements from the current one up to the end of the row or
// of the DRAM bus word, whichever comes first, up to BUS_BYTES bytes of
// one DRAM word moved in one SPM access (atoll_spm).  The side a fill
// does not access imposes nothing: a DMA_IN fill needs only the SPM
// condition and its chunks end at the row or after BUS_BYTES bytes, a
// DMA_OUT fill needs only DRAM_STRIDE0 = 1.
//
// DRAM side: single-beat AXI transactions on aligned BUS_BYTES words.
// Consecutive elements that fall into the same DRAM word share one read
// (DMA_IN) or are merged into one strobed write (DMA_OUT; a later element
// overwrites an earlier one in the merge buffer, which equals the
// sequential result).  Reads are pipelined up to OUTSTANDING elements
// deep; the command completes when its last SPM write landed (DMA_IN) or
// its last DRAM write was acknowledged (DMA_OUT).
//
// Range/window checks are done by the command processor before dispatch
// (atoll_cmd_check); addresses here are computed modulo 2^32.
`include "atoll_config.vh"
`include "atoll_isa.vh"
`include "atoll_defs.vh"

module atoll_dma #(
  parameter int DIR         = 0,
  parameter int ROWS        = `ATOLL_CFG_ROWS,
  parameter int SPM_BYTES   = `ATOLL_CFG_SPM_BYTES,
  parameter int BUS_BYTES   = `ATOLL_CFG_DRAM_BUS_BYTES,
  parameter int OUTSTANDING = 16,
  localparam int CMD_W      = 14 * 32,
  localparam int AW         = $clog2(SPM_BYTES),
  localparam int PW         = (ROWS > 1) ? $clog2(ROWS) : 1,
  localparam int LW         = (BUS_BYTES > 1) ? $clog2(BUS_BYTES) : 1,
  localparam int NW         = LW + 1,
  localparam int DW         = BUS_BYTES * 8
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  // command
  input  logic                 cmd_valid_i,
  output logic                 cmd_ready_o,
  input  logic [CMD_W-1:0]     cmd_i,
  output logic                 idle_o,
  // AXI read address / data (DIR 0); r_valid_i only for this engine's ID
  output logic                 ar_valid_o,
  input  logic                 ar_ready_i,
  output logic [31:0]          ar_addr_o,
  input  logic                 r_valid_i,
  output logic                 r_ready_o,
  input  logic [DW-1:0]        r_data_i,
  // AXI write address / data / response (DIR 1)
  output logic                 aw_valid_o,
  input  logic                 aw_ready_i,
  output logic [31:0]          aw_addr_o,
  output logic                 w_valid_o,
  input  logic                 w_ready_i,
  output logic [DW-1:0]        w_data_o,
  output logic [BUS_BYTES-1:0] w_strb_o,
  input  logic                 b_valid_i,
  output logic                 b_ready_o,
  // SPM read port (DIR 1)
  output logic                 spm_re_o,
  output logic [PW-1:0]        spm_rpart_o,
  output logic [AW-1:0]        spm_raddr_o,
  output logic [NW-1:0]        spm_rlen_o,
  output logic                 spm_rlanes_o,
  input  logic                 spm_rgnt_i,
  input  logic [DW-1:0]        spm_rdata_i,
  // SPM write port (DIR 0)
  output logic                 spm_we_o,
  output logic [PW-1:0]        spm_wpart_o,
  output logic [AW-1:0]        spm_waddr_o,
  output logic [NW-1:0]        spm_wlen_o,
  output logic                 spm_wlanes_o,
  output logic [DW-1:0]        spm_wdata_o,
  input  logic                 spm_wgnt_i,
  // counter events this cycle (bytes for DRAM and SPM)
  output logic                 cnt_cmd_o,
  output logic [NW-1:0]        cnt_dram_o,
  output logic [NW-1:0]        cnt_spm_o
);
  // ---------------------------------------------------------------- command
  logic        busy_d, busy_q;
  logic        fill_q, wide_q, lanes_q, nodram_q, fill_en;
  logic        dram_ok, spm_lanes, spm_parts, wide;
  logic [7:0]  fill_val_q;
  logic        accept, finished;

  logic [4*16-1:0] counts;
  logic [3*32-1:0] bases;
  logic [3*128-1:0] strides;

  assign cmd_ready_o = !busy_q;
  assign idle_o      = !busy_q;
  assign accept      = cmd_valid_i && !busy_q;
  assign cnt_cmd_o   = accept;

  assign counts[0 +: 16]  = `ATOLL_FLD(cmd_i, `ATOLL_DMA_COUNT0_WORD,
                                       `ATOLL_DMA_COUNT0_LSB, `ATOLL_DMA_COUNT0_WIDTH);
  assign counts[16 +: 16] = `ATOLL_FLD(cmd_i, `ATOLL_DMA_COUNT1_WORD,
                                       `ATOLL_DMA_COUNT1_LSB, `ATOLL_DMA_COUNT1_WIDTH);
  assign counts[32 +: 16] = `ATOLL_FLD(cmd_i, `ATOLL_DMA_COUNT2_WORD,
                                       `ATOLL_DMA_COUNT2_LSB, `ATOLL_DMA_COUNT2_WIDTH);
  assign counts[48 +: 16] = `ATOLL_FLD(cmd_i, `ATOLL_DMA_COUNT3_WORD,
                                       `ATOLL_DMA_COUNT3_LSB, `ATOLL_DMA_COUNT3_WIDTH);

  // channel 0: DRAM byte address, 1: SPM partition, 2: SPM byte address
  assign bases[0 +: 32]  = `ATOLL_FLD(cmd_i, `ATOLL_DMA_DRAM_BASE_WORD,
                                      `ATOLL_DMA_DRAM_BASE_LSB, `ATOLL_DMA_DRAM_BASE_WIDTH);
  assign bases[32 +: 32] = 32'(`ATOLL_FLD(cmd_i, `ATOLL_DMA_SPM_PART_WORD,
                                          `ATOLL_DMA_SPM_PART_LSB, `ATOLL_DMA_SPM_PART_WIDTH));
  assign bases[64 +: 32] = `ATOLL_FLD(cmd_i, `ATOLL_DMA_SPM_ADDR_WORD,
                                      `ATOLL_DMA_SPM_ADDR_LSB, `ATOLL_DMA_SPM_ADDR_WIDTH);

  assign strides[32*0 +: 32] = `ATOLL_FLD(cmd_i, `ATOLL_DMA_DRAM_STRIDE0_WORD,
                                          `ATOLL_DMA_DRAM_STRIDE0_LSB,
                                          `ATOLL_DMA_DRAM_STRIDE0_WIDTH);
  assign strides[32*1 +: 32] = `ATOLL_FLD(cmd_i, `ATOLL_DMA_DRAM_STRIDE1_WORD,
                                          `ATOLL_DMA_DRAM_STRIDE1_LSB,
                                          `ATOLL_DMA_DRAM_STRIDE1_WIDTH);
  assign strides[32*2 +: 32] = `ATOLL_FLD(cmd_i, `ATOLL_DMA_DRAM_STRIDE2_WORD,
                                          `ATOLL_DMA_DRAM_STRIDE2_LSB,
                                          `ATOLL_DMA_DRAM_STRIDE2_WIDTH);
  assign strides[32*3 +: 32] = `ATOLL_FLD(cmd_i, `ATOLL_DMA_DRAM_STRIDE3_WORD,
                                          `ATOLL_DMA_DRAM_STRIDE3_LSB,
                                          `ATOLL_DMA_DRAM_STRIDE3_WIDTH);
  assign strides[32*4 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_DMA_PART_STRIDE0_WORD,
                                                      `ATOLL_DMA_PART_STRIDE0_LSB,
                                                      `ATOLL_DMA_PART_STRIDE0_WIDTH)));
  assign strides[32*5 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_DMA_PART_STRIDE1_WORD,
                                                      `ATOLL_DMA_PART_STRIDE1_LSB,
                                                      `ATOLL_DMA_PART_STRIDE1_WIDTH)));
  assign strides[32*6 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_DMA_PART_STRIDE2_WORD,
                                                      `ATOLL_DMA_PART_STRIDE2_LSB,
                                                      `ATOLL_DMA_PART_STRIDE2_WIDTH)));
  assign strides[32*7 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_DMA_PART_STRIDE3_WORD,
                                                      `ATOLL_DMA_PART_STRIDE3_LSB,
                                                      `ATOLL_DMA_PART_STRIDE3_WIDTH)));
  assign strides[32*8 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_DMA_SPM_STRIDE0_WORD,
                                                      `ATOLL_DMA_SPM_STRIDE0_LSB,
                                                      `ATOLL_DMA_SPM_STRIDE0_WIDTH)));
  assign strides[32*9 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_DMA_SPM_STRIDE1_WORD,
                                                      `ATOLL_DMA_SPM_STRIDE1_LSB,
                                                      `ATOLL_DMA_SPM_STRIDE1_WIDTH)));
  assign strides[32*10 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_DMA_SPM_STRIDE2_WORD,
                                                       `ATOLL_DMA_SPM_STRIDE2_LSB,
                                                       `ATOLL_DMA_SPM_STRIDE2_WIDTH)));
  assign strides[32*11 +: 32] = 32'($signed(`ATOLL_FLD(cmd_i, `ATOLL_DMA_SPM_STRIDE3_WORD,
                                                       `ATOLL_DMA_SPM_STRIDE3_LSB,
                                                       `ATOLL_DMA_SPM_STRIDE3_WIDTH)));

  // opcode, reserved bits and the SEM format are the sequencer's business
  logic unused_cmd;
  assign unused_cmd = ^{cmd_i[0 +: 8], cmd_i[9 +: 7], cmd_i[24 +: 8],
                        cmd_i[3*32 + 16 +: 16]};

  // DMA_IN fill: DRAM not read; DMA_OUT fill: SPM not read
  assign fill_en   = 1'(`ATOLL_FLD(cmd_i, `ATOLL_DMA_FILL_EN_WORD,
                                   `ATOLL_DMA_FILL_EN_LSB, `ATOLL_DMA_FILL_EN_WIDTH));
  assign dram_ok   = (fill_en && DIR == 0) || strides[32*0 +: 32] == 32'd1;
  assign spm_lanes = strides[32*4 +: 32] == 32'd0 && strides[32*8 +: 32] == 32'd1;
  assign spm_parts = strides[32*4 +: 32] == 32'd1 && strides[32*8 +: 32] == 32'd0;
  assign wide      = (BUS_BYTES > 1) && dram_ok &&
                     ((fill_en && DIR == 1) || spm_lanes || spm_parts);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q     <= 1'b0;
      fill_q     <= 1'b0;
      wide_q     <= 1'b0;
      lanes_q    <= 1'b0;
      nodram_q   <= 1'b0;
      fill_val_q <= 8'd0;
    end else begin
      busy_q <= busy_d;
      if (accept) begin
        wide_q     <= wide;
        lanes_q    <= spm_lanes;
        nodram_q   <= fill_en && DIR == 0;
        fill_q     <= fill_en;
        fill_val_q <= `ATOLL_FLD(cmd_i, `ATOLL_DMA_FILL_VALUE_WORD,
                                 `ATOLL_DMA_FILL_VALUE_LSB, `ATOLL_DMA_FILL_VALUE_WIDTH);
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

  // ------------------------------------------------------- element stream
  logic            agu_valid, agu_step, agu_last;
  logic [3*32-1:0] agu_addr;
  logic [31:0]     e_dram;
  logic [PW-1:0]   e_part;
  logic [AW-1:0]   e_addr;
  logic [15:0]     agu_rem0;
  logic [NW-1:0]   e_len, e_room;

  atoll_agu #(
    .NCH (3),
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

  assign e_dram = agu_addr[0 +: 32];
  assign e_part = agu_addr[32 +: PW];
  assign e_addr = agu_addr[64 +: AW];

  // chunk length: 1, or (wide) up to the end of the row or the bus word
  assign e_room = nodram_q ? NW'(BUS_BYTES) :
                  NW'(BUS_BYTES) - NW'(e_dram[LW-1:0]);
  assign e_len  = !wide_q ? NW'(1) :
                  (agu_rem0 < 16'(e_room)) ? NW'(agu_rem0) : e_room;

  logic unused_agu;
  assign unused_agu = ^{agu_last, agu_addr[32 + PW +: 32 - PW], agu_addr[64 + AW +: 32 - AW]};

  generate
    if (DIR == 0) begin : gen_in
      // ---------------------------------------------------- DRAM -> SPM
      localparam int DESC_W = 1 + LW + NW + PW + AW;
      logic              first_q;
      logic [31-LW:0]    last_word_q;
      logic [DW-1:0]     word_buf_q;
      logic [31-LW:0]    word;
      logic              new_word;
      logic              d_in_ready, d_push, d_valid, d_pop;
      logic [DESC_W-1:0] d_in, d_out;
      logic              h_new;
      logic [LW-1:0]     h_lane;
      logic [NW-1:0]     h_len;
      logic [PW-1:0]     h_part;
      logic [AW-1:0]     h_addr;
      logic [DW-1:0]     src;
      logic [$clog2(OUTSTANDING + 1)-1:0] d_count;
      logic              unused_d_count;

      assign unused_d_count = ^d_count;

      assign word     = e_dram[31:LW];
      assign new_word = !fill_q && (first_q || word != last_word_q);
      assign ar_valid_o = agu_valid && new_word && d_in_ready;
      assign ar_addr_o  = {word, {LW{1'b0}}};
      assign d_push   = agu_valid && d_in_ready && (!new_word || ar_ready_i);
      assign agu_step = d_push;
      assign d_in     = {new_word, e_dram[LW-1:0], e_len, e_part, e_addr};

      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          first_q     <= 1'b1;
          last_word_q <= '0;
        end else if (accept) begin
          first_q <= 1'b1;
        end else if (d_push) begin
          first_q     <= 1'b0;
          last_word_q <= word;
        end
      end

      atoll_fifo #(
        .WIDTH (DESC_W),
        .DEPTH (OUTSTANDING)
      ) u_desc (
        .clk_i       (clk_i),
        .rst_ni      (rst_ni),
        .clear_i     (1'b0),
        .in_valid_i  (d_push),
        .in_ready_o  (d_in_ready),
        .in_data_i   (d_in),
        .out_valid_o (d_valid),
        .out_ready_i (d_pop),
        .out_data_o  (d_out),
        .count_o     (d_count)
      );

      assign {h_new, h_lane, h_len, h_part, h_addr} = d_out;

      always_comb begin
        if (h_new) begin
          src = r_data_i;
        end else begin
          src = word_buf_q;
        end
      end

      assign spm_we_o    = d_valid && (!h_new || r_valid_i);
      assign spm_wpart_o = h_part;
      assign spm_waddr_o = h_addr;
      assign spm_wlen_o  = h_len;
      assign spm_wlanes_o = lanes_q;
      assign spm_wdata_o = fill_q ? {BUS_BYTES{fill_val_q}} : src >> (8 * h_lane);
      assign d_pop       = spm_we_o && spm_wgnt_i;
      assign r_ready_o   = d_pop && h_new;

      always_ff @(posedge clk_i) begin
        if (r_ready_o) begin
          word_buf_q <= r_data_i;
        end
      end

      `ATOLL_ASSERT(dma_rdata_unexpected, clk_i, rst_ni, !r_valid_i || d_valid)

      assign finished   = busy_q && !agu_valid && !d_valid;
      assign cnt_dram_o = (d_pop && !fill_q) ? h_len : NW'(0);
      assign cnt_spm_o  = d_pop ? h_len : NW'(0);

      assign aw_valid_o  = 1'b0;
      assign aw_addr_o   = 32'd0;
      assign w_valid_o   = 1'b0;
      assign w_data_o    = '0;
      assign w_strb_o    = '0;
      assign b_ready_o   = 1'b1;
      assign spm_re_o    = 1'b0;
      assign spm_rpart_o = '0;
      assign spm_raddr_o = '0;
      assign spm_rlen_o  = '0;
      assign spm_rlanes_o = 1'b0;

      logic unused_in;
      assign unused_in = ^{aw_ready_i, w_ready_i, b_valid_i, spm_rgnt_i,
                           spm_rdata_i};
    end else begin : gen_out
      // ---------------------------------------------------- SPM -> DRAM
      localparam int WF_W     = (32 - LW) + DW + BUS_BYTES;
      localparam int WF_DEPTH = 4;
      localparam int WF_CW    = $clog2(WF_DEPTH + 1);
      localparam int SW       = BUS_BYTES + 1;
      logic                 can_issue, fire;
      logic                 s2_valid_q;
      logic [31-LW:0]       s2_word_q;
      logic [LW-1:0]        s2_lane_q;
      logic [NW-1:0]        s2_len_q;
      logic [DW-1:0]        s2_data, s2_shift;
      logic [BUS_BYTES-1:0] s2_mask;
      logic                 buf_valid_d, buf_valid_q;
      logic [31-LW:0]       buf_word_d, buf_word_q;
      logic [DW-1:0]        buf_data_d, buf_data_q;
      logic [BUS_BYTES-1:0] buf_strb_d, buf_strb_q;
      logic                 wf_push, wf_in_ready, wf_valid, wf_pop;
      logic [WF_W-1:0]      wf_in, wf_out;
      logic [WF_CW-1:0]     wf_count;
      logic [31-LW:0]       h_word;
      logic                 aw_done_q, w_done_q, aw_fire, w_fire;
      logic [7:0]           outst_q;

      assign can_issue   = agu_valid && (wf_count <= WF_CW'(WF_DEPTH - 2));
      assign spm_re_o    = can_issue && !fill_q;
      assign spm_rpart_o = e_part;
      assign spm_raddr_o = e_addr;
      assign spm_rlen_o  = e_len;
      assign spm_rlanes_o = lanes_q;
      assign fire        = can_issue && (fill_q || spm_rgnt_i);
      assign agu_step    = fire;
      assign s2_data     = fill_q ? {BUS_BYTES{fill_val_q}} : spm_rdata_i;
      assign s2_shift    = s2_data << (8 * s2_lane_q);
      assign s2_mask     = BUS_BYTES'((SW'(1) << s2_len_q) - SW'(1)) << s2_lane_q;

      always_comb begin
        buf_valid_d = buf_valid_q;
        buf_word_d  = buf_word_q;
        buf_data_d  = buf_data_q;
        buf_strb_d  = buf_strb_q;
        wf_push     = 1'b0;
        wf_in       = {buf_word_q, buf_data_q, buf_strb_q};
        if (s2_valid_q) begin
          if (buf_valid_q && buf_word_q != s2_word_q) begin
            wf_push    = 1'b1;
            buf_strb_d = '0;
          end else if (!buf_valid_q) begin
            buf_strb_d = '0;
          end
          buf_valid_d = 1'b1;
          buf_word_d  = s2_word_q;
          for (int i = 0; i < BUS_BYTES; i++) begin
            if (s2_mask[i]) begin
              buf_data_d[8*i +: 8] = s2_shift[8*i +: 8];
            end
          end
          buf_strb_d = buf_strb_d | s2_mask;
        end else if (busy_q && !agu_valid && buf_valid_q && wf_in_ready) begin
          wf_push     = 1'b1;
          buf_valid_d = 1'b0;
        end
      end

      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          s2_valid_q  <= 1'b0;
          buf_valid_q <= 1'b0;
        end else begin
          s2_valid_q  <= fire;
          buf_valid_q <= buf_valid_d;
        end
      end

      always_ff @(posedge clk_i) begin
        s2_word_q  <= e_dram[31:LW];
        s2_lane_q  <= e_dram[LW-1:0];
        s2_len_q   <= e_len;
        buf_word_q <= buf_word_d;
        buf_data_q <= buf_data_d;
        buf_strb_q <= buf_strb_d;
      end

      atoll_fifo #(
        .WIDTH (WF_W),
        .DEPTH (WF_DEPTH)
      ) u_wfifo (
        .clk_i       (clk_i),
        .rst_ni      (rst_ni),
        .clear_i     (1'b0),
        .in_valid_i  (wf_push),
        .in_ready_o  (wf_in_ready),
        .in_data_i   (wf_in),
        .out_valid_o (wf_valid),
        .out_ready_i (wf_pop),
        .out_data_o  (wf_out),
        .count_o     (wf_count)
      );

      assign {h_word, w_data_o, w_strb_o} = wf_out;
      assign aw_addr_o  = {h_word, {LW{1'b0}}};
      assign aw_valid_o = wf_valid && !aw_done_q && (outst_q != 8'hff);
      assign w_valid_o  = wf_valid && !w_done_q;
      assign aw_fire    = aw_valid_o && aw_ready_i;
      assign w_fire     = w_valid_o && w_ready_i;
      assign wf_pop     = wf_valid && (aw_done_q || aw_fire) &&
                          (w_done_q || w_fire);
      assign b_ready_o  = 1'b1;

      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          aw_done_q <= 1'b0;
          w_done_q  <= 1'b0;
          outst_q   <= 8'd0;
        end else begin
          aw_done_q <= !wf_pop && (aw_done_q || aw_fire);
          w_done_q  <= !wf_pop && (w_done_q || w_fire);
          outst_q   <= outst_q + {7'd0, aw_fire} - {7'd0, b_valid_i};
        end
      end

      `ATOLL_ASSERT(dma_wfifo_overflow, clk_i, rst_ni, !wf_push || wf_in_ready)

      assign finished = busy_q && !agu_valid && !s2_valid_q && !buf_valid_q &&
                        !wf_valid && (outst_q == 8'd0);
      assign cnt_dram_o = fire ? e_len : NW'(0);
      assign cnt_spm_o  = (fire && !fill_q) ? e_len : NW'(0);

      assign ar_valid_o  = 1'b0;
      assign ar_addr_o   = 32'd0;
      assign r_ready_o   = 1'b0;
      assign spm_we_o    = 1'b0;
      assign spm_wpart_o = '0;
      assign spm_waddr_o = '0;
      assign spm_wlen_o  = '0;
      assign spm_wlanes_o = 1'b0;
      assign spm_wdata_o = '0;

      logic unused_out;
      assign unused_out = ^{ar_ready_i, r_valid_i, r_data_i, spm_wgnt_i};
    end
  endgenerate
endmodule : atoll_dma
