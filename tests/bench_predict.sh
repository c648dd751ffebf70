#!/bin/sh
# Cycle prediction against the RTL: every generated model of
# BUILD/models (as t_models.sh makes them), or the case directories
# given, compiled at -O0 and -O2, run on the sim backend; prints per model and level the measured and
# predicted cycles, the relative error, and the busy counters, then the
# largest error.  Exit status 1 when a run fails or an error exceeds
# MAX_ERR percent (default 1).
#
#   bench_predict.sh BUILD [CASE_DIR...]
build="$1"; shift
atoll="$build/bin/atoll"; io="$build/tests/tool_onnx_io"
max_err=${MAX_ERR:-1}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
[ -f "$build/models/.done" ] || sh "$(dirname "$0")/t_models.sh" "$build" >/dev/null
if [ $# -eq 0 ]; then
	for d in "$build"/models/*/; do set -- "$@" "${d%/}"; done
fi
status=0; worst=0
printf '%-14s %-3s %10s %10s %8s  %s\n' model opt measured predicted err% \
	"busy dma_in/dma_out/pe/act"
for dir in "$@"; do
	m=$(basename "$dir"); data="$dir/test_data_set_0"
	ins=$("$io" "$dir/model.onnx" | awk '$1=="input"{print $2}')
	consts=""; first=""; i=0
	for n in $ins; do
		if [ $i -eq 0 ]; then first="$n"
		else consts="$consts --const $n=$data/input_$i.pb"; fi
		i=$((i + 1))
	done
	for opt in -O0 -O2; do
		# shellcheck disable=SC2086
		if ! "$atoll" compile "$dir/model.onnx" -o "$tmp/m.atb" $opt \
			$consts >"$tmp/log" 2>&1 ||
		   ! "$atoll" run "$tmp/m.atb" --backend sim \
			--input "$first=$data/input_0.pb" --report "$tmp/r.json" \
			>>"$tmp/log" 2>&1; then
			echo "FAIL $m $opt"; sed 's/^/    /' "$tmp/log" | tail -n 5
			status=1; continue
		fi
		line=$(jq -r '[.measured.cycles, .predicted.cycles,
			.measured.busy_dma_in, .measured.busy_dma_out,
			.measured.busy_pe, .measured.busy_act] | @tsv' "$tmp/r.json")
		set -- $line "$@"
		err=$(awk -v a="$1" -v b="$2" 'BEGIN {
			e = (b - a) / a * 100; printf "%.3f", e }')
		printf '%-14s %-3s %10s %10s %8s  %s/%s/%s/%s\n' "$m" "$opt" \
			"$1" "$2" "$err" "$3" "$4" "$5" "$6"
		shift 6
		worst=$(awk -v w="$worst" -v e="$err" 'BEGIN {
			e = e < 0 ? -e : e; print (e > w ? e : w) }')
	done
done
echo "max |err| = $worst%"
awk -v w="$worst" -v m="$max_err" 'BEGIN { exit !(w <= m) }' || status=1
exit $status
