/* assert.h: freestanding stand-in. wasm2c asserts only that the runtime and
 * module were initialised, which the boot code guarantees by construction. */
#ifndef TSOS_ASSERT_H
#define TSOS_ASSERT_H
#define assert(x) ((void)0)
#endif
