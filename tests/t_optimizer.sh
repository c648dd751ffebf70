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
# the others aliases and views (layout_ops's Pad before a convolution is
# read in place in the scratchpad):
expect layout_ops 9 9 0 6
# A channel, row and column Slice read by a MaxPool and an Add: in place.
expect slice_views 5 5 0 0
expect layout_concat 6 6 0 2
expect ops_uint8 6 6 0 4
# The Flatten [1,12,3,3] -> [1,108] before the Gemm stays in the
# [12,3,3] layout: the Gemm reads it as a 3x3 convolution (no copy).
expect pool_variants 10 10 0 0
expect flatten_fc 2 2 0 0
expect flatten_in 1 1 0 0
# The 48 x 720 maps do not fit: made and read in row bands (4 tensors in
# 2 groups, one a chain of two convolutions -> Add -> MaxPool).
expect fuse_bands_l 6 6 0 0
expect fuse_bands 6 6 0 0
# fuse_concat_l's inception Concat (32 x 48 x 480) does not fit: each
# branch writes its row bands into its channels of the Concat's band
# buffer, read by the MaxPool band by band.  One branch's 1x1 output
# stays in DRAM.
expect fuse_concat_l 8 7 0 0
expect fuse_concat 8 8 0 0
# An Add operand broadcast over channels is moved to every channel first
# (ADD reads each lane's own partition): one more on-chip copy.
expect bcast_requant 9 9 0 2
# What --dump-flow reports: count its lines starting with PREFIX.
#   dumped MODEL PREFIX COUNT
dumped() {
	m="$1"; want="$3"
	got=$("$atoll" compile -O2 "$models/$m/model.onnx" -o "$tmp/m.atb" \
		--dump-flow 2>/dev/null | grep -c "^$2")
	if [ "$got" = "$want" ]; then
		echo "ok   $m: $got lines '$2'"; pass=$((pass + 1))
	else
		echo "FAIL $m: $got lines '$2', want $want"
		fail=$((fail + 1))
	fi
}
# An Add or activation writes its output over the operand it reads last
# (in place): resnet_s's three residual Adds and a Relu after one,
# resnet_ops's Add and a Relu in operator form.
dumped resnet_s "# in place: " 4
dumped resnet_ops "# in place: " 2
# A Slice or Pad read only by convolutions is read in place in its
# input's scratchpad buffer (no MOVE).
dumped layout_ops "# view: 'pad.q' (Pad)" 1
dumped layout_fuzz10 "# view: 'op1.q' (Slice)" 1
dumped slice_views "# view: 'slice.f.q' (Slice)" 1
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
