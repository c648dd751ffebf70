// atoll RTL helper macros (hand-written; the encoding itself comes from
// build/gen/atoll_isa.vh and the sizes from build/gen/atoll_config.vh).
`ifndef ATOLL_DEFS_VH
`define ATOLL_DEFS_VH

// Field of a command vector "w" (word i at bits [32*i +: 32]):
//   `ATOLL_FLD(cmd, `ATOLL_DMA_COUNT0_WORD, `ATOLL_DMA_COUNT0_LSB,
//              `ATOLL_DMA_COUNT0_WIDTH)
// The three generated macros are passed explicitly because Yosys 0.23 does
// not re-expand a macro name built with `` token pasting.
`define ATOLL_FLD(w, WD, L, WI) w[(WD)*32 + (L) +: (WI)]

// Simulation-only assertions: define ATOLL_ASSERT_ON (hwsim does, together
// with Verilator --assert); synthesis leaves it undefined.  An assertion is
// a named generate block checking "cond" at every clock edge from the
// cycle after reset release (its enable flop keeps rst_n asynchronous).
`ifdef ATOLL_ASSERT_ON
`define ATOLL_ASSERT(name, clk, rst_n, cond) \
  if (1) begin : name \
    logic en_q; \
    always_ff @(posedge clk or negedge rst_n) begin \
      if (!(rst_n)) en_q <= 1'b0; \
      else en_q <= 1'b1; \
    end \
    always_ff @(posedge clk) begin \
      if (en_q && !(cond)) $error("assertion %s failed", `"name`"); \
    end \
  end
`else
`define ATOLL_ASSERT(name, clk, rst_n, cond)
`endif

`endif
