// 4-D address generator: walks i3 < count3, i2 < count2, i1 < count1,
// i0 < count0 (i0 innermost) and presents, for each of NCH channels,
//   addr[ch] = base[ch] + sum_d i_d * stride[ch][d]   (modulo 2^32).
// Counts must be >= 1 (the command checker guarantees it).  The address
// is computed incrementally: one 32-bit add per channel per step.
//
// start_i loads a new pattern (valid_o rises the next cycle); step_i,
// while valid_o, advances by step_n_i elements of dimension 0 (1 ..
// rem0_o; past the end of the row it moves to the next row, like a single
// step at the row's last element); rem0_o is the number of elements left
// in the current dimension-0 row, the current one included.  A step of
// more than one element moves a channel with dimension-0 stride 0 by 0
// and any other by step_n_i (right for stride 1; the DMA uses it only
// when every channel whose address it uses has stride 0 or 1).  last_o
// marks the final row position from which a step ends the pattern, after
// which valid_o falls.
module atoll_agu #(
  parameter int NCH = 3,
  parameter int NW  = 4
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              start_i,
  input  logic [4*16-1:0]   count_i,     // count d at [16*d +: 16]
  input  logic [NCH*32-1:0] base_i,      // channel ch at [32*ch +: 32]
  input  logic [NCH*128-1:0] stride_i,   // channel ch, dim d at [32*(4*ch+d) +: 32]
  input  logic              step_i,
  input  logic [NW-1:0]     step_n_i,
  output logic [15:0]       rem0_o,
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
  logic [3:1]        at_end;
  logic [15:0]       rem0;
  logic              row_end;
  logic [NCH*32-1:0] inc0;

  always_comb begin
    for (int d = 1; d < 4; d++) begin
      at_end[d] = (idx_q[16*d +: 16] == cnt_q[16*d +: 16] - 16'd1);
    end
  end

  assign rem0    = cnt_q[0 +: 16] - idx_q[0 +: 16];
  assign rem0_o  = rem0;
  assign row_end = (16'(step_n_i) >= rem0);

  always_comb begin
    for (int ch = 0; ch < NCH; ch++) begin
      if (step_n_i == NW'(1)) begin
        inc0[32*ch +: 32] = stride_q[32*(4*ch) +: 32];
      end else if (stride_q[32*(4*ch) +: 32] == 32'd0) begin
        inc0[32*ch +: 32] = 32'd0;
      end else begin
        inc0[32*ch +: 32] = 32'(step_n_i);
      end
    end
  end

  assign last_o  = valid_q && row_end && (&at_end[3:1]);
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
      if (!row_end) begin
        idx_d[0 +: 16] = idx_q[0 +: 16] + 16'(step_n_i);
        for (int ch = 0; ch < NCH; ch++) begin
          cur_d[32*ch +: 32] = cur_q[32*ch +: 32] + inc0[32*ch +: 32];
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
