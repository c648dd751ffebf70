#!/bin/sh
# Directed RTL benches through the Verilator model (tests/rtl_bench/):
# CSR block and command processor faults, DMA engine, PE array and MM,
# queues and semaphores, and differential runs against the functional
# model.  The summed closing line is the benches' own.
exec sh "$(dirname "$0")/rtl_bench.sh"
