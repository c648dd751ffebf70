# hwsim/hwsim.mk -- rules for the Verilator model and the RTL checks, to
# be included by the top Makefile after BUILD, GEN, VERILATOR and YOSYS
# are defined:
#
#     include hwsim/hwsim.mk
#
# $(HWSIM_LIB) is one static archive (model + Verilator runtime + the C
# API of hwsim/hwsim.h); link it with $(HWSIM_LDLIBS).  hwsim/build.sh
# keeps a checksum stamp, so the library is rebuilt only when the
# configuration (build/gen), rtl/ or hwsim/ changed.

HWSIM_DIR    := $(BUILD)/hwsim
HWSIM_LIB    := $(HWSIM_DIR)/libatoll_hwsim.a
HWSIM_LDLIBS := -lstdc++ -lz -lpthread
HWSIM_DEPS   := $(wildcard rtl/*.sv rtl/*.vh rtl/*.vlt) hwsim/hwsim.cpp \
	hwsim/hwsim.h hwsim/build.sh $(GEN)/atoll_config.vh \
	$(GEN)/atoll_isa.vh $(GEN)/atoll_config.h $(GEN)/atoll_isa.h

$(HWSIM_LIB): $(HWSIM_DEPS)
	VERILATOR=$(VERILATOR) GEN=$(GEN) OUT=$(HWSIM_DIR) sh hwsim/build.sh

.PHONY: hwsim rtl-lint rtl-synth rtl-bench
hwsim: $(HWSIM_LIB)

rtl-lint: $(GEN)/atoll_config.vh $(GEN)/atoll_isa.vh
	VERILATOR=$(VERILATOR) sh tests/rtl_lint.sh $(GEN)

rtl-synth: $(GEN)/atoll_config.vh $(GEN)/atoll_isa.vh
	YOSYS=$(YOSYS) sh tests/rtl_synth.sh

rtl-bench: $(HWSIM_LIB)
	sh tests/rtl_bench.sh
