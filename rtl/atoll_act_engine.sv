// ACT engine: executes ACT, ADD and POOL (docs/isa.md) one element at a
// time, in the order of the specification (partition i outermost, then
// i1, i0), so in-place operations give the sequential result.
//
// Per element: read the operand bytes (SPM) or word (PSUM), compute with
// one shared 35 x 33 multiplier, round (atoll_rne, or atoll_div_rne for
// average pooling), clamp, and write 1 or 4 bytes.  ACT with PP reads the
// 12-byte (bias, mult, shift) record of each partition first.  Memory
// requests are held until granted; read data arrive the next cycle.
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
  localparam int PAW       = $clog2(PSUM_DEPTH),
  localparam int PW        = (ROWS > 1) ? $clog2(ROWS) : 1,
  localparam int CW        = (COLS > 1) ? $clog2(COLS) : 1
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  // command
  input  logic             cmd_valid_i,
  output logic             cmd_ready_o,
  input  logic [CMD_W-1:0] cmd_i,
  output logic             idle_o,
  // SPM read port
  output logic             spm_re_o,
  output logic [PW-1:0]    spm_rpart_o,
  output logic [AW-1:0]    spm_raddr_o,
  input  logic             spm_rgnt_i,
  input  logic [7:0]       spm_rdata_i,
  // SPM write port
  output logic             spm_we_o,
  output logic [PW-1:0]    spm_wpart_o,
  output logic [AW-1:0]    spm_waddr_o,
  output logic [7:0]       spm_wdata_o,
  input  logic             spm_wgnt_i,
  // PSUM read port
  output logic             psum_re_o,
  output logic [CW-1:0]    psum_rpart_o,
  output logic [PAW-1:0]   psum_raddr_o,
  input  logic             psum_rgnt_i,
  input  logic [31:0]      psum_rdata_i,
  // counter events this cycle
  output logic             cnt_spm_rd_o,
  output logic             cnt_spm_wr_o,
  output logic             cnt_psum_rd_o
);
  localparam logic [3:0] ST_IDLE  = 4'd0;
  localparam logic [3:0] ST_PART  = 4'd1;
  localparam logic [3:0] ST_PARAM = 4'd2;
  localparam logic [3:0] ST_ELEM  = 4'd3;
  localparam logic [3:0] ST_SRC   = 4'd4;
  localparam logic [3:0] ST_B     = 4'd5;
  localparam logic [3:0] ST_TAP   = 4'd6;
  localparam logic [3:0] ST_TAPW  = 4'd7;
  localparam logic [3:0] ST_MUL   = 4'd8;
  localparam logic [3:0] ST_MUL2  = 4'd9;
  localparam logic [3:0] ST_RND   = 4'd10;
  localparam logic [3:0] ST_DIV   = 4'd11;
  localparam logic [3:0] ST_OUT   = 4'd12;
  localparam logic [3:0] ST_WR    = 4'd13;
  localparam logic [3:0] ST_NEXT  = 4'd14;

  localparam logic [1:0] OP_ACT  = 2'd0;
  localparam logic [1:0] OP_ADD  = 2'd1;
  localparam logic [1:0] OP_POOL = 2'd2;

  logic [CMD_W-1:0] cmd_q;
  logic [3:0]       st_d, st_q;
  logic [1:0]       op_q;
  logic             accept;

  assign accept      = cmd_valid_i && (st_q == ST_IDLE);
  assign cmd_ready_o = (st_q == ST_IDLE);
  assign idle_o      = (st_q == ST_IDLE);

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

  // ------------------------------------------------------ loop state
  logic [7:0]         i_d, i_q;
  logic [15:0]        i0_d, i0_q, i1_d, i1_q;
  logic [3*34-1:0]    cur_d, cur_q, row_d, row_q;   // channel k at [34*k +: 34]
  // read / write jobs
  logic [3:0]         rk_d, rk_q;
  logic               pend_d, pend_q;
  logic [3:0]         pidx_d, pidx_q;
  logic [95:0]        rbuf_q;
  logic [31:0]        wbuf_d, wbuf_q;
  // per-partition parameters
  logic signed [31:0] bias_d, bias_q, pmult_d, pmult_q;
  logic [5:0]         pshift_d, pshift_q;
  // POOL taps
  logic [7:0]         ky_d, ky_q, kx_d, kx_q;
  logic signed [33:0] ty_d, ty_q, tx_d, tx_q;
  logic signed [17:0] max_d, max_q;
  logic signed [33:0] sum_d, sum_q;
  logic [15:0]        nin_d, nin_q;
  // arithmetic
  logic signed [17:0] a_d, a_q;
  logic signed [63:0] acc_d, acc_q;
  logic signed [63:0] r_d, r_q;
  logic signed [34:0] mul_a;
  logic signed [32:0] mul_b;
  logic signed [67:0] prod;
  logic signed [63:0] rne_r;
  logic               div_start, div_done;
  logic [63:0]        div_q;
  logic               neg_d, neg_q;

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

  // ------------------------------------------------- memory addresses
  logic [7:0]          jn;          // reads in the current job
  logic                j_psum;      // the job reads PSUM
  logic [31:0]         src_part, dst_part, b_part;
  logic [31:0]         rd_part;
  logic [31:0]         rd_addr, wr_addr;
  logic                in_tap;
  logic [31:0]         tap_addr;
  logic [2:0]          nw;

  assign in_tap   = (ty_q >= 0) && (ty_q < $signed({18'd0, f_pool_h})) &&
                    (tx_q >= 0) && (tx_q < $signed({18'd0, f_pool_w}));
  assign tap_addr = f_pool_src_addr + ty_q[15:0] * f_pool_pitch +
                    32'(tx_q[15:0]);
  assign nw       = dst_i32 ? 3'd4 : 3'd1;

  always_comb begin
    src_part = 32'(f_act_src_part);
    dst_part = 32'(f_act_dst_part);
    b_part   = 32'(f_add_b_part);
    case (op_q)
      OP_ADD: begin
        src_part = 32'(f_add_a_part);
        dst_part = 32'(f_add_dst_part);
      end
      OP_POOL: begin
        src_part = 32'(f_pool_src_part);
        dst_part = 32'(f_pool_dst_part);
      end
      default: begin
        src_part = 32'(f_act_src_part);
      end
    endcase
    src_part = src_part + 32'(i_q);
    dst_part = dst_part + 32'(i_q);
    b_part   = b_part + 32'(i_q);
  end

  always_comb begin
    jn      = 8'd1;
    j_psum  = 1'b0;
    rd_part = src_part;
    rd_addr = 32'd0;
    case (st_q)
      ST_PARAM: begin
        jn      = 8'd12;
        rd_part = dst_part;
        rd_addr = f_act_param_addr + 32'(rk_q);
      end
      ST_SRC: begin
        if (op_q == OP_ADD) begin
          rd_addr = f_add_a_addr + cur_q[34*0 +: 32];
        end else if (f_act_src_type == 2'd0) begin
          j_psum  = 1'b1;
          rd_addr = f_act_src_addr + cur_q[34*0 +: 32];
        end else if (f_act_src_type == 2'd1) begin
          jn      = 8'd4;
          rd_addr = f_act_src_addr + {cur_q[34*0 +: 30], 2'b00} + 32'(rk_q);
        end else begin
          rd_addr = f_act_src_addr + cur_q[34*0 +: 32];
        end
      end
      ST_B: begin
        rd_part = b_part;
        rd_addr = f_add_b_addr + cur_q[34*1 +: 32];
      end
      ST_TAP: begin
        rd_addr = tap_addr;
      end
      default: begin
        rd_addr = 32'd0;
      end
    endcase
  end

  always_comb begin
    case (op_q)
      OP_ADD:  wr_addr = f_add_dst_addr + cur_q[34*2 +: 32];
      OP_POOL: wr_addr = f_pool_dst_addr + cur_q[34*2 +: 32];
      default: wr_addr = f_act_dst_addr +
                         (dst_i32 ? {cur_q[34*1 +: 30], 2'b00} : cur_q[34*1 +: 32]) +
                         32'(rk_q);
    endcase
  end

  logic rd_state, rd_issue, rd_gnt;
  assign rd_state = (st_q == ST_PARAM) || (st_q == ST_SRC) || (st_q == ST_B);
  assign rd_issue = (rd_state && (8'(rk_q) < jn)) ||
                    ((st_q == ST_TAP) && in_tap);
  assign rd_gnt   = j_psum ? psum_rgnt_i : spm_rgnt_i;

  assign spm_re_o     = rd_issue && !j_psum;
  assign spm_rpart_o  = rd_part[PW-1:0];
  assign spm_raddr_o  = rd_addr[AW-1:0];
  assign psum_re_o    = rd_issue && j_psum;
  assign psum_rpart_o = rd_part[CW-1:0];
  assign psum_raddr_o = rd_addr[PAW-1:0];

  assign spm_we_o    = (st_q == ST_WR);
  assign spm_wpart_o = dst_part[PW-1:0];
  assign spm_waddr_o = wr_addr[AW-1:0];
  assign spm_wdata_o = wbuf_q[8*rk_q[1:0] +: 8];

  assign cnt_spm_rd_o  = spm_re_o && spm_rgnt_i;
  assign cnt_psum_rd_o = psum_re_o && psum_rgnt_i;
  assign cnt_spm_wr_o  = spm_we_o && spm_wgnt_i;

  // read data capture
  always_ff @(posedge clk_i) begin
    if (pend_q) begin
      if (j_psum) begin
        rbuf_q[31:0] <= psum_rdata_i;
      end else begin
        rbuf_q[8*pidx_q +: 8] <= spm_rdata_i;
      end
    end
  end

  // ------------------------------------------------------ arithmetic
  logic signed [31:0] v32, bias_eff, mult_eff;
  logic signed [33:0] vb;

  assign bias_eff = f_act_pp ? bias_q : 32'sd0;
  assign mult_eff = f_act_pp ? pmult_q : f_act_mult;

  always_comb begin
    case (f_act_src_type)
      2'd0, 2'd1: v32 = rbuf_q[31:0];
      2'd2:       v32 = 32'(bval(rbuf_q[7:0], 1'b0, f_act_src_zp));
      default:    v32 = 32'(bval(rbuf_q[7:0], 1'b1, f_act_src_zp));
    endcase
    vb = 34'(v32) + 34'(bias_eff);
    mul_a = 35'(sat32(vb));
    mul_b = 33'(mult_eff);
    case (op_q)
      OP_ADD: begin
        if (st_q == ST_MUL2) begin
          mul_a = 35'(bval(rbuf_q[7:0], f_add_b_signed, f_add_b_zp));
          mul_b = 33'(f_add_b_mult);
        end else begin
          mul_a = 35'(a_q);
          mul_b = 33'(f_add_a_mult);
        end
      end
      OP_POOL: begin
        mul_a = f_pool_avg ? 35'(sum_q) :
                (nin_q == 16'd0) ? 35'sd0 : 35'(max_q);
        mul_b = 33'(f_pool_mult);
      end
      default: begin
        mul_b = 33'(mult_eff);
      end
    endcase
  end

  assign prod = mul_a * mul_b;

  atoll_rne u_rne (
    .p_i (acc_q),
    .s_i ((op_q == OP_ACT && f_act_pp) ? pshift_q : shift),
    .r_o (rne_r)
  );

  logic [15:0] pool_n;
  assign pool_n = f_pool_count_pad ? f_pool_kh * f_pool_kw : nin_q;

  atoll_div_rne u_div (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .start_i (div_start),
    .num_i   (acc_q[63] ? 64'(-acc_q) : 64'(acc_q)),
    .n_i     (pool_n),
    .shift_i (f_pool_shift),
    .done_o  (div_done),
    .q_o     (div_q)
  );

  // opcode: decoded at accept; reserved bits: checked by the CP; param
  // bytes 9..11 and bits 7:6 of byte 8 are not used (docs/isa.md); the
  // checks keep partitions and addresses in range
  logic unused_bits;
  assign unused_bits = ^{cmd_q[0 +: 8], cmd_q[13 +: 3], cmd_q[24 +: 8],
                         cmd_q[32*12 + 6 +: 10], rbuf_q[95:70], prod[67:64],
                         rd_part[31:PW], rd_addr[31:AW], wr_addr[31:AW]};

  // ------------------------------------------------------------- FSM
  always_comb begin
    st_d      = st_q;
    i_d       = i_q;
    i0_d      = i0_q;
    i1_d      = i1_q;
    cur_d     = cur_q;
    row_d     = row_q;
    rk_d      = rk_q;
    pend_d    = 1'b0;
    pidx_d    = pidx_q;
    wbuf_d    = wbuf_q;
    bias_d    = bias_q;
    pmult_d   = pmult_q;
    pshift_d  = pshift_q;
    ky_d      = ky_q;
    kx_d      = kx_q;
    ty_d      = ty_q;
    tx_d      = tx_q;
    max_d     = max_q;
    sum_d     = sum_q;
    nin_d     = nin_q;
    a_d       = a_q;
    acc_d     = acc_q;
    r_d       = r_q;
    neg_d     = neg_q;
    div_start = 1'b0;

    // a read job issues one request per cycle and captures the data the
    // cycle after the grant
    if (rd_state && rd_issue && rd_gnt) begin
      rk_d   = rk_q + 4'd1;
      pend_d = 1'b1;
      pidx_d = rk_q;
    end

    case (st_q)
      ST_IDLE: begin
        if (accept) begin
          st_d = ST_PART;
          i_d  = 8'd0;
        end
      end
      ST_PART: begin
        i0_d = 16'd0;
        i1_d = 16'd0;
        rk_d = 4'd0;
        cur_d = ch_init;
        row_d = ch_init;
        st_d = (op_q == OP_ACT && f_act_pp) ? ST_PARAM : ST_ELEM;
      end
      ST_PARAM: begin
        if (8'(rk_q) == jn && !pend_q) begin
          bias_d   = rbuf_q[31:0];
          pmult_d  = rbuf_q[63:32];
          pshift_d = rbuf_q[69:64];
          rk_d     = 4'd0;
          st_d     = ST_ELEM;
        end
      end
      ST_ELEM: begin
        rk_d  = 4'd0;
        ky_d  = 8'd0;
        kx_d  = 8'd0;
        ty_d  = cur_q[34*0 +: 34];
        tx_d  = cur_q[34*1 +: 34];
        max_d = 18'sd0;
        sum_d = 34'sd0;
        nin_d = 16'd0;
        st_d  = (op_q == OP_POOL) ? ST_TAP : ST_SRC;
      end
      ST_SRC: begin
        if (8'(rk_q) == jn && !pend_q) begin
          rk_d = 4'd0;
          if (op_q == OP_ADD) begin
            a_d  = bval(rbuf_q[7:0], f_add_a_signed, f_add_a_zp);
            st_d = ST_B;
          end else begin
            st_d = ST_MUL;
          end
        end
      end
      ST_B: begin
        if (8'(rk_q) == jn && !pend_q) begin
          rk_d = 4'd0;
          st_d = ST_MUL;
        end
      end
      ST_TAP, ST_TAPW: begin
        if (st_q == ST_TAP && in_tap) begin
          if (spm_rgnt_i) begin
            st_d = ST_TAPW;
          end
        end else begin
          if (st_q == ST_TAPW) begin
            if (nin_q == 16'd0 || bval(spm_rdata_i, f_pool_src_signed, f_pool_src_zp) > max_q) begin
              max_d = bval(spm_rdata_i, f_pool_src_signed, f_pool_src_zp);
            end
            sum_d = sum_q + 34'(bval(spm_rdata_i, f_pool_src_signed, f_pool_src_zp));
            nin_d = nin_q + 16'd1;
          end
          st_d = ST_TAP;
          if (kx_q != f_pool_kw - 8'd1) begin
            kx_d = kx_q + 8'd1;
            tx_d = tx_q + 34'(f_pool_dx);
          end else begin
            kx_d = 8'd0;
            tx_d = cur_q[34*1 +: 34];
            if (ky_q != f_pool_kh - 8'd1) begin
              ky_d = ky_q + 8'd1;
              ty_d = ty_q + 34'(f_pool_dy);
            end else begin
              st_d = ST_MUL;
            end
          end
        end
      end
      ST_MUL: begin
        acc_d = prod[63:0];
        st_d  = (op_q == OP_ADD) ? ST_MUL2 : ST_RND;
      end
      ST_MUL2: begin
        acc_d = acc_q + prod[63:0];
        st_d  = ST_RND;
      end
      ST_RND: begin
        if (op_q == OP_POOL && f_pool_avg) begin
          if (pool_n == 16'd0) begin
            r_d  = 64'sd0;
            st_d = ST_OUT;
          end else begin
            neg_d     = acc_q[63];
            div_start = 1'b1;
            st_d      = ST_DIV;
          end
        end else begin
          r_d  = rne_r;
          st_d = ST_OUT;
        end
      end
      ST_DIV: begin
        if (div_done) begin
          r_d  = neg_q ? -$signed(div_q) : $signed(div_q);
          st_d = ST_OUT;
        end
      end
      ST_OUT: begin
        rk_d = 4'd0;
        if (dst_i32) begin
          wbuf_d = sat32w(r_q);
        end else begin
          wbuf_d = {24'd0, clamp8(r_q + 64'(dst_zp), cmin, cmax, dst_sgn)};
        end
        st_d = ST_WR;
      end
      ST_WR: begin
        if (spm_wgnt_i) begin
          rk_d = rk_q + 4'd1;
          if (3'(rk_q) == nw - 3'd1) begin
            rk_d = 4'd0;
            st_d = ST_NEXT;
          end
        end
      end
      ST_NEXT: begin
        st_d = ST_ELEM;
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
        end else if (i_q != nparts - 8'd1) begin
          i_d  = i_q + 8'd1;
          st_d = ST_PART;
        end else begin
          st_d = ST_IDLE;
        end
      end
      default: begin
        st_d = ST_IDLE;
      end
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_q   <= ST_IDLE;
      pend_q <= 1'b0;
    end else begin
      st_q   <= st_d;
      pend_q <= pend_d;
    end
  end

  always_ff @(posedge clk_i) begin
    i_q      <= i_d;
    i0_q     <= i0_d;
    i1_q     <= i1_d;
    cur_q    <= cur_d;
    row_q    <= row_d;
    rk_q     <= rk_d;
    pidx_q   <= pidx_d;
    wbuf_q   <= wbuf_d;
    bias_q   <= bias_d;
    pmult_q  <= pmult_d;
    pshift_q <= pshift_d;
    ky_q     <= ky_d;
    kx_q     <= kx_d;
    ty_q     <= ty_d;
    tx_q     <= tx_d;
    max_q    <= max_d;
    sum_q    <= sum_d;
    nin_q    <= nin_d;
    a_q      <= a_d;
    acc_q    <= acc_d;
    r_q      <= r_d;
    neg_q    <= neg_d;
  end
endmodule : atoll_act_engine
