# atoll: one entry point.  `make help` lists the targets.
CC        ?= gcc
VERILATOR ?= verilator
YOSYS     ?= yosys
PROTOC_C  ?= protoc-c
ONNX_PROTO ?= /usr/include/onnx/onnx.proto
HW        ?= firmware/config/default.cfg

BUILD := build
GEN   := $(BUILD)/gen
OBJ   := $(BUILD)/obj
BIN   := $(BUILD)/bin

CPPFLAGS := -D_POSIX_C_SOURCE=200809L -Ifirmware -Icompiler -Ihost \
	-Ihwsim -I$(GEN) -I$(GEN)/onnx
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -Wall -Wextra -Werror -Wshadow -MMD -MP
LDLIBS   := -lisl -lgmp -lprotobuf-c -ljansson -lz -lm

DEB_PKGS := gcc make libisl-dev libgmp-dev protobuf-c-compiler \
	libprotobuf-c-dev libonnx-dev libonnx-testdata zlib1g-dev \
	libjansson-dev verilator yosys

GEN_HDRS := $(GEN)/atoll_isa.h $(GEN)/atoll_isa.vh $(GEN)/atoll_config.h \
	$(GEN)/atoll_config.vh $(GEN)/onnx/onnx.pb-c.h

LIB_SRCS := $(filter-out firmware/atoll_gen.c host/main.c, \
	$(wildcard firmware/*.c compiler/*.c host/*.c))
LIB_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(LIB_SRCS)) $(OBJ)/gen/onnx.pb-c.o
LIB      := $(BUILD)/libatoll.a

TEST_SRCS := $(wildcard tests/test_*.c)
TEST_SCRIPTS := $(wildcard tests/t_*.sh)
TEST_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRCS))
TOOL_SRCS := $(wildcard tests/tool_*.c)
TOOL_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TOOL_SRCS))
SIM_TEST_SRCS := $(wildcard tests/sim_*.c)
SIM_TEST_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(SIM_TEST_SRCS))
TEST_HELPER_SRCS := $(filter-out $(TEST_SRCS) $(TOOL_SRCS) $(SIM_TEST_SRCS), \
	$(wildcard tests/*.c))
TEST_HELPER_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(TEST_HELPER_SRCS))

# Keep the objects of the test programs (built through a pattern chain).
.SECONDARY: $(patsubst tests/%.c,$(OBJ)/tests/%.o,$(TEST_SRCS) \
	$(TOOL_SRCS) $(SIM_TEST_SRCS))

include hwsim/hwsim.mk

# The CLI carries the sim backend: the Verilator model of rtl/.
SIM_OBJ := $(OBJ)/host/sim/backend_sim.o

.PHONY: all deps run test lint synth bench clean help gen tests

all: $(BIN)/atoll

help:
	@echo "make deps   install the Debian 12 packages atoll needs"
	@echo "make        build the CLI at $(BIN)/atoll"
	@echo "make run    compile the demo model, run it on ref, check, print counters"
	@echo "make test   build and run every test (prints 'N passed, N failed')"
	@echo "make lint   static checks: C (cppcheck if present), Verilog (verilator)"
	@echo "make synth  yosys synth_ice40 and synth_xilinx of the core"
	@echo "make bench  longer sweeps"
	@echo "HW=FILE selects the hardware configuration (default $(HW))"

deps:
	@sh tests/deps.sh $(DEB_PKGS)

gen: $(GEN_HDRS)

$(BUILD)/atoll_gen: firmware/atoll_gen.c firmware/hwcfg.c firmware/hwcfg.h \
		firmware/isa.def
	@mkdir -p $(@D)
	$(CC) -std=c11 -Wall -Wextra -Werror -Wshadow -O1 -Ifirmware \
		firmware/atoll_gen.c firmware/hwcfg.c -lz -o $@

$(GEN)/atoll_isa.h $(GEN)/atoll_isa.vh: $(BUILD)/atoll_gen
	@mkdir -p $(GEN)
	$(BUILD)/atoll_gen isa $(GEN)/atoll_isa.h $(GEN)/atoll_isa.vh

$(GEN)/atoll_config.h $(GEN)/atoll_config.vh: $(BUILD)/atoll_gen $(HW)
	@mkdir -p $(GEN)
	$(BUILD)/atoll_gen config $(HW) $(GEN)/atoll_config.h \
		$(GEN)/atoll_config.vh

$(GEN)/onnx/onnx.pb-c.h $(GEN)/onnx/onnx.pb-c.c: $(ONNX_PROTO)
	@mkdir -p $(GEN)/onnx
	$(PROTOC_C) --c_out=$(GEN)/onnx -I$(dir $(ONNX_PROTO)) $(ONNX_PROTO)

$(OBJ)/gen/onnx.pb-c.o: $(GEN)/onnx/onnx.pb-c.c
	@mkdir -p $(@D)
	$(CC) -O2 -g -I$(GEN)/onnx -c $< -o $@

$(OBJ)/%.o: %.c | $(GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BIN)/atoll: $(OBJ)/host/main.o $(SIM_OBJ) $(LIB) $(HWSIM_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ $(LDLIBS) $(HWSIM_LDLIBS) -o $@

$(BUILD)/tests/sim_%: $(OBJ)/tests/sim_%.o $(TEST_HELPER_OBJS) $(LIB) \
		$(HWSIM_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ $(LDLIBS) $(HWSIM_LDLIBS) -o $@

$(BUILD)/tests/%: $(OBJ)/tests/%.o $(TEST_HELPER_OBJS) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

tests: $(TEST_BINS) $(SIM_TEST_BINS) $(TOOL_BINS) $(BIN)/atoll

test: deps
	@$(MAKE) --no-print-directory tests
	@sh tests/run_all.sh $(BUILD) $(TEST_BINS) $(SIM_TEST_BINS) \
		$(TEST_SCRIPTS)

run: deps
	@$(MAKE) --no-print-directory all $(TOOL_BINS)
	@sh tests/demo.sh $(BUILD)

lint: deps
	@$(MAKE) --no-print-directory gen
	@sh tests/lint.sh $(GEN)

synth: deps
	@$(MAKE) --no-print-directory rtl-synth

bench: deps
	@$(MAKE) --no-print-directory tests
	@sh tests/bench.sh $(BUILD)

clean:
	rm -rf $(BUILD)

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)
