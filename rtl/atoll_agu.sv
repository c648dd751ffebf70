// 4-D address generator: walks i3 < count3, i2 < count2, i1 < count1,
// i0 < count0 (i0 innermost) and presents, for each of NCH channels,
//   addr[ch] = base[ch] + sum_d i_d * stride[ch][d]   (modulo 2^32).
// Counts must be >= 1 (the command checker guarantees it).  The address
// is computed incrementally: one 32-bit add per channel per step.
//
// start_i loads a new pattern (valid_o rises the next cycle); step_i,
// while valid_o, advances to the next element; last_o marks the final
// element, after whose step valid_o falls.
module atoll_agu #(
  parameter int NCH = 3
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              start_i,
  input  logic [4*16-1:0]   count_i,     // count d at [16*d +: 16]
  input  logic [NCH*32-1:0] base_i,      // channel ch at [32*ch +: 32]
  input  logic [NCH*128-1:0] stride_i,   // channel ch, dim d at [32*(4*ch+d) +: 32]
  input  logic              step_i,
  output logic              valid_o,
  output logic              last_o,
  output logic [NCH*32-1:0] addr_o
);
  logic              valid_d, valid_q;
  logic [4*16-1:0]   cnt_q;
  logic [4*16-1:0]   idx_d, idx_q;
  logic [NCH*128-1:0] stride_q;
  // per channel: current address and the start of the current dim-1, 2, 3
  // iterations
  logic [NCH*32-1:0] cur_d, cur_q, b1_d, b1_q, b2_d, b2_q, b3_d, b3_q;
  logic [3:0]        at_end;

  always_comb begin
    for (int d = 0; d < 4; d++) begin
      at_end[d] = (idx_q[16*d +: 16] == cnt_q[16*d +: 16] - 16'd1);
    end
  end

  assign last_o  = valid_q && (&at_end);
  assign valid_o = valid_q;
  assign addr_o  = cur_q;

  always_comb begin
    valid_d = valid_q;
    idx_d   = idx_q;
    cur_d   = cur_q;
    b1_d    = b1_q;
    b2_d    = b2_q;
    b3_d    = b3_q;
    if (start_i) begin
      valid_d = 1'b1;
      idx_d   = '0;
      cur_d   = base_i;
      b1_d    = base_i;
      b2_d    = base_i;
      b3_d    = base_i;
    end else if (valid_q && step_i) begin
      if (!at_end[0]) begin
        idx_d[0 +: 16] = idx_q[0 +: 16] + 16'd1;
        for (int ch = 0; ch < NCH; ch++) begin
          cur_d[32*ch +: 32] = cur_q[32*ch +: 32] + stride_q[32*(4*ch) +: 32];
        end
      end else if (!at_end[1]) begin
        idx_d[0 +: 16]  = 16'd0;
        idx_d[16 +: 16] = idx_q[16 +: 16] + 16'd1;
        for (int ch = 0; ch < NCH; ch++) begin
          b1_d[32*ch +: 32]  = b1_q[32*ch +: 32] + stride_q[32*(4*ch+1) +: 32];
          cur_d[32*ch +: 32] = b1_d[32*ch +: 32];
        end
      end else if (!at_end[2]) begin
        idx_d[0 +: 32]  = 32'd0;
        idx_d[32 +: 16] = idx_q[32 +: 16] + 16'd1;
        for (int ch = 0; ch < NCH; ch++) begin
          b2_d[32*ch +: 32]  = b2_q[32*ch +: 32] + stride_q[32*(4*ch+2) +: 32];
          b1_d[32*ch +: 32]  = b2_d[32*ch +: 32];
          cur_d[32*ch +: 32] = b2_d[32*ch +: 32];
        end
      end else if (!at_end[3]) begin
        idx_d[0 +: 48]  = 48'd0;
        idx_d[48 +: 16] = idx_q[48 +: 16] + 16'd1;
        for (int ch = 0; ch < NCH; ch++) begin
          b3_d[32*ch +: 32]  = b3_q[32*ch +: 32] + stride_q[32*(4*ch+3) +: 32];
          b2_d[32*ch +: 32]  = b3_d[32*ch +: 32];
          b1_d[32*ch +: 32]  = b3_d[32*ch +: 32];
          cur_d[32*ch +: 32] = b3_d[32*ch +: 32];
        end
      end else begin
        valid_d = 1'b0;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
    end else begin
      valid_q <= valid_d;
    end
  end

  always_ff @(posedge clk_i) begin
    if (start_i) begin
      cnt_q    <= count_i;
      stride_q <= stride_i;
    end
    idx_q <= idx_d;
    cur_q <= cur_d;
    b1_q  <= b1_d;
    b2_q  <= b2_d;
    b3_q  <= b3_d;
  end
endmodule : atoll_agu
