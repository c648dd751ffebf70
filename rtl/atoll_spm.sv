// Scratchpad (state buffer): ROWS partitions of BYTES bytes, one
// atoll_spm_bank each, with a fixed-priority arbiter per bank.
//
// Read ports (data valid the cycle after a grant):
//   PE    all partitions at once (pe_re_i one bit per partition, one
//         address), highest priority, never refused;
//   ACT   any set of partitions at one address (act_re_i one bit per
//         partition), granted as a whole when the PE reads none of them;
//   DMA-out a run of dma_rlen_i (1 .. BUS_BYTES) consecutive partitions
//         from dma_rpart_i at one address, granted as a whole when
//         neither the PE nor the ACT reads any of them; byte j of
//         dma_rdata_o is partition dma_rpart_i + j.
// Write ports: ACT (any set of partitions at one address, one data byte
// per partition, never refused), then DMA-in (a run of dma_wlen_i
// consecutive partitions from dma_wpart_i at one address, byte j of
// dma_wdata_i to partition dma_wpart_i + j, granted as a whole when the
// ACT writes none of them).
// Requesters hold a request until it is granted; a granted request is
// performed in that cycle.  Programs are race-free (docs/isa.md), so the
// arbitration order changes timing only, never results.
`include "atoll_config.vh"

module atoll_spm #(
  parameter int ROWS      = `ATOLL_CFG_ROWS,
  parameter int BYTES     = `ATOLL_CFG_SPM_BYTES,
  parameter int BUS_BYTES = `ATOLL_CFG_DRAM_BUS_BYTES,
  localparam int AW       = $clog2(BYTES),
  localparam int PW       = (ROWS > 1) ? $clog2(ROWS) : 1,
  localparam int LW       = (BUS_BYTES > 1) ? $clog2(BUS_BYTES) : 1,
  localparam int NW       = LW + 1,
  localparam int DW       = BUS_BYTES * 8
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
  input  logic [NW-1:0]     dma_rlen_i,
  output logic              dma_rgnt_o,
  output logic [DW-1:0]     dma_rdata_o,
  // ACT write port
  input  logic [ROWS-1:0]   act_we_i,
  input  logic [AW-1:0]     act_waddr_i,
  input  logic [ROWS*8-1:0] act_wdata_i,
  output logic              act_wgnt_o,
  // DMA-in write port
  input  logic              dma_we_i,
  input  logic [PW-1:0]     dma_wpart_i,
  input  logic [AW-1:0]     dma_waddr_i,
  input  logic [NW-1:0]     dma_wlen_i,
  input  logic [DW-1:0]     dma_wdata_i,
  output logic              dma_wgnt_o
);
  logic [ROWS*8-1:0] rdata;
  logic [PW-1:0]     dma_rpart_q;
  logic [ROWS-1:0]   dma_rmask, dma_wmask;

  // partitions part .. part + len - 1 (len >= 1)
  function automatic logic [ROWS-1:0] run_mask(logic [PW-1:0] part,
                                               logic [NW-1:0] len);
    logic [ROWS-1:0] m;
    for (int b = 0; b < ROWS; b++) begin
      m[b] = (b >= int'(part)) && (b - int'(part) < int'(len));
    end
    return m;
  endfunction

  // byte b - part of the DMA-in data (for a partition b of its run)
  function automatic logic [7:0] dma_wbyte(logic [DW-1:0] data,
                                           logic [PW-1:0] part, int b);
    logic [7:0] v;
    v = 8'd0;
    for (int j = 0; j < BUS_BYTES; j++) begin
      if (b == int'(part) + j) begin
        v = data[8*j +: 8];
      end
    end
    return v;
  endfunction

  assign dma_rmask  = run_mask(dma_rpart_i, dma_rlen_i);
  assign dma_wmask  = run_mask(dma_wpart_i, dma_wlen_i);
  assign act_rgnt_o = (|act_re_i) && !(|(act_re_i & pe_re_i));
  assign dma_rgnt_o = dma_re_i && !(|(dma_rmask & (pe_re_i | act_re_i)));
  assign act_wgnt_o = |act_we_i;
  assign dma_wgnt_o = dma_we_i && !(|(dma_wmask & act_we_i));

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      dma_rpart_q <= '0;
    end else begin
      dma_rpart_q <= dma_rpart_i;
    end
  end

  assign pe_rdata_o  = rdata;
  assign act_rdata_o = rdata;
  always_comb begin
    dma_rdata_o = '0;
    for (int j = 0; j < BUS_BYTES; j++) begin
      for (int b = 0; b < ROWS; b++) begin
        if (b == int'(dma_rpart_q) + j) begin
          dma_rdata_o[8*j +: 8] = rdata[8*b +: 8];
        end
      end
    end
  end

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
        end else if (dma_rgnt_o && dma_rmask[b]) begin
          re    = 1'b1;
          raddr = dma_raddr_i;
        end
        we    = 1'b0;
        waddr = act_waddr_i;
        wdata = act_wdata_i[8*b +: 8];
        if (act_we_i[b]) begin
          we = 1'b1;
        end else if (dma_wgnt_o && dma_wmask[b]) begin
          we    = 1'b1;
          waddr = dma_waddr_i;
          wdata = dma_wbyte(dma_wdata_i, dma_wpart_i, b);
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
