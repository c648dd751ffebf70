// Control and status registers (AXI4-lite slave, 32-bit, 12-bit
// addresses; map in firmware/isa.def): MAGIC, CFG_ID, CTRL (bit 0 starts
// a run), STATUS (bit 0 busy, 1 done, 2 error), ERROR, CMD_BASE,
// CMD_COUNT, WIN_LO, WIN_HI, and the 64-bit performance counters at
// COUNTERS + 8*i (low word) and + 4 (high word).  Starting a run clears
// the counters.  Writes ignore WSTRB (registers are written whole);
// unmapped addresses read 0 and ignore writes; responses are OKAY.
`include "atoll_config.vh"
`include "atoll_isa.vh"

module atoll_csr #(
  parameter logic [31:0] CFG_ID = `ATOLL_CFG_ID,
  localparam int NCNT           = `ATOLL_CNT_COUNT
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  // AXI4-lite slave
  input  logic             s_awvalid_i,
  output logic             s_awready_o,
  input  logic [11:0]      s_awaddr_i,
  input  logic             s_wvalid_i,
  output logic             s_wready_o,
  input  logic [31:0]      s_wdata_i,
  input  logic [3:0]       s_wstrb_i,
  output logic             s_bvalid_o,
  input  logic             s_bready_i,
  output logic [1:0]       s_bresp_o,
  input  logic             s_arvalid_i,
  output logic             s_arready_o,
  input  logic [11:0]      s_araddr_i,
  output logic             s_rvalid_o,
  input  logic             s_rready_i,
  output logic [31:0]      s_rdata_o,
  output logic [1:0]       s_rresp_o,
  // to / from the command processor
  output logic             start_o,
  output logic [31:0]      cmd_base_o,
  output logic [31:0]      cmd_count_o,
  output logic [31:0]      win_lo_o,
  output logic [31:0]      win_hi_o,
  input  logic             running_i,
  input  logic             done_i,
  input  logic             error_i,
  input  logic [31:0]      error_word_i,
  // counter increments this cycle (counter i at [32*i +: 32])
  input  logic [NCNT*32-1:0] cnt_inc_i
);
  logic        aw_have_q, w_have_q, bvalid_q, rvalid_q;
  logic [11:0] aw_addr_q;
  logic [31:0] w_data_q, rdata_q, rdata_d;
  logic [31:0] cmd_base_q, cmd_count_q, win_lo_q, win_hi_q;
  logic        do_write;
  logic [NCNT*64-1:0] cnt_q;      // counter i at [64*i +: 64]

  assign s_awready_o = !aw_have_q;
  assign s_wready_o  = !w_have_q;
  assign s_bvalid_o  = bvalid_q;
  assign s_bresp_o   = 2'b00;
  assign s_arready_o = !rvalid_q;
  assign s_rvalid_o  = rvalid_q;
  assign s_rdata_o   = rdata_q;
  assign s_rresp_o   = 2'b00;
  assign do_write    = aw_have_q && w_have_q && !bvalid_q;
  assign start_o     = do_write && (aw_addr_q == `ATOLL_CSR_CTRL) &&
                       w_data_q[0] && !running_i;

  assign cmd_base_o  = cmd_base_q;
  assign cmd_count_o = cmd_count_q;
  assign win_lo_o    = win_lo_q;
  assign win_hi_o    = win_hi_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      aw_have_q   <= 1'b0;
      w_have_q    <= 1'b0;
      bvalid_q    <= 1'b0;
      rvalid_q    <= 1'b0;
      aw_addr_q   <= 12'd0;
      w_data_q    <= 32'd0;
      rdata_q     <= 32'd0;
      cmd_base_q  <= 32'd0;
      cmd_count_q <= 32'd0;
      win_lo_q    <= 32'd0;
      win_hi_q    <= 32'd0;
    end else begin
      if (s_awvalid_i && s_awready_o) begin
        aw_have_q <= 1'b1;
        aw_addr_q <= s_awaddr_i;
      end
      if (s_wvalid_i && s_wready_o) begin
        w_have_q <= 1'b1;
        w_data_q <= s_wdata_i;
      end
      if (do_write) begin
        aw_have_q <= 1'b0;
        w_have_q  <= 1'b0;
        bvalid_q  <= 1'b1;
        case (aw_addr_q)
          `ATOLL_CSR_CMD_BASE:  cmd_base_q  <= w_data_q;
          `ATOLL_CSR_CMD_COUNT: cmd_count_q <= w_data_q;
          `ATOLL_CSR_WIN_LO:    win_lo_q    <= w_data_q;
          `ATOLL_CSR_WIN_HI:    win_hi_q    <= w_data_q;
          default:              ;
        endcase
      end else if (bvalid_q && s_bready_i) begin
        bvalid_q <= 1'b0;
      end
      if (s_arvalid_i && s_arready_o) begin
        rvalid_q <= 1'b1;
        rdata_q  <= rdata_d;
      end else if (rvalid_q && s_rready_i) begin
        rvalid_q <= 1'b0;
      end
    end
  end

  // read mux
  logic [11:0] cnt_off;
  logic [8:0]  cnt_idx;
  assign cnt_off = s_araddr_i - `ATOLL_CSR_COUNTERS;
  assign cnt_idx = cnt_off[11:3];

  always_comb begin
    rdata_d = 32'd0;
    case (s_araddr_i)
      `ATOLL_CSR_MAGIC:     rdata_d = 32'h41544f4c;
      `ATOLL_CSR_CFG_ID:    rdata_d = CFG_ID;
      `ATOLL_CSR_STATUS:    rdata_d = {29'd0, error_i, done_i, running_i};
      `ATOLL_CSR_ERROR:     rdata_d = error_word_i;
      `ATOLL_CSR_CMD_BASE:  rdata_d = cmd_base_q;
      `ATOLL_CSR_CMD_COUNT: rdata_d = cmd_count_q;
      `ATOLL_CSR_WIN_LO:    rdata_d = win_lo_q;
      `ATOLL_CSR_WIN_HI:    rdata_d = win_hi_q;
      default: begin
        if (s_araddr_i >= `ATOLL_CSR_COUNTERS &&
            32'(cnt_idx) < NCNT && cnt_off[1:0] == 2'd0) begin
          for (int i = 0; i < NCNT; i++) begin
            if (cnt_idx == 9'(i)) begin
              rdata_d = cnt_off[2] ? cnt_q[64*i + 32 +: 32] : cnt_q[64*i +: 32];
            end
          end
        end
      end
    endcase
  end

  // performance counters
  genvar g;
  generate
    for (g = 0; g < NCNT; g = g + 1) begin : gen_cnt
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          cnt_q[64*g +: 64] <= 64'd0;
        end else if (start_o) begin
          cnt_q[64*g +: 64] <= 64'd0;
        end else begin
          cnt_q[64*g +: 64] <= cnt_q[64*g +: 64] + {32'd0, cnt_inc_i[32*g +: 32]};
        end
      end
    end
  endgenerate

  logic unused_wstrb;
  assign unused_wstrb = ^s_wstrb_i;
endmodule : atoll_csr
