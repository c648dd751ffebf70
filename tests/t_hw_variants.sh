#!/bin/sh
# Tiling edges and other array shapes: every generated case and model,
# compiled for and run on the functional model of other hardware
# configurations (a tiny PSUM and scratchpad that force many output
# blocks, a 16x8 array, a 4x4 array), at -O0 and -O2, byte for byte and
# with the predicted traffic equal to the measured one.
build="$1"
root=$(cd "$(dirname "$0")/.." && pwd)
atoll="$build/bin/atoll"; io="$build/tests/tool_onnx_io"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cfg="$root/firmware/config/default.cfg"
sed 's/^psum_depth = .*/psum_depth = 64/; s/^spm_bytes_per_partition = .*/spm_bytes_per_partition = 8192/; s/^name = .*/name = tiny/' "$cfg" >"$tmp/tiny.cfg"
sed 's/^rows = .*/rows = 16/; s/^spm_partitions = .*/spm_partitions = 16/; s/^name = .*/name = r16c8/' "$cfg" >"$tmp/r16c8.cfg"
sed 's/^rows = .*/rows = 4/; s/^cols = .*/cols = 4/; s/^spm_partitions = .*/spm_partitions = 4/; s/^name = .*/name = a4x4/' "$cfg" >"$tmp/a4x4.cfg"
[ -f "$build/cases/.done" ] || sh "$root/tests/t_conformance.sh" "$build" >/dev/null
[ -f "$build/models/.done" ] || sh "$root/tests/t_models.sh" "$build" >/dev/null
pass=0; fail=0
for hw in tiny r16c8 a4x4; do
	for m in "$build"/cases/*/ "$build"/models/*/; do
		m=${m%/}; n=$(basename "$m"); d="$m/test_data_set_0"
		set --; first=""; i=0
		for x in $("$io" "$m/model.onnx" | awk '$1=="input"{print $2}'); do
			if [ $i -eq 0 ]; then first=$x
			else set -- "$@" --const "$x=$d/input_$i.pb"; fi
			i=$((i + 1))
		done
		y=$("$io" "$m/model.onnx" | awk '$1=="output"{print $2}')
		for opt in -O0 -O2; do
			if "$atoll" compile "$m/model.onnx" -o "$tmp/m.atb" $opt \
				--hw "$tmp/$hw.cfg" "$@" >"$tmp/log" 2>&1 &&
			   "$atoll" run "$tmp/m.atb" --hw "$tmp/$hw.cfg" \
				--input "$first=$d/input_0.pb" \
				--expect "$y=$d/output_0.pb" --check-traffic \
				>>"$tmp/log" 2>&1; then
				pass=$((pass + 1))
			else
				echo "FAIL $n $hw $opt"; tail -n 4 "$tmp/log" | sed 's/^/    /'
				fail=$((fail + 1))
			fi
		done
	done
	echo "configuration $hw done"
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
