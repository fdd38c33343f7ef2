#!/usr/bin/env bash
# bench.sh - `make bench`: callaudit against tshark and the raw read limit
# on large captures built from real calls (tests/bench/mkcapture.c: a call
# replayed with its own addresses, many at a time), in two mixes:
#   short: the 2 s call of pcaps/call-plain.pcap (217 frames), 1,000 at a
#          time: ~21,000 calls a GB, so per-call work (two ECDSA
#          verifications, the report) dominates;
#   long:  the 30 s call of tests/bench/call-30s.pcap (3,074 frames, made by
#          record_template.sh), 500 at a time: ~1,400 calls a GB, the
#          packets dominate, as in real traffic.
# Prints, per mix and capture size: wall and CPU time, peak RSS, packets/s
# and MB/s of callaudit analyze, of tshark extracting the same facts
# (handshake types, certificates, RTP SSRCs in one pass) and of a bare
# libpcap loop; `cat` for the page cache; and the ratios.
# Usage: tests/bench/bench.sh BUILD_DIR [SIZES_MB...]   (default 100 1024)
#        BENCH_MIX="short long" (default both)
set -eu
BUILD=$(cd "${1:-build}" && pwd)
shift || true
SIZES=${*:-100 1024}
DIR=$BUILD/bench
mkdir -p "$DIR"
cd "$(dirname "$0")/../.."
cc -O2 -o "$DIR/mkcapture" tests/bench/mkcapture.c -lpcap
cc -O2 -o "$DIR/rawloop" tests/bench/rawloop.c -lpcap

# run NAME CMD...: wall s, user+sys s, peak RSS KB into $DIR/NAME.time
run() {
    local name=$1
    shift
    /usr/bin/time -f "%e %U %S %M" -o "$DIR/$name.time" "$@" >"$DIR/$name.out" 2>"$DIR/$name.err" || true
    read -r WALL USR SYS RSS < <(tail -n 1 "$DIR/$name.time") # after any "exited with" line
    CPU=$(awk -v a="$USR" -v b="$SYS" 'BEGIN { printf "%.2f", a + b }')
}
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"\
    "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); $(uname -sr)"
echo "tools: $(tshark --version 2>/dev/null | head -1), $("$BUILD/callaudit" --help >/dev/null 2>&1 && echo callaudit "$(git rev-parse --short HEAD 2>/dev/null)")"
for mix in ${BENCH_MIX:-short long}; do
  case $mix in
  short) template=pcaps/call-plain.pcap concurrent=1000 prefix=bench ;;
  long) template=tests/bench/call-30s.pcap concurrent=500 prefix=bench-long ;;
  *) echo "bench: unknown mix $mix (short, long)" >&2; exit 2 ;;
  esac
  for mb in $SIZES; do
      cap=$DIR/$prefix-$mb.pcap
      [ -s "$cap" ] || "$DIR/mkcapture" "$template" "$cap" "$mb" "$concurrent" >"$DIR/mk-$prefix-$mb.txt"
      cat "$DIR/mk-$prefix-$mb.txt" 2>/dev/null || true
      frames=$("$DIR/rawloop" "$cap" | awk '{print $1}')
      bytes=$(stat -c %s "$cap")
      mbytes=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
      cat "$cap" >/dev/null # warm the page cache for every contender alike
      run cat cat "$cap"
      cat_s=$WALL
      run raw "$DIR/rawloop" "$cap"
      raw_s=$CPU raw_wall=$WALL
      run callaudit "$BUILD/callaudit" analyze --format json "$cap"
      ca_s=$WALL ca_cpu=$CPU ca_rss=$RSS
      calls=$(jq .summary.calls "$DIR/callaudit.out" 2>/dev/null || echo "?")
      run tshark tshark -r "$cap" -n --enable-heuristic rtp_udp -T fields -e frame.number \
          -e dtls.handshake.type -e x509sat.printableString -e rtp.ssrc -e rtcp.senderssrc \
          -Y "dtls.handshake or rtp or rtcp"
      ts_s=$WALL ts_rss=$RSS ts_cpu=$CPU
      ws_row=""
      if [ -x "$BUILD/callaudit-wireshark" ]; then
          run ws "$BUILD/callaudit" analyze --engine wireshark --format json "$cap"
          ws_s=$WALL ws_row="callaudit --engine wireshark:$WALL:$CPU:$RSS"
      fi
      echo
      echo "== $mix calls: $mbytes MB, $frames frames, $calls calls audited"
      printf "%-28s %9s %9s %10s %12s %9s\n" "" "wall s" "cpu s" "RSS MB" "packets/s" "MB/s"
      for row in "callaudit analyze:$ca_s:$ca_cpu:$ca_rss" "tshark (same facts):$ts_s:$ts_cpu:$ts_rss" \
                 ${ws_row:+"$ws_row"} "raw libpcap loop:$raw_wall:$raw_s:0" "cat (page cache):$cat_s:-:0"; do
          IFS=: read -r name w c r <<<"$row"
          printf "%-28s %9s %9s %10s %12s %9s\n" "$name" "$w" "$c" \
              "$([ "$r" = 0 ] && echo - || awk -v r="$r" 'BEGIN { printf "%.1f", r / 1024 }')" \
              "$(rate "$frames" "$w")" "$(awk -v b="$mbytes" -v s="$w" 'BEGIN { printf "%.0f", (s > 0 ? b / s : 0) }')"
      done
      echo "callaudit/tshark throughput: $(awk -v a="$ts_s" -v b="$ca_s" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }')" \
          "(target 50x); callaudit/raw loop: $(awk -v a="$raw_wall" -v b="$ca_s" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" \
          "(target 0.5); per packet: $(awk -v s="$ca_s" -v n="$frames" 'BEGIN { printf "%.0f ns", s * 1e9 / n }')"
      [ -z "$ws_row" ] || echo "native engine/Wireshark engine throughput:" \
          "$(awk -v a="$ws_s" -v b="$ca_s" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }')"
  done
done

# The session table alone: a lookup with 1,000 to 1,000,000 flows live.
cc -O2 -std=c11 -D_DEFAULT_SOURCE -Ianalyzer -Icapture -o "$DIR/flowbench" tests/bench/flowbench.c \
    "$BUILD/libcallaudit.a" $(pkg-config --libs openssl libpcap jansson libsrtp2) -lm
echo
echo "== session table (tests/bench/flowbench.c)"
"$DIR/flowbench"
