// PSUM buffer: COLS partitions of DEPTH int32 accumulators, one
// atoll_spm_bank each.
//
// Accumulate-on-write port (from the array, all partitions at one
// address): acc_valid_i writes acc_data_i[32*c +: 32] to partition c for
// every c with acc_mask_i[c]; with acc_add_i the old value is added
// (int32, wrapping).  It is a two-stage read-modify-write pipeline with
// forwarding, so back-to-back updates of one address are exact.  The
// write lands the cycle after acc_valid_i; acc_pending_o is set meanwhile.
//
// Read port (ACT engine): any set of partitions (rd_req_i one bit per
// partition) at one address, granted as a whole unless the accumulate
// port needs the read ports; data valid the cycle after a grant.
`include "atoll_config.vh"

module atoll_psum #(
  parameter int COLS  = `ATOLL_CFG_COLS,
  parameter int DEPTH = `ATOLL_CFG_PSUM_DEPTH,
  localparam int AW   = $clog2(DEPTH)
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  // accumulate-on-write port
  input  logic               acc_valid_i,
  input  logic [COLS-1:0]    acc_mask_i,
  input  logic [AW-1:0]      acc_addr_i,
  input  logic               acc_add_i,
  input  logic [COLS*32-1:0] acc_data_i,
  output logic               acc_pending_o,
  // read port
  input  logic [COLS-1:0]    rd_req_i,
  input  logic [AW-1:0]      rd_addr_i,
  output logic               rd_gnt_o,
  output logic [COLS*32-1:0] rd_data_o
);
  // stage B: the update whose old value is being read this cycle
  logic               b_valid_q;
  logic [COLS-1:0]    b_mask_q;
  logic [AW-1:0]      b_addr_q;
  logic               b_add_q;
  logic [COLS*32-1:0] b_data_q;
  // the update written in the previous cycle, for forwarding
  logic               f_valid_q;
  logic [COLS-1:0]    f_mask_q;
  logic [AW-1:0]      f_addr_q;
  logic [COLS*32-1:0] f_data_q;

  logic [COLS*32-1:0] rdata, newval;
  logic               fwd;

  assign rd_gnt_o      = (|rd_req_i) && !(acc_valid_i && acc_add_i);
  assign acc_pending_o = b_valid_q;
  assign rd_data_o     = rdata;
  assign fwd           = f_valid_q && (f_addr_q == b_addr_q);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      b_valid_q <= 1'b0;
      f_valid_q <= 1'b0;
    end else begin
      b_valid_q <= acc_valid_i;
      f_valid_q <= b_valid_q;
    end
  end

  always_ff @(posedge clk_i) begin
    b_mask_q <= acc_mask_i;
    b_addr_q <= acc_addr_i;
    b_add_q  <= acc_add_i;
    b_data_q <= acc_data_i;
    f_mask_q <= b_mask_q;
    f_addr_q <= b_addr_q;
    f_data_q <= newval;
  end

  genvar c;
  generate
    for (c = 0; c < COLS; c = c + 1) begin : gen_part
      logic          re, we;
      logic [AW-1:0] raddr;
      logic [31:0]   old;

      always_comb begin
        re    = 1'b0;
        raddr = acc_addr_i;
        if (acc_valid_i && acc_add_i && acc_mask_i[c]) begin
          re = 1'b1;
        end else if (rd_gnt_o && rd_req_i[c]) begin
          re    = 1'b1;
          raddr = rd_addr_i;
        end
      end

      assign old = (fwd && f_mask_q[c]) ? f_data_q[32*c +: 32] : rdata[32*c +: 32];
      assign newval[32*c +: 32] = b_add_q ? old + b_data_q[32*c +: 32]
                                          : b_data_q[32*c +: 32];
      assign we = b_valid_q && b_mask_q[c];

      atoll_spm_bank #(
        .DATA_W (32),
        .DEPTH  (DEPTH)
      ) u_bank (
        .clk_i   (clk_i),
        .re_i    (re),
        .raddr_i (raddr),
        .rdata_o (rdata[32*c +: 32]),
        .we_i    (we),
        .waddr_i (b_addr_q),
        .wdata_i (newval[32*c +: 32])
      );
    end
  endgenerate
endmodule : atoll_psum
