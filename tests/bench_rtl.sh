#!/bin/sh
# RTL benchmarks (the Verilator model of rtl/, one per configuration):
#
#  (a) simulation speed, 8x8 and 16x16: an MM-heavy stream and the
#      generated streams of seeds 1..5 (tests/streamgen.c), simulated
#      cycles per second of wall-clock and of CPU time;
#  (b) PE utilisation, 16x16: a 512x512x512 int8 matrix product as an
#      overlapping command stream (tests/rtl_bench/bench_speed.c), checked
#      byte for byte against the functional model, with the engines'
#      busy_* counters;
#  (c) smoke, 16x16 and 32x32: generated streams 1..5 equal on the
#      functional model and the RTL.
#
#   tests/bench_rtl.sh [BUILD]        (default: the repository's build/)
#
# Every configuration gets its own generated headers (BUILD/genN) and
# hwsim library (BUILD/hwsimN, hwsim/build.sh, cached by checksum); the
# default build/gen and build/hwsim are not touched.  Environment: JOBS
# (Verilator build jobs, default 1: the machine is shared), CC,
# BENCH_RTL_BUILD_LIMIT (seconds a Verilator build may take before it is
# stopped and reported as too slow, default 900).  The exit status is 1
# if a build or a check failed.
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
CC=${CC:-gcc}
JOBS=${JOBS:-1}
limit=${BENCH_RTL_BUILD_LIMIT:-900}
out=$build/tests/bench_rtl
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
status=0
mkdir -p "$out"

# cfg N: the configuration file of the NxN array.
cfg() {
	case $1 in
	8) echo "$root/firmware/config/default.cfg" ;;
	*) echo "$root/firmware/config/atoll$1x$1.cfg" ;;
	esac
}

gen_tool=$build/atoll_gen
if [ ! -x "$gen_tool" ] || [ "$root/firmware/atoll_gen.c" -nt "$gen_tool" ] ||
   [ "$root/firmware/isa.def" -nt "$gen_tool" ]; then
	make -C "$root" --no-print-directory BUILD="$build" \
		"$build/atoll_gen" >"$tmp/gen.log" 2>&1 || {
		cat "$tmp/gen.log"; exit 1; }
fi

# prepare N: headers, hwsim library and bench binary of the NxN
# configuration; sets built_N to how the library was obtained.  Returns 1
# (with a message) when something failed or the build was too slow.
prepare() {
	n=$1; g=$build/gen$n; h=$build/hwsim$n
	mkdir -p "$g"
	"$gen_tool" config "$(cfg "$n")" "$tmp/c.h" "$tmp/c.vh" &&
	"$gen_tool" isa "$tmp/i.h" "$tmp/i.vh" || return 1
	for f in c.h:atoll_config.h c.vh:atoll_config.vh i.h:atoll_isa.h \
		 i.vh:atoll_isa.vh; do
		cmp -s "$tmp/${f%%:*}" "$g/${f#*:}" ||
			cp "$tmp/${f%%:*}" "$g/${f#*:}"
	done
	t0=$(date +%s)
	if command -v timeout >/dev/null 2>&1; then
		JOBS=$JOBS GEN=$g OUT=$h timeout "$limit" \
			sh "$root/hwsim/build.sh" >"$tmp/build$n.log" 2>&1
	else
		JOBS=$JOBS GEN=$g OUT=$h sh "$root/hwsim/build.sh" \
			>"$tmp/build$n.log" 2>&1
	fi
	rc=$?
	secs=$(( $(date +%s) - t0 ))
	if [ $rc -eq 124 ]; then
		eval "built_$n=\"TOO SLOW: Verilator build stopped after ${secs} s\""
		echo "${n}x${n}: the Verilator build took longer than" \
			"$limit s (JOBS=$JOBS) and was stopped"
		return 1
	elif [ $rc -ne 0 ]; then
		eval "built_$n=\"build FAILED\""
		echo "${n}x${n}: hwsim build failed:"
		tail -n 20 "$tmp/build$n.log" | sed 's/^/    /'
		return 1
	fi
	if grep -q "up to date" "$tmp/build$n.log"; then
		eval "built_$n=\"cached $h\""
	else
		eval "built_$n=\"built in ${secs} s (JOBS=$JOBS) $h\""
	fi
	bin=$out/bench_speed_$n
	srcs="$root/tests/rtl_bench/bench_speed.c $root/host/refmodel.c
		$root/firmware/hwcfg.c $root/firmware/hwcfg_default.c
		$root/firmware/isa.c $root/tests/streamgen.c"
	stale=0
	[ -x "$bin" ] || stale=1
	for f in $srcs "$root/tests/rtl_bench/bench.h" "$h/libatoll_hwsim.a" \
	    "$g/atoll_config.h"; do
		[ "$f" -nt "$bin" ] && stale=1
	done
	if [ $stale -eq 1 ]; then
		$CC -std=c11 -O2 -g -Wall -Wextra -Werror -Wshadow \
			-D_POSIX_C_SOURCE=200809L -I"$g" -I"$root/hwsim" \
			-I"$root/tests" -I"$root/firmware" -I"$root/host" \
			$srcs "$h/libatoll_hwsim.a" -lstdc++ -lz -lpthread -lm \
			-o "$bin" >"$tmp/cc$n.log" 2>&1 || {
			echo "${n}x${n}: bench_speed does not compile:"
			sed 's/^/    /' "$tmp/cc$n.log"
			return 1
		}
	fi
	return 0
}

# run N LOG ARGS...: run the NxN bench, keep its output in LOG.
run() {
	n=$1; log=$2; shift 2
	"$out/bench_speed_$n" "$@" >"$log" 2>&1 || {
		status=1
		echo "${n}x${n} bench_speed $*: FAILED"
		grep -v '^@' "$log" | sed 's/^/    /'
	}
}

# field LOG KIND KEY [MATCH]: KEY=value of the first "@KIND" line of LOG
# that contains MATCH, or "-".
field() {
	v=$(grep "^@$2 " "$1" 2>/dev/null | grep -e "${4:- }" | head -n 1 |
		tr ' ' '\n' | sed -n "s/^$3=//p")
	echo "${v:--}"
}

# pct A B: A as a percentage of B.
pct() {
	case "$1 $2" in
	*-*) echo - ;;
	*) awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", 100 * a / b }' ;;
	esac
}

# busiest LOG: the engine with the most busy cycles in the @gemm line.
busiest() {
	best=-; max=-1
	for e in dma_in dma_out pe act; do
		v=$(field "$1" gemm "busy_$e")
		[ "$v" = - ] && continue
		[ "$v" -gt "$max" ] && { max=$v; best=$e; }
	done
	echo "$best"
}

echo "== RTL benchmarks (Verilator model, hwsim/build.sh per configuration)"
ok8=0; ok16=0; ok32=0
for n in 8 16 32; do
	prepare "$n" && eval "ok$n=1" || status=1
done
printf '%-7s %s\n' config "hwsim library"
for n in 8 16 32; do
	eval "b=\$built_$n"
	printf '%-7s %s\n' "${n}x${n}" "${b:-not built}"
done

# ---- (a) simulation speed ---------------------------------------------
echo
echo "== (a) simulation speed (atoll_hwsim_run only; the machine is" \
	"shared, so wall-clock"
echo "   figures vary with load, CPU-time figures are steadier)"
printf '%-7s %-22s %10s %8s %8s %12s %12s\n' config stream cycles \
	"wall s" "cpu s" "cycles/s" "cycles/cpu-s"
for n in 8 16; do
	eval "ok=\$ok$n"
	if [ "$ok" -ne 1 ]; then
		printf '%-7s %s\n' "${n}x${n}" "not built"
		continue
	fi
	run "$n" "$tmp/speed$n" speed 1000000 5
	for kind in mm:"MM-heavy (LDW+4 MM)" streams:"streamgen seeds 1..5"; do
		k=${kind%%:*}
		printf '%-7s %-22s %10s %8s %8s %12s %12s\n' "${n}x${n}" \
			"${kind#*:}" \
			"$(field "$tmp/speed$n" speed cycles "kind=$k ")" \
			"$(field "$tmp/speed$n" speed wall "kind=$k ")" \
			"$(field "$tmp/speed$n" speed cpu "kind=$k ")" \
			"$(field "$tmp/speed$n" speed cps "kind=$k ")" \
			"$(field "$tmp/speed$n" speed cps_cpu "kind=$k ")"
	done
done

# ---- (b) PE utilisation ------------------------------------------------
echo
echo "== (b) 512x512x512 int8 GEMM on 16x16: utilisation = macs /" \
	"(cycles * 256); busy_* in % of cycles"
printf '%-30s %9s %8s %6s %7s %7s %7s %7s %-7s %s\n' \
	"memory model / stream" cycles ideal util dma_in dma_out pe act \
	busiest check
if [ "$ok16" -eq 1 ]; then
	for v in "8 0:latency 8, unlimited bw" \
		 "20 0:latency 20, unlimited (CLI)" \
		 "8 8:latency 8, 8 B/cycle" \
		 "8 0 noout:latency 8, no ACT/DMA_OUT"; do
		# shellcheck disable=SC2086
		run 16 "$tmp/gemm" gemm ${v%%:*}
		c=$(field "$tmp/gemm" gemm cycles)
		printf '%-30s %9s %8s %6s %7s %7s %7s %7s %-7s %s\n' "${v#*:}" \
			"$c" "$(field "$tmp/gemm" gemm ideal)" \
			"$(field "$tmp/gemm" gemm util)%" \
			"$(pct "$(field "$tmp/gemm" gemm busy_dma_in)" "$c")" \
			"$(pct "$(field "$tmp/gemm" gemm busy_dma_out)" "$c")" \
			"$(pct "$(field "$tmp/gemm" gemm busy_pe)" "$c")" \
			"$(pct "$(field "$tmp/gemm" gemm busy_act)" "$c")" \
			"$(busiest "$tmp/gemm")" "$(field "$tmp/gemm" gemm check)"
	done
	echo "(check: C equal to the functional model byte for byte and to a" \
		"plain C product; n/a: no output)"
else
	echo "16x16 not built"
fi

# ---- (c) smoke ---------------------------------------------------------
echo
echo "== (c) smoke: streamgen seeds 1..5 on ref and sim"
for n in 16 32; do
	eval "ok=\$ok$n"
	if [ "$ok" -ne 1 ]; then
		eval "b=\$built_$n"
		printf '%-7s %s\n' "${n}x${n}" "not run: ${b:-not built}"
		continue
	fi
	run "$n" "$tmp/smoke$n" smoke 5
	printf '%-7s %s of %s streams equal\n' "${n}x${n}" \
		"$(field "$tmp/smoke$n" smoke equal)" \
		"$(field "$tmp/smoke$n" smoke seeds)"
done
exit $status
