// Per-engine command queue and sequencer.  Holds QUEUE_DEPTH commands
// (the first WORDS words of each; the rest of the command is not used by
// the engine) and executes them in order:
//   WAIT    blocks until sem[SEM] >= VALUE (unsigned), then retires;
//   SIGNAL  waits until the engine is idle (every earlier command of the
//           engine completed), then increments sem[SEM] and retires;
//   other   handed to the engine (valid/ready); the engine runs one
//           command at a time and reports idle when its effects landed.
// halt_i (after a fault) discards queued commands instead of executing
// them; commands already in the engine finish.
`include "atoll_config.vh"
`include "atoll_isa.vh"
`include "atoll_defs.vh"

module atoll_eng_seq #(
  parameter int WORDS       = 16,
  parameter int QUEUE_DEPTH = `ATOLL_CFG_QUEUE_DEPTH
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                clear_i,
  input  logic                halt_i,
  // from the command processor
  input  logic                push_valid_i,
  output logic                push_ready_o,
  input  logic [WORDS*32-1:0] push_data_i,
  // semaphores
  output logic [7:0]          sem_idx_o,
  input  logic [31:0]         sem_val_i,
  output logic                sig_o,
  // engine
  output logic                eng_valid_o,
  input  logic                eng_ready_i,
  output logic [WORDS*32-1:0] eng_cmd_o,
  input  logic                eng_idle_i,
  // status
  output logic                idle_o,
  output logic                busy_o,
  output logic                stall_o
);
  logic                head_valid, pop;
  logic [WORDS*32-1:0] head;
  logic [7:0]          op;
  logic                is_wait, is_sig, wait_ok;
  logic [`ATOLL_SEM_VALUE_WIDTH-1:0] value;
  logic [$clog2(QUEUE_DEPTH + 1)-1:0] count;

  atoll_fifo #(
    .WIDTH (WORDS * 32),
    .DEPTH (QUEUE_DEPTH)
  ) u_queue (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .clear_i     (clear_i),
    .in_valid_i  (push_valid_i),
    .in_ready_o  (push_ready_o),
    .in_data_i   (push_data_i),
    .out_valid_o (head_valid),
    .out_ready_i (pop),
    .out_data_o  (head),
    .count_o     (count)
  );

  assign op        = head[7:0];
  assign is_wait   = (op == `ATOLL_OP_WAIT);
  assign is_sig    = (op == `ATOLL_OP_SIGNAL);
  assign sem_idx_o = 8'(`ATOLL_FLD(head, `ATOLL_SEM_SEM_WORD,
                                   `ATOLL_SEM_SEM_LSB, `ATOLL_SEM_SEM_WIDTH));
  assign value     = `ATOLL_FLD(head, `ATOLL_SEM_VALUE_WORD,
                                `ATOLL_SEM_VALUE_LSB, `ATOLL_SEM_VALUE_WIDTH);
  assign wait_ok   = (sem_val_i >= 32'(value));

  assign eng_cmd_o   = head;
  assign eng_valid_o = head_valid && !halt_i && !is_wait && !is_sig;
  assign sig_o       = head_valid && !halt_i && is_sig && eng_idle_i;
  assign pop = head_valid && (halt_i || (is_wait && wait_ok) || sig_o ||
                              (eng_valid_o && eng_ready_i));

  assign idle_o  = !head_valid && eng_idle_i;
  assign busy_o  = !eng_idle_i;
  assign stall_o = head_valid && !halt_i && is_wait && !wait_ok;

  logic unused_count;
  assign unused_count = ^count;
endmodule : atoll_eng_seq
