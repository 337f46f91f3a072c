/*
 * stepgate: step-gated mode. Before each flight goes out, the sending side
 * waits at the gate until the user lets it go. Time spent waiting extends
 * the run's deadline. Cancelling unblocks every waiter for good; they abort.
 */
#ifndef TLSLADDER_STEPGATE_H
#define TLSLADDER_STEPGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct step_gate;
struct step_gate *step_gate_new(void);
void step_gate_free(struct step_gate *g);
/* Lets whoever waits send its flight. */
void step_gate_release(struct step_gate *g);
/* Unblocks every waiter for good: their handshakes stop. */
void step_gate_cancel(struct step_gate *g);
/* What waits ("the server is about to send ServerHello"); false when nothing does. */
bool step_gate_waiting(struct step_gate *g, char *buf, size_t n);
/* Total microseconds spent waiting so far. */
int64_t step_gate_paused_us(struct step_gate *g);
/* Waits (what: the text step_gate_waiting reports) until released; false when cancelled. */
bool step_gate_wait(struct step_gate *g, const char *what);

#endif
