# Scaling curves of docs/performance.md from docs/img/perf-scaling.tsv (bench/scaling_curves.sh
# writes both; run it from the repository root). Columns: kind racks rate sim_s requests wall_s
# cpu_s rss_MiB activities iterations ttft_p99_ms load1. docs/img/perf-scaling-before.tsv, when
# present, holds the same sweep with an earlier build (drawn dashed).
set terminal svg size 720,420 dynamic font "sans,12" background "white"
set datafile separator "\t"
set key top left
set grid
set style data linespoints
before = "docs/img/perf-scaling-before.tsv"
has_before = system("test -f " . before . " && echo 1 || echo 0") eq "1"

set output "docs/img/perf-scaling-racks.svg"
set title "Kyber pods, Llama-3.1-70B prefill/decode split at 80% of capacity"
set xlabel "racks (144 GPU packages each)"
set ylabel "seconds per simulated second"
set logscale xy
set xtics (1, 2, 4, 8, 16, 32, 64)
if (has_before) {
  plot "docs/img/perf-scaling.tsv" using (strcol(1) eq "racks" ? $2 : NaN):($7 / $4) title "CPU (user+sys)" lw 2 pt 7, \
       "" using (strcol(1) eq "racks" ? $2 : NaN):($6 / $4) title "wall" lw 2 pt 5, \
       before using (strcol(1) eq "racks" ? $2 : NaN):($7 / $4) title "CPU, before (commit 2ff02b6)" lw 2 pt 6 dt 2, \
       "" using (strcol(1) eq "racks" ? $2 : NaN):(1) title "real time" with lines dt 3 lc "gray"
} else {
  plot "docs/img/perf-scaling.tsv" using (strcol(1) eq "racks" ? $2 : NaN):($7 / $4) title "CPU (user+sys)" lw 2 pt 7, \
       "" using (strcol(1) eq "racks" ? $2 : NaN):($6 / $4) title "wall" lw 2 pt 5, \
       "" using (strcol(1) eq "racks" ? $2 : NaN):(1) title "real time" with lines dt 3 lc "gray"
}

set output "docs/img/perf-scaling-rate.svg"
set title "8-rack Kyber pod (1,152 GPU packages), Llama-3.1-70B prefill/decode split"
set xlabel "arrival rate, requests/s"
set ylabel "CPU s per simulated s / simulated requests per CPU s"
unset logscale
set logscale y
set xtics auto
if (has_before) {
  plot "docs/img/perf-scaling.tsv" using (strcol(1) eq "rate" ? $3 : NaN):($7 / $4) title "CPU s per simulated s" lw 2 pt 7, \
       "" using (strcol(1) eq "rate" ? $3 : NaN):($5 / $7) title "simulated requests per CPU s" lw 2 pt 5, \
       before using (strcol(1) eq "rate" ? $3 : NaN):($7 / $4) title "CPU s per simulated s, before" lw 2 pt 6 dt 2, \
       "" using (strcol(1) eq "rate" ? $3 : NaN):($5 / $7) title "simulated requests per CPU s, before" lw 2 pt 4 dt 2
} else {
  plot "docs/img/perf-scaling.tsv" using (strcol(1) eq "rate" ? $3 : NaN):($7 / $4) title "CPU s per simulated s" lw 2 pt 7, \
       "" using (strcol(1) eq "rate" ? $3 : NaN):($5 / $7) title "simulated requests per CPU s" lw 2 pt 5
}
