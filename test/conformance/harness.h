/* test/conformance/harness.h: the interface between a generated spec-test
 * program (main.c and the module thunks, written by run.ts) and the harness
 * runtime (harness-rt.c).
 *
 * Owns: the command table format. Values cross it as raw bits in uint64_t
 * (f32 and f64 included), so no float is ever loaded into an x87 register
 * on the way, which would quiet a signalling NaN.
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <stdint.h>

#include "wasm-rt.h"

/* Value types. */
enum { H_I32, H_I64, H_F32, H_F64, H_EXTERNREF, H_FUNCREF };
/* How an expected value is compared. */
enum { H_EXACT, H_NAN_CANONICAL, H_NAN_ARITHMETIC, H_NON_NULL };
/* Command kinds. */
enum { H_CMD_MODULE, H_CMD_ACTION, H_CMD_RETURN, H_CMD_TRAP, H_CMD_EXHAUSTION, H_CMD_UNINSTANTIABLE };

typedef struct {
  uint8_t type;
  uint8_t match;
  uint64_t bits;
} harness_value_t;

/* A thunk calls one export (or instantiates a module): arguments in, results out, as bits. */
typedef void (*harness_thunk_t)(const uint64_t* args, uint64_t* results);

typedef struct {
  uint32_t index;  /* the command's index in the wast2json output; printed back */
  uint8_t kind;
  uint8_t nresults;
  uint16_t module; /* module number within the file */
  harness_thunk_t call;
  wasm_rt_memory_t* (*memory)(void); /* the module's memory, or NULL */
  const uint64_t* args;
  const harness_value_t* expected;
  uint32_t trap_mask; /* bit n set: wasm_rt_trap_t n satisfies the assertion */
  const char* trap_text;
} harness_command_t;

void harness_activate_memory(wasm_rt_memory_t* mem);
int harness_main(int argc, char** argv, const harness_command_t* cmds, uint32_t count, uint32_t modules);

#endif
