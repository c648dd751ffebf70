#!/bin/sh
# Build the hwsim library (hwsim/build.sh, once per configuration) and the
# RTL benches tests/rtl_bench/rtl_bench_*.c, run them, and print the
# summed closing line "N passed, N failed".  A bench that includes
# "refmodel.h" is linked with the functional model (host/refmodel.c).
# Usage: tests/rtl_bench.sh [NAME-FILTER]   (e.g. tests/rtl_bench.sh dma)
root=$(cd "$(dirname "$0")/.." && pwd)
CC=${CC:-gcc}
out=$root/build/tests/rtl_bench
sh "$root/hwsim/build.sh" || exit 1
mkdir -p "$out"
bins=""
for src in "$root"/tests/rtl_bench/rtl_bench_*.c; do
	name=$(basename "$src" .c)
	case "$name" in *"$1"*) ;; *) continue ;; esac
	bin=$out/$name
	extra=""
	if grep -q '"refmodel.h"' "$src"; then
		extra="$root/host/refmodel.c $root/firmware/hwcfg.c
			$root/firmware/hwcfg_default.c"
	fi
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] ||
	   [ "$root/tests/rtl_bench/bench.h" -nt "$bin" ] ||
	   [ "$root/build/hwsim/libatoll_hwsim.a" -nt "$bin" ]; then
		$CC -std=c11 -O2 -g -Wall -Wextra -Werror -Wshadow \
			-D_POSIX_C_SOURCE=200809L -I"$root/build/gen" \
			-I"$root/hwsim" -I"$root/tests" -I"$root/tests/rtl_bench" \
			-I"$root/firmware" -I"$root/host" \
			"$src" $extra "$root/build/hwsim/libatoll_hwsim.a" \
			-lstdc++ -lz -lpthread -lm -o "$bin" || exit 1
	fi
	bins="$bins $bin"
done
sh "$root/tests/run_all.sh" "$root/build" $bins
