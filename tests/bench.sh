#!/bin/sh
# Benchmarks (make bench):
#
#  1. Compile time and peak memory of full-size models (ResNet-50 and
#     GoogLeNet from `tool_gen_models --large`, generated once into
#     BUILD/bench_models) at -O0 and -O2, against a 10 s target, with
#     the command count, the predicted DRAM traffic and the compulsory
#     traffic of the --report JSON.
#  2. The small generated models (BUILD/models, as t_models.sh makes
#     them) compiled at -O0 and -O2 and run on sim (the Verilator model;
#     BENCH_BACKEND=ref for the functional model): DRAM traffic
#     (predicted and measured, and against the compulsory traffic), the
#     optimiser's load/store pairs and remaining copies, DMA commands and
#     their mean size, cycles (predicted and measured) and PE utilisation
#     (MACs / (cycles x rows x cols)); one side-by-side table per model.
#
#   bench.sh BUILD
#
# BENCH_PARTS (default "large small rtl") picks the parts to run; rtl is
# tests/bench_rtl.sh.
#
# A failing compile or run prints its error and the benchmark goes on;
# the exit status is 1 if anything failed.  Time and memory come from
# /usr/bin/time -v, else from date and /proc/PID/status (VmHWM).
build="$1"
atoll="$build/bin/atoll"; gen="$build/tests/tool_gen_models"
io="$build/tests/tool_onnx_io"
large="$build/bench_models"; small="$build/models"
target_s=10
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
status=0

if command -v jq >/dev/null 2>&1; then
	# jget FILE PATH: the value at jq path PATH (.a.b) of FILE, or "-".
	jget() { jq -r "$2 // \"-\"" "$1" 2>/dev/null || echo -; }
else
	jget() {
		python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2].strip(".").split("."):
    d = d.get(k) if isinstance(d, dict) else None
print("-" if d is None else d)' "$1" "$2" 2>/dev/null || echo -
	}
fi

# calc EXPR A B: EXPR of awk variables a and b, or "-" if either is "-"
# or "n/a".
calc() {
	case "$2 $3" in
	*-*|*n/a*) echo - ;;
	*) awk -v a="$2" -v b="$3" "BEGIN { $1 }" ;;
	esac
}

# dram FILE SECTION: dram_read_bytes + dram_write_bytes of SECTION.
dram() {
	calc 'print a + b' "$(jget "$1" ".$2.dram_read_bytes")" \
		"$(jget "$1" ".$2.dram_write_bytes")"
}

# measure CMD...: run CMD, set rc, secs and peak_kb ("n/a" if unknown).
measure() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -v -o "$tmp/time" "$@"
		rc=$?
		secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {
			n = split($2, t, ":"); s = 0
			for (i = 1; i <= n; i++) s = s * 60 + t[i]
			printf "%.2f", s }' "$tmp/time")
		peak_kb=$(awk -F': ' '/Maximum resident set size/ {
			print $2 }' "$tmp/time")
		return
	fi
	t0=$(date +%s.%N)
	"$@" &
	pid=$!
	peak_kb=n/a
	while kill -0 "$pid" 2>/dev/null; do
		v=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" \
			2>/dev/null)
		[ -n "$v" ] && peak_kb=$v
		sleep 0.05 2>/dev/null || sleep 1
	done
	wait "$pid"
	rc=$?
	t1=$(date +%s.%N)
	secs=$(calc 'printf "%.2f", b - a' "$t0" "$t1")
	case "$secs" in *N*|"") secs=n/a ;; esac
}

# fresh DIR ARGS...: (re)generate DIR with tool_gen_models ARGS unless
# it is newer than the tool.
fresh() {
	dir="$1"; shift
	if [ ! -f "$dir/.done" ] ||
	   [ -n "$(find "$gen" -newer "$dir/.done")" ]; then
		rm -rf "$dir"
		"$gen" "$@" >"$tmp/gen.log" 2>&1 || {
			echo "tool_gen_models $*: failed"
			sed 's/^/    /' "$tmp/gen.log"
			return 1
		}
		touch "$dir/.done"
	fi
}

# want PART: is PART in BENCH_PARTS?
want() {
	case " ${BENCH_PARTS:-large small rtl} " in
	*" $1 "*) return 0 ;;
	*) return 1 ;;
	esac
}

# ---- 1. Full-size models: compile time and memory ----------------------

want large && echo "== compile time, full-size models (target ${target_s} s)"
if ! want large; then
	:
elif fresh "$large" --large "$large"; then
	printf '%-10s %-4s %8s %9s %9s %14s %14s  %s\n' model opt seconds \
		"peak MiB" commands "pred dram B" "compulsory B" target
	for dir in "$large"/*/; do
		dir=${dir%/}; name=$(basename "$dir")
		for opt in -O0 -O2; do
			rep="$tmp/$name$opt.json"
			log="$tmp/$name$opt.log"
			rm -f "$rep"
			measure "$atoll" compile "$dir/model.onnx" \
				-o "$tmp/$name.atb" "$opt" --report "$rep" \
				>"$log" 2>&1
			mib=$(calc 'printf "%.1f", a / 1024' "$peak_kb" 0)
			[ "$mib" = - ] && mib=n/a
			if [ "$rc" -ne 0 ]; then
				met=FAIL
				status=1
			elif [ "$secs" = n/a ]; then
				met=n/a
			else
				met=$(calc 'print (a <= b ? "met" : "MISSED")' \
					"$secs" "$target_s")
			fi
			printf '%-10s %-4s %8s %9s %9s %14s %14s  %s\n' \
				"$name" "$opt" "$secs" "$mib" \
				"$(jget "$rep" .commands)" \
				"$(dram "$rep" predicted)" \
				"$(jget "$rep" .compulsory_dram_bytes)" "$met"
			if [ "$rc" -ne 0 ]; then
				sed 's/^/    /' "$log" | tail -n 15
			fi
			rm -f "$tmp/$name.atb"
		done
	done
else
	status=1
fi

# ---- 2. Small models: traffic at -O0 and -O2 on ref --------------------

# ratio FORMAT A B: A / B in FORMAT, "-" if B is 0 or either is unknown.
ratio() {
	calc "if (b + 0 == 0) print \"-\"; else printf \"$1\", a / b" \
		"$2" "$3"
}

# row LABEL VALUE_O0 VALUE_O2
row() { printf '  %-30s %14s %14s\n' "$1" "$2" "$3"; }

# small_run NAME DIR OPT: compile and run; reports $tmp/NAME.OPT.{c,r}.json
small_run() {
	c="$tmp/$1$3.c.json"; r="$tmp/$1$3.r.json"; log="$tmp/$1$3.log"
	first=$("$io" "$2/model.onnx" | awk '$1 == "input" { print $2; exit }')
	if ! "$atoll" compile "$2/model.onnx" -o "$tmp/$1$3.atb" "$3" \
			--report "$c" >"$log" 2>&1 ||
	   ! "$atoll" run "$tmp/$1$3.atb" --backend "$backend" \
			--input "$first=$2/test_data_set_0/input_0.pb" \
			--report "$r" >>"$log" 2>&1; then
		echo "  $1 $3 failed:"
		sed 's/^/    /' "$log" | tail -n 15
		status=1
	fi
}

# opt_key NAME OPT KEY: optimizer.KEY from the compile report, else the
# run report, else "-".
opt_key() {
	v=$(jget "$tmp/$1$2.c.json" ".optimizer.$3")
	[ "$v" = - ] && v=$(jget "$tmp/$1$2.r.json" ".optimizer.$3")
	echo "$v"
}

backend=${BENCH_BACKEND:-sim}
cfg="$(dirname "$0")/../firmware/config/default.cfg"
pes=$(awk '$1 == "rows" || $1 == "cols" { p = (p ? p : 1) * $3 }
	END { print p }' "$cfg")
want small && echo
want small && echo "== small models on $backend, -O0 vs -O2 ($pes PEs)"
if ! want small; then
	:
elif fresh "$small" "$small"; then
	for dir in "$small"/*/; do
		dir=${dir%/}; name=$(basename "$dir")
		for opt in -O0 -O2; do
			small_run "$name" "$dir" "$opt"
		done
		c0="$tmp/$name-O0.c.json"; c2="$tmp/$name-O2.c.json"
		r0="$tmp/$name-O0.r.json"; r2="$tmp/$name-O2.r.json"
		comp=$(jget "$c2" .compulsory_dram_bytes)
		[ "$comp" = - ] && comp=$(jget "$c0" .compulsory_dram_bytes)
		m0=$(dram "$r0" measured); m2=$(dram "$r2" measured)
		d0=$(jget "$r0" .measured.dma_commands)
		d2=$(jget "$r2" .measured.dma_commands)
		echo "$name (compulsory_dram_bytes $comp)"
		row "" -O0 -O2
		row "dram bytes predicted" "$(dram "$c0" predicted)" \
			"$(dram "$c2" predicted)"
		row "dram bytes measured" "$m0" "$m2"
		row "measured / compulsory" \
			"$(ratio %.2f "$m0" "$comp")" \
			"$(ratio %.2f "$m2" "$comp")"
		row "load_store_pairs" \
			"$(opt_key "$name" -O0 load_store_pairs)" \
			"$(opt_key "$name" -O2 load_store_pairs)"
		row "load_store_pairs_eliminated" \
			"$(opt_key "$name" -O0 load_store_pairs_eliminated)" \
			"$(opt_key "$name" -O2 load_store_pairs_eliminated)"
		for k in offchip_copies offchip_copy_bytes onchip_copies \
			onchip_copy_bytes; do
			row "$k" "$(opt_key "$name" -O0 $k)" \
				"$(opt_key "$name" -O2 $k)"
		done
		row "dma_commands" "$d0" "$d2"
		row "mean bytes per DMA" \
			"$(ratio %.1f "$m0" "$d0")" \
			"$(ratio %.1f "$m2" "$d2")"
		y0=$(jget "$r0" .measured.cycles)
		y2=$(jget "$r2" .measured.cycles)
		row "cycles predicted" "$(jget "$c0" .predicted.cycles)" \
			"$(jget "$c2" .predicted.cycles)"
		row "cycles measured" "$y0" "$y2"
		row "prediction error %" \
			"$(calc 'printf "%+.3f", (a - b) * 100 / b' \
			"$(jget "$c0" .predicted.cycles)" "$y0")" \
			"$(calc 'printf "%+.3f", (a - b) * 100 / b' \
			"$(jget "$c2" .predicted.cycles)" "$y2")"
		row "PE utilisation %" \
			"$(calc "printf \"%.2f\", a * 100 / (b * $pes)" \
			"$(jget "$r0" .measured.macs)" "$y0")" \
			"$(calc "printf \"%.2f\", a * 100 / (b * $pes)" \
			"$(jget "$r2" .measured.macs)" "$y2")"
		# one summary line: name compulsory dram0 dram2 elim pairs
		# offchip onchip dma2 cycles0 cycles2 err2
		echo "$name $comp $m0 $m2" \
			"$(opt_key "$name" -O2 load_store_pairs_eliminated)" \
			"$(opt_key "$name" -O2 load_store_pairs)" \
			"$(opt_key "$name" -O2 offchip_copies)" \
			"$(opt_key "$name" -O2 onchip_copies)" "$d2" "$y0" "$y2" \
			"$(jget "$c2" .predicted.cycles)" >>"$tmp/summary"
	done
	echo
	echo "== summary, -O2 against -O0 (measured on $backend)"
	awk 'function err(p, m) { return m ? (p - m) * 100 / m : 0 }
	{
		r = $2 ? $4 / $2 : 0; e = err($12, $11)
		printf "%-14s %8d %9d %8d %6.2fx %3d/%-3d %3d off %3d on " \
			"%5d DMA %8d %8d cyc %+7.3f%%\n", $1, $2, $3, $4, r,
			$5, $6, $7, $8, $9, $10, $11, e
		elim += $5; pairs += $6; off += $7
		if (r > 1.05) over = over " " $1
		if (e < 0) e = -e
		if (e > maxe) maxe = e
	}
	END {
		printf "pairs eliminated %d of %d (%.1f%%); off-chip copies " \
			"%d; above 1.05x compulsory:%s; max |cycle " \
			"prediction error| %.3f%%\n", elim, pairs,
			pairs ? elim * 100 / pairs : 100, off,
			over ? over : " none", maxe
	}' "$tmp/summary"
	echo "(columns: compulsory, DRAM -O0, DRAM -O2, -O2 ratio," \
		"pairs eliminated/found, off-/on-chip copies, DMA commands," \
		"cycles -O0, -O2, -O2 prediction error)"
else
	status=1
fi
if want rtl; then
	sh "$(dirname "$0")/bench_rtl.sh" "$build" || status=1
fi
exit $status
