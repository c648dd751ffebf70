// Shares the AXI4 read channels of the device-memory port between the
// command processor (ID 0, priority) and the DMA-in engine (ID 1).  An
// address request, once presented, keeps the channel until accepted; read
// data are routed back by RID (AXI keeps order per ID); the data bus
// itself is shared by wiring.
`include "atoll_defs.vh"

module atoll_axi_rd_arb (
  input  logic          clk_i,
  input  logic          rst_ni,
  // command processor
  input  logic          cp_ar_valid_i,
  output logic          cp_ar_ready_o,
  input  logic [31:0]   cp_ar_addr_i,
  output logic          cp_r_valid_o,
  input  logic          cp_r_ready_i,
  // DMA-in
  input  logic          dma_ar_valid_i,
  output logic          dma_ar_ready_o,
  input  logic [31:0]   dma_ar_addr_i,
  output logic          dma_r_valid_o,
  input  logic          dma_r_ready_i,
  // master side
  output logic          m_arvalid_o,
  input  logic          m_arready_i,
  output logic [31:0]   m_araddr_o,
  output logic          m_arid_o,
  input  logic          m_rvalid_i,
  output logic          m_rready_o,
  input  logic          m_rid_i
);
  logic lock_q, owner_q, sel;

  assign sel = lock_q ? owner_q : !cp_ar_valid_i;

  assign m_arvalid_o    = sel ? dma_ar_valid_i : cp_ar_valid_i;
  assign m_araddr_o     = sel ? dma_ar_addr_i : cp_ar_addr_i;
  assign m_arid_o       = sel;
  assign cp_ar_ready_o  = !sel && m_arready_i;
  assign dma_ar_ready_o = sel && m_arready_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      lock_q  <= 1'b0;
      owner_q <= 1'b0;
    end else begin
      lock_q  <= m_arvalid_o && !m_arready_i;
      owner_q <= sel;
    end
  end

`ifdef ATOLL_ASSERT_ON
  logic        prev_stall_q;
  logic [31:0] prev_addr_q;
  logic        prev_id_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      prev_stall_q <= 1'b0;
      prev_addr_q  <= 32'd0;
      prev_id_q    <= 1'b0;
    end else begin
      prev_stall_q <= m_arvalid_o && !m_arready_i;
      prev_addr_q  <= m_araddr_o;
      prev_id_q    <= m_arid_o;
    end
  end
  `ATOLL_ASSERT(axi_ar_stable, clk_i, rst_ni,
                !prev_stall_q || (m_arvalid_o && m_araddr_o == prev_addr_q &&
                                  m_arid_o == prev_id_q))
`endif

  assign cp_r_valid_o  = m_rvalid_i && !m_rid_i;
  assign dma_r_valid_o = m_rvalid_i && m_rid_i;
  assign m_rready_o    = m_rid_i ? dma_r_ready_i : cp_r_ready_i;
endmodule : atoll_axi_rd_arb
