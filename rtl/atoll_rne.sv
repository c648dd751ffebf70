// rne(p, s): round half to even of p / 2^s for a 64-bit signed p and
// 0 <= s <= 63 (docs/isa.md): q = floor(p / 2^s), r = p - q*2^s,
// h = 2^(s-1); q + 1 if r > h or (r == h and q odd), else q.
// Combinational.
module atoll_rne (
  input  logic signed [63:0] p_i,
  input  logic [5:0]         s_i,
  output logic signed [63:0] r_o
);
  logic signed [63:0] q;
  logic [63:0]        mask, rem, half;
  logic               inc;

  assign q    = p_i >>> s_i;
  assign mask = (64'd1 << s_i) - 64'd1;
  assign rem  = p_i & mask;
  assign half = (s_i == 6'd0) ? 64'd0 : (64'd1 << (s_i - 6'd1));
  assign inc  = (s_i != 6'd0) && ((rem > half) || ((rem == half) && q[0]));
  assign r_o  = q + {63'd0, inc};
endmodule : atoll_rne
