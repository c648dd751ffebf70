// Scratchpad (state buffer): ROWS partitions of BYTES bytes.  Each
// partition is BUS_BYTES byte-wide atoll_spm_banks ("lanes") of
// BYTES / BUS_BYTES entries, interleaved: byte address a is entry
// a / BUS_BYTES of lane a % BUS_BYTES, so any BUS_BYTES consecutive
// addresses of a partition lie in distinct lanes and can be accessed in
// one cycle.  One fixed-priority arbiter per partition (all its lanes).
//
// Read ports (data valid the cycle after a grant):
//   PE    all partitions at once (pe_re_i one bit per partition, one
//         address), highest priority, never refused; pe_rword_o returns
//         the whole word (all lanes, at the address's entry) of every
//         partition read, so that the PE can keep it;
//   ACT   any set of partitions at one address (act_re_i one bit per
//         partition), granted as a whole when the PE reads none of them;
//   DMA-out a chunk of dma_rlen_i (1 .. BUS_BYTES) bytes from partition
//         dma_rpart_i, address dma_raddr_i: with dma_rlanes_i the
//         addresses dma_raddr_i + j of that partition, else address
//         dma_raddr_i of the partitions dma_rpart_i + j; granted as a
//         whole when neither the PE nor the ACT reads any of its
//         partitions; byte j of dma_rdata_o is chunk byte j.
// Write ports: ACT (any set of partitions at one address, one data byte
// per partition, never refused), then DMA-in (a chunk like DMA-out's,
// byte j of dma_wdata_i to chunk byte j, granted as a whole when the
// ACT writes none of its partitions), then MOVE (a chunk of mv_wlen_i
// (1 .. BUS_BYTES) bytes at the addresses mv_waddr_i + j of partition
// mv_wpart_i, byte j of mv_wdata_i to mv_waddr_i + j; granted as a whole
// when neither the ACT nor a granted DMA-in chunk writes its partition).
// Requesters hold a request until it is granted; a granted request is
// performed in that cycle.  Programs are race-free (docs/isa.md), so the
// arbitration order changes timing only, never results.  A partition's
// read data stay valid until its next read.
`include "atoll_config.vh"

module atoll_spm #(
  parameter int ROWS      = `ATOLL_CFG_ROWS,
  parameter int BYTES     = `ATOLL_CFG_SPM_BYTES,
  parameter int BUS_BYTES = `ATOLL_CFG_DRAM_BUS_BYTES,
  localparam int AW       = $clog2(BYTES),
  localparam int PW       = (ROWS > 1) ? $clog2(ROWS) : 1,
  localparam int LB       = $clog2(BUS_BYTES),
  localparam int LW       = (BUS_BYTES > 1) ? LB : 1,
  localparam int NW       = LW + 1,
  localparam int RW       = AW - LB,
  localparam int DW       = BUS_BYTES * 8
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  // PE read port
  input  logic [ROWS-1:0]   pe_re_i,
  input  logic [AW-1:0]     pe_raddr_i,
  output logic [ROWS*DW-1:0] pe_rword_o,
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
  input  logic              dma_rlanes_i,
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
  input  logic              dma_wlanes_i,
  input  logic [DW-1:0]     dma_wdata_i,
  output logic              dma_wgnt_o,
  // MOVE write port
  input  logic              mv_we_i,
  input  logic [PW-1:0]     mv_wpart_i,
  input  logic [AW-1:0]     mv_waddr_i,
  input  logic [NW-1:0]     mv_wlen_i,
  input  logic [DW-1:0]     mv_wdata_i,
  output logic              mv_wgnt_o
);
  logic [ROWS*DW-1:0] raw;       // every lane of every partition
  logic [ROWS*8-1:0]  rdata;     // each partition's addressed byte
  logic [ROWS*LW-1:0] lane_q;    // lane of each partition's last read
  logic [PW-1:0]      dma_rpart_q;
  logic [LW-1:0]      dma_rlane_q;
  logic               dma_rlanes_q;
  logic [ROWS-1:0]    dma_rmask, dma_wmask, mv_wmask;
  logic [DW-1:0]      dma_rword, dma_rrun;

  // lane of address "a" (its low bits)
  function automatic logic [LW-1:0] lane_of(input logic [LW-1:0] a);
    lane_of = a & LW'(BUS_BYTES - 1);
  endfunction

  function automatic logic [RW-1:0] row_of(input logic [AW-1:0] a);
    row_of = RW'(a >> LB);
  endfunction

  // position of lane "l" in a chunk starting at lane "first"
  function automatic logic [LW-1:0] lane_off(input logic [LW-1:0] first,
                                             input logic [LW-1:0] l);
    lane_off = (l - first) & LW'(BUS_BYTES - 1);
  endfunction

  // the row of lane l for the chunk of up to BUS_BYTES bytes from "a"
  function automatic logic [RW-1:0] chunk_row(input logic [AW-1:0] a,
                                              input logic [LW-1:0] l);
    chunk_row = row_of(a) + RW'(l < lane_of(a[LW-1:0]));
  endfunction

  // the DMA's partitions: "part" alone (lanes), or part .. part + len - 1
  function automatic logic [ROWS-1:0] run_mask(input logic [PW-1:0] part,
                                               input logic [NW-1:0] len,
                                               input logic lanes);
    for (int b = 0; b < ROWS; b++) begin
      run_mask[b] = (32'(b) >= 32'(part)) &&
                    (32'(b) < 32'(part) + (lanes ? 32'd1 : 32'(len)));
    end
  endfunction

  assign dma_rmask  = run_mask(dma_rpart_i, dma_rlen_i, dma_rlanes_i);
  assign dma_wmask  = run_mask(dma_wpart_i, dma_wlen_i, dma_wlanes_i);
  assign act_rgnt_o = (|act_re_i) && !(|(act_re_i & pe_re_i));
  assign dma_rgnt_o = dma_re_i && !(|(dma_rmask & (pe_re_i | act_re_i)));
  assign act_wgnt_o = |act_we_i;
  assign dma_wgnt_o = dma_we_i && !(|(dma_wmask & act_we_i));
  assign mv_wmask   = run_mask(mv_wpart_i, NW'(1), 1'b1);
  assign mv_wgnt_o  = mv_we_i &&
                      !(|(mv_wmask & (act_we_i | (dma_wgnt_o ? dma_wmask : '0))));

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      dma_rpart_q  <= '0;
      dma_rlane_q  <= '0;
      dma_rlanes_q <= 1'b0;
    end else begin
      dma_rpart_q  <= dma_rpart_i;
      dma_rlane_q  <= lane_of(dma_raddr_i[LW-1:0]);
      dma_rlanes_q <= dma_rlanes_i;
    end
  end

  assign pe_rword_o  = raw;
  assign act_rdata_o = rdata;

  // DMA-out data: the lanes of one partition from the chunk's first
  // address on, or the addressed bytes of consecutive partitions
  always_comb begin
    dma_rword = '0;
    for (int b = 0; b < ROWS; b++) begin
      if (32'(b) == 32'(dma_rpart_q)) begin
        dma_rword = raw[DW*b +: DW];
      end
    end
    dma_rrun = '0;
    for (int j = 0; j < BUS_BYTES; j++) begin
      for (int b = 0; b < ROWS; b++) begin
        if (32'(b) == 32'(dma_rpart_q) + 32'(j)) begin
          dma_rrun[8*j +: 8] = rdata[8*b +: 8];
        end
      end
    end
  end

  assign dma_rdata_o = dma_rlanes_q ?
                       DW'({dma_rword, dma_rword} >> (32'(dma_rlane_q) * 8)) :
                       dma_rrun;

  genvar b, l;
  generate
    for (b = 0; b < ROWS; b = b + 1) begin : gen_part
      logic          re, dma_re, dma_we, mv_we;
      logic [LW-1:0] rlane_d;
      logic [7:0]    dma_pbyte;

      // DMA-in byte of this partition in a chunk across partitions
      always_comb begin
        dma_pbyte = 8'd0;
        for (int j = 0; j < BUS_BYTES; j++) begin
          if (32'(b) == 32'(dma_wpart_i) + 32'(j)) begin
            dma_pbyte = dma_wdata_i[8*j +: 8];
          end
        end
      end

      assign dma_re = dma_rgnt_o && dma_rmask[b];
      assign dma_we = dma_wgnt_o && dma_wmask[b] && !act_we_i[b];
      assign mv_we  = mv_wgnt_o && mv_wmask[b];
      assign re     = pe_re_i[b] || (act_rgnt_o && act_re_i[b]) || dma_re;

      always_comb begin
        rlane_d = lane_of(dma_raddr_i[LW-1:0]);
        if (pe_re_i[b]) begin
          rlane_d = lane_of(pe_raddr_i[LW-1:0]);
        end else if (act_rgnt_o && act_re_i[b]) begin
          rlane_d = lane_of(act_raddr_i[LW-1:0]);
        end
      end

      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          lane_q[LW*b +: LW] <= '0;
        end else if (re) begin
          lane_q[LW*b +: LW] <= rlane_d;
        end
      end

      assign rdata[8*b +: 8] = raw[DW*b + 32'(lane_q[LW*b +: LW]) * 8 +: 8];

      for (l = 0; l < BUS_BYTES; l = l + 1) begin : gen_lane
        logic          we;
        logic [RW-1:0] raddr, waddr;
        logic [7:0]    wdata;
        logic [LW-1:0] woff, mv_woff;

        assign woff    = lane_off(lane_of(dma_waddr_i[LW-1:0]), LW'(l));
        assign mv_woff = lane_off(lane_of(mv_waddr_i[LW-1:0]), LW'(l));

        always_comb begin
          raddr = chunk_row(dma_raddr_i, LW'(l));
          if (pe_re_i[b]) begin
            raddr = row_of(pe_raddr_i);
          end else if (act_rgnt_o && act_re_i[b]) begin
            raddr = row_of(act_raddr_i);
          end
          we    = 1'b0;
          waddr = row_of(act_waddr_i);
          wdata = act_wdata_i[8*b +: 8];
          if (act_we_i[b]) begin
            we = (lane_of(act_waddr_i[LW-1:0]) == LW'(l));
          end else if (dma_we && dma_wlanes_i) begin
            we    = NW'(woff) < dma_wlen_i;
            waddr = chunk_row(dma_waddr_i, LW'(l));
            wdata = dma_wdata_i[8*woff +: 8];
          end else if (dma_we) begin
            we    = (lane_of(dma_waddr_i[LW-1:0]) == LW'(l));
            waddr = row_of(dma_waddr_i);
            wdata = dma_pbyte;
          end else if (mv_we) begin
            we    = NW'(mv_woff) < mv_wlen_i;
            waddr = chunk_row(mv_waddr_i, LW'(l));
            wdata = mv_wdata_i[8*mv_woff +: 8];
          end
        end

        atoll_spm_bank #(
          .DATA_W (8),
          .DEPTH  (BYTES / BUS_BYTES)
        ) u_bank (
          .clk_i   (clk_i),
          .re_i    (re),
          .raddr_i (raddr),
          .rdata_o (raw[DW*b + 8*l +: 8]),
          .we_i    (we),
          .waddr_i (waddr),
          .wdata_i (wdata)
        );
      end
    end
  endgenerate
endmodule : atoll_spm
