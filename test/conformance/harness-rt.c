/* test/conformance/harness-rt.c: the Linux runtime under the wasm
 * conformance suite (test/conformance/run.ts).
 *
 * Owns: everything a spec-test program needs besides the generated module
 * code and its command table: the wasm2c runtime entry points declared in
 * build/rt/include/wasm-rt.h (traps, the function-type registry that
 * call_indirect checks against, linear memories, funcref and externref
 * tables), the "spectest" host module, and the command interpreter that
 * runs each module instantiation and assertion and prints one result line.
 * Must not: relax a check. A result is compared bit for bit, and a trap must
 * be of the kind the assertion names.
 *
 * Memory model. build/postprocess.ts compiles every load and store to
 *   *(T*)(WASM_MEM_BASE + (u32)addr)
 * with WASM_MEM_BASE a compile-time constant and no bounds check: in the
 * kernel the MMU is the bounds check. The harness reproduces that in a
 * 32-bit Linux process:
 *  - At startup it reserves [HARNESS_REGION_LO, HARNESS_REGION_HI) with
 *    PROT_NONE, MAP_NORESERVE and MAP_FIXED_NOREPLACE: 1 GiB of guard below
 *    WASM_MEM_BASE and 2.25 GiB from it upwards. Only the pages of the live
 *    memory are made read/write (mprotect) as it is allocated and grows.
 *    A wasm address A reaches WASM_MEM_BASE + A mod 2^32, so A in
 *    [size, 0x90000000) faults above the memory and A in
 *    [0xC0000000, 2^32) faults in the guard below it. Only A in
 *    [0x90000000, 0xC0000000) wraps past the reservation into the process's
 *    own mappings (program, heap, libraries, stack). None of the suite's
 *    assertions uses such an address; one that did would read or write the
 *    harness's own memory or crash it, so run.ts would have to list it as
 *    excluded and not run. (An address + offset past 2^32 never gets here:
 *    the harness builds modules with WASM_OFFSET_GUARD 0, so
 *    build/postprocess.ts checks the carry of every non-zero offset.)
 *  - A SIGSEGV whose fault address lies in the reservation is a wasm
 *    out-of-bounds trap: the handler runs on an alternate signal stack and
 *    siglongjmps back to the interpreter, which is what wasm_rt_trap does
 *    for the traps the generated code detects itself.
 *  - Every module has its own wasm_rt_memory_t, but only one can live at
 *    the base. The live one is the "owner". Before the interpreter calls
 *    into a module whose memory is not the owner, it switches memory
 *    context: the owner's bytes are copied aside and its pages discarded
 *    (PROT_NONE again, and zero when next made writable), then the other
 *    memory's saved bytes are copied in. Instantiating a module that
 *    allocates a memory evicts the owner the same way. So spec files with
 *    several live modules behave as if each had its own memory. (Modules
 *    that import one another's memory would need more; none of the suite's
 *    files do that.)
 *  - Stack exhaustion: the interpreter runs on a thread whose stack this
 *    file maps itself, with a PROT_NONE guard below it. A fault in that
 *    guard (on the alternate signal stack, since the thread's own stack is
 *    full) becomes WASM_RT_TRAP_EXHAUSTION, the trap assert_exhaustion
 *    expects. There is no stack-depth counter, as in the kernel.
 *  - Each command runs under a CPU-time timer (ITIMER_VIRTUAL, so a loaded
 *    machine does not cause false timeouts); one that runs too long (gcc may
 *    turn unbounded recursion into a loop) ends as a timeout result.
 *  - A fault anywhere else is a crash of the harness: it prints "CRASH" with
 *    the command index and exits, and run.ts reruns the program without
 *    that command.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

#include "wasm-rt.h"
#include "harness.h"

#ifndef WASM_MEM_BASE
#error "WASM_MEM_BASE must be defined"
#endif
#define HARNESS_REGION_LO 0x10000000u
#define HARNESS_REGION_HI 0xE0000000u
#define PAGE_SIZE_WASM 65536u
/* The largest memory the harness maps: 1 GiB, which leaves 1.25 GiB of
 * guard above the largest memory. memory.grow past it fails (returns -1),
 * which wasm allows. */
#define HARNESS_MAX_PAGES 16384u
#define STACK_SIZE (64u << 20)
#define STACK_GUARD (1u << 20)
#define ALT_STACK_SIZE (256u << 10)
#define COMMAND_TIMEOUT_MS 3000 /* CPU time */

_Static_assert(WASM_MEM_BASE > HARNESS_REGION_LO && WASM_MEM_BASE < HARNESS_REGION_HI, "base inside the reservation");
_Static_assert((uint64_t)HARNESS_MAX_PAGES * PAGE_SIZE_WASM < (uint64_t)HARNESS_REGION_HI - WASM_MEM_BASE, "memory fits");

static uint8_t* const mem_base = (uint8_t*)(uintptr_t)(WASM_MEM_BASE);

/* ---- output ------------------------------------------------------------ */

static void die(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("FATAL ");
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
  fflush(stdout);
  _exit(2);
}

/* Async-signal-safe: used from the fault handler before _exit. */
static void write_str(const char* s) {
  ssize_t r = write(1, s, strlen(s));
  (void)r;
}
static void write_hex(uintptr_t v) {
  char b[11];
  b[0] = '0';
  b[1] = 'x';
  for (int i = 0; i < 8; i++) b[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 15];
  b[10] = 0;
  write_str(b);
}
static void write_dec(uint32_t v) {
  char b[12];
  int i = 11;
  b[i] = 0;
  do b[--i] = (char)('0' + v % 10); while ((v /= 10) != 0);
  write_str(b + i);
}

/* ---- traps ------------------------------------------------------------- */

/* The catch point of the command being run; NULL outside wasm code. */
static sigjmp_buf* volatile catch_point;
static volatile uint32_t current_command = 0xFFFFFFFFu;
static uintptr_t stack_guard_lo, stack_guard_hi;

#define JUMP_TRAP(code) (0x100 | (int)(code))
#define JUMP_TIMEOUT 0x200

void wasm_rt_init(void) {}
bool wasm_rt_is_initialized(void) { return true; }
void wasm_rt_free(void) {}

WASM_RT_NO_RETURN void wasm_rt_trap(wasm_rt_trap_t trap) {
  if (catch_point) siglongjmp(*catch_point, JUMP_TRAP(trap));
  die("wasm trap %d outside any command", (int)trap);
  __builtin_unreachable();
}

const char* wasm_rt_strerror(wasm_rt_trap_t trap) {
  switch (trap) {
    case WASM_RT_TRAP_NONE: return "none";
    case WASM_RT_TRAP_OOB: return "out of bounds";
    case WASM_RT_TRAP_INT_OVERFLOW: return "integer overflow";
    case WASM_RT_TRAP_DIV_BY_ZERO: return "integer divide by zero";
    case WASM_RT_TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
    case WASM_RT_TRAP_UNREACHABLE: return "unreachable";
    case WASM_RT_TRAP_CALL_INDIRECT: return "call_indirect (undefined/uninitialized element or type mismatch)";
    case WASM_RT_TRAP_UNCAUGHT_EXCEPTION: return "uncaught exception";
    case WASM_RT_TRAP_EXHAUSTION: return "call stack exhausted";
  }
  return "unknown trap";
}

static void on_fault(int sig, siginfo_t* si, void* ctx) {
  uintptr_t a = (uintptr_t)si->si_addr;
  uintptr_t esp = (uintptr_t)((ucontext_t*)ctx)->uc_mcontext.gregs[REG_ESP];
  if (catch_point && sig == SIGSEGV) {
    if (a >= HARNESS_REGION_LO && a < HARNESS_REGION_HI) siglongjmp(*catch_point, JUMP_TRAP(WASM_RT_TRAP_OOB));
    /* A push or call below the stack, or an access just under it. */
    if ((a >= stack_guard_lo && a < stack_guard_hi) || (esp >= stack_guard_lo - 4096 && esp < stack_guard_hi + 4096))
      siglongjmp(*catch_point, JUMP_TRAP(WASM_RT_TRAP_EXHAUSTION));
  }
  write_str("CRASH ");
  write_dec(current_command);
  write_str(sig == SIGSEGV ? " SIGSEGV" : sig == SIGBUS ? " SIGBUS" : sig == SIGFPE ? " SIGFPE" : sig == SIGILL ? " SIGILL" : " signal");
  write_str(" at ");
  write_hex(a);
  write_str(catch_point ? " in wasm code\n" : " in the harness\n");
  _exit(3);
}

static void on_timer(int sig) {
  (void)sig;
  if (catch_point) siglongjmp(*catch_point, JUMP_TIMEOUT);
}

static void arm_timer(int ms) {
  struct itimerval t = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
  setitimer(ITIMER_VIRTUAL, &t, NULL);
}

/* ---- function types ---------------------------------------------------- */

typedef struct {
  uint32_t params, results;
  uint8_t* types;
} func_type_t;
static func_type_t* func_type_table;
static uint32_t func_type_count, func_type_cap;

/* Each distinct signature gets one index, whichever module registers it, so
 * call_indirect compares signatures structurally, as wasm does. */
uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...) {
  uint32_t n = params + results;
  uint8_t* types = malloc(n ? n : 1);
  va_list ap;
  va_start(ap, results);
  for (uint32_t i = 0; i < n; i++) types[i] = (uint8_t)va_arg(ap, int);
  va_end(ap);
  for (uint32_t t = 0; t < func_type_count; t++) {
    func_type_t* f = &func_type_table[t];
    if (f->params == params && f->results == results && memcmp(f->types, types, n) == 0) {
      free(types);
      return t;
    }
  }
  if (func_type_count == func_type_cap) {
    func_type_cap = func_type_cap ? func_type_cap * 2 : 64;
    func_type_table = realloc(func_type_table, func_type_cap * sizeof *func_type_table);
  }
  func_type_table[func_type_count] = (func_type_t){params, results, types};
  return func_type_count++;
}

/* ---- linear memory ----------------------------------------------------- */

typedef struct {
  wasm_rt_memory_t* mem;
  uint8_t* saved; /* the memory's bytes while another memory owns the base */
} memory_slot_t;
static memory_slot_t* slots;
static uint32_t slot_count, slot_cap;
static wasm_rt_memory_t* owner;

static memory_slot_t* slot_of(wasm_rt_memory_t* mem) {
  for (uint32_t i = 0; i < slot_count; i++)
    if (slots[i].mem == mem) return &slots[i];
  return NULL;
}

/* Gives [base, base + bytes) back to the reservation: PROT_NONE, and zero
 * when it is next made read/write. */
static void discard(uint64_t bytes) {
  if (bytes == 0) return;
  if (mmap(mem_base, (size_t)bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) != mem_base)
    die("discarding linear memory: %s", strerror(errno));
}

static void make_writable(uint64_t from, uint64_t to) {
  if (to > from && mprotect(mem_base + from, (size_t)(to - from), PROT_READ | PROT_WRITE) != 0)
    die("mprotect linear memory: %s", strerror(errno));
}

static void evict_owner(void) {
  if (!owner) return;
  memory_slot_t* s = slot_of(owner);
  free(s->saved);
  s->saved = malloc(owner->size ? (size_t)owner->size : 1);
  if (!s->saved) die("out of memory saving a linear memory of %llu bytes", (unsigned long long)owner->size);
  memcpy(s->saved, mem_base, (size_t)owner->size);
  discard(owner->size);
  owner = NULL;
}

/* The memory context switch: makes mem the memory at WASM_MEM_BASE. */
void harness_activate_memory(wasm_rt_memory_t* mem) {
  if (mem == owner) return;
  memory_slot_t* s = slot_of(mem);
  if (!s) return; /* not allocated yet (instantiation failed) */
  evict_owner();
  make_writable(0, mem->size);
  memcpy(mem_base, s->saved, (size_t)mem->size);
  free(s->saved);
  s->saved = NULL;
  owner = mem;
}

void wasm_rt_allocate_memory(wasm_rt_memory_t* mem, uint32_t initial_pages, uint32_t max_pages) {
  if (initial_pages > HARNESS_MAX_PAGES) die("memory of %u pages is larger than the harness supports", initial_pages);
  evict_owner();
  if (!slot_of(mem)) {
    if (slot_count == slot_cap) {
      slot_cap = slot_cap ? slot_cap * 2 : 16;
      slots = realloc(slots, slot_cap * sizeof *slots);
    }
    slots[slot_count++] = (memory_slot_t){mem, NULL};
  }
  mem->data = mem_base;
  mem->pages = initial_pages;
  mem->max_pages = max_pages;
  mem->size = (uint64_t)initial_pages * PAGE_SIZE_WASM;
  make_writable(0, mem->size);
  owner = mem;
}

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t* mem, uint32_t delta) {
  harness_activate_memory(mem);
  uint32_t old = mem->pages;
  uint64_t pages = (uint64_t)old + delta;
  if (pages > mem->max_pages || pages > HARNESS_MAX_PAGES) return 0xFFFFFFFFu;
  make_writable(mem->size, pages * PAGE_SIZE_WASM);
  mem->pages = (uint32_t)pages;
  mem->size = pages * PAGE_SIZE_WASM;
  return old;
}

void wasm_rt_free_memory(wasm_rt_memory_t* mem) {
  memory_slot_t* s = slot_of(mem);
  if (!s) return;
  if (owner == mem) {
    discard(mem->size);
    owner = NULL;
  }
  free(s->saved);
  *s = slots[--slot_count];
}

/* ---- tables ------------------------------------------------------------ */

void wasm_rt_allocate_funcref_table(wasm_rt_funcref_table_t* table, uint32_t elements, uint32_t max_elements) {
  table->data = calloc(elements ? elements : 1, sizeof(wasm_rt_funcref_t));
  table->size = elements;
  table->max_size = max_elements;
}
void wasm_rt_free_funcref_table(wasm_rt_funcref_table_t* table) { free(table->data); }
uint32_t wasm_rt_grow_funcref_table(wasm_rt_funcref_table_t* table, uint32_t delta, wasm_rt_funcref_t init) {
  uint32_t old = table->size;
  uint64_t n = (uint64_t)old + delta;
  if (n > table->max_size || n > (1u << 24)) return 0xFFFFFFFFu;
  if (delta) {
    wasm_rt_funcref_t* d = realloc(table->data, (size_t)n * sizeof *d);
    if (!d) return 0xFFFFFFFFu;
    for (uint64_t i = old; i < n; i++) d[i] = init;
    table->data = d;
    table->size = (uint32_t)n;
  }
  return old;
}
void wasm_rt_allocate_externref_table(wasm_rt_externref_table_t* table, uint32_t elements, uint32_t max_elements) {
  table->data = calloc(elements ? elements : 1, sizeof(wasm_rt_externref_t));
  table->size = elements;
  table->max_size = max_elements;
}
void wasm_rt_free_externref_table(wasm_rt_externref_table_t* table) { free(table->data); }
uint32_t wasm_rt_grow_externref_table(wasm_rt_externref_table_t* table, uint32_t delta, wasm_rt_externref_t init) {
  uint32_t old = table->size;
  uint64_t n = (uint64_t)old + delta;
  if (n > table->max_size || n > (1u << 24)) return 0xFFFFFFFFu;
  if (delta) {
    wasm_rt_externref_t* d = realloc(table->data, (size_t)n * sizeof *d);
    if (!d) return 0xFFFFFFFFu;
    for (uint64_t i = old; i < n; i++) d[i] = init;
    table->data = d;
    table->size = (uint32_t)n;
  }
  return old;
}

/* ---- the spectest host module ------------------------------------------ */

struct Z_spectest_instance_t;
static uint32_t spectest_global_i32 = 666;
static uint64_t spectest_global_i64 = 666;
static float spectest_global_f32 = 666.6f;
static double spectest_global_f64 = 666.6;
uint32_t* Z_spectestZ_global_i32(struct Z_spectest_instance_t* i) { (void)i; return &spectest_global_i32; }
uint64_t* Z_spectestZ_global_i64(struct Z_spectest_instance_t* i) { (void)i; return &spectest_global_i64; }
float* Z_spectestZ_global_f32(struct Z_spectest_instance_t* i) { (void)i; return &spectest_global_f32; }
double* Z_spectestZ_global_f64(struct Z_spectest_instance_t* i) { (void)i; return &spectest_global_f64; }
void Z_spectestZ_print(struct Z_spectest_instance_t* i) { (void)i; }
void Z_spectestZ_print_i32(struct Z_spectest_instance_t* i, uint32_t a) { (void)i; (void)a; }
void Z_spectestZ_print_i64(struct Z_spectest_instance_t* i, uint64_t a) { (void)i; (void)a; }
void Z_spectestZ_print_f32(struct Z_spectest_instance_t* i, float a) { (void)i; (void)a; }
void Z_spectestZ_print_f64(struct Z_spectest_instance_t* i, double a) { (void)i; (void)a; }
void Z_spectestZ_print_i32_f32(struct Z_spectest_instance_t* i, uint32_t a, float b) { (void)i; (void)a; (void)b; }
void Z_spectestZ_print_f64_f64(struct Z_spectest_instance_t* i, double a, double b) { (void)i; (void)a; (void)b; }

/* ---- the command interpreter ------------------------------------------- */

static const char* kind_name(uint8_t k) {
  switch (k) {
    case H_I32: return "i32";
    case H_I64: return "i64";
    case H_F32: return "f32";
    case H_F64: return "f64";
    case H_EXTERNREF: return "externref";
    case H_FUNCREF: return "funcref";
  }
  return "?";
}

static int value_matches(const harness_value_t* e, uint64_t got) {
  switch (e->type) {
    case H_I32:
    case H_F32:
      got &= 0xFFFFFFFFu;
      break;
    case H_EXTERNREF:
    case H_FUNCREF:
      got &= 0xFFFFFFFFu; /* a pointer in a 32-bit process */
      break;
  }
  switch (e->match) {
    case H_EXACT: return got == e->bits;
    case H_NAN_CANONICAL:
      return e->type == H_F32 ? (got & 0x7FFFFFFFu) == 0x7FC00000u
                              : (got & 0x7FFFFFFFFFFFFFFFull) == 0x7FF8000000000000ull;
    case H_NAN_ARITHMETIC:
      return e->type == H_F32 ? (got & 0x7FC00000u) == 0x7FC00000u
                              : (got & 0x7FF8000000000000ull) == 0x7FF8000000000000ull;
    case H_NON_NULL: return got != 0;
  }
  return 0;
}

static void print_value(uint8_t type, uint64_t v) {
  if (type == H_I64 || type == H_F64)
    printf("%s:0x%016llx", kind_name(type), (unsigned long long)v);
  else
    printf("%s:0x%08llx", kind_name(type), (unsigned long long)(v & 0xFFFFFFFFu));
}

static const harness_command_t* commands;
static uint32_t command_count;
static uint8_t* skip;
static uint8_t* module_ok;

/* Runs one call under a catch point; returns 0 or the longjmp code. */
static int guarded_call(const harness_command_t* c, uint64_t* results) {
  sigjmp_buf jb;
  int code = sigsetjmp(jb, 1);
  if (code == 0) {
    catch_point = &jb;
    arm_timer(COMMAND_TIMEOUT_MS);
    c->call(c->args, results);
  }
  arm_timer(0);
  catch_point = NULL;
  return code;
}

static void describe_outcome(int code) {
  if (code == JUMP_TIMEOUT)
    printf("timed out after %d ms", COMMAND_TIMEOUT_MS);
  else
    printf("trapped: %s", wasm_rt_strerror((wasm_rt_trap_t)(code & 0xFF)));
}

static void run_command(const harness_command_t* c) {
  uint64_t results[16] = {0};
  current_command = c->index;
  if (skip[c->index]) {
    printf("%u SKIP\n", c->index);
    return;
  }
  if (c->kind != H_CMD_MODULE && c->kind != H_CMD_UNINSTANTIABLE && !module_ok[c->module]) {
    printf("%u FAIL module %u did not instantiate\n", c->index, c->module);
    return;
  }
  if (c->kind != H_CMD_MODULE && c->kind != H_CMD_UNINSTANTIABLE && c->memory) harness_activate_memory(c->memory());
  int code = guarded_call(c, results);
  switch (c->kind) {
    case H_CMD_MODULE:
    case H_CMD_ACTION:
      if (code == 0) {
        if (c->kind == H_CMD_MODULE) module_ok[c->module] = 1;
        printf("%u PASS\n", c->index);
      } else {
        printf("%u FAIL ", c->index);
        describe_outcome(code);
        printf("\n");
      }
      return;
    case H_CMD_RETURN:
      if (code != 0) {
        printf("%u FAIL expected a return, ", c->index);
        describe_outcome(code);
        printf("\n");
        return;
      }
      for (uint32_t i = 0; i < c->nresults; i++) {
        if (!value_matches(&c->expected[i], results[i])) {
          printf("%u FAIL result %u: got ", c->index, i);
          print_value(c->expected[i].type, results[i]);
          printf(", expected ");
          if (c->expected[i].match == H_EXACT)
            print_value(c->expected[i].type, c->expected[i].bits);
          else
            printf("%s", c->expected[i].match == H_NAN_CANONICAL ? "nan:canonical"
                         : c->expected[i].match == H_NAN_ARITHMETIC ? "nan:arithmetic" : "non-null");
          printf("\n");
          return;
        }
      }
      printf("%u PASS\n", c->index);
      return;
    case H_CMD_TRAP:
    case H_CMD_EXHAUSTION:
    case H_CMD_UNINSTANTIABLE:
      if (code == 0) {
        printf("%u FAIL returned, expected a trap (%s)\n", c->index, c->trap_text);
      } else if (code == JUMP_TIMEOUT || !((c->trap_mask >> (code & 0xFF)) & 1)) {
        printf("%u FAIL expected a trap (%s), ", c->index, c->trap_text);
        describe_outcome(code);
        printf("\n");
      } else {
        printf("%u PASS\n", c->index);
      }
      return;
  }
  printf("%u FAIL unknown command kind %u\n", c->index, c->kind);
}

static void* interpreter(void* arg) {
  (void)arg;
  stack_t alt = {.ss_sp = malloc(ALT_STACK_SIZE), .ss_size = ALT_STACK_SIZE, .ss_flags = 0};
  if (!alt.ss_sp || sigaltstack(&alt, NULL) != 0) die("sigaltstack: %s", strerror(errno));
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGVTALRM);
  pthread_sigmask(SIG_UNBLOCK, &set, NULL);
  for (uint32_t i = 0; i < command_count; i++) {
    run_command(&commands[i]);
    fflush(stdout);
  }
  return NULL;
}

/* argv: "skip=<index>,<index>,..." to leave commands out. */
int harness_main(int argc, char** argv, const harness_command_t* cmds, uint32_t count, uint32_t modules) {
  setvbuf(stdout, NULL, _IOFBF, 1 << 16);
  commands = cmds;
  command_count = count;
  uint32_t max_index = 0;
  for (uint32_t i = 0; i < count; i++)
    if (cmds[i].index > max_index) max_index = cmds[i].index;
  skip = calloc(max_index + 1, 1);
  module_ok = calloc(modules + 1, 1);
  for (int a = 1; a < argc; a++) {
    if (strncmp(argv[a], "skip=", 5) != 0) die("unknown argument %s", argv[a]);
    for (char* p = argv[a] + 5; *p;) {
      unsigned long v = strtoul(p, &p, 10);
      if (v <= max_index) skip[v] = 1;
      if (*p == ',') p++;
      else if (*p) die("bad skip list");
    }
  }

  /* The reservation for linear memory and its guards. */
  void* r = mmap((void*)(uintptr_t)HARNESS_REGION_LO, HARNESS_REGION_HI - HARNESS_REGION_LO, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
  if (r != (void*)(uintptr_t)HARNESS_REGION_LO) die("cannot reserve [0x%x, 0x%x): %s", HARNESS_REGION_LO, HARNESS_REGION_HI, strerror(errno));

  /* The interpreter's stack, with its guard at the bottom. */
  uint8_t* stack = mmap(NULL, STACK_SIZE + STACK_GUARD, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (stack == MAP_FAILED) die("cannot map the interpreter stack: %s", strerror(errno));
  if (mprotect(stack, STACK_GUARD, PROT_NONE) != 0) die("stack guard: %s", strerror(errno));
  stack_guard_lo = (uintptr_t)stack;
  stack_guard_hi = (uintptr_t)stack + STACK_GUARD;

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
  sigaction(SIGFPE, &sa, NULL);
  sigaction(SIGILL, &sa, NULL);
  struct sigaction st;
  memset(&st, 0, sizeof st);
  st.sa_handler = on_timer;
  st.sa_flags = SA_ONSTACK | SA_NODEFER;
  sigemptyset(&st.sa_mask);
  sigaction(SIGVTALRM, &st, NULL);

  /* Only the interpreter thread takes the timer signal. */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGVTALRM);
  pthread_sigmask(SIG_BLOCK, &set, NULL);

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstack(&attr, stack + STACK_GUARD, STACK_SIZE);
  pthread_t t;
  if (pthread_create(&t, &attr, interpreter, NULL) != 0) die("pthread_create failed");
  pthread_join(t, NULL);
  printf("DONE\n");
  fflush(stdout);
  return 0;
}
