// One processing element of the weight-stationary systolic array.
// Holds a 9-bit signed weight; each cycle passes its activation to the
// right and adds activation * weight to the partial sum coming from above,
// passing the result down.  Both outputs are registered.
module atoll_pe (
  input  logic               clk_i,
  input  logic               rst_ni,
  // weight load
  input  logic               w_clear_i,
  input  logic               w_we_i,
  input  logic signed [8:0]  w_i,
  // systolic data
  input  logic signed [8:0]  a_i,
  input  logic signed [31:0] psum_i,
  output logic signed [8:0]  a_o,
  output logic signed [31:0] psum_o
);
  logic signed [8:0]  w_d, w_q;
  logic signed [8:0]  a_q;
  logic signed [31:0] psum_d, psum_q;
  logic signed [17:0] prod;

  assign prod = a_i * w_q;

  always_comb begin
    w_d = w_q;
    if (w_clear_i) begin
      w_d = 9'sd0;
    end else if (w_we_i) begin
      w_d = w_i;
    end
    psum_d = psum_i + {{14{prod[17]}}, prod};
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      w_q    <= 9'sd0;
      a_q    <= 9'sd0;
      psum_q <= 32'sd0;
    end else begin
      w_q    <= w_d;
      a_q    <= a_i;
      psum_q <= psum_d;
    end
  end

  assign a_o    = a_q;
  assign psum_o = psum_q;
endmodule : atoll_pe
