// One memory bank: DEPTH words of DATA_W bits, one synchronous read port
// and one write port (simple dual port, inferable as block RAM on iCE40
// and Xilinx).  A read returns the old contents when it hits the address
// written in the same cycle.  Used for every SPM partition (8-bit words)
// and every PSUM partition (32-bit words).  No reset: contents survive a
// run (docs/isa.md: memories keep their contents).
module atoll_spm_bank #(
  parameter int DATA_W = 8,
  parameter int DEPTH  = 65536,
  localparam int AW    = (DEPTH > 1) ? $clog2(DEPTH) : 1
) (
  input  logic              clk_i,
  // read port: data valid the cycle after re_i
  input  logic              re_i,
  input  logic [AW-1:0]     raddr_i,
  output logic [DATA_W-1:0] rdata_o,
  // write port
  input  logic              we_i,
  input  logic [AW-1:0]     waddr_i,
  input  logic [DATA_W-1:0] wdata_i
);
  logic [DATA_W-1:0] mem_q [0:DEPTH-1];
  logic [DATA_W-1:0] rdata_q;

  always_ff @(posedge clk_i) begin
    if (we_i) begin
      mem_q[waddr_i] <= wdata_i;
    end
  end

  always_ff @(posedge clk_i) begin
    if (re_i) begin
      rdata_q <= mem_q[raddr_i];
    end
  end

  assign rdata_o = rdata_q;
endmodule : atoll_spm_bank
