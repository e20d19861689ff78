/* build/rt/rt-common.c: the freestanding runtime shared by kernel and userland.
 *
 * Owns: what generated code calls that is not wasm: memcpy/memmove/memset/
 * memcmp and the wasm2c runtime entry points (traps, function-type
 * registry, memory and table "allocation"). Included by kernel-rt.c and
 * user-rt.c, which add the entry point and say how to stop after a trap.
 * Must not: allocate. Linear memory is the whole 4 GiB virtual address
 * space at base 0; tables come from a fixed static pool.
 */
#include <stdarg.h>

/* ---- string.h ---------------------------------------------------------- */

/* Whole words first (rep movsl, rep stosl), then the 0-3 bytes left: a
 * quarter of the iterations of a byte loop, and of the instructions icount
 * charges for a large copy or clear (kernel/object/untyped.ts clears an
 * untyped's memory in 4 KiB chunks between preemption points). */
void* memcpy(void* restrict dst, const void* restrict src, size_t n) {
  void* d = dst;
  size_t words = n >> 2, rest = n & 3;
  __asm__ volatile("rep movsl" : "+D"(d), "+S"(src), "+c"(words) : : "memory");
  __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(rest) : : "memory");
  return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
  if ((uintptr_t)dst - (uintptr_t)src >= n) return memcpy(dst, src, n);
  /* Overlapping with dst above src: copy backwards. */
  void* d = (char*)dst + n - 1;
  const void* s = (const char*)src + n - 1;
  __asm__ volatile("std\n\trep movsb\n\tcld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
  return dst;
}

void* memset(void* dst, int c, size_t n) {
  void* d = dst;
  u32 v = (u32)(unsigned char)c * 0x01010101u;
  size_t words = n >> 2, rest = n & 3;
  __asm__ volatile("rep stosl" : "+D"(d), "+c"(words) : "a"(v) : "memory");
  __asm__ volatile("rep stosb" : "+D"(d), "+c"(rest) : "a"(v) : "memory");
  return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
  const unsigned char* x = a;
  const unsigned char* y = b;
  for (size_t i = 0; i < n; i++)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

/* ---- wasm2c runtime ---------------------------------------------------- */

void wasm_rt_init(void) {}
bool wasm_rt_is_initialized(void) { return true; }
void wasm_rt_free(void) {}

/* The program's trap handler (an AssemblyScript export named by the
 * including file as WASM_TRAP_HANDLER); it must not return. */
void WASM_TRAP_HANDLER(u32 code);

WASM_RT_NO_RETURN void wasm_rt_trap(wasm_rt_trap_t trap) {
  WASM_TRAP_HANDLER((u32)trap);
  for (;;) WASM_TRAP_HALT();
}

/* Function types, for call_indirect's signature check: each distinct
 * signature gets the index of its first registration. */
#define MAX_FUNC_TYPES 128
#define MAX_FUNC_TYPE_ARITY 16
static struct {
  u32 params, results;
  u8 types[MAX_FUNC_TYPE_ARITY];
} func_type_table[MAX_FUNC_TYPES];
static u32 func_type_count;

uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...) {
  u8 types[MAX_FUNC_TYPE_ARITY];
  u32 n = params + results;
  if (n > MAX_FUNC_TYPE_ARITY) wasm_rt_trap(WASM_RT_TRAP_CALL_INDIRECT);
  va_list ap;
  va_start(ap, results);
  for (u32 i = 0; i < n; i++) types[i] = (u8)va_arg(ap, int);
  va_end(ap);
  for (u32 t = 0; t < func_type_count; t++) {
    if (func_type_table[t].params == params && func_type_table[t].results == results &&
        memcmp(func_type_table[t].types, types, n) == 0)
      return t;
  }
  if (func_type_count == MAX_FUNC_TYPES) wasm_rt_trap(WASM_RT_TRAP_CALL_INDIRECT);
  func_type_table[func_type_count].params = params;
  func_type_table[func_type_count].results = results;
  memcpy(func_type_table[func_type_count].types, types, n);
  return func_type_count++;
}

/* Linear memory is the address space: base 0, 4 GiB, never grows. Every
 * address is a virtual address; unmapped ones fault in the MMU. */
void wasm_rt_allocate_memory(wasm_rt_memory_t* mem, uint32_t initial_pages, uint32_t max_pages) {
  (void)initial_pages;
  (void)max_pages;
  mem->data = 0;
  mem->pages = 65536;
  mem->max_pages = 65536;
  mem->size = 1ull << 32;
}
uint32_t wasm_rt_grow_memory(wasm_rt_memory_t* mem, uint32_t delta) {
  (void)mem;
  (void)delta;
  return 0xFFFFFFFFu;
}
void wasm_rt_free_memory(wasm_rt_memory_t* mem) { (void)mem; }

#define FUNCREF_POOL 1024
static wasm_rt_funcref_t funcref_pool[FUNCREF_POOL];
static u32 funcref_used;

void wasm_rt_allocate_funcref_table(wasm_rt_funcref_table_t* table, uint32_t elements, uint32_t max_elements) {
  (void)max_elements;
  if (elements > FUNCREF_POOL - funcref_used) wasm_rt_trap(WASM_RT_TRAP_OOB);
  table->data = &funcref_pool[funcref_used];
  table->size = elements;
  table->max_size = elements;
  funcref_used += elements;
}
void wasm_rt_free_funcref_table(wasm_rt_funcref_table_t* table) { (void)table; }
uint32_t wasm_rt_grow_funcref_table(wasm_rt_funcref_table_t* table, uint32_t delta, wasm_rt_funcref_t init) {
  (void)table;
  (void)delta;
  (void)init;
  return 0xFFFFFFFFu;
}
void wasm_rt_allocate_externref_table(wasm_rt_externref_table_t* table, uint32_t elements, uint32_t max_elements) {
  (void)max_elements;
  if (elements) wasm_rt_trap(WASM_RT_TRAP_OOB);
  table->data = 0;
  table->size = 0;
  table->max_size = 0;
}
void wasm_rt_free_externref_table(wasm_rt_externref_table_t* table) { (void)table; }
uint32_t wasm_rt_grow_externref_table(wasm_rt_externref_table_t* table, uint32_t delta, wasm_rt_externref_t init) {
  (void)table;
  (void)delta;
  (void)init;
  return 0xFFFFFFFFu;
}

