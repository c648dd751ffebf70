// PE engine: executes LDW and MM (docs/isa.md) on atoll_array.
//
// LDW reads the zero-point row one SPM word (BUS_BYTES bytes) per cycle,
// as many cycles as bus words [ZP_ADDR, ZP_ADDR + NCOLS) touches, and
// then one weight column per cycle (all rows in parallel), writing
// Wt[r][c] = w - zp.
// MM walks the (i1, i0) position grid, one position per cycle: positions
// inside the image read one byte from each of the NROWS partitions
// (implicit im2col), outside positions are zero (padding); the vector
// enters the array, and the column sums leave it ROWS + COLS - 1 cycles
// later into the PSUM accumulate-on-write port.  The PE read port of the
// SPM has top priority, so MM never stalls.
//
// Overlap: the array holds two weight banks.  Each LDW loads the bank the
// MMs since the previous LDW do not use (and makes it current); each MM
// tags its vectors with the current bank.  Stage 1 (SPM reads) takes the
// next command in the last cycle of the previous one, so commands follow
// each other without a gap while earlier vectors still drain: an LDW
// loads the other bank under the previous MM's drain, and the next MM
// enters right behind it.  An LDW waits only while vectors using the
// bank it loads are still in flight (two LDWs within one drain).
// Everything stage 2 and the array need travels with the data (stage-2
// copies of the command fields; bank, ACC, NCOLS and PSUM address with
// each vector).  The engine is idle once the last PSUM write landed.
//
// Word buffer: a read returns the whole SPM word (BUS_BYTES lanes) of
// every partition read; the engine keeps the last one and reads the SPM
// again only when the address moves to another word, so a contiguous
// walk reads each partition once per BUS_BYTES positions and leaves the
// SPM to the ACT engine and DMA-out in between.  The buffer is emptied
// when a command starts, between the zero points and the weights of an
// LDW, and at the end of every row of MM positions (SPM contents change
// only between commands in race-free programs).  The counters count the
// reads docs/isa.md defines, whatever the buffer saves.
`include "atoll_config.vh"
`include "atoll_isa.vh"
`include "atoll_defs.vh"

module atoll_pe_engine #(
  parameter int ROWS       = `ATOLL_CFG_ROWS,
  parameter int COLS       = `ATOLL_CFG_COLS,
  parameter int SPM_BYTES  = `ATOLL_CFG_SPM_BYTES,
  parameter int PSUM_DEPTH = `ATOLL_CFG_PSUM_DEPTH,
  parameter int BUS_BYTES  = `ATOLL_CFG_DRAM_BUS_BYTES,
  localparam int CMD_W     = 10 * 32,
  localparam int AW        = $clog2(SPM_BYTES),
  localparam int PAW       = $clog2(PSUM_DEPTH),
  localparam int PW        = (ROWS > 1) ? $clog2(ROWS) : 1,
  localparam int CW        = (COLS > 1) ? $clog2(COLS) : 1,
  localparam int LB        = $clog2(BUS_BYTES),
  localparam int LW        = (BUS_BYTES > 1) ? LB : 1,
  localparam int DW        = BUS_BYTES * 8
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  // command
  input  logic               cmd_valid_i,
  output logic               cmd_ready_o,
  input  logic [CMD_W-1:0]   cmd_i,
  output logic               idle_o,
  // SPM PE read port (always granted)
  output logic [ROWS-1:0]    spm_re_o,
  output logic [AW-1:0]      spm_raddr_o,
  input  logic [ROWS*DW-1:0] spm_rword_i,
  // PSUM accumulate-on-write port
  output logic               acc_valid_o,
  output logic [COLS-1:0]    acc_mask_o,
  output logic [PAW-1:0]     acc_addr_o,
  output logic               acc_add_o,
  output logic [COLS*32-1:0] acc_data_o,
  input  logic               acc_pending_i,
  // counter events this cycle
  output logic [31:0]        cnt_macs_o,
  output logic [15:0]        cnt_spm_rd_o,
  output logic [15:0]        cnt_psum_rd_o,
  output logic [15:0]        cnt_psum_wr_o
);
  localparam logic [2:0] ST_IDLE  = 3'd0;
  localparam logic [2:0] ST_ZP    = 3'd1;
  localparam logic [2:0] ST_W     = 3'd2;
  localparam logic [2:0] ST_MM    = 3'd3;

  // ---------------------------------------------------------- fields
  logic f_ldw_w_signed;
  assign f_ldw_w_signed = `ATOLL_FLD(cmd_i, `ATOLL_LDW_W_SIGNED_WORD,
                                     `ATOLL_LDW_W_SIGNED_LSB, `ATOLL_LDW_W_SIGNED_WIDTH);
  logic [`ATOLL_LDW_NROWS_WIDTH-1:0] f_ldw_nrows;
  assign f_ldw_nrows = `ATOLL_FLD(cmd_i, `ATOLL_LDW_NROWS_WORD,
                                  `ATOLL_LDW_NROWS_LSB, `ATOLL_LDW_NROWS_WIDTH);
  logic [`ATOLL_LDW_NCOLS_WIDTH-1:0] f_ldw_ncols;
  assign f_ldw_ncols = `ATOLL_FLD(cmd_i, `ATOLL_LDW_NCOLS_WORD,
                                  `ATOLL_LDW_NCOLS_LSB, `ATOLL_LDW_NCOLS_WIDTH);
  logic [`ATOLL_LDW_W_ADDR_WIDTH-1:0] f_ldw_w_addr;
  assign f_ldw_w_addr = `ATOLL_FLD(cmd_i, `ATOLL_LDW_W_ADDR_WORD,
                                   `ATOLL_LDW_W_ADDR_LSB, `ATOLL_LDW_W_ADDR_WIDTH);
  logic [`ATOLL_LDW_W_PART_WIDTH-1:0] f_ldw_w_part;
  assign f_ldw_w_part = `ATOLL_FLD(cmd_i, `ATOLL_LDW_W_PART_WORD,
                                   `ATOLL_LDW_W_PART_LSB, `ATOLL_LDW_W_PART_WIDTH);
  logic [`ATOLL_LDW_ZP_ADDR_WIDTH-1:0] f_ldw_zp_addr;
  assign f_ldw_zp_addr = `ATOLL_FLD(cmd_i, `ATOLL_LDW_ZP_ADDR_WORD,
                                    `ATOLL_LDW_ZP_ADDR_LSB, `ATOLL_LDW_ZP_ADDR_WIDTH);
  logic [`ATOLL_LDW_ZP_PART_WIDTH-1:0] f_ldw_zp_part;
  assign f_ldw_zp_part = `ATOLL_FLD(cmd_i, `ATOLL_LDW_ZP_PART_WORD,
                                    `ATOLL_LDW_ZP_PART_LSB, `ATOLL_LDW_ZP_PART_WIDTH);
  logic f_mm_x_signed;
  assign f_mm_x_signed = `ATOLL_FLD(cmd_i, `ATOLL_MM_X_SIGNED_WORD,
                                    `ATOLL_MM_X_SIGNED_LSB, `ATOLL_MM_X_SIGNED_WIDTH);
  logic f_mm_acc;
  assign f_mm_acc = `ATOLL_FLD(cmd_i, `ATOLL_MM_ACC_WORD,
                               `ATOLL_MM_ACC_LSB, `ATOLL_MM_ACC_WIDTH);
  logic [`ATOLL_MM_NROWS_WIDTH-1:0] f_mm_nrows;
  assign f_mm_nrows = `ATOLL_FLD(cmd_i, `ATOLL_MM_NROWS_WORD,
                                 `ATOLL_MM_NROWS_LSB, `ATOLL_MM_NROWS_WIDTH);
  logic [`ATOLL_MM_NCOLS_WIDTH-1:0] f_mm_ncols;
  assign f_mm_ncols = `ATOLL_FLD(cmd_i, `ATOLL_MM_NCOLS_WORD,
                                 `ATOLL_MM_NCOLS_LSB, `ATOLL_MM_NCOLS_WIDTH);
  logic [`ATOLL_MM_X_ADDR_WIDTH-1:0] f_mm_x_addr;
  assign f_mm_x_addr = `ATOLL_FLD(cmd_i, `ATOLL_MM_X_ADDR_WORD,
                                  `ATOLL_MM_X_ADDR_LSB, `ATOLL_MM_X_ADDR_WIDTH);
  logic [`ATOLL_MM_X_PART_WIDTH-1:0] f_mm_x_part;
  assign f_mm_x_part = `ATOLL_FLD(cmd_i, `ATOLL_MM_X_PART_WORD,
                                  `ATOLL_MM_X_PART_LSB, `ATOLL_MM_X_PART_WIDTH);
  logic [`ATOLL_MM_X_ZP_WIDTH-1:0] f_mm_x_zp;
  assign f_mm_x_zp = `ATOLL_FLD(cmd_i, `ATOLL_MM_X_ZP_WORD,
                                `ATOLL_MM_X_ZP_LSB, `ATOLL_MM_X_ZP_WIDTH);
  logic [`ATOLL_MM_PITCH_WIDTH-1:0] f_mm_pitch;
  assign f_mm_pitch = `ATOLL_FLD(cmd_i, `ATOLL_MM_PITCH_WORD,
                                 `ATOLL_MM_PITCH_LSB, `ATOLL_MM_PITCH_WIDTH);
  logic [`ATOLL_MM_H_WIDTH-1:0] f_mm_h;
  assign f_mm_h = `ATOLL_FLD(cmd_i, `ATOLL_MM_H_WORD,
                             `ATOLL_MM_H_LSB, `ATOLL_MM_H_WIDTH);
  logic [`ATOLL_MM_W_WIDTH-1:0] f_mm_w;
  assign f_mm_w = `ATOLL_FLD(cmd_i, `ATOLL_MM_W_WORD,
                             `ATOLL_MM_W_LSB, `ATOLL_MM_W_WIDTH);
  logic signed [`ATOLL_MM_Y0_WIDTH-1:0] f_mm_y0;
  assign f_mm_y0 = `ATOLL_FLD(cmd_i, `ATOLL_MM_Y0_WORD,
                              `ATOLL_MM_Y0_LSB, `ATOLL_MM_Y0_WIDTH);
  logic signed [`ATOLL_MM_X0_WIDTH-1:0] f_mm_x0;
  assign f_mm_x0 = `ATOLL_FLD(cmd_i, `ATOLL_MM_X0_WORD,
                              `ATOLL_MM_X0_LSB, `ATOLL_MM_X0_WIDTH);
  logic signed [`ATOLL_MM_SY_WIDTH-1:0] f_mm_sy;
  assign f_mm_sy = `ATOLL_FLD(cmd_i, `ATOLL_MM_SY_WORD,
                              `ATOLL_MM_SY_LSB, `ATOLL_MM_SY_WIDTH);
  logic signed [`ATOLL_MM_SX_WIDTH-1:0] f_mm_sx;
  assign f_mm_sx = `ATOLL_FLD(cmd_i, `ATOLL_MM_SX_WORD,
                              `ATOLL_MM_SX_LSB, `ATOLL_MM_SX_WIDTH);
  logic [`ATOLL_MM_N0_WIDTH-1:0] f_mm_n0;
  assign f_mm_n0 = `ATOLL_FLD(cmd_i, `ATOLL_MM_N0_WORD,
                              `ATOLL_MM_N0_LSB, `ATOLL_MM_N0_WIDTH);
  logic [`ATOLL_MM_N1_WIDTH-1:0] f_mm_n1;
  assign f_mm_n1 = `ATOLL_FLD(cmd_i, `ATOLL_MM_N1_WORD,
                              `ATOLL_MM_N1_LSB, `ATOLL_MM_N1_WIDTH);
  logic [`ATOLL_MM_PSUM_ADDR_WIDTH-1:0] f_mm_psum_addr;
  assign f_mm_psum_addr = `ATOLL_FLD(cmd_i, `ATOLL_MM_PSUM_ADDR_WORD,
                                     `ATOLL_MM_PSUM_ADDR_LSB, `ATOLL_MM_PSUM_ADDR_WIDTH);
  logic signed [`ATOLL_MM_PS0_WIDTH-1:0] f_mm_ps0;
  assign f_mm_ps0 = `ATOLL_FLD(cmd_i, `ATOLL_MM_PS0_WORD,
                               `ATOLL_MM_PS0_LSB, `ATOLL_MM_PS0_WIDTH);
  logic signed [`ATOLL_MM_PS1_WIDTH-1:0] f_mm_ps1;
  assign f_mm_ps1 = `ATOLL_FLD(cmd_i, `ATOLL_MM_PS1_WORD,
                               `ATOLL_MM_PS1_LSB, `ATOLL_MM_PS1_WIDTH);

  logic [7:0]  opcode;
  logic        accept, is_ldw;
  assign opcode = cmd_i[7:0];

  // opcode handled by the sequencer; reserved bits checked by the CP
  // (range checks keep partitions below ROWS and addresses below SPM_BYTES)
  logic unused_cmd;
  assign unused_cmd = ^{cmd_i[10 +: 6], cmd_i[32*2 + 24 +: 8],
                        cmd_i[32*3 + 16 +: 16], cmd_i[32*4 + 16 +: 16],
                        f_ldw_w_addr[31:AW], f_ldw_w_part[15:PW],
                        f_ldw_zp_addr[31:AW], f_ldw_zp_part[15:PW],
                        f_mm_x_addr[31:AW], f_mm_x_part[15:PW],
                        pos_addr[31:AW]};

  // ----------------------------------------------- stage 2 state
  localparam logic [1:0] K_ZP = 2'd0;
  localparam logic [1:0] K_W  = 2'd1;
  localparam logic [1:0] K_MM = 2'd2;

  localparam int TAG_W = CW + 1 + PAW;

  // stage 2 works on copies of the command fields, so that stage 1 may
  // take the next command meanwhile
  logic               s2_valid_q, s2_in_img_q;
  logic [1:0]         s2_kind_q;
  logic [7:0]         s2_k_q;
  logic [PAW-1:0]     s2_pa_q;
  logic               s2_sgn_q, s2_bank_q, s2_acc_q;
  logic [7:0]         s2_nrows_q;
  logic [PW-1:0]      s2_part_q, s2_zp_part_q;
  logic [8:0]         s2_xzp_q;
  logic [CW-1:0]      s2_ncm1_q;
  // word buffer (stage 2 side): the position read the SPM (s2_rd_q) or
  // found its word buffered (s2_hit_q); its byte lane
  logic               s2_rd_q, s2_hit_q;
  logic [LW-1:0]      s2_lane_q;
  logic [ROWS*DW-1:0] wb_data_q, s2_word;
  logic [ROWS*8-1:0]  s2_byte;
  logic [TAG_W-1:0]   arr_tag;
  logic [CW-1:0]      arr_ncm1;
  logic [ROWS*8-1:0]  rot;
  logic [COLS*9-1:0]  zp_q;
  logic [ROWS*9-1:0]  wcol, avec;
  logic               arr_active, arr_valid;
  logic               s2_fire;

  // ------------------------------------------------ command registers
  logic [2:0]         st_d, st_q;
  logic               sgn_q, acc_q;
  logic [7:0]         nrows_q, ncols_q;
  logic [PW-1:0]      part_q, zp_part_q;
  logic [AW-1:0]      addr_q, zp_addr_q;
  logic [7:0]         x_zp_q;
  logic [15:0]        pitch_q, h_q, w_q, n0_q, n1_q;
  logic signed [33:0] x0_q, sy_q, sx_q;
  logic [31:0]        ps0_q, ps1_q;
  logic [15:0]        macs_q;
  logic [7:0]         k_d, k_q;
  // weight banks: cur_bank_q is the bank of the latest LDW; bank_q the
  // bank the command in stage 1 loads (LDW) or multiplies by (MM)
  logic               cur_bank_q, bank_q, ldw_ok, s1_last, s1_free;
  logic [1:0]         arr_bank_active;
  // MM position walk
  logic [15:0]        i0_d, i0_q, i1_d, i1_q;
  logic signed [33:0] y_d, y_q, x_d, x_q;
  logic [31:0]        pa_d, pa_q, parow_d, parow_q;
  logic               in_img, last_pos;
  logic [31:0]        pos_addr;

  // an LDW may clear and load bank !cur_bank_q once no vector using that
  // bank is in stage 2 or in the array (the MM in stage 1, if any, uses
  // cur_bank_q)
  assign is_ldw  = (opcode == `ATOLL_OP_LDW);
  assign ldw_ok  = !arr_bank_active[!cur_bank_q] &&
                   !(s2_valid_q && s2_kind_q == K_MM &&
                     s2_bank_q == !cur_bank_q);
  // zero points: bus words touched minus one, the last word's read
  logic [31:0] zp_lane0, zp_lastk, zp_hi;
  logic        zp_last;
  assign zp_lane0 = 32'(zp_addr_q) & (BUS_BYTES - 1);
  assign zp_lastk = (zp_lane0 + 32'(ncols_q) - 32'd1) >> LB;
  assign zp_last  = (32'(k_q) == zp_lastk);
  // end (exclusive, relative to the word) of the zero points in word k_q
  assign zp_hi    = (zp_lane0 + 32'(ncols_q) - (32'(k_q) << LB) > 32'(BUS_BYTES)) ?
                    32'(BUS_BYTES) : zp_lane0 + 32'(ncols_q) - (32'(k_q) << LB);

  assign s1_last = ((st_q == ST_W) && (k_q == ncols_q - 8'd1)) ||
                   ((st_q == ST_MM) && last_pos);
  assign s1_free = (st_q == ST_IDLE) || s1_last;

  assign cmd_ready_o = s1_free && (!is_ldw || ldw_ok);
  assign accept      = cmd_valid_i && cmd_ready_o;
  assign idle_o      = (st_q == ST_IDLE) && !s2_valid_q && !arr_active &&
                       !acc_pending_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cur_bank_q <= 1'b0;
    end else if (accept && is_ldw) begin
      cur_bank_q <= !cur_bank_q;
    end
  end

  always_ff @(posedge clk_i) begin
    if (accept) begin
      if (is_ldw) begin
        bank_q    <= !cur_bank_q;
        sgn_q     <= f_ldw_w_signed;
        nrows_q   <= f_ldw_nrows;
        ncols_q   <= f_ldw_ncols;
        part_q    <= PW'(f_ldw_w_part);
        addr_q    <= AW'(f_ldw_w_addr);
        zp_part_q <= PW'(f_ldw_zp_part);
        zp_addr_q <= AW'(f_ldw_zp_addr);
      end else begin
        bank_q    <= cur_bank_q;
        sgn_q     <= f_mm_x_signed;
        acc_q     <= f_mm_acc;
        nrows_q   <= f_mm_nrows;
        ncols_q   <= f_mm_ncols;
        part_q    <= PW'(f_mm_x_part);
        addr_q    <= AW'(f_mm_x_addr);
        x_zp_q    <= f_mm_x_zp;
        pitch_q   <= f_mm_pitch;
        h_q       <= f_mm_h;
        w_q       <= f_mm_w;
        n0_q      <= f_mm_n0;
        n1_q      <= f_mm_n1;
        x0_q      <= 34'($signed(f_mm_x0));
        sy_q      <= 34'($signed(f_mm_sy));
        sx_q      <= 34'($signed(f_mm_sx));
        ps0_q     <= 32'($signed(f_mm_ps0));
        ps1_q     <= 32'($signed(f_mm_ps1));
        macs_q    <= f_mm_nrows * f_mm_ncols;
      end
    end
  end

  assign in_img = (y_q >= 0) && (y_q < $signed({18'd0, h_q})) &&
                  (x_q >= 0) && (x_q < $signed({18'd0, w_q}));
  assign last_pos = (i0_q == n0_q - 16'd1) && (i1_q == n1_q - 16'd1);
  assign pos_addr = 32'(addr_q) + y_q[15:0] * pitch_q + 32'(x_q[15:0]);

  // ------------------------------------------------------- stage 1
  always_comb begin
    st_d    = st_q;
    k_d     = k_q;
    i0_d    = i0_q;
    i1_d    = i1_q;
    y_d     = y_q;
    x_d     = x_q;
    pa_d    = pa_q;
    parow_d = parow_q;
    case (st_q)
      ST_ZP: begin
        k_d = k_q + 8'd1;
        if (zp_last) begin
          k_d  = 8'd0;
          st_d = ST_W;
        end
      end
      ST_W: begin
        k_d = k_q + 8'd1;
      end
      ST_MM: begin
        if (last_pos) begin
          st_d = ST_IDLE;
        end else if (i0_q != n0_q - 16'd1) begin
          i0_d = i0_q + 16'd1;
          x_d  = x_q + sx_q;
          pa_d = pa_q + ps0_q;
        end else begin
          i0_d    = 16'd0;
          i1_d    = i1_q + 16'd1;
          x_d     = x0_q;
          y_d     = y_q + sy_q;
          parow_d = parow_q + ps1_q;
          pa_d    = parow_q + ps1_q;
        end
      end
      default: begin
        st_d = ST_IDLE;
      end
    endcase
    if (s1_last) begin
      st_d = ST_IDLE;
    end
    if (accept) begin
      k_d = 8'd0;
      if (is_ldw) begin
        st_d = ST_ZP;
      end else begin
        st_d    = ST_MM;
        i0_d    = 16'd0;
        i1_d    = 16'd0;
        y_d     = 34'($signed(f_mm_y0));
        x_d     = 34'($signed(f_mm_x0));
        pa_d    = f_mm_psum_addr;
        parow_d = f_mm_psum_addr;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_q <= ST_IDLE;
    end else begin
      st_q <= st_d;
    end
  end

  always_ff @(posedge clk_i) begin
    k_q     <= k_d;
    i0_q    <= i0_d;
    i1_q    <= i1_d;
    y_q     <= y_d;
    x_q     <= x_d;
    pa_q    <= pa_d;
    parow_q <= parow_d;
  end

  // word buffer (stage 1 side): the word index of the buffered word
  logic          need_rd, hit, wb_valid_q;
  logic [AW-1:0] wb_word_q, rd_word;

  assign need_rd = (st_q == ST_ZP) || (st_q == ST_W) ||
                   ((st_q == ST_MM) && in_img);
  assign rd_word = spm_raddr_o >> LB;
  assign hit     = need_rd && wb_valid_q && (rd_word == wb_word_q);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wb_valid_q <= 1'b0;
    end else if (accept || (st_q == ST_ZP && zp_last) ||
                 (st_q == ST_MM && i0_q == n0_q - 16'd1)) begin
      wb_valid_q <= 1'b0;
    end else if (need_rd) begin
      wb_valid_q <= 1'b1;
    end
  end

  always_ff @(posedge clk_i) begin
    if (need_rd) begin
      wb_word_q <= rd_word;
    end
  end

  // SPM reads of stage 1 (none when the word is buffered)
  always_comb begin
    spm_re_o    = '0;
    spm_raddr_o = addr_q + AW'(k_q);
    case (st_q)
      ST_ZP: begin
        spm_re_o[zp_part_q] = 1'b1;
        spm_raddr_o         = zp_addr_q + AW'(32'(k_q) << LB);
      end
      ST_W: begin
        for (int b = 0; b < ROWS; b++) begin
          spm_re_o[b] = (b >= 32'(part_q)) && (b < 32'(part_q) + 32'(nrows_q));
        end
      end
      ST_MM: begin
        spm_raddr_o = pos_addr[AW-1:0];
        for (int b = 0; b < ROWS; b++) begin
          spm_re_o[b] = in_img && (b >= 32'(part_q)) &&
                        (b < 32'(part_q) + 32'(nrows_q));
        end
      end
      default: begin
        spm_re_o = '0;
      end
    endcase
    if (hit) begin
      spm_re_o = '0;
    end
  end

  // ------------------------------------------------------- stage 2

  assign s2_fire = (st_q == ST_ZP) || (st_q == ST_W) || (st_q == ST_MM);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s2_valid_q <= 1'b0;
    end else begin
      s2_valid_q <= s2_fire;
    end
  end

  function automatic logic [8:0] val9(input logic [7:0] b, input logic s);
    val9 = s ? {b[7], b} : {1'b0, b};
  endfunction

  always_ff @(posedge clk_i) begin
    s2_kind_q   <= (st_q == ST_ZP) ? K_ZP : (st_q == ST_W) ? K_W : K_MM;
    s2_k_q      <= k_q;
    s2_in_img_q <= in_img;
    s2_pa_q     <= pa_q[PAW-1:0];
    s2_rd_q     <= need_rd;
    s2_hit_q    <= hit;
    s2_lane_q   <= LW'(spm_raddr_o & AW'(BUS_BYTES - 1));
    s2_sgn_q    <= sgn_q;
    s2_bank_q   <= bank_q;
    s2_acc_q    <= acc_q;
    s2_nrows_q  <= nrows_q;
    s2_part_q   <= part_q;
    s2_zp_part_q <= zp_part_q;
    s2_xzp_q    <= val9(x_zp_q, sgn_q);
    s2_ncm1_q   <= CW'(ncols_q - 8'd1);
  end

  always_ff @(posedge clk_i) begin
    if (s2_rd_q && !s2_hit_q) begin
      wb_data_q <= spm_rword_i;
    end
  end

  // each partition's byte of the position
  assign s2_word = s2_hit_q ? wb_data_q : spm_rword_i;
  always_comb begin
    for (int b = 0; b < ROWS; b++) begin
      s2_byte[8*b +: 8] = s2_word[DW*b + 8*32'(s2_lane_q) +: 8];
    end
  end

  // partition part_q + r feeds row r
  always_comb begin
    rot = '0;
    for (int r = 0; r < ROWS; r++) begin
      if (32'(s2_part_q) + r < ROWS && r < 32'(s2_nrows_q)) begin
        rot[8*r +: 8] = s2_byte[8*(32'(s2_part_q) + r) +: 8];
      end
    end
  end

  always_ff @(posedge clk_i) begin
    // the zero point of column c lies in word (lane0 + c) / BUS_BYTES of
    // the range, lane (lane0 + c) % BUS_BYTES (s2_lane_q is lane0)
    if (s2_valid_q && s2_kind_q == K_ZP) begin
      for (int c = 0; c < COLS; c++) begin
        if (((32'(s2_lane_q) + c) >> LB) == 32'(s2_k_q)) begin
          zp_q[9*c +: 9] <= val9(s2_word[DW*32'(s2_zp_part_q) +
                                         8*((32'(s2_lane_q) + c) %
                                            BUS_BYTES) +: 8], s2_sgn_q);
        end
      end
    end
  end

  always_comb begin
    wcol = '0;
    avec = '0;
    for (int r = 0; r < ROWS; r++) begin
      if (r < 32'(s2_nrows_q)) begin
        wcol[9*r +: 9] = val9(rot[8*r +: 8], s2_sgn_q) - zp_q[9*s2_k_q +: 9];
        if (s2_valid_q && s2_kind_q == K_MM && s2_in_img_q) begin
          avec[9*r +: 9] = val9(rot[8*r +: 8], s2_sgn_q) - s2_xzp_q;
        end
      end
    end
  end

  atoll_array #(
    .ROWS  (ROWS),
    .COLS  (COLS),
    .TAG_W (TAG_W)
  ) u_array (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .w_clear_i     ((accept && is_ldw) ? (cur_bank_q ? 2'b01 : 2'b10) : 2'b00),
    .w_bank_i      (s2_bank_q),
    .w_we_i        (s2_valid_q && s2_kind_q == K_W),
    .w_col_i       (CW'(s2_k_q)),
    .w_data_i      (wcol),
    .valid_i       (s2_valid_q && s2_kind_q == K_MM),
    .bank_i        (s2_bank_q),
    .tag_i         ({s2_ncm1_q, s2_acc_q, s2_pa_q}),
    .a_i           (avec),
    .valid_o       (arr_valid),
    .tag_o         (arr_tag),
    .active_o      (arr_active),
    .bank_active_o (arr_bank_active),
    .psum_o        (acc_data_o)
  );

  assign {arr_ncm1, acc_add_o, acc_addr_o} = arr_tag;
  assign acc_valid_o = arr_valid;

  always_comb begin
    for (int c = 0; c < COLS; c++) begin
      acc_mask_o[c] = (c <= 32'(arr_ncm1));
    end
  end

  // a bank is loaded only while no vector using it is in flight
  `ATOLL_ASSERT(pe_weights_in_flight, clk_i, rst_ni,
                !(s2_valid_q && s2_kind_q == K_W &&
                  arr_bank_active[s2_bank_q]))

  // ---------------------------------------------------------- counters
  always_comb begin
    cnt_macs_o    = 32'd0;
    cnt_spm_rd_o  = 16'd0;
    cnt_psum_rd_o = 16'd0;
    cnt_psum_wr_o = 16'd0;
    case (st_q)
      ST_ZP: cnt_spm_rd_o = 16'(zp_hi - ((k_q == 8'd0) ? zp_lane0 : 32'd0));
      ST_W:  cnt_spm_rd_o = 16'(nrows_q);
      ST_MM: begin
        cnt_macs_o    = 32'(macs_q);
        cnt_spm_rd_o  = in_img ? 16'(nrows_q) : 16'd0;
        cnt_psum_wr_o = {6'd0, ncols_q, 2'b00};
        cnt_psum_rd_o = acc_q ? {6'd0, ncols_q, 2'b00} : 16'd0;
      end
      default: begin
        cnt_macs_o = 32'd0;
      end
    endcase
  end
endmodule : atoll_pe_engine
