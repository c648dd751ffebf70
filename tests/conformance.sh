#!/bin/sh
# Run ONNX backend-test style cases end to end through the CLI
# (compiler flags from $OPT, e.g. OPT=-O0):
# compile (binding every graph input but the first with --const), run on
# a backend with the first input, and compare every output byte for byte
# with output_<i>.pb (ONNX's data or the independent reference's).
#
#   conformance.sh BUILD BACKEND CASE_DIR...
# Prints "ok NAME" / "FAIL NAME" per case and "N passed, N failed".
build="$1"; backend="$2"; shift 2
atoll="$build/bin/atoll"; io="$build/tests/tool_onnx_io"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
for dir in "$@"; do
	name=$(basename "$dir"); data="$dir/test_data_set_0"
	ins=$("$io" "$dir/model.onnx" | awk '$1=="input"{print $2}')
	outs=$("$io" "$dir/model.onnx" | awk '$1=="output"{print $2}')
	consts=""; first=""; i=0
	for n in $ins; do
		if [ $i -eq 0 ]; then first="$n"
		else consts="$consts --const $n=$data/input_$i.pb"; fi
		i=$((i + 1))
	done
	expects=""; i=0
	for n in $outs; do
		expects="$expects --expect $n=$data/output_$i.pb"
		i=$((i + 1))
	done
	log="$tmp/$name.log"
	# shellcheck disable=SC2086
	if "$atoll" compile "$dir/model.onnx" -o "$tmp/$name.atb" ${OPT:-} $consts \
			>"$log" 2>&1 &&
	   "$atoll" run "$tmp/$name.atb" --backend "$backend" \
			--input "$first=$data/input_0.pb" $expects --check-traffic >>"$log" 2>&1
	then
		echo "ok   $name ($backend${OPT:+ $OPT})"; pass=$((pass + 1))
	else
		echo "FAIL $name ($backend${OPT:+ $OPT})"; sed 's/^/    /' "$log" | tail -n 15
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
