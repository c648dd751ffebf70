// Semaphores: SEMS unsigned 32-bit counters, cleared by clear_i.  Each of
// NENG engines may signal one semaphore per cycle (increments add up when
// several engines signal the same semaphore) and reads one semaphore.
`include "atoll_config.vh"

module atoll_sem #(
  parameter int SEMS = `ATOLL_CFG_SEMAPHORES,
  parameter int NENG = 4
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             clear_i,
  input  logic [NENG-1:0]  sig_i,
  input  logic [NENG*8-1:0] sig_idx_i,
  input  logic [NENG*8-1:0] rd_idx_i,
  output logic [NENG*32-1:0] rd_val_o
);
  logic [SEMS*32-1:0] sem_q;      // semaphore s at [32*s +: 32]

  always_comb begin
    for (int e = 0; e < NENG; e++) begin
      rd_val_o[32*e +: 32] = 32'd0;
      for (int s = 0; s < SEMS; s++) begin
        if (rd_idx_i[8*e +: 8] == 8'(s)) begin
          rd_val_o[32*e +: 32] = sem_q[32*s +: 32];
        end
      end
    end
  end

  genvar s;
  generate
    for (s = 0; s < SEMS; s = s + 1) begin : gen_sem
      logic [2:0] inc;
      always_comb begin
        inc = 3'd0;
        for (int e = 0; e < NENG; e++) begin
          if (sig_i[e] && sig_idx_i[8*e +: 8] == 8'(s)) begin
            inc = inc + 3'd1;
          end
        end
      end
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          sem_q[32*s +: 32] <= 32'd0;
        end else if (clear_i) begin
          sem_q[32*s +: 32] <= 32'd0;
        end else begin
          sem_q[32*s +: 32] <= sem_q[32*s +: 32] + {29'd0, inc};
        end
      end
    end
  endgenerate
endmodule : atoll_sem
