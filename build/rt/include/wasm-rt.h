/* wasm-rt.h: our stand-in for wabt's wasm-rt.h (wasm2c 1.0.32 ABI).
 *
 * Owns: the types and runtime entry points that wasm2c-generated C expects,
 * for freestanding builds (kernel, userland) and the Linux conformance
 * harness. Differences from wabt's header, on purpose:
 *  - wasm_rt_memory_t.size is 64-bit, so the kernel's memory can be the
 *    whole 4 GiB address space and bulk-memory range checks stay exact;
 *  - no signal recovery, no stack-depth counter: the MMU is the bounds
 *    check and the kernel stack has a guard;
 *  - no exceptions (the kernel is built without the exceptions proposal).
 * The runtime functions are implemented by build/rt/kernel-rt.c (kernel,
 * userland) or test/conformance/harness-rt.c (Linux).
 */
#ifndef WASM_RT_H_
#define WASM_RT_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define wasm_rt_memcpy __builtin_memcpy
#define wasm_rt_unreachable __builtin_unreachable

#define WASM_RT_MEMCHECK_SIGNAL_HANDLER 1
#define WASM_RT_SKIP_SIGNAL_RECOVERY 1
#define WASM_RT_USE_STACK_DEPTH_COUNT 0
#define WASM_RT_NO_RETURN __attribute__((noreturn))

typedef enum {
  WASM_RT_TRAP_NONE,
  WASM_RT_TRAP_OOB,
  WASM_RT_TRAP_INT_OVERFLOW,
  WASM_RT_TRAP_DIV_BY_ZERO,
  WASM_RT_TRAP_INVALID_CONVERSION,
  WASM_RT_TRAP_UNREACHABLE,
  WASM_RT_TRAP_CALL_INDIRECT,
  WASM_RT_TRAP_UNCAUGHT_EXCEPTION,
  WASM_RT_TRAP_EXHAUSTION,
} wasm_rt_trap_t;

typedef enum {
  WASM_RT_I32,
  WASM_RT_I64,
  WASM_RT_F32,
  WASM_RT_F64,
  WASM_RT_FUNCREF,
  WASM_RT_EXTERNREF,
} wasm_rt_type_t;

typedef void (*wasm_rt_function_ptr_t)(void);

typedef struct {
  uint32_t func_type;          /* index from wasm_rt_register_func_type */
  wasm_rt_function_ptr_t func; /* cast to the real signature before calling */
  void* module_instance;       /* unused: every module has one static instance */
} wasm_rt_funcref_t;

static const wasm_rt_funcref_t wasm_rt_funcref_null_value = {0, NULL, NULL};

typedef void* wasm_rt_externref_t;
static const wasm_rt_externref_t wasm_rt_externref_null_value = NULL;

typedef struct {
  uint8_t* data;      /* unused by generated code: the base is WASM_MEM_BASE */
  uint32_t pages;     /* current size in 64 KiB pages (memory.size) */
  uint32_t max_pages; /* 65536 when the module gives no maximum */
  uint64_t size;      /* current size in bytes, for bulk-memory range checks */
} wasm_rt_memory_t;

typedef struct {
  wasm_rt_funcref_t* data;
  uint32_t max_size;
  uint32_t size;
} wasm_rt_funcref_table_t;

typedef struct {
  wasm_rt_externref_t* data;
  uint32_t max_size;
  uint32_t size;
} wasm_rt_externref_table_t;

void wasm_rt_init(void);
bool wasm_rt_is_initialized(void);
void wasm_rt_free(void);
WASM_RT_NO_RETURN void wasm_rt_trap(wasm_rt_trap_t trap);
const char* wasm_rt_strerror(wasm_rt_trap_t trap);
uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...);
void wasm_rt_allocate_memory(wasm_rt_memory_t* mem, uint32_t initial_pages, uint32_t max_pages);
uint32_t wasm_rt_grow_memory(wasm_rt_memory_t* mem, uint32_t delta);
void wasm_rt_free_memory(wasm_rt_memory_t* mem);
void wasm_rt_allocate_funcref_table(wasm_rt_funcref_table_t* table, uint32_t elements, uint32_t max_elements);
void wasm_rt_free_funcref_table(wasm_rt_funcref_table_t* table);
void wasm_rt_allocate_externref_table(wasm_rt_externref_table_t* table, uint32_t elements, uint32_t max_elements);
void wasm_rt_free_externref_table(wasm_rt_externref_table_t* table);
uint32_t wasm_rt_grow_funcref_table(wasm_rt_funcref_table_t* table, uint32_t delta, wasm_rt_funcref_t init);
uint32_t wasm_rt_grow_externref_table(wasm_rt_externref_table_t* table, uint32_t delta, wasm_rt_externref_t init);

#endif /* WASM_RT_H_ */
