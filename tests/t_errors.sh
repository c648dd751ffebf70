#!/bin/sh
# Bad input gets a clear error and exit status 1 (2 for usage), never a
# crash: unsupported operators and attributes, malformed or truncated
# ONNX, dynamic shapes, bound tensors of the wrong type or shape,
# truncated or corrupted bundles, a bundle for another configuration.
build="$1"
atoll="$build/bin/atoll"
root=$(cd "$(dirname "$0")/.." && pwd)
node=/usr/share/libonnx-testdata/data/node
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
"$build/tests/tool_gen_cases" --bad "$tmp/bad" >/dev/null || exit 1

# expect NAME STATUS PATTERN cmd...: the command exits with STATUS and
# its stderr matches the extended regular expression PATTERN.
expect() {
	name="$1"; want="$2"; pat="$3"; shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
	if [ "$rc" -eq "$want" ] && grep -Eq "$pat" "$tmp/err"; then
		echo "ok   $name"; pass=$((pass + 1))
	else
		echo "FAIL $name (exit $rc, want $want; /$pat/)"
		sed 's/^/    /' "$tmp/err" | head -n 5
		fail=$((fail + 1))
	fi
}

q="$node/test_qlinearmatmul_2D"
qc="--const a_scale=$q/test_data_set_0/input_1.pb
 --const a_zero_point=$q/test_data_set_0/input_2.pb
 --const b=$q/test_data_set_0/input_3.pb
 --const b_scale=$q/test_data_set_0/input_4.pb
 --const b_zero_point=$q/test_data_set_0/input_5.pb
 --const y_scale=$q/test_data_set_0/input_6.pb
 --const y_zero_point=$q/test_data_set_0/input_7.pb"

expect unsupported_op 1 "my_softmax.*Softmax|Softmax.*my_softmax" \
	"$atoll" compile "$tmp/bad/unsupported_op/model.onnx" -o "$tmp/x.atb"
b="$tmp/bad/unsupported_attr"
# shellcheck disable=SC2046
expect unsupported_attr 1 "unsupported attribute 'bogus_attribute'" \
	"$atoll" compile "$b/model.onnx" \
	-o "$tmp/x.atb" $(i=0; for n in $("$build/tests/tool_onnx_io" \
	"$b/model.onnx" | awk '$1=="input"{print $2}'); do
	[ $i -gt 0 ] && echo "--const $n=$b/test_data_set_0/input_$i.pb"
	i=$((i + 1)); done)
b="$tmp/bad/bad_axis_scale"
expect per_axis_scale_length 1 "QuantizeLinear.*per-axis scale has 2 elements; it needs one per index along axis 1" \
	"$atoll" compile "$b/model.onnx" -o "$tmp/x.atb" \
	--const "y_scale=$b/test_data_set_0/input_1.pb" \
	--const "y_zero_point=$b/test_data_set_0/input_2.pb"
b="$tmp/bad/scale_too_large"
# shellcheck disable=SC2046
expect requant_mult_24_bits 1 "scale_too_large.*channel 0 needs a multiplier of [0-9]+, more than 24 bits" \
	"$atoll" compile "$b/model.onnx" -o "$tmp/x.atb" \
	$(i=1; for n in a_scale a_zero_point b b_scale b_zero_point y_scale \
	y_zero_point; do echo "--const $n=$b/test_data_set_0/input_$i.pb"
	i=$((i + 1)); done)
expect dynamic_shape 1 "dynamic" "$atoll" compile \
	"$tmp/bad/dynamic_shape/model.onnx" -o "$tmp/x.atb"
head -c 3000 /dev/urandom >"$tmp/random.onnx"
expect random_bytes 1 "random.onnx" "$atoll" compile "$tmp/random.onnx" \
	-o "$tmp/x.atb"
size=$(wc -c <"$q/model.onnx")
for cut in 1 7 $((size / 2)) $((size - 1)); do
	head -c "$cut" "$q/model.onnx" >"$tmp/cut.onnx"
	expect "truncated_onnx_$cut" 1 "cut.onnx" "$atoll" compile \
		"$tmp/cut.onnx" -o "$tmp/x.atb" $qc
done
: >"$tmp/empty.onnx"
expect empty_onnx 1 "empty.onnx" "$atoll" compile "$tmp/empty.onnx" -o "$tmp/x.atb"
expect missing_model 1 "nonexistent" "$atoll" compile "$tmp/nonexistent.onnx" \
	-o "$tmp/x.atb"
expect bad_const_name 1 "nosuch" "$atoll" compile "$q/model.onnx" \
	-o "$tmp/x.atb" --const nosuch="$q/test_data_set_0/input_1.pb"
expect const_wrong_shape 1 "b_scale|shape|type" "$atoll" compile \
	"$q/model.onnx" -o "$tmp/x.atb" \
	--const b_scale="$q/test_data_set_0/input_0.pb"
expect runtime_scale 1 "constant" "$atoll" compile "$q/model.onnx" \
	-o "$tmp/x.atb"
# shellcheck disable=SC2086
expect isl_budget 1 "isl operation budget exhausted|isl" "$atoll" compile \
	"$q/model.onnx" -o "$tmp/x.atb" --isl-max-ops 10 $qc
expect usage_no_output 2 "missing -o" "$atoll" compile "$q/model.onnx"
expect usage_unknown_opt 2 "unexpected" "$atoll" run x.atb --bogus

# shellcheck disable=SC2086
"$atoll" compile "$q/model.onnx" -o "$tmp/q.atb" $qc >/dev/null 2>&1 ||
	{ echo "FAIL cannot compile $q"; exit 1; }
for w in wrong_dtype wrong_shape; do
	d="$tmp/bad/$w/test_data_set_0"
	expect "run_$w" 1 "tensor 'a'|tensor 'b'|no input" "$atoll" run \
		"$tmp/q.atb" --input a="$d/input_0.pb"
done
expect run_wrong_dtype_a 1 "tensor 'a'.*expected uint8" "$atoll" run \
	"$tmp/q.atb" --input a="$tmp/bad/wrong_dtype/test_data_set_0/input_3.pb"
expect run_wrong_shape_a 1 "tensor 'a'.*expected" "$atoll" run \
	"$tmp/q.atb" --input a="$tmp/bad/wrong_shape/test_data_set_0/input_0.pb"
expect run_missing_input 1 "missing --input a" "$atoll" run "$tmp/q.atb"
expect run_bad_backend 1 "backend" "$atoll" run "$tmp/q.atb" \
	--backend nosuch --input a="$q/test_data_set_0/input_0.pb"
for be in ref sim; do
	expect "timeout_$be" 1 "timeout" "$atoll" run "$tmp/q.atb" \
		--backend $be --cycle-budget 50 \
		--input a="$q/test_data_set_0/input_0.pb"
done
expect trace_needs_sim 1 "sim" "$atoll" run "$tmp/q.atb" \
	--trace "$tmp/w.fst" --input a="$q/test_data_set_0/input_0.pb"
"$atoll" run "$tmp/q.atb" --backend sim --trace "$tmp/w.fst" \
	--input a="$q/test_data_set_0/input_0.pb" >/dev/null 2>&1
if [ -s "$tmp/w.fst" ]; then echo "ok   sim_trace_written"; pass=$((pass + 1))
else echo "FAIL sim_trace_written"; fail=$((fail + 1)); fi

size=$(wc -c <"$tmp/q.atb")
for cut in 0 4 16 $((size / 2)) $((size - 1)); do
	head -c "$cut" "$tmp/q.atb" >"$tmp/cut.atb"
	expect "truncated_bundle_$cut" 1 "cut.atb" "$atoll" run "$tmp/cut.atb" \
		--input a="$q/test_data_set_0/input_0.pb"
done
for off in 0 9 $((size / 3)) $((size / 2)) $((size - 3)); do
	cp "$tmp/q.atb" "$tmp/flip.atb"
	printf '\377' | dd of="$tmp/flip.atb" bs=1 seek="$off" conv=notrunc \
		2>/dev/null
	cmp -s "$tmp/q.atb" "$tmp/flip.atb" || expect "flipped_byte_$off" 1 \
		"flip.atb" "$atoll" inspect "$tmp/flip.atb"
done
cp "$tmp/q.atb" "$tmp/magic.atb"
printf 'XTOLLBND' | dd of="$tmp/magic.atb" bs=1 conv=notrunc 2>/dev/null
expect bad_magic 1 "magic" "$atoll" inspect "$tmp/magic.atb"
cp "$tmp/q.atb" "$tmp/ver.atb"
printf '\143' | dd of="$tmp/ver.atb" bs=1 seek=8 conv=notrunc 2>/dev/null
expect bad_version 1 "version" "$atoll" inspect "$tmp/ver.atb"
sed 's/^rows = 8 /rows = 16/; s/^spm_partitions = 8 /spm_partitions = 16/' \
	"$root/firmware/config/default.cfg" >"$tmp/hw16.cfg"
# shellcheck disable=SC2086
"$atoll" compile "$q/model.onnx" -o "$tmp/q16.atb" --hw "$tmp/hw16.cfg" \
	$qc >/dev/null 2>&1 || echo "note: 16-row compile failed"
expect wrong_config 1 "configuration" "$atoll" run "$tmp/q16.atb" \
	--input a="$q/test_data_set_0/input_0.pb"
printf 'rows = 8\n' >"$tmp/badhw.cfg"
expect bad_hw_config 1 "badhw.cfg.*missing" "$atoll" compile \
	"$q/model.onnx" -o "$tmp/x.atb" --hw "$tmp/badhw.cfg"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
