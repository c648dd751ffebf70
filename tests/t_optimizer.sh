#!/bin/sh
# What -O2 must achieve on the generated models (tests/tool_gen_models),
# from the optimizer summary that `atoll inspect` prints: the load-store
# pairs it eliminates and the copies that remain.  Correctness and exact
# traffic prediction are t_models.sh's and t_sim.sh's; this catches an
# optimisation that silently stops applying.
#
#   expect MODEL PAIRS ELIMINATED OFFCHIP ONCHIP
build="$1"
atoll="$build/bin/atoll"; models="$build/models"
[ -f "$models/.done" ] || sh "$(dirname "$0")/t_models.sh" "$build" >/dev/null
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
expect() {
	m="$1"; want="$2 load-store pairs in the per-operator program, $3 eliminated"
	if ! "$atoll" compile -O2 "$models/$m/model.onnx" -o "$tmp/m.atb" \
			>"$tmp/log" 2>&1; then
		echo "FAIL $m: compile failed"; sed 's/^/    /' "$tmp/log"
		fail=$((fail + 1)); return
	fi
	got=$("$atoll" inspect "$tmp/m.atb" | grep '^optimizer:')
	case "$got" in
	*"$want; copies on chip $5 ("*", off chip $4 ("*)
		echo "ok   $m: $got"; pass=$((pass + 1)) ;;
	*)
		echo "FAIL $m: $got"
		echo "     want $want, $5 on-chip and $4 off-chip copies"
		fail=$((fail + 1)) ;;
	esac
}
# Every pair eliminated where the data fits on chip and every consumer
# can read the scratchpad:
expect resnet_s 18 18 0 0
expect resnet_ops 4 4 0 0
expect inception_s 15 15 0 1	# one unaligned channel Concat, shifted on chip
expect mobilenet_s 7 7 0 0
expect mlp 2 2 0 0
# Layout operators whose input and output both stay on chip are MOVE
# commands (on-chip copies: Transpose, Slice, Pad, reshapes that change
# the scratchpad layout, the width Concat, a Concat of one tensor twice),
# the others aliases and views:
expect layout_ops 9 9 0 7
expect layout_concat 6 6 0 2
expect ops_uint8 6 6 0 4
# The Flatten [1,12,3,3] -> [1,108] before the Gemm is a MOVE cut into
# runs of a few bytes (9 positions per channel over 8 partitions); the
# compiler compares the stream with it and the one going through DRAM as
# a reshape alias, and keeps the one moving fewer device-memory bytes
# (DMA + command fetch): since each operator tiles above the tensors
# resident while it runs, the one with the MOVE (by a few bytes).
expect pool_variants 10 10 0 1
# An Add operand broadcast over channels is moved to every channel first
# (ADD reads each lane's own partition): one more on-chip copy.
expect bcast_requant 9 9 0 2
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
