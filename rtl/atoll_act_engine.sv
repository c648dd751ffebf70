// ACT engine: executes ACT, ADD and POOL (docs/isa.md) with one lane per
// partition: lane i handles partition i of the command (SRC_PART + i,
// DST_PART + i, ...) and all NPARTS lanes work in lockstep on one element
// position (i1, i0) at a time.  Every address of ACT, ADD and POOL depends
// only on (i1, i0) (and the tap for POOL), never on i, so one address per
// memory job serves all lanes; each lane owns its own SPM bank / PSUM
// partition, so the lanes never contend.
//
// Pipeline: a front sequencer issues one memory job per cycle (a read of
// all lanes' banks at one address, held until granted; for POOL one job
// per tap, without a read when the tap is outside the image).  Read data
// arrive the cycle after the grant; on the last job of a position each
// lane computes its result (35 x 33 multiplier, atoll_rne, clamp; or
// starts its atoll_div_rne for average pooling) and the write stage then
// stores 1 or 4 bytes per lane, one byte per lane per cycle, overlapped
// with the reads of the next position.  ACT with PP first reads the
// `ATOLL_PARAM_BYTES-byte (bias, mult, shift) record of every partition,
// or with NB the `ATOLL_PARAM_NB_BYTES-byte (mult, shift) word and bias 0,
// one byte per cycle (same address in each DST_PART + i).  Processing
// partitions in parallel instead of one after the other differs from the
// specification's order only for programs whose result docs/isa.md leaves
// unspecified (clarification 12).
`include "atoll_config.vh"
`include "atoll_isa.vh"
`include "atoll_defs.vh"

module atoll_act_engine #(
  parameter int ROWS       = `ATOLL_CFG_ROWS,
  parameter int COLS       = `ATOLL_CFG_COLS,
  parameter int SPM_BYTES  = `ATOLL_CFG_SPM_BYTES,
  parameter int PSUM_DEPTH = `ATOLL_CFG_PSUM_DEPTH,
  localparam int CMD_W     = 15 * 32,
  localparam int AW        = $clog2(SPM_BYTES),
  localparam int PAW       = $clog2(PSUM_DEPTH)
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  // command
  input  logic               cmd_valid_i,
  output logic               cmd_ready_o,
  input  logic [CMD_W-1:0]   cmd_i,
  output logic               idle_o,
  // SPM read port: one enable per bank, one address for all
  output logic [ROWS-1:0]    spm_re_o,
  output logic [AW-1:0]      spm_raddr_o,
  input  logic               spm_rgnt_i,
  input  logic [ROWS*8-1:0]  spm_rdata_i,
  // SPM write port: one enable and data byte per bank, one address
  output logic [ROWS-1:0]    spm_we_o,
  output logic [AW-1:0]      spm_waddr_o,
  output logic [ROWS*8-1:0]  spm_wdata_o,
  input  logic               spm_wgnt_i,
  // PSUM read port: one enable per partition, one address
  output logic [COLS-1:0]    psum_re_o,
  output logic [PAW-1:0]     psum_raddr_o,
  input  logic               psum_rgnt_i,
  input  logic [COLS*32-1:0] psum_rdata_i,
  // counter events this cycle, in bytes
  output logic [15:0]        cnt_spm_rd_o,
  output logic [15:0]        cnt_spm_wr_o,
  output logic [15:0]        cnt_psum_rd_o
);
  localparam logic [2:0] FS_IDLE  = 3'd0;
  localparam logic [2:0] FS_INIT  = 3'd1;
  localparam logic [2:0] FS_PARAM = 3'd2;
  localparam logic [2:0] FS_RUN   = 3'd3;
  localparam logic [2:0] FS_DRAIN = 3'd4;

  localparam logic [1:0] OP_ACT  = 2'd0;
  localparam logic [1:0] OP_ADD  = 2'd1;
  localparam logic [1:0] OP_POOL = 2'd2;

  logic [CMD_W-1:0] cmd_q;
  logic [2:0]       fs_d, fs_q;
  logic [1:0]       op_q;
  logic             accept;

  assign accept      = cmd_valid_i && (fs_q == FS_IDLE);
  assign cmd_ready_o = (fs_q == FS_IDLE);
  assign idle_o      = (fs_q == FS_IDLE);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      op_q <= OP_ACT;
    end else if (accept) begin
      op_q <= (cmd_i[7:0] == `ATOLL_OP_ADD)  ? OP_ADD :
              (cmd_i[7:0] == `ATOLL_OP_POOL) ? OP_POOL : OP_ACT;
    end
  end

  always_ff @(posedge clk_i) begin
    if (accept) begin
      cmd_q <= cmd_i;
    end
  end

  // ---------------------------------------------------------- fields
  logic [`ATOLL_ACT_SRC_TYPE_WIDTH-1:0] f_act_src_type;
  assign f_act_src_type = `ATOLL_FLD(cmd_q, `ATOLL_ACT_SRC_TYPE_WORD,
                                     `ATOLL_ACT_SRC_TYPE_LSB, `ATOLL_ACT_SRC_TYPE_WIDTH);
  logic [`ATOLL_ACT_DST_TYPE_WIDTH-1:0] f_act_dst_type;
  assign f_act_dst_type = `ATOLL_FLD(cmd_q, `ATOLL_ACT_DST_TYPE_WORD,
                                     `ATOLL_ACT_DST_TYPE_LSB, `ATOLL_ACT_DST_TYPE_WIDTH);
  logic f_act_pp;
  assign f_act_pp = `ATOLL_FLD(cmd_q, `ATOLL_ACT_PP_WORD,
                               `ATOLL_ACT_PP_LSB, `ATOLL_ACT_PP_WIDTH);
  logic f_act_nb;
  assign f_act_nb = `ATOLL_FLD(cmd_q, `ATOLL_ACT_NB_WORD,
                               `ATOLL_ACT_NB_LSB, `ATOLL_ACT_NB_WIDTH);
  logic [`ATOLL_ACT_NPARTS_WIDTH-1:0] f_act_nparts;
  assign f_act_nparts = `ATOLL_FLD(cmd_q, `ATOLL_ACT_NPARTS_WORD,
                                   `ATOLL_ACT_NPARTS_LSB, `ATOLL_ACT_NPARTS_WIDTH);
  logic [`ATOLL_ACT_SRC_ADDR_WIDTH-1:0] f_act_src_addr;
  assign f_act_src_addr = `ATOLL_FLD(cmd_q, `ATOLL_ACT_SRC_ADDR_WORD,
                                     `ATOLL_ACT_SRC_ADDR_LSB, `ATOLL_ACT_SRC_ADDR_WIDTH);
  logic [`ATOLL_ACT_SRC_PART_WIDTH-1:0] f_act_src_part;
  assign f_act_src_part = `ATOLL_FLD(cmd_q, `ATOLL_ACT_SRC_PART_WORD,
                                     `ATOLL_ACT_SRC_PART_LSB, `ATOLL_ACT_SRC_PART_WIDTH);
  logic [`ATOLL_ACT_DST_PART_WIDTH-1:0] f_act_dst_part;
  assign f_act_dst_part = `ATOLL_FLD(cmd_q, `ATOLL_ACT_DST_PART_WORD,
                                     `ATOLL_ACT_DST_PART_LSB, `ATOLL_ACT_DST_PART_WIDTH);
  logic [`ATOLL_ACT_DST_ADDR_WIDTH-1:0] f_act_dst_addr;
  assign f_act_dst_addr = `ATOLL_FLD(cmd_q, `ATOLL_ACT_DST_ADDR_WORD,
                                     `ATOLL_ACT_DST_ADDR_LSB, `ATOLL_ACT_DST_ADDR_WIDTH);
  logic [`ATOLL_ACT_N0_WIDTH-1:0] f_act_n0;
  assign f_act_n0 = `ATOLL_FLD(cmd_q, `ATOLL_ACT_N0_WORD,
                               `ATOLL_ACT_N0_LSB, `ATOLL_ACT_N0_WIDTH);
  logic [`ATOLL_ACT_N1_WIDTH-1:0] f_act_n1;
  assign f_act_n1 = `ATOLL_FLD(cmd_q, `ATOLL_ACT_N1_WORD,
                               `ATOLL_ACT_N1_LSB, `ATOLL_ACT_N1_WIDTH);
  logic signed [`ATOLL_ACT_SS0_WIDTH-1:0] f_act_ss0;
  assign f_act_ss0 = `ATOLL_FLD(cmd_q, `ATOLL_ACT_SS0_WORD,
                                `ATOLL_ACT_SS0_LSB, `ATOLL_ACT_SS0_WIDTH);
  logic signed [`ATOLL_ACT_SS1_WIDTH-1:0] f_act_ss1;
  assign f_act_ss1 = `ATOLL_FLD(cmd_q, `ATOLL_ACT_SS1_WORD,
                                `ATOLL_ACT_SS1_LSB, `ATOLL_ACT_SS1_WIDTH);
  logic signed [`ATOLL_ACT_DS0_WIDTH-1:0] f_act_ds0;
  assign f_act_ds0 = `ATOLL_FLD(cmd_q, `ATOLL_ACT_DS0_WORD,
                                `ATOLL_ACT_DS0_LSB, `ATOLL_ACT_DS0_WIDTH);
  logic signed [`ATOLL_ACT_DS1_WIDTH-1:0] f_act_ds1;
  assign f_act_ds1 = `ATOLL_FLD(cmd_q, `ATOLL_ACT_DS1_WORD,
                                `ATOLL_ACT_DS1_LSB, `ATOLL_ACT_DS1_WIDTH);
  logic [`ATOLL_ACT_PARAM_ADDR_WIDTH-1:0] f_act_param_addr;
  assign f_act_param_addr = `ATOLL_FLD(cmd_q, `ATOLL_ACT_PARAM_ADDR_WORD,
                                       `ATOLL_ACT_PARAM_ADDR_LSB, `ATOLL_ACT_PARAM_ADDR_WIDTH);
  logic signed [`ATOLL_ACT_MULT_WIDTH-1:0] f_act_mult;
  assign f_act_mult = `ATOLL_FLD(cmd_q, `ATOLL_ACT_MULT_WORD,
                                 `ATOLL_ACT_MULT_LSB, `ATOLL_ACT_MULT_WIDTH);
  logic [`ATOLL_ACT_SHIFT_WIDTH-1:0] f_act_shift;
  assign f_act_shift = `ATOLL_FLD(cmd_q, `ATOLL_ACT_SHIFT_WORD,
                                  `ATOLL_ACT_SHIFT_LSB, `ATOLL_ACT_SHIFT_WIDTH);
  logic signed [`ATOLL_ACT_SRC_ZP_WIDTH-1:0] f_act_src_zp;
  assign f_act_src_zp = `ATOLL_FLD(cmd_q, `ATOLL_ACT_SRC_ZP_WORD,
                                   `ATOLL_ACT_SRC_ZP_LSB, `ATOLL_ACT_SRC_ZP_WIDTH);
  logic signed [`ATOLL_ACT_DST_ZP_WIDTH-1:0] f_act_dst_zp;
  assign f_act_dst_zp = `ATOLL_FLD(cmd_q, `ATOLL_ACT_DST_ZP_WORD,
                                   `ATOLL_ACT_DST_ZP_LSB, `ATOLL_ACT_DST_ZP_WIDTH);
  logic signed [`ATOLL_ACT_CMIN_WIDTH-1:0] f_act_cmin;
  assign f_act_cmin = `ATOLL_FLD(cmd_q, `ATOLL_ACT_CMIN_WORD,
                                 `ATOLL_ACT_CMIN_LSB, `ATOLL_ACT_CMIN_WIDTH);
  logic signed [`ATOLL_ACT_CMAX_WIDTH-1:0] f_act_cmax;
  assign f_act_cmax = `ATOLL_FLD(cmd_q, `ATOLL_ACT_CMAX_WORD,
                                 `ATOLL_ACT_CMAX_LSB, `ATOLL_ACT_CMAX_WIDTH);
  logic f_add_a_signed;
  assign f_add_a_signed = `ATOLL_FLD(cmd_q, `ATOLL_ADD_A_SIGNED_WORD,
                                     `ATOLL_ADD_A_SIGNED_LSB, `ATOLL_ADD_A_SIGNED_WIDTH);
  logic f_add_b_signed;
  assign f_add_b_signed = `ATOLL_FLD(cmd_q, `ATOLL_ADD_B_SIGNED_WORD,
                                     `ATOLL_ADD_B_SIGNED_LSB, `ATOLL_ADD_B_SIGNED_WIDTH);
  logic f_add_dst_signed;
  assign f_add_dst_signed = `ATOLL_FLD(cmd_q, `ATOLL_ADD_DST_SIGNED_WORD,
                                       `ATOLL_ADD_DST_SIGNED_LSB, `ATOLL_ADD_DST_SIGNED_WIDTH);
  logic [`ATOLL_ADD_NPARTS_WIDTH-1:0] f_add_nparts;
  assign f_add_nparts = `ATOLL_FLD(cmd_q, `ATOLL_ADD_NPARTS_WORD,
                                   `ATOLL_ADD_NPARTS_LSB, `ATOLL_ADD_NPARTS_WIDTH);
  logic [`ATOLL_ADD_A_ADDR_WIDTH-1:0] f_add_a_addr;
  assign f_add_a_addr = `ATOLL_FLD(cmd_q, `ATOLL_ADD_A_ADDR_WORD,
                                   `ATOLL_ADD_A_ADDR_LSB, `ATOLL_ADD_A_ADDR_WIDTH);
  logic [`ATOLL_ADD_A_PART_WIDTH-1:0] f_add_a_part;
  assign f_add_a_part = `ATOLL_FLD(cmd_q, `ATOLL_ADD_A_PART_WORD,
                                   `ATOLL_ADD_A_PART_LSB, `ATOLL_ADD_A_PART_WIDTH);
  logic [`ATOLL_ADD_B_PART_WIDTH-1:0] f_add_b_part;
  assign f_add_b_part = `ATOLL_FLD(cmd_q, `ATOLL_ADD_B_PART_WORD,
                                   `ATOLL_ADD_B_PART_LSB, `ATOLL_ADD_B_PART_WIDTH);
  logic [`ATOLL_ADD_B_ADDR_WIDTH-1:0] f_add_b_addr;
  assign f_add_b_addr = `ATOLL_FLD(cmd_q, `ATOLL_ADD_B_ADDR_WORD,
                                   `ATOLL_ADD_B_ADDR_LSB, `ATOLL_ADD_B_ADDR_WIDTH);
  logic [`ATOLL_ADD_DST_ADDR_WIDTH-1:0] f_add_dst_addr;
  assign f_add_dst_addr = `ATOLL_FLD(cmd_q, `ATOLL_ADD_DST_ADDR_WORD,
                                     `ATOLL_ADD_DST_ADDR_LSB, `ATOLL_ADD_DST_ADDR_WIDTH);
  logic [`ATOLL_ADD_DST_PART_WIDTH-1:0] f_add_dst_part;
  assign f_add_dst_part = `ATOLL_FLD(cmd_q, `ATOLL_ADD_DST_PART_WORD,
                                     `ATOLL_ADD_DST_PART_LSB, `ATOLL_ADD_DST_PART_WIDTH);
  logic [`ATOLL_ADD_N0_WIDTH-1:0] f_add_n0;
  assign f_add_n0 = `ATOLL_FLD(cmd_q, `ATOLL_ADD_N0_WORD,
                               `ATOLL_ADD_N0_LSB, `ATOLL_ADD_N0_WIDTH);
  logic [`ATOLL_ADD_N1_WIDTH-1:0] f_add_n1;
  assign f_add_n1 = `ATOLL_FLD(cmd_q, `ATOLL_ADD_N1_WORD,
                               `ATOLL_ADD_N1_LSB, `ATOLL_ADD_N1_WIDTH);
  logic signed [`ATOLL_ADD_AS0_WIDTH-1:0] f_add_as0;
  assign f_add_as0 = `ATOLL_FLD(cmd_q, `ATOLL_ADD_AS0_WORD,
                                `ATOLL_ADD_AS0_LSB, `ATOLL_ADD_AS0_WIDTH);
  logic signed [`ATOLL_ADD_AS1_WIDTH-1:0] f_add_as1;
  assign f_add_as1 = `ATOLL_FLD(cmd_q, `ATOLL_ADD_AS1_WORD,
                                `ATOLL_ADD_AS1_LSB, `ATOLL_ADD_AS1_WIDTH);
  logic signed [`ATOLL_ADD_BS0_WIDTH-1:0] f_add_bs0;
  assign f_add_bs0 = `ATOLL_FLD(cmd_q, `ATOLL_ADD_BS0_WORD,
                                `ATOLL_ADD_BS0_LSB, `ATOLL_ADD_BS0_WIDTH);
  logic signed [`ATOLL_ADD_BS1_WIDTH-1:0] f_add_bs1;
  assign f_add_bs1 = `ATOLL_FLD(cmd_q, `ATOLL_ADD_BS1_WORD,
                                `ATOLL_ADD_BS1_LSB, `ATOLL_ADD_BS1_WIDTH);
  logic signed [`ATOLL_ADD_DS0_WIDTH-1:0] f_add_ds0;
  assign f_add_ds0 = `ATOLL_FLD(cmd_q, `ATOLL_ADD_DS0_WORD,
                                `ATOLL_ADD_DS0_LSB, `ATOLL_ADD_DS0_WIDTH);
  logic signed [`ATOLL_ADD_DS1_WIDTH-1:0] f_add_ds1;
  assign f_add_ds1 = `ATOLL_FLD(cmd_q, `ATOLL_ADD_DS1_WORD,
                                `ATOLL_ADD_DS1_LSB, `ATOLL_ADD_DS1_WIDTH);
  logic signed [`ATOLL_ADD_A_MULT_WIDTH-1:0] f_add_a_mult;
  assign f_add_a_mult = `ATOLL_FLD(cmd_q, `ATOLL_ADD_A_MULT_WORD,
                                   `ATOLL_ADD_A_MULT_LSB, `ATOLL_ADD_A_MULT_WIDTH);
  logic signed [`ATOLL_ADD_B_MULT_WIDTH-1:0] f_add_b_mult;
  assign f_add_b_mult = `ATOLL_FLD(cmd_q, `ATOLL_ADD_B_MULT_WORD,
                                   `ATOLL_ADD_B_MULT_LSB, `ATOLL_ADD_B_MULT_WIDTH);
  logic [`ATOLL_ADD_SHIFT_WIDTH-1:0] f_add_shift;
  assign f_add_shift = `ATOLL_FLD(cmd_q, `ATOLL_ADD_SHIFT_WORD,
                                  `ATOLL_ADD_SHIFT_LSB, `ATOLL_ADD_SHIFT_WIDTH);
  logic signed [`ATOLL_ADD_A_ZP_WIDTH-1:0] f_add_a_zp;
  assign f_add_a_zp = `ATOLL_FLD(cmd_q, `ATOLL_ADD_A_ZP_WORD,
                                 `ATOLL_ADD_A_ZP_LSB, `ATOLL_ADD_A_ZP_WIDTH);
  logic signed [`ATOLL_ADD_B_ZP_WIDTH-1:0] f_add_b_zp;
  assign f_add_b_zp = `ATOLL_FLD(cmd_q, `ATOLL_ADD_B_ZP_WORD,
                                 `ATOLL_ADD_B_ZP_LSB, `ATOLL_ADD_B_ZP_WIDTH);
  logic signed [`ATOLL_ADD_DST_ZP_WIDTH-1:0] f_add_dst_zp;
  assign f_add_dst_zp = `ATOLL_FLD(cmd_q, `ATOLL_ADD_DST_ZP_WORD,
                                   `ATOLL_ADD_DST_ZP_LSB, `ATOLL_ADD_DST_ZP_WIDTH);
  logic signed [`ATOLL_ADD_CMIN_WIDTH-1:0] f_add_cmin;
  assign f_add_cmin = `ATOLL_FLD(cmd_q, `ATOLL_ADD_CMIN_WORD,
                                 `ATOLL_ADD_CMIN_LSB, `ATOLL_ADD_CMIN_WIDTH);
  logic signed [`ATOLL_ADD_CMAX_WIDTH-1:0] f_add_cmax;
  assign f_add_cmax = `ATOLL_FLD(cmd_q, `ATOLL_ADD_CMAX_WORD,
                                 `ATOLL_ADD_CMAX_LSB, `ATOLL_ADD_CMAX_WIDTH);
  logic f_pool_avg;
  assign f_pool_avg = `ATOLL_FLD(cmd_q, `ATOLL_POOL_AVG_WORD,
                                 `ATOLL_POOL_AVG_LSB, `ATOLL_POOL_AVG_WIDTH);
  logic f_pool_count_pad;
  assign f_pool_count_pad = `ATOLL_FLD(cmd_q, `ATOLL_POOL_COUNT_PAD_WORD,
                                       `ATOLL_POOL_COUNT_PAD_LSB, `ATOLL_POOL_COUNT_PAD_WIDTH);
  logic f_pool_src_signed;
  assign f_pool_src_signed = `ATOLL_FLD(cmd_q, `ATOLL_POOL_SRC_SIGNED_WORD,
                                        `ATOLL_POOL_SRC_SIGNED_LSB, `ATOLL_POOL_SRC_SIGNED_WIDTH);
  logic f_pool_dst_signed;
  assign f_pool_dst_signed = `ATOLL_FLD(cmd_q, `ATOLL_POOL_DST_SIGNED_WORD,
                                        `ATOLL_POOL_DST_SIGNED_LSB, `ATOLL_POOL_DST_SIGNED_WIDTH);
  logic [`ATOLL_POOL_NPARTS_WIDTH-1:0] f_pool_nparts;
  assign f_pool_nparts = `ATOLL_FLD(cmd_q, `ATOLL_POOL_NPARTS_WORD,
                                    `ATOLL_POOL_NPARTS_LSB, `ATOLL_POOL_NPARTS_WIDTH);
  logic [`ATOLL_POOL_SRC_ADDR_WIDTH-1:0] f_pool_src_addr;
  assign f_pool_src_addr = `ATOLL_FLD(cmd_q, `ATOLL_POOL_SRC_ADDR_WORD,
                                      `ATOLL_POOL_SRC_ADDR_LSB, `ATOLL_POOL_SRC_ADDR_WIDTH);
  logic [`ATOLL_POOL_SRC_PART_WIDTH-1:0] f_pool_src_part;
  assign f_pool_src_part = `ATOLL_FLD(cmd_q, `ATOLL_POOL_SRC_PART_WORD,
                                      `ATOLL_POOL_SRC_PART_LSB, `ATOLL_POOL_SRC_PART_WIDTH);
  logic [`ATOLL_POOL_DST_PART_WIDTH-1:0] f_pool_dst_part;
  assign f_pool_dst_part = `ATOLL_FLD(cmd_q, `ATOLL_POOL_DST_PART_WORD,
                                      `ATOLL_POOL_DST_PART_LSB, `ATOLL_POOL_DST_PART_WIDTH);
  logic [`ATOLL_POOL_DST_ADDR_WIDTH-1:0] f_pool_dst_addr;
  assign f_pool_dst_addr = `ATOLL_FLD(cmd_q, `ATOLL_POOL_DST_ADDR_WORD,
                                      `ATOLL_POOL_DST_ADDR_LSB, `ATOLL_POOL_DST_ADDR_WIDTH);
  logic [`ATOLL_POOL_N0_WIDTH-1:0] f_pool_n0;
  assign f_pool_n0 = `ATOLL_FLD(cmd_q, `ATOLL_POOL_N0_WORD,
                                `ATOLL_POOL_N0_LSB, `ATOLL_POOL_N0_WIDTH);
  logic [`ATOLL_POOL_N1_WIDTH-1:0] f_pool_n1;
  assign f_pool_n1 = `ATOLL_FLD(cmd_q, `ATOLL_POOL_N1_WORD,
                                `ATOLL_POOL_N1_LSB, `ATOLL_POOL_N1_WIDTH);
  logic signed [`ATOLL_POOL_DS0_WIDTH-1:0] f_pool_ds0;
  assign f_pool_ds0 = `ATOLL_FLD(cmd_q, `ATOLL_POOL_DS0_WORD,
                                 `ATOLL_POOL_DS0_LSB, `ATOLL_POOL_DS0_WIDTH);
  logic signed [`ATOLL_POOL_DS1_WIDTH-1:0] f_pool_ds1;
  assign f_pool_ds1 = `ATOLL_FLD(cmd_q, `ATOLL_POOL_DS1_WORD,
                                 `ATOLL_POOL_DS1_LSB, `ATOLL_POOL_DS1_WIDTH);
  logic [`ATOLL_POOL_H_WIDTH-1:0] f_pool_h;
  assign f_pool_h = `ATOLL_FLD(cmd_q, `ATOLL_POOL_H_WORD,
                               `ATOLL_POOL_H_LSB, `ATOLL_POOL_H_WIDTH);
  logic [`ATOLL_POOL_W_WIDTH-1:0] f_pool_w;
  assign f_pool_w = `ATOLL_FLD(cmd_q, `ATOLL_POOL_W_WORD,
                               `ATOLL_POOL_W_LSB, `ATOLL_POOL_W_WIDTH);
  logic [`ATOLL_POOL_PITCH_WIDTH-1:0] f_pool_pitch;
  assign f_pool_pitch = `ATOLL_FLD(cmd_q, `ATOLL_POOL_PITCH_WORD,
                                   `ATOLL_POOL_PITCH_LSB, `ATOLL_POOL_PITCH_WIDTH);
  logic signed [`ATOLL_POOL_Y0_WIDTH-1:0] f_pool_y0;
  assign f_pool_y0 = `ATOLL_FLD(cmd_q, `ATOLL_POOL_Y0_WORD,
                                `ATOLL_POOL_Y0_LSB, `ATOLL_POOL_Y0_WIDTH);
  logic signed [`ATOLL_POOL_X0_WIDTH-1:0] f_pool_x0;
  assign f_pool_x0 = `ATOLL_FLD(cmd_q, `ATOLL_POOL_X0_WORD,
                                `ATOLL_POOL_X0_LSB, `ATOLL_POOL_X0_WIDTH);
  logic signed [`ATOLL_POOL_SY_WIDTH-1:0] f_pool_sy;
  assign f_pool_sy = `ATOLL_FLD(cmd_q, `ATOLL_POOL_SY_WORD,
                                `ATOLL_POOL_SY_LSB, `ATOLL_POOL_SY_WIDTH);
  logic signed [`ATOLL_POOL_SX_WIDTH-1:0] f_pool_sx;
  assign f_pool_sx = `ATOLL_FLD(cmd_q, `ATOLL_POOL_SX_WORD,
                                `ATOLL_POOL_SX_LSB, `ATOLL_POOL_SX_WIDTH);
  logic [`ATOLL_POOL_KH_WIDTH-1:0] f_pool_kh;
  assign f_pool_kh = `ATOLL_FLD(cmd_q, `ATOLL_POOL_KH_WORD,
                                `ATOLL_POOL_KH_LSB, `ATOLL_POOL_KH_WIDTH);
  logic [`ATOLL_POOL_KW_WIDTH-1:0] f_pool_kw;
  assign f_pool_kw = `ATOLL_FLD(cmd_q, `ATOLL_POOL_KW_WORD,
                                `ATOLL_POOL_KW_LSB, `ATOLL_POOL_KW_WIDTH);
  logic [`ATOLL_POOL_DY_WIDTH-1:0] f_pool_dy;
  assign f_pool_dy = `ATOLL_FLD(cmd_q, `ATOLL_POOL_DY_WORD,
                                `ATOLL_POOL_DY_LSB, `ATOLL_POOL_DY_WIDTH);
  logic [`ATOLL_POOL_DX_WIDTH-1:0] f_pool_dx;
  assign f_pool_dx = `ATOLL_FLD(cmd_q, `ATOLL_POOL_DX_WORD,
                                `ATOLL_POOL_DX_LSB, `ATOLL_POOL_DX_WIDTH);
  logic signed [`ATOLL_POOL_MULT_WIDTH-1:0] f_pool_mult;
  assign f_pool_mult = `ATOLL_FLD(cmd_q, `ATOLL_POOL_MULT_WORD,
                                  `ATOLL_POOL_MULT_LSB, `ATOLL_POOL_MULT_WIDTH);
  logic [`ATOLL_POOL_SHIFT_WIDTH-1:0] f_pool_shift;
  assign f_pool_shift = `ATOLL_FLD(cmd_q, `ATOLL_POOL_SHIFT_WORD,
                                   `ATOLL_POOL_SHIFT_LSB, `ATOLL_POOL_SHIFT_WIDTH);
  logic signed [`ATOLL_POOL_SRC_ZP_WIDTH-1:0] f_pool_src_zp;
  assign f_pool_src_zp = `ATOLL_FLD(cmd_q, `ATOLL_POOL_SRC_ZP_WORD,
                                    `ATOLL_POOL_SRC_ZP_LSB, `ATOLL_POOL_SRC_ZP_WIDTH);
  logic signed [`ATOLL_POOL_DST_ZP_WIDTH-1:0] f_pool_dst_zp;
  assign f_pool_dst_zp = `ATOLL_FLD(cmd_q, `ATOLL_POOL_DST_ZP_WORD,
                                    `ATOLL_POOL_DST_ZP_LSB, `ATOLL_POOL_DST_ZP_WIDTH);
  logic signed [`ATOLL_POOL_CMIN_WIDTH-1:0] f_pool_cmin;
  assign f_pool_cmin = `ATOLL_FLD(cmd_q, `ATOLL_POOL_CMIN_WORD,
                                  `ATOLL_POOL_CMIN_LSB, `ATOLL_POOL_CMIN_WIDTH);
  logic signed [`ATOLL_POOL_CMAX_WIDTH-1:0] f_pool_cmax;
  assign f_pool_cmax = `ATOLL_FLD(cmd_q, `ATOLL_POOL_CMAX_WORD,
                                  `ATOLL_POOL_CMAX_LSB, `ATOLL_POOL_CMAX_WIDTH);

  // ------------------------------------------ per-op loop parameters
  // three offset channels: ACT (so, do, -), ADD (A, B, DST),
  // POOL (y base, x base, DST); 34-bit signed, exact
  logic [7:0]          nparts;
  logic [15:0]         n0, n1;
  logic [3*34-1:0]     ch_init, ch_s0, ch_s1;   // channel k at [34*k +: 34]
  logic [5:0]          shift;
  logic signed [15:0]  dst_zp, cmin, cmax;
  logic                dst_sgn, dst_i32;

  always_comb begin
    ch_init = '0;
    ch_s0   = '0;
    ch_s1   = '0;
    nparts  = f_act_nparts;
    n0      = f_act_n0;
    n1      = f_act_n1;
    shift   = f_act_shift;
    dst_zp  = f_act_dst_zp;
    cmin    = f_act_cmin;
    cmax    = f_act_cmax;
    dst_sgn = (f_act_dst_type == 2'd1);
    dst_i32 = (f_act_dst_type == 2'd2);
    case (op_q)
      OP_ADD: begin
        nparts   = f_add_nparts;
        n0       = f_add_n0;
        n1       = f_add_n1;
        shift    = f_add_shift;
        dst_zp   = f_add_dst_zp;
        cmin     = f_add_cmin;
        cmax     = f_add_cmax;
        dst_sgn  = f_add_dst_signed;
        dst_i32  = 1'b0;
        ch_s0[34*0 +: 34] = 34'($signed(f_add_as0));
        ch_s1[34*0 +: 34] = 34'($signed(f_add_as1));
        ch_s0[34*1 +: 34] = 34'($signed(f_add_bs0));
        ch_s1[34*1 +: 34] = 34'($signed(f_add_bs1));
        ch_s0[34*2 +: 34] = 34'($signed(f_add_ds0));
        ch_s1[34*2 +: 34] = 34'($signed(f_add_ds1));
      end
      OP_POOL: begin
        nparts     = f_pool_nparts;
        n0         = f_pool_n0;
        n1         = f_pool_n1;
        shift      = f_pool_shift;
        dst_zp     = f_pool_dst_zp;
        cmin       = f_pool_cmin;
        cmax       = f_pool_cmax;
        dst_sgn    = f_pool_dst_signed;
        dst_i32    = 1'b0;
        ch_init[34*0 +: 34] = 34'($signed(f_pool_y0));
        ch_s1[34*0 +: 34]   = 34'($signed(f_pool_sy));
        ch_init[34*1 +: 34] = 34'($signed(f_pool_x0));
        ch_s0[34*1 +: 34]   = 34'($signed(f_pool_sx));
        ch_s0[34*2 +: 34]   = 34'($signed(f_pool_ds0));
        ch_s1[34*2 +: 34]   = 34'($signed(f_pool_ds1));
      end
      default: begin
        ch_s0[34*0 +: 34] = 34'($signed(f_act_ss0));
        ch_s1[34*0 +: 34] = 34'($signed(f_act_ss1));
        ch_s0[34*1 +: 34] = 34'($signed(f_act_ds0));
        ch_s1[34*1 +: 34] = 34'($signed(f_act_ds1));
      end
    endcase
  end


  // ------------------------------------------------------ helpers
  localparam int PW = (ROWS > 1) ? $clog2(ROWS) : 1;
  localparam int CW = (COLS > 1) ? $clog2(COLS) : 1;

  function automatic logic signed [17:0] bval(input logic [7:0] b,
                                             input logic s,
                                             input logic signed [15:0] zp);
    bval = (s ? {{10{b[7]}}, b} : {10'd0, b}) - {{2{zp[15]}}, zp};
  endfunction

  function automatic logic signed [31:0] sat32(input logic signed [33:0] v);
    if (v > 34'sd2147483647) begin
      sat32 = 32'sh7fffffff;
    end else if (v < -34'sd2147483648) begin
      sat32 = 32'sh80000000;
    end else begin
      sat32 = v[31:0];
    end
  endfunction

  function automatic logic signed [31:0] sat32w(input logic signed [63:0] v);
    if (v > 64'sd2147483647) begin
      sat32w = 32'sh7fffffff;
    end else if (v < -64'sd2147483648) begin
      sat32w = 32'sh80000000;
    end else begin
      sat32w = v[31:0];
    end
  endfunction

  // clamp8(y, lo, hi, sgn) as min(max(y, lo), hi), then to the 8-bit range
  function automatic logic [7:0] clamp8(input logic signed [63:0] y,
                                        input logic signed [15:0] lo,
                                        input logic signed [15:0] hi,
                                        input logic sgn);
    logic signed [63:0] t;
    t = y;
    if (t < 64'(lo)) begin
      t = 64'(lo);
    end
    if (t > 64'(hi)) begin
      t = 64'(hi);
    end
    if (sgn) begin
      if (t < -64'sd128) begin
        t = -64'sd128;
      end
      if (t > 64'sd127) begin
        t = 64'sd127;
      end
    end else begin
      if (t < 64'sd0) begin
        t = 64'sd0;
      end
      if (t > 64'sd255) begin
        t = 64'sd255;
      end
    end
    clamp8 = t[7:0];
  endfunction

  // partition p is one of the NPARTS partitions from base
  function automatic logic in_rng(input logic [31:0] p,
                                  input logic [31:0] base,
                                  input logic [7:0]  n);
    in_rng = (p >= base) && (p < base + 32'(n));
  endfunction

  // ------------------------------------------------------ front state
  logic [15:0]        i0_d, i0_q, i1_d, i1_q;
  logic [3*34-1:0]    cur_d, cur_q, row_d, row_q;   // channel k at [34*k +: 34]
  logic [3:0]         rk_d, rk_q;                   // job within the position
  logic [7:0]         ky_d, ky_q, kx_d, kx_q;
  logic signed [33:0] ty_d, ty_q, tx_d, tx_q;

  // the job issued in the previous cycle, whose read data arrive now
  logic        pend_q;       // a job was issued
  logic        pprm_q;       // a parameter byte
  logic        pread_q;      // the job read memory (a POOL tap may not)
  logic        ppsum_q;      // the read was from PSUM
  logic        plast_q;      // last job of its position
  logic        pfirst_q;     // first job of its position (POOL)
  logic [3:0]  pidx_d, pidx_q;  // byte index of the read
  logic [31:0] pbase_q;      // partition read by lane 0
  logic [31:0] pwaddr_q;     // write address of the job's position

  // write stage
  logic [2:0]  wrem_d, wrem_q;   // bytes per lane still to write
  logic [1:0]  wk_d, wk_q;       // byte being written
  logic [31:0] waddr_d, waddr_q;
  logic        divb_d, divb_q;   // the average-pool dividers are running
  logic        comp;             // the lanes compute a position this cycle
  logic        div_start, div_done;
  logic [2:0]  nw;

  // ------------------------------------------------ the current job
  logic [31:0]        src_base, dst_base, b_base;
  logic               j_valid, j_read, j_psum, j_last, j_first;
  logic [31:0]        j_part, j_addr, pos_waddr;
  logic               in_tap;
  logic [31:0]        tap_addr;

  assign in_tap   = (ty_q >= 0) && (ty_q < $signed({18'd0, f_pool_h})) &&
                    (tx_q >= 0) && (tx_q < $signed({18'd0, f_pool_w}));
  assign tap_addr = f_pool_src_addr + ty_q[15:0] * f_pool_pitch +
                    32'(tx_q[15:0]);
  assign nw       = dst_i32 ? 3'd4 : 3'd1;

  always_comb begin
    b_base = 32'(f_add_b_part);
    case (op_q)
      OP_ADD: begin
        src_base = 32'(f_add_a_part);
        dst_base = 32'(f_add_dst_part);
      end
      OP_POOL: begin
        src_base = 32'(f_pool_src_part);
        dst_base = 32'(f_pool_dst_part);
      end
      default: begin
        src_base = 32'(f_act_src_part);
        dst_base = 32'(f_act_dst_part);
      end
    endcase
  end

  always_comb begin
    j_valid = (fs_q == FS_PARAM) || (fs_q == FS_RUN);
    j_read  = 1'b1;
    j_psum  = 1'b0;
    j_last  = 1'b1;
    j_first = 1'b1;
    j_part  = src_base;
    j_addr  = 32'd0;
    if (fs_q == FS_PARAM) begin
      j_part = dst_base;
      j_addr = f_act_param_addr + 32'(rk_q);
      j_last = f_act_nb ? (rk_q == 4'(`ATOLL_PARAM_NB_BYTES - 1))
                        : (rk_q == 4'(`ATOLL_PARAM_BYTES - 1));
    end else begin
      case (op_q)
        OP_ADD: begin
          j_last = (rk_q == 4'd1);
          if (rk_q == 4'd0) begin
            j_addr = f_add_a_addr + cur_q[34*0 +: 32];
          end else begin
            j_part = b_base;
            j_addr = f_add_b_addr + cur_q[34*1 +: 32];
          end
        end
        OP_POOL: begin
          j_read  = in_tap;
          j_addr  = tap_addr;
          j_last  = (ky_q == f_pool_kh - 8'd1) && (kx_q == f_pool_kw - 8'd1);
          j_first = (ky_q == 8'd0) && (kx_q == 8'd0);
        end
        default: begin
          if (f_act_src_type == 2'd0) begin
            j_psum = 1'b1;
            j_addr = f_act_src_addr + cur_q[34*0 +: 32];
          end else if (f_act_src_type == 2'd1) begin
            j_last = (rk_q == 4'd3);
            j_addr = f_act_src_addr + {cur_q[34*0 +: 30], 2'b00} + 32'(rk_q);
          end else begin
            j_addr = f_act_src_addr + cur_q[34*0 +: 32];
          end
        end
      endcase
    end
  end

  always_comb begin
    case (op_q)
      OP_ADD:  pos_waddr = f_add_dst_addr + cur_q[34*2 +: 32];
      OP_POOL: pos_waddr = f_pool_dst_addr + cur_q[34*2 +: 32];
      default: pos_waddr = f_act_dst_addr +
                           (dst_i32 ? {cur_q[34*1 +: 30], 2'b00} : cur_q[34*1 +: 32]);
    endcase
  end

  // A position's last job may issue only if the lanes can take its result
  // the next cycle: the write stage then holds at most its final byte and
  // no division is running.
  logic back_ok, can_go, req, gnt, go;

  assign back_ok = (wrem_d <= 3'd1) && !divb_d;
  assign can_go  = j_valid && (!j_last || (fs_q == FS_PARAM) || back_ok);
  assign req     = can_go && j_read;
  assign gnt     = j_psum ? psum_rgnt_i : spm_rgnt_i;
  assign go      = can_go && (!j_read || gnt);

  assign spm_raddr_o  = j_addr[AW-1:0];
  assign psum_raddr_o = j_addr[PAW-1:0];
  assign spm_waddr_o  = waddr_q[AW-1:0] + AW'(wk_q);

  // A parameter read fills byte rk of the lanes' `ATOLL_PARAM_BYTES-byte
  // record; with NB the record is the (mult, shift) word alone, which goes
  // to its place behind the bias, so that one datapath serves both.
  assign pidx_d = (fs_q == FS_PARAM && f_act_nb) ?
                  rk_q + 4'(`ATOLL_PARAM_BYTES - `ATOLL_PARAM_NB_BYTES) : rk_q;

  assign cnt_spm_rd_o  = (req && !j_psum && spm_rgnt_i) ? 16'(nparts) : 16'd0;
  assign cnt_psum_rd_o = (req && j_psum && psum_rgnt_i) ? {6'd0, nparts, 2'b00} : 16'd0;
  assign cnt_spm_wr_o  = ((wrem_q != 3'd0) && spm_wgnt_i) ? 16'(nparts) : 16'd0;

  // ------------------------------------------------ front sequencer
  always_comb begin
    fs_d  = fs_q;
    i0_d  = i0_q;
    i1_d  = i1_q;
    cur_d = cur_q;
    row_d = row_q;
    rk_d  = rk_q;
    ky_d  = ky_q;
    kx_d  = kx_q;
    ty_d  = ty_q;
    tx_d  = tx_q;
    case (fs_q)
      FS_IDLE: begin
        if (accept) begin
          fs_d = FS_INIT;
        end
      end
      FS_INIT: begin
        i0_d  = 16'd0;
        i1_d  = 16'd0;
        rk_d  = 4'd0;
        ky_d  = 8'd0;
        kx_d  = 8'd0;
        cur_d = ch_init;
        row_d = ch_init;
        ty_d  = ch_init[34*0 +: 34];
        tx_d  = ch_init[34*1 +: 34];
        fs_d  = (op_q == OP_ACT && f_act_pp) ? FS_PARAM : FS_RUN;
      end
      FS_PARAM: begin
        if (go) begin
          rk_d = rk_q + 4'd1;
          if (j_last) begin
            rk_d = 4'd0;
            fs_d = FS_RUN;
          end
        end
      end
      FS_RUN: begin
        if (go) begin
          if (!j_last) begin
            rk_d = rk_q + 4'd1;
            if (kx_q != f_pool_kw - 8'd1) begin
              kx_d = kx_q + 8'd1;
              tx_d = tx_q + 34'(f_pool_dx);
            end else begin
              kx_d = 8'd0;
              ky_d = ky_q + 8'd1;
              tx_d = cur_q[34*1 +: 34];
              ty_d = ty_q + 34'(f_pool_dy);
            end
          end else begin
            rk_d = 4'd0;
            ky_d = 8'd0;
            kx_d = 8'd0;
            if (i0_q != n0 - 16'd1) begin
              i0_d = i0_q + 16'd1;
              for (int k = 0; k < 3; k++) begin
                cur_d[34*k +: 34] = cur_q[34*k +: 34] + ch_s0[34*k +: 34];
              end
            end else if (i1_q != n1 - 16'd1) begin
              i0_d = 16'd0;
              i1_d = i1_q + 16'd1;
              for (int k = 0; k < 3; k++) begin
                row_d[34*k +: 34] = row_q[34*k +: 34] + ch_s1[34*k +: 34];
                cur_d[34*k +: 34] = row_q[34*k +: 34] + ch_s1[34*k +: 34];
              end
            end else begin
              fs_d = FS_DRAIN;
            end
            ty_d = cur_d[34*0 +: 34];
            tx_d = cur_d[34*1 +: 34];
          end
        end
      end
      FS_DRAIN: begin
        if (!pend_q && !divb_q &&
            (wrem_q == 3'd0 || (wrem_q == 3'd1 && spm_wgnt_i))) begin
          fs_d = FS_IDLE;
        end
      end
      default: begin
        fs_d = FS_IDLE;
      end
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fs_q   <= FS_IDLE;
      pend_q <= 1'b0;
      wrem_q <= 3'd0;
      divb_q <= 1'b0;
    end else begin
      fs_q   <= fs_d;
      pend_q <= go;
      wrem_q <= wrem_d;
      divb_q <= divb_d;
    end
  end

  always_ff @(posedge clk_i) begin
    i0_q     <= i0_d;
    i1_q     <= i1_d;
    cur_q    <= cur_d;
    row_q    <= row_d;
    rk_q     <= rk_d;
    ky_q     <= ky_d;
    kx_q     <= kx_d;
    ty_q     <= ty_d;
    tx_q     <= tx_d;
    pprm_q   <= (fs_q == FS_PARAM);
    pread_q  <= j_read;
    ppsum_q  <= j_psum;
    plast_q  <= j_last;
    pfirst_q <= j_first;
    pidx_q   <= pidx_d;
    pbase_q  <= j_part;
    pwaddr_q <= pos_waddr;
    wk_q     <= wk_d;
    waddr_q  <= waddr_d;
  end

  // ------------------------------------------------------ back end
  logic [15:0] nin_q, nin_base, nin_n, pool_n;
  logic        pool_avg;

  assign pool_avg = (op_q == OP_POOL) && f_pool_avg;
  assign comp     = pend_q && !pprm_q && plast_q;
  assign nin_base = pfirst_q ? 16'd0 : nin_q;
  assign nin_n    = nin_base + {15'd0, pend_q && pread_q};
  assign pool_n   = f_pool_count_pad ? f_pool_kh * f_pool_kw : nin_n;

  always_ff @(posedge clk_i) begin
    if (pend_q && !pprm_q) begin
      nin_q <= nin_n;
    end
  end

  always_comb begin
    wrem_d    = wrem_q;
    wk_d      = wk_q;
    waddr_d   = waddr_q;
    divb_d    = divb_q;
    div_start = 1'b0;
    if (wrem_q != 3'd0 && spm_wgnt_i) begin
      wrem_d = wrem_q - 3'd1;
      wk_d   = wk_q + 2'd1;
    end
    if (comp) begin
      waddr_d = pwaddr_q;
      wk_d    = 2'd0;
      if (pool_avg && pool_n != 16'd0) begin
        div_start = 1'b1;
        divb_d    = 1'b1;
      end else begin
        wrem_d = nw;
      end
    end
    if (divb_q && div_done) begin
      divb_d = 1'b0;
      wrem_d = 3'd1;
      wk_d   = 2'd0;
    end
  end

  // ------------------------------------------------------------ lanes
  logic [31:0]     lane_w [ROWS];
  logic [ROWS-1:0] div_done_v;

  assign div_done = div_done_v[0];

  genvar gi;
  generate
    for (gi = 0; gi < ROWS; gi = gi + 1) begin : gen_lane
      logic [PW-1:0]      sidx;
      logic [CW-1:0]      cidx;
      logic [7:0]         rbyte;
      logic [31:0]        rword;
      logic [31:0]        rb_q, rb_cur;   // operand bytes of the position
      logic [8*`ATOLL_PARAM_BYTES-1:0] prm_q;  // PP record
      logic signed [17:0] tv, max_q, max_base, max_n;
      logic signed [33:0] sum_q, sum_base, sum_n;
      logic signed [31:0] v32, bias, mult;
      logic [5:0]         sh;
      logic signed [33:0] vb;
      logic signed [34:0] mul_a;
      logic signed [32:0] mul_b;
      logic signed [17:0] add_b;
      logic signed [67:0] prod;
      logic signed [50:0] prod_b;
      logic signed [63:0] acc, rne_r, r_div;
      logic [63:0]        div_q;
      logic               neg_q;
      logic [31:0]        w_q;

      assign sidx  = PW'((pbase_q + 32'(gi)) % ROWS);
      assign cidx  = CW'((pbase_q + 32'(gi)) % COLS);
      assign rbyte = spm_rdata_i[8*sidx +: 8];
      assign rword = psum_rdata_i[32*cidx +: 32];

      always_comb begin
        rb_cur = rb_q;
        if (pend_q && !pprm_q) begin
          if (ppsum_q) begin
            rb_cur = rword;
          end else begin
            rb_cur[8*pidx_q[1:0] +: 8] = rbyte;
          end
        end
      end

      // POOL accumulation (max and sum of the inside taps)
      assign tv       = bval(rbyte, f_pool_src_signed, f_pool_src_zp);
      assign max_base = pfirst_q ? 18'sd0 : max_q;
      assign sum_base = pfirst_q ? 34'sd0 : sum_q;
      always_comb begin
        max_n = max_base;
        sum_n = sum_base;
        if (pend_q && pread_q) begin
          if (nin_base == 16'd0 || tv > max_base) begin
            max_n = tv;
          end
          sum_n = sum_base + 34'(tv);
        end
      end

      always_ff @(posedge clk_i) begin
        if (pend_q && pprm_q) begin
          prm_q[8*pidx_q +: 8] <= rbyte;
        end
        if (pend_q && !pprm_q) begin
          rb_q  <= rb_cur;
          max_q <= max_n;
          sum_q <= sum_n;
        end
      end

      // arithmetic
      assign bias = (f_act_pp && !f_act_nb) ? prm_q[31:0] : 32'sd0;
      assign mult = f_act_pp ? {8'd0, prm_q[55:32]} : f_act_mult;
      assign sh   = (op_q != OP_ACT) ? shift : f_act_pp ? prm_q[61:56] : f_act_shift;

      always_comb begin
        case (f_act_src_type)
          2'd0, 2'd1: v32 = rb_cur;
          2'd2:       v32 = 32'(bval(rb_cur[7:0], 1'b0, f_act_src_zp));
          default:    v32 = 32'(bval(rb_cur[7:0], 1'b1, f_act_src_zp));
        endcase
        vb    = 34'(v32) + 34'(bias);
        mul_a = 35'(sat32(vb));
        mul_b = 33'(mult);
        add_b = 18'sd0;
        case (op_q)
          OP_ADD: begin
            mul_a = 35'(bval(rb_cur[7:0], f_add_a_signed, f_add_a_zp));
            mul_b = 33'(f_add_a_mult);
            add_b = bval(rb_cur[15:8], f_add_b_signed, f_add_b_zp);
          end
          OP_POOL: begin
            mul_a = f_pool_avg ? 35'(sum_n) :
                    (nin_n == 16'd0) ? 35'sd0 : 35'(max_n);
            mul_b = 33'(f_pool_mult);
          end
          default: begin
            mul_b = 33'(mult);
          end
        endcase
      end

      assign prod   = mul_a * mul_b;
      assign prod_b = add_b * 33'(f_add_b_mult);
      assign acc    = prod[63:0] + 64'(prod_b);

      atoll_rne u_rne (
        .p_i (acc),
        .s_i (sh),
        .r_o (rne_r)
      );

      atoll_div_rne u_div (
        .clk_i   (clk_i),
        .rst_ni  (rst_ni),
        .start_i (div_start),
        .num_i   (acc[63] ? 64'(-acc) : 64'(acc)),
        .n_i     (pool_n),
        .shift_i (f_pool_shift),
        .done_o  (div_done_v[gi]),
        .q_o     (div_q)
      );

      assign r_div = neg_q ? -$signed(div_q) : $signed(div_q);

      always_ff @(posedge clk_i) begin
        if (div_start) begin
          neg_q <= acc[63];
        end
        if (divb_q && div_done) begin
          w_q <= {24'd0, clamp8(r_div + 64'(dst_zp), cmin, cmax, dst_sgn)};
        end else if (comp) begin
          if (dst_i32) begin
            w_q <= sat32w(rne_r);
          end else begin
            w_q <= {24'd0, clamp8((pool_avg ? 64'sd0 : rne_r) + 64'(dst_zp),
                                  cmin, cmax, dst_sgn)};
          end
        end
      end

      assign lane_w[gi] = w_q;

      // unused: bits 31:30 of the PP record's second word (docs/isa.md), the
      // top bits of the 68-bit product (|result| < 2^63)
      logic unused_lane;
      assign unused_lane = ^{prm_q[63:62], prod[67:64]};
    end
  endgenerate

  // ---------------------------------------------- bank-side crossbar
  genvar gb;
  generate
    for (gb = 0; gb < ROWS; gb = gb + 1) begin : gen_bank
      logic [PW-1:0] lidx;   // the lane writing this bank
      assign lidx = PW'((32'(gb) + 32'(ROWS) - (dst_base % ROWS)) % ROWS);
      assign spm_re_o[gb]  = req && !j_psum && in_rng(32'(gb), j_part, nparts);
      assign spm_we_o[gb]  = (wrem_q != 3'd0) && in_rng(32'(gb), dst_base, nparts);
      assign spm_wdata_o[8*gb +: 8] = lane_w[lidx][8*wk_q +: 8];
    end
    for (gb = 0; gb < COLS; gb = gb + 1) begin : gen_psum
      assign psum_re_o[gb] = req && j_psum && in_rng(32'(gb), j_part, nparts);
    end
  endgenerate

  // opcode: decoded at accept; reserved bits: checked by the CP; the
  // checks keep partitions and addresses in range; all lanes' dividers
  // run in lockstep
  logic unused_bits;
  assign unused_bits = ^{cmd_q[0 +: 8], cmd_q[14 +: 2], cmd_q[24 +: 8],
                         cmd_q[32*12 + 6 +: 10], j_addr[31:AW],
                         waddr_q[31:AW], div_done_v};
endmodule : atoll_act_engine
