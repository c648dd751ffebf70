// Static checks of one command (docs/isa.md, "Execution model" step 2):
// illegal opcode, reserved bits, then the checks of the opcode in the
// documented order; the first failing check gives the fault code.
//
// Pattern ranges are computed exactly (56-bit signed): each range check
// takes two cycles (its up to four (count - 1) * stride terms in
// parallel, then the comparison); a command needs at most 13 cycles.
// MOVE's disjointness check (source box against destination box) is
// made with its last range check, in the same cycle.  start_i starts a check
// of cmd_i (held stable until done_o); done_o pulses with err_o (0: the
// command may execute).
`include "atoll_config.vh"
`include "atoll_isa.vh"
`include "atoll_defs.vh"

module atoll_cmd_check #(
  parameter int ROWS       = `ATOLL_CFG_ROWS,
  parameter int COLS       = `ATOLL_CFG_COLS,
  parameter int SPM_BYTES  = `ATOLL_CFG_SPM_BYTES,
  parameter int PSUM_DEPTH = `ATOLL_CFG_PSUM_DEPTH,
  parameter int SEMS       = `ATOLL_CFG_SEMAPHORES
) (
  input  logic         clk_i,
  input  logic         rst_ni,
  input  logic         start_i,
  input  logic [511:0] cmd_i,
  input  logic [31:0]  win_lo_i,
  input  logic [31:0]  win_hi_i,
  output logic         done_o,
  output logic [7:0]   err_o
);
  localparam logic [3:0] FMT_END  = 4'd0;
  localparam logic [3:0] FMT_DMA  = 4'd1;
  localparam logic [3:0] FMT_LDW  = 4'd2;
  localparam logic [3:0] FMT_MM   = 4'd3;
  localparam logic [3:0] FMT_ACT  = 4'd4;
  localparam logic [3:0] FMT_ADD  = 4'd5;
  localparam logic [3:0] FMT_POOL = 4'd6;
  localparam logic [3:0] FMT_SEM  = 4'd7;
  localparam logic [3:0] FMT_MOVE = 4'd8;
  localparam int S = 56;

  // ------------------------------------------------------------ fields
  logic [7:0] op;
  assign op = cmd_i[7:0];
  logic f_dma_fill_en;
  assign f_dma_fill_en = `ATOLL_FLD(cmd_i, `ATOLL_DMA_FILL_EN_WORD,
                                    `ATOLL_DMA_FILL_EN_LSB, `ATOLL_DMA_FILL_EN_WIDTH);
  logic [`ATOLL_DMA_DRAM_BASE_WIDTH-1:0] f_dma_dram_base;
  assign f_dma_dram_base = `ATOLL_FLD(cmd_i, `ATOLL_DMA_DRAM_BASE_WORD,
                                      `ATOLL_DMA_DRAM_BASE_LSB, `ATOLL_DMA_DRAM_BASE_WIDTH);
  logic [`ATOLL_DMA_SPM_ADDR_WIDTH-1:0] f_dma_spm_addr;
  assign f_dma_spm_addr = `ATOLL_FLD(cmd_i, `ATOLL_DMA_SPM_ADDR_WORD,
                                     `ATOLL_DMA_SPM_ADDR_LSB, `ATOLL_DMA_SPM_ADDR_WIDTH);
  logic [`ATOLL_DMA_SPM_PART_WIDTH-1:0] f_dma_spm_part;
  assign f_dma_spm_part = `ATOLL_FLD(cmd_i, `ATOLL_DMA_SPM_PART_WORD,
                                     `ATOLL_DMA_SPM_PART_LSB, `ATOLL_DMA_SPM_PART_WIDTH);
  logic signed [`ATOLL_DMA_DRAM_STRIDE0_WIDTH-1:0] f_dma_dram_stride0;
  assign f_dma_dram_stride0 = `ATOLL_FLD(cmd_i, `ATOLL_DMA_DRAM_STRIDE0_WORD,
                                         `ATOLL_DMA_DRAM_STRIDE0_LSB,
                                         `ATOLL_DMA_DRAM_STRIDE0_WIDTH);
  logic signed [`ATOLL_DMA_DRAM_STRIDE1_WIDTH-1:0] f_dma_dram_stride1;
  assign f_dma_dram_stride1 = `ATOLL_FLD(cmd_i, `ATOLL_DMA_DRAM_STRIDE1_WORD,
                                         `ATOLL_DMA_DRAM_STRIDE1_LSB,
                                         `ATOLL_DMA_DRAM_STRIDE1_WIDTH);
  logic signed [`ATOLL_DMA_DRAM_STRIDE2_WIDTH-1:0] f_dma_dram_stride2;
  assign f_dma_dram_stride2 = `ATOLL_FLD(cmd_i, `ATOLL_DMA_DRAM_STRIDE2_WORD,
                                         `ATOLL_DMA_DRAM_STRIDE2_LSB,
                                         `ATOLL_DMA_DRAM_STRIDE2_WIDTH);
  logic signed [`ATOLL_DMA_DRAM_STRIDE3_WIDTH-1:0] f_dma_dram_stride3;
  assign f_dma_dram_stride3 = `ATOLL_FLD(cmd_i, `ATOLL_DMA_DRAM_STRIDE3_WORD,
                                         `ATOLL_DMA_DRAM_STRIDE3_LSB,
                                         `ATOLL_DMA_DRAM_STRIDE3_WIDTH);
  logic signed [`ATOLL_DMA_SPM_STRIDE0_WIDTH-1:0] f_dma_spm_stride0;
  assign f_dma_spm_stride0 = `ATOLL_FLD(cmd_i, `ATOLL_DMA_SPM_STRIDE0_WORD,
                                        `ATOLL_DMA_SPM_STRIDE0_LSB, `ATOLL_DMA_SPM_STRIDE0_WIDTH);
  logic signed [`ATOLL_DMA_SPM_STRIDE1_WIDTH-1:0] f_dma_spm_stride1;
  assign f_dma_spm_stride1 = `ATOLL_FLD(cmd_i, `ATOLL_DMA_SPM_STRIDE1_WORD,
                                        `ATOLL_DMA_SPM_STRIDE1_LSB, `ATOLL_DMA_SPM_STRIDE1_WIDTH);
  logic signed [`ATOLL_DMA_SPM_STRIDE2_WIDTH-1:0] f_dma_spm_stride2;
  assign f_dma_spm_stride2 = `ATOLL_FLD(cmd_i, `ATOLL_DMA_SPM_STRIDE2_WORD,
                                        `ATOLL_DMA_SPM_STRIDE2_LSB, `ATOLL_DMA_SPM_STRIDE2_WIDTH);
  logic signed [`ATOLL_DMA_SPM_STRIDE3_WIDTH-1:0] f_dma_spm_stride3;
  assign f_dma_spm_stride3 = `ATOLL_FLD(cmd_i, `ATOLL_DMA_SPM_STRIDE3_WORD,
                                        `ATOLL_DMA_SPM_STRIDE3_LSB, `ATOLL_DMA_SPM_STRIDE3_WIDTH);
  logic signed [`ATOLL_DMA_PART_STRIDE0_WIDTH-1:0] f_dma_part_stride0;
  assign f_dma_part_stride0 = `ATOLL_FLD(cmd_i, `ATOLL_DMA_PART_STRIDE0_WORD,
                                         `ATOLL_DMA_PART_STRIDE0_LSB,
                                         `ATOLL_DMA_PART_STRIDE0_WIDTH);
  logic signed [`ATOLL_DMA_PART_STRIDE1_WIDTH-1:0] f_dma_part_stride1;
  assign f_dma_part_stride1 = `ATOLL_FLD(cmd_i, `ATOLL_DMA_PART_STRIDE1_WORD,
                                         `ATOLL_DMA_PART_STRIDE1_LSB,
                                         `ATOLL_DMA_PART_STRIDE1_WIDTH);
  logic signed [`ATOLL_DMA_PART_STRIDE2_WIDTH-1:0] f_dma_part_stride2;
  assign f_dma_part_stride2 = `ATOLL_FLD(cmd_i, `ATOLL_DMA_PART_STRIDE2_WORD,
                                         `ATOLL_DMA_PART_STRIDE2_LSB,
                                         `ATOLL_DMA_PART_STRIDE2_WIDTH);
  logic signed [`ATOLL_DMA_PART_STRIDE3_WIDTH-1:0] f_dma_part_stride3;
  assign f_dma_part_stride3 = `ATOLL_FLD(cmd_i, `ATOLL_DMA_PART_STRIDE3_WORD,
                                         `ATOLL_DMA_PART_STRIDE3_LSB,
                                         `ATOLL_DMA_PART_STRIDE3_WIDTH);
  logic [`ATOLL_DMA_COUNT0_WIDTH-1:0] f_dma_count0;
  assign f_dma_count0 = `ATOLL_FLD(cmd_i, `ATOLL_DMA_COUNT0_WORD,
                                   `ATOLL_DMA_COUNT0_LSB, `ATOLL_DMA_COUNT0_WIDTH);
  logic [`ATOLL_DMA_COUNT1_WIDTH-1:0] f_dma_count1;
  assign f_dma_count1 = `ATOLL_FLD(cmd_i, `ATOLL_DMA_COUNT1_WORD,
                                   `ATOLL_DMA_COUNT1_LSB, `ATOLL_DMA_COUNT1_WIDTH);
  logic [`ATOLL_DMA_COUNT2_WIDTH-1:0] f_dma_count2;
  assign f_dma_count2 = `ATOLL_FLD(cmd_i, `ATOLL_DMA_COUNT2_WORD,
                                   `ATOLL_DMA_COUNT2_LSB, `ATOLL_DMA_COUNT2_WIDTH);
  logic [`ATOLL_DMA_COUNT3_WIDTH-1:0] f_dma_count3;
  assign f_dma_count3 = `ATOLL_FLD(cmd_i, `ATOLL_DMA_COUNT3_WORD,
                                   `ATOLL_DMA_COUNT3_LSB, `ATOLL_DMA_COUNT3_WIDTH);
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
  logic [`ATOLL_MM_PITCH_WIDTH-1:0] f_mm_pitch;
  assign f_mm_pitch = `ATOLL_FLD(cmd_i, `ATOLL_MM_PITCH_WORD,
                                 `ATOLL_MM_PITCH_LSB, `ATOLL_MM_PITCH_WIDTH);
  logic [`ATOLL_MM_H_WIDTH-1:0] f_mm_h;
  assign f_mm_h = `ATOLL_FLD(cmd_i, `ATOLL_MM_H_WORD,
                             `ATOLL_MM_H_LSB, `ATOLL_MM_H_WIDTH);
  logic [`ATOLL_MM_W_WIDTH-1:0] f_mm_w;
  assign f_mm_w = `ATOLL_FLD(cmd_i, `ATOLL_MM_W_WORD,
                             `ATOLL_MM_W_LSB, `ATOLL_MM_W_WIDTH);
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
  logic [`ATOLL_ACT_SRC_TYPE_WIDTH-1:0] f_act_src_type;
  assign f_act_src_type = `ATOLL_FLD(cmd_i, `ATOLL_ACT_SRC_TYPE_WORD,
                                     `ATOLL_ACT_SRC_TYPE_LSB, `ATOLL_ACT_SRC_TYPE_WIDTH);
  logic [`ATOLL_ACT_DST_TYPE_WIDTH-1:0] f_act_dst_type;
  assign f_act_dst_type = `ATOLL_FLD(cmd_i, `ATOLL_ACT_DST_TYPE_WORD,
                                     `ATOLL_ACT_DST_TYPE_LSB, `ATOLL_ACT_DST_TYPE_WIDTH);
  logic f_act_pp;
  assign f_act_pp = `ATOLL_FLD(cmd_i, `ATOLL_ACT_PP_WORD,
                               `ATOLL_ACT_PP_LSB, `ATOLL_ACT_PP_WIDTH);
  logic f_act_nb;
  assign f_act_nb = `ATOLL_FLD(cmd_i, `ATOLL_ACT_NB_WORD,
                               `ATOLL_ACT_NB_LSB, `ATOLL_ACT_NB_WIDTH);
  logic [`ATOLL_ACT_NPARTS_WIDTH-1:0] f_act_nparts;
  assign f_act_nparts = `ATOLL_FLD(cmd_i, `ATOLL_ACT_NPARTS_WORD,
                                   `ATOLL_ACT_NPARTS_LSB, `ATOLL_ACT_NPARTS_WIDTH);
  logic [`ATOLL_ACT_SRC_ADDR_WIDTH-1:0] f_act_src_addr;
  assign f_act_src_addr = `ATOLL_FLD(cmd_i, `ATOLL_ACT_SRC_ADDR_WORD,
                                     `ATOLL_ACT_SRC_ADDR_LSB, `ATOLL_ACT_SRC_ADDR_WIDTH);
  logic [`ATOLL_ACT_SRC_PART_WIDTH-1:0] f_act_src_part;
  assign f_act_src_part = `ATOLL_FLD(cmd_i, `ATOLL_ACT_SRC_PART_WORD,
                                     `ATOLL_ACT_SRC_PART_LSB, `ATOLL_ACT_SRC_PART_WIDTH);
  logic [`ATOLL_ACT_DST_PART_WIDTH-1:0] f_act_dst_part;
  assign f_act_dst_part = `ATOLL_FLD(cmd_i, `ATOLL_ACT_DST_PART_WORD,
                                     `ATOLL_ACT_DST_PART_LSB, `ATOLL_ACT_DST_PART_WIDTH);
  logic [`ATOLL_ACT_DST_ADDR_WIDTH-1:0] f_act_dst_addr;
  assign f_act_dst_addr = `ATOLL_FLD(cmd_i, `ATOLL_ACT_DST_ADDR_WORD,
                                     `ATOLL_ACT_DST_ADDR_LSB, `ATOLL_ACT_DST_ADDR_WIDTH);
  logic [`ATOLL_ACT_N0_WIDTH-1:0] f_act_n0;
  assign f_act_n0 = `ATOLL_FLD(cmd_i, `ATOLL_ACT_N0_WORD,
                               `ATOLL_ACT_N0_LSB, `ATOLL_ACT_N0_WIDTH);
  logic [`ATOLL_ACT_N1_WIDTH-1:0] f_act_n1;
  assign f_act_n1 = `ATOLL_FLD(cmd_i, `ATOLL_ACT_N1_WORD,
                               `ATOLL_ACT_N1_LSB, `ATOLL_ACT_N1_WIDTH);
  logic signed [`ATOLL_ACT_SS0_WIDTH-1:0] f_act_ss0;
  assign f_act_ss0 = `ATOLL_FLD(cmd_i, `ATOLL_ACT_SS0_WORD,
                                `ATOLL_ACT_SS0_LSB, `ATOLL_ACT_SS0_WIDTH);
  logic signed [`ATOLL_ACT_SS1_WIDTH-1:0] f_act_ss1;
  assign f_act_ss1 = `ATOLL_FLD(cmd_i, `ATOLL_ACT_SS1_WORD,
                                `ATOLL_ACT_SS1_LSB, `ATOLL_ACT_SS1_WIDTH);
  logic signed [`ATOLL_ACT_DS0_WIDTH-1:0] f_act_ds0;
  assign f_act_ds0 = `ATOLL_FLD(cmd_i, `ATOLL_ACT_DS0_WORD,
                                `ATOLL_ACT_DS0_LSB, `ATOLL_ACT_DS0_WIDTH);
  logic signed [`ATOLL_ACT_DS1_WIDTH-1:0] f_act_ds1;
  assign f_act_ds1 = `ATOLL_FLD(cmd_i, `ATOLL_ACT_DS1_WORD,
                                `ATOLL_ACT_DS1_LSB, `ATOLL_ACT_DS1_WIDTH);
  logic [`ATOLL_ACT_PARAM_ADDR_WIDTH-1:0] f_act_param_addr;
  assign f_act_param_addr = `ATOLL_FLD(cmd_i, `ATOLL_ACT_PARAM_ADDR_WORD,
                                       `ATOLL_ACT_PARAM_ADDR_LSB, `ATOLL_ACT_PARAM_ADDR_WIDTH);
  logic [`ATOLL_ADD_NPARTS_WIDTH-1:0] f_add_nparts;
  assign f_add_nparts = `ATOLL_FLD(cmd_i, `ATOLL_ADD_NPARTS_WORD,
                                   `ATOLL_ADD_NPARTS_LSB, `ATOLL_ADD_NPARTS_WIDTH);
  logic [`ATOLL_ADD_A_ADDR_WIDTH-1:0] f_add_a_addr;
  assign f_add_a_addr = `ATOLL_FLD(cmd_i, `ATOLL_ADD_A_ADDR_WORD,
                                   `ATOLL_ADD_A_ADDR_LSB, `ATOLL_ADD_A_ADDR_WIDTH);
  logic [`ATOLL_ADD_A_PART_WIDTH-1:0] f_add_a_part;
  assign f_add_a_part = `ATOLL_FLD(cmd_i, `ATOLL_ADD_A_PART_WORD,
                                   `ATOLL_ADD_A_PART_LSB, `ATOLL_ADD_A_PART_WIDTH);
  logic [`ATOLL_ADD_B_PART_WIDTH-1:0] f_add_b_part;
  assign f_add_b_part = `ATOLL_FLD(cmd_i, `ATOLL_ADD_B_PART_WORD,
                                   `ATOLL_ADD_B_PART_LSB, `ATOLL_ADD_B_PART_WIDTH);
  logic [`ATOLL_ADD_B_ADDR_WIDTH-1:0] f_add_b_addr;
  assign f_add_b_addr = `ATOLL_FLD(cmd_i, `ATOLL_ADD_B_ADDR_WORD,
                                   `ATOLL_ADD_B_ADDR_LSB, `ATOLL_ADD_B_ADDR_WIDTH);
  logic [`ATOLL_ADD_DST_ADDR_WIDTH-1:0] f_add_dst_addr;
  assign f_add_dst_addr = `ATOLL_FLD(cmd_i, `ATOLL_ADD_DST_ADDR_WORD,
                                     `ATOLL_ADD_DST_ADDR_LSB, `ATOLL_ADD_DST_ADDR_WIDTH);
  logic [`ATOLL_ADD_DST_PART_WIDTH-1:0] f_add_dst_part;
  assign f_add_dst_part = `ATOLL_FLD(cmd_i, `ATOLL_ADD_DST_PART_WORD,
                                     `ATOLL_ADD_DST_PART_LSB, `ATOLL_ADD_DST_PART_WIDTH);
  logic [`ATOLL_ADD_N0_WIDTH-1:0] f_add_n0;
  assign f_add_n0 = `ATOLL_FLD(cmd_i, `ATOLL_ADD_N0_WORD,
                               `ATOLL_ADD_N0_LSB, `ATOLL_ADD_N0_WIDTH);
  logic [`ATOLL_ADD_N1_WIDTH-1:0] f_add_n1;
  assign f_add_n1 = `ATOLL_FLD(cmd_i, `ATOLL_ADD_N1_WORD,
                               `ATOLL_ADD_N1_LSB, `ATOLL_ADD_N1_WIDTH);
  logic signed [`ATOLL_ADD_AS0_WIDTH-1:0] f_add_as0;
  assign f_add_as0 = `ATOLL_FLD(cmd_i, `ATOLL_ADD_AS0_WORD,
                                `ATOLL_ADD_AS0_LSB, `ATOLL_ADD_AS0_WIDTH);
  logic signed [`ATOLL_ADD_AS1_WIDTH-1:0] f_add_as1;
  assign f_add_as1 = `ATOLL_FLD(cmd_i, `ATOLL_ADD_AS1_WORD,
                                `ATOLL_ADD_AS1_LSB, `ATOLL_ADD_AS1_WIDTH);
  logic signed [`ATOLL_ADD_BS0_WIDTH-1:0] f_add_bs0;
  assign f_add_bs0 = `ATOLL_FLD(cmd_i, `ATOLL_ADD_BS0_WORD,
                                `ATOLL_ADD_BS0_LSB, `ATOLL_ADD_BS0_WIDTH);
  logic signed [`ATOLL_ADD_BS1_WIDTH-1:0] f_add_bs1;
  assign f_add_bs1 = `ATOLL_FLD(cmd_i, `ATOLL_ADD_BS1_WORD,
                                `ATOLL_ADD_BS1_LSB, `ATOLL_ADD_BS1_WIDTH);
  logic signed [`ATOLL_ADD_DS0_WIDTH-1:0] f_add_ds0;
  assign f_add_ds0 = `ATOLL_FLD(cmd_i, `ATOLL_ADD_DS0_WORD,
                                `ATOLL_ADD_DS0_LSB, `ATOLL_ADD_DS0_WIDTH);
  logic signed [`ATOLL_ADD_DS1_WIDTH-1:0] f_add_ds1;
  assign f_add_ds1 = `ATOLL_FLD(cmd_i, `ATOLL_ADD_DS1_WORD,
                                `ATOLL_ADD_DS1_LSB, `ATOLL_ADD_DS1_WIDTH);
  logic [`ATOLL_POOL_NPARTS_WIDTH-1:0] f_pool_nparts;
  assign f_pool_nparts = `ATOLL_FLD(cmd_i, `ATOLL_POOL_NPARTS_WORD,
                                    `ATOLL_POOL_NPARTS_LSB, `ATOLL_POOL_NPARTS_WIDTH);
  logic [`ATOLL_POOL_SRC_ADDR_WIDTH-1:0] f_pool_src_addr;
  assign f_pool_src_addr = `ATOLL_FLD(cmd_i, `ATOLL_POOL_SRC_ADDR_WORD,
                                      `ATOLL_POOL_SRC_ADDR_LSB, `ATOLL_POOL_SRC_ADDR_WIDTH);
  logic [`ATOLL_POOL_SRC_PART_WIDTH-1:0] f_pool_src_part;
  assign f_pool_src_part = `ATOLL_FLD(cmd_i, `ATOLL_POOL_SRC_PART_WORD,
                                      `ATOLL_POOL_SRC_PART_LSB, `ATOLL_POOL_SRC_PART_WIDTH);
  logic [`ATOLL_POOL_DST_PART_WIDTH-1:0] f_pool_dst_part;
  assign f_pool_dst_part = `ATOLL_FLD(cmd_i, `ATOLL_POOL_DST_PART_WORD,
                                      `ATOLL_POOL_DST_PART_LSB, `ATOLL_POOL_DST_PART_WIDTH);
  logic [`ATOLL_POOL_DST_ADDR_WIDTH-1:0] f_pool_dst_addr;
  assign f_pool_dst_addr = `ATOLL_FLD(cmd_i, `ATOLL_POOL_DST_ADDR_WORD,
                                      `ATOLL_POOL_DST_ADDR_LSB, `ATOLL_POOL_DST_ADDR_WIDTH);
  logic [`ATOLL_POOL_N0_WIDTH-1:0] f_pool_n0;
  assign f_pool_n0 = `ATOLL_FLD(cmd_i, `ATOLL_POOL_N0_WORD,
                                `ATOLL_POOL_N0_LSB, `ATOLL_POOL_N0_WIDTH);
  logic [`ATOLL_POOL_N1_WIDTH-1:0] f_pool_n1;
  assign f_pool_n1 = `ATOLL_FLD(cmd_i, `ATOLL_POOL_N1_WORD,
                                `ATOLL_POOL_N1_LSB, `ATOLL_POOL_N1_WIDTH);
  logic signed [`ATOLL_POOL_DS0_WIDTH-1:0] f_pool_ds0;
  assign f_pool_ds0 = `ATOLL_FLD(cmd_i, `ATOLL_POOL_DS0_WORD,
                                 `ATOLL_POOL_DS0_LSB, `ATOLL_POOL_DS0_WIDTH);
  logic signed [`ATOLL_POOL_DS1_WIDTH-1:0] f_pool_ds1;
  assign f_pool_ds1 = `ATOLL_FLD(cmd_i, `ATOLL_POOL_DS1_WORD,
                                 `ATOLL_POOL_DS1_LSB, `ATOLL_POOL_DS1_WIDTH);
  logic [`ATOLL_POOL_H_WIDTH-1:0] f_pool_h;
  assign f_pool_h = `ATOLL_FLD(cmd_i, `ATOLL_POOL_H_WORD,
                               `ATOLL_POOL_H_LSB, `ATOLL_POOL_H_WIDTH);
  logic [`ATOLL_POOL_W_WIDTH-1:0] f_pool_w;
  assign f_pool_w = `ATOLL_FLD(cmd_i, `ATOLL_POOL_W_WORD,
                               `ATOLL_POOL_W_LSB, `ATOLL_POOL_W_WIDTH);
  logic [`ATOLL_POOL_PITCH_WIDTH-1:0] f_pool_pitch;
  assign f_pool_pitch = `ATOLL_FLD(cmd_i, `ATOLL_POOL_PITCH_WORD,
                                   `ATOLL_POOL_PITCH_LSB, `ATOLL_POOL_PITCH_WIDTH);
  logic [`ATOLL_POOL_KH_WIDTH-1:0] f_pool_kh;
  assign f_pool_kh = `ATOLL_FLD(cmd_i, `ATOLL_POOL_KH_WORD,
                                `ATOLL_POOL_KH_LSB, `ATOLL_POOL_KH_WIDTH);
  logic [`ATOLL_POOL_KW_WIDTH-1:0] f_pool_kw;
  assign f_pool_kw = `ATOLL_FLD(cmd_i, `ATOLL_POOL_KW_WORD,
                                `ATOLL_POOL_KW_LSB, `ATOLL_POOL_KW_WIDTH);
  logic [`ATOLL_POOL_DY_WIDTH-1:0] f_pool_dy;
  assign f_pool_dy = `ATOLL_FLD(cmd_i, `ATOLL_POOL_DY_WORD,
                                `ATOLL_POOL_DY_LSB, `ATOLL_POOL_DY_WIDTH);
  logic [`ATOLL_POOL_DX_WIDTH-1:0] f_pool_dx;
  assign f_pool_dx = `ATOLL_FLD(cmd_i, `ATOLL_POOL_DX_WORD,
                                `ATOLL_POOL_DX_LSB, `ATOLL_POOL_DX_WIDTH);
  logic [`ATOLL_SEM_SEM_WIDTH-1:0] f_sem_sem;
  assign f_sem_sem = `ATOLL_FLD(cmd_i, `ATOLL_SEM_SEM_WORD,
                                `ATOLL_SEM_SEM_LSB, `ATOLL_SEM_SEM_WIDTH);
  logic [`ATOLL_SEM_VALUE_WIDTH-1:0] f_sem_value;
  assign f_sem_value = `ATOLL_FLD(cmd_i, `ATOLL_SEM_VALUE_WORD,
                                  `ATOLL_SEM_VALUE_LSB, `ATOLL_SEM_VALUE_WIDTH);

  logic [`ATOLL_MOVE_SRC_PART_WIDTH-1:0] f_mv_src_part;
  assign f_mv_src_part = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_SRC_PART_WORD,
                                    `ATOLL_MOVE_SRC_PART_LSB, `ATOLL_MOVE_SRC_PART_WIDTH);
  logic [`ATOLL_MOVE_SRC_ADDR_WIDTH-1:0] f_mv_src_addr;
  assign f_mv_src_addr = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_SRC_ADDR_WORD,
                                    `ATOLL_MOVE_SRC_ADDR_LSB, `ATOLL_MOVE_SRC_ADDR_WIDTH);
  logic [`ATOLL_MOVE_DST_PART_WIDTH-1:0] f_mv_dst_part;
  assign f_mv_dst_part = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_DST_PART_WORD,
                                    `ATOLL_MOVE_DST_PART_LSB, `ATOLL_MOVE_DST_PART_WIDTH);
  logic [`ATOLL_MOVE_DST_ADDR_WIDTH-1:0] f_mv_dst_addr;
  assign f_mv_dst_addr = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_DST_ADDR_WORD,
                                    `ATOLL_MOVE_DST_ADDR_LSB, `ATOLL_MOVE_DST_ADDR_WIDTH);
  logic signed [`ATOLL_MOVE_SRC_PSTRIDE0_WIDTH-1:0] f_mv_src_pstride0;
  assign f_mv_src_pstride0 = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_SRC_PSTRIDE0_WORD,
                                        `ATOLL_MOVE_SRC_PSTRIDE0_LSB, `ATOLL_MOVE_SRC_PSTRIDE0_WIDTH);
  logic signed [`ATOLL_MOVE_SRC_STRIDE0_WIDTH-1:0] f_mv_src_stride0;
  assign f_mv_src_stride0 = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_SRC_STRIDE0_WORD,
                                       `ATOLL_MOVE_SRC_STRIDE0_LSB, `ATOLL_MOVE_SRC_STRIDE0_WIDTH);
  logic signed [`ATOLL_MOVE_SRC_PSTRIDE1_WIDTH-1:0] f_mv_src_pstride1;
  assign f_mv_src_pstride1 = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_SRC_PSTRIDE1_WORD,
                                        `ATOLL_MOVE_SRC_PSTRIDE1_LSB, `ATOLL_MOVE_SRC_PSTRIDE1_WIDTH);
  logic signed [`ATOLL_MOVE_SRC_STRIDE1_WIDTH-1:0] f_mv_src_stride1;
  assign f_mv_src_stride1 = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_SRC_STRIDE1_WORD,
                                       `ATOLL_MOVE_SRC_STRIDE1_LSB, `ATOLL_MOVE_SRC_STRIDE1_WIDTH);
  logic signed [`ATOLL_MOVE_SRC_PSTRIDE2_WIDTH-1:0] f_mv_src_pstride2;
  assign f_mv_src_pstride2 = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_SRC_PSTRIDE2_WORD,
                                        `ATOLL_MOVE_SRC_PSTRIDE2_LSB, `ATOLL_MOVE_SRC_PSTRIDE2_WIDTH);
  logic signed [`ATOLL_MOVE_SRC_STRIDE2_WIDTH-1:0] f_mv_src_stride2;
  assign f_mv_src_stride2 = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_SRC_STRIDE2_WORD,
                                       `ATOLL_MOVE_SRC_STRIDE2_LSB, `ATOLL_MOVE_SRC_STRIDE2_WIDTH);
  logic signed [`ATOLL_MOVE_SRC_PSTRIDE3_WIDTH-1:0] f_mv_src_pstride3;
  assign f_mv_src_pstride3 = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_SRC_PSTRIDE3_WORD,
                                        `ATOLL_MOVE_SRC_PSTRIDE3_LSB, `ATOLL_MOVE_SRC_PSTRIDE3_WIDTH);
  logic signed [`ATOLL_MOVE_SRC_STRIDE3_WIDTH-1:0] f_mv_src_stride3;
  assign f_mv_src_stride3 = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_SRC_STRIDE3_WORD,
                                       `ATOLL_MOVE_SRC_STRIDE3_LSB, `ATOLL_MOVE_SRC_STRIDE3_WIDTH);
  logic signed [`ATOLL_MOVE_DST_PSTRIDE0_WIDTH-1:0] f_mv_dst_pstride0;
  assign f_mv_dst_pstride0 = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_DST_PSTRIDE0_WORD,
                                        `ATOLL_MOVE_DST_PSTRIDE0_LSB, `ATOLL_MOVE_DST_PSTRIDE0_WIDTH);
  logic signed [`ATOLL_MOVE_DST_STRIDE0_WIDTH-1:0] f_mv_dst_stride0;
  assign f_mv_dst_stride0 = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_DST_STRIDE0_WORD,
                                       `ATOLL_MOVE_DST_STRIDE0_LSB, `ATOLL_MOVE_DST_STRIDE0_WIDTH);
  logic signed [`ATOLL_MOVE_DST_PSTRIDE1_WIDTH-1:0] f_mv_dst_pstride1;
  assign f_mv_dst_pstride1 = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_DST_PSTRIDE1_WORD,
                                        `ATOLL_MOVE_DST_PSTRIDE1_LSB, `ATOLL_MOVE_DST_PSTRIDE1_WIDTH);
  logic signed [`ATOLL_MOVE_DST_STRIDE1_WIDTH-1:0] f_mv_dst_stride1;
  assign f_mv_dst_stride1 = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_DST_STRIDE1_WORD,
                                       `ATOLL_MOVE_DST_STRIDE1_LSB, `ATOLL_MOVE_DST_STRIDE1_WIDTH);
  logic signed [`ATOLL_MOVE_DST_PSTRIDE2_WIDTH-1:0] f_mv_dst_pstride2;
  assign f_mv_dst_pstride2 = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_DST_PSTRIDE2_WORD,
                                        `ATOLL_MOVE_DST_PSTRIDE2_LSB, `ATOLL_MOVE_DST_PSTRIDE2_WIDTH);
  logic signed [`ATOLL_MOVE_DST_STRIDE2_WIDTH-1:0] f_mv_dst_stride2;
  assign f_mv_dst_stride2 = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_DST_STRIDE2_WORD,
                                       `ATOLL_MOVE_DST_STRIDE2_LSB, `ATOLL_MOVE_DST_STRIDE2_WIDTH);
  logic signed [`ATOLL_MOVE_DST_PSTRIDE3_WIDTH-1:0] f_mv_dst_pstride3;
  assign f_mv_dst_pstride3 = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_DST_PSTRIDE3_WORD,
                                        `ATOLL_MOVE_DST_PSTRIDE3_LSB, `ATOLL_MOVE_DST_PSTRIDE3_WIDTH);
  logic signed [`ATOLL_MOVE_DST_STRIDE3_WIDTH-1:0] f_mv_dst_stride3;
  assign f_mv_dst_stride3 = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_DST_STRIDE3_WORD,
                                       `ATOLL_MOVE_DST_STRIDE3_LSB, `ATOLL_MOVE_DST_STRIDE3_WIDTH);
  logic [`ATOLL_MOVE_COUNT0_WIDTH-1:0] f_mv_count0;
  assign f_mv_count0 = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_COUNT0_WORD,
                                  `ATOLL_MOVE_COUNT0_LSB, `ATOLL_MOVE_COUNT0_WIDTH);
  logic [`ATOLL_MOVE_COUNT1_WIDTH-1:0] f_mv_count1;
  assign f_mv_count1 = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_COUNT1_WORD,
                                  `ATOLL_MOVE_COUNT1_LSB, `ATOLL_MOVE_COUNT1_WIDTH);
  logic [`ATOLL_MOVE_COUNT2_WIDTH-1:0] f_mv_count2;
  assign f_mv_count2 = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_COUNT2_WORD,
                                  `ATOLL_MOVE_COUNT2_LSB, `ATOLL_MOVE_COUNT2_WIDTH);
  logic [`ATOLL_MOVE_COUNT3_WIDTH-1:0] f_mv_count3;
  assign f_mv_count3 = `ATOLL_FLD(cmd_i, `ATOLL_MOVE_COUNT3_WORD,
                                  `ATOLL_MOVE_COUNT3_LSB, `ATOLL_MOVE_COUNT3_WIDTH);

  // ------------------------------------------- opcode, format, reserved
  logic         legal;
  logic [3:0]   fmt;
  logic [511:0] used;
  logic         reserved;

  always_comb begin
    legal = 1'b1;
    fmt   = FMT_END;
    case (op)
      `ATOLL_OP_END:     fmt = FMT_END;
      `ATOLL_OP_DMA_IN:  fmt = FMT_DMA;
      `ATOLL_OP_DMA_OUT: fmt = FMT_DMA;
      `ATOLL_OP_LDW:     fmt = FMT_LDW;
      `ATOLL_OP_MM:      fmt = FMT_MM;
      `ATOLL_OP_ACT:     fmt = FMT_ACT;
      `ATOLL_OP_ADD:     fmt = FMT_ADD;
      `ATOLL_OP_POOL:    fmt = FMT_POOL;
      `ATOLL_OP_WAIT:    fmt = FMT_SEM;
      `ATOLL_OP_SIGNAL:  fmt = FMT_SEM;
      `ATOLL_OP_MOVE:    fmt = FMT_MOVE;
      default:           legal = 1'b0;
    endcase
  end

  always_comb begin
    case (fmt)
      FMT_END: begin
        used = {`ATOLL_END_USED_W15, `ATOLL_END_USED_W14, `ATOLL_END_USED_W13,
                `ATOLL_END_USED_W12, `ATOLL_END_USED_W11, `ATOLL_END_USED_W10,
                `ATOLL_END_USED_W9, `ATOLL_END_USED_W8, `ATOLL_END_USED_W7,
                `ATOLL_END_USED_W6, `ATOLL_END_USED_W5, `ATOLL_END_USED_W4,
                `ATOLL_END_USED_W3, `ATOLL_END_USED_W2, `ATOLL_END_USED_W1,
                `ATOLL_END_USED_W0};
      end
      FMT_DMA: begin
        used = {`ATOLL_DMA_USED_W15, `ATOLL_DMA_USED_W14, `ATOLL_DMA_USED_W13,
                `ATOLL_DMA_USED_W12, `ATOLL_DMA_USED_W11, `ATOLL_DMA_USED_W10,
                `ATOLL_DMA_USED_W9, `ATOLL_DMA_USED_W8, `ATOLL_DMA_USED_W7,
                `ATOLL_DMA_USED_W6, `ATOLL_DMA_USED_W5, `ATOLL_DMA_USED_W4,
                `ATOLL_DMA_USED_W3, `ATOLL_DMA_USED_W2, `ATOLL_DMA_USED_W1,
                `ATOLL_DMA_USED_W0};
      end
      FMT_LDW: begin
        used = {`ATOLL_LDW_USED_W15, `ATOLL_LDW_USED_W14, `ATOLL_LDW_USED_W13,
                `ATOLL_LDW_USED_W12, `ATOLL_LDW_USED_W11, `ATOLL_LDW_USED_W10,
                `ATOLL_LDW_USED_W9, `ATOLL_LDW_USED_W8, `ATOLL_LDW_USED_W7,
                `ATOLL_LDW_USED_W6, `ATOLL_LDW_USED_W5, `ATOLL_LDW_USED_W4,
                `ATOLL_LDW_USED_W3, `ATOLL_LDW_USED_W2, `ATOLL_LDW_USED_W1,
                `ATOLL_LDW_USED_W0};
      end
      FMT_MM: begin
        used = {`ATOLL_MM_USED_W15, `ATOLL_MM_USED_W14, `ATOLL_MM_USED_W13,
                `ATOLL_MM_USED_W12, `ATOLL_MM_USED_W11, `ATOLL_MM_USED_W10,
                `ATOLL_MM_USED_W9, `ATOLL_MM_USED_W8, `ATOLL_MM_USED_W7,
                `ATOLL_MM_USED_W6, `ATOLL_MM_USED_W5, `ATOLL_MM_USED_W4,
                `ATOLL_MM_USED_W3, `ATOLL_MM_USED_W2, `ATOLL_MM_USED_W1,
                `ATOLL_MM_USED_W0};
      end
      FMT_ACT: begin
        used = {`ATOLL_ACT_USED_W15, `ATOLL_ACT_USED_W14, `ATOLL_ACT_USED_W13,
                `ATOLL_ACT_USED_W12, `ATOLL_ACT_USED_W11, `ATOLL_ACT_USED_W10,
                `ATOLL_ACT_USED_W9, `ATOLL_ACT_USED_W8, `ATOLL_ACT_USED_W7,
                `ATOLL_ACT_USED_W6, `ATOLL_ACT_USED_W5, `ATOLL_ACT_USED_W4,
                `ATOLL_ACT_USED_W3, `ATOLL_ACT_USED_W2, `ATOLL_ACT_USED_W1,
                `ATOLL_ACT_USED_W0};
      end
      FMT_ADD: begin
        used = {`ATOLL_ADD_USED_W15, `ATOLL_ADD_USED_W14, `ATOLL_ADD_USED_W13,
                `ATOLL_ADD_USED_W12, `ATOLL_ADD_USED_W11, `ATOLL_ADD_USED_W10,
                `ATOLL_ADD_USED_W9, `ATOLL_ADD_USED_W8, `ATOLL_ADD_USED_W7,
                `ATOLL_ADD_USED_W6, `ATOLL_ADD_USED_W5, `ATOLL_ADD_USED_W4,
                `ATOLL_ADD_USED_W3, `ATOLL_ADD_USED_W2, `ATOLL_ADD_USED_W1,
                `ATOLL_ADD_USED_W0};
      end
      FMT_POOL: begin
        used = {`ATOLL_POOL_USED_W15, `ATOLL_POOL_USED_W14, `ATOLL_POOL_USED_W13,
                `ATOLL_POOL_USED_W12, `ATOLL_POOL_USED_W11, `ATOLL_POOL_USED_W10,
                `ATOLL_POOL_USED_W9, `ATOLL_POOL_USED_W8, `ATOLL_POOL_USED_W7,
                `ATOLL_POOL_USED_W6, `ATOLL_POOL_USED_W5, `ATOLL_POOL_USED_W4,
                `ATOLL_POOL_USED_W3, `ATOLL_POOL_USED_W2, `ATOLL_POOL_USED_W1,
                `ATOLL_POOL_USED_W0};
      end
      FMT_SEM: begin
        used = {`ATOLL_SEM_USED_W15, `ATOLL_SEM_USED_W14, `ATOLL_SEM_USED_W13,
                `ATOLL_SEM_USED_W12, `ATOLL_SEM_USED_W11, `ATOLL_SEM_USED_W10,
                `ATOLL_SEM_USED_W9, `ATOLL_SEM_USED_W8, `ATOLL_SEM_USED_W7,
                `ATOLL_SEM_USED_W6, `ATOLL_SEM_USED_W5, `ATOLL_SEM_USED_W4,
                `ATOLL_SEM_USED_W3, `ATOLL_SEM_USED_W2, `ATOLL_SEM_USED_W1,
                `ATOLL_SEM_USED_W0};
      end
      FMT_MOVE: begin
        used = {`ATOLL_MOVE_USED_W15, `ATOLL_MOVE_USED_W14, `ATOLL_MOVE_USED_W13,
                `ATOLL_MOVE_USED_W12, `ATOLL_MOVE_USED_W11, `ATOLL_MOVE_USED_W10,
                `ATOLL_MOVE_USED_W9, `ATOLL_MOVE_USED_W8, `ATOLL_MOVE_USED_W7,
                `ATOLL_MOVE_USED_W6, `ATOLL_MOVE_USED_W5, `ATOLL_MOVE_USED_W4,
                `ATOLL_MOVE_USED_W3, `ATOLL_MOVE_USED_W2, `ATOLL_MOVE_USED_W1,
                `ATOLL_MOVE_USED_W0};
      end
      default: used = '1;
    endcase
  end

  assign reserved = |(cmd_i & ~used);

  // ------------------------------------------------- field-value checks
  logic bad_field, sem_range, sem_bad;

  always_comb begin
    bad_field = 1'b0;
    case (fmt)
      FMT_DMA: bad_field = (f_dma_count0 == '0) || (f_dma_count1 == '0) ||
                           (f_dma_count2 == '0) || (f_dma_count3 == '0);
      FMT_LDW: bad_field = (f_ldw_nrows == '0) || (32'(f_ldw_nrows) > ROWS) ||
                           (f_ldw_ncols == '0) || (32'(f_ldw_ncols) > COLS);
      FMT_MM:  bad_field = (f_mm_nrows == '0) || (32'(f_mm_nrows) > ROWS) ||
                           (f_mm_ncols == '0) || (32'(f_mm_ncols) > COLS) ||
                           (f_mm_n0 == '0) || (f_mm_n1 == '0) ||
                           (f_mm_h == '0) || (f_mm_w == '0);
      FMT_ACT: bad_field = (f_act_dst_type == 2'd3) || (f_act_nparts == '0) ||
                           (f_act_n0 == '0) || (f_act_n1 == '0);
      FMT_ADD: bad_field = (f_add_nparts == '0) || (f_add_n0 == '0) ||
                           (f_add_n1 == '0);
      FMT_POOL: bad_field = (f_pool_nparts == '0) || (f_pool_n0 == '0) ||
                            (f_pool_n1 == '0) || (f_pool_h == '0) ||
                            (f_pool_w == '0) || (f_pool_kh == '0) ||
                            (f_pool_kw == '0) || (f_pool_dy == '0) ||
                            (f_pool_dx == '0);
      FMT_MOVE: bad_field = (f_mv_count0 == '0) || (f_mv_count1 == '0) ||
                            (f_mv_count2 == '0) || (f_mv_count3 == '0);
      default: bad_field = 1'b0;
    endcase
  end

  assign sem_range = (32'(f_sem_sem) >= SEMS);
  assign sem_bad   = (op == `ATOLL_OP_SIGNAL) && (f_sem_value != '0);

  // ------------------------------------- range check k of the opcode
  // d_*: base, up to four (count, stride) terms, element size 1 or 4,
  // limits [d_lo, d_hi) and fault code; d_last marks the last check.
  logic [2:0]     k_d, k_q;
  logic           d_en, d_last, d_esz4;
  logic [31:0]    d_base, d_lo;
  logic [32:0]    d_hi;
  logic [7:0]     d_code;
  logic [4*16-1:0] d_cnt;
  logic [4*32-1:0] d_str;

  localparam logic [32:0] LIM_ROWS = 33'(ROWS);
  localparam logic [32:0] LIM_COLS = 33'(COLS);
  localparam logic [32:0] LIM_SPM  = 33'(SPM_BYTES);
  localparam logic [32:0] LIM_PSUM = 33'(PSUM_DEPTH);

  always_comb begin
    d_en   = 1'b1;
    d_last = 1'b1;
    d_esz4 = 1'b0;
    d_base = 32'd0;
    d_lo   = 32'd0;
    d_hi   = LIM_SPM;
    d_code = `ATOLL_ERR_SPM_RANGE;
    d_cnt  = {4{16'd1}};
    d_str  = '0;
    case (fmt)
      FMT_DMA: begin
        d_cnt  = {f_dma_count3, f_dma_count2, f_dma_count1, f_dma_count0};
        d_last = (k_q == 3'd2);
        case (k_q)
          3'd0: begin
            d_en   = !((op == `ATOLL_OP_DMA_IN) && f_dma_fill_en);
            d_base = f_dma_dram_base;
            d_str  = {f_dma_dram_stride3, f_dma_dram_stride2,
                      f_dma_dram_stride1, f_dma_dram_stride0};
            d_lo   = win_lo_i;
            d_hi   = {1'b0, win_hi_i};
            d_code = `ATOLL_ERR_DRAM_WINDOW;
          end
          3'd1: begin
            d_en   = !((op == `ATOLL_OP_DMA_OUT) && f_dma_fill_en);
            d_base = 32'(f_dma_spm_part);
            d_str  = {32'($signed(f_dma_part_stride3)), 32'($signed(f_dma_part_stride2)),
                      32'($signed(f_dma_part_stride1)), 32'($signed(f_dma_part_stride0))};
            d_hi   = LIM_ROWS;
          end
          default: begin
            d_en   = !((op == `ATOLL_OP_DMA_OUT) && f_dma_fill_en);
            d_base = f_dma_spm_addr;
            d_str  = {32'($signed(f_dma_spm_stride3)), 32'($signed(f_dma_spm_stride2)),
                      32'($signed(f_dma_spm_stride1)), 32'($signed(f_dma_spm_stride0))};
          end
        endcase
      end
      FMT_LDW: begin
        d_last = (k_q == 3'd3);
        case (k_q)
          3'd0: begin
            d_base = 32'(f_ldw_w_part);
            d_cnt[0 +: 16] = 16'(f_ldw_nrows);
            d_str[0 +: 32] = 32'd1;
            d_hi   = LIM_ROWS;
          end
          3'd1: begin
            d_base = f_ldw_w_addr;
            d_cnt[0 +: 16] = 16'(f_ldw_ncols);
            d_str[0 +: 32] = 32'd1;
          end
          3'd2: begin
            d_base = 32'(f_ldw_zp_part);
            d_hi   = LIM_ROWS;
          end
          default: begin
            d_base = f_ldw_zp_addr;
            d_cnt[0 +: 16] = 16'(f_ldw_ncols);
            d_str[0 +: 32] = 32'd1;
          end
        endcase
      end
      FMT_MM: begin
        d_last = (k_q == 3'd2);
        case (k_q)
          3'd0: begin
            d_base = 32'(f_mm_x_part);
            d_cnt[0 +: 16] = 16'(f_mm_nrows);
            d_str[0 +: 32] = 32'd1;
            d_hi   = LIM_ROWS;
          end
          3'd1: begin
            d_base = f_mm_x_addr;
            d_cnt[0 +: 32] = {f_mm_w, f_mm_h};
            d_str[0 +: 64] = {32'd1, 32'(f_mm_pitch)};
          end
          default: begin
            d_base = f_mm_psum_addr;
            d_cnt[0 +: 32] = {f_mm_n1, f_mm_n0};
            d_str[0 +: 64] = {32'($signed(f_mm_ps1)), 32'($signed(f_mm_ps0))};
            d_hi   = LIM_PSUM;
            d_code = `ATOLL_ERR_PSUM_RANGE;
          end
        endcase
      end
      FMT_ACT: begin
        d_last = (k_q == 3'd4);
        case (k_q)
          3'd0: begin
            d_base = 32'(f_act_src_part);
            d_cnt[0 +: 16] = 16'(f_act_nparts);
            d_str[0 +: 32] = 32'd1;
            if (f_act_src_type == 2'd0) begin
              d_hi   = LIM_COLS;
              d_code = `ATOLL_ERR_PSUM_RANGE;
            end else begin
              d_hi   = LIM_ROWS;
            end
          end
          3'd1: begin
            d_base = f_act_src_addr;
            d_cnt[0 +: 32] = {f_act_n1, f_act_n0};
            d_str[0 +: 64] = {32'($signed(f_act_ss1)), 32'($signed(f_act_ss0))};
            d_esz4 = (f_act_src_type == 2'd1);
            if (f_act_src_type == 2'd0) begin
              d_hi   = LIM_PSUM;
              d_code = `ATOLL_ERR_PSUM_RANGE;
            end
          end
          3'd2: begin
            d_base = 32'(f_act_dst_part);
            d_cnt[0 +: 16] = 16'(f_act_nparts);
            d_str[0 +: 32] = 32'd1;
            d_hi   = LIM_ROWS;
          end
          3'd3: begin
            d_base = f_act_dst_addr;
            d_cnt[0 +: 32] = {f_act_n1, f_act_n0};
            d_str[0 +: 64] = {32'($signed(f_act_ds1)), 32'($signed(f_act_ds0))};
            d_esz4 = (f_act_dst_type == 2'd2);
          end
          default: begin
            d_en   = f_act_pp;
            d_base = f_act_param_addr;
            d_cnt[0 +: 16] = f_act_nb ? 16'(`ATOLL_PARAM_NB_BYTES)
                                      : 16'(`ATOLL_PARAM_BYTES);
            d_str[0 +: 32] = 32'd1;
          end
        endcase
      end
      FMT_ADD: begin
        d_last = (k_q == 3'd5);
        case (k_q)
          3'd0: begin
            d_base = 32'(f_add_a_part);
            d_cnt[0 +: 16] = 16'(f_add_nparts);
            d_str[0 +: 32] = 32'd1;
            d_hi   = LIM_ROWS;
          end
          3'd1: begin
            d_base = f_add_a_addr;
            d_cnt[0 +: 32] = {f_add_n1, f_add_n0};
            d_str[0 +: 64] = {32'($signed(f_add_as1)), 32'($signed(f_add_as0))};
          end
          3'd2: begin
            d_base = 32'(f_add_b_part);
            d_cnt[0 +: 16] = 16'(f_add_nparts);
            d_str[0 +: 32] = 32'd1;
            d_hi   = LIM_ROWS;
          end
          3'd3: begin
            d_base = f_add_b_addr;
            d_cnt[0 +: 32] = {f_add_n1, f_add_n0};
            d_str[0 +: 64] = {32'($signed(f_add_bs1)), 32'($signed(f_add_bs0))};
          end
          3'd4: begin
            d_base = 32'(f_add_dst_part);
            d_cnt[0 +: 16] = 16'(f_add_nparts);
            d_str[0 +: 32] = 32'd1;
            d_hi   = LIM_ROWS;
          end
          default: begin
            d_base = f_add_dst_addr;
            d_cnt[0 +: 32] = {f_add_n1, f_add_n0};
            d_str[0 +: 64] = {32'($signed(f_add_ds1)), 32'($signed(f_add_ds0))};
          end
        endcase
      end
      FMT_POOL: begin
        d_last = (k_q == 3'd3);
        case (k_q)
          3'd0: begin
            d_base = 32'(f_pool_src_part);
            d_cnt[0 +: 16] = 16'(f_pool_nparts);
            d_str[0 +: 32] = 32'd1;
            d_hi   = LIM_ROWS;
          end
          3'd1: begin
            d_base = 32'(f_pool_dst_part);
            d_cnt[0 +: 16] = 16'(f_pool_nparts);
            d_str[0 +: 32] = 32'd1;
            d_hi   = LIM_ROWS;
          end
          3'd2: begin
            d_base = f_pool_src_addr;
            d_cnt[0 +: 32] = {f_pool_w, f_pool_h};
            d_str[0 +: 64] = {32'd1, 32'(f_pool_pitch)};
          end
          default: begin
            d_base = f_pool_dst_addr;
            d_cnt[0 +: 32] = {f_pool_n1, f_pool_n0};
            d_str[0 +: 64] = {32'($signed(f_pool_ds1)), 32'($signed(f_pool_ds0))};
          end
        endcase
      end
      FMT_MOVE: begin
        d_cnt  = {f_mv_count3, f_mv_count2, f_mv_count1, f_mv_count0};
        d_last = (k_q == 3'd3);
        case (k_q)
          3'd0: begin
            d_base = 32'(f_mv_src_part);
            d_str  = {32'($signed(f_mv_src_pstride3)), 32'($signed(f_mv_src_pstride2)),
                      32'($signed(f_mv_src_pstride1)), 32'($signed(f_mv_src_pstride0))};
            d_hi   = LIM_ROWS;
          end
          3'd1: begin
            d_base = f_mv_src_addr;
            d_str  = {32'($signed(f_mv_src_stride3)), 32'($signed(f_mv_src_stride2)),
                      32'($signed(f_mv_src_stride1)), 32'($signed(f_mv_src_stride0))};
          end
          3'd2: begin
            d_base = 32'(f_mv_dst_part);
            d_str  = {32'($signed(f_mv_dst_pstride3)), 32'($signed(f_mv_dst_pstride2)),
                      32'($signed(f_mv_dst_pstride1)), 32'($signed(f_mv_dst_pstride0))};
            d_hi   = LIM_ROWS;
          end
          default: begin
            d_base = f_mv_dst_addr;
            d_str  = {32'($signed(f_mv_dst_stride3)), 32'($signed(f_mv_dst_stride2)),
                      32'($signed(f_mv_dst_stride1)), 32'($signed(f_mv_dst_stride0))};
          end
        endcase
      end
      default: begin
        d_en = 1'b0;
      end
    endcase
  end

  // ------------------------------------------------------- sequencer
  // ST_TERM forms the four products (count - 1) * stride of check k and
  // sums the negative and positive ones; ST_EVAL compares the range.
  localparam logic [1:0] ST_IDLE = 2'd0;
  localparam logic [1:0] ST_TERM = 2'd1;
  localparam logic [1:0] ST_EVAL = 2'd2;
  localparam logic [1:0] ST_DONE = 2'd3;

  logic [1:0]          st_d, st_q;
  logic signed [S-1:0] lo_d, lo_q, hi_d, hi_q;
  logic [7:0]          err_d, err_q;
  logic signed [S-1:0] t_lo, t_hi;
  logic signed [S-1:0] e_base, e_lo, e_hi;
  logic                e_fail;

  logic [4*49-1:0] prods;     // term j at [49*j +: 49], signed

  always_comb begin
    for (int j = 0; j < 4; j++) begin
      prods[49*j +: 49] = $signed({1'b0, d_cnt[16*j +: 16] - 16'd1}) *
                          $signed(d_str[32*j +: 32]);
    end
  end

  always_comb begin
    t_lo = '0;
    t_hi = '0;
    for (int j = 0; j < 4; j++) begin
      if (prods[49*j + 48]) begin
        t_lo = t_lo + S'($signed(prods[49*j +: 49]));
      end else begin
        t_hi = t_hi + S'($signed(prods[49*j +: 49]));
      end
    end
  end

  assign e_base = $signed({{(S-32){1'b0}}, d_base});
  assign e_lo   = e_base + (d_esz4 ? (lo_q <<< 2) : lo_q);
  assign e_hi   = e_base + (d_esz4 ? (hi_q <<< 2) + 56'sd3 : hi_q);
  assign e_fail = (e_lo < $signed({{(S-32){1'b0}}, d_lo})) ||
                  (e_hi >= $signed({{(S-33){1'b0}}, d_hi}));

  // MOVE: the ranges of checks 0 (source partitions), 1 (source
  // addresses) and 2 (destination partitions), kept for the disjointness
  // check with check 3 (destination addresses); all passed their range
  // check, so 32 bits hold them.
  logic [3*64-1:0] mv_rng_q;
  logic            mv_overlap;

  always_ff @(posedge clk_i) begin
    if (st_q == ST_EVAL && fmt == FMT_MOVE && k_q != 3'd3) begin
      mv_rng_q[64*32'(k_q) +: 64] <= {e_hi[31:0], e_lo[31:0]};
    end
  end

  assign mv_overlap = (mv_rng_q[0 +: 32] <= mv_rng_q[160 +: 32]) &&
                      (mv_rng_q[128 +: 32] <= mv_rng_q[32 +: 32]) &&
                      (mv_rng_q[64 +: 32] <= e_hi[31:0]) &&
                      (e_lo[31:0] <= mv_rng_q[96 +: 32]);

  always_comb begin
    st_d  = st_q;
    k_d   = k_q;
    lo_d  = lo_q;
    hi_d  = hi_q;
    err_d = err_q;
    case (st_q)
      ST_IDLE: begin
        if (start_i) begin
          k_d   = 3'd0;
          err_d = `ATOLL_ERR_NONE;
          st_d  = ST_DONE;
          if (!legal) begin
            err_d = `ATOLL_ERR_ILLEGAL_OP;
          end else if (reserved) begin
            err_d = `ATOLL_ERR_RESERVED;
          end else if (fmt == FMT_SEM) begin
            if (sem_range) begin
              err_d = `ATOLL_ERR_SEM_RANGE;
            end else if (sem_bad) begin
              err_d = `ATOLL_ERR_BAD_FIELD;
            end
          end else if (fmt == FMT_END) begin
            err_d = `ATOLL_ERR_NONE;
          end else if (bad_field) begin
            err_d = `ATOLL_ERR_BAD_FIELD;
          end else begin
            st_d = ST_TERM;
          end
        end
      end
      ST_TERM: begin
        if (!d_en) begin
          if (d_last) begin
            st_d = ST_DONE;
          end else begin
            k_d = k_q + 3'd1;
          end
        end else begin
          lo_d = t_lo;
          hi_d = t_hi;
          st_d = ST_EVAL;
        end
      end
      ST_EVAL: begin
        if (e_fail) begin
          err_d = d_code;
          st_d  = ST_DONE;
        end else if (d_last && fmt == FMT_MOVE && mv_overlap) begin
          err_d = `ATOLL_ERR_BAD_FIELD;
          st_d  = ST_DONE;
        end else if (d_last) begin
          st_d = ST_DONE;
        end else begin
          k_d  = k_q + 3'd1;
          st_d = ST_TERM;
        end
      end
      default: begin
        st_d = ST_IDLE;
      end
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_q  <= ST_IDLE;
      k_q   <= 3'd0;
      lo_q  <= '0;
      hi_q  <= '0;
      err_q <= 8'd0;
    end else begin
      st_q  <= st_d;
      k_q   <= k_d;
      lo_q  <= lo_d;
      hi_q  <= hi_d;
      err_q <= err_d;
    end
  end

  assign done_o = (st_q == ST_DONE);
  assign err_o  = err_q;
endmodule : atoll_cmd_check
