// One processing element of the weight-stationary systolic array.
// Holds two 9-bit signed weights (banks 0 and 1, double buffering); each
// cycle passes its activation and the activation's bank bit to the right
// and adds activation * weight[bank] to the partial sum coming from
// above, passing the result down.  All outputs are registered.  A load or
// clear of one bank leaves the other bank, and the activations using it,
// undisturbed.
module atoll_pe (
  input  logic               clk_i,
  input  logic               rst_ni,
  // weight load: clear bank b (w_clear_i[b]), write bank w_bank_i
  input  logic [1:0]         w_clear_i,
  input  logic               w_bank_i,
  input  logic               w_we_i,
  input  logic signed [8:0]  w_i,
  // systolic data
  input  logic signed [8:0]  a_i,
  input  logic               b_i,
  input  logic signed [31:0] psum_i,
  output logic signed [8:0]  a_o,
  output logic               b_o,
  output logic signed [31:0] psum_o
);
  logic signed [8:0]  w0_d, w0_q, w1_d, w1_q, w_sel;
  logic signed [8:0]  a_q;
  logic               b_q;
  logic signed [31:0] psum_d, psum_q;
  logic signed [17:0] prod;

  assign w_sel = b_i ? w1_q : w0_q;
  assign prod  = a_i * w_sel;

  always_comb begin
    w0_d = w0_q;
    w1_d = w1_q;
    if (w_clear_i[0]) begin
      w0_d = 9'sd0;
    end else if (w_we_i && !w_bank_i) begin
      w0_d = w_i;
    end
    if (w_clear_i[1]) begin
      w1_d = 9'sd0;
    end else if (w_we_i && w_bank_i) begin
      w1_d = w_i;
    end
    psum_d = psum_i + {{14{prod[17]}}, prod};
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      w0_q   <= 9'sd0;
      w1_q   <= 9'sd0;
      a_q    <= 9'sd0;
      b_q    <= 1'b0;
      psum_q <= 32'sd0;
    end else begin
      w0_q   <= w0_d;
      w1_q   <= w1_d;
      a_q    <= a_i;
      b_q    <= b_i;
      psum_q <= psum_d;
    end
  end

  assign a_o    = a_q;
  assign b_o    = b_q;
  assign psum_o = psum_q;
endmodule : atoll_pe
