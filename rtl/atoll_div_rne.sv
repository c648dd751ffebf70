// Sequential divider for average pooling: the round-half-to-even
// quotient of num_i / (n_i * 2^shift_i), num_i a magnitude below 2^63,
// n_i >= 1.  Restoring division, one quotient bit per cycle: start_i
// loads the operands, done_o pulses 65 cycles later with q_o (held until
// the next start).
module atoll_div_rne (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        start_i,
  input  logic [63:0] num_i,
  input  logic [15:0] n_i,
  input  logic [5:0]  shift_i,
  output logic        done_o,
  output logic [63:0] q_o
);
  localparam int RW = 81;

  logic          busy_q, done_q;
  logic [6:0]    cnt_q;
  logic [63:0]   dvd_q, quo_q, q_q;
  logic [RW-1:0] den_q, rem_q;
  logic [RW-1:0] rem_sh, rem_sub, rem2;
  logic          ge, inc;

  assign rem_sh  = {rem_q[RW-2:0], dvd_q[63]};
  assign ge      = (rem_sh >= den_q);
  assign rem_sub = rem_sh - den_q;
  assign rem2    = {rem_q[RW-2:0], 1'b0};
  assign inc     = (rem2 > den_q) || ((rem2 == den_q) && quo_q[0]);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
      done_q <= 1'b0;
      cnt_q  <= 7'd0;
    end else begin
      done_q <= 1'b0;
      if (start_i) begin
        busy_q <= 1'b1;
        cnt_q  <= 7'd64;
      end else if (busy_q) begin
        if (cnt_q == 7'd0) begin
          busy_q <= 1'b0;
          done_q <= 1'b1;
        end else begin
          cnt_q <= cnt_q - 7'd1;
        end
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (start_i) begin
      dvd_q <= num_i;
      quo_q <= 64'd0;
      rem_q <= '0;
      den_q <= RW'({65'd0, n_i} << shift_i);
    end else if (busy_q) begin
      if (cnt_q != 7'd0) begin
        dvd_q <= {dvd_q[62:0], 1'b0};
        quo_q <= {quo_q[62:0], ge};
        rem_q <= ge ? rem_sub : rem_sh;
      end else begin
        q_q <= quo_q + {63'd0, inc};
      end
    end
  end

  // rem_q < den_q < 2^79, so its top bit is always zero
  logic unused_rem_top;
  assign unused_rem_top = rem_q[RW-1];

  assign done_o = done_q;
  assign q_o    = q_q;
endmodule : atoll_div_rne
