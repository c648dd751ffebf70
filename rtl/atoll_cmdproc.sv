// Command processor: fetches commands from device memory (AXI4 reads,
// single-beat, ID chosen by the core; the next command is fetched while
// the current one is checked and dispatched, up to two ahead), checks
// each with
// atoll_cmd_check, and dispatches it to the queue of its engine
// (atoll_eng_seq, in-order, blocking when the queue is full).  A command
// counts in cmd_fetch_bytes when the decoder takes it.  END stops fetching; the run is done
// when every queue is empty and every engine idle.  On a fault the CP
// records code and command index, discards queued commands, lets the
// engines finish the command they hold, and then reports the error.
//
// Engines: 0 DMA-in, 1 DMA-out, 2 PE, 3 ACT.
`include "atoll_config.vh"
`include "atoll_isa.vh"
`include "atoll_defs.vh"

module atoll_cmdproc #(
  parameter int ROWS        = `ATOLL_CFG_ROWS,
  parameter int COLS        = `ATOLL_CFG_COLS,
  parameter int SPM_BYTES   = `ATOLL_CFG_SPM_BYTES,
  parameter int PSUM_DEPTH  = `ATOLL_CFG_PSUM_DEPTH,
  parameter int SEMS        = `ATOLL_CFG_SEMAPHORES,
  parameter int QUEUE_DEPTH = `ATOLL_CFG_QUEUE_DEPTH,
  parameter int BUS_BYTES   = `ATOLL_CFG_DRAM_BUS_BYTES,
  localparam int DMA_W      = 14 * 32,
  localparam int PE_W       = 10 * 32,
  localparam int ACT_W      = 15 * 32,
  localparam int DW         = BUS_BYTES * 8,
  localparam int LW         = (BUS_BYTES > 1) ? $clog2(BUS_BYTES) : 1,
  localparam int NBEATS     = 64 / BUS_BYTES + 1
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  // control and status (atoll_csr)
  input  logic               start_i,
  input  logic [31:0]        cmd_base_i,
  input  logic [31:0]        cmd_count_i,
  input  logic [31:0]        win_lo_i,
  input  logic [31:0]        win_hi_i,
  output logic               running_o,
  output logic               done_o,
  output logic               error_o,
  output logic [31:0]        error_word_o,
  // command fetch (AXI4 read; r_valid_i only for the CP's ID)
  output logic               ar_valid_o,
  input  logic               ar_ready_i,
  output logic [31:0]        ar_addr_o,
  input  logic               r_valid_i,
  output logic               r_ready_o,
  input  logic [DW-1:0]      r_data_i,
  // engines
  output logic               dmain_valid_o,
  input  logic               dmain_ready_i,
  output logic [DMA_W-1:0]   dmain_cmd_o,
  input  logic               dmain_idle_i,
  output logic               dmaout_valid_o,
  input  logic               dmaout_ready_i,
  output logic [DMA_W-1:0]   dmaout_cmd_o,
  input  logic               dmaout_idle_i,
  output logic               pe_valid_o,
  input  logic               pe_ready_i,
  output logic [PE_W-1:0]    pe_cmd_o,
  input  logic               pe_idle_i,
  output logic               act_valid_o,
  input  logic               act_ready_i,
  output logic [ACT_W-1:0]   act_cmd_o,
  input  logic               act_idle_i,
  // counter events
  output logic               cnt_fetch_o,
  output logic [3:0]         busy_o,
  output logic [3:0]         stall_o
);
  // ------------------------------------------------------ fetch unit
  // A two-slot ring of fetched commands.  The issue side starts command
  // a_idx_q in the empty slot a_slot_q: it first checks NO_END and
  // FETCH_WINDOW (a failing check leaves the slot in S_FAULT and stops
  // issuing), then sends the command's read requests.  Read data fill the
  // slots in order (r_slot_q); the decoder takes full slots in order
  // (d_slot_q).  f_stop (END or fault decoded) stops issuing; the unit is
  // idle once no read is outstanding.
  localparam logic [1:0] S_EMPTY = 2'd0;
  localparam logic [1:0] S_FILL  = 2'd1;
  localparam logic [1:0] S_FULL  = 2'd2;
  localparam logic [1:0] S_FAULT = 2'd3;

  logic [3:0]           s_st_d, s_st_q;       // slot s at [2*s +: 2]
  logic [2*LW-1:0]      s_off_d, s_off_q;     // slot s at [LW*s +: LW]
  logic [47:0]          s_idx_d, s_idx_q;     // slot s at [24*s +: 24]
  logic [15:0]          s_err_d, s_err_q;     // slot s at [8*s +: 8]
  logic [NBEATS*DW-1:0] buf0_q, buf1_q;
  logic                 a_slot_d, a_slot_q, r_slot_d, r_slot_q;
  logic                 d_slot_d, d_slot_q;
  logic                 a_stop_d, a_stop_q;
  logic [31:0]          a_idx_d, a_idx_q;
  logic [39:0]          a_addr_d, a_addr_q;
  logic [3:0]           a_cnt_d, a_cnt_q, r_cnt_d, r_cnt_q;
  logic [4:0]           outst_d, outst_q;
  logic                 fetch_ok, f_stop, f_take, f_idle, running;
  logic [3:0]           a_nb, r_nb;
  logic [1:0]           a_st, r_st, d_st_slot;

  function automatic logic [3:0] beats(input logic [LW-1:0] off);
    beats = (off == '0) ? 4'(NBEATS - 1) : 4'(NBEATS);
  endfunction

  assign a_st      = s_st_q[2*a_slot_q +: 2];
  assign r_st      = s_st_q[2*r_slot_q +: 2];
  assign d_st_slot = s_st_q[2*d_slot_q +: 2];
  assign a_nb      = beats(s_off_q[LW*a_slot_q +: LW]);
  assign r_nb      = beats(s_off_q[LW*r_slot_q +: LW]);

  // the 64 bytes at a_addr_q lie inside [win_lo, win_hi)
  assign fetch_ok = (a_addr_q >= {8'd0, win_lo_i}) &&
                    (a_addr_q + 40'd64 <= {8'd0, win_hi_i});

  assign ar_valid_o = (a_st == S_FILL) && (a_cnt_q != a_nb) && !f_stop;
  assign ar_addr_o  = {a_addr_q[31:LW], {LW{1'b0}}} +
                      32'({a_cnt_q, {LW{1'b0}}});
  assign r_ready_o  = 1'b1;
  assign f_idle     = (outst_q == 5'd0);

  always_ff @(posedge clk_i) begin
    if (r_valid_i && !r_slot_q) begin
      buf0_q[DW*r_cnt_q +: DW] <= r_data_i;
    end
    if (r_valid_i && r_slot_q) begin
      buf1_q[DW*r_cnt_q +: DW] <= r_data_i;
    end
  end

  always_comb begin
    s_st_d   = s_st_q;
    s_off_d  = s_off_q;
    s_idx_d  = s_idx_q;
    s_err_d  = s_err_q;
    a_slot_d = a_slot_q;
    r_slot_d = r_slot_q;
    d_slot_d = d_slot_q;
    a_stop_d = a_stop_q;
    a_idx_d  = a_idx_q;
    a_addr_d = a_addr_q;
    a_cnt_d  = a_cnt_q;
    r_cnt_d  = r_cnt_q;
    outst_d  = outst_q + {4'd0, ar_valid_o && ar_ready_i} -
               {4'd0, r_valid_i};
    if (start_i && !running) begin
      s_st_d   = {S_EMPTY, S_EMPTY};
      a_slot_d = 1'b0;
      r_slot_d = 1'b0;
      d_slot_d = 1'b0;
      a_stop_d = 1'b0;
      a_idx_d  = 32'd0;
      a_addr_d = {8'd0, cmd_base_i};
      a_cnt_d  = 4'd0;
      r_cnt_d  = 4'd0;
    end else begin
      // issue side
      if (running && !f_stop && !a_stop_q && a_st == S_EMPTY) begin
        s_idx_d[24*a_slot_q +: 24] = a_idx_q[23:0];
        s_off_d[LW*a_slot_q +: LW] = a_addr_q[LW-1:0];
        a_cnt_d           = 4'd0;
        if (a_idx_q == cmd_count_i) begin
          s_st_d[2*a_slot_q +: 2] = S_FAULT;
          s_err_d[8*a_slot_q +: 8]       = `ATOLL_ERR_NO_END;
          a_stop_d                = 1'b1;
        end else if (!fetch_ok) begin
          s_st_d[2*a_slot_q +: 2] = S_FAULT;
          s_err_d[8*a_slot_q +: 8]       = `ATOLL_ERR_FETCH_WINDOW;
          a_stop_d                = 1'b1;
        end else begin
          s_st_d[2*a_slot_q +: 2] = S_FILL;
        end
      end else if (ar_valid_o && ar_ready_i) begin
        a_cnt_d = a_cnt_q + 4'd1;
        if (a_cnt_q == a_nb - 4'd1) begin
          a_idx_d  = a_idx_q + 32'd1;
          a_addr_d = a_addr_q + 40'd64;
          a_slot_d = !a_slot_q;
        end
      end
      // receive side
      if (r_valid_i) begin
        r_cnt_d = r_cnt_q + 4'd1;
        if (r_cnt_q == r_nb - 4'd1) begin
          r_cnt_d = 4'd0;
          r_slot_d = !r_slot_q;
          if (r_st == S_FILL) begin
            s_st_d[2*r_slot_q +: 2] = S_FULL;
          end
        end
      end
      // decoder side
      if (f_take) begin
        s_st_d[2*d_slot_q +: 2] = S_EMPTY;
        d_slot_d = !d_slot_q;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s_st_q   <= {S_EMPTY, S_EMPTY};
      a_slot_q <= 1'b0;
      r_slot_q <= 1'b0;
      d_slot_q <= 1'b0;
      a_stop_q <= 1'b0;
      a_idx_q  <= 32'd0;
      a_addr_q <= 40'd0;
      a_cnt_q  <= 4'd0;
      r_cnt_q  <= 4'd0;
      outst_q  <= 5'd0;
      s_off_q  <= '0;
      s_idx_q  <= '0;
      s_err_q  <= '0;
    end else begin
      s_st_q   <= s_st_d;
      a_slot_q <= a_slot_d;
      r_slot_q <= r_slot_d;
      d_slot_q <= d_slot_d;
      a_stop_q <= a_stop_d;
      a_idx_q  <= a_idx_d;
      a_addr_q <= a_addr_d;
      a_cnt_q  <= a_cnt_d;
      r_cnt_q  <= r_cnt_d;
      outst_q  <= outst_d;
      s_off_q  <= s_off_d;
      s_idx_q  <= s_idx_d;
      s_err_q  <= s_err_d;
    end
  end

  // -------------------------------------------------------- decoder
  localparam logic [2:0] D_IDLE  = 3'd0;
  localparam logic [2:0] D_WAIT  = 3'd1;
  localparam logic [2:0] D_DEC   = 3'd2;
  localparam logic [2:0] D_CHECK = 3'd3;
  localparam logic [2:0] D_DISP  = 3'd4;
  localparam logic [2:0] D_DRAIN = 3'd5;
  localparam logic [2:0] D_HALT  = 3'd6;

  logic [2:0]   d_st_d, d_st_q;
  logic [23:0]  d_idx_q;
  logic [511:0] cmd;
  logic         done_d, done_q, error_d, error_q;
  logic [31:0]  errw_d, errw_q;
  logic         chk_start, chk_done;
  logic [7:0]   chk_err;
  logic         all_idle;
  logic [3:0]   seq_idle, push_valid, push_ready, sig;
  logic [1:0]   target;

  assign f_take  = (d_st_q == D_WAIT) && (d_st_slot == S_FULL);
  assign running = (d_st_q != D_IDLE);
  assign f_stop = (d_st_q == D_DRAIN) || (d_st_q == D_HALT);

  always_ff @(posedge clk_i) begin
    if (f_take) begin
      cmd     <= 512'((d_slot_q ? buf1_q : buf0_q) >> (8 * s_off_q[LW*d_slot_q +: LW]));
      d_idx_q <= s_idx_q[24*d_slot_q +: 24];
    end
  end

  atoll_cmd_check #(
    .ROWS       (ROWS),
    .COLS       (COLS),
    .SPM_BYTES  (SPM_BYTES),
    .PSUM_DEPTH (PSUM_DEPTH),
    .SEMS       (SEMS)
  ) u_check (
    .clk_i    (clk_i),
    .rst_ni   (rst_ni),
    .start_i  (chk_start),
    .cmd_i    (cmd),
    .win_lo_i (win_lo_i),
    .win_hi_i (win_hi_i),
    .done_o   (chk_done),
    .err_o    (chk_err)
  );

  always_comb begin
    case (cmd[7:0])
      `ATOLL_OP_DMA_IN:  target = 2'd0;
      `ATOLL_OP_DMA_OUT: target = 2'd1;
      `ATOLL_OP_MOVE:    target = 2'd1;
      `ATOLL_OP_LDW:     target = 2'd2;
      `ATOLL_OP_MM:      target = 2'd2;
      `ATOLL_OP_ACT:     target = 2'd3;
      `ATOLL_OP_ADD:     target = 2'd3;
      `ATOLL_OP_POOL:    target = 2'd3;
      default:           target = `ATOLL_FLD(cmd, `ATOLL_SEM_ENGINE_WORD,
                                             `ATOLL_SEM_ENGINE_LSB,
                                             `ATOLL_SEM_ENGINE_WIDTH);
    endcase
  end

  always_comb begin
    push_valid = 4'd0;
    if (d_st_q == D_DISP) begin
      push_valid[target] = 1'b1;
    end
  end

  assign all_idle = (&seq_idle) && f_idle;

  always_comb begin
    d_st_d    = d_st_q;
    done_d    = done_q;
    error_d   = error_q;
    errw_d    = errw_q;
    chk_start = 1'b0;
    case (d_st_q)
      D_IDLE: begin
        if (start_i) begin
          d_st_d  = D_WAIT;
          done_d  = 1'b0;
          error_d = 1'b0;
          errw_d  = 32'd0;
        end
      end
      D_WAIT: begin
        if (d_st_slot == S_FAULT) begin
          errw_d = {s_idx_q[24*d_slot_q +: 24], s_err_q[8*d_slot_q +: 8]};
          d_st_d = D_HALT;
        end else if (d_st_slot == S_FULL) begin
          d_st_d = D_DEC;
        end
      end
      D_DEC: begin
        chk_start = 1'b1;
        d_st_d    = D_CHECK;
      end
      D_CHECK: begin
        if (chk_done) begin
          if (chk_err != `ATOLL_ERR_NONE) begin
            errw_d = {d_idx_q, chk_err};
            d_st_d = D_HALT;
          end else if (cmd[7:0] == `ATOLL_OP_END) begin
            d_st_d = D_DRAIN;
          end else begin
            d_st_d = D_DISP;
          end
        end
      end
      D_DISP: begin
        if (push_ready[target]) begin
          d_st_d = D_WAIT;
        end
      end
      D_DRAIN: begin
        if (all_idle) begin
          done_d = 1'b1;
          d_st_d = D_IDLE;
        end
      end
      D_HALT: begin
        if (all_idle) begin
          error_d = 1'b1;
          d_st_d  = D_IDLE;
        end
      end
      default: begin
        d_st_d = D_IDLE;
      end
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      d_st_q  <= D_IDLE;
      done_q  <= 1'b0;
      error_q <= 1'b0;
      errw_q  <= 32'd0;
    end else begin
      d_st_q  <= d_st_d;
      done_q  <= done_d;
      error_q <= error_d;
      errw_q  <= errw_d;
    end
  end

  `ATOLL_ASSERT(cp_rdata_unexpected, clk_i, rst_ni,
                !r_valid_i || (outst_q != 5'd0 && r_st == S_FILL))

  assign running_o    = running;
  assign done_o       = done_q;
  assign error_o      = error_q;
  assign error_word_o = errw_q;
  assign cnt_fetch_o  = f_take;

  // -------------------------------------------- queues and semaphores
  logic        clear, halt;
  logic [4*8-1:0]  sem_idx;
  logic [4*32-1:0] sem_val;

  assign clear = (d_st_q == D_IDLE) && start_i;
  assign halt  = (d_st_q == D_HALT);

  atoll_sem #(
    .SEMS (SEMS),
    .NENG (4)
  ) u_sem (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .clear_i   (clear),
    .sig_i     (sig),
    .sig_idx_i (sem_idx),
    .rd_idx_i  (sem_idx),
    .rd_val_o  (sem_val)
  );

  atoll_eng_seq #(
    .WORDS       (14),
    .QUEUE_DEPTH (QUEUE_DEPTH)
  ) u_seq_dmain (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .clear_i      (clear),
    .halt_i       (halt),
    .push_valid_i (push_valid[0]),
    .push_ready_o (push_ready[0]),
    .push_data_i  (cmd[DMA_W-1:0]),
    .sem_idx_o    (sem_idx[0 +: 8]),
    .sem_val_i    (sem_val[0 +: 32]),
    .sig_o        (sig[0]),
    .eng_valid_o  (dmain_valid_o),
    .eng_ready_i  (dmain_ready_i),
    .eng_cmd_o    (dmain_cmd_o),
    .eng_idle_i   (dmain_idle_i),
    .idle_o       (seq_idle[0]),
    .busy_o       (busy_o[0]),
    .stall_o      (stall_o[0])
  );

  atoll_eng_seq #(
    .WORDS       (14),
    .QUEUE_DEPTH (QUEUE_DEPTH)
  ) u_seq_dmaout (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .clear_i      (clear),
    .halt_i       (halt),
    .push_valid_i (push_valid[1]),
    .push_ready_o (push_ready[1]),
    .push_data_i  (cmd[DMA_W-1:0]),
    .sem_idx_o    (sem_idx[8 +: 8]),
    .sem_val_i    (sem_val[32 +: 32]),
    .sig_o        (sig[1]),
    .eng_valid_o  (dmaout_valid_o),
    .eng_ready_i  (dmaout_ready_i),
    .eng_cmd_o    (dmaout_cmd_o),
    .eng_idle_i   (dmaout_idle_i),
    .idle_o       (seq_idle[1]),
    .busy_o       (busy_o[1]),
    .stall_o      (stall_o[1])
  );

  atoll_eng_seq #(
    .WORDS       (10),
    .QUEUE_DEPTH (QUEUE_DEPTH)
  ) u_seq_pe (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .clear_i      (clear),
    .halt_i       (halt),
    .push_valid_i (push_valid[2]),
    .push_ready_o (push_ready[2]),
    .push_data_i  (cmd[PE_W-1:0]),
    .sem_idx_o    (sem_idx[16 +: 8]),
    .sem_val_i    (sem_val[64 +: 32]),
    .sig_o        (sig[2]),
    .eng_valid_o  (pe_valid_o),
    .eng_ready_i  (pe_ready_i),
    .eng_cmd_o    (pe_cmd_o),
    .eng_idle_i   (pe_idle_i),
    .idle_o       (seq_idle[2]),
    .busy_o       (busy_o[2]),
    .stall_o      (stall_o[2])
  );

  atoll_eng_seq #(
    .WORDS       (15),
    .QUEUE_DEPTH (QUEUE_DEPTH)
  ) u_seq_act (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .clear_i      (clear),
    .halt_i       (halt),
    .push_valid_i (push_valid[3]),
    .push_ready_o (push_ready[3]),
    .push_data_i  (cmd[ACT_W-1:0]),
    .sem_idx_o    (sem_idx[24 +: 8]),
    .sem_val_i    (sem_val[96 +: 32]),
    .sig_o        (sig[3]),
    .eng_valid_o  (act_valid_o),
    .eng_ready_i  (act_ready_i),
    .eng_cmd_o    (act_cmd_o),
    .eng_idle_i   (act_idle_i),
    .idle_o       (seq_idle[3]),
    .busy_o       (busy_o[3]),
    .stall_o      (stall_o[3])
  );
endmodule : atoll_cmdproc
