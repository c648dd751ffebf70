// Scratchpad (state buffer): ROWS partitions of BYTES bytes, one
// atoll_spm_bank each, with a fixed-priority arbiter per bank.
//
// Read ports (data valid the cycle after a grant):
//   PE    all partitions at once (pe_re_i one bit per partition, one
//         address), highest priority, never refused;
//   ACT   any set of partitions at one address (act_re_i one bit per
//         partition), granted as a whole when the PE reads none of them;
//   DMA-out one partition, refused while the ACT requests it.
// Write ports: ACT (any set of partitions at one address, one data byte
// per partition, never refused), then DMA-in (one partition).
// Requesters hold a request until it is granted; a granted request is
// performed in that cycle.  Programs are race-free (docs/isa.md), so the
// arbitration order changes timing only, never results.
`include "atoll_config.vh"

module atoll_spm #(
  parameter int ROWS  = `ATOLL_CFG_ROWS,
  parameter int BYTES = `ATOLL_CFG_SPM_BYTES,
  localparam int AW   = $clog2(BYTES),
  localparam int PW   = (ROWS > 1) ? $clog2(ROWS) : 1
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  // PE read port
  input  logic [ROWS-1:0]   pe_re_i,
  input  logic [AW-1:0]     pe_raddr_i,
  output logic [ROWS*8-1:0] pe_rdata_o,
  // ACT read port
  input  logic [ROWS-1:0]   act_re_i,
  input  logic [AW-1:0]     act_raddr_i,
  output logic              act_rgnt_o,
  output logic [ROWS*8-1:0] act_rdata_o,
  // DMA-out read port
  input  logic              dma_re_i,
  input  logic [PW-1:0]     dma_rpart_i,
  input  logic [AW-1:0]     dma_raddr_i,
  output logic              dma_rgnt_o,
  output logic [7:0]        dma_rdata_o,
  // ACT write port
  input  logic [ROWS-1:0]   act_we_i,
  input  logic [AW-1:0]     act_waddr_i,
  input  logic [ROWS*8-1:0] act_wdata_i,
  output logic              act_wgnt_o,
  // DMA-in write port
  input  logic              dma_we_i,
  input  logic [PW-1:0]     dma_wpart_i,
  input  logic [AW-1:0]     dma_waddr_i,
  input  logic [7:0]        dma_wdata_i,
  output logic              dma_wgnt_o
);
  logic [ROWS*8-1:0] rdata;
  logic [PW-1:0]     dma_rpart_q;
  logic              dma_pe_hit;

  assign dma_pe_hit = pe_re_i[dma_rpart_i];
  assign act_rgnt_o = (|act_re_i) && !(|(act_re_i & pe_re_i));
  assign dma_rgnt_o = dma_re_i && !dma_pe_hit && !act_re_i[dma_rpart_i];
  assign act_wgnt_o = |act_we_i;
  assign dma_wgnt_o = dma_we_i && !act_we_i[dma_wpart_i];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      dma_rpart_q <= '0;
    end else begin
      dma_rpart_q <= dma_rpart_i;
    end
  end

  assign pe_rdata_o  = rdata;
  assign act_rdata_o = rdata;
  assign dma_rdata_o = rdata[8*dma_rpart_q +: 8];

  genvar b;
  generate
    for (b = 0; b < ROWS; b = b + 1) begin : gen_bank
      logic          re, we;
      logic [AW-1:0] raddr, waddr;
      logic [7:0]    wdata;

      always_comb begin
        re    = 1'b0;
        raddr = pe_raddr_i;
        if (pe_re_i[b]) begin
          re = 1'b1;
        end else if (act_rgnt_o && act_re_i[b]) begin
          re    = 1'b1;
          raddr = act_raddr_i;
        end else if (dma_rgnt_o && dma_rpart_i == PW'(b)) begin
          re    = 1'b1;
          raddr = dma_raddr_i;
        end
        we    = 1'b0;
        waddr = act_waddr_i;
        wdata = act_wdata_i[8*b +: 8];
        if (act_we_i[b]) begin
          we = 1'b1;
        end else if (dma_wgnt_o && dma_wpart_i == PW'(b)) begin
          we    = 1'b1;
          waddr = dma_waddr_i;
          wdata = dma_wdata_i;
        end
      end

      atoll_spm_bank #(
        .DATA_W (8),
        .DEPTH  (BYTES)
      ) u_bank (
        .clk_i   (clk_i),
        .re_i    (re),
        .raddr_i (raddr),
        .rdata_o (rdata[8*b +: 8]),
        .we_i    (we),
        .waddr_i (waddr),
        .wdata_i (wdata)
      );
    end
  endgenerate
endmodule : atoll_spm
