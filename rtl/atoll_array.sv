// ROWS x COLS weight-stationary systolic array of atoll_pe.
//
// Interface (unskewed): an activation vector a_i (row r at [9*r +: 9]) with
// valid_i and a tag enters in one cycle; the column sums psum_o (column c
// at [32*c +: 32]) of that vector leave together LAT = ROWS + COLS - 1
// cycles later with valid_o and the same tag.  Row r of the input is
// delayed r cycles (input skew); column c of the output is delayed
// COLS - 1 - c cycles (output deskew).  Bubbles (valid_i = 0) must carry
// zero activations; the array never stalls.
//
// active_o is set while any vector is in flight, bank_active_o[b] while a
// vector using weight bank b is (from the cycle after it entered until
// its sums leave, a cycle past its last use of the weights).
//
// Weights: every PE holds two weights (banks).  w_clear_i[b] zeroes every
// weight of bank b; w_we_i writes column w_col_i of bank w_bank_i
// from w_data_i (row r at [9*r +: 9]).  A vector multiplies by the bank
// bank_i it entered with: its bank bit travels with it through the input
// skew and along each row, so every PE switches banks exactly when the
// first vector of the new bank reaches it.  Load a bank only while no
// vector using it is in flight (!bank_active_o[b] and none entering).
`include "atoll_config.vh"

module atoll_array #(
  parameter int ROWS  = `ATOLL_CFG_ROWS,
  parameter int COLS  = `ATOLL_CFG_COLS,
  parameter int TAG_W = 1,
  localparam int CW   = (COLS > 1) ? $clog2(COLS) : 1,
  localparam int LAT  = ROWS + COLS - 1
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  // weight load
  input  logic [1:0]          w_clear_i,
  input  logic                w_bank_i,
  input  logic                w_we_i,
  input  logic [CW-1:0]       w_col_i,
  input  logic [ROWS*9-1:0]   w_data_i,
  // activation vectors in
  input  logic                valid_i,
  input  logic                bank_i,
  input  logic [TAG_W-1:0]    tag_i,
  input  logic [ROWS*9-1:0]   a_i,
  // column sums out
  output logic                valid_o,
  output logic [TAG_W-1:0]    tag_o,
  output logic                active_o,
  output logic [1:0]          bank_active_o,
  output logic [COLS*32-1:0]  psum_o
);
  // a_h: activation entering PE (r, c) at [9*(r*(COLS+1) + c) +: 9]
  // b_h: bank bit of that activation at [r*(COLS+1) + c]
  // psum_v: partial sum entering PE (r, c) at [32*(r*COLS + c) +: 32]
  logic [ROWS*(COLS+1)*9-1:0]  a_h;
  logic [ROWS*(COLS+1)-1:0]    b_h;
  logic [(ROWS+1)*COLS*32-1:0] psum_v;

  // valid, bank and tag travel alongside the data
  logic [LAT-1:0]       vld_q, bnk_q;
  logic [LAT*TAG_W-1:0] tag_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      vld_q <= '0;
      bnk_q <= '0;
    end else begin
      vld_q <= {vld_q[LAT-2:0], valid_i};
      bnk_q <= {bnk_q[LAT-2:0], bank_i};
    end
  end

  always_ff @(posedge clk_i) begin
    tag_q <= {tag_q[(LAT-1)*TAG_W-1:0], tag_i};
  end

  assign valid_o  = vld_q[LAT-1];
  assign active_o = |vld_q;
  assign bank_active_o = {|(vld_q & bnk_q), |(vld_q & ~bnk_q)};
  assign tag_o   = tag_q[(LAT-1)*TAG_W +: TAG_W];

  genvar r, c;
  generate
    for (c = 0; c < COLS; c = c + 1) begin : gen_top
      assign psum_v[32*c +: 32] = 32'd0;
    end

    for (r = 0; r < ROWS; r = r + 1) begin : gen_row
      if (r == 0) begin : gen_noskew
        assign a_h[0 +: 9] = a_i[0 +: 9];
        assign b_h[0]      = bank_i;
      end else begin : gen_skew
        // skew_q[9*i +: 9] is the activation delayed i + 1 cycles,
        // bskew_q[i] its bank bit
        logic [9*r-1:0] skew_q;
        logic [r-1:0]   bskew_q;
        always_ff @(posedge clk_i or negedge rst_ni) begin
          if (!rst_ni) begin
            skew_q  <= '0;
            bskew_q <= '0;
          end else begin
            skew_q[0 +: 9] <= a_i[9*r +: 9];
            bskew_q[0]     <= bank_i;
            for (int i = 1; i < r; i++) begin
              skew_q[9*i +: 9] <= skew_q[9*(i-1) +: 9];
              bskew_q[i]       <= bskew_q[i-1];
            end
          end
        end
        assign a_h[9*(r*(COLS+1)) +: 9] = skew_q[9*(r-1) +: 9];
        assign b_h[r*(COLS+1)]          = bskew_q[r-1];
      end

      for (c = 0; c < COLS; c = c + 1) begin : gen_col
        logic we;
        assign we = w_we_i && (w_col_i == CW'(c));
        atoll_pe u_pe (
          .clk_i     (clk_i),
          .rst_ni    (rst_ni),
          .w_clear_i (w_clear_i),
          .w_bank_i  (w_bank_i),
          .w_we_i    (we),
          .w_i       (w_data_i[9*r +: 9]),
          .a_i       (a_h[9*(r*(COLS+1) + c) +: 9]),
          .b_i       (b_h[r*(COLS+1) + c]),
          .psum_i    (psum_v[32*(r*COLS + c) +: 32]),
          .a_o       (a_h[9*(r*(COLS+1) + c + 1) +: 9]),
          .b_o       (b_h[r*(COLS+1) + c + 1]),
          .psum_o    (psum_v[32*((r+1)*COLS + c) +: 32])
        );
      end

      // the activation leaving the last column is dropped
      logic unused_a_last;
      assign unused_a_last = ^{a_h[9*(r*(COLS+1) + COLS) +: 9],
                               b_h[r*(COLS+1) + COLS]};
    end

    for (c = 0; c < COLS; c = c + 1) begin : gen_deskew
      localparam int D = COLS - 1 - c;
      if (D == 0) begin : gen_direct
        assign psum_o[32*c +: 32] = psum_v[32*(ROWS*COLS + c) +: 32];
      end else begin : gen_delay
        // dly_q[32*i +: 32] is the column sum delayed i + 1 cycles
        logic [32*D-1:0] dly_q;
        always_ff @(posedge clk_i) begin
          dly_q[0 +: 32] <= psum_v[32*(ROWS*COLS + c) +: 32];
          for (int i = 1; i < D; i++) begin
            dly_q[32*i +: 32] <= dly_q[32*(i-1) +: 32];
          end
        end
        assign psum_o[32*c +: 32] = dly_q[32*(D-1) +: 32];
      end
    end
  endgenerate
endmodule : atoll_array
