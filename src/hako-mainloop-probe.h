/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A main-loop probe for benchmarks (bench/poll/run, bench/scale/run).
 *
 * When HAKO_MAINLOOP_PROBE names a file, the default main context's poll function is wrapped
 * to time each turn of the loop: from the end of one poll to the start of the next, that is
 * the time the loop spent working rather than waiting. The file receives one line,
 * "max_gap_us=N turns=N max_turn_cpu_us=N over_10ms=N over_20ms=N", every 5 s and at exit: the
 * longest turn (wall clock), the number of turns, the most CPU time the thread used in one turn
 * (a turn much longer than that waited for a core), and how many turns took over 10 and 20 ms.
 * SIGUSR1 starts a new measurement (resets the figures), SIGUSR2 writes the file at once. Without
 * the variable nothing is installed. */
#pragma once

void hako_mainloop_probe_init(void);
